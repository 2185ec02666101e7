/* test-model-archive.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "godwit-error.h"
#include "godwit-model-archive-private.h"
#include "godwit-plist.h"
#include "godwit-test-archive.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

/* Folders of ../shared/fixtures/coredata holding real stores. */
static const char * const store_folders[] = {
  "apple-devices",
  "wibosco-revised/stores",
  "bergier/stores",
};

/* Reads the metadata and the cached model (NULL when there is none) from a
 * copy of the store, opened read-only and immutable: the shared file is
 * never opened. */
static void
read_store (const char   *path,
            plist_t      *metadata,
            GodwitModel **model)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *copy = g_build_filename (tmpdir, basename, NULL);
  sqlite3 *db;

  godwit_test_copy_file (path, copy);
  db = godwit_test_open_read_only (copy, TRUE);
  *metadata = godwit_test_read_metadata (db);
  *model = godwit_test_load_cached_model (db, path);
  sqlite3_close (db);
  godwit_test_rmdir (tmpdir);
}

static GodwitModel *
load_store_model (const char *relative_path)
{
  g_autofree char *path = godwit_test_fixture_path (relative_path);
  g_auto(plist_t) metadata = NULL;
  GodwitModel *model;

  if (path == NULL)
    return NULL;

  read_store (path, &metadata, &model);
  g_assert_nonnull (model);
  g_assert_true (godwit_model_is_resolved (model));
  g_assert_cmpint (godwit_model_get_source (model), ==, GODWIT_MODEL_SOURCE_STORE_CACHE);
  g_assert_null (godwit_model_get_version_name (model));

  return model;
}

/* Every entity hash recomputed from the store's own model equals the hash
 * Core Data wrote in the store's metadata. */
static void
check_store (const char *path)
{
  g_autoptr(GodwitModel) model = NULL;
  g_autofree char *digest = NULL;
  g_autofree char *checksum = NULL;
  g_autoptr(GPtrArray) stored_identifiers = g_ptr_array_new ();
  g_autoptr(GPtrArray) model_identifiers = g_ptr_array_new ();
  g_auto(plist_t) plist = NULL;
  plist_t hashes;
  plist_t identifiers;
  GPtrArray *entities;

  read_store (path, &plist, &model);
  if (model == NULL)
    {
      g_test_message ("%s: no Z_MODELCACHE", path);
      return;
    }

  hashes = plist_dict_get_item (plist, "NSStoreModelVersionHashes");
  g_assert_nonnull (hashes);

  entities = godwit_model_get_entities (model);
  g_assert_cmpuint (entities->len, ==, plist_dict_get_size (hashes));

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      plist_t stored = plist_dict_get_item (hashes, entity->name);
      uint64_t stored_length = 0;
      const char *stored_hash;

      g_assert_nonnull (stored);
      stored_hash = plist_get_data_ptr (stored, &stored_length);
      g_assert_cmpmem (entity->version_hash, GODWIT_VERSION_HASH_LENGTH, stored_hash, stored_length);
    }

  digest = godwit_plist_dup_string (plist, "NSStoreModelVersionHashesDigest");
  if (digest != NULL)
    {
      g_autofree char *computed = godwit_model_dup_version_hashes_digest (model);

      g_assert_cmpstr (computed, ==, digest);
    }

  checksum = godwit_plist_dup_string (plist, "NSStoreModelVersionChecksumKey");
  if (checksum != NULL)
    {
      g_autofree char *computed = godwit_model_dup_version_checksum (model);

      g_assert_cmpstr (computed, ==, checksum);
    }

  /* The model's version identifiers are what the store recorded. */
  identifiers = plist_dict_get_item (plist, "NSStoreModelVersionIdentifiers");
  for (guint32 i = 0; identifiers != NULL && i < plist_array_get_size (identifiers); i++)
    {
      uint64_t identifier_length = 0;

      g_ptr_array_add (stored_identifiers,
                       (gpointer) plist_get_string_ptr (plist_array_get_item (identifiers, i), &identifier_length));
    }
  g_ptr_array_sort (stored_identifiers, godwit_test_compare_strings);
  g_ptr_array_extend (model_identifiers, godwit_model_get_version_identifiers (model), NULL, NULL);
  g_ptr_array_sort (model_identifiers, godwit_test_compare_strings);
  g_assert_cmpuint (model_identifiers->len, ==, stored_identifiers->len);
  for (guint i = 0; i < model_identifiers->len; i++)
    g_assert_cmpstr (g_ptr_array_index (model_identifiers, i), ==, g_ptr_array_index (stored_identifiers, i));

  g_test_message ("%s: %u entities, all hashes equal%s%s", path, entities->len,
                  digest != NULL ? ", digest equal" : "", checksum != NULL ? ", checksum equal" : "");
}

static void
test_fixture_hashes (void)
{
  guint checked = 0;

  for (guint i = 0; i < G_N_ELEMENTS (store_folders); i++)
    {
      g_autofree char *folder = godwit_test_fixture_path (store_folders[i]);
      g_autofree char *listing = NULL;
      g_auto(GStrv) names = NULL;

      if (folder == NULL)
        return;

      listing = godwit_test_list_directory (folder);
      names = g_strsplit (listing, "\n", -1);
      for (guint j = 0; names[j] != NULL; j++)
        {
          g_autofree char *path = NULL;

          if (!g_str_has_suffix (names[j], ".sqlite"))
            continue;

          path = g_build_filename (folder, names[j], NULL);
          check_store (path);
          checked++;
        }
    }

  g_assert_cmpuint (checked, >, 0);
}

