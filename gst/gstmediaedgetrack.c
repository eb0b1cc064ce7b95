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
 * session start, play, pauses, buffering, a ping every ping interval,
 * bitrate changes, errors, chapters, player states, and the end of the
 * session. The element passes buffers through untouched and never makes
 * the streaming thread wait on the network: it watches the pipeline it is
 * in (state changes, buffering, EOS, errors, tags, TOC, position) and hands
 * the events to a sender thread shared by every element in the process.
 *
 * A session starts when the pipeline is asked to play, plays when the
 * pipeline reaches PLAYING, and ends with sessionComplete at EOS or with
 * sessionEnd when the pipeline is stopped first. A pipeline only prerolled
 * to PAUSED starts no session. Each content item has a session of its
 * own: the next URI of a gapless playbin playlist, a new `concat` group
 * and a flushing seek after EOS start a new one. The first
 * mediaedgetrack of a pipeline reports for it; further ones join its
 * session, so that playbin can take the element as both `audio-filter`
 * and `video-filter`.
 *
 * What only the application knows (ads, ad breaks, its own chapters,
 * player states, errors of its own) it tells the element with the action
 * signals; their details are a #GstStructure whose field names are the
 * XDM names. Each returns whether the event was accepted; a refusal is
 * logged as a warning and changes nothing. Before the pipeline plays, an
 * action is checked at once and held for the session: a pre-roll break
 * and its ad opened then go out right after sessionStart, and play waits
 * for ad-break-complete. Held actions are dropped if the element goes
 * to NULL before a session starts.
 *
 * ## Bus messages
 *
 * The element posts an element message named `mediaedge-session` each
 * time the service tells something of a session, from the sender's
 * thread:
 *
 * * `session-id` (string): the session id the service gave; %NULL when
 *   the service gave none (`failed`, and the `ended` that follows it)
 * * `event` (string): `started` (the service answered the sessionStart
 *   with a session id), `ended` (the session is over, and each of its
 *   requests was answered or dropped), `failed` (the service refused the
 *   sessionStart, with a warning message: nothing more is reported until
 *   the next session, of the next item or the next play from READY), or
 *   `lost` (the service no longer knows the session, 404 or 410: a new
 *   session resumes it at once)
 * * `resumed` (boolean): whether the session resumes an earlier one
 *   (its sessionStart carried `hasResume=true`: after `lost`, after
 *   #GstMediaEdgeTrack:idle-timeout, or a day into a session)
 *
 * ## Example launch line
 * |[
 * gst-launch-1.0 playbin uri=file:///path/to/movie.mp4 \
 *     audio-filter="mediaedgetrack config-id=YOUR-DATASTREAM-ID" \
 *     video-filter="mediaedgetrack config-id=YOUR-DATASTREAM-ID"
 * ]| Plays a file and reports it, video or audio only, as one session
 * per file.
 * |[
 * gst-launch-1.0 videotestsrc num-buffers=300 ! mediaedgetrack \
 *     config-id=YOUR-DATASTREAM-ID content-id=test-pattern \
 *     content-name="Test pattern" ! autovideosink
 * ]| Reports ten seconds of a test pattern as on-demand content.
 * |[
 * gst-launch-1.0 videotestsrc is-live=true ! mediaedgetrack \
 *     config-id=YOUR-DATASTREAM-ID content-id=camera-1 ! autovideosink
 * ]| A live source: reported as `Live`, each playhead the second of the
 * day (UTC).
 * |[
 * gst-launch-1.0 -m audiotestsrc num-buffers=200 ! mediaedgetrack \
 *     config-id=local endpoint=http://127.0.0.1:8080/ee/va/v1 ! \
 *     fakesink sync=true
 * ]| Reports to the local edge server of the tests
 * (`mediaedge-edge-server --port 8080`), which prints each event; `-m`
 * prints the `mediaedge-session` messages.
 */

/* The element itself: its type, documentation, properties and action
 * signals, and the state changes that start and stop the watch and the
 * session; what flows through it goes to the watch untouched. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmediaedgetrack.h"
#include "gstmediaedgeelements.h"
#include "gstmediaedgefacts.h"
#include "gstmediaedgesession.h"
#include "gstmediaedgesettings.h"
#include "gstmediaedgewatch.h"
#include "mediaedge-client.h"

GST_DEBUG_CATEGORY_STATIC (gst_media_edge_track_debug);
#define GST_CAT_DEFAULT gst_media_edge_track_debug

/* after the settings' ids */
#define PROP_STATS GST_MEDIA_EDGE_N_SETTINGS

struct _GstMediaEdgeTrack
{
  GstElement parent;

  /* buffers pass from one to the other untouched; caps, allocation and
   * scheduling queries are proxied (as valve does) */
  GstPad *sinkpad;
  GstPad *srcpad;
  /* the stream's segment: streaming thread only */
  GstSegment segment;

  /* the properties; object lock */
  GstMediaEdgeSettings *props;

  /* own their locks; made in init, freed in finalize */
  GstMediaEdgeSession *session;
  GstMediaEdgeWatch *watch;
};

static GstStaticPadTemplate sink_template = GST_STATIC_PAD_TEMPLATE ("sink",
    GST_PAD_SINK, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

#define gst_media_edge_track_parent_class parent_class
G_DEFINE_TYPE_WITH_CODE (GstMediaEdgeTrack, gst_media_edge_track,
    GST_TYPE_ELEMENT,
    GST_DEBUG_CATEGORY_INIT (gst_media_edge_track_debug, "mediaedgetrack", 0,
        "Media Edge tracker element"));
GST_ELEMENT_REGISTER_DEFINE (mediaedgetrack, "mediaedgetrack", GST_RANK_NONE,
    GST_TYPE_MEDIA_EDGE_TRACK);

/* ------------------------------------------------------------------ */
/* state changes */

/* The properties as the run will use them, checked once: a bad one is an
 * element error that names it. */
static GstMediaEdgeSettings *
take_settings (GstMediaEdgeTrack * self)
{
  g_autoptr (GstMediaEdgeSettings) settings = NULL;
  g_autoptr (GError) error = NULL;

  GST_OBJECT_LOCK (self);
  settings = gst_media_edge_settings_copy (self->props);
  GST_OBJECT_UNLOCK (self);

  if (!gst_media_edge_settings_check (settings, &error)) {
    GST_ELEMENT_ERROR (self, RESOURCE, SETTINGS, ("%s", error->message),
        (NULL));
    return NULL;
  }

  return g_steal_pointer (&settings);
}

static guint
get_flush_timeout (GstMediaEdgeTrack * self)
{
  guint timeout;

  GST_OBJECT_LOCK (self);
  timeout = self->props->flush_timeout;
  GST_OBJECT_UNLOCK (self);

  return timeout;
}

static GstStateChangeReturn
gst_media_edge_track_change_state (GstElement * element,
    GstStateChange transition)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (element);
  g_autoptr (GstMediaEdgeSettings) settings = NULL;
  GstStateChangeReturn ret;

  switch (transition) {
    case GST_STATE_CHANGE_NULL_TO_READY:
      gst_media_edge_session_open (self->session);
      break;
    case GST_STATE_CHANGE_READY_TO_PAUSED:
      if (!(settings = take_settings (self)))
        return GST_STATE_CHANGE_FAILURE;
      gst_segment_init (&self->segment, GST_FORMAT_UNDEFINED);
      gst_media_edge_session_prepare (self->session, settings);
      gst_media_edge_watch_start (self->watch, settings);
      break;
    default:
      break;
  }

  ret = GST_ELEMENT_CLASS (parent_class)->change_state (element, transition);
  if (ret == GST_STATE_CHANGE_FAILURE)
    return ret;

  switch (transition) {
    case GST_STATE_CHANGE_PAUSED_TO_READY:
      gst_media_edge_watch_stop (self->watch);
      break;
    case GST_STATE_CHANGE_READY_TO_NULL:
      gst_media_edge_session_close (self->session, get_flush_timeout (self));
      break;
    default:
      break;
  }

  return ret;
}

/* ------------------------------------------------------------------ */
/* the stream */

/* The segment the buffers' times are in, as GstBaseTransform would keep
 * it */
static void
follow_segment (GstMediaEdgeTrack * self, GstEvent * event)
{
  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_SEGMENT:
      gst_event_copy_segment (event, &self->segment);
      break;
    case GST_EVENT_FLUSH_STOP:
      gst_segment_init (&self->segment, GST_FORMAT_UNDEFINED);
      break;
    default:
      break;
  }
}

