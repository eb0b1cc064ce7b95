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
#include <gio/gio.h>

#include "gstmediaedgetrack.h"
#include "gstmediaedgeelements.h"
#include "mediaedge-tracker.h"
#include "mediaedge-codec-edge.h"
#include "mediaedge-client.h"
#include "mediaedge-xdm.h"
#include "gstmediaedgefacts.h"

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
#define DEFAULT_AD_PING_INTERVAL MEDIA_EDGE_AD_PING_INTERVAL_DEFAULT
#define DEFAULT_FLUSH_TIMEOUT 2000
#define DEFAULT_REQUEST_TIMEOUT MEDIA_EDGE_REQUEST_TIMEOUT_DEFAULT
#define DEFAULT_RETRY_DELAY MEDIA_EDGE_RETRY_DELAY_DEFAULT
#define DEFAULT_MAX_QUEUED MEDIA_EDGE_MAX_QUEUED_DEFAULT
#define DEFAULT_IDLE_TIMEOUT MEDIA_EDGE_IDLE_TIMEOUT_DEFAULT

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
  PROP_AD_PING_INTERVAL,
  PROP_FLUSH_TIMEOUT,
  PROP_REQUEST_TIMEOUT,
  PROP_RETRY_DELAY,
  PROP_MAX_QUEUED_EVENTS,
  PROP_IDLE_TIMEOUT,
  PROP_CA_FILE,
  PROP_PROXY,
  PROP_STATS,
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
  guint ad_ping_interval;
  guint flush_timeout;
  guint request_timeout;
  guint retry_delay;
  guint max_queued_events;
  guint idle_timeout;
  gchar *ca_file;
  gchar *proxy;

  /* what the client did with our requests; its own atomics and lock */
  MediaEdgeClientStats *stats;

  /* what the stream told us; object lock */
  GstTagList *tags;
  GstClockTime last_position;
  gboolean flushing;
  /* the TOC's chapters, and the stretch of stream time in which the
   * chapter reported stays the same: a buffer outside it wakes the
   * session source */
  GArray *chapters;
  GstClockTime chapter_lo;
  GstClockTime chapter_hi;
  GSource *wake_source;
  /* buffers seen, and whether the next one wakes the session source: it
   * ends a stall */
  guint64 buffers_seen;
  gboolean wake_on_buffer;
  /* live content: the playhead is the second of the day, from the wall
   * time at the session start and the session clock since */
  gboolean live;
  GstClock *live_clock;
  GstClockTime live_clock_start;
  gint64 live_wall_start_ms;

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
  MediaEdgeCodec *codec;
  GPtrArray *closing_sessions;
  gboolean session_used;
  gchar *session_config_id;
  gchar *session_endpoint;
  GstClock *clock;
  GstClockID ping_id;
  MediaEdgeTime ping_deadline;
  GSource *ping_source;
  /* bumped for each client session: notices of older ones are stale */
  guint generation;
  /* the service refused to start a session: tracking stops for this run */
  gboolean aborted;
  /* the pipeline played in this session: chapters start only then */
  gboolean played;
  /* the application drives chapters itself this session */
  gboolean app_chapters;
  /* index in chapters of the TOC chapter reported open, or -1 */
  gint toc_chapter;
  GstClockTime toc_chapter_stop;
  /* QoS message source → frames it dropped */
  GHashTable *dropped_frames;
  /* buffers_seen at the session source's last look, when it changed, and
   * whether the tracker was told the data stopped */
  guint64 flow_count;
  MediaEdgeTime flow_seen_at;
  gboolean stalled;

  /* elements whose mute and volume we follow; change_state only */
  GPtrArray *volumes;
};

enum
{
  SIGNAL_AD_BREAK_START,
  SIGNAL_AD_BREAK_COMPLETE,
  SIGNAL_AD_START,
  SIGNAL_AD_COMPLETE,
  SIGNAL_AD_SKIP,
  SIGNAL_CHAPTER_START,
  SIGNAL_CHAPTER_COMPLETE,
  SIGNAL_CHAPTER_SKIP,
  SIGNAL_STATES_UPDATE,
  SIGNAL_TRACK_ERROR,
  LAST_SIGNAL
};

static guint signals[LAST_SIGNAL];

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
static gboolean pipeline_wants_to_play (GstMediaEdgeTrack * self);

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

/* The second of the day (UTC) now, for live content (XDM mediaDetails):
 * -1 when the content is not live. */
static gdouble
live_playhead (GstMediaEdgeTrack * self)
{
  g_autoptr (GstClock) clock = NULL;
  GstClockTime start, now;
  gint64 wall_ms;

  GST_OBJECT_LOCK (self);
  if (!self->live || self->live_clock == NULL) {
    GST_OBJECT_UNLOCK (self);
    return -1;
  }
  clock = gst_object_ref (self->live_clock);
  start = self->live_clock_start;
  wall_ms = self->live_wall_start_ms;
  GST_OBJECT_UNLOCK (self);

  now = gst_clock_get_time (clock);
  if (now > start)
    wall_ms += (now - start) / GST_MSECOND;

  return (gdouble) ((wall_ms / 1000) % (24 * 60 * 60));
}

/* The playhead in seconds: for live content the second of the day, else
 * the pipeline's position, else the stream time of the last buffer that
 * went through. */
static gdouble
query_playhead (GstMediaEdgeTrack * self)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);
  gint64 position = -1;
  GstClockTime last;
  gdouble live = live_playhead (self);

  if (live >= 0)
    return live;

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
/* session details: the pipeline's facts and tags, then the
 * session-details structure, then the named properties */

/* An empty string is no value. */
static void
dict_set_string (GVariantDict * dict, const gchar * key, const gchar * value)
{
  if (value && *value)
    g_variant_dict_insert (dict, key, "s", value);
}

static void
dict_merge (GVariantDict * dict, GVariant * fields)
{
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_variant_dict_insert_value (dict, key, value);
    g_variant_unref (value);
  }
}

/* What the pipeline knows: title and other tags, URI, duration, liveness.
 * Called without the object lock. */
static void
add_stream_facts (GstMediaEdgeTrack * self, GVariantDict * dict)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);
  g_autofree gchar *uri = find_uri (pipeline);
  g_autofree gchar *basename = uri_basename (uri);
  g_autofree gchar *title = NULL;
  gboolean live = pipeline_is_live (pipeline);
  gint64 duration = -1;

  if (pipeline)
    gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration);

  GST_OBJECT_LOCK (self);
  if (self->tags) {
    gst_tag_list_get_string (self->tags, GST_TAG_TITLE, &title);
    gst_media_edge_tags_to_session_fields (self->tags, dict);
  }
  GST_OBJECT_UNLOCK (self);

  dict_set_string (dict, "name", title ? title : basename ? basename :
      "unknown");
  dict_set_string (dict, "friendlyName", title);
  g_variant_dict_insert (dict, "length", "x", (!live && duration > 0) ?
      (duration + GST_SECOND / 2) / GST_SECOND : (gint64) LIVE_LENGTH_S);
  dict_set_string (dict, "contentType", live ? "Live" : "VOD");
}

/* Object lock held. */
static void
add_named_properties (GstMediaEdgeTrack * self, GVariantDict * dict)
{
  dict_set_string (dict, "name", self->content_id);
  dict_set_string (dict, "friendlyName", self->content_name);
  dict_set_string (dict, "channel", self->channel);
  dict_set_string (dict, "playerName", self->player_name);
  dict_set_string (dict, "appVersion", self->app_version);
  dict_set_string (dict, "contentType", self->content_type);
  if (self->length >= 0)
    g_variant_dict_insert (dict, "length", "x", (gint64) self->length);
}

