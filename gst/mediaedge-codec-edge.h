/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_CODEC_EDGE_H__
#define __MEDIA_EDGE_CODEC_EDGE_H__

#include "mediaedge-codec.h"

G_BEGIN_DECLS
#define MEDIA_EDGE_TYPE_CODEC_EDGE (media_edge_codec_edge_get_type ())
G_DECLARE_FINAL_TYPE (MediaEdgeCodecEdge, media_edge_codec_edge, MEDIA_EDGE,
    CODEC_EDGE, GObject);

/**
 * MediaEdgeIdentity:
 * @fpid: (nullable): the device's first-party id, sent as the primary FPID
 *   of sessionStart's identityMap; none when %NULL
 * @authenticated_state: (nullable): its authenticatedState (`ambiguous`,
 *   `authenticated` or `loggedOut`); `ambiguous` when %NULL
 */
typedef struct
{
  const gchar *fpid;
  const gchar *authenticated_state;
} MediaEdgeIdentity;

MediaEdgeCodec *media_edge_codec_edge_new (const gchar * endpoint,
    const gchar * config_id, const gchar * log_id);

MediaEdgeCodec *media_edge_codec_edge_new_full (const gchar * endpoint,
    const gchar * config_id, const MediaEdgeIdentity * identity,
    const gchar * log_id);

GPtrArray *media_edge_codec_edge_encode_downloaded (GPtrArray * requests,
    const MediaEdgeIdentity * fallback, gsize max_body, GError ** error);

MediaEdgeRequest *media_edge_codec_edge_encode_end_after (const
    MediaEdgeRequest * last);

G_END_DECLS
#endif /* __MEDIA_EDGE_CODEC_EDGE_H__ */
