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
 * and the sessionStart answer → the session id, and the client state and
 * location hint the device keeps (Edge Network client state management).
 * The device's FPID goes in sessionStart's identityMap; the location hint,
 * when the device has one, after the endpoint's `ee` path segment. Every
 * string goes through json-glib or GUri escaping. */

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
/* how much of a refusal its error quotes */
#define MAX_QUOTED_ANSWER 512
#define STATE_STORE_HANDLE "state:store"
#define LOCATION_HINT_HANDLE "locationHint:result"
/* the location hint's scope that names the edge cluster */
#define EDGE_NETWORK_SCOPE "EdgeNetwork"
/* what a device keeps at most of what an answer asks it to */
#define MAX_STATE_ENTRIES 32
#define MAX_STATE_KEY 256
#define MAX_STATE_VALUE 4096
#define MAX_HINT 32

struct _MediaEdgeCodecEdge
{
  GObject parent;

  /* set in media_edge_codec_edge_new(), then only read, from any thread;
   * the endpoint with a location hint slot after its `ee` segment */
  GUri *endpoint;
  gchar *config_id;
  /* the device's identity: both NULL when it has none */
  gchar *fpid;
  gchar *authenticated_state;
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

/* Whether @identity names the device */
static gboolean
has_fpid (const MediaEdgeIdentity * identity)
{
  return identity && identity->fpid && *identity->fpid;
}

/* identityMap: @identity's FPID, primary; `ambiguous` when it says
 * nothing of its authentication */
static JsonObject *
build_identity_map (const MediaEdgeIdentity * identity)
{
  JsonObject *identity_map = json_object_new ();
  JsonObject *fpid = json_object_new ();
  JsonArray *ids = json_array_new ();

  json_object_set_string_member (fpid, "id", identity->fpid);
  json_object_set_string_member (fpid, "authenticatedState",
      identity->authenticated_state ? identity->authenticated_state :
      "ambiguous");
  json_object_set_boolean_member (fpid, "primary", TRUE);
  json_array_add_object_element (ids, fpid);
  json_object_set_array_member (identity_map, "FPID", ids);

  return identity_map;
}

/* The xdm object, the device named by @identity (nullable) when the event
 * opens the session; sessionID, which the request fills in when it is
 * sent, comes last. */
static JsonObject *
build_xdm (const MediaEdgeIdentity * identity, const MediaEdgeEvent * event)
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
  if (has_fpid (identity) && event->type == MEDIA_EDGE_EVENT_SESSION_START)
    json_object_set_object_member (xdm, "identityMap",
        build_identity_map (identity));

  return xdm;
}

static gchar *
build_body (const MediaEdgeIdentity * identity, const MediaEdgeEvent * event)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *wrapper = json_object_new ();
  JsonObject *envelope = json_object_new ();
  JsonArray *events = json_array_new ();

  json_object_set_object_member (wrapper, "xdm", build_xdm (identity, event));
  json_array_add_object_element (events, wrapper);
  json_object_set_array_member (envelope, "events", events);
  json_node_take_object (root, envelope);

  return json_to_string (root, FALSE);
}

/* The request that reports @event at @uri, the device named by @identity
 * (nullable) when it opens the session */
static MediaEdgeRequest *
event_request (const gchar * uri, const MediaEdgeIdentity * identity,
    const MediaEdgeEvent * event)
{
  gboolean opens = event->type == MEDIA_EDGE_EVENT_SESSION_START;
  g_autofree gchar *body = build_body (identity, event);

  return media_edge_request_new (media_edge_event_type_get_name (event->type),
      "POST", uri, body, opens ? NULL : SESSION_ID_POINTER,
      media_edge_codec_request_flags (event->type) |
      MEDIA_EDGE_REQUEST_CARRIES_STATE);
}

