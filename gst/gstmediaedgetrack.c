/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/**
 * SECTION:element-mediaedgetrack
 * @title: mediaedgetrack
 *
 * Reports what the viewer experiences to Adobe's Media Edge API: the
 * session start, play, pauses, buffering, a ping every ping interval, and
 * the end of the session. The element passes buffers through untouched and
 * never makes the streaming thread wait on the network: it watches the
 * pipeline it is in (state changes, buffering, EOS, tags, position) and
 * hands the events to a sender thread shared by every element in the
 * process.
 *
 * A session starts when the pipeline is asked to play, plays when the
 * pipeline reaches PLAYING, and ends with sessionComplete at EOS or with
 * sessionEnd when the pipeline is stopped first. A pipeline only prerolled
 * to PAUSED starts no session. Whenever the service answers a sessionStart
 * or a session is over, the element posts an element message named
 * `mediaedge-session` with the fields `session-id` (string) and `event`
 * (`started` or `ended`).
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 playbin uri=file:///path/to/movie.mp4 \
 *     video-filter="mediaedgetrack config-id=YOUR-DATASTREAM-ID"
 * ]|
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! mediaedgetrack \
 *     config-id=YOUR-DATASTREAM-ID content-id=test-pattern ! autovideosink
 * ]|
 */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstmediaedgetrack.h"
#include "gstmediaedgeelements.h"
#include "mediaedge-tracker.h"
#include "mediaedge-codec-edge.h"
#include "mediaedge-client.h"

GST_DEBUG_CATEGORY_STATIC (gst_media_edge_track_debug);
#define GST_CAT_DEFAULT gst_media_edge_track_debug

#define DEFAULT_CONFIG_ID NULL
#define DEFAULT_ENDPOINT MEDIA_EDGE_DEFAULT_ENDPOINT
#define DEFAULT_CONTENT_ID NULL
#define DEFAULT_CONTENT_NAME NULL
#define DEFAULT_CHANNEL "GStreamer"
#define DEFAULT_PLAYER_NAME "GStreamer"
#define DEFAULT_APP_VERSION NULL
#define DEFAULT_CONTENT_TYPE NULL
#define DEFAULT_LENGTH -1
#define DEFAULT_PING_INTERVAL MEDIA_EDGE_PING_INTERVAL_DEFAULT
#define DEFAULT_FLUSH_TIMEOUT 2000

/* Adobe's advice for live streams and for content of unknown length */
#define LIVE_LENGTH_S 86400

enum
{
  PROP_0,
  PROP_CONFIG_ID,
  PROP_ENDPOINT,
  PROP_CONTENT_ID,
  PROP_CONTENT_NAME,
  PROP_CHANNEL,
  PROP_PLAYER_NAME,
  PROP_APP_VERSION,
  PROP_CONTENT_TYPE,
  PROP_LENGTH,
  PROP_SESSION_DETAILS,
  PROP_CUSTOM_METADATA,
  PROP_PING_INTERVAL,
  PROP_FLUSH_TIMEOUT,
};

struct _GstMediaEdgeTrack
{
  GstBaseTransform parent;

  /* properties; object lock */
  gchar *config_id;
  gchar *endpoint;
  gchar *content_id;
  gchar *content_name;
  gchar *channel;
  gchar *player_name;
  gchar *app_version;
  gchar *content_type;
  gint length;
  GstStructure *session_details;
  GstStructure *custom_metadata;
  guint ping_interval;
  guint flush_timeout;

  /* what the stream told us; object lock */
  gchar *title;
  GstClockTime last_position;

  /* the top-level pipeline we watch, from READY to PAUSED until PAUSED to
   * READY; set and cleared in change_state, read under the object lock */
  GstElement *pipeline;
  /* change_state only */
  GstBus *bus;
  gulong sync_handler;

  /* the tracking session; session_lock */
  GMutex session_lock;
  MediaEdgeClient *client;
  MediaEdgeTracker *tracker;
  MediaEdgeClientSession *client_session;
  GPtrArray *closing_sessions;
  gboolean session_used;
  gchar *session_config_id;
  gchar *session_endpoint;
  GstClock *clock;
  GstClockID ping_id;
  MediaEdgeTime ping_deadline;
  GSource *ping_source;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define gst_media_edge_track_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstMediaEdgeTrack, gst_media_edge_track,
    GST_TYPE_BASE_TRANSFORM,
    GST_DEBUG_CATEGORY_INIT (gst_media_edge_track_debug, "mediaedgetrack", 0,
        "Media Edge tracker element"));
GST_ELEMENT_REGISTER_DEFINE (mediaedgetrack, "mediaedgetrack", GST_RANK_NONE,
    GST_TYPE_MEDIA_EDGE_TRACK);

static void arm_ping (GstMediaEdgeTrack * self);

/* ------------------------------------------------------------------ */
/* facts about the pipeline */

static GstElement *
find_top_level (GstMediaEdgeTrack * self)
{
  GstObject *top = gst_object_ref (GST_OBJECT (self));
  GstObject *parent;

  while ((parent = gst_object_get_parent (top))) {
    gst_object_unref (top);
    top = parent;
  }

  return GST_ELEMENT (top);
}