static gboolean
gst_media_edge_track_sink_event (GstPad * pad, GstObject * parent,
    GstEvent * event)
{
  GstMediaEdgeTrack *self = (GstMediaEdgeTrack *) parent;

  follow_segment (self, event);
  gst_media_edge_watch_sink_event (self->watch, event);

  return gst_pad_event_default (pad, parent, event);
}

/* Per buffer: the watch notes where the stream is, and when the buffer
 * will be rendered, in O(1). An unchecked cast: this is every buffer's
 * path. */
static void
note_buffer (GstMediaEdgeTrack * self, GstBuffer * buf)
{
  const GstSegment *segment = &self->segment;
  GstClockTime pts = GST_BUFFER_PTS (buf);
  GstClockTime duration = GST_BUFFER_DURATION (buf);
  GstClockTime position = GST_CLOCK_TIME_NONE;
  GstClockTime end_position = GST_CLOCK_TIME_NONE;
  GstClockTime running_time = GST_CLOCK_TIME_NONE;
  GstClockTime end = GST_CLOCK_TIME_NONE;

  if (GST_CLOCK_TIME_IS_VALID (pts) && segment->format == GST_FORMAT_TIME) {
    GstClockTime stop = GST_CLOCK_TIME_IS_VALID (duration) ?
        pts + duration : pts;

    position = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, pts);
    end_position = gst_segment_to_stream_time (segment, GST_FORMAT_TIME, stop);
    running_time = gst_segment_to_running_time (segment, GST_FORMAT_TIME, pts);
    end = gst_segment_to_running_time (segment, GST_FORMAT_TIME, stop);
  }
  gst_media_edge_watch_buffer (self->watch, position, end_position,
      running_time, end);
}

