/* test-sync-pull-faults.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A sync pull under I/O faults and kills. Store A pushes a garden, B
 * pulls it; then A inserts, updates and deletes objects and to-one,
 * to-many and ordered relationships, and pushes again. From that state
 * of B, `godwit-cli sync --pull` runs in small batches with
 * tests/faults/fault-inject.c preloaded: a clean run counts its writes,
 * syncs and renames, then every one of them in turn fails with ENOSPC,
 * with EIO, or kills the process right before it. After each run store B
 * and its sidecar must open and pass SQLite's integrity check, and a
 * clean two-way `godwit-cli sync` must converge: B's objects are A's, the
 * server holds one live document per object and no conflict, and nothing
 * is left beside the store but its backups. Every run pulls from a fresh
 * copy of the server's database, so that runs do not meet each other's
 * checkpoints or documents.
 *
 * Variants: B's store in WAL mode (Core Data's own); in rollback-journal
 * mode, where SQLite commits the store in a second phase, killed only (a
 * failing call takes the paths it takes in WAL mode); and a two-way sync
 * of a B with changes of its own, compared with a clean run of the same
 * sync.
 */

#define G_LOG_DOMAIN "godwit-test-sync-pull-faults"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "godwit-test-faults.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-sync.h"
#include "godwit-test-utils.h"

#define STORE_NAME   "Garden.sqlite"
#define SIDECAR_NAME STORE_NAME ".godwit-sync"
#define BACKUPS_NAME STORE_NAME ".godwit-backups"
#define WORK_SUFFIX  ".godwit-tmp"
/* Small batches: the pull writes the store in several transactions. */
#define BATCH_SIZE   "3"
/* The problems shown in full; the others are counted. */
#define MAX_PROBLEMS_SHOWN 20

typedef struct
{
  gboolean wal;            /* B's store in WAL mode, else in rollback-journal mode */
  gboolean local_changes;  /* B changed objects too, and syncs both ways */
  gboolean kills_only;
} Variant;

typedef struct
{
  const Variant     *variant;
  GodwitTestServer   server;         /* its database: the template every run copies */
  GodwitModelBundle *bundle;
  GodwitModel       *model;
  char              *bundle_path;
  char              *module;
  GodwitTestStore    a;
  GodwitTestStore    b;              /* the state every run starts from */
  char              *dir;
  char              *run_dir;        /* B's folder in a run: GODWIT_FAULT_DIR */
  char              *store;          /* B's store in it */
  char              *count_path;
  char              *run_database;   /* the server's database of a run */
  guint              n_databases;
  char              *expected;       /* B's objects after a sync without faults */
  GHashTable        *expected_ids;   /* the documents the server then holds */
  guint              counts[GODWIT_TEST_N_FAULT_CLASSES];
  GString           *problems;
  guint              n_problems;
} Fixture;

typedef struct
{
  guint runs;
  guint not_reached;  /* the run made fewer calls than the clean one */
  guint harmless;     /* the fault was met and the run still succeeded */
  guint failed;       /* the run stopped with an error */
  guint killed;
  guint in_doubt;     /* the sidecar committed a batch whose store part may be missing */
  guint effects;      /* the pull stopped between batches that changed related objects */
  guint bad;          /* runs with a problem */
} Tally;

static void
add_problem (Fixture    *fixture,
             const char *point,
             const char *format,
             ...) G_GNUC_PRINTF (3, 4);

static void
add_problem (Fixture    *fixture,
             const char *point,
             const char *format,
             ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (fixture->n_problems++ < MAX_PROBLEMS_SHOWN)
    g_string_append_printf (fixture->problems, "%s: %s\n", point, message);
}

/* ---- the server ----------------------------------------------------------- */

static void
request_ok (GodwitTestServer *server,
            const char       *method,
            const char       *path,
            const char       *body)
{
  guint status = 0;
  g_autoptr(JsonNode) answer = godwit_test_server_request_root (server, method, path, body, &status);

  if (status < 200 || status >= 300)
    g_error ("%s %s: status %u: %s", method, path, status, json_to_string (answer, FALSE));
}

