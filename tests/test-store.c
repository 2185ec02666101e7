/* test-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <plist/plist.h>
#include <sqlite3.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-model-bundle.h"
#include "godwit-store.h"
#include "godwit-store-writer.h"
#include "godwit-version-match.h"
#include "godwit-test-utils.h"

/* ---- a generated store ------------------------------------------------ */

static GodwitProperty *
attribute (GodwitEntity        *entity,
           const char          *name,
           GodwitAttributeType  type)
{
  GodwitProperty *property = godwit_property_new (GODWIT_PROPERTY_KIND_ATTRIBUTE, name);

  property->attribute_type = type;
  property->optional = TRUE;
  godwit_entity_add_property (entity, property);

  return property;
}

static GodwitProperty *
relationship (GodwitEntity *entity,
              const char   *name,
              const char   *destination,
              const char   *inverse,
              gboolean      to_many,
              gboolean      ordered)
{
  GodwitProperty *property = godwit_property_new (GODWIT_PROPERTY_KIND_RELATIONSHIP, name);

  property->destination_entity = g_strdup (destination);
  property->inverse_name = g_strdup (inverse);
  property->optional = TRUE;
  property->to_many = to_many;
  property->ordered = ordered;
  property->max_count = to_many ? 0 : 1;
  godwit_entity_add_property (entity, property);

  return property;
}

/* Person (with sub-entity Employee) owns Pets (to-one into a hierarchy on
 * the Pet side), belongs to Groups (many-to-many) and keeps an ordered
 * list of Notes. */
