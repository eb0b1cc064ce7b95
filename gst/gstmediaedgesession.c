/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The owner of an element's tracking sessions: every observation comes in
 * through gst_media_edge_session_feed(), which stamps it with the session
 * clock, lets the tracker decide, and hands what it decided, encoded, to
 * the sender; the session also keeps the ping clock wait, the wall-clock
 * anchor and the restarts the service asks for. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "gstmediaedgesession.h"
#include "mediaedge-client.h"
#include "mediaedge-replay.h"
#include "mediaedge-codec-edge.h"
#include "mediaedge-codec-collection.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_session_debug);
#define GST_CAT_DEFAULT media_edge_session_debug
/* the tracker's words, with the element they concern */
GST_DEBUG_CATEGORY_STATIC (media_edge_tracker_debug);

/* Sessions the service may lose in a row, without taking any event but
 * their sessionStart, before tracking stops until the next session: a
 * service that loses every session would otherwise have a new one
 * started for each event. With the default retry-delay the last resume comes 2.5 min
 * after the first loss. */
#define MAX_RESUMES_IN_A_ROW 10

typedef struct _NoticeGate NoticeGate;

typedef struct _PingTarget PingTarget;

struct _GstMediaEdgeSession
{
  /* the element; it owns the session */
  GstElement *owner;

  /* the sender and what became of the requests, and the gate its notices
   * pass; set in open, cleared in close, which the element's state changes
   * serialize */
  MediaEdgeClient *client;
  MediaEdgeClientStats *stats;
  NoticeGate *gate;
  /* woken by the ping clock wait and by gst_media_edge_session_wake(); on
   * the sender's context, from open to close */
  MediaEdgeClientWaker *waker;
  /* what the ping clock waits wake: the waker, until the close */
  PingTarget *ping_target;
  GstMediaEdgeWakeFunc wake_func;
  gpointer wake_data;

  GMutex lock;
  /* the rest: under lock */
  GstMediaEdgeSettings *settings;
  /* the wire format the settings ask for, and the element's name for the
   * sender's logs; the run's */
  MediaEdgeCodec *codec;
  gchar *log_id;
  /* what the device keeps of its identity; the run's */
  MediaEdgeState *state;
  MediaEdgeTracker *tracker;
  MediaEdgeClientSession *client_session;
  GPtrArray *closing_sessions;
  /* a session was started in this run (READY→PAUSED to PAUSED→READY) */
  gboolean started;
  /* the run was stopped (END): no session starts until the next one,
   * whatever item boundary the streaming thread still sees */
  gboolean stopped;
  GstClock *clock;
  GstClockID ping_id;
  MediaEdgeTime ping_deadline;
  /* bumped for each client session: notices of older ones are stale */
  guint generation;
  /* the service refused to start a session, or lost too many: tracking
   * stops until the next session starts, and why */
  gboolean aborted;
  /* whether this run said that the service is out of reach (atomic) */
  gint warned_unreachable;
  /* whether this run said that unsent events cannot be kept on disk */
  gint warned_journal;
  /* the spool's sender the run's sessions journal in, and whom it sends
   * for; NULL when state-dir is empty; the run's */
  MediaEdgeReplay *replay;
  MediaEdgeReplayOwner *replay_owner;
  const gchar *aborted_why;
  /* the service lost the session: the next wake-up resumes it (due),
   * or the one resume_timer makes once its backoff is over (waits) */
  gboolean resume_due;
  gboolean resume_waits;
  GSource *resume_timer;
  /* sessions lost in a row without an event delivered, and how many
   * events had been delivered when the last one was lost */
  guint lost_in_a_row;
  gint delivered_mark;
  /* the application's actions before the session started (a pre-roll
   * break opened before the pipeline plays), held for its sessionStart,
   * and the tracker of their own that checked them */
  GQueue held;
  MediaEdgeTracker *rehearsal;
};

/* What the sender's thread tells the element of its client sessions goes
 * through a gate, one per run (open to close), that close shuts and waits
 * on: from READY→NULL on the sender keeps what it hears to itself. The bin
 * the element is in may be disposed of from then on, and a message posted
 * on the element goes through that bin's child bus to the bin. */
struct _NoticeGate
{
  gint ref_count;
  GMutex lock;
  GCond idle;
  /* under lock: shut by close; the notices being told meanwhile */
  gboolean shut;
  guint busy;
  /* the element and its session: alive while the gate is open */
  GWeakRef owner;
  GstMediaEdgeSession *session;
};

/* Who a client session reports to, and which of the sessions it is: only
 * the current one may resume or abort tracking. */
typedef struct
{
  NoticeGate *gate;
  guint generation;
  gboolean resumed;
  /* the client session it is told of: alive while it is told */
  MediaEdgeClientSession *client_session;
} Notice;

static void drop_held (GstMediaEdgeSession * session);
static void warn_state_problem (GstMediaEdgeSession * session,
    MediaEdgeState * state);
static void apply_held_actions (GstMediaEdgeSession * session,
    MediaEdgeTime now, gdouble position);

static NoticeGate *
notice_gate_new (GstMediaEdgeSession * session)
{
  NoticeGate *gate = g_new0 (NoticeGate, 1);

  gate->ref_count = 1;
  g_mutex_init (&gate->lock);
  g_cond_init (&gate->idle);
  g_weak_ref_init (&gate->owner, session->owner);
  gate->session = session;

  return gate;
}

static NoticeGate *
notice_gate_ref (NoticeGate * gate)
{
  g_atomic_int_inc (&gate->ref_count);

  return gate;
}

/* Any thread: the last notice may go after the element. */
static void
notice_gate_unref (NoticeGate * gate)
{
  if (!g_atomic_int_dec_and_test (&gate->ref_count))
    return;

  g_weak_ref_clear (&gate->owner);
  g_mutex_clear (&gate->lock);
  g_cond_clear (&gate->idle);
  g_free (gate);
}

/* Returns: (transfer full) (nullable): the element to tell, until
 * notice_gate_leave(); NULL once the gate is shut or the element is going */
static GstElement *
notice_gate_enter (NoticeGate * gate)
{
  GstElement *owner = NULL;

  g_mutex_lock (&gate->lock);
  if (!gate->shut)
    owner = g_weak_ref_get (&gate->owner);
  if (owner)
    gate->busy++;
  g_mutex_unlock (&gate->lock);

  return owner;
}

static void
notice_gate_leave (NoticeGate * gate, GstElement * owner)
{
  g_mutex_lock (&gate->lock);
  if (--gate->busy == 0)
    g_cond_broadcast (&gate->idle);
  g_mutex_unlock (&gate->lock);
  /* out of the gate first: the last ref finalizes the element, which
   * shuts the gate if nothing did */
  gst_object_unref (owner);
}

