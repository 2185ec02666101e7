/* godwit-plist.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-plist"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "godwit-error.h"
#include "godwit-file-private.h"
#include "godwit-plist.h"

/* Seconds from the Unix epoch to Core Data's reference date,
 * 2001-01-01T00:00:00Z. */
#define REFERENCE_DATE_UNIX 978307200

#define BPLIST_HEADER_LENGTH  8
#define BPLIST_TRAILER_LENGTH 32

static const char *
describe_origin (const char *origin)
{
  return origin != NULL ? origin : _("property list");
}

/* Binary plists: libplist 2.2 expands every reference into a copy of the
 * object and recurses once per nesting level, so a small hostile file can
 * exhaust the stack or memory. This scan walks the object table first,
 * checking that every object lies inside the file, and measures the nesting
 * depth and the number of values the file expands to.
 */

typedef struct
{
  const guint8 *data;
  guint64       offset_table;
  guint64       n_objects;
  guint         offset_size;
  guint         ref_size;
} Bplist;

typedef struct
{
  guint64 index;
  guint64 refs;          /* position of the first reference */
  guint64 n_refs;
  guint64 next;
  guint32 values;
  guint16 height;
  guint64 bytes;         /* of strings and data, once expanded */
} BplistFrame;

enum
{
  BPLIST_NEW,
  BPLIST_ACTIVE,
  BPLIST_DONE,
};

static guint64
read_big_endian (const guint8 *p,
                 guint         size)
{
  guint64 value = 0;

  for (guint i = 0; i < size; i++)
    value = (value << 8) | p[i];

  return value;
}

/* The length that follows a marker whose low nibble is 0xf: an integer
 * object of 1, 2, 4 or 8 bytes. @pos points after the marker and is moved
 * past the integer. */
static gboolean
bplist_read_count (const Bplist *b,
                   guint8        info,
                   guint64      *pos,
                   guint64      *count)
{
  guint8 marker;
  guint size;

  if (info != 0xf)
    {
      *count = info;
      return TRUE;
    }

  if (*pos >= b->offset_table)
    return FALSE;

  marker = b->data[*pos];
  if ((marker & 0xf0) != 0x10 || (marker & 0x0f) > 3)
    return FALSE;

  size = 1u << (marker & 0x0f);
  if (b->offset_table - (*pos + 1) < size)
    return FALSE;

  *count = read_big_endian (b->data + *pos + 1, size);
  *pos += 1 + size;

  return TRUE;
}

/* Checks that object @index lies inside the object area; for arrays, sets
 * and dictionaries, returns where its references are and how many; for
 * strings and data, the bytes libplist copies them into. */
static gboolean
bplist_inspect_object (const Bplist *b,
                       guint64       index,
                       guint64      *refs,
                       guint64      *n_refs,
                       guint64      *bytes)
{
  guint64 offset = read_big_endian (b->data + b->offset_table + index * b->offset_size,
                                    b->offset_size);
  guint64 pos;
  guint64 count = 0;
  guint64 payload = 0;
  guint8 marker;
  guint8 info;

  *refs = 0;
  *n_refs = 0;
  *bytes = 0;

  if (offset < BPLIST_HEADER_LENGTH || offset >= b->offset_table)
    return FALSE;

  marker = b->data[offset];
  info = marker & 0x0f;
  pos = offset + 1;

  switch (marker >> 4)
    {
    case 0x0: /* null, false, true, fill */
      return info == 0x0 || info == 0x8 || info == 0x9 || info == 0xf;

    case 0x1: /* integer */
      if (info > 4)
        return FALSE;
      payload = 1u << info;
      break;

    case 0x2: /* real */
      if (info != 2 && info != 3)
        return FALSE;
      payload = 1u << info;
      break;

    case 0x3: /* date */
      if (info != 3)
        return FALSE;
      payload = 8;
      break;

    case 0x4: /* data */
      if (!bplist_read_count (b, info, &pos, &count))
        return FALSE;
      payload = count;
      *bytes = count;
      break;

    /* A string with a NUL inside is refused: libplist asserts (aborts)
     * when it reads one back, its length being more than strlen(). */
    case 0x5: /* ASCII string */
      if (!bplist_read_count (b, info, &pos, &count) || count > b->offset_table - pos
          || memchr (b->data + pos, 0, count) != NULL)
        return FALSE;
      payload = count;
      *bytes = count;
      break;

    case 0x6: /* UTF-16 string */
      if (!bplist_read_count (b, info, &pos, &count) || count > (b->offset_table - pos) / 2)
        return FALSE;
      for (guint64 i = 0; i < count; i++)
        {
          if (b->data[pos + 2 * i] == 0 && b->data[pos + 2 * i + 1] == 0)
            return FALSE;
        }
      payload = count * 2;
      /* Converted to UTF-8: up to 3 bytes a code unit. */
      *bytes = count * 3;
      break;

    case 0x8: /* UID */
      if (info > 7)
        return FALSE;
      payload = info + 1;
      break;

    case 0xa: /* array */
    case 0xc: /* set */
    case 0xd: /* dictionary: keys then values */
      if (!bplist_read_count (b, info, &pos, &count))
        return FALSE;
      if ((marker >> 4) == 0xd)
        {
          if (count > G_MAXUINT64 / 2)
            return FALSE;
          count *= 2;
        }
      if (count > (b->offset_table - pos) / b->ref_size)
        return FALSE;
      *refs = pos;
      *n_refs = count;
      return TRUE;

    default:
      return FALSE;
    }

  return payload <= b->offset_table - pos;
}

