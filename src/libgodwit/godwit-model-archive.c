/* godwit-model-archive.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-model-archive"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-keyed-archive.h"
#include "godwit-model-archive-private.h"

/* Compiled models (.mom) and a store's Z_MODELCACHE are NSKeyedArchiver
 * archives of an NSManagedObjectModel; the class and key vocabulary is in
 * ../shared/docs/coredata-format.md §1.4 and §3.1.
 */

/* NSPropertyDescription's "_P" flag word */
#define PROPERTY_FLAG_OPTIONAL   0x002
#define PROPERTY_FLAG_READ_ONLY  0x004
#define PROPERTY_FLAG_TRANSIENT  0x008
#define PROPERTY_FLAG_SPOTLIGHT  0x100
#define PROPERTY_FLAG_ORDERED    0x400

/* NSAttributeDescription's "NSFlagsKey" */
#define ATTRIBUTE_FLAG_EXTERNAL_STORAGE     0x04
#define ATTRIBUTE_FLAG_PRESERVE_IN_HISTORY  0x10

/* NSPredicateOperatorType numbers */
#define OPERATOR_LESS_THAN_OR_EQUAL     1
#define OPERATOR_GREATER_THAN_OR_EQUAL  3

/* Predicates and expressions are only turned into text for display, so
 * anything nested deeper than this is simply not shown. */
#define MAX_EXPRESSION_DEPTH 32

static const struct {
  gint64      type;
  const char *text;
} predicate_operators[] = {
  { 0, "<" },
  { 1, "<=" },
  { 2, ">" },
  { 3, ">=" },
  { 4, "==" },
  { 5, "!=" },
  { 6, "MATCHES" },
  { 7, "LIKE" },
  { 8, "BEGINSWITH" },
  { 9, "ENDSWITH" },
  { 10, "IN" },
  { 99, "CONTAINS" },
  { 100, "BETWEEN" },
};

/* Shared objects let a small archive describe the same entity, property
 * or expression many times over; every description decoded, every user
 * info value and every predicate part shown spends from one budget. Large
 * real models (with the copies of inherited properties that caches hold)
 * stay well below it. */
#define DECODE_BUDGET 200000

/* An entity hierarchy deeper than this is refused. */
#define MAX_ENTITY_DEPTH 256

typedef struct
{
  GodwitKeyedArchive *archive;
  const char         *origin;
  guint               budget;
} Decoder;

static gboolean
spend (Decoder  *d,
       guint     amount,
       GError  **error)
{
  if (d->budget < amount)
    {
      d->budget = 0;
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the model has more than %d descriptions and values "
                     "(objects shared by reference too many times)"),
                   d->origin, DECODE_BUDGET);
      return FALSE;
    }

  d->budget -= amount;

  return TRUE;
}

/* For display only: shown as missing once the budget is spent. */
static gboolean
spend_on_text (Decoder *d)
{
  if (d->budget == 0)
    return FALSE;

  d->budget--;

  return TRUE;
}

static gboolean
class_has_suffix (Decoder            *d,
                  plist_t             object,
                  const char         *suffix)
{
  const char *class_name = godwit_keyed_archive_get_class_name (d->archive, object);

  return class_name != NULL && g_str_has_suffix (class_name, suffix);
}

/* The shortest text that reads back as the same double; whole numbers
 * without exponent, as dates in seconds usually are. */
static char *
format_double (double value)
{
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);

  for (int precision = 1; precision < 17; precision++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", precision);
      g_ascii_formatd (buffer, sizeof buffer, format, value);
      if (g_ascii_strtod (buffer, NULL) == value)
        return g_strdup (buffer);
    }

  return g_strdup (g_ascii_dtostr (buffer, sizeof buffer, value));
}

static gboolean
get_number (plist_t  node,
            double  *value)
{
  gint64 integer;

  if (node != NULL && plist_get_node_type (node) == PLIST_REAL)
    {
      plist_get_real_val (node, value);
      return TRUE;
    }

  if (godwit_plist_get_int (node, &integer))
    {
      *value = (double) integer;
      return TRUE;
    }

  return FALSE;
}

/* A scalar as Xcode writes it in defaultValueString and friends: booleans
 * YES / NO, numbers in decimal, dates in seconds since 2001. */
static char *
scalar_to_string (Decoder            *d,
                  plist_t             node)
{
  char *text;

  if (node == NULL)
    return NULL;

  text = godwit_keyed_archive_dup_string_value (d->archive, node);
  if (text != NULL)
    return text;

  switch (plist_get_node_type (node))
    {
    case PLIST_BOOLEAN:
      {
        guint8 value = 0;

        plist_get_bool_val (node, &value);
        return g_strdup (value ? "YES" : "NO");
      }

    case PLIST_UINT:
      {
        gint64 value = 0;

        godwit_plist_get_int (node, &value);
        return g_strdup_printf ("%" G_GINT64_FORMAT, value);
      }

    case PLIST_REAL:
      {
        double value = 0;

        plist_get_real_val (node, &value);
        return format_double (value);
      }

    case PLIST_DICT:
      {
        double seconds;

        if (godwit_keyed_archive_is_class (d->archive, node, "NSDate")
            && get_number (godwit_keyed_archive_get_member (d->archive, node, "NS.time"), &seconds))
          return format_double (seconds);
        return NULL;
      }

    default:
      return NULL;
    }
}

static guint count_values (plist_t node);

static gboolean
count_member_values (const char *key,
                     plist_t     value,
                     gpointer    user_data)
{
  *(guint *) user_data += count_values (value);

  return TRUE;
}

/* Unpacked values are at most GODWIT_KEYED_ARCHIVE_MAX_DEPTH deep. */
static guint
count_values (plist_t node)
{
  guint count = 1;

  if (plist_get_node_type (node) == PLIST_ARRAY)
    {
      plist_array_iter iter = NULL;
      plist_t item = NULL;

      plist_array_new_iter (node, &iter);
      for (plist_array_next_item (node, iter, &item); item != NULL; plist_array_next_item (node, iter, &item))
        count += count_values (item);
      free (iter);
    }
  else if (plist_get_node_type (node) == PLIST_DICT)
    godwit_plist_dict_foreach (node, count_member_values, &count);

  return count;
}

/* Any value as text: a scalar as above, anything else as the JSON of its
 * unpacked object graph. */
