/* godwit-model-diff.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What changes between two model versions, entity by entity and property
 * by property, and whether Core Data's lightweight (inferred) migration
 * rules cover each change. Items are matched by renaming identifier or
 * name; properties are compared as each entity sees them (own and
 * inherited), so moving one up or down the hierarchy is no removal. Only
 * stored properties count: transient ones have nothing to migrate.
 */

#define G_LOG_DOMAIN "godwit-model-diff"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-model-diff.h"

#define NO_MATCH G_MAXUINT

struct _GodwitModelDiff
{
  GObject      parent_instance;

  GodwitModel *source;
  GodwitModel *destination;
  GPtrArray   *entity_changes;        /* (element-type GodwitEntityChange) */
  GHashTable  *by_source_name;        /* (element-type utf8 GodwitEntityChange) (unowned) */
  GHashTable  *by_destination_name;   /* (element-type utf8 GodwitEntityChange) (unowned) */
  GHashTable  *counterparts;          /* (element-type GodwitEntity GodwitEntity) matched pairs */
  GPtrArray   *blockers;              /* (element-type utf8) */
};

G_DEFINE_FINAL_TYPE (GodwitModelDiff, godwit_model_diff, G_TYPE_OBJECT)

/* Entities and properties both carry a name and a renaming identifier:
 * one matcher serves both through the fields' offsets. */
typedef struct
{
  goffset name;
  goffset renaming_identifier;
} IdentityFields;

static const IdentityFields entity_fields = {
  G_STRUCT_OFFSET (GodwitEntity, name),
  G_STRUCT_OFFSET (GodwitEntity, renaming_identifier),
};

static const IdentityFields property_fields = {
  G_STRUCT_OFFSET (GodwitProperty, name),
  G_STRUCT_OFFSET (GodwitProperty, renaming_identifier),
};

static void
property_change_free (gpointer data)
{
  GodwitPropertyChange *change = data;

  g_free (change->explanation);
  g_free (change->blocker);
  g_free (change);
}

static void
entity_change_free (gpointer data)
{
  GodwitEntityChange *change = data;

  g_ptr_array_unref (change->properties);
  g_free (change->explanation);
  g_free (change->blocker);
  g_free (change);
}

static void
godwit_model_diff_finalize (GObject *object)
{
  GodwitModelDiff *self = (GodwitModelDiff *) object;

  g_clear_object (&self->source);
  g_clear_object (&self->destination);
  g_clear_pointer (&self->by_source_name, g_hash_table_unref);
  g_clear_pointer (&self->by_destination_name, g_hash_table_unref);
  g_clear_pointer (&self->counterparts, g_hash_table_unref);
  g_clear_pointer (&self->entity_changes, g_ptr_array_unref);
  g_clear_pointer (&self->blockers, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_model_diff_parent_class)->finalize (object);
}

static void
godwit_model_diff_class_init (GodwitModelDiffClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_model_diff_finalize;
}

static void
godwit_model_diff_init (GodwitModelDiff *self)
{
  self->entity_changes = g_ptr_array_new_with_free_func (entity_change_free);
  self->by_source_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->by_destination_name = g_hash_table_new (g_str_hash, g_str_equal);
  self->counterparts = g_hash_table_new (NULL, NULL);
  self->blockers = g_ptr_array_new_with_free_func (g_free);
}

const char *
godwit_change_kind_to_string (GodwitChangeKind kind)
{
  switch (kind)
    {
    case GODWIT_CHANGE_UNCHANGED:
      return "unchanged";
    case GODWIT_CHANGE_ADDED:
      return "added";
    case GODWIT_CHANGE_REMOVED:
      return "removed";
    case GODWIT_CHANGE_RENAMED:
      return "renamed";
    case GODWIT_CHANGE_MODIFIED:
      return "modified";
    default:
      return NULL;
    }
}

static const char *
item_name (gconstpointer         item,
           const IdentityFields *fields)
{
  return G_STRUCT_MEMBER (const char *, item, fields->name);
}

/* An empty renaming identifier is none at all. */
static const char *
item_renaming_identifier (gconstpointer         item,
                          const IdentityFields *fields)
{
  const char *identifier = G_STRUCT_MEMBER (const char *, item, fields->renaming_identifier);

  return identifier != NULL && identifier[0] != '\0' ? identifier : NULL;
}

/* The matching rule for one pair: the destination's renaming identifier
 * names the source (its name, or the canonical identity both carry), or,
 * with no renaming identifier, the names are equal. */
static gboolean
items_match (gconstpointer         source,
             gconstpointer         destination,
             const IdentityFields *fields)
{
  const char *identifier = item_renaming_identifier (destination, fields);
  const char *source_identifier = item_renaming_identifier (source, fields);

  if (identifier == NULL)
    return strcmp (item_name (destination, fields), item_name (source, fields)) == 0;

  return strcmp (identifier, item_name (source, fields)) == 0 ||
         g_strcmp0 (identifier, source_identifier) == 0;
}

static void
index_first (GHashTable *table,
             const char *key,
             guint       index)
{
  if (key != NULL && !g_hash_table_contains (table, key))
    g_hash_table_insert (table, (gpointer) key, GUINT_TO_POINTER (index + 1));
}

static guint
lookup_index (GHashTable *table,
              const char *key)
{
  gpointer value = key != NULL ? g_hash_table_lookup (table, key) : NULL;

  return value != NULL ? GPOINTER_TO_UINT (value) - 1 : NO_MATCH;
}

/* For each destination item, the index of its source item or NO_MATCH.
 * Each source item matches at most one destination item. Explicit renaming
 * identifiers are served first, most specific rule first: the same item
 * (same name and identifier), then the identifier naming a source item,
 * then the identifier equal to a source item's own; plain names last. */
