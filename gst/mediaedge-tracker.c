/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The tracker is the state machine of one tracking session at a time. It
 * owns every rule of the Media Edge API (docs/architecture.md, "Where the
 * rules come from"): the
 * session opens with sessionStart, pings follow every ping interval of real
 * time whatever else was sent, a player that stops buffering while the
 * application keeps it paused has not been paused by the user, ads live
 * only inside ad breaks, the content playhead stands still during a break,
 * timestamps strictly ascend. Inputs are facts stamped with the caller's
 * clock and the stream position; outputs are the events due, in order. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdarg.h>

#include "mediaedge-tracker-private.h"
#include "mediaedge-xdm.h"

#define SECONDS_PER_DAY (24 * 60 * 60)


/* Spelled out rather than G_DEFINE_QUARK: gst-indent would put spaces into
 * the dashed name the macro stringifies. */
GQuark
media_edge_tracker_error_quark (void)
{
  return g_quark_from_static_string ("media-edge-tracker-error-quark");
}


void
_media_edge_tracker_part_close (Part * part)
{
  part->open = FALSE;
  g_clear_pointer (&part->details, g_variant_unref);
  g_clear_pointer (&part->custom_metadata, g_variant_unref);
}

/* Takes the references to @details and @custom_metadata. */
void
_media_edge_tracker_part_open (Part * part, GVariant * details,
    GVariant * custom_metadata)
{
  _media_edge_tracker_part_close (part);
  part->open = TRUE;
  part->details = details;
  part->custom_metadata = custom_metadata;
}

MediaEdgeTracker *
media_edge_tracker_new (guint ping_interval_s)
{
  MediaEdgeTracker *tracker;

  g_return_val_if_fail (ping_interval_s > 0, NULL);

  tracker = g_new0 (MediaEdgeTracker, 1);
  tracker->ping_interval = ping_interval_s * MEDIA_EDGE_SECOND;
  tracker->ad_ping_interval =
      MEDIA_EDGE_AD_PING_INTERVAL_DEFAULT * MEDIA_EDGE_SECOND;
  tracker->idle_timeout = MEDIA_EDGE_IDLE_TIMEOUT_DEFAULT * MEDIA_EDGE_SECOND;
  tracker->max_session_length =
      MEDIA_EDGE_MAX_SESSION_LENGTH_DEFAULT * MEDIA_EDGE_SECOND;
  tracker->idle_since = MEDIA_EDGE_TIME_NONE;
  tracker->next_ping = MEDIA_EDGE_TIME_NONE;
  tracker->states = media_edge_states_new ();
  tracker->stream_chapter = tracker->reported_chapter = -1;
  tracker->stalled_since = MEDIA_EDGE_TIME_NONE;
  tracker->qoe = media_edge_qoe_new ();
  tracker->events =
      g_ptr_array_new_with_free_func ((GDestroyNotify) media_edge_event_free);

  return tracker;
}

void
media_edge_tracker_free (MediaEdgeTracker * tracker)
{
  if (tracker == NULL)
    return;

  _media_edge_tracker_part_close (&tracker->chapter);
  _media_edge_tracker_part_close (&tracker->ad_break);
  _media_edge_tracker_part_close (&tracker->ad);
  g_clear_pointer (&tracker->session_details, g_variant_unref);
  g_clear_pointer (&tracker->session_metadata, g_variant_unref);
  g_clear_pointer (&tracker->stream_chapter_fields, g_variant_unref);
  media_edge_states_free (tracker->states);
  media_edge_qoe_free (tracker->qoe);
  g_ptr_array_unref (tracker->events);
  g_free (tracker);
}

/**
 * media_edge_tracker_set_log_func:
 *
 * Where the tracker says why it decided what it did; the caller's logging
 * knows whose tracker this is.
 */
void
media_edge_tracker_set_log_func (MediaEdgeTracker * tracker,
    MediaEdgeTrackerLogFunc func, gpointer user_data)
{
  g_return_if_fail (tracker != NULL);

  tracker->log_func = func;
  tracker->log_data = user_data;
}

void
_media_edge_tracker_log (MediaEdgeTracker * tracker, const gchar * format, ...)
{
  g_autofree gchar *message = NULL;
  va_list args;

  if (tracker->log_func == NULL)
    return;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  tracker->log_func (message, tracker->log_data);
}

/* ------------------------------------------------------------------ */
/* events */

/* Wall-clock time of @now, one millisecond after the previous event at
 * least: the service orders events by timestamp and needs them distinct. */
static gint64
timestamp_for (MediaEdgeTracker * tracker, MediaEdgeTime now)
{
  gint64 elapsed_ms = 0;
  gint64 timestamp;

  if (now > tracker->session_start)
    elapsed_ms = (now - tracker->session_start) / (MEDIA_EDGE_SECOND / 1000);

  timestamp = tracker->session_start_wall_ms + elapsed_ms;
  timestamp = MAX (timestamp, tracker->last_timestamp_ms + 1);
  tracker->last_timestamp_ms = timestamp;

  return timestamp;
}

static gdouble
second_of_day (gint64 timestamp_ms)
{
  return (gdouble) ((timestamp_ms / 1000) % SECONDS_PER_DAY);
}

/* The playhead of an event at @timestamp_ms: it stands still while an ad
 * break lasts (Adobe's implementation examples, Example 2); live content
 * has the second of the day (UTC), which ads do not shift (Adobe's session
 * endpoints page); other content the stream
 * position less the ads stitched into it. */
static gdouble
playhead_for (MediaEdgeTracker * tracker, gint64 timestamp_ms, gdouble position)
{
  if (tracker->ad_break.open)
    return tracker->break_playhead;
  if (tracker->live)
    return second_of_day (timestamp_ms);

  return MAX (position - tracker->break_seconds, 0.0);
}

/* qoeDataDetails go out when they changed since the last report, and
 * always with bitrateChange and error (as Adobe's SDKs do); never with
 * sessionStart. */
static void
attach_qoe (MediaEdgeTracker * tracker, MediaEdgeEvent * event)
{
  if (event->type == MEDIA_EDGE_EVENT_SESSION_START)
    return;

  event->qoe = media_edge_qoe_take_report (tracker->qoe,
      event->type == MEDIA_EDGE_EVENT_BITRATE_CHANGE
      || event->type == MEDIA_EDGE_EVENT_ERROR);
}

MediaEdgeEvent *
_media_edge_tracker_emit (MediaEdgeTracker * tracker, MediaEdgeEventType type,
    MediaEdgeTime now, gdouble position)
{
  MediaEdgeEvent *event;
  gint64 timestamp = timestamp_for (tracker, now);

  event = media_edge_event_new (type, timestamp, playhead_for (tracker,
          timestamp, position));
  attach_qoe (tracker, event);
  /* an API may name the break an ad plays in (the Collection API's
   * media.ad.podFriendlyName) */
  if (type == MEDIA_EDGE_EVENT_AD_START && tracker->ad_break.open
      && tracker->ad_break.details)
    event->ad_break = g_variant_ref (tracker->ad_break.details);
  g_ptr_array_add (tracker->events, event);
  _media_edge_tracker_log (tracker,
      "%s at %" G_GINT64_FORMAT " ms, playhead %.3f",
      media_edge_event_type_get_name (type), event->timestamp_ms,
      event->playhead);

  return event;
}

/* ------------------------------------------------------------------ */
/* the session */

/* Takes effect at the next session start. */
void
media_edge_tracker_set_ping_interval (MediaEdgeTracker * tracker,
    guint ping_interval_s)
{
  g_return_if_fail (tracker != NULL);
  g_return_if_fail (ping_interval_s > 0);

  tracker->ping_interval = ping_interval_s * MEDIA_EDGE_SECOND;
}

/* Takes effect at the next adStart. */
void
media_edge_tracker_set_ad_ping_interval (MediaEdgeTracker * tracker,
    guint ping_interval_s)
{
  g_return_if_fail (tracker != NULL);
  g_return_if_fail (ping_interval_s > 0);

  tracker->ad_ping_interval = ping_interval_s * MEDIA_EDGE_SECOND;
}

/* Seconds without playing after which the session ends, as Adobe's SDKs
 * do; 0 never ends it. */
void
media_edge_tracker_set_idle_timeout (MediaEdgeTracker * tracker,
    guint timeout_s)
{
  g_return_if_fail (tracker != NULL);

  tracker->idle_timeout = timeout_s * MEDIA_EDGE_SECOND;
}

/* Seconds after which a session is ended and a new one resumes it: the
 * service stops computing sessions longer than a day. */
void
media_edge_tracker_set_max_session_length (MediaEdgeTracker * tracker,
    guint length_s)
{
  g_return_if_fail (tracker != NULL);
  g_return_if_fail (length_s > 0);

  tracker->max_session_length = length_s * MEDIA_EDGE_SECOND;
}

/* Live content: each event's playhead is the second of the day of its own
 * time; the positions given are still the stream's, which the rules (a
 * chapter played to its end) compare. The events not yet handed out, held
 * until the session is described, take it too: a player may know whether
 * its source is live only once it has prerolled. */
void
media_edge_tracker_set_live (MediaEdgeTracker * tracker, gboolean live)
{
  g_return_if_fail (tracker != NULL);

  if (tracker->live == live)
    return;
  tracker->live = live;
  if (!live || tracker->described)
    return;
  for (guint i = tracker->start_index; i < tracker->events->len; i++) {
    MediaEdgeEvent *event = g_ptr_array_index (tracker->events, i);

    event->playhead = second_of_day (event->timestamp_ms);
    /* a break opened meanwhile (a pre-roll) stands still at its start's */
    if (event->type == MEDIA_EDGE_EVENT_AD_BREAK_START)
      tracker->break_playhead = event->playhead;
  }
}

static void
reset_session_state (MediaEdgeTracker * tracker)
{
  tracker->playing = FALSE;
  tracker->buffering = FALSE;
  tracker->seeking = FALSE;
  tracker->stalled_since = MEDIA_EDGE_TIME_NONE;
  tracker->playing_since = MEDIA_EDGE_TIME_NONE;
  tracker->reported = PLAYBACK_STARTING;
  tracker->ad_played = FALSE;
  tracker->dormant = FALSE;
  g_clear_pointer (&tracker->session_details, g_variant_unref);
  g_clear_pointer (&tracker->session_metadata, g_variant_unref);
  _media_edge_tracker_part_close (&tracker->chapter);
  _media_edge_tracker_part_close (&tracker->ad_break);
  _media_edge_tracker_part_close (&tracker->ad);
  tracker->break_seconds = 0;
  media_edge_states_clear (tracker->states);
  /* a new session knows the stream's chapter once it is told again */
  tracker->reported_chapter = tracker->stream_chapter = -1;
  g_clear_pointer (&tracker->stream_chapter_fields, g_variant_unref);
  tracker->app_chapters = FALSE;
  tracker->played = FALSE;
  media_edge_qoe_start_session (tracker->qoe);
}

gboolean
media_edge_tracker_start_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gint64 wall_time_ms, gdouble position)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  if (tracker->in_session)
    return FALSE;

  reset_session_state (tracker);
  tracker->in_session = TRUE;
  tracker->described = FALSE;
  tracker->session_start = now;
  tracker->session_start_wall_ms = wall_time_ms;
  tracker->last_timestamp_ms = wall_time_ms - 1;
  tracker->last_ping = now;
  tracker->next_ping = now + tracker->ping_interval;
  tracker->idle_since = now;
  tracker->flow_seen_at = now;
  tracker->start_index = tracker->events->len;

  _media_edge_tracker_emit (tracker, MEDIA_EDGE_EVENT_SESSION_START, now,
      position);

  return TRUE;
}

