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
   * latency, as measured at PLAYING; the waits scheduled */
  gboolean syncing;
  GstClockTime latency;
  GList *waits;
};

/* What a wait carries; it holds the element, and so this, alive. */
typedef struct
{
  GstMediaEdgeRender *render;
  GstElement *element;
  guint what;
} Wait;

GstMediaEdgeRender *
gst_media_edge_render_new (GstElement * element, GstMediaEdgeRenderFunc func,
    gpointer user_data)
{
  GstMediaEdgeRender *render = g_new0 (GstMediaEdgeRender, 1);

  render->element = element;
  render->func = func;
  render->user_data = user_data;
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
 *
 * At PLAYING: whether the sinks sync to the clock (the top-level latency
 * query's `live`, which says just that) and the latency they add.
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

static void
free_wait (gpointer data)
{
  Wait *wait = data;

  gst_object_unref (wait->element);
  g_free (wait);
}

static gboolean
on_rendered (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  Wait *wait = user_data;
  GstMediaEdgeRender *render = wait->render;
  GList *link;

  g_mutex_lock (&render->lock);
  link = g_list_find (render->waits, id);
  if (link)
    render->waits = g_list_delete_link (render->waits, link);
  g_mutex_unlock (&render->lock);
  if (link == NULL)
    return TRUE;

  gst_clock_id_unref (id);
  render->func (wait->what, render->user_data);

  return TRUE;
}

/* The clock time @running_time is rendered at, or NONE: now. */
static GstClockTime
render_time (GstMediaEdgeRender * render, GstClockTime running_time)
{
  GstClockTime base_time = gst_element_get_base_time (render->element);
  GstClockTime at = GST_CLOCK_TIME_NONE;

  g_mutex_lock (&render->lock);
  if (render->syncing && GST_CLOCK_TIME_IS_VALID (running_time)
      && GST_CLOCK_TIME_IS_VALID (base_time))
    at = base_time + running_time + render->latency;
  g_mutex_unlock (&render->lock);

  return at;
}

/**
 * gst_media_edge_render_at:
 * @running_time: the moment of the stream, in running time
 * @what: handed to the callback
 *
 * Calls back when @running_time is rendered.
 *
 * Returns: %FALSE when it is rendered now (the sinks do not sync, or no
 * clock): the caller goes on at once, and no callback comes
 */
gboolean
gst_media_edge_render_at (GstMediaEdgeRender * render,
    GstClockTime running_time, guint what)
{
  g_autoptr (GstClock) clock = gst_element_get_clock (render->element);
  GstClockTime at = render_time (render, running_time);
  Wait *wait;
  GstClockID id;

  if (clock == NULL || !GST_CLOCK_TIME_IS_VALID (at)
      || at <= gst_clock_get_time (clock))
    return FALSE;

  wait = g_new0 (Wait, 1);
  wait->render = render;
  wait->element = gst_object_ref (render->element);
  wait->what = what;
  id = gst_clock_new_single_shot_id (clock, at);
  g_mutex_lock (&render->lock);
  render->waits = g_list_prepend (render->waits, id);
  g_mutex_unlock (&render->lock);
  if (gst_clock_id_wait_async (id, on_rendered, wait, free_wait) ==
      GST_CLOCK_OK)
    return TRUE;

  g_mutex_lock (&render->lock);
  render->waits = g_list_remove (render->waits, id);
  g_mutex_unlock (&render->lock);
  gst_clock_id_unref (id);

  return FALSE;
}

/* What was awaited will not be: a flush, a stop. */
void
gst_media_edge_render_cancel (GstMediaEdgeRender * render)
{
  GList *waits;

  g_mutex_lock (&render->lock);
  waits = g_steal_pointer (&render->waits);
  g_mutex_unlock (&render->lock);

  for (GList * l = waits; l; l = l->next) {
    gst_clock_id_unschedule (l->data);
    gst_clock_id_unref (l->data);
  }
  g_list_free (waits);
}
