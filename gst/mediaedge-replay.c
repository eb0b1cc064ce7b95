/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Sends what waits in a spool, one journal at a time, on the client
 * thread: each becomes a client session of its own, and the next starts
 * when it ended. A journal is read only when its turn comes: orphans are
 * listed, not claimed, until then. What it cannot send now (the sender
 * stops) stays in the journal for the next run. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>

#include "mediaedge-replay.h"
#include "mediaedge-codec.h"
#include "mediaedge-codec-edge.h"
#include "mediaedge-codec-collection.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_replay_debug);
#define GST_CAT_DEFAULT media_edge_replay_debug

struct _MediaEdgeReplayOwner
{
  gatomicrefcount refcount;
  gchar *log_id;
  guint request_timeout_ms;
  guint retry_delay_ms;
  guint unreachable_timeout_ms;
  gchar *ca_file;
  gchar *proxy;
  guint max_connections;
  gchar *fpid;
  gchar *authenticated_state;
  MediaEdgeState *state;
  MediaEdgeClientStats *stats;
  MediaEdgeSessionNotify notify;
  gpointer user_data;
  GDestroyNotify destroy;
};

typedef struct
{
  MediaEdgeReplay *replay;
  MediaEdgeReplayOwner *owner;
  /* an orphan's path, claimed when its turn comes; or the journal of a
   * session of the owner's (@own), which this process holds */
  gchar *path;
  MediaEdgeJournal *journal;
  gboolean own;
  /* sent whole: how many parts, and how many were delivered */
  gboolean downloaded;
  guint parts;
  /* the parts as sent, from the first not yet delivered (compared, not
   * owned), and how many from the first were delivered in a row: only
   * those a replay may skip, a part refused before a delivered one is
   * not one */
  GPtrArray *sent_parts;
  guint parts_skipped;
  guint parts_in_a_row;
  gboolean finished;
} Job;

struct _MediaEdgeReplay
{
  gatomicrefcount refcount;
  gchar *dir;
  MediaEdgeSpool *spool;

  GMutex lock;
  GCond idle;
  /* under lock: the elements using it, and their sender (valid while
   * they are); shut once the last one left; the orphans listed; the
   * journals waiting, and the one being sent */
  guint users;
  MediaEdgeClient *client;
  gboolean shut;
  gboolean listed;
  GQueue jobs;
  Job *active;
};

/* how long a /downloaded part may take at least */
#define DOWNLOADED_TIMEOUT_MS 60000

static GMutex registry_lock;
/* the replays not shut, by spool folder */
static GHashTable *registry;

static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (media_edge_replay_debug, "mediaedgereplay", 0,
        "Media Edge replay of journals");
    g_once_init_leave (&done, 1);
  }
}

/* ------------------------------------------------------------------ */
/* owners */

MediaEdgeReplayOwner *
media_edge_replay_owner_new (const gchar * log_id,
    const MediaEdgeReplayConfig * config, MediaEdgeClientStats * stats,
    MediaEdgeSessionNotify notify, gpointer user_data, GDestroyNotify destroy)
{
  MediaEdgeReplayOwner *owner = g_new0 (MediaEdgeReplayOwner, 1);

  g_atomic_ref_count_init (&owner->refcount);
  owner->log_id = g_strdup (log_id);
  owner->request_timeout_ms = config->request_timeout_ms;
  owner->retry_delay_ms = config->retry_delay_ms;
  owner->unreachable_timeout_ms = config->unreachable_timeout_ms;
  owner->ca_file = g_strdup (config->ca_file);
  owner->proxy = g_strdup (config->proxy);
  owner->max_connections = config->max_connections ?
      config->max_connections : MEDIA_EDGE_MAX_CONNECTIONS_DEFAULT;
  owner->fpid = g_strdup (config->fpid);
  owner->authenticated_state = g_strdup (config->authenticated_state);
  owner->state = config->state ? media_edge_state_ref (config->state) : NULL;
  owner->stats = media_edge_client_stats_ref (stats);
  owner->notify = notify;
  owner->user_data = user_data;
  owner->destroy = destroy;

  return owner;
}

MediaEdgeReplayOwner *
media_edge_replay_owner_ref (MediaEdgeReplayOwner * owner)
{
  g_atomic_ref_count_inc (&owner->refcount);

  return owner;
}

