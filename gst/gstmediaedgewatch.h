/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_WATCH_H__
#define __GST_MEDIA_EDGE_WATCH_H__

#include <gst/gst.h>

#include "gstmediaedgesession.h"
#include "gstmediaedgesettings.h"

G_BEGIN_DECLS

typedef struct _GstMediaEdgeWatch GstMediaEdgeWatch;

GstMediaEdgeWatch *gst_media_edge_watch_new (GstElement * element,
    GstMediaEdgeSession * session);

void gst_media_edge_watch_free (GstMediaEdgeWatch * watch);

void gst_media_edge_watch_start (GstMediaEdgeWatch * watch,
    GstMediaEdgeSettings * settings);

void gst_media_edge_watch_stop (GstMediaEdgeWatch * watch);

void gst_media_edge_watch_sink_event (GstMediaEdgeWatch * watch,
    GstEvent * event);

void gst_media_edge_watch_buffer (GstMediaEdgeWatch * watch,
    GstClockTime position, GstClockTime end_position,
    GstClockTime running_time, GstClockTime end_running_time);

gboolean gst_media_edge_watch_feed (GstMediaEdgeWatch * watch,
    GstMediaEdgeInput * input, GError ** error);

G_END_DECLS

#endif /* __GST_MEDIA_EDGE_WATCH_H__ */
