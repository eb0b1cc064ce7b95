/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* mediaedgetrack in real pipelines, reporting to a real HTTP server on
 * 127.0.0.1; time is a GstTestClock, so a 29 s timeline replays at once.
 * Every body the server received is checked against media-edge.yaml. */

#include "fixture.h"

/* Adobe's implementation examples, Example 1, through a pipeline. The
 * application pauses the
 * pipeline while it buffers and plays it at 100 %, as players do: that is
 * bufferStart then play, never pauseStart. */
GST_START_TEST (test_example1_through_pipeline)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"bufferStart", 1000, 1},
    {"play", 4000, 1},
    {"ping", 10000, 7},
    {"pauseStart", 15000, 12},
    {"ping", 20000, 12},
    {"play", 24000, 12},
    {"sessionEnd", 29000, 17},
  };
  GstTestClock *clock;
  g_autofree gchar *started = NULL;
  g_autoptr (GPtrArray) records = NULL;
  Fixture *f = fixture_new ();

  make_pipeline (f, "example-1");
  clock = GST_TEST_CLOCK (f->clock);

  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  started = pop_session_message (f->pipeline, "started");
  records = edge_server_dup_records (f->server);
  fail_unless_equals_string (started,
      ((EdgeRecord *) g_ptr_array_index (records, 0))->session_id);

  gst_test_clock_set_time (clock, S (1));
  set_playhead (f, 1);
  post_buffering (f, 0);
  set_state (f, GST_STATE_PAUSED);
  wait_for_request (f, "bufferStart");

  gst_test_clock_set_time (clock, S (4));
  post_buffering (f, 100);
  set_state (f, GST_STATE_PLAYING);
  wait_for_request (f, "play");

  set_playhead (f, 7);
  crank_ping (f, S (10));
  wait_for_request (f, "ping");

  gst_test_clock_set_time (clock, S (15));
  set_playhead (f, 12);
  set_state (f, GST_STATE_PAUSED);
  wait_for_request (f, "pauseStart");

  crank_ping (f, S (20));
  wait_for_request (f, "ping");

  gst_test_clock_set_time (clock, S (24));
  set_state (f, GST_STATE_PLAYING);
  wait_for_request (f, "play");

  gst_test_clock_set_time (clock, S (29));
  set_playhead (f, 17);
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "example-1");
  fixture_teardown (f);
}

GST_END_TEST;

/* The user closes a playing player: sessionEnd, with no pauseStart on the
 * way down. Only the start PLAYING of the run starts a session. */
GST_START_TEST (test_stop_while_playing)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"sessionEnd", 3000, 3},
  };
  Fixture *f = fixture_new ();

  make_pipeline (f, "stop");
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (3));
  set_playhead (f, 3);
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "stop");
  fixture_teardown (f);
}

GST_END_TEST;

/* A pipeline prerolled to PAUSED for a thumbnail starts no session; played
 * later, it starts one then. */
GST_START_TEST (test_preroll_only_starts_no_session)
{
  const Expected expected[] = {
    {"sessionStart", 0, 0},
    {"play", 1, 0},
    {"sessionEnd", 2000, 0},
  };
  Fixture *f = fixture_new ();

  make_pipeline (f, "thumbnail");
  set_state (f, GST_STATE_PAUSED);
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (5));
  set_state (f, GST_STATE_READY);
  fail_unless_equals_int (edge_server_count_records (f->server), 0);

  set_state (f, GST_STATE_PAUSED);
  set_state (f, GST_STATE_PLAYING);
  gst_test_clock_set_time (GST_TEST_CLOCK (f->clock), S (7));
  stop_pipeline (f);

  assert_received (f, expected, G_N_ELEMENTS (expected), "thumbnail");
  fixture_teardown (f);
}

GST_END_TEST;

/* Each READY to PLAYING is a new session. The two sessions' requests are
 * independent queues: each in order, the two interleaved as they come. */
