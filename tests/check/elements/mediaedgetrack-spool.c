/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Nothing played is lost: what the element could not send waits in its
 * journal under state-dir, and goes when the service answers, in this
 * run or the next; a session played offline goes whole, as /downloaded.
 * Playback on a GstTestClock; the retries, the offline delay and the
 * service coming back in real time. */

#include "fixture.h"

/* The journals in the fixture's spool folder */
static guint
count_journals (Fixture * f)
{
  g_autofree gchar *spool = g_build_filename (f->state_dir, "spool", NULL);
  g_autoptr (GDir) dir = g_dir_open (spool, 0, NULL);
  const gchar *name;
  guint n = 0;

  while (dir && (name = g_dir_read_name (dir)))
    if (g_str_has_suffix (name, ".jsonl"))
      n++;

  return n;
}

/* The journals, once there are @n at most: a journal sent is removed
 * just after its sending is counted */
static guint
wait_for_journals (Fixture * f, guint n)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;
  guint count;

  while ((count = count_journals (f)) > n && g_get_monotonic_time () < end)
    g_usleep (10 * 1000);

  return count;
}

/* A session that never started: the server is down, the element goes
 * offline after 1 s, plays three pings and stops. */
static void
play_offline (Fixture * f, const gchar * config_id)
{
  g_autoptr (GstStructure) offline = NULL;

  make_pipeline (f, config_id);
  g_object_set (f->track, "retry-delay", 10, "offline-after", 1,
      "fpid", "device-9", "flush-timeout", 200, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  offline = pop_session_structure (f->pipeline, "offline");
  fail_unless (offline != NULL, "the session did not go offline");
  for (guint second = 10; second <= 30; second += 10)
    play_to_ping (f, second);
}

/* The one /downloaded request of @records */
static EdgeRecord *
find_downloaded (GPtrArray * records)
{
  EdgeRecord *found = NULL;

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);

    if (g_strcmp0 (record->event_type, "downloaded") != 0)
      continue;
    fail_unless (found == NULL, "more than one /downloaded request");
    found = record;
  }
  fail_unless (found != NULL, "no /downloaded request");

  return found;
}

static gint64
parse_time (const gchar * text)
{
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 (text, NULL);

  fail_unless (when != NULL, "%s", text);

  return g_date_time_to_unix (when) * 1000 +
      g_date_time_get_microsecond (when) / 1000;
}

/* The session in @record's body: every event in order, with its own time
 * and playhead, and the device's FPID */
static void
assert_whole_session (EdgeRecord * record, const Expected * expected, guint n)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *xdm;
  JsonArray *events;
  gint64 start = 0;

  fail_unless_equals_int (record->status, 204);
  fail_unless (json_parser_load_from_data (parser, record->body, -1, NULL));
  xdm = json_object_get_object_member (json_array_get_object_element
      (json_object_get_array_member (json_node_get_object
              (json_parser_get_root (parser)), "events"), 0), "xdm");
  fail_unless (strstr (record->body, "\"FPID\":[{\"id\":\"device-9\"") !=
      NULL, "%s", record->body);
  events = json_object_get_array_member (xdm, "mediaDownloadedEvents");
  fail_unless_equals_int (json_array_get_length (events), n);
  for (guint i = 0; i < n; i++) {
    JsonObject *event = json_array_get_object_element (events, i);
    JsonObject *media = json_object_get_object_member (event,
        "mediaCollection");
    g_autofree gchar *type = g_strconcat ("media.", expected[i].event, NULL);
    gint64 when = parse_time (json_object_get_string_member (event,
            "mediaEventTimestamp"));

    if (i == 0)
      start = when;
    fail_unless_equals_string (json_object_get_string_member (event,
            "mediaEventType"), type);
    fail_unless_equals_int64 (json_object_get_int_member (media, "playhead"),
        expected[i].playhead);
    fail_unless (!json_object_has_member (media, "sessionID"));
    /* -1: at the stop, whenever the test got there */
    if (expected[i].offset_ms >= 0) {
      fail_unless_equals_int64 (when - start, expected[i].offset_ms);
    } else {
      fail_unless (when - start >= 30000, "%s at %" G_GINT64_FORMAT " ms",
          expected[i].event, when - start);
    }
  }
}