static char *
value_to_text (Decoder             *d,
               plist_t              node,
               GError             **error)
{
  g_auto(plist_t) unpacked = NULL;
  g_autoptr(JsonNode) json = NULL;
  char *text;

  if (!spend (d, 1, error))
    return NULL;

  text = scalar_to_string (d, node);
  if (text != NULL)
    return text;

  unpacked = godwit_keyed_archive_unpack_object (d->archive, node, error);
  if (unpacked == NULL || !spend (d, count_values (unpacked), error))
    return NULL;

  json = godwit_plist_to_json (unpacked);

  return json_to_string (json, FALSE);
}

/* Predicates and expressions, in NSPredicate's format syntax */

static char *format_expression (Decoder            *d,
                                plist_t             expression,
                                guint               depth);
static char *format_constant   (Decoder            *d,
                                plist_t             value,
                                guint               depth);

/**
 * _godwit_quote_string_literal:
 *
 * Returns: (transfer full): @text as a string literal of NSPredicate and
 *   NSExpression format syntax, in double quotes
 */
char *
_godwit_quote_string_literal (const char *text)
{
  GString *quoted = g_string_new ("\"");

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (quoted, '\\');
      g_string_append_c (quoted, *p);
    }
  g_string_append_c (quoted, '"');

  return g_string_free (quoted, FALSE);
}

/* "{a, b}" of constants or of expressions; NULL when one cannot be shown. */
static char *
format_list (Decoder            *d,
             plist_t             collection,
             gboolean            expressions,
             guint               depth)
{
  g_autoptr(GPtrArray) items = godwit_keyed_archive_get_collection (d->archive, collection, NULL);
  g_autoptr(GString) text = g_string_new ("{");

  if (items == NULL)
    return NULL;

  for (guint i = 0; i < items->len; i++)
    {
      g_autofree char *item = expressions
        ? format_expression (d, g_ptr_array_index (items, i), depth + 1)
        : format_constant (d, g_ptr_array_index (items, i), depth + 1);

      if (item == NULL)
        return NULL;
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, item);
    }
  g_string_append_c (text, '}');

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_constant (Decoder            *d,
                 plist_t             value,
                 guint               depth)
{
  g_autofree char *text = NULL;
  double seconds;

  if (depth > MAX_EXPRESSION_DEPTH || !spend_on_text (d))
    return NULL;

  if (value == NULL)
    return g_strdup ("nil");

  text = godwit_keyed_archive_dup_string_value (d->archive, value);
  if (text != NULL)
    return _godwit_quote_string_literal (text);

  if (godwit_keyed_archive_is_class (d->archive, value, "NSDate")
      && get_number (godwit_keyed_archive_get_member (d->archive, value, "NS.time"), &seconds))
    {
      g_autofree char *number = format_double (seconds);

      return g_strdup_printf ("CAST(%s, \"NSDate\")", number);
    }

  if (plist_get_node_type (value) == PLIST_DICT)
    return format_list (d, value, FALSE, depth);

  return scalar_to_string (d, value);
}