static GstElement *
dup_pipeline (GstMediaEdgeTrack * self)
{
  GstElement *pipeline;

  GST_OBJECT_LOCK (self);
  pipeline = self->pipeline ? gst_object_ref (self->pipeline) : NULL;
  GST_OBJECT_UNLOCK (self);

  return pipeline;
}

/* The playhead in seconds: the pipeline's position, else the stream time of
 * the last buffer that went through. */
static gdouble
query_playhead (GstMediaEdgeTrack * self)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);
  gint64 position = -1;
  GstClockTime last;

  if (pipeline
      && gst_element_query_position (pipeline, GST_FORMAT_TIME, &position)
      && position >= 0)
    return (gdouble) position / GST_SECOND;

  GST_OBJECT_LOCK (self);
  last = self->last_position;
  GST_OBJECT_UNLOCK (self);

  return GST_CLOCK_TIME_IS_VALID (last) ? (gdouble) last / GST_SECOND : 0.0;
}

static gboolean
pipeline_is_live (GstElement * pipeline)
{
  g_autoptr (GstQuery) query = gst_query_new_latency ();
  gboolean live = FALSE;

  if (pipeline && gst_element_query (pipeline, query))
    gst_query_parse_latency (query, &live, NULL, NULL);

  return live;
}

static gchar *
find_uri (GstElement * pipeline)
{
  g_autoptr (GstIterator) sources = NULL;
  GValue item = G_VALUE_INIT;
  gchar *uri = NULL;

  if (pipeline == NULL)
    return NULL;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pipeline),
          "current-uri"))
    g_object_get (pipeline, "current-uri", &uri, NULL);
  if (uri || !GST_IS_BIN (pipeline))
    return uri;

  sources = gst_bin_iterate_all_by_interface (GST_BIN (pipeline),
      GST_TYPE_URI_HANDLER);
  while (uri == NULL && gst_iterator_next (sources, &item) == GST_ITERATOR_OK) {
    GstElement *element = g_value_get_object (&item);

    if (gst_uri_handler_get_uri_type (GST_URI_HANDLER (element)) == GST_URI_SRC)
      uri = gst_uri_handler_get_uri (GST_URI_HANDLER (element));
    g_value_reset (&item);
  }
  g_value_unset (&item);

  return uri;
}

static gchar *
uri_basename (const gchar * uri)
{
  g_autoptr (GUri) parsed = uri ? g_uri_parse (uri, G_URI_FLAGS_NONE,
      NULL) : NULL;
  g_autofree gchar *path = NULL;
  gchar *base;

  if (parsed == NULL)
    return NULL;
  path = g_uri_unescape_string (g_uri_get_path (parsed), NULL);
  if (path == NULL || *path == '\0')
    return NULL;
  base = g_path_get_basename (path);
  if (strcmp (base, "/") == 0 || strcmp (base, ".") == 0)
    g_clear_pointer (&base, g_free);

  return base;
}

/* ------------------------------------------------------------------ */
/* session details: the pipeline's facts, then the session-details
 * structure, then the named properties */

static GVariant *
value_to_variant (const GValue * value)
{
  GValue text = G_VALUE_INIT;
  GVariant *variant;

  switch (G_VALUE_TYPE (value)) {
    case G_TYPE_BOOLEAN:
      return g_variant_new_boolean (g_value_get_boolean (value));
    case G_TYPE_INT:
      return g_variant_new_int64 (g_value_get_int (value));
    case G_TYPE_UINT:
      return g_variant_new_int64 (g_value_get_uint (value));
    case G_TYPE_INT64:
      return g_variant_new_int64 (g_value_get_int64 (value));
    case G_TYPE_STRING:
      return g_variant_new_string (g_value_get_string (value) ?
          g_value_get_string (value) : "");
    default:
      break;
  }

  g_value_init (&text, G_TYPE_STRING);
  if (g_value_type_transformable (G_VALUE_TYPE (value), G_TYPE_STRING))
    g_value_transform (value, &text);
  variant = g_variant_new_string (g_value_get_string (&text) ?
      g_value_get_string (&text) : "");
  g_value_unset (&text);

  return variant;
}

static GVariant *
value_to_string_variant (const GValue * value)
{
  g_autoptr (GVariant) variant = g_variant_ref_sink (value_to_variant (value));

  if (g_variant_is_of_type (variant, G_VARIANT_TYPE_STRING))
    return g_steal_pointer (&variant);

  return g_variant_new_take_string (g_variant_print (variant, FALSE));
}

/* XDM sessionDetails are strings but for length (integer) and the
 * hasResume and isDownloaded flags: `season=1` in a structure is an int
 * that must go out as "1". */
static GVariant *
session_field_to_variant (const gchar * name, const GValue * value)
{
  if (g_str_equal (name, "length") && (G_VALUE_HOLDS_INT (value)
          || G_VALUE_HOLDS_INT64 (value) || G_VALUE_HOLDS_UINT (value)))
    return value_to_variant (value);
  if ((g_str_equal (name, "hasResume") || g_str_equal (name, "isDownloaded"))
      && G_VALUE_HOLDS_BOOLEAN (value))
    return value_to_variant (value);

  return value_to_string_variant (value);
}

