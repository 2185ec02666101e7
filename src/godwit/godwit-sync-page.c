/* godwit-sync-page.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The store's sync with the endpoint of the sync settings: which server
 * and database, Sync Now with its progress, the last run's result, the
 * conflicts it met, side by side, to resolve, and what went wrong, said
 * plainly in a banner.
 *
 * Nothing blocks the window: the password is read from the keyring and
 * the sync is set up in a worker thread, then runs with
 * godwit_sync_run_async(), whose progress comes to the main thread. A
 * sync writes the store's rows in place, under SQLite's locks, which the
 * open document's snapshot connection respects: the document stays open
 * while the sync runs, and the window reads the store again (win.reload,
 * as after a migration) once the sync has changed it.
 */

#define G_LOG_DOMAIN "godwit-sync-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>

#include "godwit-application.h"
#include "godwit-error.h"
#include "godwit-sync-keyring.h"
#include "godwit-sync-page.h"
#include "godwit-value.h"
#include "godwit-window.h"

#define SYNC_SCHEMA "io.github.godwit.Godwit.Sync"
/* Values longer than this are cut in the comparison; the tooltip shows
 * them up to the longer limit. */
#define MAX_VALUE_CHARS   200
#define MAX_TOOLTIP_CHARS 2000
/* Characters of a revision shown where several server leaves compete. */
#define SHORT_REVISION_CHARS 10

struct _GodwitSyncPage
{
  AdwBin          parent_instance;

  /* Template Widgets */
  GtkStack       *stack;
  GtkRevealer    *problem_revealer;
  GtkLabel       *problem_heading_label;
  GtkLabel       *problem_label;
  GtkWidget      *problem_button;
  AdwActionRow   *database_row;
  AdwActionRow   *user_row;
  AdwActionRow   *policy_row;
  GtkRevealer    *progress_revealer;
  GtkLabel       *progress_title_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *progress_detail_label;
  GtkWidget      *result_group;
  AdwActionRow   *local_changes_row;
  AdwActionRow   *push_row;
  AdwActionRow   *pull_row;
  AdwActionRow   *store_changes_row;
  AdwActionRow   *conflicts_row;
  GtkWidget      *conflicts_group;
  GtkBox         *conflict_box;

  /* Owned References */
  GSettings      *settings;
  GodwitDocument *document;      /* (nullable) */
  GodwitSync     *sync;          /* (nullable) the last complete run: its results and conflicts */
  GDateTime      *finished;      /* (nullable) when it ended */
  GHashTable     *choices;       /* (element-type utf8 GHashTable) per conflict's document: property → leaf */
  GCancellable   *cancellable;   /* (nullable) while syncing or resolving */
  GError         *error;         /* (nullable) what went wrong last */
  AdwToast       *toast;         /* (nullable) the last one, while shown */
};

