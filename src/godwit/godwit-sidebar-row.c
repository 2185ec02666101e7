/* godwit-sidebar-row.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A row of the store view's sidebar: a page of the store (Metadata,
 * Model, …) or an entity with the number of its objects.
 */

#define G_LOG_DOMAIN "godwit-sidebar-row"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-sidebar-row.h"

struct _GodwitSidebarRow
{
  GtkListBoxRow  parent_instance;

  /* Template Widgets */
  GtkImage      *icon;
  GtkLabel      *title_label;
  GtkImage      *warning_icon;
  GtkLabel      *count_label;

  char          *page_name;
  char          *entity;       /* (nullable) */
  gint64         count;
};

G_DEFINE_FINAL_TYPE (GodwitSidebarRow, godwit_sidebar_row, GTK_TYPE_LIST_BOX_ROW)

static void
godwit_sidebar_row_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_SIDEBAR_ROW);

  G_OBJECT_CLASS (godwit_sidebar_row_parent_class)->dispose (object);
}

static void
godwit_sidebar_row_finalize (GObject *object)
{
  GodwitSidebarRow *self = (GodwitSidebarRow *)object;

  g_clear_pointer (&self->page_name, g_free);
  g_clear_pointer (&self->entity, g_free);

  G_OBJECT_CLASS (godwit_sidebar_row_parent_class)->finalize (object);
}

static void
godwit_sidebar_row_class_init (GodwitSidebarRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_sidebar_row_dispose;
  object_class->finalize = godwit_sidebar_row_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-sidebar-row.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitSidebarRow, icon);
  gtk_widget_class_bind_template_child (widget_class, GodwitSidebarRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitSidebarRow, warning_icon);
  gtk_widget_class_bind_template_child (widget_class, GodwitSidebarRow, count_label);
}

static void
godwit_sidebar_row_init (GodwitSidebarRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->count = -1;
}

GtkWidget *
godwit_sidebar_row_new_for_page (const char *page_name,
                                 const char *title,
                                 const char *icon_name)
{
  GodwitSidebarRow *self;

  g_return_val_if_fail (page_name != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);

  self = g_object_new (GODWIT_TYPE_SIDEBAR_ROW, NULL);
  self->page_name = g_strdup (page_name);
  gtk_label_set_label (self->title_label, title);
  gtk_image_set_from_icon_name (self->icon, icon_name);

  return GTK_WIDGET (self);
}

/**
 * godwit_sidebar_row_new_for_entity:
 * @count: the entity's objects, its sub-entities' included; -1 for an
 *   entity without a table
 */
GtkWidget *
godwit_sidebar_row_new_for_entity (const char *entity_name,
                                   gint64      count)
{
  GodwitSidebarRow *self;

  g_return_val_if_fail (entity_name != NULL, NULL);

  self = g_object_new (GODWIT_TYPE_SIDEBAR_ROW, NULL);
  self->page_name = g_strdup ("objects");
  self->entity = g_strdup (entity_name);
  self->count = count;
  gtk_label_set_label (self->title_label, entity_name);
  gtk_image_set_from_icon_name (self->icon, "view-list-symbolic");

  if (count >= 0)
    {
      g_autofree char *text = g_strdup_printf ("%'" G_GINT64_FORMAT, count);

      gtk_label_set_label (self->count_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->count_label), TRUE);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self), _("The store has no table for this entity"));

  return GTK_WIDGET (self);
}

/* The store view's page the row shows: "objects" for an entity. */
const char *
godwit_sidebar_row_get_page_name (GodwitSidebarRow *self)
{
  g_return_val_if_fail (GODWIT_IS_SIDEBAR_ROW (self), NULL);

  return self->page_name;
}

/* The entity, or NULL for a row of a page of the store. */
const char *
godwit_sidebar_row_get_entity (GodwitSidebarRow *self)
{
  g_return_val_if_fail (GODWIT_IS_SIDEBAR_ROW (self), NULL);

  return self->entity;
}

const char *
godwit_sidebar_row_get_title (GodwitSidebarRow *self)
{
  g_return_val_if_fail (GODWIT_IS_SIDEBAR_ROW (self), NULL);

  return gtk_label_get_label (self->title_label);
}

/* The count shown, -1 when none is. */
gint64
godwit_sidebar_row_get_count (GodwitSidebarRow *self)
{
  g_return_val_if_fail (GODWIT_IS_SIDEBAR_ROW (self), -1);

  return self->count;
}

/* A warning sign, with @tooltip; NULL removes it. */
void
godwit_sidebar_row_set_warning (GodwitSidebarRow *self,
                                const char       *tooltip)
{
  g_return_if_fail (GODWIT_IS_SIDEBAR_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->warning_icon), tooltip != NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->warning_icon), tooltip);
}
