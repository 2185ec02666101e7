/* test-mapping-model.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "godwit-custom-migration.h"
#include "godwit-error.h"
#include "godwit-mapping-model.h"
#include "godwit-mapping-stage.h"
#include "godwit-migration.h"
#include "godwit-store.h"
#include "godwit-test-archive.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define WIBOSCO_MAPPING "wibosco-revised/Migration2to3ModelMapping.xcmappingmodel"
#define WIBOSCO_MODEL_DIR "CoreDataMigration-Example/CoreData/Model/CoreDataMigration_Example.xcdatamodeld/"
#define DESTINATION_INSTANCES "destinationInstancesForEntityMappingNamed:sourceInstances:"

/* Lookups */

static GodwitEntityMapping *
entity_mapping (GodwitMappingModel *model,
                guint               index)
{
  GPtrArray *mappings = godwit_mapping_model_get_entity_mappings (model);

  g_assert_cmpuint (index, <, mappings->len);

  return g_ptr_array_index (mappings, index);
}

static GodwitPropertyMapping *
property_mapping (GPtrArray  *mappings,
                  const char *name)
{
  for (guint i = 0; i < mappings->len; i++)
    {
      GodwitPropertyMapping *mapping = g_ptr_array_index (mappings, i);

      if (strcmp (mapping->name, name) == 0)
        return mapping;
    }

  g_error ("no property mapping %s", name);
}

static char *
mapping_names (GPtrArray *mappings)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < mappings->len; i++)
    g_string_append_printf (names, "%s%s", i > 0 ? " " : "",
                            ((GodwitPropertyMapping *) g_ptr_array_index (mappings, i))->name);

  return g_string_free (names, FALSE);
}

static void
assert_key_path (GodwitPropertyMapping *mapping,
                 const char            *key_path,
                 gboolean               is_default)
{
  g_autofree char *text = g_strdup_printf ("$source.%s", key_path);

  g_assert_nonnull (mapping->expression);
  g_assert_cmpstr (godwit_expression_kind_to_string (mapping->expression->kind), ==, "key-path");
  g_assert_cmpstr (mapping->expression->variable, ==, "source");
  g_assert_cmpstr (mapping->expression->key_path, ==, key_path);
  g_assert_cmpstr (mapping->expression->text, ==, text);
  g_assert_cmpint (mapping->is_default, ==, is_default);
}

static void
assert_no_value (GodwitPropertyMapping *mapping)
{
  g_assert_null (mapping->expression);
  g_assert_false (mapping->is_default);
}

/* The real wibosco mapping model */

static void
check_wibosco (GodwitMappingModel *model)
{
  GodwitEntityMapping *section;
  GodwitEntityMapping *post;
  g_autofree char *source_version = godwit_mapping_model_dup_source_version_name (model);
  g_autofree char *destination_version = godwit_mapping_model_dup_destination_version_name (model);
  g_autofree char *names = NULL;
  g_autoptr(GPtrArray) reasons = NULL;

  g_assert_cmpstr (godwit_mapping_model_get_source_model_path (model), ==,
                   WIBOSCO_MODEL_DIR "CoreDataMigration_Example 2.xcdatamodel");
  g_assert_cmpstr (godwit_mapping_model_get_destination_model_path (model), ==,
                   WIBOSCO_MODEL_DIR "CoreDataMigration_Example 3.xcdatamodel");
  g_assert_cmpstr (source_version, ==, "CoreDataMigration_Example 2");
  g_assert_cmpstr (destination_version, ==, "CoreDataMigration_Example 3");

  g_assert_cmpuint (godwit_mapping_model_get_entity_mappings (model)->len, ==, 2);

  /* Section is new in version 3: an add mapping, run first. */
  section = entity_mapping (model, 0);
  g_assert_cmpstr (section->name, ==, "Section");
  g_assert_cmpint (section->order, ==, 1);
  g_assert_null (section->source_entity);
  g_assert_cmpstr (section->destination_entity, ==, "Section");
  g_assert_cmpint (section->type, ==, GODWIT_ENTITY_MAPPING_UNDEFINED);
  g_assert_null (section->migration_policy_class);
  g_assert_null (section->user_info);
  names = mapping_names (section->attribute_mappings);
  g_assert_cmpstr (names, ==, "body index title");
  g_clear_pointer (&names, g_free);
  names = mapping_names (section->relationship_mappings);
  g_assert_cmpstr (names, ==, "post");
  g_clear_pointer (&names, g_free);
  /* Nothing to copy from: the policy class fills Sections in. */
  assert_no_value (property_mapping (section->attribute_mappings, "body"));
  assert_no_value (property_mapping (section->attribute_mappings, "index"));
  assert_no_value (property_mapping (section->attribute_mappings, "title"));
  assert_no_value (property_mapping (section->relationship_mappings, "post"));
  g_assert_true (property_mapping (section->relationship_mappings, "post")->relationship);
  g_assert_false (property_mapping (section->attribute_mappings, "body")->relationship);

  post = entity_mapping (model, 1);
  g_assert_cmpstr (post->name, ==, "PostToPost");
  g_assert_cmpint (post->order, ==, 2);
  g_assert_cmpstr (post->source_entity, ==, "Post");
  g_assert_cmpstr (post->destination_entity, ==, "Post");
  g_assert_cmpint (post->type, ==, GODWIT_ENTITY_MAPPING_UNDEFINED);
  g_assert_cmpstr (post->migration_policy_class, ==, "CoreDataMigration_Example.Post2ToPost3MigrationPolicy");
  g_assert_null (post->user_info);
  names = mapping_names (post->attribute_mappings);
  g_assert_cmpstr (names, ==, "date hexColor postID");
  g_clear_pointer (&names, g_free);
  names = mapping_names (post->relationship_mappings);
  g_assert_cmpstr (names, ==, "sections");
  /* The file has no value expressions at all: these are Xcode's. */
  assert_key_path (property_mapping (post->attribute_mappings, "date"), "date", TRUE);
  assert_key_path (property_mapping (post->attribute_mappings, "hexColor"), "hexColor", TRUE);
  assert_key_path (property_mapping (post->attribute_mappings, "postID"), "postID", TRUE);
  /* Version 2 Posts have no sections; the policy class sets them. */
  assert_no_value (property_mapping (post->relationship_mappings, "sections"));

  g_assert_true (godwit_mapping_model_needs_policy_classes (model));
  reasons = godwit_mapping_model_dup_unrunnable_reasons (model);
  g_assert_cmpuint (reasons->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==,
                   "entity mapping PostToPost uses the migration policy class "
                   "CoreDataMigration_Example.Post2ToPost3MigrationPolicy, which runs only on "
                   "Apple platforms: give an equivalent in the migration plan");
}

