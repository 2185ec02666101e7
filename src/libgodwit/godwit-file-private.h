/* godwit-file-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "godwit-error.h"

G_BEGIN_DECLS

int   _godwit_file_open_bounded        (const char  *path,
                                        const char  *file_kind,
                                        gsize        max_size,
                                        GError     **error);
char *_godwit_file_read_bounded        (const char  *path,
                                        const char  *file_kind,
                                        gsize        max_size,
                                        gsize       *length,
                                        GError     **error);
void  _godwit_file_set_too_large_error (GError     **error,
                                        const char  *path,
                                        gsize        max_size);

G_END_DECLS