/* The buffer goes on, untouched */
static GstFlowReturn
gst_media_edge_track_chain (GstPad * pad, GstObject * parent, GstBuffer * buf)
{
  GstMediaEdgeTrack *self = (GstMediaEdgeTrack *) parent;

  note_buffer (self, buf);

  return gst_pad_push (self->srcpad, buf);
}

/* A list goes on as a list: a sink that sends in batches keeps its
 * batches */
static GstFlowReturn
gst_media_edge_track_chain_list (GstPad * pad, GstObject * parent,
    GstBufferList * list)
{
  GstMediaEdgeTrack *self = (GstMediaEdgeTrack *) parent;
  guint n = gst_buffer_list_length (list);

  for (guint i = 0; i < n; i++)
    note_buffer (self, gst_buffer_list_get (list, i));

  return gst_pad_push_list (self->srcpad, list);
}

/* Before a demuxer that pulls its data (a file read by qtdemux): the
 * bytes pass as they are asked for, and the element, which sees no time,
 * follows the pipeline instead (its EOS ends the content). */
static GstFlowReturn
gst_media_edge_track_getrange (GstPad * pad, GstObject * parent,
    guint64 offset, guint length, GstBuffer ** buffer)
{
  GstMediaEdgeTrack *self = (GstMediaEdgeTrack *) parent;
  GstFlowReturn ret = gst_pad_pull_range (self->sinkpad, offset, length,
      buffer);

  /* bytes, no time: but data flows, which tells a stall from playback */
  if (ret == GST_FLOW_OK)
    gst_media_edge_watch_buffer (self->watch, GST_CLOCK_TIME_NONE,
        GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE);

  return ret;
}

static gboolean
gst_media_edge_track_src_activate_mode (GstPad * pad, GstObject * parent,
    GstPadMode mode, gboolean active)
{
  GstMediaEdgeTrack *self = (GstMediaEdgeTrack *) parent;

  if (mode != GST_PAD_MODE_PULL)
    return TRUE;

  return gst_pad_activate_mode (self->sinkpad, GST_PAD_MODE_PULL, active);
}

/* ------------------------------------------------------------------ */
/* action signals: what only the application knows */

/* Runs what an action signal asks; a refusal is a warning and changes
 * nothing. Takes @fields if floating. */
static gboolean
run_action (GstMediaEdgeTrack * self, const gchar * name,
    GstMediaEdgeInputType type, GVariant * fields)
{
  GstMediaEdgeInput input = {.type = type,.fields = fields };
  g_autoptr (GError) error = NULL;

  if (gst_media_edge_watch_feed (self->watch, &input, &error))
    return TRUE;

  GST_WARNING_OBJECT (self, "%s refused: %s", name, error->message);

  return FALSE;
}

static gboolean
run_details_action (GstMediaEdgeTrack * self, const gchar * name,
    GstMediaEdgeInputType type, const GstStructure * details)
{
  return run_action (self, name, type,
      gst_media_edge_structure_to_fields (details));
}

static gboolean
ad_break_start (GstMediaEdgeTrack * self, const GstStructure * details)
{
  return run_details_action (self, "ad-break-start",
      GST_MEDIA_EDGE_INPUT_AD_BREAK_START, details);
}

static gboolean
ad_break_complete (GstMediaEdgeTrack * self)
{
  return run_action (self, "ad-break-complete",
      GST_MEDIA_EDGE_INPUT_AD_BREAK_COMPLETE, NULL);
}

/* advertisingDetails.playerName is required: player-name unless given */
static gboolean
ad_start (GstMediaEdgeTrack * self, const GstStructure * details)
{
  GVariant *fields;

  GST_OBJECT_LOCK (self);
  fields = gst_media_edge_ad_fields (details, self->props->player_name);
  GST_OBJECT_UNLOCK (self);

  return run_action (self, "ad-start", GST_MEDIA_EDGE_INPUT_AD_START, fields);
}

static gboolean
ad_complete (GstMediaEdgeTrack * self)
{
  return run_action (self, "ad-complete", GST_MEDIA_EDGE_INPUT_AD_COMPLETE,
      NULL);
}

static gboolean
ad_skip (GstMediaEdgeTrack * self)
{
  return run_action (self, "ad-skip", GST_MEDIA_EDGE_INPUT_AD_SKIP, NULL);
}

static gboolean
chapter_start (GstMediaEdgeTrack * self, const GstStructure * details)
{
  return run_details_action (self, "chapter-start",
      GST_MEDIA_EDGE_INPUT_CHAPTER_START, details);
}

static gboolean
chapter_complete (GstMediaEdgeTrack * self)
{
  return run_action (self, "chapter-complete",
      GST_MEDIA_EDGE_INPUT_CHAPTER_COMPLETE, NULL);
}

