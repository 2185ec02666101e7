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
 *
 * An open store is locked against being replaced, so a migration or a
 * restore first closes the document: it lets go of the store, and the
 * store's connection closes once its last reader has let go too.
 */

#define G_LOG_DOMAIN "godwit-document"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-document.h"
#include "godwit-error.h"

struct _GodwitDocument
{
  GObject                    parent_instance;

  GFile                     *file;
  GFile                     *chosen_bundle_file;   /* (nullable) given by the user */
  GodwitStore               *store;
  GodwitModelBundle         *bundle;               /* (nullable) */
  gboolean                   bundle_is_beside;
  char                      *bundle_problem;       /* (nullable) why the bundle beside could not be used */
  GodwitModelChoice         *model_choice;
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
  g_clear_object (&self->model_choice);
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

/* The model the objects are read with, as godwit-cli chooses it: the
 * bundle's version the store matches, else the model cached in the store,
 * else none. */
static gboolean
choose_model (GodwitDocument  *self,
              GError         **error)
{
  GodwitModel *model;

  self->model_choice = godwit_model_choice_new (self->store, self->bundle);
  model = godwit_model_choice_get_model (self->model_choice);

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

/* A file the document portal exports to a sandbox (outside the folders
 * the Flatpak may read) stands alone in a folder of its own. */
static gboolean
is_document_portal_file (const char *path)
{
  g_autofree char *documents = g_build_filename (g_get_user_runtime_dir (), "doc", NULL);

  return g_str_has_prefix (path, documents) && path[strlen (documents)] == G_DIR_SEPARATOR;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GodwitDocument *self = task_data;
  g_autoptr(GError) error = NULL;
  const char *path = g_file_peek_path (self->file);

  if (path == NULL)
    {
      g_autofree char *uri = g_file_get_uri (self->file);

      g_task_return_new_error (task, GODWIT_ERROR, GODWIT_ERROR_IO,
                               _("%s: only stores on this computer’s file systems can be opened"), uri);
      return;
    }

  if (is_document_portal_file (path))
    {
      g_task_return_new_error (task, GODWIT_ERROR, GODWIT_ERROR_IO,
                               /* Translators: the store's path, then the app id */
                               _("%s: the file chooser gave Godwit this file alone, without its -wal and -shm "
                                 "files, whose recent changes it would miss, and without its folder, where "
                                 "migrations and sync keep their backups. Allow Godwit into the store’s folder "
                                 "(flatpak override --user --filesystem=FOLDER %s) and open it again."),
                               path, APP_ID);
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
  else
    {
      /* A bundle the user did not choose may belong to another app: its
       * problems are shown, never fatal. */
      self->bundle = godwit_model_bundle_find_for_store (path, &error);
      if (error != NULL)
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

static void store_toggled_cb (gpointer  data,
                              GObject  *object,
                              gboolean  is_last_ref);

/* In the main context: every reference but the toggle reference is gone,
 * so dropping it closes the store, here. */
static gboolean
drop_store_cb (gpointer data)
{
  GTask *task = data;
  GodwitStore *store = g_task_get_task_data (task);

  /* Dropped already, by an earlier last reference. */
  if (store == NULL)
    return G_SOURCE_REMOVE;

  g_task_set_task_data (task, NULL, NULL);
  g_object_remove_toggle_ref (G_OBJECT (store), store_toggled_cb, task);
  g_task_return_boolean (task, TRUE);
  /* The toggle reference's own reference to the task. */
  g_object_unref (task);

  return G_SOURCE_REMOVE;
}

/* Maybe in a worker thread, when a reader lets go of the store last. */
static void
store_toggled_cb (gpointer  data,
                  GObject  *object,
                  gboolean  is_last_ref)
{
  GTask *task = data;
  GSource *source;

  if (!is_last_ref)
    return;

  source = g_idle_source_new ();
  g_source_set_callback (source, drop_store_cb, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/**
 * godwit_document_close_async:
 *
 * Lets go of the store, which godwit_document_get_store() no longer
 * gives, and completes once its connection is closed: when whoever else
 * read it (the pages showing the document) has let go of it too.
 */
void
godwit_document_close_async (GodwitDocument      *self,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GodwitStore *store;

  g_return_if_fail (GODWIT_IS_DOCUMENT (self));

  task = g_task_new (self, NULL, callback, user_data);
  g_task_set_source_tag (task, godwit_document_close_async);

  store = g_steal_pointer (&self->store);
  if (store == NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  g_task_set_task_data (task, store, NULL);
  g_object_add_toggle_ref (G_OBJECT (store), store_toggled_cb, g_object_ref (task));
  g_object_unref (store);
}

gboolean
godwit_document_close_finish (GodwitDocument  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
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

/**
 * godwit_document_get_store:
 *
 * Returns: (nullable) (transfer none): the store; %NULL once the document
 *   is closed
 */
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

  return godwit_model_choice_get_bundle_match (self->model_choice);
}

GodwitModel *
godwit_document_get_cached_model (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return godwit_model_choice_get_cached_model (self->model_choice);
}

const char *
godwit_document_get_cached_model_error (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  return godwit_model_choice_get_cached_model_error (self->model_choice);
}

GodwitModelChoiceSource
godwit_document_get_model_source (GodwitDocument *self)
{
  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), GODWIT_MODEL_CHOICE_NONE);

  return godwit_model_choice_get_source (self->model_choice);
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

  switch (godwit_model_choice_get_source (self->model_choice))
    {
    case GODWIT_MODEL_CHOICE_FROM_BUNDLE:
      /* Translators: “Garden 2” of Garden.xcdatamodeld */
      return g_strdup_printf (_("“%s” of %s"),
                              godwit_model_get_version_name (godwit_store_get_model (self->store)),
                              bundle_name);
    case GODWIT_MODEL_CHOICE_FROM_STORE_CACHE:
      if (bundle_name != NULL)
        return g_strdup_printf (_("The store’s cached model (%s matches no version)"), bundle_name);
      return g_strdup (_("The store’s cached model"));
    case GODWIT_MODEL_CHOICE_NONE:
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
  GodwitVersionMatch *match;
  GodwitModel *current;
  GodwitModel *matched;
  GodwitModel *nearest;
  GPtrArray *matching;
  int from;
  int to;

  g_return_val_if_fail (GODWIT_IS_DOCUMENT (self), NULL);

  match = godwit_model_choice_get_bundle_match (self->model_choice);
  if (match == NULL)
    return NULL;

  bundle_name = dup_bundle_name (self);
  current = godwit_model_bundle_get_current_version (self->bundle);
  matched = godwit_version_match_get_matched_version (match);
  matching = godwit_version_match_get_matching_versions (match);

  if (matched == NULL)
    {
      nearest = godwit_version_match_get_nearest_version (match);
      if (nearest == NULL)
        return g_strdup_printf (_("This store matches no version of %s"), bundle_name);

      return g_strdup_printf (_("This store matches no version of %s: the nearest is “%s”, "
                                "with %u of %u entities equal"),
                              bundle_name, godwit_model_get_version_name (nearest),
                              godwit_version_match_count_equal_entities (match, nearest),
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
