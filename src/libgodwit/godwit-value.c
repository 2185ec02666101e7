/* godwit-value.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Decodes stored attribute values the way Core Data reads them back:
 * the attribute type decides, not SQLite's storage class (a Date is REAL
 * seconds since 2001, a Boolean an INTEGER 0/1, a UUID 16 raw bytes).
 */

#define G_LOG_DOMAIN "godwit-value"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "godwit-keyed-archive.h"
#include "godwit-plist.h"
#include "godwit-value.h"
#include "godwit-value-private.h"

/* Enough to recognise a value at a glance without dumping megabytes. */
#define PREVIEW_BYTES 32
/* Transformable values larger than this are summarised, not unpacked. */
#define MAX_UNPACKED_ARCHIVE (4 * 1024 * 1024)
/* Nor are those that unpack to more values than this: a page of objects
 * may have many of them, and more is more than anyone reads. */
#define MAX_UNPACKED_VALUES 100000

/* Lower-case hex, as version hashes and binary previews are shown. */
char *
godwit_hex_encode (const guint8 *data,
                   gsize         size)
{
  static const char digits[] = "0123456789abcdef";
  char *hex = g_malloc (size * 2 + 1);

  for (gsize i = 0; i < size; i++)
    {
      hex[2 * i] = digits[data[i] >> 4];
      hex[2 * i + 1] = digits[data[i] & 0xf];
    }
  hex[size * 2] = '\0';

  return hex;
}

/**
 * godwit_object_to_json:
 *
 * A managed object as `godwit-cli dump --json` writes it: entity, pk,
 * opt, uri, attributes and relationships (docs/cli.md). The attributes and
 * relationships objects are shared with @object, not copied.
 *
 * Returns: (transfer full): a JSON object node
 */
JsonNode *
godwit_object_to_json (const GodwitObject *object)
{
  g_autoptr(JsonObject) json = NULL;

  g_return_val_if_fail (object != NULL, NULL);

  json = json_object_new ();
  json_object_set_string_member (json, "entity", object->entity);
  json_object_set_int_member (json, "pk", object->pk);
  json_object_set_int_member (json, "opt", object->opt);
  json_object_set_string_member (json, "uri", object->uri);
  json_object_set_object_member (json, "attributes", json_object_ref (object->attributes));
  json_object_set_object_member (json, "relationships", json_object_ref (object->relationships));

  return json_node_init_object (json_node_alloc (), json);
}

/* Where compact JSON goes: @text, and with @stream set, out to the stream
 * whenever @text holds FLUSH_BYTES, so that a value of any size is written
 * without being held a second time. */
typedef struct
{
  GString *text;
  FILE    *stream;     /* (nullable) */
  gsize    limit;      /* stop adding once @text is longer; 0: no limit */
} JsonWriter;

#define FLUSH_BYTES (64 * 1024)

static void
writer_flush (JsonWriter *writer)
{
  fwrite (writer->text->str, 1, writer->text->len, writer->stream);
  g_string_truncate (writer->text, 0);
}

static void
writer_append_len (JsonWriter *writer,
                   const char *data,
                   gsize       length)
{
  if (writer->stream != NULL && writer->text->len + length > FLUSH_BYTES)
    {
      writer_flush (writer);
      /* A long run of text goes out as it is. */
      if (length > FLUSH_BYTES)
        {
          fwrite (data, 1, length, writer->stream);
          return;
        }
    }

  g_string_append_len (writer->text, data, length);
}

static void
writer_append (JsonWriter *writer,
               const char *text)
{
  writer_append_len (writer, text, strlen (text));
}

static gboolean
writer_is_full (JsonWriter *writer)
{
  return writer->limit > 0 && writer->text->len > writer->limit;
}

/* The shortest of %.15g, %.16g and %.17g that reads back as @value: 2.1,
 * not the 2.1000000000000001 json-glib writes. A whole number keeps a
 * point, as json-glib writes it, so that it still reads as a double. */
static void
append_double (JsonWriter *writer,
               double      value)
{
  static const char * const formats[] = { "%.15g", "%.16g", "%.17g" };
  char buffer[G_ASCII_DTOSTR_BUF_SIZE];

  for (guint i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      g_ascii_formatd (buffer, sizeof buffer, formats[i], value);
      if (g_ascii_strtod (buffer, NULL) == value)
        break;
    }

  writer_append (writer, buffer);
  if (buffer[strspn (buffer, "-0123456789")] == '\0')
    writer_append (writer, ".0");
}