/* A fresh database holding the template's documents with their revision
 * trees, and none of its checkpoints (_local documents are not
 * replicated). */
static void
copy_database (Fixture *fixture)
{
  g_autofree char *body = NULL;

  g_free (fixture->run_database);
  fixture->run_database = g_strdup_printf ("%s-run-%u", fixture->server.database, ++fixture->n_databases);
  body = g_strdup_printf ("{\"source\": \"%s\", \"target\": \"%s\", \"create_target\": true}",
                          fixture->server.database, fixture->run_database);
  request_ok (&fixture->server, "POST", "/_replicate", body);
}

static void
drop_database (Fixture *fixture)
{
  g_autofree char *path = g_strdup_printf ("/%s", fixture->run_database);

  request_ok (&fixture->server, "DELETE", path, NULL);
}

/* The live documents of the run's database: exactly the expected ones,
 * none in conflict. */
static void
check_server (Fixture    *fixture,
              const char *point)
{
  g_autofree char *path = g_strdup_printf ("/%s/_all_docs?include_docs=true&conflicts=true",
                                           fixture->run_database);
  guint status = 0;
  g_autoptr(JsonNode) root = godwit_test_server_request_root (&fixture->server, "GET", path, NULL, &status);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  JsonArray *rows;

  g_assert_cmpuint (status, ==, 200);
  rows = json_object_get_array_member (json_node_get_object (root), "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      JsonObject *document = json_object_get_object_member (row, "doc");
      const char *id = json_object_get_string_member (row, "id");

      g_hash_table_add (seen, (gpointer) id);
      if (!g_hash_table_contains (fixture->expected_ids, id))
        add_problem (fixture, point, "the server holds a document of no object: %s", id);
      if (json_object_has_member (document, "_conflicts"))
        add_problem (fixture, point, "the server holds %s in conflict", id);
    }
  if (g_hash_table_size (seen) != g_hash_table_size (fixture->expected_ids))
    add_problem (fixture, point, "the server holds %u live documents, not %u", g_hash_table_size (seen),
                 g_hash_table_size (fixture->expected_ids));
}

/* ---- runs ----------------------------------------------------------------- */

/* godwit-cli sync of the run's store with the run's database; with
 * @fault, the injector preloaded (an empty @fault counts only). */
static GodwitTestExit
run_sync (Fixture    *fixture,
          gboolean    pull_only,
          const char *fault,
          char      **err)
{
  GodwitTestInjector injector = { fixture->module, fixture->run_dir, fixture->count_path };
  const char *argv[] = {
    "sync", fixture->store, "--model", fixture->bundle_path,
    "--endpoint", fixture->server.url, "--database", fixture->run_database, "--user", fixture->server.user,
    "--batch-size", BATCH_SIZE, pull_only ? "--pull" : NULL, NULL
  };
  const char *env[] = { "GODWIT_SYNC_PASSWORD", fixture->server.password, NULL };

  return godwit_test_run_cli_faulted (fault != NULL ? &injector : NULL,
                                      fault != NULL && fault[0] != '\0' ? fault : NULL, argv, env, NULL, err);
}

/* B's folder as every run starts, and a fresh database on the server. */
static void
start_run (Fixture *fixture)
{
  godwit_test_rmdir (fixture->run_dir);
  g_assert_false (g_file_test (fixture->run_dir, G_FILE_TEST_EXISTS));
  godwit_test_copy_tree (fixture->b.dir, fixture->run_dir);
  g_unlink (fixture->count_path);
  copy_database (fixture);
}

/* Opens @path read-write, as an app would after the fault, and runs
 * SQLite's integrity check: NULL when it passes, else the problem. */
static char *
check_database (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  char *problem = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &statement, NULL) != SQLITE_OK)
    problem = g_strdup_printf ("%s does not open: %s", path, sqlite3_errmsg (db));
  else if (sqlite3_step (statement) != SQLITE_ROW)
    problem = g_strdup_printf ("%s: the integrity check fails: %s", path, sqlite3_errmsg (db));
  else if (g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), "ok") != 0)
    problem = g_strdup_printf ("%s: the integrity check says %s", path, sqlite3_column_text (statement, 0));
  sqlite3_finalize (statement);
  sqlite3_close (db);

  return problem;
}

