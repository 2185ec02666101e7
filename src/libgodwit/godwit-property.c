/* godwit-property.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "godwit-property.h"
#include "godwit-version-hash-private.h"

G_DEFINE_BOXED_TYPE (GodwitProperty, godwit_property, godwit_property_ref, godwit_property_unref)

static const struct {
  GodwitAttributeType  type;
  const char          *name;
} attribute_types[] = {
  { GODWIT_ATTRIBUTE_TYPE_UNDEFINED, "Undefined" },
  { GODWIT_ATTRIBUTE_TYPE_INTEGER_16, "Integer 16" },
  { GODWIT_ATTRIBUTE_TYPE_INTEGER_32, "Integer 32" },
  { GODWIT_ATTRIBUTE_TYPE_INTEGER_64, "Integer 64" },
  { GODWIT_ATTRIBUTE_TYPE_DECIMAL, "Decimal" },
  { GODWIT_ATTRIBUTE_TYPE_DOUBLE, "Double" },
  { GODWIT_ATTRIBUTE_TYPE_FLOAT, "Float" },
  { GODWIT_ATTRIBUTE_TYPE_STRING, "String" },
  { GODWIT_ATTRIBUTE_TYPE_BOOLEAN, "Boolean" },
  { GODWIT_ATTRIBUTE_TYPE_DATE, "Date" },
  { GODWIT_ATTRIBUTE_TYPE_BINARY, "Binary" },
  { GODWIT_ATTRIBUTE_TYPE_UUID, "UUID" },
  { GODWIT_ATTRIBUTE_TYPE_URI, "URI" },
  { GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE, "Transformable" },
  { GODWIT_ATTRIBUTE_TYPE_OBJECT_ID, "ObjectID" },
  { GODWIT_ATTRIBUTE_TYPE_COMPOSITE, "Composite" },
};

static const char *delete_rules[] = { "No Action", "Nullify", "Cascade", "Deny" };

GodwitProperty *
godwit_property_new (GodwitPropertyKind  kind,
                     const char         *name)
{
  GodwitProperty *self;

  g_return_val_if_fail (name != NULL, NULL);

  self = g_new0 (GodwitProperty, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->kind = kind;
  self->name = g_strdup (name);
  self->user_info = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
    {
      self->max_count = 1;
      self->delete_rule = GODWIT_DELETE_RULE_NULLIFY;
    }

  return self;
}

GodwitProperty *
godwit_property_ref (GodwitProperty *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
godwit_property_unref (GodwitProperty *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->name);
  g_free (self->renaming_identifier);
  g_free (self->version_hash_modifier);
  g_hash_table_unref (self->user_info);
  g_free (self->value_class_name);
  g_free (self->value_transformer_name);
  g_free (self->default_value);
  g_free (self->min_value);
  g_free (self->max_value);
  g_free (self->derivation_expression);
  g_free (self->destination_entity);
  g_free (self->inverse_name);
  g_free (self->inverse_entity);
  g_free (self->fetch_request_entity);
  g_free (self->fetch_request_predicate);
  g_free (self);
}

/**
 * godwit_property_is_stored:
 *
 * Whether the property has a place in the store (and in the entity's
 * version hash): attributes and relationships that are not transient.
 */
gboolean
godwit_property_is_stored (const GodwitProperty *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->kind != GODWIT_PROPERTY_KIND_FETCHED && !self->transient;
}

void
godwit_property_compute_version_hash (const GodwitProperty *self,
                                      guint8                hash[GODWIT_VERSION_HASH_LENGTH])
{
  g_return_if_fail (self != NULL);

  _godwit_version_hash_property (self, hash);
}

/**
 * godwit_property_compare_by_name:
 *
 * A #GCompareFunc for arrays of #GodwitProperty pointers: Core Data orders
 * properties by the plain byte order of their names, never by locale.
 */
int
godwit_property_compare_by_name (gconstpointer a,
                                 gconstpointer b)
{
  const GodwitProperty *pa = *(const GodwitProperty * const *) a;
  const GodwitProperty *pb = *(const GodwitProperty * const *) b;

  return strcmp (pa->name, pb->name);
}

const char *
godwit_attribute_type_to_string (GodwitAttributeType type)
{
  for (guint i = 0; i < G_N_ELEMENTS (attribute_types); i++)
    if (attribute_types[i].type == type)
      return attribute_types[i].name;

  return NULL;
}

/**
 * godwit_attribute_type_dup_name:
 *
 * Returns: (transfer full): the type's name, or words naming its number
 *   when Godwit does not know it, for messages
 */
char *
godwit_attribute_type_dup_name (GodwitAttributeType type)
{
  const char *name = godwit_attribute_type_to_string (type);

  return name != NULL ? g_strdup (name) : g_strdup_printf (_("type number %d"), (int) type);
}

gboolean
godwit_attribute_type_from_string (const char          *string,
                                   GodwitAttributeType *type)
{
  g_return_val_if_fail (type != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (attribute_types); i++)
    if (strcmp (attribute_types[i].name, string) == 0)
      {
        *type = attribute_types[i].type;
        return TRUE;
      }

  return FALSE;
}

gboolean
godwit_attribute_type_is_known (gint64 number)
{
  for (guint i = 0; i < G_N_ELEMENTS (attribute_types); i++)
    if (attribute_types[i].type == number)
      return TRUE;

  return FALSE;
}

const char *
godwit_delete_rule_to_string (GodwitDeleteRule rule)
{
  if ((guint) rule < G_N_ELEMENTS (delete_rules))
    return delete_rules[rule];

  return NULL;
}

gboolean
godwit_delete_rule_from_string (const char       *string,
                                GodwitDeleteRule *rule)
{
  g_return_val_if_fail (rule != NULL, FALSE);

  if (string == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (delete_rules); i++)
    if (strcmp (delete_rules[i], string) == 0)
      {
        *rule = (GodwitDeleteRule) i;
        return TRUE;
      }

  return FALSE;
}

const char *
godwit_property_kind_to_string (GodwitPropertyKind kind)
{
  switch (kind)
    {
    case GODWIT_PROPERTY_KIND_ATTRIBUTE:
      return "attribute";
    case GODWIT_PROPERTY_KIND_RELATIONSHIP:
      return "relationship";
    case GODWIT_PROPERTY_KIND_FETCHED:
      return "fetched-property";
    default:
      return NULL;
    }
}
