/* godwit-sync.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Syncs a store with a database of a CouchDB-protocol server, both ways,
 * as CouchDB's replicator does (docs: the replication protocol): the
 * store's side is the sidecar, whose local sequence numbers are the
 * source of a push and whose revision trees are the target of a pull.
 *
 * A run: find the store's changes (a scan, whoever made them); push them;
 * pull the server's changes into the store, one transaction per batch,
 * resolving documents with several leaves by the policy; push the
 * resolutions, so that the server ends with one leaf each. Checkpoints
 * go to the server's _local documents and to the sidecar after every
 * batch fully written, never before: a run stopped halfway repeats at
 * most one batch, which new_edits: false makes harmless.
 */

#define G_LOG_DOMAIN "godwit-sync"

#include "config.h"

#include <glib/gi18n-lib.h>

#include <string.h>

#include "godwit-error.h"
#include "godwit-json-private.h"
#include "godwit-replicator.h"
#include "godwit-store.h"
#include "godwit-store-backup.h"
#include "godwit-sync.h"
#include "godwit-sync-document-private.h"
#include "godwit-sync-keyring.h"
#include "godwit-sync-store-private.h"
#include "godwit-value.h"
#include "godwit-version-match.h"

/* Incremented when the meaning of a checkpoint changes. */
#define REPLICATION_ID_VERSION 1
/* Entries kept in a checkpoint's history, as CouchDB keeps 50. */
#define MAX_CHECKPOINT_HISTORY 50

struct _GodwitSync
{
  GObject                     parent_instance;

  /* Settings */
  char                       *store_path;
  GodwitModelBundle          *bundle;
  GodwitModel                *model;
  char                       *store_uuid;
  char                       *endpoint;
  char                       *database;
  char                       *url;
  char                       *user;
  char                       *password;
  GodwitSyncAuthentication    authentication;
  char                       *ca_file;
  GTlsDatabase               *ca_database;        /* (nullable) the CA file's authorities */
  GodwitSyncDirection         direction;
  GodwitSyncPolicy            policy;
  char                       *date_attribute;
  guint                       batch_size;
  gboolean                    create_database;
  guint                       retries;
  guint                       first_delay_ms;
  GodwitSyncProgressCallback  progress;
  gpointer                    progress_data;
  GMainContext               *progress_context;  /* (nullable) async runs report there */

  /* While running, in the worker thread */
  gboolean                    running;
  GodwitSyncSidecar          *sidecar;
  GodwitSyncStore            *sync_store;
  GodwitReplicator           *replicator;
  GCancellable               *cancellable;
  char                       *backup_description;  /* (nullable) what the store's backup is before */

  /* The revision of the push's checkpoint on the server, as the last
   * read or write of it answered: the next write needs no read. */
  char                       *push_checkpoint_rev;

  /* Results */
  GodwitSyncReplication      *push;
  GodwitSyncReplication      *pull;
  GPtrArray                  *conflicts;          /* (element-type GodwitSyncConflict) */
  guint                       n_unresolved;
  GodwitSyncCounts            local_changes;
  GodwitSyncCounts            store_changes;
  gboolean                    integrity_checked;
  GodwitStoreBackup          *backup;             /* (nullable) taken before the store was written */
};

G_DEFINE_FINAL_TYPE (GodwitSync, godwit_sync, G_TYPE_OBJECT)

static void
replication_free (GodwitSyncReplication *replication)
{
  if (replication == NULL)
    return;

  g_free (replication->replication_id);
  g_free (replication->session_id);
  g_clear_pointer (&replication->start_seq, json_node_unref);
  g_clear_pointer (&replication->end_seq, json_node_unref);
  g_clear_pointer (&replication->failures, g_ptr_array_unref);
  g_free (replication);
}

static void
conflict_free (gpointer data)
{
  GodwitSyncConflict *conflict = data;

  g_free (conflict->document);
  g_free (conflict->entity);
  g_ptr_array_unref (conflict->revisions);
  g_ptr_array_unref (conflict->bodies);
  g_free (conflict->revision);
  g_ptr_array_unref (conflict->details);
  g_free (conflict);
}

static void
godwit_sync_finalize (GObject *object)
{
  GodwitSync *self = (GodwitSync *) object;

  g_clear_pointer (&self->store_path, g_free);
  g_clear_object (&self->bundle);
  g_clear_object (&self->model);
  g_clear_pointer (&self->store_uuid, g_free);
  g_clear_pointer (&self->endpoint, g_free);
  g_clear_pointer (&self->database, g_free);
  g_clear_pointer (&self->url, g_free);
  g_clear_pointer (&self->user, g_free);
  godwit_sync_clear_password (&self->password);
  g_clear_pointer (&self->ca_file, g_free);
  g_clear_object (&self->ca_database);
  g_clear_pointer (&self->date_attribute, g_free);
  g_clear_pointer (&self->progress_context, g_main_context_unref);
  g_clear_pointer (&self->push_checkpoint_rev, g_free);
  g_clear_pointer (&self->backup, godwit_store_backup_free);
  g_clear_pointer (&self->push, replication_free);
  g_clear_pointer (&self->pull, replication_free);
  g_clear_pointer (&self->conflicts, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_sync_parent_class)->finalize (object);
}

static void
godwit_sync_class_init (GodwitSyncClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_sync_finalize;
}

static void
godwit_sync_init (GodwitSync *self)
{
  self->direction = GODWIT_SYNC_DIRECTION_BOTH;
  self->policy = GODWIT_SYNC_POLICY_STORE_WINS;
  self->batch_size = GODWIT_SYNC_DEFAULT_BATCH_SIZE;
  self->retries = GODWIT_REPLICATOR_DEFAULT_RETRIES;
  self->first_delay_ms = GODWIT_REPLICATOR_DEFAULT_RETRY_DELAY;
  self->conflicts = g_ptr_array_new_with_free_func (conflict_free);
}

/**
 * godwit_sync_new:
 * @store_path: the store to sync
 * @bundle: the store's model bundle: one of its versions must match the
 *   store's version hashes
 * @endpoint: the server's URL (http or https)
 * @database: the database on the server
 *
 * Reads the store's metadata and finds its model version; nothing is
 * written, nothing sent.
 *
 * Returns: (transfer full): the sync, or %NULL when the store cannot be
 *   read, matches no version of @bundle (%GODWIT_ERROR_NO_MODEL) or
 *   @endpoint is not a server URL (%GODWIT_ERROR_SERVER)
 */
GodwitSync *
godwit_sync_new (const char         *store_path,
                 GodwitModelBundle  *bundle,
                 const char         *endpoint,
                 const char         *database,
                 GError            **error)
{
  g_autoptr(GodwitSync) self = NULL;
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GodwitVersionMatch) match = NULL;
  GodwitModel *matched;

  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (bundle), NULL);
  g_return_val_if_fail (endpoint != NULL && database != NULL, NULL);

  replicator = godwit_replicator_new (endpoint, database, error);
  if (replicator == NULL)
    return NULL;

  store = godwit_store_open (store_path, NULL, error);
  if (store == NULL)
    return NULL;
  match = godwit_version_match_new (godwit_store_get_version_hashes (store), NULL, bundle);
  matched = godwit_version_match_get_matched_version (match);
  if (matched == NULL)
    {
      GodwitModel *nearest = godwit_version_match_get_nearest_version (match);

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NO_MODEL,
                   _("%s matches no version of %s (nearest: “%s”): its objects cannot be read as documents"),
                   store_path, godwit_model_bundle_get_path (bundle) != NULL ? godwit_model_bundle_get_path (bundle) : "the model",
                   nearest != NULL ? godwit_model_get_version_name (nearest) : "");
      return NULL;
    }

  self = g_object_new (GODWIT_TYPE_SYNC, NULL);
  self->store_path = g_strdup (store_path);
  self->bundle = g_object_ref (bundle);
  self->model = g_object_ref (matched);
  self->store_uuid = g_strdup (godwit_store_get_uuid (store));
  self->endpoint = g_strdup (godwit_replicator_get_endpoint (replicator));
  self->database = g_strdup (database);
  self->url = g_strdup (godwit_replicator_get_url (replicator));

  return g_steal_pointer (&self);
}

/**
 * godwit_sync_set_credentials:
 * @user: (nullable): the user name; %NULL for none
 * @password: (nullable): the password, kept in memory only for the sync
 */
void
godwit_sync_set_credentials (GodwitSync *self,
                             const char *user,
                             const char *password)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  g_free (self->user);
  self->user = g_strdup (user);
  godwit_sync_clear_password (&self->password);
  self->password = g_strdup (password);
}

/**
 * godwit_sync_set_authentication:
 *
 * How the credentials are sent: %GODWIT_SYNC_AUTHENTICATION_BASIC (the
 * default) on every request; %GODWIT_SYNC_AUTHENTICATION_COOKIE once, to
 * POST /_session, whose AuthSession cookie the requests then carry; a 401
 * later means the cookie expired: the sync logs in again once, and fails
 * with %GODWIT_ERROR_AUTHENTICATION when the server still refuses.
 */
void
godwit_sync_set_authentication (GodwitSync               *self,
                                GodwitSyncAuthentication  authentication)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  self->authentication = authentication;
}

/**
 * godwit_sync_set_ca_file:
 * @path: (nullable): a PEM file of certificate authorities; %NULL for the
 *   system's only
 *
 * An https server's certificate is always verified. The authorities of
 * @path are trusted in addition to the system's: a server whose
 * certificate either vouches for is accepted.
 *
 * Returns: %FALSE with %GODWIT_ERROR_IO when @path cannot be read or
 *   holds no certificate; the previous setting stays
 */
gboolean
godwit_sync_set_ca_file (GodwitSync  *self,
                         const char  *path,
                         GError     **error)
{
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) local_error = NULL;
  GList *certificates;

  g_return_val_if_fail (GODWIT_IS_SYNC (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  if (path != NULL)
    {
      /* The file database accepts a file without certificates: read it
       * first to say so. */
      certificates = g_tls_certificate_list_new_from_file (path, &local_error);
      if (certificates == NULL && local_error == NULL)
        g_set_error (&local_error, GODWIT_ERROR, GODWIT_ERROR_IO, _("no PEM certificate in it"));
      g_list_free_full (certificates, g_object_unref);
      if (local_error == NULL)
        database = g_tls_file_database_new (path, &local_error);
      if (database == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: not a usable CA file: %s"), path,
                       local_error->message);
          return FALSE;
        }
    }

  g_free (self->ca_file);
  self->ca_file = g_strdup (path);
  g_set_object (&self->ca_database, database);

  return TRUE;
}

void
godwit_sync_set_direction (GodwitSync          *self,
                           GodwitSyncDirection  direction)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  self->direction = direction;
}

/**
 * godwit_sync_set_policy:
 * @date_attribute: (nullable): for %GODWIT_SYNC_POLICY_NEWEST, the Date
 *   attribute compared
 *
 * Returns: %FALSE with %GODWIT_ERROR_UNKNOWN_ENTITY when the newest policy
 *   names no Date attribute of any entity of the store's model version
 */