/* The number of rows of @table in the sidecar @path. */
static gint64
count_rows (const char *path,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM %s", table);
  sqlite3 *db = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
  count = godwit_test_query_int (db, sql);
  sqlite3_close (db);

  return count;
}

/* Nothing beside the store but its -wal and -shm, its sidecar and the
 * sidecar's, and its backups folder, without work files. */
static gboolean
check_leftovers (Fixture    *fixture,
                 const char *point)
{
  static const char * const allowed[] = {
    STORE_NAME, STORE_NAME "-wal", STORE_NAME "-shm", SIDECAR_NAME, SIDECAR_NAME "-wal", SIDECAR_NAME "-shm",
    BACKUPS_NAME, NULL
  };
  g_autofree char *backups_dir = g_build_filename (fixture->run_dir, BACKUPS_NAME, NULL);
  g_autoptr(GDir) dir = g_dir_open (fixture->run_dir, 0, NULL);
  g_autoptr(GDir) backups = NULL;
  gboolean ok = TRUE;
  const char *name;

  while ((name = g_dir_read_name (dir)) != NULL)
    if (!g_strv_contains (allowed, name))
      {
        add_problem (fixture, point, "left beside the store: %s", name);
        ok = FALSE;
      }

  backups = g_dir_open (backups_dir, 0, NULL);
  while (backups != NULL && (name = g_dir_read_name (backups)) != NULL)
    if (g_str_has_suffix (name, WORK_SUFFIX))
      {
        add_problem (fixture, point, "left in the backups folder: %s", name);
        ok = FALSE;
      }

  return ok;
}

/* After a faulted run: the store and the sidecar open and pass the
 * integrity check, a clean sync converges, and nothing is left over. */
static gboolean
check_run (Fixture    *fixture,
           const char *point,
           GodwitTestExit      faulted,
           Tally      *tally)
{
  g_autofree char *sidecar = g_build_filename (fixture->run_dir, SIDECAR_NAME, NULL);
  g_autofree char *err = NULL;
  g_autofree char *objects = NULL;
  guint n_problems = fixture->n_problems;
  gboolean in_doubt, effects;
  GodwitTestExit status;

  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *problem = check_database (i == 0 ? fixture->store : sidecar);

      if (problem != NULL)
        {
          add_problem (fixture, point, "after the fault: %s", problem);
          return FALSE;
        }
    }
  /* A run that ends well finished its batches and its pull. */
  in_doubt = count_rows (sidecar, "journal") > 0;
  effects = count_rows (sidecar, "effects") > 0;
  tally->in_doubt += in_doubt;
  tally->effects += effects;
  if (!faulted.signaled && faulted.code == 0 && (in_doubt || effects))
    add_problem (fixture, point, "the run ends well, leaving %s", in_doubt ? "a batch in doubt" : "effects");

  status = run_sync (fixture, FALSE, NULL, &err);
  if (status.signaled || status.code != 0)
    {
      add_problem (fixture, point, "the sync after it fails (%s %d): %s", status.signaled ? "signal" : "status",
                   status.code, err);
      return FALSE;
    }

  objects = godwit_test_sync_dup_objects (fixture->store, fixture->model);
  if (g_strcmp0 (objects, fixture->expected) != 0)
    add_problem (fixture, point, "the sync after it ends with these objects in B:\n%s", objects);
  check_server (fixture, point);
  check_leftovers (fixture, point);
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *problem = check_database (i == 0 ? fixture->store : sidecar);

      if (problem != NULL)
        add_problem (fixture, point, "after the sync after it: %s", problem);
    }

  return fixture->n_problems == n_problems;
}

