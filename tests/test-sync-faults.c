/* test-sync-faults.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Syncs under network and server faults: every sync goes through
 * sync-fault-proxy.py in front of the test's server, which fails one
 * request of the faulted run: each kind of request the run makes in turn
 * (its first, one in the middle, or its last, as the scenario says), in
 * every way: the connection dropped before the request reaches the server,
 * or after the server applied it (the answer lost), the answer late, cut
 * in half, or a 500, 503, 409 or 404 instead. The faulted run either
 * succeeds (the fault was retried away, or meant nothing) or fails with an
 * error that names the database's URL and the problem, as the kind of
 * request and the fault say it must. The store it ran on passes SQLite's
 * integrity check either way. A run without faults then converges: both
 * stores hold the objects they must, the same ones, and the server one
 * live document per object, without conflicts, in the revision the stores
 * hold; a run after that finds nothing to do, so no checkpoint was lost.
 *
 * Scenarios: store A pushes inserts, updates and deletes, relationships
 * included, and B pulls them; B pulls them through the faults; A syncs
 * both ways with changes on both sides and a true conflict; B pulls from
 * a server without _bulk_get; A pushes, and B pulls, without retries.
 * The summary of each scenario lists every fault and its outcome.
 *
 * What each store and the server hold is read with SQLite and over HTTP
 * here, not through the code under test.
 */

#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-sync.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-sync.h"
#include "godwit-test-utils.h"

/* Small batches, so that a run has a first, a middle and a last one. */
#define BATCH_SIZE 2
/* Retries of a faulted run: one fault needs one. */
#define RETRIES        2
#define RETRY_DELAY_MS 10
/* How late a delayed answer comes; Godwit waits far longer (two minutes). */
#define DELAY_ACTION "delay:0.2"
/* No run on these stores takes a fraction of this: a run past it hangs. */
#define RUN_DEADLINE_S 60
/* The proxy acknowledges new rules at once. */
#define PROXY_DEADLINE_S 10

/* The sync keeps its sidecar at the store's path with this added. */
#define SIDECAR_SUFFIX ".godwit-sync"

/* Core Data's reference date, 2001-01-01T00:00:00Z, in Unix time. */
#define REFERENCE_DATE_UNIX G_GINT64_CONSTANT (978307200)

/* The faults, and a 404: a server (or a proxy) that has lost
 * what the sync asks for. */
static const char * const default_actions[] = {
  "drop", "drop-after", DELAY_ACTION, "truncate", "500", "503", "409", "404", NULL
};

/* ---- the proxy ---------------------------------------------------------- */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *output;
  char             *dir;
  char             *log;
  char             *url;
} FaultProxy;

static gboolean
fault_proxy_start (FaultProxy       *proxy,
                   GodwitTestServer *server)
{
  g_autofree char *python = g_find_program_in_path ("python3");
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "sync-fault-proxy.py", NULL);
  g_autofree char *upstream_port = NULL;
  g_autofree char *port = NULL;

  memset (proxy, 0, sizeof *proxy);
  if (python == NULL)
    {
      g_test_skip ("no python3 to run sync-fault-proxy.py with");
      return FALSE;
    }

  proxy->dir = godwit_test_make_tmpdir ();
  proxy->log = g_build_filename (proxy->dir, "requests.log", NULL);
  upstream_port = godwit_test_dup_port_of (server->url);
  /* Its standard input ends with the test, even one that aborts. */
  port = godwit_test_spawn_proxy (&proxy->process, G_SUBPROCESS_FLAGS_STDIN_PIPE,
                                  (const char * const []) { python, script, upstream_port, proxy->log, NULL },
                                  &proxy->output);
  proxy->url = g_strdup_printf ("http://127.0.0.1:%s", port);

  return TRUE;
}

static void
fault_proxy_stop (FaultProxy *proxy)
{
  if (proxy->process == NULL)
    return;

  g_clear_object (&proxy->output);
  godwit_test_stop_proxy (&proxy->process, &proxy->dir);
  g_clear_pointer (&proxy->log, g_free);
  g_clear_pointer (&proxy->url, g_free);
}

static gboolean
on_deadline (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;

  return G_SOURCE_REMOVE;
}

/* Runs the main context until *@result is set: FALSE when @seconds
 * passed first. */
static gboolean
wait_for (gpointer *result,
          guint     seconds)
{
  gboolean expired = FALSE;
  guint deadline = g_timeout_add_seconds (seconds, on_deadline, &expired);

  while (*result == NULL && !expired)
    g_main_context_iteration (NULL, TRUE);
  if (!expired)
    g_source_remove (deadline);

  return !expired;
}

static void
on_line_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **line = user_data;
  g_autoptr(GError) error = NULL;

  *line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  g_assert_no_error (error);
  if (*line == NULL)
    g_error ("sync-fault-proxy.py ended");
}

/* Replaces the proxy's rules, separated by ";" (none: ""), and starts
 * their counts again. */
static void
fault_proxy_set_rules (FaultProxy *proxy,
                       const char *rules)
{
  g_autofree char *command = g_strconcat (rules, "\n", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  g_assert_true (g_output_stream_write_all (g_subprocess_get_stdin_pipe (proxy->process), command,
                                            strlen (command), NULL, NULL, &error));
  g_assert_no_error (error);
  g_data_input_stream_read_line_async (proxy->output, G_PRIORITY_DEFAULT, NULL, on_line_read, &line);
  if (!wait_for ((gpointer *) &line, PROXY_DEADLINE_S))
    g_error ("sync-fault-proxy.py did not take the rules “%s” in %d s", rules, PROXY_DEADLINE_S);
  g_assert_cmpstr (line, ==, "ok");
}

/* The requests answered since the last call, each "METHOD PATH ACTION". */
static GStrv
fault_proxy_take_log (FaultProxy *proxy)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents (proxy->log, &text, NULL, &error))
    g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  lines = g_strsplit (text != NULL ? text : "", "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      g_strv_builder_add (builder, lines[i]);
  godwit_test_write_file (proxy->log, "", 0);

  return g_strv_builder_end (builder);
}

/* ---- scenarios ---------------------------------------------------------- */

typedef enum
{
  SCENARIO_PUSH,   /* A pushes its changes; B pulls them afterwards */
  SCENARIO_PULL,   /* B pulls the changes A pushed */
  SCENARIO_BOTH,   /* A syncs both ways, both stores changed, one object by both */
} ScenarioKind;

