/* godwit-object-inspector.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Every attribute and relationship of one object, values as
 * `godwit-cli dump` shows them. A relationship that holds objects is a
 * link: activating its row emits ::relationship-activated.
 */

#define G_LOG_DOMAIN "godwit-object-inspector"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-object-inspector.h"
#include "godwit-value-row.h"

/* Longer values are cut: a transformable value can be megabytes. */
#define MAX_VALUE_CHARS 10000

struct _GodwitObjectInspector
{
  AdwBin            parent_instance;

  /* Template Widgets */
  GtkStack         *stack;
  GtkSpinner       *spinner;
  GtkLabel         *title_label;
  GtkLabel         *uri_label;
  GtkWidget        *attributes_heading;
  GtkListBox       *attributes_list;
  GtkWidget        *relationships_heading;
  GtkListBox       *relationships_list;

  /* Owned References */
  GodwitObjectItem *item;
  GHashTable       *value_rows;     /* (element-type utf8 GodwitValueRow) (unowned rows) */
};

G_DEFINE_FINAL_TYPE (GodwitObjectInspector, godwit_object_inspector, ADW_TYPE_BIN)

enum {
  RELATIONSHIP_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* Where a relationship's row leads: the object a to-one holds, the
 * objects a to-many holds; NULL when it holds none. */
static char *
dup_link_tooltip (JsonNode *value)
{
  JsonArray *array;
  guint n;

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    return g_strdup (_("Show the related object"));

  if (!JSON_NODE_HOLDS_ARRAY (value))
    return NULL;

  array = json_node_get_array (value);
  n = json_array_get_length (array);
  if (n == 0)
    return NULL;

  return g_strdup_printf (ngettext ("Show %u related object", "Show %u related objects", n), n);
}

static void
fill_list (GodwitObjectInspector *self,
           GtkListBox            *list,
           GtkWidget             *heading,
           JsonObject            *values,
           gboolean               links)
{
  g_autoptr(GList) members = json_object_get_members (values);

  clear_list (list);

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *text = godwit_object_item_dup_value_text (self->item, l->data, MAX_VALUE_CHARS);
      GtkWidget *row = godwit_value_row_new (l->data, text);

      if (links)
        {
          g_autofree char *tooltip = dup_link_tooltip (json_object_get_member (values, l->data));

          godwit_value_row_set_link (GODWIT_VALUE_ROW (row), tooltip);
        }

      gtk_list_box_append (list, row);
      g_hash_table_insert (self->value_rows, g_strdup (l->data), row);
    }

  gtk_widget_set_visible (heading, members != NULL);
  gtk_widget_set_visible (GTK_WIDGET (list), members != NULL);
}

static void
relationship_row_activated_cb (GodwitObjectInspector *self,
                               GtkListBoxRow         *row,
                               GtkListBox            *list)
{
  g_signal_emit (self, signals[RELATIONSHIP_ACTIVATED], 0,
                 godwit_value_row_get_name (GODWIT_VALUE_ROW (row)));
}

static void
item_loaded_cb (GodwitObjectInspector *self,
                GParamSpec            *pspec,
                GodwitObjectItem      *item)
{
  godwit_object_inspector_set_item (self, self->item);
}

static void
godwit_object_inspector_dispose (GObject *object)
{
  GodwitObjectInspector *self = (GodwitObjectInspector *)object;

  if (self->item != NULL)
    g_signal_handlers_disconnect_by_data (self->item, self);
  g_clear_object (&self->item);
  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_OBJECT_INSPECTOR);

  G_OBJECT_CLASS (godwit_object_inspector_parent_class)->dispose (object);
}

static void
godwit_object_inspector_finalize (GObject *object)
{
  GodwitObjectInspector *self = (GodwitObjectInspector *)object;

  g_clear_pointer (&self->value_rows, g_hash_table_unref);

  G_OBJECT_CLASS (godwit_object_inspector_parent_class)->finalize (object);
}

static void
godwit_object_inspector_class_init (GodwitObjectInspectorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_object_inspector_dispose;
  object_class->finalize = godwit_object_inspector_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-object-inspector.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, spinner);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, title_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, uri_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, attributes_heading);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, attributes_list);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, relationships_heading);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectInspector, relationships_list);
  gtk_widget_class_bind_template_callback (widget_class, relationship_row_activated_cb);

  /**
   * GodwitObjectInspector::relationship-activated:
   * @name: the relationship
   *
   * The row of a relationship that holds objects was activated: whoever
   * shows the objects shows those.
   */
  signals[RELATIONSHIP_ACTIVATED] =
    g_signal_new ("relationship-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
godwit_object_inspector_init (GodwitObjectInspector *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->value_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/**
 * godwit_object_inspector_set_item:
 * @item: (nullable): the object to show; a placeholder shows a spinner
 */
void
godwit_object_inspector_set_item (GodwitObjectInspector *self,
                                  GodwitObjectItem      *item)
{
  const GodwitObject *object;
  g_autofree char *title = NULL;
  gboolean loading;

  g_return_if_fail (GODWIT_IS_OBJECT_INSPECTOR (self));
  g_return_if_fail (item == NULL || GODWIT_IS_OBJECT_ITEM (item));

  if (self->item != item)
    {
      if (self->item != NULL)
        g_signal_handlers_disconnect_by_data (self->item, self);
      g_set_object (&self->item, item);
      /* A placeholder selected while its page is read fills in place. */
      if (item != NULL && !godwit_object_item_get_loaded (item))
        g_signal_connect_object (item, "notify::loaded", G_CALLBACK (item_loaded_cb), self, G_CONNECT_SWAPPED);
    }
  g_hash_table_remove_all (self->value_rows);
  clear_list (self->attributes_list);
  clear_list (self->relationships_list);

  object = item != NULL ? godwit_object_item_get_object (item) : NULL;
  loading = item != NULL && !godwit_object_item_get_loaded (item);
  gtk_spinner_set_spinning (self->spinner, loading);

  if (loading)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      return;
    }

  if (object == NULL)
    {
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  /* The entity and Z_PK, as the object's URI ends. */
  title = g_strdup_printf ("%s p%" G_GINT64_FORMAT, object->entity, object->pk);
  gtk_label_set_label (self->title_label, title);
  gtk_label_set_label (self->uri_label, object->uri);
  fill_list (self, self->attributes_list, self->attributes_heading, object->attributes, FALSE);
  fill_list (self, self->relationships_list, self->relationships_heading, object->relationships, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "object");
}

GodwitObjectItem *
godwit_object_inspector_get_item (GodwitObjectInspector *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_INSPECTOR (self), NULL);

  return self->item;
}

/**
 * godwit_object_inspector_get_value_row:
 *
 * Returns: (nullable) (transfer none): the row of the attribute or
 *   relationship @name
 */
GodwitValueRow *
godwit_object_inspector_get_value_row (GodwitObjectInspector *self,
                                       const char            *name)
{
  g_return_val_if_fail (GODWIT_IS_OBJECT_INSPECTOR (self), NULL);

  return g_hash_table_lookup (self->value_rows, name);
}

/* The text shown for the attribute or relationship @name, or NULL. */
const char *
godwit_object_inspector_get_value_text (GodwitObjectInspector *self,
                                        const char            *name)
{
  GodwitValueRow *row;

  g_return_val_if_fail (GODWIT_IS_OBJECT_INSPECTOR (self), NULL);

  row = g_hash_table_lookup (self->value_rows, name);

  return row != NULL ? godwit_value_row_get_value_text (row) : NULL;
}
