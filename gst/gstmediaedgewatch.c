/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Observes the pipeline an element is in (the top-level bus, volumes,
 * the stream's events and buffers) and turns each observation into an
 * input for the element's session, with the playhead of that moment. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstmediaedgewatch.h"
#include "gstmediaedgechapters.h"
#include "gstmediaedgefacts.h"
#include "gstmediaedgerender.h"
#include "gstmediaedgereporter.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_watch_debug);
#define GST_CAT_DEFAULT media_edge_watch_debug

/* a chapter not located yet */
#define CHAPTER_UNKNOWN -2

/* what is awaited at its rendering; a chapter bound with its sequence
 * number above the kind */
enum
{
  RENDER_CHAPTER_BOUND,
  RENDER_NEXT_ITEM,
  RENDER_END,
};
/* how early a stop or a seek may come and the end still count as seen:
 * the sink's EOS message may overtake our wait */
#define END_TOLERANCE (100 * GST_MSECOND)
#define RENDER_KIND(what) ((what) & 0xff)
#define RENDER_BOUND(seq) (RENDER_CHAPTER_BOUND | ((seq) << 8))
#define RENDER_SEQ(what) ((what) >> 8)

/* A chapter bound a buffer crossed as it passed, at @position: due once
 * the viewer sees it. */
typedef struct
{
  GstClockTime position;
  guint seq;
  gboolean due;
} Bound;

struct _GstMediaEdgeWatch
{
  /* the element that watches, and its session: they own the watch */
  GstElement *element;
  GstMediaEdgeSession *session;

  /* from start to stop; set and cleared by state changes */
  GstMediaEdgeSettings *settings;
  /* another element reports for this pipeline: this one joins its
   * session, and only hands it the application's actions */
  GstElement *joined;
  /* set at start; taken under lock by whoever stops watching first: the
   * stop, or the element's removal from the pipeline */
  GstBus *bus;
  gulong sync_handler;
  gulong removed_handler;
  /* elements whose mute and volume we follow */
  GPtrArray *volumes;
  /* when what passes the element is rendered */
  GstMediaEdgeRender *render;

  /* taken before lock and the session's, around reporting the end */
  GMutex end_lock;
  GMutex lock;
  /* under lock: the top-level pipeline, and what the stream told us */
  GstElement *pipeline;
  GstTagList *tags;
  /* the stream time of the last buffer, and the one it ends at: where
   * an item ends when the next one starts */
  GstClockTime last_position;
  GstClockTime last_end;
  gboolean flushing;
  GstMediaEdgeChapters *chapters;
  /* the chapter the session was last told of */
  gint fed_chapter;
  /* whether the session's content is live; -1 while not decided */
  gint live;
  /* buffers seen, and whether the next one wakes the session: it ends a
   * stall, or brings a new item's details */
  guint64 buffers_seen;
  gboolean wake_on_buffer;
  /* a stream of another group passed, the item before ending at
   * item_end: its first buffer is awaited (next), then its rendering
   * (awaited), and the next item begins (due) */
  gboolean item_next;
  gboolean item_awaited;
  gboolean item_due;
  /* the item begins as this watch takes over from the one it joined: no
   * session of its own to complete before */
  gboolean item_takeover;
  gdouble item_end;
  gdouble item_start;
  /* the stream's group (an item of a gapless playlist), and whether the
   * stream reached its end (a seek back then starts another round) */
  guint group_id;
  gboolean has_group;
  gboolean ended;
  /* the pipeline said every sink rendered its end (its EOS message) */
  gboolean sinks_ended;
  /* where playback stood when the pipeline last paused (-1: playing): a
   * stop's sessionEnd is there, not where the stream passed */
  gdouble stop_position;
  /* where the segment says the stream stops, in stream time (NONE: at
   * its end) */
  GstClockTime segment_stop;
  /* the chapter bounds that passed, oldest first: each awaited until
   * rendered, then located in turn; the running time the last buffer ends
   * at, and whether
   * the end of the stream passed (awaited) and was rendered (due) */
  GQueue bounds;
  guint bound_seq;
  GstClockTime end_running_time;
  gboolean end_awaited;
  gboolean end_due;
};

static void on_wake (gpointer user_data);
static void on_rendered (guint what, gpointer user_data);
static void finish_at_end_locked (GstMediaEdgeWatch * watch);

GstMediaEdgeWatch *
gst_media_edge_watch_new (GstElement * element, GstMediaEdgeSession * session)
{
  static gsize debug_ready = 0;
  GstMediaEdgeWatch *watch = g_new0 (GstMediaEdgeWatch, 1);

  if (g_once_init_enter (&debug_ready)) {
    GST_DEBUG_CATEGORY_INIT (media_edge_watch_debug, "mediaedgewatch", 0,
        "Media Edge pipeline watch");
    g_once_init_leave (&debug_ready, 1);
  }

  watch->element = element;
  watch->session = session;
  watch->volumes = g_ptr_array_new_with_free_func (gst_object_unref);
  watch->last_position = GST_CLOCK_TIME_NONE;
  watch->last_end = GST_CLOCK_TIME_NONE;
  watch->stop_position = -1;
  watch->segment_stop = GST_CLOCK_TIME_NONE;
  watch->fed_chapter = CHAPTER_UNKNOWN;
  watch->live = -1;
  g_queue_init (&watch->bounds);
  watch->end_running_time = GST_CLOCK_TIME_NONE;
  watch->render = gst_media_edge_render_new (element, on_rendered, watch);
  g_mutex_init (&watch->lock);
  g_mutex_init (&watch->end_lock);
  gst_media_edge_session_set_wake_func (session, on_wake, watch);

  return watch;
}

static void unwatch (GstMediaEdgeWatch * watch);

void
gst_media_edge_watch_free (GstMediaEdgeWatch * watch)
{
  /* an element disposed of before READY */
  unwatch (watch);
  gst_clear_object (&watch->joined);
  g_clear_pointer (&watch->settings, gst_media_edge_settings_unref);
  g_clear_pointer (&watch->tags, gst_tag_list_unref);
  g_clear_pointer (&watch->chapters, gst_media_edge_chapters_free);
  g_queue_clear_full (&watch->bounds, g_free);
  g_ptr_array_unref (watch->volumes);
  gst_media_edge_render_free (watch->render);
  g_mutex_clear (&watch->lock);
  g_mutex_clear (&watch->end_lock);
  g_free (watch);
}

/* ------------------------------------------------------------------ */
/* facts about the pipeline */

static GstElement *
dup_pipeline (GstMediaEdgeWatch * watch)
{
  GstElement *pipeline;

  g_mutex_lock (&watch->lock);
  pipeline = watch->pipeline ? gst_object_ref (watch->pipeline) : NULL;
  g_mutex_unlock (&watch->lock);

  return pipeline;
}

/* The playhead in seconds: the pipeline's position, else the stream time
 * of the last buffer that went through. */
static gdouble
query_playhead (GstMediaEdgeWatch * watch)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (watch);
  gint64 position = -1;
  GstClockTime last;

  if (pipeline
      && gst_element_query_position (pipeline, GST_FORMAT_TIME, &position)
      && position >= 0)
    return (gdouble) position / GST_SECOND;

  g_mutex_lock (&watch->lock);
  last = watch->last_position;
  g_mutex_unlock (&watch->lock);

  return GST_CLOCK_TIME_IS_VALID (last) ? (gdouble) last / GST_SECOND : 0.0;
}

