/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* mediaedgetrack's streaming side, with GstHarness as GStreamer tests its
 * own elements: buffers, events and queries go through untouched, any
 * caps do, the element allocates nothing per buffer and never makes the
 * streaming thread wait on the network. */

#ifdef COUNT_ALLOCATIONS
#include <errno.h>
#include <malloc.h>
#endif

#include <gst/check/gstharness.h>

#include "fixture.h"

/* An endpoint where nothing listens: a port an edge server just left */
static gchar *
dead_endpoint (void)
{
  EdgeServer *server = edge_server_new_threaded (NULL);
  guint port;

  fail_unless (server != NULL);
  port = edge_server_take_down (&server);

  return g_strdup_printf ("http://127.0.0.1:%u/ee/va/v1", port);
}

/* The element follows the pipeline it is in through the pipeline's bus:
 * alone, it is its own pipeline, and needs a bus of its own. */
static GstElement *
make_track (const gchar * endpoint)
{
  GstElement *track = gst_element_factory_make ("mediaedgetrack", NULL);
  g_autoptr (GstBus) bus = gst_bus_new ();

  g_object_set (track, "config-id", "harness", "endpoint", endpoint,
      "flush-timeout", 0, NULL);
  gst_element_set_bus (track, bus);

  return track;
}

/* The element in a harness that plays it: a session starts. (Not
 * gst_harness_new(): the bus must be there before the harness plays.) */
static GstHarness *
harness_new (const gchar * endpoint)
{
  GstElement *track = make_track (endpoint);
  GstHarness *h = gst_harness_new_with_element (track, "sink", "src");

  gst_object_unref (track);

  return h;
}

/* Pushes a buffer with data, times, offsets and flags: the same buffer
 * must come out, as it went in. */
static void
assert_buffer_untouched (GstHarness * h)
{
  const GstBufferFlags flags = GST_BUFFER_FLAG_DISCONT |
      GST_BUFFER_FLAG_DELTA_UNIT | GST_BUFFER_FLAG_HEADER;
  GstBuffer *in = gst_buffer_new_memdup ("data", 4);
  GstBuffer *out;

  GST_BUFFER_PTS (in) = S (2);
  GST_BUFFER_DTS (in) = S (1);
  GST_BUFFER_DURATION (in) = GST_SECOND / 25;
  GST_BUFFER_OFFSET (in) = 50;
  GST_BUFFER_OFFSET_END (in) = 51;
  GST_BUFFER_FLAG_SET (in, flags);
  fail_unless_equals_int (gst_harness_push (h, in), GST_FLOW_OK);
  out = gst_harness_pull (h);

  fail_unless (out == in);
  ASSERT_BUFFER_REFCOUNT (out, "out", 1);
  fail_unless_equals_int (gst_buffer_get_size (out), 4);
  fail_unless_equals_int (gst_buffer_memcmp (out, 0, "data", 4), 0);
  fail_unless_equals_uint64 (GST_BUFFER_PTS (out), S (2));
  fail_unless_equals_uint64 (GST_BUFFER_DTS (out), S (1));
  fail_unless_equals_uint64 (GST_BUFFER_DURATION (out), GST_SECOND / 25);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET (out), 50);
  fail_unless_equals_uint64 (GST_BUFFER_OFFSET_END (out), 51);
  fail_unless_equals_int (GST_BUFFER_FLAGS (out), flags);
  gst_buffer_unref (out);
}

/* In a session: the service heard of the play before the buffer came. */
GST_START_TEST (test_buffer_passes_untouched_in_session)
{
  Fixture *f = fixture_new ();
  GstHarness *h = harness_new (f->endpoint);

  wait_for_request (f, "play");
  gst_harness_set_src_caps_str (h, "mycaps");
  assert_buffer_untouched (h);
  gst_harness_teardown (h);
  fixture_teardown (f);
}

GST_END_TEST;

static GstPadProbeReturn
count_lists (GstPad * pad, GstPadProbeInfo * info, gpointer data)
{
  guint *lists = data;

  (*lists)++;

  return GST_PAD_PROBE_OK;
}

/* A buffer list goes on as the same list, its buffers untouched, for
 * sinks that send in batches */
