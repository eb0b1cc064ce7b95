/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <string.h>
#include <libsoup/soup.h>
#include <json-glib/json-glib.h>

#include "edge-server.h"

/* the Media Edge API's path after the `ee` segment (and a location hint) */
#define API_TAIL "/va/v1/"
#define API_PREFIX "/ee" API_TAIL
/* the legacy Media Collection API (seeds 002 and 004) */
#define SESSIONS_PATH "/api/v1/sessions"

struct _EdgeServer
{
  SoupServer *soup;
  guint port;
  /* set for a server that speaks HTTPS */
  GTlsCertificate *certificate;

  /* set for a server that runs on its own thread */
  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  GMutex lock;
  GCond changed;
  /* under lock */
  GPtrArray *records;
  GHashTable *sessions;
  FILE *output;

  /* misbehaviour on command; under lock */
  guint fail_count;
  guint fail_status;
  gchar *retry_after;
  guint stall_count;
  guint stall_ms;
  guint start_status;
  GBytes *start_body;
  guint lost_status;
  guint redirect_count;
  guint redirect_status;
  gchar *redirect_location;
  /* the Location of Collection sessions: a template with {sid}; "" for
   * none; NULL for the path of the session */
  gchar *session_location;
  /* handles added to sessionStart's answers (state:store,
   * locationHint:result), as JSON array members */
  gchar *client_state;
  /* every request, recorded or not (a GET is not) */
  guint requests;
  gboolean forget_always;
};

/* Required fields by event type (media-edge.yaml): "details"
 * names the mediaCollection member that must be there, "fields" what it
 * must hold. */
typedef struct
{
  const gchar *event;
  const gchar *details;
  const gchar *fields[6];
} Requirement;

static const Requirement requirements[] = {
  {"sessionStart", "sessionDetails",
      {"name", "playerName", "length", "channel", "contentType", NULL}},
  {"adBreakStart", "advertisingPodDetails", {"index", "offset", NULL}},
  {"adStart", "advertisingDetails",
      {"name", "length", "playerName", "podPosition", NULL}},
  {"chapterStart", "chapterDetails", {"index", "length", "offset", NULL}},
  {"error", "errorDetails", {"name", "source", NULL}},
  {"bitrateChange", "qoeDataDetails", {NULL}},
};

/* The Media Collection API's mandatory parameters (seed 002, the
 * sessions request) by event type: "details" names the body's member. */
static const Requirement collection_requirements[] = {
  {"sessionStart", "params",
        {"analytics.trackingServer", "analytics.reportSuite",
              "analytics.visitorId", "visitor.marketingCloudOrgId", "media.id",
          NULL}},
  {"sessionStart", "params",
        {"media.length", "media.contentType", "media.playerName",
          "media.channel", NULL}},
  {"adBreakStart", "params", {"media.ad.podIndex", "media.ad.podSecond",
          NULL}},
  {"adStart", "params", {"media.ad.id", "media.ad.length",
          "media.ad.playerName", "media.ad.podPosition", NULL}},
  {"chapterStart", "params", {"media.chapter.index", "media.chapter.offset",
          "media.chapter.length", NULL}},
  {"error", "qoeData", {"media.qoe.errorID", "media.qoe.errorSource", NULL}},
};

static const gchar *const known_events[] = {
  "sessionStart", "sessionComplete", "sessionEnd", "play", "ping",
  "adBreakStart", "adBreakComplete", "adStart", "adComplete", "adSkip",
  "bitrateChange", "bufferStart", "chapterStart", "chapterComplete",
  "chapterSkip", "error", "pauseStart", "statesUpdate", NULL
};

void
edge_record_free (EdgeRecord * record)
{
  if (record == NULL)
    return;
  g_free (record->path);
  g_free (record->config_id);
  g_free (record->event_type);
  g_free (record->session_id);
  g_free (record->body);
  g_free (record->location_hint);
  g_free (record);
}

static EdgeRecord *
edge_record_copy (const EdgeRecord * record)
{
  EdgeRecord *copy = g_memdup2 (record, sizeof (EdgeRecord));

  copy->path = g_strdup (record->path);
  copy->config_id = g_strdup (record->config_id);
  copy->event_type = g_strdup (record->event_type);
  copy->session_id = g_strdup (record->session_id);
  copy->body = g_strdup (record->body);
  copy->location_hint = g_strdup (record->location_hint);

  return copy;
}

static gboolean
is_integer (JsonObject * object, const gchar * member)
{
  JsonNode *node = json_object_get_member (object, member);

  return node && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_INT64;
}

static JsonObject *
get_object (JsonObject * object, const gchar * member)
{
  JsonNode *node = object ? json_object_get_member (object, member) : NULL;

  return node && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) :
      NULL;
}