/* Whether the source is live, asked upstream from the element's own sink
 * pad: the top-level pipeline's latency query would answer whether some
 * sink syncs to the clock, which is not the question. Unknown (-1) while
 * nothing upstream answers (not linked yet). */
static gint
query_source_liveness (GstMediaEdgeWatch * watch)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (watch->element, "sink");
  g_autoptr (GstQuery) query = gst_query_new_latency ();
  gboolean live = FALSE;

  if (pad == NULL || !gst_pad_peer_query (pad, query))
    return -1;
  gst_query_parse_latency (query, &live, NULL, NULL);

  return live;
}

/* content-type says, else the source does; -1 while it cannot tell. */
static gint
decide_liveness (GstMediaEdgeWatch * watch)
{
  const gchar *content_type = watch->settings->content_type;

  if (content_type && *content_type)
    return g_ascii_strcasecmp (content_type, "Live") == 0;

  return query_source_liveness (watch);
}

/* The session's liveness, decided once: at its start if the source
 * answers then, else when it is described; a live source answers only
 * once playing, so a source that does not answer in preroll is asked
 * again at PLAYING, where the decision is @final: no answer, not live.
 * -1 while undecided. */
static gint
session_liveness (GstMediaEdgeWatch * watch, gboolean final)
{
  gint live;

  g_mutex_lock (&watch->lock);
  live = watch->live;
  g_mutex_unlock (&watch->lock);
  if (live < 0)
    live = decide_liveness (watch);
  if (live < 0 && final)
    live = FALSE;

  g_mutex_lock (&watch->lock);
  watch->live = live;
  g_mutex_unlock (&watch->lock);
  if (live >= 0)
    GST_DEBUG_OBJECT (watch->element, "the content is %s",
        live ? "live" : "not live");

  return live;
}

static gchar *
find_uri (GstElement * pipeline)
{
  g_autoptr (GstIterator) sources = NULL;
  GValue item = G_VALUE_INIT;
  gchar *uri = NULL;

  if (pipeline == NULL)
    return NULL;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (pipeline),
          "current-uri"))
    g_object_get (pipeline, "current-uri", &uri, NULL);
  if (uri || !GST_IS_BIN (pipeline))
    return uri;

  sources = gst_bin_iterate_all_by_interface (GST_BIN (pipeline),
      GST_TYPE_URI_HANDLER);
  while (uri == NULL && gst_iterator_next (sources, &item) == GST_ITERATOR_OK) {
    GstElement *element = g_value_get_object (&item);

    if (gst_uri_handler_get_uri_type (GST_URI_HANDLER (element)) == GST_URI_SRC)
      uri = gst_uri_handler_get_uri (GST_URI_HANDLER (element));
    g_value_reset (&item);
  }
  g_value_unset (&item);

  return uri;
}

/* Pings run on the pipeline's clock when the application fixed one (tests
 * do, with a GstTestClock), otherwise on the monotonic system clock: an
 * audio sink's clock stands still in PAUSED, and pings must not. */
static GstClock *
choose_clock (GstMediaEdgeWatch * watch)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (watch);

  if (pipeline && GST_IS_PIPELINE (pipeline)
      && GST_OBJECT_FLAG_IS_SET (pipeline, GST_PIPELINE_FLAG_FIXED_CLOCK))
    return gst_pipeline_get_pipeline_clock (GST_PIPELINE (pipeline));

  return gst_system_clock_obtain ();
}

static gboolean
pipeline_wants_to_play (GstMediaEdgeWatch * watch)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (watch);
  GstState target;

  if (pipeline == NULL)
    return FALSE;
  GST_OBJECT_LOCK (pipeline);
  target = GST_STATE_TARGET (pipeline);
  GST_OBJECT_UNLOCK (pipeline);

  return target == GST_STATE_PLAYING;
}

/* ------------------------------------------------------------------ */
/* feeding the session */

static gboolean
feed_at (GstMediaEdgeWatch * watch, GstMediaEdgeInput * input,
    gdouble position, GError ** error)
{
  input->position = position;

  return gst_media_edge_session_feed (watch->session, input, error);
}

/**
 * gst_media_edge_watch_feed:
 *
 * Feeds @input to the session with the playhead of now.
 *
 * Returns: %FALSE with @error set when the session refused it
 */
gboolean
gst_media_edge_watch_feed (GstMediaEdgeWatch * watch,
    GstMediaEdgeInput * input, GError ** error)
{
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) reporter = NULL;
  gpointer reporting = NULL;

  /* an application's action on a tracker that joined another's session */
  if (watch->joined && (pipeline = dup_pipeline (watch))
      && (reporter = gst_media_edge_reporter_dup (pipeline, &reporting))
      && reporting != watch)
    return gst_media_edge_watch_feed (reporting, input, error);

  return feed_at (watch, input, query_playhead (watch), error);
}

/* @input at @position, or where playback is now when that is not known
 * (negative) */
static void
feed_at_known (GstMediaEdgeWatch * watch, GstMediaEdgeInput * input,
    gdouble position)
{
  if (position >= 0)
    feed_at (watch, input, position, NULL);
  else
    gst_media_edge_watch_feed (watch, input, NULL);
}

static void
feed_flag (GstMediaEdgeWatch * watch, GstMediaEdgeInputType type, gboolean flag)
{
  GstMediaEdgeInput input = {.type = type,.flag = flag };

  gst_media_edge_watch_feed (watch, &input, NULL);
}

static void
feed_qoe (GstMediaEdgeWatch * watch, MediaEdgeQoeField field, gint64 value)
{
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_QOE,
    .qoe_field = field,.value = value
  };

  gst_media_edge_watch_feed (watch, &input, NULL);
}

/* A new session: its chapters are told afresh, from the next buffer on.
 * @type is START, or NEXT_ITEM when the item before ended at @end. */
static void
begin_session (GstMediaEdgeWatch * watch, GstMediaEdgeInputType type,
    gdouble end, gdouble start)
{
  g_autoptr (GstClock) clock = NULL;
  GstMediaEdgeInput input = {.type = type,.stop = end };

  /* playing again within the session */
  if (type == GST_MEDIA_EDGE_INPUT_START
      && gst_media_edge_session_is_tracking (watch->session))
    return;

  input.clock = clock = choose_clock (watch);
  g_mutex_lock (&watch->lock);
  watch->live = -1;
  watch->fed_chapter = CHAPTER_UNKNOWN;
  if (watch->chapters)
    gst_media_edge_chapters_forget_stretch (watch->chapters);
  g_mutex_unlock (&watch->lock);

  input.flag = session_liveness (watch, FALSE) > 0;
  if (start < 0)
    gst_media_edge_watch_feed (watch, &input, NULL);
  else
    feed_at (watch, &input, start, NULL);
}

