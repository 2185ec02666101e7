/* godwit-migration-plan.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A Godwit migration plan (docs/migration-plan.md): the JSON file beside a
 * model bundle that gives the order of its versions and says how each step
 * migrates, in the terms of Core Data's staged migration (lightweight and
 * custom stages) and of its mapping models (entity mappings whose values
 * are expressions over the source object). Reading checks the file on its
 * own; godwit_migration_plan_validate() checks it against the bundle.
 */

#define G_LOG_DOMAIN "godwit-migration-plan"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <string.h>

#include <json-glib/json-glib.h>
#include <sqlite3.h>

#include "godwit-error.h"
#include "godwit-file-private.h"
#include "godwit-json-private.h"
#include "godwit-migration-plan.h"
#include "godwit-model-diff.h"

struct _GodwitMigrationPlan
{
  GObject    parent_instance;

  char      *path;     /* (nullable) */
  GStrv      order;    /* (nullable) */
  GPtrArray *stages;   /* (element-type GodwitMigrationStage) */
};

G_DEFINE_FINAL_TYPE (GodwitMigrationPlan, godwit_migration_plan, G_TYPE_OBJECT)

static const char * const plan_keys[] = {
  "godwit-migration-plan", "order", "stages", NULL
};
static const char * const lightweight_stage_keys[] = {
  "kind", "versions", NULL
};
static const char * const custom_stage_keys[] = {
  "kind", "from", "to", "will-migrate", "did-migrate", "entity-mappings", NULL
};
static const char * const entity_mapping_keys[] = {
  "name", "source", "destination", "filter", "attributes", "relationships", NULL
};
static const char * const link_keys[] = {
  "mapping", "source", NULL
};

/* While reading. */
typedef struct
{
  const char *origin;
} Reader;

/* While validating against a bundle. */
typedef struct
{
  const char        *origin;
  GodwitModelBundle *bundle;
  GPtrArray         *order;      /* (element-type GodwitModel) (unowned) */
  GHashTable        *positions;  /* version name → position in @order + 1 */
  sqlite3           *db;         /* tables the expressions are prepared against */
  GHashTable        *tables;     /* (element-type GodwitEntity utf8) source entity → its table */
  const char        *table;      /* the current source entity's */
  guint              n_selects;
  char              *denial;     /* why the authorizer refused, for the message */
} Validator;

static void
plan_value_free (gpointer data)
{
  GodwitPlanValue *value = data;

  g_free (value->attribute);
  g_free (value->expression);
  g_free (value);
}

static void
plan_link_free (gpointer data)
{
  GodwitPlanLink *link = data;

  g_free (link->relationship);
  g_free (link->mapping);
  g_free (link->source_key);
  g_free (link);
}

static void
entity_mapping_free (gpointer data)
{
  GodwitPlanEntityMapping *mapping = data;

  g_free (mapping->name);
  g_free (mapping->source);
  g_free (mapping->destination);
  g_free (mapping->filter);
  g_ptr_array_unref (mapping->attributes);
  g_ptr_array_unref (mapping->relationships);
  g_free (mapping->json_path);
  g_free (mapping);
}

static GodwitPlanEntityMapping *
entity_mapping_new (char *json_path)
{
  GodwitPlanEntityMapping *mapping = g_new0 (GodwitPlanEntityMapping, 1);

  mapping->attributes = g_ptr_array_new_with_free_func (plan_value_free);
  mapping->relationships = g_ptr_array_new_with_free_func (plan_link_free);
  mapping->json_path = json_path;

  return mapping;
}

static GodwitMigrationStage *
stage_new (GodwitMigrationStageKind  kind,
           char                     *json_path)
{
  GodwitMigrationStage *stage = g_new0 (GodwitMigrationStage, 1);

  stage->kind = kind;
  stage->entity_mappings = g_ptr_array_new_with_free_func (entity_mapping_free);
  stage->json_path = json_path;

  return stage;
}

/**
 * godwit_migration_stage_free:
 *
 * Frees a stage that no plan owns, such as one
 * godwit_migration_stage_new_custom() made.
 */
void
godwit_migration_stage_free (GodwitMigrationStage *stage)
{
  if (stage == NULL)
    return;

  g_strfreev (stage->versions);
  g_strfreev (stage->will_migrate);
  g_strfreev (stage->did_migrate);
  g_ptr_array_unref (stage->entity_mappings);
  g_free (stage->json_path);
  g_free (stage);
}

/* A plan read from data without a file name. */
static const char *
describe_origin (const char *origin)
{
  return origin != NULL ? origin : _("migration plan");
}

static char *
element_path (const char *parent,
              const char *key,
              guint       index)
{
  return g_strdup_printf ("%s%s%s[%u]",
                          parent != NULL ? parent : "", parent != NULL ? "." : "",
                          key, index);
}

/* The object at @node, which must be one. */
static JsonObject *
require_object (Reader      *r,
                JsonNode    *node,
                const char  *path,
                GError     **error)
{
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("must be an object, not %s"), _godwit_json_describe_node (node));
      return NULL;
    }

  return json_node_get_object (node);
}

static gboolean
read_string_node (Reader      *r,
                  JsonNode    *node,
                  const char  *path,
                  char       **out,
                  GError     **error)
{
  const char *text;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("must be a string, not %s"), _godwit_json_describe_node (node));
      return FALSE;
    }

  text = json_node_get_string (node);
  if (*text == '\0')
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("must not be empty"));
      return FALSE;
    }

  *out = g_strdup (text);

  return TRUE;
}

/* A non-empty string member. When it is absent, *@out stays %NULL, which
 * is an error when @required. */
static gboolean
read_string (Reader      *r,
             JsonObject  *object,
             const char  *path,
             const char  *key,
             gboolean     required,
             char       **out,
             GError     **error)
{
  g_autofree char *key_path = _godwit_json_member_path (path, key);
  JsonNode *node = json_object_get_member (object, key);

  if (node == NULL)
    {
      if (required)
        _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, key_path, _("missing"));
      return !required;
    }

  return read_string_node (r, node, key_path, out, error);
}