/* No notice is told from now on, nor is one still being told, unless
 * @wait is FALSE: the sender's own thread cannot wait for itself. */
static void
notice_gate_shut (NoticeGate * gate, gboolean wait)
{
  g_mutex_lock (&gate->lock);
  gate->shut = TRUE;
  while (wait && gate->busy > 0)
    g_cond_wait (&gate->idle, &gate->lock);
  g_mutex_unlock (&gate->lock);
}

static void
log_tracker (const gchar * message, gpointer user_data)
{
  GstMediaEdgeSession *session = user_data;

  GST_CAT_DEBUG_OBJECT (media_edge_tracker_debug, session->owner, "%s",
      message);
}

GstMediaEdgeSession *
gst_media_edge_session_new (GstElement * owner)
{
  static gsize debug_ready = 0;
  GstMediaEdgeSession *session = g_new0 (GstMediaEdgeSession, 1);

  if (g_once_init_enter (&debug_ready)) {
    GST_DEBUG_CATEGORY_INIT (media_edge_session_debug, "mediaedgesession", 0,
        "Media Edge tracking sessions");
    GST_DEBUG_CATEGORY_INIT (media_edge_tracker_debug, "mediaedgetracker", 0,
        "Media Edge tracking rules");
    g_once_init_leave (&debug_ready, 1);
  }

  session->owner = owner;
  session->stats = media_edge_client_stats_new ();
  g_mutex_init (&session->lock);
  session->settings = gst_media_edge_settings_new ();
  session->tracker = media_edge_tracker_new (MEDIA_EDGE_PING_INTERVAL_DEFAULT);
  media_edge_tracker_set_log_func (session->tracker, log_tracker, session);
  session->closing_sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_client_session_unref);

  return session;
}

void
gst_media_edge_session_free (GstMediaEdgeSession * session)
{
  /* an element disposed of before NULL: let go without waiting */
  if (session->client)
    gst_media_edge_session_close (session, 0);

  g_clear_pointer (&session->client_session, media_edge_client_session_unref);
  g_ptr_array_unref (session->closing_sessions);
  media_edge_tracker_free (session->tracker);
  g_clear_object (&session->codec);
  g_free (session->log_id);
  g_clear_pointer (&session->state, media_edge_state_unref);
  gst_media_edge_settings_unref (session->settings);
  gst_clear_object (&session->clock);
  media_edge_client_stats_unref (session->stats);
  drop_held (session);
  g_mutex_clear (&session->lock);
  g_free (session);
}

void
gst_media_edge_session_set_wake_func (GstMediaEdgeSession * session,
    GstMediaEdgeWakeFunc func, gpointer user_data)
{
  session->wake_func = func;
  session->wake_data = user_data;
}

/* ------------------------------------------------------------------ */
/* waking up on the sender's context */

/* The waker holds the owner, and so the session, alive: a wake-up may
 * still run while the element goes to NULL. */
typedef struct
{
  GstElement *owner;
  GstMediaEdgeSession *session;
} WakeTarget;

static WakeTarget *
new_wake_target (GstMediaEdgeSession * session)
{
  WakeTarget *target = g_new0 (WakeTarget, 1);

  target->owner = gst_object_ref (session->owner);
  target->session = session;

  return target;
}

static void
free_wake_target (gpointer data)
{
  WakeTarget *target = data;

  gst_object_unref (target->owner);
  g_free (target);
}

static gboolean
on_wake (gpointer user_data)
{
  GstMediaEdgeSession *session = ((WakeTarget *) user_data)->session;

  if (session->wake_func)
    session->wake_func (session->wake_data);

  return G_SOURCE_CONTINUE;
}

/* What a ping's clock wait wakes: the session's waker, until the session
 * closes. The clock's thread may let go of its wait after the sender is
 * gone: the wait holds this, not the waker. */
struct _PingTarget
{
  gint refs;
  GMutex lock;
  MediaEdgeClientWaker *waker;
};

static PingTarget *
ping_target_new (MediaEdgeClientWaker * waker)
{
  PingTarget *target = g_new0 (PingTarget, 1);

  target->refs = 1;
  g_mutex_init (&target->lock);
  target->waker = waker;

  return target;
}

static PingTarget *
ping_target_ref (PingTarget * target)
{
  g_atomic_int_inc (&target->refs);

  return target;
}

static void
ping_target_unref (gpointer data)
{
  PingTarget *target = data;

  if (!g_atomic_int_dec_and_test (&target->refs))
    return;
  /* the waker went at the close, on the closing thread */
  g_mutex_clear (&target->lock);
  g_free (target);
}

/* At the close: no wait wakes the waker from now on. */
static void
ping_target_clear (PingTarget * target)
{
  g_mutex_lock (&target->lock);
  target->waker = NULL;
  g_mutex_unlock (&target->lock);
}

static gboolean
on_clock_ping (GstClock * clock, GstClockTime time, GstClockID id,
    gpointer user_data)
{
  PingTarget *target = user_data;

  g_mutex_lock (&target->lock);
  if (target->waker)
    media_edge_client_waker_wake (target->waker);
  g_mutex_unlock (&target->lock);

  return TRUE;
}

/**
 * gst_media_edge_session_open:
 *
 * NULL→READY: the sender starts, or is shared.
 */
void
gst_media_edge_session_open (GstMediaEdgeSession * session)
{
  session->client = media_edge_client_get_default ();
  session->gate = notice_gate_new (session);
  session->waker = media_edge_client_waker_new (session->client, on_wake,
      new_wake_target (session), free_wake_target);
  session->ping_target = ping_target_new (session->waker);
}

/**
 * gst_media_edge_session_wake:
 *
 * Asks for a TICK soon, from the sender's thread. Any thread; no lock, no
 * allocation: the streaming thread calls it.
 */
void
gst_media_edge_session_wake (GstMediaEdgeSession * session)
{
  if (session->waker)
    media_edge_client_waker_wake (session->waker);
}

/* Lock held. */
static void
stop_ping (GstMediaEdgeSession * session)
{
  if (session->ping_id) {
    gst_clock_id_unschedule (session->ping_id);
    gst_clock_id_unref (session->ping_id);
    session->ping_id = NULL;
  }
}

/* Lock held. A single-shot wait on the session clock for the tracker's
 * next deadline, so that a test clock drives pings. */
static void
arm_ping (GstMediaEdgeSession * session)
{
  MediaEdgeTime deadline =
      media_edge_tracker_get_next_deadline (session->tracker);

  if (session->ping_id && deadline == session->ping_deadline)
    return;
  stop_ping (session);
  if (deadline == MEDIA_EDGE_TIME_NONE || session->clock == NULL
      || session->waker == NULL)
    return;

  session->ping_deadline = deadline;
  session->ping_id = gst_clock_new_single_shot_id (session->clock, deadline);
  gst_clock_id_wait_async (session->ping_id, on_clock_ping,
      ping_target_ref (session->ping_target), ping_target_unref);
}

