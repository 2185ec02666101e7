/* test-store-writer.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-model-xml-private.h"
#include "godwit-value.h"
#include "godwit-test-model.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"

#define WIBOSCO_V3 "wibosco-revised/CoreDataMigration_Example.xcdatamodeld/" \
                   "CoreDataMigration_Example 3.xcdatamodel/contents"
#define WIBOSCO_V3_STORE "wibosco-revised/stores/CoreDataMigration_Example_3.sqlite"

/* ---- helpers ------------------------------------------------------------ */

static void
assert_query (sqlite3    *db,
              const char *sql,
              const char *expected)
{
  g_autofree char *result = godwit_test_query (db, sql);

  g_assert_cmpstr (result, ==, expected);
}

/* The store's statements, in creation order, are the layout's. */
static void
assert_schema_is_layout (sqlite3           *db,
                         GodwitStoreLayout *layout)
{
  g_auto(GStrv) expected = godwit_store_layout_dup_schema_sql (layout);
  g_autofree char *joined = g_strjoinv ("\n", expected);

  assert_query (db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid", joined);
}

/* The single Z_METADATA row: version 1, the UUID in @uuid and the plist. */
static plist_t
read_metadata (sqlite3  *db,
               char    **uuid)
{
  assert_query (db, "SELECT count(*), Z_VERSION FROM Z_METADATA", "1|1");
  *uuid = godwit_test_query (db, "SELECT Z_UUID FROM Z_METADATA");

  return godwit_test_read_metadata (db);
}

static char *
metadata_string (plist_t     metadata,
                 const char *key)
{
  plist_t node = plist_dict_get_item (metadata, key);
  char *value = NULL;
  char *copy;

  if (node == NULL)
    return NULL;
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_STRING);
  plist_get_string_val (node, &value);
  copy = g_strdup (value);
  free (value);

  return copy;
}

static guint64
metadata_uint (plist_t     metadata,
               const char *key)
{
  plist_t node = plist_dict_get_item (metadata, key);
  uint64_t value = 0;

  g_assert_nonnull (node);
  g_assert_cmpint (plist_get_node_type (node), ==, PLIST_UINT);
  plist_get_uint_val (node, &value);

  return value;
}

/* "Name=hex,…" of NSStoreModelVersionHashes, by name. */
static char *
metadata_hashes (plist_t metadata)
{
  plist_t hashes = plist_dict_get_item (metadata, "NSStoreModelVersionHashes");
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);
  plist_dict_iter iter = NULL;
  char *key = NULL;
  plist_t value = NULL;

  g_assert_nonnull (hashes);
  plist_dict_new_iter (hashes, &iter);
  for (plist_dict_next_item (hashes, iter, &key, &value); key != NULL;
       plist_dict_next_item (hashes, iter, &key, &value))
    {
      uint64_t length = 0;
      const char *data = plist_get_data_ptr (value, &length);
      g_autofree char *hex = godwit_hex_encode ((const guint8 *) data, length);

      g_ptr_array_add (entries, g_strdup_printf ("%s=%s", key, hex));
      free (key);
      key = NULL;
    }
  free (iter);

  g_ptr_array_sort (entries, godwit_test_compare_strings);
  g_ptr_array_add (entries, NULL);

  return g_strjoinv (",", (char **) entries->pdata);
}

static char *
model_hashes (GodwitModel *model)
{
  GPtrArray *entities = godwit_model_get_entities (model);
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitEntity *entity = g_ptr_array_index (entities, i);
      g_autofree char *hex = godwit_entity_dup_version_hash_hex (entity);

      g_ptr_array_add (entries, g_strdup_printf ("%s=%s", entity->name, hex));
    }
  g_ptr_array_add (entries, NULL);

  return g_strjoinv (",", (char **) entries->pdata);
}

static char *
metadata_identifiers (plist_t metadata)
{
  plist_t array = plist_dict_get_item (metadata, "NSStoreModelVersionIdentifiers");
  g_autoptr(GPtrArray) identifiers = g_ptr_array_new_with_free_func (g_free);

  g_assert_nonnull (array);
  g_assert_cmpint (plist_get_node_type (array), ==, PLIST_ARRAY);
  for (uint32_t i = 0; i < plist_array_get_size (array); i++)
    {
      char *value = NULL;

      plist_get_string_val (plist_array_get_item (array, i), &value);
      g_ptr_array_add (identifiers, g_strdup_printf ("“%s”", value));
      free (value);
    }
  g_ptr_array_add (identifiers, NULL);

  return g_strjoinv (",", (char **) identifiers->pdata);
}