static guint *
match_items (GPtrArray            *sources,
             GPtrArray            *destinations,
             const IdentityFields *fields)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_identifier = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree gboolean *taken = g_new0 (gboolean, sources->len + 1);
  guint *matches = g_new (guint, destinations->len + 1);

  for (guint i = 0; i < sources->len; i++)
    {
      gconstpointer item = g_ptr_array_index (sources, i);

      index_first (by_name, item_name (item, fields), i);
      index_first (by_identifier, item_renaming_identifier (item, fields), i);
    }

  for (guint i = 0; i < destinations->len; i++)
    matches[i] = NO_MATCH;

  for (guint pass = 0; pass < 4; pass++)
    for (guint i = 0; i < destinations->len; i++)
      {
        gconstpointer item = g_ptr_array_index (destinations, i);
        const char *name = item_name (item, fields);
        const char *identifier = item_renaming_identifier (item, fields);
        guint found = NO_MATCH;

        if (matches[i] != NO_MATCH || (pass < 3) != (identifier != NULL))
          continue;

        switch (pass)
          {
          case 0:
            found = lookup_index (by_name, name);
            if (found != NO_MATCH &&
                g_strcmp0 (item_renaming_identifier (g_ptr_array_index (sources, found), fields),
                           identifier) != 0)
              found = NO_MATCH;
            break;
          case 1:
            found = lookup_index (by_name, identifier);
            break;
          case 2:
            found = lookup_index (by_identifier, identifier);
            break;
          default:
            found = lookup_index (by_name, name);
            break;
          }

        if (found != NO_MATCH && !taken[found])
          {
            matches[i] = found;
            taken[found] = TRUE;
          }
      }

  return matches;
}

/* Words */

static char *
dup_delete_rule_name (GodwitDeleteRule rule)
{
  const char *name = godwit_delete_rule_to_string (rule);

  return name != NULL ? g_strdup (name) : g_strdup_printf (_("rule number %d"), (int) rule);
}

static char *
dup_quoted (const char *value)
{
  /* Translators: a missing value, e.g. in “default value changes from none to “0”” */
  return value != NULL ? g_strdup_printf ("“%s”", value) : g_strdup (_("none"));
}

static char *
dup_count_range (const GodwitProperty *property)
{
  if (property->max_count == 0)
    return g_strdup_printf (_("%d…unbounded"), property->min_count);

  return g_strdup_printf ("%d…%d", property->min_count, property->max_count);
}

/* What an added property is, e.g. "non-optional Boolean attribute, default “NO”";
 * each combination is one phrase, for the adjectives to agree in translation. */
static char *
dup_property_summary (const GodwitProperty *property)
{
  const char *destination = property->destination_entity;

  if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && property->to_many && property->ordered)
    return g_strdup_printf (property->optional ? _("optional to-many ordered relationship to %s")
                                               : _("non-optional to-many ordered relationship to %s"),
                            destination);

  if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && property->to_many)
    return g_strdup_printf (property->optional ? _("optional to-many relationship to %s")
                                               : _("non-optional to-many relationship to %s"),
                            destination);

  if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && property->ordered)
    return g_strdup_printf (property->optional ? _("optional to-one ordered relationship to %s")
                                               : _("non-optional to-one ordered relationship to %s"),
                            destination);

  if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
    return g_strdup_printf (property->optional ? _("optional to-one relationship to %s")
                                               : _("non-optional to-one relationship to %s"),
                            destination);

  if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    {
      g_autofree char *type = godwit_attribute_type_dup_name (property->attribute_type);

      if (property->default_value != NULL)
        /* Translators: an attribute type such as “String”, then the default value */
        return g_strdup_printf (property->optional ? _("optional %s attribute, default “%s”")
                                                   : _("non-optional %s attribute, default “%s”"),
                                type, property->default_value);

      /* Translators: an attribute type such as “String” */
      return g_strdup_printf (property->optional ? _("optional %s attribute") : _("non-optional %s attribute"),
                              type);
    }

  return g_strdup (_("fetched property"));
}

static char *
dup_join (GPtrArray  *parts,
          const char *separator)
{
  GString *joined = g_string_new (NULL);

  for (guint i = 0; i < parts->len; i++)
    {
      if (i > 0)
        g_string_append (joined, separator);
      g_string_append (joined, g_ptr_array_index (parts, i));
    }

  return g_string_free (joined, FALSE);
}

