/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The chapters of a stream's table of contents, and the stretch of stream
 * time in which the chapter of the buffers passing stays the same, so that
 * the streaming thread tells in O(1), with no allocation, that a buffer
 * crossed a chapter bound. Not thread-safe: the caller's lock guards it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmediaedgechapters.h"
#include "gstmediaedgefacts.h"

struct _GstMediaEdgeChapters
{
  GArray *chapters;
  /* [lo, hi): where the chapter of the buffers passing stays the same;
   * the stretch around the position last located */
  GstClockTime lo;
  GstClockTime hi;
  GstClockTime found_lo;
  GstClockTime found_hi;
};

/**
 * gst_media_edge_chapters_new:
 * @duration: the stream's duration, or GST_CLOCK_TIME_NONE: the end of the
 *   last chapter when the TOC does not say
 *
 * Returns: (transfer full): the chapters of @toc; no stretch is known yet,
 * so the first position leaves it
 */
GstMediaEdgeChapters *
gst_media_edge_chapters_new (const GstToc * toc, GstClockTime duration)
{
  GstMediaEdgeChapters *chapters = g_new0 (GstMediaEdgeChapters, 1);

  chapters->chapters = gst_media_edge_toc_get_chapters (toc, duration);

  return chapters;
}

void
gst_media_edge_chapters_free (GstMediaEdgeChapters * chapters)
{
  if (chapters == NULL)
    return;

  g_array_unref (chapters->chapters);
  g_free (chapters);
}

guint
gst_media_edge_chapters_get_count (GstMediaEdgeChapters * chapters)
{
  return chapters->chapters->len;
}

/* The next position leaves the stretch, whatever it is. */
void
gst_media_edge_chapters_forget_stretch (GstMediaEdgeChapters * chapters)
{
  chapters->lo = chapters->hi = 0;
}

static GstMediaEdgeChapter *
chapter_at (GstMediaEdgeChapters * chapters, guint index)
{
  return &g_array_index (chapters->chapters, GstMediaEdgeChapter, index);
}

/**
 * gst_media_edge_chapters_locate:
 * @stop: (out): where the chapter found ends
 *
 * Finds the chapter @position is in, and makes the stretch around
 * @position the one to watch.
 *
 * Returns: the chapter's index, or -1 between or beyond chapters
 */
gint
gst_media_edge_chapters_locate (GstMediaEdgeChapters * chapters,
    GstClockTime position, GstClockTime * stop)
{
  GstClockTime lo = 0, hi = GST_CLOCK_TIME_NONE;
  gint index = -1;

  for (guint i = 0; i < chapters->chapters->len; i++) {
    GstMediaEdgeChapter *chapter = chapter_at (chapters, i);

    if (position < chapter->start) {
      hi = chapter->start;
      break;
    }
    if (position < chapter->stop) {
      lo = chapter->start;
      hi = chapter->stop;
      index = i;
      break;
    }
    lo = chapter->stop;
  }
  if (stop)
    *stop = index >= 0 ? hi : GST_CLOCK_TIME_NONE;
  chapters->found_lo = lo;
  chapters->found_hi = hi;

  return index;
}

/**
 * gst_media_edge_chapters_crosses_bound:
 *
 * Whether @position, of a buffer passing, leaves the stretch (a chapter,
 * or a gap between chapters) the buffers before were in; if so, the
 * stretch around @position is the one watched from now on.
 */
gboolean
gst_media_edge_chapters_crosses_bound (GstMediaEdgeChapters * chapters,
    GstClockTime position)
{
  if (position >= chapters->lo && position < chapters->hi)
    return FALSE;

  gst_media_edge_chapters_locate (chapters, position, NULL);
  chapters->lo = chapters->found_lo;
  chapters->hi = chapters->found_hi;

  return TRUE;
}

/**
 * gst_media_edge_chapters_describe:
 *
 * Returns: (transfer floating) (nullable): chapterDetails fields of the
 * chapter at @index, %NULL for -1
 */
GVariant *
gst_media_edge_chapters_describe (GstMediaEdgeChapters * chapters, gint index)
{
  if (index < 0)
    return NULL;

  return gst_media_edge_chapter_to_fields (chapter_at (chapters, index),
      index + 1);
}
