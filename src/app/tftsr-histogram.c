/* tftsr-histogram.c
 *
 * Drawn with render nodes (rectangles and layouts), no Cairo: thousands of buckets stay
 * cheap. When buckets are narrower than MIN_BAR pixels, neighbours are summed into one bar
 * (a comb of hairlines reads worse than a coarser shape; zooming in brings them back),
 * aligned to multiples of that count so bars do not flicker while panning. The view is a
 * window of n / zoom buckets starting at a fractional bucket offset; the y scale follows
 * the tallest bar in view, so zooming in on a quiet stretch shows its shape.
 *
 * The keyboard has a cursor bucket (Left/Right, Home/End, Shift to extend a range,
 * Return to show its lines, Menu or Shift+F10 for the menu), so everything the pointer
 * does is reachable without it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <math.h>

#include "tftsr-app-format.h"
#include "tftsr-histogram.h"

#define PAD_TOP 18.0
#define PAD_SIDE 8.0
#define AXIS_GAP 4.0
#define MIN_LABEL_GAP 110.0 /* pixels between time labels */
#define DRAG_THRESHOLD 4.0
#define MIN_VISIBLE 4.0 /* buckets shown at the highest zoom */
#define MIN_BAR 6.0     /* pixels: narrower buckets are summed into one bar */

struct _TftsrHistogram
{
  GtkWidget parent_instance;

  gint64 start;
  gint64 width;
  guint n;
  guint32 *totals;
  guint32 *errors;
  gint64 mark;

  double zoom;
  double offset; /* first bucket in view, fractional */

  gboolean dragging;
  double drag_from; /* x of the press and of the pointer now */
  double drag_to;
  int range_first; /* buckets of the range shown selected, or -1 */
  int range_last;
  guint cursor;       /* the keyboard's bucket */
  guint cursor_other; /* the other end of a Shift-extended range */
  gint64 menu_time;   /* where the menu was opened */
  double pointer_x;   /* for Ctrl+scroll */

  GtkWidget *menu;
};

G_DEFINE_FINAL_TYPE (TftsrHistogram, tftsr_histogram, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_MARK,
  PROP_ZOOM,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum
{
  RANGE_SELECTED,
  MARK_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- geometry ------------------------------------------------------------------------ */

static double
axis_height (TftsrHistogram *self)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), "0");
  int height;

  pango_layout_get_pixel_size (layout, NULL, &height);
  return height + AXIS_GAP * 2;
}

static graphene_rect_t
plot_area (TftsrHistogram *self)
{
  double w = gtk_widget_get_width (GTK_WIDGET (self));
  double h = gtk_widget_get_height (GTK_WIDGET (self));

  return GRAPHENE_RECT_INIT (PAD_SIDE, PAD_TOP, MAX (1, w - 2 * PAD_SIDE),
                             MAX (1, h - PAD_TOP - axis_height (self)));
}

static double
visible_buckets (TftsrHistogram *self)
{
  return self->n / self->zoom;
}

static double
bucket_pixels (TftsrHistogram *self)
{
  return plot_area (self).size.width / visible_buckets (self);
}

/* The fractional bucket under x. */
static double
bucket_at (TftsrHistogram *self, double x)
{
  graphene_rect_t plot = plot_area (self);
  return self->offset + (x - plot.origin.x) / bucket_pixels (self);
}

static double
x_of_bucket (TftsrHistogram *self, double bucket)
{
  return plot_area (self).origin.x + (bucket - self->offset) * bucket_pixels (self);
}

static double
x_of_time (TftsrHistogram *self, gint64 time)
{
  return x_of_bucket (self, (double) (time - self->start) / (double) self->width);
}

/* The whole bucket under x, or -1 outside the data. */
static int
index_at (TftsrHistogram *self, double x)
{
  double b = floor (bucket_at (self, x));
  return self->n > 0 && b >= 0 && b < self->n ? (int) b : -1;
}