/* Object lock held. Fields of the custom-metadata property with a key the
 * service refuses are left out. */
static void
add_custom_metadata_property (GstMediaEdgeTrack * self, GHashTable * metadata)
{
  g_autoptr (GVariant) fields = NULL;
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  if (self->custom_metadata == NULL)
    return;

  fields = g_variant_ref_sink (gst_media_edge_structure_to_fields
      (self->custom_metadata));
  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value)) {
    if (!media_edge_xdm_is_metadata_key (key)) {
      GST_WARNING_OBJECT (self, "custom-metadata: key '%s' is not of the "
          "form [a-zA-Z0-9_.]+, left out", key);
      continue;
    }
    g_hash_table_insert (metadata, g_strdup (key),
        media_edge_xdm_value_to_string (value));
  }
}

static GVariant *
metadata_to_variant (GHashTable * metadata)
{
  GVariantBuilder builder;
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (metadata) == 0)
    return NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_hash_table_iter_init (&iter, metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&builder, "{ss}", key, value);

  return g_variant_builder_end (&builder);
}

static GVariant *
session_fields (GstMediaEdgeTrack * self, gboolean with_structure)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  add_stream_facts (self, &dict);

  GST_OBJECT_LOCK (self);
  if (with_structure && self->session_details)
    dict_merge (&dict, gst_media_edge_structure_to_fields
        (self->session_details));
  add_named_properties (self, &dict);
  GST_OBJECT_UNLOCK (self);

  return g_variant_dict_end (&dict);
}

/* sessionDetails, typed as XDM wants them, and customMetadata: the fields
 * of session-details that XDM does not know, then custom-metadata. */
static void
build_session_details (GstMediaEdgeTrack * self, GVariant ** details,
    GVariant ** custom_metadata)
{
  g_autoptr (GHashTable) metadata = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, g_free);
  g_autoptr (GVariant) extra = NULL;
  g_autoptr (GError) error = NULL;

  /* session-details was checked when it was set, so this fails only on a
   * bug; the pipeline's facts alone still make a session */
  if (!media_edge_xdm_normalize (MEDIA_EDGE_XDM_SESSION,
          session_fields (self, TRUE), FALSE, details, &extra, &error)) {
    GST_WARNING_OBJECT (self, "session-details left out: %s", error->message);
    g_clear_error (&error);
    if (!media_edge_xdm_normalize (MEDIA_EDGE_XDM_SESSION,
            session_fields (self, FALSE), FALSE, details, &extra, &error))
      *details = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  }

  if (extra) {
    GVariantIter iter;
    gchar *key, *value;

    g_variant_iter_init (&iter, extra);
    while (g_variant_iter_next (&iter, "{ss}", &key, &value))
      g_hash_table_insert (metadata, key, value);
  }
  GST_OBJECT_LOCK (self);
  add_custom_metadata_property (self, metadata);
  GST_OBJECT_UNLOCK (self);
  *custom_metadata = metadata_to_variant (metadata);
}

/* ------------------------------------------------------------------ */
/* the session: tracker in, requests out; session_lock held */

static MediaEdgeTime
session_now (GstMediaEdgeTrack * self)
{
  return self->clock ? gst_clock_get_time (self->clock) : 0;
}

static void
post_session_message (GstMediaEdgeTrack * self, const gchar * session_id,
    const gchar * what, gboolean resumed)
{
  GstStructure *s = gst_structure_new ("mediaedge-session",
      "session-id", G_TYPE_STRING, session_id,
      "event", G_TYPE_STRING, what,
      "resumed", G_TYPE_BOOLEAN, resumed, NULL);

  gst_element_post_message (GST_ELEMENT (self),
      gst_message_new_element (GST_OBJECT (self), s));
}

/* Who a client session reports to, and which of the element's sessions it
 * is: only the current one may restart or abort tracking. */
typedef struct
{
  GWeakRef element;
  guint generation;
  gboolean resumed;
} SessionOwner;

static void
free_session_owner (gpointer data)
{
  SessionOwner *owner = data;

  g_weak_ref_clear (&owner->element);
  g_free (owner);
}

static void restart_lost_session (GstMediaEdgeTrack * self, guint generation);
static void abort_tracking (GstMediaEdgeTrack * self, guint generation);

/* On the client thread. */
static void
on_session_notice (MediaEdgeSessionNotice notice, const gchar * session_id,
    const gchar * detail, gpointer user_data)
{
  SessionOwner *owner = user_data;
  GstMediaEdgeTrack *self = g_weak_ref_get (&owner->element);

  if (self == NULL)
    return;

  switch (notice) {
    case MEDIA_EDGE_SESSION_STARTED:
      GST_INFO_OBJECT (self, "session %s started%s", session_id,
          owner->resumed ? ", resuming the one before" : "");
      post_session_message (self, session_id, "started", owner->resumed);
      break;
    case MEDIA_EDGE_SESSION_ENDED:
      GST_INFO_OBJECT (self, "session %s ended", GST_STR_NULL (session_id));
      post_session_message (self, session_id, "ended", owner->resumed);
      break;
    case MEDIA_EDGE_SESSION_FAILED:
      GST_ELEMENT_WARNING (self, RESOURCE, OPEN_WRITE,
          ("The Media Edge service did not start a tracking session; "
              "tracking stops for this run."), ("%s", detail));
      post_session_message (self, session_id, "failed", owner->resumed);
      abort_tracking (self, owner->generation);
      break;
    case MEDIA_EDGE_SESSION_LOST:
      GST_WARNING_OBJECT (self, "%s: a new session resumes it", detail);
      post_session_message (self, session_id, "lost", owner->resumed);
      restart_lost_session (self, owner->generation);
      break;
    case MEDIA_EDGE_SESSION_DROPPED:
      GST_DEBUG_OBJECT (self, "%s", detail);
      break;
  }
  gst_object_unref (self);
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

static gboolean
resumes_session (MediaEdgeEvent * start)
{
  gboolean resume = FALSE;

  return start->details && g_variant_lookup (start->details, "hasResume",
      "b", &resume) && resume;
}

/* Called on the client thread: the codec reads the session id. */
static gchar *
parse_session_id (const MediaEdgeAnswer * answer, gpointer codec,
    GError ** error)
{
  return media_edge_codec_parse_session_id (codec, answer, error);
}

/* Each sessionStart the tracker decides opens a new client session, with a
 * codec of its own; the one before finishes sending what it has. */
static void
open_client_session (GstMediaEdgeTrack * self, MediaEdgeEvent * start)
{
  SessionOwner *owner = g_new0 (SessionOwner, 1);

  close_client_session (self);

  g_weak_ref_init (&owner->element, self);
  owner->generation = ++self->generation;
  owner->resumed = resumes_session (start);
  g_clear_object (&self->codec);
  self->codec = media_edge_codec_edge_new (self->session_endpoint,
      self->session_config_id, GST_OBJECT_NAME (self));
  self->client_session = media_edge_client_open_session (self->client,
      GST_OBJECT_NAME (self), self->stats, on_session_notice, owner,
      free_session_owner);
  media_edge_client_session_set_session_id_func (self->client_session,
      parse_session_id, g_object_ref (self->codec), g_object_unref);
  GST_OBJECT_LOCK (self);
  media_edge_client_session_configure (self->client_session,
      self->request_timeout, self->retry_delay, self->max_queued_events);
  media_edge_client_session_set_transport (self->client_session,
      self->ca_file, self->proxy);
  GST_OBJECT_UNLOCK (self);
}

static void
send_decided_events (GstMediaEdgeTrack * self)
{
  g_autoptr (GPtrArray) events = media_edge_tracker_take_events (self->tracker);

  for (guint i = 0; i < events->len && !self->aborted; i++) {
    MediaEdgeEvent *event = g_ptr_array_index (events, i);

    GST_DEBUG_OBJECT (self, "%s, playhead %.3f",
        media_edge_event_type_get_name (event->type), event->playhead);
    if (event->type == MEDIA_EDGE_EVENT_SESSION_START)
      open_client_session (self, event);
    media_edge_client_session_send (self->client_session,
        media_edge_codec_encode (self->codec, event));
    /* a session ended for idleness may wait long for its resume: it says
     * "ended" once delivered, not then */
    if (event->type == MEDIA_EDGE_EVENT_SESSION_END)
      close_client_session (self);
  }
  if (!self->aborted)
    arm_ping (self);
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

static void on_session_source (GstMediaEdgeTrack * self);

static gboolean
session_source_dispatch (GSource * source, GSourceFunc callback,
    gpointer user_data)
{
  g_source_set_ready_time (source, -1);

  return callback (user_data);
}

static GSourceFuncs session_source_funcs = {
  .dispatch = session_source_dispatch,
};

static gboolean
session_source_callback (gpointer user_data)
{
  on_session_source (user_data);

  return G_SOURCE_CONTINUE;
}

/* The session's own source on the client's main context: woken by the
 * ping clock wait and by the streaming thread when a buffer leaves the
 * current chapter. */
static void
create_session_source (GstMediaEdgeTrack * self)
{
  GSource *source = g_source_new (&session_source_funcs, sizeof (GSource));

  g_source_set_callback (source, session_source_callback,
      gst_object_ref (self), gst_object_unref);
  g_source_attach (source, media_edge_client_get_context (self->client));
  self->ping_source = source;

  GST_OBJECT_LOCK (self);
  self->wake_source = g_source_ref (source);
  /* a first buffer, or the one already through, places the chapter */
  self->chapter_lo = self->chapter_hi = 0;
  GST_OBJECT_UNLOCK (self);
}

/* content-type says, else the pipeline does. */
static gboolean
is_live (GstMediaEdgeTrack * self)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);
  g_autofree gchar *content_type = NULL;

  GST_OBJECT_LOCK (self);
  content_type = g_strdup (self->content_type);
  GST_OBJECT_UNLOCK (self);

  if (content_type)
    return g_ascii_strcasecmp (content_type, "Live") == 0;

  return pipeline_is_live (pipeline);
}

