/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Media Edge API codec: event → request `{endpoint}/{eventType}?configId=…`
 * with body `{"events":[{"xdm":{eventType, timestamp, mediaCollection}}]}`
 * (seeds 000, 001, 003; media-edge.yaml), and the sessionStart answer → the
 * session id. Every string goes through json-glib or GUri escaping. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define G_LOG_DOMAIN "mediaedge-codec"

#include <string.h>
#include <json-glib/json-glib.h>

#include "mediaedge-codec-edge.h"

/* Spelled out rather than G_DEFINE_QUARK: gst-indent would put spaces into
 * the dashed name the macro stringifies. */
GQuark
media_edge_codec_error_quark (void)
{
  return g_quark_from_static_string ("media-edge-codec-error-quark");
}

#define NEW_SESSION_HANDLE "media-analytics:new-session"

struct _MediaEdgeRequest
{
  gchar *uri;
  MediaEdgeEventType type;
  JsonNode *body;
  /* borrowed from body: where sessionID goes */
  JsonObject *media_collection;
};

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

static JsonNode *variant_to_json (GVariant * value);

static JsonNode *
dictionary_to_json (GVariant * dict)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    json_object_set_member (object, key, variant_to_json (value));
    g_variant_unref (value);
  }
  json_node_take_object (node, object);

  return node;
}

static JsonNode *
array_to_json (GVariant * array)
{
  JsonArray *items = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  GVariantIter iter;
  GVariant *child;

  g_variant_iter_init (&iter, array);
  while ((child = g_variant_iter_next_value (&iter))) {
    json_array_add_element (items, variant_to_json (child));
    g_variant_unref (child);
  }
  json_node_take_array (node, items);

  return node;
}

/* XDM values are strings, integers, booleans, numbers, objects (a{sv}) and
 * arrays of those. */
static JsonNode *
variant_to_json (GVariant * value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  switch (g_variant_classify (value)) {
    case G_VARIANT_CLASS_STRING:
      json_node_set_string (node, g_variant_get_string (value, NULL));
      break;
    case G_VARIANT_CLASS_BOOLEAN:
      json_node_set_boolean (node, g_variant_get_boolean (value));
      break;
    case G_VARIANT_CLASS_BYTE:
      json_node_set_int (node, g_variant_get_byte (value));
      break;
    case G_VARIANT_CLASS_INT16:
      json_node_set_int (node, g_variant_get_int16 (value));
      break;
    case G_VARIANT_CLASS_UINT16:
      json_node_set_int (node, g_variant_get_uint16 (value));
      break;
    case G_VARIANT_CLASS_INT32:
      json_node_set_int (node, g_variant_get_int32 (value));
      break;
    case G_VARIANT_CLASS_UINT32:
      json_node_set_int (node, g_variant_get_uint32 (value));
      break;
    case G_VARIANT_CLASS_INT64:
      json_node_set_int (node, g_variant_get_int64 (value));
      break;
    case G_VARIANT_CLASS_UINT64:
      json_node_set_int (node, MIN (g_variant_get_uint64 (value), G_MAXINT64));
      break;
    case G_VARIANT_CLASS_DOUBLE:
      json_node_set_double (node, g_variant_get_double (value));
      break;
    case G_VARIANT_CLASS_VARIANT:{
      GVariant *inner = g_variant_get_variant (value);

      json_node_unref (node);
      node = variant_to_json (inner);
      g_variant_unref (inner);
      break;
    }
    case G_VARIANT_CLASS_ARRAY:
      json_node_unref (node);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT))
        node = dictionary_to_json (value);
      else
        node = array_to_json (value);
      break;
    default:
      json_node_init_null (node);
      break;
  }

  return node;
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

static JsonObject *
build_media_collection (const MediaEdgeEvent * event)
{
  JsonObject *media = json_object_new ();
  const gchar *member = details_member (event->type);

  /* Media Edge types the playhead as an integer: whole seconds. */
  json_object_set_int_member (media, "playhead", (gint64) event->playhead);

  if (event->details && member) {
    json_object_set_member (media, member, dictionary_to_json (event->details));
  } else if (event->details) {
    g_autoptr (JsonNode) merged = dictionary_to_json (event->details);
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
        dictionary_to_json (event->qoe));

  return media;
}

