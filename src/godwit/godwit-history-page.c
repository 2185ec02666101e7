/* godwit-history-page.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The store's persistent history, newest transaction first: who wrote
 * it, when, from which bundle and process, and the objects it inserted,
 * updated or deleted. Transactions are read a page at a time in a worker
 * thread, the next page when the user asks for older ones; filtering by
 * author or entity keeps reading until a screenful matches or the
 * history ends.
 */

#define G_LOG_DOMAIN "godwit-history-page"

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <math.h>

#include "godwit-history-item.h"
#include "godwit-history-page.h"
#include "godwit-store-private.h"

#define PAGE_SIZE           GODWIT_HISTORY_PAGE_SIZE
/* While a filter shows fewer transactions than this, older pages are
 * read until it shows this many or the history ends. */
#define MIN_FILTERED        50
/* Changes listed for one transaction; the rest are counted. */
#define MAX_SHOWN_CHANGES   500
/* 2001-01-01T00:00:00Z, Core Data's reference date, as a Unix time. */
#define REFERENCE_DATE_UNIX G_GINT64_CONSTANT (978307200)

/* A page for the worker to read: the transactions before @before_pk. */
typedef struct
{
  GodwitStore *store;
  gint64       before_pk;
  gboolean     count;
  gint64       n_transactions;   /* when @count */
  GPtrArray   *transactions;     /* (element-type GodwitHistoryTransaction): newest first */
} Load;

struct _GodwitHistoryPage
{
  AdwBin              parent_instance;

  /* Template Widgets */
  GtkStack           *stack;
  GtkRevealer        *error_revealer;
  GtkLabel           *error_label;
  GtkDropDown        *author_dropdown;
  GtkDropDown        *entity_dropdown;
  GtkLabel           *count_label;
  GtkSpinner         *spinner;
  GtkListView        *transaction_view;
  GtkWidget          *older_button;
  GtkStack           *detail_stack;
  GtkLabel           *detail_title_label;
  GtkGrid            *detail_grid;
  GtkGrid            *change_grid;
  GtkLabel           *change_note_label;

  /* Owned References */
  GodwitDocument     *document;        /* (nullable) */
  GListStore         *transactions;    /* (element-type GodwitHistoryItem): newest first */
  GtkCustomFilter    *filter;
  GtkFilterListModel *filtered;
  GtkSingleSelection *selection;
  GtkStringList      *author_names;    /* what the author dropdown shows */
  GPtrArray          *authors;         /* (element-type utf8) (nullable elements): what each
                                        * dropdown entry after the first stands for */
  GtkStringList      *entity_names;
  GCancellable       *cancellable;     /* (nullable) while a page is read */
  char               *error;           /* (nullable) */

  gint64              n_transactions;  /* -1 until counted */
  gint64              oldest_pk;       /* of the transactions read */
  gboolean            stale;
  gboolean            updating_filters;
};

