/* godwit-test-archive.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <plist/plist.h>

G_BEGIN_DECLS

typedef enum
{
  GODWIT_TEST_PLIST_BINARY,
  GODWIT_TEST_PLIST_XML,
} GodwitTestPlistFormat;

/* @plist written by libplist, not by the code under test. */
GBytes  *godwit_test_plist_to_bytes       (plist_t                plist,
                                           GodwitTestPlistFormat  format);

/* An NSKeyedArchiver archive built with libplist: objects are added to
 * "$objects" and referred to by their index there. Index 0 is "$null". */
typedef struct
{
  plist_t     objects;
  GHashTable *classes;   /* class name → index of its description */
} GodwitTestArchive;

void     godwit_test_archive_init          (GodwitTestArchive     *archive);
/* Appends @object (taking it) and returns its index. */
guint    godwit_test_archive_add           (GodwitTestArchive     *archive,
                                            plist_t                object);
guint    godwit_test_archive_add_string    (GodwitTestArchive     *archive,
                                            const char            *text);
/* Reserves an index, for objects that refer to objects added later. */
guint    godwit_test_archive_reserve       (GodwitTestArchive     *archive);
void     godwit_test_archive_set           (GodwitTestArchive     *archive,
                                            guint                  index,
                                            plist_t                object);
/* A new object of @class_name, its class description added once; members
 * are set on it before or after it is added. */
plist_t  godwit_test_archive_object        (GodwitTestArchive     *archive,
                                            const char            *class_name);
/* godwit_test_archive_object() already added: its index is in @index. */
plist_t  godwit_test_archive_add_object    (GodwitTestArchive     *archive,
                                            const char            *class_name,
                                            guint                 *index);
/* An NSArray, NSSet… of the objects at @members. */
guint    godwit_test_archive_collection    (GodwitTestArchive     *archive,
                                            const char            *class_name,
                                            const guint           *members,
                                            guint                  n);
/* Sets @object's member @key to a reference to the object at @index. */
void     godwit_test_set_uid               (plist_t                object,
                                            const char            *key,
                                            guint                  index);
/* An array of references to the objects at @indexes. */
plist_t  godwit_test_uid_array             (const guint           *indexes,
                                            guint                  n);
/* The binary archive, whose root is the object at @root; @archive is
 * used up. */
GBytes  *godwit_test_archive_finish        (GodwitTestArchive     *archive,
                                            const char            *archiver,
                                            guint                  root);

G_END_DECLS
