/* godwit-sync-sidecar-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "godwit-sync-document.h"

G_BEGIN_DECLS

/* The sidecar is the store's path with this added: Notes.sqlite.godwit-sync. */
#define GODWIT_SYNC_SIDECAR_SUFFIX ".godwit-sync"

/* What the sidecar knows of one document. */
typedef struct
{
  char   *id;
  char   *entity;   /* the concrete entity */
  char   *root;     /* the root of its hierarchy, whose table holds it */
  gint64  pk;       /* Z_PK; 0 when the store does not hold the object */
  char   *rev;      /* (nullable) the revision the store holds */
  char   *digest;   /* (nullable) SHA-256 of that revision's body as the store holds it */
} GodwitSyncRecord;

/* One revision of a document's revision tree. */
typedef struct
{
  char     *rev;
  char     *parent;   /* (nullable) unknown for the oldest one kept */
  gboolean  deleted;
  gboolean  leaf;
  char     *body;     /* (nullable) the canonical body, "" when deleted; NULL once pruned */
} GodwitSyncRevision;

/* A relationship target the store cannot hold yet: its object has not
 * arrived. */
typedef struct
{
  char   *id;            /* the document whose relationship it is */
  char   *relationship;
  gint64  position;      /* its index in the document's value */
  char   *target;
} GodwitSyncPending;

/* What a transaction wrote into the store, as the sidecar's journal keeps
 * it until the store committed too. */
typedef enum
{
  GODWIT_SYNC_JOURNAL_INSERT,  /* object @pk inserted */
  GODWIT_SYNC_JOURNAL_UPDATE,  /* object @pk updated */
  GODWIT_SYNC_JOURNAL_DELETE,  /* object @pk deleted */
  GODWIT_SYNC_JOURNAL_LINK,    /* a relationship written again once its target @cause arrived */
} GodwitSyncJournalKind;

typedef struct
{
  gint64                 position;
  GodwitSyncJournalKind  kind;
  char                  *id;            /* the document whose object was written */
  char                  *rev;           /* (nullable) the revision written; NULL for a link */
  char                  *relationship;  /* (nullable) a link's relationship */
  char                  *cause;         /* (nullable) a link's target, inserted by the same transaction */
  gint64                 pk;            /* the object's Z_PK */
  gint64                 z_opt;         /* inserted or updated: its Z_OPT once written */
} GodwitSyncJournalEntry;

#define GODWIT_TYPE_SYNC_SIDECAR (godwit_sync_sidecar_get_type ())

G_DECLARE_FINAL_TYPE (GodwitSyncSidecar, godwit_sync_sidecar, GODWIT, SYNC_SIDECAR, GObject)

char               *_godwit_sync_sidecar_dup_path           (const char          *store_path);
GodwitSyncSidecar  *_godwit_sync_sidecar_open               (const char          *store_path,
                                                             const char          *store_uuid,
                                                             GCancellable        *cancellable,
                                                             GError             **error);
sqlite3            *_godwit_sync_sidecar_get_db             (GodwitSyncSidecar   *self);
const char         *_godwit_sync_sidecar_get_store_path     (GodwitSyncSidecar   *self);
const char         *_godwit_sync_sidecar_get_path           (GodwitSyncSidecar   *self);
const char         *_godwit_sync_sidecar_get_instance_id    (GodwitSyncSidecar   *self);
gboolean            _godwit_sync_sidecar_fail               (GodwitSyncSidecar   *self,
                                                             const char          *doing,
                                                             GError             **error);