/* @string as a JSON string, escaped as json-glib escapes it: the usual
 * short escapes, other control characters and DEL as \uXXXX. Unlike
 * json-glib 1.6, U+001F is escaped too, as JSON requires. Stops early
 * once the writer is full. */
static void
append_string (JsonWriter *writer,
               const char *string)
{
  writer_append_len (writer, "\"", 1);

  for (const guchar *p = (const guchar *) string; *p != '\0'; p++)
    {
      const guchar *run = p;
      char escape[8];

      /* Most text needs no escape: append it a run at a time, no longer
       * than a full writer takes. */
      while (*p >= 0x20 && *p != '"' && *p != '\\' && *p != 0x7f &&
             (writer->limit == 0 || (gsize) (p - run) <= writer->limit))
        p++;
      writer_append_len (writer, (const char *) run, p - run);
      if (*p == '\0' || writer_is_full (writer))
        break;

      switch (*p)
        {
        case '"':
          writer_append (writer, "\\\"");
          break;
        case '\\':
          writer_append (writer, "\\\\");
          break;
        case '\b':
          writer_append (writer, "\\b");
          break;
        case '\f':
          writer_append (writer, "\\f");
          break;
        case '\n':
          writer_append (writer, "\\n");
          break;
        case '\r':
          writer_append (writer, "\\r");
          break;
        case '\t':
          writer_append (writer, "\\t");
          break;
        default:
          /* The other control characters, and DEL. */
          g_snprintf (escape, sizeof escape, "\\u%04x", *p);
          writer_append (writer, escape);
        }
    }

  writer_append_len (writer, "\"", 1);
}

/* @node as compact JSON, as json-glib writes it but for doubles, until
 * the writer is full. The decoders that build values bound their
 * depth. */
static void
append_json (JsonWriter *writer,
             JsonNode   *node)
{
  if (writer_is_full (writer))
    return;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        writer_append_len (writer, "{", 1);
        for (GList *l = members; l != NULL; l = l->next)
          {
            if (l != members)
              writer_append_len (writer, ",", 1);
            append_string (writer, l->data);
            writer_append_len (writer, ":", 1);
            append_json (writer, json_object_get_member (object, l->data));
          }
        writer_append_len (writer, "}", 1);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        writer_append_len (writer, "[", 1);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            if (i > 0)
              writer_append_len (writer, ",", 1);
            append_json (writer, json_array_get_element (array, i));
          }
        writer_append_len (writer, "]", 1);
      }
      break;

    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          if (json_node_get_string (node) != NULL)
            append_string (writer, json_node_get_string (node));
          else
            writer_append (writer, "null");
          break;
        case G_TYPE_INT64:
          {
            char number[32];

            g_snprintf (number, sizeof number, "%" G_GINT64_FORMAT, json_node_get_int (node));
            writer_append (writer, number);
          }
          break;
        case G_TYPE_DOUBLE:
          append_double (writer, json_node_get_double (node));
          break;
        case G_TYPE_BOOLEAN:
          writer_append (writer, json_node_get_boolean (node) ? "true" : "false");
          break;
        default:
          /* json-glib stores no other value types. */
          writer_append (writer, "null");
        }
      break;

    case JSON_NODE_NULL:
    default:
      writer_append (writer, "null");
      break;
    }
}

/**
 * godwit_value_dup_text:
 * @value: a decoded value, as #GodwitObject holds them
 * @max_chars: cut longer text with “…”; 0 for no limit
 *
 * A value as `godwit-cli dump` and the app show it: compact JSON on one
 * line, so that the string “null” and a null value look different, with
 * each double in the fewest digits that read back as the same double.
 *
 * Returns: (transfer full): the text
 */
char *
godwit_value_dup_text (JsonNode *value,
                       guint     max_chars)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *valid = NULL;
  g_autofree char *start = NULL;
  /* A character takes at most 4 bytes: text longer than that is cut
   * anyway, so a huge value is not written out in full. */
  JsonWriter writer = { text, NULL, (gsize) max_chars * 4 };

  g_return_val_if_fail (value != NULL, NULL);

  append_json (&writer, value);

  if (max_chars == 0)
    return g_string_free (g_steal_pointer (&text), FALSE);

  /* Counting characters in bytes that are not UTF-8 would run past the
   * end; the decoders make their text valid, but not every caller. */
  valid = g_utf8_make_valid (text->str, text->len);
  if (g_utf8_strlen (valid, -1) <= max_chars)
    return g_steal_pointer (&valid);

  start = g_utf8_substring (valid, 0, max_chars - 1);

  return g_strconcat (start, "…", NULL);
}

