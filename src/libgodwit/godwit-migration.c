/* godwit-migration.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A progressive migration: the store's version is found by its hashes,
 * the chain to the target is planned step by step (inferred, a plan's
 * custom stage, or not migratable with the reason), and running it never
 * touches the user's file until the end: a snapshot of the store is
 * migrated in a work folder beside it, the result is verified, and only
 * then does it replace the store, the original kept as a backup.
 */

#define G_LOG_DOMAIN "godwit-migration"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <inttypes.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-custom-migration.h"
#include "godwit-error.h"
#include "godwit-lightweight-migration.h"
#include "godwit-mapping-stage.h"
#include "godwit-migration.h"
#include "godwit-readonly-vfs-private.h"
#include "godwit-sql-private.h"
#include "godwit-stage-report-private.h"
#include "godwit-store.h"
#include "godwit-store-layout.h"
#include "godwit-version-match.h"

struct _GodwitMigration
{
  GObject                          parent_instance;

  char                            *store_path;
  GodwitModelBundle               *bundle;
  GodwitMigrationPlan             *plan;
  GodwitModel                     *source_version;
  GodwitModel                     *target_version;
  GPtrArray                       *steps;          /* (element-type GodwitMigrationStep) */
  GPtrArray                       *reports;        /* (element-type GodwitStageReport): one per step */
  GodwitStoreBackup               *backup;
  GPtrArray                       *verification;   /* (element-type utf8) */
  GodwitMigrationProgressCallback  progress;
  gpointer                         progress_data;
};

G_DEFINE_FINAL_TYPE (GodwitMigration, godwit_migration, G_TYPE_OBJECT)

static void
step_free (gpointer data)
{
  GodwitMigrationStep *step = data;

  g_clear_object (&step->diff);
  g_clear_object (&step->mapping_model);
  g_clear_pointer (&step->mapping_stage, godwit_migration_stage_free);
  g_ptr_array_unref (step->blockers);
  g_free (step);
}

static void
godwit_migration_finalize (GObject *object)
{
  GodwitMigration *self = (GodwitMigration *) object;

  g_clear_pointer (&self->store_path, g_free);
  g_clear_pointer (&self->reports, g_ptr_array_unref);
  g_clear_pointer (&self->steps, g_ptr_array_unref);
  g_clear_object (&self->bundle);
  g_clear_object (&self->plan);
  g_clear_pointer (&self->backup, godwit_store_backup_free);
  g_clear_pointer (&self->verification, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_migration_parent_class)->finalize (object);
}

static void
godwit_migration_class_init (GodwitMigrationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_migration_finalize;
}

static void
godwit_migration_init (GodwitMigration *self)
{
  self->steps = g_ptr_array_new_with_free_func (step_free);
  self->reports = g_ptr_array_new_with_free_func (g_object_unref);
  self->verification = g_ptr_array_new_with_free_func (g_free);
}

const char *
godwit_migration_step_kind_to_string (GodwitMigrationStepKind kind)
{
  switch (kind)
    {
    case GODWIT_MIGRATION_STEP_INFERRED:
      return "inferred";
    case GODWIT_MIGRATION_STEP_PLAN:
      return "migration-plan";
    case GODWIT_MIGRATION_STEP_MAPPING_MODEL:
      return "mapping-model";
    case GODWIT_MIGRATION_STEP_NOT_MIGRATABLE:
    default:
      return "not-migratable";
    }
}

static GodwitMappingModel *
find_mapping_model (GPtrArray   *mapping_models,
                    GodwitModel *source,
                    GodwitModel *destination)
{
  for (guint i = 0; mapping_models != NULL && i < mapping_models->len; i++)
    {
      GodwitMappingModel *mapping = g_ptr_array_index (mapping_models, i);
      g_autofree char *from = godwit_mapping_model_dup_source_version_name (mapping);
      g_autofree char *to = godwit_mapping_model_dup_destination_version_name (mapping);

      if (g_strcmp0 (from, godwit_model_get_version_name (source)) == 0 &&
          g_strcmp0 (to, godwit_model_get_version_name (destination)) == 0)
        return mapping;
    }

  return NULL;
}

/* The blockers of @diff that are an attribute's missing value: the diff
 * gives each such property one blocker (whose words the locale picks). */
static guint
count_value_blockers (GodwitModelDiff *diff)
{
  GPtrArray *changes = godwit_model_diff_get_entity_changes (diff);
  guint n = 0;

  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);

      for (guint j = 0; j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property = g_ptr_array_index (change->properties, j);

          if (property->needs_value && property->destination->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
            n++;
        }
    }

  return n;
}

