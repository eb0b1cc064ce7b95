/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Benchmark: what a server that holds every answer for 5 s does to the
 * media path. Two local edge servers in this process, each on its own
 * thread on 127.0.0.1: one answers at once, the other holds every answer
 * for --delay-ms. The same pipelines run against each, alternating:
 *
 *   throughput: videotestsrc num-buffers=N ! 320x240 at 1000/1 !
 *     mediaedgetrack ! fakesink sync=false; buffers/s from PLAYING to EOS
 *   live: videotestsrc is-live=true ! 320x240 at 100/1 ! mediaedgetrack !
 *     fakesink sync=true for --seconds, then EOS
 *
 * and for each run the longest gap between two buffers arriving at the
 * sink (a probe on its sink pad, monotonic time) against the nominal
 * interval (the mean one for throughput, the frame duration when live).
 * The gap before the second buffer is shown apart: a live pipeline's start
 * makes it some 30 ms whatever is in the middle. The same pipelines with
 * identity in place of the tracker run too, as the control: what the
 * machine and GStreamer do without a tracker. Each run also gives the
 * streaming thread's CPU time per buffer (first buffer to EOS), which
 * other processes on the machine do not change as they change wall time.
 * An ad break and an ad are opened before PLAYING (ad-ping-interval=1),
 * so that a ping falls due every second and requests queue behind the
 * held ones; --no-ad reports main content only (a ping every 10 s).
 * Timing stops at EOS: READY→NULL, which waits flush-timeout for what is
 * queued, is outside it. Prints figures and never fails on time.
 *
 *   bench-server-stall [--buffers N] [--runs R] [--delay-ms D]
 *       [--seconds S] [--request-timeout MS] [--no-ad] [--verbose] */

#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <gst/gst.h>

#include "edge-server.h"

#define LIVE_FPS 100

typedef enum
{
  THROUGHPUT,
  LIVE,
} Mode;

/* What each run is told */
typedef struct
{
  guint buffers;
  guint seconds;
  gboolean ad;
  guint request_timeout;        /* 0: the element's default */
  gboolean verbose;
} Options;

/* Gaps this much longer than a frame or longer are kept, to be named */
#define LONG_GAP_US 5000

typedef struct
{
  gint64 gap_us;
  gint64 end_us;                /* monotonic, when the later buffer came */
  guint64 index;                /* of that buffer */
} Gap;

/* What the probe on the sink's pad saw; written by the streaming thread
 * only, read after EOS */
typedef struct
{
  guint64 buffers;
  gint64 first_us;
  gint64 last_us;
  gint64 first_gap_us;          /* before the second buffer */
  gint64 longest_gap_us;        /* from the third buffer on */
  guint64 longest_gap_at;       /* the index of the buffer after it */
  gint64 longest_gap_when_us;   /* since the first buffer */
  GArray *long_gaps;            /* of Gap, each LONG_GAP_US or more over
                                 * keep_over_us */
  gint64 keep_over_us;          /* a frame, when live; 0 */
  glong thread;                 /* the streaming thread's id */
  gint64 first_cpu_ns;          /* its CPU time at the first buffer */
  gint64 eos_cpu_ns;            /* and at the EOS */
} Arrivals;

typedef struct
{
  gdouble buffers_per_s;
  gdouble cpu_ns;               /* the streaming thread's, per buffer */
  gdouble nominal_us;
  gint64 first_gap_us;
  gint64 longest_gap_us;
  guint64 longest_gap_at;
  gint64 longest_gap_when_us;
  guint64 late;                 /* gaps over the nominal interval + 5 ms */
  GArray *long_gaps;
  gint64 first_us;
  glong thread;
  guint64 buffers;
  guint requests;
  gchar *stats_at_eos;
  gchar *stats_after_null;
} Result;

static gint64
thread_cpu_ns (void)
{
  struct timespec now;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);

  return (gint64) now.tv_sec * G_GINT64_CONSTANT (1000000000) + now.tv_nsec;
}

/* The streaming thread's CPU time from the first buffer to the EOS: what
 * the pipeline cost, whoever else used the CPUs meanwhile */
static GstPadProbeReturn
on_event (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Arrivals *arrivals = user_data;

  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_EOS)
    arrivals->eos_cpu_ns = thread_cpu_ns ();

  return GST_PAD_PROBE_OK;
}

