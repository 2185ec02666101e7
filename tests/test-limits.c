/* test-limits.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Resource limits, end to end: large models, long version chains, huge
 * values and hostile archives go through the real godwit-cli, which must
 * answer with a result or a clear error (status 2, the file and the
 * problem named) within a stated memory and time bound.
 *
 * Memory is the CLI's peak resident set as the kernel counts it:
 * ru_maxrss of wait4() on the CLI's process. Linux starts that count, in a
 * fork()ed child, at the resident set the child shares with its parent,
 * which a test that has just written a store of 100 MB would pass on. So
 * the CLI is started by a launcher: this program executed afresh (with
 * --launcher) before any test runs, which does nothing but fork(),
 * execv() and wait4() on request. Its resident set stays at about 4 MiB
 * (0.4 MiB of it its own, the rest shared libraries), below any CLI's
 * (11 MiB and more), so the figure is the CLI's own peak, exactly. A run
 * that goes past RUN_KILL_MIB or RUN_DEADLINE_SECONDS is killed, so that
 * a regression fails the test instead of the machine.
 *
 * Under AddressSanitizer the shadow memory and the quarantine of freed
 * blocks make resident sets meaningless: the figures are logged, not
 * asserted, the time bounds are five times as long, and the largest
 * inputs are a fifth or a tenth of their size (SCALE_DOWN), the same code
 * running on them, so that the suite stays within its time.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "godwit-test-archive.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#if defined(__SANITIZE_ADDRESS__)
#define SANITIZED TRUE
#define TIME_FACTOR 5
#define SCALE_DOWN(n, divisor) ((n) / (divisor))
#else
#define SANITIZED FALSE
#define TIME_FACTOR 1
#define SCALE_DOWN(n, divisor) (n)
#endif

#define RUN_KILL_MIB         2048
#define RUN_DEADLINE_SECONDS 300

#define MIB (1024 * 1024)

/* ---- The launcher --------------------------------------------------------
 * A request is one write of NUL-terminated strings: the standard output
 * file, the standard error file, then the arguments, then an empty
 * string. The answer is the child's pid (a pid_t), then once it has
 * ended its wait status (an int) and its ru_maxrss in KiB (a long).
 * Nothing but system calls runs here, so that its resident set stays
 * tiny. */

#define LAUNCHER_MAX_REQUEST 65536
#define LAUNCHER_MAX_ARGS    64