static char *
format_function (Decoder            *d,
                 plist_t             expression,
                 guint               depth)
{
  g_autofree char *selector = godwit_keyed_archive_dup_string (d->archive, expression, "NSSelectorName");
  plist_t arguments_object = godwit_keyed_archive_get_member (d->archive, expression, "NSArguments");
  g_autoptr(GPtrArray) arguments = NULL;
  g_autoptr(GString) text = NULL;

  if (selector == NULL)
    return NULL;

  if (arguments_object != NULL)
    {
      arguments = godwit_keyed_archive_get_collection (d->archive, arguments_object, NULL);
      if (arguments == NULL)
        return NULL;
    }
  else
    arguments = g_ptr_array_new ();

  /* A key path is archived as valueForKeyPath: applied to its operand. */
  if (strcmp (selector, "valueForKeyPath:") == 0 && arguments->len == 1)
    {
      g_autofree char *operand = format_expression (d,
                                                    godwit_keyed_archive_get_member (d->archive, expression, "NSOperand"),
                                                    depth + 1);
      g_autofree char *path = format_expression (d, g_ptr_array_index (arguments, 0), depth + 1);

      if (operand == NULL || path == NULL)
        return NULL;
      if (strcmp (operand, "SELF") == 0)
        return g_steal_pointer (&path);
      return g_strdup_printf ("%s.%s", operand, path);
    }

  text = g_string_new (NULL);
  g_string_append_len (text, selector, strcspn (selector, ":"));
  g_string_append_c (text, '(');
  for (guint i = 0; i < arguments->len; i++)
    {
      g_autofree char *argument = format_expression (d, g_ptr_array_index (arguments, i), depth + 1);

      if (argument == NULL)
        return NULL;
      if (i > 0)
        g_string_append (text, ", ");
      g_string_append (text, argument);
    }
  g_string_append_c (text, ')');

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
format_expression (Decoder            *d,
                   plist_t             expression,
                   guint               depth)
{
  const char *class_name = godwit_keyed_archive_get_class_name (d->archive, expression);

  if (class_name == NULL || depth > MAX_EXPRESSION_DEPTH || !spend_on_text (d))
    return NULL;

  if (strcmp (class_name, "NSSelfExpression") == 0)
    return g_strdup ("SELF");

  if (strcmp (class_name, "NSConstantValueExpression") == 0)
    return format_constant (d,
                            godwit_keyed_archive_get_member (d->archive, expression, "NSConstantValue"),
                            depth + 1);

  if (strcmp (class_name, "NSKeyPathSpecifierExpression") == 0)
    return godwit_keyed_archive_dup_string (d->archive, expression, "NSKeyPath");

  if (strcmp (class_name, "NSVariableExpression") == 0)
    {
      g_autofree char *variable = godwit_keyed_archive_dup_string (d->archive, expression, "NSVariable");

      return variable != NULL ? g_strconcat ("$", variable, NULL) : NULL;
    }

  if (strcmp (class_name, "NSAggregateExpression") == 0)
    return format_list (d,
                        godwit_keyed_archive_get_member (d->archive, expression, "NSCollection"),
                        TRUE, depth);

  if (strcmp (class_name, "NSKeyPathExpression") == 0 || strcmp (class_name, "NSFunctionExpression") == 0)
    return format_function (d, expression, depth);

  return NULL;
}

static char *
format_predicate (Decoder            *d,
                  plist_t             predicate,
                  guint               depth)
{
  const char *class_name = godwit_keyed_archive_get_class_name (d->archive, predicate);

  if (class_name == NULL || depth > MAX_EXPRESSION_DEPTH || !spend_on_text (d))
    return NULL;

  if (strcmp (class_name, "NSTruePredicate") == 0)
    return g_strdup ("TRUEPREDICATE");

  if (strcmp (class_name, "NSFalsePredicate") == 0)
    return g_strdup ("FALSEPREDICATE");

  if (strcmp (class_name, "NSCompoundPredicate") == 0)
    {
      plist_t subpredicates = godwit_keyed_archive_get_member (d->archive, predicate, "NSSubpredicates");
      g_autoptr(GPtrArray) parts = godwit_keyed_archive_get_collection (d->archive, subpredicates, NULL);
      g_autoptr(GString) text = g_string_new (NULL);
      gint64 type = -1;

      if (parts == NULL || parts->len == 0
          || !godwit_keyed_archive_get_int (d->archive, predicate, "NSCompoundPredicateType", &type))
        return NULL;

      /* NSNotPredicateType 0, NSAndPredicateType 1, NSOrPredicateType 2 */
      if (type == 0 && parts->len != 1)
        return NULL;
      if (type < 0 || type > 2)
        return NULL;

      if (type == 0)
        g_string_append (text, "NOT ");

      for (guint i = 0; i < parts->len; i++)
        {
          plist_t part = g_ptr_array_index (parts, i);
          g_autofree char *part_text = format_predicate (d, part, depth + 1);

          if (part_text == NULL)
            return NULL;
          if (i > 0)
            g_string_append (text, type == 1 ? " AND " : " OR ");
          if (godwit_keyed_archive_is_class (d->archive, part, "NSCompoundPredicate"))
            g_string_append_printf (text, "(%s)", part_text);
          else
            g_string_append (text, part_text);
        }

      return g_string_free (g_steal_pointer (&text), FALSE);
    }

  if (strcmp (class_name, "NSComparisonPredicate") == 0)
    {
      plist_t operator = godwit_keyed_archive_get_member (d->archive, predicate, "NSPredicateOperator");
      g_autofree char *left = format_expression (d,
                                                 godwit_keyed_archive_get_member (d->archive, predicate, "NSLeftExpression"),
                                                 depth + 1);
      g_autofree char *right = format_expression (d,
                                                  godwit_keyed_archive_get_member (d->archive, predicate, "NSRightExpression"),
                                                  depth + 1);
      const char *operator_text = NULL;
      gint64 type = -1, modifier = 0, options = 0;

      if (left == NULL || right == NULL
          || !godwit_keyed_archive_get_int (d->archive, operator, "NSOperatorType", &type))
        return NULL;

      godwit_keyed_archive_get_int (d->archive, operator, "NSModifier", &modifier);
      godwit_keyed_archive_get_int (d->archive, operator, "NSOptions", &options);

      for (guint i = 0; i < G_N_ELEMENTS (predicate_operators); i++)
        if (predicate_operators[i].type == type)
          operator_text = predicate_operators[i].text;
      if (operator_text == NULL)
        return NULL;

      /* NSAllPredicateModifier 1, NSAnyPredicateModifier 2; options
       * 1 case insensitive, 2 diacritic insensitive */
      return g_strdup_printf ("%s%s %s%s%s%s%s %s",
                              modifier == 1 ? "ALL " : modifier == 2 ? "ANY " : "",
                              left, operator_text,
                              (options & 3) != 0 ? "[" : "",
                              (options & 1) != 0 ? "c" : "",
                              (options & 2) != 0 ? "d" : "",
                              (options & 3) != 0 ? "]" : "",
                              right);
    }

  return NULL;
}

typedef struct
{
  Decoder    *d;
  const char *class_suffix;
  const char *key_part;
  plist_t     found;
} MemberSearch;

static gboolean
match_member (const char *key,
              plist_t     member,
              gpointer    user_data)
{
  MemberSearch *search = user_data;
  Decoder *d = search->d;
  plist_t resolved;

  if (!spend_on_text (d))
    return FALSE;

  resolved = godwit_keyed_archive_resolve (d->archive, member);
  if (resolved != NULL
      && ((search->class_suffix != NULL && class_has_suffix (d, resolved, search->class_suffix))
          || (search->key_part != NULL && strstr (key, search->key_part) != NULL)))
    {
      search->found = resolved;
      return FALSE;
    }

  return TRUE;
}

/* Members found by their class or name: the keys of fetch requests and
 * derived attributes are not documented, their classes are. */
static plist_t
find_member (Decoder            *d,
             plist_t             object,
             const char         *class_suffix,
             const char         *key_part)
{
  MemberSearch search = { d, class_suffix, key_part, NULL };

  godwit_keyed_archive_foreach_member (d->archive, object, match_member, &search);

  return search.found;
}

static void
read_fetch_request (Decoder             *d,
                    plist_t              request,
                    char               **entity,
                    char               **predicate)
{
  plist_t entity_description = find_member (d, request, "EntityDescription", NULL);
  plist_t predicate_object = find_member (d, request, "Predicate", NULL);

  if (entity_description != NULL)
    *entity = godwit_keyed_archive_dup_string (d->archive, entity_description, "NSEntityName");
  else
    *entity = godwit_keyed_archive_dup_string_value (d->archive,
                                                     find_member (d, request, NULL, "EntityName"));

  *predicate = predicate_object != NULL ? format_predicate (d, predicate_object, 0) : NULL;
}

static gboolean
read_user_info (Decoder             *d,
                plist_t              object,
                GHashTable          *user_info,
                GError             **error)
{
  plist_t dictionary = godwit_keyed_archive_get_member (d->archive, object, "NSUserInfo");
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) values = NULL;

  if (dictionary == NULL)
    return TRUE;

  if (!godwit_keyed_archive_get_dictionary (d->archive, dictionary, &keys, &values, error))
    return FALSE;

  for (guint i = 0; i < keys->len; i++)
    {
      char *key = value_to_text (d, g_ptr_array_index (keys, i), error);
      char *value;

      if (key == NULL)
        return FALSE;

      value = value_to_text (d, g_ptr_array_index (values, i), error);
      if (value == NULL)
        {
          g_free (key);
          return FALSE;
        }

      g_hash_table_replace (user_info, key, value);
    }

  return TRUE;
}

/* Compiled models give every entity and property a renaming identifier,
 * its own name when the model sets none; keep only real ones, as the XML
 * reader does. */
static char *
dup_renaming_identifier (Decoder            *d,
                         plist_t             object,
                         const char         *name)
{
  g_autofree char *identifier = godwit_keyed_archive_dup_string (d->archive, object, "NSRenamingIdentifier");

  if (identifier == NULL || g_strcmp0 (identifier, name) == 0)
    return NULL;

  return g_steal_pointer (&identifier);
}

/* Min and max values come back as validation predicates: SELF >= min,
 * SELF <= max (length for strings). */
