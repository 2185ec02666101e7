/* test-sync-lint.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The sync-compatibility lint: each rule on models built in code, with
 * its severity, element and words; the changes older peers do not notice;
 * an inherited change reported once; the demo bundle's steps; and the
 * findings in a migration's stage reports and their JSON.
 */

#include "config.h"

#include <string.h>

#include "godwit-migration.h"
#include "godwit-stage-report.h"
#include "godwit-sync-lint.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

typedef struct
{
  const char *rule;
  const char *severity;
  const char *element;
  const char *message;   /* NULL: not compared */
} Expected;

static GodwitModel *
new_model (const char *name)
{
  return godwit_model_new (name, GODWIT_MODEL_SOURCE_WRITER);
}

static GPtrArray *
lint_models (GodwitModel *v1,
             GodwitModel *v2)
{
  g_autoptr(GodwitModelDiff) diff = godwit_model_diff_new (v1, v2);

  return godwit_sync_lint_diff (diff);
}

/* @findings are @expected, in order; @expected ends with a NULL rule. */
static void
assert_findings (GPtrArray      *findings,
                 const Expected *expected)
{
  guint n = 0;
  gboolean breaks = FALSE;

  while (expected[n].rule != NULL)
    n++;

  for (guint i = 0; i < findings->len; i++)
    {
      const GodwitSyncLintFinding *finding = g_ptr_array_index (findings, i);
      g_autofree char *element = godwit_sync_lint_finding_dup_element (finding);

      g_test_message ("finding %u: %s %s %s: %s", i, godwit_sync_lint_severity_to_string (finding->severity),
                      godwit_sync_lint_rule_to_string (finding->rule), element, finding->message);
      g_assert_cmpuint (i, <, n);
      g_assert_cmpstr (godwit_sync_lint_rule_to_string (finding->rule), ==, expected[i].rule);
      g_assert_cmpstr (godwit_sync_lint_severity_to_string (finding->severity), ==, expected[i].severity);
      g_assert_cmpstr (element, ==, expected[i].element);
      g_assert_nonnull (finding->message);
      if (expected[i].message != NULL)
        g_assert_cmpstr (finding->message, ==, expected[i].message);
      breaks |= strcmp (expected[i].severity, "breaks-sync") == 0;
    }

  g_assert_cmpuint (findings->len, ==, n);
  g_assert_true (godwit_sync_lint_breaks_sync (findings) == breaks);
}

static void
assert_no_findings (GPtrArray *findings)
{
  const Expected none[] = { { NULL } };

  assert_findings (findings, none);
}

/* Additions of optional properties and of entities, and changes the
 * documents do not show: older peers notice none of them. */
