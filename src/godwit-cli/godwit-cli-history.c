/* godwit-cli-history.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli history STORE: persistent-history transactions and their
 * changes, read a page at a time like dump's objects.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>

#include "godwit-cli-private.h"
#include "godwit-plist.h"

/* Indexed by GodwitHistoryChangeType; JSON has the untranslated words. */
static const char * const change_types[] = {
  N_("insert"),
  N_("update"),
  N_("delete"),
};

static const char *
change_type_to_string (GodwitHistoryChangeType type)
{
  if ((guint) type >= G_N_ELEMENTS (change_types))
    return NULL;

  return change_types[type];
}

static void
set_nullable_string (JsonObject *object,
                     const char *name,
                     const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

static JsonObject *
change_to_json (GodwitHistoryChange *change)
{
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "pk", change->pk);
  set_nullable_string (object, "type", change_type_to_string (change->type));
  set_nullable_string (object, "entity", change->entity);
  json_object_set_int_member (object, "entity_number", change->entity_number);
  json_object_set_int_member (object, "entity_pk", change->entity_pk);
  set_nullable_string (object, "uri", change->uri);
  set_nullable_string (object, "changed_columns", change->changed_columns_hex);
  if (change->tombstone != NULL)
    json_object_set_array_member (object, "tombstone", json_array_ref (change->tombstone));
  else
    json_object_set_null_member (object, "tombstone");

  return object;
}

static void
print_transaction_json (JsonGenerator            *generator,
                        GodwitHistoryTransaction *transaction)
{
  g_autoptr(JsonObject) line = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *timestamp = godwit_date_to_iso8601 (transaction->timestamp);
  JsonArray *changes = json_array_sized_new (transaction->changes->len);

  json_object_set_int_member (line, "pk", transaction->pk);
  set_nullable_string (line, "timestamp", timestamp);
  set_nullable_string (line, "author", transaction->author);
  set_nullable_string (line, "context_name", transaction->context_name);
  set_nullable_string (line, "bundle_id", transaction->bundle_id);
  set_nullable_string (line, "process_id", transaction->process_id);
  for (guint i = 0; i < transaction->changes->len; i++)
    json_array_add_object_element (changes, change_to_json (g_ptr_array_index (transaction->changes, i)));
  json_object_set_array_member (line, "changes", changes);
  json_node_set_object (node, line);

  _godwit_cli_write_json (generator, node);
}

static void
print_transaction_text (GodwitHistoryTransaction *transaction)
{
  g_autoptr(GodwitCliTable) strings = _godwit_cli_table_new (2);
  g_autoptr(GodwitCliTable) changes = _godwit_cli_table_new (4);
  g_autofree char *timestamp = godwit_date_to_iso8601 (transaction->timestamp);
  g_autofree char *pk = g_strdup_printf ("%" G_GINT64_FORMAT, transaction->pk);

  fprintf (stdout, _("Transaction %s at %s\n"), pk, timestamp != NULL ? timestamp : "–");

  _godwit_cli_table_add_row (strings, _("author"), transaction->author);
  _godwit_cli_table_add_row (strings, _("context"), transaction->context_name);
  _godwit_cli_table_add_row (strings, _("bundle id"), transaction->bundle_id);
  _godwit_cli_table_add_row (strings, _("process id"), transaction->process_id);
  _godwit_cli_table_print (strings, 2);

  _godwit_cli_table_set_headers (changes, _("CHANGE"), _("ENTITY"), _("OBJECT"), _("CHANGED COLUMNS"), NULL);
  for (guint i = 0; i < transaction->changes->len; i++)
    {
      GodwitHistoryChange *change = g_ptr_array_index (transaction->changes, i);
      const char *type = change_type_to_string (change->type);
      g_autofree char *entity = change->entity != NULL ? g_strdup (change->entity)
                                                       : g_strdup_printf ("Z_ENT %u", change->entity_number);

      _godwit_cli_table_add_row (changes, type != NULL ? _(type) : NULL, entity, change->uri,
                                 change->changed_columns_hex);
    }
  _godwit_cli_table_print (changes, 2);
  fputc ('\n', stdout);
}

int
_godwit_cli_history (const GodwitCliCommand  *command,
                     int                      argc,
                     char                   **argv)
{
  g_autoptr(GodwitStore) store = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *limit_text = NULL;
  g_autofree char *after_text = NULL;
  gboolean json = FALSE;
  gint64 limit = -1;
  gint64 after_pk = 0;
  gint64 printed = 0;
  const GOptionEntry entries[] = {
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text, N_("Print at most N transactions"), N_("N") },
    { "after", 0, 0, G_OPTION_ARG_STRING, &after_text,
      N_("Print only transactions whose primary key (Z_PK) is greater than PK"), N_("PK") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write JSON Lines, one transaction per line (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  if (!_godwit_cli_parse_paging (limit_text, after_text, &limit, &after_pk, &error))
    return _godwit_cli_fail (error);

  store = godwit_store_open (argv[1], NULL, &error);
  if (store == NULL)
    return _godwit_cli_fail (error);

  if (!godwit_store_has_persistent_history (store))
    {
      if (!json)
        g_print (_("%s keeps no persistent history.\n"), godwit_store_get_path (store));
      return GODWIT_CLI_EXIT_OK;
    }

  if (json)
    generator = _godwit_cli_json_generator_new (FALSE);

  for (;;)
    {
      g_autoptr(GPtrArray) page = NULL;
      guint page_size = _godwit_cli_next_page_size (limit, printed);
      GodwitHistoryTransaction *last;

      if (page_size == 0)
        break;

      page = godwit_store_fetch_history (store, after_pk, page_size, NULL, &error);
      if (page == NULL)
        {
          fflush (stdout);
          return _godwit_cli_fail (error);
        }

      for (guint i = 0; i < page->len; i++)
        {
          if (generator != NULL)
            print_transaction_json (generator, g_ptr_array_index (page, i));
          else
            print_transaction_text (g_ptr_array_index (page, i));
        }
      printed += page->len;

      if (page->len < page_size)
        break;

      last = g_ptr_array_index (page, page->len - 1);
      after_pk = last->pk;
    }

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return GODWIT_CLI_EXIT_OK;
}
