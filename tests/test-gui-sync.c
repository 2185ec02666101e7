/* test-gui-sync.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Sync page and the Preferences window. Without an endpoint the page
 * says so and opens Preferences; Preferences edits the sync settings and
 * keeps the password in the keyring. Against a CouchDB-protocol server
 * (GODWIT_TEST_COUCHDB_URL, _USER and _PASSWORD: build-aux/godwit-dev
 * test starts pouchdb-server), Sync Now pushes the demo store, whose
 * documents the server then holds, and the page shows the counts; a
 * conflict made on purpose on both sides shows side by side and resolves
 * as chosen, property by property or one side whole; a wrong password and
 * an unreachable server show plainly. `godwit --sync-endpoint …
 * --sync-password-stdin`, as build-aux/godwit-dev run starts it, syncs
 * with that endpoint for the session, the saved settings untouched. The
 * keyring tests need a Secret Service on the session bus (godwit-dev test
 * runs one) and skip without.
 */

#include "config.h"

#include <glib-unix.h>
#include <libsoup/soup.h>
#include <string.h>
#include <unistd.h>

#include "godwit-error.h"
#include "godwit-preferences-window.h"
#include "godwit-sync-keyring.h"
#include "godwit-sync.h"
#include "godwit-test-store.h"
#include "godwit-test-utils.h"
#include "gui-test-utils.h"

typedef GodwitGuiTestFixture Fixture;

/* ---- the server ---------------------------------------------------------- */

typedef struct
{
  const char  *url;
  const char  *user;
  const char  *password;
  char        *database;
  SoupSession *session;
} Server;

/* The server, or FALSE after marking the test skipped. */
static gboolean
server_init (Server *server)
{
  g_autofree char *uuid = g_uuid_string_random ();

  memset (server, 0, sizeof *server);
  server->url = g_getenv ("GODWIT_TEST_COUCHDB_URL");
  server->user = g_getenv ("GODWIT_TEST_COUCHDB_USER");
  server->password = g_getenv ("GODWIT_TEST_COUCHDB_PASSWORD");
  if (server->url == NULL || server->user == NULL || server->password == NULL)
    {
      g_test_skip ("no CouchDB-protocol server: GODWIT_TEST_COUCHDB_URL, _USER and _PASSWORD are unset "
                   "(build-aux/godwit-dev test starts one)");
      return FALSE;
    }

  server->database = g_strdup_printf ("godwit-gui-%s", uuid);
  server->session = soup_session_new ();

  return TRUE;
}

/* @method on @path below the database's URL, with a JSON body; the
 * answer's JSON. */
static JsonNode *
server_request (Server     *server,
                const char *method,
                const char *path,
                const char *body,
                guint      *status)
{
  g_autofree char *url = g_strdup_printf ("%s/%s%s", server->url, server->database, path);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autofree char *pair = g_strdup_printf ("%s:%s", server->user, server->password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) pair, strlen (pair));
  g_autofree char *authorization = g_strconcat ("Basic ", encoded, NULL);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (message);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Authorization", authorization);
  soup_message_headers_replace (soup_message_get_request_headers (message), "Accept", "application/json");
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  answer = soup_session_send_and_read (server->session, message, NULL, &error);
  g_assert_no_error (error);
  *status = soup_message_get_status (message);

  return godwit_test_parse_json (g_bytes_get_data (answer, NULL));
}

static void
server_clear (Server *server)
{
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  if (server->session != NULL)
    answer = server_request (server, "DELETE", "", NULL, &status);
  g_clear_pointer (&server->database, g_free);
  g_clear_object (&server->session);
}

static JsonObject *
server_get_document (Server     *server,
                     const char *id)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/%s?conflicts=true", escaped);
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  answer = server_request (server, "GET", path, NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);

  return json_object_ref (json_node_get_object (answer));
}

/* Writes @document, with its _rev, as a new edit: another peer's. */
static void
server_put_document (Server     *server,
                     JsonObject *document)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *escaped = g_uri_escape_string (json_object_get_string_member (document, "_id"), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/%s", escaped);
  g_autofree char *text = NULL;
  g_autoptr(JsonNode) answer = NULL;
  guint status = 0;

  json_node_set_object (node, document);
  text = json_to_string (node, FALSE);
  answer = server_request (server, "PUT", path, text, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_CREATED);
}

/* Every document of the database (element-type JsonObject). */
static GPtrArray *
server_all_documents (Server *server)
{
  g_autoptr(JsonNode) answer = NULL;
  GPtrArray *documents = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  JsonArray *rows;
  guint status = 0;

  answer = server_request (server, "GET", "/_all_docs?include_docs=true", NULL, &status);
  g_assert_cmpuint (status, ==, SOUP_STATUS_OK);
  rows = godwit_test_array_member (json_node_get_object (answer), "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    g_ptr_array_add (documents,
                     json_object_ref (godwit_test_object_member (json_array_get_object_element (rows, i), "doc")));

  return documents;
}

static JsonObject *
attributes_of (JsonObject *document)
{
  return godwit_test_object_member (document, "attributes");
}

/* The document of @entity whose attribute @name is @value. */
static JsonObject *
find_document (GPtrArray  *documents,
               const char *entity,
               const char *name,
               const char *value)
{
  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (document, "entity", NULL), entity) == 0 &&
          g_strcmp0 (json_object_get_string_member_with_default (attributes_of (document), name, NULL), value) == 0)
        return document;
    }

  g_error ("no %s document with %s “%s” on the server", entity, name, value);
}

/* ---- the keyring --------------------------------------------------------- */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  char     *password;
  GError   *error;
} KeyringCall;

static gboolean
keyring_call_done (gpointer data)
{
  return ((KeyringCall *) data)->done;
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  KeyringCall *call = user_data;

  call->ok = godwit_sync_keyring_store_password_finish (result, &call->error);
  call->done = TRUE;
}

static void
looked_up_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  KeyringCall *call = user_data;

  call->password = godwit_sync_keyring_lookup_password_finish (result, &call->error);
  call->done = TRUE;
}