static GVariant *resumed_details (MediaEdgeTracker * tracker);

/* Sessions resumed before the first was described (a pipeline idle in
 * preroll) get its details now. */
static void
describe_resumed_starts (MediaEdgeTracker * tracker)
{
  for (guint i = tracker->start_index + 1; i < tracker->events->len; i++) {
    MediaEdgeEvent *event = g_ptr_array_index (tracker->events, i);

    if (event->type != MEDIA_EDGE_EVENT_SESSION_START || event->details)
      continue;
    media_edge_event_set_details (event, resumed_details (tracker));
    media_edge_event_set_custom_metadata (event, tracker->session_metadata);
  }
}

/**
 * media_edge_tracker_describe_session:
 * @session_details: (transfer full): sessionDetails, floating or not
 * @custom_metadata: (transfer full) (nullable): `a{ss}`, floating or not
 *
 * Gives the session its details; the events held until then go out.
 */
void
media_edge_tracker_describe_session (MediaEdgeTracker * tracker,
    GVariant * session_details, GVariant * custom_metadata)
{
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GVariant) metadata = NULL;
  MediaEdgeEvent *start;

  g_return_if_fail (tracker != NULL);
  g_return_if_fail (session_details != NULL);

  details = g_variant_take_ref (session_details);
  metadata = custom_metadata ? g_variant_take_ref (custom_metadata) : NULL;
  if (tracker->described || tracker->start_index >= tracker->events->len)
    return;

  start = g_ptr_array_index (tracker->events, tracker->start_index);
  g_assert (start->type == MEDIA_EDGE_EVENT_SESSION_START);
  media_edge_event_set_details (start, details);
  media_edge_event_set_custom_metadata (start, metadata);
  /* kept to resume the session later */
  tracker->session_details = g_variant_ref (start->details);
  tracker->session_metadata = start->custom_metadata ?
      g_variant_ref (start->custom_metadata) : NULL;
  tracker->described = TRUE;
  describe_resumed_starts (tracker);
}

