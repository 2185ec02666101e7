/* godwit-objects-page.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The objects of an entity, its sub-entities' included (as a Core Data
 * fetch request returns them): a column view with one column per
 * attribute over a GodwitObjectList, and an inspector with every
 * attribute and relationship of the selected object.
 */

#define G_LOG_DOMAIN "godwit-objects-page"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-object-item.h"
#include "godwit-objects-page.h"

/* Longer cell text is cut: the inspector shows the value whole. */
#define MAX_CELL_CHARS 200

typedef enum
{
  COLUMN_PK,
  COLUMN_ENTITY,
  COLUMN_VALUE,
} ColumnKind;

typedef struct
{
  ColumnKind  kind;
  char       *name;   /* (nullable) the attribute of a COLUMN_VALUE */
} Column;

struct _GodwitObjectsPage
{
  AdwBin                 parent_instance;

  /* Template Widgets */
  GtkStack              *stack;
  AdwStatusPage         *empty_page;
  GtkRevealer           *error_revealer;
  GtkLabel              *error_label;
  GtkColumnView         *column_view;
  GodwitObjectInspector *inspector;

  /* Owned References */
  GodwitObjectList      *list;
  GtkSingleSelection    *selection;
};

G_DEFINE_FINAL_TYPE (GodwitObjectsPage, godwit_objects_page, ADW_TYPE_BIN)

static void
column_free (gpointer  data,
             GClosure *closure)
{
  Column *column = data;

  g_free (column->name);
  g_free (column);
}

static void
update_cell (GtkInscription   *inscription,
             GodwitObjectItem *item)
{
  Column *column = g_object_get_data (G_OBJECT (inscription), "godwit-column");
  const GodwitObject *object = godwit_object_item_get_object (item);
  g_autofree char *text = NULL;

  if (object == NULL)
    text = g_strdup (column->kind == COLUMN_PK && !godwit_object_item_get_loaded (item) ? "…" : "");
  else if (column->kind == COLUMN_PK)
    text = g_strdup_printf ("%" G_GINT64_FORMAT, object->pk);
  else if (column->kind == COLUMN_ENTITY)
    text = g_strdup (object->entity);
  else
    text = godwit_object_item_dup_value_text (item, column->name, MAX_CELL_CHARS);

  gtk_inscription_set_text (inscription, text);

  /* A null value reads as absent, not as the word. */
  if (g_strcmp0 (text, "null") == 0)
    gtk_widget_add_css_class (GTK_WIDGET (inscription), "dim-label");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (inscription), "dim-label");
}

static void
cell_item_loaded_cb (GodwitObjectItem *item,
                     GParamSpec       *pspec,
                     GtkInscription   *inscription)
{
  update_cell (inscription, item);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               Column                   *column)
{
  GtkInscription *inscription = GTK_INSCRIPTION (gtk_inscription_new (NULL));

  gtk_inscription_set_min_chars (inscription, column->kind == COLUMN_PK ? 4 : 6);
  gtk_inscription_set_nat_chars (inscription, column->kind == COLUMN_VALUE ? 20 : 8);
  gtk_inscription_set_text_overflow (inscription, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (column->kind == COLUMN_PK)
    {
      gtk_inscription_set_xalign (inscription, 1);
      gtk_widget_add_css_class (GTK_WIDGET (inscription), "numeric");
    }

  g_object_set_data (G_OBJECT (inscription), "godwit-column", column);
  gtk_list_item_set_child (list_item, GTK_WIDGET (inscription));
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              Column                   *column)
{
  GodwitObjectItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *inscription = gtk_list_item_get_child (list_item);

  update_cell (GTK_INSCRIPTION (inscription), item);
  if (!godwit_object_item_get_loaded (item))
    g_signal_connect_object (item, "notify::loaded", G_CALLBACK (cell_item_loaded_cb), inscription, 0);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                Column                   *column)
{
  GodwitObjectItem *item = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (item, cell_item_loaded_cb, gtk_list_item_get_child (list_item));
}

static void
add_column (GodwitObjectsPage *self,
            ColumnKind         kind,
            const char        *title,
            const char        *name)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) view_column = NULL;
  Column *column = g_new0 (Column, 1);

  column->kind = kind;
  column->name = g_strdup (name);

  /* The factory owns the column description: it frees it once. */
  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_cell_cb), column, column_free, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), column);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), column);

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->column_view, view_column);
}

static void
remove_columns (GodwitObjectsPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }
}

static gboolean
has_subentities (GodwitStore             *store,
                 const GodwitStoreEntity *entity)
{
  GPtrArray *primary_keys = godwit_store_get_primary_keys (store);

  for (guint i = 0; i < primary_keys->len; i++)
    {
      const GodwitPrimaryKeyRow *row = g_ptr_array_index (primary_keys, i);

      if (row->super_number == entity->entity_number && row->entity_number != entity->entity_number)
        return TRUE;
    }

  return FALSE;
}

/* One column per stored attribute of the entity, inherited ones included,
 * in the model's order. */
