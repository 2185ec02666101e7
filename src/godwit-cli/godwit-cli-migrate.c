/* godwit-cli-migrate.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli plan STORE and godwit-cli migrate STORE: the steps from the
 * store's model version to the target (inferred, a migration plan's
 * custom stage, an Xcode mapping model, or not migratable) with what
 * each changes and what peers of a synced store still on an older
 * version notice of it, and running them through the library's
 * migration, which only replaces the store once the result is verified.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"
#include "godwit-migration.h"
#include "godwit-stage-report.h"
#include "godwit-value.h"

/* Plans the migration of @store_path as @options say; only reads. */
static GodwitMigration *
new_migration (const char                 *store_path,
               GodwitCliMigrationOptions  *options,
               GError                    **error)
{
  g_autoptr(GodwitCliMigrationInputs) inputs = _godwit_cli_migration_inputs_load (options, store_path, error);

  if (inputs == NULL)
    return NULL;

  return godwit_migration_new (store_path, inputs->bundle, inputs->plan, inputs->mapping_models,
                               options->target_version, error);
}

/* The stage reports as JSON: the steps of plan's document and the stages
 * of migrate's. */
static void
add_stage_reports (JsonBuilder     *builder,
                   GodwitMigration *migration)
{
  GPtrArray *reports = godwit_migration_get_stage_reports (migration);

  json_builder_begin_array (builder);
  for (guint i = 0; i < reports->len; i++)
    json_builder_add_value (builder, godwit_stage_report_to_json (g_ptr_array_index (reports, i)));
  json_builder_end_array (builder);
}

/* Whether a step breaks sync with peers still on an older version. */
static gboolean
breaks_sync (GodwitMigration *migration)
{
  GPtrArray *reports = godwit_migration_get_stage_reports (migration);

  for (guint i = 0; i < reports->len; i++)
    if (godwit_sync_lint_breaks_sync (godwit_stage_report_get_sync_findings (g_ptr_array_index (reports, i))))
      return TRUE;

  return FALSE;
}

static void
print_plan_json (GodwitMigration           *migration,
                 const char                *store_path,
                 GodwitCliMigrationOptions *options)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "store");
  json_builder_add_string_value (builder, store_path);
  _godwit_cli_migration_options_add_json (options, builder);
  json_builder_set_member_name (builder, "source_version");
  json_builder_add_string_value (builder, godwit_model_get_version_name (godwit_migration_get_source_version (migration)));
  json_builder_set_member_name (builder, "target_version");
  json_builder_add_string_value (builder, godwit_model_get_version_name (godwit_migration_get_target_version (migration)));
  json_builder_set_member_name (builder, "up_to_date");
  json_builder_add_boolean_value (builder, godwit_migration_is_up_to_date (migration));
  json_builder_set_member_name (builder, "can_run");
  json_builder_add_boolean_value (builder, godwit_migration_can_run (migration));
  json_builder_set_member_name (builder, "breaks_sync");
  json_builder_add_boolean_value (builder, breaks_sync (migration));
  json_builder_set_member_name (builder, "steps");
  add_stage_reports (builder, migration);
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

/* The sync-compatibility findings of all steps, counted. */
static void
add_sync_row (GodwitCliTable  *summary,
              GodwitMigration *migration)
{
  GPtrArray *reports = godwit_migration_get_stage_reports (migration);
  g_autofree char *breaking = NULL;
  g_autofree char *warnings = NULL;
  guint n_breaking = 0;
  guint n_warnings = 0;

  if (reports->len == 0)
    return;

  for (guint i = 0; i < reports->len; i++)
    {
      GPtrArray *findings = godwit_stage_report_get_sync_findings (g_ptr_array_index (reports, i));

      for (guint j = 0; j < findings->len; j++)
        {
          const GodwitSyncLintFinding *finding = g_ptr_array_index (findings, j);

          if (finding->severity == GODWIT_SYNC_LINT_BREAKS_SYNC)
            n_breaking++;
          else
            n_warnings++;
        }
    }

  if (n_breaking == 0 && n_warnings == 0)
    {
      _godwit_cli_table_add_row (summary, _("Sync"), _("compatible: older peers notice no change"));
      return;
    }

  breaking = g_strdup_printf (ngettext ("%u finding breaks sync with older peers",
                                        "%u findings break sync with older peers", n_breaking),
                              n_breaking);
  warnings = g_strdup_printf (ngettext ("%u warning", "%u warnings", n_warnings), n_warnings);
  if (n_breaking == 0)
    _godwit_cli_table_add_row (summary, _("Sync"), warnings);
  else if (n_warnings == 0)
    _godwit_cli_table_add_row (summary, _("Sync"), breaking);
  else
    {
      g_autofree char *both = g_strdup_printf ("%s, %s", breaking, warnings);

      _godwit_cli_table_add_row (summary, _("Sync"), both);
    }
}