static gboolean
write_all (int         fd,
           const void *data,
           gsize       length)
{
  const char *p = data;

  while (length > 0)
    {
      ssize_t n = write (fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }

  return TRUE;
}

static gboolean
read_all (int    fd,
          void  *data,
          gsize  length)
{
  char *p = data;

  while (length > 0)
    {
      ssize_t n = read (fd, p, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      length -= n;
    }

  return TRUE;
}

static int
run_launcher (void)
{
  static char request[LAUNCHER_MAX_REQUEST];

  for (;;)
    {
      char *args[LAUNCHER_MAX_ARGS + 1];
      guint32 length;
      guint n = 0;
      char *p;
      struct rusage usage;
      int status = 0;
      long peak;
      pid_t pid;

      if (!read_all (STDIN_FILENO, &length, sizeof length))
        return 0;
      if (length > sizeof request || !read_all (STDIN_FILENO, request, length))
        return 1;

      for (p = request; p < request + length && *p != '\0' && n < LAUNCHER_MAX_ARGS; p += strlen (p) + 1)
        args[n++] = p;
      args[n] = NULL;
      if (n < 3)
        return 1;

      pid = fork ();
      if (pid == 0)
        {
          int out = open (args[0], O_WRONLY | O_CREAT | O_TRUNC, 0600);
          int err = open (args[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);

          if (out < 0 || err < 0 || dup2 (out, STDOUT_FILENO) < 0 || dup2 (err, STDERR_FILENO) < 0)
            _exit (127);
          close (out);
          close (err);
          execv (args[2], args + 2);
          _exit (127);
        }
      if (!write_all (STDOUT_FILENO, &pid, sizeof pid))
        return 1;
      if (pid < 0)
        continue;

      while (wait4 (pid, &status, 0, &usage) < 0)
        if (errno != EINTR)
          return 1;
      peak = usage.ru_maxrss;
      if (!write_all (STDOUT_FILENO, &status, sizeof status) || !write_all (STDOUT_FILENO, &peak, sizeof peak))
        return 1;
    }
}

static int launcher_in = -1;    /* its standard input */
static int launcher_out = -1;   /* its standard output */

static void
start_launcher (void)
{
  const char *argv[] = { "/proc/self/exe", "--launcher", NULL };
  g_autoptr(GError) error = NULL;
  GPid pid;

  /* Not inherited by the CLIs it starts. */
  g_spawn_async_with_pipes_and_fds (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, -1, -1, -1, NULL, NULL, 0,
                                    &pid, &launcher_in, &launcher_out, NULL, &error);
  g_assert_no_error (error);
  fcntl (launcher_in, F_SETFD, FD_CLOEXEC);
  fcntl (launcher_out, F_SETFD, FD_CLOEXEC);
}

/* ---- Running the CLI -------------------------------------------------- */

typedef struct
{
  int     status;      /* exit status; 128 + the signal when killed */
  double  peak_mib;    /* ru_maxrss */
  double  seconds;
  char   *out_path;    /* standard output, in a file: dumps run to 100 MB */
  char   *err;         /* standard error */
} CliRun;

static void
cli_run_clear (CliRun *run)
{
  g_clear_pointer (&run->out_path, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CliRun, cli_run_clear)

static double
read_rss_mib (pid_t pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return 0;
  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    return 0;

  return g_ascii_strtod (line + strlen ("\nVmRSS:"), NULL) / 1024;
}

/* Runs godwit-cli with the NULL-terminated arguments in @dir: its standard
 * output goes to @dir/stdout, standard error to @dir/stderr. */
static void
run_cli (CliRun     *run,
         const char *dir,
         const char *first,
         ...)
{
  g_autoptr(GByteArray) request = g_byte_array_new ();
  g_autofree char *err_path = g_build_filename (dir, "stderr", NULL);
  struct pollfd answer = { launcher_out, POLLIN, 0 };
  gboolean killed = FALSE;
  gint64 started;
  guint32 length;
  int status = 0;
  long peak = 0;
  va_list args;
  pid_t pid;

  cli_run_clear (run);
  run->out_path = g_build_filename (dir, "stdout", NULL);

  g_byte_array_append (request, (const guint8 *) run->out_path, strlen (run->out_path) + 1);
  g_byte_array_append (request, (const guint8 *) err_path, strlen (err_path) + 1);
  g_byte_array_append (request, (const guint8 *) godwit_test_cli_path (), strlen (godwit_test_cli_path ()) + 1);
  va_start (args, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_byte_array_append (request, (const guint8 *) arg, strlen (arg) + 1);
  va_end (args);
  g_byte_array_append (request, (const guint8 *) "", 1);
  length = request->len;

  started = g_get_monotonic_time ();
  g_assert_true (write_all (launcher_in, &length, sizeof length));
  g_assert_true (write_all (launcher_in, request->data, request->len));
  g_assert_true (read_all (launcher_out, &pid, sizeof pid));
  g_assert_cmpint (pid, >, 0);

  /* Watched until it ends. */
  while (poll (&answer, 1, 2) == 0)
    {
      double elapsed = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
      double rss = read_rss_mib (pid);

      if (!killed && (elapsed > RUN_DEADLINE_SECONDS || rss > RUN_KILL_MIB))
        {
          g_test_message ("killing godwit-cli %s after %.1f s at %.0f MiB", first, elapsed, rss);
          kill (pid, SIGKILL);
          killed = TRUE;
        }
    }
  g_assert_true (read_all (launcher_out, &status, sizeof status));
  g_assert_true (read_all (launcher_out, &peak, sizeof peak));

  run->seconds = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;
  run->peak_mib = peak / 1024.0;
  run->status = WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
  g_assert_true (g_file_get_contents (err_path, &run->err, NULL, NULL));
  g_test_message ("godwit-cli %s: status %d, peak RSS %.1f MiB, %.2f s", first, run->status, run->peak_mib,
                  run->seconds);
  g_assert_false (killed);
}

/* The bounds of a run, asserted with the reason each has. */
static void
assert_bounded (CliRun     *run,
                double      max_mib,
                double      max_seconds,
                const char *why)
{
  g_test_message ("  bounds: %.0f MiB, %.0f s: %s", max_mib, max_seconds * TIME_FACTOR, why);
  if (!SANITIZED)
    g_assert_cmpfloat (run->peak_mib, <=, max_mib);
  g_assert_cmpfloat (run->seconds, <=, max_seconds * TIME_FACTOR);
}

static void
assert_success (CliRun *run,
                int     expected_status)
{
  if (run->status != expected_status)
    g_test_message ("standard error: %s", run->err);
  g_assert_cmpint (run->status, ==, expected_status);
}

/* Status 2 and one line naming @file and saying @problem. */
static void
assert_clear_error (CliRun     *run,
                    const char *file,
                    const char *problem)
{
  g_test_message ("  error: %.*s", (int) strcspn (run->err, "\n"), run->err);
  g_assert_cmpint (run->status, ==, 2);
  g_assert_true (g_str_has_prefix (run->err, "godwit-cli: "));
  g_assert_nonnull (strstr (run->err, file));
  g_assert_nonnull (strstr (run->err, problem));
  g_assert_cmpint (strchr (run->err, '\n') - run->err, ==, strlen (run->err) - 1);
}

static char *
read_output (CliRun *run)
{
  char *out = NULL;

  g_assert_true (g_file_get_contents (run->out_path, &out, NULL, NULL));

  return out;
}

static JsonNode *
read_json_output (CliRun *run)
{
  g_autofree char *out = read_output (run);

  return godwit_test_parse_json (out);
}

/* ---- Fixtures ---------------------------------------------------------- */

static const char xml_header[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<model type=\"com.apple.IDECoreDataModeler.DataModel\" documentVersion=\"1.0\" "
  "lastSavedToolsVersion=\"22522\" systemVersion=\"23A344\" minimumToolsVersion=\"Automatic\" "
  "sourceLanguage=\"Swift\" userDefinedModelVersionIdentifier=\"\">\n";

/* Writes @bundle/@version.xcdatamodel/contents with @entities inside
 * <model>. */
static void
write_version (const char *bundle,
               const char *version,
               const char *entities)
{
  g_autofree char *folder = g_strconcat (version, ".xcdatamodel", NULL);
  g_autofree char *dir = g_build_filename (bundle, folder, NULL);
  g_autofree char *contents = g_build_filename (dir, "contents", NULL);
  g_autofree char *xml = g_strconcat (xml_header, entities, "</model>\n", NULL);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  godwit_test_write_file (contents, xml, -1);
}

static GodwitModelBundle *
read_bundle (const char *path)
{
  g_autoptr(GError) error = NULL;
  GodwitModelBundle *bundle = godwit_model_bundle_new_for_path (path, &error);

  g_assert_no_error (error);

  return bundle;
}

/* ---- A model of 1,000 entities ------------------------------------------ */

#define N_ENTITIES SCALE_DOWN (1000, 5)

/* Entity E0000 … E0999, each with three attributes (and with @note a
 * fourth) and four relationships to its neighbours: next ⇄ previous
 * (one-to-one), items ⇄ owner (one-to-many). */
static char *
ring_entities (gboolean note)
{
  GString *xml = g_string_new (NULL);

  for (guint i = 0; i < N_ENTITIES; i++)
    {
      guint next = (i + 1) % N_ENTITIES;
      guint previous = (i + N_ENTITIES - 1) % N_ENTITIES;

      g_string_append_printf (xml,
        "<entity name=\"E%04u\" representedClassName=\"E%04u\" syncable=\"YES\">\n"
        "<attribute name=\"count\" optional=\"YES\" attributeType=\"Integer 64\" defaultValueString=\"0\" "
        "usesScalarValueType=\"YES\"/>\n"
        "<attribute name=\"created\" optional=\"YES\" attributeType=\"Date\" usesScalarValueType=\"NO\"/>\n"
        "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>\n"
        "%s"
        "<relationship name=\"items\" optional=\"YES\" toMany=\"YES\" deletionRule=\"Nullify\" "
        "destinationEntity=\"E%04u\" inverseName=\"owner\" inverseEntity=\"E%04u\"/>\n"
        "<relationship name=\"next\" optional=\"YES\" maxCount=\"1\" deletionRule=\"Nullify\" "
        "destinationEntity=\"E%04u\" inverseName=\"previous\" inverseEntity=\"E%04u\"/>\n"
        "<relationship name=\"owner\" optional=\"YES\" maxCount=\"1\" deletionRule=\"Nullify\" "
        "destinationEntity=\"E%04u\" inverseName=\"items\" inverseEntity=\"E%04u\"/>\n"
        "<relationship name=\"previous\" optional=\"YES\" maxCount=\"1\" deletionRule=\"Nullify\" "
        "destinationEntity=\"E%04u\" inverseName=\"next\" inverseEntity=\"E%04u\"/>\n"
        "</entity>\n",
        i, i,
        note ? "<attribute name=\"note\" optional=\"YES\" attributeType=\"String\"/>\n" : "",
        next, next, next, next, previous, previous, previous, previous);
    }

  return g_string_free (xml, FALSE);
}

/* The ring bundle, “Ring” and “Ring 2” (a note added to every entity), and
 * a store of “Ring” with two objects of every entity, related. */
static void
write_ring (const char  *dir,
            char       **bundle_path,
            char       **store_path)
{
  g_autofree char *v1 = ring_entities (FALSE);
  g_autofree char *v2 = ring_entities (TRUE);
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;

  *bundle_path = g_build_filename (dir, "Ring.xcdatamodeld", NULL);
  *store_path = g_build_filename (dir, "Ring.sqlite", NULL);
  write_version (*bundle_path, "Ring", v1);
  write_version (*bundle_path, "Ring 2", v2);
  bundle = read_bundle (*bundle_path);

  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Ring"), *store_path);
  godwit_test_writer_begin (writer);
  for (guint i = 0; i < N_ENTITIES; i++)
    {
      g_autofree char *entity = g_strdup_printf ("E%04u", i);

      for (guint j = 1; j <= 2; j++)
        {
          g_autofree char *name = g_strdup_printf ("%s #%u", entity, j);

          g_assert_cmpint (godwit_test_insert (writer, entity, "name", g_variant_new_string (name),
                                               "count", g_variant_new_int64 (i * 2 + j),
                                               "created", g_variant_new_double (i * 86400.0), NULL),
                           ==, j);
        }
    }
  /* Entity i's first object: its next is i+1's first, its items i+1's
   * second. */
  for (guint i = 0; i < N_ENTITIES; i++)
    {
      g_autofree char *entity = g_strdup_printf ("E%04u", i);
      g_autofree char *next = g_strdup_printf ("E%04u", (i + 1) % N_ENTITIES);

      godwit_test_relate (writer, entity, 1, "next", next, 1);
      godwit_test_relate (writer, entity, 1, "items", next, 2);
    }
  godwit_test_writer_commit (writer);
}

static void
test_many_entities (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *bundle = NULL;
  g_autofree char *store = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  g_autofree char *out = NULL;
  JsonObject *object;
  JsonArray *versions;
  JsonArray *steps;

  write_ring (dir, &bundle, &store);

  run_cli (&run, dir, "model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 64, 20, "two versions of 1,000 entities, 7,000 properties: "
                  "a few MiB of model and its JSON");
  root = read_json_output (&run);
  versions = godwit_test_array_member (json_node_get_object (root), "versions");
  g_assert_cmpuint (json_array_get_length (versions), ==, 2);
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (json_array_get_object_element (versions, 1),
                                                                      "entities")), ==, N_ENTITIES);
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "inspect", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 64, 30, "1,000 entities, each counted in SQLite: the model, the "
                  "store's layout and the report");
  root = read_json_output (&run);
  object = godwit_test_object_member (json_node_get_object (root), "bundle_match");
  g_assert_cmpstr (json_object_get_string_member (object, "matched_version"), ==, "Ring");
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (json_node_get_object (root), "entities")),
                    ==, N_ENTITIES);
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "plan", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 96, 60, "one step changing 1,000 entities, its report and the counts "
                  "of 1,000 tables");
  root = read_json_output (&run);
  steps = godwit_test_array_member (json_node_get_object (root), "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, 1);
  object = json_array_get_object_element (steps, 0);
  g_assert_cmpstr (json_object_get_string_member (object, "kind"), ==, "inferred");
  g_assert_cmpuint (json_array_get_length (godwit_test_array_member (object, "changes")), ==, N_ENTITIES);
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "migrate", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 96, 120, "1,000 tables altered, counted and verified in one SQLite "
                  "transaction: the two models and the step's report");
  root = read_json_output (&run);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "target_version"), ==, "Ring 2");
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "dump", store, "E0100", "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 48, 20, "two objects of one entity of 1,000");
  out = read_output (&run);
  lines = godwit_test_parse_json_lines (out);
  g_assert_cmpuint (lines->len, ==, 2);
  object = godwit_test_object_member (g_ptr_array_index (lines, 0), "attributes");
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "E0100 #1");
  g_assert_true (json_object_has_member (object, "note"));
  object = godwit_test_object_member (g_ptr_array_index (lines, 0), "relationships");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "next"), "/E0101/p1"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "previous"), "/E0099/p1"));
  object = godwit_test_object_member (g_ptr_array_index (lines, 1), "relationships");
  g_assert_true (g_str_has_suffix (json_object_get_string_member (object, "owner"), "/E0099/p1"));

  godwit_test_rmdir (dir);
}

