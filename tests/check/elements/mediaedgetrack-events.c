/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Every Media Edge event through a real pipeline: ads and chapters from
 * the action signals (Adobe's implementation examples, Example 2),
 * chapters from a Matroska TOC,
 * errors, QoE, seeks and mute from the pipeline, and the refusals. */

#include "fixture.h"

/* JSON text → node, to compare details objects as Adobe prints them */
static JsonNode *
json (const gchar * text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  g_assert_no_error (error);

  return node;
}

static void
assert_member (JsonObject * media, const gchar * member, const gchar * text)
{
  g_autoptr (JsonNode) expected = json (text);
  JsonNode *found = json_object_get_member (media, member);
  g_autofree gchar *shown = found ? json_to_string (found, FALSE) : NULL;

  fail_unless (found != NULL, "no %s", member);
  fail_unless (json_node_equal (found, expected), "%s is %s, not %s", member,
      shown, text);
}

/* mediaCollection of the @i-th request the server received */
static JsonObject *
received_media (GPtrArray * records, guint i, JsonParser * parser)
{
  fail_unless (i < records->len);

  return media_collection (g_ptr_array_index (records, i), parser);
}

static gboolean
emit_details (GstElement * track, const gchar * signal, const gchar * text)
{
  g_autoptr (GstStructure) details = gst_structure_from_string (text, NULL);
  gboolean accepted = FALSE;

  fail_unless (details != NULL, "%s", text);
  g_signal_emit_by_name (track, signal, details, &accepted);

  return accepted;
}

static gboolean
emit_plain (GstElement * track, const gchar * signal)
{
  gboolean accepted = FALSE;

  g_signal_emit_by_name (track, signal, &accepted);

  return accepted;
}

/* clock and stream position at @seconds */
static void
at (Fixture * f, guint seconds)
{
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (seconds));
  set_playhead (f, seconds);
}

#define AD_1 "ad, name=(string)001, advertiser=\"Ad Guys\", campaignID=1, " \
  "creativeID=42, creativeURL=https://example.com, length=16, " \
  "friendlyName=(string)\"Ad 1\", placementID=sample_placement, " \
  "playerName=\"Sample Player\", podPosition=1, siteID=XYZ, " \
  "myCustomData1=CustomData1, myCustomData2=CustomData2"
#define AD_2 "ad, name=(string)002, advertiser=\"Ad Guys\", campaignID=2, " \
  "creativeID=44, creativeURL=https://example.com, length=12, " \
  "friendlyName=(string)\"Ad 2\", placementID=sample_placement2, " \
  "playerName=\"Sample Player\", podPosition=1, siteID=XYZ"

/* Adobe's implementation examples, Example 2, driven by the action
 * signals, the ads stitched
 * into the stream: the stream position runs on through the break while
 * the content playhead stands at 15, and comes back as 22 at 50 s. */