static GodwitModel *
build_people_model (void)
{
  GodwitModel *model = godwit_model_new ("People 1", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *person = godwit_entity_new ("Person");
  GodwitEntity *employee = godwit_entity_new ("Employee");
  GodwitEntity *pet = godwit_entity_new ("Pet");
  GodwitEntity *group = godwit_entity_new ("Group");
  GodwitEntity *note = godwit_entity_new ("Note");
  g_autoptr(GError) error = NULL;

  attribute (person, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  attribute (person, "born", GODWIT_ATTRIBUTE_TYPE_DATE);
  attribute (person, "identifier", GODWIT_ATTRIBUTE_TYPE_UUID);
  attribute (person, "active", GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  attribute (person, "photo", GODWIT_ATTRIBUTE_TYPE_BINARY);
  attribute (person, "score", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  attribute (person, "tags", GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE);
  relationship (person, "pets", "Pet", "owner", TRUE, FALSE);
  relationship (person, "groups", "Group", "members", TRUE, FALSE);
  relationship (person, "notes", "Note", "author", TRUE, TRUE);

  employee->parent_name = g_strdup ("Person");
  attribute (employee, "level", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);

  attribute (pet, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  relationship (pet, "owner", "Person", "pets", FALSE, FALSE);

  attribute (group, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  relationship (group, "members", "Person", "groups", TRUE, FALSE);
  /* No inverse: Core Data keeps the owner in the Note's row. */
  relationship (group, "pinned", "Note", NULL, TRUE, FALSE);

  attribute (note, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  relationship (note, "author", "Person", "notes", FALSE, FALSE);

  godwit_model_add_entity (model, person);
  godwit_model_add_entity (model, employee);
  godwit_model_add_entity (model, pet);
  godwit_model_add_entity (model, group);
  godwit_model_add_entity (model, note);
  godwit_model_add_version_identifier (model, "1");

  g_assert_true (godwit_model_resolve (model, &error));
  g_assert_no_error (error);

  return model;
}

/* ["a", "b"] as NSKeyedArchiver writes an NSArray. */
static GVariant *
archived_tags (void)
{
  plist_t root = plist_new_dict ();
  plist_t objects = plist_new_array ();
  plist_t array = plist_new_dict ();
  plist_t members = plist_new_array ();
  plist_t klass = plist_new_dict ();
  plist_t classes = plist_new_array ();
  plist_t top = plist_new_dict ();
  char *bytes = NULL;
  uint32_t length = 0;
  GVariant *value;

  plist_array_append_item (members, plist_new_uid (2));
  plist_array_append_item (members, plist_new_uid (3));
  plist_dict_set_item (array, "NS.objects", members);
  plist_dict_set_item (array, "$class", plist_new_uid (4));
  plist_array_append_item (classes, plist_new_string ("NSArray"));
  plist_array_append_item (classes, plist_new_string ("NSObject"));
  plist_dict_set_item (klass, "$classname", plist_new_string ("NSArray"));
  plist_dict_set_item (klass, "$classes", classes);
  plist_array_append_item (objects, plist_new_string ("$null"));
  plist_array_append_item (objects, array);
  plist_array_append_item (objects, plist_new_string ("a"));
  plist_array_append_item (objects, plist_new_string ("b"));
  plist_array_append_item (objects, klass);
  plist_dict_set_item (top, "root", plist_new_uid (1));
  plist_dict_set_item (root, "$archiver", plist_new_string ("NSKeyedArchiver"));
  plist_dict_set_item (root, "$version", plist_new_uint (100000));
  plist_dict_set_item (root, "$top", top);
  plist_dict_set_item (root, "$objects", objects);

  plist_to_bin (root, &bytes, &length);
  value = g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, bytes, length, 1);
  plist_to_bin_free (bytes);
  plist_free (root);

  return value;
}

static const guint8 uuid_bytes[16] = {
  0xc8, 0xad, 0x66, 0x1e, 0x8b, 0x9c, 0x4a, 0x11, 0x90, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
};

typedef struct
{
  char *dir;
  char *path;
  char *uuid;
  gint64 alice, bob, carol;    /* Person, Employee, Person */
  gint64 rex, tom;             /* Pets */
  gint64 knitting;             /* Group */
  gint64 first_note, second_note;
} PeopleStore;

static gint64
insert (GodwitStoreWriter  *writer,
        const char         *entity,
        const char * const *names,
        GVariant          **values,
        guint               n)
{
  g_autoptr(GError) error = NULL;
  gint64 pk;

  for (guint i = 0; i < n; i++)
    g_variant_ref_sink (values[i]);

  pk = godwit_store_writer_insert (writer, entity, names, (GVariant * const *) values, n, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pk, >, 0);

  for (guint i = 0; i < n; i++)
    g_variant_unref (values[i]);

  return pk;
}

static void
relate (GodwitStoreWriter *writer,
        const char        *entity,
        gint64             pk,
        const char        *relationship_name,
        const char        *destination,
        gint64             destination_pk)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (godwit_store_writer_relate (writer, entity, pk, relationship_name, destination,
                                             destination_pk, &error));
  g_assert_no_error (error);
}

static void
people_store_write (PeopleStore *store,
                    gboolean     keep_wal)
{
  g_autoptr(GodwitModel) model = build_people_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  const char *person_names[] = { "name", "born", "identifier", "active", "photo", "score", "tags" };
  const char *name_only[] = { "name" };
  const char *employee_names[] = { "name", "level" };
  const char *title[] = { "title" };
  const char *text[] = { "text" };
  const guint8 photo[40] = { 0x89, 'P', 'N', 'G' };

  store->dir = godwit_test_make_tmpdir ();
  store->path = g_build_filename (store->dir, "People.sqlite", NULL);

  writer = godwit_store_writer_new (model, store->path, &error);
  g_assert_no_error (error);
  godwit_store_writer_set_keep_wal (writer, keep_wal);
  g_assert_true (godwit_store_writer_begin (writer, &error));
  g_assert_no_error (error);
  store->uuid = g_strdup (godwit_store_writer_get_uuid (writer));

  {
    GVariant *values[] = {
      g_variant_new_string ("Alice"),
      g_variant_new_double (-31622400.0),  /* 2000-01-01T00:00:00Z: 366 days before */
      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, uuid_bytes, 16, 1),
      g_variant_new_boolean (TRUE),
      g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, photo, sizeof photo, 1),
      g_variant_new_double (2.5),
      archived_tags (),
    };

    store->alice = insert (writer, "Person", person_names, values, G_N_ELEMENTS (values));
  }
  {
    GVariant *values[] = { g_variant_new_string ("Bob"), g_variant_new_int64 (3) };

    store->bob = insert (writer, "Employee", employee_names, values, 2);
  }
  {
    GVariant *values[] = { g_variant_new_string ("Carol") };

    store->carol = insert (writer, "Person", name_only, values, 1);
  }
  {
    GVariant *values[] = { g_variant_new_string ("Rex") };

    store->rex = insert (writer, "Pet", name_only, values, 1);
  }
  {
    GVariant *values[] = { g_variant_new_string ("Tom") };

    store->tom = insert (writer, "Pet", name_only, values, 1);
  }
  {
    GVariant *values[] = { g_variant_new_string ("Knitting") };

    store->knitting = insert (writer, "Group", title, values, 1);
  }
  {
    GVariant *values[] = { g_variant_new_string ("first") };

    store->first_note = insert (writer, "Note", text, values, 1);
  }
  {
    GVariant *values[] = { g_variant_new_string ("second") };

    store->second_note = insert (writer, "Note", text, values, 1);
  }

  relate (writer, "Pet", store->rex, "owner", "Employee", store->bob);
  relate (writer, "Pet", store->tom, "owner", "Person", store->alice);
  relate (writer, "Person", store->alice, "groups", "Group", store->knitting);
  relate (writer, "Employee", store->bob, "groups", "Group", store->knitting);
  /* Ordered: second before first. */
  relate (writer, "Person", store->alice, "notes", "Note", store->second_note);
  relate (writer, "Person", store->alice, "notes", "Note", store->first_note);
  relate (writer, "Group", store->knitting, "pinned", "Note", store->second_note);

  g_assert_true (godwit_store_writer_commit (writer, &error));
  g_assert_no_error (error);
}

static void
people_store_clear (PeopleStore *store)
{
  godwit_test_rmdir (store->dir);
  g_free (store->dir);
  g_free (store->path);
  g_free (store->uuid);
}

static char *
uri (PeopleStore *store,
     const char  *entity,
     gint64       pk)
{
  return g_strdup_printf ("x-coredata://%s/%s/p%" G_GINT64_FORMAT, store->uuid, entity, pk);
}

static GodwitObject *
find_object (GPtrArray *objects,
             gint64     pk)
{
  for (guint i = 0; i < objects->len; i++)
    {
      GodwitObject *object = g_ptr_array_index (objects, i);

      if (object->pk == pk)
        return object;
    }

  return NULL;
}

static void
assert_uri_array (JsonObject  *relationships,
                  const char  *name,
                  char       **expected)
{
  JsonArray *array = json_object_get_array_member (relationships, name);

  g_assert_nonnull (array);
  g_assert_cmpuint (json_array_get_length (array), ==, g_strv_length (expected));
  for (guint i = 0; expected[i]; i++)
    g_assert_cmpstr (json_array_get_string_element (array, i), ==, expected[i]);
}

static GodwitStore *
open_with_model (const char  *path,
                 GodwitModel *model)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);

  if (model != NULL)
    {
      g_assert_true (godwit_store_set_model (store, model, &error));
      g_assert_no_error (error);
    }

  return g_steal_pointer (&store);
}

static void
test_generated_objects (void)
{
  PeopleStore people = { 0 };
  g_autoptr(GodwitModel) model = build_people_model ();
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GPtrArray) persons = NULL;
  g_autoptr(GError) error = NULL;
  GodwitObject *alice, *bob;
  JsonObject *tags;
  g_autofree char *bob_uri = NULL;
  g_autofree char *alice_uri = NULL;
  g_autofree char *knitting_uri = NULL;
  g_autofree char *first_uri = NULL;
  g_autofree char *second_uri = NULL;
  g_autofree char *rex_uri = NULL;
  g_autofree char *tom_uri = NULL;

  people_store_write (&people, FALSE);
  store = open_with_model (people.path, model);

  g_assert_cmpuint (godwit_store_get_schema_warnings (store)->len, ==, 0);
  g_assert_cmpstr (godwit_store_get_uuid (store), ==, people.uuid);
  g_assert_cmpint (godwit_store_count_objects (store, "Person", TRUE, NULL, &error), ==, 3);
  g_assert_cmpint (godwit_store_count_objects (store, "Person", FALSE, NULL, &error), ==, 2);
  g_assert_cmpint (godwit_store_count_objects (store, "Employee", TRUE, NULL, &error), ==, 1);
  g_assert_cmpint (godwit_store_count_objects (store, "Pet", FALSE, NULL, &error), ==, 2);
  g_assert_no_error (error);

  persons = godwit_store_fetch_objects (store, "Person", 0, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (persons->len, ==, 3);

  alice = find_object (persons, people.alice);
  bob = find_object (persons, people.bob);
  g_assert_nonnull (alice);
  g_assert_nonnull (bob);
  g_assert_cmpstr (alice->entity, ==, "Person");
  g_assert_cmpstr (bob->entity, ==, "Employee");

  g_assert_cmpstr (json_object_get_string_member (alice->attributes, "name"), ==, "Alice");
  g_assert_cmpstr (json_object_get_string_member (alice->attributes, "born"), ==, "2000-01-01T00:00:00Z");
  g_assert_cmpstr (json_object_get_string_member (alice->attributes, "identifier"), ==,
                   "C8AD661E-8B9C-4A11-9000-123456789ABC");
  g_assert_true (json_object_get_boolean_member (alice->attributes, "active"));
  g_assert_cmpfloat (json_object_get_double_member (alice->attributes, "score"), ==, 2.5);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (alice->attributes, "photo"), "size"), ==, 40);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (json_object_get_object_member (alice->attributes, "photo"), "preview"),
                                   "89504e47"));
  tags = json_object_get_object_member (alice->attributes, "tags");
  g_assert_nonnull (tags);
  g_assert_cmpstr (json_array_get_string_element (json_object_get_array_member (tags, "value"), 1), ==, "b");
  g_assert_cmpint (json_object_get_int_member (bob->attributes, "level"), ==, 3);
  g_assert_true (json_object_get_null_member (bob->attributes, "born"));

  bob_uri = uri (&people, "Employee", people.bob);
  alice_uri = uri (&people, "Person", people.alice);
  knitting_uri = uri (&people, "Group", people.knitting);
  first_uri = uri (&people, "Note", people.first_note);
  second_uri = uri (&people, "Note", people.second_note);
  rex_uri = uri (&people, "Pet", people.rex);
  tom_uri = uri (&people, "Pet", people.tom);
  g_assert_cmpstr (alice->uri, ==, alice_uri);

  {
    char *groups[] = { knitting_uri, NULL };
    char *notes[] = { second_uri, first_uri, NULL };
    char *alice_pets[] = { tom_uri, NULL };
    char *bob_pets[] = { rex_uri, NULL };

    assert_uri_array (alice->relationships, "groups", groups);
    assert_uri_array (bob->relationships, "groups", groups);
    assert_uri_array (alice->relationships, "notes", notes);
    assert_uri_array (alice->relationships, "pets", alice_pets);
    assert_uri_array (bob->relationships, "pets", bob_pets);
  }

  {
    g_autoptr(GPtrArray) pets = godwit_store_fetch_objects (store, "Pet", 0, 10, NULL, &error);
    g_autoptr(GPtrArray) groups = godwit_store_fetch_objects (store, "Group", 0, 10, NULL, &error);
    g_autoptr(GPtrArray) notes = godwit_store_fetch_objects (store, "Note", 0, 10, NULL, &error);
    char *members[] = { alice_uri, bob_uri, NULL };
    char *pinned[] = { second_uri, NULL };

    g_assert_no_error (error);
    /* The to-one's Z<n>_ column names the concrete entity. */
    g_assert_cmpstr (json_object_get_string_member (find_object (pets, people.rex)->relationships, "owner"), ==, bob_uri);
    g_assert_cmpstr (json_object_get_string_member (find_object (pets, people.tom)->relationships, "owner"), ==, alice_uri);

    assert_uri_array (find_object (groups, people.knitting)->relationships, "members", members);
    assert_uri_array (find_object (groups, people.knitting)->relationships, "pinned", pinned);
    g_assert_cmpstr (json_object_get_string_member (find_object (notes, people.first_note)->relationships, "author"), ==,
                     alice_uri);
  }

  /* Keyset paging. */
  {
    g_autoptr(GPtrArray) first = godwit_store_fetch_objects (store, "Person", 0, 2, NULL, &error);
    g_autoptr(GPtrArray) rest = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (first->len, ==, 2);
    rest = godwit_store_fetch_objects (store, "Person",
                                       ((GodwitObject *) g_ptr_array_index (first, 1))->pk, 2, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rest->len, ==, 1);
    g_assert_cmpint (((GodwitObject *) g_ptr_array_index (rest, 0))->pk, >,
                     ((GodwitObject *) g_ptr_array_index (first, 1))->pk);
  }

  {
    g_autoptr(GPtrArray) none = godwit_store_fetch_objects (store, "Nobody", 0, 2, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
    g_clear_error (&error);
  }

  g_clear_object (&store);
  people_store_clear (&people);
}