/* Which requests of a kind a scenario fails. */
typedef enum
{
  POSITION_FIRST  = 1 << 0,
  POSITION_MIDDLE = 1 << 1,
  POSITION_LAST   = 1 << 2,
} Position;

typedef struct
{
  const char          *name;
  ScenarioKind         kind;
  guint                retries;     /* of the faulted run */
  Position             positions;
  const char          *only;        /* (nullable) the kinds faulted, "METHOD PATTERN" separated by ";";
                                     * all without */
  const char          *skip;        /* (nullable) kinds not faulted, as @only */
  const char          *rules;       /* (nullable) in force in every faulted run, after the fault's */
  const char * const  *actions;     /* (nullable) the faults; default_actions without */
} Scenario;

/* Store A: a gardener with an identifier who looks after the oak, which
 * grows and goes into the bed (a to-one set, the bed's to-many changed
 * with it); the tomato planted later and its first note deleted (an
 * ordered to-many changed). */
static const char * const edits_a[] = {
  "INSERT INTO ZGARDENER (Z_PK, Z_ENT, Z_OPT, ZNAME, ZIDENTIFIER) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Gardener'), 1, 'Eve', "
  "X'E0E1E2E3E4E54E6F8F00112233445566')",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Gardener'",
  "INSERT INTO Z_2PLANTS (Z_2GARDENERS, Z_4PLANTS) VALUES "
  "((SELECT Z_PK FROM ZGARDENER WHERE ZNAME = 'Eve'), (SELECT Z_PK FROM ZPLANT WHERE ZCOMMONNAME = 'Oak'))",
  "UPDATE ZPLANT SET ZHEIGHT = 13.5, ZBED = (SELECT Z_PK FROM ZBED WHERE ZNAME = 'South') "
  "WHERE ZCOMMONNAME = 'Oak'",
  "UPDATE ZPLANT SET ZPLANTED = 150 WHERE ZCOMMONNAME = 'Tomato'",
  "DELETE FROM ZNOTE WHERE ZTEXT = 'n1'",
  NULL
};

/* Store B, in the two-way scenario: a new bed with a new plant, the
 * basil's species, Ann deleted with her link to the tomato, and the
 * tomato planted at another time than A says: a true conflict, which A's
 * sync resolves property by property, the store's change winning where
 * both changed. */
static const char * const edits_b[] = {
  "INSERT INTO ZBED (Z_PK, Z_ENT, Z_OPT, ZNAME, ZSUNNY) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Bed'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Bed'), 1, 'East', 1)",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Bed'",
  "INSERT INTO ZPLANT (Z_PK, Z_ENT, Z_OPT, ZCOMMONNAME, ZSPECIES, ZBED) VALUES "
  "((SELECT Z_MAX + 1 FROM Z_PRIMARYKEY WHERE Z_NAME = 'Plant'), "
  "(SELECT Z_ENT FROM Z_PRIMARYKEY WHERE Z_NAME = 'Plant'), 1, 'Mint', 'Mentha', "
  "(SELECT Z_PK FROM ZBED WHERE ZNAME = 'East'))",
  "UPDATE Z_PRIMARYKEY SET Z_MAX = Z_MAX + 1 WHERE Z_NAME = 'Plant'",
  "UPDATE ZPLANT SET ZSPECIES = 'Ocimum' WHERE ZCOMMONNAME = 'Basil'",
  "DELETE FROM Z_2PLANTS WHERE Z_2GARDENERS = (SELECT Z_PK FROM ZGARDENER WHERE ZNAME = 'Ann')",
  "DELETE FROM ZGARDENER WHERE ZNAME = 'Ann'",
  "UPDATE ZPLANT SET ZPLANTED = 175 WHERE ZCOMMONNAME = 'Tomato'",
  NULL
};

/* What both stores and the server hold in the end, as the queries of
 * store_queries[] give it. */
typedef struct
{
  guint       n_objects;
  const char *rows[5];
} Expected;

static const char * const store_queries[] = {
  "SELECT ZNAME, ZSUNNY FROM ZBED ORDER BY 1",
  "SELECT hex(ZIDENTIFIER), ZNAME FROM ZGARDENER ORDER BY 2",
  "SELECT p.ZCOMMONNAME, p.ZPLANTED, p.ZSPECIES, p.ZHEIGHT, b.ZNAME FROM ZPLANT p "
  "LEFT JOIN ZBED b ON b.Z_PK = p.ZBED ORDER BY 1",
  "SELECT p.ZCOMMONNAME, g.ZNAME FROM Z_2PLANTS j JOIN ZPLANT p ON p.Z_PK = j.Z_4PLANTS "
  "JOIN ZGARDENER g ON g.Z_PK = j.Z_2GARDENERS ORDER BY 1, 2",
  "SELECT p.ZCOMMONNAME, n.ZTEXT FROM ZNOTE n LEFT JOIN ZPLANT p ON p.Z_PK = n.ZPLANT ORDER BY 1, n.Z_FOK_PLANT",
};

static const Expected expected_one_way = {
  9,
  {
    "South|1",
    "C8AD661E8B9C4A119000123456789ABC|Ann\n|Bob\nE0E1E2E3E4E54E6F8F00112233445566|Eve",
    "Basil|200|NULL|NULL|South\nOak|300|NULL|13.5|South\nTomato|150|NULL|NULL|South",
    "Oak|Bob\nOak|Eve\nTomato|Ann\nTomato|Bob",
    "Tomato|n2\nTomato|n3",
  },
};

static const Expected expected_both_ways = {
  10,
  {
    "East|1\nSouth|1",
    "|Bob\nE0E1E2E3E4E54E6F8F00112233445566|Eve",
    "Basil|200|Ocimum|NULL|South\nMint|NULL|Mentha|NULL|East\nOak|300|NULL|13.5|South\n"
    "Tomato|150|NULL|NULL|South",
    "Oak|Bob\nOak|Eve\nTomato|Bob",
    "Tomato|n2\nTomato|n3",
  },
};

/* One run of a scenario: its own database, behind the proxy, and stores. */
typedef struct
{
  const Scenario    *scenario;
  FaultProxy        *proxy;
  GodwitTestServer   server;   /* at the proxy's URL */
  GodwitTestServer   direct;   /* the same database at the server's own URL, to check */
  GodwitModelBundle *bundle;
  GodwitModel       *model;
  GodwitTestStore    a;
  GodwitTestStore    b;
} Case;

