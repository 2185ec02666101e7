/* godwit-stage-preview.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One step of a migration as the engine reports it: the schema changes,
 * grouped into entities, attributes and relationships, each explained,
 * and why it cannot be inferred when it cannot; what other devices that
 * sync the store and still run the older version lose or cannot read of
 * it (what breaks sync standing out); what happens to the data
 * (objects of each entity before and after, values dropped or refused,
 * data loss standing out); the SQL the step runs; and the first objects
 * of each changed entity before and after. The first step's data is
 * counted when the migration is planned, later ones by a dry run: the
 * preview says when that has not happened yet.
 */

#define G_LOG_DOMAIN "godwit-stage-preview"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-diff-view.h"
#include "godwit-stage-preview.h"

/* Sample objects longer than this, as JSON text, are cut. */
#define MAX_SAMPLE_CHARS 1500

struct _GodwitStagePreview
{
  AdwBin             parent_instance;

  /* Template Widgets */
  GtkLabel          *title_label;
  GtkLabel          *kind_label;
  GtkListBox        *blocker_list;
  GtkWidget         *notice_box;
  GtkLabel          *notice_label;
  GodwitDiffView    *diff_view;
  GtkListBox        *sync_list;
  GtkGrid           *count_grid;
  GtkListBox        *impact_list;
  GtkTextView       *sql_view;
  GtkLabel          *sql_count_label;
  GtkWidget         *samples_box;

  /* Owned References */
  GodwitStageReport *report;
};

G_DEFINE_FINAL_TYPE (GodwitStagePreview, godwit_stage_preview, ADW_TYPE_BIN)

static void
remove_children (GtkWidget *widget)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (widget)) != NULL)
    {
      if (GTK_IS_LIST_BOX (widget))
        gtk_list_box_remove (GTK_LIST_BOX (widget), child);
      else if (GTK_IS_GRID (widget))
        gtk_grid_remove (GTK_GRID (widget), child);
      else
        gtk_box_remove (GTK_BOX (widget), child);
    }
}

static char *
dup_count_text (gint64 count)
{
  if (count < 0)
    return g_strdup ("–");

  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

static char *
dup_count_entity_text (const GodwitEntityCount *count)
{
  if (count->source_entity == NULL)
    return g_strdup_printf (_("%s (added)"), count->destination_entity);
  if (count->destination_entity == NULL)
    return g_strdup_printf (_("%s (removed)"), count->source_entity);

  return godwit_diff_view_dup_renamed_name (count->source_entity, count->destination_entity);
}

static void
attach_cell (GtkGrid    *grid,
             const char *text,
             int         column,
             int         row,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), column == 0 ? 0 : 1);
  gtk_widget_set_hexpand (label, column == 0);
  if (column > 0 && row > 0)
    gtk_widget_add_css_class (label, "numeric");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
fill_counts (GodwitStagePreview *self,
             GPtrArray          *counts)
{
  attach_cell (self->count_grid, _("Entity"), 0, 0, "heading");
  attach_cell (self->count_grid, _("Before"), 1, 0, "heading");
  attach_cell (self->count_grid, _("Predicted"), 2, 0, "heading");
  attach_cell (self->count_grid, _("After"), 3, 0, "heading");

  for (guint i = 0; i < counts->len; i++)
    {
      const GodwitEntityCount *count = g_ptr_array_index (counts, i);
      g_autofree char *entity = dup_count_entity_text (count);
      g_autofree char *before = dup_count_text (count->before);
      g_autofree char *predicted = dup_count_text (count->predicted);
      g_autofree char *after = dup_count_text (count->after);
      gboolean mismatch = count->after >= 0 && count->predicted >= 0 && count->after != count->predicted;

      attach_cell (self->count_grid, entity, 0, i + 1, NULL);
      attach_cell (self->count_grid, before, 1, i + 1, NULL);
      attach_cell (self->count_grid, predicted, 2, i + 1, NULL);
      attach_cell (self->count_grid, after, 3, i + 1, mismatch ? "error" : NULL);
    }
}

static GtkWidget *
impact_row_new (const char *icon_name,
                const char *text,
                const char *detail,
                const char *css_class)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);

  if (icon_name != NULL)
    {
      /* The texts beside it say what it shows. */
      GtkWidget *icon = g_object_new (GTK_TYPE_IMAGE,
                                      "icon-name", icon_name,
                                      "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                      NULL);

      gtk_widget_set_valign (icon, GTK_ALIGN_START);
      if (css_class != NULL)
        gtk_widget_add_css_class (icon, css_class);
      gtk_box_append (GTK_BOX (box), icon);
    }

  gtk_box_append (GTK_BOX (texts), godwit_diff_view_wrapped_label_new (text, NULL));
  if (detail != NULL)
    gtk_box_append (GTK_BOX (texts),
                    godwit_diff_view_wrapped_label_new (detail, css_class != NULL ? css_class : "dim-label"));
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (box), texts);

  return godwit_diff_view_row_new (box);
}