static char *
snapshot_folder (const char *dir)
{
  g_autofree char *listing = godwit_test_list_directory (dir);
  g_auto(GStrv) names = g_strsplit (listing, "\n", -1);
  GString *snapshot = g_string_new (listing);

  for (guint i = 0; names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dir, names[i], NULL);
      g_autofree char *sum = godwit_test_file_checksum (path);

      g_string_append_printf (snapshot, "\n%s %s", names[i], sum ? sum : "-");
    }

  return g_string_free (snapshot, FALSE);
}

/* Un-checkpointed WAL content is seen, and nothing beside the store
 * changes, is created or is removed. */
static void
test_wal_untouched (void)
{
  PeopleStore people = { 0 };
  g_autoptr(GodwitModel) model = build_people_model ();
  g_autofree char *wal = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GStatBuf st;

  people_store_write (&people, TRUE);
  wal = g_strconcat (people.path, "-wal", NULL);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);

  for (guint with_shm = 0; with_shm < 2; with_shm++)
    {
      g_autofree char *shm = g_strconcat (people.path, "-shm", NULL);

      if (!with_shm)
        g_unlink (shm);

      before = snapshot_folder (people.dir);
      {
        g_autoptr(GodwitStore) store = open_with_model (people.path, model);
        g_autoptr(GPtrArray) notes = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_cmpstr (godwit_store_get_journal_mode (store), ==, "wal");
        g_assert_cmpint (godwit_store_count_objects (store, "Person", TRUE, NULL, &error), ==, 3);
        notes = godwit_store_fetch_objects (store, "Note", 0, 10, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (notes->len, ==, 2);
      }
      after = snapshot_folder (people.dir);
      g_assert_cmpstr (before, ==, after);
      g_clear_pointer (&before, g_free);
      g_clear_pointer (&after, g_free);
    }

  people_store_clear (&people);
}

