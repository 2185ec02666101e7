/* godwit-cli-inspect.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli inspect STORE [--model BUNDLE]: what a store says about
 * itself (metadata, Z_PRIMARYKEY, tables, history) and how it compares
 * with its cached model and with the versions of a bundle.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-cli-private.h"
#include "godwit-plist.h"
#include "godwit-value.h"

/* Metadata values longer than this are cut in text output. */
#define METADATA_TEXT_CHARS 72

typedef struct
{
  char     *name;
  guint     entity_number;
  char     *parent_name;
  char     *table;
  gboolean  abstract;
  char     *model_hash;                /* (nullable) */
  char     *store_hash;                /* (nullable) */
  gint64    objects;                   /* -1 when the entity has no table */
  gint64    objects_with_subentities;  /* likewise */
} EntityFacts;

typedef struct
{
  GodwitCliStore     *cli_store;        /* (unowned) */
  GPtrArray          *entities;         /* (element-type EntityFacts) */
  GodwitModelBundle  *cache_bundle;     /* (nullable) the cached model as a one-version bundle */
  GodwitVersionMatch *cache_match;      /* (nullable) the metadata against the cached model */
  gint64              n_transactions;
  gboolean            mismatch;
} Inspection;

static void
entity_facts_free (gpointer data)
{
  EntityFacts *facts = data;

  g_free (facts->name);
  g_free (facts->parent_name);
  g_free (facts->table);
  g_free (facts->model_hash);
  g_free (facts->store_hash);
  g_free (facts);
}

static void
inspection_clear (Inspection *inspection)
{
  g_clear_pointer (&inspection->entities, g_ptr_array_unref);
  g_clear_object (&inspection->cache_match);
  g_clear_object (&inspection->cache_bundle);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Inspection, inspection_clear)

