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

#include <string.h>

#include "mediaedge-codec.h"
#include "mediaedge-codec-collection.h"
#include "mediaedge-codec-edge.h"

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
 * Returns: (transfer full) (nullable): the request that reports @event,
 * or %NULL if the API has none that says the same
 */
MediaEdgeRequest *
media_edge_codec_encode (MediaEdgeCodec * codec, const MediaEdgeEvent * event)
{
  g_return_val_if_fail (MEDIA_EDGE_IS_CODEC (codec), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  return MEDIA_EDGE_CODEC_GET_IFACE (codec)->encode (codec, event);
}

/**
 * media_edge_codec_encode_all:
 * @event: the event
 *
 * Returns: (transfer full) (element-type MediaEdgeRequest): the requests
 * that report @event, in the order they go out; none if the API has no
 * request that says the same
 */
GPtrArray *
media_edge_codec_encode_all (MediaEdgeCodec * codec,
    const MediaEdgeEvent * event)
{
  MediaEdgeCodecInterface *iface;
  GPtrArray *requests;
  MediaEdgeRequest *request;

  g_return_val_if_fail (MEDIA_EDGE_IS_CODEC (codec), NULL);
  g_return_val_if_fail (event != NULL, NULL);

  iface = MEDIA_EDGE_CODEC_GET_IFACE (codec);
  if (iface->encode_all)
    return iface->encode_all (codec, event);

  requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_request_free);
  request = iface->encode (codec, event);
  if (request)
    g_ptr_array_add (requests, request);

  return requests;
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
 * media_edge_codec_read_state:
 * @answer: a delivered answer
 * @state: where the device keeps what it is told to
 * @now: wall-clock time, in seconds since the epoch
 *
 * Keeps in @state what @answer asks the device to keep; nothing for an
 * API that asks nothing of the kind.
 */
void
media_edge_codec_read_state (MediaEdgeCodec * codec,
    const MediaEdgeAnswer * answer, MediaEdgeState * state, gint64 now)
{
  MediaEdgeCodecInterface *iface;

  g_return_if_fail (MEDIA_EDGE_IS_CODEC (codec));
  g_return_if_fail (answer != NULL && state != NULL);

  iface = MEDIA_EDGE_CODEC_GET_IFACE (codec);
  if (iface->read_state)
    iface->read_state (codec, answer, state, now);
}

/**
 * media_edge_codec_encode_end_after:
 * @last: the last request of a session, as a codec made it
 *
 * The sessionEnd that closes the session of @last, in the API @last
 * belongs to, as its codec would have encoded it 1 ms after @last, at its
 * playhead; for a replay in a later process, which has no codec of the
 * session's (the element's may be set otherwise now).
 *
 * Returns: (transfer full) (nullable): the request, or %NULL if @last is
 *   no codec's event
 */
MediaEdgeRequest *
media_edge_codec_encode_end_after (const MediaEdgeRequest * last)
{
  MediaEdgeRequest *end;

  g_return_val_if_fail (last != NULL, NULL);

  end = media_edge_codec_edge_encode_end_after (last);

  return end ? end : media_edge_codec_collection_encode_end_after (last);
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

/**
 * media_edge_codec_parse_timestamp:
 * @text: (nullable): an ISO 8601 time with its zone, as
 *   media_edge_codec_format_timestamp() writes it
 * @timestamp_ms: (out): @text in milliseconds since the Unix epoch
 *
 * Returns: whether @text is such a time
 */
gboolean
media_edge_codec_parse_timestamp (const gchar * text, gint64 * timestamp_ms)
{
  g_autoptr (GDateTime) when = NULL;

  if (text == NULL || !(when = g_date_time_new_from_iso8601 (text, NULL)))
    return FALSE;
  *timestamp_ms = g_date_time_to_unix (when) * 1000 +
      g_date_time_get_microsecond (when) / 1000;

  return TRUE;
}

/**
 * media_edge_codec_number_member:
 * @object: a JSON object
 * @name: the name of one of its members
 * @value: (out): the member, when it is a number
 *
 * Returns: whether @object's member @name is a number, integer or not
 */
gboolean
media_edge_codec_number_member (JsonObject * object, const gchar * name,
    gdouble * value)
{
  JsonNode *node = json_object_get_member (object, name);
  GType type = node ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *value = json_node_get_double (node);

  return TRUE;
}

static JsonNode *array_to_json (GVariant * array);

/**
 * media_edge_codec_dictionary_to_json:
 * @dict: an a{sv} dictionary
 *
 * Returns: (transfer full): @dict as a JSON object
 */
JsonNode *
media_edge_codec_dictionary_to_json (GVariant * dict)
{
  JsonObject *object = json_object_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    json_object_set_member (object, key,
        media_edge_codec_variant_to_json (value));
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
    json_array_add_element (items, media_edge_codec_variant_to_json (child));
    g_variant_unref (child);
  }
  json_node_take_array (node, items);

  return node;
}

/**
 * media_edge_codec_variant_to_json:
 * @value: an XDM value: a string, integer, boolean, number, object (a{sv})
 *   or array of those
 *
 * Returns: (transfer full): @value in JSON
 */
JsonNode *
media_edge_codec_variant_to_json (GVariant * value)
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
      node = media_edge_codec_variant_to_json (inner);
      g_variant_unref (inner);
      break;
    }
    case G_VARIANT_CLASS_ARRAY:
      json_node_unref (node);
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT))
        node = media_edge_codec_dictionary_to_json (value);
      else
        node = array_to_json (value);
      break;
    default:
      json_node_init_null (node);
      break;
  }

  return node;
}

