/* godwit-test-faults.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <stdio.h>

#include "godwit-test-faults.h"
#include "godwit-test-utils.h"

const char * const godwit_test_fault_class_names[GODWIT_TEST_N_FAULT_CLASSES] = { "write", "sync", "rename" };
const char * const godwit_test_fault_action_names[GODWIT_TEST_N_FAULT_ACTIONS] = { "enospc", "eio", "kill" };

GodwitTestExit
godwit_test_run_cli_faulted (const GodwitTestInjector  *injector,
                             const char                *fault,
                             const char * const        *argv,
                             const char * const        *env,
                             char                     **out,
                             char                     **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  GodwitTestExit status = { FALSE, 0 };

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_unsetenv (launcher, "GODWIT_FAULT");
  g_subprocess_launcher_unsetenv (launcher, "GODWIT_FAULT_DIR");
  g_subprocess_launcher_unsetenv (launcher, "GODWIT_FAULT_COUNT");
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  if (injector != NULL)
    {
      const char *asan_options = g_getenv ("ASAN_OPTIONS");
      g_autofree char *options = NULL;

      /* An ASan build wants its runtime first among the libraries; the
       * injector comes before it and only wraps libc. */
      options = g_strdup_printf ("%s%sverify_asan_link_order=0", asan_options != NULL ? asan_options : "",
                                 asan_options != NULL ? ":" : "");
      g_subprocess_launcher_setenv (launcher, "ASAN_OPTIONS", options, TRUE);
      g_subprocess_launcher_setenv (launcher, "LD_PRELOAD", injector->module, TRUE);
      g_subprocess_launcher_setenv (launcher, "GODWIT_FAULT_DIR", injector->dir, TRUE);
      g_subprocess_launcher_setenv (launcher, "GODWIT_FAULT_COUNT", injector->count_path, TRUE);
      if (fault != NULL)
        g_subprocess_launcher_setenv (launcher, "GODWIT_FAULT", fault, TRUE);
    }

  g_ptr_array_add (args, (gpointer) godwit_test_cli_path ());
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, NULL, NULL, out, err, &error);
  g_assert_no_error (error);

  if (g_subprocess_get_if_signaled (process))
    {
      status.signaled = TRUE;
      status.code = g_subprocess_get_term_sig (process);
    }
  else
    {
      status.code = g_subprocess_get_exit_status (process);
    }

  return status;
}

gboolean
godwit_test_read_fault_counts (const char *count_path,
                               guint       counts[GODWIT_TEST_N_FAULT_CLASSES])
{
  g_autofree char *text = NULL;
  guint64 write_count, sync_count, rename_count;

  if (!g_file_get_contents (count_path, &text, NULL, NULL))
    return FALSE;
  g_assert_cmpint (sscanf (text, "write=%" G_GUINT64_FORMAT " sync=%" G_GUINT64_FORMAT
                           " rename=%" G_GUINT64_FORMAT, &write_count, &sync_count, &rename_count), ==, 3);
  counts[GODWIT_TEST_FAULT_WRITE] = write_count;
  counts[GODWIT_TEST_FAULT_SYNC] = sync_count;
  counts[GODWIT_TEST_FAULT_RENAME] = rename_count;

  return TRUE;
}