static gboolean
collect_entities (Inspection  *inspection,
                  GError     **error)
{
  GodwitStore *store = inspection->cli_store->store;
  GHashTable *store_hashes = godwit_store_get_version_hashes (store);
  GPtrArray *entities = godwit_store_get_entities (store);

  inspection->entities = g_ptr_array_new_with_free_func (entity_facts_free);

  for (guint i = 0; i < entities->len; i++)
    {
      const GodwitStoreEntity *entity = g_ptr_array_index (entities, i);
      GBytes *store_hash = g_hash_table_lookup (store_hashes, entity->name);
      EntityFacts *facts = g_new0 (EntityFacts, 1);

      facts->name = g_strdup (entity->name);
      facts->entity_number = entity->entity_number;
      facts->parent_name = g_strdup (entity->parent_name);
      facts->table = g_strdup (entity->table);
      facts->abstract = entity->abstract;
      facts->model_hash = entity->entity != NULL ? godwit_entity_dup_version_hash_hex (entity->entity) : NULL;
      facts->store_hash = store_hash != NULL ? godwit_hex_encode (g_bytes_get_data (store_hash, NULL), g_bytes_get_size (store_hash)) : NULL;
      facts->objects = -1;
      facts->objects_with_subentities = -1;
      g_ptr_array_add (inspection->entities, facts);

      /* Its absence is a schema warning already. */
      if (entity->table == NULL)
        continue;

      facts->objects = godwit_store_count_objects (store, entity->name, FALSE, NULL, error);
      if (facts->objects < 0)
        return FALSE;

      facts->objects_with_subentities = godwit_store_count_objects (store, entity->name, TRUE, NULL, error);
      if (facts->objects_with_subentities < 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
count_transactions (Inspection  *inspection,
                    GError     **error)
{
  inspection->n_transactions =
    godwit_store_count_history_transactions (inspection->cli_store->store, NULL, error);

  return inspection->n_transactions >= 0;
}

/* The cached model against the metadata, by the same rule as a bundle
 * version: only when both exist is there something to compare. */
static void
compare_cached_model (Inspection *inspection)
{
  GodwitCliStore *cli_store = inspection->cli_store;
  GHashTable *store_hashes = godwit_store_get_version_hashes (cli_store->store);
  GodwitModel *cached_model = godwit_model_choice_get_cached_model (cli_store->model_choice);

  if (cached_model == NULL || g_hash_table_size (store_hashes) == 0)
    return;

  inspection->cache_bundle = godwit_model_bundle_new_for_model (cached_model,
                                                                GODWIT_MODEL_BUNDLE_KIND_STORE_CACHE);
  inspection->cache_match = godwit_version_match_new (store_hashes, cached_model,
                                                      inspection->cache_bundle);
}

static gboolean
cached_model_matches (Inspection *inspection)
{
  return inspection->cache_match == NULL ||
         godwit_version_match_get_matched_version (inspection->cache_match) != NULL;
}

static gboolean
bundle_matches (Inspection *inspection)
{
  GodwitVersionMatch *match = godwit_model_choice_get_bundle_match (inspection->cli_store->model_choice);

  return match == NULL || godwit_version_match_get_matched_version (match) != NULL;
}

static void
add_bundle_match (JsonBuilder *builder,
                  Inspection  *inspection)
{
  GodwitCliStore *cli_store = inspection->cli_store;
  GodwitVersionMatch *match = godwit_model_choice_get_bundle_match (cli_store->model_choice);
  GodwitModel *matched;
  GodwitModel *nearest;
  GPtrArray *matching;

  json_builder_set_member_name (builder, "bundle_match");
  if (match == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  matched = godwit_version_match_get_matched_version (match);
  nearest = godwit_version_match_get_nearest_version (match);
  matching = godwit_version_match_get_matching_versions (match);

  json_builder_begin_object (builder);
  _godwit_json_add_nullable_string (builder, "bundle",
                                    godwit_model_bundle_get_path (cli_store->bundle));
  _godwit_json_add_nullable_string (builder, "matched_version",
                                    matched != NULL
                                    ? godwit_model_get_version_name (matched) : NULL);
  json_builder_set_member_name (builder, "matching_versions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < matching->len; i++)
    json_builder_add_string_value (builder, godwit_model_get_version_name (g_ptr_array_index (matching, i)));
  json_builder_end_array (builder);
  _godwit_json_add_nullable_string (builder, "nearest_version",
                                    nearest != NULL
                                    ? godwit_model_get_version_name (nearest) : NULL);
  json_builder_set_member_name (builder, "equal_entities");
  json_builder_add_int_value (builder, nearest != NULL ? godwit_version_match_count_equal_entities (match, nearest) : 0);
  json_builder_set_member_name (builder, "differences");
  _godwit_cli_add_differences (builder, godwit_version_match_get_differences (match));
  json_builder_end_object (builder);
}

static void
add_model_cache (JsonBuilder *builder,
                 Inspection  *inspection)
{
  GodwitCliStore *cli_store = inspection->cli_store;

  json_builder_set_member_name (builder, "model_cache");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "present");
  json_builder_add_boolean_value (builder, godwit_store_has_model_cache (cli_store->store));
  _godwit_json_add_nullable_string (builder, "error",
                                    godwit_model_choice_get_cached_model_error (cli_store->model_choice));
  json_builder_set_member_name (builder, "matches_metadata");
  if (inspection->cache_match != NULL)
    json_builder_add_boolean_value (builder, cached_model_matches (inspection));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "differences");
  if (inspection->cache_match != NULL)
    _godwit_cli_add_differences (builder, godwit_version_match_get_differences (inspection->cache_match));
  else
    _godwit_cli_add_differences (builder, NULL);
  json_builder_end_object (builder);
}

static void
print_json (Inspection *inspection)
{
  GodwitCliStore *cli_store = inspection->cli_store;
  GodwitStore *store = cli_store->store;
  GodwitModel *model = godwit_store_get_model (store);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) metadata = NULL;
  gint64 framework_version = godwit_store_get_framework_version (store);

  json_builder_begin_object (builder);
  _godwit_json_add_nullable_string (builder, "path", godwit_store_get_path (store));
  _godwit_json_add_nullable_string (builder, "uuid", godwit_store_get_uuid (store));
  _godwit_json_add_count (builder, "framework_version", framework_version);
  _godwit_json_add_nullable_string (builder, "journal_mode", godwit_store_get_journal_mode (store));
  json_builder_set_member_name (builder, "metadata_is_null");
  json_builder_add_boolean_value (builder, godwit_store_get_metadata_is_null (store));
  json_builder_set_member_name (builder, "metadata");
  metadata = godwit_plist_to_json (godwit_store_get_metadata (store));
  if (metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata))
    json_builder_add_value (builder, g_steal_pointer (&metadata));
  else
    {
      json_builder_begin_object (builder);
      json_builder_end_object (builder);
    }

  json_builder_set_member_name (builder, "model");
  json_builder_begin_object (builder);
  _godwit_json_add_nullable_string (builder, "source",
                                    _godwit_cli_model_source_to_string (godwit_model_choice_get_source (cli_store->model_choice)));
  _godwit_json_add_nullable_string (builder, "version",
                                    model != NULL ? godwit_model_get_version_name (model) : NULL);
  _godwit_json_add_nullable_string (builder, "bundle",
                                    cli_store->bundle != NULL
                                    ? godwit_model_bundle_get_path (cli_store->bundle) : NULL);
  _godwit_json_add_nullable_string (builder, "bundle_kind",
                                    cli_store->bundle != NULL
                                    ? godwit_model_bundle_get_kind_name (cli_store->bundle) : NULL);
  json_builder_end_object (builder);

  add_bundle_match (builder, inspection);
  add_model_cache (builder, inspection);

  json_builder_set_member_name (builder, "entities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < inspection->entities->len; i++)
    {
      EntityFacts *facts = g_ptr_array_index (inspection->entities, i);

      json_builder_begin_object (builder);
      _godwit_cli_add_entity (builder, facts->name, facts->parent_name, facts->abstract, facts->model_hash);
      _godwit_json_add_nullable_string (builder, "store_version_hash", facts->store_hash);
      json_builder_set_member_name (builder, "entity_number");
      json_builder_add_int_value (builder, facts->entity_number);
      _godwit_json_add_nullable_string (builder, "table", facts->table);
      _godwit_json_add_count (builder, "objects", facts->objects);
      _godwit_json_add_count (builder, "objects_including_subentities", facts->objects_with_subentities);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "history");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "present");
  json_builder_add_boolean_value (builder, godwit_store_has_persistent_history (store));
  json_builder_set_member_name (builder, "transactions");
  json_builder_add_int_value (builder, inspection->n_transactions);
  json_builder_end_object (builder);

  json_builder_set_member_name (builder, "schema_warnings");
  _godwit_json_add_string_array (builder, godwit_store_get_schema_warnings (store));

  json_builder_set_member_name (builder, "mismatch");
  json_builder_add_boolean_value (builder, inspection->mismatch);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  _godwit_cli_write_json (generator, root);
}

static char *
dup_model_text (Inspection *inspection)
{
  GodwitCliStore *cli_store = inspection->cli_store;
  GodwitModel *model = godwit_store_get_model (cli_store->store);

  switch (godwit_model_choice_get_source (cli_store->model_choice))
    {
    case GODWIT_MODEL_CHOICE_FROM_BUNDLE:
      return g_strdup_printf (_("version “%s” of %s"), godwit_model_get_version_name (model),
                              godwit_model_bundle_get_path (cli_store->bundle));
    case GODWIT_MODEL_CHOICE_FROM_STORE_CACHE:
      return g_strdup (_("the store’s cached model (Z_MODELCACHE)"));
    case GODWIT_MODEL_CHOICE_NONE:
      if (cli_store->bundle != NULL)
        return g_strdup (_("none: schema-only view (the bundle has no matching version and the store has no readable cached model)"));
      return g_strdup (_("none: schema-only view (no --model given and the store has no readable cached model)"));
    default:
      g_assert_not_reached ();
    }
}

static char *
dup_bundle_match_text (Inspection *inspection)
{
  GodwitVersionMatch *match = godwit_model_choice_get_bundle_match (inspection->cli_store->model_choice);
  GodwitModel *matched;
  GodwitModel *nearest;

  if (match == NULL)
    return NULL;

  matched = godwit_version_match_get_matched_version (match);
  nearest = godwit_version_match_get_nearest_version (match);

  if (matched != NULL)
    return g_strdup_printf (_("matches version “%s”"), godwit_model_get_version_name (matched));
  if (nearest == NULL)
    return g_strdup (_("matches no version"));

  return g_strdup_printf (_("matches no version; nearest is “%s” (%u of %u entities equal)"),
                          godwit_model_get_version_name (nearest),
                          godwit_version_match_count_equal_entities (match, nearest),
                          godwit_model_get_entities (nearest)->len);
}

static const char *
cached_model_text (Inspection *inspection)
{
  GodwitCliStore *cli_store = inspection->cli_store;

  if (!godwit_store_has_model_cache (cli_store->store))
    return _("absent");
  if (godwit_model_choice_get_cached_model (cli_store->model_choice) == NULL)
    return _("unreadable");
  if (inspection->cache_match == NULL)
    return _("present (no metadata hashes to compare with)");
  if (cached_model_matches (inspection))
    return _("hashes equal the metadata");

  return _("hashes differ from the metadata");
}

static void
print_metadata (GodwitStore *store)
{
  g_autoptr(JsonNode) metadata = godwit_plist_to_json (godwit_store_get_metadata (store));
  g_autoptr(GodwitCliTable) table = _godwit_cli_table_new (2);
  JsonObject *object;
  g_autoptr(GList) members = NULL;

  _godwit_cli_print_heading (_("Metadata"));

  if (godwit_store_get_metadata_is_null (store))
    {
      g_print ("  %s\n", _("empty: Z_METADATA.Z_PLIST is NULL"));
      return;
    }

  object = metadata != NULL && JSON_NODE_HOLDS_OBJECT (metadata) ? json_node_get_object (metadata) : NULL;
  members = object != NULL ? json_object_get_members (object) : NULL;
  if (members == NULL)
    {
      g_print ("  %s\n", _("empty"));
      return;
    }

  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *value = godwit_value_dup_text (json_object_get_member (object, l->data),
                                                      METADATA_TEXT_CHARS);

      _godwit_cli_table_add_row (table, l->data, value);
    }
  _godwit_cli_table_print (table, 2);
}

