/* test-sync.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Syncing stores with a real CouchDB-protocol server: the one whose URL
 * GODWIT_TEST_COUCHDB_URL gives (build-aux/godwit-dev test starts
 * pouchdb-server), with the admin GODWIT_TEST_COUCHDB_USER and
 * GODWIT_TEST_COUCHDB_PASSWORD. Each test uses a database of its own.
 * What the server holds is read over HTTP here, not through the code
 * under test; what the store holds, with SQLite itself.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-replicator.h"
#include "godwit-store-layout.h"
#include "godwit-sync.h"
#include "godwit-sync-document.h"
#include "godwit-sync-keyring.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-sync.h"
#include "godwit-test-utils.h"

static JsonObject *
server_get_document (GodwitTestServer *server,
                     const char       *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/%s?conflicts=true", escaped);

  return godwit_test_server_get (server, path, SOUP_STATUS_OK);
}

/* Writes @document (with its _rev) as a new edit, as an app would. */
static void
server_put_document (GodwitTestServer *server,
                     JsonObject       *document)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  json_node_set_object (node, document);
  text = json_to_string (node, FALSE);
  escaped = g_uri_escape_string (json_object_get_string_member (document, "_id"), NULL, FALSE);
  path = g_strdup_printf ("/%s", escaped);
  answer = godwit_test_server_request (server, "PUT", path, text, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
}

static void
server_delete_document (GodwitTestServer *server,
                        JsonObject       *document)
{
  g_autofree char *escaped = g_uri_escape_string (json_object_get_string_member (document, "_id"), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/%s?rev=%s", escaped, json_object_get_string_member (document, "_rev"));
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = godwit_test_server_request (server, "DELETE", path, NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
}

/* The one document of @entity whose attribute @name is the string @value. */
static JsonObject *
find_document (GPtrArray  *documents,
               const char *entity,
               const char *name,
               const char *value)
{
  JsonObject *found = NULL;

  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);
      JsonObject *attributes = json_object_get_object_member (document, "attributes");

      if (g_strcmp0 (json_object_get_string_member (document, "entity"), entity) == 0 &&
          json_object_has_member (attributes, name) &&
          g_strcmp0 (json_object_get_string_member (attributes, name), value) == 0)
        {
          g_assert_null (found);
          found = document;
        }
    }
  g_assert_nonnull (found);

  return found;
}

static JsonObject *
attributes_of (JsonObject *document)
{
  return json_object_get_object_member (document, "attributes");
}

static JsonObject *
relationships_of (JsonObject *document)
{
  return json_object_get_object_member (document, "relationships");
}

/* The ids of a to-many relationship, joined with ", ". */
static char *
dup_ids (JsonObject *document,
         const char *relationship)
{
  JsonArray *ids = json_object_get_array_member (relationships_of (document), relationship);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < json_array_get_length (ids); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", json_array_get_string_element (ids, i));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static const char *
id_of (JsonObject *document)
{
  return json_object_get_string_member (document, "_id");
}

/* ---- stores ------------------------------------------------------------- */

typedef struct
{
  GodwitTestServer   server;
  GodwitModelBundle *bundle;
  GodwitModel       *model;
  GodwitTestStore    store;
} Garden;

static gboolean
garden_init (Garden   *garden,
             gboolean  with_objects)
{
  memset (garden, 0, sizeof *garden);
  if (!godwit_test_server_init (&garden->server))
    return FALSE;
  garden->bundle = godwit_test_load_garden ();
  garden->model = godwit_test_find_version (garden->bundle, "Garden 3");
  godwit_test_sync_write_garden (&garden->store, garden->model, with_objects);

  return TRUE;
}

static void
garden_clear (Garden *garden)
{
  godwit_test_server_clear (&garden->server);
  if (garden->store.dir != NULL)
    godwit_test_store_clear (&garden->store);
  g_clear_object (&garden->bundle);
}

/* Syncs @path both ways with @policy and returns the sync, done. */
static GodwitSync *
sync_with (GodwitTestServer  *server,
           const char        *path,
           GodwitModelBundle *bundle,
           GodwitSyncPolicy   policy,
           const char        *date_attribute)
{
  g_autoptr(GError) error = NULL;
  GodwitSync *sync = godwit_test_sync_new (server, path, bundle);

  g_assert_true (godwit_sync_set_policy (sync, policy, date_attribute, &error));
  g_assert_no_error (error);
  godwit_test_sync_run (sync);

  return sync;
}

static void
assert_local_changes (GodwitSync *sync,
                      gint64      inserted,
                      gint64      updated,
                      gint64      deleted)
{
  gint64 i, u, d;

  godwit_sync_get_local_changes (sync, &i, &u, &d);
  g_assert_cmpint (i, ==, inserted);
  g_assert_cmpint (u, ==, updated);
  g_assert_cmpint (d, ==, deleted);
}

static void
assert_store_changes (GodwitSync *sync,
                      gint64      inserted,
                      gint64      updated,
                      gint64      deleted)
{
  gint64 i, u, d;

  godwit_sync_get_store_changes (sync, &i, &u, &d);
  g_assert_cmpint (i, ==, inserted);
  g_assert_cmpint (u, ==, updated);
  g_assert_cmpint (d, ==, deleted);
}

/* A run that found nothing to do: no change in the store, no document
 * sent or fetched. */
static void
assert_nothing_transferred (GodwitSync *sync)
{
  const GodwitSyncReplication *push = godwit_sync_get_push (sync);
  const GodwitSyncReplication *pull = godwit_sync_get_pull (sync);

  assert_local_changes (sync, 0, 0, 0);
  assert_store_changes (sync, 0, 0, 0);
  g_assert_nonnull (push);
  g_assert_nonnull (pull);
  g_assert_cmpint (push->docs_read, ==, 0);
  g_assert_cmpint (push->docs_written, ==, 0);
  g_assert_cmpint (pull->docs_read, ==, 0);
  g_assert_cmpint (pull->docs_written, ==, 0);
  g_assert_cmpuint (godwit_sync_get_conflicts (sync)->len, ==, 0);
}

#define assert_store_query(path, sql, expected) \
  G_STMT_START { \
    g_autofree char *rows_ = godwit_test_query_file ((path), (sql)); \
    g_assert_cmpstr (rows_, ==, (expected)); \
  } G_STMT_END

/* ---- push --------------------------------------------------------------- */

static gboolean
is_document_id (const char *id,
                const char *entity)
{
  g_autofree char *prefix = g_strconcat (entity, ":", NULL);

  return g_str_has_prefix (id, prefix) && g_uuid_string_is_valid (id + strlen (prefix));
}

static void
test_push_documents (void)
{
  Garden garden;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *journal = NULL;
  g_autofree char *expected_journal = NULL;
  g_autofree char *gardeners = NULL;
  g_autofree char *expected_gardeners = NULL;
  JsonObject *bed, *ann, *bob, *tomato, *basil, *oak, *n1, *n2, *n3;
  const GodwitSyncReplication *push;

  if (!garden_init (&garden, TRUE))
    return;

  sync = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_local_changes (sync, 9, 0, 0);
  push = godwit_sync_get_push (sync);
  g_assert_cmpint (push->docs_written, ==, 9);
  g_assert_cmpint (push->doc_write_failures, ==, 0);
  g_assert_cmpint (json_node_get_int (push->end_seq), >, 0);

  documents = godwit_test_server_all_documents (&garden.server);
  g_assert_cmpuint (documents->len, ==, 9);
  digest = godwit_model_dup_version_hashes_digest (garden.model);

  bed = find_document (documents, "Bed", "name", "South");
  ann = find_document (documents, "Gardener", "name", "Ann");
  bob = find_document (documents, "Gardener", "name", "Bob");
  tomato = find_document (documents, "Plant", "commonName", "Tomato");
  basil = find_document (documents, "Plant", "commonName", "Basil");
  oak = find_document (documents, "Tree", "commonName", "Oak");
  n1 = find_document (documents, "Note", "text", "n1");
  n2 = find_document (documents, "Note", "text", "n2");
  n3 = find_document (documents, "Note", "text", "n3");

  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);

      g_assert_true (is_document_id (id_of (document), json_object_get_string_member (document, "entity")));
      g_assert_cmpstr (json_object_get_string_member (document, "model"), ==, digest);
      g_assert_true (g_str_has_prefix (json_object_get_string_member (document, "_rev"), "1-"));
    }

  /* Values by type: booleans, dates in ISO 8601, UUIDs as strings,
   * doubles, null for what is not set. */
  g_assert_true (json_object_get_boolean_member (attributes_of (bed), "sunny"));
  g_assert_cmpstr (json_object_get_string_member (attributes_of (ann), "identifier"), ==,
                   "C8AD661E-8B9C-4A11-9000-123456789ABC");
  g_assert_true (json_object_get_null_member (attributes_of (bob), "identifier"));
  g_assert_cmpstr (json_object_get_string_member (attributes_of (tomato), "planted"), ==, "2001-01-01T00:01:40Z");
  g_assert_true (json_object_get_null_member (attributes_of (tomato), "species"));
  g_assert_cmpfloat (json_object_get_double_member (attributes_of (oak), "height"), ==, 12.5);
  g_assert_cmpstr (json_object_get_string_member (attributes_of (n1), "written"), ==,
                   "2001-01-01T00:16:40.500Z");
  g_assert_cmpuint (json_object_get_size (attributes_of (tomato)), ==, 3);

  /* To-one relationships as ids, both sides of every relationship, the
   * ordered journal in its order, the others sorted. */
  g_assert_cmpstr (json_object_get_string_member (relationships_of (tomato), "bed"), ==, id_of (bed));
  g_assert_true (json_object_get_null_member (relationships_of (oak), "bed"));
  g_assert_cmpstr (json_object_get_string_member (relationships_of (n1), "plant"), ==, id_of (tomato));
  journal = dup_ids (tomato, "journal");
  expected_journal = g_strdup_printf ("%s, %s, %s", id_of (n2), id_of (n1), id_of (n3));
  g_assert_cmpstr (journal, ==, expected_journal);
  gardeners = dup_ids (tomato, "gardeners");
  expected_gardeners = strcmp (id_of (ann), id_of (bob)) < 0 ?
                       g_strdup_printf ("%s, %s", id_of (ann), id_of (bob)) :
                       g_strdup_printf ("%s, %s", id_of (bob), id_of (ann));
  g_assert_cmpstr (gardeners, ==, expected_gardeners);
  {
    g_autofree char *plants = dup_ids (bed, "plants");
    g_autofree char *expected = strcmp (id_of (tomato), id_of (basil)) < 0 ?
                                g_strdup_printf ("%s, %s", id_of (tomato), id_of (basil)) :
                                g_strdup_printf ("%s, %s", id_of (basil), id_of (tomato));
    g_autofree char *oak_gardeners = dup_ids (oak, "gardeners");

    g_assert_cmpstr (plants, ==, expected);
    g_assert_cmpstr (oak_gardeners, ==, id_of (bob));
  }

  garden_clear (&garden);
}

static void
cancel_after_first_batch (const GodwitSyncProgress *progress,
                          gpointer                  user_data)
{
  if (g_strcmp0 (progress->phase, "push") == 0 && progress->done > 0)
    g_cancellable_cancel (user_data);
}

/* A run stopped after a batch goes on from its checkpoint. */
static void
test_push_resumes (void)
{
  Garden garden;
  g_autoptr(GodwitSync) stopped = NULL;
  g_autoptr(GodwitSync) resumed = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GError) error = NULL;
  gint64 written;

  if (!garden_init (&garden, TRUE))
    return;

  stopped = godwit_test_sync_new (&garden.server, garden.store.path, garden.bundle);
  godwit_sync_set_batch_size (stopped, 2);
  godwit_sync_set_progress_callback (stopped, cancel_after_first_batch, cancellable);
  g_assert_false (godwit_sync_run (stopped, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  written = godwit_sync_get_push (stopped)->docs_written;
  g_assert_cmpint (written, ==, 2);

  resumed = godwit_test_sync_new (&garden.server, garden.store.path, garden.bundle);
  godwit_sync_set_batch_size (resumed, 2);
  godwit_test_sync_run (resumed);
  assert_local_changes (resumed, 0, 0, 0);
  g_assert_cmpint (godwit_sync_get_push (resumed)->docs_written, ==, 9 - written);
  g_assert_cmpint (json_node_get_int (godwit_sync_get_push (resumed)->start_seq), ==,
                   json_node_get_int (godwit_sync_get_push (stopped)->end_seq));
  documents = godwit_test_server_all_documents (&garden.server);
  g_assert_cmpuint (documents->len, ==, 9);

  garden_clear (&garden);
}

/* ---- requests ----------------------------------------------------------- */

/* sync-recording-proxy.py between a sync and the test's server: what the
 * sync asks, one "METHOD PATH" line each, in the order the requests
 * arrive. */
typedef struct
{
  GSubprocess      *process;
  char             *dir;
  char             *log;
  GodwitTestServer  server;   /* the test's server and database, at the proxy's URL */
} RecordingProxy;

/* The proxy, or FALSE after marking the test skipped. With
 * @couchdb_version, it welcomes clients (GET /) as that CouchDB would. */
static gboolean
recording_proxy_start (RecordingProxy   *proxy,
                       GodwitTestServer *server,
                       const char       *couchdb_version)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "sync-recording-proxy.py", NULL);
  g_autofree char *upstream_port = NULL;
  g_autofree char *port = NULL;
  g_autofree char *url = NULL;

  memset (proxy, 0, sizeof *proxy);
  if (python == NULL)
    {
      g_test_skip ("no python3 to run sync-recording-proxy.py with");
      return FALSE;
    }

  proxy->dir = godwit_test_make_tmpdir ();
  proxy->log = g_build_filename (proxy->dir, "requests.log", NULL);
  upstream_port = godwit_test_dup_port_of (server->url);
  /* Its standard input ends with the test, even one that aborts. */
  port = godwit_test_spawn_proxy (&proxy->process, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                                  (const char * const []) { python, script, upstream_port, proxy->log, couchdb_version,
                                                            NULL },
                                  NULL);

  url = g_strdup_printf ("http://127.0.0.1:%s", port);
  godwit_test_server_init_at (&proxy->server, url, server->user, server->password);
  g_free (proxy->server.database);
  proxy->server.database = g_strdup (server->database);

  return TRUE;
}

static void
recording_proxy_stop (RecordingProxy *proxy)
{
  if (proxy->process == NULL)
    return;

  godwit_test_stop_proxy (&proxy->process, &proxy->dir);
  g_clear_pointer (&proxy->log, g_free);
  godwit_test_server_clear (&proxy->server);
}

/* The requests recorded since the last call, the database's path written
 * "/db" and any _local document's "/db/_local/ID". */
static GStrv
recording_proxy_take_requests (RecordingProxy *proxy)
{
  g_autofree char *text = NULL;
  g_autofree char *database = g_strdup_printf ("/%s", proxy->server.database);
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (proxy->log, &text, NULL, &error))
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (lines[i], " ", 2);
      const char *path;
      g_autofree char *request = NULL;

      if (lines[i][0] == '\0')
        continue;
      g_assert_cmpuint (g_strv_length (words), ==, 2);
      path = words[1];
      if (g_str_has_prefix (path, database) && (path[strlen (database)] == '/' || path[strlen (database)] == '\0'))
        {
          path += strlen (database);
          request = g_str_has_prefix (path, "/_local/") ? g_strdup_printf ("%s /db/_local/ID", words[0])
                                                         : g_strdup_printf ("%s /db%s", words[0], path);
        }
      else
        request = g_strdup_printf ("%s %s", words[0], path);
      g_strv_builder_add (builder, request);
    }
  godwit_test_write_file (proxy->log, "", 0);

  return g_strv_builder_end (builder);
}