GST_START_TEST (test_example2_through_pipeline)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"chapterStart", 1000, 1},
    {"ping", 10000, 10},
    {"chapterComplete", 15000, 15},
    {"adBreakStart", 15001, 15},
    {"adStart", 15002, 15},
    {"ping", 20000, 15},
    {"ping", 30000, 15},
    {"adComplete", 31000, 15},
    {"adStart", 31001, 15},
    {"ping", 40000, 15},
    {"adComplete", 43000, 15},
    {"adBreakComplete", 43001, 15},
    {"chapterStart", 43002, 15},
    {"ping", 50000, 22},
    {"chapterComplete", 54000, 26},
    {"sessionComplete", 54001, 26},
  };
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *media;
  Fixture *f = fixture_new ();
  gint64 started = g_get_monotonic_time ();

  make_pipeline (f, "example-2");
  g_object_set (f->track, "content-name", "ClickMe", "length", 54, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);

  at (f, 1);
  fail_unless (emit_details (f->track, "chapter-start", "chapter, index=1, "
          "offset=0, friendlyName=\"Chapter one\", length=15"));
  set_playhead (f, 10);
  crank_ping (f, S (10));
  wait_for_request (f, "ping");

  at (f, 15);
  fail_unless (emit_plain (f->track, "chapter-complete"));
  fail_unless (emit_details (f->track, "ad-break-start", "pod, index=0, "
          "offset=15, friendlyName=\"Mid-roll break\""));
  fail_unless (emit_details (f->track, "ad-start", AD_1));
  set_playhead (f, 20);
  crank_ping (f, S (20));
  wait_for_request (f, "ping");
  set_playhead (f, 30);
  crank_ping (f, S (30));
  wait_for_request (f, "ping");

  at (f, 31);
  fail_unless (emit_plain (f->track, "ad-complete"));
  fail_unless (emit_details (f->track, "ad-start", AD_2));
  set_playhead (f, 40);
  crank_ping (f, S (40));
  wait_for_request (f, "ping");

  at (f, 43);
  fail_unless (emit_plain (f->track, "ad-complete"));
  fail_unless (emit_plain (f->track, "ad-break-complete"));
  fail_unless (emit_details (f->track, "chapter-start", "chapter, index=2, "
          "offset=43, friendlyName=\"Chapter two\", length=11"));
  set_playhead (f, 50);
  crank_ping (f, S (50));
  wait_for_request (f, "ping");

  at (f, 54);
  fail_unless (emit_plain (f->track, "chapter-complete"));
  fail_unless (gst_pad_push_event (f->src, gst_event_new_eos ()));
  wait_for_request (f, "sessionComplete");
  stop_pipeline (f);
  /* for tests/bench/example2-replay.sh: the replay alone, the process,
   * GStreamer's start and the bodies' validation left out */
  if (g_getenv ("MEDIAEDGE_BENCH_REPLAY"))
    g_print ("replay: %.1f ms\n", (g_get_monotonic_time () - started) / 1000.0);

  assert_received (f, expected, G_N_ELEMENTS (expected), "example-2");
  records = edge_server_dup_records (f->server);
  media = received_media (records, 2, parser);
  assert_member (media, "chapterDetails", "{\"index\": 1, \"offset\": 0, "
      "\"friendlyName\": \"Chapter one\", \"length\": 15}");
  media = received_media (records, 5, parser);
  assert_member (media, "advertisingPodDetails", "{\"index\": 0, "
      "\"offset\": 15, \"friendlyName\": \"Mid-roll break\"}");
  media = received_media (records, 6, parser);
  assert_member (media, "advertisingDetails", "{\"name\": \"001\", "
      "\"advertiser\": \"Ad Guys\", \"campaignID\": \"1\", "
      "\"creativeID\": \"42\", \"creativeURL\": \"https://example.com\", "
      "\"length\": 16, \"friendlyName\": \"Ad 1\", "
      "\"placementID\": \"sample_placement\", "
      "\"playerName\": \"Sample Player\", \"podPosition\": 1, "
      "\"siteID\": \"XYZ\"}");
  assert_member (media, "customMetadata", "[{\"name\": \"myCustomData1\", "
      "\"value\": \"CustomData1\"}, {\"name\": \"myCustomData2\", "
      "\"value\": \"CustomData2\"}]");
  media = received_media (records, 10, parser);
  assert_member (media, "advertisingDetails", "{\"name\": \"002\", "
      "\"advertiser\": \"Ad Guys\", \"campaignID\": \"2\", "
      "\"creativeID\": \"44\", \"creativeURL\": \"https://example.com\", "
      "\"length\": 12, \"friendlyName\": \"Ad 2\", "
      "\"placementID\": \"sample_placement2\", "
      "\"playerName\": \"Sample Player\", \"podPosition\": 1, "
      "\"siteID\": \"XYZ\"}");
  fail_if (json_object_has_member (media, "customMetadata"));
  media = received_media (records, 14, parser);
  assert_member (media, "chapterDetails", "{\"index\": 2, \"offset\": 43, "
      "\"friendlyName\": \"Chapter two\", \"length\": 11}");
  fixture_teardown (f);
}

GST_END_TEST;

static GstToc *
two_chapters (void)
{
  GstToc *toc = gst_toc_new (GST_TOC_SCOPE_GLOBAL);
  GstTocEntry *edition = gst_toc_entry_new (GST_TOC_ENTRY_TYPE_EDITION, "e");
  const gchar *titles[] = { "Opening", "Ending" };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++) {
    g_autofree gchar *uid = g_strdup_printf ("c%u", i + 1);
    GstTocEntry *chapter = gst_toc_entry_new (GST_TOC_ENTRY_TYPE_CHAPTER, uid);

    gst_toc_entry_set_start_stop_times (chapter, S (i), S (i + 1));
    gst_toc_entry_set_tags (chapter, gst_tag_list_new (GST_TAG_TITLE,
            titles[i], NULL));
    gst_toc_entry_append_sub_entry (edition, chapter);
  }
  gst_toc_append_entry (toc, edition);

  return toc;
}

static GPtrArray *
play_two_chapters (Fixture * f, const gchar * content_type)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *clip = write_clip ("Chapters", toc);
  g_autofree gchar *line = g_strdup_printf ("filesrc location=\"%s\" ! "
      "matroskademux ! mediaedgetrack config-id=toc endpoint=%s "
      "content-type=%s ! fakesink sync=true", clip, f->endpoint,
      content_type);
  GPtrArray *records = run_to_eos (f, line, NULL);

  remove_clip (clip);

  return records;
}