/* Adds what a child expands to into its container's frame. */
static void
frame_add (BplistFrame *frame,
           guint32      values,
           guint64      bytes,
           guint16      height)
{
  frame->values = (guint32) MIN ((guint64) frame->values + values, (guint64) GODWIT_PLIST_MAX_VALUES + 1);
  frame->bytes = MIN (frame->bytes + bytes, (guint64) GODWIT_PLIST_MAX_SIZE + 1);
  frame->height = MAX (frame->height, height + 1);
}

static gboolean
bplist_check (const guint8  *data,
              gsize          length,
              const char    *origin,
              GError       **error)
{
  const guint8 *trailer = data + length - BPLIST_TRAILER_LENGTH;
  g_autofree guint8 *state = NULL;
  g_autofree guint16 *heights = NULL;
  g_autofree guint32 *values = NULL;
  g_autofree guint64 *sizes = NULL;
  BplistFrame stack[GODWIT_PLIST_MAX_DEPTH];
  guint depth = 0;
  guint64 root;
  Bplist b;

  if (length < BPLIST_HEADER_LENGTH + BPLIST_TRAILER_LENGTH)
    goto damaged;

  b.data = data;
  b.offset_size = trailer[6];
  b.ref_size = trailer[7];
  b.n_objects = read_big_endian (trailer + 8, 8);
  root = read_big_endian (trailer + 16, 8);
  b.offset_table = read_big_endian (trailer + 24, 8);

  if (b.offset_size < 1 || b.offset_size > 8 || b.ref_size < 1 || b.ref_size > 8)
    goto damaged;
  if (b.offset_table < BPLIST_HEADER_LENGTH || b.offset_table > length - BPLIST_TRAILER_LENGTH)
    goto damaged;
  if (b.n_objects == 0 || root >= b.n_objects
      || b.n_objects > (length - BPLIST_TRAILER_LENGTH - b.offset_table) / b.offset_size)
    goto damaged;

  if (b.n_objects > GODWIT_PLIST_MAX_VALUES)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the binary property list has more than %d objects"),
                   describe_origin (origin), GODWIT_PLIST_MAX_VALUES);
      return FALSE;
    }

  state = g_new0 (guint8, b.n_objects);
  heights = g_new0 (guint16, b.n_objects);
  values = g_new0 (guint32, b.n_objects);
  sizes = g_new0 (guint64, b.n_objects);

  /* Depth-first from the root, without recursion: only containers get a
   * frame, so the stack height is the nesting depth. */
  {
    guint64 refs, n_refs, bytes;

    if (!bplist_inspect_object (&b, root, &refs, &n_refs, &bytes))
      goto damaged;
    if (refs == 0)
      return TRUE;

    stack[0] = (BplistFrame) { root, refs, n_refs, 0, 1, 1, 0 };
    state[root] = BPLIST_ACTIVE;
    depth = 1;
  }

  while (depth > 0)
    {
      BplistFrame *frame = &stack[depth - 1];
      guint64 child;
      guint64 refs, n_refs, bytes;

      if (frame->next == frame->n_refs)
        {
          BplistFrame done = *frame;

          state[done.index] = BPLIST_DONE;
          heights[done.index] = done.height;
          values[done.index] = done.values;
          sizes[done.index] = done.bytes;
          depth--;

          if (depth > 0)
            frame_add (&stack[depth - 1], done.values, done.bytes, done.height);
          continue;
        }

      child = read_big_endian (data + frame->refs + frame->next * b.ref_size, b.ref_size);
      frame->next++;

      if (child >= b.n_objects)
        goto damaged;

      switch (state[child])
        {
        case BPLIST_ACTIVE:
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                       _("%s: the binary property list contains itself (object %" PRIu64
                         " refers back to one of its containers)"),
                       describe_origin (origin), child);
          return FALSE;

        case BPLIST_DONE:
          if (depth + heights[child] > GODWIT_PLIST_MAX_DEPTH)
            goto too_deep;
          frame_add (frame, values[child], sizes[child], heights[child]);
          break;

        case BPLIST_NEW:
        default:
          if (!bplist_inspect_object (&b, child, &refs, &n_refs, &bytes))
            goto damaged;

          if (refs == 0)
            {
              state[child] = BPLIST_DONE;
              values[child] = 1;
              sizes[child] = bytes;
              frame_add (frame, 1, bytes, 0);
              break;
            }

          if (depth == GODWIT_PLIST_MAX_DEPTH)
            goto too_deep;

          state[child] = BPLIST_ACTIVE;
          stack[depth++] = (BplistFrame) { child, refs, n_refs, 0, 1, 1, 0 };
          break;
        }

      /* Checked as they grow: a file of a few kilobytes can describe
       * billions of copies. */
      if (frame->values > GODWIT_PLIST_MAX_VALUES)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                       _("%s: the binary property list expands to more than %d values "
                         "(objects shared by reference too many times)"),
                       describe_origin (origin), GODWIT_PLIST_MAX_VALUES);
          return FALSE;
        }
      if (frame->bytes > GODWIT_PLIST_MAX_SIZE)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                       _("%s: the binary property list expands to more than %d MiB of strings and data "
                         "(objects shared by reference too many times)"),
                       describe_origin (origin), GODWIT_PLIST_MAX_SIZE / (1024 * 1024));
          return FALSE;
        }
    }

  return TRUE;

