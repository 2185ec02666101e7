/* godwit-preferences-window.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences: the sync endpoint. Every field is bound to a key of the
 * sync settings, except the password, which goes to the keyring (under
 * the endpoint and user name) when it is applied, and is never shown
 * again: the keyring row only says whether one is saved.
 */

#define G_LOG_DOMAIN "godwit-preferences-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "godwit-preferences-window.h"
#include "godwit-replicator.h"
#include "godwit-sync-keyring.h"
#include "godwit-sync.h"

struct _GodwitPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  /* Template Widgets */
  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *endpoint_row;
  AdwEntryRow          *database_row;
  GtkSwitch            *create_database_switch;
  AdwEntryRow          *user_row;
  AdwPasswordEntryRow  *password_row;
  AdwActionRow         *keyring_row;
  GtkSpinner           *keyring_spinner;
  GtkWidget            *forget_button;
  AdwComboRow          *authentication_row;
  AdwActionRow         *ca_file_row;
  GtkWidget            *ca_file_clear_button;
  AdwComboRow          *policy_row;
  AdwEntryRow          *date_attribute_row;
  GtkSpinButton        *batch_size_button;

  /* Owned References */
  GSettings            *settings;
  GCancellable         *keyring_cancellable;  /* (nullable) while the keyring is asked */
  GtkNativeDialog      *chooser;              /* (nullable) */
  char                 *keyring_problem;      /* (nullable) */
  gboolean              password_saved;
};

G_DEFINE_FINAL_TYPE (GodwitPreferencesWindow, godwit_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_KEYRING_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* One question to the keyring; a later one supersedes it. */
typedef struct
{
  GodwitPreferencesWindow *self;
  GCancellable            *cancellable;
} KeyringRequest;

static void
keyring_request_free (KeyringRequest *request)
{
  g_object_unref (request->self);
  g_object_unref (request->cancellable);
  g_free (request);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (KeyringRequest, keyring_request_free)

static void
add_toast (GodwitPreferencesWindow *self,
           const char              *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), toast);
}

static void
cancel_keyring_request (GodwitPreferencesWindow *self)
{
  if (self->keyring_cancellable == NULL)
    return;

  g_cancellable_cancel (self->keyring_cancellable);
  g_clear_object (&self->keyring_cancellable);
  gtk_spinner_set_spinning (self->keyring_spinner, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_BUSY]);
}

static KeyringRequest *
begin_keyring_request (GodwitPreferencesWindow *self)
{
  KeyringRequest *request = g_new0 (KeyringRequest, 1);

  cancel_keyring_request (self);
  self->keyring_cancellable = g_cancellable_new ();

  request->self = g_object_ref (self);
  request->cancellable = g_object_ref (self->keyring_cancellable);

  adw_action_row_set_subtitle (self->keyring_row, _("Asking the keyring…"));
  gtk_spinner_set_spinning (self->keyring_spinner, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_BUSY]);

  return request;
}

/* FALSE when a later request superseded @request, or the window went
 * away: then nothing of the window is touched. */
static gboolean
end_keyring_request (KeyringRequest *request)
{
  GodwitPreferencesWindow *self = request->self;

  if (self->keyring_cancellable != request->cancellable)
    return FALSE;

  g_clear_object (&self->keyring_cancellable);
  gtk_spinner_set_spinning (self->keyring_spinner, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KEYRING_BUSY]);

  return TRUE;
}

