/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* mediaedgetrack when things go wrong: sessions the service lost, a player
 * idle for half an hour, a day of playback, a server that stalls or is
 * gone at shutdown. Time is a GstTestClock: a day passes at once. */

#include "fixture.h"
#include "raw-server.h"

static gboolean
record_has_resume (EdgeRecord * record)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *media = media_collection (record, parser);

  if (!json_object_has_member (media, "sessionDetails"))
    return FALSE;

  return json_object_get_boolean_member_with_default
      (json_object_get_object_member (media, "sessionDetails"), "hasResume",
      FALSE);
}

static EdgeRecord *
record_at (GPtrArray * records, guint i)
{
  fail_unless (i < records->len);

  return g_ptr_array_index (records, i);
}

/* Waits for the element message of the session @event, and tells whether
 * it resumed another. */
static gboolean
pop_session_event (GstElement * pipeline, const gchar * event)
{
  g_autoptr (GstStructure) s = pop_session_structure (pipeline, event);
  gboolean resumed = FALSE;

  fail_unless (s != NULL, "no %s message", event);
  fail_unless (gst_structure_get_boolean (s, "resumed", &resumed));

  return resumed;
}

/* The next warning on @bus, within 20 s, must mention @words in its
 * message or its details. */
static void
assert_warning_mentions (GstBus * bus, const gchar * words)
{
  g_autoptr (GstMessage) warning = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  warning = gst_bus_timed_pop_filtered (bus, 20 * GST_SECOND,
      GST_MESSAGE_WARNING);
  fail_unless (warning != NULL, "no warning about %s", words);
  gst_message_parse_warning (warning, &error, &debug);
  fail_unless (strstr (error->message, words) != NULL
      || strstr (debug, words) != NULL, "%s: %s", error->message, debug);
}

/* How many requests about @event the server received */
static guint
count_requests (Fixture * f, const gchar * event)
{
  g_autoptr (GPtrArray) records = edge_server_dup_records (f->server);
  guint n = 0;

  for (guint i = 0; i < records->len; i++)
    n += g_strcmp0 (record_at (records, i)->event_type, event) == 0;

  return n;
}

/* 404 or 410 on an event: the session is gone. A new one starts with
 * hasResume, the open chapter is sent again, then the playback state. */
GST_START_TEST (test_lost_session_is_resumed)
{
  const guint statuses[] = { 404, 410 };

  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++) {
    g_autoptr (GPtrArray) records = NULL;
    g_autofree gchar *text = NULL;
    g_autofree gchar *expected = NULL;
    g_autoptr (GstStructure) chapter =
        gst_structure_from_string ("chapter, index=1, offset=0, length=60",
        NULL);
    g_autoptr (GstStructure) stats = NULL;
    gboolean accepted = FALSE;
    guint started = 0;
    Fixture *f = fixture_new ();

    make_pipeline (f, "lost");
    set_state (f, GST_STATE_PLAYING);
    start_stream (f, NULL);
    fail_if (pop_session_event (f->pipeline, "started"));
    g_signal_emit_by_name (f->track, "chapter-start", chapter, &accepted);
    fail_unless (accepted);
    wait_for_request (f, "chapterStart");

    edge_server_forget_sessions (f->server, statuses[i]);
    set_playhead (f, 10);
    crank_ping (f, S (10));
    fail_unless (pop_session_event (f->pipeline, "started"));
    wait_for_request (f, "play");
    g_object_get (f->track, "stats", &stats, NULL);
    fail_unless (gst_structure_get_uint (stats, "sessions-started", &started));
    fail_unless_equals_int (started, 2);
    stop_pipeline (f);

    wait_for_request (f, "sessionEnd");
    text = received (f);
    expected = g_strdup_printf ("sessionStart 200, play 204, "
        "chapterStart 204, ping %u, sessionStart 200, chapterStart 204, "
        "play 204, sessionEnd 204", statuses[i]);
    fail_unless_equals_string (text, expected);
    records = edge_server_dup_records (f->server);
    fail_if (record_has_resume (record_at (records, 0)));
    fail_unless (record_has_resume (record_at (records, 4)));
    fail_unless_equals_int64 (record_at (records, 4)->playhead, 10);
    fail_unless_equals_int64 (record_at (records, 4)->timestamp_ms -
        record_at (records, 0)->timestamp_ms, 10001);
    fixture_teardown (f);
  }
}

GST_END_TEST;

/* A service that loses every session (404 to every event) once had a
 * sessionStart and a play sent for each answer: 4,095 pairs in 5 s. The
 * first loss resumes at once; each one in a row after it waits as a retry
 * would (here 10, 20, 40 ... ms, at most 300, ±30 %), and the eleventh
 * loss stops tracking for the run, with a warning. */
GST_START_TEST (test_resume_storm_is_bounded)
{
  /* the backoffs of the nine resumes after the first, at retry-delay=10 */
  const gint64 backoffs_ms = 10 + 20 + 40 + 80 + 160 + 4 * 300;
  g_autoptr (GstBus) bus = NULL;
  gboolean accepted = TRUE;
  gint64 start;
  Fixture *f = fixture_new ();

  edge_server_forget_every_session (f->server, 404);
  make_pipeline (f, "storm");
  g_object_set (f->track, "retry-delay", 10, NULL);
  bus = gst_element_get_bus (f->pipeline);
  start = g_get_monotonic_time ();
  set_state (f, GST_STATE_PLAYING);
  assert_warning_mentions (bus, "lost 11 sessions in a row");
  fail_unless (g_get_monotonic_time () - start >=
      backoffs_ms * 7 / 10 * G_TIME_SPAN_MILLISECOND);
  fail_unless_equals_int (count_requests (f, "sessionStart"), 11);

  /* and nothing more: thirty retry-delays later */
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);
  fail_unless_equals_int (count_requests (f, "sessionStart"), 11);
  fail_unless_equals_int (count_requests (f, "play"), 11);
  g_signal_emit_by_name (f->track, "track-error", "app:1", "player", &accepted);
  fail_if (accepted);
  stop_pipeline (f);
  fail_unless_equals_int (count_requests (f, "sessionStart"), 11);
  fixture_teardown (f);
}

GST_END_TEST;

/* Paused at 5 s, with @pings pings in the pause that see no data come;
 * at 30 min of pause the pending ping finds the session idle, and the
 * pipeline plays again at 40 min without a buffer. Returns what the
 * server received, described. */
