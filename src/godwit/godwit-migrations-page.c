/* godwit-migrations-page.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Migrating the store to a version of its model bundle. The page plans
 * the migration in a worker thread (planning opens the store and counts
 * its objects): the bundle's versions as a chain, the store's version and
 * the target marked, each step with how it migrates; the migration plan
 * beside the bundle (<bundle name>.godwit-plan.json, see
 * docs/migration-plan.md) or one the user chooses, and the Xcode mapping
 * models beside the bundle. A step chosen in the chain shows its stage
 * preview. Dry Run runs every step on a copy and verifies it; Migrate then
 * replaces the store, keeping a backup, with a toast to undo it. The
 * window reads the store again after a migration or a restore.
 *
 * The page reads its own copy of the bundle, since a plan's version order
 * is applied to the bundle it plans with.
 */

#define G_LOG_DOMAIN "godwit-migrations-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "godwit-migrations-page.h"
#include "godwit-store-backup.h"
#include "godwit-window.h"

#define SETTINGS_SCHEMA    "io.github.godwit.Godwit"
#define PLAN_SUFFIX        ".godwit-plan.json"
#define MAPPING_SUFFIX     ".xcmappingmodel"
/* Entries looked at beside the bundle for mapping models. */
#define MAX_FOLDER_ENTRIES 10000
/* Seconds the toast after a migration offers to undo it. */
#define UNDO_SECONDS       10

/* What the worker is given to plan with. */
typedef struct
{
  char *store_path;
  char *bundle_path;
  char *chosen_plan_path;   /* (nullable) */
  char *target;             /* (nullable) the bundle's current version */
  char *store_version;      /* (nullable) as the document matched it */
} PlanInput;

/* What it found. */
typedef struct
{
  GodwitModelBundle   *bundle;          /* (nullable) when it could not be read */
  GStrv                versions;        /* the bundle's, in the plan's order */
  char                *current_version; /* (nullable) */
  char                *store_version;   /* (nullable) */
  char                *plan_path;       /* (nullable) chosen, or found beside the bundle */
  gboolean             plan_found;
  GStrv                mapping_paths;
  GodwitMigration     *migration;       /* (nullable) */
  char                *problem;         /* (nullable) why there is no migration */
  GPtrArray           *backups;         /* (element-type GodwitStoreBackup) (nullable) */
  char                *backups_problem; /* (nullable) */
} Planning;

/* Shared by a running migration's worker and the page. */
typedef struct
{
  GWeakRef                      page;
  GMainContext                 *context;
  GCancellable                 *cancellable;
  gboolean                      dry_run;
  GodwitMigrationsPageObserver  observer;
  gpointer                      observer_data;

  GMutex                        lock;
  gboolean                      scheduled;   /* a report waits to be shown */
  guint                         step;
  guint                         n_steps;
  char                         *phase;
  char                         *entity;
  gint64                        done;
  gint64                        total;
} RunState;

typedef struct
{
  char *store_path;
  char *backup_path;
  char *done_text;    /* the toast after it */
} Restore;

struct _GodwitMigrationsPage
{
  AdwBin                        parent_instance;

  /* Template Widgets */
  GtkStack                     *stack;
  GtkRevealer                  *problem_revealer;
  GtkLabel                     *problem_label;
  GtkWidget                    *settings_group;
  GtkSpinner                   *planning_spinner;
  AdwComboRow                  *target_row;
  AdwActionRow                 *plan_row;
  AdwActionRow                 *mapping_row;
  GodwitChainView              *chain_view;
  GtkLabel                     *status_label;
  GtkRevealer                  *progress_revealer;
  GtkLabel                     *progress_title_label;
  GtkLabel                     *progress_detail_label;
  GtkProgressBar               *progress_bar;
  GtkWidget                    *preview_group;
  GodwitStagePreview           *stage_preview;
  GtkListBox                   *backup_list;

  /* Owned References */
  GSettings                    *settings;
  GodwitDocument               *document;           /* (nullable) */
  GodwitDocument               *pending_document;   /* (nullable) arrived while busy running */
  GFile                        *chosen_plan;        /* (nullable) */
  char                         *target;             /* (nullable) the current version */
  Planning                     *planning;           /* (nullable) */
  GCancellable                 *plan_cancellable;   /* (nullable) while planning */
  GCancellable                 *run_cancellable;    /* (nullable) while migrating or restoring */
  GtkNativeDialog              *chooser;            /* (nullable) */

  /* Borrowed References */
  AdwToast                     *toast;              /* (nullable) the last one, while shown */

  GodwitMigrationsPageObserver  observer;
  gpointer                      observer_data;
  gboolean                      stale;              /* planned for another document or choice */
  gboolean                      updating_targets;
  gboolean                      dry_run_passed;
  int                           shown_step;
};

