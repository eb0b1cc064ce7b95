/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_CODEC_COLLECTION_H__
#define __MEDIA_EDGE_CODEC_COLLECTION_H__

#include "mediaedge-codec.h"

G_BEGIN_DECLS
/**
 * MediaEdgeCollectionAccount:
 * @tracking_server: analytics.trackingServer
 * @report_suite: analytics.reportSuite
 * @visitor_id: analytics.visitorId
 * @org_id: visitor.marketingCloudOrgId
 *
 * Whom a Media Collection API session is reported for: sessionStart's
 * mandatory parameters that are not the content's.
 */
    typedef struct
{
  const gchar *tracking_server;
  const gchar *report_suite;
  const gchar *visitor_id;
  const gchar *org_id;
} MediaEdgeCollectionAccount;

#define MEDIA_EDGE_TYPE_CODEC_COLLECTION (media_edge_codec_collection_get_type ())
G_DECLARE_FINAL_TYPE (MediaEdgeCodecCollection, media_edge_codec_collection,
    MEDIA_EDGE, CODEC_COLLECTION, GObject);

MediaEdgeCodec *media_edge_codec_collection_new (const gchar * endpoint,
    const MediaEdgeCollectionAccount * account, const gchar * log_id);

gchar *media_edge_codec_collection_session_id_of (const MediaEdgeAnswer *
    answer, GError ** error);

MediaEdgeRequest *media_edge_codec_collection_encode_end_after (const
    MediaEdgeRequest * last);

G_END_DECLS
#endif /* __MEDIA_EDGE_CODEC_COLLECTION_H__ */
