/* godwit-chain-view.c
 *
 * Copyright 2026 The Godwit developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The version chain: a bundle's versions as nodes from left to right, the
 * store's version and the target marked, and each step of the migration
 * between them an edge whose line and label say how it migrates, with a
 * legend below. The lines and nodes are drawn with GtkSnapshot; the texts
 * are labels, children of the view, so that they follow the style and
 * carry the accessible names of the nodes and edges. Colours come from
 * the labels' style: each edge label has the CSS class of its kind.
 *
 * The view takes the keyboard focus: the arrow keys move the selection
 * from edge to edge, Enter activates the selected one.
 */

#define G_LOG_DOMAIN "godwit-chain-view"

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "godwit-chain-view.h"

#define N_KINDS           4
#define PADDING           12
#define NODE_RADIUS       9
#define TARGET_RING_GAP   4
#define MIN_SPACING       132
#define EDGE_LABEL_MARGIN 12
#define EDGE_GAP          5     /* between a node and the line */
#define NAME_GAP          16    /* between two version names */
#define LABEL_GAP         6
#define LEGEND_TOP        20
#define LEGEND_SWATCH     28
#define LEGEND_GAP        20
#define ARROW_LENGTH      9

typedef struct
{
  GtkWidget *name_label;
  GtkWidget *caption_label;   /* hidden unless the store's version or the target */
} Version;

typedef struct
{
  GodwitMigrationStepKind  kind;
  GtkWidget               *label;
} Step;

struct _GodwitChainView
{
  GtkWidget   parent_instance;

  GArray     *versions;        /* (element-type Version) */
  GArray     *steps;           /* (element-type Step) */
  GtkWidget  *legend[N_KINDS];
  int         store_index;     /* -1 when not known */
  int         target_index;    /* -1 when not known */
  int         selected;        /* a step, or -1 */

  /* Where size_allocate put the nodes and the legend */
  float       first_x;
  float       spacing;
  float       line_y;
  float       legend_x[N_KINDS];   /* where each swatch starts */
  float       legend_y;            /* the swatches' middle */
};

G_DEFINE_FINAL_TYPE (GodwitChainView, godwit_chain_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED_STEP,
  N_PROPS
};

enum {
  STEP_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const struct {
  const char *css_class;
  const char *label;
  const char *legend;
  const char *description;
} kinds[N_KINDS] = {
  [GODWIT_MIGRATION_STEP_INFERRED] = {
    "inferred", N_("Inferred"), N_("Inferred by Core Data’s rules"),
    N_("Migrated by Core Data’s lightweight rules, run as SQL")
  },
  [GODWIT_MIGRATION_STEP_PLAN] = {
    "plan", N_("Migration plan"), N_("Migration plan stage"),
    N_("Migrated by a custom stage of the migration plan")
  },
  [GODWIT_MIGRATION_STEP_MAPPING_MODEL] = {
    "mapping-model", N_("Mapping model"), N_("Xcode mapping model"),
    N_("Migrated by an Xcode mapping model, run as a stage")
  },
  [GODWIT_MIGRATION_STEP_NOT_MIGRATABLE] = {
    "not-migratable", N_("Not migratable"), N_("Not migratable"),
    N_("Cannot be migrated")
  },
};

static int
step_from_version (GodwitChainView *self,
                   guint            version)
{
  int step = (int) version - self->store_index;

  if (self->store_index < 0 || step < 0 || step >= (int) self->steps->len)
    return -1;

  return step;
}

static float
node_x (GodwitChainView *self,
        guint            index)
{
  return self->first_x + index * self->spacing;
}

static void
clear_chain (GodwitChainView *self)
{
  for (guint i = 0; i < self->versions->len; i++)
    {
      Version *version = &g_array_index (self->versions, Version, i);

      gtk_widget_unparent (version->name_label);
      gtk_widget_unparent (version->caption_label);
    }
  g_array_set_size (self->versions, 0);

  for (guint i = 0; i < self->steps->len; i++)
    gtk_widget_unparent (g_array_index (self->steps, Step, i).label);
  g_array_set_size (self->steps, 0);
}

static void
update_step_accessibility (GodwitChainView *self)
{
  g_autofree char *description = NULL;

  for (guint i = 0; i < self->steps->len; i++)
    gtk_accessible_update_state (GTK_ACCESSIBLE (g_array_index (self->steps, Step, i).label),
                                 GTK_ACCESSIBLE_STATE_SELECTED, (int) i == self->selected,
                                 -1);

  if (self->selected >= 0)
    {
      GtkWidget *label = g_array_index (self->steps, Step, self->selected).label;

      description = g_strdup_printf (_("%s selected. The arrow keys choose another step, Enter previews it."),
                                     (const char *) g_object_get_data (G_OBJECT (label), "godwit-accessible-label"));
    }
  else if (self->steps->len > 0)
    description = g_strdup (_("The arrow keys choose a step, Enter previews it."));
  else
    description = g_strdup (_("No step to migrate."));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description, -1);
}