/* The stores every case starts from, written once. */
typedef struct
{
  GodwitModelBundle *bundle;
  GodwitModel       *model;
  GodwitTestStore    a;        /* the garden's objects */
  GodwitTestStore    b;        /* none */
} Templates;

static void
templates_init (Templates *templates)
{
  memset (templates, 0, sizeof *templates);
  templates->bundle = godwit_test_load_garden ();
  templates->model = godwit_test_find_version (templates->bundle, "Garden 3");
  godwit_test_sync_write_garden (&templates->a, templates->model, TRUE);
  godwit_test_sync_write_garden (&templates->b, templates->model, FALSE);
}

static void
templates_clear (Templates *templates)
{
  godwit_test_store_clear (&templates->a);
  godwit_test_store_clear (&templates->b);
  g_clear_object (&templates->bundle);
}

static void
copy_template (GodwitTestStore       *store,
               const GodwitTestStore *template)
{
  godwit_test_store_init (store, "Garden.sqlite");
  godwit_test_copy_store (template->path, store->path);
}

static void
case_init (Case              *c,
           const Scenario    *scenario,
           FaultProxy        *proxy,
           GodwitTestServer  *server,
           const Templates   *templates)
{
  memset (c, 0, sizeof *c);
  c->scenario = scenario;
  c->proxy = proxy;
  godwit_test_server_init_at (&c->direct, server->url, server->user, server->password);
  godwit_test_server_init_at (&c->server, proxy->url, server->user, server->password);
  g_free (c->server.database);
  c->server.database = g_strdup (c->direct.database);
  c->bundle = templates->bundle;
  c->model = templates->model;
  copy_template (&c->a, &templates->a);
  copy_template (&c->b, &templates->b);
}

static void
case_clear (Case *c)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  /* The server keeps its databases in memory. */
  answer = godwit_test_server_request (&c->direct, "DELETE", "", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  godwit_test_server_clear (&c->server);
  godwit_test_server_clear (&c->direct);
  godwit_test_store_clear (&c->a);
  godwit_test_store_clear (&c->b);
}

/* A sync of @store, in batches of @batch_size. */
static GodwitSync *
case_new_sync (Case                *c,
               GodwitTestStore     *store,
               GodwitSyncDirection  direction,
               guint                batch_size,
               guint                retries)
{
  GodwitSync *sync = godwit_test_sync_new (&c->server, store->path, c->bundle);

  godwit_sync_set_direction (sync, direction);
  godwit_sync_set_batch_size (sync, batch_size);
  godwit_sync_set_retries (sync, retries, RETRY_DELAY_MS);

  return sync;
}

static void
on_run_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

/* Runs @sync, failing the test if it does not end in RUN_DEADLINE_S. */
static gboolean
run_within_deadline (GodwitSync  *sync,
                     GError     **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  godwit_sync_run_async (sync, NULL, on_run_done, &result);
  if (!wait_for ((gpointer *) &result, RUN_DEADLINE_S))
    g_error ("a sync with %s hangs: not done in %d s", godwit_sync_get_url (sync), RUN_DEADLINE_S);

  return godwit_sync_run_finish (sync, result, error);
}

/* A run without faults, which must succeed. */
static GodwitSync *
case_sync (Case                *c,
           GodwitTestStore     *store,
           GodwitSyncDirection  direction,
           guint                batch_size)
{
  GodwitSync *sync = case_new_sync (c, store, direction, batch_size, RETRIES);
  g_autoptr(GError) error = NULL;

  g_assert_true (run_within_deadline (sync, &error));
  g_assert_no_error (error);

  return sync;
}

/* A run that sets the stage or follows the faulted one: in one batch. */
static void
case_sync_once (Case                *c,
                GodwitTestStore     *store,
                GodwitSyncDirection  direction)
{
  g_autoptr(GodwitSync) sync = case_sync (c, store, direction, GODWIT_SYNC_DEFAULT_BATCH_SIZE);
}

/* The stores and the server as the faulted run finds them. */
static void
case_prepare (Case *c)
{
  fault_proxy_set_rules (c->proxy, "");
  switch (c->scenario->kind)
    {
    case SCENARIO_PUSH:
      case_sync_once (c, &c->a, GODWIT_SYNC_DIRECTION_PUSH);
      godwit_test_execute_all_sql (c->a.path, edits_a);
      break;
    case SCENARIO_PULL:
      case_sync_once (c, &c->a, GODWIT_SYNC_DIRECTION_PUSH);
      case_sync_once (c, &c->b, GODWIT_SYNC_DIRECTION_PULL);
      godwit_test_execute_all_sql (c->a.path, edits_a);
      case_sync_once (c, &c->a, GODWIT_SYNC_DIRECTION_PUSH);
      break;
    case SCENARIO_BOTH:
    default:
      case_sync_once (c, &c->a, GODWIT_SYNC_DIRECTION_BOTH);
      case_sync_once (c, &c->b, GODWIT_SYNC_DIRECTION_BOTH);
      godwit_test_execute_all_sql (c->a.path, edits_a);
      godwit_test_execute_all_sql (c->b.path, edits_b);
      case_sync_once (c, &c->b, GODWIT_SYNC_DIRECTION_BOTH);
      break;
    }
  g_strfreev (fault_proxy_take_log (c->proxy));
}

/* The store the faulted run syncs, and how. */
static GodwitTestStore *
case_faulted_store (Case                *c,
                    GodwitSyncDirection *direction)
{
  switch (c->scenario->kind)
    {
    case SCENARIO_PUSH:
      *direction = GODWIT_SYNC_DIRECTION_PUSH;
      return &c->a;
    case SCENARIO_PULL:
      *direction = GODWIT_SYNC_DIRECTION_PULL;
      return &c->b;
    case SCENARIO_BOTH:
    default:
      *direction = GODWIT_SYNC_DIRECTION_BOTH;
      return &c->a;
    }
}

/* ---- what the server holds ---------------------------------------------- */

/* A string attribute every object of the garden has set. */
static const char *
attribute_text (JsonObject *document,
                const char *name)
{
  JsonObject *attributes = json_object_get_object_member (document, "attributes");
  JsonNode *value = json_object_get_member (attributes, name);

  g_assert_nonnull (value);
  g_assert_true (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING);

  return json_node_get_string (value);
}

