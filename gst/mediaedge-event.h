/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_EVENT_H__
#define __MEDIA_EDGE_EVENT_H__

#include <glib.h>

G_BEGIN_DECLS

/* Every event of the Media Edge API, in the order media-edge.yaml lists
 * them. The names returned by media_edge_event_type_get_name() are the
 * endpoint paths and, prefixed with "media.", the XDM eventType. */
typedef enum
{
  MEDIA_EDGE_EVENT_SESSION_START,
  MEDIA_EDGE_EVENT_SESSION_COMPLETE,
  MEDIA_EDGE_EVENT_SESSION_END,
  MEDIA_EDGE_EVENT_PLAY,
  MEDIA_EDGE_EVENT_PING,
  MEDIA_EDGE_EVENT_AD_BREAK_START,
  MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE,
  MEDIA_EDGE_EVENT_AD_START,
  MEDIA_EDGE_EVENT_AD_COMPLETE,
  MEDIA_EDGE_EVENT_AD_SKIP,
  MEDIA_EDGE_EVENT_BITRATE_CHANGE,
  MEDIA_EDGE_EVENT_BUFFER_START,
  MEDIA_EDGE_EVENT_CHAPTER_START,
  MEDIA_EDGE_EVENT_CHAPTER_COMPLETE,
  MEDIA_EDGE_EVENT_CHAPTER_SKIP,
  MEDIA_EDGE_EVENT_ERROR,
  MEDIA_EDGE_EVENT_PAUSE_START,
  MEDIA_EDGE_EVENT_STATES_UPDATE,
  MEDIA_EDGE_EVENT_N_TYPES
} MediaEdgeEventType;

/**
 * MediaEdgeEvent:
 * @type: what happened
 * @timestamp_ms: wall-clock time of the event, milliseconds since the Unix
 *   epoch (UTC)
 * @playhead: content position in seconds
 * @details: (nullable): the event's details object as an `a{sv}` dictionary
 *   whose keys are XDM field names (sessionDetails for sessionStart,
 *   chapterDetails for chapterStart, ...)
 * @custom_metadata: (nullable): `a{ss}` name → value pairs
 * @qoe: (nullable): `a{sv}` qoeDataDetails
 * @ad_break: (nullable): for adStart, the `a{sv}` advertisingPodDetails of
 *   the break the ad plays in
 *
 * A tracking event as the tracker decided it: plain GLib values, so that
 * neither the tracker nor the codecs need GStreamer.
 */
typedef struct
{
  MediaEdgeEventType type;
  gint64 timestamp_ms;
  gdouble playhead;
  GVariant *details;
  GVariant *custom_metadata;
  GVariant *qoe;
  GVariant *ad_break;
} MediaEdgeEvent;

const gchar *media_edge_event_type_get_name (MediaEdgeEventType type);

MediaEdgeEvent *media_edge_event_new (MediaEdgeEventType type,
    gint64 timestamp_ms, gdouble playhead);

void media_edge_event_set_details (MediaEdgeEvent * event, GVariant * details);

void media_edge_event_set_custom_metadata (MediaEdgeEvent * event,
    GVariant * custom_metadata);

void media_edge_event_free (MediaEdgeEvent * event);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeEvent, media_edge_event_free);

G_END_DECLS

#endif /* __MEDIA_EDGE_EVENT_H__ */