static void
cleared_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  KeyringCall *call = user_data;

  call->ok = godwit_sync_keyring_clear_password_finish (result, &call->error);
  call->done = TRUE;
}

/* Saves the password, or marks the test skipped when there is no Secret
 * Service to save it in. */
static gboolean
keyring_store (const char *endpoint,
               const char *user,
               const char *password)
{
  KeyringCall call = { 0 };

  godwit_sync_keyring_store_password_async (endpoint, user, password, NULL, stored_cb, &call);
  godwit_gui_test_wait_until (keyring_call_done, &call, "the keyring to save the password");
  if (!call.ok)
    {
      g_autofree char *message = g_strdup_printf ("no keyring (a Secret Service on the session bus): %s",
                                                  call.error->message);

      g_test_skip (message);
      g_error_free (call.error);
      return FALSE;
    }

  return TRUE;
}

static char *
keyring_lookup (const char *endpoint,
                const char *user)
{
  KeyringCall call = { 0 };

  godwit_sync_keyring_lookup_password_async (endpoint, user, NULL, looked_up_cb, &call);
  godwit_gui_test_wait_until (keyring_call_done, &call, "the keyring to look the password up");
  g_assert_no_error (call.error);

  return call.password;
}

static void
keyring_clear (const char *endpoint,
               const char *user)
{
  KeyringCall call = { 0 };

  godwit_sync_keyring_clear_password_async (endpoint, user, NULL, cleared_cb, &call);
  godwit_gui_test_wait_until (keyring_call_done, &call, "the keyring to forget the password");
  g_assert_no_error (call.error);
}

/* ---- widgets ------------------------------------------------------------- */

/* The application's sync settings, every key back to its default: the
 * memory backend keeps them from test to test. */
static GSettings *
reset_sync_settings (void)
{
  GSettings *settings = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (godwit_gui_test_application (), "sync-settings", &settings, NULL);
  g_assert_nonnull (settings);
  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (settings, keys[i]);

  return settings;
}

static void
set_endpoint (GSettings  *settings,
              const char *endpoint,
              const char *database,
              const char *user)
{
  g_settings_set_string (settings, "endpoint", endpoint);
  g_settings_set_string (settings, "database", database);
  g_settings_set_string (settings, "user", user != NULL ? user : "");
}

static GodwitSyncPage *
show_sync_page (GodwitWindow *window)
{
  godwit_gui_test_show_page (window, "sync");

  return godwit_store_view_get_sync_page (godwit_window_get_store_view (window));
}

/* The first widget under @root (itself included) that @match accepts. */
typedef gboolean (*WidgetMatch) (GtkWidget *widget,
                                 gpointer   data);

static GtkWidget *
find_widget (GtkWidget   *root,
             WidgetMatch  match,
             gpointer     data)
{
  if (match (root, data))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  const char *action;
  GVariant   *target;   /* (nullable) */
} ActionableMatch;

static gboolean
is_actionable (GtkWidget *widget,
               gpointer   data)
{
  ActionableMatch *match = data;
  GVariant *target;

  if (!GTK_IS_ACTIONABLE (widget) || !gtk_widget_is_drawable (widget) ||
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), match->action) != 0)
    return FALSE;

  target = gtk_actionable_get_action_target_value (GTK_ACTIONABLE (widget));

  return match->target == NULL || (target != NULL && g_variant_equal (target, match->target));
}

/* The button on screen for @action with @target (floating, consumed;
 * nullable). */
static GtkWidget *
find_actionable (GtkWidget  *root,
                 const char *action,
                 GVariant   *target)
{
  g_autoptr(GVariant) sunk = target != NULL ? g_variant_ref_sink (target) : NULL;
  ActionableMatch match = { action, sunk };
  GtkWidget *found = find_widget (root, is_actionable, &match);

  g_assert_nonnull (found);

  return found;
}

static gboolean
is_choice_labelled (GtkWidget *widget,
                    gpointer   data)
{
  g_autofree char *mismatch = NULL;

  if (!GTK_IS_TOGGLE_BUTTON (widget) || !gtk_widget_is_drawable (widget))
    return FALSE;

  mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, data);

  return mismatch == NULL;
}

/* The toggle on screen that chooses @property's value in @column, found
 * by the name a screen reader gives it. */
static GtkWidget *
find_choice (GtkWidget  *root,
             const char *property,
             const char *column,
             const char *value)
{
  g_autofree char *label = g_strdup_printf ("%s, %s: %s", property, column, value);
  GtkWidget *found = find_widget (root, is_choice_labelled, label);

  g_assert_nonnull (found);

  return found;
}

/* A click, as the pointer makes it: "clicked" at once, where
 * gtk_widget_activate() would wait for its flash to end. */
static void
click (GtkWidget *button)
{
  g_assert_true (GTK_IS_BUTTON (button));
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static gboolean
is_row_titled (GtkWidget *widget,
               gpointer   data)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

/* The row titled @title (its mnemonic included) under @root. */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  GtkWidget *row = find_widget (root, is_row_titled, (gpointer) title);

  g_assert_nonnull (row);

  return row;
}

static const char *
row_subtitle (GtkWidget  *root,
              const char *title)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (find_row (root, title)));
}

static gboolean
is_of_type (GtkWidget *widget,
            gpointer   data)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (data));
}

static GtkWidget *
find_child_of_type (GtkWidget *root,
                    GType      type)
{
  GtkWidget *found = find_widget (root, is_of_type, GSIZE_TO_POINTER (type));

  g_assert_nonnull (found);

  return found;
}

static gboolean
is_button_with_tooltip (GtkWidget *widget,
                        gpointer   data)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_widget_get_tooltip_text (widget), data) == 0;
}

static gboolean
is_label_with (GtkWidget *widget,
               gpointer   data)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_drawable (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), data) != NULL;
}

/* Whether a label on screen under @root shows @text. */
static gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  return find_widget (root, is_label_with, (gpointer) text) != NULL;
}

