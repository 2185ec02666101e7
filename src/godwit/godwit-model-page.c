/* godwit-model-page.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A version of the model: chosen among the bundle's versions (the one
 * the store matches first), its entities with their attributes and
 * relationships, and what changes from the version before, as the model
 * diff explains it. Without a bundle, the model cached in the store is
 * the one version shown.
 */

#define G_LOG_DOMAIN "godwit-model-page"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-model-page.h"

struct _GodwitModelPage
{
  AdwBin          parent_instance;

  /* Template Widgets */
  GtkStack       *stack;
  AdwComboRow    *version_row;
  AdwActionRow   *source_row;
  GtkWidget      *entities_group;
  GtkListBox     *entity_list;
  GodwitDiffView *diff_view;
  GtkLabel       *diff_note_label;

  /* Owned References */
  GodwitDocument *document;   /* (nullable) */

  /* Borrowed References */
  GPtrArray      *versions;   /* (element-type GodwitModel): the document's */
  GodwitModel    *version;    /* (nullable) the one shown */

  gboolean        updating_versions;
};

G_DEFINE_FINAL_TYPE (GodwitModelPage, godwit_model_page, ADW_TYPE_BIN)

static void
append_part (GString    *text,
             const char *part)
{
  if (text->len > 0)
    g_string_append (text, " · ");
  g_string_append (text, part);
}

static char *
dup_attribute_text (const GodwitProperty *property)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *type = godwit_attribute_type_to_string (property->attribute_type);

  append_part (text, type != NULL ? type : _("unknown type"));
  append_part (text, property->optional ? _("optional") : _("required"));
  if (property->default_value != NULL)
    {
      g_autofree char *part = g_strdup_printf (_("default “%s”"), property->default_value);

      append_part (text, part);
    }
  if (property->derived && property->derivation_expression != NULL)
    {
      g_autofree char *part = g_strdup_printf (_("derived from %s"), property->derivation_expression);

      append_part (text, part);
    }
  if (property->value_transformer_name != NULL)
    {
      g_autofree char *part = g_strdup_printf (_("transformer %s"), property->value_transformer_name);

      append_part (text, part);
    }
  if (property->allows_external_binary_data_storage)
    append_part (text, _("external storage"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
dup_relationship_text (const GodwitProperty *property)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *destination = NULL;
  const char *delete_rule = godwit_delete_rule_to_string (property->delete_rule);

  if (property->to_many && property->ordered)
    destination = g_strdup_printf (_("to-many %s, ordered"), property->destination_entity);
  else if (property->to_many)
    destination = g_strdup_printf (_("to-many %s"), property->destination_entity);
  else
    destination = g_strdup_printf (_("to-one %s"), property->destination_entity);
  append_part (text, destination);
  append_part (text, property->optional ? _("optional") : _("required"));

  if (property->inverse_name != NULL)
    {
      g_autofree char *part = g_strdup_printf (_("inverse “%s”"), property->inverse_name);

      append_part (text, part);
    }
  else
    append_part (text, _("no inverse"));

  if (delete_rule != NULL)
    {
      g_autofree char *part = g_strdup_printf (_("delete rule %s"), delete_rule);

      append_part (text, part);
    }

  if (property->to_many && (property->min_count > 0 || property->max_count > 0))
    {
      g_autofree char *part = NULL;

      if (property->max_count > 0)
        part = g_strdup_printf (_("%d to %d objects"), property->min_count, property->max_count);
      else
        part = g_strdup_printf (_("at least %d objects"), property->min_count);
      append_part (text, part);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What a property is, in a line: its type, then what sets it apart. */
static char *
dup_property_text (const GodwitProperty *property)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *kind_text = NULL;

  switch (property->kind)
    {
    case GODWIT_PROPERTY_KIND_ATTRIBUTE:
      kind_text = dup_attribute_text (property);
      break;
    case GODWIT_PROPERTY_KIND_RELATIONSHIP:
      kind_text = dup_relationship_text (property);
      break;
    case GODWIT_PROPERTY_KIND_FETCHED:
    default:
      kind_text = g_strdup_printf (_("fetched property: %s where %s"),
                                   property->fetch_request_entity != NULL ? property->fetch_request_entity : "?",
                                   property->fetch_request_predicate != NULL ? property->fetch_request_predicate : "?");
      break;
    }
  g_string_append (text, kind_text);

  if (property->transient)
    append_part (text, _("transient"));
  if (property->indexed)
    append_part (text, _("indexed"));
  if (property->renaming_identifier != NULL)
    {
      g_autofree char *part = g_strdup_printf (_("renaming identifier “%s”"), property->renaming_identifier);

      append_part (text, part);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
dup_entity_text (GodwitEntity *entity)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *attributes = NULL;
  g_autofree char *relationships = NULL;
  guint n_attributes = 0;
  guint n_relationships = 0;

  for (guint i = 0; i < entity->properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (entity->properties, i);

      if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
        n_attributes++;
      else if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
        n_relationships++;
    }

  if (entity->parent_name != NULL)
    {
      g_autofree char *part = g_strdup_printf (_("sub-entity of %s"), entity->parent_name);

      append_part (text, part);
    }
  if (entity->abstract)
    append_part (text, _("abstract"));

  attributes = g_strdup_printf (ngettext ("%u attribute", "%u attributes", n_attributes), n_attributes);
  relationships = g_strdup_printf (ngettext ("%u relationship", "%u relationships", n_relationships),
                                   n_relationships);
  append_part (text, attributes);
  append_part (text, relationships);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GtkWidget *
property_row_new (const GodwitProperty *property)
{
  g_autofree char *subtitle = dup_property_text (property);
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), property->name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  return row;
}

/* Rows for an entity's properties are made when it is first expanded:
 * a large model has thousands. */
static void
entity_expanded_cb (AdwExpanderRow *row,
                    GParamSpec     *pspec,
                    GodwitEntity   *entity)
{
  g_autoptr(GPtrArray) properties = NULL;

  if (!adw_expander_row_get_expanded (row) || g_object_get_data (G_OBJECT (row), "godwit-filled") != NULL)
    return;

  g_object_set_data (G_OBJECT (row), "godwit-filled", GINT_TO_POINTER (TRUE));

  /* A copy that does not own the properties. */
  properties = g_ptr_array_new ();
  g_ptr_array_extend (properties, entity->properties, NULL, NULL);
  g_ptr_array_sort (properties, godwit_property_compare_by_name);
  for (guint i = 0; i < properties->len; i++)
    adw_expander_row_add_row (row, property_row_new (g_ptr_array_index (properties, i)));

  if (properties->len == 0)
    {
      GtkWidget *none = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (none),
                                     entity->parent_name != NULL ? _("No properties of its own") : _("No properties"));
      gtk_widget_add_css_class (none, "dim-label");
      adw_expander_row_add_row (row, none);
    }
}

static void
entity_closure_notify (gpointer  data,
                       GClosure *closure)
{
  godwit_entity_unref (data);
}

static GtkWidget *
entity_row_new (GodwitEntity *entity)
{
  g_autofree char *subtitle = dup_entity_text (entity);
  GtkWidget *row = adw_expander_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), entity->name);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);
  g_signal_connect_data (row, "notify::expanded", G_CALLBACK (entity_expanded_cb),
                         godwit_entity_ref (entity), entity_closure_notify, 0);

  return row;
}

