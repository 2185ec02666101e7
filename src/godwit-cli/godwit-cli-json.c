/* godwit-cli-json.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Output shared by the commands: aligned text tables for people, and the
 * pieces of the JSON schema (docs/cli.md) more than one command writes.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"

/* Shown in a text cell that has no value. */
#define EMPTY_CELL "–"

/* Hex digits of a version hash shown in text; JSON has all of them. */
#define SHORT_HASH_LENGTH 12

struct _GodwitCliTable
{
  guint      n_columns;
  GPtrArray *rows;          /* (element-type GStrv) */
  gboolean  *align_right;
  gboolean   has_headers;
};

GodwitCliTable *
_godwit_cli_table_new (guint n_columns)
{
  GodwitCliTable *table = g_new0 (GodwitCliTable, 1);

  table->n_columns = n_columns;
  table->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  table->align_right = g_new0 (gboolean, n_columns);

  return table;
}

void
_godwit_cli_table_free (GodwitCliTable *table)
{
  if (table == NULL)
    return;

  g_ptr_array_unref (table->rows);
  g_free (table->align_right);
  g_free (table);
}

static GStrv
collect_row (GodwitCliTable *table,
             va_list         args)
{
  GStrv row = g_new0 (char *, table->n_columns + 1);

  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *cell = va_arg (args, const char *);

      row[i] = g_strdup (cell != NULL ? cell : EMPTY_CELL);
    }

  return row;
}

/* The headers row: n_columns strings, then NULL. */
void
_godwit_cli_table_set_headers (GodwitCliTable *table,
                               ...)
{
  va_list args;

  g_assert (!table->has_headers);

  va_start (args, table);
  g_ptr_array_insert (table->rows, 0, collect_row (table, args));
  va_end (args);

  table->has_headers = TRUE;
}

void
_godwit_cli_table_align_right (GodwitCliTable *table,
                               guint           column)
{
  g_assert (column < table->n_columns);

  table->align_right[column] = TRUE;
}

/* n_columns strings; a NULL one is shown as EMPTY_CELL. */
void
_godwit_cli_table_add_row (GodwitCliTable *table,
                           ...)
{
  va_list args;

  va_start (args, table);
  g_ptr_array_add (table->rows, collect_row (table, args));
  va_end (args);
}

static void
append_padding (GString *line,
                gsize    n)
{
  for (gsize i = 0; i < n; i++)
    g_string_append_c (line, ' ');
}

void
_godwit_cli_table_print (GodwitCliTable *table,
                         guint           indent)
{
  g_autofree gsize *widths = g_new0 (gsize, table->n_columns);
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);

      for (guint c = 0; c < table->n_columns; c++)
        widths[c] = MAX (widths[c], (gsize) g_utf8_strlen (row[c], -1));
    }

  for (guint r = 0; r < table->rows->len; r++)
    {
      GStrv row = g_ptr_array_index (table->rows, r);

      g_string_truncate (line, 0);
      append_padding (line, indent);

      for (guint c = 0; c < table->n_columns; c++)
        {
          gsize padding = widths[c] - g_utf8_strlen (row[c], -1);
          gboolean last = c + 1 == table->n_columns;

          if (c > 0)
            g_string_append (line, "  ");
          if (table->align_right[c])
            append_padding (line, padding);
          g_string_append (line, row[c]);
          /* No trailing blanks after the last column. */
          if (!table->align_right[c] && !last)
            append_padding (line, padding);
        }

      /* Not g_print(), which flushes: dump prints a table per object. */
      g_string_append_c (line, '\n');
      fputs (line->str, stdout);
    }
}

void
_godwit_cli_print_heading (const char *heading)
{
  g_print ("\n%s\n", heading);
}

/* A version hash, shortened for a text column. */
char *
_godwit_cli_dup_short_hash (const char *hex)
{
  if (hex == NULL)
    return NULL;

  if (strlen (hex) <= SHORT_HASH_LENGTH)
    return g_strdup (hex);

  return g_strdup_printf ("%.*s…", SHORT_HASH_LENGTH, hex);
}