static void
start_session (GstMediaEdgeWatch * watch)
{
  begin_session (watch, GST_MEDIA_EDGE_INPUT_START, 0, -1);
}

/* The duration of what flows through the element, asked upstream of it:
 * the pipeline's answer is the longest of its branches, unknown if one is
 * endless (a live branch beside a file), which is not this content's. */
static gint64
item_duration (GstMediaEdgeWatch * watch, GstElement * pipeline)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (watch->element, "sink");
  gint64 duration = -1;

  if (!gst_pad_peer_query_duration (pad, GST_FORMAT_TIME, &duration)
      && pipeline)
    gst_element_query_duration (pipeline, GST_FORMAT_TIME, &duration);

  return duration;
}

/* sessionDetails, once the pipeline knows them: title tag, URI, duration,
 * and the liveness if it was not known at the start; unless @final, not
 * before the liveness is known. */
static void
describe_session (GstMediaEdgeWatch * watch, gboolean final)
{
  gint live;

  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstTagList) tags = NULL;
  g_autofree gchar *uri = NULL;
  GstMediaEdgeStreamFacts stream = {.duration = -1 };
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_DESCRIBE };

  if (!gst_media_edge_session_needs_details (watch->session))
    return;
  live = session_liveness (watch, final);
  if (live < 0)
    return;

  pipeline = dup_pipeline (watch);
  uri = find_uri (pipeline);
  stream.duration = item_duration (watch, pipeline);
  g_mutex_lock (&watch->lock);
  tags = watch->tags ? gst_tag_list_ref (watch->tags) : NULL;
  g_mutex_unlock (&watch->lock);
  stream.tags = tags;
  stream.uri = uri;
  stream.live = input.flag = live;

  gst_media_edge_describe_session (&stream, watch->settings,
      GST_OBJECT (watch->element), &input.fields, &input.custom_metadata);
  gst_media_edge_watch_feed (watch, &input, NULL);
}

/* ------------------------------------------------------------------ */
/* waking up: the data flow and the stream's chapter */

/* The chapter the last buffer is in, if the session does not know it
 * yet; the stretch to watch is around it from now on. */
/* Where the stream is as the viewer sees it, for the chapter: the first
 * chapter bound rendered (taken off the queue: @taken), else just before
 * the first one still awaited, else where the stream passed. */
static GstClockTime
viewed_position_locked (GstMediaEdgeWatch * watch, gboolean * taken)
{
  Bound *head = g_queue_peek_head (&watch->bounds);
  GstClockTime position;

  *taken = FALSE;
  if (head == NULL)
    return watch->last_position;
  if (!head->due)
    return head->position > 0 ? head->position - 1 : GST_CLOCK_TIME_NONE;

  position = head->position;
  g_free (g_queue_pop_head (&watch->bounds));
  *taken = TRUE;

  return position;
}

static gboolean
locate_chapter (GstMediaEdgeWatch * watch, GstMediaEdgeInput * input)
{
  GstClockTime position, stop;
  gboolean taken;
  gint index;

  g_mutex_lock (&watch->lock);
  /* the next item's chapters wait for its session */
  if (watch->chapters == NULL || watch->item_next || watch->item_awaited) {
    g_mutex_unlock (&watch->lock);
    return FALSE;
  }
  do {
    position = viewed_position_locked (watch, &taken);
    if (!GST_CLOCK_TIME_IS_VALID (position)) {
      g_mutex_unlock (&watch->lock);
      return FALSE;
    }
    index = gst_media_edge_chapters_locate (watch->chapters, position, &stop);
  } while (index == watch->fed_chapter && taken);
  if (index == watch->fed_chapter) {
    g_mutex_unlock (&watch->lock);
    return FALSE;
  }
  watch->fed_chapter = index;
  input->type = GST_MEDIA_EDGE_INPUT_STREAM_CHAPTER;
  input->index = index;
  input->fields = gst_media_edge_chapters_describe (watch->chapters, index);
  input->stop = GST_CLOCK_TIME_IS_VALID (stop) ?
      (gdouble) stop / GST_SECOND : G_MAXDOUBLE;
  input->position = (gdouble) position / GST_SECOND;
  g_mutex_unlock (&watch->lock);

  return TRUE;
}

/* The chapter the viewer is in, at every bound rendered since, in turn;
 * with @all_rendered, every bound that passed counts as rendered. */
static void
report_chapters (GstMediaEdgeWatch * watch, gboolean all_rendered)
{
  GstMediaEdgeInput chapter = { 0, };

  if (all_rendered) {
    g_mutex_lock (&watch->lock);
    for (GList * l = watch->bounds.head; l; l = l->next)
      ((Bound *) l->data)->due = TRUE;
    g_mutex_unlock (&watch->lock);
  }
  while (locate_chapter (watch, &chapter)) {
    gst_media_edge_session_feed (watch->session, &chapter, NULL);
    memset (&chapter, 0, sizeof (chapter));
  }
}

/* A new item playing on in a pipeline that stays in PLAYING: its details,
 * and the play no state change will bring. */
static void
describe_new_item (GstMediaEdgeWatch * watch, gdouble start)
{
  GstMediaEdgeInput playing = {.type = GST_MEDIA_EDGE_INPUT_PLAYING,
    .flag = TRUE
  };

  describe_session (watch, TRUE);
  if (pipeline_wants_to_play (watch))
    feed_at (watch, &playing, start, NULL);
}

/* The next item of a playlist, its first buffer rendered: the item
 * before is complete, the next one's session starts, with its details and
 * the play no state change will bring. */
static void
begin_next_item (GstMediaEdgeWatch * watch)
{
  gboolean due, takeover;
  gdouble end, start;

  g_mutex_lock (&watch->lock);
  due = watch->item_due;
  watch->item_due = FALSE;
  takeover = watch->item_takeover;
  watch->item_takeover &= !due;
  end = watch->item_end;
  start = watch->item_start;
  g_mutex_unlock (&watch->lock);
  if (!due)
    return;

  /* taking over, the pipeline's PLAYING may have started the session
   * already: nothing of this watch's own to complete */
  begin_session (watch, takeover ? GST_MEDIA_EDGE_INPUT_START :
      GST_MEDIA_EDGE_INPUT_NEXT_ITEM, end, start);
  describe_new_item (watch, start);
}


static gboolean
end_is_due (GstMediaEdgeWatch * watch)
{
  gboolean due;

  /* cleared only once reported (finish_at_end_locked()): a stop meanwhile
   * still sees the end rendered */
  g_mutex_lock (&watch->lock);
  due = watch->end_due;
  g_mutex_unlock (&watch->lock);

  return due;
}

/* Playing from where the pipeline paused: with sinks that do not sync,
 * the stream has run on by the time the pipeline says it plays, and its
 * position then is not where the viewer's playback began. */
static void
feed_play (GstMediaEdgeWatch * watch, gdouble paused_at)
{
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_PLAYING,
    .flag = TRUE
  };

  feed_at_known (watch, &input,
      gst_media_edge_render_is_syncing (watch->render) ? -1 : paused_at);
}