static gboolean
add_structure_field (GQuark field, const GValue * value, gpointer data)
{
  GVariantDict *dict = data;
  const gchar *name = g_quark_to_string (field);

  g_variant_dict_insert_value (dict, name,
      session_field_to_variant (name, value));

  return TRUE;
}

static void
dict_set_string (GVariantDict * dict, const gchar * key, const gchar * value)
{
  if (value)
    g_variant_dict_insert (dict, key, "s", value);
}

static GVariant *
build_session_details (GstMediaEdgeTrack * self)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);
  g_autofree gchar *uri = find_uri (pipeline);
  g_autofree gchar *basename = uri_basename (uri);
  gboolean live = pipeline_is_live (pipeline);
  gint64 duration = -1;
  gint64 length;
  GVariantDict dict;

  if (pipeline)
    gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration);
  length = (!live && duration > 0) ?
      (duration + GST_SECOND / 2) / GST_SECOND : LIVE_LENGTH_S;

  g_variant_dict_init (&dict, NULL);

  GST_OBJECT_LOCK (self);
  dict_set_string (&dict, "name", self->title ? self->title :
      basename ? basename : "unknown");
  dict_set_string (&dict, "friendlyName", self->title);
  g_variant_dict_insert (&dict, "length", "x", length);
  dict_set_string (&dict, "contentType", live ? "Live" : "VOD");
  if (self->session_details)
    gst_structure_foreach (self->session_details, add_structure_field, &dict);

  dict_set_string (&dict, "name", self->content_id);
  dict_set_string (&dict, "friendlyName", self->content_name);
  dict_set_string (&dict, "channel", self->channel);
  dict_set_string (&dict, "playerName", self->player_name);
  dict_set_string (&dict, "appVersion", self->app_version);
  dict_set_string (&dict, "contentType", self->content_type);
  if (self->length >= 0)
    g_variant_dict_insert (&dict, "length", "x", (gint64) self->length);
  GST_OBJECT_UNLOCK (self);

  return g_variant_dict_end (&dict);
}

static gboolean
is_custom_metadata_key (const gchar * key)
{
  for (const gchar * c = key; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '.')
      return FALSE;
  return *key != '\0';
}

static gboolean
add_metadata_field (GQuark field, const GValue * value, gpointer data)
{
  GVariantBuilder *builder = ((gpointer *) data)[0];
  GstMediaEdgeTrack *self = ((gpointer *) data)[1];
  const gchar *key = g_quark_to_string (field);
  g_autoptr (GVariant) text = NULL;

  if (!is_custom_metadata_key (key)) {
    GST_WARNING_OBJECT (self, "custom-metadata: key '%s' is not of the form "
        "[a-zA-Z0-9_.]+, left out", key);
    return TRUE;
  }
  text = g_variant_ref_sink (value_to_string_variant (value));
  g_variant_builder_add (builder, "{ss}", key,
      g_variant_get_string (text, NULL));

  return TRUE;
}

static GVariant *
build_custom_metadata (GstMediaEdgeTrack * self)
{
  GVariantBuilder builder;
  gpointer data[2] = { &builder, self };
  GVariant *metadata = NULL;

  GST_OBJECT_LOCK (self);
  if (self->custom_metadata && gst_structure_n_fields (self->custom_metadata)) {
    g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
    gst_structure_foreach (self->custom_metadata, add_metadata_field, data);
    metadata = g_variant_builder_end (&builder);
  }
  GST_OBJECT_UNLOCK (self);

  return metadata;
}

/* ------------------------------------------------------------------ */
/* the session: tracker in, requests out; session_lock held */

static MediaEdgeTime
session_now (GstMediaEdgeTrack * self)
{
  return self->clock ? gst_clock_get_time (self->clock) : 0;
}

static void
send_decided_events (GstMediaEdgeTrack * self)
{
  g_autoptr (GPtrArray) events = media_edge_tracker_take_events (self->tracker);

  for (guint i = 0; i < events->len; i++) {
    MediaEdgeEvent *event = g_ptr_array_index (events, i);

    GST_DEBUG_OBJECT (self, "%s, playhead %.3f",
        media_edge_event_type_get_name (event->type), event->playhead);
    if (self->client_session)
      media_edge_client_session_send (self->client_session,
          media_edge_codec_edge_encode (event, self->session_endpoint,
              self->session_config_id));
  }
  arm_ping (self);
}

static void
post_session_message (GstMediaEdgeTrack * self, const gchar * session_id,
    const gchar * what)
{
  GstStructure *s = gst_structure_new ("mediaedge-session",
      "session-id", G_TYPE_STRING, session_id,
      "event", G_TYPE_STRING, what, NULL);

  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

static void
on_session_notice (MediaEdgeSessionNotice notice, const gchar * session_id,
    const gchar * detail, gpointer user_data)
{
  GstMediaEdgeTrack *self = g_weak_ref_get (user_data);

  if (self == NULL)
    return;

  switch (notice) {
    case MEDIA_EDGE_SESSION_STARTED:
      GST_INFO_OBJECT (self, "session %s started", session_id);
      post_session_message (self, session_id, "started");
      break;
    case MEDIA_EDGE_SESSION_ENDED:
      GST_INFO_OBJECT (self, "session %s ended", GST_STR_NULL (session_id));
      post_session_message (self, session_id, "ended");
      break;
    case MEDIA_EDGE_SESSION_FAILED:
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("The Media Edge service did not start a tracking session."),
          ("%s", detail));
      break;
  }
  gst_object_unref (self);
}