gboolean
godwit_sync_set_policy (GodwitSync        *self,
                        GodwitSyncPolicy   policy,
                        const char        *date_attribute,
                        GError           **error)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  if (policy == GODWIT_SYNC_POLICY_NEWEST)
    {
      GPtrArray *entities = godwit_model_get_entities (self->model);
      gboolean found = FALSE;

      for (guint i = 0; date_attribute != NULL && i < entities->len && !found; i++)
        {
          GodwitProperty *property = godwit_entity_find_property (g_ptr_array_index (entities, i), date_attribute);

          found = property != NULL && property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE &&
                  property->attribute_type == GODWIT_ATTRIBUTE_TYPE_DATE && godwit_property_is_stored (property);
        }
      if (!found)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY,
                       _("%s: no entity of “%s” has a stored Date attribute “%s” for the newest policy"),
                       self->store_path, godwit_model_get_version_name (self->model),
                       date_attribute != NULL ? date_attribute : "");
          return FALSE;
        }
    }

  self->policy = policy;
  g_free (self->date_attribute);
  self->date_attribute = policy == GODWIT_SYNC_POLICY_NEWEST ? g_strdup (date_attribute) : NULL;

  return TRUE;
}

/* Changes a batch reads and documents it writes, at most
 * %GODWIT_SYNC_MAX_BATCH_SIZE. */
void
godwit_sync_set_batch_size (GodwitSync *self,
                            guint       batch_size)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  self->batch_size = CLAMP (batch_size, 1, GODWIT_SYNC_MAX_BATCH_SIZE);
}

/* Whether a missing database is created (PUT /db) rather than an error. */
void
godwit_sync_set_create_database (GodwitSync *self,
                                 gboolean    create)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  self->create_database = !!create;
}

/* As godwit_replicator_set_retries(). */
void
godwit_sync_set_retries (GodwitSync *self,
                         guint       retries,
                         guint       first_delay_ms)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  self->retries = retries;
  self->first_delay_ms = first_delay_ms;
}

/**
 * godwit_sync_set_progress_callback:
 *
 * @callback is called as the sync goes: by godwit_sync_run() in the
 * thread doing the work, by godwit_sync_run_async() in the thread-default
 * main context of its caller.
 */
void
godwit_sync_set_progress_callback (GodwitSync                 *self,
                                   GodwitSyncProgressCallback  callback,
                                   gpointer                    user_data)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  self->progress = callback;
  self->progress_data = user_data;
}

/* ---- progress ----------------------------------------------------------- */

typedef struct
{
  GodwitSync         *sync;
  GodwitSyncProgress  progress;
  char               *entity;
} ProgressReport;

static gboolean
deliver_progress (gpointer data)
{
  ProgressReport *report = data;

  report->progress.entity = report->entity;
  report->sync->progress (&report->progress, report->sync->progress_data);

  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer data)
{
  ProgressReport *report = data;

  g_object_unref (report->sync);
  g_free (report->entity);
  g_free (report);
}

static void
report_progress (GodwitSync *self,
                 const char *phase,
                 const char *entity,
                 gint64      done,
                 gint64      total)
{
  ProgressReport *report;

  if (self->progress == NULL)
    return;

  if (self->progress_context == NULL)
    {
      GodwitSyncProgress progress = { phase, entity, done, total };

      self->progress (&progress, self->progress_data);
      return;
    }

  report = g_new0 (ProgressReport, 1);
  report->sync = g_object_ref (self);
  report->progress.phase = phase;
  report->progress.done = done;
  report->progress.total = total;
  report->entity = g_strdup (entity);
  g_main_context_invoke_full (self->progress_context, G_PRIORITY_DEFAULT, deliver_progress, report,
                              progress_report_free);
}

static void
on_scan_progress (const char *entity,
                  gint64      done,
                  gint64      total,
                  gpointer    user_data)
{
  report_progress (user_data, "scan", entity, done, total);
}

/* ---- checkpoints -------------------------------------------------------- */

static char *
dup_replication_id (GodwitSync *self,
                    const char *direction)
{
  g_autofree char *key = g_strdup_printf ("godwit-sync\n%d\n%s\n%s\n%s\n%s", REPLICATION_ID_VERSION, direction,
                                          _godwit_sync_sidecar_get_instance_id (self->sidecar), self->endpoint,
                                          self->database);

  return g_compute_checksum_for_string (G_CHECKSUM_MD5, key, -1);
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static JsonArray *
history_of (JsonObject *checkpoint)
{
  JsonNode *node = json_object_get_member (checkpoint, "history");

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static gboolean
is_seq (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);

  return type == G_TYPE_STRING || type == G_TYPE_INT64;
}

/* Where a replication starts: with both checkpoints of the same session,
 * from their last sequence; otherwise from the newest session both
 * histories know; otherwise from the start (NULL). */
static JsonNode *
find_start (JsonObject *source,
            JsonObject *target)
{
  JsonArray *source_history, *target_history;
  const char *session;

  if (source == NULL || target == NULL)
    return NULL;

  session = string_member (source, "session_id");
  if (session != NULL && g_strcmp0 (session, string_member (target, "session_id")) == 0 &&
      is_seq (json_object_get_member (source, "source_last_seq")))
    return json_node_copy (json_object_get_member (source, "source_last_seq"));

  source_history = history_of (source);
  target_history = history_of (target);
  for (guint i = 0; source_history != NULL && target_history != NULL &&
                    i < json_array_get_length (source_history); i++)
    {
      JsonNode *entry = json_array_get_element (source_history, i);
      const char *entry_session;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        continue;
      entry_session = string_member (json_node_get_object (entry), "session_id");
      for (guint j = 0; entry_session != NULL && j < json_array_get_length (target_history); j++)
        {
          JsonNode *other = json_array_get_element (target_history, j);

          if (JSON_NODE_HOLDS_OBJECT (other) &&
              g_strcmp0 (string_member (json_node_get_object (other), "session_id"), entry_session) == 0 &&
              is_seq (json_object_get_member (json_node_get_object (entry), "recorded_seq")))
            return json_node_copy (json_object_get_member (json_node_get_object (entry), "recorded_seq"));
        }
    }

  return NULL;
}

static JsonNode *
seq_or_null (JsonNode *seq)
{
  return seq != NULL ? json_node_copy (seq) : json_node_new (JSON_NODE_NULL);
}

/* The checkpoint after a batch: this session first in the history. */
static JsonObject *
new_checkpoint (GodwitSyncReplication *replication,
                JsonObject            *previous,
                const char            *start_time)
{
  g_autoptr(JsonObject) checkpoint = json_object_new ();
  g_autoptr(JsonObject) entry = json_object_new ();
  g_autoptr(JsonArray) history = json_array_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *end_time = g_date_time_format_iso8601 (now);
  JsonArray *previous_history = previous != NULL ? history_of (previous) : NULL;

  json_object_set_string_member (entry, "session_id", replication->session_id);
  json_object_set_member (entry, "recorded_seq", seq_or_null (replication->end_seq));
  json_object_set_member (entry, "start_last_seq", seq_or_null (replication->start_seq));
  json_object_set_member (entry, "end_last_seq", seq_or_null (replication->end_seq));
  json_object_set_int_member (entry, "docs_read", replication->docs_read);
  json_object_set_int_member (entry, "docs_written", replication->docs_written);
  json_object_set_int_member (entry, "doc_write_failures", replication->doc_write_failures);
  json_object_set_int_member (entry, "missing_checked", replication->missing_checked);
  json_object_set_int_member (entry, "missing_found", replication->missing_found);
  json_object_set_string_member (entry, "start_time", start_time);
  json_object_set_string_member (entry, "end_time", end_time);
  json_array_add_object_element (history, g_steal_pointer (&entry));

  for (guint i = 0; previous_history != NULL && i < json_array_get_length (previous_history) &&
                    json_array_get_length (history) < MAX_CHECKPOINT_HISTORY; i++)
    {
      JsonNode *old = json_array_get_element (previous_history, i);

      /* This session's earlier batches are replaced by its entry. */
      if (!JSON_NODE_HOLDS_OBJECT (old) ||
          g_strcmp0 (string_member (json_node_get_object (old), "session_id"), replication->session_id) == 0)
        continue;
      json_array_add_element (history, json_node_copy (old));
    }

  json_object_set_string_member (checkpoint, "session_id", replication->session_id);
  json_object_set_member (checkpoint, "source_last_seq", seq_or_null (replication->end_seq));
  json_object_set_int_member (checkpoint, "replication_id_version", REPLICATION_ID_VERSION);
  json_object_set_array_member (checkpoint, "history", g_steal_pointer (&history));

  return g_steal_pointer (&checkpoint);
}

/* Records the checkpoint on both peers: the server's _local document
 * and the sidecar. @remote_rev: the server's revision of the _local
 * document, replaced by the one written. */
static gboolean
record_checkpoint (GodwitSync             *self,
                   GodwitSyncReplication  *replication,
                   JsonObject            **previous,
                   char                  **remote_rev,
                   const char             *start_time,
                   GError                **error)
{
  g_autoptr(JsonObject) checkpoint = new_checkpoint (replication, *previous, start_time);
  g_autoptr(JsonObject) remote_copy = json_object_ref (checkpoint);
  g_autofree char *written_rev = NULL;

  if (!godwit_replicator_put_local (self->replicator, replication->replication_id, remote_copy, *remote_rev,
                                    &written_rev, self->cancellable, error))
    return FALSE;
  g_free (*remote_rev);
  *remote_rev = g_steal_pointer (&written_rev);
  json_object_remove_member (checkpoint, "_id");
  if (!_godwit_sync_sidecar_put_checkpoint (self->sidecar, replication->replication_id, checkpoint, error))
    return FALSE;

  g_clear_pointer (previous, json_object_unref);
  *previous = g_steal_pointer (&checkpoint);

  return TRUE;
}

static GodwitSyncReplication *
start_replication (GodwitSync   *self,
                   const char   *direction,
                   JsonObject  **local,
                   JsonObject  **remote,
                   GError      **error)
{
  GodwitSyncReplication *replication;
  g_autofree char *replication_id = dup_replication_id (self, direction);
  g_autoptr(GError) local_error = NULL;
  g_autofree char *session = NULL;

  *local = _godwit_sync_sidecar_get_checkpoint (self->sidecar, replication_id, &local_error);
  if (local_error == NULL)
    *remote = godwit_replicator_get_local (self->replicator, replication_id, self->cancellable, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  replication = g_new0 (GodwitSyncReplication, 1);
  replication->replication_id = g_steal_pointer (&replication_id);
  session = g_uuid_string_random ();
  replication->session_id = g_steal_pointer (&session);
  replication->failures = g_ptr_array_new_with_free_func (g_free);
  /* The source's checkpoint first: its history is walked for a session
   * the target knows. */
  if (strcmp (direction, "push") == 0)
    replication->start_seq = find_start (*local, *remote);
  else
    replication->start_seq = find_start (*remote, *local);
  if (replication->start_seq != NULL)
    replication->end_seq = json_node_copy (replication->start_seq);

  return replication;
}

static char *
dup_now (void)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();

  return g_date_time_format_iso8601 (now);
}

/* ---- push --------------------------------------------------------------- */

/* One batch of a push: changes read from the sidecar, the question to
 * the server which of their leaf revisions it lacks, and the documents of
 * those, as JSON text, once it answered. */
typedef struct
{
  guint                    n_changes;
  gint64                   until;       /* the last sequence number the push takes */
  gint64                   last_seq;
  gint64                   missing_checked;
  JsonObject              *revisions;   /* id → its leaf revisions */
  GodwitReplicatorRequest *diff;        /* (nullable) the _revs_diff under way */
  GPtrArray               *documents;   /* (element-type utf8) (nullable) until the server answered */
} PushBatch;

static void
push_batch_free (PushBatch *batch)
{
  g_clear_pointer (&batch->diff, godwit_replicator_request_free);
  json_object_unref (batch->revisions);
  g_clear_pointer (&batch->documents, g_ptr_array_unref);
  g_free (batch);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PushBatch, push_batch_free)

/* The store's changes after @since and up to @until, at most a batch of
 * them, and their leaf revisions; asks the server which it lacks
 * (_revs_diff), without waiting for the answer: see finish_push_batch(). */
static PushBatch *
start_push_batch (GodwitSync  *self,
                  gint64       since,
                  gint64       until,
                  GError     **error)
{
  g_autoptr(PushBatch) batch = g_new0 (PushBatch, 1);
  g_autoptr(GPtrArray) ids = NULL;

  batch->revisions = json_object_new ();
  batch->until = until;
  ids = _godwit_sync_sidecar_dup_changes (self->sidecar, since, until, self->batch_size, &batch->last_seq, error);
  if (ids == NULL)
    return NULL;
  batch->n_changes = ids->len;

  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autoptr(GPtrArray) leaves = _godwit_sync_sidecar_dup_leaves (self->sidecar, id, error);
      g_autoptr(JsonArray) revs = json_array_new ();

      if (leaves == NULL)
        return NULL;
      for (guint j = 0; j < leaves->len; j++)
        json_array_add_string_element (revs, ((GodwitSyncRevision *) g_ptr_array_index (leaves, j))->rev);
      batch->missing_checked += leaves->len;
      if (leaves->len > 0)
        json_object_set_array_member (batch->revisions, id, g_steal_pointer (&revs));
    }

  if (json_object_get_size (batch->revisions) > 0)
    {
      batch->diff = godwit_replicator_begin_revs_diff (self->replicator, batch->revisions, self->cancellable, error);
      if (batch->diff == NULL)
        return NULL;
    }

  return g_steal_pointer (&batch);
}

