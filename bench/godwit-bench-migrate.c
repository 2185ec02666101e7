/* godwit-bench-migrate.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Migrates a store with GodwitMigration, as godwit-cli migrate does, and
 * prints how long each phase took: the snapshot, each step, the
 * verification and the replacement. bench/run times the whole process
 * and its peak RSS from outside; the phases tell what grows with the
 * store and what must not. With --sql it prints each step's statements
 * instead, for replaying them one by one in the sqlite3 shell. */

#define G_LOG_DOMAIN "godwit-bench-migrate"

#include "config.h"

#include <locale.h>

#include "godwit-migration.h"

#define EXIT_USAGE 2

/* The phase under way: a new one starts when the step or the phase
 * name reported changes. */
typedef struct
{
  GPtrArray *steps;      /* (element-type GodwitMigrationStep) (unowned) */
  char      *phase;      /* (nullable) */
  guint      step;
  gint64     started;    /* g_get_monotonic_time () */
} Timing;

static void
print_phase (Timing *timing,
             gint64  now)
{
  g_autofree char *what = NULL;

  if (timing->phase == NULL)
    return;

  if (g_str_equal (timing->phase, "migrate") && timing->step > 0 && timing->step <= timing->steps->len)
    {
      GodwitMigrationStep *step = g_ptr_array_index (timing->steps, timing->step - 1);

      what = g_strdup_printf ("%s → %s (%s)", godwit_model_get_version_name (step->source),
                              godwit_model_get_version_name (step->destination),
                              godwit_migration_step_kind_to_string (step->kind));
    }

  g_print ("%s\t%u\t%s\t%.6f\n", timing->phase, timing->step, what != NULL ? what : "-",
           (now - timing->started) / (double) G_USEC_PER_SEC);
}

static void
on_progress (const GodwitMigrationProgress *progress,
             gpointer                       user_data)
{
  Timing *timing = user_data;
  gint64 now = g_get_monotonic_time ();

  if (timing->phase != NULL && timing->step == progress->step &&
      g_str_equal (timing->phase, progress->phase))
    return;

  print_phase (timing, now);
  g_free (timing->phase);
  timing->phase = g_strdup (progress->phase);
  timing->step = progress->step;
  timing->started = now;
}

static void
print_sql (GodwitMigration *migration)
{
  GPtrArray *steps = godwit_migration_get_steps (migration);

  for (guint i = 0; i < steps->len; i++)
    {
      GodwitMigrationStep *step = g_ptr_array_index (steps, i);
      g_autoptr(GPtrArray) statements = NULL;
      g_autoptr(GError) error = NULL;

      g_print ("-- Step %u: %s → %s (%s)\n", i + 1, godwit_model_get_version_name (step->source),
               godwit_model_get_version_name (step->destination),
               godwit_migration_step_kind_to_string (step->kind));
      statements = godwit_migration_dup_step_sql (migration, i, &error);
      if (statements == NULL)
        {
          g_print ("-- cannot run: %s\n", error->message);
          continue;
        }
      for (guint j = 0; j < statements->len; j++)
        g_print ("%s;\n", (const char *) g_ptr_array_index (statements, j));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *backup_dir = NULL;
  g_autofree char *plan_path = NULL;
  g_autofree char *target = NULL;
  gboolean sql = FALSE;
  Timing timing = { NULL, NULL, 0, 0 };
  gint64 started;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &plan_path, "A Godwit migration plan", "FILE" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &target, "The version to reach (the current one by default)", "VERSION" },
    { "backup-dir", 0, 0, G_OPTION_ARG_FILENAME, &backup_dir, "Where the original is kept", "DIR" },
    { "sql", 0, 0, G_OPTION_ARG_NONE, &sql, "Print each step's statements instead of migrating", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  context = g_option_context_new ("STORE BUNDLE");
  g_option_context_set_summary (context,
                                "Migrate STORE through the versions of BUNDLE and print the time of "
                                "each phase (phase, step, what, seconds; tab-separated).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("godwit-bench-migrate: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (argc != 3)
    {
      g_printerr ("godwit-bench-migrate: expected STORE and BUNDLE (see --help)\n");
      return EXIT_USAGE;
    }

  started = g_get_monotonic_time ();

  bundle = godwit_model_bundle_new_for_path (argv[2], &error);
  if (bundle != NULL && plan_path != NULL)
    plan = godwit_migration_plan_new_for_path (plan_path, &error);
  if (bundle != NULL && (plan_path == NULL || plan != NULL))
    migration = godwit_migration_new (argv[1], bundle, plan, NULL, target, &error);
  if (migration == NULL)
    {
      g_printerr ("godwit-bench-migrate: %s\n", error->message);
      return EXIT_FAILURE;
    }

  if (sql)
    {
      print_sql (migration);
      return EXIT_SUCCESS;
    }

  /* Loading the bundle and planning count in the total only. */
  timing.steps = godwit_migration_get_steps (migration);
  godwit_migration_set_progress_callback (migration, on_progress, &timing);
  ok = godwit_migration_run (migration, backup_dir, FALSE, NULL, &error);
  print_phase (&timing, g_get_monotonic_time ());
  g_free (timing.phase);
  if (!ok)
    {
      g_printerr ("godwit-bench-migrate: %s\n", error->message);
      return EXIT_FAILURE;
    }

  g_print ("total\t0\t-\t%.6f\n", (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC);

  return EXIT_SUCCESS;
}
