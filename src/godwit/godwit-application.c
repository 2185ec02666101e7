/* godwit-application.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The application: `godwit [STORE…] [--model BUNDLE]`, one window per
 * store, and the actions every window shares.
 */

#define G_LOG_DOMAIN "godwit-application"

#include "config.h"

#include <glib/gi18n.h>

#include "godwit-application.h"
#include "godwit-window.h"

#define RESOURCE_BASE_PATH "/io/github/godwit/Godwit"
/* The icon in the resources, the same for every profile. */
#define APP_ICON_NAME      "io.github.godwit.Godwit"

struct _GodwitApplication
{
  AdwApplication  parent_instance;

  /* Owned References */
  GtkNativeDialog *chooser;   /* (nullable) app.open's */
};

G_DEFINE_FINAL_TYPE (GodwitApplication, godwit_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "model", 'm', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Read the stores with this model bundle (.xcdatamodeld, .momd, .xcdatamodel or .mom)"), N_("BUNDLE") },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[STORE…]") },
  { NULL }
};

/* A window that shows no store and reads none can take one. */
static GodwitWindow *
find_empty_window (GodwitApplication *self)
{
  GtkWindow *active = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (GODWIT_IS_WINDOW (active) &&
      godwit_window_get_document (GODWIT_WINDOW (active)) == NULL &&
      !godwit_window_get_busy (GODWIT_WINDOW (active)))
    return GODWIT_WINDOW (active);

  return NULL;
}

/**
 * godwit_application_open_store:
 * @bundle_file: (nullable): the model bundle to read the store with
 *
 * Opens a store in the active window when it shows none, else in a new
 * window.
 *
 * Returns: (transfer none): the window
 */
GtkWindow *
godwit_application_open_store (GodwitApplication *self,
                               GFile             *store_file,
                               GFile             *bundle_file)
{
  GodwitWindow *window;

  g_return_val_if_fail (GODWIT_IS_APPLICATION (self), NULL);
  g_return_val_if_fail (G_IS_FILE (store_file), NULL);

  window = find_empty_window (self);
  if (window == NULL)
    window = godwit_window_new (self);

  godwit_window_open (window, store_file, bundle_file);
  gtk_window_present (GTK_WINDOW (window));

  return GTK_WINDOW (window);
}

static void
open_response_cb (GodwitApplication    *self,
                  int                   response,
                  GtkFileChooserNative *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      godwit_application_open_store (self, file, NULL);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

static void
open_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GodwitApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GtkFileFilter) stores = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Open Store"), parent, GTK_FILE_CHOOSER_ACTION_OPEN,
                                         _("_Open"), _("_Cancel"));

  /* Core Data names stores freely: the usual names, then anything. */
  gtk_file_filter_set_name (stores, _("Core Data stores"));
  gtk_file_filter_add_pattern (stores, "*.sqlite");
  gtk_file_filter_add_pattern (stores, "*.sqlite3");
  gtk_file_filter_add_pattern (stores, "*.store");
  gtk_file_filter_add_pattern (stores, "*.db");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), stores);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (open_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

/* Every window closes as its close button would close it, saving its
 * size; the application ends with the last one. */
static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GodwitApplication *self = user_data;
  g_autoptr(GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GodwitApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", parent,
                        "application-name", _("Godwit"),
                        "application-icon", APP_ICON_NAME,
                        "developer-name", _("The Godwit developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Inspect, migrate and sync Apple Core Data stores on Linux"),
                        "copyright", _("© 2026 The Godwit developers"),
                        "license-type", GTK_LICENSE_GPL_3_0,
                        /* Translators: your names, one per line */
                        "translator-credits", _("translator-credits"),
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GodwitApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource (RESOURCE_BASE_PATH "/ui/godwit-shortcuts-window.ui");
  GtkWindow *window = GTK_WINDOW (gtk_builder_get_object (builder, "shortcuts_window"));

  /* The shortcuts are looked up from the application's accelerators. */
  gtk_window_set_application (window, GTK_APPLICATION (self));
  gtk_window_set_transient_for (window, parent);
  gtk_window_present (window);
}

static const GActionEntry action_entries[] = {
  { "open", open_action },
  { "quit", quit_action },
  { "about", about_action },
  { "shortcuts", shortcuts_action },
};

static void
godwit_application_startup (GApplication *application)
{
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.open", { "<Control>o", NULL } },
    { "app.quit", { "<Control>q", NULL } },
    { "app.shortcuts", { "<Control>question", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.reload", { "F5", NULL } },
  };

  G_APPLICATION_CLASS (godwit_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (application), action_entries,
                                   G_N_ELEMENTS (action_entries), application);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (application), accels[i].action, accels[i].accels);

  gtk_window_set_default_icon_name (APP_ID);
}

static void
godwit_application_activate (GApplication *application)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (application));

  if (window == NULL)
    window = GTK_WINDOW (godwit_window_new (GODWIT_APPLICATION (application)));

  gtk_window_present (window);
}

static void
godwit_application_open (GApplication  *application,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  for (int i = 0; i < n_files; i++)
    godwit_application_open_store (GODWIT_APPLICATION (application), files[i], NULL);
}

static int
godwit_application_handle_local_options (GApplication *application,
                                         GVariantDict *options)
{
  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("godwit %s\n", PACKAGE_VERSION);
      return 0;
    }

  return -1;
}

/* Relative paths are relative to the directory godwit was started in,
 * which the primary instance may not share. */
static int
godwit_application_command_line (GApplication            *application,
                                 GApplicationCommandLine *command_line)
{
  GodwitApplication *self = GODWIT_APPLICATION (application);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree const char **stores = NULL;
  const char *model = NULL;
  g_autoptr(GFile) bundle_file = NULL;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &stores);
  g_variant_dict_lookup (options, "model", "^&ay", &model);

  if (model != NULL && (stores == NULL || stores[0] == NULL))
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("--model needs a store: godwit STORE --model BUNDLE"));
      return 2;
    }

  if (stores == NULL || stores[0] == NULL)
    {
      g_application_activate (application);
      return 0;
    }

  if (model != NULL)
    bundle_file = g_application_command_line_create_file_for_arg (command_line, model);

  for (guint i = 0; stores[i] != NULL; i++)
    {
      g_autoptr(GFile) store_file = g_application_command_line_create_file_for_arg (command_line, stores[i]);

      godwit_application_open_store (self, store_file, bundle_file);
    }

  return 0;
}

static void
godwit_application_dispose (GObject *object)
{
  GodwitApplication *self = (GodwitApplication *)object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);

  G_OBJECT_CLASS (godwit_application_parent_class)->dispose (object);
}

static void
godwit_application_class_init (GodwitApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = godwit_application_dispose;

  application_class->startup = godwit_application_startup;
  application_class->activate = godwit_application_activate;
  application_class->open = godwit_application_open;
  application_class->handle_local_options = godwit_application_handle_local_options;
  application_class->command_line = godwit_application_command_line;
}

static void
godwit_application_init (GodwitApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
}

/**
 * godwit_application_new:
 * @application_id: io.github.godwit.Godwit, or its .Devel variant
 *
 * Returns: (transfer full): the application; its resources are found at
 *   the same path whatever the profile
 */
GodwitApplication *
godwit_application_new (const char        *application_id,
                        GApplicationFlags  flags)
{
  g_return_val_if_fail (application_id != NULL, NULL);

  return g_object_new (GODWIT_TYPE_APPLICATION,
                       "application-id", application_id,
                       "flags", flags,
                       "resource-base-path", RESOURCE_BASE_PATH,
                       NULL);
}
