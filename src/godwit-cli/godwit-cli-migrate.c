/* godwit-cli-migrate.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli plan STORE and godwit-cli migrate STORE: the steps from the
 * store's model version to the target (inferred, a migration plan's
 * custom stage, an Xcode mapping model, or not migratable) with what
 * each changes, and running them through the library's migration, which
 * only replaces the store once the result is verified.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"
#include "godwit-migration.h"

/* What plan and migrate both take. */
typedef struct
{
  char     *bundle_path;
  char     *target_version;
  char     *plan_path;
  GStrv     mapping_paths;
  gboolean  json;
} MigrationOptions;

static void
migration_options_clear (MigrationOptions *options)
{
  g_clear_pointer (&options->bundle_path, g_free);
  g_clear_pointer (&options->target_version, g_free);
  g_clear_pointer (&options->plan_path, g_free);
  g_clear_pointer (&options->mapping_paths, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MigrationOptions, migration_options_clear)

#define MIGRATION_OPTION_ENTRIES(options) \
  { "model", 0, 0, G_OPTION_ARG_FILENAME, &(options).bundle_path, \
    N_("The model bundle whose versions the store migrates through (required)"), N_("BUNDLE") }, \
  { "to", 0, 0, G_OPTION_ARG_STRING, &(options).target_version, \
    N_("The version to reach; the bundle’s current version by default"), N_("VERSION") }, \
  { "plan", 0, 0, G_OPTION_ARG_FILENAME, &(options).plan_path, \
    N_("A Godwit migration plan (.godwit-plan.json): version order and custom stages"), N_("FILE") }, \
  { "mapping", 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &(options).mapping_paths, \
    N_("An Xcode mapping model for one step (repeatable)"), N_("XCMAPPINGMODEL") }, \
  { "json", 0, 0, G_OPTION_ARG_NONE, &(options).json, N_("Write JSON (see docs/cli.md)"), NULL }

/* Plans the migration of @store_path as @options say; only reads. */
static GodwitMigration *
new_migration (const char        *store_path,
               MigrationOptions  *options,
               GError           **error)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GPtrArray) mapping_models = g_ptr_array_new_with_free_func (g_object_unref);

  if (options->bundle_path == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("%s: --model BUNDLE is required: the store migrates through its versions"),
                   store_path);
      return NULL;
    }

  bundle = godwit_model_bundle_new_for_path (options->bundle_path, error);
  if (bundle == NULL)
    return NULL;

  if (options->plan_path != NULL)
    {
      plan = godwit_migration_plan_new_for_path (options->plan_path, error);
      if (plan == NULL)
        return NULL;
    }

  for (guint i = 0; options->mapping_paths != NULL && options->mapping_paths[i] != NULL; i++)
    {
      GodwitMappingModel *mapping_model = godwit_mapping_model_new_for_path (options->mapping_paths[i], error);

      if (mapping_model == NULL)
        return NULL;
      g_ptr_array_add (mapping_models, mapping_model);
    }

  return godwit_migration_new (store_path, bundle, plan, mapping_models, options->target_version, error);
}

static void
add_property_change (JsonBuilder                *builder,
                     const GodwitPropertyChange *change)
{
  GodwitProperty *property = change->destination != NULL ? change->destination : change->source;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "property");
  json_builder_add_string_value (builder, property->name);
  json_builder_set_member_name (builder, "change");
  json_builder_add_string_value (builder, godwit_change_kind_to_string (change->kind));
  json_builder_set_member_name (builder, "explanation");
  json_builder_add_string_value (builder, change->explanation);
  _godwit_cli_add_nullable_string (builder, "blocker", change->blocker);
  json_builder_end_object (builder);
}

