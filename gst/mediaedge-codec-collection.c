/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The legacy Media Collection API codec (seeds 002 and 004): sessionStart →
 * `POST {endpoint}/api/v1/sessions`, every other event →
 * `POST {endpoint}/api/v1/sessions/{sid}/events`, with the body
 * `{playerTime {playhead, ts}, eventType, params, qoeData, customMetadata}`;
 * the session id is the last segment of the 201 answer's Location. The
 * events' XDM details become the API's `media.*` parameters here, and only
 * here. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <gst/gst.h>

#include "mediaedge-codec-collection.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_codec_collection_debug);
#define GST_CAT_DEFAULT media_edge_codec_collection_debug

/* how much of a bad Location an error quotes */
#define MAX_QUOTED_LOCATION 200
#define SESSIONS_PATH "api/v1/sessions"
/* where every event but sessionStart goes */
#define EVENTS_PATH SESSIONS_PATH "/" MEDIA_EDGE_REQUEST_SESSION_SLOT "/events"
/* a session id is a token: longer or stranger is not one */
#define MAX_SESSION_ID_LENGTH 256
#define SESSION_ID_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ" \
  "0123456789-._~"

struct _MediaEdgeCodecCollection
{
  GObject parent;

  /* set in media_edge_codec_collection_new(), then only read */
  GUri *endpoint;
  gchar *tracking_server;
  gchar *report_suite;
  gchar *visitor_id;
  gchar *org_id;
  gchar *log_id;
};

static void media_edge_codec_collection_iface_init (MediaEdgeCodecInterface *
    iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MediaEdgeCodecCollection,
    media_edge_codec_collection, G_TYPE_OBJECT,
    G_IMPLEMENT_INTERFACE (MEDIA_EDGE_TYPE_CODEC,
        media_edge_codec_collection_iface_init));

/* An XDM field and the Collection API parameter that carries it. */
typedef struct
{
  const gchar *xdm;
  const gchar *param;
} Param;

/* XDM sessionDetails names the content id `name` and its title
 * `friendlyName`; the Collection API, media.id and media.name. Standard
 * metadata not listed keeps its name under media. */
static const Param session_params[] = {
  {"name", "media.id"}, {"friendlyName", "media.name"},
  {"appVersion", "media.sdkVersion"}, {"hasResume", "media.resume"},
  {"assetID", "media.assetId"}, {"mvpd", "media.pass.mvpd"},
  {"authorized", "media.pass.auth"},
  {NULL, NULL}
};

static const Param ad_params[] = {
  {"name", "media.ad.id"}, {"friendlyName", "media.ad.name"},
  {"campaignID", "media.ad.campaignId"}, {"creativeID", "media.ad.creativeId"},
  {"siteID", "media.ad.siteId"}, {"placementID", "media.ad.placementId"},
  {NULL, NULL}
};

static const Param ad_pod_params[] = {
  {"friendlyName", "media.ad.podFriendlyName"},
  {"index", "media.ad.podIndex"}, {"offset", "media.ad.podSecond"},
  {NULL, NULL}
};

static const Param chapter_params[] = {
  {"friendlyName", "media.chapter.friendlyName"},
  {"index", "media.chapter.index"}, {"offset", "media.chapter.offset"},
  {"length", "media.chapter.length"},
  {NULL, NULL}
};

/* errors go in qoeData, with the quality figures */
static const Param error_qoe[] = {
  {"name", "media.qoe.errorID"}, {"source", "media.qoe.errorSource"},
  {NULL, NULL}
};

static const Param qoe_params[] = {
  {"bitrate", "media.qoe.bitrate"},
  {"droppedFrames", "media.qoe.droppedFrames"},
  {"framesPerSecond", "media.qoe.framesPerSecond"},
  {"timeToStart", "media.qoe.timeToStart"},
  {NULL, NULL}
};

/* How one kind of details maps: the listed fields, and under @prefix
 * those not listed (NULL: dropped). */
typedef struct
{
  const Param *params;
  const gchar *prefix;
} Mapping;

static const Mapping session_mapping = { session_params, "media." };
static const Mapping ad_mapping = { ad_params, "media.ad." };
static const Mapping ad_pod_mapping = { ad_pod_params, NULL };
static const Mapping chapter_mapping = { chapter_params, NULL };
static const Mapping error_mapping = { error_qoe, NULL };
static const Mapping qoe_mapping = { qoe_params, NULL };