static gboolean
read_value_limits (Decoder             *d,
                   plist_t              object,
                   GodwitProperty      *property,
                   GError             **error)
{
  plist_t predicates_object = godwit_keyed_archive_get_member (d->archive, object, "NSValidationPredicates");
  g_autoptr(GPtrArray) predicates = NULL;

  if (predicates_object == NULL)
    return TRUE;

  predicates = godwit_keyed_archive_get_collection (d->archive, predicates_object, error);
  if (predicates == NULL || !spend (d, predicates->len, error))
    return FALSE;

  for (guint i = 0; i < predicates->len; i++)
    {
      plist_t predicate = g_ptr_array_index (predicates, i);
      plist_t operator = godwit_keyed_archive_get_member (d->archive, predicate, "NSPredicateOperator");
      plist_t right = godwit_keyed_archive_get_member (d->archive, predicate, "NSRightExpression");
      g_autofree char *left = NULL;
      gint64 type = -1;
      char **limit;

      if (!godwit_keyed_archive_is_class (d->archive, predicate, "NSComparisonPredicate")
          || !godwit_keyed_archive_is_class (d->archive, right, "NSConstantValueExpression")
          || !godwit_keyed_archive_get_int (d->archive, operator, "NSOperatorType", &type))
        continue;

      left = format_expression (d, godwit_keyed_archive_get_member (d->archive, predicate, "NSLeftExpression"), 0);
      if (g_strcmp0 (left, "SELF") != 0 && g_strcmp0 (left, "length") != 0)
        continue;

      if (type == OPERATOR_GREATER_THAN_OR_EQUAL)
        limit = &property->min_value;
      else if (type == OPERATOR_LESS_THAN_OR_EQUAL)
        limit = &property->max_value;
      else
        continue;

      g_free (*limit);
      *limit = scalar_to_string (d, godwit_keyed_archive_get_member (d->archive, right, "NSConstantValue"));
    }

  return TRUE;
}

static gboolean
decode_attribute (Decoder             *d,
                  const char          *entity_name,
                  plist_t              object,
                  GodwitProperty      *property,
                  GError             **error)
{
  plist_t default_value = godwit_keyed_archive_get_member (d->archive, object, "NSDefaultValue");
  gint64 type;
  gint64 flags = 0;

  if (!godwit_keyed_archive_get_int (d->archive, object, "NSAttributeType", &type))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: attribute %s.%s has no attribute type"), d->origin, entity_name, property->name);
      return FALSE;
    }

  if (!godwit_attribute_type_is_known (type))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: unknown attribute type %" PRId64 " for %s.%s"),
                   d->origin, type, entity_name, property->name);
      return FALSE;
    }

  property->attribute_type = (GodwitAttributeType) type;
  property->value_class_name = godwit_keyed_archive_dup_string (d->archive, object, "NSAttributeValueClassName");
  property->value_transformer_name = godwit_keyed_archive_dup_string (d->archive, object, "NSValueTransformerName");

  if (default_value != NULL)
    {
      property->default_value = value_to_text (d, default_value, error);
      if (property->default_value == NULL)
        return FALSE;
    }

  godwit_keyed_archive_get_int (d->archive, object, "NSFlagsKey", &flags);
  property->allows_external_binary_data_storage = (flags & ATTRIBUTE_FLAG_EXTERNAL_STORAGE) != 0;
  property->preserves_value_in_history_on_deletion = (flags & ATTRIBUTE_FLAG_PRESERVE_IN_HISTORY) != 0;

  if (!read_value_limits (d, object, property, error))
    return FALSE;

  if (godwit_keyed_archive_is_class (d->archive, object, "NSDerivedAttributeDescription"))
    {
      plist_t derivation = find_member (d, object, NULL, "Derivation");

      property->derived = TRUE;
      property->derivation_expression = godwit_keyed_archive_dup_string_value (d->archive, derivation);
      if (property->derivation_expression == NULL)
        property->derivation_expression = format_expression (d, derivation, 0);
    }

  return TRUE;
}

static gboolean
decode_relationship (Decoder             *d,
                     const char          *entity_name,
                     plist_t              object,
                     GodwitProperty      *property,
                     GError             **error)
{
  gint64 min_count = 0, max_count = 0, delete_rule;

  property->destination_entity = godwit_keyed_archive_dup_string (d->archive, object, "_NSDestinationEntityName");
  if (property->destination_entity == NULL)
    property->destination_entity =
      godwit_keyed_archive_dup_string (d->archive,
                                       godwit_keyed_archive_get_member (d->archive, object, "NSDestinationEntity"),
                                       "NSEntityName");

  property->inverse_name = godwit_keyed_archive_dup_string (d->archive, object, "_NSInverseRelationshipName");
  if (property->inverse_name == NULL)
    property->inverse_name =
      godwit_keyed_archive_dup_string (d->archive,
                                       godwit_keyed_archive_get_member (d->archive, object, "NSInverseRelationship"),
                                       "NSPropertyName");
  if (property->inverse_name != NULL)
    property->inverse_entity = g_strdup (property->destination_entity);

  godwit_keyed_archive_get_int (d->archive, object, "NSMinCount", &min_count);
  godwit_keyed_archive_get_int (d->archive, object, "NSMaxCount", &max_count);
  if (min_count < 0 || min_count > G_MAXINT32 || max_count < 0 || max_count > G_MAXINT32)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: relationship %s.%s has an impossible count (minimum %" PRId64
                     ", maximum %" PRId64 ")"),
                   d->origin, entity_name, property->name, min_count, max_count);
      return FALSE;
    }
  property->min_count = (gint32) min_count;
  property->max_count = (gint32) max_count;
  property->to_many = max_count != 1;

  if (godwit_keyed_archive_get_int (d->archive, object, "NSDeleteRule", &delete_rule))
    {
      if (delete_rule < GODWIT_DELETE_RULE_NO_ACTION || delete_rule > GODWIT_DELETE_RULE_DENY)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: unknown delete rule %" PRId64 " for %s.%s"),
                       d->origin, delete_rule, entity_name, property->name);
          return FALSE;
        }
      property->delete_rule = (GodwitDeleteRule) delete_rule;
    }

  return TRUE;
}

static void
decode_fetched_property (Decoder            *d,
                         plist_t             object,
                         GodwitProperty     *property)
{
  plist_t request = find_member (d, object, "FetchRequest", NULL);

  if (request != NULL)
    read_fetch_request (d, request,
                        &property->fetch_request_entity,
                        &property->fetch_request_predicate);
}

