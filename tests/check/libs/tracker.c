/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The tracker on virtual time: the spec's timelines, second by second. */

#include <gst/check/gstcheck.h>

#include "mediaedge-tracker.h"
#include "mediaedge-xdm.h"
#include "mediaedge-codec-edge.h"
#include "mediaedge-codec-collection.h"

#define S(n) ((MediaEdgeTime) (n) * MEDIA_EDGE_SECOND)
#define WALL_START 1795658400000        /* 2026-11-26T02:00:00.000Z */

typedef struct
{
  MediaEdgeEventType type;
  gint64 offset_ms;
  gdouble playhead;
} Expected;

static GPtrArray *collected;

static void
collect (MediaEdgeTracker * tracker)
{
  g_autoptr (GPtrArray) events = media_edge_tracker_take_events (tracker);

  for (guint i = 0; i < events->len; i++)
    g_ptr_array_add (collected, g_ptr_array_steal_index (events, i--));
}

static void
assert_collected (const Expected * expected, guint n)
{
  for (guint i = 0; i < MIN (n, collected->len); i++) {
    MediaEdgeEvent *event = g_ptr_array_index (collected, i);

    fail_unless_equals_string (media_edge_event_type_get_name (event->type),
        media_edge_event_type_get_name (expected[i].type));
    fail_unless_equals_int64 (event->timestamp_ms - WALL_START,
        expected[i].offset_ms);
    fail_unless_equals_float (event->playhead, expected[i].playhead);
  }
  fail_unless_equals_int (collected->len, n);
}

static GVariant *
sample_details (void)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", "VA API Sample Player");
  g_variant_dict_insert (&dict, "length", "x", (gint64) 60);

  return g_variant_dict_end (&dict);
}

static MediaEdgeTracker *
start_described (void)
{
  MediaEdgeTracker *tracker = media_edge_tracker_new (10);

  fail_unless (media_edge_tracker_start_session (tracker, S (0), WALL_START,
          0));
  media_edge_tracker_describe_session (tracker, sample_details (), NULL);

  return tracker;
}

static void
setup (void)
{
  collected = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_event_free);
}

static void
teardown (void)
{
  g_ptr_array_unref (collected);
}

/* Adobe's implementation examples, Example 1: buffering, a pause, the user
 * closes the app. The
 * application pauses the pipeline while it buffers, as players do. */
GST_START_TEST (test_example1_buffer_and_pause)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_BUFFER_START, 1000, 1},
    {MEDIA_EDGE_EVENT_PLAY, 4000, 1},
    {MEDIA_EDGE_EVENT_PING, 10000, 7},
    {MEDIA_EDGE_EVENT_PAUSE_START, 15000, 12},
    {MEDIA_EDGE_EVENT_PING, 20000, 12},
    {MEDIA_EDGE_EVENT_PLAY, 24000, 12},
    {MEDIA_EDGE_EVENT_SESSION_END, 29000, 17},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  collect (tracker);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (10));

  media_edge_tracker_set_buffering (tracker, S (1), 1, TRUE);
  media_edge_tracker_set_playing (tracker, S (1), 1, FALSE);
  media_edge_tracker_set_buffering (tracker, S (4), 1, FALSE);
  media_edge_tracker_set_playing (tracker, S (4), 1, TRUE);
  collect (tracker);

  media_edge_tracker_advance (tracker, S (10), 7);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (20));
  media_edge_tracker_set_playing (tracker, S (15), 12, FALSE);
  media_edge_tracker_advance (tracker, S (20), 12);
  media_edge_tracker_set_playing (tracker, S (24), 12, TRUE);
  media_edge_tracker_end_session (tracker, S (29), 17);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      MEDIA_EDGE_TIME_NONE);
  fail_if (media_edge_tracker_in_session (tracker));
}

GST_END_TEST;

/* Buffering while the pipeline keeps playing (no application pattern)
 * ends with play too. */
GST_START_TEST (test_buffering_while_playing)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_BUFFER_START, 2000, 2},
    {MEDIA_EDGE_EVENT_PLAY, 3500, 2},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_buffering (tracker, S (2), 2, TRUE);
  /* a second BUFFERING message below 100 % is no news */
  media_edge_tracker_set_buffering (tracker, S (3), 2, TRUE);
  media_edge_tracker_set_buffering (tracker, S (3) + S (1) / 2, 2, FALSE);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* Startup buffering before the first play: Example 1 with a video that is
 * still loading at 0 s; a prerolled pause is not a user pause. */
GST_START_TEST (test_startup_buffering_is_not_a_pause)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_BUFFER_START, 500, 0},
    {MEDIA_EDGE_EVENT_PLAY, 2000, 0},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, FALSE);
  media_edge_tracker_set_buffering (tracker, S (1) / 2, 0, TRUE);
  media_edge_tracker_set_buffering (tracker, S (1), 0, FALSE);
  media_edge_tracker_set_playing (tracker, S (2), 0, TRUE);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* Nothing leaves before the sessionStart has its details; what was decided
 * meanwhile keeps its own time. */
GST_START_TEST (test_events_wait_for_session_details)
{
  g_autoptr (MediaEdgeTracker) tracker = media_edge_tracker_new (10);
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_BUFFER_START, 300, 0},
    {MEDIA_EDGE_EVENT_PLAY, 900, 0},
  };
  MediaEdgeEvent *start;

  media_edge_tracker_start_session (tracker, S (0), WALL_START, 0);
  media_edge_tracker_set_buffering (tracker, S (3) / 10, 0, TRUE);
  collect (tracker);
  fail_unless_equals_int (collected->len, 0);

  media_edge_tracker_set_buffering (tracker, S (9) / 10, 0, FALSE);
  media_edge_tracker_set_playing (tracker, S (9) / 10, 0, TRUE);
  media_edge_tracker_describe_session (tracker, sample_details (), NULL);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  start = g_ptr_array_index (collected, 0);
  fail_unless (start->details != NULL);
}

GST_END_TEST;

/* Pings keep the grid of the session start, whatever else was sent; a
 * machine that slept through several sends one. */
GST_START_TEST (test_pings_keep_their_grid)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_PAUSE_START, 9000, 9},
    {MEDIA_EDGE_EVENT_PING, 10000, 9},
    {MEDIA_EDGE_EVENT_PING, 40000, 9},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_playing (tracker, S (9), 9, FALSE);
  media_edge_tracker_advance (tracker, S (9) + S (1) / 2, 9);
  media_edge_tracker_advance (tracker, S (10), 9);
  media_edge_tracker_advance (tracker, S (10), 9);
  media_edge_tracker_advance (tracker, S (45), 9);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (50));
}

GST_END_TEST;

GST_START_TEST (test_ping_interval)
{
  g_autoptr (MediaEdgeTracker) tracker = media_edge_tracker_new (10);

  media_edge_tracker_set_ping_interval (tracker, 25);
  media_edge_tracker_start_session (tracker, S (100), WALL_START, 0);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (125));
}

GST_END_TEST;

/* EOS: sessionComplete closes the session; nothing follows it. */
GST_START_TEST (test_complete_closes_session)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_SESSION_COMPLETE, 3333, 3.33},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_complete_session (tracker, 3333000000, 3.33);
  media_edge_tracker_end_session (tracker, S (4), 3.33);
  media_edge_tracker_set_playing (tracker, S (4), 3.33, FALSE);
  media_edge_tracker_advance (tracker, S (30), 3.33);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* Every event of a session gets its own millisecond, in order. */
GST_START_TEST (test_timestamps_strictly_ascend)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();

  media_edge_tracker_set_playing (tracker, S (1), 1, TRUE);
  for (guint i = 0; i < 5; i++) {
    media_edge_tracker_set_buffering (tracker, S (1), 1, TRUE);
    media_edge_tracker_set_buffering (tracker, S (1), 1, FALSE);
  }
  media_edge_tracker_end_session (tracker, S (1), 1);
  collect (tracker);

  fail_unless_equals_int (collected->len, 13);
  for (guint i = 1; i < collected->len; i++) {
    MediaEdgeEvent *previous = g_ptr_array_index (collected, i - 1);
    MediaEdgeEvent *event = g_ptr_array_index (collected, i);

    fail_unless (event->timestamp_ms > previous->timestamp_ms);
  }
}

GST_END_TEST;