/* A plan's custom stage wins; an Xcode mapping model comes next, as in
 * Core Data; otherwise the step is inferred when the diff allows it. */
static GodwitMigrationStep *
plan_step (GodwitMigration *self,
           GodwitModel     *source,
           GodwitModel     *destination,
           GPtrArray       *mapping_models)
{
  GodwitMigrationStep *step = g_new0 (GodwitMigrationStep, 1);
  const GodwitMigrationStage *stage = NULL;
  GodwitMappingModel *mapping;

  step->source = source;
  step->destination = destination;
  step->diff = godwit_model_diff_new (source, destination);
  step->blockers = g_ptr_array_new_with_free_func (g_free);

  if (self->plan != NULL)
    stage = godwit_migration_plan_find_stage (self->plan, godwit_model_get_version_name (source),
                                              godwit_model_get_version_name (destination));

  if (stage != NULL && stage->kind == GODWIT_MIGRATION_STAGE_CUSTOM)
    {
      step->kind = GODWIT_MIGRATION_STEP_PLAN;
      step->stage = stage;
      return step;
    }

  mapping = find_mapping_model (mapping_models, source, destination);
  if (mapping != NULL && (stage == NULL || stage->kind != GODWIT_MIGRATION_STAGE_LIGHTWEIGHT))
    {
      g_autoptr(GPtrArray) reasons = godwit_mapping_model_dup_unrunnable_reasons (mapping);

      step->kind = GODWIT_MIGRATION_STEP_MAPPING_MODEL;
      step->mapping_model = g_object_ref (mapping);
      for (guint i = 0; i < reasons->len; i++)
        g_ptr_array_add (step->blockers, g_strdup (g_ptr_array_index (reasons, i)));
      if (reasons->len == 0)
        {
          g_autoptr(GError) error = NULL;

          /* A mapping model runs as the custom stage it translates to. */
          step->mapping_stage = godwit_mapping_stage_new (mapping, source, destination, &error);
          if (step->mapping_stage == NULL)
            g_ptr_array_add (step->blockers, g_strdup (error->message));
          step->stage = step->mapping_stage;
        }
      return step;
    }

  step->kind = GODWIT_MIGRATION_STEP_INFERRED;
  if (!godwit_model_diff_is_inferable (step->diff))
    {
      g_autoptr(GPtrArray) blockers = godwit_model_diff_dup_blockers (step->diff);

      /* A missing value is checked against the data: the first step's
       * when planning (count_first_step()), later ones' when they run.
       * Every other blocker makes the step impossible to infer. */
      if (count_value_blockers (step->diff) != blockers->len)
        {
          step->kind = GODWIT_MIGRATION_STEP_NOT_MIGRATABLE;
          for (guint i = 0; i < blockers->len; i++)
            g_ptr_array_add (step->blockers, g_strdup (g_ptr_array_index (blockers, i)));
        }
    }

  return step;
}

static gint
version_index (GodwitModelBundle *bundle,
               GodwitModel       *version)
{
  for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
    if (godwit_model_bundle_get_version (bundle, i) == version)
      return i;

  return -1;
}

/* Empty reports of every step, with the SQL each runs. */
static void
new_reports (GodwitMigration *self)
{
  g_ptr_array_set_size (self->reports, 0);
  for (guint i = 0; i < self->steps->len; i++)
    {
      GodwitStageReport *report = _godwit_stage_report_new (i + 1, g_ptr_array_index (self->steps, i));

      _godwit_stage_report_set_sql (report, godwit_migration_dup_step_sql (self, i, NULL));
      g_ptr_array_add (self->reports, report);
    }
}

/* The first step starts from the store as it is, so its data is counted
 * now (read-only): objects, data impacts, and whether the values an
 * inferred step needs are there. Later steps start from what earlier ones
 * make: a dry run counts them. */
static gboolean
count_first_step (GodwitMigration  *self,
                  GError          **error)
{
  GodwitMigrationStep *step = g_ptr_array_index (self->steps, 0);
  GodwitStageReport *report = g_ptr_array_index (self->reports, 0);
  g_autoptr(GPtrArray) blocking = NULL;

  if (!_godwit_stage_report_read_before (report, self->store_path, NULL, error))
    return FALSE;

  /* Will-migrate statements change what the entity mappings read. */
  if (step->stage != NULL && step->stage->will_migrate[0] != NULL)
    return TRUE;

  if (!_godwit_stage_report_count_impacts (report, self->store_path, step->stage, NULL, error))
    return FALSE;
  if (step->kind != GODWIT_MIGRATION_STEP_INFERRED)
    return TRUE;

  blocking = _godwit_stage_report_dup_blocking (report);
  if (blocking->len == 0)
    return TRUE;

  step->kind = GODWIT_MIGRATION_STEP_NOT_MIGRATABLE;
  for (guint i = 0; i < blocking->len; i++)
    g_ptr_array_add (step->blockers, g_strdup (g_ptr_array_index (blocking, i)));
  _godwit_stage_report_update_step (report, step);
  _godwit_stage_report_set_sql (report, NULL);

  return TRUE;
}