static void
test_wibosco (void)
{
  g_autofree char *path = godwit_test_fixture_path (WIBOSCO_MAPPING);
  g_autofree char *xml = NULL;
  g_autoptr(GodwitMappingModel) model = NULL;
  g_autoptr(GodwitMappingModel) from_xml = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    return;

  model = godwit_mapping_model_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (godwit_mapping_model_get_path (model), ==, path);
  check_wibosco (model);

  xml = g_build_filename (path, "xcmapping.xml", NULL);
  from_xml = godwit_mapping_model_new_for_path (xml, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (godwit_mapping_model_get_path (from_xml), ==, xml);
  check_wibosco (from_xml);
}

/* Archives written by the tests */

static guint
add_variable (GodwitTestArchive *archive,
              const char        *name)
{
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSVariableExpression", &index);

  godwit_test_set_uid (object, "NSVariable", godwit_test_archive_add_string (archive, name));
  plist_dict_set_item (object, "NSExpressionType", plist_new_uint (2));

  return index;
}

/* As Xcode archives $<variable>.<key_path> (coredata-format.md §4.1). */
static guint
add_key_path (GodwitTestArchive *archive,
              const char        *variable,
              const char        *key_path)
{
  guint index, specifier, arguments;
  plist_t object = godwit_test_archive_add_object (archive, "NSKeyPathExpression", &index);
  plist_t specifier_object = godwit_test_archive_add_object (archive, "NSKeyPathSpecifierExpression",
                                                             &specifier);

  godwit_test_set_uid (specifier_object, "NSKeyPath", godwit_test_archive_add_string (archive, key_path));
  plist_dict_set_item (specifier_object, "NSExpressionType", plist_new_uint (10));
  arguments = godwit_test_archive_collection (archive, "NSMutableArray", &specifier, 1);

  godwit_test_set_uid (object, "NSOperand", add_variable (archive, variable));
  godwit_test_set_uid (object, "NSSelectorName", godwit_test_archive_add_string (archive, "valueForKeyPath:"));
  godwit_test_set_uid (object, "NSArguments", arguments);
  plist_dict_set_item (object, "NSExpressionType", plist_new_uint (4));

  return index;
}

/* @value (taken) is stored inline; NULL is nil. */
static guint
add_constant (GodwitTestArchive *archive,
              plist_t            value)
{
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSConstantValueExpression", &index);

  if (value == NULL)
    godwit_test_set_uid (object, "NSConstantValue", 0);
  else
    plist_dict_set_item (object, "NSConstantValue", value);
  plist_dict_set_item (object, "NSExpressionType", plist_new_uint (0));

  return index;
}

/* Strings are objects of their own, referred to. */
static guint
add_string_constant (GodwitTestArchive *archive,
                     const char        *text)
{
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSConstantValueExpression", &index);

  godwit_test_set_uid (object, "NSConstantValue", godwit_test_archive_add_string (archive, text));
  plist_dict_set_item (object, "NSExpressionType", plist_new_uint (0));

  return index;
}

static guint
add_date_constant (GodwitTestArchive *archive,
                   double             seconds)
{
  guint date;
  plist_t date_object = godwit_test_archive_add_object (archive, "NSDate", &date);
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSConstantValueExpression", &index);

  plist_dict_set_item (date_object, "NS.time", plist_new_real (seconds));
  godwit_test_set_uid (object, "NSConstantValue", date);

  return index;
}

static guint
add_function (GodwitTestArchive *archive,
              guint              operand,
              const char        *selector,
              const guint       *arguments,
              guint              n_arguments)
{
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSFunctionExpression", &index);

  godwit_test_set_uid (object, "NSOperand", operand);
  godwit_test_set_uid (object, "NSSelectorName", godwit_test_archive_add_string (archive, selector));
  godwit_test_set_uid (object, "NSArguments",
                       godwit_test_archive_collection (archive, "NSArray", arguments, n_arguments));
  plist_dict_set_item (object, "NSExpressionType", plist_new_uint (4));

  return index;
}

static guint
add_destination_instances (GodwitTestArchive *archive,
                           const char        *mapping_name,
                           guint              sources)
{
  guint arguments[2];

  arguments[0] = add_string_constant (archive, mapping_name);
  arguments[1] = sources;

  return add_function (archive, add_variable (archive, "manager"), DESTINATION_INSTANCES, arguments, 2);
}

/* A dictionary of strings. */
static guint
add_dictionary (GodwitTestArchive  *archive,
                const char * const *keys,
                const guint        *values,
                guint               n)
{
  g_autofree guint *key_indexes = g_new (guint, n);
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSMutableDictionary", &index);

  for (guint i = 0; i < n; i++)
    key_indexes[i] = godwit_test_archive_add_string (archive, keys[i]);
  plist_dict_set_item (object, "NS.keys", godwit_test_uid_array (key_indexes, n));
  plist_dict_set_item (object, "NS.objects", godwit_test_uid_array (values, n));

  return index;
}

/* A model snapshot as Xcode archives it in `sourcemodeldata`: entities
 * and their properties, a relationship's destination as an entity. */
typedef struct
{
  const char *entity;
  const char *property;
  const char *destination;  /* NULL: an attribute */
} SnapshotRow;

static guint
add_relationship_destination (GodwitTestArchive *archive,
                              guint              destination)
{
  static const char * const stereotype_keys[] = { "XD_PR_Stereotype" };
  static const char * const property_keys[] = { "XD_PRK_destination" };
  guint property, stereotype, values;
  plist_t property_object = godwit_test_archive_add_object (archive, "XDUMLPropertyImp", &property);
  plist_t stereotype_object = godwit_test_archive_add_object (archive, "XDUMLStereotypeImp", &stereotype);

  godwit_test_set_uid (property_object, "_default", destination);
  values = add_dictionary (archive, property_keys, &property, 1);
  godwit_test_set_uid (stereotype_object, "XDBucketForOwnedAttributesstorage", values);

  return add_dictionary (archive, stereotype_keys, &stereotype, 1);
}

static GBytes *
snapshot_archive (const SnapshotRow *rows,
                  guint              n_rows)
{
  GodwitTestArchive archive;
  g_autoptr(GPtrArray) entity_names = g_ptr_array_new ();
  g_autofree guint *entities = NULL;
  guint root, package;
  plist_t root_object;
  plist_t package_object;

  godwit_test_archive_init (&archive);
  for (guint i = 0; i < n_rows; i++)
    if (!g_ptr_array_find_with_equal_func (entity_names, rows[i].entity, g_str_equal, NULL))
      g_ptr_array_add (entity_names, (gpointer) rows[i].entity);

  /* Reserved first: relationships refer to entities made later. */
  entities = g_new (guint, entity_names->len);
  for (guint e = 0; e < entity_names->len; e++)
    entities[e] = godwit_test_archive_reserve (&archive);

  for (guint e = 0; e < entity_names->len; e++)
    {
      const char *entity_name = g_ptr_array_index (entity_names, e);
      plist_t entity = godwit_test_archive_object (&archive, "XDPMEntity");
      g_autoptr(GPtrArray) names = g_ptr_array_new ();
      g_autoptr(GArray) properties = g_array_new (FALSE, FALSE, sizeof (guint));

      for (guint i = 0; i < n_rows; i++)
        {
          guint property;
          plist_t object;

          if (strcmp (rows[i].entity, entity_name) != 0)
            continue;

          object = godwit_test_archive_add_object (&archive,
                                                   rows[i].destination != NULL ? "XDPMRelationship"
                                                                               : "XDPMAttribute",
                                                   &property);
          godwit_test_set_uid (object, "_name", godwit_test_archive_add_string (&archive, rows[i].property));
          if (rows[i].destination != NULL)
            {
              guint destination;

              g_assert_true (g_ptr_array_find_with_equal_func (entity_names, rows[i].destination,
                                                               g_str_equal, &destination));
              godwit_test_set_uid (object, "XDBucketForStereotypesstorage",
                                   add_relationship_destination (&archive, entities[destination]));
            }
          g_ptr_array_add (names, (gpointer) rows[i].property);
          g_array_append_val (properties, property);
        }

      godwit_test_set_uid (entity, "_name", godwit_test_archive_add_string (&archive, entity_name));
      godwit_test_set_uid (entity, "XDBucketForOwnedAttributesstorage",
                           add_dictionary (&archive, (const char * const *) names->pdata,
                                           (const guint *) properties->data, names->len));
      godwit_test_set_uid (entity, "XDBucketForGeneralizationsstorage",
                           godwit_test_archive_collection (&archive, "NSMutableArray", NULL, 0));
      godwit_test_archive_set (&archive, entities[e], entity);
    }

  root_object = godwit_test_archive_add_object (&archive, "XDPMModel", &root);
  package_object = godwit_test_archive_add_object (&archive, "XDModelPackage", &package);
  godwit_test_set_uid (root_object, "_xd_rootPackage", package);
  godwit_test_set_uid (package_object, "XDBucketForClassesstorage",
                       add_dictionary (&archive, (const char * const *) entity_names->pdata,
                                       entities, entity_names->len));

  return godwit_test_archive_finish (&archive, "NSKeyedArchiver", root);
}

/* xcmapping.xml written by the tests */

static void
xml_begin (GString *xml)
{
  g_string_append (xml,
                   "<?xml version=\"1.0\" standalone=\"yes\"?>\n"
                   "<!DOCTYPE database SYSTEM \"file:///System/Library/DTDs/CoreData.dtd\">\n\n"
                   "<database>\n"
                   "    <databaseInfo>\n"
                   "        <version>134481920</version>\n"
                   "        <nextObjectID>200</nextObjectID>\n"
                   "        <metadata><plist version=\"1.0\"><dict/></plist></metadata>\n"
                   "    </databaseInfo>\n");
}

static void
xml_object (GString    *xml,
            const char *type,
            const char *id)
{
  g_string_append_printf (xml, "    <object type=\"%s\" id=\"%s\">\n", type, id);
}

static void
xml_object_end (GString *xml)
{
  g_string_append (xml, "    </object>\n");
}

static void
xml_attribute (GString    *xml,
               const char *name,
               const char *type,
               const char *value)
{
  g_autofree char *escaped = g_markup_escape_text (value, -1);

  g_string_append_printf (xml, "        <attribute name=\"%s\" type=\"%s\">%s</attribute>\n",
                          name, type, escaped);
}

/* Base64 wrapped at 76 columns, as Xcode writes it. */
static void
xml_binary (GString    *xml,
            const char *name,
            GBytes     *bytes)
{
  gsize length = 0;
  const guchar *data = g_bytes_get_data (bytes, &length);
  g_autofree char *base64 = g_base64_encode (data, length);
  GString *wrapped = g_string_new (NULL);

  for (gsize i = 0; base64[i] != '\0'; i++)
    {
      if (i > 0 && i % 76 == 0)
        g_string_append_c (wrapped, '\n');
      g_string_append_c (wrapped, base64[i]);
    }
  g_string_append_c (wrapped, '\n');
  xml_attribute (xml, name, "binary", wrapped->str);
  g_string_free (wrapped, TRUE);
}

static void
xml_relationship (GString    *xml,
                  const char *name,
                  const char *destination,
                  const char *idrefs)
{
  g_string_append_printf (xml, "        <relationship name=\"%s\" type=\"0/0\" destination=\"%s\" "
                          "idrefs=\"%s\"></relationship>\n", name, destination, idrefs);
}

/* A property mapping object; @expression (taken) may be NULL. */
static void
xml_property_mapping (GString    *xml,
                      gboolean    relationship,
                      const char *id,
                      const char *name,
                      const char *entity_mapping,
                      GBytes     *expression)
{
  xml_object (xml, relationship ? "XDDEVRELATIONSHIPMAPPING" : "XDDEVATTRIBUTEMAPPING", id);
  if (relationship)
    xml_attribute (xml, "autogenerateexpression", "bool", "1");
  if (expression != NULL)
    xml_binary (xml, "valueexpressiondata", expression);
  xml_attribute (xml, "name", "string", name);
  g_string_append_printf (xml, "        <relationship name=\"entitymapping\" type=\"1/1\" "
                          "destination=\"XDDEVENTITYMAPPING\" idrefs=\"%s\"></relationship>\n",
                          entity_mapping);
  xml_object_end (xml);
  g_clear_pointer (&expression, g_bytes_unref);
}

static void
xml_mapping_model (GString    *xml,
                   const char *id,
                   GBytes     *source,
                   GBytes     *destination,
                   const char *entity_mappings)
{
  xml_object (xml, "XDDEVMAPPINGMODEL", id);
  xml_attribute (xml, "sourcemodelpath", "string", "App/Model.xcdatamodeld/Model 1.xcdatamodel");
  if (source != NULL)
    xml_binary (xml, "sourcemodeldata", source);
  xml_attribute (xml, "destinationmodelpath", "string", "App/Model.xcdatamodeld/Model 2.xcdatamodel");
  if (destination != NULL)
    xml_binary (xml, "destinationmodeldata", destination);
  xml_relationship (xml, "entitymappings", "XDDEVENTITYMAPPING", entity_mappings);
  xml_object_end (xml);
}

/* Writes @xml (freed) as <tmpdir>/<name>.xcmappingmodel/xcmapping.xml and
 * returns the folder. */
static char *
write_mapping_model (const char *tmpdir,
                     const char *name,
                     GString    *xml)
{
  g_autofree char *folder_name = g_strconcat (name, ".xcmappingmodel", NULL);
  char *folder = g_build_filename (tmpdir, folder_name, NULL);
  g_autofree char *path = g_build_filename (folder, "xcmapping.xml", NULL);

  g_assert_cmpint (g_mkdir_with_parents (folder, 0755), ==, 0);
  godwit_test_write_file (path, xml->str, xml->len);
  g_string_free (xml, TRUE);

  return folder;
}

/* One expression as the root of its own archive. */
typedef guint (*ExpressionFunc) (GodwitTestArchive *archive);

static GBytes *
expression_archive (ExpressionFunc func)
{
  GodwitTestArchive archive;
  guint root;

  godwit_test_archive_init (&archive);
  root = func (&archive);

  return godwit_test_archive_finish (&archive, "NSKeyedArchiver", root);
}

static guint
heading_expression (GodwitTestArchive *archive)
{
  return add_key_path (archive, "source", "heading");
}

static guint
nested_key_path_expression (GodwitTestArchive *archive)
{
  return add_key_path (archive, "source", "text.content");
}

static guint
yes_expression (GodwitTestArchive *archive)
{
  return add_constant (archive, plist_new_bool (1));
}

static guint
seven_expression (GodwitTestArchive *archive)
{
  return add_constant (archive, plist_new_uint (7));
}

static guint
half_expression (GodwitTestArchive *archive)
{
  return add_constant (archive, plist_new_real (0.5));
}

static guint
quoted_string_expression (GodwitTestArchive *archive)
{
  return add_string_constant (archive, "a \"b\"");
}

static guint
nil_expression (GodwitTestArchive *archive)
{
  return add_constant (archive, NULL);
}

static guint
date_expression (GodwitTestArchive *archive)
{
  return add_date_constant (archive, 86400.5);
}

static guint
manager_expression (GodwitTestArchive *archive)
{
  return add_variable (archive, "manager");
}

static guint
uppercase_expression (GodwitTestArchive *archive)
{
  return add_function (archive, add_key_path (archive, "source", "title"), "uppercaseString", NULL, 0);
}

static guint
subquery_expression (GodwitTestArchive *archive)
{
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSSubqueryExpression", &index);

  godwit_test_set_uid (object, "NSVariable", godwit_test_archive_add_string (archive, "x"));
  plist_dict_set_item (object, "NSExpressionType", plist_new_uint (13));

  return index;
}

static guint
attachments_expression (GodwitTestArchive *archive)
{
  return add_destination_instances (archive, "NoteToAttachment", add_variable (archive, "source"));
}

static guint
tags_expression (GodwitTestArchive *archive)
{
  return add_destination_instances (archive, "TagToTag", add_key_path (archive, "source", "tags"));
}

static GBytes *
user_info_archive (void)
{
  static const char * const keys[] = { "sourceVersion" };
  GodwitTestArchive archive;
  guint value;
  guint root;

  godwit_test_archive_init (&archive);
  value = godwit_test_archive_add_string (&archive, "v1.1");
  root = add_dictionary (&archive, keys, &value, 1);

  return godwit_test_archive_finish (&archive, "NSKeyedArchiver", root);
}

static void
test_explicit_expressions (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = NULL;
  g_autoptr(GodwitMappingModel) model = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) user_info = user_info_archive ();
  g_autofree char *names = NULL;
  g_autofree char *user_info_json = NULL;
  GString *xml = g_string_new (NULL);
  GodwitEntityMapping *note;
  GodwitPropertyMapping *mapping;
  GodwitExpression *expression;

  xml_begin (xml);
  xml_object (xml, "XDDEVENTITYMAPPING", "z102");
  xml_binary (xml, "userinfodata", user_info);
  xml_attribute (xml, "sourcename", "string", "Note");
  xml_attribute (xml, "mappingtypename", "string", "Transform");
  xml_attribute (xml, "mappingnumber", "int16", "1");
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_relationship (xml, "mappingmodel", "XDDEVMAPPINGMODEL", "z101");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING",
                    "z110 z111 z112 z113 z114 z115 z116 z117 z118 z119 z120 z121");
  xml_relationship (xml, "relationshipmappings", "XDDEVRELATIONSHIPMAPPING", "z130 z131");
  xml_object_end (xml);
  xml_property_mapping (xml, FALSE, "z110", "title", "z102", expression_archive (heading_expression));
  xml_property_mapping (xml, FALSE, "z111", "body", "z102", expression_archive (nested_key_path_expression));
  xml_property_mapping (xml, FALSE, "z112", "pinned", "z102", expression_archive (yes_expression));
  xml_property_mapping (xml, FALSE, "z113", "count", "z102", expression_archive (seven_expression));
  xml_property_mapping (xml, FALSE, "z114", "ratio", "z102", expression_archive (half_expression));
  xml_property_mapping (xml, FALSE, "z115", "label", "z102", expression_archive (quoted_string_expression));
  xml_property_mapping (xml, FALSE, "z116", "nothing", "z102", expression_archive (nil_expression));
  xml_property_mapping (xml, FALSE, "z117", "when", "z102", expression_archive (date_expression));
  xml_property_mapping (xml, FALSE, "z118", "manager", "z102", expression_archive (manager_expression));
  xml_property_mapping (xml, FALSE, "z119", "upper", "z102", expression_archive (uppercase_expression));
  xml_property_mapping (xml, FALSE, "z120", "subquery", "z102", expression_archive (subquery_expression));
  /* No value expression and no autogenerateexpression: no value. */
  xml_property_mapping (xml, FALSE, "z121", "unset", "z102", NULL);
  xml_property_mapping (xml, TRUE, "z130", "attachments", "z102", expression_archive (attachments_expression));
  xml_property_mapping (xml, TRUE, "z131", "tags", "z102", expression_archive (tags_expression));
  /* No model snapshots: nothing here needs Xcode's defaults. */
  xml_mapping_model (xml, "z101", NULL, NULL, "z102");
  g_string_append (xml, "</database>\n");
  path = write_mapping_model (tmpdir, "Explicit", xml);

  model = godwit_mapping_model_new_for_path (path, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (godwit_mapping_model_get_entity_mappings (model)->len, ==, 1);
  note = entity_mapping (model, 0);
  g_assert_cmpstr (note->name, ==, "NoteToNote");
  g_assert_cmpint (note->type, ==, GODWIT_ENTITY_MAPPING_TRANSFORM);
  g_assert_null (note->migration_policy_class);
  g_assert_nonnull (note->user_info);
  user_info_json = json_to_string (note->user_info, FALSE);
  g_assert_cmpstr (user_info_json, ==, "{\"sourceVersion\":\"v1.1\"}");

  names = mapping_names (note->attribute_mappings);
  g_assert_cmpstr (names, ==, "body count label manager nothing pinned ratio subquery title unset upper when");

  assert_key_path (property_mapping (note->attribute_mappings, "body"), "text.content", FALSE);

  mapping = property_mapping (note->attribute_mappings, "title");
  g_assert_false (mapping->is_default);
  g_assert_cmpint (mapping->expression->kind, ==, GODWIT_EXPRESSION_KEY_PATH);
  g_assert_cmpstr (mapping->expression->text, ==, "$source.heading");
  g_assert_cmpstr (mapping->expression->key_path, ==, "heading");

  expression = property_mapping (note->attribute_mappings, "pinned")->expression;
  g_assert_cmpint (expression->kind, ==, GODWIT_EXPRESSION_CONSTANT);
  g_assert_cmpstr (expression->text, ==, "YES");
  g_assert_true (json_node_get_boolean (expression->constant));

  expression = property_mapping (note->attribute_mappings, "count")->expression;
  g_assert_cmpint (expression->kind, ==, GODWIT_EXPRESSION_CONSTANT);
  g_assert_cmpstr (expression->text, ==, "7");
  g_assert_cmpint (json_node_get_int (expression->constant), ==, 7);

  expression = property_mapping (note->attribute_mappings, "ratio")->expression;
  g_assert_cmpstr (expression->text, ==, "0.5");
  g_assert_cmpfloat (json_node_get_double (expression->constant), ==, 0.5);

  expression = property_mapping (note->attribute_mappings, "label")->expression;
  g_assert_cmpstr (expression->text, ==, "\"a \\\"b\\\"\"");
  g_assert_cmpstr (json_node_get_string (expression->constant), ==, "a \"b\"");

  expression = property_mapping (note->attribute_mappings, "nothing")->expression;
  g_assert_cmpint (expression->kind, ==, GODWIT_EXPRESSION_CONSTANT);
  g_assert_cmpstr (expression->text, ==, "nil");
  g_assert_null (expression->constant);

  expression = property_mapping (note->attribute_mappings, "when")->expression;
  g_assert_cmpint (expression->kind, ==, GODWIT_EXPRESSION_CONSTANT);
  g_assert_cmpstr (expression->text, ==, "CAST(86400.5, \"NSDate\")");
  g_assert_cmpstr (json_node_get_string (expression->constant), ==, "2001-01-02T00:00:00.500Z");

  expression = property_mapping (note->attribute_mappings, "manager")->expression;
  g_assert_cmpstr (godwit_expression_kind_to_string (expression->kind), ==, "variable");
  g_assert_cmpstr (expression->variable, ==, "manager");
  g_assert_cmpstr (expression->text, ==, "$manager");

  expression = property_mapping (note->attribute_mappings, "upper")->expression;
  g_assert_cmpstr (godwit_expression_kind_to_string (expression->kind), ==, "function");
  g_assert_cmpstr (expression->selector, ==, "uppercaseString");
  g_assert_cmpint (expression->operand->kind, ==, GODWIT_EXPRESSION_KEY_PATH);
  g_assert_cmpuint (expression->arguments->len, ==, 0);
  g_assert_cmpstr (expression->text, ==, "FUNCTION($source.title, \"uppercaseString\")");

  expression = property_mapping (note->attribute_mappings, "subquery")->expression;
  g_assert_cmpstr (godwit_expression_kind_to_string (expression->kind), ==, "unsupported");
  g_assert_cmpstr (expression->class_name, ==, "NSSubqueryExpression");

  assert_no_value (property_mapping (note->attribute_mappings, "unset"));

  expression = property_mapping (note->relationship_mappings, "attachments")->expression;
  g_assert_cmpstr (godwit_expression_kind_to_string (expression->kind), ==, "destination-instances");
  g_assert_cmpstr (expression->mapping_name, ==, "NoteToAttachment");
  g_assert_cmpstr (expression->variable, ==, "source");
  g_assert_null (expression->key_path);
  g_assert_cmpstr (expression->text, ==,
                   "FUNCTION($manager, \"" DESTINATION_INSTANCES "\", \"NoteToAttachment\", $source)");

  expression = property_mapping (note->relationship_mappings, "tags")->expression;
  g_assert_cmpint (expression->kind, ==, GODWIT_EXPRESSION_DESTINATION_INSTANCES);
  g_assert_cmpstr (expression->mapping_name, ==, "TagToTag");
  g_assert_cmpstr (expression->key_path, ==, "tags");
  g_assert_cmpstr (expression->text, ==,
                   "FUNCTION($manager, \"" DESTINATION_INSTANCES "\", \"TagToTag\", $source.tags)");
  g_assert_false (property_mapping (note->relationship_mappings, "tags")->is_default);

  g_assert_false (godwit_mapping_model_needs_policy_classes (model));
  reasons = godwit_mapping_model_dup_unrunnable_reasons (model);
  g_assert_cmpuint (reasons->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (reasons, 0), ==,
                   "attribute mapping NoteToNote.subquery has a value expression of class "
                   "NSSubqueryExpression, which Godwit cannot evaluate: give an equivalent in the "
                   "migration plan");
  g_assert_cmpstr (g_ptr_array_index (reasons, 1), ==,
                   "attribute mapping NoteToNote.upper calls the method “uppercaseString” "
                   "(FUNCTION($source.title, \"uppercaseString\")), which runs only on Apple "
                   "platforms: give an equivalent in the migration plan");

  godwit_test_rmdir (tmpdir);
}