sqlite3_stmt       *_godwit_sync_sidecar_prepare            (GodwitSyncSidecar   *self,
                                                             const char          *sql,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_execute            (GodwitSyncSidecar   *self,
                                                             const char          *sql,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_step_done          (GodwitSyncSidecar   *self,
                                                             sqlite3_stmt        *statement,
                                                             const char          *doing,
                                                             GError             **error);

gboolean            _godwit_sync_sidecar_begin              (GodwitSyncSidecar   *self,
                                                             gboolean             write_store,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_commit             (GodwitSyncSidecar   *self,
                                                             GError             **error);
void                _godwit_sync_sidecar_rollback           (GodwitSyncSidecar   *self);

void                _godwit_sync_record_free                (GodwitSyncRecord    *record);
GodwitSyncRecord   *_godwit_sync_sidecar_find               (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             GError             **error);
GodwitSyncRecord   *_godwit_sync_sidecar_get                (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             GError             **error);
GodwitSyncRecord   *_godwit_sync_sidecar_find_object        (GodwitSyncSidecar   *self,
                                                             const char          *root,
                                                             gint64               pk,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_save               (GodwitSyncSidecar   *self,
                                                             const GodwitSyncRecord *record,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_touch              (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_changes        (GodwitSyncSidecar   *self,
                                                             gint64               since,
                                                             gint64               until,
                                                             guint                limit,
                                                             gint64              *last_seq,
                                                             GError             **error);
gint64              _godwit_sync_sidecar_get_last_seq       (GodwitSyncSidecar   *self);

void                _godwit_sync_revision_free              (GodwitSyncRevision  *revision);
gboolean            _godwit_sync_sidecar_has_revision       (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             const char          *rev,
                                                             gboolean            *has,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_add_revision       (GodwitSyncSidecar   *self,
                                                             GodwitSyncDocument  *document,
                                                             const char          *parent_rev,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_revisions      (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_leaves         (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             GError             **error);
GodwitSyncDocument *_godwit_sync_sidecar_load_revision      (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             const char          *rev,
                                                             guint                max_history,
                                                             GError             **error);
char               *_godwit_sync_sidecar_dup_revision_json  (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             const char          *rev,
                                                             guint                max_history,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_conflicted_ids (GodwitSyncSidecar   *self,
                                                             GError             **error);

void                _godwit_sync_pending_free               (GodwitSyncPending   *pending);
gboolean            _godwit_sync_sidecar_set_pending        (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             const char          *relationship,
                                                             GPtrArray           *pending,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_pending        (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             const char          *relationship,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_pending_owners (GodwitSyncSidecar   *self,
                                                             const char          *target,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_forget_target      (GodwitSyncSidecar   *self,
                                                             const char          *target,
                                                             GError             **error);

void                _godwit_sync_journal_entry_free         (GodwitSyncJournalEntry *entry);
gboolean            _godwit_sync_sidecar_add_journal_entry  (GodwitSyncSidecar   *self,
                                                             const GodwitSyncJournalEntry *entry,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_update_journal_entry (GodwitSyncSidecar *self,
                                                             const GodwitSyncJournalEntry *entry,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_journal        (GodwitSyncSidecar   *self,
                                                             GError             **error);

gboolean            _godwit_sync_sidecar_note_effect        (GodwitSyncSidecar   *self,
                                                             const char          *root,
                                                             gint64               pk,
                                                             const char          *relationship,
                                                             const char          *target,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_has_effect         (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             gboolean            *has,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_forget_effect      (GodwitSyncSidecar   *self,
                                                             const char          *id,
                                                             GError             **error);
GPtrArray          *_godwit_sync_sidecar_dup_effect_ids     (GodwitSyncSidecar   *self,
                                                             GError             **error);

JsonObject         *_godwit_sync_sidecar_get_checkpoint     (GodwitSyncSidecar   *self,
                                                             const char          *replication_id,
                                                             GError             **error);
gboolean            _godwit_sync_sidecar_put_checkpoint     (GodwitSyncSidecar   *self,
                                                             const char          *replication_id,
                                                             JsonObject          *checkpoint,
                                                             GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitSyncRecord, _godwit_sync_record_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitSyncRevision, _godwit_sync_revision_free)

G_END_DECLS