static void
test_note_store (void)
{
  g_autoptr(GodwitModel) model = load_store_model ("apple-devices/NoteStore.sqlite");
  GodwitEntity *account;
  GodwitEntity *container;
  GodwitEntity *syncing;
  GodwitEntity *attachment;
  GodwitProperty *property;
  const char * const *tuple;

  if (model == NULL)
    return;

  g_assert_cmpuint (godwit_model_get_entities (model)->len, ==, 18);

  account = godwit_model_get_entity (model, "ICAccount");
  container = godwit_model_get_entity (model, "ICNoteContainer");
  syncing = godwit_model_get_entity (model, "ICCloudSyncingObject");
  g_assert_nonnull (account);
  g_assert_cmpstr (account->parent_name, ==, "ICNoteContainer");
  g_assert_true (account->parent == container);
  g_assert_cmpstr (container->parent_name, ==, "ICCloudSyncingObject");
  g_assert_true (container->abstract);
  g_assert_false (account->abstract);
  g_assert_true (godwit_entity_get_root (account) == syncing);
  g_assert_cmpstr (account->class_name, ==, "ICAccount");
  g_assert_null (account->renaming_identifier);

  /* Inherited properties are the parent's, not copies. */
  g_assert_null (godwit_entity_get_own_property (account, "markedForDeletion"));
  g_assert_nonnull (godwit_entity_get_own_property (syncing, "markedForDeletion"));
  g_assert_nonnull (godwit_entity_find_property (account, "markedForDeletion"));
  g_assert_nonnull (godwit_entity_get_own_property (account, "didFinishMigration"));

  g_assert_cmpuint (syncing->uniqueness_constraints->len, ==, 1);
  tuple = g_ptr_array_index (syncing->uniqueness_constraints, 0);
  g_assert_cmpuint (g_strv_length ((char **) tuple), ==, 1);
  g_assert_cmpstr (tuple[0], ==, "identifier");
  g_assert_cmpuint (account->uniqueness_constraints->len, ==, 0);

  attachment = godwit_model_get_entity (model, "ICAttachment");
  g_assert_cmpstr (attachment->version_hash_modifier, ==, "ForceMigrate1.0b20to1.0b21");
  property = godwit_entity_get_own_property (attachment, "section");
  g_assert_cmpstr (property->version_hash_modifier, ==, "Section Reordering V1");
  g_assert_cmpint (property->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_INTEGER_16);

  property = godwit_test_get_own_property (model, "ICAttachment", "croppingQuadTopLeftY");
  g_assert_cmpint (property->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  g_assert_cmpstr (property->default_value, ==, "1");

  property = godwit_test_get_own_property (model, "ICAttachment", "needsInitialRelationshipSetup");
  g_assert_cmpint (property->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  g_assert_cmpstr (property->default_value, ==, "YES");

  property = godwit_test_get_own_property (model, "ICCloudSyncingObject", "serverRecordData");
  g_assert_cmpstr (property->renaming_identifier, ==, "cachedRecord");
  g_assert_cmpint (property->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_BINARY);

  /* SELF >= 0 archived as a validation predicate */
  property = godwit_test_get_own_property (model, "ICAccount", "serverSideUpdateTaskFailureCount");
  g_assert_cmpstr (property->min_value, ==, "0");
  g_assert_null (property->max_value);
  g_assert_cmpstr (property->default_value, ==, "0");

  /* An NSDate default value, in seconds since 2001 */
  property = godwit_test_get_own_property (model, "ICNote", "lastViewedModificationDate");
  g_assert_cmpint (property->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_DATE);
  g_assert_cmpstr (property->default_value, ==, "-541232580");
}

static void
test_admin_store (void)
{
  g_autoptr(GodwitModel) model = load_store_model ("apple-devices/RMAdminStore-Local.sqlite");
  GodwitEntity *user;
  GodwitFetchIndex *index = NULL;
  GodwitFetchIndexElement *element;
  GodwitProperty *property;
  GHashTable *configurations;

  if (model == NULL)
    return;

  g_assert_cmpuint (godwit_model_get_entities (model)->len, ==, 31);

  user = godwit_model_get_entity (model, "CoreUser");
  for (guint i = 0; i < user->fetch_indexes->len; i++)
    {
      GodwitFetchIndex *candidate = g_ptr_array_index (user->fetch_indexes, i);

      if (g_strcmp0 (candidate->name, "byDSID") == 0)
        index = candidate;
    }
  g_assert_nonnull (index);
  g_assert_cmpuint (index->elements->len, ==, 1);
  element = g_ptr_array_index (index->elements, 0);
  g_assert_cmpstr (element->property, ==, "dsid");
  g_assert_cmpstr (element->type, ==, "Binary");
  g_assert_true (element->ascending);
  g_assert_null (index->partial_index_predicate);

  property = godwit_test_get_own_property (model, "InstalledApp", "bundleIdentifier");
  g_assert_true (property->preserves_value_in_history_on_deletion);
  g_assert_false (property->allows_external_binary_data_storage);

  property = godwit_test_get_own_property (model, "CoreUser", "passcodeEntryAttemptCount");
  g_assert_cmpstr (property->min_value, ==, "0");

  g_assert_true (godwit_model_get_entity (model, "CoreOrganization")->abstract);
  g_assert_cmpuint (g_hash_table_size (godwit_model_get_entity (model, "Blueprint")->user_info), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (godwit_model_get_entity (model, "Blueprint")->user_info, "isMirrored"), ==, "YES");

  configurations = godwit_model_get_configurations (model);
  g_assert_cmpuint (g_hash_table_size (configurations), ==, 2);
}

static void
test_wibosco_store_3 (void)
{
  g_autoptr(GodwitModel) model = load_store_model ("wibosco-revised/stores/CoreDataMigration_Example_3.sqlite");
  GodwitProperty *sections;
  GodwitProperty *post;
  GodwitProperty *index;
  GodwitProperty *date;

  if (model == NULL)
    return;

  g_assert_cmpuint (godwit_model_get_entities (model)->len, ==, 2);

  sections = godwit_test_get_own_property (model, "Post", "sections");
  g_assert_cmpint (sections->kind, ==, GODWIT_PROPERTY_KIND_RELATIONSHIP);
  g_assert_true (sections->to_many);
  g_assert_false (sections->ordered);
  g_assert_false (sections->optional);
  g_assert_cmpint (sections->max_count, ==, 0);
  g_assert_cmpint (sections->min_count, ==, 0);
  g_assert_cmpstr (sections->destination_entity, ==, "Section");
  g_assert_cmpstr (sections->inverse_name, ==, "post");
  g_assert_cmpstr (sections->inverse_entity, ==, "Section");
  g_assert_cmpint (sections->delete_rule, ==, GODWIT_DELETE_RULE_CASCADE);
  g_assert_null (sections->renaming_identifier);

  post = godwit_test_get_own_property (model, "Section", "post");
  g_assert_false (post->to_many);
  g_assert_true (post->optional);
  g_assert_cmpint (post->max_count, ==, 1);
  g_assert_cmpstr (post->destination_entity, ==, "Post");
  g_assert_cmpstr (post->inverse_name, ==, "sections");
  g_assert_cmpint (post->delete_rule, ==, GODWIT_DELETE_RULE_NULLIFY);

  index = godwit_test_get_own_property (model, "Section", "index");
  g_assert_cmpint (index->kind, ==, GODWIT_PROPERTY_KIND_ATTRIBUTE);
  g_assert_cmpint (index->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  g_assert_cmpstr (index->default_value, ==, "0");
  g_assert_cmpstr (index->value_class_name, ==, "NSNumber");
  g_assert_true (index->optional);
  g_assert_false (index->transient);

  date = godwit_test_get_own_property (model, "Post", "date");
  g_assert_cmpint (date->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_DATE);
  g_assert_null (date->default_value);

  g_assert_cmpuint (godwit_model_get_version_identifiers (model)->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (godwit_model_get_version_identifiers (model), 0), ==, "");
}

static void
test_wibosco_store_2_renaming (void)
{
  g_autoptr(GodwitModel) model = load_store_model ("wibosco-revised/stores/CoreDataMigration_Example_2.sqlite");

  if (model == NULL)
    return;

  g_assert_cmpstr (godwit_test_get_own_property (model, "Post", "hexColor")->renaming_identifier,
                   ==, "color");
  g_assert_null (godwit_test_get_own_property (model, "Post", "postID")->renaming_identifier);
}

/* Building archives */

static GBytes *
deflate_raw (const void *data,
             gsize       length)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, -1);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (stream, data, length, NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);

  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

/* An NSDictionary of string keys and referenced values, @n pairs. */
static guint
add_dictionary (GodwitTestArchive  *b,
                const char * const *keys,
                const guint        *values,
                guint               n)
{
  plist_t dict = godwit_test_archive_object (b, "NSDictionary");
  plist_t key_array = plist_new_array ();

  for (guint i = 0; i < n; i++)
    plist_array_append_item (key_array,
                             plist_new_uid (godwit_test_archive_add_string (b, keys[i])));
  plist_dict_set_item (dict, "NS.keys", key_array);
  plist_dict_set_item (dict, "NS.objects", godwit_test_uid_array (values, n));

  return godwit_test_archive_add (b, dict);
}

static guint
add_attribute (GodwitTestArchive *b,
               const char        *class_name,
               const char        *name,
               guint              flags,
               gint64             type)
{
  plist_t attribute = godwit_test_archive_object (b, class_name);

  godwit_test_set_uid (attribute, "NSPropertyName", godwit_test_archive_add_string (b, name));
  plist_dict_set_item (attribute, "_P", plist_new_uint (flags));
  plist_dict_set_item (attribute, "NSAttributeType", plist_new_uint ((guint64) type));

  return godwit_test_archive_add (b, attribute);
}

/* SELF (or a key path) <operator> constant */
static guint
add_comparison (GodwitTestArchive *b,
                guint              left,
                gint64             operator_type,
                gint64             options,
                guint              right)
{
  plist_t operator = godwit_test_archive_object (b, "NSComparisonPredicateOperator");
  plist_t predicate = godwit_test_archive_object (b, "NSComparisonPredicate");

  plist_dict_set_item (operator, "NSOperatorType", plist_new_uint ((guint64) operator_type));
  plist_dict_set_item (operator, "NSModifier", plist_new_uint (0));
  plist_dict_set_item (operator, "NSOptions", plist_new_uint ((guint64) options));
  godwit_test_set_uid (predicate, "NSPredicateOperator", godwit_test_archive_add (b, operator));
  godwit_test_set_uid (predicate, "NSLeftExpression", left);
  godwit_test_set_uid (predicate, "NSRightExpression", right);

  return godwit_test_archive_add (b, predicate);
}

static guint
add_key_path (GodwitTestArchive *b,
              const char        *path)
{
  plist_t specifier = godwit_test_archive_object (b, "NSKeyPathSpecifierExpression");
  plist_t expression = godwit_test_archive_object (b, "NSKeyPathExpression");
  plist_t self = godwit_test_archive_object (b, "NSSelfExpression");
  guint arguments;

  godwit_test_set_uid (specifier, "NSKeyPath", godwit_test_archive_add_string (b, path));
  arguments = godwit_test_archive_collection (b, "NSArray", (const guint[]) {
    godwit_test_archive_add (b, specifier) }, 1);
  godwit_test_set_uid (expression, "NSOperand", godwit_test_archive_add (b, self));
  godwit_test_set_uid (expression, "NSSelectorName",
                       godwit_test_archive_add_string (b, "valueForKeyPath:"));
  godwit_test_set_uid (expression, "NSArguments", arguments);

  return godwit_test_archive_add (b, expression);
}

static guint
add_constant (GodwitTestArchive *b,
              plist_t            value)
{
  plist_t expression = godwit_test_archive_object (b, "NSConstantValueExpression");

  godwit_test_set_uid (expression, "NSConstantValue", godwit_test_archive_add (b, value));

  return godwit_test_archive_add (b, expression);
}

/* A model of one entity "Post" with attribute "title" of @type and, in the
 * old style without "_P", a to-one relationship "author" to "Person". */
static GBytes *
build_model (gint64 attribute_type)
{
  GodwitTestArchive b;
  plist_t model, post, person, title, author;
  guint model_index, post_index, person_index, title_index, author_index;
  guint entities, post_properties, person_properties;
  const char * const entity_names[] = { "Post", "Person" };
  const char * const post_property_names[] = { "title", "author" };

  godwit_test_archive_init (&b);

  model = godwit_test_archive_add_object (&b, "NSManagedObjectModel", &model_index);
  post = godwit_test_archive_add_object (&b, "NSEntityDescription", &post_index);
  person = godwit_test_archive_add_object (&b, "NSEntityDescription", &person_index);

  title = godwit_test_archive_object (&b, "NSAttributeDescription");
  godwit_test_set_uid (title, "NSPropertyName", godwit_test_archive_add_string (&b, "title"));
  plist_dict_set_item (title, "NSAttributeType", plist_new_uint ((guint64) attribute_type));
  plist_dict_set_item (title, "NSIsOptional", plist_new_bool (1));
  godwit_test_set_uid (title, "NSDefaultValue", godwit_test_archive_add_string (&b, "Untitled"));
  title_index = godwit_test_archive_add (&b, title);

  author = godwit_test_archive_object (&b, "NSRelationshipDescription");
  godwit_test_set_uid (author, "NSPropertyName", godwit_test_archive_add_string (&b, "author"));
  godwit_test_set_uid (author, "NSDestinationEntity", person_index);
  plist_dict_set_item (author, "NSMinCount", plist_new_uint (1));
  plist_dict_set_item (author, "NSMaxCount", plist_new_uint (1));
  plist_dict_set_item (author, "NSDeleteRule", plist_new_uint (GODWIT_DELETE_RULE_DENY));
  plist_dict_set_item (author, "NSIsOrdered", plist_new_bool (0));
  author_index = godwit_test_archive_add (&b, author);

  post_properties = add_dictionary (&b, post_property_names,
                                    (const guint[]) { title_index, author_index }, 2);
  person_properties = add_dictionary (&b, NULL, NULL, 0);

  godwit_test_set_uid (post, "NSEntityName", godwit_test_archive_add_string (&b, "Post"));
  godwit_test_set_uid (post, "NSProperties", post_properties);
  godwit_test_set_uid (person, "NSEntityName", godwit_test_archive_add_string (&b, "Person"));
  godwit_test_set_uid (person, "NSProperties", person_properties);
  plist_dict_set_item (person, "NSIsAbstract", plist_new_bool (1));

  entities = add_dictionary (&b, entity_names, (const guint[]) { post_index, person_index }, 2);
  godwit_test_set_uid (model, "NSEntities", entities);

  return godwit_test_archive_finish (&b, "NSKeyedArchiver", model_index);
}

static void
test_built_model (void)
{
  g_autoptr(GBytes) archive = build_model (GODWIT_ATTRIBUTE_TYPE_STRING);
  g_autoptr(GBytes) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GodwitModel) cached = NULL;
  GodwitProperty *title;
  GodwitProperty *author;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (archive, &length);

  model = _godwit_model_new_from_archive (data, length, "Model 2", GODWIT_MODEL_SOURCE_COMPILED,
                                          "/x/Model.momd/Model 2.mom", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (godwit_model_get_version_name (model), ==, "Model 2");
  g_assert_cmpstr (godwit_model_get_path (model), ==, "/x/Model.momd/Model 2.mom");
  g_assert_cmpint (godwit_model_get_source (model), ==, GODWIT_MODEL_SOURCE_COMPILED);
  g_assert_cmpuint (godwit_model_get_entities (model)->len, ==, 2);
  g_assert_true (godwit_model_get_entity (model, "Person")->abstract);

  title = godwit_test_get_own_property (model, "Post", "title");
  g_assert_true (title->optional);
  g_assert_false (title->transient);
  g_assert_cmpint (title->attribute_type, ==, GODWIT_ATTRIBUTE_TYPE_STRING);
  g_assert_cmpstr (title->default_value, ==, "Untitled");

  author = godwit_test_get_own_property (model, "Post", "author");
  g_assert_false (author->optional);
  g_assert_false (author->to_many);
  g_assert_cmpint (author->min_count, ==, 1);
  g_assert_cmpint (author->max_count, ==, 1);
  g_assert_cmpint (author->delete_rule, ==, GODWIT_DELETE_RULE_DENY);
  g_assert_cmpstr (author->destination_entity, ==, "Person");
  g_assert_null (author->inverse_name);

  /* The same archive as a model cache */
  cache = deflate_raw (data, length);
  data = g_bytes_get_data (cache, &length);
  cached = _godwit_model_new_from_model_cache (data, length, "built.sqlite: Z_MODELCACHE", &error);
  g_assert_no_error (error);
  g_assert_null (godwit_model_get_path (cached));
  g_assert_cmpmem (godwit_model_get_entity (cached, "Post")->version_hash, GODWIT_VERSION_HASH_LENGTH,
                   godwit_model_get_entity (model, "Post")->version_hash, GODWIT_VERSION_HASH_LENGTH);
}

/* Everything the decoder knows beyond the fixtures: fetched and derived
 * properties, predicates, fetch request templates, configurations,
 * compound indexes, user info that is not a string, inherited copies,
 * proxies and a redefinition in a sub-entity. */
static GBytes *
build_rich_model (void)
{
  GodwitTestArchive b;
  plist_t model, post, person, author, title, related, summary, request, template_request;
  plist_t author_score, person_age_copy, proxy, compound, variable;
  guint model_index, post_index, person_index, author_index, title_index, related_index, summary_index;
  guint person_age, person_name, person_score, author_score_index, proxy_index, age_copy_index;
  guint fetch_source, adult, tags, self, members, tuple, index;

  godwit_test_archive_init (&b);

  model = godwit_test_archive_add_object (&b, "NSManagedObjectModel", &model_index);
  post = godwit_test_archive_add_object (&b, "NSEntityDescription", &post_index);
  person = godwit_test_archive_add_object (&b, "NSEntityDescription", &person_index);
  author = godwit_test_archive_add_object (&b, "NSEntityDescription", &author_index);

  /* Post.title: optional, external storage, kept in history, 1 to 100
   * characters, renamed from "headline" */
  title_index = add_attribute (&b, "NSAttributeDescription", "title", 0x1 | 0x2, 700);
  title = plist_array_get_item (b.objects, title_index);
  plist_dict_set_item (title, "NSFlagsKey", plist_new_uint (4 | 16));
  godwit_test_set_uid (title, "NSRenamingIdentifier",
                       godwit_test_archive_add_string (&b, "headline"));
  godwit_test_set_uid (title, "NSVersionHashModifier", godwit_test_archive_add_string (&b, "v2"));
  godwit_test_set_uid (title, "NSValidationPredicates",
                       godwit_test_archive_collection (&b, "NSArray", (const guint[]) {
                         add_comparison (&b, add_key_path (&b, "length"), 3, 0,
                                         add_constant (&b, plist_new_uint (1))),
                         add_comparison (&b, add_key_path (&b, "length"), 1, 0,
                                         add_constant (&b, plist_new_uint (100))),
                       }, 2));

  summary_index = add_attribute (&b, "NSDerivedAttributeDescription", "summary", 0x1 | 0x2, 700);
  summary = plist_array_get_item (b.objects, summary_index);
  godwit_test_set_uid (summary, "NSDerivationExpression", add_key_path (&b, "author.name"));

  /* Post.related: fetched property, SELF == $FETCH_SOURCE AND age >= 18 */
  variable = godwit_test_archive_object (&b, "NSVariableExpression");
  godwit_test_set_uid (variable, "NSVariable", godwit_test_archive_add_string (&b, "FETCH_SOURCE"));
  self = godwit_test_archive_add (&b, godwit_test_archive_object (&b, "NSSelfExpression"));
  fetch_source = add_comparison (&b, self, 4, 0, godwit_test_archive_add (&b, variable));
  adult = add_comparison (&b, add_key_path (&b, "age"), 3, 0,
                          add_constant (&b, plist_new_uint (18)));
  compound = godwit_test_archive_object (&b, "NSCompoundPredicate");
  plist_dict_set_item (compound, "NSCompoundPredicateType", plist_new_uint (1));
  godwit_test_set_uid (compound, "NSSubpredicates",
                       godwit_test_archive_collection (&b, "NSArray",
                                                       (const guint[]) { fetch_source, adult }, 2));
  request = godwit_test_archive_object (&b, "NSFetchRequest");
  godwit_test_set_uid (request, "NSEntity", person_index);
  godwit_test_set_uid (request, "NSPredicate", godwit_test_archive_add (&b, compound));
  related = godwit_test_archive_object (&b, "NSFetchedPropertyDescription");
  godwit_test_set_uid (related, "NSPropertyName", godwit_test_archive_add_string (&b, "related"));
  plist_dict_set_item (related, "_P", plist_new_uint (0x1 | 0x2 | 0x8));
  godwit_test_set_uid (related, "NSFetchRequest", godwit_test_archive_add (&b, request));
  related_index = godwit_test_archive_add (&b, related);

  godwit_test_set_uid (post, "NSEntityName", godwit_test_archive_add_string (&b, "Post"));
  members = add_dictionary (&b, (const char * const[]) { "title", "summary", "related" },
                            (const guint[]) { title_index, summary_index, related_index }, 3);
  godwit_test_set_uid (post, "NSProperties", members);
  tuple = godwit_test_archive_collection (&b, "NSArray", (const guint[]) { title_index }, 1);
  godwit_test_set_uid (post, "NSUniqueTuples",
                       godwit_test_archive_collection (&b, "NSArray",
                                                       (const guint[]) { tuple }, 1));
  index = godwit_test_archive_collection (&b, "NSArray", (const guint[]) {
    godwit_test_archive_add_string (&b, "title") }, 1);
  godwit_test_set_uid (post, "NSCompoundIndexes",
                       godwit_test_archive_collection (&b, "NSArray",
                                                       (const guint[]) { index }, 1));
  tags = godwit_test_archive_collection (&b, "NSArray", (const guint[]) {
    godwit_test_archive_add_string (&b, "x"),
    godwit_test_archive_add (&b, plist_new_uint (1)) }, 2);
  godwit_test_set_uid (post, "NSUserInfo",
                       add_dictionary (&b, (const char * const[]) { "tags" },
                                       (const guint[]) { tags }, 1));

  /* Person (abstract) and its sub-entity Author */
  person_age = add_attribute (&b, "NSAttributeDescription", "age", 0x1, 100);
  godwit_test_set_uid (plist_array_get_item (b.objects, person_age), "NSDefaultValue",
                       godwit_test_archive_add (&b, plist_new_uint (18)));
  person_name = add_attribute (&b, "NSAttributeDescription", "name", 0x1 | 0x2, 700);
  person_score = add_attribute (&b, "NSAttributeDescription", "score", 0x1 | 0x2, 500);
  godwit_test_set_uid (person, "NSEntityName", godwit_test_archive_add_string (&b, "Person"));
  plist_dict_set_item (person, "NSIsAbstract", plist_new_bool (1));
  members = add_dictionary (&b, (const char * const[]) { "age", "name", "score" },
                            (const guint[]) { person_age, person_name, person_score }, 3);
  godwit_test_set_uid (person, "NSProperties", members);

  age_copy_index = add_attribute (&b, "NSAttributeDescription", "age", 0x1, 100);
  person_age_copy = plist_array_get_item (b.objects, age_copy_index);
  godwit_test_set_uid (person_age_copy, "NSEntity", author_index);
  proxy = godwit_test_archive_object (&b, "_NSPropertyDescriptionProxy");
  godwit_test_set_uid (proxy, "NSUnderlyingProperty", person_name);
  proxy_index = godwit_test_archive_add (&b, proxy);
  author_score_index = add_attribute (&b, "NSAttributeDescription", "score", 0x1, 500);
  author_score = plist_array_get_item (b.objects, author_score_index);
  godwit_test_set_uid (author_score, "NSEntity", author_index);
  godwit_test_set_uid (author, "NSEntityName", godwit_test_archive_add_string (&b, "Author"));
  godwit_test_set_uid (author, "NSSuperentity", person_index);
  members = add_dictionary (&b, (const char * const[]) { "age", "name", "score" },
                            (const guint[]) { age_copy_index, proxy_index, author_score_index }, 3);
  godwit_test_set_uid (author, "NSProperties", members);

  /* Model */
  template_request = godwit_test_archive_object (&b, "NSFetchRequest");
  godwit_test_set_uid (template_request, "NSEntity", post_index);
  godwit_test_set_uid (template_request, "NSPredicate",
                       add_comparison (&b, add_key_path (&b, "title"), 8, 1,
                                       add_constant (&b, plist_new_string ("A \"quoted\""))));
  members = add_dictionary (&b, (const char * const[]) { "Post", "Person", "Author" },
                            (const guint[]) { post_index, person_index, author_index }, 3);
  godwit_test_set_uid (model, "NSEntities", members);
  members = add_dictionary (&b, (const char * const[]) { "recent" },
                            (const guint[]) { godwit_test_archive_add (&b, template_request) }, 1);
  godwit_test_set_uid (model, "NSFetchRequestTemplates", members);
  godwit_test_set_uid (model, "NSVersionIdentifiers",
                       godwit_test_archive_collection (&b, "NSSet", (const guint[]) {
                         godwit_test_archive_add_string (&b, "v2"),
                         godwit_test_archive_add_string (&b, "beta") }, 2));
  members = godwit_test_archive_collection (&b, "NSSet", (const guint[]) { post_index }, 1);
  godwit_test_set_uid (model, "NSConfigurations",
                       add_dictionary (&b, (const char * const[]) { "Cloud" },
                                       (const guint[]) { members }, 1));

  return godwit_test_archive_finish (&b, "NSKeyedArchiver", model_index);
}

static void
test_rich_model (void)
{
  g_autoptr(GBytes) archive = build_rich_model ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitModel) model = NULL;
  GodwitEntity *post, *person, *author;
  GodwitProperty *property;
  GodwitFetchIndex *index;
  GodwitFetchRequestTemplate *template;
  GPtrArray *identifiers;
  const char * const *cloud;
  const char * const *tuple;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (archive, &length);

  model = _godwit_model_new_from_archive (data, length, "Rich", GODWIT_MODEL_SOURCE_COMPILED, "rich.mom", &error);
  g_assert_no_error (error);

  post = godwit_model_get_entity (model, "Post");
  person = godwit_model_get_entity (model, "Person");
  author = godwit_model_get_entity (model, "Author");

  property = godwit_entity_get_own_property (post, "title");
  g_assert_true (property->optional);
  g_assert_true (property->allows_external_binary_data_storage);
  g_assert_true (property->preserves_value_in_history_on_deletion);
  g_assert_cmpstr (property->min_value, ==, "1");
  g_assert_cmpstr (property->max_value, ==, "100");
  g_assert_cmpstr (property->renaming_identifier, ==, "headline");
  g_assert_cmpstr (property->version_hash_modifier, ==, "v2");

  property = godwit_entity_get_own_property (post, "summary");
  g_assert_true (property->derived);
  g_assert_cmpstr (property->derivation_expression, ==, "author.name");

  property = godwit_entity_get_own_property (post, "related");
  g_assert_cmpint (property->kind, ==, GODWIT_PROPERTY_KIND_FETCHED);
  g_assert_true (property->transient);
  g_assert_cmpstr (property->fetch_request_entity, ==, "Person");
  g_assert_cmpstr (property->fetch_request_predicate, ==, "SELF == $FETCH_SOURCE AND age >= 18");

  g_assert_cmpuint (post->uniqueness_constraints->len, ==, 1);
  tuple = g_ptr_array_index (post->uniqueness_constraints, 0);
  g_assert_cmpstr (tuple[0], ==, "title");
  g_assert_null (tuple[1]);
  g_assert_cmpuint (post->fetch_indexes->len, ==, 1);
  index = g_ptr_array_index (post->fetch_indexes, 0);
  g_assert_cmpstr (index->name, ==, "compoundIndex");
  g_assert_cmpuint (index->elements->len, ==, 1);
  g_assert_cmpstr (((GodwitFetchIndexElement *) g_ptr_array_index (index->elements, 0))->property, ==, "title");
  g_assert_cmpstr (g_hash_table_lookup (post->user_info, "tags"), ==, "[\"x\",1]");

  g_assert_true (person->abstract);
  property = godwit_entity_get_own_property (person, "age");
  g_assert_false (property->optional);
  g_assert_cmpstr (property->default_value, ==, "18");

  /* Author: the copy of age and the proxy of name are Person's; its own
   * score differs from Person's and stays. */
  g_assert_true (author->parent == person);
  g_assert_cmpuint (author->properties->len, ==, 1);
  property = godwit_entity_get_own_property (author, "score");
  g_assert_nonnull (property);
  g_assert_false (property->optional);
  g_assert_true (godwit_entity_find_property (author, "age") == godwit_entity_get_own_property (person, "age"));
  g_assert_true (godwit_entity_find_property (author, "name") == godwit_entity_get_own_property (person, "name"));

  g_assert_cmpuint (godwit_model_get_fetch_request_templates (model)->len, ==, 1);
  template = g_ptr_array_index (godwit_model_get_fetch_request_templates (model), 0);
  g_assert_cmpstr (template->name, ==, "recent");
  g_assert_cmpstr (template->entity, ==, "Post");
  g_assert_cmpstr (template->predicate, ==, "title BEGINSWITH[c] \"A \\\"quoted\\\"\"");

  identifiers = godwit_model_get_version_identifiers (model);
  g_assert_cmpuint (identifiers->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (identifiers, 0), ==, "beta");
  g_assert_cmpstr (g_ptr_array_index (identifiers, 1), ==, "v2");

  cloud = g_hash_table_lookup (godwit_model_get_configurations (model), "Cloud");
  g_assert_nonnull (cloud);
  g_assert_cmpstr (cloud[0], ==, "Post");
  g_assert_null (cloud[1]);
}

/* E0 ← E1 ← … ← E299: too deep a hierarchy */
static void
test_deep_hierarchy (void)
{
  g_autoptr(GBytes) archive = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) indexes = g_array_new (FALSE, FALSE, sizeof (guint));
  GodwitModel *model;
  plist_t root;
  guint root_index, previous = 0;
  gsize length = 0;
  const guint8 *data;
  GodwitTestArchive b;

  godwit_test_archive_init (&b);
  root = godwit_test_archive_add_object (&b, "NSManagedObjectModel", &root_index);
  for (guint i = 0; i < 300; i++)
    {
      plist_t entity = godwit_test_archive_object (&b, "NSEntityDescription");
      char *name = g_strdup_printf ("E%u", i);
      guint index;

      godwit_test_set_uid (entity, "NSEntityName", godwit_test_archive_add_string (&b, name));
      if (i > 0)
        godwit_test_set_uid (entity, "NSSuperentity", previous);
      index = godwit_test_archive_add (&b, entity);
      g_array_append_val (indexes, index);
      g_ptr_array_add (names, name);
      previous = index;
    }
  godwit_test_set_uid (root, "NSEntities",
                       add_dictionary (&b, (const char * const *) names->pdata,
                                       (const guint *) (void *) indexes->data, names->len));
  archive = godwit_test_archive_finish (&b, "NSKeyedArchiver", root_index);

  data = g_bytes_get_data (archive, &length);
  model = _godwit_model_new_from_archive (data, length, NULL, GODWIT_MODEL_SOURCE_COMPILED, "deep.mom", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
  g_assert_true (g_str_has_prefix (error->message, "deep.mom: "));
}

/* Entities that share one dictionary of properties: few objects, many
 * descriptions to decode. */
static void
test_shared_properties (void)
{
  g_autoptr(GBytes) archive = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entity_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) property_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) entities = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) properties = g_array_new (FALSE, FALSE, sizeof (guint));
  GodwitModel *model;
  plist_t root;
  guint root_index, shared;
  gsize length = 0;
  const guint8 *data;
  gint64 started;
  GodwitTestArchive b;

  godwit_test_archive_init (&b);
  root = godwit_test_archive_add_object (&b, "NSManagedObjectModel", &root_index);
  for (guint i = 0; i < 500; i++)
    {
      char *name = g_strdup_printf ("p%u", i);
      guint index = add_attribute (&b, "NSAttributeDescription", name, 0x3, 700);

      g_array_append_val (properties, index);
      g_ptr_array_add (property_names, name);
    }
  shared = add_dictionary (&b, (const char * const *) property_names->pdata,
                           (const guint *) (void *) properties->data, property_names->len);
  for (guint i = 0; i < 450; i++)
    {
      plist_t entity = godwit_test_archive_object (&b, "NSEntityDescription");
      char *name = g_strdup_printf ("E%u", i);
      guint index;

      godwit_test_set_uid (entity, "NSEntityName", godwit_test_archive_add_string (&b, name));
      godwit_test_set_uid (entity, "NSProperties", shared);
      index = godwit_test_archive_add (&b, entity);
      g_array_append_val (entities, index);
      g_ptr_array_add (entity_names, name);
    }
  godwit_test_set_uid (root, "NSEntities",
                       add_dictionary (&b, (const char * const *) entity_names->pdata,
                                       (const guint *) (void *) entities->data, entity_names->len));
  archive = godwit_test_archive_finish (&b, "NSKeyedArchiver", root_index);

  started = g_get_monotonic_time ();
  data = g_bytes_get_data (archive, &length);
  model = _godwit_model_new_from_archive (data, length, NULL, GODWIT_MODEL_SOURCE_COMPILED, "shared.mom", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
  g_test_message ("refused after %" G_GINT64_FORMAT " ms", (g_get_monotonic_time () - started) / 1000);
}