/* One SQL expression: statements would run where a value is expected. */
static gboolean
check_expression_text (Reader      *r,
                       const char  *expression,
                       const char  *path,
                       GError     **error)
{
  g_autofree char *stripped = g_strstrip (g_strdup (expression));

  if (*stripped == '\0')
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("the SQL expression is empty"));
      return FALSE;
    }

  if (strchr (expression, ';') != NULL)
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("the SQL expression holds “;”: give one expression, not statements"));
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_expression (Reader      *r,
                 JsonObject  *object,
                 const char  *path,
                 const char  *key,
                 gboolean     required,
                 char       **out,
                 GError     **error)
{
  g_autofree char *key_path = _godwit_json_member_path (path, key);

  if (!read_string (r, object, path, key, required, out, error))
    return FALSE;

  return *out == NULL || check_expression_text (r, *out, key_path, error);
}

/* An array of non-empty strings; empty when absent. */
static gboolean
read_string_array (Reader      *r,
                   JsonObject  *object,
                   const char  *path,
                   const char  *key,
                   GStrv       *out,
                   GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (object, key);
  JsonArray *array;

  if (node != NULL && !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *key_path = _godwit_json_member_path (path, key);

      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, key_path,
                              _("must be an array of strings, not %s"),
                              _godwit_json_describe_node (node));
      return FALSE;
    }

  array = node != NULL ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      g_autofree char *item_path = element_path (path, key, i);
      g_autofree char *text = NULL;

      if (!read_string_node (r, json_array_get_element (array, i), item_path, &text, error))
        return FALSE;
      g_strv_builder_add (builder, text);
    }

  *out = g_strv_builder_end (builder);

  return TRUE;
}

/* Version names in @names: each at most once. A hash table, not pairwise
 * comparison, so that a hostile list of a million names stays fast. */
static gboolean
check_distinct_versions (Reader              *r,
                         const char * const  *names,
                         const char          *path,
                         const char          *key,
                         GError             **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; names[i] != NULL; i++)
    {
      gpointer first;

      if (g_hash_table_lookup_extended (seen, names[i], NULL, &first))
        {
          g_autofree char *item_path = element_path (path, key, i);

          _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, item_path,
                                  _("“%s” is named twice (also %s[%u])"), names[i], key,
                                  GPOINTER_TO_UINT (first));
          return FALSE;
        }
      g_hash_table_insert (seen, (gpointer) names[i], GUINT_TO_POINTER (i));
    }

  return TRUE;
}

/* An optional object member whose values the caller reads, in the plan's
 * order; NULL members when absent. */
static gboolean
read_map (Reader      *r,
          JsonObject  *object,
          const char  *path,
          const char  *key,
          JsonObject **map_out,
          GList      **members_out,
          GError     **error)
{
  g_autofree char *map_path = _godwit_json_member_path (path, key);
  JsonNode *node = json_object_get_member (object, key);
  JsonObject *map;

  *map_out = NULL;
  *members_out = NULL;
  if (node == NULL)
    return TRUE;

  map = require_object (r, node, map_path, error);
  if (map == NULL)
    return FALSE;

  *map_out = map;
  *members_out = json_object_get_members (map);

  return TRUE;
}

static gboolean
read_attributes (Reader                   *r,
                 JsonObject               *object,
                 GodwitPlanEntityMapping  *mapping,
                 GError                  **error)
{
  g_autofree char *path = _godwit_json_member_path (mapping->json_path, "attributes");
  g_autoptr(GList) members = NULL;
  JsonObject *attributes;

  if (!read_map (r, object, mapping->json_path, "attributes", &attributes, &members, error))
    return FALSE;

  for (GList *l = members; l != NULL; l = l->next)
    {
      GodwitPlanValue *value = g_new0 (GodwitPlanValue, 1);

      value->attribute = g_strdup (l->data);
      g_ptr_array_add (mapping->attributes, value);
      if (!read_expression (r, attributes, path, l->data, TRUE, &value->expression, error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_relationships (Reader                   *r,
                    JsonObject               *object,
                    GodwitPlanEntityMapping  *mapping,
                    GError                  **error)
{
  g_autofree char *path = _godwit_json_member_path (mapping->json_path, "relationships");
  g_autoptr(GList) members = NULL;
  JsonObject *relationships;

  if (!read_map (r, object, mapping->json_path, "relationships", &relationships, &members, error))
    return FALSE;

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *link_path = _godwit_json_member_path (path, l->data);
      GodwitPlanLink *link = g_new0 (GodwitPlanLink, 1);
      JsonObject *link_object;

      link->relationship = g_strdup (l->data);
      g_ptr_array_add (mapping->relationships, link);

      link_object = require_object (r, json_object_get_member (relationships, l->data),
                                    link_path, error);
      if (link_object == NULL ||
          !_godwit_json_check_keys (link_object, r->origin, link_path, link_keys,
                                    _("a relationship's link"), error) ||
          !read_string (r, link_object, link_path, "mapping", TRUE, &link->mapping, error) ||
          !read_expression (r, link_object, link_path, "source", TRUE, &link->source_key, error))
        return FALSE;
    }

  return TRUE;
}

/* @names: the stage's entity mappings read so far, by name. */
static gboolean
read_entity_mapping (Reader                *r,
                     JsonNode              *node,
                     GodwitMigrationStage  *stage,
                     guint                  index,
                     GHashTable            *names,
                     GError               **error)
{
  GodwitPlanEntityMapping *mapping = entity_mapping_new (element_path (stage->json_path,
                                                                       "entity-mappings", index));
  GodwitPlanEntityMapping *other;
  JsonObject *object;

  g_ptr_array_add (stage->entity_mappings, mapping);

  object = require_object (r, node, mapping->json_path, error);
  if (object == NULL ||
      !_godwit_json_check_keys (object, r->origin, mapping->json_path, entity_mapping_keys,
                                _("an entity mapping"), error) ||
      !read_string (r, object, mapping->json_path, "name", TRUE, &mapping->name, error) ||
      !read_string (r, object, mapping->json_path, "source", TRUE, &mapping->source, error) ||
      !read_string (r, object, mapping->json_path, "destination", TRUE, &mapping->destination, error) ||
      !read_expression (r, object, mapping->json_path, "filter", FALSE, &mapping->filter, error) ||
      !read_attributes (r, object, mapping, error) ||
      !read_relationships (r, object, mapping, error))
    return FALSE;

  other = g_hash_table_lookup (names, mapping->name);
  if (other != NULL)
    {
      g_autofree char *name_path = _godwit_json_member_path (mapping->json_path, "name");

      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, name_path,
                              _("“%s” also names %s: entity mapping names must differ within a stage"),
                              mapping->name, other->json_path);
      return FALSE;
    }
  g_hash_table_insert (names, mapping->name, mapping);

  return TRUE;
}

static gboolean
read_custom_stage (Reader                *r,
                   JsonObject            *object,
                   GodwitMigrationStage  *stage,
                   GError               **error)
{
  g_autoptr(GHashTable) names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *from = NULL;
  g_autofree char *to = NULL;
  JsonNode *node;
  JsonArray *mappings;

  if (!_godwit_json_check_keys (object, r->origin, stage->json_path, custom_stage_keys,
                                _("a custom stage"), error) ||
      !read_string (r, object, stage->json_path, "from", TRUE, &from, error) ||
      !read_string (r, object, stage->json_path, "to", TRUE, &to, error))
    return FALSE;

  if (strcmp (from, to) == 0)
    {
      g_autofree char *to_path = _godwit_json_member_path (stage->json_path, "to");

      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, to_path,
                              _("“%s” is also the version the stage migrates from"), to);
      return FALSE;
    }

  stage->versions = g_new0 (char *, 3);
  stage->versions[0] = g_steal_pointer (&from);
  stage->versions[1] = g_steal_pointer (&to);

  if (!read_string_array (r, object, stage->json_path, "will-migrate", &stage->will_migrate, error) ||
      !read_string_array (r, object, stage->json_path, "did-migrate", &stage->did_migrate, error))
    return FALSE;

  node = json_object_get_member (object, "entity-mappings");
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_autofree char *mappings_path = _godwit_json_member_path (stage->json_path,
                                                                 "entity-mappings");

      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, mappings_path,
                              _("must be an array of entity mappings, not %s"),
                              _godwit_json_describe_node (node));
      return FALSE;
    }

  mappings = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (mappings); i++)
    if (!read_entity_mapping (r, json_array_get_element (mappings, i), stage, i, names, error))
      return FALSE;

  return TRUE;
}