static gchar *
pause_half_hour_then_play (Fixture * f, const gchar * config_id, guint pings)
{
  make_pipeline (f, config_id);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  fail_if (pop_session_event (f->pipeline, "started"));
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (5));
  set_playhead (f, 5);
  set_state (f, GST_STATE_PAUSED);
  wait_for_request (f, "pauseStart");
  for (guint i = 1; i <= pings; i++) {
    crank_ping (f, S (10 * i));
    wait_for_request (f, "ping");
  }

  /* the pending ping wakes up a session gone idle */
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (5 + 30 * 60));
  crank_ping (f, S (10 * (pings + 1)));
  wait_for_request (f, "sessionEnd");

  /* it resumes at PLAYING, not at the first buffer */
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (40 * 60));
  set_state (f, GST_STATE_PLAYING);
  fail_unless (pop_session_event (f->pipeline, "started"));
  wait_for_request (f, "play");
  stop_pipeline (f);

  wait_for_request (f, "sessionEnd");

  return received (f);
}

/* Paused for 30 minutes: sessionEnd. Playing again: a new session with
 * hasResume. */
GST_START_TEST (test_idle_half_hour_then_play)
{
  Fixture *f = fixture_new ();
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *text = pause_half_hour_then_play (f, "idle", 0);

  fail_unless_equals_string (text, "sessionStart 200, play 204, "
      "pauseStart 204, ping 204, sessionEnd 204, sessionStart 200, play 204, "
      "sessionEnd 204");
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int64 (record_at (records, 4)->timestamp_ms -
      record_at (records, 0)->timestamp_ms, (5 + 30 * 60) * 1000);
  fail_unless (record_has_resume (record_at (records, 5)));
  fail_unless_equals_int64 (record_at (records, 5)->timestamp_ms -
      record_at (records, 0)->timestamp_ms, 40 * 60 * 1000);
  fixture_teardown (f);
}

GST_END_TEST;

/* No data comes during a pause, as none should: the pings that see it do
 * not make the paused player a stalled one when it plays again. */
GST_START_TEST (test_idle_pause_without_data_then_play)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *text = pause_half_hour_then_play (f, "idle-no-data", 2);

  fail_unless_equals_string (text, "sessionStart 200, play 204, "
      "pauseStart 204, ping 204, ping 204, ping 204, sessionEnd 204, "
      "sessionStart 200, play 204, sessionEnd 204");
  fixture_teardown (f);
}

GST_END_TEST;

/* Playing, but no data for 30 minutes (a source stuck on a dead network
 * that posts no BUFFERING): sessionEnd. Data again: a new session with
 * hasResume. */
GST_START_TEST (test_stalled_half_hour_then_data)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *ended = NULL;
  Fixture *f = fixture_new ();

  make_pipeline (f, "stalled");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  fail_if (pop_session_event (f->pipeline, "started"));
  play_to_ping (f, 10);
  wait_for_request (f, "ping");
  /* no buffer from here on: the ping at 20 s sees the stall */
  crank_ping (f, S (20));
  wait_for_request (f, "ping");

  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (10 + 30 * 60));
  crank_ping (f, S (30));
  wait_for_request (f, "sessionEnd");
  /* the application hears of the end now, not at the resume */
  ended = pop_session_message (f->pipeline, "ended");
  records = edge_server_dup_records (f->server);
  fail_unless_equals_string (ended, record_at (records, 0)->session_id);
  g_clear_pointer (&records, g_ptr_array_unref);

  set_playhead (f, 11);
  fail_unless (pop_session_event (f->pipeline, "started"));
  wait_for_request (f, "play");
  stop_pipeline (f);

  wait_for_request (f, "sessionEnd");
  text = received (f);
  fail_unless_equals_string (text, "sessionStart 200, play 204, ping 204, "
      "ping 204, ping 204, sessionEnd 204, sessionStart 200, play 204, "
      "sessionEnd 204");
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int64 (record_at (records, 5)->timestamp_ms -
      record_at (records, 0)->timestamp_ms, (10 + 30 * 60) * 1000 + 1);
  fail_unless (record_has_resume (record_at (records, 6)));
  fail_unless_equals_int64 (record_at (records, 6)->playhead, 11);
  fixture_teardown (f);
}

GST_END_TEST;

/* A day of playback (a kiosk loop): the session is ended and a new one
 * resumes it, and pings go on. */
GST_START_TEST (test_day_of_playback)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *old_session = NULL;
  g_autofree gchar *new_session = NULL;
  Fixture *f = fixture_new ();

  make_pipeline (f, "day");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  fail_if (pop_session_event (f->pipeline, "started"));
  wait_for_request (f, "play");

  /* the old session's end and the new one's start go out in two queues,
   * in any order: count them */
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (24 * 60 * 60));
  set_playhead (f, 3600);
  crank_ping (f, S (10));
  fail_unless (pop_session_event (f->pipeline, "started"));
  wait_for_records (f, 6);
  crank_ping (f, S (24 * 60 * 60 + 10));
  wait_for_records (f, 7);
  stop_pipeline (f);

  wait_for_records (f, 8);
  records = edge_server_dup_records (f->server);
  /* the two sessions are two queues: each in order */
  old_session =
      edge_server_describe_records (f->server, record_at (records,
          0)->session_id);
  fail_unless_equals_string (old_session,
      "sessionStart 200, play 204, ping 204, sessionEnd 204");
  for (guint i = 1; i < records->len && new_session == NULL; i++)
    if (record_has_resume (record_at (records, i)))
      new_session =
          edge_server_describe_records (f->server, record_at (records,
              i)->session_id);
  fail_unless_equals_string (new_session,
      "sessionStart 200, play 204, ping 204, sessionEnd 204");
  fixture_teardown (f);
}

GST_END_TEST;