/* Returns the xdm object of a well-formed body, or NULL with *problem set. */
static JsonObject *
find_xdm (JsonNode * root, gchar ** problem)
{
  JsonNode *events;
  JsonArray *array;

  if (!JSON_NODE_HOLDS_OBJECT (root)) {
    *problem = g_strdup ("body is not a JSON object");
    return NULL;
  }
  events = json_object_get_member (json_node_get_object (root), "events");
  if (events == NULL || !JSON_NODE_HOLDS_ARRAY (events)
      || json_array_get_length (array = json_node_get_array (events)) != 1) {
    *problem = g_strdup ("events must be an array of one event");
    return NULL;
  }
  if (get_object (json_array_get_object_element (array, 0), "xdm") == NULL) {
    *problem = g_strdup ("events[0].xdm is missing");
    return NULL;
  }

  return get_object (json_array_get_object_element (array, 0), "xdm");
}

/* @media holds what @table requires of @event; its members are named
 * after @where in *problem. */
static gboolean
check_table (const Requirement * table, guint n, const gchar * where,
    const gchar * event, JsonObject * media, gchar ** problem)
{
  for (guint i = 0; i < n; i++) {
    const Requirement *req = &table[i];
    JsonObject *details;

    if (strcmp (req->event, event) != 0)
      continue;
    details = get_object (media, req->details);
    if (details == NULL) {
      *problem = g_strdup_printf ("%s%s is required", where, req->details);
      return FALSE;
    }
    for (guint j = 0; req->fields[j]; j++) {
      if (!json_object_has_member (details, req->fields[j])) {
        *problem = g_strdup_printf ("%s%s.%s is required", where,
            req->details, req->fields[j]);
        return FALSE;
      }
    }
    if (json_object_has_member (details, "length")
        && !is_integer (details, "length")) {
      *problem = g_strdup_printf ("%s%s.length must be an integer", where,
          req->details);
      return FALSE;
    }
  }

  return TRUE;
}

static gboolean
check_requirements (const gchar * event, JsonObject * media, gchar ** problem)
{
  return check_table (requirements, G_N_ELEMENTS (requirements),
      "mediaCollection.", event, media, problem);
}

/* Fills @record from the body; returns FALSE with *problem set when a
 * required field is missing or mistyped. */
static gboolean
parse_event (EdgeRecord * record, const gchar * path_event, gchar ** problem)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GDateTime) when = NULL;
  JsonObject *xdm, *media;
  const gchar *event_type, *timestamp;

  if (!json_parser_load_from_data (parser, record->body, -1, NULL)) {
    *problem = g_strdup ("body is not JSON");
    return FALSE;
  }
  if (!(xdm = find_xdm (json_parser_get_root (parser), problem)))
    return FALSE;

  event_type = json_object_get_string_member_with_default (xdm, "eventType",
      NULL);
  if (event_type == NULL || !g_str_has_prefix (event_type, "media.")) {
    *problem = g_strdup ("xdm.eventType must be media.<event>");
    return FALSE;
  }
  record->event_type = g_strdup (event_type + strlen ("media."));
  if (g_strcmp0 (record->event_type, path_event) != 0) {
    *problem = g_strdup_printf ("eventType %s does not match the path %s",
        event_type, path_event);
    return FALSE;
  }

  timestamp = json_object_get_string_member_with_default (xdm, "timestamp",
      NULL);
  when = timestamp ? g_date_time_new_from_iso8601 (timestamp, NULL) : NULL;
  if (when == NULL) {
    *problem = g_strdup ("xdm.timestamp must be an ISO 8601 date-time");
    return FALSE;
  }
  record->timestamp_ms = g_date_time_to_unix (when) * 1000 +
      g_date_time_get_microsecond (when) / 1000;

  media = get_object (xdm, "mediaCollection");
  if (media == NULL || !is_integer (media, "playhead")) {
    *problem = g_strdup ("mediaCollection.playhead must be an integer");
    return FALSE;
  }
  record->playhead = json_object_get_int_member (media, "playhead");

  if (strcmp (path_event, "sessionStart") != 0) {
    record->session_id = g_strdup (json_object_get_string_member_with_default
        (media, "sessionID", NULL));
    if (record->session_id == NULL) {
      *problem = g_strdup ("mediaCollection.sessionID is required");
      return FALSE;
    }
  }

  return check_requirements (path_event, media, problem);
}

/* One entry of mediaDownloadedEvents: an event of the API, its time and
 * its mediaCollection with a playhead; the first one's fill @record */
static gboolean
check_downloaded_entry (EdgeRecord * record, JsonObject * entry, guint i,
    gchar ** problem)
{
  const gchar *type = json_object_get_string_member_with_default (entry,
      "mediaEventType", NULL);
  const gchar *timestamp = json_object_get_string_member_with_default (entry,
      "mediaEventTimestamp", NULL);
  g_autoptr (GDateTime) when = timestamp ?
      g_date_time_new_from_iso8601 (timestamp, NULL) : NULL;
  JsonObject *media = get_object (entry, "mediaCollection");

  if (type == NULL || !g_str_has_prefix (type, "media.")
      || !g_strv_contains (known_events, type + strlen ("media."))
      || when == NULL || media == NULL || !is_integer (media, "playhead")
      || json_object_has_member (media, "sessionID")) {
    *problem = g_strdup_printf ("mediaDownloadedEvents[%u] needs a "
        "mediaEventType of the API, a mediaEventTimestamp and a "
        "mediaCollection with a playhead and no sessionID", i);
    return FALSE;
  }
  if (i == 0) {
    record->timestamp_ms = g_date_time_to_unix (when) * 1000 +
        g_date_time_get_microsecond (when) / 1000;
    record->playhead = json_object_get_int_member (media, "playhead");
  }

  return TRUE;
}

