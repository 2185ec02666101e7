/* godwit-cli-sync.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* godwit-cli sync STORE: syncs a store with a database of a CouchDB-
 * protocol server through the library's GodwitSync, and resolves the
 * conflicts the manual policy lists, one by one, as --resolve says. The
 * password never comes from the command line, where other users see it:
 * it is read from GODWIT_SYNC_PASSWORD, from standard input or from the
 * keyring, and never printed.
 */

#define G_LOG_DOMAIN "godwit-cli"

#include "config.h"

#include <glib/gi18n.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "godwit-cli-private.h"
#include "godwit-error.h"
#include "godwit-sync.h"
#include "godwit-sync-keyring.h"
#include "godwit-value.h"

#define PASSWORD_VARIABLE "GODWIT_SYNC_PASSWORD"
#define MAX_PASSWORD_LENGTH 4096

/* One line of standard input, without echo on a terminal; NULL without
 * an error at the end of input. */
static char *
read_password (const char  *user,
               GError     **error)
{
  char buffer[MAX_PASSWORD_LENGTH + 2];
  gboolean terminal = isatty (STDIN_FILENO);
  struct termios saved, quiet;
  gboolean echo_off = FALSE;
  char *line;
  gsize length;

  if (terminal)
    {
      g_printerr (_("Password for %s: "), user);
      if (tcgetattr (STDIN_FILENO, &saved) == 0)
        {
          quiet = saved;
          quiet.c_lflag &= ~(tcflag_t) ECHO;
          echo_off = tcsetattr (STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }

  line = fgets (buffer, sizeof buffer, stdin);

  if (echo_off)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
  if (terminal)
    g_printerr ("\n");

  if (line == NULL)
    return NULL;
  length = strlen (buffer);
  if (length > 0 && buffer[length - 1] == '\n')
    buffer[--length] = '\0';
  else if (length > MAX_PASSWORD_LENGTH)
    {
      memset (buffer, 0, sizeof buffer);
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--user: the password on standard input is longer than %d bytes"), MAX_PASSWORD_LENGTH);
      return NULL;
    }
  if (length > 0 && buffer[length - 1] == '\r')
    buffer[--length] = '\0';

  line = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);

  return line;
}

/* The password of @user: GODWIT_SYNC_PASSWORD; else a line of standard
 * input that is not a terminal; else the keyring's; else, on a terminal,
 * asked for. @from_keyring tells where it came from. */
static char *
find_password (const char  *endpoint,
               const char  *user,
               gboolean    *from_keyring,
               GError     **error)
{
  g_autoptr(GError) keyring_error = NULL;
  gboolean terminal = isatty (STDIN_FILENO);
  char *password;

  *from_keyring = FALSE;
  if (g_getenv (PASSWORD_VARIABLE) != NULL)
    return g_strdup (g_getenv (PASSWORD_VARIABLE));

  if (!terminal)
    {
      password = read_password (user, error);
      if (password != NULL && *password != '\0')
        return password;
      g_free (password);
      if (error != NULL && *error != NULL)
        return NULL;
    }

  password = godwit_sync_keyring_lookup_password (endpoint, user, NULL, &keyring_error);
  if (password != NULL)
    {
      *from_keyring = TRUE;
      return password;
    }

  if (terminal)
    {
      password = read_password (user, error);
      if (password != NULL || (error != NULL && *error != NULL))
        return password;
    }

  if (keyring_error != NULL)
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("--user: no password: set %s or give it on standard input (%s)"), PASSWORD_VARIABLE,
                 keyring_error->message);
  else
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("--user: no password: set %s, give it on standard input, or keep it in the keyring "
                   "with --store-password"), PASSWORD_VARIABLE);

  return NULL;
}

typedef struct
{
  GMainLoop    *loop;
  GAsyncResult *result;
} Wait;

static void
on_stored (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Wait *wait = user_data;

  wait->result = g_object_ref (result);
  g_main_loop_quit (wait->loop);
}