static void
assert_chapter_timeline (GPtrArray * records)
{
  const gchar *events[] = { "sessionStart", "play", "chapterStart",
    "chapterComplete", "chapterStart", "chapterComplete", "sessionComplete"
  };

  fail_unless_equals_int (records->len, G_N_ELEMENTS (events));
  for (guint i = 0; i < records->len; i++)
    fail_unless_equals_string (((EdgeRecord *) g_ptr_array_index (records,
                i))->event_type, events[i]);
}

/* A Matroska file with two chapters, played in real time: each chapter
 * starts and completes as playback crosses its bounds. */
GST_START_TEST (test_toc_chapters_from_a_file)
{
  Fixture *f = fixture_new ();
  g_autoptr (GPtrArray) records = play_two_chapters (f, "VOD");
  g_autoptr (JsonParser) parser = json_parser_new ();

  assert_chapter_timeline (records);
  assert_member (received_media (records, 2, parser), "chapterDetails",
      "{\"index\": 1, \"offset\": 0, \"length\": 1, "
      "\"friendlyName\": \"Opening\"}");
  assert_member (received_media (records, 4, parser), "chapterDetails",
      "{\"index\": 2, \"offset\": 1, \"length\": 1, "
      "\"friendlyName\": \"Ending\"}");
  fail_unless_equals_int64 (((EdgeRecord *) g_ptr_array_index (records,
              4))->playhead, 1);
  fixture_teardown (f);
}

GST_END_TEST;

/* Live, chapters are played to their end all the same: the stream's
 * position decides that, while every playhead is the second of the day. */
GST_START_TEST (test_toc_chapters_live)
{
  Fixture *f = fixture_new ();
  g_autoptr (GPtrArray) records = play_two_chapters (f, "Live");
  gint64 start;

  assert_chapter_timeline (records);
  start = ((EdgeRecord *) g_ptr_array_index (records, 0))->timestamp_ms;
  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);

    fail_unless_equals_int64 (record->playhead,
        record->timestamp_ms / 1000 % 86400);
    fail_unless (record->timestamp_ms - start < 10 * 1000);
  }
  fixture_teardown (f);
}

GST_END_TEST;

/* An ERROR on the bus is an error event from the player, before the
 * session ends. */
GST_START_TEST (test_error_message)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"error", 2000, 2},
    {"sessionEnd", 3000, 2},
  };
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = g_error_new_literal (GST_STREAM_ERROR,
      GST_STREAM_ERROR_DECODE, "could not decode");
  g_autofree gchar *name = g_strdup_printf ("gst-stream-error-quark:%d",
      GST_STREAM_ERROR_DECODE);
  g_autofree gchar *details = g_strdup_printf ("{\"name\": \"%s\", "
      "\"source\": \"player\"}", name);
  JsonObject *media;
  Fixture *f = fixture_new ();

  make_pipeline (f, "error");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  at (f, 2);
  gst_element_post_message (f->sink, gst_message_new_error (GST_OBJECT
          (f->sink), error, "test"));
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (3));
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "error");
  records = edge_server_dup_records (f->server);
  media = received_media (records, 2, parser);
  assert_member (media, "errorDetails", details);
  fail_unless (json_object_has_member (media, "qoeDataDetails"));
  fixture_teardown (f);
}

GST_END_TEST;

/* The request of @record, parsed: a Media Collection API body */
static JsonObject *
collection_body (EdgeRecord * record, JsonParser * parser)
{
  fail_unless (json_parser_load_from_data (parser, record->body, -1, NULL));

  return json_node_get_object (json_parser_get_root (parser));
}

/* A Media Collection API request expected: its event, its time after the
 * sessionStart's, and its playhead in seconds */
typedef struct
{
  const gchar *event;
  gint64 offset_ms;
  gdouble playhead;
} CollectionExpected;

/* Waits for the @n requests @expected, and checks each: sessionStart to
 * /api/v1/sessions, the rest to the session its Location named, each
 * answered, at its time and playhead. Returns them. */