static gboolean
read_lightweight_stage (Reader                *r,
                        JsonObject            *object,
                        GodwitMigrationStage  *stage,
                        GError               **error)
{
  if (!_godwit_json_check_keys (object, r->origin, stage->json_path, lightweight_stage_keys,
                                _("a lightweight stage"), error) ||
      !read_string_array (r, object, stage->json_path, "versions", &stage->versions, error))
    return FALSE;

  if (g_strv_length (stage->versions) < 2)
    {
      g_autofree char *versions_path = _godwit_json_member_path (stage->json_path, "versions");

      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, versions_path,
                              _("a lightweight stage names at least two versions, the first one it "
                                "migrates from and the last one it migrates to"));
      return FALSE;
    }

  stage->will_migrate = g_new0 (char *, 1);
  stage->did_migrate = g_new0 (char *, 1);

  return check_distinct_versions (r, (const char * const *) stage->versions,
                                  stage->json_path, "versions", error);
}

static gboolean
read_stage (Reader      *r,
            JsonNode    *node,
            GPtrArray   *stages,
            guint        index,
            GError     **error)
{
  GodwitMigrationStage *stage = stage_new (GODWIT_MIGRATION_STAGE_LIGHTWEIGHT,
                                           element_path (NULL, "stages", index));
  g_autofree char *kind = NULL;
  g_autofree char *kind_path = NULL;
  JsonObject *object;

  g_ptr_array_add (stages, stage);

  object = require_object (r, node, stage->json_path, error);
  if (object == NULL ||
      !read_string (r, object, stage->json_path, "kind", TRUE, &kind, error))
    return FALSE;

  if (strcmp (kind, "lightweight") == 0)
    {
      stage->kind = GODWIT_MIGRATION_STAGE_LIGHTWEIGHT;
      return read_lightweight_stage (r, object, stage, error);
    }

  if (strcmp (kind, "custom") == 0)
    {
      stage->kind = GODWIT_MIGRATION_STAGE_CUSTOM;
      return read_custom_stage (r, object, stage, error);
    }

  kind_path = _godwit_json_member_path (stage->json_path, "kind");
  _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, kind_path,
                          _("unknown kind “%s” (a stage is “lightweight” or “custom”)"), kind);
  return FALSE;
}

static gboolean
read_format_version (Reader      *r,
                     JsonObject  *object,
                     GError     **error)
{
  JsonNode *node = json_object_get_member (object, "godwit-migration-plan");

  if (node == NULL)
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, "godwit-migration-plan",
                              _("missing: a migration plan starts with \"godwit-migration-plan\": %d"),
                              GODWIT_MIGRATION_PLAN_FORMAT_VERSION);
      return FALSE;
    }

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, "godwit-migration-plan",
                              _("must be the format version, a whole number, not %s"),
                              _godwit_json_describe_node (node));
      return FALSE;
    }

  if (json_node_get_int (node) != GODWIT_MIGRATION_PLAN_FORMAT_VERSION)
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, "godwit-migration-plan",
                              _("format version %" PRId64
                                " is not one this Godwit reads (it reads %d)"),
                              json_node_get_int (node), GODWIT_MIGRATION_PLAN_FORMAT_VERSION);
      return FALSE;
    }

  return TRUE;
}

static gboolean
read_plan (GodwitMigrationPlan  *self,
           Reader               *r,
           JsonObject           *object,
           GError              **error)
{
  JsonNode *node;
  JsonArray *stages;

  if (!_godwit_json_check_keys (object, r->origin, NULL, plan_keys, _("a migration plan"), error) ||
      !read_format_version (r, object, error))
    return FALSE;

  if (json_object_has_member (object, "order"))
    {
      if (!read_string_array (r, object, NULL, "order", &self->order, error) ||
          !check_distinct_versions (r, (const char * const *) self->order, NULL, "order", error))
        return FALSE;

      if (self->order[0] == NULL)
        {
          _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, "order",
                                  _("names no version: it lists every version of the bundle, oldest "
                                    "first"));
          return FALSE;
        }
    }

  node = json_object_get_member (object, "stages");
  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      _godwit_json_set_error (r->origin, error, GODWIT_ERROR_INVALID_MODEL, "stages",
                              _("must be an array of stages, not %s"),
                              _godwit_json_describe_node (node));
      return FALSE;
    }

  stages = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (stages); i++)
    if (!read_stage (r, json_array_get_element (stages, i), self->stages, i, error))
      return FALSE;

  return TRUE;
}