/* Keeps the selected edge in view when the view scrolls. */
static void
scroll_to_selected (GodwitChainView *self)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (self), GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment;
  guint from;

  if (scrolled == NULL || self->selected < 0)
    return;

  from = self->store_index + self->selected;
  adjustment = gtk_scrolled_window_get_hadjustment (GTK_SCROLLED_WINDOW (scrolled));
  gtk_adjustment_clamp_page (adjustment,
                             node_x (self, from) - NODE_RADIUS - PADDING,
                             node_x (self, from + 1) + NODE_RADIUS + PADDING);
}

static void
add_version (GodwitChainView *self,
             const char      *name,
             guint            index)
{
  Version version;
  g_autofree char *accessible_label = NULL;
  const char *caption = NULL;
  gboolean is_store = (int) index == self->store_index;
  gboolean is_target = (int) index == self->target_index;

  if (is_store && is_target)
    {
      caption = _("Store and target");
      accessible_label = g_strdup_printf (_("Version “%s”: the store’s version and the target"), name);
    }
  else if (is_store)
    {
      caption = _("Store");
      accessible_label = g_strdup_printf (_("Version “%s”: the store’s version"), name);
    }
  else if (is_target)
    {
      caption = _("Target");
      accessible_label = g_strdup_printf (_("Version “%s”: the target"), name);
    }
  else
    accessible_label = g_strdup_printf (_("Version “%s”"), name);

  version.name_label = g_object_new (GTK_TYPE_LABEL,
                                     "label", name,
                                     "accessible-role", GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                                     NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (version.name_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  /* Versions the migration does not pass through are quieter. */
  if (self->store_index >= 0 && self->target_index >= 0 &&
      ((int) index < self->store_index || (int) index > self->target_index))
    gtk_widget_add_css_class (version.name_label, "dim-label");
  if (is_store || is_target)
    gtk_widget_add_css_class (version.name_label, "heading");

  /* The node's label says it already. */
  version.caption_label = g_object_new (GTK_TYPE_LABEL,
                                        "label", caption,
                                        "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                        NULL);
  gtk_widget_add_css_class (version.caption_label, "caption");
  gtk_widget_set_visible (version.caption_label, caption != NULL);
  if (is_target)
    gtk_widget_add_css_class (version.caption_label, "accent");
  else
    gtk_widget_add_css_class (version.caption_label, "dim-label");

  gtk_widget_set_parent (version.name_label, GTK_WIDGET (self));
  gtk_widget_set_parent (version.caption_label, GTK_WIDGET (self));
  g_array_append_val (self->versions, version);
}

static void
add_step (GodwitChainView           *self,
          const GodwitMigrationStep *migration_step,
          const char                *from,
          const char                *to,
          guint                      index,
          guint                      n_steps)
{
  Step step;
  g_autofree char *accessible_label = NULL;
  g_autofree char *description = NULL;

  step.kind = migration_step->kind;
  if (step.kind >= N_KINDS)
    step.kind = GODWIT_MIGRATION_STEP_NOT_MIGRATABLE;

  accessible_label = g_strdup_printf (_("Step %u of %u, from “%s” to “%s”: %s"),
                                      index + 1, n_steps, from, to, _(kinds[step.kind].label));
  if (migration_step->blockers->len > 0)
    description = g_strdup_printf (_("Cannot be migrated: %s"),
                                   (const char *) g_ptr_array_index (migration_step->blockers, 0));
  else
    description = g_strdup (_(kinds[step.kind].description));

  step.label = g_object_new (GTK_TYPE_LABEL,
                             "label", _(kinds[step.kind].label),
                             "accessible-role", GTK_ACCESSIBLE_ROLE_LIST_ITEM,
                             NULL);
  gtk_widget_add_css_class (step.label, "godwit-step-kind");
  gtk_widget_add_css_class (step.label, kinds[step.kind].css_class);
  gtk_widget_add_css_class (step.label, "caption-heading");
  gtk_accessible_update_property (GTK_ACCESSIBLE (step.label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  g_object_set_data_full (G_OBJECT (step.label), "godwit-accessible-label",
                          g_steal_pointer (&accessible_label), g_free);
  gtk_widget_set_tooltip_text (step.label, description);

  gtk_widget_set_parent (step.label, GTK_WIDGET (self));
  g_array_append_val (self->steps, step);
}

typedef struct
{
  int max_name_width;
  int name_height;
  int caption_height;
  int max_step_width;
  int step_height;
  int legend_widths[N_KINDS];
  int legend_height;
  int spacing;
  int chain_width;
  int legend_width;
} Metrics;

static void
measure_child (GtkWidget *child,
               int       *width,
               int       *height)
{
  int w = 0;
  int h = 0;

  if (gtk_widget_get_visible (child))
    {
      gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &w, NULL, NULL);
      gtk_widget_measure (child, GTK_ORIENTATION_VERTICAL, w, NULL, &h, NULL, NULL);
    }

  if (width != NULL)
    *width = w;
  if (height != NULL)
    *height = h;
}

static void
compute_metrics (GodwitChainView *self,
                 Metrics         *m)
{
  int node_width;

  memset (m, 0, sizeof *m);

  for (guint i = 0; i < self->versions->len; i++)
    {
      Version *version = &g_array_index (self->versions, Version, i);
      int w, h;

      measure_child (version->name_label, &w, &h);
      m->max_name_width = MAX (m->max_name_width, w);
      m->name_height = MAX (m->name_height, h);
      measure_child (version->caption_label, &w, &h);
      m->max_name_width = MAX (m->max_name_width, w);
      m->caption_height = MAX (m->caption_height, h);
    }

  for (guint i = 0; i < self->steps->len; i++)
    {
      int w, h;

      measure_child (g_array_index (self->steps, Step, i).label, &w, &h);
      m->max_step_width = MAX (m->max_step_width, w);
      m->step_height = MAX (m->step_height, h);
    }
  /* The row of edge labels keeps its height without steps, so that the
   * view does not jump when a plan arrives. */
  if (m->step_height == 0)
    measure_child (self->legend[0], NULL, &m->step_height);

  for (guint i = 0; i < N_KINDS; i++)
    {
      int h;

      measure_child (self->legend[i], &m->legend_widths[i], &h);
      m->legend_height = MAX (m->legend_height, h);
      m->legend_width += LEGEND_SWATCH + LABEL_GAP + m->legend_widths[i] + (i > 0 ? LEGEND_GAP : 0);
    }
  m->legend_width += 2 * PADDING;

  m->spacing = MAX (MIN_SPACING, MAX (m->max_step_width + 2 * (EDGE_LABEL_MARGIN + NODE_RADIUS),
                                      m->max_name_width + NAME_GAP));
  node_width = MAX (m->max_name_width, 2 * (NODE_RADIUS + TARGET_RING_GAP));
  m->chain_width = 2 * PADDING + node_width;
  if (self->versions->len > 1)
    m->chain_width += (self->versions->len - 1) * m->spacing;
}

static int
total_height (const Metrics *m)
{
  return PADDING + m->step_height + LABEL_GAP + 2 * (NODE_RADIUS + TARGET_RING_GAP) + LABEL_GAP +
         m->name_height + m->caption_height + LEGEND_TOP + m->legend_height + PADDING;
}

static void
godwit_chain_view_measure (GtkWidget      *widget,
                           GtkOrientation  orientation,
                           int             for_size,
                           int            *minimum,
                           int            *natural,
                           int            *minimum_baseline,
                           int            *natural_baseline)
{
  GodwitChainView *self = GODWIT_CHAIN_VIEW (widget);
  Metrics m;

  compute_metrics (self, &m);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    *minimum = *natural = MAX (m.chain_width, m.legend_width);
  else
    *minimum = *natural = total_height (&m);
}

static void
allocate_centered (GtkWidget *child,
                   float      center_x,
                   int        y)
{
  int w, h;

  if (!gtk_widget_get_visible (child))
    return;

  measure_child (child, &w, &h);
  gtk_widget_size_allocate (child, &(GtkAllocation) { (int) (center_x - w / 2.0f), y, w, h }, -1);
}

static void
godwit_chain_view_size_allocate (GtkWidget *widget,
                                 int        width,
                                 int        height,
                                 int        baseline)
{
  GodwitChainView *self = GODWIT_CHAIN_VIEW (widget);
  Metrics m;
  int node_width;
  int name_y;
  int legend_x = PADDING;
  int legend_y;

  compute_metrics (self, &m);
  node_width = MAX (m.max_name_width, 2 * (NODE_RADIUS + TARGET_RING_GAP));

  self->spacing = m.spacing;
  self->first_x = PADDING + node_width / 2.0f;
  self->line_y = PADDING + m.step_height + LABEL_GAP + NODE_RADIUS + TARGET_RING_GAP;
  name_y = self->line_y + NODE_RADIUS + TARGET_RING_GAP + LABEL_GAP;
  legend_y = name_y + m.name_height + m.caption_height + LEGEND_TOP;

  for (guint i = 0; i < self->versions->len; i++)
    {
      Version *version = &g_array_index (self->versions, Version, i);

      allocate_centered (version->name_label, node_x (self, i), name_y);
      allocate_centered (version->caption_label, node_x (self, i), name_y + m.name_height);
    }

  for (guint i = 0; i < self->steps->len; i++)
    {
      guint from = self->store_index + i;

      allocate_centered (g_array_index (self->steps, Step, i).label,
                         (node_x (self, from) + node_x (self, from + 1)) / 2, PADDING);
    }

  self->legend_y = legend_y + m.legend_height / 2.0f;
  for (guint i = 0; i < N_KINDS; i++)
    {
      self->legend_x[i] = legend_x;
      legend_x += LEGEND_SWATCH + LABEL_GAP;
      gtk_widget_size_allocate (self->legend[i],
                                &(GtkAllocation) { legend_x, legend_y, m.legend_widths[i], m.legend_height },
                                -1);
      legend_x += m.legend_widths[i] + LEGEND_GAP;
    }
}

static void
get_color (GtkWidget *widget,
           GdkRGBA   *color)
{
  /* GTK 4.8 has no gtk_widget_get_color (). */
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), color);
}

static void
append_rect (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             float          x,
             float          y,
             float          width,
             float          height)
{
  gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, width, height));
}