/* content-type=Live: the playhead is the second of the day. */
GST_START_TEST (test_live_playhead)
{
  g_autoptr (GPtrArray) records = NULL;
  gint64 start_second;
  Fixture *f = fixture_new ();

  make_pipeline (f, "live");
  g_object_set (f->track, "content-type", "Live", NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  set_playhead (f, 10);
  crank_ping (f, S (10));
  wait_for_request (f, "ping");
  stop_pipeline (f);

  records = edge_server_dup_records (f->server);
  start_second = (record_at (records, 0)->timestamp_ms / 1000) % 86400;
  fail_unless_equals_int64 (record_at (records, 0)->playhead, start_second);
  fail_unless_equals_int64 (record_at (records, 2)->playhead,
      (start_second + 10) % 86400);
  fixture_teardown (f);
}

GST_END_TEST;

/* The service refuses connections for the first 30 s of playback:
 * sessionStart is tried until it comes up, and the events made meanwhile
 * go out in order with the timestamps and playheads of their moment. */
GST_START_TEST (test_server_down_then_up)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"ping", 10000, 10},
    {"ping", 20000, 20},
    {"ping", 30000, 30},
  };
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);

  make_pipeline (f, "down");
  g_object_set (f->track, "retry-delay", 10, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  for (guint second = 10; second <= 30; second += 10)
    play_to_ping (f, second);
  fail_unless (wait_for_stat (f->track, "retried", 1) >= 1);
  fail_unless_equals_int (wait_for_stat (f->track, "sent", 0), 0);

  bring_server_up (f, port);
  assert_received (f, expected, G_N_ELEMENTS (expected), "down");
  fail_unless_equals_int (wait_for_stat (f->track, "dropped", 0), 0);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* With the service away, at most max-queued-events wait: pings go first,
 * then the oldest events, never the sessionStart, and each drop is
 * counted. */
GST_START_TEST (test_queue_overflow_is_counted)
{
  g_autoptr (GstStructure) chapter =
      gst_structure_from_string ("chapter, index=1, offset=30, length=30",
      NULL);
  g_autofree gchar *text = NULL;
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);
  gboolean accepted = FALSE;

  make_pipeline (f, "overflow");
  g_object_set (f->track, "retry-delay", 10, "max-queued-events", 2, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  /* play and three pings: the first two pings go */
  for (guint second = 10; second <= 30; second += 10)
    play_to_ping (f, second);
  /* then the last ping, then play, the oldest */
  g_signal_emit_by_name (f->track, "chapter-start", chapter, &accepted);
  fail_unless (accepted);
  g_signal_emit_by_name (f->track, "chapter-complete", &accepted);
  fail_unless (accepted);
  fail_unless_equals_int (wait_for_stat (f->track, "dropped", 4), 4);

  bring_server_up (f, port);
  wait_for_request (f, "chapterComplete");
  fail_unless_equals_int (wait_for_stat (f->track, "sent", 3), 3);
  fail_unless_equals_int (wait_for_stat (f->track, "dropped", 4), 4);
  stop_pipeline (f);

  wait_for_request (f, "sessionEnd");
  text = received (f);
  fail_unless_equals_string (text, "sessionStart 200, chapterStart 204, "
      "chapterComplete 204, sessionEnd 204");
  fixture_teardown (f);
}

GST_END_TEST;

/* The server holds its answer for 10 s: the pipeline does not wait. Every
 * buffer pushed meanwhile goes through, and the requests simply queue. */
static GstPadProbeReturn
count_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  guint *count = user_data;

  (*count)++;

  return GST_PAD_PROBE_OK;
}