/* A second session restarts the clock of pings and timestamps. */
GST_START_TEST (test_second_session)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  MediaEdgeEvent *start;

  media_edge_tracker_end_session (tracker, S (5), 5);
  collect (tracker);
  fail_unless (media_edge_tracker_start_session (tracker, S (100),
          WALL_START + 100000, 0));
  fail_if (media_edge_tracker_start_session (tracker, S (101),
          WALL_START + 101000, 0));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (110));
  media_edge_tracker_describe_session (tracker, sample_details (), NULL);
  collect (tracker);

  fail_unless_equals_int (collected->len, 3);
  start = g_ptr_array_index (collected, 2);
  fail_unless_equals_int (start->type, MEDIA_EDGE_EVENT_SESSION_START);
  fail_unless_equals_int64 (start->timestamp_ms, WALL_START + 100000);
}

GST_END_TEST;

/* An a{sv} dictionary in GVariant text format, e.g. "{'index': <1>}" */
static GVariant *
fields (const gchar * text)
{
  g_autoptr (GError) error = NULL;
  GVariant *dict = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL,
      &error);

  g_assert_no_error (error);

  return dict;
}

static MediaEdgeEvent *
collected_event (guint i)
{
  fail_unless (i < collected->len);

  return g_ptr_array_index (collected, i);
}

static gboolean
has_member (GVariant * details, const gchar * name)
{
  g_autoptr (GVariant) value = g_variant_lookup_value (details, name, NULL);

  return value != NULL;
}

static void
assert_detail_int (GVariant * details, const gchar * name, gint64 value)
{
  gint64 found = -1;

  fail_unless (details != NULL);
  fail_unless (g_variant_lookup (details, name, "x", &found), "no %s", name);
  fail_unless_equals_int64 (found, value);
}

static void
assert_detail_string (GVariant * details, const gchar * name,
    const gchar * value)
{
  const gchar *found = NULL;

  fail_unless (details != NULL);
  fail_unless (g_variant_lookup (details, name, "&s", &found), "no %s", name);
  fail_unless_equals_string (found, value);
}

#define AD_1 "{'name': <'001'>, 'advertiser': <'Ad Guys'>, " \
  "'campaignID': <'1'>, 'creativeID': <'42'>, " \
  "'creativeURL': <'https://example.com'>, 'length': <16>, " \
  "'friendlyName': <'Ad 1'>, 'placementID': <'sample_placement'>, " \
  "'playerName': <'Sample Player'>, 'podPosition': <1>, 'siteID': <'XYZ'>, " \
  "'myCustomData1': <'CustomData1'>, 'myCustomData2': <'CustomData2'>}"
#define AD_2 "{'name': <'002'>, 'advertiser': <'Ad Guys'>, " \
  "'campaignID': <'2'>, 'creativeID': <'44'>, " \
  "'creativeURL': <'https://example.com'>, 'length': <12>, " \
  "'friendlyName': <'Ad 2'>, 'placementID': <'sample_placement2'>, " \
  "'playerName': <'Sample Player'>, 'podPosition': <1>, 'siteID': <'XYZ'>}"

/* Adobe's implementation examples, Example 2: two chapters around a two-ad
 * break. The ads are
 * stitched into the stream, so the stream position runs on through the
 * break (15 s to 43 s) while the content playhead stands at 15. */
GST_START_TEST (test_example2_chapters_and_ad_break)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 1000, 1},
    {MEDIA_EDGE_EVENT_PING, 10000, 10},
    {MEDIA_EDGE_EVENT_CHAPTER_COMPLETE, 15000, 15},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 15001, 15},
    {MEDIA_EDGE_EVENT_AD_START, 15002, 15},
    {MEDIA_EDGE_EVENT_PING, 20000, 15},
    {MEDIA_EDGE_EVENT_PING, 30000, 15},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 31000, 15},
    {MEDIA_EDGE_EVENT_AD_START, 31001, 15},
    {MEDIA_EDGE_EVENT_PING, 40000, 15},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 43000, 15},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 43001, 15},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 43002, 15},
    {MEDIA_EDGE_EVENT_PING, 50000, 22},
    {MEDIA_EDGE_EVENT_CHAPTER_COMPLETE, 54000, 26},
    {MEDIA_EDGE_EVENT_SESSION_COMPLETE, 54001, 26},
  };
  MediaEdgeEvent *event;
  const gchar *value;

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  fail_unless (media_edge_tracker_start_chapter (tracker, S (1), 1,
          fields ("{'index': <1>, 'offset': <0>, "
              "'friendlyName': <'Chapter one'>, 'length': <15>}"), NULL));
  media_edge_tracker_advance (tracker, S (10), 10);
  fail_unless (media_edge_tracker_complete_chapter (tracker, S (15), 15, NULL));
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (15), 15,
          fields ("{'index': <0>, 'offset': <15>, "
              "'friendlyName': <'Mid-roll break'>}"), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (15), 15,
          fields (AD_1), NULL));
  media_edge_tracker_advance (tracker, S (20), 20);
  media_edge_tracker_advance (tracker, S (30), 30);
  fail_unless (media_edge_tracker_complete_ad (tracker, S (31), 31, NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (31), 31,
          fields (AD_2), NULL));
  media_edge_tracker_advance (tracker, S (40), 40);
  fail_unless (media_edge_tracker_complete_ad (tracker, S (43), 43, NULL));
  fail_unless (media_edge_tracker_complete_ad_break (tracker, S (43), 43,
          NULL));
  fail_unless (media_edge_tracker_start_chapter (tracker, S (43), 43,
          fields ("{'index': <2>, 'offset': <43>, "
              "'friendlyName': <'Chapter two'>, 'length': <11>}"), NULL));
  media_edge_tracker_advance (tracker, S (50), 50);
  fail_unless (media_edge_tracker_complete_chapter (tracker, S (54), 54, NULL));
  media_edge_tracker_complete_session (tracker, S (54), 54);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));

  event = collected_event (2);
  assert_detail_int (event->details, "index", 1);
  assert_detail_int (event->details, "offset", 0);
  assert_detail_int (event->details, "length", 15);
  assert_detail_string (event->details, "friendlyName", "Chapter one");
  fail_unless_equals_int (g_variant_n_children (event->details), 4);
  fail_unless (event->custom_metadata == NULL);

  event = collected_event (5);
  assert_detail_int (event->details, "index", 0);
  assert_detail_int (event->details, "offset", 15);
  assert_detail_string (event->details, "friendlyName", "Mid-roll break");
  fail_unless_equals_int (g_variant_n_children (event->details), 3);

  event = collected_event (6);
  assert_detail_string (event->details, "name", "001");
  assert_detail_string (event->details, "campaignID", "1");
  assert_detail_int (event->details, "length", 16);
  assert_detail_int (event->details, "podPosition", 1);
  fail_unless_equals_int (g_variant_n_children (event->details), 11);
  fail_unless_equals_int (g_variant_n_children (event->custom_metadata), 2);
  fail_unless (g_variant_lookup (event->custom_metadata, "myCustomData2",
          "&s", &value));
  fail_unless_equals_string (value, "CustomData2");
  /* the break it plays in rides along, for the APIs that name it */
  fail_unless (event->ad_break != NULL);
  assert_detail_string (event->ad_break, "friendlyName", "Mid-roll break");
  fail_unless (collected_event (5)->ad_break == NULL);

  event = collected_event (10);
  assert_detail_string (event->details, "creativeID", "44");
  assert_detail_int (event->details, "length", 12);
  fail_unless (event->custom_metadata == NULL);

  event = collected_event (14);
  assert_detail_int (event->details, "index", 2);
  assert_detail_int (event->details, "offset", 43);
  assert_detail_int (event->details, "length", 11);

  /* the first play carries timeToStart, nothing changed afterwards */
  event = collected_event (1);
  assert_detail_int (event->qoe, "timeToStart", 0);
  fail_unless_equals_int (g_variant_n_children (event->qoe), 1);
  for (guint i = 2; i < collected->len; i++)
    fail_unless (collected_event (i)->qoe == NULL);
}

GST_END_TEST;

/* Adobe's Media Collection API Timeline 2, as a player tells it: a
 * pre-roll break while the player plays, an error at 32 s, the viewer
 * leaving during a mid-roll ad at 48 s. */
