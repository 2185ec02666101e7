/* godwit-model-bundle.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The versions of one model, wherever they come from: an Xcode source
 * bundle (coredata-format.md §2.1), a compiled .momd/.mom (§3.1) or a store's
 * cached model. Nothing on disk records the version order, so, like the
 * iterative migrators of WordPress and WooCommerce, we sort the version names
 * with runs of digits compared as numbers, and put the current version last.
 */

#define G_LOG_DOMAIN "godwit-model-bundle"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "godwit-error.h"
#include "godwit-file-private.h"
#include "godwit-model-archive-private.h"
#include "godwit-model-bundle.h"
#include "godwit-model-xml-private.h"
#include "godwit-plist.h"

/* WordPress, the largest bundle seen, has about 160 versions. */
#define MAX_VERSIONS  10000
#define MAX_MOM_SIZE  (64 * 1024 * 1024)
/* Entries looked at in a folder when searching for a bundle beside a
 * store: a folder with more is not a project folder. */
#define MAX_FOLDER_ENTRIES 10000

struct _GodwitModelBundle
{
  GObject                parent_instance;

  char                  *path;
  GodwitModelBundleKind  kind;
  GPtrArray             *versions;          /* (element-type GodwitModel), in version order */
  GHashTable            *declared_hashes;   /* (element-type utf8 GHashTable): momd only */

  /* Borrowed References */
  GodwitModel           *current;
};

G_DEFINE_FINAL_TYPE (GodwitModelBundle, godwit_model_bundle, G_TYPE_OBJECT)

static const char * const kind_names[] = {
  [GODWIT_MODEL_BUNDLE_KIND_XCDATAMODELD] = "xcdatamodeld",
  [GODWIT_MODEL_BUNDLE_KIND_XCDATAMODEL] = "xcdatamodel",
  [GODWIT_MODEL_BUNDLE_KIND_MOMD] = "momd",
  [GODWIT_MODEL_BUNDLE_KIND_MOM] = "mom",
  [GODWIT_MODEL_BUNDLE_KIND_STORE_CACHE] = "store-cache",
};

static void
set_errno_error (GError     **error,
                 const char  *path,
                 int          saved_errno)
{
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s: %s", path, g_strerror (saved_errno));
}

static gboolean
stat_path (const char  *path,
           GStatBuf    *st,
           GError     **error)
{
  if (g_stat (path, st) != 0)
    {
      set_errno_error (error, path, errno);
      return FALSE;
    }

  return TRUE;
}

/* Version names sort as NSNumericSearch does: "Model" < "Model 2" <
 * "Model 10", "v1.1.2" < "v1.2.0". */
static int
compare_version_names (const char *a,
                       const char *b)
{
  const char *pa = a;
  const char *pb = b;

  while (*pa != '\0' && *pb != '\0')
    {
      if (g_ascii_isdigit (*pa) && g_ascii_isdigit (*pb))
        {
          const char *start_a;
          const char *start_b;
          gsize length_a;
          gsize length_b;
          int cmp;

          while (*pa == '0' && g_ascii_isdigit (pa[1]))
            pa++;
          while (*pb == '0' && g_ascii_isdigit (pb[1]))
            pb++;
          for (start_a = pa; g_ascii_isdigit (*pa); pa++)
            ;
          for (start_b = pb; g_ascii_isdigit (*pb); pb++)
            ;

          length_a = pa - start_a;
          length_b = pb - start_b;
          if (length_a != length_b)
            return length_a < length_b ? -1 : 1;

          cmp = memcmp (start_a, start_b, length_a);
          if (cmp != 0)
            return cmp;

          continue;
        }

      if (*pa != *pb)
        return (guchar) *pa < (guchar) *pb ? -1 : 1;

      pa++;
      pb++;
    }

  if (*pa != *pb)
    return *pa == '\0' ? -1 : 1;

  /* Equal as numbers ("v01", "v1"): keep a stable order all the same. */
  return strcmp (a, b);
}

