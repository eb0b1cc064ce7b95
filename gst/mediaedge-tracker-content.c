/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The tracker's rules for what the content is made of: ad breaks, the
 * ads inside them (and the content playhead standing still meanwhile),
 * the application's chapters and the stream's own. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mediaedge-tracker-private.h"
#include "mediaedge-xdm.h"

gboolean
_media_edge_tracker_require_session (MediaEdgeTracker * tracker,
    const gchar * what, GError ** error)
{
  if (tracker->in_session && !tracker->dormant)
    return TRUE;
  if (tracker->in_session) {
    g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
        MEDIA_EDGE_TRACKER_ERROR_NO_SESSION, "%s: the session ended for "
        "idleness and resumes when playback does", what);
    return FALSE;
  }

  g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
      MEDIA_EDGE_TRACKER_ERROR_NO_SESSION, "%s: no tracking session", what);

  return FALSE;
}

static gboolean
require_open (Part * part, const gchar * what, const gchar * needed,
    GError ** error)
{
  if (part->open)
    return TRUE;

  g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
      MEDIA_EDGE_TRACKER_ERROR_OUT_OF_ORDER, "%s without %s", what, needed);

  return FALSE;
}

/* Emits @type for the open @part and closes it. */
void
_media_edge_tracker_close_part (MediaEdgeTracker * tracker, Part * part,
    MediaEdgeEventType type, MediaEdgeTime now, gdouble position)
{
  if (!part->open)
    return;

  _media_edge_tracker_emit (tracker, type, now, position);
  _media_edge_tracker_part_close (part);
}

static void
close_ad (MediaEdgeTracker * tracker, MediaEdgeEventType type,
    MediaEdgeTime now, gdouble position)
{
  if (!tracker->ad.open)
    return;

  _media_edge_tracker_close_part (tracker, &tracker->ad, type, now, position);
  _media_edge_tracker_schedule_ping (tracker, now);
}

void
_media_edge_tracker_close_ad_break (MediaEdgeTracker * tracker,
    MediaEdgeEventType ad_type, MediaEdgeTime now, gdouble position)
{
  if (!tracker->ad_break.open)
    return;

  close_ad (tracker, ad_type, now, position);
  _media_edge_tracker_close_part (tracker, &tracker->ad_break,
      MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, now, position);
  tracker->break_seconds += MAX (position - tracker->break_position, 0.0);
}

/* Emits @type with @details and @custom_metadata, opening @part; takes
 * both references. */
static MediaEdgeEvent *
open_part (MediaEdgeTracker * tracker, Part * part, MediaEdgeEventType type,
    MediaEdgeTime now, gdouble position, GVariant * details,
    GVariant * custom_metadata)
{
  MediaEdgeEvent *event =
      _media_edge_tracker_emit (tracker, type, now, position);

  media_edge_event_set_details (event, details);
  media_edge_event_set_custom_metadata (event, custom_metadata);
  _media_edge_tracker_part_open (part, details, custom_metadata);

  return event;
}

gboolean
media_edge_tracker_start_ad_break (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * fields, GError ** error)
{
  g_autoptr (GVariant) owned = g_variant_take_ref (fields);
  GVariant *details = NULL;

  g_return_val_if_fail (tracker != NULL, FALSE);

  /* check everything before closing anything: a refused call changes
   * nothing */
  if (!_media_edge_tracker_require_session (tracker, "adBreakStart", error)
      || !media_edge_xdm_normalize (MEDIA_EDGE_XDM_AD_POD, owned, TRUE,
          &details, NULL, error))
    return FALSE;

  media_edge_tracker_advance (tracker, now, position);
  /* a new break closes the open ad and break, as Adobe's SDKs do */
  _media_edge_tracker_close_ad_break (tracker, MEDIA_EDGE_EVENT_AD_COMPLETE,
      now, position);
  tracker->break_position = position;
  tracker->break_playhead = open_part (tracker, &tracker->ad_break,
      MEDIA_EDGE_EVENT_AD_BREAK_START, now, position, details, NULL)->playhead;

  return TRUE;
}

gboolean
media_edge_tracker_complete_ad_break (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  if (!_media_edge_tracker_require_session (tracker, "adBreakComplete", error)
      || !require_open (&tracker->ad_break, "adBreakComplete",
          "an ad break", error))
    return FALSE;

  media_edge_tracker_advance (tracker, now, position);
  _media_edge_tracker_close_ad_break (tracker, MEDIA_EDGE_EVENT_AD_COMPLETE,
      now, position);
  /* the backend learns the playback state only if it lacks it: a pre-roll
   * ends with play (Adobe's Timeline 2), a mid-roll in a stream that kept
   * playing adds nothing (Adobe's implementation examples, Example 2) */
  _media_edge_tracker_report_playback (tracker, now, position);

  return TRUE;
}

gboolean
media_edge_tracker_start_ad (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position, GVariant * fields, GError ** error)
{
  g_autoptr (GVariant) owned = g_variant_take_ref (fields);
  GVariant *details = NULL, *custom_metadata = NULL;

  g_return_val_if_fail (tracker != NULL, FALSE);

  if (!_media_edge_tracker_require_session (tracker, "adStart", error)
      || !require_open (&tracker->ad_break, "adStart", "an ad break", error))
    return FALSE;
  if (!media_edge_xdm_normalize (MEDIA_EDGE_XDM_AD, owned, TRUE, &details,
          &custom_metadata, error))
    return FALSE;

  media_edge_tracker_advance (tracker, now, position);
  /* a new ad skips the one still playing, as Adobe's SDKs do */
  close_ad (tracker, MEDIA_EDGE_EVENT_AD_SKIP, now, position);
  open_part (tracker, &tracker->ad, MEDIA_EDGE_EVENT_AD_START, now, position,
      details, custom_metadata);
  _media_edge_tracker_schedule_ping (tracker, now);
  /* a pause or buffering that began before the ad is the ad's now */
  _media_edge_tracker_report_playback (tracker, now, position);

  return TRUE;
}

