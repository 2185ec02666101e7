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
#include <libsoup/soup.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-replicator.h"
#include "godwit-store-layout.h"
#include "godwit-sync.h"
#include "godwit-sync-document.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

typedef struct
{
  const char  *url;
  const char  *user;
  const char  *password;
  char        *database;
  SoupSession *session;
} Server;

/* The server, or FALSE after marking the test skipped. */
static gboolean
server_init (Server *server)
{
  g_autofree char *uuid = g_uuid_string_random ();

  memset (server, 0, sizeof *server);
  server->url = g_getenv ("GODWIT_TEST_COUCHDB_URL");
  server->user = g_getenv ("GODWIT_TEST_COUCHDB_USER");
  server->password = g_getenv ("GODWIT_TEST_COUCHDB_PASSWORD");
  if (server->url == NULL || server->user == NULL || server->password == NULL)
    {
      g_test_skip ("no CouchDB-protocol server: GODWIT_TEST_COUCHDB_URL, _USER and _PASSWORD are unset "
                   "(build-aux/godwit-dev test starts one)");
      return FALSE;
    }
  server->database = g_strdup_printf ("godwit-test-%s", uuid);
  server->session = soup_session_new ();

  return TRUE;
}

static void
server_clear (Server *server)
{
  g_clear_pointer (&server->database, g_free);
  g_clear_object (&server->session);
}

/* @method @path (after the database's URL) with a JSON body; the answer's
 * JSON, and its status. */
static JsonNode *
server_request (Server     *server,
                const char *method,
                const char *path,
                const char *body,
                guint      *status)
{
  g_autofree char *url = g_strdup_printf ("%s/%s%s", server->url, server->database, path);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autofree char *pair = g_strdup_printf ("%s:%s", server->user, server->password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *authorization = g_strconcat ("Basic ", encoded, NULL);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (message);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }
  answer = soup_session_send_and_read (server->session, message, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (message);
  g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (answer, NULL),
                                             (gssize) g_bytes_get_size (answer), &error));
  g_assert_no_error (error);

  return json_parser_steal_root (parser);
}

