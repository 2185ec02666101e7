/* godwit-store-view.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An open store: a sidebar with the store's pages and its entities, the
 * page chosen beside it. The sidebar folds away on a narrow window.
 */

#define G_LOG_DOMAIN "godwit-store-view"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-sidebar-row.h"
#include "godwit-store-view.h"

struct _GodwitStoreView
{
  AdwBin              parent_instance;

  /* Template Widgets */
  AdwLeaflet         *leaflet;
  GtkWidget          *sidebar_pane;
  GtkListBox         *sidebar;
  GtkStack           *content;
  GodwitMetadataPage   *metadata_page;
  GodwitObjectsPage    *objects_page;
  GodwitModelPage      *model_page;
  GodwitHistoryPage    *history_page;
  GodwitMigrationsPage *migrations_page;
  GodwitSyncPage       *sync_page;

  /* Owned References */
  GodwitDocument     *document;
};

G_DEFINE_FINAL_TYPE (GodwitStoreView, godwit_store_view, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_CAN_GO_BACK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const struct {
  const char *name;
  const char *title;
  const char *icon_name;
} store_pages[] = {
  { "metadata", N_("Metadata"), "document-properties-symbolic" },
  { "model", N_("Model"), "view-grid-symbolic" },
  { "history", N_("History"), "document-open-recent-symbolic" },
  { "migrations", N_("Migrations"), "go-up-symbolic" },
  { "sync", N_("Sync"), "emblem-synchronizing-symbolic" },
};

static void
sidebar_header_func (GtkListBoxRow *row,
                     GtkListBoxRow *before,
                     gpointer       user_data)
{
  gboolean is_entity = godwit_sidebar_row_get_entity (GODWIT_SIDEBAR_ROW (row)) != NULL;
  gboolean before_is_entity = before != NULL &&
                              godwit_sidebar_row_get_entity (GODWIT_SIDEBAR_ROW (before)) != NULL;
  GtkWidget *header;

  if (before != NULL && is_entity == before_is_entity)
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }

  header = gtk_label_new (is_entity ? _("Entities") : _("Store"));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_add_css_class (header, "dim-label");
  gtk_widget_set_margin_start (header, 12);
  gtk_widget_set_margin_top (header, before != NULL ? 18 : 6);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_list_box_row_set_header (row, header);
}

static void
row_selected_cb (GodwitStoreView *self,
                 GtkListBoxRow   *row,
                 GtkListBox      *sidebar)
{
  GodwitSidebarRow *sidebar_row;
  const char *entity;

  if (row == NULL || self->document == NULL)
    return;

  sidebar_row = GODWIT_SIDEBAR_ROW (row);
  entity = godwit_sidebar_row_get_entity (sidebar_row);
  if (entity != NULL)
    godwit_objects_page_set_entity (self->objects_page, self->document, entity);

  gtk_stack_set_visible_child_name (self->content, godwit_sidebar_row_get_page_name (sidebar_row));
}

/* A click (not a selection made in code) shows the page on a folded
 * leaflet too. */
static void
row_activated_cb (GodwitStoreView *self,
                  GtkListBoxRow   *row,
                  GtkListBox      *sidebar)
{
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->content));
}

static void
leaflet_changed_cb (GodwitStoreView *self,
                    GParamSpec      *pspec,
                    AdwLeaflet      *leaflet)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAN_GO_BACK]);
}

/* A migration or a restore replaces the store: nothing may read it until
 * the window reads it again. */
static void
closing_store_cb (GodwitStoreView      *self,
                  GodwitMigrationsPage *page)
{
  godwit_objects_page_clear (self->objects_page);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar), FALSE);
}

static void
clear_sidebar (GodwitStoreView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar))) != NULL)
    gtk_list_box_remove (self->sidebar, child);
}