/* Data loss and what stops the step stand out as errors, the rest as
 * warnings. */
static void
fill_impacts (GodwitStagePreview *self,
              GPtrArray          *impacts)
{
  if (impacts == NULL)
    {
      const char *text = _("Not counted yet: a Dry Run counts what this step does to the data.");

      gtk_list_box_append (self->impact_list, impact_row_new (NULL, text, NULL, NULL));
      return;
    }

  if (impacts->len == 0)
    {
      gtk_list_box_append (self->impact_list,
                           impact_row_new ("object-select-symbolic",
                                           _("No stored value is dropped, set to nothing or refused."),
                                           NULL, "success"));
      return;
    }

  for (guint i = 0; i < impacts->len; i++)
    {
      const GodwitDataImpact *impact = g_ptr_array_index (impacts, i);

      if (impact->blocks)
        gtk_list_box_append (self->impact_list,
                             impact_row_new ("dialog-error-symbolic", impact->message,
                                             _("Stops the step: the store breaks a rule of the new version"),
                                             "error"));
      else if (impact->loses_data)
        gtk_list_box_append (self->impact_list,
                             impact_row_new ("dialog-warning-symbolic", impact->message,
                                             _("Data loss: these values are gone after the step"), "error"));
      else
        gtk_list_box_append (self->impact_list,
                             impact_row_new ("dialog-information-symbolic", impact->message,
                                             _("No data is lost"), NULL));
    }
}

/* What breaks sync stands out as an error, the rest as warnings. */
static void
fill_sync_findings (GodwitStagePreview *self,
                    GPtrArray          *findings)
{
  if (findings->len == 0)
    {
      gtk_list_box_append (self->sync_list,
                           impact_row_new ("object-select-symbolic",
                                           _("Compatible: devices on the older version still read and send the "
                                             "same documents."),
                                           NULL, "success"));
      return;
    }

  for (guint i = 0; i < findings->len; i++)
    {
      const GodwitSyncLintFinding *finding = g_ptr_array_index (findings, i);

      if (finding->severity == GODWIT_SYNC_LINT_BREAKS_SYNC)
        gtk_list_box_append (self->sync_list,
                             impact_row_new ("dialog-error-symbolic", finding->message,
                                             _("Breaks sync with devices on the older version"), "error"));
      else
        gtk_list_box_append (self->sync_list,
                             impact_row_new ("dialog-warning-symbolic", finding->message,
                                             _("Some values may not sync with devices on the older version"),
                                             "warning"));
    }
}

static void
fill_sql (GodwitStagePreview *self,
          GPtrArray          *sql)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->sql_view);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *count = NULL;

  if (sql == NULL)
    {
      gtk_text_buffer_set_text (buffer, "", -1);
      gtk_label_set_label (self->sql_count_label, _("This step cannot run, so it has no SQL."));
      return;
    }

  for (guint i = 0; i < sql->len; i++)
    {
      const char *statement = g_ptr_array_index (sql, i);

      if (i > 0)
        g_string_append (text, "\n\n");
      g_string_append (text, statement);
      if (!g_str_has_suffix (statement, ";"))
        g_string_append_c (text, ';');
    }

  gtk_text_buffer_set_text (buffer, text->str, -1);
  count = g_strdup_printf (ngettext ("%u statement, run on a copy of the store",
                                     "%u statements, run on a copy of the store", sql->len),
                           sql->len);
  gtk_label_set_label (self->sql_count_label, count);
}

static char *
dup_sample_text (JsonNode *node)
{
  g_autofree char *text = json_to_string (node, TRUE);
  g_autofree char *start = NULL;

  if (g_utf8_strlen (text, -1) <= MAX_SAMPLE_CHARS)
    return g_steal_pointer (&text);

  start = g_utf8_substring (text, 0, MAX_SAMPLE_CHARS - 1);

  return g_strconcat (start, "…", NULL);
}

static GtkWidget *
sample_column_new (const char *heading,
                   GPtrArray  *objects,
                   const char *missing)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *title = gtk_label_new (heading);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_widget_add_css_class (title, "caption-heading");
  gtk_widget_add_css_class (title, "dim-label");
  gtk_box_append (GTK_BOX (box), title);
  gtk_widget_set_hexpand (box, TRUE);
  gtk_widget_set_valign (box, GTK_ALIGN_START);

  if (objects == NULL || objects->len == 0)
    {
      gtk_box_append (GTK_BOX (box),
                      godwit_diff_view_wrapped_label_new (objects == NULL ? missing : _("No objects"), "dim-label"));
      return box;
    }

  for (guint i = 0; i < objects->len; i++)
    {
      g_autofree char *text = dup_sample_text (g_ptr_array_index (objects, i));
      GtkWidget *label = godwit_diff_view_wrapped_label_new (text, "monospace");

      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "godwit-sample");
      gtk_box_append (GTK_BOX (box), label);
    }

  return box;
}