/* Takes the server's answer and reads the revisions it lacks from the
 * sidecar, with their history. */
static gboolean
finish_push_batch (GodwitSync  *self,
                   PushBatch   *batch,
                   GError     **error)
{
  g_autoptr(GodwitReplicatorRequest) diff = g_steal_pointer (&batch->diff);
  g_autoptr(JsonObject) missing = NULL;
  g_autoptr(GList) missing_ids = NULL;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func (g_free);

  if (diff != NULL)
    {
      missing = godwit_replicator_end_revs_diff (self->replicator, diff, error);
      if (missing == NULL)
        return FALSE;
      missing_ids = json_object_get_members (missing);
    }

  for (GList *l = missing_ids; l != NULL; l = l->next)
    {
      JsonNode *entry = json_object_get_member (missing, l->data);
      JsonNode *revs = JSON_NODE_HOLDS_OBJECT (entry) ?
                       json_object_get_member (json_node_get_object (entry), "missing") : NULL;

      /* Only ids this batch asked about, and revisions it has. */
      if (revs == NULL || !JSON_NODE_HOLDS_ARRAY (revs) || !json_object_has_member (batch->revisions, l->data))
        continue;
      for (guint j = 0; j < json_array_get_length (json_node_get_array (revs)); j++)
        {
          JsonNode *rev = json_array_get_element (json_node_get_array (revs), j);
          g_autoptr(GError) local_error = NULL;
          char *document;

          if (!JSON_NODE_HOLDS_VALUE (rev) || json_node_get_value_type (rev) != G_TYPE_STRING)
            continue;
          document = _godwit_sync_sidecar_dup_revision_json (self->sidecar, l->data, json_node_get_string (rev),
                                                             GODWIT_SYNC_DOCUMENT_MAX_HISTORY, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          if (document != NULL)
            g_ptr_array_add (documents, document);
        }
    }

  batch->documents = g_steal_pointer (&documents);

  return TRUE;
}

/* The next batch after @batch, its _revs_diff begun, unless @batch is
 * the last one; a failure goes to @error. */
static PushBatch *
start_batch_after (GodwitSync  *self,
                   PushBatch   *batch,
                   GError     **error)
{
  if (batch == NULL || batch->n_changes < self->batch_size || *error != NULL)
    return NULL;

  return start_push_batch (self, batch->last_seq, batch->until, error);
}

/* The store's changes since the checkpoint to the server: the revisions
 * it lacks, with their history, in batches. The server is kept busy:
 * the next batch's _revs_diff goes before a batch's _bulk_docs, and the
 * one after's while the server writes it, so that the next batch's
 * documents are read meanwhile. A batch's documents go only once the
 * batch before is checkpointed: a run stopped halfway repeats at most one
 * batch. @until: the last sequence number to push. */
static gboolean
push (GodwitSync  *self,
      gint64       until,
      GError     **error)
{
  g_autoptr(JsonObject) local = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *start_time = dup_now ();
  g_autoptr(PushBatch) batch = NULL;
  g_autoptr(PushBatch) next = NULL;
  g_autoptr(GError) next_error = NULL;
  GodwitSyncReplication *replication;
  gint64 since = 0;

  /* A second push in the same run goes on from where the first ended,
   * in the same session and report. */
  if (self->push != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      replication = self->push;
      local = _godwit_sync_sidecar_get_checkpoint (self->sidecar, replication->replication_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  else
    {
      replication = start_replication (self, "push", &local, &remote, error);
      if (replication == NULL)
        return FALSE;
      self->push = replication;
      g_free (self->push_checkpoint_rev);
      self->push_checkpoint_rev = g_strdup (string_member (remote, "_rev"));
    }

  if (replication->end_seq != NULL && json_node_get_value_type (replication->end_seq) == G_TYPE_INT64)
    since = json_node_get_int (replication->end_seq);

  batch = start_push_batch (self, since, until, error);
  if (batch == NULL)
    return FALSE;
  next = start_batch_after (self, batch, &next_error);
  if (!finish_push_batch (self, batch, error))
    return FALSE;

  while (batch->n_changes > 0)
    {
      g_autoptr(GodwitReplicatorRequest) request = NULL;
      g_autoptr(PushBatch) after_next = NULL;
      g_autoptr(GError) after_next_error = NULL;

      if (batch->documents->len > 0)
        {
          request = godwit_replicator_begin_bulk_docs (self->replicator, batch->documents, self->cancellable, error);
          if (request == NULL)
            return FALSE;
        }

      /* A failure here waits until this batch is checkpointed. */
      if (next != NULL && !finish_push_batch (self, next, &next_error))
        g_clear_pointer (&next, push_batch_free);
      after_next = start_batch_after (self, next, &after_next_error);

      if (request != NULL)
        {
          g_autoptr(GPtrArray) failures = godwit_replicator_end_bulk_docs (self->replicator, request, error);

          if (failures == NULL)
            return FALSE;
          replication->docs_written += batch->documents->len - failures->len;
          replication->doc_write_failures += failures->len;
          for (guint j = 0; j < failures->len; j++)
            g_ptr_array_add (replication->failures, g_strdup (g_ptr_array_index (failures, j)));
          if (!godwit_replicator_ensure_full_commit (self->replicator, self->cancellable, error))
            return FALSE;
        }
      replication->missing_checked += batch->missing_checked;
      replication->missing_found += batch->documents->len;
      replication->docs_read += batch->documents->len;

      g_clear_pointer (&replication->end_seq, json_node_unref);
      replication->end_seq = json_node_init_int (json_node_alloc (), batch->last_seq);
      if (!record_checkpoint (self, replication, &local, &self->push_checkpoint_rev, start_time, error))
        return FALSE;
      report_progress (self, "push", NULL, replication->docs_written, -1);

      if (batch->n_changes < self->batch_size)
        break;
      if (next == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&next_error));
          return FALSE;
        }
      g_clear_pointer (&batch, push_batch_free);
      batch = g_steal_pointer (&next);
      next = g_steal_pointer (&after_next);
      next_error = g_steal_pointer (&after_next_error);
    }

  return TRUE;
}

/* ---- conflicts ---------------------------------------------------------- */

/* Revisions of @revisions that are ancestors of @rev, itself included. */
static GHashTable *
ancestors_of (GHashTable *by_rev,
              const char *rev)
{
  GHashTable *ancestors = g_hash_table_new (g_str_hash, g_str_equal);
  GodwitSyncRevision *revision = g_hash_table_lookup (by_rev, rev);

  while (revision != NULL && g_hash_table_add (ancestors, revision->rev))
    revision = revision->parent != NULL ? g_hash_table_lookup (by_rev, revision->parent) : NULL;

  return ancestors;
}

/* The newest revision that is an ancestor of every leaf and still has its
 * body: what each side changed is told against it. */
static GodwitSyncDocument *
load_base (GodwitSync  *self,
           const char  *id,
           GPtrArray   *leaves,
           GError     **error)
{
  g_autoptr(GPtrArray) revisions = _godwit_sync_sidecar_dup_revisions (self->sidecar, id, error);
  g_autoptr(GHashTable) by_rev = NULL;
  g_autoptr(GHashTable) common = NULL;
  GodwitSyncRevision *best = NULL;

  if (revisions == NULL)
    return NULL;
  by_rev = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < revisions->len; i++)
    {
      GodwitSyncRevision *revision = g_ptr_array_index (revisions, i);

      g_hash_table_insert (by_rev, revision->rev, revision);
    }

  for (guint i = 0; i < leaves->len; i++)
    {
      GodwitSyncRevision *leaf = g_ptr_array_index (leaves, i);
      g_autoptr(GHashTable) ancestors = ancestors_of (by_rev, leaf->rev);

      if (common == NULL)
        common = g_steal_pointer (&ancestors);
      else
        {
          GHashTableIter iter;
          gpointer key;

          g_hash_table_iter_init (&iter, common);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            if (!g_hash_table_contains (ancestors, key))
              g_hash_table_iter_remove (&iter);
        }
    }

  for (guint i = 0; common != NULL && i < revisions->len; i++)
    {
      GodwitSyncRevision *revision = g_ptr_array_index (revisions, i);

      if (revision->body == NULL || revision->deleted || !g_hash_table_contains (common, revision->rev))
        continue;
      if (best == NULL || godwit_sync_revision_compare (revision->rev, best->rev) > 0)
        best = revision;
    }

  if (best == NULL)
    return NULL;

  return godwit_sync_document_new_from_body (id, best->rev, best->body, error);
}