/**
 * godwit_migration_new:
 * @plan: (nullable): a migration plan; its version order is applied to @bundle
 * @mapping_models: (nullable) (element-type GodwitMappingModel): Xcode mapping models
 * @target_version: (nullable): the version to reach; the bundle's current one by default
 *
 * Plans the migration of the store at @store_path, which is only read.
 * The first step's data is counted (godwit_migration_get_stage_reports()):
 * an inferred step whose data breaks a rule of the destination, such as
 * a new non-optional attribute without a default value that some objects
 * lack, is not migratable, its blockers saying how many objects.
 */
GodwitMigration *
godwit_migration_new (const char           *store_path,
                      GodwitModelBundle    *bundle,
                      GodwitMigrationPlan  *plan,
                      GPtrArray            *mapping_models,
                      const char           *target_version,
                      GError              **error)
{
  g_autoptr(GodwitMigration) self = NULL;
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GodwitVersionMatch) match = NULL;
  gint from, to;

  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (bundle), NULL);

  if (plan != NULL)
    {
      const char * const *order = godwit_migration_plan_get_order (plan);

      if (!godwit_migration_plan_validate (plan, bundle, error))
        return NULL;
      if (order != NULL && !godwit_model_bundle_set_version_order (bundle, order, error))
        return NULL;
    }

  store = godwit_store_open (store_path, NULL, error);
  if (store == NULL)
    return NULL;

  self = g_object_new (GODWIT_TYPE_MIGRATION, NULL);
  self->store_path = g_strdup (store_path);
  self->bundle = g_object_ref (bundle);
  self->plan = plan != NULL ? g_object_ref (plan) : NULL;

  match = godwit_version_match_new (godwit_store_get_version_hashes (store), NULL, bundle);
  self->source_version = godwit_version_match_get_matched_version (match);
  if (self->source_version == NULL)
    {
      GodwitModel *nearest = godwit_version_match_get_nearest_version (match);

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION,
                   _("%s: the store matches no version of %s (the nearest is “%s”): "
                     "Godwit cannot tell where to migrate from"),
                   store_path,
                   godwit_model_bundle_get_path (bundle) ? godwit_model_bundle_get_path (bundle) : _("the bundle"),
                   nearest != NULL ? godwit_model_get_version_name (nearest) : _("none"));
      return NULL;
    }

  self->target_version = godwit_model_bundle_find_target_version (bundle, target_version, error);
  if (self->target_version == NULL)
    return NULL;

  from = version_index (bundle, self->source_version);
  to = version_index (bundle, self->target_version);
  if (to < from)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION,
                   _("%s: the store is at “%s”, after the target “%s”: migrations only go forward "
                     "(use rollback to return to a backup)"),
                   store_path, godwit_model_get_version_name (self->source_version),
                   godwit_model_get_version_name (self->target_version));
      return NULL;
    }

  for (gint i = from; i < to; i++)
    g_ptr_array_add (self->steps, plan_step (self, godwit_model_bundle_get_version (bundle, i),
                                             godwit_model_bundle_get_version (bundle, i + 1),
                                             mapping_models));

  new_reports (self);
  if (self->steps->len > 0 && !count_first_step (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

GodwitModel *
godwit_migration_get_source_version (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), NULL);

  return self->source_version;
}

GodwitModel *
godwit_migration_get_target_version (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), NULL);

  return self->target_version;
}

/**
 * godwit_migration_get_steps:
 *
 * Returns: (transfer none) (element-type GodwitMigrationStep): one step per
 *   pair of adjacent versions from the store's version to the target.
 */
GPtrArray *
godwit_migration_get_steps (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), NULL);

  return self->steps;
}

gboolean
godwit_migration_is_up_to_date (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), FALSE);

  return self->steps->len == 0;
}

