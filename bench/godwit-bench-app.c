/* godwit-bench-app.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Opens a store in Godwit's window, shows the objects of its Book entity
 * and scrolls them from the top to the bottom, one step per frame; prints
 * the time from the process's start to the first frame painted with the
 * first rows' values, and the longest time the main loop spent between
 * two polls while scrolling (a stall: nothing drawn, no input handled).
 * With --baseline N, the same on a plain GtkColumnView with the same
 * columns over N rows built in memory beforehand: what GTK itself costs.
 * Beside those: the mean and longest time of each frame's phases, and
 * how often the list moved the view by itself between two frames (rows
 * the scroll skipped).
 *
 * A row counts as shown when a frame was painted with a cell of the view,
 * inside its visible area, holding the row's title: the bench looks at
 * the widgets only through GTK's public API, whatever the objects page
 * builds its cells with (GtkInscription or GtkLabel).
 */

#define G_LOG_DOMAIN "godwit-bench-app"

#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "godwit-application.h"
#include "godwit-object-item.h"
#include "godwit-window.h"

#define EXIT_USAGE      2
/* The store's entity with the most objects, and the attribute the
 * bench looks for on screen. */
#define ENTITY          "Book"
#define TITLE_ATTRIBUTE "title"
/* The goal's frame budget: stalls longer than this are counted. */
#define FRAME_USEC      16000
#define TIMEOUT_SECONDS 3600

typedef enum
{
  PHASE_OPENING,
  PHASE_FIRST_PAGE,
  PHASE_SCROLLING,
  PHASE_LAST_PAGE,
  PHASE_DONE,
} Phase;

typedef enum
{
  FRAME_UPDATE,
  FRAME_LAYOUT,
  FRAME_PAINT,
  N_FRAME_PHASES,
} FramePhase;

static const char * const frame_phase_names[N_FRAME_PHASES] = { "update", "layout", "paint" };

typedef struct
{
  gboolean       baseline;
  double         pages_per_frame;
  gint64         started;           /* the process's start, on the monotonic clock */
  gint64         rows_built;        /* baseline: how long building the rows took */

  GtkWindow     *window;
  GtkColumnView *view;
  GListModel    *rows;
  Phase          phase;

  gint64         store_read_at;
  gint64         first_page_at;
  gint64         scroll_started;
  gint64         scroll_ended;
  guint          n_frames;
  /* Where the last frame put the view, and how often the view was found
   * elsewhere at the next one, moved by the list itself. */
  double         scrolled_to;
  guint          n_jumps;
  double         jumped;

  /* Where each frame's time goes while scrolling: tick callbacks,
   * layout (binding rows, measuring them) and painting. */
  gint64         frame_times[N_FRAME_PHASES + 1];   /* when the frame and each phase ended */
  gint64         frame_phases[N_FRAME_PHASES];       /* the longest of each */
  gint64         frame_phase_totals[N_FRAME_PHASES];
  guint          n_timed_frames;
  guint          n_placeholder_frames;   /* painted with rows not read yet in view */

  /* Main-loop stalls while scrolling. */
  gint64         poll_returned;
  GArray        *stalls;            /* (element-type gint64) */
  gint64         longest_stall;
  gint64         longest_stall_at;  /* since the scroll started */
  guint          n_long_stalls;

  GMainLoop     *loop;
  int            status;
} Bench;

/* The poll function has no user data: the one bench of the process. */
static Bench bench;

/* ---- The baseline's rows ------------------------------------------------ */

#define BENCH_TYPE_ROW (bench_row_get_type ())
G_DECLARE_FINAL_TYPE (BenchRow, bench_row, BENCH, ROW, GObject)

/* The values of a Book, as bench/godwit-bench-store writes them. */
struct _BenchRow
{
  GObject   parent_instance;

  gint64    pk;
  char     *title;
  gint64    published;   /* Unix time */
  gint64    isbn;
  double    price;
  int       pages;
  gboolean  in_print;
};

G_DEFINE_FINAL_TYPE (BenchRow, bench_row, G_TYPE_OBJECT)

static void
bench_row_finalize (GObject *object)
{
  g_free (BENCH_ROW (object)->title);

  G_OBJECT_CLASS (bench_row_parent_class)->finalize (object);
}