/* Scrolls @widget's scrolled window until @widget is at its top. */
static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t point;

  g_assert_true (gtk_widget_compute_point (widget, scrolled, &GRAPHENE_POINT_INIT (0, 0), &point));
  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_value (adjustment) + point.y);
  godwit_gui_test_flush (GTK_WIDGET (gtk_widget_get_root (widget)));
}

static gboolean
page_is_idle (gpointer data)
{
  return !godwit_sync_page_get_busy (data);
}

static gboolean
page_is_busy (gpointer data)
{
  return godwit_sync_page_get_busy (data);
}

/* Sync Now, as its button does: the button is disabled while the sync
 * runs. The window reads the store again when the sync changed it. */
static void
sync_now (GodwitWindow   *window,
          GodwitSyncPage *page)
{
  GtkWidget *button = find_actionable (GTK_WIDGET (page), "sync.sync-now", NULL);

  g_assert_true (gtk_widget_is_sensitive (button));
  click (button);
  godwit_gui_test_wait_until (page_is_busy, page, "the sync to start");
  g_assert_false (gtk_widget_is_sensitive (button));
  godwit_gui_test_wait_until (page_is_idle, page, "the sync to end");
  godwit_gui_test_wait_idle (window);
  godwit_gui_test_flush (GTK_WIDGET (window));
  g_assert_true (gtk_widget_is_sensitive (button));
  /* Whatever the page shows, the sidebar stays beside it. */
  g_assert_false (godwit_store_view_get_can_go_back (godwit_window_get_store_view (window)));
}

static GodwitPreferencesWindow *
find_preferences (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (GODWIT_IS_PREFERENCES_WINDOW (l->data) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static gboolean
has_preferences (gpointer data)
{
  return find_preferences () != NULL;
}

static GodwitPreferencesWindow *
wait_preferences (void)
{
  godwit_gui_test_wait_until (has_preferences, NULL, "the Preferences window");

  return find_preferences ();
}

static gboolean
is_gone (gpointer data)
{
  return *(gpointer *) data == NULL;
}

static void
close_preferences (GodwitPreferencesWindow *preferences)
{
  godwit_gui_test_save_window (GTK_WIDGET (preferences));
  g_object_add_weak_pointer (G_OBJECT (preferences), (gpointer *) &preferences);
  gtk_window_destroy (GTK_WINDOW (preferences));
  godwit_gui_test_wait_until (is_gone, &preferences, "the Preferences window to go");
}

static gboolean
keyring_is_idle (gpointer data)
{
  return !godwit_preferences_window_get_keyring_busy (data);
}

/* ---- without a server ---------------------------------------------------- */

/* No endpoint: the page says so, and its button opens Preferences, as
 * Ctrl+comma does. */
static void
test_no_endpoint (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = reset_sync_settings ();
  GodwitWindow *window = godwit_gui_test_open (fixture->store, fixture->bundle);
  GodwitSyncPage *page = show_sync_page (window);
  g_auto(GStrv) accels = NULL;
  GodwitPreferencesWindow *preferences;

  g_assert_cmpstr (godwit_sync_page_get_view (page), ==, "no-endpoint");
  g_assert_true (shows_text (GTK_WIDGET (page), "No Sync Endpoint"));
  godwit_gui_test_save_window (GTK_WIDGET (window));

  accels = gtk_application_get_accels_for_action (GTK_APPLICATION (godwit_gui_test_application ()),
                                                  "app.preferences");
  g_assert_cmpstr (accels[0], ==, "<Control>comma");

  click (find_actionable (GTK_WIDGET (page), "app.preferences", NULL));
  preferences = wait_preferences ();
  g_assert_true (godwit_preferences_window_get_sync_settings (preferences) == settings);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (preferences)) == GTK_WINDOW (window));
  close_preferences (preferences);

  /* An endpoint and a database make it the sync view. */
  set_endpoint (settings, "http://127.0.0.1:5984", "garden", "ann");
  g_assert_cmpstr (godwit_sync_page_get_view (page), ==, "sync");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Database"), ==, "“garden” at http://127.0.0.1:5984");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "User name"), ==, "ann");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Conflict policy"), ==, "Store wins");
  g_settings_set_string (settings, "policy", "newest");
  g_settings_set_string (settings, "date-attribute", "planted");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Conflict policy"), ==, "Newest by date: “planted”");

  godwit_gui_test_close (window);
}

/* A store read with its cached model (no bundle) cannot be synced. */
static void
test_no_bundle (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GSettings) settings = reset_sync_settings ();
  GodwitWindow *window = NULL;
  GodwitSyncPage *page;

  set_endpoint (settings, "http://127.0.0.1:5984", "garden", NULL);
  window = godwit_gui_test_open (fixture->store, NULL);
  page = show_sync_page (window);
  g_assert_cmpstr (godwit_sync_page_get_view (page), ==, "no-bundle");
  g_assert_true (shows_text (GTK_WIDGET (page), "No Model Bundle"));

  godwit_gui_test_close (window);
}

/* Every field is bound to its settings key, both ways; a URL the sync
 * would refuse is marked. */