/* A horizontal line, dashed when @dash is not 0. */
static void
append_line (GtkSnapshot   *snapshot,
             const GdkRGBA *color,
             float          x0,
             float          x1,
             float          y,
             float          thickness,
             float          dash,
             float          gap)
{
  if (dash <= 0)
    {
      append_rect (snapshot, color, x0, y - thickness / 2, x1 - x0, thickness);
      return;
    }

  for (float x = x0; x < x1; x += dash + gap)
    append_rect (snapshot, color, x, y - thickness / 2, MIN (dash, x1 - x), thickness);
}

/* A chevron pointing right, its tip at (@x, @y). */
static void
append_arrow_head (GtkSnapshot   *snapshot,
                   const GdkRGBA *color,
                   float          x,
                   float          y,
                   float          thickness)
{
  const float angles[] = { 145, 215 };

  for (guint i = 0; i < G_N_ELEMENTS (angles); i++)
    {
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
      gtk_snapshot_rotate (snapshot, angles[i]);
      append_rect (snapshot, color, -thickness / 2, -thickness / 2, ARROW_LENGTH, thickness);
      gtk_snapshot_restore (snapshot);
    }
}

/* Each kind has its own line as well as its own colour, so that the
 * colour is never the only sign. */
static void
append_kind_line (GtkSnapshot             *snapshot,
                  GodwitMigrationStepKind  kind,
                  const GdkRGBA           *color,
                  float                    x0,
                  float                    x1,
                  float                    y)
{
  switch (kind)
    {
    case GODWIT_MIGRATION_STEP_INFERRED:
      append_line (snapshot, color, x0, x1, y, 2, 0, 0);
      break;
    case GODWIT_MIGRATION_STEP_PLAN:
      append_line (snapshot, color, x0, x1, y, 4, 0, 0);
      break;
    case GODWIT_MIGRATION_STEP_MAPPING_MODEL:
      append_line (snapshot, color, x0, x1, y, 3, 7, 4);
      break;
    case GODWIT_MIGRATION_STEP_NOT_MIGRATABLE:
    default:
      append_line (snapshot, color, x0, x1, y, 3, 3, 4);
      break;
    }
}

