/* test-sync-converge.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Syncs that must end with the same objects everywhere: two stores
 * through one database, a push cut short by a server killed mid-way, and
 * a store of ten thousand objects there and back. Stores are compared
 * with the store reader, objects named by their document ids (their Z_PKs
 * differ from store to store); the server is read over HTTP.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-sync.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-sync.h"
#include "godwit-test-utils.h"

/* Every step of a sync on these stores is far below this. */
#define SERVER_START_TIMEOUT_S 30

static void
assert_no_conflicts (GodwitSync *sync)
{
  g_assert_cmpuint (godwit_sync_get_conflicts (sync)->len, ==, 0);
  g_assert_cmpuint (godwit_sync_get_n_unresolved (sync), ==, 0);
}

/* ---- two stores --------------------------------------------------------- */

/* Store A: a gardener who takes the basil, which leaves its bed and gets
 * a species; the tomato's last note deleted. */
static const char * const edits_a[] = {
  "INSERT INTO ZGARDENER (Z_PK, Z_ENT, Z_OPT, ZNAME) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), 1, 'Dee')",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Gardener'",
  "INSERT INTO Z_2PLANTS (Z_2GARDENERS, Z_4PLANTS) VALUES "
  "((SELECT Z_PK FROM ZGARDENER WHERE ZNAME = 'Dee'), (SELECT Z_PK FROM ZPLANT WHERE ZCOMMONNAME = 'Basil'))",
  "UPDATE ZPLANT SET ZSPECIES = 'Ocimum', ZBED = NULL WHERE ZCOMMONNAME = 'Basil'",
  "DELETE FROM ZNOTE WHERE ZTEXT = 'n3'",
  NULL
};

/* Store B: a new bed with a new tree Ann looks after, Ann renamed, the
 * oak deleted with its gardeners' links. */
static const char * const edits_b[] = {
  "INSERT INTO ZBED (Z_PK, Z_ENT, Z_OPT, ZNAME, ZSUNNY) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Bed'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Bed'), 1, 'North', 0)",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Bed'",
  "INSERT INTO ZPLANT (Z_PK, Z_ENT, Z_OPT, ZCOMMONNAME, ZHEIGHT, ZBED) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Plant'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Tree'), 1, 'Birch', 3.5, "
  "(SELECT Z_PK FROM ZBED WHERE ZNAME = 'North'))",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Plant'",
  "INSERT INTO Z_2PLANTS (Z_2GARDENERS, Z_4PLANTS) VALUES "
  "((SELECT Z_PK FROM ZGARDENER WHERE ZNAME = 'Ann'), (SELECT Z_PK FROM ZPLANT WHERE ZCOMMONNAME = 'Birch'))",
  "UPDATE ZGARDENER SET ZNAME = 'Anne' WHERE ZNAME = 'Ann'",
  "DELETE FROM Z_2PLANTS WHERE Z_4PLANTS = (SELECT Z_PK FROM ZPLANT WHERE ZCOMMONNAME = 'Oak')",
  "DELETE FROM ZPLANT WHERE ZCOMMONNAME = 'Oak'",
  NULL
};

/* What both stores hold in the end, by name. */
static const struct
{
  const char *sql;
  const char *rows;
} converged[] = {
  { "SELECT ZNAME, ZSUNNY FROM ZBED ORDER BY 1", "North|0\nSouth|1" },
  { "SELECT hex(ZIDENTIFIER), ZNAME FROM ZGARDENER ORDER BY 2",
    "C8AD661E8B9C4A119000123456789ABC|Anne\n|Bob\n|Dee" },
  { "SELECT p.ZCOMMONNAME, p.ZSPECIES, p.ZHEIGHT, b.ZNAME FROM ZPLANT p LEFT JOIN ZBED b ON b.Z_PK = p.ZBED "
    "ORDER BY 1", "Basil|Ocimum|NULL|NULL\nBirch|NULL|3.5|North\nTomato|NULL|NULL|South" },
  { "SELECT p.ZCOMMONNAME, g.ZNAME FROM Z_2PLANTS j JOIN ZPLANT p ON p.Z_PK = j.Z_4PLANTS "
    "JOIN ZGARDENER g ON g.Z_PK = j.Z_2GARDENERS ORDER BY 1, 2",
    "Basil|Dee\nBirch|Anne\nTomato|Anne\nTomato|Bob" },
  { "SELECT p.ZCOMMONNAME, n.ZTEXT FROM ZNOTE n LEFT JOIN ZPLANT p ON p.Z_PK = n.ZPLANT ORDER BY 1, n.Z_FOK_PLANT",
    "Tomato|n2\nTomato|n1" },
  { "PRAGMA integrity_check", "ok" },
};

