/* test-keyed-archive.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-keyed-archive.h"
#include "godwit-plist.h"
#include "godwit-test-archive.h"
#include "godwit-test-utils.h"

/* Plists */

static plist_t
parse_bytes (GBytes      *bytes,
             const char  *origin,
             GError     **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return godwit_plist_new_from_data (data, length, origin, error);
}

static plist_t
make_sample (void)
{
  plist_t dict = plist_new_dict ();
  plist_t array = plist_new_array ();
  plist_t nested = plist_new_dict ();

  plist_dict_set_item (dict, "name", plist_new_string ("Godwit – ünïcode"));
  plist_dict_set_item (dict, "count", plist_new_uint (42));
  plist_dict_set_item (dict, "negative", plist_new_uint ((guint64) (gint64) -5));
  plist_dict_set_item (dict, "ratio", plist_new_real (0.25));
  plist_dict_set_item (dict, "whole", plist_new_real (3.0));
  plist_dict_set_item (dict, "flag", plist_new_bool (1));
  /* libplist 2.2 writes XML dates in whole seconds */
  plist_dict_set_item (dict, "when", plist_new_date (743906532, 0));
  plist_dict_set_item (dict, "bytes", plist_new_data ("\x01\x02\x03", 3));
  plist_array_append_item (array, plist_new_string ("a"));
  plist_array_append_item (array, plist_new_uint (7));
  plist_dict_set_item (dict, "list", array);
  plist_dict_set_item (nested, "inner", plist_new_bool (0));
  plist_dict_set_item (dict, "nested", nested);

  return dict;
}

static void
check_sample (plist_t plist)
{
  g_autofree char *name = godwit_plist_dup_string (plist, "name");
  g_autoptr(JsonNode) json = NULL;
  JsonObject *object;
  JsonArray *array;
  gint64 value = 0;

  g_assert_cmpint (plist_get_node_type (plist), ==, PLIST_DICT);
  g_assert_cmpstr (name, ==, "Godwit – ünïcode");
  g_assert_null (godwit_plist_dup_string (plist, "count"));
  g_assert_null (godwit_plist_dup_string (plist, "absent"));

  g_assert_true (godwit_plist_get_int (plist_dict_get_item (plist, "count"), &value));
  g_assert_cmpint (value, ==, 42);
  g_assert_true (godwit_plist_get_int (plist_dict_get_item (plist, "negative"), &value));
  g_assert_cmpint (value, ==, -5);
  g_assert_true (godwit_plist_get_int (plist_dict_get_item (plist, "flag"), &value));
  g_assert_cmpint (value, ==, 1);
  g_assert_true (godwit_plist_get_int (plist_dict_get_item (plist, "whole"), &value));
  g_assert_cmpint (value, ==, 3);
  g_assert_false (godwit_plist_get_int (plist_dict_get_item (plist, "ratio"), &value));
  g_assert_false (godwit_plist_get_int (plist_dict_get_item (plist, "name"), &value));
  g_assert_false (godwit_plist_get_int (NULL, &value));

  json = godwit_plist_to_json (plist);
  object = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "Godwit – ünïcode");
  g_assert_cmpint (json_object_get_int_member (object, "count"), ==, 42);
  g_assert_cmpint (json_object_get_int_member (object, "negative"), ==, -5);
  g_assert_cmpfloat (json_object_get_double_member (object, "ratio"), ==, 0.25);
  g_assert_true (json_object_get_boolean_member (object, "flag"));
  g_assert_cmpstr (json_object_get_string_member (object, "when"), ==, "2024-07-29T00:42:12Z");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (object, "bytes"), "data"), ==, "AQID");
  array = json_object_get_array_member (object, "list");
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "a");
  g_assert_cmpint (json_array_get_int_element (array, 1), ==, 7);
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (object, "nested"), "inner"));
}

static void
test_plist_binary_and_xml (void)
{
  g_auto(plist_t) sample = make_sample ();
  g_autoptr(GBytes) binary = godwit_test_plist_to_bytes (sample, GODWIT_TEST_PLIST_BINARY);
  g_autoptr(GBytes) xml = godwit_test_plist_to_bytes (sample, GODWIT_TEST_PLIST_XML);
  g_autoptr(GError) error = NULL;
  g_auto(plist_t) from_binary = NULL;
  g_auto(plist_t) from_xml = NULL;

  g_assert_true (g_str_has_prefix (g_bytes_get_data (binary, NULL), "bplist00"));
  from_binary = parse_bytes (binary, "sample.plist", &error);
  g_assert_no_error (error);
  check_sample (from_binary);

  from_xml = parse_bytes (xml, "sample.plist", &error);
  g_assert_no_error (error);
  check_sample (from_xml);
}

static void
test_plist_json_special (void)
{
  g_auto(plist_t) uid = plist_new_uid (12);
  g_auto(plist_t) nan = plist_new_real (NAN);
  g_auto(plist_t) dates = plist_new_array ();
  g_autoptr(GBytes) binary = NULL;
  g_auto(plist_t) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) uid_json = godwit_plist_to_json (uid);
  g_autoptr(JsonNode) nan_json = godwit_plist_to_json (nan);
  g_autoptr(JsonNode) null_json = godwit_plist_to_json (NULL);
  g_autoptr(JsonNode) dates_json = NULL;
  JsonArray *array;

  /* Fractions of a second survive a binary plist, before and after 2001. */
  plist_array_append_item (dates, plist_new_date (743906532, 380000));
  plist_array_append_item (dates, plist_new_date (0, -500000));
  plist_array_append_item (dates, plist_new_date (0, 250000));
  plist_array_append_item (dates, plist_new_date (-2, -250000));
  binary = godwit_test_plist_to_bytes (dates, GODWIT_TEST_PLIST_BINARY);
  parsed = parse_bytes (binary, "dates.plist", &error);
  g_assert_no_error (error);
  dates_json = godwit_plist_to_json (parsed);
  array = json_node_get_array (dates_json);
  g_assert_cmpstr (json_array_get_string_element (array, 0), ==, "2024-07-29T00:42:12.380Z");
  g_assert_cmpstr (json_array_get_string_element (array, 1), ==, "2000-12-31T23:59:59.500Z");
  g_assert_cmpstr (json_array_get_string_element (array, 2), ==, "2001-01-01T00:00:00.250Z");
  g_assert_cmpstr (json_array_get_string_element (array, 3), ==, "2000-12-31T23:59:57.750Z");

  g_assert_cmpint (json_object_get_int_member (json_node_get_object (uid_json), "uid"), ==, 12);
  g_assert_true (JSON_NODE_HOLDS_NULL (nan_json));
  g_assert_true (JSON_NODE_HOLDS_NULL (null_json));
}