gboolean
godwit_migration_can_run (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), FALSE);

  for (guint i = 0; i < self->steps->len; i++)
    if (((GodwitMigrationStep *) g_ptr_array_index (self->steps, i))->blockers->len > 0)
      return FALSE;

  return TRUE;
}

/**
 * godwit_migration_dup_step_sql:
 *
 * Returns: (transfer full) (element-type utf8): the statements the step
 *   runs, or %NULL with @error set for a step that cannot run.
 */
GPtrArray *
godwit_migration_dup_step_sql (GodwitMigration  *self,
                               guint             index,
                               GError          **error)
{
  GodwitMigrationStep *step;

  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);

  step = g_ptr_array_index (self->steps, index);

  if (step->kind == GODWIT_MIGRATION_STEP_INFERRED)
    {
      g_autoptr(GodwitLightweightMigration) lightweight =
        godwit_lightweight_migration_new (step->source, step->destination, error);

      return lightweight != NULL ? godwit_lightweight_migration_dup_sql (lightweight) : NULL;
    }

  if (step->stage != NULL)
    {
      g_autoptr(GodwitCustomMigration) custom =
        godwit_custom_migration_new (step->source, step->destination, step->stage, error);

      return custom != NULL ? godwit_custom_migration_dup_sql (custom) : NULL;
    }

  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL, "%s",
               (const char *) g_ptr_array_index (step->blockers, 0));
  return NULL;
}

void
godwit_migration_set_progress_callback (GodwitMigration                 *self,
                                        GodwitMigrationProgressCallback  callback,
                                        gpointer                         user_data)
{
  g_return_if_fail (GODWIT_IS_MIGRATION (self));

  self->progress = callback;
  self->progress_data = user_data;
}

typedef struct
{
  GodwitMigration *self;
  guint            step;
} StepProgress;

static void
report (GodwitMigration *self,
        guint            step,
        const char      *phase,
        const char      *entity,
        gint64           done,
        gint64           total)
{
  GodwitMigrationProgress progress = { step, self->steps->len, phase, entity, done, total };

  if (self->progress != NULL)
    self->progress (&progress, self->progress_data);
}

static void
on_step_progress (const char *entity,
                  gint64      done,
                  gint64      total,
                  gpointer    user_data)
{
  StepProgress *p = user_data;

  report (p->self, p->step, "migrate", entity, done, total);
}

static void
remove_work_dir (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;

  if (listing == NULL)
    return;

  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_unlink (path);
    }

  g_rmdir (dir);
}

static gboolean
run_inferred (GodwitMigration      *self,
              GodwitMigrationStep  *step,
              guint                 number,
              const char           *path,
              GCancellable         *cancellable,
              GError              **error)
{
  g_autoptr(GodwitLightweightMigration) lightweight = NULL;
  StepProgress progress = { self, number };
  sqlite3 *db = NULL;
  gboolean ok;

  lightweight = godwit_lightweight_migration_new (step->source, step->destination, error);
  if (lightweight == NULL)
    return FALSE;

  if (_godwit_sql_open (path, SQLITE_OPEN_READWRITE, NULL, &db) != SQLITE_OK)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", path, sqlite3_errmsg (db));
      sqlite3_close (db);
      return FALSE;
    }

  ok = godwit_lightweight_migration_run (lightweight, db, on_step_progress, &progress, cancellable, error);

  /* Closing checkpoints the WAL: the step's result is one file. */
  sqlite3_close (db);

  return ok;
}

/* A plan's stage's impact analysis, in a thread of its own while the
 * stage changes the store. */
typedef struct
{
  GodwitStageReport          *report;
  const GodwitMigrationStage *stage;
  GodwitSqlRun                run;
  GError                     *error;
} ImpactCount;

/* Opens @count's connection in a read transaction that pins the store as
 * it is now, and says whether the store is in WAL mode: only there do
 * readers keep their snapshot while a writer commits, without blocking
 * it. Read-only, the connection never checkpoints nor removes the -wal,
 * whatever the step does to the file meanwhile. */
static gboolean
pin_snapshot (ImpactCount  *count,
              gboolean     *wal,
              GError      **error)
{
  sqlite3_stmt *statement = NULL;
  gint64 n_schema_rows;

  if (!_godwit_sql_run_open (&count->run, SQLITE_OPEN_READONLY, NULL, error))
    return FALSE;
  if (!_godwit_sql_run_execute (&count->run, _("impact analysis"), "BEGIN", error) ||
      !_godwit_sql_run_query_int (&count->run, _("impact analysis"), "SELECT COUNT(*) FROM sqlite_master",
                                  &n_schema_rows, error))
    return FALSE;

  *wal = sqlite3_prepare_v2 (count->run.db, "PRAGMA main.journal_mode", -1, &statement, NULL) == SQLITE_OK &&
         sqlite3_step (statement) == SQLITE_ROW &&
         g_ascii_strcasecmp ((const char *) sqlite3_column_text (statement, 0), "wal") == 0;
  sqlite3_finalize (statement);

  return TRUE;
}