static void
test_unknown_attribute_type (void)
{
  g_autoptr(GBytes) archive = build_model (12345);
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitModel) model = NULL;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (archive, &length);

  model = _godwit_model_new_from_archive (data, length, NULL, GODWIT_MODEL_SOURCE_COMPILED, "bad.mom", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_true (g_str_has_prefix (error->message, "bad.mom: "));
  g_assert_nonnull (strstr (error->message, "12345"));
  g_assert_nonnull (strstr (error->message, "Post.title"));
}

static void
test_root_not_a_model (void)
{
  GodwitTestArchive b;
  plist_t text;
  guint root;
  g_autoptr(GBytes) archive = NULL;
  g_autoptr(GBytes) cache = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitModel) model = NULL;
  gsize length = 0;
  const guint8 *data;

  godwit_test_archive_init (&b);
  text = godwit_test_archive_object (&b, "NSMutableString");
  plist_dict_set_item (text, "NS.string", plist_new_string ("hello"));
  root = godwit_test_archive_add (&b, text);
  archive = godwit_test_archive_finish (&b, "NSKeyedArchiver", root);

  data = g_bytes_get_data (archive, &length);
  cache = deflate_raw (data, length);
  data = g_bytes_get_data (cache, &length);
  model = _godwit_model_new_from_model_cache (data, length, "s.sqlite: Z_MODELCACHE", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL);
  g_assert_true (g_str_has_prefix (error->message, "s.sqlite: Z_MODELCACHE: "));
  g_assert_nonnull (strstr (error->message, "NSMutableString"));
}

