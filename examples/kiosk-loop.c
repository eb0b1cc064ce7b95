/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* kiosk-loop: plays a playlist forever, without a gap between items, and
 * reports each item to the Media Edge API as a session of its own.
 *
 *   kiosk-loop [--config-id ID] [--endpoint URL] [--proxy URI]
 *              [--ca-file PEM] [--video-sink SINK] [--audio-sink SINK]
 *              [--fake-sinks] [--items N] FILE-OR-URI...
 *
 * playbin3's about-to-finish gives it the next item while the current one
 * still plays, so that they follow without a gap; mediaedgetrack sees the
 * next item begin (a stream of another group), completes the session of
 * the one before and starts the next one's. playbin3, not playbin: with
 * GStreamer 1.22, playbin stalls at the gapless switch between items that
 * have both audio and video (seen with fakesinks, Matroska and Ogg), not
 * with video only (tests/real/pipelines.c plays such a playlist). An item
 * that fails is skipped: the pipeline starts again at the next item a
 * second later.
 * SIGINT and SIGTERM (systemctl stop) stop it cleanly: the session under
 * way ends with sessionEnd, delivered within flush-timeout. --items N
 * stops after N items, for tests. docs/kiosk.md runs it under systemd. */

#include <stdlib.h>
#include <glib-unix.h>
#include <gst/gst.h>

typedef struct
{
  GstElement *playbin;
  GMainLoop *loop;
  gchar **uris;
  guint n_uris;
  guint max_items;              /* 0: forever */
  guint restart_id;             /* a restart is due after an error */

  GMutex lock;                  /* about-to-finish comes from a streaming
                                 * thread */
  guint next;                   /* index of the next item to queue */
  guint queued;                 /* items given to playbin so far */
} Kiosk;

/* The next item's URI, or NULL once --items are all queued; lock held */
static const gchar *
take_next_uri (Kiosk * kiosk)
{
  const gchar *uri;

  if (kiosk->max_items && kiosk->queued >= kiosk->max_items)
    return NULL;
  uri = kiosk->uris[kiosk->next];
  kiosk->next = (kiosk->next + 1) % kiosk->n_uris;
  kiosk->queued++;

  return uri;
}

/* From a streaming thread: the current item is about to end; the next one
 * follows it without a gap (none: EOS). */
static void
on_about_to_finish (GstElement * playbin, gpointer data)
{
  Kiosk *kiosk = data;
  const gchar *uri;

  g_mutex_lock (&kiosk->lock);
  uri = take_next_uri (kiosk);
  g_mutex_unlock (&kiosk->lock);

  if (uri)
    g_object_set (playbin, "uri", uri, NULL);
}

/* From the start, at the next item: after an error, or a stop. */
static gboolean
restart (gpointer data)
{
  Kiosk *kiosk = data;
  const gchar *uri;

  kiosk->restart_id = 0;
  gst_element_set_state (kiosk->playbin, GST_STATE_READY);
  g_mutex_lock (&kiosk->lock);
  uri = take_next_uri (kiosk);
  g_mutex_unlock (&kiosk->lock);

  if (uri == NULL) {
    g_main_loop_quit (kiosk->loop);
    return G_SOURCE_REMOVE;
  }
  g_print ("restarting at %s\n", uri);
  g_object_set (kiosk->playbin, "uri", uri, NULL);
  gst_element_set_state (kiosk->playbin, GST_STATE_PLAYING);

  return G_SOURCE_REMOVE;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer data)
{
  Kiosk *kiosk = data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_STREAM_START:{
      g_autofree gchar *uri = NULL;

      g_object_get (kiosk->playbin, "current-uri", &uri, NULL);
      g_print ("item: %s\n", GST_STR_NULL (uri));
      break;
    }
    case GST_MESSAGE_EOS:
      /* the last of --items, or a playlist that could not go on */
      if (kiosk->max_items)
        g_main_loop_quit (kiosk->loop);
      else
        restart (kiosk);
      break;
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) error = NULL;

      /* one failure may post many errors: the first one says it */
      if (kiosk->restart_id)
        break;
      gst_message_parse_error (message, &error, NULL);
      g_printerr ("error: %s; skipping to the next item\n", error->message);
      gst_element_set_state (kiosk->playbin, GST_STATE_READY);
      kiosk->restart_id = g_timeout_add_seconds (1, restart, kiosk);
      break;
    }
    case GST_MESSAGE_WARNING:{
      g_autoptr (GError) error = NULL;

      gst_message_parse_warning (message, &error, NULL);
      g_printerr ("warning: %s\n", error->message);
      break;
    }
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (message);

      if (gst_structure_has_name (s, "mediaedge-session"))
        g_print ("session %s %s\n",
            GST_STR_NULL (gst_structure_get_string (s, "session-id")),
            GST_STR_NULL (gst_structure_get_string (s, "event")));
      break;
    }
    default:
      break;
  }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_stop_signal (gpointer data)
{
  Kiosk *kiosk = data;

  g_print ("stopping\n");
  g_main_loop_quit (kiosk->loop);

  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gchar *config_id;
  gchar *endpoint;
  gchar *proxy;
  gchar *ca_file;
} TrackerOptions;

static GstElement *
make_tracker (const TrackerOptions * options)
{
  GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);

  if (track == NULL)
    return NULL;
  g_object_set (track, "config-id", options->config_id ? options->config_id :
      "kiosk-example", "player-name", "kiosk-loop", NULL);
  if (options->endpoint)
    g_object_set (track, "endpoint", options->endpoint, NULL);
  if (options->proxy)
    g_object_set (track, "proxy", options->proxy, NULL);
  if (options->ca_file)
    g_object_set (track, "ca-file", options->ca_file, NULL);

  return track;
}