static GstPadProbeReturn
on_buffer (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  Arrivals *arrivals = user_data;
  gint64 now = g_get_monotonic_time ();

  if (arrivals->buffers == 1) {
    arrivals->first_gap_us = now - arrivals->last_us;
  } else if (arrivals->buffers > 1) {
    gint64 gap = now - arrivals->last_us;

    if (gap > arrivals->longest_gap_us) {
      arrivals->longest_gap_us = gap;
      arrivals->longest_gap_at = arrivals->buffers;
      arrivals->longest_gap_when_us = now - arrivals->first_us;
    }
    if (gap >= arrivals->keep_over_us + LONG_GAP_US) {
      Gap long_gap = { gap, now, arrivals->buffers };

      g_array_append_val (arrivals->long_gaps, long_gap);
    }
  } else {
    arrivals->first_us = now;
    arrivals->thread = syscall (SYS_gettid);
    arrivals->first_cpu_ns = thread_cpu_ns ();
  }
  arrivals->last_us = now;
  arrivals->buffers++;

  return GST_PAD_PROBE_OK;
}

static gchar *
dup_stats (GstElement * track)
{
  g_autoptr (GstStructure) stats = NULL;

  g_object_get (track, "stats", &stats, NULL);

  return stats ? gst_structure_to_string (stats) : g_strdup ("(none)");
}

/* A pre-roll ad break and ad: a ping every ad-ping-interval seconds */
static gboolean
open_ad (GstElement * track)
{
  g_autoptr (GstStructure) pod =
      gst_structure_from_string ("pod, index=0, offset=0", NULL);
  g_autoptr (GstStructure) ad =
      gst_structure_from_string ("ad, name=(string)bench, length=3600, "
      "podPosition=1", NULL);
  gboolean accepted = FALSE;

  g_signal_emit_by_name (track, "ad-break-start", pod, &accepted);
  if (accepted)
    g_signal_emit_by_name (track, "ad-start", ad, &accepted);

  return accepted;
}

/* One run of @mode with the tracker reporting to @server, or with identity
 * in its place when @server is NULL */