static int
compare_version_name_pointers (gconstpointer a,
                               gconstpointer b)
{
  return compare_version_names (*(const char * const *) a, *(const char * const *) b);
}

static const char *
describe (GodwitModelBundle *self)
{
  return self->path != NULL ? self->path : _("the model bundle");
}

static char *
strip_suffix (const char *name,
              const char *suffix)
{
  gsize length = strlen (name);
  gsize suffix_length = strlen (suffix);

  if (length >= suffix_length && strcmp (name + length - suffix_length, suffix) == 0)
    length -= suffix_length;

  return g_strndup (name, length);
}

/* Version names: the names in the bundle that end with @suffix, without it,
 * in version order. Hidden entries are left out: macOS leaves
 * "._Foo.xcdatamodel" AppleDouble files in copies made on other file
 * systems. */
static GPtrArray *
list_versions (GodwitModelBundle  *self,
               const char         *suffix,
               GError            **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  dir = g_dir_open (self->path, 0, &local_error);
  if (dir == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO, "%s", local_error->message);
      return NULL;
    }

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (name[0] == '.' || !g_str_has_suffix (name, suffix))
        continue;

      if (names->len == MAX_VERSIONS)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                       _("%s: more than %d model versions"), self->path, MAX_VERSIONS);
          return NULL;
        }

      g_ptr_array_add (names, strip_suffix (name, suffix));
    }

  if (names->len == 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_NO_VERSIONS,
                   _("%s: holds no model version (no *%s inside)"), self->path, suffix);
      return NULL;
    }

  g_ptr_array_sort (names, compare_version_name_pointers);

  return g_steal_pointer (&names);
}

static GodwitModel *
load_xcdatamodel (const char  *path,
                  const char  *version_name,
                  GError     **error)
{
  g_autofree char *contents = g_build_filename (path, "contents", NULL);
  g_autofree char *elements = NULL;
  GStatBuf st;

  if (!stat_path (path, &st, error))
    return NULL;

  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE,
                   _("%s: is a file, but an .xcdatamodel is a folder"), path);
      return NULL;
    }

  if (g_stat (contents, &st) != 0 && errno == ENOENT)
    {
      elements = g_build_filename (path, "elements", NULL);
      if (g_file_test (elements, G_FILE_TEST_EXISTS))
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LEGACY_MODEL_FORMAT,
                     _("%s: an Xcode 3 model in the legacy format: "
                       "open and save it in a current Xcode"), path);
      else
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                     _("%s: has no contents file"), path);
      return NULL;
    }

  return _godwit_model_new_from_xml (contents, version_name, error);
}

static GodwitModel *
load_mom (const char  *path,
          const char  *version_name,
          GError     **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  data = _godwit_file_read_bounded (path, _("a compiled .mom model file"), MAX_MOM_SIZE, &length, error);
  if (data == NULL)
    return NULL;

  /* The decoder resolves the model and records @path as its file. */
  return _godwit_model_new_from_archive ((const guint8 *) data, length, version_name,
                                         GODWIT_MODEL_SOURCE_COMPILED, path, error);
}

static gboolean
set_current_version (GodwitModelBundle  *self,
                     const char         *name,
                     const char         *declared_in,
                     GError            **error)
{
  GodwitModel *current;
  guint index;

  if (name == NULL)
    {
      /* No declaration: the newest version is current. */
      self->current = g_ptr_array_index (self->versions, self->versions->len - 1);
      return TRUE;
    }

  current = godwit_model_bundle_find_version (self, name);
  if (current == NULL)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION,
                   _("%s: names “%s” as the current version, which %s does not have"),
                   declared_in, name, self->path);
      return FALSE;
    }

  self->current = current;
  g_ptr_array_find (self->versions, current, &index);
  g_ptr_array_add (self->versions, g_ptr_array_steal_index (self->versions, index));

  return TRUE;
}

