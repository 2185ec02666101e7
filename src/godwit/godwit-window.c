/* godwit-window.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A window shows one store: a welcome page with the recent stores until
 * one is open, a spinner while it is read, then the store view. A store
 * file dropped on the window opens in it; a model bundle dropped on it
 * becomes the store's model. While the objects browser shows, the header
 * bar has its back and forward buttons and its search button.
 */

#define G_LOG_DOMAIN "godwit-window"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "godwit-window.h"

#define SETTINGS_SCHEMA "io.github.godwit.Godwit"
#define MAX_RECENT_STORES 10

struct _GodwitWindow
{
  AdwApplicationWindow  parent_instance;

  /* Template Widgets */
  AdwWindowTitle       *window_title;
  GtkWidget            *back_button;
  GtkWidget            *history_buttons;
  GtkWidget            *find_button;
  GtkSpinner           *spinner;
  AdwToastOverlay      *toast_overlay;
  GtkStack             *stack;
  GtkWidget            *recent_group;
  GtkListBox           *recent_list;
  GtkSpinner           *loading_spinner;
  GtkLabel             *loading_label;
  GodwitStoreView      *store_view;

  /* Owned References */
  GSettings            *settings;
  GCancellable         *cancellable;   /* (nullable) while a store is read */
  GFile                *opening_file;  /* (nullable) the store being read */
  GtkNativeDialog      *chooser;       /* (nullable) */
  guint                 update_source; /* updating the actions after a layout */
};

G_DEFINE_FINAL_TYPE (GodwitWindow, godwit_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_DOCUMENT,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (GodwitWindow *self)
{
  gboolean ready = godwit_window_get_document (self) != NULL && self->cancellable == NULL;
  GodwitObjectsPage *objects_page = godwit_store_view_get_objects_page (self->store_view);
  gboolean browsing = gtk_widget_get_mapped (GTK_WIDGET (objects_page));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.reload", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.choose-model", ready);

  /* Only while the objects browser shows: elsewhere the keys do what
   * they do there. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.find", browsing);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.go-back",
                                 browsing && godwit_objects_page_get_can_go_back (objects_page));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.go-forward",
                                 browsing && godwit_objects_page_get_can_go_forward (objects_page));
  gtk_widget_set_visible (self->history_buttons, browsing);
  gtk_widget_set_visible (self->find_button, browsing);
}

static gboolean
update_actions_idle (gpointer user_data)
{
  GodwitWindow *self = user_data;

  self->update_source = 0;
  update_actions (self);

  return G_SOURCE_REMOVE;
}

/* The objects page is mapped and unmapped while the window is laid out:
 * the header bar's buttons change after that. */
static void
queue_update_actions (GodwitWindow *self)
{
  if (self->update_source == 0)
    self->update_source = g_idle_add (update_actions_idle, self);
}

static void
set_busy (GodwitWindow *self,
          GCancellable *cancellable)
{
  g_clear_object (&self->cancellable);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  gtk_spinner_set_spinning (self->spinner, cancellable != NULL);
  gtk_spinner_set_spinning (self->loading_spinner, cancellable != NULL);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Core errors name the file already; any other gets the path in front. */
static char *
dup_error_text (const GError *error,
                GFile        *file)
{
  g_autofree char *name = g_file_get_parse_name (file);

  if (strstr (error->message, name) != NULL)
    return g_strdup (error->message);

  return g_strdup_printf ("%s: %s", name, error->message);
}

static void
show_error (GodwitWindow *self,
            const char   *heading,
            const char   *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);

  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (dialog), body);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
remember_store (GodwitWindow   *self,
                GodwitDocument *document)
{
  g_autoptr(GVariant) recent = g_settings_get_value (self->settings, "recent-stores");
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a(ss)"));
  const char *store_path = g_file_peek_path (godwit_document_get_file (document));
  GFile *bundle_file = godwit_document_get_chosen_bundle_file (document);
  const char *bundle_path = bundle_file != NULL ? g_file_peek_path (bundle_file) : NULL;
  GVariantIter iter;
  const char *path;
  const char *bundle;
  guint n = 1;

  g_variant_builder_add (&builder, "(ss)", store_path, bundle_path != NULL ? bundle_path : "");

  g_variant_iter_init (&iter, recent);
  while (n < MAX_RECENT_STORES && g_variant_iter_next (&iter, "(&s&s)", &path, &bundle))
    {
      if (g_strcmp0 (path, store_path) == 0)
        continue;

      g_variant_builder_add (&builder, "(ss)", path, bundle);
      n++;
    }

  g_settings_set_value (self->settings, "recent-stores", g_variant_builder_end (&builder));
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GodwitWindow) self = user_data;
  g_autoptr(GodwitDocument) document = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_object_ref (g_task_get_cancellable (G_TASK (result)));
  g_autofree char *name = NULL;
  g_autofree char *subtitle = NULL;
  GodwitDocument *shown;
  gboolean reloaded;

  document = godwit_document_load_finish (result, &error);

  /* Superseded by a later godwit_window_open(), or the window closed. */
  if (cancellable != self->cancellable || g_cancellable_is_cancelled (cancellable))
    return;

  set_busy (self, NULL);

  if (document == NULL)
    {
      g_autofree char *body = dup_error_text (error, self->opening_file);

      gtk_stack_set_visible_child_name (self->stack,
                                        godwit_window_get_document (self) != NULL ? "store" : "welcome");
      show_error (self, _("Could Not Open Store"), body);
      return;
    }

  shown = godwit_window_get_document (self);
  reloaded = shown != NULL && g_file_equal (godwit_document_get_file (shown), godwit_document_get_file (document));

  godwit_store_view_set_document (self->store_view, document);
  gtk_stack_set_visible_child_name (self->stack, "store");
  if (reloaded)
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (_("Store read again")));

  name = g_file_get_basename (godwit_document_get_file (document));
  subtitle = godwit_document_dup_model_summary (document);
  gtk_window_set_title (GTK_WINDOW (self), name);
  adw_window_title_set_title (self->window_title, name);
  adw_window_title_set_subtitle (self->window_title, subtitle);

  remember_store (self, document);
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DOCUMENT]);
}

