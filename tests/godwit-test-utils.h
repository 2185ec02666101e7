/* godwit-test-utils.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Path of a file under ../shared/fixtures/coredata, or NULL (after marking the
 * test skipped) when the shared folder is absent. */
char      *godwit_test_fixture_path   (const char *relative_path);
/* A fresh temporary directory, removed with its content by godwit_test_rmdir(). */
char      *godwit_test_make_tmpdir    (void);
void       godwit_test_rmdir          (const char *path);
/* Copies a file; aborts the test on failure. */
void       godwit_test_copy_file      (const char *from,
                                       const char *to);
/* SHA-256 hex of a file's bytes, or NULL if the file does not exist. */
char      *godwit_test_file_checksum  (const char *path);
/* Sorted, newline-joined names in a directory. */
char      *godwit_test_list_directory (const char *path);
/* Runs a command line (argv), capturing stdout/stderr and the exit status. */
int        godwit_test_run            (const char * const *argv,
                                       char              **out,
                                       char              **err);
/* Path of the godwit-cli under test. */
const char *godwit_test_cli_path      (void);

G_END_DECLS
