/* test-model-xml.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "godwit-error.h"
#include "godwit-model-xml-private.h"
#include "godwit-test-model.h"
#include "godwit-test-utils.h"

#define WIBOSCO_V3 \
  "wibosco-revised/CoreDataMigration_Example.xcdatamodeld/" \
  "CoreDataMigration_Example 3.xcdatamodel/contents"

/* Every element of the §2.3 vocabulary. The expected hashes below were
 * computed from this text by ../shared/tools/coredata_oracle.py. */
static const char rich_model[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
  "<model type=\"com.apple.IDECoreDataModeler.DataModel\" "
  "    documentVersion=\"1.0\" minimumToolsVersion=\"Automatic\" "
  "    sourceLanguage=\"Swift\" userDefinedModelVersionIdentifier=\"v7\">\n"
  "  <entity name=\"Item\" representedClassName=\"ItemMO\" isAbstract=\"YES\" "
  "      versionHashModifier=\"item-2\" syncable=\"YES\">\n"
  "    <attribute name=\"created\" optional=\"YES\" attributeType=\"Date\" "
  "        defaultDateTimeInterval=\"599616000\" minDateTimeInterval=\"0\" "
  "        maxDateTimeInterval=\"978307200\" usesScalarValueType=\"NO\"/>\n"
  "    <attribute name=\"uuid\" attributeType=\"UUID\" "
  "        usesScalarValueType=\"NO\"/>\n"
  "    <uniquenessConstraints>\n"
  "      <uniquenessConstraint>\n"
  "        <constraint value=\"uuid\"/>\n"
  "      </uniquenessConstraint>\n"
  "    </uniquenessConstraints>\n"
  "    <userInfo>\n"
  "      <entry key=\"kind\" value=\"base\"/>\n"
  "    </userInfo>\n"
  "  </entity>\n"
  "  <entity name=\"Book\" representedClassName=\"BookMO\" parentEntity=\"Item\" "
  "      elementID=\"Volume\" codeGenerationType=\"class\">\n"
  "    <attribute name=\"available\" attributeType=\"Boolean\" "
  "        defaultValueString=\"YES\" usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"count16\" optional=\"YES\" attributeType=\"Integer 16\" "
  "        usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"cover\" optional=\"YES\" attributeType=\"Binary\" "
  "        allowsExternalBinaryDataStorage=\"YES\"/>\n"
  "    <attribute name=\"link\" optional=\"YES\" attributeType=\"URI\"/>\n"
  "    <attribute name=\"pages\" optional=\"YES\" attributeType=\"Integer 32\" "
  "        defaultValueString=\"0\" usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"price\" optional=\"YES\" attributeType=\"Decimal\" "
  "        defaultValueString=\"9.99\" minValueString=\"0\" "
  "        maxValueString=\"1000\"/>\n"
  "    <attribute name=\"rating\" optional=\"YES\" attributeType=\"Float\" "
  "        defaultValueString=\"0.0\" usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"scratch\" optional=\"YES\" transient=\"YES\" "
  "        attributeType=\"Undefined\"/>\n"
  "    <attribute name=\"tags\" optional=\"YES\" attributeType=\"Transformable\" "
  "        valueTransformerName=\"NSSecureUnarchiveFromData\" "
  "        customClassName=\"[String]\"/>\n"
  "    <attribute name=\"title\" attributeType=\"String\" "
  "        defaultValueString=\"Untitled\" indexed=\"YES\" "
  "        spotlightIndexingEnabled=\"YES\" elementID=\"name\" "
  "        versionHashModifier=\"t2\" preserveAfterDeletion=\"YES\">\n"
  "      <userInfo>\n"
  "        <entry key=\"maxLength\" value=\"200\"/>\n"
  "      </userInfo>\n"
  "    </attribute>\n"
  "    <attribute name=\"titleLength\" optional=\"YES\" "
  "        attributeType=\"Integer 64\" derived=\"YES\" "
  "        derivationExpression=\"title.length\" usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"total\" optional=\"YES\" attributeType=\"Integer 64\" "
  "        usesScalarValueType=\"YES\"/>\n"
  "    <attribute name=\"weight\" optional=\"YES\" attributeType=\"Double\" "
  "        usesScalarValueType=\"YES\"/>\n"
  "    <relationship name=\"chapters\" optional=\"YES\" toMany=\"YES\" "
  "        ordered=\"YES\" minCount=\"1\" maxCount=\"50\" deletionRule=\"Cascade\" "
  "        destinationEntity=\"Chapter\" inverseName=\"book\" "
  "        inverseEntity=\"Chapter\"/>\n"
  "    <relationship name=\"related\" optional=\"YES\" toMany=\"YES\" "
  "        transient=\"YES\" destinationEntity=\"Book\"/>\n"
  "    <relationship name=\"shelf\" optional=\"YES\" maxCount=\"1\" "
  "        deletionRule=\"Deny\" destinationEntity=\"Shelf\" "
  "        inverseName=\"books\" inverseEntity=\"Shelf\" elementID=\"location\" "
  "        versionHashModifier=\"r2\" indexed=\"YES\"/>\n"
  "    <fetchedProperty name=\"longChapters\" optional=\"YES\">\n"
  "      <fetchRequest name=\"fetchedPropertyFetchRequest\" entity=\"Chapter\" "
  "          predicateString=\"pages &gt; 20\"/>\n"
  "    </fetchedProperty>\n"
  "    <fetchIndex name=\"byTitle\">\n"
  "      <fetchIndexElement property=\"title\" type=\"Binary\" "
  "          order=\"ascending\"/>\n"
  "      <fetchIndexElement property=\"pages\" type=\"Binary\" "
  "          order=\"descending\"/>\n"
  "    </fetchIndex>\n"
  "    <compoundIndexes>\n"
  "      <compoundIndex>\n"
  "        <index value=\"title\"/>\n"
  "        <index value=\"pages\"/>\n"
  "      </compoundIndex>\n"
  "      <compoundIndex>\n"
  "        <index value=\"weight\"/>\n"
  "      </compoundIndex>\n"
  "    </compoundIndexes>\n"
  "    <uniquenessConstraints>\n"
  "      <uniquenessConstraint>\n"
  "        <constraint value=\"title\"/>\n"
  "        <constraint value=\"shelf\"/>\n"
  "      </uniquenessConstraint>\n"
  "      <uniquenessConstraint>\n"
  "        <constraint value=\"link\"/>\n"
  "      </uniquenessConstraint>\n"
  "    </uniquenessConstraints>\n"
  "  </entity>\n"
  "  <entity name=\"Chapter\" representedClassName=\"Chapter\" syncable=\"YES\">\n"
  "    <attribute name=\"pages\" attributeType=\"Integer 16\" "
  "        defaultValueString=\"1\" usesScalarValueType=\"YES\"/>\n"
  "    <relationship name=\"book\" optional=\"YES\" maxCount=\"1\" "
  "        deletionRule=\"Nullify\" destinationEntity=\"Book\" "
  "        inverseName=\"chapters\" inverseEntity=\"Book\"/>\n"
  "  </entity>\n"
  "  <entity name=\"Shelf\" representedClassName=\"Shelf\" syncable=\"YES\">\n"
  "    <attribute name=\"label\" optional=\"YES\" attributeType=\"String\"/>\n"
  "    <relationship name=\"books\" optional=\"YES\" toMany=\"YES\" "
  "        deletionRule=\"Nullify\" destinationEntity=\"Book\" "
  "        inverseName=\"shelf\" inverseEntity=\"Book\"/>\n"
  "  </entity>\n"
  "  <composite name=\"Address\">\n"
  "    <attribute name=\"street\" optional=\"YES\" attributeType=\"String\"/>\n"
  "  </composite>\n"
  "  <fetchRequest name=\"allBooks\" entity=\"Book\"/>\n"
  "  <fetchRequest name=\"byTitle\" entity=\"Book\" "
  "      predicateString=\"title == $TITLE\"/>\n"
  "  <configuration name=\"Cloud\">\n"
  "    <memberEntity name=\"Book\"/>\n"
  "    <memberEntity name=\"Chapter\"/>\n"
  "  </configuration>\n"
  "  <userInfo>\n"
  "    <entry key=\"author\" value=\"godwit\"/>\n"
  "  </userInfo>\n"
  "  <elements>\n"
  "    <element name=\"Book\" positionX=\"0\" positionY=\"0\" width=\"128\" "
  "        height=\"100\"/>\n"
  "  </elements>\n"
  "</model>\n"
  ;

typedef struct
{
  char *tmpdir;
  char *path;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->tmpdir = godwit_test_make_tmpdir ();
  fixture->path = g_build_filename (fixture->tmpdir, "contents", NULL);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  godwit_test_rmdir (fixture->tmpdir);
  g_free (fixture->tmpdir);
  g_free (fixture->path);
}

static GodwitModel *
load_text (Fixture     *fixture,
           const char  *text,
           gssize       length,
           GError     **error)
{
  godwit_test_write_file (fixture->path, text, length);

  return _godwit_model_new_from_xml (fixture->path, "Test", error);
}

/* Loads @text, which must fail with @code and a message that starts with
 * the file's path and mentions @mention. */
static void
assert_load_fails (Fixture    *fixture,
                   const char *text,
                   gssize      length,
                   GodwitError code,
                   const char *mention)
{
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = load_text (fixture, text, length, &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, fixture->path));
  if (strstr (error->message, mention) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, mention);
}