static void
run_point (Fixture     *fixture,
           GodwitTestFaultClass   fault_class,
           GodwitTestFaultAction  action,
           guint        n,
           Tally       *tally)
{
  g_autofree char *fault = g_strdup_printf ("%s:%u:%s", godwit_test_fault_class_names[fault_class], n, godwit_test_fault_action_names[action]);
  g_autofree char *err = NULL;
  guint counts[GODWIT_TEST_N_FAULT_CLASSES] = { 0 };
  GodwitTestExit status;

  start_run (fixture);
  status = run_sync (fixture, !fixture->variant->local_changes, fault, &err);
  tally->runs++;

  if (status.signaled)
    tally->killed++;
  else if (godwit_test_read_fault_counts (fixture->count_path, counts) && counts[fault_class] < n)
    tally->not_reached++;
  else if (status.code == 0)
    tally->harmless++;
  else
    tally->failed++;

  if (!check_run (fixture, fault, status, tally))
    tally->bad++;
  drop_database (fixture);
}

/* ---- set-up --------------------------------------------------------------- */

/* Store A, after B's first pull: a new gardener who takes the basil,
 * which leaves its bed, gets a species and a first note; a new bed with a
 * new tree Ann looks after; the first two notes of the tomato's journal
 * swapped and its last one deleted; the bed renamed; the oak deleted. */
static const char * const edits_a[] = {
  "INSERT INTO ZGARDENER (Z_PK, Z_ENT, Z_OPT, ZNAME) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), 1, 'Dee')",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Gardener'",
  "INSERT INTO Z_2PLANTS (Z_2GARDENERS, Z_4PLANTS) VALUES "
  "((SELECT Z_PK FROM ZGARDENER WHERE ZNAME = 'Dee'), (SELECT Z_PK FROM ZPLANT WHERE ZCOMMONNAME = 'Basil'))",
  "UPDATE ZPLANT SET ZSPECIES = 'Ocimum', ZBED = NULL WHERE ZCOMMONNAME = 'Basil'",
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
  "INSERT INTO ZNOTE (Z_PK, Z_ENT, Z_OPT, ZTEXT, ZPLANT, Z_FOK_PLANT) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Note'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Note'), 1, 'n4', "
  "(SELECT Z_PK FROM ZPLANT WHERE ZCOMMONNAME = 'Basil'), 1)",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Note'",
  "UPDATE ZNOTE SET Z_FOK_PLANT = 3 - Z_FOK_PLANT WHERE ZTEXT IN ('n1', 'n2')",
  "UPDATE ZBED SET ZNAME = 'South side' WHERE ZNAME = 'South'",
  "DELETE FROM Z_2PLANTS WHERE Z_4PLANTS = (SELECT Z_PK FROM ZPLANT WHERE ZCOMMONNAME = 'Oak')",
  "DELETE FROM ZPLANT WHERE ZCOMMONNAME = 'Oak'",
  "DELETE FROM ZNOTE WHERE ZTEXT = 'n3'",
  NULL
};

/* Store B's own changes: Bob renamed, a new gardener, the basil's date. */
static const char * const edits_b[] = {
  "UPDATE ZGARDENER SET ZNAME = 'Robert' WHERE ZNAME = 'Bob'",
  "INSERT INTO ZGARDENER (Z_PK, Z_ENT, Z_OPT, ZNAME) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), 1, 'Eve')",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Gardener'",
  "UPDATE ZPLANT SET ZPLANTED = 500 WHERE ZCOMMONNAME = 'Basil'",
  NULL
};

static GodwitSync *
new_sync (Fixture             *fixture,
          const char          *path,
          GodwitSyncDirection  direction)
{
  GodwitSync *sync = godwit_test_sync_new (&fixture->server, path, fixture->bundle);

  godwit_sync_set_direction (sync, direction);

  return sync;
}

/* The document ids of the objects godwit_test_sync_dup_objects() lists. */
static GHashTable *
dup_ids (const char *objects)
{
  g_auto(GStrv) lines = g_strsplit (objects, "\n", -1);
  GHashTable *ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_hash_table_add (ids, g_strndup (lines[i], strcspn (lines[i], " ")));

  return ids;
}