static gboolean
chapter_skip (GstMediaEdgeTrack * self)
{
  return run_action (self, "chapter-skip", GST_MEDIA_EDGE_INPUT_CHAPTER_SKIP,
      NULL);
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

  return run_action (self, "states-update",
      GST_MEDIA_EDGE_INPUT_STATES_UPDATE, fields);
}

static gboolean
track_error (GstMediaEdgeTrack * self, const gchar * name, const gchar * source)
{
  GVariantDict fields;

  /* Python passes str, but C may pass anything: a string the service
   * could not take is refused, not sent */
  if ((name && !g_utf8_validate (name, -1, NULL))
      || (source && !g_utf8_validate (source, -1, NULL))) {
    GST_WARNING_OBJECT (self, "track-error refused: its name and source "
        "must be UTF-8 strings");
    return FALSE;
  }
  g_variant_dict_init (&fields, NULL);
  g_variant_dict_insert (&fields, "name", "s", name ? name : "");
  g_variant_dict_insert (&fields, "source", "s", source ? source : "player");

  return run_action (self, "track-error", GST_MEDIA_EDGE_INPUT_TRACK_ERROR,
      g_variant_dict_end (&fields));
}

/* ------------------------------------------------------------------ */
/* GObject */

static void
gst_media_edge_track_set_property (GObject * object, guint prop_id,
    const GValue * value, GParamSpec * pspec)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (object);
  g_autoptr (GError) error = NULL;

  if (prop_id == 0 || prop_id >= GST_MEDIA_EDGE_N_SETTINGS) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }

  GST_OBJECT_LOCK (self);
  gst_media_edge_settings_set (self->props, prop_id, value, &error);
  GST_OBJECT_UNLOCK (self);

  if (error)
    GST_WARNING_OBJECT (self, "%s refused: %s", pspec->name, error->message);
}

static void
gst_media_edge_track_get_property (GObject * object, guint prop_id,
    GValue * value, GParamSpec * pspec)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (object);

  if (prop_id == PROP_STATS) {
    g_value_take_boxed (value,
        gst_media_edge_session_get_stats (self->session));
    return;
  }
  if (prop_id == 0 || prop_id > GST_MEDIA_EDGE_N_SETTINGS) {
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    return;
  }

  GST_OBJECT_LOCK (self);
  gst_media_edge_settings_get (self->props, prop_id, value);
  GST_OBJECT_UNLOCK (self);
}

static void
gst_media_edge_track_finalize (GObject * object)
{
  GstMediaEdgeTrack *self = GST_MEDIA_EDGE_TRACK (object);

  gst_media_edge_watch_free (self->watch);
  gst_media_edge_session_free (self->session);
  gst_media_edge_settings_unref (self->props);

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
install_action_signals (GstMediaEdgeTrackClass * klass)
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
  g_signal_new_class_handler ("ad-break-start", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (ad_break_start), NULL,
      NULL, NULL, G_TYPE_BOOLEAN, 1, GST_TYPE_STRUCTURE);
  /**
   * GstMediaEdgeTrack::ad-break-complete:
   * @track: the element
   *
   * The ad break ends (adBreakComplete), completing an ad still open; the
   * playback state follows if the service does not have it yet.
   *
   * Returns: %FALSE, with a warning, outside an ad break
   */
  g_signal_new_class_handler ("ad-break-complete", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (ad_break_complete), NULL,
      NULL, NULL, G_TYPE_BOOLEAN, 0);
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
  g_signal_new_class_handler ("ad-start", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (ad_start), NULL, NULL,
      NULL, G_TYPE_BOOLEAN, 1, GST_TYPE_STRUCTURE);
  /**
   * GstMediaEdgeTrack::ad-complete:
   * @track: the element
   *
   * The ad played to its end (adComplete).
   *
   * Returns: %FALSE, with a warning, when no ad plays
   */
  g_signal_new_class_handler ("ad-complete", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (ad_complete), NULL, NULL,
      NULL, G_TYPE_BOOLEAN, 0);
  /**
   * GstMediaEdgeTrack::ad-skip:
   * @track: the element
   *
   * The viewer skipped the ad (adSkip).
   *
   * Returns: %FALSE, with a warning, when no ad plays
   */
  g_signal_new_class_handler ("ad-skip", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (ad_skip), NULL, NULL,
      NULL, G_TYPE_BOOLEAN, 0);
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
  g_signal_new_class_handler ("chapter-start", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (chapter_start), NULL,
      NULL, NULL, G_TYPE_BOOLEAN, 1, GST_TYPE_STRUCTURE);
  /**
   * GstMediaEdgeTrack::chapter-complete:
   * @track: the element
   *
   * The chapter played to its end (chapterComplete).
   *
   * Returns: %FALSE, with a warning, when no chapter is open
   */
  g_signal_new_class_handler ("chapter-complete", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (chapter_complete), NULL,
      NULL, NULL, G_TYPE_BOOLEAN, 0);
  /**
   * GstMediaEdgeTrack::chapter-skip:
   * @track: the element
   *
   * The viewer left the chapter before its end (chapterSkip).
   *
   * Returns: %FALSE, with a warning, when no chapter is open
   */
  g_signal_new_class_handler ("chapter-skip", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (chapter_skip), NULL,
      NULL, NULL, G_TYPE_BOOLEAN, 0);
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
  g_signal_new_class_handler ("states-update", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (states_update), NULL,
      NULL, NULL, G_TYPE_BOOLEAN, 1, GST_TYPE_STRUCTURE);
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
  g_signal_new_class_handler ("track-error", G_TYPE_FROM_CLASS (klass),
      G_SIGNAL_RUN_LAST | G_SIGNAL_ACTION, G_CALLBACK (track_error), NULL, NULL,
      NULL, G_TYPE_BOOLEAN, 2, G_TYPE_STRING, G_TYPE_STRING);
}

