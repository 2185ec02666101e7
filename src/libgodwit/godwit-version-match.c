/* godwit-version-match.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Which model version a store was written with, by Core Data's own rule
 * (isConfiguration:compatibleWithStoreMetadata:): every entity's version
 * hash in the metadata equals the version's. When none matches, the
 * nearest version is the one with most equal entities, and the store's
 * cached model, when it has one, explains each difference property by
 * property.
 */

#define G_LOG_DOMAIN "godwit-version-match"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-version-match.h"

struct _GodwitVersionMatch
{
  GObject      parent_instance;

  GPtrArray   *matching;     /* (element-type GodwitModel) */
  GodwitModel *nearest;
  GPtrArray   *differences;  /* (element-type GodwitEntityDifference) against nearest */
  GHashTable  *store_hashes; /* (element-type utf8 GBytes) */
};

G_DEFINE_FINAL_TYPE (GodwitVersionMatch, godwit_version_match, G_TYPE_OBJECT)

static void
entity_difference_free (gpointer data)
{
  GodwitEntityDifference *difference = data;

  g_free (difference->entity);
  g_ptr_array_unref (difference->details);
  g_free (difference);
}

static void
godwit_version_match_finalize (GObject *object)
{
  GodwitVersionMatch *self = (GodwitVersionMatch *) object;

  g_clear_pointer (&self->matching, g_ptr_array_unref);
  g_clear_object (&self->nearest);
  g_clear_pointer (&self->differences, g_ptr_array_unref);
  g_clear_pointer (&self->store_hashes, g_hash_table_unref);

  G_OBJECT_CLASS (godwit_version_match_parent_class)->finalize (object);
}

static void
godwit_version_match_class_init (GodwitVersionMatchClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_version_match_finalize;
}

static void
godwit_version_match_init (GodwitVersionMatch *self)
{
  self->matching = g_ptr_array_new_with_free_func (g_object_unref);
  self->differences = g_ptr_array_new_with_free_func (entity_difference_free);
}

const char *
godwit_entity_match_state_to_string (GodwitEntityMatchState state)
{
  switch (state)
    {
    case GODWIT_ENTITY_MATCH_EQUAL:
      return "equal";
    case GODWIT_ENTITY_MATCH_HASH_DIFFERS:
      return "hash-differs";
    case GODWIT_ENTITY_MATCH_ONLY_IN_STORE:
      return "only-in-store";
    case GODWIT_ENTITY_MATCH_ONLY_IN_MODEL:
      return "only-in-model";
    default:
      return NULL;
    }
}

static gboolean
entity_hash_equal (GodwitEntity *entity,
                   GBytes       *store_hash)
{
  gsize size = 0;
  const guint8 *data = g_bytes_get_data (store_hash, &size);

  return size == GODWIT_VERSION_HASH_LENGTH &&
         memcmp (data, entity->version_hash, GODWIT_VERSION_HASH_LENGTH) == 0;
}

guint
godwit_version_match_count_equal_entities (GodwitVersionMatch *self,
                                           GodwitModel        *version)
{
  GPtrArray *entities;
  guint equal = 0;

  g_return_val_if_fail (GODWIT_IS_VERSION_MATCH (self), 0);
  g_return_val_if_fail (GODWIT_IS_MODEL (version), 0);

  entities = godwit_model_get_entities (version);
  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      GBytes *hash = g_hash_table_lookup (self->store_hashes, entity->name);

      if (hash != NULL && entity_hash_equal (entity, hash))
        equal++;
    }

  return equal;
}

static guint
count_differences (GodwitVersionMatch *self,
                   GodwitModel        *version)
{
  guint entities = godwit_model_get_entities (version)->len;
  guint equal = godwit_version_match_count_equal_entities (self, version);
  guint stored = g_hash_table_size (self->store_hashes);

  /* Every entity on either side that is not equal counts once. */
  return (entities - equal) + (stored - MIN (stored, equal));
}

static gboolean
is_relationship (const GodwitProperty *property)
{
  return property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP;
}

/* The fields Core Data's property hash covers, in words. Where a flag
 * differs its two values are known, so each way round is one sentence. */