static void
test_preferences (Fixture       *fixture,
                  gconstpointer  data)
{
  static const struct {
    const char *title;
    const char *key;
    const char *text;
  } entries[] = {
    { "Server _URL", "endpoint", "https://couch.example.com:6984" },
    { "_Database", "database", "garden" },
    { "User _name", "user", "ann" },
  };
  g_autoptr(GSettings) settings = reset_sync_settings ();
  GodwitWindow *window = godwit_gui_test_open (fixture->store, fixture->bundle);
  GodwitPreferencesWindow *preferences;
  g_autofree char *text = NULL;
  GtkWidget *root;
  GtkWidget *row;
  GtkWidget *date_row;
  GtkSpinButton *spin;
  GtkSwitch *create;

  g_action_group_activate_action (G_ACTION_GROUP (godwit_gui_test_application ()), "preferences", NULL);
  preferences = wait_preferences ();
  root = GTK_WIDGET (preferences);
  godwit_gui_test_flush (root);
  g_assert_true (godwit_preferences_window_get_sync_settings (preferences) == settings);

  /* Without a user name, there is nothing to save a password under. */
  g_assert_false (gtk_widget_get_sensitive (find_row (root, "_Password")));

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    {
      g_autofree char *value = NULL;

      gtk_editable_set_text (GTK_EDITABLE (find_row (root, entries[i].title)), entries[i].text);
      value = g_settings_get_string (settings, entries[i].key);
      g_assert_cmpstr (value, ==, entries[i].text);
    }
  g_assert_true (gtk_widget_get_sensitive (find_row (root, "_Password")));

  g_settings_set_string (settings, "database", "orchard");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (root, "_Database"))), ==, "orchard");

  row = find_row (root, "Server _URL");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  gtk_editable_set_text (GTK_EDITABLE (row), "ftp://couch.example.com");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (row), "is not a server URL"));
  gtk_editable_set_text (GTK_EDITABLE (row), "http://127.0.0.1:5984/");
  g_assert_false (gtk_widget_has_css_class (row, "error"));

  /* The policy, with its date attribute only for the newest. */
  row = find_row (root, "Conflict _policy");
  date_row = find_row (root, "Date _attribute compared");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, GODWIT_SYNC_POLICY_STORE_WINS);
  g_assert_false (gtk_widget_get_visible (date_row));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), GODWIT_SYNC_POLICY_NEWEST);
  text = g_settings_get_string (settings, "policy");
  g_assert_cmpstr (text, ==, "newest");
  g_clear_pointer (&text, g_free);
  g_assert_true (gtk_widget_get_visible (date_row));
  gtk_editable_set_text (GTK_EDITABLE (date_row), "planted");
  text = g_settings_get_string (settings, "date-attribute");
  g_assert_cmpstr (text, ==, "planted");
  g_clear_pointer (&text, g_free);
  g_settings_set_string (settings, "policy", "manual");
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (row)), ==, GODWIT_SYNC_POLICY_MANUAL);
  g_assert_false (gtk_widget_get_visible (date_row));

  row = find_row (root, "_Authentication");
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), GODWIT_SYNC_AUTHENTICATION_COOKIE);
  text = g_settings_get_string (settings, "authentication");
  g_assert_cmpstr (text, ==, "cookie");
  g_clear_pointer (&text, g_free);

  spin = GTK_SPIN_BUTTON (find_child_of_type (find_row (root, "_Batch size"), GTK_TYPE_SPIN_BUTTON));
  /* The schema's default is the core's. */
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, GODWIT_SYNC_DEFAULT_BATCH_SIZE);
  gtk_spin_button_set_value (spin, 250);
  g_assert_cmpuint (g_settings_get_uint (settings, "batch-size"), ==, 250);
  g_settings_set_uint (settings, "batch-size", 40);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 40);

  create = GTK_SWITCH (find_child_of_type (find_row (root, "_Create a missing database"), GTK_TYPE_SWITCH));
  g_assert_true (gtk_switch_get_active (create));
  gtk_switch_set_active (create, FALSE);
  g_assert_false (g_settings_get_boolean (settings, "create-database"));

  /* The CA file is chosen in a file chooser; it shows, and clears. */
  row = find_row (root, "Trusted certificate authorities");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "always verified"));
  g_settings_set_string (settings, "ca-file", "/etc/ssl/certs/ca-certificates.crt");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "/etc/ssl/certs/ca-certificates.crt");
  click (find_widget (row, is_button_with_tooltip, "Trust the System’s Authorities Only"));
  text = g_settings_get_string (settings, "ca-file");
  g_assert_cmpstr (text, ==, "");

  close_preferences (preferences);
  godwit_gui_test_close (window);
}

typedef struct
{
  GodwitPreferencesWindow *preferences;
  gboolean                 saved;
} PasswordState;

static gboolean
password_state_is (gpointer data)
{
  PasswordState *state = data;

  return !godwit_preferences_window_get_keyring_busy (state->preferences) &&
         godwit_preferences_window_get_password_saved (state->preferences) == state->saved;
}

/* The password goes to the keyring, under the endpoint and user name, and
 * leaves the entry; Forget removes it. */
static void
test_preferences_password (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GSettings) settings = reset_sync_settings ();
  const char *endpoint = "http://127.0.0.1:9";
  const char *user = "godwit-gui-test";
  g_autofree char *password = NULL;
  GodwitWindow *window;
  PasswordState state;
  GtkWidget *root;
  GtkWidget *row;

  if (!keyring_store (endpoint, user, "probe"))
    return;
  keyring_clear (endpoint, user);

  /* The endpoint as typed: the keyring names it without the slash. */
  set_endpoint (settings, "http://127.0.0.1:9/", "garden", user);
  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  g_action_group_activate_action (G_ACTION_GROUP (godwit_gui_test_application ()), "preferences", NULL);
  state.preferences = wait_preferences ();
  state.saved = FALSE;
  root = GTK_WIDGET (state.preferences);
  godwit_gui_test_wait_until (keyring_is_idle, state.preferences, "the keyring to be asked");
  g_assert_false (godwit_preferences_window_get_password_saved (state.preferences));
  g_assert_null (godwit_preferences_window_get_keyring_problem (state.preferences));
  g_assert_cmpstr (row_subtitle (root, "Keyring"), ==, "No password is saved for “godwit-gui-test”");

  row = find_row (root, "_Password");
  gtk_editable_set_text (GTK_EDITABLE (row), "s3cret");
  g_signal_emit_by_name (row, "apply");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "");
  state.saved = TRUE;
  godwit_gui_test_wait_until (password_state_is, &state, "the password to be saved");
  g_assert_cmpstr (row_subtitle (root, "Keyring"), ==, "A password is saved for “godwit-gui-test”");
  password = keyring_lookup (endpoint, user);
  g_assert_cmpstr (password, ==, "s3cret");
  godwit_gui_test_save_window (root);

  click (find_widget (root, is_button_with_tooltip, "Remove the Password from the Keyring"));
  state.saved = FALSE;
  godwit_gui_test_wait_until (password_state_is, &state, "the password to be forgotten");
  g_clear_pointer (&password, g_free);
  password = keyring_lookup (endpoint, user);
  g_assert_null (password);

  close_preferences (state.preferences);
  godwit_gui_test_close (window);
}