static void
start_session (GstMediaEdgeTrack * self)
{
  MediaEdgeTime now;
  gint64 wall_ms = g_get_real_time () / 1000;
  gboolean live;

  if (self->session_used)
    return;
  self->session_used = TRUE;
  self->aborted = FALSE;

  g_clear_pointer (&self->session_config_id, g_free);
  g_clear_pointer (&self->session_endpoint, g_free);
  GST_OBJECT_LOCK (self);
  self->session_config_id = g_strdup (self->config_id);
  self->session_endpoint = g_strdup (self->endpoint);
  media_edge_tracker_set_ping_interval (self->tracker, self->ping_interval);
  media_edge_tracker_set_ad_ping_interval (self->tracker,
      self->ad_ping_interval);
  media_edge_tracker_set_idle_timeout (self->tracker, self->idle_timeout);
  GST_OBJECT_UNLOCK (self);

  gst_clear_object (&self->clock);
  self->clock = choose_clock (self);
  now = session_now (self);
  live = is_live (self);
  media_edge_tracker_set_live (self->tracker, live);
  GST_OBJECT_LOCK (self);
  self->live = live;
  self->live_clock = gst_object_ref (self->clock);
  self->live_clock_start = now;
  self->live_wall_start_ms = wall_ms;
  GST_OBJECT_UNLOCK (self);
  self->played = FALSE;
  self->app_chapters = FALSE;
  self->toc_chapter = -1;
  g_hash_table_remove_all (self->dropped_frames);
  self->flow_seen_at = now;
  self->stalled = FALSE;
  create_session_source (self);

  GST_INFO_OBJECT (self, "session starts%s", live ? " (live)" : "");
  media_edge_tracker_start_session (self->tracker, now, wall_ms,
      query_playhead (self));
}

