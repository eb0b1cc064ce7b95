/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* mediaedge-edge-server: a local Media Edge API on 127.0.0.1 that prints
 * one line per event as it arrives.
 *
 *   mediaedge-edge-server [--port N] [--port-file FILE]
 *
 * then point the element at it:
 *   mediaedgetrack config-id=local endpoint=http://127.0.0.1:N/ee/va/v1 */

#include <stdlib.h>
#include <glib-unix.h>

#include "edge-server.h"

static gboolean
on_signal (gpointer loop)
{
  g_main_loop_quit (loop);
  return G_SOURCE_REMOVE;
}

int
main (int argc, char **argv)
{
  gint port = 0;
  gchar *port_file = NULL;
  GOptionEntry entries[] = {
    {"port", 'p', 0, G_OPTION_ARG_INT, &port, "Port on 127.0.0.1 (0: any)",
        "N"},
    {"port-file", 0, 0, G_OPTION_ARG_FILENAME, &port_file,
        "Write the port to FILE once listening", "FILE"},
    {NULL}
  };
  g_autoptr (GOptionContext) options = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EdgeServer) server = NULL;
  g_autoptr (GMainLoop) loop = NULL;
  g_autofree gchar *endpoint = NULL;

  g_option_context_set_summary (options,
      "A local Media Edge API that prints the events it receives.");
  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }

  server = edge_server_new (port, &error);
  if (server == NULL) {
    g_printerr ("Could not listen on 127.0.0.1:%d: %s\n", port, error->message);
    return EXIT_FAILURE;
  }
  edge_server_set_output (server, stdout);
  endpoint = edge_server_get_endpoint (server);
  g_print ("Media Edge API listening at %s\n", endpoint);
  g_print ("Media Collection API (api=collection) at http://127.0.0.1:%u\n",
      edge_server_get_port (server));
  if (port_file) {
    g_autofree gchar *text = g_strdup_printf ("%u\n",
        edge_server_get_port (server));
    if (!g_file_set_contents (port_file, text, -1, &error)) {
      g_printerr ("%s\n", error->message);
      return EXIT_FAILURE;
    }
  }

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal, loop);
  g_unix_signal_add (SIGTERM, on_signal, loop);
  g_main_loop_run (loop);
  g_free (port_file);

  return EXIT_SUCCESS;
}