static void
godwit_migration_plan_finalize (GObject *object)
{
  GodwitMigrationPlan *self = (GodwitMigrationPlan *) object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->order, g_strfreev);
  g_clear_pointer (&self->stages, g_ptr_array_unref);

  G_OBJECT_CLASS (godwit_migration_plan_parent_class)->finalize (object);
}

static void
godwit_migration_plan_class_init (GodwitMigrationPlanClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_migration_plan_finalize;
}

static void
godwit_migration_plan_init (GodwitMigrationPlan *self)
{
  self->stages = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_migration_stage_free);
}

/**
 * godwit_migration_plan_new_for_data:
 * @data: the plan's JSON text
 * @origin: (nullable): the file it came from, to start error messages with
 *
 * Reads a migration plan and checks everything that can be checked
 * without the model bundle: the JSON itself, the keys and their types,
 * the format version, version names given twice, entity mapping names
 * given twice within a stage, and that each value expression is one
 * non-empty expression.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set; messages
 *   point at the key at fault, as in “PATH: stages[1].to: missing”
 */
GodwitMigrationPlan *
godwit_migration_plan_new_for_data (const char  *data,
                                    gsize        length,
                                    const char  *origin,
                                    GError     **error)
{
  g_autoptr(GodwitMigrationPlan) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  Reader r = { describe_origin (origin) };

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  root = _godwit_json_load_checked (data, length, r.origin, _("a migration plan"),
                                    GODWIT_MIGRATION_PLAN_MAX_SIZE, GODWIT_MIGRATION_PLAN_MAX_DEPTH,
                                    error);
  if (root == NULL)
    return NULL;

  self = g_object_new (GODWIT_TYPE_MIGRATION_PLAN, NULL);
  self->path = g_strdup (origin);
  if (!read_plan (self, &r, json_node_get_object (root), error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * godwit_migration_plan_new_for_path:
 * @path: a migration plan file, such as Model.godwit-plan.json
 *
 * Reads and checks a migration plan file as
 * godwit_migration_plan_new_for_data() does; errors start with @path.
 *
 * Returns: (transfer full): the plan, or %NULL with @error set
 */
GodwitMigrationPlan *
godwit_migration_plan_new_for_path (const char  *path,
                                    GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  contents = _godwit_file_read_bounded (path, _("a migration plan file"), GODWIT_MIGRATION_PLAN_MAX_SIZE,
                                        &length, error);
  if (contents == NULL)
    return NULL;

  return godwit_migration_plan_new_for_data (contents, length, path, error);
}

/**
 * godwit_migration_plan_get_path:
 *
 * Returns: (nullable): the file the plan was read from, or the origin
 *   given to godwit_migration_plan_new_for_data()
 */
const char *
godwit_migration_plan_get_path (GodwitMigrationPlan *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION_PLAN (self), NULL);

  return self->path;
}

/**
 * godwit_migration_plan_get_order:
 *
 * The plan's "order": every version of the bundle, oldest first, for
 * godwit_model_bundle_set_version_order().
 *
 * Returns: (nullable) (array zero-terminated=1): the version names, or
 *   %NULL when the plan leaves the order to the bundle
 */
const char * const *
godwit_migration_plan_get_order (GodwitMigrationPlan *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION_PLAN (self), NULL);

  return (const char * const *) self->order;
}

/**
 * godwit_migration_plan_get_stages:
 *
 * Returns: (transfer none) (element-type GodwitMigrationStage): the stages
 *   in the plan's order
 */
GPtrArray *
godwit_migration_plan_get_stages (GodwitMigrationPlan *self)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION_PLAN (self), NULL);

  return self->stages;
}

/**
 * godwit_migration_plan_find_stage:
 * @from: a version name
 * @to: the version after @from
 *
 * Returns: (nullable): the stage that migrates from @from to @to as one of
 *   its steps, or %NULL when no stage does: that step is then a
 *   lightweight one
 */
const GodwitMigrationStage *
godwit_migration_plan_find_stage (GodwitMigrationPlan *self,
                                  const char          *from,
                                  const char          *to)
{
  g_return_val_if_fail (GODWIT_IS_MIGRATION_PLAN (self), NULL);
  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (to != NULL, NULL);

  for (guint i = 0; i < self->stages->len; i++)
    {
      const GodwitMigrationStage *stage = g_ptr_array_index (self->stages, i);

      for (guint k = 0; stage->versions[k] != NULL && stage->versions[k + 1] != NULL; k++)
        if (strcmp (stage->versions[k], from) == 0 && strcmp (stage->versions[k + 1], to) == 0)
          return stage;
    }

  return NULL;
}

static const char *
describe_bundle (GodwitModelBundle *bundle)
{
  const char *path = godwit_model_bundle_get_path (bundle);

  return path != NULL ? path : _("the model bundle");
}