static void
free_weak_ref (gpointer data)
{
  g_weak_ref_clear (data);
  g_free (data);
}

/* Pings run on the pipeline's clock when the application fixed one (tests
 * do, with a GstTestClock), otherwise on the monotonic system clock: an
 * audio sink's clock stands still in PAUSED, and pings must not. */
static GstClock *
choose_clock (GstMediaEdgeTrack * self)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);

  if (pipeline && GST_IS_PIPELINE (pipeline)
      && GST_OBJECT_FLAG_IS_SET (pipeline, GST_PIPELINE_FLAG_FIXED_CLOCK))
    return gst_pipeline_get_pipeline_clock (GST_PIPELINE (pipeline));

  return gst_system_clock_obtain ();
}

static void
start_session (GstMediaEdgeTrack * self)
{
  GWeakRef *weak;
  gdouble playhead;

  if (self->session_used)
    return;
  self->session_used = TRUE;

  g_clear_pointer (&self->session_config_id, g_free);
  g_clear_pointer (&self->session_endpoint, g_free);
  GST_OBJECT_LOCK (self);
  self->session_config_id = g_strdup (self->config_id);
  self->session_endpoint = g_strdup (self->endpoint);
  media_edge_tracker_set_ping_interval (self->tracker, self->ping_interval);
  GST_OBJECT_UNLOCK (self);

  weak = g_new0 (GWeakRef, 1);
  g_weak_ref_init (weak, self);
  self->client_session = media_edge_client_open_session (self->client,
      on_session_notice, weak, free_weak_ref);

  gst_clear_object (&self->clock);
  self->clock = choose_clock (self);
  playhead = query_playhead (self);

  GST_INFO_OBJECT (self, "session starts");
  media_edge_tracker_start_session (self->tracker, session_now (self),
      g_get_real_time () / 1000, playhead);
}

static void
describe_session (GstMediaEdgeTrack * self)
{
  if (!media_edge_tracker_in_session (self->tracker)
      || media_edge_tracker_is_described (self->tracker))
    return;

  media_edge_tracker_describe_session (self->tracker,
      build_session_details (self), build_custom_metadata (self));
}

static void
stop_ping (GstMediaEdgeTrack * self)
{
  if (self->ping_id) {
    gst_clock_id_unschedule (self->ping_id);
    gst_clock_id_unref (self->ping_id);
    self->ping_id = NULL;
  }
}

static void
close_client_session (GstMediaEdgeTrack * self)
{
  if (self->client_session == NULL)
    return;

  media_edge_client_session_close (self->client_session);
  g_ptr_array_add (self->closing_sessions,
      g_steal_pointer (&self->client_session));
}

/* ------------------------------------------------------------------ */
/* pings: a single-shot async wait on the session clock wakes a source on
 * the client's main context, which asks the tracker what is due */

static void
on_ping_due_locked (GstMediaEdgeTrack * self)
{
  gdouble playhead;

  if (!media_edge_tracker_in_session (self->tracker))
    return;

  playhead = query_playhead (self);
  media_edge_tracker_advance (self->tracker, session_now (self), playhead);
  send_decided_events (self);
}

static gboolean
ping_source_dispatch (GSource * source, GSourceFunc callback,
    gpointer user_data)
{
  g_source_set_ready_time (source, -1);

  return callback (user_data);
}

static GSourceFuncs ping_source_funcs = {
  .dispatch = ping_source_dispatch,
};

