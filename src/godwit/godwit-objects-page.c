/* godwit-objects-page.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The objects of an entity, its sub-entities' included (as a Core Data
 * fetch request returns them): a column view with one column per
 * attribute, then one per relationship, over a GodwitObjectList, and an
 * inspector with every attribute and relationship of the selected object.
 *
 * A column header sorts by its attribute, the search bar filters by text
 * or Z_PK: both make a new fetch request, which the core runs in SQLite,
 * so that the list stays lazy however many objects the entity has.
 * Following a relationship from the inspector, or from its cell in the
 * list, shows its objects: a to-one selects its object in its entity's
 * list, a to-many shows the destination entity's list filtered to the
 * objects it holds. Each place shown so is a location of a history walked
 * back and forward; a location remembers its sort, filter and selected
 * object as they were when it was left.
 */

#define G_LOG_DOMAIN "godwit-objects-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>

#include "godwit-object-item.h"
#include "godwit-objects-page.h"
#include "godwit-store-view.h"

/* Longer cell text is cut: the inspector shows the value whole. */
#define MAX_CELL_CHARS 200
/* Locations kept to go back to. */
#define MAX_HISTORY 100

typedef enum
{
  COLUMN_PK,
  COLUMN_ENTITY,
  COLUMN_VALUE,
  COLUMN_RELATIONSHIP,
} ColumnKind;

typedef struct
{
  ColumnKind         kind;
  char              *name;   /* (nullable) the attribute or relationship of its column */
  GodwitObjectsPage *page;   /* (unowned) */
} Column;

/* A place in the history: what the page shows there. */
typedef struct
{
  char     *entity_name;
  char     *text;              /* (nullable) the search text */
  GArray   *pks;               /* (nullable) (element-type gint64): a to-many's objects */
  char     *pks_description;   /* (nullable) whose objects they are */
  char     *sort_key;          /* (nullable) Z_PK order without */
  gboolean  sort_ascending;
  gint64    selected_pk;       /* 0 for none */
} Location;

struct _GodwitObjectsPage
{
  AdwBin                 parent_instance;

  /* Template Widgets */
  GtkStack              *stack;
  AdwStatusPage         *empty_page;
  GtkSearchBar          *search_bar;
  GtkSearchEntry        *search_entry;
  GtkRevealer           *pks_revealer;
  GtkLabel              *pks_label;
  GtkRevealer           *error_revealer;
  GtkLabel              *error_label;
  GtkStack              *list_stack;
  GtkColumnView         *column_view;
  AdwStatusPage         *no_matches_page;
  GtkLabel              *count_label;
  GodwitObjectInspector *inspector;

  /* Owned References */
  GodwitDocument        *document;         /* (nullable) */
  GodwitObjectList      *list;             /* (nullable) */
  GtkSingleSelection    *selection;        /* (nullable) */
  GCancellable          *cancellable;      /* finding the selected object */
  GPtrArray             *history;          /* (element-type Location) */
  GObject               *probe_items[2];

  guint                  history_index;
  Location              *pending;          /* (nullable) (unowned) to show once its entity is */
  char                  *columns_entity;   /* (nullable) whose columns are shown */
  gboolean               columns_complete; /* FALSE until the schema-only view has its columns */
  gboolean               updating;         /* widgets set from a location, not by the user */
  gboolean               refocus_list;     /* the focus left rows that went: the next list gets it */
  Column                *probed;           /* (nullable) (unowned) see read_sort() */
};

G_DEFINE_FINAL_TYPE (GodwitObjectsPage, godwit_objects_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CAN_GO_BACK,
  PROP_CAN_GO_FORWARD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void rebuild_list (GodwitObjectsPage *self);

static void
location_free (gpointer data)
{
  Location *location = data;

  g_free (location->entity_name);
  g_free (location->text);
  g_clear_pointer (&location->pks, g_array_unref);
  g_free (location->pks_description);
  g_free (location->sort_key);
  g_free (location);
}

static Location *
location_new (const char *entity_name)
{
  Location *location = g_new0 (Location, 1);

  location->entity_name = g_strdup (entity_name);
  location->sort_ascending = TRUE;

  return location;
}

static Location *
current_location (GodwitObjectsPage *self)
{
  if (self->history->len == 0)
    return NULL;

  return g_ptr_array_index (self->history, self->history_index);
}

static void
notify_history (GodwitObjectsPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_FORWARD]);
}

/* The new location comes after the current one; those that were forward
 * of it are gone, as in a web browser. */
static void
push_location (GodwitObjectsPage *self,
               Location          *location)
{
  if (self->history->len > 0)
    g_ptr_array_set_size (self->history, self->history_index + 1);
  g_ptr_array_add (self->history, location);
  if (self->history->len > MAX_HISTORY)
    g_ptr_array_remove_index (self->history, 0);
  self->history_index = self->history->len - 1;
  notify_history (self);
}

static void
column_free (gpointer  data,
             GClosure *closure)
{
  Column *column = data;

  g_free (column->name);
  g_free (column);
}

/* The entity a relationship leads to: its destination in the model, or
 * without a model the entity its first object URI names. */
