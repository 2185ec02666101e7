/* test-model-diff.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "godwit-model-bundle.h"
#include "godwit-model-diff.h"
#include "godwit-test-model.h"
#include "godwit-test-utils.h"


static GodwitModelDiff *
diff_versions (GodwitModelBundle *bundle,
               const char        *from,
               const char        *to)
{
  GodwitModel *source = godwit_test_find_version (bundle, from);
  GodwitModel *destination = godwit_test_find_version (bundle, to);
  GodwitModelDiff *diff;

  diff = godwit_model_diff_new (source, destination);
  g_assert_true (godwit_model_diff_get_source (diff) == source);
  g_assert_true (godwit_model_diff_get_destination (diff) == destination);

  return diff;
}

static const GodwitEntityChange *
entity_change (GodwitModelDiff  *diff,
               const char       *name,
               GodwitChangeKind  kind)
{
  const GodwitEntityChange *change = godwit_model_diff_find_source_entity (diff, name);

  if (change == NULL)
    change = godwit_model_diff_find_destination_entity (diff, name);
  g_assert_nonnull (change);
  g_assert_cmpstr (godwit_change_kind_to_string (change->kind), ==,
                   godwit_change_kind_to_string (kind));

  return change;
}

/* The change of the property named @name on either side. */
static const GodwitPropertyChange *
property_change (const GodwitEntityChange *entity,
                 const char               *name,
                 GodwitChangeKind          kind)
{
  for (guint i = 0; i < entity->properties->len; i++)
    {
      const GodwitPropertyChange *change = g_ptr_array_index (entity->properties, i);

      if ((change->source != NULL && strcmp (change->source->name, name) == 0) ||
          (change->destination != NULL && strcmp (change->destination->name, name) == 0))
        {
          g_assert_cmpstr (godwit_change_kind_to_string (change->kind), ==,
                           godwit_change_kind_to_string (kind));
          return change;
        }
    }

  g_error ("no change for property %s", name);
}

static void
assert_unchanged_property (const GodwitEntityChange *entity,
                           const char               *name)
{
  const GodwitPropertyChange *change = property_change (entity, name, GODWIT_CHANGE_UNCHANGED);

  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_NONE);
  g_assert_true (change->inferable);
  g_assert_false (change->needs_value);
  g_assert_null (change->blocker);
  g_assert_true (change->source != NULL && change->destination != NULL);
}