static gchar *
param_name (const Mapping * mapping, const gchar * xdm)
{
  for (const Param * param = mapping->params; param->xdm; param++)
    if (strcmp (param->xdm, xdm) == 0)
      return g_strdup (param->param);

  return mapping->prefix ? g_strconcat (mapping->prefix, xdm, NULL) : NULL;
}

/* Adds @details (a{sv}, XDM names) to @object under their Collection API
 * names. */
static void
add_mapped (JsonObject * object, GVariant * details, const Mapping * mapping)
{
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  g_variant_iter_init (&iter, details);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_autofree gchar *name = param_name (mapping, key);

    if (name)
      json_object_set_member (object, name,
          media_edge_codec_variant_to_json (value));
    else
      GST_LOG ("%s has no Collection API parameter: left out", key);
    g_variant_unref (value);
  }
}

static const Mapping *
details_mapping (MediaEdgeEventType type)
{
  switch (type) {
    case MEDIA_EDGE_EVENT_SESSION_START:
      return &session_mapping;
    case MEDIA_EDGE_EVENT_AD_START:
      return &ad_mapping;
    case MEDIA_EDGE_EVENT_AD_BREAK_START:
      return &ad_pod_mapping;
    case MEDIA_EDGE_EVENT_CHAPTER_START:
      return &chapter_mapping;
    default:
      return NULL;
  }
}

/* sessionStart's parameters that say whom the data is for */
static void
add_account (const MediaEdgeCollectionAccount * account, JsonObject * params)
{
  json_object_set_string_member (params, "analytics.trackingServer",
      account->tracking_server);
  json_object_set_string_member (params, "analytics.reportSuite",
      account->report_suite);
  json_object_set_string_member (params, "analytics.visitorId",
      account->visitor_id);
  json_object_set_string_member (params, "visitor.marketingCloudOrgId",
      account->org_id);
}

static void
add_pod_name (JsonObject * params, GVariant * ad_break)
{
  const gchar *name;

  if (g_variant_lookup (ad_break, "friendlyName", "&s", &name))
    json_object_set_string_member (params, "media.ad.podFriendlyName", name);
}

/* @event's parameters; @account's (nullable) with sessionStart */
static JsonObject *
build_params (const MediaEdgeCollectionAccount * account,
    const MediaEdgeEvent * event)
{
  const Mapping *mapping = details_mapping (event->type);
  JsonObject *params = json_object_new ();

  if (event->type == MEDIA_EDGE_EVENT_SESSION_START && account)
    add_account (account, params);
  if (event->details && mapping)
    add_mapped (params, event->details, mapping);
  /* seed 002's adStart names its break */
  if (event->type == MEDIA_EDGE_EVENT_AD_START && event->ad_break)
    add_pod_name (params, event->ad_break);

  return params;
}

static JsonObject *
build_qoe (const MediaEdgeEvent * event)
{
  JsonObject *qoe = json_object_new ();

  if (event->qoe)
    add_mapped (qoe, event->qoe, &qoe_mapping);
  if (event->type == MEDIA_EDGE_EVENT_ERROR && event->details)
    add_mapped (qoe, event->details, &error_mapping);

  return qoe;
}

/* customMetadata is a map of strings here; seed 004 allows it with adStart
 * and chapterStart, the sessions request with sessionStart. */
static JsonObject *
build_custom_metadata (const MediaEdgeEvent * event)
{
  JsonObject *metadata;
  GVariantIter iter;
  const gchar *name, *value;

  if (event->custom_metadata == NULL
      || (event->type != MEDIA_EDGE_EVENT_SESSION_START
          && event->type != MEDIA_EDGE_EVENT_AD_START
          && event->type != MEDIA_EDGE_EVENT_CHAPTER_START))
    return NULL;

  metadata = json_object_new ();
  g_variant_iter_init (&iter, event->custom_metadata);
  while (g_variant_iter_next (&iter, "{&s&s}", &name, &value))
    json_object_set_string_member (metadata, name, value);

  return metadata;
}

/* Leaves out an empty object: a ping has no params (seed 002). */
static void
set_object_unless_empty (JsonObject * body, const gchar * member,
    JsonObject * object)
{
  if (object == NULL)
    return;
  if (json_object_get_size (object) > 0)
    json_object_set_object_member (body, member, object);
  else
    json_object_unref (object);
}

/* A body: @event's playerTime (the playhead in seconds, fractions kept;
 * the time in ms) and @event_type */
