/* test-faults.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every write, sync and rename of a migration and of a rollback, made to
 * fail with ENOSPC, with EIO, or killed right before it, one at a time,
 * through the real godwit-cli with tests/faults/fault-inject.c preloaded.
 * A clean run counts the points; then for every point and action the
 * store must open, pass SQLite's integrity check, and be the state before
 * the command or the state after it, never one in between: the state
 * before when the command failed (it then says the original is
 * untouched), the state after when it succeeded. A clean re-run must then
 * finish the command, and leave nothing beside the store but its backups
 * folder, which holds only complete backups that `backups` lists.
 *
 * The store is a small garden at “Garden”, migrated by the garden plan to
 * “Garden 3” through a lightweight stage and a custom one. Each case runs
 * twice: on a checkpointed store without a -wal, where “before” means the
 * same bytes, and on a store whose last transaction is still in its -wal,
 * where the swap's checkpoint changes the bytes and “before” means the
 * same model version and the same objects, as `dump` prints them.
 */

#define G_LOG_DOMAIN "godwit-test-faults"

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "godwit-test-faults.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define STORE_NAME   "Garden.sqlite"
#define BACKUPS_NAME STORE_NAME ".godwit-backups"

/* A state the store may be in: its model version and objects and, when it
 * must be met byte for byte, the checksums of its file and -wal. */
typedef struct
{
  const char *version;
  char       *dump;
  gboolean    exact;
  char       *store_sum;
  char       *wal_sum;     /* (nullable): no -wal */
} StoreState;

typedef enum
{
  OUTCOME_BEFORE,
  OUTCOME_AFTER,
  OUTCOME_IN_BETWEEN
} Outcome;

typedef struct
{
  const char *command;       /* "migrate" or "rollback" */
  gboolean    wal;           /* the original store's last transaction is in its -wal */
  char       *dir;
  char       *run_dir;       /* the store's folder: GODWIT_FAULT_DIR, refilled for every run */
  char       *store;
  char       *template_dir;  /* what every run starts from */
  char       *scratch;       /* copies for integrity checks */
  char       *count_path;
  char       *module;
  char       *bundle;
  char       *plan;
  char       *restore_from;  /* rollback: the migration's backup, in run_dir */
  StoreState  before;
  StoreState  after;
  guint       counts[GODWIT_TEST_N_FAULT_CLASSES];  /* the points of a clean run */
  guint       n_compared;         /* states compared by their objects, not their bytes */
  GPtrArray  *faulted_argv;
  GPtrArray  *rerun_argv;
  GString    *problems;
  guint       n_problems;
} Fixture;

typedef struct
{
  guint runs;
  guint not_reached;   /* the run made fewer calls than the clean one */
  guint harmless;      /* the fault was met and the run still succeeded */
  guint before;
  guint after;
  guint in_between;
  guint empty_wal;     /* killed holding the lock: as before, with an empty -wal */
  guint leftovers;     /* work files or incomplete backups after the re-run */
  guint failures;      /* any other problem */
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
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  fixture->n_problems++;
  g_string_append_printf (fixture->problems, "%s %s: %s\n", fixture->command, point, text);
}

static void
store_state_clear (StoreState *state)
{
  g_clear_pointer (&state->dump, g_free);
  g_clear_pointer (&state->store_sum, g_free);
  g_clear_pointer (&state->wal_sum, g_free);
}

static void
reset_run_dir (Fixture *fixture)
{
  godwit_test_rmdir (fixture->run_dir);
  g_assert_false (g_file_test (fixture->run_dir, G_FILE_TEST_EXISTS));
  godwit_test_copy_tree (fixture->template_dir, fixture->run_dir);
}

/* Runs godwit-cli with @argv; with @preload, under the fault injector,
 * with @fault (nullable) as its fault. */
static GodwitTestExit
run_cli (Fixture    *fixture,
         GPtrArray  *argv,
         const char *fault,
         gboolean    preload,
         char      **out,
         char      **err)
{
  GodwitTestInjector injector = { fixture->module, fixture->run_dir, fixture->count_path };
  g_autoptr(GPtrArray) args = g_ptr_array_new ();

  for (guint i = 0; i < argv->len; i++)
    g_ptr_array_add (args, g_ptr_array_index (argv, i));
  g_ptr_array_add (args, NULL);

  return godwit_test_run_cli_faulted (preload ? &injector : NULL, fault, (const char * const *) args->pdata, NULL,
                                      out, err);
}