static gboolean
load_xcdatamodeld (GodwitModelBundle  *self,
                   GError            **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *current_path = NULL;
  g_autofree char *current_name = NULL;

  names = list_versions (self, ".xcdatamodel", error);
  if (names == NULL)
    return FALSE;

  for (guint i = 0; i < names->len; i++)
    {
      const char *version_name = g_ptr_array_index (names, i);
      g_autofree char *file_name = g_strconcat (version_name, ".xcdatamodel", NULL);
      g_autofree char *path = g_build_filename (self->path, file_name, NULL);
      GodwitModel *model = load_xcdatamodel (path, version_name, error);

      if (model == NULL)
        return FALSE;

      g_ptr_array_add (self->versions, model);
    }

  current_path = g_build_filename (self->path, ".xccurrentversion", NULL);
  if (g_file_test (current_path, G_FILE_TEST_EXISTS))
    {
      g_auto(plist_t) plist = NULL;
      g_autofree char *value = NULL;

      if (!godwit_plist_new_from_file (current_path, &plist, error))
        return FALSE;

      value = godwit_plist_dup_string (plist, "_XCCurrentVersionName");
      if (value != NULL)
        current_name = strip_suffix (value, ".xcdatamodel");
    }

  return set_current_version (self, current_name, current_path, error);
}

typedef struct
{
  GodwitModelBundle  *self;
  const char         *plist_path;
  GError            **error;
} DeclaredHashes;

static gboolean
add_declared_version (const char *version,
                      plist_t     entities,
                      gpointer    user_data)
{
  DeclaredHashes *d = user_data;
  g_autofree char *origin = g_strdup_printf ("%s: version “%s”", d->plist_path, version);
  GHashTable *hashes = godwit_plist_dup_version_hashes (entities, origin, d->error);

  if (hashes == NULL)
    return FALSE;

  g_hash_table_replace (d->self->declared_hashes, g_strdup (version), hashes);

  return TRUE;
}

static gboolean
read_declared_hashes (GodwitModelBundle  *self,
                      const char         *plist_path,
                      plist_t             versions,
                      GError            **error)
{
  DeclaredHashes d = { self, plist_path, error };

  if (plist_get_node_type (versions) != PLIST_DICT)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: NSManagedObjectModel_VersionHashes is not a dictionary"), plist_path);
      return FALSE;
    }

  return godwit_plist_dict_foreach (versions, add_declared_version, &d);
}

static gboolean
load_momd (GodwitModelBundle  *self,
           GError            **error)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autofree char *info_path = NULL;
  g_autofree char *current_name = NULL;

  names = list_versions (self, ".mom", error);
  if (names == NULL)
    return FALSE;

  for (guint i = 0; i < names->len; i++)
    {
      const char *version_name = g_ptr_array_index (names, i);
      g_autofree char *file_name = g_strconcat (version_name, ".mom", NULL);
      g_autofree char *path = g_build_filename (self->path, file_name, NULL);
      GodwitModel *model = load_mom (path, version_name, error);

      if (model == NULL)
        return FALSE;

      g_ptr_array_add (self->versions, model);
    }

  self->declared_hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) g_hash_table_unref);

  info_path = g_build_filename (self->path, "VersionInfo.plist", NULL);
  if (g_file_test (info_path, G_FILE_TEST_EXISTS))
    {
      g_auto(plist_t) plist = NULL;
      plist_t hashes;

      if (!godwit_plist_new_from_file (info_path, &plist, error))
        return FALSE;

      current_name = godwit_plist_dup_string (plist, "NSManagedObjectModel_CurrentVersionName");
      hashes = plist_get_node_type (plist) == PLIST_DICT
               ? plist_dict_get_item (plist, "NSManagedObjectModel_VersionHashes")
               : NULL;
      if (hashes != NULL && !read_declared_hashes (self, info_path, hashes, error))
        return FALSE;
    }

  return set_current_version (self, current_name, info_path, error);
}