/* An attribute as godwit_test_query() shows the store's column. */
static char *
dup_column_text (JsonObject *document,
                 const char *name)
{
  JsonObject *attributes = json_object_get_object_member (document, "attributes");
  JsonNode *value = json_object_get_member (attributes, name);

  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("NULL");
  if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (value) ? "1" : "0");
  if (json_node_get_value_type (value) == G_TYPE_DOUBLE || json_node_get_value_type (value) == G_TYPE_INT64)
    return g_strdup_printf ("%.17g", json_node_get_double (value));
  if (g_str_equal (name, "planted"))
    {
      g_autoptr(GDateTime) date = g_date_time_new_from_iso8601 (json_node_get_string (value), NULL);
      double seconds;

      g_assert_nonnull (date);
      seconds = (double) (g_date_time_to_unix (date) - REFERENCE_DATE_UNIX) +
                g_date_time_get_microsecond (date) / 1e6;
      return g_strdup_printf ("%.17g", seconds);
    }
  if (g_str_equal (name, "identifier"))
    {
      g_autofree char *hex = g_ascii_strup (json_node_get_string (value), -1);
      GString *text = g_string_new (NULL);

      for (const char *p = hex; *p != '\0'; p++)
        if (*p != '-')
          g_string_append_c (text, *p);
      return g_string_free (text, FALSE);
    }

  return g_strdup (json_node_get_string (value));
}

static gboolean
is_entity (JsonObject *document,
           const char *entity)
{
  return g_strcmp0 (json_object_get_string_member (document, "entity"), entity) == 0;
}

static gboolean
is_plant (JsonObject *document)
{
  return is_entity (document, "Plant") || is_entity (document, "Tree");
}

static JsonNode *
relationship (JsonObject *document,
              const char *name)
{
  JsonObject *relationships = json_object_get_object_member (document, "relationships");
  JsonNode *node = json_object_get_member (relationships, name);

  g_assert_nonnull (node);

  return node;
}

/* The document @id among the live ones: it must be there. */
static JsonObject *
lookup (GHashTable *by_id,
        JsonNode   *id)
{
  JsonObject *document;

  g_assert_true (JSON_NODE_HOLDS_VALUE (id));
  document = g_hash_table_lookup (by_id, json_node_get_string (id));
  if (document == NULL)
    g_error ("the server's documents name “%s”, which is not a live document", json_node_get_string (id));

  return document;
}

static char *
join_rows (GPtrArray *rows,
           gboolean   sort)
{
  GString *text = g_string_new (NULL);

  if (sort)
    g_ptr_array_sort (rows, godwit_test_compare_strings);
  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "\n" : "", (const char *) g_ptr_array_index (rows, i));

  return g_string_free (text, FALSE);
}

/* Relationship @name of @document from both sides: "id target" for each
 * target, into @links. */
static void
add_links (GPtrArray  *links,
           JsonObject *document,
           const char *name)
{
  const char *id = json_object_get_string_member (document, "_id");
  JsonNode *node = relationship (document, name);

  if (JSON_NODE_HOLDS_NULL (node))
    return;
  if (JSON_NODE_HOLDS_VALUE (node))
    {
      g_ptr_array_add (links, g_strdup_printf ("%s %s", id, json_node_get_string (node)));
      return;
    }
  for (guint i = 0; i < json_array_get_length (json_node_get_array (node)); i++)
    {
      const char *target = json_array_get_string_element (json_node_get_array (node), i);

      g_ptr_array_add (links, g_strdup_printf ("%s %s", id, target));
    }
}

/* The same links seen from their other end. */
static void
assert_inverse (GPtrArray *links,
                GPtrArray *inverse_links)
{
  g_autoptr(GPtrArray) turned = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *forward = NULL;
  g_autofree char *backward = NULL;

  for (guint i = 0; i < inverse_links->len; i++)
    {
      g_auto(GStrv) ends = g_strsplit (g_ptr_array_index (inverse_links, i), " ", 2);

      g_ptr_array_add (turned, g_strdup_printf ("%s %s", ends[1], ends[0]));
    }
  forward = join_rows (links, TRUE);
  backward = join_rows (turned, TRUE);
  g_assert_cmpstr (backward, ==, forward);
}

/* The server's live documents as the rows of store_queries[] (element-type
 * utf8); every relationship must match its inverse. */
static GPtrArray *
dup_server_rows (GPtrArray  *documents,
                 GHashTable *by_id)
{
  g_autoptr(GPtrArray) beds = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) gardeners = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plants = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) orphans = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) journals = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plant_bed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) bed_plants = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plant_gardeners = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) gardener_plants = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) plant_journal = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) note_plant = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);

      if (is_entity (document, "Bed"))
        {
          g_autofree char *sunny = dup_column_text (document, "sunny");

          g_ptr_array_add (beds, g_strdup_printf ("%s|%s", attribute_text (document, "name"), sunny));
          add_links (bed_plants, document, "plants");
        }
      else if (is_entity (document, "Gardener"))
        {
          g_autofree char *identifier = dup_column_text (document, "identifier");
          const char *name = attribute_text (document, "name");

          /* Sorted by name, as the query orders them: the name first,
           * dropped once sorted. */
          g_ptr_array_add (gardeners, g_strdup_printf ("%s|%s|%s", name,
                                                       g_str_equal (identifier, "NULL") ? "" : identifier, name));
          add_links (gardener_plants, document, "plants");
        }
      else if (is_plant (document))
        {
          g_autofree char *planted = dup_column_text (document, "planted");
          g_autofree char *species = dup_column_text (document, "species");
          g_autofree char *height = dup_column_text (document, "height");
          const char *name = attribute_text (document, "commonName");
          JsonNode *bed = relationship (document, "bed");
          JsonArray *members = json_node_get_array (relationship (document, "gardeners"));
          JsonArray *journal = json_node_get_array (relationship (document, "journal"));

          g_ptr_array_add (plants, g_strdup_printf ("%s|%s|%s|%s|%s", name, planted, species, height,
                                                    JSON_NODE_HOLDS_NULL (bed) ? "NULL" :
                                                    attribute_text (lookup (by_id, bed), "name")));
          for (guint j = 0; j < json_array_get_length (members); j++)
            {
              JsonObject *gardener = lookup (by_id, json_array_get_element (members, j));

              g_ptr_array_add (pairs, g_strdup_printf ("%s|%s", name, attribute_text (gardener, "name")));
            }
          /* Notes of a plant in the order of its journal. */
          for (guint j = 0; j < json_array_get_length (journal); j++)
            {
              JsonObject *note = lookup (by_id, json_array_get_element (journal, j));

              g_ptr_array_add (journals, g_strdup_printf ("%s|%06u|%s", name, j, attribute_text (note, "text")));
            }
          add_links (plant_bed, document, "bed");
          add_links (plant_gardeners, document, "gardeners");
          add_links (plant_journal, document, "journal");
        }
      else if (is_entity (document, "Note"))
        {
          if (JSON_NODE_HOLDS_NULL (relationship (document, "plant")))
            g_ptr_array_add (orphans, g_strdup_printf ("NULL|%s", attribute_text (document, "text")));
          add_links (note_plant, document, "plant");
        }
      else
        g_error ("the server holds a document of no entity of the garden: %s",
                 json_object_get_string_member (document, "_id"));
    }

  assert_inverse (plant_bed, bed_plants);
  assert_inverse (plant_gardeners, gardener_plants);
  assert_inverse (plant_journal, note_plant);

  g_ptr_array_add (rows, join_rows (beds, TRUE));
  g_ptr_array_sort (gardeners, godwit_test_compare_strings);
  for (guint i = 0; i < gardeners->len; i++)
    {
      char *row = g_ptr_array_index (gardeners, i);

      memmove (row, strchr (row, '|') + 1, strlen (strchr (row, '|') + 1) + 1);
    }
  g_ptr_array_add (rows, join_rows (gardeners, FALSE));
  g_ptr_array_add (rows, join_rows (plants, TRUE));
  g_ptr_array_add (rows, join_rows (pairs, TRUE));
  /* Notes without a plant first (NULL sorts first), then by plant. */
  g_ptr_array_sort (orphans, godwit_test_compare_strings);
  g_ptr_array_sort (journals, godwit_test_compare_strings);
  for (guint i = 0; i < journals->len; i++)
    {
      g_auto(GStrv) fields = g_strsplit (g_ptr_array_index (journals, i), "|", 3);

      g_ptr_array_add (orphans, g_strdup_printf ("%s|%s", fields[0], fields[2]));
    }
  g_ptr_array_add (rows, join_rows (orphans, FALSE));

  return rows;
}

