/* godwit-sync-document.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "godwit-model.h"

G_BEGIN_DECLS

/* Longest document id and revision id accepted from a server. */
#define GODWIT_SYNC_DOCUMENT_MAX_ID_LENGTH       1024
#define GODWIT_SYNC_DOCUMENT_MAX_REVISION_LENGTH 160
/* Most ancestors sent or accepted in a document's _revisions. */
#define GODWIT_SYNC_DOCUMENT_MAX_HISTORY         1000

/**
 * GodwitSyncDocument:
 *
 * A managed object as a CouchDB document: its id is the concrete entity's
 * name, a colon and a UUID ("Plant:6F9619FF-8B86-D011-B42D-00C04FC964FF");
 * its body the entity, the model's version hashes digest, the attributes
 * (dates as ISO 8601, binary data as base64, UUIDs and decimals as
 * strings) and the relationships (to-one: a document id or null; to-many:
 * an array of ids, ordered ones in order, the others sorted). A deleted
 * document (a tombstone) has no body.
 */
typedef struct
{
  char       *id;
  char       *rev;            /* (nullable) "N-hash" */
  gboolean    deleted;
  char       *entity;         /* the id's entity */
  char       *model;          /* (nullable when deleted) NSStoreModelVersionHashesDigest */
  JsonObject *attributes;     /* (nullable when deleted) */
  JsonObject *relationships;  /* (nullable when deleted) */
  GPtrArray  *history;        /* (element-type utf8) (nullable): revision ids from _revisions,
                               * newest (this revision) first */
} GodwitSyncDocument;

GodwitSyncDocument *godwit_sync_document_new               (const char          *id,
                                                            const char          *rev,
                                                            gboolean             deleted);
GodwitSyncDocument *godwit_sync_document_new_from_json     (JsonObject          *json,
                                                            const char          *origin,
                                                            GError             **error);
GodwitSyncDocument *godwit_sync_document_new_from_body     (const char          *id,
                                                            const char          *rev,
                                                            const char          *body,
                                                            GError             **error);
void                godwit_sync_document_free              (GodwitSyncDocument  *self);

char               *godwit_sync_document_dup_body          (GodwitSyncDocument  *self);
char               *godwit_sync_document_dup_digest        (GodwitSyncDocument  *self);
char               *godwit_sync_document_compute_revision  (GodwitSyncDocument  *self,
                                                            const char          *parent_rev);
JsonNode           *godwit_sync_document_to_json           (GodwitSyncDocument  *self);
gboolean            godwit_sync_document_check             (GodwitSyncDocument  *self,
                                                            GodwitModel         *model,
                                                            const char          *model_digest,
                                                            const char          *origin,
                                                            GError             **error);

char               *godwit_sync_document_new_id            (const char          *entity);
char               *godwit_sync_document_dup_id_entity     (const char          *id);
gboolean            godwit_sync_revision_parse             (const char          *rev,
                                                            gint64              *generation,
                                                            const char         **hash);
int                 godwit_sync_revision_compare           (const char          *a,
                                                            const char          *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GodwitSyncDocument, godwit_sync_document_free)

G_END_DECLS