static void
close_snapshot (ImpactCount *count)
{
  if (count->run.db == NULL)
    return;
  _godwit_sql_run_unwatch_cancellable (&count->run);
  sqlite3_close (count->run.db);
  count->run.db = NULL;
}

static gpointer
count_impacts_thread (gpointer data)
{
  ImpactCount *count = data;

  /* A failed analysis stops the step too. */
  if (!_godwit_stage_report_count_impacts_on (count->report, count->run.db, count->run.path, count->stage,
                                              count->run.cancellable, &count->error))
    g_cancellable_cancel (count->run.cancellable);

  /* At once, so that the step's checkpoints go on. */
  close_snapshot (count);

  return NULL;
}

static void
cancel_step (GCancellable *cancellable,
             gpointer      step_cancellable)
{
  g_cancellable_cancel (step_cancellable);
}

/* When the step outlived the analysis's connection, that connection kept
 * the step in the -wal: it goes into the file, as a step's result is one
 * file. */
static gboolean
checkpoint (const char  *path,
            GError     **error)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GodwitSqlRun run = { NULL, path, NULL, GODWIT_ERROR_IO, FALSE };
  gboolean ok;

  if (!g_file_test (wal, G_FILE_TEST_EXISTS))
    return TRUE;

  ok = _godwit_sql_run_open (&run, SQLITE_OPEN_READWRITE, NULL, error) &&
       _godwit_sql_run_execute (&run, _("checkpoint"), "PRAGMA wal_checkpoint(TRUNCATE)", error);
  /* Closing removes the -wal. */
  sqlite3_close (run.db);

  return ok;
}

/* A plan's stage: its impacts are counted on the store as will-migrate
 * made it, which is what its mappings read; then it changes in place.
 * In WAL mode the counts run on the second core meanwhile, on a
 * connection that began reading before the step. */
static gboolean
run_custom (GodwitMigration      *self,
            GodwitMigrationStep  *step,
            GodwitStageReport    *stage_report,
            guint                 number,
            const char           *path,
            GCancellable         *cancellable,
            GError              **error)
{
  g_autoptr(GodwitCustomMigration) custom = NULL;
  g_autoptr(GCancellable) step_cancellable = g_cancellable_new ();
  g_autoptr(GError) step_error = NULL;
  StepProgress progress = { self, number };
  ImpactCount count = { stage_report, step->stage, { NULL, path, step_cancellable, GODWIT_ERROR_CORRUPT_STORE, TRUE },
                        NULL };
  GThread *thread;
  gboolean wal = FALSE;
  gulong handler = 0;
  gboolean ok;

  custom = godwit_custom_migration_new (step->source, step->destination, step->stage, error);
  if (custom == NULL || !godwit_custom_migration_will_migrate (custom, path, cancellable, error))
    return FALSE;

  /* The caller's cancellable stops both sides; either side failing
   * stops the other. */
  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (cancel_step), step_cancellable, NULL);

  if (!pin_snapshot (&count, &wal, error))
    {
      ok = FALSE;
      close_snapshot (&count);
    }
  else if (!wal)
    {
      /* A reader would keep a rollback journal's writer from committing. */
      ok = _godwit_stage_report_count_impacts_on (stage_report, count.run.db, path, step->stage,
                                                  step_cancellable, error);
      close_snapshot (&count);
      ok = ok && godwit_custom_migration_run_in_place (custom, path, on_step_progress, &progress,
                                                       step_cancellable, error);
    }
  else
    {
      thread = g_thread_new ("godwit-impacts", count_impacts_thread, &count);
      ok = godwit_custom_migration_run_in_place (custom, path, on_step_progress, &progress,
                                                 step_cancellable, &step_error);
      if (!ok)
        g_cancellable_cancel (step_cancellable);
      g_thread_join (thread);

      /* The analysis's own error, unless the step failed first. */
      if (count.error != NULL && (ok || g_error_matches (step_error, G_IO_ERROR, G_IO_ERROR_CANCELLED)))
        {
          ok = FALSE;
          g_propagate_error (error, g_steal_pointer (&count.error));
        }
      else if (!ok)
        g_propagate_error (error, g_steal_pointer (&step_error));
      g_clear_error (&count.error);

      ok = ok && checkpoint (path, error);
    }

  g_cancellable_disconnect (cancellable, handler);

  return ok;
}

