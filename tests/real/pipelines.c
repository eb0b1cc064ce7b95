/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The pipelines people run, in real time: gst-launch-1.0 lines and playbin
 * against the bundled edge server, what it receives checked event by event
 * (and every body against media-edge.yaml, at teardown). */

#include <signal.h>
#include <sys/prctl.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>

#include "fixture.h"

#define SECONDS_PER_DAY (24 * 60 * 60)

/* @text with every @word in it replaced by @with */
static gchar *
replace_word (const gchar * text, const gchar * word, const gchar * with)
{
  g_auto (GStrv) parts = g_strsplit (text, word, -1);

  return g_strjoinv (with, parts);
}

/* Runs gst-launch-1.0 with @args (shell words; TRACK stands for the
 * element with its properties) to its end, or sends it SIGINT after
 * @interrupt_ms; when, on the clock of the events' timestamps, in
 * @interrupted_at_ms. Returns what the server received. */
static GPtrArray *
launch_and_interrupt (Fixture * f, const gchar * args, guint interrupt_ms,
    gint64 * interrupted_at_ms)
{
  g_autofree gchar *track = g_strdup_printf ("mediaedgetrack "
      "config-id=real endpoint=%s", f->endpoint);
  g_autofree gchar *words = replace_word (args, "TRACK", track);
  g_autofree gchar *command = g_strdup_printf ("exec gst-launch-1.0 -q %s",
      words);
  g_autoptr (GError) error = NULL;
  g_autoptr (GSubprocess) run = g_subprocess_new (G_SUBPROCESS_FLAGS_NONE,
      &error, "sh", "-c", command, NULL);

  fail_unless (run != NULL, "%s", error ? error->message : "");
  if (interrupt_ms) {
    g_usleep (interrupt_ms * 1000);
    *interrupted_at_ms = g_get_real_time () / 1000;
    g_subprocess_send_signal (run, SIGINT);
  }
  fail_unless (g_subprocess_wait (run, NULL, &error));
  fail_unless (g_subprocess_get_if_exited (run), "%s", command);
  fail_unless_equals_int (g_subprocess_get_exit_status (run), 0);

  return edge_server_dup_records (f->server);
}

/* gst-launch-1.0 with @args, run to its end */
static GPtrArray *
launch (Fixture * f, const gchar * args)
{
  return launch_and_interrupt (f, args, 0, NULL);
}

static EdgeRecord *
record_at (GPtrArray * records, guint i)
{
  fail_unless (i < records->len);

  return g_ptr_array_index (records, i);
}

/* The event types received, in order, as one string. */
static gchar *
event_types (GPtrArray * records)
{
  GString *types = g_string_new (NULL);

  for (guint i = 0; i < records->len; i++)
    g_string_append_printf (types, "%s%s", i ? " " : "",
        record_at (records, i)->event_type);

  return g_string_free (types, FALSE);
}

static void
assert_events (GPtrArray * records, const gchar * expected)
{
  g_autofree gchar *types = event_types (records);

  fail_unless_equals_string (types, expected);
}

/* sessionDetails of the sessionStart at @i */
static JsonObject *
session_details (GPtrArray * records, guint i, JsonParser * parser)
{
  JsonObject *media = media_collection (record_at (records, i), parser);

  return json_object_get_object_member (media, "sessionDetails");
}

static void
assert_content (GPtrArray * records, const gchar * content_type, gint64 length)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *details = session_details (records, 0, parser);

  fail_unless_equals_string (json_object_get_string_member (details,
          "contentType"), content_type);
  fail_unless_equals_int64 (json_object_get_int_member (details, "length"),
      length);
}

/* On-demand playheads stay within the content; live ones are the second
 * of the day of the event's time, give or take a second. */
static void
assert_playheads (GPtrArray * records, gboolean live, gint64 up_to)
{
  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);
    gint64 day_second = record->timestamp_ms / 1000 % SECONDS_PER_DAY;

    if (live)
      fail_unless (ABS (record->playhead - day_second) <= 1,
          "%s: playhead %" G_GINT64_FORMAT " at second %" G_GINT64_FORMAT,
          record->event_type, record->playhead, day_second);
    else
      fail_unless (record->playhead >= 0 && record->playhead <= up_to,
          "%s: playhead %" G_GINT64_FORMAT, record->event_type,
          record->playhead);
  }
}


/* ms from the first @first event to the first @then event after it */
static gint64
ms_between (GPtrArray * records, const gchar * first, const gchar * then,
    guint nth)
{
  gint64 from = -1;

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);

    if (from < 0 && g_str_equal (record->event_type, first))
      from = record->timestamp_ms;
    else if (from >= 0 && g_str_equal (record->event_type, then) && !nth--)
      return record->timestamp_ms - from;
  }
  fail ("no %s after %s", then, first);

  return -1;
}

/* The end reported when the viewer saw it: @ms after play, within
 * 0.15 s. */
static void
assert_end_after_play (GPtrArray * records, gint64 ms)
{
  gint64 seen = ms_between (records, "play", "sessionComplete", 0);

  fail_unless (ABS (seen - ms) <= 150, "sessionComplete %" G_GINT64_FORMAT
      " ms after play, not %" G_GINT64_FORMAT, seen, ms);
}

/* The first @event stamped within 0.15 s of @ms (the time of day, in
 * ms, of the moment the viewer saw it). */
static void
assert_event_at (GPtrArray * records, const gchar * event, gint64 ms)
{
  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);

    if (g_str_equal (record->event_type, event)) {
      fail_unless (ABS (record->timestamp_ms - ms) <= 150,
          "%s stamped %" G_GINT64_FORMAT " ms from the moment seen",
          event, record->timestamp_ms - ms);
      return;
    }
  }
  fail ("no %s", event);
}

/* One session played to its end, with the content type and length
 * asked, and playheads as they should be. */
static void
assert_one_session (GPtrArray * records, const gchar * content_type,
    gint64 length)
{
  assert_events (records, "sessionStart play sessionComplete");
  assert_content (records, content_type, length);
  assert_playheads (records, g_str_equal (content_type, "Live"), length);
}

#define VOD_LINE "videotestsrc num-buffers=50 ! " \
  "video/x-raw,framerate=25/1,width=64,height=48 ! TRACK ! fakesink "

/* Two seconds of on-demand video into a syncing sink: VOD, whatever the
 * sink, with playheads from 0 (the README's first line). */
GST_START_TEST (test_vod_syncing_sink)
{
  Fixture *f = fixture_new ();
  g_autoptr (GPtrArray) records = launch (f, VOD_LINE "sync=true");

  assert_one_session (records, "VOD", 2);
  assert_end_after_play (records, 2000);
  fixture_teardown (f);
}

GST_END_TEST;

GST_START_TEST (test_vod_free_running_sink)
{
  Fixture *f = fixture_new ();
  g_autoptr (GPtrArray) records = launch (f, VOD_LINE "sync=false");

  assert_one_session (records, "VOD", 2);
  /* nothing waits for the clock: the end is reported as it passes */
  assert_end_after_play (records, 0);
  fixture_teardown (f);
}

GST_END_TEST;

#define LIVE_LINE "-e videotestsrc is-live=true ! " \
  "video/x-raw,framerate=25/1,width=64,height=48 ! TRACK ! fakesink "

/* A live source, whatever the sink: Live, a day long, the time of day as
 * playhead; Ctrl-C with -e ends the content (EOS). */
GST_START_TEST (test_live_syncing_sink)
{
  Fixture *f = fixture_new ();
  gint64 interrupted_at = 0;
  g_autoptr (GPtrArray) records = launch_and_interrupt (f,
      LIVE_LINE "sync=true", 2500, &interrupted_at);

  assert_one_session (records, "Live", 86400);
  assert_event_at (records, "sessionComplete", interrupted_at);
  fixture_teardown (f);
}

GST_END_TEST;

GST_START_TEST (test_live_free_running_sink)
{
  Fixture *f = fixture_new ();
  gint64 interrupted_at = 0;
  g_autoptr (GPtrArray) records = launch_and_interrupt (f,
      LIVE_LINE "sync=false", 2500, &interrupted_at);

  assert_one_session (records, "Live", 86400);
  assert_event_at (records, "sessionComplete", interrupted_at);
  fixture_teardown (f);
}

GST_END_TEST;

/* Ctrl-C without -e: the viewer left before the end, sessionEnd. */
GST_START_TEST (test_interrupted_without_eos)
{
  Fixture *f = fixture_new ();
  gint64 interrupted_at = 0;
  g_autoptr (GPtrArray) records = launch_and_interrupt (f,
      "videotestsrc is-live=true ! TRACK ! fakesink sync=true", 2500,
      &interrupted_at);

  assert_events (records, "sessionStart play sessionEnd");
  assert_content (records, "Live", 86400);
  assert_playheads (records, TRUE, 86400);
  assert_event_at (records, "sessionEnd", interrupted_at);
  fixture_teardown (f);
}

