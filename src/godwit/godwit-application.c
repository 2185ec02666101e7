/* godwit-application.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The application: `godwit [STORE…] [--model BUNDLE]`, one window per
 * store, and the actions every window shares.
 *
 * The sync settings are the user's, saved, unless godwit was started with
 * `--sync-endpoint URL --sync-database DB [--sync-user NAME
 * --sync-password-stdin]` (build-aux/godwit-dev run does, for its own
 * server): then they are settings in memory for this session, filled with
 * that endpoint, and the password read from standard input is used for
 * that endpoint and user while they are the ones set. Nothing of it is
 * saved, and a password is never an argument.
 */

#define G_LOG_DOMAIN "godwit-application"

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <gio/gunixinputstream.h>
#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "godwit-application.h"
#include "godwit-preferences-window.h"
#include "godwit-sync-keyring.h"
#include "godwit-window.h"

#define RESOURCE_BASE_PATH "/io/github/godwit/Godwit"
/* The icon in the resources, the same for every profile. */
#define APP_ICON_NAME      "io.github.godwit.Godwit"
#define SYNC_SCHEMA        "io.github.godwit.Godwit.Sync"

struct _GodwitApplication
{
  AdwApplication  parent_instance;

  /* Owned References */
  GtkNativeDialog *chooser;            /* (nullable) app.open's */
  GtkWindow       *preferences;        /* (nullable) (weak) */
  GSettings       *sync_settings;      /* (nullable) until asked for */
  char            *session_endpoint;   /* (nullable) --sync-endpoint's */
  char            *session_user;       /* (nullable) --sync-user's */
  char            *session_password;   /* (nullable) read from standard input */
};

G_DEFINE_FINAL_TYPE (GodwitApplication, godwit_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SYNC_SETTINGS,
  PROP_SYNC_SESSION_PASSWORD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const GOptionEntry option_entries[] = {
  { "model", 'm', 0, G_OPTION_ARG_FILENAME, NULL,
    N_("Read the stores with this model bundle (.xcdatamodeld, .momd, .xcdatamodel or .mom)"), N_("BUNDLE") },
  { "sync-endpoint", 0, 0, G_OPTION_ARG_STRING, NULL,
    N_("For this session only, sync with the server at URL (the saved settings are left as they are)"),
    N_("URL") },
  { "sync-database", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The database of --sync-endpoint"), N_("DB") },
  { "sync-user", 0, 0, G_OPTION_ARG_STRING, NULL, N_("The user name for --sync-endpoint"), N_("NAME") },
  { "sync-password-stdin", 0, 0, G_OPTION_ARG_NONE, NULL,
    N_("Read the password of --sync-user as one line of standard input, which must not be a terminal"), NULL },
  { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and exit"), NULL },
  { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, NULL, NULL, N_("[STORE…]") },
  { NULL }
};

static GSettings *
get_sync_settings (GodwitApplication *self)
{
  if (self->sync_settings == NULL)
    self->sync_settings = g_settings_new (SYNC_SCHEMA);

  return self->sync_settings;
}

/* The password read from standard input, while the endpoint and user it
 * was given for are the ones set: it goes to no other server. */
static const char *
get_session_password (GodwitApplication *self)
{
  g_autofree char *endpoint = NULL;
  g_autofree char *user = NULL;

  if (self->session_password == NULL)
    return NULL;

  endpoint = g_settings_get_string (get_sync_settings (self), "endpoint");
  user = g_settings_get_string (get_sync_settings (self), "user");
  if (g_strcmp0 (endpoint, self->session_endpoint) != 0 || g_strcmp0 (user, self->session_user) != 0)
    return NULL;

  return self->session_password;
}

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

/* One window, in front of the active one. */
static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GodwitApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->preferences == NULL)
    {
      self->preferences = GTK_WINDOW (godwit_preferences_window_new (get_sync_settings (self),
                                                                     self->session_endpoint != NULL));
      g_object_add_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
      gtk_window_set_application (self->preferences, GTK_APPLICATION (self));
      gtk_window_set_modal (self->preferences, TRUE);
    }

  if (parent != self->preferences)
    gtk_window_set_transient_for (self->preferences, parent);
  gtk_window_present (self->preferences);
}

static const GActionEntry action_entries[] = {
  { "open", open_action },
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
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
    { "app.preferences", { "<Control>comma", NULL } },
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

typedef struct
{
  GodwitApplication       *application;
  GApplicationCommandLine *command_line;
} PasswordRead;

static void
password_read_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  PasswordRead *read = user_data;
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (object), result, NULL, &error);

  if (line != NULL)
    {
      godwit_sync_clear_password (&read->application->session_password);
      read->application->session_password = line;
    }
  else
    {
      g_application_command_line_printerr (read->command_line, _("--sync-password-stdin: %s\n"),
                                           error != NULL ? error->message : _("standard input is empty"));
      g_application_command_line_set_exit_status (read->command_line, 2);
    }

  /* The invoking process ends with its command line. */
  g_object_unref (read->application);
  g_object_unref (read->command_line);
  g_free (read);
}

/* Sync settings in memory for this session, with the endpoint of the
 * command line; the saved ones are neither used nor changed. */
