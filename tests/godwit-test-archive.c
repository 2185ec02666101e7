/* godwit-test-archive.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "godwit-test-archive.h"

GBytes *
godwit_test_plist_to_bytes (plist_t               plist,
                            GodwitTestPlistFormat format)
{
  char *data = NULL;
  uint32_t length = 0;
  GBytes *bytes;

  if (format == GODWIT_TEST_PLIST_XML)
    plist_to_xml (plist, &data, &length);
  else
    plist_to_bin (plist, &data, &length);
  g_assert_nonnull (data);
  bytes = g_bytes_new (data, length);

  if (format == GODWIT_TEST_PLIST_XML)
    plist_to_xml_free (data);
  else
    plist_to_bin_free (data);

  return bytes;
}

void
godwit_test_archive_init (GodwitTestArchive *archive)
{
  archive->objects = plist_new_array ();
  archive->classes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  plist_array_append_item (archive->objects, plist_new_string ("$null"));
}

guint
godwit_test_archive_add (GodwitTestArchive *archive,
                         plist_t            object)
{
  plist_array_append_item (archive->objects, object);

  return plist_array_get_size (archive->objects) - 1;
}

guint
godwit_test_archive_add_string (GodwitTestArchive *archive,
                                const char        *text)
{
  return godwit_test_archive_add (archive, plist_new_string (text));
}

guint
godwit_test_archive_reserve (GodwitTestArchive *archive)
{
  return godwit_test_archive_add (archive, plist_new_bool (0));
}

void
godwit_test_archive_set (GodwitTestArchive *archive,
                         guint              index,
                         plist_t            object)
{
  plist_array_set_item (archive->objects, object, index);
}

plist_t
godwit_test_archive_object (GodwitTestArchive *archive,
                            const char        *class_name)
{
  plist_t object = plist_new_dict ();
  gpointer index;

  if (!g_hash_table_lookup_extended (archive->classes, class_name, NULL, &index))
    {
      plist_t description = plist_new_dict ();
      plist_t classes = plist_new_array ();

      plist_array_append_item (classes, plist_new_string (class_name));
      plist_array_append_item (classes, plist_new_string ("NSObject"));
      plist_dict_set_item (description, "$classname", plist_new_string (class_name));
      plist_dict_set_item (description, "$classes", classes);
      index = GUINT_TO_POINTER (godwit_test_archive_add (archive, description));
      g_hash_table_insert (archive->classes, g_strdup (class_name), index);
    }

  plist_dict_set_item (object, "$class", plist_new_uid (GPOINTER_TO_UINT (index)));

  return object;
}

plist_t
godwit_test_archive_add_object (GodwitTestArchive *archive,
                                const char        *class_name,
                                guint             *index)
{
  plist_t object = godwit_test_archive_object (archive, class_name);

  *index = godwit_test_archive_add (archive, object);

  return object;
}

void
godwit_test_set_uid (plist_t     object,
                     const char *key,
                     guint       index)
{
  plist_dict_set_item (object, key, plist_new_uid (index));
}

plist_t
godwit_test_uid_array (const guint *indexes,
                       guint        n)
{
  plist_t array = plist_new_array ();

  for (guint i = 0; i < n; i++)
    plist_array_append_item (array, plist_new_uid (indexes[i]));

  return array;
}

guint
godwit_test_archive_collection (GodwitTestArchive *archive,
                                const char        *class_name,
                                const guint       *members,
                                guint              n)
{
  plist_t collection = godwit_test_archive_object (archive, class_name);

  plist_dict_set_item (collection, "NS.objects", godwit_test_uid_array (members, n));

  return godwit_test_archive_add (archive, collection);
}

GBytes *
godwit_test_archive_finish (GodwitTestArchive *archive,
                            const char        *archiver,
                            guint              root)
{
  plist_t dict = plist_new_dict ();
  plist_t top = plist_new_dict ();
  GBytes *bytes;

  plist_dict_set_item (top, "root", plist_new_uid (root));
  plist_dict_set_item (dict, "$archiver", plist_new_string (archiver));
  plist_dict_set_item (dict, "$version", plist_new_uint (100000));
  plist_dict_set_item (dict, "$objects", archive->objects);
  plist_dict_set_item (dict, "$top", top);

  bytes = godwit_test_plist_to_bytes (dict, GODWIT_TEST_PLIST_BINARY);
  plist_free (dict);
  g_clear_pointer (&archive->classes, g_hash_table_unref);
  archive->objects = NULL;

  return bytes;
}