/* A sink from its description, e.g. "kmssink connector-id=32", or
 * "fakesink sync=true"; NULL leaves playbin's choice */
static gboolean
set_sink (GstElement * playbin, const gchar * property,
    const gchar * description)
{
  g_autoptr (GError) error = NULL;
  GstElement *sink;

  if (description == NULL)
    return TRUE;
  sink = gst_parse_bin_from_description (description, TRUE, &error);
  if (sink == NULL) {
    g_printerr ("%s \"%s\": %s\n", property, description, error->message);
    return FALSE;
  }
  g_object_set (playbin, property, sink, NULL);

  return TRUE;
}

int
main (int argc, char **argv)
{
  TrackerOptions tracker = { 0 };
  gchar *video_sink = NULL;
  gchar *audio_sink = NULL;
  gboolean fake_sinks = FALSE;
  gint max_items = 0;
  GOptionEntry entries[] = {
    {"config-id", 'c', 0, G_OPTION_ARG_STRING, &tracker.config_id,
        "Datastream id (default: kiosk-example)", "ID"},
    {"endpoint", 'e', 0, G_OPTION_ARG_STRING, &tracker.endpoint,
        "Media Edge API base URL (default: the element's, Adobe's)", "URL"},
    {"proxy", 0, 0, G_OPTION_ARG_STRING, &tracker.proxy,
        "Proxy for the reports (default: http_proxy, https_proxy)", "URI"},
    {"ca-file", 0, 0, G_OPTION_ARG_FILENAME, &tracker.ca_file,
        "CAs to trust for HTTPS instead of the system's", "PEM"},
    {"video-sink", 0, 0, G_OPTION_ARG_STRING, &video_sink,
        "Video sink, e.g. \"kmssink\" (default: playbin's choice)", "SINK"},
    {"audio-sink", 0, 0, G_OPTION_ARG_STRING, &audio_sink,
        "Audio sink, e.g. \"alsasink device=hdmi\"", "SINK"},
    {"fake-sinks", 0, 0, G_OPTION_ARG_NONE, &fake_sinks,
        "Render nothing (for machines with no display)", NULL},
    {"items", 'n', 0, G_OPTION_ARG_INT, &max_items,
        "Stop after N items (default: play forever)", "N"},
    {NULL}
  };
  g_autoptr (GOptionContext) options =
      g_option_context_new ("FILE-OR-URI... - play a playlist forever");
  g_autoptr (GError) error = NULL;
  g_autoptr (GstBus) bus = NULL;
  GstElement *audio_track, *video_track;
  Kiosk kiosk = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  if (argc < 2 || max_items < 0) {
    g_printerr ("usage: %s [OPTION...] FILE-OR-URI...\n", argv[0]);
    return EXIT_FAILURE;
  }

  kiosk.n_uris = argc - 1;
  kiosk.uris = g_new0 (gchar *, kiosk.n_uris + 1);
  for (guint i = 0; i < kiosk.n_uris; i++) {
    const gchar *item = argv[i + 1];

    kiosk.uris[i] = gst_uri_is_valid (item) ? g_strdup (item) :
        gst_filename_to_uri (item, &error);
    if (kiosk.uris[i] == NULL) {
      g_printerr ("%s: %s\n", item, error->message);
      return EXIT_FAILURE;
    }
  }
  kiosk.max_items = max_items;
  g_mutex_init (&kiosk.lock);

  kiosk.playbin = gst_element_factory_make ("playbin3", NULL);
  audio_track = make_tracker (&tracker);
  video_track = make_tracker (&tracker);
  if (kiosk.playbin == NULL || audio_track == NULL || video_track == NULL) {
    g_printerr ("playbin3 or mediaedgetrack is missing "
        "(GST_PLUGIN_PATH?)\n");
    return EXIT_FAILURE;
  }
  g_object_set (kiosk.playbin, "uri", take_next_uri (&kiosk),
      "audio-filter", audio_track, "video-filter", video_track, NULL);
  if (fake_sinks) {
    g_free (video_sink);
    g_free (audio_sink);
    video_sink = g_strdup ("fakesink sync=true");
    audio_sink = g_strdup ("fakesink sync=true");
  }
  if (!set_sink (kiosk.playbin, "video-sink", video_sink)
      || !set_sink (kiosk.playbin, "audio-sink", audio_sink))
    return EXIT_FAILURE;
  g_signal_connect (kiosk.playbin, "about-to-finish",
      G_CALLBACK (on_about_to_finish), &kiosk);

  kiosk.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (kiosk.playbin);
  gst_bus_add_watch (bus, on_bus_message, &kiosk);
  g_unix_signal_add (SIGINT, on_stop_signal, &kiosk);
  g_unix_signal_add (SIGTERM, on_stop_signal, &kiosk);

  gst_element_set_state (kiosk.playbin, GST_STATE_PLAYING);
  g_main_loop_run (kiosk.loop);

  if (kiosk.restart_id)
    g_source_remove (kiosk.restart_id);
  gst_element_set_state (kiosk.playbin, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (kiosk.playbin);
  g_main_loop_unref (kiosk.loop);
  g_mutex_clear (&kiosk.lock);
  g_strfreev (kiosk.uris);
  g_free (tracker.config_id);
  g_free (tracker.endpoint);
  g_free (tracker.proxy);
  g_free (tracker.ca_file);
  g_free (video_sink);
  g_free (audio_sink);

  return EXIT_SUCCESS;
}