static GodwitSync *
sync_both_ways (GodwitTestServer  *server,
                const char        *path,
                GodwitModelBundle *bundle)
{
  GodwitSync *sync = godwit_test_sync_new (server, path, bundle);

  godwit_test_sync_run (sync);
  assert_no_conflicts (sync);

  return sync;
}

static void
test_two_stores_converge (void)
{
  GodwitTestServer server;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  GodwitModel *model;
  GodwitTestStore a = { 0 };
  GodwitTestStore b = { 0 };
  g_autoptr(GodwitSync) a1 = NULL;
  g_autoptr(GodwitSync) b1 = NULL;
  g_autoptr(GodwitSync) a2 = NULL;
  g_autoptr(GodwitSync) b2 = NULL;
  g_autoptr(GodwitSync) a3 = NULL;
  g_autoptr(GodwitSync) b3 = NULL;
  g_autofree char *objects_a = NULL;
  g_autofree char *objects_b = NULL;
  g_autofree char *first_a = NULL;
  g_autofree char *first_b = NULL;
  gint64 inserted, updated, deleted;

  if (!godwit_test_server_init (&server))
    return;
  bundle = godwit_test_load_garden ();
  model = godwit_test_find_version (bundle, "Garden 3");
  godwit_test_sync_write_garden (&a, model, TRUE);
  godwit_test_sync_write_garden (&b, model, FALSE);

  /* A fills the database; B, empty, takes everything. */
  a1 = sync_both_ways (&server, a.path, bundle);
  b1 = sync_both_ways (&server, b.path, bundle);
  godwit_sync_get_store_changes (b1, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted, ==, 9);
  first_a = godwit_test_sync_dup_objects (a.path, model);
  first_b = godwit_test_sync_dup_objects (b.path, model);
  g_assert_cmpstr (first_a, ==, first_b);

  /* Each side changes other objects with sqlite3, Core Data's bookkeeping
   * (Z_OPT) left alone. */
  godwit_test_execute_all_sql (a.path, edits_a);
  godwit_test_execute_all_sql (b.path, edits_b);

  /* Dee, the basil, the bed it left, the tomato whose journal lost n3,
   * and n3's tombstone. */
  a2 = sync_both_ways (&server, a.path, bundle);
  godwit_sync_get_local_changes (a2, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted, ==, 1);
  g_assert_cmpint (updated, ==, 3);
  g_assert_cmpint (deleted, ==, 1);
  g_assert_cmpint (godwit_sync_get_push (a2)->docs_written, ==, 5);

  /* North, the birch, Anne, Bob who lost the oak, the oak's tombstone;
   * then A's five. */
  b2 = sync_both_ways (&server, b.path, bundle);
  godwit_sync_get_local_changes (b2, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted, ==, 2);
  g_assert_cmpint (updated, ==, 2);
  g_assert_cmpint (deleted, ==, 1);
  g_assert_cmpint (godwit_sync_get_push (b2)->docs_written, ==, 5);
  g_assert_cmpint (godwit_sync_get_pull (b2)->docs_written, ==, 5);
  godwit_sync_get_store_changes (b2, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted, ==, 1);
  g_assert_cmpint (updated, ==, 3);
  g_assert_cmpint (deleted, ==, 1);

  a3 = sync_both_ways (&server, a.path, bundle);
  godwit_sync_get_local_changes (a3, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted + updated + deleted, ==, 0);
  godwit_sync_get_store_changes (a3, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted, ==, 2);
  g_assert_cmpint (updated, ==, 2);
  g_assert_cmpint (deleted, ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (converged); i++)
    {
      g_autofree char *rows_a = godwit_test_query_file (a.path, converged[i].sql);
      g_autofree char *rows_b = godwit_test_query_file (b.path, converged[i].sql);

      g_assert_cmpstr (rows_a, ==, converged[i].rows);
      g_assert_cmpstr (rows_b, ==, converged[i].rows);
    }
  objects_a = godwit_test_sync_dup_objects (a.path, model);
  objects_b = godwit_test_sync_dup_objects (b.path, model);
  g_assert_cmpstr (objects_a, ==, objects_b);
  g_assert_cmpstr (objects_a, !=, first_a);

  /* Nothing left to send either way. */
  b3 = sync_both_ways (&server, b.path, bundle);
  g_assert_cmpint (godwit_sync_get_push (b3)->docs_written, ==, 0);
  g_assert_cmpint (godwit_sync_get_pull (b3)->docs_written, ==, 0);

  godwit_test_store_clear (&a);
  godwit_test_store_clear (&b);
  godwit_test_server_clear (&server);
}