static MediaEdgeRequest *
media_edge_codec_edge_encode (MediaEdgeCodec * codec,
    const MediaEdgeEvent * event)
{
  MediaEdgeCodecEdge *self = MEDIA_EDGE_CODEC_EDGE (codec);
  const gchar *name = media_edge_event_type_get_name (event->type);
  const MediaEdgeIdentity identity = { self->fpid, self->authenticated_state };
  g_autofree gchar *uri = build_uri (self, name);
  MediaEdgeRequest *request = event_request (uri, &identity, event);

  GST_TRACE_ID (self->log_id, "%s: POST %s %s", name, uri,
      media_edge_request_get_body (request));

  return request;
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

/* The handle[] array of @answer, the body of an answer, parsed into
 * @parser; NULL with @error set if there is none. */
static JsonArray *
load_handles (GBytes * answer, JsonParser * parser, GError ** error)
{
  g_autoptr (GError) parse_error = NULL;
  JsonNode *root, *handles;
  const gchar *data;
  gsize size = 0;

  data = answer ? g_bytes_get_data (answer, &size) : NULL;
  if (data == NULL || size == 0 || size > G_MAXSSIZE) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED, "empty answer to sessionStart");
    return NULL;
  }
  /* the answer's handles lie a few levels down; far deeper is hostile */
  if (media_edge_codec_json_too_deep (data, size,
          MEDIA_EDGE_CODEC_MAX_ANSWER_DEPTH)) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED,
        "answer to sessionStart nests deeper than %u levels",
        MEDIA_EDGE_CODEC_MAX_ANSWER_DEPTH);
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

  return json_node_get_array (handles);
}

/* The session id of the `media-analytics:new-session` handle in @answer, the
 * body of the answer to sessionStart, or %NULL with @error set. */
static gchar *
parse_handles (GBytes * answer, GError ** error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonArray *handles = load_handles (answer, parser, error);
  const gchar *session_id;

  if (handles == NULL)
    return NULL;

  session_id = find_new_session_id (handles);
  if (session_id == NULL || *session_id == '\0') {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_NO_SESSION,
        "answer to sessionStart has no " NEW_SESSION_HANDLE " sessionId "
        "(is Media Analytics enabled on the datastream?)");
    return NULL;
  }

  return g_strdup (session_id);
}

/* The payload[] objects of the handles of @type in @handles, each passed
 * to @func. */
static void
foreach_payload (JsonArray * handles, const gchar * type,
    void (*func) (JsonObject * payload, gpointer data), gpointer data)
{
  guint n = json_array_get_length (handles);

  for (guint i = 0; i < n; i++) {
    JsonNode *node = json_array_get_element (handles, i);
    JsonNode *payloads;

    if (!JSON_NODE_HOLDS_OBJECT (node)
        || g_strcmp0 (json_object_get_string_member_with_default
            (json_node_get_object (node), "type", NULL), type) != 0)
      continue;
    payloads = json_object_get_member (json_node_get_object (node), "payload");
    if (payloads == NULL || !JSON_NODE_HOLDS_ARRAY (payloads))
      continue;
    for (guint j = 0; j < json_array_get_length (json_node_get_array
            (payloads)); j++) {
      node = json_array_get_element (json_node_get_array (payloads), j);
      if (JSON_NODE_HOLDS_OBJECT (node))
        func (json_node_get_object (node), data);
    }
  }
}

/* The string member @name of @object if it is one of at most @max bytes */
static const gchar *
bounded_string (JsonObject * object, const gchar * name, gsize max)
{
  JsonNode *node = json_object_get_member (object, name);
  const gchar *value;

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  value = json_node_get_string (node);

  return value && strlen (value) <= max ? value : NULL;
}

/* The integer member @name of @object, clamped to [0, a year]; -1 if
 * there is none. */
static gint64
seconds_member (JsonObject * object, const gchar * name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;

  return CLAMP (json_node_get_int (node), 0, 366 * 24 * 60 * 60);
}

typedef struct
{
  GArray *entries;
  gint64 now;
} StoreRead;