/* ---- A bundle of 200 versions -------------------------------------------- */

#define N_VERSIONS 200

static char *
chain_version_name (guint number)
{
  return number == 1 ? g_strdup ("Chain") : g_strdup_printf ("Chain %u", number);
}

/* Version n of the chain: Item with the attributes a1 … an (each version
 * adds one) and a to-many tags ⇄ Tag.items. */
static char *
chain_entities (guint number)
{
  GString *xml = g_string_new ("<entity name=\"Item\" representedClassName=\"Item\" syncable=\"YES\">\n");

  for (guint i = 1; i <= number; i++)
    g_string_append_printf (xml, "<attribute name=\"a%u\" optional=\"YES\" attributeType=\"String\"/>\n", i);
  g_string_append (xml,
                   "<relationship name=\"tags\" optional=\"YES\" toMany=\"YES\" deletionRule=\"Nullify\" "
                   "destinationEntity=\"Tag\" inverseName=\"items\" inverseEntity=\"Tag\"/>\n"
                   "</entity>\n"
                   "<entity name=\"Tag\" representedClassName=\"Tag\" syncable=\"YES\">\n"
                   "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>\n"
                   "<relationship name=\"items\" optional=\"YES\" toMany=\"YES\" deletionRule=\"Nullify\" "
                   "destinationEntity=\"Item\" inverseName=\"tags\" inverseEntity=\"Item\"/>\n"
                   "</entity>\n");

  return g_string_free (xml, FALSE);
}

/* The chain bundle, “Chain” … “Chain 200”, and a store of “Chain” with
 * ten items and three tags. */
static void
write_chain (const char  *dir,
             char       **bundle_path,
             char       **store_path)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;

  *bundle_path = g_build_filename (dir, "Chain.xcdatamodeld", NULL);
  *store_path = g_build_filename (dir, "Chain.sqlite", NULL);
  for (guint number = 1; number <= N_VERSIONS; number++)
    {
      g_autofree char *name = chain_version_name (number);
      g_autofree char *entities = chain_entities (number);

      write_version (*bundle_path, name, entities);
    }
  bundle = read_bundle (*bundle_path);

  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Chain"), *store_path);
  godwit_test_writer_begin (writer);
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *name = g_strdup_printf ("tag %u", i);

      godwit_test_insert (writer, "Tag", "name", g_variant_new_string (name), NULL);
    }
  for (guint i = 1; i <= 10; i++)
    {
      g_autofree char *a1 = g_strdup_printf ("item %u", i);
      gint64 pk = godwit_test_insert (writer, "Item", "a1", g_variant_new_string (a1), NULL);

      godwit_test_relate (writer, "Item", pk, "tags", "Tag", 1 + i % 3);
    }
  godwit_test_writer_commit (writer);
}

static void
test_many_versions (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *bundle = NULL;
  g_autofree char *store = NULL;
  g_autofree char *out = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  JsonObject *object;
  JsonArray *versions;
  JsonArray *steps;

  write_chain (dir, &bundle, &store);

  run_cli (&run, dir, "model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 48, 20, "200 versions of 2 entities and up to 202 properties, held "
                  "together to be listed: a few MiB");
  root = read_json_output (&run);
  object = json_node_get_object (root);
  versions = godwit_test_array_member (object, "versions");
  g_assert_cmpuint (json_array_get_length (versions), ==, N_VERSIONS);
  g_assert_cmpstr (json_object_get_string_member (object, "current_version"), ==, "Chain 200");
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (versions, 9), "name"), ==,
                   "Chain 10");
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "inspect", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 48, 20, "the store against each of 200 versions");
  root = read_json_output (&run);
  object = godwit_test_object_member (json_node_get_object (root), "bundle_match");
  g_assert_cmpstr (json_object_get_string_member (object, "matched_version"), ==, "Chain");
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "plan", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 64, 60, "199 steps, each a diff of two versions and a short report");
  root = read_json_output (&run);
  object = json_node_get_object (root);
  g_assert_cmpstr (json_object_get_string_member (object, "source_version"), ==, "Chain");
  g_assert_cmpstr (json_object_get_string_member (object, "target_version"), ==, "Chain 200");
  g_assert_true (json_object_get_boolean_member (object, "can_run"));
  steps = godwit_test_array_member (object, "steps");
  g_assert_cmpuint (json_array_get_length (steps), ==, N_VERSIONS - 1);
  for (guint i = 0; i < json_array_get_length (steps); i++)
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (steps, i), "kind"), ==,
                     "inferred");
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "migrate", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 64, 120, "199 steps run one after the other on one copy of a small "
                  "store; each step's report is kept for the result");
  root = read_json_output (&run);
  object = json_node_get_object (root);
  g_assert_cmpint (json_object_get_int_member (object, "steps"), ==, N_VERSIONS - 1);
  g_assert_cmpstr (json_object_get_string_member (object, "target_version"), ==, "Chain 200");
  g_clear_pointer (&root, json_node_unref);

  run_cli (&run, dir, "dump", store, "Item", "--model", bundle, "--limit", "1", "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 48, 20, "one object");
  out = read_output (&run);
  lines = godwit_test_parse_json_lines (out);
  g_assert_cmpuint (lines->len, ==, 1);
  object = godwit_test_object_member (g_ptr_array_index (lines, 0), "attributes");
  g_assert_cmpuint (json_object_get_size (object), ==, N_VERSIONS);
  g_assert_cmpstr (json_object_get_string_member (object, "a1"), ==, "item 1");
  g_assert_true (json_object_get_null_member (object, "a200"));

  godwit_test_rmdir (dir);
}