GST_START_TEST (test_buffer_list_passes_as_a_list)
{
  Fixture *f = fixture_new ();
  GstHarness *h = harness_new (f->endpoint);
  g_autoptr (GstPad) src = gst_element_get_static_pad (h->element, "src");
  GstBufferList *list = gst_buffer_list_new ();
  GstBuffer *sent[3];
  guint lists = 0;

  wait_for_request (f, "play");
  gst_harness_set_src_caps_str (h, "mycaps");
  gst_pad_add_probe (src, GST_PAD_PROBE_TYPE_BUFFER_LIST, count_lists,
      &lists, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++) {
    sent[i] = gst_buffer_new_memdup ("data", 4);
    GST_BUFFER_PTS (sent[i]) = S (i);
    gst_buffer_list_add (list, gst_buffer_ref (sent[i]));
  }
  fail_unless_equals_int (gst_pad_push_list (h->srcpad, list), GST_FLOW_OK);

  fail_unless_equals_int (lists, 1);
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++) {
    GstBuffer *out = gst_harness_pull (h);

    fail_unless (out == sent[i]);
    gst_buffer_unref (out);
    gst_buffer_unref (sent[i]);
  }
  gst_harness_teardown (h);
  fixture_teardown (f);
}

GST_END_TEST;

/* In a pipeline only prerolled there is no session, and data flows all the
 * same. Had a session started, the element would have delivered its
 * sessionStart by the time it is back at NULL. */
GST_START_TEST (test_buffer_passes_untouched_without_session)
{
  Fixture *f = fixture_new ();
  GstElement *pipeline = gst_pipeline_new (NULL);
  GstElement *track = make_tracker (f, "prerolled");
  GstHarness *h;

  gst_bin_add (GST_BIN (pipeline), track);
  fail_unless_equals_int (gst_element_set_state (pipeline, GST_STATE_PAUSED),
      GST_STATE_CHANGE_SUCCESS);
  h = gst_harness_new_with_element (track, "sink", "src");
  gst_harness_set_src_caps_str (h, "mycaps");
  assert_buffer_untouched (h);
  gst_harness_teardown (h);
  gst_element_set_state (pipeline, GST_STATE_NULL);
  gst_object_unref (pipeline);

  fail_unless_equals_int (edge_server_count_records (f->server), 0);
  fixture_teardown (f);
}

GST_END_TEST;

/* The same kind of event with the same contents */
static void
assert_same_event (GstEvent * out, GstEvent * in)
{
  const GstStructure *s_out = gst_event_get_structure (out);
  const GstStructure *s_in = gst_event_get_structure (in);

  fail_unless_equals_string (GST_EVENT_TYPE_NAME (out),
      GST_EVENT_TYPE_NAME (in));
  fail_unless (s_out == s_in || (s_out && s_in
          && gst_structure_is_equal (s_out, s_in)), "%" GST_PTR_FORMAT
      " is not %" GST_PTR_FORMAT, out, in);
}

/* Pushes the @n events of @in (transfer full) downstream, or upstream:
 * the same events must come out at the other end, in the same order, and
 * nothing else. */
static void
assert_events_pass (GstHarness * h, GstEvent ** in, guint n, gboolean upstream)
{
  GstEvent *out;

  for (guint i = 0; i < n; i++)
    fail_unless (upstream ? gst_harness_push_upstream_event (h,
            gst_event_ref (in[i])) : gst_harness_push_event (h,
            gst_event_ref (in[i])));
  for (guint i = 0; i < n; i++) {
    out = upstream ? gst_harness_pull_upstream_event (h) :
        gst_harness_pull_event (h);
    assert_same_event (out, in[i]);
    gst_event_unref (out);
    gst_event_unref (in[i]);
  }
  fail_unless_equals_int (upstream ? gst_harness_upstream_events_in_queue (h)
      : gst_harness_events_in_queue (h), 0);
}

static GstEvent *
new_segment (void)
{
  GstSegment segment;

  gst_segment_init (&segment, GST_FORMAT_TIME);
  segment.start = segment.time = S (3);

  return gst_event_new_segment (&segment);
}

/* Serialized and not, every event comes out downstream as it went in, in
 * the order it went in. */