/* One `state:store` payload: key, value, maxAge in seconds */
static void
read_entry (JsonObject * payload, gpointer data)
{
  StoreRead *read = data;
  const gchar *key = bounded_string (payload, "key", MAX_STATE_KEY);
  const gchar *value = bounded_string (payload, "value", MAX_STATE_VALUE);
  gint64 max_age = seconds_member (payload, "maxAge");
  MediaEdgeStateEntry entry;

  if (key == NULL || *key == '\0' || value == NULL || max_age < 0
      || read->entries->len >= MAX_STATE_ENTRIES)
    return;
  entry.key = (gchar *) key;
  entry.value = (gchar *) value;
  entry.expires = read->now + max_age;
  g_array_append_val (read->entries, entry);
}

/* A location hint goes into the URL's path: letters and digits only */
static gboolean
is_hint (const gchar * hint)
{
  if (hint == NULL || *hint == '\0')
    return FALSE;
  for (const gchar * c = hint; *c; c++)
    if (!g_ascii_isalnum (*c))
      return FALSE;

  return TRUE;
}

typedef struct
{
  MediaEdgeState *state;
  gint64 now;
  gboolean kept;
} HintRead;

/* One `locationHint:result` payload: the EdgeNetwork scope's is ours,
 * the first one only (each is written to disk) */
static void
read_hint (JsonObject * payload, gpointer data)
{
  HintRead *read = data;
  const gchar *hint = bounded_string (payload, "hint", MAX_HINT);
  gint64 ttl = seconds_member (payload, "ttlSeconds");

  if (read->kept || g_strcmp0 (bounded_string (payload, "scope", MAX_HINT),
          EDGE_NETWORK_SCOPE) != 0 || !is_hint (hint) || ttl < 0)
    return;
  media_edge_state_set_hint (read->state, hint, read->now + ttl);
  read->kept = TRUE;
}

/* What a delivered answer asks the device to keep: its `state:store`
 * entries and its EdgeNetwork location hint. Answers without a body
 * (204) ask nothing. */
static void
media_edge_codec_edge_read_state (MediaEdgeCodec * codec,
    const MediaEdgeAnswer * answer, MediaEdgeState * state, gint64 now)
{
  MediaEdgeCodecEdge *self = MEDIA_EDGE_CODEC_EDGE (codec);
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GArray) entries = g_array_new (FALSE, FALSE,
      sizeof (MediaEdgeStateEntry));
  StoreRead store = { entries, now };
  HintRead hint = { state, now, FALSE };
  JsonArray *handles;

  if (answer->body == NULL || g_bytes_get_size (answer->body) == 0
      || !(handles = load_handles (answer->body, parser, NULL)))
    return;

  foreach_payload (handles, STATE_STORE_HANDLE, read_entry, &store);
  if (entries->len > 0)
    media_edge_state_store (state, (MediaEdgeStateEntry *) entries->data,
        entries->len, now);
  foreach_payload (handles, LOCATION_HINT_HANDLE, read_hint, &hint);
  GST_DEBUG_ID (self->log_id, "kept %u client state entries", entries->len);
}

/* 207: the service found problems with what it was sent (errors[]). */
static void
refuse (const MediaEdgeAnswer * answer, GError ** error)
{
  gsize size = 0;
  const gchar *data = answer->body ? g_bytes_get_data (answer->body, &size) :
      NULL;
  g_autofree gchar *quoted = media_edge_codec_quote_answer (data, size,
      MAX_QUOTED_ANSWER);

  g_set_error (error, MEDIA_EDGE_CODEC_ERROR, MEDIA_EDGE_CODEC_ERROR_REFUSED,
      "HTTP %u Multi-Status: %s", answer->status, quoted);
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
  iface->read_state = media_edge_codec_edge_read_state;
}