/**
 * godwit_value_write:
 * @value: a decoded value, as #GodwitObject holds them
 * @stream: where to write it
 *
 * Writes godwit_value_dup_text (@value, 0) to @stream a piece at a time,
 * as it is made: a value of any size is never held a second time, as
 * `godwit-cli dump` needs for values of hundreds of megabytes. A failed
 * write is left for ferror() on @stream to tell.
 */
void
godwit_value_write (JsonNode *value,
                    FILE     *stream)
{
  g_autoptr(GString) text = g_string_sized_new (FLUSH_BYTES);
  JsonWriter writer = { text, stream, 0 };

  g_return_if_fail (value != NULL);
  g_return_if_fail (stream != NULL);

  append_json (&writer, value);
  writer_flush (&writer);
}

/* What a decoded value takes in memory, about: json-glib's node and value
 * and the allocator's headers come to this much a node, besides the
 * text of strings. */
#define NODE_BYTES 128

gsize
_godwit_value_estimate_size (JsonNode *value)
{
  gsize size = NODE_BYTES;

  switch (JSON_NODE_TYPE (value))
    {
    case JSON_NODE_OBJECT:
      {
        g_autoptr(GList) members = json_object_get_values (json_node_get_object (value));

        for (GList *l = members; l != NULL; l = l->next)
          size += _godwit_value_estimate_size (l->data);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (value);

        for (guint i = 0; i < json_array_get_length (array); i++)
          size += _godwit_value_estimate_size (json_array_get_element (array, i));
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (value) == G_TYPE_STRING && json_node_get_string (value) != NULL)
        size += strlen (json_node_get_string (value));
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }

  return size;
}

