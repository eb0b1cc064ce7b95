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
  GstMediaEdgeSettings *settings;
} Reporter;

static GQuark
reporter_quark (void)
{
  return g_quark_from_static_string ("gst-mediaedge-reporter");
}

static void
free_reporter (gpointer data)
{
  Reporter *reporter = data;

  g_weak_ref_clear (&reporter->element);
  gst_media_edge_settings_unref (reporter->settings);
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
  GstElement *element = reporter ? g_weak_ref_get (&reporter->element) : NULL;

  if (element && watch)
    *watch = reporter->watch;

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
    g_weak_ref_init (&reporter->element, element);
    reporter->watch = watch;
    reporter->settings = gst_media_edge_settings_ref (settings);
    g_object_set_qdata_full (G_OBJECT (pipeline), reporter_quark (), reporter,
        free_reporter);
    gst_clear_object (&current);
  }
  GST_OBJECT_UNLOCK (pipeline);

  return current;
}

/* @element no longer reports for @pipeline, if it did. */
void
gst_media_edge_reporter_release (GstElement * pipeline, GstElement * element)
{
  g_autoptr (GstElement) current = NULL;

  GST_OBJECT_LOCK (pipeline);
  current = gst_media_edge_reporter_dup (pipeline, NULL);
  if (current == NULL || current == element)
    g_object_set_qdata (G_OBJECT (pipeline), reporter_quark (), NULL);
  GST_OBJECT_UNLOCK (pipeline);
}