void
media_edge_replay_owner_unref (MediaEdgeReplayOwner * owner)
{
  if (!g_atomic_ref_count_dec (&owner->refcount))
    return;

  if (owner->destroy)
    owner->destroy (owner->user_data);
  media_edge_client_stats_unref (owner->stats);
  g_clear_pointer (&owner->state, media_edge_state_unref);
  g_free (owner->log_id);
  g_free (owner->ca_file);
  g_free (owner->proxy);
  g_free (owner->fpid);
  g_free (owner->authenticated_state);
  g_free (owner);
}

static void
owner_notify (MediaEdgeReplayOwner * owner, MediaEdgeSessionNotice notice,
    const gchar * detail)
{
  if (owner->notify)
    owner->notify (notice, NULL, detail, owner->user_data);
}

/* ------------------------------------------------------------------ */
/* the replay */

static MediaEdgeReplay *
replay_ref (MediaEdgeReplay * replay)
{
  g_atomic_ref_count_inc (&replay->refcount);

  return replay;
}

static void
job_free (Job * job)
{
  if (job->journal)
    media_edge_journal_close (job->journal);
  g_clear_pointer (&job->sent_parts, g_ptr_array_unref);
  media_edge_replay_owner_unref (job->owner);
  g_free (job->path);
  g_free (job);
}

static void
replay_unref (MediaEdgeReplay * replay)
{
  if (!g_atomic_ref_count_dec (&replay->refcount))
    return;

  g_queue_clear_full (&replay->jobs, (GDestroyNotify) job_free);
  media_edge_spool_free (replay->spool);
  g_mutex_clear (&replay->lock);
  g_cond_clear (&replay->idle);
  g_free (replay->dir);
  g_free (replay);
}

static gboolean replay_next_cb (gpointer data);

/* The next journal's turn, from the client thread's loop: never from
 * inside a client session's notice */
static void
replay_kick (MediaEdgeReplay * replay)
{
  GSource *source;

  g_mutex_lock (&replay->lock);
  if (replay->shut) {
    g_mutex_unlock (&replay->lock);
    return;
  }
  source = g_idle_source_new ();
  g_source_set_callback (source, replay_next_cb, replay_ref (replay),
      (GDestroyNotify) replay_unref);
  g_source_attach (source, media_edge_client_get_context (replay->client));
  g_mutex_unlock (&replay->lock);
  g_source_unref (source);
}

/**
 * media_edge_replay_get:
 * @client: the sender the caller holds, until media_edge_replay_release()
 * @dir: the spool folder
 * @max_bytes: the spool's bound in bytes (0: none); the first user's wins
 * @max_age: the spool's bound in seconds (0: none); the first user's wins
 *
 * Returns: (transfer full): the replay of @dir, shared by its users
 */
MediaEdgeReplay *
media_edge_replay_get (MediaEdgeClient * client, const gchar * dir,
    guint64 max_bytes, gint64 max_age, GError ** error)
{
  MediaEdgeReplay *replay;
  MediaEdgeSpool *spool;

  init_debug ();
  g_mutex_lock (&registry_lock);
  if (registry == NULL)
    registry = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  replay = g_hash_table_lookup (registry, dir);
  if (replay) {
    g_mutex_lock (&replay->lock);
    replay->users++;
    g_mutex_unlock (&replay->lock);
    g_mutex_unlock (&registry_lock);
    return replay_ref (replay);
  }
  spool = media_edge_spool_open (dir, max_bytes, max_age, error);
  if (spool == NULL) {
    g_mutex_unlock (&registry_lock);
    return NULL;
  }
  replay = g_new0 (MediaEdgeReplay, 1);
  g_atomic_ref_count_init (&replay->refcount);
  replay->dir = g_strdup (dir);
  replay->spool = spool;
  replay->client = client;
  replay->users = 1;
  g_mutex_init (&replay->lock);
  g_cond_init (&replay->idle);
  g_queue_init (&replay->jobs);
  g_hash_table_insert (registry, g_strdup (dir), replay);
  g_mutex_unlock (&registry_lock);

  return replay;
}

/* The last user gone, the journals still waiting stay on disk for the
 * next run; the one being sent goes on while the sender runs. */