static void
describe_session (GstMediaEdgeTrack * self)
{
  GVariant *details, *custom_metadata;

  if (!media_edge_tracker_in_session (self->tracker)
      || media_edge_tracker_is_described (self->tracker))
    return;

  build_session_details (self, &details, &custom_metadata);
  media_edge_tracker_describe_session (self->tracker, details, custom_metadata);
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

/* ------------------------------------------------------------------ */
/* chapters from the TOC: the streaming thread only notices that a buffer
 * left the stretch of the current chapter; the session source decides */

/* Object lock held. The chapter @position is in, or -1, and the stretch of
 * stream time around @position that stays in it. */
static gint
find_chapter_locked (GstMediaEdgeTrack * self, GstClockTime position,
    GstClockTime * lo, GstClockTime * hi)
{
  *lo = 0;
  *hi = GST_CLOCK_TIME_NONE;
  for (guint i = 0; self->chapters && i < self->chapters->len; i++) {
    GstMediaEdgeChapter *chapter = &g_array_index (self->chapters,
        GstMediaEdgeChapter, i);

    if (position < chapter->start) {
      *hi = chapter->start;
      return -1;
    }
    if (position < chapter->stop) {
      *lo = chapter->start;
      *hi = chapter->stop;
      return i;
    }
    *lo = chapter->stop;
  }

  return -1;
}

/* Session lock held. Completes the TOC chapter playback ran out of (or
 * skips it when a seek left it), then starts the one playback is in. */
static void
update_toc_chapter (GstMediaEdgeTrack * self, MediaEdgeTime now)
{
  g_autoptr (GVariant) fields = NULL;
  GstClockTime position, lo, hi;
  gint index;
  gdouble seconds;

  GST_OBJECT_LOCK (self);
  position = self->last_position;
  if (!GST_CLOCK_TIME_IS_VALID (position) || self->chapters == NULL) {
    GST_OBJECT_UNLOCK (self);
    return;
  }
  index = find_chapter_locked (self, position, &lo, &hi);
  self->chapter_lo = lo;
  self->chapter_hi = hi;
  if (index >= 0)
    fields = g_variant_ref_sink (gst_media_edge_chapter_to_fields
        (&g_array_index (self->chapters, GstMediaEdgeChapter, index),
            index + 1));
  GST_OBJECT_UNLOCK (self);

  if (!self->played || self->app_chapters || index == self->toc_chapter
      || !media_edge_tracker_in_session (self->tracker))
    return;

  seconds = (gdouble) position / GST_SECOND;
  if (self->toc_chapter >= 0 && media_edge_tracker_in_chapter (self->tracker)) {
    gboolean ran_out = position >= self->toc_chapter_stop
        && position < self->toc_chapter_stop + GST_SECOND;

    if (ran_out)
      media_edge_tracker_complete_chapter (self->tracker, now, seconds, NULL);
    else
      media_edge_tracker_skip_chapter (self->tracker, now, seconds, NULL);
  }
  self->toc_chapter = index;
  self->toc_chapter_stop = hi;
  if (fields)
    media_edge_tracker_start_chapter (self->tracker, now, seconds,
        g_steal_pointer (&fields), NULL);
}

/* ------------------------------------------------------------------ */
/* pings: a single-shot async wait on the session clock wakes the session
 * source on the client's main context, which asks the tracker what is
 * due */

/* Tells the tracker whether data stopped flowing; while it has, the next
 * buffer wakes the session source to end the stall. */
static void
tell_stall (GstMediaEdgeTrack * self, MediaEdgeTime now, gdouble playhead,
    gboolean stalled)
{
  if (stalled)
    GST_DEBUG_OBJECT (self, "no data since %" GST_TIME_FORMAT,
        GST_TIME_ARGS (self->flow_seen_at));
  else
    GST_DEBUG_OBJECT (self, "data flows again");

  self->stalled = stalled;
  media_edge_tracker_set_stalled (self->tracker, now, playhead,
      stalled ? self->flow_seen_at : MEDIA_EDGE_TIME_NONE);
  GST_OBJECT_LOCK (self);
  self->wake_on_buffer = stalled;
  GST_OBJECT_UNLOCK (self);
}

/* Whether data flows, seen at each wake-up of the session source: no
 * buffer since the last look is a stall, which the tracker counts as idle
 * while the player plays. */
static void
watch_data_flow (GstMediaEdgeTrack * self, MediaEdgeTime now, gdouble playhead)
{
  guint64 seen;

  GST_OBJECT_LOCK (self);
  seen = self->buffers_seen;
  GST_OBJECT_UNLOCK (self);

  if (seen != self->flow_count) {
    self->flow_count = seen;
    self->flow_seen_at = now;
    if (self->stalled)
      tell_stall (self, now, playhead, FALSE);
  } else if (!self->stalled) {
    tell_stall (self, now, playhead, TRUE);
  }
}

/* Playing (again): no data came during the pause, as none should, and the
 * data has had no time to flow yet. Only from now on is its absence a
 * stall. */
static void
restart_flow_watch (GstMediaEdgeTrack * self, MediaEdgeTime now,
    gdouble playhead)
{
  self->flow_seen_at = now;
  if (self->stalled)
    tell_stall (self, now, playhead, FALSE);
}

static void
on_session_source (GstMediaEdgeTrack * self)
{
  gdouble playhead = query_playhead (self);
  MediaEdgeTime now;

  g_mutex_lock (&self->session_lock);
  if (media_edge_tracker_in_session (self->tracker)) {
    now = session_now (self);
    watch_data_flow (self, now, playhead);
    media_edge_tracker_advance (self->tracker, now, playhead);
    update_toc_chapter (self, now);
    send_decided_events (self);
  }
  g_mutex_unlock (&self->session_lock);
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
  if (deadline == MEDIA_EDGE_TIME_NONE || self->clock == NULL
      || self->ping_source == NULL)
    return;

  self->ping_deadline = deadline;
  self->ping_id = gst_clock_new_single_shot_id (self->clock, deadline);
  gst_clock_id_wait_async (self->ping_id, on_clock_ping,
      g_source_ref (self->ping_source), (GDestroyNotify) g_source_unref);
}

static void
destroy_ping_source (GstMediaEdgeTrack * self)
{
  GSource *wake;

  stop_ping (self);
  GST_OBJECT_LOCK (self);
  wake = g_steal_pointer (&self->wake_source);
  GST_OBJECT_UNLOCK (self);
  g_clear_pointer (&wake, g_source_unref);
  if (self->ping_source) {
    g_source_destroy (self->ping_source);
    g_clear_pointer (&self->ping_source, g_source_unref);
  }
}

/* ------------------------------------------------------------------ */
/* what the service says of our sessions; on the client thread */

/* The service lost the current session: a new one resumes it. */
static void
restart_lost_session (GstMediaEdgeTrack * self, guint generation)
{
  gdouble playhead = query_playhead (self);

  g_mutex_lock (&self->session_lock);
  if (generation == self->generation && !self->aborted) {
    media_edge_tracker_restart_session (self->tracker, session_now (self),
        playhead);
    send_decided_events (self);
  }
  g_mutex_unlock (&self->session_lock);
}

/* The service refused to start the current session (207, 400, no id):
 * trying again would be refused again, so tracking stops for this run. */
static void
abort_tracking (GstMediaEdgeTrack * self, guint generation)
{
  g_mutex_lock (&self->session_lock);
  if (generation == self->generation) {
    self->aborted = TRUE;
    stop_ping (self);
  }
  g_mutex_unlock (&self->session_lock);
}

/* ------------------------------------------------------------------ */
/* inputs */

typedef enum
{
  PLAYBACK_PLAYING,
  PLAYBACK_BUFFERING,
  PLAYBACK_SEEKING,
} PlaybackFact;

/* @position: where the stream is, in seconds, or < 0 to ask the pipeline */
static void
feed_playback (GstMediaEdgeTrack * self, PlaybackFact fact, gboolean value,
    gdouble position)
{
  MediaEdgeTime now;

  if (position < 0)
    position = query_playhead (self);

  g_mutex_lock (&self->session_lock);
  now = session_now (self);
  switch (fact) {
    case PLAYBACK_PLAYING:
      media_edge_tracker_set_playing (self->tracker, now, position, value);
      break;
    case PLAYBACK_BUFFERING:
      media_edge_tracker_set_buffering (self->tracker, now, position, value);
      break;
    case PLAYBACK_SEEKING:
      media_edge_tracker_set_seeking (self->tracker, now, position, value);
      break;
  }
  send_decided_events (self);
  g_mutex_unlock (&self->session_lock);
}

static void
feed_qoe (GstMediaEdgeTrack * self, MediaEdgeQoeField field, gint64 value)
{
  gdouble position = query_playhead (self);

  g_mutex_lock (&self->session_lock);
  media_edge_tracker_set_qoe (self->tracker, session_now (self), position,
      field, value);
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
    restart_flow_watch (self, session_now (self), playhead);
    media_edge_tracker_set_playing (self->tracker, session_now (self),
        playhead, TRUE);
    self->played = TRUE;
    update_toc_chapter (self, session_now (self));
    send_decided_events (self);
    g_mutex_unlock (&self->session_lock);
    return;
  }

  /* PLAYING to PAUSED on its way down to READY is the player closing, not a
   * pause; with PLAYING pending it is a flushing seek prerolling again */
  if (old == GST_STATE_PLAYING && new == GST_STATE_PAUSED
      && (pending == GST_STATE_VOID_PENDING || pending == GST_STATE_PAUSED))
    feed_playback (self, PLAYBACK_PLAYING, FALSE, -1);
}

static void
on_eos (GstMediaEdgeTrack * self)
{
  gdouble playhead = query_playhead (self);
  gboolean playing = pipeline_wants_to_play (self);

  g_mutex_lock (&self->session_lock);
  describe_session (self);
  /* A short stream can end before the pipeline says it reached PLAYING:
   * it played all the same. */
  if (playing)
    media_edge_tracker_set_playing (self->tracker, session_now (self),
        playhead, TRUE);
  media_edge_tracker_complete_session (self->tracker, session_now (self),
      playhead);
  send_decided_events (self);
  close_client_session (self);
  g_mutex_unlock (&self->session_lock);
}