static void
assert_invalid (const void *data,
                gsize       length,
                int         code)
{
  g_autoptr(GError) error = NULL;
  plist_t plist = godwit_plist_new_from_data (data, length, "input.plist", &error);

  g_assert_null (plist);
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "input.plist: "));
}

/* A string with a NUL inside: libplist 2.2 aborts on reading one back
 * (found by tests/fuzz/fuzz-plist), so the file counts as damaged. Here a
 * dictionary's UTF-16 key “é\0k”. */
static void
test_plist_nul_in_string (void)
{
  static const guint8 utf16_key[] = {
    0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd2, 0x01, 0x02, 0x03, 0x04, 0x51, 0x73, 0x63,
    0x00, 0xe9, 0x00, 0x00, 0x00, 0x6b, 0x62, 0x00, 0xe9, 0x00, 0x00, 0x51, 0x76, 0x08, 0x0d, 0x0f,
    0x16, 0x1b, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x1d
  };
  guint8 ascii_key[sizeof utf16_key];

  assert_invalid (utf16_key, sizeof utf16_key, GODWIT_ERROR_INVALID_PLIST);

  /* The same file with its one-letter ASCII string “s” made “\0”. */
  memcpy (ascii_key, utf16_key, sizeof ascii_key);
  g_assert_cmpint (ascii_key[0x0d], ==, 0x51);
  g_assert_cmpint (ascii_key[0x0e], ==, 's');
  ascii_key[0x0e] = 0;
  assert_invalid (ascii_key, sizeof ascii_key, GODWIT_ERROR_INVALID_PLIST);
}

static void
test_plist_garbage (void)
{
  static const char text[] = "hello, this is not a property list";
  static const char bad_version[] = "bplist01 and more bytes that follow the header here...";
  static const char bad_binary[] = "bplist00\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"
                                   "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff";
  static const char bad_xml[] = "<?xml version=\"1.0\"?><plist><dict><key>a</key><strin";
  static const char not_xml_plist[] = "<html><body>no</body></html>";
  guint8 random_bytes[512];
  GRand *rand = g_rand_new_with_seed (7);

  assert_invalid (text, sizeof text - 1, GODWIT_ERROR_INVALID_PLIST);
  assert_invalid (bad_version, sizeof bad_version - 1, GODWIT_ERROR_INVALID_PLIST);
  assert_invalid (bad_binary, sizeof bad_binary - 1, GODWIT_ERROR_INVALID_PLIST);
  assert_invalid (bad_xml, sizeof bad_xml - 1, GODWIT_ERROR_INVALID_PLIST);
  assert_invalid (not_xml_plist, sizeof not_xml_plist - 1, GODWIT_ERROR_INVALID_PLIST);
  assert_invalid ("", 0, GODWIT_ERROR_INVALID_PLIST);
  assert_invalid ("bplist", 6, GODWIT_ERROR_INVALID_PLIST);

  for (guint i = 0; i < G_N_ELEMENTS (random_bytes); i++)
    random_bytes[i] = (guint8) g_rand_int_range (rand, 0, 256);
  assert_invalid (random_bytes, sizeof random_bytes, GODWIT_ERROR_INVALID_PLIST);
  memcpy (random_bytes, "bplist00", 8);
  assert_invalid (random_bytes, sizeof random_bytes, GODWIT_ERROR_INVALID_PLIST);

  g_rand_free (rand);
}

/* Every prefix of a binary plist, and random damage to every byte, give
 * an error or a plist, never a crash. */
static void
test_plist_truncated_and_damaged (void)
{
  g_auto(plist_t) sample = make_sample ();
  g_autoptr(GBytes) binary = godwit_test_plist_to_bytes (sample, GODWIT_TEST_PLIST_BINARY);
  g_autoptr(GBytes) xml = godwit_test_plist_to_bytes (sample, GODWIT_TEST_PLIST_XML);
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (binary, &length);
  g_autofree guint8 *copy = g_memdup2 (data, length);
  GRand *rand = g_rand_new_with_seed (11);
  gsize xml_length = 0;
  const guint8 *xml_data = g_bytes_get_data (xml, &xml_length);

  for (gsize cut = 0; cut < length; cut++)
    {
      g_autofree guint8 *prefix = g_memdup2 (data, cut);

      assert_invalid (prefix, cut, GODWIT_ERROR_INVALID_PLIST);
    }

  assert_invalid (xml_data, xml_length / 2, GODWIT_ERROR_INVALID_PLIST);

  for (gsize i = 8; i < length; i++)
    for (guint round = 0; round < 8; round++)
      {
        g_autoptr(GError) error = NULL;
        plist_t plist;

        memcpy (copy, data, length);
        copy[i] = (guint8) g_rand_int_range (rand, 0, 256);
        plist = godwit_plist_new_from_data (copy, length, "damaged.plist", &error);
        g_assert_true ((plist == NULL) != (error == NULL));
        godwit_plist_free (plist);
      }

  g_rand_free (rand);
}