G_DEFINE_FINAL_TYPE (GodwitMigrationsPage, godwit_migrations_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

enum {
  CLOSING_STORE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void refresh (GodwitMigrationsPage *self);

static void
plan_input_free (gpointer data)
{
  PlanInput *input = data;

  g_free (input->store_path);
  g_free (input->bundle_path);
  g_free (input->chosen_plan_path);
  g_free (input->target);
  g_free (input->store_version);
  g_free (input);
}

static void
planning_free (Planning *planning)
{
  if (planning == NULL)
    return;

  g_clear_object (&planning->bundle);
  g_strfreev (planning->versions);
  g_free (planning->current_version);
  g_free (planning->store_version);
  g_free (planning->plan_path);
  g_strfreev (planning->mapping_paths);
  g_clear_object (&planning->migration);
  g_free (planning->problem);
  g_clear_pointer (&planning->backups, g_ptr_array_unref);
  g_free (planning->backups_problem);
  g_free (planning);
}

static void
run_state_clear (gpointer data)
{
  RunState *state = data;

  g_weak_ref_clear (&state->page);
  g_main_context_unref (state->context);
  g_clear_object (&state->cancellable);
  g_mutex_clear (&state->lock);
  g_free (state->phase);
  g_free (state->entity);
}

static void
run_state_unref (gpointer data)
{
  g_atomic_rc_box_release_full (data, run_state_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RunState, run_state_unref)

static void
restore_free (gpointer data)
{
  Restore *restore = data;

  g_free (restore->store_path);
  g_free (restore->backup_path);
  g_free (restore->done_text);
  g_free (restore);
}

/* ---- planning, in a worker ------------------------------------------- */

/* “Garden” for Garden.xcdatamodeld. */
static char *
dup_bundle_stem (const char *bundle_path)
{
  g_autofree char *name = g_path_get_basename (bundle_path);
  char *dot = strrchr (name, '.');

  if (dot != NULL && dot != name)
    *dot = '\0';

  return g_steal_pointer (&name);
}

static char *
find_plan_beside (const char *bundle_path)
{
  g_autofree char *dir = g_path_get_dirname (bundle_path);
  g_autofree char *stem = dup_bundle_stem (bundle_path);
  g_autofree char *name = g_strconcat (stem, PLAN_SUFFIX, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return NULL;

  return g_steal_pointer (&path);
}

static int
compare_paths (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static GStrv
find_mapping_models_beside (const char *bundle_path)
{
  g_autofree char *dir = g_path_get_dirname (bundle_path);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  guint seen = 0;

  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL && seen++ < MAX_FOLDER_ENTRIES)
    if (g_str_has_suffix (name, MAPPING_SUFFIX))
      g_ptr_array_add (paths, g_build_filename (dir, name, NULL));

  g_ptr_array_sort (paths, compare_paths);
  g_ptr_array_add (paths, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&paths), FALSE);
}

static GStrv
dup_version_names (GodwitModelBundle *bundle)
{
  guint n = godwit_model_bundle_get_n_versions (bundle);
  GStrv names = g_new0 (char *, n + 1);

  for (guint i = 0; i < n; i++)
    names[i] = g_strdup (godwit_model_get_version_name (godwit_model_bundle_get_version (bundle, i)));

  return names;
}

/* Reads the plan and the mapping models, then plans; a problem with any
 * of them is the page's to show, not a failure of the task. */
static void
plan_migration (Planning  *planning,
                PlanInput *input)
{
  g_autoptr(GodwitMigrationPlan) plan = NULL;
  g_autoptr(GPtrArray) mapping_models = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  const char *target = input->target;

  if (planning->plan_path != NULL)
    {
      plan = godwit_migration_plan_new_for_path (planning->plan_path, &error);
      if (plan == NULL)
        {
          planning->problem = g_strdup (error->message);
          return;
        }
    }

  for (guint i = 0; planning->mapping_paths[i] != NULL; i++)
    {
      GodwitMappingModel *mapping_model = godwit_mapping_model_new_for_path (planning->mapping_paths[i], &error);

      if (mapping_model == NULL)
        {
          planning->problem = g_strdup (error->message);
          return;
        }
      g_ptr_array_add (mapping_models, mapping_model);
    }

  /* A remembered target the bundle no longer has: its current version. */
  if (target != NULL && godwit_model_bundle_find_version (planning->bundle, target) == NULL)
    target = NULL;

  planning->migration = godwit_migration_new (input->store_path, planning->bundle, plan, mapping_models,
                                              target, &error);
  if (planning->migration == NULL)
    planning->problem = g_strdup (error->message);
}

static void
plan_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  PlanInput *input = task_data;
  Planning *planning = g_new0 (Planning, 1);
  g_autoptr(GError) error = NULL;
  GodwitModel *current;

  planning->store_version = g_strdup (input->store_version);

  planning->bundle = godwit_model_bundle_new_for_path (input->bundle_path, &error);
  if (planning->bundle == NULL)
    {
      planning->problem = g_strdup (error->message);
      planning->versions = g_new0 (char *, 1);
      planning->mapping_paths = g_new0 (char *, 1);
    }
  else
    {
      if (input->chosen_plan_path != NULL)
        planning->plan_path = g_strdup (input->chosen_plan_path);
      else
        planning->plan_found = (planning->plan_path = find_plan_beside (input->bundle_path)) != NULL;
      planning->mapping_paths = find_mapping_models_beside (input->bundle_path);

      plan_migration (planning, input);

      /* After the plan's order was applied. */
      planning->versions = dup_version_names (planning->bundle);
      current = godwit_model_bundle_get_current_version (planning->bundle);
      if (current != NULL)
        planning->current_version = g_strdup (godwit_model_get_version_name (current));
    }

  planning->backups = godwit_store_list_backups (input->store_path, NULL, &error);
  if (planning->backups == NULL)
    planning->backups_problem = g_strdup (error->message);

  g_task_return_pointer (task, planning, (GDestroyNotify) planning_free);
}

/* ---- the page ---------------------------------------------------------- */

static void
notify_busy (GodwitMigrationsPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static GodwitMigration *
get_migration (GodwitMigrationsPage *self)
{
  return self->planning != NULL ? self->planning->migration : NULL;
}

static void
update_actions (GodwitMigrationsPage *self)
{
  GodwitMigration *migration = get_migration (self);
  gboolean running = self->run_cancellable != NULL;
  gboolean open = self->document != NULL && godwit_document_get_store (self->document) != NULL;
  gboolean idle = !running && self->plan_cancellable == NULL && open;
  gboolean can_run = idle && migration != NULL && godwit_migration_can_run (migration) &&
                     !godwit_migration_is_up_to_date (migration);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "migrations.dry-run", can_run);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "migrations.migrate", can_run);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "migrations.cancel", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "migrations.choose-plan", !running && self->document != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "migrations.forget-plan", !running && self->chosen_plan != NULL);
  gtk_widget_set_sensitive (self->settings_group, !running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->backup_list), !running);
  gtk_spinner_set_spinning (self->planning_spinner, self->plan_cancellable != NULL);
}