GST_END_TEST;

/* The same line reporting to the legacy Media Collection API, which the
 * local server speaks at its root: one session, sessionStart's mandatory
 * parameters, every later event under the session the 201's Location
 * named, the end when the viewer saw it. */
GST_START_TEST (test_vod_to_collection_api)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *args = g_strdup_printf ("videotestsrc num-buffers=50 ! "
      "video/x-raw,framerate=25/1,width=64,height=48 ! mediaedgetrack "
      "api=collection endpoint=http://127.0.0.1:%u tracking-server=ts "
      "report-suite=rs visitor-id=v org-id=o ! fakesink sync=true",
      edge_server_get_port (f->server));
  g_autoptr (GPtrArray) records = launch (f, args);
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree gchar *events_path = NULL;
  JsonObject *params;

  assert_events (records, "sessionStart play sessionComplete");
  fail_unless_equals_string (record_at (records, 0)->path, "/api/v1/sessions");
  events_path = g_strdup_printf ("/api/v1/sessions/%s/events",
      record_at (records, 0)->session_id);
  for (guint i = 1; i < records->len; i++)
    fail_unless_equals_string (record_at (records, i)->path, events_path);
  fail_unless (json_parser_load_from_data (parser,
          record_at (records, 0)->body, -1, NULL));
  params = json_object_get_object_member (json_node_get_object
      (json_parser_get_root (parser)), "params");
  fail_unless_equals_string (json_object_get_string_member (params,
          "media.contentType"), "VOD");
  fail_unless_equals_int64 (json_object_get_int_member (params,
          "media.length"), 2);
  assert_playheads (records, FALSE, 2);
  assert_end_after_play (records, 2000);
  fixture_teardown (f);
}

GST_END_TEST;

/* A media file the test writes with @encode_line (ending in a muxer into
 * filesink location=PATH). */
static gchar *
write_media (const gchar * name, const gchar * encode_line)
{
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-real-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, name, NULL);
  g_autofree gchar *line = replace_word (encode_line, "PATH", path);

  play_to_eos (line, NULL);

  return path;
}

/* playbin with both filters set, as the README says to: one session for
 * the film, the audio track's tracker joining the video's or the other
 * way round. */
#define PLAYBIN_BOTH_FILTERS "playbin uri=file://%s " \
  "audio-filter=\"TRACK\" video-filter=\"TRACK\" " \
  "audio-sink=\"fakesink sync=true\" video-sink=\"fakesink sync=true\""

static GPtrArray *
play_file_with_both_filters (Fixture * f, const gchar * path)
{
  g_autofree gchar *args = g_strdup_printf (PLAYBIN_BOTH_FILTERS, path);

  return launch (f, args);
}

GST_START_TEST (test_playbin_both_filters_one_session)
{
  Fixture *f = fixture_new ();
  gchar *path = write_media ("film.mkv", "videotestsrc num-buffers=50 ! "
      "video/x-raw,width=64,height=48,framerate=25/1 ! vp8enc deadline=1 ! "
      "queue ! mux. audiotestsrc num-buffers=86 ! audio/x-raw,rate=44100 ! "
      "vorbisenc ! queue ! mux. matroskamux name=mux ! "
      "filesink location=\"PATH\"");
  g_autoptr (GPtrArray) records = play_file_with_both_filters (f, path);
  g_autoptr (JsonParser) parser = json_parser_new ();

  assert_events (records, "sessionStart play sessionComplete");
  assert_content (records, "VOD", 2);
  fail_unless_equals_string (json_object_get_string_member (session_details
          (records, 0, parser), "name"), "film.mkv");
  assert_end_after_play (records, 2000);
  assert_playheads (records, FALSE, 2);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* Audio-only content: the video filter is never used, the audio one
 * reports. */
GST_START_TEST (test_playbin_audio_only)
{
  Fixture *f = fixture_new ();
  gchar *path = write_media ("song.mka", "audiotestsrc num-buffers=86 ! "
      "audio/x-raw,rate=44100 ! vorbisenc ! matroskamux ! "
      "filesink location=\"PATH\"");
  g_autoptr (GPtrArray) records = play_file_with_both_filters (f, path);

  assert_events (records, "sessionStart play sessionComplete");
  assert_content (records, "VOD", 2);
  assert_end_after_play (records, 2000);
  assert_playheads (records, FALSE, 2);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* playbin in this process, the tracker as its video filter, syncing
 * sinks. */
static GstElement *
make_playbin (Fixture * f, const gchar * path)
{
  GstElement *playbin = gst_element_factory_make ("playbin", NULL);
  GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);
  GstElement *video_sink = gst_element_factory_make ("fakesink", NULL);
  g_autofree gchar *uri = gst_filename_to_uri (path, NULL);

  fail_unless (playbin != NULL && track != NULL);
  g_object_set (track, "config-id", "real", "endpoint", f->endpoint, NULL);
  g_object_set (video_sink, "sync", TRUE, NULL);
  g_object_set (playbin, "uri", uri, "video-filter", track,
      "video-sink", video_sink, "audio-sink",
      gst_element_factory_make ("fakesink", NULL), NULL);
  g_object_set (playbin, "flags", 0x1, NULL);

  return playbin;
}

static GstMessage *
pop_end (GstBus * bus)
{
  GstMessage *end = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);

  fail_unless (end && GST_MESSAGE_TYPE (end) == GST_MESSAGE_EOS);

  return end;
}

static GstToc *
two_chapters (void)
{
  GstToc *toc = gst_toc_new (GST_TOC_SCOPE_GLOBAL);
  GstTocEntry *edition = gst_toc_entry_new (GST_TOC_ENTRY_TYPE_EDITION, "e");

  for (guint i = 0; i < 2; i++) {
    g_autofree gchar *uid = g_strdup_printf ("c%u", i + 1);
    GstTocEntry *chapter = gst_toc_entry_new (GST_TOC_ENTRY_TYPE_CHAPTER, uid);

    gst_toc_entry_set_start_stop_times (chapter, S (i), S (i + 1));
    gst_toc_entry_append_sub_entry (edition, chapter);
  }
  gst_toc_append_entry (toc, edition);

  return toc;
}

/* what a two-chapter clip sends, played through */
#define CHAPTERED_ITEM "sessionStart play chapterStart chapterComplete " \
  "chapterStart chapterComplete sessionComplete"



/* The records of each session, in the order the sessions started: the
 * sessions of a playlist are independent queues that may interleave on
 * the wire. */
static GPtrArray *
split_sessions (GPtrArray * records)
{
  GPtrArray *sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      g_ptr_array_unref);

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);
    GPtrArray *session = NULL;

    for (guint j = 0; j < sessions->len && !session; j++) {
      GPtrArray *candidate = g_ptr_array_index (sessions, j);

      if (g_strcmp0 (record_at (candidate, 0)->session_id,
              record->session_id) == 0)
        session = candidate;
    }
    if (session == NULL) {
      session = g_ptr_array_new ();
      g_ptr_array_add (sessions, session);
    }
    g_ptr_array_add (session, record);
  }

  return sessions;
}

/* Each of @n sessions sends @events, under its own name, from playhead 0
 * to its own end at 2 (where its last frame ends), and ends two seconds
 * (as the viewer saw them) after its play. */
static void
assert_items (GPtrArray * records, const gchar * const *names, guint n,
    const gchar * events)
{
  g_autoptr (GPtrArray) sessions = split_sessions (records);

  fail_unless_equals_int (sessions->len, n);
  for (guint i = 0; i < n; i++) {
    GPtrArray *session = g_ptr_array_index (sessions, i);
    g_autoptr (JsonParser) parser = json_parser_new ();

    assert_events (session, events);
    fail_unless_equals_string (json_object_get_string_member
        (session_details (session, 0, parser), "name"), names[i]);
    fail_unless_equals_int64 (record_at (session, 0)->playhead, 0);
    fail_unless_equals_int64 (record_at (session, 1)->playhead, 0);
    /* each item from its own start to its own end, which the viewer saw
     * two seconds after its play */
    assert_playheads (session, FALSE, 2);
    fail_unless_equals_int64 (record_at (session, session->len - 1)->playhead,
        2);
    assert_end_after_play (session, 2000);
  }
}

typedef struct
{
  gchar **paths;
  guint next;
} Playlist;

static void
on_about_to_finish (GstElement * playbin, Playlist * playlist)
{
  g_autofree gchar *uri = NULL;

  if (playlist->paths[playlist->next] == NULL)
    return;
  uri = gst_filename_to_uri (playlist->paths[playlist->next++], NULL);
  g_object_set (playbin, "uri", uri, NULL);
}

/* A signage loop through three files, gapless (about-to-finish): three
 * sessions, each under its own title, each from 0 to its own end. */