static char *
query_text (sqlite3    *db,
            const char *sql)
{
  sqlite3_stmt *statement = NULL;
  char *text;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) != SQLITE_OK)
    return g_strdup (sqlite3_errmsg (db));
  if (sqlite3_step (statement) == SQLITE_ROW)
    text = g_strdup ((const char *) sqlite3_column_text (statement, 0));
  else
    text = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (statement);

  return text;
}

/* SQLite's integrity check of the database @path with its -wal, run on a
 * copy: SQLite itself could otherwise change what is being judged. */
static char *
integrity_check (Fixture    *fixture,
                 const char *path)
{
  g_autofree char *copy = g_build_filename (fixture->scratch, "check.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *copy_wal = g_strconcat (copy, "-wal", NULL);
  g_autofree char *copy_shm = g_strconcat (copy, "-shm", NULL);
  sqlite3 *db = NULL;
  char *result;

  g_unlink (copy);
  g_unlink (copy_wal);
  g_unlink (copy_shm);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return g_strdup_printf ("%s is missing", path);
  godwit_test_copy_file (path, copy);
  if (g_file_test (wal, G_FILE_TEST_EXISTS))
    godwit_test_copy_file (wal, copy_wal);

  if (sqlite3_open_v2 (copy, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    result = g_strdup_printf ("cannot open: %s", sqlite3_errmsg (db));
  else
    result = query_text (db, "PRAGMA integrity_check");
  sqlite3_close (db);

  return result;
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (text == NULL || !json_parser_load_from_data (parser, text, -1, NULL) ||
      json_parser_get_root (parser) == NULL)
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

static GPtrArray *
argv_new (const char *first,
          ...) G_GNUC_NULL_TERMINATED;

static GPtrArray *
argv_new (const char *first,
          ...)
{
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  va_list args;

  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);

  return argv;
}

/* The bundle version the store matches (NULL when none or when inspect
 * fails), and with it its objects as `dump --json` prints them. */
static char *
read_store (Fixture  *fixture,
            char    **dump)
{
  g_autoptr(GPtrArray) inspect = argv_new ("inspect", fixture->store, "--model", fixture->bundle, "--json", NULL);
  g_autoptr(GPtrArray) dump_argv = argv_new ("dump", fixture->store, "--model", fixture->bundle, "--json", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *version = NULL;
  JsonObject *match;
  GodwitTestExit status;

  *dump = NULL;
  status = run_cli (fixture, inspect, NULL, FALSE, &out, &err);
  if (status.signaled || status.code != 0)
    return NULL;
  root = parse_json (out);
  g_assert_nonnull (root);
  match = godwit_test_object_member (json_node_get_object (root), "bundle_match");
  version = g_strdup (json_object_get_string_member (match, "matched_version"));

  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (fixture, dump_argv, NULL, FALSE, &out, &err);
  if (status.signaled || status.code != 0)
    return NULL;
  *dump = g_steal_pointer (&out);

  return g_steal_pointer (&version);
}

static void
read_state (Fixture    *fixture,
            StoreState *state,
            const char *version,
            gboolean    exact)
{
  g_autofree char *wal = g_strconcat (fixture->store, "-wal", NULL);
  g_autofree char *matched = read_store (fixture, &state->dump);

  g_assert_cmpstr (matched, ==, version);
  g_assert_nonnull (state->dump);
  state->version = version;
  state->exact = exact;
  state->store_sum = godwit_test_file_checksum (fixture->store);
  state->wal_sum = godwit_test_file_checksum (wal);
}

/* Whether the store's file and -wal are @state's, byte for byte. With
 * @lock_wal, an empty -wal where @state has none counts as none: the swap
 * locks the store through SQLite, which opens a -wal first, and a process
 * killed holding the lock cannot remove it. SQLite reads an empty -wal as
 * none, and the next run removes it. */
static gboolean
matches_bytes (Fixture    *fixture,
               StoreState *state,
               gboolean    lock_wal,
               gboolean   *empty_wal)
{
  g_autofree char *wal = g_strconcat (fixture->store, "-wal", NULL);
  g_autofree char *store_sum = godwit_test_file_checksum (fixture->store);
  g_autofree char *wal_sum = godwit_test_file_checksum (wal);
  GStatBuf st;

  *empty_wal = FALSE;
  if (g_strcmp0 (store_sum, state->store_sum) != 0)
    return FALSE;
  if (g_strcmp0 (wal_sum, state->wal_sum) == 0)
    return TRUE;

  *empty_wal = lock_wal && state->wal_sum == NULL && g_stat (wal, &st) == 0 && st.st_size == 0;
  return *empty_wal;
}

/* The names and sizes of the files in @dir, for messages. */
static char *
describe_dir (const char *dir)
{
  g_autofree char *listing = godwit_test_list_directory (dir);
  g_auto(GStrv) names = g_strsplit (listing, "\n", -1);
  GString *text = g_string_new (NULL);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      GStatBuf st;

      if (g_stat (path, &st) == 0 && S_ISREG (st.st_mode))
        g_string_append_printf (text, "%s%s (%" G_GINT64_FORMAT " bytes)", i > 0 ? ", " : "", names[i],
                                (gint64) st.st_size);
      else
        g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", names[i]);
    }

  return g_string_free (text, FALSE);
}

/* Which of the two states the store is in; @description says what it is
 * when neither. */
static Outcome
classify (Fixture   *fixture,
          gboolean   killed,
          gboolean  *empty_wal,
          char     **description)
{
  g_autofree char *version = NULL;
  g_autofree char *dump = NULL;
  g_autofree char *files = NULL;

  *description = NULL;
  *empty_wal = FALSE;
  /* The same bytes are the same objects: the CLI is asked only when they
   * differ. */
  if (matches_bytes (fixture, &fixture->before, killed, empty_wal))
    return OUTCOME_BEFORE;
  if (matches_bytes (fixture, &fixture->after, FALSE, empty_wal))
    return OUTCOME_AFTER;

  fixture->n_compared++;
  version = read_store (fixture, &dump);
  if (g_strcmp0 (version, fixture->after.version) == 0 && g_strcmp0 (dump, fixture->after.dump) == 0)
    return OUTCOME_AFTER;
  files = describe_dir (fixture->run_dir);
  if (!fixture->before.exact &&
      g_strcmp0 (version, fixture->before.version) == 0 && g_strcmp0 (dump, fixture->before.dump) == 0)
    return OUTCOME_BEFORE;

  *description = g_strdup_printf ("matches version “%s”, %s; files: %s", version != NULL ? version : "(none)",
                                  dump == NULL ? "cannot be dumped" :
                                  g_strcmp0 (dump, fixture->before.dump) == 0 ? "the objects before" :
                                  g_strcmp0 (dump, fixture->after.dump) == 0 ? "the objects after" :
                                  "other objects", files);

  return OUTCOME_IN_BETWEEN;
}

/* The backup's files are those its manifest lists, and its database
 * passes the integrity check. */
static gboolean
verify_backup (Fixture    *fixture,
               const char *backup,
               char      **problem)
{
  g_autofree char *manifest_path = g_build_filename (backup, "manifest.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) root = NULL;
  const char *groups[] = { "files", "sync_sidecar" };
  g_autofree char *store_file = NULL;
  g_autofree char *check = NULL;

  if (!g_file_get_contents (manifest_path, &text, NULL, NULL) || (root = parse_json (text)) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (root))
    {
      *problem = g_strdup_printf ("%s: no readable manifest", backup);
      return FALSE;
    }

  for (guint g = 0; g < G_N_ELEMENTS (groups); g++)
    {
      JsonObject *object = json_node_get_object (root);
      JsonArray *files;

      if (!json_object_has_member (object, groups[g]))
        continue;
      files = json_object_get_array_member (object, groups[g]);
      for (guint i = 0; i < json_array_get_length (files); i++)
        {
          JsonObject *file = json_array_get_object_element (files, i);
          g_autofree char *path = g_build_filename (backup, json_object_get_string_member (file, "name"), NULL);
          g_autofree char *sum = godwit_test_file_checksum (path);
          GStatBuf st;

          if (sum == NULL || g_stat (path, &st) != 0 ||
              st.st_size != json_object_get_int_member (file, "size") ||
              g_strcmp0 (sum, json_object_get_string_member (file, "sha256")) != 0)
            {
              *problem = g_strdup_printf ("%s differs from its manifest", path);
              return FALSE;
            }
          if (g == 0 && g_str_equal (json_object_get_string_member (file, "role"), "store"))
            {
              g_free (store_file);
              store_file = g_strdup (path);
            }
        }
    }

  if (store_file == NULL)
    {
      *problem = g_strdup_printf ("%s: no store file", backup);
      return FALSE;
    }
  check = integrity_check (fixture, store_file);
  if (!g_str_equal (check, "ok"))
    {
      *problem = g_strdup_printf ("%s: integrity check says “%s”", store_file, check);
      return FALSE;
    }

  return TRUE;
}

/* Nothing beside the store but its backups folder, which holds exactly
 * the backups `backups` lists, each complete. */
static gboolean
check_leftovers (Fixture    *fixture,
                 const char *point)
{
  g_autoptr(GPtrArray) argv = argv_new ("backups", fixture->store, "--json", NULL);
  g_autofree char *backups_dir = g_build_filename (fixture->run_dir, BACKUPS_NAME, NULL);
  g_autofree char *listing = godwit_test_list_directory (fixture->run_dir);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GHashTable) listed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GDir) dir = NULL;
  JsonArray *backups;
  const char *name;
  gboolean ok = TRUE;
  GodwitTestExit status;

  if (!g_str_equal (listing, STORE_NAME "\n" BACKUPS_NAME))
    {
      g_autoptr(GString) names = g_string_new (listing);

      g_string_replace (names, "\n", ", ", 0);
      add_problem (fixture, point, "beside the store after the re-run: %s", names->str);
      ok = FALSE;
    }

  status = run_cli (fixture, argv, NULL, FALSE, &out, &err);
  if (status.signaled || status.code != 0 || (root = parse_json (out)) == NULL)
    {
      add_problem (fixture, point, "backups fails: %s", err);
      return FALSE;
    }

  backups = godwit_test_array_member (json_node_get_object (root), "backups");
  for (guint i = 0; i < json_array_get_length (backups); i++)
    {
      const char *path = json_object_get_string_member (json_array_get_object_element (backups, i), "path");
      g_autofree char *problem = NULL;

      g_hash_table_add (listed, g_path_get_basename (path));
      if (!verify_backup (fixture, path, &problem))
        {
          add_problem (fixture, point, "a listed backup does not verify: %s", problem);
          ok = FALSE;
        }
    }

  dir = g_dir_open (backups_dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (!g_hash_table_contains (listed, name))
      {
        add_problem (fixture, point, "%s in the backups folder is not a listed backup", name);
        ok = FALSE;
      }

  return ok;
}

/* One run with the fault @class:@n:@action, then the clean re-run. */
static void
run_point (Fixture     *fixture,
           GodwitTestFaultClass   class,
           guint        n,
           GodwitTestFaultAction  action,
           Tally       *tally)
{
  g_autofree char *point = g_strdup_printf ("%s:%u:%s", godwit_test_fault_class_names[class], n, godwit_test_fault_action_names[action]);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *check = NULL;
  g_autofree char *description = NULL;
  g_autofree char *version = NULL;
  g_autofree char *dump = NULL;
  guint counts[GODWIT_TEST_N_FAULT_CLASSES] = { 0 };
  gboolean injected;
  gboolean empty_wal;
  Outcome outcome;
  GodwitTestExit status;
  guint problems_before = fixture->n_problems;

  tally->runs++;
  reset_run_dir (fixture);
  g_unlink (fixture->count_path);

  status = run_cli (fixture, fixture->faulted_argv, point, TRUE, &out, &err);
  if (status.signaled)
    {
      injected = TRUE;
      if (action != GODWIT_TEST_FAULT_KILL || status.code != SIGKILL)
        add_problem (fixture, point, "killed by signal %d", status.code);
    }
  else
    {
      if (!godwit_test_read_fault_counts (fixture->count_path, counts))
        add_problem (fixture, point, "the injector wrote no counts");
      injected = action != GODWIT_TEST_FAULT_KILL && counts[class] >= n;
      if (action == GODWIT_TEST_FAULT_KILL && counts[class] >= n)
        add_problem (fixture, point, "reached the point but was not killed");
      if (!injected)
        tally->not_reached++;
      if (status.code == 0 && injected)
        tally->harmless++;
      if (status.code != 0 && (!injected || status.code != 2))
        add_problem (fixture, point, "exit status %d%s: %s", status.code,
                     injected ? "" : " without a fault", err);
    }

  check = integrity_check (fixture, fixture->store);
  if (!g_str_equal (check, "ok"))
    add_problem (fixture, point, "integrity check of the store says “%s”", check);

  outcome = classify (fixture, status.signaled, &empty_wal, &description);
  if (empty_wal)
    tally->empty_wal++;
  if (outcome == OUTCOME_IN_BETWEEN)
    {
      tally->in_between++;
      add_problem (fixture, point, "the store is in between: %s", description);
    }
  else if (outcome == OUTCOME_BEFORE)
    {
      tally->before++;
      if (!status.signaled && status.code == 0)
        add_problem (fixture, point, "succeeded but the store is as before");
    }
  else
    {
      tally->after++;
      /* migrate then says “the original … is untouched”, the app too. */
      if (!status.signaled && status.code != 0)
        add_problem (fixture, point, "failed but the store was replaced");
    }

  /* The clean re-run finishes the command. */
  g_clear_pointer (&out, g_free);
  g_clear_pointer (&err, g_free);
  status = run_cli (fixture, fixture->rerun_argv, NULL, FALSE, &out, &err);
  if (status.signaled || status.code != 0)
    {
      add_problem (fixture, point, "the re-run fails (%s %d): %s", status.signaled ? "signal" : "status",
                   status.code, err);
    }
  else if (g_str_equal (fixture->command, "migrate"))
    {
      g_autoptr(JsonNode) root = parse_json (out);

      if (root == NULL || json_object_get_boolean_member (json_node_get_object (root), "up_to_date") !=
                          (outcome == OUTCOME_AFTER))
        add_problem (fixture, point, "the re-run says up_to_date %s",
                     outcome == OUTCOME_AFTER ? "false after a migration" : "true before one");
    }

  g_clear_pointer (&check, g_free);
  check = integrity_check (fixture, fixture->store);
  if (!g_str_equal (check, "ok"))
    add_problem (fixture, point, "after the re-run, the integrity check says “%s”", check);
  if (!matches_bytes (fixture, &fixture->after, FALSE, &empty_wal))
    {
      fixture->n_compared++;
      version = read_store (fixture, &dump);
      if (g_strcmp0 (version, fixture->after.version) != 0 || g_strcmp0 (dump, fixture->after.dump) != 0)
        add_problem (fixture, point, "after the re-run, the store matches “%s” with %s objects",
                     version != NULL ? version : "(none)",
                     g_strcmp0 (dump, fixture->after.dump) == 0 ? "the expected" : "other");
    }

  if (!check_leftovers (fixture, point))
    tally->leftovers++;

  if (fixture->n_problems > problems_before && outcome != OUTCOME_IN_BETWEEN)
    tally->failures++;
}

/* A clean run with the injector counting, which must end in the state
 * after; returns the points of each class. */
static void
count_points (Fixture *fixture,
              guint    counts[GODWIT_TEST_N_FAULT_CLASSES])
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  GodwitTestExit status;

  reset_run_dir (fixture);
  g_unlink (fixture->count_path);
  status = run_cli (fixture, fixture->faulted_argv, NULL, TRUE, &out, &err);
  if (status.signaled || status.code != 0)
    g_error ("%s without a fault: %s %d: %s", fixture->command, status.signaled ? "signal" : "status",
             status.code, err);
  g_assert_true (godwit_test_read_fault_counts (fixture->count_path, counts));
  /* Every class has points, or the injector does not see the calls. */
  for (guint i = 0; i < GODWIT_TEST_N_FAULT_CLASSES; i++)
    g_assert_cmpuint (counts[i], >, 0);
}

static void
run_matrix (Fixture *fixture)
{
  const char *variant = fixture->wal ? "with -wal" : "checkpointed";
  const guint *counts = fixture->counts;
  gint64 start = g_get_monotonic_time ();
  guint total_in_between = 0;
  guint total_leftovers = 0;

  for (guint c = 0; c < GODWIT_TEST_N_FAULT_CLASSES; c++)
    {
      Tally tally = { 0 };

      for (guint n = 1; n <= counts[c]; n++)
        for (guint a = 0; a < GODWIT_TEST_N_FAULT_ACTIONS; a++)
          run_point (fixture, c, n, a, &tally);

      g_test_message ("%s (%s) %s: %u points × %u actions = %u runs: %u left the store as before "
                      "(%u of them killed with an empty -wal), %u as after, %u in between; "
                      "%u faults harmless (run succeeded), %u points not reached; "
                      "%u with leftovers after the re-run, %u with other problems",
                      fixture->command, variant, godwit_test_fault_class_names[c], counts[c], GODWIT_TEST_N_FAULT_ACTIONS, tally.runs,
                      tally.before, tally.empty_wal, tally.after, tally.in_between, tally.harmless,
                      tally.not_reached, tally.leftovers, tally.failures);
      total_in_between += tally.in_between;
      total_leftovers += tally.leftovers;
    }
  g_test_message ("%s (%s): %.1f s; %u states compared by their objects, the others by their bytes",
                  fixture->command, variant, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC,
                  fixture->n_compared);

  if (fixture->n_problems > 0)
    g_test_message ("%s", fixture->problems->str);
  g_assert_cmpuint (total_in_between, ==, 0);
  g_assert_cmpuint (total_leftovers, ==, 0);
  g_assert_cmpuint (fixture->n_problems, ==, 0);
}

/* FALSE (skipped) without the injector. */
static gboolean
fixture_init (Fixture    *fixture,
              const char *command,
              gboolean    wal)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *original_dir = NULL;
  g_autofree char *original_wal = NULL;

  fixture->module = g_test_build_filename (G_TEST_BUILT, "faults", "libgodwit-fault-inject.so", NULL);
  if (!g_file_test (fixture->module, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *message = g_strdup_printf ("%s is absent: the fault injector needs glibc on Linux",
                                                  fixture->module);

      g_test_skip (message);
      g_clear_pointer (&fixture->module, g_free);
      return FALSE;
    }

  fixture->command = command;
  fixture->wal = wal;
  fixture->problems = g_string_new (NULL);
  fixture->dir = godwit_test_make_tmpdir ();
  fixture->run_dir = g_build_filename (fixture->dir, "run", NULL);
  fixture->store = g_build_filename (fixture->run_dir, STORE_NAME, NULL);
  fixture->scratch = g_build_filename (fixture->dir, "scratch", NULL);
  fixture->count_path = g_build_filename (fixture->dir, "counts", NULL);
  fixture->bundle = g_test_build_filename (G_TEST_DIST, "..", "data", "demo", "Garden.xcdatamodeld", NULL);
  fixture->plan = g_test_build_filename (G_TEST_DIST, "plans", "garden.godwit-plan.json", NULL);
  g_assert_cmpint (g_mkdir (fixture->scratch, 0700), ==, 0);

  /* The original, written where every run's store is. */
  original_dir = g_build_filename (fixture->dir, "original", NULL);
  g_assert_cmpint (g_mkdir (fixture->run_dir, 0700), ==, 0);
  bundle = godwit_test_load_garden ();
  writer = godwit_test_writer_new (godwit_test_find_version (bundle, "Garden"), fixture->store);
  godwit_store_writer_set_keep_wal (writer, wal);
  godwit_test_writer_begin (writer);
  godwit_test_write_garden (writer, "Garden", FALSE);
  godwit_test_writer_commit (writer);
  original_wal = g_strconcat (fixture->store, "-wal", NULL);
  g_assert_true (g_file_test (original_wal, G_FILE_TEST_EXISTS) == wal);
  g_assert_cmpint (g_rename (fixture->run_dir, original_dir), ==, 0);

  fixture->faulted_argv = argv_new ("migrate", fixture->store, "--model", fixture->bundle, "--plan", fixture->plan,
                                    "--json", NULL);
  fixture->rerun_argv = g_ptr_array_ref (fixture->faulted_argv);

  if (g_str_equal (command, "migrate"))
    {
      /* Before: the original, byte for byte when it has no -wal; after:
       * what a clean migration makes of it. */
      fixture->template_dir = g_strdup (original_dir);
      reset_run_dir (fixture);
      read_state (fixture, &fixture->before, "Garden", !wal);
      count_points (fixture, fixture->counts);
      read_state (fixture, &fixture->after, "Garden 3", FALSE);
    }
  else
    {
      g_autoptr(GPtrArray) migrate = g_ptr_array_ref (fixture->faulted_argv);
      g_autofree char *out = NULL;
      g_autofree char *err = NULL;
      g_autofree char *backups = NULL;
      g_autofree char *listing = NULL;
      GodwitTestExit status;

      /* Before: the migrated store, byte for byte, with its backup of the
       * original; after: the original's objects put back. */
      fixture->template_dir = g_strdup (original_dir);
      reset_run_dir (fixture);
      read_state (fixture, &fixture->after, "Garden", FALSE);
      status = run_cli (fixture, migrate, NULL, FALSE, &out, &err);
      g_assert_false (status.signaled);
      g_assert_cmpint (status.code, ==, 0);
      read_state (fixture, &fixture->before, "Garden 3", TRUE);

      backups = g_build_filename (fixture->run_dir, BACKUPS_NAME, NULL);
      listing = godwit_test_list_directory (backups);
      g_assert_null (strchr (listing, '\n'));
      fixture->restore_from = g_build_filename (backups, listing, NULL);

      g_clear_pointer (&fixture->template_dir, g_free);
      fixture->template_dir = g_build_filename (fixture->dir, "migrated", NULL);
      g_assert_cmpint (g_rename (fixture->run_dir, fixture->template_dir), ==, 0);

      g_ptr_array_unref (fixture->faulted_argv);
      g_ptr_array_unref (fixture->rerun_argv);
      fixture->faulted_argv = argv_new ("rollback", fixture->store, "--json", NULL);
      /* The re-run names the backup: after a rollback that went through,
       * the newest backup is the migrated store it replaced. */
      fixture->rerun_argv = argv_new ("rollback", fixture->store, "--backup", fixture->restore_from, "--json",
                                      NULL);

      /* A clean rollback's store: the original's objects, and the bytes
       * that later runs are compared with first. */
      count_points (fixture, fixture->counts);
      {
        g_autofree char *dump = NULL;
        g_autofree char *version = read_store (fixture, &dump);
        g_autofree char *restored_wal = g_strconcat (fixture->store, "-wal", NULL);

        g_assert_cmpstr (version, ==, fixture->after.version);
        g_assert_cmpstr (dump, ==, fixture->after.dump);
        g_free (fixture->after.store_sum);
        g_free (fixture->after.wal_sum);
        fixture->after.store_sum = godwit_test_file_checksum (fixture->store);
        fixture->after.wal_sum = godwit_test_file_checksum (restored_wal);
      }
    }

  return TRUE;
}

static void
fixture_clear (Fixture *fixture)
{
  godwit_test_rmdir (fixture->dir);
  g_clear_pointer (&fixture->dir, g_free);
  g_clear_pointer (&fixture->run_dir, g_free);
  g_clear_pointer (&fixture->store, g_free);
  g_clear_pointer (&fixture->template_dir, g_free);
  g_clear_pointer (&fixture->scratch, g_free);
  g_clear_pointer (&fixture->count_path, g_free);
  g_clear_pointer (&fixture->module, g_free);
  g_clear_pointer (&fixture->bundle, g_free);
  g_clear_pointer (&fixture->plan, g_free);
  g_clear_pointer (&fixture->restore_from, g_free);
  store_state_clear (&fixture->before);
  store_state_clear (&fixture->after);
  g_clear_pointer (&fixture->faulted_argv, g_ptr_array_unref);
  g_clear_pointer (&fixture->rerun_argv, g_ptr_array_unref);
  if (fixture->problems != NULL)
    g_string_free (g_steal_pointer (&fixture->problems), TRUE);
}

static void
test_faults (gconstpointer data)
{
  const char *name = data;
  g_auto(GStrv) parts = g_strsplit (name, "/", 2);
  Fixture fixture = { 0 };

  if (!fixture_init (&fixture, parts[0], g_str_equal (parts[1], "wal")))
    return;

  run_matrix (&fixture);
  fixture_clear (&fixture);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_data_func ("/faults/migrate/checkpointed", "migrate/checkpointed", test_faults);
  g_test_add_data_func ("/faults/migrate/wal", "migrate/wal", test_faults);
  g_test_add_data_func ("/faults/rollback/checkpointed", "rollback/checkpointed", test_faults);
  g_test_add_data_func ("/faults/rollback/wal", "rollback/wal", test_faults);

  return g_test_run ();
}