static void
media_edge_codec_edge_finalize (GObject * object)
{
  MediaEdgeCodecEdge *self = MEDIA_EDGE_CODEC_EDGE (object);

  g_uri_unref (self->endpoint);
  g_free (self->config_id);
  g_free (self->fpid);
  g_free (self->authenticated_state);
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

/* ------------------------------------------------------------------ */
/* the codec's requests read back, as a journal keeps them: a later
 * process knows them without the codec that made them */

/* The xdm object of @request's body, in @parser, or NULL */
static JsonObject *
request_xdm (const MediaEdgeRequest * request, JsonParser * parser)
{
  const gchar *body = media_edge_request_get_body (request);
  JsonNode *root, *events, *first, *xdm;

  if (body == NULL || !json_parser_load_from_data (parser, body, -1, NULL)
      || !(root = json_parser_get_root (parser))
      || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  events = json_object_get_member (json_node_get_object (root), "events");
  if (events == NULL || !JSON_NODE_HOLDS_ARRAY (events)
      || json_array_get_length (json_node_get_array (events)) == 0)
    return NULL;
  first = json_array_get_element (json_node_get_array (events), 0);
  xdm = JSON_NODE_HOLDS_OBJECT (first) ?
      json_object_get_member (json_node_get_object (first), "xdm") : NULL;

  return xdm && JSON_NODE_HOLDS_OBJECT (xdm) ? json_node_get_object (xdm) :
      NULL;
}

/* @template, `<base>/<event>?<query>`, with @name for @event: the base
 * (its slots, its endpoint's path) and the query (configId) as they are;
 * NULL if @template is not of that form. */
static gchar *
sibling_uri (const gchar * template, const gchar * event, const gchar * name)
{
  const gchar *query = strchr (template, '?');
  const gchar *authority = strstr (template, "://");
  const gchar *slash;

  if (query == NULL || authority == NULL || authority > query)
    return NULL;
  slash = g_strrstr_len (template, query - template, "/");
  /* the slashes of `://` begin no path */
  if (slash == NULL || slash < authority + strlen ("://")
      || (gsize) (query - slash - 1) != strlen (event)
      || strncmp (slash + 1, event, query - slash - 1) != 0)
    return NULL;

  return g_strdup_printf ("%.*s/%s%s", (int) (slash - template), template,
      name, query);
}

/* Whether @name is one of the API's events: /downloaded reports none */
static gboolean
is_event_name (const gchar * name)
{
  for (guint type = 0; type < MEDIA_EDGE_EVENT_N_TYPES; type++)
    if (strcmp (name, media_edge_event_type_get_name (type)) == 0)
      return TRUE;

  return FALSE;
}

/* The xdm of @request, in @parser, if this codec made it for an event,
 * and in @uri, where the same session's request @name goes; NULL if
 * @request is none of this codec's (a Collection request, another body) */
static JsonObject *
edge_event (const MediaEdgeRequest * request, JsonParser * parser,
    const gchar * name, gchar ** uri)
{
  JsonObject *xdm = request_xdm (request, parser);
  const gchar *event_type;
  JsonNode *media;

  if (xdm == NULL)
    return NULL;
  event_type = bounded_string (xdm, "eventType", G_MAXSIZE);
  media = json_object_get_member (xdm, "mediaCollection");
  if (event_type == NULL || !g_str_has_prefix (event_type, "media.")
      || !is_event_name (event_type + strlen ("media."))
      || media == NULL || !JSON_NODE_HOLDS_OBJECT (media))
    return NULL;
  *uri = sibling_uri (media_edge_request_get_url_template (request),
      event_type + strlen ("media."), name);

  return *uri ? xdm : NULL;
}

/* ------------------------------------------------------------------ */
/* a session played offline, reported whole (/downloaded) */

/* One entry of mediaDownloadedEvents from the xdm of the live request of
 * the same event: its type, time and mediaCollection, which names no
 * session */
static JsonObject *
downloaded_event (JsonObject * xdm)
{
  JsonObject *entry = json_object_new ();
  const gchar *timestamp = bounded_string (xdm, "timestamp", G_MAXSIZE);
  JsonObject *media = json_object_get_object_member (xdm, "mediaCollection");

  json_object_set_string_member (entry, "mediaEventTimestamp",
      timestamp ? timestamp : "");
  json_object_set_string_member (entry, "mediaEventType",
      json_object_get_string_member (xdm, "eventType"));
  json_object_remove_member (media, "sessionID");
  json_object_set_object_member (entry, "mediaCollection",
      json_object_ref (media));

  return entry;
}

/* What a session's live requests tell of it played offline */
typedef struct
{
  /* mediaDownloadedEvents entries (JsonObject), in order */
  GPtrArray *events;
  /* where they go: the first event's URL, its event made `downloaded` */
  gchar *uri;
  /* (nullable) sessionStart's identityMap: the device it named */
  JsonObject *identity_map;
} Downloaded;

static void
downloaded_clear (Downloaded * downloaded)
{
  g_clear_pointer (&downloaded->events, g_ptr_array_unref);
  g_clear_pointer (&downloaded->uri, g_free);
  g_clear_pointer (&downloaded->identity_map, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Downloaded, downloaded_clear);

/* Adds the event @request reported to @downloaded; nothing if it is none
 * of this codec's */
static void
add_downloaded (Downloaded * downloaded, const MediaEdgeRequest * request)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree gchar *uri = NULL;
  JsonObject *xdm = edge_event (request, parser, "downloaded", &uri);
  JsonNode *identity_map;

  if (xdm == NULL)
    return;
  if (downloaded->uri == NULL)
    downloaded->uri = g_steal_pointer (&uri);
  identity_map = json_object_get_member (xdm, "identityMap");
  if (downloaded->identity_map == NULL && identity_map
      && JSON_NODE_HOLDS_OBJECT (identity_map)
      && g_strcmp0 (json_object_get_string_member (xdm, "eventType"),
          "media.sessionStart") == 0)
    downloaded->identity_map =
        json_object_ref (json_node_get_object (identity_map));
  g_ptr_array_add (downloaded->events, downloaded_event (xdm));
}

/* The /downloaded request of @events (JsonObject entries), the device
 * named by @identity_map */
static MediaEdgeRequest *
downloaded_request (const gchar * uri, JsonObject * identity_map,
    GPtrArray * events)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  JsonObject *envelope = json_object_new ();
  JsonObject *wrapper = json_object_new ();
  JsonObject *xdm = json_object_new ();
  JsonArray *array = json_array_new ();
  JsonArray *all = json_array_new ();
  g_autofree gchar *body = NULL;

  for (guint i = 0; i < events->len; i++)
    json_array_add_object_element (array,
        json_object_ref (g_ptr_array_index (events, i)));
  json_object_set_string_member (xdm, "eventType", "media.downloaded");
  json_object_set_object_member (xdm, "identityMap",
      json_object_ref (identity_map));
  /* media-edge.yaml requires it beside the events, and says nothing of
   * what it holds: every event carries its own */
  json_object_set_object_member (xdm, "mediaCollection", json_object_new ());
  json_object_set_array_member (xdm, "mediaDownloadedEvents", array);
  json_object_set_object_member (wrapper, "xdm", xdm);
  json_array_add_object_element (all, wrapper);
  json_object_set_array_member (envelope, "events", all);
  json_node_take_object (root, envelope);
  body = json_to_string (root, FALSE);

  return media_edge_request_new ("downloaded", "POST", uri, body, NULL,
      MEDIA_EDGE_REQUEST_CARRIES_STATE | MEDIA_EDGE_REQUEST_SESSIONLESS);
}

static gsize
event_size (JsonObject * event)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree gchar *text = NULL;

  json_node_set_object (node, event);
  text = json_to_string (node, FALSE);

  return strlen (text);
}