static void
bench_row_class_init (BenchRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_row_finalize;
}

static void
bench_row_init (BenchRow *self)
{
}

typedef enum
{
  CELL_PK,
  CELL_IN_PRINT,
  CELL_ISBN,
  CELL_PAGES,
  CELL_PRICE,
  CELL_PUBLISHED,
  CELL_TITLE,
} Cell;

/* Godwit's columns for Book: Z_PK, then the attributes in the model's
 * order; the text as Godwit's value text has it. */
static const char * const cell_titles[] = {
  "Z_PK", "inPrint", "isbn", "pages", "price", "published", "title",
};

static char *
dup_cell_text (BenchRow *row,
               Cell      cell)
{
  g_autoptr(GDateTime) date = NULL;

  switch (cell)
    {
    case CELL_PK:
      return g_strdup_printf ("%" G_GINT64_FORMAT, row->pk);
    case CELL_IN_PRINT:
      return g_strdup (row->in_print ? "true" : "false");
    case CELL_ISBN:
      return g_strdup_printf ("%" G_GINT64_FORMAT, row->isbn);
    case CELL_PAGES:
      return g_strdup_printf ("%d", row->pages);
    case CELL_PRICE:
      return g_strdup_printf ("%.17g", row->price);
    case CELL_PUBLISHED:
      date = g_date_time_new_from_unix_utc (row->published);
      return g_date_time_format (date, "%Y-%m-%dT%H:%M:%SZ");
    case CELL_TITLE:
    default:
      return g_strdup (row->title);
    }
}

static GListModel *
build_rows (guint n)
{
  const char * const words[] = { "amber", "echo", "harbour", "lantern", "meadow", "north", "tide", "willow" };
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  GListStore *store = g_list_store_new (BENCH_TYPE_ROW);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_full (n, g_object_unref);

  for (guint i = 0; i < n; i++)
    {
      BenchRow *row = g_object_new (BENCH_TYPE_ROW, NULL);

      row->pk = i + 1;
      row->title = g_strdup_printf ("The %s of %s %u",
                                    words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))],
                                    words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))], i + 1);
      row->published = g_rand_int_range (rand, 0, 1700000000);
      row->isbn = G_GINT64_CONSTANT (9780000000000) + i;
      row->price = g_rand_int_range (rand, 499, 4999) / 100.0;
      row->pages = g_rand_int_range (rand, 48, 1200);
      row->in_print = g_rand_boolean (rand);
      g_ptr_array_add (rows, row);
    }

  g_list_store_splice (store, 0, 0, rows->pdata, rows->len);

  return G_LIST_MODEL (store);
}

static void
setup_cell_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  Cell cell = GPOINTER_TO_INT (user_data);
  GtkInscription *inscription = GTK_INSCRIPTION (gtk_inscription_new (NULL));

  /* As Godwit's objects page sizes its cells. */
  gtk_inscription_set_min_chars (inscription, cell == CELL_PK ? 4 : 6);
  gtk_inscription_set_nat_chars (inscription, cell == CELL_PK ? 8 : 20);
  gtk_inscription_set_text_overflow (inscription, GTK_INSCRIPTION_OVERFLOW_ELLIPSIZE_END);
  gtk_list_item_set_child (list_item, GTK_WIDGET (inscription));
}

static void
bind_cell_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  g_autofree char *text = dup_cell_text (gtk_list_item_get_item (list_item), GPOINTER_TO_INT (user_data));

  gtk_inscription_set_text (GTK_INSCRIPTION (gtk_list_item_get_child (list_item)), text);
}