static gboolean
store_password (const char  *endpoint,
                const char  *user,
                const char  *password,
                GError     **error)
{
  g_autoptr(GMainContext) context = g_main_context_new ();
  Wait wait = { 0 };
  gboolean ok;

  g_main_context_push_thread_default (context);
  wait.loop = g_main_loop_new (context, FALSE);
  godwit_sync_keyring_store_password_async (endpoint, user, password, NULL, on_stored, &wait);
  g_main_loop_run (wait.loop);
  ok = godwit_sync_keyring_store_password_finish (wait.result, error);
  g_object_unref (wait.result);
  g_main_loop_unref (wait.loop);
  g_main_context_pop_thread_default (context);

  return ok;
}

/* One --resolve: DOCUMENT=LEAF[,PROPERTY=LEAF…]. */
typedef struct
{
  char       *document;
  char       *leaf;
  GHashTable *property_leaves;   /* name → the LEAF text */
} Resolve;

static void
resolve_free (Resolve *resolve)
{
  g_free (resolve->document);
  g_free (resolve->leaf);
  g_hash_table_unref (resolve->property_leaves);
  g_free (resolve);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Resolve, resolve_free)

static Resolve *
parse_resolve (const char  *text,
               GError     **error)
{
  g_autoptr(Resolve) resolve = g_new0 (Resolve, 1);
  g_auto(GStrv) parts = g_strsplit (text, ",", -1);

  resolve->property_leaves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *equals = strchr (parts[i], '=');

      if (equals == NULL || equals == parts[i] || equals[1] == '\0' ||
          (i > 0 && g_hash_table_contains (resolve->property_leaves, parts[i])))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--resolve: “%s” is not DOCUMENT=LEAF[,PROPERTY=LEAF…]"), text);
          return NULL;
        }
      if (i == 0)
        {
          resolve->document = g_strndup (parts[i], equals - parts[i]);
          resolve->leaf = g_strdup (equals + 1);
        }
      else
        g_hash_table_insert (resolve->property_leaves, g_strndup (parts[i], equals - parts[i]),
                             g_strdup (equals + 1));
    }

  return g_steal_pointer (&resolve);
}

/* LEAF: an index in the conflict's revisions, or one of its revision ids. */
static gboolean
parse_leaf (const GodwitSyncConflict  *conflict,
            const char                *text,
            guint                     *leaf,
            GError                   **error)
{
  guint64 index;

  for (guint i = 0; i < conflict->revisions->len; i++)
    if (strcmp (text, g_ptr_array_index (conflict->revisions, i)) == 0)
      {
        *leaf = i;
        return TRUE;
      }
  if (g_ascii_string_to_unsigned (text, 10, 0, conflict->revisions->len - 1, &index, NULL))
    {
      *leaf = (guint) index;
      return TRUE;
    }

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--resolve: “%s” is neither a leaf index (0 to %u) nor a revision of %s"), text,
               conflict->revisions->len - 1, conflict->document);
  return FALSE;
}

static const GodwitSyncConflict *
find_conflict (GodwitSync *sync,
               const char *document)
{
  GPtrArray *conflicts = godwit_sync_get_conflicts (sync);

  for (guint i = 0; i < conflicts->len; i++)
    {
      const GodwitSyncConflict *conflict = g_ptr_array_index (conflicts, i);

      if (strcmp (conflict->document, document) == 0)
        return conflict;
    }

  return NULL;
}

/* Every --resolve checked against the run's conflicts before any is
 * resolved: one that does not fit resolves none. */