/* Characters of a sample object's value shown in text. */
#define SAMPLE_VALUE_LENGTH 32

static char *
dup_count_text (gint64 count)
{
  return count >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, count) : NULL;
}

static char *
dup_entity_label (const char *source,
                  const char *destination)
{
  if (source == NULL)
    return g_strdup_printf (_("%s (added)"), destination);
  if (destination == NULL)
    return g_strdup_printf (_("%s (removed)"), source);
  if (strcmp (source, destination) != 0)
    return g_strdup_printf ("%s → %s", source, destination);

  return g_strdup (source);
}

/* Objects per entity: before, as the step's mapping predicts, after. */
static void
print_counts (GodwitStageReport *report)
{
  g_autoptr(GodwitCliTable) table = _godwit_cli_table_new (4);
  GPtrArray *counts = godwit_stage_report_get_counts (report);

  if (counts->len == 0)
    return;

  g_print (_("  Objects\n"));
  _godwit_cli_table_set_headers (table, _("ENTITY"), _("BEFORE"), _("PREDICTED"), _("AFTER"), NULL);
  for (guint c = 1; c < 4; c++)
    _godwit_cli_table_align_right (table, c);
  for (guint i = 0; i < counts->len; i++)
    {
      const GodwitEntityCount *count = g_ptr_array_index (counts, i);
      g_autofree char *label = dup_entity_label (count->source_entity, count->destination_entity);
      g_autofree char *before = dup_count_text (count->before);
      g_autofree char *predicted = dup_count_text (count->predicted);
      g_autofree char *after = dup_count_text (count->after);

      _godwit_cli_table_add_row (table, label, before, predicted, after);
    }
  _godwit_cli_table_print (table, 4);
}

/* What the step does to the data; what loses data or stops the step is
 * marked. */
static void
print_impacts (GodwitStageReport *report)
{
  GPtrArray *impacts = godwit_stage_report_get_impacts (report);

  if (impacts == NULL)
    return;
  if (impacts->len == 0)
    {
      g_print (_("  Data impact: none\n"));
      return;
    }

  g_print (_("  Data impact\n"));
  for (guint i = 0; i < impacts->len; i++)
    {
      const GodwitDataImpact *impact = g_ptr_array_index (impacts, i);

      if (impact->blocks)
        g_print (_("    [blocks the step] %s\n"), impact->message);
      else if (impact->loses_data)
        g_print (_("    [data loss] %s\n"), impact->message);
      else
        g_print ("    %s\n", impact->message);
    }
}

/* What peers of a synced store, still on the step's source version,
 * lose or cannot read; what breaks sync is marked. */
static void
print_sync_findings (GodwitStageReport *report)
{
  GPtrArray *findings = godwit_stage_report_get_sync_findings (report);

  if (findings->len == 0)
    {
      g_print (_("  Sync compatibility: older peers notice no change\n"));
      return;
    }

  g_print (_("  Sync compatibility\n"));
  for (guint i = 0; i < findings->len; i++)
    {
      const GodwitSyncLintFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == GODWIT_SYNC_LINT_BREAKS_SYNC)
        g_print (_("    [breaks sync] %s\n"), finding->message);
      else
        g_print (_("    [warning] %s\n"), finding->message);
    }
}

static void
print_sql (GodwitStageReport *report)
{
  GPtrArray *sql = godwit_stage_report_get_sql (report);

  if (sql == NULL)
    return;

  g_print (_("  SQL (%u statements)\n"), sql->len);
  for (guint i = 0; i < sql->len; i++)
    {
      g_auto(GStrv) lines = g_strsplit (g_ptr_array_index (sql, i), "\n", -1);

      for (guint j = 0; lines[j] != NULL; j++)
        g_print ("    %s\n", lines[j]);
    }
}

