/* godwit-keyed-archive.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "godwit-plist.h"

G_BEGIN_DECLS

/* Safety limits for archives read from untrusted files. */
#define GODWIT_KEYED_ARCHIVE_MAX_OBJECTS 1000000
#define GODWIT_KEYED_ARCHIVE_MAX_DEPTH   256
#define GODWIT_KEYED_ARCHIVE_MAX_NODES   1000000

#define GODWIT_TYPE_KEYED_ARCHIVE (godwit_keyed_archive_get_type ())

G_DECLARE_FINAL_TYPE (GodwitKeyedArchive, godwit_keyed_archive, GODWIT, KEYED_ARCHIVE, GObject)

/* Called with a member of an archived object: @member as archived (a UID
 * is left unresolved); returns FALSE to stop. */
typedef gboolean (*GodwitKeyedArchiveMemberFunc) (const char *key,
                                                  plist_t     member,
                                                  gpointer    user_data);

GodwitKeyedArchive *godwit_keyed_archive_new_from_data     (const guint8                *data,
                                                            gsize                        length,
                                                            const char                  *origin,
                                                            GError                     **error);
const char         *godwit_keyed_archive_get_origin        (GodwitKeyedArchive          *self);
plist_t             godwit_keyed_archive_get_root          (GodwitKeyedArchive          *self);
plist_t             godwit_keyed_archive_resolve           (GodwitKeyedArchive          *self,
                                                            plist_t                      node);
const char         *godwit_keyed_archive_get_class_name    (GodwitKeyedArchive          *self,
                                                            plist_t                      object);
gboolean            godwit_keyed_archive_is_class          (GodwitKeyedArchive          *self,
                                                            plist_t                      object,
                                                            const char                  *class_name);
plist_t             godwit_keyed_archive_get_member        (GodwitKeyedArchive          *self,
                                                            plist_t                      object,
                                                            const char                  *key);
gboolean            godwit_keyed_archive_foreach_member    (GodwitKeyedArchive          *self,
                                                            plist_t                      object,
                                                            GodwitKeyedArchiveMemberFunc func,
                                                            gpointer                     user_data);
char               *godwit_keyed_archive_dup_string        (GodwitKeyedArchive          *self,
                                                            plist_t                      object,
                                                            const char                  *key);
char               *godwit_keyed_archive_dup_string_value  (GodwitKeyedArchive          *self,
                                                            plist_t                      node);
gboolean            godwit_keyed_archive_get_int           (GodwitKeyedArchive          *self,
                                                            plist_t                      object,
                                                            const char                  *key,
                                                            gint64                      *value);
gboolean            godwit_keyed_archive_get_bool          (GodwitKeyedArchive          *self,
                                                            plist_t                      object,
                                                            const char                  *key,
                                                            gboolean                    *value);
GPtrArray          *godwit_keyed_archive_get_collection    (GodwitKeyedArchive          *self,
                                                            plist_t                      collection,
                                                            GError                     **error);
gboolean            godwit_keyed_archive_get_dictionary    (GodwitKeyedArchive          *self,
                                                            plist_t                      dictionary,
                                                            GPtrArray                  **keys,
                                                            GPtrArray                  **values,
                                                            GError                     **error);
void                godwit_keyed_archive_set_max_nodes     (GodwitKeyedArchive          *self,
                                                            guint                        max_nodes);
plist_t             godwit_keyed_archive_unpack            (GodwitKeyedArchive          *self,
                                                            GError                     **error);
plist_t             godwit_keyed_archive_unpack_object     (GodwitKeyedArchive          *self,
                                                            plist_t                      object,
                                                            GError                     **error);

G_END_DECLS
