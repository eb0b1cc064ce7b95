/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Which tracker reports for a top-level pipeline: the first to claim it;
 * a weak reference on the pipeline says which, so that the others join
 * its session (playbin's audio-filter and video-filter both set). */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmediaedgereporter.h"

/* On the pipeline: the element reporting, which keeps its watch and
 * settings alive, and those. */
typedef struct
{
  GWeakRef element;
  gpointer watch;
} Member;

typedef struct
{
  Member reporting;
  GstMediaEdgeSettings *settings;
  /* the trackers that joined, in the order they did: the first still
   * there reports when the reporting one stops before the pipeline. Each
   * Member on the heap: a GWeakRef is registered by its address, and
   * must never be copied or moved (no GArray of them). */
  GPtrArray *joined;
} Reporter;

static void
free_member (gpointer data)
{
  g_weak_ref_clear (&((Member *) data)->element);
  g_free (data);
}

static void
add_joined (Reporter * reporter, GstElement * element, gpointer watch)
{
  Member *member = g_new0 (Member, 1);

  member->watch = watch;
  g_weak_ref_init (&member->element, element);
  g_ptr_array_add (reporter->joined, member);
}

static GQuark
reporter_quark (void)
{
  return g_quark_from_static_string ("gst-mediaedge-reporter");
}

static void
free_reporter (gpointer data)
{
  Reporter *reporter = data;

  g_weak_ref_clear (&reporter->reporting.element);
  gst_media_edge_settings_unref (reporter->settings);
  g_ptr_array_unref (reporter->joined);
  g_free (reporter);
}

static Reporter *
get_reporter (GstElement * pipeline)
{
  return g_object_get_qdata (G_OBJECT (pipeline), reporter_quark ());
}

/**
 * gst_media_edge_reporter_dup:
 * @watch: (out) (optional): its watch, alive while the element is
 *
 * Returns: (transfer full) (nullable): the element reporting for
 * @pipeline now
 */
GstElement *
gst_media_edge_reporter_dup (GstElement * pipeline, gpointer * watch)
{
  Reporter *reporter = get_reporter (pipeline);
  GstElement *element = reporter ?
      g_weak_ref_get (&reporter->reporting.element) : NULL;

  if (element && watch)
    *watch = reporter->reporting.watch;

  return element;
}

static gboolean
settings_differ (const GstMediaEdgeSettings * a, const GstMediaEdgeSettings * b)
{
  return g_strcmp0 (a->config_id, b->config_id) != 0
      || g_strcmp0 (a->endpoint, b->endpoint) != 0
      || g_strcmp0 (a->content_id, b->content_id) != 0
      || g_strcmp0 (a->content_name, b->content_name) != 0;
}

/**
 * gst_media_edge_reporter_claim:
 * @settings_differ: (out): whether the reporter joined reports with other
 *   settings (datastream, endpoint, content) than @settings
 *
 * Returns: (transfer full) (nullable): the element @element joins, or
 * %NULL when @element reports for @pipeline from now on
 */
GstElement *
gst_media_edge_reporter_claim (GstElement * pipeline, GstElement * element,
    gpointer watch, GstMediaEdgeSettings * settings,
    gboolean * settings_differ_out)
{
  Reporter *reporter;
  GstElement *current;

  GST_OBJECT_LOCK (pipeline);
  current = gst_media_edge_reporter_dup (pipeline, NULL);
  *settings_differ_out = current && current != element
      && settings_differ (settings, get_reporter (pipeline)->settings);
  if (current == NULL || current == element) {
    reporter = g_new0 (Reporter, 1);
    g_weak_ref_init (&reporter->reporting.element, element);
    reporter->reporting.watch = watch;
    reporter->settings = gst_media_edge_settings_ref (settings);
    reporter->joined = g_ptr_array_new_with_free_func (free_member);
    g_object_set_qdata_full (G_OBJECT (pipeline), reporter_quark (), reporter,
        free_reporter);
    gst_clear_object (&current);
  } else {
    add_joined (get_reporter (pipeline), element, watch);
  }
  GST_OBJECT_UNLOCK (pipeline);

  return current;
}

/* The first tracker that joined and is still there, taken off the list;
 * its watch in @watch. */
static GstElement *
take_successor (Reporter * reporter, gpointer * watch)
{
  while (reporter->joined->len > 0) {
    Member *member = g_ptr_array_index (reporter->joined, 0);
    GstElement *element = g_weak_ref_get (&member->element);

    *watch = member->watch;
    g_ptr_array_remove_index (reporter->joined, 0);
    if (element)
      return element;
  }

  return NULL;
}

/**
 * gst_media_edge_reporter_release:
 * @watch: (out): the successor's watch
 *
 * @element no longer reports for @pipeline, if it did. While the
 * pipeline goes on playing (playsink taking a branch away between items),
 * the first tracker that joined reports from now on: it is returned, and
 * must claim the pipeline.
 *
 * Returns: (transfer full) (nullable): the successor
 */
GstElement *
gst_media_edge_reporter_release (GstElement * pipeline, GstElement * element,
    gpointer * watch)
{
  g_autoptr (GstElement) current = NULL;
  GstElement *successor = NULL;
  Reporter *reporter;

  GST_OBJECT_LOCK (pipeline);
  current = gst_media_edge_reporter_dup (pipeline, NULL);
  reporter = get_reporter (pipeline);
  if (reporter && current == element
      && GST_STATE_TARGET (pipeline) >= GST_STATE_PAUSED)
    successor = take_successor (reporter, watch);
  if (current == NULL || current == element)
    g_object_set_qdata (G_OBJECT (pipeline), reporter_quark (), NULL);
  GST_OBJECT_UNLOCK (pipeline);

  return successor;
}

/* @element, which joined, stops: it will not report after the one it
 * joined. */
void
gst_media_edge_reporter_leave (GstElement * pipeline, GstElement * element)
{
  Reporter *reporter;

  GST_OBJECT_LOCK (pipeline);
  reporter = get_reporter (pipeline);
  for (guint i = 0; reporter && i < reporter->joined->len; i++) {
    GstElement *joined = g_weak_ref_get (&((Member *)
            g_ptr_array_index (reporter->joined, i))->element);

    if (joined == element || joined == NULL)
      g_ptr_array_remove_index (reporter->joined, i--);
    gst_clear_object (&joined);
  }
  GST_OBJECT_UNLOCK (pipeline);
}