static char *
dup_value_text (JsonNode *value)
{
  return value != NULL ? godwit_value_dup_text (value, 60) : g_strdup ("null");
}

static gboolean
same_value (JsonNode *a,
            JsonNode *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return json_node_equal (a, b);
}

typedef enum
{
  MERGED_BOTH,
  MERGED_STORE_ONLY,
  MERGED_REMOTE_ONLY,
  MERGED_STORE,
  MERGED_REMOTE,
} MergedFrom;

/* A merged property's line in a conflict's details, a whole sentence
 * for translators. */
static char *
dup_merge_detail (gboolean    attribute,
                  const char *name,
                  const char *value,
                  MergedFrom  from)
{
  /* Translators: a property of a conflict's merged revision, its value,
   * and where the value comes from */
  switch (from)
    {
    case MERGED_BOTH:
      return attribute ? g_strdup_printf (_("attribute %s: %s, as both sides had it"), name, value)
                       : g_strdup_printf (_("relationship %s: %s, as both sides had it"), name, value);
    case MERGED_STORE_ONLY:
      return attribute ? g_strdup_printf (_("attribute %s: %s, changed in the store only"), name, value)
                       : g_strdup_printf (_("relationship %s: %s, changed in the store only"), name, value);
    case MERGED_REMOTE_ONLY:
      return attribute ? g_strdup_printf (_("attribute %s: %s, changed remotely only"), name, value)
                       : g_strdup_printf (_("relationship %s: %s, changed remotely only"), name, value);
    case MERGED_STORE:
      return attribute ? g_strdup_printf (_("attribute %s: %s, the store’s change"), name, value)
                       : g_strdup_printf (_("relationship %s: %s, the store’s change"), name, value);
    case MERGED_REMOTE:
    default:
      return attribute ? g_strdup_printf (_("attribute %s: %s, the remote change"), name, value)
                       : g_strdup_printf (_("relationship %s: %s, the remote change"), name, value);
    }
}

/* One member (attribute or relationship) of the merged body, property by
 * property: a value only one side changed is kept; where several changed
 * it, the policy picks the store's or the remote one. */
static JsonNode *
merge_member (GodwitSync          *self,
              const char          *kind,
              const char          *name,
              GPtrArray           *bodies,
              GodwitSyncDocument  *local,
              GodwitSyncDocument  *base,
              GodwitSyncConflict  *conflict)
{
  JsonNode *base_value = NULL;
  JsonNode *chosen = NULL;
  GodwitSyncDocument *chosen_from = NULL;
  guint n_changed = 0;
  gboolean differ = FALSE;

  if (base != NULL)
    base_value = json_object_get_member (g_str_equal (kind, "attribute") ? base->attributes : base->relationships,
                                         name);

  for (guint i = 0; i < bodies->len; i++)
    {
      GodwitSyncDocument *body = g_ptr_array_index (bodies, i);
      JsonObject *members = g_str_equal (kind, "attribute") ? body->attributes : body->relationships;
      JsonNode *value = json_object_get_member (members, name);
      gboolean changed = base == NULL || !same_value (value, base_value);
      gboolean is_local = body == local;

      if (i > 0)
        {
          GodwitSyncDocument *first = g_ptr_array_index (bodies, 0);
          JsonObject *first_members = g_str_equal (kind, "attribute") ? first->attributes : first->relationships;

          differ = differ || !same_value (value, json_object_get_member (first_members, name));
        }
      if (!changed)
        continue;
      n_changed++;

      /* Bodies come winner first: the first changer is the remote pick. */
      if (chosen == NULL ||
          (self->policy == GODWIT_SYNC_POLICY_STORE_WINS && is_local) ||
          (self->policy == GODWIT_SYNC_POLICY_REMOTE_WINS && chosen_from == local && !is_local))
        {
          chosen = value;
          chosen_from = body;
        }
    }

  if (chosen == NULL)
    chosen = base_value;

  if (differ)
    {
      g_autofree char *text = dup_value_text (chosen);

      g_ptr_array_add (conflict->details,
                       dup_merge_detail (g_str_equal (kind, "attribute"), name, text,
                                         chosen_from == NULL ? MERGED_BOTH :
                                         n_changed == 1 ? (chosen_from == local ? MERGED_STORE_ONLY
                                                                                : MERGED_REMOTE_ONLY) :
                                         chosen_from == local ? MERGED_STORE : MERGED_REMOTE));
    }

  return chosen != NULL ? json_node_copy (chosen) : json_node_new (JSON_NODE_NULL);
}

static GodwitSyncDocument *
merge_by_property (GodwitSync          *self,
                   const char          *id,
                   GPtrArray           *bodies,
                   GodwitSyncDocument  *local,
                   GodwitSyncDocument  *base,
                   GodwitSyncConflict  *conflict)
{
  GodwitSyncDocument *first = g_ptr_array_index (bodies, 0);
  GodwitSyncDocument *merged = godwit_sync_document_new (id, NULL, FALSE);
  g_autoptr(GList) attributes = json_object_get_members (first->attributes);
  g_autoptr(GList) relationships = json_object_get_members (first->relationships);

  merged->model = g_strdup (first->model);
  merged->attributes = json_object_new ();
  merged->relationships = json_object_new ();
  for (GList *l = attributes; l != NULL; l = l->next)
    json_object_set_member (merged->attributes, l->data,
                            merge_member (self, "attribute", l->data, bodies, local, base, conflict));
  for (GList *l = relationships; l != NULL; l = l->next)
    json_object_set_member (merged->relationships, l->data,
                            merge_member (self, "relationship", l->data, bodies, local, base, conflict));

  return merged;
}

/* The body whose date attribute is latest; the winner's on a tie or
 * without values. */
static GodwitSyncDocument *
pick_newest (GodwitSync          *self,
             GPtrArray           *bodies,
             GodwitSyncConflict  *conflict)
{
  GodwitSyncDocument *newest = g_ptr_array_index (bodies, 0);
  double newest_date = -G_MAXDOUBLE;
  gboolean any = FALSE;

  for (guint i = 0; i < bodies->len; i++)
    {
      GodwitSyncDocument *body = g_ptr_array_index (bodies, i);
      JsonNode *value = json_object_get_member (body->attributes, self->date_attribute);
      double date;

      if (value == NULL || !_godwit_sync_value_get_date (value, &date))
        continue;
      if (!any || date > newest_date)
        {
          newest = body;
          newest_date = date;
          any = TRUE;
        }
    }

  g_ptr_array_add (conflict->details,
                   any ? g_strdup_printf (_("revision %s: the latest %s"), newest->rev, self->date_attribute)
                       : g_strdup_printf (_("revision %s: no revision has a %s; the winner’s"), newest->rev,
                                          self->date_attribute));

  return newest;
}

static GodwitSyncConflict *
find_conflict (GodwitSync *self,
               const char *id)
{
  for (guint i = 0; i < self->conflicts->len; i++)
    {
      GodwitSyncConflict *conflict = g_ptr_array_index (self->conflicts, i);

      if (strcmp (conflict->document, id) == 0)
        return conflict;
    }

  return NULL;
}

/* A conflict entry for document @record: its undeleted leaves, the winner
 * first, their bodies, and which one the store holds. The leaves' parsed
 * bodies go to @documents, in the same order. */
static GodwitSyncConflict *
list_conflict (GodwitSync        *self,
               GodwitSyncRecord  *record,
               GPtrArray         *leaves,
               GPtrArray         *documents,
               GError           **error)
{
  GodwitSyncConflict *conflict = g_new0 (GodwitSyncConflict, 1);

  conflict->document = g_strdup (record->id);
  conflict->entity = g_strdup (record->entity);
  conflict->revisions = g_ptr_array_new_with_free_func (g_free);
  conflict->bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  conflict->store_leaf = -1;
  conflict->details = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < leaves->len; i++)
    {
      GodwitSyncRevision *leaf = g_ptr_array_index (leaves, i);
      GodwitSyncDocument *body;

      if (leaf->deleted)
        continue;
      body = _godwit_sync_sidecar_load_revision (self->sidecar, record->id, leaf->rev, 1, error);
      if (body == NULL)
        {
          conflict_free (conflict);
          return NULL;
        }
      /* The body as the server holds it, without the history. */
      g_clear_pointer (&body->history, g_ptr_array_unref);
      if (g_strcmp0 (leaf->rev, record->rev) == 0)
        conflict->store_leaf = (int) conflict->revisions->len;
      g_ptr_array_add (conflict->revisions, g_strdup (leaf->rev));
      g_ptr_array_add (conflict->bodies, godwit_sync_document_to_json (body));
      g_ptr_array_add (documents, body);
    }

  return conflict;
}

/* Writes @merged as a child of leaf @winner of @revisions and a deleted
 * child under each other one, so that the tree ends with one undeleted
 * leaf; @merged gets its revision id. */
static gboolean
write_resolution (GodwitSync          *self,
                  GodwitSyncDocument  *merged,
                  GPtrArray           *revisions,
                  guint                winner,
                  GError             **error)
{
  const char *winner_rev = g_ptr_array_index (revisions, winner);

  g_free (merged->rev);
  merged->rev = godwit_sync_document_compute_revision (merged, winner_rev);
  if (!_godwit_sync_sidecar_add_revision (self->sidecar, merged, winner_rev, error))
    return FALSE;
  for (guint i = 0; i < revisions->len; i++)
    {
      g_autoptr(GodwitSyncDocument) tombstone = NULL;

      if (i == winner)
        continue;
      tombstone = godwit_sync_document_new (merged->id, NULL, TRUE);
      tombstone->rev = godwit_sync_document_compute_revision (tombstone, g_ptr_array_index (revisions, i));
      if (!_godwit_sync_sidecar_add_revision (self->sidecar, tombstone, g_ptr_array_index (revisions, i), error))
        return FALSE;
    }

  return TRUE;
}

/* Resolves a document with several undeleted leaves: the merged body is
 * written as a child of the winner and every other undeleted leaf gets a
 * deleted child, so that the tree ends with one undeleted leaf. */