/* @downloaded's /downloaded requests, as few as @max_body allows, the
 * device named by @identity_map */
static GPtrArray *
split_downloaded (Downloaded * downloaded, JsonObject * identity_map,
    gsize max_body)
{
  g_autoptr (GPtrArray) part =
      g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  GPtrArray *encoded = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_request_free);
  gsize part_size = 0;

  for (guint i = 0; i < downloaded->events->len; i++) {
    JsonObject *event = g_ptr_array_index (downloaded->events, i);
    gsize size = event_size (event);

    /* the envelope is a few hundred bytes: a part stays under the limit */
    if (max_body && part->len > 0 && part_size + size + 512 > max_body) {
      g_ptr_array_add (encoded, downloaded_request (downloaded->uri,
              identity_map, part));
      g_ptr_array_set_size (part, 0);
      part_size = 0;
    }
    g_ptr_array_add (part, json_object_ref (event));
    part_size += size + 1;
  }
  if (part->len > 0)
    g_ptr_array_add (encoded, downloaded_request (downloaded->uri,
            identity_map, part));

  return encoded;
}

/* The identityMap that names the device of @downloaded: its sessionStart's,
 * as the journal kept it, else @fallback's FPID; NULL with @error set if
 * neither names one */
static JsonObject *
downloaded_identity (Downloaded * downloaded,
    const MediaEdgeIdentity * fallback, GError ** error)
{
  if (downloaded->identity_map)
    return json_object_ref (downloaded->identity_map);
  if (has_fpid (fallback))
    return build_identity_map (fallback);
  g_set_error (error, MEDIA_EDGE_CODEC_ERROR, MEDIA_EDGE_CODEC_ERROR_MALFORMED,
      "a downloaded session needs the device's FPID");

  return NULL;
}