/* A server that does not answer: a sync cancelled while it retries stops
 * with a toast; one let run says so in the banner after the retries, with
 * Preferences at hand. */
static void
test_unreachable (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GSettings) settings = reset_sync_settings ();
  GodwitWindow *window;
  GodwitSyncPage *page;

  /* Port 9 (discard) on this machine: nothing listens there. */
  set_endpoint (settings, "http://127.0.0.1:9", "garden", NULL);
  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_sync_page (window);

  /* Cancelled while it waits to try again: a toast, no banner. */
  click (find_actionable (GTK_WIDGET (page), "sync.sync-now", NULL));
  godwit_gui_test_wait_until (page_is_busy, page, "the sync to start");
  g_assert_true (shows_text (GTK_WIDGET (page), "Connecting to http://127.0.0.1:9"));
  godwit_gui_test_save_window (GTK_WIDGET (window));
  click (find_actionable (GTK_WIDGET (page), "sync.cancel", NULL));
  godwit_gui_test_wait_until (page_is_idle, page, "the sync to stop");
  g_assert_null (godwit_sync_page_get_error (page));
  g_assert_nonnull (godwit_sync_page_get_toast (page));
  g_assert_nonnull (strstr (adw_toast_get_title (godwit_sync_page_get_toast (page)), "Sync cancelled"));

  sync_now (window, page);

  g_assert_error (godwit_sync_page_get_error (page), GODWIT_ERROR, GODWIT_ERROR_SERVER);
  g_assert_null (godwit_sync_page_get_last_sync (page));
  g_assert_true (shows_text (GTK_WIDGET (page), "The Server Cannot Be Used"));
  g_assert_true (shows_text (GTK_WIDGET (page), "http://127.0.0.1:9"));
  g_assert_true (gtk_widget_is_drawable (find_actionable (GTK_WIDGET (page), "app.preferences", NULL)));

  godwit_gui_test_close (window);
}

/* ---- against the server -------------------------------------------------- */

/* The server and the endpoint settings with its admin, whose password is
 * in the keyring; FALSE after marking the test skipped. */
static gboolean
set_up_server (Server    *server,
               GSettings *settings)
{
  if (!server_init (server))
    return FALSE;
  if (!keyring_store (server->url, server->user, server->password))
    {
      server_clear (server);
      return FALSE;
    }

  set_endpoint (settings, server->url, server->database, server->user);

  return TRUE;
}

static void
tear_down_server (Server *server)
{
  keyring_clear (server->url, server->user);
  server_clear (server);
}

static gint64
count_objects (GodwitWindow *window)
{
  GPtrArray *entities = godwit_store_get_entities (godwit_document_get_store (godwit_window_get_document (window)));
  gint64 n = 0;

  /* Each object once: root entities count their sub-entities'. */
  for (guint i = 0; i < entities->len; i++)
    {
      const GodwitStoreEntity *entity = g_ptr_array_index (entities, i);

      if (entity->parent_name == NULL)
        n += godwit_document_get_object_count (godwit_window_get_document (window), entity->name);
    }

  return n;
}

/* Sync Now pushes the demo store: every object is a document on the
 * server, and the result says how many. A change on the server is then
 * pulled, and the window reads the store again. */
static void
test_push (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GSettings) settings = reset_sync_settings ();
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(GodwitDocument) before = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *rows = NULL;
  const GodwitSyncReplication *push;
  GodwitWindow *window;
  GodwitSyncPage *page;
  JsonObject *document;
  JsonObject *basil;
  Server server;
  gint64 n_objects;

  if (!set_up_server (&server, settings))
    return;

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  n_objects = count_objects (window);
  g_assert_cmpint (n_objects, >, 50);
  page = show_sync_page (window);
  g_assert_cmpstr (godwit_sync_page_get_view (page), ==, "sync");
  sync_now (window, page);

  g_assert_null (godwit_sync_page_get_error (page));
  g_assert_nonnull (godwit_sync_page_get_last_sync (page));
  push = godwit_sync_get_push (godwit_sync_page_get_last_sync (page));
  g_assert_cmpint (push->docs_written, ==, n_objects);

  documents = server_all_documents (&server);
  g_assert_cmpuint (documents->len, ==, n_objects);
  basil = find_document (documents, "Plant", "commonName", "Basil");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (basil, "_id"), "Plant:"));

  expected = g_strdup_printf ("%" G_GINT64_FORMAT " inserted, 0 updated, 0 deleted", n_objects);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Local changes found"), ==, expected);
  g_free (expected);
  expected = g_strdup_printf ("%" G_GINT64_FORMAT " documents read, %" G_GINT64_FORMAT " written, 0 refused",
                              n_objects, n_objects);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Pushed to the server"), ==, expected);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Store changes applied"), ==, "0 inserted, 0 updated, 0 deleted");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Conflicts"), ==, "None");
  g_assert_true (shows_text (GTK_WIDGET (page), "Finished "));
  godwit_gui_test_screenshots (GTK_WIDGET (window), "gui-sync-result");

  /* Another peer renames the thyme: the next sync pulls it into the store,
   * and the window reads the store again. */
  document = find_document (documents, "Plant", "commonName", "Thyme");
  json_object_set_string_member (attributes_of (document), "commonName", "Thyme (server)");
  server_put_document (&server, document);
  before = g_object_ref (godwit_window_get_document (window));
  sync_now (window, page);
  g_assert_null (godwit_sync_page_get_error (page));
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Local changes found"), ==, "0 inserted, 0 updated, 0 deleted");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Pulled from the server"), ==,
                   "1 documents read, 1 written, 0 refused");
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Store changes applied"), ==, "0 inserted, 1 updated, 0 deleted");
  rows = godwit_test_query_file (fixture->store,
                                 "SELECT ZCOMMONNAME FROM ZPLANT WHERE ZCOMMONNAME LIKE 'Thyme%'");
  g_assert_cmpstr (rows, ==, "Thyme (server)");
  g_assert_true (godwit_window_get_document (window) != before);
  g_assert_true (godwit_store_view_get_document (godwit_window_get_store_view (window)) ==
                 godwit_window_get_document (window));
  /* The page kept its result through the reload. */
  g_assert_nonnull (godwit_sync_page_get_last_sync (page));
  g_assert_cmpstr (godwit_store_view_get_visible_page (godwit_window_get_store_view (window)), ==, "sync");

  godwit_gui_test_close (window);
  tear_down_server (&server);
}