/* ---- the wibosco version 3 model --------------------------------------- */

static GodwitModel *
load_wibosco_v3 (void)
{
  g_autofree char *contents = godwit_test_fixture_path (WIBOSCO_V3);
  g_autoptr(GError) error = NULL;
  GodwitModel *model;

  if (contents == NULL)
    return NULL;

  model = _godwit_model_new_from_xml (contents, "CoreDataMigration_Example 3", &error);
  g_assert_no_error (error);

  return model;
}

static void
test_wibosco_v3 (void)
{
  g_autoptr(GodwitModel) model = load_wibosco_v3 ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *real_path = NULL;
  g_autofree char *real_copy = NULL;
  g_autofree char *uuid = NULL;
  g_autofree char *real_uuid = NULL;
  g_autofree char *string = NULL;
  g_autofree char *other = NULL;
  gint64 post1, post2, section1, section2, section3;
  plist_t metadata;
  plist_t real_metadata;
  sqlite3 *db;
  sqlite3 *real;

  if (model == NULL)
    return;
  real_path = godwit_test_fixture_path (WIBOSCO_V3_STORE);
  if (real_path == NULL)
    return;

  tmpdir = godwit_test_make_tmpdir ();
  path = g_build_filename (tmpdir, "Example_3.sqlite", NULL);
  writer = godwit_test_writer_new (model, path);
  godwit_test_writer_begin (writer);

  /* 2019-01-01T00:00:00Z and 2019-06-01T12:30:00Z, seconds since 2001. */
  post1 = godwit_test_insert (writer, "Post", "date", g_variant_new_double (567993600.0),
                              "hexColor", g_variant_new_string ("#FF0000"),
                              "postID", g_variant_new_string ("p1"), NULL);
  post2 = godwit_test_insert (writer, "Post", "postID", g_variant_new_string ("p2"),
                              "date", g_variant_new_double (581085000.5), NULL);
  section1 = godwit_test_insert (writer, "Section", "body", g_variant_new_string ("Hello world"),
                                 "title", g_variant_new_string ("Hell..."), NULL);
  section2 = godwit_test_insert (writer, "Section", "body", g_variant_new_string ("Second"),
                                 "index", g_variant_new_int64 (1), NULL);
  section3 = godwit_test_insert (writer, "Section", "title", NULL, NULL);
  g_assert_cmpint (post1, ==, 1);
  g_assert_cmpint (post2, ==, 2);
  g_assert_cmpint (section3, ==, 3);

  godwit_test_relate (writer, "Section", section1, "post", "Post", post1);
  godwit_test_relate (writer, "Post", post1, "sections", "Section", section2);
  godwit_test_relate (writer, "Post", post2, "sections", "Section", section3);
  godwit_test_writer_commit (writer);

  db = godwit_test_open_read_only (path, FALSE);
  assert_schema_is_layout (db, godwit_store_writer_get_layout (writer));
  assert_query (db, "PRAGMA journal_mode", "wal");
  assert_query (db, "PRAGMA auto_vacuum", "2");
  assert_query (db, "SELECT * FROM Z_PRIMARYKEY ORDER BY Z_ENT", "1|Post|0|2\n2|Section|0|3");
  /* TIMESTAMP has NUMERIC affinity: SQLite keeps a whole number of seconds
   * as an integer, as in Core Data's own stores (Screen Time's ZSTARTDATE). */
  assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, typeof(ZDATE), ZDATE, ZHEXCOLOR, ZPOSTID "
                    "FROM ZPOST ORDER BY Z_PK",
                "1|1|1|integer|567993600|#FF0000|p1\n"
                "2|1|1|real|581085000.5|NULL|p2");
  /* index takes the model's default, 0, unless given or set to NULL. */
  assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, ZINDEX, ZPOST, ZBODY, ZTITLE "
                    "FROM ZSECTION ORDER BY Z_PK",
                "1|2|1|0|1|Hello world|Hell...\n"
                "2|2|1|1|1|Second|NULL\n"
                "3|2|1|0|2|NULL|NULL");

  metadata = read_metadata (db, &uuid);
  sqlite3_close (db);
  g_assert_cmpstr (uuid, ==, godwit_store_writer_get_uuid (writer));
  g_assert_cmpuint (strlen (uuid), ==, 36);
  g_assert_true (g_uuid_string_is_valid (uuid));
  for (const char *p = uuid; *p != '\0'; p++)
    g_assert_false (g_ascii_islower (*p));

  g_assert_cmpuint (metadata_uint (metadata, "NSPersistenceFrameworkVersion"), ==, 1345);
  g_assert_cmpuint (metadata_uint (metadata, "NSStoreModelVersionHashesVersion"), ==, 3);
  string = metadata_string (metadata, "NSStoreType");
  g_assert_cmpstr (string, ==, "SQLite");
  g_free (string);
  string = metadata_string (metadata, "_NSAutoVacuumLevel");
  g_assert_cmpstr (string, ==, "2");
  g_free (string);
  string = metadata_string (metadata, "NSStoreModelVersionHashesDigest");
  other = godwit_model_dup_version_hashes_digest (model);
  g_assert_cmpstr (string, ==, other);
  g_free (string);
  g_free (other);
  string = metadata_string (metadata, "NSStoreModelVersionChecksumKey");
  other = godwit_model_dup_version_checksum (model);
  g_assert_cmpstr (string, ==, other);
  g_free (string);
  g_free (other);
  string = metadata_hashes (metadata);
  other = model_hashes (model);
  g_assert_cmpstr (string, ==, other);
  g_free (string);
  g_free (other);
  string = metadata_identifiers (metadata);
  g_assert_cmpstr (string, ==, "“”");
  g_clear_pointer (&string, g_free);

  /* The same hashes and identifiers as the store Core Data wrote for this
   * model version, and the same schema. */
  real_copy = g_build_filename (tmpdir, "real.sqlite", NULL);
  godwit_test_copy_file (real_path, real_copy);
  real = godwit_test_open_read_only (real_copy, FALSE);
  real_metadata = read_metadata (real, &real_uuid);
  string = metadata_hashes (real_metadata);
  other = metadata_hashes (metadata);
  g_assert_cmpstr (string, ==, other);
  g_free (string);
  g_free (other);
  string = metadata_identifiers (real_metadata);
  other = metadata_identifiers (metadata);
  g_assert_cmpstr (string, ==, other);
  g_clear_pointer (&other, g_free);
  g_free (string);
  string = godwit_test_query (real, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL "
                                    "ORDER BY rowid");
  db = godwit_test_open_read_only (path, FALSE);
  assert_query (db, "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid", string);
  sqlite3_close (db);
  sqlite3_close (real);

  plist_free (real_metadata);
  plist_free (metadata);
  godwit_test_rmdir (tmpdir);
}