/* The versions in migration order: the plan's, else the bundle's. */
static gboolean
resolve_order (GodwitMigrationPlan  *self,
               Validator            *v,
               GError              **error)
{
  guint n_versions = godwit_model_bundle_get_n_versions (v->bundle);

  for (guint i = 0; self->order == NULL && i < n_versions; i++)
    g_ptr_array_add (v->order, godwit_model_bundle_get_version (v->bundle, i));

  for (guint i = 0; self->order != NULL && self->order[i] != NULL; i++)
    {
      GodwitModel *model = godwit_model_bundle_find_version (v->bundle, self->order[i]);

      if (model == NULL)
        {
          g_autofree char *path = element_path (NULL, "order", i);

          _godwit_json_set_error (v->origin, error, GODWIT_ERROR_UNKNOWN_VERSION, path,
                                  _("“%s” is not a version of %s"), self->order[i],
                                  describe_bundle (v->bundle));
          return FALSE;
        }
      g_ptr_array_add (v->order, model);
    }

  for (guint i = 0; i < v->order->len; i++)
    g_hash_table_insert (v->positions,
                         (gpointer) godwit_model_get_version_name (g_ptr_array_index (v->order, i)),
                         GUINT_TO_POINTER (i + 1));

  /* Names were checked distinct when reading. */
  for (guint i = 0; i < n_versions; i++)
    {
      const char *name = godwit_model_get_version_name (godwit_model_bundle_get_version (v->bundle, i));

      if (!g_hash_table_contains (v->positions, name))
        {
          _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, "order",
                                  _("leaves out version “%s” of %s: the order names every version"),
                                  name, describe_bundle (v->bundle));
          return FALSE;
        }
    }

  return TRUE;
}

static char *
stage_version_path (const GodwitMigrationStage *stage,
                    guint                       k)
{
  if (stage->kind == GODWIT_MIGRATION_STAGE_CUSTOM)
    return _godwit_json_member_path (stage->json_path, k == 0 ? "from" : "to");

  return element_path (stage->json_path, "versions", k);
}

/* A stage's versions follow each other in the order, and none of its
 * steps is in an earlier stage (@owners: the stage of each step, by the
 * position of the version it starts from). */
static gboolean
check_stage_versions (Validator                   *v,
                      const GodwitMigrationStage  *stage,
                      guint                        index,
                      int                         *owners,
                      GError                     **error)
{
  guint previous = 0;

  for (guint k = 0; stage->versions[k] != NULL; k++)
    {
      g_autofree char *path = stage_version_path (stage, k);
      guint position = GPOINTER_TO_UINT (g_hash_table_lookup (v->positions, stage->versions[k]));
      const char *name = stage->versions[k];

      if (position == 0)
        {
          _godwit_json_set_error (v->origin, error, GODWIT_ERROR_UNKNOWN_VERSION, path,
                                  _("“%s” is not a version of %s"), name, describe_bundle (v->bundle));
          return FALSE;
        }

      if (k > 0 && position <= previous)
        {
          _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                                  _("“%s” comes before “%s” in the version order: stages migrate "
                                    "forward"), name, stage->versions[k - 1]);
          return FALSE;
        }

      if (k > 0 && position > previous + 1)
        {
          /* Positions count from 1, so the version after the previous one
           * is at index @previous. */
          const char *between = godwit_model_get_version_name (g_ptr_array_index (v->order, previous));

          if (stage->kind == GODWIT_MIGRATION_STAGE_CUSTOM)
            _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                                    _("a custom stage migrates one step, from a version to the "
                                      "next, but “%s” is %u steps after “%s” (“%s” comes between)"),
                                    name, position - previous, stage->versions[k - 1], between);
          else
            _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                                    _("“%s” does not follow “%s” in the version order (“%s” does): "
                                      "a stage names each version it passes through"), name,
                                    stage->versions[k - 1], between);
          return FALSE;
        }

      if (k > 0 && owners[previous - 1] >= 0)
        {
          _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, stage->json_path,
                                  _("the step from “%s” to “%s” is in stages[%d] too: stages may "
                                    "share a version but not a step"), stage->versions[k - 1], name,
                                  owners[previous - 1]);
          return FALSE;
        }

      if (k > 0)
        owners[previous - 1] = (int) index;
      previous = position;
    }

  return TRUE;
}

/* Only what one source object gives may be read: its own columns, and
 * no subquery (which could read any table, or other source objects). */
static int
authorize_expression (void       *data,
                      int         action,
                      const char *arg1,
                      const char *arg2,
                      const char *database,
                      const char *trigger)
{
  Validator *v = data;

  switch (action)
    {
    case SQLITE_SELECT:
      if (++v->n_selects == 1)
        return SQLITE_OK;
      g_free (v->denial);
      v->denial = g_strdup (_("it holds a subquery, but an expression sees only the source object"));
      return SQLITE_DENY;

    case SQLITE_READ:
      if (g_strcmp0 (arg1, v->table) == 0)
        return SQLITE_OK;
      g_free (v->denial);
      v->denial = g_strdup_printf (_("it reads the table “%s”, but an expression sees only "
                                     "the source object"), arg1);
      return SQLITE_DENY;

    case SQLITE_FUNCTION:
      return SQLITE_OK;

    default:
      g_free (v->denial);
      v->denial = g_strdup (_("it is not a plain expression"));
      return SQLITE_DENY;
    }
}

/* The table expressions over @source are prepared against, made once per
 * entity: Z_PK, and a column for each stored attribute and to-one
 * relationship (own and inherited). SQL names are case-insensitive: of
 * names differing only in case, the first counts. */
static gboolean
bind_source_object (Validator     *v,
                    GodwitEntity  *source,
                    GError       **error)
{
  g_autoptr(GPtrArray) properties = NULL;
  g_autoptr(GHashTable) seen = NULL;
  char *table = g_hash_table_lookup (v->tables, source);
  sqlite3_str *sql;
  char *statement;
  int rc;

  if (table != NULL)
    {
      v->table = table;
      return TRUE;
    }

  table = g_strdup_printf ("godwit_source_%u", g_hash_table_size (v->tables));
  g_hash_table_insert (v->tables, source, table);
  properties = godwit_entity_dup_all_properties (source);
  seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (seen, g_strdup ("z_pk"));

  sql = sqlite3_str_new (v->db);
  sqlite3_str_appendf (sql, "CREATE TABLE %s (\"Z_PK\"", table);
  for (guint i = 0; i < properties->len; i++)
    {
      GodwitProperty *property = g_ptr_array_index (properties, i);

      if (!godwit_property_is_stored (property) ||
          (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP && property->to_many) ||
          !g_hash_table_add (seen, g_ascii_strdown (property->name, -1)))
        continue;

      sqlite3_str_appendf (sql, ", \"%w\"", property->name);
    }
  sqlite3_str_appendall (sql, ")");

  statement = sqlite3_str_finish (sql);
  rc = statement != NULL ? sqlite3_exec (v->db, statement, NULL, NULL, NULL) : SQLITE_NOMEM;
  sqlite3_free (statement);
  if (rc != SQLITE_OK)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, NULL,
                              _("cannot check expressions over entity %s: %s"), source->name,
                              sqlite3_errstr (rc));
      return FALSE;
    }
  v->table = table;

  return TRUE;
}