static void
clear_entities (GodwitModelPage *self)
{
  GtkListBoxRow *row;

  while ((row = gtk_list_box_get_row_at_index (self->entity_list, 0)) != NULL)
    gtk_list_box_remove (self->entity_list, GTK_WIDGET (row));
}

static int
find_version (GodwitModelPage *self,
              GodwitModel     *version)
{
  for (guint i = 0; i < self->versions->len; i++)
    if (g_ptr_array_index (self->versions, i) == version)
      return i;

  return -1;
}

static void
show_version (GodwitModelPage *self,
              guint            index)
{
  GodwitModel *version = g_ptr_array_index (self->versions, index);
  g_autoptr(GPtrArray) entities = g_ptr_array_new ();
  g_autofree char *description = NULL;

  self->version = version;

  /* A copy that does not own the entities. */
  g_ptr_array_extend (entities, godwit_model_get_entities (version), NULL, NULL);
  clear_entities (self);
  g_ptr_array_sort (entities, godwit_entity_compare_by_name);
  for (guint i = 0; i < entities->len; i++)
    gtk_list_box_append (self->entity_list, entity_row_new (g_ptr_array_index (entities, i)));
  description = g_strdup_printf (ngettext ("%u entity", "%u entities", entities->len), entities->len);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->entities_group), description);

  if (index > 0)
    {
      GodwitModel *previous = g_ptr_array_index (self->versions, index - 1);
      g_autoptr(GodwitModelDiff) diff = godwit_model_diff_new (previous, version);
      g_autofree char *note = g_strdup_printf (_("From “%s” to “%s”, as a migration between them sees it"),
                                               godwit_model_get_version_name (previous),
                                               godwit_model_get_version_name (version));

      godwit_diff_view_set_diff (self->diff_view, diff);
      gtk_label_set_label (self->diff_note_label, note);
    }
  else
    {
      g_autofree char *note = g_strdup_printf (_("“%s” is the first version: no version comes before it."),
                                               godwit_model_get_version_name (version));

      godwit_diff_view_set_diff (self->diff_view, NULL);
      gtk_label_set_label (self->diff_note_label, note);
    }

  self->updating_versions = TRUE;
  adw_combo_row_set_selected (self->version_row, index);
  self->updating_versions = FALSE;
}