static void
test_bad_deflate (void)
{
  static const guint8 reserved_block_type[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
  static const char not_a_plist[] = "this is deflated but it is not a property list";
  g_autoptr(GBytes) deflated = deflate_raw (not_a_plist, sizeof not_a_plist - 1);
  g_autoptr(GError) error = NULL;
  GodwitModel *model;
  gsize length = 0;
  const guint8 *data;

  model = _godwit_model_new_from_model_cache (reserved_block_type, sizeof reserved_block_type, "a.sqlite", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE);
  g_assert_true (g_str_has_prefix (error->message, "a.sqlite: "));
  g_clear_error (&error);

  model = _godwit_model_new_from_model_cache (reserved_block_type, 0, "a.sqlite", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE);
  g_clear_error (&error);

  /* Truncated: the stream ends before its last block. */
  data = g_bytes_get_data (deflated, &length);
  model = _godwit_model_new_from_model_cache (data, length / 2, "a.sqlite", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE);
  g_clear_error (&error);

  /* Valid DEFLATE of something that is not a plist */
  model = _godwit_model_new_from_model_cache (data, length, "a.sqlite", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST);
  g_assert_true (g_str_has_prefix (error->message, "a.sqlite: "));
}

/* More than 256 MiB once inflated: stops at the cap. */
static void
test_deflate_bomb (void)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_RAW, 9);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) stream = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  g_autofree guint8 *zeros = g_malloc0 (1024 * 1024);
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(GError) error = NULL;
  GodwitModel *model;
  gsize length = 0;
  const guint8 *data;

  for (guint i = 0; i < GODWIT_PLIST_MAX_SIZE / (1024 * 1024) + 1; i++)
    {
      g_output_stream_write_all (stream, zeros, 1024 * 1024, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_close (stream, NULL, &error);
  g_assert_no_error (error);
  bomb = g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));

  data = g_bytes_get_data (bomb, &length);
  model = _godwit_model_new_from_model_cache (data, length, "bomb.sqlite", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-archive/fixtures/version-hashes", test_fixture_hashes);
  g_test_add_func ("/model-archive/fixtures/note-store", test_note_store);
  g_test_add_func ("/model-archive/fixtures/admin-store", test_admin_store);
  g_test_add_func ("/model-archive/fixtures/wibosco-3", test_wibosco_store_3);
  g_test_add_func ("/model-archive/fixtures/wibosco-2-renaming", test_wibosco_store_2_renaming);
  g_test_add_func ("/model-archive/built/model", test_built_model);
  g_test_add_func ("/model-archive/built/rich-model", test_rich_model);
  g_test_add_func ("/model-archive/bad/unknown-attribute-type", test_unknown_attribute_type);
  g_test_add_func ("/model-archive/bad/deep-hierarchy", test_deep_hierarchy);
  g_test_add_func ("/model-archive/bad/shared-properties", test_shared_properties);
  g_test_add_func ("/model-archive/bad/root-not-a-model", test_root_not_a_model);
  g_test_add_func ("/model-archive/bad/deflate", test_bad_deflate);
  g_test_add_func ("/model-archive/bad/deflate-bomb", test_deflate_bomb);

  return g_test_run ();
}
