/* godwit-sync.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "godwit-model-bundle.h"
#include "godwit-store-backup.h"

G_BEGIN_DECLS

/* Changes a batch reads and documents it writes. Each batch costs the
 * server a _revs_diff, a _bulk_docs (or _changes and _bulk_get) and a
 * checkpoint whatever its size: against pouchdb-server, batches of 1000
 * take about three quarters of the server's time per document that
 * batches of 100 (PouchDB's default) take, and larger ones no less
 * (bench/README.md). */
#define GODWIT_SYNC_DEFAULT_BATCH_SIZE 1000
#define GODWIT_SYNC_MAX_BATCH_SIZE     10000

typedef enum
{
  GODWIT_SYNC_DIRECTION_BOTH,   /* push, then pull (resolving conflicts), then push the resolutions */
  GODWIT_SYNC_DIRECTION_PUSH,   /* the store's changes to the server */
  GODWIT_SYNC_DIRECTION_PULL,   /* the server's changes into the store */
} GodwitSyncDirection;

/* How a document with several leaf revisions is resolved, after Core
 * Data's merge policies, the server's revisions playing the changes being
 * saved and the store the persistent store. "The store's" revision is the
 * one the store holds; "the remote" one the winner of the others. */
typedef enum
{
  GODWIT_SYNC_POLICY_STORE_WINS,   /* property by property, the store's change wins where both changed
                                    * (NSMergeByPropertyStoreTrumpMergePolicy) */
  GODWIT_SYNC_POLICY_REMOTE_WINS,  /* property by property, the remote change wins where both changed
                                    * (NSMergeByPropertyObjectTrumpMergePolicy) */
  GODWIT_SYNC_POLICY_OVERWRITE,    /* the remote revision replaces the store's whole (NSOverwriteMergePolicy) */
  GODWIT_SYNC_POLICY_NEWEST,       /* the revision with the latest value of a date attribute wins whole */
  GODWIT_SYNC_POLICY_MANUAL,       /* nothing is resolved: conflicts are listed */
} GodwitSyncPolicy;

typedef enum
{
  GODWIT_SYNC_AUTHENTICATION_BASIC,   /* credentials on every request */
  GODWIT_SYNC_AUTHENTICATION_COOKIE,  /* POST /_session once, then its AuthSession cookie */
} GodwitSyncAuthentication;

typedef struct
{
  const char *phase;     /* "scan", "push", "pull", "resolve" */
  const char *entity;    /* (nullable) scan: the entity being read; none once the scan is done,
                          * which may be while the push goes on */
  gint64      done;      /* objects read (scan), documents written (push, pull) */
  gint64      total;     /* scan: the entity's objects; -1 when unknown */
} GodwitSyncProgress;

typedef void (*GodwitSyncProgressCallback) (const GodwitSyncProgress *progress,
                                            gpointer                  user_data);

/* One direction of a sync, in the words of CouchDB's checkpoint history. */
typedef struct
{
  char      *replication_id;
  char      *session_id;
  JsonNode  *start_seq;           /* the checkpoint it started from (null: from the start) */
  JsonNode  *end_seq;             /* the checkpoint it recorded */
  gint64     docs_read;
  gint64     docs_written;
  gint64     doc_write_failures;
  gint64     missing_checked;
  gint64     missing_found;
  GPtrArray *failures;            /* (element-type utf8) documents the target refused */
} GodwitSyncReplication;

/* A document with several undeleted leaf revisions, and what became of it. */
typedef struct
{
  char      *document;            /* the document id */
  char      *entity;
  GPtrArray *revisions;           /* (element-type utf8) its leaves, the winner first */
  GPtrArray *bodies;              /* (element-type JsonNode) each leaf's document body, in the order of revisions */
  int        store_leaf;          /* index in revisions of the leaf the store holds now, or -1 */
  gboolean   resolved;
  char      *revision;            /* (nullable) the merged revision written */
  GPtrArray *details;             /* (element-type utf8) where each property's value came from */
} GodwitSyncConflict;

#define GODWIT_TYPE_SYNC (godwit_sync_get_type ())

G_DECLARE_FINAL_TYPE (GodwitSync, godwit_sync, GODWIT, SYNC, GObject)

GodwitSync                  *godwit_sync_new                       (const char                  *store_path,
                                                                    GodwitModelBundle           *bundle,
                                                                    const char                  *endpoint,
                                                                    const char                  *database,
                                                                    GError                     **error);