gboolean
media_edge_tracker_is_described (MediaEdgeTracker * tracker)
{
  return tracker->described;
}

gboolean
media_edge_tracker_in_session (MediaEdgeTracker * tracker)
{
  return tracker->in_session;
}

/* ------------------------------------------------------------------ */
/* pings */

static MediaEdgeTime
current_ping_interval (MediaEdgeTracker * tracker)
{
  return tracker->ad.open ? tracker->ad_ping_interval : tracker->ping_interval;
}

/* The next ping is one interval after the last one (or the session start),
 * and never in the past: entering an ad with a shorter interval starts
 * its pings from the grid already laid. */
void
_media_edge_tracker_schedule_ping (MediaEdgeTracker * tracker,
    MediaEdgeTime now)
{
  MediaEdgeTime interval = current_ping_interval (tracker);
  MediaEdgeTime next = tracker->last_ping + interval;

  if (next <= now)
    next += ((now - next) / interval + 1) * interval;
  tracker->next_ping = next;
}

static void emit_due_ping (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position);
static void end_for_idleness (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position);
static void restart_session (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position);

static MediaEdgeTime
idle_deadline (MediaEdgeTracker * tracker)
{
  if (tracker->idle_timeout == 0 || tracker->idle_since == MEDIA_EDGE_TIME_NONE)
    return MEDIA_EDGE_TIME_NONE;

  return tracker->idle_since + tracker->idle_timeout;
}

