/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The Media Edge API codec: event → request `{endpoint}/{eventType}?configId=…`
 * with body `{"events":[{"xdm":{eventType, timestamp, mediaCollection}}]}`
 * (Adobe's implementation examples and endpoint pages; media-edge.yaml),
 * and the sessionStart answer → the
 * session id. Every string goes through json-glib or GUri escaping. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "mediaedge-codec-edge.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_codec_debug);
#define GST_CAT_DEFAULT media_edge_codec_debug

#define NEW_SESSION_HANDLE "media-analytics:new-session"
/* where every event but sessionStart names its session */
#define SESSION_ID_POINTER "/events/0/xdm/mediaCollection/sessionID"
/* how deep an answer's JSON may nest */
#define MAX_ANSWER_DEPTH 64
/* how much of a refusal its error quotes */
#define MAX_QUOTED_ANSWER 512

struct _MediaEdgeCodecEdge
{
  GObject parent;

  /* set in media_edge_codec_edge_new(), then only read, from any thread */
  GUri *endpoint;
  gchar *config_id;
  gchar *log_id;
};

static void media_edge_codec_edge_iface_init (MediaEdgeCodecInterface * iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MediaEdgeCodecEdge, media_edge_codec_edge,
    G_TYPE_OBJECT, G_IMPLEMENT_INTERFACE (MEDIA_EDGE_TYPE_CODEC,
        media_edge_codec_edge_iface_init));

/* Which member of mediaCollection carries an event's details. NULL: the
 * details are members of mediaCollection themselves (statesUpdate's
 * statesStart/statesEnd). */
static const gchar *
details_member (MediaEdgeEventType type)
{
  switch (type) {
    case MEDIA_EDGE_EVENT_SESSION_START:
      return "sessionDetails";
    case MEDIA_EDGE_EVENT_CHAPTER_START:
      return "chapterDetails";
    case MEDIA_EDGE_EVENT_AD_BREAK_START:
      return "advertisingPodDetails";
    case MEDIA_EDGE_EVENT_AD_START:
      return "advertisingDetails";
    case MEDIA_EDGE_EVENT_ERROR:
      return "errorDetails";
    default:
      return NULL;
  }
}

static gint
compare_pairs (gconstpointer a, gconstpointer b)
{
  const gchar *const *pair_a = *(const gchar * const *const *) a;
  const gchar *const *pair_b = *(const gchar * const *const *) b;

  return g_strcmp0 (pair_a[0], pair_b[0]);
}

/* customMetadata is a list of {name, value} objects, sorted by name as
 * Adobe's SDKs send it. */
static JsonNode *
custom_metadata_to_json (GVariant * metadata)
{
  g_autoptr (GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_strfreev);
  JsonArray *items = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  GVariantIter iter;
  gchar *name, *value;

  g_variant_iter_init (&iter, metadata);
  while (g_variant_iter_next (&iter, "{ss}", &name, &value)) {
    gchar **pair = g_new0 (gchar *, 3);

    pair[0] = name;
    pair[1] = value;
    g_ptr_array_add (pairs, pair);
  }
  g_ptr_array_sort (pairs, compare_pairs);

  for (guint i = 0; i < pairs->len; i++) {
    gchar **pair = g_ptr_array_index (pairs, i);
    JsonObject *item = json_object_new ();

    json_object_set_string_member (item, "name", pair[0]);
    json_object_set_string_member (item, "value", pair[1]);
    json_array_add_object_element (items, item);
  }
  json_node_take_array (node, items);

  return node;
}

static JsonObject *
build_media_collection (const MediaEdgeEvent * event)
{
  JsonObject *media = json_object_new ();
  const gchar *member = details_member (event->type);

  /* Media Edge types the playhead as an integer: whole seconds. */
  json_object_set_int_member (media, "playhead", (gint64) event->playhead);

  if (event->details && member) {
    json_object_set_member (media, member,
        media_edge_codec_dictionary_to_json (event->details));
  } else if (event->details) {
    g_autoptr (JsonNode) merged =
        media_edge_codec_dictionary_to_json (event->details);
    JsonObject *fields = json_node_get_object (merged);
    JsonObjectIter iter;
    const gchar *name;
    JsonNode *value;

    json_object_iter_init (&iter, fields);
    while (json_object_iter_next (&iter, &name, &value))
      json_object_set_member (media, name, json_node_copy (value));
  }
  if (event->custom_metadata)
    json_object_set_member (media, "customMetadata",
        custom_metadata_to_json (event->custom_metadata));
  if (event->qoe)
    json_object_set_member (media, "qoeDataDetails",
        media_edge_codec_dictionary_to_json (event->qoe));

  return media;
}

/* {endpoint}/{name}?configId=…, the endpoint's own query kept before
 * configId. */
static gchar *
build_uri (MediaEdgeCodecEdge * self, const gchar * name)
{
  g_autofree gchar *escaped = g_uri_escape_string (self->config_id, NULL,
      FALSE);
  g_autofree gchar *query = g_strconcat ("configId=", escaped, NULL);

  return media_edge_codec_build_uri (self->endpoint, name, query);
}

/* The xdm object; sessionID, which the request fills in when it is sent,
 * comes last. */
static JsonObject *
build_xdm (const MediaEdgeEvent * event)
{
  JsonObject *xdm = json_object_new ();
  JsonObject *media = build_media_collection (event);
  g_autofree gchar *event_type = NULL;
  g_autofree gchar *timestamp = NULL;

  event_type = g_strconcat ("media.",
      media_edge_event_type_get_name (event->type), NULL);
  timestamp = media_edge_codec_format_timestamp (event->timestamp_ms);
  if (event->type != MEDIA_EDGE_EVENT_SESSION_START)
    json_object_set_string_member (media, "sessionID", "");

  json_object_set_string_member (xdm, "eventType", event_type);
  json_object_set_string_member (xdm, "timestamp", timestamp);
  json_object_set_object_member (xdm, "mediaCollection", media);

  return xdm;
}

static gchar *
build_body (const MediaEdgeEvent * event)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *wrapper = json_object_new ();
  JsonObject *envelope = json_object_new ();
  JsonArray *events = json_array_new ();

  json_object_set_object_member (wrapper, "xdm", build_xdm (event));
  json_array_add_object_element (events, wrapper);
  json_object_set_array_member (envelope, "events", events);
  json_node_take_object (root, envelope);

  return json_to_string (root, FALSE);
}