G_DEFINE_FINAL_TYPE (GodwitHistoryPage, godwit_history_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load_page (GodwitHistoryPage *self);

static void
load_free (gpointer data)
{
  Load *load = data;

  g_clear_object (&load->store);
  g_clear_pointer (&load->transactions, g_ptr_array_unref);
  g_free (load);
}

/* ---- reading, in a worker -------------------------------------------- */

/* The Z_PK after which the page before @before_pk starts, newest first:
 * the (PAGE_SIZE + 1)th transaction below it, or none when fewer are
 * left. The core reads history oldest first only, so this one query runs
 * on the store's connection, under its lock. */
static gboolean
find_page_start (Load          *load,
                 gint64        *after_pk,
                 GCancellable  *cancellable,
                 GError       **error)
{
  sqlite3_stmt *statement;
  gboolean ok = FALSE;
  int rc;

  *after_pk = G_MININT64;

  _godwit_store_lock (load->store, cancellable);

  statement = _godwit_store_prepare_locked (load->store,
                                            "SELECT Z_PK FROM ATRANSACTION WHERE Z_PK < ?1 "
                                            "ORDER BY Z_PK DESC LIMIT 1 OFFSET ?2", error);
  if (statement != NULL)
    {
      sqlite3_bind_int64 (statement, 1, load->before_pk);
      sqlite3_bind_int64 (statement, 2, PAGE_SIZE);

      rc = sqlite3_step (statement);
      if (rc == SQLITE_ROW)
        *after_pk = sqlite3_column_int64 (statement, 0);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        ok = TRUE;
      else
        _godwit_store_set_sqlite_error (load->store, rc, _("finding a page of history"), error);

      sqlite3_reset (statement);
    }

  _godwit_store_unlock (load->store);

  return ok;
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Load *load = task_data;
  g_autoptr(GPtrArray) fetched = NULL;
  g_autoptr(GError) error = NULL;
  gint64 after_pk;

  if (load->count)
    {
      load->n_transactions = godwit_store_count_history_transactions (load->store, cancellable, &error);
      if (load->n_transactions < 0)
        {
          g_task_return_error (task, g_steal_pointer (&error));
          return;
        }
    }

  if (!find_page_start (load, &after_pk, cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  fetched = godwit_store_fetch_history (load->store, after_pk, PAGE_SIZE, cancellable, &error);
  if (fetched == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Newest first; without a page start, the first transactions read may
   * be ones read already. */
  load->transactions = g_ptr_array_new_with_free_func ((GDestroyNotify) godwit_history_transaction_free);
  for (guint i = fetched->len; i > 0; i--)
    {
      GodwitHistoryTransaction *transaction = g_ptr_array_index (fetched, i - 1);

      if (transaction->pk < load->before_pk)
        g_ptr_array_add (load->transactions, g_ptr_array_steal_index (fetched, i - 1));
    }

  g_task_return_boolean (task, TRUE);
}

/* ---- the page ---------------------------------------------------------- */

static void
notify_busy (GodwitHistoryPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static const char *
change_type_text (GodwitHistoryChangeType type)
{
  switch (type)
    {
    case GODWIT_HISTORY_CHANGE_INSERT:
      return _("Inserted");
    case GODWIT_HISTORY_CHANGE_UPDATE:
      return _("Updated");
    case GODWIT_HISTORY_CHANGE_DELETE:
      return _("Deleted");
    default:
      return _("Unknown change");
    }
}

/* A transaction's time, in the local time zone. */
static char *
dup_timestamp_text (double timestamp)
{
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  /* Outside what GDateTime holds: the number as the store has it. */
  if (!isfinite (timestamp) || fabs (timestamp) > 1e11)
    return g_strdup_printf ("%g", timestamp);

  utc = g_date_time_new_from_unix_utc (REFERENCE_DATE_UNIX + (gint64) floor (timestamp));
  if (utc == NULL)
    return g_strdup_printf ("%g", timestamp);
  local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

static const char *
author_text (const GodwitHistoryTransaction *transaction)
{
  return transaction->author != NULL ? transaction->author : _("No author");
}

static char *
dup_summary_text (const GodwitHistoryTransaction *transaction)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (transaction->bundle_id != NULL)
    g_string_append (text, transaction->bundle_id);
  if (transaction->process_id != NULL)
    g_string_append_printf (text, "%s%s", text->len > 0 ? " · " : "", transaction->process_id);
  g_string_append_printf (text, "%s", text->len > 0 ? " · " : "");
  g_string_append_printf (text, ngettext ("%u change", "%u changes", transaction->changes->len),
                          transaction->changes->len);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
setup_row_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              GodwitHistoryPage        *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_box_append (GTK_BOX (box), title);
  gtk_box_append (GTK_BOX (box), subtitle);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_list_item_set_child (list_item, box);
}

static void
bind_row_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             GodwitHistoryPage        *self)
{
  GodwitHistoryItem *item = gtk_list_item_get_item (list_item);
  const GodwitHistoryTransaction *transaction = godwit_history_item_get_transaction (item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  g_autofree char *when = dup_timestamp_text (transaction->timestamp);
  g_autofree char *title = g_strdup_printf ("%s · %s", author_text (transaction), when);
  g_autofree char *summary = dup_summary_text (transaction);

  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (box)), title);
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_last_child (box)), summary);
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
attach_text (GtkGrid    *grid,
             const char *text,
             int         column,
             int         row,
             const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), row > 0 || css_class == NULL);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_grid_attach (grid, label, column, row, 1, 1);
}

static void
attach_field (GtkGrid    *grid,
              int         row,
              const char *name,
              const char *value)
{
  attach_text (grid, name, 0, row, "dim-label");
  attach_text (grid, value != NULL ? value : "–", 1, row, NULL);
}

