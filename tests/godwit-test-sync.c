/* godwit-test-sync.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-test-sync"

#include "config.h"

#include <string.h>

#include "godwit-store.h"
#include "godwit-test-sync.h"
#include "godwit-test-utils.h"

/* The sync keeps its sidecar at the store's path with this added. */
#define SIDECAR_SUFFIX ".godwit-sync"
#define OBJECTS_PAGE   1000

void
godwit_test_server_init_at (GodwitTestServer *server,
                            const char       *url,
                            const char       *user,
                            const char       *password)
{
  g_autofree char *uuid = g_uuid_string_random ();

  memset (server, 0, sizeof *server);
  server->url = g_strdup (url);
  server->user = g_strdup (user);
  server->password = g_strdup (password);
  server->database = g_strdup_printf ("godwit-test-%s", uuid);
  server->session = soup_session_new ();
}

gboolean
godwit_test_server_init (GodwitTestServer *server)
{
  const char *url = g_getenv ("GODWIT_TEST_COUCHDB_URL");
  const char *user = g_getenv ("GODWIT_TEST_COUCHDB_USER");
  const char *password = g_getenv ("GODWIT_TEST_COUCHDB_PASSWORD");

  memset (server, 0, sizeof *server);
  if (url == NULL || user == NULL || password == NULL)
    {
      g_test_skip ("no CouchDB-protocol server: GODWIT_TEST_COUCHDB_URL, _USER and _PASSWORD are unset "
                   "(build-aux/godwit-dev test starts one)");
      return FALSE;
    }
  godwit_test_server_init_at (server, url, user, password);

  return TRUE;
}

void
godwit_test_server_clear (GodwitTestServer *server)
{
  g_clear_pointer (&server->url, g_free);
  g_clear_pointer (&server->user, g_free);
  g_clear_pointer (&server->password, g_free);
  g_clear_pointer (&server->database, g_free);
  g_clear_object (&server->session);
}

JsonNode *
godwit_test_server_request_root (GodwitTestServer *server,
                                 const char       *method,
                                 const char       *path,
                                 const char       *body,
                                 guint            *status)
{
  g_autofree char *url = g_strconcat (server->url, path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_nonnull (message);
  if (server->user != NULL)
    {
      g_autofree char *pair = g_strdup_printf ("%s:%s", server->user, server->password);
      g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
      g_autofree char *authorization = g_strconcat ("Basic ", encoded, NULL);

      soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
    }
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

JsonNode *
godwit_test_server_request (GodwitTestServer *server,
                            const char       *method,
                            const char       *path,
                            const char       *body,
                            guint            *status)
{
  g_autofree char *full_path = g_strdup_printf ("/%s%s", server->database, path);

  return godwit_test_server_request_root (server, method, full_path, body, status);
}

JsonObject *
godwit_test_server_get (GodwitTestServer *server,
                        const char       *path,
                        guint             expected_status)
{
  guint status = 0;
  g_autoptr(JsonNode) root = godwit_test_server_request (server, "GET", path, NULL, &status);

  g_assert_cmpuint (status, ==, expected_status);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (root));

  return json_object_ref (json_node_get_object (root));
}

GPtrArray *
godwit_test_server_all_documents (GodwitTestServer *server)
{
  g_autoptr(JsonObject) all = godwit_test_server_get (server, "/_all_docs?include_docs=true&conflicts=true",
                                                      SOUP_STATUS_OK);
  JsonArray *rows = json_object_get_array_member (all, "rows");
  GPtrArray *documents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_ptr_array_add (documents, json_object_ref (json_object_get_object_member (row, "doc")));
    }

  return documents;
}

guint16
godwit_test_find_free_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_assert_true (g_socket_bind (socket, address, TRUE, &error));
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  g_socket_close (socket, NULL);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

char *
godwit_test_dup_port_of (const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, &error);

  g_assert_no_error (error);

  return g_strdup_printf ("%d", g_uri_get_port (uri));
}

char *
godwit_test_spawn_proxy (GSubprocess        **process,
                         GSubprocessFlags     flags,
                         const char * const  *argv,
                         GDataInputStream   **output)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDataInputStream) stdout_stream = NULL;
  char *port;

  *process = g_subprocess_newv (argv, flags | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  stdout_stream = g_data_input_stream_new (g_subprocess_get_stdout_pipe (*process));
  port = g_data_input_stream_read_line (stdout_stream, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (port);
  if (output != NULL)
    *output = g_steal_pointer (&stdout_stream);

  return port;
}

void
godwit_test_stop_proxy (GSubprocess **process,
                        char        **dir)
{
  g_subprocess_force_exit (*process);
  g_subprocess_wait (*process, NULL, NULL);
  g_clear_object (process);
  godwit_test_rmdir (*dir);
  g_clear_pointer (dir, g_free);
}

GodwitSync *
godwit_test_sync_new (GodwitTestServer  *server,
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

void
godwit_test_sync_run (GodwitSync *sync)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_sync_run (sync, NULL, &error));
  g_assert_no_error (error);
}