/* Whether the end that passed the element is rendered by now (give or
 * take END_TOLERANCE), not still in the sink's queue. */
static gboolean
end_reached (GstMediaEdgeWatch * watch)
{
  gboolean due;

  g_mutex_lock (&watch->lock);
  due = watch->end_due || watch->sinks_ended;
  g_mutex_unlock (&watch->lock);

  return due || gst_media_edge_render_reached (watch->render, RENDER_END,
      END_TOLERANCE);
}

/* The viewer left: sessionEnd where playback stood when the pipeline
 * paused on its way down, which the sinks no longer answer by now. */
static void
feed_end_where_stopped (GstMediaEdgeWatch * watch)
{
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_END };
  gdouble stopped;

  g_mutex_lock (&watch->lock);
  stopped = watch->stop_position;
  g_mutex_unlock (&watch->lock);
  feed_at_known (watch, &input, stopped);
}

/* Where the content ended: where its last buffer ends, or, a frame or so
 * later, where the segment stops or the content does (demuxers leave the
 * frames' durations out after a seek). */
static GstClockTime
end_of_content (GstMediaEdgeWatch * watch, GstClockTime last_end,
    GstClockTime segment_stop)
{
  g_autoptr (GstElement) pipeline = NULL;
  GstClockTime stop = segment_stop;

  if (!GST_CLOCK_TIME_IS_VALID (last_end))
    return last_end;
  if (!GST_CLOCK_TIME_IS_VALID (stop)) {
    gint64 duration;

    pipeline = dup_pipeline (watch);
    duration = item_duration (watch, pipeline);
    stop = duration > 0 ? (GstClockTime) duration : GST_CLOCK_TIME_NONE;
  }
  if (GST_CLOCK_TIME_IS_VALID (stop) && stop > last_end
      && stop - last_end < GST_SECOND)
    return stop;

  return last_end;
}

/* The content played to its end: where its last buffer ends, not where
 * the pipeline says it is, which lags by up to a frame when the end is
 * rendered before the sink has taken the EOS. */
static void
feed_complete (GstMediaEdgeWatch * watch)
{
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_COMPLETE };
  GstClockTime end, stop;

  g_mutex_lock (&watch->lock);
  end = watch->last_end;
  stop = watch->segment_stop;
  g_mutex_unlock (&watch->lock);
  end = end_of_content (watch, end, stop);
  feed_at_known (watch, &input, GST_CLOCK_TIME_IS_VALID (end) ?
      (gdouble) end / GST_SECOND : -1);
}

/* The end of the stream, rendered (or about to be lost to a stop): the
 * content played to its end. Once. */
static void
finish_at_end (GstMediaEdgeWatch * watch)
{
  /* held until the end is reported: a stop's sessionEnd must not overtake
   * the sessionComplete of an end being reported on another thread */
  g_mutex_lock (&watch->end_lock);
  finish_at_end_locked (watch);
  g_mutex_unlock (&watch->end_lock);
}

static void
finish_at_end_locked (GstMediaEdgeWatch * watch)
{
  gboolean awaited;

  g_mutex_lock (&watch->lock);
  awaited = watch->end_awaited;
  watch->end_awaited = FALSE;
  watch->end_due = FALSE;
  g_mutex_unlock (&watch->lock);
  if (!awaited)
    return;

  /* A short stream, or one into sinks that do not sync, can end before
   * the pipeline says it reached PLAYING: it played all the same, in a
   * session of its own. */
  if (pipeline_wants_to_play (watch)) {
    start_session (watch);
    describe_session (watch, TRUE);
    feed_flag (watch, GST_MEDIA_EDGE_INPUT_PLAYING, TRUE);
  } else {
    describe_session (watch, TRUE);
  }
  /* the bounds before the end are rendered by now: each is reported
   * before the end overtakes it */
  report_chapters (watch, TRUE);
  feed_complete (watch);
  g_mutex_lock (&watch->lock);
  watch->ended = TRUE;
  g_mutex_unlock (&watch->lock);
}

static void
mark_bound_due_locked (GstMediaEdgeWatch * watch, guint seq)
{
  for (GList * l = watch->bounds.head; l; l = l->next) {
    Bound *bound = l->data;

    if (bound->seq == seq)
      bound->due = TRUE;
  }
}

/* What was awaited is rendered now: due at the next wake-up. */
static void
on_rendered_now (GstMediaEdgeWatch * watch, guint what)
{
  g_mutex_lock (&watch->lock);
  switch (RENDER_KIND (what)) {
    case RENDER_END:
      watch->end_due = TRUE;
      break;
    case RENDER_NEXT_ITEM:
      watch->item_awaited = FALSE;
      watch->item_due = TRUE;
      break;
    default:
      mark_bound_due_locked (watch, RENDER_SEQ (what));
      break;
  }
  g_mutex_unlock (&watch->lock);
}

/* On the clock's thread. */
static void
on_rendered (guint what, gpointer user_data)
{
  GstMediaEdgeWatch *watch = user_data;

  on_rendered_now (watch, what);
  gst_media_edge_session_wake (watch->session);
}

/* Nothing that passed is awaited any more: a flush, a stop. A next item
 * that passed begins at once. */
static void
forget_awaited (GstMediaEdgeWatch * watch)
{
  gboolean item;

  gst_media_edge_render_cancel (watch->render);
  g_mutex_lock (&watch->lock);
  g_queue_clear_full (&watch->bounds, g_free);
  if (watch->chapters)
    gst_media_edge_chapters_forget_stretch (watch->chapters);
  watch->end_awaited = FALSE;
  watch->end_due = FALSE;
  watch->sinks_ended = FALSE;
  item = watch->item_next || watch->item_awaited;
  watch->item_next = watch->item_awaited = FALSE;
  watch->item_due |= item;
  g_mutex_unlock (&watch->lock);
  if (item)
    gst_media_edge_session_wake (watch->session);
}

/* On the sender's thread, when the session wakes. */
static void
on_wake (gpointer user_data)
{
  GstMediaEdgeWatch *watch = user_data;
  GstMediaEdgeInput tick = {.type = GST_MEDIA_EDGE_INPUT_TICK };
  gboolean stalled;

  g_mutex_lock (&watch->lock);
  tick.value = watch->buffers_seen;
  g_mutex_unlock (&watch->lock);

  gst_media_edge_watch_feed (watch, &tick, NULL);
  begin_next_item (watch);
  report_chapters (watch, FALSE);
  if (end_is_due (watch))
    finish_at_end (watch);

  stalled = gst_media_edge_session_is_stalled (watch->session);
  g_mutex_lock (&watch->lock);
  watch->wake_on_buffer = stalled;
  g_mutex_unlock (&watch->lock);
}

/* ------------------------------------------------------------------ */
/* the top-level bus */