static GBytes *
nested_xml (guint depth)
{
  GString *xml = g_string_new ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">");

  /* A comment and an empty array must not count as nesting. */
  g_string_append (xml, "<!-- <array> <dict> -->");
  for (guint i = 0; i < depth; i++)
    g_string_append (xml, i % 2 == 0 ? "<array><array/>" : "<dict><key>k</key>");
  for (guint i = depth; i > 0; i--)
    g_string_append (xml, (i - 1) % 2 == 0 ? "</array>" : "</dict>");
  g_string_append (xml, "</plist>\n");

  return g_string_free_to_bytes (xml);
}

static GBytes *
nested_binary (guint depth)
{
  g_auto(plist_t) root = plist_new_array ();
  plist_t current = root;

  for (guint i = 1; i < depth; i++)
    {
      plist_t inner = plist_new_array ();

      plist_array_append_item (current, inner);
      current = inner;
    }

  return godwit_test_plist_to_bytes (root, GODWIT_TEST_PLIST_BINARY);
}

static void
test_plist_deep_nesting (void)
{
  g_autoptr(GBytes) xml_ok = nested_xml (GODWIT_PLIST_MAX_DEPTH);
  g_autoptr(GBytes) xml_too_deep = nested_xml (GODWIT_PLIST_MAX_DEPTH + 1);
  g_autoptr(GBytes) xml_hostile = nested_xml (10000);
  g_autoptr(GBytes) binary_ok = nested_binary (GODWIT_PLIST_MAX_DEPTH);
  g_autoptr(GBytes) binary_too_deep = nested_binary (GODWIT_PLIST_MAX_DEPTH + 1);
  g_autoptr(GError) error = NULL;
  g_auto(plist_t) plist = NULL;
  g_autoptr(JsonNode) json = NULL;

  plist = parse_bytes (xml_ok, "deep.plist", &error);
  g_assert_no_error (error);
  json = godwit_plist_to_json (plist);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (json));
  g_clear_pointer (&plist, plist_free);

  plist = parse_bytes (binary_ok, "deep.plist", &error);
  g_assert_no_error (error);
  g_clear_pointer (&plist, plist_free);

  g_assert_null (parse_bytes (xml_too_deep, "deep.plist", &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);

  g_assert_null (parse_bytes (xml_hostile, "deep.plist", &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
  g_assert_true (g_str_has_prefix (error->message, "deep.plist: "));
  g_clear_error (&error);

  g_assert_null (parse_bytes (binary_too_deep, "deep.plist", &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
}

/* A binary plist assembled by hand: @objects are encoded objects, the
 * offset table uses 4 bytes per entry and references @ref_size bytes. */
static GBytes *
assemble_bplist (GPtrArray *objects,
                 guint      root,
                 guint      ref_size)
{
  GByteArray *out = g_byte_array_new ();
  g_autoptr(GArray) offsets = g_array_new (FALSE, FALSE, sizeof (guint32));
  guint8 trailer[32] = { 0 };
  guint64 table;

  g_byte_array_append (out, (const guint8 *) "bplist00", 8);
  for (guint i = 0; i < objects->len; i++)
    {
      GByteArray *object = g_ptr_array_index (objects, i);
      guint32 offset = out->len;

      g_array_append_val (offsets, offset);
      g_byte_array_append (out, object->data, object->len);
    }

  table = out->len;
  for (guint i = 0; i < offsets->len; i++)
    {
      guint32 offset = g_array_index (offsets, guint32, i);
      guint8 bytes[4] = { offset >> 24, (offset >> 16) & 0xff, (offset >> 8) & 0xff, offset & 0xff };

      g_byte_array_append (out, bytes, 4);
    }

  trailer[6] = 4;
  trailer[7] = (guint8) ref_size;
  for (guint i = 0; i < 8; i++)
    {
      trailer[8 + i] = ((guint64) objects->len >> (56 - 8 * i)) & 0xff;
      trailer[16 + i] = ((guint64) root >> (56 - 8 * i)) & 0xff;
      trailer[24 + i] = (table >> (56 - 8 * i)) & 0xff;
    }
  g_byte_array_append (out, trailer, sizeof trailer);

  return g_byte_array_free_to_bytes (out);
}

static GByteArray *
encoded (const guint8 *bytes,
         gsize         length)
{
  GByteArray *object = g_byte_array_new ();

  g_byte_array_append (object, bytes, length);

  return object;
}

static void
test_plist_binary_references (void)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_autoptr(GBytes) bomb = NULL;
  g_autoptr(GBytes) cycle = NULL;
  g_autoptr(GBytes) outside = NULL;
  g_autoptr(GBytes) shared = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(plist_t) plist = NULL;
  gint64 started;

  /* Object 0 is the integer 1; object i the array [i-1, i-1]: 2^40 values
   * once expanded. */
  g_ptr_array_add (objects, encoded ((const guint8[]) { 0x10, 0x01 }, 2));
  for (guint i = 1; i <= 40; i++)
    g_ptr_array_add (objects, encoded ((const guint8[]) { 0xa2, i - 1, i - 1 }, 3));

  started = g_get_monotonic_time ();
  bomb = assemble_bplist (objects, 40, 1);
  g_assert_null (parse_bytes (bomb, "bomb.plist", &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* A few levels of sharing are fine. */
  shared = assemble_bplist (objects, 5, 1);
  plist = parse_bytes (shared, "shared.plist", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (plist_array_get_size (plist), ==, 2);

  /* An array that contains itself */
  g_ptr_array_set_size (objects, 0);
  g_ptr_array_add (objects, encoded ((const guint8[]) { 0xa1, 0x00 }, 2));
  cycle = assemble_bplist (objects, 0, 1);
  g_assert_null (parse_bytes (cycle, "cycle.plist", &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST);
  g_clear_error (&error);

  /* A reference past the last object */
  g_ptr_array_set_size (objects, 0);
  g_ptr_array_add (objects, encoded ((const guint8[]) { 0xa1, 0x05 }, 2));
  outside = assemble_bplist (objects, 0, 1);
  g_assert_null (parse_bytes (outside, "outside.plist", &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST);
}

/* An 8-bit string of a binary plist that is not UTF-8 still gives valid
 * JSON. */
static void
test_plist_not_utf8 (void)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(plist_t) plist = NULL;
  g_autoptr(JsonNode) json = NULL;
  const char *text;

  g_ptr_array_add (objects, encoded ((const guint8[]) { 0xa1, 0x01 }, 2));
  g_ptr_array_add (objects, encoded ((const guint8[]) { 0x53, 'a', 0xff, 'b' }, 4));
  bytes = assemble_bplist (objects, 0, 1);

  plist = parse_bytes (bytes, "latin.plist", &error);
  g_assert_no_error (error);
  json = godwit_plist_to_json (plist);
  text = json_array_get_string_element (json_node_get_array (json), 0);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  g_assert_cmpstr (text, ==, "a\xef\xbf\xbd" "b");
}

static void
test_plist_too_large (void)
{
  g_autofree guint8 *huge = g_malloc0 ((gsize) GODWIT_PLIST_MAX_SIZE + 1);

  assert_invalid (huge, (gsize) GODWIT_PLIST_MAX_SIZE + 1, GODWIT_ERROR_LIMIT_EXCEEDED);
}

static void
test_plist_file (void)
{
  g_autofree char *tmpdir = godwit_test_make_tmpdir ();
  g_autofree char *good = g_build_filename (tmpdir, "good.plist", NULL);
  g_autofree char *bad = g_build_filename (tmpdir, "bad.plist", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "missing.plist", NULL);
  g_auto(plist_t) sample = make_sample ();
  g_autoptr(GBytes) xml = godwit_test_plist_to_bytes (sample, GODWIT_TEST_PLIST_XML);
  g_autoptr(GError) error = NULL;
  g_auto(plist_t) plist = NULL;
  gsize length = 0;
  const char *data = g_bytes_get_data (xml, &length);

  g_assert_true (g_file_set_contents (good, data, length, NULL));
  g_assert_true (g_file_set_contents (bad, "garbage", -1, NULL));

  g_assert_true (godwit_plist_new_from_file (good, &plist, &error));
  g_assert_no_error (error);
  check_sample (plist);
  g_clear_pointer (&plist, plist_free);

  g_assert_false (godwit_plist_new_from_file (bad, &plist, &error));
  g_assert_null (plist);
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST);
  g_assert_true (g_str_has_prefix (error->message, bad));
  g_clear_error (&error);

  g_assert_false (godwit_plist_new_from_file (tmpdir, &plist, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_WRONG_FILE_TYPE);
  g_assert_true (g_str_has_prefix (error->message, tmpdir));
  g_clear_error (&error);

  g_assert_false (godwit_plist_new_from_file (missing, &plist, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_IO);
  g_assert_true (g_str_has_prefix (error->message, missing));

  godwit_test_rmdir (tmpdir);
}

static void
assert_date (double      seconds,
             const char *expected)
{
  g_autofree char *text = godwit_date_to_iso8601 (seconds);

  g_assert_cmpstr (text, ==, expected);
}

static void
test_dates (void)
{
  assert_date (0, "2001-01-01T00:00:00Z");
  assert_date (743906532.38, "2024-07-29T00:42:12.380Z");
  assert_date (1e9, "2032-09-09T01:46:40Z");
  assert_date (-1, "2000-12-31T23:59:59Z");
  assert_date (-0.5, "2000-12-31T23:59:59.500Z");
  assert_date (-978307200, "1970-01-01T00:00:00Z");
  assert_date (0.0004, "2001-01-01T00:00:00Z");
  assert_date (0.9996, "2001-01-01T00:00:01Z");
  assert_date (NAN, NULL);
  assert_date (INFINITY, NULL);
  assert_date (-INFINITY, NULL);
  assert_date (1e300, NULL);
  assert_date (-1e12, NULL);
  assert_date (9e11, NULL);
}

/* Keyed archives built with libplist */

static GodwitKeyedArchive *
open_archive (GBytes      *bytes,
              GError     **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return godwit_keyed_archive_new_from_data (data, length, "test.archive", error);
}

/* A "Thing" holding one of everything. */
static GBytes *
build_graph (void)
{
  static const guint8 uuid[16] = {
    0x31, 0x02, 0x99, 0x39, 0x92, 0xc0, 0x48, 0xf2, 0x98, 0x8a, 0xa9, 0x3d, 0x5b, 0x7c, 0xff, 0xdb,
  };
  GodwitTestArchive b;
  plist_t thing, text, data, date, uuid_object, null_object, url, base_url, child, dict, known, mapping;
  guint thing_index, name, numbers, tags, dict_index, known_index, mapping_index, keys, values;
  guint child_index, child_name, key_a, key_b, key_seven, token, text_index;

  godwit_test_archive_init (&b);

  thing = godwit_test_archive_add_object (&b, "Thing", &thing_index);

  name = godwit_test_archive_add_string (&b, "first thing");

  text = godwit_test_archive_object (&b, "NSMutableString");
  plist_dict_set_item (text, "NS.string", plist_new_string ("mutable text"));
  text_index = godwit_test_archive_add (&b, text);

  data = godwit_test_archive_object (&b, "NSData");
  plist_dict_set_item (data, "NS.data", plist_new_data ("\xde\xad\xbe\xef", 4));

  date = godwit_test_archive_object (&b, "NSDate");
  plist_dict_set_item (date, "NS.time", plist_new_real (-0.5));

  uuid_object = godwit_test_archive_object (&b, "NSUUID");
  plist_dict_set_item (uuid_object, "NS.uuidbytes", plist_new_data ((const char *) uuid, sizeof uuid));

  null_object = godwit_test_archive_object (&b, "NSNull");

  base_url = godwit_test_archive_object (&b, "NSURL");
  godwit_test_set_uid (base_url, "NS.base", 0);
  godwit_test_set_uid (base_url, "NS.relative",
                       godwit_test_archive_add_string (&b, "https://example.org/a/"));
  url = godwit_test_archive_object (&b, "NSURL");
  godwit_test_set_uid (url, "NS.base", godwit_test_archive_add (&b, base_url));
  godwit_test_set_uid (url, "NS.relative", godwit_test_archive_add_string (&b, "b/c"));

  numbers = godwit_test_archive_collection (&b, "NSArray", (const guint[]) {
    godwit_test_archive_add (&b, plist_new_uint (1)),
    godwit_test_archive_add (&b, plist_new_uint ((guint64) (gint64) -2)),
    godwit_test_archive_add (&b, plist_new_real (2.5)),
    godwit_test_archive_add (&b, plist_new_bool (1)) }, 4);
  tags = godwit_test_archive_collection (&b, "NSSet", (const guint[]) {
    godwit_test_archive_add_string (&b, "red") }, 1);

  key_a = godwit_test_archive_add_string (&b, "a");
  key_b = godwit_test_archive_add_string (&b, "b");
  key_seven = godwit_test_archive_add (&b, plist_new_uint (7));
  dict = godwit_test_archive_object (&b, "NSMutableDictionary");
  plist_dict_set_item (dict, "NS.keys",
                       godwit_test_uid_array ((const guint[]) { key_a, key_seven }, 2));
  plist_dict_set_item (dict, "NS.objects", godwit_test_uid_array ((const guint[]) {
    text_index, godwit_test_archive_add (&b, null_object) }, 2));
  dict_index = godwit_test_archive_add (&b, dict);

  /* NSKnownKeysDictionary1 with an empty slot for "b" */
  token = godwit_test_archive_add_string (&b, "__empty_slot_token__");
  mapping = godwit_test_archive_object (&b, "NSKnownKeysMappingStrategy1");
  keys = godwit_test_archive_collection (&b, "NSArray", (const guint[]) { key_a, key_b }, 2);
  godwit_test_set_uid (mapping, "keys", keys);
  mapping_index = godwit_test_archive_add (&b, mapping);
  values = godwit_test_archive_collection (&b, "NSArray", (const guint[]) {
    godwit_test_archive_add (&b, plist_new_uint (1)), token }, 2);
  known = godwit_test_archive_object (&b, "NSKnownKeysDictionary1");
  godwit_test_set_uid (known, "searchMapping", mapping_index);
  godwit_test_set_uid (known, "values", values);
  godwit_test_set_uid (known, "emptyToken", token);
  known_index = godwit_test_archive_add (&b, known);

  child = godwit_test_archive_object (&b, "Thing");
  child_name = godwit_test_archive_add_string (&b, "child");
  godwit_test_set_uid (child, "name", child_name);
  godwit_test_set_uid (child, "parent", 0);
  child_index = godwit_test_archive_add (&b, child);

  godwit_test_set_uid (thing, "name", name);
  plist_dict_set_item (thing, "count", plist_new_uint (3));
  plist_dict_set_item (thing, "enabled", plist_new_bool (1));
  godwit_test_set_uid (thing, "text", text_index);
  godwit_test_set_uid (thing, "data", godwit_test_archive_add (&b, data));
  godwit_test_set_uid (thing, "date", godwit_test_archive_add (&b, date));
  godwit_test_set_uid (thing, "uuid", godwit_test_archive_add (&b, uuid_object));
  godwit_test_set_uid (thing, "url", godwit_test_archive_add (&b, url));
  godwit_test_set_uid (thing, "numbers", numbers);
  godwit_test_set_uid (thing, "tags", tags);
  godwit_test_set_uid (thing, "dict", dict_index);
  godwit_test_set_uid (thing, "known", known_index);
  godwit_test_set_uid (thing, "child", child_index);
  godwit_test_set_uid (thing, "nothing", 0);

  return godwit_test_archive_finish (&b, "NSKeyedArchiver", thing_index);
}

typedef struct
{
  GPtrArray *keys;
  guint      stop_after;
} MemberWalk;

static gboolean
collect_member (const char *key,
                plist_t     member,
                gpointer    user_data)
{
  MemberWalk *walk = user_data;

  g_assert_nonnull (member);
  g_ptr_array_add (walk->keys, g_strdup (key));

  return walk->keys->len < walk->stop_after;
}

/* The keys godwit_keyed_archive_foreach_member() gives, comma-joined, when
 * the walk is stopped after @stop_after of them; @stops: whether it must
 * report that it was stopped. */
static char *
walk_members (GodwitKeyedArchive *archive,
              plist_t             object,
              guint               stop_after,
              gboolean            stops)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  MemberWalk walk = { keys, stop_after };

  g_assert_cmpint (godwit_keyed_archive_foreach_member (archive, object, collect_member, &walk),
                   ==, !stops);
  g_ptr_array_add (keys, NULL);

  return g_strjoinv (",", (char **) keys->pdata);
}

static void
test_archive_accessors (void)
{
  g_autoptr(GBytes) bytes = build_graph ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitKeyedArchive) archive = open_archive (bytes, &error);
  g_autoptr(GPtrArray) members = NULL;
  g_autoptr(GPtrArray) keys = NULL;
  g_autoptr(GPtrArray) values = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *all_members = NULL;
  g_autofree char *first_members = NULL;
  g_autofree char *no_members = NULL;
  plist_t root;
  gint64 count = 0;
  gboolean enabled = FALSE;

  g_assert_no_error (error);
  g_assert_cmpstr (godwit_keyed_archive_get_origin (archive), ==, "test.archive");

  root = godwit_keyed_archive_get_root (archive);
  g_assert_cmpstr (godwit_keyed_archive_get_class_name (archive, root), ==, "Thing");

  name = godwit_keyed_archive_dup_string (archive, root, "name");
  g_assert_cmpstr (name, ==, "first thing");
  text = godwit_keyed_archive_dup_string (archive, root, "text");
  g_assert_cmpstr (text, ==, "mutable text");
  g_assert_null (godwit_keyed_archive_dup_string (archive, root, "count"));
  g_assert_null (godwit_keyed_archive_dup_string (archive, root, "absent"));

  g_assert_true (godwit_keyed_archive_get_int (archive, root, "count", &count));
  g_assert_cmpint (count, ==, 3);
  g_assert_true (godwit_keyed_archive_get_bool (archive, root, "enabled", &enabled));
  g_assert_true (enabled);
  g_assert_false (godwit_keyed_archive_get_int (archive, root, "name", &count));
  g_assert_false (godwit_keyed_archive_get_bool (archive, root, "absent", &enabled));

  /* Members in order, without "$class" and the nil "nothing"; the walk
   * stops when asked to. */
  all_members = walk_members (archive, root, G_MAXUINT, FALSE);
  g_assert_cmpstr (all_members, ==, "name,count,enabled,text,data,date,uuid,url,numbers,tags,dict,"
                                    "known,child");
  first_members = walk_members (archive, root, 2, TRUE);
  g_assert_cmpstr (first_members, ==, "name,count");
  no_members = walk_members (archive, NULL, G_MAXUINT, FALSE);
  g_assert_cmpstr (no_members, ==, "");

  /* "$null" and references outside the archive resolve to nothing */
  g_assert_null (godwit_keyed_archive_get_member (archive, root, "nothing"));
  {
    g_auto(plist_t) outside = plist_new_uid (100000);
    g_auto(plist_t) plain = plist_new_uint (5);

    g_assert_null (godwit_keyed_archive_resolve (archive, outside));
    g_assert_true (godwit_keyed_archive_resolve (archive, plain) == plain);
    g_assert_null (godwit_keyed_archive_resolve (archive, NULL));
  }

  members = godwit_keyed_archive_get_collection (archive,
                                                 godwit_keyed_archive_get_member (archive, root, "numbers"),
                                                 &error);
  g_assert_no_error (error);
  g_assert_cmpuint (members->len, ==, 4);

  g_assert_null (godwit_keyed_archive_get_collection (archive, root, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE);
  g_assert_true (g_str_has_prefix (error->message, "test.archive: "));
  g_clear_error (&error);

  g_assert_true (godwit_keyed_archive_get_dictionary (archive,
                                                      godwit_keyed_archive_get_member (archive, root, "known"),
                                                      &keys, &values, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (keys->len, ==, 1);
  g_assert_cmpuint (values->len, ==, 1);
  g_clear_pointer (&keys, g_ptr_array_unref);
  g_clear_pointer (&values, g_ptr_array_unref);

  g_assert_false (godwit_keyed_archive_get_dictionary (archive, root, &keys, &values, &error));
  g_assert_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_ARCHIVE);
  g_assert_null (keys);
  g_assert_null (values);
}

static void
test_archive_unpack (void)
{
  g_autoptr(GBytes) bytes = build_graph ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitKeyedArchive) archive = open_archive (bytes, &error);
  g_auto(plist_t) unpacked = NULL;
  g_autoptr(JsonNode) json = NULL;
  JsonObject *thing;
  JsonObject *dict;
  JsonObject *child;
  JsonArray *numbers;
  JsonArray *tags;

  g_assert_no_error (error);
  unpacked = godwit_keyed_archive_unpack (archive, &error);
  g_assert_no_error (error);

  json = godwit_plist_to_json (unpacked);
  thing = json_node_get_object (json);
  g_assert_cmpstr (json_object_get_string_member (thing, "$class"), ==, "Thing");
  g_assert_cmpstr (json_object_get_string_member (thing, "name"), ==, "first thing");
  g_assert_cmpint (json_object_get_int_member (thing, "count"), ==, 3);
  g_assert_true (json_object_get_boolean_member (thing, "enabled"));
  g_assert_cmpstr (json_object_get_string_member (thing, "text"), ==, "mutable text");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (thing, "data"), "data"), ==, "3q2+7w==");
  g_assert_cmpstr (json_object_get_string_member (thing, "date"), ==, "2000-12-31T23:59:59.500Z");
  g_assert_cmpint (plist_get_node_type (plist_dict_get_item (unpacked, "date")), ==, PLIST_DATE);
  g_assert_cmpstr (json_object_get_string_member (thing, "uuid"), ==, "31029939-92C0-48F2-988A-A93D5B7CFFDB");
  g_assert_cmpstr (json_object_get_string_member (thing, "url"), ==, "https://example.org/a/b/c");
  g_assert_false (json_object_has_member (thing, "nothing"));

  numbers = json_object_get_array_member (thing, "numbers");
  g_assert_cmpuint (json_array_get_length (numbers), ==, 4);
  g_assert_cmpint (json_array_get_int_element (numbers, 0), ==, 1);
  g_assert_cmpint (json_array_get_int_element (numbers, 1), ==, -2);
  g_assert_cmpfloat (json_array_get_double_element (numbers, 2), ==, 2.5);
  g_assert_true (json_array_get_boolean_element (numbers, 3));

  tags = json_object_get_array_member (thing, "tags");
  g_assert_cmpuint (json_array_get_length (tags), ==, 1);
  g_assert_cmpstr (json_array_get_string_element (tags, 0), ==, "red");

  dict = json_object_get_object_member (thing, "dict");
  g_assert_cmpuint (json_object_get_size (dict), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (dict, "a"), ==, "mutable text");
  /* A key that is not a string becomes its text; NSNull a marker */
  g_assert_true (json_object_get_boolean_member (json_object_get_object_member (dict, "7"), "$null"));

  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (thing, "known"), "a"), ==, 1);
  g_assert_cmpuint (json_object_get_size (json_object_get_object_member (thing, "known")), ==, 1);

  child = json_object_get_object_member (thing, "child");
  g_assert_cmpstr (json_object_get_string_member (child, "$class"), ==, "Thing");
  g_assert_cmpstr (json_object_get_string_member (child, "name"), ==, "child");
  g_assert_false (json_object_has_member (child, "parent"));
}

static void
assert_archive_invalid (GBytes *bytes,
                        int     code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitKeyedArchive) archive = open_archive (bytes, &error);

  g_assert_null (archive);
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "test.archive: "));
}

