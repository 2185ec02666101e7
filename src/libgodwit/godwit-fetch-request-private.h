/* godwit-fetch-request-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* The SQL functions fetch requests use, on a store's connection. */
int _godwit_fetch_request_register_functions (sqlite3 *db);

G_END_DECLS