/* ---- A value of 100 MB ------------------------------------------------------ */

#define LARGE_VALUE_SIZE SCALE_DOWN (100 * 1000 * 1000, 10)

/* A quote and a newline to escape, characters of two and three bytes. */
static const char text_unit[] = "Core Data \"keeps\" text — naïve café\n";
static const char escaped_text_unit[] = "Core Data \\\"keeps\\\" text — naïve café\\n";

#define NOTE_ENTITY(attributes) \
  "<entity name=\"Note\" representedClassName=\"Note\" syncable=\"YES\">\n" \
  "<attribute name=\"body\" optional=\"YES\" attributeType=\"String\"/>\n" \
  "<attribute name=\"payload\" optional=\"YES\" attributeType=\"Binary\"/>\n" \
  attributes "</entity>\n"

/* The bytes of the large value: @text_unit repeated, or bytes of a fixed
 * linear congruential sequence. */
static guint8 *
large_value (gboolean  text,
             gsize    *size,
             char    **sha256)
{
  guint8 *data;
  gsize n;

  if (text)
    {
      gsize unit = strlen (text_unit);

      n = LARGE_VALUE_SIZE / unit * unit;
      data = g_malloc (n + 1);
      for (gsize i = 0; i < n; i += unit)
        memcpy (data + i, text_unit, unit);
      data[n] = '\0';
    }
  else
    {
      guint32 x = 2026;

      n = LARGE_VALUE_SIZE;
      data = g_malloc (n);
      for (gsize i = 0; i < n; i++)
        {
          x = x * 1664525 + 1013904223;
          data[i] = x >> 24;
        }
    }

  *size = n;
  *sha256 = g_compute_checksum_for_data (G_CHECKSUM_SHA256, data, n);

  return data;
}

/* The bundle “Notes” and “Notes 2” (title removed, so that the table is
 * rebuilt and every value copied; note added), and a store of “Notes”:
 * Note 1 has the large value in body (@text) or payload, Note 2 only a
 * title. */
static void
write_notes (const char  *dir,
             gboolean     text,
             char       **bundle_path,
             char       **store_path,
             char       **sha256)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  guint8 *data;
  GVariant *value;
  gsize size;

  *bundle_path = g_build_filename (dir, "Notes.xcdatamodeld", NULL);
  *store_path = g_build_filename (dir, "Notes.sqlite", NULL);
  write_version (*bundle_path, "Notes",
                 NOTE_ENTITY ("<attribute name=\"title\" optional=\"YES\" attributeType=\"String\"/>\n"));
  write_version (*bundle_path, "Notes 2",
                 NOTE_ENTITY ("<attribute name=\"note\" optional=\"YES\" attributeType=\"String\"/>\n"));
  bundle = read_bundle (*bundle_path);

  data = large_value (text, &size, sha256);
  if (text)
    value = g_variant_new_take_string ((char *) data);
  else
    value = g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, data, size, TRUE, g_free, data);

  writer = godwit_test_writer_new (godwit_model_bundle_find_version (bundle, "Notes"), *store_path);
  godwit_test_writer_begin (writer);
  godwit_test_insert (writer, "Note", text ? "body" : "payload", value, "title", g_variant_new_string ("one"),
                      NULL);
  godwit_test_insert (writer, "Note", "title", g_variant_new_string ("two"), NULL);
  godwit_test_writer_commit (writer);
}

/* SHA-256 of ZNOTE.@column of Note 1, read a MiB at a time, and its
 * SQLite type. */
static char *
dup_stored_checksum (const char *store,
                     const char *column,
                     char      **type)
{
  sqlite3 *db = godwit_test_open_read_only (store, FALSE);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree guint8 *buffer = g_malloc (MIB);
  g_autofree char *sql = g_strdup_printf ("SELECT typeof(%s) FROM ZNOTE WHERE Z_PK = 1", column);
  sqlite3_blob *blob = NULL;
  int size;

  *type = godwit_test_query (db, sql);
  g_assert_cmpint (sqlite3_blob_open (db, "main", "ZNOTE", column, 1, 0, &blob), ==, SQLITE_OK);
  size = sqlite3_blob_bytes (blob);
  for (int offset = 0; offset < size; offset += MIB)
    {
      int n = MIN (MIB, size - offset);

      g_assert_cmpint (sqlite3_blob_read (blob, buffer, n, offset), ==, SQLITE_OK);
      g_checksum_update (checksum, buffer, n);
    }
  sqlite3_blob_close (blob);
  sqlite3_close (db);

  return g_strdup (g_checksum_get_string (checksum));
}

/* The dump's first line holds the text whole, escaped: compared a MiB at
 * a time, so that the test does not hold it. */
static void
assert_text_dumped (const char *path,
                    gsize       size)
{
  static const char start[] = "\"attributes\":{\"body\":\"";
  gsize unit = strlen (escaped_text_unit);
  g_autofree char *buffer = g_malloc (MIB + 1);
  g_autofree char *head = NULL;
  g_autofree char *tail = NULL;
  FILE *file = fopen (path, "rb");
  gsize n_units = size / strlen (text_unit);
  const char *body;
  gsize got;

  g_assert_nonnull (file);
  got = fread (buffer, 1, 4096, file);
  buffer[got] = '\0';
  g_assert_true (g_str_has_prefix (buffer, "{\"entity\":\"Note\",\"pk\":1,"));
  body = strstr (buffer, start);
  g_assert_nonnull (body);
  g_assert_cmpint (fseek (file, body - buffer + strlen (start), SEEK_SET), ==, 0);

  /* A MiB of whole units at a time. */
  for (gsize done = 0; done < n_units;)
    {
      gsize batch = MIN (MIB / unit, n_units - done);

      g_assert_cmpuint (fread (buffer, 1, batch * unit, file), ==, batch * unit);
      for (gsize i = 0; i < batch; i++)
        g_assert_true (memcmp (buffer + i * unit, escaped_text_unit, unit) == 0);
      done += batch;
    }

  got = fread (buffer, 1, MIB, file);
  buffer[got] = '\0';
  g_assert_true (g_str_has_prefix (buffer, "\",\"payload\":null,\"title\":\"one\"},\"relationships\":{}}\n"
                                           "{\"entity\":\"Note\",\"pk\":2,"));
  g_assert_true (g_str_has_suffix (buffer, "}\n"));
  fclose (file);
}

