/* godwit-readonly-vfs-private.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define GODWIT_READONLY_VFS_NAME "godwit-readonly"

/* Registers (once) the SQLite VFS that opens stores without changing them. */
void _godwit_readonly_vfs_register (void);

G_END_DECLS
