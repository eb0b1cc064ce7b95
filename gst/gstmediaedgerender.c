/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* When the viewer sees a moment of the stream: a buffer passing the
 * element is rendered later, by the sinks' queues, at base time + running
 * time + latency on the pipeline clock when the sinks sync to it. Waits
 * for such moments are single-shot async clock waits whose callback only
 * hands over; without syncing sinks or a clock, the moment is now. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmediaedgerender.h"

struct _GstMediaEdgeRender
{
  /* the element, which owns this */
  GstElement *element;
  GstMediaEdgeRenderFunc func;
  gpointer user_data;

  GMutex lock;
  /* under lock: whether some sink syncs to the clock, the pipeline's
   * latency, as measured at PLAYING; the moments awaited (Moment), and
   * those a pause set aside until playback goes on */
  gboolean syncing;
  GstClockTime latency;
  GList *waits;
  GList *suspended;
  gboolean paused;
  /* the clock's time when the pause came: what was set aside had been
   * rendered if it was due by then */
  GstClockTime paused_at;
};

/* A moment of the stream awaited for @what; @id while its clock wait is
 * scheduled. */
typedef struct
{
  GstClockID id;
  guint what;
  GstClockTime running_time;
} Moment;

/* What a clock wait's callback holds: the render (and a reference to its
 * element, which owns it) */
typedef struct
{
  GstMediaEdgeRender *render;
  GstElement *element;
} Wait;

GstMediaEdgeRender *
gst_media_edge_render_new (GstElement * element, GstMediaEdgeRenderFunc func,
    gpointer user_data)
{
  GstMediaEdgeRender *render = g_new0 (GstMediaEdgeRender, 1);

  render->element = element;
  render->func = func;
  render->user_data = user_data;
  /* nothing is rendered before the pipeline first plays */
  render->paused = TRUE;
  g_mutex_init (&render->lock);

  return render;
}

void
gst_media_edge_render_free (GstMediaEdgeRender * render)
{
  gst_media_edge_render_cancel (render);
  g_mutex_clear (&render->lock);
  g_free (render);
}

/**
 * gst_media_edge_render_measure:
 * @pipeline: (nullable): the top-level pipeline, at PLAYING
 *
 * Whether some sink syncs to the clock (the pipeline latency query's
 * `live`), and the latency that delays what they render.
 */
void
gst_media_edge_render_measure (GstMediaEdgeRender * render,
    GstElement * pipeline)
{
  g_autoptr (GstQuery) query = gst_query_new_latency ();
  gboolean syncing = FALSE;
  GstClockTime latency = 0;

  if (pipeline && gst_element_query (pipeline, query))
    gst_query_parse_latency (query, &syncing, &latency, NULL);

  g_mutex_lock (&render->lock);
  render->syncing = syncing;
  render->latency = GST_CLOCK_TIME_IS_VALID (latency) ? latency : 0;
  g_mutex_unlock (&render->lock);
  GST_DEBUG_OBJECT (render->element, "sinks %s, latency %" GST_TIME_FORMAT,
      syncing ? "sync" : "do not sync", GST_TIME_ARGS (latency));
}

/* Whether some sink syncs to the clock, as measured at PLAYING */
gboolean
gst_media_edge_render_is_syncing (GstMediaEdgeRender * render)
{
  gboolean syncing;

  g_mutex_lock (&render->lock);
  syncing = render->syncing;
  g_mutex_unlock (&render->lock);

  return syncing;
}

static void
free_wait (gpointer data)
{
  Wait *wait = data;

  gst_object_unref (wait->element);
  g_free (wait);
}

static gint
moment_has_id (gconstpointer moment, gconstpointer id)
{
  return ((const Moment *) moment)->id == id ? 0 : 1;
}

static void
free_moment (gpointer data)
{
  Moment *moment = data;

  if (moment->id)
    gst_clock_id_unref (moment->id);
  g_free (moment);
}

static Moment *
take_moment_locked (GstMediaEdgeRender * render, GstClockID id)
{
  GList *link = g_list_find_custom (render->waits, id, moment_has_id);
  Moment *moment = link ? link->data : NULL;

  if (link)
    render->waits = g_list_delete_link (render->waits, link);

  return moment;
}