void
media_edge_replay_release (MediaEdgeReplay * replay)
{
  GQueue waiting = G_QUEUE_INIT;

  g_mutex_lock (&registry_lock);
  g_mutex_lock (&replay->lock);
  if (--replay->users == 0) {
    replay->shut = TRUE;
    replay->client = NULL;
    waiting = replay->jobs;
    g_queue_init (&replay->jobs);
    g_cond_broadcast (&replay->idle);
    g_hash_table_remove (registry, replay->dir);
  }
  g_mutex_unlock (&replay->lock);
  g_mutex_unlock (&registry_lock);

  if (waiting.length > 0)
    GST_DEBUG ("%s: %u journals left for the next run", replay->dir,
        waiting.length);
  g_queue_clear_full (&waiting, (GDestroyNotify) job_free);
  replay_unref (replay);
}

MediaEdgeSpool *
media_edge_replay_get_spool (MediaEdgeReplay * replay)
{
  return replay->spool;
}

static Job *
job_new (MediaEdgeReplay * replay, MediaEdgeReplayOwner * owner)
{
  Job *job = g_new0 (Job, 1);

  job->replay = replay;
  job->owner = media_edge_replay_owner_ref (owner);

  return job;
}

/* FALSE when shut: @job is freed */
static gboolean
replay_push (MediaEdgeReplay * replay, Job * job)
{
  gboolean pushed;

  g_mutex_lock (&replay->lock);
  pushed = !replay->shut;
  if (pushed)
    g_queue_push_tail (&replay->jobs, job);
  g_mutex_unlock (&replay->lock);
  if (!pushed)
    job_free (job);

  return pushed;
}

/**
 * media_edge_replay_queue:
 * @journal: (transfer full): the journal of a session of @owner's,
 *   ended
 *
 * Sends @journal when its turn comes; any thread.
 */
void
media_edge_replay_queue (MediaEdgeReplay * replay, MediaEdgeJournal * journal,
    MediaEdgeReplayOwner * owner)
{
  Job *job = job_new (replay, owner);

  /* the lock matters while it is written: ended, it waits on disk as an
   * orphan would, within the spool's bounds, held by no descriptor (a
   * week offline ended a thousand sessions), for whichever process sends
   * it first */
  job->path = g_strdup (media_edge_journal_get_path (journal));
  media_edge_journal_close (journal);
  job->own = TRUE;
  if (replay_push (replay, job))
    replay_kick (replay);
}

typedef struct
{
  MediaEdgeReplay *replay;
  MediaEdgeReplayOwner *owner;
} Listing;

static void
listing_free (Listing * listing)
{
  replay_unref (listing->replay);
  media_edge_replay_owner_unref (listing->owner);
  g_free (listing);
}

/* On the client thread: what earlier runs left, oldest first */
static gboolean
list_orphans_cb (gpointer data)
{
  Listing *listing = data;
  g_autoptr (GPtrArray) paths = NULL;
  guint evicted;

  /* the bounds first: what they remove is not read */
  evicted = media_edge_spool_enforce_bounds (listing->replay->spool,
      g_get_real_time () / G_USEC_PER_SEC);
  g_atomic_int_add (&listing->owner->stats->spool_dropped, evicted);
  paths = media_edge_spool_list_orphans (listing->replay->spool);

  if (paths->len > 0)
    GST_INFO ("%s: %u journals left by an earlier run", listing->replay->dir,
        paths->len);
  for (guint i = 0; i < paths->len; i++) {
    Job *job = job_new (listing->replay, listing->owner);

    job->path = g_strdup (g_ptr_array_index (paths, i));
    if (!replay_push (listing->replay, job))
      break;
  }
  replay_next_cb (listing->replay);

  return G_SOURCE_REMOVE;
}

/**
 * media_edge_replay_claim_orphans:
 * @owner: who they are sent for
 *
 * Once per replay: sends, in turn, the journals that an earlier run (a
 * crash, a stop with requests queued) or another process left.
 */
void
media_edge_replay_claim_orphans (MediaEdgeReplay * replay,
    MediaEdgeReplayOwner * owner)
{
  Listing *listing;
  GSource *source;

  g_mutex_lock (&replay->lock);
  if (replay->listed || replay->shut) {
    g_mutex_unlock (&replay->lock);
    return;
  }
  replay->listed = TRUE;
  listing = g_new0 (Listing, 1);
  listing->replay = replay_ref (replay);
  listing->owner = media_edge_replay_owner_ref (owner);
  source = g_idle_source_new ();
  g_source_set_callback (source, list_orphans_cb, listing,
      (GDestroyNotify) listing_free);
  g_source_attach (source, media_edge_client_get_context (replay->client));
  g_mutex_unlock (&replay->lock);
  g_source_unref (source);
}

