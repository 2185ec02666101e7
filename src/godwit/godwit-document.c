/* godwit-document.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A store opened in a window: the store, the model bundle chosen for it,
 * how the store compares with the bundle's versions, and the number of
 * objects of each entity. Everything is read in a worker thread, so that
 * a large or slow store never blocks the window.
 */

#define G_LOG_DOMAIN "godwit-document"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-document.h"
#include "godwit-error.h"

/* Entries looked at in a folder when searching for a bundle beside the
 * store: a folder with more is not a project folder. */
#define MAX_FOLDER_ENTRIES 10000

struct _GodwitDocument
{
  GObject                    parent_instance;

  GFile                     *file;
  GFile                     *chosen_bundle_file;   /* (nullable) given by the user */
  GodwitStore               *store;
  GodwitModelBundle         *bundle;               /* (nullable) */
  gboolean                   bundle_is_beside;
  char                      *bundle_problem;       /* (nullable) why the bundle beside could not be used */
  GodwitVersionMatch        *bundle_match;         /* (nullable) */
  GodwitModel               *cached_model;         /* (nullable) */
  char                      *cached_model_error;   /* (nullable) */
  GodwitDocumentModelSource  model_source;
  GHashTable                *counts;               /* (element-type utf8 gint64): with sub-entities */
};

G_DEFINE_FINAL_TYPE (GodwitDocument, godwit_document, G_TYPE_OBJECT)

static void
godwit_document_finalize (GObject *object)
{
  GodwitDocument *self = (GodwitDocument *)object;

  g_clear_object (&self->file);
  g_clear_object (&self->chosen_bundle_file);
  g_clear_object (&self->store);
  g_clear_object (&self->bundle);
  g_clear_pointer (&self->bundle_problem, g_free);
  g_clear_object (&self->bundle_match);
  g_clear_object (&self->cached_model);
  g_clear_pointer (&self->cached_model_error, g_free);
  g_clear_pointer (&self->counts, g_hash_table_unref);

  G_OBJECT_CLASS (godwit_document_parent_class)->finalize (object);
}

static void
godwit_document_class_init (GodwitDocumentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = godwit_document_finalize;
}