const char *
_godwit_cli_model_source_to_string (GodwitModelChoiceSource source)
{
  switch (source)
    {
    case GODWIT_MODEL_CHOICE_FROM_BUNDLE:
      return "bundle";
    case GODWIT_MODEL_CHOICE_FROM_STORE_CACHE:
      return "store-cache";
    case GODWIT_MODEL_CHOICE_NONE:
      return "none";
    default:
      g_assert_not_reached ();
    }
}

/* The members every entity object has, in `model` and in `inspect`. */
void
_godwit_cli_add_entity (JsonBuilder *builder,
                        const char  *name,
                        const char  *parent_name,
                        gboolean     abstract,
                        const char  *version_hash_hex)
{
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  _godwit_json_add_nullable_string (builder, "parent", parent_name);
  json_builder_set_member_name (builder, "abstract");
  json_builder_add_boolean_value (builder, abstract);
  _godwit_json_add_nullable_string (builder, "version_hash", version_hash_hex);
}

/* A backup folder as `backups`, `rollback` and `migrate` describe it. */
void
_godwit_cli_add_backup (JsonBuilder             *builder,
                        const GodwitStoreBackup *backup)
{
  g_autofree char *created = g_date_time_format_iso8601 (backup->created);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "path");
  json_builder_add_string_value (builder, backup->path);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created);
  _godwit_json_add_nullable_string (builder, "description", backup->description);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, backup->size);
  json_builder_end_object (builder);
}

/* The same, as a row of a four-column table: created, size, description,
 * path. */
void
_godwit_cli_add_backup_row (GodwitCliTable          *table,
                            const GodwitStoreBackup *backup)
{
  g_autofree char *created = g_date_time_format_iso8601 (backup->created);
  g_autofree char *size = g_format_size ((guint64) MAX (backup->size, 0));

  _godwit_cli_table_add_row (table, created, size, backup->description, backup->path);
}

/* An array of GodwitEntityDifference (empty for NULL). */
void
_godwit_cli_add_differences (JsonBuilder *builder,
                             GPtrArray   *differences)
{
  json_builder_begin_array (builder);

  for (guint i = 0; differences != NULL && i < differences->len; i++)
    {
      GodwitEntityDifference *difference = g_ptr_array_index (differences, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "entity");
      json_builder_add_string_value (builder, difference->entity);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, godwit_entity_match_state_to_string (difference->state));
      json_builder_set_member_name (builder, "details");
      _godwit_json_add_string_array (builder, difference->details);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}

/* The entities that differ, each with what differs below it. */
void
_godwit_cli_print_differences (GPtrArray *differences)
{
  for (guint i = 0; i < differences->len; i++)
    {
      GodwitEntityDifference *difference = g_ptr_array_index (differences, i);

      if (difference->state == GODWIT_ENTITY_MATCH_EQUAL)
        continue;

      g_print ("  %s (%s)\n", difference->entity,
               godwit_entity_match_state_to_string (difference->state));
      for (guint j = 0; j < difference->details->len; j++)
        g_print ("    %s\n", (const char *) g_ptr_array_index (difference->details, j));
    }
}

JsonGenerator *
_godwit_cli_json_generator_new (gboolean pretty)
{
  JsonGenerator *generator = json_generator_new ();

  json_generator_set_pretty (generator, pretty);
  json_generator_set_indent (generator, 2);

  return generator;
}

/* @root as one JSON text and a newline on stdout: the whole document,
 * or one line of JSON Lines with a compact generator. */
void
_godwit_cli_write_json (JsonGenerator *generator,
                        JsonNode      *root)
{
  g_autofree char *data = NULL;
  gsize length = 0;

  json_generator_set_root (generator, root);
  data = json_generator_to_data (generator, &length);
  fwrite (data, 1, length, stdout);
  fputc ('\n', stdout);
}

gboolean
_godwit_cli_flush_output (GError **error)
{
  if (fflush (stdout) != 0 || ferror (stdout))
    {
      int saved_errno = errno;

      g_set_error (error, GODWIT_ERROR, GODWIT_ERROR_IO,
                   _("writing to standard output failed: %s"), g_strerror (saved_errno));
      return FALSE;
    }

  return TRUE;
}
