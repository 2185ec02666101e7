/* godwit-metadata-page.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What a store says about itself: its metadata, and every entity's
 * version hash against each version of the model bundle, with a banner
 * when the store does not match the bundle's current version.
 */

#define G_LOG_DOMAIN "godwit-metadata-page"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "godwit-metadata-page.h"
#include "godwit-plist.h"
#include "godwit-value-row.h"
#include "godwit-value.h"

/* Metadata values longer than this are cut. */
#define MAX_METADATA_CHARS 2000
/* Hex digits of a version hash shown; the tooltip has all of them. */
#define SHORT_HASH_CHARS 12

struct _GodwitMetadataPage
{
  AdwBin       parent_instance;

  /* Template Widgets */
  GtkRevealer *banner_revealer;
  GtkLabel    *banner_label;
  GtkListBox  *store_list;
  GtkWidget   *hashes_group;
  GtkGrid     *hash_grid;
  GtkListBox  *metadata_list;

  GHashTable  *value_rows;    /* (element-type utf8 GodwitValueRow) (unowned rows) */
};

G_DEFINE_FINAL_TYPE (GodwitMetadataPage, godwit_metadata_page, ADW_TYPE_BIN)

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_value (GodwitMetadataPage *self,
           GtkListBox         *list,
           const char         *name,
           const char         *value)
{
  GtkWidget *row = godwit_value_row_new (name, value);

  gtk_list_box_append (list, row);
  g_hash_table_insert (self->value_rows, g_strdup (name), row);
}

static char *
dup_identifiers_text (JsonObject *metadata)
{
  g_autoptr(GString) text = g_string_new (NULL);
  JsonNode *node;
  JsonArray *identifiers;

  node = metadata != NULL ? json_object_get_member (metadata, "NSStoreModelVersionIdentifiers") : NULL;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return g_strdup (_("None"));

  identifiers = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (identifiers); i++)
    {
      JsonNode *element = json_array_get_element (identifiers, i);
      g_autofree char *element_text = NULL;

      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        element_text = g_strdup_printf ("“%s”", json_node_get_string (element));
      else
        element_text = godwit_value_dup_text (element, 0);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, element_text);
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : g_strdup (_("None"));
}

static char *
dup_bundle_text (GodwitDocument *document)
{
  GodwitModelBundle *bundle = godwit_document_get_bundle (document);
  const char *problem = godwit_document_get_bundle_problem (document);

  if (bundle == NULL && problem != NULL)
    return g_strdup_printf (_("The bundle beside the store could not be read: %s"), problem);
  if (bundle == NULL)
    return g_strdup (_("None: Godwit found no single model bundle beside the store; choose one with Choose Model…"));
  if (godwit_document_get_bundle_is_beside (document))
    return g_strdup_printf (_("%s (found beside the store)"), godwit_model_bundle_get_path (bundle));

  return g_strdup (godwit_model_bundle_get_path (bundle));
}

static char *
dup_match_text (GodwitDocument *document)
{
  GodwitVersionMatch *match = godwit_document_get_bundle_match (document);
  GodwitModel *matched;

  if (match == NULL)
    return NULL;

  matched = godwit_version_match_get_matched_version (match);
  if (matched == NULL)
    return g_strdup (_("No version of the bundle"));

  return g_strdup_printf (_("Version “%s”"), godwit_model_get_version_name (matched));
}

static char *
dup_cached_model_text (GodwitDocument *document)
{
  GodwitStore *store = godwit_document_get_store (document);
  const char *cache_error = godwit_document_get_cached_model_error (document);

  if (!godwit_store_has_model_cache (store))
    return g_strdup (_("None (Z_MODELCACHE is empty)"));
  if (cache_error != NULL)
    return g_strdup_printf (_("Unreadable: %s"), cache_error);

  return g_strdup (_("Present"));
}