static void
clamp_offset (TftsrHistogram *self)
{
  self->offset = CLAMP (self->offset, 0, MAX (0, self->n - visible_buckets (self)));
}

/* --- describing -------------------------------------------------------------------- */

static gboolean
spans_days (TftsrHistogram *self)
{
  gint64 end = self->start + (gint64) self->n * self->width;
  return self->start / G_USEC_PER_SEC / 86400 != (end - 1) / G_USEC_PER_SEC / 86400;
}

/* How many buckets one bar sums at this zoom. */
static guint
bar_size (TftsrHistogram *self)
{
  double per_bucket = bucket_pixels (self);
  return per_bucket >= MIN_BAR ? 1 : (guint) ceil (MIN_BAR / per_bucket);
}

/* The buckets of the bar that holds @bucket. */
static void
bar_of (TftsrHistogram *self, guint bucket, guint *first, guint *last)
{
  guint size = bar_size (self);

  *first = bucket / size * size;
  *last = MIN (*first + size, self->n) - 1;
}

/* "03:05–03:06 · 34 lines · 3 errors": the bar of @bucket, as the tooltip says it. */
static char *
describe_bar (TftsrHistogram *self, guint bucket)
{
  guint first, last;
  guint64 lines = 0, errors = 0;
  gint64 from, to;
  gboolean seconds = self->width % (60 * G_USEC_PER_SEC) != 0;
  g_autofree char *start = NULL, *end = NULL, *count = NULL;

  bar_of (self, bucket, &first, &last);
  for (guint i = first; i <= last; i++)
    {
      lines += self->totals[i];
      errors += self->errors[i];
    }
  from = self->start + (gint64) first * self->width;
  to = self->start + (gint64) (last + 1) * self->width;
  start = tftsr_format_log_time (from, seconds, spans_days (self));
  end = tftsr_format_log_time (to, seconds, FALSE);
  count = tftsr_format_lines (lines);
  /* Translators: a histogram bar: "03:05–03:06 · 34 lines · 3 errors" */
  return g_strdup_printf (g_dngettext (NULL, "%s–%s · %s · %u error", "%s–%s · %s · %u errors",
                                       (gulong) MIN (errors, G_MAXULONG)),
                          start, end, count, (guint) MIN (errors, G_MAXUINT));
}

static void
announce_cursor (TftsrHistogram *self)
{
  g_autofree char *text = NULL;

  if (self->n == 0)
    return;
  text = describe_bar (self, self->cursor);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text,
                                  -1);
}

/* --- drawing ------------------------------------------------------------------------- */

static GdkRGBA
style_colour (TftsrHistogram *self, const char *name, const char *fallback)
{
  GdkRGBA colour;

  if (!gtk_style_context_lookup_color (gtk_widget_get_style_context (GTK_WIDGET (self)), name,
                                       &colour))
    gdk_rgba_parse (&colour, fallback);
  return colour;
}

static GdkRGBA
with_alpha (GdkRGBA colour, double alpha)
{
  colour.alpha *= alpha;
  return colour;
}

static void
draw_text (TftsrHistogram *self, GtkSnapshot *snapshot, const char *text, double x, double y,
           double align, const GdkRGBA *colour)
{
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  int width;

  pango_layout_get_pixel_size (layout, &width, NULL);
  x = CLAMP (x - width * align, 0, gtk_widget_get_width (GTK_WIDGET (self)) - width);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (round (x), round (y)));
  gtk_snapshot_append_layout (snapshot, layout, colour);
  gtk_snapshot_restore (snapshot);
}