GST_START_TEST (test_gapless_playlist)
{
  const gchar *titles[] = { "First", "Second", "Third" };
  gchar *paths[G_N_ELEMENTS (titles) + 1] = { NULL, };
  Playlist playlist = { paths, 1 };
  Fixture *f = fixture_new ();
  g_autoptr (GstElement) playbin = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++) {
    g_autoptr (GstToc) toc = two_chapters ();

    paths[i] = write_clip (titles[i], toc);
  }
  playbin = make_playbin (f, paths[0]);
  g_signal_connect (playbin, "about-to-finish",
      G_CALLBACK (on_about_to_finish), &playlist);
  bus = gst_element_get_bus (playbin);
  gst_element_set_state (playbin, GST_STATE_PLAYING);
  end = pop_end (bus);
  gst_element_set_state (playbin, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  assert_items (records, titles, G_N_ELEMENTS (titles), CHAPTERED_ITEM);
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    remove_clip (paths[i]);
  fixture_teardown (f);
}

GST_END_TEST;

/* A tracker for playbin's @filter property */
static void
set_filter (Fixture * f, GstElement * playbin, const gchar * filter)
{
  GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);

  g_object_set (track, "config-id", "real", "endpoint", f->endpoint, NULL);
  g_object_set (playbin, filter, track, NULL);
}

/* Both filters set, an audio-only item then a video-only one, gapless:
 * playsink takes the audio branch, whose tracker reported, away at the
 * switch; the video branch's tracker, which had joined it, reports the
 * video item from then on, under its own name, to its end. */
GST_START_TEST (test_playlist_from_audio_to_video)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *song = write_media ("song.ogg", "audiotestsrc num-buffers=86 ! "
      "audio/x-raw,rate=44100 ! vorbisenc ! oggmux ! "
      "filesink location=\"PATH\"");
  gchar *clip = write_clip ("Clip", toc);
  gchar *paths[] = { song, clip, NULL };
  Playlist playlist = { paths, 1 };
  Fixture *f = fixture_new ();
  g_autoptr (GstElement) playbin = make_playbin (f, song);
  g_autoptr (GstBus) bus = gst_element_get_bus (playbin);
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  GPtrArray *video;

  set_filter (f, playbin, "audio-filter");
  g_object_set (playbin, "flags", 0x3, NULL);
  g_signal_connect (playbin, "about-to-finish",
      G_CALLBACK (on_about_to_finish), &playlist);
  /* playbin (1.22) at the switch may take away the audio item's
   * input-selector without setting it to NULL, and the message it last
   * posted holds it: disposed when popped, not ours to fix */
  gst_check_add_log_filter ("GStreamer",
      G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING,
      g_regex_new ("dispose element inputselector", 0, 0, NULL), NULL, NULL,
      NULL);
  gst_element_set_state (playbin, GST_STATE_PLAYING);
  end = pop_end (bus);
  gst_element_set_state (playbin, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  sessions = split_sessions (records);
  fail_unless_equals_int (sessions->len, 2);
  fail_unless_equals_string (json_object_get_string_member (session_details
          (g_ptr_array_index (sessions, 0), 0, parser), "name"), "song.ogg");
  video = g_ptr_array_index (sessions, 1);
  assert_events (video, CHAPTERED_ITEM);
  fail_unless_equals_string (json_object_get_string_member (session_details
          (video, 0, parser), "name"), "Clip");
  fail_unless_equals_int64 (record_at (video, video->len - 1)->playhead, 2);
  gst_check_clear_log_filter ();
  remove_clip (song);
  remove_clip (clip);
  fixture_teardown (f);
}

GST_END_TEST;

/* A kiosk looping one file by seeking back to 0 at each end: a session a
 * round. */