static void
fill_store_values (GodwitMetadataPage *self,
                   GodwitDocument     *document,
                   JsonObject         *metadata)
{
  GodwitStore *store = godwit_document_get_store (document);
  gint64 framework_version = godwit_store_get_framework_version (store);
  g_autofree char *framework_text = NULL;
  g_autofree char *identifiers = dup_identifiers_text (metadata);
  g_autofree char *model = godwit_document_dup_model_summary (document);
  g_autofree char *bundle = dup_bundle_text (document);
  g_autofree char *match = dup_match_text (document);
  g_autofree char *cached_model = dup_cached_model_text (document);

  if (framework_version >= 0)
    framework_text = g_strdup_printf ("%" G_GINT64_FORMAT, framework_version);

  add_value (self, self->store_list, _("File"), godwit_store_get_path (store));
  add_value (self, self->store_list, _("UUID"),
             godwit_store_get_uuid (store) != NULL ? godwit_store_get_uuid (store) : _("None"));
  add_value (self, self->store_list, _("Framework version"),
             framework_text != NULL ? framework_text : _("None"));
  add_value (self, self->store_list, _("Version identifiers"), identifiers);
  add_value (self, self->store_list, _("Journal mode"), godwit_store_get_journal_mode (store));
  add_value (self, self->store_list, _("Model"), model);
  add_value (self, self->store_list, _("Model bundle"), bundle);
  if (match != NULL)
    add_value (self, self->store_list, _("Matching version"), match);
  add_value (self, self->store_list, _("Cached model"), cached_model);
}

static void
fill_metadata_values (GodwitMetadataPage *self,
                      JsonObject         *metadata)
{
  g_autoptr(GList) members = NULL;

  if (metadata == NULL)
    {
      gtk_list_box_append (self->metadata_list,
                           godwit_value_row_new (_("Metadata"), _("Empty: Z_METADATA holds no property list")));
      return;
    }

  members = json_object_get_members (metadata);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *text = godwit_value_dup_text (json_object_get_member (metadata, l->data),
                                                     MAX_METADATA_CHARS);

      add_value (self, self->metadata_list, l->data, text);
    }
}

static GtkWidget *
header_label_new (const char *text,
                  const char *tooltip)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "heading");
  gtk_widget_set_tooltip_text (label, tooltip);

  return label;
}

static GtkWidget *
hash_label_new (const char *hex)
{
  g_autofree char *shown = NULL;
  GtkWidget *label;

  if (hex == NULL)
    {
      label = gtk_label_new ("–");
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_set_tooltip_text (label, _("The store’s metadata has no hash for this entity"));
      return label;
    }

  shown = g_strndup (hex, SHORT_HASH_CHARS);
  label = gtk_label_new (shown);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_tooltip_text (label, hex);

  return label;
}

/* How an entity of the store compares with one version: the tooltip
 * says it in words. */