static gboolean
resolve_conflicts (GodwitSync  *sync,
                   GPtrArray   *resolves,
                   GError     **error)
{
  g_autoptr(GPtrArray) leaves = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) property_leaves = g_ptr_array_new_with_free_func ((GDestroyNotify) g_hash_table_unref);

  for (guint i = 0; i < resolves->len; i++)
    {
      Resolve *resolve = g_ptr_array_index (resolves, i);
      const GodwitSyncConflict *conflict = find_conflict (sync, resolve->document);
      g_autoptr(GHashTable) properties = g_hash_table_new (g_str_hash, g_str_equal);
      guint *leaf = g_new0 (guint, 1);
      GHashTableIter iter;
      gpointer name, text;

      g_ptr_array_add (leaves, leaf);
      if (conflict == NULL || conflict->resolved)
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--resolve: the sync lists no unresolved conflict for “%s”"), resolve->document);
          return FALSE;
        }
      if (!parse_leaf (conflict, resolve->leaf, leaf, error))
        return FALSE;
      g_hash_table_iter_init (&iter, resolve->property_leaves);
      while (g_hash_table_iter_next (&iter, &name, &text))
        {
          guint property_leaf = 0;

          if (!parse_leaf (conflict, text, &property_leaf, error))
            return FALSE;
          g_hash_table_insert (properties, name, GUINT_TO_POINTER (property_leaf));
        }
      g_ptr_array_add (property_leaves, g_steal_pointer (&properties));
    }

  for (guint i = 0; i < resolves->len; i++)
    {
      Resolve *resolve = g_ptr_array_index (resolves, i);

      if (!godwit_sync_resolve_conflict (sync, resolve->document, *(guint *) g_ptr_array_index (leaves, i),
                                         g_ptr_array_index (property_leaves, i), NULL, error))
        return FALSE;
    }

  return TRUE;
}

/* "newest:ATTRIBUTE" or a plain policy name. */
static gboolean
parse_policy (const char        *text,
              GodwitSyncPolicy  *policy,
              char             **date_attribute,
              GError           **error)
{
  if (g_str_has_prefix (text, "newest:") && text[strlen ("newest:")] != '\0')
    {
      *policy = GODWIT_SYNC_POLICY_NEWEST;
      *date_attribute = g_strdup (text + strlen ("newest:"));
      return TRUE;
    }
  if (strcmp (text, "newest") != 0 && godwit_sync_policy_from_string (text, policy))
    return TRUE;

  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("--policy: “%s” is not one of store-wins, remote-wins, overwrite, newest:ATTRIBUTE, manual"),
               text);
  return FALSE;
}

/* "scan Plant 1000/5000", "push: 100 documents written" on stderr, so
 * that stdout stays the report (or the JSON). */
static void
on_progress (const GodwitSyncProgress *progress,
             gpointer                  user_data)
{
  if (g_strcmp0 (progress->phase, "scan") == 0 && progress->entity == NULL)
    return;
  if (progress->entity != NULL && progress->total >= 0)
    g_printerr ("%s %s %" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "\n", progress->phase, progress->entity,
                progress->done, progress->total);
  else if (g_strcmp0 (progress->phase, "resolve") == 0)
    g_printerr (_("resolve: %" PRId64 " conflicts\n"), progress->done);
  else
    g_printerr (_("%s: %" PRId64 " documents written\n"), progress->phase, progress->done);
}

static char *
dup_seq_text (JsonNode *seq)
{
  if (seq == NULL)
    return g_strdup (_("none"));

  return godwit_value_dup_text (seq, 40);
}

static char *
dup_counts_text (gint64 inserted,
                 gint64 updated,
                 gint64 deleted)
{
  return g_strdup_printf (_("%" PRId64 " inserted, %" PRId64 " updated, %" PRId64 " deleted"),
                          inserted, updated, deleted);
}

static void
add_replication_row (GodwitCliTable              *table,
                     const char                  *label,
                     const GodwitSyncReplication *replication)
{
  g_autofree char *text = NULL;
  g_autofree char *seq = NULL;

  if (replication == NULL)
    return;

  seq = dup_seq_text (replication->end_seq);
  text = g_strdup_printf (_("%" PRId64 " documents written, %" PRId64 " refused, "
                            "%" PRId64 " of %" PRId64 " revisions missing; checkpoint %s"),
                          replication->docs_written, replication->doc_write_failures,
                          replication->missing_found, replication->missing_checked, seq);
  _godwit_cli_table_add_row (table, label, text);
}

/* Each leaf of an unresolved conflict, and its values where the leaves
 * differ: what --resolve chooses from. */
