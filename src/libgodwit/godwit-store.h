/* godwit-store.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <plist/plist.h>

#include "godwit-model.h"

G_BEGIN_DECLS

/* One row of Z_PRIMARYKEY. */
typedef struct
{
  guint   entity_number;   /* Z_ENT */
  char   *name;            /* Z_NAME */
  guint   super_number;    /* Z_SUPER, 0 for a root */
  gint64  max_pk;          /* Z_MAX: only a hierarchy's root row holds it */
} GodwitPrimaryKeyRow;

/* An entity as the store holds it: from the bound model, or from
 * Z_PRIMARYKEY and the tables alone when no model is available. */
typedef struct
{
  char         *name;
  guint         entity_number;  /* Z_ENT, 0 if the store has no row for it */
  char         *parent_name;    /* (nullable) */
  char         *table;          /* (nullable) when the store lacks the table */
  gboolean      abstract;
  GodwitEntity *entity;         /* (nullable) (unowned) the model's entity */
} GodwitStoreEntity;

/**
 * GodwitObject:
 *
 * A managed object read from the store, values decoded for display:
 * dates as ISO 8601 UTC, UUIDs as strings, binary data as
 * {"size", "preview"}, archived transformable values unpacked, to-one
 * relationships as an object ID URI or null, to-many ones as arrays of
 * URIs (ordered ones in their order).
 */
typedef struct
{
  char       *entity;          /* the object's concrete entity */
  guint       entity_number;   /* Z_ENT */
  gint64      pk;              /* Z_PK */
  gint64      opt;             /* Z_OPT */
  char       *uri;             /* x-coredata://UUID/Entity/pN */
  JsonObject *attributes;
  JsonObject *relationships;
} GodwitObject;

typedef enum
{
  GODWIT_HISTORY_CHANGE_INSERT = 0,
  GODWIT_HISTORY_CHANGE_UPDATE = 1,
  GODWIT_HISTORY_CHANGE_DELETE = 2,
} GodwitHistoryChangeType;

typedef struct
{
  gint64                   pk;
  GodwitHistoryChangeType  type;
  guint                    entity_number;
  char                    *entity;          /* (nullable) when Z_PRIMARYKEY does not name it */
  gint64                   entity_pk;
  char                    *uri;             /* (nullable) */
  char                    *changed_columns_hex; /* (nullable) updates: the raw ZCOLUMNS bitmask (its bit order is unverified) */
  JsonArray               *tombstone;        /* (nullable) deletes: the ZTOMBSTONEn values, as binary summaries */
} GodwitHistoryChange;

typedef struct
{
  gint64     pk;
  double     timestamp;        /* seconds since 2001-01-01 */
  char      *author;
  char      *context_name;
  char      *bundle_id;
  char      *process_id;
  GPtrArray *changes;          /* (element-type GodwitHistoryChange) */
} GodwitHistoryTransaction;

#define GODWIT_TYPE_STORE (godwit_store_get_type ())

G_DECLARE_FINAL_TYPE (GodwitStore, godwit_store, GODWIT, STORE, GObject)

void          godwit_store_open_async             (const char           *path,
                                                   GCancellable         *cancellable,
                                                   GAsyncReadyCallback   callback,
                                                   gpointer              user_data);
GodwitStore  *godwit_store_open_finish            (GAsyncResult         *result,
                                                   GError              **error);
GodwitStore  *godwit_store_open                   (const char           *path,
                                                   GCancellable         *cancellable,
                                                   GError              **error);

const char   *godwit_store_get_path               (GodwitStore          *self);
const char   *godwit_store_get_uuid               (GodwitStore          *self);
plist_t       godwit_store_get_metadata           (GodwitStore          *self);
gboolean      godwit_store_get_metadata_is_null   (GodwitStore          *self);
gint64        godwit_store_get_framework_version  (GodwitStore          *self);
GHashTable   *godwit_store_get_version_hashes     (GodwitStore          *self);
GPtrArray    *godwit_store_get_primary_keys       (GodwitStore          *self);
const char   *godwit_store_get_journal_mode       (GodwitStore          *self);
gboolean      godwit_store_has_model_cache        (GodwitStore          *self);
gboolean      godwit_store_has_persistent_history (GodwitStore          *self);
GodwitModel  *godwit_store_load_cached_model      (GodwitStore          *self,
                                                   GError              **error);

gboolean      godwit_store_set_model              (GodwitStore          *self,
                                                   GodwitModel          *model,
                                                   GError              **error);
GodwitModel  *godwit_store_get_model              (GodwitStore          *self);
GPtrArray    *godwit_store_get_schema_warnings    (GodwitStore          *self);
GPtrArray    *godwit_store_get_entities           (GodwitStore          *self);
const GodwitStoreEntity *godwit_store_find_entity (GodwitStore          *self,
                                                   const char           *name);

gint64        godwit_store_count_objects          (GodwitStore          *self,
                                                   const char           *entity_name,
                                                   gboolean              include_subentities,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
GPtrArray    *godwit_store_fetch_objects          (GodwitStore          *self,
                                                   const char           *entity_name,
                                                   gboolean              include_subentities,
                                                   gint64                after_pk,
                                                   guint                 limit,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
GPtrArray    *godwit_store_fetch_objects_sized    (GodwitStore          *self,
                                                   const char           *entity_name,
                                                   gboolean              include_subentities,
                                                   gint64                after_pk,
                                                   guint                 limit,
                                                   gsize                 max_size,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
gint64        godwit_store_find_object_pk         (GodwitStore          *self,
                                                   const char           *entity_name,
                                                   gboolean              include_subentities,
                                                   gint64                from_pk,
                                                   gint64                offset,
                                                   gboolean              backwards,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
char         *godwit_store_dup_object_uri         (GodwitStore          *self,
                                                   const char           *entity_name,
                                                   gint64                pk);
gboolean      godwit_store_parse_object_uri       (GodwitStore          *self,
                                                   const char           *uri,
                                                   char                **entity_name,
                                                   gint64               *pk);
gint64        godwit_store_count_history_transactions (GodwitStore      *self,
                                                   GCancellable         *cancellable,
                                                   GError              **error);
GPtrArray    *godwit_store_fetch_history          (GodwitStore          *self,
                                                   gint64                after_pk,
                                                   guint                 limit,
                                                   GCancellable         *cancellable,
                                                   GError              **error);

void          godwit_object_free                  (GodwitObject         *object);
void          godwit_history_transaction_free     (GodwitHistoryTransaction *transaction);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitObject, godwit_object_free)

G_END_DECLS