static char *
dup_destination (GodwitObjectsPage  *self,
                 const GodwitObject *object,
                 const char         *name,
                 const char         *first_uri)
{
  GodwitStore *store = godwit_document_get_store (self->document);
  GodwitModel *model = godwit_store_get_model (store);
  GodwitEntity *entity = model != NULL ? godwit_model_get_entity (model, object->entity) : NULL;
  GodwitProperty *relationship = entity != NULL ? godwit_entity_find_property (entity, name) : NULL;
  char *destination = NULL;

  if (relationship != NULL && relationship->destination_entity != NULL &&
      godwit_store_find_entity (store, relationship->destination_entity) != NULL)
    return g_strdup (relationship->destination_entity);

  if (godwit_store_parse_object_uri (store, first_uri, &destination, NULL))
    return destination;

  return NULL;
}

/* What the cell of the relationship @name shows of @object: a to-one's
 * object as its URI ends, “Bed p3” (nothing for none), a to-many's count
 * and destination, “3 Gardener objects”. @leads is whether following the
 * relationship shows anything. */
static char *
dup_relationship_text (GodwitObjectsPage  *self,
                       const GodwitObject *object,
                       const char         *name,
                       gboolean           *leads)
{
  GodwitStore *store = godwit_document_get_store (self->document);
  JsonNode *value = json_object_get_member (object->relationships, name);
  g_autofree char *destination = NULL;
  JsonArray *uris;
  gint64 pk;
  guint n;

  *leads = FALSE;

  if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *uri = json_node_get_string (value);

      if (!godwit_store_parse_object_uri (store, uri, &destination, &pk))
        return g_strdup (uri);

      *leads = TRUE;
      return g_strdup_printf ("%s p%" G_GINT64_FORMAT, destination, pk);
    }

  if (value == NULL || !JSON_NODE_HOLDS_ARRAY (value))
    return NULL;

  uris = json_node_get_array (value);
  n = json_array_get_length (uris);
  destination = dup_destination (self, object, name, n > 0 ? json_array_get_string_element (uris, 0) : NULL);
  if (destination == NULL)
    return g_strdup_printf (ngettext ("%u object", "%u objects", n), n);

  *leads = n > 0;
  /* Translators: a number of objects, then their entity, as
   * “3 Gardener objects” */
  return g_strdup_printf (ngettext ("%u %s object", "%u %s objects", n), n, destination);
}

static void
update_text_cell (GtkInscription   *inscription,
                  Column           *column,
                  GodwitObjectItem *item)
{
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

/* A relationship's cell is a link where the relationship leads somewhere,
 * plain dim text where it does not. It is an inscription, as the other
 * cells: a label with a link would be laid out again on every measure,
 * for every row bound while the list scrolls. */
static void
update_relationship_cell (GtkInscription   *inscription,
                          Column           *column,
                          GodwitObjectItem *item)
{
  GtkWidget *cell = GTK_WIDGET (inscription);
  const GodwitObject *object = godwit_object_item_get_object (item);
  g_autofree char *text = NULL;
  g_autofree char *where = NULL;
  gboolean leads = FALSE;

  if (object != NULL)
    text = dup_relationship_text (column->page, object, column->name, &leads);
  gtk_inscription_set_text (inscription, text != NULL ? text : "");
  gtk_widget_set_focusable (cell, leads);

  if (!leads)
    {
      gtk_widget_add_css_class (cell, "dim-label");
      gtk_widget_remove_css_class (cell, "godwit-link");
      gtk_widget_set_cursor (cell, NULL);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL);
      return;
    }

  /* Translators: where a relationship's cell leads, as “Go to Bed p3” */
  where = g_strdup_printf (_("Go to %s"), text);
  gtk_widget_remove_css_class (cell, "dim-label");
  gtk_widget_add_css_class (cell, "godwit-link");
  gtk_widget_set_cursor_from_name (cell, "pointer");
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, where, -1);
}

static void
update_cell (GtkWidget        *cell,
             GodwitObjectItem *item)
{
  Column *column = g_object_get_data (G_OBJECT (cell), "godwit-column");

  if (column->kind == COLUMN_RELATIONSHIP)
    update_relationship_cell (GTK_INSCRIPTION (cell), column, item);
  else
    update_text_cell (GTK_INSCRIPTION (cell), column, item);
}

static void
cell_item_loaded_cb (GodwitObjectItem *item,
                     GParamSpec       *pspec,
                     GtkWidget        *cell)
{
  update_cell (cell, item);
}

/* The row's object is selected first, so that the location keeps it to
 * come back to; then the relationship is followed from the inspector's
 * object, as its row for the relationship does. */
static void
follow_cb (GSimpleAction *action,
           GVariant      *parameter,
           GtkListItem   *list_item)
{
  GtkWidget *cell = gtk_list_item_get_child (list_item);
  Column *column = g_object_get_data (G_OBJECT (cell), "godwit-column");
  GodwitObjectsPage *self = column->page;
  /* Following it replaces the columns, this one included. */
  g_autofree char *name = g_strdup (column->name);

  /* Focusable is what says that the cell leads somewhere. */
  if (self->selection == NULL || gtk_list_item_get_item (list_item) == NULL || !gtk_widget_get_focusable (cell))
    return;

  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));
  godwit_objects_page_follow_relationship (self, name);
}