static void
show_dialog (GodwitMigrationsPage *self,
             const char           *heading,
             const char           *body)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, NULL);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
set_problem (GodwitMigrationsPage *self,
             const char           *problem)
{
  gtk_label_set_label (self->problem_label, problem != NULL ? problem : "");
  gtk_revealer_set_reveal_child (self->problem_revealer, problem != NULL);
}

static void
show_step (GodwitMigrationsPage *self,
           int                   index)
{
  GodwitMigration *migration = get_migration (self);
  GPtrArray *steps = migration != NULL ? godwit_migration_get_steps (migration) : NULL;

  if (steps == NULL || index < 0 || index >= (int) steps->len)
    {
      godwit_stage_preview_clear (self->stage_preview);
      gtk_widget_set_visible (self->preview_group, FALSE);
      self->shown_step = -1;
      return;
    }

  godwit_stage_preview_set_stage (self->stage_preview, g_ptr_array_index (steps, index),
                                  g_ptr_array_index (godwit_migration_get_stage_reports (migration), index),
                                  steps->len);
  gtk_widget_set_visible (self->preview_group, TRUE);
  self->shown_step = index;
}

static void
step_activated_cb (GodwitMigrationsPage *self,
                   guint                 index,
                   GodwitChainView      *chain_view)
{
  show_step (self, index);
}

static int
find_name (const char * const *names,
           const char         *name)
{
  for (guint i = 0; name != NULL && names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return i;

  return -1;
}

static void
update_status (GodwitMigrationsPage *self)
{
  GodwitMigration *migration = get_migration (self);
  g_autofree char *text = NULL;
  GPtrArray *steps;

  if (migration == NULL)
    {
      gtk_label_set_label (self->status_label, self->planning != NULL ? _("No migration could be planned.") : "");
      return;
    }

  steps = godwit_migration_get_steps (migration);
  if (godwit_migration_is_up_to_date (migration))
    text = g_strdup_printf (_("The store is at “%s”, the target: there is nothing to migrate."),
                            godwit_model_get_version_name (godwit_migration_get_target_version (migration)));
  else if (!godwit_migration_can_run (migration))
    {
      for (guint i = 0; text == NULL && i < steps->len; i++)
        {
          GodwitMigrationStep *step = g_ptr_array_index (steps, i);

          if (step->blockers->len > 0)
            text = g_strdup_printf (_("Step %u of %u cannot run: %s"), i + 1, steps->len,
                                    (const char *) g_ptr_array_index (step->blockers, 0));
        }
    }
  else if (self->dry_run_passed)
    text = g_strdup_printf (ngettext ("Dry run passed: the step ran on a copy of the store and the result "
                                      "was verified. The store is untouched.",
                                      "Dry run passed: all %u steps ran on a copy of the store and the "
                                      "result was verified. The store is untouched.", steps->len),
                            steps->len);
  else
    text = g_strdup_printf (ngettext ("%u step from “%s” to “%s”. Dry Run runs it on a copy of the store "
                                      "and verifies the result; Migrate then replaces the store, keeping a backup.",
                                      "%u steps from “%s” to “%s”. Dry Run runs them on a copy of the store "
                                      "and verifies the result; Migrate then replaces the store, keeping a backup.",
                                      steps->len),
                            steps->len,
                            godwit_model_get_version_name (godwit_migration_get_source_version (migration)),
                            godwit_model_get_version_name (godwit_migration_get_target_version (migration)));

  gtk_label_set_label (self->status_label, text);
}

static void
update_targets (GodwitMigrationsPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new ((const char * const *) self->planning->versions);
  GodwitMigration *migration = get_migration (self);
  const char *target = self->target != NULL ? self->target : self->planning->current_version;
  int selected;

  if (migration != NULL)
    target = godwit_model_get_version_name (godwit_migration_get_target_version (migration));
  selected = find_name ((const char * const *) self->planning->versions, target);

  self->updating_targets = TRUE;
  adw_combo_row_set_model (self->target_row, G_LIST_MODEL (names));
  adw_combo_row_set_selected (self->target_row, selected >= 0 ? (guint) selected : GTK_INVALID_LIST_POSITION);
  self->updating_targets = FALSE;
}

static void
update_plan_rows (GodwitMigrationsPage *self)
{
  Planning *planning = self->planning;
  g_autoptr(GString) mappings = g_string_new (NULL);
  g_autofree char *plan_text = NULL;

  if (planning->plan_path != NULL && planning->plan_found)
    plan_text = g_strdup_printf (_("%s (found beside the bundle)"), planning->plan_path);
  else if (planning->plan_path != NULL)
    plan_text = g_strdup (planning->plan_path);
  else
    {
      GodwitModelBundle *bundle = godwit_document_get_bundle (self->document);
      g_autofree char *stem = dup_bundle_stem (godwit_model_bundle_get_path (bundle));

      plan_text = g_strdup_printf (_("None: no %s%s beside the bundle; every step is inferred or uses a mapping model"),
                                   stem, PLAN_SUFFIX);
    }
  adw_action_row_set_subtitle (self->plan_row, plan_text);

  for (guint i = 0; planning->mapping_paths[i] != NULL; i++)
    {
      g_autofree char *name = g_path_get_basename (planning->mapping_paths[i]);

      if (mappings->len > 0)
        g_string_append (mappings, ", ");
      g_string_append (mappings, name);
    }
  adw_action_row_set_subtitle (self->mapping_row, mappings->len > 0 ? mappings->str : _("None beside the bundle"));
}

static void
restore_clicked_cb (GodwitMigrationsPage *self,
                    GtkButton            *button);

static GtkWidget *
backup_row_new (GodwitMigrationsPage    *self,
                const GodwitStoreBackup *backup)
{
  g_autoptr(GDateTime) local = g_date_time_to_local (backup->created);
  g_autofree char *date = g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
  g_autofree char *size = g_format_size (backup->size);
  g_autofree char *subtitle = g_strdup_printf ("%s · %s", backup->description != NULL ? backup->description : "",
                                               size);
  g_autofree char *accessible = g_strdup_printf (_("Restore the backup of %s"), date);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Restore"));

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), date);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_set_tooltip_text (row, backup->path);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, accessible, -1);
  g_object_set_data_full (G_OBJECT (button), "godwit-backup-path", g_strdup (backup->path), g_free);
  g_signal_connect_object (button, "clicked", G_CALLBACK (restore_clicked_cb), self, G_CONNECT_SWAPPED);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static void