/* Sets *out to NULL for the stand-ins of inherited properties. */
static gboolean
decode_property (Decoder             *d,
                 const char          *entity_name,
                 plist_t              key,
                 plist_t              object,
                 GodwitProperty     **out,
                 GError             **error)
{
  const char *class_name = godwit_keyed_archive_get_class_name (d->archive, object);
  g_autofree char *key_name = godwit_keyed_archive_dup_string_value (d->archive, key);
  g_autofree char *name = godwit_keyed_archive_dup_string (d->archive, object, "NSPropertyName");
  g_autoptr(GodwitProperty) property = NULL;
  GodwitPropertyKind kind;
  gboolean has_flags;
  gint64 flags = 0;

  *out = NULL;

  if (!spend (d, 1, error))
    return FALSE;

  /* A sub-entity lists its inherited properties as proxies of the
   * parent's: the parent has the real ones. */
  if (g_strcmp0 (class_name, "_NSPropertyDescriptionProxy") == 0)
    return TRUE;

  if (name == NULL)
    name = g_steal_pointer (&key_name);

  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: a property of entity %s has no name"), d->origin, entity_name);
      return FALSE;
    }

  if (key_name != NULL && strcmp (key_name, name) != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: entity %s lists property “%s” under the name “%s”"),
                   d->origin, entity_name, name, key_name);
      return FALSE;
    }

  if (class_name != NULL && g_str_has_suffix (class_name, "AttributeDescription"))
    kind = GODWIT_PROPERTY_KIND_ATTRIBUTE;
  else if (g_strcmp0 (class_name, "NSRelationshipDescription") == 0)
    kind = GODWIT_PROPERTY_KIND_RELATIONSHIP;
  else if (g_strcmp0 (class_name, "NSFetchedPropertyDescription") == 0)
    kind = GODWIT_PROPERTY_KIND_FETCHED;
  else
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: property %s.%s is %s, not a property description"), d->origin, entity_name, name,
                   class_name != NULL ? class_name : _("not an object"));
      return FALSE;
    }

  property = godwit_property_new (kind, name);

  /* Newer archives pack the booleans into "_P" (bit 0 always set); older
   * ones have a key for each. */
  has_flags = godwit_keyed_archive_get_int (d->archive, object, "_P", &flags) && flags != 0;
  if (has_flags)
    {
      property->optional = (flags & PROPERTY_FLAG_OPTIONAL) != 0;
      property->read_only = (flags & PROPERTY_FLAG_READ_ONLY) != 0;
      property->transient = (flags & PROPERTY_FLAG_TRANSIENT) != 0;
      property->ordered = (flags & PROPERTY_FLAG_ORDERED) != 0;
      property->indexed_by_spotlight = (flags & PROPERTY_FLAG_SPOTLIGHT) != 0;
    }
  else
    {
      godwit_keyed_archive_get_bool (d->archive, object, "NSIsOptional", &property->optional);
      godwit_keyed_archive_get_bool (d->archive, object, "NSIsReadOnly", &property->read_only);
      godwit_keyed_archive_get_bool (d->archive, object, "NSIsTransient", &property->transient);
      godwit_keyed_archive_get_bool (d->archive, object, "NSIsOrdered", &property->ordered);
    }

  {
    gboolean spotlight = FALSE;

    if (godwit_keyed_archive_get_bool (d->archive, object, "NSIndexedBySpotlight", &spotlight) && spotlight)
      property->indexed_by_spotlight = TRUE;
  }
  godwit_keyed_archive_get_bool (d->archive, object, "NSIsIndexed", &property->indexed);

  property->renaming_identifier = dup_renaming_identifier (d, object, name);
  property->version_hash_modifier = godwit_keyed_archive_dup_string (d->archive, object, "NSVersionHashModifier");

  if (!read_user_info (d, object, property->user_info, error))
    return FALSE;

  switch (kind)
    {
    case GODWIT_PROPERTY_KIND_ATTRIBUTE:
      property->ordered = FALSE;
      if (!decode_attribute (d, entity_name, object, property, error))
        return FALSE;
      break;

    case GODWIT_PROPERTY_KIND_RELATIONSHIP:
      if (!decode_relationship (d, entity_name, object, property, error))
        return FALSE;
      break;

    case GODWIT_PROPERTY_KIND_FETCHED:
    default:
      property->ordered = FALSE;
      decode_fetched_property (d, object, property);
      break;
    }

  *out = g_steal_pointer (&property);

  return TRUE;
}

/* Property names of a uniqueness constraint or compound index: names, or
 * the property descriptions themselves. */
static char **
dup_property_names (Decoder             *d,
                    plist_t              list,
                    const char          *entity_name,
                    const char          *what,
                    GError             **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) items = NULL;
  char *single = godwit_keyed_archive_dup_string_value (d->archive, list);

  if (single != NULL)
    {
      g_ptr_array_add (names, single);
      g_ptr_array_add (names, NULL);
      return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
    }

  items = godwit_keyed_archive_get_collection (d->archive, list, error);
  if (items == NULL || !spend (d, items->len, error))
    return NULL;

  for (guint i = 0; i < items->len; i++)
    {
      plist_t item = g_ptr_array_index (items, i);
      char *name = godwit_keyed_archive_dup_string_value (d->archive, item);

      if (name == NULL)
        name = godwit_keyed_archive_dup_string (d->archive, item, "NSPropertyName");
      if (name == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: %s of entity %s names something that is not a property"),
                       d->origin, what, entity_name);
          return NULL;
        }
      g_ptr_array_add (names, name);
    }
  g_ptr_array_add (names, NULL);

  return (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
}