static guint
count_requests (GStrv       requests,
                const char *request)
{
  guint n = 0;

  for (guint i = 0; requests[i] != NULL; i++)
    n += g_str_equal (requests[i], request);

  return n;
}

/* The writes, in order: B a _bulk_docs, E an _ensure_full_commit, P the
 * checkpoint's PUT. */
static char *
dup_writes (GStrv requests)
{
  GString *writes = g_string_new (NULL);

  for (guint i = 0; requests[i] != NULL; i++)
    {
      if (g_str_equal (requests[i], "POST /db/_bulk_docs"))
        g_string_append_c (writes, 'B');
      else if (g_str_equal (requests[i], "POST /db/_ensure_full_commit"))
        g_string_append_c (writes, 'E');
      else if (g_str_equal (requests[i], "PUT /db/_local/ID"))
        g_string_append_c (writes, 'P');
    }

  return g_string_free (writes, FALSE);
}

/* The push's checkpoint as the server holds it. */
static JsonObject *
server_get_checkpoint (GodwitTestServer            *server,
                       const GodwitSyncReplication *replication)
{
  g_autofree char *path = g_strdup_printf ("/_local/%s", replication->replication_id);

  return godwit_test_server_get (server, path, SOUP_STATUS_OK);
}

static void
assert_server_checkpoint (GodwitTestServer            *server,
                          const GodwitSyncReplication *replication)
{
  g_autoptr(JsonObject) checkpoint = server_get_checkpoint (server, replication);
  JsonObject *newest = json_array_get_object_element (json_object_get_array_member (checkpoint, "history"), 0);

  g_assert_cmpstr (json_object_get_string_member (checkpoint, "session_id"), ==, replication->session_id);
  g_assert_cmpint (json_object_get_int_member (checkpoint, "source_last_seq"), ==,
                   json_node_get_int (replication->end_seq));
  g_assert_cmpstr (json_object_get_string_member (newest, "session_id"), ==, replication->session_id);
  g_assert_cmpint (json_object_get_int_member (newest, "recorded_seq"), ==, json_node_get_int (replication->end_seq));
  g_assert_cmpint (json_object_get_int_member (newest, "docs_written"), ==, replication->docs_written);
  g_assert_false (json_object_has_member (checkpoint, "intruder"));
}

/* A push that starts from the checkpoint and finds nothing to send. */
static void
assert_push_resumes_with_nothing (RecordingProxy              *proxy,
                                  Garden                      *garden,
                                  const GodwitSyncReplication *before)
{
  g_autoptr(GodwitSync) again = godwit_test_sync_new (&proxy->server, garden->store.path, garden->bundle);
  const GodwitSyncReplication *push;
  g_auto(GStrv) requests = NULL;

  godwit_sync_set_direction (again, GODWIT_SYNC_DIRECTION_PUSH);
  godwit_test_sync_run (again);
  push = godwit_sync_get_push (again);
  g_assert_cmpstr (push->replication_id, ==, before->replication_id);
  g_assert_cmpint (json_node_get_int (push->start_seq), ==, json_node_get_int (before->end_seq));
  g_assert_cmpint (push->missing_checked, ==, 0);
  g_assert_cmpint (push->docs_written, ==, 0);
  requests = recording_proxy_take_requests (proxy);
  g_assert_cmpuint (count_requests (requests, "GET /db/_local/ID"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "POST /db/_revs_diff"), ==, 0);
  g_assert_cmpuint (count_requests (requests, "POST /db/_bulk_docs"), ==, 0);
  g_assert_cmpuint (count_requests (requests, "PUT /db/_local/ID"), ==, 0);
}

/* Per batch a push sends a _revs_diff, a _bulk_docs and the checkpoint's
 * PUT, whose revision it keeps from the PUT before: the _local document
 * is read once, as the push starts. The checkpoint it leaves on the
 * server is the last batch's, and the next push starts there. */
static void
test_push_requests (void)
{
  Garden garden;
  RecordingProxy proxy;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_auto(GStrv) requests = NULL;
  g_autofree char *writes = NULL;
  const GodwitSyncReplication *push;

  if (!garden_init (&garden, TRUE))
    return;
  if (!recording_proxy_start (&proxy, &garden.server, NULL))
    {
      garden_clear (&garden);
      return;
    }

  sync = godwit_test_sync_new (&proxy.server, garden.store.path, garden.bundle);
  godwit_sync_set_direction (sync, GODWIT_SYNC_DIRECTION_PUSH);
  godwit_sync_set_batch_size (sync, 2);
  godwit_test_sync_run (sync);
  push = godwit_sync_get_push (sync);
  g_assert_cmpint (push->docs_written, ==, 9);
  g_assert_cmpint (push->missing_found, ==, 9);
  g_assert_cmpint (push->missing_checked, ==, 9);
  documents = godwit_test_server_all_documents (&garden.server);
  g_assert_cmpuint (documents->len, ==, 9);

  /* 9 documents, 5 batches; pouchdb-server needs no _ensure_full_commit,
   * as its welcome (read once) tells. */
  requests = recording_proxy_take_requests (&proxy);
  g_assert_cmpuint (count_requests (requests, "GET /db/_local/ID"), ==, 1);
  g_assert_cmpuint (count_requests (requests, "POST /db/_revs_diff"), ==, 5);
  g_assert_cmpuint (count_requests (requests, "POST /db/_bulk_docs"), ==, 5);
  g_assert_cmpuint (count_requests (requests, "PUT /db/_local/ID"), ==, 5);
  g_assert_cmpuint (count_requests (requests, "POST /db/_ensure_full_commit"), ==, 0);
  g_assert_cmpuint (count_requests (requests, "GET /"), ==, 1);
  /* A batch goes out once the one before is checkpointed: a push stopped
   * anywhere has written at most one batch past its checkpoint. */
  writes = dup_writes (requests);
  g_assert_cmpstr (writes, ==, "BPBPBPBPBP");

  assert_server_checkpoint (&garden.server, push);
  assert_push_resumes_with_nothing (&proxy, &garden, push);

  recording_proxy_stop (&proxy);
  garden_clear (&garden);
}

typedef struct
{
  GodwitTestServer *server;
  GodwitSync       *sync;
  gboolean          done;
} Intruder;

/* After the first batch, another writer changes the push's checkpoint
 * on the server. */
static void
write_checkpoint_after_first_batch (const GodwitSyncProgress *progress,
                                    gpointer                  user_data)
{
  Intruder *intruder = user_data;
  g_autoptr(JsonObject) checkpoint = NULL;
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = NULL;
  guint status = 0;

  if (g_strcmp0 (progress->phase, "push") != 0 || intruder->done)
    return;
  intruder->done = TRUE;
  checkpoint = server_get_checkpoint (intruder->server, godwit_sync_get_push (intruder->sync));
  json_object_set_boolean_member (checkpoint, "intruder", TRUE);
  json_node_set_object (node, checkpoint);
  text = json_to_string (node, FALSE);
  path = g_strdup_printf ("/_local/%s", godwit_sync_get_push (intruder->sync)->replication_id);
  answer = godwit_test_server_request (intruder->server, "PUT", path, text, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
}

/* A checkpoint another writer changed in between: the PUT with the
 * revision kept is refused, and the push reads the new one and writes
 * over it. */
static void
test_push_checkpoint_changed (void)
{
  Garden garden;
  RecordingProxy proxy;
  g_autoptr(GodwitSync) sync = NULL;
  g_auto(GStrv) requests = NULL;
  g_autofree char *writes = NULL;
  Intruder intruder = { 0 };

  if (!garden_init (&garden, TRUE))
    return;
  if (!recording_proxy_start (&proxy, &garden.server, NULL))
    {
      garden_clear (&garden);
      return;
    }

  sync = godwit_test_sync_new (&proxy.server, garden.store.path, garden.bundle);
  godwit_sync_set_direction (sync, GODWIT_SYNC_DIRECTION_PUSH);
  godwit_sync_set_batch_size (sync, 4);
  intruder.server = &garden.server;
  intruder.sync = sync;
  godwit_sync_set_progress_callback (sync, write_checkpoint_after_first_batch, &intruder);
  godwit_test_sync_run (sync);
  g_assert_true (intruder.done);
  g_assert_cmpint (godwit_sync_get_push (sync)->docs_written, ==, 9);

  requests = recording_proxy_take_requests (&proxy);
  g_assert_cmpuint (count_requests (requests, "GET /db/_local/ID"), ==, 2);
  writes = dup_writes (requests);
  g_assert_cmpstr (writes, ==, "BPBPPBP");

  assert_server_checkpoint (&garden.server, godwit_sync_get_push (sync));
  assert_push_resumes_with_nothing (&proxy, &garden, godwit_sync_get_push (sync));

  recording_proxy_stop (&proxy);
  garden_clear (&garden);
}

/* Apache CouchDB before 2.0 may keep writes in memory a while: there,
 * every batch is committed (_ensure_full_commit) before its checkpoint. */
static void
test_push_full_commit (void)
{
  Garden garden;
  RecordingProxy proxy;
  g_autoptr(GodwitSync) sync = NULL;
  g_auto(GStrv) requests = NULL;
  g_autofree char *writes = NULL;

  if (!garden_init (&garden, TRUE))
    return;
  if (!recording_proxy_start (&proxy, &garden.server, "1.7.2"))
    {
      garden_clear (&garden);
      return;
    }

  sync = godwit_test_sync_new (&proxy.server, garden.store.path, garden.bundle);
  godwit_sync_set_direction (sync, GODWIT_SYNC_DIRECTION_PUSH);
  godwit_sync_set_batch_size (sync, 4);
  godwit_test_sync_run (sync);
  g_assert_cmpint (godwit_sync_get_push (sync)->docs_written, ==, 9);

  requests = recording_proxy_take_requests (&proxy);
  g_assert_cmpuint (count_requests (requests, "GET /"), ==, 1);
  writes = dup_writes (requests);
  g_assert_cmpstr (writes, ==, "BEPBEPBEP");
  assert_server_checkpoint (&garden.server, godwit_sync_get_push (sync));

  recording_proxy_stop (&proxy);
  garden_clear (&garden);
}

/* ---- pull --------------------------------------------------------------- */

static const char * const garden_queries[] = {
  "SELECT ZNAME, ZSUNNY FROM ZBED ORDER BY 1",
  "SELECT hex(ZIDENTIFIER), ZNAME FROM ZGARDENER ORDER BY 2",
  "SELECT Z_ENT, ZCOMMONNAME, ZPLANTED, ZSPECIES, ZHEIGHT, (SELECT ZNAME FROM ZBED b WHERE b.Z_PK = p.ZBED) "
  "FROM ZPLANT p ORDER BY 2",
  "SELECT p.ZCOMMONNAME, g.ZNAME FROM Z_2PLANTS j JOIN ZPLANT p ON p.Z_PK = j.Z_4PLANTS "
  "JOIN ZGARDENER g ON g.Z_PK = j.Z_2GARDENERS ORDER BY 1, 2",
  "SELECT p.ZCOMMONNAME, n.ZTEXT, n.ZWRITTEN FROM ZNOTE n LEFT JOIN ZPLANT p ON p.Z_PK = n.ZPLANT "
  "ORDER BY 1, n.Z_FOK_PLANT",
};

static void
assert_same_objects (const char *path,
                     const char *other_path)
{
  for (guint i = 0; i < G_N_ELEMENTS (garden_queries); i++)
    {
      g_autofree char *rows = godwit_test_query_file (path, garden_queries[i]);
      g_autofree char *other_rows = godwit_test_query_file (other_path, garden_queries[i]);

      g_assert_cmpstr (rows, ==, other_rows);
    }
}

/* The entities of `godwit-cli inspect --model --json`, with their counts. */
static char *
dup_inspected_entities (const char *path,
                        const char *bundle_path)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *entities;
  int status;

  status = godwit_test_run_cli (&out, &err, "inspect", path, "--model", bundle_path, "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  root = godwit_test_parse_json (out);
  entities = godwit_test_array_member (json_node_get_object (root), "entities");
  for (guint i = 0; i < json_array_get_length (entities); i++)
    {
      JsonObject *entity = json_array_get_object_element (entities, i);

      g_string_append_printf (text, "%s %" G_GINT64_FORMAT " %" G_GINT64_FORMAT " %s\n",
                              json_object_get_string_member (entity, "name"),
                              json_object_get_int_member (entity, "entity_number"),
                              json_object_get_int_member (entity, "objects"),
                              json_object_get_string_member (entity, "version_hash"));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
test_pull_into_empty_store (void)
{
  Garden garden;
  GodwitTestStore empty = { 0 };
  g_autoptr(GodwitSync) push = NULL;
  g_autoptr(GodwitSync) pull = NULL;
  g_autoptr(GodwitSync) again = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *bundle_path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo",
                                                        "Garden.xcdatamodeld", NULL);
  g_autofree char *inspected = NULL;
  g_autofree char *inspected_empty = NULL;

  if (!garden_init (&garden, TRUE))
    return;

  push = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);

  godwit_test_store_init (&empty, "Empty.sqlite");
  writer = godwit_test_store_begin (&empty, garden.model, FALSE);
  godwit_test_writer_commit (writer);

  pull = godwit_test_sync_new (&garden.server, empty.path, garden.bundle);
  godwit_sync_set_direction (pull, GODWIT_SYNC_DIRECTION_PULL);
  godwit_sync_set_batch_size (pull, 4);
  godwit_test_sync_run (pull);
  g_assert_null (godwit_sync_get_push (pull));
  g_assert_cmpint (godwit_sync_get_pull (pull)->docs_read, ==, 9);
  g_assert_cmpint (godwit_sync_get_pull (pull)->docs_written, ==, 9);
  assert_store_changes (pull, 9, 0, 0);
  assert_local_changes (pull, 0, 0, 0);

  /* The same objects with the same values and relationships, new Z_PKs
   * counted in Z_PRIMARYKEY, sub-entities with their own Z_ENT, every
   * row's Z_OPT set, and a sound file. */
  assert_same_objects (garden.store.path, empty.path);
  assert_store_query (empty.path, "SELECT Z_NAME, Z_MAX FROM Z_PRIMARYKEY ORDER BY Z_ENT",
                      "Bed|1\nGardener|2\nNote|3\nPlant|3\nTree|0");
  assert_store_query (empty.path, "SELECT ZCOMMONNAME FROM ZPLANT WHERE Z_ENT = 5", "Oak");
  assert_store_query (empty.path, "SELECT COUNT(*) FROM ZPLANT WHERE Z_OPT IS NULL OR Z_OPT < 1", "0");
  assert_store_query (empty.path, "SELECT COUNT(*) FROM ZNOTE WHERE Z_OPT IS NULL OR Z_OPT < 1", "0");
  assert_store_query (empty.path, "PRAGMA integrity_check", "ok");
  assert_store_query (empty.path, "SELECT n.ZTEXT, n.Z_FOK_PLANT FROM ZNOTE n ORDER BY 2", "n2|1\nn1|2\nn3|3");

  inspected = dup_inspected_entities (garden.store.path, bundle_path);
  inspected_empty = dup_inspected_entities (empty.path, bundle_path);
  g_assert_cmpstr (inspected, ==, inspected_empty);

  /* Checkpoints: a second run finds nothing to do either way. */
  again = sync_with (&garden.server, empty.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_nothing_transferred (again);
  g_clear_object (&again);
  again = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_nothing_transferred (again);

  godwit_test_store_clear (&empty);
  garden_clear (&garden);
}

/* ---- changes ------------------------------------------------------------ */

static void
test_local_changes_by_sqlite (void)
{
  Garden garden;
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GodwitSync) second = NULL;
  g_autoptr(GodwitSync) third = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  JsonObject *gone;
  g_autofree char *n3_path = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *journal = NULL;
  g_autoptr(JsonObject) changes = NULL;
  JsonArray *results;
  guint tombstones = 0;
  JsonObject *basil, *dee, *tomato, *n3;

  if (!garden_init (&garden, TRUE))
    return;

  first = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  before = godwit_test_server_all_documents (&garden.server);
  n3 = find_document (before, "Note", "text", "n3");

  /* sqlite3 leaves Z_OPT alone: only the content tells. */
  godwit_test_execute_sql (garden.store.path, "UPDATE ZPLANT SET ZSPECIES = 'Ocimum' WHERE ZCOMMONNAME = 'Basil'",
                           NULL);
  godwit_test_execute_sql (garden.store.path, "INSERT INTO ZGARDENER (Z_PK, Z_ENT, Z_OPT, ZNAME) "
                                              "VALUES (3, 2, 1, 'Dee')", NULL);
  godwit_test_execute_sql (garden.store.path, "UPDATE Z_PRIMARYKEY SET Z_MAX = 3 WHERE Z_ENT = 2", NULL);
  godwit_test_execute_sql (garden.store.path, "DELETE FROM ZNOTE WHERE ZTEXT = 'n3'", NULL);

  second = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  /* Basil, and the tomato whose journal lost n3. */
  assert_local_changes (second, 1, 2, 1);
  g_assert_cmpint (godwit_sync_get_push (second)->docs_written, ==, 4);
  assert_store_changes (second, 0, 0, 0);

  after = godwit_test_server_all_documents (&garden.server);
  g_assert_cmpuint (after->len, ==, 9);
  basil = find_document (after, "Plant", "commonName", "Basil");
  g_assert_cmpstr (json_object_get_string_member (attributes_of (basil), "species"), ==, "Ocimum");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (basil, "_rev"), "2-"));
  dee = find_document (after, "Gardener", "name", "Dee");
  g_assert_true (is_document_id (id_of (dee), "Gardener"));
  tomato = find_document (after, "Plant", "commonName", "Tomato");
  journal = dup_ids (tomato, "journal");
  g_assert_null (strstr (journal, id_of (n3)));

  /* The deleted note is a tombstone on the server. */
  escaped = g_uri_escape_string (id_of (n3), NULL, FALSE);
  n3_path = g_strdup_printf ("/%s", escaped);
  gone = godwit_test_server_get (&garden.server, n3_path, SOUP_STATUS_NOT_FOUND);
  json_object_unref (gone);
  changes = godwit_test_server_get (&garden.server, "/_changes", SOUP_STATUS_OK);
  results = json_object_get_array_member (changes, "results");
  for (guint i = 0; i < json_array_get_length (results); i++)
    {
      JsonObject *change = json_array_get_object_element (results, i);

      if (g_strcmp0 (json_object_get_string_member (change, "id"), id_of (n3)) == 0)
        {
          g_assert_true (json_object_get_boolean_member_with_default (change, "deleted", FALSE));
          tombstones++;
        }
    }
  g_assert_cmpuint (tombstones, ==, 1);

  third = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_nothing_transferred (third);

  garden_clear (&garden);
}

