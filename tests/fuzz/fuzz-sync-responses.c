/* fuzz-sync-responses.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a CouchDB-protocol server answers, as the sync client reads it.
 * An endpoint on 127.0.0.1, served by its own thread, answers each
 * request from the input: parts separated by NUL bytes, each a letter
 * naming the kind of request it answers, an optional status (three
 * digits and a space; 200 otherwise) and the body. The n-th request of
 * a kind gets the n-th part of that kind, and 404 once they run out;
 * keyed by kind, the answers do not depend on how pipelined requests
 * interleave. A whole two-way sync of a Garden 3 store with a bed,
 * plants, gardeners and notes runs against it, so every answer meets the
 * code that reads it, down to the documents pulled into the store. */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fuzz-target.h"
#include "godwit-model-bundle.h"
#include "godwit-sync.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-sync.h"
#include "godwit-test-utils.h"
#include "temp-file.h"

typedef struct
{
  GMutex        lock;
  GCond         ready;
  GMainContext *context;
  SoupServer   *server;
  char         *url;
  GPtrArray    *answers;   /* (element-type GBytes): this input's parts, kind letter first */
} Endpoint;

/* The kinds of request, by the letter their answers start with. */
static char
kind_of_request (const char *method,
                 const char *path)
{
  const char *rest = path[0] == '/' ? strchr (path + 1, '/') : NULL;

  if (g_str_equal (path, "/"))
    return 'W';                                   /* welcome */
  if (g_str_equal (path, "/_session"))
    return 'S';
  if (rest == NULL)
    return 'I';                                   /* the database: info, creation */
  if (g_str_has_prefix (rest, "/_local/"))
    return g_str_equal (method, "PUT") ? 'P' : 'C'; /* checkpoint written, read */
  if (g_str_has_prefix (rest, "/_changes"))
    return 'H';
  if (g_str_has_prefix (rest, "/_revs_diff"))
    return 'R';
  if (g_str_has_prefix (rest, "/_bulk_docs"))
    return 'D';
  if (g_str_has_prefix (rest, "/_bulk_get"))
    return 'G';
  if (g_str_has_prefix (rest, "/_ensure_full_commit"))
    return 'F';

  return 'O';                                     /* a document, open_revs */
}

static Endpoint endpoint;
static GodwitModelBundle *bundle;
static char *template_path;

static void
answer_cb (SoupServer        *server,
           SoupServerMessage *message,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  g_autoptr(GBytes) answer = NULL;
  const char *data;
  gsize length = 0;
  guint status = SOUP_STATUS_OK;
  char kind = kind_of_request (soup_server_message_get_method (message), path);

  g_mutex_lock (&endpoint.lock);
  for (guint i = 0; i < endpoint.answers->len; i++)
    {
      GBytes *part = g_ptr_array_index (endpoint.answers, i);

      if (((const char *) g_bytes_get_data (part, NULL))[0] == kind)
        {
          answer = g_bytes_new_from_bytes (part, 1, g_bytes_get_size (part) - 1);
          g_ptr_array_remove_index (endpoint.answers, i);
          break;
        }
    }
  g_mutex_unlock (&endpoint.lock);

  if (answer == NULL)
    {
      soup_server_message_set_status (message, SOUP_STATUS_NOT_FOUND, NULL);
      soup_server_message_set_response (message, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":\"not_found\"}", 21);
      return;
    }

  data = g_bytes_get_data (answer, &length);
  if (length >= 4 && g_ascii_isdigit (data[0]) && g_ascii_isdigit (data[1]) &&
      g_ascii_isdigit (data[2]) && data[3] == ' ')
    {
      status = (data[0] - '0') * 100 + (data[1] - '0') * 10 + (data[2] - '0');
      data += 4;
      length -= 4;
    }
  /* libsoup takes only statuses it can send; the others become 500. */
  if (status < 200 || status > 599)
    status = SOUP_STATUS_INTERNAL_SERVER_ERROR;
  soup_server_message_set_status (message, status, NULL);
  soup_server_message_set_response (message, "application/json", SOUP_MEMORY_COPY, data, length);
}