static void
show_transaction (GodwitHistoryPage              *self,
                  const GodwitHistoryTransaction *transaction)
{
  g_autofree char *title = NULL;
  g_autofree char *when = NULL;
  guint shown;

  clear_grid (self->detail_grid);
  clear_grid (self->change_grid);

  if (transaction == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "empty");
      return;
    }

  title = g_strdup_printf (_("Transaction %" PRId64), transaction->pk);
  gtk_label_set_label (self->detail_title_label, title);

  when = dup_timestamp_text (transaction->timestamp);
  attach_field (self->detail_grid, 0, _("Author"), transaction->author);
  attach_field (self->detail_grid, 1, _("Date"), when);
  attach_field (self->detail_grid, 2, _("Bundle ID"), transaction->bundle_id);
  attach_field (self->detail_grid, 3, _("Process"), transaction->process_id);
  attach_field (self->detail_grid, 4, _("Context"), transaction->context_name);

  attach_text (self->change_grid, _("Change"), 0, 0, "heading");
  attach_text (self->change_grid, _("Entity"), 1, 0, "heading");
  attach_text (self->change_grid, _("Object"), 2, 0, "heading");

  shown = MIN (transaction->changes->len, MAX_SHOWN_CHANGES);
  for (guint i = 0; i < shown; i++)
    {
      const GodwitHistoryChange *change = g_ptr_array_index (transaction->changes, i);
      g_autofree char *entity = NULL;
      g_autofree char *object = NULL;

      entity = change->entity != NULL ? g_strdup (change->entity)
                                      : g_strdup_printf (_("Z_ENT %u"), change->entity_number);
      object = change->uri != NULL ? g_strdup (change->uri)
                                   : g_strdup_printf ("Z_PK %" G_GINT64_FORMAT, change->entity_pk);

      attach_text (self->change_grid, change_type_text (change->type), 0, i + 1, NULL);
      attach_text (self->change_grid, entity, 1, i + 1, NULL);
      attach_text (self->change_grid, object, 2, i + 1, "monospace");
    }

  if (shown < transaction->changes->len)
    {
      g_autofree char *note = g_strdup_printf (_("The first %u of %u changes"), shown, transaction->changes->len);

      gtk_label_set_label (self->change_note_label, note);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->change_note_label), shown < transaction->changes->len);

  gtk_stack_set_visible_child_name (self->detail_stack, "transaction");
}

static void
selected_cb (GodwitHistoryPage  *self,
             GParamSpec         *pspec,
             GtkSingleSelection *selection)
{
  GodwitHistoryItem *item = gtk_single_selection_get_selected_item (selection);

  show_transaction (self, item != NULL ? godwit_history_item_get_transaction (item) : NULL);
}

static gboolean
is_filtering (GodwitHistoryPage *self)
{
  return gtk_drop_down_get_selected (self->author_dropdown) > 0 ||
         gtk_drop_down_get_selected (self->entity_dropdown) > 0;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  GodwitHistoryPage *self = user_data;
  const GodwitHistoryTransaction *transaction = godwit_history_item_get_transaction (item);
  guint author = gtk_drop_down_get_selected (self->author_dropdown);
  guint entity = gtk_drop_down_get_selected (self->entity_dropdown);

  if (author > 0 && author != GTK_INVALID_LIST_POSITION && author - 1 < self->authors->len &&
      g_strcmp0 (transaction->author, g_ptr_array_index (self->authors, author - 1)) != 0)
    return FALSE;

  if (entity > 0 && entity != GTK_INVALID_LIST_POSITION &&
      !godwit_history_item_has_entity (item, gtk_string_list_get_string (self->entity_names, entity)))
    return FALSE;

  return TRUE;
}

static void
update_count (GodwitHistoryPage *self)
{
  guint n_loaded = g_list_model_get_n_items (G_LIST_MODEL (self->transactions));
  guint n_shown = g_list_model_get_n_items (G_LIST_MODEL (self->filtered));
  g_autofree char *text = NULL;

  if (self->n_transactions < 0)
    text = g_strdup ("");
  else if (is_filtering (self))
    text = g_strdup_printf (_("%u matching of the newest %u transactions (%'" PRId64 " in all)"),
                            n_shown, n_loaded, self->n_transactions);
  else
    text = g_strdup_printf (_("The newest %u of %'" PRId64 " transactions"), n_loaded, self->n_transactions);

  gtk_label_set_label (self->count_label, text);
  gtk_widget_set_visible (self->older_button, self->n_transactions >= 0 && n_loaded < self->n_transactions);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "history.load-older",
                                 self->cancellable == NULL && self->n_transactions >= 0 &&
                                 n_loaded < self->n_transactions);
}

