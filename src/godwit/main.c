/* main.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "godwit"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GodwitApplication) application = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_set_application_name (_("Godwit"));

  application = godwit_application_new (APP_ID, G_APPLICATION_HANDLES_OPEN | G_APPLICATION_HANDLES_COMMAND_LINE);

  return g_application_run (G_APPLICATION (application), argc, argv);
}
