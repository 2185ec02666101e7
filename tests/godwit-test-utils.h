/* godwit-test-utils.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Files and folders */

/* Path of a file under ../shared/fixtures/coredata, or NULL (after marking the
 * test skipped) when the shared folder is absent. */
char       *godwit_test_fixture_path        (const char          *relative_path);
/* A fresh temporary directory, removed with its content by godwit_test_rmdir(). */
char       *godwit_test_make_tmpdir         (void);
void        godwit_test_rmdir               (const char          *path);
/* Writes @length bytes (-1: up to the NUL) to @path; aborts the test on failure. */
void        godwit_test_write_file          (const char          *path,
                                             const void          *data,
                                             gssize               length);
/* Copies a file; aborts the test on failure. */
void        godwit_test_copy_file           (const char          *from,
                                             const char          *to);
/* Copies an SQLite store with its -wal and -shm files, where they exist. */
void        godwit_test_copy_store          (const char          *from,
                                             const char          *to);
/* Copies the folder @from, with its subfolders, into @to, made if need
 * be. */
void        godwit_test_copy_tree           (const char          *from,
                                             const char          *to);
/* Writes the first half of @from's bytes to @to: a truncated copy. */
void        godwit_test_copy_first_half     (const char          *from,
                                             const char          *to);
/* SHA-256 hex of a file's bytes, or NULL if the file does not exist. */
char       *godwit_test_file_checksum       (const char          *path);
/* Sorted, newline-joined names in a directory. */
char       *godwit_test_list_directory      (const char          *path);
/* The names in a directory and each file's checksum: equal snapshots mean
 * that nothing was created, removed or changed in between. */
char       *godwit_test_snapshot_directory  (const char          *path);
/* strcmp() of two `char *` elements, for g_ptr_array_sort(). */
int         godwit_test_compare_strings     (gconstpointer        a,
                                             gconstpointer        b);

/* Processes */

/* Runs a command line (argv), capturing stdout/stderr and the exit status. */
int         godwit_test_run                 (const char * const  *argv,
                                             char               **out,
                                             char               **err);
/* Path of the godwit-cli under test. */
const char *godwit_test_cli_path            (void);
/* Runs godwit-cli with the NULL-terminated arguments, as godwit_test_run(). */
int         godwit_test_run_cli             (char               **out,
                                             char               **err,
                                             const char          *first,
                                             ...) G_GNUC_NULL_TERMINATED;
/* `godwit-cli COMMAND --help`, which must exit 0 and name --json: the
 * help. */
char       *godwit_test_cli_help            (const char          *command);
/* `godwit-cli COMMAND ARGUMENTS…` (NULL-terminated), which must be a usage
 * error: exit 2 and a message starting “godwit-cli: ”, returned. */
char       *godwit_test_cli_usage_error     (const char          *command,
                                             ...) G_GNUC_NULL_TERMINATED;

/* JSON */

/* Parses JSON text; aborts the test if it is not JSON. */
JsonNode   *godwit_test_parse_json          (const char          *text);
/* JSON Lines: every line one object (element-type JsonObject). */
GPtrArray  *godwit_test_parse_json_lines    (const char          *text);
/* The member @name of @object, which must be there with that type. */
JsonObject *godwit_test_object_member       (JsonObject          *object,
                                             const char          *name);
JsonArray  *godwit_test_array_member        (JsonObject          *object,
                                             const char          *name);
/* The JSON of `coredata_oracle.py COMMAND PATH`, or NULL after marking the
 * test skipped when python3 or the oracle (GODWIT_ORACLE) is absent. */
JsonNode   *godwit_test_oracle              (const char          *command,
                                             const char          *path);

G_END_DECLS