static GPtrArray *
assert_collection_received (Fixture * f, const CollectionExpected * expected,
    guint n)
{
  GPtrArray *records;
  g_autofree gchar *events_path = NULL;
  EdgeRecord *start;

  wait_for_records (f, n);
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int (records->len, n);
  start = g_ptr_array_index (records, 0);
  fail_unless_equals_string (start->path, "/api/v1/sessions");
  fail_unless_equals_int (start->status, 201);
  events_path = g_strdup_printf ("/api/v1/sessions/%s/events",
      start->session_id);
  for (guint i = 0; i < n; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);
    g_autoptr (JsonParser) parser = json_parser_new ();
    JsonObject *body = collection_body (record, parser);
    gdouble playhead = json_object_get_double_member
        (json_object_get_object_member (body, "playerTime"), "playhead");

    fail_unless_equals_string (record->event_type, expected[i].event);
    if (i > 0) {
      fail_unless_equals_string (record->path, events_path);
      fail_unless_equals_int (record->status, 204);
    }
    fail_unless_equals_int64 (record->timestamp_ms - start->timestamp_ms,
        expected[i].offset_ms);
    fail_unless (G_APPROX_VALUE (playhead, expected[i].playhead, 0.001),
        "%s at %f", record->event_type, playhead);
  }

  return records;
}

/* The same pipeline, the same rules, reporting to the legacy Media
 * Collection API (seeds 002, 004): sessionStart to /api/v1/sessions with
 * the account's parameters, the rest to the session the 201's Location
 * named, playheads in seconds with their fractions. */
GST_START_TEST (test_collection_api)
{
  const CollectionExpected expected[] = {
    {"sessionStart", 0, 0}, {"play", 1, 0}, {"chapterStart", 1000, 1},
    {"ping", 10000, 10}, {"error", 12500, 12.5},
    {"chapterComplete", 15000, 15}, {"sessionComplete", 15001, 15.04},
  };
  g_autoptr (GPtrArray) records = NULL;
  gboolean accepted = FALSE;
  GstBuffer *half;
  Fixture *f = fixture_new ();

  make_pipeline (f, "unused");
  use_collection_api (f);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  at (f, 1);
  fail_unless (emit_details (f->track, "chapter-start", "chapter, index=1, "
          "offset=0, friendlyName=\"Chapter one\", length=15"));
  set_playhead (f, 10);
  crank_ping (f, S (10));
  wait_for_request (f, "ping");
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (12) + S (1) / 2);
  half = gst_buffer_new ();
  GST_BUFFER_PTS (half) = S (12) + S (1) / 2;
  fail_unless_equals_int (gst_pad_push (f->src, half), GST_FLOW_OK);
  g_signal_emit_by_name (f->track, "track-error", "decoder-gave-up",
      "player", &accepted);
  fail_unless (accepted);
  at (f, 15);
  fail_unless (emit_plain (f->track, "chapter-complete"));
  fail_unless (gst_pad_push_event (f->src, gst_event_new_eos ()));
  wait_for_request (f, "sessionComplete");
  stop_pipeline (f);

  records = assert_collection_received (f, expected, G_N_ELEMENTS (expected));
  fixture_teardown (f);
}

GST_END_TEST;

/* params of the @i-th request */
static JsonObject *
collection_params (GPtrArray * records, guint i, JsonParser * parser)
{
  JsonObject *body = collection_body (g_ptr_array_index (records, i), parser);

  fail_unless (json_object_has_member (body, "params"), "request %u", i);

  return json_object_get_object_member (body, "params");
}

#define T2_AD "ad, name=(string)002, friendlyName=(string)\"Ad 1\", " \
  "length=7, podPosition=1, advertiser=\"Ad Guys\", campaignID=(string)1, " \
  "creativeID=(string)42, siteID=XYZ, " \
  "creativeURL=https://xyz-creative.com, placementID=sample-placement2"
#define T2_MID_ROLL_AD "ad, name=(string)002, friendlyName=(string)\"Ad 1\", " \
  "length=8, podPosition=1"

/* Seed 002's Timeline 2 through a pipeline reporting to the Media
 * Collection API: the player opens the pre-roll break before the pipeline
 * plays, so play waits for adBreakComplete at 12 s, while the stream
 * position runs on through the ad and the content playhead stands at 0;
 * an ERROR on the bus at 32 s that the player recovers from; the viewer
 * leaves during the mid-roll ad at 48 s. (The seed's play at 37 s stands
 * at playhead 20 while its ping at 40 s stands at 28: playback never
 * stopped, and the seed's qoe names are abbreviations, see the codec
 * tests.) */