static gpointer
serve (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSList) uris = NULL;
  g_autoptr(GMainLoop) loop = NULL;

  g_main_context_push_thread_default (endpoint.context);
  endpoint.server = soup_server_new (NULL, NULL);
  soup_server_add_handler (endpoint.server, NULL, answer_cb, NULL, NULL);
  if (!soup_server_listen_local (endpoint.server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error))
    g_error ("cannot listen on 127.0.0.1: %s", error->message);
  uris = soup_server_get_uris (endpoint.server);

  g_mutex_lock (&endpoint.lock);
  endpoint.url = g_uri_to_string (uris->data);
  g_cond_signal (&endpoint.ready);
  g_mutex_unlock (&endpoint.lock);
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);

  loop = g_main_loop_new (endpoint.context, FALSE);
  g_main_loop_run (loop);

  return NULL;
}

/* Once per process: the endpoint's thread, the bundle and the store that
 * each input's sync starts from (written by the project's store writer). */
static void
set_up (void)
{
  static GodwitTestStore template;
  g_autoptr(GError) error = NULL;
  GodwitModel *model;

  /* A machine's proxy settings must not decide where the requests go;
   * libproxy also throws C++ exceptions that clang's ASan cannot
   * intercept in a C program. */
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);

  g_mutex_init (&endpoint.lock);
  g_cond_init (&endpoint.ready);
  endpoint.context = g_main_context_new ();
  endpoint.answers = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);

  g_mutex_lock (&endpoint.lock);
  g_thread_unref (g_thread_new ("fuzz-endpoint", serve, NULL));
  while (endpoint.url == NULL)
    g_cond_wait (&endpoint.ready, &endpoint.lock);
  g_mutex_unlock (&endpoint.lock);

  /* No g_test_init() here, which godwit_test_load_garden() needs. */
  bundle = godwit_model_bundle_new_for_path (GODWIT_FUZZ_GARDEN_BUNDLE, &error);
  g_assert_no_error (error);
  model = godwit_test_find_version (bundle, "Garden 3");
  godwit_test_sync_write_garden (&template, model, TRUE);
  template_path = template.path;
}

static void
set_answers (const uint8_t *data,
             size_t         size)
{
  const uint8_t *end = data + size;

  g_mutex_lock (&endpoint.lock);
  g_ptr_array_set_size (endpoint.answers, 0);
  while (data < end)
    {
      const uint8_t *nul = memchr (data, '\0', end - data);
      const uint8_t *part_end = nul != NULL ? nul : end;

      if (part_end > data)
        g_ptr_array_add (endpoint.answers, g_bytes_new (data, part_end - data));
      data = part_end + 1;
    }
  g_mutex_unlock (&endpoint.lock);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitSync) sync = NULL;
  g_autofree char *store_contents = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  gsize store_size = 0;

  if (bundle == NULL)
    set_up ();
  set_answers (data, size);

  g_assert_true (g_file_get_contents (template_path, &store_contents, &store_size, NULL));
  path = fuzz_write_temp_file ((const guint8 *) store_contents, store_size, "Garden.sqlite");

  sync = godwit_sync_new (path, bundle, endpoint.url, "garden", &error);
  g_assert_no_error (error);
  godwit_sync_set_credentials (sync, "fuzz", "fuzz");
  godwit_sync_set_batch_size (sync, 4);
  godwit_sync_set_retries (sync, 0, 0);
  godwit_sync_run (sync, NULL, &error);
  g_clear_object (&sync);

  /* The store, its -wal and -shm, the sidecar and the pull's backups. */
  dir = g_path_get_dirname (path);
  godwit_test_rmdir (dir);

  return 0;
}
