/* godwit-cli.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"

static const GodwitCliCommand commands[] = {
  { "model", N_("BUNDLE"),
    N_("Show a model bundle’s versions and their entity version hashes"),
    1, 1, _godwit_cli_model },
  { "inspect", N_("STORE"),
    N_("Show a store’s metadata, entities and which model version it matches"),
    1, 1, _godwit_cli_inspect },
  { "dump", N_("STORE [ENTITY]"),
    N_("Print a store’s objects, page by page"),
    1, 2, _godwit_cli_dump },
  { "history", N_("STORE"),
    N_("Print a store’s persistent-history transactions and their changes"),
    1, 1, _godwit_cli_history },
  { "plan", N_("STORE"),
    N_("Show the steps that migrate a store to a model version, and whether they can run"),
    1, 1, _godwit_cli_plan },
  { "migrate", N_("STORE"),
    N_("Migrate a store to a model version, keeping the original as a backup"),
    1, 1, _godwit_cli_migrate },
  { "rollback", N_("STORE"),
    N_("Put a store back as it was in a backup"),
    1, 1, _godwit_cli_rollback },
  { "backups", N_("STORE"),
    N_("List a store’s backups, newest first, and prune old ones"),
    1, 1, _godwit_cli_backups },
  { "validate", N_("FIXTURE…"),
    N_("Migrate copies of fixture stores, verify them and check expectations, for CI"),
    1, G_MAXUINT, _godwit_cli_validate },
  { "sync", N_("STORE"),
    N_("Sync a store with a database of a CouchDB-protocol server, both ways"),
    1, 1, _godwit_cli_sync },
};

/**
 * _godwit_cli_fail:
 *
 * The one way a command gives up: the error (which names the file) on
 * stderr, and the exit status for bad input or usage.
 */
int
_godwit_cli_fail (const GError *error)
{
  g_printerr ("godwit-cli: %s\n", error->message);

  return GODWIT_CLI_EXIT_USAGE;
}

gboolean
_godwit_cli_parse (const GodwitCliCommand   *command,
                   const GOptionEntry       *entries,
                   int                      *argc,
                   char                   ***argv,
                   GError                  **error)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *prgname = g_strdup_printf ("godwit-cli %s", command->name);
  guint n_args;

  g_set_prgname (prgname);

  context = g_option_context_new (_(command->parameters));
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, error))
    return FALSE;

  n_args = *argc > 0 ? (guint) *argc - 1 : 0;
  if (n_args < command->min_args || n_args > command->max_args)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("%s expects %s; see “godwit-cli %s --help”"),
                   command->name, _(command->parameters), command->name);
      return FALSE;
    }

  return TRUE;
}

/* Option values are read as strings so that a bad one is named plainly,
 * with its bounds. */
gboolean
_godwit_cli_parse_number (const char  *option,
                          const char  *text,
                          gint64       minimum,
                          gint64      *value,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  guint64 number = 0;

  g_assert (minimum >= 0);

  if (!g_ascii_string_to_unsigned (text, 10, (guint64) minimum, G_MAXINT64, &number, &local_error))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: %s", option, local_error->message);
      return FALSE;
    }

  *value = (gint64) number;

  return TRUE;
}

/* --limit and --after, of the commands that print page by page; an
 * option not given (NULL) leaves its value alone. */
gboolean
_godwit_cli_parse_paging (const char  *limit_text,
                          const char  *after_text,
                          gint64      *limit,
                          gint64      *after_pk,
                          GError     **error)
{
  return (limit_text == NULL || _godwit_cli_parse_number ("--limit", limit_text, 1, limit, error)) &&
         (after_text == NULL || _godwit_cli_parse_number ("--after", after_text, 0, after_pk, error));
}

/* How many rows the next page may hold once @printed of at most @limit
 * (-1: no limit) are printed: 0 when the limit is reached. */
guint
_godwit_cli_next_page_size (gint64 limit,
                            gint64 printed)
{
  if (limit < 0)
    return GODWIT_CLI_PAGE_SIZE;

  return (guint) MIN ((gint64) GODWIT_CLI_PAGE_SIZE, limit - printed);
}

static char *
dup_commands_description (void)
{
  g_autoptr(GString) description = g_string_new (_("Commands:"));
  int width = 0;

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    width = MAX (width, (int) strlen (commands[i].name));

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_string_append_printf (description, "\n  %-*s  %s", width, commands[i].name, _(commands[i].summary));

  g_string_append (description, "\n\n");
  g_string_append (description, _("Run “godwit-cli COMMAND --help” for a command’s options."));

  return g_string_free (g_steal_pointer (&description), FALSE);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *description = NULL;
  gboolean version = FALSE;
  const GOptionEntry entries[] = {
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, N_("Print the version and exit"), NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  /* JSON is for scripts: its sentences (explanations, blockers, errors)
   * are the same on every machine, whatever the user's language. */
  for (int i = 1; i < argc; i++)
    if (g_strcmp0 (argv[i], "--json") == 0)
      setlocale (LC_MESSAGES, "C");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_prgname ("godwit-cli");

  description = dup_commands_description ();
  context = g_option_context_new (_("COMMAND [ARGUMENT…]"));
  g_option_context_set_summary (context, _("Inspect Apple Core Data models and SQLite stores."));
  g_option_context_set_description (context, description);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  /* Stop at the command: what follows is the command's to parse. */
  g_option_context_set_strict_posix (context, TRUE);

  if (!g_option_context_parse (context, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  if (version)
    {
      g_print ("godwit-cli %s\n", PACKAGE_VERSION);
      return GODWIT_CLI_EXIT_OK;
    }

  if (argc < 2)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);

      g_printerr ("%s", help);
      return GODWIT_CLI_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_strcmp0 (argv[1], commands[i].name) == 0)
      return commands[i].run (&commands[i], argc - 1, argv + 1);

  g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_UNKNOWN_OPTION,
               _("unknown command “%s”; see “godwit-cli --help”"), argv[1]);

  return _godwit_cli_fail (error);
}