static gint64
query_count (sqlite3    *db,
             const char *sql)
{
  sqlite3_stmt *statement = NULL;
  gint64 count = -1;

  if (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL) == SQLITE_OK &&
      sqlite3_step (statement) == SQLITE_ROW)
    count = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);

  return count;
}

/* Every to-one foreign key and every join-table row points at an existing
 * object of the right hierarchy. */
static gboolean
verify_relationships (GodwitMigration  *self,
                      sqlite3          *db,
                      const char       *path,
                      GError          **error)
{
  g_autoptr(GodwitStoreLayout) layout = godwit_store_layout_new (self->target_version, FALSE, error);
  GPtrArray *tables;
  GPtrArray *joins;
  guint checked = 0;

  if (layout == NULL)
    return FALSE;

  tables = godwit_store_layout_get_tables (layout);
  for (guint i = 0; i < tables->len; i++)
    {
      const GodwitTable *table = g_ptr_array_index (tables, i);

      for (guint j = 0; j < table->columns->len; j++)
        {
          const GodwitColumn *column = g_ptr_array_index (table->columns, j);
          GodwitEntity *destination;
          const GodwitTable *destination_table;
          g_autofree char *sql = NULL;
          gint64 orphans;

          if (column->role != GODWIT_COLUMN_ROLE_TO_ONE)
            continue;

          destination = godwit_model_get_entity (self->target_version, column->property->destination_entity);
          destination_table = godwit_store_layout_get_table (layout, destination);
          sql = g_strdup_printf ("SELECT COUNT(*) FROM %s t WHERE t.%s IS NOT NULL AND NOT EXISTS "
                                 "(SELECT 1 FROM %s d WHERE d.Z_PK = t.%s)",
                                 table->name, column->name, destination_table->name, column->name);
          orphans = query_count (db, sql);
          checked++;

          if (orphans != 0)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                           _("%s: verification failed: %" PRId64 " %s objects point with %s.%s "
                             "at objects that do not exist"),
                           path, orphans, column->entity->name, column->entity->name, column->property->name);
              return FALSE;
            }
        }
    }

  joins = godwit_store_layout_get_join_tables (layout);
  for (guint i = 0; i < joins->len; i++)
    {
      const GodwitJoinTable *join = g_ptr_array_index (joins, i);
      const GodwitTable *own = godwit_store_layout_get_table (layout, join->entity);
      const GodwitTable *other = godwit_store_layout_get_table (layout, join->inverse_entity);
      g_autofree char *sql = g_strdup_printf ("SELECT COUNT(*) FROM %s j WHERE "
                                              "NOT EXISTS (SELECT 1 FROM %s a WHERE a.Z_PK = j.%s) OR "
                                              "NOT EXISTS (SELECT 1 FROM %s b WHERE b.Z_PK = j.%s)",
                                              join->name, own->name, join->column,
                                              other->name, join->inverse_column);
      gint64 orphans = query_count (db, sql);

      checked++;
      if (orphans != 0)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                       _("%s: verification failed: %" PRId64 " rows of %s point at objects that do not exist"),
                       path, orphans, join->name);
          return FALSE;
        }
    }

  g_ptr_array_add (self->verification,
                   g_strdup_printf (_("relationships: %u foreign keys and join tables checked, every one resolves"),
                                    checked));

  return TRUE;
}

/* The result must open as Core Data would see it: intact, at the target
 * version by every entity's hash, its relationships whole. */