static void
print_leaves (const GodwitSyncConflict *conflict)
{
  JsonObject *first = json_node_get_object (g_ptr_array_index (conflict->bodies, 0));
  const char *kinds[] = { "attributes", "relationships" };

  for (guint i = 0; i < conflict->revisions->len; i++)
    {
      JsonObject *body = json_node_get_object (g_ptr_array_index (conflict->bodies, i));

      g_print (_("    leaf %u  %s%s\n"), i, (const char *) g_ptr_array_index (conflict->revisions, i),
               (int) i == conflict->store_leaf ? _("  (the store’s)") : "");
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          g_autoptr(GList) names = json_object_get_members (json_object_get_object_member (first, kinds[k]));

          for (GList *l = names; l != NULL; l = l->next)
            {
              JsonNode *value = json_object_get_member (json_object_get_object_member (body, kinds[k]), l->data);
              gboolean differ = FALSE;
              g_autofree char *text = NULL;

              for (guint j = 0; j < conflict->bodies->len && !differ; j++)
                {
                  JsonObject *other = json_node_get_object (g_ptr_array_index (conflict->bodies, j));
                  JsonNode *other_value = json_object_get_member (json_object_get_object_member (other, kinds[k]),
                                                                  l->data);

                  differ = value == NULL || other_value == NULL ? value != other_value
                                                                : !json_node_equal (value, other_value);
                }
              if (!differ)
                continue;
              text = value != NULL ? godwit_value_dup_text (value, 60) : g_strdup ("null");
              g_print ("      %s  %s\n", (const char *) l->data, text);
            }
        }
    }
}

static void
print_text (GodwitSync *sync,
            const char *store_path,
            const char *url)
{
  g_autoptr(GodwitCliTable) summary = _godwit_cli_table_new (2);
  GPtrArray *conflicts = godwit_sync_get_conflicts (sync);
  const GodwitSyncReplication *replications[2] = { godwit_sync_get_push (sync), godwit_sync_get_pull (sync) };
  g_autofree char *local = NULL;
  g_autofree char *store = NULL;
  g_autofree char *unresolved = NULL;
  gint64 inserted, updated, deleted;

  godwit_sync_get_local_changes (sync, &inserted, &updated, &deleted);
  local = dup_counts_text (inserted, updated, deleted);
  godwit_sync_get_store_changes (sync, &inserted, &updated, &deleted);
  store = dup_counts_text (inserted, updated, deleted);
  unresolved = g_strdup_printf ("%u", godwit_sync_get_n_unresolved (sync));

  _godwit_cli_table_add_row (summary, _("Store"), store_path);
  _godwit_cli_table_add_row (summary, _("Database"), url);
  _godwit_cli_table_add_row (summary, _("Model version"),
                             godwit_model_get_version_name (godwit_sync_get_model_version (sync)));
  _godwit_cli_table_add_row (summary, _("Local changes"), local);
  add_replication_row (summary, _("Pushed"), replications[0]);
  add_replication_row (summary, _("Pulled"), replications[1]);
  if (replications[1] != NULL)
    _godwit_cli_table_add_row (summary, _("Store changes"), store);
  _godwit_cli_table_add_row (summary, _("Unresolved conflicts"), unresolved);
  _godwit_cli_table_print (summary, 0);

  for (guint i = 0; i < 2; i++)
    for (guint j = 0; replications[i] != NULL && j < replications[i]->failures->len; j++)
      g_print ("  %s\n", (const char *) g_ptr_array_index (replications[i]->failures, j));

  if (conflicts->len > 0)
    _godwit_cli_print_heading (_("Conflicts"));
  for (guint i = 0; i < conflicts->len; i++)
    {
      const GodwitSyncConflict *conflict = g_ptr_array_index (conflicts, i);

      if (conflict->resolved)
        g_print (_("  %s: %u revisions, resolved as %s\n"), conflict->document, conflict->revisions->len,
                 conflict->revision);
      else
        g_print (_("  %s: %u revisions, unresolved\n"), conflict->document, conflict->revisions->len);
      for (guint j = 0; j < conflict->details->len; j++)
        g_print ("    %s\n", (const char *) g_ptr_array_index (conflict->details, j));
      if (!conflict->resolved)
        print_leaves (conflict);
    }
}