static void
open_baseline (Bench *self,
               guint  n_rows,
               int    width,
               int    height)
{
  GtkSingleSelection *selection;
  GtkWidget *scrolled;
  gint64 start;

  adw_init ();

  start = g_get_monotonic_time ();
  self->rows = build_rows (n_rows);
  self->rows_built = g_get_monotonic_time () - start;

  selection = gtk_single_selection_new (g_object_ref (self->rows));
  gtk_single_selection_set_autoselect (selection, FALSE);
  gtk_single_selection_set_can_unselect (selection, TRUE);
  self->view = GTK_COLUMN_VIEW (gtk_column_view_new (GTK_SELECTION_MODEL (selection)));
  gtk_column_view_set_show_row_separators (self->view, TRUE);
  gtk_column_view_set_show_column_separators (self->view, TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->view), "data-table");

  for (guint i = 0; i < G_N_ELEMENTS (cell_titles); i++)
    {
      GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
      g_autoptr(GtkColumnViewColumn) column = NULL;

      g_signal_connect (factory, "setup", G_CALLBACK (setup_cell_cb), GINT_TO_POINTER (i));
      g_signal_connect (factory, "bind", G_CALLBACK (bind_cell_cb), GINT_TO_POINTER (i));
      column = gtk_column_view_column_new (cell_titles[i], factory);
      gtk_column_view_column_set_resizable (column, TRUE);
      gtk_column_view_append_column (self->view, column);
    }

  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (self->view));

  /* Nothing but the view, at the size Godwit's has. */
  self->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (self->window, width, height);
  gtk_window_set_child (self->window, scrolled);
  gtk_window_present (self->window);

  self->phase = PHASE_FIRST_PAGE;
}

/* ---- Godwit ------------------------------------------------------------- */

static void
fail (Bench      *self,
      const char *format,
      ...) G_GNUC_PRINTF (2, 3);

static void
fail (Bench      *self,
      const char *format,
      ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  g_printerr ("godwit-bench-app: %s\n", message);
  self->status = EXIT_FAILURE;
  self->phase = PHASE_DONE;
  g_main_loop_quit (self->loop);
}

/* Once the store is read, the user picks Book in the sidebar. */
static void
document_cb (GodwitWindow *window,
             GParamSpec   *pspec,
             Bench        *self)
{
  GodwitDocument *document = godwit_window_get_document (window);
  GodwitStoreView *store_view = godwit_window_get_store_view (window);
  g_autoptr(GObject) first = NULL;
  GodwitObjectsPage *page;
  GodwitObjectList *list;

  if (document == NULL || self->phase != PHASE_OPENING)
    return;

  self->store_read_at = g_get_monotonic_time ();

  godwit_store_view_show_entity (store_view, ENTITY);
  if (g_strcmp0 (godwit_store_view_get_visible_page (store_view), "objects") != 0)
    {
      fail (self, "%s: the store has no objects of %s to show",
            g_file_peek_path (godwit_document_get_file (document)), ENTITY);
      return;
    }

  page = godwit_store_view_get_objects_page (store_view);
  list = godwit_objects_page_get_object_list (page);
  if (list == NULL || g_list_model_get_n_items (G_LIST_MODEL (list)) == 0)
    {
      fail (self, "%s: the store has no objects of %s to show",
            g_file_peek_path (godwit_document_get_file (document)), ENTITY);
      return;
    }

  /* The rows in the order the view shows them. */
  self->view = godwit_objects_page_get_column_view (page);
  self->rows = g_object_ref (G_LIST_MODEL (gtk_column_view_get_model (self->view)));
  first = g_list_model_get_item (self->rows, 0);
  if (!GODWIT_IS_OBJECT_ITEM (first))
    {
      fail (self, "the objects page shows rows of %s, not GodwitObjectItem: the bench cannot read their titles",
            G_OBJECT_TYPE_NAME (first));
      return;
    }

  self->phase = PHASE_FIRST_PAGE;
}

/* A store that cannot be read leaves the window without a document once
 * it is no longer busy; the document is set just after busy goes. */
static gboolean
check_opened_cb (gpointer user_data)
{
  Bench *self = user_data;

  if (self->phase == PHASE_OPENING && !godwit_window_get_busy (GODWIT_WINDOW (self->window)) &&
      godwit_window_get_document (GODWIT_WINDOW (self->window)) == NULL)
    fail (self, "the store could not be read (the window shows why)");

  return G_SOURCE_REMOVE;
}

static void
busy_cb (GodwitWindow *window,
         GParamSpec   *pspec,
         Bench        *self)
{
  if (!godwit_window_get_busy (window))
    g_idle_add (check_opened_cb, self);
}