GST_START_TEST (test_downstream_events_pass_in_order)
{
  g_autofree gchar *endpoint = dead_endpoint ();
  GstHarness *h = harness_new (endpoint);
  g_autoptr (GstToc) toc = gst_toc_new (GST_TOC_SCOPE_GLOBAL);
  g_autoptr (GstCaps) caps = gst_caps_new_empty_simple ("mycaps");
  GstEvent *in[] = {
    /* in place of the harness' own, not sent on yet */
    gst_event_new_stream_start ("harness"),
    gst_event_new_caps (caps),
    new_segment (),
    gst_event_new_tag (gst_tag_list_new (GST_TAG_TITLE, "Pilot", NULL)),
    gst_event_new_toc (toc, FALSE),
    gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM,
        gst_structure_new ("in-band", "n", G_TYPE_INT, 1, NULL)),
    gst_event_new_gap (S (3), GST_SECOND),
    gst_event_new_custom (GST_EVENT_CUSTOM_DOWNSTREAM_OOB,
        gst_structure_new ("out-of-band", "n", G_TYPE_INT, 2, NULL)),
    gst_event_new_flush_start (),
    gst_event_new_flush_stop (TRUE),
    new_segment (),
    gst_event_new_eos (),
  };

  assert_events_pass (h, in, G_N_ELEMENTS (in), FALSE);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Seek, QoS, navigation and custom events reach the source, in order. */
GST_START_TEST (test_upstream_events_reach_the_source)
{
  g_autofree gchar *endpoint = dead_endpoint ();
  GstHarness *h = harness_new (endpoint);
  GstEvent *in[] = {
    gst_event_new_seek (1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_FLUSH,
        GST_SEEK_TYPE_SET, S (40), GST_SEEK_TYPE_NONE, -1),
    gst_event_new_qos (GST_QOS_TYPE_UNDERFLOW, 0.9, -GST_MSECOND, S (1)),
    gst_event_new_navigation (gst_structure_new ("application/x-gst-"
            "navigation", "event", G_TYPE_STRING, "key-press", "key",
            G_TYPE_STRING, "space", NULL)),
    gst_event_new_custom (GST_EVENT_CUSTOM_UPSTREAM,
        gst_structure_new ("upstream", "n", G_TYPE_INT, 3, NULL)),
  };
  GstEvent *out;

  gst_harness_set_src_caps_str (h, "mycaps");
  /* what the harness sent up by itself */
  while ((out = gst_harness_try_pull_upstream_event (h)))
    gst_event_unref (out);
  assert_events_pass (h, in, G_N_ELEMENTS (in), TRUE);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Answers a custom query arriving at the harness' pad, saying which pad
 * it reached. */
static GstPadProbeReturn
answer_custom_query (GstPad * pad, GstPadProbeInfo * info, gpointer user_data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);

  if (GST_QUERY_TYPE (query) != GST_QUERY_CUSTOM)
    return GST_PAD_PROBE_OK;
  gst_structure_set (gst_query_writable_structure (query), "answered-by",
      G_TYPE_STRING, user_data, NULL);

  return GST_PAD_PROBE_HANDLED;
}

/* Who answered a custom query sent from @pad to its peer, or NULL */
static gchar *
ask_peer (GstPad * pad)
{
  g_autoptr (GstQuery) query = gst_query_new_custom (GST_QUERY_CUSTOM,
      gst_structure_new_empty ("who"));

  if (!gst_pad_peer_query (pad, query))
    return NULL;

  return g_strdup (gst_structure_get_string (gst_query_get_structure (query),
          "answered-by"));
}

/* Queries go through both ways, to be answered at the other end. */
GST_START_TEST (test_queries_pass)
{
  g_autofree gchar *endpoint = dead_endpoint ();
  GstHarness *h = harness_new (endpoint);
  g_autofree gchar *upstream = NULL;
  g_autofree gchar *downstream = NULL;

  gst_pad_add_probe (h->srcpad, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM,
      answer_custom_query, "source", NULL);
  gst_pad_add_probe (h->sinkpad, GST_PAD_PROBE_TYPE_QUERY_DOWNSTREAM,
      answer_custom_query, "sink", NULL);
  upstream = ask_peer (h->sinkpad);
  downstream = ask_peer (h->srcpad);

  fail_unless_equals_string (upstream, "source");
  fail_unless_equals_string (downstream, "sink");
  gst_harness_teardown (h);
}