static void
recent_row_activated_cb (GodwitWindow  *self,
                         GtkListBoxRow *row,
                         GtkListBox    *list)
{
  const char *store_path = g_object_get_data (G_OBJECT (row), "godwit-store-path");
  const char *bundle_path = g_object_get_data (G_OBJECT (row), "godwit-bundle-path");
  g_autoptr(GFile) store_file = g_file_new_for_path (store_path);
  g_autoptr(GFile) bundle_file = bundle_path != NULL ? g_file_new_for_path (bundle_path) : NULL;

  godwit_window_open (self, store_file, bundle_file);
}

static GtkWidget *
recent_row_new (const char *store_path,
                const char *bundle_path)
{
  g_autofree char *name = g_path_get_basename (store_path);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  if (bundle_path != NULL)
    {
      g_autofree char *bundle_name = g_path_get_basename (bundle_path);

      /* Translators: a store's folder, then the model bundle chosen for it */
      subtitle = g_strdup_printf (_("%s, with %s"), store_path, bundle_name);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL ? subtitle : store_path);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  g_object_set_data_full (G_OBJECT (row), "godwit-store-path", g_strdup (store_path), g_free);
  g_object_set_data_full (G_OBJECT (row), "godwit-bundle-path", g_strdup (bundle_path), g_free);

  return row;
}

/* Stores that no longer exist are left out. */
static void
update_recent_stores (GodwitWindow *self)
{
  g_autoptr(GVariant) recent = g_settings_get_value (self->settings, "recent-stores");
  GVariantIter iter;
  const char *path;
  const char *bundle;
  GtkWidget *child;
  gboolean any = FALSE;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->recent_list))) != NULL)
    gtk_list_box_remove (self->recent_list, child);

  g_variant_iter_init (&iter, recent);
  while (g_variant_iter_next (&iter, "(&s&s)", &path, &bundle))
    {
      if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;

      gtk_list_box_append (self->recent_list, recent_row_new (path, *bundle != '\0' ? bundle : NULL));
      any = TRUE;
    }

  gtk_widget_set_visible (self->recent_group, any);
}