/* ------------------------------------------------------------------ */
/* what the service says of our sessions; on the sender's thread */

static void
post_session_message (GstElement * owner, const gchar * session_id,
    const gchar * what, gboolean resumed)
{
  GstStructure *s = gst_structure_new ("mediaedge-session",
      "session-id", G_TYPE_STRING, session_id,
      "event", G_TYPE_STRING, what,
      "resumed", G_TYPE_BOOLEAN, resumed, NULL);

  gst_element_post_message (owner, gst_message_new_element (GST_OBJECT
          (owner), s));
}

static void
free_notice (gpointer data)
{
  Notice *notice = data;

  notice_gate_unref (notice->gate);
  g_free (notice);
}

/* Lock held. */
static void
stop_resume_timer (GstMediaEdgeSession * session)
{
  if (session->resume_timer) {
    g_source_destroy (session->resume_timer);
    g_clear_pointer (&session->resume_timer, g_source_unref);
  }
  session->resume_waits = FALSE;
}

/* Lock held: tracking stops until the next session, and the action
 * signals say @why. */
static void
stop_tracking (GstMediaEdgeSession * session, const gchar * why)
{
  session->aborted = TRUE;
  session->aborted_why = why;
  session->resume_due = FALSE;
  stop_resume_timer (session);
  stop_ping (session);
}

/* The service refused to start the current session (207, 400, no id):
 * trying again would be refused again, so tracking stops until the next
 * session starts (the next item, or the next play from READY). */
static void
abort_tracking (GstMediaEdgeSession * session, guint generation)
{
  g_mutex_lock (&session->lock);
  if (generation == session->generation)
    stop_tracking (session, "the service did not start the session");
  g_mutex_unlock (&session->lock);
}

/* On the sender's thread, when a resume's backoff is over. Wakes under
 * the lock: close may have taken the waker meanwhile. */
static gboolean
on_resume_time (gpointer user_data)
{
  GstMediaEdgeSession *session = ((WakeTarget *) user_data)->session;

  g_mutex_lock (&session->lock);
  if (session->resume_waits) {
    session->resume_waits = FALSE;
    session->resume_due = TRUE;
    gst_media_edge_session_wake (session);
  }
  g_mutex_unlock (&session->lock);

  return G_SOURCE_REMOVE;
}

/* Lock held. Resumes at the next wake-up, after @delay_ms. */
static void
schedule_resume (GstMediaEdgeSession * session, guint delay_ms)
{
  stop_resume_timer (session);
  if (delay_ms == 0 || session->client == NULL) {
    session->resume_due = TRUE;
    gst_media_edge_session_wake (session);
    return;
  }

  session->resume_waits = TRUE;
  session->resume_timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (session->resume_timer, on_resume_time,
      new_wake_target (session), free_wake_target);
  g_source_attach (session->resume_timer,
      media_edge_client_get_context (session->client));
}

/* Lock held. The sessions lost in a row, this one counted: a row ends
 * with any event delivered, sessionStarts aside. */
static guint
count_lost_in_a_row (GstMediaEdgeSession * session)
{
  MediaEdgeClientStats *stats = session->stats;
  /* the sender's thread, ours, counts both */
  gint delivered = g_atomic_int_get (&stats->sent) -
      g_atomic_int_get (&stats->sessions_started);

  if (delivered != session->delivered_mark)
    session->lost_in_a_row = 0;
  session->delivered_mark = delivered;

  return ++session->lost_in_a_row;
}

/* The service lost the current session: a wake-up resumes it with the
 * position of that moment. The first loss resumes at once; each one in a
 * row after it waits as a retry would, the backoff doubling from
 * retry-delay, and past MAX_RESUMES_IN_A_ROW tracking stops: returns
 * TRUE then. */
static gboolean
resume_lost_session (GstMediaEdgeSession * session, guint generation)
{
  gboolean stopped = FALSE;
  guint lost;

  g_mutex_lock (&session->lock);
  if (generation == session->generation && !session->aborted) {
    lost = count_lost_in_a_row (session);
    stopped = lost > MAX_RESUMES_IN_A_ROW;
    if (stopped)
      stop_tracking (session, "the service lost every session");
    else
      schedule_resume (session, lost == 1 ? 0 :
          media_edge_client_backoff_ms (session->settings->retry_delay,
              lost - 1));
  }
  g_mutex_unlock (&session->lock);

  return stopped;
}

/* Once a run, whatever number of sessions: gst-launch prints it, and a
 * kiosk's journal shows why nothing reaches Adobe. */
static void
warn_unreachable (GstMediaEdgeSession * session, GstElement * owner,
    const gchar * detail)
{
  guint seconds;

  if (g_atomic_int_exchange (&session->warned_unreachable, TRUE))
    return;

  g_mutex_lock (&session->lock);
  seconds = session->settings->unreachable_timeout;
  g_mutex_unlock (&session->lock);
  GST_ELEMENT_WARNING (owner, RESOURCE, WRITE,
      ("The tracking service has been out of reach for %u seconds "
          "(unreachable-timeout); events are kept (up to max-queued-events) "
          "and tried again.", seconds), ("%s", detail));
}

/* Once a run: a kiosk's journal shows why a crash would lose events */
static void
warn_journal (GstMediaEdgeSession * session, GstElement * owner,
    const gchar * detail)
{
  if (g_atomic_int_exchange (&session->warned_journal, TRUE))
    return;
  GST_ELEMENT_WARNING (owner, RESOURCE, WRITE,
      ("Could not keep unsent events on disk; they are kept in memory only "
          "(up to max-queued-events), and lost if the process stops."),
      ("%s", detail));
}

static void
note_offline (GstMediaEdgeSession * session, GstElement * owner)
{
  gboolean named;

  g_mutex_lock (&session->lock);
  named = session->settings->fpid && *session->settings->fpid;
  g_mutex_unlock (&session->lock);
  GST_INFO_OBJECT (owner, "no session started within offline-after: the "
      "session is kept on disk, to be sent whole once it ends and the "
      "service answers%s", named ? "" : "; it names the device by its own "
      "FPID (fpid=auto's), as /downloaded requires one");
}

/* An offline session ended: its journal goes whole when its turn comes */
static void
send_parked (GstMediaEdgeSession * session, MediaEdgeJournal * journal)
{
  if (journal == NULL)
    return;
  g_mutex_lock (&session->lock);
  if (session->replay)
    media_edge_replay_queue (session->replay, g_steal_pointer (&journal),
        session->replay_owner);
  g_mutex_unlock (&session->lock);
  /* closed: left on disk for the next run */
  g_clear_pointer (&journal, media_edge_journal_close);
}