static void
on_pipeline_state (GstMediaEdgeWatch * watch, GstState old, GstState new,
    GstState pending)
{
  if (new == GST_STATE_PAUSED && old == GST_STATE_READY) {
    gdouble position = query_playhead (watch);

    gst_media_edge_render_suspend (watch->render);
    g_mutex_lock (&watch->lock);
    watch->stop_position = position;
    g_mutex_unlock (&watch->lock);
    /* prerolled: tags and duration are known now, the liveness maybe */
    describe_session (watch, FALSE);
    return;
  }

  if (new == GST_STATE_PLAYING) {
    gdouble paused_at;

    g_mutex_lock (&watch->lock);
    paused_at = watch->stop_position;
    watch->stop_position = -1;
    g_mutex_unlock (&watch->lock);
    gst_media_edge_render_measure (watch->render, watch->pipeline);
    start_session (watch);
    describe_session (watch, TRUE);
    feed_play (watch, paused_at);
    /* what passed while paused is rendered from now on, in the session
     * the play is in */
    gst_media_edge_render_resume (watch->render);
    return;
  }

  /* paused, the sinks render nothing: what passes waits for playback */
  if (old == GST_STATE_PLAYING && new == GST_STATE_PAUSED) {
    gdouble position = query_playhead (watch);

    gst_media_edge_render_suspend (watch->render);
    g_mutex_lock (&watch->lock);
    watch->stop_position = position;
    g_mutex_unlock (&watch->lock);
  }

  /* PLAYING to PAUSED on its way down to READY is the player closing, not a
   * pause; with PLAYING pending it is a flushing seek prerolling again */
  if (old == GST_STATE_PLAYING && new == GST_STATE_PAUSED
      && (pending == GST_STATE_VOID_PENDING || pending == GST_STATE_PAUSED))
    feed_flag (watch, GST_MEDIA_EDGE_INPUT_PLAYING, FALSE);
}

/* The pipeline played to its end and no EOS passed the element: it sits
 * where none flows (before a demuxer that pulls its data). The end is what
 * the sinks rendered, now. */
static void
on_pipeline_eos (GstMediaEdgeWatch * watch)
{
  gboolean seen;

  g_mutex_lock (&watch->lock);
  seen = watch->ended || watch->end_awaited;
  watch->end_awaited = TRUE;
  watch->sinks_ended = TRUE;
  g_mutex_unlock (&watch->lock);
  if (!seen)
    finish_at_end (watch);
}

static void
on_error_message (GstMediaEdgeWatch * watch, GstMessage * message)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) refusal = NULL;
  g_autofree gchar *name = NULL;
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_TRACK_ERROR };
  GVariantDict fields;

  gst_message_parse_error (message, &error, NULL);
  name = gst_media_edge_error_name (error);
  g_variant_dict_init (&fields, NULL);
  g_variant_dict_insert (&fields, "name", "s", name);
  g_variant_dict_insert (&fields, "source", "s", "player");
  input.fields = g_variant_dict_end (&fields);
  if (!gst_media_edge_watch_feed (watch, &input, &refusal))
    GST_DEBUG_OBJECT (watch->element, "error not reported: %s",
        refusal->message);
}

static void
on_qos_message (GstMediaEdgeWatch * watch, GstMessage * message)
{
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_DROPPED_FRAMES };
  GstFormat format;
  guint64 dropped;

  gst_message_parse_qos_stats (message, &format, NULL, &dropped);
  if (format != GST_FORMAT_BUFFERS || dropped == G_MAXUINT64)
    return;

  input.source = GST_MESSAGE_SRC (message);
  input.value = (gint64) MIN (dropped, G_MAXINT64);
  gst_media_edge_watch_feed (watch, &input, NULL);
}

static void
set_toc (GstMediaEdgeWatch * watch, GstToc * toc)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (watch);
  gint64 duration = item_duration (watch, pipeline);
  GstMediaEdgeChapters *chapters;

  chapters = gst_media_edge_chapters_new (toc, duration >= 0 ?
      (GstClockTime) duration : GST_CLOCK_TIME_NONE);
  GST_DEBUG_OBJECT (watch->element, "TOC with %u chapters",
      gst_media_edge_chapters_get_count (chapters));
  if (gst_media_edge_chapters_get_count (chapters) == 0)
    g_clear_pointer (&chapters, gst_media_edge_chapters_free);

  g_mutex_lock (&watch->lock);
  g_clear_pointer (&watch->chapters, gst_media_edge_chapters_free);
  watch->chapters = chapters;
  g_mutex_unlock (&watch->lock);
}

/* Called for every message of the top-level bus, from whichever thread
 * posted it: decide quickly, never wait. */
static void
on_sync_message (GstBus * bus, GstMessage * message, gpointer user_data)
{
  GstMediaEdgeWatch *watch = user_data;

  switch (GST_MESSAGE_TYPE (message)) {
    case GST_MESSAGE_STATE_CHANGED:{
      GstState old, new, pending;

      /* only the top-level pipeline has no parent */
      if (GST_MESSAGE_SRC (message) != GST_OBJECT (watch->pipeline))
        break;
      gst_message_parse_state_changed (message, &old, &new, &pending);
      on_pipeline_state (watch, old, new, pending);
      break;
    }
    case GST_MESSAGE_BUFFERING:{
      gint percent;

      gst_message_parse_buffering (message, &percent);
      feed_flag (watch, GST_MEDIA_EDGE_INPUT_BUFFERING, percent < 100);
      break;
    }
    case GST_MESSAGE_ERROR:
      on_error_message (watch, message);
      break;
    case GST_MESSAGE_EOS:
      if (GST_MESSAGE_SRC (message) == GST_OBJECT (watch->pipeline))
        on_pipeline_eos (watch);
      break;
    case GST_MESSAGE_QOS:
      on_qos_message (watch, message);
      break;
    case GST_MESSAGE_TOC:{
      g_autoptr (GstToc) toc = NULL;

      gst_message_parse_toc (message, &toc, NULL);
      set_toc (watch, toc);
      break;
    }
    default:
      break;
  }
}

/* ------------------------------------------------------------------ */
/* mute: a player state the pipeline knows (playbin's mute and volume, a
 * volume element's, a sink's) */

static void
on_volume_notify (GObject * object, GParamSpec * pspec, gpointer user_data)
{
  GstMediaEdgeWatch *watch = user_data;
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_STATES_UPDATE };
  g_autoptr (GError) refusal = NULL;
  gboolean mute = FALSE;
  gdouble volume = 1.0;
  GVariantBuilder states;

  g_object_get (object, "mute", &mute, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (object), "volume"))
    g_object_get (object, "volume", &volume, NULL);

  g_variant_builder_init (&states, G_VARIANT_TYPE ("a{sb}"));
  g_variant_builder_add (&states, "{sb}", "mute", mute || volume == 0.0);
  input.fields = g_variant_builder_end (&states);
  /* a player sets its volume before it plays: no session yet, no news */
  if (!gst_media_edge_watch_feed (watch, &input, &refusal)
      && !g_error_matches (refusal, MEDIA_EDGE_TRACKER_ERROR,
          MEDIA_EDGE_TRACKER_ERROR_NO_SESSION))
    GST_WARNING_OBJECT (watch->element, "mute not reported: %s",
        refusal->message);
}

static gboolean
has_mute (GstElement * element)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS
      (element), "mute");

  return pspec && pspec->value_type == G_TYPE_BOOLEAN;
}