static void
describe_property_change (GPtrArray            *details,
                          const char           *entity,
                          const GodwitProperty *stored,
                          const GodwitProperty *current)
{
  const char *name = current->name;

  if (is_relationship (stored) != is_relationship (current))
    g_ptr_array_add (details, g_strdup_printf (is_relationship (stored)
                                               ? _("%s.%s: is a relationship in the store, a attribute in the model")
                                               : _("%s.%s: is a attribute in the store, a relationship in the model"),
                                               entity, name));
  if (stored->optional != current->optional)
    g_ptr_array_add (details, g_strdup_printf (stored->optional
                                               ? _("%s.%s: optional yes in the store, no in the model")
                                               : _("%s.%s: optional no in the store, yes in the model"),
                                               entity, name));
  if (stored->read_only != current->read_only)
    g_ptr_array_add (details, g_strdup_printf (stored->read_only
                                               ? _("%s.%s: read-only yes in the store, no in the model")
                                               : _("%s.%s: read-only no in the store, yes in the model"),
                                               entity, name));
  if (g_strcmp0 (stored->version_hash_modifier, current->version_hash_modifier) != 0)
    g_ptr_array_add (details, g_strdup_printf (_("%s.%s: version hash modifier “%s” in the store, "
                                                 "“%s” in the model"),
                                               entity, name,
                                               stored->version_hash_modifier ? stored->version_hash_modifier : "",
                                               current->version_hash_modifier ? current->version_hash_modifier : ""));

  if (stored->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE && current->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    {
      if (stored->attribute_type != current->attribute_type)
        g_ptr_array_add (details, g_strdup_printf (_("%s.%s: type %s in the store, %s in the model"),
                                                   entity, name,
                                                   godwit_attribute_type_to_string (stored->attribute_type),
                                                   godwit_attribute_type_to_string (current->attribute_type)));
      if (stored->allows_external_binary_data_storage != current->allows_external_binary_data_storage)
        g_ptr_array_add (details, g_strdup_printf (stored->allows_external_binary_data_storage
                                                   ? _("%s.%s: external storage yes in the store, no in the model")
                                                   : _("%s.%s: external storage no in the store, yes in the model"),
                                                   entity, name));
      if (stored->preserves_value_in_history_on_deletion != current->preserves_value_in_history_on_deletion)
        g_ptr_array_add (details,
                         g_strdup_printf (stored->preserves_value_in_history_on_deletion
                                          ? _("%s.%s: preserved after deletion yes in the store, no in the model")
                                          : _("%s.%s: preserved after deletion no in the store, yes in the model"),
                                          entity, name));
    }
  else if (stored->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && current->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
    {
      if (g_strcmp0 (stored->destination_entity, current->destination_entity) != 0)
        g_ptr_array_add (details, g_strdup_printf (_("%s.%s: destination %s in the store, %s in the model"),
                                                   entity, name, stored->destination_entity,
                                                   current->destination_entity));
      if (g_strcmp0 (stored->inverse_name, current->inverse_name) != 0)
        g_ptr_array_add (details, g_strdup_printf (_("%s.%s: inverse “%s” in the store, “%s” in the model"),
                                                   entity, name,
                                                   stored->inverse_name ? stored->inverse_name : "",
                                                   current->inverse_name ? current->inverse_name : ""));
      if (stored->min_count != current->min_count || stored->max_count != current->max_count)
        g_ptr_array_add (details,
                         g_strdup_printf (_("%s.%s: count %d…%d in the store, %d…%d in the model (0 = unbounded)"),
                                          entity, name, stored->min_count, stored->max_count,
                                          current->min_count, current->max_count));
      if (stored->ordered != current->ordered)
        g_ptr_array_add (details, g_strdup_printf (stored->ordered
                                                   ? _("%s.%s: ordered yes in the store, no in the model")
                                                   : _("%s.%s: ordered no in the store, yes in the model"),
                                                   entity, name));
    }
}

static gboolean
same_constraints (GodwitEntity *a,
                  GodwitEntity *b)
{
  if (a->uniqueness_constraints->len != b->uniqueness_constraints->len)
    return FALSE;

  for (guint i = 0; i < a->uniqueness_constraints->len; i++)
    if (!g_strv_equal (g_ptr_array_index (a->uniqueness_constraints, i),
                       g_ptr_array_index (b->uniqueness_constraints, i)))
      return FALSE;

  return TRUE;
}

static void
describe_entity_change (GPtrArray    *details,
                        GodwitEntity *stored,
                        GodwitEntity *current)
{
  g_autoptr(GPtrArray) stored_properties = godwit_entity_dup_all_properties (stored);
  g_autoptr(GPtrArray) current_properties = godwit_entity_dup_all_properties (current);
  guint before = details->len;

  if (stored->abstract != current->abstract)
    g_ptr_array_add (details, g_strdup_printf (stored->abstract
                                               ? _("%s: abstract yes in the store, no in the model")
                                               : _("%s: abstract no in the store, yes in the model"),
                                               current->name));
  if (g_strcmp0 (stored->parent_name, current->parent_name) != 0)
    g_ptr_array_add (details, g_strdup_printf (_("%s: parent entity “%s” in the store, “%s” in the model"),
                                               current->name, stored->parent_name ? stored->parent_name : "",
                                               current->parent_name ? current->parent_name : ""));
  if (g_strcmp0 (stored->version_hash_modifier, current->version_hash_modifier) != 0)
    g_ptr_array_add (details, g_strdup_printf (_("%s: version hash modifier differs"), current->name));
  if (!same_constraints (stored, current))
    g_ptr_array_add (details, g_strdup_printf (_("%s: uniqueness constraints differ"), current->name));

  for (guint i = 0; i < stored_properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (stored_properties, i);
      GodwitProperty *other = godwit_entity_find_property (current, property->name);

      if (!godwit_property_is_stored (property))
        continue;

      if (other == NULL || !godwit_property_is_stored (other))
        g_ptr_array_add (details, g_strdup_printf (is_relationship (property)
                                                   ? _("%s.%s: relationship in the store, not in the model")
                                                   : _("%s.%s: attribute in the store, not in the model"),
                                                   current->name, property->name));
      else
        describe_property_change (details, current->name, property, other);
    }

  for (guint i = 0; i < current_properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (current_properties, i);
      GodwitProperty *other = godwit_entity_find_property (stored, property->name);

      if (godwit_property_is_stored (property) && (other == NULL || !godwit_property_is_stored (other)))
        g_ptr_array_add (details, g_strdup_printf (is_relationship (property)
                                                   ? _("%s.%s: relationship in the model, not in the store")
                                                   : _("%s.%s: attribute in the model, not in the store"),
                                                   current->name, property->name));
    }

  /* The hash covers the inherited parent's hash too: a change up the
   * hierarchy shows here without a property of this entity changing. */
  if (details->len == before)
    g_ptr_array_add (details, g_strdup_printf (current->parent != NULL
                                               ? _("%s: version hash differs (its parent entity changed)")
                                               : _("%s: version hash differs (no detail: the store has no cached "
                                                   "model for it)"),
                                               current->name));
}

static int
compare_differences (gconstpointer a,
                     gconstpointer b)
{
  const GodwitEntityDifference *da = *(const GodwitEntityDifference * const *) a;
  const GodwitEntityDifference *db = *(const GodwitEntityDifference * const *) b;

  return strcmp (da->entity, db->entity);
}

static void
compute_differences (GodwitVersionMatch *self,
                     GodwitModel        *store_model)
{
  GPtrArray *entities = godwit_model_get_entities (self->nearest);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      GBytes *hash = g_hash_table_lookup (self->store_hashes, entity->name);
      GodwitEntityDifference *difference = g_new0 (GodwitEntityDifference, 1);

      difference->entity = g_strdup (entity->name);
      difference->details = g_ptr_array_new_with_free_func (g_free);

      if (hash == NULL)
        {
          difference->state = GODWIT_ENTITY_MATCH_ONLY_IN_MODEL;
          g_ptr_array_add (difference->details,
                           g_strdup_printf (_("%s: in version “%s”, not in the store"), entity->name,
                                            godwit_model_get_version_name (self->nearest)));
        }
      else if (entity_hash_equal (entity, hash))
        difference->state = GODWIT_ENTITY_MATCH_EQUAL;
      else
        {
          GodwitEntity *stored = store_model != NULL ? godwit_model_get_entity (store_model, entity->name) : NULL;

          difference->state = GODWIT_ENTITY_MATCH_HASH_DIFFERS;
          if (stored != NULL)
            describe_entity_change (difference->details, stored, entity);
          else
            g_ptr_array_add (difference->details,
                             g_strdup_printf (_("%s: version hash differs (the store has no cached model to say why)"),
                                              entity->name));
        }

      g_ptr_array_add (self->differences, difference);
    }

  g_hash_table_iter_init (&iter, self->store_hashes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      GodwitEntityDifference *difference;

      if (godwit_model_get_entity (self->nearest, key) != NULL)
        continue;

      difference = g_new0 (GodwitEntityDifference, 1);
      difference->entity = g_strdup (key);
      difference->state = GODWIT_ENTITY_MATCH_ONLY_IN_STORE;
      difference->details = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (difference->details,
                       g_strdup_printf (_("%s: in the store, not in version “%s”"), (const char *) key,
                                        godwit_model_get_version_name (self->nearest)));
      g_ptr_array_add (self->differences, difference);
    }

  g_ptr_array_sort (self->differences, compare_differences);
}

/**
 * godwit_version_match_new:
 * @store_hashes: (element-type utf8 GBytes): the store's NSStoreModelVersionHashes
 * @store_model: (nullable): the store's cached model, to explain differences
 * @bundle: the versions to match against
 */
GodwitVersionMatch *
godwit_version_match_new (GHashTable        *store_hashes,
                          GodwitModel       *store_model,
                          GodwitModelBundle *bundle)
{
  GodwitVersionMatch *self;
  guint best_equal = 0;
  guint best_differences = G_MAXUINT;

  g_return_val_if_fail (store_hashes != NULL, NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (bundle), NULL);

  self = g_object_new (GODWIT_TYPE_VERSION_MATCH, NULL);
  self->store_hashes = g_hash_table_ref (store_hashes);

  for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
    {
      GodwitModel *version = godwit_model_bundle_get_version (bundle, i);
      guint equal = godwit_version_match_count_equal_entities (self, version);
      guint differences = count_differences (self, version);

      if (differences == 0)
        g_ptr_array_add (self->matching, g_object_ref (version));

      /* Later versions win ties: versions are in order, current last. */
      if (equal > best_equal || (equal == best_equal && differences <= best_differences))
        {
          best_equal = equal;
          best_differences = differences;
          g_set_object (&self->nearest, version);
        }
    }

  if (self->matching->len > 0)
    g_set_object (&self->nearest, g_ptr_array_index (self->matching, self->matching->len - 1));

  if (self->nearest != NULL)
    compute_differences (self, store_model);

  return self;
}

/**
 * godwit_version_match_get_matched_version:
 *
 * Returns: (transfer none) (nullable): the version the store matches (the
 *   latest, should several versions hash alike), or %NULL.
 */
GodwitModel *
godwit_version_match_get_matched_version (GodwitVersionMatch *self)
{
  g_return_val_if_fail (GODWIT_IS_VERSION_MATCH (self), NULL);

  if (self->matching->len == 0)
    return NULL;

  return g_ptr_array_index (self->matching, self->matching->len - 1);
}

/**
 * godwit_version_match_get_matching_versions:
 *
 * Returns: (transfer none) (element-type GodwitModel): every version whose
 *   hashes all equal the store's, in version order.
 */
GPtrArray *
godwit_version_match_get_matching_versions (GodwitVersionMatch *self)
{
  g_return_val_if_fail (GODWIT_IS_VERSION_MATCH (self), NULL);

  return self->matching;
}

/**
 * godwit_version_match_get_nearest_version:
 *
 * Returns: (transfer none) (nullable): the matched version, or else the one
 *   with the most equal entities; %NULL only for a bundle with no versions.
 */
GodwitModel *
godwit_version_match_get_nearest_version (GodwitVersionMatch *self)
{
  g_return_val_if_fail (GODWIT_IS_VERSION_MATCH (self), NULL);

  return self->nearest;
}

/**
 * godwit_version_match_get_differences:
 *
 * Returns: (transfer none) (element-type GodwitEntityDifference): every
 *   entity of the nearest version and of the store, with its state and,
 *   for those that differ, what differs.
 */
GPtrArray *
godwit_version_match_get_differences (GodwitVersionMatch *self)
{
  g_return_val_if_fail (GODWIT_IS_VERSION_MATCH (self), NULL);

  return self->differences;
}