static gboolean
on_ping_source (gpointer user_data)
{
  GstMediaEdgeTrack *self = user_data;

  g_mutex_lock (&self->session_lock);
  on_ping_due_locked (self);
  g_mutex_unlock (&self->session_lock);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_clock_ping (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  GSource *source = user_data;

  g_source_set_ready_time (source, 0);

  return TRUE;
}

static void
arm_ping (GstMediaEdgeTrack * self)
{
  MediaEdgeTime deadline = media_edge_tracker_get_next_deadline (self->tracker);

  if (self->ping_id && deadline == self->ping_deadline)
    return;
  stop_ping (self);
  if (deadline == MEDIA_EDGE_TIME_NONE || self->clock == NULL)
    return;

  if (self->ping_source == NULL) {
    self->ping_source = g_source_new (&ping_source_funcs, sizeof (GSource));
    g_source_set_callback (self->ping_source, on_ping_source,
        gst_object_ref (self), gst_object_unref);
    g_source_attach (self->ping_source,
        media_edge_client_get_context (self->client));
  }

  self->ping_deadline = deadline;
  self->ping_id = gst_clock_new_single_shot_id (self->clock, deadline);
  gst_clock_id_wait_async (self->ping_id, on_clock_ping,
      g_source_ref (self->ping_source), (GDestroyNotify) g_source_unref);
}

static void
destroy_ping_source (GstMediaEdgeTrack * self)
{
  stop_ping (self);
  if (self->ping_source) {
    g_source_destroy (self->ping_source);
    g_clear_pointer (&self->ping_source, g_source_unref);
  }
}

/* ------------------------------------------------------------------ */
/* inputs */

static void
on_buffering (GstMediaEdgeTrack * self, gint percent)
{
  gdouble playhead = query_playhead (self);

  g_mutex_lock (&self->session_lock);
  media_edge_tracker_set_buffering (self->tracker, session_now (self),
      playhead, percent < 100);
  send_decided_events (self);
  g_mutex_unlock (&self->session_lock);
}

static void
on_pipeline_state (GstMediaEdgeTrack * self, GstState old, GstState new,
    GstState pending)
{
  gdouble playhead;

  if (new == GST_STATE_PAUSED && old == GST_STATE_READY) {
    /* prerolled: tags and duration are known now */
    g_mutex_lock (&self->session_lock);
    describe_session (self);
    send_decided_events (self);
    g_mutex_unlock (&self->session_lock);
    return;
  }

  if (new == GST_STATE_PLAYING) {
    g_mutex_lock (&self->session_lock);
    start_session (self);
    describe_session (self);
    playhead = query_playhead (self);
    media_edge_tracker_set_playing (self->tracker, session_now (self),
        playhead, TRUE);
    send_decided_events (self);
    g_mutex_unlock (&self->session_lock);
    return;
  }

  /* PLAYING to PAUSED on its way down to READY is the player closing, not a
   * pause */
  if (old == GST_STATE_PLAYING && new == GST_STATE_PAUSED
      && (pending == GST_STATE_VOID_PENDING || pending == GST_STATE_PAUSED)) {
    playhead = query_playhead (self);
    g_mutex_lock (&self->session_lock);
    media_edge_tracker_set_playing (self->tracker, session_now (self),
        playhead, FALSE);
    send_decided_events (self);
    g_mutex_unlock (&self->session_lock);
  }
}

static void
on_eos (GstMediaEdgeTrack * self)
{
  gdouble playhead = query_playhead (self);

  g_mutex_lock (&self->session_lock);
  describe_session (self);
  media_edge_tracker_complete_session (self->tracker, session_now (self),
      playhead);
  send_decided_events (self);
  close_client_session (self);
  g_mutex_unlock (&self->session_lock);
}

static void
end_session (GstMediaEdgeTrack * self)
{
  gdouble playhead = query_playhead (self);

  g_mutex_lock (&self->session_lock);
  describe_session (self);
  media_edge_tracker_end_session (self->tracker, session_now (self), playhead);
  send_decided_events (self);
  close_client_session (self);
  destroy_ping_source (self);
  self->session_used = FALSE;
  g_mutex_unlock (&self->session_lock);
}

/* Only the top-level pipeline has no parent. */
static gboolean
is_top_level (GstObject * object)
{
  g_autoptr (GstObject) parent = gst_object_get_parent (object);

  return parent == NULL && GST_IS_ELEMENT (object);
}

/* Called for every message of the top-level bus, from whichever thread
 * posted it: decide quickly, never wait. */
static void
on_sync_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  GstMediaEdgeTrack *self = user_data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_STATE_CHANGED:{
      GstState old, new, pending;

      if (!is_top_level (GST_MESSAGE_SRC (message)))
        break;
      gst_message_parse_state_changed (message, &old, &new, &pending);
      on_pipeline_state (self, old, new, pending);
      break;
    }
    case GST_MESSAGE_BUFFERING:{
      gint percent;

      gst_message_parse_buffering (message, &percent);
      on_buffering (self, percent);
      break;
    }
    default:
      break;
  }
}

/* ------------------------------------------------------------------ */
/* state changes */

static gboolean
endpoint_is_http (const gchar * endpoint)
{
  g_autoptr (GUri) uri = NULL;
  const gchar *scheme;

  if (endpoint == NULL)
    return FALSE;
  uri = g_uri_parse (endpoint, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || g_uri_get_host (uri) == NULL
      || *g_uri_get_host (uri) == '\0')
    return FALSE;
  scheme = g_uri_get_scheme (uri);

  return g_ascii_strcasecmp (scheme, "http") == 0
      || g_ascii_strcasecmp (scheme, "https") == 0;
}

static gboolean
check_settings (GstMediaEdgeTrack * self)
{
  gboolean has_config_id, endpoint_ok;
  g_autofree gchar *endpoint = NULL;

  GST_OBJECT_LOCK (self);
  has_config_id = self->config_id && *self->config_id;
  endpoint = g_strdup (self->endpoint);
  GST_OBJECT_UNLOCK (self);
  endpoint_ok = endpoint_is_http (endpoint);

  if (!has_config_id) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("No datastream id: set the config-id property."),
        ("config-id is required to report to the Media Edge API"));
    return FALSE;
  }
  if (!endpoint_ok) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The endpoint property is not an http(s) URL: '%s'.",
            GST_STR_NULL (endpoint)), (NULL));
    return FALSE;
  }

  return TRUE;
}