static gboolean
is_bundle_path (GFile *file)
{
  g_autofree char *name = g_file_get_basename (file);

  return name != NULL &&
         (g_str_has_suffix (name, ".xcdatamodeld") || g_str_has_suffix (name, ".xcdatamodel") ||
          g_str_has_suffix (name, ".momd") || g_str_has_suffix (name, ".mom"));
}

/* A dropped store opens here, further ones in windows of their own; a
 * dropped bundle is the open store's model. */
static gboolean
drop_cb (GodwitWindow  *self,
         const GValue  *value,
         double         x,
         double         y,
         GtkDropTarget *target)
{
  GodwitApplication *application = GODWIT_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autoptr(GSList) files = NULL;
  GodwitDocument *document = godwit_window_get_document (self);

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    files = gdk_file_list_get_files (g_value_get_boxed (value));
  else if (G_VALUE_HOLDS (value, G_TYPE_FILE))
    files = g_slist_prepend (NULL, g_value_get_object (value));

  if (files == NULL)
    return FALSE;

  if (document != NULL && files->next == NULL && is_bundle_path (files->data))
    {
      godwit_window_open (self, godwit_document_get_file (document), files->data);
      return TRUE;
    }

  godwit_window_open (self, files->data, NULL);
  for (GSList *l = files->next; l != NULL && application != NULL; l = l->next)
    godwit_application_open_store (application, l->data, NULL);

  return TRUE;
}

static void
choose_model_response_cb (GodwitWindow         *self,
                          int                   response,
                          GtkFileChooserNative *chooser)
{
  GodwitDocument *document = godwit_window_get_document (self);

  if (response == GTK_RESPONSE_ACCEPT && document != NULL)
    {
      g_autoptr(GFile) bundle_file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));

      godwit_window_open (self, godwit_document_get_file (document), bundle_file);
    }

  gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (chooser));
  g_clear_object (&self->chooser);
}

/* Bundles (.xcdatamodeld, .momd) are folders. */
static void
choose_model_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GodwitWindow *self = GODWIT_WINDOW (widget);
  GodwitDocument *document = godwit_window_get_document (self);
  g_autoptr(GFile) folder = NULL;
  GtkFileChooserNative *chooser;

  if (document == NULL || self->chooser != NULL)
    return;

  chooser = gtk_file_chooser_native_new (_("Choose Model Bundle"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Choose"), _("_Cancel"));
  folder = g_file_get_parent (godwit_document_get_file (document));
  if (folder != NULL)
    gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), folder, NULL);

  self->chooser = GTK_NATIVE_DIALOG (chooser);
  g_signal_connect_object (chooser, "response", G_CALLBACK (choose_model_response_cb), self, G_CONNECT_SWAPPED);
  gtk_native_dialog_show (self->chooser);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GodwitWindow *self = GODWIT_WINDOW (widget);
  GodwitDocument *document = godwit_window_get_document (self);

  if (document != NULL)
    godwit_window_open (self, godwit_document_get_file (document),
                        godwit_document_get_chosen_bundle_file (document));
}

static void
find_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  GodwitWindow *self = GODWIT_WINDOW (widget);

  godwit_objects_page_find (godwit_store_view_get_objects_page (self->store_view));
}

static void
go_back_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  GodwitWindow *self = GODWIT_WINDOW (widget);

  godwit_objects_page_go_back (godwit_store_view_get_objects_page (self->store_view));
}

static void
go_forward_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  GodwitWindow *self = GODWIT_WINDOW (widget);

  godwit_objects_page_go_forward (godwit_store_view_get_objects_page (self->store_view));
}

static void
back_clicked_cb (GodwitWindow *self)
{
  godwit_store_view_go_back (self->store_view);
}

