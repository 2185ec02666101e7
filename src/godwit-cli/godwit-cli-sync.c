/* godwit-cli-sync.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli sync STORE: syncs a store with a database of a CouchDB-
 * protocol server through the library's GodwitSync. The password never
 * comes from the command line, where other users see it: it is read from
 * GODWIT_SYNC_PASSWORD or from standard input, and never printed.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"
#include "godwit-sync.h"
#include "godwit-value.h"

#define PASSWORD_VARIABLE "GODWIT_SYNC_PASSWORD"
#define MAX_PASSWORD_LENGTH 4096

/* One line of standard input, without echo on a terminal. */
static char *
read_password (const char  *user,
               GError     **error)
{
  char buffer[MAX_PASSWORD_LENGTH + 2];
  gboolean terminal = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  gboolean echo_off = FALSE;
  char *line;
  gsize length;

  if (terminal)
    {
      g_printerr (_("Password for %s: "), user);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  line = fgets (buffer, sizeof buffer, stdin);

  if (echo_off)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  if (terminal)
    g_printerr ("\n");

  if (line == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--user: no password: set %s or give it on standard input"), PASSWORD_VARIABLE);
      return NULL;
    }
  length = strlen (buffer);
  if (length > 0 && buffer[length - 1] == '\n')
    buffer[--length] = '\0';
  else if (length > MAX_PASSWORD_LENGTH)
    {
      memset (buffer, 0, sizeof buffer);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--user: the password on standard input is longer than %d bytes"), MAX_PASSWORD_LENGTH);
      return NULL;
    }
  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';

  line = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);

  return line;
}

/* "newest:ATTRIBUTE" or a plain policy name. */
static gboolean
parse_policy (const char        *text,
              GodwitSyncPolicy  *policy,
              char             **date_attribute,
              GError           **error)
{
  if (g_str_has_prefix (text, "newest:") && text[strlen ("newest:")] != '\0')
    {
      *policy = GODWIT_SYNC_POLICY_NEWEST;
      *date_attribute = g_strdup (text + strlen ("newest:"));
      return TRUE;
    }
  if (strcmp (text, "newest") != 0 && godwit_sync_policy_from_string (text, policy))
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--policy: “%s” is not one of store-wins, remote-wins, overwrite, newest:ATTRIBUTE, manual"),
               text);
  return FALSE;
}

/* "scan Plant 1000/5000", "push: 100 documents written" on stderr, so
 * that stdout stays the report (or the JSON). */
static void
on_progress (const GodwitSyncProgress *progress,
             gpointer                  user_data)
{
  if (progress->entity != NULL && progress->total >= 0)
    g_printerr ("%s %s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "\n", progress->phase, progress->entity,
                progress->done, progress->total);
  else if (g_strcmp0 (progress->phase, "resolve") == 0)
    g_printerr (_("resolve: %" G_GINT64_FORMAT " conflicts\n"), progress->done);
  else
    g_printerr (_("%s: %" G_GINT64_FORMAT " documents written\n"), progress->phase, progress->done);
}

static char *
dup_seq_text (JsonNode *seq)
{
  if (seq == NULL)
    return g_strdup (_("none"));

  return godwit_value_dup_text (seq, 40);
}

static char *
dup_counts_text (gint64 inserted,
                 gint64 updated,
                 gint64 deleted)
{
  return g_strdup_printf (_("%" G_GINT64_FORMAT " inserted, %" G_GINT64_FORMAT " updated, %" G_GINT64_FORMAT
                            " deleted"), inserted, updated, deleted);
}