/**
 * media_edge_codec_edge_encode_downloaded:
 * @requests: (element-type MediaEdgeRequest): a whole session's live
 *   requests, as the Media Edge codec made them, in order; those that are
 *   not (a Collection request, a body of another shape) are skipped
 * @fallback: (nullable): the device's identity, for a session whose
 *   sessionStart named none
 * @max_body: the largest body a request may have; 0 for no limit
 *
 * A session played offline, reported whole (`POST /downloaded`): each
 * event with its original type, time and mediaCollection, in order, the
 * device named as the session's sessionStart named it, else by
 * @fallback's FPID (media-edge.yaml requires one). The requests go where
 * the session's went: the same endpoint, location hint slot and configId,
 * whatever codec made them, so that a later process can replay a
 * session without it. Split into several requests only when one would
 * pass @max_body.
 *
 * Returns: (transfer full) (element-type MediaEdgeRequest): the requests,
 *   or %NULL with @error set when no request is an event, or the device
 *   has no FPID
 */
GPtrArray *
media_edge_codec_edge_encode_downloaded (GPtrArray * requests,
    const MediaEdgeIdentity * fallback, gsize max_body, GError ** error)
{
  g_auto (Downloaded) downloaded = { NULL, };
  g_autoptr (JsonObject) identity_map = NULL;

  g_return_val_if_fail (requests != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  downloaded.events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      json_object_unref);
  for (guint i = 0; i < requests->len; i++)
    add_downloaded (&downloaded, g_ptr_array_index (requests, i));
  if (downloaded.events->len == 0) {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED, "no event to report as downloaded");
    return NULL;
  }
  identity_map = downloaded_identity (&downloaded, fallback, error);

  return identity_map ? split_downloaded (&downloaded, identity_map,
      max_body) : NULL;
}

/* ------------------------------------------------------------------ */
/* a session closed after the fact */

/* The playhead of @media, a mediaCollection: 0 when it names none */
static gdouble
playhead_of (JsonObject * media)
{
  gdouble playhead = 0;

  media_edge_codec_number_member (media, "playhead", &playhead);

  return playhead;
}