/* ---- many objects ------------------------------------------------------- */

/* @n objects of Garden 3, every attribute and relationship used: a bed
 * for 25 plants, a gardener for 2, a quarter of the plants trees, two
 * gardeners a plant, journals of notes in order. Names are unique. */
static void
write_many (GodwitTestStore *store,
            GodwitModel     *model,
            guint            n)
{
  g_autoptr(GodwitStoreWriter) writer = NULL;
  guint n_beds = MAX (n / 50, 1);
  guint n_gardeners = MAX (n / 5, 2);
  guint n_notes = n * 3 / 10;
  guint n_plants = n - n_beds - n_gardeners - n_notes;
  g_autofree gint64 *beds = g_new (gint64, n_beds);
  g_autofree gint64 *gardeners = g_new (gint64, n_gardeners);
  g_autofree gint64 *plants = g_new (gint64, n_plants);
  g_autofree gboolean *trees = g_new (gboolean, n_plants);

  godwit_test_store_init (store, "Many.sqlite");
  writer = godwit_test_store_begin (store, model, FALSE);
  for (guint i = 0; i < n_beds; i++)
    {
      g_autofree char *name = g_strdup_printf ("Bed %u", i);

      beds[i] = godwit_test_insert (writer, "Bed", "name", g_variant_new_string (name),
                                    "sunny", i % 3 == 0 ? NULL : g_variant_new_boolean (i % 3 == 1), NULL);
    }
  for (guint i = 0; i < n_gardeners; i++)
    {
      g_autofree char *name = g_strdup_printf ("Gardener %u", i);
      guint8 uuid[16] = { 0xc8, 0xad, 0x66, 0x1e, 0x8b, 0x9c, 0x4a, 0x11, 0x90 };

      uuid[12] = i >> 8;
      uuid[13] = i & 0xff;
      gardeners[i] = godwit_test_insert (writer, "Gardener", "name", g_variant_new_string (name),
                                         "identifier", i % 2 == 0 ? godwit_test_bytes_value (uuid, sizeof uuid) : NULL,
                                         NULL);
    }
  for (guint i = 0; i < n_plants; i++)
    {
      g_autofree char *name = g_strdup_printf ("Plant %u", i);
      g_autofree char *species = g_strdup_printf ("Species %u", i % 97);

      trees[i] = i % 4 == 3;
      if (trees[i])
        plants[i] = godwit_test_insert (writer, "Tree", "commonName", g_variant_new_string (name),
                                        "planted", g_variant_new_double (i * 3600.25),
                                        "height", g_variant_new_double (i / 8.0), NULL);
      else
        plants[i] = godwit_test_insert (writer, "Plant", "commonName", g_variant_new_string (name),
                                        "planted", i % 5 == 0 ? NULL : g_variant_new_double (i * 3600.25),
                                        "species", i % 2 == 0 ? g_variant_new_string (species) : NULL, NULL);
      if (i % 10 != 9)
        godwit_test_relate (writer, trees[i] ? "Tree" : "Plant", plants[i], "bed", "Bed", beds[i % n_beds]);
      godwit_test_relate (writer, trees[i] ? "Tree" : "Plant", plants[i], "gardeners", "Gardener",
                          gardeners[i % n_gardeners]);
      godwit_test_relate (writer, trees[i] ? "Tree" : "Plant", plants[i], "gardeners", "Gardener",
                          gardeners[(i + 1) % n_gardeners]);
    }
  for (guint i = 0; i < n_notes; i++)
    {
      g_autofree char *text = g_strdup_printf ("Note %u", i);
      gint64 note = godwit_test_insert (writer, "Note", "text", g_variant_new_string (text),
                                        "written", i % 3 == 0 ? NULL : g_variant_new_double (i * 60.5), NULL);
      /* Notes of a plant not in their insertion order. */
      guint plant = (i * 7) % n_plants;

      if (i % 20 != 19)
        godwit_test_relate (writer, "Note", note, "plant", trees[plant] ? "Tree" : "Plant", plants[plant]);
    }
  godwit_test_writer_commit (writer);
}