static gboolean
resolve (GodwitSync          *self,
         GodwitSyncRecord    *record,
         GPtrArray           *leaves,
         GodwitSyncConflict **listed,
         GError             **error)
{
  g_autoptr(GPtrArray) bodies = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_sync_document_free);
  g_autoptr(GodwitSyncDocument) base = NULL;
  g_autoptr(GodwitSyncDocument) merged = NULL;
  GodwitSyncDocument *local = NULL;
  GodwitSyncDocument *remote = NULL;
  GodwitSyncConflict *conflict;

  conflict = list_conflict (self, record, leaves, bodies, error);
  if (conflict == NULL)
    return FALSE;
  g_ptr_array_add (self->conflicts, conflict);
  *listed = conflict;
  for (guint i = 0; i < bodies->len; i++)
    {
      if ((int) i == conflict->store_leaf)
        local = g_ptr_array_index (bodies, i);
      else if (remote == NULL)
        remote = g_ptr_array_index (bodies, i);
    }

  if (self->policy == GODWIT_SYNC_POLICY_MANUAL)
    {
      g_ptr_array_add (conflict->details,
                       g_strdup (conflict->store_leaf >= 0 ? "left for manual resolution; the store keeps its revision"
                                                           : "left for manual resolution; the store takes the winner"));
      return TRUE;
    }

  switch (self->policy)
    {
    case GODWIT_SYNC_POLICY_OVERWRITE:
      {
        g_autofree char *body = godwit_sync_document_dup_body (remote != NULL ? remote : local);

        merged = godwit_sync_document_new_from_body (record->id, NULL, body, error);
      }
      g_ptr_array_add (conflict->details, g_strdup_printf (_("revision %s replaces the store’s whole"),
                                                           (remote != NULL ? remote : local)->rev));
      break;
    case GODWIT_SYNC_POLICY_NEWEST:
      {
        g_autofree char *body = godwit_sync_document_dup_body (pick_newest (self, bodies, conflict));

        merged = godwit_sync_document_new_from_body (record->id, NULL, body, error);
      }
      break;
    case GODWIT_SYNC_POLICY_STORE_WINS:
    case GODWIT_SYNC_POLICY_REMOTE_WINS:
    case GODWIT_SYNC_POLICY_MANUAL:
    default:
      {
        g_autoptr(GError) local_error = NULL;

        base = load_base (self, record->id, leaves, &local_error);
        if (local_error != NULL)
          {
            g_propagate_error (error, g_steal_pointer (&local_error));
            return FALSE;
          }
      }
      merged = merge_by_property (self, record->id, bodies, local, base, conflict);
      break;
    }
  if (merged == NULL)
    return FALSE;

  if (!write_resolution (self, merged, conflict->revisions, 0, error))
    return FALSE;

  conflict->resolved = TRUE;
  conflict->revision = g_strdup (merged->rev);
  conflict->store_leaf = -1;
  report_progress (self, "resolve", record->entity, self->conflicts->len, -1);

  return TRUE;
}

/* ---- pull --------------------------------------------------------------- */

/* A change the store got since the scan (the app kept writing) becomes a
 * revision, before the batch writes anything: the pull then meets it as
 * a conflict instead of writing over it. */
static gboolean
record_late_change (GodwitSync  *self,
                    const char  *id,
                    GError     **error)
{
  return _godwit_sync_store_record_late_change (self->sync_store, id, error);
}

/* Before the first object a run writes into the store: a backup of the
 * store, in its backups folder, as a migration takes one, so that
 * `godwit-cli rollback` restores the store as it was. The transaction
 * that writes it holds the store's write lock and has not written the
 * store yet: the files copied are one state. */
static gboolean
back_up_store (GodwitSync  *self,
               GError     **error)
{
  if (self->backup != NULL)
    return TRUE;

  return godwit_store_backup_create (self->store_path, NULL, self->backup_description, &self->backup,
                                     self->cancellable, error);
}

/* Brings the store in line with document @id's revision tree, after new
 * revisions came in: several undeleted leaves are resolved; then the
 * store gets the winner, if it does not hold it already. */
static gboolean
settle (GodwitSync  *self,
        const char  *id,
        GError     **error)
{
  g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_get (self->sidecar, id, error);
  g_autoptr(GPtrArray) leaves = NULL;
  g_autoptr(GodwitSyncDocument) winner = NULL;
  g_autoptr(GodwitSyncDocument) held = NULL;
  GodwitSyncConflict *listed = NULL;
  guint n_undeleted = 0;

  if (record == NULL)
    return FALSE;

  leaves = _godwit_sync_sidecar_dup_leaves (self->sidecar, id, error);
  if (leaves == NULL)
    return FALSE;
  for (guint i = 0; i < leaves->len; i++)
    if (!((GodwitSyncRevision *) g_ptr_array_index (leaves, i))->deleted)
      n_undeleted++;

  if (n_undeleted > 1)
    {
      if (!resolve (self, record, leaves, &listed, error))
        return FALSE;
      g_ptr_array_unref (leaves);
      leaves = _godwit_sync_sidecar_dup_leaves (self->sidecar, id, error);
      if (leaves == NULL)
        return FALSE;
    }

  if (leaves->len == 0)
    return _godwit_sync_sidecar_touch (self->sidecar, id, error);

  /* Manual resolution leaves the store as it is. */
  if (self->policy == GODWIT_SYNC_POLICY_MANUAL && n_undeleted > 1 && record->rev != NULL)
    return _godwit_sync_sidecar_touch (self->sidecar, id, error);

  winner = _godwit_sync_sidecar_load_revision (self->sidecar, id,
                                               ((GodwitSyncRevision *) g_ptr_array_index (leaves, 0))->rev, 1,
                                               error);
  if (winner == NULL)
    return FALSE;
  if (g_strcmp0 (winner->rev, record->rev) == 0)
    return _godwit_sync_sidecar_touch (self->sidecar, id, error);

  if (!back_up_store (self, error) ||
      !_godwit_sync_store_apply (self->sync_store, record, winner, &self->store_changes, error))
    return FALSE;
  g_free (record->rev);
  record->rev = g_strdup (winner->rev);
  /* A conflict left unresolved: the store took the winner, its first leaf. */
  if (listed != NULL && !listed->resolved)
    listed->store_leaf = 0;
  g_free (record->digest);
  record->digest = NULL;
  if (!winner->deleted)
    {
      /* The digest of what the store holds now, read back: the next scan
       * compares with exactly that. */
      held = _godwit_sync_store_read (self->sync_store, record, error);
      if (held == NULL)
        return FALSE;
      record->digest = held->deleted ? NULL : godwit_sync_document_dup_digest (held);
    }

  return _godwit_sync_sidecar_save (self->sidecar, record, error);
}

/* A new record for a document that came from the server. */
static gboolean
ensure_record (GodwitSync          *self,
               GodwitSyncDocument  *document,
               GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_find (self->sidecar, document->id, &local_error);
  GodwitEntity *entity;
  GodwitSyncRecord created = { 0 };

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (record != NULL)
    {
      if (strcmp (record->entity, document->entity) != 0)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_MODEL_MISMATCH,
                       _("%s: document “%s” is a %s, but the store’s object is a %s"), self->url, document->id,
                       document->entity, record->entity);
          return FALSE;
        }
      return TRUE;
    }

  entity = godwit_model_get_entity (self->model, document->entity);
  created.id = document->id;
  created.entity = document->entity;
  created.root = godwit_entity_get_root (entity)->name;

  return _godwit_sync_sidecar_save (self->sidecar, &created, error);
}

/* The revisions of a batch of changes that the sidecar lacks. */
static JsonObject *
find_missing (GodwitSync             *self,
              JsonArray              *results,
              GodwitSyncReplication  *replication,
              GError                **error)
{
  g_autoptr(JsonObject) wanted = json_object_new ();

  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonNode *result = json_array_get_element (results, i);
      JsonObject *change;
      const char *id;
      JsonNode *revs;

      if (!JSON_NODE_HOLDS_OBJECT (result))
        continue;
      change = json_node_get_object (result);
      id = string_member (change, "id");
      revs = json_object_get_member (change, "changes");
      /* Design documents and the like are not objects. */
      if (id == NULL || id[0] == '_' || revs == NULL || !JSON_NODE_HOLDS_ARRAY (revs))
        continue;

      for (guint j = 0; j < json_array_get_length (json_node_get_array (revs)); j++)
        {
          JsonNode *entry = json_array_get_element (json_node_get_array (revs), j);
          const char *rev = JSON_NODE_HOLDS_OBJECT (entry) ? string_member (json_node_get_object (entry), "rev") : NULL;
          gboolean has = FALSE;

          if (rev == NULL || !godwit_sync_revision_parse (rev, NULL, NULL))
            continue;
          replication->missing_checked++;
          if (!_godwit_sync_sidecar_has_revision (self->sidecar, id, rev, &has, error))
            return NULL;
          if (has)
            continue;
          replication->missing_found++;
          if (!json_object_has_member (wanted, id))
            json_object_set_array_member (wanted, id, json_array_new ());
          json_array_add_string_element (json_object_get_array_member (wanted, id), rev);
        }
    }

  return g_steal_pointer (&wanted);
}

/* Writes a batch of fetched revisions into the revision trees and the
 * store, in one transaction. */
static gboolean
apply_batch (GodwitSync  *self,
             GPtrArray   *documents,
             GError     **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  if (!_godwit_sync_sidecar_begin (self->sidecar, TRUE, error))
    return FALSE;

  for (guint i = 0; i < documents->len; i++)
    {
      GodwitSyncDocument *document = g_ptr_array_index (documents, i);

      if (g_hash_table_add (seen, document->id))
        g_ptr_array_add (ids, document->id);
    }

  for (guint i = 0; i < ids->len; i++)
    if (!record_late_change (self, g_ptr_array_index (ids, i), error))
      goto failed;

  for (guint i = 0; i < documents->len; i++)
    {
      GodwitSyncDocument *document = g_ptr_array_index (documents, i);

      if (!ensure_record (self, document, error) ||
          !_godwit_sync_sidecar_add_revision (self->sidecar, document, NULL, error))
        goto failed;
    }

  for (guint i = 0; i < ids->len; i++)
    if (!settle (self, g_ptr_array_index (ids, i), error))
      goto failed;

  if (!_godwit_sync_sidecar_commit (self->sidecar, error))
    goto failed;

  return TRUE;

failed:
  _godwit_sync_sidecar_rollback (self->sidecar);
  return FALSE;
}