static void
append_circle (GtkSnapshot   *snapshot,
               const GdkRGBA *color,
               float          x,
               float          y,
               float          radius,
               float          ring)
{
  GskRoundedRect outline;

  gsk_rounded_rect_init_from_rect (&outline, &GRAPHENE_RECT_INIT (x - radius, y - radius, 2 * radius, 2 * radius),
                                   radius);

  if (ring <= 0)
    {
      gtk_snapshot_push_rounded_clip (snapshot, &outline);
      gtk_snapshot_append_color (snapshot, color, &outline.bounds);
      gtk_snapshot_pop (snapshot);
      return;
    }

  gtk_snapshot_append_border (snapshot, &outline,
                              (float[4]) { ring, ring, ring, ring },
                              (GdkRGBA[4]) { *color, *color, *color, *color });
}

static void
snapshot_selection (GodwitChainView *self,
                    GtkSnapshot     *snapshot)
{
  GtkWidget *label;
  GdkRGBA color;
  GskRoundedRect outline;
  graphene_rect_t bounds;
  guint from;
  float x0;
  float x1;

  if (self->selected < 0)
    return;

  label = g_array_index (self->steps, Step, self->selected).label;
  get_color (label, &color);
  from = self->store_index + self->selected;
  x0 = node_x (self, from) + NODE_RADIUS + EDGE_GAP;
  x1 = node_x (self, from + 1) - NODE_RADIUS - EDGE_GAP;
  bounds = GRAPHENE_RECT_INIT (x0, PADDING / 2.0f, x1 - x0, self->line_y + NODE_RADIUS - PADDING / 2.0f);
  gsk_rounded_rect_init_from_rect (&outline, &bounds, 6);

  color.alpha *= 0.14f;
  gtk_snapshot_push_rounded_clip (snapshot, &outline);
  gtk_snapshot_append_color (snapshot, &color, &bounds);
  gtk_snapshot_pop (snapshot);

  if (gtk_widget_has_visible_focus (GTK_WIDGET (self)))
    {
      get_color (label, &color);
      gtk_snapshot_append_border (snapshot, &outline,
                                  (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { color, color, color, color });
    }
}

static void
snapshot_edges (GodwitChainView *self,
                GtkSnapshot     *snapshot,
                const GdkRGBA   *fg)
{
  GdkRGBA faint = *fg;

  faint.alpha *= 0.3f;

  for (guint i = 0; i + 1 < self->versions->len; i++)
    {
      float x0 = node_x (self, i) + NODE_RADIUS + EDGE_GAP;
      float x1 = node_x (self, i + 1) - NODE_RADIUS - EDGE_GAP;
      int step = step_from_version (self, i);
      GdkRGBA color;

      /* A pair of versions the migration does not step through. */
      if (step < 0)
        {
          append_line (snapshot, &faint, x0, x1, self->line_y, 1, 0, 0);
          continue;
        }

      get_color (g_array_index (self->steps, Step, step).label, &color);
      append_kind_line (snapshot, g_array_index (self->steps, Step, step).kind, &color,
                        x0, x1 - 1, self->line_y);
      append_arrow_head (snapshot, &color, x1, self->line_y, 2);
    }
}

static void
snapshot_nodes (GodwitChainView *self,
                GtkSnapshot     *snapshot,
                const GdkRGBA   *fg)
{
  for (guint i = 0; i < self->versions->len; i++)
    {
      Version *version = &g_array_index (self->versions, Version, i);
      gboolean passed = self->store_index < 0 || self->target_index < 0 ||
                        ((int) i >= self->store_index && (int) i <= self->target_index);
      GdkRGBA color = *fg;
      float x = node_x (self, i);

      if (!passed)
        color.alpha *= 0.45f;

      /* The store's version is a filled node, the target a ringed one. */
      if ((int) i == self->store_index)
        append_circle (snapshot, &color, x, self->line_y, NODE_RADIUS, 0);
      else
        append_circle (snapshot, &color, x, self->line_y, NODE_RADIUS, 2);

      if ((int) i == self->target_index)
        {
          GdkRGBA accent;

          get_color (version->caption_label, &accent);
          append_circle (snapshot, &accent, x, self->line_y, NODE_RADIUS + TARGET_RING_GAP, 2.5);
        }
    }
}

static void
snapshot_legend (GodwitChainView *self,
                 GtkSnapshot     *snapshot)
{
  for (guint i = 0; i < N_KINDS; i++)
    {
      GdkRGBA color;

      get_color (self->legend[i], &color);
      append_kind_line (snapshot, i, &color, self->legend_x[i], self->legend_x[i] + LEGEND_SWATCH,
                        self->legend_y);
    }
}

static void
godwit_chain_view_snapshot (GtkWidget   *widget,
                            GtkSnapshot *snapshot)
{
  GodwitChainView *self = GODWIT_CHAIN_VIEW (widget);
  GdkRGBA fg;

  get_color (widget, &fg);

  snapshot_selection (self, snapshot);
  snapshot_edges (self, snapshot, &fg);
  snapshot_nodes (self, snapshot, &fg);
  snapshot_legend (self, snapshot);

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_snapshot_child (widget, child, snapshot);
}

static void
move_selection (GodwitChainView *self,
                int              delta)
{
  int selected;

  if (self->steps->len == 0)
    return;

  if (self->selected < 0)
    selected = delta > 0 ? 0 : (int) self->steps->len - 1;
  else
    selected = CLAMP (self->selected + delta, 0, (int) self->steps->len - 1);

  godwit_chain_view_set_selected_step (self, selected);
}

static void
select_previous_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  move_selection (GODWIT_CHAIN_VIEW (widget), -1);
}