too_deep:
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
               _("%s: the property list is nested deeper than %d levels"),
               describe_origin (origin), GODWIT_PLIST_MAX_DEPTH);
  return FALSE;

damaged:
  g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
               _("%s: the binary property list is damaged or truncated"),
               describe_origin (origin));
  return FALSE;
}

static const guint8 *
skip_past (const guint8 *p,
           const guint8 *end,
           const char   *terminator)
{
  gsize length = strlen (terminator);

  for (; p + length <= end; p++)
    if (memcmp (p, terminator, length) == 0)
      return p + length;

  return end;
}

static gboolean
xml_tag_is (const guint8 *p,
            const guint8 *end,
            const char   *name)
{
  gsize length = strlen (name);

  if ((gsize) (end - p) <= length || memcmp (p, name, length) != 0)
    return FALSE;

  return p[length] == '>' || p[length] == '/' || g_ascii_isspace (p[length]);
}

/* XML plists: only <array> and <dict> nest, so counting their open tags is
 * enough to refuse what would be too deep for the code that walks the
 * parsed tree. Every other element but <plist> is a value (or a key) that
 * libplist makes a node of: they are counted too. */
static gboolean
xml_check_depth (const guint8  *data,
                 gsize          length,
                 const char    *origin,
                 GError       **error)
{
  const guint8 *end = data + length;
  const guint8 *p = data;
  guint depth = 0;
  guint64 n_values = 0;

  while (p < end)
    {
      const guint8 *tag;
      const guint8 *close;

      if (*p != '<')
        {
          p++;
          continue;
        }

      tag = p + 1;
      if (end - tag >= 3 && memcmp (tag, "!--", 3) == 0)
        p = skip_past (tag + 3, end, "-->");
      else if (end - tag >= 8 && memcmp (tag, "![CDATA[", 8) == 0)
        p = skip_past (tag + 8, end, "]]>");
      else if (tag < end && (*tag == '!' || *tag == '?'))
        p = skip_past (tag, end, ">");
      else if (tag < end && *tag == '/')
        {
          if ((xml_tag_is (tag + 1, end, "array") || xml_tag_is (tag + 1, end, "dict")) && depth > 0)
            depth--;
          p = skip_past (tag, end, ">");
        }
      else
        {
          if (!xml_tag_is (tag, end, "plist") && ++n_values > GODWIT_PLIST_MAX_VALUES)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                           _("%s: the XML property list has more than %d values"),
                           describe_origin (origin), GODWIT_PLIST_MAX_VALUES);
              return FALSE;
            }

          p = skip_past (tag, end, ">");
          close = p - 1;
          if ((xml_tag_is (tag, end, "array") || xml_tag_is (tag, end, "dict"))
              && !(*close == '>' && close > tag && close[-1] == '/')
              && ++depth > GODWIT_PLIST_MAX_DEPTH)
            {
              g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                           _("%s: the property list is nested deeper than %d levels"),
                           describe_origin (origin), GODWIT_PLIST_MAX_DEPTH);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/**
 * godwit_plist_new_from_data:
 * @origin: (nullable): a file path or a description such as
 *   "store.sqlite: Z_METADATA.Z_PLIST", to start error messages with
 *
 * Parses a binary (bplist00) or XML property list with libplist, after
 * checks that keep hostile input within GODWIT_PLIST_MAX_SIZE,
 * GODWIT_PLIST_MAX_DEPTH levels and GODWIT_PLIST_MAX_VALUES values, and a
 * binary one's strings and data, expanded where they are shared, within
 * GODWIT_PLIST_MAX_SIZE.
 *
 * Returns: (transfer full): the root node, or %NULL with @error set.
 */
plist_t
godwit_plist_new_from_data (const guint8  *data,
                            gsize          length,
                            const char    *origin,
                            GError       **error)
{
  const guint8 *start = data;
  const guint8 *end;
  plist_t plist = NULL;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length == 0)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                   _("%s: the property list is empty"), describe_origin (origin));
      return NULL;
    }

  if (length > GODWIT_PLIST_MAX_SIZE)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_LIMIT_EXCEEDED,
                   _("%s: the property list is larger than %d MiB"),
                   describe_origin (origin), GODWIT_PLIST_MAX_SIZE / (1024 * 1024));
      return NULL;
    }

  if (length >= 6 && memcmp (data, "bplist", 6) == 0)
    {
      if (length < BPLIST_HEADER_LENGTH)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                       _("%s: the binary property list is truncated"), describe_origin (origin));
          return NULL;
        }

      if (memcmp (data + 6, "00", 2) != 0)
        {
          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                       _("%s: unsupported binary property list version (not bplist00)"),
                       describe_origin (origin));
          return NULL;
        }

      if (!bplist_check (data, length, origin, error))
        return NULL;

      plist_from_bin ((const char *) data, (uint32_t) length, &plist);
      if (plist == NULL)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                     _("%s: the binary property list is damaged or truncated"),
                     describe_origin (origin));
      return plist;
    }

  /* An XML plist may start with a byte order mark and white space. */
  end = data + length;
  if (length >= 3 && memcmp (start, "\xef\xbb\xbf", 3) == 0)
    start += 3;
  while (start < end && g_ascii_isspace (*start))
    start++;

  if (start == end || *start != '<')
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                   _("%s: not a property list (neither binary nor XML)"), describe_origin (origin));
      return NULL;
    }

  if (!xml_check_depth (data, length, origin, error))
    return NULL;

  plist_from_xml ((const char *) data, (uint32_t) length, &plist);
  if (plist == NULL)
    g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                 _("%s: the XML property list is malformed or truncated"), describe_origin (origin));

  return plist;
}