static const Expected offline_session[] = {
  {"sessionStart", 0, 0},
  {"play", 1, 0},
  {"ping", 10000, 10},
  {"ping", 20000, 20},
  {"ping", 30000, 30},
  {"sessionEnd", -1, 30},
};

/* The server is down for a whole session, then up: the next element to
 * start sends it whole, as exactly one /downloaded request, every event
 * in order with its own time and playhead, the FPID in it; nothing of it
 * goes live. */
GST_START_TEST (test_offline_session_sent_whole_next_run)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GstStructure) downloaded = NULL;
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);

  play_offline (f, "offline");
  stop_pipeline (f);
  /* the flush gave up on it: it waits on disk */
  fail_unless_equals_int (count_journals (f), 1);

  bring_server_up (f, port);
  make_pipeline (f, "offline");
  /* an element starting sends what waits, playing or not */
  set_state (f, GST_STATE_PAUSED);
  downloaded = pop_session_structure (f->pipeline, "downloaded");
  fail_unless (downloaded != NULL);
  fail_unless_equals_int (wait_for_stat (f->track, "downloaded-sessions", 1),
      1);
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int (records->len, 1);
  assert_whole_session (find_downloaded (records), offline_session,
      G_N_ELEMENTS (offline_session));
  fail_unless_equals_int (wait_for_journals (f, 0), 0);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* The descriptors of this process on journals */
static guint
count_journal_descriptors (void)
{
  g_autoptr (GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const gchar *name;
  guint n = 0;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *link = g_build_filename ("/proc/self/fd", name, NULL);
    g_autofree gchar *target = g_file_read_link (link, NULL);

    if (target && strstr (target, "/spool/journal-"))
      n++;
  }

  return n;
}

/* Sessions that ended offline wait on disk, not in descriptors: a week
 * offline ends a thousand, and the player must still open its files. One
 * is being sent (tried again while the service is away), the others wait
 * their turn closed. */
GST_START_TEST (test_parked_sessions_hold_no_descriptor)
{
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);
  gint64 end;

  make_pipeline (f, "parked");
  g_object_set (f->track, "retry-delay", 10, "offline-after", 1,
      "flush-timeout", 0, NULL);
  for (guint i = 0; i < 3; i++) {
    g_autoptr (GstStructure) offline = NULL;

    set_state (f, GST_STATE_PLAYING);
    start_stream (f, NULL);
    offline = pop_session_structure (f->pipeline, "offline");
    fail_unless (offline != NULL, "session %u did not go offline", i);
    /* the session ends, and waits */
    set_state (f, GST_STATE_READY);
    gst_pad_set_active (f->src, FALSE);
  }
  fail_unless_equals_int (count_journals (f), 3);
  /* the last one parked as the sender gets to it */
  end = g_get_monotonic_time () + WAIT_US;
  while (count_journal_descriptors () > 1 && g_get_monotonic_time () < end)
    g_usleep (10 * 1000);
  fail_unless (count_journal_descriptors () <= 1, "%u journals open",
      count_journal_descriptors ());
  stop_pipeline (f);
  bring_server_up (f, port);
  fixture_teardown (f);
}

GST_END_TEST;

/* A /downloaded the service refuses (a proxy's 500, a captive portal's
 * 404) does not lose the session: it stays on disk, and the next element
 * sends it. */
GST_START_TEST (test_refused_download_kept)
{
  g_autofree gchar *text = NULL;
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);

  play_offline (f, "offline");
  stop_pipeline (f);
  bring_server_up (f, port);
  edge_server_fail_next (f->server, 1, 500, NULL);
  make_pipeline (f, "offline");
  set_state (f, GST_STATE_PAUSED);
  wait_for_request (f, "downloaded");
  stop_pipeline (f);
  fail_unless_equals_int (count_journals (f), 1);

  make_pipeline (f, "offline");
  set_state (f, GST_STATE_PAUSED);
  fail_unless_equals_int (wait_for_stat (f->track, "downloaded-sessions", 1),
      1);
  text = received (f);
  fail_unless_equals_string (text, "downloaded 500, downloaded 204");
  fail_unless_equals_int (wait_for_journals (f, 0), 0);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* Offline, the session stays offline when the service comes back: its
 * events wait on disk, and once it ends it goes whole, in the same run. */