static MediaEdgeTime
long_session_deadline (MediaEdgeTracker * tracker)
{
  return tracker->session_start + tracker->max_session_length;
}

/* Brings the session up to @now: the ping due, then the end of an idle
 * session, or the restart of one that lasted a day. */
void
media_edge_tracker_advance (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position)
{
  g_return_if_fail (tracker != NULL);

  if (!tracker->in_session || tracker->dormant)
    return;

  emit_due_ping (tracker, now, position);
  if (now >= idle_deadline (tracker)) {
    end_for_idleness (tracker, now, position);
  } else if (now >= long_session_deadline (tracker)) {
    _media_edge_tracker_log (tracker, "the session lasted %" G_GUINT64_FORMAT
        " s: a new one resumes it",
        tracker->max_session_length / MEDIA_EDGE_SECOND);
    _media_edge_tracker_emit (tracker, MEDIA_EDGE_EVENT_SESSION_END, now,
        position);
    restart_session (tracker, now, position);
  }
}

static void
emit_due_ping (MediaEdgeTracker * tracker, MediaEdgeTime now, gdouble position)
{
  MediaEdgeTime due;

  if (now < tracker->next_ping)
    return;

  /* Pings keep to their grid. If several were missed (a suspended
   * machine), one ping stands for all of them. */
  due = tracker->next_ping;
  if (now > due)
    due += (now - due) / current_ping_interval (tracker) *
        current_ping_interval (tracker);
  _media_edge_tracker_emit (tracker, MEDIA_EDGE_EVENT_PING, due, position);
  tracker->last_ping = due;
  _media_edge_tracker_schedule_ping (tracker, now);
}

MediaEdgeTime
media_edge_tracker_get_next_deadline (MediaEdgeTracker * tracker)
{
  g_return_val_if_fail (tracker != NULL, MEDIA_EDGE_TIME_NONE);

  if (!tracker->in_session || tracker->dormant)
    return MEDIA_EDGE_TIME_NONE;

  return MIN (tracker->next_ping, MIN (idle_deadline (tracker),
          long_session_deadline (tracker)));
}

/* ------------------------------------------------------------------ */
/* playback */

static PlaybackState
desired_playback (MediaEdgeTracker * tracker)
{
  if (tracker->buffering)
    return PLAYBACK_BUFFERING;
  /* Adobe's SDKs map seeking to a pause */
  if (tracker->seeking)
    return PLAYBACK_PAUSED;
  return tracker->playing ? PLAYBACK_PLAYING : PLAYBACK_PAUSED;
}

