/* test-version-hash.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <plist/plist.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-model.h"
#include "godwit-test-utils.h"

static GodwitProperty *
attribute (const char          *name,
           GodwitAttributeType  type,
           gboolean             optional)
{
  GodwitProperty *property = godwit_property_new (GODWIT_PROPERTY_KIND_ATTRIBUTE, name);

  property->attribute_type = type;
  property->optional = optional;

  return property;
}

static GodwitProperty *
relationship (const char *name,
              const char *destination,
              const char *inverse,
              gboolean    to_many,
              gboolean    optional)
{
  GodwitProperty *property = godwit_property_new (GODWIT_PROPERTY_KIND_RELATIONSHIP, name);

  property->destination_entity = g_strdup (destination);
  property->inverse_name = g_strdup (inverse);
  property->optional = optional;
  property->to_many = to_many;
  property->max_count = to_many ? 0 : 1;

  return property;
}

/* wibosco CoreDataMigration_Example 3, as in coredata-format.md §2.4 */
static GodwitModel *
build_wibosco_v3 (void)
{
  GodwitModel *model = godwit_model_new ("CoreDataMigration_Example 3", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *post = godwit_entity_new ("Post");
  GodwitEntity *section = godwit_entity_new ("Section");
  g_autoptr(GError) error = NULL;

  godwit_entity_add_property (post, attribute ("date", GODWIT_ATTRIBUTE_TYPE_DATE, TRUE));
  godwit_entity_add_property (post, attribute ("hexColor", GODWIT_ATTRIBUTE_TYPE_STRING, TRUE));
  godwit_entity_add_property (post, attribute ("postID", GODWIT_ATTRIBUTE_TYPE_STRING, TRUE));
  godwit_entity_add_property (post, relationship ("sections", "Section", "post", TRUE, FALSE));
  godwit_entity_add_property (section, attribute ("body", GODWIT_ATTRIBUTE_TYPE_STRING, TRUE));
  godwit_entity_add_property (section, attribute ("index", GODWIT_ATTRIBUTE_TYPE_INTEGER_16, TRUE));
  godwit_entity_add_property (section, attribute ("title", GODWIT_ATTRIBUTE_TYPE_STRING, TRUE));
  godwit_entity_add_property (section, relationship ("post", "Post", "sections", FALSE, TRUE));
  godwit_model_add_entity (model, section);
  godwit_model_add_entity (model, post);
  godwit_model_add_version_identifier (model, "");

  g_assert_true (godwit_model_resolve (model, &error));
  g_assert_no_error (error);

  return model;
}

static plist_t
read_store_metadata (const char *path)
{
  g_autofree char *uri = g_strdup_printf ("file:%s?mode=ro&immutable=1", path);
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  plist_t metadata = NULL;

  g_assert_cmpint (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT Z_PLIST FROM Z_METADATA", -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  plist_from_bin (sqlite3_column_blob (statement, 0), sqlite3_column_bytes (statement, 0), &metadata);
  sqlite3_finalize (statement);
  sqlite3_close (db);

  g_assert_nonnull (metadata);

  return metadata;
}

static void
assert_hash (plist_t       hashes,
             GodwitEntity *entity)
{
  plist_t node = plist_dict_get_item (hashes, entity->name);
  char *data = NULL;
  uint64_t length = 0;

  g_assert_nonnull (node);
  plist_get_data_val (node, &data, &length);
  g_assert_cmpuint (length, ==, GODWIT_VERSION_HASH_LENGTH);
  g_assert_cmpmem (data, length, entity->version_hash, GODWIT_VERSION_HASH_LENGTH);
  free (data);
}

static void
test_real_store_hashes (void)
{
  g_autofree char *fixture = godwit_test_fixture_path ("wibosco-revised/stores/CoreDataMigration_Example_3.sqlite");
  g_autoptr(GodwitModel) model = NULL;
  g_autofree char *digest = NULL;
  plist_t metadata;
  plist_t hashes;
  plist_t stored_digest;
  char *stored = NULL;

  if (fixture == NULL)
    return;

  model = build_wibosco_v3 ();
  metadata = read_store_metadata (fixture);
  hashes = plist_dict_get_item (metadata, "NSStoreModelVersionHashes");

  g_assert_cmpuint (plist_dict_get_size (hashes), ==, 2);
  assert_hash (hashes, godwit_model_get_entity (model, "Post"));
  assert_hash (hashes, godwit_model_get_entity (model, "Section"));

  /* Framework 866 predates the digest key; when present it must agree. */
  stored_digest = plist_dict_get_item (metadata, "NSStoreModelVersionHashesDigest");
  digest = godwit_model_dup_version_hashes_digest (model);
  g_assert_cmpuint (strlen (digest), ==, 88);
  if (stored_digest != NULL)
    {
      plist_get_string_val (stored_digest, &stored);
      g_assert_cmpstr (digest, ==, stored);
      free (stored);
    }

  plist_free (metadata);
}

/* Each input of §3.3 changes the hash; renaming identifiers, delete
 * rules and default values do not. */
static void
test_hash_inputs (void)
{
  g_autoptr(GodwitModel) base = build_wibosco_v3 ();
  guint8 reference[GODWIT_VERSION_HASH_LENGTH];
  GodwitEntity *section = godwit_model_get_entity (base, "Section");
  GodwitProperty *index = godwit_entity_get_own_property (section, "index");
  GodwitProperty *post = godwit_entity_get_own_property (section, "post");
  guint8 hash[GODWIT_VERSION_HASH_LENGTH];

  godwit_property_compute_version_hash (index, reference);

  index->optional = FALSE;
  godwit_property_compute_version_hash (index, hash);
  g_assert_true (memcmp (hash, reference, sizeof hash) != 0);
  index->optional = TRUE;

  index->attribute_type = GODWIT_ATTRIBUTE_TYPE_INTEGER_32;
  godwit_property_compute_version_hash (index, hash);
  g_assert_true (memcmp (hash, reference, sizeof hash) != 0);
  index->attribute_type = GODWIT_ATTRIBUTE_TYPE_INTEGER_16;

  index->version_hash_modifier = g_strdup ("v2");
  godwit_property_compute_version_hash (index, hash);
  g_assert_true (memcmp (hash, reference, sizeof hash) != 0);
  g_clear_pointer (&index->version_hash_modifier, g_free);

  index->preserves_value_in_history_on_deletion = TRUE;
  godwit_property_compute_version_hash (index, hash);
  g_assert_true (memcmp (hash, reference, sizeof hash) != 0);
  index->preserves_value_in_history_on_deletion = FALSE;

  index->renaming_identifier = g_strdup ("position");
  index->default_value = g_strdup ("7");
  godwit_property_compute_version_hash (index, hash);
  g_assert_cmpmem (hash, sizeof hash, reference, sizeof reference);

  godwit_property_compute_version_hash (post, reference);
  post->delete_rule = GODWIT_DELETE_RULE_CASCADE;
  godwit_property_compute_version_hash (post, hash);
  g_assert_cmpmem (hash, sizeof hash, reference, sizeof reference);
  post->ordered = TRUE;
  godwit_property_compute_version_hash (post, hash);
  g_assert_true (memcmp (hash, reference, sizeof hash) != 0);
}

static void
test_model_errors (void)
{
  g_autoptr(GodwitModel) cycle = godwit_model_new ("cycle", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitModel) missing = godwit_model_new ("missing", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitModel) duplicate = godwit_model_new ("duplicate", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *a = godwit_entity_new ("A");
  GodwitEntity *b = godwit_entity_new ("B");
  GodwitEntity *c = godwit_entity_new ("C");
  g_autoptr(GError) error = NULL;

  a->parent_name = g_strdup ("B");
  b->parent_name = g_strdup ("A");
  godwit_model_add_entity (cycle, a);
  godwit_model_add_entity (cycle, b);
  g_assert_false (godwit_model_resolve (cycle, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "cycle"));
  g_clear_error (&error);

  godwit_entity_add_property (c, relationship ("owner", "Nobody", NULL, FALSE, TRUE));
  godwit_model_add_entity (missing, c);
  g_assert_false (godwit_model_resolve (missing, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "C.owner"));
  g_assert_nonnull (strstr (error->message, "Nobody"));
  g_clear_error (&error);

  godwit_model_add_entity (duplicate, godwit_entity_new ("D"));
  godwit_model_add_entity (duplicate, godwit_entity_new ("D"));
  g_assert_false (godwit_model_resolve (duplicate, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
}

/* Sub-entities see inherited properties and mix in the parent's hash:
 * changing the parent changes the child's hash. */
static void
test_inheritance (void)
{
  g_autoptr(GodwitModel) first = godwit_model_new ("1", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GodwitModel) second = godwit_model_new ("2", GODWIT_MODEL_SOURCE_WRITER);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 2; i++)
    {
      GodwitModel *model = i == 0 ? first : second;
      GodwitEntity *root = godwit_entity_new ("Root");
      GodwitEntity *leaf = godwit_entity_new ("Leaf");

      root->abstract = TRUE;
      godwit_entity_add_property (root, attribute ("name", GODWIT_ATTRIBUTE_TYPE_STRING, i == 0));
      leaf->parent_name = g_strdup ("Root");
      godwit_entity_add_property (leaf, attribute ("size", GODWIT_ATTRIBUTE_TYPE_INTEGER_64, TRUE));
      godwit_model_add_entity (model, leaf);
      godwit_model_add_entity (model, root);
      g_assert_true (godwit_model_resolve (model, &error));
      g_assert_no_error (error);
    }

  g_assert_true (godwit_model_get_entity (first, "Leaf")->parent == godwit_model_get_entity (first, "Root"));
  g_assert_nonnull (godwit_entity_find_property (godwit_model_get_entity (first, "Leaf"), "name"));
  g_assert_true (memcmp (godwit_model_get_entity (first, "Leaf")->version_hash,
                         godwit_model_get_entity (second, "Leaf")->version_hash,
                         GODWIT_VERSION_HASH_LENGTH) != 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/version-hash/real-store", test_real_store_hashes);
  g_test_add_func ("/version-hash/inputs", test_hash_inputs);
  g_test_add_func ("/version-hash/inheritance", test_inheritance);
  g_test_add_func ("/model/errors", test_model_errors);

  return g_test_run ();
}