static void
assert_entity_hash (GodwitModel *model,
                    const char  *entity_name,
                    const char  *hex)
{
  g_autofree char *actual = NULL;

  g_assert_nonnull (godwit_model_get_entity (model, entity_name));
  actual = godwit_entity_dup_version_hash_hex (godwit_model_get_entity (model, entity_name));
  g_assert_cmpstr (actual, ==, hex);
}

static void
assert_digest_and_checksum (GodwitModel *model,
                            const char  *digest,
                            const char  *checksum)
{
  g_autofree char *actual_digest = godwit_model_dup_version_hashes_digest (model);
  g_autofree char *actual_checksum = godwit_model_dup_version_checksum (model);

  g_assert_cmpstr (actual_digest, ==, digest);
  g_assert_cmpstr (actual_checksum, ==, checksum);
}

static void
assert_attribute (GodwitProperty      *property,
                  GodwitAttributeType  type,
                  gboolean             optional)
{
  g_assert_cmpint (property->kind, ==, GODWIT_PROPERTY_KIND_ATTRIBUTE);
  g_assert_cmpint (property->attribute_type, ==, type);
  g_assert_cmpint (property->optional, ==, optional);
}

static void
assert_relationship (GodwitProperty   *property,
                     const char       *destination,
                     const char       *inverse,
                     gboolean          to_many,
                     gint32            min_count,
                     gint32            max_count,
                     GodwitDeleteRule  rule)
{
  g_assert_cmpint (property->kind, ==, GODWIT_PROPERTY_KIND_RELATIONSHIP);
  g_assert_cmpstr (property->destination_entity, ==, destination);
  g_assert_cmpstr (property->inverse_name, ==, inverse);
  g_assert_cmpstr (property->inverse_entity, ==, inverse != NULL ? destination : NULL);
  g_assert_cmpint (property->to_many, ==, to_many);
  g_assert_cmpint (property->min_count, ==, min_count);
  g_assert_cmpint (property->max_count, ==, max_count);
  g_assert_cmpint (property->delete_rule, ==, rule);
}