/* The entities a step changes, each with the properties it changes. */
static void
add_entity_changes (JsonBuilder     *builder,
                    GodwitModelDiff *diff)
{
  GPtrArray *changes = godwit_model_diff_get_entity_changes (diff);

  json_builder_begin_array (builder);
  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);
      GodwitEntity *entity = change->destination != NULL ? change->destination : change->source;

      if (change->kind == GODWIT_CHANGE_UNCHANGED)
        continue;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "entity");
      json_builder_add_string_value (builder, entity->name);
      json_builder_set_member_name (builder, "change");
      json_builder_add_string_value (builder, godwit_change_kind_to_string (change->kind));
      json_builder_set_member_name (builder, "explanation");
      json_builder_add_string_value (builder, change->explanation);
      _godwit_cli_add_nullable_string (builder, "blocker", change->blocker);
      json_builder_set_member_name (builder, "properties");
      json_builder_begin_array (builder);
      for (guint j = 0; change->properties != NULL && j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property_change = g_ptr_array_index (change->properties, j);

          if (property_change->kind != GODWIT_CHANGE_UNCHANGED)
            add_property_change (builder, property_change);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static void
add_step (JsonBuilder         *builder,
          GodwitMigrationStep *step)
{
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "from");
  json_builder_add_string_value (builder, godwit_model_get_version_name (step->source));
  json_builder_set_member_name (builder, "to");
  json_builder_add_string_value (builder, godwit_model_get_version_name (step->destination));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, godwit_migration_step_kind_to_string (step->kind));
  _godwit_cli_add_nullable_string (builder, "stage", step->stage != NULL ? step->stage->json_path : NULL);
  _godwit_cli_add_nullable_string (builder, "mapping_model",
                                   step->mapping_model != NULL
                                   ? godwit_mapping_model_get_path (step->mapping_model) : NULL);
  json_builder_set_member_name (builder, "changes");
  add_entity_changes (builder, step->diff);
  json_builder_set_member_name (builder, "blockers");
  _godwit_cli_add_string_array (builder, step->blockers);
  json_builder_end_object (builder);
}

static void
print_plan_json (GodwitMigration  *migration,
                 const char       *store_path,
                 MigrationOptions *options)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
  g_autoptr(JsonNode) root = NULL;
  GPtrArray *steps = godwit_migration_get_steps (migration);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, store_path);
  json_builder_set_member_name (builder, "bundle");
  json_builder_add_string_value (builder, options->bundle_path);
  _godwit_cli_add_nullable_string (builder, "plan", options->plan_path);
  json_builder_set_member_name (builder, "mapping_models");
  json_builder_begin_array (builder);
  for (guint i = 0; options->mapping_paths != NULL && options->mapping_paths[i] != NULL; i++)
    json_builder_add_string_value (builder, options->mapping_paths[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "source_version");
  json_builder_add_string_value (builder, godwit_model_get_version_name (godwit_migration_get_source_version (migration)));
  json_builder_set_member_name (builder, "target_version");
  json_builder_add_string_value (builder, godwit_model_get_version_name (godwit_migration_get_target_version (migration)));
  json_builder_set_member_name (builder, "up_to_date");
  json_builder_add_boolean_value (builder, godwit_migration_is_up_to_date (migration));
  json_builder_set_member_name (builder, "can_run");
  json_builder_add_boolean_value (builder, godwit_migration_can_run (migration));
  json_builder_set_member_name (builder, "steps");
  json_builder_begin_array (builder);
  for (guint i = 0; i < steps->len; i++)
    add_step (builder, g_ptr_array_index (steps, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  _godwit_cli_write_json (generator, root);
}

/* Store, source and target versions: the head of plan's and migrate's
 * text. */
static void
add_summary_rows (GodwitCliTable  *summary,
                  GodwitMigration *migration,
                  const char      *store_path)
{
  GPtrArray *steps = godwit_migration_get_steps (migration);
  g_autofree char *n_steps = g_strdup_printf ("%u", steps->len);

  _godwit_cli_table_add_row (summary, _("Store"), store_path);
  _godwit_cli_table_add_row (summary, _("From"),
                             godwit_model_get_version_name (godwit_migration_get_source_version (migration)));
  _godwit_cli_table_add_row (summary, _("To"),
                             godwit_model_get_version_name (godwit_migration_get_target_version (migration)));
  _godwit_cli_table_add_row (summary, _("Steps"), n_steps);
}

static void
print_step_text (GodwitMigrationStep *step,
                 guint                number,
                 guint                n_steps)
{
  GPtrArray *changes = godwit_model_diff_get_entity_changes (step->diff);
  g_autofree char *heading = g_strdup_printf (_("Step %u of %u: “%s” → “%s” (%s)"), number, n_steps,
                                              godwit_model_get_version_name (step->source),
                                              godwit_model_get_version_name (step->destination),
                                              godwit_migration_step_kind_to_string (step->kind));

  _godwit_cli_print_heading (heading);

  if (step->stage != NULL)
    g_print (_("  by the migration plan’s %s\n"), step->stage->json_path);
  if (step->mapping_model != NULL)
    g_print (_("  by the mapping model %s\n"), godwit_mapping_model_get_path (step->mapping_model));

  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);

      if (change->kind == GODWIT_CHANGE_UNCHANGED)
        continue;

      g_print ("  %s\n", change->explanation);
      for (guint j = 0; change->properties != NULL && j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property_change = g_ptr_array_index (change->properties, j);

          if (property_change->kind != GODWIT_CHANGE_UNCHANGED)
            g_print ("    %s\n", property_change->explanation);
        }
    }

  for (guint i = 0; i < step->blockers->len; i++)
    g_print (_("  cannot run: %s\n"), (const char *) g_ptr_array_index (step->blockers, i));
}

