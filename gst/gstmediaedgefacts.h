/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_FACTS_H__
#define __GST_MEDIA_EDGE_FACTS_H__

#include <gst/gst.h>

#include "gstmediaedgesettings.h"

G_BEGIN_DECLS

/* A chapter of the stream's table of contents, in stream time */
typedef struct
{
  GstClockTime start;
  GstClockTime stop;
  gchar *title;
} GstMediaEdgeChapter;

GVariant *gst_media_edge_structure_to_fields (const GstStructure * s);

GVariant *gst_media_edge_structure_to_states (const GstStructure * s,
    GError ** error);

void gst_media_edge_tags_to_session_fields (const GstTagList * tags,
    GVariantDict * fields);

gboolean gst_media_edge_tags_get_bitrate (const GstTagList * tags,
    guint * kbps);

gint gst_media_edge_caps_get_fps (const GstCaps * caps);

GArray *gst_media_edge_toc_get_chapters (const GstToc * toc,
    GstClockTime duration);

GVariant *gst_media_edge_chapter_to_fields (const GstMediaEdgeChapter *
    chapter, guint index);

gchar *gst_media_edge_error_name (const GError * error);

/* What the pipeline knows of the content it plays */
typedef struct
{
  const GstTagList *tags;
  const gchar *uri;
  gint64 duration;              /* nanoseconds, or -1 */
  gboolean live;
} GstMediaEdgeStreamFacts;

void gst_media_edge_describe_session (const GstMediaEdgeStreamFacts * stream,
    const GstMediaEdgeSettings * settings, GstObject * log_object,
    GVariant ** details, GVariant ** custom_metadata);

GVariant *gst_media_edge_ad_fields (const GstStructure * details,
    const gchar * player_name);

G_END_DECLS

#endif /* __GST_MEDIA_EDGE_FACTS_H__ */