/* "p1: name=value, …", values as compact JSON cut short. */
static void
add_sample_values (GString    *line,
                   JsonObject *values)
{
  g_autoptr(GList) members = values != NULL ? json_object_get_members (values) : NULL;

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *text = godwit_value_dup_text (json_object_get_member (values, l->data),
                                                     SAMPLE_VALUE_LENGTH);

      g_string_append_printf (line, "%s%s=%s", line->len > 0 ? ", " : "", (const char *) l->data, text);
    }
}

static void
print_sample_objects (GPtrArray *objects)
{
  if (objects->len == 0)
    g_print (_("    none\n"));

  for (guint i = 0; i < objects->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (objects, i));
      g_autoptr(GString) values = g_string_new (NULL);

      add_sample_values (values, json_object_get_object_member (object, "attributes"));
      add_sample_values (values, json_object_get_object_member (object, "relationships"));
      g_print ("    p%" G_GINT64_FORMAT ": %s\n", json_object_get_int_member (object, "pk"), values->str);
    }
}

/* The first objects of each changed entity, before and after the step. */
static void
print_samples (GodwitStageReport *report)
{
  GPtrArray *samples = godwit_stage_report_get_samples (report);

  for (guint i = 0; samples != NULL && i < samples->len; i++)
    {
      const GodwitObjectSamples *entity_samples = g_ptr_array_index (samples, i);

      if (entity_samples->before != NULL && entity_samples->source_entity != NULL)
        {
          g_print (_("  %s objects before\n"), entity_samples->source_entity);
          print_sample_objects (entity_samples->before);
        }
      if (entity_samples->after != NULL && entity_samples->destination_entity != NULL)
        {
          g_print (_("  %s objects after\n"), entity_samples->destination_entity);
          print_sample_objects (entity_samples->after);
        }
    }
}

/* A step in words; with @report its data as far as it was counted, and
 * with @details its SQL and sample objects too. */
static void
print_step_text (GodwitMigrationStep *step,
                 GodwitStageReport   *report,
                 guint                number,
                 guint                n_steps,
                 gboolean             details)
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

  print_sync_findings (report);
  if (godwit_stage_report_get_samples (report) != NULL)
    print_counts (report);
  print_impacts (report);
  if (details)
    {
      print_sql (report);
      print_samples (report);
    }
}

static void
print_plan_text (GodwitMigration           *migration,
                 const char                *store_path,
                 GodwitCliMigrationOptions *options)
{
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  GPtrArray *steps = godwit_migration_get_steps (migration);
  GPtrArray *reports = godwit_migration_get_stage_reports (migration);
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
  add_sync_row (summary, migration);
  _godwit_cli_table_print (summary, 0);

  /* Only the first step's data can be counted before a dry run. */
  for (guint i = 0; i < steps->len; i++)
    print_step_text (g_ptr_array_index (steps, i), g_ptr_array_index (reports, i), i + 1, steps->len, FALSE);
}

int
_godwit_cli_plan (const GodwitCliCommand  *command,
                  int                      argc,
                  char                   **argv)
{
  g_auto(GodwitCliMigrationOptions) options = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  const GOptionEntry entries[] = {
    GODWIT_CLI_MIGRATION_OPTION_ENTRIES (options),
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
  json_builder_set_member_name (builder, "breaks_sync");
  json_builder_add_boolean_value (builder, breaks_sync (migration));
  json_builder_set_member_name (builder, "verification");
  _godwit_json_add_string_array (builder, godwit_migration_get_verification (migration));
  json_builder_set_member_name (builder, "stages");
  add_stage_reports (builder, migration);
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
  GPtrArray *steps = godwit_migration_get_steps (migration);
  GPtrArray *reports = godwit_migration_get_stage_reports (migration);
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
  if (dry_run)
    add_sync_row (summary, migration);
  _godwit_cli_table_print (summary, 0);

  /* A dry run is for reading what each step would do. */
  for (guint i = 0; dry_run && i < steps->len; i++)
    print_step_text (g_ptr_array_index (steps, i), g_ptr_array_index (reports, i), i + 1, steps->len, TRUE);

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
  g_auto(GodwitCliMigrationOptions) options = { 0 };
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_dir = NULL;
  gboolean dry_run = FALSE;
  const GOptionEntry entries[] = {
    GODWIT_CLI_MIGRATION_OPTION_ENTRIES (options),
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