G_DEFINE_FINAL_TYPE (GodwitSyncPage, godwit_sync_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* In the order of GodwitSyncPolicy. */
static const char * const policy_names[] = {
  N_("Store wins"),
  N_("Server wins"),
  N_("Overwrite with the server’s"),
  N_("Newest by date"),
  N_("Manual"),
};

/* What a sync needs, read from the settings in the main thread; the
 * worker adds the password. */
typedef struct
{
  char                     *store_path;
  GodwitModelBundle        *bundle;
  char                     *endpoint;
  char                     *database;
  char                     *user;
  char                     *password;
  GodwitSyncAuthentication  authentication;
  char                     *ca_file;
  GodwitSyncPolicy          policy;
  char                     *date_attribute;
  guint                     batch_size;
  gboolean                  create_database;
} Setup;

static void
setup_free (Setup *setup)
{
  g_free (setup->store_path);
  g_clear_object (&setup->bundle);
  g_free (setup->endpoint);
  g_free (setup->database);
  g_free (setup->user);
  godwit_sync_clear_password (&setup->password);
  g_free (setup->ca_file);
  g_free (setup->date_attribute);
  g_free (setup);
}

/* Kept on the GodwitSync while it lives, since progress reports may come
 * after the page is gone. */
typedef struct
{
  GWeakRef      page;
  GCancellable *cancellable;
  gboolean      scanning;     /* a push going on meanwhile stays behind the scan's progress */
} RunState;

static void
run_state_free (RunState *state)
{
  g_weak_ref_clear (&state->page);
  g_object_unref (state->cancellable);
  g_free (state);
}

typedef struct
{
  GodwitSyncPage *page;
  GCancellable   *cancellable;
} ResolveState;

static void
resolve_state_free (ResolveState *state)
{
  g_object_unref (state->page);
  g_object_unref (state->cancellable);
  g_free (state);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ResolveState, resolve_state_free)

/* What a value's toggle in the comparison chooses. */
typedef struct
{
  char  *document;
  char  *property;
  guint  leaf;
} Choice;

static void
choice_free (Choice *choice)
{
  g_free (choice->document);
  g_free (choice->property);
  g_free (choice);
}

static void update_view (GodwitSyncPage *self);

/* The application of the window that holds the page. */
static GApplication *
get_application (GodwitSyncPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkApplication *application = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;

  return application != NULL ? G_APPLICATION (application) : g_application_get_default ();
}

/* The application's sync settings: this session's when godwit was started
 * with --sync-endpoint, else the saved ones. Asked for once a document is
 * shown, when the page's window has its application. */
static GSettings *
get_settings (GodwitSyncPage *self)
{
  GApplication *application;

  if (self->settings != NULL)
    return self->settings;

  application = get_application (self);
  if (GODWIT_IS_APPLICATION (application))
    g_object_get (application, "sync-settings", &self->settings, NULL);
  if (self->settings == NULL)
    self->settings = g_settings_new (SYNC_SCHEMA);
  g_signal_connect_object (self->settings, "changed", G_CALLBACK (update_view), self, G_CONNECT_SWAPPED);

  return self->settings;
}

/* The password godwit read with --sync-password-stdin, for the endpoint
 * and user set. */
static char *
dup_session_password (GodwitSyncPage *self)
{
  GApplication *application = get_application (self);
  char *password = NULL;

  if (GODWIT_IS_APPLICATION (application))
    g_object_get (application, "sync-session-password", &password, NULL);

  return password;
}

/* Documents are written for the store's version in its bundle. */
static gboolean
can_sync_store (GodwitDocument *document)
{
  return godwit_document_get_bundle (document) != NULL &&
         godwit_document_get_model_source (document) == GODWIT_MODEL_CHOICE_FROM_BUNDLE;
}

static gboolean
has_endpoint (GodwitSyncPage *self)
{
  g_autofree char *endpoint = g_settings_get_string (get_settings (self), "endpoint");
  g_autofree char *database = g_settings_get_string (get_settings (self), "database");

  return *endpoint != '\0' && *database != '\0';
}

static GodwitSyncPolicy
get_policy (GodwitSyncPage *self)
{
  g_autofree char *text = g_settings_get_string (get_settings (self), "policy");
  GodwitSyncPolicy policy = GODWIT_SYNC_POLICY_STORE_WINS;

  /* The schema's choices are the policies' names. */
  godwit_sync_policy_from_string (text, &policy);

  return policy;
}

static char *
dup_policy_text (GodwitSyncPage *self)
{
  GodwitSyncPolicy policy = get_policy (self);
  g_autofree char *date_attribute = NULL;

  if (policy != GODWIT_SYNC_POLICY_NEWEST)
    return g_strdup (_(policy_names[policy]));

  date_attribute = g_settings_get_string (get_settings (self), "date-attribute");
  /* Translators: the newest policy, then the Date attribute it compares */
  return g_strdup_printf (_("%s: “%s”"), _(policy_names[policy]), date_attribute);
}

static void
update_actions (GodwitSyncPage *self)
{
  gboolean running = self->cancellable != NULL;
  gboolean ready = self->document != NULL && godwit_document_get_store (self->document) != NULL &&
                   can_sync_store (self->document) && has_endpoint (self);
  gboolean resolvable = self->sync != NULL && !running;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.sync-now", ready && !running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.cancel", running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->conflict_box), resolvable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.keep", resolvable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.resolve", resolvable);
}

static void
update_view (GodwitSyncPage *self)
{
  g_autofree char *endpoint = g_settings_get_string (get_settings (self), "endpoint");
  g_autofree char *database = g_settings_get_string (get_settings (self), "database");
  g_autofree char *user = g_settings_get_string (get_settings (self), "user");
  g_autofree char *where = NULL;
  g_autofree char *policy = dup_policy_text (self);

  if (self->document != NULL && !can_sync_store (self->document))
    gtk_stack_set_visible_child_name (self->stack, "no-bundle");
  else if (!has_endpoint (self))
    gtk_stack_set_visible_child_name (self->stack, "no-endpoint");
  else
    gtk_stack_set_visible_child_name (self->stack, "sync");

  /* Translators: a database, then the server's URL */
  where = g_strdup_printf (_("“%s” at %s"), database, endpoint);
  adw_action_row_set_subtitle (self->database_row, where);
  adw_action_row_set_subtitle (self->user_row,
                               *user != '\0' ? user : _("None: the server is asked without credentials"));
  adw_action_row_set_subtitle (self->policy_row, policy);

  update_actions (self);
}

static void
notify_busy (GodwitSyncPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
set_running (GodwitSyncPage *self,
             GCancellable   *cancellable,
             const char     *title)
{
  g_clear_object (&self->cancellable);
  self->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;

  if (cancellable != NULL)
    {
      gtk_label_set_label (self->progress_title_label, title);
      gtk_label_set_label (self->progress_detail_label, "");
      gtk_progress_bar_set_fraction (self->progress_bar, 0);
    }
  gtk_revealer_set_reveal_child (self->progress_revealer, cancellable != NULL);

  update_actions (self);
  notify_busy (self);
}

static void
hide_problem (GodwitSyncPage *self)
{
  g_clear_error (&self->error);
  gtk_revealer_set_reveal_child (self->problem_revealer, FALSE);
}

/* The error as it came, with a word on what to do about it. */
static void
show_problem (GodwitSyncPage *self,
              const GError   *error)
{
  const char *heading = _("Sync Failed");
  const char *hint = NULL;
  gboolean preferences = FALSE;
  g_autofree char *body = NULL;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      AdwToast *toast = adw_toast_new (_("Sync cancelled: what was written stays, and the next sync goes on "
                                         "from there"));

      godwit_window_add_page_toast (GTK_WIDGET (self), toast, &self->toast);
      return;
    }

  g_clear_error (&self->error);
  self->error = g_error_copy (error);

  if (error->domain == GODWIT_ERROR)
    switch (error->code)
      {
      case GODWIT_ERROR_AUTHENTICATION:
        heading = _("Wrong User Name or Password");
        hint = _("Check them in Preferences: the password is the one saved in the keyring.");
        preferences = TRUE;
        break;

      case GODWIT_ERROR_SERVER:
        heading = _("The Server Cannot Be Used");
        hint = _("Check that the server runs and its URL and database are right.");
        preferences = TRUE;
        break;

      case GODWIT_ERROR_MODEL_MISMATCH:
        heading = _("Another Model Version on the Server");
        hint = _("The database holds documents of another version of the model. A store syncs only with peers "
                 "on its own version: migrate them or this store, or sync with another database.");
        preferences = TRUE;
        break;

      case GODWIT_ERROR_NO_MODEL:
        heading = _("The Store Matches No Version of Its Bundle");
        break;

      case GODWIT_ERROR_SYNC_CONFLICT:
        heading = _("The Conflict Cannot Be Resolved So");
        hint = _("Sync again to see the conflict as it is now.");
        break;

      default:
        break;
      }

  body = hint != NULL ? g_strdup_printf ("%s\n%s", error->message, hint) : g_strdup (error->message);
  gtk_label_set_label (self->problem_heading_label, heading);
  gtk_label_set_label (self->problem_label, body);
  gtk_widget_set_visible (self->problem_button, preferences);
  gtk_revealer_set_reveal_child (self->problem_revealer, TRUE);
}