static void
set_error (GodwitHistoryPage *self,
           const char        *error)
{
  g_free (self->error);
  self->error = g_strdup (error);
  gtk_label_set_label (self->error_label, error != NULL ? error : "");
  gtk_revealer_set_reveal_child (self->error_revealer, error != NULL);
}

static void
add_author (GodwitHistoryPage *self,
            const char        *author)
{
  for (guint i = 0; i < self->authors->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->authors, i), author) == 0)
      return;

  g_ptr_array_add (self->authors, g_strdup (author));
  gtk_string_list_append (self->author_names, author != NULL ? author : _("No author"));
}

/* Older pages are read while a filter shows less than a screenful. */
static gboolean
wants_more (GodwitHistoryPage *self)
{
  guint n_loaded = g_list_model_get_n_items (G_LIST_MODEL (self->transactions));

  return is_filtering (self) && self->n_transactions >= 0 && n_loaded < self->n_transactions &&
         g_list_model_get_n_items (G_LIST_MODEL (self->filtered)) < MIN_FILTERED;
}

static void
load_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(GodwitHistoryPage) self = user_data;
  Load *load = g_task_get_task_data (G_TASK (result));
  g_autoptr(GCancellable) cancellable = g_object_ref (g_task_get_cancellable (G_TASK (result)));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (cancellable != self->cancellable)
        return;

      g_clear_object (&self->cancellable);
      gtk_spinner_set_spinning (self->spinner, FALSE);
      set_error (self, error->message);
      update_count (self);
      notify_busy (self);
      return;
    }

  /* Superseded by another document, or the page went away. */
  if (cancellable != self->cancellable)
    return;

  g_clear_object (&self->cancellable);
  gtk_spinner_set_spinning (self->spinner, FALSE);

  if (load->count)
    self->n_transactions = load->n_transactions;

  /* An empty page before the end: the store changed meanwhile; what was
   * read is all there is. */
  if (load->transactions->len == 0)
    self->n_transactions = g_list_model_get_n_items (G_LIST_MODEL (self->transactions));

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < load->transactions->len; i++)
    {
      GodwitHistoryTransaction *transaction = g_ptr_array_index (load->transactions, i);

      self->oldest_pk = MIN (self->oldest_pk, transaction->pk);
      add_author (self, transaction->author);
    }
  while (load->transactions->len > 0)
    g_ptr_array_add (items, godwit_history_item_new (g_ptr_array_steal_index (load->transactions, 0)));
  g_list_store_splice (self->transactions, g_list_model_get_n_items (G_LIST_MODEL (self->transactions)), 0,
                       items->pdata, items->len);

  update_count (self);
  notify_busy (self);

  if (wants_more (self))
    load_page (self);
}

/* Reads the next older page, in a worker. */
static void
load_page (GodwitHistoryPage *self)
{
  g_autoptr(GTask) task = NULL;
  GodwitStore *store;
  Load *load;

  if (self->document == NULL || self->cancellable != NULL)
    return;

  /* Closed for a migration: the window reads the store again. */
  store = godwit_document_get_store (self->document);
  if (store == NULL)
    return;

  if (self->n_transactions >= 0 &&
      g_list_model_get_n_items (G_LIST_MODEL (self->transactions)) >= self->n_transactions)
    return;

  load = g_new0 (Load, 1);
  load->store = g_object_ref (store);
  load->before_pk = self->oldest_pk;
  load->count = self->n_transactions < 0;

  self->cancellable = g_cancellable_new ();
  gtk_spinner_set_spinning (self->spinner, TRUE);

  task = g_task_new (NULL, self->cancellable, load_cb, g_object_ref (self));
  g_task_set_source_tag (task, load_page);
  g_task_set_task_data (task, load, load_free);
  g_task_run_in_thread (task, load_in_thread);

  update_count (self);
  notify_busy (self);
}

static void
load_older_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  load_page (GODWIT_HISTORY_PAGE (widget));
}

static void
filter_changed_cb (GodwitHistoryPage *self,
                   GParamSpec        *pspec,
                   GtkDropDown       *dropdown)
{
  if (self->updating_filters)
    return;

  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_count (self);

  if (wants_more (self))
    load_page (self);
}