static MediaEdgeRequest *
media_edge_codec_edge_encode (MediaEdgeCodec * codec,
    const MediaEdgeEvent * event)
{
  MediaEdgeCodecEdge *self = MEDIA_EDGE_CODEC_EDGE (codec);
  const gchar *name = media_edge_event_type_get_name (event->type);
  gboolean opens = event->type == MEDIA_EDGE_EVENT_SESSION_START;
  g_autofree gchar *uri = build_uri (self, name);
  g_autofree gchar *body = build_body (event);

  GST_LOG_ID (self->log_id, "%s: POST %s %s", name, uri, body);

  return media_edge_request_new (name, "POST", uri, body,
      opens ? NULL : SESSION_ID_POINTER,
      media_edge_codec_request_flags (event->type));
}

static const gchar *
find_new_session_id (JsonArray * handles)
{
  guint n = json_array_get_length (handles);

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (handles, i);
    JsonObject *handle;
    JsonArray *payload;
    JsonObject *first;

    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    handle = json_node_get_object (node);
    if (g_strcmp0 (json_object_get_string_member_with_default (handle,
                "type", NULL), NEW_SESSION_HANDLE) != 0)
      continue;
    node = json_object_get_member (handle, "payload");
    if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
      continue;
    payload = json_node_get_array (node);
    if (json_array_get_length (payload) == 0)
      continue;
    node = json_array_get_element (payload, 0);
    if (!JSON_NODE_HOLDS_OBJECT (node))
      continue;
    first = json_node_get_object (node);
    return json_object_get_string_member_with_default (first, "sessionId",
        NULL);
  }

  return NULL;
}

/* Whether the JSON text @data escapes a NUL (\u0000) in a string:
 * json-glib cuts its strings there, so a session id read from such an
 * answer would not be the one the service gave. A backslash escaped
 * itself ("\\u0000") is no such escape. */
static gboolean
escapes_nul (const gchar * data, gsize size)
{
  for (gsize i = 0; i + 1 < size; i++) {
    if (data[i] != '\\')
      continue;
    if (data[i + 1] == 'u' && size - i >= 6
        && memcmp (data + i + 2, "0000", 4) == 0)
      return TRUE;
    /* the escaped character */
    i++;
  }

  return FALSE;
}

/* The session id of the `media-analytics:new-session` handle in @answer, the
 * body of the answer to sessionStart, or %NULL with @error set. */