char *
_godwit_value_format_uuid (const guint8 *b)
{
  return g_strdup_printf ("%02X%02X%02X%02X-%02X%02X-%02X%02X-%02X%02X-%02X%02X%02X%02X%02X%02X",
                          b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                          b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

JsonNode *
_godwit_value_binary_summary (const guint8 *data,
                              gsize         size)
{
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *preview = godwit_hex_encode (data, MIN (size, PREVIEW_BYTES));

  json_object_set_int_member (object, "size", (gint64) size);
  json_object_set_string_member (object, "preview", preview);

  return json_node_init_object (json_node_alloc (), object);
}

static JsonNode *
column_text (sqlite3_stmt *statement,
             int           column)
{
  const char *text = (const char *) sqlite3_column_text (statement, column);
  int length = sqlite3_column_bytes (statement, column);
  g_autofree char *copy = NULL;

  if (text == NULL)
    return json_node_new (JSON_NODE_NULL);

  /* JSON needs valid UTF-8; stores written by other tools may not have
   * it. Valid text, the usual case, is not copied twice: a value may be
   * hundreds of megabytes. */
  if (g_utf8_validate_len (text, length, NULL))
    return json_node_init_string (json_node_alloc (), text);

  copy = g_utf8_make_valid (text, length);

  return json_node_init_string (json_node_alloc (), copy);
}

static JsonNode *
column_blob_summary (sqlite3_stmt *statement,
                     int           column)
{
  const guint8 *data = sqlite3_column_blob (statement, column);
  int size = sqlite3_column_bytes (statement, column);

  return _godwit_value_binary_summary (data, size);
}

static JsonNode *
column_date (sqlite3_stmt *statement,
             int           column)
{
  g_autofree char *iso = godwit_date_to_iso8601 (sqlite3_column_double (statement, column));

  if (iso == NULL)
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      json_node_set_double (node, sqlite3_column_double (statement, column));
      return node;
    }

  return json_node_init_string (json_node_alloc (), iso);
}

static JsonNode *
column_transformable (sqlite3_stmt *statement,
                      int           column)
{
  const guint8 *data = sqlite3_column_blob (statement, column);
  int size = sqlite3_column_bytes (statement, column);
  g_autoptr(GodwitKeyedArchive) archive = NULL;
  g_auto(plist_t) plain = NULL;
  JsonNode *summary;

  summary = _godwit_value_binary_summary (data, size);

  if (size < 8 || size > MAX_UNPACKED_ARCHIVE || memcmp (data, "bplist00", 8) != 0)
    return summary;

  archive = godwit_keyed_archive_new_from_data (data, size, "value", NULL);
  if (archive != NULL)
    {
      godwit_keyed_archive_set_max_nodes (archive, MAX_UNPACKED_VALUES);
      plain = godwit_keyed_archive_unpack (archive, NULL);
      /* Not kept beside the value's JSON. */
      g_clear_object (&archive);
    }

  /* Not every transformer archives with NSKeyedArchiver; then the bytes
   * are all there is to show. */
  if (plain != NULL)
    json_object_set_member (json_node_get_object (summary), "value", godwit_plist_to_json (plain));

  return summary;
}

JsonNode *
_godwit_value_to_json (GodwitAttributeType  type,
                       sqlite3_stmt        *statement,
                       int                  column)
{
  JsonNode *node;
  int storage = sqlite3_column_type (statement, column);

  if (storage == SQLITE_NULL)
    return json_node_new (JSON_NODE_NULL);

  switch (type)
    {
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_16:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_32:
    case GODWIT_ATTRIBUTE_TYPE_INTEGER_64:
      if (storage != SQLITE_INTEGER)
        break;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, sqlite3_column_int64 (statement, column));
      return node;

    case GODWIT_ATTRIBUTE_TYPE_BOOLEAN:
      if (storage != SQLITE_INTEGER)
        break;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_boolean (node, sqlite3_column_int64 (statement, column) != 0);
      return node;

    case GODWIT_ATTRIBUTE_TYPE_DOUBLE:
    case GODWIT_ATTRIBUTE_TYPE_FLOAT:
      if (storage != SQLITE_INTEGER && storage != SQLITE_FLOAT)
        break;
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (node, sqlite3_column_double (statement, column));
      return node;

    case GODWIT_ATTRIBUTE_TYPE_DATE:
      if (storage != SQLITE_INTEGER && storage != SQLITE_FLOAT)
        break;
      return column_date (statement, column);

    case GODWIT_ATTRIBUTE_TYPE_DECIMAL:
      /* Kept as text so no digit is lost to a double. */
      return column_text (statement, column);

    case GODWIT_ATTRIBUTE_TYPE_STRING:
    case GODWIT_ATTRIBUTE_TYPE_URI:
      return column_text (statement, column);

    case GODWIT_ATTRIBUTE_TYPE_UUID:
      if (storage == SQLITE_BLOB && sqlite3_column_bytes (statement, column) == 16)
        {
          g_autofree char *uuid = _godwit_value_format_uuid (sqlite3_column_blob (statement, column));

          return json_node_init_string (json_node_alloc (), uuid);
        }
      break;

    case GODWIT_ATTRIBUTE_TYPE_TRANSFORMABLE:
      if (storage == SQLITE_BLOB)
        return column_transformable (statement, column);
      break;

    case GODWIT_ATTRIBUTE_TYPE_BINARY:
      if (storage == SQLITE_BLOB)
        return column_blob_summary (statement, column);
      break;

    case GODWIT_ATTRIBUTE_TYPE_UNDEFINED:
    case GODWIT_ATTRIBUTE_TYPE_OBJECT_ID:
    case GODWIT_ATTRIBUTE_TYPE_COMPOSITE:
    default:
      break;
    }

  /* A value whose storage does not fit its attribute type: show what is
   * there rather than inventing a conversion. */
  return _godwit_value_to_json_for_declared_type (NULL, statement, column);
}

/* Schema-only view: the column's declared type is all that is known. */
JsonNode *
_godwit_value_to_json_for_declared_type (const char   *declared_type,
                                         sqlite3_stmt *statement,
                                         int           column)
{
  JsonNode *node;

  switch (sqlite3_column_type (statement, column))
    {
    case SQLITE_NULL:
      return json_node_new (JSON_NODE_NULL);

    case SQLITE_INTEGER:
      if (declared_type != NULL && g_ascii_strcasecmp (declared_type, "TIMESTAMP") == 0)
        return column_date (statement, column);
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_int (node, sqlite3_column_int64 (statement, column));
      return node;

    case SQLITE_FLOAT:
      if (declared_type != NULL && g_ascii_strcasecmp (declared_type, "TIMESTAMP") == 0)
        return column_date (statement, column);
      node = json_node_new (JSON_NODE_VALUE);
      json_node_set_double (node, sqlite3_column_double (statement, column));
      return node;

    case SQLITE_TEXT:
      return column_text (statement, column);

    case SQLITE_BLOB:
    default:
      return column_blob_summary (statement, column);
    }
}