/* A session played offline, whole: xdm.eventType media.downloaded, the
 * device's FPID, and its events (media-edge.yaml /downloaded) */
static gboolean
parse_downloaded (EdgeRecord * record, gchar ** problem)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *xdm, *identity;
  JsonArray *events;

  if (!json_parser_load_from_data (parser, record->body, -1, NULL)) {
    *problem = g_strdup ("body is not JSON");
    return FALSE;
  }
  if (!(xdm = find_xdm (json_parser_get_root (parser), problem)))
    return FALSE;
  record->event_type = g_strdup ("downloaded");
  identity = get_object (xdm, "identityMap");
  if (g_strcmp0 (json_object_get_string_member_with_default (xdm,
              "eventType", NULL), "media.downloaded") != 0
      || identity == NULL || !json_object_has_member (identity, "FPID")
      || !get_object (xdm, "mediaCollection")
      || !json_object_has_member (xdm, "mediaDownloadedEvents")) {
    *problem = g_strdup ("a downloaded session needs eventType "
        "media.downloaded, identityMap.FPID, mediaCollection and "
        "mediaDownloadedEvents");
    return FALSE;
  }
  events = json_object_get_array_member (xdm, "mediaDownloadedEvents");
  if (events == NULL || json_array_get_length (events) == 0) {
    *problem = g_strdup ("mediaDownloadedEvents is empty");
    return FALSE;
  }
  for (guint i = 0; i < json_array_get_length (events); i++) {
    JsonNode *entry = json_array_get_element (events, i);

    if (!JSON_NODE_HOLDS_OBJECT (entry)
        || !check_downloaded_entry (record, json_node_get_object (entry), i,
            problem))
      return FALSE;
  }

  return TRUE;
}

static gchar *
new_session_id (void)
{
  GString *id = g_string_new (NULL);

  for (guint i = 0; i < 8; i++)
    g_string_append_printf (id, "%08x", g_random_int ());

  return g_string_free (id, FALSE);
}

static void
answer_json (SoupServerMessage * msg, guint status, const gchar * json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY,
      json, strlen (json));
}

/* libsoup 3.2's server closes the connection after a 204, without a word:
 * say it, as a server that means to close does, or a client that keeps
 * the connection loses its next request in the race with the close. */
static void
answer_no_content (SoupServerMessage * msg)
{
  soup_server_message_set_status (msg, SOUP_STATUS_NO_CONTENT, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers
      (msg), "Connection", "close");
}

static void
answer_error (SoupServerMessage * msg, guint status, const gchar * problem)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *json = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "errors");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, problem);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  answer_json (msg, status, json);
}

static void
answer_session_start (EdgeServer * server, SoupServerMessage * msg,
    const gchar * session_id)
{
  g_autofree gchar *client_state = NULL;
  g_autofree gchar *json = NULL;

  g_mutex_lock (&server->lock);
  client_state = g_strdup (server->client_state);
  g_mutex_unlock (&server->lock);
  json = g_strdup_printf ("{\"requestId\":\"local-%s\","
      "\"handle\":[{\"payload\":[{\"sessionId\":\"%s\"}],"
      "\"type\":\"media-analytics:new-session\",\"eventIndex\":0}%s%s]}",
      session_id, session_id, client_state ? "," : "",
      client_state ? client_state : "");

  answer_json (msg, SOUP_STATUS_OK, json);
}

static void
print_record (EdgeServer * server, const EdgeRecord * record)
{
  g_autoptr (GDateTime) utc = NULL;
  g_autofree gchar *clock = NULL;

  if (server->output == NULL)
    return;

  utc = g_date_time_new_from_unix_utc (record->timestamp_ms / 1000);
  clock = utc ? g_date_time_format (utc, "%H:%M:%S") : g_strdup ("--:--:--");
  if (record->status >= 300)
    fprintf (server->output, "%s.%03d  %-16s  rejected: HTTP %u\n", clock,
        (int) (record->timestamp_ms % 1000), record->event_type ?
        record->event_type : record->path, record->status);
  else
    fprintf (server->output, "%s.%03d  %-16s  playhead %4" G_GINT64_FORMAT
        "  session %.8s\n", clock, (int) (record->timestamp_ms % 1000),
        record->event_type, record->playhead, record->session_id);
  fflush (server->output);
}

static void
record (EdgeServer * server, EdgeRecord * rec)
{
  g_mutex_lock (&server->lock);
  print_record (server, rec);
  g_ptr_array_add (server->records, rec);
  g_cond_broadcast (&server->changed);
  g_mutex_unlock (&server->lock);
}