static void
play_timeline2 (MediaEdgeTracker * tracker)
{
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (0), 0,
          fields ("{'index': <0>, 'offset': <0>, "
              "'friendlyName': <'ad_pod1'>}"), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (0), 0,
          fields ("{'name': <'002'>, 'friendlyName': <'Ad 1'>, "
              "'length': <7>, 'podPosition': <1>, "
              "'playerName': <'Sample Player'>}"), NULL));
  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_qoe (tracker, S (0), 0, MEDIA_EDGE_QOE_BITRATE, 10000);
  media_edge_tracker_advance (tracker, S (10), 10);
  fail_unless (media_edge_tracker_complete_ad (tracker, S (12), 12, NULL));
  fail_unless (media_edge_tracker_complete_ad_break (tracker, S (12), 12,
          NULL));
  media_edge_tracker_advance (tracker, S (20), 20);
  media_edge_tracker_advance (tracker, S (30), 30);
  fail_unless (media_edge_tracker_track_error (tracker, S (32), 32,
          fields ("{'name': <'gst-stream-error-quark:1'>, "
              "'source': <'player'>}"), NULL));
  media_edge_tracker_advance (tracker, S (40), 40);
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (45), 45,
          fields ("{'index': <1>, 'offset': <33>}"), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (45), 45,
          fields ("{'name': <'002'>, 'length': <8>, 'podPosition': <1>, "
              "'playerName': <'Sample Player'>}"), NULL));
  media_edge_tracker_end_session (tracker, S (48), 48);
  collect (tracker);
}

/* Adobe's Media Collection API Timeline 2: a pre-roll break while the
 * player plays ends with
 * play; the content playhead starts after the pre-roll; an error; the
 * viewer leaves during a mid-roll ad and only sessionEnd goes out. */
GST_START_TEST (test_timeline2_preroll_error_abandon)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 1, 0},
    {MEDIA_EDGE_EVENT_AD_START, 2, 0},
    {MEDIA_EDGE_EVENT_PING, 10000, 0},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 12000, 0},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 12001, 0},
    {MEDIA_EDGE_EVENT_PLAY, 12002, 0},
    {MEDIA_EDGE_EVENT_PING, 20000, 8},
    {MEDIA_EDGE_EVENT_PING, 30000, 18},
    {MEDIA_EDGE_EVENT_ERROR, 32000, 20},
    {MEDIA_EDGE_EVENT_PING, 40000, 28},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 45000, 33},
    {MEDIA_EDGE_EVENT_AD_START, 45001, 33},
    {MEDIA_EDGE_EVENT_SESSION_END, 48000, 33},
  };
  MediaEdgeEvent *error_event;

  play_timeline2 (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  /* QoE rides with the first event after it changed, and always with
   * error */
  assert_detail_int (collected_event (3)->qoe, "bitrate", 10000);
  fail_unless_equals_int (g_variant_n_children (collected_event (3)->qoe), 1);
  assert_detail_int (collected_event (6)->qoe, "bitrate", 10000);
  assert_detail_int (collected_event (6)->qoe, "timeToStart", 12);
  fail_unless_equals_int (g_variant_n_children (collected_event (6)->qoe), 2);
  error_event = collected_event (9);
  fail_unless (error_event->qoe != NULL);
  assert_detail_string (error_event->details, "name",
      "gst-stream-error-quark:1");
  assert_detail_string (error_event->details, "source", "player");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* refusals: each a call in a situation, refused with an error that says
 * why, that sends nothing and changes nothing */

/* when the call under test comes: past the ping the setup left due, so
 * that a refused call that advanced the tracker would be seen */
static MediaEdgeTime now;

#define POD "{'index': <1>, 'offset': <1>}"
#define AD "{'name': <'a'>, 'length': <5>, 'podPosition': <1>, " \
  "'playerName': <'p'>}"
#define CHAPTER "{'index': <1>, 'offset': <0>, 'length': <5>}"
#define PLAYER_ERROR "{'name': <'E42'>, 'source': <'player'>}"
/* a player state name one character too long */
#define NAME_65 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static GVariant *
states (const gchar * text)
{
  g_autoptr (GError) error = NULL;
  GVariant *dict = g_variant_parse (G_VARIANT_TYPE ("a{sb}"), text, NULL,
      NULL, &error);

  g_assert_no_error (error);

  return dict;
}

/* The calls that can be refused, and those that must work afterwards */
typedef enum
{
  AD_BREAK_START,
  AD_BREAK_COMPLETE,
  AD_START,
  AD_COMPLETE,
  AD_SKIP,
  CHAPTER_START,
  CHAPTER_COMPLETE,
  CHAPTER_SKIP,
  STATES_UPDATE,
  TRACK_ERROR,
  SESSION_START,
  PLAY,
} Call;

/* Makes @call at the time under test, with the @text of its fields if it
 * takes any. */
static gboolean
make_call (MediaEdgeTracker * tracker, Call call, const gchar * text,
    GError ** error)
{
  switch (call) {
    case AD_BREAK_START:
      return media_edge_tracker_start_ad_break (tracker, now, 12,
          fields (text), error);
    case AD_BREAK_COMPLETE:
      return media_edge_tracker_complete_ad_break (tracker, now, 12, error);
    case AD_START:
      return media_edge_tracker_start_ad (tracker, now, 12, fields (text),
          error);
    case AD_COMPLETE:
      return media_edge_tracker_complete_ad (tracker, now, 12, error);
    case AD_SKIP:
      return media_edge_tracker_skip_ad (tracker, now, 12, error);
    case CHAPTER_START:
      return media_edge_tracker_start_chapter (tracker, now, 12,
          fields (text), error);
    case CHAPTER_COMPLETE:
      return media_edge_tracker_complete_chapter (tracker, now, 12, error);
    case CHAPTER_SKIP:
      return media_edge_tracker_skip_chapter (tracker, now, 12, error);
    case STATES_UPDATE:
      return media_edge_tracker_update_states (tracker, now, 12,
          states (text), error);
    case TRACK_ERROR:
      return media_edge_tracker_track_error (tracker, now, 12, fields (text),
          error);
    case SESSION_START:
      if (!media_edge_tracker_start_session (tracker, now, WALL_START, 0))
        return FALSE;
      media_edge_tracker_describe_session (tracker, sample_details (), NULL);
      return TRUE;
    case PLAY:
      media_edge_tracker_set_playing (tracker, now, 12, TRUE);
      return TRUE;
  }

  g_assert_not_reached ();
}

/* The situations a call is refused in: how to get there, and a call that
 * must still work there afterwards, with the last event it sends. */
typedef enum
{
  NO_SESSION,
  PLAYING,
  IN_AD_BREAK,                  /* between two ads */
  TEN_STATES,                   /* as many player states as a session has */
  IDLE,                         /* ended for idleness, not resumed yet */
} Situation;

static void
set_up (MediaEdgeTracker * tracker, Situation situation)
{
  now = S (1);
  if (situation == NO_SESSION)
    return;

  fail_unless (media_edge_tracker_start_session (tracker, S (0), WALL_START,
          0));
  media_edge_tracker_describe_session (tracker, sample_details (), NULL);
  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  now = S (12);
  if (situation == IN_AD_BREAK)
    fail_unless (media_edge_tracker_start_ad_break (tracker, S (1), 1,
            fields (POD), NULL));
  for (guint i = 0; situation == TEN_STATES && i < MEDIA_EDGE_MAX_STATES; i++) {
    g_autofree gchar *one = g_strdup_printf ("{'state%u': true}", i);

    fail_unless (media_edge_tracker_update_states (tracker, S (1), 1,
            states (one), NULL));
  }
  if (situation == IDLE) {
    media_edge_tracker_set_playing (tracker, S (5), 5, FALSE);
    media_edge_tracker_advance (tracker, S (1805), 5);
    now = S (1900);
  }
}

static const struct
{
  Call call;
  const gchar *text;
  MediaEdgeEventType last;
} still_works[] = {
  [NO_SESSION] = {SESSION_START, NULL, MEDIA_EDGE_EVENT_SESSION_START},
  [PLAYING] = {CHAPTER_START, CHAPTER, MEDIA_EDGE_EVENT_CHAPTER_START},
  [IN_AD_BREAK] = {AD_START, AD, MEDIA_EDGE_EVENT_AD_START},
  /* a state already counted may come back */
  [TEN_STATES] = {STATES_UPDATE, "{'state0': false}",
      MEDIA_EDGE_EVENT_STATES_UPDATE},
  /* resumes it */
  [IDLE] = {PLAY, NULL, MEDIA_EDGE_EVENT_PLAY},
};

/* The call of @situation that must still work, and the last event it
 * sent */
static MediaEdgeEventType
go_on (MediaEdgeTracker * tracker, Situation situation)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) events = NULL;

  fail_unless (make_call (tracker, still_works[situation].call,
          still_works[situation].text, &error), "%s",
      error ? error->message : "refused");
  events = media_edge_tracker_take_events (tracker);
  fail_unless (events->len > 0);

  return ((MediaEdgeEvent *) g_ptr_array_index (events, events->len - 1))->type;
}