static void
follow_volume (GstMediaEdgeWatch * watch, GstElement * element)
{
  g_signal_connect (element, "notify::mute", G_CALLBACK (on_volume_notify),
      watch);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (element), "volume"))
    g_signal_connect (element, "notify::volume",
        G_CALLBACK (on_volume_notify), watch);
  g_mutex_lock (&watch->lock);
  g_ptr_array_add (watch->volumes, gst_object_ref (element));
  g_mutex_unlock (&watch->lock);
}

/* playbin's own mute stands for everything inside it; in other pipelines
 * every element with a mute property counts */
static void
follow_volumes (GstMediaEdgeWatch * watch, GstElement * pipeline)
{
  g_autoptr (GstIterator) elements = NULL;
  GValue item = G_VALUE_INIT;

  if (has_mute (pipeline) || !GST_IS_BIN (pipeline)) {
    if (has_mute (pipeline))
      follow_volume (watch, pipeline);
    return;
  }

  elements = gst_bin_iterate_recurse (GST_BIN (pipeline));
  while (gst_iterator_next (elements, &item) == GST_ITERATOR_OK) {
    GstElement *element = g_value_get_object (&item);

    if (has_mute (element))
      follow_volume (watch, element);
    g_value_reset (&item);
  }
  g_value_unset (&item);
}

static void
unfollow_volumes (GstMediaEdgeWatch * watch, GPtrArray * volumes)
{
  for (guint i = 0; i < volumes->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (volumes, i),
        watch);
}

/* ------------------------------------------------------------------ */
/* start and stop */

static GstElement *
find_top_level (GstElement * element)
{
  GstObject *top = gst_object_ref (GST_OBJECT (element));
  GstObject *parent;

  while ((parent = gst_object_get_parent (top))) {
    gst_object_unref (top);
    top = parent;
  }

  return GST_ELEMENT (top);
}

/* A new run may play another stream: what the last one said is gone. */
static void
forget_stream (GstMediaEdgeWatch * watch)
{
  g_mutex_lock (&watch->lock);
  watch->last_position = GST_CLOCK_TIME_NONE;
  watch->last_end = GST_CLOCK_TIME_NONE;
  watch->flushing = FALSE;
  watch->ended = FALSE;
  g_clear_pointer (&watch->tags, gst_tag_list_unref);
  g_clear_pointer (&watch->chapters, gst_media_edge_chapters_free);
  g_queue_clear_full (&watch->bounds, g_free);
  g_mutex_unlock (&watch->lock);
}

static void
watch_bus (GstMediaEdgeWatch * watch, GstElement * pipeline)
{
  GstBus *bus = gst_element_get_bus (pipeline);
  gulong handler;

  if (bus == NULL) {
    GST_WARNING_OBJECT (watch->element, "no bus: state changes and "
        "buffering of the pipeline will not be tracked");
    return;
  }
  gst_bus_enable_sync_message_emission (bus);
  handler = g_signal_connect (bus, "sync-message",
      G_CALLBACK (on_sync_message), watch);
  g_mutex_lock (&watch->lock);
  watch->bus = bus;
  watch->sync_handler = handler;
  g_mutex_unlock (&watch->lock);
}

/* The element, or a bin it is in, was taken out of the pipeline: that
 * pipeline's messages are no longer its business (an element moved to
 * another pipeline went on reporting the old one's errors). On the
 * thread that removed it. */
static void
on_element_removed (GstBin * pipeline, GstBin * bin, GstElement * element,
    gpointer user_data)
{
  GstMediaEdgeWatch *watch = user_data;

  if (!gst_object_has_as_ancestor (GST_OBJECT (watch->element),
          GST_OBJECT (element)))
    return;

  GST_INFO_OBJECT (watch->element, "taken out of %" GST_PTR_FORMAT
      ": no longer watching it", pipeline);
  unwatch (watch);
}

static void
watch_removal (GstMediaEdgeWatch * watch, GstElement * pipeline)
{
  gulong handler;

  if (!GST_IS_BIN (pipeline))
    return;
  handler = g_signal_connect (pipeline, "deep-element-removed",
      G_CALLBACK (on_element_removed), watch);
  g_mutex_lock (&watch->lock);
  watch->removed_handler = handler;
  g_mutex_unlock (&watch->lock);
}

/* What the application did on this element before it knew that another
 * one would report (playbin's two filters: a pre-roll opened on either)
 * goes to the session that one reports. */
static void
hand_over_held (GstMediaEdgeWatch * watch)
{
  g_autoptr (GPtrArray) held =
      gst_media_edge_session_take_held (watch->session);
  g_autoptr (GError) error = NULL;

  for (guint i = 0; i < held->len; i++) {
    if (!gst_media_edge_watch_feed (watch, g_ptr_array_index (held, i), &error)) {
      GST_WARNING_OBJECT (watch->element, "an action held for the session "
          "was refused by the one this element joined: %s", error->message);
      g_clear_error (&error);
    }
  }
}

/**
 * gst_media_edge_watch_start:
 * @settings: (transfer none): the run's settings
 *
 * READY→PAUSED: watches the top-level pipeline, unless another tracker
 * reports for it already; a pipeline already asked to play starts a
 * session.
 */
void
gst_media_edge_watch_start (GstMediaEdgeWatch * watch,
    GstMediaEdgeSettings * settings)
{
  GstElement *pipeline = find_top_level (watch->element);
  gboolean settings_differ = FALSE;

  g_clear_pointer (&watch->settings, gst_media_edge_settings_unref);
  watch->settings = gst_media_edge_settings_ref (settings);
  forget_stream (watch);
  g_mutex_lock (&watch->lock);
  watch->pipeline = pipeline;
  watch->has_group = FALSE;
  g_mutex_unlock (&watch->lock);
  watch_removal (watch, pipeline);
  watch->joined = gst_media_edge_reporter_claim (pipeline, watch->element,
      watch, settings, &settings_differ);
  if (watch->joined) {
    GST_INFO_OBJECT (watch->element, "%" GST_PTR_FORMAT " reports for this "
        "pipeline: this element joins its session and reports nothing of "
        "its own", watch->joined);
    /* never naming the datastream */
    if (settings_differ)
      GST_WARNING_OBJECT (watch->element, "this element's config-id, "
          "endpoint or content differ from those of %" GST_PTR_FORMAT
          ", which reports for the pipeline: they are not used", watch->joined);
    hand_over_held (watch);
    return;
  }
  watch_bus (watch, pipeline);
  follow_volumes (watch, pipeline);

  if (pipeline_wants_to_play (watch))
    start_session (watch);
}

/* The tracker this one joined stopped while the pipeline plays on
 * (playsink took its branch away between items): this one reports from
 * now on, with what its stream said of itself. */