static void
add_clause (GPtrArray  *clauses,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
add_clause (GPtrArray  *clauses,
            const char *format,
            ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (clauses, g_strdup_vprintf (format, args));
  va_end (args);
}

/* Properties */

/* A value each stored object must have, that the migration cannot supply:
 * a non-optional attribute without a default value, or a non-optional
 * to-one relationship (relationships have no default). */
static gboolean
requires_value (const GodwitProperty *property)
{
  if (property->optional)
    return FALSE;

  if (property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    return property->default_value == NULL;

  return property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && !property->to_many;
}

static void
set_blocker (GodwitPropertyChange *change,
             const char           *format,
             ...) G_GNUC_PRINTF (2, 3);

/* Several obstacles of one property are joined into one sentence. */
static void
set_blocker (GodwitPropertyChange *change,
             const char           *format,
             ...)
{
  g_autofree char *blocker = NULL;
  va_list args;

  va_start (args, format);
  blocker = g_strdup_vprintf (format, args);
  va_end (args);

  change->inferable = FALSE;
  if (change->blocker == NULL)
    change->blocker = g_steal_pointer (&blocker);
  else
    {
      char *joined = g_strconcat (change->blocker, "; ", blocker, NULL);

      g_free (change->blocker);
      change->blocker = joined;
    }
}

/* How a property comes to need a value in every stored object. */
typedef enum
{
  NEEDS_VALUE_ADDED,
  NEEDS_VALUE_NON_OPTIONAL,
  NEEDS_VALUE_STORED,
} NeedsValueReason;

/* @name: the property's name as the store knows it, or as added. */
static void
set_needs_value (GodwitPropertyChange *change,
                 const char           *entity,
                 const char           *name,
                 NeedsValueReason      reason)
{
  gboolean relationship = change->destination->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP;

  change->needs_value = TRUE;
  switch (reason)
    {
    case NEEDS_VALUE_ADDED:
      set_blocker (change, relationship
                   ? _("%s.%s is added as non-optional: a to-one relationship has no default value to fill it")
                   /* Translators: one sentence, without “; ”, which joins a property's obstacles */
                   : _("%s.%s is added as non-optional without a default value"),
                   entity, name);
      break;

    case NEEDS_VALUE_NON_OPTIONAL:
      set_blocker (change, relationship
                   ? _("%s.%s becomes non-optional: a to-one relationship has no default value to fill it")
                   /* Translators: one sentence, without “; ”, which joins a property's obstacles */
                   : _("%s.%s becomes non-optional without a default value"),
                   entity, name);
      break;

    case NEEDS_VALUE_STORED:
    default:
      set_blocker (change, relationship
                   ? _("%s.%s becomes stored as non-optional: a to-one relationship has no default value "
                       "to fill it")
                   /* Translators: one sentence, without “; ”, which joins a property's obstacles */
                   : _("%s.%s becomes stored as non-optional without a default value"),
                   entity, name);
      break;
    }
}

static GodwitPropertyChange *
property_change_new (GodwitChangeKind  kind,
                     GodwitProperty   *source,
                     GodwitProperty   *destination)
{
  GodwitPropertyChange *change = g_new0 (GodwitPropertyChange, 1);

  change->kind = kind;
  change->source = source;
  change->destination = destination;
  change->inferable = TRUE;

  return change;
}

/* @entity_existed: whether stored objects of the entity can exist, so that
 * a value they all need has to come from somewhere. */
static GodwitPropertyChange *
added_property_change (const char     *entity,
                       GodwitProperty *property,
                       gboolean        entity_existed)
{
  GodwitPropertyChange *change = property_change_new (GODWIT_CHANGE_ADDED, NULL, property);
  g_autofree char *summary = dup_property_summary (property);

  /* Translators: entity.property is added (what it is, e.g. “optional String attribute”) */
  change->explanation = g_strdup_printf (_("%s.%s is added (%s)"), entity, property->name, summary);
  if (entity_existed && requires_value (property))
    set_needs_value (change, entity, property->name, NEEDS_VALUE_ADDED);

  return change;
}

static GodwitPropertyChange *
removed_property_change (const char     *entity,
                         GodwitProperty *property)
{
  GodwitPropertyChange *change = property_change_new (GODWIT_CHANGE_REMOVED, property, NULL);
  g_autofree char *summary = dup_property_summary (property);

  /* Translators: entity.property is removed (what it was, e.g. “optional String attribute”) */
  change->explanation = g_strdup_printf (_("%s.%s is removed (%s): its stored values are dropped"),
                                         entity, property->name, summary);

  return change;
}

/* Whether @destination's inverse is the counterpart of @source's. */
static gboolean
same_inverse (GodwitModelDiff      *self,
              const GodwitProperty *source,
              const GodwitProperty *destination)
{
  GodwitEntity *source_target = godwit_model_get_entity (self->source, source->destination_entity);
  GodwitEntity *target = godwit_model_get_entity (self->destination,
                                                  destination->destination_entity);
  GodwitProperty *source_inverse = NULL;
  GodwitProperty *inverse = NULL;

  if (source_target != NULL && source->inverse_name != NULL)
    source_inverse = godwit_entity_find_property (source_target, source->inverse_name);
  if (target != NULL && destination->inverse_name != NULL)
    inverse = godwit_entity_find_property (target, destination->inverse_name);

  if (source_inverse == NULL || inverse == NULL)
    return source_inverse == inverse;

  return items_match (source_inverse, inverse, &property_fields);
}

static void
compare_attributes (GodwitPropertyChange *change,
                    const char           *entity,
                    GPtrArray            *clauses)
{
  const GodwitProperty *from = change->source;
  const GodwitProperty *to = change->destination;

  if (from->attribute_type != to->attribute_type)
    {
      g_autofree char *old_type = godwit_attribute_type_dup_name (from->attribute_type);
      g_autofree char *new_type = godwit_attribute_type_dup_name (to->attribute_type);

      change->changes |= GODWIT_PROPERTY_CHANGE_TYPE;
      add_clause (clauses, _("type changes from %s to %s"), old_type, new_type);
      /* Inferred mappings copy values as they are; converting them is a
       * custom step. */
      set_blocker (change, _("%s.%s changes type from %s to %s: needs a custom mapping"),
                   entity, from->name, old_type, new_type);
    }

  if (g_strcmp0 (from->default_value, to->default_value) != 0)
    {
      g_autofree char *old_value = dup_quoted (from->default_value);
      g_autofree char *new_value = dup_quoted (to->default_value);

      change->changes |= GODWIT_PROPERTY_CHANGE_DEFAULT_VALUE;
      add_clause (clauses, _("default value changes from %s to %s"), old_value, new_value);
    }

  if (g_strcmp0 (from->min_value, to->min_value) != 0 ||
      g_strcmp0 (from->max_value, to->max_value) != 0)
    {
      g_autofree char *old_min = dup_quoted (from->min_value);
      g_autofree char *old_max = dup_quoted (from->max_value);
      g_autofree char *new_min = dup_quoted (to->min_value);
      g_autofree char *new_max = dup_quoted (to->max_value);

      change->changes |= GODWIT_PROPERTY_CHANGE_VALIDATION;
      add_clause (clauses, _("minimum and maximum value change from %s and %s to %s and %s"),
                  old_min, old_max, new_min, new_max);
    }

  if (from->allows_external_binary_data_storage != to->allows_external_binary_data_storage)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_EXTERNAL_STORAGE;
      add_clause (clauses, "%s", to->allows_external_binary_data_storage
                                 ? _("allows external binary storage")
                                 : _("no longer allows external binary storage"));
    }

  if (from->preserves_value_in_history_on_deletion != to->preserves_value_in_history_on_deletion)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_PRESERVE_AFTER_DELETION;
      add_clause (clauses, "%s", to->preserves_value_in_history_on_deletion
                                 ? _("preserves its value in history after deletion")
                                 : _("no longer preserves its value in history after deletion"));
    }
}