/* A label step of a round length of time (µs) at least MIN_LABEL_GAP pixels wide. */
static gint64
tick_step (TftsrHistogram *self)
{
  static const gint64 seconds[] = { 1,          2,          5,          10,         15,
                                    30,         60,         120,        300,        600,
                                    900,        1800,       3600,       2 * 3600,   3 * 3600,
                                    6 * 3600,   12 * 3600,  86400,      2 * 86400,  7 * 86400,
                                    14 * 86400, 30 * 86400, 91 * 86400, 365 * 86400 };
  double pixels_per_us = bucket_pixels (self) / (double) self->width;

  for (guint i = 0; i < G_N_ELEMENTS (seconds); i++)
    if (seconds[i] * G_USEC_PER_SEC * pixels_per_us >= MIN_LABEL_GAP)
      return seconds[i] * G_USEC_PER_SEC;
  {
    gint64 year = G_GINT64_CONSTANT (365) * 86400 * G_USEC_PER_SEC;
    return year * MAX (1, (gint64) ceil (MIN_LABEL_GAP / (year * pixels_per_us)));
  }
}

static void
draw_axis (TftsrHistogram *self, GtkSnapshot *snapshot, const graphene_rect_t *plot,
           const GdkRGBA *fg)
{
  GdkRGBA line = with_alpha (*fg, 0.25);
  GdkRGBA text = with_alpha (*fg, 0.7);
  gint64 step = tick_step (self);
  gint64 first = self->start + (gint64) floor (self->offset * self->width);
  gint64 last = first + (gint64) ceil (visible_buckets (self) * self->width);
  double bottom = plot->origin.y + plot->size.height;
  gboolean day = step >= G_GINT64_CONSTANT (86400) * G_USEC_PER_SEC;
  gboolean seconds = step < 60 * G_USEC_PER_SEC;

  gtk_snapshot_append_color (snapshot, &line,
                             &GRAPHENE_RECT_INIT (plot->origin.x, bottom, plot->size.width, 1));
  /* Ticks on round UTC times: the epoch is a whole day in UTC. */
  for (gint64 t = (first / step + (first % step > 0)) * step; t <= last; t += step)
    {
      double x = x_of_time (self, t);
      g_autofree char *label = NULL;

      if (x < plot->origin.x - 0.5 || x > plot->origin.x + plot->size.width + 0.5)
        continue;
      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (round (x), bottom, 1, 4));
      label = tftsr_format_log_time (t, seconds, FALSE);
      if (day)
        {
          g_autoptr (GDateTime) utc = g_date_time_new_from_unix_utc (t / G_USEC_PER_SEC);
          g_free (label);
          /* Translators: strftime format of a day on the histogram's axis */
          label = g_date_time_format (utc, _ ("%e %b"));
        }
      draw_text (self, snapshot, g_strstrip (label), x, bottom + AXIS_GAP, 0.5, &text);
    }
}

static void
draw_bars (TftsrHistogram *self, GtkSnapshot *snapshot, const graphene_rect_t *plot,
           const GdkRGBA *fg)
{
  GdkRGBA accent = style_colour (self, "accent_color", "#1c71d8");
  GdkRGBA error = style_colour (self, "error_color", "#c01c28");
  GdkRGBA dim = with_alpha (*fg, 0.6);
  GdkRGBA grid = with_alpha (*fg, 0.1);
  double per_bucket = bucket_pixels (self);
  guint group = bar_size (self);
  guint from = ((guint) floor (self->offset) / group) * group;
  guint to = MIN (self->n, (guint) ceil (self->offset + visible_buckets (self)));
  double bar = per_bucket * group;
  double gap = bar >= 5 ? 1 : 0;
  guint64 tallest = 1;
  g_autofree char *max_label = NULL;

  for (guint b = from; b < to; b += group)
    {
      guint64 sum = 0;
      for (guint i = b; i < MIN (b + group, self->n); i++)
        sum += self->totals[i];
      tallest = MAX (tallest, sum);
    }

  gtk_snapshot_push_clip (snapshot, plot);
  for (guint b = from; b < to; b += group)
    {
      guint64 sum = 0, errors = 0;
      double x = x_of_bucket (self, b);
      double h, eh;

      for (guint i = b; i < MIN (b + group, self->n); i++)
        {
          sum += self->totals[i];
          errors += self->errors[i];
        }
      if (sum == 0)
        continue;
      /* A bucket with lines is never invisible. */
      h = MAX (1, plot->size.height * sum / tallest);
      eh = errors > 0 ? MAX (1, plot->size.height * errors / tallest) : 0;
      gtk_snapshot_append_color (snapshot, &accent,
                                 &GRAPHENE_RECT_INIT (x, plot->origin.y + plot->size.height - h,
                                                      MAX (1, bar - gap), h - eh));
      if (eh > 0)
        gtk_snapshot_append_color (snapshot, &error,
                                   &GRAPHENE_RECT_INIT (x, plot->origin.y + plot->size.height - eh,
                                                        MAX (1, bar - gap), eh));
    }
  gtk_snapshot_pop (snapshot);

  /* The scale: the tallest bar in view. */
  max_label = tftsr_format_lines (tallest);
  draw_text (self, snapshot, max_label, plot->origin.x + plot->size.width, 0, 1, &dim);
  gtk_snapshot_append_color (
      snapshot, &grid, &GRAPHENE_RECT_INIT (plot->origin.x, plot->origin.y, plot->size.width, 1));
}

