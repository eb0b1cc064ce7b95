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

/* Seed 000, Example 1: buffering, a pause, the user closes the app. The
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

  return s;
}

GST_CHECK_MAIN (tracker);