static void
set_keyring_status (GodwitPreferencesWindow *self,
                    gboolean                 saved,
                    const char              *problem)
{
  g_autofree char *user = g_settings_get_string (self->settings, "user");
  g_autofree char *subtitle = NULL;

  self->password_saved = saved;
  g_free (self->keyring_problem);
  self->keyring_problem = g_strdup (problem);

  if (problem != NULL)
    subtitle = g_strdup (problem);
  else if (saved)
    subtitle = g_strdup_printf (_("A password is saved for “%s”"), user);
  else
    subtitle = g_strdup_printf (_("No password is saved for “%s”"), user);

  adw_action_row_set_subtitle (self->keyring_row, subtitle);
  gtk_widget_set_sensitive (self->forget_button, saved);
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(KeyringRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *password = godwit_sync_keyring_lookup_password_finish (result, &error);
  gboolean saved = password != NULL;

  /* Only whether there is one matters here. */
  godwit_sync_clear_password (&password);

  if (!end_keyring_request (request))
    return;

  set_keyring_status (request->self, saved, error != NULL ? error->message : NULL);
}

/* The password belongs to an endpoint and a user: without both, there is
 * nothing to save it under. */
static void
update_keyring_status (GodwitPreferencesWindow *self)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "endpoint");
  g_autofree char *user = g_settings_get_string (self->settings, "user");
  gboolean complete = *endpoint != '\0' && *user != '\0';
  KeyringRequest *request;

  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), complete);

  if (!complete)
    {
      cancel_keyring_request (self);
      self->password_saved = FALSE;
      g_clear_pointer (&self->keyring_problem, g_free);
      adw_action_row_set_subtitle (self->keyring_row,
                                   _("Set the server and the user name to save a password for them"));
      gtk_widget_set_sensitive (self->forget_button, FALSE);
      return;
    }

  request = begin_keyring_request (self);
  godwit_sync_keyring_lookup_password_async (endpoint, user, request->cancellable, lookup_cb, request);
}

static void
store_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KeyringRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  gboolean saved = godwit_sync_keyring_store_password_finish (result, &error);

  if (!end_keyring_request (request))
    return;

  add_toast (request->self, saved ? _("Password saved in the keyring") : error->message);
  update_keyring_status (request->self);
}

static void
password_apply_cb (GodwitPreferencesWindow *self,
                   AdwEntryRow             *row)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "endpoint");
  g_autofree char *user = g_settings_get_string (self->settings, "user");
  const char *password = gtk_editable_get_text (GTK_EDITABLE (row));
  KeyringRequest *request;

  if (*password != '\0' && *endpoint != '\0' && *user != '\0')
    {
      request = begin_keyring_request (self);
      godwit_sync_keyring_store_password_async (endpoint, user, password, request->cancellable, store_cb, request);
    }

  /* The keyring has its copy: the entry keeps none. */
  gtk_editable_set_text (GTK_EDITABLE (row), "");
}

static void
clear_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(KeyringRequest) request = user_data;
  g_autoptr(GError) error = NULL;
  gboolean cleared = godwit_sync_keyring_clear_password_finish (result, &error);

  if (!end_keyring_request (request))
    return;

  add_toast (request->self, cleared ? _("Password removed from the keyring") : error->message);
  update_keyring_status (request->self);
}

static void
forget_clicked_cb (GodwitPreferencesWindow *self,
                   GtkButton               *button)
{
  g_autofree char *endpoint = g_settings_get_string (self->settings, "endpoint");
  g_autofree char *user = g_settings_get_string (self->settings, "user");
  KeyringRequest *request;

  if (*endpoint == '\0' || *user == '\0')
    return;

  request = begin_keyring_request (self);
  godwit_sync_keyring_clear_password_async (endpoint, user, request->cancellable, clear_cb, request);
}

/* A URL the sync would refuse is marked at once, with why. */
static void
endpoint_changed_cb (GodwitPreferencesWindow *self,
                     GtkEditable             *editable)
{
  const char *text = gtk_editable_get_text (editable);
  g_autoptr(GError) error = NULL;
  g_autofree char *endpoint = *text != '\0' ? godwit_replicator_dup_endpoint (text, &error) : NULL;

  if (error == NULL)
    gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (editable), error != NULL ? error->message : NULL);
}

static void
update_ca_file (GodwitPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "ca-file");

  if (*path == '\0')
    adw_action_row_set_subtitle (self->ca_file_row,
                                 _("The system’s only. Certificates are always verified; a file of "
                                   "authorities adds those that sign a server’s own certificate"));
  else
    adw_action_row_set_subtitle (self->ca_file_row, path);

  gtk_widget_set_sensitive (self->ca_file_clear_button, *path != '\0');
}

