/* godwit-model.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-model"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-model.h"
#include "godwit-version-hash-private.h"

struct _GodwitModel
{
  GObject            parent_instance;

  char              *version_name;
  char              *path;
  GodwitModelSource  source;
  GPtrArray         *entities;               /* (element-type GodwitEntity), by name once resolved */
  GHashTable        *entities_by_name;       /* (element-type utf8 GodwitEntity) unowned */
  GPtrArray         *version_identifiers;    /* (element-type utf8) */
  GHashTable        *configurations;         /* (element-type utf8 GStrv) */
  GPtrArray         *fetch_request_templates;
  GHashTable        *user_info;
  gboolean           resolved;
};

G_DEFINE_FINAL_TYPE (GodwitModel, godwit_model, G_TYPE_OBJECT)

static void
fetch_request_template_free (gpointer data)
{
  GodwitFetchRequestTemplate *template = data;

  g_free (template->name);
  g_free (template->entity);
  g_free (template->predicate);
  g_free (template);
}

static void
godwit_model_finalize (GObject *object)
{
  GodwitModel *self = (GodwitModel *) object;

  g_clear_pointer (&self->version_name, g_free);
  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->entities_by_name, g_hash_table_unref);
  g_clear_pointer (&self->entities, g_ptr_array_unref);
  g_clear_pointer (&self->version_identifiers, g_ptr_array_unref);
  g_clear_pointer (&self->configurations, g_hash_table_unref);
  g_clear_pointer (&self->fetch_request_templates, g_ptr_array_unref);
  g_clear_pointer (&self->user_info, g_hash_table_unref);

  G_OBJECT_CLASS (godwit_model_parent_class)->finalize (object);
}

static void
godwit_model_class_init (GodwitModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_model_finalize;
}

static void
godwit_model_init (GodwitModel *self)
{
  self->entities = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_entity_unref);
  self->entities_by_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->version_identifiers = g_ptr_array_new_with_free_func (g_free);
  self->configurations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify) g_strfreev);
  self->fetch_request_templates = g_ptr_array_new_with_free_func (fetch_request_template_free);
  self->user_info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

GodwitModel *
godwit_model_new (const char        *version_name,
                  GodwitModelSource  source)
{
  GodwitModel *self = g_object_new (GODWIT_TYPE_MODEL, NULL);

  self->version_name = g_strdup (version_name);
  self->source = source;

  return self;
}

/**
 * godwit_model_add_entity:
 * @entity: (transfer full)
 *
 * Adds an entity before godwit_model_resolve(). A second entity of the same
 * name is kept too, so that resolving can report the duplicate.
 */
void
godwit_model_add_entity (GodwitModel  *self,
                         GodwitEntity *entity)
{
  g_return_if_fail (GODWIT_IS_MODEL (self));
  g_return_if_fail (entity != NULL);
  g_return_if_fail (!self->resolved);

  g_ptr_array_add (self->entities, entity);
}

void
godwit_model_add_version_identifier (GodwitModel *self,
                                     const char  *identifier)
{
  g_return_if_fail (GODWIT_IS_MODEL (self));

  g_ptr_array_add (self->version_identifiers, g_strdup (identifier));
}

void
godwit_model_add_configuration (GodwitModel        *self,
                                const char         *name,
                                const char * const *entity_names)
{
  g_return_if_fail (GODWIT_IS_MODEL (self));
  g_return_if_fail (name != NULL);

  g_hash_table_replace (self->configurations, g_strdup (name), g_strdupv ((char **) entity_names));
}

void
godwit_model_add_fetch_request_template (GodwitModel *self,
                                         const char  *name,
                                         const char  *entity,
                                         const char  *predicate)
{
  GodwitFetchRequestTemplate *template;

  g_return_if_fail (GODWIT_IS_MODEL (self));

  template = g_new0 (GodwitFetchRequestTemplate, 1);
  template->name = g_strdup (name);
  template->entity = g_strdup (entity);
  template->predicate = g_strdup (predicate);
  g_ptr_array_add (self->fetch_request_templates, template);
}

void
godwit_model_set_path (GodwitModel *self,
                       const char  *path)
{
  g_return_if_fail (GODWIT_IS_MODEL (self));

  g_free (self->path);
  self->path = g_strdup (path);
}

static const char *
describe (GodwitModel *self)
{
  return self->path != NULL ? self->path : self->version_name != NULL ? self->version_name : _("model");
}

static gboolean
check_relationships (GodwitModel   *self,
                     GodwitEntity  *entity,
                     GError       **error)
{
  for (guint i = 0; i < entity->properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (entity->properties, i);
      GodwitEntity *destination;
      GodwitProperty *inverse;

      if (property->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP)
        continue;

      if (property->destination_entity == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: relationship %s.%s has no destination entity"),
                       describe (self), entity->name, property->name);
          return FALSE;
        }

      destination = g_hash_table_lookup (self->entities_by_name, property->destination_entity);
      if (destination == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: relationship %s.%s points to entity “%s”, which the model does not have"),
                       describe (self), entity->name, property->name, property->destination_entity);
          return FALSE;
        }

      if (property->inverse_name == NULL)
        continue;

      inverse = godwit_entity_find_property (destination, property->inverse_name);
      if (inverse == NULL || inverse->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: the inverse of relationship %s.%s, %s.%s, is not a relationship of the model"),
                       describe (self), entity->name, property->name,
                       destination->name, property->inverse_name);
          return FALSE;
        }
    }

  return TRUE;
}