/* Answers as told to misbehave, if told: TRUE when @msg was answered. */
static gboolean
misbehave (EdgeServer * server, SoupServerMessage * msg, EdgeRecord * rec)
{
  gboolean failed = FALSE;

  g_mutex_lock (&server->lock);
  if (server->fail_count > 0) {
    server->fail_count--;
    failed = TRUE;
    rec->status = server->fail_status;
    if (server->retry_after)
      soup_message_headers_replace (soup_server_message_get_response_headers
          (msg), "Retry-After", server->retry_after);
  }
  g_mutex_unlock (&server->lock);

  if (failed)
    answer_error (msg, rec->status, "told to fail");

  return failed;
}

/* Redirects as told, if told: TRUE when @msg was answered. */
static gboolean
redirect_as_told (EdgeServer * server, SoupServerMessage * msg,
    EdgeRecord * rec)
{
  g_autofree gchar *location = NULL;

  g_mutex_lock (&server->lock);
  if (server->redirect_count > 0) {
    server->redirect_count--;
    rec->status = server->redirect_status;
    location = g_strdup (server->redirect_location);
  }
  g_mutex_unlock (&server->lock);

  if (location)
    soup_server_message_set_redirect (msg, rec->status, location);

  return location != NULL;
}

/* sessionStart answered as told, if told: TRUE when @msg was answered. */
static gboolean
answer_start_as_told (EdgeServer * server, SoupServerMessage * msg,
    EdgeRecord * rec)
{
  g_autoptr (GBytes) body = NULL;

  g_mutex_lock (&server->lock);
  rec->status = server->start_status;
  body = server->start_body ? g_bytes_ref (server->start_body) : NULL;
  g_mutex_unlock (&server->lock);

  if (rec->status == 0)
    return FALSE;
  soup_server_message_set_status (msg, rec->status, NULL);
  if (body)
    soup_server_message_set_response (msg, "application/json",
        SOUP_MEMORY_COPY, g_bytes_get_data (body, NULL),
        g_bytes_get_size (body));

  return TRUE;
}

static gboolean
resume_message (gpointer data)
{
  soup_server_message_unpause (data);

  return G_SOURCE_REMOVE;
}

/* Holds the answer back for a while, if told to. */
static void
maybe_stall (EdgeServer * server, SoupServerMessage * msg)
{
  guint delay = 0;
  GSource *timer;

  g_mutex_lock (&server->lock);
  if (server->stall_count > 0) {
    server->stall_count--;
    delay = server->stall_ms;
  }
  g_mutex_unlock (&server->lock);

  if (delay == 0)
    return;
  soup_server_message_pause (msg);
  timer = g_timeout_source_new (delay);
  g_source_set_callback (timer, resume_message, g_object_ref (msg),
      g_object_unref);
  g_source_attach (timer, g_main_context_get_thread_default ());
  g_source_unref (timer);
}

/* A new session, its id in @rec. */
static void
open_session (EdgeServer * server, EdgeRecord * rec)
{
  rec->session_id = new_session_id ();
  g_mutex_lock (&server->lock);
  if (!server->forget_always)
    g_hash_table_add (server->sessions, g_strdup (rec->session_id));
  g_mutex_unlock (&server->lock);
}

/* An event of a session the server knows is taken (204); of another, it
 * is answered as lost (404, or as told). */
static void
answer_event_of_session (EdgeServer * server, SoupServerMessage * msg,
    EdgeRecord * rec)
{
  gboolean known_session;
  guint lost_status;

  g_mutex_lock (&server->lock);
  known_session = g_hash_table_contains (server->sessions, rec->session_id);
  lost_status = server->lost_status ? server->lost_status :
      SOUP_STATUS_NOT_FOUND;
  g_mutex_unlock (&server->lock);
  rec->status = known_session ? SOUP_STATUS_NO_CONTENT : lost_status;
  if (known_session)
    answer_no_content (msg);
  else
    answer_error (msg, rec->status, "unknown session");
}