GST_START_TEST (test_seek_back_loop)
{
  const gchar *names[] = { "Loop", "Loop", "Loop" };
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *path = write_clip ("Loop", toc);
  Fixture *f = fixture_new ();
  g_autoptr (GstElement) playbin = make_playbin (f, path);
  g_autoptr (GstBus) bus = gst_element_get_bus (playbin);
  g_autoptr (GPtrArray) records = NULL;

  gst_element_set_state (playbin, GST_STATE_PLAYING);
  for (guint round = 0; round < G_N_ELEMENTS (names); round++) {
    gst_message_unref (pop_end (bus));
    if (round + 1 < G_N_ELEMENTS (names))
      fail_unless (gst_element_seek_simple (playbin, GST_FORMAT_TIME,
              GST_SEEK_FLAG_FLUSH, 0));
  }
  gst_element_set_state (playbin, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  assert_items (records, names, G_N_ELEMENTS (names), CHAPTERED_ITEM);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;



/* In playbin, what is born in the data flow is reported when the viewer
 * sees it, not when it passes the filter half a second ahead of the
 * sink: chapter bounds at 1 s and 2 s of play, the end at 2 s. */
GST_START_TEST (test_playbin_chapters_when_rendered)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *path = write_clip ("Chapters", toc);
  Fixture *f = fixture_new ();
  g_autoptr (GstElement) playbin = make_playbin (f, path);
  g_autoptr (GstBus) bus = gst_element_get_bus (playbin);
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;

  gst_element_set_state (playbin, GST_STATE_PLAYING);
  end = pop_end (bus);
  gst_element_set_state (playbin, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  assert_events (records, "sessionStart play chapterStart chapterComplete "
      "chapterStart chapterComplete sessionComplete");
  fail_unless (ABS (ms_between (records, "play", "chapterComplete", 0) -
          1000) <= 150, "%" G_GINT64_FORMAT " ms",
      ms_between (records, "play", "chapterComplete", 0));
  fail_unless (ABS (ms_between (records, "play", "sessionComplete", 0) -
          2000) <= 150, "%" G_GINT64_FORMAT " ms",
      ms_between (records, "play", "sessionComplete", 0));
  assert_playheads (records, FALSE, 2);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* The time of the first @event after the @nth @after (0: the first) */
static gint64
time_of_after (GPtrArray * records, const gchar * event, const gchar * after,
    guint nth)
{
  gboolean seen = FALSE;

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);

    if (!seen && g_str_equal (record->event_type, after) && !nth--)
      seen = TRUE;
    else if (seen && g_str_equal (record->event_type, event))
      return record->timestamp_ms;
  }
  fail ("no %s after %s", event, after);

  return -1;
}

/* A pause stops the sinks: a chapter bound and the end that passed the
 * element, a queue ahead of the sink, before the pause are reported when
 * the viewer sees them after it, never while paused. Half a second of
 * play, a second of pause, then the bound at 1 s of content and the end
 * at 2 s. */
GST_START_TEST (test_pause_holds_what_passed)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *path = write_clip ("Paused", toc);
  Fixture *f = fixture_new ();
  g_autofree gchar *line = g_strdup_printf ("filesrc location=\"%s\" ! "
      "matroskademux ! mediaedgetrack config-id=real endpoint=%s ! queue ! "
      "fakesink sync=true", path, f->endpoint);
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, NULL);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;
  gint64 resumed;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  fail_unless_equals_int (gst_element_get_state (pipeline, NULL, NULL,
          10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  g_usleep (500 * 1000);
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  g_usleep (1000 * 1000);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  end = pop_end (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  assert_events (records, "sessionStart play chapterStart pauseStart play "
      "chapterComplete chapterStart chapterComplete sessionComplete");
  resumed = time_of_after (records, "play", "pauseStart", 0);
  assert_event_at (records, "chapterComplete", resumed + 500);
  fail_unless (ABS (time_of_after (records, "sessionComplete", "pauseStart",
              0) - (resumed + 1500)) <= 150);
  assert_playheads (records, FALSE, 2);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

static gboolean emit_details_on (GstElement * track, const gchar * signal,
    const gchar * details);

static gboolean
emit_on (GstElement * pipeline, const gchar * signal, const gchar * details)
{
  g_autoptr (GstElement) track = gst_bin_get_by_name (GST_BIN (pipeline),
      "track");

  return emit_details_on (track, signal, details);
}

/* A pre-roll stitched into the stream, as a player tells it: the break
 * and its ad opened before the pipeline plays, complete after the first
 * second. play comes at the break's end, at content playhead 0; the end
 * 3.52 s into the stream is the content's 2.5 s. */
GST_START_TEST (test_preroll_ad_before_playing)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *line = g_strdup_printf ("videotestsrc num-buffers=88 ! "
      "video/x-raw,framerate=25/1,width=64,height=48 ! mediaedgetrack "
      "name=track config-id=real endpoint=%s ! fakesink sync=true",
      f->endpoint);
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, NULL);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;
  gint64 ad_end = -1;

  fail_unless (emit_on (pipeline, "ad-break-start", "pod, index=0, "
          "offset=0, friendlyName=Pre-roll"));
  fail_unless (emit_on (pipeline, "ad-start", "ad, name=(string)a1, "
          "length=1, podPosition=1"));
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  fail_unless_equals_int (gst_element_get_state (pipeline, NULL, NULL,
          10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  g_usleep (1000 * 1000);
  fail_unless (emit_on (pipeline, "ad-complete", NULL));
  fail_unless (gst_element_query_position (pipeline, GST_FORMAT_TIME, &ad_end));
  fail_unless (emit_on (pipeline, "ad-break-complete", NULL));
  end = pop_end (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  assert_events (records, "sessionStart adBreakStart adStart adComplete "
      "adBreakComplete play sessionComplete");
  fail_unless_equals_int64 (record_at (records, 5)->playhead, 0);
  fail_unless_equals_int64 (record_at (records, 6)->playhead, 2);
  fail_unless (ABS (ms_between (records, "adStart", "play", 0) - 1000) <= 150,
      "%" G_GINT64_FORMAT " ms", ms_between (records, "adStart", "play", 0));
  fail_unless (ABS (ms_between (records, "play", "sessionComplete", 0) -
          (3520 - ad_end / GST_MSECOND)) <= 150, "%" G_GINT64_FORMAT " ms",
      ms_between (records, "play", "sessionComplete", 0));
  fixture_teardown (f);
}

GST_END_TEST;

/* The FPID of the sessionStart at @i, or NULL */
static gchar *
fpid_at (GPtrArray * records, guint i)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *xdm;

  fail_unless (json_parser_load_from_data (parser, record_at (records,
              i)->body, -1, NULL));
  xdm = json_object_get_object_member (json_array_get_object_element
      (json_object_get_array_member (json_node_get_object
              (json_parser_get_root (parser)), "events"), 0), "xdm");
  if (!json_object_has_member (xdm, "identityMap"))
    return NULL;

  return g_strdup (json_object_get_string_member
      (json_array_get_object_element (json_object_get_array_member
              (json_object_get_object_member (xdm, "identityMap"), "FPID"),
              0), "id"));
}

/* A device is one visitor across runs: a second gst-launch-1.0 with the
 * same state-dir sends the first one's FPID and the client state the
 * service handed it, to the cluster it named. */
GST_START_TEST (test_identity_across_processes)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-real-XXXXXX", NULL);
  g_autofree gchar *line = g_strdup_printf ("videotestsrc num-buffers=10 ! "
      "TRACK fpid=auto state-dir=%s ! fakesink sync=true", dir);
  g_autoptr (GPtrArray) first_run = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *fpid = NULL;
  g_autofree gchar *fpid_again = NULL;
  g_autofree gchar *device_file = g_build_filename (dir, "device.ini", NULL);

  edge_server_set_client_state (f->server, "{\"type\": \"state:store\", "
      "\"payload\": [{\"key\": \"kndctr_ORG_AdobeOrg_identity\", "
      "\"value\": \"CiY0\", \"maxAge\": 3600}]}, {\"type\": "
      "\"locationHint:result\", \"payload\": [{\"scope\": \"EdgeNetwork\", "
      "\"hint\": \"or2\", \"ttlSeconds\": 3600}]}");
  first_run = launch (f, line);
  assert_events (first_run, "sessionStart play sessionComplete");
  records = launch (f, line);
  assert_events (records, "sessionStart play sessionComplete "
      "sessionStart play sessionComplete");

  fpid = fpid_at (records, 0);
  fpid_again = fpid_at (records, 3);
  fail_unless (g_uuid_string_is_valid (fpid));
  fail_unless_equals_string (fpid_again, fpid);
  fail_unless (record_at (records, 0)->location_hint == NULL);
  fail_unless_equals_string (record_at (records, 3)->location_hint, "or2");
  fail_unless (strstr (record_at (records, 3)->body,
          "\"meta\":{\"state\":{\"entries\":[{\"key\":"
          "\"kndctr_ORG_AdobeOrg_identity\",\"value\":\"CiY0\"}]}}") != NULL,
      "%s", record_at (records, 3)->body);
  fail_unless (g_file_test (device_file, G_FILE_TEST_EXISTS));
  fixture_teardown (f);
  remove_tree (dir);
}

GST_END_TEST;

static gboolean
emit_details_on (GstElement * track, const gchar * signal,
    const gchar * details)
{
  g_autoptr (GstStructure) structure = details ?
      gst_structure_from_string (details, NULL) : NULL;
  gboolean accepted = FALSE;

  if (structure)
    g_signal_emit_by_name (track, signal, structure, &accepted);
  else
    g_signal_emit_by_name (track, signal, &accepted);

  return accepted;
}

static GstElement *
syncing_sink (void)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", TRUE, NULL);

  return sink;
}

/* playbin with both filters: the application cannot know which of the
 * two will report, and opens a pre-roll on either before playing; it
 * reaches the session all the same, and the break ends where the other
 * filter is told. */
GST_START_TEST (test_playbin_preroll_on_either_filter)
{
  gchar *path = write_media ("film.mkv", "videotestsrc num-buffers=50 ! "
      "video/x-raw,width=64,height=48,framerate=25/1 ! vp8enc deadline=1 ! "
      "queue ! mux. audiotestsrc num-buffers=86 ! audio/x-raw,rate=44100 ! "
      "vorbisenc ! queue ! mux. matroskamux name=mux ! "
      "filesink location=\"PATH\"");
  g_autofree gchar *uri = gst_filename_to_uri (path, NULL);

  for (guint opened_on = 0; opened_on < 2; opened_on++) {
    Fixture *f = fixture_new ();
    GstElement *filters[2];
    g_autoptr (GstElement) playbin = gst_element_factory_make ("playbin", NULL);
    g_autoptr (GstBus) bus = gst_element_get_bus (playbin);
    g_autoptr (GstMessage) end = NULL;
    g_autoptr (GPtrArray) records = NULL;

    for (guint i = 0; i < 2; i++) {
      filters[i] = gst_element_factory_make ("mediaedgetrack", NULL);
      g_object_set (filters[i], "config-id", "real", "endpoint", f->endpoint,
          NULL);
    }
    g_object_set (playbin, "uri", uri, "audio-filter", filters[0],
        "video-filter", filters[1], "audio-sink", syncing_sink (),
        "video-sink", syncing_sink (), "flags", 0x3, NULL);
    fail_unless (emit_details_on (filters[opened_on], "ad-break-start",
            "pod, index=0, offset=0"));
    fail_unless (emit_details_on (filters[opened_on], "ad-start",
            "ad, name=(string)a1, length=1, podPosition=1"));
    gst_element_set_state (playbin, GST_STATE_PLAYING);
    fail_unless_equals_int (gst_element_get_state (playbin, NULL, NULL,
            10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
    g_usleep (500 * 1000);
    fail_unless (emit_details_on (filters[1 - opened_on], "ad-complete", NULL));
    fail_unless (emit_details_on (filters[1 - opened_on],
            "ad-break-complete", NULL));
    end = pop_end (bus);
    gst_element_set_state (playbin, GST_STATE_NULL);

    records = edge_server_dup_records (f->server);
    assert_events (records, "sessionStart adBreakStart adStart adComplete "
        "adBreakComplete play sessionComplete");
    fixture_teardown (f);
  }
  remove_clip (path);
}

GST_END_TEST;

/* The chaptered clip at @path, the tracker before a queue */
static GstElement *
clip_before_queue (Fixture * f, const gchar * path)
{
  g_autofree gchar *line = g_strdup_printf ("filesrc location=\"%s\" ! "
      "matroskademux ! mediaedgetrack config-id=real endpoint=%s ! queue ! "
      "fakesink sync=true", path, f->endpoint);
  GstElement *pipeline = gst_parse_launch (line, NULL);

  fail_unless (pipeline != NULL);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  fail_unless_equals_int (gst_element_get_state (pipeline, NULL, NULL,
          10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);

  return pipeline;
}

/* Stopped at 1.7 s of two, the end already in the queue after the
 * element: the viewer left before the end, sessionEnd where playback
 * stood, not sessionComplete where the stream had passed. */
GST_START_TEST (test_stop_before_the_end_rendered)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *path = write_clip ("Stopped", toc);
  Fixture *f = fixture_new ();
  g_autoptr (GstElement) pipeline = clip_before_queue (f, path);
  g_autoptr (GPtrArray) records = NULL;

  g_usleep (1700 * 1000);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  assert_events (records, "sessionStart play chapterStart chapterComplete "
      "chapterStart sessionEnd");
  fail_unless_equals_int64 (record_at (records, 5)->playhead, 1);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* A flushing seek while the queue after the element holds what passed:
 * the same session goes on from the new position, its next chapter bound
 * reported when rendered, the end at 2 s; nothing that was flushed away
 * is reported. */
GST_START_TEST (test_seek_with_a_queue_after)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *path = write_clip ("Seeked", toc);
  Fixture *f = fixture_new ();
  g_autoptr (GstElement) pipeline = clip_before_queue (f, path);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  gint64 resumed;

  g_usleep (300 * 1000);
  fail_unless (gst_element_seek_simple (pipeline, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, 500 * GST_MSECOND));
  end = pop_end (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  sessions = split_sessions (records);
  fail_unless_equals_int (sessions->len, 1);
  assert_events (records, "sessionStart play chapterStart pauseStart play "
      "chapterComplete chapterStart chapterComplete sessionComplete");
  resumed = time_of_after (records, "play", "pauseStart", 0);
  assert_event_at (records, "chapterComplete", resumed + 500);
  fail_unless_equals_int64 (record_at (records, records->len - 1)->playhead, 2);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* Chapters into a sink that does not sync: the whole file passes at
 * once, and every chapter bound is reported as it passes, in order, none
 * lost, each at its own playhead. */
GST_START_TEST (test_chapters_free_running_sink)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *path = write_clip ("Fast", toc);
  Fixture *f = fixture_new ();
  g_autofree gchar *args = g_strdup_printf ("filesrc location=\"%s\" ! "
      "matroskademux ! TRACK ! fakesink sync=false", path);
  g_autoptr (GPtrArray) records = launch (f, args);
  /* play from where the pipeline prerolled, though the stream has run on
   * by the time it says it plays */
  const gint64 playheads[] = { 0, 0, 0, 1, 1, 2, 2 };

  assert_events (records, CHAPTERED_ITEM);
  for (guint i = 0; i < G_N_ELEMENTS (playheads); i++)
    fail_unless_equals_int64 (record_at (records, i)->playhead, playheads[i]);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* gst-launch-1.0 @args, PATH in them a two-second chaptered clip */
static GPtrArray *
launch_with_clip (Fixture * f, const gchar * args_with_path, gchar ** path)
{
  g_autoptr (GstToc) toc = two_chapters ();
  g_autofree gchar *args = NULL;

  *path = write_clip ("Clip", toc);
  args = replace_word (args_with_path, "PATH", *path);

  return launch (f, args);
}

/* The content's length is its own, asked upstream of the element: a
 * branch beside it that never ends (a live source) makes the pipeline's
 * duration unknown, not the clip's. */
GST_START_TEST (test_length_beside_an_endless_branch)
{
  Fixture *f = fixture_new ();
  gchar *path = NULL;
  g_autoptr (GPtrArray) records = launch_with_clip (f, "filesrc "
      "location=\"PATH\" ! matroskademux ! TRACK ! fakesink sync=true "
      "audiotestsrc num-buffers=120 ! fakesink sync=true", &path);

  assert_events (records, CHAPTERED_ITEM);
  assert_content (records, "VOD", 2);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* Before a demuxer that pulls its data no EOS passes the element: the
 * pipeline's end is the content's, complete at its end. */
GST_START_TEST (test_before_a_pulling_demuxer)
{
  Fixture *f = fixture_new ();
  gchar *path = NULL;
  g_autoptr (GPtrArray) records = launch_with_clip (f, "filesrc "
      "location=\"PATH\" ! TRACK ! matroskademux ! fakesink sync=true", &path);

  assert_events (records, "sessionStart play sessionComplete");
  fail_unless_equals_int64 (record_at (records, 2)->playhead, 2);
  assert_end_after_play (records, 2000);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* Before a pulling demuxer the element sees bytes pulled, not times: the
 * data flowing all the same, a longer content is no stall. 12 s, pings
 * every 10 s, idle-timeout 5 s: one ping, and the content completes in
 * the one session. */
GST_START_TEST (test_pulled_data_is_no_stall)
{
  Fixture *f = fixture_new ();
  gchar *path = write_media ("long.mkv", "videotestsrc num-buffers=300 ! "
      "video/x-raw,width=64,height=48,framerate=25/1 ! vp8enc deadline=1 ! "
      "matroskamux ! filesink location=\"PATH\"");
  g_autofree gchar *line = g_strdup_printf ("filesrc location=\"%s\" ! "
      "TRACK idle-timeout=5 ! matroskademux ! fakesink sync=true", path);
  g_autoptr (GPtrArray) records = launch (f, line);

  assert_events (records, "sessionStart play ping sessionComplete");
  fail_unless_equals_int64 (record_at (records, 3)->playhead, 12);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* At twice the speed, the content still ends at its end: 2 s. */
GST_START_TEST (test_end_at_double_rate)
{
  g_autoptr (GstToc) toc = two_chapters ();
  gchar *path = write_clip ("Fast", toc);
  Fixture *f = fixture_new ();
  g_autoptr (GstElement) playbin = make_playbin (f, path);
  g_autoptr (GstBus) bus = gst_element_get_bus (playbin);
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;

  gst_element_set_state (playbin, GST_STATE_PAUSED);
  fail_unless_equals_int (gst_element_get_state (playbin, NULL, NULL,
          10 * GST_SECOND), GST_STATE_CHANGE_SUCCESS);
  fail_unless (gst_element_seek (playbin, 2.0, GST_FORMAT_TIME,
          GST_SEEK_FLAG_FLUSH, GST_SEEK_TYPE_SET, 0, GST_SEEK_TYPE_NONE, 0));
  gst_element_set_state (playbin, GST_STATE_PLAYING);
  end = pop_end (bus);
  gst_element_set_state (playbin, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  fail_unless_equals_string (record_at (records, records->len - 1)->event_type,
      "sessionComplete");
  fail_unless_equals_int64 (record_at (records, records->len - 1)->playhead, 2);
  assert_end_after_play (records, 1000);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* A throttled local HTTP server for @path; its port in @port. */
static GSubprocess *
serve_slowly (const gchar * path, guint * port)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *line = NULL;
  GSubprocess *server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE,
      &error, PYTHON, THROTTLED_SERVER, path, "60000", "15000", NULL);
  g_autoptr (GDataInputStream) out = NULL;

  fail_unless (server != NULL, "%s", error ? error->message : "");
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  fail_unless (line != NULL, "%s", error ? error->message : "");
  *port = atoi (line);

  return server;
}

/* The time, in ms, spent playing: from each play to the next event that
 * ends it (pings go on while playing). */
static gint64
ms_playing (GPtrArray * records)
{
  gint64 played = 0, since = -1;

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);

    if (g_str_equal (record->event_type, "ping"))
      continue;
    if (since >= 0)
      played += record->timestamp_ms - since;
    since = g_str_equal (record->event_type, "play") ?
        record->timestamp_ms : -1;
  }

  return played;
}

/* A file over a slow link: playbin underruns, gst-launch-1.0 pauses it
 * while it buffers and plays it again at 100 %, which reads bufferStart,
 * play; never pauseStart. */
GST_START_TEST (test_playbin_over_slow_http)
{
  gchar *path = write_media ("slow.mkv", "videotestsrc num-buffers=100 ! "
      "video/x-raw,width=320,height=240,framerate=25/1 ! vp8enc deadline=1 "
      "target-bitrate=400000 ! matroskamux ! filesink location=\"PATH\"");
  Fixture *f = fixture_new ();
  guint port = 0;
  g_autoptr (GSubprocess) server = serve_slowly (path, &port);
  g_autofree gchar *args = g_strdup_printf ("playbin "
      "uri=http://127.0.0.1:%u/slow.mkv video-filter=\"TRACK\" "
      "video-sink=\"fakesink sync=true\" audio-sink=fakesink", port);
  g_autoptr (GPtrArray) records = launch (f, args);
  g_autofree gchar *types = event_types (records);

  g_subprocess_force_exit (server);
  fail_unless (g_str_has_prefix (types, "sessionStart play "), "%s", types);
  fail_unless (strstr (types, " bufferStart play ") != NULL, "%s", types);
  fail_unless (strstr (types, "pauseStart") == NULL, "%s", types);
  fail_unless (g_str_has_suffix (types, " sessionComplete"), "%s", types);
  assert_content (records, "VOD", 4);
  assert_playheads (records, FALSE, 4);
  /* the viewer saw four seconds of video, however often it stopped */
  fail_unless (ABS (ms_playing (records) - 4000) <= 150, "played %"
      G_GINT64_FORMAT " ms: %s", ms_playing (records), types);
  remove_clip (path);
  fixture_teardown (f);
}

GST_END_TEST;

/* An application that sets a live pipeline straight to PLAYING: the
 * source answers whether it is live only once playing, and the session is
 * Live all the same. */
GST_START_TEST (test_live_set_playing_directly)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *line = g_strdup_printf ("videotestsrc is-live=true "
      "num-buffers=50 ! video/x-raw,framerate=25/1,width=64,height=48 ! "
      "mediaedgetrack config-id=real endpoint=%s ! fakesink sync=true",
      f->endpoint);
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, NULL);
  g_autoptr (GstBus) bus = gst_element_get_bus (pipeline);
  g_autoptr (GstMessage) end = NULL;
  g_autoptr (GPtrArray) records = NULL;

  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  end = pop_end (bus);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  records = edge_server_dup_records (f->server);
  assert_one_session (records, "Live", 86400);
  assert_end_after_play (records, 2000);
  fixture_teardown (f);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* Nothing played is lost: the journal on disk, across processes */

/* A child that dies with this process: a test that fails leaves no
 * endless player behind */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

static GSubprocess *
spawn (GSubprocessFlags flags, const gchar * const *argv)
{
  g_autoptr (GSubprocessLauncher) launcher = g_subprocess_launcher_new (flags);
  g_autoptr (GError) error = NULL;
  GSubprocess *run;

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  run = g_subprocess_launcher_spawnv (launcher, argv, &error);
  fail_unless (run != NULL, "%s", error ? error->message : "");

  return run;
}

/* gst-launch-1.0 @options @args (TRACK as in launch()), started and left
 * running */
static GSubprocess *
start_launch (Fixture * f, const gchar * options, const gchar * args,
    GSubprocessFlags flags)
{
  g_autofree gchar *track = g_strdup_printf ("mediaedgetrack "
      "config-id=real endpoint=%s", f->endpoint);
  g_autofree gchar *words = replace_word (args, "TRACK", track);
  g_autofree gchar *command = g_strdup_printf ("exec gst-launch-1.0 %s %s",
      options, words);
  const gchar *argv[] = { "sh", "-c", command, NULL };

  return spawn (flags, argv);
}

/* Waits for @run to exit 0, and returns what it printed if it was asked
 * to */
static gchar *
wait_exited (GSubprocess * run)
{
  g_autoptr (GError) error = NULL;
  gchar *out = NULL;

  fail_unless (g_subprocess_communicate_utf8 (run, NULL, NULL, &out, NULL,
          &error), "%s", error ? error->message : "");
  fail_unless (g_subprocess_get_if_exited (run));
  fail_unless_equals_int (g_subprocess_get_exit_status (run), 0);

  return out;
}

/* gst-launch-1.0 -m @args to its end: what it printed, bus messages
 * included */
static gchar *
launch_printing_messages (Fixture * f, const gchar * args)
{
  g_autoptr (GSubprocess) run = start_launch (f, "-m", args,
      G_SUBPROCESS_FLAGS_STDOUT_PIPE);

  return wait_exited (run);
}

/* How many mediaedge-session messages about @event gst-launch-1.0 -m
 * printed */
static guint
count_printed_messages (const gchar * printed, const gchar * event)
{
  g_auto (GStrv) lines = g_strsplit (printed, "\n", -1);
  g_autofree gchar *field = g_strdup_printf (" event=(string)%s,", event);
  guint n = 0;

  for (guint i = 0; lines[i]; i++)
    n += strstr (lines[i], "(element): mediaedge-session, ") != NULL
        && strstr (lines[i], field) != NULL;

  return n;
}

/* kill -9 of @run, as a crash or a power cut would stop it; when it was
 * surely dead, on the clock of the events' timestamps */
static gint64
kill_hard (GSubprocess * run)
{
  fail_unless_equals_int (kill (atoi (g_subprocess_get_identifier (run)),
          SIGKILL), 0);
  fail_unless (g_subprocess_wait (run, NULL, NULL));
  fail_unless (g_subprocess_get_if_signaled (run));
  fail_unless_equals_int (g_subprocess_get_term_sig (run), SIGKILL);

  return g_get_real_time () / 1000;
}

/* The journals in the spool of the state folder @dir */
static guint
count_journals (const gchar * dir)
{
  g_autofree gchar *spool = g_build_filename (dir, "spool", NULL);
  g_autoptr (GDir) listing = g_dir_open (spool, 0, NULL);
  const gchar *name;
  guint n = 0;

  while (listing && (name = g_dir_read_name (listing)))
    n += g_str_has_prefix (name, "journal-")
        && g_str_has_suffix (name, ".jsonl");

  return n;
}

/* The records about @event (any, if NULL) answered @status (any, if 0),
 * from the @from-th record on */
static guint
count_records (GPtrArray * records, guint from, const gchar * event,
    guint status)
{
  guint n = 0;

  for (guint i = from; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);

    n += (event == NULL || g_str_equal (record->event_type, event))
        && (status == 0 || record->status == status);
  }

  return n;
}

/* Waits until the server answered at least @n requests about @event
 * with @status */
static void
wait_for_answers (Fixture * f, const gchar * event, guint status, guint n)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  for (;;) {
    g_autoptr (GPtrArray) records = edge_server_dup_records (f->server);
    g_autofree gchar *text = NULL;

    if (count_records (records, 0, event, status) >= n)
      return;
    if (g_get_monotonic_time () > end) {
      text = received (f);
      fail ("no %u %s answered %u: %s", n, event, status, text);
    }
    g_usleep (20 * 1000);
  }
}

/* The records of the session @session_id from the @from-th on */
static GPtrArray *
session_records (GPtrArray * records, guint from, const gchar * session_id)
{
  GPtrArray *found = g_ptr_array_new ();

  for (guint i = from; i < records->len; i++)
    if (g_strcmp0 (record_at (records, i)->session_id, session_id) == 0)
      g_ptr_array_add (found, record_at (records, i));

  return found;
}

/* No request of @records was accepted twice: each event of a session,
 * as its type and timestamp say, answered 2xx once at most */
static void
assert_none_accepted_twice (GPtrArray * records)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);
    gchar *key;

    if (record->status < 200 || record->status >= 300)
      continue;
    key = g_strdup_printf ("%s %s %" G_GINT64_FORMAT, record->session_id,
        record->event_type, record->timestamp_ms);
    fail_unless (g_hash_table_add (seen, key), "accepted twice: %s", key);
  }
}

