/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the element suites share: a local edge server per test, whose
 * received bodies are validated against media-edge.yaml at teardown, and a
 * pipeline whose clock and playhead the test drives. Each test makes its
 * own Fixture and tears it down: nothing is shared between tests. */

#include "fixture.h"

static GstStaticPadTemplate src_template = GST_STATIC_PAD_TEMPLATE ("src",
    GST_PAD_SRC, GST_PAD_ALWAYS, GST_STATIC_CAPS_ANY);

/* A fixture around @server (transfer full) */
Fixture *
fixture_new_for_server (EdgeServer * server)
{
  Fixture *f = g_new0 (Fixture, 1);

  f->server = server;
  f->endpoint = edge_server_get_endpoint (server);
  /* what a test leaves unsent must not go to the next test's server
   * (which may have the same port), from this process or a gst-launch
   * child */
  f->state_dir = g_dir_make_tmp ("mediaedge-test-XXXXXX", NULL);
  fail_unless (f->state_dir != NULL);
  g_setenv ("XDG_STATE_HOME", f->state_dir, TRUE);

  return f;
}

/* Every run of a suite keeps its journals and identity in a folder of
 * its own, made before any test and removed after the last: a journal a
 * run left must not be replayed by the next run's elements, to servers
 * that may have the port of one long gone. Each fixture narrows it to its
 * test (fixture_new_for_server). */
static gchar *run_state_dir;
static pid_t run_pid;

__attribute__((constructor))
     static void isolate_run_state (void)
{
  run_state_dir = g_dir_make_tmp ("mediaedge-run-XXXXXX", NULL);
  if (run_state_dir == NULL)
    return;
  run_pid = getpid ();
  g_setenv ("XDG_STATE_HOME", run_state_dir, TRUE);
}

__attribute__((destructor))
     static void remove_run_state (void)
{
  /* the suite's process, not a test's forked from it */
  if (run_state_dir && getpid () == run_pid)
    remove_tree (run_state_dir);
  g_clear_pointer (&run_state_dir, g_free);
}

/* A fixture with a plain HTTP edge server of its own */
Fixture *
fixture_new (void)
{
  g_autoptr (GError) error = NULL;
  EdgeServer *server = edge_server_new_threaded (&error);

  fail_unless (server != NULL, "no server: %s", error ? error->message : "");

  return fixture_new_for_server (server);
}

/* Every Media Edge API body must validate against Adobe's OpenAPI
 * document (the Media Collection API has none: the server checks its
 * mandatory parameters). */
static void
validate_bodies (GPtrArray * records)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *output = NULL;
  GString *lines = g_string_new (NULL);
  gint fd, status = -1;
  gchar *argv[] = { (gchar *) PYTHON, (gchar *) VALIDATOR, (gchar *) SPEC,
    NULL, NULL
  };

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);
    g_autofree gchar *path_json = NULL;
    JsonNode *path_node;

    if (g_str_has_prefix (record->path, "/api/v1/"))
      continue;
    path_node = json_node_init_string (json_node_alloc (), record->path);
    path_json = json_to_string (path_node, FALSE);
    json_node_unref (path_node);
    g_string_append_printf (lines, "{\"path\": %s, \"body\": %s}\n",
        path_json, record->body);
  }
  if (lines->len == 0) {
    g_string_free (lines, TRUE);
    return;
  }
  fd = g_file_open_tmp ("mediaedge-bodies-XXXXXX.jsonl", &path, &error);
  fail_unless (fd >= 0);
  close (fd);
  fail_unless (g_file_set_contents (path, lines->str, lines->len, &error));
  g_string_free (lines, TRUE);

  argv[3] = path;
  fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
          NULL, NULL, &output, NULL, &status, &error), "%s",
      error ? error->message : "");
  g_unlink (path);
  fail_unless (g_spawn_check_wait_status (status, NULL),
      "bodies do not validate against media-edge.yaml:\n%s", output);
}

/* Validates what the server received, then frees all; the pipeline must
 * be stopped already. */
void
fixture_teardown (Fixture * f)
{
  fail_unless (f->pipeline == NULL, "the pipeline was not stopped");
  if (f->server) {
    g_autoptr (GPtrArray) records = edge_server_dup_records (f->server);

    if (records->len > 0)
      validate_bodies (records);
    edge_server_free (f->server);
  }
  remove_tree (f->state_dir);
  g_free (f->state_dir);
  g_free (f->endpoint);
  g_free (f);
}

/* An endpoint that takes connections and never answers: a listening
 * socket on which nobody accepts or reads */