static void
can_go_back_cb (GodwitWindow    *self,
                GParamSpec      *pspec,
                GodwitStoreView *store_view)
{
  gtk_widget_set_visible (self->back_button, godwit_store_view_get_can_go_back (store_view));
}

static gboolean
godwit_window_close_request (GtkWindow *window)
{
  GodwitWindow *self = GODWIT_WINDOW (window);
  int width;
  int height;

  gtk_window_get_default_size (window, &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized", gtk_window_is_maximized (window));
  if (!gtk_window_is_maximized (window))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  return GTK_WINDOW_CLASS (godwit_window_parent_class)->close_request (window);
}

static void
godwit_window_dispose (GObject *object)
{
  GodwitWindow *self = (GodwitWindow *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->update_source, g_source_remove);
  if (self->chooser != NULL)
    gtk_native_dialog_destroy (self->chooser);
  g_clear_object (&self->chooser);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_WINDOW);

  G_OBJECT_CLASS (godwit_window_parent_class)->dispose (object);
}

static void
godwit_window_finalize (GObject *object)
{
  GodwitWindow *self = (GodwitWindow *)object;

  g_clear_object (&self->settings);
  g_clear_object (&self->opening_file);

  G_OBJECT_CLASS (godwit_window_parent_class)->finalize (object);
}

static void
godwit_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  GodwitWindow *self = GODWIT_WINDOW (object);

  switch (prop_id)
    {
    case PROP_DOCUMENT:
      g_value_set_object (value, godwit_window_get_document (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, godwit_window_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_window_class_init (GodwitWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = godwit_window_dispose;
  object_class->finalize = godwit_window_finalize;
  object_class->get_property = godwit_window_get_property;

  window_class->close_request = godwit_window_close_request;

  properties[PROP_DOCUMENT] =
    g_param_spec_object ("document", NULL, NULL, GODWIT_TYPE_DOCUMENT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* TRUE while a store is being read. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-window.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, back_button);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, history_buttons);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, find_button);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, spinner);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, recent_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, recent_list);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, loading_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitWindow, store_view);
  gtk_widget_class_bind_template_callback (widget_class, recent_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, can_go_back_cb);

  gtk_widget_class_install_action (widget_class, "win.choose-model", NULL, choose_model_action);
  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.find", NULL, find_action);
  gtk_widget_class_install_action (widget_class, "win.go-back", NULL, go_back_action);
  gtk_widget_class_install_action (widget_class, "win.go-forward", NULL, go_forward_action);

  g_type_ensure (GODWIT_TYPE_STORE_VIEW);
}

/* Before any widget: Alt+Left in a folded leaflet walks the objects'
 * history, not back to the sidebar, while there is history. A disabled
 * action lets the key go on. */
static void
add_browser_shortcuts (GodwitWindow *self)
{
  static const struct {
    guint            keyval;
    GdkModifierType  modifiers;
    const char      *action;
  } shortcuts[] = {
    { GDK_KEY_f, GDK_CONTROL_MASK, "win.find" },
    { GDK_KEY_Left, GDK_ALT_MASK, "win.go-back" },
    { GDK_KEY_Right, GDK_ALT_MASK, "win.go-forward" },
  };
  GtkEventController *controller = gtk_shortcut_controller_new ();

  gtk_event_controller_set_propagation_phase (controller, GTK_PHASE_CAPTURE);
  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (controller),
                                          gtk_shortcut_new (gtk_keyval_trigger_new (shortcuts[i].keyval,
                                                                                    shortcuts[i].modifiers),
                                                            gtk_named_action_new (shortcuts[i].action)));
  gtk_widget_add_controller (GTK_WIDGET (self), controller);
}