static gboolean
on_rendered (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  Wait *wait = user_data;
  GstMediaEdgeRender *render = wait->render;
  Moment *moment;
  GList *link;
  guint what = 0;

  g_mutex_lock (&render->lock);
  link = g_list_find_custom (render->waits, id, moment_has_id);
  if (link)
    what = ((Moment *) link->data)->what;
  g_mutex_unlock (&render->lock);
  /* cancelled or set aside meanwhile */
  if (link == NULL)
    return TRUE;

  /* handed over before it leaves the list: whoever asks whether it is
   * reached finds it in one place or the other */
  render->func (what, render->user_data);
  g_mutex_lock (&render->lock);
  moment = take_moment_locked (render, id);
  g_mutex_unlock (&render->lock);
  if (moment)
    free_moment (moment);

  return TRUE;
}

static GstClockTime
render_time_locked (GstMediaEdgeRender * render, GstClockTime base_time,
    GstClockTime running_time)
{
  if (render->syncing && GST_CLOCK_TIME_IS_VALID (running_time)
      && GST_CLOCK_TIME_IS_VALID (base_time))
    return base_time + running_time + render->latency;

  return GST_CLOCK_TIME_NONE;
}

static GstClockTime
render_time (GstMediaEdgeRender * render, GstClockTime running_time)
{
  GstClockTime base_time = gst_element_get_base_time (render->element);
  GstClockTime at;

  g_mutex_lock (&render->lock);
  at = render_time_locked (render, base_time, running_time);
  g_mutex_unlock (&render->lock);

  return at;
}

static gboolean
set_aside_while_paused (GstMediaEdgeRender * render,
    GstClockTime running_time, guint what)
{
  Moment *moment;
  gboolean paused;

  g_mutex_lock (&render->lock);
  paused = render->paused && GST_CLOCK_TIME_IS_VALID (running_time);
  if (paused) {
    moment = g_new0 (Moment, 1);
    moment->what = what;
    moment->running_time = running_time;
    render->suspended = g_list_prepend (render->suspended, moment);
  }
  g_mutex_unlock (&render->lock);

  return paused;
}

/**
 * gst_media_edge_render_at:
 * @running_time: the running time of the moment
 * @what: what the moment is, handed to the render function
 *
 * Awaits the rendering of @running_time.
 *
 * Returns: %FALSE if the moment is now (no syncing sink, no clock, or
 * already past): the caller acts at once
 */
gboolean
gst_media_edge_render_at (GstMediaEdgeRender * render,
    GstClockTime running_time, guint what)
{
  g_autoptr (GstClock) clock = NULL;
  GstClockTime at;
  Moment *moment;
  Wait *wait;
  GstClockID id;

  /* paused, the base time it would be rendered on is not known yet */
  if (set_aside_while_paused (render, running_time, what))
    return TRUE;

  clock = gst_element_get_clock (render->element);
  at = render_time (render, running_time);
  if (clock == NULL || !GST_CLOCK_TIME_IS_VALID (at)
      || at <= gst_clock_get_time (clock))
    return FALSE;

  wait = g_new0 (Wait, 1);
  wait->render = render;
  wait->element = gst_object_ref (render->element);
  id = gst_clock_new_single_shot_id (clock, at);
  moment = g_new0 (Moment, 1);
  moment->id = gst_clock_id_ref (id);
  moment->what = what;
  moment->running_time = running_time;
  g_mutex_lock (&render->lock);
  render->waits = g_list_prepend (render->waits, moment);
  g_mutex_unlock (&render->lock);
  if (gst_clock_id_wait_async (id, on_rendered, wait, free_wait) ==
      GST_CLOCK_OK) {
    gst_clock_id_unref (id);
    return TRUE;
  }

  g_mutex_lock (&render->lock);
  render->waits = g_list_remove (render->waits, moment);
  g_mutex_unlock (&render->lock);
  free_moment (moment);
  gst_clock_id_unref (id);

  return FALSE;
}

/* Unschedules the waits taken from the list, which their callbacks then
 * no longer find. */