static void
check_large_value (gboolean text)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  const char *column = text ? "ZBODY" : "ZPAYLOAD";
  g_autofree char *bundle = NULL;
  g_autofree char *store = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *stored = NULL;
  g_autofree char *type = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  double value_mib = LARGE_VALUE_SIZE / (double) MIB;

  write_notes (dir, text, &bundle, &store, &sha256);

  run_cli (&run, dir, "inspect", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 48, 20, "objects are counted, not read");

  run_cli (&run, dir, "dump", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  if (text)
    {
      assert_bounded (&run, 2 * value_mib + 48, 30,
                      "the text is printed whole; SQLite reads it once and its JSON value copies it "
                      "once, and it is written out as it is escaped, never held a third time");
      assert_text_dumped (run.out_path, strlen (text_unit) * (LARGE_VALUE_SIZE / strlen (text_unit)));

      run_cli (&run, dir, "dump", store, "--model", bundle, NULL);
      assert_success (&run, 0);
      assert_bounded (&run, 2 * value_mib + 48, 30, "as with --json");
      g_assert_true (g_file_test (run.out_path, G_FILE_TEST_EXISTS));
      {
        GStatBuf st;

        g_assert_cmpint (g_stat (run.out_path, &st), ==, 0);
        g_assert_cmpint (st.st_size, >, LARGE_VALUE_SIZE);
      }
    }
  else
    {
      g_autofree char *out = NULL;
      g_autoptr(GPtrArray) lines = NULL;
      JsonObject *payload;

      assert_bounded (&run, value_mib + 48, 30,
                      "a binary value is shown as its size and first bytes: SQLite reads it once");
      out = read_output (&run);
      lines = godwit_test_parse_json_lines (out);
      g_assert_cmpuint (lines->len, ==, 2);
      payload = godwit_test_object_member (godwit_test_object_member (g_ptr_array_index (lines, 0), "attributes"),
                                           "payload");
      g_assert_cmpint (json_object_get_int_member (payload, "size"), ==, LARGE_VALUE_SIZE);
      g_assert_cmpuint (strlen (json_object_get_string_member (payload, "preview")), ==, 64);
    }

  run_cli (&run, dir, "migrate", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 2 * value_mib + 48, 60,
                  "SQLite reads the row and writes it again when the table is rebuilt; the stage "
                  "report's samples cut a long text and show a binary value as its size and first "
                  "bytes");
  root = read_json_output (&run);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (root), "target_version"), ==, "Notes 2");

  stored = dup_stored_checksum (store, column, &type);
  g_assert_cmpstr (stored, ==, sha256);
  g_assert_cmpstr (type, ==, text ? "text" : "blob");

  godwit_test_rmdir (dir);
}

static void
test_large_string (void)
{
  check_large_value (TRUE);
}

static void
test_large_binary (void)
{
  check_large_value (FALSE);
}

/* ---- Many related objects ------------------------------------------------ */

#define N_FOLDERS          SCALE_DOWN (100, 5)
#define NOTES_PER_FOLDER 5000

/* 100 folders of 5,000 notes each: a page of folders is cut once their
 * notes' URIs would take 16 MiB. */
static void
test_many_related (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *bundle_path = g_build_filename (dir, "Folders.xcdatamodeld", NULL);
  g_autofree char *store = g_build_filename (dir, "Folders.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_auto(CliRun) run = { 0 };
  g_auto(GStrv) lines = NULL;

  write_version (bundle_path, "Folders",
                 "<entity name=\"Folder\" representedClassName=\"Folder\" syncable=\"YES\">\n"
                 "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>\n"
                 "<relationship name=\"notes\" optional=\"YES\" toMany=\"YES\" deletionRule=\"Nullify\" "
                 "destinationEntity=\"Note\" inverseName=\"folder\" inverseEntity=\"Note\"/>\n"
                 "</entity>\n"
                 "<entity name=\"Note\" representedClassName=\"Note\" syncable=\"YES\">\n"
                 "<relationship name=\"folder\" optional=\"YES\" maxCount=\"1\" deletionRule=\"Nullify\" "
                 "destinationEntity=\"Folder\" inverseName=\"notes\" inverseEntity=\"Folder\"/>\n"
                 "</entity>\n");
  bundle = read_bundle (bundle_path);
  writer = godwit_test_writer_new (godwit_model_bundle_get_current_version (bundle), store);
  godwit_test_writer_begin (writer);
  for (guint i = 1; i <= N_FOLDERS; i++)
    godwit_test_insert (writer, "Folder", "name", g_variant_new_take_string (g_strdup_printf ("folder %u", i)),
                        NULL);
  for (guint i = 0; i < N_FOLDERS * NOTES_PER_FOLDER; i++)
    {
      gint64 pk = godwit_test_insert (writer, "Note", NULL);

      godwit_test_relate (writer, "Note", pk, "folder", "Folder", i / NOTES_PER_FOLDER + 1);
    }
  godwit_test_writer_commit (writer);

  run_cli (&run, dir, "dump", store, "Folder", "--model", bundle_path, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 64, 60, "a page of folders ends before the folder whose notes' URIs would "
                  "take it past 16 MiB, as their rows arrive: 500,000 URIs would take 100 MiB");

  out = read_output (&run);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_FOLDERS + 1);
  for (guint i = 0; i < N_FOLDERS; i++)
    {
      g_autofree char *pk = g_strdup_printf ("\"pk\":%u,", i + 1);
      guint n = 0;

      g_assert_nonnull (strstr (lines[i], pk));
      for (const char *p = lines[i]; (p = strstr (p, "/Note/p")) != NULL; p++)
        n++;
      g_assert_cmpuint (n, ==, NOTES_PER_FOLDER);
    }

  godwit_test_rmdir (dir);
}

/* ---- Hostile archives and property lists ------------------------------- */

/* A binary property list written by hand, for shapes libplist would take
 * too long or too much memory to build: objects in order, offsets and
 * references of 4 bytes. */
typedef struct
{
  GByteArray *data;
  GArray     *offsets;   /* guint32 */
} Bplist;

static void
bplist_init (Bplist *b)
{
  b->data = g_byte_array_new ();
  b->offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_byte_array_append (b->data, (const guint8 *) "bplist00", 8);
}