/**
 * media_edge_codec_parse_endpoint:
 * @endpoint: the endpoint property: an absolute http(s) URI
 *
 * Returns: (transfer full) (nullable): @endpoint parsed, its braces
 * escaped: a request's URL template marks its slots with them
 * (`{sessionId}`), which an endpoint of its own must not fill
 */
GUri *
media_edge_codec_parse_endpoint (const gchar * endpoint)
{
  g_auto (GStrv) opening = g_strsplit (endpoint, "{", -1);
  g_autofree gchar *escaped_opening = g_strjoinv ("%7B", opening);
  g_auto (GStrv) closing = g_strsplit (escaped_opening, "}", -1);
  g_autofree gchar *escaped = g_strjoinv ("%7D", closing);

  return g_uri_parse (escaped, G_URI_FLAGS_ENCODED, NULL);
}

/**
 * media_edge_codec_build_uri:
 * @endpoint: the service's base URI
 * @path: what follows the endpoint's path, after a slash
 * @query: (nullable): a query to add after the endpoint's own
 *
 * Returns: (transfer full): the URI, built with GUri: the endpoint's
 * trailing slashes are not doubled and its own query is kept
 */
gchar *
media_edge_codec_build_uri (GUri * endpoint, const gchar * path,
    const gchar * query)
{
  const gchar *base_path = g_uri_get_path (endpoint);
  const gchar *base_query = g_uri_get_query (endpoint);
  gsize len = strlen (base_path);
  g_autofree gchar *full_path = NULL;
  g_autofree gchar *full_query = NULL;
  g_autoptr (GUri) uri = NULL;

  while (len > 0 && base_path[len - 1] == '/')
    len--;
  full_path = g_strdup_printf ("%.*s/%s", (int) len, base_path, path);
  if (base_query && *base_query && query)
    full_query = g_strconcat (base_query, "&", query, NULL);
  else
    full_query = g_strdup (query ? query : base_query);
  uri = g_uri_build (g_uri_get_flags (endpoint), g_uri_get_scheme (endpoint),
      g_uri_get_userinfo (endpoint), g_uri_get_host (endpoint),
      g_uri_get_port (endpoint), full_path, full_query, NULL);

  return g_uri_to_string (uri);
}

/* The members of a JSON answer that say what went wrong: the rest (a
 * 207's handles) may carry the device's client state, which no warning
 * may quote */
static const gchar *const problem_members[] = {
  "errors", "error", "title", "detail", "message", "type", "status", NULL
};

/* The members of @root that say what went wrong, as JSON text, or NULL */
static gchar *
problem_of (JsonNode * root)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *problem = json_object_new ();
  JsonObject *object = json_node_get_object (root);

  for (guint i = 0; problem_members[i]; i++) {
    JsonNode *member = json_object_get_member (object, problem_members[i]);

    if (member)
      json_object_set_member (problem, problem_members[i],
          json_node_copy (member));
  }
  json_node_take_object (node, problem);

  return json_object_get_size (problem) > 0 ? json_to_string (node, FALSE) :
      NULL;
}

/**
 * media_edge_codec_quote_answer:
 * @data: (nullable): the body of an answer
 * @limit: how many bytes to quote at most
 *
 * What an answer said, fit for a warning: of a JSON object, only the
 * members that say what went wrong (`errors`, `title`, `detail`...), never
 * what it asks the device to keep; other text as it is. Valid UTF-8.
 *
 * Returns: (transfer full): the quote
 */
gchar *
media_edge_codec_quote_answer (const gchar * data, gsize size, gsize limit)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autofree gchar *problem = NULL;
  JsonNode *root;

  if (data == NULL || size == 0 || size > G_MAXSSIZE
      || media_edge_codec_json_too_deep (data, size,
          MEDIA_EDGE_CODEC_MAX_ANSWER_DEPTH)
      || !json_parser_load_from_data (parser, data, size, NULL)
      || !(root = json_parser_get_root (parser))
      || !JSON_NODE_HOLDS_OBJECT (root))
    return media_edge_quote_text (data, size, limit);

  problem = problem_of (root);
  if (problem == NULL)
    return g_strdup_printf ("(%" G_GSIZE_FORMAT " bytes of JSON that name "
        "no error)", size);

  return media_edge_quote_text (problem, strlen (problem), limit);
}

/**
 * media_edge_codec_json_too_deep:
 * @data: JSON text from the network
 * @max_depth: the deepest nesting of arrays and objects taken
 *
 * Whether @data nests deeper than @max_depth: json-glib parses by
 * recursion, and an answer of a hundred thousand `[` would exhaust the
 * sender thread's stack. Strings are skipped, escapes included.
 */
gboolean
media_edge_codec_json_too_deep (const gchar * data, gsize size, guint max_depth)
{
  gboolean in_string = FALSE;
  guint depth = 0;

  for (gsize i = 0; i < size; i++) {
    gchar c = data[i];

    if (in_string) {
      if (c == '\\')
        i++;
      else if (c == '"')
        in_string = FALSE;
    } else if (c == '"') {
      in_string = TRUE;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth)
        return TRUE;
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }

  return FALSE;
}

/**
 * media_edge_codec_request_flags:
 * @type: an event type
 *
 * Returns: how the request reporting @type is sent, whatever the API:
 * sessionStart opens the session; a ping is expendable, since it only
 * says the session is alive and the next one says the same
 */
MediaEdgeRequestFlags
media_edge_codec_request_flags (MediaEdgeEventType type)
{
  switch (type) {
    case MEDIA_EDGE_EVENT_SESSION_START:
      return MEDIA_EDGE_REQUEST_OPENS_SESSION;
    case MEDIA_EDGE_EVENT_PING:
      return MEDIA_EDGE_REQUEST_EXPENDABLE;
    default:
      return MEDIA_EDGE_REQUEST_NONE;
  }
}