static gboolean
start_sync_session (GodwitApplication       *self,
                    GApplicationCommandLine *command_line,
                    const char              *endpoint,
                    const char              *database,
                    const char              *user,
                    gboolean                 password_stdin)
{
  g_autoptr(GInputStream) input = NULL;
  g_autoptr(GDataInputStream) lines = NULL;
  PasswordRead *read;

  if (self->sync_settings != NULL && self->session_endpoint == NULL)
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("--sync-endpoint: godwit runs with the saved sync settings already; "
                                             "quit it first"));
      return FALSE;
    }

  if (password_stdin)
    {
      input = g_application_command_line_get_stdin (command_line);
      /* Typed on a terminal, it would be shown as it is typed. */
      if (input == NULL ||
          (G_IS_UNIX_INPUT_STREAM (input) && isatty (g_unix_input_stream_get_fd (G_UNIX_INPUT_STREAM (input)))))
        {
          g_application_command_line_printerr (command_line, "%s\n",
                                               _("--sync-password-stdin: standard input is a terminal, or there "
                                                 "is none: pipe the password in"));
          return FALSE;
        }
    }

  if (self->sync_settings == NULL)
    {
      g_autoptr(GSettingsSchema) schema = NULL;
      g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();

      schema = g_settings_schema_source_lookup (g_settings_schema_source_get_default (), SYNC_SCHEMA, TRUE);
      g_assert (schema != NULL);
      self->sync_settings = g_settings_new_full (schema, backend, NULL);
    }

  g_free (self->session_endpoint);
  self->session_endpoint = g_strdup (endpoint);
  g_free (self->session_user);
  self->session_user = g_strdup (user != NULL ? user : "");
  godwit_sync_clear_password (&self->session_password);
  g_settings_set_string (self->sync_settings, "endpoint", self->session_endpoint);
  g_settings_set_string (self->sync_settings, "database", database);
  g_settings_set_string (self->sync_settings, "user", self->session_user);

  if (input == NULL)
    return TRUE;

  lines = g_data_input_stream_new (input);
  read = g_new0 (PasswordRead, 1);
  read->application = g_object_ref (self);
  read->command_line = g_object_ref (command_line);
  g_data_input_stream_read_line_async (lines, G_PRIORITY_DEFAULT, NULL, password_read_cb, read);

  return TRUE;
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
  const char *sync_endpoint = NULL;
  const char *sync_database = NULL;
  const char *sync_user = NULL;
  gboolean password_stdin = g_variant_dict_contains (options, "sync-password-stdin");
  g_autoptr(GFile) bundle_file = NULL;

  g_variant_dict_lookup (options, G_OPTION_REMAINING, "^a&ay", &stores);
  g_variant_dict_lookup (options, "model", "^&ay", &model);
  g_variant_dict_lookup (options, "sync-endpoint", "&s", &sync_endpoint);
  g_variant_dict_lookup (options, "sync-database", "&s", &sync_database);
  g_variant_dict_lookup (options, "sync-user", "&s", &sync_user);

  if (model != NULL && (stores == NULL || stores[0] == NULL))
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("--model needs a store: godwit STORE --model BUNDLE"));
      return 2;
    }

  if (sync_endpoint == NULL && (sync_database != NULL || sync_user != NULL || password_stdin))
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("--sync-database, --sync-user and --sync-password-stdin go with "
                                             "--sync-endpoint URL"));
      return 2;
    }

  if (sync_endpoint != NULL && (sync_database == NULL || *sync_database == '\0'))
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("--sync-endpoint needs a database: "
                                             "--sync-endpoint URL --sync-database DB"));
      return 2;
    }

  if (password_stdin && (sync_user == NULL || *sync_user == '\0'))
    {
      g_application_command_line_printerr (command_line, "%s\n",
                                           _("--sync-password-stdin needs a user name: --sync-user NAME"));
      return 2;
    }

  if (sync_endpoint != NULL &&
      !start_sync_session (self, command_line, sync_endpoint, sync_database, sync_user, password_stdin))
    return 2;

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
  if (self->preferences != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->preferences), (gpointer *) &self->preferences);
  self->preferences = NULL;

  G_OBJECT_CLASS (godwit_application_parent_class)->dispose (object);
}

static void
godwit_application_finalize (GObject *object)
{
  GodwitApplication *self = (GodwitApplication *)object;

  g_clear_object (&self->sync_settings);
  g_clear_pointer (&self->session_endpoint, g_free);
  g_clear_pointer (&self->session_user, g_free);
  godwit_sync_clear_password (&self->session_password);

  G_OBJECT_CLASS (godwit_application_parent_class)->finalize (object);
}

static void
godwit_application_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  GodwitApplication *self = GODWIT_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SYNC_SETTINGS:
      g_value_set_object (value, get_sync_settings (self));
      break;

    case PROP_SYNC_SESSION_PASSWORD:
      g_value_set_string (value, get_session_password (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_application_class_init (GodwitApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *application_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = godwit_application_dispose;
  object_class->finalize = godwit_application_finalize;
  object_class->get_property = godwit_application_get_property;

  /* The io.github.godwit.Godwit.Sync settings the Sync pages and the
   * Preferences use: the saved ones, or this session's (--sync-endpoint). */
  properties[PROP_SYNC_SETTINGS] =
    g_param_spec_object ("sync-settings", NULL, NULL, G_TYPE_SETTINGS,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /* The password read with --sync-password-stdin, while its endpoint and
   * user are the ones set; NULL otherwise. A copy: wipe it after use. */
  properties[PROP_SYNC_SESSION_PASSWORD] =
    g_param_spec_string ("sync-session-password", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

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