/* The only /downloaded request of @records, which the server took */
static EdgeRecord *
the_downloaded (GPtrArray * records)
{
  EdgeRecord *found = NULL;

  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = record_at (records, i);

    if (!g_str_equal (record->event_type, "downloaded"))
      continue;
    fail_unless (found == NULL, "more than one /downloaded");
    found = record;
  }
  fail_unless (found != NULL, "no /downloaded");
  fail_unless_equals_string (found->path, "/ee/va/v1/downloaded");
  fail_unless_equals_string (found->config_id, "real");
  fail_unless_equals_int (found->status, 204);

  return found;
}

/* What a /downloaded carries of each event */
typedef struct
{
  gchar *type;                  /* without "media." */
  gint64 timestamp_ms;
  gint64 playhead;
} DownloadedEvent;

static void
downloaded_event_free (DownloadedEvent * event)
{
  g_free (event->type);
  g_free (event);
}

/* The events of a /downloaded body, in order; its FPID in @fpid */
static GPtrArray *
downloaded_events (EdgeRecord * record, gchar ** fpid)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  GPtrArray *events = g_ptr_array_new_with_free_func ((GDestroyNotify)
      downloaded_event_free);
  JsonObject *xdm, *identity;
  JsonArray *entries;

  fail_unless (json_parser_load_from_data (parser, record->body, -1, NULL));
  xdm = json_object_get_object_member (json_array_get_object_element
      (json_object_get_array_member (json_node_get_object
              (json_parser_get_root (parser)), "events"), 0), "xdm");
  fail_unless_equals_string (json_object_get_string_member (xdm,
          "eventType"), "media.downloaded");
  identity = json_array_get_object_element (json_object_get_array_member
      (json_object_get_object_member (xdm, "identityMap"), "FPID"), 0);
  *fpid = g_strdup (json_object_get_string_member (identity, "id"));
  entries = json_object_get_array_member (xdm, "mediaDownloadedEvents");
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *entry = json_array_get_object_element (entries, i);
    const gchar *type = json_object_get_string_member (entry,
        "mediaEventType");
    g_autoptr (GDateTime) when =
        g_date_time_new_from_iso8601 (json_object_get_string_member (entry,
            "mediaEventTimestamp"), NULL);
    DownloadedEvent *event = g_new0 (DownloadedEvent, 1);

    fail_unless (g_str_has_prefix (type, "media.") && when != NULL);
    event->type = g_strdup (type + strlen ("media."));
    event->timestamp_ms = g_date_time_to_unix (when) * 1000 +
        g_date_time_get_microsecond (when) / 1000;
    event->playhead = json_object_get_int_member
        (json_object_get_object_member (entry, "mediaCollection"), "playhead");
    g_ptr_array_add (events, event);
  }

  return events;
}