GST_START_TEST (test_offline_session_sent_whole_same_run)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GstStructure) downloaded = NULL;
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);
  guint spooled;

  play_offline (f, "offline");
  bring_server_up (f, port);
  /* the session ends at PAUSED→READY: the bus still carries messages */
  set_state (f, GST_STATE_READY);
  downloaded = pop_session_structure (f->pipeline, "downloaded");
  fail_unless (downloaded != NULL);
  fail_unless_equals_int (wait_for_stat (f->track, "downloaded-sessions", 1),
      1);
  spooled = wait_for_stat (f->track, "spooled", 6);
  fail_unless_equals_int (spooled, 6);
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int (records->len, 1);
  assert_whole_session (find_downloaded (records), offline_session,
      G_N_ELEMENTS (offline_session));
  stop_pipeline (f);
  fail_unless_equals_int (wait_for_journals (f, 0), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* Without a journal (state-dir empty), or with offline-after=0, a session
 * never goes offline: down at start, then up, it goes live. */
GST_START_TEST (test_no_offline_without_journal)
{
  const gchar *settings[][2] = { {"", "1"}, {NULL, "0"} };

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++) {
    Fixture *f = fixture_new ();
    guint port = edge_server_take_down (&f->server);

    make_pipeline (f, "live");
    if (settings[i][0])
      g_object_set (f->track, "state-dir", settings[i][0], NULL);
    gst_util_set_object_arg (G_OBJECT (f->track), "offline-after",
        settings[i][1]);
    g_object_set (f->track, "retry-delay", 10, NULL);
    set_state (f, GST_STATE_PLAYING);
    start_stream (f, NULL);
    fail_unless (wait_for_stat (f->track, "retried", 1) >= 1);
    g_usleep (1500 * G_TIME_SPAN_MILLISECOND);
    bring_server_up (f, port);
    wait_for_request (f, "sessionStart");
    wait_for_request (f, "play");
    fail_unless_equals_int (wait_for_stat (f->track, "downloaded-sessions",
            0), 0);
    stop_pipeline (f);
    fixture_teardown (f);
  }
}

GST_END_TEST;

/* A stop before everything was sent loses nothing and drops nothing: the
 * journal keeps the rest, and the next element sends it live with the
 * session's own id, then the session's sessionEnd. */
