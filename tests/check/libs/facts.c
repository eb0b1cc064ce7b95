/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* GStreamer values as the tracker takes them. */

#include <gst/check/gstcheck.h>

#include "gstmediaedgefacts.h"
#include "mediaedge-tracker.h"

#define S(n) ((GstClockTime) (n) * GST_SECOND)

static GstTocEntry *
chapter (const gchar * uid, gint64 start, gint64 stop, const gchar * title)
{
  GstTocEntry *entry = gst_toc_entry_new (GST_TOC_ENTRY_TYPE_CHAPTER, uid);

  gst_toc_entry_set_start_stop_times (entry, start, stop);
  if (title)
    gst_toc_entry_set_tags (entry, gst_tag_list_new (GST_TAG_TITLE, title,
            NULL));

  return entry;
}

/* Chapters in play order; one with no end ends where the next starts, the
 * last at the duration; with no duration, it is left out. */
GST_START_TEST (test_toc_chapters)
{
  g_autoptr (GstToc) toc = gst_toc_new (GST_TOC_SCOPE_GLOBAL);
  GstTocEntry *edition = gst_toc_entry_new (GST_TOC_ENTRY_TYPE_EDITION, "e");
  g_autoptr (GArray) chapters = NULL;
  g_autoptr (GArray) without_duration = NULL;
  GstMediaEdgeChapter *one, *two, *three;

  gst_toc_entry_append_sub_entry (edition, chapter ("b", S (10), -1, "Two"));
  gst_toc_entry_append_sub_entry (edition, chapter ("a", 0, S (10), "One"));
  gst_toc_entry_append_sub_entry (edition, chapter ("c", S (20), -1, NULL));
  gst_toc_append_entry (toc, edition);

  chapters = gst_media_edge_toc_get_chapters (toc, S (30));
  fail_unless_equals_int (chapters->len, 3);
  one = &g_array_index (chapters, GstMediaEdgeChapter, 0);
  two = &g_array_index (chapters, GstMediaEdgeChapter, 1);
  three = &g_array_index (chapters, GstMediaEdgeChapter, 2);
  fail_unless_equals_string (one->title, "One");
  fail_unless_equals_uint64 (two->start, S (10));
  fail_unless_equals_uint64 (two->stop, S (20));
  fail_unless_equals_string (two->title, "Two");
  fail_unless_equals_uint64 (three->stop, S (30));
  fail_unless (three->title == NULL);

  without_duration = gst_media_edge_toc_get_chapters (toc, GST_CLOCK_TIME_NONE);
  fail_unless_equals_int (without_duration->len, 2);
}

GST_END_TEST;

GST_START_TEST (test_chapter_fields)
{
  GstMediaEdgeChapter chapter_two = { S (10), S (25),
    (gchar *) "Two"
  };
  g_autoptr (GVariant) fields =
      g_variant_ref_sink (gst_media_edge_chapter_to_fields (&chapter_two, 2));
  gint64 index;
  gdouble offset, length;
  const gchar *name;

  fail_unless (g_variant_lookup (fields, "index", "x", &index));
  fail_unless_equals_int64 (index, 2);
  fail_unless (g_variant_lookup (fields, "offset", "d", &offset));
  fail_unless_equals_float (offset, 10.0);
  fail_unless (g_variant_lookup (fields, "length", "d", &length));
  fail_unless_equals_float (length, 15.0);
  fail_unless (g_variant_lookup (fields, "friendlyName", "&s", &name));
  fail_unless_equals_string (name, "Two");
}

GST_END_TEST;

GST_START_TEST (test_states)
{
  g_autoptr (GstStructure) good =
      gst_structure_from_string ("states, mute=true, fullscreen=false", NULL);
  g_autoptr (GstStructure) bad =
      gst_structure_from_string ("states, mute=1", NULL);
  g_autoptr (GVariant) states = NULL;
  g_autoptr (GError) error = NULL;
  gboolean active = FALSE;

  states = g_variant_ref_sink (gst_media_edge_structure_to_states (good, NULL));
  fail_unless (g_variant_lookup (states, "mute", "b", &active));
  fail_unless (active);
  fail_unless (g_variant_lookup (states, "fullscreen", "b", &active));
  fail_if (active);

  fail_unless (gst_media_edge_structure_to_states (bad, &error) == NULL);
  g_assert_error (error, MEDIA_EDGE_TRACKER_ERROR,
      MEDIA_EDGE_TRACKER_ERROR_BAD_STATE);
}

GST_END_TEST;

GST_START_TEST (test_qoe_values)
{
  g_autoptr (GstCaps) ntsc =
      gst_caps_from_string ("video/x-raw, framerate=30000/1001");
  g_autoptr (GstCaps) variable =
      gst_caps_from_string ("video/x-raw, framerate=0/1");
  g_autoptr (GstCaps) audio = gst_caps_from_string ("audio/x-raw");
  g_autoptr (GstTagList) nominal =
      gst_tag_list_new (GST_TAG_NOMINAL_BITRATE, 128499, NULL);
  g_autoptr (GstTagList) both = gst_tag_list_new (GST_TAG_NOMINAL_BITRATE,
      128000, GST_TAG_BITRATE, 2500000, NULL);
  g_autoptr (GstTagList) none = gst_tag_list_new_empty ();
  /* as taginject makes it: an int */
  g_autoptr (GstTagList) typed_int =
      gst_tag_list_new_from_string ("taglist, bitrate=(int)500000");
  guint kbps = 0;

  fail_unless_equals_int (gst_media_edge_caps_get_fps (ntsc), 30);
  fail_unless_equals_int (gst_media_edge_caps_get_fps (variable), -1);
  fail_unless_equals_int (gst_media_edge_caps_get_fps (audio), -1);
  fail_unless (gst_media_edge_tags_get_bitrate (nominal, &kbps));
  fail_unless_equals_int (kbps, 128);
  fail_unless (gst_media_edge_tags_get_bitrate (both, &kbps));
  fail_unless_equals_int (kbps, 2500);
  fail_if (gst_media_edge_tags_get_bitrate (none, &kbps));
  fail_unless (gst_media_edge_tags_get_bitrate (typed_int, &kbps));
  fail_unless_equals_int (kbps, 500);
}

GST_END_TEST;

GST_START_TEST (test_session_tags)
{
  g_autoptr (GstTagList) tags = gst_tag_list_new (GST_TAG_ARTIST, "Someone",
      GST_TAG_SHOW_SEASON_NUMBER, 3, GST_TAG_TITLE, "ignored here", NULL);
  g_autoptr (GVariant) fields = NULL;
  GVariantDict dict;
  const gchar *value;

  g_variant_dict_init (&dict, NULL);
  gst_media_edge_tags_to_session_fields (tags, &dict);
  fields = g_variant_ref_sink (g_variant_dict_end (&dict));
  fail_unless_equals_int (g_variant_n_children (fields), 2);
  fail_unless (g_variant_lookup (fields, "artist", "&s", &value));
  fail_unless_equals_string (value, "Someone");
  fail_unless (g_variant_lookup (fields, "season", "&s", &value));
  fail_unless_equals_string (value, "3");
}

GST_END_TEST;

static Suite *
facts_suite (void)
{
  Suite *s = suite_create ("mediaedge-facts");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_toc_chapters);
  tcase_add_test (tc, test_chapter_fields);
  tcase_add_test (tc, test_states);
  tcase_add_test (tc, test_qoe_values);
  tcase_add_test (tc, test_session_tags);

  return s;
}

GST_CHECK_MAIN (facts);
