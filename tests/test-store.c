/* test-store.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-model-bundle.h"
#include "godwit-model-choice.h"
#include "godwit-readonly-vfs-private.h"
#include "godwit-sql-private.h"
#include "godwit-store.h"
#include "godwit-value.h"
#include "godwit-version-match.h"
#include "godwit-test-archive.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

/* ---- a generated store ------------------------------------------------ */

/* Person (with sub-entity Employee) owns Pets (to-one into a hierarchy on
 * the Pet side), belongs to Groups (many-to-many) and keeps an ordered
 * list of Notes. */
static GodwitModel *
build_people_model (void)
{
  GodwitModel *model = godwit_model_new ("People 1", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *person = godwit_test_add_entity (model, "Person", NULL);
  GodwitEntity *employee = godwit_test_add_entity (model, "Employee", "Person");
  GodwitEntity *pet = godwit_test_add_entity (model, "Pet", NULL);
  GodwitEntity *group = godwit_test_add_entity (model, "Group", NULL);
  GodwitEntity *note = godwit_test_add_entity (model, "Note", NULL);

  godwit_test_add_attribute (person, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (person, "born", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_attribute (person, "identifier", GODWIT_ATTRIBUTE_TYPE_UUID);
  godwit_test_add_attribute (person, "active", GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  godwit_test_add_attribute (person, "photo", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_attribute (person, "score", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_attribute (person, "tags", GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE);
  godwit_test_add_relationship (person, "pets", "Pet", "owner", TRUE, FALSE);
  godwit_test_add_relationship (person, "groups", "Group", "members", TRUE, FALSE);
  godwit_test_add_relationship (person, "notes", "Note", "author", TRUE, TRUE);

  godwit_test_add_attribute (employee, "level", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);

  godwit_test_add_attribute (pet, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (pet, "owner", "Person", "pets", FALSE, FALSE);

  godwit_test_add_attribute (group, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (group, "members", "Person", "groups", TRUE, FALSE);
  /* No inverse: Core Data keeps the owner in the Note's row. */
  godwit_test_add_relationship (group, "pinned", "Note", NULL, TRUE, FALSE);

  godwit_test_add_attribute (note, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (note, "author", "Person", "notes", FALSE, FALSE);

  godwit_model_add_version_identifier (model, "1");
  godwit_test_resolve_model (model);

  return model;
}

/* ["a", "b"] as NSKeyedArchiver writes an NSArray. */
static GVariant *
archived_tags (void)
{
  g_autoptr(GBytes) bytes = NULL;
  GodwitTestArchive archive;
  guint array;

  godwit_test_archive_init (&archive);
  array = godwit_test_archive_collection (&archive, "NSArray", (const guint[]) {
    godwit_test_archive_add_string (&archive, "a"),
    godwit_test_archive_add_string (&archive, "b") }, 2);
  bytes = godwit_test_archive_finish (&archive, "NSKeyedArchiver", array);

  return g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE);
}

static const guint8 uuid_bytes[16] = {
  0xc8, 0xad, 0x66, 0x1e, 0x8b, 0x9c, 0x4a, 0x11, 0x90, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
};

typedef struct
{
  GodwitTestStore store;
  gint64 alice, bob, carol;    /* Person, Employee, Person */
  gint64 rex, tom;             /* Pets */
  gint64 knitting;             /* Group */
  gint64 first_note, second_note;
} PeopleStore;

static void
people_store_write (PeopleStore *store,
                    gboolean     keep_wal)
{
  g_autoptr(GodwitModel) model = build_people_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  const guint8 photo[40] = { 0x89, 'P', 'N', 'G' };

  godwit_test_store_init (&store->store, "People.sqlite");
  writer = godwit_test_store_begin (&store->store, model, keep_wal);

  store->alice = godwit_test_insert (writer, "Person",
                                     "name", g_variant_new_string ("Alice"),
                                     /* 2000-01-01T00:00:00Z: 366 days before */
                                     "born", g_variant_new_double (-31622400.0),
                                     "identifier", godwit_test_bytes_value (uuid_bytes, 16),
                                     "active", g_variant_new_boolean (TRUE),
                                     "photo", godwit_test_bytes_value (photo, sizeof photo),
                                     "score", g_variant_new_double (2.5),
                                     "tags", archived_tags (),
                                     NULL);
  store->bob = godwit_test_insert (writer, "Employee", "name", g_variant_new_string ("Bob"),
                                   "level", g_variant_new_int64 (3), NULL);
  store->carol = godwit_test_insert (writer, "Person",
                                     "name", g_variant_new_string ("Carol"), NULL);
  store->rex = godwit_test_insert (writer, "Pet", "name", g_variant_new_string ("Rex"), NULL);
  store->tom = godwit_test_insert (writer, "Pet", "name", g_variant_new_string ("Tom"), NULL);
  store->knitting = godwit_test_insert (writer, "Group",
                                        "title", g_variant_new_string ("Knitting"), NULL);
  store->first_note = godwit_test_insert (writer, "Note",
                                          "text", g_variant_new_string ("first"), NULL);
  store->second_note = godwit_test_insert (writer, "Note",
                                           "text", g_variant_new_string ("second"), NULL);

  godwit_test_relate (writer, "Pet", store->rex, "owner", "Employee", store->bob);
  godwit_test_relate (writer, "Pet", store->tom, "owner", "Person", store->alice);
  godwit_test_relate (writer, "Person", store->alice, "groups", "Group", store->knitting);
  godwit_test_relate (writer, "Employee", store->bob, "groups", "Group", store->knitting);
  /* Ordered: second before first. */
  godwit_test_relate (writer, "Person", store->alice, "notes", "Note", store->second_note);
  godwit_test_relate (writer, "Person", store->alice, "notes", "Note", store->first_note);
  godwit_test_relate (writer, "Group", store->knitting, "pinned", "Note", store->second_note);

  godwit_test_writer_commit (writer);
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
  store = open_with_model (people.store.path, model);

  g_assert_cmpuint (godwit_store_get_schema_warnings (store)->len, ==, 0);
  g_assert_cmpstr (godwit_store_get_uuid (store), ==, people.store.uuid);
  g_assert_cmpint (godwit_store_count_objects (store, "Person", TRUE, NULL, &error), ==, 3);
  g_assert_cmpint (godwit_store_count_objects (store, "Person", FALSE, NULL, &error), ==, 2);
  g_assert_cmpint (godwit_store_count_objects (store, "Employee", TRUE, NULL, &error), ==, 1);
  g_assert_cmpint (godwit_store_count_objects (store, "Pet", FALSE, NULL, &error), ==, 2);
  g_assert_no_error (error);

  persons = godwit_store_fetch_objects (store, "Person", TRUE, 0, 100, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (persons->len, ==, 3);

  {
    g_autoptr(GPtrArray) own = godwit_store_fetch_objects (store, "Person", FALSE, 0, 100, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (own->len, ==, 2);
    g_assert_null (find_object (own, people.bob));
  }

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

  bob_uri = godwit_test_store_dup_uri (&people.store, "Employee", people.bob);
  alice_uri = godwit_test_store_dup_uri (&people.store, "Person", people.alice);
  knitting_uri = godwit_test_store_dup_uri (&people.store, "Group", people.knitting);
  first_uri = godwit_test_store_dup_uri (&people.store, "Note", people.first_note);
  second_uri = godwit_test_store_dup_uri (&people.store, "Note", people.second_note);
  rex_uri = godwit_test_store_dup_uri (&people.store, "Pet", people.rex);
  tom_uri = godwit_test_store_dup_uri (&people.store, "Pet", people.tom);
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
    g_autoptr(GPtrArray) pets = godwit_store_fetch_objects (store, "Pet", TRUE, 0, 10, NULL, &error);
    g_autoptr(GPtrArray) groups = godwit_store_fetch_objects (store, "Group", TRUE, 0, 10, NULL, &error);
    g_autoptr(GPtrArray) notes = godwit_store_fetch_objects (store, "Note", TRUE, 0, 10, NULL, &error);
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
    g_autoptr(GPtrArray) first = godwit_store_fetch_objects (store, "Person", TRUE, 0, 2, NULL, &error);
    g_autoptr(GPtrArray) rest = NULL;

    g_assert_no_error (error);
    g_assert_cmpuint (first->len, ==, 2);
    rest = godwit_store_fetch_objects (store, "Person", TRUE,
                                       ((GodwitObject *) g_ptr_array_index (first, 1))->pk, 2, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (rest->len, ==, 1);
    g_assert_cmpint (((GodwitObject *) g_ptr_array_index (rest, 0))->pk, >,
                     ((GodwitObject *) g_ptr_array_index (first, 1))->pk);
  }

  {
    g_autoptr(GPtrArray) none = godwit_store_fetch_objects (store, "Nobody", TRUE, 0, 2, NULL, &error);

    g_assert_null (none);
    g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
    g_clear_error (&error);
  }

  g_clear_object (&store);
  godwit_test_store_clear (&people.store);
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
  wal = g_strconcat (people.store.path, "-wal", NULL);
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 0);

  for (guint with_shm = 0; with_shm < 2; with_shm++)
    {
      g_autofree char *shm = g_strconcat (people.store.path, "-shm", NULL);

      if (!with_shm)
        g_unlink (shm);

      before = godwit_test_snapshot_directory (people.store.dir);
      {
        g_autoptr(GodwitStore) store = open_with_model (people.store.path, model);
        g_autoptr(GPtrArray) notes = NULL;
        g_autoptr(GError) error = NULL;

        g_assert_cmpstr (godwit_store_get_journal_mode (store), ==, "wal");
        g_assert_cmpint (godwit_store_count_objects (store, "Person", TRUE, NULL, &error), ==, 3);
        notes = godwit_store_fetch_objects (store, "Note", TRUE, 0, 10, NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpuint (notes->len, ==, 2);
      }
      after = godwit_test_snapshot_directory (people.store.dir);
      g_assert_cmpstr (before, ==, after);
      g_clear_pointer (&before, g_free);
      g_clear_pointer (&after, g_free);
    }

  godwit_test_store_clear (&people.store);
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
  store = open_with_model (people.store.path, model);
  g_assert_cmpint (godwit_store_count_objects (store, "Note", FALSE, NULL, &error), ==, 2);

  g_assert_cmpint (sqlite3_open (people.store.path, &db), ==, SQLITE_OK);
  for (guint i = 0; i < 200; i++)
    {
      g_assert_cmpint (sqlite3_exec (db, "INSERT INTO ZNOTE (Z_ENT, Z_OPT, ZTEXT) "
                                         "SELECT Z_ENT, 1, 'more' FROM Z_PRIMARYKEY WHERE Z_NAME = 'Note'",
                                     NULL, NULL, &message), ==, SQLITE_OK);
    }
  /* A passive checkpoint must not backfill under a reader. */
  g_assert_cmpint (sqlite3_wal_checkpoint_v2 (db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL), ==, SQLITE_OK);

  notes = godwit_store_fetch_objects (store, "Note", TRUE, 0, 1000, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (notes->len, ==, 2);
  g_assert_cmpstr (json_object_get_string_member (((GodwitObject *) g_ptr_array_index (notes, 0))->attributes, "text"),
                   ==, "first");

  sqlite3_close (db);
  g_clear_object (&store);

  /* Reopened, the new rows are there. */
  store = open_with_model (people.store.path, model);
  g_assert_cmpint (godwit_store_count_objects (store, "Note", FALSE, NULL, &error), ==, 202);

  g_clear_object (&store);
  godwit_test_store_clear (&people.store);
}

/* More rows than a cache of a few pages holds: their sort spills to a file. */
#define SPILL_ROWS 20000

/* SQLite's own temporary files work on a connection through the read-only
 * VFS: with temp_store = FILE and a tiny cache, a sort of an unindexed
 * column spills to a file, and a temp table lives in one. The store still
 * refuses every write, and it, its -wal and its -shm stay byte for byte. */
static void
test_vfs_temp_files (void)
{
  g_autoptr(GodwitModel) model = godwit_model_new ("Lines", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *line = godwit_test_add_entity (model, "Line", NULL);
  g_autoptr(GodwitStoreWriter) writer = NULL;
  GodwitTestStore test_store = { 0 };
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *previous = NULL;
  sqlite3_stmt *statement = NULL;
  sqlite3 *db = NULL;
  guint n_rows = 0;
  int rc;

  godwit_test_add_attribute (line, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (model);

  godwit_test_store_init (&test_store, "Lines.sqlite");
  writer = godwit_test_store_begin (&test_store, model, TRUE);
  for (guint i = 0; i < SPILL_ROWS; i++)
    {
      /* Not in Z_PK order, and long enough to fill pages fast. */
      g_autofree char *text = g_strdup_printf ("line %05u %s", (i * 7919) % SPILL_ROWS,
                                               "of a text long enough to fill the pages of a sort");

      godwit_test_insert (writer, "Line", "text", g_variant_new_string (text), NULL);
    }
  godwit_test_writer_commit (writer);
  g_clear_object (&writer);

  wal = g_strconcat (test_store.path, "-wal", NULL);
  shm = g_strconcat (test_store.path, "-shm", NULL);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));
  before = godwit_test_snapshot_directory (test_store.dir);

  /* Read-write asked for: the VFS opens the store read-only all the same. */
  _godwit_readonly_vfs_register ();
  g_assert_cmpint (_godwit_sql_open (test_store.path, SQLITE_OPEN_READWRITE, GODWIT_READONLY_VFS_NAME, &db),
                   ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA temp_store = FILE; PRAGMA cache_size = 10;"
                                     "PRAGMA temp.cache_size = 10", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (godwit_test_query_int (db, "PRAGMA temp_store"), ==, 1);

  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT ZTEXT FROM ZLINE ORDER BY ZTEXT", -1, &statement, NULL),
                   ==, SQLITE_OK);
  while ((rc = sqlite3_step (statement)) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (statement, 0);

      g_assert_nonnull (text);
      g_assert_true (previous == NULL || strcmp (previous, text) < 0);
      g_free (previous);
      previous = g_strdup (text);
      n_rows++;
    }
  g_assert_cmpstr (sqlite3_errstr (rc), ==, sqlite3_errstr (SQLITE_DONE));
  sqlite3_finalize (statement);
  g_assert_cmpuint (n_rows, ==, SPILL_ROWS);
  g_assert_true (g_str_has_prefix (previous, "line 19999 "));

  g_assert_cmpint (sqlite3_exec (db, "CREATE TEMP TABLE sorted AS SELECT ZTEXT FROM ZLINE ORDER BY ZTEXT DESC",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (godwit_test_query_int (db, "SELECT count(*) FROM temp.sorted"), ==, SPILL_ROWS);
  godwit_test_assert_query (db, "SELECT substr(ZTEXT, 1, 10) FROM temp.sorted WHERE rowid = 1", "line 19999");

  /* The store's own files stay read-only. */
  g_assert_cmpint (sqlite3_exec (db, "UPDATE ZLINE SET ZTEXT = 'changed'", NULL, NULL, NULL), ==, SQLITE_READONLY);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE ZMORE (Z_PK INTEGER PRIMARY KEY)", NULL, NULL, NULL),
                   ==, SQLITE_READONLY);

  g_assert_cmpint (sqlite3_close (db), ==, SQLITE_OK);
  after = godwit_test_snapshot_directory (test_store.dir);
  g_assert_cmpstr (before, ==, after);

  godwit_test_store_clear (&test_store);
}

/* SQLite as Debian builds it reads a name starting with "file:" as a URI:
 * a store whose file is called that must still be the file opened. */
static void
test_file_colon_name (void)
{
  PeopleStore people = { 0 };
  g_autoptr(GodwitModel) model = build_people_model ();
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *renamed = NULL;

  people_store_write (&people, FALSE);
  renamed = g_build_filename (people.store.dir, "file:People.sqlite", NULL);
  g_assert_cmpint (g_rename (people.store.path, renamed), ==, 0);

  g_assert_cmpint (g_chdir (people.store.dir), ==, 0);
  store = godwit_store_open ("file:People.sqlite", NULL, &error);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_no_error (error);

  g_assert_true (godwit_store_set_model (store, model, &error));
  g_assert_no_error (error);
  g_assert_cmpint (godwit_store_count_objects (store, "Person", TRUE, NULL, &error), ==, 3);
  g_assert_no_error (error);

  g_clear_object (&store);
  godwit_test_store_clear (&people.store);
}

/* The Z_PKs godwit_store_fetch_objects() pages through, in its order. */
static GArray *
fetch_pks (GodwitStore *store,
           const char  *entity_name,
           gboolean     include_subentities)
{
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;
  GArray *pks = g_array_new (FALSE, FALSE, sizeof (gint64));

  objects = godwit_store_fetch_objects (store, entity_name, include_subentities, G_MININT64, 1000, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    g_array_append_val (pks, ((GodwitObject *) g_ptr_array_index (objects, i))->pk);

  return pks;
}

/* godwit_store_find_object_pk() from every Z_PK around the entity's
 * objects, at every offset up to one past the end, against the position
 * in @pks. */
static void
assert_find_object_pk (GodwitStore *store,
                       const char  *entity_name,
                       gboolean     include_subentities,
                       GArray      *pks,
                       gint64       max_pk)
{
  for (gint64 from_pk = 0; from_pk <= max_pk + 1; from_pk++)
    {
      guint first_after = 0;
      int last_at_or_before = -1;

      while (first_after < pks->len && g_array_index (pks, gint64, first_after) <= from_pk)
        first_after++;
      last_at_or_before = (int) first_after - 1;

      for (gint64 offset = 0; offset <= pks->len + 1; offset++)
        {
          g_autoptr(GError) error = NULL;
          gint64 forwards = godwit_store_find_object_pk (store, entity_name, include_subentities,
                                                         from_pk, offset, FALSE, NULL, &error);
          gint64 backwards;

          g_assert_no_error (error);
          backwards = godwit_store_find_object_pk (store, entity_name, include_subentities,
                                                   from_pk, offset, TRUE, NULL, &error);
          g_assert_no_error (error);

          if (first_after + offset < pks->len)
            g_assert_cmpint (forwards, ==, g_array_index (pks, gint64, first_after + offset));
          else
            g_assert_cmpint (forwards, ==, 0);

          if (last_at_or_before - offset >= 0)
            g_assert_cmpint (backwards, ==, g_array_index (pks, gint64, last_at_or_before - offset));
          else
            g_assert_cmpint (backwards, ==, 0);
        }
    }
}

/* Persons and Employees interleaved in one table, some rows deleted:
 * positions count only the entity's objects that are there, with and
 * without the sub-entity, with the model and in the schema-only view. */
static void
test_find_object_pk (void)
{
  g_autoptr(GodwitModel) model = build_people_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  GodwitTestStore test_store = { 0 };
  gint64 max_pk = 0;

  godwit_test_store_init (&test_store, "People.sqlite");
  writer = godwit_test_store_begin (&test_store, model, FALSE);
  for (guint i = 0; i < 24; i++)
    {
      g_autofree char *name = g_strdup_printf ("Person %u", i);

      max_pk = godwit_test_insert (writer, i % 3 == 1 ? "Employee" : "Person",
                                   "name", g_variant_new_string (name), NULL);
    }
  godwit_test_insert (writer, "Pet", "name", g_variant_new_string ("Rex"), NULL);
  godwit_test_insert (writer, "Pet", "name", g_variant_new_string ("Tom"), NULL);
  godwit_test_writer_commit (writer);
  g_clear_object (&writer);

  /* Gaps: the first and the last rows, a run in the middle, and an
   * Employee. */
  godwit_test_execute_sql (test_store.path, "DELETE FROM ZPERSON WHERE Z_PK IN (1, 9, 10, 11, 14, 24)", NULL);

  for (guint with_model = 0; with_model < 2; with_model++)
    {
      g_autoptr(GodwitStore) store = open_with_model (test_store.path, with_model ? model : NULL);
      g_autoptr(GArray) persons = fetch_pks (store, "Person", TRUE);
      g_autoptr(GArray) own_persons = fetch_pks (store, "Person", FALSE);
      g_autoptr(GArray) employees = fetch_pks (store, "Employee", TRUE);
      g_autoptr(GArray) pets = fetch_pks (store, "Pet", TRUE);

      g_assert_cmpuint (persons->len, ==, 18);
      g_assert_cmpuint (own_persons->len, ==, 12);
      g_assert_cmpuint (employees->len, ==, 6);
      g_assert_cmpuint (pets->len, ==, 2);

      assert_find_object_pk (store, "Person", TRUE, persons, max_pk);
      assert_find_object_pk (store, "Person", FALSE, own_persons, max_pk);
      assert_find_object_pk (store, "Employee", TRUE, employees, max_pk);
      assert_find_object_pk (store, "Pet", TRUE, pets, 2);

      /* Spot checks that do not lean on godwit_store_fetch_objects(). */
      g_assert_cmpint (godwit_store_find_object_pk (store, "Person", TRUE, 0, 0, FALSE, NULL, &error), ==, 2);
      g_assert_cmpint (godwit_store_find_object_pk (store, "Person", FALSE, 8, 1, FALSE, NULL, &error), ==, 13);
      g_assert_cmpint (godwit_store_find_object_pk (store, "Employee", TRUE, 15, 0, TRUE, NULL, &error), ==, 8);
      g_assert_cmpint (godwit_store_find_object_pk (store, "Person", TRUE, G_MAXINT64, 0, TRUE, NULL, &error), ==, 23);
      g_assert_cmpint (godwit_store_find_object_pk (store, "Person", TRUE, G_MININT64, 17, FALSE, NULL, &error), ==, 23);
      g_assert_cmpint (godwit_store_find_object_pk (store, "Person", TRUE, G_MININT64, 18, FALSE, NULL, &error), ==, 0);
      g_assert_cmpint (godwit_store_find_object_pk (store, "Person", TRUE, G_MAXINT64, 18, TRUE, NULL, &error), ==, 0);
      g_assert_no_error (error);

      g_assert_cmpint (godwit_store_find_object_pk (store, "Nobody", TRUE, 0, 0, FALSE, NULL, &error), ==, -1);
      g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_UNKNOWN_ENTITY);
      g_clear_error (&error);
    }

  godwit_test_store_clear (&test_store);
}

/* ---- values as text ---------------------------------------------------- */

static char *
dup_double_text (double value)
{
  g_autoptr(JsonNode) node = json_node_init_double (json_node_alloc (), value);

  return godwit_value_dup_text (node, 0);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_copy (json_parser_get_root (parser));
}

static void
assert_value_text (const char *json,
                   guint       max_chars,
                   const char *expected)
{
  g_autoptr(JsonNode) node = parse_json (json);
  g_autofree char *text = godwit_value_dup_text (node, max_chars);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_value_text (void)
{
  const struct
  {
    double      value;
    const char *text;
  } doubles[] = {
    { 2.1, "2.1" },
    { 0.1, "0.1" },
    { 12.1, "12.1" },
    { 1.0 / 3.0, "0.3333333333333333" },     /* 16 digits */
    { 0.1 + 0.2, "0.30000000000000004" },    /* 17 digits */
    { 3.0, "3.0" },                          /* a double still */
    { -0.0, "-0.0" },
    { -2.5, "-2.5" },
    { 1e22, "1e+22" },
    { 1.5e-7, "1.5e-07" },
    { -31622400.0, "-31622400.0" },
    { G_MAXDOUBLE, "1.7976931348623157e+308" },
  };
  g_autoptr(GRand) rand = g_rand_new_with_seed (2026);
  g_autoptr(GString) long_array = g_string_new ("[");

  for (guint i = 0; i < G_N_ELEMENTS (doubles); i++)
    {
      g_autofree char *text = dup_double_text (doubles[i].value);

      g_assert_cmpstr (text, ==, doubles[i].text);
    }

  /* Any double reads back as itself. */
  for (guint i = 0; i < 10000; i++)
    {
      guint64 bits = ((guint64) g_rand_int (rand) << 32) | g_rand_int (rand);
      g_autofree char *text = NULL;
      double value;

      memcpy (&value, &bits, sizeof value);
      if (!isfinite (value))
        continue;

      text = dup_double_text (value);
      g_assert_true (g_ascii_strtod (text, NULL) == value);
    }

  /* Strings escaped as json-glib escapes them, every ASCII character
   * and a few others; but U+001F, which json-glib 1.6 leaves raw. */
  for (guint c = 1; c < 0x80; c++)
    {
      char string[2] = { (char) c, '\0' };
      g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), string);
      g_autofree char *text = godwit_value_dup_text (node, 0);
      g_autofree char *expected = c == 0x1f ? g_strdup ("\"\\u001f\"") : json_to_string (node, FALSE);

      g_assert_cmpstr (text, ==, expected);
    }

  /* Without doubles, exactly what json-glib writes. */
  {
    const char *json = "{\"name\":\"Ann \\\"Ø€😀\\u2028\\\"\\n\\u0001\\u007f/\",\"\\t\":-9223372036854775808,\"null\":null,\"text\":\"null\","
                       "\"list\":[1,-2,true,false,{},[]],\"nested\":{\"a\":{\"b\":[\"x\"]}}}";
    g_autoptr(JsonNode) node = parse_json (json);
    g_autofree char *text = godwit_value_dup_text (node, 0);
    g_autofree char *expected = json_to_string (node, FALSE);

    g_assert_cmpstr (text, ==, expected);
  }

  /* Doubles inside objects and arrays too. */
  assert_value_text ("{\"price\":12.1,\"list\":[2.1,3.0,4]}", 0, "{\"price\":12.1,\"list\":[2.1,3.0,4]}");
  assert_value_text ("\"null\"", 0, "\"null\"");
  assert_value_text ("null", 0, "null");

  /* Cut to max_chars characters, “…” included. */
  assert_value_text ("\"abcdefgh\"", 5, "\"abc…");
  assert_value_text ("\"abcdefgh\"", 10, "\"abcdefgh\"");
  assert_value_text ("\"ØØØØØØ\"", 4, "\"ØØ…");
  assert_value_text ("[2.1]", 1, "…");

  /* Bytes that are not UTF-8, from a caller that did not check them,
   * are counted as U+FFFD. */
  {
    g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), "ab\xf0");
    g_autofree char *text = godwit_value_dup_text (node, 5);

    g_assert_cmpstr (text, ==, "\"ab\xef\xbf\xbd\"");
    g_clear_pointer (&text, g_free);
    text = godwit_value_dup_text (node, 4);
    g_assert_cmpstr (text, ==, "\"ab…");
  }

  /* A value far longer than the cut is not written out in full first,
   * and still comes out right. */
  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (long_array, "%s%u", i > 0 ? "," : "", i);
  g_string_append_c (long_array, ']');
  assert_value_text (long_array->str, 12, "[0,1,2,3,4,…");
}

/* ---- real stores -------------------------------------------------------- */

static gint64
count_rows (const char *path,
            const char *sql)
{
  sqlite3 *db = godwit_test_open_read_only (path, TRUE);
  gint64 count = godwit_test_query_int (db, sql);

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

  notes = godwit_store_fetch_objects (store, "ICNote", TRUE, 0, 1000, NULL, &error);
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

      objects = godwit_store_fetch_objects (store, entity->name, TRUE, 0, 5, NULL, &error);
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

/* The model a store is read with: the bundle's version it matches, else
 * its cached model, else none; a damaged cache is kept as a message. */
static void
test_model_choice (void)
{
  g_autofree char *bundle_path = godwit_test_fixture_path (GODWIT_TEST_WIBOSCO_BUNDLE);
  g_autofree char *other_path = godwit_test_fixture_path (GODWIT_TEST_BERGIER_BUNDLE);
  g_autofree char *fixture = godwit_test_fixture_path ("wibosco-revised/stores/CoreDataMigration_Example_3.sqlite");
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitModelBundle) other = NULL;
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *damaged = NULL;

  if (bundle_path == NULL || other_path == NULL || fixture == NULL)
    return;

  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  g_assert_no_error (error);
  other = godwit_model_bundle_new_for_path (other_path, &error);
  g_assert_no_error (error);
  store = godwit_store_open (fixture, NULL, &error);
  g_assert_no_error (error);

  {
    g_autoptr(GodwitModelChoice) choice = godwit_model_choice_new (store, bundle);

    g_assert_cmpint (godwit_model_choice_get_source (choice), ==, GODWIT_MODEL_CHOICE_FROM_BUNDLE);
    g_assert_true (godwit_model_choice_get_model (choice) ==
                   godwit_model_bundle_find_version (bundle, "CoreDataMigration_Example 3"));
    g_assert_true (godwit_version_match_get_matched_version (godwit_model_choice_get_bundle_match (choice)) ==
                   godwit_model_choice_get_model (choice));
    g_assert_nonnull (godwit_model_choice_get_cached_model (choice));
    g_assert_null (godwit_model_choice_get_cached_model_error (choice));
  }

  /* A bundle of another app: the cached model, and the match says why. */
  {
    g_autoptr(GodwitModelChoice) choice = godwit_model_choice_new (store, other);
    GodwitVersionMatch *match = godwit_model_choice_get_bundle_match (choice);

    g_assert_cmpint (godwit_model_choice_get_source (choice), ==, GODWIT_MODEL_CHOICE_FROM_STORE_CACHE);
    g_assert_true (godwit_model_choice_get_model (choice) == godwit_model_choice_get_cached_model (choice));
    g_assert_nonnull (match);
    g_assert_null (godwit_version_match_get_matched_version (match));
  }

  {
    g_autoptr(GodwitModelChoice) choice = godwit_model_choice_new (store, NULL);

    g_assert_cmpint (godwit_model_choice_get_source (choice), ==, GODWIT_MODEL_CHOICE_FROM_STORE_CACHE);
    g_assert_nonnull (godwit_model_choice_get_model (choice));
    g_assert_cmpstr (godwit_model_get_version_name (godwit_model_choice_get_model (choice)), ==,
                     godwit_model_get_version_name (godwit_model_choice_get_cached_model (choice)));
    g_assert_null (godwit_model_choice_get_bundle_match (choice));
  }
  g_clear_object (&store);

  /* A damaged cache: the bundle still decides, and without one there is
   * no model. */
  tmpdir = godwit_test_make_tmpdir ();
  damaged = g_build_filename (tmpdir, "Damaged.sqlite", NULL);
  godwit_test_copy_store (fixture, damaged);
  godwit_test_execute_sql (damaged, "UPDATE Z_MODELCACHE SET Z_CONTENT = x'00010203'", NULL);
  store = godwit_store_open (damaged, NULL, &error);
  g_assert_no_error (error);

  {
    g_autoptr(GodwitModelChoice) with_bundle = godwit_model_choice_new (store, bundle);
    g_autoptr(GodwitModelChoice) without = godwit_model_choice_new (store, NULL);

    g_assert_cmpint (godwit_model_choice_get_source (with_bundle), ==, GODWIT_MODEL_CHOICE_FROM_BUNDLE);
    g_assert_nonnull (godwit_model_choice_get_cached_model_error (with_bundle));

    g_assert_cmpint (godwit_model_choice_get_source (without), ==, GODWIT_MODEL_CHOICE_NONE);
    g_assert_null (godwit_model_choice_get_model (without));
    g_assert_null (godwit_model_choice_get_cached_model (without));
    g_assert_nonnull (strstr (godwit_model_choice_get_cached_model_error (without), damaged));
  }

  g_clear_object (&store);
  godwit_test_rmdir (tmpdir);
}

static void
test_bad_input (void)
{
  PeopleStore people = { 0 };
  g_autofree char *dir = godwit_test_make_tmpdir ();
  g_autofree char *missing = g_build_filename (dir, "missing.sqlite", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.sqlite", NULL);
  g_autofree char *text = g_build_filename (dir, "text.sqlite", NULL);
  g_autofree char *plain = g_build_filename (dir, "plain.sqlite", NULL);
  g_autofree char *truncated = g_build_filename (dir, "truncated.sqlite", NULL);
  g_autofree char *garbage = g_build_filename (dir, "garbage.sqlite", NULL);
  g_autofree char *null_plist = g_build_filename (dir, "null.sqlite", NULL);
  g_autoptr(GBytes) garbage_plist = g_bytes_new_static ("bplist00garbagegarbage", 22);
  sqlite3 *db = NULL;

  godwit_test_write_file (empty, "", 0);
  godwit_test_write_file (text, "hello, I am not a database at all", 33);
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
  godwit_test_copy_file (people.store.path, garbage);
  godwit_test_execute_sql (garbage, "UPDATE Z_METADATA SET Z_PLIST = ?1", garbage_plist);
  assert_open_fails (garbage, GODWIT_ERROR_INVALID_PLIST, "Z_METADATA");

  godwit_test_copy_file (people.store.path, null_plist);
  godwit_test_execute_sql (null_plist, "UPDATE Z_METADATA SET Z_PLIST = NULL", NULL);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GodwitStore) store = godwit_store_open (null_plist, NULL, &error);

    g_assert_no_error (error);
    g_assert_true (godwit_store_get_metadata_is_null (store));
    g_assert_cmpuint (plist_dict_get_size (godwit_store_get_metadata (store)), ==, 0);
    g_assert_cmpint (godwit_store_get_framework_version (store), ==, -1);
  }

  /* Truncated pages: the open or the first read fails with a clear error. */
  godwit_test_copy_first_half (people.store.path, truncated);
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
            g_autoptr(GPtrArray) objects = godwit_store_fetch_objects (store, entity->name, TRUE, 0, 100, NULL, &error);

            failed = objects == NULL;
          }
        g_assert_true (failed);
      }
    g_assert_nonnull (error);
    g_assert_nonnull (strstr (error->message, truncated));
  }

  godwit_test_store_clear (&people.store);
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
  g_test_add_func ("/store/generated/file-colon-name", test_file_colon_name);
  g_test_add_func ("/store/generated/vfs-temp-files", test_vfs_temp_files);
  g_test_add_func ("/store/generated/find-object-pk", test_find_object_pk);
  g_test_add_func ("/store/value-text", test_value_text);
  g_test_add_func ("/store/real/note-store", test_note_store);
  g_test_add_func ("/store/real/schema-only", test_schema_only);
  g_test_add_func ("/store/real/version-match", test_version_match);
  g_test_add_func ("/store/real/model-choice", test_model_choice);
  g_test_add_func ("/store/bad-input", test_bad_input);

  return g_test_run ();
}
