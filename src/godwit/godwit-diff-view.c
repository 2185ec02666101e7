/* godwit-diff-view.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What changes from one model version to another, as the engine's model
 * diff explains it: grouped into entities, attributes and relationships,
 * added first, then removed, renamed and changed, each with its
 * explanation and, when Core Data cannot infer it, why. The stage preview
 * and the Model page show it.
 */

#define G_LOG_DOMAIN "godwit-diff-view"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-diff-view.h"

typedef enum
{
  CATEGORY_ENTITIES,
  CATEGORY_ATTRIBUTES,
  CATEGORY_RELATIONSHIPS,
  N_CATEGORIES
} Category;

/* Added, removed, renamed, changed: the order within a category. */
#define N_ORDERED_KINDS 4

struct _GodwitDiffView
{
  AdwBin  parent_instance;

  char   *text;   /* what the view shows, line by line */
};

G_DEFINE_FINAL_TYPE (GodwitDiffView, godwit_diff_view, ADW_TYPE_BIN)

static const struct {
  const char *text;
  const char *css_class;
} change_kinds[] = {
  [GODWIT_CHANGE_UNCHANGED] = { N_("Unchanged"), "unchanged" },
  [GODWIT_CHANGE_ADDED] = { N_("Added"), "added" },
  [GODWIT_CHANGE_REMOVED] = { N_("Removed"), "removed" },
  [GODWIT_CHANGE_RENAMED] = { N_("Renamed"), "renamed" },
  [GODWIT_CHANGE_MODIFIED] = { N_("Changed"), "changed" },
};

static const char * const headings[N_CATEGORIES] = {
  N_("Entities"), N_("Attributes"), N_("Relationships")
};

static guint
change_order (GodwitChangeKind kind)
{
  switch (kind)
    {
    case GODWIT_CHANGE_ADDED:
      return 0;
    case GODWIT_CHANGE_REMOVED:
      return 1;
    case GODWIT_CHANGE_RENAMED:
      return 2;
    case GODWIT_CHANGE_MODIFIED:
    case GODWIT_CHANGE_UNCHANGED:
    default:
      return 3;
    }
}

/* A label that wraps at the width it is given, aligned to the start; the
 * stage preview's labels are made the same way. */
GtkWidget *
godwit_diff_view_wrapped_label_new (const char *text,
                                    const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

/* A list row, not activatable, holding @child with the margins of a
 * change's row; the stage preview's rows are made the same way. */
GtkWidget *
godwit_diff_view_row_new (GtkWidget *child)
{
  GtkWidget *row = gtk_list_box_row_new ();

  gtk_widget_set_margin_start (child, 12);
  gtk_widget_set_margin_end (child, 12);
  gtk_widget_set_margin_top (child, 9);
  gtk_widget_set_margin_bottom (child, 9);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), child);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);

  return row;
}

/* A change: what changes and how, the engine's explanation, and the
 * reason it cannot be inferred. */
static GtkWidget *
change_row_new (GodwitChangeKind  kind,
                const char       *name,
                const char       *explanation,
                const char       *blocker,
                GString          *text)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name_label = gtk_label_new (name);
  const char *kind_text;
  GtkWidget *tag;

  if ((guint) kind >= G_N_ELEMENTS (change_kinds))
    kind = GODWIT_CHANGE_MODIFIED;
  kind_text = _(change_kinds[kind].text);

  tag = gtk_label_new (kind_text);
  gtk_widget_add_css_class (tag, "godwit-tag");
  gtk_widget_add_css_class (tag, change_kinds[kind].css_class);
  gtk_widget_add_css_class (tag, "caption-heading");
  gtk_widget_add_css_class (name_label, "heading");
  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_selectable (GTK_LABEL (name_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (name_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (name_label), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (title), tag);
  gtk_box_append (GTK_BOX (title), name_label);

  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), godwit_diff_view_wrapped_label_new (explanation, NULL));
  g_string_append_printf (text, "%s %s: %s\n", kind_text, name, explanation);
  if (blocker != NULL)
    {
      g_autofree char *blocker_text = g_strdup_printf (_("Not inferable: %s"), blocker);

      gtk_box_append (GTK_BOX (box), godwit_diff_view_wrapped_label_new (blocker_text, "error"));
      g_string_append_printf (text, "  %s\n", blocker_text);
    }

  return godwit_diff_view_row_new (box);
}

static Category
property_category (const GodwitPropertyChange *change)
{
  GodwitProperty *property = change->destination != NULL ? change->destination : change->source;

  return property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP ? CATEGORY_RELATIONSHIPS : CATEGORY_ATTRIBUTES;
}

/* The diff's changes, unchanged ones left out, as rows by category and
 * order; the rows are floating. */