static void
tftsr_histogram_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (widget);
  graphene_rect_t plot = plot_area (self);
  GdkRGBA fg, accent;

  if (self->n == 0)
    return;
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
  accent = style_colour (self, "accent_color", "#1c71d8");
  draw_bars (self, snapshot, &plot, &fg);
  draw_axis (self, snapshot, &plot, &fg);

  /* The range being dragged out or last chosen. */
  if (self->dragging || self->range_first >= 0)
    {
      GdkRGBA tint = with_alpha (accent, 0.2);
      double x0, x1;

      if (self->dragging)
        {
          x0 = MIN (self->drag_from, self->drag_to);
          x1 = MAX (self->drag_from, self->drag_to);
        }
      else
        {
          x0 = x_of_bucket (self, self->range_first);
          x1 = x_of_bucket (self, self->range_last + 1);
        }
      x0 = MAX (x0, plot.origin.x);
      x1 = MIN (x1, plot.origin.x + plot.size.width);
      if (x1 > x0)
        gtk_snapshot_append_color (
            snapshot, &tint, &GRAPHENE_RECT_INIT (x0, plot.origin.y, x1 - x0, plot.size.height));
    }

  /* The marked moment: a line in the text colour, labelled. */
  if (self->mark != 0)
    {
      double x = x_of_time (self, self->mark);

      if (x >= plot.origin.x - 1 && x <= plot.origin.x + plot.size.width + 1)
        {
          g_autofree char *time = tftsr_format_log_time (self->mark, FALSE, FALSE);
          /* Translators: the label of the marked moment on the histogram */
          g_autofree char *label = g_strdup_printf (_ ("Change %s"), time);

          gtk_snapshot_append_color (
              snapshot, &fg,
              &GRAPHENE_RECT_INIT (round (x) - 1, plot.origin.y - 2, 2, plot.size.height + 2));
          draw_text (self, snapshot, label, x + 4, 0, 0, &fg);
        }
    }

  /* The keyboard's bucket, while the widget has the focus. */
  if (gtk_widget_has_visible_focus (widget))
    {
      guint first, last;
      double x0, x1;
      GskRoundedRect outline;
      float widths[4] = { 2, 2, 2, 2 };
      GdkRGBA colours[4] = { accent, accent, accent, accent };

      bar_of (self, self->cursor, &first, &last);
      x0 = MAX (plot.origin.x, x_of_bucket (self, first));
      x1 = MIN (plot.origin.x + plot.size.width, x_of_bucket (self, last + 1));
      GdkRGBA tint = with_alpha (accent, 0.15);

      /* Wide enough to see around a hairline bar. */
      if (x1 - x0 < 8)
        {
          double middle = (x0 + x1) / 2;
          x0 = middle - 4;
          x1 = middle + 4;
        }
      gtk_snapshot_append_color (
          snapshot, &tint, &GRAPHENE_RECT_INIT (x0, plot.origin.y, x1 - x0, plot.size.height));
      gsk_rounded_rect_init_from_rect (
          &outline, &GRAPHENE_RECT_INIT (x0, plot.origin.y, x1 - x0, plot.size.height), 3);
      gtk_snapshot_append_border (snapshot, &outline, widths, colours);
    }
}