int
_godwit_cli_sync (const GodwitCliCommand  *command,
                  int                      argc,
                  char                   **argv)
{
  g_autoptr(GodwitModelBundle) bundle = NULL;
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *bundle_path = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *database = NULL;
  g_autofree char *policy_text = NULL;
  g_autofree char *batch_text = NULL;
  g_autofree char *user = NULL;
  g_autofree char *date_attribute = NULL;
  g_autofree char *authentication_text = NULL;
  g_autofree char *ca_file = NULL;
  g_auto(GStrv) resolve_texts = NULL;
  g_autoptr(GPtrArray) resolves = g_ptr_array_new_with_free_func ((GDestroyNotify) resolve_free);
  char *password = NULL;
  gboolean push_only = FALSE, pull_only = FALSE, create = FALSE, json = FALSE, store = FALSE;
  gboolean from_keyring = FALSE;
  GodwitSyncPolicy policy = GODWIT_SYNC_POLICY_STORE_WINS;
  GodwitSyncAuthentication authentication = GODWIT_SYNC_AUTHENTICATION_BASIC;
  gint64 batch_size = GODWIT_SYNC_DEFAULT_BATCH_SIZE;
  const GodwitSyncReplication *replications[2];
  gboolean incomplete = FALSE;
  gboolean ok;
  const GOptionEntry entries[] = {
    { "model", 0, 0, G_OPTION_ARG_FILENAME, &bundle_path,
      N_("The store’s model bundle: one of its versions must match the store (required)"), N_("BUNDLE") },
    { "endpoint", 0, 0, G_OPTION_ARG_STRING, &endpoint,
      N_("The server’s URL, http:// or https:// (required)"), N_("URL") },
    { "database", 0, 0, G_OPTION_ARG_STRING, &database, N_("The database on the server (required)"), N_("DB") },
    { "push", 0, 0, G_OPTION_ARG_NONE, &push_only, N_("Only send the store’s changes to the server"), NULL },
    { "pull", 0, 0, G_OPTION_ARG_NONE, &pull_only, N_("Only bring the server’s changes into the store"), NULL },
    { "policy", 0, 0, G_OPTION_ARG_STRING, &policy_text,
      N_("How conflicts are resolved: store-wins (the default), remote-wins, overwrite, "
         "newest:ATTRIBUTE or manual"), N_("POLICY") },
    { "batch-size", 0, 0, G_OPTION_ARG_STRING, &batch_text,
      N_("Changes read and documents written per request; 1000 by default"), N_("N") },
    { "resolve", 0, 0, G_OPTION_ARG_STRING_ARRAY, &resolve_texts,
      N_("With the manual policy: resolve a listed conflict with leaf LEAF (an index or a revision id), "
         "PROPERTY from another leaf; repeatable"), N_("DOCUMENT=LEAF[,PROPERTY=LEAF…]") },
    { "user", 0, 0, G_OPTION_ARG_STRING, &user,
      N_("The user name; the password comes from GODWIT_SYNC_PASSWORD, standard input or the keyring"),
      N_("NAME") },
    { "authentication", 0, 0, G_OPTION_ARG_STRING, &authentication_text,
      N_("How the credentials are sent: basic (the default, on every request) or cookie (a session)"),
      N_("METHOD") },
    { "store-password", 0, 0, G_OPTION_ARG_NONE, &store,
      N_("Keep the password in the keyring once the server accepted it"), NULL },
    { "ca-file", 0, 0, G_OPTION_ARG_FILENAME, &ca_file,
      N_("Also trust the certificate authorities of this PEM file"), N_("FILE") },
    { "create-database", 0, 0, G_OPTION_ARG_NONE, &create, N_("Create the database when it is missing"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Write JSON (see docs/cli.md)"), NULL },
    { NULL }
  };

  if (!_godwit_cli_parse (command, entries, &argc, &argv, &error))
    return _godwit_cli_fail (error);

  if (bundle_path == NULL || endpoint == NULL || database == NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("sync needs %s; see “godwit-cli sync --help”"),
                   bundle_path == NULL ? "--model BUNDLE" : endpoint == NULL ? "--endpoint URL" : "--database DB");
      return _godwit_cli_fail (error);
    }
  if (push_only && pull_only)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("--push and --pull exclude each other; give neither to sync both ways"));
      return _godwit_cli_fail (error);
    }
  if ((policy_text != NULL && !parse_policy (policy_text, &policy, &date_attribute, &error)) ||
      (batch_text != NULL &&
       !_godwit_cli_parse_number ("--batch-size", batch_text, 1, &batch_size, &error)))
    return _godwit_cli_fail (error);
  if (authentication_text != NULL && !godwit_sync_authentication_from_string (authentication_text, &authentication))
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--authentication: “%s” is not basic or cookie"), authentication_text);
      return _godwit_cli_fail (error);
    }
  if ((authentication_text != NULL || store) && user == NULL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, _("%s needs --user NAME"),
                   store ? "--store-password" : "--authentication");
      return _godwit_cli_fail (error);
    }
  for (guint i = 0; resolve_texts != NULL && resolve_texts[i] != NULL; i++)
    {
      Resolve *resolve = parse_resolve (resolve_texts[i], &error);

      if (resolve == NULL)
        return _godwit_cli_fail (error);
      g_ptr_array_add (resolves, resolve);
    }
  /* Conflicts resolved by hand are the manual policy's: listed first. */
  if (resolves->len > 0 && policy_text == NULL)
    policy = GODWIT_SYNC_POLICY_MANUAL;
  if (resolves->len > 0 && policy != GODWIT_SYNC_POLICY_MANUAL)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                   _("--resolve needs --policy manual: the other policies resolve every conflict themselves"));
      return _godwit_cli_fail (error);
    }
  if (batch_size > GODWIT_SYNC_MAX_BATCH_SIZE)
    {
      g_set_error (&error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("--batch-size: at most %d"),
                   GODWIT_SYNC_MAX_BATCH_SIZE);
      return _godwit_cli_fail (error);
    }

  bundle = godwit_model_bundle_new_for_path (bundle_path, &error);
  if (bundle == NULL)
    return _godwit_cli_fail (error);
  sync = godwit_sync_new (argv[1], bundle, endpoint, database, &error);
  if (sync == NULL || !godwit_sync_set_policy (sync, policy, date_attribute, &error) ||
      (ca_file != NULL && !godwit_sync_set_ca_file (sync, ca_file, &error)))
    return _godwit_cli_fail (error);

  if (user != NULL)
    {
      password = find_password (endpoint, user, &from_keyring, &error);
      if (password == NULL)
        return _godwit_cli_fail (error);
      godwit_sync_set_credentials (sync, user, password);
      godwit_sync_set_authentication (sync, authentication);
    }

  godwit_sync_set_direction (sync, push_only ? GODWIT_SYNC_DIRECTION_PUSH :
                                   pull_only ? GODWIT_SYNC_DIRECTION_PULL : GODWIT_SYNC_DIRECTION_BOTH);
  godwit_sync_set_batch_size (sync, (guint) batch_size);
  godwit_sync_set_create_database (sync, create);
  godwit_sync_set_progress_callback (sync, on_progress, NULL);

  ok = godwit_sync_run (sync, NULL, &error);
  /* The server took the password: worth keeping. */
  if (ok && store && !from_keyring)
    ok = store_password (endpoint, user, password, &error);
  godwit_sync_clear_password (&password);
  if (ok && resolves->len > 0)
    ok = resolve_conflicts (sync, resolves, &error);
  if (!ok)
    return _godwit_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonGenerator) generator = _godwit_cli_json_generator_new (TRUE);
      g_autoptr(JsonNode) root = godwit_sync_to_json (sync);

      _godwit_cli_write_json (generator, root);
    }
  else
    print_text (sync, argv[1], godwit_sync_get_url (sync));

  if (!_godwit_cli_flush_output (&error))
    return _godwit_cli_fail (error);

  replications[0] = godwit_sync_get_push (sync);
  replications[1] = godwit_sync_get_pull (sync);
  for (guint i = 0; i < 2; i++)
    incomplete = incomplete || (replications[i] != NULL && replications[i]->doc_write_failures > 0);

  return incomplete || godwit_sync_get_n_unresolved (sync) > 0 ? GODWIT_CLI_EXIT_MISMATCH : GODWIT_CLI_EXIT_OK;
}