static void
assert_blockers (GodwitModelDiff    *diff,
                 const char * const *expected)
{
  g_autoptr(GPtrArray) blockers = godwit_model_diff_dup_blockers (diff);
  guint n = expected != NULL ? g_strv_length ((char **) expected) : 0;

  g_assert_cmpuint (blockers->len, ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_cmpstr (g_ptr_array_index (blockers, i), ==, expected[i]);
  g_assert_true (godwit_model_diff_is_inferable (diff) == (n == 0));
}

static void
assert_every_change_unchanged (GodwitModelDiff *diff)
{
  GPtrArray *changes = godwit_model_diff_get_entity_changes (diff);

  g_assert_true (godwit_model_diff_is_empty (diff));
  g_assert_true (godwit_model_diff_is_inferable (diff));
  g_assert_cmpuint (changes->len, ==,
                    godwit_model_get_entities (godwit_model_diff_get_source (diff))->len);
  for (guint i = 0; i < changes->len; i++)
    {
      const GodwitEntityChange *change = g_ptr_array_index (changes, i);
      g_autofree char *explanation = g_strdup_printf ("%s is unchanged", change->source->name);

      g_assert_cmpint (change->kind, ==, GODWIT_CHANGE_UNCHANGED);
      g_assert_true (change->source != NULL && change->destination != NULL);
      g_assert_false (change->parent_changed);
      g_assert_false (change->hash_changed);
      g_assert_true (change->inferable);
      g_assert_cmpstr (change->explanation, ==, explanation);
      for (guint j = 0; j < change->properties->len; j++)
        {
          const GodwitPropertyChange *property = g_ptr_array_index (change->properties, j);

          assert_unchanged_property (change, property->source->name);
        }
    }
}

static void
test_wibosco_1_to_2 (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autoptr(GodwitModelDiff) diff = NULL;
  const GodwitEntityChange *post;
  const GodwitPropertyChange *color;

  if (bundle == NULL)
    return;

  diff = diff_versions (bundle, godwit_test_wibosco_versions[0], godwit_test_wibosco_versions[1]);
  g_assert_cmpuint (godwit_model_diff_get_entity_changes (diff)->len, ==, 1);
  post = entity_change (diff, "Post", GODWIT_CHANGE_MODIFIED);
  g_assert_true (post->hash_changed);
  g_assert_false (post->parent_changed);
  g_assert_true (post->inferable);
  g_assert_null (post->blocker);
  g_assert_cmpstr (post->explanation, ==, "Post: color renamed to hexColor");
  g_assert_cmpuint (post->properties->len, ==, 4);

  color = property_change (post, "color", GODWIT_CHANGE_RENAMED);
  g_assert_cmpstr (color->source->name, ==, "color");
  g_assert_cmpstr (color->destination->name, ==, "hexColor");
  g_assert_cmpuint (color->changes, ==, GODWIT_PROPERTY_CHANGE_RENAMED);
  g_assert_true (color->inferable);
  g_assert_false (color->needs_value);
  g_assert_null (color->blocker);
  g_assert_cmpstr (color->explanation, ==,
                   "Post.color is renamed to hexColor (renaming identifier “color”)");

  assert_unchanged_property (post, "content");
  assert_unchanged_property (post, "date");
  assert_unchanged_property (post, "postID");
  g_assert_false (godwit_model_diff_is_empty (diff));
  assert_blockers (diff, NULL);
}

static void
test_wibosco_2_to_3 (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autoptr(GodwitModelDiff) diff = NULL;
  const GodwitEntityChange *post;
  const GodwitEntityChange *section;
  const GodwitPropertyChange *change;
  GPtrArray *changes;

  if (bundle == NULL)
    return;

  diff = diff_versions (bundle, godwit_test_wibosco_versions[1], godwit_test_wibosco_versions[2]);
  changes = godwit_model_diff_get_entity_changes (diff);
  g_assert_cmpuint (changes->len, ==, 2);

  /* Source order, then added entities. */
  post = g_ptr_array_index (changes, 0);
  section = g_ptr_array_index (changes, 1);
  g_assert_true (post == entity_change (diff, "Post", GODWIT_CHANGE_MODIFIED));
  g_assert_true (section == entity_change (diff, "Section", GODWIT_CHANGE_ADDED));
  g_assert_null (godwit_model_diff_find_source_entity (diff, "Section"));

  g_assert_cmpstr (post->explanation, ==, "Post: content removed; sections added");
  g_assert_true (post->inferable);
  g_assert_cmpuint (post->properties->len, ==, 5);

  change = property_change (post, "content", GODWIT_CHANGE_REMOVED);
  g_assert_null (change->destination);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==,
                   "Post.content is removed (optional String attribute): "
                   "its stored values are dropped");

  /* hexColor loses its renaming identifier: matched by name. */
  assert_unchanged_property (post, "hexColor");
  assert_unchanged_property (post, "date");
  assert_unchanged_property (post, "postID");

  change = property_change (post, "sections", GODWIT_CHANGE_ADDED);
  g_assert_null (change->source);
  g_assert_true (change->inferable);
  g_assert_false (change->needs_value);
  g_assert_cmpstr (change->explanation, ==,
                   "Post.sections is added (non-optional to-many relationship to Section)");

  g_assert_null (section->source);
  g_assert_true (section->inferable);
  g_assert_true (section->hash_changed);
  g_assert_cmpstr (section->explanation, ==, "Section is added");
  g_assert_cmpuint (section->properties->len, ==, 4);
  for (guint i = 0; i < section->properties->len; i++)
    {
      change = g_ptr_array_index (section->properties, i);
      g_assert_cmpint (change->kind, ==, GODWIT_CHANGE_ADDED);
      g_assert_true (change->inferable);
    }

  /* Structurally inferable: that every Post gets a Section made from its
   * content is a data step, which the migration plan adds. */
  assert_blockers (diff, NULL);
}

static void
test_wibosco_3_to_4 (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autoptr(GodwitModelDiff) diff = NULL;
  const GodwitEntityChange *post;
  const GodwitEntityChange *section;
  const GodwitPropertyChange *change;

  if (bundle == NULL)
    return;

  diff = diff_versions (bundle, godwit_test_wibosco_versions[2], godwit_test_wibosco_versions[3]);
  g_assert_cmpuint (godwit_model_diff_get_entity_changes (diff)->len, ==, 2);

  post = entity_change (diff, "Post", GODWIT_CHANGE_MODIFIED);
  g_assert_true (post->hash_changed);
  g_assert_true (post->inferable);
  g_assert_cmpstr (post->explanation, ==, "Post: sections modified; softDeleted added");

  change = property_change (post, "softDeleted", GODWIT_CHANGE_ADDED);
  g_assert_false (change->destination->optional);
  g_assert_cmpstr (change->destination->default_value, ==, "NO");
  g_assert_true (change->inferable);
  g_assert_false (change->needs_value);
  g_assert_null (change->blocker);
  g_assert_cmpstr (change->explanation, ==,
                   "Post.softDeleted is added (non-optional Boolean attribute, default “NO”)");

  change = property_change (post, "sections", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_DELETE_RULE);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==,
                   "Post.sections: delete rule changes from Cascade to Nullify");

  /* Section's hash covers Post.sections only by name: nothing to migrate. */
  section = entity_change (diff, "Section", GODWIT_CHANGE_UNCHANGED);
  g_assert_false (section->hash_changed);
  assert_unchanged_property (section, "post");
  assert_blockers (diff, NULL);
  g_assert_false (godwit_model_diff_is_empty (diff));
}