static void
godwit_document_init (GodwitDocument *self)
{
  self->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static gboolean
is_bundle_name (const char *name)
{
  return g_str_has_suffix (name, ".xcdatamodeld") || g_str_has_suffix (name, ".momd");
}

/* The bundles (folders named *.xcdatamodeld or *.momd) in @dir. */
static GPtrArray *
list_bundles (const char *dir)
{
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint seen = 0;

  if (listing == NULL)
    return g_steal_pointer (&bundles);

  while ((name = g_dir_read_name (listing)) != NULL && seen++ < MAX_FOLDER_ENTRIES)
    {
      g_autofree char *path = NULL;

      if (!is_bundle_name (name))
        continue;

      path = g_build_filename (dir, name, NULL);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        g_ptr_array_add (bundles, g_steal_pointer (&path));
    }

  return g_steal_pointer (&bundles);
}

/* The bundle beside the store when there is exactly one, in the store's
 * folder or else in its parent, so that a store kept in a subfolder of a
 * project (fixtures/, say) finds the project's bundle. Several bundles
 * are ambiguous: the user chooses with “Choose Model…”. */
static char *
find_bundle_beside (const char *store_path)
{
  g_autofree char *dir = g_path_get_dirname (store_path);

  for (guint level = 0; level < 2; level++)
    {
      g_autoptr(GPtrArray) bundles = list_bundles (dir);
      g_autofree char *parent = NULL;

      if (bundles->len == 1)
        return g_strdup (g_ptr_array_index (bundles, 0));
      if (bundles->len > 1)
        return NULL;

      parent = g_path_get_dirname (dir);
      if (g_strcmp0 (parent, dir) == 0)
        return NULL;
      g_free (dir);
      dir = g_steal_pointer (&parent);
    }

  return NULL;
}

/* The model the objects are read with, as godwit-cli chooses it: the
 * bundle's version the store matches, else the model cached in the store,
 * else none. */
static gboolean
choose_model (GodwitDocument  *self,
              GError         **error)
{
  GodwitModel *model = NULL;

  /* A damaged model cache is reported, not fatal: the metadata and the
   * tables can still be shown. */
  if (godwit_store_has_model_cache (self->store))
    {
      g_autoptr(GError) cache_error = NULL;

      self->cached_model = godwit_store_load_cached_model (self->store, &cache_error);
      if (self->cached_model == NULL)
        self->cached_model_error = g_strdup (cache_error->message);
    }

  if (self->bundle != NULL)
    {
      self->bundle_match = godwit_version_match_new (godwit_store_get_version_hashes (self->store),
                                                     self->cached_model, self->bundle);
      model = godwit_version_match_get_matched_version (self->bundle_match);
      if (model != NULL)
        self->model_source = GODWIT_DOCUMENT_MODEL_FROM_BUNDLE;
    }

  if (model == NULL && self->cached_model != NULL)
    {
      model = self->cached_model;
      self->model_source = GODWIT_DOCUMENT_MODEL_FROM_STORE_CACHE;
    }

  return model == NULL || godwit_store_set_model (self->store, model, error);
}

static gboolean
count_objects (GodwitDocument  *self,
               GCancellable    *cancellable,
               GError         **error)
{
  GPtrArray *entities = godwit_store_get_entities (self->store);

  for (guint i = 0; i < entities->len; i++)
    {
      const GodwitStoreEntity *entity = g_ptr_array_index (entities, i);
      gint64 count;

      /* Without a table there is nothing to count: the store's schema
       * warnings say so. */
      if (entity->table == NULL)
        continue;

      count = godwit_store_count_objects (self->store, entity->name, TRUE, cancellable, error);
      if (count < 0)
        return FALSE;

      g_hash_table_insert (self->counts, g_strdup (entity->name), g_memdup2 (&count, sizeof count));
    }

  return TRUE;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GodwitDocument *self = task_data;
  g_autofree char *beside_path = NULL;
  g_autoptr(GError) error = NULL;
  const char *path = g_file_peek_path (self->file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->file);

      g_task_return_new_error (task, GODWIT_ERROR, GODWIT_ERROR_IO,
                               _("%s: only stores on this computer’s file systems can be opened"), uri);
      return;
    }

  self->store = godwit_store_open (path, cancellable, &error);
  if (self->store == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->chosen_bundle_file != NULL)
    {
      const char *bundle_path = g_file_peek_path (self->chosen_bundle_file);

      if (bundle_path == NULL)
        {
          g_autofree char *uri = g_file_get_uri (self->chosen_bundle_file);

          g_task_return_new_error (task, GODWIT_ERROR, GODWIT_ERROR_IO,
                                   _("%s: only model bundles on this computer’s file systems can be read"), uri);
          return;
        }

      self->bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
      if (self->bundle == NULL)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }
  else if ((beside_path = find_bundle_beside (path)) != NULL)
    {
      /* A bundle the user did not choose may belong to another app: its
       * problems are shown, never fatal. */
      self->bundle = godwit_model_bundle_new_for_path (beside_path, &error);
      if (self->bundle == NULL)
        self->bundle_problem = g_strdup (error->message);
      self->bundle_is_beside = self->bundle != NULL;
      g_clear_error (&error);
    }

  if (!choose_model (self, &error) || !count_objects (self, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_return_pointer (task, g_object_ref (self), g_object_unref);
}

/**
 * godwit_document_load_async:
 * @store_file: the store
 * @bundle_file: (nullable): the model bundle the user chose; without one,
 *   the bundle beside the store when there is exactly one, else the
 *   store's cached model
 *
 * Opens the store in a worker thread.
 */
void
godwit_document_load_async (GFile               *store_file,
                            GFile               *bundle_file,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GodwitDocument) document = NULL;
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (G_IS_FILE (store_file));
  g_return_if_fail (bundle_file == NULL || G_IS_FILE (bundle_file));

  document = g_object_new (GODWIT_TYPE_DOCUMENT, NULL);
  document->file = g_object_ref (store_file);
  g_set_object (&document->chosen_bundle_file, bundle_file);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, godwit_document_load_async);
  g_task_set_task_data (task, g_steal_pointer (&document), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

GodwitDocument *
godwit_document_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

GFile *
godwit_document_get_file (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->file;
}

/* The bundle the user chose, NULL when the document chose by itself. */
GFile *
godwit_document_get_chosen_bundle_file (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->chosen_bundle_file;
}

GodwitStore *
godwit_document_get_store (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->store;
}

GodwitModelBundle *
godwit_document_get_bundle (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->bundle;
}

/* Whether the bundle was found beside the store rather than chosen. */
gboolean
godwit_document_get_bundle_is_beside (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), FALSE);

  return self->bundle_is_beside;
}

/* Why the bundle beside the store could not be read, or NULL. */
const char *
godwit_document_get_bundle_problem (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->bundle_problem;
}

GodwitVersionMatch *
godwit_document_get_bundle_match (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->bundle_match;
}

