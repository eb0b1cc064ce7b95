/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The codec interface every wire format implements, and what all of them
 * share. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mediaedge-codec.h"

G_DEFINE_INTERFACE (MediaEdgeCodec, media_edge_codec, G_TYPE_OBJECT);

/* Spelled out rather than G_DEFINE_QUARK: gst-indent would put spaces into
 * the dashed name the macro stringifies. */
GQuark
media_edge_codec_error_quark (void)
{
  return g_quark_from_static_string ("media-edge-codec-error-quark");
}

static void
media_edge_codec_default_init (MediaEdgeCodecInterface * iface)
{
}

/**
 * media_edge_codec_encode:
 * @event: the event
 *
 * Returns: (transfer full): the request that reports @event
 */
MediaEdgeRequest *
media_edge_codec_encode (MediaEdgeCodec * codec, const MediaEdgeEvent * event)
{
  g_return_val_if_fail (MEDIA_EDGE_IS_CODEC (codec), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  return MEDIA_EDGE_CODEC_GET_IFACE (codec)->encode (codec, event);
}

/**
 * media_edge_codec_parse_session_id:
 * @answer: the answer to the request that opened the session
 *
 * Returns: (transfer full): the session id, or %NULL with @error set
 */
gchar *
media_edge_codec_parse_session_id (MediaEdgeCodec * codec,
    const MediaEdgeAnswer * answer, GError ** error)
{
  g_return_val_if_fail (MEDIA_EDGE_IS_CODEC (codec), NULL);
  g_return_val_if_fail (answer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return MEDIA_EDGE_CODEC_GET_IFACE (codec)->parse_session_id (codec, answer,
      error);
}

/**
 * media_edge_codec_format_timestamp:
 * @timestamp_ms: milliseconds since the Unix epoch
 *
 * Returns: (transfer full) (nullable): @timestamp_ms in ISO 8601, UTC, with
 * milliseconds: `2026-11-26T02:00:43.002Z`
 */
gchar *
media_edge_codec_format_timestamp (gint64 timestamp_ms)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autofree gchar *seconds = NULL;

  utc = g_date_time_new_from_unix_utc (timestamp_ms / 1000);
  if (utc == NULL)
    return NULL;
  seconds = g_date_time_format (utc, "%Y-%m-%dT%H:%M:%S");

  return g_strdup_printf ("%s.%03dZ", seconds, (int) (timestamp_ms % 1000));
}