/* Progress phases in the order they came; "scan-end" for the report
 * that the scan is done. */
static void
record_phase (const GodwitSyncProgress *progress,
              gpointer                  user_data)
{
  if (g_strcmp0 (progress->phase, "scan") == 0 && progress->entity == NULL)
    g_ptr_array_add (user_data, g_strdup ("scan-end"));
  else if (g_strcmp0 (progress->phase, "push") != 0 || progress->done > 0)
    g_ptr_array_add (user_data, g_strdup (progress->phase));
}

/* Revisions an earlier run recorded go to a new database while the scan
 * reads the store; what the scan finds goes after it, and the database
 * ends as if the two had run one after the other. How much of the scan
 * overlaps the push depends on the server's pace: bench/run-sync shows
 * it, and /sync/replicator/wait-func that the scan runs in the waits. */
static void
test_push_while_scanning (void)
{
  Garden garden;
  GodwitTestServer other;
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GodwitSync) second = NULL;
  g_autoptr(GodwitSync) third = NULL;
  g_autoptr(GPtrArray) phases = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) documents = NULL;
  g_autofree char *journal = NULL;
  g_auto(GStrv) notes = NULL;
  JsonObject *basil, *tomato;
  guint last_scan = 0, scan_end = 0, n_scan_ends = 0;

  if (!garden_init (&garden, TRUE))
    return;
  /* Enough objects for the scan to take many steps. */
  godwit_test_execute_sql (garden.store.path,
                           "WITH RECURSIVE n (i) AS (SELECT 3 UNION ALL SELECT i + 1 FROM n WHERE i < 5002) "
                           "INSERT INTO ZGARDENER (Z_PK, Z_ENT, Z_OPT, ZNAME) SELECT i, 2, 1, 'g' || i FROM n", NULL);
  godwit_test_execute_sql (garden.store.path, "UPDATE Z_PRIMARYKEY SET Z_MAX = 5002 WHERE Z_ENT = 2", NULL);
  first = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_local_changes (first, 5009, 0, 0);

  godwit_test_execute_sql (garden.store.path, "UPDATE ZPLANT SET ZSPECIES = 'Ocimum' WHERE ZCOMMONNAME = 'Basil'",
                           NULL);
  godwit_test_execute_sql (garden.store.path, "DELETE FROM ZNOTE WHERE ZTEXT = 'n3'", NULL);

  if (!godwit_test_server_init (&other))
    g_assert_not_reached ();
  second = godwit_test_sync_new (&other, garden.store.path, garden.bundle);
  godwit_sync_set_batch_size (second, 100);
  godwit_sync_set_progress_callback (second, record_phase, phases);
  godwit_test_sync_run (second);
  assert_local_changes (second, 0, 2, 1);

  for (guint i = 0; i < phases->len; i++)
    {
      if (g_str_equal (g_ptr_array_index (phases, i), "scan"))
        last_scan = i;
      else if (g_str_equal (g_ptr_array_index (phases, i), "scan-end"))
        {
          scan_end = i;
          n_scan_ends++;
        }
    }
  /* The scan said once that it was done, after its last entity. */
  g_assert_cmpuint (n_scan_ends, ==, 1);
  g_assert_cmpuint (scan_end, >, last_scan);

  documents = godwit_test_server_all_documents (&other);
  g_assert_cmpuint (documents->len, ==, 5008);
  for (guint i = 0; i < documents->len; i++)
    g_assert_false (json_object_has_member (g_ptr_array_index (documents, i), "_conflicts"));
  basil = find_document (documents, "Plant", "commonName", "Basil");
  g_assert_cmpstr (json_object_get_string_member (attributes_of (basil), "species"), ==, "Ocimum");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (basil, "_rev"), "2-"));
  tomato = find_document (documents, "Plant", "commonName", "Tomato");
  journal = dup_ids (tomato, "journal");
  notes = g_strsplit (journal, ", ", -1);
  g_assert_cmpuint (g_strv_length (notes), ==, 2);

  third = godwit_test_sync_new (&other, garden.store.path, garden.bundle);
  godwit_test_sync_run (third);
  assert_nothing_transferred (third);

  godwit_test_server_clear (&other);
  garden_clear (&garden);
}

static void
test_remote_edits_pulled (void)
{
  Garden garden;
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GodwitSync) second = NULL;
  g_autoptr(GodwitSync) third = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(JsonObject) cy = json_object_new ();
  g_autoptr(JsonObject) cy_attributes = json_object_new ();
  g_autoptr(JsonObject) cy_relationships = json_object_new ();
  g_autoptr(JsonArray) cy_plants = json_array_new ();
  g_autofree char *cy_id = g_strconcat ("Gardener:", "6F9619FF-8B86-D011-B42D-00C04FC964FF", NULL);
  g_autofree char *digest = NULL;
  JsonObject *bed, *bob, *ann, *tomato, *basil, *oak;
  JsonArray *gardeners;

  if (!garden_init (&garden, TRUE))
    return;

  first = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  documents = godwit_test_server_all_documents (&garden.server);
  bed = find_document (documents, "Bed", "name", "South");
  ann = find_document (documents, "Gardener", "name", "Ann");
  bob = find_document (documents, "Gardener", "name", "Bob");
  tomato = find_document (documents, "Plant", "commonName", "Tomato");
  basil = find_document (documents, "Plant", "commonName", "Basil");
  oak = find_document (documents, "Tree", "commonName", "Oak");
  digest = godwit_model_dup_version_hashes_digest (garden.model);

  /* Another peer renames the bed, adds a gardener for the basil and
   * removes Bob, both sides of each relationship. */
  json_object_set_string_member (attributes_of (bed), "name", "North");
  server_put_document (&garden.server, bed);

  json_object_set_string_member (cy, "_id", cy_id);
  json_object_set_string_member (cy, "entity", "Gardener");
  json_object_set_string_member (cy, "model", digest);
  json_object_set_string_member (cy_attributes, "name", "Cy");
  json_object_set_null_member (cy_attributes, "identifier");
  json_array_add_string_element (cy_plants, id_of (basil));
  json_object_set_array_member (cy_relationships, "plants", g_steal_pointer (&cy_plants));
  json_object_set_object_member (cy, "attributes", g_steal_pointer (&cy_attributes));
  json_object_set_object_member (cy, "relationships", g_steal_pointer (&cy_relationships));
  server_put_document (&garden.server, cy);
  gardeners = json_array_new ();
  json_array_add_string_element (gardeners, cy_id);
  json_object_set_array_member (relationships_of (basil), "gardeners", gardeners);
  server_put_document (&garden.server, basil);

  server_delete_document (&garden.server, bob);
  gardeners = json_array_new ();
  json_array_add_string_element (gardeners, id_of (ann));
  json_object_set_array_member (relationships_of (tomato), "gardeners", gardeners);
  server_put_document (&garden.server, tomato);
  json_object_set_array_member (relationships_of (oak), "gardeners", json_array_new ());
  server_put_document (&garden.server, oak);

  second = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_local_changes (second, 0, 0, 0);
  g_assert_cmpint (godwit_sync_get_pull (second)->docs_read, ==, 6);
  assert_store_changes (second, 1, 4, 1);
  g_assert_cmpuint (godwit_sync_get_conflicts (second)->len, ==, 0);

  assert_store_query (garden.store.path, "SELECT ZNAME, Z_OPT > 1 FROM ZBED", "North|1");
  assert_store_query (garden.store.path, "SELECT Z_PK, ZNAME FROM ZGARDENER ORDER BY 1", "1|Ann\n3|Cy");
  assert_store_query (garden.store.path, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'", "3");
  assert_store_query (garden.store.path, garden_queries[3], "Basil|Cy\nTomato|Ann");
  assert_store_query (garden.store.path, "PRAGMA integrity_check", "ok");

  third = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_nothing_transferred (third);

  garden_clear (&garden);
}

/* ---- backups ------------------------------------------------------------ */

/* The store's objects, by the garden queries. */
static char *
dup_garden_rows (const char *path)
{
  GString *rows = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (garden_queries); i++)
    {
      g_autofree char *part = godwit_test_query_file (path, garden_queries[i]);

      g_string_append_printf (rows, "%s\n", part);
    }

  return g_string_free (rows, FALSE);
}

static gsize
file_size_or_zero (const char *path)
{
  GStatBuf st;

  return g_stat (path, &st) == 0 ? (gsize) st.st_size : 0;
}

/* A pull that writes into the store backs it up first, where migrations
 * keep theirs: `godwit-cli backups` lists it and `godwit-cli rollback`
 * puts back the store as it was, byte for byte. A run that writes nothing
 * into the store takes no backup. */
static void
test_pull_backup (void)
{
  Garden garden;
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GodwitSync) second = NULL;
  g_autoptr(GodwitSync) third = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) summary = NULL;
  g_autoptr(JsonNode) listed = NULL;
  g_autoptr(JsonNode) restored = NULL;
  g_autofree char *wal = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_pulled = NULL;
  g_autofree char *rows_after = NULL;
  g_autofree char *checksum_before = NULL;
  g_autofree char *backup_store = NULL;
  g_autofree char *backup_checksum = NULL;
  g_autofree char *checksum_after = NULL;
  g_autofree char *description = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const GodwitStoreBackup *backup;
  JsonArray *listed_backups;
  JsonObject *bed;

  if (!garden_init (&garden, TRUE))
    return;

  /* Pushing only, and pulling back its own revisions, write nothing. */
  first = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  g_assert_null (godwit_sync_get_backup (first));
  backups = godwit_store_list_backups (garden.store.path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (backups->len, ==, 0);
  g_clear_pointer (&backups, g_ptr_array_unref);

  documents = godwit_test_server_all_documents (&garden.server);
  bed = find_document (documents, "Bed", "name", "South");
  json_object_set_string_member (attributes_of (bed), "name", "North");
  server_put_document (&garden.server, bed);

  /* The store as it is before the pull: one file, its -wal empty. */
  wal = g_strconcat (garden.store.path, "-wal", NULL);
  g_assert_cmpuint (file_size_or_zero (wal), ==, 0);
  rows_before = dup_garden_rows (garden.store.path);
  checksum_before = godwit_test_file_checksum (garden.store.path);

  second = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_store_changes (second, 0, 1, 0);
  assert_store_query (garden.store.path, "SELECT ZNAME FROM ZBED", "North");
  rows_pulled = dup_garden_rows (garden.store.path);
  g_assert_cmpstr (rows_pulled, !=, rows_before);

  backup = godwit_sync_get_backup (second);
  g_assert_nonnull (backup);
  description = g_strdup_printf ("before sync pull from %s/%s", garden.server.url, garden.server.database);
  g_assert_cmpstr (backup->description, ==, description);
  g_assert_cmpstr (backup->store_path, ==, garden.store.path);
  backup_store = g_build_filename (backup->path, "Garden.sqlite", NULL);
  backup_checksum = godwit_test_file_checksum (backup_store);
  g_assert_cmpstr (backup_checksum, ==, checksum_before);
  summary = godwit_sync_to_json (second);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (summary), "backup"), ==, backup->path);

  /* Nothing comes in: no backup. */
  third = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_nothing_transferred (third);
  g_assert_null (godwit_sync_get_backup (third));
  g_clear_pointer (&summary, json_node_unref);
  summary = godwit_sync_to_json (third);
  g_assert_true (json_object_get_null_member (json_node_get_object (summary), "backup"));

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "backups", garden.store.path, "--json", NULL), ==, 0);
  listed = godwit_test_parse_json (out);
  listed_backups = godwit_test_array_member (json_node_get_object (listed), "backups");
  g_assert_cmpuint (json_array_get_length (listed_backups), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (listed_backups, 0), "description"),
                   ==, description);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (listed_backups, 0), "path"),
                   ==, backup->path);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "rollback", garden.store.path, "--json", NULL), ==, 0);
  restored = godwit_test_parse_json (out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (restored), "restored"), ==, backup->path);
  rows_after = dup_garden_rows (garden.store.path);
  g_assert_cmpstr (rows_after, ==, rows_before);
  checksum_after = godwit_test_file_checksum (garden.store.path);
  g_assert_cmpstr (checksum_after, ==, checksum_before);

  garden_clear (&garden);
}

