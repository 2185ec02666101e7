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

#include "godwit-error.h"
#include "godwit-mapping-model.h"
#include "godwit-test-archive.h"
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

  return g_test_run ();
}