static MediaEdgeEventType
playback_event (PlaybackState state)
{
  switch (state) {
    case PLAYBACK_PLAYING:
      return MEDIA_EDGE_EVENT_PLAY;
    case PLAYBACK_BUFFERING:
      return MEDIA_EDGE_EVENT_BUFFER_START;
    case PLAYBACK_PAUSED:
    default:
      return MEDIA_EDGE_EVENT_PAUSE_START;
  }
}

/* Whether the backend should hear about @desired now. A player that comes
 * to rest after prerolling or after buffering was not paused by the user
 * (but one pausing a pre-roll ad it played was):
 * the usual application pauses the pipeline while it buffers and plays it
 * again at 100 %, which must read as bufferStart then play. Inside an ad
 * break the player's state is the ad's: with no ad playing there is
 * nothing to report, and an ad playing before the content ever did is not
 * the content playing (Adobe's Timeline 2: a pre-roll break ends with
 * play). */
static gboolean
should_report (MediaEdgeTracker * tracker, PlaybackState desired)
{
  if (desired == tracker->reported)
    return FALSE;
  if (tracker->ad_break.open && !tracker->ad.open)
    return FALSE;
  if (desired == PLAYBACK_PAUSED && tracker->reported == PLAYBACK_BUFFERING)
    return FALSE;
  if (desired == PLAYBACK_PAUSED && tracker->reported == PLAYBACK_STARTING
      && !(tracker->ad.open && tracker->ad_played))
    return FALSE;
  if (desired == PLAYBACK_PLAYING && tracker->reported == PLAYBACK_STARTING
      && tracker->ad_break.open)
    return FALSE;

  return TRUE;
}

void
_media_edge_tracker_report_playback (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position)
{
  PlaybackState desired = desired_playback (tracker);

  if (desired == PLAYBACK_PLAYING && tracker->ad.open)
    tracker->ad_played = TRUE;
  if (!should_report (tracker, desired))
    return;

  if (desired == PLAYBACK_PLAYING && media_edge_qoe_get (tracker->qoe,
          MEDIA_EDGE_QOE_TIME_TO_START) == MEDIA_EDGE_QOE_UNKNOWN) {
    /* timeToStart: session start to the first play, whole seconds */
    media_edge_qoe_set (tracker->qoe, MEDIA_EDGE_QOE_TIME_TO_START,
        (now - tracker->session_start + MEDIA_EDGE_SECOND / 2) /
        MEDIA_EDGE_SECOND);
  }
  _media_edge_tracker_emit (tracker, playback_event (desired), now, position);
  tracker->reported = desired;
}

typedef enum
{
  FACT_PLAYING,
  FACT_BUFFERING,
  FACT_SEEKING,
} PlaybackFact;



/* Playing (again): no data came during the pause, as none should, and the
 * data has had no time to flow yet. Only from now on is its absence a
 * stall. */
static void
restart_data_watch (MediaEdgeTracker * tracker, MediaEdgeTime now)
{
  tracker->flow_seen_at = now;
  tracker->stalled_since = MEDIA_EDGE_TIME_NONE;
}

/* The idle clock: since when the player has not been playing, or has
 * been playing without data. A stall counts from when playback started at
 * the earliest: a stream paused for long is not stalled the moment it
 * plays again. */
static void
track_idleness (MediaEdgeTracker * tracker, MediaEdgeTime now)
{
  if (desired_playback (tracker) != PLAYBACK_PLAYING) {
    tracker->playing_since = MEDIA_EDGE_TIME_NONE;
    if (tracker->idle_since == MEDIA_EDGE_TIME_NONE)
      tracker->idle_since = now;
    return;
  }

  if (tracker->playing_since == MEDIA_EDGE_TIME_NONE)
    tracker->playing_since = now;
  if (tracker->stalled_since == MEDIA_EDGE_TIME_NONE)
    tracker->idle_since = MEDIA_EDGE_TIME_NONE;
  else
    tracker->idle_since = MAX (tracker->stalled_since, tracker->playing_since);
}

static gboolean
is_idle (MediaEdgeTracker * tracker)
{
  return tracker->idle_since != MEDIA_EDGE_TIME_NONE;
}