static void
append_be32 (GByteArray *data,
             guint32     value)
{
  guint8 bytes[4] = { value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (data, bytes, 4);
}

/* Starts the next object with @marker (its high nibble) and @count; returns
 * its index. */
static guint32
bplist_begin (Bplist *b,
              guint8  marker,
              guint32 count)
{
  guint32 offset = b->data->len;

  g_array_append_val (b->offsets, offset);
  if (count < 15)
    g_byte_array_append (b->data, (const guint8[]) { marker | count }, 1);
  else
    {
      g_byte_array_append (b->data, (const guint8[]) { marker | 0xf, 0x12 }, 2);
      append_be32 (b->data, count);
    }

  return b->offsets->len - 1;
}

static guint32
bplist_string (Bplist     *b,
               const char *text)
{
  guint32 index = bplist_begin (b, 0x50, strlen (text));

  g_byte_array_append (b->data, (const guint8 *) text, strlen (text));

  return index;
}

static guint32
bplist_uid (Bplist  *b,
            guint32  value)
{
  guint32 index = b->offsets->len;
  guint32 offset = b->data->len;

  g_array_append_val (b->offsets, offset);
  g_byte_array_append (b->data, (const guint8[]) { 0x83 }, 1);
  append_be32 (b->data, value);

  return index;
}

/* An array (marker 0xa0) or a dictionary (0xd0, keys then values) of
 * references. */
static guint32
bplist_refs (Bplist        *b,
             guint8         marker,
             const guint32 *refs,
             guint32        n_refs)
{
  guint32 index = bplist_begin (b, marker, marker == 0xd0 ? n_refs / 2 : n_refs);

  for (guint32 i = 0; i < n_refs; i++)
    append_be32 (b->data, refs[i]);

  return index;
}

static GBytes *
bplist_finish (Bplist  *b,
               guint32  root)
{
  guint8 trailer[32] = { 0 };
  guint64 table = b->data->len;
  guint64 n = b->offsets->len;

  for (guint i = 0; i < b->offsets->len; i++)
    append_be32 (b->data, g_array_index (b->offsets, guint32, i));
  trailer[6] = 4;
  trailer[7] = 4;
  for (guint i = 0; i < 8; i++)
    {
      trailer[8 + i] = (n >> (56 - 8 * i)) & 0xff;
      trailer[16 + i] = ((guint64) root >> (56 - 8 * i)) & 0xff;
      trailer[24 + i] = (table >> (56 - 8 * i)) & 0xff;
    }
  g_byte_array_append (b->data, trailer, sizeof trailer);
  g_array_unref (b->offsets);

  return g_byte_array_free_to_bytes (b->data);
}

/* An NSKeyedArchiver archive of NSArrays nested @depth deep, each holding
 * the next, written by hand: libplist would build a million objects in
 * memory first. */
static GBytes *
deep_archive (guint32 depth)
{
  g_autoptr(GArray) objects = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint32 class_key, objects_key, classname_key, classes_key, array_name, object_name;
  guint32 class_description, class_uid;
  guint32 refs[4];
  guint32 version, top, root;
  Bplist b;

  bplist_init (&b);
  class_key = bplist_string (&b, "$class");
  objects_key = bplist_string (&b, "NS.objects");
  classname_key = bplist_string (&b, "$classname");
  classes_key = bplist_string (&b, "$classes");
  array_name = bplist_string (&b, "NSArray");
  object_name = bplist_string (&b, "NSObject");

  /* $objects: "$null", the class description, then the arrays: the one
   * at $objects[i] holds $objects[i + 1]; the last holds "$null". */
  refs[0] = bplist_string (&b, "$null");
  g_array_append_val (objects, refs[0]);
  refs[0] = array_name;
  refs[1] = object_name;
  refs[2] = bplist_refs (&b, 0xa0, refs, 2);
  refs[0] = classname_key;
  refs[1] = classes_key;
  refs[3] = refs[2];
  refs[2] = array_name;
  class_description = bplist_refs (&b, 0xd0, refs, 4);
  g_array_append_val (objects, class_description);
  class_uid = bplist_uid (&b, 1);
  for (guint32 i = 0; i < depth; i++)
    {
      guint32 next = bplist_uid (&b, i + 1 < depth ? i + 3 : 0);
      guint32 array;

      array = bplist_refs (&b, 0xa0, &next, 1);
      refs[0] = class_key;
      refs[1] = objects_key;
      refs[2] = class_uid;
      refs[3] = array;
      refs[0] = bplist_refs (&b, 0xd0, refs, 4);
      g_array_append_val (objects, refs[0]);
    }

  refs[0] = bplist_string (&b, "root");
  refs[1] = bplist_uid (&b, 2);
  top = bplist_refs (&b, 0xd0, refs, 2);
  version = bplist_begin (&b, 0x10, 2);
  g_byte_array_append (b.data, (const guint8[]) { 0x01, 0x86, 0xa0 }, 3);
  refs[0] = bplist_refs (&b, 0xa0, (const guint32 *) objects->data, objects->len);

  {
    guint32 dict[8] = { bplist_string (&b, "$archiver"), bplist_string (&b, "$version"),
                        bplist_string (&b, "$objects"), bplist_string (&b, "$top"),
                        bplist_string (&b, "NSKeyedArchiver"), version, refs[0], top };

    root = bplist_refs (&b, 0xd0, dict, 8);
  }

  return bplist_finish (&b, root);
}

/* An archive of @levels NSArrays, each holding @width references to the
 * one below: @width ^ @levels strings once expanded. */
static GBytes *
shared_archive (guint levels,
                guint width)
{
  g_autofree guint *members = g_new (guint, width);
  GodwitTestArchive b;
  guint previous;

  godwit_test_archive_init (&b);
  previous = godwit_test_archive_add_string (&b, "leaf");
  for (guint level = 0; level < levels; level++)
    {
      for (guint i = 0; i < width; i++)
        members[i] = previous;
      previous = godwit_test_archive_collection (&b, "NSArray", members, width);
    }

  return godwit_test_archive_finish (&b, "NSKeyedArchiver", previous);
}

static GBytes *
small_archive (void)
{
  GodwitTestArchive b;
  guint members[2];
  guint root;

  godwit_test_archive_init (&b);
  members[0] = godwit_test_archive_add_string (&b, "circle");
  members[1] = godwit_test_archive_add_string (&b, "square");
  root = godwit_test_archive_collection (&b, "NSArray", members, 2);

  return godwit_test_archive_finish (&b, "NSKeyedArchiver", root);
}

#define THING_ENTITY \
  "<entity name=\"Thing\" representedClassName=\"Thing\" syncable=\"YES\">\n" \
  "<attribute name=\"label\" optional=\"YES\" attributeType=\"String\"/>\n" \
  "<attribute name=\"shape\" optional=\"YES\" attributeType=\"Transformable\" " \
  "valueTransformerName=\"NSSecureUnarchiveFromDataTransformer\"/>\n" \
  "</entity>\n"

static GodwitModelBundle *
write_things_bundle (const char  *dir,
                     char       **bundle_path)
{
  *bundle_path = g_build_filename (dir, "Things.xcdatamodeld", NULL);
  write_version (*bundle_path, "Things", THING_ENTITY);

  return read_bundle (*bundle_path);
}

/* Things whose shapes are the archives, labelled. */
static void
write_things (const char   *dir,
              char        **bundle_path,
              char        **store_path,
              const char   *first_label,
              ...)
{
  g_autoptr(GodwitModelBundle) bundle = write_things_bundle (dir, bundle_path);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  va_list args;

  *store_path = g_build_filename (dir, "Things.sqlite", NULL);
  writer = godwit_test_writer_new (godwit_model_bundle_get_current_version (bundle), *store_path);
  godwit_test_writer_begin (writer);
  va_start (args, first_label);
  for (const char *label = first_label; label != NULL; label = va_arg (args, const char *))
    {
      GBytes *archive = va_arg (args, GBytes *);
      gsize size;
      const void *data = g_bytes_get_data (archive, &size);

      godwit_test_insert (writer, "Thing", "label", g_variant_new_string (label),
                          "shape", g_variant_new_from_data (G_VARIANT_TYPE_BYTESTRING, data, size, TRUE,
                                                            (GDestroyNotify) g_bytes_unref, archive),
                          NULL);
    }
  va_end (args);
  godwit_test_writer_commit (writer);
}

/* Transformable values that are hostile archives: each is shown as its
 * size and first bytes, without the unpacked value. */
static void
test_archive_bombs (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *bundle = NULL;
  g_autofree char *store = NULL;
  g_autofree char *out = NULL;
  g_auto(CliRun) run = { 0 };
  g_autoptr(GPtrArray) lines = NULL;
  g_autoptr(GBytes) deep = deep_archive (1000000);
  g_autoptr(GBytes) deep_small = deep_archive (90000);
  static const char * const labels[] = { "2^30", "1000^3", "deep", "deep within 4 MiB", "circle and square" };

  g_test_message ("archives of %" G_GSIZE_FORMAT " and %" G_GSIZE_FORMAT " bytes nested 1,000,000 and "
                  "90,000 deep", g_bytes_get_size (deep), g_bytes_get_size (deep_small));
  write_things (dir, &bundle, &store,
                labels[0], shared_archive (30, 2),
                labels[1], shared_archive (3, 1000),
                labels[2], g_bytes_ref (deep),
                labels[3], g_bytes_ref (deep_small),
                labels[4], small_archive (),
                NULL);

  run_cli (&run, dir, "dump", store, "--model", bundle, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 160, 20, "a value's archive (at most 4 MiB) is parsed whole, then unpacked to "
                  "at most 100,000 values, one value at a time");
  out = read_output (&run);
  lines = godwit_test_parse_json_lines (out);
  g_assert_cmpuint (lines->len, ==, G_N_ELEMENTS (labels));
  for (guint i = 0; i < lines->len; i++)
    {
      JsonObject *attributes = godwit_test_object_member (g_ptr_array_index (lines, i), "attributes");
      JsonObject *shape = godwit_test_object_member (attributes, "shape");

      g_assert_cmpstr (json_object_get_string_member (attributes, "label"), ==, labels[i]);
      g_assert_true (json_object_has_member (shape, "size"));
      g_assert_true (g_str_has_prefix (json_object_get_string_member (shape, "preview"), "62706c6973743030"));
      g_assert_cmpint (json_object_has_member (shape, "value"), ==, i == 4);
    }

  run_cli (&run, dir, "inspect", store, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 48, 20, "values are not read");

  godwit_test_rmdir (dir);
}

#define N_WIDE_THINGS SCALE_DOWN (40, 5)

/* Many transformable values, each unpacked to 90,001 values (an array of
 * 90,000 strings): a page of objects holds a few of them at a time, not a
 * thousand. */
static void
test_archive_pages (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *bundle_path = NULL;
  g_autofree char *store = g_build_filename (dir, "Wide.sqlite", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GBytes) wide = shared_archive (1, 90000);
  g_auto(CliRun) run = { 0 };
  g_auto(GStrv) lines = NULL;

  bundle = write_things_bundle (dir, &bundle_path);
  writer = godwit_test_writer_new (godwit_model_bundle_get_current_version (bundle), store);
  godwit_test_writer_begin (writer);
  for (guint i = 0; i < N_WIDE_THINGS; i++)
    godwit_test_insert (writer, "Thing", "shape",
                        godwit_test_bytes_value (g_bytes_get_data (wide, NULL), g_bytes_get_size (wide)), NULL);
  godwit_test_writer_commit (writer);

  run_cli (&run, dir, "dump", store, "--model", bundle_path, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 96, 60, "a page ends once its values take 16 MiB, two of these objects: "
                  "not the 40 (500 MiB) of a page of 1,000");

  /* A line for each, with the 90,000 strings. */
  out = read_output (&run);
  lines = g_strsplit (out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, N_WIDE_THINGS + 1);
  for (guint i = 0; i < N_WIDE_THINGS; i++)
    {
      g_autofree char *pk = g_strdup_printf ("\"pk\":%u,", i + 1);
      const char *value = strstr (lines[i], "\"value\":[\"leaf\",");
      guint n = 0;

      g_assert_nonnull (strstr (lines[i], pk));
      g_assert_nonnull (value);
      for (const char *p = value; (p = strstr (p, "\"leaf\"")) != NULL; p++)
        n++;
      g_assert_cmpuint (n, ==, 90000);
    }

  godwit_test_rmdir (dir);
}

static GBytes *
deflate_raw (GBytes *bytes)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (stream, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), NULL, NULL,
                             &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* A store of the Things model with one thing. */
static char *
write_thing_store (const char *dir,
                   const char *name)
{
  g_autofree char *bundle_path = NULL;
  g_autoptr(GodwitModelBundle) bundle = write_things_bundle (dir, &bundle_path);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  char *store = g_build_filename (dir, name, NULL);

  writer = godwit_test_writer_new (godwit_model_bundle_get_current_version (bundle), store);
  godwit_test_writer_begin (writer);
  godwit_test_insert (writer, "Thing", "label", g_variant_new_string ("one"), NULL);
  godwit_test_writer_commit (writer);

  return store;
}

/* The store's cached model (Z_MODELCACHE) is a hostile archive: inspect
 * reports why it cannot be read, and reads the store without it. */
static void
check_model_cache_bomb (const char *name,
                        GBytes     *archive,
                        const char *problem,
                        double      max_mib,
                        const char *why)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_thing_store (dir, name);
  g_autoptr(GBytes) cache = deflate_raw (archive);
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) lines = NULL;
  JsonObject *model_cache;

  g_test_message ("%s: an archive of %" G_GSIZE_FORMAT " bytes, %" G_GSIZE_FORMAT " deflated", name,
                  g_bytes_get_size (archive), g_bytes_get_size (cache));
  godwit_test_execute_sql (store, "INSERT INTO Z_MODELCACHE (Z_CONTENT) VALUES (?1)", cache);

  run_cli (&run, dir, "inspect", store, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, max_mib, 20, why);
  root = read_json_output (&run);
  model_cache = godwit_test_object_member (json_node_get_object (root), "model_cache");
  g_assert_true (json_object_get_boolean_member (model_cache, "present"));
  g_test_message ("  model_cache.error: %s", json_object_get_string_member (model_cache, "error"));
  g_assert_nonnull (strstr (json_object_get_string_member (model_cache, "error"), store));
  g_assert_nonnull (strstr (json_object_get_string_member (model_cache, "error"), problem));
  g_assert_cmpstr (json_object_get_string_member (godwit_test_object_member (json_node_get_object (root), "model"),
                                                  "source"), ==, "none");

  run_cli (&run, dir, "dump", store, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, max_mib, 20, why);
  out = read_output (&run);
  lines = godwit_test_parse_json_lines (out);
  g_assert_cmpuint (lines->len, ==, 1);

  godwit_test_rmdir (dir);
}