static gboolean
owner_waits (MediaEdgeReplay * replay, MediaEdgeReplayOwner * owner)
{
  if (replay->active && replay->active->own && replay->active->owner == owner)
    return TRUE;
  for (GList * l = replay->jobs.head; l; l = l->next) {
    Job *job = l->data;

    if (job->own && job->owner == owner)
      return TRUE;
  }

  return FALSE;
}

/**
 * media_edge_replay_wait_idle:
 * @end_time: monotonic time to give up at
 *
 * Blocks until the sessions of @owner's queued were sent, or given up
 * (not the orphans sent for it).
 *
 * Returns: %TRUE if none is left
 */
gboolean
media_edge_replay_wait_idle (MediaEdgeReplay * replay,
    MediaEdgeReplayOwner * owner, gint64 end_time)
{
  gboolean idle;

  g_mutex_lock (&replay->lock);
  while (owner_waits (replay, owner))
    if (!g_cond_wait_until (&replay->idle, &replay->lock, end_time))
      break;
  idle = !owner_waits (replay, owner);
  g_mutex_unlock (&replay->lock);

  return idle;
}

/* ------------------------------------------------------------------ */
/* sending a journal, on the client thread */

/* @job is no longer the one being sent; those waiting for it hear so */
static void
job_end (Job * job)
{
  MediaEdgeReplay *replay = job->replay;

  job->finished = TRUE;
  g_clear_pointer (&job->journal, media_edge_journal_close);
  g_mutex_lock (&replay->lock);
  if (replay->active == job)
    replay->active = NULL;
  g_cond_broadcast (&replay->idle);
  g_mutex_unlock (&replay->lock);
}

/* @job is over: the next one may go */
static void
job_finish (Job * job)
{
  if (job->finished)
    return;
  job_end (job);
  replay_kick (job->replay);
}

/* The client session sending @job is gone: ended, or the sender stopped
 * (then what it did not send stays in the journal) */
static void
job_destroy (gpointer data)
{
  Job *job = data;
  MediaEdgeReplay *replay = job->replay;

  job_finish (job);
  job_free (job);
  replay_unref (replay);
}

static void
note_journal_problem (Job * job, GError * error)
{
  if (error == NULL)
    return;
  GST_WARNING ("%s: %s", job->owner->log_id, error->message);
  g_error_free (error);
}

/* Every part was answered. All delivered: the journal is done with. A
 * part refused (a proxy, a captive portal, a service that errs for a
 * while) is not the session refused for good: the journal stays, and the
 * next run tries again from the first part not delivered, until the
 * spool's bounds drop it. */
static void
downloaded_done (Job * job)
{
  GError *error = NULL;

  if (job->parts_in_a_row < job->parts) {
    GST_WARNING ("%s: the service refused a session played offline "
        "(%u of %u parts delivered); it stays on disk for the next run",
        job->owner->log_id, job->parts_in_a_row, job->parts);
    return;
  }
  if (!media_edge_journal_append_downloaded (job->journal, job->parts, TRUE,
          &error))
    note_journal_problem (job, error);
  g_atomic_int_inc (&job->owner->stats->downloaded);
  GST_INFO ("%s: a session played offline was delivered whole (%u parts)",
      job->owner->log_id, job->parts);
  owner_notify (job->owner, MEDIA_EDGE_SESSION_DOWNLOADED, NULL);
}

static void
on_job_notice (MediaEdgeSessionNotice notice, const gchar * session_id,
    const gchar * detail, gpointer data)
{
  Job *job = data;

  switch (notice) {
    case MEDIA_EDGE_SESSION_ENDED:
      if (job->downloaded)
        downloaded_done (job);
      job_finish (job);
      break;
    case MEDIA_EDGE_SESSION_LOST:
      /* an earlier run's session: never resumed, its tail is dropped */
      GST_INFO ("%s: %s; the rest of the session is dropped",
          job->owner->log_id, detail);
      break;
    default:
      break;
  }
}