static void
select_next_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  move_selection (GODWIT_CHAIN_VIEW (widget), 1);
}

static void
select_first_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  move_selection (GODWIT_CHAIN_VIEW (widget), -G_MAXINT / 2);
}

static void
select_last_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  move_selection (GODWIT_CHAIN_VIEW (widget), G_MAXINT / 2);
}

static void
activate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GodwitChainView *self = GODWIT_CHAIN_VIEW (widget);

  if (self->selected >= 0)
    g_signal_emit (self, signals[STEP_ACTIVATED], 0, (guint) self->selected);
}

/* A click on an edge, or its label, selects and activates it. */
static void
pressed_cb (GodwitChainView *self,
            int              n_press,
            double           x,
            double           y,
            GtkGestureClick *gesture)
{
  for (guint i = 0; i < self->steps->len; i++)
    {
      guint from = self->store_index + i;

      if (x >= node_x (self, from) + NODE_RADIUS && x <= node_x (self, from + 1) - NODE_RADIUS &&
          y <= self->line_y + NODE_RADIUS + TARGET_RING_GAP)
        {
          gtk_widget_grab_focus (GTK_WIDGET (self));
          godwit_chain_view_set_selected_step (self, i);
          g_signal_emit (self, signals[STEP_ACTIVATED], 0, i);
          return;
        }
    }
}