/* The server's documents, each as "id rev". */
static char *
dup_server_revisions (GodwitTestServer *server)
{
  g_autoptr(GPtrArray) documents = godwit_test_server_all_documents (server);
  GString *revisions = g_string_new (NULL);

  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);

      g_string_append_printf (revisions, "%s %s\n", id_of (document),
                              json_object_get_string_member (document, "_rev"));
    }

  return g_string_free (revisions, FALSE);
}

/* What the sync sidecar maps: each document's object, revision and
 * digest. */
static char *
dup_sidecar_records (const char *store_path)
{
  g_autofree char *path = g_strconcat (store_path, ".godwit-sync", NULL);

  return godwit_test_query_file (path, "SELECT id, entity, pk, rev, digest FROM documents ORDER BY id");
}

/* Rolling back a pull puts back the sync sidecar with the store: the next
 * sync pulls the same changes again and pushes nothing, where a sidecar
 * left as the pull made it would take the store's older state for local
 * changes and delete on the server the gardener the pull had added. */
static void
test_pull_rollback (void)
{
  Garden garden;
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GodwitSync) second = NULL;
  g_autoptr(GodwitSync) third = NULL;
  g_autoptr(GodwitSync) fourth = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(JsonObject) cy = json_object_new ();
  g_autoptr(JsonObject) cy_attributes = json_object_new ();
  g_autoptr(JsonObject) cy_relationships = json_object_new ();
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(JsonNode) restored = NULL;
  g_autofree char *cy_id = g_strconcat ("Gardener:", "7A9619FF-8B86-D011-B42D-00C04FC964FF", NULL);
  g_autofree char *digest = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *rows_pulled = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *records_before = NULL;
  g_autofree char *records_pulled = NULL;
  g_autofree char *records = NULL;
  g_autofree char *server_pulled = NULL;
  g_autofree char *server_after = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  const GodwitStoreBackup *backup;
  JsonArray *sidecar_files;
  JsonObject *bed;

  if (!garden_init (&garden, TRUE))
    return;

  first = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  digest = godwit_model_dup_version_hashes_digest (garden.model);
  documents = godwit_test_server_all_documents (&garden.server);
  bed = find_document (documents, "Bed", "name", "South");
  json_object_set_string_member (attributes_of (bed), "name", "North");
  server_put_document (&garden.server, bed);
  json_object_set_string_member (cy, "_id", cy_id);
  json_object_set_string_member (cy, "entity", "Gardener");
  json_object_set_string_member (cy, "model", digest);
  json_object_set_string_member (cy_attributes, "name", "Cy");
  json_object_set_null_member (cy_attributes, "identifier");
  json_object_set_array_member (cy_relationships, "plants", json_array_new ());
  json_object_set_object_member (cy, "attributes", g_steal_pointer (&cy_attributes));
  json_object_set_object_member (cy, "relationships", g_steal_pointer (&cy_relationships));
  server_put_document (&garden.server, cy);

  rows_before = dup_garden_rows (garden.store.path);
  records_before = dup_sidecar_records (garden.store.path);

  second = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_local_changes (second, 0, 0, 0);
  assert_store_changes (second, 1, 1, 0);
  rows_pulled = dup_garden_rows (garden.store.path);
  records_pulled = dup_sidecar_records (garden.store.path);
  g_assert_cmpstr (records_pulled, !=, records_before);
  server_pulled = dup_server_revisions (&garden.server);

  /* The backup holds the sidecar, listed in its manifest. */
  backup = godwit_sync_get_backup (second);
  g_assert_nonnull (backup);
  manifest_path = g_build_filename (backup->path, "manifest.json", NULL);
  g_assert_true (g_file_get_contents (manifest_path, &manifest_text, NULL, NULL));
  manifest = godwit_test_parse_json (manifest_text);
  sidecar_files = godwit_test_array_member (json_node_get_object (manifest), "sync_sidecar");
  g_assert_cmpuint (json_array_get_length (sidecar_files), >=, 1);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (sidecar_files, 0), "name"),
                   ==, "Garden.sqlite.godwit-sync");

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "rollback", garden.store.path, "--json", NULL), ==, 0);
  restored = godwit_test_parse_json (out);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (restored), "restored"), ==, backup->path);
  rows = dup_garden_rows (garden.store.path);
  g_assert_cmpstr (rows, ==, rows_before);
  records = dup_sidecar_records (garden.store.path);
  g_assert_cmpstr (records, ==, records_before);

  /* The same changes come in again; nothing goes out. */
  third = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_local_changes (third, 0, 0, 0);
  assert_store_changes (third, 1, 1, 0);
  g_assert_cmpint (godwit_sync_get_push (third)->docs_written, ==, 0);
  g_assert_cmpuint (godwit_sync_get_conflicts (third)->len, ==, 0);
  g_clear_pointer (&rows, g_free);
  rows = dup_garden_rows (garden.store.path);
  g_assert_cmpstr (rows, ==, rows_pulled);
  server_after = dup_server_revisions (&garden.server);
  g_assert_cmpstr (server_after, ==, server_pulled);
  g_assert_nonnull (strstr (server_after, cy_id));

  fourth = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_nothing_transferred (fourth);

  garden_clear (&garden);
}

/* Rolling back to a backup without a sidecar copy (as an older Godwit
 * took) moves the sidecar away: the next sync starts afresh and deletes
 * nothing on the server. */
static void
test_pull_rollback_old_backup (void)
{
  Garden garden;
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GodwitSync) second = NULL;
  g_autoptr(GodwitSync) third = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(JsonNode) manifest = NULL;
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *sidecar_path = NULL;
  g_autofree char *server_pulled = NULL;
  g_autofree char *server_after = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest_text = NULL;
  g_autofree char *rows_before = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_auto(GStrv) lines = NULL;
  const GodwitStoreBackup *backup;
  JsonObject *bed;

  if (!garden_init (&garden, TRUE))
    return;

  first = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  documents = godwit_test_server_all_documents (&garden.server);
  bed = find_document (documents, "Bed", "name", "South");
  json_object_set_string_member (attributes_of (bed), "name", "North");
  server_put_document (&garden.server, bed);
  rows_before = dup_garden_rows (garden.store.path);

  second = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_store_changes (second, 0, 1, 0);
  server_pulled = dup_server_revisions (&garden.server);

  backup = godwit_sync_get_backup (second);
  g_assert_nonnull (backup);
  manifest_path = g_build_filename (backup->path, "manifest.json", NULL);
  g_assert_true (g_file_get_contents (manifest_path, &manifest_text, NULL, NULL));
  manifest = godwit_test_parse_json (manifest_text);
  g_assert_true (json_object_has_member (json_node_get_object (manifest), "sync_sidecar"));
  json_object_remove_member (json_node_get_object (manifest), "sync_sidecar");
  json_generator_set_root (generator, manifest);
  g_assert_true (json_generator_to_file (generator, manifest_path, NULL));

  g_assert_cmpint (godwit_test_run_cli (&out, &err, "rollback", garden.store.path, NULL), ==, 0);
  rows = dup_garden_rows (garden.store.path);
  g_assert_cmpstr (rows, ==, rows_before);
  sidecar_path = g_strconcat (garden.store.path, ".godwit-sync", NULL);
  g_assert_false (g_file_test (sidecar_path, G_FILE_TEST_EXISTS));

  /* Every document the server had is still there, unchanged. */
  third = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  server_after = dup_server_revisions (&garden.server);
  lines = g_strsplit (server_pulled, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_nonnull (strstr (server_after, lines[i]));
  assert_store_query (garden.store.path, "PRAGMA integrity_check", "ok");

  garden_clear (&garden);
}

/* ---- conflicts ---------------------------------------------------------- */

typedef struct
{
  GodwitSyncPolicy  policy;
  const char       *date_attribute;
  const char       *name;      /* the tomato's commonName after the sync */
  const char       *species;
  const char       *planted;   /* ZPLANTED */
} ConflictCase;

static const ConflictCase conflict_cases[] = {
  /* Both sides renamed it; the server set the species, the store moved
   * the planting date. */
  { GODWIT_SYNC_POLICY_STORE_WINS, NULL, "Tomato (local)", "Solanum", "500" },
  { GODWIT_SYNC_POLICY_REMOTE_WINS, NULL, "Tomato (remote)", "Solanum", "500" },
  { GODWIT_SYNC_POLICY_OVERWRITE, NULL, "Tomato (remote)", "Solanum", "100" },
  { GODWIT_SYNC_POLICY_NEWEST, "planted", "Tomato (local)", "NULL", "500" },
  { GODWIT_SYNC_POLICY_MANUAL, NULL, "Tomato (local)", "NULL", "500" },
};

static void
test_conflict (gconstpointer data)
{
  const ConflictCase *c = data;
  Garden garden;
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GodwitSync) second = NULL;
  g_autoptr(GodwitSync) third = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *expected_row = NULL;
  const GodwitSyncConflict *conflict;
  JsonObject *tomato;
  g_autofree char *tomato_id = NULL;

  if (!garden_init (&garden, TRUE))
    return;

  first = sync_with (&garden.server, garden.store.path, garden.bundle, c->policy, c->date_attribute);
  documents = godwit_test_server_all_documents (&garden.server);
  tomato = find_document (documents, "Plant", "commonName", "Tomato");
  tomato_id = g_strdup (id_of (tomato));

  json_object_set_string_member (attributes_of (tomato), "commonName", "Tomato (remote)");
  json_object_set_string_member (attributes_of (tomato), "species", "Solanum");
  server_put_document (&garden.server, tomato);
  godwit_test_execute_sql (garden.store.path, "UPDATE ZPLANT SET ZCOMMONNAME = 'Tomato (local)', ZPLANTED = 500 "
                                              "WHERE ZCOMMONNAME = 'Tomato'", NULL);

  second = sync_with (&garden.server, garden.store.path, garden.bundle, c->policy, c->date_attribute);
  g_assert_cmpuint (godwit_sync_get_conflicts (second)->len, ==, 1);
  conflict = g_ptr_array_index (godwit_sync_get_conflicts (second), 0);
  g_assert_cmpstr (conflict->document, ==, tomato_id);
  g_assert_cmpstr (conflict->entity, ==, "Plant");
  g_assert_cmpuint (conflict->revisions->len, ==, 2);
  g_assert_cmpuint (conflict->details->len, >, 0);

  expected_row = g_strdup_printf ("%s|%s|%s", c->name, c->species, c->planted);
  assert_store_query (garden.store.path, "SELECT ZCOMMONNAME, ZSPECIES, ZPLANTED FROM ZPLANT WHERE Z_PK = 1",
                      expected_row);
  assert_store_query (garden.store.path, "PRAGMA integrity_check", "ok");

  after = server_get_document (&garden.server, tomato_id);
  if (c->policy == GODWIT_SYNC_POLICY_MANUAL)
    {
      /* Listed, left alone: the server keeps both leaves. */
      g_assert_false (conflict->resolved);
      g_assert_null (conflict->revision);
      g_assert_cmpuint (godwit_sync_get_n_unresolved (second), ==, 1);
      g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "_conflicts")), ==, 1);
    }
  else
    {
      JsonObject *attributes = attributes_of (after);

      /* Resolved: the merged winner is on the server, the losing leaf is
       * deleted, and the store holds what the server holds. */
      g_assert_true (conflict->resolved);
      g_assert_cmpstr (conflict->revision, ==, json_object_get_string_member (after, "_rev"));
      g_assert_true (g_str_has_prefix (conflict->revision, "3-"));
      g_assert_false (json_object_has_member (after, "_conflicts"));
      g_assert_cmpuint (godwit_sync_get_n_unresolved (second), ==, 0);
      g_assert_cmpstr (json_object_get_string_member (attributes, "commonName"), ==, c->name);
      if (g_strcmp0 (c->species, "NULL") == 0)
        g_assert_true (json_object_get_null_member (attributes, "species"));
      else
        g_assert_cmpstr (json_object_get_string_member (attributes, "species"), ==, c->species);

      third = sync_with (&garden.server, garden.store.path, garden.bundle, c->policy, c->date_attribute);
      assert_nothing_transferred (third);
    }

  garden_clear (&garden);
}

/* ---- the asynchronous API ---------------------------------------------- */

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
  GThread      *thread;
  GHashTable   *phases;   /* (element-type utf8) */
  gboolean      other_thread;
} AsyncRun;

static void
on_async_progress (const GodwitSyncProgress *progress,
                   gpointer                  user_data)
{
  AsyncRun *run = user_data;

  run->other_thread = run->other_thread || g_thread_self () != run->thread;
  g_hash_table_add (run->phases, g_strdup (progress->phase));
}

static void
on_async_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static void
test_async (void)
{
  Garden garden;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  AsyncRun run = { 0 };

  if (!garden_init (&garden, TRUE))
    return;

  run.loop = g_main_loop_new (NULL, FALSE);
  run.thread = g_thread_self ();
  run.phases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  sync = godwit_test_sync_new (&garden.server, garden.store.path, garden.bundle);
  godwit_sync_set_progress_callback (sync, on_async_progress, &run);
  godwit_sync_run_async (sync, NULL, on_async_done, &run);
  g_main_loop_run (run.loop);

  g_assert_true (godwit_sync_run_finish (sync, run.result, &error));
  g_assert_no_error (error);
  /* Progress comes to the caller's main context. */
  g_assert_false (run.other_thread);
  g_assert_true (g_hash_table_contains (run.phases, "scan"));
  g_assert_true (g_hash_table_contains (run.phases, "push"));
  g_assert_true (g_hash_table_contains (run.phases, "pull"));
  g_assert_cmpint (godwit_sync_get_push (sync)->docs_written, ==, 9);

  g_clear_object (&run.result);
  g_hash_table_unref (run.phases);
  g_main_loop_unref (run.loop);
  garden_clear (&garden);
}

/* ---- conflicts resolved by hand ----------------------------------------- */

/* The tomato changed on both sides, as in test_conflict(), and synced
 * with the manual policy: the returned sync lists the conflict. */