static void
godwit_window_init (GodwitWindow *self)
{
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_FILE };
  GodwitObjectsPage *objects_page;
  GtkDropTarget *drop_target;

  gtk_widget_init_template (GTK_WIDGET (self));

  objects_page = godwit_store_view_get_objects_page (self->store_view);
  g_signal_connect_object (objects_page, "map", G_CALLBACK (queue_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (objects_page, "unmap", G_CALLBACK (queue_update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (objects_page, "notify::can-go-back", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (objects_page, "notify::can-go-forward", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  add_browser_shortcuts (self);

#if DEVELOPMENT_BUILD
  gtk_widget_add_css_class (GTK_WIDGET (self), "devel");
#endif

  self->settings = g_settings_new (SETTINGS_SCHEMA);
  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));

  g_signal_connect_object (self->settings, "changed::recent-stores",
                           G_CALLBACK (update_recent_stores), self, G_CONNECT_SWAPPED);
  update_recent_stores (self);

  drop_target = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop_target, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect_object (drop_target, "drop", G_CALLBACK (drop_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop_target));

  update_actions (self);
}

GodwitWindow *
godwit_window_new (GodwitApplication *application)
{
  g_return_val_if_fail (GODWIT_IS_APPLICATION (application), NULL);

  return g_object_new (GODWIT_TYPE_WINDOW, "application", application, NULL);
}

/**
 * godwit_window_open:
 * @store_file: the store to show
 * @bundle_file: (nullable): the model bundle to read it with; without one,
 *   the bundle beside the store, else the store's cached model
 *
 * Reads the store in a worker thread; what the window showed stays until
 * the store is read, and stays on failure, with an error dialog.
 */
void
godwit_window_open (GodwitWindow *self,
                    GFile        *store_file,
                    GFile        *bundle_file)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (GODWIT_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (store_file));
  g_return_if_fail (bundle_file == NULL || G_IS_FILE (bundle_file));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);

  g_set_object (&self->opening_file, store_file);
  set_busy (self, cancellable);

  if (godwit_window_get_document (self) == NULL)
    {
      name = g_file_get_basename (store_file);
      text = g_strdup_printf (_("Reading %s…"), name);
      gtk_label_set_label (self->loading_label, text);
      gtk_stack_set_visible_child_name (self->stack, "loading");
    }

  godwit_document_load_async (store_file, bundle_file, cancellable, load_cb, g_object_ref (self));
}

/**
 * godwit_window_get_document:
 *
 * Returns: (nullable) (transfer none): the store shown
 */
GodwitDocument *
godwit_window_get_document (GodwitWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_WINDOW (self), NULL);

  return godwit_store_view_get_document (self->store_view);
}

gboolean
godwit_window_get_busy (GodwitWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_WINDOW (self), FALSE);

  return self->cancellable != NULL;
}

GodwitStoreView *
godwit_window_get_store_view (GodwitWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_WINDOW (self), NULL);

  return self->store_view;
}

/* The header bar's subtitle: which model the objects are read with. */
const char *
godwit_window_get_subtitle (GodwitWindow *self)
{
  g_return_val_if_fail (GODWIT_IS_WINDOW (self), NULL);

  return adw_window_title_get_subtitle (self->window_title);
}

/**
 * godwit_window_add_page_toast:
 * @page: a page inside the window
 * @toast: (transfer full): the toast to show
 * @shown: where the page keeps the toast it shows, cleared when the toast
 *   goes
 *
 * Shows @toast in the toast overlay of the window holding @page; a page
 * outside a window drops it. The pages keep their last toast so that
 * their tests can read what they said.
 */
void
godwit_window_add_page_toast (GtkWidget  *page,
                              AdwToast   *toast,
                              AdwToast  **shown)
{
  GtkWidget *overlay;

  g_return_if_fail (GTK_IS_WIDGET (page));
  g_return_if_fail (ADW_IS_TOAST (toast));
  g_return_if_fail (shown != NULL);

  overlay = gtk_widget_get_ancestor (page, ADW_TYPE_TOAST_OVERLAY);
  if (*shown != NULL)
    g_object_remove_weak_pointer (G_OBJECT (*shown), (gpointer *) shown);
  *shown = toast;
  g_object_add_weak_pointer (G_OBJECT (toast), (gpointer *) shown);

  if (overlay != NULL)
    adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
  else
    g_object_unref (toast);
}