static void
print_plan_text (GodwitMigration  *migration,
                 const char       *store_path,
                 MigrationOptions *options)
{
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  GPtrArray *steps = godwit_migration_get_steps (migration);
  const char *verdict;

  if (godwit_migration_is_up_to_date (migration))
    verdict = _("up to date: nothing to migrate");
  else if (godwit_migration_can_run (migration))
    verdict = _("yes");
  else
    verdict = _("no: a step cannot run");

  add_summary_rows (summary, migration, store_path);
  _godwit_cli_table_add_row (summary, _("Bundle"), options->bundle_path);
  _godwit_cli_table_add_row (summary, _("Plan"), options->plan_path);
  for (guint i = 0; options->mapping_paths != NULL && options->mapping_paths[i] != NULL; i++)
    _godwit_cli_table_add_row (summary, i == 0 ? _("Mapping models") : "", options->mapping_paths[i]);
  _godwit_cli_table_add_row (summary, _("Can run"), verdict);
  _godwit_cli_table_print (summary, 0);

  for (guint i = 0; i < steps->len; i++)
    print_step_text (g_ptr_array_index (steps, i), i + 1, steps->len);
}

int
_godwit_cli_plan (const GodwitCliCommand  *command,
                  int                      argc,
                  char                   **argv)
{
  g_auto(MigrationOptions) options = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    MIGRATION_OPTION_ENTRIES (options),
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  migration = new_migration (argv[1], &options, &error);
  if (migration == NULL)
    return _godwit_cli_fail (error);

  if (options.json)
    print_plan_json (migration, argv[1], &options);
  else
    print_plan_text (migration, argv[1], &options);

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return godwit_migration_can_run (migration) ? GODWIT_CLI_EXIT_OK : GODWIT_CLI_EXIT_MISMATCH;
}

/* "step 2 of 3: migrate Post 120/500" on stderr, so that stdout stays the
 * report (or the JSON). */
static void
on_progress (const GodwitMigrationProgress *progress,
             gpointer                       user_data)
{
  g_autoptr(GString) line = g_string_new (NULL);

  if (progress->step > 0)
    g_string_append_printf (line, _("step %u of %u: "), progress->step, progress->n_steps);
  g_string_append (line, progress->phase);
  if (progress->entity != NULL)
    g_string_append_printf (line, " %s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
                            progress->entity, progress->done, progress->total);

  g_printerr ("%s\n", line->str);
}