static gboolean
decode_fetch_indexes (Decoder             *d,
                      plist_t              object,
                      GodwitEntity        *entity,
                      GError             **error)
{
  plist_t descriptions_object = godwit_keyed_archive_get_member (d->archive, object, "NSFetchIndexDescriptions");
  plist_t compound_object = godwit_keyed_archive_get_member (d->archive, object, "NSCompoundIndexes");
  g_autoptr(GPtrArray) descriptions = NULL;
  g_autoptr(GPtrArray) compound = NULL;

  if (descriptions_object != NULL)
    {
      descriptions = godwit_keyed_archive_get_collection (d->archive, descriptions_object, error);
      if (descriptions == NULL || !spend (d, descriptions->len, error))
        return FALSE;
    }

  for (guint i = 0; descriptions != NULL && i < descriptions->len; i++)
    {
      plist_t description = g_ptr_array_index (descriptions, i);
      g_autofree char *name = godwit_keyed_archive_dup_string (d->archive, description, "NSIndexName");
      plist_t partial = godwit_keyed_archive_get_member (d->archive, description, "NSPartialIndexPredicate");
      g_autoptr(GodwitFetchIndex) index = NULL;
      g_autoptr(GPtrArray) elements = NULL;

      if (name == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: a fetch index of entity %s has no name"), d->origin, entity->name);
          return FALSE;
        }

      elements = godwit_keyed_archive_get_collection (d->archive,
                                                      godwit_keyed_archive_get_member (d->archive, description, "NSIndexElements"),
                                                      error);
      if (elements == NULL || !spend (d, elements->len, error))
        return FALSE;

      index = godwit_fetch_index_new (name);
      for (guint j = 0; j < elements->len; j++)
        {
          plist_t element = g_ptr_array_index (elements, j);
          g_autofree char *property = godwit_keyed_archive_dup_string (d->archive, element, "NSPropertyName");
          gint64 type = 0;
          gboolean ascending = TRUE;

          if (property == NULL)
            property = godwit_keyed_archive_dup_string (d->archive,
                                                        godwit_keyed_archive_get_member (d->archive, element, "NSProperty"),
                                                        "NSPropertyName");
          godwit_keyed_archive_get_int (d->archive, element, "NSFetchIndexElementType", &type);
          godwit_keyed_archive_get_bool (d->archive, element, "NSAscending", &ascending);

          /* NSFetchIndexElementTypeBinary 0, NSFetchIndexElementTypeRTree 1 */
          if (property == NULL || type < 0 || type > 1)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                           _("%s: element %u of fetch index %s of entity %s is malformed"),
                           d->origin, j, name, entity->name);
              return FALSE;
            }

          godwit_fetch_index_add_element (index, property, type == 0 ? "Binary" : "R-Tree", ascending);
        }

      if (partial != NULL)
        index->partial_index_predicate = format_predicate (d, partial, 0);

      g_ptr_array_add (entity->fetch_indexes, g_steal_pointer (&index));
    }

  /* Older models keep compound indexes apart; newer ones repeat them as
   * fetch index descriptions, so only take them when there are none. */
  if (compound_object == NULL || entity->fetch_indexes->len > 0)
    return TRUE;

  compound = godwit_keyed_archive_get_collection (d->archive, compound_object, error);
  if (compound == NULL || !spend (d, compound->len, error))
    return FALSE;

  for (guint i = 0; i < compound->len; i++)
    {
      g_auto(GStrv) properties = dup_property_names (d, g_ptr_array_index (compound, i),
                                                     entity->name, _("a compound index"), error);
      g_autofree char *name = NULL;
      GodwitFetchIndex *index;

      if (properties == NULL)
        return FALSE;

      name = i == 0 ? g_strdup ("compoundIndex") : g_strdup_printf ("compoundIndex%u", i);
      index = godwit_fetch_index_new (name);
      for (guint j = 0; properties[j] != NULL; j++)
        godwit_fetch_index_add_element (index, properties[j], "Binary", TRUE);
      g_ptr_array_add (entity->fetch_indexes, index);
    }

  return TRUE;
}

static GodwitEntity *
decode_entity (Decoder             *d,
               plist_t              key,
               plist_t              object,
               GError             **error)
{
  g_autofree char *key_name = godwit_keyed_archive_dup_string_value (d->archive, key);
  g_autofree char *name = godwit_keyed_archive_dup_string (d->archive, object, "NSEntityName");
  g_autoptr(GodwitEntity) entity = NULL;
  plist_t parent;
  plist_t properties_object;
  plist_t tuples_object;

  if (!spend (d, 1, error))
    return NULL;

  if (!godwit_keyed_archive_is_class (d->archive, object, "NSEntityDescription"))
    {
      const char *class_name = godwit_keyed_archive_get_class_name (d->archive, object);

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: entity “%s” is %s, not an entity description"), d->origin,
                   key_name != NULL ? key_name : "?",
                   class_name != NULL ? class_name : _("not an object"));
      return NULL;
    }

  if (name == NULL)
    name = g_steal_pointer (&key_name);

  if (name == NULL || name[0] == '\0')
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: an entity has no name"), d->origin);
      return NULL;
    }

  if (key_name != NULL && strcmp (key_name, name) != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: the model lists entity “%s” under the name “%s”"), d->origin, name, key_name);
      return NULL;
    }

  entity = godwit_entity_new (name);
  entity->class_name = godwit_keyed_archive_dup_string (d->archive, object, "NSClassNameForEntity");
  entity->renaming_identifier = dup_renaming_identifier (d, object, name);
  entity->version_hash_modifier = godwit_keyed_archive_dup_string (d->archive, object, "NSVersionHashModifier");
  godwit_keyed_archive_get_bool (d->archive, object, "NSIsAbstract", &entity->abstract);

  parent = godwit_keyed_archive_get_member (d->archive, object, "NSSuperentity");
  if (parent != NULL)
    {
      entity->parent_name = godwit_keyed_archive_dup_string (d->archive, parent, "NSEntityName");
      if (entity->parent_name == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: the parent of entity %s has no name"), d->origin, name);
          return NULL;
        }
    }

  if (!read_user_info (d, object, entity->user_info, error))
    return NULL;

  properties_object = godwit_keyed_archive_get_member (d->archive, object, "NSProperties");
  if (properties_object != NULL)
    {
      g_autoptr(GPtrArray) keys = NULL;
      g_autoptr(GPtrArray) values = NULL;
      g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);

      if (!godwit_keyed_archive_get_dictionary (d->archive, properties_object, &keys, &values, error))
        return NULL;

      for (guint i = 0; i < keys->len; i++)
        {
          GodwitProperty *property = NULL;

          if (!decode_property (d, name, g_ptr_array_index (keys, i),
                                g_ptr_array_index (values, i), &property, error))
            return NULL;

          if (property == NULL)
            continue;

          if (!g_hash_table_add (names, property->name))
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                           _("%s: entity %s has two properties named %s"), d->origin, name, property->name);
              godwit_property_unref (property);
              return NULL;
            }

          godwit_entity_add_property (entity, property);
        }

      /* An archived dictionary has no order of its own. */
      g_ptr_array_sort (entity->properties, godwit_property_compare_by_name);
    }

  tuples_object = godwit_keyed_archive_get_member (d->archive, object, "NSUniqueTuples");
  if (tuples_object != NULL)
    {
      g_autoptr(GPtrArray) tuples = godwit_keyed_archive_get_collection (d->archive, tuples_object, error);

      if (tuples == NULL)
        return NULL;

      for (guint i = 0; i < tuples->len; i++)
        {
          char **tuple = dup_property_names (d, g_ptr_array_index (tuples, i),
                                             name, _("a uniqueness constraint"), error);

          if (tuple == NULL)
            return NULL;
          g_ptr_array_add (entity->uniqueness_constraints, tuple);
        }
    }

  if (!decode_fetch_indexes (d, object, entity, error))
    return NULL;

  return g_steal_pointer (&entity);
}