static guint
server_leaf (const GodwitSyncConflict *conflict)
{
  g_assert_cmpuint (conflict->revisions->len, ==, 2);
  g_assert_cmpint (conflict->store_leaf, >=, 0);

  return conflict->store_leaf == 0 ? 1 : 0;
}

static const GodwitSyncConflict *
find_conflict (GodwitSyncPage *page,
               const char     *document)
{
  GPtrArray *conflicts = godwit_sync_get_conflicts (godwit_sync_page_get_last_sync (page));

  for (guint i = 0; i < conflicts->len; i++)
    {
      const GodwitSyncConflict *conflict = g_ptr_array_index (conflicts, i);

      if (g_strcmp0 (conflict->document, document) == 0)
        return conflict;
    }

  g_error ("no conflict of %s", document);
}

/* Basil and Rosemary changed both in the store and on the server, with the
 * manual policy: both show side by side. Basil resolves with the server's
 * name and the store's notes, Rosemary with the server's whole. */
static void
test_conflict (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GSettings) settings = reset_sync_settings ();
  g_autoptr(GPtrArray) documents = NULL;
  g_autoptr(JsonObject) basil_after = NULL;
  g_autoptr(JsonObject) rosemary_after = NULL;
  g_autofree char *basil_id = NULL;
  g_autofree char *rosemary_id = NULL;
  g_autofree char *rows = NULL;
  const GodwitSyncConflict *basil;
  const GodwitSyncConflict *rosemary;
  GtkWidget *store_name;
  GtkWidget *server_name;
  GodwitWindow *window;
  GodwitSyncPage *page;
  JsonObject *document;
  Server server;

  if (!set_up_server (&server, settings))
    return;
  g_settings_set_string (settings, "policy", "manual");

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_sync_page (window);
  sync_now (window, page);
  g_assert_null (godwit_sync_page_get_error (page));

  documents = server_all_documents (&server);
  document = find_document (documents, "Plant", "commonName", "Basil");
  basil_id = g_strdup (json_object_get_string_member (document, "_id"));
  json_object_set_string_member (attributes_of (document), "commonName", "Basil (server)");
  server_put_document (&server, document);
  document = find_document (documents, "Plant", "commonName", "Rosemary");
  rosemary_id = g_strdup (json_object_get_string_member (document, "_id"));
  json_object_set_string_member (attributes_of (document), "commonName", "Rosemary (server)");
  json_object_set_string_member (attributes_of (document), "species", "Rosmarinus officinalis");
  server_put_document (&server, document);

  godwit_test_execute_sql (fixture->store, "UPDATE ZPLANT SET ZCOMMONNAME = 'Basil (store)', "
                                           "ZNOTES = 'Pinch the flowers', "
                                           "Z_OPT = Z_OPT + 1 WHERE ZCOMMONNAME = 'Basil'", NULL);
  godwit_test_execute_sql (fixture->store, "UPDATE ZPLANT SET ZCOMMONNAME = 'Rosemary (store)', "
                                           "Z_OPT = Z_OPT + 1 WHERE ZCOMMONNAME = 'Rosemary'", NULL);

  sync_now (window, page);
  g_assert_null (godwit_sync_page_get_error (page));
  g_assert_cmpuint (godwit_sync_get_conflicts (godwit_sync_page_get_last_sync (page))->len, ==, 2);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Conflicts"), ==,
                   "2 met, 0 resolved (policy: Manual); 2 left to resolve");
  basil = find_conflict (page, basil_id);
  rosemary = find_conflict (page, rosemary_id);
  g_assert_false (basil->resolved);
  g_assert_cmpstr (basil->entity, ==, "Plant");

  /* Side by side: the entity, the id, both columns and every value that
   * differs, the store's chosen at first. */
  g_assert_true (shows_text (GTK_WIDGET (page), basil_id));
  g_assert_true (shows_text (GTK_WIDGET (page), "This Store"));
  g_assert_true (shows_text (GTK_WIDGET (page), "Server"));
  store_name = find_choice (GTK_WIDGET (page), "commonName", "This Store", "\"Basil (store)\"");
  server_name = find_choice (GTK_WIDGET (page), "commonName", "Server", "\"Basil (server)\"");
  g_assert_true (shows_text (store_name, "\"Basil (store)\""));
  g_assert_true (shows_text (server_name, "\"Basil (server)\""));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (store_name)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (server_name)));
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (find_choice (GTK_WIDGET (page), "notes",
                                                                               "This Store",
                                                                               "\"Pinch the flowers\""))));
  find_choice (GTK_WIDGET (page), "notes", "Server", "\"Seed saved in the blue tin.\"");
  find_choice (GTK_WIDGET (page), "species", "Server", "\"Rosmarinus officinalis\"");
  find_choice (GTK_WIDGET (page), "species", "This Store", "\"Salvia rosmarinus\"");
  scroll_to (find_row (GTK_WIDGET (page), "Conflicts"));
  godwit_gui_test_screenshots (GTK_WIDGET (window), "gui-sync-conflicts");

  /* The server's name, the store's notes. */
  click (server_name);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (server_name)));
  g_assert_false (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (store_name)));
  click (find_actionable (GTK_WIDGET (page), "sync.resolve", g_variant_new_string (basil_id)));
  godwit_gui_test_wait_until (page_is_idle, page, "the conflict to be resolved");
  godwit_gui_test_wait_idle (window);
  g_assert_null (godwit_sync_page_get_error (page));
  basil = find_conflict (page, basil_id);
  g_assert_true (basil->resolved);

  rows = godwit_test_query_file (fixture->store,
                                 "SELECT ZCOMMONNAME, ZNOTES FROM ZPLANT WHERE ZCOMMONNAME LIKE 'Basil%'");
  g_assert_cmpstr (rows, ==, "Basil (server)|Pinch the flowers");
  g_clear_pointer (&rows, g_free);
  basil_after = server_get_document (&server, basil_id);
  g_assert_false (json_object_has_member (basil_after, "_conflicts"));
  g_assert_cmpstr (json_object_get_string_member (attributes_of (basil_after), "commonName"), ==, "Basil (server)");
  g_assert_cmpstr (json_object_get_string_member (attributes_of (basil_after), "notes"), ==, "Pinch the flowers");

  /* The server's whole. */
  rosemary = find_conflict (page, rosemary_id);
  click (find_actionable (GTK_WIDGET (page), "sync.keep",
                                        g_variant_new ("(su)", rosemary_id, server_leaf (rosemary))));
  godwit_gui_test_wait_until (page_is_idle, page, "the conflict to be resolved");
  godwit_gui_test_wait_idle (window);
  g_assert_null (godwit_sync_page_get_error (page));
  g_assert_true (find_conflict (page, rosemary_id)->resolved);
  g_assert_cmpstr (row_subtitle (GTK_WIDGET (page), "Conflicts"), ==,
                   "2 met, 2 resolved (policy: Manual); 0 left to resolve");

  rows = godwit_test_query_file (fixture->store,
                                 "SELECT ZCOMMONNAME, ZSPECIES FROM ZPLANT WHERE ZCOMMONNAME LIKE 'Rosemary%'");
  g_assert_cmpstr (rows, ==, "Rosemary (server)|Rosmarinus officinalis");
  rosemary_after = server_get_document (&server, rosemary_id);
  g_assert_false (json_object_has_member (rosemary_after, "_conflicts"));
  g_assert_cmpstr (json_object_get_string_member (attributes_of (rosemary_after), "commonName"), ==,
                   "Rosemary (server)");

  godwit_gui_test_close (window);
  tear_down_server (&server);
}