static void
tftsr_histogram_measure (GtkWidget *widget, GtkOrientation orientation, int for_size, int *minimum,
                         int *natural, int *minimum_baseline, int *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 240;
      *natural = 600;
    }
  else
    {
      *minimum = 100;
      *natural = 160;
    }
}

static void
tftsr_histogram_css_changed (GtkWidget *widget, GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (tftsr_histogram_parent_class)->css_changed (widget, change);
  /* The accent and error colours differ in the dark style. */
  gtk_widget_queue_draw (widget);
}

/* --- the view -------------------------------------------------------------------------- */

static void
set_zoom_at (TftsrHistogram *self, double zoom, double anchor_bucket)
{
  double anchor_x = x_of_bucket (self, anchor_bucket);

  zoom = CLAMP (zoom, 1, tftsr_histogram_get_max_zoom (self));
  if (zoom == self->zoom)
    return;
  self->zoom = zoom;
  /* The bucket under the anchor stays where it was. */
  self->offset = anchor_bucket - (anchor_x - plot_area (self).origin.x) / bucket_pixels (self);
  clamp_offset (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

/* Pans so the cursor's bucket is in view. */
static void
follow_cursor (TftsrHistogram *self)
{
  double shown = visible_buckets (self);

  if (self->cursor < self->offset)
    self->offset = self->cursor;
  else if (self->cursor + 1 > self->offset + shown)
    self->offset = self->cursor + 1 - shown;
  clamp_offset (self);
}

void
tftsr_histogram_zoom (TftsrHistogram *self, double factor)
{
  double anchor;

  g_return_if_fail (TFTSR_IS_HISTOGRAM (self));
  if (self->n == 0)
    return;
  anchor = gtk_widget_has_focus (GTK_WIDGET (self)) ? self->cursor + 0.5
                                                    : self->offset + visible_buckets (self) / 2;
  set_zoom_at (self, self->zoom * factor, anchor);
  if (gtk_widget_has_focus (GTK_WIDGET (self)))
    follow_cursor (self);
}

void
tftsr_histogram_reset_zoom (TftsrHistogram *self)
{
  g_return_if_fail (TFTSR_IS_HISTOGRAM (self));
  set_zoom_at (self, 1, 0);
}

double
tftsr_histogram_get_zoom (TftsrHistogram *self)
{
  g_return_val_if_fail (TFTSR_IS_HISTOGRAM (self), 1);
  return self->zoom;
}

double
tftsr_histogram_get_max_zoom (TftsrHistogram *self)
{
  g_return_val_if_fail (TFTSR_IS_HISTOGRAM (self), 1);
  return MAX (1, self->n / MIN_VISIBLE);
}

static void
zoom_in_action (GtkWidget *widget, const char *name, GVariant *param)
{
  tftsr_histogram_zoom (TFTSR_HISTOGRAM (widget), 2);
}

static void
zoom_out_action (GtkWidget *widget, const char *name, GVariant *param)
{
  tftsr_histogram_zoom (TFTSR_HISTOGRAM (widget), 0.5);
}

static void
zoom_reset_action (GtkWidget *widget, const char *name, GVariant *param)
{
  tftsr_histogram_reset_zoom (TFTSR_HISTOGRAM (widget));
}

/* Ctrl+scroll zooms around the pointer; a sideways (or Shift+) scroll pans. Anything else
 * is left to the page around. */
static gboolean
on_scroll (GtkEventControllerScroll *controller, double dx, double dy, TftsrHistogram *self)
{
  GdkModifierType mods =
      gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (controller));

  if (self->n == 0)
    return FALSE;
  if (mods & GDK_CONTROL_MASK)
    {
      set_zoom_at (self, self->zoom * pow (1.25, -dy), bucket_at (self, self->pointer_x));
      return TRUE;
    }
  if (mods & GDK_SHIFT_MASK)
    dx = dx != 0 ? dx : dy;
  if (dx == 0 || self->zoom == 1)
    return FALSE;
  self->offset += dx * 20 / bucket_pixels (self);
  clamp_offset (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return TRUE;
}

/* --- choosing ---------------------------------------------------------------------- */

static void
select_buckets (TftsrHistogram *self, int first, int last)
{
  gint64 from = self->start + (gint64) first * self->width;
  gint64 to = self->start + (gint64) (last + 1) * self->width;

  self->range_first = first;
  self->range_last = last;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[RANGE_SELECTED], 0, from, to);
}

static void
on_drag_begin (GtkGestureDrag *gesture, double x, double y, TftsrHistogram *self)
{
  self->drag_from = self->drag_to = x;
  self->dragging = FALSE;
  self->range_first = self->range_last = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *gesture, double dx, double dy, TftsrHistogram *self)
{
  if (fabs (dx) >= DRAG_THRESHOLD)
    self->dragging = TRUE;
  self->drag_to = self->drag_from + dx;
  if (self->dragging)
    gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end (GtkGestureDrag *gesture, double dx, double dy, TftsrHistogram *self)
{
  int index;

  if (self->n == 0)
    return;
  if (!self->dragging)
    {
      /* A click puts the keyboard cursor there. */
      index = index_at (self, self->drag_from);
      if (index >= 0)
        self->cursor = self->cursor_other = index;
      gtk_widget_grab_focus (GTK_WIDGET (self));
      announce_cursor (self);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  self->dragging = FALSE;
  {
    double from =
        CLAMP (floor (bucket_at (self, MIN (self->drag_from, self->drag_to))), 0, self->n - 1);
    double to = CLAMP (ceil (bucket_at (self, MAX (self->drag_from, self->drag_to))) - 1, from,
                       self->n - 1);
    select_buckets (self, (int) from, (int) to);
  }
}

static void
open_menu (TftsrHistogram *self, double x)
{
  gint64 time = self->start + (gint64) (bucket_at (self, x) * self->width);
  /* Rounded to what the bucket width can tell apart, at most a minute. */
  gint64 grain = MIN (self->width, 60 * G_USEC_PER_SEC);

  self->menu_time = ((time + grain / 2) / grain) * grain;
  gtk_popover_set_pointing_to (GTK_POPOVER (self->menu),
                               &(GdkRectangle){ (int) x, (int) plot_area (self).origin.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->menu));
}

static void
on_secondary_pressed (GtkGestureClick *gesture, int n_press, double x, double y,
                      TftsrHistogram *self)
{
  if (self->n == 0 || index_at (self, x) < 0)
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  open_menu (self, x);
}

static void
mark_here_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (widget);
  g_signal_emit (self, signals[MARK_REQUESTED], 0, self->menu_time);
}

static void
menu_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (widget);

  guint first, last;

  if (self->n == 0)
    return;
  bar_of (self, self->cursor, &first, &last);
  open_menu (self, x_of_bucket (self, (first + last + 1) / 2.0));
}

static void
show_lines_action (GtkWidget *widget, const char *name, GVariant *param)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (widget);

  guint first, last, other_first, other_last;

  if (self->n == 0)
    return;
  bar_of (self, self->cursor, &first, &last);
  bar_of (self, self->cursor_other, &other_first, &other_last);
  select_buckets (self, MIN (first, other_first), MAX (last, other_last));
}