GST_START_TEST (test_unsent_tail_sent_next_run)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *session_id = NULL;
  g_autofree gchar *text = NULL;
  Fixture *f = fixture_new ();
  guint port;

  make_pipeline (f, "tail");
  g_object_set (f->track, "retry-delay", 10, "flush-timeout", 200, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  session_id = pop_session_message (f->pipeline, "started");
  fail_unless (session_id != NULL);
  wait_for_request (f, "play");
  /* the service goes away: two pings and the sessionEnd wait */
  port = edge_server_take_down (&f->server);
  play_to_ping (f, 10);
  play_to_ping (f, 20);
  fail_unless (wait_for_stat (f->track, "retried", 1) >= 1);
  stop_pipeline (f);
  fail_unless_equals_int (count_journals (f), 1);

  bring_server_up (f, port);
  /* the old session, known to the service as it was */
  edge_server_adopt_session (f->server, session_id);
  make_pipeline (f, "tail");
  g_object_set (f->track, "retry-delay", 10, NULL);
  set_state (f, GST_STATE_READY);
  set_state (f, GST_STATE_PAUSED);
  fail_unless_equals_int (wait_for_stat (f->track, "replayed", 3), 3);
  text = edge_server_describe_records (f->server, session_id);
  fail_unless_equals_string (text, "ping 204, ping 204, sessionEnd 204");
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int (records->len, 3);
  fail_unless_equals_int64 (((EdgeRecord *) g_ptr_array_index (records,
              1))->playhead, 20);
  fail_unless_equals_int64 (((EdgeRecord *) g_ptr_array_index (records,
              2))->playhead, 20);
  fail_unless_equals_int (wait_for_journals (f, 0), 0);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* The Media Collection API has no /downloaded: a session whose
 * sessionStart never got an answer before the stop goes live at the next
 * start, whole, from its sessionStart, with its own times. */
GST_START_TEST (test_collection_session_replayed_live)
{
  g_autofree gchar *text = NULL;
  Fixture *f = fixture_new ();
  guint port;

  make_pipeline (f, "collection");
  use_collection_api (f);
  port = edge_server_take_down (&f->server);
  g_object_set (f->track, "retry-delay", 10, "flush-timeout", 200,
      "offline-after", 1, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  play_to_ping (f, 10);
  fail_unless (wait_for_stat (f->track, "spooled", 3) >= 3);
  /* no /downloaded for this API: never offline */
  g_usleep (1200 * G_TIME_SPAN_MILLISECOND);
  fail_unless_equals_int (wait_for_stat (f->track, "dropped", 0), 0);
  stop_pipeline (f);
  fail_unless_equals_int (count_journals (f), 1);

  bring_server_up (f, port);
  make_pipeline (f, "collection");
  use_collection_api (f);
  set_state (f, GST_STATE_PAUSED);
  fail_unless_equals_int (wait_for_stat (f->track, "replayed", 4), 4);
  text = received (f);
  fail_unless_equals_string (text, "sessionStart 201, play 204, ping 204, "
      "sessionEnd 204");
  fail_unless_equals_int (wait_for_journals (f, 0), 0);
  stop_pipeline (f);
  fixture_teardown (f);
}

GST_END_TEST;

/* Past spool-max-bytes, the oldest whole sessions go, counted: before an
 * element reads what earlier runs left, and as each session starts; not
 * the session being written (the spool suite checks that the one being
 * sent stays too). */
GST_START_TEST (test_spool_bound_drops_oldest)
{
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);

  for (guint i = 0; i < 3; i++) {
    make_pipeline (f, "bound");
    g_object_set (f->track, "retry-delay", 10, "flush-timeout", 0,
        "offline-after", 0, NULL);
    set_state (f, GST_STATE_PLAYING);
    start_stream (f, NULL);
    fail_unless (wait_for_stat (f->track, "spooled", 2) >= 2);
    stop_pipeline (f);
  }
  fail_unless_equals_int (count_journals (f), 3);

  /* room for none of them: they go before they are read */
  make_pipeline (f, "bound");
  g_object_set (f->track, "retry-delay", 10, "spool-max-bytes",
      (guint64) 1, "flush-timeout", 0, "offline-after", 0, NULL);
  set_state (f, GST_STATE_PAUSED);
  fail_unless_equals_int (wait_for_stat (f->track, "spool-dropped", 3), 3);
  fail_unless_equals_int (wait_for_journals (f, 0), 0);
  /* the session's own stays while it is written */
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  fail_unless (wait_for_stat (f->track, "spooled", 2) >= 2);
  fail_unless_equals_int (count_journals (f), 1);
  fail_unless_equals_int (wait_for_stat (f->track, "spool-dropped", 3), 3);
  stop_pipeline (f);
  bring_server_up (f, port);
  fixture_teardown (f);
}

GST_END_TEST;

static Suite *
mediaedgetrack_spool_suite (void)
{
  Suite *s = suite_create ("mediaedgetrack-spool");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_offline_session_sent_whole_next_run);
  tcase_add_test (tc, test_offline_session_sent_whole_same_run);
  tcase_add_test (tc, test_refused_download_kept);
  tcase_add_test (tc, test_parked_sessions_hold_no_descriptor);
  tcase_add_test (tc, test_no_offline_without_journal);
  tcase_add_test (tc, test_unsent_tail_sent_next_run);
  tcase_add_test (tc, test_collection_session_replayed_live);
  tcase_add_test (tc, test_spool_bound_drops_oldest);

  return s;
}

GST_CHECK_MAIN (mediaedgetrack_spool);