static void
version_selected_cb (GodwitModelPage *self,
                     GParamSpec      *pspec,
                     AdwComboRow     *row)
{
  guint selected = adw_combo_row_get_selected (row);

  if (self->updating_versions || selected >= self->versions->len)
    return;

  show_version (self, selected);
}

static void
godwit_model_page_dispose (GObject *object)
{
  GodwitModelPage *self = (GodwitModelPage *)object;

  self->version = NULL;
  g_clear_object (&self->document);

  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_MODEL_PAGE);

  G_OBJECT_CLASS (godwit_model_page_parent_class)->dispose (object);
}

static void
godwit_model_page_finalize (GObject *object)
{
  GodwitModelPage *self = (GodwitModelPage *)object;

  g_clear_pointer (&self->versions, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_model_page_parent_class)->finalize (object);
}

static void
godwit_model_page_class_init (GodwitModelPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_model_page_dispose;
  object_class->finalize = godwit_model_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-model-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitModelPage, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitModelPage, version_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitModelPage, source_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitModelPage, entities_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitModelPage, entity_list);
  gtk_widget_class_bind_template_child (widget_class, GodwitModelPage, diff_view);
  gtk_widget_class_bind_template_child (widget_class, GodwitModelPage, diff_note_label);
  gtk_widget_class_bind_template_callback (widget_class, version_selected_cb);

  g_type_ensure (GODWIT_TYPE_DIFF_VIEW);
}

static void
godwit_model_page_init (GodwitModelPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->versions = g_ptr_array_new ();
}

/**
 * godwit_model_page_set_document:
 *
 * Shows the version of the bundle the store matches, else the bundle's
 * current version, else the model cached in the store.
 */
void
godwit_model_page_set_document (GodwitModelPage *self,
                                GodwitDocument  *document)
{
  GodwitModelBundle *bundle;
  GodwitVersionMatch *match;
  GodwitModel *shown = NULL;
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  int index;

  g_return_if_fail (GODWIT_IS_MODEL_PAGE (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));

  g_set_object (&self->document, document);
  g_ptr_array_set_size (self->versions, 0);
  self->version = NULL;

  bundle = godwit_document_get_bundle (document);
  match = godwit_document_get_bundle_match (document);
  if (bundle != NULL)
    {
      for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
        g_ptr_array_add (self->versions, godwit_model_bundle_get_version (bundle, i));
      adw_action_row_set_subtitle (self->source_row, godwit_model_bundle_get_path (bundle));
      if (match != NULL)
        shown = godwit_version_match_get_matched_version (match);
      if (shown == NULL)
        shown = godwit_model_bundle_get_current_version (bundle);
    }
  else if (godwit_document_get_cached_model (document) != NULL)
    {
      g_ptr_array_add (self->versions, godwit_document_get_cached_model (document));
      adw_action_row_set_subtitle (self->source_row, _("The model cached in the store (Z_MODELCACHE)"));
    }

  if (self->versions->len == 0)
    {
      clear_entities (self);
      godwit_diff_view_set_diff (self->diff_view, NULL);
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  for (guint i = 0; i < self->versions->len; i++)
    gtk_string_list_append (names, godwit_model_get_version_name (g_ptr_array_index (self->versions, i)));

  self->updating_versions = TRUE;
  adw_combo_row_set_model (self->version_row, G_LIST_MODEL (names));
  self->updating_versions = FALSE;

  index = shown != NULL ? find_version (self, shown) : -1;
  show_version (self, index >= 0 ? (guint) index : 0);
  gtk_stack_set_visible_child_name (self->stack, "model");
}

/**
 * godwit_model_page_set_version:
 *
 * What the version dropdown sets.
 *
 * Returns: %FALSE when the page has no version of that name
 */
gboolean
godwit_model_page_set_version (GodwitModelPage *self,
                               const char      *name)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_PAGE (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  for (guint i = 0; i < self->versions->len; i++)
    {
      if (g_strcmp0 (godwit_model_get_version_name (g_ptr_array_index (self->versions, i)), name) == 0)
        {
          show_version (self, i);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * godwit_model_page_get_version:
 *
 * Returns: (nullable): the name of the version shown
 */
const char *
godwit_model_page_get_version (GodwitModelPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_PAGE (self), NULL);

  return self->version != NULL ? godwit_model_get_version_name (self->version) : NULL;
}

/* An expander row per entity, by name; its properties' rows are made
 * when it is first expanded. */
GtkListBox *
godwit_model_page_get_entity_list (GodwitModelPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_PAGE (self), NULL);

  return self->entity_list;
}

/* The changes from the version before; empty for the first version. */
GodwitDiffView *
godwit_model_page_get_diff_view (GodwitModelPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_PAGE (self), NULL);

  return self->diff_view;
}

/* Which versions the changes are between, or that there is none before. */
const char *
godwit_model_page_get_diff_note (GodwitModelPage *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_PAGE (self), NULL);

  return gtk_label_get_label (self->diff_note_label);
}