static GtkWidget *
match_cell_new (const char *store_hex,
                const char *version_hex)
{
  GtkWidget *cell;
  const char *tooltip;

  if (version_hex == NULL)
    {
      cell = gtk_label_new ("–");
      gtk_widget_add_css_class (cell, "dim-label");
      tooltip = store_hex != NULL ? _("Not in this version") : _("Neither in this version nor in the store");
    }
  else if (store_hex == NULL)
    {
      cell = gtk_image_new_from_icon_name ("list-add-symbolic");
      gtk_widget_add_css_class (cell, "warning");
      tooltip = _("Only in this version, not in the store");
    }
  else if (g_ascii_strcasecmp (store_hex, version_hex) == 0)
    {
      cell = gtk_image_new_from_icon_name ("object-select-symbolic");
      gtk_widget_add_css_class (cell, "success");
      tooltip = _("Same version hash");
    }
  else
    {
      cell = gtk_image_new_from_icon_name ("window-close-symbolic");
      gtk_widget_add_css_class (cell, "error");
      tooltip = _("Different version hash");
    }

  gtk_widget_set_halign (cell, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (cell, tooltip);
  gtk_accessible_update_property (GTK_ACCESSIBLE (cell), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);

  return cell;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static char *
dup_store_hash_hex (GHashTable *store_hashes,
                    const char *entity_name)
{
  GBytes *hash = g_hash_table_lookup (store_hashes, entity_name);

  if (hash == NULL)
    return NULL;

  return godwit_hex_encode (g_bytes_get_data (hash, NULL), g_bytes_get_size (hash));
}

/* The versions to compare with: the bundle's, else the cached model. */
static GPtrArray *
dup_compared_versions (GodwitDocument *document)
{
  GodwitModelBundle *bundle = godwit_document_get_bundle (document);
  GPtrArray *versions = g_ptr_array_new ();

  if (bundle != NULL)
    for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
      g_ptr_array_add (versions, godwit_model_bundle_get_version (bundle, i));
  else if (godwit_document_get_cached_model (document) != NULL)
    g_ptr_array_add (versions, godwit_document_get_cached_model (document));

  return versions;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Every entity of the store's metadata and of the compared versions,
 * sorted; the names belong to the hash table and the models. */
static GPtrArray *
dup_entity_names (GHashTable *store_hashes,
                  GPtrArray  *versions)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GList) keys = NULL;
  GPtrArray *sorted = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer name;

  g_hash_table_iter_init (&iter, store_hashes);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_hash_table_add (names, name);

  for (guint i = 0; i < versions->len; i++)
    {
      GPtrArray *entities = godwit_model_get_entities (g_ptr_array_index (versions, i));

      for (guint j = 0; j < entities->len; j++)
        g_hash_table_add (names, ((GodwitEntity *) g_ptr_array_index (entities, j))->name);
    }

  keys = g_hash_table_get_keys (names);
  for (GList *l = keys; l != NULL; l = l->next)
    g_ptr_array_add (sorted, l->data);
  g_ptr_array_sort (sorted, compare_names);

  return sorted;
}

static char *
dup_version_title (GodwitDocument *document,
                   GodwitModel    *version)
{
  GodwitModelBundle *bundle = godwit_document_get_bundle (document);

  if (bundle == NULL)
    return g_strdup (_("Cached model"));
  if (version == godwit_model_bundle_get_current_version (bundle))
    return g_strdup_printf (_("%s (current)"), godwit_model_get_version_name (version));

  return g_strdup (godwit_model_get_version_name (version));
}

static void
fill_hash_grid (GodwitMetadataPage *self,
                GodwitDocument     *document)
{
  GHashTable *store_hashes = godwit_store_get_version_hashes (godwit_document_get_store (document));
  g_autoptr(GPtrArray) versions = dup_compared_versions (document);
  g_autoptr(GPtrArray) names = dup_entity_names (store_hashes, versions);

  gtk_grid_attach (self->hash_grid, header_label_new (_("Entity"), NULL), 0, 0, 1, 1);
  gtk_grid_attach (self->hash_grid,
                   header_label_new (_("Store hash"), _("The entity’s version hash in the store’s metadata")),
                   1, 0, 1, 1);
  for (guint j = 0; j < versions->len; j++)
    {
      g_autofree char *title = dup_version_title (document, g_ptr_array_index (versions, j));

      gtk_grid_attach (self->hash_grid,
                       header_label_new (title, _("Whether the version’s hash equals the store’s")),
                       2 + j, 0, 1, 1);
    }

  for (guint i = 0; i < names->len; i++)
    {
      const char *name = g_ptr_array_index (names, i);
      g_autofree char *store_hex = dup_store_hash_hex (store_hashes, name);
      GtkWidget *name_label = gtk_label_new (name);

      gtk_label_set_xalign (GTK_LABEL (name_label), 0);
      gtk_grid_attach (self->hash_grid, name_label, 0, 1 + i, 1, 1);
      gtk_grid_attach (self->hash_grid, hash_label_new (store_hex), 1, 1 + i, 1, 1);

      for (guint j = 0; j < versions->len; j++)
        {
          GodwitEntity *entity = godwit_model_get_entity (g_ptr_array_index (versions, j), name);
          g_autofree char *version_hex = entity != NULL ? godwit_entity_dup_version_hash_hex (entity) : NULL;

          gtk_grid_attach (self->hash_grid, match_cell_new (store_hex, version_hex), 2 + j, 1 + i, 1, 1);
        }
    }
}

static void
godwit_metadata_page_dispose (GObject *object)
{
  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_METADATA_PAGE);

  G_OBJECT_CLASS (godwit_metadata_page_parent_class)->dispose (object);
}