update_backups (GodwitMigrationsPage *self)
{
  GtkListBoxRow *row;

  /* Rows only: the placeholder stays. */
  while ((row = gtk_list_box_get_row_at_index (self->backup_list, 0)) != NULL)
    gtk_list_box_remove (self->backup_list, GTK_WIDGET (row));

  if (self->planning->backups_problem != NULL)
    {
      GtkWidget *problem = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (problem), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (problem), _("The backups could not be listed"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (problem), self->planning->backups_problem);
      gtk_widget_add_css_class (problem, "error");
      gtk_list_box_append (self->backup_list, problem);
      return;
    }

  for (guint i = 0; i < self->planning->backups->len; i++)
    gtk_list_box_append (self->backup_list, backup_row_new (self, g_ptr_array_index (self->planning->backups, i)));
}

static void
update_chain (GodwitMigrationsPage *self)
{
  GodwitMigration *migration = get_migration (self);
  const char * const *versions = (const char * const *) self->planning->versions;
  GPtrArray *steps = NULL;
  int store_index = find_name (versions, self->planning->store_version);
  int target_index = -1;

  if (migration != NULL)
    {
      steps = godwit_migration_get_steps (migration);
      store_index = find_name (versions, godwit_model_get_version_name (godwit_migration_get_source_version (migration)));
      target_index = find_name (versions, godwit_migrations_page_get_target_version (self));
    }

  godwit_chain_view_set_chain (self->chain_view, versions, store_index, target_index, steps);
}

/* Shows what the worker planned. The step shown before stays shown when
 * the new plan has it. */
static void
apply_planning (GodwitMigrationsPage *self,
                Planning             *planning)
{
  GodwitMigration *migration;
  int shown = self->shown_step;

  planning_free (self->planning);
  self->planning = planning;
  self->dry_run_passed = FALSE;
  migration = planning->migration;

  set_problem (self, planning->problem);
  update_targets (self);
  update_plan_rows (self);
  update_chain (self);
  update_status (self);
  update_backups (self);

  if (migration == NULL || godwit_migration_get_steps (migration)->len == 0)
    shown = -1;
  else if (shown < 0 || shown >= (int) godwit_migration_get_steps (migration)->len)
    shown = 0;

  godwit_chain_view_set_selected_step (self->chain_view, shown);
  show_step (self, shown);
}

static void
plan_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GodwitMigrationsPage) self = user_data;
  g_autoptr(GCancellable) cancellable = g_object_ref (g_task_get_cancellable (G_TASK (result)));
  Planning *planning = g_task_propagate_pointer (G_TASK (result), NULL);

  /* Superseded by a later planning, or the page went away. */
  if (cancellable != self->plan_cancellable || g_cancellable_is_cancelled (cancellable))
    {
      planning_free (planning);
      return;
    }

  g_clear_object (&self->plan_cancellable);
  apply_planning (self, planning);
  update_actions (self);
  notify_busy (self);
}

/* Plans again, in a worker: for a new document, target or plan. */
static void
refresh (GodwitMigrationsPage *self)
{
  g_autoptr(GTask) task = NULL;
  GodwitModelBundle *bundle;
  GodwitVersionMatch *match;
  GodwitModel *matched = NULL;
  PlanInput *input;

  if (self->document == NULL || self->run_cancellable != NULL)
    return;

  bundle = godwit_document_get_bundle (self->document);
  if (bundle == NULL || godwit_model_bundle_get_path (bundle) == NULL)
    return;

  self->stale = FALSE;
  if (self->plan_cancellable != NULL)
    g_cancellable_cancel (self->plan_cancellable);
  g_clear_object (&self->plan_cancellable);
  self->plan_cancellable = g_cancellable_new ();

  match = godwit_document_get_bundle_match (self->document);
  if (match != NULL)
    matched = godwit_version_match_get_matched_version (match);

  input = g_new0 (PlanInput, 1);
  input->store_path = g_file_get_path (godwit_document_get_file (self->document));
  input->bundle_path = g_strdup (godwit_model_bundle_get_path (bundle));
  input->chosen_plan_path = self->chosen_plan != NULL ? g_file_get_path (self->chosen_plan) : NULL;
  input->target = g_strdup (self->target);
  input->store_version = matched != NULL ? g_strdup (godwit_model_get_version_name (matched)) : NULL;

  task = g_task_new (NULL, self->plan_cancellable, plan_cb, g_object_ref (self));
  g_task_set_source_tag (task, refresh);
  g_task_set_task_data (task, input, plan_input_free);
  g_task_run_in_thread (task, plan_in_thread);

  update_actions (self);
  notify_busy (self);
}

static void
target_selected_cb (GodwitMigrationsPage *self,
                    GParamSpec           *pspec,
                    AdwComboRow          *row)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (row);
  const char *name;

  if (self->updating_targets || item == NULL || self->planning == NULL)
    return;

  name = gtk_string_object_get_string (item);
  godwit_migrations_page_set_target_version (self, name);
}