GSocket *
listen_silently (gchar ** endpoint)
{
  g_autoptr (GInetAddress) loopback =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
      G_SOCKET_PROTOCOL_TCP, NULL);

  fail_unless (socket != NULL);
  fail_unless (g_socket_bind (socket, any_port, TRUE, NULL));
  fail_unless (g_socket_listen (socket, NULL));
  bound = g_socket_get_local_address (socket, NULL);
  *endpoint = g_strdup_printf ("http://127.0.0.1:%u/ee/va/v1",
      g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  return socket;
}

/* Waits until the server got @n requests, and counts them as waited for. */
void
wait_for_records (Fixture * f, guint n)
{
  fail_unless (edge_server_wait_for_records (f->server, n, WAIT_US),
      "the server got %u requests, not %u",
      edge_server_count_records (f->server), n);
  f->waited = MAX (f->waited, n);
}

/* Waits for the next request about @event after those waited for. */
void
wait_for_request (Fixture * f, const gchar * event)
{
  gint found = edge_server_wait_for_event (f->server, f->waited, event,
      WAIT_US);
  g_autofree gchar *text = NULL;

  if (found < 0) {
    text = received (f);
    fail ("no %s after the %u requests waited for: %s", event, f->waited, text);
  }
  f->waited = found + 1;
}

/* Opens the server's port again, after edge_server_take_down(): a new
 * server, which has received nothing yet. */
void
bring_server_up (Fixture * f, guint port)
{
  f->server = edge_server_new_threaded_on_port (port, NULL);
  fail_unless (f->server != NULL, "port %u taken meanwhile", port);
  f->waited = 0;
}

/* What the server received, e.g. "sessionStart 200, play 204" */
gchar *
received (Fixture * f)
{
  return edge_server_describe_records (f->server, NULL);
}

static guint
get_stat (GstElement * track, const gchar * field)
{
  g_autoptr (GstStructure) stats = NULL;
  guint value = 0;

  g_object_get (track, "stats", &stats, NULL);
  fail_unless (gst_structure_get_uint (stats, field, &value), "no %s", field);

  return value;
}

/* Waits until the @field of the element's stats reaches @value, and
 * returns it: the client thread counts in its own time. */
guint
wait_for_stat (GstElement * track, const gchar * field, guint value)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;
  guint current;

  while ((current = get_stat (track, field)) < value &&
      g_get_monotonic_time () < end)
    g_usleep (10 * 1000);

  return current;
}

/* What the server received, event by event: path, configId, eventType, one
 * session id for all, the playhead, the time since sessionStart. */
void
assert_received (Fixture * f, const Expected * expected, guint n,
    const gchar * config_id)
{
  g_autoptr (GPtrArray) records = NULL;
  EdgeRecord *start;

  wait_for_records (f, n);
  records = edge_server_dup_records (f->server);
  fail_unless_equals_int (records->len, n);
  start = g_ptr_array_index (records, 0);

  for (guint i = 0; i < n; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);
    g_autofree gchar *path = g_strdup_printf ("/ee/va/v1/%s",
        expected[i].event);

    fail_unless_equals_string (record->path, path);
    fail_unless_equals_string (record->event_type, expected[i].event);
    fail_unless_equals_string (record->config_id, config_id);
    fail_unless_equals_int (record->status, i == 0 ? 200 : 204);
    fail_unless_equals_string (record->session_id, start->session_id);
    fail_unless_equals_int64 (record->playhead, expected[i].playhead);
    fail_unless_equals_int64 (record->timestamp_ms - start->timestamp_ms,
        expected[i].offset_ms);
  }
}

GstElement *
make_tracker (Fixture * f, const gchar * config_id)
{
  GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);

  fail_unless (track != NULL);
  g_object_set (track, "state-dir", f->state_dir, "config-id", config_id,
      "endpoint", f->endpoint,
      "content-id", "VA API Sample Player", "content-name", "ClickMe",
      "length", 60, "channel", "sample-channel",
      "player-name", "sample-html5-api-player",
      "app-version", "va-api-0.0.0", NULL);

  return track;
}

/* @f's tracker reports to the Media Collection API of @f's server, for
 * the account of the tests, with no datastream id: none is needed */
void
use_collection_api (Fixture * f)
{
  g_autofree gchar *endpoint = g_strdup_printf ("http://127.0.0.1:%u/",
      edge_server_get_port (f->server));

  gst_util_set_object_arg (G_OBJECT (f->track), "api", "collection");
  g_object_set (f->track, "config-id", NULL, "endpoint", endpoint,
      "tracking-server", "ts.example.com", "report-suite", "rs-1",
      "visitor-id", "visitor-1", "org-id", "ORG@AdobeOrg", NULL);
}