static DownloadedEvent *
downloaded_at (GPtrArray * events, guint i)
{
  fail_unless (i < events->len);

  return g_ptr_array_index (events, i);
}

static void
assert_downloaded_types (GPtrArray * events, const gchar * expected)
{
  GString *types = g_string_new (NULL);
  g_autofree gchar *text = NULL;

  for (guint i = 0; i < events->len; i++)
    g_string_append_printf (types, "%s%s", i ? " " : "",
        downloaded_at (events, i)->type);
  text = g_string_free (types, FALSE);
  fail_unless_equals_string (text, expected);
}

/* The records from the @from-th on but the /downloaded one */
static GPtrArray *
live_records (GPtrArray * records, guint from)
{
  GPtrArray *live = g_ptr_array_new ();

  for (guint i = from; i < records->len; i++)
    if (!g_str_equal (record_at (records, i)->event_type, "downloaded"))
      g_ptr_array_add (live, record_at (records, i));

  return live;
}

#define CLIP_CAPS "video/x-raw,framerate=25/1,width=64,height=48"

/* The service down from the start: past offline-after the session is
 * kept on disk only, and the process ends with it there (its flush-timeout
 * ran out). The next run, the service up, sends it whole, once, as one
 * /downloaded with its own timestamps and playheads and the device's
 * FPID, beside its own live session; then the spool is empty. */