/* ---- a rich programmatic model ----------------------------------------- */

/* Library: Shelf ←ordered→> Book; Book <<→> Tag (ordered on Book's side);
 * Book <<→> Book (similar, reflexive); Book ↔ Cover (one-to-one);
 * Loan → Item (abstract, with sub-entities Book and Magazine);
 * Shelf →> Note (ordered, without inverse). */
static GodwitModel *
new_library_model (void)
{
  GodwitModel *model = godwit_model_new ("library", GODWIT_MODEL_SOURCE_WRITER);
  GodwitEntity *item = godwit_test_add_entity (model, "Item", NULL);
  GodwitEntity *book = godwit_test_add_entity (model, "Book", "Item");
  GodwitEntity *magazine = godwit_test_add_entity (model, "Magazine", "Item");
  GodwitEntity *shelf = godwit_test_add_entity (model, "Shelf", NULL);
  GodwitEntity *tag = godwit_test_add_entity (model, "Tag", NULL);
  GodwitEntity *cover = godwit_test_add_entity (model, "Cover", NULL);
  GodwitEntity *loan = godwit_test_add_entity (model, "Loan", NULL);
  GodwitEntity *note = godwit_test_add_entity (model, "Note", NULL);

  item->abstract = TRUE;
  godwit_test_add_attribute (item, "title", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_attribute (item, "identifier", GODWIT_ATTRIBUTE_TYPE_UUID);
  godwit_test_add_relationship (item, "loans", "Loan", "item", TRUE, FALSE);
  godwit_test_add_uniqueness_constraint (item, (const char * const[]) { "identifier", NULL });

  godwit_test_add_attribute (book, "pages", GODWIT_ATTRIBUTE_TYPE_INTEGER_16);
  godwit_test_add_attribute (book, "words", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);
  godwit_test_add_attribute (book, "isbn", GODWIT_ATTRIBUTE_TYPE_INTEGER_64);
  godwit_test_add_attribute (book, "signed", GODWIT_ATTRIBUTE_TYPE_BOOLEAN);
  godwit_test_add_attribute (book, "rating", GODWIT_ATTRIBUTE_TYPE_DOUBLE);
  godwit_test_add_attribute (book, "weight", GODWIT_ATTRIBUTE_TYPE_FLOAT);
  godwit_test_add_attribute (book, "published", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_attribute (book, "price", GODWIT_ATTRIBUTE_TYPE_DECIMAL);
  godwit_test_add_attribute (book, "link", GODWIT_ATTRIBUTE_TYPE_URI);
  godwit_test_add_attribute (book, "scan", GODWIT_ATTRIBUTE_TYPE_BINARY);
  godwit_test_add_attribute (book, "extra", GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE);
  godwit_test_add_relationship (book, "shelf", "Shelf", "books", FALSE, FALSE);
  godwit_test_add_relationship (book, "tags", "Tag", "books", TRUE, TRUE);
  godwit_test_add_relationship (book, "similar", "Book", "similarInverse", TRUE, FALSE);
  godwit_test_add_relationship (book, "similarInverse", "Book", "similar", TRUE, FALSE);
  godwit_test_add_relationship (book, "cover", "Cover", "book", FALSE, FALSE);

  godwit_test_add_attribute (magazine, "issue", GODWIT_ATTRIBUTE_TYPE_INTEGER_32);

  godwit_test_add_attribute (shelf, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (shelf, "books", "Book", "shelf", TRUE, TRUE);
  godwit_test_add_relationship (shelf, "notes", "Note", NULL, TRUE, TRUE);

  godwit_test_add_attribute (tag, "name", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (tag, "books", "Book", "tags", TRUE, FALSE);

  godwit_test_add_attribute (cover, "color", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_add_relationship (cover, "book", "Book", "cover", FALSE, FALSE);

  godwit_test_add_attribute (loan, "due", GODWIT_ATTRIBUTE_TYPE_DATE);
  godwit_test_add_relationship (loan, "item", "Item", "loans", FALSE, FALSE);

  godwit_test_add_attribute (note, "text", GODWIT_ATTRIBUTE_TYPE_STRING);
  godwit_test_resolve_model (model);

  return model;
}

static void
test_library (void)
{
  static const guint8 uuid_bytes[16] = { 0xc8, 0xad, 0x66, 0x1e, 0x8b, 0x9c, 0x4d, 0x21,
                                         0x9a, 0x3b, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 };
  static const guint8 scan[3] = { 0x00, 0xff, 0x10 };
  g_autoptr(GodwitModel) model = new_library_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "library.sqlite", NULL);
  g_autofree char *uuid = NULL;
  GodwitStoreLayout *layout;
  gint64 book1, book2, book3, magazine, shelf1, shelf2, tag1, tag2;
  gint64 cover, loan1, loan2, note1, note2;
  plist_t metadata;
  sqlite3 *db;

  writer = godwit_test_writer_new (model, path);
  godwit_store_writer_set_persistent_history (writer, TRUE);
  godwit_test_writer_begin (writer);
  layout = godwit_store_writer_get_layout (writer);
  g_assert_true (godwit_store_layout_get_persistent_history (layout));

  book1 = godwit_test_insert (writer, "Book",
                              "title", g_variant_new_string ("Dune"),
                              "identifier", godwit_test_bytes_value (uuid_bytes, 16),
                              "pages", g_variant_new_int64 (-32768),
                              "words", g_variant_new_int64 (2147483647),
                              "isbn", g_variant_new_int64 (G_GINT64_CONSTANT (9780441013593)),
                              "signed", g_variant_new_boolean (TRUE),
                              "rating", g_variant_new_double (4.25),
                              "weight", g_variant_new_double (0.5),
                              "published", g_variant_new_double (-1009843200.25),
                              "price", g_variant_new_string ("9.99"),
                              "link", g_variant_new_string ("https://example.org/dune"),
                              "scan", godwit_test_bytes_value (scan, sizeof scan),
                              "extra", godwit_test_bytes_value ("", 0),
                              NULL);
  book2 = godwit_test_insert (writer, "Book", "title", g_variant_new_string ("Emma"),
                              "signed", g_variant_new_int64 (7), NULL);
  magazine = godwit_test_insert (writer, "Magazine", "title", g_variant_new_string ("Wired"),
                                 "issue", g_variant_new_int64 (12), NULL);
  book3 = godwit_test_insert (writer, "Book", "signed", g_variant_new_boolean (FALSE), NULL);
  shelf1 = godwit_test_insert (writer, "Shelf", "name", g_variant_new_string ("A"), NULL);
  shelf2 = godwit_test_insert (writer, "Shelf", "name", g_variant_new_string ("B"), NULL);
  tag1 = godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("classic"), NULL);
  tag2 = godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("scifi"), NULL);
  cover = godwit_test_insert (writer, "Cover", "color", g_variant_new_string ("blue"), NULL);
  loan1 = godwit_test_insert (writer, "Loan", "due", g_variant_new_double (0.0), NULL);
  loan2 = godwit_test_insert (writer, "Loan", NULL);
  note1 = godwit_test_insert (writer, "Note", "text", g_variant_new_string ("first"), NULL);
  note2 = godwit_test_insert (writer, "Note", "text", g_variant_new_string ("second"), NULL);
  /* One Z_PK sequence per hierarchy. */
  g_assert_cmpint (book1, ==, 1);
  g_assert_cmpint (book2, ==, 2);
  g_assert_cmpint (magazine, ==, 3);
  g_assert_cmpint (book3, ==, 4);
  g_assert_cmpint (shelf1, ==, 1);

  /* Ordered one-to-many from both sides, appends interleaved between owners. */
  godwit_test_relate (writer, "Shelf", shelf1, "books", "Book", book2);
  godwit_test_relate (writer, "Book", book1, "shelf", "Shelf", shelf2);
  godwit_test_relate (writer, "Book", book3, "shelf", "Shelf", shelf1);
  godwit_test_relate (writer, "Shelf", shelf1, "books", "Book", book1);
  /* Ordered many-to-many from both sides. */
  godwit_test_relate (writer, "Book", book1, "tags", "Tag", tag2);
  godwit_test_relate (writer, "Book", book1, "tags", "Tag", tag1);
  godwit_test_relate (writer, "Tag", tag1, "books", "Book", book2);
  /* Reflexive. */
  godwit_test_relate (writer, "Book", book1, "similar", "Book", book3);
  godwit_test_relate (writer, "Book", book2, "similarInverse", "Book", book1);
  /* One-to-one sets both sides. */
  godwit_test_relate (writer, "Cover", cover, "book", "Book", book2);
  /* To-one into a hierarchy records the concrete entity; the to-many side
   * of the inverse works too. */
  godwit_test_relate (writer, "Loan", loan1, "item", "Magazine", magazine);
  godwit_test_relate (writer, "Book", book3, "loans", "Loan", loan2);
  /* Ordered to-many without inverse. */
  godwit_test_relate (writer, "Shelf", shelf2, "notes", "Note", note2);
  godwit_test_relate (writer, "Shelf", shelf2, "notes", "Note", note1);

  godwit_test_writer_commit (writer);

  db = godwit_test_open_read_only (path, FALSE);
  assert_schema_is_layout (db, layout);
  assert_query (db, "SELECT * FROM Z_PRIMARYKEY ORDER BY Z_ENT",
                "1|Cover|0|1\n2|Item|0|4\n3|Book|2|0\n4|Magazine|2|0\n"
                "5|Loan|0|2\n6|Note|0|2\n7|Shelf|0|2\n8|Tag|0|2\n"
                "16001|CHANGE|0|0\n16002|TRANSACTION|0|0\n16003|TRANSACTIONSTRING|0|0");
  assert_query (db, "SELECT count(*) FROM ACHANGE", "0");

  assert_query (db, "SELECT Z_PK, Z_ENT, Z_OPT, ZPAGES, ZSIGNED, ZWORDS, ZISBN, ZCOVER, ZSHELF, "
                    "Z_FOK_SHELF, ZISSUE FROM ZITEM ORDER BY Z_PK",
                "1|3|1|-32768|1|2147483647|9780441013593|NULL|1|3|NULL\n"
                "2|3|1|NULL|1|NULL|NULL|1|1|1|NULL\n"
                "3|4|1|NULL|NULL|NULL|NULL|NULL|NULL|NULL|12\n"
                "4|3|1|NULL|0|NULL|NULL|NULL|1|2|NULL");
  assert_query (db, "SELECT typeof(ZRATING), ZRATING, typeof(ZWEIGHT), ZWEIGHT, "
                    "typeof(ZPUBLISHED), ZPUBLISHED, typeof(ZPRICE), ZPRICE, ZLINK, ZTITLE "
                    "FROM ZITEM WHERE Z_PK = 1",
                "real|4.25|real|0.5|real|-1009843200.25|real|9.9900000000000002|"
                "https://example.org/dune|Dune");
  assert_query (db, "SELECT typeof(ZIDENTIFIER), length(ZIDENTIFIER), ZIDENTIFIER, ZSCAN, "
                    "typeof(ZEXTRA), length(ZEXTRA) FROM ZITEM WHERE Z_PK = 1",
                "blob|16|x'c8ad661e8b9c4d219a3b001122334455'|x'00ff10'|blob|0");
  /* Shelf 1 got book 2, then book 3 (after an append to shelf 2), then
   * book 1, which so moved from shelf 2. */
  assert_query (db, "SELECT ZSHELF, Z_FOK_SHELF, Z_PK FROM ZITEM WHERE ZSHELF IS NOT NULL "
                    "ORDER BY ZSHELF, Z_FOK_SHELF",
                "1|1|2\n1|2|4\n1|3|1");
  assert_query (db, "SELECT Z_PK, ZBOOK, ZCOLOR FROM ZCOVER", "1|2|blue");
  assert_query (db, "SELECT Z_PK, ZITEM, Z2_ITEM, ZDUE FROM ZLOAN ORDER BY Z_PK",
                "1|3|4|0\n2|4|3|NULL");
  assert_query (db, "SELECT Z_PK, Z7NOTES, Z_FOK_7NOTES, ZTEXT FROM ZNOTE ORDER BY Z_PK",
                "1|2|2|first\n2|2|1|second");
  /* Book is Z_ENT 3, Tag 8: Z_3TAGS, Book's side ordered. */
  assert_query (db, "SELECT sql FROM sqlite_master WHERE name = 'Z_3TAGS'",
                "CREATE TABLE Z_3TAGS ( Z_3BOOKS INTEGER, Z_8TAGS INTEGER, Z_FOK_8TAGS INTEGER, "
                "PRIMARY KEY (Z_3BOOKS, Z_8TAGS) )");
  assert_query (db, "SELECT Z_3BOOKS, Z_8TAGS, Z_FOK_8TAGS FROM Z_3TAGS "
                    "ORDER BY Z_3BOOKS, Z_FOK_8TAGS",
                "1|2|1\n1|1|2\n2|1|1");
  /* The table is named after similarInverse: a row (a, b) means b is in
   * a.similarInverse, and a in b.similar. */
  assert_query (db, "SELECT Z_3SIMILAR, Z_3SIMILARINVERSE FROM Z_3SIMILARINVERSE ORDER BY 1, 2",
                "2|1\n4|1");
  assert_query (db, "SELECT count(*) FROM ZITEM WHERE ZIDENTIFIER IS NOT NULL", "1");

  metadata = read_metadata (db, &uuid);
  g_assert_cmpuint (metadata_uint (metadata, "NSPersistenceFrameworkVersion"), ==, 1345);
  plist_free (metadata);
  sqlite3_close (db);

  godwit_test_rmdir (tmpdir);
}

static void
test_framework_version (void)
{
  g_autoptr(GodwitModel) model = new_library_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "old.sqlite", NULL);
  g_autofree char *uuid = NULL;
  plist_t metadata;
  sqlite3 *db;

  writer = godwit_test_writer_new (model, path);
  godwit_store_writer_set_framework_version (writer, 866);
  godwit_test_writer_begin (writer);
  godwit_test_writer_commit (writer);

  db = godwit_test_open_read_only (path, FALSE);
  metadata = read_metadata (db, &uuid);
  g_assert_cmpuint (metadata_uint (metadata, "NSPersistenceFrameworkVersion"), ==, 866);
  /* Stores of framework 866 carry neither key. */
  g_assert_null (plist_dict_get_item (metadata, "NSStoreModelVersionHashesDigest"));
  g_assert_null (plist_dict_get_item (metadata, "NSStoreModelVersionChecksumKey"));
  g_assert_nonnull (plist_dict_get_item (metadata, "NSStoreModelVersionHashes"));
  /* Every hierarchy's row holds Z_MAX 0 when nothing was inserted. */
  assert_query (db, "SELECT count(*) FROM Z_PRIMARYKEY WHERE Z_MAX = 0", "8");
  assert_query (db, "SELECT count(*) FROM sqlite_master WHERE name = 'ACHANGE'", "0");
  plist_free (metadata);
  sqlite3_close (db);
  godwit_test_rmdir (tmpdir);
}

/* ---- errors ------------------------------------------------------------- */

static void
test_existing_path (void)
{
  g_autoptr(GodwitModel) model = new_library_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "taken.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *contents = NULL;

  g_assert_true (g_file_set_contents (path, "mine", -1, NULL));
  writer = godwit_store_writer_new (model, path, &error);
  g_assert_null (writer);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "mine");
  g_clear_error (&error);

  /* A stale -wal beside a free path would be replayed into the new store. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_true (g_file_set_contents (wal, "stale", -1, NULL));
  writer = godwit_store_writer_new (model, path, &error);
  g_assert_null (writer);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_nonnull (strstr (error->message, wal));
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  godwit_test_rmdir (tmpdir);
}

/* Inserts one attribute value, expecting an error that mentions @part. */
static void
assert_insert_error (GodwitStoreWriter *writer,
                     const char        *entity,
                     const char        *attribute,
                     GVariant          *value,
                     int                code,
                     const char        *part)
{
  g_autoptr(GError) error = NULL;
  gint64 pk;

  pk = godwit_store_writer_insert (writer, entity, &attribute, &value, attribute != NULL ? 1 : 0,
                                   &error);
  g_assert_cmpint (pk, ==, 0);
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_nonnull (strstr (error->message, part));
}

static void
assert_relate_error (GodwitStoreWriter *writer,
                     const char        *entity,
                     gint64             pk,
                     const char        *relationship,
                     const char        *destination,
                     gint64             destination_pk,
                     int                code,
                     const char        *part)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (godwit_store_writer_relate (writer, entity, pk, relationship,
                                              destination, destination_pk, &error));
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_nonnull (strstr (error->message, part));
}

