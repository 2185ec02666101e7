/* godwit-plist.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

/* Safety limits for property lists read from untrusted files. */
#define GODWIT_PLIST_MAX_SIZE   (256 * 1024 * 1024)
#define GODWIT_PLIST_MAX_DEPTH  256
/* Values a plist may hold, a binary one once expanded: an object shared
 * by reference is copied by libplist at every place it is referenced.
 * libplist takes about 130 bytes a value, so this keeps a parsed plist
 * under 300 MiB; real model caches hold about 800 values an entity. */
#define GODWIT_PLIST_MAX_VALUES (2 * 1024 * 1024)

static inline void
godwit_plist_free (plist_t p)
{
  if (p != NULL)
    plist_free (p);
}

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (plist_t, godwit_plist_free, NULL)

plist_t   godwit_plist_new_from_data (const guint8  *data,
                                      gsize          length,
                                      const char    *origin,
                                      GError       **error);
gboolean  godwit_plist_new_from_file (const char    *path,
                                      plist_t       *out,
                                      GError       **error);
JsonNode *godwit_plist_to_json       (plist_t        node);
char     *godwit_date_to_iso8601     (double         seconds_since_2001);
char     *godwit_plist_dup_string    (plist_t        dict,
                                      const char    *key);
gboolean  godwit_plist_get_int       (plist_t        node,
                                      gint64        *value);

/* Called for each key of a dictionary, in order; return FALSE to stop. */
typedef gboolean (*GodwitPlistDictFunc) (const char *key,
                                         plist_t     value,
                                         gpointer    user_data);

gboolean    godwit_plist_dict_foreach       (plist_t              dict,
                                             GodwitPlistDictFunc  func,
                                             gpointer             user_data);
GHashTable *godwit_plist_dup_version_hashes (plist_t              dict,
                                             const char          *origin,
                                             GError             **error);

G_END_DECLS