/* Session lock held. */
static gboolean
apply_action (GstMediaEdgeTrack * self, guint action, MediaEdgeTime now,
    gdouble position, GVariant * fields, GError ** error)
{
  MediaEdgeTracker *tracker = self->tracker;

  switch (action) {
    case SIGNAL_AD_BREAK_START:
      return media_edge_tracker_start_ad_break (tracker, now, position,
          fields, error);
    case SIGNAL_AD_BREAK_COMPLETE:
      return media_edge_tracker_complete_ad_break (tracker, now, position,
          error);
    case SIGNAL_AD_START:
      return media_edge_tracker_start_ad (tracker, now, position, fields,
          error);
    case SIGNAL_AD_COMPLETE:
      return media_edge_tracker_complete_ad (tracker, now, position, error);
    case SIGNAL_AD_SKIP:
      return media_edge_tracker_skip_ad (tracker, now, position, error);
    case SIGNAL_CHAPTER_START:
      /* the application knows its chapters better than the TOC */
      self->app_chapters = TRUE;
      return media_edge_tracker_start_chapter (tracker, now, position, fields,
          error);
    case SIGNAL_CHAPTER_COMPLETE:
      return media_edge_tracker_complete_chapter (tracker, now, position,
          error);
    case SIGNAL_CHAPTER_SKIP:
      return media_edge_tracker_skip_chapter (tracker, now, position, error);
    case SIGNAL_STATES_UPDATE:
      return media_edge_tracker_update_states (tracker, now, position, fields,
          error);
    case SIGNAL_TRACK_ERROR:
      return media_edge_tracker_track_error (tracker, now, position, fields,
          error);
    default:
      g_assert_not_reached ();
  }
}

/* Runs what an action signal, or the pipeline on the application's
 * behalf, asks; a refusal is a warning and changes nothing. Takes
 * @fields if floating. */
static gboolean
run_action (GstMediaEdgeTrack * self, guint action, GVariant * fields)
{
  g_autoptr (GVariant) owned = fields ? g_variant_ref_sink (fields) : NULL;
  g_autoptr (GError) error = NULL;
  gdouble position = query_playhead (self);
  gboolean accepted;

  g_mutex_lock (&self->session_lock);
  accepted = apply_action (self, action, session_now (self), position, owned,
      &error);
  send_decided_events (self);
  g_mutex_unlock (&self->session_lock);

  if (!accepted)
    GST_WARNING_OBJECT (self, "%s refused: %s",
        g_signal_name (signals[action]), error->message);

  return accepted;
}

static void
on_error_message (GstMediaEdgeTrack * self, GstMessage * message)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = NULL;
  GVariantDict fields;

  gst_message_parse_error (message, &error, NULL);
  name = gst_media_edge_error_name (error);
  g_variant_dict_init (&fields, NULL);
  g_variant_dict_insert (&fields, "name", "s", name);
  g_variant_dict_insert (&fields, "source", "s", "player");
  run_action (self, SIGNAL_TRACK_ERROR, g_variant_dict_end (&fields));
}

/* droppedFrames: what every sink says it dropped, added up */
static void
on_qos_message (GstMediaEdgeTrack * self, GstMessage * message)
{
  GstFormat format;
  guint64 dropped;
  gdouble position = query_playhead (self);
  GHashTableIter iter;
  gpointer count;
  gint64 total = 0;

  gst_message_parse_qos_stats (message, &format, NULL, &dropped);
  if (format != GST_FORMAT_BUFFERS || dropped == G_MAXUINT64)
    return;

  g_mutex_lock (&self->session_lock);
  g_hash_table_insert (self->dropped_frames, GST_MESSAGE_SRC (message),
      GSIZE_TO_POINTER (dropped));
  g_hash_table_iter_init (&iter, self->dropped_frames);
  while (g_hash_table_iter_next (&iter, NULL, &count))
    total += GPOINTER_TO_SIZE (count);
  media_edge_tracker_set_qoe (self->tracker, session_now (self), position,
      MEDIA_EDGE_QOE_DROPPED_FRAMES, total);
  send_decided_events (self);
  g_mutex_unlock (&self->session_lock);
}

static void
set_toc (GstMediaEdgeTrack * self, GstToc * toc)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (self);
  gint64 duration = -1;
  GArray *chapters;

  if (pipeline)
    gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration);
  chapters = gst_media_edge_toc_get_chapters (toc, duration >= 0 ?
      (GstClockTime) duration : GST_CLOCK_TIME_NONE);
  GST_DEBUG_OBJECT (self, "TOC with %u chapters", chapters->len);

  GST_OBJECT_LOCK (self);
  g_clear_pointer (&self->chapters, g_array_unref);
  if (chapters->len)
    self->chapters = chapters;
  else
    g_array_unref (chapters);
  self->chapter_lo = self->chapter_hi = 0;
  GST_OBJECT_UNLOCK (self);
}

/* mute: a player state the pipeline knows (playbin's mute and volume, a
 * volume element's, a sink's) */
static void
on_volume_notify (GObject * object, GParamSpec * pspec, gpointer user_data)
{
  GstMediaEdgeTrack *self = user_data;
  gboolean mute = FALSE;
  gdouble volume = 1.0;
  GVariantBuilder states;

  g_object_get (object, "mute", &mute, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (object), "volume"))
    g_object_get (object, "volume", &volume, NULL);

  g_variant_builder_init (&states, G_VARIANT_TYPE ("a{sb}"));
  g_variant_builder_add (&states, "{sb}", "mute", mute || volume == 0.0);
  run_action (self, SIGNAL_STATES_UPDATE, g_variant_builder_end (&states));
}

static gboolean
has_mute (GstElement * element)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (element), "mute");

  return pspec && pspec->value_type == G_TYPE_BOOLEAN;
}

static void
follow_volume (GstMediaEdgeTrack * self, GstElement * element)
{
  g_signal_connect (element, "notify::mute", G_CALLBACK (on_volume_notify),
      self);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), "volume"))
    g_signal_connect (element, "notify::volume",
        G_CALLBACK (on_volume_notify), self);
  g_ptr_array_add (self->volumes, gst_object_ref (element));
}

/* playbin's own mute stands for everything inside it; in other pipelines
 * every element with a mute property counts */
static void
follow_volumes (GstMediaEdgeTrack * self, GstElement * pipeline)
{
  g_autoptr (GstIterator) elements = NULL;
  GValue item = G_VALUE_INIT;

  if (has_mute (pipeline) || !GST_IS_BIN (pipeline)) {
    if (has_mute (pipeline))
      follow_volume (self, pipeline);
    return;
  }

  elements = gst_bin_iterate_recurse (GST_BIN (pipeline));
  while (gst_iterator_next (elements, &item) == GST_ITERATOR_OK) {
    GstElement *element = g_value_get_object (&item);

    if (has_mute (element))
      follow_volume (self, element);
    g_value_reset (&item);
  }
  g_value_unset (&item);
}

static void
unfollow_volumes (GstMediaEdgeTrack * self)
{
  for (guint i = 0; i < self->volumes->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->volumes,
            i), self);
  g_ptr_array_set_size (self->volumes, 0);
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
      feed_playback (self, PLAYBACK_BUFFERING, percent < 100, -1);
      break;
    }
    case GST_MESSAGE_ERROR:
      on_error_message (self, message);
      break;
    case GST_MESSAGE_QOS:
      on_qos_message (self, message);
      break;
    case GST_MESSAGE_TOC:{
      g_autoptr (GstToc) toc = NULL;

      gst_message_parse_toc (message, &toc, NULL);
      set_toc (self, toc);
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

/* ca-file must be a PEM file of certificates, proxy a URI. */
static gboolean
check_transport (GstMediaEdgeTrack * self)
{
  g_autofree gchar *ca_file = NULL;
  g_autofree gchar *proxy = NULL;
  g_autoptr (GTlsDatabase) database = NULL;
  g_autoptr (GError) error = NULL;

  GST_OBJECT_LOCK (self);
  ca_file = g_strdup (self->ca_file);
  proxy = g_strdup (self->proxy);
  GST_OBJECT_UNLOCK (self);

  if (ca_file && *ca_file
      && !(database = g_tls_file_database_new (ca_file, &error))) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The ca-file property does not name a PEM file of certificates: "
            "'%s'.", ca_file), ("%s", error->message));
    return FALSE;
  }
  if (proxy && *proxy && !g_uri_is_valid (proxy, G_URI_FLAGS_NONE, &error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS,
        ("The proxy property is not a URI: '%s'.", proxy),
        ("%s", error->message));
    return FALSE;
  }

  return TRUE;
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

  return check_transport (self);
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
  follow_volumes (self, pipeline);
}