/* After a fact changed: the idle clock, then what the backend hears. */
static void
settle_playback (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position)
{
  track_idleness (tracker, now);
  /* an idle session comes back when playback resumes */
  if (tracker->dormant) {
    if (!is_idle (tracker))
      restart_session (tracker, now, position);
    return;
  }
  _media_edge_tracker_report_playback (tracker, now, position);
}

static void
set_fact (MediaEdgeTracker * tracker, MediaEdgeTime now, gdouble position,
    PlaybackFact fact, gboolean value)
{
  if (!tracker->in_session)
    return;

  media_edge_tracker_advance (tracker, now, position);
  switch (fact) {
    case FACT_PLAYING:
      tracker->playing = value;
      if (value)
        restart_data_watch (tracker, now);
      break;
    case FACT_BUFFERING:
      tracker->buffering = value;
      break;
    case FACT_SEEKING:
      tracker->seeking = value;
      break;
  }
  settle_playback (tracker, now, position);
  if (fact == FACT_PLAYING && value) {
    tracker->played = TRUE;
    _media_edge_tracker_reconcile_chapter (tracker, now, position);
  }
}

void
media_edge_tracker_set_playing (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position, gboolean playing)
{
  g_return_if_fail (tracker != NULL);

  set_fact (tracker, now, position, FACT_PLAYING, playing);
}

void
media_edge_tracker_set_buffering (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gboolean buffering)
{
  g_return_if_fail (tracker != NULL);

  set_fact (tracker, now, position, FACT_BUFFERING, buffering);
}

void
media_edge_tracker_set_seeking (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gboolean seeking)
{
  g_return_if_fail (tracker != NULL);

  set_fact (tracker, now, position, FACT_SEEKING, seeking);
}

/**
 * media_edge_tracker_set_stalled:
 * @since: since when no data has come, or %MEDIA_EDGE_TIME_NONE when it
 *   comes again
 *
 * A player playing without data is stalled. Nothing is reported for it,
 * but a stall counts as idle: one that lasts the idle timeout ends the
 * session, and the data coming again resumes it.
 */
void
media_edge_tracker_set_stalled (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, MediaEdgeTime since)
{
  g_return_if_fail (tracker != NULL);
  g_return_if_fail (since == MEDIA_EDGE_TIME_NONE || since <= now);

  if (!tracker->in_session)
    return;

  media_edge_tracker_advance (tracker, now, position);
  tracker->stalled_since = since;
  settle_playback (tracker, now, position);
}

/**
 * media_edge_tracker_observe_data:
 * @buffers: how many buffers the player has seen so far
 *
 * Looks at the data flow, as often as the caller's wake-ups come (each
 * ping at least): a count that did not move since the last look is a
 * stall, from the last look that saw data; a count that moved ends it.
 */
void
media_edge_tracker_observe_data (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, guint64 buffers)
{
  g_return_if_fail (tracker != NULL);

  if (buffers != tracker->flow_count) {
    tracker->flow_count = buffers;
    tracker->flow_seen_at = now;
    if (media_edge_tracker_is_stalled (tracker)) {
      _media_edge_tracker_log (tracker, "data flows again");
      media_edge_tracker_set_stalled (tracker, now, position,
          MEDIA_EDGE_TIME_NONE);
    }
  } else if (!media_edge_tracker_is_stalled (tracker)
      && tracker->flow_seen_at <= now) {
    _media_edge_tracker_log (tracker, "no data since %" G_GUINT64_FORMAT " ns",
        tracker->flow_seen_at);
    media_edge_tracker_set_stalled (tracker, now, position,
        tracker->flow_seen_at);
  }
}

/* Whether data stopped flowing: the next buffer is worth a look. */
gboolean
media_edge_tracker_is_stalled (MediaEdgeTracker * tracker)
{
  return tracker->stalled_since != MEDIA_EDGE_TIME_NONE;
}

/* droppedFrames: what every source of QoS says it dropped, added up */
void
media_edge_tracker_set_dropped_frames (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gconstpointer source, guint64 dropped)
{
  g_return_if_fail (tracker != NULL);

  media_edge_tracker_set_qoe (tracker, now, position,
      MEDIA_EDGE_QOE_DROPPED_FRAMES,
      media_edge_qoe_add_dropped_frames (tracker->qoe, source, dropped));
}

/* ------------------------------------------------------------------ */
/* player states, errors, QoE */

/**
 * media_edge_tracker_update_states:
 * @states: `a{sb}`: player state name → whether it is active
 *
 * Sends statesUpdate with the states that start and end; states already
 * in the asked condition change nothing.
 */