static gboolean
verify (GodwitMigration  *self,
        const char       *path,
        GError          **error)
{
  g_autoptr(GodwitStore) result = NULL;
  g_autoptr(GodwitModelBundle) target = NULL;
  g_autoptr(GodwitVersionMatch) match = NULL;
  sqlite3_stmt *statement = NULL;
  sqlite3 *db = NULL;
  gboolean ok = FALSE;

  /* @path may be the user's store itself: plain SQLite would leave a
   * -wal and -shm behind a read-only connection. */
  _godwit_readonly_vfs_register ();
  if (_godwit_sql_open (path, SQLITE_OPEN_READONLY, GODWIT_READONLY_VFS_NAME, &db) != SQLITE_OK)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", path, sqlite3_errmsg (db));
      goto out;
    }

  if (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &statement, NULL) != SQLITE_OK ||
      sqlite3_step (statement) != SQLITE_ROW ||
      g_strcmp0 ((const char *) sqlite3_column_text (statement, 0), "ok") != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: verification failed: integrity check says “%s”"), path,
                   statement != NULL ? (const char *) sqlite3_column_text (statement, 0) : sqlite3_errmsg (db));
      goto out;
    }
  g_ptr_array_add (self->verification, g_strdup (_("integrity check: ok")));

  if (!verify_relationships (self, db, path, error))
    goto out;

  result = godwit_store_open (path, NULL, error);
  if (result == NULL)
    goto out;

  target = godwit_model_bundle_new_for_model (self->target_version, GODWIT_MODEL_BUNDLE_KIND_XCDATAMODEL);
  match = godwit_version_match_new (godwit_store_get_version_hashes (result), NULL, target);
  if (godwit_version_match_get_matched_version (match) == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_CORRUPT_STORE,
                   _("%s: verification failed: the metadata does not match version “%s”"),
                   path, godwit_model_get_version_name (self->target_version));
      goto out;
    }
  g_ptr_array_add (self->verification,
                   g_strdup_printf (_("metadata: every entity's version hash matches “%s”"),
                                    godwit_model_get_version_name (self->target_version)));

  ok = TRUE;

out:
  sqlite3_finalize (statement);
  sqlite3_close (db);

  return ok;
}

/**
 * godwit_migration_verify:
 * @path: a store at the target version, such as the store itself when
 *   godwit_migration_is_up_to_date()
 *
 * Checks @path, which is only read, as godwit_migration_run() checks its
 * result before the swap: SQLite's integrity check, every to-one foreign
 * key and join-table row resolves, and every entity's version hash in
 * the metadata matches the target version. godwit_migration_get_verification()
 * then says what passed.
 *
 * Returns: %TRUE when every check passes, else %FALSE with @error set
 *   (%GODWIT_ERROR_CORRUPT_STORE for a check that fails)
 */
gboolean
godwit_migration_verify (GodwitMigration  *self,
                         const char       *path,
                         GCancellable     *cancellable,
                         GError          **error)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_ptr_array_set_size (self->verification, 0);
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  return verify (self, path, error);
}

/**
 * godwit_migration_run:
 * @backup_dir: (nullable): where to keep the original; beside the store by default
 * @dry_run: run every step and verify, then throw the result away
 *
 * Runs the planned steps on a snapshot of the store in a work folder
 * beside it, verifies the result, and only then replaces the store,
 * keeping the original as a backup. Failure or cancellation at any point
 * leaves the store as it was.
 */