static void
ca_file_response_cb (GodwitPreferencesWindow *self,
                     int                      response,
                     GtkFileChooserNative    *chooser)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        g_settings_set_string (self->settings, "ca-file", path);
      else
        add_toast (self, _("Only files on this computer’s file systems can be trusted"));
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

static void
ca_file_choose_clicked_cb (GodwitPreferencesWindow *self,
                           GtkButton               *button)
{
  g_autoptr(GtkFileFilter) pem = gtk_file_filter_new ();
  g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();
  GtkFileChooserNative *chooser;

  if (self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Choose Certificate Authorities"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (pem, _("PEM certificates"));
  gtk_file_filter_add_pattern (pem, "*.pem");
  gtk_file_filter_add_pattern (pem, "*.crt");
  gtk_file_filter_set_name (all, _("All files"));
  gtk_file_filter_add_pattern (all, "*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), pem);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), all);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (ca_file_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
ca_file_clear_clicked_cb (GodwitPreferencesWindow *self,
                          GtkButton               *button)
{
  g_settings_reset (self->settings, "ca-file");
}

static void
policy_selected_cb (GodwitPreferencesWindow *self,
                    GParamSpec              *pspec,
                    AdwComboRow             *row)
{
  static const char * const descriptions[] = {
    [GODWIT_SYNC_POLICY_STORE_WINS] = N_("Property by property; where both sides changed a value, the store’s "
                                         "change wins"),
    [GODWIT_SYNC_POLICY_REMOTE_WINS] = N_("Property by property; where both sides changed a value, the server’s "
                                          "change wins"),
    [GODWIT_SYNC_POLICY_OVERWRITE] = N_("The server’s revision replaces the store’s whole"),
    [GODWIT_SYNC_POLICY_NEWEST] = N_("The revision whose date attribute is latest wins whole"),
    [GODWIT_SYNC_POLICY_MANUAL] = N_("Nothing is resolved: the Sync page lists the conflicts to resolve"),
  };
  guint selected = adw_combo_row_get_selected (row);

  if (selected < G_N_ELEMENTS (descriptions))
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(descriptions[selected]));
  gtk_widget_set_visible (GTK_WIDGET (self->date_attribute_row), selected == GODWIT_SYNC_POLICY_NEWEST);
}

/* The combo rows list the policies and authentications in the order of
 * their enums, whose names are the settings' choices. */
static gboolean
policy_get_mapping (GValue   *value,
                    GVariant *variant,
                    gpointer  user_data)
{
  GodwitSyncPolicy policy;

  if (!godwit_sync_policy_from_string (g_variant_get_string (variant, NULL), &policy))
    return FALSE;

  g_value_set_uint (value, policy);

  return TRUE;
}

static GVariant *
policy_set_mapping (const GValue       *value,
                    const GVariantType *expected_type,
                    gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected > GODWIT_SYNC_POLICY_MANUAL)
    return NULL;

  return g_variant_new_string (godwit_sync_policy_to_string (selected));
}

static gboolean
authentication_get_mapping (GValue   *value,
                            GVariant *variant,
                            gpointer  user_data)
{
  GodwitSyncAuthentication authentication;

  if (!godwit_sync_authentication_from_string (g_variant_get_string (variant, NULL), &authentication))
    return FALSE;

  g_value_set_uint (value, authentication);

  return TRUE;
}

static GVariant *
authentication_set_mapping (const GValue       *value,
                            const GVariantType *expected_type,
                            gpointer            user_data)
{
  guint selected = g_value_get_uint (value);

  if (selected > GODWIT_SYNC_AUTHENTICATION_COOKIE)
    return NULL;

  return g_variant_new_string (godwit_sync_authentication_to_string (selected));
}

static void
bind_settings (GodwitPreferencesWindow *self)
{
  g_settings_bind (self->settings, "endpoint", self->endpoint_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "database", self->database_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "create-database", self->create_database_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "user", self->user_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "authentication", self->authentication_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, authentication_get_mapping, authentication_set_mapping,
                                NULL, NULL);
  g_settings_bind_with_mapping (self->settings, "policy", self->policy_row, "selected", G_SETTINGS_BIND_DEFAULT,
                                policy_get_mapping, policy_set_mapping, NULL, NULL);
  g_settings_bind (self->settings, "date-attribute", self->date_attribute_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "batch-size", self->batch_size_button, "value", G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->settings, "changed::ca-file", G_CALLBACK (update_ca_file), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::endpoint", G_CALLBACK (update_keyring_status), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::user", G_CALLBACK (update_keyring_status), self,
                           G_CONNECT_SWAPPED);

  policy_selected_cb (self, NULL, self->policy_row);
  update_ca_file (self);
  update_keyring_status (self);
}

static void
godwit_preferences_window_dispose (GObject *object)
{
  GodwitPreferencesWindow *self = (GodwitPreferencesWindow *)object;

  cancel_keyring_request (self);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_PREFERENCES_WINDOW);

  G_OBJECT_CLASS (godwit_preferences_window_parent_class)->dispose (object);
}