static void
gst_media_edge_track_class_init (GstMediaEdgeTrackClass * klass)
{
  GObjectClass *gobject_class = G_OBJECT_CLASS (klass);
  GstElementClass *element_class = GST_ELEMENT_CLASS (klass);

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
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_CONFIG_ID,
      "config-id", "Datastream ID",
      "The Adobe datastream id (configId) to report to; required with "
      "api=edge", NULL);
  /**
   * GstMediaEdgeTrack:endpoint:
   *
   * Base URL of the API; with the Media Edge API each event goes to
   * `{endpoint}/{eventType}?configId=…`; with the Media Collection API
   * (`api=collection`, which needs it set) it is the customer's
   * collection host, e.g. `https://example.hb-api.omtrdc.net`, and events
   * go to `{endpoint}/api/v1/sessions[/{sid}/events]`. Must be an http or
   * https URL.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_ENDPOINT,
      "endpoint", "Endpoint", "Base URL of the API (http or https): the Media "
      "Edge API's, or with api=collection your Media Collection host",
      MEDIA_EDGE_DEFAULT_ENDPOINT);
  /**
   * GstMediaEdgeTrack:api:
   *
   * Which of Adobe's APIs to report to: the Media Edge API (`edge`, a
   * datastream named by `config-id`) or the legacy Media Collection API
   * (`collection`, an Analytics report suite: set `endpoint`,
   * `tracking-server`, `report-suite`, `visitor-id` and `org-id`). The
   * same events either way.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, GST_MEDIA_EDGE_SETTING_API,
      g_param_spec_enum ("api", "API", "Adobe API to report to",
          GST_TYPE_MEDIA_EDGE_API, GST_MEDIA_EDGE_API_EDGE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  gst_type_mark_as_plugin_api (GST_TYPE_MEDIA_EDGE_API, 0);
  /**
   * GstMediaEdgeTrack:tracking-server:
   *
   * With `api=collection`: analytics.trackingServer, required.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_TRACKING_SERVER, "tracking-server",
      "Tracking server", "api=collection: the Analytics tracking server "
      "(analytics.trackingServer), required", NULL);
  /**
   * GstMediaEdgeTrack:report-suite:
   *
   * With `api=collection`: analytics.reportSuite, required.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_REPORT_SUITE,
      "report-suite", "Report suite", "api=collection: the Analytics report "
      "suite id (analytics.reportSuite), required", NULL);
  /**
   * GstMediaEdgeTrack:visitor-id:
   *
   * With `api=collection`: analytics.visitorId, required.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_VISITOR_ID,
      "visitor-id", "Visitor id", "api=collection: the Analytics visitor id "
      "(analytics.visitorId), required", NULL);
  /**
   * GstMediaEdgeTrack:org-id:
   *
   * With `api=collection`: visitor.marketingCloudOrgId, required.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_ORG_ID,
      "org-id", "Organization id", "api=collection: the Experience Cloud "
      "organization id (visitor.marketingCloudOrgId), required", NULL);
  /**
   * GstMediaEdgeTrack:content-id:
   *
   * sessionDetails.name, the content's unique id. When unset: the title
   * tag, else the basename of the source URI, else `unknown`.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_CONTENT_ID,
      "content-id", "Content ID",
      "Unique id of the content (sessionDetails.name); "
      "default: the title tag, else the URI's basename, else \"unknown\"",
      NULL);
  /**
   * GstMediaEdgeTrack:content-name:
   *
   * sessionDetails.friendlyName. When unset: the title tag.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_CONTENT_NAME,
      "content-name", "Content name",
      "Human-readable name of the content "
      "(sessionDetails.friendlyName); default: the title tag", NULL);
  /**
   * GstMediaEdgeTrack:channel:
   *
   * sessionDetails.channel, the distribution channel.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_CHANNEL,
      "channel", "Channel",
      "Distribution channel of the content " "(sessionDetails.channel)",
      GST_MEDIA_EDGE_DEFAULT_CHANNEL);
  /**
   * GstMediaEdgeTrack:player-name:
   *
   * sessionDetails.playerName.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_PLAYER_NAME,
      "player-name", "Player name",
      "Name of the player (sessionDetails.playerName)",
      GST_MEDIA_EDGE_DEFAULT_PLAYER_NAME);
  /**
   * GstMediaEdgeTrack:app-version:
   *
   * sessionDetails.appVersion; left out when unset.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_APP_VERSION,
      "app-version", "Application version",
      "Version of the player application " "(sessionDetails.appVersion)", NULL);
  /**
   * GstMediaEdgeTrack:content-type:
   *
   * sessionDetails.contentType. When unset: `VOD`, or `Live` when the
   * pipeline is live.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_CONTENT_TYPE,
      "content-type", "Content type",
      "Broadcast content type (sessionDetails.contentType); "
      "default: \"VOD\", or \"Live\" for a live source", NULL);
  /**
   * GstMediaEdgeTrack:length:
   *
   * sessionDetails.length in seconds; -1 takes the pipeline's duration, or
   * 86400 for a live pipeline or an unknown duration.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, GST_MEDIA_EDGE_SETTING_LENGTH,
      g_param_spec_int ("length", "Length",
          "Content length in seconds (sessionDetails.length); -1: the "
          "pipeline's duration, 86400 when live or unknown", -1, G_MAXINT,
          GST_MEDIA_EDGE_DEFAULT_LENGTH,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
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
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_SESSION_DETAILS,
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
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_CUSTOM_METADATA,
      g_param_spec_boxed ("custom-metadata", "Custom metadata",
          "Name/value pairs sent as customMetadata on sessionStart",
          GST_TYPE_STRUCTURE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:ping-interval:
   *
   * Seconds of real time between pings, counted from the session start.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_PING_INTERVAL, g_param_spec_uint ("ping-interval",
          "Ping interval", "Seconds between pings during main content",
          MEDIA_EDGE_PING_INTERVAL_MIN, MEDIA_EDGE_PING_INTERVAL_MAX,
          MEDIA_EDGE_PING_INTERVAL_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:ad-ping-interval:
   *
   * Seconds of real time between pings while an ad plays.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_AD_PING_INTERVAL,
      g_param_spec_uint ("ad-ping-interval", "Ad ping interval",
          "Seconds between pings while an ad plays",
          MEDIA_EDGE_AD_PING_INTERVAL_MIN, MEDIA_EDGE_AD_PING_INTERVAL_MAX,
          MEDIA_EDGE_AD_PING_INTERVAL_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:flush-timeout:
   *
   * How long READY→NULL waits, at most, for queued events to be delivered.
   * The bound holds per process: once an element stopping gave up waiting
   * (the service away), the next ones stop at once until the service
   * answers again. What is not delivered waits in the journal under
   * #GstMediaEdgeTrack:state-dir for the next run.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_FLUSH_TIMEOUT, g_param_spec_uint ("flush-timeout",
          "Flush timeout",
          "Milliseconds READY to NULL waits at most for queued events", 0,
          G_MAXUINT, GST_MEDIA_EDGE_DEFAULT_FLUSH_TIMEOUT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_PLAYING));

  /**
   * GstMediaEdgeTrack:request-timeout:
   *
   * How long a request may go unanswered before it is tried again.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_REQUEST_TIMEOUT,
      g_param_spec_uint ("request-timeout", "Request timeout",
          "Milliseconds a request may go unanswered before it is tried again",
          1, G_MAXINT, MEDIA_EDGE_REQUEST_TIMEOUT_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:retry-delay:
   *
   * The wait before a request that failed for a network reason (or a 408,
   * 429, 502, 503, 504 answer) is tried again. It doubles at each attempt,
   * up to 30 times as long, with ±30 % jitter; a longer Retry-After wins,
   * a shorter one (0, a date past) does not shorten it.
   *
   * A session the service lost (404, 410) is resumed at once; when the
   * new one is lost too before the service took any event but its
   * sessionStart, the next resume waits as a retry would. After 10 such
   * resumes in a row tracking stops until the next item (or the next
   * play from READY), with a warning.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_RETRY_DELAY, g_param_spec_uint ("retry-delay",
          "Retry delay",
          "Milliseconds before the first retry; doubles up to 30 times as "
          "long", 1, G_MAXINT / MEDIA_EDGE_MAX_BACKOFF_FACTOR,
          MEDIA_EDGE_RETRY_DELAY_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
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
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_MAX_QUEUED_EVENTS,
      g_param_spec_uint ("max-queued-events", "Max queued events",
          "Events kept waiting at most per session (pings dropped first)", 1,
          G_MAXINT, MEDIA_EDGE_MAX_QUEUED_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
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
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_IDLE_TIMEOUT, g_param_spec_uint ("idle-timeout",
          "Idle timeout",
          "Seconds not playing, or playing without data, after which the "
          "session ends (0: never)", 0, G_MAXINT / 1000,
          MEDIA_EDGE_IDLE_TIMEOUT_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:unreachable-timeout:
   *
   * Seconds a request may go on failing (no connection, no answer, a busy
   * service) before the element posts a warning, once a run, which
   * gst-launch prints and a kiosk's journal keeps; the events are kept and
   * tried again all the same. 0: never warn.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_UNREACHABLE_TIMEOUT,
      g_param_spec_uint ("unreachable-timeout", "Unreachable timeout",
          "Seconds the service may be out of reach before a warning "
          "(0: never)", 0, G_MAXINT / 1000,
          MEDIA_EDGE_UNREACHABLE_TIMEOUT_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
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
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_CA_FILE,
      "ca-file", "CA file",
      "PEM file of the CAs to trust for HTTPS instead of the " "system's",
      NULL);
  /**
   * GstMediaEdgeTrack:proxy:
   *
   * Proxy to send requests through, e.g. `http://proxy:3128`, instead of
   * the system's settings (`http_proxy`, `https_proxy`, GProxyResolver),
   * which apply when it is unset.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_PROXY, "proxy",
      "Proxy", "Proxy URI to use instead of the system's proxy settings", NULL);
  /**
   * GstMediaEdgeTrack:state-dir:
   *
   * The folder where the device keeps its identity between runs: its FPID
   * (with `fpid=auto`), and per datastream the Edge Network's client state
   * entries and location hint, each until it expires. Unset: the user's
   * state folder, `$XDG_STATE_HOME/gst-mediaedge` (by default
   * `~/.local/state/gst-mediaedge`). An empty string keeps nothing on
   * disk: the state lives as long as the process. Files are written mode
   * 0600, merged with what other processes wrote; an unwritable or corrupt
   * one is said once in a warning, and tracking goes on without it.
   *
   * Its `spool` folder keeps the journal of each session's requests not
   * yet answered, so that a crash, a power cut or a long time offline
   * loses nothing: what a run left unsent is sent by the next element to
   * start, in any process (see #GstMediaEdgeTrack:offline-after and
   * #GstMediaEdgeTrack:spool-max-bytes). An empty string turns the
   * journal off.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_STATE_DIR,
      "state-dir", "State folder",
      "Folder where the device's identity (FPID, Edge client state, location "
      "hint) is kept between runs; default: $XDG_STATE_HOME/gst-mediaedge; "
      "empty: nothing is kept on disk", NULL);
  /**
   * GstMediaEdgeTrack:fpid:
   *
   * The device's first-party id, sent as the primary FPID of
   * sessionStart's identityMap, from which the Edge Network derives a
   * stable visitor (ECID): a device or a logged-in viewer stays one
   * visitor across sessions and restarts. `auto`: a random UUID made once
   * and kept in #GstMediaEdgeTrack:state-dir. Unset: no identityMap; the
   * client state entries alone carry the visitor. With `api=collection`
   * it stands for an unset `visitor-id`.
   *
   * Since: 0.1
   */
  install_string_property (gobject_class, GST_MEDIA_EDGE_SETTING_FPID, "fpid",
      "First-party id", "The device's first-party id (identityMap.FPID); "
      "\"auto\": a UUID made once and kept in state-dir; unset: none", NULL);
  /**
   * GstMediaEdgeTrack:fpid-authenticated-state:
   *
   * The authenticatedState of #GstMediaEdgeTrack:fpid, for players whose
   * viewers log in.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_FPID_AUTHENTICATED_STATE,
      g_param_spec_enum ("fpid-authenticated-state",
          "FPID authenticated state",
          "authenticatedState of the FPID in identityMap",
          GST_TYPE_MEDIA_EDGE_AUTHENTICATED_STATE,
          GST_MEDIA_EDGE_AUTHENTICATED_STATE_AMBIGUOUS,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  gst_type_mark_as_plugin_api (GST_TYPE_MEDIA_EDGE_AUTHENTICATED_STATE, 0);
  /**
   * GstMediaEdgeTrack:max-connections:
   *
   * Connections to the service's host at most, kept open between
   * requests and shared by every element of the process with the same
   * transport (#GstMediaEdgeTrack:ca-file, #GstMediaEdgeTrack:proxy) and
   * limit. A request waits for a free one before it is sent, and
   * #GstMediaEdgeTrack:request-timeout counts from then: under a
   * backlog, a request the service was still to read does not time out.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_MAX_CONNECTIONS,
      g_param_spec_uint ("max-connections", "Max connections",
          "Connections to the service's host at most, kept open and shared "
          "by the process's elements", 1, 256,
          MEDIA_EDGE_MAX_CONNECTIONS_DEFAULT,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:offline-after:
   *
   * Seconds a session may go without an answer to its sessionStart
   * before it becomes an offline session: its events are then kept in its
   * journal under #GstMediaEdgeTrack:state-dir only, and once it has
   * ended and the service answers again, the whole session goes as one
   * `/downloaded` request, with its original timestamps and playheads.
   * A session that started live stays live. Media Edge API only, and
   * only with a journal (a state-dir that is not empty). 0: never go
   * offline.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_OFFLINE_AFTER,
      g_param_spec_uint ("offline-after", "Offline after",
          "Seconds without a session started before the session is kept "
          "on disk and sent whole later (/downloaded); 0: never", 0,
          G_MAXINT / 1000, GST_MEDIA_EDGE_DEFAULT_OFFLINE_AFTER,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:spool-max-bytes:
   *
   * The most the journals of unsent requests (`<state-dir>/spool`) may
   * hold, all sessions and processes together; past it, the oldest whole
   * sessions not in use are removed, counted in `stats` as
   * `spool-dropped`. 0: no bound. The first element of a process to use
   * a spool sets its bounds.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_SPOOL_MAX_BYTES,
      g_param_spec_uint64 ("spool-max-bytes", "Spool max bytes",
          "Bytes the journals of unsent requests may hold at most, oldest "
          "sessions removed first (0: no bound)", 0, G_MAXUINT64,
          GST_MEDIA_EDGE_DEFAULT_SPOOL_MAX_BYTES,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:spool-max-age:
   *
   * Seconds a journal of unsent requests is kept at most; older sessions
   * are removed, counted in `stats` as `spool-dropped`. 0: no bound.
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class,
      GST_MEDIA_EDGE_SETTING_SPOOL_MAX_AGE,
      g_param_spec_uint ("spool-max-age", "Spool max age",
          "Seconds a journal of unsent requests is kept at most "
          "(0: no bound)", 0, G_MAXUINT,
          GST_MEDIA_EDGE_DEFAULT_SPOOL_MAX_AGE,
          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
          GST_PARAM_MUTABLE_READY));
  /**
   * GstMediaEdgeTrack:stats:
   *
   * What became of the requests of this element's sessions: `sent`,
   * `retried` (attempts that failed and were tried again), `dropped`,
   * `queued` (waiting now), `sessions-started`, `last-error` (the last
   * failure met: a try that failed, an answer that refused a request, a
   * session lost), and `last-drop` (why the last request dropped was
   * dropped, which may follow from an earlier failure: a session without
   * an id, a full queue). Drops that follow from a failure leave
   * `last-error` as it was, so that it keeps saying what went wrong.
   * The journal on disk: `spooled` (requests written to it),
   * `replayed` (requests an earlier run left unsent, delivered since),
   * `downloaded-sessions` (sessions played offline, delivered whole) and
   * `spool-dropped` (whole sessions removed past
   * #GstMediaEdgeTrack:spool-max-bytes or #GstMediaEdgeTrack:spool-max-age).
   *
   * Since: 0.1
   */
  g_object_class_install_property (gobject_class, PROP_STATS,
      g_param_spec_boxed ("stats", "Statistics",
          "Requests sent, retried, dropped and queued, sessions started, "
          "the last error and why the last request was dropped, and what "
          "the journal on disk kept and replayed",
          GST_TYPE_STRUCTURE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  install_action_signals (klass);

  gst_element_class_set_static_metadata (element_class,
      "Media Edge tracker", "Generic",
      "Reports playback sessions to Adobe's Media Edge API",
      "gst-mediaedge contributors");
  gst_element_class_add_static_pad_template (element_class, &sink_template);
  gst_element_class_add_static_pad_template (element_class, &src_template);

  element_class->change_state =
      GST_DEBUG_FUNCPTR (gst_media_edge_track_change_state);
}

static void
gst_media_edge_track_init (GstMediaEdgeTrack * self)
{
  self->props = gst_media_edge_settings_new ();
  self->session = gst_media_edge_session_new (GST_ELEMENT (self));
  self->watch = gst_media_edge_watch_new (GST_ELEMENT (self), self->session);
  gst_segment_init (&self->segment, GST_FORMAT_UNDEFINED);

  self->sinkpad = gst_pad_new_from_static_template (&sink_template, "sink");
  gst_pad_set_chain_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_media_edge_track_chain));
  gst_pad_set_chain_list_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_media_edge_track_chain_list));
  gst_pad_set_event_function (self->sinkpad,
      GST_DEBUG_FUNCPTR (gst_media_edge_track_sink_event));
  GST_PAD_SET_PROXY_CAPS (self->sinkpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->sinkpad);
  GST_PAD_SET_PROXY_SCHEDULING (self->sinkpad);
  gst_element_add_pad (GST_ELEMENT (self), self->sinkpad);

  self->srcpad = gst_pad_new_from_static_template (&src_template, "src");
  gst_pad_set_getrange_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_media_edge_track_getrange));
  gst_pad_set_activatemode_function (self->srcpad,
      GST_DEBUG_FUNCPTR (gst_media_edge_track_src_activate_mode));
  GST_PAD_SET_PROXY_CAPS (self->srcpad);
  GST_PAD_SET_PROXY_ALLOCATION (self->srcpad);
  GST_PAD_SET_PROXY_SCHEDULING (self->srcpad);
  gst_element_add_pad (GST_ELEMENT (self), self->srcpad);
}