static void
on_notice (MediaEdgeSessionNotice what, const gchar * session_id,
    const gchar * detail, gpointer user_data)
{
  Notice *notice = user_data;
  GstMediaEdgeSession *session = notice->gate->session;
  GstElement *owner = notice_gate_enter (notice->gate);

  if (owner == NULL)
    return;

  switch (what) {
    case MEDIA_EDGE_SESSION_STARTED:
      GST_INFO_OBJECT (owner, "session %s started%s", session_id,
          notice->resumed ? ", resuming the one before" : "");
      post_session_message (owner, session_id, "started", notice->resumed);
      break;
    case MEDIA_EDGE_SESSION_ENDED:
      GST_INFO_OBJECT (owner, "session %s ended", GST_STR_NULL (session_id));
      post_session_message (owner, session_id, "ended", notice->resumed);
      break;
    case MEDIA_EDGE_SESSION_FAILED:
      /* stopped before anyone hears of it */
      abort_tracking (session, notice->generation);
      GST_ELEMENT_WARNING (owner, RESOURCE, OPEN_WRITE,
          ("The tracking service did not start a session; "
              "nothing more is reported until the next item, or the next "
              "play from READY."), ("%s", detail));
      post_session_message (owner, session_id, "failed", notice->resumed);
      break;
    case MEDIA_EDGE_SESSION_LOST:
      post_session_message (owner, session_id, "lost", notice->resumed);
      if (resume_lost_session (session, notice->generation))
        GST_ELEMENT_WARNING (owner, RESOURCE, WRITE,
            ("The tracking service lost %u sessions in a row "
                "without taking an event; nothing more is reported until the "
                "next item, or the next play from READY.",
                MAX_RESUMES_IN_A_ROW + 1), ("%s", detail));
      else
        GST_WARNING_OBJECT (owner, "the service lost the session: %s", detail);
      break;
    case MEDIA_EDGE_SESSION_DROPPED:
      GST_DEBUG_OBJECT (owner, "%s", detail);
      break;
    case MEDIA_EDGE_SESSION_UNREACHABLE:
      warn_unreachable (session, owner, detail);
      break;
    case MEDIA_EDGE_SESSION_OFFLINE:
      note_offline (session, owner);
      post_session_message (owner, NULL, "offline", notice->resumed);
      break;
    case MEDIA_EDGE_SESSION_PARKED:
      send_parked (session, media_edge_client_session_take_journal
          (notice->client_session));
      break;
    case MEDIA_EDGE_SESSION_JOURNAL_FAILED:
      warn_journal (session, owner, detail);
      break;
    case MEDIA_EDGE_SESSION_DOWNLOADED:
      post_session_message (owner, NULL, "downloaded", FALSE);
      break;
  }
  notice_gate_leave (notice->gate, owner);
}

/* ------------------------------------------------------------------ */
/* sending what the tracker decided; lock held */

static void
close_client_session (GstMediaEdgeSession * session)
{
  if (session->client_session == NULL)
    return;

  media_edge_client_session_close (session->client_session);
  g_ptr_array_add (session->closing_sessions,
      g_steal_pointer (&session->client_session));
}

static gboolean
resumes_session (MediaEdgeEvent * start)
{
  gboolean resume = FALSE;

  return start->details && g_variant_lookup (start->details, "hasResume",
      "b", &resume) && resume;
}

/* On the sender's thread: the codec reads the session id. */
static gchar *
parse_session_id (const MediaEdgeAnswer * answer, gpointer codec,
    GError ** error)
{
  return media_edge_codec_parse_session_id (codec, answer, error);
}

/* On the sender's thread: the codec reads what the answer asks the
 * device to keep. */
static void
read_answer_state (const MediaEdgeAnswer * answer, MediaEdgeState * state,
    gpointer codec)
{
  media_edge_codec_read_state (codec, answer, state,
      g_get_real_time () / G_USEC_PER_SEC);
}

/* Each sessionStart the tracker decides opens a new client session; the
 * one before finishes sending what it has. */
static void
open_client_session (GstMediaEdgeSession * session, MediaEdgeEvent * start)
{
  GstMediaEdgeSettings *settings = session->settings;
  Notice *notice = g_new0 (Notice, 1);

  close_client_session (session);

  notice->gate = notice_gate_ref (session->gate);
  notice->generation = ++session->generation;
  notice->resumed = resumes_session (start);
  session->client_session = media_edge_client_open_session (session->client,
      session->log_id, session->stats, on_notice, notice, free_notice);
  media_edge_client_session_set_session_id_func (session->client_session,
      parse_session_id, g_object_ref (session->codec), g_object_unref);
  media_edge_client_session_set_state (session->client_session,
      session->state, read_answer_state, g_object_ref (session->codec),
      g_object_unref);
  media_edge_client_session_configure (session->client_session,
      settings->request_timeout, settings->retry_delay,
      settings->max_queued_events);
  media_edge_client_session_set_unreachable_timeout (session->client_session,
      settings->unreachable_timeout * 1000);
  media_edge_client_session_set_transport (session->client_session,
      settings->ca_file, settings->proxy);
  media_edge_client_session_set_max_connections (session->client_session,
      settings->max_connections);
  /* offline, a session goes whole as /downloaded: the Media Edge API's */
  if (session->replay)
    media_edge_client_session_set_spool (session->client_session,
        media_edge_replay_get_spool (session->replay),
        settings->api == GST_MEDIA_EDGE_API_EDGE ?
        settings->offline_after * 1000 : 0);
  notice->client_session = session->client_session;
}

/* As many requests as the API needs for @event: one, or several (the
 * Media Collection API names one player state per request). */
static void
send_event (GstMediaEdgeSession * session, const MediaEdgeEvent * event)
{
  g_autoptr (GPtrArray) requests =
      media_edge_codec_encode_all (session->codec, event);

  while (requests->len > 0)
    media_edge_client_session_send (session->client_session,
        g_ptr_array_steal_index (requests, 0));
}

static void
send_decided_events (GstMediaEdgeSession * session)
{
  g_autoptr (GPtrArray) events =
      media_edge_tracker_take_events (session->tracker);

  /* closed: the sender is gone, and so is what would still come */
  if (session->client == NULL)
    return;

  for (guint i = 0; i < events->len && !session->aborted; i++) {
    MediaEdgeEvent *event = g_ptr_array_index (events, i);

    GST_DEBUG_OBJECT (session->owner, "%s, playhead %.3f",
        media_edge_event_type_get_name (event->type), event->playhead);
    if (event->type == MEDIA_EDGE_EVENT_SESSION_START)
      open_client_session (session, event);
    send_event (session, event);
    /* a session ended for idleness may wait long for its resume: it says
     * "ended" once delivered, not then */
    if (event->type == MEDIA_EDGE_EVENT_SESSION_END)
      close_client_session (session);
  }
  if (!session->aborted)
    arm_ping (session);
}