static void
test_errors (void)
{
  static const guint8 short_uuid[4] = { 1, 2, 3, 4 };
  const int invalid = GODWIT_ERROR_INVALID_MODEL;
  g_autoptr(GodwitModel) model = new_library_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "errors.sqlite", NULL);
  gint64 book, shelf;
  sqlite3 *db;

  writer = godwit_test_writer_new (model, path);
  godwit_test_writer_begin (writer);

  assert_insert_error (writer, "Nope", NULL, NULL, GODWIT_ERROR_UNKNOWN_ENTITY, "“Nope”");
  assert_insert_error (writer, "Nope", NULL, NULL, GODWIT_ERROR_UNKNOWN_ENTITY, path);
  assert_insert_error (writer, "Item", "title", g_variant_new_string ("x"), invalid,
                       "Item is abstract");
  assert_insert_error (writer, "Book", "colour", g_variant_new_string ("x"), invalid,
                       "Book has no stored attribute “colour”");
  assert_insert_error (writer, "Book", "published", g_variant_new_string ("2020-01-01"), invalid,
                       "of type “s” for Book.published");
  assert_insert_error (writer, "Book", "pages", g_variant_new_int64 (40000), invalid,
                       "Book.pages");
  assert_insert_error (writer, "Book", "identifier",
                       godwit_test_bytes_value (short_uuid, sizeof short_uuid), invalid,
                       "Book.identifier");
  assert_insert_error (writer, "Book", "price", g_variant_new_string ("cheap"), invalid,
                       "Book.price");

  /* Failed inserts use no Z_PK; the uniqueness constraint holds and a
   * violation leaves the writer usable. */
  book = godwit_test_insert (writer, "Book",
                             "identifier", godwit_test_bytes_value ("0123456789abcdef", 16), NULL);
  g_assert_cmpint (book, ==, 1);
  assert_insert_error (writer, "Magazine", "identifier",
                       godwit_test_bytes_value ("0123456789abcdef", 16), GODWIT_ERROR_IO, "UNIQUE");
  shelf = godwit_test_insert (writer, "Shelf", NULL);

  assert_relate_error (writer, "Book", book, "shelves", "Shelf", shelf, invalid,
                       "Book has no stored relationship “shelves”");
  assert_relate_error (writer, "Book", book, "title", "Shelf", shelf, invalid,
                       "Book has no stored relationship “title”");
  assert_relate_error (writer, "Book", book, "shelf", "Tag", shelf, invalid,
                       "Tag is not a kind of Shelf");
  assert_relate_error (writer, "Book", book, "shelf", "Shelf", 99, invalid,
                       "no Shelf object with Z_PK 99");
  /* Object 1 of the Item hierarchy is a Book, not a Magazine. */
  assert_relate_error (writer, "Magazine", book, "loans", "Loan", 1, invalid,
                       "no Magazine object with Z_PK 1");
  assert_relate_error (writer, "Nope", book, "shelf", "Shelf", shelf,
                       GODWIT_ERROR_UNKNOWN_ENTITY, "“Nope”");

  /* A duplicate many-to-many row is refused. */
  godwit_test_relate (writer, "Book", book, "similar", "Book", book);
  assert_relate_error (writer, "Book", book, "similar", "Book", book, GODWIT_ERROR_IO,
                       "cannot add to a many-to-many relationship");

  godwit_test_writer_commit (writer);

  /* After commit nothing more is written. */
  assert_insert_error (writer, "Book", NULL, NULL, GODWIT_ERROR_IO, "not open for writing");

  db = godwit_test_open_read_only (path, FALSE);
  assert_query (db, "SELECT Z_PK, Z_ENT FROM ZITEM", "1|3");
  assert_query (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME IN ('Item', 'Shelf') "
                    "ORDER BY Z_ENT", "1\n1");
  sqlite3_close (db);
  godwit_test_rmdir (tmpdir);
}