static void
assert_object_count (const char *path,
                     guint       n)
{
  g_autofree char *rows = godwit_test_query_file (path, "SELECT (SELECT COUNT(*) FROM ZBED) "
                                                        "+ (SELECT COUNT(*) FROM ZGARDENER) "
                                                        "+ (SELECT COUNT(*) FROM ZPLANT) "
                                                        "+ (SELECT COUNT(*) FROM ZNOTE)");
  g_autofree char *expected = g_strdup_printf ("%u", n);

  g_assert_cmpstr (rows, ==, expected);
}

#define ROUND_TRIP_OBJECTS 10000

static void
test_round_trip (void)
{
  GodwitTestServer server;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  GodwitModel *model;
  GodwitTestStore full = { 0 };
  GodwitTestStore empty = { 0 };
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GodwitSync) push = NULL;
  g_autoptr(GodwitSync) pull = NULL;
  g_autofree char *objects = NULL;
  g_autofree char *pulled = NULL;
  gint64 inserted, updated, deleted;

  if (!godwit_test_server_init (&server))
    return;
  bundle = godwit_test_load_garden ();
  model = godwit_test_find_version (bundle, "Garden 3");
  write_many (&full, model, ROUND_TRIP_OBJECTS);
  assert_object_count (full.path, ROUND_TRIP_OBJECTS);

  push = godwit_test_sync_new (&server, full.path, bundle);
  godwit_sync_set_direction (push, GODWIT_SYNC_DIRECTION_PUSH);
  godwit_test_sync_run (push);
  g_assert_cmpint (godwit_sync_get_push (push)->docs_written, ==, ROUND_TRIP_OBJECTS);
  g_assert_cmpint (godwit_sync_get_push (push)->doc_write_failures, ==, 0);

  godwit_test_store_init (&empty, "Empty.sqlite");
  writer = godwit_test_store_begin (&empty, model, FALSE);
  godwit_test_writer_commit (writer);
  pull = godwit_test_sync_new (&server, empty.path, bundle);
  godwit_sync_set_direction (pull, GODWIT_SYNC_DIRECTION_PULL);
  godwit_test_sync_run (pull);
  assert_no_conflicts (pull);
  g_assert_cmpint (godwit_sync_get_pull (pull)->docs_written, ==, ROUND_TRIP_OBJECTS);
  godwit_sync_get_store_changes (pull, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted, ==, ROUND_TRIP_OBJECTS);
  g_assert_cmpint (updated, ==, 0);
  g_assert_cmpint (deleted, ==, 0);

  assert_object_count (empty.path, ROUND_TRIP_OBJECTS);
  objects = godwit_test_sync_dup_objects (full.path, model);
  pulled = godwit_test_sync_dup_objects (empty.path, model);
  g_assert_cmpstr (objects, ==, pulled);
  {
    g_autofree char *check = godwit_test_query_file (empty.path, "PRAGMA integrity_check");

    g_assert_cmpstr (check, ==, "ok");
  }

  godwit_test_store_clear (&full);
  godwit_test_store_clear (&empty);
  godwit_test_server_clear (&server);
}

/* ---- a server killed mid-push ------------------------------------------- */

/* A pouchdb-server of the test's own, its databases on disk (LevelDB), so
 * that they survive a restart on the same port. */
typedef struct
{
  char        *node;
  char        *script;
  char        *dir;
  guint16      port;
  GSubprocess *process;
} OwnServer;