/* ------------------------------------------------------------------ */
/* inputs; lock held */

static MediaEdgeTime
session_now (GstMediaEdgeSession * session)
{
  return session->clock ? gst_clock_get_time (session->clock) : 0;
}

/* The playback settings of the run, then the session clock and anchor. */
static void
start_session (GstMediaEdgeSession * session, GstMediaEdgeInput * input)
{
  GstMediaEdgeSettings *settings = session->settings;
  MediaEdgeTracker *tracker = session->tracker;

  if (session->started)
    return;
  session->started = TRUE;
  session->aborted = FALSE;
  session->resume_due = FALSE;
  stop_resume_timer (session);
  session->lost_in_a_row = 0;
  session->delivered_mark = g_atomic_int_get (&session->stats->sent) -
      g_atomic_int_get (&session->stats->sessions_started);

  media_edge_tracker_set_ping_interval (tracker, settings->ping_interval);
  media_edge_tracker_set_ad_ping_interval (tracker, settings->ad_ping_interval);
  media_edge_tracker_set_idle_timeout (tracker, settings->idle_timeout);
  media_edge_tracker_set_live (tracker, input->flag);
  gst_object_replace ((GstObject **) & session->clock,
      GST_OBJECT (input->clock));

  GST_INFO_OBJECT (session->owner, "session starts%s",
      input->flag ? " (live)" : "");
  /* the wall-clock anchor: the session clock's time now is this moment */
  media_edge_tracker_start_session (tracker, session_now (session),
      g_get_real_time () / 1000, input->position);
  apply_held_actions (session, session_now (session), input->position);
}

/* A wake-up: resume a session the service lost, look at the data flow,
 * then whatever is due. */
static void
tick (GstMediaEdgeSession * session, MediaEdgeTime now, gdouble position,
    guint64 buffers)
{
  MediaEdgeTracker *tracker = session->tracker;

  if (!media_edge_tracker_in_session (tracker))
    return;
  if (session->resume_due) {
    session->resume_due = FALSE;
    media_edge_tracker_restart_session (tracker, now, position);
  }
  media_edge_tracker_observe_data (tracker, now, position, buffers);
  media_edge_tracker_advance (tracker, now, position);
}

static gboolean
apply_action (MediaEdgeTracker * tracker, GstMediaEdgeInput * input,
    MediaEdgeTime now, gdouble position, GError ** error)
{
  GVariant *fields = g_steal_pointer (&input->fields);

  switch (input->type) {
    case GST_MEDIA_EDGE_INPUT_AD_BREAK_START:
      return media_edge_tracker_start_ad_break (tracker, now, position,
          fields, error);
    case GST_MEDIA_EDGE_INPUT_AD_BREAK_COMPLETE:
      return media_edge_tracker_complete_ad_break (tracker, now, position,
          error);
    case GST_MEDIA_EDGE_INPUT_AD_START:
      return media_edge_tracker_start_ad (tracker, now, position, fields,
          error);
    case GST_MEDIA_EDGE_INPUT_AD_COMPLETE:
      return media_edge_tracker_complete_ad (tracker, now, position, error);
    case GST_MEDIA_EDGE_INPUT_AD_SKIP:
      return media_edge_tracker_skip_ad (tracker, now, position, error);
    case GST_MEDIA_EDGE_INPUT_CHAPTER_START:
      return media_edge_tracker_start_chapter (tracker, now, position, fields,
          error);
    case GST_MEDIA_EDGE_INPUT_CHAPTER_COMPLETE:
      return media_edge_tracker_complete_chapter (tracker, now, position,
          error);
    case GST_MEDIA_EDGE_INPUT_CHAPTER_SKIP:
      return media_edge_tracker_skip_chapter (tracker, now, position, error);
    case GST_MEDIA_EDGE_INPUT_STATES_UPDATE:
      return media_edge_tracker_update_states (tracker, now, position, fields,
          error);
    case GST_MEDIA_EDGE_INPUT_TRACK_ERROR:
      return media_edge_tracker_track_error (tracker, now, position, fields,
          error);
    default:
      g_return_val_if_reached (FALSE);
  }
}

/* ------------------------------------------------------------------ */
/* actions before the session */

/* At most this many actions wait for the session: a pre-roll is a break,
 * its ads, a chapter or a few states; more is an application gone wrong. */
#define MAX_HELD_ACTIONS 32

static void
held_input_free (GstMediaEdgeInput * held)
{
  g_clear_pointer (&held->fields, g_variant_unref);
  g_free (held);
}

/* @input, its fields taken */
static GstMediaEdgeInput *
held_input_take (GstMediaEdgeInput * input)
{
  GstMediaEdgeInput *held = g_new0 (GstMediaEdgeInput, 1);

  held->type = input->type;
  if (input->fields)
    held->fields = g_variant_take_ref (g_steal_pointer (&input->fields));

  return held;
}

/* What the tracker is told of @held: its own reference to the fields. */
static gboolean
apply_held (MediaEdgeTracker * tracker, GstMediaEdgeInput * held,
    MediaEdgeTime now, gdouble position, GError ** error)
{
  GstMediaEdgeInput told = {.type = held->type };

  if (held->fields)
    told.fields = g_variant_ref (held->fields);

  return apply_action (tracker, &told, now, position, error);
}

/* An action before any session of the run: checked by the tracker's own
 * rules on a session of its own (rehearsal), so that a refusal comes
 * now, in the application's call, and held for the sessionStart. Takes
 * the fields of @input. */
static gboolean
hold_action (GstMediaEdgeSession * session, GstMediaEdgeInput * input,
    GError ** error)
{
  GstMediaEdgeInput *held;

  if (session->held.length >= MAX_HELD_ACTIONS) {
    g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
        MEDIA_EDGE_TRACKER_ERROR_NO_SESSION, "no session yet, and %u actions "
        "already wait for one", MAX_HELD_ACTIONS);
    return FALSE;
  }
  if (!session->rehearsal) {
    session->rehearsal =
        media_edge_tracker_new (MEDIA_EDGE_PING_INTERVAL_DEFAULT);
    media_edge_tracker_start_session (session->rehearsal, 0, 0, 0);
  }

  held = held_input_take (input);
  if (!apply_held (session->rehearsal, held, 0, 0, error)) {
    held_input_free (held);
    return FALSE;
  }
  GST_DEBUG_OBJECT (session->owner, "no session yet: action %d held for "
      "its start", held->type);
  g_queue_push_tail (&session->held, held);

  return TRUE;
}