typedef GQuark (*ErrorDomain) (void);

#define TRACKER_ERROR(code) media_edge_tracker_error_quark, \
  MEDIA_EDGE_TRACKER_ERROR_ ## code
#define XDM_ERROR(code) media_edge_xdm_error_quark, MEDIA_EDGE_XDM_ERROR_ ## code

static const struct
{
  Situation situation;
  Call call;
  const gchar *text;
  ErrorDomain domain;
  gint code;
  const gchar *words;
} refusals[] = {
  /* no session, or one ended for idleness */
  {NO_SESSION, AD_BREAK_START, POD, TRACKER_ERROR (NO_SESSION),
      "adBreakStart: no tracking session"},
  {NO_SESSION, AD_BREAK_COMPLETE, NULL, TRACKER_ERROR (NO_SESSION),
      "adBreakComplete: no tracking session"},
  {NO_SESSION, AD_START, AD, TRACKER_ERROR (NO_SESSION),
      "adStart: no tracking session"},
  {NO_SESSION, AD_COMPLETE, NULL, TRACKER_ERROR (NO_SESSION),
      "adComplete: no tracking session"},
  {NO_SESSION, AD_SKIP, NULL, TRACKER_ERROR (NO_SESSION),
      "adSkip: no tracking session"},
  {NO_SESSION, CHAPTER_START, CHAPTER, TRACKER_ERROR (NO_SESSION),
      "chapterStart: no tracking session"},
  {NO_SESSION, CHAPTER_COMPLETE, NULL, TRACKER_ERROR (NO_SESSION),
      "chapterComplete: no tracking session"},
  {NO_SESSION, CHAPTER_SKIP, NULL, TRACKER_ERROR (NO_SESSION),
      "chapterSkip: no tracking session"},
  {NO_SESSION, STATES_UPDATE, "{'mute': true}", TRACKER_ERROR (NO_SESSION),
      "statesUpdate: no tracking session"},
  {NO_SESSION, TRACK_ERROR, PLAYER_ERROR, TRACKER_ERROR (NO_SESSION),
      "error: no tracking session"},
  {IDLE, CHAPTER_START, CHAPTER, TRACKER_ERROR (NO_SESSION),
      "chapterStart: the session ended for idleness"},
  {IDLE, AD_BREAK_START, POD, TRACKER_ERROR (NO_SESSION),
      "adBreakStart: the session ended for idleness"},
  {IDLE, STATES_UPDATE, "{'mute': true}", TRACKER_ERROR (NO_SESSION),
      "statesUpdate: the session ended for idleness"},
  {IDLE, TRACK_ERROR, PLAYER_ERROR, TRACKER_ERROR (NO_SESSION),
      "error: the session ended for idleness"},
  /* out of order */
  {PLAYING, AD_START, AD, TRACKER_ERROR (OUT_OF_ORDER),
      "adStart without an ad break"},
  {PLAYING, AD_BREAK_COMPLETE, NULL, TRACKER_ERROR (OUT_OF_ORDER),
      "adBreakComplete without an ad break"},
  {PLAYING, AD_COMPLETE, NULL, TRACKER_ERROR (OUT_OF_ORDER),
      "adComplete without an ad playing"},
  {PLAYING, AD_SKIP, NULL, TRACKER_ERROR (OUT_OF_ORDER),
      "adSkip without an ad playing"},
  {IN_AD_BREAK, AD_COMPLETE, NULL, TRACKER_ERROR (OUT_OF_ORDER),
      "adComplete without an ad playing"},
  {IN_AD_BREAK, AD_SKIP, NULL, TRACKER_ERROR (OUT_OF_ORDER),
      "adSkip without an ad playing"},
  {PLAYING, CHAPTER_COMPLETE, NULL, TRACKER_ERROR (OUT_OF_ORDER),
      "chapterComplete without an open chapter"},
  {PLAYING, CHAPTER_SKIP, NULL, TRACKER_ERROR (OUT_OF_ORDER),
      "chapterSkip without an open chapter"},
  /* details objects: required fields */
  {PLAYING, AD_BREAK_START, "{'offset': <1>}", XDM_ERROR (MISSING_FIELD),
      "advertisingPodDetails needs the field 'index'"},
  {PLAYING, AD_BREAK_START, "{'index': <1>}", XDM_ERROR (MISSING_FIELD),
      "advertisingPodDetails needs the field 'offset'"},
  {IN_AD_BREAK, AD_START, "{'length': <5>, 'podPosition': <1>, "
        "'playerName': <'p'>}", XDM_ERROR (MISSING_FIELD),
      "advertisingDetails needs the field 'name'"},
  {IN_AD_BREAK, AD_START, "{'name': <'a'>, 'podPosition': <1>, "
        "'playerName': <'p'>}", XDM_ERROR (MISSING_FIELD),
      "advertisingDetails needs the field 'length'"},
  {IN_AD_BREAK, AD_START, "{'name': <'a'>, 'length': <5>, "
        "'podPosition': <1>}", XDM_ERROR (MISSING_FIELD),
      "advertisingDetails needs the field 'playerName'"},
  {IN_AD_BREAK, AD_START, "{'name': <'a'>, 'length': <5>, "
        "'playerName': <'p'>}", XDM_ERROR (MISSING_FIELD),
      "advertisingDetails needs the field 'podPosition'"},
  {PLAYING, CHAPTER_START, "{'offset': <0>, 'length': <5>}",
      XDM_ERROR (MISSING_FIELD), "chapterDetails needs the field 'index'"},
  {PLAYING, CHAPTER_START, "{'index': <1>, 'length': <5>}",
      XDM_ERROR (MISSING_FIELD), "chapterDetails needs the field 'offset'"},
  {PLAYING, CHAPTER_START, "{'index': <1>, 'offset': <0>}",
      XDM_ERROR (MISSING_FIELD), "chapterDetails needs the field 'length'"},
  {PLAYING, TRACK_ERROR, "{'source': <'player'>}", XDM_ERROR (MISSING_FIELD),
      "errorDetails needs the field 'name'"},
  {PLAYING, TRACK_ERROR, "{'name': <'E42'>}", XDM_ERROR (MISSING_FIELD),
      "errorDetails needs the field 'source'"},
  /* details objects: values */
  {PLAYING, CHAPTER_START, "{'index': <'first'>, 'offset': <0>, "
        "'length': <5>}", XDM_ERROR (BAD_VALUE),
      "chapterDetails field 'index' must be a whole number >= 0, not 'first'"},
  {PLAYING, AD_BREAK_START, "{'index': <-1>, 'offset': <0>}",
        XDM_ERROR (BAD_VALUE),
      "advertisingPodDetails field 'index' must be a whole number >= 0"},
  {PLAYING, CHAPTER_START, "{'index': <1>, 'offset': <-1.5>, "
        "'length': <5>}", XDM_ERROR (BAD_VALUE),
      "chapterDetails field 'offset' must be a whole number >= 0"},
  {IN_AD_BREAK, AD_START, "{'name': <''>, 'length': <5>, "
        "'podPosition': <1>, 'playerName': <'p'>}", XDM_ERROR (BAD_VALUE),
      "advertisingDetails field 'name' must be a non-empty string"},
  {PLAYING, TRACK_ERROR, "{'name': <'E42'>, 'source': <'network'>}",
        XDM_ERROR (BAD_VALUE),
      "errorDetails field 'source' must be \"player\" or \"external\""},
  /* details objects: names */
  {PLAYING, AD_BREAK_START, "{'index': <1>, 'offset': <0>, "
        "'colour': <'red'>}", XDM_ERROR (BAD_NAME),
      "'colour' is not a field of advertisingPodDetails"},
  {PLAYING, TRACK_ERROR, "{'name': <'E42'>, 'source': <'player'>, "
        "'code': <42>}", XDM_ERROR (BAD_NAME),
      "'code' is not a field of errorDetails"},
  {PLAYING, CHAPTER_START, "{'index': <1>, 'offset': <0>, 'length': <5>, "
        "'my key': <'x'>}", XDM_ERROR (BAD_NAME),
      "'my key' is neither a field of chapterDetails nor a custom metadata"},
  {IN_AD_BREAK, AD_START, "{'name': <'a'>, 'length': <5>, "
        "'podPosition': <1>, 'playerName': <'p'>, 'ad-id': <'x'>}",
        XDM_ERROR (BAD_NAME),
      "'ad-id' is neither a field of advertisingDetails nor a custom"},
  /* player states */
  {PLAYING, STATES_UPDATE, "{'full screen': true}", TRACKER_ERROR (BAD_STATE),
      "player state name 'full screen' does not match"},
  {PLAYING, STATES_UPDATE, "{'': true}", TRACKER_ERROR (BAD_STATE),
      "player state name '' does not match"},
  {PLAYING, STATES_UPDATE, "{'" NAME_65 "': true}", TRACKER_ERROR (BAD_STATE),
      "player state name '" NAME_65 "' does not match"},
  {TEN_STATES, STATES_UPDATE, "{'eleventh': true}",
        TRACKER_ERROR (TOO_MANY_STATES),
      "a session tracks at most 10 distinct player states"},
};