static char *
dup_count_text (gint64 count)
{
  return count >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, count) : NULL;
}

static void
print_entities (Inspection *inspection)
{
  g_autoptr(GodwitCliTable) table = _godwit_cli_table_new (8);

  _godwit_cli_print_heading (_("Entities"));

  if (inspection->entities->len == 0)
    {
      g_print ("  %s\n", _("none"));
      return;
    }

  _godwit_cli_table_set_headers (table, _("ENTITY"), _("Z_ENT"), _("PARENT"), _("TABLE"), _("OBJECTS"),
                                 _("WITH SUB-ENTITIES"), _("STORE HASH"), _("MODEL HASH"), NULL);
  _godwit_cli_table_align_right (table, 1);
  _godwit_cli_table_align_right (table, 4);
  _godwit_cli_table_align_right (table, 5);

  for (guint i = 0; i < inspection->entities->len; i++)
    {
      EntityFacts *facts = g_ptr_array_index (inspection->entities, i);
      g_autofree char *number = facts->entity_number ? g_strdup_printf ("%u", facts->entity_number) : NULL;
      g_autofree char *objects = dup_count_text (facts->objects);
      g_autofree char *with_subentities = dup_count_text (facts->objects_with_subentities);
      g_autofree char *store_hash = _godwit_cli_dup_short_hash (facts->store_hash);
      g_autofree char *model_hash = _godwit_cli_dup_short_hash (facts->model_hash);

      _godwit_cli_table_add_row (table, facts->name, number, facts->parent_name, facts->table, objects,
                                 with_subentities, store_hash, model_hash);
    }
  _godwit_cli_table_print (table, 2);
}