static void
watch_pipeline (GstMediaEdgeTrack * self)
{
  GstElement *pipeline = find_top_level (self);

  GST_OBJECT_LOCK (self);
  self->pipeline = pipeline;
  GST_OBJECT_UNLOCK (self);
  self->bus = gst_element_get_bus (pipeline);
  if (self->bus == NULL) {
    GST_WARNING_OBJECT (self, "no bus: state changes and buffering of the "
        "pipeline will not be tracked");
    return;
  }
  gst_bus_enable_sync_message_emission (self->bus);
  self->sync_handler = g_signal_connect (self->bus, "sync-message",
      G_CALLBACK (on_sync_message), self);
}

static void
unwatch_pipeline (GstMediaEdgeTrack * self)
{
  GstElement *pipeline;

  if (self->bus) {
    g_signal_handler_disconnect (self->bus, self->sync_handler);
    gst_bus_disable_sync_message_emission (self->bus);
    self->sync_handler = 0;
    gst_clear_object (&self->bus);
  }
  GST_OBJECT_LOCK (self);
  pipeline = g_steal_pointer (&self->pipeline);
  GST_OBJECT_UNLOCK (self);
  gst_clear_object (&pipeline);
}

static gboolean
pipeline_wants_to_play (GstMediaEdgeTrack * self)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);
  GstState target;

  GST_OBJECT_LOCK (pipeline);
  target = GST_STATE_TARGET (pipeline);
  GST_OBJECT_UNLOCK (pipeline);

  return target == GST_STATE_PLAYING;
}

/* Sends what is still queued, waiting at most flush-timeout. The wait
 * holds no lock: the client thread may need the element meanwhile. */
static void
flush_sessions (GstMediaEdgeTrack * self)
{
  g_autoptr (GPtrArray) closing = NULL;
  gint64 deadline;
  guint timeout;

  GST_OBJECT_LOCK (self);
  timeout = self->flush_timeout;
  GST_OBJECT_UNLOCK (self);
  deadline = g_get_monotonic_time () + G_TIME_SPAN_MILLISECOND * timeout;

  g_mutex_lock (&self->session_lock);
  close_client_session (self);
  closing = g_steal_pointer (&self->closing_sessions);
  self->closing_sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_client_session_unref);
  g_mutex_unlock (&self->session_lock);

  for (guint i = 0; i < closing->len; i++) {
    if (!media_edge_client_session_wait_idle (g_ptr_array_index (closing, i),
            deadline))
      GST_WARNING_OBJECT (self, "flush-timeout of %u ms reached: events not "
          "yet delivered are lost if no other element keeps the sender "
          "running", timeout);
  }
}

static GstStateChangeReturn
gst_media_edge_track_change_state (GstElement * element,
    GstStateChange transition)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (element);
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      g_mutex_lock (&self->session_lock);
      self->client = media_edge_client_get_default ();
      g_mutex_unlock (&self->session_lock);
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!check_settings (self))
        return GST_STATE_CHANGE_FAILURE;
      GST_OBJECT_LOCK (self);
      self->last_position = GST_CLOCK_TIME_NONE;
      GST_OBJECT_UNLOCK (self);
      watch_pipeline (self);
      if (pipeline_wants_to_play (self)) {
        g_mutex_lock (&self->session_lock);
        start_session (self);
        send_decided_events (self);
        g_mutex_unlock (&self->session_lock);
      }
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      end_session (self);
      unwatch_pipeline (self);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      flush_sessions (self);
      g_mutex_lock (&self->session_lock);
      g_clear_pointer (&self->client, media_edge_client_release);
      g_mutex_unlock (&self->session_lock);
      break;
    default:
      break;
  }

  return ret;
}

/* ------------------------------------------------------------------ */
/* the stream */

static gboolean
gst_media_edge_track_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_TAG:{
      GstTagList *tags;
      gchar *title = NULL;

      gst_event_parse_tag (event, &tags);
      if (gst_tag_list_get_string (tags, GST_TAG_TITLE, &title)) {
        GST_OBJECT_LOCK (self);
        g_free (self->title);
        self->title = title;
        GST_OBJECT_UNLOCK (self);
      }
      break;
    }
    case GST_EVENT_EOS:
      on_eos (self);
      break;
    default:
      break;
  }

  return GST_BASE_TRANSFORM_CLASS (parent_class)->sink_event (trans, event);
}

static GstFlowReturn
gst_media_edge_track_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (trans);
  GstClockTime pts = GST_BUFFER_PTS (buf);

  if (GST_CLOCK_TIME_IS_VALID (pts) && trans->segment.format == GST_FORMAT_TIME) {
    GstClockTime position = gst_segment_to_stream_time (&trans->segment,
        GST_FORMAT_TIME, pts);

    GST_OBJECT_LOCK (self);
    self->last_position = position;
    GST_OBJECT_UNLOCK (self);
  }

  return GST_FLOW_OK;
}

/* ------------------------------------------------------------------ */
/* GObject */

static void
replace_structure (GstStructure ** slot, const GValue * value)
{
  const GstStructure *s = gst_value_get_structure (value);

  g_clear_pointer (slot, gst_structure_free);
  *slot = s ? gst_structure_copy (s) : NULL;
}