/* ---- running ----------------------------------------------------------- */

static const char *
phase_text (const char *phase,
            gboolean    dry_run)
{
  if (g_strcmp0 (phase, "snapshot") == 0)
    return _("Copying the store");
  if (g_strcmp0 (phase, "verify") == 0)
    return _("Verifying the result");
  if (g_strcmp0 (phase, "replace") == 0)
    return _("Replacing the store, keeping a backup");
  if (g_strcmp0 (phase, "count") == 0)
    return _("Counting objects");

  return dry_run ? _("Migrating a copy") : _("Migrating");
}

static gboolean
show_progress_cb (gpointer data)
{
  RunState *state = data;
  g_autoptr(GodwitMigrationsPage) self = g_weak_ref_get (&state->page);
  g_autofree char *phase = NULL;
  g_autofree char *entity = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  guint step, n_steps;
  gint64 done, total;
  double within;
  double fraction;

  g_mutex_lock (&state->lock);
  state->scheduled = FALSE;
  step = state->step;
  n_steps = state->n_steps;
  phase = g_strdup (state->phase);
  entity = g_strdup (state->entity);
  done = state->done;
  total = state->total;
  g_mutex_unlock (&state->lock);

  if (self == NULL || self->run_cancellable != state->cancellable)
    return G_SOURCE_REMOVE;

  /* How far the entity being migrated is. */
  within = total > 0 ? (double) MIN (done, total) / total : 0;

  if (step > 0 && (g_strcmp0 (phase, "migrate") == 0 || g_strcmp0 (phase, "count") == 0))
    title = g_strdup_printf (_("Stage %u of %u: %s"), step, n_steps, phase_text (phase, state->dry_run));
  else
    title = g_strdup (phase_text (phase, state->dry_run));

  if (entity != NULL && total > 0)
    detail = g_strdup_printf (_("%s: %'" PRId64 " of %'" PRId64 " objects"), entity, done, total);
  else if (entity != NULL)
    detail = g_strdup (entity);

  /* Copying is the first twentieth, verifying and replacing the last. */
  if (g_strcmp0 (phase, "snapshot") == 0)
    fraction = 0.02;
  else if ((g_strcmp0 (phase, "migrate") == 0 || g_strcmp0 (phase, "count") == 0) && n_steps > 0)
    fraction = 0.05 + 0.85 * ((step > 0 ? step - 1 : 0) + within) / n_steps;
  else
    fraction = g_strcmp0 (phase, "verify") == 0 ? 0.92 : 0.97;

  gtk_label_set_label (self->progress_title_label, title);
  gtk_label_set_label (self->progress_detail_label, detail != NULL ? detail : "");
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);

  return G_SOURCE_REMOVE;
}

/* Called in the worker: the latest report waits for the main thread,
 * which is asked once however many reports come meanwhile. */
static void
progress_cb (const GodwitMigrationProgress *progress,
             gpointer                       user_data)
{
  RunState *state = user_data;
  gboolean schedule;

  if (state->observer != NULL)
    state->observer (progress, state->cancellable, state->observer_data);

  g_mutex_lock (&state->lock);
  state->step = progress->step;
  state->n_steps = progress->n_steps;
  g_free (state->phase);
  state->phase = g_strdup (progress->phase);
  g_free (state->entity);
  state->entity = g_strdup (progress->entity);
  state->done = progress->done;
  state->total = progress->total;
  schedule = !state->scheduled;
  state->scheduled = TRUE;
  g_mutex_unlock (&state->lock);

  if (schedule)
    g_main_context_invoke_full (state->context, G_PRIORITY_DEFAULT, show_progress_cb,
                                g_atomic_rc_box_acquire (state), run_state_unref);
}

static void
set_running (GodwitMigrationsPage *self,
             GCancellable         *cancellable,
             const char           *title)
{
  g_clear_object (&self->run_cancellable);
  self->run_cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  if (cancellable != NULL)
    {
      gtk_label_set_label (self->progress_title_label, title);
      gtk_label_set_label (self->progress_detail_label, "");
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
    }
  gtk_revealer_set_reveal_child (self->progress_revealer, cancellable != NULL);

  update_actions (self);
  notify_busy (self);
}

/* The window reads the store again; a document that came meanwhile is
 * superseded by it. */
static void
reload_window (GodwitMigrationsPage *self)
{
  g_clear_object (&self->pending_document);
  self->stale = TRUE;
  gtk_widget_activate_action (GTK_WIDGET (self), "win.reload", NULL);
}

/* A document set while the page was running. */
static void
take_pending_document (GodwitMigrationsPage *self)
{
  g_autoptr(GodwitDocument) document = g_steal_pointer (&self->pending_document);

  if (document != NULL)
    godwit_migrations_page_set_document (self, document);
}

static void
undo_clicked_cb (GodwitMigrationsPage *self,
                 AdwToast             *toast);