/* A writer keeps writing while the store is open: the reader sees the
 * snapshot it opened, and the writer is not blocked. */
static void
test_concurrent_writer (void)
{
  PeopleStore people = { 0 };
  g_autoptr(GodwitModel) model = build_people_model ();
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  char *message = NULL;

  people_store_write (&people, TRUE);
  store = open_with_model (people.path, model);
  g_assert_cmpint (godwit_store_count_objects (store, "Note", FALSE, NULL, &error), ==, 2);

  g_assert_cmpint (sqlite3_open (people.path, &db), ==, SQLITE_OK);
  for (guint i = 0; i < 200; i++)
    {
      g_assert_cmpint (sqlite3_exec (db, "INSERT INTO ZNOTE (Z_ENT, Z_OPT, ZTEXT) "
                                         "SELECT Z_ENT, 1, 'more' FROM Z_PRIMARYKEY WHERE Z_NAME = 'Note'",
                                     NULL, NULL, &message), ==, SQLITE_OK);
    }
  /* A passive checkpoint must not backfill under a reader. */
  g_assert_cmpint (sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL), ==, SQLITE_OK);

  notes = godwit_store_fetch_objects (store, "Note", 0, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (((GodwitObject *) g_ptr_array_index (notes, 0))->attributes, "text"),
                   ==, "first");

  sqlite3_close (db);
  g_clear_object (&store);

  /* Reopened, the new rows are there. */
  store = open_with_model (people.path, model);
  g_assert_cmpint (godwit_store_count_objects (store, "Note", FALSE, NULL, &error), ==, 202);

  g_clear_object (&store);
  people_store_clear (&people);
}