static void
compare_relationships (GodwitModelDiff      *self,
                       GodwitPropertyChange *change,
                       const char           *entity,
                       GPtrArray            *clauses)
{
  const GodwitProperty *from = change->source;
  const GodwitProperty *to = change->destination;
  GodwitEntity *old_target = godwit_model_get_entity (self->source, from->destination_entity);
  GodwitEntity *new_target = godwit_model_get_entity (self->destination, to->destination_entity);

  if (new_target == NULL || old_target == NULL ||
      g_hash_table_lookup (self->counterparts, old_target) != new_target)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_DESTINATION;
      add_clause (clauses, _("destination changes from %s to %s"),
                  from->destination_entity, to->destination_entity);
      /* The stored links lead to objects that do not become objects of
       * the new destination. */
      set_blocker (change, _("%s.%s changes destination from %s to %s: needs a custom mapping"),
                   entity, from->name, from->destination_entity, to->destination_entity);
    }

  /* Inferred mappings fill each relationship from its source counterpart,
   * whatever its inverse: a new inverse is no obstacle. */
  if (!same_inverse (self, from, to))
    {
      g_autofree char *old_inverse = dup_quoted (from->inverse_name);
      g_autofree char *new_inverse = dup_quoted (to->inverse_name);

      change->changes |= GODWIT_PROPERTY_CHANGE_INVERSE;
      add_clause (clauses, _("inverse changes from %s to %s"), old_inverse, new_inverse);
    }

  /* Both ways are inferable; objects with several destinations cannot
   * keep them in a to-one, which the migration checks against the store. */
  if (from->to_many != to->to_many)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_TO_MANY;
      add_clause (clauses, "%s", to->to_many ? _("changes from to-one to to-many")
                                             : _("changes from to-many to to-one"));
    }

  if (from->ordered != to->ordered)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_ORDERED;
      add_clause (clauses, "%s", to->ordered ? _("changes from unordered to ordered")
                                             : _("changes from ordered to unordered"));
    }

  /* A to-one ↔ to-many change moves the maximum count by itself. */
  if (from->min_count != to->min_count ||
      (from->to_many == to->to_many && from->max_count != to->max_count))
    {
      g_autofree char *old_range = dup_count_range (from);
      g_autofree char *new_range = dup_count_range (to);

      change->changes |= GODWIT_PROPERTY_CHANGE_COUNT;
      add_clause (clauses, _("count changes from %s to %s"), old_range, new_range);
    }

  if (from->delete_rule != to->delete_rule)
    {
      g_autofree char *old_rule = dup_delete_rule_name (from->delete_rule);
      g_autofree char *new_rule = dup_delete_rule_name (to->delete_rule);

      change->changes |= GODWIT_PROPERTY_CHANGE_DELETE_RULE;
      add_clause (clauses, _("delete rule changes from %s to %s"), old_rule, new_rule);
    }
}

/* Both sides stored and of the same kind. */
static void
compare_stored (GodwitModelDiff      *self,
                GodwitPropertyChange *change,
                const char           *entity,
                GPtrArray            *clauses)
{
  const GodwitProperty *from = change->source;
  const GodwitProperty *to = change->destination;

  if (from->optional != to->optional)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_OPTIONAL;
      if (to->optional)
        add_clause (clauses, "%s", _("becomes optional"));
      else if (to->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE && to->default_value != NULL)
        add_clause (clauses, _("becomes non-optional with default value “%s”"), to->default_value);
      else
        add_clause (clauses, "%s", _("becomes non-optional"));

      if (requires_value (to))
        set_needs_value (change, entity, from->name, NEEDS_VALUE_NON_OPTIONAL);
    }

  if (from->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    compare_attributes (change, entity, clauses);
  else
    compare_relationships (self, change, entity, clauses);

  if (g_strcmp0 (from->version_hash_modifier, to->version_hash_modifier) != 0)
    {
      g_autofree char *old_modifier = dup_quoted (from->version_hash_modifier);
      g_autofree char *new_modifier = dup_quoted (to->version_hash_modifier);

      change->changes |= GODWIT_PROPERTY_CHANGE_VERSION_HASH_MODIFIER;
      add_clause (clauses, _("version hash modifier changes from %s to %s"),
                  old_modifier, new_modifier);
    }

  if (from->indexed != to->indexed)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_INDEXED;
      add_clause (clauses, "%s", to->indexed ? _("becomes indexed") : _("is no longer indexed"));
    }
}

/* Each pair of kinds is one sentence, for the articles to agree in
 * translation. */