/* the parts delivered in a row from the first are noted, so that a
 * replay skips them */
static void
on_part_delivered (const MediaEdgeRequest * request, gpointer data)
{
  Job *job = data;
  guint next = job->parts_in_a_row - job->parts_skipped;
  GError *error = NULL;

  if (next >= job->sent_parts->len
      || g_ptr_array_index (job->sent_parts, next) != request)
    return;
  job->parts_in_a_row++;
  if (!media_edge_journal_append_downloaded (job->journal,
          job->parts_in_a_row, FALSE, &error))
    note_journal_problem (job, error);
}

static void
on_replayed (const MediaEdgeRequest * request, gpointer data)
{
  Job *job = data;

  g_atomic_int_inc (&job->owner->stats->replayed);
}

/* A client session that sends @job's requests, as its owner would; NULL
 * once the last user left */
static MediaEdgeClientSession *
open_sender (Job * job)
{
  MediaEdgeReplayOwner *owner = job->owner;
  MediaEdgeClientSession *session = NULL;

  /* the users hold the sender while they are: not gone under the lock */
  g_mutex_lock (&job->replay->lock);
  if (!job->replay->shut)
    session = media_edge_client_open_session (job->replay->client,
        owner->log_id, owner->stats, on_job_notice, job, job_destroy);
  g_mutex_unlock (&job->replay->lock);
  if (session == NULL)
    return NULL;
  replay_ref (job->replay);
  /* the journal bounds what is sent: one session's worth */
  media_edge_client_session_configure (session, owner->request_timeout_ms,
      owner->retry_delay_ms, G_MAXINT);
  media_edge_client_session_set_unreachable_timeout (session,
      owner->unreachable_timeout_ms);
  media_edge_client_session_set_transport (session, owner->ca_file,
      owner->proxy);
  media_edge_client_session_set_max_connections (session,
      owner->max_connections);
  if (owner->state)
    media_edge_client_session_set_state (session, owner->state, NULL, NULL,
        NULL);

  return session;
}

/* A session played offline, or one that never started: whole, as
 * /downloaded, but for the parts already delivered */
static gboolean
start_downloaded (Job * job, MediaEdgeJournalContents * contents)
{
  MediaEdgeIdentity fallback = { job->owner->fpid,
    job->owner->authenticated_state
  };
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GError) error = NULL;
  MediaEdgeClientSession *session;

  parts = media_edge_codec_edge_encode_downloaded (contents->all, &fallback,
      MEDIA_EDGE_REPLAY_MAX_BODY, &error);
  if (parts == NULL) {
    GST_WARNING ("%s: a session kept on disk cannot be sent, %u requests "
        "dropped: %s", job->owner->log_id, contents->all->len, error->message);
    g_atomic_int_add (&job->owner->stats->dropped, contents->all->len);
    media_edge_journal_append_downloaded (job->journal, 0, TRUE, NULL);
    return FALSE;
  }
  job->downloaded = TRUE;
  job->parts = parts->len;
  job->parts_skipped = MIN (contents->downloaded_parts, parts->len);
  job->parts_in_a_row = job->parts_skipped;
  if (job->parts_skipped == parts->len) {
    media_edge_journal_append_downloaded (job->journal, parts->len, TRUE, NULL);
    return FALSE;
  }
  session = open_sender (job);
  if (session == NULL)
    return FALSE;
  /* a part is large: on a slow uplink, request-timeout would cut it again
   * and again, each try delivered once more */
  media_edge_client_session_configure (session,
      MAX (job->owner->request_timeout_ms, DOWNLOADED_TIMEOUT_MS),
      job->owner->retry_delay_ms, G_MAXINT);
  GST_INFO ("%s: sending a session kept on disk as /downloaded (%u events, "
      "%u parts)", job->owner->log_id, contents->all->len,
      parts->len - job->parts_skipped);
  media_edge_client_session_set_delivered_func (session, on_part_delivered,
      job, NULL);
  job->sent_parts = g_ptr_array_new ();
  for (guint i = job->parts_skipped; i < parts->len; i++)
    g_ptr_array_add (job->sent_parts, g_ptr_array_index (parts, i));
  for (guint i = job->parts_skipped; i < parts->len; i++)
    media_edge_client_session_send (session, g_steal_pointer
        (&g_ptr_array_index (parts, i)));
  media_edge_client_session_close (session);
  media_edge_client_session_unref (session);

  return TRUE;
}

