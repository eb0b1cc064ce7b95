/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the tracker's files share and nobody else sees. */

#ifndef __MEDIA_EDGE_TRACKER_PRIVATE_H__
#define __MEDIA_EDGE_TRACKER_PRIVATE_H__

#include "mediaedge-tracker.h"
#include "mediaedge-qoe.h"
#include "mediaedge-states.h"

G_BEGIN_DECLS

/* What the backend was last told about playback. */
typedef enum
{
  PLAYBACK_STARTING,
  PLAYBACK_PLAYING,
  PLAYBACK_PAUSED,
  PLAYBACK_BUFFERING,
  PLAYBACK_RESUMING,            /* a resumed session: the state goes out,
                                 * whatever it is */
} PlaybackState;

/* An open chapter, ad break or ad: its details are kept so that a session
 * the service lost can be rebuilt. */
typedef struct
{
  gboolean open;
  GVariant *details;
  GVariant *custom_metadata;
} Part;

struct _MediaEdgeTracker
{
  MediaEdgeTime ping_interval;
  MediaEdgeTime ad_ping_interval;
  MediaEdgeTime idle_timeout;
  MediaEdgeTime max_session_length;
  gboolean live;

  gboolean in_session;
  /* ended for idleness; playback resuming starts it again */
  gboolean dormant;
  gboolean described;
  GVariant *session_details;
  GVariant *session_metadata;
  MediaEdgeTime session_start;
  gint64 session_start_wall_ms;
  gint64 last_timestamp_ms;
  MediaEdgeTime last_ping;
  MediaEdgeTime next_ping;
  /* since when the player has not been playing, or has been playing
   * without data, or NONE */
  MediaEdgeTime idle_since;
  /* since when it has been playing, or NONE */
  MediaEdgeTime playing_since;

  /* facts about the player */
  gboolean playing;
  gboolean buffering;
  gboolean seeking;
  /* since when no data has come, or NONE */
  MediaEdgeTime stalled_since;
  PlaybackState reported;
  /* an ad played before the content ever did (a pre-roll): pausing it is
   * the viewer's pause, not the player coming to rest */
  gboolean ad_played;

  /* what the content is made of right now */
  Part chapter;
  Part ad_break;
  Part ad;
  /* stream position at adBreakStart, and stream seconds spent in the
   * breaks before: ads stitched into the stream are not content */
  gdouble break_position;
  gdouble break_seconds;
  /* the playhead adBreakStart reported: it stands still in the break */
  gdouble break_playhead;

  /* the stream's own chapter (its TOC), and the one reported: the
   * application's chapters, once it drives them, win */
  gint stream_chapter;
  GVariant *stream_chapter_fields;
  gdouble stream_chapter_stop;
  gint reported_chapter;
  gdouble reported_chapter_stop;
  gboolean app_chapters;
  /* the player played in this session: chapters start only then */
  gboolean played;

  /* data seen: a count that stands still while playing is a stall */
  guint64 flow_count;
  MediaEdgeTime flow_seen_at;

  MediaEdgeStates *states;

  MediaEdgeTrackerLogFunc log_func;
  gpointer log_data;

  MediaEdgeQoe *qoe;

  /* events decided, waiting to be taken; nothing from the current
   * sessionStart (at start_index) on is handed out before it is described */
  GPtrArray *events;
  guint start_index;
};

/* mediaedge-tracker.c */
void _media_edge_tracker_log (MediaEdgeTracker * tracker,
    const gchar * format, ...) G_GNUC_PRINTF (2, 3);

MediaEdgeEvent *_media_edge_tracker_emit (MediaEdgeTracker * tracker,
    MediaEdgeEventType type, MediaEdgeTime now, gdouble position);

void _media_edge_tracker_schedule_ping (MediaEdgeTracker * tracker,
    MediaEdgeTime now);

void _media_edge_tracker_report_playback (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position);

void _media_edge_tracker_part_open (Part * part, GVariant * details,
    GVariant * custom_metadata);

void _media_edge_tracker_part_close (Part * part);

/* mediaedge-tracker-content.c */
gboolean _media_edge_tracker_require_session (MediaEdgeTracker * tracker,
    const gchar * what, GError ** error);

void _media_edge_tracker_close_part (MediaEdgeTracker * tracker, Part * part,
    MediaEdgeEventType type, MediaEdgeTime now, gdouble position);

void _media_edge_tracker_close_ad_break (MediaEdgeTracker * tracker,
    MediaEdgeEventType ad_type, MediaEdgeTime now, gdouble position);

void _media_edge_tracker_reconcile_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position);

G_END_DECLS

#endif /* __MEDIA_EDGE_TRACKER_PRIVATE_H__ */
