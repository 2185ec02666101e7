/* godwit-markup.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Bounded reading of the XML files Xcode writes (model `contents`, mapping
 * models' xcmapping.xml) with GMarkup: a size cap checked before and while
 * reading, a nesting limit, and errors that name the file and line.
 */

#define G_LOG_DOMAIN "godwit-markup"

#include "config.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "godwit-file-private.h"
#include "godwit-markup-private.h"

#define READ_CHUNK_SIZE (64 * 1024)

/**
 * _godwit_markup_set_error:
 * @context: the parse context, for the line
 * @path: the file read
 *
 * Sets @error to "@path: line N: message".
 */
void
_godwit_markup_set_error (GMarkupParseContext  *context,
                          const char           *path,
                          GError              **error,
                          GodwitError           code,
                          const char           *format,
                          ...)
{
  g_autofree char *message = NULL;
  va_list args;
  int line = 0;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_markup_parse_context_get_position (context, &line, NULL);
  g_set_error (error, GODWIT_ERROR, code, _("%s: line %d: %s"), path, line, message);
}

/**
 * _godwit_markup_lookup:
 *
 * Returns: (nullable): the value of the element attribute @name
 */
const char *
_godwit_markup_lookup (const char **names,
                       const char **values,
                       const char  *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], name) == 0)
      return values[i];

  return NULL;
}

/**
 * _godwit_markup_require:
 *
 * Returns: (nullable): the value of the element attribute @name, or %NULL
 *   with @error set when the element lacks it
 */
const char *
_godwit_markup_require (GMarkupParseContext  *context,
                        const char           *path,
                        const char           *element_name,
                        const char          **names,
                        const char          **values,
                        const char           *name,
                        GError              **error)
{
  const char *value = _godwit_markup_lookup (names, values, name);

  if (value == NULL)
    _godwit_markup_set_error (context, path, error, GODWIT_ERROR_INVALID_MODEL,
                              _("<%s> has no “%s” attribute"), element_name, name);

  return value;
}

/**
 * _godwit_markup_check_depth:
 * @depth: how many elements are open
 *
 * Returns: %FALSE with @error set when one more element would nest deeper
 *   than @max_depth
 */
gboolean
_godwit_markup_check_depth (GMarkupParseContext  *context,
                            const char           *path,
                            guint                 depth,
                            guint                 max_depth,
                            GError              **error)
{
  if (depth < max_depth)
    return TRUE;

  _godwit_markup_set_error (context, path, error, GODWIT_ERROR_LIMIT_EXCEEDED,
                            _("elements are nested more than %u deep"), max_depth);
  return FALSE;
}

static gboolean
parse_fd (const char           *path,
          int                   fd,
          gsize                 max_size,
          GMarkupParseContext  *context,
          GError              **error)
{
  g_autofree char *buffer = g_malloc (READ_CHUNK_SIZE);
  gsize total = 0;

  for (;;)
    {
      gssize n = read (fd, buffer, READ_CHUNK_SIZE);

      if (n < 0 && errno == EINTR)
        continue;

      if (n < 0)
        {
          int saved_errno = errno;

          g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                       "%s: %s", path, g_strerror (saved_errno));
          return FALSE;
        }

      if (n == 0)
        break;

      total += n;
      /* The size was checked before; this catches a file that grows. */
      if (total > max_size)
        {
          _godwit_file_set_too_large_error (error, path, max_size);
          return FALSE;
        }

      if (!g_markup_parse_context_parse (context, buffer, n, error))
        return FALSE;
    }

  return g_markup_parse_context_end_parse (context, error);
}

/**
 * _godwit_markup_parse_file:
 * @path: the XML file
 * @file_kind: what @path should be, for the message when it is not a
 *   regular file: "the model's contents file"
 * @max_size: the largest file read, in bytes
 * @parser: the callbacks
 * @user_data: their data
 *
 * Parses @path in chunks. Errors the callbacks set pass through; XML that
 * is not well-formed is %GODWIT_ERROR_INVALID_MODEL.
 *
 * Returns: %TRUE on success
 */
gboolean
_godwit_markup_parse_file (const char           *path,
                           const char           *file_kind,
                           gsize                 max_size,
                           const GMarkupParser  *parser,
                           gpointer              user_data,
                           GError              **error)
{
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GError) local_error = NULL;
  gboolean ok;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fd = _godwit_file_open_bounded (path, file_kind, max_size, error);
  if (fd < 0)
    return FALSE;

  context = g_markup_parse_context_new (parser, 0, user_data, NULL);
  ok = parse_fd (path, fd, max_size, context, &local_error);
  g_close (fd, NULL);

  if (!ok)
    {
      if (local_error->domain == G_MARKUP_ERROR)
        g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_INVALID_MODEL,
                     _("%s: not well-formed XML: %s"), path, local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}