GST_START_TEST (test_new_session_per_run)
{
  const gchar *events[] = { "sessionStart", "play", "sessionEnd" };
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GHashTable) sessions = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  GHashTableIter iter;
  GPtrArray *session;
  Fixture *f = fixture_new ();

  make_pipeline (f, "runs");
  set_state (f, GST_STATE_PLAYING);
  set_state (f, GST_STATE_READY);
  set_state (f, GST_STATE_PLAYING);
  stop_pipeline (f);

  wait_for_records (f, 6);
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int (records->len, 6);
  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);

    session = g_hash_table_lookup (sessions, record->session_id);
    if (session == NULL) {
      session = g_ptr_array_new ();
      g_hash_table_insert (sessions, g_strdup (record->session_id), session);
    }
    g_ptr_array_add (session, record->event_type);
  }

  fail_unless_equals_int (g_hash_table_size (sessions), 2);
  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & session)) {
    fail_unless_equals_int (session->len, G_N_ELEMENTS (events));
    for (guint i = 0; i < session->len; i++)
      fail_unless_equals_string (g_ptr_array_index (session, i), events[i]);
  }
  fixture_teardown (f);
}

GST_END_TEST;

/* What a user types: a source to EOS gives sessionStart, play,
 * sessionComplete, each answered 2xx, and the session is reported ended. */
GST_START_TEST (test_launch_line_to_eos)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *line = g_strdup_printf ("videotestsrc num-buffers=25 ! "
      "mediaedgetrack config-id=launch endpoint=%s ! fakesink", f->endpoint);
  g_autofree gchar *ended = NULL;
  g_autoptr (GPtrArray) records = run_to_eos (f, line, &ended);
  const gchar *events[] = { "sessionStart", "play", "sessionComplete" };

  fail_unless (ended != NULL);
  fail_unless_equals_int (records->len, G_N_ELEMENTS (events));
  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);

    fail_unless_equals_string (record->event_type, events[i]);
    fail_unless (record->status >= 200 && record->status < 300);
    fail_unless_equals_string (record->session_id, ended);
  }
  fixture_teardown (f);
}

GST_END_TEST;

/* In playbin as video-filter, with no property set: the name and friendly
 * name from the title tag, the length from the duration. Without a title,
 * the name is the file's name. */
GST_START_TEST (test_details_from_the_stream)
{
  const gchar *titles[] = { "MyTitle", NULL };
  const gchar *names[] = { "MyTitle", "my clip.mkv" };
  Fixture *f = fixture_new ();

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++) {
    gchar *clip = write_clip (titles[i], NULL);
    g_autofree gchar *uri = gst_filename_to_uri (clip, NULL);
    g_autofree gchar *line = g_strdup_printf ("playbin uri=\"%s\" "
        "video-sink=fakesink audio-sink=fakesink video-filter="
        "\"mediaedgetrack config-id=playbin endpoint=%s\"", uri, f->endpoint);
    g_autoptr (GPtrArray) records = run_to_eos (f, line, NULL);
    g_autoptr (JsonParser) parser = json_parser_new ();
    EdgeRecord *start = g_ptr_array_index (records, records->len - 3);
    JsonObject *details;

    fail_unless_equals_string (start->event_type, "sessionStart");
    details = json_object_get_object_member (media_collection (start,
            parser), "sessionDetails");
    fail_unless_equals_string (json_object_get_string_member (details,
            "name"), names[i]);
    fail_unless_equals_string (json_object_get_string_member_with_default
        (details, "friendlyName", "(none)"), titles[i] ? titles[i] : "(none)");
    fail_unless_equals_int64 (json_object_get_int_member (details, "length"),
        2);
    fail_unless_equals_string (json_object_get_string_member (details,
            "contentType"), "VOD");
    fail_unless_equals_string (json_object_get_string_member (details,
            "playerName"), "GStreamer");
    remove_clip (clip);
  }
  fixture_teardown (f);
}

GST_END_TEST;

/* session-details adds XDM fields, typed as XDM wants them; the named
 * properties win over them;
 * custom-metadata becomes sorted {name, value} pairs. */
