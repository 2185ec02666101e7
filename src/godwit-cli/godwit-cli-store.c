/* godwit-cli-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Opening a store for inspect and dump, and choosing the model its
 * objects are read with: the --model bundle's version the store matches,
 * else the model the store cached, else none (the schema-only view).
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"

void
_godwit_cli_store_free (GodwitCliStore *cli_store)
{
  if (cli_store == NULL)
    return;

  g_clear_object (&cli_store->store);
  g_clear_object (&cli_store->bundle);
  g_clear_object (&cli_store->bundle_match);
  g_clear_object (&cli_store->cached_model);
  g_free (cli_store->cached_model_error);
  g_free (cli_store);
}

GodwitCliStore *
_godwit_cli_store_open (const char  *path,
                        const char  *bundle_path,
                        GError     **error)
{
  g_autoptr(GodwitCliStore) cli_store = g_new0 (GodwitCliStore, 1);
  GodwitModel *model = NULL;

  cli_store->model_source = GODWIT_CLI_MODEL_NONE;

  cli_store->store = godwit_store_open (path, NULL, error);
  if (cli_store->store == NULL)
    return NULL;

  if (bundle_path != NULL)
    {
      cli_store->bundle = godwit_model_bundle_new_for_path (bundle_path, error);
      if (cli_store->bundle == NULL)
        return NULL;
    }

  /* A damaged model cache is reported, not fatal: the metadata and the
   * tables can still be shown. */
  if (godwit_store_has_model_cache (cli_store->store))
    {
      g_autoptr(GError) cache_error = NULL;

      cli_store->cached_model = godwit_store_load_cached_model (cli_store->store, &cache_error);
      if (cli_store->cached_model == NULL)
        cli_store->cached_model_error = g_strdup (cache_error->message);
    }

  if (cli_store->bundle != NULL)
    {
      cli_store->bundle_match = godwit_version_match_new (godwit_store_get_version_hashes (cli_store->store),
                                                          cli_store->cached_model,
                                                          cli_store->bundle);
      model = godwit_version_match_get_matched_version (cli_store->bundle_match);
      if (model != NULL)
        cli_store->model_source = GODWIT_CLI_MODEL_FROM_BUNDLE;
    }

  if (model == NULL && cli_store->cached_model != NULL)
    {
      model = cli_store->cached_model;
      cli_store->model_source = GODWIT_CLI_MODEL_FROM_STORE_CACHE;
    }

  if (model != NULL && !godwit_store_set_model (cli_store->store, model, error))
    return NULL;

  return g_steal_pointer (&cli_store);
}

/* For commands that read objects: a --model bundle that does not
 * describe the store is bad input, as its layout would be guessed. */
gboolean
_godwit_cli_store_require_match (GodwitCliStore  *cli_store,
                                 GError         **error)
{
  GodwitModel *nearest;

  if (cli_store->bundle_match == NULL ||
      godwit_version_match_get_matched_version (cli_store->bundle_match) != NULL)
    return TRUE;

  nearest = godwit_version_match_get_nearest_version (cli_store->bundle_match);
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NO_MODEL,
               _("%s matches no version of %s (nearest: “%s”); “godwit-cli inspect --model” shows what differs"),
               godwit_store_get_path (cli_store->store),
               godwit_model_bundle_get_path (cli_store->bundle),
               nearest != NULL ? godwit_model_get_version_name (nearest) : "");

  return FALSE;
}