static void
link_released_cb (GtkGestureClick *click,
                  int              n_press,
                  double           x,
                  double           y,
                  GtkWidget       *cell)
{
  if (n_press == 1)
    gtk_widget_activate_action (cell, "cell.follow", NULL);
}

/* Asked for only when shown: setting a tooltip on every bind would cost
 * more than the rest of the binding. */
static gboolean
link_query_tooltip_cb (GtkWidget  *cell,
                       int         x,
                       int         y,
                       gboolean    keyboard_mode,
                       GtkTooltip *tooltip)
{
  g_autofree char *where = NULL;

  if (!gtk_widget_get_focusable (cell))
    return FALSE;

  where = g_strdup_printf (_("Go to %s"), gtk_inscription_get_text (GTK_INSCRIPTION (cell)));
  gtk_tooltip_set_text (tooltip, where);

  return TRUE;
}

/* A link's cell follows its relationship on a click, Enter or Space, as
 * a link in a label would, through its action "cell.follow". */
static GtkWidget *
new_link_cell (GtkListItem *list_item)
{
  GtkWidget *cell = g_object_new (GTK_TYPE_INSCRIPTION, "accessible-role", GTK_ACCESSIBLE_ROLE_LINK, NULL);
  g_autoptr(GSimpleActionGroup) actions = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) follow = g_simple_action_new ("follow", NULL);
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();
  GtkGesture *click = gtk_gesture_click_new ();
  const guint keys[] = { GDK_KEY_Return, GDK_KEY_KP_Enter, GDK_KEY_ISO_Enter, GDK_KEY_space, GDK_KEY_KP_Space };

  g_signal_connect_object (follow, "activate", G_CALLBACK (follow_cb), list_item, 0);
  g_action_map_add_action (G_ACTION_MAP (actions), G_ACTION (follow));
  gtk_widget_insert_action_group (cell, "cell", G_ACTION_GROUP (actions));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (link_released_cb), cell);
  gtk_widget_add_controller (cell, GTK_EVENT_CONTROLLER (click));

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (keys[i], 0),
                                                            gtk_named_action_new ("cell.follow")));
  gtk_widget_add_controller (cell, shortcuts);

  gtk_widget_set_has_tooltip (cell, TRUE);
  g_signal_connect (cell, "query-tooltip", G_CALLBACK (link_query_tooltip_cb), NULL);

  return cell;
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               Column                   *column)
{
  GtkInscription *inscription;
  GtkWidget *cell;

  cell = column->kind == COLUMN_RELATIONSHIP ? new_link_cell (list_item) : gtk_inscription_new (NULL);
  inscription = GTK_INSCRIPTION (cell);
  gtk_inscription_set_min_chars (inscription, column->kind == COLUMN_PK ? 4 : 6);
  gtk_inscription_set_nat_chars (inscription, column->kind == COLUMN_VALUE || column->kind == COLUMN_RELATIONSHIP ? 20 : 8);
  gtk_inscription_set_text_overflow (inscription, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  if (column->kind == COLUMN_PK)
    {
      gtk_inscription_set_xalign (inscription, 1);
      gtk_widget_add_css_class (cell, "numeric");
    }

  g_object_set_data (G_OBJECT (cell), "godwit-column", column);
  gtk_list_item_set_child (list_item, cell);
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              Column                   *column)
{
  GodwitObjectItem *item = gtk_list_item_get_item (list_item);
  GtkWidget *cell = gtk_list_item_get_child (list_item);

  update_cell (cell, item);
  if (!godwit_object_item_get_loaded (item))
    g_signal_connect_object (item, "notify::loaded", G_CALLBACK (cell_item_loaded_cb), cell, 0);
}

static void
unbind_cell_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                Column                   *column)
{
  GodwitObjectItem *item = gtk_list_item_get_item (list_item);

  g_signal_handlers_disconnect_by_func (item, cell_item_loaded_cb, gtk_list_item_get_child (list_item));
}

/* The column view sorts nothing itself (that would read every object):
 * its sorter only tells which column the user sorts by, in which
 * direction. GTK 4.8 has no API to ask, so each column's sorter says
 * when it is asked to compare, and reports its first item smaller; the
 * column view's sorter inverts that for a descending column. */
static int
probe_compare (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Column *column = user_data;

  column->page->probed = column;

  return -1;
}

/* The sort key chosen in the column headers: NULL for none. */
static const char *
read_sort (GodwitObjectsPage *self,
           gboolean          *ascending)
{
  GtkOrdering ordering;

  self->probed = NULL;
  ordering = gtk_sorter_compare (gtk_column_view_get_sorter (self->column_view),
                                 self->probe_items[0], self->probe_items[1]);
  *ascending = ordering != GTK_ORDERING_LARGER;

  if (self->probed == NULL)
    return NULL;

  return self->probed->kind == COLUMN_PK ? GODWIT_FETCH_REQUEST_PK_KEY : self->probed->name;
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
  column->page = self;

  /* The factory owns the column description: it frees it once. */
  g_signal_connect_data (factory, "setup", G_CALLBACK (setup_cell_cb), column, column_free, 0);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), column);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cell_cb), column);

  view_column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  /* The Z_PK and the attributes sort; the store has no order for a
   * relationship's objects. */
  if (kind == COLUMN_PK || kind == COLUMN_VALUE)
    {
      g_autoptr(GtkSorter) sorter = GTK_SORTER (gtk_custom_sorter_new (probe_compare, column, NULL));

      gtk_column_view_column_set_sorter (view_column, sorter);
    }
  g_object_set_data (G_OBJECT (view_column), "godwit-column", column);
  gtk_column_view_append_column (self->column_view, view_column);
}

