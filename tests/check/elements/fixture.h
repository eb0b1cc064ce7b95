/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_TEST_FIXTURE_H__
#define __MEDIA_EDGE_TEST_FIXTURE_H__

#include <gst/check/gstcheck.h>
#include <gst/check/gsttestclock.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "edge-server.h"

G_BEGIN_DECLS
#define WAIT_US (10 * G_USEC_PER_SEC)
#define S(n) ((GstClockTime) (n) * GST_SECOND)
    typedef struct
{
  const gchar *event;
  gint64 offset_ms;
  gint64 playhead;
} Expected;

/* What each test has to itself: a local edge server, and once
 * make_pipeline() made it, a pipeline whose playhead the test sets:
 * buffers pushed from the test thread reach a fakesink that does not sync,
 * whose position is the last buffer's time. */
typedef struct
{
  EdgeServer *server;           /* NULL while taken down */
  gchar *endpoint;
  guint waited;                 /* the requests waited for so far */

  GstElement *pipeline;
  GstElement *track;
  GstElement *sink;
  GstPad *src;
  GstClock *clock;

  /* the state folder of the test's own: its journals and identity,
   * which no other test's element replays */
  gchar *state_dir;
} Fixture;

Fixture *fixture_new (void);
Fixture *fixture_new_for_server (EdgeServer * server);
void fixture_teardown (Fixture * f);

GSocket *listen_silently (gchar ** endpoint);

void wait_for_records (Fixture * f, guint n);
void wait_for_request (Fixture * f, const gchar * event);
void bring_server_up (Fixture * f, guint port);
gchar *received (Fixture * f);
guint wait_for_stat (GstElement * track, const gchar * field, guint value);
void assert_received (Fixture * f, const Expected * expected, guint n,
    const gchar * config_id);

GstElement *make_tracker (Fixture * f, const gchar * config_id);

void make_pipeline (Fixture * f, const gchar * config_id);
void use_collection_api (Fixture * f);
void stop_pipeline (Fixture * f);
void set_state (Fixture * f, GstState state);
void start_stream (Fixture * f, GstCaps * caps);
void set_playhead (Fixture * f, guint seconds);
void post_buffering (Fixture * f, gint percent);
void crank_ping (Fixture * f, GstClockTime at);
void play_to_ping (Fixture * f, guint seconds);

GstStructure *pop_session_structure (GstElement * pipeline,
    const gchar * event);
gchar *pop_session_message (GstElement * pipeline, const gchar * event);
void play_to_eos (const gchar * line, gchar ** ended);
GPtrArray *run_to_eos (Fixture * f, const gchar * line, gchar ** ended);
JsonObject *media_collection (EdgeRecord * record, JsonParser * parser);

GstMessage *refused_start (GstElement * track);

gchar *write_clip (const gchar * title, GstToc * toc);
void remove_clip (gchar * path);
void remove_tree (const gchar * path);

G_END_DECLS
#endif /* __MEDIA_EDGE_TEST_FIXTURE_H__ */
