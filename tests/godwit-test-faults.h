/* godwit-test-faults.h
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The calls tests/faults/fault-inject.c counts and fails, and how it
 * fails them; GODWIT_FAULT names them "CLASS:N:ACTION". */
typedef enum
{
  GODWIT_TEST_FAULT_WRITE,
  GODWIT_TEST_FAULT_SYNC,
  GODWIT_TEST_FAULT_RENAME,
  GODWIT_TEST_N_FAULT_CLASSES
} GodwitTestFaultClass;

typedef enum
{
  GODWIT_TEST_FAULT_ENOSPC,
  GODWIT_TEST_FAULT_EIO,
  GODWIT_TEST_FAULT_KILL,
  GODWIT_TEST_N_FAULT_ACTIONS
} GodwitTestFaultAction;

extern const char * const godwit_test_fault_class_names[GODWIT_TEST_N_FAULT_CLASSES];
extern const char * const godwit_test_fault_action_names[GODWIT_TEST_N_FAULT_ACTIONS];

/* The injector for a run: its shared object, the folder whose files it
 * fails (GODWIT_FAULT_DIR) and the file it writes its counts to
 * (GODWIT_FAULT_COUNT). */
typedef struct
{
  const char *module;
  const char *dir;
  const char *count_path;
} GodwitTestInjector;

/* How a process ended. */
typedef struct
{
  gboolean signaled;
  int      code;       /* the exit status, or the signal */
} GodwitTestExit;

/* Runs godwit-cli with @argv (its arguments, NULL-terminated) and @env
 * (nullable: NULL-terminated name, value pairs) set; with @injector
 * (nullable) preloaded, failing as @fault says (nullable: it only
 * counts). @out and @err: (optional): what it printed. */
GodwitTestExit godwit_test_run_cli_faulted   (const GodwitTestInjector  *injector,
                                              const char                *fault,
                                              const char * const        *argv,
                                              const char * const        *env,
                                              char                     **out,
                                              char                     **err);
/* The counts a run under the injector wrote to @count_path: FALSE when it
 * wrote none. */
gboolean       godwit_test_read_fault_counts (const char                *count_path,
                                              guint                      counts[GODWIT_TEST_N_FAULT_CLASSES]);

G_END_DECLS