void
make_pipeline (Fixture * f, const gchar * config_id)
{
  f->pipeline = gst_pipeline_new (NULL);
  f->track = make_tracker (f, config_id);
  f->sink = gst_element_factory_make ("fakesink", NULL);
  g_object_set (f->sink, "sync", FALSE, "async", FALSE, NULL);
  gst_bin_add_many (GST_BIN (f->pipeline), f->track, f->sink, NULL);
  fail_unless (gst_element_link (f->track, f->sink));
  f->src = gst_check_setup_src_pad (f->track, &src_template);
  f->clock = gst_test_clock_new ();
  gst_pipeline_use_clock (GST_PIPELINE (f->pipeline), f->clock);
}

/* Stops the pipeline and drops it: its element flushes what it has to
 * send on the way. */
void
stop_pipeline (Fixture * f)
{
  fail_unless_equals_int (gst_element_set_state (f->pipeline,
          GST_STATE_NULL), GST_STATE_CHANGE_SUCCESS);
  gst_pad_set_active (f->src, FALSE);
  gst_check_teardown_src_pad (f->track);
  gst_clear_object (&f->pipeline);
  gst_clear_object (&f->clock);
  f->track = f->sink = NULL;
  f->src = NULL;
}

void
set_state (Fixture * f, GstState state)
{
  fail_if (gst_element_set_state (f->pipeline, state) ==
      GST_STATE_CHANGE_FAILURE);
  fail_unless_equals_int (gst_element_get_state (f->pipeline, NULL, NULL,
          GST_CLOCK_TIME_NONE), GST_STATE_CHANGE_SUCCESS);
}

/* stream-start, @caps if given, a time segment */
void
start_stream (Fixture * f, GstCaps * caps)
{
  fail_unless (gst_pad_set_active (f->src, TRUE));
  gst_check_setup_events (f->src, f->track, caps, GST_FORMAT_TIME);
}

void
set_playhead (Fixture * f, guint seconds)
{
  GstBuffer *buffer = gst_buffer_new ();

  GST_BUFFER_PTS (buffer) = S (seconds);
  GST_BUFFER_DURATION (buffer) = GST_SECOND / 25;
  fail_unless_equals_int (gst_pad_push (f->src, buffer), GST_FLOW_OK);
}

void
post_buffering (Fixture * f, gint percent)
{
  gst_element_post_message (f->sink,
      gst_message_new_buffering (GST_OBJECT (f->sink), percent));
}

/* Waits for the next ping's clock wait, which must be due at @at. */
static void
wait_for_ping (Fixture * f, GstClockTime at)
{
  GstClockID id = NULL;

  gst_test_clock_wait_for_next_pending_id (GST_TEST_CLOCK (f->clock), &id);
  fail_unless_equals_uint64 (gst_clock_id_get_time (id), at);
  gst_clock_id_unref (id);
}

/* Waits for the next ping's clock wait, which must be due at @at, and
 * lets it fire. */
void
crank_ping (Fixture * f, GstClockTime at)
{
  wait_for_ping (f, at);
  fail_unless (gst_test_clock_crank (GST_TEST_CLOCK (f->clock)));
}

/* Plays on to the ping due at @seconds, and lets it fire there. The next
 * ping is armed only once this one has read the playhead, so waiting for
 * it first keeps the playhead from moving under the previous ping. */
void
play_to_ping (Fixture * f, guint seconds)
{
  wait_for_ping (f, S (seconds));
  set_playhead (f, seconds);
  fail_unless (gst_test_clock_crank (GST_TEST_CLOCK (f->clock)));
}

/* The structure of @message if it is the mediaedge-session message about
 * @event, or NULL */
static const GstStructure *
session_event_of (GstMessage * message, const gchar * event)
{
  const GstStructure *s = gst_message_get_structure (message);

  if (GST_MESSAGE_TYPE (message) != GST_MESSAGE_ELEMENT
      || !gst_structure_has_name (s, "mediaedge-session")
      || g_strcmp0 (gst_structure_get_string (s, "event"), event) != 0)
    return NULL;

  return s;
}

