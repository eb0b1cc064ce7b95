/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The tracker is the state machine of one tracking session at a time. It
 * owns every rule of the Media Edge API (seed 000, RULES.md): the session
 * opens with sessionStart, pings follow every ping interval of real time
 * from the session start whatever else was sent, a player that stops
 * buffering while the application keeps it paused has not been paused by
 * the user, timestamps strictly ascend. Inputs are facts stamped with the
 * caller's clock; outputs are the events due, in order. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define G_LOG_DOMAIN "mediaedge-tracker"

#include "mediaedge-tracker.h"


/* What the backend was last told about playback. */
typedef enum
{
  PLAYBACK_STARTING,
  PLAYBACK_PLAYING,
  PLAYBACK_PAUSED,
  PLAYBACK_BUFFERING,
} PlaybackState;

struct _MediaEdgeTracker
{
  MediaEdgeTime ping_interval;

  gboolean in_session;
  gboolean described;
  MediaEdgeTime session_start;
  gint64 session_start_wall_ms;
  gint64 last_timestamp_ms;
  MediaEdgeTime next_ping;

  /* facts about the player */
  gboolean playing;
  gboolean buffering;
  PlaybackState reported;

  /* events decided, waiting to be taken; nothing from the current
   * sessionStart (at start_index) on is handed out before it is described */
  GPtrArray *events;
  guint start_index;
};

MediaEdgeTracker *
media_edge_tracker_new (guint ping_interval_s)
{
  MediaEdgeTracker *tracker = g_new0 (MediaEdgeTracker, 1);

  g_return_val_if_fail (ping_interval_s > 0, NULL);

  tracker->ping_interval = ping_interval_s * MEDIA_EDGE_SECOND;
  tracker->next_ping = MEDIA_EDGE_TIME_NONE;
  tracker->events =
      g_ptr_array_new_with_free_func ((GDestroyNotify) media_edge_event_free);

  return tracker;
}

void
media_edge_tracker_free (MediaEdgeTracker * tracker)
{
  if (tracker == NULL)
    return;

  g_ptr_array_unref (tracker->events);
  g_free (tracker);
}

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

static MediaEdgeEvent *
emit (MediaEdgeTracker * tracker, MediaEdgeEventType type, MediaEdgeTime now,
    gdouble playhead)
{
  MediaEdgeEvent *event;

  event = media_edge_event_new (type, timestamp_for (tracker, now), playhead);
  g_ptr_array_add (tracker->events, event);
  g_debug ("%s at %" G_GINT64_FORMAT " ms, playhead %.3f",
      media_edge_event_type_get_name (type), event->timestamp_ms, playhead);

  return event;
}

/* Takes effect at the next session start. */
void
media_edge_tracker_set_ping_interval (MediaEdgeTracker * tracker,
    guint ping_interval_s)
{
  g_return_if_fail (tracker != NULL);
  g_return_if_fail (ping_interval_s > 0);

  tracker->ping_interval = ping_interval_s * MEDIA_EDGE_SECOND;
}

gboolean
media_edge_tracker_start_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gint64 wall_time_ms, gdouble playhead)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  if (tracker->in_session)
    return FALSE;

  tracker->in_session = TRUE;
  tracker->described = FALSE;
  tracker->session_start = now;
  tracker->session_start_wall_ms = wall_time_ms;
  tracker->last_timestamp_ms = wall_time_ms - 1;
  tracker->next_ping = now + tracker->ping_interval;
  tracker->playing = FALSE;
  tracker->buffering = FALSE;
  tracker->reported = PLAYBACK_STARTING;
  tracker->start_index = tracker->events->len;

  emit (tracker, MEDIA_EDGE_EVENT_SESSION_START, now, playhead);

  return TRUE;
}

void
media_edge_tracker_describe_session (MediaEdgeTracker * tracker,
    GVariant * session_details, GVariant * custom_metadata)
{
  MediaEdgeEvent *start;

  g_return_if_fail (tracker != NULL);
  g_return_if_fail (session_details != NULL);

  if (tracker->described || tracker->start_index >= tracker->events->len) {
    g_variant_ref_sink (session_details);
    g_variant_unref (session_details);
    if (custom_metadata) {
      g_variant_ref_sink (custom_metadata);
      g_variant_unref (custom_metadata);
    }
    return;
  }

  start = g_ptr_array_index (tracker->events, tracker->start_index);
  g_assert (start->type == MEDIA_EDGE_EVENT_SESSION_START);
  media_edge_event_set_details (start, session_details);
  media_edge_event_set_custom_metadata (start, custom_metadata);
  tracker->described = TRUE;
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

void
media_edge_tracker_advance (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble playhead)
{
  MediaEdgeTime due;

  g_return_if_fail (tracker != NULL);

  if (!tracker->in_session || now < tracker->next_ping)
    return;

  /* Pings keep to the grid set by the session start. If several were
   * missed (a suspended machine), one ping stands for all of them. */
  due = tracker->next_ping;
  while (tracker->next_ping <= now) {
    due = tracker->next_ping;
    tracker->next_ping += tracker->ping_interval;
  }
  emit (tracker, MEDIA_EDGE_EVENT_PING, due, playhead);
}

static PlaybackState
desired_playback (MediaEdgeTracker * tracker)
{
  if (tracker->buffering)
    return PLAYBACK_BUFFERING;
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

/* Tell the backend about a change of playback state. A player that comes to
 * rest after prerolling or after buffering was not paused by the user: the
 * usual application pauses the pipeline while it buffers and plays it again
 * at 100 %, which must read as bufferStart then play. */
static void
report_playback (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble playhead)
{
  PlaybackState desired = desired_playback (tracker);

  if (desired == tracker->reported)
    return;
  if (desired == PLAYBACK_PAUSED && (tracker->reported == PLAYBACK_STARTING
          || tracker->reported == PLAYBACK_BUFFERING))
    return;

  emit (tracker, playback_event (desired), now, playhead);
  tracker->reported = desired;
}

void
media_edge_tracker_set_playing (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble playhead, gboolean playing)
{
  g_return_if_fail (tracker != NULL);

  if (!tracker->in_session)
    return;

  media_edge_tracker_advance (tracker, now, playhead);
  tracker->playing = playing;
  report_playback (tracker, now, playhead);
}

void
media_edge_tracker_set_buffering (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble playhead, gboolean buffering)
{
  g_return_if_fail (tracker != NULL);

  if (!tracker->in_session)
    return;

  media_edge_tracker_advance (tracker, now, playhead);
  tracker->buffering = buffering;
  report_playback (tracker, now, playhead);
}

static void
close_session (MediaEdgeTracker * tracker, MediaEdgeEventType type,
    MediaEdgeTime now, gdouble playhead)
{
  if (!tracker->in_session)
    return;

  media_edge_tracker_advance (tracker, now, playhead);
  emit (tracker, type, now, playhead);
  tracker->in_session = FALSE;
  tracker->next_ping = MEDIA_EDGE_TIME_NONE;
}

void
media_edge_tracker_complete_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble playhead)
{
  g_return_if_fail (tracker != NULL);

  close_session (tracker, MEDIA_EDGE_EVENT_SESSION_COMPLETE, now, playhead);
}

void
media_edge_tracker_end_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble playhead)
{
  g_return_if_fail (tracker != NULL);

  close_session (tracker, MEDIA_EDGE_EVENT_SESSION_END, now, playhead);
}

MediaEdgeTime
media_edge_tracker_get_next_deadline (MediaEdgeTracker * tracker)
{
  g_return_val_if_fail (tracker != NULL, MEDIA_EDGE_TIME_NONE);

  return tracker->next_ping;
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