/* A writer dropped before commit leaves no file behind. */
static void
test_abandoned (void)
{
  g_autoptr(GodwitModel) model = new_library_model ();
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "abandoned.sqlite", NULL);
  g_autofree char *listing = NULL;
  GodwitStoreWriter *writer;

  writer = godwit_test_writer_new (model, path);
  godwit_test_writer_begin (writer);
  godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("lost"), NULL);
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_object_unref (writer);

  listing = godwit_test_list_directory (tmpdir);
  g_assert_cmpstr (listing, ==, "");
  godwit_test_rmdir (tmpdir);
}

static void
test_keep_wal (void)
{
  g_autoptr(GodwitModel) model = new_library_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "wal.sqlite", NULL);
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  GStatBuf buf;
  sqlite3 *db = NULL;

  writer = godwit_test_writer_new (model, path);
  godwit_store_writer_set_keep_wal (writer, TRUE);
  godwit_test_writer_begin (writer);
  godwit_test_insert (writer, "Tag", "name", g_variant_new_string ("in the log"), NULL);
  godwit_test_writer_commit (writer);

  g_assert_cmpint (g_stat (wal, &buf), ==, 0);
  g_assert_cmpint (buf.st_size, >, 0);

  /* The content lives in the log: a reader that honours it sees the row. */
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  assert_query (db, "SELECT ZNAME FROM ZTAG", "in the log");
  sqlite3_close (db);
  godwit_test_rmdir (tmpdir);
}