GST_START_TEST (test_session_details_and_custom_metadata)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *line = g_strdup_printf ("videotestsrc num-buffers=5 ! "
      "mediaedgetrack config-id=details endpoint=%s content-id=ep4 "
      "session-details=\"details,show=Friends,season=1,name=ignored,"
      "hasResume=false\" custom-metadata=\"meta,zeta=last,alpha=1\" "
      "content-type=Episode length=1200 ! fakesink", f->endpoint);
  g_autoptr (GPtrArray) records = run_to_eos (f, line, NULL);
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *media, *details;
  JsonArray *metadata;

  media = media_collection (g_ptr_array_index (records, 0), parser);
  details = json_object_get_object_member (media, "sessionDetails");
  fail_unless_equals_string (json_object_get_string_member (details, "name"),
      "ep4");
  fail_unless_equals_string (json_object_get_string_member (details, "show"),
      "Friends");
  /* XDM types every sessionDetails field but a few as string */
  fail_unless_equals_string (json_object_get_string_member (details,
          "season"), "1");
  fail_if (json_object_get_boolean_member (details, "hasResume"));
  fail_unless_equals_string (json_object_get_string_member (details,
          "contentType"), "Episode");
  fail_unless_equals_int64 (json_object_get_int_member (details, "length"),
      1200);
  metadata = json_object_get_array_member (media, "customMetadata");
  fail_unless_equals_int (json_array_get_length (metadata), 2);
  fail_unless_equals_string (json_object_get_string_member
      (json_array_get_object_element (metadata, 0), "name"), "alpha");
  fail_unless_equals_string (json_object_get_string_member
      (json_array_get_object_element (metadata, 0), "value"), "1");
  fail_unless_equals_string (json_object_get_string_member
      (json_array_get_object_element (metadata, 1), "name"), "zeta");
  fixture_teardown (f);
}

GST_END_TEST;

static void
assert_error_names (GstMessage * message, const gchar * property)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;

  gst_message_parse_error (message, &error, &debug);
  fail_unless (g_error_matches (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS));
  fail_unless (strstr (error->message, property) != NULL, "'%s' does not "
      "name %s", error->message, property);
  gst_message_unref (message);
}