/* Forgets what was read, keeping the document. */
static void
reset (GodwitHistoryPage *self)
{
  GPtrArray *entities;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_spinner_set_spinning (self->spinner, FALSE);

  self->n_transactions = -1;
  self->oldest_pk = G_MAXINT64;
  set_error (self, NULL);

  self->updating_filters = TRUE;
  g_list_store_remove_all (self->transactions);
  g_ptr_array_set_size (self->authors, 0);
  gtk_string_list_splice (self->author_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->author_names)) - 1, NULL);
  gtk_string_list_splice (self->entity_names, 1,
                          g_list_model_get_n_items (G_LIST_MODEL (self->entity_names)) - 1, NULL);
  gtk_drop_down_set_selected (self->author_dropdown, 0);
  gtk_drop_down_set_selected (self->entity_dropdown, 0);
  if (self->document != NULL && godwit_document_get_store (self->document) != NULL)
    {
      entities = godwit_store_get_entities (godwit_document_get_store (self->document));
      for (guint i = 0; i < entities->len; i++)
        gtk_string_list_append (self->entity_names, ((GodwitStoreEntity *) g_ptr_array_index (entities, i))->name);
    }
  self->updating_filters = FALSE;
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_LESS_STRICT);

  update_count (self);
  notify_busy (self);
}

static void
godwit_history_page_map (GtkWidget *widget)
{
  GodwitHistoryPage *self = GODWIT_HISTORY_PAGE (widget);

  GTK_WIDGET_CLASS (godwit_history_page_parent_class)->map (widget);

  /* Read only for a page looked at. */
  if (self->stale)
    {
      self->stale = FALSE;
      load_page (self);
    }
}

static void
godwit_history_page_dispose (GObject *object)
{
  GodwitHistoryPage *self = (GodwitHistoryPage *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->document);

  /* AdwBin unparents its child itself: it must not be a bound template
   * child still when the template is disposed. */
  adw_bin_set_child (ADW_BIN (object), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (object), GODWIT_TYPE_HISTORY_PAGE);

  g_clear_object (&self->selection);
  g_clear_object (&self->filtered);
  g_clear_object (&self->filter);
  g_clear_object (&self->transactions);

  G_OBJECT_CLASS (godwit_history_page_parent_class)->dispose (object);
}

static void
godwit_history_page_finalize (GObject *object)
{
  GodwitHistoryPage *self = (GodwitHistoryPage *)object;

  g_clear_pointer (&self->authors, g_ptr_array_unref);
  g_clear_object (&self->author_names);
  g_clear_object (&self->entity_names);
  g_clear_pointer (&self->error, g_free);

  G_OBJECT_CLASS (godwit_history_page_parent_class)->finalize (object);
}

static void
godwit_history_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GodwitHistoryPage *self = GODWIT_HISTORY_PAGE (object);

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, godwit_history_page_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_history_page_class_init (GodwitHistoryPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = godwit_history_page_dispose;
  object_class->finalize = godwit_history_page_finalize;
  object_class->get_property = godwit_history_page_get_property;

  widget_class->map = godwit_history_page_map;

  /* TRUE while a page of history is read. */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/godwit/Godwit/ui/godwit-history-page.ui");
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, author_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, entity_dropdown);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, transaction_view);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, older_button);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, detail_title_label);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, detail_grid);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, change_grid);
  gtk_widget_class_bind_template_child (widget_class, GodwitHistoryPage, change_note_label);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);

  gtk_widget_class_install_action (widget_class, "history.load-older", NULL, load_older_action);
}

static void
godwit_history_page_init (GodwitHistoryPage *self)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  const char * const all_authors[] = { _("All authors"), NULL };
  const char * const all_entities[] = { _("All entities"), NULL };

  gtk_widget_init_template (GTK_WIDGET (self));

  /* A spinner at rest takes no room beside the count. */
  g_object_bind_property (self->spinner, "spinning", self->spinner, "visible", G_BINDING_SYNC_CREATE);

  self->n_transactions = -1;
  self->oldest_pk = G_MAXINT64;
  self->authors = g_ptr_array_new_with_free_func (g_free);

  self->author_names = gtk_string_list_new (all_authors);
  self->entity_names = gtk_string_list_new (all_entities);
  self->updating_filters = TRUE;
  gtk_drop_down_set_model (self->author_dropdown, G_LIST_MODEL (self->author_names));
  gtk_drop_down_set_model (self->entity_dropdown, G_LIST_MODEL (self->entity_names));
  self->updating_filters = FALSE;

  self->transactions = g_list_store_new (GODWIT_TYPE_HISTORY_ITEM);
  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filtered = gtk_filter_list_model_new (g_object_ref (G_LIST_MODEL (self->transactions)),
                                              g_object_ref (GTK_FILTER (self->filter)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->filtered)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  g_signal_connect_object (self->selection, "notify::selected-item", G_CALLBACK (selected_cb),
                           self, G_CONNECT_SWAPPED);
  /* The count follows what the filter lets through. */
  g_signal_connect_object (self->filtered, "items-changed", G_CALLBACK (update_count),
                           self, G_CONNECT_SWAPPED);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_row_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_row_cb), self);
  gtk_list_view_set_factory (self->transaction_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->transaction_view, GTK_SELECTION_MODEL (self->selection));

  update_count (self);
}