static void
print_text (Inspection *inspection)
{
  GodwitCliStore *cli_store = inspection->cli_store;
  GodwitStore *store = cli_store->store;
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  GPtrArray *warnings = godwit_store_get_schema_warnings (store);
  gint64 framework_version = godwit_store_get_framework_version (store);
  g_autofree char *framework_text = dup_count_text (framework_version);
  g_autofree char *model_text = dup_model_text (inspection);
  g_autofree char *match_text = dup_bundle_match_text (inspection);
  g_autofree char *history_text = NULL;
  const char *cached_model_error = godwit_model_choice_get_cached_model_error (cli_store->model_choice);

  if (godwit_store_has_persistent_history (store))
    {
      g_autofree char *count = dup_count_text (inspection->n_transactions);

      history_text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "present, %s transaction",
                                                   "present, %s transactions",
                                                   (gulong) MIN (inspection->n_transactions, G_MAXLONG)),
                                      count);
    }
  else
    history_text = g_strdup (_("none"));

  _godwit_cli_table_add_row (summary, _("Store"), godwit_store_get_path (store));
  _godwit_cli_table_add_row (summary, _("UUID"), godwit_store_get_uuid (store));
  _godwit_cli_table_add_row (summary, _("Framework version"), framework_text);
  _godwit_cli_table_add_row (summary, _("Journal mode"), godwit_store_get_journal_mode (store));
  _godwit_cli_table_add_row (summary, _("Model"), model_text);
  if (match_text != NULL)
    _godwit_cli_table_add_row (summary, _("Bundle match"), match_text);
  _godwit_cli_table_add_row (summary, _("Cached model"), cached_model_text (inspection));
  if (cached_model_error != NULL)
    _godwit_cli_table_add_row (summary, "", cached_model_error);
  _godwit_cli_table_add_row (summary, _("History"), history_text);
  _godwit_cli_table_print (summary, 0);

  print_metadata (store);
  print_entities (inspection);

  if (!bundle_matches (inspection))
    {
      GodwitVersionMatch *match = godwit_model_choice_get_bundle_match (cli_store->model_choice);
      GodwitModel *nearest = godwit_version_match_get_nearest_version (match);

      if (nearest != NULL)
        {
          g_autofree char *heading = g_strdup_printf (_("Differences from the nearest version, “%s”"),
                                                      godwit_model_get_version_name (nearest));

          _godwit_cli_print_heading (heading);
          _godwit_cli_print_differences (godwit_version_match_get_differences (match));
        }
    }

  if (!cached_model_matches (inspection))
    {
      _godwit_cli_print_heading (_("Differences between the metadata and the cached model"));
      _godwit_cli_print_differences (godwit_version_match_get_differences (inspection->cache_match));
    }

  if (warnings->len > 0)
    {
      _godwit_cli_print_heading (_("Schema warnings"));
      for (guint i = 0; i < warnings->len; i++)
        g_print ("  %s\n", (const char *) g_ptr_array_index (warnings, i));
    }
}

int
_godwit_cli_inspect (const GodwitCliCommand  *command,
                     int                      argc,
                     char                   **argv)
{
  g_autoptr(GodwitCliStore) cli_store = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(Inspection) inspection = { 0 };
  g_autofree char *bundle_path = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &bundle_path,
      N_("Compare with the versions of this model bundle (.xcdatamodeld, .xcdatamodel, .momd, .mom)"),
      N_("BUNDLE") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write JSON (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  cli_store = _godwit_cli_store_open (argv[1], bundle_path, &error);
  if (cli_store == NULL)
    return _godwit_cli_fail (error);

  inspection.cli_store = cli_store;

  if (!collect_entities (&inspection, &error) || !count_transactions (&inspection, &error))
    return _godwit_cli_fail (error);

  compare_cached_model (&inspection);
  inspection.mismatch = !bundle_matches (&inspection) || !cached_model_matches (&inspection);

  if (json)
    print_json (&inspection);
  else
    print_text (&inspection);

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return inspection.mismatch ? GODWIT_CLI_EXIT_MISMATCH : GODWIT_CLI_EXIT_OK;
}
