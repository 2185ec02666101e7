/* fuzz-keyed-archive.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include "fuzz-target.h"
#include "godwit-keyed-archive.h"

/* NSKeyedArchiver archives, as found in compiled models and
 * Z_MODELCACHE: the archive is opened, then unpacked whole. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GodwitKeyedArchive) archive = NULL;
  g_auto(plist_t) unpacked = NULL;

  archive = godwit_keyed_archive_new_from_data (data, size, "fuzz.archive", &error);
  if (archive == NULL)
    return 0;

  unpacked = godwit_keyed_archive_unpack (archive, NULL);

  return 0;
}