static gboolean
open_godwit (Bench       *self,
             const char  *store_path,
             const char  *bundle_path,
             GError     **error)
{
  g_autoptr(GFile) store_file = g_file_new_for_commandline_arg (store_path);
  g_autoptr(GFile) bundle_file = g_file_new_for_commandline_arg (bundle_path);
  GodwitApplication *application;

  /* Not unique: a bench beside a running Godwit must not hand its store
   * over to it. */
  application = godwit_application_new (APP_ID, G_APPLICATION_NON_UNIQUE);
  if (!g_application_register (G_APPLICATION (application), NULL, error))
    return FALSE;

  /* What `godwit STORE --model BUNDLE` does. */
  self->window = godwit_application_open_store (application, store_file, bundle_file);
  g_signal_connect (self->window, "notify::document", G_CALLBACK (document_cb), self);
  g_signal_connect (self->window, "notify::busy", G_CALLBACK (busy_cb), self);

  return TRUE;
}

/* The title the row at @position shows, or NULL while it is not read. */
static char *
dup_title (Bench *self,
           guint  position)
{
  g_autoptr(GObject) item = g_list_model_get_item (self->rows, position);

  if (self->baseline)
    return g_strdup (BENCH_ROW (item)->title);

  if (!godwit_object_item_get_loaded (GODWIT_OBJECT_ITEM (item)))
    return NULL;

  return godwit_object_item_dup_value_text (GODWIT_OBJECT_ITEM (item), TITLE_ATTRIBUTE, 0);
}

/* ---- Measuring ---------------------------------------------------------- */

static const char *
widget_text (GtkWidget *widget)
{
  if (GTK_IS_INSCRIPTION (widget))
    return gtk_inscription_get_text (GTK_INSCRIPTION (widget));
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));

  return NULL;
}

/* Whether a mapped descendant of @widget inside the view's visible area
 * shows @text. */
static gboolean
shows_text (GtkWidget  *view,
            GtkWidget  *widget,
            const char *text)
{
  graphene_rect_t bounds;

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_mapped (child))
        continue;

      if (g_strcmp0 (widget_text (child), text) == 0 &&
          gtk_widget_compute_bounds (child, view, &bounds) &&
          bounds.origin.y + bounds.size.height > 0 &&
          bounds.origin.y < gtk_widget_get_height (view))
        return TRUE;

      if (shows_text (view, child, text))
        return TRUE;
    }

  return FALSE;
}

static gboolean
row_shown (Bench *self,
           guint  position)
{
  g_autofree char *title = dup_title (self, position);

  return title != NULL && shows_text (GTK_WIDGET (self->view), GTK_WIDGET (self->view), title);
}

/* One step down per frame; at the bottom, the view stays there until the
 * last rows are painted. */
static gboolean
scroll_tick_cb (GtkWidget     *widget,
                GdkFrameClock *frame_clock,
                gpointer       user_data)
{
  Bench *self = user_data;
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));
  double bottom = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment);
  double value = gtk_adjustment_get_value (adjustment);

  if (self->phase == PHASE_DONE)
    return G_SOURCE_REMOVE;

  /* The list keeps whole pixels. */
  if (self->n_frames++ > 0 && ABS (value - self->scrolled_to) >= 1)
    {
      self->n_jumps++;
      self->jumped += ABS (value - self->scrolled_to);
    }

  gtk_adjustment_set_value (adjustment,
                            MIN (value + self->pages_per_frame * gtk_adjustment_get_page_size (adjustment),
                                 bottom));
  self->scrolled_to = gtk_adjustment_get_value (adjustment);
  if (gtk_adjustment_get_value (adjustment) >= bottom)
    self->phase = PHASE_LAST_PAGE;

  return G_SOURCE_CONTINUE;
}

static gboolean
scrolling (Bench *self)
{
  return self->phase == PHASE_SCROLLING || self->phase == PHASE_LAST_PAGE;
}

/* Frame clock signals: ::before-paint and ::after-paint come with every
 * frame, the phases in between only when something asked for them (a
 * phase left out takes no time). Connected after GTK's own handlers, so
 * that each phase ends when its handler runs. */