static void
handle_event (EdgeServer * server, SoupServerMessage * msg,
    const gchar * path, const gchar * api_path, const gchar * hint,
    GHashTable * query)
{
  EdgeRecord *rec = g_new0 (EdgeRecord, 1);
  const gchar *path_event = api_path + strlen (API_PREFIX);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autofree gchar *problem = NULL;

  rec->path = g_strdup (path);
  rec->location_hint = g_strdup (hint);
  rec->config_id = g_strdup (query ? g_hash_table_lookup (query,
          "configId") : NULL);
  rec->body = g_strndup (body->data, body->length);

  maybe_stall (server, msg);
  if (misbehave (server, msg, rec) || redirect_as_told (server, msg, rec)) {
    parse_event (rec, path_event, &problem);
  } else if (rec->config_id == NULL || *rec->config_id == '\0') {
    rec->status = SOUP_STATUS_BAD_REQUEST;
    answer_error (msg, rec->status, "the configId query parameter is missing");
  } else if (strcmp (path_event, "downloaded") == 0) {
    rec->status = parse_downloaded (rec, &problem) ? SOUP_STATUS_NO_CONTENT :
        SOUP_STATUS_BAD_REQUEST;
    if (problem)
      answer_error (msg, rec->status, problem);
    else
      answer_no_content (msg);
  } else if (!g_strv_contains (known_events, path_event)) {
    rec->status = SOUP_STATUS_NOT_FOUND;
    answer_error (msg, rec->status, "no such endpoint");
  } else if (!parse_event (rec, path_event, &problem)) {
    rec->status = SOUP_STATUS_BAD_REQUEST;
    answer_error (msg, rec->status, problem);
  } else if (strcmp (path_event, "sessionStart") == 0
      && answer_start_as_told (server, msg, rec)) {
    /* answered as told */
  } else if (strcmp (path_event, "sessionStart") == 0) {
    open_session (server, rec);
    rec->status = SOUP_STATUS_OK;
    answer_session_start (server, msg, rec->session_id);
  } else {
    answer_event_of_session (server, msg, rec);
  }

  record (server, rec);
}

/* Fills @record from a Media Collection API body: playerTime {playhead
 * (seconds, fractions allowed), ts (ms)}, eventType, params, qoeData. */
static gboolean
parse_collection_event (EdgeRecord * record, gboolean opens, gchar ** problem)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *body, *player_time;
  JsonNode *root, *playhead;
  const gchar *event_type;

  if (!json_parser_load_from_data (parser, record->body, -1, NULL)
      || !JSON_NODE_HOLDS_OBJECT (root = json_parser_get_root (parser))) {
    *problem = g_strdup ("body is not a JSON object");
    return FALSE;
  }
  body = json_node_get_object (root);
  player_time = get_object (body, "playerTime");
  playhead = player_time ? json_object_get_member (player_time, "playhead") :
      NULL;
  if (playhead == NULL || !JSON_NODE_HOLDS_VALUE (playhead)
      || (json_node_get_value_type (playhead) != G_TYPE_INT64
          && json_node_get_value_type (playhead) != G_TYPE_DOUBLE)
      || !is_integer (player_time, "ts")) {
    *problem = g_strdup ("playerTime needs playhead (seconds) and ts (ms)");
    return FALSE;
  }
  record->playhead = (gint64) json_node_get_double (playhead);
  record->timestamp_ms = json_object_get_int_member (player_time, "ts");

  event_type = json_object_get_string_member_with_default (body, "eventType",
      NULL);
  if (event_type == NULL || !g_strv_contains (known_events, event_type)) {
    *problem = g_strdup ("eventType names no event of the API");
    return FALSE;
  }
  record->event_type = g_strdup (event_type);
  if (opens != (strcmp (event_type, "sessionStart") == 0)) {
    *problem = g_strdup ("sessionStart goes to " SESSIONS_PATH ", other "
        "events to " SESSIONS_PATH "/{sid}/events");
    return FALSE;
  }

  return check_table (collection_requirements,
      G_N_ELEMENTS (collection_requirements), "", event_type, body, problem);
}

/* The session id in `/api/v1/sessions/{sid}/events`, or NULL. */
static gchar *
collection_session_id (const gchar * path)
{
  const gchar *sid = path + strlen (SESSIONS_PATH "/");
  const gchar *end = strchr (sid, '/');

  if (end == NULL || end == sid || strcmp (end, "/events") != 0)
    return NULL;

  return g_strndup (sid, end - sid);
}

/* The Location a new Collection session is answered with */
static gchar *
session_location (EdgeServer * server, const gchar * session_id)
{
  g_auto (GStrv) parts = NULL;

  g_mutex_lock (&server->lock);
  if (server->session_location)
    parts = g_strsplit (server->session_location, "{sid}", -1);
  g_mutex_unlock (&server->lock);

  if (!parts)
    return g_strconcat (SESSIONS_PATH "/", session_id, NULL);

  return g_strjoinv (session_id, parts);
}

static void
handle_collection_event (EdgeServer * server, SoupServerMessage * msg,
    const gchar * path)
{
  EdgeRecord *rec = g_new0 (EdgeRecord, 1);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  gboolean opens = strcmp (path, SESSIONS_PATH) == 0;
  g_autofree gchar *problem = NULL;
  g_autofree gchar *location = NULL;

  rec->path = g_strdup (path);
  rec->body = g_strndup (body->data, body->length);
  rec->session_id = opens ? NULL : collection_session_id (path);

  maybe_stall (server, msg);
  if (misbehave (server, msg, rec)) {
    parse_collection_event (rec, opens, &problem);
  } else if (!opens && rec->session_id == NULL) {
    rec->status = SOUP_STATUS_NOT_FOUND;
    answer_error (msg, rec->status, "no such endpoint");
  } else if (!parse_collection_event (rec, opens, &problem)) {
    rec->status = SOUP_STATUS_BAD_REQUEST;
    answer_error (msg, rec->status, problem);
  } else if (opens && answer_start_as_told (server, msg, rec)) {
    /* answered as told */
  } else if (opens) {
    open_session (server, rec);
    rec->status = SOUP_STATUS_CREATED;
    location = session_location (server, rec->session_id);
    if (*location)
      soup_message_headers_replace (soup_server_message_get_response_headers
          (msg), "Location", location);
    soup_server_message_set_status (msg, rec->status, NULL);
  } else {
    answer_event_of_session (server, msg, rec);
  }

  record (server, rec);
}