static void
assert_user_info (GHashTable *user_info,
                  const char *key,
                  const char *value)
{
  g_assert_cmpuint (g_hash_table_size (user_info), ==, 1);
  g_assert_cmpstr (g_hash_table_lookup (user_info, key), ==, value);
}

static void
assert_no_extras (GodwitProperty *property)
{
  g_assert_null (property->renaming_identifier);
  g_assert_null (property->version_hash_modifier);
  g_assert_false (property->transient);
  g_assert_false (property->read_only);
  g_assert_false (property->indexed);
  g_assert_false (property->indexed_by_spotlight);
  g_assert_cmpuint (g_hash_table_size (property->user_info), ==, 0);
}

static void
test_wibosco_v3 (void)
{
  g_autofree char *path = godwit_test_fixture_path (WIBOSCO_V3);
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *identifiers;
  GodwitEntity *post;
  GodwitEntity *section;
  GodwitProperty *property;

  if (path == NULL)
    return;

  model = _godwit_model_new_from_xml (path, "CoreDataMigration_Example 3", &error);
  g_assert_no_error (error);
  g_assert_true (godwit_model_is_resolved (model));
  g_assert_cmpstr (godwit_model_get_version_name (model), ==, "CoreDataMigration_Example 3");
  g_assert_cmpint (godwit_model_get_source (model), ==, GODWIT_MODEL_SOURCE_XML);
  g_assert_cmpstr (godwit_model_get_path (model), ==, path);

  /* userDefinedModelVersionIdentifier="" is recorded as [""], as in the store */
  identifiers = godwit_model_get_version_identifiers (model);
  g_assert_cmpuint (identifiers->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (identifiers, 0), ==, "");

  g_assert_cmpuint (godwit_model_get_entities (model)->len, ==, 2);
  post = godwit_model_get_entity (model, "Post");
  section = godwit_model_get_entity (model, "Section");
  g_assert_nonnull (post);
  g_assert_nonnull (section);
  g_assert_true (g_ptr_array_index (godwit_model_get_entities (model), 0) == post);
  g_assert_cmpstr (post->class_name, ==, "Post");
  g_assert_null (post->parent);
  g_assert_false (post->abstract);
  g_assert_cmpuint (post->properties->len, ==, 4);
  g_assert_cmpuint (section->properties->len, ==, 4);

  assert_attribute (godwit_test_get_own_property (model, "Post", "date"),
                    GODWIT_ATTRIBUTE_TYPE_DATE, TRUE);
  assert_attribute (godwit_test_get_own_property (model, "Post", "hexColor"),
                    GODWIT_ATTRIBUTE_TYPE_STRING, TRUE);
  assert_attribute (godwit_test_get_own_property (model, "Post", "postID"),
                    GODWIT_ATTRIBUTE_TYPE_STRING, TRUE);
  property = godwit_test_get_own_property (model, "Post", "sections");
  assert_relationship (property, "Section", "post", TRUE, 0, 0, GODWIT_DELETE_RULE_CASCADE);
  g_assert_false (property->optional);
  g_assert_false (property->ordered);

  assert_attribute (godwit_test_get_own_property (model, "Section", "body"),
                    GODWIT_ATTRIBUTE_TYPE_STRING, TRUE);
  assert_attribute (godwit_test_get_own_property (model, "Section", "title"),
                    GODWIT_ATTRIBUTE_TYPE_STRING, TRUE);
  property = godwit_test_get_own_property (model, "Section", "index");
  assert_attribute (property, GODWIT_ATTRIBUTE_TYPE_INTEGER_16, TRUE);
  g_assert_cmpstr (property->default_value, ==, "0");
  g_assert_null (godwit_test_get_own_property (model, "Section", "body")->default_value);
  property = godwit_test_get_own_property (model, "Section", "post");
  assert_relationship (property, "Post", "sections", FALSE, 0, 1, GODWIT_DELETE_RULE_NULLIFY);
  g_assert_true (property->optional);

  /* The hashes in CoreDataMigration_Example_3.sqlite's metadata */
  assert_entity_hash (model, "Post",
                      "304e1bb646c24daafd47abcf4b0e8c929dfe0e106a99fb8092da1efce1f1117c");
  assert_entity_hash (model, "Section",
                      "007e65c75946655c0442a2a86ed3497b67baa758042cd926ab325267484ec40e");
  assert_digest_and_checksum (model,
                              "/HcNEIaL13YLjRXBRcDtthx7fAN/Qy0suoxvay4UYW+FBItOW+HHSuGKuvVc"
                              "pctUZFD+L9/CsFUhc8p4NNNemQ==",
                              "ljDUMWf8O7MG7TlV6c8qJIiHghM09rYUmYCDnFsPz2Q=");

  g_assert_cmpuint (g_hash_table_size (godwit_model_get_configurations (model)), ==, 0);
  g_assert_cmpuint (godwit_model_get_fetch_request_templates (model)->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (godwit_model_get_user_info (model)), ==, 0);
}