static void
set_frame_time (Bench      *self,
                FramePhase  from)
{
  gint64 now = g_get_monotonic_time ();

  for (guint i = from; i <= N_FRAME_PHASES; i++)
    self->frame_times[i] = now;
}

static void
before_paint_cb (GdkFrameClock *frame_clock,
                 Bench         *self)
{
  set_frame_time (self, 0);
}

static void
update_cb (GdkFrameClock *frame_clock,
           Bench         *self)
{
  set_frame_time (self, FRAME_UPDATE + 1);
}

static void
layout_cb (GdkFrameClock *frame_clock,
           Bench         *self)
{
  set_frame_time (self, FRAME_LAYOUT + 1);
}

static void
paint_cb (GdkFrameClock *frame_clock,
          Bench         *self)
{
  set_frame_time (self, FRAME_PAINT + 1);
}

/* Whether a row in view is still a placeholder, its page being read. */
static gboolean
shows_placeholders (Bench *self)
{
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (self->view));
  guint n_rows = g_list_model_get_n_items (self->rows);
  double row_height;
  guint first;
  guint last;

  if (self->baseline || n_rows == 0)
    return FALSE;

  /* The rows are all as high. */
  row_height = gtk_adjustment_get_upper (adjustment) / n_rows;
  first = MIN (gtk_adjustment_get_value (adjustment) / row_height, n_rows - 1);
  last = MIN ((gtk_adjustment_get_value (adjustment) + gtk_adjustment_get_page_size (adjustment)) / row_height,
              n_rows - 1);

  for (guint i = first; i <= last; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (self->rows, i);

      if (!godwit_object_item_get_loaded (GODWIT_OBJECT_ITEM (item)))
        return TRUE;
    }

  return FALSE;
}

static void
record_frame (Bench *self)
{
  for (guint i = 0; i < N_FRAME_PHASES; i++)
    {
      gint64 duration = self->frame_times[i + 1] - self->frame_times[i];

      self->frame_phases[i] = MAX (self->frame_phases[i], duration);
      self->frame_phase_totals[i] += duration;
    }
  self->n_timed_frames++;

  if (shows_placeholders (self))
    self->n_placeholder_frames++;
}

static void
after_paint_cb (GdkFrameClock *frame_clock,
                Bench         *self)
{
  gint64 now = g_get_monotonic_time ();

  if (scrolling (self))
    record_frame (self);

  switch (self->phase)
    {
    case PHASE_FIRST_PAGE:
      if (!row_shown (self, 0))
        return;

      self->first_page_at = now;
      self->scroll_started = now;
      self->poll_returned = 0;
      self->phase = PHASE_SCROLLING;
      gtk_widget_add_tick_callback (GTK_WIDGET (self->view), scroll_tick_cb, self, NULL);
      break;

    case PHASE_LAST_PAGE:
      if (!row_shown (self, g_list_model_get_n_items (self->rows) - 1))
        return;

      self->scroll_ended = now;
      self->phase = PHASE_DONE;
      g_main_loop_quit (self->loop);
      break;

    case PHASE_OPENING:
    case PHASE_SCROLLING:
    case PHASE_DONE:
    default:
      break;
    }
}

/* The time between a poll's return and the next poll is what the loop
 * spent preparing and dispatching, without reading input or drawing
 * anything new: a stall as the user sees it. */
static gint
timed_poll (GPollFD *fds,
            guint    n_fds,
            gint     timeout)
{
  gint64 now = g_get_monotonic_time ();
  int result;

  if (scrolling (&bench) && bench.poll_returned != 0)
    {
      gint64 stall = now - bench.poll_returned;

      g_array_append_val (bench.stalls, stall);
      if (stall > FRAME_USEC)
        bench.n_long_stalls++;
      if (stall > bench.longest_stall)
        {
          bench.longest_stall = stall;
          bench.longest_stall_at = now - bench.scroll_started;
        }
    }

  result = g_poll (fds, n_fds, timeout);
  bench.poll_returned = g_get_monotonic_time ();

  return result;
}

static gboolean
timeout_cb (gpointer user_data)
{
  Bench *self = user_data;

  fail (self, "gave up after %d s (%s)", TIMEOUT_SECONDS,
        self->phase == PHASE_OPENING ? "the store was not shown" :
        self->phase == PHASE_FIRST_PAGE ? "the first rows were not shown" : "the last rows were not shown");

  return G_SOURCE_REMOVE;
}

