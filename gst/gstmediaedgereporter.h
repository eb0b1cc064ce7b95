/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_REPORTER_H__
#define __GST_MEDIA_EDGE_REPORTER_H__

#include <gst/gst.h>

#include "gstmediaedgesettings.h"

G_BEGIN_DECLS

GstElement *gst_media_edge_reporter_claim (GstElement * pipeline,
    GstElement * element, gpointer watch, GstMediaEdgeSettings * settings,
    gboolean * settings_differ);

GstElement *gst_media_edge_reporter_release (GstElement * pipeline,
    GstElement * element, gpointer * watch);

void gst_media_edge_reporter_leave (GstElement * pipeline,
    GstElement * element);

GstElement *gst_media_edge_reporter_dup (GstElement * pipeline,
    gpointer * watch);

G_END_DECLS

#endif /* __GST_MEDIA_EDGE_REPORTER_H__ */
