/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_SESSION_H__
#define __GST_MEDIA_EDGE_SESSION_H__

#include <gst/gst.h>

#include "gstmediaedgesettings.h"
#include "mediaedge-tracker.h"

G_BEGIN_DECLS
/* What a session is told: what the pipeline did, or the application. */
    typedef enum
{
  GST_MEDIA_EDGE_INPUT_START,   /* asked to play: @clock, @flag = live */
  GST_MEDIA_EDGE_INPUT_NEXT_ITEM,       /* another content item begins: as
                                         * START, @stop = where the one
                                         * before ended */
  GST_MEDIA_EDGE_INPUT_DESCRIBE,        /* @fields: sessionDetails,
                                         * @custom_metadata, @flag = live */
  GST_MEDIA_EDGE_INPUT_PLAYING, /* @flag */
  GST_MEDIA_EDGE_INPUT_BUFFERING,       /* @flag */
  GST_MEDIA_EDGE_INPUT_SEEKING, /* @flag */
  GST_MEDIA_EDGE_INPUT_QOE,     /* @qoe_field, @value */
  GST_MEDIA_EDGE_INPUT_DROPPED_FRAMES,  /* @source, @value */
  GST_MEDIA_EDGE_INPUT_STREAM_CHAPTER,  /* @index, @fields, @stop */
  GST_MEDIA_EDGE_INPUT_TICK,    /* @value = buffers seen */
  GST_MEDIA_EDGE_INPUT_AD_BREAK_START,  /* @fields */
  GST_MEDIA_EDGE_INPUT_AD_BREAK_COMPLETE,
  GST_MEDIA_EDGE_INPUT_AD_START,        /* @fields */
  GST_MEDIA_EDGE_INPUT_AD_COMPLETE,
  GST_MEDIA_EDGE_INPUT_AD_SKIP,
  GST_MEDIA_EDGE_INPUT_CHAPTER_START,   /* @fields */
  GST_MEDIA_EDGE_INPUT_CHAPTER_COMPLETE,
  GST_MEDIA_EDGE_INPUT_CHAPTER_SKIP,
  GST_MEDIA_EDGE_INPUT_STATES_UPDATE,   /* @fields: a{sb} */
  GST_MEDIA_EDGE_INPUT_TRACK_ERROR,     /* @fields: name, source */
  GST_MEDIA_EDGE_INPUT_COMPLETE,        /* the content played to its end */
  GST_MEDIA_EDGE_INPUT_END,     /* the player stopped */
} GstMediaEdgeInputType;

/**
 * GstMediaEdgeInput:
 * @position: the stream position in seconds
 * @fields: (nullable) (transfer full): consumed by the session, floating
 *   or not
 *
 * One observation; the fields each type uses are beside it above.
 */
typedef struct
{
  GstMediaEdgeInputType type;
  gdouble position;
  gboolean flag;
  gint64 value;
  MediaEdgeQoeField qoe_field;
  gconstpointer source;
  gint index;
  gdouble stop;
  GVariant *fields;
  GVariant *custom_metadata;
  GstClock *clock;
} GstMediaEdgeInput;

typedef struct _GstMediaEdgeSession GstMediaEdgeSession;

/* Called on the sender thread when the session wakes (a ping due, a buffer
 * that asked for it, a session to resume): feed it a TICK. */
typedef void (*GstMediaEdgeWakeFunc) (gpointer user_data);

GstMediaEdgeSession *gst_media_edge_session_new (GstElement * owner);

void gst_media_edge_session_free (GstMediaEdgeSession * session);

void gst_media_edge_session_set_wake_func (GstMediaEdgeSession * session,
    GstMediaEdgeWakeFunc func, gpointer user_data);

void gst_media_edge_session_open (GstMediaEdgeSession * session);

void gst_media_edge_session_prepare (GstMediaEdgeSession * session,
    GstMediaEdgeSettings * settings);

gboolean gst_media_edge_session_feed (GstMediaEdgeSession * session,
    GstMediaEdgeInput * input, GError ** error);

void gst_media_edge_session_wake (GstMediaEdgeSession * session);

GPtrArray *gst_media_edge_session_take_held (GstMediaEdgeSession * session);

gboolean gst_media_edge_session_needs_details (GstMediaEdgeSession * session);

gboolean gst_media_edge_session_is_stalled (GstMediaEdgeSession * session);

gboolean gst_media_edge_session_is_tracking (GstMediaEdgeSession * session);

void gst_media_edge_session_close (GstMediaEdgeSession * session,
    guint flush_timeout_ms);

GstStructure *gst_media_edge_session_get_stats (GstMediaEdgeSession * session);

G_END_DECLS
#endif /* __GST_MEDIA_EDGE_SESSION_H__ */