GST_START_TEST (test_stalled_server_does_not_stall_the_pipeline)
{
  g_autoptr (GstStructure) stats = NULL;
  g_autoptr (GstPad) sink_pad = NULL;
  guint queued = 0, sent = 0, rendered = 0;
  Fixture *f = fixture_new ();

  edge_server_stall_next (f->server, 1, 10000);
  make_pipeline (f, "stall");
  g_object_set (f->track, "flush-timeout", 100, NULL);
  sink_pad = gst_element_get_static_pad (f->sink, "sink");
  gst_pad_add_probe (sink_pad, GST_PAD_PROBE_TYPE_BUFFER, count_buffer,
      &rendered, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  for (guint i = 0; i < 1000; i++) {
    GstBuffer *buffer = gst_buffer_new ();

    GST_BUFFER_PTS (buffer) = i * GST_SECOND / 25;
    fail_unless_equals_int (gst_pad_push (f->src, buffer), GST_FLOW_OK);
  }
  /* every buffer reached the sink, as without the stall */
  fail_unless_equals_int (rendered, 1000);
  /* the answer to sessionStart has not come yet: nothing was sent, both
   * events wait */
  g_object_get (f->track, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint (stats, "sent", &sent));
  fail_unless_equals_int (sent, 0);
  fail_unless (gst_structure_get_uint (stats, "queued", &queued));
  fail_unless_equals_int (queued, 2);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* A service out of reach for unreachable-timeout says so once, in a
 * warning gst-launch prints, however often the requests are tried again;
 * they go on being tried. */
GST_START_TEST (test_unreachable_service_warns_once)
{
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) again = NULL;
  g_autoptr (GstStructure) stats = NULL;
  guint retried = 0;
  Fixture *f = fixture_new ();

  g_clear_pointer (&f->server, edge_server_free);
  make_pipeline (f, "unreachable");
  g_object_set (f->track, "unreachable-timeout", 1, "retry-delay", 20,
      "flush-timeout", 0, NULL);
  bus = gst_element_get_bus (f->pipeline);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  assert_warning_mentions (bus, "out of reach");
  /* tried on, never said again */
  again = gst_bus_timed_pop_filtered (bus, 1500 * GST_MSECOND,
      GST_MESSAGE_WARNING);
  fail_unless (again == NULL);
  g_object_get (f->track, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint (stats, "retried", &retried));
  fail_unless (retried >= 2, "%u", retried);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

static guint
count_open_fds (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  fail_unless (dir != NULL);
  while (g_dir_read_name (dir))
    n++;

  return n;
}

/* Stopped with requests in flight (flush-timeout=0), again and again,
 * against a server that keeps its connections open: the sender's
 * connections are closed with it, no socket is left behind. */
GST_START_TEST (test_stops_leave_no_sockets)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (RawServer) server = raw_server_new (&error);
  g_autofree gchar *endpoint = NULL;
  g_autofree gchar *line = NULL;
  guint before = 0;

  fail_unless (server != NULL, "%s", error ? error->message : "");
  endpoint = raw_server_get_endpoint (server);
  /* no journal: each stop would leave one, which the next element's
   * replay would connect for */
  line = g_strdup_printf ("videotestsrc is-live=true ! mediaedgetrack "
      "config-id=fds endpoint=%s flush-timeout=0 state-dir=\"\" ! fakesink",
      endpoint);

  for (guint i = 0; i < 80; i++) {
    g_autoptr (GstElement) pipeline = gst_parse_launch (line, NULL);

    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    g_usleep ((i % 40) * 1000);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    /* the first cycles open what lasts (the server's, GLib's) */
    if (i == 9)
      before = count_open_fds ();
  }
  fail_unless (count_open_fds () <= before + 5, "%u fds, %u before",
      count_open_fds (), before);
}

GST_END_TEST;

/* READY to NULL with the server gone returns within flush-timeout, and
 * the events left are counted as dropped. */
GST_START_TEST (test_shutdown_without_server)
{
  g_autoptr (GstStructure) stats = NULL;
  guint dropped = 0, retried = 0, queued = 0, sent = 0;
  gint64 start;
  Fixture *f = fixture_new ();

  g_clear_pointer (&f->server, edge_server_free);
  make_pipeline (f, "no-server");
  /* no journal: what is left is lost (the spool suite keeps it) */
  g_object_set (f->track, "flush-timeout", 300, "retry-delay", 20,
      "state-dir", "", NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  fail_unless (wait_for_stat (f->track, "retried", 1) >= 1);
  set_state (f, GST_STATE_READY);
  start = g_get_monotonic_time ();
  fail_unless_equals_int (gst_element_set_state (f->pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  /* the bound, and a margin for a loaded machine */
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);
  fail_unless (g_get_monotonic_time () - start >=
      300 * G_TIME_SPAN_MILLISECOND);

  g_object_get (f->track, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint (stats, "retried", &retried));
  fail_unless (retried >= 1);
  fail_unless (gst_structure_get_uint (stats, "dropped", &dropped));
  fail_unless (gst_structure_get_uint (stats, "queued", &queued));
  fail_unless (gst_structure_get_uint (stats, "sent", &sent));
  /* sessionStart and sessionEnd, and the play unless the stop overtook
   * it (seen once under heavy load in .ci/run: to be explained); nothing
   * is left waiting, nothing was sent */
  fail_unless (dropped == 2 || dropped == 3, "dropped %u", dropped);
  fail_unless_equals_int (queued, 0);
  fail_unless_equals_int (sent, 0);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* The flush bound holds per process: elements stopped one after the
 * other, the service away, wait one flush-timeout in all, not one each
 * (2,000 pipelines stopping took minutes). */
GST_START_TEST (test_flush_bound_per_process)
{
  GstElement *pipelines[6];
  gint64 start, took;
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);
  GstElement *keeper;

  /* one element keeps the sender running throughout */
  make_pipeline (f, "keeper");
  keeper = gst_object_ref (f->pipeline);
  g_object_set (f->track, "retry-delay", 10, NULL);
  set_state (f, GST_STATE_PLAYING);
  for (guint i = 0; i < G_N_ELEMENTS (pipelines); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *line = g_strdup_printf ("videotestsrc is-live=true ! "
        "mediaedgetrack endpoint=%s config-id=flush-%u retry-delay=10 "
        "flush-timeout=400 state-dir=\"\" ! fakesink", f->endpoint, i);

    pipelines[i] = gst_parse_launch (line, &error);
    fail_unless (pipelines[i] != NULL, "%s", error ? error->message : "");
    fail_if (gst_element_set_state (pipelines[i], GST_STATE_PLAYING) ==
        GST_STATE_CHANGE_FAILURE);
  }
  g_usleep (300 * G_TIME_SPAN_MILLISECOND);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < G_N_ELEMENTS (pipelines); i++) {
    fail_unless_equals_int (gst_element_set_state (pipelines[i],
            GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    gst_object_unref (pipelines[i]);
  }
  took = g_get_monotonic_time () - start;
  /* one wait, and a margin for a loaded machine: six would be 2.4 s */
  fail_unless (took >= 400 * G_TIME_SPAN_MILLISECOND, "%" G_GINT64_FORMAT,
      took);
  fail_unless (took < 1600 * G_TIME_SPAN_MILLISECOND, "%" G_GINT64_FORMAT
      " us for 6 stops", took);

  bring_server_up (f, port);
  wait_for_request (f, "play");
  f->pipeline = keeper;
  stop_pipeline (f);
  gst_object_unref (keeper);
  fixture_teardown (f);
}

GST_END_TEST;

/* The service refuses the session (207 with errors): a warning quoting
 * them, and tracking stops until the next item. */
GST_START_TEST (test_refused_session_stops_tracking)
{
  const gchar *answer = "{\"errors\":[{\"title\":\"Invalid datastream\"}]}";
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstStructure) stats = NULL;
  gboolean accepted = TRUE;
  Fixture *f = fixture_new ();

  edge_server_set_session_start_answer (f->server, 207, answer,
      strlen (answer));
  make_pipeline (f, "refused");
  bus = gst_element_get_bus (f->pipeline);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  assert_warning_mentions (bus, "Invalid datastream");
  /* the play made meanwhile is dropped for want of a session id: the last
   * drop says so, the last error still says why */
  fail_unless_equals_int (wait_for_stat (f->track, "dropped", 2), 2);
  g_object_get (f->track, "stats", &stats, NULL);
  fail_unless (strstr (gst_structure_get_string (stats, "last-error"),
          "Invalid datastream") != NULL);
  fail_unless_equals_string (gst_structure_get_string (stats, "last-drop"),
      "play dropped: the session has no id");

  /* what the application asks is refused, and says so */
  g_signal_emit_by_name (f->track, "track-error", "app:1", "player", &accepted);
  fail_if (accepted);
  /* nothing more is sent this run */
  set_playhead (f, 10);
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (10));
  stop_pipeline (f);
  fail_unless_equals_int (edge_server_count_records (f->server), 1);
  fixture_teardown (f);
}

GST_END_TEST;

/* A fixture whose server speaks HTTPS with a certificate from the test
 * CA */
static Fixture *
fixture_new_https (void)
{
  g_autoptr (GError) error = NULL;
  EdgeServer *server = edge_server_new_threaded_tls (CERTS "/server.pem",
      CERTS "/server-key.pem", &error);
  Fixture *f;

  fail_unless (server != NULL, "%s", error ? error->message : "");
  f = fixture_new_for_server (server);
  fail_unless (g_str_has_prefix (f->endpoint, "https://"));

  return f;
}

/* A certificate from a CA the system does not know is refused: a warning
 * says so, and nothing reaches the server. */
GST_START_TEST (test_https_untrusted_refused)
{
  g_autoptr (GstBus) bus = NULL;
  Fixture *f = fixture_new_https ();

  make_pipeline (f, "https");
  bus = gst_element_get_bus (f->pipeline);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  assert_warning_mentions (bus, "certificate");
  stop_pipeline (f);
  fail_unless_equals_int (edge_server_count_records (f->server), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* ca-file trusts the private CA. */
GST_START_TEST (test_https_with_ca_file)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"sessionEnd", 2000, 2},
  };
  Fixture *f = fixture_new_https ();

  make_pipeline (f, "https-ca");
  g_object_set (f->track, "ca-file", CERTS "/ca.pem", NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (2));
  set_playhead (f, 2);
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "https-ca");
  fixture_teardown (f);
}

GST_END_TEST;

/* Plays a short session to an endpoint no route reaches, so that only a
 * proxy, the edge server itself, can take the requests. */
static void
play_through_proxy (Fixture * f, const gchar * proxy_property)
{
  make_pipeline (f, "proxied");
  g_object_set (f->track, "proxy", proxy_property,
      "endpoint", "http://192.0.2.1:9/ee/va/v1", NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  stop_pipeline (f);
  wait_for_request (f, "sessionEnd");
}

/* A proxy URI on the loopback: the edge server's port, or a dead one */
static gchar *
loopback_uri (guint port)
{
  return g_strdup_printf ("http://127.0.0.1:%u", port);
}

/* The proxy property sends every request through the proxy. */
GST_START_TEST (test_proxy_property)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *proxy = loopback_uri (edge_server_get_port (f->server));

  play_through_proxy (f, proxy);
  fixture_teardown (f);
}

GST_END_TEST;

/* Without the property, the system's proxy settings hold: here http_proxy
 * as GLib's default GProxyResolver (libproxy) reads it. The property wins
 * over them. */