void                         godwit_sync_set_credentials           (GodwitSync                  *self,
                                                                    const char                  *user,
                                                                    const char                  *password);
void                         godwit_sync_set_authentication        (GodwitSync                  *self,
                                                                    GodwitSyncAuthentication     authentication);
gboolean                     godwit_sync_set_ca_file               (GodwitSync                  *self,
                                                                    const char                  *path,
                                                                    GError                     **error);
void                         godwit_sync_set_direction             (GodwitSync                  *self,
                                                                    GodwitSyncDirection          direction);
gboolean                     godwit_sync_set_policy                (GodwitSync                  *self,
                                                                    GodwitSyncPolicy             policy,
                                                                    const char                  *date_attribute,
                                                                    GError                     **error);
void                         godwit_sync_set_batch_size            (GodwitSync                  *self,
                                                                    guint                        batch_size);
void                         godwit_sync_set_create_database       (GodwitSync                  *self,
                                                                    gboolean                     create);
void                         godwit_sync_set_retries               (GodwitSync                  *self,
                                                                    guint                        retries,
                                                                    guint                        first_delay_ms);
void                         godwit_sync_set_progress_callback     (GodwitSync                  *self,
                                                                    GodwitSyncProgressCallback   callback,
                                                                    gpointer                     user_data);

gboolean                     godwit_sync_run                       (GodwitSync                  *self,
                                                                    GCancellable                *cancellable,
                                                                    GError                     **error);
void                         godwit_sync_run_async                 (GodwitSync                  *self,
                                                                    GCancellable                *cancellable,
                                                                    GAsyncReadyCallback          callback,
                                                                    gpointer                     user_data);
gboolean                     godwit_sync_run_finish                (GodwitSync                  *self,
                                                                    GAsyncResult                *result,
                                                                    GError                     **error);

gboolean                     godwit_sync_resolve_conflict          (GodwitSync                  *self,
                                                                    const char                  *document,
                                                                    guint                        leaf,
                                                                    GHashTable                  *property_leaves,
                                                                    GCancellable                *cancellable,
                                                                    GError                     **error);
void                         godwit_sync_resolve_conflict_async    (GodwitSync                  *self,
                                                                    const char                  *document,
                                                                    guint                        leaf,
                                                                    GHashTable                  *property_leaves,
                                                                    GCancellable                *cancellable,
                                                                    GAsyncReadyCallback          callback,
                                                                    gpointer                     user_data);
gboolean                     godwit_sync_resolve_conflict_finish   (GodwitSync                  *self,
                                                                    GAsyncResult                *result,
                                                                    GError                     **error);

GodwitModel                 *godwit_sync_get_model_version         (GodwitSync                  *self);
const char                  *godwit_sync_get_url                   (GodwitSync                  *self);
const GodwitSyncReplication *godwit_sync_get_push                  (GodwitSync                  *self);
const GodwitSyncReplication *godwit_sync_get_pull                  (GodwitSync                  *self);
GPtrArray                   *godwit_sync_get_conflicts             (GodwitSync                  *self);
guint                        godwit_sync_get_n_unresolved          (GodwitSync                  *self);
const GodwitStoreBackup     *godwit_sync_get_backup                (GodwitSync                  *self);
void                         godwit_sync_get_local_changes         (GodwitSync                  *self,
                                                                    gint64                      *inserted,
                                                                    gint64                      *updated,
                                                                    gint64                      *deleted);
void                         godwit_sync_get_store_changes         (GodwitSync                  *self,
                                                                    gint64                      *inserted,
                                                                    gint64                      *updated,
                                                                    gint64                      *deleted);
JsonNode                    *godwit_sync_to_json                   (GodwitSync                  *self);

const char                  *godwit_sync_direction_to_string       (GodwitSyncDirection          direction);
gboolean                     godwit_sync_policy_from_string        (const char                  *text,
                                                                    GodwitSyncPolicy            *policy);
const char                  *godwit_sync_policy_to_string          (GodwitSyncPolicy             policy);
const char                  *godwit_sync_authentication_to_string  (GodwitSyncAuthentication     authentication);
gboolean                     godwit_sync_authentication_from_string (const char                 *text,
                                                                     GodwitSyncAuthentication   *authentication);

G_END_DECLS
