/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The event value the tracker decides and the codecs encode, and the
 * names of the Media Edge event types. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mediaedge-event.h"

static const gchar *const event_type_names[MEDIA_EDGE_EVENT_N_TYPES] = {
  [MEDIA_EDGE_EVENT_SESSION_START] = "sessionStart",
  [MEDIA_EDGE_EVENT_SESSION_COMPLETE] = "sessionComplete",
  [MEDIA_EDGE_EVENT_SESSION_END] = "sessionEnd",
  [MEDIA_EDGE_EVENT_PLAY] = "play",
  [MEDIA_EDGE_EVENT_PING] = "ping",
  [MEDIA_EDGE_EVENT_AD_BREAK_START] = "adBreakStart",
  [MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE] = "adBreakComplete",
  [MEDIA_EDGE_EVENT_AD_START] = "adStart",
  [MEDIA_EDGE_EVENT_AD_COMPLETE] = "adComplete",
  [MEDIA_EDGE_EVENT_AD_SKIP] = "adSkip",
  [MEDIA_EDGE_EVENT_BITRATE_CHANGE] = "bitrateChange",
  [MEDIA_EDGE_EVENT_BUFFER_START] = "bufferStart",
  [MEDIA_EDGE_EVENT_CHAPTER_START] = "chapterStart",
  [MEDIA_EDGE_EVENT_CHAPTER_COMPLETE] = "chapterComplete",
  [MEDIA_EDGE_EVENT_CHAPTER_SKIP] = "chapterSkip",
  [MEDIA_EDGE_EVENT_ERROR] = "error",
  [MEDIA_EDGE_EVENT_PAUSE_START] = "pauseStart",
  [MEDIA_EDGE_EVENT_STATES_UPDATE] = "statesUpdate",
};

const gchar *
media_edge_event_type_get_name (MediaEdgeEventType type)
{
  g_return_val_if_fail (type < MEDIA_EDGE_EVENT_N_TYPES, NULL);

  return event_type_names[type];
}

MediaEdgeEvent *
media_edge_event_new (MediaEdgeEventType type, gint64 timestamp_ms,
    gdouble playhead)
{
  MediaEdgeEvent *event;

  g_return_val_if_fail (type < MEDIA_EDGE_EVENT_N_TYPES, NULL);

  event = g_new0 (MediaEdgeEvent, 1);
  event->type = type;
  event->timestamp_ms = timestamp_ms;
  event->playhead = playhead;

  return event;
}

static void
replace_variant (GVariant ** slot, GVariant * value)
{
  if (value)
    g_variant_ref_sink (value);
  if (*slot)
    g_variant_unref (*slot);
  *slot = value;
}

void
media_edge_event_set_details (MediaEdgeEvent * event, GVariant * details)
{
  g_return_if_fail (details == NULL
      || g_variant_is_of_type (details, G_VARIANT_TYPE_VARDICT));

  replace_variant (&event->details, details);
}

void
media_edge_event_set_custom_metadata (MediaEdgeEvent * event,
    GVariant * custom_metadata)
{
  g_return_if_fail (custom_metadata == NULL
      || g_variant_is_of_type (custom_metadata, G_VARIANT_TYPE ("a{ss}")));

  replace_variant (&event->custom_metadata, custom_metadata);
}

void
media_edge_event_free (MediaEdgeEvent * event)
{
  if (event == NULL)
    return;

  g_clear_pointer (&event->details, g_variant_unref);
  g_clear_pointer (&event->custom_metadata, g_variant_unref);
  g_clear_pointer (&event->qoe, g_variant_unref);
  g_clear_pointer (&event->ad_break, g_variant_unref);
  g_free (event);
}
