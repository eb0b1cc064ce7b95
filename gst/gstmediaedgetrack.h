/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_TRACK_H__
#define __GST_MEDIA_EDGE_TRACK_H__

#include <gst/gst.h>

G_BEGIN_DECLS
#define GST_TYPE_MEDIA_EDGE_TRACK (gst_media_edge_track_get_type ())
G_DECLARE_FINAL_TYPE (GstMediaEdgeTrack, gst_media_edge_track, GST,
    MEDIA_EDGE_TRACK, GstElement);

G_END_DECLS
#endif /* __GST_MEDIA_EDGE_TRACK_H__ */