/* The window reads the store again: the sync changed it under the open
 * document's snapshot. */
static void
reload_window (GodwitSyncPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "win.reload", NULL);
}

static gboolean
changed_store (GodwitSync *sync)
{
  gint64 inserted;
  gint64 updated;
  gint64 deleted;

  godwit_sync_get_store_changes (sync, &inserted, &updated, &deleted);

  return inserted + updated + deleted > 0;
}

/* ---- the result --------------------------------------------------------- */

static char *
dup_counts_text (gint64 inserted,
                 gint64 updated,
                 gint64 deleted)
{
  return g_strdup_printf (_("%'" PRId64 " inserted, %'" PRId64 " updated, %'"
                            PRId64 " deleted"),
                          inserted, updated, deleted);
}

static char *
dup_replication_text (const GodwitSyncReplication *replication)
{
  if (replication == NULL)
    return g_strdup (_("Not in this direction"));

  return g_strdup_printf (_("%'" PRId64 " documents read, %'" PRId64 " written, %'"
                            PRId64 " refused"),
                          replication->docs_read, replication->docs_written, replication->doc_write_failures);
}

static const GodwitSyncConflict *
find_conflict (GodwitSyncPage *self,
               const char     *document)
{
  GPtrArray *conflicts;

  if (self->sync == NULL)
    return NULL;

  conflicts = godwit_sync_get_conflicts (self->sync);
  for (guint i = 0; i < conflicts->len; i++)
    {
      const GodwitSyncConflict *conflict = g_ptr_array_index (conflicts, i);

      if (g_strcmp0 (conflict->document, document) == 0)
        return conflict;
    }

  return NULL;
}

static JsonObject *
get_member_object (JsonNode   *body,
                   const char *name)
{
  JsonNode *member;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return NULL;

  member = json_object_get_member (json_node_get_object (body), name);

  return member != NULL && JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
}

static JsonNode *
get_value (JsonNode   *body,
           const char *kind,
           const char *property)
{
  JsonObject *values = get_member_object (body, kind);

  return values != NULL ? json_object_get_member (values, property) : NULL;
}

static gboolean
values_differ (const GodwitSyncConflict *conflict,
               const char               *kind,
               const char               *property)
{
  JsonNode *first = get_value (g_ptr_array_index (conflict->bodies, 0), kind, property);

  for (guint i = 1; i < conflict->bodies->len; i++)
    {
      JsonNode *value = get_value (g_ptr_array_index (conflict->bodies, i), kind, property);

      if ((first == NULL) != (value == NULL) || (first != NULL && !json_node_equal (first, value)))
        return TRUE;
    }

  return FALSE;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

/* The attributes (or relationships) whose values differ between the
 * leaves, by name. */
static GPtrArray *
dup_differing_properties (const GodwitSyncConflict *conflict,
                          const char               *kind)
{
  g_autoptr(GHashTable) names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GPtrArray *differing = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer name;

  for (guint i = 0; i < conflict->bodies->len; i++)
    {
      JsonObject *values = get_member_object (g_ptr_array_index (conflict->bodies, i), kind);
      g_autoptr(GList) members = values != NULL ? json_object_get_members (values) : NULL;

      for (GList *l = members; l != NULL; l = l->next)
        g_hash_table_add (names, g_strdup (l->data));
    }

  g_hash_table_iter_init (&iter, names);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    if (values_differ (conflict, kind, name))
      g_ptr_array_add (differing, g_strdup (name));
  g_ptr_array_sort (differing, compare_names);

  return differing;
}

static guint
get_base_leaf (const GodwitSyncConflict *conflict)
{
  return conflict->store_leaf >= 0 ? (guint) conflict->store_leaf : 0;
}

/* How many leaves other than the store's. */
static guint
count_server_leaves (const GodwitSyncConflict *conflict)
{
  return conflict->revisions->len - (conflict->store_leaf >= 0 ? 1 : 0);
}

/* The leaf shown in @column: the store's first, then the others in the
 * order of the revisions. */
static guint
get_column_leaf (const GodwitSyncConflict *conflict,
                 guint                     column)
{
  if (conflict->store_leaf < 0)
    return column;
  if (column == 0)
    return conflict->store_leaf;

  return column <= (guint) conflict->store_leaf ? column - 1 : column;
}

static char *
dup_leaf_title (const GodwitSyncConflict *conflict,
                guint                     leaf)
{
  g_autofree char *revision = NULL;

  if ((int) leaf == conflict->store_leaf)
    return g_strdup (_("This Store"));
  if (count_server_leaves (conflict) == 1)
    return g_strdup (_("Server"));

  revision = g_utf8_substring (g_ptr_array_index (conflict->revisions, leaf), 0, SHORT_REVISION_CHARS);
  /* Translators: one of several revisions on the server, e.g. “Server, 3-5d1b0e8e7e” */
  return g_strdup_printf (_("Server, %s"), revision);
}

static guint
get_choice (GodwitSyncPage           *self,
            const GodwitSyncConflict *conflict,
            const char               *property)
{
  GHashTable *choices = g_hash_table_lookup (self->choices, conflict->document);
  gpointer leaf;

  if (choices != NULL && g_hash_table_lookup_extended (choices, property, NULL, &leaf))
    return GPOINTER_TO_UINT (leaf);

  return get_base_leaf (conflict);
}

static GtkWidget *
new_label (const char *text,
           const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* Wrapped text asks for no more room than this, or the page would
   * fold the sidebar away to show a long value on one line. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 50);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);

  return label;
}