static void
add_kind_change (GodwitPropertyChange *change,
                 const char           *entity,
                 GPtrArray            *clauses)
{
  GodwitPropertyKind from = change->source->kind;
  GodwitPropertyKind to = change->destination->kind;
  const char *name = change->source->name;

  if (from == GODWIT_PROPERTY_KIND_ATTRIBUTE && to == GODWIT_PROPERTY_KIND_RELATIONSHIP)
    {
      add_clause (clauses, "%s", _("changes from an attribute to a relationship"));
      set_blocker (change, _("%s.%s changes from an attribute to a relationship: needs a custom mapping"),
                   entity, name);
    }
  else if (from == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    {
      add_clause (clauses, "%s", _("changes from an attribute to a fetched property"));
      set_blocker (change, _("%s.%s changes from an attribute to a fetched property: needs a custom mapping"),
                   entity, name);
    }
  else if (from == GODWIT_PROPERTY_KIND_RELATIONSHIP && to == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    {
      add_clause (clauses, "%s", _("changes from a relationship to an attribute"));
      set_blocker (change, _("%s.%s changes from a relationship to an attribute: needs a custom mapping"),
                   entity, name);
    }
  else if (from == GODWIT_PROPERTY_KIND_RELATIONSHIP)
    {
      add_clause (clauses, "%s", _("changes from a relationship to a fetched property"));
      set_blocker (change, _("%s.%s changes from a relationship to a fetched property: needs a custom mapping"),
                   entity, name);
    }
  else if (to == GODWIT_PROPERTY_KIND_ATTRIBUTE)
    {
      add_clause (clauses, "%s", _("changes from a fetched property to an attribute"));
      set_blocker (change, _("%s.%s changes from a fetched property to an attribute: needs a custom mapping"),
                   entity, name);
    }
  else
    {
      add_clause (clauses, "%s", _("changes from a fetched property to a relationship"));
      set_blocker (change, _("%s.%s changes from a fetched property to a relationship: needs a custom mapping"),
                   entity, name);
    }
}

static GodwitPropertyChange *
matched_property_change (GodwitModelDiff *self,
                         const char      *entity,
                         GodwitProperty  *from,
                         GodwitProperty  *to)
{
  GodwitPropertyChange *change = property_change_new (GODWIT_CHANGE_UNCHANGED, from, to);
  g_autoptr(GPtrArray) clauses = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *subject = NULL;
  gboolean was_stored = godwit_property_is_stored (from);
  gboolean is_stored = godwit_property_is_stored (to);
  guint flag = from->kind == to->kind ? GODWIT_PROPERTY_CHANGE_TRANSIENT
                                      : GODWIT_PROPERTY_CHANGE_KIND;

  if (strcmp (from->name, to->name) != 0)
    change->changes |= GODWIT_PROPERTY_CHANGE_RENAMED;

  if (was_stored && !is_stored)
    {
      /* Dropping the stored values is what a removal does. */
      change->changes |= flag;
      add_clause (clauses, "%s", to->kind == GODWIT_PROPERTY_KIND_FETCHED
                                 ? _("becomes a fetched property: its stored values are dropped")
                                 : _("becomes transient: its stored values are dropped"));
    }
  else if (!was_stored && is_stored)
    {
      change->changes |= flag;
      add_clause (clauses, "%s", from->kind == GODWIT_PROPERTY_KIND_FETCHED
                                 ? _("was a fetched property and is stored from now on: "
                                     "existing objects start without a value")
                                 : _("was transient and is stored from now on: "
                                     "existing objects start without a value"));
      if (requires_value (to))
        set_needs_value (change, entity, from->name, NEEDS_VALUE_STORED);
    }
  else if (from->kind != to->kind)
    {
      change->changes |= GODWIT_PROPERTY_CHANGE_KIND;
      add_kind_change (change, entity, clauses);
    }
  else
    compare_stored (self, change, entity, clauses);

  if (change->changes & GODWIT_PROPERTY_CHANGE_RENAMED)
    {
      change->kind = GODWIT_CHANGE_RENAMED;
      subject = g_strdup_printf (_("%s.%s is renamed to %s (renaming identifier “%s”)"),
                                 entity, from->name, to->name,
                                 item_renaming_identifier (to, &property_fields));
    }
  else if (change->changes != GODWIT_PROPERTY_CHANGE_NONE)
    {
      change->kind = GODWIT_CHANGE_MODIFIED;
      subject = g_strdup_printf ("%s.%s", entity, from->name);
    }

  if (change->kind == GODWIT_CHANGE_UNCHANGED)
    change->explanation = g_strdup_printf (_("%s.%s is unchanged"), entity, from->name);
  else if (clauses->len == 0)
    change->explanation = g_steal_pointer (&subject);
  else
    {
      g_autofree char *details = dup_join (clauses, "; ");

      change->explanation = g_strdup_printf ("%s%s%s", subject,
                                             change->kind == GODWIT_CHANGE_RENAMED ? "; " : ": ",
                                             details);
    }

  return change;
}

static GPtrArray *
dup_stored_properties (GodwitEntity *entity)
{
  g_autoptr(GPtrArray) all = godwit_entity_dup_all_properties (entity);
  GPtrArray *stored = g_ptr_array_new ();

  for (guint i = 0; i < all->len; i++)
    if (godwit_property_is_stored (g_ptr_array_index (all, i)))
      g_ptr_array_add (stored, g_ptr_array_index (all, i));

  return stored;
}

/* Every stored property of either side, source order then added ones.
 * Transient ones take part in matching, so that a property turning
 * transient is not also counted as a removal. */
static void
compare_properties (GodwitModelDiff    *self,
                    GodwitEntityChange *change)
{
  g_autoptr(GPtrArray) sources = godwit_entity_dup_all_properties (change->source);
  g_autoptr(GPtrArray) destinations = godwit_entity_dup_all_properties (change->destination);
  g_autofree guint *matches = match_items (sources, destinations, &property_fields);
  g_autofree GodwitProperty **counterparts = g_new0 (GodwitProperty *, sources->len + 1);
  const char *entity = change->source->name;

  for (guint i = 0; i < destinations->len; i++)
    if (matches[i] != NO_MATCH)
      counterparts[matches[i]] = g_ptr_array_index (destinations, i);

  for (guint i = 0; i < sources->len; i++)
    {
      GodwitProperty *from = g_ptr_array_index (sources, i);
      GodwitProperty *to = counterparts[i];

      if (to != NULL && (godwit_property_is_stored (from) || godwit_property_is_stored (to)))
        g_ptr_array_add (change->properties, matched_property_change (self, entity, from, to));
      else if (to == NULL && godwit_property_is_stored (from))
        g_ptr_array_add (change->properties, removed_property_change (entity, from));
    }

  for (guint i = 0; i < destinations->len; i++)
    {
      GodwitProperty *to = g_ptr_array_index (destinations, i);

      if (matches[i] == NO_MATCH && godwit_property_is_stored (to))
        g_ptr_array_add (change->properties,
                         added_property_change (change->destination->name, to, TRUE));
    }
}

/* Entities */

static char *
dup_constraints_text (GodwitEntity *entity)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (entity->uniqueness_constraints->len == 0)
    return g_strdup (_("none"));

  for (guint i = 0; i < entity->uniqueness_constraints->len; i++)
    {
      GStrv constraint = g_ptr_array_index (entity->uniqueness_constraints, i);
      g_autofree char *joined = g_strjoinv (", ", constraint);

      g_ptr_array_add (parts, g_strdup_printf ("(%s)", joined));
    }

  return dup_join (parts, " ");
}

static char *
dup_fetch_indexes_text (GodwitEntity *entity)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);

  if (entity->fetch_indexes->len == 0)
    return g_strdup (_("none"));

  for (guint i = 0; i < entity->fetch_indexes->len; i++)
    {
      GodwitFetchIndex *index = g_ptr_array_index (entity->fetch_indexes, i);
      GString *text = g_string_new (index->name != NULL ? index->name : "");

      g_string_append_c (text, '(');
      for (guint j = 0; j < index->elements->len; j++)
        {
          GodwitFetchIndexElement *element = g_ptr_array_index (index->elements, j);

          g_string_append_printf (text, "%s%s %s %s", j > 0 ? ", " : "",
                                  element->property != NULL ? element->property : "",
                                  element->type != NULL ? element->type : "",
                                  element->ascending ? _("ascending") : _("descending"));
        }
      if (index->partial_index_predicate != NULL)
        g_string_append_printf (text, _(" where %s"), index->partial_index_predicate);
      g_string_append_c (text, ')');
      g_ptr_array_add (parts, g_string_free (text, FALSE));
    }

  return dup_join (parts, " ");
}

