/* godwit-test-model.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "godwit-test-model.h"
#include "godwit-test-utils.h"

GodwitEntity *
godwit_test_add_entity (GodwitModel *model,
                        const char  *name,
                        const char  *parent)
{
  GodwitEntity *entity = godwit_entity_new (name);

  entity->parent_name = g_strdup (parent);
  godwit_model_add_entity (model, entity);

  return entity;
}

GodwitProperty *
godwit_test_add_attribute (GodwitEntity        *entity,
                           const char          *name,
                           GodwitAttributeType  type)
{
  GodwitProperty *property = godwit_property_new (GODWIT_PROPERTY_KIND_ATTRIBUTE, name);

  property->attribute_type = type;
  property->optional = TRUE;
  godwit_entity_add_property (entity, property);

  return property;
}

GodwitProperty *
godwit_test_add_relationship (GodwitEntity *entity,
                              const char   *name,
                              const char   *destination,
                              const char   *inverse,
                              gboolean      to_many,
                              gboolean      ordered)
{
  GodwitProperty *property = godwit_property_new (GODWIT_PROPERTY_KIND_RELATIONSHIP, name);

  property->destination_entity = g_strdup (destination);
  property->inverse_name = g_strdup (inverse);
  property->inverse_entity = g_strdup (inverse != NULL ? destination : NULL);
  property->to_many = to_many;
  property->max_count = to_many ? 0 : 1;
  property->ordered = ordered;
  property->optional = TRUE;
  godwit_entity_add_property (entity, property);

  return property;
}

void
godwit_test_add_uniqueness_constraint (GodwitEntity       *entity,
                                       const char * const *properties)
{
  g_ptr_array_add (entity->uniqueness_constraints, g_strdupv ((char **) properties));
}

void
godwit_test_resolve_model (GodwitModel *model)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_model_resolve (model, &error));
  g_assert_no_error (error);
}

GodwitProperty *
godwit_test_get_own_property (GodwitModel *model,
                              const char  *entity_name,
                              const char  *name)
{
  GodwitEntity *entity = godwit_model_get_entity (model, entity_name);
  GodwitProperty *property;

  g_assert_nonnull (entity);
  property = godwit_entity_get_own_property (entity, name);
  g_assert_nonnull (property);
  g_assert_cmpstr (property->name, ==, name);

  return property;
}

const char * const godwit_test_wibosco_versions[] = {
  "CoreDataMigration_Example",
  "CoreDataMigration_Example 2",
  "CoreDataMigration_Example 3",
  "CoreDataMigration_Example 4",
  NULL
};

const char * const godwit_test_bergier_versions[] = {
  "v1.0.0", "v1.1.0", "v1.1.2", "v1.2.0", "v2.0.0", NULL
};

GodwitModelBundle *
godwit_test_load_bundle (const char *relative_path)
{
  g_autofree char *path = godwit_test_fixture_path (relative_path);
  g_autoptr(GError) error = NULL;
  GodwitModelBundle *bundle;

  if (path == NULL)
    return NULL;

  bundle = godwit_model_bundle_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bundle);

  return bundle;
}

GodwitModelBundle *
godwit_test_load_garden (void)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "..", "data", "demo",
                                                 "Garden.xcdatamodeld", NULL);
  g_autoptr(GError) error = NULL;
  GodwitModelBundle *bundle = godwit_model_bundle_new_for_path (path, &error);

  g_assert_no_error (error);

  return bundle;
}

GodwitModel *
godwit_test_find_version (GodwitModelBundle *bundle,
                          const char        *name)
{
  GodwitModel *model = godwit_model_bundle_find_version (bundle, name);

  g_assert_nonnull (model);

  return model;
}

GodwitMigrationPlan *
godwit_test_load_plan (const char *name)
{
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "plans", name, NULL);
  g_autoptr(GError) error = NULL;
  GodwitMigrationPlan *plan = godwit_migration_plan_new_for_path (path, &error);

  g_assert_no_error (error);

  return plan;
}

GodwitModelBundle *
godwit_test_write_bundle (const char *path,
                          const char *first_version,
                          ...)
{
  g_autoptr(GError) error = NULL;
  GodwitModelBundle *bundle;
  va_list args;

  va_start (args, first_version);
  for (const char *name = first_version; name != NULL; name = va_arg (args, const char *))
    {
      const char *entities = va_arg (args, const char *);
      g_autofree char *folder = g_strconcat (name, ".xcdatamodel", NULL);
      g_autofree char *dir = g_build_filename (path, folder, NULL);
      g_autofree char *contents = g_build_filename (dir, "contents", NULL);
      g_autofree char *xml = g_strconcat ("<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                                          "<model type=\"com.apple.IDECoreDataModeler.DataModel\" "
                                          "documentVersion=\"1.0\" lastSavedToolsVersion=\"22522\" "
                                          "systemVersion=\"23A344\" minimumToolsVersion=\"Automatic\" "
                                          "sourceLanguage=\"Swift\" userDefinedModelVersionIdentifier=\"\">\n",
                                          entities, "</model>\n", NULL);

      g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
      godwit_test_write_file (contents, xml, -1);
    }
  va_end (args);

  bundle = godwit_model_bundle_new_for_path (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bundle);

  return bundle;
}
