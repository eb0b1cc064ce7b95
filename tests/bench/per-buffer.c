/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Benchmark: what mediaedgetrack costs per buffer, beside a direct link,
 * valve and identity, in one run: `fakesrc num-buffers=N sizetype=empty !
 * X ! fakesink`, wall and CPU time from PLAYING to EOS, the best of a few
 * runs. The tracker reports to a local edge server in this process. It
 * prints figures and never fails on time; tests/bench/callgrind.sh counts
 * instructions instead.
 *
 *   bench-per-buffer [--buffers N] [--runs R] */

#include <stdlib.h>
#include <sys/resource.h>
#include <gst/gst.h>

#include "edge-server.h"

typedef struct
{
  const gchar *name;
  const gchar *element;         /* NULL: a direct link */
} Variant;

typedef struct
{
  gdouble wall_ns;
  gdouble cpu_ns;
} Cost;

static gint64
cpu_time_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return (gint64) usage.ru_utime.tv_sec * G_USEC_PER_SEC +
      usage.ru_utime.tv_usec + (gint64) usage.ru_stime.tv_sec *
      G_USEC_PER_SEC + usage.ru_stime.tv_usec;
}

/* One run of @line to EOS: its wall and CPU time per buffer */
static gboolean
run_once (const gchar * line, guint buffers, Cost * cost)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = gst_parse_launch (line, &error);
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) end = NULL;
  gint64 wall, cpu;

  if (pipeline == NULL || error) {
    g_printerr ("%s: %s\n", line, error ? error->message : "no pipeline");
    return FALSE;
  }
  bus = gst_element_get_bus (pipeline);
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  gst_element_get_state (pipeline, NULL, NULL, GST_CLOCK_TIME_NONE);
  wall = g_get_monotonic_time ();
  cpu = cpu_time_us ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  end = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
      GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  cost->wall_ns = (g_get_monotonic_time () - wall) * 1000.0 / buffers;
  cost->cpu_ns = (cpu_time_us () - cpu) * 1000.0 / buffers;
  gst_element_set_state (pipeline, GST_STATE_NULL);

  return GST_MESSAGE_TYPE (end) == GST_MESSAGE_EOS;
}

/* The best of @runs runs of @variant */
static gboolean
measure (const Variant * variant, const gchar * endpoint, guint buffers,
    guint runs, Cost * best)
{
  g_autofree gchar *line = g_strdup_printf ("fakesrc num-buffers=%u "
      "sizetype=empty%s%s%s%s ! fakesink", buffers,
      variant->element ? " ! " : "",
      variant->element ? variant->element : "",
      variant->element && g_str_has_prefix (variant->element,
          "mediaedgetrack") ? " endpoint=" : "",
      variant->element && g_str_has_prefix (variant->element,
          "mediaedgetrack") ? endpoint : "");

  best->wall_ns = best->cpu_ns = G_MAXDOUBLE;
  for (guint i = 0; i < runs; i++) {
    Cost cost;

    if (!run_once (line, buffers, &cost))
      return FALSE;
    best->wall_ns = MIN (best->wall_ns, cost.wall_ns);
    best->cpu_ns = MIN (best->cpu_ns, cost.cpu_ns);
  }

  return TRUE;
}

int
main (int argc, char **argv)
{
  const Variant variants[] = {
    {"direct", NULL},
    {"valve", "valve"},
    {"identity", "identity"},
    {"mediaedgetrack", "mediaedgetrack config-id=bench state-dir=\"\""},
  };
  guint buffers = 200000, runs = 3;
  GOptionEntry entries[] = {
    {"buffers", 'n', 0, G_OPTION_ARG_INT, &buffers, "Buffers per run", "N"},
    {"runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs, the best kept", "R"},
    {NULL}
  };
  g_autoptr (GOptionContext) options = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EdgeServer) server = NULL;
  g_autofree gchar *endpoint = NULL;
  Cost costs[G_N_ELEMENTS (variants)];

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  server = edge_server_new_threaded (&error);
  if (server == NULL) {
    g_printerr ("no local edge server: %s\n", error->message);
    return EXIT_FAILURE;
  }
  endpoint = edge_server_get_endpoint (server);

  g_print ("per buffer, best of %u runs of %u buffers\n", runs, buffers);
  g_print ("%-16s %10s %10s %12s\n", "element", "wall ns", "cpu ns",
      "wall/identity");
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    if (!measure (&variants[i], endpoint, buffers, runs, &costs[i]))
      return EXIT_FAILURE;
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    g_print ("%-16s %10.1f %10.1f %12.2f\n", variants[i].name,
        costs[i].wall_ns, costs[i].cpu_ns, costs[i].wall_ns / costs[2].wall_ns);

  return EXIT_SUCCESS;
}