GST_END_TEST;

static gboolean
template_is_any (GstElement * element, const gchar * name)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (element, name);
  g_autoptr (GstCaps) caps = gst_pad_get_pad_template_caps (pad);

  return gst_caps_is_any (caps);
}

/* The pads take any caps, and buffers of each kind pass. */
GST_START_TEST (test_any_caps_accepted)
{
  const gchar *kinds[] = { "video/x-raw, format=I420, width=64, height=48, "
        "framerate=25/1", "audio/x-raw, format=S16LE, rate=48000, "
        "channels=2, layout=interleaved", "video/x-h264, "
        "stream-format=byte-stream", "application/x-rtp, media=audio",
    "text/x-raw, format=utf8", "mycaps"
  };
  g_autofree gchar *endpoint = dead_endpoint ();
  GstHarness *h = harness_new (endpoint);

  fail_unless (template_is_any (h->element, "sink"));
  fail_unless (template_is_any (h->element, "src"));
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++) {
    g_autoptr (GstCaps) caps = gst_caps_from_string (kinds[i]);

    fail_unless (gst_pad_peer_query_accept_caps (h->srcpad, caps), "%s",
        kinds[i]);
    gst_harness_set_src_caps (h, g_steal_pointer (&caps));
    assert_buffer_untouched (h);
  }
  gst_harness_teardown (h);
}

GST_END_TEST;

/* Passthrough: the allocation query is answered downstream, not by the
 * element. */
GST_START_TEST (test_allocation_answered_downstream)
{
  g_autofree gchar *endpoint = dead_endpoint ();
  GstHarness *h = harness_new (endpoint);
  g_autoptr (GstCaps) caps = gst_caps_new_empty_simple ("mycaps");
  g_autoptr (GstQuery) query = gst_query_new_allocation (caps, TRUE);
  g_autoptr (GstAllocator) allocator = NULL;
  GstAllocationParams params;

  gst_allocation_params_init (&params);
  params.align = 63;
  params.prefix = 17;
  gst_harness_set_propose_allocator (h, gst_allocator_find (NULL), &params);
  gst_harness_set_src_caps (h, gst_caps_ref (caps));

  fail_unless (gst_pad_peer_query (h->srcpad, query));
  fail_unless_equals_int (gst_query_get_n_allocation_params (query), 1);
  gst_allocation_params_init (&params);
  gst_query_parse_nth_allocation_param (query, 0, &allocator, &params);
  fail_unless_equals_int (params.align, 63);
  fail_unless_equals_int (params.prefix, 17);
  gst_harness_teardown (h);
}

GST_END_TEST;

/* The sessionStart waits for an answer that never comes: 1000 buffers
 * and EOS go through all the same. */
GST_START_TEST (test_streaming_never_waits_on_the_network)
{
  g_autofree gchar *endpoint = NULL;
  g_autoptr (GSocket) silent = listen_silently (&endpoint);
  GstHarness *h = harness_new (endpoint);
  GstEvent *event;

  /* the sessionStart's connection waits to be accepted */
  fail_unless (g_socket_condition_timed_wait (silent, G_IO_IN, WAIT_US,
          NULL, NULL));
  gst_harness_set_src_caps_str (h, "mycaps");
  gst_harness_set_drop_buffers (h, TRUE);
  for (guint i = 0; i < 1000; i++)
    fail_unless_equals_int (gst_harness_push (h, gst_buffer_new ()),
        GST_FLOW_OK);
  fail_unless (gst_harness_push_event (h, gst_event_new_eos ()));

  fail_unless_equals_int (gst_harness_buffers_received (h), 1000);
  while ((event = gst_harness_try_pull_event (h))
      && GST_EVENT_TYPE (event) != GST_EVENT_EOS)
    gst_event_unref (event);
  fail_unless (event != NULL, "no EOS came out");
  gst_event_unref (event);
  gst_harness_teardown (h);
}

GST_END_TEST;

#ifdef COUNT_ALLOCATIONS
/* malloc and its kin, counted on the thread that counts (meson.build
 * builds this only without a sanitizer, which has its own malloc, and runs
 * it with G_SLICE=always-malloc, so that GSlice's blocks come here too). */