/* The server refuses the password: the banner says so and offers
 * Preferences, which its button opens. */
static void
test_wrong_password (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GSettings) settings = reset_sync_settings ();
  GodwitPreferencesWindow *preferences;
  GodwitWindow *window;
  GodwitSyncPage *page;
  GtkWidget *button;
  Server server;

  if (!set_up_server (&server, settings))
    return;
  g_assert_true (keyring_store (server.url, server.user, "not the password"));

  window = godwit_gui_test_open (fixture->store, fixture->bundle);
  page = show_sync_page (window);
  sync_now (window, page);

  g_assert_error (godwit_sync_page_get_error (page), GODWIT_ERROR, GODWIT_ERROR_AUTHENTICATION);
  g_assert_null (godwit_sync_page_get_last_sync (page));
  g_assert_true (shows_text (GTK_WIDGET (page), "Wrong User Name or Password"));
  g_assert_true (shows_text (GTK_WIDGET (page), "refuses the credentials"));
  godwit_gui_test_save_window (GTK_WIDGET (window));

  button = find_actionable (GTK_WIDGET (page), "app.preferences", NULL);
  g_assert_true (gtk_widget_is_drawable (button));
  click (button);
  preferences = wait_preferences ();
  close_preferences (preferences);

  godwit_gui_test_close (window);
  tear_down_server (&server);
}

/* ---- the command line ---------------------------------------------------- */

typedef struct
{
  GodwitApplication *application;
  const char        *endpoint;
  const char        *database;
  const char        *user;
  const char        *password;
  gint64             n_pushed;   /* synced with the endpoint when >= 0 */
  gboolean           checked;
} CommandLineRun;

/* The session's endpoint, in settings of its own, with the password read
 * from standard input; the saved settings untouched. */
static gboolean
check_session (gpointer data)
{
  CommandLineRun *run = data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (run->application));
  GodwitWindow *window = windows != NULL && GODWIT_IS_WINDOW (windows->data) ? windows->data : NULL;
  g_autoptr(GSettings) saved = g_settings_new ("io.github.godwit.Godwit.Sync");
  g_autofree char *password = NULL;
  g_autofree char *endpoint = NULL;
  g_autofree char *database = NULL;
  g_autofree char *user = NULL;
  GodwitPreferencesWindow *preferences;
  GodwitSyncPage *page;
  GSettings *settings;

  if (window == NULL || godwit_window_get_busy (window))
    return G_SOURCE_CONTINUE;
  g_object_get (run->application, "sync-session-password", &password, NULL);
  if (password == NULL)
    return G_SOURCE_CONTINUE;
  g_assert_cmpstr (password, ==, run->password);

  page = show_sync_page (window);
  settings = godwit_sync_page_get_settings (page);
  g_assert_true (settings != saved);
  endpoint = g_settings_get_string (settings, "endpoint");
  database = g_settings_get_string (settings, "database");
  user = g_settings_get_string (settings, "user");
  g_assert_cmpstr (endpoint, ==, run->endpoint);
  g_assert_cmpstr (database, ==, run->database);
  g_assert_cmpstr (user, ==, run->user);
  g_assert_cmpstr (godwit_sync_page_get_view (page), ==, "sync");
  g_clear_pointer (&endpoint, g_free);
  endpoint = g_settings_get_string (saved, "endpoint");
  g_assert_cmpstr (endpoint, ==, "");

  g_action_group_activate_action (G_ACTION_GROUP (run->application), "preferences", NULL);
  preferences = wait_preferences ();
  g_assert_true (godwit_preferences_window_get_sync_settings (preferences) == settings);
  g_assert_true (shows_text (GTK_WIDGET (preferences), "For this session only"));
  close_preferences (preferences);

  /* Another user: the password read is not theirs. */
  g_settings_set_string (settings, "user", "someone-else");
  g_clear_pointer (&password, g_free);
  g_object_get (run->application, "sync-session-password", &password, NULL);
  g_assert_null (password);
  g_settings_set_string (settings, "user", run->user);

  if (run->n_pushed >= 0)
    {
      sync_now (window, page);
      g_assert_null (godwit_sync_page_get_error (page));
      run->n_pushed = godwit_sync_get_push (godwit_sync_page_get_last_sync (page))->docs_written;
    }

  godwit_gui_test_save_window (GTK_WIDGET (window));
  run->checked = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (run->application), "quit", NULL);

  return G_SOURCE_REMOVE;
}

