/* godwit-sync-keyring.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Sync passwords live in the Secret Service (GNOME Keyring, KWallet), one
 * item per endpoint and user, under the schema
 * "io.github.godwit.Godwit.SyncEndpoint" (attributes "endpoint" and
 * "user"). The endpoint is the server's URL as given to godwit_sync_new():
 * it is kept without credentials or trailing slash, as the sync names it,
 * so "https://host/" and "https://host" are one item. */

void      godwit_sync_keyring_store_password_async   (const char           *endpoint,
                                                      const char           *user,
                                                      const char           *password,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean  godwit_sync_keyring_store_password_finish  (GAsyncResult         *result,
                                                      GError              **error);
void      godwit_sync_keyring_lookup_password_async  (const char           *endpoint,
                                                      const char           *user,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
/* NULL and no error: none stored */
char     *godwit_sync_keyring_lookup_password_finish (GAsyncResult         *result,
                                                      GError              **error);
void      godwit_sync_keyring_clear_password_async   (const char           *endpoint,
                                                      const char           *user,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
gboolean  godwit_sync_keyring_clear_password_finish  (GAsyncResult         *result,
                                                      GError              **error);
/* Blocking, for the CLI. */
void      godwit_sync_clear_password                 (char                **password);
char     *godwit_sync_keyring_lookup_password        (const char           *endpoint,
                                                      const char           *user,
                                                      GCancellable         *cancellable,
                                                      GError              **error);

G_END_DECLS