/* Prepares (never runs) @expression against the bound source object. */
static gboolean
check_expression (Validator     *v,
                  const char    *expression,
                  GodwitEntity  *source,
                  const char    *path,
                  GError       **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *statement = NULL;
  int rc;

  /* On lines of its own, so that a trailing -- comment ends before ")". */
  sql = g_strdup_printf ("SELECT (\n%s\n) FROM %s", expression, v->table);
  v->n_selects = 0;
  g_clear_pointer (&v->denial, g_free);
  sqlite3_set_authorizer (v->db, authorize_expression, v);
  rc = sqlite3_prepare_v2 (v->db, sql, -1, &statement, NULL);
  sqlite3_set_authorizer (v->db, NULL, NULL);
  sqlite3_finalize (statement);

  if (rc != SQLITE_OK)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("not an SQL expression over a %s object: %s"), source->name,
                              v->denial != NULL ? v->denial : sqlite3_errmsg (v->db));
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_attribute (Validator                *v,
                 const GodwitPlanValue    *value,
                 GodwitEntity             *source,
                 GodwitEntity             *destination,
                 const char               *path,
                 GError                  **error)
{
  GodwitProperty *property = godwit_entity_find_property (destination, value->attribute);

  if (property == NULL)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("entity %s has no attribute “%s”"), destination->name,
                              value->attribute);
      return FALSE;
    }

  if (property->kind == GODWIT_PROPERTY_KIND_RELATIONSHIP)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("“%s” is a relationship of %s: give it under “relationships”"),
                              value->attribute, destination->name);
      return FALSE;
    }

  if (!godwit_property_is_stored (property))
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              property->kind == GODWIT_PROPERTY_KIND_FETCHED
                              ? _("“%s” of %s is a fetched property, which the store does not keep")
                              : _("“%s” of %s is transient, which the store does not keep"),
                              value->attribute, destination->name);
      return FALSE;
    }

  return check_expression (v, value->expression, source, path, error);
}

/* @mappings: every entity mapping of the stage, explicit or implicit, by
 * name → its destination entity; @mapping_names: their names in order. */
static gboolean
check_link (Validator             *v,
            const GodwitPlanLink  *link,
            GodwitEntity          *source,
            GodwitEntity          *destination,
            GodwitModel           *to_model,
            GHashTable            *mappings,
            GPtrArray             *mapping_names,
            const char            *path,
            GError               **error)
{
  GodwitProperty *property = godwit_entity_find_property (destination, link->relationship);
  g_autofree char *mapping_path = _godwit_json_member_path (path, "mapping");
  g_autofree char *source_path = _godwit_json_member_path (path, "source");
  GodwitEntity *target;
  GodwitEntity *made;

  if (property == NULL)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("entity %s has no relationship “%s”"), destination->name,
                              link->relationship);
      return FALSE;
    }

  if (property->kind != GODWIT_PROPERTY_KIND_RELATIONSHIP)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              property->kind == GODWIT_PROPERTY_KIND_ATTRIBUTE
                              ? _("“%s” is an attribute of %s, not a relationship")
                              : _("“%s” is a fetched property of %s, not a relationship"),
                              link->relationship, destination->name);
      return FALSE;
    }

  if (property->transient)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("“%s” of %s is transient, which the store does not keep"),
                              link->relationship, destination->name);
      return FALSE;
    }

  if (property->to_many)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                              _("“%s” of %s is a to-many relationship: an entity mapping links "
                                "to-one relationships, so link its inverse instead"),
                              link->relationship, destination->name);
      return FALSE;
    }

  made = g_hash_table_lookup (mappings, link->mapping);
  if (made == NULL)
    {
      const char * const *names = (const char * const *) mapping_names->pdata;
      g_autofree char *list = _godwit_json_join_quoted (names);

      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, mapping_path,
                              _("this stage has no entity mapping “%s” (it has %s)"), link->mapping,
                              list);
      return FALSE;
    }

  target = godwit_model_get_entity (to_model, property->destination_entity);
  if (target == NULL || !godwit_entity_is_kind_of (made, target))
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, mapping_path,
                              _("“%s” makes %s objects, but “%s” of %s links to %s objects"),
                              link->mapping, made->name, link->relationship, destination->name,
                              property->destination_entity);
      return FALSE;
    }

  return check_expression (v, link->source_key, source, source_path, error);
}

static gboolean
check_entity_mapping (Validator                      *v,
                      const GodwitPlanEntityMapping  *mapping,
                      GodwitModel                    *from_model,
                      GodwitModel                    *to_model,
                      GHashTable                     *mappings,
                      GPtrArray                      *mapping_names,
                      GError                        **error)
{
  GodwitEntity *source = godwit_model_get_entity (from_model, mapping->source);
  GodwitEntity *destination = g_hash_table_lookup (mappings, mapping->name);

  if (!bind_source_object (v, source, error))
    return FALSE;

  if (mapping->filter != NULL)
    {
      g_autofree char *path = _godwit_json_member_path (mapping->json_path, "filter");

      if (!check_expression (v, mapping->filter, source, path, error))
        return FALSE;
    }

  for (guint i = 0; i < mapping->attributes->len; i++)
    {
      const GodwitPlanValue *value = g_ptr_array_index (mapping->attributes, i);
      g_autofree char *path = g_strdup_printf ("%s.attributes.%s", mapping->json_path, value->attribute);

      if (!check_attribute (v, value, source, destination, path, error))
        return FALSE;
    }

  for (guint i = 0; i < mapping->relationships->len; i++)
    {
      const GodwitPlanLink *link = g_ptr_array_index (mapping->relationships, i);
      g_autofree char *path = g_strdup_printf ("%s.relationships.%s", mapping->json_path,
                                               link->relationship);

      if (!check_link (v, link, source, destination, to_model, mappings, mapping_names, path, error))
        return FALSE;
    }

  return TRUE;
}