/* The server's changes since the checkpoint into the store, in batches. */
static gboolean
pull (GodwitSync  *self,
      GError     **error)
{
  g_autoptr(JsonObject) local = NULL;
  g_autoptr(JsonObject) remote = NULL;
  g_autofree char *start_time = dup_now ();
  g_autofree char *remote_rev = NULL;
  const char *digest = _godwit_sync_store_get_model_digest (self->sync_store);
  GodwitSyncReplication *replication;

  replication = start_replication (self, "pull", &local, &remote, error);
  if (replication == NULL)
    return FALSE;
  self->pull = replication;
  remote_rev = g_strdup (string_member (remote, "_rev"));

  for (;;)
    {
      g_autoptr(JsonObject) changes = NULL;
      g_autoptr(JsonObject) wanted = NULL;
      g_autoptr(GPtrArray) fetched = NULL;
      g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_sync_document_free);
      JsonArray *results;
      JsonNode *last_seq;
      guint n_results;

      changes = godwit_replicator_get_changes (self->replicator, replication->end_seq, self->batch_size,
                                               self->cancellable, error);
      if (changes == NULL)
        return FALSE;
      results = json_object_get_array_member (changes, "results");
      last_seq = json_object_get_member (changes, "last_seq");
      n_results = json_array_get_length (results);
      if (n_results == 0)
        break;
      if (!is_seq (last_seq))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s/_changes: “last_seq” is not a sequence"),
                       self->url);
          return FALSE;
        }

      wanted = find_missing (self, results, replication, error);
      if (wanted == NULL)
        return FALSE;
      if (json_object_get_size (wanted) > 0)
        {
          fetched = godwit_replicator_fetch_revisions (self->replicator, wanted, self->cancellable, error);
          if (fetched == NULL)
            return FALSE;
        }

      /* Every document is checked before any is written: one that does
       * not fit the model stops the pull with the batch unwritten. */
      for (guint i = 0; fetched != NULL && i < fetched->len; i++)
        {
          g_autoptr(GodwitSyncDocument) document = NULL;

          GodwitEntity *entity;

          document = godwit_sync_document_new_from_json (g_ptr_array_index (fetched, i), self->url, error);
          if (document == NULL)
            return FALSE;
          /* The tombstone of an object this model cannot hold deletes
           * nothing; any other document must fit the model. */
          entity = godwit_model_get_entity (self->model, document->entity);
          if (document->deleted && (entity == NULL || entity->abstract))
            continue;
          if (!godwit_sync_document_check (document, self->model, digest, self->url, error))
            return FALSE;
          if (document->rev == NULL)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER, _("%s: document “%s” came without “_rev”"),
                           self->url, document->id);
              return FALSE;
            }
          if (!json_object_has_member (wanted, document->id))
            continue;
          replication->docs_read++;
          g_ptr_array_add (documents, g_steal_pointer (&document));
        }

      if (documents->len > 0 && !apply_batch (self, documents, error))
        return FALSE;
      replication->docs_written += documents->len;

      g_clear_pointer (&replication->end_seq, json_node_unref);
      replication->end_seq = json_node_copy (last_seq);
      if (!record_checkpoint (self, replication, &local, &remote_rev, start_time, error))
        return FALSE;
      report_progress (self, "pull", NULL, replication->docs_written, -1);

      if (n_results < self->batch_size)
        break;
    }

  /* Objects the pull changed through others, whose own revisions did not
   * come, get revisions of their own. */
  return _godwit_sync_store_record_effects (self->sync_store, error);
}

/* Conflicts left by earlier runs (the manual policy's) that this run's
 * pull did not meet: listed with the manual policy, so that they can be
 * resolved one by one; resolved by any other policy, unless the run only
 * pushes, which leaves the store alone. */
static gboolean
settle_earlier_conflicts (GodwitSync  *self,
                          GError     **error)
{
  g_autoptr(GPtrArray) conflicted = _godwit_sync_sidecar_dup_conflicted_ids (self->sidecar, error);

  if (conflicted == NULL)
    return FALSE;

  for (guint i = 0; i < conflicted->len; i++)
    {
      const char *id = g_ptr_array_index (conflicted, i);

      if (find_conflict (self, id) != NULL)
        continue;

      if (self->policy == GODWIT_SYNC_POLICY_MANUAL)
        {
          g_autoptr(GodwitSyncRecord) record = _godwit_sync_sidecar_get (self->sidecar, id, error);
          g_autoptr(GPtrArray) leaves = NULL;
          g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_sync_document_free);
          GodwitSyncConflict *conflict;

          if (record == NULL)
            return FALSE;
          leaves = _godwit_sync_sidecar_dup_leaves (self->sidecar, id, error);
          if (leaves == NULL)
            return FALSE;
          conflict = list_conflict (self, record, leaves, documents, error);
          if (conflict == NULL)
            return FALSE;
          g_ptr_array_add (conflict->details, g_strdup ("left for manual resolution by an earlier sync"));
          g_ptr_array_add (self->conflicts, conflict);
        }
      else if (self->direction != GODWIT_SYNC_DIRECTION_PUSH)
        {
          if (!_godwit_sync_sidecar_begin (self->sidecar, TRUE, error))
            return FALSE;
          if (!record_late_change (self, id, error) || !settle (self, id, error) ||
              !_godwit_sync_sidecar_commit (self->sidecar, error))
            {
              _godwit_sync_sidecar_rollback (self->sidecar);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* ---- running ------------------------------------------------------------ */

static void
reset_results (GodwitSync *self)
{
  g_clear_pointer (&self->push, replication_free);
  g_clear_pointer (&self->pull, replication_free);
  g_ptr_array_set_size (self->conflicts, 0);
  self->n_unresolved = 0;
  memset (&self->local_changes, 0, sizeof self->local_changes);
  memset (&self->store_changes, 0, sizeof self->store_changes);
  self->integrity_checked = FALSE;
  g_clear_pointer (&self->backup, godwit_store_backup_free);
}

/* The worker's objects: the sidecar, the store and the server. */
static gboolean
open_peers (GodwitSync    *self,
            GCancellable  *cancellable,
            GError       **error)
{
  self->cancellable = cancellable;
  self->sidecar = _godwit_sync_sidecar_open (self->store_path, self->store_uuid, cancellable, error);
  if (self->sidecar == NULL)
    return FALSE;
  self->sync_store = _godwit_sync_store_new (self->sidecar, self->model, error);
  if (self->sync_store == NULL)
    return FALSE;
  self->replicator = godwit_replicator_new (self->endpoint, self->database, error);
  if (self->replicator == NULL)
    return FALSE;
  godwit_replicator_set_credentials (self->replicator, self->user, self->password);
  godwit_replicator_set_authentication (self->replicator, self->authentication);
  godwit_replicator_set_ca_database (self->replicator, self->ca_database);
  godwit_replicator_set_retries (self->replicator, self->retries, self->first_delay_ms);

  return TRUE;
}

/* Counts the documents left with several undeleted leaves, and checks the
 * store when the worker changed it. */
static gboolean
finish_work (GodwitSync  *self,
             GError     **error)
{
  g_autoptr(GPtrArray) conflicted = _godwit_sync_sidecar_dup_conflicted_ids (self->sidecar, error);

  if (conflicted == NULL)
    return FALSE;
  self->n_unresolved = conflicted->len;

  if (self->store_changes.inserted + self->store_changes.updated + self->store_changes.deleted > 0)
    {
      if (!_godwit_sync_store_check_integrity (self->sync_store, error))
        return FALSE;
      self->integrity_checked = TRUE;
    }

  return TRUE;
}

/* Objects the scan reads between two looks at the server's answers:
 * about 5 ms of work. */
#define SCAN_STEP 250

static gboolean
step_scan (gpointer data)
{
  return _godwit_sync_scan_step (data, SCAN_STEP);
}

static gboolean
run_sync (GodwitSync    *self,
          GCancellable  *cancellable,
          GError       **error)
{
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GodwitSyncScan) scan = NULL;
  gint64 recorded_seq;
  gint64 last_seq_before_pull;

  if (!open_peers (self, cancellable, error))
    return FALSE;
  self->backup_description = g_strdup_printf (_("before sync pull from %s"), self->url);

  if (!godwit_replicator_check_database (self->replicator, self->create_database, cancellable, error))
    return FALSE;
  info = godwit_replicator_get_info (self->replicator, cancellable, error);
  if (info == NULL)
    return FALSE;

  /* What earlier runs recorded goes to the server while the scan reads
   * the store; the scan's own revisions go once it committed them, so
   * that the server never gets a revision the sidecar could lose. */
  recorded_seq = _godwit_sync_sidecar_get_last_seq (self->sidecar);
  scan = _godwit_sync_store_begin_scan (self->sync_store, &self->local_changes, on_scan_progress, self, error);
  if (scan == NULL)
    return FALSE;
  if (self->direction != GODWIT_SYNC_DIRECTION_PULL)
    {
      gboolean pushed;

      godwit_replicator_set_wait_func (self->replicator, step_scan, scan);
      pushed = push (self, recorded_seq, error);
      godwit_replicator_set_wait_func (self->replicator, NULL, NULL);
      if (!pushed)
        return FALSE;
    }
  if (!_godwit_sync_scan_finish (scan, error))
    return FALSE;

  if (self->direction != GODWIT_SYNC_DIRECTION_PULL && !push (self, G_MAXINT64, error))
    return FALSE;

  last_seq_before_pull = _godwit_sync_sidecar_get_last_seq (self->sidecar);
  if (self->direction != GODWIT_SYNC_DIRECTION_PUSH && !pull (self, error))
    return FALSE;
  if (!settle_earlier_conflicts (self, error))
    return FALSE;

  /* Resolutions, and changes the store got during the pull, go back. */
  if (self->direction == GODWIT_SYNC_DIRECTION_BOTH &&
      _godwit_sync_sidecar_get_last_seq (self->sidecar) != last_seq_before_pull && !push (self, G_MAXINT64, error))
    return FALSE;

  return finish_work (self, error);
}

/* The worker's objects end in the worker's thread. */
static void
close_peers (GodwitSync *self)
{
  g_clear_object (&self->replicator);
  g_clear_object (&self->sync_store);
  g_clear_object (&self->sidecar);
  g_clear_pointer (&self->backup_description, g_free);
  self->cancellable = NULL;
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  GodwitSync *self = source_object;
  GError *error = NULL;
  gboolean ok = run_sync (self, cancellable, &error);

  close_peers (self);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * godwit_sync_run:
 *
 * Syncs, blocking until done: the blocking wrapper for the CLI. See
 * godwit_sync_run_async().
 */
gboolean
godwit_sync_run (GodwitSync    *self,
                 GCancellable  *cancellable,
                 GError       **error)
{
  g_autoptr(GTask) task = NULL;
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_SYNC (self), FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  reset_results (self);
  self->running = TRUE;
  g_clear_pointer (&self->progress_context, g_main_context_unref);
  task = g_task_new (self, cancellable, NULL, NULL);
  g_task_set_source_tag (task, godwit_sync_run);
  g_task_run_in_thread_sync (task, run_thread);
  ok = g_task_propagate_boolean (task, error);
  self->running = FALSE;

  return ok;
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) outer = user_data;
  GodwitSync *self = GODWIT_SYNC (source);
  GError *error = NULL;

  self->running = FALSE;
  if (g_task_propagate_boolean (G_TASK (result), &error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

/**
 * godwit_sync_run_async:
 *
 * Syncs in a worker thread: finds the store's changes, pushes them (unless
 * pulling only), pulls the server's changes into the store resolving
 * conflicts by the policy (unless pushing only), and pushes the
 * resolutions (when syncing both ways). Progress is reported in the
 * caller's thread-default main context.
 */
void
godwit_sync_run_async (GodwitSync          *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  GTask *outer;

  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (!self->running);

  reset_results (self);
  self->running = TRUE;
  g_clear_pointer (&self->progress_context, g_main_context_unref);
  self->progress_context = g_main_context_ref_thread_default ();

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, godwit_sync_run_async);
  inner = g_task_new (self, cancellable, on_run_done, outer);
  g_task_run_in_thread (inner, run_thread);
}

gboolean
godwit_sync_run_finish (GodwitSync    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- manual resolution -------------------------------------------------- */

typedef struct
{
  GodwitSyncConflict *conflict;
  guint               leaf;
  GHashTable         *property_leaves;   /* (nullable) name → GUINT_TO_POINTER (leaf) */
} ManualResolution;

static void
manual_resolution_free (ManualResolution *resolution)
{
  g_clear_pointer (&resolution->property_leaves, g_hash_table_unref);
  g_free (resolution);
}

/* The conflict, leaf and properties asked for, checked against the list
 * of the last run before anything is opened. */
static ManualResolution *
new_manual_resolution (GodwitSync  *self,
                       const char  *document,
                       guint        leaf,
                       GHashTable  *property_leaves,
                       GError     **error)
{
  GodwitSyncConflict *conflict = find_conflict (self, document);
  ManualResolution *resolution;
  JsonObject *first;

  if (conflict == NULL || conflict->resolved)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT,
                   conflict == NULL ? _("%s: the last sync listed no conflict for document “%s”")
                                    : _("%s: the conflict of document “%s” is resolved already"),
                   self->url, document);
      return NULL;
    }
  if (leaf >= conflict->revisions->len)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT,
                   _("%s: document “%s” has %u conflicting revisions: there is no leaf %u"), self->url, document,
                   conflict->revisions->len, leaf);
      return NULL;
    }

  first = json_node_get_object (g_ptr_array_index (conflict->bodies, 0));
  if (property_leaves != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, property_leaves);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          if (!json_object_has_member (json_object_get_object_member (first, "attributes"), key) &&
              !json_object_has_member (json_object_get_object_member (first, "relationships"), key))
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT,
                           _("%s: document “%s” (%s) has no attribute or relationship “%s”"), self->url, document,
                           conflict->entity, (const char *) key);
              return NULL;
            }
          if (GPOINTER_TO_UINT (value) >= conflict->revisions->len)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT,
                           _("%s: document “%s” has %u conflicting revisions: there is no leaf %u for “%s”"),
                           self->url, document, conflict->revisions->len, GPOINTER_TO_UINT (value),
                           (const char *) key);
              return NULL;
            }
        }
    }

  resolution = g_new0 (ManualResolution, 1);
  resolution->conflict = conflict;
  resolution->leaf = leaf;
  if (property_leaves != NULL)
    resolution->property_leaves = g_hash_table_ref (property_leaves);

  return resolution;
}

