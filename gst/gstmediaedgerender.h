/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_RENDER_H__
#define __GST_MEDIA_EDGE_RENDER_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstMediaEdgeRender GstMediaEdgeRender;

/* Called on the clock's thread when @what is rendered: decide nothing
 * there, hand over. */
typedef void (*GstMediaEdgeRenderFunc) (guint what, gpointer user_data);

GstMediaEdgeRender *gst_media_edge_render_new (GstElement * element,
    GstMediaEdgeRenderFunc func, gpointer user_data);

void gst_media_edge_render_free (GstMediaEdgeRender * render);

void gst_media_edge_render_measure (GstMediaEdgeRender * render,
    GstElement * pipeline);

gboolean gst_media_edge_render_is_syncing (GstMediaEdgeRender * render);

gboolean gst_media_edge_render_at (GstMediaEdgeRender * render,
    GstClockTime running_time, guint what);

void gst_media_edge_render_suspend (GstMediaEdgeRender * render);

void gst_media_edge_render_resume (GstMediaEdgeRender * render);

gboolean gst_media_edge_render_reached (GstMediaEdgeRender * render,
    guint what, GstClockTime tolerance);

void gst_media_edge_render_cancel (GstMediaEdgeRender * render);

G_END_DECLS

#endif /* __GST_MEDIA_EDGE_RENDER_H__ */