static GtkColumnViewColumn *
find_column (GodwitObjectsPage *self,
             const char        *sort_key)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) view_column = g_list_model_get_item (columns, i);
      Column *column = g_object_get_data (G_OBJECT (view_column), "godwit-column");

      if ((column->kind == COLUMN_PK && g_strcmp0 (sort_key, GODWIT_FETCH_REQUEST_PK_KEY) == 0) ||
          (column->kind == COLUMN_VALUE && g_strcmp0 (sort_key, column->name) == 0))
        return view_column;
    }

  return NULL;
}

/* The focus leaves the rows before they go, whether with their list or
 * with their columns: GTK 4.8 fails later on a focused cell dropped with
 * its row. */
static void
leave_list_focus (GodwitObjectsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWidget *focus = root != NULL ? gtk_root_get_focus (root) : NULL;

  if (focus != NULL && gtk_widget_is_ancestor (focus, GTK_WIDGET (self->column_view)))
    {
      gtk_root_set_focus (root, NULL);
      self->refocus_list = TRUE;
    }
}

static void
remove_columns (GodwitObjectsPage *self)
{
  GListModel *columns = gtk_column_view_get_columns (self->column_view);

  leave_list_focus (self);

  while (g_list_model_get_n_items (columns) > 0)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, 0);

      gtk_column_view_remove_column (self->column_view, column);
    }

  g_clear_pointer (&self->columns_entity, g_free);
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

/* One column per stored attribute of the entity, then one per stored
 * relationship, inherited ones included, each in the model's order. */
static void
add_property_columns (GodwitObjectsPage *self,
                      GodwitEntity      *entity)
{
  g_autoptr(GPtrArray) all = godwit_entity_dup_all_properties (entity);

  for (guint i = 0; i < all->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (all, i);

      if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE && godwit_property_is_stored (property))
        add_column (self, COLUMN_VALUE, property->name, property->name);
    }

  for (guint i = 0; i < all->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (all, i);

      if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && godwit_property_is_stored (property))
        add_column (self, COLUMN_RELATIONSHIP, property->name, property->name);
    }
}

/* Without a model, the columns are the table's, as the first page of
 * objects has them: the schema-only view leaves NULL columns out. */
static void
first_page_cb (GodwitObjectsPage *self,
               GParamSpec        *pspec,
               GListModel        *list)
{
  g_autoptr(GHashTable) seen = NULL;
  g_autoptr(GodwitObjectItem) first = NULL;
  GtkColumnViewColumn *sorted;
  gboolean ascending;
  Location *location = current_location (self);
  guint n_items = MIN (g_list_model_get_n_items (list), GODWIT_OBJECT_LIST_PAGE_SIZE);

  /* The first page is read first, but a page further down may come
   * before it when the view moved at once. */
  first = n_items > 0 ? g_list_model_get_item (list, 0) : NULL;
  if (first == NULL || !godwit_object_item_get_loaded (first) || self->columns_complete)
    return;

  g_signal_handlers_disconnect_by_func (list, first_page_cb, self);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GodwitObjectItem) item = g_list_model_get_item (list, i);
      const GodwitObject *object = godwit_object_item_get_object (item);
      g_autoptr(GList) members = NULL;

      if (object == NULL)
        continue;

      self->columns_complete = TRUE;
      members = json_object_get_members (object->attributes);
      for (GList *l = members; l != NULL; l = l->next)
        {
          if (g_hash_table_contains (seen, l->data))
            continue;

          g_hash_table_add (seen, g_strdup (l->data));
          add_column (self, COLUMN_VALUE, l->data, l->data);
        }
    }

  /* A location sorted by a column that was not there yet. */
  sorted = location != NULL && location->sort_key != NULL ? find_column (self, location->sort_key) : NULL;
  if (sorted != NULL && read_sort (self, &ascending) == NULL)
    {
      self->updating = TRUE;
      gtk_column_view_sort_by_column (self->column_view, sorted,
                                      location->sort_ascending ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING);
      self->updating = FALSE;
    }
}

static void
show_columns (GodwitObjectsPage *self,
              const char        *entity_name)
{
  GodwitStore *store = godwit_document_get_store (self->document);
  const GodwitStoreEntity *entity = godwit_store_find_entity (store, entity_name);

  if (g_strcmp0 (self->columns_entity, entity_name) == 0)
    return;

  remove_columns (self);
  self->columns_entity = g_strdup (entity_name);

  /* Core Data's own column name: not translated. */
  add_column (self, COLUMN_PK, "Z_PK", NULL);
  if (has_subentities (store, entity))
    add_column (self, COLUMN_ENTITY, _("Entity"), NULL);

  self->columns_complete = godwit_store_get_model (store) != NULL && entity->entity != NULL;
  if (self->columns_complete)
    add_property_columns (self, entity->entity);
}