GST_START_TEST (test_collection_timeline2_through_pipeline)
{
  const CollectionExpected expected[] = {
    {"sessionStart", 0, 0}, {"adBreakStart", 1, 0}, {"adStart", 2, 0},
    {"ping", 10000, 0}, {"adComplete", 12000, 0},
    {"adBreakComplete", 12001, 0}, {"play", 12002, 0},
    {"ping", 20000, 8}, {"ping", 30000, 18}, {"error", 32000, 20},
    {"ping", 40000, 28}, {"adBreakStart", 45000, 33},
    {"adStart", 45001, 33}, {"sessionEnd", 48000, 33},
  };
  g_autoptr (GError) error = g_error_new_literal (GST_STREAM_ERROR,
      GST_STREAM_ERROR_DECODE, "could not decode");
  g_autofree gchar *error_id = g_strdup_printf ("gst-stream-error-quark:%d",
      GST_STREAM_ERROR_DECODE);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *object;
  Fixture *f = fixture_new ();

  make_pipeline (f, "unused");
  use_collection_api (f);
  g_object_set (f->track, "content-id", "VA API Sample Player",
      "content-name", "ClickMe", "length", 60, "player-name", "Sample Player",
      "channel", "sample-channel", "app-version", "va-api-0.0.0", NULL);
  /* the pre-roll, before the pipeline plays */
  fail_unless (emit_details (f->track, "ad-break-start", "pod, index=0, "
          "offset=0, friendlyName=ad_pod1"));
  fail_unless (emit_details (f->track, "ad-start", T2_AD));
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  fail_unless (gst_pad_push_event (f->src,
          gst_event_new_tag (gst_tag_list_new (GST_TAG_BITRATE, 10000000,
                  NULL))));
  set_playhead (f, 0);
  play_to_ping (f, 10);
  wait_for_request (f, "ping");

  at (f, 12);
  fail_unless (emit_plain (f->track, "ad-complete"));
  fail_unless (emit_plain (f->track, "ad-break-complete"));
  play_to_ping (f, 20);
  wait_for_request (f, "ping");
  play_to_ping (f, 30);
  wait_for_request (f, "ping");

  at (f, 32);
  gst_element_post_message (f->sink, gst_message_new_error (GST_OBJECT
          (f->sink), error, "recovered from"));
  play_to_ping (f, 40);
  wait_for_request (f, "ping");

  at (f, 45);
  fail_unless (emit_details (f->track, "ad-break-start", "pod, index=1, "
          "offset=33, friendlyName=ad_pod2"));
  fail_unless (emit_details (f->track, "ad-start", T2_MID_ROLL_AD));
  at (f, 48);
  stop_pipeline (f);

  records = assert_collection_received (f, expected, G_N_ELEMENTS (expected));

  object = collection_params (records, 0, parser);
  assert_member (object, "media.id", "\"VA API Sample Player\"");
  assert_member (object, "media.name", "\"ClickMe\"");
  assert_member (object, "media.length", "60");
  assert_member (object, "media.contentType", "\"VOD\"");
  assert_member (object, "media.playerName", "\"Sample Player\"");
  assert_member (object, "media.channel", "\"sample-channel\"");
  assert_member (object, "media.sdkVersion", "\"va-api-0.0.0\"");
  assert_member (object, "analytics.trackingServer", "\"ts.example.com\"");
  assert_member (object, "analytics.reportSuite", "\"rs-1\"");
  assert_member (object, "analytics.visitorId", "\"visitor-1\"");
  assert_member (object, "visitor.marketingCloudOrgId", "\"ORG@AdobeOrg\"");
  object = collection_params (records, 1, parser);
  assert_member (object, "media.ad.podFriendlyName", "\"ad_pod1\"");
  assert_member (object, "media.ad.podIndex", "0");
  assert_member (object, "media.ad.podSecond", "0");
  object = collection_params (records, 2, parser);
  assert_member (object, "media.ad.podFriendlyName", "\"ad_pod1\"");
  assert_member (object, "media.ad.name", "\"Ad 1\"");
  assert_member (object, "media.ad.id", "\"002\"");
  assert_member (object, "media.ad.length", "7");
  assert_member (object, "media.ad.podPosition", "1");
  assert_member (object, "media.ad.playerName", "\"Sample Player\"");
  assert_member (object, "media.ad.advertiser", "\"Ad Guys\"");
  assert_member (object, "media.ad.campaignId", "\"1\"");
  assert_member (object, "media.ad.creativeId", "\"42\"");
  assert_member (object, "media.ad.siteId", "\"XYZ\"");
  assert_member (object, "media.ad.creativeURL",
      "\"https://xyz-creative.com\"");
  assert_member (object, "media.ad.placementId", "\"sample-placement2\"");
  /* the play after the pre-roll carries the bitrate; the error its id */
  object = collection_body (g_ptr_array_index (records, 6), parser);
  assert_member (json_object_get_object_member (object, "qoeData"),
      "media.qoe.bitrate", "10000");
  object = collection_body (g_ptr_array_index (records, 9), parser);
  object = json_object_get_object_member (object, "qoeData");
  assert_member (object, "media.qoe.errorSource", "\"player\"");
  fail_unless_equals_string (json_object_get_string_member (object,
          "media.qoe.errorID"), error_id);
  object = collection_params (records, 11, parser);
  assert_member (object, "media.ad.podFriendlyName", "\"ad_pod2\"");
  assert_member (object, "media.ad.podIndex", "1");
  assert_member (object, "media.ad.podSecond", "33");
  object = collection_params (records, 12, parser);
  assert_member (object, "media.ad.podFriendlyName", "\"ad_pod2\"");
  assert_member (object, "media.ad.length", "8");
  fixture_teardown (f);
}

