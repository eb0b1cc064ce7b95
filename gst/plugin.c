/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmediaedgeelements.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_tracker_debug);

/* The tracker knows GLib only and logs through g_log with its own domain;
 * this hands those lines to GStreamer's debug system, so that
 * GST_DEBUG=mediaedge*:6 shows them beside those of the codec and the
 * client, which log through their own categories. */
static void
forward_log (const gchar * domain, GLogLevelFlags level, const gchar * message,
    gpointer user_data)
{
  GstDebugCategory *category = user_data;
  GstDebugLevel gst_level;

  switch (level & G_LOG_LEVEL_MASK) {
    case G_LOG_LEVEL_ERROR:
    case G_LOG_LEVEL_CRITICAL:
      gst_level = GST_LEVEL_ERROR;
      break;
    case G_LOG_LEVEL_WARNING:
    case G_LOG_LEVEL_MESSAGE:
      gst_level = GST_LEVEL_WARNING;
      break;
    case G_LOG_LEVEL_INFO:
      gst_level = GST_LEVEL_INFO;
      break;
    default:
      gst_level = GST_LEVEL_DEBUG;
      break;
  }
  GST_CAT_LEVEL_LOG (category, gst_level, NULL, "%s", message);
}

void
media_edge_forward_module_logs (void)
{
  static gsize done = 0;

  if (!g_once_init_enter (&done))
    return;

  GST_DEBUG_CATEGORY_INIT (media_edge_tracker_debug, "mediaedgetracker", 0,
      "Media Edge tracking rules");
  g_log_set_handler ("mediaedge-tracker", G_LOG_LEVEL_MASK, forward_log,
      media_edge_tracker_debug);

  g_once_init_leave (&done, 1);
}

static gboolean
plugin_init (GstPlugin * plugin)
{
  return GST_ELEMENT_REGISTER (mediaedgetrack, plugin);
}

GST_PLUGIN_DEFINE (GST_VERSION_MAJOR, GST_VERSION_MINOR, mediaedge,
    "Reports playback to Adobe's Media Edge API",
    plugin_init, VERSION, GST_LICENSE, GST_PACKAGE_NAME, GST_PACKAGE_ORIGIN)