/* /ee/<hint>/va/v1/...: the Media Edge API's path without the location
 * hint, which is set in @hint; NULL for any other path */
static gchar *
unhinted_path (const gchar * path, gchar ** hint)
{
  const gchar *rest;
  const gchar *slash;

  if (!g_str_has_prefix (path, "/ee/"))
    return NULL;
  rest = path + strlen ("/ee/");
  slash = strchr (rest, '/');
  if (slash == NULL || slash == rest || !g_str_has_prefix (slash, API_TAIL))
    return NULL;
  *hint = g_strndup (rest, slash - rest);

  return g_strconcat ("/ee", slash, NULL);
}

static void
on_request (SoupServer * soup, SoupServerMessage * msg, const gchar * path,
    GHashTable * query, gpointer user_data)
{
  EdgeServer *server = user_data;
  g_autofree gchar *hinted = NULL;
  g_autofree gchar *hint = NULL;

  g_mutex_lock (&server->lock);
  server->requests++;
  g_mutex_unlock (&server->lock);
  if (strcmp (soup_server_message_get_method (msg), SOUP_METHOD_POST) != 0) {
    soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
    return;
  }
  if (g_str_has_prefix (path, API_PREFIX))
    handle_event (server, msg, path, path, NULL, query);
  else if ((hinted = unhinted_path (path, &hint)))
    handle_event (server, msg, path, hinted, hint, query);
  else if (strcmp (path, SESSIONS_PATH) == 0
      || g_str_has_prefix (path, SESSIONS_PATH "/"))
    handle_collection_event (server, msg, path);
  else
    answer_error (msg, SOUP_STATUS_NOT_FOUND, "no such endpoint");
}

static gboolean
server_listen (EdgeServer * server, guint port, GError ** error)
{
  SoupServerListenOptions options = SOUP_SERVER_LISTEN_IPV4_ONLY;
  GSList *uris;

  server->soup = soup_server_new ("server-header", "mediaedge-edge-server ",
      "tls-certificate", server->certificate, NULL);
  soup_server_add_handler (server->soup, NULL, on_request, server, NULL);
  if (server->certificate)
    options |= SOUP_SERVER_LISTEN_HTTPS;
  if (!soup_server_listen_local (server->soup, port, options, error))
    return FALSE;

  uris = soup_server_get_uris (server->soup);
  server->port = g_uri_get_port (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return TRUE;
}

static EdgeServer *
edge_server_alloc (void)
{
  EdgeServer *server = g_new0 (EdgeServer, 1);

  g_mutex_init (&server->lock);
  g_cond_init (&server->changed);
  server->records = g_ptr_array_new_with_free_func ((GDestroyNotify)
      edge_record_free);
  server->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);

  return server;
}

/**
 * edge_server_new:
 * @port: the port on 127.0.0.1, 0 for any free one
 *
 * A server on the thread-default main context; the caller runs it.
 */
EdgeServer *
edge_server_new (guint port, GError ** error)
{
  EdgeServer *server = edge_server_alloc ();

  if (!server_listen (server, port, error)) {
    edge_server_free (server);
    return NULL;
  }

  return server;
}

typedef struct
{
  EdgeServer *server;
  guint port;
  GError *error;
  gboolean ready;
} StartData;

static gpointer
server_thread_main (gpointer data)
{
  StartData *start = data;
  EdgeServer *server = start->server;
  gboolean ok;

  g_main_context_push_thread_default (server->context);
  ok = server_listen (server, start->port, &start->error);

  g_mutex_lock (&server->lock);
  start->ready = TRUE;
  g_cond_broadcast (&server->changed);
  g_mutex_unlock (&server->lock);

  if (ok)
    g_main_loop_run (server->loop);
  g_clear_object (&server->soup);
  g_main_context_pop_thread_default (server->context);

  return NULL;
}

static EdgeServer *edge_server_new_threaded_full (guint port,
    GTlsCertificate * certificate, GError ** error);

/**
 * edge_server_new_threaded:
 *
 * A server on 127.0.0.1, on a free port, answering from its own thread.
 */
EdgeServer *
edge_server_new_threaded (GError ** error)
{
  return edge_server_new_threaded_on_port (0, error);
}

/**
 * edge_server_new_threaded_on_port:
 * @port: the port on 127.0.0.1, 0 for any free one
 *
 * A server answering from its own thread.
 */
EdgeServer *
edge_server_new_threaded_on_port (guint port, GError ** error)
{
  return edge_server_new_threaded_full (port, NULL, error);
}