static void
add_attribute_columns (GodwitObjectsPage *self,
                       GodwitEntity      *entity)
{
  g_autoptr(GPtrArray) properties = godwit_entity_dup_all_properties (entity);

  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);

      if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE && godwit_property_is_stored (property))
        add_column (self, COLUMN_VALUE, property->name, property->name);
    }
}

/* Without a model, the columns are the table's, as the first page of
 * objects has them: the schema-only view leaves NULL columns out. */
static void
first_page_cb (GodwitObjectsPage *self,
               guint              position,
               guint              removed,
               guint              added,
               GListModel        *list)
{
  g_autoptr(GHashTable) seen = NULL;

  if (position != 0)
    return;

  g_signal_handlers_disconnect_by_func (list, first_page_cb, self);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < added; i++)
    {
      g_autoptr(GodwitObjectItem) item = g_list_model_get_item (list, i);
      const GodwitObject *object = godwit_object_item_get_object (item);
      g_autoptr(GList) members = NULL;

      if (object == NULL)
        continue;

      members = json_object_get_members (object->attributes);
      for (GList *l = members; l != NULL; l = l->next)
        {
          if (g_hash_table_contains (seen, l->data))
            continue;

          g_hash_table_add (seen, g_strdup (l->data));
          add_column (self, COLUMN_VALUE, l->data, l->data);
        }
    }
}

static void
selected_item_cb (GodwitObjectsPage  *self,
                  GParamSpec         *pspec,
                  GtkSingleSelection *selection)
{
  godwit_object_inspector_set_item (self->inspector, gtk_single_selection_get_selected_item (selection));
}

static void
list_error_cb (GodwitObjectsPage *self,
               GParamSpec        *pspec,
               GodwitObjectList  *list)
{
  const char *message = godwit_object_list_get_error_message (list);

  gtk_label_set_label (self->error_label, message);
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* Shows nothing, and drops the list with its store. */
void
godwit_objects_page_clear (GodwitObjectsPage *self)
{
  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));

  gtk_column_view_set_model (self->column_view, NULL);
  remove_columns (self);
  godwit_object_inspector_set_item (self->inspector, NULL);
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
}

static void
godwit_objects_page_dispose (GObject *object)
{
  GodwitObjectsPage *self = (GodwitObjectsPage *)object;

  /* Dispose may run again, after the template is gone. */
  if (self->column_view != NULL)
    godwit_objects_page_clear (self);
  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_OBJECTS_PAGE);

  G_OBJECT_CLASS (godwit_objects_page_parent_class)->dispose (object);
}

static void
godwit_objects_page_class_init (GodwitObjectsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_objects_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-objects-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, inspector);

  g_type_ensure (GODWIT_TYPE_OBJECT_INSPECTOR);
}

static void
godwit_objects_page_init (GodwitObjectsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * godwit_objects_page_set_entity:
 *
 * Shows the objects of @entity_name, its sub-entities' included.
 */
void
godwit_objects_page_set_entity (GodwitObjectsPage *self,
                                GodwitDocument    *document,
                                const char        *entity_name)
{
  GodwitStore *store;
  GodwitModel *model;
  const GodwitStoreEntity *entity;
  gint64 count;

  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));
  g_return_if_fail (entity_name != NULL);

  godwit_objects_page_clear (self);

  store = godwit_document_get_store (document);
  model = godwit_store_get_model (store);
  entity = godwit_store_find_entity (store, entity_name);
  count = godwit_document_get_object_count (document, entity_name);

  if (entity == NULL || count <= 0)
    {
      g_autofree char *description = NULL;

      if (count < 0)
        description = g_strdup_printf (_("The store has no table for %s"), entity_name);
      else
        description = g_strdup_printf (_("The store has no objects of %s"), entity_name);
      adw_status_page_set_description (self->empty_page, description);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->list = godwit_object_list_new (store, entity_name, TRUE, (guint) MIN (count, G_MAXUINT));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selected_item_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::error-message",
                           G_CALLBACK (list_error_cb), self, G_CONNECT_SWAPPED);

  /* Core Data's own column name: not translated. */
  add_column (self, COLUMN_PK, "Z_PK", NULL);
  if (has_subentities (store, entity))
    add_column (self, COLUMN_ENTITY, _("Entity"), NULL);

  if (model != NULL && entity->entity != NULL)
    add_attribute_columns (self, entity->entity);
  else
    g_signal_connect_object (self->list, "items-changed",
                             G_CALLBACK (first_page_cb), self, G_CONNECT_SWAPPED);

  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  gtk_stack_set_visible_child_name (self->stack, "objects");
}

/**
 * godwit_objects_page_get_object_list:
 *
 * Returns: (nullable) (transfer none): the list shown
 */
GodwitObjectList *
godwit_objects_page_get_object_list (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), NULL);

  return self->list;
}

GtkColumnView *
godwit_objects_page_get_column_view (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), NULL);

  return self->column_view;
}

GodwitObjectInspector *
godwit_objects_page_get_inspector (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), NULL);

  return self->inspector;
}