/* Many objects in one transaction, with relationships. */
static void
test_many_objects (void)
{
  const guint n = 200000;
  g_autoptr(GodwitModel) model = new_library_model ();
  g_autoptr(GodwitStoreWriter) writer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (tmpdir, "many.sqlite", NULL);
  g_autofree char *expected = NULL;
  const char *names[] = { "title", "pages", "rating", "published" };
  gint64 shelf = 0;
  gint64 start = g_get_monotonic_time ();
  sqlite3 *db;

  writer = godwit_test_writer_new (model, path);
  godwit_test_writer_begin (writer);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *title = g_strdup_printf ("Book %u", i);
      GVariant *values[4];
      gint64 pk;

      values[0] = g_variant_new_string (title);
      values[1] = g_variant_new_int64 (i % 1000);
      values[2] = g_variant_new_double (i / 7.0);
      values[3] = g_variant_new_double (600000000.0 + i);
      pk = godwit_store_writer_insert (writer, "Book", names, values, G_N_ELEMENTS (values),
                                       &error);
      g_assert_no_error (error);
      g_assert_cmpint (pk, ==, i + 1);

      if (i % 100 == 0)
        shelf = godwit_test_insert (writer, "Shelf", NULL);
      if (!godwit_store_writer_relate (writer, "Book", pk, "shelf", "Shelf", shelf, &error))
        g_error ("%s", error->message);
    }
  godwit_test_writer_commit (writer);
  g_test_message ("%u objects and relationships written in %.2f s", n,
                  (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);

  db = godwit_test_open_read_only (path, FALSE);
  expected = g_strdup_printf ("%u|%u|100", n, n);
  assert_query (db, "SELECT count(*), max(Z_PK), max(Z_FOK_SHELF) FROM ZITEM", expected);
  g_free (expected);
  expected = g_strdup_printf ("%u", n);
  assert_query (db, "SELECT Z_MAX FROM Z_PRIMARYKEY WHERE Z_NAME = 'Item'", expected);
  assert_query (db, "SELECT ZTITLE, ZPAGES, ZSHELF, Z_FOK_SHELF FROM ZITEM WHERE Z_PK = 1234",
                "Book 1233|233|13|34");
  sqlite3_close (db);
  godwit_test_rmdir (tmpdir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store-writer/wibosco-v3", test_wibosco_v3);
  g_test_add_func ("/store-writer/library", test_library);
  g_test_add_func ("/store-writer/framework-version", test_framework_version);
  g_test_add_func ("/store-writer/existing-path", test_existing_path);
  g_test_add_func ("/store-writer/errors", test_errors);
  g_test_add_func ("/store-writer/abandoned", test_abandoned);
  g_test_add_func ("/store-writer/keep-wal", test_keep_wal);
  g_test_add_func ("/store-writer/many-objects", test_many_objects);

  return g_test_run ();
}