static void
unschedule (GList * moments)
{
  for (GList * l = moments; l; l = l->next) {
    Moment *moment = l->data;

    gst_clock_id_unschedule (moment->id);
    g_clear_pointer (&moment->id, gst_clock_id_unref);
  }
}

/**
 * gst_media_edge_render_suspend:
 *
 * PLAYING to PAUSED, or READY to PAUSED: the sinks render nothing until
 * playback goes on, on a new base time. What is awaited, and what passes
 * meanwhile, is set aside for gst_media_edge_render_resume().
 */
void
gst_media_edge_render_suspend (GstMediaEdgeRender * render)
{
  GList *waits;

  g_autoptr (GstClock) clock = gst_element_get_clock (render->element);

  g_mutex_lock (&render->lock);
  render->paused = TRUE;
  render->paused_at = clock ? gst_clock_get_time (clock) : GST_CLOCK_TIME_NONE;
  waits = g_steal_pointer (&render->waits);
  g_mutex_unlock (&render->lock);
  unschedule (waits);

  /* the list is newest first, as the one of what is set aside */
  g_mutex_lock (&render->lock);
  render->suspended = g_list_concat (render->suspended, waits);
  g_mutex_unlock (&render->lock);
}

/**
 * gst_media_edge_render_resume:
 *
 * Back to PLAYING, with the new base time: what a pause set aside is
 * awaited again, in the order it passed; a moment already due is handed
 * to the render function at once.
 */
void
gst_media_edge_render_resume (GstMediaEdgeRender * render)
{
  GList *suspended;

  g_mutex_lock (&render->lock);
  render->paused = FALSE;
  suspended = g_list_reverse (g_steal_pointer (&render->suspended));
  g_mutex_unlock (&render->lock);

  for (GList * l = suspended; l; l = l->next) {
    Moment *moment = l->data;

    if (!gst_media_edge_render_at (render, moment->running_time, moment->what))
      render->func (moment->what, render->user_data);
  }
  g_list_free_full (suspended, free_moment);
}

static gboolean
moment_reached (GstMediaEdgeRender * render, GList * moments, guint what,
    GstClockTime base_time, GstClockTime now, GstClockTime tolerance)
{
  for (GList * l = moments; l; l = l->next) {
    Moment *moment = l->data;
    GstClockTime at;

    if (moment->what != what)
      continue;
    at = render_time_locked (render, base_time, moment->running_time);
    if (!GST_CLOCK_TIME_IS_VALID (at) || at <= now + tolerance)
      return TRUE;
  }

  return FALSE;
}

/**
 * gst_media_edge_render_reached:
 * @what: what is awaited
 * @tolerance: how early still counts
 *
 * Whether @what, awaited or set aside by a pause, is rendered by now,
 * give or take @tolerance: a stop or a seek that comes as the end is
 * rendered (the sink's EOS message may overtake the wait) finds it
 * reached; one that comes while the sink's queue still holds it does not.
 */
gboolean
gst_media_edge_render_reached (GstMediaEdgeRender * render, guint what,
    GstClockTime tolerance)
{
  g_autoptr (GstClock) clock = gst_element_get_clock (render->element);
  GstClockTime base_time = gst_element_get_base_time (render->element);
  GstClockTime now;
  gboolean reached;

  if (clock == NULL)
    return TRUE;
  now = gst_clock_get_time (clock);
  g_mutex_lock (&render->lock);
  reached = moment_reached (render, render->waits, what, base_time, now,
      tolerance) || (GST_CLOCK_TIME_IS_VALID (render->paused_at)
      && moment_reached (render, render->suspended, what, base_time,
          render->paused_at, tolerance));
  g_mutex_unlock (&render->lock);

  return reached;
}

/**
 * gst_media_edge_render_cancel:
 *
 * A flush or a stop: nothing awaited, or set aside, is rendered any more.
 */
void
gst_media_edge_render_cancel (GstMediaEdgeRender * render)
{
  GList *waits, *suspended;

  g_mutex_lock (&render->lock);
  waits = g_steal_pointer (&render->waits);
  suspended = g_steal_pointer (&render->suspended);
  g_mutex_unlock (&render->lock);

  unschedule (waits);
  g_list_free_full (waits, free_moment);
  g_list_free_full (suspended, free_moment);
}