/* ---- convergence -------------------------------------------------------- */

/* The documents of the objects of the store at @path, as its sidecar
 * maps them: id → the revision the store holds. */
static GHashTable *
read_sidecar_revisions (const char *path)
{
  g_autofree char *sidecar_path = g_strconcat (path, SIDECAR_SUFFIX, NULL);
  sqlite3 *db = godwit_test_open_read_only (sidecar_path, FALSE);
  sqlite3_stmt *statement = NULL;
  GHashTable *revisions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id, rev FROM documents WHERE pk > 0", -1, &statement, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (statement) == SQLITE_ROW)
    {
      g_assert_nonnull (sqlite3_column_text (statement, 1));
      g_assert_true (g_hash_table_insert (revisions, g_strdup ((const char *) sqlite3_column_text (statement, 0)),
                                          g_strdup ((const char *) sqlite3_column_text (statement, 1))));
    }
  sqlite3_finalize (statement);
  sqlite3_close (db);

  return revisions;
}

static void
assert_integrity (const char *path)
{
  g_autofree char *sidecar_path = g_strconcat (path, SIDECAR_SUFFIX, NULL);
  g_autofree char *store_check = godwit_test_query_file (path, "PRAGMA integrity_check");
  g_autofree char *sidecar_check = godwit_test_query_file (sidecar_path, "PRAGMA integrity_check");

  g_assert_cmpstr (store_check, ==, "ok");
  g_assert_cmpstr (sidecar_check, ==, "ok");
}

/* The store at @path holds @expected, each of its objects has the
 * revision the server's live document has, and the server has no other. */
static void
assert_store_holds (const char     *path,
                    const Expected *expected,
                    GHashTable     *by_id)
{
  g_autoptr(GHashTable) revisions = read_sidecar_revisions (path);
  g_autofree char *count = godwit_test_query_file (path, "SELECT (SELECT COUNT(*) FROM ZBED) "
                                                         "+ (SELECT COUNT(*) FROM ZGARDENER) "
                                                         "+ (SELECT COUNT(*) FROM ZPLANT) "
                                                         "+ (SELECT COUNT(*) FROM ZNOTE)");
  g_autofree char *expected_count = g_strdup_printf ("%u", expected->n_objects);
  GHashTableIter iter;
  gpointer id, rev;

  for (guint i = 0; i < G_N_ELEMENTS (store_queries); i++)
    {
      g_autofree char *rows = godwit_test_query_file (path, store_queries[i]);

      g_assert_cmpstr (rows, ==, expected->rows[i]);
    }
  g_assert_cmpstr (count, ==, expected_count);
  assert_integrity (path);

  g_assert_cmpuint (g_hash_table_size (revisions), ==, expected->n_objects);
  g_hash_table_iter_init (&iter, revisions);
  while (g_hash_table_iter_next (&iter, &id, &rev))
    {
      JsonObject *document = g_hash_table_lookup (by_id, id);

      if (document == NULL)
        g_error ("%s: object of document %s, which the server does not hold", path, (const char *) id);
      if (g_strcmp0 (json_object_get_string_member (document, "_rev"), rev) != 0)
        g_error ("%s: object of document %s in revision %s, the server’s is %s", path, (const char *) id,
                 (const char *) rev, json_object_get_string_member (document, "_rev"));
    }
}

/* Both stores and the server hold @expected, each object once: on the
 * server one live document each, without conflicts. */
static void
assert_converged (Case           *c,
                  const Expected *expected)
{
  g_autoptr(GPtrArray) documents = godwit_test_server_all_documents (&c->direct);
  g_autoptr(GHashTable) by_id = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) rows = NULL;
  g_autofree char *objects_a = NULL;
  g_autofree char *objects_b = NULL;

  g_assert_cmpuint (documents->len, ==, expected->n_objects);
  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);

      g_assert_false (json_object_has_member (document, "_conflicts"));
      g_assert_true (g_hash_table_insert (by_id, (gpointer) json_object_get_string_member (document, "_id"),
                                          document));
    }
  rows = dup_server_rows (documents, by_id);
  for (guint i = 0; i < G_N_ELEMENTS (store_queries); i++)
    g_assert_cmpstr (g_ptr_array_index (rows, i), ==, expected->rows[i]);

  assert_store_holds (c->a.path, expected, by_id);
  assert_store_holds (c->b.path, expected, by_id);
  objects_a = godwit_test_sync_dup_objects (c->a.path, c->model);
  objects_b = godwit_test_sync_dup_objects (c->b.path, c->model);
  g_assert_cmpstr (objects_a, ==, objects_b);
}

