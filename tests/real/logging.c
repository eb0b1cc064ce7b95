/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What a user sees with GST_DEBUG, in a real gst-launch-1.0 run against
 * the bundled edge server: every request body and every answer, each on a
 * line that names the element, and the datastream id only at TRACE. */

#include <string.h>
#include <gio/gio.h>
#include <gst/check/gstcheck.h>

#include "edge-server.h"

#define DATASTREAM_ID "real-logging-datastream"
#define ELEMENT_NAME "tracker-under-test"

/* The stderr of a gst-launch-1.0 line run to its end. Each word is an
 * argument of its own: gst-launch-1.0 escapes the spaces inside one. */
static gchar *
run_launch_line (const gchar * endpoint)
{
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
      G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) launch = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *line = g_strdup_printf ("gst-launch-1.0 videotestsrc "
      "num-buffers=20 ! video/x-raw,framerate=20/1,width=64,height=48 ! "
      "mediaedgetrack name=" ELEMENT_NAME " config-id=" DATASTREAM_ID
      " endpoint=%s ! fakesink sync=true", endpoint);
  g_auto (GStrv) argv = g_strsplit (line, " ", -1);
  gchar *log = NULL;

  g_subprocess_launcher_setenv (launcher, "GST_DEBUG", "mediaedge*:7", TRUE);
  g_subprocess_launcher_setenv (launcher, "GST_DEBUG_NO_COLOR", "1", TRUE);
  launch = g_subprocess_launcher_spawnv (launcher,
      (const gchar * const *) argv, &error);
  fail_unless (launch != NULL, "%s", error ? error->message : "");
  fail_unless (g_subprocess_communicate_utf8 (launch, NULL, NULL, NULL, &log,
          &error), "%s", error ? error->message : "");
  fail_unless (g_subprocess_get_if_exited (launch)
      && g_subprocess_get_exit_status (launch) == 0, "%s", log);

  return log;
}

/* GStreamer's log lines: time, pid, thread, LEVEL, category, place, text */
static const gchar *
line_level (const gchar * line)
{
  static const gchar *const levels[] = { "ERROR", "WARN", "FIXME", "INFO",
    "DEBUG", "LOG", "TRACE", "MEMDUMP"
  };
  g_auto (GStrv) words = g_strsplit_set (line, " ", -1);

  for (guint i = 0; words[i]; i++)
    for (guint j = 0; j < G_N_ELEMENTS (levels); j++)
      if (g_str_equal (words[i], levels[j]))
        return levels[j];

  return NULL;
}

static gboolean
below_trace (const gchar * level)
{
  return level && !g_str_equal (level, "TRACE")
      && !g_str_equal (level, "MEMDUMP");
}

/* Whether a line naming the element holds @text. */
static gboolean
logged_by_element (gchar ** lines, const gchar * text)
{
  for (guint i = 0; lines[i]; i++)
    if (strstr (lines[i], "<" ELEMENT_NAME ">") && strstr (lines[i], text))
      return TRUE;

  return FALSE;
}

GST_START_TEST (test_debug_log_shows_bodies_and_answers)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (EdgeServer) server = edge_server_new_threaded (&error);
  g_autofree gchar *endpoint = NULL;
  g_autofree gchar *log = NULL;
  g_auto (GStrv) lines = NULL;
  g_autoptr (GPtrArray) records = NULL;

  fail_unless (server != NULL, "%s", error ? error->message : "");
  endpoint = edge_server_get_endpoint (server);
  log = run_launch_line (endpoint);
  lines = g_strsplit (log, "\n", -1);
  records = edge_server_dup_records (server);

  fail_unless (records->len >= 3, "%u requests", records->len);
  for (guint i = 0; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);

    fail_unless (logged_by_element (lines, record->body),
        "body of %s not logged with the element", record->event_type);
  }
  /* the answer to sessionStart names the session */
  fail_unless (logged_by_element (lines, ((EdgeRecord *) g_ptr_array_index
              (records, 0))->session_id), "sessionStart's answer not logged");

  for (guint i = 0; lines[i]; i++)
    fail_if (below_trace (line_level (lines[i]))
        && strstr (lines[i], DATASTREAM_ID), "datastream id below TRACE: %s",
        lines[i]);
}

GST_END_TEST;

static Suite *
real_logging_suite (void)
{
  Suite *s = suite_create ("real-logging");
  TCase *tc = tcase_create ("general");

  tcase_set_timeout (tc, 120);
  tcase_add_test (tc, test_debug_log_shows_bodies_and_answers);
  suite_add_tcase (s, tc);

  return s;
}

GST_CHECK_MAIN (real_logging);
