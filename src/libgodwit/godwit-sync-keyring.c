/* godwit-sync-keyring.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Sync passwords in the Secret Service through libsecret: one item in the
 * default collection per endpoint and user. The endpoint is kept in the
 * form the sync names it by (without credentials or trailing slash), so
 * that "https://host/" and "https://host" find the same item. Errors name
 * the user and endpoint, never the password; a password read is copied
 * into GLib memory (callers g_free it) and libsecret's copy is wiped.
 */

#define G_LOG_DOMAIN "godwit-sync-keyring"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

#include "godwit-replicator.h"
#include "godwit-sync-keyring.h"

typedef struct
{
  char *endpoint;
  char *user;
} KeyringItem;

static void
keyring_item_free (KeyringItem *item)
{
  g_free (item->endpoint);
  g_free (item->user);
  g_free (item);
}

static const SecretSchema *
sync_endpoint_schema (void)
{
  static const SecretSchema schema = {
    "io.github.godwit.Godwit.SyncEndpoint", SECRET_SCHEMA_NONE,
    {
      { "endpoint", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

/* An endpoint that is no server URL is kept as given: the sync refuses it
 * anyway, and clearing it must still work. */
static char *
dup_endpoint_key (const char *endpoint)
{
  char *key = godwit_replicator_dup_endpoint (endpoint, NULL);

  return key != NULL ? key : g_strdup (endpoint);
}

static GTask *
keyring_task_new (const char          *endpoint,
                  const char          *user,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data,
                  gpointer             source_tag)
{
  GTask *task;
  KeyringItem *item;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  item = g_new0 (KeyringItem, 1);
  item->endpoint = dup_endpoint_key (endpoint);
  item->user = g_strdup (user);
  g_task_set_task_data (task, item, (GDestroyNotify) keyring_item_free);

  return task;
}

typedef enum
{
  KEYRING_STORE,
  KEYRING_READ,
  KEYRING_REMOVE,
} KeyringAction;

static void
return_keyring_error (GTask         *task,
                      GError        *error,
                      KeyringAction  action)
{
  KeyringItem *item = g_task_get_task_data (task);

  /* The keyring's own message follows each prefix. */
  if (action == KEYRING_STORE)
    /* Translators: the user name and the server's URL */
    g_prefix_error (&error, _("Cannot store the password of %s at %s in the keyring: "),
                    item->user, item->endpoint);
  else if (action == KEYRING_READ)
    /* Translators: the user name and the server's URL */
    g_prefix_error (&error, _("Cannot read the password of %s at %s in the keyring: "),
                    item->user, item->endpoint);
  else
    /* Translators: the user name and the server's URL */
    g_prefix_error (&error, _("Cannot remove the password of %s at %s in the keyring: "),
                    item->user, item->endpoint);
  g_task_return_error (task, error);
}

static void
store_password_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (result, &error))
    return_keyring_error (task, error, KEYRING_STORE);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * godwit_sync_keyring_store_password_async:
 * @endpoint: the server's URL, as given to godwit_sync_new()
 * @user: the user name
 * @password: the password to keep
 *
 * Stores @password in the default collection of the Secret Service,
 * replacing what was stored for @endpoint and @user.
 */
void
godwit_sync_keyring_store_password_async (const char          *endpoint,
                                          const char          *user,
                                          const char          *password,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *label = NULL;
  KeyringItem *item;
  GTask *task;

  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (user != NULL);
  g_return_if_fail (password != NULL);

  task = keyring_task_new (endpoint, user, cancellable, callback, user_data,
                           godwit_sync_keyring_store_password_async);
  item = g_task_get_task_data (task);
  /* Translators: the label of the keyring item, shown in Passwords and
   * Keys; the user name and the server's URL */
  label = g_strdup_printf (_("Godwit sync password of %s at %s"), user, item->endpoint);
  secret_password_store (sync_endpoint_schema (), SECRET_COLLECTION_DEFAULT, label, password,
                         cancellable, store_password_cb, task,
                         "endpoint", item->endpoint,
                         "user", user,
                         NULL);
}

gboolean
godwit_sync_keyring_store_password_finish (GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == godwit_sync_keyring_store_password_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* libsecret's copy is wiped on free; ours is plain GLib memory. */
static char *
steal_secret_password (char *password)
{
  char *copy;

  if (password == NULL)
    return NULL;
  copy = g_strdup (password);
  secret_password_free (password);

  return copy;
}

static void
lookup_password_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *password;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    return_keyring_error (task, error, KEYRING_READ);
  else
    g_task_return_pointer (task, steal_secret_password (password), g_free);
}

/**
 * godwit_sync_keyring_lookup_password_async:
 * @endpoint: the server's URL, as given to godwit_sync_new()
 * @user: the user name
 *
 * Reads the password stored for @endpoint and @user.
 */
void
godwit_sync_keyring_lookup_password_async (const char          *endpoint,
                                           const char          *user,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (user != NULL);

  task = keyring_task_new (endpoint, user, cancellable, callback, user_data,
                           godwit_sync_keyring_lookup_password_async);
  secret_password_lookup (sync_endpoint_schema (), cancellable, lookup_password_cb, task,
                          "endpoint", ((KeyringItem *) g_task_get_task_data (task))->endpoint,
                          "user", user,
                          NULL);
}

/**
 * godwit_sync_keyring_lookup_password_finish:
 *
 * Returns: (transfer full) (nullable): the password, to be freed with
 *   g_free(); %NULL without an error when none is stored
 */
char *
godwit_sync_keyring_lookup_password_finish (GAsyncResult  *result,
                                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == godwit_sync_keyring_lookup_password_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
clear_password_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error: nothing was stored, which is what was asked. */
  if (!secret_password_clear_finish (result, &error) && error != NULL)
    return_keyring_error (task, error, KEYRING_REMOVE);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * godwit_sync_keyring_clear_password_async:
 * @endpoint: the server's URL, as given to godwit_sync_new()
 * @user: the user name
 *
 * Removes the password stored for @endpoint and @user; having none
 * stored is no error.
 */
void
godwit_sync_keyring_clear_password_async (const char          *endpoint,
                                          const char          *user,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (endpoint != NULL);
  g_return_if_fail (user != NULL);

  task = keyring_task_new (endpoint, user, cancellable, callback, user_data,
                           godwit_sync_keyring_clear_password_async);
  secret_password_clear (sync_endpoint_schema (), cancellable, clear_password_cb, task,
                         "endpoint", ((KeyringItem *) g_task_get_task_data (task))->endpoint,
                         "user", user,
                         NULL);
}

gboolean
godwit_sync_keyring_clear_password_finish (GAsyncResult  *result,
                                           GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == godwit_sync_keyring_clear_password_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * godwit_sync_keyring_lookup_password:
 * @endpoint: the server's URL, as given to godwit_sync_new()
 * @user: the user name
 *
 * Blocking godwit_sync_keyring_lookup_password_async(), for the CLI.
 *
 * Returns: (transfer full) (nullable): the password, to be freed with
 *   g_free(); %NULL without an error when none is stored
 */
char *
godwit_sync_keyring_lookup_password (const char    *endpoint,
                                     const char    *user,
                                     GCancellable  *cancellable,
                                     GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *key = NULL;
  char *password;

  g_return_val_if_fail (endpoint != NULL, NULL);
  g_return_val_if_fail (user != NULL, NULL);

  key = dup_endpoint_key (endpoint);
  password = secret_password_lookup_sync (sync_endpoint_schema (), cancellable, &local_error,
                                          "endpoint", key,
                                          "user", user,
                                          NULL);
  if (local_error != NULL)
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Cannot read the password of %s at %s in the keyring: "), user, key);
      return NULL;
    }

  return steal_secret_password (password);
}

/**
 * godwit_sync_clear_password:
 * @password: (inout) (nullable): a password to forget
 *
 * Overwrites the password's bytes before freeing it, so that it does not
 * linger in freed memory, and sets @password to %NULL.
 */
void
godwit_sync_clear_password (char **password)
{
  g_return_if_fail (password != NULL);

  if (*password != NULL)
    memset (*password, 0, strlen (*password));
  g_clear_pointer (password, g_free);
}