/* Every refusal: FALSE, an error that says why, no event, and the
 * session goes on. */
GST_START_TEST (test_refusals)
{
  for (guint i = 0; i < G_N_ELEMENTS (refusals); i++) {
    g_autoptr (MediaEdgeTracker) tracker = media_edge_tracker_new (10);
    g_autoptr (GPtrArray) sent = NULL;
    g_autoptr (GError) error = NULL;
    Situation situation = refusals[i].situation;
    MediaEdgeEventType last;

    set_up (tracker, situation);
    g_ptr_array_unref (media_edge_tracker_take_events (tracker));

    fail_if (make_call (tracker, refusals[i].call, refusals[i].text, &error),
        "row %u accepted: %s", i, refusals[i].words);
    fail_unless (error != NULL, "row %u: no error", i);
    fail_unless (g_error_matches (error, refusals[i].domain (),
            refusals[i].code), "row %u: %s", i, error->message);
    fail_unless (strstr (error->message, refusals[i].words) != NULL,
        "row %u: '%s' lacks '%s'", i, error->message, refusals[i].words);
    sent = media_edge_tracker_take_events (tracker);
    fail_unless (sent->len == 0, "row %u sent %u events", i, sent->len);
    last = go_on (tracker, situation);
    fail_unless (last == still_works[situation].last, "row %u: then %s, "
        "not %s", i, media_edge_event_type_get_name (last),
        media_edge_event_type_get_name (still_works[situation].last));
  }
}

GST_END_TEST;

/* New chapters, ads and breaks close the open ones as Adobe's SDKs do;
 * sessionComplete completes what is open. */
GST_START_TEST (test_open_parts_are_closed)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 2, 0},
    {MEDIA_EDGE_EVENT_CHAPTER_SKIP, 2000, 2},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 2001, 2},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 3000, 3},
    {MEDIA_EDGE_EVENT_AD_START, 3001, 3},
    {MEDIA_EDGE_EVENT_AD_SKIP, 4000, 3},
    {MEDIA_EDGE_EVENT_AD_START, 4001, 3},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 5000, 3},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 5001, 3},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 5002, 3},
    {MEDIA_EDGE_EVENT_AD_START, 5003, 3},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 6000, 3},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 6001, 3},
    {MEDIA_EDGE_EVENT_CHAPTER_COMPLETE, 6002, 3},
    {MEDIA_EDGE_EVENT_SESSION_COMPLETE, 6003, 3},
  };
  const gchar *chapter = "{'index': <1>, 'offset': <0>, 'length': <9>}";
  const gchar *pod = "{'index': <1>, 'offset': <3>}";
  const gchar *ad = "{'name': <'a'>, 'length': <1>, 'podPosition': <1>, "
      "'playerName': <'p'>}";

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  fail_unless (media_edge_tracker_start_chapter (tracker, S (0), 0,
          fields (chapter), NULL));
  fail_unless (media_edge_tracker_start_chapter (tracker, S (2), 2,
          fields (chapter), NULL));
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (3), 3,
          fields (pod), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (3), 3, fields (ad),
          NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (4), 4, fields (ad),
          NULL));
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (5), 5,
          fields (pod), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (5), 5, fields (ad),
          NULL));
  media_edge_tracker_complete_session (tracker, S (6), 6);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* Pause and buffering inside a break are the ad's when an ad plays, and
 * nobody's between ads; after the break the backend hears the state it
 * lacks. */
GST_START_TEST (test_playback_inside_ad_break)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 5000, 5},
    {MEDIA_EDGE_EVENT_AD_START, 6000, 5},
    {MEDIA_EDGE_EVENT_PAUSE_START, 6001, 5},
    {MEDIA_EDGE_EVENT_PLAY, 7000, 5},
    {MEDIA_EDGE_EVENT_BUFFER_START, 8000, 5},
    {MEDIA_EDGE_EVENT_PLAY, 9000, 5},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 9500, 5},
    {MEDIA_EDGE_EVENT_PING, 10000, 5},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 11000, 5},
    {MEDIA_EDGE_EVENT_PAUSE_START, 11001, 5},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (5), 5,
          fields ("{'index': <1>, 'offset': <5>}"), NULL));
  /* between ads: ignored */
  media_edge_tracker_set_playing (tracker, S (5) + S (1) / 2, 5, FALSE);
  /* the pause becomes the ad's */
  fail_unless (media_edge_tracker_start_ad (tracker, S (6), 5,
          fields ("{'name': <'a'>, 'length': <4>, 'podPosition': <1>, "
              "'playerName': <'p'>}"), NULL));
  media_edge_tracker_set_playing (tracker, S (7), 6, TRUE);
  media_edge_tracker_set_buffering (tracker, S (8), 7, TRUE);
  media_edge_tracker_set_buffering (tracker, S (9), 7, FALSE);
  fail_unless (media_edge_tracker_complete_ad (tracker, S (9) + S (1) / 2, 8,
          NULL));
  media_edge_tracker_set_playing (tracker, S (10), 8, FALSE);
  fail_unless (media_edge_tracker_complete_ad_break (tracker, S (11), 8, NULL));
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* ad-ping-interval applies while an ad plays, on the grid laid so far. */
GST_START_TEST (test_ad_ping_interval)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 12500, 12.5},
    {MEDIA_EDGE_EVENT_AD_START, 12501, 12.5},
    {MEDIA_EDGE_EVENT_PING, 13000, 12.5},
    {MEDIA_EDGE_EVENT_PING, 14000, 12.5},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 14500, 12.5},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 14501, 12.5},
    {MEDIA_EDGE_EVENT_PING, 24000, 22},
  };

  media_edge_tracker_set_ad_ping_interval (tracker, 1);
  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_advance (tracker, S (10), 10);
  collect (tracker);
  g_ptr_array_remove_index (collected, 2);      /* the ping at 10 */
  fail_unless (media_edge_tracker_start_ad_break (tracker, 12500000000, 12.5,
          fields ("{'index': <1>, 'offset': <12>}"), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, 12500000000, 12.5,
          fields ("{'name': <'a'>, 'length': <2>, 'podPosition': <1>, "
              "'playerName': <'p'>}"), NULL));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (13));
  media_edge_tracker_advance (tracker, S (13), 13);
  media_edge_tracker_advance (tracker, S (14), 14);
  fail_unless (media_edge_tracker_complete_ad (tracker, 14500000000, 14.5,
          NULL));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (24));
  fail_unless (media_edge_tracker_complete_ad_break (tracker, 14500000000,
          14.5, NULL));
  media_edge_tracker_advance (tracker, S (24), 24);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* statesUpdate carries the states that start and end, sorted; at most 10
 * distinct states per session. */