/**
 * edge_server_new_threaded_tls:
 * @cert_file: PEM certificate of the server
 * @key_file: its private key
 *
 * An HTTPS server on 127.0.0.1, on a free port, from its own thread.
 */
EdgeServer *
edge_server_new_threaded_tls (const gchar * cert_file,
    const gchar * key_file, GError ** error)
{
  g_autoptr (GTlsCertificate) certificate =
      g_tls_certificate_new_from_files (cert_file, key_file, error);

  if (certificate == NULL)
    return NULL;

  return edge_server_new_threaded_full (0, certificate, error);
}

static EdgeServer *
edge_server_new_threaded_full (guint port, GTlsCertificate * certificate,
    GError ** error)
{
  EdgeServer *server = edge_server_alloc ();
  StartData start = { server, port, NULL, FALSE };

  server->certificate = certificate ? g_object_ref (certificate) : NULL;

  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("edge-server", server_thread_main, &start);

  g_mutex_lock (&server->lock);
  while (!start.ready)
    g_cond_wait (&server->changed, &server->lock);
  g_mutex_unlock (&server->lock);

  if (start.error) {
    g_propagate_error (error, start.error);
    edge_server_free (server);
    return NULL;
  }

  return server;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
edge_server_free (EdgeServer * server)
{
  if (server == NULL)
    return;

  if (server->thread) {
    g_main_context_invoke (server->context, quit_loop, server->loop);
    g_thread_join (server->thread);
    g_main_loop_unref (server->loop);
    g_main_context_unref (server->context);
  }
  g_clear_object (&server->soup);
  g_clear_object (&server->certificate);
  g_ptr_array_unref (server->records);
  g_hash_table_unref (server->sessions);
  g_free (server->retry_after);
  g_free (server->redirect_location);
  g_clear_pointer (&server->start_body, g_bytes_unref);
  g_free (server->session_location);
  g_free (server->client_state);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->changed);
  g_free (server);
}

/**
 * edge_server_take_down:
 * @server: (inout): the server, freed and set to %NULL
 *
 * Stops a server the way a crashed service stops: connections to its port
 * are refused until edge_server_new_threaded_on_port() opens it again.
 *
 * Returns: the port it listened on
 */
guint
edge_server_take_down (EdgeServer ** server)
{
  guint port = edge_server_get_port (*server);

  g_clear_pointer (server, edge_server_free);

  return port;
}

guint
edge_server_get_port (EdgeServer * server)
{
  return server->port;
}

gchar *
edge_server_get_endpoint (EdgeServer * server)
{
  return g_strdup_printf ("%s://127.0.0.1:%u/ee/va/v1",
      server->certificate ? "https" : "http", server->port);
}

void
edge_server_set_output (EdgeServer * server, FILE * output)
{
  g_mutex_lock (&server->lock);
  server->output = output;
  g_mutex_unlock (&server->lock);
}

GPtrArray *
edge_server_dup_records (EdgeServer * server)
{
  GPtrArray *copy = g_ptr_array_new_with_free_func ((GDestroyNotify)
      edge_record_free);

  g_mutex_lock (&server->lock);
  for (guint i = 0; i < server->records->len; i++)
    g_ptr_array_add (copy,
        edge_record_copy (g_ptr_array_index (server->records, i)));
  g_mutex_unlock (&server->lock);

  return copy;
}

guint
edge_server_count_records (EdgeServer * server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->records->len;
  g_mutex_unlock (&server->lock);

  return n;
}

/* Every request received, whatever its method or path: a GET, which is
 * not recorded, too. */
guint
edge_server_count_requests (EdgeServer * server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->requests;
  g_mutex_unlock (&server->lock);

  return n;
}

/* Waits (real time) until at least @count requests arrived. */
gboolean
edge_server_wait_for_records (EdgeServer * server, guint count,
    gint64 timeout_us)
{
  gint64 end_time = g_get_monotonic_time () + timeout_us;
  gboolean reached;

  g_mutex_lock (&server->lock);
  while (server->records->len < count)
    if (!g_cond_wait_until (&server->changed, &server->lock, end_time))
      break;
  reached = server->records->len >= count;
  g_mutex_unlock (&server->lock);

  return reached;
}

/* The index of the first request of @event_type at index @from or later,
 * or -1: the caller's lock held. */
static gint
find_event (EdgeServer * server, guint from, const gchar * event_type)
{
  for (guint i = from; i < server->records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (server->records, i);

    if (g_strcmp0 (record->event_type, event_type) == 0)
      return i;
  }

  return -1;
}

/**
 * edge_server_wait_for_event:
 * @from: the index of the first request to look at
 * @event_type: e.g. "play"
 *
 * Waits (real time) until a request of @event_type arrived at index @from
 * or later.
 *
 * Returns: its index, or -1 if none came within @timeout_us
 */