/* ---- real stores -------------------------------------------------------- */

static gint64
count_rows (const char *path,
            const char *sql)
{
  g_autofree char *uri_string = g_strdup_printf ("file:%s?mode=ro&immutable=1", path);
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_open_v2 (uri_string, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &statement, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (statement, 0);
  sqlite3_finalize (statement);
  sqlite3_close (db);

  return count;
}

static void
test_note_store (void)
{
  g_autofree char *fixture = godwit_test_fixture_path ("apple-devices/NoteStore.sqlite");
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GodwitModel) model = NULL;
  g_autoptr(GPtrArray) notes = NULL;
  g_autoptr(GPtrArray) history = NULL;
  g_autoptr(GError) error = NULL;
  guint changes = 0;

  if (fixture == NULL)
    return;

  store = godwit_store_open (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (godwit_store_get_uuid (store), ==, "18ECAF41-5FEE-4A53-B472-A13E1E0753E7");
  g_assert_cmpint (godwit_store_get_framework_version (store), ==, 1145);
  g_assert_cmpuint (g_hash_table_size (godwit_store_get_version_hashes (store)), ==, 18);
  g_assert_true (godwit_store_has_model_cache (store));
  g_assert_true (godwit_store_has_persistent_history (store));

  model = godwit_store_load_cached_model (store, &error);
  g_assert_no_error (error);
  g_assert_true (godwit_store_set_model (store, model, &error));
  g_assert_no_error (error);

  /* Every schema column the model names exists in the real store. */
  for (guint i = 0; i < godwit_store_get_schema_warnings (store)->len; i++)
    g_test_message ("warning: %s", (char *) g_ptr_array_index (godwit_store_get_schema_warnings (store), i));
  g_assert_cmpuint (godwit_store_get_schema_warnings (store)->len, ==, 0);

  g_assert_cmpint (godwit_store_count_objects (store, "ICNote", FALSE, NULL, &error), ==,
                   count_rows (fixture, "SELECT COUNT(*) FROM ZICCLOUDSYNCINGOBJECT WHERE Z_ENT = 11"));
  g_assert_cmpint (godwit_store_count_objects (store, "ICCloudSyncingObject", TRUE, NULL, &error), ==,
                   count_rows (fixture, "SELECT COUNT(*) FROM ZICCLOUDSYNCINGOBJECT"));
  g_assert_no_error (error);

  notes = godwit_store_fetch_objects (store, "ICNote", 0, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, count_rows (fixture, "SELECT COUNT(*) FROM ZICCLOUDSYNCINGOBJECT WHERE Z_ENT = 11"));
  for (guint i = 0; i < notes->len; i++)
    {
      GodwitObject *note = g_ptr_array_index (notes, i);

      g_assert_cmpstr (note->entity, ==, "ICNote");
      g_assert_true (g_str_has_prefix (note->uri, "x-coredata://18ECAF41-5FEE-4A53-B472-A13E1E0753E7/ICNote/p"));
      g_assert_true (json_object_has_member (note->relationships, "folder"));
    }

  history = godwit_store_fetch_history (store, 0, 10000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, count_rows (fixture, "SELECT COUNT(*) FROM ATRANSACTION"));
  for (guint i = 0; i < history->len; i++)
    changes += ((GodwitHistoryTransaction *) g_ptr_array_index (history, i))->changes->len;
  g_assert_cmpuint (changes, ==, count_rows (fixture, "SELECT COUNT(*) FROM ACHANGE"));
  /* Interned strings are resolved: transaction 3's bundle id. */
  g_assert_cmpstr (((GodwitHistoryTransaction *) g_ptr_array_index (history, 2))->bundle_id, ==,
                   "com.apple.mobilenotes");
}

static void
test_schema_only (void)
{
  g_autofree char *fixture = godwit_test_fixture_path ("apple-devices/kik.sqlite");
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *entities;

  if (fixture == NULL)
    return;

  store = godwit_store_open (fixture, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (godwit_store_has_model_cache (store));
  g_assert_null (godwit_store_load_cached_model (store, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_NO_MODEL);
  g_clear_error (&error);
  g_assert_null (godwit_store_get_model (store));

  entities = godwit_store_get_entities (store);
  g_assert_cmpuint (entities->len, ==, count_rows (fixture, "SELECT COUNT(*) FROM Z_PRIMARYKEY WHERE Z_ENT < 16000"));

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitStoreEntity *entity = g_ptr_array_index (entities, i);
      g_autofree char *sql = NULL;
      g_autoptr(GPtrArray) objects = NULL;
      gint64 count;

      if (entity->table == NULL)
        continue;

      sql = g_strdup_printf ("SELECT COUNT(*) FROM %s WHERE Z_ENT = %u", entity->table, entity->entity_number);
      count = godwit_store_count_objects (store, entity->name, FALSE, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (count, ==, count_rows (fixture, sql));

      objects = godwit_store_fetch_objects (store, entity->name, 0, 5, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (objects->len, <=, 5);
    }
}

static void
test_version_match (void)
{
  g_autofree char *bundle_path = godwit_test_fixture_path ("wibosco-revised/CoreDataMigration_Example.xcdatamodeld");
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GError) error = NULL;

  if (bundle_path == NULL)
    return;

  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);

  for (guint n = 1; n <= 3; n++)
    {
      g_autofree char *relative = g_strdup_printf ("wibosco-revised/stores/CoreDataMigration_Example_%u.sqlite", n);
      g_autofree char *path = godwit_test_fixture_path (relative);
      g_autofree char *expected = n == 1 ? g_strdup ("CoreDataMigration_Example")
                                         : g_strdup_printf ("CoreDataMigration_Example %u", n);
      g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);
      g_autoptr(GodwitVersionMatch) match = NULL;

      g_assert_no_error (error);
      match = godwit_version_match_new (godwit_store_get_version_hashes (store), NULL, bundle);
      g_assert_nonnull (godwit_version_match_get_matched_version (match));
      g_assert_cmpuint (godwit_version_match_get_matching_versions (match)->len, ==, 1);
      g_assert_cmpstr (godwit_model_get_version_name (godwit_version_match_get_matched_version (match)), ==, expected);
    }

  /* Store 3 against a bundle lacking version 3: the nearest is named and the
   * cached model explains the difference. */
  {
    g_autofree char *path = godwit_test_fixture_path ("wibosco-revised/stores/CoreDataMigration_Example_3.sqlite");
    g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);
    g_autoptr(GodwitModel) cached = godwit_store_load_cached_model (store, &error);
    GodwitModel *v4 = godwit_model_bundle_find_version (bundle, "CoreDataMigration_Example 4");
    g_autoptr(GodwitModelBundle) only_v4 = godwit_model_bundle_new_for_model (v4, GODWIT_MODEL_BUNDLE_KIND_XCDATAMODEL);
    g_autoptr(GodwitVersionMatch) match = godwit_version_match_new (godwit_store_get_version_hashes (store),
                                                                    cached, only_v4);
    GPtrArray *differences = godwit_version_match_get_differences (match);
    gboolean found = FALSE;

    g_assert_no_error (error);
    g_assert_null (godwit_version_match_get_matched_version (match));
    g_assert_true (godwit_version_match_get_nearest_version (match) == v4);

    for (guint i = 0; i < differences->len; i++)
      {
        GodwitEntityDifference *difference = g_ptr_array_index (differences, i);

        if (strcmp (difference->entity, "Post") != 0)
          continue;

        g_assert_cmpint (difference->state, ==, GODWIT_ENTITY_MATCH_HASH_DIFFERS);
        for (guint j = 0; j < difference->details->len; j++)
          if (strstr (g_ptr_array_index (difference->details, j), "softDeleted") != NULL)
            found = TRUE;
      }
    g_assert_true (found);
  }
}