/* Xcode's defaults come from the model snapshots: Note gains "body" and
 * loses "text"; its tags map through TagToTag; nothing maps Person. */
static const SnapshotRow source_rows[] = {
  { "Note", "title", NULL },
  { "Note", "text", NULL },
  { "Note", "tags", "Tag" },
  { "Note", "owner", "Person" },
  { "Tag", "name", NULL },
  { "Person", "name", NULL },
};

static const SnapshotRow destination_rows[] = {
  { "Note", "title", NULL },
  { "Note", "body", NULL },
  { "Note", "tags", "Tag" },
  { "Note", "owner", "Person" },
  { "Tag", "name", NULL },
  { "Person", "name", NULL },
  { "Section", "title", NULL },
};

static void
test_defaults (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = NULL;
  g_autoptr(GodwitMappingModel) model = NULL;
  g_autoptr(GPtrArray) reasons = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) source = snapshot_archive (source_rows, G_N_ELEMENTS (source_rows));
  g_autoptr(GBytes) destination = snapshot_archive (destination_rows, G_N_ELEMENTS (destination_rows));
  GString *xml = g_string_new (NULL);
  GodwitEntityMapping *note;
  GodwitEntityMapping *tag;
  GodwitEntityMapping *section;
  GodwitExpression *expression;

  xml_begin (xml);
  xml_mapping_model (xml, "z101", source, destination, "z102 z103 z104");
  xml_object (xml, "XDDEVENTITYMAPPING", "z102");
  xml_attribute (xml, "sourcename", "string", "Note");
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_attribute (xml, "mappingtypename", "string", "Undefined");
  xml_attribute (xml, "mappingnumber", "int16", "3");
  xml_attribute (xml, "autogenerateexpression", "bool", "1");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", "z110 z111");
  xml_relationship (xml, "relationshipmappings", "XDDEVRELATIONSHIPMAPPING", "z112 z113");
  xml_object_end (xml);
  xml_object (xml, "XDDEVENTITYMAPPING", "z103");
  xml_attribute (xml, "sourcename", "string", "Tag");
  xml_attribute (xml, "destinationname", "string", "Tag");
  xml_attribute (xml, "mappingnumber", "int16", "1");
  xml_attribute (xml, "autogenerateexpression", "bool", "1");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", "z114");
  xml_object_end (xml);
  xml_object (xml, "XDDEVENTITYMAPPING", "z104");
  xml_attribute (xml, "destinationname", "string", "Section");
  xml_attribute (xml, "mappingnumber", "int16", "2");
  xml_attribute (xml, "autogenerateexpression", "bool", "1");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", "z115");
  xml_object_end (xml);
  xml_property_mapping (xml, FALSE, "z110", "title", "z102", NULL);
  xml_property_mapping (xml, FALSE, "z111", "body", "z102", NULL);
  xml_property_mapping (xml, TRUE, "z112", "tags", "z102", NULL);
  xml_property_mapping (xml, TRUE, "z113", "owner", "z102", NULL);
  xml_property_mapping (xml, FALSE, "z114", "name", "z103", NULL);
  xml_property_mapping (xml, FALSE, "z115", "title", "z104", NULL);
  g_string_append (xml, "</database>\n");
  path = write_mapping_model (tmpdir, "Defaults", xml);

  model = godwit_mapping_model_new_for_path (path, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (godwit_mapping_model_get_entity_mappings (model)->len, ==, 3);
  tag = entity_mapping (model, 0);
  section = entity_mapping (model, 1);
  note = entity_mapping (model, 2);
  g_assert_cmpstr (tag->name, ==, "TagToTag");
  g_assert_cmpstr (section->name, ==, "Section");
  g_assert_cmpstr (note->name, ==, "NoteToNote");

  assert_key_path (property_mapping (tag->attribute_mappings, "name"), "name", TRUE);
  assert_key_path (property_mapping (note->attribute_mappings, "title"), "title", TRUE);
  /* The source Note has no body, and an add mapping no source at all. */
  assert_no_value (property_mapping (note->attribute_mappings, "body"));
  assert_no_value (property_mapping (section->attribute_mappings, "title"));

  expression = property_mapping (note->relationship_mappings, "tags")->expression;
  g_assert_nonnull (expression);
  g_assert_true (property_mapping (note->relationship_mappings, "tags")->is_default);
  g_assert_cmpint (expression->kind, ==, GODWIT_EXPRESSION_DESTINATION_INSTANCES);
  g_assert_cmpstr (expression->mapping_name, ==, "TagToTag");
  g_assert_cmpstr (expression->variable, ==, "source");
  g_assert_cmpstr (expression->key_path, ==, "tags");
  g_assert_cmpstr (expression->text, ==,
                   "FUNCTION($manager, \"" DESTINATION_INSTANCES "\", \"TagToTag\", $source.tags)");
  /* No entity mapping carries Person over. */
  assert_no_value (property_mapping (note->relationship_mappings, "owner"));

  reasons = godwit_mapping_model_dup_unrunnable_reasons (model);
  g_assert_cmpuint (reasons->len, ==, 0);

  godwit_test_rmdir (tmpdir);
}