static void
choice_toggled_cb (GodwitSyncPage  *self,
                   GtkToggleButton *button)
{
  Choice *choice = g_object_get_data (G_OBJECT (button), "godwit-choice");
  GHashTable *choices;

  if (!gtk_toggle_button_get_active (button))
    return;

  choices = g_hash_table_lookup (self->choices, choice->document);
  if (choices == NULL)
    {
      choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->choices, g_strdup (choice->document), choices);
    }
  g_hash_table_insert (choices, g_strdup (choice->property), GUINT_TO_POINTER (choice->leaf));
}

/* The leaves' columns: as wide as each other, in the grid's second
 * column. */
static GtkWidget *
new_columns (void)
{
  GtkWidget *columns = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

  gtk_box_set_homogeneous (GTK_BOX (columns), TRUE);
  gtk_widget_set_hexpand (columns, TRUE);

  return columns;
}

/* One row of the comparison: the property, then each leaf's value, one of
 * which is chosen. The toggles are no actionables: an action's state
 * would decide which is active. */
static void
add_comparison_row (GodwitSyncPage           *self,
                    GtkGrid                  *grid,
                    int                       row,
                    const GodwitSyncConflict *conflict,
                    const char               *kind,
                    const char               *property)
{
  GtkWidget *name = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *columns = new_columns ();
  GtkToggleButton *group = NULL;
  guint chosen = get_choice (self, conflict, property);

  gtk_widget_set_valign (name, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (name), new_label (property, NULL));
  gtk_box_append (GTK_BOX (name), new_label (g_str_equal (kind, "attributes") ? _("attribute") : _("relationship"),
                                             "dim-label"));
  gtk_widget_add_css_class (gtk_widget_get_last_child (name), "caption");
  gtk_grid_attach (grid, name, 0, row, 1, 1);

  for (guint column = 0; column < conflict->bodies->len; column++)
    {
      guint leaf = get_column_leaf (conflict, column);
      JsonNode *value = get_value (g_ptr_array_index (conflict->bodies, leaf), kind, property);
      g_autofree char *text = value != NULL ? godwit_value_dup_text (value, MAX_VALUE_CHARS) : NULL;
      g_autofree char *tooltip = value != NULL ? godwit_value_dup_text (value, MAX_TOOLTIP_CHARS) : NULL;
      g_autofree char *title = dup_leaf_title (conflict, leaf);
      g_autofree char *accessible = NULL;
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *label = new_label (text != NULL ? text : _("(absent)"), "monospace");
      Choice *choice = g_new0 (Choice, 1);

      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
      gtk_button_set_child (GTK_BUTTON (button), label);
      gtk_widget_set_tooltip_text (button, tooltip);
      /* Translators: a property, the side of a conflict, the value there */
      accessible = g_strdup_printf (_("%s, %s: %s"), property, title, text != NULL ? text : _("(absent)"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);

      if (group == NULL)
        group = GTK_TOGGLE_BUTTON (button);
      else
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group);
      gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), leaf == chosen);

      choice->document = g_strdup (conflict->document);
      choice->property = g_strdup (property);
      choice->leaf = leaf;
      g_object_set_data_full (G_OBJECT (button), "godwit-choice", choice, (GDestroyNotify) choice_free);
      g_signal_connect_object (button, "toggled", G_CALLBACK (choice_toggled_cb), self, G_CONNECT_SWAPPED);

      gtk_box_append (GTK_BOX (columns), button);
    }

  gtk_grid_attach (grid, columns, 1, row, 1, 1);
}