GST_START_TEST (test_offline_session_downloaded_next_run)
{
  Fixture *f = fixture_new ();
  guint port = edge_server_take_down (&f->server);
  g_autofree gchar *first_line =
      g_strdup_printf ("videotestsrc num-buffers=75 ! " CLIP_CAPS
      " ! TRACK offline-after=1 retry-delay=100 flush-timeout=500 "
      "fpid=device-1 state-dir=\"%s\" ! fakesink sync=true", f->state_dir);
  g_autofree gchar *next_line =
      g_strdup_printf ("videotestsrc num-buffers=25 ! " CLIP_CAPS
      " ! TRACK retry-delay=100 fpid=device-1 state-dir=\"%s\" ! "
      "fakesink sync=true", f->state_dir);
  g_autofree gchar *printed = NULL;
  g_autofree gchar *printed_next = NULL;
  g_autofree gchar *fpid = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) live = NULL;
  gint64 first_started, first_ended, second_started;

  first_started = g_get_real_time () / 1000;
  printed = launch_printing_messages (f, first_line);
  first_ended = g_get_real_time () / 1000;
  fail_unless_equals_int (count_printed_messages (printed, "offline"), 1);
  fail_unless_equals_int (count_printed_messages (printed, "started"), 0);
  fail_unless_equals_int (count_journals (f->state_dir), 1);

  /* nothing reached the port while it was down, nor since */
  bring_server_up (f, port);
  fail_unless_equals_int (edge_server_count_requests (f->server), 0);
  second_started = g_get_real_time () / 1000;
  printed_next = launch_printing_messages (f, next_line);
  fail_unless_equals_int (count_printed_messages (printed_next,
          "downloaded"), 1);

  records = edge_server_dup_records (f->server);
  events = downloaded_events (the_downloaded (records), &fpid);
  fail_unless_equals_string (fpid, "device-1");
  /* the first run, as it played: its start, its play at 0, its end at 3
   * three seconds later, when the viewer saw it */
  assert_downloaded_types (events, "sessionStart play sessionComplete");
  fail_unless (downloaded_at (events, 0)->timestamp_ms >= first_started);
  fail_unless (downloaded_at (events, 2)->timestamp_ms <= first_ended);
  fail_unless (downloaded_at (events, 2)->timestamp_ms < second_started);
  for (guint i = 1; i < events->len; i++)
    fail_unless (downloaded_at (events, i)->timestamp_ms >=
        downloaded_at (events, i - 1)->timestamp_ms);
  fail_unless (ABS (downloaded_at (events, 2)->timestamp_ms -
          downloaded_at (events, 1)->timestamp_ms - 3000) <= 150,
      "sessionComplete %" G_GINT64_FORMAT " ms after play",
      downloaded_at (events, 2)->timestamp_ms -
      downloaded_at (events, 1)->timestamp_ms);
  fail_unless_equals_int64 (downloaded_at (events, 0)->playhead, 0);
  fail_unless_equals_int64 (downloaded_at (events, 1)->playhead, 0);
  fail_unless_equals_int64 (downloaded_at (events, 2)->playhead, 3);

  /* the second run's own session, live; nothing else, nothing twice */
  live = live_records (records, 0);
  assert_events (live, "sessionStart play sessionComplete");
  fail_unless_equals_int (record_at (live, 0)->status, 200);
  fail_unless_equals_int (records->len, 4);
  assert_none_accepted_twice (records);
  fail_unless_equals_int (count_journals (f->state_dir), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* A live player pinging every second (in an ad break), killed with
 * SIGKILL while the service answers its pings 503; the service fine
 * again. Returns what the server received, @killed_at when, the refused
 * ping's timestamp in @refused_ping_at. */
static GPtrArray *
kill_pinging_player (Fixture * f, gint64 * killed_at, gint64 * refused_ping_at)
{
  g_autofree gchar *line = g_strdup_printf ("videotestsrc is-live=true ! "
      CLIP_CAPS " ! mediaedgetrack name=track config-id=real endpoint=%s "
      "ad-ping-interval=1 retry-delay=100 state-dir=\"%s\" ! "
      "fakesink sync=true", f->endpoint, f->state_dir);
  const gchar *argv[] = { AD_BREAK_PLAYER, line, NULL };
  g_autoptr (GSubprocess) player = spawn (G_SUBPROCESS_FLAGS_NONE, argv);
  GPtrArray *before;

  wait_for_request (f, "sessionStart");
  wait_for_request (f, "adStart");
  /* from now on the service is in trouble: the pings stay unanswered */
  edge_server_fail_next (f->server, 1000, 503, NULL);
  wait_for_answers (f, "ping", 503, 2);
  /* the journal is synced once a second */
  g_usleep (1300 * 1000);
  *killed_at = kill_hard (player);
  edge_server_fail_next (f->server, 0, 0, NULL);

  before = edge_server_dup_records (f->server);
  fail_unless_equals_string (record_at (before, 0)->event_type, "sessionStart");
  fail_unless_equals_int (record_at (before, 0)->status, 200);
  /* what was refused is the first ping after the ad started, tried
   * again: the later ones wait behind it */
  *refused_ping_at = -1;
  for (guint i = 0; i < before->len; i++) {
    EdgeRecord *record = record_at (before, i);

    if (record->status != 503)
      continue;
    fail_unless_equals_string (record->event_type, "ping");
    if (*refused_ping_at < 0)
      *refused_ping_at = record->timestamp_ms;
    fail_unless_equals_int64 (record->timestamp_ms, *refused_ping_at);
  }
  fail_unless (*refused_ping_at > 0);
  fail_unless_equals_int (count_journals (f->state_dir), 1);

  return before;
}

/* The next run: a live pipeline in this process, with @f's state folder;
 * its element in @track */
static GstElement *
play_next_run (Fixture * f, GstElement ** track)
{
  g_autofree gchar *line = g_strdup_printf ("videotestsrc is-live=true ! "
      CLIP_CAPS " ! mediaedgetrack name=track config-id=real endpoint=%s "
      "retry-delay=100 state-dir=\"%s\" ! fakesink sync=true", f->endpoint,
      f->state_dir);
  g_autoptr (GError) error = NULL;
  GstElement *pipeline = gst_parse_launch (line, &error);

  fail_unless (pipeline != NULL, "%s", error ? error->message : "");
  *track = gst_bin_get_by_name (GST_BIN (pipeline), "track");
  gst_element_set_state (pipeline, GST_STATE_PLAYING);

  return pipeline;
}

/* A player killed (-9) in the middle of a session whose pings the
 * service answered 503: they wait in the journal. The next element to
 * start sends them with the session's own id, each once, then the
 * session's sessionEnd right after the last (+1 ms, its playhead), and
 * starts no session for it. */
GST_START_TEST (test_killed_mid_session_tail_replayed)
{
  Fixture *f = fixture_new ();
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) tail = NULL;
  g_autoptr (GPtrArray) old_session = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) track = NULL;
  g_autofree gchar *old_id = NULL;
  g_autofree gchar *text = NULL;
  EdgeRecord *end, *last_ping;
  gint64 killed_at, refused_ping_at;
  guint replayed, pings;

  before = kill_pinging_player (f, &killed_at, &refused_ping_at);
  old_id = g_strdup (record_at (before, 0)->session_id);

  pipeline = play_next_run (f, &track);
  f->waited = before->len;
  wait_for_request (f, "sessionEnd");
  wait_for_answers (f, "sessionStart", 200, 2);
  /* the old session's requests are all in by its sessionEnd */
  records = edge_server_dup_records (f->server);
  tail = session_records (records, before->len, old_id);
  replayed = wait_for_stat (track, "replayed", tail->len);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_clear_pointer (&tail, g_ptr_array_unref);
  g_clear_pointer (&records, g_ptr_array_unref);
  records = edge_server_dup_records (f->server);
  tail = session_records (records, before->len, old_id);
  pings = tail->len - 1;
  text = edge_server_describe_records (f->server, old_id);

  /* the tail: every ping left unanswered, delivered once, in order,
   * a second apart: the one refused first, up to the last one made
   * before the kill */
  fail_unless (pings >= 2, "%s", text);
  for (guint i = 0; i < tail->len; i++) {
    EdgeRecord *record = record_at (tail, i);

    fail_unless_equals_string (record->event_type, i < pings ? "ping" :
        "sessionEnd");
    fail_unless_equals_int (record->status, 204);
    if (i > 0 && i < pings)
      fail_unless (ABS (record->timestamp_ms - record_at (tail,
                  i - 1)->timestamp_ms - 1000) <= 200, "%s", text);
  }
  fail_unless_equals_int64 (record_at (tail, 0)->timestamp_ms, refused_ping_at);
  last_ping = record_at (tail, pings - 1);
  fail_unless (last_ping->timestamp_ms <= killed_at);
  fail_unless (last_ping->timestamp_ms > killed_at - 1250,
      "the last ping %" G_GINT64_FORMAT " ms before the kill",
      killed_at - last_ping->timestamp_ms);
  /* then the end of that session, at once, where it stood */
  end = record_at (tail, pings);
  fail_unless_equals_int64 (end->timestamp_ms, last_ping->timestamp_ms + 1);
  fail_unless_equals_int64 (end->playhead, last_ping->playhead);
  fail_unless_equals_int (replayed, tail->len);

  /* no session started for it: the only other start is the new
   * element's own */
  fail_unless_equals_int (count_records (records, 0, "sessionStart", 0), 2);
  old_session = session_records (records, 0, old_id);
  fail_unless_equals_string (record_at (old_session, 0)->event_type,
      "sessionStart");
  fail_unless_equals_int (count_records (old_session, 0, "sessionStart", 0), 1);
  assert_none_accepted_twice (records);
  fail_unless_equals_int (count_journals (f->state_dir), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* The same tail, but the service no longer knows the session (410):
 * the tail is dropped at its first answer, and no session starts for it
 * (it would count a playback twice). */
GST_START_TEST (test_killed_session_forgotten_tail_dropped)
{
  Fixture *f = fixture_new ();
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) tail = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) track = NULL;
  g_autofree gchar *old_id = NULL;
  g_autofree gchar *text = NULL;
  g_autoptr (GstStructure) stats = NULL;
  gint64 killed_at, refused_ping_at;
  guint replayed = 0, dropped = 0;

  before = kill_pinging_player (f, &killed_at, &refused_ping_at);
  old_id = g_strdup (record_at (before, 0)->session_id);
  edge_server_forget_sessions (f->server, 410);

  pipeline = play_next_run (f, &track);
  f->waited = before->len;
  wait_for_request (f, "ping");
  wait_for_answers (f, "sessionStart", 200, 2);
  /* time for anything more the old session would send */
  g_usleep (500 * 1000);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  g_object_get (track, "stats", &stats, NULL);
  records = edge_server_dup_records (f->server);
  tail = session_records (records, before->len, old_id);
  text = edge_server_describe_records (f->server, NULL);

  /* one try of the first ping of the tail, refused: no more of it */
  fail_unless (tail->len == 1, "%s", text);
  fail_unless_equals_string (record_at (tail, 0)->event_type, "ping");
  fail_unless_equals_int (record_at (tail, 0)->status, 410);
  fail_unless_equals_int64 (record_at (tail, 0)->timestamp_ms, refused_ping_at);
  /* no session for it: the only other start is the new element's own */
  fail_unless_equals_int (count_records (records, 0, "sessionStart", 0), 2);
  fail_unless_equals_int (count_records (tail, 0, "sessionEnd", 0), 0);
  /* the tail counted as dropped (the pings and the sessionEnd made for
   * it), nothing as replayed; the journal gone */
  fail_unless (gst_structure_get_uint (stats, "replayed", &replayed));
  fail_unless_equals_int (replayed, 0);
  fail_unless (gst_structure_get_uint (stats, "dropped", &dropped));
  fail_unless (dropped >= 2, "%u dropped", dropped);
  fail_unless (strstr (gst_structure_get_string (stats, "last-drop"),
          "HTTP 410") != NULL);
  fail_unless_equals_int (count_journals (f->state_dir), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* Two players start at once on the spool a killed one left (its
 * session never started: the service answered 503): the session goes
 * once, as one /downloaded, whichever sends it; each player's own
 * session is live. */
GST_START_TEST (test_two_players_one_spool)
{
  Fixture *f = fixture_new ();
  g_autofree gchar *killed_line = g_strdup_printf ("videotestsrc "
      "is-live=true ! " CLIP_CAPS " ! TRACK retry-delay=100 "
      "state-dir=\"%s\" ! fakesink sync=true", f->state_dir);
  g_autofree gchar *line = g_strdup_printf ("videotestsrc num-buffers=25 ! "
      CLIP_CAPS " ! TRACK retry-delay=100 state-dir=\"%s\" ! "
      "fakesink sync=true", f->state_dir);
  g_autoptr (GSubprocess) killed = NULL;
  GSubprocess *players[2];
  g_autoptr (GPtrArray) before = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GPtrArray) events = NULL;
  g_autoptr (GPtrArray) live = NULL;
  g_autoptr (GPtrArray) sessions = NULL;
  g_autofree gchar *fpid = NULL;
  gint64 killed_at;

  edge_server_fail_next (f->server, 1000, 503, NULL);
  killed = start_launch (f, "-q", killed_line, G_SUBPROCESS_FLAGS_NONE);
  wait_for_answers (f, "sessionStart", 503, 2);
  g_usleep (1300 * 1000);
  killed_at = kill_hard (killed);
  edge_server_fail_next (f->server, 0, 0, NULL);
  before = edge_server_dup_records (f->server);
  fail_unless_equals_int (count_records (before, 0, "sessionStart", 503),
      before->len);
  fail_unless_equals_int (count_journals (f->state_dir), 1);

  for (guint i = 0; i < 2; i++)
    players[i] = start_launch (f, "-q", line, G_SUBPROCESS_FLAGS_NONE);
  for (guint i = 0; i < 2; i++) {
    g_free (wait_exited (players[i]));
    g_object_unref (players[i]);
  }

  records = edge_server_dup_records (f->server);
  events = downloaded_events (the_downloaded (records), &fpid);
  assert_downloaded_types (events, "sessionStart play");
  /* no fpid set: the device's own, which /downloaded requires */
  fail_unless (g_uuid_string_is_valid (fpid), "%s", fpid);
  fail_unless_equals_int64 (downloaded_at (events, 0)->timestamp_ms,
      record_at (before, 0)->timestamp_ms);
  fail_unless (downloaded_at (events, 1)->timestamp_ms < killed_at);
  live = live_records (records, before->len);
  sessions = split_sessions (live);
  fail_unless_equals_int (sessions->len, 2);
  for (guint i = 0; i < 2; i++)
    assert_events (g_ptr_array_index (sessions, i),
        "sessionStart play sessionComplete");
  fail_unless_equals_int (records->len, before->len + 1 + 6);
  assert_none_accepted_twice (records);
  fail_unless_equals_int (count_journals (f->state_dir), 0);
  fixture_teardown (f);
}

