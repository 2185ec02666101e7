/* temp-file.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *fuzz_write_temp_file  (const guint8 *data,
                             gsize         size,
                             const char   *name);
void  fuzz_remove_temp_file (const char   *path);

G_END_DECLS