static GtkWidget *
new_comparison (GodwitSyncPage           *self,
                const GodwitSyncConflict *conflict)
{
  static const char * const kinds[] = { "attributes", "relationships" };
  GtkWidget *grid = gtk_grid_new ();
  GtkWidget *titles = new_columns ();
  int row = 1;

  gtk_grid_set_column_spacing (GTK_GRID (grid), 12);
  gtk_grid_set_row_spacing (GTK_GRID (grid), 6);
  gtk_grid_attach (GTK_GRID (grid), new_label (_("Property"), "heading"), 0, 0, 1, 1);
  for (guint column = 0; column < conflict->bodies->len; column++)
    {
      g_autofree char *title = dup_leaf_title (conflict, get_column_leaf (conflict, column));

      gtk_box_append (GTK_BOX (titles), new_label (title, "heading"));
    }
  gtk_grid_attach (GTK_GRID (grid), titles, 1, 0, 1, 1);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) properties_ = dup_differing_properties (conflict, kinds[k]);

      for (guint i = 0; i < properties_->len; i++)
        add_comparison_row (self, GTK_GRID (grid), row++, conflict, kinds[k], g_ptr_array_index (properties_, i));
    }

  if (row == 1)
    gtk_grid_attach (GTK_GRID (grid), new_label (_("The revisions hold the same values: keep either."),
                                                 "dim-label"),
                     0, 1, 2, 1);

  return grid;
}

static GtkWidget *
new_action_button (const char *label,
                   const char *action_name,
                   GVariant   *target)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action_name);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);

  return button;
}

static GtkWidget *
new_resolve_buttons (const GodwitSyncConflict *conflict)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *resolve;

  gtk_widget_set_halign (box, GTK_ALIGN_END);

  for (guint column = 0; column < conflict->revisions->len; column++)
    {
      guint leaf = get_column_leaf (conflict, column);
      g_autofree char *label = NULL;

      if ((int) leaf == conflict->store_leaf)
        label = g_strdup (_("Keep This Store’s"));
      else if (count_server_leaves (conflict) == 1)
        label = g_strdup (_("Keep the Server’s"));
      else
        {
          g_autofree char *title = dup_leaf_title (conflict, leaf);

          /* Translators: keep one of several revisions on the server */
          label = g_strdup_printf (_("Keep “%s”"), title);
        }

      gtk_box_append (GTK_BOX (box), new_action_button (label, "sync.keep",
                                                        g_variant_new ("(su)", conflict->document, leaf)));
    }

  resolve = new_action_button (_("_Resolve With These Choices"), "sync.resolve",
                               g_variant_new_string (conflict->document));
  gtk_widget_add_css_class (resolve, "suggested-action");
  gtk_box_append (GTK_BOX (box), resolve);

  return box;
}

static GtkWidget *
new_conflict_card (GodwitSyncPage           *self,
                   const GodwitSyncConflict *conflict)
{
  GtkWidget *card = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *names = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *id = new_label (conflict->document, "dim-label");
  GtkWidget *status;
  gboolean comparable = !conflict->resolved && conflict->bodies != NULL &&
                        conflict->bodies->len == conflict->revisions->len && conflict->bodies->len >= 2;

  gtk_widget_add_css_class (card, "card");
  gtk_widget_add_css_class (card, "godwit-notice");

  gtk_label_set_selectable (GTK_LABEL (id), TRUE);
  gtk_widget_add_css_class (id, "caption");
  gtk_widget_set_hexpand (names, TRUE);
  gtk_box_append (GTK_BOX (names), new_label (conflict->entity, "heading"));
  gtk_box_append (GTK_BOX (names), id);
  gtk_box_append (GTK_BOX (header), names);

  status = gtk_label_new (conflict->resolved ? _("Resolved") : _("Unresolved"));
  gtk_widget_add_css_class (status, conflict->resolved ? "success" : "warning");
  gtk_widget_set_valign (status, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (header), status);
  gtk_box_append (GTK_BOX (card), header);

  if (comparable)
    {
      gtk_box_append (GTK_BOX (card), new_comparison (self, conflict));
      gtk_box_append (GTK_BOX (card), new_resolve_buttons (conflict));
      return card;
    }

  /* How it was resolved, value by value. */
  for (guint i = 0; conflict->details != NULL && i < conflict->details->len; i++)
    gtk_box_append (GTK_BOX (card), new_label (g_ptr_array_index (conflict->details, i), "dim-label"));

  return card;
}

static void
show_conflicts (GodwitSyncPage *self)
{
  GPtrArray *conflicts = self->sync != NULL ? godwit_sync_get_conflicts (self->sync) : NULL;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->conflict_box))) != NULL)
    gtk_box_remove (self->conflict_box, child);

  for (guint i = 0; conflicts != NULL && i < conflicts->len; i++)
    gtk_box_append (self->conflict_box, new_conflict_card (self, g_ptr_array_index (conflicts, i)));

  gtk_widget_set_visible (self->conflicts_group, conflicts != NULL && conflicts->len > 0);
}