static void
assert_fetch_index_element (GodwitFetchIndex *index,
                            guint             position,
                            const char       *property,
                            gboolean          ascending)
{
  GodwitFetchIndexElement *element;

  g_assert_cmpuint (position, <, index->elements->len);
  element = g_ptr_array_index (index->elements, position);
  g_assert_cmpstr (element->property, ==, property);
  g_assert_cmpstr (element->type, ==, "Binary");
  g_assert_cmpint (element->ascending, ==, ascending);
}

static void
assert_tuple (GodwitEntity       *entity,
              guint               position,
              const char * const *expected)
{
  g_assert_cmpuint (position, <, entity->uniqueness_constraints->len);
  g_assert_cmpstrv (g_ptr_array_index (entity->uniqueness_constraints, position), expected);
}

static void
test_rich_model (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char * const uuid_tuple[] = { "uuid", NULL };
  static const char * const title_shelf_tuple[] = { "title", "shelf", NULL };
  static const char * const link_tuple[] = { "link", NULL };
  static const char * const cloud_members[] = { "Book", "Chapter", NULL };
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GError) error = NULL;
  GodwitFetchRequestTemplate *template;
  GodwitFetchIndex *index;
  GodwitEntity *item;
  GodwitEntity *book;
  GodwitEntity *chapter;
  GodwitEntity *shelf;
  GodwitProperty *p;
  GPtrArray *templates;

  model = load_text (fixture, rich_model, -1, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (godwit_model_get_version_identifiers (model)->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (godwit_model_get_version_identifiers (model), 0), ==, "v7");
  assert_user_info (godwit_model_get_user_info (model), "author", "godwit");
  g_assert_cmpuint (g_hash_table_size (godwit_model_get_configurations (model)), ==, 1);
  g_assert_cmpstrv (g_hash_table_lookup (godwit_model_get_configurations (model), "Cloud"),
                    cloud_members);

  templates = godwit_model_get_fetch_request_templates (model);
  g_assert_cmpuint (templates->len, ==, 2);
  template = g_ptr_array_index (templates, 0);
  g_assert_cmpstr (template->name, ==, "allBooks");
  g_assert_cmpstr (template->entity, ==, "Book");
  g_assert_null (template->predicate);
  template = g_ptr_array_index (templates, 1);
  g_assert_cmpstr (template->name, ==, "byTitle");
  g_assert_cmpstr (template->entity, ==, "Book");
  g_assert_cmpstr (template->predicate, ==, "title == $TITLE");

  /* The composite's attribute belongs to no entity */
  g_assert_cmpuint (godwit_model_get_entities (model)->len, ==, 4);
  item = godwit_model_get_entity (model, "Item");
  book = godwit_model_get_entity (model, "Book");
  chapter = godwit_model_get_entity (model, "Chapter");
  shelf = godwit_model_get_entity (model, "Shelf");

  /* Item: abstract root with a hash modifier */
  g_assert_cmpstr (item->class_name, ==, "ItemMO");
  g_assert_true (item->abstract);
  g_assert_null (item->parent_name);
  g_assert_null (item->parent);
  g_assert_null (item->renaming_identifier);
  g_assert_cmpstr (item->version_hash_modifier, ==, "item-2");
  g_assert_cmpuint (item->subentities->len, ==, 1);
  g_assert_true (g_ptr_array_index (item->subentities, 0) == book);
  g_assert_cmpuint (item->properties->len, ==, 2);
  g_assert_cmpuint (item->fetch_indexes->len, ==, 0);
  g_assert_cmpuint (item->uniqueness_constraints->len, ==, 1);
  assert_tuple (item, 0, uuid_tuple);
  assert_user_info (item->user_info, "kind", "base");

  p = godwit_test_get_own_property (model, "Item", "created");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_DATE, TRUE);
  assert_no_extras (p);
  g_assert_cmpstr (p->default_value, ==, "599616000");
  g_assert_cmpstr (p->min_value, ==, "0");
  g_assert_cmpstr (p->max_value, ==, "978307200");
  p = godwit_test_get_own_property (model, "Item", "uuid");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_UUID, FALSE);
  assert_no_extras (p);
  g_assert_null (p->default_value);

  /* Book: sub-entity with a renaming identifier */
  g_assert_cmpstr (book->class_name, ==, "BookMO");
  g_assert_false (book->abstract);
  g_assert_cmpstr (book->parent_name, ==, "Item");
  g_assert_true (book->parent == item);
  g_assert_cmpstr (book->renaming_identifier, ==, "Volume");
  g_assert_null (book->version_hash_modifier);
  g_assert_cmpuint (book->subentities->len, ==, 0);
  g_assert_cmpuint (g_hash_table_size (book->user_info), ==, 0);
  g_assert_cmpuint (book->properties->len, ==, 17);
  g_assert_true (godwit_entity_find_property (book, "uuid") ==
                 godwit_test_get_own_property (model, "Item", "uuid"));

  p = godwit_test_get_own_property (model, "Book", "available");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_BOOLEAN, FALSE);
  g_assert_cmpstr (p->default_value, ==, "YES");
  assert_attribute (godwit_test_get_own_property (model, "Book", "count16"),
                    GODWIT_ATTRIBUTE_TYPE_INTEGER_16, TRUE);
  p = godwit_test_get_own_property (model, "Book", "cover");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_BINARY, TRUE);
  g_assert_true (p->allows_external_binary_data_storage);
  g_assert_false (p->preserves_value_in_history_on_deletion);
  assert_attribute (godwit_test_get_own_property (model, "Book", "link"),
                    GODWIT_ATTRIBUTE_TYPE_URI, TRUE);
  p = godwit_test_get_own_property (model, "Book", "pages");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_INTEGER_32, TRUE);
  g_assert_cmpstr (p->default_value, ==, "0");
  p = godwit_test_get_own_property (model, "Book", "price");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_DECIMAL, TRUE);
  g_assert_cmpstr (p->default_value, ==, "9.99");
  g_assert_cmpstr (p->min_value, ==, "0");
  g_assert_cmpstr (p->max_value, ==, "1000");
  p = godwit_test_get_own_property (model, "Book", "rating");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_FLOAT, TRUE);
  g_assert_cmpstr (p->default_value, ==, "0.0");
  p = godwit_test_get_own_property (model, "Book", "scratch");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_UNDEFINED, TRUE);
  g_assert_true (p->transient);
  g_assert_false (godwit_property_is_stored (p));
  p = godwit_test_get_own_property (model, "Book", "tags");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE, TRUE);
  g_assert_cmpstr (p->value_transformer_name, ==, "NSSecureUnarchiveFromData");
  g_assert_cmpstr (p->value_class_name, ==, "[String]");
  assert_no_extras (p);

  p = godwit_test_get_own_property (model, "Book", "title");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_STRING, FALSE);
  g_assert_cmpstr (p->default_value, ==, "Untitled");
  g_assert_null (p->min_value);
  g_assert_null (p->max_value);
  g_assert_true (p->indexed);
  g_assert_true (p->indexed_by_spotlight);
  g_assert_cmpstr (p->renaming_identifier, ==, "name");
  g_assert_cmpstr (p->version_hash_modifier, ==, "t2");
  g_assert_true (p->preserves_value_in_history_on_deletion);
  g_assert_false (p->allows_external_binary_data_storage);
  g_assert_false (p->derived);
  g_assert_false (p->transient);
  assert_user_info (p->user_info, "maxLength", "200");

  p = godwit_test_get_own_property (model, "Book", "titleLength");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_INTEGER_64, TRUE);
  g_assert_true (p->derived);
  g_assert_cmpstr (p->derivation_expression, ==, "title.length");
  p = godwit_test_get_own_property (model, "Book", "total");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_INTEGER_64, TRUE);
  g_assert_false (p->derived);
  g_assert_null (p->derivation_expression);
  assert_attribute (godwit_test_get_own_property (model, "Book", "weight"),
                    GODWIT_ATTRIBUTE_TYPE_DOUBLE, TRUE);

  p = godwit_test_get_own_property (model, "Book", "chapters");
  assert_relationship (p, "Chapter", "book", TRUE, 1, 50, GODWIT_DELETE_RULE_CASCADE);
  g_assert_true (p->ordered);
  g_assert_true (p->optional);
  assert_no_extras (p);
  p = godwit_test_get_own_property (model, "Book", "related");
  assert_relationship (p, "Book", NULL, TRUE, 0, 0, GODWIT_DELETE_RULE_NO_ACTION);
  g_assert_true (p->transient);
  g_assert_false (p->ordered);
  p = godwit_test_get_own_property (model, "Book", "shelf");
  assert_relationship (p, "Shelf", "books", FALSE, 0, 1, GODWIT_DELETE_RULE_DENY);
  g_assert_cmpstr (p->renaming_identifier, ==, "location");
  g_assert_cmpstr (p->version_hash_modifier, ==, "r2");
  g_assert_true (p->indexed);
  g_assert_false (p->ordered);

  p = godwit_test_get_own_property (model, "Book", "longChapters");
  g_assert_cmpint (p->kind, ==, GODWIT_PROPERTY_KIND_FETCHED);
  g_assert_true (p->optional);
  g_assert_true (p->transient);
  g_assert_cmpstr (p->fetch_request_entity, ==, "Chapter");
  g_assert_cmpstr (p->fetch_request_predicate, ==, "pages > 20");

  g_assert_cmpuint (book->fetch_indexes->len, ==, 3);
  index = g_ptr_array_index (book->fetch_indexes, 0);
  g_assert_cmpstr (index->name, ==, "byTitle");
  g_assert_cmpuint (index->elements->len, ==, 2);
  g_assert_null (index->partial_index_predicate);
  assert_fetch_index_element (index, 0, "title", TRUE);
  assert_fetch_index_element (index, 1, "pages", FALSE);
  index = g_ptr_array_index (book->fetch_indexes, 1);
  g_assert_cmpstr (index->name, ==, "compoundIndex");
  g_assert_cmpuint (index->elements->len, ==, 2);
  assert_fetch_index_element (index, 0, "title", TRUE);
  assert_fetch_index_element (index, 1, "pages", TRUE);
  index = g_ptr_array_index (book->fetch_indexes, 2);
  g_assert_cmpstr (index->name, ==, "compoundIndex1");
  g_assert_cmpuint (index->elements->len, ==, 1);
  assert_fetch_index_element (index, 0, "weight", TRUE);

  g_assert_cmpuint (book->uniqueness_constraints->len, ==, 2);
  assert_tuple (book, 0, title_shelf_tuple);
  assert_tuple (book, 1, link_tuple);

  /* Chapter and Shelf: the other ends */
  g_assert_cmpuint (chapter->properties->len, ==, 2);
  p = godwit_test_get_own_property (model, "Chapter", "pages");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_INTEGER_16, FALSE);
  g_assert_cmpstr (p->default_value, ==, "1");
  assert_relationship (godwit_test_get_own_property (model, "Chapter", "book"),
                       "Book", "chapters", FALSE, 0, 1, GODWIT_DELETE_RULE_NULLIFY);
  g_assert_cmpuint (shelf->properties->len, ==, 2);
  assert_attribute (godwit_test_get_own_property (model, "Shelf", "label"),
                    GODWIT_ATTRIBUTE_TYPE_STRING, TRUE);
  assert_relationship (godwit_test_get_own_property (model, "Shelf", "books"),
                       "Book", "shelf", TRUE, 0, 0, GODWIT_DELETE_RULE_NULLIFY);

  assert_entity_hash (model, "Book",
                      "35a701dad5e7e6134490a134895fb5a5735cca9238904c009a51579b2f9ac1b2");
  assert_entity_hash (model, "Chapter",
                      "4899e836bfcba83105f95e5012c3c132118f514b287ec21843b13fc6c1ec7adf");
  assert_entity_hash (model, "Item",
                      "65ce930730b6052232b78a0a06a6f6291c0ea2ea6e5c275cecd86e151633d14e");
  assert_entity_hash (model, "Shelf",
                      "b4e3873b375c2e5cf854617a2cc951c6bca59d4899ccc523e0c24f6cc0f972ec");
  assert_digest_and_checksum (model,
                              "PT+kXzKszyjQn5Hl1RB1ytL1wJzeT3lFnzzRuVXy2raTmVAtIO2mEQSr/exx"
                              "UeEBuAYufsR/Ox3ZEZg/GogtBQ==",
                              "5lzZlQ5bhJc96rKIWD4Myei1YFEm20s2qFF4qn/Oi2I=");
}

