/* godwit-cli-migration-options.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the commands that migrate take (--model, --to, --plan, --mapping,
 * --json), and reading the files they name: once per command, so that a
 * command migrating several stores reads its bundle and plan only once.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-cli-private.h"

void
_godwit_cli_migration_options_clear (GodwitCliMigrationOptions *options)
{
  g_clear_pointer (&options->bundle_path, g_free);
  g_clear_pointer (&options->target_version, g_free);
  g_clear_pointer (&options->plan_path, g_free);
  g_clear_pointer (&options->mapping_paths, g_strfreev);
}

/* The members naming the files @options gives, as plan and validate
 * write them: "bundle", "plan" and "mapping_models". */
void
_godwit_cli_migration_options_add_json (const GodwitCliMigrationOptions *options,
                                        JsonBuilder                     *builder)
{
  json_builder_set_member_name (builder, "bundle");
  json_builder_add_string_value (builder, options->bundle_path);
  _godwit_json_add_nullable_string (builder, "plan", options->plan_path);
  json_builder_set_member_name (builder, "mapping_models");
  json_builder_begin_array (builder);
  for (guint i = 0; options->mapping_paths != NULL && options->mapping_paths[i] != NULL; i++)
    json_builder_add_string_value (builder, options->mapping_paths[i]);
  json_builder_end_array (builder);
}

void
_godwit_cli_migration_inputs_free (GodwitCliMigrationInputs *inputs)
{
  if (inputs == NULL)
    return;

  g_clear_object (&inputs->bundle);
  g_clear_object (&inputs->plan);
  g_clear_pointer (&inputs->mapping_models, g_ptr_array_unref);
  g_free (inputs);
}

/**
 * _godwit_cli_migration_inputs_load:
 * @store_path: (nullable): the store to migrate, named when --model is missing
 *
 * Reads the bundle, the plan and the mapping models @options name. The
 * plan is only read here: godwit_migration_new() checks it against the
 * bundle.
 */
GodwitCliMigrationInputs *
_godwit_cli_migration_inputs_load (const GodwitCliMigrationOptions  *options,
                                   const char                       *store_path,
                                   GError                          **error)
{
  g_autoptr(GodwitCliMigrationInputs) inputs = g_new0 (GodwitCliMigrationInputs, 1);

  if (options->bundle_path == NULL)
    {
      if (store_path != NULL)
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                     _("%s: --model BUNDLE is required: the store migrates through its versions"),
                     store_path);
      else
        g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                             _("--model BUNDLE is required: the stores migrate through the versions of their model"));
      return NULL;
    }

  inputs->bundle = godwit_model_bundle_new_for_path (options->bundle_path, error);
  if (inputs->bundle == NULL)
    return NULL;

  if (options->plan_path != NULL)
    {
      inputs->plan = godwit_migration_plan_new_for_path (options->plan_path, error);
      if (inputs->plan == NULL)
        return NULL;
    }

  inputs->mapping_models = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; options->mapping_paths != NULL && options->mapping_paths[i] != NULL; i++)
    {
      GodwitMappingModel *mapping_model = godwit_mapping_model_new_for_path (options->mapping_paths[i], error);

      if (mapping_model == NULL)
        return NULL;
      g_ptr_array_add (inputs->mapping_models, mapping_model);
    }

  return g_steal_pointer (&inputs);
}