static JsonObject *
new_body (const MediaEdgeEvent * event, const gchar * event_type)
{
  JsonObject *body = json_object_new ();
  JsonObject *player_time = json_object_new ();

  json_object_set_double_member (player_time, "playhead", event->playhead);
  json_object_set_int_member (player_time, "ts", event->timestamp_ms);
  json_object_set_object_member (body, "playerTime", player_time);
  json_object_set_string_member (body, "eventType", event_type);

  return body;
}

/* The request @name with @body (taken), to @uri */
static MediaEdgeRequest *
request_to (const gchar * uri, const gchar * name,
    MediaEdgeRequestFlags flags, JsonObject * body)
{
  g_autoptr (JsonNode) root = json_node_new (JSON_NODE_OBJECT);
  g_autofree gchar *text = NULL;

  json_node_take_object (root, body);
  text = json_to_string (root, FALSE);

  return media_edge_request_new (name, "POST", uri, text, NULL, flags);
}

/* The request @name with @body: to the sessions, when it opens one, else
 * to its session's events. */
static MediaEdgeRequest *
new_request (MediaEdgeCodecCollection * self, const gchar * name,
    MediaEdgeRequestFlags flags, JsonObject * body)
{
  g_autofree gchar *uri = media_edge_codec_build_uri (self->endpoint,
      (flags & MEDIA_EDGE_REQUEST_OPENS_SESSION) ? SESSIONS_PATH :
      EVENTS_PATH, NULL);
  MediaEdgeRequest *request = request_to (uri, name, flags, body);

  GST_TRACE_ID (self->log_id, "%s: POST %s %s", name, uri,
      media_edge_request_get_body (request));

  return request;
}

/* The body that reports @event, for @account (nullable: none but
 * sessionStart names it) */
static JsonObject *
event_body (const MediaEdgeCollectionAccount * account,
    const MediaEdgeEvent * event)
{
  JsonObject *body = new_body (event,
      media_edge_event_type_get_name (event->type));

  set_object_unless_empty (body, "params", build_params (account, event));
  set_object_unless_empty (body, "qoeData", build_qoe (event));
  set_object_unless_empty (body, "customMetadata",
      build_custom_metadata (event));

  return body;
}

static MediaEdgeRequest *
media_edge_codec_collection_encode (MediaEdgeCodec * codec,
    const MediaEdgeEvent * event)
{
  MediaEdgeCodecCollection *self = MEDIA_EDGE_CODEC_COLLECTION (codec);
  const MediaEdgeCollectionAccount account = { self->tracking_server,
    self->report_suite, self->visitor_id, self->org_id
  };

  /* the API's stateStart and stateEnd name one state each: several
   * requests, which encode_all gives */
  if (event->type == MEDIA_EDGE_EVENT_STATES_UPDATE)
    return NULL;

  return new_request (self, media_edge_event_type_get_name (event->type),
      media_edge_codec_request_flags (event->type), event_body (&account,
          event));
}

/* stateStart or stateEnd (@name) of the state @state, at @event's time
 * and playhead */
static MediaEdgeRequest *
encode_state (MediaEdgeCodecCollection * self, const MediaEdgeEvent * event,
    const gchar * name, const gchar * state)
{
  JsonObject *body = new_body (event, name);
  JsonObject *params = json_object_new ();

  json_object_set_string_member (params, "media.state.name", state);
  json_object_set_object_member (body, "params", params);

  return new_request (self, name, MEDIA_EDGE_REQUEST_NONE, body);
}

/* One request per state in the list @member of a statesUpdate */
static void
encode_states (MediaEdgeCodecCollection * self, const MediaEdgeEvent * event,
    const gchar * member, const gchar * name, GPtrArray * requests)
{
  g_autoptr (GVariant) states = NULL;
  GVariantIter iter;
  GVariant *state;

  if (event->details == NULL || !(states = g_variant_lookup_value
          (event->details, member, G_VARIANT_TYPE ("aa{sv}"))))
    return;
  g_variant_iter_init (&iter, states);
  while ((state = g_variant_iter_next_value (&iter))) {
    const gchar *state_name;

    if (g_variant_lookup (state, "name", "&s", &state_name))
      g_ptr_array_add (requests, encode_state (self, event, name, state_name));
    g_variant_unref (state);
  }
}

