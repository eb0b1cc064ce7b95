/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* player: plays a file or URI with playbin and reports it to the Media Edge
 * API, mediaedgetrack being both the audio and the video filter (the two
 * make one session, and audio-only content is tracked as well).
 *
 *   player [--config-id ID] [--endpoint URL] [--fake-sinks] FILE-OR-URI
 *
 * When stdin is a terminal, space pauses and resumes, q stops. It prints
 * the session id from the element's mediaedge-session messages, pauses
 * the pipeline while the network source buffers, as players should, and
 * stops cleanly on Ctrl-C: the session then ends with sessionEnd. */

#include <stdlib.h>
#include <termios.h>
#include <unistd.h>
#include <glib-unix.h>
#include <gst/gst.h>

typedef struct
{
  GstElement *playbin;
  GMainLoop *loop;
  gboolean user_paused;         /* the viewer pressed space */
  gboolean buffering;           /* below 100 %: paused until it is full */
  gboolean live;                /* a live source: no buffering to wait on */
  gboolean terminal;            /* stdin is a terminal we put in raw mode */
  struct termios saved;         /* its settings before */
  gint exit_code;
} Player;

/* PLAYING unless the viewer paused or the source is buffering */
static void
update_state (Player * player)
{
  gst_element_set_state (player->playbin, player->user_paused
      || player->buffering ? GST_STATE_PAUSED : GST_STATE_PLAYING);
}

static void
on_session_message (const GstStructure * s)
{
  const gchar *event = gst_structure_get_string (s, "event");
  const gchar *session_id = gst_structure_get_string (s, "session-id");
  gboolean resumed = FALSE;

  gst_structure_get_boolean (s, "resumed", &resumed);
  g_print ("session %s %s%s\n", GST_STR_NULL (session_id),
      GST_STR_NULL (event), resumed ? " (resumes the one before)" : "");
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer data)
{
  Player *player = data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_EOS:
      g_print ("end of stream\n");
      g_main_loop_quit (player->loop);
      break;
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) error = NULL;
      g_autofree gchar *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_printerr ("error: %s\n%s\n", error->message, GST_STR_NULL (debug));
      player->exit_code = EXIT_FAILURE;
      g_main_loop_quit (player->loop);
      break;
    }
    case GST_MESSAGE_WARNING:{
      g_autoptr (GError) error = NULL;

      gst_message_parse_warning (message, &error, NULL);
      g_printerr ("warning: %s\n", error->message);
      break;
    }
    case GST_MESSAGE_BUFFERING:{
      gint percent = 100;

      /* a live source cannot wait for us: it would drop what it made */
      if (player->live)
        break;
      gst_message_parse_buffering (message, &percent);
      if (player->buffering != (percent < 100)) {
        player->buffering = percent < 100;
        update_state (player);
      }
      break;
    }
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (message);

      if (gst_structure_has_name (s, "mediaedge-session"))
        on_session_message (s);
      break;
    }
    default:
      break;
  }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_key (gint fd, GIOCondition condition, gpointer data)
{
  Player *player = data;
  gchar key;

  if (read (fd, &key, 1) != 1)
    return G_SOURCE_REMOVE;

  switch (key) {
    case ' ':
      player->user_paused = !player->user_paused;
      g_print ("%s\n", player->user_paused ? "paused" : "playing");
      update_state (player);
      break;
    case 'q':
    case 'Q':
      g_main_loop_quit (player->loop);
      break;
    default:
      break;
  }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_interrupt (gpointer data)
{
  Player *player = data;

  g_main_loop_quit (player->loop);

  return G_SOURCE_CONTINUE;
}

/* Keys without Enter and without echo, when stdin is a terminal. */
static void
watch_keyboard (Player * player)
{
  struct termios raw;

  if (!isatty (STDIN_FILENO) || tcgetattr (STDIN_FILENO, &player->saved) < 0)
    return;

  raw = player->saved;
  raw.c_lflag &= ~(ICANON | ECHO);
  raw.c_cc[VMIN] = 1;
  raw.c_cc[VTIME] = 0;
  if (tcsetattr (STDIN_FILENO, TCSANOW, &raw) < 0)
    return;

  player->terminal = TRUE;
  g_unix_fd_add (STDIN_FILENO, G_IO_IN, on_key, player);
  g_print ("space: pause and resume, q: stop\n");
}

static GstElement *
make_tracker (const gchar * config_id, const gchar * endpoint)
{
  GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);

  if (track == NULL)
    return NULL;
  g_object_set (track, "config-id", config_id, "player-name", "player.c", NULL);
  if (endpoint)
    g_object_set (track, "endpoint", endpoint, NULL);

  return track;
}