static void
godwit_preferences_window_finalize (GObject *object)
{
  GodwitPreferencesWindow *self = (GodwitPreferencesWindow *)object;

  g_clear_object (&self->settings);
  g_clear_pointer (&self->keyring_problem, g_free);

  G_OBJECT_CLASS (godwit_preferences_window_parent_class)->finalize (object);
}

static void
godwit_preferences_window_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  GodwitPreferencesWindow *self = GODWIT_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_KEYRING_BUSY:
      g_value_set_boolean (value, godwit_preferences_window_get_keyring_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_preferences_window_class_init (GodwitPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_preferences_window_dispose;
  object_class->finalize = godwit_preferences_window_finalize;
  object_class->get_property = godwit_preferences_window_get_property;

  /* TRUE while the keyring is asked, written or cleared. */
  properties[PROP_KEYRING_BUSY] =
    g_param_spec_boolean ("keyring-busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/godwit/Godwit/ui/godwit-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, endpoint_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, database_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, create_database_switch);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, user_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, password_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, keyring_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, keyring_spinner);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, forget_button);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, authentication_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, ca_file_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, ca_file_clear_button);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, policy_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, date_attribute_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitPreferencesWindow, batch_size_button);
  gtk_widget_class_bind_template_callback (widget_class, endpoint_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, password_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, forget_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, ca_file_choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, ca_file_clear_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, policy_selected_cb);
}

static void
godwit_preferences_window_init (GodwitPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * godwit_preferences_window_new:
 * @sync_settings: the io.github.godwit.Godwit.Sync settings the window
 *   edits
 * @session_only: whether they last for this session only (godwit was
 *   started with --sync-endpoint), which the window says
 */
GtkWidget *
godwit_preferences_window_new (GSettings *sync_settings,
                               gboolean   session_only)
{
  GodwitPreferencesWindow *self;

  g_return_val_if_fail (G_IS_SETTINGS (sync_settings), NULL);

  self = g_object_new (GODWIT_TYPE_PREFERENCES_WINDOW, NULL);
  self->settings = g_object_ref (sync_settings);
  if (session_only)
    adw_preferences_group_set_description (self->server_group,
                                           _("For this session only: Godwit was started with --sync-endpoint, "
                                             "and these settings are not saved"));
  bind_settings (self);

  return GTK_WIDGET (self);
}

GSettings *
godwit_preferences_window_get_sync_settings (GodwitPreferencesWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_PREFERENCES_WINDOW (self), NULL);

  return self->settings;
}

/* Whether the keyring is being asked, written or cleared. */
gboolean
godwit_preferences_window_get_keyring_busy (GodwitPreferencesWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_PREFERENCES_WINDOW (self), FALSE);

  return self->keyring_cancellable != NULL;
}

/* Whether the keyring holds a password for the endpoint and user, as last
 * asked. */
gboolean
godwit_preferences_window_get_password_saved (GodwitPreferencesWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_PREFERENCES_WINDOW (self), FALSE);

  return self->password_saved;
}

/* Why the keyring could not be read, or NULL. */
const char *
godwit_preferences_window_get_keyring_problem (GodwitPreferencesWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_PREFERENCES_WINDOW (self), NULL);

  return self->keyring_problem;
}