/* Entity-level changes of a matched pair, as clauses and blockers. */
static void
compare_entities (GodwitModelDiff    *self,
                  GodwitEntityChange *change,
                  GPtrArray          *clauses,
                  GPtrArray          *blockers)
{
  GodwitEntity *from = change->source;
  GodwitEntity *to = change->destination;
  g_autofree char *old_constraints = dup_constraints_text (from);
  g_autofree char *new_constraints = dup_constraints_text (to);
  g_autofree char *old_indexes = dup_fetch_indexes_text (from);
  g_autofree char *new_indexes = dup_fetch_indexes_text (to);

  change->hash_changed = memcmp (from->version_hash, to->version_hash,
                                 GODWIT_VERSION_HASH_LENGTH) != 0;
  change->parent_changed = from->parent == NULL
                           ? to->parent != NULL
                           : to->parent == NULL ||
                             g_hash_table_lookup (self->counterparts, from->parent) != to->parent;

  /* Moving in or out of a hierarchy is inferable; merging hierarchies is
   * checked across all entities by check_merged_hierarchies(). */
  if (change->parent_changed)
    add_clause (clauses, _("parent entity changes from %s to %s"),
                from->parent != NULL ? from->parent->name : _("none"),
                to->parent != NULL ? to->parent->name : _("none"));

  if (from->abstract != to->abstract)
    {
      add_clause (clauses, "%s", to->abstract ? _("becomes abstract") : _("is no longer abstract"));
      if (to->abstract)
        g_ptr_array_add (blockers,
                         g_strdup_printf (_("%s becomes abstract: its stored objects would belong "
                                            "to no concrete entity; needs a custom mapping"),
                                          from->name));
    }

  if (g_strcmp0 (from->version_hash_modifier, to->version_hash_modifier) != 0)
    {
      g_autofree char *old_modifier = dup_quoted (from->version_hash_modifier);
      g_autofree char *new_modifier = dup_quoted (to->version_hash_modifier);

      add_clause (clauses, _("version hash modifier changes from %s to %s"),
                  old_modifier, new_modifier);
    }

  if (strcmp (old_constraints, new_constraints) != 0)
    add_clause (clauses, _("uniqueness constraints change from %s to %s"),
                old_constraints, new_constraints);

  if (strcmp (old_indexes, new_indexes) != 0)
    add_clause (clauses, _("fetch indexes change from %s to %s"), old_indexes, new_indexes);
}

static GodwitEntity *
lookup_root (GHashTable   *roots,
             GodwitEntity *entity)
{
  GodwitEntity *root = g_hash_table_lookup (roots, entity);

  if (root == NULL)
    {
      root = godwit_entity_get_root (entity);
      g_hash_table_insert (roots, entity, root);
    }

  return root;
}

/* The nearest entity that both @a and @b are kinds of (the hierarchy is
 * acyclic: godwit_model_resolve() checked it). */
static GodwitEntity *
common_ancestor (GodwitEntity *a,
                 GodwitEntity *b)
{
  g_autoptr(GHashTable) ancestors = g_hash_table_new (NULL, NULL);

  for (GodwitEntity *e = b; e != NULL; e = e->parent)
    g_hash_table_add (ancestors, e);

  for (GodwitEntity *e = a; e != NULL; e = e->parent)
    if (g_hash_table_contains (ancestors, e))
      return e;

  return NULL;
}

/* Core Data cannot merge entity hierarchies: two existing entities without
 * a common ancestor in the source cannot share one in the destination.
 * Existing entities are grouped by their destination root; a group drawn
 * from more than one source root is a merge. Returns the blocker of each
 * entity change that joins a hierarchy it was not part of.
 */
static GHashTable *
check_merged_hierarchies (GodwitModelDiff *self)
{
  g_autoptr(GHashTable) source_roots = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) destination_roots = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) first_in_group = g_hash_table_new (NULL, NULL);
  g_autoptr(GHashTable) reported = g_hash_table_new (NULL, NULL);
  GHashTable *blockers = g_hash_table_new_full (NULL, NULL, NULL, g_free);

  for (guint i = 0; i < self->entity_changes->len; i++)
    {
      GodwitEntityChange *change = g_ptr_array_index (self->entity_changes, i);
      GodwitEntityChange *first;
      GodwitEntity *source_root;
      GodwitEntity *root;
      GodwitEntity *ancestor;

      if (change->source == NULL || change->destination == NULL)
        continue;

      source_root = lookup_root (source_roots, change->source);
      root = lookup_root (destination_roots, change->destination);
      first = g_hash_table_lookup (first_in_group, root);
      if (first == NULL)
        {
          g_hash_table_insert (first_in_group, root, change);
          continue;
        }

      /* One blocker per source hierarchy joining a group, not one per
       * entity of it. */
      if (lookup_root (source_roots, first->source) == source_root ||
          g_hash_table_lookup (reported, source_root) == root)
        continue;
      g_hash_table_insert (reported, source_root, root);

      /* Same destination root: there is a common ancestor. */
      ancestor = common_ancestor (first->destination, change->destination);
      g_hash_table_insert (blockers, change,
                           g_strdup_printf (_("%s and %s have no common ancestor entity in the "
                                              "source but share the hierarchy of %s in the "
                                              "destination: merging entity hierarchies cannot "
                                              "be inferred"),
                                            first->source->name, change->source->name,
                                            ancestor->name));
    }

  return blockers;
}