static void
test_archive_invalid (void)
{
  g_auto(plist_t) not_dict = plist_new_array ();
  g_auto(plist_t) no_objects = plist_new_dict ();
  g_autoptr(GBytes) not_dict_bytes = NULL;
  g_autoptr(GBytes) no_objects_bytes = NULL;
  g_autoptr(GBytes) other_archiver = NULL;
  g_autoptr(GBytes) garbage = g_bytes_new_static ("garbage", 7);
  GodwitTestArchive b;

  not_dict_bytes = godwit_test_plist_to_bytes (not_dict, GODWIT_TEST_PLIST_BINARY);
  assert_archive_invalid (not_dict_bytes, GODWIT_ERROR_INVALID_ARCHIVE);

  plist_dict_set_item (no_objects, "$archiver", plist_new_string ("NSKeyedArchiver"));
  plist_dict_set_item (no_objects, "$version", plist_new_uint (100000));
  plist_dict_set_item (no_objects, "$top", plist_new_dict ());
  no_objects_bytes = godwit_test_plist_to_bytes (no_objects, GODWIT_TEST_PLIST_XML);
  assert_archive_invalid (no_objects_bytes, GODWIT_ERROR_INVALID_ARCHIVE);

  godwit_test_archive_init (&b);
  other_archiver = godwit_test_archive_finish (&b, "NSArchiver", 0);
  assert_archive_invalid (other_archiver, GODWIT_ERROR_INVALID_ARCHIVE);

  assert_archive_invalid (garbage, GODWIT_ERROR_INVALID_PLIST);
}

