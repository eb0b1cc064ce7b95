/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_CHAPTERS_H__
#define __GST_MEDIA_EDGE_CHAPTERS_H__

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _GstMediaEdgeChapters GstMediaEdgeChapters;

GstMediaEdgeChapters *gst_media_edge_chapters_new (const GstToc * toc,
    GstClockTime duration);

void gst_media_edge_chapters_free (GstMediaEdgeChapters * chapters);

guint gst_media_edge_chapters_get_count (GstMediaEdgeChapters * chapters);

gboolean gst_media_edge_chapters_crosses_bound (GstMediaEdgeChapters *
    chapters, GstClockTime position);

void gst_media_edge_chapters_forget_stretch (GstMediaEdgeChapters *
    chapters);

gint gst_media_edge_chapters_locate (GstMediaEdgeChapters * chapters,
    GstClockTime position, GstClockTime * stop);

GVariant *gst_media_edge_chapters_describe (GstMediaEdgeChapters * chapters,
    gint index);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstMediaEdgeChapters,
    gst_media_edge_chapters_free);

G_END_DECLS

#endif /* __GST_MEDIA_EDGE_CHAPTERS_H__ */