static void
take_over (GstMediaEdgeWatch * watch)
{
  g_autoptr (GstElement) pipeline = dup_pipeline (watch);
  g_autoptr (GstElement) other = NULL;
  GstElement *joined;
  gboolean settings_differ = FALSE;

  if (pipeline == NULL)
    return;
  other = gst_media_edge_reporter_claim (pipeline, watch->element, watch,
      watch->settings, &settings_differ);
  /* another one claimed it meanwhile: joined to that one now */
  g_mutex_lock (&watch->lock);
  joined = watch->joined;
  watch->joined = other ? gst_object_ref (other) : NULL;
  g_mutex_unlock (&watch->lock);
  gst_clear_object (&joined);
  if (other)
    return;

  GST_INFO_OBJECT (watch->element, "the tracker this one joined stopped: "
      "this one reports for the pipeline from now on");
  watch_bus (watch, pipeline);
  follow_volumes (watch, pipeline);
  if (!pipeline_wants_to_play (watch))
    return;
  gst_media_edge_render_measure (watch->render, pipeline);
  gst_media_edge_render_resume (watch->render);
  /* its session starts as an item does, from the next buffer rendered,
   * once its tags and chapters have come */
  g_mutex_lock (&watch->lock);
  watch->item_end = 0;
  watch->item_next = TRUE;
  watch->item_takeover = TRUE;
  g_mutex_unlock (&watch->lock);
}

/**
 * gst_media_edge_watch_stop:
 *
 * PAUSED→READY: the session ends, and the pipeline is no longer watched.
 */
void
gst_media_edge_watch_stop (GstMediaEdgeWatch * watch)
{
  gst_media_edge_render_cancel (watch->render);
  if (watch->joined == NULL) {
    g_mutex_lock (&watch->end_lock);
    /* stopped as the end was being rendered: it was the end; before, the
     * viewer left first */
    if (end_reached (watch))
      finish_at_end_locked (watch);
    else
      GST_DEBUG_OBJECT (watch->element, "stopped before the end was "
          "rendered, if it passed");
    forget_awaited (watch);
    describe_session (watch, TRUE);
    feed_end_where_stopped (watch);
    g_mutex_unlock (&watch->end_lock);
  }
  unwatch (watch);
  gst_clear_object (&watch->joined);
}

/* Stops watching the pipeline, once: at the stop, or when the element is
 * taken out of it, whichever comes first; both may come together. */
static void
unwatch (GstMediaEdgeWatch * watch)
{
  g_autoptr (GPtrArray) volumes =
      g_ptr_array_new_with_free_func (gst_object_unref);
  g_autoptr (GstElement) pipeline = NULL;
  g_autoptr (GstElement) successor = NULL;
  g_autoptr (GstBus) bus = NULL;
  gpointer successor_watch = NULL;
  gulong sync_handler, removed_handler;

  g_mutex_lock (&watch->lock);
  pipeline = g_steal_pointer (&watch->pipeline);
  bus = g_steal_pointer (&watch->bus);
  sync_handler = watch->sync_handler;
  removed_handler = watch->removed_handler;
  watch->sync_handler = watch->removed_handler = 0;
  g_ptr_array_extend_and_steal (volumes, g_steal_pointer (&watch->volumes));
  watch->volumes = g_ptr_array_new_with_free_func (gst_object_unref);
  g_mutex_unlock (&watch->lock);

  /* before the volumes: playbin is one, and all handlers of ours go */
  if (pipeline && removed_handler)
    g_signal_handler_disconnect (pipeline, removed_handler);
  unfollow_volumes (watch, volumes);
  if (bus) {
    g_signal_handler_disconnect (bus, sync_handler);
    gst_bus_disable_sync_message_emission (bus);
  }
  if (pipeline && watch->joined == NULL)
    successor = gst_media_edge_reporter_release (pipeline, watch->element,
        &successor_watch);
  else if (pipeline)
    gst_media_edge_reporter_leave (pipeline, watch->element);
  if (successor)
    take_over (successor_watch);
}

/* ------------------------------------------------------------------ */
/* the stream */

static void
on_tags (GstMediaEdgeWatch * watch, GstTagList * tags, gboolean joined)
{
  guint kbps;

  g_mutex_lock (&watch->lock);
  if (watch->tags)
    gst_tag_list_insert (watch->tags, tags, GST_TAG_MERGE_REPLACE);
  else
    watch->tags = gst_tag_list_copy (tags);
  g_mutex_unlock (&watch->lock);
  if (!joined && gst_media_edge_tags_get_bitrate (tags, &kbps))
    feed_qoe (watch, MEDIA_EDGE_QOE_BITRATE, kbps);
}

/* A flushing seek: the player pauses until data flows from the new
 * position, which the next segment gives. */
static void
on_flush_start (GstMediaEdgeWatch * watch)
{
  /* a seek as the end is rendered (a loop seeking back on the EOS
   * message, which may overtake our wait): the content was played to its
   * end; a seek while the sink's queue still held the end: it was not */
  gboolean reached = end_reached (watch);

  gst_media_edge_render_cancel (watch->render);
  if (reached)
    finish_at_end (watch);
  forget_awaited (watch);
  /* what flows from the new position is rendered once the pipeline plays
   * again, on a new base time */
  gst_media_edge_render_suspend (watch->render);
  g_mutex_lock (&watch->lock);
  watch->flushing = TRUE;
  g_mutex_unlock (&watch->lock);
  feed_flag (watch, GST_MEDIA_EDGE_INPUT_SEEKING, TRUE);
}

/* A seek back after the end: a kiosk looping its content plays it again,
 * a new session; the stream's facts are the same. */
static void
start_next_round (GstMediaEdgeWatch * watch, gdouble start)
{
  GstClockTime last;

  g_mutex_lock (&watch->lock);
  last = watch->last_end;
  g_mutex_unlock (&watch->lock);
  GST_DEBUG_OBJECT (watch->element, "played again after its end: a new "
      "session");
  begin_session (watch, GST_MEDIA_EDGE_INPUT_NEXT_ITEM,
      GST_CLOCK_TIME_IS_VALID (last) ? (gdouble) last / GST_SECOND : 0, start);
  describe_new_item (watch, start);
}

static gdouble
segment_position (const GstSegment * segment)
{
  if (segment->format != GST_FORMAT_TIME)
    return -1;

  return (gdouble) gst_segment_to_stream_time (segment, GST_FORMAT_TIME,
      segment->rate >= 0 ? segment->start : segment->stop) / GST_SECOND;
}

static void
on_segment (GstMediaEdgeWatch * watch, const GstSegment * segment)
{
  GstMediaEdgeInput input = {.type = GST_MEDIA_EDGE_INPUT_SEEKING };
  gboolean seeked, again;

  g_mutex_lock (&watch->lock);
  watch->segment_stop = segment->format == GST_FORMAT_TIME
      && GST_CLOCK_TIME_IS_VALID (segment->stop) ?
      gst_segment_to_stream_time (segment, GST_FORMAT_TIME, segment->stop) :
      GST_CLOCK_TIME_NONE;
  seeked = watch->flushing;
  again = seeked && watch->ended;
  watch->flushing = FALSE;
  watch->ended &= !seeked;
  g_mutex_unlock (&watch->lock);
  if (again)
    start_next_round (watch, MAX (segment_position (segment), 0));
  if (!seeked || again)
    return;

  if (segment->format != GST_FORMAT_TIME) {
    gst_media_edge_watch_feed (watch, &input, NULL);
    return;
  }
  feed_at (watch, &input, segment_position (segment), NULL);
}