/* Right after sessionStart: what the application did before, in order,
 * where the session starts. */
static void
apply_held_actions (GstMediaEdgeSession * session, MediaEdgeTime now,
    gdouble position)
{
  GstMediaEdgeInput *held;

  while ((held = g_queue_pop_head (&session->held))) {
    g_autoptr (GError) error = NULL;

    if (!apply_held (session->tracker, held, now, position, &error))
      GST_WARNING_OBJECT (session->owner, "an action held for the session "
          "start was refused: %s", error->message);
    held_input_free (held);
  }
  g_clear_pointer (&session->rehearsal, media_edge_tracker_free);
}

/**
 * gst_media_edge_session_take_held:
 *
 * The actions held for a session that will not start here (the element
 * joined another's), in order, for the caller to feed where the session
 * is.
 *
 * Returns: (transfer full) (element-type GstMediaEdgeInput): the held
 * inputs, each with its fields; feeding one consumes its fields
 */
GPtrArray *
gst_media_edge_session_take_held (GstMediaEdgeSession * session)
{
  GPtrArray *held =
      g_ptr_array_new_with_free_func ((GDestroyNotify) held_input_free);
  GstMediaEdgeInput *input;

  g_mutex_lock (&session->lock);
  while ((input = g_queue_pop_head (&session->held)))
    g_ptr_array_add (held, input);
  g_clear_pointer (&session->rehearsal, media_edge_tracker_free);
  g_mutex_unlock (&session->lock);

  return held;
}

static void
drop_held (GstMediaEdgeSession * session)
{
  if (session->held.length > 0)
    GST_INFO_OBJECT (session->owner, "%u actions dropped: no session started "
        "after them", session->held.length);
  g_queue_clear_full (&session->held, (GDestroyNotify) held_input_free);
  g_clear_pointer (&session->rehearsal, media_edge_tracker_free);
}

/* The end of a run: what the client still sends, it sends on its own. */
static void
finish_session (GstMediaEdgeSession * session, MediaEdgeTime now,
    gdouble position, gboolean completed)
{
  if (completed) {
    media_edge_tracker_complete_session (session->tracker, now, position);
  } else {
    media_edge_tracker_end_session (session->tracker, now, position);
    session->started = FALSE;
  }
  send_decided_events (session);
  close_client_session (session);
  stop_ping (session);
}

/* A playlist's next item, or a loop's next round: the item before played
 * to its end at @end_position, and another session may start. */
static void
finish_item (GstMediaEdgeSession * session, gdouble end_position)
{
  finish_session (session, session_now (session), end_position, TRUE);
  session->started = FALSE;
}

static gboolean
apply_input (GstMediaEdgeSession * session, GstMediaEdgeInput * input,
    MediaEdgeTime now, GError ** error)
{
  MediaEdgeTracker *tracker = session->tracker;
  gdouble position = input->position;

  switch (input->type) {
    case GST_MEDIA_EDGE_INPUT_START:
    case GST_MEDIA_EDGE_INPUT_NEXT_ITEM:
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_DESCRIBE:
      media_edge_tracker_set_live (tracker, input->flag);
      media_edge_tracker_describe_session (tracker,
          g_steal_pointer (&input->fields),
          g_steal_pointer (&input->custom_metadata));
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_PLAYING:
      media_edge_tracker_set_playing (tracker, now, position, input->flag);
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_BUFFERING:
      media_edge_tracker_set_buffering (tracker, now, position, input->flag);
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_SEEKING:
      media_edge_tracker_set_seeking (tracker, now, position, input->flag);
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_QOE:
      media_edge_tracker_set_qoe (tracker, now, position, input->qoe_field,
          input->value);
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_DROPPED_FRAMES:
      media_edge_tracker_set_dropped_frames (tracker, now, position,
          input->source, input->value);
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_STREAM_CHAPTER:
      media_edge_tracker_set_stream_chapter (tracker, now, position,
          input->index, g_steal_pointer (&input->fields), input->stop);
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_TICK:
      tick (session, now, position, input->value);
      return TRUE;
    case GST_MEDIA_EDGE_INPUT_COMPLETE:
    case GST_MEDIA_EDGE_INPUT_END:
      session->stopped |= input->type == GST_MEDIA_EDGE_INPUT_END;
      finish_session (session, now, position,
          input->type == GST_MEDIA_EDGE_INPUT_COMPLETE);
      return TRUE;
    default:
      return apply_action (tracker, input, now, position, error);
  }
}

/* What the application asks through the action signals */
static gboolean
is_action (GstMediaEdgeInputType type)
{
  return type >= GST_MEDIA_EDGE_INPUT_AD_BREAK_START
      && type <= GST_MEDIA_EDGE_INPUT_TRACK_ERROR;
}

static void
clear_input (GstMediaEdgeInput * input)
{
  if (input->fields)
    g_variant_unref (g_variant_take_ref (g_steal_pointer (&input->fields)));
  if (input->custom_metadata)
    g_variant_unref (g_variant_take_ref (g_steal_pointer
            (&input->custom_metadata)));
}

/**
 * gst_media_edge_session_feed:
 * @input: what happened; its variants are consumed
 *
 * Takes the lock, reads the session clock, tells the tracker and sends
 * what it decided. Never waits on the network.
 *
 * Returns: %FALSE, with @error set, when the tracker refused an action of
 * the application's: then nothing changed
 */
gboolean
gst_media_edge_session_feed (GstMediaEdgeSession * session,
    GstMediaEdgeInput * input, GError ** error)
{
  g_autoptr (MediaEdgeState) state = NULL;
  gboolean accepted;

  g_mutex_lock (&session->lock);
  if (session->aborted && is_action (input->type)) {
    g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
        MEDIA_EDGE_TRACKER_ERROR_NO_SESSION,
        "tracking stopped until the next item: " "%s", session->aborted_why);
    g_mutex_unlock (&session->lock);
    clear_input (input);
    return FALSE;
  }
  if (session->stopped && (input->type == GST_MEDIA_EDGE_INPUT_START
          || input->type == GST_MEDIA_EDGE_INPUT_NEXT_ITEM)) {
    GST_DEBUG_OBJECT (session->owner, "stopped: no session starts");
    g_mutex_unlock (&session->lock);
    clear_input (input);
    return TRUE;
  }
  if (is_action (input->type) && !session->started) {
    accepted = hold_action (session, input, error);
    g_mutex_unlock (&session->lock);
    clear_input (input);
    return accepted;
  }
  if (input->type == GST_MEDIA_EDGE_INPUT_NEXT_ITEM)
    finish_item (session, input->stop);
  if (input->type == GST_MEDIA_EDGE_INPUT_START
      || input->type == GST_MEDIA_EDGE_INPUT_NEXT_ITEM)
    start_session (session, input);
  accepted = apply_input (session, input, session_now (session), error);
  send_decided_events (session);
  state = session->state ? media_edge_state_ref (session->state) : NULL;
  g_mutex_unlock (&session->lock);
  clear_input (input);
  /* what the sender's thread could not write, said from here */
  warn_state_problem (session, state);

  return accepted;
}

