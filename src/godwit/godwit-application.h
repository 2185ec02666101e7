/* godwit-application.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GODWIT_TYPE_APPLICATION (godwit_application_get_type ())

G_DECLARE_FINAL_TYPE (GodwitApplication, godwit_application, GODWIT, APPLICATION, AdwApplication)

GodwitApplication *godwit_application_new        (const char        *application_id,
                                                  GApplicationFlags  flags);
GtkWindow         *godwit_application_open_store (GodwitApplication *self,
                                                  GFile             *store_file,
                                                  GFile             *bundle_file);

G_END_DECLS