static gboolean
parse_started_at (const char *text,
                  gint64     *started)
{
  char *end = NULL;
  double seconds = g_ascii_strtod (text, &end);
  gint64 elapsed;

  if (end == text || *end != '\0' || seconds <= 0)
    return FALSE;

  elapsed = g_get_real_time () - (gint64) (seconds * G_USEC_PER_SEC);
  if (elapsed < 0 || elapsed > 60 * G_USEC_PER_SEC)
    return FALSE;

  *started = g_get_monotonic_time () - elapsed;

  return TRUE;
}

static double
seconds (gint64 usec)
{
  return usec / (double) G_USEC_PER_SEC;
}

static int
compare_stalls (gconstpointer a,
                gconstpointer b)
{
  gint64 stall_a = *(const gint64 *) a;
  gint64 stall_b = *(const gint64 *) b;

  return stall_a < stall_b ? -1 : stall_a > stall_b;
}

/* The stall that @percent % of the main loop's iterations stayed under. */
static gint64
stall_percentile (GArray *stalls,
                  guint   percent)
{
  if (stalls->len == 0)
    return 0;

  g_array_sort (stalls, compare_stalls);

  return g_array_index (stalls, gint64, MIN (stalls->len - 1, (guint64) stalls->len * percent / 100));
}