static void
record_selected_pk (GodwitObjectsPage *self,
                    GodwitObjectItem  *item)
{
  const GodwitObject *object = godwit_object_item_get_object (item);
  Location *location = current_location (self);

  if (object != NULL && location != NULL)
    location->selected_pk = object->pk;
}

static void
selected_item_loaded_cb (GodwitObjectsPage *self,
                         GParamSpec        *pspec,
                         GodwitObjectItem  *item)
{
  g_signal_handlers_disconnect_by_func (item, selected_item_loaded_cb, self);
  if (self->selection != NULL && gtk_single_selection_get_selected_item (self->selection) == (gpointer) item)
    record_selected_pk (self, item);
}

static void
selected_item_cb (GodwitObjectsPage  *self,
                  GParamSpec         *pspec,
                  GtkSingleSelection *selection)
{
  GodwitObjectItem *item = gtk_single_selection_get_selected_item (selection);
  Location *location = current_location (self);

  godwit_object_inspector_set_item (self->inspector, item);

  if (self->updating || location == NULL)
    return;

  if (item == NULL)
    location->selected_pk = 0;
  else if (godwit_object_item_get_loaded (item))
    record_selected_pk (self, item);
  else
    g_signal_connect_object (item, "notify::loaded", G_CALLBACK (selected_item_loaded_cb), self,
                             G_CONNECT_SWAPPED);
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

static GtkWidget *
find_list_view (GodwitObjectsPage *self)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_LIST_VIEW (child))
      return child;

  return NULL;
}

static void
find_selected_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GodwitObjectList *list = GODWIT_OBJECT_LIST (object);
  g_autoptr(GodwitObjectsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gint64 position = godwit_object_list_find_position_finish (list, result, &error);
  GtkWidget *list_view;

  /* A later list, or an object the list does not have (filtered out):
   * nothing is selected, and the location keeps its object for when it
   * is back in the list. */
  if (list != self->list || position < 0)
    return;

  self->updating = TRUE;
  gtk_single_selection_set_selected (self->selection, (guint) position);
  self->updating = FALSE;

  list_view = find_list_view (self);
  if (list_view != NULL)
    gtk_widget_activate_action (list_view, "list.scroll-to-item", "u", (guint) position);
}

static void
update_count (GodwitObjectsPage *self)
{
  Location *location = current_location (self);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->list));
  gint64 total = godwit_document_get_object_count (self->document, location->entity_name);
  g_autofree char *text = NULL;

  if (!godwit_object_list_get_counted (self->list))
    text = g_strdup (_("Counting…"));
  else if (location->text != NULL || location->pks != NULL)
    /* Translators: objects shown, of how many the entity has */
    text = g_strdup_printf (ngettext ("%u of %" PRId64 " object", "%u of %" PRId64 " objects",
                                      (gulong) total),
                            n, total);
  else
    text = g_strdup_printf (ngettext ("%u object", "%u objects", n), n);

  gtk_label_set_label (self->count_label, text);
  gtk_stack_set_visible_child_name (self->list_stack,
                                    godwit_object_list_get_counted (self->list) && n == 0 ? "no-matches" : "list");
}

static void
list_counted_cb (GodwitObjectsPage *self,
                 GParamSpec        *pspec,
                 GodwitObjectList  *list)
{
  Location *location = current_location (self);

  update_count (self);

  if (godwit_object_list_get_counted (list) && location->selected_pk > 0)
    godwit_object_list_find_position_async (list, location->selected_pk, self->cancellable,
                                            find_selected_cb, g_object_ref (self));
}

static GodwitFetchRequest *
request_for_location (Location *location)
{
  GodwitFetchRequest *request = godwit_fetch_request_new (location->entity_name);

  if (location->sort_key != NULL)
    godwit_fetch_request_add_sort_descriptor (request, location->sort_key, location->sort_ascending);
  godwit_fetch_request_set_text_predicate (request, location->text);
  if (location->pks != NULL)
    godwit_fetch_request_set_pk_predicate (request, (const gint64 *) location->pks->data, location->pks->len);

  return request;
}

static void
drop_list (GodwitObjectsPage *self)
{
  leave_list_focus (self);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  gtk_column_view_set_model (self->column_view, NULL);
  godwit_object_inspector_set_item (self->inspector, NULL);
  gtk_revealer_set_reveal_child (self->error_revealer, FALSE);

  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);
  if (self->list != NULL)
    g_signal_handlers_disconnect_by_data (self->list, self);
  g_clear_object (&self->selection);
  g_clear_object (&self->list);
}

/* A new list for the current location's request, its object selected
 * once the list knows where it is. */