/* The entities of a custom stage's mappings exist; so do the attributes
 * and relationships given values, and the mappings links name, among them
 * the implicit <Source>To<Destination> copy of each destination entity no
 * mapping has as its destination. */
static gboolean
check_custom_stage (Validator                   *v,
                    const GodwitMigrationStage  *stage,
                    GodwitModel                 *from_model,
                    GodwitModel                 *to_model,
                    GError                     **error)
{
  g_autoptr(GHashTable) mappings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) mapped = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) mapping_names = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  g_autoptr(GPtrArray) implicit_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GodwitModelDiff) diff = NULL;
  GPtrArray *entities = godwit_model_get_entities (to_model);

  for (guint i = 0; i < stage->entity_mappings->len; i++)
    {
      const GodwitPlanEntityMapping *mapping = g_ptr_array_index (stage->entity_mappings, i);
      const char *sides[] = { mapping->source, mapping->destination };
      GodwitModel *models[] = { from_model, to_model };

      for (guint side = 0; side < G_N_ELEMENTS (sides); side++)
        if (godwit_model_get_entity (models[side], sides[side]) == NULL)
          {
            g_autofree char *path = _godwit_json_member_path (mapping->json_path,
                                                              side == 0 ? "source" : "destination");

            _godwit_json_set_error (v->origin, error, GODWIT_ERROR_UNKNOWN_ENTITY, path,
                                    _("version “%s” has no entity “%s”"),
                                    godwit_model_get_version_name (models[side]), sides[side]);
            return FALSE;
          }

      g_hash_table_add (mapped, mapping->destination);
    }

  /* The implicit mappings pair entities as an inferred mapping does. */
  diff = godwit_model_diff_new (from_model, to_model);
  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *destination = g_ptr_array_index (entities, i);
      const GodwitEntityChange *change;

      if (g_hash_table_contains (mapped, destination->name))
        continue;

      change = godwit_model_diff_find_destination_entity (diff, destination->name);
      if (change == NULL || change->source == NULL)
        continue;

      g_ptr_array_add (implicit_names, g_strdup_printf ("%sTo%s", change->source->name,
                                                        destination->name));
      g_hash_table_insert (mappings, g_strdup (g_ptr_array_index (implicit_names, implicit_names->len - 1)),
                           destination);
    }

  for (guint i = 0; i < stage->entity_mappings->len; i++)
    {
      const GodwitPlanEntityMapping *mapping = g_ptr_array_index (stage->entity_mappings, i);
      GodwitEntity *copied = g_hash_table_lookup (mappings, mapping->name);

      if (copied != NULL)
        {
          g_autofree char *path = _godwit_json_member_path (mapping->json_path, "name");

          _godwit_json_set_error (v->origin, error, GODWIT_ERROR_INVALID_MODEL, path,
                                  _("“%s” is also the name of the implicit entity mapping that "
                                    "copies %s objects (no entity mapping has %s as its "
                                    "destination): choose another name"), mapping->name, copied->name,
                                  copied->name);
          return FALSE;
        }

      g_ptr_array_add (mapping_names, g_strdup (mapping->name));
    }

  for (guint i = 0; i < stage->entity_mappings->len; i++)
    {
      const GodwitPlanEntityMapping *mapping = g_ptr_array_index (stage->entity_mappings, i);

      g_hash_table_insert (mappings, g_strdup (mapping->name),
                           godwit_model_get_entity (to_model, mapping->destination));
    }

  for (guint i = 0; i < implicit_names->len; i++)
    g_ptr_array_add (mapping_names, g_strdup (g_ptr_array_index (implicit_names, i)));

  for (guint i = 0; i < stage->entity_mappings->len; i++)
    if (!check_entity_mapping (v, g_ptr_array_index (stage->entity_mappings, i),
                               from_model, to_model, mappings, mapping_names, error))
      return FALSE;

  return TRUE;
}

/* The in-memory database expressions are prepared against. */
static gboolean
open_validator (Validator  *v,
                GError    **error)
{
  int rc = sqlite3_open_v2 (":memory:", &v->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);

  if (rc != SQLITE_OK)
    {
      _godwit_json_set_error (v->origin, error, GODWIT_ERROR_IO, NULL,
                              _("cannot open an SQLite database in memory to check expressions: %s"),
                              sqlite3_errstr (rc));
      return FALSE;
    }

  return TRUE;
}

static void
close_validator (Validator *v)
{
  sqlite3_close (v->db);
  v->db = NULL;
  g_clear_pointer (&v->denial, g_free);
}

/**
 * godwit_migration_plan_validate:
 * @bundle: the model bundle the plan is beside
 *
 * Checks the plan against @bundle: "order" names every version exactly
 * once (so godwit_model_bundle_set_version_order() will take it); every
 * stage names versions of the bundle, each the one after the one before,
 * a custom stage exactly two; no two stages share a step; and each custom
 * stage passes godwit_migration_stage_validate() against its versions.
 * The SQL of will-migrate and did-migrate is checked only when it runs.
 * @bundle is not changed.
 *
 * Returns: %TRUE when the plan fits @bundle, else %FALSE with @error set
 *   (a message pointing at the key at fault)
 */
gboolean
godwit_migration_plan_validate (GodwitMigrationPlan  *self,
                                GodwitModelBundle    *bundle,
                                GError              **error)
{
  g_autoptr(GPtrArray) order = g_ptr_array_new ();
  g_autoptr(GHashTable) positions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) tables = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autofree int *owners = NULL;
  Validator v = { NULL, bundle, order, positions, NULL, tables, NULL, 0, NULL };
  gboolean ok;

  g_return_val_if_fail (GODWIT_IS_MIGRATION_PLAN (self), FALSE);
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (bundle), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  v.origin = describe_origin (self->path);
  if (!resolve_order (self, &v, error))
    return FALSE;

  owners = g_new (int, MAX (order->len, 1));
  for (guint i = 0; i < order->len; i++)
    owners[i] = -1;

  for (guint i = 0; i < self->stages->len; i++)
    if (!check_stage_versions (&v, g_ptr_array_index (self->stages, i), i, owners, error))
      return FALSE;

  ok = open_validator (&v, error);
  for (guint i = 0; ok && i < self->stages->len; i++)
    {
      const GodwitMigrationStage *stage = g_ptr_array_index (self->stages, i);

      /* The versions exist: check_stage_versions() saw them. */
      if (stage->kind == GODWIT_MIGRATION_STAGE_CUSTOM)
        ok = check_custom_stage (&v, stage,
                                 godwit_model_bundle_find_version (bundle, stage->versions[0]),
                                 godwit_model_bundle_find_version (bundle, stage->versions[1]),
                                 error);
    }
  close_validator (&v);

  return ok;
}