static GodwitSync *
sync_conflicted_garden (Garden  *garden,
                        char   **tomato_id)
{
  g_autoptr(GodwitSync) first = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  JsonObject *tomato;

  first = sync_with (&garden->server, garden->store.path, garden->bundle, GODWIT_SYNC_POLICY_MANUAL, NULL);
  documents = godwit_test_server_all_documents (&garden->server);
  tomato = find_document (documents, "Plant", "commonName", "Tomato");
  *tomato_id = g_strdup (id_of (tomato));

  json_object_set_string_member (attributes_of (tomato), "commonName", "Tomato (remote)");
  json_object_set_string_member (attributes_of (tomato), "species", "Solanum");
  server_put_document (&garden->server, tomato);
  godwit_test_execute_sql (garden->store.path, "UPDATE ZPLANT SET ZCOMMONNAME = 'Tomato (local)', ZPLANTED = 500 "
                                               "WHERE ZCOMMONNAME = 'Tomato'", NULL);

  return sync_with (&garden->server, garden->store.path, garden->bundle, GODWIT_SYNC_POLICY_MANUAL, NULL);
}

static const char *
body_attribute (const GodwitSyncConflict *conflict,
                guint                     leaf,
                const char               *name)
{
  JsonObject *body = json_node_get_object (g_ptr_array_index (conflict->bodies, leaf));

  return json_object_get_string_member (attributes_of (body), name);
}

/* The listed conflict: both leaves with their bodies, the store's one
 * marked; returns the index of the server's leaf. */
static guint
assert_listed (const GodwitSyncConflict *conflict,
               const char               *tomato_id)
{
  guint remote;

  g_assert_cmpstr (conflict->document, ==, tomato_id);
  g_assert_false (conflict->resolved);
  g_assert_null (conflict->revision);
  g_assert_cmpuint (conflict->revisions->len, ==, 2);
  g_assert_cmpuint (conflict->bodies->len, ==, 2);
  g_assert_cmpint (conflict->store_leaf, >=, 0);
  g_assert_cmpint (conflict->store_leaf, <, 2);
  remote = 1 - (guint) conflict->store_leaf;
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *body = json_node_get_object (g_ptr_array_index (conflict->bodies, i));

      g_assert_cmpstr (json_object_get_string_member (body, "_id"), ==, tomato_id);
      g_assert_cmpstr (json_object_get_string_member (body, "_rev"), ==, g_ptr_array_index (conflict->revisions, i));
      g_assert_cmpstr (json_object_get_string_member (body, "entity"), ==, "Plant");
      g_assert_false (json_object_has_member (body, "_revisions"));
    }
  g_assert_cmpstr (body_attribute (conflict, conflict->store_leaf, "commonName"), ==, "Tomato (local)");
  g_assert_true (json_object_get_null_member (attributes_of (json_node_get_object (
                   g_ptr_array_index (conflict->bodies, conflict->store_leaf))), "species"));
  g_assert_cmpstr (body_attribute (conflict, remote, "commonName"), ==, "Tomato (remote)");
  g_assert_cmpstr (body_attribute (conflict, remote, "species"), ==, "Solanum");

  return remote;
}

/* Resolved: the server holds one leaf, the merged revision, with
 * @name and @species; the store the same; a next sync has nothing to do. */
static void
assert_resolved (Garden                   *garden,
                 GodwitSync               *sync,
                 const GodwitSyncConflict *conflict,
                 const char               *name,
                 const char               *species,
                 const char               *planted)
{
  g_autoptr(JsonObject) after = server_get_document (&garden->server, conflict->document);
  g_autoptr(GodwitSync) next = NULL;
  g_autofree char *expected_row = g_strdup_printf ("%s|%s|%s", name, species, planted);
  JsonObject *attributes = attributes_of (after);

  g_assert_true (conflict->resolved);
  g_assert_cmpint (conflict->store_leaf, ==, -1);
  g_assert_cmpstr (conflict->revision, ==, json_object_get_string_member (after, "_rev"));
  g_assert_true (g_str_has_prefix (conflict->revision, "3-"));
  g_assert_cmpuint (conflict->details->len, >, 0);
  g_assert_false (json_object_has_member (after, "_conflicts"));
  g_assert_cmpuint (godwit_sync_get_n_unresolved (sync), ==, 0);
  g_assert_cmpstr (json_object_get_string_member (attributes, "commonName"), ==, name);
  g_assert_cmpstr (json_object_get_string_member (attributes, "species"), ==, species);

  assert_store_query (garden->store.path, "SELECT ZCOMMONNAME, ZSPECIES, ZPLANTED FROM ZPLANT WHERE Z_PK = 1",
                      expected_row);
  assert_store_query (garden->store.path, "PRAGMA integrity_check", "ok");

  next = sync_with (&garden->server, garden->store.path, garden->bundle, GODWIT_SYNC_POLICY_MANUAL, NULL);
  assert_nothing_transferred (next);
  g_assert_cmpuint (godwit_sync_get_n_unresolved (next), ==, 0);
}

static void
test_manual_resolve_leaf (void)
{
  Garden garden;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tomato_id = NULL;
  const GodwitSyncConflict *conflict;
  guint remote;

  if (!garden_init (&garden, TRUE))
    return;

  sync = sync_conflicted_garden (&garden, &tomato_id);
  g_assert_cmpuint (godwit_sync_get_n_unresolved (sync), ==, 1);
  g_assert_cmpuint (godwit_sync_get_conflicts (sync)->len, ==, 1);
  conflict = g_ptr_array_index (godwit_sync_get_conflicts (sync), 0);
  remote = assert_listed (conflict, tomato_id);

  /* The server's leaf wins whole; the store is backed up before it is
   * written. */
  g_assert_true (godwit_sync_resolve_conflict (sync, tomato_id, remote, NULL, NULL, &error));
  g_assert_no_error (error);
  assert_resolved (&garden, sync, conflict, "Tomato (remote)", "Solanum", "100");
  {
    g_autofree char *description = g_strdup_printf ("before resolving the sync conflict of “%s” with %s/%s",
                                                    tomato_id, garden.server.url, garden.server.database);
    g_autoptr(GPtrArray) backups = godwit_store_list_backups (garden.store.path, NULL, &error);

    g_assert_no_error (error);
    g_assert_nonnull (godwit_sync_get_backup (sync));
    g_assert_cmpstr (godwit_sync_get_backup (sync)->description, ==, description);
    g_assert_cmpstr (((GodwitStoreBackup *) g_ptr_array_index (backups, 0))->description, ==, description);
  }

  /* Resolved once is resolved. */
  g_assert_false (godwit_sync_resolve_conflict (sync, tomato_id, remote, NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT);
  g_assert_nonnull (strstr (error->message, "resolved already"));

  garden_clear (&garden);
}

static void
on_resolved (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static void
test_manual_resolve_by_property (void)
{
  Garden garden;
  g_autoptr(GodwitSync) listing = NULL;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GHashTable) property_leaves = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GError) error = NULL;
  g_autofree char *tomato_id = NULL;
  g_autofree char *chosen = NULL;
  g_autofree char *species = NULL;
  const GodwitSyncConflict *conflict;
  AsyncRun run = { 0 };
  guint remote;

  if (!garden_init (&garden, TRUE))
    return;

  listing = sync_conflicted_garden (&garden, &tomato_id);

  /* A later run that pulls nothing new still lists the conflict. */
  sync = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_MANUAL, NULL);
  g_assert_cmpuint (godwit_sync_get_conflicts (sync)->len, ==, 1);
  g_assert_cmpuint (godwit_sync_get_n_unresolved (sync), ==, 1);
  conflict = g_ptr_array_index (godwit_sync_get_conflicts (sync), 0);
  remote = assert_listed (conflict, tomato_id);

  /* What cannot be resolved is refused, and nothing is written. */
  g_assert_false (godwit_sync_resolve_conflict (sync, "Plant:nothing", 0, NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT);
  g_assert_nonnull (strstr (error->message, "“Plant:nothing”"));
  g_clear_error (&error);
  g_assert_false (godwit_sync_resolve_conflict (sync, tomato_id, 2, NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT);
  g_assert_nonnull (strstr (error->message, "no leaf 2"));
  g_clear_error (&error);
  g_hash_table_insert (property_leaves, (gpointer) "colour", GUINT_TO_POINTER (remote));
  g_assert_false (godwit_sync_resolve_conflict (sync, tomato_id, 0, property_leaves, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT);
  g_assert_nonnull (strstr (error->message, "no attribute or relationship “colour”"));
  g_clear_error (&error);
  g_hash_table_remove_all (property_leaves);
  g_assert_false (conflict->resolved);

  /* The store's leaf, with the server's species. */
  g_hash_table_insert (property_leaves, (gpointer) "species", GUINT_TO_POINTER (remote));
  run.loop = g_main_loop_new (NULL, FALSE);
  godwit_sync_resolve_conflict_async (sync, tomato_id, (guint) conflict->store_leaf, property_leaves, NULL,
                                      on_resolved, &run);
  g_main_loop_run (run.loop);
  g_assert_true (godwit_sync_resolve_conflict_finish (sync, run.result, &error));
  g_assert_no_error (error);
  chosen = g_strdup_printf ("revision %s chosen", (const char *) g_ptr_array_index (conflict->revisions, 1 - remote));
  g_assert_cmpstr (g_ptr_array_index (conflict->details, 0), ==, chosen);
  species = g_strdup_printf ("attribute species: \"Solanum\", from revision %s",
                             (const char *) g_ptr_array_index (conflict->revisions, remote));
  g_assert_true (g_ptr_array_find_with_equal_func (conflict->details, species, g_str_equal, NULL));
  assert_resolved (&garden, sync, conflict, "Tomato (local)", "Solanum", "500");

  g_clear_object (&run.result);
  g_main_loop_unref (run.loop);
  garden_clear (&garden);
}

/* A conflict the manual policy left is resolved by the next run with
 * another policy, though that run pulls nothing new. */
static void
test_manual_then_policy (void)
{
  Garden garden;
  g_autoptr(GodwitSync) listing = NULL;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *tomato_id = NULL;
  const GodwitSyncConflict *conflict;

  if (!garden_init (&garden, TRUE))
    return;

  listing = sync_conflicted_garden (&garden, &tomato_id);
  sync = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  g_assert_cmpint (godwit_sync_get_pull (sync)->docs_read, ==, 0);
  g_assert_cmpuint (godwit_sync_get_conflicts (sync)->len, ==, 1);
  conflict = g_ptr_array_index (godwit_sync_get_conflicts (sync), 0);
  g_assert_true (conflict->resolved);
  g_assert_cmpint (conflict->store_leaf, ==, -1);
  g_assert_cmpuint (conflict->bodies->len, ==, 2);
  g_assert_cmpuint (godwit_sync_get_n_unresolved (sync), ==, 0);

  after = server_get_document (&garden.server, tomato_id);
  g_assert_false (json_object_has_member (after, "_conflicts"));
  g_assert_cmpstr (json_object_get_string_member (after, "_rev"), ==, conflict->revision);
  assert_store_query (garden.store.path, "SELECT ZCOMMONNAME, ZSPECIES, ZPLANTED FROM ZPLANT WHERE Z_PK = 1",
                      "Tomato (local)|Solanum|500");

  garden_clear (&garden);
}

/* An object the app changed after the listing is not written over. */
static void
test_manual_resolve_changed_since (void)
{
  Garden garden;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) after = NULL;
  g_autofree char *tomato_id = NULL;
  const GodwitSyncConflict *conflict;
  guint remote;

  if (!garden_init (&garden, TRUE))
    return;

  sync = sync_conflicted_garden (&garden, &tomato_id);
  conflict = g_ptr_array_index (godwit_sync_get_conflicts (sync), 0);
  remote = assert_listed (conflict, tomato_id);
  godwit_test_execute_sql (garden.store.path, "UPDATE ZPLANT SET ZCOMMONNAME = 'Tomato (later)' WHERE Z_PK = 1",
                           NULL);

  g_assert_false (godwit_sync_resolve_conflict (sync, tomato_id, remote, NULL, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SYNC_CONFLICT);
  g_assert_nonnull (strstr (error->message, "changed since its conflict was listed"));
  g_assert_false (conflict->resolved);
  assert_store_query (garden.store.path, "SELECT ZCOMMONNAME FROM ZPLANT WHERE Z_PK = 1", "Tomato (later)");
  after = server_get_document (&garden.server, tomato_id);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (after, "_conflicts")), ==, 1);

  garden_clear (&garden);
}

/* ---- failures ----------------------------------------------------------- */

static void
test_wrong_password (void)
{
  GodwitTestServer server;
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;
  Garden garden;
  g_autoptr(GodwitSync) sync = NULL;

  if (!godwit_test_server_init (&server))
    return;
  wrong = g_strconcat (server.password, "-wrong", NULL);

  replicator = godwit_replicator_new (server.url, server.database, &error);
  g_assert_no_error (error);
  godwit_replicator_set_credentials (replicator, server.user, wrong);
  godwit_replicator_set_retries (replicator, 5, 10);
  g_assert_false (godwit_replicator_check_database (replicator, TRUE, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_AUTHENTICATION);
  /* Refused credentials are not retried. */
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 1);
  g_assert_nonnull (strstr (error->message, "refuses the credentials"));
  g_assert_null (strstr (error->message, wrong));
  g_clear_error (&error);

  g_assert_true (garden_init (&garden, TRUE));
  sync = godwit_sync_new (garden.store.path, garden.bundle, server.url, server.database, &error);
  g_assert_no_error (error);
  godwit_sync_set_credentials (sync, server.user, wrong);
  godwit_sync_set_create_database (sync, TRUE);
  g_assert_false (godwit_sync_run (sync, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_AUTHENTICATION);
  g_assert_null (strstr (error->message, wrong));

  garden_clear (&garden);
  godwit_test_server_clear (&server);
}

static void
test_unreachable_retried (void)
{
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GError) error = NULL;
  /* Nothing listens there. */
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", godwit_test_find_free_port ());

  replicator = godwit_replicator_new (url, "db", &error);
  g_assert_no_error (error);
  godwit_replicator_set_retries (replicator, 2, 10);
  g_assert_false (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "tried 3 times"));
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 3);
}

static gboolean
count_wait (gpointer data)
{
  guint *calls = data;

  return ++*calls < 3;
}

static gboolean
count_wait_forever (gpointer data)
{
  guint *calls = data;

  ++*calls;

  return TRUE;
}

/* While the replicator waits for the server (here, between retries to
 * one that is down), it runs the wait function, until that says it is
 * done. */