/* @sync, a run after a complete one, found nothing to send or fetch:
 * the checkpoints of the runs before are where they must be. */
static void
assert_nothing_left (Case       *c,
                     GodwitSync *sync)
{
  const GodwitSyncReplication *push = godwit_sync_get_push (sync);
  const GodwitSyncReplication *pull = godwit_sync_get_pull (sync);
  gint64 inserted, updated, deleted;

  godwit_sync_get_local_changes (sync, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted + updated + deleted, ==, 0);
  godwit_sync_get_store_changes (sync, &inserted, &updated, &deleted);
  g_assert_cmpint (inserted + updated + deleted, ==, 0);
  g_assert_cmpuint (godwit_sync_get_conflicts (sync)->len, ==, 0);
  g_assert_cmpuint (godwit_sync_get_n_unresolved (sync), ==, 0);
  if (push != NULL)
    {
      g_assert_cmpint (push->missing_checked, ==, 0);
      g_assert_cmpint (push->docs_written, ==, 0);
    }
  if (pull != NULL)
    {
      g_assert_cmpint (pull->missing_found, ==, 0);
      g_assert_cmpint (pull->docs_written, ==, 0);
      /* Nothing changed on the server since this store's pull. */
      if (c->scenario->kind == SCENARIO_PULL)
        g_assert_cmpint (pull->missing_checked, ==, 0);
    }
}

/* ---- the matrix --------------------------------------------------------- */

/* A kind of request a run makes: its method and the glob of its path,
 * the database written "/DB". */
typedef struct
{
  char  *method;
  char  *pattern;
  guint  count;     /* in the run without faults */
} RequestKind;

static void
request_kind_free (RequestKind *kind)
{
  g_free (kind->method);
  g_free (kind->pattern);
  g_free (kind);
}

/* The glob of @path that a rule names its kind by: the database as
 * "/DB", its _local documents by "_local/" and a "*", its documents by
 * what does not start with "_". */
static char *
dup_path_pattern (const char *path,
                  const char *database)
{
  g_autofree char *prefix = g_strconcat ("/", database, NULL);
  const char *rest;

  if (!g_str_has_prefix (path, prefix))
    return g_strdup (path);
  rest = path + strlen (prefix);
  if (*rest == '\0')
    return g_strdup ("/DB");
  if (g_str_has_prefix (rest, "/_local/"))
    return g_strdup ("/DB/_local/*");
  if (g_str_has_prefix (rest, "/_"))
    return g_strconcat ("/DB", rest, NULL);

  return g_strdup ("/DB/[!_]*");
}

/* @text with "/DB" replaced by the database's path. */
static char *
dup_with_database (const char *text,
                   const char *database)
{
  g_auto(GStrv) parts = g_strsplit (text, "/DB", -1);
  g_autofree char *path = g_strconcat ("/", database, NULL);

  return g_strjoinv (path, parts);
}

/* What a rule for the @ordinal-th request of @kind names it by, in the
 * summary. */
static char *
dup_point_label (const RequestKind *kind,
                 guint              ordinal)
{
  const char *path = kind->pattern;

  if (g_str_equal (path, "/DB/[!_]*"))
    path = "/DB/DOC?open_revs";
  else if (g_str_equal (path, "/DB/_local/*"))
    path = "/DB/_local/checkpoint";

  return g_strdup_printf ("%s %s #%u of %u", kind->method, path, ordinal, kind->count);
}

/* What one case ran into. */
typedef struct
{
  gboolean  failed;       /* the faulted run failed */
  char     *message;      /* (nullable) its error */
  guint     n_requests;   /* requests of the fault's kind in the faulted run */
  GStrv     log;          /* the faulted run's requests, "METHOD PATTERN ACTION" */
} Outcome;

static void
outcome_clear (Outcome *outcome)
{
  g_clear_pointer (&outcome->message, g_free);
  g_clear_pointer (&outcome->log, g_strfreev);
}

static gboolean
is_kind (const RequestKind *kind,
         const char        *method,
         const char        *pattern)
{
  return g_str_equal (kind->method, method) && g_str_equal (kind->pattern, pattern);
}

typedef enum
{
  EXPECT_SUCCESS,
  EXPECT_FAILURE,
  EXPECT_EITHER,    /* success only by sending the request again */
} Expectation;

/* What the fault @action on @kind does to the run: a 409 is not retried,
 * except for the checkpoint's PUT (another writer's revision: read, then
 * written again) and the server's welcome (which then tells nothing: the
 * server is asked to commit, to be safe); faults of the connection and
 * 5xx are, when the run may retry. Without retries, libsoup still sends a request again once
 * when a kept-alive connection closes before its answer: its first
 * request on a new connection fails. */
static Expectation
expect (const Scenario    *scenario,
        const RequestKind *kind,
        const char        *action)
{
  if (g_str_equal (action, "409"))
    return is_kind (kind, "PUT", "/DB/_local/*") || is_kind (kind, "GET", "/") ? EXPECT_SUCCESS : EXPECT_FAILURE;
  /* Not found: the database is created again (the test's runs may:
   * there it is), the welcome tells nothing, a checkpoint lost makes the
   * run start from the start, and without _bulk_get documents are read
   * one by one; anything else lost stops the run. */
  if (g_str_equal (action, "404"))
    return is_kind (kind, "HEAD", "/DB") || is_kind (kind, "GET", "/") || is_kind (kind, "GET", "/DB/_local/*") ||
           is_kind (kind, "POST", "/DB/_bulk_get") ? EXPECT_SUCCESS : EXPECT_FAILURE;
  /* A document the server failed to read is not skipped. */
  if (g_str_equal (action, "doc-error"))
    return EXPECT_FAILURE;
  if (g_str_has_prefix (action, "delay:") || scenario->retries > 0)
    return EXPECT_SUCCESS;
  if (g_str_equal (action, "drop") || g_str_equal (action, "drop-after"))
    return EXPECT_EITHER;

  return EXPECT_FAILURE;
}

/* Runs @c's scenario with the fault @action on the @ordinal-th request of
 * @kind (none without @kind), then without faults, and checks that it
 * converges. */