static GPtrArray *
media_edge_codec_collection_encode_all (MediaEdgeCodec * codec,
    const MediaEdgeEvent * event)
{
  MediaEdgeCodecCollection *self = MEDIA_EDGE_CODEC_COLLECTION (codec);
  GPtrArray *requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_request_free);

  if (event->type == MEDIA_EDGE_EVENT_STATES_UPDATE) {
    encode_states (self, event, "statesStart", "stateStart", requests);
    encode_states (self, event, "statesEnd", "stateEnd", requests);
  } else {
    g_ptr_array_add (requests, media_edge_codec_collection_encode (codec,
            event));
  }

  return requests;
}

/* The last segment of @location's path, `…/api/v1/sessions/{sid}`,
 * absolute or relative; %NULL if there is no such segment. */
static gchar *
location_session_id (const gchar * location)
{
  g_autoptr (GUri) base = g_uri_parse ("http://localhost/", G_URI_FLAGS_NONE,
      NULL);
  g_autoptr (GUri) uri = g_uri_parse_relative (base, location,
      G_URI_FLAGS_ENCODED, NULL);
  const gchar *path, *slash;
  gsize len;

  if (uri == NULL)
    return NULL;
  path = g_uri_get_path (uri);
  len = strlen (path);
  while (len > 0 && path[len - 1] == '/')
    len--;
  slash = g_strrstr_len (path, len, "/");
  if (slash == NULL || slash < path + strlen ("/" SESSIONS_PATH)
      || strncmp (slash - strlen ("/" SESSIONS_PATH), "/" SESSIONS_PATH,
          strlen ("/" SESSIONS_PATH)) != 0)
    return NULL;

  return g_strndup (slash + 1, path + len - slash - 1);
}

static gboolean
is_session_token (const gchar * id)
{
  gsize len = strlen (id);

  return len > 0 && len <= MAX_SESSION_ID_LENGTH
      && strspn (id, SESSION_ID_CHARS) == len;
}

static gchar *
media_edge_codec_collection_parse_session_id (MediaEdgeCodec * codec,
    const MediaEdgeAnswer * answer, GError ** error)
{
  MediaEdgeCodecCollection *self = MEDIA_EDGE_CODEC_COLLECTION (codec);
  gchar *session_id = media_edge_codec_collection_session_id_of (answer,
      error);

  if (session_id)
    GST_TRACE_ID (self->log_id, "session id %s", session_id);

  return session_id;
}

/**
 * media_edge_codec_collection_session_id_of:
 *
 * The session id in the Location of the answer to a Media Collection
 * sessionStart, read without a codec (a replay of an earlier run's).
 *
 * Returns: (transfer full) (nullable): the id, or %NULL with @error set
 */
gchar *
media_edge_codec_collection_session_id_of (const MediaEdgeAnswer * answer,
    GError ** error)
{
  g_autofree gchar *session_id = NULL;

  if (answer->location == NULL || *answer->location == '\0') {
    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_NO_SESSION, "answer to sessionStart "
        "(HTTP %u) has no Location header", answer->status);
    return NULL;
  }
  session_id = location_session_id (answer->location);
  if (session_id == NULL || !is_session_token (session_id)) {
    g_autofree gchar *quoted = media_edge_quote_text (answer->location,
        strlen (answer->location), MAX_QUOTED_LOCATION);

    g_set_error (error, MEDIA_EDGE_CODEC_ERROR,
        MEDIA_EDGE_CODEC_ERROR_MALFORMED, "the Location of the answer to "
        "sessionStart names no session (…/" SESSIONS_PATH "/{id}): %s",
        quoted);
    return NULL;
  }

  return g_steal_pointer (&session_id);
}

static void
media_edge_codec_collection_iface_init (MediaEdgeCodecInterface * iface)
{
  iface->encode = media_edge_codec_collection_encode;
  iface->encode_all = media_edge_codec_collection_encode_all;
  iface->parse_session_id = media_edge_codec_collection_parse_session_id;
}

static void
media_edge_codec_collection_finalize (GObject * object)
{
  MediaEdgeCodecCollection *self = MEDIA_EDGE_CODEC_COLLECTION (object);

  g_uri_unref (self->endpoint);
  g_free (self->tracking_server);
  g_free (self->report_suite);
  g_free (self->visitor_id);
  g_free (self->org_id);
  g_free (self->log_id);

  G_OBJECT_CLASS (media_edge_codec_collection_parent_class)->finalize (object);
}

static void
media_edge_codec_collection_class_init (MediaEdgeCodecCollectionClass * klass)
{
  G_OBJECT_CLASS (klass)->finalize = media_edge_codec_collection_finalize;

  GST_DEBUG_CATEGORY_INIT (media_edge_codec_collection_debug,
      "mediaedgecollection", 0, "Media Collection API request encoding");
}

