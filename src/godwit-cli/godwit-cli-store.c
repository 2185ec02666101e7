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
  g_clear_object (&cli_store->model_choice);
  g_free (cli_store);
}

GodwitCliStore *
_godwit_cli_store_open (const char  *path,
                        const char  *bundle_path,
                        GError     **error)
{
  g_autoptr(GodwitCliStore) cli_store = g_new0 (GodwitCliStore, 1);
  GodwitModel *model;

  cli_store->store = godwit_store_open (path, NULL, error);
  if (cli_store->store == NULL)
    return NULL;

  if (bundle_path != NULL)
    {
      cli_store->bundle = godwit_model_bundle_new_for_path (bundle_path, error);
      if (cli_store->bundle == NULL)
        return NULL;
    }

  /* No bundle beside the store is looked for, unlike in the app:
   * without --model, docs/cli.md promises the cached model, else the
   * schema-only view. */
  cli_store->model_choice = godwit_model_choice_new (cli_store->store, cli_store->bundle);
  model = godwit_model_choice_get_model (cli_store->model_choice);

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
  GodwitVersionMatch *match = godwit_model_choice_get_bundle_match (cli_store->model_choice);
  GodwitModel *nearest;

  if (match == NULL || godwit_version_match_get_matched_version (match) != NULL)
    return TRUE;

  nearest = godwit_version_match_get_nearest_version (match);
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NO_MODEL,
               _("%s matches no version of %s (nearest: “%s”); “godwit-cli inspect --model” shows what differs"),
               godwit_store_get_path (cli_store->store),
               godwit_model_bundle_get_path (cli_store->bundle),
               nearest != NULL ? godwit_model_get_version_name (nearest) : "");

  return FALSE;
}