static void
godwit_model_bundle_finalize (GObject *object)
{
  GodwitModelBundle *self = (GodwitModelBundle *) object;

  g_clear_pointer (&self->path, g_free);
  g_clear_pointer (&self->versions, g_ptr_array_unref);
  g_clear_pointer (&self->declared_hashes, g_hash_table_unref);

  G_OBJECT_CLASS (godwit_model_bundle_parent_class)->finalize (object);
}

static void
godwit_model_bundle_class_init (GodwitModelBundleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = godwit_model_bundle_finalize;
}

static void
godwit_model_bundle_init (GodwitModelBundle *self)
{
  self->versions = g_ptr_array_new_with_free_func (g_object_unref);
}

static gboolean
require_folder (const char  *path,
                GStatBuf    *st,
                const char  *what,
                GError     **error)
{
  if (S_ISDIR (st->st_mode))
    return TRUE;

  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE,
               _("%s: is a file, but %s is a folder"), path, what);

  return FALSE;
}

/**
 * godwit_model_bundle_new_for_path:
 * @path: an .xcdatamodeld or .xcdatamodel folder, a compiled .momd folder or
 *   a .mom file
 *
 * Loads every version of the model, in version order.
 *
 * Returns: (transfer full): the bundle, or %NULL with @error set
 */
GodwitModelBundle *
godwit_model_bundle_new_for_path (const char  *path,
                                  GError     **error)
{
  g_autoptr(GodwitModelBundle) self = NULL;
  g_autofree char *name = NULL;
  GodwitModel *model;
  GStatBuf st;
  gsize length;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (GODWIT_TYPE_MODEL_BUNDLE, NULL);

  /* "Foo.xcdatamodeld/" names the same bundle as "Foo.xcdatamodeld". */
  length = strlen (path);
  while (length > 1 && path[length - 1] == G_DIR_SEPARATOR)
    length--;
  self->path = g_strndup (path, length);
  name = g_path_get_basename (self->path);

  if (!stat_path (self->path, &st, error))
    return NULL;

  if (g_str_has_suffix (name, ".xcdatamodeld"))
    {
      self->kind = GODWIT_MODEL_BUNDLE_KIND_XCDATAMODELD;
      if (!require_folder (self->path, &st, _("an .xcdatamodeld bundle"), error) ||
          !load_xcdatamodeld (self, error))
        return NULL;
    }
  else if (g_str_has_suffix (name, ".xcdatamodel"))
    {
      g_autofree char *version_name = strip_suffix (name, ".xcdatamodel");

      self->kind = GODWIT_MODEL_BUNDLE_KIND_XCDATAMODEL;
      model = load_xcdatamodel (self->path, version_name, error);
      if (model == NULL)
        return NULL;
      g_ptr_array_add (self->versions, model);
      self->current = model;
    }
  else if (g_str_has_suffix (name, ".momd"))
    {
      self->kind = GODWIT_MODEL_BUNDLE_KIND_MOMD;
      if (!require_folder (self->path, &st, _("a compiled .momd bundle"), error) ||
          !load_momd (self, error))
        return NULL;
    }
  else if (g_str_has_suffix (name, ".mom"))
    {
      g_autofree char *version_name = strip_suffix (name, ".mom");

      self->kind = GODWIT_MODEL_BUNDLE_KIND_MOM;
      model = load_mom (self->path, version_name, error);
      if (model == NULL)
        return NULL;
      g_ptr_array_add (self->versions, model);
      self->current = model;
    }
  else
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                   _("%s: not a Core Data model: expected an .xcdatamodeld or .xcdatamodel "
                     "folder, a compiled .momd folder or a .mom file"), self->path);
      return NULL;
    }

  return g_steal_pointer (&self);
}

static gboolean
is_bundle_name (const char *name)
{
  return name[0] != '.' &&
         (g_str_has_suffix (name, ".xcdatamodeld") || g_str_has_suffix (name, ".momd"));
}

/* The bundles (folders named *.xcdatamodeld or *.momd) in @dir, up to
 * two: more are as ambiguous as two. An unreadable folder has none. */
