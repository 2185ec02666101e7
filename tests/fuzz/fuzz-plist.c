/* fuzz-plist.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit-fuzz"

#include "config.h"

#include "fuzz-target.h"
#include "godwit-plist.h"

/* Binary and XML property lists, as read from VersionInfo.plist, store
 * metadata and keyed archives; the JSON conversion and the version hash
 * reader walk whatever the parser returns. */
int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_auto(plist_t) plist = NULL;
  g_autoptr(JsonNode) json = NULL;
  g_autoptr(GHashTable) hashes = NULL;

  plist = godwit_plist_new_from_data (data, size, "fuzz.plist", &error);
  if (plist == NULL)
    return 0;

  json = godwit_plist_to_json (plist);
  if (plist_get_node_type (plist) == PLIST_DICT)
    hashes = godwit_plist_dup_version_hashes (plist, "fuzz.plist", NULL);

  return 0;
}
