/* godwit-test-sync.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "godwit-sync.h"
#include "godwit-test-store.h"

G_BEGIN_DECLS

/* A CouchDB-protocol server and a database of its own for one test. What
 * the server holds is read over HTTP here, not through the code under
 * test. */
typedef struct
{
  char        *url;
  char        *user;       /* (nullable) with @password: an admin's credentials */
  char        *password;   /* (nullable) */
  char        *database;   /* a fresh name: godwit-test-UUID */
  SoupSession *session;
} GodwitTestServer;

/* The server whose URL GODWIT_TEST_COUCHDB_URL gives, with the admin
 * GODWIT_TEST_COUCHDB_USER and _PASSWORD; FALSE after marking the test
 * skipped when they are unset. */
gboolean     godwit_test_server_init            (GodwitTestServer   *server);
/* The server at @url; @user and @password may be NULL (no credentials). */
void         godwit_test_server_init_at         (GodwitTestServer   *server,
                                                 const char         *url,
                                                 const char         *user,
                                                 const char         *password);
void         godwit_test_server_clear           (GodwitTestServer   *server);
/* @method @path (after the server's URL) with a JSON body (nullable), as
 * the admin: the answer's JSON, and its status. */
JsonNode    *godwit_test_server_request_root    (GodwitTestServer   *server,
                                                 const char         *method,
                                                 const char         *path,
                                                 const char         *body,
                                                 guint              *status);
/* The same, @path after the database's URL. */
JsonNode    *godwit_test_server_request         (GodwitTestServer   *server,
                                                 const char         *method,
                                                 const char         *path,
                                                 const char         *body,
                                                 guint              *status);
/* GET @path of the database, which must answer @expected_status with an
 * object. */
JsonObject  *godwit_test_server_get             (GodwitTestServer   *server,
                                                 const char         *path,
                                                 guint               expected_status);
/* Every document of the database, with its _conflicts (element-type
 * JsonObject). */
GPtrArray   *godwit_test_server_all_documents   (GodwitTestServer   *server);

/* A TCP port of 127.0.0.1 that was free a moment ago. */
guint16      godwit_test_find_free_port         (void);
/* The port of @url, for a test proxy's command line. */
char        *godwit_test_dup_port_of            (const char         *url);
/* Runs a test proxy, @argv, which prints the port it listens on first;
 * returns that port. @output: (out) (optional): the rest of its standard
 * output; without it, the pipe is closed. */
char        *godwit_test_spawn_proxy            (GSubprocess       **process,
                                                 GSubprocessFlags    flags,
                                                 const char * const *argv,
                                                 GDataInputStream  **output);
/* Stops what godwit_test_spawn_proxy() started and removes the proxy's
 * folder @dir. */
void         godwit_test_stop_proxy             (GSubprocess       **process,
                                                 char              **dir);

/* A sync of the store at @path with the server's database, which it may
 * create, with the server's credentials. */
GodwitSync  *godwit_test_sync_new               (GodwitTestServer   *server,
                                                 const char         *path,
                                                 GodwitModelBundle  *bundle);
/* Runs @sync, which must succeed. */
void         godwit_test_sync_run               (GodwitSync         *sync);

/* A Garden 3 store (data/demo/Garden.xcdatamodeld) in @store, with
 * @with_objects a bed with two plants, two gardeners (Ann with an
 * identifier), a tree, and the tomato's ordered journal of three notes,
 * in the order n2, n1, n3. */
void         godwit_test_sync_write_garden      (GodwitTestStore    *store,
                                                 GodwitModel        *model,
                                                 gboolean            with_objects);
/* The objects of the synced store at @path of @model, read with the store
 * reader, as sorted lines "document-id entity {attributes}
 * {relationships}": objects and relationship targets named by the
 * document ids of the store's sync sidecar, so that stores whose Z_PKs
 * differ compare equal when they hold the same objects; unordered to-many
 * relationships sorted, ordered ones in their order. */
char        *godwit_test_sync_dup_objects       (const char         *path,
                                                 GodwitModel        *model);

G_END_DECLS
