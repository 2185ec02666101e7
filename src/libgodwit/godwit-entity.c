/* godwit-entity.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "godwit-entity.h"
#include "godwit-value.h"

G_DEFINE_BOXED_TYPE (GodwitEntity, godwit_entity, godwit_entity_ref, godwit_entity_unref)

static void
fetch_index_element_free (gpointer data)
{
  GodwitFetchIndexElement *element = data;

  g_free (element->property);
  g_free (element->type);
  g_free (element);
}

GodwitFetchIndex *
godwit_fetch_index_new (const char *name)
{
  GodwitFetchIndex *index = g_new0 (GodwitFetchIndex, 1);

  index->name = g_strdup (name);
  index->elements = g_ptr_array_new_with_free_func (fetch_index_element_free);

  return index;
}

void
godwit_fetch_index_free (GodwitFetchIndex *index)
{
  if (index == NULL)
    return;

  g_free (index->name);
  g_free (index->partial_index_predicate);
  g_ptr_array_unref (index->elements);
  g_free (index);
}

void
godwit_fetch_index_add_element (GodwitFetchIndex *index,
                                const char       *property,
                                const char       *type,
                                gboolean          ascending)
{
  GodwitFetchIndexElement *element = g_new0 (GodwitFetchIndexElement, 1);

  element->property = g_strdup (property);
  element->type = g_strdup (type != NULL ? type : "Binary");
  element->ascending = ascending;
  g_ptr_array_add (index->elements, element);
}

GodwitEntity *
godwit_entity_new (const char *name)
{
  GodwitEntity *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_new0 (GodwitEntity, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->name = g_strdup (name);
  self->properties = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_property_unref);
  self->uniqueness_constraints = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  self->fetch_indexes = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_fetch_index_free);
  self->user_info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->subentities = g_ptr_array_new ();

  return self;
}

GodwitEntity *
godwit_entity_ref (GodwitEntity *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
godwit_entity_unref (GodwitEntity *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->name);
  g_free (self->class_name);
  g_free (self->parent_name);
  g_free (self->renaming_identifier);
  g_free (self->version_hash_modifier);
  g_ptr_array_unref (self->properties);
  g_ptr_array_unref (self->uniqueness_constraints);
  g_ptr_array_unref (self->fetch_indexes);
  g_hash_table_unref (self->user_info);
  g_ptr_array_unref (self->subentities);
  g_free (self);
}

/**
 * godwit_entity_add_property:
 * @property: (transfer full)
 */
void
godwit_entity_add_property (GodwitEntity   *self,
                            GodwitProperty *property)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (property != NULL);

  g_ptr_array_add (self->properties, property);
}

GodwitProperty *
godwit_entity_get_own_property (GodwitEntity *self,
                                const char   *name)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (self->properties, i);

      if (strcmp (property->name, name) == 0)
        return property;
    }

  return NULL;
}

/**
 * godwit_entity_find_property:
 *
 * Looks @name up in the entity and then its ancestors: the property as
 * this entity sees it, a sub-entity's own definition winning.
 */
GodwitProperty *
godwit_entity_find_property (GodwitEntity *self,
                             const char   *name)
{
  g_return_val_if_fail (self != NULL, NULL);

  for (GodwitEntity *e = self; e != NULL; e = e->parent)
    {
      GodwitProperty *property = godwit_entity_get_own_property (e, name);

      if (property != NULL)
        return property;
    }

  return NULL;
}

/**
 * godwit_entity_dup_all_properties:
 *
 * Returns: (transfer container) (element-type GodwitProperty): own and
 *   inherited properties, sorted by name in byte order.
 */
GPtrArray *
godwit_entity_dup_all_properties (GodwitEntity *self)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *all = g_ptr_array_new ();

  g_return_val_if_fail (self != NULL, NULL);

  for (GodwitEntity *e = self; e != NULL; e = e->parent)
    for (guint i = 0; i < e->properties->len; i++)
      {
        GodwitProperty *property = g_ptr_array_index (e->properties, i);

        if (g_hash_table_add (seen, property->name))
          g_ptr_array_add (all, property);
      }

  g_ptr_array_sort (all, godwit_property_compare_by_name);

  return all;
}

GodwitEntity *
godwit_entity_get_root (GodwitEntity *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  while (self->parent != NULL)
    self = self->parent;

  return self;
}

gboolean
godwit_entity_is_kind_of (GodwitEntity *self,
                          GodwitEntity *ancestor)
{
  for (GodwitEntity *e = self; e != NULL; e = e->parent)
    if (e == ancestor)
      return TRUE;

  return FALSE;
}

/**
 * godwit_entity_compare_by_name:
 *
 * A #GCompareFunc for arrays of #GodwitEntity pointers, in the byte order of
 * names that Core Data uses for hashes and entity numbers.
 */
int
godwit_entity_compare_by_name (gconstpointer a,
                               gconstpointer b)
{
  const GodwitEntity *ea = *(const GodwitEntity * const *) a;
  const GodwitEntity *eb = *(const GodwitEntity * const *) b;

  return strcmp (ea->name, eb->name);
}

char *
godwit_entity_dup_version_hash_hex (GodwitEntity *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return godwit_hex_encode (self->version_hash, GODWIT_VERSION_HASH_LENGTH);
}