static void
test_add_mapping (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = NULL;
  g_autofree char *source_version = NULL;
  g_autoptr(GodwitMappingModel) model = NULL;
  g_autoptr(GError) error = NULL;
  GString *xml = g_string_new (NULL);
  GodwitEntityMapping *attachment;

  xml_begin (xml);
  xml_object (xml, "XDDEVENTITYMAPPING", "z102");
  xml_attribute (xml, "destinationname", "string", "Attachment");
  xml_attribute (xml, "mappingtypename", "string", "Add");
  xml_attribute (xml, "mappingnumber", "int16", "1");
  xml_attribute (xml, "migrationpolicyclassname", "string", "AttachmentPolicy");
  xml_attribute (xml, "autogenerateexpression", "bool", "1");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", "z103");
  xml_object_end (xml);
  xml_property_mapping (xml, FALSE, "z103", "image", "z102", NULL);
  /* No snapshots needed: an add mapping has no defaults. */
  xml_mapping_model (xml, "z101", NULL, NULL, "z102");
  g_string_append (xml, "</database>\n");
  path = write_mapping_model (tmpdir, "Add", xml);

  model = godwit_mapping_model_new_for_path (path, &error);
  g_assert_no_error (error);

  source_version = godwit_mapping_model_dup_source_version_name (model);
  g_assert_cmpstr (source_version, ==, "Model 1");
  attachment = entity_mapping (model, 0);
  g_assert_cmpstr (attachment->name, ==, "Attachment");
  g_assert_null (attachment->source_entity);
  g_assert_cmpstr (attachment->destination_entity, ==, "Attachment");
  g_assert_cmpint (attachment->type, ==, GODWIT_ENTITY_MAPPING_ADD);
  assert_no_value (property_mapping (attachment->attribute_mappings, "image"));
  g_assert_true (godwit_mapping_model_needs_policy_classes (model));

  godwit_test_rmdir (tmpdir);
}

/* Bad input */

/* Reading @path fails with @code, naming @file and saying @words. */
static void
assert_fails (const char *path,
              GodwitError code,
              const char *file,
              const char *words)
{
  g_autoptr(GodwitMappingModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = godwit_mapping_model_new_for_path (path, &error);
  g_assert_null (model);
  g_assert_error (error, GODWIT_ERROR, code);
  if (strstr (error->message, file) == NULL || strstr (error->message, words) == NULL)
    g_error ("“%s” should name %s and say “%s”", error->message, file, words);
}

/* Writes @xml (freed) as a mapping model and checks that reading it fails. */
static void
assert_xml_fails (GString     *xml,
                  GodwitError  code,
                  const char  *words)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *folder = write_mapping_model (tmpdir, "Bad", xml);
  g_autofree char *file = g_build_filename (folder, "xcmapping.xml", NULL);

  assert_fails (folder, code, file, words);
  godwit_test_rmdir (tmpdir);
}

/* A mapping model with the entity mapping z102 left open, for the caller
 * to add to and close. */
static GString *
xml_with_entity_mapping (void)
{
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z101", NULL, NULL, "z102");
  xml_object (xml, "XDDEVENTITYMAPPING", "z102");

  return xml;
}

/* A mapping model whose one attribute mapping has @expression (taken). */
static GString *
xml_with_expression (GBytes *expression)
{
  GString *xml = xml_with_entity_mapping ();

  xml_attribute (xml, "sourcename", "string", "Note");
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", "z103");
  xml_object_end (xml);
  xml_property_mapping (xml, FALSE, "z103", "title", "z102", expression);
  g_string_append (xml, "</database>\n");

  return xml;
}

static void
test_not_a_store (void)
{
  assert_xml_fails (g_string_new ("<model><entity name=\"A\"/></model>"),
                    GODWIT_ERROR_INVALID_MODEL, "not a Core Data XML store (root <model>)");
  assert_xml_fails (g_string_new ("<database><object type=\"NOTE\" id=\"z1\"/></database>"),
                    GODWIT_ERROR_INVALID_MODEL, "no XDDEVMAPPINGMODEL object");
}

static void
test_unknown_idrefs (void)
{
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z101", NULL, NULL, "z102 z999");
  xml_object (xml, "XDDEVENTITYMAPPING", "z102");
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_object_end (xml);
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL,
                    "XDDEVMAPPINGMODEL z101: relationship “entitymappings” refers to the unknown object “z999”");

  xml = g_string_new (NULL);
  xml_begin (xml);
  xml_mapping_model (xml, "z101", NULL, NULL, "z101");
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL,
                    "refers to z101 of type XDDEVMAPPINGMODEL, not XDDEVENTITYMAPPING");
}

static void
test_bad_attributes (void)
{
  GString *xml = xml_with_entity_mapping ();

  xml_attribute (xml, "destinationname", "string", "Note");
  xml_attribute (xml, "userinfodata", "binary", "YnBs!!aXN0*");
  xml_object_end (xml);
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL,
                    "XDDEVENTITYMAPPING z102: attribute “userinfodata” is not valid base64");

  assert_xml_fails (xml_with_expression (g_bytes_new_static ("just text", 9)),
                    GODWIT_ERROR_INVALID_PLIST, "XDDEVATTRIBUTEMAPPING z103: valueexpressiondata");

  xml = xml_with_entity_mapping ();
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_attribute (xml, "mappingnumber", "string", "one");
  xml_object_end (xml);
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL, "attribute “mappingnumber” has the type “string”");

  xml = xml_with_entity_mapping ();
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_attribute (xml, "mappingtypename", "string", "Merge");
  xml_object_end (xml);
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL, "unknown entity mapping type “Merge”");
}

static void
test_duplicates (void)
{
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z101", NULL, NULL, "z102 z103");
  xml_object (xml, "XDDEVENTITYMAPPING", "z102");
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_object_end (xml);
  xml_object (xml, "XDDEVENTITYMAPPING", "z103");
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_object_end (xml);
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL, "two entity mappings are named Note");

  xml = xml_with_entity_mapping ();
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", "z103 z104");
  xml_object_end (xml);
  xml_property_mapping (xml, FALSE, "z103", "title", "z102", NULL);
  xml_property_mapping (xml, FALSE, "z104", "title", "z102", NULL);
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL, "two attribute mappings for “title”");

  assert_xml_fails (g_string_new ("<database><object type=\"A\" id=\"z1\"/><object type=\"B\" id=\"z1\"/></database>"),
                    GODWIT_ERROR_INVALID_MODEL, "line 1: two objects have the id “z1”");
}

static guint
self_operand_expression (GodwitTestArchive *archive)
{
  guint index;
  plist_t object = godwit_test_archive_add_object (archive, "NSFunctionExpression", &index);

  /* FUNCTION(FUNCTION(FUNCTION(…: a cycle */
  godwit_test_set_uid (object, "NSOperand", index);
  godwit_test_set_uid (object, "NSSelectorName", godwit_test_archive_add_string (archive, "self"));

  return index;
}

static void
test_deep_nesting (void)
{
  GString *xml = g_string_new ("<database>");

  for (guint i = 0; i < 100; i++)
    g_string_append (xml, "<x>");
  assert_xml_fails (xml, GODWIT_ERROR_LIMIT_EXCEEDED, "elements are nested more than 64 deep");

  assert_xml_fails (xml_with_expression (expression_archive (self_operand_expression)),
                    GODWIT_ERROR_LIMIT_EXCEEDED, "value expressions nested more than 32 deep");
}