static gboolean
move_cursor (GtkWidget *widget, GVariant *args, gpointer user_data)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (widget);
  int by;
  gboolean extend;
  gint64 to;

  if (self->n == 0)
    return FALSE;
  g_variant_get (args, "(ib)", &by, &extend);
  /* By bars: what a step moves over is what is drawn. */
  to = CLAMP ((gint64) (self->cursor / bar_size (self) * bar_size (self)) +
                  (gint64) by * bar_size (self),
              0, (gint64) self->n - 1);
  self->cursor = (guint) to;
  if (!extend)
    self->cursor_other = self->cursor;
  self->range_first = self->range_last = -1;
  if (extend)
    {
      guint first, last, other_first, other_last;

      bar_of (self, self->cursor, &first, &last);
      bar_of (self, self->cursor_other, &other_first, &other_last);
      self->range_first = MIN (first, other_first);
      self->range_last = MAX (last, other_last);
    }
  follow_cursor (self);
  announce_cursor (self);
  gtk_widget_queue_draw (widget);
  return TRUE;
}

/* --- the pointer ------------------------------------------------------------------- */

static gboolean
on_query_tooltip (GtkWidget *widget, int x, int y, gboolean keyboard, GtkTooltip *tooltip)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (widget);
  int index = keyboard ? (int) self->cursor : index_at (self, x);
  g_autofree char *text = NULL;

  if (self->n == 0 || index < 0)
    return FALSE;
  text = describe_bar (self, index);
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