static gchar *
parse_handles (GBytes * answer, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) parse_error = NULL;
  JsonNode *root, *handles;
  const gchar *data;
  const gchar *session_id;
  gsize size = 0;

  data = answer ? g_bytes_get_data (answer, &size) : NULL;
  if (data == NULL || size == 0 || size > G_MAXSSIZE) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED, "empty answer to sessionStart");
    return NULL;
  }
  /* the answer's handles lie a few levels down; far deeper is hostile */
  if (media_edge_codec_json_too_deep (data, size, MAX_ANSWER_DEPTH)) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED,
        "answer to sessionStart nests deeper than %u levels", MAX_ANSWER_DEPTH);
    return NULL;
  }
  if (!json_parser_load_from_data (parser, data, size, &parse_error)) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED,
        "answer to sessionStart is not JSON: %s", parse_error->message);
    return NULL;
  }
  if (escapes_nul (data, size)) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED,
        "answer to sessionStart holds a NUL character (\\u0000)");
    return NULL;
  }

  root = json_parser_get_root (parser);
  handles = root && JSON_NODE_HOLDS_OBJECT (root) ?
      json_object_get_member (json_node_get_object (root), "handle") : NULL;
  if (handles == NULL || !JSON_NODE_HOLDS_ARRAY (handles)) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED,
        "answer to sessionStart has no handle[] array");
    return NULL;
  }

  session_id = find_new_session_id (json_node_get_array (handles));
  if (session_id == NULL || *session_id == '\0') {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_NO_SESSION,
        "answer to sessionStart has no " NEW_SESSION_HANDLE " sessionId "
        "(is Media Analytics enabled on the datastream?)");
    return NULL;
  }

  return g_strdup (session_id);
}

/* 207: the service found problems with what it was sent (errors[]). */
static void
refuse (const MediaEdgeAnswer * answer, GError ** error)
{
  gsize size = 0;
  const gchar *data = answer->body ? g_bytes_get_data (answer->body, &size) :
      NULL;

  g_set_error (error, MEDIA_EDGE_CODEC_ERROR, MEDIA_EDGE_CODEC_ERROR_REFUSED,
      "HTTP %u Multi-Status: %.*s", answer->status,
      (int) MIN (size, MAX_QUOTED_ANSWER), data ? data : "");
}

static gchar *
media_edge_codec_edge_parse_session_id (MediaEdgeCodec * codec,
    const MediaEdgeAnswer * answer, GError ** error)
{
  MediaEdgeCodecEdge *self = MEDIA_EDGE_CODEC_EDGE (codec);
  gchar *session_id;

  if (answer->status == 207) {
    refuse (answer, error);
    return NULL;
  }
  session_id = parse_handles (answer->body, error);
  if (session_id)
    GST_DEBUG_ID (self->log_id, "session id %s", session_id);

  return session_id;
}

static void
media_edge_codec_edge_iface_init (MediaEdgeCodecInterface * iface)
{
  iface->encode = media_edge_codec_edge_encode;
  iface->parse_session_id = media_edge_codec_edge_parse_session_id;
}

static void
media_edge_codec_edge_finalize (GObject * object)
{
  MediaEdgeCodecEdge *self = MEDIA_EDGE_CODEC_EDGE (object);

  g_uri_unref (self->endpoint);
  g_free (self->config_id);
  g_free (self->log_id);

  G_OBJECT_CLASS (media_edge_codec_edge_parent_class)->finalize (object);
}

static void
media_edge_codec_edge_class_init (MediaEdgeCodecEdgeClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = media_edge_codec_edge_finalize;

  GST_DEBUG_CATEGORY_INIT (media_edge_codec_debug, "mediaedgecodec", 0,
      "Media Edge request encoding");
}

static void
media_edge_codec_edge_init (MediaEdgeCodecEdge * self)
{
}

/**
 * media_edge_codec_edge_new:
 * @endpoint: the Media Edge base URI, e.g. `https://edge.adobedc.net/ee/va/v1`;
 *   an absolute URI
 * @config_id: the datastream id
 * @log_id: (nullable): who the codec works for, in its log lines
 *
 * Returns: (transfer full): the Media Edge codec
 */
MediaEdgeCodec *
media_edge_codec_edge_new (const gchar * endpoint, const gchar * config_id,
    const gchar * log_id)
{
  MediaEdgeCodecEdge *self;
  GUri *uri;

  g_return_val_if_fail (endpoint != NULL && config_id != NULL, NULL);
  uri = g_uri_parse (endpoint, G_URI_FLAGS_ENCODED, NULL);
  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (MEDIA_EDGE_TYPE_CODEC_EDGE, NULL);
  self->endpoint = uri;
  self->config_id = g_strdup (config_id);
  self->log_id = g_strdup (log_id);

  return MEDIA_EDGE_CODEC (self);
}