/* ---- bad input ------------------------------------------------------------ */

static char *
write_file (const char   *dir,
            const char   *name,
            const guint8 *data,
            gsize         size)
{
  char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, (const char *) data, size, &error);
  g_assert_no_error (error);

  return path;
}

static void
assert_open_fails (const char *path,
                   int         code,
                   const char *words)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitStore) store = godwit_store_open (path, NULL, &error);

  g_assert_null (store);
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  if (words != NULL && strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
}

static void
set_metadata_plist (const char   *path,
                    const guint8 *data,
                    gsize         size)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *statement = NULL;

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "UPDATE Z_METADATA SET Z_PLIST = ?1", -1, &statement, NULL), ==, SQLITE_OK);
  if (data != NULL)
    sqlite3_bind_blob (statement, 1, data, size, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (statement), ==, SQLITE_DONE);
  sqlite3_finalize (statement);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static void
test_bad_input (void)
{
  PeopleStore people = { 0 };
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.sqlite", NULL);
  g_autofree char *empty = write_file (dir, "empty.sqlite", (const guint8 *) "", 0);
  g_autofree char *text = write_file (dir, "text.sqlite", (const guint8 *) "hello, I am not a database at all", 33);
  g_autofree char *plain = g_build_filename (dir, "plain.sqlite", NULL);
  g_autofree char *truncated = NULL;
  g_autofree char *garbage = NULL;
  g_autofree char *null_plist = NULL;
  g_autofree gchar *contents = NULL;
  gsize length = 0;
  sqlite3 *db = NULL;

  assert_open_fails (missing, GODWIT_ERROR_IO, NULL);
  assert_open_fails (dir, GODWIT_ERROR_WRONG_FILE_TYPE, "directory");
  assert_open_fails (empty, GODWIT_ERROR_NOT_SQLITE, "not an SQLite database");
  assert_open_fails (text, GODWIT_ERROR_NOT_SQLITE, "not an SQLite database");

  g_assert_cmpint (sqlite3_open (plain, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE t (x); INSERT INTO t VALUES (1)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  assert_open_fails (plain, GODWIT_ERROR_NOT_CORE_DATA_STORE, "not a Core Data store");

  {
    g_autofree char *not_sqlite = godwit_test_fixture_path ("not-coredata/859631-store.db");
    g_autofree char *firefox = godwit_test_fixture_path ("not-coredata/firefox-places.sqlite");

    if (not_sqlite != NULL)
      assert_open_fails (not_sqlite, GODWIT_ERROR_NOT_SQLITE, NULL);
    if (firefox != NULL)
      assert_open_fails (firefox, GODWIT_ERROR_NOT_CORE_DATA_STORE, NULL);
  }

  /* Garbage and NULL metadata plists. */
  people_store_write (&people, FALSE);
  garbage = g_build_filename (dir, "garbage.sqlite", NULL);
  godwit_test_copy_file (people.path, garbage);
  set_metadata_plist (garbage, (const guint8 *) "bplist00garbagegarbage", 22);
  assert_open_fails (garbage, GODWIT_ERROR_INVALID_PLIST, "Z_METADATA");

  null_plist = g_build_filename (dir, "null.sqlite", NULL);
  godwit_test_copy_file (people.path, null_plist);
  set_metadata_plist (null_plist, NULL, 0);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GodwitStore) store = godwit_store_open (null_plist, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (godwit_store_get_metadata_is_null (store));
    g_assert_cmpuint (plist_dict_get_size (godwit_store_get_metadata (store)), ==, 0);
    g_assert_cmpint (godwit_store_get_framework_version (store), ==, -1);
  }

  /* Truncated pages: the open or the first read fails with a clear error. */
  g_assert_true (g_file_get_contents (people.path, &contents, &length, NULL));
  truncated = write_file (dir, "truncated.sqlite", (const guint8 *) contents, length / 2);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GodwitModel) model = build_people_model ();
    g_autoptr(GodwitStore) store = godwit_store_open (truncated, NULL, &error);

    if (store != NULL)
      {
        gboolean failed = FALSE;

        godwit_store_set_model (store, model, NULL);
        for (guint i = 0; i < godwit_store_get_entities (store)->len && !failed; i++)
          {
            GodwitStoreEntity *entity = g_ptr_array_index (godwit_store_get_entities (store), i);
            g_autoptr(GPtrArray) objects = godwit_store_fetch_objects (store, entity->name, 0, 100, NULL, &error);

            failed = objects == NULL;
          }
        g_assert_true (failed);
      }
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, truncated));
  }

  people_store_clear (&people);
  godwit_test_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/generated/objects", test_generated_objects);
  g_test_add_func ("/store/generated/wal-untouched", test_wal_untouched);
  g_test_add_func ("/store/generated/concurrent-writer", test_concurrent_writer);
  g_test_add_func ("/store/real/note-store", test_note_store);
  g_test_add_func ("/store/real/schema-only", test_schema_only);
  g_test_add_func ("/store/real/version-match", test_version_match);
  g_test_add_func ("/store/bad-input", test_bad_input);

  return g_test_run ();
}