static void
test_truncated (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *folder = write_mapping_model (tmpdir, "Whole",
                                                 xml_with_expression (expression_archive (heading_expression)));
  g_autofree char *whole = g_build_filename (folder, "xcmapping.xml", NULL);
  g_autofree char *truncated = g_build_filename (tmpdir, "truncated.xml", NULL);
  g_autoptr(GodwitMappingModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = godwit_mapping_model_new_for_path (whole, &error);
  g_assert_no_error (error);

  godwit_test_copy_first_half (whole, truncated);
  assert_fails (truncated, GODWIT_ERROR_INVALID_MODEL, truncated, "not well-formed XML");

  godwit_test_rmdir (tmpdir);
}

static void
test_missing_snapshot (void)
{
  GString *xml = xml_with_entity_mapping ();

  xml_attribute (xml, "sourcename", "string", "Note");
  xml_attribute (xml, "destinationname", "string", "Note");
  xml_attribute (xml, "autogenerateexpression", "bool", "1");
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", "z103");
  xml_object_end (xml);
  xml_property_mapping (xml, FALSE, "z103", "title", "z102", NULL);
  g_string_append (xml, "</database>\n");
  assert_xml_fails (xml, GODWIT_ERROR_INVALID_MODEL, "XDDEVMAPPINGMODEL z101: no “sourcemodeldata”");
}

static void
test_not_a_mapping_model_folder (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *empty = g_build_filename (tmpdir, "Empty.xcmappingmodel", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "Missing.xcmappingmodel", NULL);
  g_autofree char *outer = g_build_filename (tmpdir, "Folder.xcmappingmodel", NULL);
  g_autofree char *inner = g_build_filename (outer, "xcmapping.xml", NULL);

  g_assert_cmpint (g_mkdir (empty, 0755), ==, 0);
  assert_fails (empty, GODWIT_ERROR_WRONG_FILE_TYPE, empty, "a folder without xcmapping.xml");
  assert_fails (missing, GODWIT_ERROR_IO, missing, g_strerror (ENOENT));
  g_assert_cmpint (g_mkdir_with_parents (inner, 0755), ==, 0);
  /* An xcmapping.xml that is a folder */
  assert_fails (outer, GODWIT_ERROR_WRONG_FILE_TYPE, inner, "is a folder");

  godwit_test_rmdir (tmpdir);
}

/* Translation into a migration plan stage */

/* Model 1 → Model 2 of a blog: Author becomes Writer, Post becomes Article
 * with renamed and transformed values, a Writer without inverse as editor
 * and a status with a default; an author's ordered favorites have no
 * inverse; Tag stays; Draft stays but a remove mapping drops its objects;
 * Section is new, with an add mapping. */
static void
add_blog_models (GodwitModel **source,
                 GodwitModel **destination)
{
  GodwitEntity *entity;
  GodwitProperty *property;

  *source = godwit_model_new ("Model 1", GODWIT_MODEL_SOURCE_WRITER);
  entity = godwit_test_add_entity (*source, "Author", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "born", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_relationship (entity, "posts", "Post", "author", TRUE, FALSE);
  godwit_test_add_relationship (entity, "favorites", "Post", NULL, TRUE, TRUE);
  entity = godwit_test_add_entity (*source, "Post", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "body", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "views", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (entity, "rating", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_attribute (entity, "created", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_relationship (entity, "author", "Author", "posts", FALSE, FALSE);
  godwit_test_add_relationship (entity, "tags", "Tag", "posts", TRUE, FALSE);
  entity = godwit_test_add_entity (*source, "Tag", NULL);
  godwit_test_add_attribute (entity, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "posts", "Post", "tags", TRUE, FALSE);
  entity = godwit_test_add_entity (*source, "Draft", NULL);
  godwit_test_add_attribute (entity, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (*source);

  *destination = godwit_model_new ("Model 2", GODWIT_MODEL_SOURCE_WRITER);
  entity = godwit_test_add_entity (*destination, "Writer", NULL);
  godwit_test_add_attribute (entity, "fullName", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "born", GODWIT_ATTRIBUTE_TYPE_DATE);
  property = godwit_test_add_relationship (entity, "articles", "Article", "writer", TRUE, FALSE);
  property->renaming_identifier = g_strdup ("posts");
  godwit_test_add_relationship (entity, "favorites", "Article", NULL, TRUE, TRUE);
  entity = godwit_test_add_entity (*destination, "Article", NULL);
  godwit_test_add_attribute (entity, "heading", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "views", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  godwit_test_add_attribute (entity, "score", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_add_attribute (entity, "featured", GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  godwit_test_add_attribute (entity, "created", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_attribute (entity, "origin", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "reviewed", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_attribute (entity, "summary", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "weight", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_attribute (entity, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (entity, "level", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  property = godwit_test_add_attribute (entity, "status", GODWIT_ATTRIBUTE_TYPE_STRING);
  property->default_value = g_strdup ("draft");
  property = godwit_test_add_relationship (entity, "writer", "Writer", "articles", FALSE, FALSE);
  property->renaming_identifier = g_strdup ("author");
  godwit_test_add_relationship (entity, "editor", "Writer", NULL, FALSE, FALSE);
  godwit_test_add_relationship (entity, "tags", "Tag", "articles", TRUE, FALSE);
  entity = godwit_test_add_entity (*destination, "Tag", NULL);
  godwit_test_add_attribute (entity, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  property = godwit_test_add_relationship (entity, "articles", "Article", "tags", TRUE, FALSE);
  property->renaming_identifier = g_strdup ("posts");
  entity = godwit_test_add_entity (*destination, "Draft", NULL);
  godwit_test_add_attribute (entity, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (*destination, "Section", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (*destination);
}

static GBytes *
key_path_archive (const char *key_path)
{
  GodwitTestArchive archive;
  guint root;

  godwit_test_archive_init (&archive);
  root = add_key_path (&archive, "source", key_path);

  return godwit_test_archive_finish (&archive, "NSKeyedArchiver", root);
}

/* FUNCTION($manager, "destinationInstances…", @mapping_name, $source.@key_path),
 * or $source itself when @key_path is NULL. */
static GBytes *
instances_archive (const char *mapping_name,
                   const char *key_path)
{
  GodwitTestArchive archive;
  guint root;

  godwit_test_archive_init (&archive);
  root = add_destination_instances (&archive, mapping_name,
                                    key_path != NULL ? add_key_path (&archive, "source", key_path)
                                                     : add_variable (&archive, "source"));

  return godwit_test_archive_finish (&archive, "NSKeyedArchiver", root);
}

static guint
imported_expression (GodwitTestArchive *archive)
{
  return add_string_constant (archive, "it's \"imported\"");
}

static guint
two_and_a_half_expression (GodwitTestArchive *archive)
{
  return add_constant (archive, plist_new_real (2.5));
}

static guint
manager_title_expression (GodwitTestArchive *archive)
{
  return add_key_path (archive, "manager", "title");
}

typedef struct
{
  const char *name;
  gboolean    relationship;
  GBytes     *expression;  /* (nullable) (owned) */
} PropertyRow;

/* An entity mapping @id between @source and @destination (either may be
 * NULL) with the property mappings @rows, whose ids follow @id. */
static void
xml_entity_mapping (GString     *xml,
                    guint        id,
                    const char  *source,
                    const char  *destination,
                    const char  *type,
                    const char  *policy,
                    PropertyRow *rows,
                    guint        n_rows)
{
  g_autofree char *own_id = g_strdup_printf ("z%u", id);
  g_autofree char *number = g_strdup_printf ("%u", id);
  GString *attributes = g_string_new (NULL);
  GString *relationships = g_string_new (NULL);

  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (rows[i].relationship ? relationships : attributes, "%sz%u",
                            (rows[i].relationship ? relationships : attributes)->len > 0 ? " " : "",
                            id * 100 + i);

  xml_object (xml, "XDDEVENTITYMAPPING", own_id);
  if (source != NULL)
    xml_attribute (xml, "sourcename", "string", source);
  if (destination != NULL)
    xml_attribute (xml, "destinationname", "string", destination);
  xml_attribute (xml, "mappingtypename", "string", type);
  xml_attribute (xml, "mappingnumber", "int16", number);
  if (policy != NULL)
    xml_attribute (xml, "migrationpolicyclassname", "string", policy);
  xml_relationship (xml, "attributemappings", "XDDEVATTRIBUTEMAPPING", attributes->str);
  xml_relationship (xml, "relationshipmappings", "XDDEVRELATIONSHIPMAPPING", relationships->str);
  xml_object_end (xml);
  g_string_free (attributes, TRUE);
  g_string_free (relationships, TRUE);

  for (guint i = 0; i < n_rows; i++)
    {
      g_autofree char *row_id = g_strdup_printf ("z%u", id * 100 + i);

      /* Without a value expression nor autogenerateexpression: unset. */
      if (rows[i].expression == NULL)
        {
          xml_object (xml, rows[i].relationship ? "XDDEVRELATIONSHIPMAPPING" : "XDDEVATTRIBUTEMAPPING",
                      row_id);
          xml_attribute (xml, "name", "string", rows[i].name);
          xml_object_end (xml);
          continue;
        }
      xml_property_mapping (xml, rows[i].relationship, row_id, rows[i].name, own_id,
                            g_steal_pointer (&rows[i].expression));
    }
}

/* The blog's mapping model in @tmpdir: every kind of value, links through
 * destinationInstances, an add and a remove mapping. */
static char *
write_blog_mapping_model (const char *tmpdir)
{
  PropertyRow writer[] = {
    { "fullName", FALSE, key_path_archive ("name") },
    { "born", FALSE, key_path_archive ("born") },
    { "articles", TRUE, instances_archive ("PostToArticle", "posts") },
    { "favorites", TRUE, instances_archive ("PostToArticle", "favorites") },
  };
  PropertyRow article[] = {
    { "heading", FALSE, key_path_archive ("title") },
    { "text", FALSE, key_path_archive ("body") },
    { "views", FALSE, key_path_archive ("views") },
    { "score", FALSE, key_path_archive ("rating") },
    { "featured", FALSE, expression_archive (yes_expression) },
    { "created", FALSE, key_path_archive ("created") },
    { "origin", FALSE, expression_archive (imported_expression) },
    { "reviewed", FALSE, expression_archive (date_expression) },
    { "summary", FALSE, expression_archive (nil_expression) },
    { "weight", FALSE, expression_archive (half_expression) },
    { "rank", FALSE, expression_archive (seven_expression) },
    { "level", FALSE, expression_archive (two_and_a_half_expression) },
    { "status", FALSE, NULL },
    { "writer", TRUE, instances_archive ("AuthorToWriter", "author") },
    { "editor", TRUE, instances_archive ("AuthorToWriter", "author") },
    { "tags", TRUE, instances_archive ("TagToTag", "tags") },
  };
  PropertyRow tag[] = {
    { "label", FALSE, key_path_archive ("label") },
    { "articles", TRUE, instances_archive ("PostToArticle", "posts") },
  };
  PropertyRow section[] = {
    { "title", FALSE, NULL },
  };
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z1", NULL, NULL, "z2 z3 z4 z5 z6");
  xml_entity_mapping (xml, 2, "Author", "Writer", "Transform", NULL, writer, G_N_ELEMENTS (writer));
  xml_entity_mapping (xml, 3, "Post", "Article", "Undefined", NULL, article, G_N_ELEMENTS (article));
  xml_entity_mapping (xml, 4, "Tag", "Tag", "Copy", NULL, tag, G_N_ELEMENTS (tag));
  xml_entity_mapping (xml, 5, NULL, "Section", "Add", NULL, section, G_N_ELEMENTS (section));
  xml_entity_mapping (xml, 6, "Draft", NULL, "Remove", NULL, NULL, 0);
  g_string_append (xml, "</database>\n");

  return write_mapping_model (tmpdir, "Blog", xml);
}

static const GodwitPlanEntityMapping *
stage_mapping (const GodwitMigrationStage *stage,
               const char                 *name)
{
  for (guint i = 0; i < stage->entity_mappings->len; i++)
    {
      const GodwitPlanEntityMapping *mapping = g_ptr_array_index (stage->entity_mappings, i);

      if (strcmp (mapping->name, name) == 0)
        return mapping;
    }

  g_error ("no entity mapping %s in the stage", name);
}

/* "attribute=expression" for each value, in order, joined by "\n". */
static char *
describe_values (const GodwitPlanEntityMapping *mapping)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < mapping->attributes->len; i++)
    {
      const GodwitPlanValue *value = g_ptr_array_index (mapping->attributes, i);

      g_string_append_printf (text, "%s%s=%s", i > 0 ? "\n" : "", value->attribute, value->expression);
    }

  return g_string_free (text, FALSE);
}

/* "relationship=mapping(source key)" for each link, joined by " ". */
static char *
describe_links (const GodwitPlanEntityMapping *mapping)
{
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < mapping->relationships->len; i++)
    {
      const GodwitPlanLink *link = g_ptr_array_index (mapping->relationships, i);

      g_string_append_printf (text, "%s%s=%s(%s)", i > 0 ? " " : "", link->relationship, link->mapping,
                              link->source_key);
    }

  return g_string_free (text, FALSE);
}

/* The stage the mapping model at @path translates into, from @source to
 * @destination. */
static GodwitMigrationStage *
translate (const char   *path,
           GodwitModel  *source,
           GodwitModel  *destination,
           GError      **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GodwitMappingModel) model = godwit_mapping_model_new_for_path (path, &local_error);

  g_assert_no_error (local_error);

  return godwit_mapping_stage_new (model, source, destination, error);
}

static void
test_stage (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = write_blog_mapping_model (tmpdir);
  g_autofree char *json_path = NULL;
  g_autofree char *values = NULL;
  g_autofree char *links = NULL;
  g_autoptr(GodwitModel) source = NULL;
  g_autoptr(GodwitModel) destination = NULL;
  g_autoptr(GodwitMigrationStage) stage = NULL;
  g_autoptr(GError) error = NULL;
  const GodwitPlanEntityMapping *mapping;

  add_blog_models (&source, &destination);
  stage = translate (path, source, destination, &error);
  g_assert_no_error (error);
  g_assert_nonnull (stage);

  g_assert_cmpint (stage->kind, ==, GODWIT_MIGRATION_STAGE_CUSTOM);
  g_assert_cmpstr (stage->versions[0], ==, "Model 1");
  g_assert_cmpstr (stage->versions[1], ==, "Model 2");
  g_assert_null (stage->versions[2]);
  g_assert_null (stage->will_migrate[0]);
  g_assert_null (stage->did_migrate[0]);
  g_assert_cmpstr (stage->json_path, ==, path);

  /* The add and remove mappings make nothing; Draft is still in Model 2,
   * so a mapping that makes nothing keeps the stage from copying it. */
  g_assert_cmpuint (stage->entity_mappings->len, ==, 4);
  g_assert_cmpstr (((GodwitPlanEntityMapping *) g_ptr_array_index (stage->entity_mappings, 0))->name, ==,
                   "AuthorToWriter");
  g_assert_cmpstr (((GodwitPlanEntityMapping *) g_ptr_array_index (stage->entity_mappings, 1))->name, ==,
                   "PostToArticle");
  g_assert_cmpstr (((GodwitPlanEntityMapping *) g_ptr_array_index (stage->entity_mappings, 2))->name, ==,
                   "TagToTag");
  mapping = stage_mapping (stage, "DraftToDraft");
  g_assert_cmpstr (mapping->source, ==, "Draft");
  g_assert_cmpstr (mapping->destination, ==, "Draft");
  g_assert_cmpstr (mapping->filter, ==, "0");
  g_assert_cmpuint (mapping->attributes->len, ==, 0);
  g_assert_cmpuint (mapping->relationships->len, ==, 0);

  mapping = stage_mapping (stage, "PostToArticle");
  g_assert_cmpstr (mapping->source, ==, "Post");
  g_assert_cmpstr (mapping->destination, ==, "Article");
  g_assert_null (mapping->filter);
  json_path = g_strdup_printf ("%s: PostToArticle", path);
  g_assert_cmpstr (mapping->json_path, ==, json_path);
  values = describe_values (mapping);
  /* By attribute name; an integer from a double is its whole part; the
   * date is seconds since 2001; status keeps its default. */
  g_assert_cmpstr (values, ==,
                   "created=\"created\"\n"
                   "featured=1\n"
                   "heading=\"title\"\n"
                   "level=CAST(2.5 AS INTEGER)\n"
                   "origin='it''s \"imported\"'\n"
                   "rank=7\n"
                   "reviewed=86400.5\n"
                   "score=CAST(\"rating\" AS INTEGER)\n"
                   "status='draft'\n"
                   "summary=NULL\n"
                   "text=\"body\"\n"
                   "views=\"views\"\n"
                   "weight=0.5");
  /* writer is what the stage's own rule links (renamed from author);
   * editor is not, so it is linked; tags follow the source's tags. */
  links = describe_links (mapping);
  g_assert_cmpstr (links, ==, "editor=AuthorToWriter(\"author\")");
  g_clear_pointer (&values, g_free);
  g_clear_pointer (&links, g_free);

  mapping = stage_mapping (stage, "AuthorToWriter");
  values = describe_values (mapping);
  g_assert_cmpstr (values, ==, "born=\"born\"\nfullName=\"name\"");
  g_assert_cmpuint (mapping->relationships->len, ==, 0);
  g_clear_pointer (&values, g_free);

  mapping = stage_mapping (stage, "TagToTag");
  values = describe_values (mapping);
  g_assert_cmpstr (values, ==, "label=\"label\"");
  g_assert_cmpuint (mapping->relationships->len, ==, 0);

  /* It is a stage like any: it validates, and plans as SQL. */
  g_assert_true (godwit_migration_stage_validate (stage, source, destination, NULL, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GodwitCustomMigration) migration = godwit_custom_migration_new (source, destination, stage,
                                                                              &error);
    g_autoptr(GPtrArray) sql = NULL;

    g_assert_no_error (error);
    sql = godwit_custom_migration_dup_sql (migration);
    for (guint i = 0; i < sql->len; i++)
      g_test_message ("%s", (char *) g_ptr_array_index (sql, i));
  }

  godwit_test_rmdir (tmpdir);
}

/* A to-one relationship Core Data leaves empty is linked to nothing, and
 * a link through another entity's objects finds nothing. */
static void
test_stage_empty_links (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = NULL;
  g_autofree char *links = NULL;
  g_autoptr(GodwitModel) source = NULL;
  g_autoptr(GodwitModel) destination = NULL;
  g_autoptr(GodwitMigrationStage) stage = NULL;
  g_autoptr(GError) error = NULL;
  PropertyRow writer[] = {
    { "fullName", FALSE, key_path_archive ("name") },
    { "favorites", TRUE, instances_archive ("PostToArticle", "favorites") },
  };
  PropertyRow article[] = {
    { "writer", TRUE, NULL },
    { "editor", TRUE, instances_archive ("AuthorToWriter", NULL) },
  };
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z1", NULL, NULL, "z2 z3");
  xml_entity_mapping (xml, 2, "Author", "Writer", "Undefined", NULL, writer, G_N_ELEMENTS (writer));
  xml_entity_mapping (xml, 3, "Post", "Article", "Undefined", NULL, article, G_N_ELEMENTS (article));
  g_string_append (xml, "</database>\n");
  path = write_mapping_model (tmpdir, "Empty", xml);

  add_blog_models (&source, &destination);
  stage = translate (path, source, destination, &error);
  g_assert_no_error (error);

  links = describe_links (stage_mapping (stage, "PostToArticle"));
  g_assert_cmpstr (links, ==, "editor=AuthorToWriter(NULL) writer=AuthorToWriter(NULL)");
  /* Tag and Draft: made by no entity mapping, so by none of the stage. */
  g_assert_cmpstr (stage_mapping (stage, "TagToTag")->filter, ==, "0");
  g_assert_cmpstr (stage_mapping (stage, "DraftToDraft")->filter, ==, "0");

  godwit_test_rmdir (tmpdir);
}

/* Translating the mapping model @xml (freed) fails with @code, naming
 * the file and saying @words. */
static void
assert_translation_fails (GString     *xml,
                          GodwitError  code,
                          const char  *words)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = write_mapping_model (tmpdir, "Failing", xml);
  g_autofree char *expected = NULL;
  g_autoptr(GodwitModel) source = NULL;
  g_autoptr(GodwitModel) destination = NULL;
  g_autoptr(GodwitMigrationStage) stage = NULL;
  g_autoptr(GError) error = NULL;

  add_blog_models (&source, &destination);
  stage = translate (path, source, destination, &error);
  g_assert_null (stage);
  g_assert_error (error, GODWIT_ERROR, code);
  expected = g_strdup_printf ("%s: %s", path, words);
  g_assert_cmpstr (error->message, ==, expected);

  godwit_test_rmdir (tmpdir);
}

/* The same with the one entity mapping @source_entity → Article, with
 * @rows and @policy. */
static void
assert_stage_fails (const char  *source_entity,
                    const char  *policy,
                    PropertyRow *rows,
                    guint        n_rows,
                    GodwitError  code,
                    const char  *words)
{
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z1", NULL, NULL, "z2");
  xml_entity_mapping (xml, 2, source_entity, "Article", "Undefined", policy, rows, n_rows);
  g_string_append (xml, "</database>\n");
  assert_translation_fails (xml, code, words);
}

/* Relationships set otherwise than a stage can: the blog's three entity
 * mappings with @article as PostToArticle's property mappings. */
static void
assert_relationship_fails (PropertyRow *article,
                           guint        n_article,
                           const char  *words)
{
  PropertyRow writer[] = {
    { "articles", TRUE, instances_archive ("PostToArticle", "posts") },
    { "favorites", TRUE, instances_archive ("PostToArticle", "favorites") },
  };
  PropertyRow tag[] = {
    { "articles", TRUE, instances_archive ("PostToArticle", "posts") },
  };
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z1", NULL, NULL, "z2 z3 z4");
  xml_entity_mapping (xml, 2, "Author", "Writer", "Undefined", NULL, writer, G_N_ELEMENTS (writer));
  xml_entity_mapping (xml, 3, "Post", "Article", "Undefined", NULL, article, n_article);
  xml_entity_mapping (xml, 4, "Tag", "Tag", "Undefined", NULL, tag, G_N_ELEMENTS (tag));
  g_string_append (xml, "</database>\n");
  assert_translation_fails (xml, GODWIT_ERROR_INVALID_MODEL, words);
}

static void
test_stage_relationship_errors (void)
{
  PropertyRow unset_writer[] = {
    { "writer", TRUE, NULL },
    { "tags", TRUE, instances_archive ("TagToTag", "tags") },
  };
  PropertyRow unset_tags[] = {
    { "writer", TRUE, instances_archive ("AuthorToWriter", "author") },
    { "tags", TRUE, NULL },
  };
  PropertyRow other_tags[] = {
    { "writer", TRUE, instances_archive ("AuthorToWriter", "author") },
    { "tags", TRUE, instances_archive ("TagToTag", NULL) },
  };
  PropertyRow many_editors[] = {
    { "editor", TRUE, instances_archive ("AuthorToWriter", "tags") },
  };

  /* Core Data sets writer from Writer.articles; a stage cannot. */
  assert_relationship_fails (unset_writer, G_N_ELEMENTS (unset_writer),
                             "PostToArticle.writer: has no value expression, but its inverse "
                             "AuthorToWriter.articles has one: Core Data sets both from it, a migration "
                             "plan stage sets a relationship only from its own entity mapping: give this "
                             "step as a custom stage in a migration plan");
  assert_relationship_fails (unset_tags, G_N_ELEMENTS (unset_tags),
                             "PostToArticle.tags: has no value expression, so Core Data leaves it empty, "
                             "but a migration plan stage fills it from the source's “tags”: give this step "
                             "as a custom stage in a migration plan");
  assert_relationship_fails (other_tags, G_N_ELEMENTS (other_tags),
                             "PostToArticle.tags: a migration plan stage fills a to-many relationship with "
                             "the objects made from the source's “tags” by every entity mapping making Tag "
                             "objects from them, not with “FUNCTION($manager, "
                             "\"destinationInstancesForEntityMappingNamed:sourceInstances:\", \"TagToTag\", "
                             "$source)”: give this step as a custom stage in a migration plan");
  assert_relationship_fails (many_editors, G_N_ELEMENTS (many_editors),
                             "PostToArticle.editor: “FUNCTION($manager, "
                             "\"destinationInstancesForEntityMappingNamed:sourceInstances:\", "
                             "\"AuthorToWriter\", $source.tags)” gives the objects made from all of the "
                             "source's “tags”, but “editor” of Article is a to-one relationship");
}

static void
test_stage_errors (void)
{
  PropertyRow none[] = { { "heading", FALSE, NULL } };
  /* One property mapping of PostToArticle each, and why it is refused. */
  struct
  {
    PropertyRow  row;
    const char  *words;
  } refused[] = {
    { { "nope", FALSE, key_path_archive ("title") },
      "PostToArticle.nope: entity Article of version “Model 2” has no attribute “nope”" },
    { { "heading", FALSE, key_path_archive ("heading") },
      "PostToArticle.heading: “$source.heading”: entity Post of version “Model 1” has no "
      "attribute “heading”" },
    { { "heading", FALSE, expression_archive (uppercase_expression) },
      "PostToArticle.heading: “FUNCTION($source.title, \"uppercaseString\")” calls the "
      "method “uppercaseString”, which only runs on Apple platforms: give this step as a "
      "custom stage in a migration plan" },
    { { "heading", FALSE, expression_archive (subquery_expression) },
      "PostToArticle.heading: the value expression is an NSSubqueryExpression, which "
      "Godwit cannot translate: give this step as a custom stage in a migration plan" },
    { { "heading", FALSE, expression_archive (manager_title_expression) },
      "PostToArticle.heading: “$manager.title” reads $manager, which only Core Data's "
      "migration manager has: give this step as a custom stage in a migration plan" },
    { { "heading", FALSE, key_path_archive ("author.name") },
      "PostToArticle.heading: “$source.author.name” reads past the source object's "
      "“author”, but an expression of a migration plan stage reads only the source "
      "object itself (no subquery): give this step as a custom stage in a migration plan" },
    { { "heading", FALSE, expression_archive (seven_expression) },
      "PostToArticle.heading: the constant 7 is a number, but “heading” of Article is a "
      "String attribute: Core Data would refuse it" },
    { { "heading", FALSE, key_path_archive ("created") },
      "PostToArticle.heading: “$source.created” is a Date attribute, but “heading” of "
      "Article is a String attribute: Core Data would refuse its value" },
    { { "writer", TRUE, key_path_archive ("author") },
      "PostToArticle.writer: “$source.author” gives source values, but a relationship "
      "holds the destination objects entity mappings made: FUNCTION($manager, "
      "\"destinationInstancesForEntityMappingNamed:sourceInstances:\", …)" },
    { { "writer", TRUE, instances_archive ("AuthorToWriter", "author") },
      "PostToArticle.writer: “FUNCTION($manager, "
      "\"destinationInstancesForEntityMappingNamed:sourceInstances:\", \"AuthorToWriter\", "
      "$source.author)” names the entity mapping “AuthorToWriter”, which this mapping "
      "model does not have" },
    { { "tags", TRUE, instances_archive ("PostToArticle", NULL) },
      "PostToArticle.tags: “PostToArticle” makes Article objects, but “tags” of Article "
      "holds Tag objects" },
  };

  assert_stage_fails ("Post", "BlogMigrationPolicy", none, G_N_ELEMENTS (none),
                      GODWIT_ERROR_INVALID_MODEL,
                      "PostToArticle: needs the migration policy class “BlogMigrationPolicy”, which only "
                      "runs on Apple platforms: give this step as a custom stage in a migration plan");
  assert_stage_fails ("Nope", NULL, none, G_N_ELEMENTS (none), GODWIT_ERROR_UNKNOWN_ENTITY,
                      "NopeToArticle: version “Model 1” has no entity “Nope”, the mapping's source entity");
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    assert_stage_fails ("Post", NULL, &refused[i].row, 1, GODWIT_ERROR_INVALID_MODEL, refused[i].words);
}

/* The URIs of a to-many relationship, sorted and joined by " ". */
static char *
dup_sorted_uris (JsonArray *array)
{
  g_autoptr(GPtrArray) uris = g_ptr_array_new ();

  for (guint i = 0; i < json_array_get_length (array); i++)
    g_ptr_array_add (uris, (gpointer) json_array_get_string_element (array, i));
  g_ptr_array_sort (uris, godwit_test_compare_strings);
  g_ptr_array_add (uris, NULL);

  return g_strjoinv (" ", (char **) uris->pdata);
}

/* Two URIs, sorted and joined by " ". */
static char *
dup_pair (const char *first,
          const char *second)
{
  if (strcmp (first, second) > 0)
    return g_strdup_printf ("%s %s", second, first);

  return g_strdup_printf ("%s %s", first, second);
}

/* Objects of the blog's Model 1, migrated by its mapping model. */
static void
test_stage_runs (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = write_blog_mapping_model (tmpdir);
  g_autofree char *destination_path = g_build_filename (tmpdir, "Blog 2.sqlite", NULL);
  g_autoptr(GodwitModel) source = NULL;
  g_autoptr(GodwitModel) destination = NULL;
  g_autoptr(GodwitMigrationStage) stage = NULL;
  g_autoptr(GodwitCustomMigration) migration = NULL;
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GPtrArray) writers = NULL;
  g_autoptr(GPtrArray) articles = NULL;
  g_autoptr(GPtrArray) tags = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *linked = NULL;
  g_autofree char *expected = NULL;
  GodwitTestStore blog;
  gint64 ann, bob, hello, second, orphan, gtk, c;
  GodwitObject *article;
  GodwitObject *ann_writer, *bob_writer;
  GodwitObject *gtk_tag, *c_tag;
  JsonArray *favorites;

  add_blog_models (&source, &destination);
  godwit_test_store_init (&blog, "Blog.sqlite");
  writer = godwit_test_store_begin (&blog, source, FALSE);
  ann = godwit_test_insert (writer, "Author", "name", g_variant_new_string ("Ann"),
                            "born", g_variant_new_double (100.0), NULL);
  bob = godwit_test_insert (writer, "Author", "name", g_variant_new_string ("Bob"), NULL);
  hello = godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Hello"),
                              "body", g_variant_new_string ("First post"),
                              "views", g_variant_new_int64 (10),
                              "rating", g_variant_new_double (4.6),
                              "created", g_variant_new_double (1000.0), NULL);
  second = godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Second"),
                               "views", g_variant_new_int64 (20),
                               "rating", g_variant_new_double (2.2), NULL);
  orphan = godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Orphan"), NULL);
  gtk = godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("gtk"), NULL);
  c = godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("c"), NULL);
  godwit_test_insert (writer, "Tag", "label", g_variant_new_string ("unused"), NULL);
  godwit_test_insert (writer, "Draft", "text", g_variant_new_string ("scratch"), NULL);
  godwit_test_relate (writer, "Post", hello, "author", "Author", ann);
  godwit_test_relate (writer, "Post", second, "author", "Author", bob);
  godwit_test_relate (writer, "Post", hello, "tags", "Tag", gtk);
  godwit_test_relate (writer, "Post", hello, "tags", "Tag", c);
  godwit_test_relate (writer, "Post", second, "tags", "Tag", c);
  godwit_test_relate (writer, "Author", ann, "favorites", "Post", second);
  godwit_test_relate (writer, "Author", ann, "favorites", "Post", orphan);
  godwit_test_relate (writer, "Author", ann, "favorites", "Post", hello);
  godwit_test_writer_commit (writer);

  stage = translate (path, source, destination, &error);
  g_assert_no_error (error);
  migration = godwit_custom_migration_new (source, destination, stage, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_custom_migration_run (migration, blog.path, destination_path, NULL, NULL, NULL,
                                              &error));
  g_assert_no_error (error);

  store = godwit_store_open (destination_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (store, destination, &error));
  g_assert_no_error (error);
  g_assert_cmpint (godwit_store_count_objects (store, "Draft", TRUE, NULL, &error), ==, 0);
  g_assert_cmpint (godwit_store_count_objects (store, "Section", TRUE, NULL, &error), ==, 0);
  g_assert_no_error (error);

  /* Writers, made in the order of the authors. */
  writers = godwit_store_fetch_objects (store, "Writer", TRUE, 0, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (writers->len, ==, 2);
  ann_writer = g_ptr_array_index (writers, 0);
  bob_writer = g_ptr_array_index (writers, 1);
  g_assert_cmpstr (json_object_get_string_member (ann_writer->attributes, "fullName"), ==, "Ann");
  g_assert_cmpstr (json_object_get_string_member (ann_writer->attributes, "born"), ==, "2001-01-01T00:01:40Z");
  g_assert_cmpstr (json_object_get_string_member (bob_writer->attributes, "fullName"), ==, "Bob");
  g_assert_true (json_object_get_null_member (bob_writer->attributes, "born"));

  tags = godwit_store_fetch_objects (store, "Tag", TRUE, 0, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tags->len, ==, 3);
  gtk_tag = g_ptr_array_index (tags, 0);
  c_tag = g_ptr_array_index (tags, 1);
  g_assert_cmpstr (json_object_get_string_member (gtk_tag->attributes, "label"), ==, "gtk");
  g_assert_cmpstr (json_object_get_string_member (c_tag->attributes, "label"), ==, "c");

  articles = godwit_store_fetch_objects (store, "Article", TRUE, 0, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (articles->len, ==, 3);

  article = g_ptr_array_index (articles, 0);
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "heading"), ==, "Hello");
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "text"), ==, "First post");
  g_assert_cmpint (json_object_get_int_member (article->attributes, "views"), ==, 10);
  g_assert_cmpint (json_object_get_int_member (article->attributes, "score"), ==, 4);
  g_assert_true (json_object_get_boolean_member (article->attributes, "featured"));
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "created"), ==, "2001-01-01T00:16:40Z");
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "origin"), ==, "it's \"imported\"");
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "reviewed"), ==,
                   "2001-01-02T00:00:00.500Z");
  g_assert_true (json_object_get_null_member (article->attributes, "summary"));
  g_assert_cmpfloat (json_object_get_double_member (article->attributes, "weight"), ==, 0.5);
  g_assert_cmpint (json_object_get_int_member (article->attributes, "rank"), ==, 7);
  g_assert_cmpint (json_object_get_int_member (article->attributes, "level"), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "status"), ==, "draft");
  g_assert_cmpstr (json_object_get_string_member (article->relationships, "writer"), ==, ann_writer->uri);
  g_assert_cmpstr (json_object_get_string_member (article->relationships, "editor"), ==, ann_writer->uri);
  linked = dup_sorted_uris (json_object_get_array_member (article->relationships, "tags"));
  expected = dup_pair (gtk_tag->uri, c_tag->uri);
  g_assert_cmpstr (linked, ==, expected);
  g_clear_pointer (&linked, g_free);

  article = g_ptr_array_index (articles, 1);
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "heading"), ==, "Second");
  g_assert_true (json_object_get_null_member (article->attributes, "text"));
  g_assert_cmpint (json_object_get_int_member (article->attributes, "score"), ==, 2);
  g_assert_true (json_object_get_null_member (article->attributes, "created"));
  g_assert_cmpstr (json_object_get_string_member (article->relationships, "writer"), ==, bob_writer->uri);
  g_assert_cmpstr (json_object_get_string_member (article->relationships, "editor"), ==, bob_writer->uri);
  linked = dup_sorted_uris (json_object_get_array_member (article->relationships, "tags"));
  g_assert_cmpstr (linked, ==, c_tag->uri);
  g_clear_pointer (&linked, g_free);

  article = g_ptr_array_index (articles, 2);
  g_assert_cmpstr (json_object_get_string_member (article->attributes, "heading"), ==, "Orphan");
  g_assert_true (json_object_get_null_member (article->attributes, "score"));
  g_assert_true (json_object_get_null_member (article->relationships, "writer"));
  g_assert_true (json_object_get_null_member (article->relationships, "editor"));
  linked = dup_sorted_uris (json_object_get_array_member (article->relationships, "tags"));
  g_assert_cmpstr (linked, ==, "");
  g_clear_pointer (&linked, g_free);

  /* Ann's favorites, without inverse, in her order. */
  favorites = json_object_get_array_member (ann_writer->relationships, "favorites");
  g_assert_cmpuint (json_array_get_length (favorites), ==, 3);
  for (guint i = 0; i < 3; i++)
    g_assert_cmpstr (json_array_get_string_element (favorites, i), ==,
                     ((GodwitObject *) g_ptr_array_index (articles, (i + 1) % 3))->uri);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (bob_writer->relationships,
                                                                         "favorites")), ==, 0);

  /* The inverses follow. */
  linked = dup_sorted_uris (json_object_get_array_member (ann_writer->relationships, "articles"));
  g_assert_cmpstr (linked, ==, ((GodwitObject *) g_ptr_array_index (articles, 0))->uri);
  g_clear_pointer (&linked, g_free);
  linked = dup_sorted_uris (json_object_get_array_member (c_tag->relationships, "articles"));
  g_clear_pointer (&expected, g_free);
  expected = dup_pair (((GodwitObject *) g_ptr_array_index (articles, 0))->uri,
                       ((GodwitObject *) g_ptr_array_index (articles, 1))->uri);
  g_assert_cmpstr (linked, ==, expected);
  g_clear_pointer (&linked, g_free);
  linked = dup_sorted_uris (json_object_get_array_member (((GodwitObject *) g_ptr_array_index (tags, 2))->relationships,
                                                          "articles"));
  g_assert_cmpstr (linked, ==, "");

  godwit_test_store_clear (&blog);
  godwit_test_rmdir (tmpdir);
}

