/* fuzz-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include <glib/gstdio.h>

#include "fuzz-target.h"
#include "godwit-store.h"
#include "godwit-value.h"
#include "temp-file.h"

#define OBJECTS_READ 16

/* Reads what an inspection reads: every entity's first objects,
 * decoded, and the first history transactions. */
static void
inspect_store (GodwitStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GodwitModel) model = NULL;
  GPtrArray *entities;

  model = godwit_store_load_cached_model (store, &error);
  if (model != NULL)
    godwit_store_set_model (store, model, NULL);
  g_clear_error (&error);

  entities = godwit_store_get_entities (store);
  for (guint i = 0; i < entities->len; i++)
    {
      const GodwitStoreEntity *entity = g_ptr_array_index (entities, i);
      g_autoptr(GPtrArray) objects = NULL;

      godwit_store_count_objects (store, entity->name, TRUE, NULL, NULL);
      objects = godwit_store_fetch_objects (store, entity->name, TRUE, 0, OBJECTS_READ, NULL, NULL);
      for (guint j = 0; objects != NULL && j < objects->len; j++)
        {
          g_autoptr(JsonNode) json = godwit_object_to_json (g_ptr_array_index (objects, j));
        }
    }

  history = godwit_store_fetch_history (store, 0, OBJECTS_READ, NULL, NULL);
}

/* A store file as a device or a bug report hands it over. Opening it
 * must also leave it alone: afterwards its folder holds the same bytes
 * and nothing else (no -wal, -shm or journal), which the assertions
 * check since it is the promise every inspection makes. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = NULL;
  g_autofree char *path = NULL;
  g_autofree char *dir_path = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GDir) dir = NULL;
  gsize after_size = 0;

  path = fuzz_write_temp_file (data, size, "fuzz.sqlite");
  store = godwit_store_open (path, NULL, &error);
  if (store != NULL)
    inspect_store (store);
  g_clear_object (&store);

  g_assert_true (g_file_get_contents (path, &after, &after_size, NULL));
  g_assert_cmpmem (after, after_size, data, size);
  dir_path = g_path_get_dirname (path);
  dir = g_dir_open (dir_path, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_cmpstr (g_dir_read_name (dir), ==, "fuzz.sqlite");
  g_assert_null (g_dir_read_name (dir));

  fuzz_remove_temp_file (path);

  return 0;
}