/* FALSE (skipped) without a server or the injector. */
static gboolean
fixture_init (Fixture       *fixture,
              const Variant *variant)
{
  g_autoptr(GodwitSync) a_first = NULL;
  g_autoptr(GodwitSync) b_first = NULL;
  g_autoptr(GodwitSync) a_second = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *err = NULL;
  GodwitTestExit status;

  memset (fixture, 0, sizeof *fixture);
  fixture->module = g_test_build_filename (G_TEST_BUILT, "faults", "libgodwit-fault-inject.so", NULL);
  if (!g_file_test (fixture->module, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent: the fault injector needs glibc on Linux",
                                                  fixture->module);

      g_test_skip (message);
      g_clear_pointer (&fixture->module, g_free);
      return FALSE;
    }
  if (!godwit_test_server_init (&fixture->server))
    {
      g_clear_pointer (&fixture->module, g_free);
      return FALSE;
    }

  fixture->variant = variant;
  fixture->problems = g_string_new (NULL);
  fixture->bundle = godwit_test_load_garden ();
  fixture->model = godwit_test_find_version (fixture->bundle, "Garden 3");
  fixture->bundle_path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "Garden.xcdatamodeld", NULL);
  fixture->dir = godwit_test_make_tmpdir ();
  fixture->run_dir = g_build_filename (fixture->dir, "run", NULL);
  fixture->store = g_build_filename (fixture->run_dir, STORE_NAME, NULL);
  fixture->count_path = g_build_filename (fixture->dir, "counts", NULL);

  /* A fills the database, B takes it all; then A changes. */
  godwit_test_sync_write_garden (&fixture->a, fixture->model, TRUE);
  a_first = new_sync (fixture, fixture->a.path, GODWIT_SYNC_DIRECTION_BOTH);
  godwit_test_sync_run (a_first);
  godwit_test_store_init (&fixture->b, STORE_NAME);
  writer = godwit_test_store_begin (&fixture->b, fixture->model, FALSE);
  godwit_test_writer_commit (writer);
  g_clear_object (&writer);
  if (!variant->wal)
    {
      sqlite3 *db = NULL;

      g_assert_cmpint (sqlite3_open_v2 (fixture->b.path, &db, SQLITE_OPEN_READWRITE, NULL), ==, SQLITE_OK);
      g_assert_cmpint (sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL), ==, SQLITE_OK);
      sqlite3_close (db);
    }
  b_first = new_sync (fixture, fixture->b.path, GODWIT_SYNC_DIRECTION_PULL);
  godwit_test_sync_run (b_first);
  godwit_test_execute_all_sql (fixture->a.path, edits_a);
  a_second = new_sync (fixture, fixture->a.path, GODWIT_SYNC_DIRECTION_BOTH);
  godwit_test_sync_run (a_second);
  g_assert_cmpint (godwit_sync_get_push (a_second)->docs_written, ==, 11);

  if (variant->local_changes)
    {
      GodwitTestServer elsewhere;
      g_autoptr(GodwitSync) b_scan = NULL;
      g_autofree char *path = NULL;

      /* A push elsewhere records B's changes as revisions, so that every
       * run pushes the same documents. */
      godwit_test_execute_all_sql (fixture->b.path, edits_b);
      godwit_test_server_init_at (&elsewhere, fixture->server.url, fixture->server.user, fixture->server.password);
      b_scan = godwit_test_sync_new (&elsewhere, fixture->b.path, fixture->bundle);
      godwit_sync_set_direction (b_scan, GODWIT_SYNC_DIRECTION_PUSH);
      godwit_test_sync_run (b_scan);
      path = g_strdup_printf ("/%s", elsewhere.database);
      request_ok (&fixture->server, "DELETE", path, NULL);
      godwit_test_server_clear (&elsewhere);
    }

  /* A clean run tells the points, and what B and the server hold after it
   * and a second sync. */
  start_run (fixture);
  status = run_sync (fixture, !variant->local_changes, "", &err);
  g_assert_false (status.signaled);
  if (status.code != 0)
    g_error ("the clean run fails: %s", err);
  g_assert_true (godwit_test_read_fault_counts (fixture->count_path, fixture->counts));
  g_clear_pointer (&err, g_free);
  status = run_sync (fixture, FALSE, NULL, &err);
  g_assert_cmpint (status.code, ==, 0);
  fixture->expected = godwit_test_sync_dup_objects (fixture->store, fixture->model);
  fixture->expected_ids = dup_ids (fixture->expected);
  if (!variant->local_changes)
    {
      g_autofree char *objects_a = godwit_test_sync_dup_objects (fixture->a.path, fixture->model);

      g_assert_cmpstr (fixture->expected, ==, objects_a);
    }
  check_server (fixture, "the clean run");
  g_assert_cmpuint (fixture->n_problems, ==, 0);
  drop_database (fixture);
  g_test_message ("a clean %s makes %u writes, %u syncs and %u renames",
                  variant->local_changes ? "sync" : "pull", fixture->counts[GODWIT_TEST_FAULT_WRITE],
                  fixture->counts[GODWIT_TEST_FAULT_SYNC], fixture->counts[GODWIT_TEST_FAULT_RENAME]);

  return TRUE;
}