GST_START_TEST (test_refuses_without_config_id)
{
  GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);
  Fixture *f = fixture_new ();

  g_object_set (track, "endpoint", f->endpoint, NULL);
  assert_error_names (refused_start (track), "config-id");
  fail_unless_equals_int (edge_server_count_records (f->server), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* api=collection: each mandatory property missing is refused at
 * READY→PAUSED, naming it; the Edge host is not a Collection host; no
 * config-id is needed. */
GST_START_TEST (test_collection_refuses_missing_account)
{
  const gchar *account[][2] = {
    {"tracking-server", "ts"}, {"report-suite", "rs"},
    {"visitor-id", "v"}, {"org-id", "o"}, {"endpoint", NULL},
  };
  Fixture *f = fixture_new ();

  for (guint missing = 0; missing < G_N_ELEMENTS (account); missing++) {
    GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);

    gst_util_set_object_arg (G_OBJECT (track), "api", "collection");
    for (guint i = 0; i < G_N_ELEMENTS (account); i++)
      if (i != missing)
        g_object_set (track, account[i][0], account[i][1] ? account[i][1] :
            f->endpoint, NULL);
    assert_error_names (refused_start (track), account[missing][0]);
  }
  fail_unless_equals_int (edge_server_count_records (f->server), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* Strings that are not UTF-8 are refused when set (they would go into
 * JSON), naming the property, and so are custom metadata names that
 * customMetadata cannot take; blanks are no value; a Collection host
 * that is the Edge's, whatever its spelling, is no Collection host. */
GST_START_TEST (test_refuses_bad_strings)
{
  g_autoptr (GstElement) track = gst_element_factory_make ("mediaedgetrack",
      NULL);
  g_autofree gchar *content_id = NULL;
  g_autoptr (GstStructure) metadata = NULL;
  const gchar *edge_hosts[] = { "https://edge.adobedc.net/ee/va/v1/",
    "https://EDGE.adobedc.net/other"
  };

  gst_object_ref_sink (track);
  g_object_set (track, "content-id", "clip-1", NULL);
  g_object_set (track, "content-id", "clip\xff\xfe", NULL);
  g_object_get (track, "content-id", &content_id, NULL);
  fail_unless_equals_string (content_id, "clip-1");
  /* a custom metadata name customMetadata cannot take */
  gst_util_set_object_arg (G_OBJECT (track), "custom-metadata", "meta,ok=1");
  gst_util_set_object_arg (G_OBJECT (track), "custom-metadata",
      "meta,bad-name=1,ok=2");
  g_object_get (track, "custom-metadata", &metadata, NULL);
  fail_unless_equals_int (gst_structure_n_fields (metadata), 1);
  fail_unless (gst_structure_has_field (metadata, "ok"));

  for (guint i = 0; i < G_N_ELEMENTS (edge_hosts); i++) {
    GstElement *collection = gst_element_factory_make ("mediaedgetrack",
        NULL);

    gst_util_set_object_arg (G_OBJECT (collection), "api", "collection");
    g_object_set (collection, "endpoint", edge_hosts[i], "tracking-server",
        "ts", "report-suite", "rs", "visitor-id", "v", "org-id", "o", NULL);
    assert_error_names (refused_start (collection), "endpoint");
  }
  {
    GstElement *blank = gst_element_factory_make ("mediaedgetrack", NULL);

    gst_util_set_object_arg (G_OBJECT (blank), "api", "collection");
    g_object_set (blank, "endpoint", "https://example.hb-api.omtrdc.net",
        "tracking-server", "  ", "report-suite", "rs", "visitor-id", "v",
        "org-id", "o", NULL);
    assert_error_names (refused_start (blank), "tracking-server");
  }
}

GST_END_TEST;

GST_START_TEST (test_refuses_bad_endpoint)
{
  const gchar *bad[] = { "ftp://127.0.0.1/ee", "edge.adobedc.net/ee/va/v1",
    "http://", "", "file:///tmp/x"
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);

    g_object_set (track, "config-id", "x", "endpoint", bad[i], NULL);
    assert_error_names (refused_start (track), "endpoint");
  }
}

GST_END_TEST;

GST_START_TEST (test_refuses_ping_interval_out_of_range)
{
  g_autoptr (GstElement) track = gst_element_factory_make ("mediaedgetrack",
      NULL);
  guint interval = 0;

  gst_object_ref_sink (track);
  g_object_set (track, "ping-interval", 30, NULL);
  ASSERT_WARNING (g_object_set (track, "ping-interval", 5, NULL));
  ASSERT_WARNING (g_object_set (track, "ping-interval", 51, NULL));
  g_object_get (track, "ping-interval", &interval, NULL);
  fail_unless_equals_int (interval, 30);
}

GST_END_TEST;

static Suite *
mediaedgetrack_suite (void)
{
  Suite *s = suite_create ("mediaedgetrack");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_example1_through_pipeline);
  tcase_add_test (tc, test_stop_while_playing);
  tcase_add_test (tc, test_preroll_only_starts_no_session);
  tcase_add_test (tc, test_new_session_per_run);
  tcase_add_test (tc, test_launch_line_to_eos);
  tcase_add_test (tc, test_details_from_the_stream);
  tcase_add_test (tc, test_session_details_and_custom_metadata);
  tcase_add_test (tc, test_refuses_without_config_id);
  tcase_add_test (tc, test_collection_refuses_missing_account);
  tcase_add_test (tc, test_refuses_bad_strings);
  tcase_add_test (tc, test_refuses_bad_endpoint);
  tcase_add_test (tc, test_refuses_ping_interval_out_of_range);

  return s;
}

GST_CHECK_MAIN (mediaedgetrack);