static GstElement *
make_fake_sink (void)
{
  GstElement *sink = gst_element_factory_make ("fakesink", NULL);

  g_object_set (sink, "sync", TRUE, NULL);

  return sink;
}

int
main (int argc, char **argv)
{
  gchar *config_id = NULL;
  gchar *endpoint = NULL;
  gboolean fake_sinks = FALSE;
  GOptionEntry entries[] = {
    {"config-id", 'c', 0, G_OPTION_ARG_STRING, &config_id,
        "Datastream id (default: player-example)", "ID"},
    {"endpoint", 'e', 0, G_OPTION_ARG_STRING, &endpoint,
        "Media Edge API base URL (default: the element's, Adobe's)", "URL"},
    {"fake-sinks", 0, 0, G_OPTION_ARG_NONE, &fake_sinks,
        "Render nothing (for machines with no display)", NULL},
    {NULL}
  };
  g_autoptr (GOptionContext) options =
      g_option_context_new ("FILE-OR-URI - play and report to Media Edge");
  g_autoptr (GError) error = NULL;
  g_autofree gchar *uri = NULL;
  g_autoptr (GstBus) bus = NULL;
  GstElement *audio_track, *video_track;
  Player player = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  if (argc != 2) {
    g_printerr ("usage: %s [OPTION...] FILE-OR-URI\n", argv[0]);
    return EXIT_FAILURE;
  }
  uri = gst_uri_is_valid (argv[1]) ? g_strdup (argv[1]) :
      gst_filename_to_uri (argv[1], &error);
  if (uri == NULL) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }

  player.playbin = gst_element_factory_make ("playbin", NULL);
  audio_track = make_tracker (config_id ? config_id : "player-example",
      endpoint);
  video_track = make_tracker (config_id ? config_id : "player-example",
      endpoint);
  if (player.playbin == NULL || audio_track == NULL || video_track == NULL) {
    g_printerr ("playbin or mediaedgetrack is missing (GST_PLUGIN_PATH?)\n");
    return EXIT_FAILURE;
  }
  /* the same properties on both: the first to start reports, the other
   * joins its session */
  g_object_set (player.playbin, "uri", uri, "audio-filter", audio_track,
      "video-filter", video_track, NULL);
  if (fake_sinks)
    g_object_set (player.playbin, "audio-sink", make_fake_sink (),
        "video-sink", make_fake_sink (), NULL);

  player.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (player.playbin);
  gst_bus_add_watch (bus, on_bus_message, &player);
  g_unix_signal_add (SIGINT, on_interrupt, &player);
  watch_keyboard (&player);

  g_print ("playing %s\n", uri);
  switch (gst_element_set_state (player.playbin, GST_STATE_PLAYING)) {
    case GST_STATE_CHANGE_FAILURE:
      g_printerr ("could not play %s\n", uri);
      player.exit_code = EXIT_FAILURE;
      break;
    case GST_STATE_CHANGE_NO_PREROLL:
      player.live = TRUE;
      G_GNUC_FALLTHROUGH;
    default:
      g_main_loop_run (player.loop);
      break;
  }

  /* stopped before the end: sessionEnd; READY to NULL waits (at most
   * flush-timeout) for the last events to be delivered */
  gst_element_set_state (player.playbin, GST_STATE_NULL);
  if (player.terminal)
    tcsetattr (STDIN_FILENO, TCSANOW, &player.saved);
  gst_bus_remove_watch (bus);
  gst_object_unref (player.playbin);
  g_main_loop_unref (player.loop);
  g_free (config_id);
  g_free (endpoint);

  return player.exit_code;
}