static void
unwatch_pipeline (GstMediaEdgeTrack * self)
{
  GstElement *pipeline;

  unfollow_volumes (self);
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

  if (pipeline == NULL)
    return FALSE;
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

/* A new run may play another stream: what the last one said is gone. */
static void
forget_stream (GstMediaEdgeTrack * self)
{
  GST_OBJECT_LOCK (self);
  self->live = FALSE;
  gst_clear_object (&self->live_clock);
  self->last_position = GST_CLOCK_TIME_NONE;
  self->flushing = FALSE;
  g_clear_pointer (&self->tags, gst_tag_list_unref);
  g_clear_pointer (&self->chapters, g_array_unref);
  GST_OBJECT_UNLOCK (self);
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
      forget_stream (self);
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

static void
on_tags (GstMediaEdgeTrack * self, GstTagList * tags)
{
  guint kbps;

  GST_OBJECT_LOCK (self);
  if (self->tags)
    gst_tag_list_insert (self->tags, tags, GST_TAG_MERGE_REPLACE);
  else
    self->tags = gst_tag_list_copy (tags);
  GST_OBJECT_UNLOCK (self);

  if (gst_media_edge_tags_get_bitrate (tags, &kbps))
    feed_qoe (self, MEDIA_EDGE_QOE_BITRATE, kbps);
}

/* A flushing seek: the player pauses until data flows from the new
 * position, which the next segment gives. */
static void
on_flush_start (GstMediaEdgeTrack * self)
{
  GST_OBJECT_LOCK (self);
  self->flushing = TRUE;
  GST_OBJECT_UNLOCK (self);
  feed_playback (self, PLAYBACK_SEEKING, TRUE, -1);
}

static void
on_segment (GstMediaEdgeTrack * self, const GstSegment * segment)
{
  gboolean seeked;
  gdouble position = -1;

  GST_OBJECT_LOCK (self);
  seeked = self->flushing;
  self->flushing = FALSE;
  GST_OBJECT_UNLOCK (self);
  if (!seeked)
    return;

  if (segment->format == GST_FORMAT_TIME)
    position = (gdouble) gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
        segment->rate >= 0 ? segment->start : segment->stop) / GST_SECOND;
  feed_playback (self, PLAYBACK_SEEKING, FALSE, position);
}

static gboolean
gst_media_edge_track_sink_event (GstBaseTransform * trans, GstEvent * event)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (trans);

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_TAG:{
      GstTagList *tags;

      gst_event_parse_tag (event, &tags);
      on_tags (self, tags);
      break;
    }
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      gint fps;

      gst_event_parse_caps (event, &caps);
      fps = gst_media_edge_caps_get_fps (caps);
      if (fps >= 0)
        feed_qoe (self, MEDIA_EDGE_QOE_FRAMES_PER_SECOND, fps);
      break;
    }
    case GST_EVENT_TOC:{
      GstToc *toc;

      gst_event_parse_toc (event, &toc, NULL);
      set_toc (self, toc);
      gst_toc_unref (toc);
      break;
    }
    case GST_EVENT_FLUSH_START:
      on_flush_start (self);
      break;
    case GST_EVENT_SEGMENT:{
      const GstSegment *segment;

      gst_event_parse_segment (event, &segment);
      on_segment (self, segment);
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

/* Per buffer: count it, remember where the stream is, and wake the session
 * source when a stall ends or the stream leaves the current chapter. No
 * allocation, no session lock. */
static GstFlowReturn
gst_media_edge_track_transform_ip (GstBaseTransform * trans, GstBuffer * buf)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (trans);
  GstClockTime pts = GST_BUFFER_PTS (buf);
  gboolean timed = GST_CLOCK_TIME_IS_VALID (pts)
      && trans->segment.format == GST_FORMAT_TIME;
  GstClockTime position = GST_CLOCK_TIME_NONE;
  gboolean wake;

  if (timed)
    position = gst_segment_to_stream_time (&trans->segment, GST_FORMAT_TIME,
        pts);

  GST_OBJECT_LOCK (self);
  self->buffers_seen++;
  if (timed)
    self->last_position = position;
  wake = self->wake_on_buffer || (self->chapters
      && GST_CLOCK_TIME_IS_VALID (position)
      && (position < self->chapter_lo || position >= self->chapter_hi));
  if (wake && self->wake_source) {
    self->wake_on_buffer = FALSE;
    g_source_set_ready_time (self->wake_source, 0);
  }
  GST_OBJECT_UNLOCK (self);

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

/* Object lock held; the stats have their own. */
static GstStructure *
build_stats (GstMediaEdgeTrack * self)
{
  MediaEdgeClientStats *stats = self->stats;
  g_autofree gchar *last_error = media_edge_client_stats_dup_last_error (stats);

  return gst_structure_new ("mediaedge-stats",
      "sent", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->sent),
      "retried", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->retried),
      "dropped", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->dropped),
      "queued", G_TYPE_UINT, (guint) MAX (g_atomic_int_get (&stats->queued),
          0),
      "sessions-started", G_TYPE_UINT,
      (guint) g_atomic_int_get (&stats->sessions_started),
      "last-error", G_TYPE_STRING, last_error, NULL);
}

/* A session-details value XDM cannot take is refused, and the previous
 * value stays. Object lock held. */
static gboolean
session_details_acceptable (GstMediaEdgeTrack * self, const GstStructure * s)
{
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GVariant) extra = NULL;
  g_autoptr (GError) error = NULL;

  if (s == NULL
      || media_edge_xdm_normalize (MEDIA_EDGE_XDM_SESSION,
          gst_media_edge_structure_to_fields (s), FALSE, &details, &extra,
          &error))
    return TRUE;

  GST_WARNING_OBJECT (self, "session-details refused: %s", error->message);

  return FALSE;
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
      if (session_details_acceptable (self, gst_value_get_structure (value)))
        replace_structure (&self->session_details, value);
      break;
    case PROP_CUSTOM_METADATA:
      replace_structure (&self->custom_metadata, value);
      break;
    case PROP_PING_INTERVAL:
      self->ping_interval = g_value_get_uint (value);
      break;
    case PROP_AD_PING_INTERVAL:
      self->ad_ping_interval = g_value_get_uint (value);
      break;
    case PROP_REQUEST_TIMEOUT:
      self->request_timeout = g_value_get_uint (value);
      break;
    case PROP_RETRY_DELAY:
      self->retry_delay = g_value_get_uint (value);
      break;
    case PROP_MAX_QUEUED_EVENTS:
      self->max_queued_events = g_value_get_uint (value);
      break;
    case PROP_IDLE_TIMEOUT:
      self->idle_timeout = g_value_get_uint (value);
      break;
    case PROP_CA_FILE:
      g_free (self->ca_file);
      self->ca_file = g_value_dup_string (value);
      break;
    case PROP_PROXY:
      g_free (self->proxy);
      self->proxy = g_value_dup_string (value);
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
    case PROP_AD_PING_INTERVAL:
      g_value_set_uint (value, self->ad_ping_interval);
      break;
    case PROP_REQUEST_TIMEOUT:
      g_value_set_uint (value, self->request_timeout);
      break;
    case PROP_RETRY_DELAY:
      g_value_set_uint (value, self->retry_delay);
      break;
    case PROP_MAX_QUEUED_EVENTS:
      g_value_set_uint (value, self->max_queued_events);
      break;
    case PROP_IDLE_TIMEOUT:
      g_value_set_uint (value, self->idle_timeout);
      break;
    case PROP_CA_FILE:
      g_value_set_string (value, self->ca_file);
      break;
    case PROP_PROXY:
      g_value_set_string (value, self->proxy);
      break;
    case PROP_STATS:
      g_value_take_boxed (value, build_stats (self));
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
  g_free (self->ca_file);
  g_free (self->proxy);
  g_clear_pointer (&self->session_details, gst_structure_free);
  g_clear_pointer (&self->custom_metadata, gst_structure_free);
  g_clear_pointer (&self->tags, gst_tag_list_unref);
  g_clear_pointer (&self->chapters, g_array_unref);
  g_clear_pointer (&self->wake_source, g_source_unref);
  gst_clear_object (&self->live_clock);
  media_edge_client_stats_unref (self->stats);
  g_hash_table_unref (self->dropped_frames);
  g_ptr_array_unref (self->volumes);
  g_free (self->session_config_id);
  g_free (self->session_endpoint);
  g_clear_pointer (&self->client_session, media_edge_client_session_unref);
  g_clear_object (&self->codec);
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