static void
rebuild_list (GodwitObjectsPage *self)
{
  Location *location = current_location (self);
  GodwitStore *store = godwit_document_get_store (self->document);
  g_autoptr(GodwitFetchRequest) request = request_for_location (location);
  g_autofree char *description = NULL;

  drop_list (self);

  /* The count of Z_PK order is known already: no need to count again. */
  if (godwit_fetch_request_fetches_all_by_pk (request))
    self->list = godwit_object_list_new (store, location->entity_name, TRUE,
                                         (guint) CLAMP (godwit_document_get_object_count (self->document,
                                                                                          location->entity_name),
                                                        0, G_MAXUINT));
  else
    self->list = godwit_object_list_new_for_fetch_request (store, request);

  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->list)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  /* It selected its first item when it was made. */
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_object (self->selection, "notify::selected-item",
                           G_CALLBACK (selected_item_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::error-message",
                           G_CALLBACK (list_error_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->list, "notify::counted",
                           G_CALLBACK (list_counted_cb), self, G_CONNECT_SWAPPED);
  if (!self->columns_complete)
    g_signal_connect_object (self->list, "notify::n-fetched-pages",
                             G_CALLBACK (first_page_cb), self, G_CONNECT_SWAPPED);

  if (location->text != NULL)
    description = g_strdup_printf (_("No object of %s matches “%s”"), location->entity_name, location->text);
  else
    description = g_strdup_printf (_("No object of %s is among them"), location->entity_name);
  adw_status_page_set_description (self->no_matches_page, description);

  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  /* The keyboard goes on in the new list: a link followed, Back. */
  if (self->refocus_list)
    gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
  self->refocus_list = FALSE;
  if (godwit_object_list_get_counted (self->list))
    list_counted_cb (self, NULL, self->list);
  else
    update_count (self);
}

/* The widgets as the location has them; they are not the user's
 * changes, so that they change nothing in the location. */
static void
show_location (GodwitObjectsPage *self,
               Location          *location)
{
  GodwitStore *store = godwit_document_get_store (self->document);
  const GodwitStoreEntity *entity = godwit_store_find_entity (store, location->entity_name);
  gint64 count = godwit_document_get_object_count (self->document, location->entity_name);
  GtkColumnViewColumn *sorted;

  g_assert (location == current_location (self));

  if (entity == NULL || count <= 0)
    {
      g_autofree char *description = NULL;

      drop_list (self);
      remove_columns (self);
      self->refocus_list = FALSE;
      if (count < 0)
        description = g_strdup_printf (_("The store has no table for %s"), location->entity_name);
      else
        description = g_strdup_printf (_("The store has no objects of %s"), location->entity_name);
      adw_status_page_set_description (self->empty_page, description);
      gtk_stack_set_visible_child_name (self->stack, "empty");
      return;
    }

  self->updating = TRUE;

  show_columns (self, location->entity_name);
  sorted = location->sort_key != NULL ? find_column (self, location->sort_key) : NULL;
  gtk_column_view_sort_by_column (self->column_view, sorted,
                                  location->sort_ascending ? GTK_SORT_ASCENDING : GTK_SORT_DESCENDING);

  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), location->text != NULL ? location->text : "");
  gtk_search_bar_set_search_mode (self->search_bar, location->text != NULL);

  gtk_label_set_label (self->pks_label, location->pks_description);
  gtk_revealer_set_reveal_child (self->pks_revealer, location->pks != NULL);

  self->updating = FALSE;

  rebuild_list (self);
  gtk_stack_set_visible_child_name (self->stack, "objects");
}

/* Shows the location of the history at @index: its entity is selected in
 * the sidebar, which shows it through godwit_objects_page_set_entity(). */
static void
go_to_index (GodwitObjectsPage *self,
             guint              index)
{
  Location *location = g_ptr_array_index (self->history, index);
  GtkWidget *store_view = gtk_widget_get_ancestor (GTK_WIDGET (self), GODWIT_TYPE_STORE_VIEW);

  self->history_index = index;
  notify_history (self);

  if (store_view != NULL && g_strcmp0 (self->columns_entity, location->entity_name) != 0)
    {
      self->pending = location;
      godwit_store_view_show_entity (GODWIT_STORE_VIEW (store_view), location->entity_name);
      /* Shown, unless its entity's row was selected already. */
      if (self->pending == NULL)
        return;
    }

  self->pending = NULL;
  show_location (self, location);
}

static void
navigate (GodwitObjectsPage *self,
          Location          *location)
{
  push_location (self, location);
  go_to_index (self, self->history_index);
}

static void
search_changed_cb (GodwitObjectsPage *self,
                   GtkSearchEntry    *entry)
{
  Location *location = current_location (self);
  const char *text = gtk_editable_get_text (GTK_EDITABLE (entry));

  if (self->updating || location == NULL || self->list == NULL)
    return;

  if (g_strcmp0 (location->text, *text != '\0' ? text : NULL) == 0)
    return;

  g_free (location->text);
  location->text = *text != '\0' ? g_strdup (text) : NULL;
  rebuild_list (self);
}