static gchar *
parse_collection_id (const MediaEdgeAnswer * answer, gpointer unused,
    GError ** error)
{
  return media_edge_codec_collection_session_id_of (answer, error);
}

/* Whether @contents are a Media Collection API session's: one that
 * never started cannot go whole (no /downloaded), it goes live */
static gboolean
is_collection_session (MediaEdgeJournalContents * contents)
{
  g_autoptr (MediaEdgeRequest) end = contents->all->len > 0 ?
      media_edge_codec_collection_encode_end_after (g_ptr_array_index
      (contents->all, 0)) : NULL;

  return end != NULL;
}

/* A session an earlier run started live: its tail, live with its session
 * id, then its sessionEnd if it had none. Or one that never started, of
 * the Media Collection API: whole, live, from its sessionStart. */
static gboolean
start_tail (Job * job, MediaEdgeJournalContents * contents)
{
  MediaEdgeRequest *last = contents->all->len > 0 ?
      g_ptr_array_index (contents->all, contents->all->len - 1) : NULL;
  MediaEdgeClientSession *session;
  MediaEdgeRequest *end = NULL;

  session = open_sender (job);
  if (session == NULL)
    return FALSE;
  if (!contents->ended && last)
    end = media_edge_codec_encode_end_after (last);
  GST_INFO ("%s: sending the rest of a session an earlier run left "
      "(%u requests%s)", job->owner->log_id, contents->pending->len,
      end ? ", then its sessionEnd" : "");
  if (contents->session_id)
    media_edge_client_session_resume_id (session, contents->session_id,
        contents->location_hint);
  else
    media_edge_client_session_set_session_id_func (session,
        parse_collection_id, NULL, NULL);
  media_edge_client_session_set_delivered_func (session, on_replayed, job,
      NULL);
  for (guint i = 0; i < contents->pending->len; i++) {
    MediaEdgeRequest *request = g_ptr_array_index (contents->pending, i);
    guint64 seq = g_array_index (contents->pending_seqs, guint64, i);

    /* its answer gave the session id: it was delivered */
    if (contents->session_id && media_edge_request_opens_session (request))
      media_edge_journal_append_answered (job->journal, seq, NULL);
  }
  media_edge_client_session_set_journal (session,
      g_steal_pointer (&job->journal), contents->next_seq);
  for (guint i = 0; i < contents->pending->len; i++) {
    MediaEdgeRequest *request = g_ptr_array_index (contents->pending, i);

    if (!contents->session_id || !media_edge_request_opens_session (request))
      media_edge_client_session_send_journaled (session,
          media_edge_request_copy (request), g_array_index
          (contents->pending_seqs, guint64, i));
  }
  if (end)
    media_edge_client_session_send (session, end);
  media_edge_client_session_close (session);
  media_edge_client_session_unref (session);

  return TRUE;
}

/* TRUE when @job is being sent; FALSE when there was nothing to send */
static gboolean
start_job (Job * job)
{
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (GError) error = NULL;

  if (job->journal == NULL)
    job->journal = media_edge_spool_claim (job->replay->spool, job->path);
  if (job->journal == NULL)
    return FALSE;
  contents = media_edge_journal_read (job->journal, &error);
  if (contents == NULL) {
    GST_WARNING ("%s: %s", job->owner->log_id, error->message);
    return FALSE;
  }
  if (contents->session_id == NULL && !contents->offline
      && is_collection_session (contents))
    return start_tail (job, contents);
  if (contents->offline || contents->session_id == NULL)
    return start_downloaded (job, contents);

  return start_tail (job, contents);
}

static gboolean
replay_next_cb (gpointer data)
{
  MediaEdgeReplay *replay = data;

  for (;;) {
    Job *job;

    g_mutex_lock (&replay->lock);
    if (replay->shut || replay->active || g_queue_is_empty (&replay->jobs)) {
      g_mutex_unlock (&replay->lock);
      break;
    }
    job = replay->active = g_queue_pop_head (&replay->jobs);
    g_mutex_unlock (&replay->lock);
    if (start_job (job))
      break;
    /* nothing sent: no client session will free it; the loop goes on */
    job_end (job);
    job_free (job);
  }

  return G_SOURCE_REMOVE;
}