static void
own_server_start (OwnServer *own)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autofree char *port = g_strdup_printf ("%u", own->port);
  g_autofree char *databases = g_build_filename (own->dir, "databases", NULL);
  g_autofree char *config = g_build_filename (own->dir, "config.json", NULL);
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", own->port);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GError) error = NULL;
  gint64 deadline = g_get_monotonic_time () + SERVER_START_TIMEOUT_S * G_USEC_PER_SEC;

  g_assert_null (own->process);
  /* It writes its log into the folder it runs in. */
  g_subprocess_launcher_set_cwd (launcher, own->dir);
  own->process = g_subprocess_launcher_spawn (launcher, &error, own->node, own->script, "--host", "127.0.0.1",
                                              "--port", port, "--dir", databases, "--config", config,
                                              "--no-stdout-logs", NULL);
  g_assert_no_error (error);

  for (;;)
    {
      g_autoptr(SoupMessage) message = soup_message_new ("GET", url);
      g_autoptr(GBytes) answer = soup_session_send_and_read (session, message, NULL, NULL);

      if (answer != NULL && soup_message_get_status (message) == SOUP_STATUS_OK)
        break;
      if (g_get_monotonic_time () > deadline)
        g_error ("pouchdb-server (%s) did not answer on port %u in %d s; its log is in %s", own->script,
                 own->port, SERVER_START_TIMEOUT_S, own->dir);
      g_usleep (100 * 1000);
    }
}

static void
own_server_kill (OwnServer *own)
{
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (own->process);
  g_subprocess_force_exit (own->process);
  g_assert_true (g_subprocess_wait (own->process, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&own->process);
}

/* The server's script from GODWIT_TEST_POUCHDB_SERVER and node from PATH,
 * or FALSE after marking the test skipped. */
static gboolean
own_server_init (OwnServer *own)
{
  const char *script = g_getenv ("GODWIT_TEST_POUCHDB_SERVER");

  memset (own, 0, sizeof *own);
  if (script == NULL)
    {
      g_test_skip ("no pouchdb-server to start: GODWIT_TEST_POUCHDB_SERVER is unset "
                   "(build-aux/godwit-dev test sets it)");
      return FALSE;
    }
  own->node = g_find_program_in_path ("node");
  if (own->node == NULL)
    {
      g_test_skip ("no node in PATH to run pouchdb-server with");
      return FALSE;
    }
  own->script = g_strdup (script);
  own->dir = godwit_test_make_tmpdir ();
  own->port = godwit_test_find_free_port ();
  own_server_start (own);

  return TRUE;
}

static void
own_server_clear (OwnServer *own)
{
  if (own->process != NULL)
    own_server_kill (own);
  if (own->dir != NULL)
    godwit_test_rmdir (own->dir);
  g_clear_pointer (&own->node, g_free);
  g_clear_pointer (&own->script, g_free);
  g_clear_pointer (&own->dir, g_free);
}

#define KILLED_PUSH_OBJECTS 3000
#define KILLED_PUSH_BATCH   100
/* Documents written before the server is killed. */
#define KILL_AFTER          1000
/* From that batch's report, into the next one's requests. */
#define KILL_DELAY_MS       30

typedef struct
{
  OwnServer *own;
  GThread   *killer;
} Kill;

static gpointer
kill_later (gpointer data)
{
  Kill *kill = data;

  g_usleep (KILL_DELAY_MS * 1000);
  g_subprocess_force_exit (kill->own->process);

  return NULL;
}

static void
kill_mid_push (const GodwitSyncProgress *progress,
               gpointer                  user_data)
{
  Kill *kill = user_data;

  if (g_strcmp0 (progress->phase, "push") == 0 && progress->done >= KILL_AFTER && kill->killer == NULL)
    kill->killer = g_thread_new ("kill-server", kill_later, kill);
}

/* Core Data's tables, whole. */
static char *
dup_store_rows (const char *path)
{
  static const char * const tables[] = { "ZBED", "ZGARDENER", "ZPLANT", "ZNOTE", "Z_2PLANTS", "Z_PRIMARYKEY" };
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT * FROM %s ORDER BY 1, 2", tables[i]);
      g_autofree char *rows = godwit_test_query_file (path, sql);

      g_string_append_printf (text, "%s:\n%s\n", tables[i], rows);
    }

  return g_string_free (text, FALSE);
}