GST_START_TEST (test_system_proxy_honoured)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *proxy = loopback_uri (edge_server_get_port (f->server));
  g_autoptr (EdgeServer) gone = edge_server_new_threaded (NULL);
  g_autofree gchar *dead_proxy = loopback_uri (edge_server_take_down (&gone));

  g_unsetenv ("no_proxy");
  g_unsetenv ("NO_PROXY");
  g_setenv ("http_proxy", proxy, TRUE);
  play_through_proxy (f, NULL);

  g_setenv ("http_proxy", dead_proxy, TRUE);
  play_through_proxy (f, proxy);
  g_unsetenv ("http_proxy");
  fixture_teardown (f);
}

GST_END_TEST;

/* Every log line above DEBUG, from GStreamer's debug log and from GLib's,
 * is read for the datastream id. */
typedef struct
{
  GMutex lock;
  const gchar *secret;
  GPtrArray *lines;             /* every line seen */
  GPtrArray *leaks;             /* those that hold the secret */
  GLogFunc glib_default;
} LogWatch;

static LogWatch watch;

static void
watch_line (const gchar * line)
{
  g_mutex_lock (&watch.lock);
  g_ptr_array_add (watch.lines, g_strdup (line));
  if (strstr (line, watch.secret))
    g_ptr_array_add (watch.leaks, g_strdup (line));
  g_mutex_unlock (&watch.lock);
}

static void
watch_gst_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  if (level <= GST_LEVEL_INFO)
    watch_line (gst_debug_message_get (message));
}

static void
watch_glib_log (const gchar * domain, GLogLevelFlags level,
    const gchar * message, gpointer user_data)
{
  if (!(level & G_LOG_LEVEL_DEBUG))
    watch_line (message);
  watch.glib_default (domain, level, message, user_data);
}

/* The warnings and errors posted on @bus, read like log lines */
static void
watch_bus (GstBus * bus)
{
  GstMessage *message;

  while ((message = gst_bus_pop_filtered (bus,
              GST_MESSAGE_WARNING | GST_MESSAGE_ERROR))) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *debug = NULL;

    if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING)
      gst_message_parse_warning (message, &error, &debug);
    else
      gst_message_parse_error (message, &error, &debug);
    watch_line (error->message);
    if (debug)
      watch_line (debug);
    gst_message_unref (message);
  }
}

static void
watch_logs (const gchar * secret)
{
  g_mutex_init (&watch.lock);
  watch.secret = secret;
  watch.lines = g_ptr_array_new_with_free_func (g_free);
  watch.leaks = g_ptr_array_new_with_free_func (g_free);
  gst_debug_set_active (TRUE);
  gst_debug_set_default_threshold (GST_LEVEL_INFO);
  /* read, not printed */
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (watch_gst_log, NULL, NULL);
  watch.glib_default = g_log_set_default_handler (watch_glib_log, NULL);
}

static gboolean
watched_line_mentions (const gchar * words)
{
  for (guint i = 0; i < watch.lines->len; i++)
    if (strstr (g_ptr_array_index (watch.lines, i), words))
      return TRUE;

  return FALSE;
}

static void
unwatch_logs (void)
{
  g_log_set_default_handler (watch.glib_default, NULL);
  gst_debug_remove_log_function (watch_gst_log);
  gst_debug_add_log_function (gst_debug_log_default, NULL, NULL);
  gst_debug_set_default_threshold (GST_LEVEL_NONE);
  g_ptr_array_unref (watch.lines);
  g_ptr_array_unref (watch.leaks);
  g_mutex_clear (&watch.lock);
}

/* The datastream id is no one else's business: no log line above DEBUG
 * and no element message holds it, however the service misbehaves. Here
 * it answers 503 (retried), 500 (dropped), 404 (lost session) and then
 * refuses the new session (207). */
GST_START_TEST (test_datastream_id_not_logged)
{
  const gchar *secret = "ds-7f3a9c21-0b5e-4d1e";
  const gchar *answer = "{\"errors\":[{\"title\":\"Invalid datastream\"}]}";
  g_autoptr (GstBus) bus = NULL;
  Fixture *f = fixture_new ();

  watch_logs (secret);
  make_pipeline (f, secret);
  bus = gst_element_get_bus (f->pipeline);
  g_object_set (f->track, "retry-delay", 10, NULL);
  edge_server_fail_next (f->server, 1, 503, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  fail_unless_equals_int (wait_for_stat (f->track, "sent", 2), 2);

  edge_server_fail_next (f->server, 1, 500, NULL);
  play_to_ping (f, 10);
  fail_unless_equals_int (wait_for_stat (f->track, "dropped", 1), 1);

  edge_server_set_session_start_answer (f->server, 207, answer,
      strlen (answer));
  edge_server_forget_sessions (f->server, 404);
  play_to_ping (f, 20);
  assert_warning_mentions (bus, "Invalid datastream");
  stop_pipeline (f);
  watch_bus (bus);

  /* the logs did tell what happened, */
  fail_unless (watched_line_mentions ("503"));
  fail_unless (watched_line_mentions ("told to fail"));
  fail_unless (watched_line_mentions ("lost"));
  /* without the datastream id */
  fail_unless (watch.leaks->len == 0, "logged: %s",
      (gchar *) g_ptr_array_index (watch.leaks, 0));
  unwatch_logs ();
  fixture_teardown (f);
}

GST_END_TEST;

/* Identity values are no one else's business either: the FPID, a client
 * state entry and the location hint appear in no log line above DEBUG
 * and no element message, also when the state cannot be written. */
GST_START_TEST (test_identity_not_logged)
{
  const gchar *secret = "s3cr3t7e1f";
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-state-XXXXXX", NULL);
  g_autofree gchar *blocker = g_build_filename (dir, "a-file", NULL);
  g_autofree gchar *under_file = g_build_filename (blocker, "state", NULL);
  g_autofree gchar *handles = g_strdup_printf ("{\"payload\": [{\"key\": "
      "\"kndctr_ORG_AdobeOrg_identity\", \"value\": \"%s\", \"maxAge\": 60}],"
      " \"type\": \"state:store\"}, {\"payload\": [{\"scope\": "
      "\"EdgeNetwork\", \"hint\": \"%s\", \"ttlSeconds\": 60}], "
      "\"type\": \"locationHint:result\"}", secret, secret);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GstBus) bus = NULL;
  Fixture *f = fixture_new ();

  fail_unless (g_file_set_contents (blocker, "", -1, NULL));
  watch_logs (secret);
  edge_server_set_client_state (f->server, handles);
  make_pipeline (f, "identity");
  bus = gst_element_get_bus (f->pipeline);
  g_object_set (f->track, "fpid", secret, "state-dir", under_file, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  play_to_ping (f, 10);
  wait_for_request (f, "ping");
  stop_pipeline (f);
  watch_bus (bus);

  /* the hint was used, and the state warning said so */
  records = edge_server_dup_records (f->server);
  fail_unless_equals_string (record_at (records, 2)->location_hint, secret);
  fail_unless (watched_line_mentions ("identity state"));
  fail_unless (watch.leaks->len == 0, "logged: %s",
      (gchar *) g_ptr_array_index (watch.leaks, 0));
  unwatch_logs ();
  fixture_teardown (f);
  g_unlink (blocker);
  g_rmdir (dir);
}

GST_END_TEST;

/* A Collection sessionStart answered 201 with a Location that names no
 * session (none, garbage, another path): a warning that says so, nothing
 * more sent this run. A relative or an absolute one names it. */
GST_START_TEST (test_collection_session_locations)
{
  const gchar *bad[] = { "", "garbage", "/api/v1/other/{sid}" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    Fixture *f = fixture_new ();
    g_autoptr (GstBus) bus = NULL;

    edge_server_set_session_location (f->server, bad[i]);
    make_pipeline (f, "unused");
    use_collection_api (f);
    bus = gst_element_get_bus (f->pipeline);
    set_state (f, GST_STATE_PLAYING);
    start_stream (f, NULL);
    assert_warning_mentions (bus, "Location");
    set_playhead (f, 10);
    stop_pipeline (f);
    fail_unless_equals_int (edge_server_count_records (f->server), 1);
    fixture_teardown (f);
  }

  /* the service's own relative Location, then an absolute one */
  for (guint absolute = 0; absolute <= 1; absolute++) {
    Fixture *f = fixture_new ();
    g_autofree gchar *location = absolute ?
        g_strdup_printf ("http://127.0.0.1:%u/api/v1/sessions/{sid}",
        edge_server_get_port (f->server)) : NULL;
    g_autoptr (GPtrArray) records = NULL;
    g_autofree gchar *events_path = NULL;

    edge_server_set_session_location (f->server, location);
    make_pipeline (f, "unused");
    use_collection_api (f);
    set_state (f, GST_STATE_PLAYING);
    start_stream (f, NULL);
    wait_for_request (f, "play");
    stop_pipeline (f);
    wait_for_records (f, 3);
    records = edge_server_dup_records (f->server);
    events_path = g_strdup_printf ("/api/v1/sessions/%s/events",
        record_at (records, 0)->session_id);
    fail_unless_equals_string (record_at (records, 2)->event_type,
        "sessionEnd");
    fail_unless_equals_string (record_at (records, 2)->path, events_path);
    fail_unless_equals_int (record_at (records, 2)->status, 204);
    fixture_teardown (f);
  }
}

GST_END_TEST;

/* Whether the Collection sessionStart of @record says it resumes */
static gboolean
collection_start_resumes (EdgeRecord * record)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *params;

  fail_unless (json_parser_load_from_data (parser, record->body, -1, NULL));
  params = json_object_get_object_member (json_node_get_object
      (json_parser_get_root (parser)), "params");

  return json_object_get_boolean_member_with_default (params, "media.resume",
      FALSE);
}