static void
print_migrate_json (GodwitMigration *migration,
                    const char      *store_path,
                    gboolean         dry_run)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
  g_autoptr(JsonNode) root = NULL;
  GodwitStoreBackup *backup = godwit_migration_get_backup (migration);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, store_path);
  json_builder_set_member_name (builder, "source_version");
  json_builder_add_string_value (builder, godwit_model_get_version_name (godwit_migration_get_source_version (migration)));
  json_builder_set_member_name (builder, "target_version");
  json_builder_add_string_value (builder, godwit_model_get_version_name (godwit_migration_get_target_version (migration)));
  json_builder_set_member_name (builder, "steps");
  json_builder_add_int_value (builder, godwit_migration_get_steps (migration)->len);
  json_builder_set_member_name (builder, "up_to_date");
  json_builder_add_boolean_value (builder, godwit_migration_is_up_to_date (migration));
  json_builder_set_member_name (builder, "dry_run");
  json_builder_add_boolean_value (builder, dry_run);
  json_builder_set_member_name (builder, "verification");
  _godwit_cli_add_string_array (builder, godwit_migration_get_verification (migration));
  json_builder_set_member_name (builder, "backup");
  if (backup != NULL)
    _godwit_cli_add_backup (builder, backup);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  _godwit_cli_write_json (generator, root);
}

static void
print_migrate_text (GodwitMigration *migration,
                    const char      *store_path,
                    gboolean         dry_run)
{
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  GPtrArray *verification = godwit_migration_get_verification (migration);
  GodwitStoreBackup *backup = godwit_migration_get_backup (migration);
  const char *result;

  if (godwit_migration_is_up_to_date (migration))
    result = _("up to date: nothing was changed");
  else if (dry_run)
    result = _("dry run: migrated and verified a copy, then threw it away; the store is unchanged");
  else
    result = _("migrated and verified");

  add_summary_rows (summary, migration, store_path);
  _godwit_cli_table_add_row (summary, _("Result"), result);
  if (backup != NULL)
    _godwit_cli_table_add_row (summary, _("Backup"), backup->path);
  _godwit_cli_table_print (summary, 0);

  if (verification->len > 0)
    {
      _godwit_cli_print_heading (_("Verification"));
      for (guint i = 0; i < verification->len; i++)
        g_print ("  %s\n", (const char *) g_ptr_array_index (verification, i));
    }
}

int
_godwit_cli_migrate (const GodwitCliCommand  *command,
                     int                      argc,
                     char                   **argv)
{
  g_auto(MigrationOptions) options = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_dir = NULL;
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = {
    MIGRATION_OPTION_ENTRIES (options),
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &dry_run,
      N_("Migrate and verify a copy, then throw it away: the store is not touched"), NULL },
    { "backup-dir", 0, 0, G_OPTION_ARG_FILENAME, &backup_dir,
      N_("Keep the original in this folder; “STORE.godwit-backups” beside the store by default"), N_("DIR") },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  migration = new_migration (argv[1], &options, &error);
  if (migration == NULL)
    return _godwit_cli_fail (error);

  godwit_migration_set_progress_callback (migration, on_progress, NULL);
  if (!godwit_migration_run (migration, backup_dir, dry_run, NULL, &error))
    {
      g_autoptr(GError) untouched = g_error_new (error->domain, error->code,
                                                 _("%s (the original %s is untouched)"),
                                                 error->message, argv[1]);

      return _godwit_cli_fail (untouched);
    }

  if (options.json)
    print_migrate_json (migration, argv[1], dry_run);
  else
    print_migrate_text (migration, argv[1], dry_run);

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return GODWIT_CLI_EXIT_OK;
}