void
godwit_test_sync_write_garden (GodwitTestStore *store,
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

/* "Root/Z_PK" of the objects the sidecar maps to documents, to their ids. */
static GHashTable *
read_document_ids (const char *path)
{
  g_autofree char *sidecar_path = g_strconcat (path, SIDECAR_SUFFIX, NULL);
  sqlite3 *db = godwit_test_open_read_only (sidecar_path, FALSE);
  sqlite3_stmt *statement = NULL;
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT root, pk, id FROM documents WHERE pk > 0", -1, &statement, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      char *key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, (const char *) sqlite3_column_text (statement, 0),
                                   (gint64) sqlite3_column_int64 (statement, 1));

      /* One document per object. */
      g_assert_false (g_hash_table_contains (ids, key));
      g_hash_table_insert (ids, key, g_strdup ((const char *) sqlite3_column_text (statement, 2)));
    }
  sqlite3_finalize (statement);
  sqlite3_close (db);

  return ids;
}

static char *
dup_document_id (GodwitStore *store,
                 GHashTable  *ids,
                 const char  *uri)
{
  g_autofree char *entity_name = NULL;
  g_autofree char *key = NULL;
  gint64 pk = 0;
  GodwitEntity *entity;
  const char *id;

  g_assert_true (godwit_store_parse_object_uri (store, uri, &entity_name, &pk));
  entity = godwit_model_get_entity (godwit_store_get_model (store), entity_name);
  g_assert_nonnull (entity);
  key = g_strdup_printf ("%s/%" G_GINT64_FORMAT, godwit_entity_get_root (entity)->name, pk);
  id = g_hash_table_lookup (ids, key);
  if (id == NULL)
    g_error ("%s: %s has no document in the sync sidecar", godwit_store_get_path (store), uri);

  return g_strdup (id);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* @object's members in the order of their names, each as name=JSON. */
static void
append_members (GString    *line,
                JsonObject *object)
{
  g_autoptr(GList) names = g_list_sort (json_object_get_members (object), (GCompareFunc) strcmp);

  g_string_append_c (line, '{');
  for (GList *l = names; l != NULL; l = l->next)
    {
      g_autofree char *value = json_to_string (json_object_get_member (object, l->data), FALSE);

      g_string_append_printf (line, "%s%s=%s", l == names ? "" : ", ", (const char *) l->data, value);
    }
  g_string_append_c (line, '}');
}

static char *
dup_object_line (GodwitStore  *store,
                 GHashTable   *ids,
                 GodwitObject *object)
{
  g_autofree char *id = dup_document_id (store, ids, object->uri);
  GodwitEntity *entity = godwit_model_get_entity (godwit_store_get_model (store), object->entity);
  g_autoptr(JsonObject) relationships = json_object_new ();
  g_autoptr(GList) names = json_object_get_members (object->relationships);
  GString *line = g_string_new (NULL);

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonNode *value = json_object_get_member (object->relationships, l->data);
      GodwitProperty *relationship = godwit_entity_find_property (entity, l->data);

      g_assert_nonnull (relationship);
      if (JSON_NODE_HOLDS_NULL (value))
        json_object_set_null_member (relationships, l->data);
      else if (JSON_NODE_HOLDS_VALUE (value))
        {
          g_autofree char *target = dup_document_id (store, ids, json_node_get_string (value));

          json_object_set_string_member (relationships, l->data, target);
        }
      else
        {
          JsonArray *uris = json_node_get_array (value);
          g_autoptr(GPtrArray) targets = g_ptr_array_new_with_free_func (g_free);
          JsonArray *array = json_array_new ();

          for (guint i = 0; i < json_array_get_length (uris); i++)
            g_ptr_array_add (targets, dup_document_id (store, ids, json_array_get_string_element (uris, i)));
          if (!relationship->ordered)
            g_ptr_array_sort (targets, compare_strings);
          for (guint i = 0; i < targets->len; i++)
            json_array_add_string_element (array, g_ptr_array_index (targets, i));
          json_object_set_array_member (relationships, l->data, array);
        }
    }

  g_string_append_printf (line, "%s %s ", id, object->entity);
  append_members (line, object->attributes);
  g_string_append_c (line, ' ');
  append_members (line, relationships);

  return g_string_free (line, FALSE);
}

char *
godwit_test_sync_dup_objects (const char  *path,
                              GodwitModel *model)
{
  g_autoptr(GHashTable) ids = read_document_ids (path);
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  GPtrArray *entities = godwit_model_get_entities (model);
  GString *text = g_string_new (NULL);

  store = godwit_store_open (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (store, model, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      gint64 after_pk = 0;

      /* Each hierarchy's table once, through its root. */
      if (entity->parent != NULL)
        continue;
      for (;;)
        {
          g_autoptr(GPtrArray) objects = godwit_store_fetch_objects (store, entity->name, TRUE, after_pk,
                                                                     OBJECTS_PAGE, NULL, &error);

          g_assert_no_error (error);
          g_assert_nonnull (objects);
          if (objects->len == 0)
            break;
          for (guint j = 0; j < objects->len; j++)
            {
              GodwitObject *object = g_ptr_array_index (objects, j);

              g_ptr_array_add (lines, dup_object_line (store, ids, object));
              after_pk = MAX (after_pk, object->pk);
            }
        }
    }

  g_ptr_array_sort (lines, compare_strings);
  for (guint i = 0; i < lines->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_ptr_array_index (lines, i));

  return g_string_free (text, FALSE);
}