static void
show_result (GodwitSyncPage *self)
{
  g_autofree char *finished = NULL;
  g_autofree char *description = NULL;
  g_autofree char *text = NULL;
  GPtrArray *conflicts;
  guint n_resolved = 0;
  gint64 inserted;
  gint64 updated;
  gint64 deleted;

  gtk_widget_set_visible (self->result_group, self->sync != NULL);
  show_conflicts (self);
  if (self->sync == NULL)
    return;

  finished = g_date_time_format (self->finished, "%x %X");
  /* Translators: the date and time a sync ended */
  description = g_strdup_printf (_("Finished %s"), finished);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->result_group), description);

  godwit_sync_get_local_changes (self->sync, &inserted, &updated, &deleted);
  text = dup_counts_text (inserted, updated, deleted);
  adw_action_row_set_subtitle (self->local_changes_row, text);
  g_free (text);

  text = dup_replication_text (godwit_sync_get_push (self->sync));
  adw_action_row_set_subtitle (self->push_row, text);
  g_free (text);

  text = dup_replication_text (godwit_sync_get_pull (self->sync));
  adw_action_row_set_subtitle (self->pull_row, text);
  g_free (text);

  godwit_sync_get_store_changes (self->sync, &inserted, &updated, &deleted);
  text = dup_counts_text (inserted, updated, deleted);
  adw_action_row_set_subtitle (self->store_changes_row, text);
  g_free (text);

  conflicts = godwit_sync_get_conflicts (self->sync);
  for (guint i = 0; i < conflicts->len; i++)
    if (((GodwitSyncConflict *) g_ptr_array_index (conflicts, i))->resolved)
      n_resolved++;

  if (conflicts->len == 0 && godwit_sync_get_n_unresolved (self->sync) == 0)
    text = g_strdup (_("None"));
  else
    /* Translators: conflicts met, resolved by the policy or by hand, and those
     * the server still has */
    text = g_strdup_printf (_("%u met, %u resolved (policy: %s); %u left to resolve"),
                            conflicts->len, n_resolved, _(policy_names[get_policy (self)]),
                            conflicts->len - n_resolved);
  adw_action_row_set_subtitle (self->conflicts_row, text);
}

/* ---- syncing ------------------------------------------------------------ */

static const char *
phase_title (const char *phase)
{
  if (g_strcmp0 (phase, "scan") == 0)
    return _("Finding the store’s changes");
  if (g_strcmp0 (phase, "push") == 0)
    return _("Pushing the store’s changes");
  if (g_strcmp0 (phase, "pull") == 0)
    return _("Pulling the server’s changes");
  if (g_strcmp0 (phase, "resolve") == 0)
    return _("Resolving conflicts");

  return phase;
}

static void
progress_cb (const GodwitSyncProgress *progress,
             gpointer                  user_data)
{
  RunState *state = user_data;
  g_autoptr(GodwitSyncPage) self = g_weak_ref_get (&state->page);
  g_autofree char *detail = NULL;

  if (self == NULL || self->cancellable != state->cancellable)
    return;

  if (g_strcmp0 (progress->phase, "scan") == 0 && progress->entity == NULL)
    {
      state->scanning = FALSE;
      return;
    }
  if (state->scanning && g_strcmp0 (progress->phase, "push") == 0)
    return;

  if (g_strcmp0 (progress->phase, "scan") == 0 && progress->entity != NULL && progress->total > 0)
    {
      detail = g_strdup_printf (_("%s: %'" PRId64 " of %'" PRId64 " objects read"),
                                progress->entity, progress->done, progress->total);
      gtk_progress_bar_set_fraction (self->progress_bar, (double) MIN (progress->done, progress->total) /
                                                         progress->total);
    }
  else
    {
      if (g_strcmp0 (progress->phase, "resolve") == 0)
        detail = g_strdup_printf (_("%'" PRId64 " conflicts"), progress->done);
      else if (g_strcmp0 (progress->phase, "scan") != 0)
        detail = g_strdup_printf (_("%'" PRId64 " documents written"), progress->done);
      gtk_progress_bar_pulse (self->progress_bar);
    }

  gtk_label_set_label (self->progress_title_label, phase_title (progress->phase));
  gtk_label_set_label (self->progress_detail_label, detail != NULL ? detail : "");
}

static void
run_cb (GObject      *object,
        GAsyncResult *result,
        gpointer      user_data)
{
  GodwitSync *sync = GODWIT_SYNC (object);
  g_autoptr(GodwitSyncPage) self = user_data;
  RunState *state = g_object_get_data (object, "godwit-sync-page-run");
  g_autoptr(GError) error = NULL;
  gboolean ok = godwit_sync_run_finish (sync, result, &error);

  /* The page let go of the run: another store, or the page went away. */
  if (self->cancellable != state->cancellable)
    return;

  set_running (self, NULL, NULL);

  /* Even a failed run may have written batches before it stopped. */
  if (changed_store (sync))
    reload_window (self);

  if (!ok)
    {
      show_problem (self, error);
      return;
    }

  g_set_object (&self->sync, sync);
  g_clear_pointer (&self->finished, g_date_time_unref);
  self->finished = g_date_time_new_now_local ();
  g_hash_table_remove_all (self->choices);
  show_result (self);
  update_actions (self);
}

/* In a worker: the keyring, and the store's metadata that
 * godwit_sync_new() reads. */
static void
set_up_in_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  Setup *setup = task_data;
  g_autoptr(GodwitSync) sync = NULL;
  GError *error = NULL;

  if (*setup->user != '\0' && setup->password == NULL)
    {
      setup->password = godwit_sync_keyring_lookup_password (setup->endpoint, setup->user, cancellable, &error);
      if (error != NULL)
        {
          g_task_return_error (task, error);
          return;
        }
      if (setup->password == NULL)
        {
          g_task_return_new_error (task, GODWIT_ERROR, GODWIT_ERROR_AUTHENTICATION,
                                   _("No password of “%s” at %s is saved in the keyring"),
                                   setup->user, setup->endpoint);
          return;
        }
    }

  sync = godwit_sync_new (setup->store_path, setup->bundle, setup->endpoint, setup->database, &error);
  if (sync == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  godwit_sync_set_credentials (sync, *setup->user != '\0' ? setup->user : NULL, setup->password);
  godwit_sync_set_authentication (sync, setup->authentication);
  godwit_sync_set_batch_size (sync, setup->batch_size);
  godwit_sync_set_create_database (sync, setup->create_database);
  if ((*setup->ca_file != '\0' && !godwit_sync_set_ca_file (sync, setup->ca_file, &error)) ||
      !godwit_sync_set_policy (sync, setup->policy, setup->date_attribute, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&sync), g_object_unref);
}

