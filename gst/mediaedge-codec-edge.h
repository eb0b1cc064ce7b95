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

#include <glib.h>
#include "mediaedge-event.h"

G_BEGIN_DECLS

#define MEDIA_EDGE_CODEC_ERROR (media_edge_codec_error_quark ())
GQuark media_edge_codec_error_quark (void);

typedef enum
{
  MEDIA_EDGE_CODEC_ERROR_MALFORMED,
  MEDIA_EDGE_CODEC_ERROR_NO_SESSION,
} MediaEdgeCodecError;

/**
 * MediaEdgeRequest:
 *
 * One HTTP request of the Media Edge API, ready to send but for the session
 * id, which the service hands out in its answer to sessionStart and which
 * media_edge_request_build_body() fills in.
 */
typedef struct _MediaEdgeRequest MediaEdgeRequest;

MediaEdgeRequest *media_edge_codec_edge_encode (const MediaEdgeEvent * event,
    const gchar * endpoint, const gchar * config_id);

const gchar *media_edge_request_get_uri (MediaEdgeRequest * request);

const gchar *media_edge_request_get_name (MediaEdgeRequest * request);

gboolean media_edge_request_opens_session (MediaEdgeRequest * request);

gboolean media_edge_request_is_expendable (MediaEdgeRequest * request);

gchar *media_edge_request_build_body (MediaEdgeRequest * request,
    const gchar * session_id, gsize * length);

void media_edge_request_free (MediaEdgeRequest * request);

gchar *media_edge_codec_edge_parse_session_id (GBytes * answer,
    GError ** error);

gchar *media_edge_codec_format_timestamp (gint64 timestamp_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeRequest, media_edge_request_free);

G_END_DECLS

#endif /* __MEDIA_EDGE_CODEC_EDGE_H__ */
