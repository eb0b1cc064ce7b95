/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_CODEC_H__
#define __MEDIA_EDGE_CODEC_H__

#include <glib-object.h>
#include <json-glib/json-glib.h>
#include "mediaedge-event.h"
#include "mediaedge-request.h"
#include "mediaedge-state.h"

G_BEGIN_DECLS
#define MEDIA_EDGE_CODEC_ERROR (media_edge_codec_error_quark ())
    GQuark media_edge_codec_error_quark (void);

typedef enum
{
  MEDIA_EDGE_CODEC_ERROR_MALFORMED,
  MEDIA_EDGE_CODEC_ERROR_NO_SESSION,
  MEDIA_EDGE_CODEC_ERROR_REFUSED,
} MediaEdgeCodecError;

#define MEDIA_EDGE_TYPE_CODEC (media_edge_codec_get_type ())
G_DECLARE_INTERFACE (MediaEdgeCodec, media_edge_codec, MEDIA_EDGE, CODEC,
    GObject);

/**
 * MediaEdgeCodecInterface:
 * @encode: the request that reports @event, or %NULL if the API has
 *   none that says the same, or needs several
 * @encode_all: (nullable): every request that reports @event, in order;
 *   for an API that needs several for some events (when unset, @encode's
 *   one request)
 * @parse_session_id: the session id in the answer to the request that
 *   opened the session, or %NULL with an error that says why there is
 *   none. Called on the sender thread: it must only read the codec.
 * @read_state: (nullable): keeps in @state what a delivered answer asks
 *   the device to keep (client state entries, location hint), @now being
 *   the wall-clock time in seconds. Called on the sender thread.
 *
 * A wire format of Adobe's media tracking (Media Edge, Media Collection):
 * the only place that knows URLs, bodies and how a session is named. An
 * implementation is immutable once made, so that any thread may use it.
 */
struct _MediaEdgeCodecInterface
{
  GTypeInterface parent_iface;

  MediaEdgeRequest *(*encode) (MediaEdgeCodec * codec,
      const MediaEdgeEvent * event);
  GPtrArray *(*encode_all) (MediaEdgeCodec * codec,
      const MediaEdgeEvent * event);
  gchar *(*parse_session_id) (MediaEdgeCodec * codec,
      const MediaEdgeAnswer * answer, GError ** error);
  void (*read_state) (MediaEdgeCodec * codec, const MediaEdgeAnswer * answer,
      MediaEdgeState * state, gint64 now);
};

MediaEdgeRequest *media_edge_codec_encode (MediaEdgeCodec * codec,
    const MediaEdgeEvent * event);

GPtrArray *media_edge_codec_encode_all (MediaEdgeCodec * codec,
    const MediaEdgeEvent * event);

gchar *media_edge_codec_parse_session_id (MediaEdgeCodec * codec,
    const MediaEdgeAnswer * answer, GError ** error);

void media_edge_codec_read_state (MediaEdgeCodec * codec,
    const MediaEdgeAnswer * answer, MediaEdgeState * state, gint64 now);

MediaEdgeRequest *media_edge_codec_encode_end_after (const MediaEdgeRequest *
    last);

gchar *media_edge_codec_format_timestamp (gint64 timestamp_ms);

gboolean media_edge_codec_parse_timestamp (const gchar * text,
    gint64 * timestamp_ms);

gboolean media_edge_codec_number_member (JsonObject * object,
    const gchar * name, gdouble * value);

JsonNode *media_edge_codec_variant_to_json (GVariant * value);

JsonNode *media_edge_codec_dictionary_to_json (GVariant * dict);

GUri *media_edge_codec_parse_endpoint (const gchar * endpoint);

gchar *media_edge_codec_build_uri (GUri * endpoint, const gchar * path,
    const gchar * query);

MediaEdgeRequestFlags media_edge_codec_request_flags (MediaEdgeEventType type);

/* how deep an answer's JSON may nest: far deeper is hostile (json-glib
 * parses by recursion) */
#define MEDIA_EDGE_CODEC_MAX_ANSWER_DEPTH 64

gchar *media_edge_codec_quote_answer (const gchar * data, gsize size,
    gsize limit);

gboolean media_edge_codec_json_too_deep (const gchar * data, gsize size,
    guint max_depth);

G_END_DECLS
#endif /* __MEDIA_EDGE_CODEC_H__ */