static void
fill_samples (GodwitStagePreview *self,
              GPtrArray          *samples,
              gboolean            ran)
{
  if (samples == NULL || samples->len == 0)
    {
      gtk_box_append (GTK_BOX (self->samples_box),
                      godwit_diff_view_wrapped_label_new (samples == NULL ? _("Not read yet: a Dry Run reads them.")
                                                                          : _("No entity with objects changes in this step."),
                                                          "dim-label"));
      return;
    }

  for (guint i = 0; i < samples->len; i++)
    {
      const GodwitObjectSamples *sample = g_ptr_array_index (samples, i);
      g_autofree char *name = godwit_diff_view_dup_renamed_name (sample->source_entity, sample->destination_entity);
      GtkWidget *heading = gtk_label_new (name);
      GtkWidget *columns = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

      gtk_label_set_xalign (GTK_LABEL (heading), 0);
      gtk_widget_add_css_class (heading, "heading");
      gtk_box_set_homogeneous (GTK_BOX (columns), TRUE);
      gtk_box_append (GTK_BOX (columns), sample_column_new (_("Before"), sample->before, _("Not read yet")));
      gtk_box_append (GTK_BOX (columns),
                      sample_column_new (_("After"), sample->after,
                                         ran ? _("Not read") : _("Not read yet: a Dry Run reads them")));

      gtk_box_append (GTK_BOX (self->samples_box), heading);
      gtk_box_append (GTK_BOX (self->samples_box), columns);
    }
}

static char *
dup_kind_text (const GodwitMigrationStep *step)
{
  switch (step->kind)
    {
    case GODWIT_MIGRATION_STEP_INFERRED:
      return g_strdup (_("Inferred: Core Data’s lightweight rules, run as SQL"));
    case GODWIT_MIGRATION_STEP_PLAN:
      return g_strdup_printf (_("A custom stage of the migration plan: %s"),
                              step->stage != NULL ? step->stage->json_path : "");
    case GODWIT_MIGRATION_STEP_MAPPING_MODEL:
      return g_strdup_printf (_("The Xcode mapping model %s, run as a stage"),
                              step->mapping_model != NULL ? godwit_mapping_model_get_path (step->mapping_model) : "");
    case GODWIT_MIGRATION_STEP_NOT_MIGRATABLE:
    default:
      return g_strdup (_("Not migratable"));
    }
}

/* What the preview cannot show yet, and why. */
static const char *
notice_text (GodwitStageReport *report)
{
  if (godwit_stage_report_get_blockers (report)->len > 0)
    return _("This step cannot run, so neither a Dry Run nor a migration can count what it does.");
  if (godwit_stage_report_get_ran (report))
    return NULL;
  if (godwit_stage_report_get_step (report) > 1)
    return _("Not dry-run yet: this stage starts from what the stages before it make, so its objects, "
             "data impact and samples are known after a Dry Run.");
  if (godwit_stage_report_get_impacts (report) == NULL)
    return _("Not dry-run yet: the stage’s will-migrate statements change what it reads, so its data "
             "impact and the objects after it are known after a Dry Run.");

  return _("Not dry-run yet: the objects after this stage are known after a Dry Run.");
}

static void
godwit_stage_preview_dispose (GObject *object)
{
  GodwitStagePreview *self = (GodwitStagePreview *)object;

  g_clear_object (&self->report);
  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_STAGE_PREVIEW);

  G_OBJECT_CLASS (godwit_stage_preview_parent_class)->dispose (object);
}

static void
godwit_stage_preview_class_init (GodwitStagePreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_stage_preview_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-stage-preview.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, title_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, kind_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, blocker_list);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, notice_box);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, notice_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, diff_view);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, sync_list);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, count_grid);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, impact_list);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, sql_view);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, sql_count_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitStagePreview, samples_box);

  g_type_ensure (GODWIT_TYPE_DIFF_VIEW);
}

static void
godwit_stage_preview_init (GodwitStagePreview *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/* Shows nothing. */
void
godwit_stage_preview_clear (GodwitStagePreview *self)
{
  g_return_if_fail (GODWIT_IS_STAGE_PREVIEW (self));

  g_clear_object (&self->report);
  gtk_label_set_label (self->title_label, "");
  gtk_label_set_label (self->kind_label, "");
  gtk_widget_set_visible (self->notice_box, FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->blocker_list), FALSE);
  remove_children (GTK_WIDGET (self->blocker_list));
  godwit_diff_view_set_diff (self->diff_view, NULL);
  remove_children (GTK_WIDGET (self->sync_list));
  remove_children (GTK_WIDGET (self->count_grid));
  remove_children (GTK_WIDGET (self->impact_list));
  remove_children (self->samples_box);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->sql_view), "", -1);
  gtk_label_set_label (self->sql_count_label, "");
}