static void
test_bergier_chain (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (GODWIT_TEST_BERGIER_BUNDLE);
  g_autoptr(GodwitModelDiff) direct = NULL;
  const GodwitEntityChange *entity;

  if (bundle == NULL)
    return;

  /* Each version's renaming identifier names the previous version's
   * attribute: every adjacent step is an inferable rename. */
  for (guint i = 0; godwit_test_bergier_versions[i + 1] != NULL; i++)
    {
      const char *from_version = godwit_test_bergier_versions[i];
      const char *to_version = godwit_test_bergier_versions[i + 1];
      g_autoptr(GodwitModelDiff) diff = diff_versions (bundle, from_version, to_version);
      /* "v1.1.0" names its attribute v1_1_0_name. */
      g_autofree char *from = g_strdelimit (g_strdup_printf ("%s_name", from_version), ".", '_');
      g_autofree char *to = g_strdelimit (g_strdup_printf ("%s_name", to_version), ".", '_');
      g_autofree char *explanation = NULL;
      const GodwitPropertyChange *change;

      entity = entity_change (diff, "BasicEntity", GODWIT_CHANGE_MODIFIED);
      g_assert_cmpuint (entity->properties->len, ==, 1);
      change = property_change (entity, from, GODWIT_CHANGE_RENAMED);
      g_assert_cmpstr (change->destination->name, ==, to);
      g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_RENAMED);
      g_assert_true (change->inferable);
      explanation = g_strdup_printf ("BasicEntity.%s is renamed to %s (renaming identifier “%s”)",
                                     from, to, from);
      g_assert_cmpstr (change->explanation, ==, explanation);
      assert_blockers (diff, NULL);
    }

  /* v2.0.0's renaming identifier names v1.2.0's attribute, not v1.0.0's:
   * directly, the rule matches nothing and the values would be dropped.
   * Progressive migration, one version at a time as the fixtures README
   * says, is what carries them from v1.0.0 to v2.0.0. */
  direct = diff_versions (bundle, "v1.0.0", "v2.0.0");
  entity = entity_change (direct, "BasicEntity", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (entity->properties->len, ==, 2);
  property_change (entity, "v1_0_0_name", GODWIT_CHANGE_REMOVED);
  property_change (entity, "v2_0_0_name", GODWIT_CHANGE_ADDED);
  g_assert_cmpstr (entity->explanation, ==, "BasicEntity: v1_0_0_name removed; v2_0_0_name added");
  assert_blockers (direct, NULL);
}

static void
test_same_version (void)
{
  const char * const bundles[] = { GODWIT_TEST_WIBOSCO_BUNDLE, GODWIT_TEST_BERGIER_BUNDLE };

  for (guint b = 0; b < G_N_ELEMENTS (bundles); b++)
    {
      g_autoptr(GodwitModelBundle) bundle = godwit_test_load_bundle (bundles[b]);

      if (bundle == NULL)
        return;

      for (guint i = 0; i < godwit_model_bundle_get_n_versions (bundle); i++)
        {
          GodwitModel *model = godwit_model_bundle_get_version (bundle, i);
          g_autoptr(GodwitModelDiff) diff = godwit_model_diff_new (model, model);

          assert_every_change_unchanged (diff);
        }
    }
}

/* Built models */

static GodwitModel *
new_model (const char *name)
{
  return godwit_model_new (name, GODWIT_MODEL_SOURCE_WRITER);
}