static void
media_edge_codec_collection_init (MediaEdgeCodecCollection * self)
{
}

/* ------------------------------------------------------------------ */
/* a session closed after the fact */

/* The URL of the events of the session @template went to: itself, or,
 * for the sessions URL that opened the session, its events'; the
 * endpoint's path and query kept. NULL if it is neither. */
static gchar *
events_uri (const gchar * template)
{
  const gchar *query = strchr (template, '?');
  g_autofree gchar *path = g_strndup (template,
      query ? (gsize) (query - template) : strlen (template));

  if (strstr (path, "://") == NULL)
    return NULL;
  if (g_str_has_suffix (path, "/" EVENTS_PATH))
    return g_strdup (template);
  if (g_str_has_suffix (path, "/" SESSIONS_PATH))
    return g_strconcat (path, "/" MEDIA_EDGE_REQUEST_SESSION_SLOT "/events",
        query ? query : "", NULL);

  return NULL;
}

/* The playerTime of @request's body, `{"playerTime": {"playhead", "ts"},
 * …}`; FALSE if it has none */
static gboolean
read_player_time (const MediaEdgeRequest * request, gdouble * playhead,
    gint64 * ts)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  JsonNode *root, *player_time, *time;

  if (!json_parser_load_from_data (parser,
          media_edge_request_get_body (request), -1, NULL)
      || !(root = json_parser_get_root (parser))
      || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  player_time = json_object_get_member (json_node_get_object (root),
      "playerTime");
  if (player_time == NULL || !JSON_NODE_HOLDS_OBJECT (player_time))
    return FALSE;
  time = json_object_get_member (json_node_get_object (player_time), "ts");
  if (time == NULL || json_node_get_value_type (time) != G_TYPE_INT64)
    return FALSE;
  *ts = json_node_get_int (time);

  return media_edge_codec_number_member (json_node_get_object (player_time),
      "playhead", playhead);
}

/**
 * media_edge_codec_collection_encode_end_after:
 * @last: the last request of a session, as the Media Collection API codec
 *   made it
 *
 * The sessionEnd that closes the session of @last, as the codec would
 * have encoded it 1 ms after @last, at its playhead, to the same
 * endpoint, whatever codec made @last.
 *
 * Returns: (transfer full) (nullable): the request, or %NULL if @last is
 *   no Media Collection API event
 */
MediaEdgeRequest *
media_edge_codec_collection_encode_end_after (const MediaEdgeRequest * last)
{
  g_autofree gchar *uri = NULL;
  g_autoptr (MediaEdgeEvent) end = NULL;
  gdouble playhead;
  gint64 ts;

  g_return_val_if_fail (last != NULL, NULL);

  uri = events_uri (media_edge_request_get_url_template (last));
  if (uri == NULL || !read_player_time (last, &playhead, &ts))
    return NULL;
  end = media_edge_event_new (MEDIA_EDGE_EVENT_SESSION_END, ts + 1, playhead);

  return request_to (uri, media_edge_event_type_get_name (end->type),
      media_edge_codec_request_flags (end->type), event_body (NULL, end));
}

/**
 * media_edge_codec_collection_new:
 * @endpoint: the customer's collection host, e.g.
 *   `https://example.hb-api.omtrdc.net`; an absolute URI
 * @account: whom the sessions are reported for; every member set
 * @log_id: (nullable): who the codec works for, in its log lines
 *
 * Returns: (transfer full): the Media Collection API codec
 */
MediaEdgeCodec *
media_edge_codec_collection_new (const gchar * endpoint,
    const MediaEdgeCollectionAccount * account, const gchar * log_id)
{
  MediaEdgeCodecCollection *self;
  GUri *uri;

  g_return_val_if_fail (endpoint != NULL && account != NULL, NULL);
  g_return_val_if_fail (account->tracking_server && account->report_suite
      && account->visitor_id && account->org_id, NULL);
  uri = media_edge_codec_parse_endpoint (endpoint);
  g_return_val_if_fail (uri != NULL, NULL);

  self = g_object_new (MEDIA_EDGE_TYPE_CODEC_COLLECTION, NULL);
  self->endpoint = uri;
  self->tracking_server = g_strdup (account->tracking_server);
  self->report_suite = g_strdup (account->report_suite);
  self->visitor_id = g_strdup (account->visitor_id);
  self->org_id = g_strdup (account->org_id);
  self->log_id = g_strdup (log_id);

  return MEDIA_EDGE_CODEC (self);
}