static void
set_up_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GodwitSyncPage *self = GODWIT_SYNC_PAGE (object);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));
  g_autoptr(GodwitSync) sync = NULL;
  g_autoptr(GError) error = NULL;
  RunState *state;

  sync = g_task_propagate_pointer (G_TASK (result), &error);

  if (self->cancellable != cancellable)
    return;

  if (sync == NULL)
    {
      set_running (self, NULL, NULL);
      show_problem (self, error);
      return;
    }

  state = g_new0 (RunState, 1);
  g_weak_ref_init (&state->page, self);
  state->cancellable = g_object_ref (cancellable);
  state->scanning = TRUE;
  g_object_set_data_full (G_OBJECT (sync), "godwit-sync-page-run", state, (GDestroyNotify) run_state_free);
  godwit_sync_set_progress_callback (sync, progress_cb, state);
  godwit_sync_run_async (sync, cancellable, run_cb, g_object_ref (self));
}

static void
start_sync (GodwitSyncPage *self)
{
  g_autoptr(GCancellable) cancellable = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *policy = NULL;
  g_autofree char *authentication = NULL;
  g_autofree char *title = NULL;
  Setup *setup;

  if (self->cancellable != NULL || self->document == NULL || godwit_document_get_store (self->document) == NULL ||
      !can_sync_store (self->document) || !has_endpoint (self) ||
      /* The store view makes the page insensitive while a migration
       * replaces the store. */
      !gtk_widget_is_sensitive (GTK_WIDGET (self)))
    return;

  setup = g_new0 (Setup, 1);
  setup->store_path = g_file_get_path (godwit_document_get_file (self->document));
  setup->bundle = g_object_ref (godwit_document_get_bundle (self->document));
  setup->endpoint = g_settings_get_string (get_settings (self), "endpoint");
  setup->database = g_settings_get_string (get_settings (self), "database");
  setup->user = g_settings_get_string (get_settings (self), "user");
  setup->password = dup_session_password (self);
  authentication = g_settings_get_string (get_settings (self), "authentication");
  godwit_sync_authentication_from_string (authentication, &setup->authentication);
  setup->ca_file = g_settings_get_string (get_settings (self), "ca-file");
  setup->policy = get_policy (self);
  setup->date_attribute = g_settings_get_string (get_settings (self), "date-attribute");
  setup->batch_size = g_settings_get_uint (get_settings (self), "batch-size");
  setup->create_database = g_settings_get_boolean (get_settings (self), "create-database");

  cancellable = g_cancellable_new ();
  hide_problem (self);
  title = g_strdup_printf (_("Connecting to %s"), setup->endpoint);
  set_running (self, cancellable, title);

  task = g_task_new (self, cancellable, set_up_cb, NULL);
  g_task_set_source_tag (task, start_sync);
  g_task_set_task_data (task, setup, (GDestroyNotify) setup_free);
  g_task_run_in_thread (task, set_up_in_thread);
}

static void
sync_now_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  start_sync (GODWIT_SYNC_PAGE (widget));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  GodwitSyncPage *self = GODWIT_SYNC_PAGE (widget);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* ---- resolving by hand -------------------------------------------------- */

static void
resolved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ResolveState) state = user_data;
  GodwitSyncPage *self = state->page;
  g_autoptr(GError) error = NULL;
  gboolean ok = godwit_sync_resolve_conflict_finish (GODWIT_SYNC (object), result, &error);

  if (self->cancellable != state->cancellable)
    return;

  set_running (self, NULL, NULL);
  show_result (self);

  if (!ok)
    {
      show_problem (self, error);
      return;
    }

  godwit_window_add_page_toast (GTK_WIDGET (self), adw_toast_new (_("Conflict resolved")), &self->toast);
  reload_window (self);
}

static void
start_resolve (GodwitSyncPage *self,
               const char     *document,
               guint           leaf,
               GHashTable     *property_leaves)
{
  const GodwitSyncConflict *conflict = find_conflict (self, document);
  g_autofree char *title = NULL;
  ResolveState *state;

  if (self->cancellable != NULL || conflict == NULL || conflict->resolved || leaf >= conflict->revisions->len)
    return;

  state = g_new0 (ResolveState, 1);
  state->page = g_object_ref (self);
  state->cancellable = g_cancellable_new ();

  hide_problem (self);
  /* Translators: a document id */
  title = g_strdup_printf (_("Resolving “%s”"), document);
  set_running (self, state->cancellable, title);
  godwit_sync_resolve_conflict_async (self->sync, document, leaf, property_leaves, state->cancellable,
                                      resolved_cb, state);
}

static void
keep_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  const char *document;
  guint leaf;

  g_variant_get (parameter, "(&su)", &document, &leaf);
  start_resolve (GODWIT_SYNC_PAGE (widget), document, leaf, NULL);
}

