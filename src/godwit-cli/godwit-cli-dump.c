/* godwit-cli-dump.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli dump STORE [ENTITY]: the store's objects, decoded. Pages of
 * GODWIT_CLI_PAGE_SIZE objects (fewer when their values take more than
 * GODWIT_CLI_PAGE_BYTES) are read by Z_PK (keyset paging), printed and
 * freed in turn, so memory stays flat for millions of objects.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>

#include "godwit-cli-private.h"
#include "godwit-value.h"

typedef struct
{
  GodwitStore *store;
  gboolean     json;       /* JSON Lines; text without it */
  gint64       after_pk;
  gint64       limit;      /* per entity; -1 for none */
} Dump;

/* One line of JSON Lines, its values written as the text output writes
 * them, as it is made: a value of hundreds of megabytes is not held
 * twice. */
static void
print_object_json (GodwitObject *object)
{
  g_autoptr(JsonNode) node = godwit_object_to_json (object);

  godwit_value_write (node, stdout);
  fputc ('\n', stdout);
}

/* One row per value, as a table of two columns would print them; the
 * value, last, is written as it is made. */
static void
print_value_rows (JsonObject *values,
                  gsize       name_width)
{
  g_autoptr(GList) members = json_object_get_members (values);

  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      fprintf (stdout, "  %s%*s  ", name, (int) (name_width - g_utf8_strlen (name, -1)), "");
      godwit_value_write (json_object_get_member (values, name), stdout);
      fputc ('\n', stdout);
    }
}

static gsize
max_name_width (JsonObject *values,
                gsize       width)
{
  g_autoptr(GList) members = json_object_get_members (values);

  for (GList *l = members; l != NULL; l = l->next)
    width = MAX (width, (gsize) g_utf8_strlen (l->data, -1));

  return width;
}

static void
print_object_text (GodwitObject *object)
{
  gsize width = max_name_width (object->relationships, max_name_width (object->attributes, 0));

  /* The URI names the entity and the primary key already. */
  fprintf (stdout, "%s\n", object->uri);
  print_value_rows (object->attributes, width);
  print_value_rows (object->relationships, width);
  fputc ('\n', stdout);
}

/* Without @include_subentities, the objects of sub-entities are left to
 * their own entity. */
static gboolean
dump_entity (Dump        *dump,
             const char  *entity_name,
             gboolean     include_subentities,
             GError     **error)
{
  gint64 after_pk = dump->after_pk;
  gint64 printed = 0;

  for (;;)
    {
      g_autoptr(GPtrArray) page = NULL;
      guint page_size = _godwit_cli_next_page_size (dump->limit, printed);
      GodwitObject *last;

      if (page_size == 0)
        return TRUE;

      page = godwit_store_fetch_objects_sized (dump->store, entity_name, include_subentities, after_pk,
                                               page_size, GODWIT_CLI_PAGE_BYTES, NULL, error);
      if (page == NULL)
        return FALSE;
      /* A page of large values ends early: only an empty one is the
       * end. */
      if (page->len == 0)
        return TRUE;

      for (guint i = 0; i < page->len; i++)
        {
          GodwitObject *object = g_ptr_array_index (page, i);

          if (dump->json)
            print_object_json (object);
          else
            print_object_text (object);
          printed++;
        }

      last = g_ptr_array_index (page, page->len - 1);
      after_pk = last->pk;
    }
}

static gboolean
dump_all_entities (Dump    *dump,
                   GError **error)
{
  GPtrArray *entities = godwit_store_get_entities (dump->store);

  for (guint i = 0; i < entities->len; i++)
    {
      GodwitStoreEntity *entity = g_ptr_array_index (entities, i);

      /* Without a table or a Z_PRIMARYKEY row there is nothing to read:
       * inspect reports it as a schema warning. Abstract entities have
       * no objects of their own. */
      if (entity->table == NULL || entity->entity_number == 0 || entity->abstract)
        continue;

      if (!dump_entity (dump, entity->name, FALSE, error))
        return FALSE;
    }

  return TRUE;
}

int
_godwit_cli_dump (const GodwitCliCommand  *command,
                  int                      argc,
                  char                   **argv)
{
  g_autoptr(GodwitCliStore) cli_store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle_path = NULL;
  g_autofree char *limit_text = NULL;
  g_autofree char *after_text = NULL;
  Dump dump = { NULL, FALSE, 0, -1 };
  gboolean ok;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &bundle_path,
      N_("Read the objects with the version of this model bundle the store matches"), N_("BUNDLE") },
    { "limit", 0, 0, G_OPTION_ARG_STRING, &limit_text,
      N_("Print at most N objects (of each entity when ENTITY is not given)"), N_("N") },
    { "after", 0, 0, G_OPTION_ARG_STRING, &after_text,
      N_("Print only objects whose primary key (Z_PK) is greater than PK"), N_("PK") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &dump.json, N_("Write JSON Lines, one object per line (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  if (!_godwit_cli_parse_paging (limit_text, after_text, &dump.limit, &dump.after_pk, &error))
    return _godwit_cli_fail (error);

  cli_store = _godwit_cli_store_open (argv[1], bundle_path, &error);
  if (cli_store == NULL || !_godwit_cli_store_require_match (cli_store, &error))
    return _godwit_cli_fail (error);

  dump.store = cli_store->store;

  if (argc > 2)
    ok = dump_entity (&dump, argv[2], TRUE, &error);
  else
    ok = dump_all_entities (&dump, &error);

  /* What was printed before a failure stays printed, and the error
   * follows it. */
  if (!ok)
    {
      fflush (stdout);
      return _godwit_cli_fail (error);
    }

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  return GODWIT_CLI_EXIT_OK;
}