/**
 * godwit_plist_new_from_file:
 * @out: (out) (transfer full): the root node
 *
 * Reads and parses a property list file; errors name @path.
 */
gboolean
godwit_plist_new_from_file (const char  *path,
                            plist_t     *out,
                            GError     **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  plist_t plist;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  *out = NULL;

  /* Refused before reading when too large: the parser would refuse it
   * anyway. */
  contents = _godwit_file_read_bounded (path, _("a property list file"), GODWIT_PLIST_MAX_SIZE, &length, error);
  if (contents == NULL)
    return FALSE;

  plist = godwit_plist_new_from_data ((const guint8 *) contents, length, path, error);
  if (plist == NULL)
    return FALSE;

  *out = plist;

  return TRUE;
}

/**
 * godwit_date_to_iso8601:
 *
 * Formats a Core Data date (seconds since 2001-01-01T00:00:00Z) as ISO 8601
 * in UTC, with milliseconds only when they are not zero.
 *
 * Returns: (transfer full) (nullable): the string, or %NULL when the value
 *   is not finite or outside the years 1 to 9999.
 */
char *
godwit_date_to_iso8601 (double seconds_since_2001)
{
  g_autoptr(GDateTime) date_time = NULL;
  g_autofree char *base = NULL;
  double whole;
  gint64 seconds;
  gint64 milliseconds;

  /* Years 1..9999 are about ±3.2e11 s away; anything beyond cannot be
   * converted to an integer safely, let alone formatted. */
  if (!isfinite (seconds_since_2001) || fabs (seconds_since_2001) > 1e12)
    return NULL;

  whole = floor (seconds_since_2001);
  seconds = (gint64) whole;
  milliseconds = (gint64) llround ((seconds_since_2001 - whole) * 1000.0);
  if (milliseconds == 1000)
    {
      seconds++;
      milliseconds = 0;
    }

  date_time = g_date_time_new_from_unix_utc (seconds + REFERENCE_DATE_UNIX);
  if (date_time == NULL)
    return NULL;

  base = g_date_time_format (date_time, "%Y-%m-%dT%H:%M:%S");
  if (base == NULL)
    return NULL;

  if (milliseconds == 0)
    return g_strconcat (base, "Z", NULL);

  return g_strdup_printf ("%s.%03" G_GINT64_FORMAT "Z", base, milliseconds);
}