static void
test_replicator_wait_func (void)
{
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u", godwit_test_find_free_port ());
  guint calls = 0;

  replicator = godwit_replicator_new (url, "db", &error);
  g_assert_no_error (error);
  godwit_replicator_set_retries (replicator, 2, 50);

  /* 150 ms of waiting, and no call after the one that said done. */
  godwit_replicator_set_wait_func (replicator, count_wait, &calls);
  g_assert_false (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER);
  g_assert_cmpuint (calls, ==, 3);
  g_clear_error (&error);

  /* Called all along, then not once it is unset. */
  calls = 0;
  godwit_replicator_set_wait_func (replicator, count_wait_forever, &calls);
  g_assert_false (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_clear_error (&error);
  g_assert_cmpuint (calls, >, 3);
  calls = 0;
  godwit_replicator_set_wait_func (replicator, NULL, NULL);
  g_assert_false (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_assert_cmpuint (calls, ==, 0);
}

static void
test_other_model_version_refused (void)
{
  Garden garden;
  GodwitTestStore older = { 0 };
  g_autoptr(GodwitSync) push = NULL;
  g_autoptr(GodwitSync) pull = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;

  if (!garden_init (&garden, TRUE))
    return;

  push = sync_with (&garden.server, garden.store.path, garden.bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);

  godwit_test_store_init (&older, "Older.sqlite");
  writer = godwit_test_store_begin (&older, godwit_test_find_version (garden.bundle, "Garden 2"), FALSE);
  godwit_test_writer_commit (writer);

  pull = godwit_test_sync_new (&garden.server, older.path, garden.bundle);
  g_assert_cmpstr (godwit_model_get_version_name (godwit_sync_get_model_version (pull)), ==, "Garden 2");
  godwit_sync_set_direction (pull, GODWIT_SYNC_DIRECTION_PULL);
  g_assert_false (godwit_sync_run (pull, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_MODEL_MISMATCH);
  g_assert_nonnull (strstr (error->message, "written for another model version"));
  g_assert_nonnull (strstr (error->message, "“Garden 2”"));
  g_assert_nonnull (strstr (error->message, garden.server.database));
  /* Nothing of the batch was written. */
  assert_store_query (older.path, "SELECT (SELECT COUNT(*) FROM ZPLANT) + (SELECT COUNT(*) FROM ZBED)", "0");

  godwit_test_store_clear (&older);
  garden_clear (&garden);
}

/* ---- authentication ----------------------------------------------------- */

/* A database only its members may read, with the admin a member: a
 * request without the credentials gets a 401. */
static void
server_create_private_database (GodwitTestServer *server)
{
  g_autofree char *security = g_strdup_printf ("{\"members\": {\"names\": [\"%s\"], \"roles\": []}}", server->user);
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) secured = NULL;
  guint status = 0;

  created = godwit_test_server_request (server, "PUT", "", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
  secured = godwit_test_server_request (server, "PUT", "/_security", security, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
}

/* A new server secret: every session cookie given so far expires. */
static void
server_expire_sessions (GodwitTestServer *server)
{
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *secret = g_strdup_printf ("\"%s\"", uuid);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = godwit_test_server_request_root (server, "PUT", "/_config/couch_httpd_auth/secret", secret, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
}

static GodwitReplicator *
new_cookie_replicator (GodwitTestServer *server,
                       const char       *user,
                       const char       *password)
{
  g_autoptr(GError) error = NULL;
  GodwitReplicator *replicator = godwit_replicator_new (server->url, server->database, &error);

  g_assert_no_error (error);
  godwit_replicator_set_credentials (replicator, user, password);
  godwit_replicator_set_authentication (replicator, GODWIT_SYNC_AUTHENTICATION_COOKIE);
  godwit_replicator_set_retries (replicator, 2, 10);

  return replicator;
}

static void
test_cookie_authentication (void)
{
  Garden garden;
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(JsonObject) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  GodwitSyncAuthentication authentication;

  g_assert_cmpstr (godwit_sync_authentication_to_string (GODWIT_SYNC_AUTHENTICATION_BASIC), ==, "basic");
  g_assert_cmpstr (godwit_sync_authentication_to_string (GODWIT_SYNC_AUTHENTICATION_COOKIE), ==, "cookie");
  g_assert_true (godwit_sync_authentication_from_string ("cookie", &authentication));
  g_assert_cmpint (authentication, ==, GODWIT_SYNC_AUTHENTICATION_COOKIE);
  g_assert_true (godwit_sync_authentication_from_string ("basic", &authentication));
  g_assert_cmpint (authentication, ==, GODWIT_SYNC_AUTHENTICATION_BASIC);
  g_assert_false (godwit_sync_authentication_from_string ("digest", &authentication));

  if (!garden_init (&garden, TRUE))
    return;
  server_create_private_database (&garden.server);

  /* One login, then the cookie: no credentials on the requests. */
  replicator = new_cookie_replicator (&garden.server, garden.server.user, garden.server.password);
  g_assert_true (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 2);
  info = godwit_replicator_get_info (replicator, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 3);
  g_clear_pointer (&info, json_object_unref);

  /* The cookie expired: a 401, a new login, the request again. */
  server_expire_sessions (&garden.server);
  info = godwit_replicator_get_info (replicator, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (info);
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 6);

  /* A whole sync with a session. */
  sync = godwit_test_sync_new (&garden.server, garden.store.path, garden.bundle);
  godwit_sync_set_authentication (sync, GODWIT_SYNC_AUTHENTICATION_COOKIE);
  godwit_test_sync_run (sync);
  g_assert_cmpint (godwit_sync_get_push (sync)->docs_written, ==, 9);
  root = godwit_sync_to_json (sync);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "authentication"), ==, "cookie");

  garden_clear (&garden);
}

static void
test_cookie_refused (void)
{
  GodwitTestServer server;
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) user_answer = NULL;
  g_autofree char *wrong = NULL;
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *other_user = g_strdup_printf ("godwit-test-%s", uuid);
  g_autofree char *other_password = g_uuid_string_random ();
  g_autofree char *user_path = g_strdup_printf ("/_users/org.couchdb.user:%s", other_user);
  g_autofree char *user_body = NULL;
  guint status = 0;

  if (!godwit_test_server_init (&server))
    return;
  server_create_private_database (&server);

  /* A wrong password: the login fails at once, not retried, unnamed. */
  wrong = g_strconcat (server.password, "-wrong", NULL);
  replicator = new_cookie_replicator (&server, server.user, wrong);
  g_assert_false (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, "/_session"));
  g_assert_nonnull (strstr (error->message, "refuses the credentials"));
  g_assert_null (strstr (error->message, wrong));
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 1);
  g_clear_error (&error);
  g_clear_object (&replicator);

  /* A user who may log in but not read the database: a 401 after a
   * fresh login is not an expired cookie, and fails. */
  user_body = g_strdup_printf ("{\"name\": \"%s\", \"password\": \"%s\", \"roles\": [], \"type\": \"user\"}",
                               other_user, other_password);
  user_answer = godwit_test_server_request_root (&server, "PUT", user_path, user_body, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
  replicator = new_cookie_replicator (&server, other_user, other_password);
  g_assert_false (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_AUTHENTICATION);
  g_assert_nonnull (strstr (error->message, server.database));
  g_assert_nonnull (strstr (error->message, "even after logging in again"));
  g_assert_null (strstr (error->message, other_password));
  /* Login, HEAD, login, HEAD. */
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 4);

  godwit_test_server_clear (&server);
}

/* ---- TLS ---------------------------------------------------------------- */

/* An HTTPS endpoint in front of the test server, with a certificate of a
 * certificate authority made for the test: sync-tls-proxy.py, in a
 * process of its own. */
typedef struct
{
  char        *dir;
  char        *ca_file;
  GSubprocess *process;
  char        *url;
} TlsProxy;

/* openssl with the arguments, in @dir; it must succeed. */
static void
run_openssl (const char *dir,
             const char *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  va_list args;
  int status = 0;

  g_ptr_array_add (argv, (gpointer) "openssl");
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("openssl %s failed: %s", first, err);
}

/* The proxy, or FALSE after marking the test skipped. */
static gboolean
tls_proxy_start (TlsProxy         *proxy,
                 GodwitTestServer *server)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "sync-tls-proxy.py", NULL);
  g_autofree char *server_pem = NULL;
  g_autofree char *server_key = NULL;
  g_autofree char *extensions = NULL;
  g_autofree char *upstream_port = NULL;
  g_autofree char *port = NULL;

  memset (proxy, 0, sizeof *proxy);
  if (openssl == NULL || python == NULL)
    {
      g_test_skip ("no openssl to make a certificate authority with, or no python3 to serve HTTPS");
      return FALSE;
    }

  proxy->dir = godwit_test_make_tmpdir ();
  proxy->ca_file = g_build_filename (proxy->dir, "ca.pem", NULL);
  extensions = g_build_filename (proxy->dir, "server.ext", NULL);
  godwit_test_write_file (extensions, "subjectAltName = IP:127.0.0.1\nbasicConstraints = CA:FALSE\n"
                                      "extendedKeyUsage = serverAuth\n", -1);
  run_openssl (proxy->dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=Godwit test CA",
               "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
               NULL);
  run_openssl (proxy->dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
               "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1", NULL);
  run_openssl (proxy->dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
               "-set_serial", "1", "-days", "2", "-extfile", "server.ext", "-out", "server.pem", NULL);
  server_pem = g_build_filename (proxy->dir, "server.pem", NULL);
  server_key = g_build_filename (proxy->dir, "server.key", NULL);

  upstream_port = godwit_test_dup_port_of (server->url);
  port = godwit_test_spawn_proxy (&proxy->process, G_SUBPROCESS_FLAGS_NONE,
                                  (const char * const []) { python, script, server_pem, server_key, upstream_port,
                                                            NULL },
                                  NULL);
  proxy->url = g_strdup_printf ("https://127.0.0.1:%s", port);

  return TRUE;
}

static void
tls_proxy_stop (TlsProxy *proxy)
{
  if (proxy->process == NULL)
    return;

  godwit_test_stop_proxy (&proxy->process, &proxy->dir);
  g_clear_pointer (&proxy->ca_file, g_free);
  g_clear_pointer (&proxy->url, g_free);
}

