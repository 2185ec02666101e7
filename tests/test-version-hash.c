/* test-version-hash.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

/* wibosco CoreDataMigration_Example 3, as in coredata-format.md §2.4 */
static GodwitModel *
build_wibosco_v3 (void)
{
  GodwitModel *model = godwit_model_new ("CoreDataMigration_Example 3", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *section = godwit_test_add_entity (model, "Section", NULL);
  GodwitEntity *post = godwit_test_add_entity (model, "Post", NULL);

  godwit_test_add_attribute (post, "date", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_attribute (post, "hexColor", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (post, "postID", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (post, "sections", "Section", "post", TRUE, FALSE)->optional = FALSE;
  godwit_test_add_attribute (section, "body", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (section, "index", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_add_attribute (section, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (section, "post", "Post", "sections", FALSE, FALSE);
  godwit_model_add_version_identifier (model, "");
  godwit_test_resolve_model (model);

  return model;
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
  sqlite3 *db;

  if (fixture == NULL)
    return;

  model = build_wibosco_v3 ();
  db = godwit_test_open_read_only (fixture, TRUE);
  metadata = godwit_test_read_metadata (db);
  sqlite3_close (db);
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
  g_autoptr(GError) error = NULL;
  GodwitEntity *c;

  godwit_test_add_entity (cycle, "A", "B");
  godwit_test_add_entity (cycle, "B", "A");
  g_assert_false (godwit_model_resolve (cycle, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_nonnull (strstr (error->message, "cycle"));
  g_clear_error (&error);

  c = godwit_test_add_entity (missing, "C", NULL);
  godwit_test_add_relationship (c, "owner", "Nobody", NULL, FALSE, FALSE);
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
  for (guint i = 0; i < 2; i++)
    {
      GodwitModel *model = i == 0 ? first : second;
      GodwitEntity *leaf = godwit_test_add_entity (model, "Leaf", "Root");
      GodwitEntity *root = godwit_test_add_entity (model, "Root", NULL);

      root->abstract = TRUE;
      godwit_test_add_attribute (root, "name", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = i == 0;
      godwit_test_add_attribute (leaf, "size", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
      godwit_test_resolve_model (model);
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