static void
on_motion (GtkEventControllerMotion *controller, double x, double y, TftsrHistogram *self)
{
  self->pointer_x = x;
}

static void
on_focus_changed (TftsrHistogram *self)
{
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* --- public ----------------------------------------------------------------------- */

GtkWidget *
tftsr_histogram_new (void)
{
  return g_object_new (TFTSR_TYPE_HISTOGRAM, NULL);
}

void
tftsr_histogram_set_buckets (TftsrHistogram *self, gint64 start, gint64 bucket_width,
                             guint n_buckets, const guint32 *totals, const guint32 *errors)
{
  g_return_if_fail (TFTSR_IS_HISTOGRAM (self));
  g_return_if_fail (n_buckets == 0 || (bucket_width > 0 && totals != NULL && errors != NULL));

  g_free (self->totals);
  g_free (self->errors);
  self->start = start;
  self->width = MAX (1, bucket_width);
  self->n = n_buckets;
  self->totals = g_memdup2 (totals, sizeof *totals * n_buckets);
  self->errors = g_memdup2 (errors, sizeof *errors * n_buckets);
  self->cursor = self->cursor_other = 0;
  self->range_first = self->range_last = -1;
  self->zoom = 1;
  self->offset = 0;
  announce_cursor (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM]);
}

void
tftsr_histogram_set_mark (TftsrHistogram *self, gint64 time)
{
  g_return_if_fail (TFTSR_IS_HISTOGRAM (self));
  if (self->mark == time)
    return;
  self->mark = time;
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MARK]);
}

gint64
tftsr_histogram_get_mark (TftsrHistogram *self)
{
  g_return_val_if_fail (TFTSR_IS_HISTOGRAM (self), 0);
  return self->mark;
}

/* --- class ------------------------------------------------------------------------------ */