static void
focus_changed_cb (GodwitChainView *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
godwit_chain_view_dispose (GObject *object)
{
  GodwitChainView *self = (GodwitChainView *)object;

  clear_chain (self);
  for (guint i = 0; i < N_KINDS; i++)
    g_clear_pointer (&self->legend[i], gtk_widget_unparent);

  G_OBJECT_CLASS (godwit_chain_view_parent_class)->dispose (object);
}

static void
godwit_chain_view_finalize (GObject *object)
{
  GodwitChainView *self = (GodwitChainView *)object;

  g_clear_pointer (&self->versions, g_array_unref);
  g_clear_pointer (&self->steps, g_array_unref);

  G_OBJECT_CLASS (godwit_chain_view_parent_class)->finalize (object);
}

static void
godwit_chain_view_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  GodwitChainView *self = GODWIT_CHAIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_STEP:
      g_value_set_int (value, self->selected);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_chain_view_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  GodwitChainView *self = GODWIT_CHAIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_SELECTED_STEP:
      godwit_chain_view_set_selected_step (self, g_value_get_int (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
godwit_chain_view_class_init (GodwitChainViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const struct {
    guint       keyval;
    const char *action;
  } bindings[] = {
    { GDK_KEY_Left, "chain.select-previous" },
    { GDK_KEY_KP_Left, "chain.select-previous" },
    { GDK_KEY_Right, "chain.select-next" },
    { GDK_KEY_KP_Right, "chain.select-next" },
    { GDK_KEY_Home, "chain.select-first" },
    { GDK_KEY_KP_Home, "chain.select-first" },
    { GDK_KEY_End, "chain.select-last" },
    { GDK_KEY_KP_End, "chain.select-last" },
    { GDK_KEY_Return, "chain.activate" },
    { GDK_KEY_KP_Enter, "chain.activate" },
    { GDK_KEY_ISO_Enter, "chain.activate" },
    { GDK_KEY_space, "chain.activate" },
  };

  object_class->dispose = godwit_chain_view_dispose;
  object_class->finalize = godwit_chain_view_finalize;
  object_class->get_property = godwit_chain_view_get_property;
  object_class->set_property = godwit_chain_view_set_property;

  widget_class->measure = godwit_chain_view_measure;
  widget_class->size_allocate = godwit_chain_view_size_allocate;
  widget_class->snapshot = godwit_chain_view_snapshot;

  /* The step whose edge is selected, -1 for none. */
  properties[PROP_SELECTED_STEP] =
    g_param_spec_int ("selected-step", NULL, NULL, -1, G_MAXINT, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Enter on the selected edge, or a click on one: the step's index. */
  signals[STEP_ACTIVATED] =
    g_signal_new ("step-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "chain.select-previous", NULL, select_previous_action);
  gtk_widget_class_install_action (widget_class, "chain.select-next", NULL, select_next_action);
  gtk_widget_class_install_action (widget_class, "chain.select-first", NULL, select_first_action);
  gtk_widget_class_install_action (widget_class, "chain.select-last", NULL, select_last_action);
  gtk_widget_class_install_action (widget_class, "chain.activate", NULL, activate_action);
  for (guint i = 0; i < G_N_ELEMENTS (bindings); i++)
    gtk_widget_class_add_binding_action (widget_class, bindings[i].keyval, 0, bindings[i].action, NULL);

  gtk_widget_class_set_css_name (widget_class, "godwit-chain-view");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_LIST);
}

static void
godwit_chain_view_init (GodwitChainView *self)
{
  GtkGesture *click = gtk_gesture_click_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();

  self->versions = g_array_new (FALSE, FALSE, sizeof (Version));
  self->steps = g_array_new (FALSE, FALSE, sizeof (Step));
  self->store_index = -1;
  self->target_index = -1;
  self->selected = -1;

  for (guint i = 0; i < N_KINDS; i++)
    {
      self->legend[i] = gtk_label_new (_(kinds[i].legend));
      gtk_widget_add_css_class (self->legend[i], "godwit-step-kind");
      gtk_widget_add_css_class (self->legend[i], kinds[i].css_class);
      gtk_widget_add_css_class (self->legend[i], "caption");
      gtk_widget_set_parent (self->legend[i], GTK_WIDGET (self));
    }

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);

  g_signal_connect_object (click, "pressed", G_CALLBACK (pressed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect_object (focus, "enter", G_CALLBACK (focus_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (focus, "leave", G_CALLBACK (focus_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);

  update_step_accessibility (self);
}

GtkWidget *
godwit_chain_view_new (void)
{
  return g_object_new (GODWIT_TYPE_CHAIN_VIEW, NULL);
}

/**
 * godwit_chain_view_set_chain:
 * @versions: (array zero-terminated=1): the bundle's version names, in order
 * @store_index: the store's version in @versions, or -1 when not known
 * @target_index: the target in @versions, or -1 when not known
 * @steps: (nullable) (element-type GodwitMigrationStep): the migration's
 *   steps, from @store_index to @target_index; only read here
 *
 * Shows a chain, no edge selected.
 */
void
godwit_chain_view_set_chain (GodwitChainView    *self,
                             const char * const *versions,
                             int                 store_index,
                             int                 target_index,
                             GPtrArray          *steps)
{
  guint n_versions;
  guint n_steps;

  g_return_if_fail (GODWIT_IS_CHAIN_VIEW (self));
  g_return_if_fail (versions != NULL);

  n_versions = g_strv_length ((char **) versions);
  n_steps = steps != NULL ? steps->len : 0;

  g_return_if_fail (store_index >= -1 && store_index < (int) n_versions);
  g_return_if_fail (target_index >= -1 && target_index < (int) n_versions);
  g_return_if_fail (n_steps == 0 || (store_index >= 0 && store_index + (int) n_steps < (int) n_versions));

  clear_chain (self);
  self->store_index = store_index;
  self->target_index = target_index;
  self->selected = -1;

  for (guint i = 0; i < n_versions; i++)
    add_version (self, versions[i], i);

  for (guint i = 0; i < n_steps; i++)
    add_step (self, g_ptr_array_index (steps, i), versions[store_index + i], versions[store_index + i + 1],
              i, n_steps);

  update_step_accessibility (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_STEP]);
}

guint
godwit_chain_view_get_n_versions (GodwitChainView *self)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), 0);

  return self->versions->len;
}

guint
godwit_chain_view_get_n_steps (GodwitChainView *self)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), 0);

  return self->steps->len;
}

int
godwit_chain_view_get_store_index (GodwitChainView *self)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), -1);

  return self->store_index;
}

