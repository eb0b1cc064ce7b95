/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_TRACKER_H__
#define __MEDIA_EDGE_TRACKER_H__

#include <glib.h>
#include "mediaedge-event.h"

G_BEGIN_DECLS

/* Monotonic time in nanoseconds, as the caller's clock gives it. The tracker
 * reads no clock: every input carries the time it happened. */
typedef guint64 MediaEdgeTime;

#define MEDIA_EDGE_TIME_NONE G_MAXUINT64
#define MEDIA_EDGE_SECOND G_GUINT64_CONSTANT (1000000000)

#define MEDIA_EDGE_PING_INTERVAL_MIN 10
#define MEDIA_EDGE_PING_INTERVAL_MAX 50
#define MEDIA_EDGE_PING_INTERVAL_DEFAULT 10
#define MEDIA_EDGE_AD_PING_INTERVAL_MIN 1
#define MEDIA_EDGE_AD_PING_INTERVAL_MAX 10
#define MEDIA_EDGE_AD_PING_INTERVAL_DEFAULT 10

/* not playing for 30 minutes ends a session; a day-long one is renewed
 * (as Adobe's SDKs do) */
#define MEDIA_EDGE_IDLE_TIMEOUT_DEFAULT (30 * 60)
#define MEDIA_EDGE_MAX_SESSION_LENGTH_DEFAULT (24 * 60 * 60)

/* At most this many distinct player states per session (Adobe's SDKs) */
#define MEDIA_EDGE_MAX_STATES 10

#define MEDIA_EDGE_TRACKER_ERROR (media_edge_tracker_error_quark ())

typedef enum
{
  MEDIA_EDGE_TRACKER_ERROR_NO_SESSION,
  MEDIA_EDGE_TRACKER_ERROR_OUT_OF_ORDER,
  MEDIA_EDGE_TRACKER_ERROR_BAD_STATE,
  MEDIA_EDGE_TRACKER_ERROR_TOO_MANY_STATES,
} MediaEdgeTrackerError;

/* The qoeDataDetails the player measures */
typedef enum
{
  MEDIA_EDGE_QOE_BITRATE,       /* kbps */
  MEDIA_EDGE_QOE_DROPPED_FRAMES,
  MEDIA_EDGE_QOE_FRAMES_PER_SECOND,
  MEDIA_EDGE_QOE_N_FIELDS
} MediaEdgeQoeField;

typedef struct _MediaEdgeTracker MediaEdgeTracker;

/* Told, in words, why the tracker decided what it did. */
typedef void (*MediaEdgeTrackerLogFunc) (const gchar * message,
    gpointer user_data);

GQuark media_edge_tracker_error_quark (void);

MediaEdgeTracker *media_edge_tracker_new (guint ping_interval_s);

void media_edge_tracker_free (MediaEdgeTracker * tracker);

void media_edge_tracker_set_log_func (MediaEdgeTracker * tracker,
    MediaEdgeTrackerLogFunc func, gpointer user_data);

void media_edge_tracker_set_ping_interval (MediaEdgeTracker * tracker,
    guint ping_interval_s);

void media_edge_tracker_set_ad_ping_interval (MediaEdgeTracker * tracker,
    guint ping_interval_s);

void media_edge_tracker_set_idle_timeout (MediaEdgeTracker * tracker,
    guint timeout_s);

void media_edge_tracker_set_max_session_length (MediaEdgeTracker * tracker,
    guint length_s);

void media_edge_tracker_set_live (MediaEdgeTracker * tracker, gboolean live);

void media_edge_tracker_restart_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position);

gboolean media_edge_tracker_start_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gint64 wall_time_ms, gdouble position);

void media_edge_tracker_describe_session (MediaEdgeTracker * tracker,
    GVariant * session_details, GVariant * custom_metadata);

gboolean media_edge_tracker_is_described (MediaEdgeTracker * tracker);

gboolean media_edge_tracker_in_session (MediaEdgeTracker * tracker);

void media_edge_tracker_set_playing (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gboolean playing);

void media_edge_tracker_set_buffering (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gboolean buffering);

void media_edge_tracker_set_seeking (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gboolean seeking);

void media_edge_tracker_set_stalled (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, MediaEdgeTime since);

void media_edge_tracker_observe_data (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, guint64 buffers);

gboolean media_edge_tracker_is_stalled (MediaEdgeTracker * tracker);

void media_edge_tracker_set_dropped_frames (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gconstpointer source,
    guint64 dropped);

void media_edge_tracker_set_stream_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gint index, GVariant * fields,
    gdouble stop);

gboolean media_edge_tracker_start_ad_break (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * fields, GError ** error);

gboolean media_edge_tracker_complete_ad_break (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error);

gboolean media_edge_tracker_start_ad (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * fields, GError ** error);

gboolean media_edge_tracker_complete_ad (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error);

gboolean media_edge_tracker_skip_ad (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error);

gboolean media_edge_tracker_start_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * fields, GError ** error);

gboolean media_edge_tracker_complete_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error);

gboolean media_edge_tracker_skip_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error);

gboolean media_edge_tracker_update_states (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * states, GError ** error);

gboolean media_edge_tracker_track_error (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * fields, GError ** error);

void media_edge_tracker_set_qoe (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, MediaEdgeQoeField field,
    gint64 value);

void media_edge_tracker_complete_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position);

void media_edge_tracker_end_session (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position);

void media_edge_tracker_advance (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position);

MediaEdgeTime media_edge_tracker_get_next_deadline (MediaEdgeTracker * tracker);

GPtrArray *media_edge_tracker_take_events (MediaEdgeTracker * tracker);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeTracker, media_edge_tracker_free);

G_END_DECLS

#endif /* __MEDIA_EDGE_TRACKER_H__ */