/* GodwitMigration runs a step that an Xcode mapping model covers, and
 * verifies it, as it runs a plan's custom stage. Without the mapping model
 * the renamed name would be inferred as removed and added: values lost. */
#define PEOPLE_V1 "<entity name=\"Person\" representedClassName=\"Person\" syncable=\"YES\">" \
                  "<attribute name=\"name\" optional=\"YES\" attributeType=\"String\"/>" \
                  "<relationship name=\"posts\" optional=\"YES\" toMany=\"YES\" destinationEntity=\"Post\" inverseName=\"author\" inverseEntity=\"Post\"/></entity>" \
                  "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">" \
                  "<attribute name=\"title\" optional=\"YES\" attributeType=\"String\"/>" \
                  "<relationship name=\"author\" optional=\"YES\" maxCount=\"1\" destinationEntity=\"Person\" inverseName=\"posts\" inverseEntity=\"Person\"/></entity>"
#define PEOPLE_V2 "<entity name=\"Person\" representedClassName=\"Person\" syncable=\"YES\">" \
                  "<attribute name=\"fullName\" optional=\"YES\" attributeType=\"String\"/>" \
                  "<relationship name=\"posts\" optional=\"YES\" toMany=\"YES\" destinationEntity=\"Post\" inverseName=\"author\" inverseEntity=\"Post\"/></entity>" \
                  "<entity name=\"Post\" representedClassName=\"Post\" syncable=\"YES\">" \
                  "<attribute name=\"heading\" optional=\"YES\" attributeType=\"String\"/>" \
                  "<relationship name=\"author\" optional=\"YES\" maxCount=\"1\" destinationEntity=\"Person\" inverseName=\"posts\" inverseEntity=\"Person\"/></entity>"