static void
show_migrated_toast (GodwitMigrationsPage *self,
                     GodwitMigration      *migration)
{
  GodwitStoreBackup *backup = godwit_migration_get_backup (migration);
  GodwitModel *target = godwit_migration_get_target_version (migration);
  AdwToast *toast = adw_toast_new_format (_("Migrated to “%s”"), godwit_model_get_version_name (target));

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_toast_set_timeout (toast, UNDO_SECONDS);
  if (backup != NULL)
    {
      adw_toast_set_button_label (toast, _("_Undo"));
      g_object_set_data_full (G_OBJECT (toast), "godwit-backup-path", g_strdup (backup->path), g_free);
      g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked_cb), self, G_CONNECT_SWAPPED);
    }

  godwit_window_add_page_toast (GTK_WIDGET (self), toast, &self->toast);
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GodwitMigration *migration = GODWIT_MIGRATION (object);
  g_autoptr(RunState) state = user_data;
  g_autoptr(GodwitMigrationsPage) self = g_weak_ref_get (&state->page);
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  gboolean ok;

  ok = godwit_migration_run_finish (migration, result, &error);
  godwit_migration_set_progress_callback (migration, NULL, NULL);

  /* The page went away, which cancelled the run. */
  if (self == NULL || self->run_cancellable != state->cancellable)
    return;

  set_running (self, NULL, NULL);

  if (ok && state->dry_run)
    {
      self->dry_run_passed = TRUE;
      update_status (self);
      show_step (self, self->shown_step);
    }
  else if (ok)
    {
      show_migrated_toast (self, migration);
      reload_window (self);
      return;
    }
  else
    {
      const char *heading;

      /* The reports hold what the run got to. */
      show_step (self, self->shown_step);

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          heading = state->dry_run ? _("Dry Run Cancelled") : _("Migration Cancelled");
          body = g_strdup (_("The original store is untouched."));
        }
      else
        {
          heading = state->dry_run ? _("Dry Run Failed") : _("Migration Failed");
          body = g_strdup_printf ("%s\n\n%s", error->message, _("The original store is untouched."));
        }
      show_dialog (self, heading, body);
    }

  /* A migration closed the store: the window opens it again. */
  if (state->dry_run)
    take_pending_document (self);
  else
    reload_window (self);
}

/* @state: (transfer full) */
static void
begin_run (GodwitMigrationsPage *self,
           RunState             *state)
{
  GodwitMigration *migration = get_migration (self);

  /* The migration borrows the state until the run ends; run_cb owns it. */
  godwit_migration_set_progress_callback (migration, progress_cb, state);
  godwit_migration_run_async (migration, NULL, state->dry_run, state->cancellable, run_cb, state);
}

static void
closed_for_run_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(RunState) state = user_data;
  g_autoptr(GodwitMigrationsPage) self = g_weak_ref_get (&state->page);

  godwit_document_close_finish (GODWIT_DOCUMENT (object), result, NULL);

  if (self == NULL || self->run_cancellable != state->cancellable)
    return;

  if (g_cancellable_is_cancelled (state->cancellable))
    {
      set_running (self, NULL, NULL);
      show_dialog (self, _("Migration Cancelled"), _("The original store is untouched."));
      reload_window (self);
      return;
    }

  begin_run (self, g_steal_pointer (&state));
}

/* A dry run reads the store; a migration replaces it, which the store
 * being open prevents: the pages let go of it and the document closes it
 * first. */
static void
start_run (GodwitMigrationsPage *self,
           gboolean              dry_run)
{
  GodwitMigration *migration = get_migration (self);
  g_autoptr(GCancellable) cancellable = NULL;
  RunState *state;

  if (migration == NULL || self->run_cancellable != NULL || self->plan_cancellable != NULL ||
      godwit_document_get_store (self->document) == NULL ||
      !godwit_migration_can_run (migration) || godwit_migration_is_up_to_date (migration))
    return;

  cancellable = g_cancellable_new ();
  state = g_atomic_rc_box_new0 (RunState);
  g_weak_ref_init (&state->page, self);
  state->context = g_main_context_ref_thread_default ();
  state->cancellable = g_object_ref (cancellable);
  state->dry_run = dry_run;
  state->observer = self->observer;
  state->observer_data = self->observer_data;
  g_mutex_init (&state->lock);

  self->dry_run_passed = FALSE;

  if (dry_run)
    {
      set_running (self, cancellable, _("Starting the dry run"));
      begin_run (self, state);
      return;
    }

  set_running (self, cancellable, _("Closing the store"));
  g_signal_emit (self, signals[CLOSING_STORE], 0);
  godwit_document_close_async (self->document, closed_for_run_cb, state);
}

static void
dry_run_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  start_run (GODWIT_MIGRATIONS_PAGE (widget), TRUE);
}

static void
migrate_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  start_run (GODWIT_MIGRATIONS_PAGE (widget), FALSE);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GodwitMigrationsPage *self = GODWIT_MIGRATIONS_PAGE (widget);

  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
}

/* ---- restoring a backup ----------------------------------------------- */

static void
restore_in_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  Restore *restore = task_data;
  g_autoptr(GError) error = NULL;

  if (godwit_store_rollback (restore->store_path, restore->backup_path, NULL, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, g_steal_pointer (&error));
}

static void
restore_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GodwitMigrationsPage) self = user_data;
  Restore *restore = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (self->run_cancellable != g_task_get_cancellable (G_TASK (result)))
    return;

  set_running (self, NULL, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_dialog (self, _("Could Not Restore the Backup"), error->message);
    }
  else
    godwit_window_add_page_toast (GTK_WIDGET (self), adw_toast_new (restore->done_text), &self->toast);

  /* The store was closed for it: the window opens it again. */
  reload_window (self);
}

static void
closed_for_restore_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  godwit_document_close_finish (GODWIT_DOCUMENT (object), result, NULL);

  if (g_task_return_error_if_cancelled (task))
    return;

  g_task_run_in_thread (task, restore_in_thread);
}

/* Replacing the store needs it closed, as for a migration. */
static void
start_restore (GodwitMigrationsPage *self,
               const char           *backup_path,
               const char           *done_text)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  Restore *restore;

  if (self->document == NULL || godwit_document_get_store (self->document) == NULL ||
      self->run_cancellable != NULL || backup_path == NULL)
    return;

  cancellable = g_cancellable_new ();
  restore = g_new0 (Restore, 1);
  restore->store_path = g_file_get_path (godwit_document_get_file (self->document));
  restore->backup_path = g_strdup (backup_path);
  restore->done_text = g_strdup (done_text);

  task = g_task_new (NULL, cancellable, restore_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_restore);
  g_task_set_task_data (task, restore, restore_free);

  set_running (self, cancellable, _("Restoring the backup"));
  g_signal_emit (self, signals[CLOSING_STORE], 0);
  godwit_document_close_async (self->document, closed_for_restore_cb, g_steal_pointer (&task));
}