static void
append_string_object (GPtrArray  *objects,
                      const char *text)
{
  GByteArray *object = g_byte_array_new ();
  gsize length = strlen (text);
  guint8 marker = 0x50 | (guint8) MIN (length, 15);

  g_assert_cmpuint (length, <, 256);
  g_byte_array_append (object, &marker, 1);
  if (length >= 15)
    g_byte_array_append (object, (const guint8[]) { 0x10, (guint8) length }, 2);
  g_byte_array_append (object, (const guint8 *) text, length);
  g_ptr_array_add (objects, object);
}

/* An archive whose $objects has one object too many, assembled by hand:
 * libplist takes far too long to build such an array under AddressSanitizer. */
static void
test_archive_too_many_objects (void)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) g_byte_array_unref);
  GByteArray *array = g_byte_array_new ();
  g_autoptr(GBytes) bytes = NULL;
  guint32 count = GODWIT_KEYED_ARCHIVE_MAX_OBJECTS + 1;

  /* 0: {$archiver: 1, $version: 2, $objects: 3, $top: 4} with keys 5-8 */
  g_ptr_array_add (objects, encoded ((const guint8[]) {
    0xd4,
    0, 0, 0, 5,  0, 0, 0, 6,  0, 0, 0, 7,  0, 0, 0, 8,
    0, 0, 0, 1,  0, 0, 0, 2,  0, 0, 0, 3,  0, 0, 0, 4,
  }, 33));
  append_string_object (objects, "NSKeyedArchiver");
  g_ptr_array_add (objects, encoded ((const guint8[]) { 0x12, 0x00, 0x01, 0x86, 0xa0 }, 5));

  /* 3: an array of @count references to object 9, true */
  g_byte_array_append (array, (const guint8[]) {
    0xaf, 0x12, count >> 24, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff,
  }, 6);
  for (guint32 i = 0; i < count; i++)
    g_byte_array_append (array, (const guint8[]) { 0, 0, 0, 9 }, 4);
  g_ptr_array_add (objects, array);

  g_ptr_array_add (objects, encoded ((const guint8[]) { 0xd0 }, 1));
  append_string_object (objects, "$archiver");
  append_string_object (objects, "$version");
  append_string_object (objects, "$objects");
  append_string_object (objects, "$top");
  g_ptr_array_add (objects, encoded ((const guint8[]) { 0x09 }, 1));

  bytes = assemble_bplist (objects, 0, 4);
  assert_archive_invalid (bytes, GODWIT_ERROR_LIMIT_EXCEEDED);
}