GST_END_TEST;

/* QoE from the pipeline: frame rate from the caps and time to start on
 * the first play, a new bitrate tag is a bitrateChange, dropped frames
 * from QoS messages ride with the next event. */
GST_START_TEST (test_qoe_from_the_pipeline)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"bitrateChange", 2000, 2},
    {"sessionEnd", 3000, 3},
  };
  g_autoptr (GstCaps) caps =
      gst_caps_from_string ("video/x-raw, framerate=(fraction)30000/1001");
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GstMessage *qos;
  Fixture *f = fixture_new ();

  make_pipeline (f, "qoe");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, caps);

  at (f, 1);
  fail_unless (gst_pad_push_event (f->src,
          gst_event_new_tag (gst_tag_list_new (GST_TAG_NOMINAL_BITRATE,
                  800000, NULL))));
  at (f, 2);
  fail_unless (gst_pad_push_event (f->src,
          gst_event_new_tag (gst_tag_list_new (GST_TAG_BITRATE, 1200000,
                  NULL))));
  at (f, 3);
  qos = gst_message_new_qos (GST_OBJECT (f->sink), FALSE, S (3), S (3), S (3),
      GST_SECOND / 30);
  gst_message_set_qos_stats (qos, GST_FORMAT_BUFFERS, 90, 5);
  gst_element_post_message (f->sink, qos);
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "qoe");
  records = edge_server_dup_records (f->server);
  /* the caps came after the play */
  assert_member (received_media (records, 1, parser), "qoeDataDetails",
      "{\"timeToStart\": 0}");
  assert_member (received_media (records, 2, parser), "qoeDataDetails",
      "{\"bitrate\": 1200, \"framesPerSecond\": 30, \"timeToStart\": 0}");
  assert_member (received_media (records, 3, parser), "qoeDataDetails",
      "{\"bitrate\": 1200, \"droppedFrames\": 5, \"framesPerSecond\": 30, "
      "\"timeToStart\": 0}");
  fixture_teardown (f);
}

GST_END_TEST;

/* A flushing seek is pauseStart, then play from the new position once the
 * new segment comes (Adobe maps seeks to pauses). */
GST_START_TEST (test_seek)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"pauseStart", 3000, 3},
    {"play", 4000, 40},
    {"sessionEnd", 5000, 41},
  };
  GstSegment segment;
  Fixture *f = fixture_new ();

  make_pipeline (f, "seek");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  at (f, 3);
  fail_unless (gst_pad_push_event (f->src, gst_event_new_flush_start ()));
  fail_unless (gst_pad_push_event (f->src, gst_event_new_flush_stop (TRUE)));
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (4));
  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = segment.time = segment.position = S (40);
  fail_unless (gst_pad_push_event (f->src, gst_event_new_segment (&segment)));
  at (f, 5);
  set_playhead (f, 41);
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "seek");
  fixture_teardown (f);
}

GST_END_TEST;

/* A volume element's mute, or its volume at 0, is the mute player state. */
GST_START_TEST (test_mute_toggle)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"statesUpdate", 1000, 1},
    {"statesUpdate", 2000, 2},
    {"statesUpdate", 3000, 3},
    {"sessionEnd", 4000, 3},
  };
  const gchar *states[] = { "statesStart", "statesEnd", "statesStart" };
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GstElement *volume = gst_element_factory_make ("volume", NULL);
  Fixture *f = fixture_new ();

  make_pipeline (f, "mute");
  gst_bin_add (GST_BIN (f->pipeline), volume);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  at (f, 1);
  g_object_set (volume, "mute", TRUE, NULL);
  at (f, 2);
  g_object_set (volume, "mute", FALSE, NULL);
  at (f, 3);
  g_object_set (volume, "volume", 0.0, NULL);
  g_object_set (volume, "volume", 0.0, NULL);
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (4));
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "mute");
  records = edge_server_dup_records (f->server);
  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    assert_member (received_media (records, 2 + i, parser), states[i],
        "[{\"name\": \"mute\"}]");
  fixture_teardown (f);
}

GST_END_TEST;

/* GST_WARNING lines of the element, to check that refusals say why */
static GPtrArray *warnings;

static void
collect_warnings (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  if (level == GST_LEVEL_WARNING
      && g_str_equal (gst_debug_category_get_name (category), "mediaedgetrack"))
    g_ptr_array_add (warnings, g_strdup (gst_debug_message_get (message)));
}