GST_START_TEST (test_player_states)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  g_autoptr (GError) error = NULL;
  g_autofree gchar *states = NULL;
  MediaEdgeEvent *event;

  fail_unless (media_edge_tracker_update_states (tracker, S (1), 1,
          g_variant_new_parsed ("{'mute': true, 'fullscreen': true}"), NULL));
  fail_unless (media_edge_tracker_update_states (tracker, S (2), 2,
          g_variant_new_parsed ("{'mute': true}"), NULL));
  fail_unless (media_edge_tracker_update_states (tracker, S (3), 3,
          g_variant_new_parsed ("{'mute': false, 'inFocus': true}"), NULL));
  for (guint i = 0; i < 7; i++) {
    g_autofree gchar *name = g_strdup_printf ("custom.state_%u", i);
    GVariantBuilder one;

    g_variant_builder_init (&one, G_VARIANT_TYPE ("a{sb}"));
    g_variant_builder_add (&one, "{sb}", name, TRUE);
    fail_unless (media_edge_tracker_update_states (tracker, S (4), 4,
            g_variant_builder_end (&one), NULL));
  }
  fail_if (media_edge_tracker_update_states (tracker, S (5), 5,
          g_variant_new_parsed ("{'pictureInPicture': true}"), &error));
  g_assert_error (error, MEDIA_EDGE_TRACKER_ERROR,
      MEDIA_EDGE_TRACKER_ERROR_TOO_MANY_STATES);
  /* a state already counted may come back */
  fail_unless (media_edge_tracker_update_states (tracker, S (6), 6,
          g_variant_new_parsed ("{'mute': true}"), NULL));
  collect (tracker);

  fail_unless_equals_int (collected->len, 1 + 2 + 7 + 1);
  event = collected_event (1);
  fail_unless_equals_int (event->type, MEDIA_EDGE_EVENT_STATES_UPDATE);
  states = g_variant_print (event->details, FALSE);
  fail_unless_equals_string (states,
      "{'statesStart': <[{'name': <'fullscreen'>}, {'name': <'mute'>}]>}");
  event = collected_event (2);
  fail_unless_equals_int64 (event->timestamp_ms - WALL_START, 3000);
  fail_unless (has_member (event->details, "statesStart"));
  fail_unless (has_member (event->details, "statesEnd"));
}

GST_END_TEST;

/* A flushing seek is a pause until playback resumes; a new bitrate is a
 * bitrateChange carrying the QoE. */
GST_START_TEST (test_seek_and_bitrate)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_PAUSE_START, 3000, 3},
    {MEDIA_EDGE_EVENT_PLAY, 3500, 40},
    {MEDIA_EDGE_EVENT_BITRATE_CHANGE, 5000, 41},
  };
  MediaEdgeEvent *change;

  media_edge_tracker_set_qoe (tracker, S (0), 0, MEDIA_EDGE_QOE_BITRATE, 800);
  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_seeking (tracker, S (3), 3, TRUE);
  media_edge_tracker_set_seeking (tracker, 3500000000, 40, FALSE);
  media_edge_tracker_set_qoe (tracker, S (4), 40,
      MEDIA_EDGE_QOE_DROPPED_FRAMES, 2);
  media_edge_tracker_set_qoe (tracker, S (5), 41, MEDIA_EDGE_QOE_BITRATE, 1200);
  media_edge_tracker_set_qoe (tracker, S (6), 42, MEDIA_EDGE_QOE_BITRATE, 1200);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  change = collected_event (4);
  assert_detail_int (change->qoe, "bitrate", 1200);
  assert_detail_int (change->qoe, "droppedFrames", 2);
  assert_detail_int (change->qoe, "timeToStart", 0);
  fail_unless_equals_int (g_variant_n_children (change->qoe), 3);
}

GST_END_TEST;

static gboolean
has_resume (MediaEdgeEvent * event)
{
  gboolean resume = FALSE;

  return event->details && g_variant_lookup (event->details, "hasResume",
      "b", &resume) && resume;
}

/* The service lost the session: a new one resumes it with the open
 * chapter, ad break, ad and states, then the playback state. */
GST_START_TEST (test_restart_resends_what_is_open)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 2, 0},
    {MEDIA_EDGE_EVENT_STATES_UPDATE, 3, 0},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 5000, 5},
    {MEDIA_EDGE_EVENT_AD_START, 5001, 5},
    {MEDIA_EDGE_EVENT_PAUSE_START, 6000, 5},
    {MEDIA_EDGE_EVENT_SESSION_START, 7000, 5},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 7001, 5},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 7002, 5},
    {MEDIA_EDGE_EVENT_AD_START, 7003, 5},
    {MEDIA_EDGE_EVENT_STATES_UPDATE, 7004, 5},
    {MEDIA_EDGE_EVENT_PAUSE_START, 7005, 5},
    {MEDIA_EDGE_EVENT_PING, 17000, 5},
  };
  MediaEdgeEvent *start, *chapter;

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  fail_unless (media_edge_tracker_start_chapter (tracker, S (0), 0,
          fields ("{'index': <1>, 'offset': <0>, 'length': <60>}"), NULL));
  fail_unless (media_edge_tracker_update_states (tracker, S (0), 0,
          g_variant_new_parsed ("{'mute': true}"), NULL));
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (5), 5,
          fields ("{'index': <1>, 'offset': <5>}"), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (5), 5,
          fields ("{'name': <'a'>, 'length': <20>, 'podPosition': <1>, "
              "'playerName': <'p'>}"), NULL));
  media_edge_tracker_set_playing (tracker, S (6), 6, FALSE);
  media_edge_tracker_restart_session (tracker, S (7), 7);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (17));
  media_edge_tracker_advance (tracker, S (17), 7);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  start = collected_event (7);
  fail_unless (has_resume (start));
  assert_detail_string (start->details, "name", "VA API Sample Player");
  fail_if (has_resume (collected_event (0)));
  chapter = collected_event (8);
  assert_detail_int (chapter->details, "length", 60);
}

GST_END_TEST;

/* Not playing for idle-timeout ends the session; playback resuming starts
 * a new one with hasResume, as Adobe's SDKs do. */
GST_START_TEST (test_idle_session_ends_and_resumes)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_PAUSE_START, 5000, 5},
    {MEDIA_EDGE_EVENT_PING, 1800000, 5},
    {MEDIA_EDGE_EVENT_SESSION_END, 1805000, 5},
    {MEDIA_EDGE_EVENT_SESSION_START, 2000000, 5},
    {MEDIA_EDGE_EVENT_PLAY, 2000001, 5},
    {MEDIA_EDGE_EVENT_PING, 2010000, 15},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_playing (tracker, S (5), 5, FALSE);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (10));
  /* a long-stalled machine: one ping for the missed ones, then the end */
  media_edge_tracker_advance (tracker, S (1805), 5);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      MEDIA_EDGE_TIME_NONE);
  fail_unless (media_edge_tracker_in_session (tracker));
  fail_if (media_edge_tracker_start_chapter (tracker, S (1900), 5,
          fields ("{'index': <1>, 'offset': <0>, 'length': <60>}"), NULL));
  media_edge_tracker_set_playing (tracker, S (2000), 5, TRUE);
  media_edge_tracker_advance (tracker, S (2010), 15);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  fail_unless (has_resume (collected_event (5)));
}

GST_END_TEST;

/* Playing without data for the idle timeout ends the session like a
 * pause would; the data coming again resumes it. The stall itself is not
 * reported. */
GST_START_TEST (test_stalled_session_ends_and_resumes)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_PING, 10000, 10},
    {MEDIA_EDGE_EVENT_PING, 20000, 10},
    {MEDIA_EDGE_EVENT_PING, 1800000, 10},
    {MEDIA_EDGE_EVENT_PING, 1810000, 10},
    {MEDIA_EDGE_EVENT_SESSION_END, 1810001, 10},
    {MEDIA_EDGE_EVENT_SESSION_START, 2000000, 10},
    {MEDIA_EDGE_EVENT_PLAY, 2000001, 10},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_advance (tracker, S (10), 10);
  /* no data since 10 s, seen at the next ping */
  media_edge_tracker_set_stalled (tracker, S (20), 10, S (10));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (30));
  media_edge_tracker_advance (tracker, S (1805), 10);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (1810));
  media_edge_tracker_advance (tracker, S (1810), 10);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      MEDIA_EDGE_TIME_NONE);
  media_edge_tracker_set_stalled (tracker, S (2000), 10, MEDIA_EDGE_TIME_NONE);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  fail_unless (has_resume (collected_event (7)));
}

GST_END_TEST;

/* A stall counts from when playback started at the earliest: no data came
 * during a pause, and the player that plays again is not idle for it. */