/* A stream of another group: the next item of a gapless playlist (or of a
 * concat). The item before played to its end where its last buffer was;
 * what it said of itself (tags, chapters) is gone. */
static void
on_stream_start (GstMediaEdgeWatch * watch, GstEvent * event, gboolean joined)
{
  GstClockTime last;
  guint group;
  gboolean next;

  if (!gst_event_parse_group_id (event, &group))
    return;

  g_mutex_lock (&watch->lock);
  next = watch->has_group && group != watch->group_id;
  watch->group_id = group;
  watch->has_group = TRUE;
  last = watch->last_end;
  g_mutex_unlock (&watch->lock);
  /* joined, only what the stream says of itself is new */
  if (next && joined)
    forget_stream (watch);
  if (!next || joined || !gst_media_edge_session_is_tracking (watch->session))
    return;

  GST_DEBUG_OBJECT (watch->element, "group %u: the next item, from its "
      "first buffer rendered on", group);
  forget_stream (watch);
  g_mutex_lock (&watch->lock);
  watch->item_end = GST_CLOCK_TIME_IS_VALID (last) ?
      (gdouble) last / GST_SECOND : 0;
  watch->item_next = TRUE;
  g_mutex_unlock (&watch->lock);
}

/* The end passes the element: the viewer sees it once the last buffer is
 * rendered. */
static void
on_eos (GstMediaEdgeWatch * watch)
{
  GstClockTime end;

  g_mutex_lock (&watch->lock);
  watch->end_awaited = TRUE;
  end = watch->end_running_time;
  g_mutex_unlock (&watch->lock);
  if (!gst_media_edge_render_at (watch->render, end, RENDER_END))
    finish_at_end (watch);
}

static gboolean
is_joined (GstMediaEdgeWatch * watch)
{
  gboolean joined;

  g_mutex_lock (&watch->lock);
  joined = watch->joined != NULL;
  g_mutex_unlock (&watch->lock);

  return joined;
}

static gboolean
describes_stream (GstEvent * event)
{
  return GST_EVENT_TYPE (event) == GST_EVENT_STREAM_START
      || GST_EVENT_TYPE (event) == GST_EVENT_TAG
      || GST_EVENT_TYPE (event) == GST_EVENT_TOC;
}

/* Events flowing through the element, on the streaming thread. */
void
gst_media_edge_watch_sink_event (GstMediaEdgeWatch * watch, GstEvent * event)
{
  gboolean joined = is_joined (watch);

  /* a tracker that joined another's session reports nothing, but keeps
   * what its stream says of itself (its item, tags and chapters), in case
   * it reports once the other stops */
  if (joined && !describes_stream (event))
    return;

  switch (GST_EVENT_TYPE (event)) {
    case GST_EVENT_STREAM_START:
      on_stream_start (watch, event, joined);
      break;
    case GST_EVENT_TAG:{
      GstTagList *tags;

      gst_event_parse_tag (event, &tags);
      on_tags (watch, tags, joined);
      break;
    }
    case GST_EVENT_CAPS:{
      GstCaps *caps;
      gint fps;

      gst_event_parse_caps (event, &caps);
      fps = gst_media_edge_caps_get_fps (caps);
      if (fps >= 0)
        feed_qoe (watch, MEDIA_EDGE_QOE_FRAMES_PER_SECOND, fps);
      break;
    }
    case GST_EVENT_TOC:{
      g_autoptr (GstToc) toc = NULL;

      gst_event_parse_toc (event, &toc, NULL);
      set_toc (watch, toc);
      break;
    }
    case GST_EVENT_FLUSH_START:
      on_flush_start (watch);
      break;
    case GST_EVENT_SEGMENT:{
      const GstSegment *segment;

      gst_event_parse_segment (event, &segment);
      on_segment (watch, segment);
      break;
    }
    case GST_EVENT_EOS:
      on_eos (watch);
      break;
    default:
      break;
  }
}

/* Awaits the rendering of @running_time for @what; if it is now (no
 * syncing sink, no clock), @what is due at once: returns FALSE, and the
 * caller wakes the session. */
static gboolean
await_rendering (GstMediaEdgeWatch * watch, GstClockTime running_time,
    guint what)
{
  if (gst_media_edge_render_at (watch->render, running_time, what))
    return TRUE;

  on_rendered_now (watch, what);

  return FALSE;
}

/* Allocates: only at a chapter bound. */
static guint
queue_bound_locked (GstMediaEdgeWatch * watch, GstClockTime position)
{
  Bound *bound = g_new0 (Bound, 1);

  bound->position = position;
  /* the sequence rides above the kind in what the render hands back */
  bound->seq = ++watch->bound_seq & 0xffffff;
  g_queue_push_tail (&watch->bounds, bound);

  return bound->seq;
}

/**
 * gst_media_edge_watch_buffer:
 * @position: the buffer's stream time, or GST_CLOCK_TIME_NONE
 * @end_position: the stream time it ends at
 * @running_time: its running time, when it will be rendered
 * @end_running_time: the running time it ends at
 *
 * Per buffer: counts it, remembers where the stream is, and wakes the
 * session when a stall ends, a new item needs describing, or the stream
 * crosses a chapter bound, that one once it is rendered. No allocation
 * but at a chapter bound, no session lock.
 */
void
gst_media_edge_watch_buffer (GstMediaEdgeWatch * watch, GstClockTime position,
    GstClockTime end_position, GstClockTime running_time,
    GstClockTime end_running_time)
{
  gboolean wake, bound, item;
  guint seq = 0;

  g_mutex_lock (&watch->lock);
  if (watch->joined) {
    g_mutex_unlock (&watch->lock);
    return;
  }
  watch->buffers_seen++;
  if (GST_CLOCK_TIME_IS_VALID (position)) {
    watch->last_position = position;
    /* in stream time, whatever the rate */
    watch->last_end = GST_CLOCK_TIME_IS_VALID (end_position) ?
        MAX (end_position, position) : position;
  }
  if (GST_CLOCK_TIME_IS_VALID (end_running_time))
    watch->end_running_time = end_running_time;
  item = watch->item_next;
  watch->item_next = FALSE;
  watch->item_awaited |= item;
  if (item)
    watch->item_start = GST_CLOCK_TIME_IS_VALID (position) ?
        (gdouble) position / GST_SECOND : 0;
  bound = !item && watch->chapters && GST_CLOCK_TIME_IS_VALID (position)
      && gst_media_edge_chapters_crosses_bound (watch->chapters, position);
  if (bound)
    seq = queue_bound_locked (watch, position);
  wake = watch->wake_on_buffer;
  watch->wake_on_buffer = FALSE;
  g_mutex_unlock (&watch->lock);

  if (item)
    wake |= !await_rendering (watch, running_time, RENDER_NEXT_ITEM);
  if (bound)
    wake |= !await_rendering (watch, running_time, RENDER_BOUND (seq));
  if (wake)
    gst_media_edge_session_wake (watch->session);
}