static void
test_stage_migration (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *bundle_path = g_build_filename (tmpdir, "Model.xcdatamodeld", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitMappingModel) mapping_model = NULL;
  g_autoptr(GPtrArray) mapping_models = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GPtrArray) people = NULL;
  g_autoptr(GPtrArray) posts = NULL;
  g_autoptr(GError) error = NULL;
  GodwitStoreWriter *writer;
  GodwitMigrationStep *step;
  GodwitObject *ann;
  GodwitTestStore people_store;
  gint64 ann_pk, hello_pk;
  PropertyRow person[] = {
    { "fullName", FALSE, key_path_archive ("name") },
    { "posts", TRUE, instances_archive ("PostToPost", "posts") },
  };
  PropertyRow post[] = {
    { "heading", FALSE, key_path_archive ("title") },
    { "author", TRUE, instances_archive ("PersonToPerson", "author") },
  };
  GString *xml = g_string_new (NULL);

  xml_begin (xml);
  xml_mapping_model (xml, "z1", NULL, NULL, "z2 z5");
  xml_entity_mapping (xml, 2, "Person", "Person", "Transform", NULL, person, G_N_ELEMENTS (person));
  xml_entity_mapping (xml, 5, "Post", "Post", "Transform", NULL, post, G_N_ELEMENTS (post));
  g_string_append (xml, "</database>\n");
  path = write_mapping_model (tmpdir, "People", xml);
  mapping_model = godwit_mapping_model_new_for_path (path, &error);
  g_assert_no_error (error);
  g_ptr_array_add (mapping_models, g_object_ref (mapping_model));

  bundle = godwit_test_write_bundle (bundle_path, "Model 1", PEOPLE_V1, "Model 2", PEOPLE_V2, NULL);
  godwit_test_store_init (&people_store, "People.sqlite");
  writer = godwit_test_store_begin (&people_store, godwit_model_bundle_find_version (bundle, "Model 1"), FALSE);
  ann_pk = godwit_test_insert (writer, "Person", "name", g_variant_new_string ("Ann"), NULL);
  godwit_test_insert (writer, "Person", "name", g_variant_new_string ("Bob"), NULL);
  hello_pk = godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Hello"), NULL);
  godwit_test_insert (writer, "Post", "title", g_variant_new_string ("Alone"), NULL);
  godwit_test_relate (writer, "Post", hello_pk, "author", "Person", ann_pk);
  godwit_test_writer_commit (writer);

  migration = godwit_migration_new (people_store.path, bundle, NULL, mapping_models, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (godwit_migration_get_steps (migration)->len, ==, 1);
  step = g_ptr_array_index (godwit_migration_get_steps (migration), 0);
  g_assert_cmpint (step->kind, ==, GODWIT_MIGRATION_STEP_MAPPING_MODEL);
  g_assert_cmpuint (step->blockers->len, ==, 0);
  g_assert_nonnull (step->stage);
  g_assert_true (godwit_migration_can_run (migration));

  g_assert_true (godwit_migration_run (migration, NULL, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (g_ptr_array_index (godwit_migration_get_verification (migration), 0),
                                   "object counts:"));

  store = godwit_store_open (people_store.path, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (store, godwit_model_bundle_find_version (bundle, "Model 2"), &error));
  g_assert_no_error (error);
  people = godwit_store_fetch_objects (store, "Person", TRUE, 0, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 2);
  ann = g_ptr_array_index (people, 0);
  g_assert_cmpstr (json_object_get_string_member (ann->attributes, "fullName"), ==, "Ann");
  g_assert_cmpstr (json_object_get_string_member (((GodwitObject *) g_ptr_array_index (people, 1))->attributes,
                                                  "fullName"), ==, "Bob");
  posts = godwit_store_fetch_objects (store, "Post", TRUE, 0, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (posts->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (((GodwitObject *) g_ptr_array_index (posts, 0))->attributes,
                                                  "heading"), ==, "Hello");
  g_assert_cmpstr (json_object_get_string_member (((GodwitObject *) g_ptr_array_index (posts, 0))->relationships,
                                                  "author"), ==, ann->uri);
  g_assert_true (json_object_get_null_member (((GodwitObject *) g_ptr_array_index (posts, 1))->relationships,
                                              "author"));

  godwit_test_store_clear (&people_store);
  godwit_test_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/mapping-model/wibosco", test_wibosco);
  g_test_add_func ("/mapping-model/explicit-expressions", test_explicit_expressions);
  g_test_add_func ("/mapping-model/defaults", test_defaults);
  g_test_add_func ("/mapping-model/add-mapping", test_add_mapping);
  g_test_add_func ("/mapping-model/errors/not-a-store", test_not_a_store);
  g_test_add_func ("/mapping-model/errors/unknown-idrefs", test_unknown_idrefs);
  g_test_add_func ("/mapping-model/errors/bad-attributes", test_bad_attributes);
  g_test_add_func ("/mapping-model/errors/duplicates", test_duplicates);
  g_test_add_func ("/mapping-model/errors/deep-nesting", test_deep_nesting);
  g_test_add_func ("/mapping-model/errors/truncated", test_truncated);
  g_test_add_func ("/mapping-model/errors/missing-snapshot", test_missing_snapshot);
  g_test_add_func ("/mapping-model/errors/not-a-mapping-model-folder", test_not_a_mapping_model_folder);
  g_test_add_func ("/mapping-model/stage/translation", test_stage);
  g_test_add_func ("/mapping-model/stage/empty-links", test_stage_empty_links);
  g_test_add_func ("/mapping-model/stage/errors", test_stage_errors);
  g_test_add_func ("/mapping-model/stage/relationship-errors", test_stage_relationship_errors);
  g_test_add_func ("/mapping-model/stage/runs", test_stage_runs);
  g_test_add_func ("/mapping-model/stage/migration", test_stage_migration);

  return g_test_run ();
}