static void
assert_unpack_fails (GBytes     *bytes,
                     int         code,
                     const char *message_part)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitKeyedArchive) archive = open_archive (bytes, &error);
  plist_t unpacked;

  g_assert_no_error (error);
  unpacked = godwit_keyed_archive_unpack (archive, &error);
  g_assert_null (unpacked);
  g_assert_error (error, GODWIT_ERROR, code);
  g_assert_true (g_str_has_prefix (error->message, "test.archive: "));
  if (message_part != NULL)
    g_assert_nonnull (strstr (error->message, message_part));
}

static void
test_archive_uid_out_of_range (void)
{
  g_autoptr(GBytes) bytes = NULL;
  plist_t thing;
  guint root;
  GodwitTestArchive b;

  godwit_test_archive_init (&b);
  thing = godwit_test_archive_object (&b, "Thing");
  godwit_test_set_uid (thing, "far", 4000);
  root = godwit_test_archive_add (&b, thing);
  bytes = godwit_test_archive_finish (&b, "NSKeyedArchiver", root);

  assert_unpack_fails (bytes, GODWIT_ERROR_INVALID_ARCHIVE, "outside");
}

static void
test_archive_no_root (void)
{
  g_autoptr(GBytes) bytes = NULL;
  GodwitTestArchive b;

  godwit_test_archive_init (&b);
  bytes = godwit_test_archive_finish (&b, "NSKeyedArchiver", 0);

  assert_unpack_fails (bytes, GODWIT_ERROR_INVALID_ARCHIVE, "root");
}