/* ------------------------------------------------------------------ */
/* action signals: what only the application knows */

static gboolean
run_details_action (GstMediaEdgeTrack * self, guint action,
    const GstStructure * details)
{
  return run_action (self, action,
      gst_media_edge_structure_to_fields (details));
}

static gboolean
ad_break_start (GstMediaEdgeTrack * self, const GstStructure * details)
{
  return run_details_action (self, SIGNAL_AD_BREAK_START, details);
}

static gboolean
ad_break_complete (GstMediaEdgeTrack * self)
{
  return run_action (self, SIGNAL_AD_BREAK_COMPLETE, NULL);
}

/* advertisingDetails.playerName is required: player-name unless given */
static gboolean
ad_start (GstMediaEdgeTrack * self, const GstStructure * details)
{
  GVariantDict fields;

  g_variant_dict_init (&fields, NULL);
  GST_OBJECT_LOCK (self);
  dict_set_string (&fields, "playerName", self->player_name);
  GST_OBJECT_UNLOCK (self);
  dict_merge (&fields, gst_media_edge_structure_to_fields (details));

  return run_action (self, SIGNAL_AD_START, g_variant_dict_end (&fields));
}

static gboolean
ad_complete (GstMediaEdgeTrack * self)
{
  return run_action (self, SIGNAL_AD_COMPLETE, NULL);
}

static gboolean
ad_skip (GstMediaEdgeTrack * self)
{
  return run_action (self, SIGNAL_AD_SKIP, NULL);
}

static gboolean
chapter_start (GstMediaEdgeTrack * self, const GstStructure * details)
{
  return run_details_action (self, SIGNAL_CHAPTER_START, details);
}

static gboolean
chapter_complete (GstMediaEdgeTrack * self)
{
  return run_action (self, SIGNAL_CHAPTER_COMPLETE, NULL);
}

static gboolean
chapter_skip (GstMediaEdgeTrack * self)
{
  return run_action (self, SIGNAL_CHAPTER_SKIP, NULL);
}

static gboolean
states_update (GstMediaEdgeTrack * self, const GstStructure * states)
{
  g_autoptr (GError) error = NULL;
  GVariant *fields;

  fields = states ? gst_media_edge_structure_to_states (states, &error) : NULL;
  if (fields == NULL) {
    GST_WARNING_OBJECT (self, "states-update refused: %s", error ?
        error->message : "no states");
    return FALSE;
  }

  return run_action (self, SIGNAL_STATES_UPDATE, fields);
}

static gboolean
track_error (GstMediaEdgeTrack * self, const gchar * name, const gchar * source)
{
  GVariantDict fields;

  g_variant_dict_init (&fields, NULL);
  g_variant_dict_insert (&fields, "name", "s", name ? name : "");
  g_variant_dict_insert (&fields, "source", "s", source ? source : "player");

  return run_action (self, SIGNAL_TRACK_ERROR, g_variant_dict_end (&fields));
}

static void
install_action (GstMediaEdgeTrackClass * klass, guint id, const gchar * name,
    GCallback handler, guint n_params, ...)
{
  GType params[2];
  va_list args;

  va_start (args, n_params);
  for (guint i = 0; i < n_params; i++)
    params[i] = va_arg (args, GType);
  va_end (args);

  signals[id] = g_signal_newv (name, G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION,
      g_cclosure_new (handler, NULL, NULL), NULL, NULL, NULL, G_TYPE_BOOLEAN,
      n_params, params);
}