/* Escape clears the filter and closes the search bar. */
static void
stop_search_cb (GodwitObjectsPage *self,
                GtkSearchEntry    *entry)
{
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

/* Closing the search bar clears its filter too. */
static void
search_mode_cb (GodwitObjectsPage *self,
                GParamSpec        *pspec,
                GtkSearchBar      *search_bar)
{
  if (!self->updating && !gtk_search_bar_get_search_mode (search_bar))
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
}

static void
show_all_cb (GodwitObjectsPage *self)
{
  Location *location = current_location (self);

  if (location == NULL || location->pks == NULL)
    return;

  g_clear_pointer (&location->pks, g_array_unref);
  g_clear_pointer (&location->pks_description, g_free);
  gtk_revealer_set_reveal_child (self->pks_revealer, FALSE);
  rebuild_list (self);
}

static void
sorter_changed_cb (GodwitObjectsPage *self,
                   GtkSorterChange    change,
                   GtkSorter         *sorter)
{
  Location *location = current_location (self);
  gboolean ascending;
  const char *key;

  if (self->updating || location == NULL || self->list == NULL)
    return;

  key = read_sort (self, &ascending);
  if (g_strcmp0 (key, location->sort_key) == 0 && ascending == location->sort_ascending)
    return;

  g_free (location->sort_key);
  location->sort_key = g_strdup (key);
  location->sort_ascending = ascending;
  rebuild_list (self);
}

static void
relationship_activated_cb (GodwitObjectsPage     *self,
                           const char            *name,
                           GodwitObjectInspector *inspector)
{
  godwit_objects_page_follow_relationship (self, name);
}

static void
godwit_objects_page_dispose (GObject *object)
{
  GodwitObjectsPage *self = (GodwitObjectsPage *)object;

  /* Dispose may run again, after the template is gone. */
  if (self->column_view != NULL)
    {
      g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
      godwit_objects_page_clear (self);
    }
  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_OBJECTS_PAGE);

  G_OBJECT_CLASS (godwit_objects_page_parent_class)->dispose (object);
}

static void
godwit_objects_page_finalize (GObject *object)
{
  GodwitObjectsPage *self = (GodwitObjectsPage *)object;

  g_clear_pointer (&self->history, g_ptr_array_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->probe_items[0]);
  g_clear_object (&self->probe_items[1]);

  G_OBJECT_CLASS (godwit_objects_page_parent_class)->finalize (object);
}

static void
godwit_objects_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GodwitObjectsPage *self = GODWIT_OBJECTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, godwit_objects_page_get_can_go_back (self));
      break;

    case PROP_CAN_GO_FORWARD:
      g_value_set_boolean (value, godwit_objects_page_get_can_go_forward (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_objects_page_class_init (GodwitObjectsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_objects_page_dispose;
  object_class->finalize = godwit_objects_page_finalize;
  object_class->get_property = godwit_objects_page_get_property;

  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_CAN_GO_FORWARD] =
    g_param_spec_boolean ("can-go-forward", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-objects-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, empty_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, search_bar);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, pks_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, pks_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, no_matches_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitObjectsPage, inspector);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_search_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_mode_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_all_cb);
  gtk_widget_class_bind_template_callback (widget_class, relationship_activated_cb);

  g_type_ensure (GODWIT_TYPE_OBJECT_INSPECTOR);
}

static void
godwit_objects_page_init (GodwitObjectsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->history = g_ptr_array_new_with_free_func (location_free);
  self->cancellable = g_cancellable_new ();
  self->probe_items[0] = g_object_new (G_TYPE_OBJECT, NULL);
  self->probe_items[1] = g_object_new (G_TYPE_OBJECT, NULL);

  g_signal_connect_object (gtk_column_view_get_sorter (self->column_view), "changed",
                           G_CALLBACK (sorter_changed_cb), self, G_CONNECT_SWAPPED);
}

/* Shows nothing, and drops the list with its store and the history. */
void
godwit_objects_page_clear (GodwitObjectsPage *self)
{
  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));

  drop_list (self);
  remove_columns (self);
  self->refocus_list = FALSE;
  self->pending = NULL;
  g_clear_object (&self->document);
  if (self->history->len > 0)
    {
      g_ptr_array_set_size (self->history, 0);
      self->history_index = 0;
      notify_history (self);
    }
}

/**
 * godwit_objects_page_set_entity:
 *
 * Shows the objects of @entity_name, its sub-entities' included: the
 * sidebar calls this when its entity's row is selected. Going to another
 * entity is a new location of the history; coming back to the entity
 * shown last shows it as it was left.
 */
void
godwit_objects_page_set_entity (GodwitObjectsPage *self,
                                GodwitDocument    *document,
                                const char        *entity_name)
{
  Location *pending = self->pending;
  Location *location;

  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));
  g_return_if_fail (entity_name != NULL);

  self->pending = NULL;

  if (document != self->document)
    {
      godwit_objects_page_clear (self);
      self->document = g_object_ref (document);
      pending = NULL;
    }

  location = current_location (self);
  if (pending != NULL && g_str_equal (pending->entity_name, entity_name))
    location = pending;
  else if (location == NULL || !g_str_equal (location->entity_name, entity_name))
    {
      location = location_new (entity_name);
      push_location (self, location);
    }

  show_location (self, location);
}

/**
 * godwit_objects_page_show_object:
 *
 * Goes to the object @pk in the list of @entity_name (a new location of
 * the history), selected and shown in the inspector.
 */