static GodwitApplication *
new_command_line_application (void)
{
  return godwit_application_new ("io.github.godwit.Godwit.SyncCommandLineTest",
                                 G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN |
                                 G_APPLICATION_HANDLES_COMMAND_LINE);
}

/* `godwit STORE --model BUNDLE --sync-endpoint URL --sync-database DB
 * --sync-user NAME --sync-password-stdin`, the password on a pipe. */
static void
run_command_line (Fixture        *fixture,
                  CommandLineRun *run)
{
  g_autoptr(GodwitApplication) application = new_command_line_application ();
  g_autofree char *line = g_strconcat (run->password, "\n", NULL);
  const char *argv[] = {
    "godwit", fixture->store, "--model", fixture->bundle, "--sync-endpoint", run->endpoint,
    "--sync-database", run->database, "--sync-user", run->user, "--sync-password-stdin", NULL
  };
  g_autoptr(GError) error = NULL;
  int saved_stdin = dup (STDIN_FILENO);
  int fds[2];
  int status;

  g_assert_cmpint (saved_stdin, >=, 0);
  g_assert_true (g_unix_open_pipe (fds, FD_CLOEXEC, &error));
  g_assert_no_error (error);
  g_assert_cmpint (write (fds[1], line, strlen (line)), ==, (gssize) strlen (line));
  g_assert_cmpint (close (fds[1]), ==, 0);
  g_assert_cmpint (dup2 (fds[0], STDIN_FILENO), ==, STDIN_FILENO);
  g_assert_cmpint (close (fds[0]), ==, 0);

  run->application = application;
  g_timeout_add (20, check_session, run);
  status = g_application_run (G_APPLICATION (application), G_N_ELEMENTS (argv) - 1, (char **) argv);

  g_assert_cmpint (dup2 (saved_stdin, STDIN_FILENO), ==, STDIN_FILENO);
  g_assert_cmpint (close (saved_stdin), ==, 0);
  g_assert_cmpint (status, ==, 0);
  g_assert_true (run->checked);
}

/* The session's endpoint, without a server; and the options' misuse. */
static void
test_command_line (Fixture       *fixture,
                   gconstpointer  data)
{
  static const char * const misuses[][5] = {
    { "godwit", "--sync-database", "garden", NULL },
    { "godwit", "--sync-endpoint", "http://127.0.0.1:9", NULL },
    { "godwit", "--sync-endpoint", "http://127.0.0.1:9", "--sync-database", "garden" },
  };
  CommandLineRun run = { NULL, "http://127.0.0.1:9", "garden", "ann", "pässword", -1, FALSE };

  for (guint i = 0; i < G_N_ELEMENTS (misuses); i++)
    {
      g_autoptr(GodwitApplication) application = new_command_line_application ();
      const char *argv[7] = { NULL };
      guint argc = 0;

      while (argc < G_N_ELEMENTS (misuses[i]) && misuses[i][argc] != NULL)
        {
          argv[argc] = misuses[i][argc];
          argc++;
        }
      /* The last: a password without a user. */
      if (i == 2)
        argv[argc++] = "--sync-password-stdin";
      g_assert_cmpint (g_application_run (G_APPLICATION (application), argc, (char **) argv), ==, 2);
    }

  reset_sync_settings ();
  run_command_line (fixture, &run);
}

/* build-aux/godwit-dev run's session: the app syncs with the server given
 * on its command line, the password from standard input, no keyring. */
static void
test_command_line_sync (Fixture       *fixture,
                        gconstpointer  data)
{
  Server server;
  CommandLineRun run = { NULL };

  if (!server_init (&server))
    return;

  reset_sync_settings ();
  run.endpoint = server.url;
  run.database = server.database;
  run.user = server.user;
  run.password = server.password;
  run.n_pushed = 0;
  run_command_line (fixture, &run);
  g_assert_cmpint (run.n_pushed, >, 50);

  server_clear (&server);
}

int
main (int   argc,
      char *argv[])
{
  godwit_gui_test_init (&argc, &argv);

  godwit_gui_test_add_on_demo ("/gui/sync/no-endpoint", test_no_endpoint);
  godwit_gui_test_add_on_demo ("/gui/sync/no-bundle", test_no_bundle);
  godwit_gui_test_add_on_demo ("/gui/sync/preferences", test_preferences);
  godwit_gui_test_add_on_demo ("/gui/sync/preferences-password", test_preferences_password);
  godwit_gui_test_add_on_demo ("/gui/sync/unreachable", test_unreachable);
  godwit_gui_test_add_on_demo ("/gui/sync/push", test_push);
  godwit_gui_test_add_on_demo ("/gui/sync/conflict", test_conflict);
  godwit_gui_test_add_on_demo ("/gui/sync/wrong-password", test_wrong_password);
  godwit_gui_test_add_on_demo ("/gui/sync/command-line", test_command_line);
  godwit_gui_test_add_on_demo ("/gui/sync/command-line-sync", test_command_line_sync);

  return g_test_run ();
}