static GodwitEntity *
lookup_entity (GHashTable *entities_by_name,
               const char *name)
{
  return name != NULL ? g_hash_table_lookup (entities_by_name, name) : NULL;
}

/* Store model caches list every inherited property again in each
 * sub-entity, as a copy with the sub-entity as its owner (compiled models
 * may use _NSPropertyDescriptionProxy instead). Keep a sub-entity's own
 * properties only, as the XML reader does: drop a copy when it hashes the
 * same as the nearest ancestor's definition, so that a genuine
 * redefinition stays and no version hash changes. Also refuses
 * hierarchies deeper than MAX_ENTITY_DEPTH; a parent-entity cycle is left
 * for godwit_model_resolve() to report.
 */
static gboolean
drop_inherited_copies (Decoder    *d,
                       GPtrArray  *entities,
                       GError    **error)
{
  g_autoptr(GHashTable) by_name = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) own = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GHashTable) copies = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      GHashTable *properties = g_hash_table_new (g_str_hash, g_str_equal);

      for (guint j = 0; j < entity->properties->len; j++)
        {
          GodwitProperty *property = g_ptr_array_index (entity->properties, j);

          g_hash_table_insert (properties, property->name, property);
        }
      g_hash_table_insert (by_name, entity->name, entity);
      g_hash_table_insert (own, entity, properties);
    }

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      guint depth = 0;

      for (GodwitEntity *a = lookup_entity (by_name, entity->parent_name);
           a != NULL && a != entity;
           a = lookup_entity (by_name, a->parent_name))
        if (++depth > MAX_ENTITY_DEPTH)
          {
            g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                         _("%s: entity %s has more than %d ancestors (or its parents form a cycle)"),
                         d->origin, entity->name, MAX_ENTITY_DEPTH);
            return FALSE;
          }

      for (guint j = 0; j < entity->properties->len; j++)
        {
          GodwitProperty *property = g_ptr_array_index (entity->properties, j);
          GodwitProperty *inherited = NULL;
          guint8 own_hash[GODWIT_VERSION_HASH_LENGTH];
          guint8 inherited_hash[GODWIT_VERSION_HASH_LENGTH];

          for (GodwitEntity *a = lookup_entity (by_name, entity->parent_name);
               a != NULL && a != entity && inherited == NULL;
               a = lookup_entity (by_name, a->parent_name))
            inherited = g_hash_table_lookup (g_hash_table_lookup (own, a), property->name);

          if (inherited == NULL || inherited->kind != property->kind)
            continue;

          godwit_property_compute_version_hash (property, own_hash);
          godwit_property_compute_version_hash (inherited, inherited_hash);
          if (memcmp (own_hash, inherited_hash, sizeof own_hash) == 0)
            g_hash_table_add (copies, property);
        }
    }

  /* Only now: the comparisons above needed every original. */
  for (guint i = 0; i < entities->len && g_hash_table_size (copies) > 0; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      GPtrArray *kept = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_property_unref);

      for (guint j = 0; j < entity->properties->len; j++)
        {
          GodwitProperty *property = g_ptr_array_index (entity->properties, j);

          if (!g_hash_table_contains (copies, property))
            g_ptr_array_add (kept, godwit_property_ref (property));
        }

      g_ptr_array_unref (entity->properties);
      entity->properties = kept;
    }

  return TRUE;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Names of a set of strings or of described objects, sorted. */
static GPtrArray *
dup_sorted_names (Decoder             *d,
                  plist_t              collection,
                  const char          *name_key,
                  const char          *what,
                  GError             **error)
{
  g_autoptr(GPtrArray) items = godwit_keyed_archive_get_collection (d->archive, collection, error);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (items == NULL || !spend (d, items->len, error))
    return NULL;

  for (guint i = 0; i < items->len; i++)
    {
      plist_t item = g_ptr_array_index (items, i);
      char *name = godwit_keyed_archive_dup_string_value (d->archive, item);

      if (name == NULL && name_key != NULL)
        name = godwit_keyed_archive_dup_string (d->archive, item, name_key);
      if (name == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: an element of the model's %s is not a name"),
                       d->origin, what);
          return NULL;
        }
      g_ptr_array_add (names, name);
    }

  g_ptr_array_sort (names, compare_strings);

  return g_steal_pointer (&names);
}

static gboolean
decode_model_extras (Decoder             *d,
                     plist_t              root,
                     GodwitModel         *model,
                     GError             **error)
{
  plist_t identifiers_object = godwit_keyed_archive_get_member (d->archive, root, "NSVersionIdentifiers");
  plist_t configurations_object = godwit_keyed_archive_get_member (d->archive, root, "NSConfigurations");
  plist_t templates_object = godwit_keyed_archive_get_member (d->archive, root, "NSFetchRequestTemplates");

  if (identifiers_object != NULL)
    {
      g_autoptr(GPtrArray) identifiers = dup_sorted_names (d, identifiers_object, NULL,
                                                           _("version identifiers"), error);

      if (identifiers == NULL)
        return FALSE;
      for (guint i = 0; i < identifiers->len; i++)
        godwit_model_add_version_identifier (model, g_ptr_array_index (identifiers, i));
    }

  if (configurations_object != NULL)
    {
      g_autoptr(GPtrArray) keys = NULL;
      g_autoptr(GPtrArray) values = NULL;

      if (!godwit_keyed_archive_get_dictionary (d->archive, configurations_object, &keys, &values, error)
          || !spend (d, keys->len, error))
        return FALSE;

      for (guint i = 0; i < keys->len; i++)
        {
          g_autofree char *name = godwit_keyed_archive_dup_string_value (d->archive, g_ptr_array_index (keys, i));
          g_autoptr(GPtrArray) entities = NULL;

          if (name == NULL)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                           _("%s: a configuration of the model has no name"),
                           d->origin);
              return FALSE;
            }

          entities = dup_sorted_names (d, g_ptr_array_index (values, i), "NSEntityName",
                                       _("configurations"), error);
          if (entities == NULL)
            return FALSE;

          g_ptr_array_add (entities, NULL);
          godwit_model_add_configuration (model, name, (const char * const *) entities->pdata);
        }
    }

  if (templates_object != NULL)
    {
      g_autoptr(GPtrArray) keys = NULL;
      g_autoptr(GPtrArray) values = NULL;

      if (!godwit_keyed_archive_get_dictionary (d->archive, templates_object, &keys, &values, error)
          || !spend (d, keys->len, error))
        return FALSE;

      for (guint i = 0; i < keys->len; i++)
        {
          g_autofree char *name = godwit_keyed_archive_dup_string_value (d->archive, g_ptr_array_index (keys, i));
          g_autofree char *entity = NULL;
          g_autofree char *predicate = NULL;

          if (name == NULL)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                           _("%s: a fetch request template of the model has no name"),
                           d->origin);
              return FALSE;
            }

          read_fetch_request (d, g_ptr_array_index (values, i), &entity, &predicate);
          godwit_model_add_fetch_request_template (model, name, entity, predicate);
        }
    }

  return TRUE;
}