static gboolean
run_once (Mode mode, EdgeServer * server, const Options * options,
    Result * result)
{
  g_autofree gchar *endpoint = server ? edge_server_get_endpoint (server) :
      NULL;
  g_autofree gchar *timeout = options->request_timeout ?
      g_strdup_printf (" request-timeout=%u", options->request_timeout) :
      g_strdup ("");
  g_autofree gchar *middle = server ? g_strdup_printf ("mediaedgetrack "
      "name=track endpoint=%s config-id=bench state-dir=\"\" "
      "ad-ping-interval=1 flush-timeout=100%s", endpoint, timeout) :
      g_strdup ("identity name=track");
  g_autofree gchar *line = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) track = NULL;
  g_autoptr (GstElement) sink = NULL;
  g_autoptr (GstPad) pad = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) end = NULL;
  Arrivals arrivals = { 0 };
  guint requests = server ? edge_server_count_requests (server) : 0;
  gint64 start, wall_us;

  if (mode == THROUGHPUT)
    line = g_strdup_printf ("videotestsrc num-buffers=%u pattern=black ! "
        "video/x-raw,width=320,height=240,framerate=1000/1 ! %s ! "
        "fakesink name=sink sync=false", options->buffers, middle);
  else
    line = g_strdup_printf ("videotestsrc is-live=true pattern=black ! "
        "video/x-raw,width=320,height=240,framerate=%u/1 ! %s ! "
        "fakesink name=sink sync=true", LIVE_FPS, middle);
  pipeline = gst_parse_launch (line, &error);
  if (pipeline == NULL || error) {
    g_printerr ("%s: %s\n", line, error ? error->message : "no pipeline");
    return FALSE;
  }
  track = gst_bin_get_by_name (GST_BIN (pipeline), "track");
  sink = gst_bin_get_by_name (GST_BIN (pipeline), "sink");
  pad = gst_element_get_static_pad (sink, "sink");
  arrivals.long_gaps = g_array_new (FALSE, FALSE, sizeof (Gap));
  if (mode == LIVE)
    arrivals.keep_over_us = G_USEC_PER_SEC / LIVE_FPS;
  result->long_gaps = arrivals.long_gaps;
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &arrivals,
      NULL);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_event,
      &arrivals, NULL);
  bus = gst_element_get_bus (pipeline);

  if (server && options->ad && !open_ad (track)) {
    g_printerr ("the ad break or the ad was refused\n");
    return FALSE;
  }
  gst_element_set_state (pipeline, GST_STATE_PAUSED);
  gst_element_get_state (pipeline, NULL, NULL, GST_CLOCK_TIME_NONE);
  start = g_get_monotonic_time ();
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  if (mode == LIVE) {
    end = gst_bus_timed_pop_filtered (bus, options->seconds * GST_SECOND,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    if (end == NULL) {
      gst_element_send_event (pipeline, gst_event_new_eos ());
      end = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
          GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
    }
  } else {
    end = gst_bus_timed_pop_filtered (bus, GST_CLOCK_TIME_NONE,
        GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  }
  wall_us = g_get_monotonic_time () - start;
  if (server)
    result->stats_at_eos = dup_stats (track);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  if (server) {
    result->stats_after_null = dup_stats (track);
    result->requests = edge_server_count_requests (server) - requests;
  }

  if (GST_MESSAGE_TYPE (end) == GST_MESSAGE_ERROR) {
    g_autoptr (GError) problem = NULL;

    gst_message_parse_error (end, &problem, NULL);
    g_printerr ("%s: %s\n", line, problem->message);
    return FALSE;
  }

  result->buffers = arrivals.buffers;
  result->buffers_per_s = arrivals.buffers * (gdouble) G_USEC_PER_SEC / wall_us;
  result->cpu_ns = arrivals.buffers > 1 && arrivals.eos_cpu_ns ?
      (arrivals.eos_cpu_ns - arrivals.first_cpu_ns) /
      (gdouble) (arrivals.buffers - 1) : 0;
  result->nominal_us = mode == LIVE ? (gdouble) G_USEC_PER_SEC / LIVE_FPS :
      arrivals.buffers > 1 ? (arrivals.last_us - arrivals.first_us) /
      (gdouble) (arrivals.buffers - 1) : 0;
  result->first_gap_us = arrivals.first_gap_us;
  result->longest_gap_us = arrivals.longest_gap_us;
  result->longest_gap_at = arrivals.longest_gap_at;
  result->longest_gap_when_us = arrivals.longest_gap_when_us;
  result->first_us = arrivals.first_us;
  result->thread = arrivals.thread;
  for (guint i = 0; i < arrivals.long_gaps->len; i++)
    if (g_array_index (arrivals.long_gaps, Gap, i).gap_us >
        result->nominal_us + LONG_GAP_US)
      result->late++;

  return TRUE;
}

static void
result_clear (Result * result)
{
  g_clear_pointer (&result->stats_at_eos, g_free);
  g_clear_pointer (&result->stats_after_null, g_free);
  g_clear_pointer (&result->long_gaps, g_array_unref);
}

static void
print_run (const gchar * variant, guint run, const Result * r, gboolean verbose)
{
  g_print ("  %-10s run %u: %7" G_GUINT64_FORMAT " buffers, %8.1f buffers/s,"
      " %6.0f ns of streaming-thread CPU per buffer; first gap %6.3f ms; longest after it %6.3f ms (nominal %6.3f, over"
      " it %6.3f) at buffer %" G_GUINT64_FORMAT " (%.3f s in); %"
      G_GUINT64_FORMAT " gaps > nominal + 5 ms", variant, run, r->buffers,
      r->buffers_per_s, r->cpu_ns, r->first_gap_us / 1000.0,
      r->longest_gap_us / 1000.0, r->nominal_us / 1000.0,
      (r->longest_gap_us - r->nominal_us) / 1000.0, r->longest_gap_at,
      r->longest_gap_when_us / 1e6, r->late);
  if (r->stats_at_eos)
    g_print ("; %u requests", r->requests);
  g_print ("\n");
  if (!verbose)
    return;
  g_print ("    streaming thread %ld, first buffer at %" G_GINT64_FORMAT
      " us (monotonic)\n", r->thread, r->first_us);
  for (guint i = 0; i < r->long_gaps->len; i++) {
    const Gap *gap = &g_array_index (r->long_gaps, Gap, i);

    g_print ("    gap of %.3f ms before buffer %" G_GUINT64_FORMAT ", %.3f s "
        "in, ending at %" G_GINT64_FORMAT " us (monotonic)\n",
        gap->gap_us / 1000.0, gap->index,
        (gap->end_us - r->first_us) / 1e6, gap->end_us);
  }
}

static gint
compare_doubles (gconstpointer a, gconstpointer b)
{
  gdouble x = *(const gdouble *) a, y = *(const gdouble *) b;

  return x < y ? -1 : x > y;
}

static gdouble
median (gdouble * values, guint n)
{
  qsort (values, n, sizeof (gdouble), compare_doubles);

  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

#define VARIANTS 3
#define RESPONSIVE 1
#define STALLED 2

/* @runs runs of @mode with identity and against each server, alternating;
 * TRUE when all reached EOS */
static gboolean
measure (Mode mode, EdgeServer * servers[VARIANTS], guint runs,
    const Options * options)
{
  const gchar *names[VARIANTS] = { "identity", "responsive", "stalled" };
  g_autofree gdouble *rates = g_new0 (gdouble, VARIANTS * runs);
  g_autofree gdouble *cpus = g_new0 (gdouble, VARIANTS * runs);
  g_autofree gdouble *paired = g_new0 (gdouble, runs);
  gdouble best[VARIANTS] = { 0 }, medians[VARIANTS], cpu_medians[VARIANTS];
  gdouble worst_over[VARIANTS] = { 0 };
  gint64 longest[VARIANTS] = { 0 }, first[VARIANTS] = { 0 };
  guint requests[VARIANTS] = { 0 };
  guint64 late[VARIANTS] = { 0 };
  Result last[VARIANTS] = { {0} };
  gboolean ok = TRUE;

  if (mode == THROUGHPUT)
    g_print ("throughput: %u buffers of 320x240 at 1000/1 to fakesink "
        "sync=false, %u run(s) each, alternating\n", options->buffers, runs);
  else
    g_print ("live: %u s of 320x240 at %u/1 from a live videotestsrc to "
        "fakesink sync=true, %u run(s) each, alternating\n",
        options->seconds, LIVE_FPS, runs);

  for (guint run = 0; ok && run < runs; run++) {
    for (guint v = 0; ok && v < VARIANTS; v++) {
      Result result = { 0 };

      ok = run_once (mode, servers[v], options, &result);
      if (!ok) {
        result_clear (&result);
        break;
      }
      print_run (names[v], run + 1, &result, options->verbose);
      rates[v * runs + run] = result.buffers_per_s;
      cpus[v * runs + run] = result.cpu_ns;
      best[v] = MAX (best[v], result.buffers_per_s);
      first[v] = MAX (first[v], result.first_gap_us);
      if (result.longest_gap_us > longest[v]) {
        longest[v] = result.longest_gap_us;
        worst_over[v] = result.longest_gap_us - result.nominal_us;
      }
      requests[v] += result.requests;
      late[v] += result.late;
      result_clear (&last[v]);
      last[v] = result;
    }
  }

  if (ok) {
    gdouble spread[VARIANTS];

    for (guint run = 0; run < runs; run++)
      paired[run] = rates[STALLED * runs + run] /
          rates[RESPONSIVE * runs + run];
    for (guint v = 0; v < VARIANTS; v++) {
      gdouble low = G_MAXDOUBLE, high = 0;

      for (guint run = 0; run < runs; run++) {
        low = MIN (low, rates[v * runs + run]);
        high = MAX (high, rates[v * runs + run]);
      }
      spread[v] = (high - low) / high;
      medians[v] = median (rates + v * runs, runs);
      cpu_medians[v] = median (cpus + v * runs, runs);
      g_print ("  %-10s median %8.1f buffers/s, best %8.1f, runs spread "
          "%.2f %%; median %6.0f ns of streaming-thread CPU per buffer; "
          "first gap up to %6.3f ms; longest after it %6.3f ms, "
          "%6.3f over nominal; %" G_GUINT64_FORMAT " gaps > nominal + 5 ms",
          names[v], medians[v], best[v], spread[v] * 100, cpu_medians[v],
          first[v] / 1000.0, longest[v] / 1000.0, worst_over[v] / 1000.0,
          late[v]);
      if (servers[v])
        g_print ("; %u requests seen by the server", requests[v]);
      g_print ("\n");
    }
    g_print ("  stalled/responsive: of the medians %.4f (%+.2f %%), of the "
        "bests %.4f (%+.2f %%), median of each run's pair %.4f (%+.2f %%); "
        "responsive/identity: of the medians %.4f\n",
        medians[STALLED] / medians[RESPONSIVE],
        (medians[STALLED] / medians[RESPONSIVE] - 1) * 100,
        best[STALLED] / best[RESPONSIVE],
        (best[STALLED] / best[RESPONSIVE] - 1) * 100,
        median (paired, runs), (median (paired, runs) - 1) * 100,
        medians[RESPONSIVE] / medians[0]);
    /* a live thread mostly sleeps: its CPU per buffer is wake-ups' noise */
    if (mode == THROUGHPUT)
      g_print ("  stalled/responsive, streaming-thread CPU per buffer: %.4f "
          "(%+.2f %%)\n", cpu_medians[STALLED] / cpu_medians[RESPONSIVE],
          (cpu_medians[STALLED] / cpu_medians[RESPONSIVE] - 1) * 100);
    for (guint v = RESPONSIVE; v <= STALLED; v++) {
      g_print ("  %-10s stats of the last run at EOS:     %s\n", names[v],
          last[v].stats_at_eos);
      g_print ("  %-10s stats of the last run after NULL: %s\n", names[v],
          last[v].stats_after_null);
    }
  }
  for (guint v = 0; v < VARIANTS; v++)
    result_clear (&last[v]);

  return ok;
}

int
main (int argc, char **argv)
{
  guint runs = 3, delay_ms = 5000;
  Options run_options = { 600000, 20, TRUE, 0, FALSE };
  gboolean no_ad = FALSE;
  GOptionEntry entries[] = {
    {"buffers", 'n', 0, G_OPTION_ARG_INT, &run_options.buffers,
        "Buffers per throughput run", "N"},
    {"runs", 'r', 0, G_OPTION_ARG_INT, &runs,
        "Runs of each pipeline against each server", "R"},
    {"delay-ms", 'd', 0, G_OPTION_ARG_INT, &delay_ms,
        "How long the stalled server holds every answer", "MS"},
    {"seconds", 's', 0, G_OPTION_ARG_INT, &run_options.seconds,
        "Seconds per live run (0: no live runs)", "S"},
    {"request-timeout", 't', 0, G_OPTION_ARG_INT,
          &run_options.request_timeout,
        "The tracker's request-timeout in ms (default: the element's)", "MS"},
    {"verbose", 'v', 0, G_OPTION_ARG_NONE, &run_options.verbose,
        "The streaming thread's id and every gap of 5 ms or more, with its "
          "monotonic time (to find it in perf's record)", NULL},
    {"no-ad", 0, 0, G_OPTION_ARG_NONE, &no_ad,
        "Main content only: a ping every 10 s, not every second", NULL},
    {NULL}
  };
  g_autoptr (GOptionContext) options = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (EdgeServer) responsive = NULL;
  g_autoptr (EdgeServer) stalled = NULL;
  EdgeServer *servers[VARIANTS];

  g_option_context_add_main_entries (options, entries, NULL);
  g_option_context_add_group (options, gst_init_get_option_group ());
  if (!g_option_context_parse (options, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  run_options.ad = !no_ad;
  if (runs == 0 || run_options.buffers < 2) {
    g_printerr ("--runs must be at least 1, --buffers at least 2\n");
    return EXIT_FAILURE;
  }
  responsive = edge_server_new_threaded (&error);
  if (responsive)
    stalled = edge_server_new_threaded (&error);
  if (stalled == NULL) {
    g_printerr ("no local edge server: %s\n", error->message);
    return EXIT_FAILURE;
  }
  edge_server_stall_next (stalled, G_MAXUINT, delay_ms);
  servers[0] = NULL;
  servers[RESPONSIVE] = responsive;
  servers[STALLED] = stalled;

  g_print ("a server that holds every answer for %u ms, beside one that "
      "answers at once%s; request-timeout %s\n", delay_ms, no_ad ? "" :
      "; an ad plays: a ping due every second", run_options.request_timeout ?
      "as given" : "the element's default");
  if (!measure (THROUGHPUT, servers, runs, &run_options))
    return EXIT_FAILURE;
  if (run_options.seconds > 0 && !measure (LIVE, servers, runs, &run_options))
    return EXIT_FAILURE;

  return EXIT_SUCCESS;
}