static void
run_case (Case              *c,
          const RequestKind *kind,
          guint              ordinal,
          const char        *action,
          Outcome           *outcome)
{
  const Scenario *scenario = c->scenario;
  g_autoptr(GString) rules = g_string_new (NULL);
  g_autoptr(GodwitSync) faulted = NULL;
  g_autoptr(GodwitSync) rerun = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *database_url = g_strdup_printf ("%s/%s", c->server.url, c->server.database);
  g_auto(GStrv) log = NULL;
  g_autoptr(GStrvBuilder) patterns = g_strv_builder_new ();
  GodwitSyncDirection direction;
  GodwitTestStore *store;
  guint n_faults = 0;

  memset (outcome, 0, sizeof *outcome);
  case_prepare (c);

  /* The fault first: it acts where a rule of the scenario would too. */
  if (kind != NULL)
    {
      g_autofree char *pattern = dup_with_database (kind->pattern, c->server.database);

      g_string_append_printf (rules, "%s %s %u %s", kind->method, pattern, ordinal, action);
    }
  if (scenario->rules != NULL)
    {
      g_autofree char *scenario_rules = dup_with_database (scenario->rules, c->server.database);

      g_string_append_printf (rules, "%s%s", rules->len > 0 ? ";" : "", scenario_rules);
    }
  fault_proxy_set_rules (c->proxy, rules->str);

  store = case_faulted_store (c, &direction);
  faulted = case_new_sync (c, store, direction, BATCH_SIZE, scenario->retries);
  outcome->failed = !run_within_deadline (faulted, &error);
  fault_proxy_set_rules (c->proxy, "");

  log = fault_proxy_take_log (c->proxy);
  for (guint i = 0; log[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (log[i], " ", 3);
      g_autofree char *pattern = NULL;
      g_autofree char *entry = NULL;

      g_assert_cmpuint (g_strv_length (words), ==, 3);
      pattern = dup_path_pattern (words[1], c->server.database);
      entry = g_strdup_printf ("%s %s %s", words[0], pattern, words[2]);
      g_strv_builder_add (patterns, entry);
      if (kind != NULL && is_kind (kind, words[0], pattern))
        {
          outcome->n_requests++;
          n_faults += g_str_equal (words[2], action);
        }
    }
  outcome->log = g_strv_builder_end (patterns);
  /* The fault was made, once. */
  if (kind != NULL)
    g_assert_cmpuint (n_faults, ==, 1);

  /* Whatever happened, the store is whole. */
  assert_integrity (store->path);

  if (outcome->failed)
    {
      g_autofree char *status = g_strdup_printf ("HTTP %s", action);

      g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_SERVER);
      if (strstr (error->message, database_url) == NULL)
        g_error ("“%s” does not name the database, %s", error->message, database_url);
      if (g_ascii_isdigit (action[0]) && strstr (error->message, status) == NULL)
        g_error ("“%s” does not name the answer, %s", error->message, status);
      /* The document and the server's reason. */
      if (g_str_equal (action, "doc-error") && strstr (error->message, "injected by sync-fault-proxy") == NULL)
        g_error ("“%s” does not give the server's reason", error->message);
      /* The connection's error, and how often the request went. */
      if (!g_ascii_isdigit (action[0]) && !g_str_equal (action, "doc-error") &&
          strstr (error->message, "(tried ") == NULL)
        g_error ("“%s” does not say how often the request was sent", error->message);
      outcome->message = g_strdup (error->message);
    }
  else
    g_assert_no_error (error);
  if (kind != NULL)
    {
      Expectation expectation = expect (scenario, kind, action);

      if ((expectation == EXPECT_SUCCESS && outcome->failed) ||
          (expectation == EXPECT_FAILURE && !outcome->failed) ||
          (expectation == EXPECT_EITHER && !outcome->failed && outcome->n_requests <= kind->count))
        g_error ("%s, %s %s #%u, %s: the faulted run %s", scenario->name, kind->method, kind->pattern, ordinal,
                 action, outcome->failed ? error->message : "succeeded, but should have failed");
    }

  /* Again without faults, then the other store. After a faulted run
   * that succeeded, there is nothing left to do. */
  rerun = case_sync (c, store, direction, BATCH_SIZE);
  if (!outcome->failed)
    assert_nothing_left (c, rerun);
  switch (scenario->kind)
    {
    case SCENARIO_PUSH:
      case_sync_once (c, &c->b, GODWIT_SYNC_DIRECTION_PULL);
      assert_converged (c, &expected_one_way);
      break;
    case SCENARIO_PULL:
      assert_converged (c, &expected_one_way);
      break;
    case SCENARIO_BOTH:
    default:
      g_assert_cmpuint (godwit_sync_get_n_unresolved (rerun), ==, 0);
      case_sync_once (c, &c->b, GODWIT_SYNC_DIRECTION_BOTH);
      assert_converged (c, &expected_both_ways);
      break;
    }
  if (outcome->failed)
    {
      g_autoptr(GodwitSync) again = case_sync (c, store, direction, BATCH_SIZE);

      assert_nothing_left (c, again);
    }
  g_strfreev (fault_proxy_take_log (c->proxy));
}

/* Whether @list, kinds "METHOD PATTERN" separated by ";", has @method
 * @pattern. */
static gboolean
list_has_kind (const char *list,
               const char *method,
               const char *pattern)
{
  g_auto(GStrv) kinds = g_strsplit (list, ";", -1);
  g_autofree char *kind = g_strdup_printf ("%s %s", method, pattern);

  return g_strv_contains ((const char * const *) kinds, kind);
}

/* The kinds of request of a run without faults that @scenario fails, in
 * the order they first come, with their counts. */
static GPtrArray *
find_kinds (const Scenario *scenario,
            GStrv           log)
{
  GPtrArray *kinds = g_ptr_array_new_with_free_func ((GDestroyNotify) request_kind_free);

  for (guint i = 0; log[i] != NULL; i++)
    {
      g_auto(GStrv) words = g_strsplit (log[i], " ", 3);
      RequestKind *kind = NULL;

      if ((scenario->only != NULL && !list_has_kind (scenario->only, words[0], words[1])) ||
          (scenario->skip != NULL && list_has_kind (scenario->skip, words[0], words[1])))
        continue;
      for (guint j = 0; j < kinds->len && kind == NULL; j++)
        if (is_kind (g_ptr_array_index (kinds, j), words[0], words[1]))
          kind = g_ptr_array_index (kinds, j);
      if (kind == NULL)
        {
          kind = g_new0 (RequestKind, 1);
          kind->method = g_strdup (words[0]);
          kind->pattern = g_strdup (words[1]);
          g_ptr_array_add (kinds, kind);
        }
      kind->count++;
    }

  return kinds;
}