GST_START_TEST (test_stall_counts_from_play)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_playing (tracker, S (5), 5, FALSE);
  media_edge_tracker_set_stalled (tracker, S (10), 5, S (5));
  media_edge_tracker_set_playing (tracker, S (1000), 5, TRUE);
  /* idle since the pause, it would end at 1805 s: it is idle since the
   * play, so only pings are due */
  media_edge_tracker_advance (tracker, S (1805), 5);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (1810));
  media_edge_tracker_advance (tracker, S (2795), 5);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (2800));
  /* data: no idle deadline any more */
  media_edge_tracker_set_stalled (tracker, S (2799), 5, MEDIA_EDGE_TIME_NONE);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (2800));
  media_edge_tracker_advance (tracker, S (2800), 5);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (2810));
  fail_unless (media_edge_tracker_in_session (tracker));
}

GST_END_TEST;

/* A day-long session ends and a new one carries on (kiosk loops). */
GST_START_TEST (test_day_long_session_restarts)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_PING, 86400000, 400},
    {MEDIA_EDGE_EVENT_SESSION_END, 86400001, 400},
    {MEDIA_EDGE_EVENT_SESSION_START, 86400002, 400},
    {MEDIA_EDGE_EVENT_PLAY, 86400003, 400},
    {MEDIA_EDGE_EVENT_PING, 86410000, 410},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (10));
  media_edge_tracker_advance (tracker, S (86400), 400);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (86410));
  media_edge_tracker_advance (tracker, S (86410), 410);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
  fail_unless (has_resume (collected_event (4)));
}

GST_END_TEST;

/* Live: the position is the second of the day, and ads do not shift it. */
GST_START_TEST (test_live_playhead)
{
  g_autoptr (MediaEdgeTracker) tracker = media_edge_tracker_new (10);
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 7200},
    {MEDIA_EDGE_EVENT_PLAY, 1, 7200},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 2000, 7202},
    {MEDIA_EDGE_EVENT_PING, 10000, 7202},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 12000, 7202},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 13000, 7213},
    {MEDIA_EDGE_EVENT_PING, 20000, 7220},
    {MEDIA_EDGE_EVENT_CHAPTER_COMPLETE, 25000, 7225},
  };

  /* the positions are the stream's; the playheads the time of day's */
  media_edge_tracker_set_live (tracker, TRUE);
  media_edge_tracker_start_session (tracker, S (0), WALL_START, 0);
  media_edge_tracker_describe_session (tracker, sample_details (), NULL);
  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (2), 2,
          fields ("{'index': <1>, 'offset': <7202>}"), NULL));
  media_edge_tracker_advance (tracker, S (10), 10);
  fail_unless (media_edge_tracker_complete_ad_break (tracker, S (12), 12,
          NULL));
  media_edge_tracker_set_stream_chapter (tracker, S (13), 13, 0,
      fields ("{'index': <1>, 'offset': <13>, 'length': <12>}"), 25);
  media_edge_tracker_advance (tracker, S (20), 20);
  /* played to its end in stream time: complete, not skipped */
  media_edge_tracker_set_stream_chapter (tracker, S (25), 25.02, -1, NULL,
      G_MAXDOUBLE);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* A live pre-roll opened before the session knew it is live: its pings
 * and its end stand at the break's second of the day, not at 0. */
GST_START_TEST (test_live_preroll_told_live_late)
{
  g_autoptr (MediaEdgeTracker) tracker = media_edge_tracker_new (10);
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 7200},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 1, 7200},
    {MEDIA_EDGE_EVENT_AD_START, 2, 7200},
    {MEDIA_EDGE_EVENT_PING, 10000, 7200},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 12000, 7200},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 12001, 7200},
    {MEDIA_EDGE_EVENT_PLAY, 12002, 7212},
  };

  media_edge_tracker_start_session (tracker, S (0), WALL_START, 0);
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (0), 0,
          fields ("{'index': <0>, 'offset': <0>}"), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (0), 0,
          fields ("{'name': <'a1'>, 'length': <12>, 'podPosition': <1>, "
              "'playerName': <'p'>}"), NULL));
  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  /* prerolled: the source says it is live */
  media_edge_tracker_set_live (tracker, TRUE);
  media_edge_tracker_describe_session (tracker, sample_details (), NULL);
  media_edge_tracker_advance (tracker, S (10), 10);
  fail_unless (media_edge_tracker_complete_ad (tracker, S (12), 12, NULL));
  fail_unless (media_edge_tracker_complete_ad_break (tracker, S (12), 12,
          NULL));
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* The viewer pauses a pre-roll ad: pauseStart, and play when it goes on,
 * as in a mid-roll; the break's end then adds no second play. A player
 * that only prerolled before the break is not paused by anyone. */
GST_START_TEST (test_preroll_ad_paused)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_AD_BREAK_START, 1, 0},
    {MEDIA_EDGE_EVENT_AD_START, 2, 0},
    {MEDIA_EDGE_EVENT_PAUSE_START, 3000, 0},
    {MEDIA_EDGE_EVENT_PLAY, 5000, 0},
    {MEDIA_EDGE_EVENT_AD_COMPLETE, 8000, 0},
    {MEDIA_EDGE_EVENT_AD_BREAK_COMPLETE, 8001, 0},
    {MEDIA_EDGE_EVENT_PING, 10000, 2},
  };

  /* prerolled, not playing yet: no pause */
  media_edge_tracker_set_playing (tracker, S (0), 0, FALSE);
  fail_unless (media_edge_tracker_start_ad_break (tracker, S (0), 0,
          fields ("{'index': <0>, 'offset': <0>}"), NULL));
  fail_unless (media_edge_tracker_start_ad (tracker, S (0), 0,
          fields ("{'name': <'a1'>, 'length': <6>, 'podPosition': <1>, "
              "'playerName': <'p'>}"), NULL));
  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_playing (tracker, S (3), 3, FALSE);
  media_edge_tracker_set_playing (tracker, S (5), 3, TRUE);
  fail_unless (media_edge_tracker_complete_ad (tracker, S (8), 6, NULL));
  fail_unless (media_edge_tracker_complete_ad_break (tracker, S (8), 6, NULL));
  media_edge_tracker_advance (tracker, S (10), 8);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* The stream's own chapters (its TOC): started once the player plays,
 * completed when playback runs out of them, skipped when a seek leaves
 * them. */
GST_START_TEST (test_stream_chapters)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 2, 0},
    {MEDIA_EDGE_EVENT_CHAPTER_COMPLETE, 7000, 10.04},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 7001, 10.04},
    {MEDIA_EDGE_EVENT_CHAPTER_SKIP, 9000, 3},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 9001, 3},
  };

  /* known before the player plays: nothing yet */
  media_edge_tracker_set_stream_chapter (tracker, S (0), 0, 0,
      fields ("{'index': <1>, 'offset': <0>, 'length': <10>}"), 10);
  collect (tracker);
  fail_unless_equals_int (collected->len, 1);

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  /* the stream runs ahead of the clock: a fast-forward */
  media_edge_tracker_set_stream_chapter (tracker, S (7), 10.04, 1,
      fields ("{'index': <2>, 'offset': <10>, 'length': <10>}"), 20);
  /* the same chapter again changes nothing */
  media_edge_tracker_set_stream_chapter (tracker, S (8), 11, 1,
      fields ("{'index': <2>, 'offset': <10>, 'length': <10>}"), 20);
  /* a seek back into the first */
  media_edge_tracker_set_stream_chapter (tracker, S (9), 3, 0,
      fields ("{'index': <1>, 'offset': <0>, 'length': <10>}"), 10);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* Once the application starts a chapter, the stream's chapters no longer
 * count in the session; one it got refused does not take them over. */
GST_START_TEST (test_application_chapters_win)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  const Expected expected[] = {
    {MEDIA_EDGE_EVENT_SESSION_START, 0, 0},
    {MEDIA_EDGE_EVENT_PLAY, 1, 0},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 1000, 1},
    {MEDIA_EDGE_EVENT_CHAPTER_SKIP, 2000, 2},
    {MEDIA_EDGE_EVENT_CHAPTER_START, 2001, 2},
  };

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  fail_if (media_edge_tracker_start_chapter (tracker, S (1), 1,
          fields ("{'index': <1>}"), NULL));
  media_edge_tracker_set_stream_chapter (tracker, S (1), 1, 0,
      fields ("{'index': <1>, 'offset': <0>, 'length': <10>}"), 10);
  fail_unless (media_edge_tracker_start_chapter (tracker, S (2), 2,
          fields ("{'index': <7>, 'offset': <2>, 'length': <30>}"), NULL));
  media_edge_tracker_set_stream_chapter (tracker, S (10), 10, 1,
      fields ("{'index': <2>, 'offset': <10>, 'length': <10>}"), 20);
  collect (tracker);

  assert_collected (expected, G_N_ELEMENTS (expected));
}