/**
 * godwit_migration_stage_new_custom:
 * @from: the version the stage migrates from
 * @to: the version after it
 * @json_path: where the stage comes from, for messages (a plan's
 *   "stages[1]", or the file of a mapping model the stage was made from)
 *
 * A custom stage that no plan owns, without will-migrate and did-migrate
 * statements; godwit_migration_stage_add_entity_mapping() fills it.
 *
 * Returns: (transfer full): the stage, for godwit_migration_stage_free()
 */
GodwitMigrationStage *
godwit_migration_stage_new_custom (const char *from,
                                   const char *to,
                                   const char *json_path)
{
  GodwitMigrationStage *stage;

  g_return_val_if_fail (from != NULL, NULL);
  g_return_val_if_fail (to != NULL, NULL);
  g_return_val_if_fail (json_path != NULL, NULL);

  stage = stage_new (GODWIT_MIGRATION_STAGE_CUSTOM, g_strdup (json_path));
  stage->versions = g_new0 (char *, 3);
  stage->versions[0] = g_strdup (from);
  stage->versions[1] = g_strdup (to);
  stage->will_migrate = g_new0 (char *, 1);
  stage->did_migrate = g_new0 (char *, 1);

  return stage;
}

/**
 * godwit_migration_stage_add_entity_mapping:
 * @name: unique within the stage
 * @source: the source entity
 * @destination: the destination entity
 * @json_path: where the mapping comes from, for messages
 *
 * Appends an entity mapping without filter, values or links; set its
 * filter and add them with godwit_plan_entity_mapping_add_value() and
 * godwit_plan_entity_mapping_add_link().
 *
 * Returns: (transfer none): the entity mapping, owned by @self
 */
GodwitPlanEntityMapping *
godwit_migration_stage_add_entity_mapping (GodwitMigrationStage *self,
                                           const char           *name,
                                           const char           *source,
                                           const char           *destination,
                                           const char           *json_path)
{
  GodwitPlanEntityMapping *mapping;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL && source != NULL && destination != NULL, NULL);
  g_return_val_if_fail (json_path != NULL, NULL);

  mapping = entity_mapping_new (g_strdup (json_path));
  mapping->name = g_strdup (name);
  mapping->source = g_strdup (source);
  mapping->destination = g_strdup (destination);
  g_ptr_array_add (self->entity_mappings, mapping);

  return mapping;
}

/**
 * godwit_plan_entity_mapping_add_value:
 * @attribute: a destination attribute
 * @expression: an SQL expression over the source object
 */
void
godwit_plan_entity_mapping_add_value (GodwitPlanEntityMapping *self,
                                      const char              *attribute,
                                      const char              *expression)
{
  GodwitPlanValue *value;

  g_return_if_fail (self != NULL);
  g_return_if_fail (attribute != NULL && expression != NULL);

  value = g_new0 (GodwitPlanValue, 1);
  value->attribute = g_strdup (attribute);
  value->expression = g_strdup (expression);
  g_ptr_array_add (self->attributes, value);
}

/**
 * godwit_plan_entity_mapping_add_link:
 * @relationship: a destination to-one relationship
 * @mapping: the entity mapping that made the objects it links to
 * @source_key: an SQL expression over the source object giving the Z_PK
 *   of the source object @mapping made the linked object from
 */
void
godwit_plan_entity_mapping_add_link (GodwitPlanEntityMapping *self,
                                     const char              *relationship,
                                     const char              *mapping,
                                     const char              *source_key)
{
  GodwitPlanLink *link;

  g_return_if_fail (self != NULL);
  g_return_if_fail (relationship != NULL && mapping != NULL && source_key != NULL);

  link = g_new0 (GodwitPlanLink, 1);
  link->relationship = g_strdup (relationship);
  link->mapping = g_strdup (mapping);
  link->source_key = g_strdup (source_key);
  g_ptr_array_add (self->relationships, link);
}

/**
 * godwit_migration_stage_validate:
 * @source: the resolved model of the stage's "from" version
 * @destination: the resolved model of its "to" version
 * @origin: (nullable): the file the stage comes from, to start messages
 *   with; %NULL when the stage's paths name it themselves
 *
 * Checks a custom stage against its two versions, as
 * godwit_migration_plan_validate() checks each custom stage of a plan:
 * the entities of each entity mapping exist, and so do the attributes and
 * to-one relationships it gives values; the entity mapping a link names
 * exists in the stage (explicit, or the implicit copy of a destination
 * entity no mapping makes) and makes objects of the relationship's
 * destination entity; and each expression prepares as SQL over the source
 * object, reading nothing else.
 *
 * Returns: %TRUE when the stage fits, else %FALSE with @error set
 */
gboolean
godwit_migration_stage_validate (const GodwitMigrationStage  *stage,
                                 GodwitModel                 *source,
                                 GodwitModel                 *destination,
                                 const char                  *origin,
                                 GError                     **error)
{
  g_autoptr(GHashTable) tables = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  Validator v = { origin, NULL, NULL, NULL, NULL, tables, NULL, 0, NULL };
  gboolean ok;

  g_return_val_if_fail (stage != NULL, FALSE);
  g_return_val_if_fail (GODWIT_IS_MODEL (source), FALSE);
  g_return_val_if_fail (GODWIT_IS_MODEL (destination), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (stage->kind != GODWIT_MIGRATION_STAGE_CUSTOM)
    {
      _godwit_json_set_error (origin, error, GODWIT_ERROR_INVALID_MODEL, stage->json_path,
                              _("not a custom stage"));
      return FALSE;
    }

  ok = open_validator (&v, error) && check_custom_stage (&v, stage, source, destination, error);
  close_validator (&v);

  return ok;
}
