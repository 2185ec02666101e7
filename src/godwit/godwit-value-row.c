/* godwit-value-row.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A name over its value, the value selectable so that it can be copied:
 * a store's UUID, a version hash, an attribute of an object. A row that
 * leads somewhere, such as a relationship to the objects it holds, is
 * activatable and shows an arrow.
 */

#define G_LOG_DOMAIN "godwit-value-row"

#include "config.h"

#include "godwit-value-row.h"

struct _GodwitValueRow
{
  GtkListBoxRow  parent_instance;

  /* Template Widgets */
  GtkLabel      *name_label;
  GtkLabel      *value_label;
  GtkWidget     *link_image;
};

G_DEFINE_FINAL_TYPE (GodwitValueRow, godwit_value_row, GTK_TYPE_LIST_BOX_ROW)

static void
godwit_value_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_VALUE_ROW);

  G_OBJECT_CLASS (godwit_value_row_parent_class)->dispose (object);
}

static void
godwit_value_row_class_init (GodwitValueRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_value_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-value-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitValueRow, name_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitValueRow, value_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitValueRow, link_image);
}

static void
godwit_value_row_init (GodwitValueRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
godwit_value_row_new (const char *name,
                      const char *value)
{
  GodwitValueRow *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_object_new (GODWIT_TYPE_VALUE_ROW, NULL);
  gtk_label_set_label (self->name_label, name);
  gtk_label_set_label (self->value_label, value != NULL ? value : "");

  return GTK_WIDGET (self);
}

const char *
godwit_value_row_get_name (GodwitValueRow *self)
{
  g_return_val_if_fail (GODWIT_IS_VALUE_ROW (self), NULL);

  return gtk_label_get_label (self->name_label);
}

const char *
godwit_value_row_get_value_text (GodwitValueRow *self)
{
  g_return_val_if_fail (GODWIT_IS_VALUE_ROW (self), NULL);

  return gtk_label_get_label (self->value_label);
}

/**
 * godwit_value_row_set_link:
 * @tooltip: (nullable): where activating the row leads, %NULL for a row
 *   that leads nowhere
 */
void
godwit_value_row_set_link (GodwitValueRow *self,
                           const char     *tooltip)
{
  g_return_if_fail (GODWIT_IS_VALUE_ROW (self));

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self), tooltip != NULL);
  gtk_widget_set_visible (self->link_image, tooltip != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
}