static void
test_archive_cycle (void)
{
  g_autoptr(GBytes) array_cycle = NULL;
  g_autoptr(GBytes) member_cycle = NULL;
  guint array_index, a_index;
  plist_t a, bb;
  GodwitTestArchive b;

  /* An NSArray that holds itself */
  godwit_test_archive_init (&b);
  array_index = godwit_test_archive_reserve (&b);
  {
    plist_t array = godwit_test_archive_object (&b, "NSArray");

    plist_dict_set_item (array, "NS.objects",
                         godwit_test_uid_array ((const guint[]) { array_index }, 1));
    godwit_test_archive_set (&b, array_index, array);
  }
  array_cycle = godwit_test_archive_finish (&b, "NSKeyedArchiver", array_index);
  assert_unpack_fails (array_cycle, GODWIT_ERROR_INVALID_ARCHIVE, "NSArray");

  /* Node → Link → Node */
  godwit_test_archive_init (&b);
  a_index = godwit_test_archive_reserve (&b);
  bb = godwit_test_archive_object (&b, "Link");
  godwit_test_set_uid (bb, "next", a_index);
  a = godwit_test_archive_object (&b, "Node");
  godwit_test_set_uid (a, "next", godwit_test_archive_add (&b, bb));
  godwit_test_archive_set (&b, a_index, a);
  member_cycle = godwit_test_archive_finish (&b, "NSKeyedArchiver", a_index);
  assert_unpack_fails (member_cycle, GODWIT_ERROR_INVALID_ARCHIVE, "Node");
}