void
godwit_objects_page_show_object (GodwitObjectsPage *self,
                                 const char        *entity_name,
                                 gint64             pk)
{
  Location *location;

  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));
  g_return_if_fail (entity_name != NULL);

  if (self->document == NULL)
    return;

  location = location_new (entity_name);
  location->selected_pk = pk;
  navigate (self, location);
}

/**
 * godwit_objects_page_show_objects:
 * @pks: (array length=n_pks): Z_PKs
 * @description: whose objects they are, as the page says it
 *
 * Goes to the list of @entity_name filtered to the objects @pks (a new
 * location of the history).
 */
void
godwit_objects_page_show_objects (GodwitObjectsPage *self,
                                  const char        *entity_name,
                                  const gint64      *pks,
                                  guint              n_pks,
                                  const char        *description)
{
  Location *location;

  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));
  g_return_if_fail (entity_name != NULL);
  g_return_if_fail (pks != NULL || n_pks == 0);

  if (self->document == NULL)
    return;

  location = location_new (entity_name);
  location->pks = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n_pks);
  g_array_append_vals (location->pks, pks, n_pks);
  location->pks_description = g_strdup (description);
  navigate (self, location);
}

/**
 * godwit_objects_page_follow_relationship:
 * @name: a relationship of the object the inspector shows
 *
 * Shows what the relationship holds: a to-one's object selected in its
 * entity's list, a to-many's objects as their entity's list filtered to
 * them. A relationship that holds nothing leads nowhere.
 */
void
godwit_objects_page_follow_relationship (GodwitObjectsPage *self,
                                         const char        *name)
{
  GodwitObjectItem *item;
  const GodwitObject *object;
  GodwitStore *store;
  JsonNode *value;

  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));
  g_return_if_fail (name != NULL);

  item = godwit_object_inspector_get_item (self->inspector);
  object = item != NULL ? godwit_object_item_get_object (item) : NULL;
  if (object == NULL || self->document == NULL || !json_object_has_member (object->relationships, name))
    return;

  store = godwit_document_get_store (self->document);
  value = json_object_get_member (object->relationships, name);

  if (JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *uri = json_node_get_string (value);
      g_autofree char *destination = dup_destination (self, object, name, uri);
      gint64 pk;

      if (destination != NULL && godwit_store_parse_object_uri (store, uri, NULL, &pk))
        godwit_objects_page_show_object (self, destination, pk);
    }
  else if (JSON_NODE_HOLDS_ARRAY (value))
    {
      JsonArray *uris = json_node_get_array (value);
      guint n = json_array_get_length (uris);
      g_autoptr(GArray) pks = g_array_sized_new (FALSE, FALSE, sizeof (gint64), n);
      g_autofree char *destination = NULL;
      g_autofree char *description = NULL;

      if (n == 0)
        return;

      for (guint i = 0; i < n; i++)
        {
          gint64 pk;

          if (godwit_store_parse_object_uri (store, json_array_get_string_element (uris, i), NULL, &pk))
            g_array_append_val (pks, pk);
        }

      destination = dup_destination (self, object, name, json_array_get_string_element (uris, 0));
      if (destination == NULL || pks->len == 0)
        return;

      /* Translators: a relationship, then the object that holds it, as
       * “gardeners of Plant p4” */
      description = g_strdup_printf (_("%s of %s p%" PRId64), name, object->entity, object->pk);
      godwit_objects_page_show_objects (self, destination, (const gint64 *) pks->data, pks->len, description);
    }
}

gboolean
godwit_objects_page_get_can_go_back (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), FALSE);

  return self->history->len > 0 && self->history_index > 0;
}

gboolean
godwit_objects_page_get_can_go_forward (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), FALSE);

  return self->history_index + 1 < self->history->len;
}

/* Back to the location before, as it was left. */
void
godwit_objects_page_go_back (GodwitObjectsPage *self)
{
  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));

  if (godwit_objects_page_get_can_go_back (self))
    go_to_index (self, self->history_index - 1);
}

void
godwit_objects_page_go_forward (GodwitObjectsPage *self)
{
  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));

  if (godwit_objects_page_get_can_go_forward (self))
    go_to_index (self, self->history_index + 1);
}

/* Shows the search bar, its entry focused. */
void
godwit_objects_page_find (GodwitObjectsPage *self)
{
  g_return_if_fail (GODWIT_IS_OBJECTS_PAGE (self));

  if (self->list == NULL)
    return;

  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
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

GtkSearchBar *
godwit_objects_page_get_search_bar (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), NULL);

  return self->search_bar;
}

GtkSearchEntry *
godwit_objects_page_get_search_entry (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), NULL);

  return self->search_entry;
}

/* What the page says of the number of objects shown. */
const char *
godwit_objects_page_get_count_text (GodwitObjectsPage *self)
{
  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), NULL);

  return gtk_label_get_label (self->count_label);
}

/* Whose objects the list is filtered to, after following a to-many
 * relationship; NULL when it is not. */
const char *
godwit_objects_page_get_pks_description (GodwitObjectsPage *self)
{
  Location *location;

  g_return_val_if_fail (GODWIT_IS_OBJECTS_PAGE (self), NULL);

  location = current_location (self);

  return location != NULL ? location->pks_description : NULL;
}