static void
install_signals (GstMediaEdgeTrackClass * klass)
{
  /**
   * GstMediaEdgeTrack::ad-break-start:
   * @track: the element
   * @details: advertisingPodDetails: `index` (int, required), `offset`
   *   (seconds, required), `friendlyName`, `ID`
   *
   * An ad break starts (adBreakStart). An open ad and break are completed
   * first. The content playhead stands still until ad-break-complete.
   *
   * Returns: whether the event was accepted; a refusal is logged as a
   * warning and changes nothing
   */
  install_action (klass, SIGNAL_AD_BREAK_START, "ad-break-start",
      G_CALLBACK (ad_break_start), 1, GST_TYPE_STRUCTURE);
  /**
   * GstMediaEdgeTrack::ad-break-complete:
   * @track: the element
   *
   * The ad break ends (adBreakComplete), completing an ad still open; the
   * playback state follows if the service does not have it yet.
   *
   * Returns: %FALSE, with a warning, outside an ad break
   */
  install_action (klass, SIGNAL_AD_BREAK_COMPLETE, "ad-break-complete",
      G_CALLBACK (ad_break_complete), 0);
  /**
   * GstMediaEdgeTrack::ad-start:
   * @track: the element
   * @details: advertisingDetails: `name`, `length` (seconds),
   *   `podPosition` (all required), `playerName` (default: player-name),
   *   `advertiser`, `campaignID`, `creativeID`, `creativeURL`,
   *   `friendlyName`, `placementID`, `siteID`; other fields whose names
   *   match `[a-zA-Z0-9_.]+` are sent as customMetadata
   *
   * An ad starts (adStart), skipping an ad still open. Only inside an ad
   * break.
   *
   * Returns: whether the event was accepted
   */
  install_action (klass, SIGNAL_AD_START, "ad-start", G_CALLBACK (ad_start),
      1, GST_TYPE_STRUCTURE);
  /**
   * GstMediaEdgeTrack::ad-complete:
   * @track: the element
   *
   * The ad played to its end (adComplete).
   *
   * Returns: %FALSE, with a warning, when no ad plays
   */
  install_action (klass, SIGNAL_AD_COMPLETE, "ad-complete",
      G_CALLBACK (ad_complete), 0);
  /**
   * GstMediaEdgeTrack::ad-skip:
   * @track: the element
   *
   * The viewer skipped the ad (adSkip).
   *
   * Returns: %FALSE, with a warning, when no ad plays
   */
  install_action (klass, SIGNAL_AD_SKIP, "ad-skip", G_CALLBACK (ad_skip), 0);
  /**
   * GstMediaEdgeTrack::chapter-start:
   * @track: the element
   * @details: chapterDetails: `index`, `offset` (seconds), `length`
   *   (seconds) (all required), `friendlyName`, `ID`; other fields whose
   *   names match `[a-zA-Z0-9_.]+` are sent as customMetadata
   *
   * A chapter starts (chapterStart), skipping a chapter still open. From
   * the first call on, the stream's TOC no longer gives chapters for this
   * session.
   *
   * Returns: whether the event was accepted
   */
  install_action (klass, SIGNAL_CHAPTER_START, "chapter-start",
      G_CALLBACK (chapter_start), 1, GST_TYPE_STRUCTURE);
  /**
   * GstMediaEdgeTrack::chapter-complete:
   * @track: the element
   *
   * The chapter played to its end (chapterComplete).
   *
   * Returns: %FALSE, with a warning, when no chapter is open
   */
  install_action (klass, SIGNAL_CHAPTER_COMPLETE, "chapter-complete",
      G_CALLBACK (chapter_complete), 0);
  /**
   * GstMediaEdgeTrack::chapter-skip:
   * @track: the element
   *
   * The viewer left the chapter before its end (chapterSkip).
   *
   * Returns: %FALSE, with a warning, when no chapter is open
   */
  install_action (klass, SIGNAL_CHAPTER_SKIP, "chapter-skip",
      G_CALLBACK (chapter_skip), 0);
  /**
   * GstMediaEdgeTrack::states-update:
   * @track: the element
   * @states: player states as booleans, e.g.
   *   `states,mute=true,fullscreen=false`: names as in XDM (fullscreen,
   *   mute, closedCaptioning, pictureInPicture, inFocus) or matching
   *   `^[a-zA-Z0-9_.]{1,64}$`
   *
   * Sends statesUpdate with the states that start and end. At most 10
   * distinct states per session.
   *
   * Returns: whether the update was accepted
   */
  install_action (klass, SIGNAL_STATES_UPDATE, "states-update",
      G_CALLBACK (states_update), 1, GST_TYPE_STRUCTURE);
  /**
   * GstMediaEdgeTrack::track-error:
   * @track: the element
   * @name: the error id (errorDetails.name)
   * @source: `player` or `external` (errorDetails.source)
   *
   * Reports an error (error). ERROR messages on the pipeline's bus are
   * reported by themselves, as `<domain>:<code>` from the player.
   *
   * Returns: whether the event was accepted
   */
  install_action (klass, SIGNAL_TRACK_ERROR, "track-error",
      G_CALLBACK (track_error), 2, G_TYPE_STRING, G_TYPE_STRING);
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
   * GstMediaEdgeTrack:ad-ping-interval:
   *
   * Seconds of real time between pings while an ad plays.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_AD_PING_INTERVAL,
      g_param_spec_uint ("ad-ping-interval", "Ad ping interval",
          "Seconds between pings while an ad plays",
          MEDIA_EDGE_AD_PING_INTERVAL_MIN, MEDIA_EDGE_AD_PING_INTERVAL_MAX,
          DEFAULT_AD_PING_INTERVAL, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
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

  /**
   * GstMediaEdgeTrack:request-timeout:
   *
   * How long a request may go unanswered before it is tried again.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_REQUEST_TIMEOUT,
      g_param_spec_uint ("request-timeout", "Request timeout",
          "Milliseconds a request may go unanswered before it is tried again",
          1, G_MAXINT, DEFAULT_REQUEST_TIMEOUT, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:retry-delay:
   *
   * The wait before a request that failed for a network reason (or a 408,
   * 429, 502, 503, 504 answer) is tried again. It doubles at each attempt,
   * up to 30 times as long, with ±30 % jitter; a Retry-After header wins.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_RETRY_DELAY,
      g_param_spec_uint ("retry-delay", "Retry delay",
          "Milliseconds before the first retry; doubles up to 30 times as "
          "long", 1, G_MAXINT / MEDIA_EDGE_MAX_BACKOFF_FACTOR,
          DEFAULT_RETRY_DELAY, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:max-queued-events:
   *
   * Events a session keeps waiting at most while the service is away;
   * past it pings are dropped first, then the oldest events. Every drop
   * is counted in #GstMediaEdgeTrack:stats.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_MAX_QUEUED_EVENTS,
      g_param_spec_uint ("max-queued-events", "Max queued events",
          "Events kept waiting at most per session (pings dropped first)",
          1, G_MAXINT, DEFAULT_MAX_QUEUED, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:idle-timeout:
   *
   * Seconds paused, buffering, seeking or stalled after which the session
   * ends (sessionEnd); when playback resumes, a new session with
   * `hasResume=true` carries on, as Adobe's SDKs do. 0: never.
   *
   * Stalled: the pipeline is playing but no buffer has passed the element
   * since the previous ping. A stall is not reported as an event; it only
   * counts here, from the last ping that saw data, and the next buffer
   * ends it.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_IDLE_TIMEOUT,
      g_param_spec_uint ("idle-timeout", "Idle timeout",
          "Seconds not playing, or playing without data, after which the "
          "session ends (0: never)",
          0, G_MAXINT / 1000, DEFAULT_IDLE_TIMEOUT, G_PARAM_READWRITE |
          G_PARAM_STATIC_STRINGS | GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:ca-file:
   *
   * A PEM file of the certificate authorities to trust for HTTPS instead
   * of the system's: a private CA, or a proxy that inspects TLS. Without
   * it, certificates are verified against the system's CAs
   * (glib-networking).
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_CA_FILE, "ca-file",
      "CA file", "PEM file of the CAs to trust for HTTPS instead of the "
      "system's", NULL);
  /**
   * GstMediaEdgeTrack:proxy:
   *
   * Proxy to send requests through, e.g. `http://proxy:3128`, instead of
   * the system's settings (`http_proxy`, `https_proxy`, GProxyResolver),
   * which apply when it is unset.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, PROP_PROXY, "proxy", "Proxy",
      "Proxy URI to use instead of the system's proxy settings", NULL);
  /**
   * GstMediaEdgeTrack:stats:
   *
   * What became of the requests of this element's sessions: `sent`,
   * `retried` (attempts that failed and were tried again), `dropped`,
   * `queued` (waiting now), `sessions-started`, and `last-error`.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Requests sent, retried, dropped and queued, sessions started, "
          "and the last error", GST_TYPE_STRUCTURE,
          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  install_signals (klass);

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
  self->ad_ping_interval = DEFAULT_AD_PING_INTERVAL;
  self->flush_timeout = DEFAULT_FLUSH_TIMEOUT;
  self->request_timeout = DEFAULT_REQUEST_TIMEOUT;
  self->retry_delay = DEFAULT_RETRY_DELAY;
  self->max_queued_events = DEFAULT_MAX_QUEUED;
  self->idle_timeout = DEFAULT_IDLE_TIMEOUT;
  self->stats = media_edge_client_stats_new ();
  self->toc_chapter = -1;
  self->dropped_frames = g_hash_table_new (NULL, NULL);
  self->volumes = g_ptr_array_new_with_free_func (gst_object_unref);
  self->last_position = GST_CLOCK_TIME_NONE;

  g_mutex_init (&self->session_lock);
  self->tracker = media_edge_tracker_new (DEFAULT_PING_INTERVAL);
  self->closing_sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_client_session_unref);

  gst_base_transform_set_passthrough (GST_BASE_TRANSFORM (self), TRUE);
  gst_base_transform_set_gap_aware (GST_BASE_TRANSFORM (self), TRUE);
}