static void
gst_media_edge_track_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONFIG_ID:
      g_free (self->config_id);
      self->config_id = g_value_dup_string (value);
      break;
    case PROP_ENDPOINT:
      g_free (self->endpoint);
      self->endpoint = g_value_dup_string (value);
      break;
    case PROP_CONTENT_ID:
      g_free (self->content_id);
      self->content_id = g_value_dup_string (value);
      break;
    case PROP_CONTENT_NAME:
      g_free (self->content_name);
      self->content_name = g_value_dup_string (value);
      break;
    case PROP_CHANNEL:
      g_free (self->channel);
      self->channel = g_value_dup_string (value);
      break;
    case PROP_PLAYER_NAME:
      g_free (self->player_name);
      self->player_name = g_value_dup_string (value);
      break;
    case PROP_APP_VERSION:
      g_free (self->app_version);
      self->app_version = g_value_dup_string (value);
      break;
    case PROP_CONTENT_TYPE:
      g_free (self->content_type);
      self->content_type = g_value_dup_string (value);
      break;
    case PROP_LENGTH:
      self->length = g_value_get_int (value);
      break;
    case PROP_SESSION_DETAILS:
      replace_structure (&self->session_details, value);
      break;
    case PROP_CUSTOM_METADATA:
      replace_structure (&self->custom_metadata, value);
      break;
    case PROP_PING_INTERVAL:
      self->ping_interval = g_value_get_uint (value);
      break;
    case PROP_FLUSH_TIMEOUT:
      self->flush_timeout = g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_media_edge_track_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (object);

  GST_OBJECT_LOCK (self);
  switch (prop_id) {
    case PROP_CONFIG_ID:
      g_value_set_string (value, self->config_id);
      break;
    case PROP_ENDPOINT:
      g_value_set_string (value, self->endpoint);
      break;
    case PROP_CONTENT_ID:
      g_value_set_string (value, self->content_id);
      break;
    case PROP_CONTENT_NAME:
      g_value_set_string (value, self->content_name);
      break;
    case PROP_CHANNEL:
      g_value_set_string (value, self->channel);
      break;
    case PROP_PLAYER_NAME:
      g_value_set_string (value, self->player_name);
      break;
    case PROP_APP_VERSION:
      g_value_set_string (value, self->app_version);
      break;
    case PROP_CONTENT_TYPE:
      g_value_set_string (value, self->content_type);
      break;
    case PROP_LENGTH:
      g_value_set_int (value, self->length);
      break;
    case PROP_SESSION_DETAILS:
      gst_value_set_structure (value, self->session_details);
      break;
    case PROP_CUSTOM_METADATA:
      gst_value_set_structure (value, self->custom_metadata);
      break;
    case PROP_PING_INTERVAL:
      g_value_set_uint (value, self->ping_interval);
      break;
    case PROP_FLUSH_TIMEOUT:
      g_value_set_uint (value, self->flush_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      break;
  }
  GST_OBJECT_UNLOCK (self);
}

static void
gst_media_edge_track_finalize (GObject * object)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (object);

  g_free (self->config_id);
  g_free (self->endpoint);
  g_free (self->content_id);
  g_free (self->content_name);
  g_free (self->channel);
  g_free (self->player_name);
  g_free (self->app_version);
  g_free (self->content_type);
  g_clear_pointer (&self->session_details, gst_structure_free);
  g_clear_pointer (&self->custom_metadata, gst_structure_free);
  g_free (self->title);
  g_free (self->session_config_id);
  g_free (self->session_endpoint);
  g_clear_pointer (&self->client_session, media_edge_client_session_unref);
  g_ptr_array_unref (self->closing_sessions);
  g_clear_pointer (&self->client, media_edge_client_release);
  gst_clear_object (&self->clock);
  media_edge_tracker_free (self->tracker);
  g_mutex_clear (&self->session_lock);

  G_OBJECT_CLASS (parent_class)->finalize (object);
}