gboolean
media_edge_tracker_update_states (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * states, GError ** error)
{
  g_autoptr (GVariant) owned = g_variant_take_ref (states);
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GError) refusal = NULL;

  g_return_val_if_fail (tracker != NULL, FALSE);
  g_return_val_if_fail (g_variant_is_of_type (owned, G_VARIANT_TYPE
          ("a{sb}")), FALSE);

  if (!_media_edge_tracker_require_session (tracker, "statesUpdate", error))
    return FALSE;
  details = media_edge_states_update (tracker->states, owned, &refusal);
  if (refusal) {
    g_propagate_error (error, g_steal_pointer (&refusal));
    return FALSE;
  }
  if (details == NULL)
    return TRUE;

  media_edge_tracker_advance (tracker, now, position);
  media_edge_event_set_details (_media_edge_tracker_emit (tracker,
          MEDIA_EDGE_EVENT_STATES_UPDATE, now, position), details);

  return TRUE;
}

gboolean
media_edge_tracker_track_error (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position, GVariant * fields, GError ** error)
{
  g_autoptr (GVariant) owned = g_variant_take_ref (fields);
  GVariant *details = NULL;

  g_return_val_if_fail (tracker != NULL, FALSE);

  if (!_media_edge_tracker_require_session (tracker, "error", error)
      || !media_edge_xdm_normalize (MEDIA_EDGE_XDM_ERROR, owned, TRUE,
          &details, NULL, error))
    return FALSE;

  media_edge_tracker_advance (tracker, now, position);
  media_edge_event_set_details (_media_edge_tracker_emit (tracker,
          MEDIA_EDGE_EVENT_ERROR, now, position), details);
  g_variant_unref (details);

  return TRUE;
}

/* A measurement of the player. A new bitrate in a session that already
 * had one is a bitrateChange; other values ride along with the next
 * event. */
void
media_edge_tracker_set_qoe (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position, MediaEdgeQoeField field, gint64 value)
{
  gint64 previous;

  g_return_if_fail (tracker != NULL);
  g_return_if_fail (field < MEDIA_EDGE_QOE_N_FIELDS);
  g_return_if_fail (value >= 0);

  previous = media_edge_qoe_set (tracker->qoe, field, value);
  if (field != MEDIA_EDGE_QOE_BITRATE || previous == value
      || previous == MEDIA_EDGE_QOE_UNKNOWN || !tracker->in_session)
    return;

  media_edge_tracker_advance (tracker, now, position);
  _media_edge_tracker_emit (tracker, MEDIA_EDGE_EVENT_BITRATE_CHANGE, now,
      position);
}

/* ------------------------------------------------------------------ */
/* ending for idleness, resuming */

static void
end_for_idleness (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position)
{
  _media_edge_tracker_log (tracker,
      "idle for %" G_GUINT64_FORMAT " s: the session ends",
      tracker->idle_timeout / MEDIA_EDGE_SECOND);
  _media_edge_tracker_emit (tracker, MEDIA_EDGE_EVENT_SESSION_END, now,
      position);
  tracker->dormant = TRUE;
  tracker->next_ping = MEDIA_EDGE_TIME_NONE;
}

static void
resend_part (MediaEdgeTracker * tracker, Part * part, MediaEdgeEventType type,
    MediaEdgeTime now, gdouble position)
{
  MediaEdgeEvent *event;

  if (!part->open)
    return;
  event = _media_edge_tracker_emit (tracker, type, now, position);
  media_edge_event_set_details (event, part->details);
  media_edge_event_set_custom_metadata (event, part->custom_metadata);
}

static void
resend_states (MediaEdgeTracker * tracker, MediaEdgeTime now, gdouble position)
{
  g_autoptr (GVariant) details =
      media_edge_states_describe_active (tracker->states);

  if (details)
    media_edge_event_set_details (_media_edge_tracker_emit (tracker,
            MEDIA_EDGE_EVENT_STATES_UPDATE, now, position), details);
}

static GVariant *
resumed_details (MediaEdgeTracker * tracker)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, tracker->session_details);
  g_variant_dict_insert (&dict, "hasResume", "b", TRUE);

  return g_variant_dict_end (&dict);
}

/* A new session that carries on the current one, as Adobe's SDKs resume:
 * sessionStart with hasResume, the open chapter, ad break and ad, the
 * active player states, then the playback state. */