static void
fill_sidebar (GodwitStoreView *self)
{
  GPtrArray *entities = godwit_store_get_entities (godwit_document_get_store (self->document));
  g_autofree char *mismatch = godwit_document_dup_mismatch_text (self->document);

  for (guint i = 0; i < G_N_ELEMENTS (store_pages); i++)
    {
      GtkWidget *row = godwit_sidebar_row_new_for_page (store_pages[i].name, _(store_pages[i].title),
                                                        store_pages[i].icon_name);

      /* The mismatch is worth a sign where it is explained. */
      if (g_str_equal (store_pages[i].name, "metadata"))
        godwit_sidebar_row_set_warning (GODWIT_SIDEBAR_ROW (row), mismatch);
      gtk_list_box_append (self->sidebar, row);
    }

  for (guint i = 0; i < entities->len; i++)
    {
      const GodwitStoreEntity *entity = g_ptr_array_index (entities, i);

      gtk_list_box_append (self->sidebar,
                           godwit_sidebar_row_new_for_entity (entity->name,
                                                              godwit_document_get_object_count (self->document,
                                                                                                entity->name)));
    }
}

static GodwitSidebarRow *
find_row (GodwitStoreView *self,
          const char      *page_name,
          const char      *entity_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GodwitSidebarRow *row;

      if (!GODWIT_IS_SIDEBAR_ROW (child))
        continue;

      row = GODWIT_SIDEBAR_ROW (child);
      if (g_strcmp0 (godwit_sidebar_row_get_page_name (row), page_name) == 0 &&
          g_strcmp0 (godwit_sidebar_row_get_entity (row), entity_name) == 0)
        return row;
    }

  return NULL;
}

static void
godwit_store_view_dispose (GObject *object)
{
  GodwitStoreView *self = (GodwitStoreView *)object;

  g_clear_object (&self->document);
  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_STORE_VIEW);

  G_OBJECT_CLASS (godwit_store_view_parent_class)->dispose (object);
}

static void
godwit_store_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GodwitStoreView *self = GODWIT_STORE_VIEW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, self->document);
      break;

    case PROP_CAN_GO_BACK:
      g_value_set_boolean (value, godwit_store_view_get_can_go_back (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_store_view_class_init (GodwitStoreViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_store_view_dispose;
  object_class->get_property = godwit_store_view_get_property;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, GODWIT_TYPE_DOCUMENT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* TRUE when the sidebar is folded away and a page shows in its place. */
  properties[PROP_CAN_GO_BACK] =
    g_param_spec_boolean ("can-go-back", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-store-view.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, leaflet);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, sidebar_pane);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, sidebar);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, content);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, metadata_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, objects_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, model_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, history_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, migrations_page);
  gtk_widget_class_bind_template_child (widget_class, GodwitStoreView, sync_page);
  gtk_widget_class_bind_template_callback (widget_class, row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, leaflet_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, closing_store_cb);

  g_type_ensure (GODWIT_TYPE_METADATA_PAGE);
  g_type_ensure (GODWIT_TYPE_OBJECTS_PAGE);
  g_type_ensure (GODWIT_TYPE_MODEL_PAGE);
  g_type_ensure (GODWIT_TYPE_HISTORY_PAGE);
  g_type_ensure (GODWIT_TYPE_MIGRATIONS_PAGE);
  g_type_ensure (GODWIT_TYPE_SYNC_PAGE);
}