static void
start_collecting_warnings (void)
{
  warnings = g_ptr_array_new_with_free_func (g_free);
  gst_debug_set_threshold_for_name ("mediaedgetrack", GST_LEVEL_WARNING);
  gst_debug_add_log_function (collect_warnings, NULL, NULL);
}

static void
stop_collecting_warnings (void)
{
  gst_debug_remove_log_function (collect_warnings);
  g_clear_pointer (&warnings, g_ptr_array_unref);
}

static void
assert_refused (gboolean accepted, const gchar * words)
{
  const gchar *last;

  fail_if (accepted, "accepted, though %s", words);
  fail_unless (warnings->len > 0, "no warning for %s", words);
  last = g_ptr_array_index (warnings, warnings->len - 1);
  fail_unless (strstr (last, words) != NULL, "'%s' does not say '%s'", last,
      words);
  g_ptr_array_set_size (warnings, 0);
}

/* Calls that break the rules are refused with a warning that says why,
 * send nothing, and the session goes on. */
GST_START_TEST (test_refusals)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"ping", 10000, 10},
    {"sessionEnd", 10001, 10},
  };
  GstStructure *too_many;
  gboolean accepted = TRUE;
  Fixture *f = fixture_new ();

  start_collecting_warnings ();

  make_pipeline (f, "refusals");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  at (f, 1);

  assert_refused (emit_details (f->track, "ad-start", AD_2),
      "adStart without an ad break");
  assert_refused (emit_plain (f->track, "ad-break-complete"),
      "adBreakComplete without an ad break");
  assert_refused (emit_plain (f->track, "chapter-skip"),
      "chapterSkip without an open chapter");
  assert_refused (emit_details (f->track, "ad-break-start", "pod, offset=3"),
      "advertisingPodDetails needs the field 'index'");
  assert_refused (emit_details (f->track, "chapter-start", "chapter, "
          "index=one, offset=0, length=9"), "'index' must be a whole number");
  assert_refused (emit_details (f->track, "states-update",
          "states, full-screen=true"), "'full-screen' does not match");
  assert_refused (emit_details (f->track, "states-update",
          "states, mute=maybe"), "'mute' must be a boolean");
  g_signal_emit_by_name (f->track, "track-error", "E42", "network", &accepted);
  assert_refused (accepted, "\"player\" or \"external\"");

  too_many = gst_structure_new_empty ("states");
  for (guint i = 0; i < 11; i++) {
    g_autofree gchar *name = g_strdup_printf ("state%u", i);

    gst_structure_set (too_many, name, G_TYPE_BOOLEAN, TRUE, NULL);
  }
  g_signal_emit_by_name (f->track, "states-update", too_many, &accepted);
  gst_structure_free (too_many);
  assert_refused (accepted, "at most 10 distinct player states");

  /* nothing was sent, and the session goes on */
  set_playhead (f, 10);
  crank_ping (f, S (10));
  wait_for_request (f, "ping");
  stop_pipeline (f);
  stop_collecting_warnings ();

  assert_received (f, expected, G_N_ELEMENTS (expected), "refusals");
  fixture_teardown (f);
}

GST_END_TEST;

/* Before the pipeline plays, actions are checked at once by the tracker's
 * rules and held for the session; a bounded few; dropped when the element
 * stops without a session started after them. */
GST_START_TEST (test_actions_before_the_session)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"sessionEnd", 1000, 1},
  };
  Fixture *f = fixture_new ();

  start_collecting_warnings ();

  make_pipeline (f, "held");
  assert_refused (emit_details (f->track, "ad-start", AD_2),
      "adStart without an ad break");
  for (guint i = 0; i < 32; i++)
    fail_unless (emit_details (f->track, "ad-break-start", "pod, index=1, "
            "offset=0"), "break %u", i);
  assert_refused (emit_details (f->track, "ad-break-start", "pod, index=1, "
          "offset=0"), "32 actions already wait");
  set_state (f, GST_STATE_READY);
  set_state (f, GST_STATE_NULL);

  /* none of them reaches the next run's session */
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  at (f, 1);
  stop_pipeline (f);
  stop_collecting_warnings ();

  assert_received (f, expected, G_N_ELEMENTS (expected), "held");
  fixture_teardown (f);
}

GST_END_TEST;

/* The skips: every endpoint of media-edge.yaml comes out of the element,
 * and teardown validates each body. */