/* libplist 2.2 hands a date out as whole seconds truncated toward zero and
 * the magnitude of the microseconds, so a date less than a second before
 * 2001 loses its sign; the node's binary form keeps the exact double. */
static double
date_seconds (plist_t node)
{
  int32_t sec = 0, usec = 0;
  char *bin = NULL;
  uint32_t length = 0;
  double value = 0;

  plist_get_date_val (node, &sec, &usec);
  if (sec != 0 || usec == 0)
    return sec < 0 ? sec - usec / 1e6 : sec + usec / 1e6;

  plist_to_bin (node, &bin, &length);
  if (bin != NULL && length >= BPLIST_HEADER_LENGTH + 9 && (guint8) bin[BPLIST_HEADER_LENGTH] == 0x33)
    {
      guint64 bits = read_big_endian ((const guint8 *) bin + BPLIST_HEADER_LENGTH + 1, 8);

      memcpy (&value, &bits, sizeof value);
    }
  else
    value = usec / 1e6;
  plist_to_bin_free (bin);

  return value;
}

/* JSON is UTF-8; a binary plist's 8-bit strings need not be. */
static char *
valid_utf8 (const char *text)
{
  if (text == NULL)
    return g_strdup ("");

  return g_utf8_make_valid (text, -1);
}

static JsonNode *to_json (plist_t node,
                          guint   depth);

typedef struct
{
  JsonObject *object;
  guint       depth;
} ToJsonMember;