/* The next mediaedge-session message about @event, within 5 s, or NULL */
GstStructure *
pop_session_structure (GstElement * pipeline, const gchar * event)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  GstMessage *message;

  while ((message = gst_bus_timed_pop_filtered (bus, 5 * GST_SECOND,
              GST_MESSAGE_ELEMENT))) {
    const GstStructure *s = session_event_of (message, event);
    GstStructure *found = s ? gst_structure_copy (s) : NULL;

    gst_message_unref (message);
    if (found)
      return found;
  }

  return NULL;
}

/* The session id of the next mediaedge-session message about @event */
gchar *
pop_session_message (GstElement * pipeline, const gchar * event)
{
  g_autoptr (GstStructure) s = pop_session_structure (pipeline, event);

  return s ? g_strdup (gst_structure_get_string (s, "session-id")) : NULL;
}

static GstElement *
parse (const gchar * line)
{
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (line, &error);

  fail_unless (pipeline != NULL, "%s", error ? error->message : "");

  return pipeline;
}

/* Plays @pipeline until EOS, which must come within 10 s. With @ended,
 * also waits for the element's message that the session ended, and sets
 * it to the session id: that message may come before EOS or after, since
 * the element sees EOS before the sink does. */
static void
play_until_eos (GstElement * pipeline, gchar ** ended)
{
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  gboolean eos = FALSE;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  while (!eos || (ended && *ended == NULL)) {
    g_autoptr (GstMessage) message = gst_bus_timed_pop_filtered (bus,
        10 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR |
        GST_MESSAGE_ELEMENT);
    const GstStructure *s;

    fail_unless (message != NULL, eos ? "no ended message" : "no EOS");
    fail_if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR);
    if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_EOS)
      eos = TRUE;
    else if (ended && (s = session_event_of (message, "ended")))
      *ended = g_strdup (gst_structure_get_string (s, "session-id"));
  }
}

/* Runs @line to EOS. With @ended, also waits for the element's message
 * that the session ended. */
void
play_to_eos (const gchar * line, gchar ** ended)
{
  g_autoptr (GstElement) pipeline = parse (line);

  if (ended)
    *ended = NULL;
  play_until_eos (pipeline, ended);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}

/* ... and returns what the server received. */
GPtrArray *
run_to_eos (Fixture * f, const gchar * line, gchar ** ended)
{
  play_to_eos (line, ended);

  return edge_server_dup_records (f->server);
}

/* mediaCollection of a recorded body, as a JSON object to read fields of. */
JsonObject *
media_collection (EdgeRecord * record, JsonParser * parser)
{
  JsonObject *root;

  fail_unless (json_parser_load_from_data (parser, record->body, -1, NULL));
  root = json_node_get_object (json_parser_get_root (parser));
  return json_object_get_object_member (json_object_get_object_member
      (json_array_get_object_element (json_object_get_array_member (root,
                  "events"), 0), "xdm"), "mediaCollection");
}

/* Starts @track in a pipeline that must refuse to go to PAUSED, and returns
 * the error message it posted. */
GstMessage *
refused_start (GstElement * track)
{
  g_autoptr (GstElement) pipeline = gst_pipeline_new (NULL);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);
  GstMessage *error;

  gst_bin_add_many (GST_BIN (pipeline), track, sink, NULL);
  gst_element_link (track, sink);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_FAILURE);
  error = gst_bus_pop_filtered (bus, GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  fail_unless (error != NULL);
  return error;
}

/* Writes a two-second Matroska clip with @title and @toc, if given. */
gchar *
write_clip (const gchar * title, GstToc * toc)
{
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "my clip.mkv", NULL);
  g_autofree gchar *line = g_strdup_printf ("videotestsrc num-buffers=50 ! "
      "video/x-raw,framerate=25/1,width=64,height=48 ! taginject tags=%s%s ! "
      "jpegenc ! matroskamux name=mux ! filesink location=\"%s\"",
      title ? "title=" : "", title ? title : "\"\"", path);
  g_autoptr (GstElement) pipeline = parse (line);

  if (toc) {
    g_autoptr (GstElement) mux = gst_bin_get_by_name (GST_BIN (pipeline),
        "mux");

    gst_toc_setter_set_toc (GST_TOC_SETTER (mux), toc);
  }
  play_until_eos (pipeline, NULL);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return path;
}

void
remove_clip (gchar * path)
{
  g_autofree gchar *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
  g_free (path);
}

/* Removes the folder @path and what it holds */
void
remove_tree (const gchar * path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  while (dir && (name = g_dir_read_name (dir))) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    if (g_file_test (child, G_FILE_TEST_IS_DIR))
      remove_tree (child);
    else
      g_unlink (child);
  }
  g_rmdir (path);
}
