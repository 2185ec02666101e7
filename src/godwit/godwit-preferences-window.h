/* godwit-preferences-window.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GODWIT_TYPE_PREFERENCES_WINDOW (godwit_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (GodwitPreferencesWindow, godwit_preferences_window, GODWIT, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWidget  *godwit_preferences_window_new                 (GSettings               *sync_settings,
                                                           gboolean                 session_only);
GSettings  *godwit_preferences_window_get_sync_settings   (GodwitPreferencesWindow *self);
gboolean    godwit_preferences_window_get_keyring_busy    (GodwitPreferencesWindow *self);
gboolean    godwit_preferences_window_get_password_saved  (GodwitPreferencesWindow *self);
const char *godwit_preferences_window_get_keyring_problem (GodwitPreferencesWindow *self);

G_END_DECLS