gboolean
godwit_migration_run (GodwitMigration  *self,
                      const char       *backup_dir,
                      gboolean          dry_run,
                      GCancellable     *cancellable,
                      GError          **error)
{
  g_autofree char *work_dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  guint n_checked = 0;
  gboolean ok = FALSE;

  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), FALSE);

  g_ptr_array_set_size (self->verification, 0);

  if (!godwit_migration_can_run (self))
    {
      g_autoptr(GString) reasons = g_string_new (NULL);

      for (guint i = 0; i < self->steps->len; i++)
        {
          GodwitMigrationStep *step = g_ptr_array_index (self->steps, i);

          for (guint j = 0; j < step->blockers->len; j++)
            g_string_append_printf (reasons, "%s%s", reasons->len ? "; " : "",
                                    (const char *) g_ptr_array_index (step->blockers, j));
        }

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: cannot migrate to “%s”: %s"), self->store_path,
                   godwit_model_get_version_name (self->target_version), reasons->str);
      return FALSE;
    }

  /* Beside the store, so the final rename stays on one filesystem; a
   * folder left by a run that was killed is cleared first, also when that
   * run was killed after the swap, which left the store up to date. */
  work_dir = g_strconcat (self->store_path, ".godwit-work", NULL);
  remove_work_dir (work_dir);

  if (godwit_migration_is_up_to_date (self))
    return TRUE;

  if (g_mkdir (work_dir, 0700) != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", work_dir, g_strerror (errno));
      return FALSE;
    }

  report (self, 0, "snapshot", NULL, 0, 1);
  /* The work copy: every step changes it in place. */
  path = g_build_filename (work_dir, "store.sqlite", NULL);
  if (!godwit_store_snapshot (self->store_path, path, cancellable, error))
    goto out;

  /* Each step is reported on afresh, the first one too: the store may
   * have changed since it was planned. */
  new_reports (self);

  for (guint i = 0; i < self->steps->len; i++)
    {
      GodwitMigrationStep *step = g_ptr_array_index (self->steps, i);
      GodwitStageReport *stage_report = g_ptr_array_index (self->reports, i);
      guint checked = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        goto out;

      /* Counting objects reads every table, so it is a phase of its
       * own: the step itself may take no time at all. */
      report (self, i + 1, "count", NULL, 0, 0);
      if (!_godwit_stage_report_read_before (stage_report, path, cancellable, error))
        goto out;

      /* Each step changes the work copy in place; an inferred step's
       * impacts are counted before it. */
      if (step->kind == GODWIT_MIGRATION_STEP_INFERRED &&
          !_godwit_stage_report_count_impacts (stage_report, path, NULL, cancellable, error))
        goto out;

      report (self, i + 1, "migrate", NULL, 0, 0);
      if (step->kind == GODWIT_MIGRATION_STEP_INFERRED)
        {
          if (!run_inferred (self, step, i + 1, path, cancellable, error))
            goto out;
        }
      else if (!run_custom (self, step, stage_report, i + 1, path, cancellable, error))
        goto out;

      report (self, i + 1, "count", NULL, 0, 0);
      if (!_godwit_stage_report_read_after (stage_report, path, cancellable, error) ||
          !_godwit_stage_report_check_counts (stage_report, self->store_path, &checked, error))
        goto out;
      n_checked += checked;
    }

  g_ptr_array_add (self->verification,
                   g_strdup_printf (_("object counts: in each of %u steps every entity has the objects "
                                      "its mapping predicts (%u counts)"), self->steps->len, n_checked));

  report (self, self->steps->len, "verify", NULL, 0, 1);
  if (!verify (self, path, error))
    goto out;

  if (dry_run)
    {
      ok = TRUE;
      goto out;
    }

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    goto out;

  report (self, self->steps->len, "replace", NULL, 0, 1);
  description = g_strdup_printf (_("before migrating from “%s” to “%s”"),
                                 godwit_model_get_version_name (self->source_version),
                                 godwit_model_get_version_name (self->target_version));
  g_clear_pointer (&self->backup, godwit_store_backup_free);
  ok = godwit_store_replace (self->store_path, path, backup_dir, description, &self->backup,
                             cancellable, error);

out:
  remove_work_dir (work_dir);

  return ok;
}

typedef struct
{
  char     *backup_dir;
  gboolean  dry_run;
} RunData;

static void
run_data_free (gpointer data)
{
  RunData *run = data;

  g_free (run->backup_dir);
  g_free (run);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  RunData *run = task_data;
  GError *error = NULL;

  if (godwit_migration_run (source_object, run->backup_dir, run->dry_run, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/**
 * godwit_migration_run_async:
 *
 * godwit_migration_run() in a worker thread. The progress callback is
 * called from that thread.
 */
void
godwit_migration_run_async (GodwitMigration     *self,
                            const char          *backup_dir,
                            gboolean             dry_run,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  RunData *run;

  g_return_if_fail (GODWIT_IS_MIGRATION (self));

  run = g_new0 (RunData, 1);
  run->backup_dir = g_strdup (backup_dir);
  run->dry_run = dry_run;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, godwit_migration_run_async);
  g_task_set_task_data (task, run, run_data_free);
  g_task_run_in_thread (task, run_thread);
}

gboolean
godwit_migration_run_finish (GodwitMigration  *self,
                             GAsyncResult     *result,
                             GError          **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * godwit_migration_get_backup:
 *
 * Returns: (transfer none) (nullable): the backup of the original made by
 *   the last run that replaced the store.
 */
GodwitStoreBackup *
godwit_migration_get_backup (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), NULL);

  return self->backup;
}

/**
 * godwit_migration_get_stage_reports:
 *
 * What each step does to the data. After godwit_migration_new() the first
 * step's report holds the store's object counts, the data impacts and
 * samples of its objects (unless the step is a plan's stage with
 * will-migrate statements); godwit_migration_run() fills every step's,
 * dry run or not, and a failed run leaves them as far as it got. Not to be
 * read while godwit_migration_run_async() runs.
 *
 * Returns: (transfer none) (element-type GodwitStageReport): one report
 *   per step, in order
 */
GPtrArray *
godwit_migration_get_stage_reports (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), NULL);

  return self->reports;
}

/**
 * godwit_migration_get_verification:
 *
 * Returns: (transfer none) (element-type utf8): what the last run checked
 *   on its result before the swap, or what godwit_migration_verify()
 *   checked, in words.
 */
GPtrArray *
godwit_migration_get_verification (GodwitMigration *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION (self), NULL);

  return self->verification;
}