static GPtrArray *
list_bundles_in (const char *dir)
{
  g_autoptr(GPtrArray) bundles = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  const char *name;
  guint seen = 0;

  if (listing == NULL)
    return g_steal_pointer (&bundles);

  while (bundles->len < 2 && seen++ < MAX_FOLDER_ENTRIES &&
         (name = g_dir_read_name (listing)) != NULL)
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

/**
 * godwit_model_bundle_find_for_store:
 * @store_path: a store file
 *
 * The model bundle beside a store: the one .xcdatamodeld or .momd folder
 * in the store's folder, else the one in its parent, so that a store
 * kept in a subfolder of a project (fixtures/, say) finds the project's
 * bundle. Several bundles in one folder are ambiguous: none is chosen,
 * and the parent is not searched. The bundle's path is absolute, without
 * "." or "..".
 *
 * Returns: (transfer full) (nullable): the bundle, loaded; %NULL without
 *   an error when no single bundle is beside the store, or with @error
 *   set when the one beside it cannot be loaded
 */
GodwitModelBundle *
godwit_model_bundle_find_for_store (const char  *store_path,
                                    GError     **error)
{
  g_autofree char *absolute = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (store_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* A relative path has a parent folder too. */
  absolute = g_canonicalize_filename (store_path, NULL);
  dir = g_path_get_dirname (absolute);

  for (guint level = 0; level < 2; level++)
    {
      g_autoptr(GPtrArray) bundles = list_bundles_in (dir);
      g_autofree char *parent = NULL;

      if (bundles->len == 1)
        return godwit_model_bundle_new_for_path (g_ptr_array_index (bundles, 0), error);
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

/**
 * godwit_model_bundle_new_for_model:
 * @model: a resolved model
 * @kind: where @model comes from, e.g. %GODWIT_MODEL_BUNDLE_KIND_STORE_CACHE
 *
 * A bundle of the single version @model, such as a store's cached model.
 *
 * Returns: (transfer full): the bundle
 */
GodwitModelBundle *
godwit_model_bundle_new_for_model (GodwitModel           *model,
                                   GodwitModelBundleKind  kind)
{
  GodwitModelBundle *self;

  g_return_val_if_fail (GODWIT_IS_MODEL (model), NULL);
  g_return_val_if_fail ((guint) kind < G_N_ELEMENTS (kind_names), NULL);

  self = g_object_new (GODWIT_TYPE_MODEL_BUNDLE, NULL);
  self->kind = kind;
  g_ptr_array_add (self->versions, g_object_ref (model));
  self->current = model;

  return self;
}

/**
 * godwit_model_bundle_get_path:
 *
 * Returns: (nullable): the path the bundle was loaded from, %NULL for a
 *   bundle made with godwit_model_bundle_new_for_model()
 */
const char *
godwit_model_bundle_get_path (GodwitModelBundle *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), NULL);

  return self->path;
}

GodwitModelBundleKind
godwit_model_bundle_get_kind (GodwitModelBundle *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), 0);

  return self->kind;
}

/**
 * godwit_model_bundle_get_kind_name:
 *
 * Returns: "xcdatamodeld", "xcdatamodel", "momd", "mom" or "store-cache"
 */
const char *
godwit_model_bundle_get_kind_name (GodwitModelBundle *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), NULL);

  return kind_names[self->kind];
}

guint
godwit_model_bundle_get_n_versions (GodwitModelBundle *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), 0);

  return self->versions->len;
}

/**
 * godwit_model_bundle_get_version:
 * @index: position in version order, oldest first
 *
 * Returns: (transfer none) (nullable): the version, %NULL if @index is out
 *   of range
 */
GodwitModel *
godwit_model_bundle_get_version (GodwitModelBundle *self,
                                 guint              index)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), NULL);

  if (index >= self->versions->len)
    return NULL;

  return g_ptr_array_index (self->versions, index);
}