/* What absent attributes mean */
static void
test_defaults (Fixture       *fixture,
               gconstpointer  data)
{
  static const char text[] =
    "<model>\n"
    "  <entity name=\"A\">\n"
    "    <attribute name=\"x\"/>\n"
    "    <relationship name=\"one\" destinationEntity=\"B\"/>\n"
    "    <relationship name=\"many\" toMany=\"YES\" destinationEntity=\"B\"/>\n"
    "  </entity>\n"
    "  <entity name=\"B\"/>\n"
    "</model>\n";
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GError) error = NULL;
  GodwitProperty *p;

  model = load_text (fixture, text, -1, &error);
  g_assert_no_error (error);

  /* No userDefinedModelVersionIdentifier: no identifier at all, as the
   * framework-241 store of a model without one records [] */
  g_assert_cmpuint (godwit_model_get_version_identifiers (model)->len, ==, 0);

  p = godwit_test_get_own_property (model, "A", "x");
  assert_attribute (p, GODWIT_ATTRIBUTE_TYPE_UNDEFINED, FALSE);
  assert_no_extras (p);
  g_assert_null (p->default_value);
  g_assert_null (p->value_class_name);
  g_assert_null (p->value_transformer_name);
  p = godwit_test_get_own_property (model, "A", "one");
  assert_relationship (p, "B", NULL, FALSE, 0, 1, GODWIT_DELETE_RULE_NO_ACTION);
  g_assert_false (p->optional);
  assert_no_extras (p);
  assert_relationship (godwit_test_get_own_property (model, "A", "many"), "B", NULL, TRUE, 0, 0,
                       GODWIT_DELETE_RULE_NO_ACTION);
  g_assert_null (godwit_model_get_entity (model, "A")->class_name);
}