static void
install_string_property (GObjectClass * klass, guint id, const gchar * name,
    const gchar * nick, const gchar * blurb, const gchar * default_value)
{
  g_object_class_install_property (klass, id,
      g_param_spec_string (name, nick, blurb, default_value,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
}

static void
gst_media_edge_track_class_init (GstMediaEdgeTrackClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);
  GstBaseTransformClass *trans_class = GST_BASE_TRANSFORM_CLASS (klass);

  media_edge_forward_module_logs ();

  gobject_class->set_property = gst_media_edge_track_set_property;
  gobject_class->get_property = gst_media_edge_track_get_property;
  gobject_class->finalize = gst_media_edge_track_finalize;

  /**
   * GstMediaEdgeTrack:config-id:
   *
   * The datastream id events are reported to. Required: without it the
   * element refuses to go to PAUSED.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_CONFIG_ID, "config-id",
      "Datastream ID", "The Adobe datastream id (configId) to report to "
      "(required)", DEFAULT_CONFIG_ID);
  /**
   * GstMediaEdgeTrack:endpoint:
   *
   * Base URL of the Media Edge API; each event goes to
   * `{endpoint}/{eventType}?configId=…`. Must be an http or https URL.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_ENDPOINT, "endpoint",
      "Endpoint", "Base URL of the Media Edge API (http or https)",
      DEFAULT_ENDPOINT);
  /**
   * GstMediaEdgeTrack:content-id:
   *
   * sessionDetails.name, the content's unique id. When unset: the title
   * tag, else the basename of the source URI, else `unknown`.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_CONTENT_ID, "content-id",
      "Content ID", "Unique id of the content (sessionDetails.name); "
      "default: the title tag, else the URI's basename, else \"unknown\"",
      DEFAULT_CONTENT_ID);
  /**
   * GstMediaEdgeTrack:content-name:
   *
   * sessionDetails.friendlyName. When unset: the title tag.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_CONTENT_NAME, "content-name",
      "Content name", "Human-readable name of the content "
      "(sessionDetails.friendlyName); default: the title tag",
      DEFAULT_CONTENT_NAME);
  /**
   * GstMediaEdgeTrack:channel:
   *
   * sessionDetails.channel, the distribution channel.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_CHANNEL, "channel",
      "Channel", "Distribution channel of the content "
      "(sessionDetails.channel)", DEFAULT_CHANNEL);
  /**
   * GstMediaEdgeTrack:player-name:
   *
   * sessionDetails.playerName.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_PLAYER_NAME, "player-name",
      "Player name", "Name of the player (sessionDetails.playerName)",
      DEFAULT_PLAYER_NAME);
  /**
   * GstMediaEdgeTrack:app-version:
   *
   * sessionDetails.appVersion; left out when unset.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_APP_VERSION, "app-version",
      "Application version", "Version of the player application "
      "(sessionDetails.appVersion)", DEFAULT_APP_VERSION);
  /**
   * GstMediaEdgeTrack:content-type:
   *
   * sessionDetails.contentType. When unset: `VOD`, or `Live` when the
   * pipeline is live.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_CONTENT_TYPE, "content-type",
      "Content type", "Broadcast content type (sessionDetails.contentType); "
      "default: \"VOD\", or \"Live\" for a live pipeline",
      DEFAULT_CONTENT_TYPE);
  /**
   * GstMediaEdgeTrack:length:
   *
   * sessionDetails.length in seconds; -1 takes the pipeline's duration, or
   * 86400 for a live pipeline or an unknown duration.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_LENGTH,
      g_param_spec_int ("length", "Length",
          "Content length in seconds (sessionDetails.length); -1: the "
          "pipeline's duration, 86400 when live or unknown", -1, G_MAXINT,
          DEFAULT_LENGTH, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:session-details:
   *
   * Further sessionDetails fields, named as in XDM, e.g.
   * `details,show=Friends,season=1,episode=4,genre=Comedy,streamType=video`.
   * The named properties win over fields of the same name.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_SESSION_DETAILS,
      g_param_spec_boxed ("session-details", "Session details",
          "Further XDM sessionDetails fields (e.g. show, season, episode, "
          "genre, streamType)", GST_TYPE_STRUCTURE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:custom-metadata:
   *
   * Name/value pairs sent as customMetadata with sessionStart. Names must
   * match `[a-zA-Z0-9_.]+`; values are sent as strings.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_CUSTOM_METADATA,
      g_param_spec_boxed ("custom-metadata", "Custom metadata",
          "Name/value pairs sent as customMetadata on sessionStart",
          GST_TYPE_STRUCTURE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:ping-interval:
   *
   * Seconds of real time between pings, counted from the session start.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_PING_INTERVAL,
      g_param_spec_uint ("ping-interval", "Ping interval",
          "Seconds between pings during main content",
          MEDIA_EDGE_PING_INTERVAL_MIN, MEDIA_EDGE_PING_INTERVAL_MAX,
          DEFAULT_PING_INTERVAL, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:flush-timeout:
   *
   * How long READY→NULL waits, at most, for queued events to be delivered.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_FLUSH_TIMEOUT,
      g_param_spec_uint ("flush-timeout", "Flush timeout",
          "Milliseconds READY to NULL waits at most for queued events",
          0, G_MAXUINT, DEFAULT_FLUSH_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  gst_element_class_set_static_metadata (element_class,
      "Media Edge tracker", "Generic",
      "Reports playback sessions to Adobe's Media Edge API",
      "gst-mediaedge contributors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_media_edge_track_change_state);
  trans_class->sink_event = GST_DEBUG_FUNCPTR (gst_media_edge_track_sink_event);
  trans_class->transform_ip =
      GST_DEBUG_FUNCPTR (gst_media_edge_track_transform_ip);
}

static void
gst_media_edge_track_init (GstMediaEdgeTrack * self)
{
  self->endpoint = g_strdup (DEFAULT_ENDPOINT);
  self->channel = g_strdup (DEFAULT_CHANNEL);
  self->player_name = g_strdup (DEFAULT_PLAYER_NAME);
  self->length = DEFAULT_LENGTH;
  self->ping_interval = DEFAULT_PING_INTERVAL;
  self->flush_timeout = DEFAULT_FLUSH_TIMEOUT;
  self->last_position = GST_CLOCK_TIME_NONE;

  g_mutex_init (&self->session_lock);
  self->tracker = media_edge_tracker_new (DEFAULT_PING_INTERVAL);
  self->closing_sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_client_session_unref);

  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_gap_aware (GST_BASE_TRANSFORM (self), TRUE);
}