static gchar *
build_uri (const gchar * endpoint, const gchar * name, const gchar * config_id)
{
  g_autofree gchar *escaped = g_uri_escape_string (config_id, NULL, FALSE);
  gsize len = strlen (endpoint);

  while (len > 0 && endpoint[len - 1] == '/')
    len--;

  return g_strdup_printf ("%.*s/%s?configId=%s", (int) len, endpoint, name,
      escaped);
}

/**
 * media_edge_codec_edge_encode:
 * @event: the event
 * @endpoint: the Media Edge base URI, e.g. `https://edge.adobedc.net/ee/va/v1`
 * @config_id: the datastream id
 *
 * Returns: (transfer full): the request for @event
 */
MediaEdgeRequest *
media_edge_codec_edge_encode (const MediaEdgeEvent * event,
    const gchar * endpoint, const gchar * config_id)
{
  MediaEdgeRequest *request;
  JsonObject *xdm, *wrapper, *envelope;
  JsonArray *events;
  const gchar *name;
  g_autofree gchar *event_type = NULL;
  g_autofree gchar *timestamp = NULL;

  g_return_val_if_fail (event != NULL, NULL);
  g_return_val_if_fail (endpoint != NULL && config_id != NULL, NULL);

  name = media_edge_event_type_get_name (event->type);
  event_type = g_strconcat ("media.", name, NULL);
  timestamp = media_edge_codec_format_timestamp (event->timestamp_ms);

  request = g_new0 (MediaEdgeRequest, 1);
  request->type = event->type;
  request->uri = build_uri (endpoint, name, config_id);
  request->media_collection = build_media_collection (event);

  xdm = json_object_new ();
  json_object_set_string_member (xdm, "eventType", event_type);
  json_object_set_string_member (xdm, "timestamp", timestamp);
  json_object_set_object_member (xdm, "mediaCollection",
      json_object_ref (request->media_collection));

  wrapper = json_object_new ();
  json_object_set_object_member (wrapper, "xdm", xdm);
  events = json_array_new ();
  json_array_add_object_element (events, wrapper);
  envelope = json_object_new ();
  json_object_set_array_member (envelope, "events", events);

  request->body = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (request->body, envelope);

  return request;
}

const gchar *
media_edge_request_get_uri (MediaEdgeRequest * request)
{
  return request->uri;
}

const gchar *
media_edge_request_get_name (MediaEdgeRequest * request)
{
  return media_edge_event_type_get_name (request->type);
}

gboolean
media_edge_request_opens_session (MediaEdgeRequest * request)
{
  return request->type == MEDIA_EDGE_EVENT_SESSION_START;
}

/* A ping only says the session is alive: when memory runs short it is the
 * first to go, since the next one says the same. */
gboolean
media_edge_request_is_expendable (MediaEdgeRequest * request)
{
  return request->type == MEDIA_EDGE_EVENT_PING;
}

/**
 * media_edge_request_build_body:
 * @session_id: (nullable): the session id, required for every event but
 *   sessionStart
 *
 * Returns: (transfer full): the JSON body
 */
gchar *
media_edge_request_build_body (MediaEdgeRequest * request,
    const gchar * session_id, gsize * length)
{
  gchar *body;

  g_return_val_if_fail (request != NULL, NULL);

  if (!media_edge_request_opens_session (request))
    json_object_set_string_member (request->media_collection, "sessionID",
        session_id ? session_id : "");

  body = json_to_string (request->body, FALSE);
  if (length)
    *length = strlen (body);

  return body;
}

void
media_edge_request_free (MediaEdgeRequest * request)
{
  if (request == NULL)
    return;

  json_object_unref (request->media_collection);
  json_node_unref (request->body);
  g_free (request->uri);
  g_free (request);
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

/**
 * media_edge_codec_edge_parse_session_id:
 * @answer: the body of the answer to sessionStart
 *
 * Returns: (transfer full): the session id of the `media-analytics:new-session`
 * handle, or %NULL with @error set
 */
gchar *
media_edge_codec_edge_parse_session_id (GBytes * answer, GError ** error)
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
  if (!json_parser_load_from_data (parser, data, size, &parse_error)) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED,
        "answer to sessionStart is not JSON: %s", parse_error->message);
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