GST_END_TEST;

/* A buffer count that stands still from one look to the next is a stall,
 * from the last look that saw data; a moving one ends it. */
GST_START_TEST (test_data_flow_makes_stalls)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_observe_data (tracker, S (10), 10, 250);
  fail_if (media_edge_tracker_is_stalled (tracker));
  media_edge_tracker_observe_data (tracker, S (20), 10, 250);
  fail_unless (media_edge_tracker_is_stalled (tracker));
  /* idle since the look at 10 s: the session ends at 1810 s */
  media_edge_tracker_advance (tracker, S (1805), 10);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (1810));
  media_edge_tracker_observe_data (tracker, S (1806), 10, 251);
  fail_if (media_edge_tracker_is_stalled (tracker));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (1810));
  media_edge_tracker_advance (tracker, S (1810), 10);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (1820));

  /* a pause and a play again: the watch starts afresh */
  media_edge_tracker_set_playing (tracker, S (1830), 10, FALSE);
  media_edge_tracker_observe_data (tracker, S (1840), 10, 251);
  media_edge_tracker_set_playing (tracker, S (1850), 10, TRUE);
  fail_if (media_edge_tracker_is_stalled (tracker));
  media_edge_tracker_observe_data (tracker, S (1860), 10, 251);
  fail_unless (media_edge_tracker_is_stalled (tracker));
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (1870));
  media_edge_tracker_advance (tracker, S (3640), 10);
  fail_unless_equals_uint64 (media_edge_tracker_get_next_deadline (tracker),
      S (3650));
}

GST_END_TEST;

static gint64
qoe_member (MediaEdgeEvent * event, const gchar * name)
{
  gint64 value = -1;

  fail_unless (event->qoe != NULL);
  fail_unless (g_variant_lookup (event->qoe, name, "x", &value));

  return value;
}

/* droppedFrames: what each sink says it dropped, added up. */
GST_START_TEST (test_dropped_frames_added_up)
{
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  static const gint audio_sink = 0, video_sink = 0;

  media_edge_tracker_set_playing (tracker, S (0), 0, TRUE);
  media_edge_tracker_set_dropped_frames (tracker, S (1), 1, &audio_sink, 3);
  media_edge_tracker_set_dropped_frames (tracker, S (2), 2, &video_sink, 4);
  media_edge_tracker_advance (tracker, S (10), 10);
  media_edge_tracker_set_dropped_frames (tracker, S (11), 11, &audio_sink, 5);
  media_edge_tracker_advance (tracker, S (20), 20);
  collect (tracker);

  fail_unless_equals_int (collected->len, 4);
  fail_unless_equals_int64 (qoe_member (collected_event (2), "droppedFrames"),
      7);
  fail_unless_equals_int64 (qoe_member (collected_event (3), "droppedFrames"),
      9);
}

GST_END_TEST;

static JsonObject *
request_body (MediaEdgeRequest * request, JsonParser * parser)
{
  g_autofree gchar *body = media_edge_request_build_body (request, "sid",
      NULL);

  fail_unless (json_parser_load_from_data (parser, body, -1, NULL));

  return json_node_get_object (json_parser_get_root (parser));
}

/* the Media Edge body says @event: its type, time and whole seconds */
static void
assert_edge_says (MediaEdgeRequest * request, const MediaEdgeEvent * event)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *xdm = json_object_get_object_member
      (json_array_get_object_element (json_object_get_array_member
          (request_body (request, parser), "events"), 0), "xdm");
  g_autofree gchar *type = g_strconcat ("media.",
      media_edge_event_type_get_name (event->type), NULL);
  g_autofree gchar *when =
      media_edge_codec_format_timestamp (event->timestamp_ms);

  fail_unless_equals_string (json_object_get_string_member (xdm,
          "eventType"), type);
  fail_unless_equals_string (json_object_get_string_member (xdm,
          "timestamp"), when);
  fail_unless_equals_int64 (json_object_get_int_member
      (json_object_get_object_member (xdm, "mediaCollection"), "playhead"),
      (gint64) event->playhead);
}

/* the Media Collection body says @event: its type, time in ms and
 * seconds with their fractions */
static void
assert_collection_says (MediaEdgeRequest * request,
    const MediaEdgeEvent * event)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *body = request_body (request, parser);
  JsonObject *player_time = json_object_get_object_member (body,
      "playerTime");

  fail_unless_equals_string (json_object_get_string_member (body,
          "eventType"), media_edge_event_type_get_name (event->type));
  fail_unless_equals_int64 (json_object_get_int_member (player_time, "ts"),
      event->timestamp_ms);
  fail_unless (G_APPROX_VALUE (json_object_get_double_member (player_time,
              "playhead"), event->playhead, 1e-9));
}

/* One timeline, two APIs: every event the tracker decided is one request
 * of each codec, under the same name, opening the session or not alike,
 * at the same time and playhead. */
GST_START_TEST (test_timeline2_through_both_codecs)
{
  const MediaEdgeCollectionAccount account = { "ts", "rs", "visitor", "org" };
  g_autoptr (MediaEdgeTracker) tracker = start_described ();
  g_autoptr (MediaEdgeCodec) edge =
      media_edge_codec_edge_new ("https://edge.example.com/ee/va/v1",
      "datastream", "contract");
  g_autoptr (MediaEdgeCodec) collection =
      media_edge_codec_collection_new ("https://collect.example.com",
      &account, "contract");

  play_timeline2 (tracker);
  fail_unless_equals_int (collected->len, 14);
  for (guint i = 0; i < collected->len; i++) {
    MediaEdgeEvent *event = collected_event (i);
    const gchar *name = media_edge_event_type_get_name (event->type);
    g_autoptr (MediaEdgeRequest) e = media_edge_codec_encode (edge, event);
    g_autoptr (MediaEdgeRequest) c = media_edge_codec_encode (collection,
        event);

    fail_unless_equals_string (media_edge_request_get_name (e), name);
    fail_unless_equals_string (media_edge_request_get_name (c), name);
    fail_unless_equals_int (media_edge_request_opens_session (e),
        media_edge_request_opens_session (c));
    fail_unless_equals_int (media_edge_request_is_expendable (e),
        media_edge_request_is_expendable (c));
    assert_edge_says (e, event);
    assert_collection_says (c, event);
  }
}

GST_END_TEST;

static Suite *
tracker_suite (void)
{
  Suite *s = suite_create ("mediaedge-tracker");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_example1_buffer_and_pause);
  tcase_add_test (tc, test_buffering_while_playing);
  tcase_add_test (tc, test_startup_buffering_is_not_a_pause);
  tcase_add_test (tc, test_events_wait_for_session_details);
  tcase_add_test (tc, test_pings_keep_their_grid);
  tcase_add_test (tc, test_ping_interval);
  tcase_add_test (tc, test_complete_closes_session);
  tcase_add_test (tc, test_timestamps_strictly_ascend);
  tcase_add_test (tc, test_second_session);
  tcase_add_test (tc, test_example2_chapters_and_ad_break);
  tcase_add_test (tc, test_timeline2_preroll_error_abandon);
  tcase_add_test (tc, test_timeline2_through_both_codecs);
  tcase_add_test (tc, test_refusals);
  tcase_add_test (tc, test_open_parts_are_closed);
  tcase_add_test (tc, test_playback_inside_ad_break);
  tcase_add_test (tc, test_ad_ping_interval);
  tcase_add_test (tc, test_player_states);
  tcase_add_test (tc, test_seek_and_bitrate);
  tcase_add_test (tc, test_restart_resends_what_is_open);
  tcase_add_test (tc, test_idle_session_ends_and_resumes);
  tcase_add_test (tc, test_stalled_session_ends_and_resumes);
  tcase_add_test (tc, test_stall_counts_from_play);
  tcase_add_test (tc, test_day_long_session_restarts);
  tcase_add_test (tc, test_live_playhead);
  tcase_add_test (tc, test_live_preroll_told_live_late);
  tcase_add_test (tc, test_preroll_ad_paused);
  tcase_add_test (tc, test_stream_chapters);
  tcase_add_test (tc, test_application_chapters_win);
  tcase_add_test (tc, test_data_flow_makes_stalls);
  tcase_add_test (tc, test_dropped_frames_added_up);

  return s;
}

GST_CHECK_MAIN (tracker);