static char *
dup_property_summary_clause (const GodwitPropertyChange *change)
{
  switch (change->kind)
    {
    case GODWIT_CHANGE_ADDED:
      return g_strdup_printf (_("%s added"), change->destination->name);
    case GODWIT_CHANGE_REMOVED:
      return g_strdup_printf (_("%s removed"), change->source->name);
    case GODWIT_CHANGE_RENAMED:
      return g_strdup_printf ((change->changes & ~GODWIT_PROPERTY_CHANGE_RENAMED) != 0
                              ? _("%s renamed to %s and modified") : _("%s renamed to %s"),
                              change->source->name, change->destination->name);
    case GODWIT_CHANGE_MODIFIED:
      return g_strdup_printf (_("%s modified"), change->source->name);
    case GODWIT_CHANGE_UNCHANGED:
    default:
      return NULL;
    }
}

static void
describe_hash_change (GodwitEntityChange *change,
                      GPtrArray          *clauses)
{
  if (strcmp (change->source->name, change->destination->name) != 0)
    return;

  for (guint i = 0; i < change->properties->len; i++)
    {
      GodwitPropertyChange *property = g_ptr_array_index (change->properties, i);
      const GodwitProperty *from = property->source;
      const GodwitProperty *to = property->destination;

      if (property->kind != GODWIT_CHANGE_UNCHANGED ||
          from->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP)
        continue;

      if (g_strcmp0 (from->destination_entity, to->destination_entity) != 0)
        add_clause (clauses, _("the destination of %s is renamed from %s to %s"),
                    from->name, from->destination_entity, to->destination_entity);
      if (g_strcmp0 (from->inverse_name, to->inverse_name) != 0)
        add_clause (clauses, _("the inverse of %s is renamed from %s to %s"),
                    from->name, from->inverse_name, to->inverse_name);
    }

  if (clauses->len == 0)
    add_clause (clauses, "%s", change->source->parent != NULL
                               ? _("version hash changes with its parent entity’s")
                               : _("version hash changes"));
}

/* Kind, explanation, inferability and blockers of a matched entity. */
static void
describe_matched_entity (GodwitModelDiff    *self,
                         GodwitEntityChange *change,
                         const char         *merge_blocker)
{
  g_autoptr(GPtrArray) clauses = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) blockers = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *subject = NULL;
  gboolean properties_changed = FALSE;

  compare_properties (self, change);
  compare_entities (self, change, clauses, blockers);
  if (merge_blocker != NULL)
    g_ptr_array_add (blockers, g_strdup (merge_blocker));

  for (guint i = 0; i < change->properties->len; i++)
    {
      GodwitPropertyChange *property = g_ptr_array_index (change->properties, i);
      char *clause = dup_property_summary_clause (property);

      if (clause != NULL)
        {
          g_ptr_array_add (clauses, clause);
          properties_changed = TRUE;
        }
      if (property->blocker != NULL)
        g_ptr_array_add (blockers, g_strdup (property->blocker));
    }

  /* A relationship's hash names its destination and inverse, and an
   * entity's hash includes its parent's: renames elsewhere and changes up
   * the hierarchy change this hash with nothing of its own. */
  if (change->hash_changed && clauses->len == 0)
    describe_hash_change (change, clauses);

  if (strcmp (change->source->name, change->destination->name) != 0)
    {
      change->kind = GODWIT_CHANGE_RENAMED;
      subject = g_strdup_printf (_("%s is renamed to %s (renaming identifier “%s”)"),
                                 change->source->name, change->destination->name,
                                 item_renaming_identifier (change->destination, &entity_fields));
    }
  else if (clauses->len > 0 || properties_changed || change->parent_changed || change->hash_changed)
    {
      change->kind = GODWIT_CHANGE_MODIFIED;
      subject = g_strdup (change->source->name);
    }
  else
    change->kind = GODWIT_CHANGE_UNCHANGED;

  if (change->kind == GODWIT_CHANGE_UNCHANGED)
    change->explanation = g_strdup_printf (_("%s is unchanged"), change->source->name);
  else if (clauses->len == 0)
    change->explanation = g_steal_pointer (&subject);
  else
    {
      g_autofree char *details = dup_join (clauses, "; ");

      change->explanation = g_strdup_printf ("%s%s%s", subject,
                                             change->kind == GODWIT_CHANGE_RENAMED ? "; " : ": ",
                                             details);
    }

  change->inferable = blockers->len == 0;
  if (blockers->len > 0)
    change->blocker = dup_join (blockers, "; ");

  for (guint i = 0; i < blockers->len; i++)
    g_ptr_array_add (self->blockers, g_strdup (g_ptr_array_index (blockers, i)));
}

static GodwitEntityChange *
entity_change_new (GodwitEntity *source,
                   GodwitEntity *destination)
{
  GodwitEntityChange *change = g_new0 (GodwitEntityChange, 1);

  change->source = source;
  change->destination = destination;
  change->properties = g_ptr_array_new_with_free_func (property_change_free);
  change->inferable = TRUE;

  if (source == NULL)
    {
      g_autoptr(GPtrArray) properties = dup_stored_properties (destination);

      change->kind = GODWIT_CHANGE_ADDED;
      change->hash_changed = TRUE;
      /* A new entity has no stored objects: nothing it requires is missing. */
      for (guint i = 0; i < properties->len; i++)
        g_ptr_array_add (change->properties,
                         added_property_change (destination->name,
                                                g_ptr_array_index (properties, i), FALSE));
      if (destination->parent != NULL)
        change->explanation = g_strdup_printf (_("%s is added (a sub-entity of %s)"),
                                               destination->name, destination->parent->name);
      else
        change->explanation = g_strdup_printf (_("%s is added"), destination->name);
    }
  else if (destination == NULL)
    {
      g_autoptr(GPtrArray) properties = dup_stored_properties (source);

      change->kind = GODWIT_CHANGE_REMOVED;
      change->hash_changed = TRUE;
      for (guint i = 0; i < properties->len; i++)
        g_ptr_array_add (change->properties,
                         removed_property_change (source->name, g_ptr_array_index (properties, i)));
      change->explanation = g_strdup_printf (_("%s is removed: its stored objects are dropped"),
                                             source->name);
    }

  return change;
}