static void
hash_entity_tree (GodwitEntity *entity)
{
  _godwit_version_hash_entity (entity);

  for (guint i = 0; i < entity->subentities->len; i++)
    hash_entity_tree (g_ptr_array_index (entity->subentities, i));
}

/**
 * godwit_model_resolve:
 *
 * Links every entity to its parent and sub-entities, checks that the
 * hierarchy has no cycle and that every relationship's destination and
 * inverse exist, and computes Core Data's version hashes. The model is
 * read-only afterwards.
 */
gboolean
godwit_model_resolve (GodwitModel  *self,
                      GError      **error)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), FALSE);

  if (self->resolved)
    return TRUE;

  g_ptr_array_sort (self->entities, godwit_entity_compare_by_name);

  for (guint i = 0; i < self->entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (self->entities, i);

      if (!g_hash_table_insert (self->entities_by_name, entity->name, entity))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: entity “%s” is defined twice"), describe (self), entity->name);
          return FALSE;
        }
    }

  for (guint i = 0; i < self->entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (self->entities, i);
      GodwitEntity *parent;

      if (entity->parent_name == NULL)
        continue;

      parent = g_hash_table_lookup (self->entities_by_name, entity->parent_name);
      if (parent == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: the parent of entity %s, “%s”, is not in the model"),
                       describe (self), entity->name, entity->parent_name);
          return FALSE;
        }

      entity->parent = parent;
      g_ptr_array_add (parent->subentities, entity);
    }

  for (guint i = 0; i < self->entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (self->entities, i);
      guint depth = 0;

      for (GodwitEntity *e = entity->parent; e != NULL; e = e->parent)
        if (e == entity || ++depth > self->entities->len)
          {
            g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                         _("%s: entity %s is its own ancestor (a parent-entity cycle)"),
                         describe (self), entity->name);
            return FALSE;
          }
    }

  for (guint i = 0; i < self->entities->len; i++)
    if (!check_relationships (self, g_ptr_array_index (self->entities, i), error))
      return FALSE;

  for (guint i = 0; i < self->entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (self->entities, i);

      if (entity->parent == NULL)
        hash_entity_tree (entity);
    }

  self->resolved = TRUE;

  return TRUE;
}

gboolean
godwit_model_is_resolved (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), FALSE);

  return self->resolved;
}

const char *
godwit_model_get_version_name (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  return self->version_name;
}

GodwitModelSource
godwit_model_get_source (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), 0);

  return self->source;
}

const char *
godwit_model_get_source_name (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  switch (self->source)
    {
    case GODWIT_MODEL_SOURCE_XML:
      return "xcdatamodel";
    case GODWIT_MODEL_SOURCE_COMPILED:
      return "mom";
    case GODWIT_MODEL_SOURCE_STORE_CACHE:
      return "store-cache";
    case GODWIT_MODEL_SOURCE_WRITER:
    default:
      return "code";
    }
}

const char *
godwit_model_get_path (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  return self->path;
}

/**
 * godwit_model_get_entities:
 *
 * Returns: (transfer none) (element-type GodwitEntity): the entities, sorted
 *   by name in byte order once the model is resolved.
 */
GPtrArray *
godwit_model_get_entities (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  return self->entities;
}

GodwitEntity *
godwit_model_get_entity (GodwitModel *self,
                         const char  *name)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);
  g_return_val_if_fail (self->resolved, NULL);

  if (name == NULL)
    return NULL;

  return g_hash_table_lookup (self->entities_by_name, name);
}

/**
 * godwit_model_find_inverse:
 * @relationship: a relationship of an entity of @self
 *
 * Returns: (transfer none) (nullable): the property of @relationship's
 *   destination entity that its inverse name names, or %NULL
 */
GodwitProperty *
godwit_model_find_inverse (GodwitModel    *self,
                           GodwitProperty *relationship)
{
  GodwitEntity *destination;

  g_return_val_if_fail (relationship != NULL, NULL);

  if (relationship->inverse_name == NULL)
    return NULL;

  destination = godwit_model_get_entity (self, relationship->destination_entity);
  if (destination == NULL)
    return NULL;

  return godwit_entity_find_property (destination, relationship->inverse_name);
}

GPtrArray *
godwit_model_get_version_identifiers (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  return self->version_identifiers;
}

GHashTable *
godwit_model_get_configurations (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  return self->configurations;
}

GPtrArray *
godwit_model_get_fetch_request_templates (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  return self->fetch_request_templates;
}

GHashTable *
godwit_model_get_user_info (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);

  return self->user_info;
}

/* NSStoreModelVersionHashesDigest */
char *
godwit_model_dup_version_hashes_digest (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);
  g_return_val_if_fail (self->resolved, NULL);

  return _godwit_version_hashes_digest (self->entities);
}

/* NSStoreModelVersionChecksumKey, NSManagedObjectModel.versionChecksum */
char *
godwit_model_dup_version_checksum (GodwitModel *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL (self), NULL);
  g_return_val_if_fail (self->resolved, NULL);

  return _godwit_version_checksum (self->entities);
}