static void
undo_clicked_cb (GodwitMigrationsPage *self,
                 AdwToast             *toast)
{
  start_restore (self, g_object_get_data (G_OBJECT (toast), "godwit-backup-path"), _("Migration undone"));
}

static void
restore_clicked_cb (GodwitMigrationsPage *self,
                    GtkButton            *button)
{
  start_restore (self, g_object_get_data (G_OBJECT (button), "godwit-backup-path"), _("Backup restored"));
}

/* ---- choosing a plan --------------------------------------------------- */

static void
choose_plan_response_cb (GodwitMigrationsPage *self,
                         int                   response,
                         GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      godwit_migrations_page_set_plan_file (self, file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

static void
choose_plan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  GodwitMigrationsPage *self = GODWIT_MIGRATIONS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  g_autoptr(GtkFileFilter) plans = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  g_autoptr(GFile) bundle_file = NULL;
  g_autoptr(GFile) folder = NULL;
  GodwitModelBundle *bundle;
  GtkFileChooserNative *chooser;

  if (self->document == NULL || self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Choose Migration Plan"), GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (plans, _("Migration plans"));
  gtk_file_filter_add_pattern (plans, "*" PLAN_SUFFIX);
  gtk_file_filter_add_pattern (plans, "*.json");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), plans);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);

  bundle = godwit_document_get_bundle (self->document);
  if (bundle != NULL)
    {
      bundle_file = g_file_new_for_path (godwit_model_bundle_get_path (bundle));
      folder = g_file_get_parent (bundle_file);
      if (folder != NULL)
        gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);
    }

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (choose_plan_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
forget_plan_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  godwit_migrations_page_set_plan_file (GODWIT_MIGRATIONS_PAGE (widget), NULL);
}

/* ---- the object ------------------------------------------------------- */

static void
godwit_migrations_page_map (GtkWidget *widget)
{
  GodwitMigrationsPage *self = GODWIT_MIGRATIONS_PAGE (widget);

  GTK_WIDGET_CLASS (godwit_migrations_page_parent_class)->map (widget);

  /* Planning opens and counts the store: only for a page looked at. */
  if (self->stale)
    refresh (self);
}

static void
godwit_migrations_page_dispose (GObject *object)
{
  GodwitMigrationsPage *self = (GodwitMigrationsPage *)object;

  if (self->plan_cancellable != NULL)
    g_cancellable_cancel (self->plan_cancellable);
  g_clear_object (&self->plan_cancellable);
  if (self->run_cancellable != NULL)
    g_cancellable_cancel (self->run_cancellable);
  g_clear_object (&self->run_cancellable);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  if (self->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->toast), (gpointer *) &self->toast);
  self->toast = NULL;
  g_clear_object (&self->document);
  g_clear_object (&self->pending_document);
  g_clear_pointer (&self->planning, planning_free);

  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_MIGRATIONS_PAGE);

  G_OBJECT_CLASS (godwit_migrations_page_parent_class)->dispose (object);
}

static void
godwit_migrations_page_finalize (GObject *object)
{
  GodwitMigrationsPage *self = (GodwitMigrationsPage *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->chosen_plan);
  g_clear_pointer (&self->target, g_free);

  G_OBJECT_CLASS (godwit_migrations_page_parent_class)->finalize (object);
}

static void
godwit_migrations_page_get_property (GObject    *object,
                                     guint       prop_id,
                                     GValue     *value,
                                     GParamSpec *pspec)
{
  GodwitMigrationsPage *self = GODWIT_MIGRATIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, godwit_migrations_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_migrations_page_class_init (GodwitMigrationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_migrations_page_dispose;
  object_class->finalize = godwit_migrations_page_finalize;
  object_class->get_property = godwit_migrations_page_get_property;

  widget_class->map = godwit_migrations_page_map;

  /* TRUE while planning, migrating or restoring a backup. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Before the page closes the document to replace its store: whoever
   * reads the store must let go of it. The window reads the store again
   * once the page is done. */
  signals[CLOSING_STORE] =
    g_signal_new ("closing-store", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-migrations-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, problem_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, settings_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, planning_spinner);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, target_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, plan_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, mapping_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, chain_view);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, progress_title_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, progress_detail_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, preview_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, stage_preview);
  gtk_widget_class_bind_template_child (widget_class, GodwitMigrationsPage, backup_list);
  gtk_widget_class_bind_template_callback (widget_class, step_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, target_selected_cb);

  gtk_widget_class_install_action (widget_class, "migrations.dry-run", NULL, dry_run_action);
  gtk_widget_class_install_action (widget_class, "migrations.migrate", NULL, migrate_action);
  gtk_widget_class_install_action (widget_class, "migrations.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "migrations.choose-plan", NULL, choose_plan_action);
  gtk_widget_class_install_action (widget_class, "migrations.forget-plan", NULL, forget_plan_action);

  g_type_ensure (GODWIT_TYPE_CHAIN_VIEW);
  g_type_ensure (GODWIT_TYPE_STAGE_PREVIEW);
}

static void
godwit_migrations_page_init (GodwitMigrationsPage *self)
{
  g_autofree char *target = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  /* A spinner at rest takes no room in the group's header. */
  g_object_bind_property (self->planning_spinner, "spinning", self->planning_spinner, "visible",
                          G_BINDING_SYNC_CREATE);

  self->shown_step = -1;
  self->settings = g_settings_new (SETTINGS_SCHEMA);
  target = g_settings_get_string (self->settings, "last-target-version");
  if (*target != '\0')
    self->target = g_steal_pointer (&target);

  update_actions (self);
}

