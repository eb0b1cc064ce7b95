/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* mediaedge-demo: a real pipeline reporting to a local Media Edge server
 * started in this process, which prints each event as it arrives.
 *
 * The viewer watches 12 s (a ping comes at 10 s), pauses for 3 s, watches
 * the 6 s left to the end of the content: sessionStart, play, ping,
 * pauseStart, play, ping, sessionComplete. Ctrl-C stops it early, the
 * way a viewer leaves: sessionEnd.
 *
 *   mediaedge-demo [--sink autovideosink] */

#include <stdlib.h>
#include <glib-unix.h>
#include <gst/gst.h>

#include "edge-server.h"

typedef struct
{
  GstElement *pipeline;
  GMainLoop *loop;
  gint exit_code;
} Demo;

/* Ctrl-C: the viewer leaves, the pipeline stops, sessionEnd goes out */
static gboolean
on_interrupt (gpointer data)
{
  Demo *demo = data;

  g_main_loop_quit (demo->loop);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_bus_message (GstBus * bus, GstMessage * message, gpointer data)
{
  Demo *demo = data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_EOS:
      g_main_loop_quit (demo->loop);
      break;
    case GST_MESSAGE_ERROR:{
      g_autoptr (GError) error = NULL;
      g_autofree gchar *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      g_printerr ("Error: %s\n%s\n", error->message, GST_STR_NULL (debug));
      demo->exit_code = EXIT_FAILURE;
      g_main_loop_quit (demo->loop);
      break;
    }
    case GST_MESSAGE_ELEMENT:{
      const GstStructure *s = gst_message_get_structure (message);

      if (gst_structure_has_name (s, "mediaedge-session"))
        g_print ("                 [element] session %s %s\n",
            gst_structure_get_string (s, "session-id"),
            gst_structure_get_string (s, "event"));
      break;
    }
    default:
      break;
  }

  return G_SOURCE_CONTINUE;
}

static gboolean
pause_playback (gpointer data)
{
  Demo *demo = data;

  g_print ("                 [viewer] pause\n");
  gst_element_set_state (demo->pipeline, GST_STATE_PAUSED);

  return G_SOURCE_REMOVE;
}

static gboolean
resume_playback (gpointer data)
{
  Demo *demo = data;

  g_print ("                 [viewer] play\n");
  gst_element_set_state (demo->pipeline, GST_STATE_PLAYING);

  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  const gchar *sink = "fakesink sync=true";
  gchar *sink_option = NULL;
  gchar *api = NULL;
  GOptionEntry entries[] = {
    {"sink", 's', 0, G_OPTION_ARG_STRING, &sink_option,
        "Video sink (default: fakesink sync=true)", "SINK"},
    {"api", 'a', 0, G_OPTION_ARG_STRING, &api,
        "Adobe API to report to: edge (default) or collection", "API"},
    {NULL}
  };
  g_autoptr (GOptionContext) options = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EdgeServer) server = NULL;
  g_autofree gchar *endpoint = NULL;
  g_autofree gchar *description = NULL;
  g_autoptr (GstBus) bus = NULL;
  Demo demo = { NULL, NULL, EXIT_SUCCESS };

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  if (sink_option)
    sink = sink_option;

  server = edge_server_new_threaded (&error);
  if (server == NULL) {
    g_printerr ("Could not start the local edge server: %s\n", error->message);
    return EXIT_FAILURE;
  }
  edge_server_set_output (server, stdout);
  if (g_strcmp0 (api, "collection") == 0) {
    /* the same server speaks the Media Collection API at its root */
    endpoint = g_strdup_printf ("http://127.0.0.1:%u api=collection "
        "tracking-server=demo.example.com report-suite=demo-rsid "
        "visitor-id=demo-visitor org-id=DEMO@AdobeOrg",
        edge_server_get_port (server));
    g_print ("Local Media Collection API server at http://127.0.0.1:%u\n",
        edge_server_get_port (server));
  } else if (api == NULL || g_strcmp0 (api, "edge") == 0) {
    endpoint = edge_server_get_endpoint (server);
    g_print ("Local Media Edge server at %s\n", endpoint);
  } else {
    g_printerr ("--api: edge or collection, not '%s'\n", api);
    return EXIT_FAILURE;
  }

  description = g_strdup_printf ("videotestsrc num-buffers=450 ! "
      "video/x-raw,width=320,height=240,framerate=25/1 ! "
      "mediaedgetrack config-id=demo-datastream endpoint=%s "
      "content-id=demo-test-pattern content-name=\"Test pattern\" "
      "channel=demo length=18 ! videoconvert ! %s", endpoint, sink);
  g_print ("Pipeline: %s\n\n", description);
  demo.pipeline = gst_parse_launch (description, &error);
  /* a missing element is an error with a pipeline all the same */
  if (error) {
    g_printerr ("Could not build the pipeline: %s\n", error->message);
    gst_clear_object (&demo.pipeline);
    return EXIT_FAILURE;
  }

  demo.loop = g_main_loop_new (NULL, FALSE);
  bus = gst_element_get_bus (demo.pipeline);
  gst_bus_add_watch (bus, on_bus_message, &demo);
  g_unix_signal_add (SIGINT, on_interrupt, &demo);

  g_print ("time (UTC)    event             playhead  session\n");
  gst_element_set_state (demo.pipeline, GST_STATE_PLAYING);
  g_timeout_add_seconds (12, pause_playback, &demo);
  g_timeout_add_seconds (15, resume_playback, &demo);
  g_main_loop_run (demo.loop);

  gst_element_set_state (demo.pipeline, GST_STATE_NULL);
  gst_bus_remove_watch (bus);
  gst_object_unref (demo.pipeline);
  g_main_loop_unref (demo.loop);
  g_free (sink_option);
  g_free (api);

  g_print ("\n%u requests reached the server.\n",
      edge_server_count_records (server));

  return demo.exit_code;
}