static void
test_tls (void)
{
  Garden garden;
  TlsProxy proxy;
  g_autoptr(GodwitSync) untrusting = NULL;
  g_autoptr(GodwitSync) trusting = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *empty = NULL;

  if (!garden_init (&garden, TRUE))
    return;
  if (!tls_proxy_start (&proxy, &garden.server))
    {
      garden_clear (&garden);
      return;
    }

  /* Verified by default: the test's authority is no system one. The
   * refusal is not retried. */
  untrusting = godwit_sync_new (garden.store.path, garden.bundle, proxy.url, garden.server.database, &error);
  g_assert_no_error (error);
  godwit_sync_set_credentials (untrusting, garden.server.user, garden.server.password);
  godwit_sync_set_create_database (untrusting, TRUE);
  godwit_sync_set_retries (untrusting, 3, 10);
  g_assert_false (godwit_sync_run (untrusting, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, proxy.url));
  g_assert_nonnull (strstr (error->message,
                            "TLS certificate is not trusted: issued by an unknown certificate authority"));
  g_clear_error (&error);

  /* A CA file that cannot be used is refused by name, and changes
   * nothing. */
  missing = g_build_filename (proxy.dir, "missing.pem", NULL);
  g_assert_false (godwit_sync_set_ca_file (untrusting, missing, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));
  g_clear_error (&error);
  empty = g_build_filename (proxy.dir, "server.ext", NULL);
  g_assert_false (godwit_sync_set_ca_file (untrusting, empty, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, empty));
  g_assert_nonnull (strstr (error->message, "not a usable CA file"));
  g_clear_error (&error);

  /* With the authority's file, the same sync goes through. */
  trusting = godwit_sync_new (garden.store.path, garden.bundle, proxy.url, garden.server.database, &error);
  g_assert_no_error (error);
  godwit_sync_set_credentials (trusting, garden.server.user, garden.server.password);
  godwit_sync_set_create_database (trusting, TRUE);
  g_assert_true (godwit_sync_set_ca_file (trusting, proxy.ca_file, &error));
  g_assert_no_error (error);
  godwit_test_sync_run (trusting);
  g_assert_cmpint (godwit_sync_get_push (trusting)->docs_written, ==, 9);
  documents = godwit_test_server_all_documents (&garden.server);
  g_assert_cmpuint (documents->len, ==, 9);

  /* NULL: the system's authorities only, again. */
  g_assert_true (godwit_sync_set_ca_file (trusting, NULL, &error));
  g_assert_false (godwit_sync_run (trusting, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER);
  g_clear_error (&error);

  g_clear_object (&untrusting);
  g_clear_object (&trusting);
  tls_proxy_stop (&proxy);
  garden_clear (&garden);
}

/* ---- every attribute type ----------------------------------------------- */

static GodwitModel *
new_samples_model (void)
{
  GodwitModel *model = godwit_model_new ("Samples", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *sample = godwit_test_add_entity (model, "Sample", NULL);
  GodwitEntity *partner = godwit_test_add_entity (model, "Partner", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);

  godwit_test_add_attribute (sample, "flag", GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  godwit_test_add_attribute (sample, "small", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_add_attribute (sample, "medium", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (sample, "large", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  godwit_test_add_attribute (sample, "amount", GODWIT_ATTRIBUTE_TYPE_DECIMAL);
  godwit_test_add_attribute (sample, "ratio", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_attribute (sample, "weight", GODWIT_ATTRIBUTE_TYPE_FLOAT);
  godwit_test_add_attribute (sample, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (sample, "when", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_attribute (sample, "data", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_attribute (sample, "token", GODWIT_ATTRIBUTE_TYPE_UUID);
  godwit_test_add_attribute (sample, "link", GODWIT_ATTRIBUTE_TYPE_URI);
  godwit_test_add_attribute (sample, "archived", GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE);
  godwit_test_add_relationship (sample, "partner", "Partner", "sample", FALSE, FALSE);
  godwit_test_add_relationship (sample, "tags", "Tag", NULL, TRUE, TRUE);
  godwit_test_add_attribute (partner, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (partner, "sample", "Sample", "partner", FALSE, FALSE);
  godwit_test_add_attribute (tag, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (model);

  return model;
}

static void
test_attribute_types (void)
{
  GodwitTestServer server;
  GodwitTestStore store = { 0 };
  GodwitTestStore empty = { 0 };
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GodwitStoreWriter) empty_writer = NULL;
  g_autoptr(GodwitSync) push = NULL;
  g_autoptr(GodwitSync) pull = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  static const guint8 data[] = { 0, 1, 2, 255 };
  static const guint8 token[16] = { 0xc8, 0xad, 0x66, 0x1e, 0x8b, 0x9c, 0x4a, 0x11,
                                    0x90, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
  gint64 sample, partner, first_tag, second_tag;
  JsonObject *document, *attributes, *partner_document, *first, *second;
  g_autofree char *tags = NULL;
  g_autofree char *expected_tags = NULL;
  static const char *queries[] = {
    "SELECT ZFLAG, ZSMALL, ZMEDIUM, ZLARGE, ZAMOUNT, ZRATIO, ZWEIGHT, ZLABEL, ZWHEN, hex(ZDATA), hex(ZTOKEN), "
    "ZLINK, hex(ZARCHIVED) FROM ZSAMPLE",
    "SELECT s.ZLABEL, p.ZNAME, p.ZSAMPLE = s.Z_PK FROM ZSAMPLE s JOIN ZPARTNER p ON p.Z_PK = s.ZPARTNER",
    "SELECT t.ZNAME FROM ZTAG t JOIN ZSAMPLE s ON t.Z2TAGS = s.Z_PK ORDER BY t.Z_FOK_2TAGS",
  };

  if (!godwit_test_server_init (&server))
    return;

  model = new_samples_model ();
  bundle = godwit_model_bundle_new_for_model (model, GODWIT_MODEL_BUNDLE_KIND_XCDATAMODEL);
  godwit_test_store_init (&store, "Samples.sqlite");
  writer = godwit_test_store_begin (&store, model, FALSE);
  sample = godwit_test_insert (writer, "Sample",
                               "flag", g_variant_new_boolean (TRUE),
                               "small", g_variant_new_int64 (-7),
                               "medium", g_variant_new_int64 (100000),
                               "large", g_variant_new_int64 (G_GINT64_CONSTANT (1) << 40),
                               "amount", g_variant_new_string ("12.25"),
                               "ratio", g_variant_new_double (0.1),
                               "weight", g_variant_new_double (1.5),
                               "label", g_variant_new_string ("héllo \"world\""),
                               "when", g_variant_new_double (100.25),
                               "data", godwit_test_bytes_value (data, sizeof data),
                               "token", godwit_test_bytes_value (token, sizeof token),
                               "link", g_variant_new_string ("https://example.com/x"),
                               "archived", godwit_test_bytes_value ("", 0),
                               NULL);
  partner = godwit_test_insert (writer, "Partner", "name", g_variant_new_string ("Pat"), NULL);
  first_tag = godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("first"), NULL);
  second_tag = godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("second"), NULL);
  godwit_test_relate (writer, "Sample", sample, "partner", "Partner", partner);
  godwit_test_relate (writer, "Sample", sample, "tags", "Tag", second_tag);
  godwit_test_relate (writer, "Sample", sample, "tags", "Tag", first_tag);
  godwit_test_writer_commit (writer);

  push = sync_with (&server, store.path, bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  g_assert_cmpint (godwit_sync_get_push (push)->docs_written, ==, 4);

  documents = godwit_test_server_all_documents (&server);
  document = find_document (documents, "Sample", "link", "https://example.com/x");
  attributes = attributes_of (document);
  partner_document = find_document (documents, "Partner", "name", "Pat");
  first = find_document (documents, "Tag", "name", "first");
  second = find_document (documents, "Tag", "name", "second");

  g_assert_true (json_object_get_boolean_member (attributes, "flag"));
  g_assert_cmpint (json_object_get_int_member (attributes, "small"), ==, -7);
  g_assert_cmpint (json_object_get_int_member (attributes, "medium"), ==, 100000);
  g_assert_cmpint (json_object_get_int_member (attributes, "large"), ==, G_GINT64_CONSTANT (1) << 40);
  g_assert_cmpstr (json_object_get_string_member (attributes, "amount"), ==, "12.25");
  g_assert_cmpfloat (json_object_get_double_member (attributes, "ratio"), ==, 0.1);
  g_assert_cmpfloat (json_object_get_double_member (attributes, "weight"), ==, 1.5);
  g_assert_cmpstr (json_object_get_string_member (attributes, "label"), ==, "héllo \"world\"");
  g_assert_cmpstr (json_object_get_string_member (attributes, "when"), ==, "2001-01-01T00:01:40.250Z");
  g_assert_cmpstr (json_object_get_string_member (attributes, "data"), ==, "AAEC/w==");
  g_assert_cmpstr (json_object_get_string_member (attributes, "token"), ==, "C8AD661E-8B9C-4A11-9000-123456789ABC");
  g_assert_cmpstr (json_object_get_string_member (attributes, "archived"), ==, "");
  g_assert_cmpstr (json_object_get_string_member (relationships_of (document), "partner"), ==,
                   id_of (partner_document));
  g_assert_cmpstr (json_object_get_string_member (relationships_of (partner_document), "sample"), ==,
                   id_of (document));
  tags = dup_ids (document, "tags");
  expected_tags = g_strdup_printf ("%s, %s", id_of (second), id_of (first));
  g_assert_cmpstr (tags, ==, expected_tags);
  /* A relationship without inverse is the owner's only. */
  g_assert_cmpuint (json_object_get_size (relationships_of (first)), ==, 0);

  godwit_test_store_init (&empty, "Empty.sqlite");
  empty_writer = godwit_test_store_begin (&empty, model, FALSE);
  godwit_test_writer_commit (empty_writer);
  pull = sync_with (&server, empty.path, bundle, GODWIT_SYNC_POLICY_STORE_WINS, NULL);
  assert_store_changes (pull, 4, 0, 0);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autofree char *rows = godwit_test_query_file (store.path, queries[i]);
      g_autofree char *pulled = godwit_test_query_file (empty.path, queries[i]);

      g_assert_cmpstr (pulled, ==, rows);
    }
  assert_store_query (empty.path, "SELECT typeof(ZARCHIVED), length(ZARCHIVED) FROM ZSAMPLE", "blob|0");
  assert_store_query (empty.path, "PRAGMA integrity_check", "ok");

  godwit_test_store_clear (&empty);
  godwit_test_store_clear (&store);
  godwit_test_server_clear (&server);
}

/* ---- documents from elsewhere ------------------------------------------ */

static GodwitSyncDocument *
parse_document (const char  *json,
                GError     **error)
{
  g_autoptr(JsonNode) root = godwit_test_parse_json (json);

  return godwit_sync_document_new_from_json (json_node_get_object (root), "http://server/db", error);
}

static void
assert_refused (GodwitModel *model,
                const char  *digest,
                const char  *json,
                GodwitError  code,
                const char  *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitSyncDocument) document = parse_document (json, &error);

  if (document != NULL)
    g_assert_false (godwit_sync_document_check (document, model, digest, "http://server/db", &error));
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_document_check (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  GodwitModel *model = godwit_test_find_version (bundle, "Garden 3");
  g_autofree char *digest = godwit_model_dup_version_hashes_digest (model);
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitSyncDocument) document = NULL;
  g_autofree char *json = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *message = NULL;

  /* Values written otherwise than Godwit writes them are put in its form:
   * dates in UTC, whole doubles, upper-case UUIDs, sorted to-manys, and
   * what is left out as null. */
  json = g_strdup_printf ("{\"_id\": \"Plant:1\", \"_rev\": \"2-b\", \"entity\": \"Plant\", \"model\": \"%s\", "
                          "\"_revisions\": {\"start\": 2, \"ids\": [\"b\", \"a\"]}, "
                          "\"attributes\": {\"commonName\": \"Fig\", \"planted\": \"2001-01-01T01:01:40.5+01:00\"}, "
                          "\"relationships\": {\"gardeners\": [\"Gardener:b\", \"Gardener:a\"], "
                          "\"journal\": [\"Note:z\", \"Note:y\"], \"bed\": null}}", digest);
  document = parse_document (json, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (document->rev, ==, "2-b");
  g_assert_cmpuint (document->history->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (document->history, 1), ==, "1-a");
  g_assert_true (godwit_sync_document_check (document, model, digest, "http://server/db", &error));
  g_assert_no_error (error);
  body = godwit_sync_document_dup_body (document);
  expected = g_strdup_printf ("{\"entity\":\"Plant\",\"model\":\"%s\",\"attributes\":{\"commonName\":\"Fig\","
                              "\"planted\":\"2001-01-01T00:01:40.500Z\",\"species\":null},\"relationships\":"
                              "{\"bed\":null,\"gardeners\":[\"Gardener:a\",\"Gardener:b\"],"
                              "\"journal\":[\"Note:z\",\"Note:y\"]}}", digest);
  g_assert_cmpstr (body, ==, expected);

  message = g_strdup_printf ("http://server/db: document “Plant:1”: written for another model version "
                             "(version hashes digest other), not for the store’s “Garden 3” (%s)", digest);
  assert_refused (model, digest, "{\"_id\": \"Plant:1\", \"entity\": \"Plant\", \"model\": \"other\", "
                  "\"attributes\": {}, \"relationships\": {}}", GODWIT_ERROR_MODEL_MISMATCH, message);
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"_id\": \"Plant:1\", \"entity\": \"Plant\", \"model\": \"%s\", "
                          "\"attributes\": {\"planted\": \"yesterday\"}, \"relationships\": {}}", digest);
  assert_refused (model, digest, json, GODWIT_ERROR_MODEL_MISMATCH,
                  "http://server/db: document “Plant:1”: attribute Plant.planted holds a string, not an ISO 8601 "
                  "date with its time zone, or seconds since 2001-01-01");
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"_id\": \"Plant:1\", \"entity\": \"Plant\", \"model\": \"%s\", "
                          "\"attributes\": {\"colour\": \"red\"}, \"relationships\": {}}", digest);
  assert_refused (model, digest, json, GODWIT_ERROR_MODEL_MISMATCH,
                  "http://server/db: document “Plant:1”: Plant has no stored attribute “colour”");
  g_clear_pointer (&json, g_free);
  json = g_strdup_printf ("{\"_id\": \"Plant:1\", \"entity\": \"Plant\", \"model\": \"%s\", "
                          "\"attributes\": {}, \"relationships\": {\"bed\": \"Note:1\"}}", digest);
  assert_refused (model, digest, json, GODWIT_ERROR_MODEL_MISMATCH,
                  "http://server/db: document “Plant:1”: relationship Plant.bed is not null or the id of a "
                  "Bed object (“Entity:UUID”)");
  assert_refused (model, digest, "{\"_id\": \"plain\"}", GODWIT_ERROR_MODEL_MISMATCH,
                  "http://server/db: document “plain”: not a Godwit document: its id is not “Entity:UUID”");
  assert_refused (model, digest, "{\"_id\": \"Plant:1\", \"_rev\": \"x\"}", GODWIT_ERROR_SERVER,
                  "http://server/db: document “Plant:1”: its “_rev” is not a revision id “N-hash”");
  assert_refused (model, digest, "{\"_id\": \"Plant:1\", \"_rev\": \"2-b\", \"_deleted\": true, "
                  "\"_revisions\": {\"start\": 1, \"ids\": [\"b\", \"a\"]}}", GODWIT_ERROR_SERVER,
                  "http://server/db: document “Plant:1”: _revisions is not {\"start\": N, \"ids\": [at most "
                  "1000 revision hashes]}");
}

/* ---- the CLI ------------------------------------------------------------ */

typedef enum
{
  PASSWORD_IN_ENVIRONMENT,   /* GODWIT_SYNC_PASSWORD */
  PASSWORD_ON_STDIN,
  PASSWORD_NOWHERE,          /* neither: standard input is /dev/null */
} PasswordSource;

static int
run_cli_with_password (const char      *password,
                       PasswordSource   source,
                       char           **out,
                       char           **err,
                       const char      *first,
                       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) environment = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) command = g_string_new ("printf '%s\\n' \"$TEST_PASSWORD\" | \"$0\" \"$@\"");
  va_list args;
  int status = 0;

  environment = g_environ_unsetenv (environment, "GODWIT_SYNC_PASSWORD");
  if (source == PASSWORD_IN_ENVIRONMENT)
    environment = g_environ_setenv (environment, "GODWIT_SYNC_PASSWORD", password, TRUE);
  if (source == PASSWORD_ON_STDIN)
    {
      environment = g_environ_setenv (environment, "TEST_PASSWORD", password, TRUE);
      g_ptr_array_add (argv, (gpointer) "/bin/sh");
      g_ptr_array_add (argv, (gpointer) "-c");
      g_ptr_array_add (argv, command->str);
    }
  g_ptr_array_add (argv, (gpointer) godwit_test_cli_path ());
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, environment,
                source == PASSWORD_NOWHERE ? G_SPAWN_STDIN_FROM_DEV_NULL : G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));

  return WEXITSTATUS (status);
}

static void
test_cli (void)
{
  Garden garden;
  g_autofree char *bundle_path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo",
                                                        "Garden.xcdatamodeld", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *wrong = NULL;
  g_autoptr(JsonNode) root = NULL;
  JsonObject *summary, *push, *pull;
  int status;

  if (!garden_init (&garden, TRUE))
    return;

  status = run_cli_with_password (garden.server.password, PASSWORD_IN_ENVIRONMENT, &out, &err, "sync",
                                  garden.store.path, "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", garden.server.user,
                                  "--create-database", "--batch-size", "4", "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_null (strstr (out, garden.server.password));
  g_assert_null (strstr (err, garden.server.password));
  /* Progress goes to stderr. */
  g_assert_nonnull (strstr (err, "scan Plant 2/2"));
  root = godwit_test_parse_json (out);
  summary = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (summary, "model_version"), ==, "Garden 3");
  g_assert_cmpstr (json_object_get_string_member (summary, "direction"), ==, "both");
  g_assert_cmpstr (json_object_get_string_member (summary, "policy"), ==, "store-wins");
  g_assert_cmpint (json_object_get_int_member (godwit_test_object_member (summary, "local_changes"), "inserted"),
                   ==, 9);
  push = godwit_test_object_member (summary, "push");
  pull = godwit_test_object_member (summary, "pull");
  g_assert_cmpint (json_object_get_int_member (push, "docs_written"), ==, 9);
  g_assert_cmpint (json_object_get_int_member (push, "doc_write_failures"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (push, "checkpoint"), >, 0);
  g_assert_cmpint (json_object_get_int_member (pull, "docs_read"), ==, 0);
  g_assert_cmpint (json_object_get_int_member (pull, "missing_checked"), ==, 9);
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (summary, "conflicts")), ==, 0);
  g_assert_cmpint (json_object_get_int_member (summary, "unresolved_conflicts"), ==, 0);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The password on standard input; text for people. */
  status = run_cli_with_password (garden.server.password, PASSWORD_ON_STDIN, &out, &err, "sync",
                                  garden.store.path, "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", garden.server.user,
                                  "--push", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Local changes         0 inserted, 0 updated, 0 deleted"));
  g_assert_nonnull (strstr (out, "Pushed                0 documents written"));
  g_assert_null (strstr (out, "Pulled"));
  g_assert_null (strstr (out, garden.server.password));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* A refused password: status 2, one line naming the database. */
  wrong = g_strconcat (garden.server.password, "x", NULL);
  status = run_cli_with_password (wrong, PASSWORD_IN_ENVIRONMENT, &out, &err, "sync", garden.store.path,
                                  "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", garden.server.user, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_true (g_str_has_prefix (err, "godwit-cli: "));
  g_assert_nonnull (strstr (err, "refuses the credentials"));
  g_assert_nonnull (strstr (err, garden.server.database));
  g_assert_null (strstr (err, wrong));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--database", "db", NULL));
  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--endpoint",
                                       garden.server.url, "--database", "db", "--push", "--pull", NULL));
  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--endpoint",
                                       garden.server.url, "--database", "db", "--policy", "newest", NULL));
  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--endpoint",
                                       garden.server.url, "--database", "db", "--policy", "newest:name", NULL));
  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--endpoint",
                                       "ftp://example.com", "--database", "db", NULL));
  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--endpoint",
                                       garden.server.url, "--database", "db", "--batch-size", "0", NULL));

  garden_clear (&garden);
}