gint
edge_server_wait_for_event (EdgeServer * server, guint from,
    const gchar * event_type, gint64 timeout_us)
{
  gint64 end_time = g_get_monotonic_time () + timeout_us;
  gint found;

  g_mutex_lock (&server->lock);
  while ((found = find_event (server, from, event_type)) < 0)
    if (!g_cond_wait_until (&server->changed, &server->lock, end_time))
      break;
  g_mutex_unlock (&server->lock);

  return found;
}

/**
 * edge_server_fail_next:
 * @status: e.g. 503
 * @retry_after: (nullable): the Retry-After header to send with it
 *
 * The next @count requests, whatever they are, are answered @status and
 * recorded so.
 */
void
edge_server_fail_next (EdgeServer * server, guint count, guint status,
    const gchar * retry_after)
{
  g_mutex_lock (&server->lock);
  server->fail_count = count;
  server->fail_status = status;
  g_free (server->retry_after);
  server->retry_after = g_strdup (retry_after);
  g_mutex_unlock (&server->lock);
}

/**
 * edge_server_redirect_next:
 * @status: e.g. 301
 * @location: where to: an absolute URI, or one relative to the request's
 *
 * The next @count requests are answered @status with a Location header,
 * and recorded so.
 */
void
edge_server_redirect_next (EdgeServer * server, guint count, guint status,
    const gchar * location)
{
  g_mutex_lock (&server->lock);
  server->redirect_count = count;
  server->redirect_status = status;
  g_free (server->redirect_location);
  server->redirect_location = g_strdup (location);
  g_mutex_unlock (&server->lock);
}

/* The answers to the next @count requests wait @delay_ms. */
void
edge_server_stall_next (EdgeServer * server, guint count, guint delay_ms)
{
  g_mutex_lock (&server->lock);
  server->stall_count = count;
  server->stall_ms = delay_ms;
  g_mutex_unlock (&server->lock);
}

/**
 * edge_server_set_session_start_answer:
 * @status: the status of every answer to sessionStart; 0 to answer well
 *   again
 * @body: (nullable): the body of those answers
 */
void
edge_server_set_session_start_answer (EdgeServer * server, guint status,
    const gchar * body, gsize size)
{
  g_mutex_lock (&server->lock);
  server->start_status = status;
  g_clear_pointer (&server->start_body, g_bytes_unref);
  if (body)
    server->start_body = g_bytes_new (body, size);
  g_mutex_unlock (&server->lock);
}

/**
 * edge_server_set_client_state:
 * @handles: (nullable): JSON array members (handles such as `state:store`
 *   and `locationHint:result`) added to the handle[] of every sessionStart
 *   answer from now on; %NULL for none
 */
void
edge_server_set_client_state (EdgeServer * server, const gchar * handles)
{
  g_mutex_lock (&server->lock);
  g_free (server->client_state);
  server->client_state = g_strdup (handles);
  g_mutex_unlock (&server->lock);
}

/**
 * edge_server_set_session_location:
 * @location: (nullable): the Location header of the answers that open a
 *   Collection API session, `{sid}` standing for its id; "" for none;
 *   %NULL for the session's path (as the service answers)
 */
void
edge_server_set_session_location (EdgeServer * server, const gchar * location)
{
  g_mutex_lock (&server->lock);
  g_free (server->session_location);
  server->session_location = g_strdup (location);
  g_mutex_unlock (&server->lock);
}

/* The service knows @session_id as one it started: a server brought up
 * again on the port of one taken down takes the old one's sessions. */
void
edge_server_adopt_session (EdgeServer * server, const gchar * session_id)
{
  g_mutex_lock (&server->lock);
  g_hash_table_add (server->sessions, g_strdup (session_id));
  g_mutex_unlock (&server->lock);
}

/* The service forgets every session it started: events for them are
 * answered @status (404 or 410). */
void
edge_server_forget_sessions (EdgeServer * server, guint status)
{
  g_mutex_lock (&server->lock);
  g_hash_table_remove_all (server->sessions);
  server->lost_status = status;
  g_mutex_unlock (&server->lock);
}

/* From now on the service forgets each session as soon as it started it:
 * sessionStart is answered, and every event after it @status (404 or
 * 410). */
void
edge_server_forget_every_session (EdgeServer * server, guint status)
{
  g_mutex_lock (&server->lock);
  g_hash_table_remove_all (server->sessions);
  server->lost_status = status;
  server->forget_always = TRUE;
  g_mutex_unlock (&server->lock);
}

/**
 * edge_server_describe_records:
 * @session_id: (nullable): only the requests of this session
 *
 * Returns: (transfer full): the event types received, in order, with the
 * status each was answered, e.g. "sessionStart 200, play 204"
 */
gchar *
edge_server_describe_records (EdgeServer * server, const gchar * session_id)
{
  g_autoptr (GPtrArray) records = edge_server_dup_records (server);
  GString *text = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);

    if (session_id && g_strcmp0 (record->session_id, session_id) != 0)
      continue;
    g_string_append_printf (text, "%s%s %u", text->len ? ", " : "",
        record->event_type, record->status);
  }

  return g_string_free (text, FALSE);
}