int
godwit_chain_view_get_target_index (GodwitChainView *self)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), -1);

  return self->target_index;
}

GodwitMigrationStepKind
godwit_chain_view_get_step_kind (GodwitChainView *self,
                                 guint            index)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), GODWIT_MIGRATION_STEP_NOT_MIGRATABLE);
  g_return_val_if_fail (index < self->steps->len, GODWIT_MIGRATION_STEP_NOT_MIGRATABLE);

  return g_array_index (self->steps, Step, index).kind;
}

int
godwit_chain_view_get_selected_step (GodwitChainView *self)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), -1);

  return self->selected;
}

/* Selects a step's edge, or none with -1. */
void
godwit_chain_view_set_selected_step (GodwitChainView *self,
                                     int              index)
{
  g_return_if_fail (GODWIT_IS_CHAIN_VIEW (self));
  g_return_if_fail (index >= -1 && index < (int) self->steps->len);

  if (self->selected == index)
    return;

  self->selected = index;
  update_step_accessibility (self);
  scroll_to_selected (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED_STEP]);
}

/**
 * godwit_chain_view_get_version_widget:
 *
 * Returns: (transfer none): the label of a version's node, which carries
 *   its accessible name
 */
GtkWidget *
godwit_chain_view_get_version_widget (GodwitChainView *self,
                                      guint            index)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), NULL);
  g_return_val_if_fail (index < self->versions->len, NULL);

  return g_array_index (self->versions, Version, index).name_label;
}

/**
 * godwit_chain_view_get_version_caption:
 *
 * Returns: (nullable): the caption under a version's node, “Store”,
 *   “Target” or both, or %NULL when the version is neither
 */
const char *
godwit_chain_view_get_version_caption (GodwitChainView *self,
                                       guint            index)
{
  GtkWidget *caption;

  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), NULL);
  g_return_val_if_fail (index < self->versions->len, NULL);

  caption = g_array_index (self->versions, Version, index).caption_label;

  return gtk_widget_get_visible (caption) ? gtk_label_get_label (GTK_LABEL (caption)) : NULL;
}

/**
 * godwit_chain_view_get_step_widget:
 *
 * Returns: (transfer none): the label of a step's edge, which carries its
 *   accessible name and description
 */
GtkWidget *
godwit_chain_view_get_step_widget (GodwitChainView *self,
                                   guint            index)
{
  g_return_val_if_fail (GODWIT_IS_CHAIN_VIEW (self), NULL);
  g_return_val_if_fail (index < self->steps->len, NULL);

  return g_array_index (self->steps, Step, index).label;
}
