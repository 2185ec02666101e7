/* godwit-cli-backups.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli backups STORE and godwit-cli rollback STORE: the backups a
 * migration (or a rollback) kept of a store, newest first, and putting
 * one of them back, which itself keeps the replaced state as a backup.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"

#define BACKUP_DIR_ENTRY(backup_dir) \
  { "backup-dir", 0, 0, G_OPTION_ARG_FILENAME, &(backup_dir), \
    N_("The backups folder; “STORE.godwit-backups” beside the store by default"), N_("DIR") }

static void
print_backups_table (GPtrArray *backups)
{
  g_autoptr(GodwitCliTable) table = _godwit_cli_table_new (4);

  _godwit_cli_table_set_headers (table, _("CREATED"), _("SIZE"), _("DESCRIPTION"), _("PATH"), NULL);
  _godwit_cli_table_align_right (table, 1);
  for (guint i = 0; i < backups->len; i++)
    _godwit_cli_add_backup_row (table, g_ptr_array_index (backups, i));
  _godwit_cli_table_print (table, 2);
}

static void
print_backups_json (const char *store_path,
                    const char *backup_dir,
                    GPtrArray  *backups,
                    guint       n_pruned)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, store_path);
  json_builder_set_member_name (builder, "backup_dir");
  json_builder_add_string_value (builder, backup_dir);
  json_builder_set_member_name (builder, "pruned");
  json_builder_add_int_value (builder, n_pruned);
  json_builder_set_member_name (builder, "backups");
  json_builder_begin_array (builder);
  for (guint i = 0; i < backups->len; i++)
    _godwit_cli_add_backup (builder, g_ptr_array_index (backups, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  _godwit_cli_write_json (generator, root);
}

static void
print_backups_text (const char *store_path,
                    const char *backup_dir,
                    GPtrArray  *backups,
                    guint       n_pruned)
{
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  g_autofree char *count = g_strdup_printf ("%u", backups->len);
  g_autofree char *pruned = g_strdup_printf ("%u", n_pruned);

  _godwit_cli_table_add_row (summary, _("Store"), store_path);
  _godwit_cli_table_add_row (summary, _("Backups folder"), backup_dir);
  _godwit_cli_table_add_row (summary, _("Backups"), count);
  if (n_pruned > 0)
    _godwit_cli_table_add_row (summary, _("Pruned"), pruned);
  _godwit_cli_table_print (summary, 0);

  if (backups->len > 0)
    {
      _godwit_cli_print_heading (_("Newest first"));
      print_backups_table (backups);
    }
}

int
_godwit_cli_backups (const GodwitCliCommand  *command,
                     int                      argc,
                     char                   **argv)
{
  g_autoptr(GPtrArray) backups = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_dir = NULL;
  g_autofree char *prune_text = NULL;
  gint64 keep = -1;
  guint n_pruned = 0;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    BACKUP_DIR_ENTRY (backup_dir),
    { "prune", 0, 0, G_OPTION_ARG_STRING, &prune_text,
      N_("Remove all but the newest N backups"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write JSON (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  if (prune_text != NULL && !_godwit_cli_parse_number ("--prune", prune_text, 0, &keep, &error))
    return _godwit_cli_fail (error);

  if (backup_dir == NULL)
    backup_dir = godwit_store_dup_backup_dir (argv[1]);

  backups = godwit_store_list_backups (argv[1], backup_dir, &error);
  if (backups == NULL)
    return _godwit_cli_fail (error);

  if (keep >= 0 && (guint64) keep < backups->len)
    {
      n_pruned = backups->len - (guint) keep;
      if (!godwit_store_prune_backups (argv[1], backup_dir, (guint) keep, &error))
        return _godwit_cli_fail (error);
      g_ptr_array_set_size (backups, (guint) keep);
    }

  if (json)
    print_backups_json (argv[1], backup_dir, backups, n_pruned);
  else
    print_backups_text (argv[1], backup_dir, backups, n_pruned);

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return GODWIT_CLI_EXIT_OK;
}

int
_godwit_cli_rollback (const GodwitCliCommand  *command,
                      int                      argc,
                      char                   **argv)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_dir = NULL;
  g_autofree char *backup_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "backup", 0, 0, G_OPTION_ARG_FILENAME, &backup_path,
      N_("The backup folder to restore; the newest backup by default"), N_("PATH") },
    BACKUP_DIR_ENTRY (backup_dir),
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write JSON (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  if (backup_dir == NULL)
    backup_dir = godwit_store_dup_backup_dir (argv[1]);

  /* The newest is chosen here rather than by the library so that the
   * report can name it. */
  if (backup_path == NULL)
    {
      before = godwit_store_list_backups (argv[1], backup_dir, &error);
      if (before == NULL)
        return _godwit_cli_fail (error);
      if (before->len == 0)
        {
          g_set_error (&error, GODWIT_ERROR, GODWIT_ERROR_IO, _("%s: holds no backup of %s"),
                       backup_dir, argv[1]);
          return _godwit_cli_fail (error);
        }
      backup_path = g_strdup (((GodwitStoreBackup *) g_ptr_array_index (before, 0))->path);
    }

  if (!godwit_store_rollback (argv[1], backup_path, backup_dir, NULL, &error))
    return _godwit_cli_fail (error);

  /* The rollback kept the state it replaced: now the newest backup. */
  after = godwit_store_list_backups (argv[1], backup_dir, &error);
  if (after == NULL)
    return _godwit_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
      g_autoptr(JsonNode) root = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "store");
      json_builder_add_string_value (builder, argv[1]);
      json_builder_set_member_name (builder, "restored");
      json_builder_add_string_value (builder, backup_path);
      json_builder_set_member_name (builder, "backup");
      if (after->len > 0)
        _godwit_cli_add_backup (builder, g_ptr_array_index (after, 0));
      else
        json_builder_add_null_value (builder);
      json_builder_end_object (builder);

      root = json_builder_get_root (builder);
      _godwit_cli_write_json (generator, root);
    }
  else
    {
      g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);

      _godwit_cli_table_add_row (summary, _("Store"), argv[1]);
      _godwit_cli_table_add_row (summary, _("Restored"), backup_path);
      if (after->len > 0)
        _godwit_cli_table_add_row (summary, _("Backup"),
                                   ((GodwitStoreBackup *) g_ptr_array_index (after, 0))->path);
      _godwit_cli_table_print (summary, 0);
    }

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return GODWIT_CLI_EXIT_OK;
}