GST_START_TEST (test_skips)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"chapterStart", 1000, 1},
    {"chapterSkip", 2000, 2},
    {"adBreakStart", 2001, 2},
    {"adStart", 2002, 2},
    {"adSkip", 3000, 2},
    {"adBreakComplete", 3001, 2},
    {"sessionEnd", 4000, 3},
  };
  Fixture *f = fixture_new ();

  make_pipeline (f, "skips");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  at (f, 1);
  fail_unless (emit_details (f->track, "chapter-start", "chapter, index=1, "
          "offset=0, length=5, segment=(string)intro"));
  at (f, 2);
  fail_unless (emit_plain (f->track, "chapter-skip"));
  fail_unless (emit_details (f->track, "ad-break-start", "pod, index=1, "
          "offset=2"));
  fail_unless (emit_details (f->track, "ad-start", "ad, name=(string)a1, "
          "length=30, podPosition=1"));
  at (f, 3);
  fail_unless (emit_plain (f->track, "ad-skip"));
  fail_unless (emit_plain (f->track, "ad-break-complete"));
  at (f, 4);
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "skips");
  fixture_teardown (f);
}

GST_END_TEST;

/* Metadata tags fill the sessionDetails fields they name, unless
 * session-details or the properties set them. */
GST_START_TEST (test_metadata_tags)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *line = g_strdup_printf ("videotestsrc num-buffers=5 ! "
      "taginject tags=\"title=Pilot,artist=Someone,album=Best,genre=Drama\" ! "
      "mediaedgetrack config-id=tags endpoint=%s "
      "session-details=\"details,genre=Comedy\" ! fakesink", f->endpoint);
  g_autoptr (GPtrArray) records = run_to_eos (f, line, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *details;

  details = json_object_get_object_member (received_media (records, 0,
          parser), "sessionDetails");
  fail_unless_equals_string (json_object_get_string_member (details, "name"),
      "Pilot");
  fail_unless_equals_string (json_object_get_string_member (details,
          "artist"), "Someone");
  fail_unless_equals_string (json_object_get_string_member (details,
          "album"), "Best");
  fail_unless_equals_string (json_object_get_string_member (details,
          "genre"), "Comedy");
  fixture_teardown (f);
}

GST_END_TEST;

/* playbin's own mute property, toggled while it plays */
GST_START_TEST (test_playbin_mute)
{
  Fixture *f = fixture_new ();
  gchar *clip = write_clip ("Muted", NULL);
  g_autofree gchar *uri = gst_filename_to_uri (clip, NULL);
  g_autofree gchar *line = g_strdup_printf ("playbin uri=\"%s\" "
      "video-sink=\"fakesink sync=true\" audio-sink=fakesink video-filter="
      "\"mediaedgetrack config-id=playbin-mute endpoint=%s\"", uri,
      f->endpoint);
  g_autoptr (GstElement) playbin = gst_parse_launch (line, NULL);
  g_autoptr (GstBus) bus = gst_element_get_bus (playbin);
  g_autoptr (GstMessage) eos = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  EdgeRecord *update;

  fail_unless_equals_int (gst_element_set_state (playbin, GST_STATE_PLAYING),
      GST_STATE_CHANGE_ASYNC);
  fail_unless_equals_int (gst_element_get_state (playbin, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
  g_object_set (playbin, "mute", TRUE, NULL);
  eos = gst_bus_timed_pop_filtered (bus, 10 * GST_SECOND, GST_MESSAGE_EOS);
  fail_unless (eos != NULL);
  gst_element_set_state (playbin, GST_STATE_NULL);
  remove_clip (clip);

  records = edge_server_dup_records (f->server);
  fail_unless (records->len >= 4);
  update = g_ptr_array_index (records, 2);
  fail_unless_equals_string (update->event_type, "statesUpdate");
  assert_member (media_collection (update, parser), "statesStart",
      "[{\"name\": \"mute\"}]");
  fixture_teardown (f);
}

GST_END_TEST;

static Suite *
mediaedgetrack_events_suite (void)
{
  Suite *s = suite_create ("mediaedgetrack-events");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_example2_through_pipeline);
  tcase_add_test (tc, test_toc_chapters_from_a_file);
  tcase_add_test (tc, test_toc_chapters_live);
  tcase_add_test (tc, test_error_message);
  tcase_add_test (tc, test_collection_api);
  tcase_add_test (tc, test_collection_timeline2_through_pipeline);
  tcase_add_test (tc, test_qoe_from_the_pipeline);
  tcase_add_test (tc, test_seek);
  tcase_add_test (tc, test_mute_toggle);
  tcase_add_test (tc, test_refusals);
  tcase_add_test (tc, test_actions_before_the_session);
  tcase_add_test (tc, test_skips);
  tcase_add_test (tc, test_metadata_tags);
  tcase_add_test (tc, test_playbin_mute);

  return s;
}

GST_CHECK_MAIN (mediaedgetrack_events);