/**
 * godwit_model_bundle_find_version:
 * @name: a version name: the file name without .xcdatamodel or .mom
 *
 * Returns: (transfer none) (nullable): the version called @name
 */
GodwitModel *
godwit_model_bundle_find_version (GodwitModelBundle *self,
                                  const char        *name)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->versions->len; i++)
    {
      GodwitModel *model = g_ptr_array_index (self->versions, i);

      if (g_strcmp0 (godwit_model_get_version_name (model), name) == 0)
        return model;
    }

  return NULL;
}

/**
 * godwit_model_bundle_find_target_version:
 * @name: (nullable): the version a migration is to reach
 *
 * The version named @name, or without a name the current version: the
 * version godwit_migration_new() migrates to.
 *
 * Returns: (transfer none) (nullable): the version, or %NULL with @error
 *   set (%GODWIT_ERROR_UNKNOWN_VERSION) when the bundle has none of that
 *   name
 */
GodwitModel *
godwit_model_bundle_find_target_version (GodwitModelBundle  *self,
                                         const char         *name,
                                         GError            **error)
{
  GodwitModel *target;

  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), NULL);

  target = name != NULL ? godwit_model_bundle_find_version (self, name)
                        : godwit_model_bundle_get_current_version (self);
  if (target == NULL)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION,
                 _("%s: no version named “%s”"), godwit_model_bundle_get_path (self), name);

  return target;
}

/**
 * godwit_model_bundle_get_current_version:
 *
 * The version Xcode marks current (.xccurrentversion, or
 * NSManagedObjectModel_CurrentVersionName in a .momd), else the last one.
 *
 * Returns: (transfer none): the current version
 */
GodwitModel *
godwit_model_bundle_get_current_version (GodwitModelBundle *self)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), NULL);

  return self->current;
}

/**
 * godwit_model_bundle_set_version_order:
 * @names: every version name exactly once, oldest first
 *
 * Replaces the version order. On error the order is left unchanged.
 */
gboolean
godwit_model_bundle_set_version_order (GodwitModelBundle   *self,
                                       const char * const  *names,
                                       GError             **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), FALSE);
  g_return_val_if_fail (names != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  for (guint i = 0; names[i] != NULL; i++)
    {
      GodwitModel *model = godwit_model_bundle_find_version (self, names[i]);

      if (model == NULL)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_VERSION,
                       _("%s: the version order names “%s”, which is not a version of the model"),
                       describe (self), names[i]);
          return FALSE;
        }

      if (!g_hash_table_add (seen, (gpointer) names[i]))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: the version order names “%s” more than once"),
                       describe (self), names[i]);
          return FALSE;
        }

      g_ptr_array_add (order, g_object_ref (model));
    }

  for (guint i = 0; i < self->versions->len; i++)
    {
      const char *name = godwit_model_get_version_name (g_ptr_array_index (self->versions, i));

      if (name == NULL || !g_hash_table_contains (seen, name))
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                       _("%s: the version order leaves out version “%s”"),
                       describe (self), name != NULL ? name : _("(unnamed)"));
          return FALSE;
        }
    }

  g_ptr_array_unref (self->versions);
  self->versions = g_steal_pointer (&order);

  return TRUE;
}

/**
 * godwit_model_bundle_get_declared_version_hashes:
 * @version_name: a version name
 *
 * The entity version hashes a compiled .momd declares for a version in its
 * VersionInfo.plist (NSManagedObjectModel_VersionHashes).
 *
 * Returns: (transfer none) (nullable) (element-type utf8 GBytes): the
 *   hashes by entity name, or %NULL
 */
GHashTable *
godwit_model_bundle_get_declared_version_hashes (GodwitModelBundle *self,
                                                 const char        *version_name)
{
  g_return_val_if_fail (GODWIT_IS_MODEL_BUNDLE (self), NULL);
  g_return_val_if_fail (version_name != NULL, NULL);

  if (self->declared_hashes == NULL)
    return NULL;

  return g_hash_table_lookup (self->declared_hashes, version_name);
}