/* The merged body: leaf @leaf's, with the properties of
 * @property_leaves taken from theirs; where the leaves differ, @details
 * say whose value was taken. */
static GodwitSyncDocument *
merge_by_choice (ManualResolution  *resolution,
                 GPtrArray         *documents,
                 GPtrArray         *details,
                 GError           **error)
{
  GodwitSyncConflict *conflict = resolution->conflict;
  GodwitSyncDocument *chosen = g_ptr_array_index (documents, resolution->leaf);
  g_autofree char *body = godwit_sync_document_dup_body (chosen);
  g_autoptr(GodwitSyncDocument) merged = godwit_sync_document_new_from_body (chosen->id, NULL, body, error);

  if (merged == NULL)
    return NULL;

  g_ptr_array_add (details, g_strdup_printf (_("revision %s chosen"),
                                             (const char *) g_ptr_array_index (conflict->revisions, resolution->leaf)));
  for (guint k = 0; k < 2; k++)
    {
      JsonObject *members = k == 0 ? merged->attributes : merged->relationships;
      /* Names of the chosen leaf's own body: setting a member of the
       * merged one replaces its name string. */
      g_autoptr(GList) names = json_object_get_members (k == 0 ? chosen->attributes : chosen->relationships);

      for (GList *l = names; l != NULL; l = l->next)
        {
          gpointer value = NULL;
          guint from = resolution->leaf;
          gboolean differ = FALSE;
          GodwitSyncDocument *source;
          JsonNode *node;
          g_autofree char *text = NULL;

          if (resolution->property_leaves != NULL &&
              g_hash_table_lookup_extended (resolution->property_leaves, l->data, NULL, &value))
            from = GPOINTER_TO_UINT (value);
          source = g_ptr_array_index (documents, from);
          node = json_object_get_member (k == 0 ? source->attributes : source->relationships, l->data);
          for (guint i = 0; i < documents->len && !differ; i++)
            {
              GodwitSyncDocument *other = g_ptr_array_index (documents, i);

              differ = !same_value (node, json_object_get_member (k == 0 ? other->attributes : other->relationships,
                                                                  l->data));
            }
          if (!differ)
            continue;

          json_object_set_member (members, l->data, node != NULL ? json_node_copy (node)
                                                                 : json_node_new (JSON_NODE_NULL));
          text = dup_value_text (node);
          g_ptr_array_add (details,
                           g_strdup_printf (k == 0 ? _("attribute %s: %s, from revision %s")
                                                   : _("relationship %s: %s, from revision %s"),
                                            (const char *) l->data, text,
                                            (const char *) g_ptr_array_index (conflict->revisions, from)));
        }
    }

  return g_steal_pointer (&merged);
}

/* In the caller's transaction: the merged revision and the deleted leaves
 * into the revision tree, the merged body into the store. */
static gboolean
write_manual_resolution (GodwitSync        *self,
                         ManualResolution  *resolution,
                         char             **revision,
                         GPtrArray         *details,
                         GError           **error)
{
  GodwitSyncConflict *conflict = resolution->conflict;
  g_autoptr(GPtrArray) leaves = NULL;
  g_autoptr(GPtrArray) documents = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_sync_document_free);
  g_autoptr(GodwitSyncDocument) merged = NULL;
  guint n_undeleted = 0;
  gboolean same = TRUE;

  /* A change the app made since the listing becomes a leaf of its own,
   * and the check below refuses to write over it. */
  if (!record_late_change (self, conflict->document, error))
    return FALSE;
  leaves = _godwit_sync_sidecar_dup_leaves (self->sidecar, conflict->document, error);
  if (leaves == NULL)
    return FALSE;
  for (guint i = 0; i < leaves->len; i++)
    {
      GodwitSyncRevision *leaf = g_ptr_array_index (leaves, i);

      if (leaf->deleted)
        continue;
      same = same && n_undeleted < conflict->revisions->len &&
             strcmp (leaf->rev, g_ptr_array_index (conflict->revisions, n_undeleted)) == 0;
      n_undeleted++;
    }
  if (!same || n_undeleted != conflict->revisions->len)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT,
                   _("%s: document “%s” changed since its conflict was listed: sync again"), self->url,
                   conflict->document);
      return FALSE;
    }

  for (guint i = 0; i < conflict->revisions->len; i++)
    {
      GodwitSyncDocument *document = _godwit_sync_sidecar_load_revision (self->sidecar, conflict->document,
                                                                         g_ptr_array_index (conflict->revisions, i),
                                                                         1, error);

      if (document == NULL)
        return FALSE;
      g_ptr_array_add (documents, document);
    }

  merged = merge_by_choice (resolution, documents, details, error);
  if (merged == NULL)
    return FALSE;
  if (!write_resolution (self, merged, conflict->revisions, resolution->leaf, error) ||
      !settle (self, conflict->document, error))
    return FALSE;

  *revision = g_strdup (merged->rev);

  return TRUE;
}

static gboolean
resolve_manually (GodwitSync        *self,
                  ManualResolution  *resolution,
                  GCancellable      *cancellable,
                  GError           **error)
{
  GodwitSyncConflict *conflict = resolution->conflict;
  g_autoptr(GPtrArray) details = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *revision = NULL;

  if (!open_peers (self, cancellable, error))
    return FALSE;
  self->backup_description = g_strdup_printf (_("before resolving the sync conflict of “%s” with %s"),
                                              conflict->document, self->url);
  g_clear_pointer (&self->backup, godwit_store_backup_free);

  if (!_godwit_sync_sidecar_begin (self->sidecar, TRUE, error))
    return FALSE;
  if (!write_manual_resolution (self, resolution, &revision, details, error) ||
      !_godwit_sync_sidecar_commit (self->sidecar, error))
    {
      _godwit_sync_sidecar_rollback (self->sidecar);
      return FALSE;
    }

  conflict->resolved = TRUE;
  conflict->revision = g_steal_pointer (&revision);
  conflict->store_leaf = -1;
  g_ptr_array_unref (conflict->details);
  conflict->details = g_steal_pointer (&details);
  report_progress (self, "resolve", conflict->entity, 1, -1);

  /* The store holds the resolution now; a failed push leaves it for the
   * next sync to send. */
  if (!push (self, G_MAXINT64, error))
    {
      g_prefix_error (error, _("%s: resolved in the store, not yet on the server: "), conflict->document);
      return FALSE;
    }

  return finish_work (self, error);
}

static void
resolve_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GodwitSync *self = source_object;
  GError *error = NULL;
  gboolean ok = resolve_manually (self, task_data, cancellable, &error);

  close_peers (self);

  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * godwit_sync_resolve_conflict:
 *
 * Blocking godwit_sync_resolve_conflict_async(), for the CLI.
 */
gboolean
godwit_sync_resolve_conflict (GodwitSync    *self,
                              const char    *document,
                              guint          leaf,
                              GHashTable    *property_leaves,
                              GCancellable  *cancellable,
                              GError       **error)
{
  g_autoptr(GTask) task = NULL;
  ManualResolution *resolution;
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_SYNC (self), FALSE);
  g_return_val_if_fail (document != NULL, FALSE);
  g_return_val_if_fail (!self->running, FALSE);

  resolution = new_manual_resolution (self, document, leaf, property_leaves, error);
  if (resolution == NULL)
    return FALSE;

  self->running = TRUE;
  g_clear_pointer (&self->progress_context, g_main_context_unref);
  task = g_task_new (self, cancellable, NULL, NULL);
  g_task_set_source_tag (task, godwit_sync_resolve_conflict);
  g_task_set_task_data (task, resolution, (GDestroyNotify) manual_resolution_free);
  g_task_run_in_thread_sync (task, resolve_thread);
  ok = g_task_propagate_boolean (task, error);
  self->running = FALSE;

  return ok;
}

/**
 * godwit_sync_resolve_conflict_async:
 * @document: the id of a conflict the last run listed, unresolved (with
 *   the manual policy)
 * @leaf: the index in the conflict's revisions of the leaf whose body wins
 * @property_leaves: (nullable) (element-type utf8 guint): property names
 *   (attributes or relationships) whose value comes from another leaf:
 *   name → GUINT_TO_POINTER (index in the revisions)
 *
 * Resolves a conflict as the user chose, in a worker thread: the merged
 * body is written as a child of the chosen leaf, every other leaf is
 * deleted, the store takes the merged body, and it is pushed, so that the
 * server ends with one leaf. The conflict is then marked resolved, with
 * its merged revision and details. Fails with %GODWIT_ERROR_SYNC_CONFLICT
 * when the last run listed no such unresolved conflict, a leaf or a
 * property does not exist, or the document's leaves changed since (the
 * app changed the object, or another sync ran): sync again then. When
 * only the push fails, the conflict is resolved in the store (and marked
 * so), the error says so, and the next sync sends the resolution.
 */