static void
fixture_clear (Fixture *fixture)
{
  godwit_test_store_clear (&fixture->a);
  godwit_test_store_clear (&fixture->b);
  if (fixture->dir != NULL)
    godwit_test_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->run_dir, g_free);
  g_clear_pointer (&fixture->store, g_free);
  g_clear_pointer (&fixture->count_path, g_free);
  g_clear_pointer (&fixture->run_database, g_free);
  g_clear_pointer (&fixture->expected, g_free);
  g_clear_pointer (&fixture->expected_ids, g_hash_table_unref);
  g_clear_pointer (&fixture->bundle_path, g_free);
  g_clear_pointer (&fixture->module, g_free);
  g_clear_object (&fixture->bundle);
  if (fixture->problems != NULL)
    g_string_free (fixture->problems, TRUE);
  godwit_test_server_clear (&fixture->server);
}

static void
test_faults (gconstpointer data)
{
  const Variant *variant = data;
  Fixture fixture;
  guint total_bad = 0;

  if (!fixture_init (&fixture, variant))
    return;

  for (guint c = 0; c < GODWIT_TEST_N_FAULT_CLASSES; c++)
    {
      guint first_action = variant->kills_only ? GODWIT_TEST_FAULT_KILL : 0;
      Tally tally = { 0 };

      for (guint a = first_action; a < GODWIT_TEST_N_FAULT_ACTIONS; a++)
        for (guint n = 1; n <= fixture.counts[c]; n++)
          run_point (&fixture, c, a, n, &tally);
      g_test_message ("%s: %u points, %u actions each: %u runs killed, %u stopped with an error, %u harmless, "
                      "%u points not reached; %u left a batch in doubt, %u stopped between related batches; "
                      "%u runs with a problem", godwit_test_fault_class_names[c], fixture.counts[c], GODWIT_TEST_N_FAULT_ACTIONS - first_action, tally.killed,
                      tally.failed, tally.harmless, tally.not_reached, tally.in_doubt, tally.effects, tally.bad);
      total_bad += tally.bad;
    }

  if (fixture.n_problems > 0)
    g_test_message ("%u problems, the first ones:\n%s", fixture.n_problems, fixture.problems->str);
  g_assert_cmpuint (total_bad, ==, 0);
  g_assert_cmpuint (fixture.n_problems, ==, 0);

  fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  static const Variant wal = { TRUE, FALSE, FALSE };
  static const Variant rollback_journal = { FALSE, FALSE, TRUE };
  static const Variant local_changes = { TRUE, TRUE, FALSE };

  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/sync-pull-faults/wal", &wal, test_faults);
  g_test_add_data_func ("/sync-pull-faults/rollback-journal", &rollback_journal, test_faults);
  g_test_add_data_func ("/sync-pull-faults/two-way-with-local-changes", &local_changes, test_faults);

  return g_test_run ();
}