/**
 * godwit_model_diff_new:
 * @source: a resolved model: the version a store was written with
 * @destination: a resolved model: the version to migrate to
 *
 * Matches the entities of both versions, and the stored properties of
 * each matched pair, and classifies every change by Core Data's
 * lightweight migration rules.
 */
GodwitModelDiff *
godwit_model_diff_new (GodwitModel *source,
                       GodwitModel *destination)
{
  GodwitModelDiff *self;
  GPtrArray *sources;
  GPtrArray *destinations;
  g_autofree guint *matches = NULL;
  g_autofree GodwitEntity **counterparts = NULL;
  g_autoptr(GHashTable) merge_blockers = NULL;

  g_return_val_if_fail (GODWIT_IS_MODEL (source), NULL);
  g_return_val_if_fail (GODWIT_IS_MODEL (destination), NULL);
  g_return_val_if_fail (godwit_model_is_resolved (source), NULL);
  g_return_val_if_fail (godwit_model_is_resolved (destination), NULL);

  self = g_object_new (GODWIT_TYPE_MODEL_DIFF, NULL);
  self->source = g_object_ref (source);
  self->destination = g_object_ref (destination);

  sources = godwit_model_get_entities (source);
  destinations = godwit_model_get_entities (destination);
  matches = match_items (sources, destinations, &entity_fields);
  counterparts = g_new0 (GodwitEntity *, sources->len + 1);

  for (guint i = 0; i < destinations->len; i++)
    if (matches[i] != NO_MATCH)
      {
        counterparts[matches[i]] = g_ptr_array_index (destinations, i);
        g_hash_table_insert (self->counterparts, g_ptr_array_index (sources, matches[i]),
                             counterparts[matches[i]]);
      }

  for (guint i = 0; i < sources->len; i++)
    g_ptr_array_add (self->entity_changes,
                     entity_change_new (g_ptr_array_index (sources, i), counterparts[i]));
  for (guint i = 0; i < destinations->len; i++)
    if (matches[i] == NO_MATCH)
      g_ptr_array_add (self->entity_changes,
                       entity_change_new (NULL, g_ptr_array_index (destinations, i)));

  merge_blockers = check_merged_hierarchies (self);

  for (guint i = 0; i < self->entity_changes->len; i++)
    {
      GodwitEntityChange *change = g_ptr_array_index (self->entity_changes, i);

      if (change->source != NULL && change->destination != NULL)
        describe_matched_entity (self, change, g_hash_table_lookup (merge_blockers, change));
      if (change->source != NULL)
        g_hash_table_insert (self->by_source_name, change->source->name, change);
      if (change->destination != NULL)
        g_hash_table_insert (self->by_destination_name, change->destination->name, change);
    }

  return self;
}

/**
 * godwit_model_diff_get_source:
 *
 * Returns: (transfer none): the model migrated from
 */
GodwitModel *
godwit_model_diff_get_source (GodwitModelDiff *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), NULL);

  return self->source;
}

/**
 * godwit_model_diff_get_destination:
 *
 * Returns: (transfer none): the model migrated to
 */
GodwitModel *
godwit_model_diff_get_destination (GodwitModelDiff *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), NULL);

  return self->destination;
}

/**
 * godwit_model_diff_get_entity_changes:
 *
 * Returns: (transfer none) (element-type GodwitEntityChange): every entity
 *   of both sides: the source's in name order, then the added ones.
 */
GPtrArray *
godwit_model_diff_get_entity_changes (GodwitModelDiff *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), NULL);

  return self->entity_changes;
}

/**
 * godwit_model_diff_find_source_entity:
 *
 * @name: an entity name of the source model
 *
 * Returns: (nullable): that entity's change
 */
const GodwitEntityChange *
godwit_model_diff_find_source_entity (GodwitModelDiff *self,
                                      const char      *name)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->by_source_name, name);
}

/**
 * godwit_model_diff_find_destination_entity:
 *
 * @name: an entity name of the destination model
 *
 * Returns: (nullable): that entity's change
 */
const GodwitEntityChange *
godwit_model_diff_find_destination_entity (GodwitModelDiff *self,
                                           const char      *name)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->by_destination_name, name);
}

/**
 * godwit_model_diff_is_empty:
 *
 * Whether every entity has its counterpart with an equal version hash: a
 * store of the source version is already compatible with the destination
 * (changes outside the hashes, such as delete rules, need no migration).
 */
gboolean
godwit_model_diff_is_empty (GodwitModelDiff *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), FALSE);

  for (guint i = 0; i < self->entity_changes->len; i++)
    {
      GodwitEntityChange *change = g_ptr_array_index (self->entity_changes, i);

      if (change->hash_changed)
        return FALSE;
    }

  return TRUE;
}

/**
 * godwit_model_diff_is_inferable:
 *
 * Whether Core Data's lightweight rules cover every change. A change that
 * needs a value (godwit_model_diff_dup_blockers() says which) may still
 * migrate when no stored object lacks one: that is for a planner that
 * sees the store to decide.
 */
gboolean
godwit_model_diff_is_inferable (GodwitModelDiff *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), FALSE);

  return self->blockers->len == 0;
}

/**
 * godwit_model_diff_dup_blockers:
 *
 * Returns: (transfer full) (element-type utf8): why the migration
 *   cannot be inferred, one sentence per obstacle, in entity order
 */
GPtrArray *
godwit_model_diff_dup_blockers (GodwitModelDiff *self)
{
  GPtrArray *blockers;

  g_return_val_if_fail (GODWIT_IS_MODEL_DIFF (self), NULL);

  blockers = g_ptr_array_new_full (self->blockers->len, g_free);
  for (guint i = 0; i < self->blockers->len; i++)
    g_ptr_array_add (blockers, g_strdup (g_ptr_array_index (self->blockers, i)));

  return blockers;
}