/**
 * godwit_stage_preview_set_stage:
 * @step: the step, read here only
 * @report: the engine's report of @step, kept
 * @n_steps: the migration's steps
 *
 * Shows a step. Its report must not change while it is shown: a running
 * migration makes new reports, which are shown once it ends.
 */
void
godwit_stage_preview_set_stage (GodwitStagePreview        *self,
                                const GodwitMigrationStep *step,
                                GodwitStageReport         *report,
                                guint                      n_steps)
{
  g_autofree char *title = NULL;
  g_autofree char *kind = NULL;
  GPtrArray *blockers;
  const char *notice;

  g_return_if_fail (GODWIT_IS_STAGE_PREVIEW (self));
  g_return_if_fail (step != NULL);
  g_return_if_fail (GODWIT_IS_STAGE_REPORT (report));

  g_object_ref (report);
  godwit_stage_preview_clear (self);
  self->report = report;

  title = g_strdup_printf (_("Step %u of %u: “%s” → “%s”"), godwit_stage_report_get_step (report), n_steps,
                           godwit_stage_report_get_source_version (report),
                           godwit_stage_report_get_destination_version (report));
  gtk_label_set_label (self->title_label, title);
  kind = dup_kind_text (step);
  gtk_label_set_label (self->kind_label, kind);

  blockers = godwit_stage_report_get_blockers (report);
  for (guint i = 0; i < blockers->len; i++)
    gtk_list_box_append (self->blocker_list,
                         impact_row_new ("dialog-error-symbolic", g_ptr_array_index (blockers, i),
                                         _("Why the step cannot run"), "error"));
  gtk_widget_set_visible (GTK_WIDGET (self->blocker_list), blockers->len > 0);

  notice = notice_text (report);
  gtk_label_set_label (self->notice_label, notice != NULL ? notice : "");
  gtk_widget_set_visible (self->notice_box, notice != NULL);

  godwit_diff_view_set_diff (self->diff_view, godwit_stage_report_get_diff (report));
  fill_sync_findings (self, godwit_stage_report_get_sync_findings (report));
  fill_counts (self, godwit_stage_report_get_counts (report));
  fill_impacts (self, godwit_stage_report_get_impacts (report));
  fill_sql (self, godwit_stage_report_get_sql (report));
  fill_samples (self, godwit_stage_report_get_samples (report), godwit_stage_report_get_ran (report));
}

/**
 * godwit_stage_preview_get_report:
 *
 * Returns: (nullable) (transfer none): the report shown
 */
GodwitStageReport *
godwit_stage_preview_get_report (GodwitStagePreview *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  return self->report;
}

const char *
godwit_stage_preview_get_title (GodwitStagePreview *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  return gtk_label_get_label (self->title_label);
}

/**
 * godwit_stage_preview_get_notice:
 *
 * Returns: (nullable): what the preview says it cannot show yet, such as
 *   a stage not dry-run; %NULL when it shows everything
 */
const char *
godwit_stage_preview_get_notice (GodwitStagePreview *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  if (!gtk_widget_get_visible (self->notice_box))
    return NULL;

  return gtk_label_get_label (self->notice_label);
}

/**
 * godwit_stage_preview_dup_sql:
 *
 * Returns: (transfer full): the SQL shown, statements ending with “;”
 *   and separated by an empty line
 */
char *
godwit_stage_preview_dup_sql (GodwitStagePreview *self)
{
  GtkTextBuffer *buffer;
  GtkTextIter start;
  GtkTextIter end;

  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  buffer = gtk_text_view_get_buffer (self->sql_view);
  gtk_text_buffer_get_bounds (buffer, &start, &end);

  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* Entity, Before, Predicted, After (columns 0 to 3); a row per entity
 * from row 1. */
GtkGrid *
godwit_stage_preview_get_count_grid (GodwitStagePreview *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  return self->count_grid;
}

GtkListBox *
godwit_stage_preview_get_impact_list (GodwitStagePreview *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  return self->impact_list;
}

/* A row per sync-compatibility finding, in the report's order, or one
 * saying the step is compatible. */
GtkListBox *
godwit_stage_preview_get_sync_list (GodwitStagePreview *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  return self->sync_list;
}

/* The schema changes. */
GodwitDiffView *
godwit_stage_preview_get_diff_view (GodwitStagePreview *self)
{
  g_return_val_if_fail (GODWIT_IS_STAGE_PREVIEW (self), NULL);

  return self->diff_view;
}
