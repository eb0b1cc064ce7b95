/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_QOE_H__
#define __MEDIA_EDGE_QOE_H__

#include "mediaedge-tracker.h"

G_BEGIN_DECLS

/* after the player's own measurements: the one the tracker makes */
#define MEDIA_EDGE_QOE_TIME_TO_START MEDIA_EDGE_QOE_N_FIELDS

#define MEDIA_EDGE_QOE_UNKNOWN (-1)

typedef struct _MediaEdgeQoe MediaEdgeQoe;

MediaEdgeQoe *media_edge_qoe_new (void);

void media_edge_qoe_free (MediaEdgeQoe * qoe);

gint64 media_edge_qoe_set (MediaEdgeQoe * qoe, guint field, gint64 value);

gint64 media_edge_qoe_get (MediaEdgeQoe * qoe, guint field);

gint64 media_edge_qoe_add_dropped_frames (MediaEdgeQoe * qoe,
    gconstpointer source, guint64 dropped);

void media_edge_qoe_forget_reported (MediaEdgeQoe * qoe);

void media_edge_qoe_start_session (MediaEdgeQoe * qoe);

GVariant *media_edge_qoe_take_report (MediaEdgeQoe * qoe, gboolean always);

G_END_DECLS

#endif /* __MEDIA_EDGE_QOE_H__ */