void
godwit_sync_resolve_conflict_async (GodwitSync          *self,
                                    const char          *document,
                                    guint                leaf,
                                    GHashTable          *property_leaves,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  g_autoptr(GError) error = NULL;
  ManualResolution *resolution;
  GTask *outer;

  g_return_if_fail (GODWIT_IS_SYNC (self));
  g_return_if_fail (document != NULL);
  g_return_if_fail (!self->running);

  outer = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (outer, godwit_sync_resolve_conflict_async);
  resolution = new_manual_resolution (self, document, leaf, property_leaves, &error);
  if (resolution == NULL)
    {
      g_task_return_error (outer, g_steal_pointer (&error));
      g_object_unref (outer);
      return;
    }

  self->running = TRUE;
  g_clear_pointer (&self->progress_context, g_main_context_unref);
  self->progress_context = g_main_context_ref_thread_default ();
  inner = g_task_new (self, cancellable, on_run_done, outer);
  g_task_set_task_data (inner, resolution, (GDestroyNotify) manual_resolution_free);
  g_task_run_in_thread (inner, resolve_thread);
}

gboolean
godwit_sync_resolve_conflict_finish (GodwitSync    *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- results ------------------------------------------------------------ */

/* The version of the bundle the store matches, which documents carry. */
GodwitModel *
godwit_sync_get_model_version (GodwitSync *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), NULL);

  return self->model;
}

/* The database's URL, without credentials. */
const char *
godwit_sync_get_url (GodwitSync *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), NULL);

  return self->url;
}

/**
 * godwit_sync_get_push:
 *
 * Returns: (nullable): what the last run pushed; %NULL when it did not push
 */
const GodwitSyncReplication *
godwit_sync_get_push (GodwitSync *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), NULL);

  return self->push;
}

/**
 * godwit_sync_get_pull:
 *
 * Returns: (nullable): what the last run pulled; %NULL when it did not pull
 */
const GodwitSyncReplication *
godwit_sync_get_pull (GodwitSync *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), NULL);

  return self->pull;
}

/**
 * godwit_sync_get_conflicts:
 *
 * Returns: (transfer none) (element-type GodwitSyncConflict): the conflicts
 *   the last run met, and how each was resolved
 */
GPtrArray *
godwit_sync_get_conflicts (GodwitSync *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), NULL);

  return self->conflicts;
}

/**
 * godwit_sync_get_backup:
 *
 * Returns: (nullable): the backup of the store taken before the last run
 *   (or conflict resolution) first wrote into it; %NULL when it wrote
 *   nothing
 */
const GodwitStoreBackup *
godwit_sync_get_backup (GodwitSync *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), NULL);

  return self->backup;
}

/* Documents that still have several undeleted leaves after the last run. */
guint
godwit_sync_get_n_unresolved (GodwitSync *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC (self), 0);

  return self->n_unresolved;
}

/* The objects the last run's scan found inserted, updated and deleted. */
void
godwit_sync_get_local_changes (GodwitSync *self,
                               gint64     *inserted,
                               gint64     *updated,
                               gint64     *deleted)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));

  *inserted = self->local_changes.inserted;
  *updated = self->local_changes.updated;
  *deleted = self->local_changes.deleted;
}

/* The objects the last run's pull inserted, updated and deleted in the store. */
void
godwit_sync_get_store_changes (GodwitSync *self,
                               gint64     *inserted,
                               gint64     *updated,
                               gint64     *deleted)
{
  g_return_if_fail (GODWIT_IS_SYNC (self));

  *inserted = self->store_changes.inserted;
  *updated = self->store_changes.updated;
  *deleted = self->store_changes.deleted;
}

static void
add_counts (JsonBuilder            *builder,
            const char             *name,
            const GodwitSyncCounts *counts)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  _godwit_json_add_count (builder, "inserted", counts->inserted);
  _godwit_json_add_count (builder, "updated", counts->updated);
  _godwit_json_add_count (builder, "deleted", counts->deleted);
  json_builder_end_object (builder);
}

static void
add_seq (JsonBuilder *builder,
         const char  *name,
         JsonNode    *seq)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_value (builder, seq_or_null (seq));
}

static void
add_replication (JsonBuilder                 *builder,
                 const char                  *name,
                 const GodwitSyncReplication *replication)
{
  json_builder_set_member_name (builder, name);
  if (replication == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  _godwit_json_add_nullable_string (builder, "replication_id", replication->replication_id);
  _godwit_json_add_nullable_string (builder, "session_id", replication->session_id);
  add_seq (builder, "start_seq", replication->start_seq);
  add_seq (builder, "checkpoint", replication->end_seq);
  _godwit_json_add_count (builder, "docs_read", replication->docs_read);
  _godwit_json_add_count (builder, "docs_written", replication->docs_written);
  _godwit_json_add_count (builder, "doc_write_failures", replication->doc_write_failures);
  _godwit_json_add_count (builder, "missing_checked", replication->missing_checked);
  _godwit_json_add_count (builder, "missing_found", replication->missing_found);
  json_builder_set_member_name (builder, "failures");
  _godwit_json_add_string_array (builder, replication->failures);
  json_builder_end_object (builder);
}

/**
 * godwit_sync_to_json:
 *
 * Returns: (transfer full): what the last run did, as `godwit-cli sync
 *   --json` writes it (docs/cli.md)
 */
JsonNode *
godwit_sync_to_json (GodwitSync *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (GODWIT_IS_SYNC (self), NULL);

  json_builder_begin_object (builder);
  _godwit_json_add_nullable_string (builder, "store", self->store_path);
  _godwit_json_add_nullable_string (builder, "endpoint", self->endpoint);
  _godwit_json_add_nullable_string (builder, "database", self->database);
  _godwit_json_add_nullable_string (builder, "url", self->url);
  _godwit_json_add_nullable_string (builder, "model_version", godwit_model_get_version_name (self->model));
  _godwit_json_add_nullable_string (builder, "authentication",
                                    self->user != NULL ? godwit_sync_authentication_to_string (self->authentication)
                                                       : NULL);
  _godwit_json_add_nullable_string (builder, "ca_file", self->ca_file);
  _godwit_json_add_nullable_string (builder, "direction", godwit_sync_direction_to_string (self->direction));
  _godwit_json_add_nullable_string (builder, "policy", godwit_sync_policy_to_string (self->policy));
  _godwit_json_add_nullable_string (builder, "date_attribute", self->date_attribute);
  add_counts (builder, "local_changes", &self->local_changes);
  add_replication (builder, "push", self->push);
  add_replication (builder, "pull", self->pull);
  add_counts (builder, "store_changes", &self->store_changes);

  json_builder_set_member_name (builder, "conflicts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->conflicts->len; i++)
    {
      const GodwitSyncConflict *conflict = g_ptr_array_index (self->conflicts, i);

      json_builder_begin_object (builder);
      _godwit_json_add_nullable_string (builder, "document", conflict->document);
      _godwit_json_add_nullable_string (builder, "entity", conflict->entity);
      json_builder_set_member_name (builder, "revisions");
      _godwit_json_add_string_array (builder, conflict->revisions);
      json_builder_set_member_name (builder, "bodies");
      json_builder_begin_array (builder);
      for (guint j = 0; j < conflict->bodies->len; j++)
        json_builder_add_value (builder, json_node_copy (g_ptr_array_index (conflict->bodies, j)));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "store_leaf");
      if (conflict->store_leaf >= 0)
        json_builder_add_int_value (builder, conflict->store_leaf);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "resolved");
      json_builder_add_boolean_value (builder, conflict->resolved);
      _godwit_json_add_nullable_string (builder, "revision", conflict->revision);
      json_builder_set_member_name (builder, "details");
      _godwit_json_add_string_array (builder, conflict->details);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  _godwit_json_add_count (builder, "unresolved_conflicts", self->n_unresolved);
  _godwit_json_add_nullable_string (builder, "integrity_check", self->integrity_checked ? "ok" : NULL);
  _godwit_json_add_nullable_string (builder, "backup", self->backup != NULL ? self->backup->path : NULL);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const char *
godwit_sync_direction_to_string (GodwitSyncDirection direction)
{
  switch (direction)
    {
    case GODWIT_SYNC_DIRECTION_PUSH:
      return "push";
    case GODWIT_SYNC_DIRECTION_PULL:
      return "pull";
    case GODWIT_SYNC_DIRECTION_BOTH:
    default:
      return "both";
    }
}

/* The policies and authentications are stored in settings and named on
 * the command line by these names: one lookup serves both tables. */
static const char *
get_name (const char * const *names,
          guint               n_names,
          guint               value)
{
  if (value >= n_names)
    return NULL;

  return names[value];
}

static gboolean
find_name (const char * const *names,
           guint               n_names,
           const char         *text,
           guint              *value)
{
  for (guint i = 0; i < n_names; i++)
    if (g_strcmp0 (text, names[i]) == 0)
      {
        *value = i;
        return TRUE;
      }

  return FALSE;
}

static const char * const policy_names[] = {
  [GODWIT_SYNC_POLICY_STORE_WINS] = "store-wins",
  [GODWIT_SYNC_POLICY_REMOTE_WINS] = "remote-wins",
  [GODWIT_SYNC_POLICY_OVERWRITE] = "overwrite",
  [GODWIT_SYNC_POLICY_NEWEST] = "newest",
  [GODWIT_SYNC_POLICY_MANUAL] = "manual",
};

const char *
godwit_sync_policy_to_string (GodwitSyncPolicy policy)
{
  return get_name (policy_names, G_N_ELEMENTS (policy_names), policy);
}

/* "store-wins", "remote-wins", "overwrite", "newest" or "manual". */
gboolean
godwit_sync_policy_from_string (const char       *text,
                                GodwitSyncPolicy *policy)
{
  guint value;

  if (!find_name (policy_names, G_N_ELEMENTS (policy_names), text, &value))
    return FALSE;
  *policy = (GodwitSyncPolicy) value;

  return TRUE;
}

static const char * const authentication_names[] = {
  [GODWIT_SYNC_AUTHENTICATION_BASIC] = "basic",
  [GODWIT_SYNC_AUTHENTICATION_COOKIE] = "cookie",
};

const char *
godwit_sync_authentication_to_string (GodwitSyncAuthentication authentication)
{
  return get_name (authentication_names, G_N_ELEMENTS (authentication_names), authentication);
}

/* "basic" or "cookie". */
gboolean
godwit_sync_authentication_from_string (const char               *text,
                                        GodwitSyncAuthentication *authentication)
{
  guint value;

  if (!find_name (authentication_names, G_N_ELEMENTS (authentication_names), text, &value))
    return FALSE;
  *authentication = (GodwitSyncAuthentication) value;

  return TRUE;
}