/* Each level's array holds the previous level twice: 2^40 values. */
static void
test_archive_bomb (void)
{
  g_autoptr(GBytes) bytes = NULL;
  gint64 started;
  guint previous;
  GodwitTestArchive b;

  godwit_test_archive_init (&b);
  previous = godwit_test_archive_add_string (&b, "leaf");
  for (guint level = 0; level < 40; level++)
    previous = godwit_test_archive_collection (&b, "NSArray",
                                               (const guint[]) { previous, previous }, 2);
  bytes = godwit_test_archive_finish (&b, "NSKeyedArchiver", previous);

  started = g_get_monotonic_time ();
  assert_unpack_fails (bytes, GODWIT_ERROR_LIMIT_EXCEEDED, NULL);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 10 * G_USEC_PER_SEC);
}

static GBytes *
build_chain (guint length)
{
  guint previous;
  GodwitTestArchive b;

  godwit_test_archive_init (&b);
  previous = godwit_test_archive_add_string (&b, "bottom");
  for (guint level = 0; level < length; level++)
    previous = godwit_test_archive_collection (&b, "NSArray", (const guint[]) { previous }, 1);

  return godwit_test_archive_finish (&b, "NSKeyedArchiver", previous);
}

static void
test_archive_depth (void)
{
  g_autoptr(GBytes) shallow = build_chain (200);
  g_autoptr(GBytes) deep = build_chain (GODWIT_KEYED_ARCHIVE_MAX_DEPTH + 10);
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitKeyedArchive) archive = open_archive (shallow, &error);
  g_auto(plist_t) unpacked = NULL;
  plist_t node;
  guint depth = 0;

  g_assert_no_error (error);
  unpacked = godwit_keyed_archive_unpack (archive, &error);
  g_assert_no_error (error);
  for (node = unpacked; plist_get_node_type (node) == PLIST_ARRAY; node = plist_array_get_item (node, 0))
    depth++;
  g_assert_cmpuint (depth, ==, 200);

  assert_unpack_fails (deep, GODWIT_ERROR_LIMIT_EXCEEDED, "deeper");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/plist/binary-and-xml", test_plist_binary_and_xml);
  g_test_add_func ("/plist/json-special", test_plist_json_special);
  g_test_add_func ("/plist/garbage", test_plist_garbage);
  g_test_add_func ("/plist/nul-in-string", test_plist_nul_in_string);
  g_test_add_func ("/plist/truncated-and-damaged", test_plist_truncated_and_damaged);
  g_test_add_func ("/plist/deep-nesting", test_plist_deep_nesting);
  g_test_add_func ("/plist/binary-references", test_plist_binary_references);
  g_test_add_func ("/plist/not-utf8", test_plist_not_utf8);
  g_test_add_func ("/plist/too-large", test_plist_too_large);
  g_test_add_func ("/plist/file", test_plist_file);
  g_test_add_func ("/plist/dates", test_dates);
  g_test_add_func ("/keyed-archive/accessors", test_archive_accessors);
  g_test_add_func ("/keyed-archive/unpack", test_archive_unpack);
  g_test_add_func ("/keyed-archive/invalid", test_archive_invalid);
  g_test_add_func ("/keyed-archive/too-many-objects", test_archive_too_many_objects);
  g_test_add_func ("/keyed-archive/uid-out-of-range", test_archive_uid_out_of_range);
  g_test_add_func ("/keyed-archive/no-root", test_archive_no_root);
  g_test_add_func ("/keyed-archive/cycle", test_archive_cycle);
  g_test_add_func ("/keyed-archive/bomb", test_archive_bomb);
  g_test_add_func ("/keyed-archive/depth", test_archive_depth);

  return g_test_run ();
}