static void
test_compatible (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GPtrArray) same = NULL;
  GodwitEntity *entity;
  GodwitProperty *property;

  entity = godwit_test_add_entity (v1, "Post", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "views", GODWIT_ATTRIBUTE_TYPE_INTEGER_32)->default_value = g_strdup ("0");
  godwit_test_add_relationship (entity, "author", "Person", "posts", FALSE, FALSE);
  entity = godwit_test_add_entity (v1, "Person", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "posts", "Post", "author", TRUE, FALSE);
  entity = godwit_test_add_entity (v1, "Draft", NULL);
  entity->abstract = TRUE;
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Post", NULL);
  property = godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  property->indexed = TRUE;
  property = godwit_test_add_attribute (entity, "views", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  property->default_value = g_strdup ("1");
  property->min_value = g_strdup ("0");
  godwit_test_add_relationship (entity, "author", "Person", "posts", FALSE, FALSE);
  /* Optional, or non-optional with a default value: older peers' objects
   * are simply without it, or take the default. */
  godwit_test_add_attribute (entity, "summary", GODWIT_ATTRIBUTE_TYPE_STRING);
  property = godwit_test_add_attribute (entity, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  property->optional = FALSE;
  property->default_value = g_strdup ("0");
  property = godwit_test_add_attribute (entity, "cache", GODWIT_ATTRIBUTE_TYPE_BINARY);
  property->transient = TRUE;
  property->optional = FALSE;
  godwit_test_add_relationship (entity, "tags", "Tag", "posts", TRUE, FALSE);
  entity = godwit_test_add_entity (v2, "Person", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "posts", "Post", "author", TRUE, FALSE)->delete_rule =
    GODWIT_DELETE_RULE_CASCADE;
  /* No longer abstract: its documents are new to everyone. */
  godwit_test_add_entity (v2, "Draft", NULL);
  /* A new entity's requirements bind no older document. */
  entity = godwit_test_add_entity (v2, "Tag", NULL);
  godwit_test_add_attribute (entity, "label", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  godwit_test_add_relationship (entity, "posts", "Post", "tags", TRUE, FALSE);
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_no_findings (findings);

  same = lint_models (v1, v1);
  assert_no_findings (same);
}

/* Removed entities and properties, and a property no longer stored. An
 * abstract entity has no documents: its removal shows in its
 * sub-entity's. */
static void
test_removed (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  GodwitEntity *entity;
  const Expected expected[] = {
    { "property-removed", "breaks-sync", "Book.title",
      "Older peers still send “Book.title”; after this step the store has no such attribute, "
      "so their values are dropped on pull" },
    { "entity-removed", "breaks-sync", "Crate",
      "Older peers still send “Crate” documents; after this step the store has no entity Crate, "
      "so their objects are dropped on pull" },
    { "property-removed", "breaks-sync", "Shelf.books",
      "Older peers still send “Shelf.books”; after this step the store has no such relationship, "
      "so their values are dropped on pull" },
    { "property-removed", "breaks-sync", "Shelf.cache",
      "Older peers still send “Shelf.cache”; after this step it is no longer stored, "
      "so their values are dropped on pull" },
    { "property-removed", "breaks-sync", "Shelf.label", NULL },
    { NULL }
  };

  entity = godwit_test_add_entity (v1, "Item", NULL);
  entity->abstract = TRUE;
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  entity = godwit_test_add_entity (v1, "Book", "Item");
  godwit_test_add_attribute (entity, "pages", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  entity = godwit_test_add_entity (v1, "Shelf", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "label", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "cache", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_relationship (entity, "books", "Book", NULL, TRUE, FALSE);
  entity = godwit_test_add_entity (v1, "Crate", NULL);
  godwit_test_add_attribute (entity, "size", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Book", NULL);
  godwit_test_add_attribute (entity, "pages", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  entity = godwit_test_add_entity (v2, "Shelf", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "cache", GODWIT_ATTRIBUTE_TYPE_BINARY)->transient = TRUE;
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_findings (findings, expected);
}

/* A renamed entity or property changes the documents' keys; a renamed
 * entity's own property changes add nothing to that. */
static void
test_renamed (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  GodwitEntity *entity;
  GodwitProperty *property;
  const Expected expected[] = {
    { "entity-renamed", "breaks-sync", "Author",
      "Author is renamed to Writer: document ids and “entity” change from “Author” to “Writer”, so "
      "the Author objects older peers send, and their links to them, name an entity the store no "
      "longer has, and older peers cannot read the Writer documents this store sends" },
    /* Renamed and retyped: the new key is what older peers miss. */
    { "property-renamed", "breaks-sync", "Post.rank", NULL },
    { "property-renamed", "breaks-sync", "Post.title",
      "“Post.title” is renamed to “headline”: documents carry it under the new key, so the “title” "
      "values older peers send are dropped on pull, and older peers find no “title” in the "
      "documents this store sends" },
    { NULL }
  };

  entity = godwit_test_add_entity (v1, "Post", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "body", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_add_relationship (entity, "author", "Author", "posts", FALSE, FALSE);
  entity = godwit_test_add_entity (v1, "Author", NULL);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "email", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "posts", "Post", "author", TRUE, FALSE);
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Post", NULL);
  property = godwit_test_add_attribute (entity, "headline", GODWIT_ATTRIBUTE_TYPE_STRING);
  property->renaming_identifier = g_strdup ("title");
  godwit_test_add_attribute (entity, "body", GODWIT_ATTRIBUTE_TYPE_STRING);
  property = godwit_test_add_attribute (entity, "score", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  property->renaming_identifier = g_strdup ("rank");
  godwit_test_add_relationship (entity, "author", "Writer", "posts", FALSE, FALSE);
  entity = godwit_test_add_entity (v2, "Writer", NULL);
  entity->renaming_identifier = g_strdup ("Author");
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "posts", "Post", "author", TRUE, FALSE);
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_findings (findings, expected);
}

/* Changes of a value's or a link's form: what breaks, and what only
 * refuses some values. */
static void
test_shape (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  GodwitEntity *entity;
  const Expected expected[] = {
    { "destination-changed", "breaks-sync", "Item.box",
      "“Item.box” changes destination from Box to Crate: the links to Box objects that older peers "
      "send are refused on pull, and older peers cannot follow links to Crate objects" },
    { "type-changed", "breaks-sync", "Item.code",
      "“Item.code” changes type from String to Integer 32: the String values older peers send are "
      "refused on pull, and older peers cannot read the Integer 32 values this store sends" },
    { "type-changed", "warning", "Item.count",
      "“Item.count” changes type from Integer 16 to Integer 64: documents hold numbers either way, "
      "but a value that one side sends and the other side’s type cannot hold is refused" },
    { "ordering-changed", "warning", "Item.labels",
      "“Item.labels” becomes ordered: older peers send its links sorted by id, so the order of the "
      "objects they change is lost" },
    { "to-many-changed", "breaks-sync", "Item.owner",
      "“Item.owner” changes from a to-one to a to-many relationship: documents hold an array of ids "
      "instead of one id or null, so neither side reads the other’s links" },
    { "ordering-changed", "warning", "Item.parts",
      "“Item.parts” is no longer ordered: this store sends its links sorted by id, so older peers "
      "lose the order they keep" },
    { "kind-changed", "breaks-sync", "Item.tag",
      "“Item.tag” changes from an attribute to a relationship: documents carry it among their "
      "relationships instead of their attributes, so neither side reads the other’s values" },
    { "type-changed", "warning", "Item.weight", NULL },
    { "inverse-changed", "warning", "Person.favourite",
      "“Person.favourite” changes inverse from none to fans: older peers keep the old pair of "
      "relationships in step, so the links they send on either side may disagree with this "
      "version’s pair" },
    { NULL }
  };

  entity = godwit_test_add_entity (v1, "Item", NULL);
  godwit_test_add_attribute (entity, "code", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "count", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_add_attribute (entity, "weight", GODWIT_ATTRIBUTE_TYPE_FLOAT);
  godwit_test_add_attribute (entity, "tag", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (entity, "owner", "Person", "items", FALSE, FALSE);
  godwit_test_add_relationship (entity, "labels", "Label", NULL, TRUE, FALSE);
  godwit_test_add_relationship (entity, "parts", "Part", NULL, TRUE, TRUE);
  godwit_test_add_relationship (entity, "box", "Box", NULL, FALSE, FALSE);
  entity = godwit_test_add_entity (v1, "Person", NULL);
  godwit_test_add_relationship (entity, "items", "Item", "owner", TRUE, FALSE);
  godwit_test_add_relationship (entity, "favourite", "Item", NULL, FALSE, FALSE);
  godwit_test_add_entity (v1, "Label", NULL);
  godwit_test_add_entity (v1, "Part", NULL);
  godwit_test_add_entity (v1, "Box", NULL);
  godwit_test_add_entity (v1, "Crate", NULL);
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Item", NULL);
  godwit_test_add_attribute (entity, "code", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (entity, "count", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  godwit_test_add_attribute (entity, "weight", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_relationship (entity, "tag", "Label", NULL, FALSE, FALSE);
  godwit_test_add_relationship (entity, "owner", "Person", "items", TRUE, FALSE);
  godwit_test_add_relationship (entity, "labels", "Label", NULL, TRUE, TRUE);
  godwit_test_add_relationship (entity, "parts", "Part", NULL, TRUE, FALSE);
  godwit_test_add_relationship (entity, "box", "Crate", NULL, FALSE, FALSE);
  /* New and optional: compatible. */
  godwit_test_add_relationship (entity, "fans", "Person", "favourite", TRUE, FALSE);
  entity = godwit_test_add_entity (v2, "Person", NULL);
  godwit_test_add_relationship (entity, "items", "Item", "owner", TRUE, FALSE);
  godwit_test_add_relationship (entity, "favourite", "Item", "fans", FALSE, FALSE);
  godwit_test_add_entity (v2, "Label", NULL);
  godwit_test_add_entity (v2, "Part", NULL);
  godwit_test_add_entity (v2, "Box", NULL);
  godwit_test_add_entity (v2, "Crate", NULL);
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_findings (findings, expected);
}

/* Values older peers leave unset, and values this store leaves unset. */
static void
test_required (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  GodwitEntity *entity;
  GodwitProperty *property;
  const Expected expected[] = {
    /* Person.posts, to-many, becomes non-optional: an array either way. */
    { "becomes-required", "breaks-sync", "Post.author",
      "“Post.author” becomes non-optional: older peers may send it without a link (null), and such "
      "documents are refused on pull" },
    { "becomes-optional", "warning", "Post.body",
      "“Post.body” becomes optional: this store may send it without a value (null), which older "
      "peers, for whom it is non-optional, refuse" },
    { "required-value-added", "breaks-sync", "Post.cache", NULL },
    { "becomes-required-with-default", "warning", "Post.rank",
      "“Post.rank” becomes non-optional: older peers may send it without a value (null), which the "
      "default value “0” does not fill, so such documents are refused on pull" },
    { "becomes-required", "breaks-sync", "Post.title",
      "“Post.title” becomes non-optional without a default value: older peers may send it "
      "without a value (null), and such documents are refused on pull" },
    { "required-value-added", "breaks-sync", "Post.editor",
      "Older peers do not send “Post.editor”: the objects they make or change arrive without a "
      "link for a non-optional to-one relationship, and are refused on pull" },
    /* Post.slug has a default value: compatible. */
    { "required-value-added", "breaks-sync", "Post.summary",
      "Older peers do not send “Post.summary”: the objects they make or change arrive without a "
      "value for a non-optional attribute that has no default value, and are refused on pull" },
    { NULL }
  };

  entity = godwit_test_add_entity (v1, "Post", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (entity, "body", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  godwit_test_add_attribute (entity, "cache", GODWIT_ATTRIBUTE_TYPE_STRING)->transient = TRUE;
  godwit_test_add_relationship (entity, "author", "Person", "posts", FALSE, FALSE);
  entity = godwit_test_add_entity (v1, "Person", NULL);
  godwit_test_add_relationship (entity, "posts", "Post", "author", TRUE, FALSE);
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Post", NULL);
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  property = godwit_test_add_attribute (entity, "rank", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  property->optional = FALSE;
  property->default_value = g_strdup ("0");
  godwit_test_add_attribute (entity, "body", GODWIT_ATTRIBUTE_TYPE_STRING);
  /* Stored from now on, non-optional without a default value. */
  godwit_test_add_attribute (entity, "cache", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  godwit_test_add_relationship (entity, "author", "Person", "posts", FALSE, FALSE)->optional = FALSE;
  godwit_test_add_attribute (entity, "summary", GODWIT_ATTRIBUTE_TYPE_STRING)->optional = FALSE;
  property = godwit_test_add_attribute (entity, "slug", GODWIT_ATTRIBUTE_TYPE_STRING);
  property->optional = FALSE;
  property->default_value = g_strdup ("untitled");
  godwit_test_add_relationship (entity, "editor", "Person", NULL, FALSE, FALSE)->optional = FALSE;
  entity = godwit_test_add_entity (v2, "Person", NULL);
  godwit_test_add_relationship (entity, "posts", "Post", "author", TRUE, FALSE)->optional = FALSE;
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_findings (findings, expected);
}

/* A property an abstract parent entity declares: reported once, at the
 * parent, for the documents of all its sub-entities. */
static void
test_inherited (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  GodwitEntity *entity;
  const Expected expected[] = {
    { "property-removed", "breaks-sync", "Item.note", NULL },
    { "type-changed", "breaks-sync", "Item.title", NULL },
    { NULL }
  };

  /* Sub-entities first by name: Book and Disc sort before Item. */
  entity = godwit_test_add_entity (v1, "Item", NULL);
  entity->abstract = TRUE;
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "note", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_entity (v1, "Book", "Item");
  godwit_test_add_entity (v1, "Disc", "Item");
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Item", NULL);
  entity->abstract = TRUE;
  godwit_test_add_attribute (entity, "title", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_entity (v2, "Book", "Item");
  godwit_test_add_entity (v2, "Disc", "Item");
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_findings (findings, expected);
}

/* An entity moving in the hierarchy changes which objects a relationship
 * to its old or new parent takes; a concrete entity becoming abstract
 * loses its documents. */
static void
test_hierarchy (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  GodwitEntity *entity;
  const Expected expected[] = {
    { "hierarchy-changed", "warning", "Owner.things",
      "Older peers may link “Owner.things” to Plant objects, a kind of Thing for them; after this "
      "step Plant is not, so such links are refused on pull" },
    { "hierarchy-changed", "warning", "Owner.things",
      "This store may link “Owner.things” to Rock objects, a kind of Thing after this step; older "
      "peers, for whom Rock is not, refuse such links" },
    { "entity-becomes-abstract", "breaks-sync", "Shape",
      "Older peers still send “Shape” documents; after this step Shape is abstract and holds no "
      "objects of its own, so their objects are dropped on pull" },
    { NULL }
  };

  godwit_test_add_entity (v1, "Thing", NULL);
  godwit_test_add_entity (v1, "Plant", "Thing");
  godwit_test_add_entity (v1, "Rock", NULL);
  entity = godwit_test_add_entity (v1, "Owner", NULL);
  godwit_test_add_relationship (entity, "things", "Thing", NULL, TRUE, FALSE);
  godwit_test_add_entity (v1, "Shape", NULL);
  godwit_test_add_entity (v1, "Circle", "Shape");
  godwit_test_resolve_model (v1);

  godwit_test_add_entity (v2, "Thing", NULL);
  godwit_test_add_entity (v2, "Plant", NULL);
  godwit_test_add_entity (v2, "Rock", "Thing");
  entity = godwit_test_add_entity (v2, "Owner", NULL);
  godwit_test_add_relationship (entity, "things", "Thing", NULL, TRUE, FALSE);
  godwit_test_add_entity (v2, "Shape", NULL)->abstract = TRUE;
  godwit_test_add_entity (v2, "Circle", "Shape");
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_findings (findings, expected);
}

/* A new uniqueness constraint over values older peers send; the same
 * constraint in another order, or one over a new attribute, is none. */
static void
test_uniqueness_constraint (void)
{
  g_autoptr(GodwitModel) v1 = new_model ("v1");
  g_autoptr(GodwitModel) v2 = new_model ("v2");
  g_autoptr(GPtrArray) findings = NULL;
  GodwitEntity *entity;
  GodwitProperty *property;
  const char * const email[] = { "email", NULL };
  const char * const name_email[] = { "name", "email", NULL };
  const char * const email_name[] = { "email", "name", NULL };
  const char * const phone_name[] = { "telephone", "name", NULL };
  const char * const handle[] = { "handle", NULL };
  const Expected expected[] = {
    /* telephone is phone renamed. */
    { "property-renamed", "breaks-sync", "Person.phone", NULL },
    { "uniqueness-constraint-added", "warning", "Person (phone, name)",
      "Person gains a uniqueness constraint on phone, name: older peers may make objects that "
      "share these values, and such documents are refused on pull" },
    { NULL }
  };

  entity = godwit_test_add_entity (v1, "Person", NULL);
  godwit_test_add_attribute (entity, "email", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "phone", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_uniqueness_constraint (entity, email);
  godwit_test_add_uniqueness_constraint (entity, name_email);
  godwit_test_resolve_model (v1);

  entity = godwit_test_add_entity (v2, "Person", NULL);
  godwit_test_add_attribute (entity, "email", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (entity, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  property = godwit_test_add_attribute (entity, "telephone", GODWIT_ATTRIBUTE_TYPE_STRING);
  property->renaming_identifier = g_strdup ("phone");
  godwit_test_add_attribute (entity, "handle", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_uniqueness_constraint (entity, email);
  godwit_test_add_uniqueness_constraint (entity, email_name);
  godwit_test_add_uniqueness_constraint (entity, phone_name);
  godwit_test_add_uniqueness_constraint (entity, handle);
  godwit_test_resolve_model (v2);

  findings = lint_models (v1, v2);
  assert_findings (findings, expected);
}

/* The demo bundle: Plant.name becomes commonName (Tree inherits it:
 * one finding), then Plant.notes is removed and Note added. */
static void
test_garden (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GPtrArray) first = NULL;
  g_autoptr(GPtrArray) second = NULL;
  const Expected renamed[] = {
    { "property-renamed", "breaks-sync", "Plant.name",
      "“Plant.name” is renamed to “commonName”: documents carry it under the new key, so the "
      "“name” values older peers send are dropped on pull, and older peers find no “name” in the "
      "documents this store sends" },
    { NULL }
  };
  const Expected removed[] = {
    { "property-removed", "breaks-sync", "Plant.notes",
      "Older peers still send “Plant.notes”; after this step the store has no such attribute, so "
      "their values are dropped on pull" },
    { NULL }
  };

  first = lint_models (godwit_test_find_version (bundle, "Garden"), godwit_test_find_version (bundle, "Garden 2"));
  assert_findings (first, renamed);
  second = lint_models (godwit_test_find_version (bundle, "Garden 2"), godwit_test_find_version (bundle, "Garden 3"));
  assert_findings (second, removed);
}

/* Every stage report carries its step's findings, also in its JSON. */
static void
test_stage_reports (void)
{
  g_autoptr(GodwitModelBundle) bundle = godwit_test_load_garden ();
  g_autoptr(GodwitMigrationPlan) plan = godwit_test_load_plan ("garden.godwit-plan.json");
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GodwitMigration) migration = NULL;
  g_autoptr(GError) error = NULL;
  GodwitTestStore store;
  GPtrArray *reports;
  const char * const elements[] = { "Plant.name", "Plant.notes" };
  const char * const rules[] = { "property-renamed", "property-removed" };

  godwit_test_store_init (&store, "Garden.sqlite");
  writer = godwit_test_store_begin (&store, godwit_model_bundle_find_version (bundle, "Garden"), FALSE);
  godwit_test_write_garden (writer, "Garden", FALSE);
  godwit_test_writer_commit (writer);

  migration = godwit_migration_new (store.path, bundle, plan, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (migration);
  reports = godwit_migration_get_stage_reports (migration);
  g_assert_cmpuint (reports->len, ==, 2);

  for (guint i = 0; i < reports->len; i++)
    {
      GodwitStageReport *report = g_ptr_array_index (reports, i);
      GPtrArray *findings = godwit_stage_report_get_sync_findings (report);
      const GodwitSyncLintFinding *finding;
      g_autofree char *element = NULL;
      g_autoptr(JsonNode) node = godwit_stage_report_to_json (report);
      JsonObject *object = json_node_get_object (node);
      JsonArray *sync = json_object_get_array_member (object, "sync");
      JsonObject *member;

      g_assert_cmpuint (findings->len, ==, 1);
      finding = g_ptr_array_index (findings, 0);
      element = godwit_sync_lint_finding_dup_element (finding);
      g_assert_cmpstr (element, ==, elements[i]);
      g_assert_cmpstr (godwit_sync_lint_rule_to_string (finding->rule), ==, rules[i]);

      g_assert_true (json_object_get_boolean_member (object, "breaks_sync"));
      g_assert_cmpuint (json_array_get_length (sync), ==, 1);
      member = json_array_get_object_element (sync, 0);
      g_assert_cmpstr (json_object_get_string_member (member, "severity"), ==, "breaks-sync");
      g_assert_cmpstr (json_object_get_string_member (member, "rule"), ==, rules[i]);
      g_assert_cmpstr (json_object_get_string_member (member, "entity"), ==, "Plant");
      g_assert_cmpstr (json_object_get_string_member (member, "property"), ==, strchr (elements[i], '.') + 1);
      g_assert_cmpstr (json_object_get_string_member (member, "message"), ==, finding->message);
    }

  godwit_test_store_clear (&store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sync-lint/compatible", test_compatible);
  g_test_add_func ("/sync-lint/removed", test_removed);
  g_test_add_func ("/sync-lint/renamed", test_renamed);
  g_test_add_func ("/sync-lint/shape", test_shape);
  g_test_add_func ("/sync-lint/required", test_required);
  g_test_add_func ("/sync-lint/inherited", test_inherited);
  g_test_add_func ("/sync-lint/hierarchy", test_hierarchy);
  g_test_add_func ("/sync-lint/uniqueness-constraint", test_uniqueness_constraint);
  g_test_add_func ("/sync-lint/garden", test_garden);
  g_test_add_func ("/sync-lint/stage-reports", test_stage_reports);

  return g_test_run ();
}