static void
test_deep_nesting (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("<model>");
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GError) error = NULL;

  /* The deepest accepted: <model> and 63 levels below it */
  for (guint i = 1; i < GODWIT_MODEL_XML_MAX_DEPTH; i++)
    g_string_append (text, "<x>");
  for (guint i = 1; i < GODWIT_MODEL_XML_MAX_DEPTH; i++)
    g_string_append (text, "</x>");
  g_string_append (text, "</model>");
  model = load_text (fixture, text->str, text->len, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);

  g_string_assign (text, "<model>");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "<entity name=\"E\">");
  for (guint i = 0; i < 10000; i++)
    g_string_append (text, "</entity>");
  g_string_append (text, "</model>");
  assert_load_fails (fixture, text->str, text->len, GODWIT_ERROR_LIMIT_EXCEEDED,
                     "line 1: elements are nested more than 64 deep");
}

static void
test_billion_laughs (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GString) text = g_string_new ("<?xml version=\"1.0\"?>\n<!DOCTYPE model [\n"
                                          "  <!ENTITY lol \"lol\">\n");

  for (guint i = 1; i < 10; i++)
    {
      g_string_append_printf (text, "  <!ENTITY lol%u \"", i);
      for (guint j = 0; j < 10; j++)
        g_string_append_printf (text, i == 1 ? "&lol;" : "&lol%u;", i - 1);
      g_string_append (text, "\">\n");
    }
  g_string_append (text, "]>\n<model userDefinedModelVersionIdentifier=\"&lol9;\"/>\n");

  assert_load_fails (fixture, text->str, text->len, GODWIT_ERROR_INVALID_MODEL,
                     "entity declarations (<!ENTITY>) are not allowed");

  /* An entity used without a declaration is never expanded either */
  assert_load_fails (fixture, "<model userDefinedModelVersionIdentifier=\"&lol9;\"/>", -1,
                     GODWIT_ERROR_INVALID_MODEL, "not well-formed XML");
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  g_autofree char *truncated = g_strndup (rich_model, 1000);

  assert_load_fails (fixture, truncated, -1, GODWIT_ERROR_INVALID_MODEL,
                     "not well-formed XML: Error on line");
  assert_load_fails (fixture, "", 0, GODWIT_ERROR_INVALID_MODEL, "not well-formed XML");
  assert_load_fails (fixture, "<model userDefinedModelVersionIdentifier=\"\xff\"/>", -1,
                     GODWIT_ERROR_INVALID_MODEL, "not well-formed XML");
  assert_load_fails (fixture, "<model><entity name=\"A\"></model>", -1,
                     GODWIT_ERROR_INVALID_MODEL, "not well-formed XML");
  assert_load_fails (fixture,
                     "<?xml version=\"1.0\"?>\n<plist version=\"1.0\"><dict/></plist>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL, "line 2: not a Core Data model (root <plist>)");
}