/* Seed 004's answers, through the client's one policy: 503 tried again,
 * 400 logged and dropped, 404 and 410 a new session that resumes, as
 * with the Edge. */
GST_START_TEST (test_collection_answers)
{
  const guint lost[] = { 404, 410 };

  for (guint i = 0; i < G_N_ELEMENTS (lost); i++) {
    g_autoptr (GPtrArray) records = NULL;
    g_autofree gchar *text = NULL;
    g_autofree gchar *expected = NULL;
    g_autofree gchar *resumed_path = NULL;
    Fixture *f = fixture_new ();

    make_pipeline (f, "unused");
    use_collection_api (f);
    g_object_set (f->track, "retry-delay", 10, NULL);
    set_state (f, GST_STATE_PLAYING);
    start_stream (f, NULL);
    wait_for_request (f, "play");

    edge_server_fail_next (f->server, 1, 503, NULL);
    play_to_ping (f, 10);
    wait_for_request (f, "ping");
    wait_for_request (f, "ping");
    edge_server_fail_next (f->server, 1, 400, NULL);
    play_to_ping (f, 20);
    fail_unless_equals_int (wait_for_stat (f->track, "dropped", 1), 1);
    edge_server_forget_sessions (f->server, lost[i]);
    play_to_ping (f, 30);
    wait_for_request (f, "play");
    stop_pipeline (f);
    wait_for_request (f, "sessionEnd");

    text = received (f);
    expected = g_strdup_printf ("sessionStart 201, play 204, ping 503, "
        "ping 204, ping 400, ping %u, sessionStart 201, play 204, "
        "sessionEnd 204", lost[i]);
    fail_unless_equals_string (text, expected);
    records = edge_server_dup_records (f->server);
    fail_if (collection_start_resumes (record_at (records, 0)));
    fail_unless (collection_start_resumes (record_at (records, 6)));
    resumed_path = g_strdup_printf ("/api/v1/sessions/%s/events",
        record_at (records, 6)->session_id);
    fail_unless_equals_string (record_at (records, 8)->path, resumed_path);
    fixture_teardown (f);
  }
}

GST_END_TEST;

/* A ca-file that is no certificate file, a proxy that is no proxy's URI:
 * refused before anything is sent, naming the property. */