static gboolean
add_json_member (const char *key,
                 plist_t     value,
                 gpointer    user_data)
{
  ToJsonMember *member = user_data;
  g_autofree char *valid_key = valid_utf8 (key);

  json_object_set_member (member->object, valid_key, to_json (value, member->depth));

  return TRUE;
}

static JsonNode *
to_json (plist_t node,
         guint   depth)
{
  JsonNode *json = json_node_alloc ();

  if (node == NULL || depth > GODWIT_PLIST_MAX_DEPTH)
    return json_node_init_null (json);

  switch (plist_get_node_type (node))
    {
    case PLIST_BOOLEAN:
      {
        guint8 value = 0;

        plist_get_bool_val (node, &value);
        return json_node_init_boolean (json, value != 0);
      }

    case PLIST_UINT:
      {
        guint64 value = 0;

        plist_get_uint_val (node, &value);
        return json_node_init_int (json, (gint64) value);
      }

    case PLIST_REAL:
      {
        double value = 0;

        plist_get_real_val (node, &value);
        /* JSON has no NaN or infinity */
        if (!isfinite (value))
          return json_node_init_null (json);
        return json_node_init_double (json, value);
      }

    case PLIST_STRING:
    case PLIST_KEY:
      {
        uint64_t length = 0;
        const char *value = plist_get_string_ptr (node, &length);
        g_autofree char *valid = valid_utf8 (value);

        return json_node_init_string (json, valid);
      }

    case PLIST_DATE:
      {
        g_autofree char *text = godwit_date_to_iso8601 (date_seconds (node));

        if (text == NULL)
          return json_node_init_null (json);
        return json_node_init_string (json, text);
      }

    case PLIST_DATA:
      {
        g_autoptr(JsonObject) object = json_object_new ();
        uint64_t length = 0;
        const char *bytes = plist_get_data_ptr (node, &length);
        g_autofree char *base64 = g_base64_encode ((const guchar *) bytes, length);

        json_object_set_string_member (object, "data", base64);
        return json_node_init_object (json, object);
      }

    case PLIST_UID:
      {
        g_autoptr(JsonObject) object = json_object_new ();
        guint64 value = 0;

        plist_get_uid_val (node, &value);
        json_object_set_int_member (object, "uid", (gint64) value);
        return json_node_init_object (json, object);
      }

    case PLIST_ARRAY:
      {
        g_autoptr(JsonArray) array = json_array_new ();
        plist_array_iter iter = NULL;
        plist_t item = NULL;

        /* Iterated: libplist 2.2 finds a parsed array's nth item by walking. */
        plist_array_new_iter (node, &iter);
        for (plist_array_next_item (node, iter, &item); item != NULL; plist_array_next_item (node, iter, &item))
          json_array_add_element (array, to_json (item, depth + 1));
        free (iter);
        return json_node_init_array (json, array);
      }

    case PLIST_DICT:
      {
        g_autoptr(JsonObject) object = json_object_new ();
        ToJsonMember member = { object, depth + 1 };

        godwit_plist_dict_foreach (node, add_json_member, &member);
        return json_node_init_object (json, object);
      }

    case PLIST_NONE:
    default:
      return json_node_init_null (json);
    }
}

/**
 * godwit_plist_to_json:
 * @node: (nullable): a plist node
 *
 * Converts a plist to JSON: dictionaries to objects, arrays to arrays,
 * integers to (signed) integers, dates to ISO 8601 strings, data to
 * {"data": base64} and UIDs to {"uid": n}. %NULL becomes JSON null.
 *
 * Returns: (transfer full): a new JSON node
 */
JsonNode *
godwit_plist_to_json (plist_t node)
{
  return to_json (node, 0);
}

/**
 * godwit_plist_dup_string:
 *
 * Returns: (transfer full) (nullable): the string member @key of @dict, or
 *   %NULL when @dict is not a dictionary or the member is absent or not a
 *   string.
 */
char *
godwit_plist_dup_string (plist_t     dict,
                         const char *key)
{
  plist_t item;
  uint64_t length = 0;
  const char *value;

  g_return_val_if_fail (key != NULL, NULL);

  if (dict == NULL || plist_get_node_type (dict) != PLIST_DICT)
    return NULL;

  item = plist_dict_get_item (dict, key);
  if (item == NULL || plist_get_node_type (item) != PLIST_STRING)
    return NULL;

  value = plist_get_string_ptr (item, &length);

  return g_strdup (value);
}