static gboolean
parse_size (const char *text,
            int        *width,
            int        *height)
{
  g_auto(GStrv) parts = g_strsplit (text, "x", 3);
  guint64 numbers[2];

  if (g_strv_length (parts) != 2)
    return FALSE;

  for (guint i = 0; i < 2; i++)
    if (!g_ascii_string_to_unsigned (parts[i], 10, 100, 32767, &numbers[i], NULL))
      return FALSE;

  *width = numbers[0];
  *height = numbers[1];

  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *started_at = NULL;
  g_autofree char *view_size = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  GdkFrameClock *frame_clock;
  double row_height;
  double pages_per_frame = 1;
  int baseline_rows = 0;
  int width = 0;
  int height = 0;
  const GOptionEntry entries[] = {
    { "baseline", 0, 0, G_OPTION_ARG_INT, &baseline_rows,
      "Measure a plain GtkColumnView over N rows built in memory instead", "N" },
    { "started-at", 0, 0, G_OPTION_ARG_STRING, &started_at,
      "When the process was started (seconds since the epoch, as bash's EPOCHREALTIME)", "SECONDS" },
    { "pages-per-frame", 0, 0, G_OPTION_ARG_DOUBLE, &pages_per_frame,
      "How far each frame scrolls, in heights of the view (1)", "PAGES" },
    { "view-size", 0, 0, G_OPTION_ARG_STRING, &view_size,
      "The baseline's view size, as Godwit's run printed it (its window's default size)", "WIDTHxHEIGHT" },
    { NULL }
  };

  bench.started = g_get_monotonic_time ();
  setlocale (LC_ALL, "");

  context = g_option_context_new ("[STORE BUNDLE]");
  g_option_context_set_summary (context,
                                "Open STORE with BUNDLE in Godwit's window, show its Book objects and "
                                "scroll them to the end; print the time to the first rows shown and "
                                "the longest main-loop stall while scrolling (what, value; tab-separated).");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("godwit-bench-app: %s\n", error->message);
      return EXIT_USAGE;
    }
  if (started_at != NULL && !parse_started_at (started_at, &bench.started))
    {
      g_printerr ("godwit-bench-app: --started-at: “%s” is not a time of the last minute in seconds "
                  "since the epoch\n", started_at);
      return EXIT_USAGE;
    }
  if (view_size != NULL && !parse_size (view_size, &width, &height))
    {
      g_printerr ("godwit-bench-app: --view-size: “%s” is not WIDTHxHEIGHT (100 to 32767 pixels)\n",
                  view_size);
      return EXIT_USAGE;
    }
  if (baseline_rows < 0 || pages_per_frame <= 0 || (baseline_rows > 0) != (argc == 1) ||
      (baseline_rows == 0 && argc != 3))
    {
      g_printerr ("godwit-bench-app: expected STORE and BUNDLE, or --baseline N (see --help)\n");
      return EXIT_USAGE;
    }

  bench.baseline = baseline_rows > 0;
  bench.pages_per_frame = pages_per_frame;
  bench.loop = loop = g_main_loop_new (NULL, FALSE);
  bench.stalls = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_main_context_set_poll_func (NULL, timed_poll);

  if (bench.baseline)
    {
      g_autoptr(GSettings) settings = NULL;

      /* Without a size, that of Godwit's window. */
      if (view_size == NULL)
        {
          settings = g_settings_new ("io.github.godwit.Godwit");
          width = g_settings_get_int (settings, "window-width");
          height = g_settings_get_int (settings, "window-height");
        }
      open_baseline (&bench, baseline_rows, width, height);
    }
  else if (!open_godwit (&bench, argv[1], argv[2], &error))
    {
      g_printerr ("godwit-bench-app: %s\n", error->message);
      return EXIT_FAILURE;
    }

  frame_clock = gtk_widget_get_frame_clock (GTK_WIDGET (bench.window));
  g_signal_connect (frame_clock, "before-paint", G_CALLBACK (before_paint_cb), &bench);
  g_signal_connect_after (frame_clock, "update", G_CALLBACK (update_cb), &bench);
  g_signal_connect_after (frame_clock, "layout", G_CALLBACK (layout_cb), &bench);
  g_signal_connect_after (frame_clock, "paint", G_CALLBACK (paint_cb), &bench);
  g_signal_connect (frame_clock, "after-paint", G_CALLBACK (after_paint_cb), &bench);
  g_timeout_add_seconds (TIMEOUT_SECONDS, timeout_cb, &bench);

  g_main_loop_run (loop);
  if (bench.status != EXIT_SUCCESS)
    return bench.status;

  row_height = gtk_adjustment_get_upper (gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (bench.view))) /
               g_list_model_get_n_items (bench.rows);
  g_print ("rows\t%u\n", g_list_model_get_n_items (bench.rows));
  /* The baseline's rows are there before GTK starts: building them is
   * not GTK's cost. */
  g_print ("store-read\t%.6f\n", bench.baseline ? 0 : seconds (bench.store_read_at - bench.started));
  g_print ("first-page\t%.6f\n", seconds (bench.first_page_at - bench.started - bench.rows_built));
  g_print ("rows-built\t%.6f\n", seconds (bench.rows_built));
  g_print ("scroll\t%.6f\n", seconds (bench.scroll_ended - bench.scroll_started));
  g_print ("frames\t%u\n", bench.n_frames);
  g_print ("placeholder-frames\t%u\n", bench.n_placeholder_frames);
  g_print ("jumps\t%u\n", bench.n_jumps);
  g_print ("jumped-rows\t%.0f\n", bench.jumped / row_height);
  g_print ("iterations\t%u\n", bench.stalls->len);
  g_print ("longest-stall\t%.6f\n", seconds (bench.longest_stall));
  g_print ("longest-stall-at\t%.6f\n", seconds (bench.longest_stall_at));
  g_print ("stalls-over-16ms\t%u\n", bench.n_long_stalls);
  g_print ("stall-p99\t%.6f\n", seconds (stall_percentile (bench.stalls, 99)));
  for (guint i = 0; i < N_FRAME_PHASES; i++)
    {
      g_print ("frame-%s-longest\t%.6f\n", frame_phase_names[i], seconds (bench.frame_phases[i]));
      g_print ("frame-%s-mean\t%.6f\n", frame_phase_names[i],
               seconds (bench.frame_phase_totals[i] / MAX (bench.n_timed_frames, 1)));
    }
  g_print ("row-height\t%.1f\n", row_height);
  g_print ("view-size\t%dx%d\n", gtk_widget_get_width (GTK_WIDGET (bench.view)),
           gtk_widget_get_height (GTK_WIDGET (bench.view)));

  gtk_window_destroy (bench.window);
  g_clear_object (&bench.rows);
  g_array_unref (bench.stalls);

  return EXIT_SUCCESS;
}