static void
test_cli_resolve (void)
{
  Garden garden;
  g_autoptr(GodwitSync) listing = NULL;
  g_autofree char *bundle_path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo",
                                                        "Garden.xcdatamodeld", NULL);
  g_autofree char *tomato_id = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *resolve = NULL;
  g_autofree char *unknown = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonObject) after = NULL;
  const GodwitSyncConflict *conflict;
  JsonObject *summary, *listed;
  JsonArray *bodies;
  guint remote;
  int status;

  if (!garden_init (&garden, TRUE))
    return;
  listing = sync_conflicted_garden (&garden, &tomato_id);
  conflict = g_ptr_array_index (godwit_sync_get_conflicts (listing), 0);
  remote = assert_listed (conflict, tomato_id);

  /* Listed, with each leaf's body: status 1. */
  status = run_cli_with_password (garden.server.password, PASSWORD_IN_ENVIRONMENT, &out, &err, "sync",
                                  garden.store.path, "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", garden.server.user,
                                  "--policy", "manual", "--json", NULL);
  g_assert_cmpint (status, ==, 1);
  root = godwit_test_parse_json (out);
  summary = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (summary, "unresolved_conflicts"), ==, 1);
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (summary, "conflicts")), ==, 1);
  listed = json_array_get_object_element (godwit_test_array_member (summary, "conflicts"), 0);
  g_assert_cmpstr (json_object_get_string_member (listed, "document"), ==, tomato_id);
  g_assert_false (json_object_get_boolean_member (listed, "resolved"));
  g_assert_cmpint (json_object_get_int_member (listed, "store_leaf"), ==, conflict->store_leaf);
  bodies = godwit_test_array_member (listed, "bodies");
  g_assert_cmpuint (json_array_get_length (bodies), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (attributes_of (json_array_get_object_element (bodies, remote)),
                                                  "commonName"), ==, "Tomato (remote)");
  g_clear_pointer (&root, json_node_unref);
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* In text: each leaf and where the leaves differ. */
  status = run_cli_with_password (garden.server.password, PASSWORD_IN_ENVIRONMENT, &out, &err, "sync",
                                  garden.store.path, "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", garden.server.user,
                                  "--policy", "manual", NULL);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (out, "revisions, unresolved"));
  g_assert_nonnull (strstr (out, "(the store’s)"));
  g_assert_nonnull (strstr (out, "commonName  \"Tomato (remote)\""));
  g_assert_nonnull (strstr (out, "species  \"Solanum\""));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* What does not fit is refused before anything is resolved. */
  unknown = g_strdup_printf ("%s=7", tomato_id);
  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--endpoint",
                                       garden.server.url, "--database", "db", "--resolve", "Plant", NULL));
  g_free (godwit_test_cli_usage_error ("sync", garden.store.path, "--model", bundle_path, "--endpoint",
                                       garden.server.url, "--database", "db", "--resolve", unknown,
                                       "--policy", "store-wins", NULL));
  status = run_cli_with_password (garden.server.password, PASSWORD_IN_ENVIRONMENT, &out, &err, "sync",
                                  garden.store.path, "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", garden.server.user,
                                  "--resolve", unknown, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "is neither a leaf index (0 to 1) nor a revision"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* The store's leaf by its revision id, the species from the server's
   * leaf by its index; --resolve implies the manual policy. */
  resolve = g_strdup_printf ("%s=%s,species=%u", tomato_id,
                             (const char *) g_ptr_array_index (conflict->revisions, conflict->store_leaf), remote);
  status = run_cli_with_password (garden.server.password, PASSWORD_IN_ENVIRONMENT, &out, &err, "sync",
                                  garden.store.path, "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", garden.server.user,
                                  "--resolve", resolve, "--json", NULL);
  g_assert_cmpint (status, ==, 0);
  root = godwit_test_parse_json (out);
  summary = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (summary, "policy"), ==, "manual");
  g_assert_cmpint (json_object_get_int_member (summary, "unresolved_conflicts"), ==, 0);
  listed = json_array_get_object_element (godwit_test_array_member (summary, "conflicts"), 0);
  g_assert_true (json_object_get_boolean_member (listed, "resolved"));
  g_assert_true (json_object_get_null_member (listed, "store_leaf"));
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (listed, "bodies")), ==, 2);

  after = server_get_document (&garden.server, tomato_id);
  g_assert_false (json_object_has_member (after, "_conflicts"));
  g_assert_cmpstr (json_object_get_string_member (after, "_rev"), ==,
                   json_object_get_string_member (listed, "revision"));
  g_assert_cmpstr (json_object_get_string_member (attributes_of (after), "commonName"), ==, "Tomato (local)");
  g_assert_cmpstr (json_object_get_string_member (attributes_of (after), "species"), ==, "Solanum");
  assert_store_query (garden.store.path, "SELECT ZCOMMONNAME, ZSPECIES, ZPLANTED FROM ZPLANT WHERE Z_PK = 1",
                      "Tomato (local)|Solanum|500");

  garden_clear (&garden);
}

static void
test_cli_connection_options (void)
{
  g_autofree char *bundle_path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo",
                                                        "Garden.xcdatamodeld", NULL);
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.pem", NULL);
  g_autofree char *err = NULL;
  GodwitTestStore store;
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();

  godwit_test_sync_write_garden (&store, godwit_test_find_version (bundle, "Garden 3"), FALSE);
  err = godwit_test_cli_usage_error ("sync", store.path, "--model", bundle_path, "--endpoint",
                                     "https://127.0.0.1:1", "--database", "db", "--ca-file", missing, NULL);
  g_assert_nonnull (strstr (err, missing));
  g_assert_nonnull (strstr (err, "not a usable CA file"));
  g_free (godwit_test_cli_usage_error ("sync", store.path, "--model", bundle_path, "--endpoint",
                                       "http://127.0.0.1:1", "--database", "db", "--user", "u",
                                       "--authentication", "digest", NULL));
  g_free (godwit_test_cli_usage_error ("sync", store.path, "--model", bundle_path, "--endpoint",
                                       "http://127.0.0.1:1", "--database", "db", "--authentication", "cookie", NULL));
  g_free (godwit_test_cli_usage_error ("sync", store.path, "--model", bundle_path, "--endpoint",
                                       "http://127.0.0.1:1", "--database", "db", "--store-password", NULL));

  godwit_test_store_clear (&store);
  godwit_test_rmdir (dir);
}

/* ---- the keyring -------------------------------------------------------- */

static void
on_keyring_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncRun *run = user_data;

  run->result = g_object_ref (result);
  g_main_loop_quit (run->loop);
}

static GAsyncResult *
wait_for (AsyncRun *run)
{
  g_main_loop_run (run->loop);

  return run->result;
}

static gboolean
keyring_store (const char  *endpoint,
               const char  *user,
               const char  *password,
               GError     **error)
{
  AsyncRun run = { g_main_loop_new (NULL, FALSE) };
  gboolean ok;

  godwit_sync_keyring_store_password_async (endpoint, user, password, NULL, on_keyring_done, &run);
  ok = godwit_sync_keyring_store_password_finish (wait_for (&run), error);
  g_object_unref (run.result);
  g_main_loop_unref (run.loop);

  return ok;
}

static char *
keyring_lookup (const char  *endpoint,
                const char  *user,
                GError     **error)
{
  AsyncRun run = { g_main_loop_new (NULL, FALSE) };
  char *password;

  godwit_sync_keyring_lookup_password_async (endpoint, user, NULL, on_keyring_done, &run);
  password = godwit_sync_keyring_lookup_password_finish (wait_for (&run), error);
  g_object_unref (run.result);
  g_main_loop_unref (run.loop);

  return password;
}

static gboolean
keyring_clear (const char  *endpoint,
               const char  *user,
               GError     **error)
{
  AsyncRun run = { g_main_loop_new (NULL, FALSE) };
  gboolean ok;

  godwit_sync_keyring_clear_password_async (endpoint, user, NULL, on_keyring_done, &run);
  ok = godwit_sync_keyring_clear_password_finish (wait_for (&run), error);
  g_object_unref (run.result);
  g_main_loop_unref (run.loop);

  return ok;
}

/* Whether a Secret Service answers and keeps a password in its default
 * collection; FALSE after marking the test skipped. */
static gboolean
keyring_available (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *user = g_uuid_string_random ();

  if (!keyring_store ("http://keyring-probe.invalid", user, "probe", &error) ||
      !keyring_clear ("http://keyring-probe.invalid", user, &error))
    {
      g_autofree char *message = g_strdup_printf ("no Secret Service (build-aux/godwit-dev test starts "
                                                  "gnome-keyring): %s", error->message);

      g_test_skip (message);
      return FALSE;
    }

  return TRUE;
}

static void
test_keyring (void)
{
  g_autofree char *user = g_uuid_string_random ();
  g_autofree char *other = g_uuid_string_random ();
  g_autofree char *password = g_uuid_string_random ();
  g_autofree char *found = NULL;
  g_autoptr(GError) error = NULL;

  if (!keyring_available ())
    return;

  g_assert_true (keyring_store ("https://keyring-test.invalid:6984/", user, password, &error));
  g_assert_no_error (error);

  /* The endpoint in the sync's own form: with or without the slash. */
  found = keyring_lookup ("https://keyring-test.invalid:6984", user, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, password);
  g_clear_pointer (&found, g_free);
  found = godwit_sync_keyring_lookup_password ("https://keyring-test.invalid:6984/", user, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, password);
  g_clear_pointer (&found, g_free);

  /* Another user, another endpoint: none stored, no error. */
  found = keyring_lookup ("https://keyring-test.invalid:6984", other, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  found = godwit_sync_keyring_lookup_password ("https://other.invalid:6984", user, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (found);

  /* Stored again: replaced, not added. */
  g_assert_true (keyring_store ("https://keyring-test.invalid:6984", user, "second", &error));
  g_assert_no_error (error);
  found = keyring_lookup ("https://keyring-test.invalid:6984", user, &error);
  g_assert_cmpstr (found, ==, "second");
  g_clear_pointer (&found, g_free);

  g_assert_true (keyring_clear ("https://keyring-test.invalid:6984", user, &error));
  g_assert_no_error (error);
  found = keyring_lookup ("https://keyring-test.invalid:6984", user, &error);
  g_assert_no_error (error);
  g_assert_null (found);
  /* Nothing stored is no error. */
  g_assert_true (keyring_clear ("https://keyring-test.invalid:6984", user, &error));
  g_assert_no_error (error);
}

/* godwit-cli sync --store-password keeps the password that worked, and a
 * later run without one finds it. A user of its own, member of the
 * database, so that no other test's keyring item is touched. */
static void
test_cli_keyring (void)
{
  Garden garden;
  g_autofree char *bundle_path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo",
                                                        "Garden.xcdatamodeld", NULL);
  g_autofree char *uuid = g_uuid_string_random ();
  g_autofree char *user = g_strdup_printf ("godwit-test-%s", uuid);
  g_autofree char *password = g_uuid_string_random ();
  g_autofree char *user_path = g_strdup_printf ("/_users/org.couchdb.user:%s", user);
  g_autofree char *user_body = NULL;
  g_autofree char *security = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *found = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  guint status_code = 0;
  int status;

  if (!keyring_available () || !garden_init (&garden, TRUE))
    return;

  user_body = g_strdup_printf ("{\"name\": \"%s\", \"password\": \"%s\", \"roles\": [], \"type\": \"user\"}",
                               user, password);
  answer = godwit_test_server_request_root (&garden.server, "PUT", user_path, user_body, &status_code);
  g_assert_cmpuint (status_code, ==, SOUP_STATUS_CREATED);
  g_clear_pointer (&answer, json_node_unref);
  answer = godwit_test_server_request (&garden.server, "PUT", "", NULL, &status_code);
  g_assert_cmpuint (status_code, ==, SOUP_STATUS_CREATED);
  g_clear_pointer (&answer, json_node_unref);
  security = g_strdup_printf ("{\"members\": {\"names\": [\"%s\"], \"roles\": []}}", user);
  answer = godwit_test_server_request (&garden.server, "PUT", "/_security", security, &status_code);
  g_assert_cmpuint (status_code, ==, SOUP_STATUS_OK);

  /* None stored, none given: refused, naming where it may come from. */
  status = run_cli_with_password (NULL, PASSWORD_NOWHERE, &out, &err, "sync", garden.store.path,
                                  "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", user, NULL);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "no password"));
  g_assert_nonnull (strstr (err, "--store-password"));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);

  /* Given on standard input, with a session, and kept. */
  status = run_cli_with_password (password, PASSWORD_ON_STDIN, &out, &err, "sync", garden.store.path,
                                  "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", user,
                                  "--authentication", "cookie", "--store-password", "--push", NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Pushed                9 documents written"));
  g_assert_null (strstr (out, password));
  g_assert_null (strstr (err, password));
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  found = godwit_sync_keyring_lookup_password (garden.server.url, user, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (found, ==, password);

  /* Then found in the keyring. */
  status = run_cli_with_password (NULL, PASSWORD_NOWHERE, &out, &err, "sync", garden.store.path,
                                  "--model", bundle_path, "--endpoint", garden.server.url,
                                  "--database", garden.server.database, "--user", user, NULL);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "Pushed                0 documents written"));
  g_assert_null (strstr (out, password));

  g_assert_true (keyring_clear (garden.server.url, user, &error));
  g_assert_no_error (error);
  garden_clear (&garden);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/document/check", test_document_check);
  g_test_add_func ("/sync/push/documents", test_push_documents);
  g_test_add_func ("/sync/push/resumes", test_push_resumes);
  g_test_add_func ("/sync/push/requests", test_push_requests);
  g_test_add_func ("/sync/push/checkpoint-changed", test_push_checkpoint_changed);
  g_test_add_func ("/sync/push/full-commit", test_push_full_commit);
  g_test_add_func ("/sync/pull/empty-store", test_pull_into_empty_store);
  g_test_add_func ("/sync/changes/local-by-sqlite", test_local_changes_by_sqlite);
  g_test_add_func ("/sync/push/while-scanning", test_push_while_scanning);
  g_test_add_func ("/sync/changes/remote-edits", test_remote_edits_pulled);
  g_test_add_func ("/sync/pull/backup", test_pull_backup);
  g_test_add_func ("/sync/pull/rollback", test_pull_rollback);
  g_test_add_func ("/sync/pull/rollback-old-backup", test_pull_rollback_old_backup);
  for (guint i = 0; i < G_N_ELEMENTS (conflict_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/conflict/%s",
                                               godwit_sync_policy_to_string (conflict_cases[i].policy));

      g_test_add_data_func (path, &conflict_cases[i], test_conflict);
    }
  g_test_add_func ("/sync/resolve/leaf", test_manual_resolve_leaf);
  g_test_add_func ("/sync/resolve/by-property", test_manual_resolve_by_property);
  g_test_add_func ("/sync/resolve/changed-since", test_manual_resolve_changed_since);
  g_test_add_func ("/sync/resolve/by-a-later-policy", test_manual_then_policy);
  g_test_add_func ("/sync/async", test_async);
  g_test_add_func ("/sync/failure/wrong-password", test_wrong_password);
  g_test_add_func ("/sync/failure/unreachable", test_unreachable_retried);
  g_test_add_func ("/sync/replicator/wait-func", test_replicator_wait_func);
  g_test_add_func ("/sync/failure/other-model-version", test_other_model_version_refused);
  g_test_add_func ("/sync/authentication/cookie", test_cookie_authentication);
  g_test_add_func ("/sync/authentication/cookie-refused", test_cookie_refused);
  g_test_add_func ("/sync/tls", test_tls);
  g_test_add_func ("/sync/attribute-types", test_attribute_types);
  g_test_add_func ("/sync/cli/run", test_cli);
  g_test_add_func ("/sync/cli/resolve", test_cli_resolve);
  g_test_add_func ("/sync/cli/connection-options", test_cli_connection_options);
  g_test_add_func ("/sync/keyring", test_keyring);
  g_test_add_func ("/sync/cli/keyring", test_cli_keyring);

  return g_test_run ();
}