static void
tftsr_histogram_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (object);

  switch (prop_id)
    {
    case PROP_MARK:
      g_value_set_int64 (value, self->mark);
      break;
    case PROP_ZOOM:
      g_value_set_double (value, self->zoom);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_histogram_set_property (GObject *object, guint prop_id, const GValue *value,
                              GParamSpec *pspec)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (object);

  switch (prop_id)
    {
    case PROP_MARK:
      tftsr_histogram_set_mark (self, g_value_get_int64 (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tftsr_histogram_dispose (GObject *object)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (object);

  g_clear_pointer (&self->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (tftsr_histogram_parent_class)->dispose (object);
}

static void
tftsr_histogram_finalize (GObject *object)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (object);

  g_free (self->totals);
  g_free (self->errors);
  G_OBJECT_CLASS (tftsr_histogram_parent_class)->finalize (object);
}

static void
tftsr_histogram_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  TftsrHistogram *self = TFTSR_HISTOGRAM (widget);

  clamp_offset (self);
  gtk_popover_present (GTK_POPOVER (self->menu));
}

static void
add_cursor_binding (GtkWidgetClass *widget_class, guint key, int by)
{
  gtk_widget_class_add_binding (widget_class, key, 0, move_cursor, "(ib)", by, FALSE);
  gtk_widget_class_add_binding (widget_class, key, GDK_SHIFT_MASK, move_cursor, "(ib)", by, TRUE);
}

static void
tftsr_histogram_class_init (TftsrHistogramClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = tftsr_histogram_get_property;
  object_class->set_property = tftsr_histogram_set_property;
  object_class->dispose = tftsr_histogram_dispose;
  object_class->finalize = tftsr_histogram_finalize;
  widget_class->snapshot = tftsr_histogram_snapshot;
  widget_class->measure = tftsr_histogram_measure;
  widget_class->size_allocate = tftsr_histogram_size_allocate;
  widget_class->css_changed = tftsr_histogram_css_changed;
  widget_class->query_tooltip = on_query_tooltip;

  properties[PROP_MARK] =
      g_param_spec_int64 ("mark", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOM] = g_param_spec_double ("zoom", NULL, NULL, 1, G_MAXDOUBLE, 1,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[RANGE_SELECTED] =
      g_signal_new ("range-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_INT64);
  signals[MARK_REQUESTED] =
      g_signal_new ("mark-requested", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_install_action (widget_class, "histogram.zoom-in", NULL, zoom_in_action);
  gtk_widget_class_install_action (widget_class, "histogram.zoom-out", NULL, zoom_out_action);
  gtk_widget_class_install_action (widget_class, "histogram.zoom-reset", NULL, zoom_reset_action);
  gtk_widget_class_install_action (widget_class, "histogram.mark-here", NULL, mark_here_action);
  gtk_widget_class_install_action (widget_class, "histogram.menu", NULL, menu_action);
  gtk_widget_class_install_action (widget_class, "histogram.show-lines", NULL, show_lines_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "histogram.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_equal, 0, "histogram.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "histogram.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "histogram.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "histogram.zoom-out",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "histogram.zoom-reset", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "histogram.menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "histogram.menu",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "histogram.show-lines",
                                       NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "histogram.show-lines",
                                       NULL);
  add_cursor_binding (widget_class, GDK_KEY_Left, -1);
  add_cursor_binding (widget_class, GDK_KEY_Right, 1);
  add_cursor_binding (widget_class, GDK_KEY_Page_Up, -10);
  add_cursor_binding (widget_class, GDK_KEY_Page_Down, 10);
  add_cursor_binding (widget_class, GDK_KEY_Home, G_MININT / 2);
  add_cursor_binding (widget_class, GDK_KEY_End, G_MAXINT / 2);

  gtk_widget_class_set_css_name (widget_class, "histogram");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
tftsr_histogram_init (TftsrHistogram *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();
  GtkGesture *secondary = gtk_gesture_click_new ();
  GtkEventController *scroll =
      gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkEventController *motion = gtk_event_controller_motion_new ();
  g_autoptr (GMenu) menu = g_menu_new ();

  self->zoom = 1;
  self->range_first = self->range_last = -1;
  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (drag), GDK_BUTTON_PRIMARY);
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (secondary), GDK_BUTTON_SECONDARY);
  g_signal_connect (secondary, "pressed", G_CALLBACK (on_secondary_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (secondary));
  g_signal_connect (scroll, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (GTK_WIDGET (self), scroll);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (on_focus_changed), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (on_focus_changed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  g_menu_append (menu, _ ("_Mark Change Here"), "histogram.mark-here");
  self->menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->menu), TRUE);
  gtk_widget_set_halign (self->menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->menu, GTK_WIDGET (self));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Lines over time"), -1);
}