/**
 * media_edge_codec_edge_encode_end_after:
 * @last: the last request of a session, as the Media Edge codec made it
 *
 * The sessionEnd that closes the session of @last, as the codec would
 * have encoded it 1 ms after @last, at its playhead: to the same
 * endpoint, location hint slot and configId, whatever codec made @last.
 *
 * Returns: (transfer full) (nullable): the request, or %NULL if @last is
 *   no Media Edge event
 */
MediaEdgeRequest *
media_edge_codec_edge_encode_end_after (const MediaEdgeRequest * last)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (MediaEdgeEvent) end = NULL;
  g_autofree gchar *uri = NULL;
  gint64 timestamp_ms;
  JsonObject *xdm;

  g_return_val_if_fail (last != NULL, NULL);

  xdm = edge_event (last, parser, media_edge_event_type_get_name
      (MEDIA_EDGE_EVENT_SESSION_END), &uri);
  if (xdm == NULL || !media_edge_codec_parse_timestamp (bounded_string (xdm,
              "timestamp", G_MAXSIZE), &timestamp_ms))
    return NULL;
  end = media_edge_event_new (MEDIA_EDGE_EVENT_SESSION_END, timestamp_ms + 1,
      playhead_of (json_object_get_object_member (xdm, "mediaCollection")));

  return event_request (uri, NULL, end);
}

/* @uri with a location hint slot after its path's `ee` segment, where
 * Adobe's edge puts the cluster (`/ee/or2/va/v1`); as it is when its path
 * has no `ee/va` (a local service, a hint already there). */
static GUri *
with_hint_slot (GUri * uri)
{
  const gchar *path = g_uri_get_path (uri);
  const gchar *at = strstr (path, "/ee/va/");
  g_autofree gchar *slotted = NULL;

  if (at == NULL)
    return g_uri_ref (uri);
  slotted = g_strdup_printf ("%.*s/ee" MEDIA_EDGE_REQUEST_HINT_SLOT "%s",
      (int) (at - path), path, at + strlen ("/ee"));

  return g_uri_build (g_uri_get_flags (uri), g_uri_get_scheme (uri),
      g_uri_get_userinfo (uri), g_uri_get_host (uri), g_uri_get_port (uri),
      slotted, g_uri_get_query (uri), g_uri_get_fragment (uri));
}

/**
 * media_edge_codec_edge_new_full:
 * @endpoint: the Media Edge base URI, e.g. `https://edge.adobedc.net/ee/va/v1`;
 *   an absolute URI
 * @config_id: the datastream id
 * @identity: (nullable): the device's identity, for sessionStart
 * @log_id: (nullable): who the codec works for, in its log lines
 *
 * Returns: (transfer full): the Media Edge codec
 */
MediaEdgeCodec *
media_edge_codec_edge_new_full (const gchar * endpoint,
    const gchar * config_id, const MediaEdgeIdentity * identity,
    const gchar * log_id)
{
  MediaEdgeCodecEdge *self;
  g_autoptr (GUri) uri = NULL;

  g_return_val_if_fail (endpoint != NULL && config_id != NULL, NULL);
  uri = media_edge_codec_parse_endpoint (endpoint);
  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (MEDIA_EDGE_TYPE_CODEC_EDGE, NULL);
  self->endpoint = with_hint_slot (uri);
  self->config_id = g_strdup (config_id);
  if (has_fpid (identity)) {
    self->fpid = g_strdup (identity->fpid);
    self->authenticated_state = g_strdup (identity->authenticated_state);
  }
  self->log_id = g_strdup (log_id);

  return MEDIA_EDGE_CODEC (self);
}

/**
 * media_edge_codec_edge_new:
 *
 * media_edge_codec_edge_new_full() for a device without an identity.
 */
MediaEdgeCodec *
media_edge_codec_edge_new (const gchar * endpoint, const gchar * config_id,
    const gchar * log_id)
{
  return media_edge_codec_edge_new_full (endpoint, config_id, NULL, log_id);
}