static void
test_server_killed_mid_push (void)
{
  OwnServer own;
  GodwitTestServer server;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  GodwitModel *model;
  GodwitTestStore store = { 0 };
  g_autoptr(GodwitSync) killed = NULL;
  g_autoptr(GodwitSync) resumed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *url = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  const GodwitSyncReplication *first, *second;
  Kill kill = { 0 };

  if (!own_server_init (&own))
    return;
  url = g_strdup_printf ("http://127.0.0.1:%u", own.port);
  /* No admin: the server lets anyone in. */
  godwit_test_server_init_at (&server, url, NULL, NULL);
  bundle = godwit_test_load_garden ();
  model = godwit_test_find_version (bundle, "Garden 3");
  write_many (&store, model, KILLED_PUSH_OBJECTS);
  before = dup_store_rows (store.path);

  kill.own = &own;
  killed = godwit_test_sync_new (&server, store.path, bundle);
  godwit_sync_set_direction (killed, GODWIT_SYNC_DIRECTION_PUSH);
  godwit_sync_set_batch_size (killed, KILLED_PUSH_BATCH);
  godwit_sync_set_retries (killed, 1, 10);
  godwit_sync_set_progress_callback (killed, kill_mid_push, &kill);
  g_assert_false (godwit_sync_run (killed, NULL, &error));
  g_assert_nonnull (kill.killer);
  g_thread_join (g_steal_pointer (&kill.killer));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER);
  g_test_message ("the push stopped with: %s", error->message);
  first = godwit_sync_get_push (killed);
  g_assert_nonnull (first);
  g_assert_cmpint (first->docs_written, >=, KILL_AFTER);
  g_assert_cmpint (first->docs_written, <, KILLED_PUSH_OBJECTS);

  own_server_kill (&own);
  own_server_start (&own);

  resumed = godwit_test_sync_new (&server, store.path, bundle);
  godwit_sync_set_direction (resumed, GODWIT_SYNC_DIRECTION_PUSH);
  godwit_sync_set_batch_size (resumed, KILLED_PUSH_BATCH);
  godwit_test_sync_run (resumed);
  second = godwit_sync_get_push (resumed);
  g_test_message ("first push: %" G_GINT64_FORMAT " written; after the restart: %" G_GINT64_FORMAT
                  " written of %" G_GINT64_FORMAT " found missing", first->docs_written, second->docs_written,
                  second->missing_found);
  /* From the checkpoint, at most the batch under way again. */
  g_assert_nonnull (second->start_seq);
  g_assert_cmpint (json_node_get_int (second->start_seq), >=, KILL_AFTER);
  g_assert_cmpint (second->docs_written, <, KILLED_PUSH_OBJECTS - KILL_AFTER + KILLED_PUSH_BATCH);
  g_assert_cmpint (second->docs_written, ==, second->missing_found);
  /* The server may have stored the batch whose answer the kill cut off:
   * not counted the first time, not missing the second. */
  g_assert_cmpint (first->docs_written + second->docs_written, >=, KILLED_PUSH_OBJECTS - KILLED_PUSH_BATCH);
  g_assert_cmpint (first->docs_written + second->docs_written, <=, KILLED_PUSH_OBJECTS);
  g_assert_cmpint (second->doc_write_failures, ==, 0);

  /* Every object once, in its first revision, without conflicts. */
  documents = godwit_test_server_all_documents (&server);
  g_assert_cmpuint (documents->len, ==, KILLED_PUSH_OBJECTS);
  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);
      JsonObject *attributes = json_object_get_object_member (document, "attributes");
      const char *entity = json_object_get_string_member (document, "entity");
      const char *name = json_object_get_string_member_with_default (attributes, "name", NULL);

      if (name == NULL)
        name = json_object_get_string_member_with_default (attributes, "commonName", NULL);
      if (name == NULL)
        name = json_object_get_string_member (attributes, "text");
      g_assert_false (json_object_has_member (document, "_conflicts"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (document, "_rev"), "1-"));
      g_assert_true (g_hash_table_add (names, g_strdup_printf ("%s %s", entity, name)));
    }

  after = dup_store_rows (store.path);
  g_assert_cmpstr (after, ==, before);

  godwit_test_store_clear (&store);
  godwit_test_server_clear (&server);
  own_server_clear (&own);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-converge/two-stores", test_two_stores_converge);
  g_test_add_func ("/sync-converge/server-killed-mid-push", test_server_killed_mid_push);
  g_test_add_func ("/sync-converge/round-trip", test_round_trip);

  return g_test_run ();
}