static void
test_model_cache_bombs (void)
{
  g_autoptr(GBytes) shared = shared_archive (30, 2);
  g_autoptr(GBytes) deep = deep_archive (1000000);

  check_model_cache_bomb ("shared.sqlite", shared, "not a managed object model", 48,
                          "the archive is small; its root is refused before anything is unpacked");
  check_model_cache_bomb ("deep.sqlite", deep, "more than 2097152 objects", 128,
                          "the cache is inflated (43 MB), then refused before libplist parses it");
  g_clear_pointer (&deep, g_bytes_unref);
  /* 300,000 levels: 1.8 million values, within the limits of property
   * lists and keyed archives, but not a model. */
  deep = deep_archive (300000);
  check_model_cache_bomb ("deep-within.sqlite", deep, "not a managed object model", 320,
                          "1.8 million values parsed by libplist (about 130 bytes each): the most "
                          "the limits of property lists let through");
}

/* A store whose Z_METADATA.Z_PLIST is @plist, or what @sql sets. */
static void
check_metadata (const char *name,
                GBytes     *plist,
                const char *sql,
                const char *problem)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_thing_store (dir, name);
  g_auto(CliRun) run = { 0 };
  g_autofree char *where = g_strdup_printf ("%s: Z_METADATA.Z_PLIST", store);

  if (plist != NULL)
    g_test_message ("%s: a property list of %" G_GSIZE_FORMAT " bytes", name, g_bytes_get_size (plist));
  godwit_test_execute_sql (store, sql != NULL ? sql : "UPDATE Z_METADATA SET Z_PLIST = ?1", plist);

  run_cli (&run, dir, "inspect", store, "--json", NULL);
  assert_bounded (&run, 96, 20, "the property list is refused before libplist expands it");
  assert_clear_error (&run, where, problem);

  run_cli (&run, dir, "dump", store, "--json", NULL);
  assert_bounded (&run, 96, 20, "as inspect: every command reads the metadata first");
  assert_clear_error (&run, where, problem);

  godwit_test_rmdir (dir);
}

/* A dictionary {"bomb": level @levels}, level n an array holding level
 * n - 1 twice, level 0 the integer 1. */
static GBytes *
shared_plist (guint levels)
{
  guint32 refs[2];
  guint32 previous;
  Bplist b;

  bplist_init (&b);
  previous = bplist_begin (&b, 0x10, 0);
  g_byte_array_append (b.data, (const guint8[]) { 0x01 }, 1);
  for (guint i = 0; i < levels; i++)
    {
      refs[0] = refs[1] = previous;
      previous = bplist_refs (&b, 0xa0, refs, 2);
    }
  refs[0] = bplist_string (&b, "bomb");
  refs[1] = previous;

  return bplist_finish (&b, bplist_refs (&b, 0xd0, refs, 2));
}