static void
collect_rows (GodwitModelDiff *diff,
              GPtrArray       *rows[N_CATEGORIES][N_ORDERED_KINDS],
              GString         *text)
{
  GPtrArray *changes = godwit_model_diff_get_entity_changes (diff);

  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);
      const char *source = change->source != NULL ? change->source->name : NULL;
      const char *destination = change->destination != NULL ? change->destination->name : NULL;
      const char *entity = destination != NULL ? destination : source;

      if (change->kind != GODWIT_CHANGE_UNCHANGED)
        {
          g_autofree char *name = godwit_diff_view_dup_renamed_name (source, destination);

          g_ptr_array_add (rows[CATEGORY_ENTITIES][change_order (change->kind)],
                           change_row_new (change->kind, name, change->explanation, change->blocker, text));
        }

      for (guint j = 0; change->properties != NULL && j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property_change = g_ptr_array_index (change->properties, j);
          GodwitProperty *old = property_change->source;
          GodwitProperty *new = property_change->destination;
          g_autofree char *property_name = NULL;
          g_autofree char *name = NULL;

          if (property_change->kind == GODWIT_CHANGE_UNCHANGED)
            continue;

          property_name = godwit_diff_view_dup_renamed_name (old != NULL ? old->name : NULL,
                                                             new != NULL ? new->name : NULL);
          name = g_strdup_printf ("%s.%s", entity, property_name);
          g_ptr_array_add (rows[property_category (property_change)][change_order (property_change->kind)],
                           change_row_new (property_change->kind, name, property_change->explanation,
                                           property_change->blocker, text));
        }
    }
}

static void
godwit_diff_view_finalize (GObject *object)
{
  GodwitDiffView *self = (GodwitDiffView *)object;

  g_clear_pointer (&self->text, g_free);

  G_OBJECT_CLASS (godwit_diff_view_parent_class)->finalize (object);
}

static void
godwit_diff_view_class_init (GodwitDiffViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = godwit_diff_view_finalize;
}

static void
godwit_diff_view_init (GodwitDiffView *self)
{
  self->text = g_strdup ("");
}

GtkWidget *
godwit_diff_view_new (void)
{
  return g_object_new (GODWIT_TYPE_DIFF_VIEW, NULL);
}

/**
 * godwit_diff_view_set_diff:
 * @diff: (nullable): the changes to show; the view keeps no reference
 */
void
godwit_diff_view_set_diff (GodwitDiffView  *self,
                           GodwitModelDiff *diff)
{
  GPtrArray *rows[N_CATEGORIES][N_ORDERED_KINDS];
  g_autoptr(GString) text = g_string_new (NULL);
  GtkWidget *box;
  gboolean any = FALSE;

  g_return_if_fail (GODWIT_IS_DIFF_VIEW (self));
  g_return_if_fail (diff == NULL || GODWIT_IS_MODEL_DIFF (diff));

  if (diff == NULL)
    {
      adw_bin_set_child (ADW_BIN (self), NULL);
      g_free (self->text);
      self->text = g_strdup ("");
      return;
    }

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);

  for (guint c = 0; c < N_CATEGORIES; c++)
    for (guint k = 0; k < N_ORDERED_KINDS; k++)
      rows[c][k] = g_ptr_array_new ();

  collect_rows (diff, rows, text);

  for (guint c = 0; c < N_CATEGORIES; c++)
    {
      GtkWidget *list = NULL;

      for (guint k = 0; k < N_ORDERED_KINDS; k++)
        {
          for (guint i = 0; i < rows[c][k]->len; i++)
            {
              if (list == NULL)
                {
                  GtkWidget *heading = gtk_label_new (_(headings[c]));

                  gtk_label_set_xalign (GTK_LABEL (heading), 0);
                  gtk_widget_add_css_class (heading, "caption-heading");
                  gtk_box_append (GTK_BOX (box), heading);

                  list = gtk_list_box_new ();
                  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
                  gtk_widget_add_css_class (list, "boxed-list");
                  gtk_accessible_update_property (GTK_ACCESSIBLE (list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                                  _(headings[c]), -1);
                  gtk_box_append (GTK_BOX (box), list);
                }

              gtk_list_box_append (GTK_LIST_BOX (list), g_ptr_array_index (rows[c][k], i));
              any = TRUE;
            }
          g_ptr_array_unref (rows[c][k]);
        }
    }

  if (!any)
    {
      const char *none = _("Nothing that the store keeps changes between these versions.");

      gtk_box_append (GTK_BOX (box), godwit_diff_view_wrapped_label_new (none, "dim-label"));
      g_string_append_printf (text, "%s\n", none);
    }

  adw_bin_set_child (ADW_BIN (self), box);
  g_free (self->text);
  self->text = g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * godwit_diff_view_dup_text:
 *
 * Returns: (transfer full): what the view shows, a line per change: how
 *   it changes, its name and the explanation, the reason it is not
 *   inferable on a line of its own
 */
char *
godwit_diff_view_dup_text (GodwitDiffView *self)
{
  g_return_val_if_fail (GODWIT_IS_DIFF_VIEW (self), NULL);

  return g_strdup (self->text);
}

/**
 * godwit_diff_view_dup_renamed_name:
 * @source: (nullable): the name in the older version
 * @destination: (nullable): the name in the newer version
 *
 * Returns: (transfer full): “Old → New” for a renamed entity or property,
 *   else its one name
 */
char *
godwit_diff_view_dup_renamed_name (const char *source,
                                   const char *destination)
{
  if (source != NULL && destination != NULL && g_strcmp0 (source, destination) != 0)
    return g_strdup_printf ("%s → %s", source, destination);

  return g_strdup (destination != NULL ? destination : source);
}