/**
 * godwit_migrations_page_set_document:
 *
 * Plans the migration of @document's store, when the page is shown. A
 * document set while a migration runs waits for it to end.
 */
void
godwit_migrations_page_set_document (GodwitMigrationsPage *self,
                                     GodwitDocument       *document)
{
  GodwitModelBundle *bundle;
  gboolean same_store;

  g_return_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));

  if (self->run_cancellable != NULL)
    {
      g_set_object (&self->pending_document, document);
      return;
    }

  same_store = self->document != NULL &&
               g_file_equal (godwit_document_get_file (self->document), godwit_document_get_file (document));
  g_set_object (&self->document, document);

  /* A plan chosen for another store is not this one's. */
  if (!same_store)
    g_clear_object (&self->chosen_plan);

  if (self->plan_cancellable != NULL)
    g_cancellable_cancel (self->plan_cancellable);
  g_clear_object (&self->plan_cancellable);

  bundle = godwit_document_get_bundle (document);
  if (bundle == NULL || godwit_model_bundle_get_path (bundle) == NULL)
    {
      g_clear_pointer (&self->planning, planning_free);
      show_step (self, -1);
      gtk_stack_set_visible_child_name (self->stack, "no-bundle");
      self->stale = FALSE;
      update_actions (self);
      notify_busy (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "migrations");
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    refresh (self);
  update_actions (self);
  notify_busy (self);
}

/* TRUE while planning, migrating or restoring a backup. */
gboolean
godwit_migrations_page_get_busy (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), FALSE);

  return self->plan_cancellable != NULL || self->run_cancellable != NULL;
}

/**
 * godwit_migrations_page_set_plan_file:
 * @file: (nullable): a migration plan; %NULL for the one beside the
 *   bundle, if any
 *
 * What the plan chooser sets. Plans again.
 */
void
godwit_migrations_page_set_plan_file (GodwitMigrationsPage *self,
                                      GFile                *file)
{
  g_return_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  g_set_object (&self->chosen_plan, file);
  self->stale = TRUE;
  refresh (self);
  update_actions (self);
}

/**
 * godwit_migrations_page_get_plan_path:
 *
 * Returns: (nullable): the plan the last planning read, chosen or found
 *   beside the bundle
 */
const char *
godwit_migrations_page_get_plan_path (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return self->planning != NULL ? self->planning->plan_path : NULL;
}

/**
 * godwit_migrations_page_dup_mapping_paths:
 *
 * Returns: (transfer full): the mapping models found beside the bundle
 */
GStrv
godwit_migrations_page_dup_mapping_paths (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  if (self->planning == NULL)
    return g_new0 (char *, 1);

  return g_strdupv (self->planning->mapping_paths);
}

/**
 * godwit_migrations_page_set_target_version:
 * @name: (nullable): a version of the bundle; %NULL for its current one
 *
 * What the target dropdown sets; remembered for the next store. Plans
 * again.
 */
void
godwit_migrations_page_set_target_version (GodwitMigrationsPage *self,
                                           const char           *name)
{
  const char *current;

  g_return_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self));

  current = self->planning != NULL ? self->planning->current_version : NULL;
  if (g_strcmp0 (name, current) == 0)
    name = NULL;

  if (g_strcmp0 (self->target, name) == 0)
    return;

  g_free (self->target);
  self->target = g_strdup (name);
  g_settings_set_string (self->settings, "last-target-version", name != NULL ? name : "");

  self->stale = TRUE;
  refresh (self);
}

/**
 * godwit_migrations_page_get_target_version:
 *
 * Returns: (nullable): the version the last planning migrates to
 */
const char *
godwit_migrations_page_get_target_version (GodwitMigrationsPage *self)
{
  GodwitMigration *migration;

  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  migration = get_migration (self);

  return migration != NULL ? godwit_model_get_version_name (godwit_migration_get_target_version (migration)) : NULL;
}

/**
 * godwit_migrations_page_get_migration:
 *
 * Returns: (nullable) (transfer none): the migration planned last
 */
GodwitMigration *
godwit_migrations_page_get_migration (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return get_migration (self);
}

/**
 * godwit_migrations_page_get_problem:
 *
 * Returns: (nullable): why the last planning made no migration
 */
const char *
godwit_migrations_page_get_problem (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return self->planning != NULL ? self->planning->problem : NULL;
}

/* The sentence beside Dry Run and Migrate. */
const char *
godwit_migrations_page_get_status (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return gtk_label_get_label (self->status_label);
}

GodwitChainView *
godwit_migrations_page_get_chain_view (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return self->chain_view;
}

GodwitStagePreview *
godwit_migrations_page_get_stage_preview (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return self->stage_preview;
}

/* A row per backup of the store, newest first. */
GtkListBox *
godwit_migrations_page_get_backup_list (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return self->backup_list;
}

/**
 * godwit_migrations_page_get_toast:
 *
 * Returns: (nullable) (transfer none): the toast the page showed last,
 *   while it is shown
 */
AdwToast *
godwit_migrations_page_get_toast (GodwitMigrationsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self), NULL);

  return self->toast;
}

/**
 * godwit_migrations_page_set_progress_observer:
 * @observer: (nullable): called in the migration's worker thread with each
 *   progress report of the migrations started afterwards
 */
void
godwit_migrations_page_set_progress_observer (GodwitMigrationsPage         *self,
                                              GodwitMigrationsPageObserver  observer,
                                              gpointer                      user_data)
{
  g_return_if_fail (GODWIT_IS_MIGRATIONS_PAGE (self));

  self->observer = observer;
  self->observer_data = user_data;
}