GodwitModel *
godwit_document_get_cached_model (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->cached_model;
}

const char *
godwit_document_get_cached_model_error (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return self->cached_model_error;
}

GodwitDocumentModelSource
godwit_document_get_model_source (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), GODWIT_DOCUMENT_MODEL_NONE);

  return self->model_source;
}

/**
 * godwit_document_get_object_count:
 *
 * Returns: the objects of the entity and of its sub-entities, as counted
 *   when the store was opened; -1 for an entity without a table.
 */
gint64
godwit_document_get_object_count (GodwitDocument *self,
                                  const char     *entity_name)
{
  gint64 *count;

  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), -1);

  count = g_hash_table_lookup (self->counts, entity_name);

  return count != NULL ? *count : -1;
}

static char *
dup_bundle_name (GodwitDocument *self)
{
  return g_path_get_basename (godwit_model_bundle_get_path (self->bundle));
}

/**
 * godwit_document_dup_model_summary:
 *
 * Returns: which model the objects are read with, in a few words.
 */
char *
godwit_document_dup_model_summary (GodwitDocument *self)
{
  g_autofree char *bundle_name = NULL;

  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  if (self->bundle != NULL)
    bundle_name = dup_bundle_name (self);

  switch (self->model_source)
    {
    case GODWIT_DOCUMENT_MODEL_FROM_BUNDLE:
      /* Translators: “Garden 2” of Garden.xcdatamodeld */
      return g_strdup_printf (_("“%s” of %s"),
                              godwit_model_get_version_name (godwit_store_get_model (self->store)),
                              bundle_name);
    case GODWIT_DOCUMENT_MODEL_FROM_STORE_CACHE:
      if (bundle_name != NULL)
        return g_strdup_printf (_("The store’s cached model (%s matches no version)"), bundle_name);
      return g_strdup (_("The store’s cached model"));
    case GODWIT_DOCUMENT_MODEL_NONE:
      if (bundle_name != NULL)
        return g_strdup_printf (_("No model: tables only (%s matches no version)"), bundle_name);
      return g_strdup (_("No model: tables only"));
    default:
      g_assert_not_reached ();
    }
}

static int
find_version_index (GodwitModelBundle *bundle,
                    GodwitModel       *version)
{
  for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
    if (godwit_model_bundle_get_version (bundle, i) == version)
      return i;

  return -1;
}

/**
 * godwit_document_dup_mismatch_text:
 *
 * Returns: (nullable): why the store does not match the bundle's current
 *   version, with the number of migration steps in the bundle's version
 *   order when it is older; %NULL when it matches, or when there is no
 *   bundle to compare with.
 */
char *
godwit_document_dup_mismatch_text (GodwitDocument *self)
{
  g_autofree char *bundle_name = NULL;
  GodwitModel *current;
  GodwitModel *matched;
  GodwitModel *nearest;
  GPtrArray *matching;
  int from;
  int to;

  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  if (self->bundle_match == NULL)
    return NULL;

  bundle_name = dup_bundle_name (self);
  current = godwit_model_bundle_get_current_version (self->bundle);
  matched = godwit_version_match_get_matched_version (self->bundle_match);
  matching = godwit_version_match_get_matching_versions (self->bundle_match);

  if (matched == NULL)
    {
      nearest = godwit_version_match_get_nearest_version (self->bundle_match);
      if (nearest == NULL)
        return g_strdup_printf (_("This store matches no version of %s"), bundle_name);

      return g_strdup_printf (_("This store matches no version of %s: the nearest is “%s”, "
                                "with %u of %u entities equal"),
                              bundle_name, godwit_model_get_version_name (nearest),
                              godwit_version_match_count_equal_entities (self->bundle_match, nearest),
                              godwit_model_get_entities (nearest)->len);
    }

  /* Versions with equal hashes all match: the store is current when the
   * current version is one of them. */
  if (current == NULL || g_ptr_array_find (matching, current, NULL))
    return NULL;

  from = find_version_index (self->bundle, matched);
  to = find_version_index (self->bundle, current);

  if (from < to)
    return g_strdup_printf (ngettext ("This store needs migration: version “%s” to “%s”, %d step",
                                      "This store needs migration: version “%s” to “%s”, %d steps",
                                      to - from),
                            godwit_model_get_version_name (matched),
                            godwit_model_get_version_name (current),
                            to - from);

  return g_strdup_printf (_("This store is at version “%s”, newer than the current version “%s” of %s"),
                          godwit_model_get_version_name (matched),
                          godwit_model_get_version_name (current),
                          bundle_name);
}