/* What the tracker says, under the lock. */
static gboolean
ask_tracker (GstMediaEdgeSession * session,
    gboolean (*question) (MediaEdgeTracker * tracker))
{
  gboolean answer;

  g_mutex_lock (&session->lock);
  answer = question (session->tracker);
  g_mutex_unlock (&session->lock);

  return answer;
}

static gboolean
tracker_needs_details (MediaEdgeTracker * tracker)
{
  return media_edge_tracker_in_session (tracker)
      && !media_edge_tracker_is_described (tracker);
}

/* Whether the session still waits for its sessionDetails. */
gboolean
gst_media_edge_session_needs_details (GstMediaEdgeSession * session)
{
  return ask_tracker (session, tracker_needs_details);
}

/* Whether a session is under way: a new content item then ends it. */
gboolean
gst_media_edge_session_is_tracking (GstMediaEdgeSession * session)
{
  return ask_tracker (session, media_edge_tracker_in_session);
}

/* Whether the data stopped flowing: the next buffer should wake us. */
gboolean
gst_media_edge_session_is_stalled (GstMediaEdgeSession * session)
{
  return ask_tracker (session, media_edge_tracker_is_stalled);
}

/* the codec of the API the settings name */
static MediaEdgeCodec *
new_codec (const GstMediaEdgeSettings * settings, const gchar * fpid,
    const gchar * log_id)
{
  MediaEdgeCollectionAccount account = {
    .tracking_server = settings->tracking_server,
    .report_suite = settings->report_suite,
    /* the device's FPID stands for a visitor not named */
    .visitor_id = settings->visitor_id && *settings->visitor_id ?
        settings->visitor_id : fpid,
    .org_id = settings->org_id,
  };
  MediaEdgeIdentity identity = {
    .fpid = fpid,
    .authenticated_state = gst_media_edge_authenticated_state_to_xdm
        (settings->fpid_authenticated_state),
  };

  if (settings->api == GST_MEDIA_EDGE_API_COLLECTION)
    return media_edge_codec_collection_new (settings->endpoint, &account,
        log_id);

  return media_edge_codec_edge_new_full (settings->endpoint,
      settings->config_id, &identity, log_id);
}

/* The state folder the settings name: state-dir, the user's state folder
 * when unset; "" keeps nothing on disk */
static gchar *
state_dir (const GstMediaEdgeSettings * settings)
{
  return settings->state_dir ? g_strdup (settings->state_dir) :
      media_edge_state_default_dir ();
}

/* Where the settings say the device keeps its identity: in the state
 * folder, per datastream (the Media Collection API has none). */
static MediaEdgeState *
open_state (const GstMediaEdgeSettings * settings)
{
  g_autofree gchar *dir = state_dir (settings);

  return media_edge_state_get (dir,
      settings->api == GST_MEDIA_EDGE_API_EDGE ? settings->config_id : NULL);
}

/* The FPID sessionStart names: fpid, or with fpid=auto the device's own */
static gchar *
resolve_fpid (const GstMediaEdgeSettings * settings, MediaEdgeState * state)
{
  if (g_strcmp0 (settings->fpid, GST_MEDIA_EDGE_FPID_AUTO) == 0)
    return media_edge_state_dup_fpid (state);

  return settings->fpid && *settings->fpid ? g_strdup (settings->fpid) : NULL;
}

/* A state the device could not keep on disk, said once: tracking goes on
 * with what the process keeps. */
static void
warn_state_problem (GstMediaEdgeSession * session, MediaEdgeState * state)
{
  g_autofree gchar *problem = state ?
      media_edge_state_take_problem (state) : NULL;

  if (problem)
    GST_ELEMENT_WARNING (session->owner, RESOURCE, WRITE,
        ("Could not keep the device's identity state on disk; tracking goes "
            "on without keeping it."), ("%s", problem));
}

/* Where the run's journals go: `spool` in the state folder; none when
 * state-dir is empty */
static gchar *
spool_dir (const GstMediaEdgeSettings * settings)
{
  g_autofree gchar *dir = state_dir (settings);

  if (dir == NULL || *dir == '\0')
    return NULL;

  return g_build_filename (dir, "spool", NULL);
}

/* Whom the spool's journals are sent for: this element, as it sends */
static MediaEdgeReplayOwner *
new_replay_owner (GstMediaEdgeSession * session,
    const GstMediaEdgeSettings * settings, const gchar * log_id,
    MediaEdgeState * state)
{
  g_autofree gchar *device_fpid = state ?
      media_edge_state_dup_fpid (state) : NULL;
  MediaEdgeReplayConfig config = {
    .request_timeout_ms = settings->request_timeout,
    .retry_delay_ms = settings->retry_delay,
    .unreachable_timeout_ms = settings->unreachable_timeout * 1000,
    .ca_file = settings->ca_file,
    .proxy = settings->proxy,
    .max_connections = settings->max_connections,
    /* /downloaded requires an FPID: a session that named none is the
     * device's (fpid=auto's), whoever sends it later, never the viewer
     * the sending element names */
    .fpid = device_fpid,
    .authenticated_state = gst_media_edge_authenticated_state_to_xdm
        (settings->fpid_authenticated_state),
    .state = state,
  };
  Notice *notice = g_new0 (Notice, 1);

  notice->gate = notice_gate_ref (session->gate);

  return media_edge_replay_owner_new (log_id, &config, session->stats,
      on_notice, notice, free_notice);
}

/* The run's spool sender, and the journals earlier runs left, sent */
static void
open_replay (GstMediaEdgeSession * session,
    const GstMediaEdgeSettings * settings, const gchar * log_id,
    MediaEdgeState * state, MediaEdgeReplay ** replay,
    MediaEdgeReplayOwner ** owner)
{
  g_autofree gchar *dir = spool_dir (settings);

  *replay = NULL;
  *owner = NULL;
  if (dir == NULL || session->client == NULL)
    return;
  *replay = media_edge_replay_get (session->client, dir,
      settings->spool_max_bytes, settings->spool_max_age, NULL);
  if (*replay == NULL)
    return;
  *owner = new_replay_owner (session, settings, log_id, state);
  media_edge_replay_claim_orphans (*replay, *owner);
}