/* Emits @type for the open @part, which a chapter or an ad must be. */
static gboolean
finish_part (MediaEdgeTracker * tracker, Part * part, const gchar * needed,
    MediaEdgeEventType type, MediaEdgeTime now, gdouble position,
    GError ** error)
{
  const gchar *what = media_edge_event_type_get_name (type);

  if (!_media_edge_tracker_require_session (tracker, what, error)
      || !require_open (part, what, needed, error))
    return FALSE;

  media_edge_tracker_advance (tracker, now, position);
  if (part == &tracker->ad)
    close_ad (tracker, type, now, position);
  else
    _media_edge_tracker_close_part (tracker, part, type, now, position);

  return TRUE;
}

gboolean
media_edge_tracker_complete_ad (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  return finish_part (tracker, &tracker->ad, "an ad playing",
      MEDIA_EDGE_EVENT_AD_COMPLETE, now, position, error);
}

gboolean
media_edge_tracker_skip_ad (MediaEdgeTracker * tracker, MediaEdgeTime now,
    gdouble position, GError ** error)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  return finish_part (tracker, &tracker->ad, "an ad playing",
      MEDIA_EDGE_EVENT_AD_SKIP, now, position, error);
}

static gboolean
open_chapter (MediaEdgeTracker * tracker, MediaEdgeTime now, gdouble position,
    GVariant * fields, GError ** error)
{
  g_autoptr (GVariant) owned = g_variant_take_ref (fields);
  GVariant *details = NULL, *custom_metadata = NULL;

  if (!_media_edge_tracker_require_session (tracker, "chapterStart", error))
    return FALSE;
  if (!media_edge_xdm_normalize (MEDIA_EDGE_XDM_CHAPTER, owned, TRUE,
          &details, &custom_metadata, error))
    return FALSE;

  media_edge_tracker_advance (tracker, now, position);
  /* a new chapter skips the open one, as Adobe's SDKs do */
  _media_edge_tracker_close_part (tracker, &tracker->chapter,
      MEDIA_EDGE_EVENT_CHAPTER_SKIP, now, position);
  open_part (tracker, &tracker->chapter, MEDIA_EDGE_EVENT_CHAPTER_START, now,
      position, details, custom_metadata);

  return TRUE;
}

/* The application's chapters: from the first on, the stream's chapters no
 * longer count in this session, since the application knows better. */
gboolean
media_edge_tracker_start_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GVariant * fields, GError ** error)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  if (!open_chapter (tracker, now, position, fields, error))
    return FALSE;
  tracker->app_chapters = TRUE;

  return TRUE;
}

/* Completes the stream chapter playback ran out of (or skips it when a
 * seek left it), then starts the one playback is in; once the player has
 * played, so that chapterStart never precedes play. */
void
_media_edge_tracker_reconcile_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position)
{
  gdouble stop = tracker->reported_chapter_stop;
  GVariant *fields = tracker->stream_chapter_fields;

  if (!tracker->played || tracker->app_chapters || tracker->dormant
      || tracker->stream_chapter == tracker->reported_chapter)
    return;

  if (tracker->reported_chapter >= 0 && tracker->chapter.open) {
    gboolean ran_out = position >= stop && position < stop + 1.0;

    _media_edge_tracker_close_part (tracker, &tracker->chapter, ran_out ?
        MEDIA_EDGE_EVENT_CHAPTER_COMPLETE : MEDIA_EDGE_EVENT_CHAPTER_SKIP, now,
        position);
  }
  tracker->reported_chapter = tracker->stream_chapter;
  tracker->reported_chapter_stop = tracker->stream_chapter_stop;
  if (fields && !open_chapter (tracker, now, position, g_variant_ref (fields),
          NULL))
    _media_edge_tracker_log (tracker, "chapter %d of the stream left out",
        tracker->stream_chapter + 1);
}

/**
 * media_edge_tracker_set_stream_chapter:
 * @index: the chapter of the stream's own table of contents that playback
 *   is in, or -1 for none
 * @fields: (nullable): its chapterDetails fields, as for
 *   media_edge_tracker_start_chapter()
 * @stop: where it ends, in stream seconds
 *
 * The stream's chapters are reported as playback crosses them, unless the
 * application drives chapters itself.
 */
void
media_edge_tracker_set_stream_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, gint index, GVariant * fields,
    gdouble stop)
{
  g_autoptr (GVariant) owned = fields ? g_variant_take_ref (fields) : NULL;

  g_return_if_fail (tracker != NULL);

  g_clear_pointer (&tracker->stream_chapter_fields, g_variant_unref);
  tracker->stream_chapter = index;
  tracker->stream_chapter_fields = g_steal_pointer (&owned);
  tracker->stream_chapter_stop = stop;
  if (tracker->in_session)
    _media_edge_tracker_reconcile_chapter (tracker, now, position);
}

gboolean
media_edge_tracker_complete_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  return finish_part (tracker, &tracker->chapter, "an open chapter",
      MEDIA_EDGE_EVENT_CHAPTER_COMPLETE, now, position, error);
}

gboolean
media_edge_tracker_skip_chapter (MediaEdgeTracker * tracker,
    MediaEdgeTime now, gdouble position, GError ** error)
{
  g_return_val_if_fail (tracker != NULL, FALSE);

  return finish_part (tracker, &tracker->chapter, "an open chapter",
      MEDIA_EDGE_EVENT_CHAPTER_SKIP, now, position, error);
}