static void
godwit_store_view_init (GodwitStoreView *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_header_func (self->sidebar, sidebar_header_func, NULL, NULL);

  /* A migration replaces the store a sync writes, and the reverse: while
   * one runs, the other cannot start. */
  g_object_bind_property (self->migrations_page, "busy", self->sync_page, "sensitive",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
  g_object_bind_property (self->sync_page, "busy", self->migrations_page, "sensitive",
                          G_BINDING_SYNC_CREATE | G_BINDING_INVERT_BOOLEAN);
}

/**
 * godwit_store_view_set_document:
 *
 * Shows @document. A store shown for the first time opens on its
 * metadata, which says whether it matches its model; a reloaded one stays
 * on the page or entity it showed.
 */
void
godwit_store_view_set_document (GodwitStoreView *self,
                                GodwitDocument  *document)
{
  GtkListBoxRow *selected;
  g_autofree char *page_name = NULL;
  g_autofree char *entity_name = NULL;
  GodwitSidebarRow *row = NULL;

  g_return_if_fail (GODWIT_IS_STORE_VIEW (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));

  if (self->document == document)
    return;

  selected = gtk_list_box_get_selected_row (self->sidebar);
  if (selected != NULL)
    {
      page_name = g_strdup (godwit_sidebar_row_get_page_name (GODWIT_SIDEBAR_ROW (selected)));
      entity_name = g_strdup (godwit_sidebar_row_get_entity (GODWIT_SIDEBAR_ROW (selected)));
    }

  /* Nothing of the last store stays open. */
  g_clear_object (&self->document);
  clear_sidebar (self);
  godwit_objects_page_clear (self->objects_page);

  self->document = g_object_ref (document);
  gtk_widget_set_sensitive (GTK_WIDGET (self->sidebar), TRUE);
  godwit_metadata_page_set_document (self->metadata_page, document);
  godwit_model_page_set_document (self->model_page, document);
  godwit_history_page_set_document (self->history_page, document);
  godwit_migrations_page_set_document (self->migrations_page, document);
  godwit_sync_page_set_document (self->sync_page, document);
  fill_sidebar (self);

  if (page_name != NULL)
    row = find_row (self, page_name, entity_name);
  if (row == NULL)
    row = find_row (self, "metadata", NULL);
  gtk_list_box_select_row (self->sidebar, GTK_LIST_BOX_ROW (row));

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

/**
 * godwit_store_view_get_document:
 *
 * Returns: (nullable) (transfer none): the document shown
 */
GodwitDocument *
godwit_store_view_get_document (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->document;
}

/* Shows a page of the store: "metadata", "model", "history",
 * "migrations" or "sync". */
void
godwit_store_view_show_page (GodwitStoreView *self,
                             const char      *page_name)
{
  GodwitSidebarRow *row;

  g_return_if_fail (GODWIT_IS_STORE_VIEW (self));
  g_return_if_fail (page_name != NULL);

  row = find_row (self, page_name, NULL);
  if (row != NULL)
    gtk_list_box_select_row (self->sidebar, GTK_LIST_BOX_ROW (row));
}

/* Shows the objects of an entity of the store. */
void
godwit_store_view_show_entity (GodwitStoreView *self,
                               const char      *entity_name)
{
  GodwitSidebarRow *row;

  g_return_if_fail (GODWIT_IS_STORE_VIEW (self));
  g_return_if_fail (entity_name != NULL);

  row = find_row (self, "objects", entity_name);
  if (row != NULL)
    gtk_list_box_select_row (self->sidebar, GTK_LIST_BOX_ROW (row));
}

const char *
godwit_store_view_get_visible_page (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return gtk_stack_get_visible_child_name (self->content);
}

gboolean
godwit_store_view_get_can_go_back (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), FALSE);

  return adw_leaflet_get_folded (self->leaflet) &&
         adw_leaflet_get_visible_child (self->leaflet) == GTK_WIDGET (self->content);
}

/* Back to the sidebar on a folded leaflet. */
void
godwit_store_view_go_back (GodwitStoreView *self)
{
  g_return_if_fail (GODWIT_IS_STORE_VIEW (self));

  adw_leaflet_set_visible_child (self->leaflet, self->sidebar_pane);
}

GtkListBox *
godwit_store_view_get_sidebar (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->sidebar;
}

GodwitMetadataPage *
godwit_store_view_get_metadata_page (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->metadata_page;
}

GodwitObjectsPage *
godwit_store_view_get_objects_page (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->objects_page;
}

GodwitModelPage *
godwit_store_view_get_model_page (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->model_page;
}

GodwitHistoryPage *
godwit_store_view_get_history_page (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->history_page;
}

GodwitMigrationsPage *
godwit_store_view_get_migrations_page (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->migrations_page;
}

GodwitSyncPage *
godwit_store_view_get_sync_page (GodwitStoreView *self)
{
  g_return_val_if_fail (GODWIT_IS_STORE_VIEW (self), NULL);

  return self->sync_page;
}