static JsonObject *
server_get (Server     *server,
            const char *path,
            guint       expected_status)
{
  guint status = 0;
  g_autoptr(JsonNode) root = server_request (server, "GET", path, NULL, &status);

  g_assert_cmpuint (status, ==, expected_status);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
server_get_document (Server     *server,
                     const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/%s?conflicts=true", escaped);

  return server_get (server, path, SOUP_STATUS_OK);
}

/* Writes @document (with its _rev) as a new edit, as an app would. */
static void
server_put_document (Server     *server,
                     JsonObject *document)
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
  answer = server_request (server, "PUT", path, text, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
}

static void
server_delete_document (Server     *server,
                        JsonObject *document)
{
  g_autofree char *escaped = g_uri_escape_string (json_object_get_string_member (document, "_id"), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/%s?rev=%s", escaped, json_object_get_string_member (document, "_rev"));
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = server_request (server, "DELETE", path, NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
}

/* Every document of the database (element-type JsonObject). */
static GPtrArray *
server_all_documents (Server *server)
{
  g_autoptr(JsonObject) all = server_get (server, "/_all_docs?include_docs=true&conflicts=true", SOUP_STATUS_OK);
  JsonArray *rows = json_object_get_array_member (all, "rows");
  GPtrArray *documents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_ptr_array_add (documents, json_object_ref (json_object_get_object_member (row, "doc")));
    }

  return documents;
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

/* A Garden 3 store: a bed with two plants, two gardeners, a tree, and the
 * tomato's ordered journal of three notes, in the order n2, n1, n3. */
static void
write_garden (GodwitTestStore *store,
              GodwitModel     *model,
              gboolean         with_objects)
{
  g_autoptr(GodwitStoreWriter) writer = NULL;

  godwit_test_store_init (store, "Garden.sqlite");
  writer = godwit_test_store_begin (store, model, FALSE);
  if (with_objects)
    {
      gint64 bed, ann, bob, tomato, basil, oak, n1, n2, n3;

      bed = godwit_test_insert (writer, "Bed", "name", g_variant_new_string ("South"),
                                "sunny", g_variant_new_boolean (TRUE), NULL);
      ann = godwit_test_insert (writer, "Gardener", "name", g_variant_new_string ("Ann"), NULL);
      bob = godwit_test_insert (writer, "Gardener", "name", g_variant_new_string ("Bob"), NULL);
      tomato = godwit_test_insert (writer, "Plant", "commonName", g_variant_new_string ("Tomato"),
                                   "planted", g_variant_new_double (100.0), NULL);
      basil = godwit_test_insert (writer, "Plant", "commonName", g_variant_new_string ("Basil"),
                                  "planted", g_variant_new_double (200.0), NULL);
      oak = godwit_test_insert (writer, "Tree", "commonName", g_variant_new_string ("Oak"),
                                "planted", g_variant_new_double (300.0), "height", g_variant_new_double (12.5),
                                NULL);
      n1 = godwit_test_insert (writer, "Note", "text", g_variant_new_string ("n1"),
                               "written", g_variant_new_double (1000.5), NULL);
      n2 = godwit_test_insert (writer, "Note", "text", g_variant_new_string ("n2"), NULL);
      n3 = godwit_test_insert (writer, "Note", "text", g_variant_new_string ("n3"), NULL);
      godwit_test_relate (writer, "Plant", tomato, "bed", "Bed", bed);
      godwit_test_relate (writer, "Plant", basil, "bed", "Bed", bed);
      godwit_test_relate (writer, "Plant", tomato, "gardeners", "Gardener", ann);
      godwit_test_relate (writer, "Plant", tomato, "gardeners", "Gardener", bob);
      godwit_test_relate (writer, "Tree", oak, "gardeners", "Gardener", bob);
      godwit_test_relate (writer, "Plant", tomato, "journal", "Note", n2);
      godwit_test_relate (writer, "Plant", tomato, "journal", "Note", n1);
      godwit_test_relate (writer, "Plant", tomato, "journal", "Note", n3);
    }
  godwit_test_writer_commit (writer);
  if (with_objects)
    {
      g_autoptr(GBytes) bytes = g_bytes_new_static ("\xc8\xad\x66\x1e\x8b\x9c\x4a\x11\x90\x00\x12\x34\x56\x78\x9a\xbc",
                                                    16);

      godwit_test_execute_sql (store->path, "UPDATE ZGARDENER SET ZIDENTIFIER = ?1 WHERE ZNAME = 'Ann'", bytes);
    }
}

typedef struct
{
  Server             server;
  GodwitModelBundle *bundle;
  GodwitModel       *model;
  GodwitTestStore    store;
} Garden;

static gboolean
garden_init (Garden   *garden,
             gboolean  with_objects)
{
  memset (garden, 0, sizeof *garden);
  if (!server_init (&garden->server))
    return FALSE;
  garden->bundle = godwit_test_load_garden ();
  garden->model = godwit_test_find_version (garden->bundle, "Garden 3");
  write_garden (&garden->store, garden->model, with_objects);

  return TRUE;
}

static void
garden_clear (Garden *garden)
{
  server_clear (&garden->server);
  if (garden->store.dir != NULL)
    godwit_test_store_clear (&garden->store);
  g_clear_object (&garden->bundle);
}

static GodwitSync *
new_sync (Server            *server,
          const char        *path,
          GodwitModelBundle *bundle)
{
  g_autoptr(GError) error = NULL;
  GodwitSync *sync = godwit_sync_new (path, bundle, server->url, server->database, &error);

  g_assert_no_error (error);
  godwit_sync_set_credentials (sync, server->user, server->password);
  godwit_sync_set_create_database (sync, TRUE);

  return sync;
}

static void
run_sync (GodwitSync *sync)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_sync_run (sync, NULL, &error));
  g_assert_no_error (error);
}

/* Syncs @path both ways with @policy and returns the sync, done. */
static GodwitSync *
sync_with (Server            *server,
           const char        *path,
           GodwitModelBundle *bundle,
           GodwitSyncPolicy   policy,
           const char        *date_attribute)
{
  g_autoptr(GError) error = NULL;
  GodwitSync *sync = new_sync (server, path, bundle);

  g_assert_true (godwit_sync_set_policy (sync, policy, date_attribute, &error));
  g_assert_no_error (error);
  run_sync (sync);

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

static char *
query_store (const char *path,
             const char *sql)
{
  sqlite3 *db = godwit_test_open_read_only (path, FALSE);
  char *rows = godwit_test_query (db, sql);

  sqlite3_close (db);

  return rows;
}

#define assert_store_query(path, sql, expected) \
  G_STMT_START { \
    g_autofree char *rows_ = query_store ((path), (sql)); \
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

  documents = server_all_documents (&garden.server);
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

  stopped = new_sync (&garden.server, garden.store.path, garden.bundle);
  godwit_sync_set_batch_size (stopped, 2);
  godwit_sync_set_progress_callback (stopped, cancel_after_first_batch, cancellable);
  g_assert_false (godwit_sync_run (stopped, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  written = godwit_sync_get_push (stopped)->docs_written;
  g_assert_cmpint (written, ==, 2);

  resumed = new_sync (&garden.server, garden.store.path, garden.bundle);
  godwit_sync_set_batch_size (resumed, 2);
  run_sync (resumed);
  assert_local_changes (resumed, 0, 0, 0);
  g_assert_cmpint (godwit_sync_get_push (resumed)->docs_written, ==, 9 - written);
  g_assert_cmpint (json_node_get_int (godwit_sync_get_push (resumed)->start_seq), ==,
                   json_node_get_int (godwit_sync_get_push (stopped)->end_seq));
  documents = server_all_documents (&garden.server);
  g_assert_cmpuint (documents->len, ==, 9);

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
      g_autofree char *rows = query_store (path, garden_queries[i]);
      g_autofree char *other_rows = query_store (other_path, garden_queries[i]);

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

  pull = new_sync (&garden.server, empty.path, garden.bundle);
  godwit_sync_set_direction (pull, GODWIT_SYNC_DIRECTION_PULL);
  godwit_sync_set_batch_size (pull, 4);
  run_sync (pull);
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
  before = server_all_documents (&garden.server);
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

  after = server_all_documents (&garden.server);
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
  gone = server_get (&garden.server, n3_path, SOUP_STATUS_NOT_FOUND);
  json_object_unref (gone);
  changes = server_get (&garden.server, "/_changes", SOUP_STATUS_OK);
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
  documents = server_all_documents (&garden.server);
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
  documents = server_all_documents (&garden.server);
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
  sync = new_sync (&garden.server, garden.store.path, garden.bundle);
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

/* ---- failures ----------------------------------------------------------- */

static void
test_wrong_password (void)
{
  Server server;
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = NULL;
  Garden garden;
  g_autoptr(GodwitSync) sync = NULL;

  if (!server_init (&server))
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
  server_clear (&server);
}

static void
test_unreachable_retried (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GodwitReplicator) replicator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  /* A port that was free a moment ago: nothing listens there. */
  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  url = g_strdup_printf ("http://127.0.0.1:%u", g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_socket_close (socket, NULL);

  replicator = godwit_replicator_new (url, "db", &error);
  g_assert_no_error (error);
  godwit_replicator_set_retries (replicator, 2, 10);
  g_assert_false (godwit_replicator_check_database (replicator, FALSE, NULL, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER);
  g_assert_nonnull (strstr (error->message, "tried 3 times"));
  g_assert_cmpuint (godwit_replicator_get_n_requests (replicator), ==, 3);
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

  pull = new_sync (&garden.server, older.path, garden.bundle);
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
  Server server;
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

  if (!server_init (&server))
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

  documents = server_all_documents (&server);
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
      g_autofree char *rows = query_store (store.path, queries[i]);
      g_autofree char *pulled = query_store (empty.path, queries[i]);

      g_assert_cmpstr (pulled, ==, rows);
    }
  assert_store_query (empty.path, "SELECT typeof(ZARCHIVED), length(ZARCHIVED) FROM ZSAMPLE", "blob|0");
  assert_store_query (empty.path, "PRAGMA integrity_check", "ok");

  godwit_test_store_clear (&empty);
  godwit_test_store_clear (&store);
  server_clear (&server);
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

static int
run_cli_with_password (const char  *password,
                       gboolean     on_stdin,
                       char       **out,
                       char       **err,
                       const char  *first,
                       ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) environment = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) command = g_string_new ("printf '%s\\n' \"$TEST_PASSWORD\" | \"$0\" \"$@\"");
  va_list args;
  int status = 0;

  environment = g_environ_setenv (environment, on_stdin ? "TEST_PASSWORD" : "GODWIT_SYNC_PASSWORD", password, TRUE);
  if (on_stdin)
    {
      environment = g_environ_unsetenv (environment, "GODWIT_SYNC_PASSWORD");
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

  g_spawn_sync (NULL, (char **) argv->pdata, environment, G_SPAWN_DEFAULT, NULL, NULL, out, err, &status, &error);
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

  status = run_cli_with_password (garden.server.password, FALSE, &out, &err, "sync", garden.store.path,
                                  "--model", bundle_path, "--endpoint", garden.server.url,
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
  status = run_cli_with_password (garden.server.password, TRUE, &out, &err, "sync", garden.store.path,
                                  "--model", bundle_path, "--endpoint", garden.server.url,
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
  status = run_cli_with_password (wrong, FALSE, &out, &err, "sync", garden.store.path, "--model", bundle_path,
                                  "--endpoint", garden.server.url, "--database", garden.server.database,
                                  "--user", garden.server.user, NULL);
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

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync/document/check", test_document_check);
  g_test_add_func ("/sync/push/documents", test_push_documents);
  g_test_add_func ("/sync/push/resumes", test_push_resumes);
  g_test_add_func ("/sync/pull/empty-store", test_pull_into_empty_store);
  g_test_add_func ("/sync/changes/local-by-sqlite", test_local_changes_by_sqlite);
  g_test_add_func ("/sync/changes/remote-edits", test_remote_edits_pulled);
  for (guint i = 0; i < G_N_ELEMENTS (conflict_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync/conflict/%s",
                                               godwit_sync_policy_to_string (conflict_cases[i].policy));

      g_test_add_data_func (path, &conflict_cases[i], test_conflict);
    }
  g_test_add_func ("/sync/async", test_async);
  g_test_add_func ("/sync/failure/wrong-password", test_wrong_password);
  g_test_add_func ("/sync/failure/unreachable", test_unreachable_retried);
  g_test_add_func ("/sync/failure/other-model-version", test_other_model_version_refused);
  g_test_add_func ("/sync/attribute-types", test_attribute_types);
  g_test_add_func ("/sync/cli", test_cli);

  return g_test_run ();
}