static void
test_bad_model (Fixture       *fixture,
                gconstpointer  data)
{
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"A\" parentEntity=\"B\"/>\n"
                     "  <entity name=\"B\" parentEntity=\"A\"/>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL, "is its own ancestor");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\">\n"
                     "    <attribute name=\"title\" attributeType=\"Foo\"/>\n"
                     "  </entity>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL,
                     "line 3: unknown attribute type “Foo” for Post.title");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\">\n"
                     "    <relationship name=\"author\" maxCount=\"1\" "
                     "destinationEntity=\"Ghost\"/>\n"
                     "  </entity>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL,
                     "relationship Post.author points to entity “Ghost”, "
                     "which the model does not have");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\"/>\n"
                     "  <entity name=\"Post\"/>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL, "entity “Post” is defined twice");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\">\n"
                     "    <attribute name=\"title\" attributeType=\"String\"/>\n"
                     "    <relationship name=\"title\" destinationEntity=\"Post\"/>\n"
                     "  </entity>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL, "line 4: property Post.title is defined twice");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\">\n"
                     "    <relationship name=\"next\" destinationEntity=\"Post\" "
                     "inverseName=\"ghost\"/>\n"
                     "  </entity>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL, "Post.next, Post.ghost, is not a relationship");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\">\n"
                     "    <relationship name=\"tags\" toMany=\"YES\" maxCount=\"many\" "
                     "destinationEntity=\"Post\"/>\n"
                     "  </entity>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL,
                     "line 3: maxCount “many” of relationship Post.tags is not a count");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\">\n"
                     "    <relationship name=\"tags\" minCount=\"-1\" "
                     "destinationEntity=\"Post\"/>\n"
                     "  </entity>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL, "minCount “-1” of relationship Post.tags");
  assert_load_fails (fixture,
                     "<model>\n"
                     "  <entity name=\"Post\">\n"
                     "    <relationship name=\"tags\" deletionRule=\"Explode\" "
                     "destinationEntity=\"Post\"/>\n"
                     "  </entity>\n"
                     "</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL,
                     "line 3: unknown delete rule “Explode” for Post.tags");
  assert_load_fails (fixture, "<model>\n  <entity representedClassName=\"X\"/>\n</model>\n", -1,
                     GODWIT_ERROR_INVALID_MODEL, "line 2: <entity> has no “name” attribute");
}