GST_END_TEST;

static Suite *
real_pipelines_suite (void)
{
  Suite *s = suite_create ("real-pipelines");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 60);
  tcase_add_test (tc, test_vod_syncing_sink);
  tcase_add_test (tc, test_vod_free_running_sink);
  tcase_add_test (tc, test_live_syncing_sink);
  tcase_add_test (tc, test_live_free_running_sink);
  tcase_add_test (tc, test_interrupted_without_eos);
  tcase_add_test (tc, test_vod_to_collection_api);
  tcase_add_test (tc, test_playbin_both_filters_one_session);
  tcase_add_test (tc, test_playbin_audio_only);
  tcase_add_test (tc, test_gapless_playlist);
  tcase_add_test (tc, test_playlist_from_audio_to_video);
  tcase_add_test (tc, test_seek_back_loop);
  tcase_add_test (tc, test_playbin_chapters_when_rendered);
  tcase_add_test (tc, test_pause_holds_what_passed);
  tcase_add_test (tc, test_preroll_ad_before_playing);
  tcase_add_test (tc, test_identity_across_processes);
  tcase_add_test (tc, test_playbin_preroll_on_either_filter);
  tcase_add_test (tc, test_chapters_free_running_sink);
  tcase_add_test (tc, test_stop_before_the_end_rendered);
  tcase_add_test (tc, test_seek_with_a_queue_after);
  tcase_add_test (tc, test_length_beside_an_endless_branch);
  tcase_add_test (tc, test_before_a_pulling_demuxer);
  tcase_add_test (tc, test_pulled_data_is_no_stall);
  tcase_add_test (tc, test_end_at_double_rate);
  tcase_add_test (tc, test_playbin_over_slow_http);
  tcase_add_test (tc, test_live_set_playing_directly);
  tcase_add_test (tc, test_offline_session_downloaded_next_run);
  tcase_add_test (tc, test_killed_mid_session_tail_replayed);
  tcase_add_test (tc, test_killed_session_forgotten_tail_dropped);
  tcase_add_test (tc, test_two_players_one_spool);
  suite_add_tcase (s, tc);

  return s;
}

GST_CHECK_MAIN (real_pipelines);