/* The store's revision, with the values chosen for every property that
 * differs: those not chosen stay the store's. */
static void
resolve_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  static const char * const kinds[] = { "attributes", "relationships" };
  GodwitSyncPage *self = GODWIT_SYNC_PAGE (widget);
  const char *document = g_variant_get_string (parameter, NULL);
  const GodwitSyncConflict *conflict = find_conflict (self, document);
  g_autoptr(GHashTable) property_leaves = NULL;

  if (conflict == NULL || conflict->bodies == NULL || conflict->bodies->len != conflict->revisions->len)
    return;

  property_leaves = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(GPtrArray) differing = dup_differing_properties (conflict, kinds[k]);

      for (guint i = 0; i < differing->len; i++)
        {
          const char *property = g_ptr_array_index (differing, i);

          g_hash_table_insert (property_leaves, g_strdup (property),
                               GUINT_TO_POINTER (get_choice (self, conflict, property)));
        }
    }

  start_resolve (self, document, get_base_leaf (conflict), property_leaves);
}

/* ---- the page ----------------------------------------------------------- */

static void
godwit_sync_page_dispose (GObject *object)
{
  GodwitSyncPage *self = (GodwitSyncPage *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  if (self->toast != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->toast), (gpointer *) &self->toast);
  self->toast = NULL;
  g_clear_object (&self->document);
  g_clear_object (&self->sync);

  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_SYNC_PAGE);

  G_OBJECT_CLASS (godwit_sync_page_parent_class)->dispose (object);
}

static void
godwit_sync_page_finalize (GObject *object)
{
  GodwitSyncPage *self = (GodwitSyncPage *)object;

  g_clear_object (&self->settings);
  g_clear_pointer (&self->finished, g_date_time_unref);
  g_clear_pointer (&self->choices, g_hash_table_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (godwit_sync_page_parent_class)->finalize (object);
}

static void
godwit_sync_page_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  GodwitSyncPage *self = GODWIT_SYNC_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, godwit_sync_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_sync_page_class_init (GodwitSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_sync_page_dispose;
  object_class->finalize = godwit_sync_page_finalize;
  object_class->get_property = godwit_sync_page_get_property;

  /* TRUE while syncing or resolving a conflict. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, problem_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, problem_heading_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, problem_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, problem_button);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, database_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, policy_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, progress_title_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, progress_detail_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, result_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, local_changes_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, push_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, pull_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, store_changes_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, conflicts_row);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, conflicts_group);
  gtk_widget_class_bind_template_child (widget_class, GodwitSyncPage, conflict_box);

  gtk_widget_class_install_action (widget_class, "sync.sync-now", NULL, sync_now_action);
  gtk_widget_class_install_action (widget_class, "sync.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "sync.keep", "(su)", keep_action);
  gtk_widget_class_install_action (widget_class, "sync.resolve", "s", resolve_action);
}

static void
godwit_sync_page_init (GodwitSyncPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);

  /* The settings wait for a document: the page has no window yet. */
  update_actions (self);
}

/**
 * godwit_sync_page_set_document:
 *
 * Shows the sync of @document's store. The same store read again keeps
 * its last result, conflicts and any sync running; another store starts
 * afresh, cancelling a sync of the last one.
 */
void
godwit_sync_page_set_document (GodwitSyncPage *self,
                               GodwitDocument *document)
{
  gboolean same_store;

  g_return_if_fail (GODWIT_IS_SYNC_PAGE (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));

  same_store = self->document != NULL &&
               g_file_equal (godwit_document_get_file (self->document), godwit_document_get_file (document));
  g_set_object (&self->document, document);

  if (!same_store)
    {
      if (self->cancellable != NULL)
        g_cancellable_cancel (self->cancellable);
      set_running (self, NULL, NULL);
      g_clear_object (&self->sync);
      g_clear_pointer (&self->finished, g_date_time_unref);
      g_hash_table_remove_all (self->choices);
      hide_problem (self);
      show_result (self);
    }

  update_view (self);
}

/* The io.github.godwit.Godwit.Sync settings the page syncs with. */
GSettings *
godwit_sync_page_get_settings (GodwitSyncPage *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC_PAGE (self), NULL);

  return get_settings (self);
}

/* What the page shows: "no-bundle", "no-endpoint" or "sync". */
const char *
godwit_sync_page_get_view (GodwitSyncPage *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

gboolean
godwit_sync_page_get_busy (GodwitSyncPage *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

/**
 * godwit_sync_page_get_last_sync:
 *
 * Returns: (nullable) (transfer none): the last sync that completed, with
 *   its results and conflicts
 */
GodwitSync *
godwit_sync_page_get_last_sync (GodwitSyncPage *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC_PAGE (self), NULL);

  return self->sync;
}

/**
 * godwit_sync_page_get_error:
 *
 * Returns: (nullable): what the banner shows went wrong, until the next
 *   sync or resolution starts
 */
const GError *
godwit_sync_page_get_error (GodwitSyncPage *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC_PAGE (self), NULL);

  return self->error;
}

/**
 * godwit_sync_page_get_toast:
 *
 * Returns: (nullable) (transfer none): the toast the page showed last,
 *   while it shows
 */
AdwToast *
godwit_sync_page_get_toast (GodwitSyncPage *self)
{
  g_return_val_if_fail (GODWIT_IS_SYNC_PAGE (self), NULL);

  return self->toast;
}