GST_START_TEST (test_bad_transport_settings_refused)
{
  const gchar *settings[][2] = {
    {"ca-file", "/nonexistent/ca.pem"},
    {"ca-file", SPEC},
    {"proxy", "not a uri"},
    {"proxy", "ftp://proxy.example:21"},
    {"proxy", "http://"},
  };
  Fixture *f = fixture_new ();

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++) {
    GstElement *track = make_tracker (f, "bad");
    g_autoptr (GstMessage) message = NULL;
    g_autoptr (GError) error = NULL;

    g_object_set (track, settings[i][0], settings[i][1], NULL);
    message = refused_start (track);
    gst_message_parse_error (message, &error, NULL);
    fail_unless (strstr (error->message, settings[i][0]) != NULL, "%s",
        error->message);
  }
  fail_unless_equals_int (edge_server_count_records (f->server), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* Posts an ERROR on @pipeline's bus, as an element of it would. */
static void
post_error (GstElement * pipeline)
{
  g_autoptr (GError) error = g_error_new_literal (GST_STREAM_ERROR,
      GST_STREAM_ERROR_DECODE, "cannot decode");

  gst_element_post_message (pipeline, gst_message_new_error (GST_OBJECT
          (pipeline), error, NULL));
}

/* Taken out of the pipeline it watched while playing, alone or with the
 * bin it is in, the element no longer reports that pipeline's errors: it
 * went on doing so. Its own session goes on. */
GST_START_TEST (test_removed_element_stops_watching)
{
  g_autoptr (GstStructure) chapter =
      gst_structure_from_string ("chapter, index=1, offset=0, length=60", NULL);

  for (guint in_bin = 0; in_bin < 2; in_bin++) {
    Fixture *f = fixture_new ();
    GstElement *pipeline = gst_pipeline_new (NULL);
    GstElement *track = gst_object_ref_sink (make_tracker (f, "removed"));
    GstElement *bin = in_bin ? gst_bin_new (NULL) : track;
    gboolean accepted = FALSE;

    gst_object_ref (bin);
    if (in_bin)
      gst_bin_add (GST_BIN (bin), track);
    gst_bin_add (GST_BIN (pipeline), bin);
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    wait_for_request (f, "play");
    post_error (pipeline);
    wait_for_request (f, "error");

    gst_bin_remove (GST_BIN (pipeline), bin);
    post_error (pipeline);
    /* the session goes on: the action comes after the error, had the
     * element reported it */
    g_signal_emit_by_name (track, "chapter-start", chapter, &accepted);
    fail_unless (accepted);
    wait_for_request (f, "chapterStart");
    fail_unless_equals_int (count_requests (f, "error"), 1);

    gst_element_set_state (bin, GST_STATE_NULL);
    gst_element_set_state (pipeline, GST_STATE_NULL);
    wait_for_request (f, "sessionEnd");
    gst_object_unref (bin);
    gst_object_unref (track);
    gst_object_unref (pipeline);
    fixture_teardown (f);
  }
}

GST_END_TEST;

/* The threads of this process. GLib 2.74 does not name them in /proc, so
 * the sender thread is seen as one thread more or less. */
static guint
count_threads (void)
{
  g_autoptr (GDir) tasks = g_dir_open ("/proc/self/task", 0, NULL);
  guint n = 0;

  fail_unless (tasks != NULL);
  while (g_dir_read_name (tasks))
    n++;

  return n;
}

/* One sender thread serves every element of the process; it stops when
 * the last element goes back to NULL. */
GST_START_TEST (test_sender_thread_follows_elements)
{
  Fixture *f = fixture_new ();
  GstElement *one = gst_object_ref_sink (make_tracker (f, "first"));
  GstElement *other = gst_object_ref_sink (make_tracker (f, "second"));
  guint before = count_threads ();

  fail_unless_equals_int (gst_element_set_state (one, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (gst_element_set_state (other, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  fail_unless_equals_int (count_threads (), before + 1);

  gst_element_set_state (one, GST_STATE_NULL);
  fail_unless_equals_int (count_threads (), before + 1);
  gst_element_set_state (other, GST_STATE_NULL);
  fail_unless_equals_int (count_threads (), before);

  gst_object_unref (one);
  gst_object_unref (other);
  fixture_teardown (f);
}

GST_END_TEST;

/* Once an element is in NULL its bin may go, so the sender, which
 * another element keeps running, tells the element nothing more of the
 * sessions still sending: a message posted on the element goes through
 * the bin's child bus to the bin. A "started" posted from the sender's
 * thread as the cycles below dropped their pipelines reached a freed one
 * (a heap corruption, once in CI). */
GST_START_TEST (test_no_message_after_null)
{
  Fixture *f = fixture_new ();
  GstElement *keeper = gst_object_ref_sink (make_tracker (f, "keeper"));
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) message = NULL;

  fail_unless_equals_int (gst_element_set_state (keeper, GST_STATE_READY),
      GST_STATE_CHANGE_SUCCESS);
  /* sessionStart is answered once the element is in NULL */
  edge_server_stall_next (f->server, 1, 1000);
  make_pipeline (f, "after-null");
  g_object_set (f->track, "flush-timeout", 0, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "sessionStart");
  fail_unless_equals_int (gst_element_set_state (f->pipeline, GST_STATE_NULL),
      GST_STATE_CHANGE_SUCCESS);
  /* the pipeline's bus takes messages again: one from the element shows */
  bus = gst_element_get_bus (f->pipeline);
  gst_bus_set_flushing (bus, FALSE);

  /* the next request went out: the answer to sessionStart was heard */
  fail_unless (edge_server_wait_for_records (f->server, 2, WAIT_US));
  message = gst_bus_pop_filtered (bus, GST_MESSAGE_ELEMENT);
  fail_unless (message == NULL, "the element posted a message after NULL");

  stop_pipeline (f);
  gst_element_set_state (keeper, GST_STATE_NULL);
  gst_object_unref (keeper);
  fixture_teardown (f);
}

GST_END_TEST;

/* 1000 elements made, played and dropped, their requests still in
 * flight: nothing crashes, and under LeakSanitizer nothing leaks. Every
 * tenth cycle a second element keeps the sender running meanwhile, so
 * that both the last-user shutdown and the shared sender are exercised. */
GST_START_TEST (test_create_play_dispose_cycles)
{
  Fixture *f = fixture_new ();
  /* no journal: the stops would leave hundreds, each replayed by the
   * elements after (the spool and replay suites run under the sanitizers
   * too) */
  g_autofree gchar *line = g_strdup_printf ("fakesrc num-buffers=3 "
      "sizetype=fixed ! mediaedgetrack config-id=cycles endpoint=%s "
      "flush-timeout=0 state-dir=\"\" ! fakesink", f->endpoint);
  GstElement *keeper = NULL;

  for (guint i = 0; i < 1000; i++) {
    g_autoptr (GstElement) pipeline = gst_parse_launch (line, NULL);

    fail_unless (pipeline != NULL);
    if (i % 10 == 0) {
      if (keeper) {
        gst_element_set_state (keeper, GST_STATE_NULL);
        gst_object_unref (keeper);
      }
      keeper = make_tracker (f, "keeper");
      gst_object_ref_sink (keeper);
      gst_element_set_state (keeper, GST_STATE_READY);
    }
    gst_element_set_state (pipeline, GST_STATE_PLAYING);
    gst_element_get_state (pipeline, NULL, NULL, GST_CLOCK_TIME_NONE);
    gst_element_set_state (pipeline, GST_STATE_NULL);
  }
  gst_element_set_state (keeper, GST_STATE_NULL);
  gst_object_unref (keeper);
  fail_unless (edge_server_count_records (f->server) > 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* 1000 sessions of one element, each with session-details and
 * custom-metadata to turn into its sessionStart: under LeakSanitizer (the
 * sanitized run) nothing of them leaks. */
GST_START_TEST (test_session_details_cycles)
{
  g_autoptr (GstStructure) details =
      gst_structure_from_string ("details, show=Friends, season=1, "
      "episode=4, genre=Comedy, streamType=video, network=NBC, "
      "rating=TV-14, firstAirDate=1994-09-22", NULL);
  g_autoptr (GstStructure) metadata =
      gst_structure_from_string ("metadata, campaign=spring, region=eu", NULL);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *session_details;
  Fixture *f = fixture_new ();

  make_pipeline (f, "details");
  /* no journal: 1,000 of them synced would make this a test of the disk
   * (the spool and replay suites are the journal's, sanitized too) */
  g_object_set (f->track, "session-details", details, "custom-metadata",
      metadata, "state-dir", "", NULL);
  /* one at a time: a thousand at once wait in libsoup for its few
   * connections to a host longer than request-timeout under a sanitizer,
   * and crawl through retries */
  for (guint i = 0; i < 1000; i++) {
    set_state (f, GST_STATE_PLAYING);
    set_state (f, GST_STATE_READY);
    wait_for_request (f, "sessionEnd");
  }
  fail_unless_equals_int (count_requests (f, "sessionStart"), 1000);
  /* each session's first request is its sessionStart, the first of all
   * the first session's */
  records = edge_server_dup_records (f->server);
  fail_unless (edge_server_wait_for_event (f->server, 0, "sessionStart",
          0) == 0);
  session_details = json_object_get_object_member (media_collection
      (record_at (records, 0), parser), "sessionDetails");
  fail_unless_equals_string (json_object_get_string_member (session_details,
          "show"), "Friends");
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* How long READY→NULL may take beyond flush-timeout: the sender's thread
 * stops. The tests allow 1 s for any one cycle, for a loaded machine
 * under a sanitizer, and want nine in ten within the bound. */
#define STOP_BOUND_MS 100
#define STOP_BOUND_LOADED_MS 1000

/* PLAYING→NULL @cycles times, PLAYING for 0 to 39 ms in turn, so that the
 * sender stops at every moment of a request's life: sent, timed out
 * (request-timeout=20), cancelled, answered, waiting to be tried again.
 * Every NULL comes within flush-timeout and the bounds above. */
static void
play_stop_cycles (Fixture * f, guint cycles, guint flush_timeout)
{
  gint64 bound = (flush_timeout + STOP_BOUND_MS) * G_TIME_SPAN_MILLISECOND;
  gint64 loaded_bound = (flush_timeout + STOP_BOUND_LOADED_MS) *
      G_TIME_SPAN_MILLISECOND;
  gint64 longest = 0;
  guint late = 0;

  make_pipeline (f, "stress");
  /* the stop's own bound, without a journal's syncs (their cost is the
   * disk's) */
  g_object_set (f->track, "request-timeout", 20, "retry-delay", 5,
      "flush-timeout", flush_timeout, "state-dir", "", NULL);
  for (guint i = 0; i < cycles; i++) {
    gint64 start, took;

    set_state (f, GST_STATE_PLAYING);
    g_usleep ((i % 40) * G_TIME_SPAN_MILLISECOND);
    start = g_get_monotonic_time ();
    fail_unless_equals_int (gst_element_set_state (f->pipeline,
            GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
    took = g_get_monotonic_time () - start;
    fail_unless (took < loaded_bound, "cycle %u: NULL took %" G_GINT64_FORMAT
        " us", i, took);
    late += took >= bound;
    longest = MAX (longest, took);
  }
  GST_INFO ("%u cycles: %u NULLs beyond %" G_GINT64_FORMAT " us, the longest "
      "%" G_GINT64_FORMAT " us", cycles, late, bound, longest);
  fail_unless (late <= cycles / 10, "%u of %u NULLs took longer than %"
      G_GINT64_FORMAT " us", late, cycles, bound);
  stop_pipeline (f);
}

/* An endpoint that never answers: every request times out, and the
 * sender stops with requests in flight, cancelled, or waiting to be tried
 * again. None may outlive the sender (it aborted on a request still
 * current). */
GST_START_TEST (test_play_stop_cycles_silent_server)
{
  Fixture *f = fixture_new ();
  g_autoptr (GSocket) silent = NULL;

  g_clear_pointer (&f->server, edge_server_free);
  g_free (f->endpoint);
  silent = listen_silently (&f->endpoint);
  play_stop_cycles (f, 500, 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* A service that loses every session: each event is answered 404, and
 * the sender stops while sessions are lost and resumed. Its thread then
 * takes the session lock (to resume) while READY->NULL waits for it to
 * stop: this hung when NULL held that lock across the wait. */
GST_START_TEST (test_play_stop_cycles_lost_sessions)
{
  Fixture *f = fixture_new ();

  edge_server_forget_every_session (f->server, 404);
  play_stop_cycles (f, 500, 0);
  fixture_teardown (f);
}

GST_END_TEST;

static Suite *
mediaedgetrack_reliability_suite (void)
{
  Suite *s = suite_create ("mediaedgetrack-reliability");
  TCase *tc = tcase_create ("general");
  TCase *cycles, *stress;

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_lost_session_is_resumed);
  tcase_add_test (tc, test_resume_storm_is_bounded);
  tcase_add_test (tc, test_idle_half_hour_then_play);
  tcase_add_test (tc, test_stalled_half_hour_then_data);
  tcase_add_test (tc, test_idle_pause_without_data_then_play);
  tcase_add_test (tc, test_day_of_playback);
  tcase_add_test (tc, test_live_playhead);
  tcase_add_test (tc, test_server_down_then_up);
  tcase_add_test (tc, test_queue_overflow_is_counted);
  tcase_add_test (tc, test_stalled_server_does_not_stall_the_pipeline);
  tcase_add_test (tc, test_shutdown_without_server);
  tcase_add_test (tc, test_flush_bound_per_process);
  tcase_add_test (tc, test_unreachable_service_warns_once);
  tcase_add_test (tc, test_stops_leave_no_sockets);
  tcase_add_test (tc, test_refused_session_stops_tracking);
  tcase_add_test (tc, test_https_untrusted_refused);
  tcase_add_test (tc, test_https_with_ca_file);
  tcase_add_test (tc, test_proxy_property);
  tcase_add_test (tc, test_system_proxy_honoured);
  tcase_add_test (tc, test_bad_transport_settings_refused);
  tcase_add_test (tc, test_identity_not_logged);
  tcase_add_test (tc, test_collection_session_locations);
  tcase_add_test (tc, test_collection_answers);
  tcase_add_test (tc, test_datastream_id_not_logged);
  tcase_add_test (tc, test_sender_thread_follows_elements);
  tcase_add_test (tc, test_removed_element_stops_watching);
  tcase_add_test (tc, test_no_message_after_null);

  cycles = tcase_create ("cycles");
  suite_add_tcase (s, cycles);
  tcase_set_timeout (cycles, 600);
  tcase_add_test (cycles, test_create_play_dispose_cycles);
  tcase_add_test (cycles, test_session_details_cycles);

  /* a hang shows in 3 min, not 10: each takes 10-20 s */
  stress = tcase_create ("stress");
  suite_add_tcase (s, stress);
  tcase_set_timeout (stress, 180);
  tcase_add_test (stress, test_play_stop_cycles_silent_server);
  tcase_add_test (stress, test_play_stop_cycles_lost_sessions);

  return s;
}

GST_CHECK_MAIN (mediaedgetrack_reliability);