static void
test_files (Fixture       *fixture,
            gconstpointer  data)
{
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GError) error = NULL;
  int fd;

  /* Missing */
  model = _godwit_model_new_from_xml (fixture->path, "Test", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, fixture->path));
  g_clear_error (&error);

  /* A folder */
  g_assert_cmpint (g_mkdir (fixture->path, 0755), ==, 0);
  model = _godwit_model_new_from_xml (fixture->path, "Test", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE);
  g_assert_true (g_str_has_prefix (error->message, fixture->path));
  g_clear_error (&error);
  g_assert_cmpint (g_rmdir (fixture->path), ==, 0);

  /* Over the size limit (a sparse file: nothing is written) */
  fd = g_open (fixture->path, O_WRONLY | O_CREAT, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, GODWIT_MODEL_XML_MAX_SIZE + 1), ==, 0);
  g_close (fd, NULL);
  model = _godwit_model_new_from_xml (fixture->path, "Test", &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
  g_assert_true (g_str_has_prefix (error->message, fixture->path));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-xml/wibosco-v3", test_wibosco_v3);
  g_test_add ("/model-xml/rich-model", Fixture, NULL, fixture_set_up, test_rich_model,
              fixture_tear_down);
  g_test_add ("/model-xml/defaults", Fixture, NULL, fixture_set_up, test_defaults,
              fixture_tear_down);
  g_test_add ("/model-xml/deep-nesting", Fixture, NULL, fixture_set_up, test_deep_nesting,
              fixture_tear_down);
  g_test_add ("/model-xml/billion-laughs", Fixture, NULL, fixture_set_up, test_billion_laughs,
              fixture_tear_down);
  g_test_add ("/model-xml/malformed", Fixture, NULL, fixture_set_up, test_malformed,
              fixture_tear_down);
  g_test_add ("/model-xml/bad-model", Fixture, NULL, fixture_set_up, test_bad_model,
              fixture_tear_down);
  g_test_add ("/model-xml/files", Fixture, NULL, fixture_set_up, test_files, fixture_tear_down);

  return g_test_run ();
}
