/* godwit-cli-model.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli model BUNDLE: the versions of a model bundle in order and,
 * per version, the entity version hashes with their digest and checksum.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-cli-private.h"

static void
add_version (JsonBuilder *builder,
             GodwitModel *version,
             gboolean     current)
{
  g_autofree char *digest = godwit_model_dup_version_hashes_digest (version);
  g_autofree char *checksum = godwit_model_dup_version_checksum (version);
  GPtrArray *entities = godwit_model_get_entities (version);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, godwit_model_get_version_name (version));
  json_builder_set_member_name (builder, "current");
  json_builder_add_boolean_value (builder, current);
  json_builder_set_member_name (builder, "source");
  json_builder_add_string_value (builder, godwit_model_get_source_name (version));
  _godwit_json_add_nullable_string (builder, "path", godwit_model_get_path (version));
  json_builder_set_member_name (builder, "version_identifiers");
  _godwit_json_add_string_array (builder, godwit_model_get_version_identifiers (version));
  json_builder_set_member_name (builder, "version_hashes_digest");
  json_builder_add_string_value (builder, digest);
  json_builder_set_member_name (builder, "version_checksum");
  json_builder_add_string_value (builder, checksum);

  json_builder_set_member_name (builder, "entities");
  json_builder_begin_array (builder);
  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      g_autofree char *hash = godwit_entity_dup_version_hash_hex (entity);

      json_builder_begin_object (builder);
      _godwit_cli_add_entity (builder, entity->name, entity->parent_name, entity->abstract, hash);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_end_object (builder);
}

static void
print_json (GodwitModelBundle *bundle)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
  g_autoptr(JsonNode) root = NULL;
  GodwitModel *current = godwit_model_bundle_get_current_version (bundle);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, godwit_model_bundle_get_path (bundle));
  json_builder_set_member_name (builder, "kind");
  json_builder_add_string_value (builder, godwit_model_bundle_get_kind_name (bundle));
  _godwit_json_add_nullable_string (builder, "current_version",
                                    current != NULL
                                    ? godwit_model_get_version_name (current) : NULL);

  json_builder_set_member_name (builder, "versions");
  json_builder_begin_array (builder);
  for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
    {
      GodwitModel *version = godwit_model_bundle_get_version (bundle, i);

      add_version (builder, version, version == current);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  _godwit_cli_write_json (generator, root);
}

static void
print_text (GodwitModelBundle *bundle)
{
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  GodwitModel *current = godwit_model_bundle_get_current_version (bundle);
  guint n_versions = godwit_model_bundle_get_n_versions (bundle);
  g_autofree char *bundle_text = g_strdup_printf ("%s (%s)", godwit_model_bundle_get_path (bundle),
                                                  godwit_model_bundle_get_kind_name (bundle));
  g_autofree char *n_versions_text = g_strdup_printf ("%u", n_versions);

  _godwit_cli_table_add_row (summary, _("Bundle"), bundle_text);
  _godwit_cli_table_add_row (summary, _("Versions"), n_versions_text);
  _godwit_cli_table_add_row (summary, _("Current"),
                             current != NULL ? godwit_model_get_version_name (current) : NULL);
  _godwit_cli_table_print (summary, 0);

  for (guint i = 0; i < n_versions; i++)
    {
      GodwitModel *version = godwit_model_bundle_get_version (bundle, i);
      GPtrArray *entities = godwit_model_get_entities (version);
      g_autoptr(GodwitCliTable) hashes = _godwit_cli_table_new (2);
      g_autoptr(GodwitCliTable) table = _godwit_cli_table_new (3);
      g_autofree char *digest = godwit_model_dup_version_hashes_digest (version);
      g_autofree char *checksum = godwit_model_dup_version_checksum (version);
      g_autofree char *heading = NULL;

      if (version == current)
        heading = g_strdup_printf (_("Version %u: %s (current)"), i + 1, godwit_model_get_version_name (version));
      else
        heading = g_strdup_printf (_("Version %u: %s"), i + 1, godwit_model_get_version_name (version));
      _godwit_cli_print_heading (heading);

      _godwit_cli_table_add_row (hashes, _("Hashes digest"), digest);
      _godwit_cli_table_add_row (hashes, _("Checksum"), checksum);
      _godwit_cli_table_print (hashes, 2);

      _godwit_cli_table_set_headers (table, _("ENTITY"), _("PARENT"), _("VERSION HASH"), NULL);
      for (guint j = 0; j < entities->len; j++)
        {
          GodwitEntity *entity = g_ptr_array_index (entities, j);
          g_autofree char *hash = godwit_entity_dup_version_hash_hex (entity);

          _godwit_cli_table_add_row (table, entity->name, entity->parent_name, hash);
        }
      _godwit_cli_table_print (table, 2);
    }
}

int
_godwit_cli_model (const GodwitCliCommand  *command,
                   int                      argc,
                   char                   **argv)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;
  gboolean json = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write JSON (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  bundle = godwit_model_bundle_new_for_path (argv[1], &error);
  if (bundle == NULL)
    return _godwit_cli_fail (error);

  if (json)
    print_json (bundle);
  else
    print_text (bundle);

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return GODWIT_CLI_EXIT_OK;
}
