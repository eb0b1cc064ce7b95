/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* ad-break-player: plays a gst-launch-1.0 line whose mediaedgetrack is
 * named "track" and, once it plays, opens an ad break with one long ad,
 * as examples/ad-break.py does through the action signals: the element
 * then pings every ad-ping-interval (1 s at the least, where main
 * content pings every 10 s at the least). It plays until the end of the
 * stream, or until it is killed.
 *
 *   ad-break-player 'LINE'
 *
 * Prints "ad started" once the ad break was opened. */

#include <stdlib.h>
#include <gst/gst.h>

static gboolean
emit (GstElement * track, const gchar * signal, const gchar * fields)
{
  GstStructure *s = gst_structure_from_string (fields, NULL);
  gboolean accepted = FALSE;

  g_signal_emit_by_name (track, signal, s, &accepted);
  gst_structure_free (s);

  return accepted;
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) track = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) end = NULL;

  gst_init (&argc, &argv);
  if (argc != 2) {
    g_printerr ("usage: %s 'LINE'\n", argv[0]);
    return EXIT_FAILURE;
  }
  pipeline = gst_parse_launch (argv[1], &error);
  if (pipeline == NULL) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  track = gst_bin_get_by_name (GST_BIN (pipeline), "track");
  if (track == NULL) {
    g_printerr ("no element named track\n");
    return EXIT_FAILURE;
  }
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  if (gst_element_get_state (pipeline, NULL, NULL, 10 * GST_SECOND)
      != GST_STATE_CHANGE_SUCCESS
      || !emit (track, "ad-break-start", "pod, index=1, offset=0")
      || !emit (track, "ad-start", "ad, name=(string)a1, length=600, "
          "podPosition=1")) {
    g_printerr ("the ad break did not start\n");
    return EXIT_FAILURE;
  }
  g_print ("ad started\n");

  bus = gst_element_get_bus (pipeline);
  end = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return GST_MESSAGE_TYPE (end) == GST_MESSAGE_EOS ? EXIT_SUCCESS :
      EXIT_FAILURE;
}