/**
 * godwit_plist_get_int:
 *
 * Reads an integer (libplist keeps them unsigned: negative numbers come back
 * in two's complement), a boolean (0 or 1) or a real without fraction.
 *
 * Returns: whether @node holds such a value
 */
gboolean
godwit_plist_get_int (plist_t  node,
                      gint64  *value)
{
  g_return_val_if_fail (value != NULL, FALSE);

  if (node == NULL)
    return FALSE;

  switch (plist_get_node_type (node))
    {
    case PLIST_UINT:
      {
        guint64 u = 0;

        plist_get_uint_val (node, &u);
        *value = (gint64) u;
        return TRUE;
      }

    case PLIST_BOOLEAN:
      {
        guint8 b = 0;

        plist_get_bool_val (node, &b);
        *value = b != 0;
        return TRUE;
      }

    case PLIST_REAL:
      {
        double d = 0;

        plist_get_real_val (node, &d);
        if (!isfinite (d) || d != floor (d) || d < -9223372036854775808.0 || d >= 9223372036854775808.0)
          return FALSE;
        *value = (gint64) d;
        return TRUE;
      }

    default:
      return FALSE;
    }
}

/**
 * godwit_plist_dict_foreach:
 *
 * Calls @func for every key of @dict in order, until it returns %FALSE.
 * Anything but a dictionary has no keys.
 *
 * Returns: %FALSE if @func stopped the walk.
 */
gboolean
godwit_plist_dict_foreach (plist_t              dict,
                           GodwitPlistDictFunc  func,
                           gpointer             user_data)
{
  plist_dict_iter iter = NULL;
  gboolean go_on = TRUE;

  g_return_val_if_fail (func != NULL, FALSE);

  if (dict == NULL || plist_get_node_type (dict) != PLIST_DICT)
    return TRUE;

  plist_dict_new_iter (dict, &iter);
  while (go_on)
    {
      char *key = NULL;
      plist_t value = NULL;

      plist_dict_next_item (dict, iter, &key, &value);
      if (value == NULL)
        {
          free (key);
          break;
        }

      go_on = func (key, value, user_data);
      free (key);
    }
  free (iter);

  return go_on;
}

typedef struct
{
  GHashTable *hashes;
  const char *origin;
  GError    **error;
} VersionHashes;

static gboolean
add_version_hash (const char *entity,
                  plist_t     value,
                  gpointer    user_data)
{
  VersionHashes *v = user_data;
  const char *data;
  uint64_t length = 0;

  if (plist_get_node_type (value) != PLIST_DATA)
    {
      g_set_error (v->error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                   _("%s: the version hash of %s is not data"), describe_origin (v->origin), entity);
      return FALSE;
    }

  data = plist_get_data_ptr (value, &length);
  g_hash_table_replace (v->hashes, g_strdup (entity), g_bytes_new (data, length));

  return TRUE;
}

/**
 * godwit_plist_dup_version_hashes:
 * @dict: an entity name → version hash dictionary, as
 *   NSStoreModelVersionHashes and VersionInfo.plist hold them
 *
 * Returns: (transfer full) (element-type utf8 GBytes): the hashes, or
 *   %NULL with @error set when @dict is not such a dictionary.
 */
GHashTable *
godwit_plist_dup_version_hashes (plist_t      dict,
                                 const char  *origin,
                                 GError     **error)
{
  g_autoptr(GHashTable) hashes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) g_bytes_unref);
  VersionHashes v = { hashes, origin, error };

  if (dict == NULL || plist_get_node_type (dict) != PLIST_DICT)
    {
      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_PLIST,
                   _("%s: the version hashes are not a dictionary"), describe_origin (origin));
      return NULL;
    }

  if (!godwit_plist_dict_foreach (dict, add_version_hash, &v))
    return NULL;

  return g_steal_pointer (&hashes);
}