/**
 * _godwit_model_new_from_archive:
 * @version_name: (nullable): the model version's name
 * @origin: the file path, or a description such as
 *   "store.sqlite: Z_MODELCACHE", to start error messages with
 *
 * Decodes an NSManagedObjectModel keyed archive (a compiled .mom or a
 * decompressed Z_MODELCACHE) and resolves the model, which computes its
 * version hashes.
 *
 * Returns: (transfer full): the resolved model, or %NULL with @error set
 */
GodwitModel *
_godwit_model_new_from_archive (const guint8       *data,
                                gsize               length,
                                const char         *version_name,
                                GodwitModelSource   source,
                                const char         *origin,
                                GError            **error)
{
  g_autoptr(GodwitKeyedArchive) archive = NULL;
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GPtrArray) entities = NULL;
  g_autoptr(GError) local_error = NULL;
  Decoder decoder;
  Decoder *d = &decoder;
  plist_t root;
  plist_t entities_object;
  const char *class_name;

  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  archive = godwit_keyed_archive_new_from_data (data, length, origin, error);
  if (archive == NULL)
    return NULL;

  decoder = (Decoder) { archive, origin, DECODE_BUDGET };
  root = godwit_keyed_archive_get_root (d->archive);
  class_name = godwit_keyed_archive_get_class_name (d->archive, root);
  if (g_strcmp0 (class_name, "NSManagedObjectModel") != 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: the archive holds %s, not a managed object model (NSManagedObjectModel)"),
                   origin, class_name != NULL ? class_name : _("no object"));
      return NULL;
    }

  model = godwit_model_new (version_name, source);
  entities = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_entity_unref);

  entities_object = godwit_keyed_archive_get_member (d->archive, root, "NSEntities");
  if (entities_object != NULL)
    {
      g_autoptr(GPtrArray) keys = NULL;
      g_autoptr(GPtrArray) values = NULL;

      if (!godwit_keyed_archive_get_dictionary (d->archive, entities_object, &keys, &values, error))
        return NULL;

      for (guint i = 0; i < keys->len; i++)
        {
          GodwitEntity *entity = decode_entity (d, g_ptr_array_index (keys, i),
                                                g_ptr_array_index (values, i), error);

          if (entity == NULL)
            return NULL;
          g_ptr_array_add (entities, entity);
        }
    }

  if (!drop_inherited_copies (d, entities, error))
    return NULL;

  for (guint i = 0; i < entities->len; i++)
    godwit_model_add_entity (model, godwit_entity_ref (g_ptr_array_index (entities, i)));

  if (!decode_model_extras (d, root, model, error))
    return NULL;

  /* A .mom is the model's file; a model cache lives inside a store, which
   * its owner names. */
  if (source == GODWIT_MODEL_SOURCE_COMPILED)
    godwit_model_set_path (model, origin);

  if (!godwit_model_resolve (model, &local_error))
    {
      if (source != GODWIT_MODEL_SOURCE_COMPILED)
        g_prefix_error (&local_error, "%s: ", origin);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  return g_steal_pointer (&model);
}

static GBytes *
inflate_raw (const guint8  *data,
             gsize          length,
             const char    *origin,
             GError       **error)
{
  g_autoptr(GZlibDecompressor) decompressor = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW);
  g_autoptr(GByteArray) inflated = g_byte_array_new ();
  g_autofree guint8 *buffer = g_malloc (64 * 1024);
  gsize consumed = 0;

  if (length == 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                   _("%s: the model cache is empty"), origin);
      return NULL;
    }

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      gsize bytes_read = 0;
      gsize bytes_written = 0;
      GConverterResult result;

      result = g_converter_convert (G_CONVERTER (decompressor),
                                    data + consumed, length - consumed,
                                    buffer, 64 * 1024,
                                    G_CONVERTER_INPUT_AT_END,
                                    &bytes_read, &bytes_written, &local_error);
      if (result == G_CONVERTER_ERROR)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: the model cache is not valid raw DEFLATE data (%s)"),
                       origin, local_error->message);
          return NULL;
        }

      consumed += bytes_read;

      if (inflated->len + bytes_written > GODWIT_PLIST_MAX_SIZE)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                       _("%s: the model cache inflates to more than %d MiB"),
                       origin, GODWIT_PLIST_MAX_SIZE / (1024 * 1024));
          return NULL;
        }
      g_byte_array_append (inflated, buffer, bytes_written);

      if (result == G_CONVERTER_FINISHED)
        break;

      if (bytes_read == 0 && bytes_written == 0)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE,
                       _("%s: the model cache is truncated"), origin);
          return NULL;
        }
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&inflated));
}

/**
 * _godwit_model_new_from_model_cache:
 * @data: the Z_MODELCACHE.Z_CONTENT blob: raw DEFLATE of a keyed archive
 *
 * Returns: (transfer full): the store's own model, resolved, or %NULL
 *   with @error set
 */
GodwitModel *
_godwit_model_new_from_model_cache (const guint8  *data,
                                    gsize          length,
                                    const char    *origin,
                                    GError       **error)
{
  g_autoptr(GBytes) inflated = NULL;
  gsize inflated_length = 0;
  const guint8 *inflated_data;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (origin != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  inflated = inflate_raw (data, length, origin, error);
  if (inflated == NULL)
    return NULL;

  inflated_data = g_bytes_get_data (inflated, &inflated_length);

  return _godwit_model_new_from_archive (inflated_data, inflated_length, NULL,
                                         GODWIT_MODEL_SOURCE_STORE_CACHE, origin, error);
}