/**
 * godwit_history_page_set_document:
 *
 * Shows @document's history, read when the page is shown.
 */
void
godwit_history_page_set_document (GodwitHistoryPage *self,
                                  GodwitDocument    *document)
{
  GodwitStore *store;

  g_return_if_fail (GODWIT_IS_HISTORY_PAGE (self));
  g_return_if_fail (GODWIT_IS_DOCUMENT (document));

  g_set_object (&self->document, document);
  reset (self);
  show_transaction (self, NULL);

  store = godwit_document_get_store (document);
  if (store == NULL || !godwit_store_has_persistent_history (store))
    {
      self->stale = FALSE;
      gtk_stack_set_visible_child_name (self->stack, "none");
      return;
    }

  gtk_stack_set_visible_child_name (self->stack, "history");
  self->stale = TRUE;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->stale = FALSE;
      load_page (self);
    }
}

/* TRUE while a page of history is read. */
gboolean
godwit_history_page_get_busy (GodwitHistoryPage *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

/* The store's transactions, -1 until counted. */
gint64
godwit_history_page_get_n_transactions (GodwitHistoryPage *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), -1);

  return self->n_transactions;
}

/* The transactions read so far, the newest ones. */
guint
godwit_history_page_get_n_loaded (GodwitHistoryPage *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->transactions));
}

/**
 * godwit_history_page_get_model:
 *
 * Returns: (transfer none): the transactions shown, newest first, as
 *   #GodwitHistoryItem
 */
GListModel *
godwit_history_page_get_model (GodwitHistoryPage *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), NULL);

  return G_LIST_MODEL (self->filtered);
}

/* The selected transaction's changes show beside the list. */
GtkSingleSelection *
godwit_history_page_get_selection (GodwitHistoryPage *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), NULL);

  return self->selection;
}

static gboolean
select_string (GtkDropDown   *dropdown,
               GtkStringList *names,
               const char    *name)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (names));

  if (name == NULL)
    {
      gtk_drop_down_set_selected (dropdown, 0);
      return TRUE;
    }

  for (guint i = 1; i < n; i++)
    {
      if (g_strcmp0 (gtk_string_list_get_string (names, i), name) == 0)
        {
          gtk_drop_down_set_selected (dropdown, i);
          return TRUE;
        }
    }

  return FALSE;
}

/**
 * godwit_history_page_set_author_filter:
 * @author: (nullable): an author among the transactions read; %NULL for
 *   every author
 *
 * What the author dropdown sets.
 *
 * Returns: %FALSE when no transaction read has that author
 */
gboolean
godwit_history_page_set_author_filter (GodwitHistoryPage *self,
                                       const char        *author)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), FALSE);

  return select_string (self->author_dropdown, self->author_names, author);
}

/**
 * godwit_history_page_set_entity_filter:
 * @entity: (nullable): an entity of the store; %NULL for every entity
 *
 * What the entity dropdown sets: transactions that changed an object of
 * exactly that entity.
 *
 * Returns: %FALSE when the store has no such entity
 */
gboolean
godwit_history_page_set_entity_filter (GodwitHistoryPage *self,
                                       const char        *entity)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), FALSE);

  return select_string (self->entity_dropdown, self->entity_names, entity);
}

/* Change, Entity, Object (columns 0 to 2) of the selected transaction,
 * a change per row from row 1. */
GtkGrid *
godwit_history_page_get_change_grid (GodwitHistoryPage *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), NULL);

  return self->change_grid;
}

/**
 * godwit_history_page_get_error:
 *
 * Returns: (nullable): why the history could not be read
 */
const char *
godwit_history_page_get_error (GodwitHistoryPage *self)
{
  g_return_val_if_fail (GODWIT_IS_HISTORY_PAGE (self), NULL);

  return self->error;
}