extern void *__libc_malloc (size_t size);
extern void *__libc_calloc (size_t n, size_t size);
extern void *__libc_realloc (void *ptr, size_t size);
extern void *__libc_memalign (size_t alignment, size_t size);

static __thread gboolean counting;
static __thread guint allocations;

static inline void
count_one (void)
{
  if (counting)
    allocations++;
}

void *
malloc (size_t size)
{
  count_one ();
  return __libc_malloc (size);
}

void *
calloc (size_t n, size_t size)
{
  count_one ();
  return __libc_calloc (n, size);
}

void *
realloc (void *ptr, size_t size)
{
  count_one ();
  return __libc_realloc (ptr, size);
}

void *
memalign (size_t alignment, size_t size)
{
  count_one ();
  return __libc_memalign (alignment, size);
}

int
posix_memalign (void **ptr, size_t alignment, size_t size)
{
  *ptr = memalign (alignment, size);

  return *ptr ? 0 : ENOMEM;
}

/* The allocations on this thread while @n buffers made beforehand go
 * through @element (transfer full), in a harness that drops them at its end,
 * after as many to warm up. */
static guint
count_allocations_per_push (GstElement * element, guint n)
{
  GstHarness *h = gst_harness_new_with_element (element, "sink", "src");
  GstBuffer **prepared = g_new (GstBuffer *, 2 * n);
  guint failed = 0, counted;

  gst_harness_set_src_caps_str (h, "mycaps");
  gst_harness_set_drop_buffers (h, TRUE);
  for (guint i = 0; i < 2 * n; i++) {
    prepared[i] = gst_buffer_new ();
    GST_BUFFER_PTS (prepared[i]) = i * GST_SECOND / 25;
  }
  for (guint i = 0; i < 2 * n; i++) {
    /* no check's assertion here: each one allocates */
    counting = i >= n;
    failed += gst_harness_push (h, prepared[i]) != GST_FLOW_OK;
  }
  counting = FALSE;
  counted = allocations;
  allocations = 0;

  fail_unless_equals_int (failed, 0);
  fail_unless_equals_int (gst_harness_buffers_received (h), 2 * n);
  g_free (prepared);
  gst_harness_teardown (h);
  gst_object_unref (element);

  return counted;
}

/* 10,000 buffers through the element, in a session, cost no more
 * allocations than through identity: GStreamer's own per-buffer ones, if
 * any, cancel out, and the element's per-buffer path must have none. */
GST_START_TEST (test_no_allocation_per_buffer)
{
  g_autofree gchar *endpoint = dead_endpoint ();
  GstElement *identity_element = gst_element_factory_make ("identity", NULL);
  guint track, identity;

  /* the counter sees GLib's allocations and GSlice's */
  counting = TRUE;
  g_free (g_malloc (16));
  g_slice_free1 (16, g_slice_alloc (16));
  counting = FALSE;
  fail_unless_equals_int (allocations, 2);
  allocations = 0;

  g_object_set (identity_element, "signal-handoffs", FALSE, NULL);
  identity = count_allocations_per_push (identity_element, 10000);
  track = count_allocations_per_push (make_track (endpoint), 10000);
  fail_unless (track <= identity, "%u allocations for 10000 buffers through "
      "mediaedgetrack, %u through identity", track, identity);
}

GST_END_TEST;
#endif

static Suite *
mediaedgetrack_harness_suite (void)
{
  Suite *s = suite_create ("mediaedgetrack-harness");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_buffer_passes_untouched_in_session);
  tcase_add_test (tc, test_buffer_list_passes_as_a_list);
  tcase_add_test (tc, test_buffer_passes_untouched_without_session);
  tcase_add_test (tc, test_downstream_events_pass_in_order);
  tcase_add_test (tc, test_upstream_events_reach_the_source);
  tcase_add_test (tc, test_queries_pass);
  tcase_add_test (tc, test_any_caps_accepted);
  tcase_add_test (tc, test_allocation_answered_downstream);
  tcase_add_test (tc, test_streaming_never_waits_on_the_network);
#ifdef COUNT_ALLOCATIONS
  tcase_add_test (tc, test_no_allocation_per_buffer);
#endif

  return s;
}

GST_CHECK_MAIN (mediaedgetrack_harness);