static void
add_replication_row (GodwitCliTable              *table,
                     const char                  *label,
                     const GodwitSyncReplication *replication)
{
  g_autofree char *text = NULL;
  g_autofree char *seq = NULL;

  if (replication == NULL)
    return;

  seq = dup_seq_text (replication->end_seq);
  text = g_strdup_printf (_("%" G_GINT64_FORMAT " documents written, %" G_GINT64_FORMAT " refused, "
                            "%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " revisions missing; checkpoint %s"),
                          replication->docs_written, replication->doc_write_failures,
                          replication->missing_found, replication->missing_checked, seq);
  _godwit_cli_table_add_row (table, label, text);
}

static void
print_text (GodwitSync *sync,
            const char *store_path,
            const char *url)
{
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  GPtrArray *conflicts = godwit_sync_get_conflicts (sync);
  const GodwitSyncReplication *replications[2] = { godwit_sync_get_push (sync), godwit_sync_get_pull (sync) };
  g_autofree char *local = NULL;
  g_autofree char *store = NULL;
  g_autofree char *unresolved = NULL;
  gint64 inserted, updated, deleted;

  godwit_sync_get_local_changes (sync, &inserted, &updated, &deleted);
  local = dup_counts_text (inserted, updated, deleted);
  godwit_sync_get_store_changes (sync, &inserted, &updated, &deleted);
  store = dup_counts_text (inserted, updated, deleted);
  unresolved = g_strdup_printf ("%u", godwit_sync_get_n_unresolved (sync));

  _godwit_cli_table_add_row (summary, _("Store"), store_path);
  _godwit_cli_table_add_row (summary, _("Database"), url);
  _godwit_cli_table_add_row (summary, _("Model version"),
                             godwit_model_get_version_name (godwit_sync_get_model_version (sync)));
  _godwit_cli_table_add_row (summary, _("Local changes"), local);
  add_replication_row (summary, _("Pushed"), replications[0]);
  add_replication_row (summary, _("Pulled"), replications[1]);
  if (replications[1] != NULL)
    _godwit_cli_table_add_row (summary, _("Store changes"), store);
  _godwit_cli_table_add_row (summary, _("Unresolved conflicts"), unresolved);
  _godwit_cli_table_print (summary, 0);

  for (guint i = 0; i < 2; i++)
    for (guint j = 0; replications[i] != NULL && j < replications[i]->failures->len; j++)
      g_print ("  %s\n", (const char *) g_ptr_array_index (replications[i]->failures, j));

  if (conflicts->len > 0)
    _godwit_cli_print_heading (_("Conflicts"));
  for (guint i = 0; i < conflicts->len; i++)
    {
      const GodwitSyncConflict *conflict = g_ptr_array_index (conflicts, i);

      if (conflict->resolved)
        g_print (_("  %s: %u revisions, resolved as %s\n"), conflict->document, conflict->revisions->len,
                 conflict->revision);
      else
        g_print (_("  %s: %u revisions, unresolved\n"), conflict->document, conflict->revisions->len);
      for (guint j = 0; j < conflict->details->len; j++)
        g_print ("    %s\n", (const char *) g_ptr_array_index (conflict->details, j));
    }
}

int
_godwit_cli_sync (const GodwitCliCommand  *command,
                  int                      argc,
                  char                   **argv)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle_path = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *database = NULL;
  g_autofree char *policy_text = NULL;
  g_autofree char *batch_text = NULL;
  g_autofree char *user = NULL;
  g_autofree char *date_attribute = NULL;
  char *password = NULL;
  gboolean push_only = FALSE, pull_only = FALSE, create = FALSE, json = FALSE;
  GodwitSyncPolicy policy = GODWIT_SYNC_POLICY_STORE_WINS;
  gint64 batch_size = GODWIT_SYNC_DEFAULT_BATCH_SIZE;
  const GodwitSyncReplication *replications[2];
  gboolean incomplete = FALSE;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &bundle_path,
      N_("The store’s model bundle: one of its versions must match the store (required)"), N_("BUNDLE") },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint,
      N_("The server’s URL, http:// or https:// (required)"), N_("URL") },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database, N_("The database on the server (required)"), N_("DB") },
    { "push", 0, 0, G_OPTION_ARG_NONE, &push_only, N_("Only send the store’s changes to the server"), NULL },
    { "pull", 0, 0, G_OPTION_ARG_NONE, &pull_only, N_("Only bring the server’s changes into the store"), NULL },
    { "policy", 0, 0, G_OPTION_ARG_STRING, &policy_text,
      N_("How conflicts are resolved: store-wins (the default), remote-wins, overwrite, "
         "newest:ATTRIBUTE or manual"), N_("POLICY") },
    { "batch-size", 0, 0, G_OPTION_ARG_STRING, &batch_text,
      N_("Changes read and documents written per request; 100 by default"), N_("N") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user,
      N_("The user name; the password comes from " PASSWORD_VARIABLE " or standard input"), N_("NAME") },
    { "create-database", 0, 0, G_OPTION_ARG_NONE, &create, N_("Create the database when it is missing"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write JSON (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  if (bundle_path == NULL || endpoint == NULL || database == NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("sync needs %s; see “godwit-cli sync --help”"),
                   bundle_path == NULL ? "--model BUNDLE" : endpoint == NULL ? "--endpoint URL" : "--database DB");
      return _godwit_cli_fail (error);
    }
  if (push_only && pull_only)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("--push and --pull exclude each other; give neither to sync both ways"));
      return _godwit_cli_fail (error);
    }
  if ((policy_text != NULL && !parse_policy (policy_text, &policy, &date_attribute, &error)) ||
      (batch_text != NULL &&
       !_godwit_cli_parse_number ("--batch-size", batch_text, 1, &batch_size, &error)))
    return _godwit_cli_fail (error);
  if (batch_size > GODWIT_SYNC_MAX_BATCH_SIZE)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--batch-size: at most %d"),
                   GODWIT_SYNC_MAX_BATCH_SIZE);
      return _godwit_cli_fail (error);
    }

  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  if (bundle == NULL)
    return _godwit_cli_fail (error);
  sync = godwit_sync_new (argv[1], bundle, endpoint, database, &error);
  if (sync == NULL || !godwit_sync_set_policy (sync, policy, date_attribute, &error))
    return _godwit_cli_fail (error);

  if (user != NULL)
    {
      if (g_getenv (PASSWORD_VARIABLE) != NULL)
        password = g_strdup (g_getenv (PASSWORD_VARIABLE));
      else
        password = read_password (user, &error);
      if (password == NULL)
        return _godwit_cli_fail (error);
      godwit_sync_set_credentials (sync, user, password);
      memset (password, 0, strlen (password));
      g_free (password);
    }

  godwit_sync_set_direction (sync, push_only ? GODWIT_SYNC_DIRECTION_PUSH :
                                   pull_only ? GODWIT_SYNC_DIRECTION_PULL : GODWIT_SYNC_DIRECTION_BOTH);
  godwit_sync_set_batch_size (sync, (guint) batch_size);
  godwit_sync_set_create_database (sync, create);
  godwit_sync_set_progress_callback (sync, on_progress, NULL);

  ok = godwit_sync_run (sync, NULL, &error);
  if (!ok)
    return _godwit_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
      g_autoptr(JsonNode) root = godwit_sync_to_json (sync);

      _godwit_cli_write_json (generator, root);
    }
  else
    print_text (sync, argv[1], godwit_sync_get_url (sync));

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  replications[0] = godwit_sync_get_push (sync);
  replications[1] = godwit_sync_get_pull (sync);
  for (guint i = 0; i < 2; i++)
    incomplete = incomplete || (replications[i] != NULL && replications[i]->doc_write_failures > 0);

  return incomplete || godwit_sync_get_n_unresolved (sync) > 0 ? GODWIT_CLI_EXIT_MISMATCH : GODWIT_CLI_EXIT_OK;
}