static void
close_replay (MediaEdgeReplay * replay, MediaEdgeReplayOwner * owner)
{
  g_clear_pointer (&owner, media_edge_replay_owner_unref);
  g_clear_pointer (&replay, media_edge_replay_release);
}

/**
 * gst_media_edge_session_prepare:
 * @settings: (transfer none): the run's settings, checked
 *
 * READY→PAUSED: the settings the next session starts with, and the
 * codec they ask for.
 */
void
gst_media_edge_session_prepare (GstMediaEdgeSession * session,
    GstMediaEdgeSettings * settings)
{
  gchar *log_id = gst_object_get_name (GST_OBJECT (session->owner));
  MediaEdgeState *state = open_state (settings);
  g_autofree gchar *fpid = resolve_fpid (settings, state);
  MediaEdgeCodec *codec = new_codec (settings, fpid, log_id);
  MediaEdgeReplay *replay, *old_replay;
  MediaEdgeReplayOwner *replay_owner, *old_owner;

  open_replay (session, settings, log_id, state, &replay, &replay_owner);
  g_mutex_lock (&session->lock);
  old_replay = session->replay;
  old_owner = session->replay_owner;
  session->replay = replay;
  session->replay_owner = replay_owner;
  gst_media_edge_settings_unref (session->settings);
  session->settings = gst_media_edge_settings_ref (settings);
  g_clear_object (&session->codec);
  session->codec = codec;
  g_free (session->log_id);
  session->log_id = log_id;
  g_clear_pointer (&session->state, media_edge_state_unref);
  session->state = state;
  session->stopped = FALSE;
  g_atomic_int_set (&session->warned_unreachable, FALSE);
  g_atomic_int_set (&session->warned_journal, FALSE);
  g_mutex_unlock (&session->lock);
  close_replay (old_replay, old_owner);

  warn_state_problem (session, state);
}

/* ------------------------------------------------------------------ */
/* the end */

/* Sends what is still queued, waiting at most @timeout_ms. The wait holds
 * no lock: the sender's thread may need the session meanwhile. */
static void
flush (GstMediaEdgeSession * session, guint timeout_ms)
{
  g_autoptr (GPtrArray) closing = NULL;
  gint64 deadline = g_get_monotonic_time () +
      G_TIME_SPAN_MILLISECOND * timeout_ms;
  MediaEdgeReplay *replay;
  MediaEdgeReplayOwner *replay_owner;
  gboolean idle = TRUE;

  g_mutex_lock (&session->lock);
  if (session->client)
    deadline = media_edge_client_flush_deadline (session->client, timeout_ms);
  replay = session->replay;
  replay_owner = session->replay_owner;
  close_client_session (session);
  closing = g_steal_pointer (&session->closing_sessions);
  session->closing_sessions = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_client_session_unref);
  g_mutex_unlock (&session->lock);

  for (guint i = 0; i < closing->len && idle; i++)
    idle = media_edge_client_session_wait_idle (g_ptr_array_index (closing,
            i), deadline);
  if (!idle) {
    GST_WARNING_OBJECT (session->owner, "flush-timeout of %u ms reached (or "
        "reached by an element before, the service not answering since): "
        "events not yet delivered are lost if no other element keeps the "
        "sender running and no journal keeps them", timeout_ms);
    /* a stop that chose not to wait says nothing of the service */
    if (timeout_ms > 0)
      media_edge_client_note_flush_gave_up (session->client);
  }
  /* the sessions that ended offline, sent whole if the service answers */
  if (replay && !media_edge_replay_wait_idle (replay, replay_owner, deadline))
    GST_INFO_OBJECT (session->owner, "flush-timeout of %u ms reached: the "
        "sessions played offline wait on disk for the next run", timeout_ms);
}

/**
 * gst_media_edge_session_close:
 *
 * READY→NULL: waits at most @flush_timeout_ms for what is queued, then
 * for a notice the sender's thread may be telling the element, and lets go
 * of the sender; holding no lock: its thread may be calling us.
 */
void
gst_media_edge_session_close (GstMediaEdgeSession * session,
    guint flush_timeout_ms)
{
  MediaEdgeClient *client;
  NoticeGate *gate;
  MediaEdgeClientWaker *waker;
  PingTarget *ping_target;
  MediaEdgeReplay *replay;
  MediaEdgeReplayOwner *replay_owner;

  flush (session, flush_timeout_ms);

  g_mutex_lock (&session->lock);
  drop_held (session);
  stop_ping (session);
  stop_resume_timer (session);
  waker = g_steal_pointer (&session->waker);
  ping_target = g_steal_pointer (&session->ping_target);
  client = g_steal_pointer (&session->client);
  gate = g_steal_pointer (&session->gate);
  replay = g_steal_pointer (&session->replay);
  replay_owner = g_steal_pointer (&session->replay_owner);
  g_mutex_unlock (&session->lock);

  close_replay (replay, replay_owner);
  if (ping_target) {
    ping_target_clear (ping_target);
    ping_target_unref (ping_target);
  }
  if (waker)
    media_edge_client_waker_destroy (waker);
  /* what the sender still sends, it sends unheard: nothing it hears may
   * reach the element's bin, which may go once we return */
  if (gate) {
    notice_gate_shut (gate, client == NULL
        || !g_main_context_is_owner (media_edge_client_get_context (client)));
    notice_gate_unref (gate);
  }
  g_clear_pointer (&client, media_edge_client_release);
}

/* What the sender did with this element's requests. */
GstStructure *
gst_media_edge_session_get_stats (GstMediaEdgeSession * session)
{
  MediaEdgeClientStats *stats = session->stats;
  g_autofree gchar *last_error = media_edge_client_stats_dup_last_error (stats);
  g_autofree gchar *last_drop = media_edge_client_stats_dup_last_drop (stats);

  return gst_structure_new ("mediaedge-stats",
      "sent", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->sent),
      "retried", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->retried),
      "dropped", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->dropped),
      "queued", G_TYPE_UINT, (guint) MAX (g_atomic_int_get (&stats->queued),
          0),
      "sessions-started", G_TYPE_UINT,
      (guint) g_atomic_int_get (&stats->sessions_started),
      "spooled", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->spooled),
      "replayed", G_TYPE_UINT, (guint) g_atomic_int_get (&stats->replayed),
      "downloaded-sessions", G_TYPE_UINT,
      (guint) g_atomic_int_get (&stats->downloaded),
      "spool-dropped", G_TYPE_UINT,
      (guint) g_atomic_int_get (&stats->spool_dropped),
      "last-error", G_TYPE_STRING, last_error,
      "last-drop", G_TYPE_STRING, last_drop, NULL);
}