static void
restart_session (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position)
{
  gint64 elapsed_ms = (now - tracker->session_start) / (MEDIA_EDGE_SECOND /
      1000);
  MediaEdgeEvent *start;

  tracker->session_start_wall_ms += elapsed_ms;
  tracker->session_start = now;
  tracker->dormant = FALSE;
  tracker->last_ping = now;
  _media_edge_tracker_schedule_ping (tracker, now);
  track_idleness (tracker, now);
  media_edge_qoe_forget_reported (tracker->qoe);

  start =
      _media_edge_tracker_emit (tracker, MEDIA_EDGE_EVENT_SESSION_START, now,
      position);
  /* if the first session is not described yet, this one will be with it */
  if (tracker->described) {
    media_edge_event_set_details (start, resumed_details (tracker));
    media_edge_event_set_custom_metadata (start, tracker->session_metadata);
  }
  resend_part (tracker, &tracker->chapter, MEDIA_EDGE_EVENT_CHAPTER_START,
      now, position);
  resend_part (tracker, &tracker->ad_break, MEDIA_EDGE_EVENT_AD_BREAK_START,
      now, position);
  resend_part (tracker, &tracker->ad, MEDIA_EDGE_EVENT_AD_START, now, position);
  resend_states (tracker, now, position);
  tracker->reported = PLAYBACK_RESUMING;
  _media_edge_tracker_report_playback (tracker, now, position);
}

/**
 * media_edge_tracker_restart_session:
 *
 * The service lost the session (404, 410): a new one resumes it. Nothing
 * happens outside a session or when it ended for idleness.
 */
void
media_edge_tracker_restart_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position)
{
  g_return_if_fail (tracker != NULL);

  if (!tracker->in_session || tracker->dormant)
    return;

  restart_session (tracker, now, position);
}

/* ------------------------------------------------------------------ */
/* the end */

/* Closes whatever is open. Content played to its end completes the open
 * ad, break and chapter first, as Adobe's SDKs do; a viewer who leaves
 * ends the session alone, and the service drops what was open with it
 * (Adobe's Timeline 2, action 16: sessionEnd during a mid-roll ad). */
static void
close_session (MediaEdgeTracker * tracker, MediaEdgeEventType type,
    MediaEdgeTime now, gdouble position)
{
  if (!tracker->in_session)
    return;

  media_edge_tracker_advance (tracker, now, position);
  /* ended for idleness already: nothing more to say */
  if (tracker->dormant) {
    reset_session_state (tracker);
    tracker->in_session = FALSE;
    tracker->next_ping = MEDIA_EDGE_TIME_NONE;
    return;
  }
  if (type == MEDIA_EDGE_EVENT_SESSION_COMPLETE) {
    _media_edge_tracker_close_ad_break (tracker, MEDIA_EDGE_EVENT_AD_COMPLETE,
        now, position);
    _media_edge_tracker_close_part (tracker, &tracker->chapter,
        MEDIA_EDGE_EVENT_CHAPTER_COMPLETE, now, position);
  }
  _media_edge_tracker_emit (tracker, type, now, position);
  reset_session_state (tracker);
  tracker->in_session = FALSE;
  tracker->next_ping = MEDIA_EDGE_TIME_NONE;
}

void
media_edge_tracker_complete_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position)
{
  g_return_if_fail (tracker != NULL);

  close_session (tracker, MEDIA_EDGE_EVENT_SESSION_COMPLETE, now, position);
}

void
media_edge_tracker_end_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position)
{
  g_return_if_fail (tracker != NULL);

  close_session (tracker, MEDIA_EDGE_EVENT_SESSION_END, now, position);
}

/**
 * media_edge_tracker_take_events:
 *
 * Returns: (transfer full): the events decided since the last call, in the
 * order they must be sent; empty while the session is not yet described.
 */
GPtrArray *
media_edge_tracker_take_events (MediaEdgeTracker * tracker)
{
  GPtrArray *taken;
  guint ready;

  g_return_val_if_fail (tracker != NULL, NULL);

  ready = tracker->described ? tracker->events->len : tracker->start_index;
  taken = g_ptr_array_new_full (ready, (GDestroyNotify) media_edge_event_free);
  for (guint i = 0; i < ready; i++)
    g_ptr_array_add (taken, g_ptr_array_steal_index (tracker->events, 0));
  tracker->start_index -= MIN (tracker->start_index, ready);

  return taken;
}