/* Arrays nested @depth deep in a dictionary. */
static GBytes *
nested_plist (guint depth)
{
  guint32 refs[2];
  guint32 previous;
  Bplist b;

  bplist_init (&b);
  previous = bplist_refs (&b, 0xa0, NULL, 0);
  for (guint i = 1; i < depth; i++)
    previous = bplist_refs (&b, 0xa0, &previous, 1);
  refs[0] = bplist_string (&b, "deep");
  refs[1] = previous;

  return bplist_finish (&b, bplist_refs (&b, 0xd0, refs, 2));
}

/* A dictionary {"bomb": [data × @copies]}, the data of @size bytes one
 * object shared by every reference. */
static GBytes *
shared_data_plist (guint size,
                   guint copies)
{
  g_autofree guint32 *members = g_new (guint32, copies);
  g_autofree guint8 *data = g_malloc0 (size);
  guint32 refs[2];
  guint32 shared;
  Bplist b;

  bplist_init (&b);
  shared = bplist_begin (&b, 0x40, size);
  g_byte_array_append (b.data, data, size);
  for (guint i = 0; i < copies; i++)
    members[i] = shared;
  refs[0] = bplist_string (&b, "bomb");
  refs[1] = bplist_refs (&b, 0xa0, members, copies);

  return bplist_finish (&b, bplist_refs (&b, 0xd0, refs, 2));
}

/* A dictionary of @n keys "k0" … , each with the one integer 1. */
static GBytes *
wide_plist (guint n)
{
  g_autofree guint32 *refs = g_new (guint32, 2 * n);
  guint32 one;
  Bplist b;

  bplist_init (&b);
  one = bplist_begin (&b, 0x10, 0);
  g_byte_array_append (b.data, (const guint8[]) { 0x01 }, 1);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%u", i);

      refs[i] = bplist_string (&b, key);
      refs[n + i] = one;
    }

  return bplist_finish (&b, bplist_refs (&b, 0xd0, refs, 2 * n));
}

/* A dictionary whose array claims 2^31 members. */
static GBytes *
huge_count_plist (void)
{
  guint32 refs[2];
  guint32 array;
  Bplist b;

  bplist_init (&b);
  array = bplist_begin (&b, 0xa0, 0x80000000u);
  append_be32 (b.data, 0);
  refs[0] = bplist_string (&b, "many");
  refs[1] = array;

  return bplist_finish (&b, bplist_refs (&b, 0xd0, refs, 2));
}

static void
test_metadata_bombs (void)
{
  g_autoptr(GBytes) shared = shared_plist (22);
  g_autoptr(GBytes) shared_data = shared_data_plist (MIB, 512);
  g_autoptr(GBytes) nested = nested_plist (1000000);
  g_autoptr(GBytes) huge_count = huge_count_plist ();

  check_metadata ("shared.sqlite", shared, NULL, "expands to more than 2097152 values");
  check_metadata ("shared-data.sqlite", shared_data, NULL, "expands to more than 256 MiB of strings and data");
  check_metadata ("nested.sqlite", nested, NULL, "nested deeper than 256 levels");
  check_metadata ("count.sqlite", huge_count, NULL, "damaged");
  /* 300 MB of zeros: not read at all. */
  check_metadata ("large.sqlite", NULL, "UPDATE Z_METADATA SET Z_PLIST = zeroblob(300000000)",
                  "larger than 256 MiB");
}

/* A cached model of 300 MB (zeros): not read; inspect says why. */
static void
test_model_cache_large (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_thing_store (dir, "large.sqlite");
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *model_cache;

  godwit_test_execute_sql (store, "INSERT INTO Z_MODELCACHE (Z_CONTENT) VALUES (zeroblob(300000000))", NULL);

  run_cli (&run, dir, "inspect", store, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 48, 20, "the cache's length is read, not the cache");
  root = read_json_output (&run);
  model_cache = godwit_test_object_member (json_node_get_object (root), "model_cache");
  g_assert_true (json_object_get_boolean_member (model_cache, "present"));
  g_test_message ("  model_cache.error: %s", json_object_get_string_member (model_cache, "error"));
  g_assert_nonnull (strstr (json_object_get_string_member (model_cache, "error"), store));
  g_assert_nonnull (strstr (json_object_get_string_member (model_cache, "error"),
                            "Z_MODELCACHE: the model cache is larger than 256 MiB"));

  godwit_test_rmdir (dir);
}

/* More entities in Z_PRIMARYKEY than any model has. */
static void
test_primary_keys (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_thing_store (dir, "entities.sqlite");
  g_auto(CliRun) run = { 0 };

  godwit_test_execute_sql (store, "WITH RECURSIVE n (i) AS (SELECT 100 UNION ALL SELECT i + 1 FROM n WHERE i < 100100) "
                           "INSERT INTO Z_PRIMARYKEY (Z_ENT, Z_NAME, Z_SUPER, Z_MAX) SELECT i, 'E' || i, 0, 0 FROM n",
                           NULL);

  run_cli (&run, dir, "inspect", store, "--json", NULL);
  assert_bounded (&run, 96, 20, "Z_PRIMARYKEY is refused once it has more than 100,000 entities");
  assert_clear_error (&run, store, "Z_PRIMARYKEY has more than 100000 entities");

  godwit_test_rmdir (dir);
}

#define N_WIDE_KEYS SCALE_DOWN (1000000, 5)

/* The largest metadata the limits let through: a million keys, two million
 * values. */
static void
test_metadata_wide (void)
{
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *store = write_thing_store (dir, "wide.sqlite");
  g_autoptr(GBytes) plist = wide_plist (N_WIDE_KEYS);
  g_auto(CliRun) run = { 0 };
  g_autoptr(JsonNode) root = NULL;
  JsonObject *metadata;

  godwit_test_execute_sql (store, "UPDATE Z_METADATA SET Z_PLIST = ?1", plist);

  run_cli (&run, dir, "inspect", store, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 640, 30, "two million values parsed by libplist (about 130 bytes each), then "
                  "as JSON to print");
  root = read_json_output (&run);
  metadata = godwit_test_object_member (json_node_get_object (root), "metadata");
  g_assert_cmpuint (json_object_get_size (metadata), ==, N_WIDE_KEYS);

  run_cli (&run, dir, "dump", store, "--json", NULL);
  assert_success (&run, 0);
  assert_bounded (&run, 320, 30, "two million values parsed by libplist");

  godwit_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc == 2 && strcmp (argv[1], "--launcher") == 0)
    return run_launcher ();

  g_test_init (&argc, &argv, NULL);
  start_launcher ();

  g_test_add_func ("/limits/many-entities", test_many_entities);
  g_test_add_func ("/limits/many-versions", test_many_versions);
  g_test_add_func ("/limits/large-value/string", test_large_string);
  g_test_add_func ("/limits/large-value/binary", test_large_binary);
  g_test_add_func ("/limits/archive-bomb/values", test_archive_bombs);
  g_test_add_func ("/limits/archive-pages", test_archive_pages);
  g_test_add_func ("/limits/many-related", test_many_related);
  g_test_add_func ("/limits/archive-bomb/model-cache", test_model_cache_bombs);
  g_test_add_func ("/limits/metadata/hostile", test_metadata_bombs);
  g_test_add_func ("/limits/metadata/wide", test_metadata_wide);
  g_test_add_func ("/limits/model-cache/large", test_model_cache_large);
  g_test_add_func ("/limits/primary-keys", test_primary_keys);

  return g_test_run ();
}