static void
test_scenario (gconstpointer data)
{
  const Scenario *scenario = data;
  const char * const *actions = scenario->actions != NULL ? scenario->actions : default_actions;
  GodwitTestServer server;
  FaultProxy proxy;
  g_autoptr(GPtrArray) kinds = NULL;
  g_autoptr(GString) summary = g_string_new (NULL);
  g_autoptr(GTimer) timer = g_timer_new ();
  Outcome baseline;
  Templates templates;
  Case c;
  guint n_cases = 0, n_retried = 0, n_went_on = 0, n_failed = 0;

  if (!godwit_test_server_init (&server))
    return;
  if (!fault_proxy_start (&proxy, &server))
    {
      godwit_test_server_clear (&server);
      return;
    }
  templates_init (&templates);

  /* Without faults: what the run asks, and that it converges. */
  case_init (&c, scenario, &proxy, &server, &templates);
  run_case (&c, NULL, 0, NULL, &baseline);
  g_assert_false (baseline.failed);
  case_clear (&c);
  kinds = find_kinds (scenario, baseline.log);
  outcome_clear (&baseline);
  for (guint i = 0; i < kinds->len; i++)
    {
      RequestKind *kind = g_ptr_array_index (kinds, i);

      g_test_message ("%s: %s %s, %u in a run", scenario->name, kind->method, kind->pattern, kind->count);
    }

  for (guint i = 0; i < kinds->len; i++)
    {
      RequestKind *kind = g_ptr_array_index (kinds, i);
      guint ordinals[] = { 1, kind->count / 2 + 1, kind->count };
      const Position positions[] = { POSITION_FIRST, POSITION_MIDDLE, POSITION_LAST };
      guint previous = 0;

      for (guint j = 0; j < G_N_ELEMENTS (ordinals); j++)
        {
          g_autofree char *label = NULL;

          if (!(scenario->positions & positions[j]) || ordinals[j] <= previous)
            continue;
          previous = ordinals[j];
          label = dup_point_label (kind, ordinals[j]);
          for (guint k = 0; actions[k] != NULL; k++)
            {
              Outcome outcome;
              const char *result;

              g_test_message ("%s | %s | %s: running", scenario->name, label, actions[k]);
              case_init (&c, scenario, &proxy, &server, &templates);
              run_case (&c, kind, ordinals[j], actions[k], &outcome);
              case_clear (&c);

              n_cases++;
              if (outcome.failed)
                {
                  result = "error, then converged";
                  n_failed++;
                }
              else if (outcome.n_requests > kind->count)
                {
                  result = "retried, converged";
                  n_retried++;
                }
              else
                {
                  result = g_str_has_prefix (actions[k], "delay:") ? "waited, converged"
                                                                   : "went on without it, converged";
                  n_went_on++;
                }
              g_string_append_printf (summary, "%s | %s | %s | %s%s%s\n", scenario->name, label, actions[k],
                                      result, outcome.message != NULL ? ": " : "",
                                      outcome.message != NULL ? outcome.message : "");
              outcome_clear (&outcome);
            }
        }
    }

  g_test_message ("sync under faults, %s: %u faults; %u retried away, %u went on, %u stopped the run; "
                  "every one converged after; %.1f s\n%s", scenario->name, n_cases, n_retried, n_went_on, n_failed,
                  g_timer_elapsed (timer, NULL), summary->str);

  templates_clear (&templates);
  fault_proxy_stop (&proxy);
  godwit_test_server_clear (&server);
}

/* The requests a sync makes: the server's welcome GET / (whether it must
 * be asked to commit), HEAD and GET of the database, GET and PUT of the
 * _local checkpoints; a push's POST _revs_diff and _bulk_docs per batch;
 * a pull's GET _changes and POST _bulk_get per batch, or a GET of each
 * document with open_revs where the server lacks _bulk_get. */
/* A _bulk_get answered, but one document of it an error. */
static const char * const document_error[] = { "doc-error", NULL };

static const Scenario scenarios[] = {
  { "push", SCENARIO_PUSH, RETRIES, POSITION_FIRST | POSITION_MIDDLE, NULL, NULL, NULL, NULL },
  { "pull", SCENARIO_PULL, RETRIES, POSITION_FIRST | POSITION_MIDDLE, NULL, NULL, NULL, NULL },
  /* The push and the pull go on from where the ones above start, the
   * pull meets a conflict and the resolution is pushed last. */
  { "both", SCENARIO_BOTH, RETRIES, POSITION_MIDDLE | POSITION_LAST, NULL, "HEAD /DB;GET /DB;GET /", NULL,
    NULL },
  /* A server without _bulk_get: documents are read one by one. */
  { "pull-open-revs", SCENARIO_PULL, RETRIES, POSITION_FIRST | POSITION_MIDDLE | POSITION_LAST, "GET /DB/[!_]*", NULL,
    "POST /DB/_bulk_get 1 404", NULL },
  /* Without retries, faults of the writes and of the pull's documents
   * stop the run, a batch written or fetched but not checkpointed: the
   * next run goes on from the checkpoint before. */
  { "push-no-retries", SCENARIO_PUSH, 0, POSITION_FIRST | POSITION_MIDDLE, "POST /DB/_bulk_docs;PUT /DB/_local/*",
    NULL, NULL, NULL },
  { "pull-no-retries", SCENARIO_PULL, 0, POSITION_FIRST | POSITION_MIDDLE, "POST /DB/_bulk_get;PUT /DB/_local/*",
    NULL, NULL, NULL },
  /* A server that answers a _bulk_get but could not read one of its
   * documents: the pull stops there, and goes on from there next time. */
  { "pull-document-error", SCENARIO_PULL, RETRIES, POSITION_FIRST | POSITION_MIDDLE | POSITION_LAST,
    "POST /DB/_bulk_get", NULL, NULL, document_error },
};

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (scenarios); i++)
    {
      g_autofree char *path = g_strdup_printf ("/sync-faults/%s", scenarios[i].name);

      g_test_add_data_func (path, &scenarios[i], test_scenario);
    }

  return g_test_run ();
}