static void
godwit_metadata_page_finalize (GObject *object)
{
  GodwitMetadataPage *self = (GodwitMetadataPage *)object;

  g_clear_pointer (&self->value_rows, g_hash_table_unref);

  G_OBJECT_CLASS (godwit_metadata_page_parent_class)->finalize (object);
}

static void
godwit_metadata_page_class_init (GodwitMetadataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_metadata_page_dispose;
  object_class->finalize = godwit_metadata_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-metadata-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitMetadataPage, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitMetadataPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitMetadataPage, store_list);
  gtk_widget_class_bind_template_child (widget_class, GodwitMetadataPage, hashes_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitMetadataPage, hash_grid);
  gtk_widget_class_bind_template_child (widget_class, GodwitMetadataPage, metadata_list);
}

static void
godwit_metadata_page_init (GodwitMetadataPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->value_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

void
godwit_metadata_page_set_document (GodwitMetadataPage *self,
                                   GodwitDocument     *document)
{
  g_autoptr(JsonNode) metadata_node = NULL;
  g_autofree char *mismatch = NULL;
  JsonObject *metadata = NULL;

  g_return_if_fail (GODWIT_IS_METADATA_PAGE (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));

  g_hash_table_remove_all (self->value_rows);
  clear_list (self->store_list);
  clear_list (self->metadata_list);
  clear_grid (self->hash_grid);

  metadata_node = godwit_plist_to_json (godwit_store_get_metadata (godwit_document_get_store (document)));
  if (metadata_node != NULL && JSON_NODE_HOLDS_OBJECT (metadata_node))
    metadata = json_node_get_object (metadata_node);

  fill_store_values (self, document, metadata);
  fill_hash_grid (self, document);
  fill_metadata_values (self, metadata);

  mismatch = godwit_document_dup_mismatch_text (document);
  gtk_label_set_label (self->banner_label, mismatch != NULL ? mismatch : "");
  gtk_revealer_set_reveal_child (self->banner_revealer, mismatch != NULL);
}

/**
 * godwit_metadata_page_get_banner_text:
 *
 * Returns: (nullable): the banner's text, %NULL when it is hidden
 */
const char *
godwit_metadata_page_get_banner_text (GodwitMetadataPage *self)
{
  g_return_val_if_fail (GODWIT_IS_METADATA_PAGE (self), NULL);

  if (!gtk_revealer_get_reveal_child (self->banner_revealer))
    return NULL;

  return gtk_label_get_label (self->banner_label);
}

/* The text shown for a value of the store or a metadata key, or NULL. */
const char *
godwit_metadata_page_get_value_text (GodwitMetadataPage *self,
                                     const char         *name)
{
  GodwitValueRow *row;

  g_return_val_if_fail (GODWIT_IS_METADATA_PAGE (self), NULL);

  row = g_hash_table_lookup (self->value_rows, name);

  return row != NULL ? godwit_value_row_get_value_text (row) : NULL;
}

/* The entities (rows from 1) against the versions (columns from 2). */
GtkGrid *
godwit_metadata_page_get_hash_grid (GodwitMetadataPage *self)
{
  g_return_val_if_fail (GODWIT_IS_METADATA_PAGE (self), NULL);

  return self->hash_grid;
}