static void
test_optional_to_required (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  GodwitEntity *post;
  GodwitProperty *property;
  const GodwitEntityChange *entity;
  const GodwitPropertyChange *change;
  const char * const blockers[] = {
    "Post.title becomes non-optional without a default value",
    "Post.author becomes non-optional: a to-one relationship has no default value to fill it",
    "Post.summary is added as non-optional without a default value",
    NULL
  };

  post = godwit_test_add_entity (v1, "Post", NULL);
  godwit_test_add_attribute (post, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (post, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (post, "body", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  godwit_test_add_relationship (post, "author", "Person", "posts", FALSE, FALSE);
  post = godwit_test_add_entity (v1, "Person", NULL);
  godwit_test_add_relationship (post, "posts", "Post", "author", TRUE, FALSE);
  godwit_test_resolve_model (v1);

  post = godwit_test_add_entity (v2, "Post", NULL);
  godwit_test_add_attribute (post, "title", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  property = godwit_test_add_attribute (post, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  property->optional = FALSE;
  property->default_value = g_strdup ("0");
  godwit_test_add_attribute (post, "body", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (post, "summary", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  godwit_test_add_relationship (post, "author", "Person", "posts", FALSE, FALSE)->optional = FALSE;
  post = godwit_test_add_entity (v2, "Person", NULL);
  godwit_test_add_relationship (post, "posts", "Post", "author", TRUE, FALSE)->optional = FALSE;
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  entity = entity_change (diff, "Post", GODWIT_CHANGE_MODIFIED);
  g_assert_false (entity->inferable);
  g_assert_cmpstr (entity->blocker, ==,
                   "Post.author becomes non-optional: a to-one relationship has no default value "
                   "to fill it; Post.title becomes non-optional without a default value; "
                   "Post.summary is added as non-optional without a default value");

  change = property_change (entity, "title", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_OPTIONAL);
  g_assert_true (change->needs_value);
  g_assert_false (change->inferable);
  g_assert_cmpstr (change->blocker, ==, blockers[0]);
  g_assert_cmpstr (change->explanation, ==, "Post.title: becomes non-optional");

  change = property_change (entity, "rank", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==,
                    GODWIT_PROPERTY_CHANGE_OPTIONAL | GODWIT_PROPERTY_CHANGE_DEFAULT_VALUE);
  g_assert_false (change->needs_value);
  g_assert_true (change->inferable);
  g_assert_null (change->blocker);
  g_assert_cmpstr (change->explanation, ==,
                   "Post.rank: becomes non-optional with default value “0”; "
                   "default value changes from none to “0”");

  change = property_change (entity, "body", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_OPTIONAL);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==, "Post.body: becomes optional");

  change = property_change (entity, "author", GODWIT_CHANGE_MODIFIED);
  g_assert_true (change->needs_value);
  g_assert_false (change->inferable);

  change = property_change (entity, "summary", GODWIT_CHANGE_ADDED);
  g_assert_true (change->needs_value);
  g_assert_false (change->inferable);
  g_assert_cmpstr (change->blocker, ==, blockers[2]);

  /* A to-many relationship needs no destination to be valid. */
  entity = entity_change (diff, "Person", GODWIT_CHANGE_MODIFIED);
  g_assert_true (entity->inferable);
  change = property_change (entity, "posts", GODWIT_CHANGE_MODIFIED);
  g_assert_false (change->needs_value);
  g_assert_true (change->inferable);

  /* Entities in name order: Person before Post. Within Post, properties
   * in name order, then added ones. */
  {
    const char * const expected[] = { blockers[1], blockers[0], blockers[2], NULL };

    assert_blockers (diff, expected);
  }
}

static void
test_type_change (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  GodwitEntity *item;
  const GodwitEntityChange *entity;
  const GodwitPropertyChange *change;
  const char * const blockers[] = {
    "Item.count changes type from String to Integer 32: needs a custom mapping",
    "Item.tag changes from an attribute to a relationship: needs a custom mapping",
    NULL
  };

  item = godwit_test_add_entity (v1, "Item", NULL);
  godwit_test_add_attribute (item, "count", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (item, "tag", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_entity (v1, "Tag", NULL);
  godwit_test_resolve_model (v1);

  item = godwit_test_add_entity (v2, "Item", NULL);
  godwit_test_add_attribute (item, "count", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_relationship (item, "tag", "Tag", NULL, FALSE, FALSE);
  godwit_test_add_entity (v2, "Tag", NULL);
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  entity = entity_change (diff, "Item", GODWIT_CHANGE_MODIFIED);
  change = property_change (entity, "count", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_TYPE);
  g_assert_false (change->inferable);
  g_assert_false (change->needs_value);
  g_assert_cmpstr (change->blocker, ==, blockers[0]);
  g_assert_cmpstr (change->explanation, ==, "Item.count: type changes from String to Integer 32");

  change = property_change (entity, "tag", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_KIND);
  g_assert_false (change->inferable);
  g_assert_cmpstr (change->blocker, ==, blockers[1]);

  entity_change (diff, "Tag", GODWIT_CHANGE_UNCHANGED);
  assert_blockers (diff, blockers);
}

/* One Post with relationships to Tag: @to_many and @ordered per relationship. */
static GodwitModel *
build_relationships (const char *name,
                     gboolean    tags_to_many,
                     gboolean    links_to_many,
                     gboolean    notes_ordered,
                     gboolean    sources_ordered)
{
  GodwitModel *model = new_model (name);
  GodwitEntity *post = godwit_test_add_entity (model, "Post", NULL);

  godwit_test_add_entity (model, "Tag", NULL);
  godwit_test_add_relationship (post, "tags", "Tag", NULL, tags_to_many, FALSE);
  godwit_test_add_relationship (post, "links", "Tag", NULL, links_to_many, FALSE);
  godwit_test_add_relationship (post, "notes", "Tag", NULL, TRUE, notes_ordered);
  godwit_test_add_relationship (post, "sources", "Tag", NULL, TRUE, sources_ordered);
  godwit_test_resolve_model (model);

  return model;
}

static void
test_relationship_changes (void)
{
  g_autoptr(GodwitModel) v1 = build_relationships ("v1", TRUE, FALSE, TRUE, FALSE);
  g_autoptr(GodwitModel) v2 = build_relationships ("v2", FALSE, TRUE, FALSE, TRUE);
  g_autoptr(GodwitModelDiff) diff = godwit_model_diff_new (v1, v2);
  const GodwitEntityChange *entity = entity_change (diff, "Post", GODWIT_CHANGE_MODIFIED);
  const GodwitPropertyChange *change;

  /* Inferable both ways: whether objects have several tags is for the
   * migration to check against the store. */
  change = property_change (entity, "tags", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_TO_MANY);
  g_assert_true (change->inferable);
  g_assert_false (change->needs_value);
  g_assert_null (change->blocker);
  g_assert_cmpstr (change->explanation, ==, "Post.tags: changes from to-many to to-one");

  change = property_change (entity, "links", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_TO_MANY);
  g_assert_true (change->inferable);
  g_assert_null (change->blocker);
  g_assert_cmpstr (change->explanation, ==, "Post.links: changes from to-one to to-many");

  change = property_change (entity, "notes", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_ORDERED);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==, "Post.notes: changes from ordered to unordered");

  change = property_change (entity, "sources", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->changes, ==, GODWIT_PROPERTY_CHANGE_ORDERED);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==, "Post.sources: changes from unordered to ordered");

  g_assert_true (entity->inferable);
  g_assert_null (entity->blocker);
  assert_blockers (diff, NULL);
}

static void
test_entity_rename (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModel) v3 = new_model ("v3");
  g_autoptr(GodwitModelDiff) diff = NULL;
  g_autoptr(GodwitModelDiff) chained = NULL;
  GodwitEntity *entity;
  const GodwitEntityChange *change;

  entity = godwit_test_add_entity (v1, "Author", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (v1, "Book", NULL);
  godwit_test_add_relationship (entity, "author", "Author", NULL, FALSE, FALSE);
  godwit_test_resolve_model (v1);

  /* Renamed with an identifier naming the old entity, … */
  entity = godwit_test_add_entity (v2, "Writer", NULL);
  entity->renaming_identifier = g_strdup ("Author");
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (v2, "Book", NULL);
  godwit_test_add_relationship (entity, "author", "Writer", NULL, FALSE, FALSE);
  godwit_test_resolve_model (v2);

  /* … and again, keeping the same identifier: a canonical name. */
  entity = godwit_test_add_entity (v3, "Novelist", NULL);
  entity->renaming_identifier = g_strdup ("Author");
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (v3, "Book", NULL);
  godwit_test_add_relationship (entity, "author", "Novelist", NULL, FALSE, FALSE);
  godwit_test_resolve_model (v3);

  diff = godwit_model_diff_new (v1, v2);
  g_assert_cmpuint (godwit_model_diff_get_entity_changes (diff)->len, ==, 2);
  change = entity_change (diff, "Author", GODWIT_CHANGE_RENAMED);
  g_assert_true (change == godwit_model_diff_find_destination_entity (diff, "Writer"));
  g_assert_cmpstr (change->destination->name, ==, "Writer");
  g_assert_true (change->hash_changed);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==,
                   "Author is renamed to Writer (renaming identifier “Author”)");
  assert_unchanged_property (change, "name");

  /* The relationship follows its renamed destination: no change. The
   * hash names the destination, so it differs all the same. */
  change = entity_change (diff, "Book", GODWIT_CHANGE_MODIFIED);
  g_assert_true (change->hash_changed);
  assert_unchanged_property (change, "author");
  g_assert_cmpstr (change->explanation, ==,
                   "Book: the destination of author is renamed from Author to Writer");
  assert_blockers (diff, NULL);

  chained = godwit_model_diff_new (v2, v3);
  change = entity_change (chained, "Writer", GODWIT_CHANGE_RENAMED);
  g_assert_cmpstr (change->destination->name, ==, "Novelist");
  g_assert_cmpstr (change->explanation, ==,
                   "Writer is renamed to Novelist (renaming identifier “Author”)");
  assert_blockers (chained, NULL);
}

static void
test_property_moved_up (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  GodwitEntity *entity;
  const GodwitEntityChange *change;
  const GodwitPropertyChange *property;

  entity = godwit_test_add_entity (v1, "Dog", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "breed", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Animal", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (v2, "Dog", "Animal");
  godwit_test_add_attribute (entity, "breed", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  change = entity_change (diff, "Dog", GODWIT_CHANGE_MODIFIED);
  g_assert_true (change->parent_changed);
  g_assert_true (change->hash_changed);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==, "Dog: parent entity changes from none to Animal");
  g_assert_cmpuint (change->properties->len, ==, 2);
  assert_unchanged_property (change, "breed");
  /* Inherited now, and unchanged as Dog sees it. */
  assert_unchanged_property (change, "name");

  change = entity_change (diff, "Animal", GODWIT_CHANGE_ADDED);
  g_assert_cmpstr (change->explanation, ==, "Animal is added");
  property = property_change (change, "name", GODWIT_CHANGE_ADDED);
  g_assert_true (property->inferable);
  assert_blockers (diff, NULL);
}

static void
test_merged_hierarchies (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  g_autoptr(GodwitModelDiff) split = NULL;
  const GodwitEntityChange *change;
  const char * const blockers[] = {
    "Cat and Dog have no common ancestor entity in the source but share the hierarchy of Animal "
    "in the destination: merging entity hierarchies cannot be inferred",
    NULL
  };

  /* Dog has a sub-entity: one blocker per hierarchy, not per entity. */
  godwit_test_add_entity (v1, "Cat", NULL);
  godwit_test_add_entity (v1, "Dog", NULL);
  godwit_test_add_entity (v1, "Puppy", "Dog");
  godwit_test_resolve_model (v1);

  godwit_test_add_entity (v2, "Animal", NULL);
  godwit_test_add_entity (v2, "Cat", "Animal");
  godwit_test_add_entity (v2, "Dog", "Animal");
  godwit_test_add_entity (v2, "Puppy", "Dog");
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  change = entity_change (diff, "Cat", GODWIT_CHANGE_MODIFIED);
  g_assert_true (change->parent_changed);
  g_assert_true (change->inferable);
  change = entity_change (diff, "Dog", GODWIT_CHANGE_MODIFIED);
  g_assert_true (change->parent_changed);
  g_assert_false (change->inferable);
  g_assert_cmpstr (change->blocker, ==, blockers[0]);
  change = entity_change (diff, "Puppy", GODWIT_CHANGE_MODIFIED);
  g_assert_false (change->parent_changed);
  g_assert_true (change->hash_changed);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==, "Puppy: version hash changes with its parent entity’s");
  entity_change (diff, "Animal", GODWIT_CHANGE_ADDED);
  assert_blockers (diff, blockers);

  /* The other way, moving entities out of a hierarchy, is inferable. */
  split = godwit_model_diff_new (v2, v1);
  change = entity_change (split, "Cat", GODWIT_CHANGE_MODIFIED);
  g_assert_true (change->parent_changed);
  g_assert_cmpstr (change->explanation, ==, "Cat: parent entity changes from Animal to none");
  entity_change (split, "Animal", GODWIT_CHANGE_REMOVED);
  assert_blockers (split, NULL);
}

static void
test_entity_added_removed (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  GodwitEntity *entity;
  const GodwitEntityChange *change;
  const GodwitPropertyChange *property;
  GPtrArray *changes;

  entity = godwit_test_add_entity (v1, "Note", NULL);
  godwit_test_add_attribute (entity, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (v1, "Draft", NULL);
  godwit_test_add_attribute (entity, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "cache", GODWIT_ATTRIBUTE_TYPE_STRING)->transient = TRUE;
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Note", NULL);
  godwit_test_add_attribute (entity, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (v2, "Folder", NULL);
  /* A new entity has no stored objects: a required value is no obstacle. */
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  changes = godwit_model_diff_get_entity_changes (diff);
  g_assert_cmpuint (changes->len, ==, 3);

  change = g_ptr_array_index (changes, 0);
  g_assert_true (change == entity_change (diff, "Draft", GODWIT_CHANGE_REMOVED));
  g_assert_null (change->destination);
  g_assert_true (change->inferable);
  g_assert_cmpstr (change->explanation, ==, "Draft is removed: its stored objects are dropped");
  /* Only stored properties: the transient cache is left out. */
  g_assert_cmpuint (change->properties->len, ==, 1);
  property_change (change, "text", GODWIT_CHANGE_REMOVED);

  change = g_ptr_array_index (changes, 1);
  g_assert_true (change == entity_change (diff, "Note", GODWIT_CHANGE_UNCHANGED));

  change = g_ptr_array_index (changes, 2);
  g_assert_true (change == entity_change (diff, "Folder", GODWIT_CHANGE_ADDED));
  g_assert_null (godwit_model_diff_find_source_entity (diff, "Folder"));
  g_assert_null (godwit_model_diff_find_destination_entity (diff, "Draft"));
  property = property_change (change, "title", GODWIT_CHANGE_ADDED);
  g_assert_false (property->needs_value);
  g_assert_true (property->inferable);
  g_assert_cmpstr (property->explanation, ==,
                   "Folder.title is added (non-optional String attribute)");

  g_assert_false (godwit_model_diff_is_empty (diff));
  assert_blockers (diff, NULL);
}

static void
test_transient (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  GodwitEntity *entity;
  const GodwitEntityChange *change;
  const GodwitPropertyChange *property;

  entity = godwit_test_add_entity (v1, "Photo", NULL);
  godwit_test_add_attribute (entity, "data", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_attribute (entity, "thumbnail", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_attribute (entity, "size", GODWIT_ATTRIBUTE_TYPE_INTEGER_64)->transient = TRUE;
  godwit_test_add_attribute (entity, "scratch", GODWIT_ATTRIBUTE_TYPE_STRING)->transient = TRUE;
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Photo", NULL);
  godwit_test_add_attribute (entity, "data", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_attribute (entity, "thumbnail", GODWIT_ATTRIBUTE_TYPE_BINARY)->transient = TRUE;
  godwit_test_add_attribute (entity, "size", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  /* Changes of a property that stays transient have nothing to migrate. */
  godwit_test_add_attribute (entity, "scratch", GODWIT_ATTRIBUTE_TYPE_DATE)->transient = TRUE;
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  change = entity_change (diff, "Photo", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->properties->len, ==, 3);
  assert_unchanged_property (change, "data");

  property = property_change (change, "thumbnail", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (property->changes, ==, GODWIT_PROPERTY_CHANGE_TRANSIENT);
  g_assert_true (property->inferable);
  g_assert_cmpstr (property->explanation, ==,
                   "Photo.thumbnail: becomes transient: its stored values are dropped");

  property = property_change (change, "size", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (property->changes, ==, GODWIT_PROPERTY_CHANGE_TRANSIENT);
  g_assert_true (property->inferable);
  g_assert_false (property->needs_value);
  assert_blockers (diff, NULL);
}

/* Relationship details: destination, inverse, counts, delete rule; and
 * attribute details that the lightweight rules all accept. */
static void
test_details (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  GodwitEntity *entity;
  GodwitProperty *property;
  const GodwitEntityChange *change;
  const GodwitPropertyChange *details;
  const char * const blockers[] = {
    "Post.owner changes destination from Person to Team: needs a custom mapping",
    NULL
  };

  godwit_test_add_entity (v1, "Person", NULL);
  godwit_test_add_entity (v1, "Team", NULL);
  entity = godwit_test_add_entity (v1, "Post", NULL);
  godwit_test_add_relationship (entity, "owner", "Person", NULL, FALSE, FALSE);
  godwit_test_add_relationship (entity, "readers", "Person", NULL, TRUE, FALSE);
  godwit_test_add_attribute (entity, "image", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_resolve_model (v1);

  godwit_test_add_entity (v2, "Person", NULL);
  godwit_test_add_entity (v2, "Team", NULL);
  entity = godwit_test_add_entity (v2, "Post", NULL);
  godwit_test_add_relationship (entity, "owner", "Team", NULL, FALSE, FALSE);
  property = godwit_test_add_relationship (entity, "readers", "Person", NULL, TRUE, FALSE);
  property->min_count = 1;
  property->max_count = 5;
  property->delete_rule = GODWIT_DELETE_RULE_DENY;
  property->indexed = TRUE;
  property = godwit_test_add_attribute (entity, "image", GODWIT_ATTRIBUTE_TYPE_BINARY);
  property->allows_external_binary_data_storage = TRUE;
  property->max_value = g_strdup ("1000000");
  property->version_hash_modifier = g_strdup ("2");
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  change = entity_change (diff, "Post", GODWIT_CHANGE_MODIFIED);

  details = property_change (change, "owner", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (details->changes, ==, GODWIT_PROPERTY_CHANGE_DESTINATION);
  g_assert_cmpstr (details->blocker, ==, blockers[0]);

  details = property_change (change, "readers", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (details->changes, ==,
                    GODWIT_PROPERTY_CHANGE_COUNT | GODWIT_PROPERTY_CHANGE_DELETE_RULE |
                    GODWIT_PROPERTY_CHANGE_INDEXED);
  g_assert_true (details->inferable);
  g_assert_cmpstr (details->explanation, ==,
                   "Post.readers: count changes from 0…unbounded to 1…5; "
                   "delete rule changes from Nullify to Deny; becomes indexed");

  details = property_change (change, "image", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (details->changes, ==, GODWIT_PROPERTY_CHANGE_VALIDATION |
                                          GODWIT_PROPERTY_CHANGE_EXTERNAL_STORAGE |
                                          GODWIT_PROPERTY_CHANGE_VERSION_HASH_MODIFIER);
  g_assert_true (details->inferable);
  g_assert_cmpstr (details->explanation, ==,
                   "Post.image: minimum and maximum value change from none and none to none and "
                   "“1000000”; allows external binary storage; "
                   "version hash modifier changes from none to “2”");
  assert_blockers (diff, blockers);
}

/* Two destination properties claim one source property: the more specific
 * rule wins (the identifier naming it), the other one is new. */
static void
test_contested_identifier (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GodwitModelDiff) diff = NULL;
  GodwitEntity *entity;
  const GodwitEntityChange *change;
  const GodwitPropertyChange *property;

  entity = godwit_test_add_entity (v1, "Post", NULL);
  godwit_test_add_attribute (entity, "color", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Post", NULL);
  godwit_test_add_attribute (entity, "hexColor", GODWIT_ATTRIBUTE_TYPE_STRING)->renaming_identifier =
    g_strdup ("color");
  godwit_test_add_attribute (entity, "color", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (v2);

  diff = godwit_model_diff_new (v1, v2);
  change = entity_change (diff, "Post", GODWIT_CHANGE_MODIFIED);
  g_assert_cmpuint (change->properties->len, ==, 2);
  property = g_ptr_array_index (change->properties, 0);
  g_assert_cmpint (property->kind, ==, GODWIT_CHANGE_RENAMED);
  g_assert_cmpstr (property->source->name, ==, "color");
  g_assert_cmpstr (property->destination->name, ==, "hexColor");
  property = g_ptr_array_index (change->properties, 1);
  g_assert_cmpint (property->kind, ==, GODWIT_CHANGE_ADDED);
  g_assert_cmpstr (property->destination->name, ==, "color");
  assert_blockers (diff, NULL);
}

static void
test_change_kind_names (void)
{
  g_assert_cmpstr (godwit_change_kind_to_string (GODWIT_CHANGE_UNCHANGED), ==, "unchanged");
  g_assert_cmpstr (godwit_change_kind_to_string (GODWIT_CHANGE_ADDED), ==, "added");
  g_assert_cmpstr (godwit_change_kind_to_string (GODWIT_CHANGE_REMOVED), ==, "removed");
  g_assert_cmpstr (godwit_change_kind_to_string (GODWIT_CHANGE_RENAMED), ==, "renamed");
  g_assert_cmpstr (godwit_change_kind_to_string (GODWIT_CHANGE_MODIFIED), ==, "modified");
  g_assert_null (godwit_change_kind_to_string ((GodwitChangeKind) 99));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model-diff/wibosco/1-to-2", test_wibosco_1_to_2);
  g_test_add_func ("/model-diff/wibosco/2-to-3", test_wibosco_2_to_3);
  g_test_add_func ("/model-diff/wibosco/3-to-4", test_wibosco_3_to_4);
  g_test_add_func ("/model-diff/bergier", test_bergier_chain);
  g_test_add_func ("/model-diff/same-version", test_same_version);
  g_test_add_func ("/model-diff/optional-to-required", test_optional_to_required);
  g_test_add_func ("/model-diff/type-change", test_type_change);
  g_test_add_func ("/model-diff/relationships", test_relationship_changes);
  g_test_add_func ("/model-diff/entity-rename", test_entity_rename);
  g_test_add_func ("/model-diff/property-moved-up", test_property_moved_up);
  g_test_add_func ("/model-diff/merged-hierarchies", test_merged_hierarchies);
  g_test_add_func ("/model-diff/entity-added-removed", test_entity_added_removed);
  g_test_add_func ("/model-diff/transient", test_transient);
  g_test_add_func ("/model-diff/details", test_details);
  g_test_add_func ("/model-diff/contested-identifier", test_contested_identifier);
  g_test_add_func ("/model-diff/change-kind-names", test_change_kind_names);

  return g_test_run ();
}
