/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The process-wide sender. One thread runs its own GMainContext and owns the
 * one SoupSession every element shares, as souphttpsrc does: libsoup 3
 * objects stay on the thread that made them, other threads hand work over
 * through the context. Each tracking session is a FIFO: a request goes out
 * when the one before it has been answered, and every request but the one
 * that opens the session waits for the session id that its answer gives
 * (read by the owner's session id function: the client knows no codec).
 * What the network loses is tried again, in order, with exponential backoff
 * and jitter (Retry-After when the service gives one); what the service
 * refuses is dropped, counted and logged with its answer. It logs through
 * the "mediaedgeclient" category with each session's log id; URLs and
 * bodies, which hold the datastream id, only at DEBUG. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gst/gst.h>
#include <libsoup/soup.h>

#include "mediaedge-client.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_client_debug);
#define GST_CAT_DEFAULT media_edge_client_debug

/* how much of an answer a DEBUG line quotes */
#define MAX_LOGGED_ANSWER 4096

/* the longest a try is given, once tries in a row timed out */
#define MAX_TIMEOUT_MS 60000

/* a journal written is synced within this time: what a power cut may
 * take of a session */
#define JOURNAL_SYNC_MS 1000

struct _MediaEdgeClient
{
  /* under client_lock */
  guint users;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  /* client thread only: one SoupSession per transport (CA file, proxy);
   * the default one ("") trusts the system's CAs and proxy settings */
  GHashTable *soups;
  /* client thread only: the connections to each host of each
   * SoupSession, by "soup key\nhost:port" (HostSlots) */
  GHashTable *hosts;
  GList *sessions;
  guint in_flight;
  /* the wakers woken, not yet run (under wake_lock), and the one source
   * that runs them: a source each would cost every iteration of the
   * loop a walk over thousands of sessions */
  GMutex wake_lock;
  GQueue wakes;
  GSource *wake_source;
  /* requests delivered, all sessions together (atomic), and how many
   * had been when a stopping element last gave up waiting (-1: never) */
  gint delivered;
  gint delivered_at_give_up;
  /* client thread only: the sessions whose journals were written since
   * they were last synced, and the timer that syncs them */
  GPtrArray *unsynced;
  GSource *sync_timer;
};

struct _MediaEdgeClientSession
{
  gint refcount;
  MediaEdgeClient *client;

  GMutex lock;
  GCond idle_cond;
  /* under lock: requests handed over but not yet seen by the client thread,
   * the number of requests not yet answered or dropped, and whether more
   * may come */
  GQueue incoming;
  guint pending;
  gboolean closed;

  /* set before the first request, then read on the client thread */
  gchar *log_id;
  MediaEdgeSessionIdFunc id_func;
  gpointer id_data;
  GDestroyNotify id_destroy;
  /* what the device keeps (client state, location hint), applied to
   * each request as it is sent, and what reads answers into it */
  MediaEdgeState *state;
  MediaEdgeStateFunc state_func;
  gpointer state_data;
  GDestroyNotify state_destroy;
  guint request_timeout_ms;
  guint retry_delay_ms;
  guint max_queued;
  guint unreachable_timeout_ms;
  gchar *ca_file;
  gchar *proxy;
  guint max_connections;
  /* where the journal is made, and how long the session may go without
   * a session started before it goes offline (0: never) */
  MediaEdgeSpool *spool;
  guint offline_after_ms;
  MediaEdgeDeliveredFunc delivered_func;
  gpointer delivered_data;
  GDestroyNotify delivered_destroy;
  /* under lock: requests handed over with the seq they already have in
   * the journal (a replay's) */
  GHashTable *journaled;

  /* client thread only */
  GQueue outgoing;
  /* the journal of the requests not yet answered, the seq of each
   * request in it, the next seq; whether it was given up (a write
   * failed), and whether it has its end, and was written since synced */
  MediaEdgeJournal *journal;
  GHashTable *seqs;
  guint64 next_seq;
  gboolean journal_off;
  gboolean journal_ended;
  gboolean unsynced;
  /* when the request that opens the session was first tried (monotonic),
   * and whether the session went offline since */
  gint64 opening_since;
  gboolean offline;
  gchar *session_id;
  /* the cluster the session started in: its events stay there, though
   * the hint expire meanwhile (answers to events renew nothing) */
  gboolean hint_pinned;
  gchar *pinned_hint;
  gboolean failed;
  MediaEdgeRequest *current;
  guint attempt;
  SoupMessage *in_flight;
  /* the host whose connection the request in flight holds; whether the
   * current request waits for one */
  struct _HostSlots *slots;
  gboolean waits_for_slot;
  GCancellable *request_cancellable;
  gboolean timed_out;
  /* tries in a row that timed out: each next one waits twice as long */
  guint timeouts;
  /* when the first try of the request now failing failed (0: none), and
   * whether the owner heard that the service is out of reach */
  gint64 failing_since;
  gboolean told_unreachable;
  GSource *timer;
  GCancellable *cancellable;
  gboolean attached;

  MediaEdgeClientStats *stats;
  MediaEdgeSessionNotify notify;
  gpointer user_data;
  GDestroyNotify destroy;
};

static GMutex client_lock;
static MediaEdgeClient *default_client;

static void send_next (MediaEdgeClientSession * session);
static void pin_hint (MediaEdgeClientSession * session);
static gboolean client_sync_journals_cb (gpointer data);
static void journal_close (MediaEdgeClientSession * session);
static void session_hold_offline (MediaEdgeClientSession * session,
    gboolean hold);

/* The core is used without the plugin too (the tests link it directly):
 * whoever comes first sets the category up. */
static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (media_edge_client_debug, "mediaedgeclient", 0,
        "Media Edge HTTP client");
    g_once_init_leave (&done, 1);
  }
}

/* ------------------------------------------------------------------ */
/* the client thread */

static void
abort_soup (const gchar * key, SoupSession * soup, gpointer unused)
{
  soup_session_abort (soup);
}

/* A SoupSession that trusts @ca_file instead of the system's CAs, and
 * goes through @proxy instead of the system's proxy settings, when given.
 * Each session times its own requests out (request-timeout). */
static SoupSession *
new_soup (const gchar * ca_file, const gchar * proxy, guint max_connections,
    GError ** error)
{
  /* the client hands a host no more requests at once than it has
   * connections: libsoup's own limits must not be what holds them */
  g_autoptr (SoupSession) soup = soup_session_new_with_options ("timeout", 0,
      "user-agent", "gst-mediaedge/" PACKAGE_VERSION " ",
      "max-conns-per-host", max_connections, "max-conns", G_MAXINT, NULL);

  if (ca_file) {
    g_autoptr (GTlsDatabase) database = g_tls_file_database_new (ca_file,
        error);

    if (database == NULL)
      return NULL;
    soup_session_set_tls_database (soup, database);
  }
  if (proxy) {
    g_autoptr (GProxyResolver) resolver =
        g_simple_proxy_resolver_new (proxy, NULL);

    soup_session_set_proxy_resolver (soup, resolver);
  }

  return g_steal_pointer (&soup);
}

static gchar *
soup_key (MediaEdgeClientSession * session)
{
  return g_strdup_printf ("%s\n%s\n%u", session->ca_file ? session->ca_file :
      "", session->proxy ? session->proxy : "", session->max_connections);
}

/* The SoupSession for @session's transport, made at first use. */
static SoupSession *
client_get_soup (MediaEdgeClient * client, MediaEdgeClientSession * session,
    GError ** error)
{
  g_autofree gchar *key = soup_key (session);
  SoupSession *soup = g_hash_table_lookup (client->soups, key);

  if (soup)
    return soup;
  soup = new_soup (session->ca_file, session->proxy,
      session->max_connections, error);
  if (soup)
    g_hash_table_insert (client->soups, g_steal_pointer (&key), soup);

  return soup;
}

/* ------------------------------------------------------------------ */
/* connections: a request goes to libsoup only once a connection to its
 * host is free, so that request-timeout counts from then, not while it
 * waits behind others in libsoup's queue (under a backlog, requests the
 * service had answered timed out and went twice) */

typedef struct _HostSlots
{
  guint in_flight;
  guint limit;
  /* the sessions whose current request waits for a connection */
  GQueue waiting;
} HostSlots;

static void
host_slots_free (HostSlots * slots)
{
  g_queue_clear_full (&slots->waiting, (GDestroyNotify)
      media_edge_client_session_unref);
  g_free (slots);
}

/* The connections of @uri's host for @session's transport */
static HostSlots *
client_get_slots (MediaEdgeClient * client, MediaEdgeClientSession * session,
    GUri * uri)
{
  g_autofree gchar *transport = soup_key (session);
  g_autofree gchar *key = g_strdup_printf ("%s\n%s:%d", transport,
      g_uri_get_host (uri), g_uri_get_port (uri));
  HostSlots *slots = g_hash_table_lookup (client->hosts, key);

  if (slots == NULL) {
    slots = g_new0 (HostSlots, 1);
    slots->limit = session->max_connections;
    g_queue_init (&slots->waiting);
    g_hash_table_insert (client->hosts, g_steal_pointer (&key), slots);
  }

  return slots;
}

/* Whether @session may send now; if not, it waits its turn */
static gboolean
slots_admit (HostSlots * slots, MediaEdgeClientSession * session)
{
  if (slots->in_flight < slots->limit) {
    slots->in_flight++;
    session->slots = slots;
    return TRUE;
  }
  session->waits_for_slot = TRUE;
  g_queue_push_tail (&slots->waiting, media_edge_client_session_ref (session));

  return FALSE;
}

static void send_current (MediaEdgeClientSession * session);

/* @session's exchange is over: the next session waiting for its host
 * goes */
static void
slots_release (MediaEdgeClientSession * session)
{
  HostSlots *slots = g_steal_pointer (&session->slots);
  MediaEdgeClientSession *next;

  if (slots == NULL)
    return;
  slots->in_flight--;
  while ((next = g_queue_pop_head (&slots->waiting))) {
    gboolean sent = next->waits_for_slot && next->current
        && !g_cancellable_is_cancelled (next->cancellable);

    next->waits_for_slot = FALSE;
    if (sent)
      send_current (next);
    media_edge_client_session_unref (next);
    if (sent)
      break;
  }
}

static gpointer
client_thread_main (gpointer data)
{
  MediaEdgeClient *client = data;

  g_main_context_push_thread_default (client->context);

  client->soups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      g_object_unref);
  client->hosts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      (GDestroyNotify) host_slots_free);

  g_main_loop_run (client->loop);

  /* Aborted requests finish through their callbacks: let them run so that
   * each gives back what it holds. */
  g_hash_table_foreach (client->soups, (GHFunc) abort_soup, NULL);
  while (client->in_flight > 0)
    g_main_context_iteration (client->context, TRUE);
  g_clear_pointer (&client->soups, g_hash_table_unref);
  g_clear_pointer (&client->hosts, g_hash_table_unref);
  /* the sessions' connections close through the context: a sender that
   * stopped with requests in flight would leave their sockets open */
  while (g_main_context_iteration (client->context, FALSE));

  g_main_context_pop_thread_default (client->context);

  return NULL;
}

/* ------------------------------------------------------------------ */
/* wakers */

struct _MediaEdgeClientWaker
{
  gint refs;
  MediaEdgeClient *client;
  /* under the client's wake_lock */
  GList link;
  gboolean queued;
  gboolean destroyed;
  GSourceFunc func;
  gpointer user_data;
  GDestroyNotify destroy;
};

typedef struct
{
  GSource source;
  MediaEdgeClient *client;
} WakeSource;

static MediaEdgeClientWaker *
waker_ref (MediaEdgeClientWaker * waker)
{
  g_atomic_int_inc (&waker->refs);

  return waker;
}

static void
waker_unref (MediaEdgeClientWaker * waker)
{
  if (!g_atomic_int_dec_and_test (&waker->refs))
    return;
  if (waker->destroy)
    waker->destroy (waker->user_data);
  g_free (waker);
}

/* The wakers woken before this dispatch, in turn: one woken meanwhile
 * waits for the next iteration */
static gboolean
wake_source_dispatch (GSource * source, GSourceFunc callback, gpointer unused)
{
  MediaEdgeClient *client = ((WakeSource *) source)->client;
  guint n;

  g_source_set_ready_time (source, -1);
  g_mutex_lock (&client->wake_lock);
  n = client->wakes.length;
  g_mutex_unlock (&client->wake_lock);
  while (n-- > 0) {
    MediaEdgeClientWaker *waker;
    GList *link;

    g_mutex_lock (&client->wake_lock);
    link = g_queue_pop_head_link (&client->wakes);
    waker = link ? waker_ref (link->data) : NULL;
    if (waker)
      waker->queued = FALSE;
    g_mutex_unlock (&client->wake_lock);
    if (waker == NULL)
      break;
    waker->func (waker->user_data);
    waker_unref (waker);
  }

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs wake_source_funcs = {
  .dispatch = wake_source_dispatch,
};

/**
 * media_edge_client_waker_new:
 * @func: run on the client thread when woken; its return is ignored
 *
 * Returns: (transfer full): a waker, until media_edge_client_waker_destroy()
 */
MediaEdgeClientWaker *
media_edge_client_waker_new (MediaEdgeClient * client, GSourceFunc func,
    gpointer user_data, GDestroyNotify destroy)
{
  MediaEdgeClientWaker *waker = g_new0 (MediaEdgeClientWaker, 1);

  waker->refs = 1;
  waker->client = client;
  waker->link.data = waker;
  waker->func = func;
  waker->user_data = user_data;
  waker->destroy = destroy;

  return waker;
}

/* Any thread; allocates nothing: @waker's function runs soon, once
 * however many times it was woken meanwhile. */
void
media_edge_client_waker_wake (MediaEdgeClientWaker * waker)
{
  MediaEdgeClient *client = waker->client;

  g_mutex_lock (&client->wake_lock);
  if (!waker->queued && !waker->destroyed) {
    waker->queued = TRUE;
    g_queue_push_tail_link (&client->wakes, &waker->link);
  }
  g_mutex_unlock (&client->wake_lock);
  g_source_set_ready_time (client->wake_source, 0);
}

/* Not woken any more. Its function may still be running on the client
 * thread, which holds it until it returns. */
void
media_edge_client_waker_destroy (MediaEdgeClientWaker * waker)
{
  MediaEdgeClient *client = waker->client;

  g_mutex_lock (&client->wake_lock);
  waker->destroyed = TRUE;
  if (waker->queued)
    g_queue_unlink (&client->wakes, &waker->link);
  waker->queued = FALSE;
  g_mutex_unlock (&client->wake_lock);
  waker_unref (waker);
}

static MediaEdgeClient *
client_new (void)
{
  MediaEdgeClient *client = g_new0 (MediaEdgeClient, 1);

  client->users = 1;
  client->delivered_at_give_up = -1;
  client->context = g_main_context_new ();
  g_mutex_init (&client->wake_lock);
  g_queue_init (&client->wakes);
  client->wake_source = g_source_new (&wake_source_funcs, sizeof (WakeSource));
  ((WakeSource *) client->wake_source)->client = client;
  g_source_attach (client->wake_source, client->context);
  client->loop = g_main_loop_new (client->context, FALSE);
  client->unsynced = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_client_session_unref);
  client->thread = g_thread_new ("mediaedge-send", client_thread_main, client);

  return client;
}

/**
 * media_edge_client_get_default:
 *
 * Returns: (transfer full): the process-wide client, started if it was not
 * running. Give it back with media_edge_client_release().
 */
MediaEdgeClient *
media_edge_client_get_default (void)
{
  MediaEdgeClient *client;

  init_debug ();
  g_mutex_lock (&client_lock);
  if (default_client)
    default_client->users++;
  else
    default_client = client_new ();
  client = default_client;
  g_mutex_unlock (&client_lock);

  return client;
}

static void session_drop_all (MediaEdgeClientSession * session,
    const gchar * why);
static void session_detach (MediaEdgeClientSession * session);
static void session_stop_timer (MediaEdgeClientSession * session);
static void drop_request (MediaEdgeClientSession * session,
    MediaEdgeRequest * request, const gchar * why);

static gboolean
client_shutdown_cb (gpointer data)
{
  MediaEdgeClient *client = data;

  while (client->sessions) {
    MediaEdgeClientSession *session = client->sessions->data;

    g_cancellable_cancel (session->cancellable);
    if (session->request_cancellable)
      g_cancellable_cancel (session->request_cancellable);
    session_stop_timer (session);
    /* a request waiting to be tried again; one in flight is dropped when
     * its cancelled answer comes */
    if (session->current && session->in_flight == NULL)
      drop_request (session, g_steal_pointer (&session->current),
          "the sender stopped");
    session_drop_all (session, "the sender stopped");
    session_detach (session);
  }
  /* what the sender did not send waits on disk for the next run */
  if (client->sync_timer)
    g_source_destroy (client->sync_timer);
  client_sync_journals_cb (client);
  g_main_loop_quit (client->loop);

  return G_SOURCE_REMOVE;
}

/* Stops the thread once the last user is gone. Sessions still sending are
 * cancelled: their users waited as long as they were willing to. */
void
media_edge_client_release (MediaEdgeClient * client)
{
  g_return_if_fail (client != NULL);

  g_mutex_lock (&client_lock);
  g_assert (client->users > 0);
  if (--client->users > 0) {
    g_mutex_unlock (&client_lock);
    return;
  }
  if (default_client == client)
    default_client = NULL;
  g_mutex_unlock (&client_lock);

  g_main_context_invoke (client->context, client_shutdown_cb, client);
  g_thread_join (client->thread);

  g_source_destroy (client->wake_source);
  g_source_unref (client->wake_source);
  g_main_loop_unref (client->loop);
  g_main_context_unref (client->context);
  g_mutex_clear (&client->wake_lock);
  g_ptr_array_unref (client->unsynced);
  g_free (client);
}

/**
 * media_edge_client_flush_deadline:
 * @timeout_ms: how long a stopping element may wait for its requests
 *
 * The bound holds per process, not per element: once a stopping element
 * gave up waiting, the service away, the next ones do not wait again
 * until the sender delivers something. Stopping 2,000 pipelines with the
 * service away takes one flush-timeout, not 2,000 (what is not sent waits
 * in the journal, when there is one).
 *
 * Returns: the monotonic time to wait until
 */
gint64
media_edge_client_flush_deadline (MediaEdgeClient * client, guint timeout_ms)
{
  gint64 now = g_get_monotonic_time ();
  gint given_up = g_atomic_int_get (&client->delivered_at_give_up);

  if (given_up >= 0 && given_up == g_atomic_int_get (&client->delivered))
    return now;

  return now + (gint64) timeout_ms *G_TIME_SPAN_MILLISECOND;
}

/* A stopping element waited its flush-timeout for nothing */
void
media_edge_client_note_flush_gave_up (MediaEdgeClient * client)
{
  g_atomic_int_set (&client->delivered_at_give_up,
      g_atomic_int_get (&client->delivered));
}

/**
 * media_edge_client_get_context:
 *
 * Returns: (transfer none): the client thread's main context, where the
 * elements' ping sources live.
 */
GMainContext *
media_edge_client_get_context (MediaEdgeClient * client)
{
  return client->context;
}

/* ------------------------------------------------------------------ */
/* statistics */

MediaEdgeClientStats *
media_edge_client_stats_new (void)
{
  MediaEdgeClientStats *stats = g_new0 (MediaEdgeClientStats, 1);

  stats->ref_count = 1;
  g_mutex_init (&stats->lock);

  return stats;
}

MediaEdgeClientStats *
media_edge_client_stats_ref (MediaEdgeClientStats * stats)
{
  g_atomic_int_inc (&stats->ref_count);

  return stats;
}

void
media_edge_client_stats_unref (MediaEdgeClientStats * stats)
{
  if (!g_atomic_int_dec_and_test (&stats->ref_count))
    return;

  g_mutex_clear (&stats->lock);
  g_free (stats->last_error);
  g_free (stats->last_drop);
  g_free (stats);
}

static gchar *
stats_dup (MediaEdgeClientStats * stats, gchar ** field)
{
  gchar *text;

  g_mutex_lock (&stats->lock);
  text = g_strdup (*field);
  g_mutex_unlock (&stats->lock);

  return text;
}

static void
stats_set (MediaEdgeClientStats * stats, gchar ** field, const gchar * text)
{
  g_mutex_lock (&stats->lock);
  g_free (*field);
  *field = g_strdup (text);
  g_mutex_unlock (&stats->lock);
}

/* The last failure met: a try that failed, a refusal, a lost session. */
gchar *
media_edge_client_stats_dup_last_error (MediaEdgeClientStats * stats)
{
  return stats_dup (stats, &stats->last_error);
}

/* Why the last request dropped was dropped, be it for a failure of its
 * own or one that came before (no session id, a full queue). */
gchar *
media_edge_client_stats_dup_last_drop (MediaEdgeClientStats * stats)
{
  return stats_dup (stats, &stats->last_drop);
}

static void
stats_set_last_error (MediaEdgeClientStats * stats, const gchar * error)
{
  stats_set (stats, &stats->last_error, error);
}

/* ------------------------------------------------------------------ */
/* sessions */

MediaEdgeClientSession *
media_edge_client_session_ref (MediaEdgeClientSession * session)
{
  g_atomic_int_inc (&session->refcount);
  return session;
}

void
media_edge_client_session_unref (MediaEdgeClientSession * session)
{
  if (!g_atomic_int_dec_and_test (&session->refcount))
    return;

  g_assert (session->current == NULL);
  journal_close (session);
  g_clear_pointer (&session->seqs, g_hash_table_unref);
  g_hash_table_unref (session->journaled);
  g_clear_pointer (&session->spool, media_edge_spool_free);
  if (session->delivered_destroy)
    session->delivered_destroy (session->delivered_data);
  g_queue_clear_full (&session->incoming,
      (GDestroyNotify) media_edge_request_free);
  g_queue_clear_full (&session->outgoing,
      (GDestroyNotify) media_edge_request_free);
  g_free (session->session_id);
  g_free (session->pinned_hint);
  g_free (session->log_id);
  if (session->id_destroy)
    session->id_destroy (session->id_data);
  if (session->state_destroy)
    session->state_destroy (session->state_data);
  g_clear_pointer (&session->state, media_edge_state_unref);
  g_free (session->ca_file);
  g_free (session->proxy);
  g_object_unref (session->cancellable);
  media_edge_client_stats_unref (session->stats);
  if (session->destroy)
    session->destroy (session->user_data);
  g_mutex_clear (&session->lock);
  g_cond_clear (&session->idle_cond);
  g_free (session);
}

static void
session_notify (MediaEdgeClientSession * session,
    MediaEdgeSessionNotice notice, const gchar * detail)
{
  if (session->notify)
    session->notify (notice, session->session_id, detail, session->user_data);
}

/* @delta requests more, or fewer, to wait for */
static void
session_add_pending (MediaEdgeClientSession * session, gint delta)
{
  g_mutex_lock (&session->lock);
  session->pending += delta;
  if (session->pending == 0)
    g_cond_broadcast (&session->idle_cond);
  g_mutex_unlock (&session->lock);
}

/* @n requests fewer to wait for. */
static void
session_settle (MediaEdgeClientSession * session, guint n)
{
  g_atomic_int_add (&session->stats->queued, -(gint) n);
  session_add_pending (session, -(gint) n);
}

/* Counts @n requests as dropped, and says why. The last error stays the
 * failure that caused the drops: "the session has no id" would hide the
 * refusal of its sessionStart. */
static void
session_count_drops (MediaEdgeClientSession * session, guint n,
    const gchar * why)
{
  g_atomic_int_add (&session->stats->dropped, n);
  stats_set (session->stats, &session->stats->last_drop, why);
  session_settle (session, n);
  session_notify (session, MEDIA_EDGE_SESSION_DROPPED, why);
}

/* ------------------------------------------------------------------ */
/* the journal, on the client thread: every request not yet answered is
 * also on disk, so that a crash, a power cut or a stop with requests
 * still queued loses nothing (the next run replays it), and a session
 * that never started waits there whole while offline */

static gboolean
session_journals (MediaEdgeClientSession * session)
{
  return session->journal != NULL;
}

static void
journal_mark_unsynced (MediaEdgeClientSession * session)
{
  MediaEdgeClient *client = session->client;

  if (session->unsynced)
    return;
  session->unsynced = TRUE;
  g_ptr_array_add (client->unsynced, media_edge_client_session_ref (session));
  if (client->sync_timer == NULL) {
    client->sync_timer = g_timeout_source_new (JOURNAL_SYNC_MS);
    g_source_set_callback (client->sync_timer, client_sync_journals_cb,
        client, NULL);
    g_source_attach (client->sync_timer, client->context);
  }
}

static void session_requeue (MediaEdgeClientSession * session,
    GPtrArray * requests);

/* A write failed (a full disk, a folder taken away): said once, and the
 * session goes on in memory only. What an offline session had only in
 * its journal comes back to memory, to be tried live again. */
static void
journal_failed (MediaEdgeClientSession * session, const GError * error)
{
  g_autoptr (MediaEdgeJournalContents) contents = NULL;

  GST_WARNING_ID (session->log_id, "the journal is given up, the session "
      "goes on in memory only: %s", error->message);
  if (session->offline) {
    contents = media_edge_journal_read (session->journal, NULL);
    session->offline = FALSE;
    session->opening_since = 0;
    session_hold_offline (session, FALSE);
  }
  g_clear_pointer (&session->journal, media_edge_journal_discard);
  g_hash_table_remove_all (session->seqs);
  session->journal_off = TRUE;
  session_notify (session, MEDIA_EDGE_SESSION_JOURNAL_FAILED, error->message);
  if (contents)
    session_requeue (session, contents->pending);
}

/* The first request: the journal is made, once the bounds let room */
static void
journal_open (MediaEdgeClientSession * session)
{
  g_autoptr (GError) error = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  guint evicted;

  if (session->journal || session->journal_off || session->spool == NULL)
    return;
  evicted = media_edge_spool_enforce_bounds_now_and_then (session->spool, now);
  if (evicted > 0)
    g_atomic_int_add (&session->stats->spool_dropped, evicted);
  session->journal = media_edge_spool_create_journal (session->spool, FALSE,
      now, &error);
  if (session->journal == NULL) {
    session->journal_off = TRUE;
    GST_WARNING_ID (session->log_id, "no journal, the session goes on in "
        "memory only: %s", error->message);
    session_notify (session, MEDIA_EDGE_SESSION_JOURNAL_FAILED, error->message);
  }
}

/* Whether a write went: given up otherwise, for the reason in *@error,
 * which is freed. @error is passed by address: a call that writes it may
 * be an argument of this one, and C evaluates arguments in any order. */
static gboolean
journal_check (MediaEdgeClientSession * session, gboolean written,
    GError ** error)
{
  if (!written) {
    /* a precondition refused sets no error: the journal is off all the
     * same */
    if (*error == NULL)
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED,
          "the journal refused an entry");
    journal_failed (session, *error);
    g_clear_error (error);
    return FALSE;
  }
  journal_mark_unsynced (session);

  return TRUE;
}

/* @request goes into the journal as the client thread takes it, under a
 * seq of its own, unless a replay handed it with the seq it has there
 * (@seq, taken) */
static void
journal_take (MediaEdgeClientSession * session, MediaEdgeRequest * request,
    guint64 * seq)
{
  GError *error = NULL;
  gboolean written;

  journal_open (session);
  if (!session_journals (session)) {
    /* given up since it was handed over */
    g_free (seq);
    return;
  }
  if (seq == NULL) {
    seq = g_memdup2 (&session->next_seq, sizeof (guint64));
    session->next_seq++;
    written = media_edge_journal_append_request (session->journal, *seq,
        request, &error);
    if (written)
      g_atomic_int_inc (&session->stats->spooled);
  } else {
    written = TRUE;
  }
  g_hash_table_insert (session->seqs, request, seq);
  journal_check (session, written, &error);
}

/* @request was answered, or given up for good: the journal is done with
 * it. Not when the sender stops: what it did not send, the next run
 * replays. */
static void
journal_answered (MediaEdgeClientSession * session,
    const MediaEdgeRequest * request)
{
  guint64 *seq = g_hash_table_lookup (session->seqs, request);
  GError *error = NULL;

  if (seq == NULL || !session_journals (session))
    return;
  if (!g_cancellable_is_cancelled (session->cancellable))
    journal_check (session, media_edge_journal_append_answered
        (session->journal, *seq, &error), &error);
  g_hash_table_remove (session->seqs, request);
}

/* Whether @request, which the sender drops as it stops, waits in the
 * journal for the next run: then it is not lost, and not counted so */
static gboolean
journal_keeps (MediaEdgeClientSession * session,
    const MediaEdgeRequest * request)
{
  return g_cancellable_is_cancelled (session->cancellable)
      && session_journals (session)
      && g_hash_table_contains (session->seqs, request);
}

/* @request leaves memory but stays in the journal, unanswered */
static void
journal_forget (MediaEdgeClientSession * session,
    const MediaEdgeRequest * request)
{
  g_hash_table_remove (session->seqs, request);
}

static void
journal_session_id (MediaEdgeClientSession * session)
{
  GError *error = NULL;

  if (session_journals (session)
      && journal_check (session, media_edge_journal_append_session_id
          (session->journal, session->session_id, &error), &error)
      && session->pinned_hint)
    journal_check (session, media_edge_journal_append_hint (session->journal,
            session->pinned_hint, &error), &error);
}

static void
journal_sync (MediaEdgeClientSession * session)
{
  GError *error = NULL;

  if (session_journals (session)
      && !media_edge_journal_sync (session->journal, &error)) {
    journal_failed (session, error);
    g_error_free (error);
  }
}

/* Every request the session will have was taken: synced, as at every
 * session end */
static void
journal_end (MediaEdgeClientSession * session)
{
  GError *error = NULL;

  if (!session_journals (session) || session->journal_ended)
    return;
  session->journal_ended = TRUE;
  if (journal_check (session, media_edge_journal_append_end (session->journal,
              &error), &error))
    journal_sync (session);
}

/* Removed if done with, synced and left for a replay otherwise */
static void
journal_close (MediaEdgeClientSession * session)
{
  if (session->journal == NULL)
    return;
  if (!media_edge_journal_is_done (session->journal))
    media_edge_journal_sync (session->journal, NULL);
  g_clear_pointer (&session->journal, media_edge_journal_close);
}

static gboolean
client_sync_journals_cb (gpointer data)
{
  MediaEdgeClient *client = data;
  g_autoptr (GPtrArray) unsynced = g_steal_pointer (&client->unsynced);

  client->unsynced = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_client_session_unref);
  g_clear_pointer (&client->sync_timer, g_source_unref);
  for (guint i = 0; i < unsynced->len; i++) {
    MediaEdgeClientSession *session = g_ptr_array_index (unsynced, i);

    session->unsynced = FALSE;
    journal_sync (session);
    /* a sync that failed brought an offline session's requests back to
     * memory: they go now, not with the next request */
    if (session->attached && !g_cancellable_is_cancelled (session->cancellable))
      send_next (session);
  }

  return G_SOURCE_REMOVE;
}

/* An offline session counts one request more than it has until its owner
 * took its journal: whoever waits for it to be idle waits for that too */
static void
session_hold_offline (MediaEdgeClientSession * session, gboolean hold)
{
  session_add_pending (session, hold ? 1 : -1);
}

/* The session went offline: @request leaves memory, and stays in the
 * journal for later */
static void
session_park (MediaEdgeClientSession * session, MediaEdgeRequest * request)
{
  journal_forget (session, request);
  media_edge_request_free (request);
  session_settle (session, 1);
}

/* No session started within offline-after: the service is out of reach.
 * The session goes on in its journal only; once closed, it goes whole
 * (the owner takes the journal). */
static gboolean
session_go_offline (MediaEdgeClientSession * session)
{
  GError *error = NULL;

  if (!journal_check (session, media_edge_journal_append_offline
          (session->journal, &error), &error))
    return FALSE;
  /* on disk before the requests leave memory: a journal that cannot be
   * synced is given up, and the session goes on live */
  journal_sync (session);
  if (!session_journals (session))
    return FALSE;
  session->offline = TRUE;
  session_hold_offline (session, TRUE);
  GST_INFO_ID (session->log_id, "no session started within %u ms: offline, "
      "the session waits in its journal", session->offline_after_ms);
  session_notify (session, MEDIA_EDGE_SESSION_OFFLINE, NULL);
  if (session->current)
    session_park (session, g_steal_pointer (&session->current));
  while (!g_queue_is_empty (&session->outgoing))
    session_park (session, g_queue_pop_head (&session->outgoing));

  return TRUE;
}

/* How long the request opening the session may still be tried before the
 * session goes offline: G_MAXINT64 when it never does */
static gint64
offline_in_ms (MediaEdgeClientSession * session)
{
  gint64 deadline;

  if (session->offline_after_ms == 0 || !session_journals (session)
      || session->offline || session->current == NULL
      || !media_edge_request_opens_session (session->current)
      || session->opening_since == 0)
    return G_MAXINT64;
  deadline = session->opening_since +
      (gint64) session->offline_after_ms * G_TIME_SPAN_MILLISECOND;

  return MAX (0, deadline - g_get_monotonic_time ()) / G_TIME_SPAN_MILLISECOND;
}

static void
session_drop_all (MediaEdgeClientSession * session, const gchar * why)
{
  guint n = 0, kept = 0;

  g_mutex_lock (&session->lock);
  while (!g_queue_is_empty (&session->incoming))
    g_queue_push_tail (&session->outgoing,
        g_queue_pop_head (&session->incoming));
  g_mutex_unlock (&session->lock);

  while (!g_queue_is_empty (&session->outgoing)) {
    MediaEdgeRequest *request = g_queue_pop_head (&session->outgoing);

    if (journal_keeps (session, request)) {
      kept++;
      session_park (session, request);
      continue;
    }
    n++;
    journal_answered (session, request);
    media_edge_request_free (request);
  }
  if (kept > 0)
    GST_INFO_ID (session->log_id, "%u requests kept in the journal for the "
        "next run: %s", kept, why);
  if (n > 0) {
    GST_WARNING_ID (session->log_id, "%u requests dropped: %s", n, why);
    session_count_drops (session, n, why);
  }
}

static void
session_attach (MediaEdgeClientSession * session)
{
  MediaEdgeClient *client = session->client;

  if (session->attached)
    return;
  session->attached = TRUE;
  client->sessions = g_list_prepend (client->sessions,
      media_edge_client_session_ref (session));
}

static void
session_detach (MediaEdgeClientSession * session)
{
  MediaEdgeClient *client = session->client;

  if (!session->attached)
    return;
  session->attached = FALSE;
  client->sessions = g_list_remove (client->sessions, session);
  media_edge_client_session_unref (session);
}

/* A closed session whose every request was answered is done. */
static void
session_maybe_finish (MediaEdgeClientSession * session)
{
  gboolean done;

  g_mutex_lock (&session->lock);
  done = session->closed && session->pending == (session->offline ? 1 : 0);
  g_mutex_unlock (&session->lock);

  if (done && session->attached) {
    /* offline, the session was all in its journal: its owner takes it */
    session_notify (session, session->offline ? MEDIA_EDGE_SESSION_PARKED :
        MEDIA_EDGE_SESSION_ENDED, NULL);
    journal_close (session);
    if (session->offline)
      session_hold_offline (session, FALSE);
    session_detach (session);
  }
}

/* Requests waiting beyond the one being tried. A sessionStart still in
 * the queue is as good as being tried: it does not count, whether or not
 * the client thread has taken it out yet. */
static guint
session_count_waiting (GQueue * queue)
{
  guint n = g_queue_get_length (queue);

  if (n > 0 && media_edge_request_opens_session (queue->head->data))
    n--;

  return n;
}

/* What goes when the queue is full: the oldest ping, or else the oldest
 * request. Never the sessionStart: without it the whole session is lost. */
static GList *
session_pick_victim (GQueue * queue)
{
  GList *oldest = NULL;

  for (GList * l = queue->head; l; l = l->next) {
    if (media_edge_request_is_expendable (l->data))
      return l;
    if (!oldest && !media_edge_request_opens_session (l->data))
      oldest = l;
  }

  return oldest;
}

/* Keeps at most max-queued requests waiting: pings go first, then the
 * oldest requests. */
static void
session_enforce_bound (MediaEdgeClientSession * session)
{
  GQueue *queue = &session->outgoing;

  while (session_count_waiting (queue) > session->max_queued) {
    GList *victim = session_pick_victim (queue);

    GST_WARNING_ID (session->log_id, "queue full (%u): %s dropped",
        session->max_queued, media_edge_request_get_name (victim->data));
    journal_answered (session, victim->data);
    media_edge_request_free (victim->data);
    g_queue_delete_link (queue, victim);
    session_count_drops (session, 1, "the queue of events was full");
  }
}

/* The requests handed over so far, each with the seq a replay gave it
 * (NULL for a new one), and whether more may come */
static gboolean
session_take_incoming (MediaEdgeClientSession * session, GQueue * taken,
    GPtrArray * seqs)
{
  gboolean closed;

  g_mutex_lock (&session->lock);
  while (!g_queue_is_empty (&session->incoming)) {
    MediaEdgeRequest *request = g_queue_pop_head (&session->incoming);
    gpointer seq = NULL;

    g_hash_table_steal_extended (session->journaled, request, NULL, &seq);
    g_queue_push_tail (taken, request);
    g_ptr_array_add (seqs, seq);
  }
  closed = session->closed;
  g_mutex_unlock (&session->lock);

  return closed;
}

/* What an offline session kept in its journal only, back in memory (its
 * journal failed): older than anything queued */
static void
session_requeue (MediaEdgeClientSession * session, GPtrArray * requests)
{
  for (guint i = requests->len; i > 0; i--)
    g_queue_push_head (&session->outgoing,
        media_edge_request_copy (g_ptr_array_index (requests, i - 1)));
  session_add_pending (session, requests->len);
  g_atomic_int_add (&session->stats->queued, requests->len);
  session_enforce_bound (session);
}

static gboolean
session_drain_cb (gpointer data)
{
  MediaEdgeClientSession *session = data;
  g_autoptr (GPtrArray) seqs = g_ptr_array_new ();
  GQueue taken = G_QUEUE_INIT;
  gboolean closed = session_take_incoming (session, &taken, seqs);

  /* in the journal before anything else becomes of them */
  for (guint i = 0; !g_queue_is_empty (&taken); i++) {
    MediaEdgeRequest *request = g_queue_pop_head (&taken);

    journal_take (session, request, g_ptr_array_index (seqs, i));
    g_queue_push_tail (&session->outgoing, request);
  }
  if (closed)
    journal_end (session);
  session_enforce_bound (session);

  if (!g_cancellable_is_cancelled (session->cancellable)) {
    session_attach (session);
    send_next (session);
  }
  session_maybe_finish (session);

  return G_SOURCE_REMOVE;
}

/* The queue is drained from the client thread's loop, even when the
 * caller is on that thread (a wake-up of the element's, a replay): never
 * inside send() or close(), whose caller may hold a lock that the notices
 * the drain gives (offline, parked, dropped) take. */
static void
session_wake (MediaEdgeClientSession * session)
{
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, session_drain_cb,
      media_edge_client_session_ref (session),
      (GDestroyNotify) media_edge_client_session_unref);
  g_source_attach (source, session->client->context);
  g_source_unref (source);
}

/**
 * media_edge_client_open_session:
 * @log_id: (nullable): who the session works for, in the log lines
 * @stats: (nullable): where the session adds up how its requests fared
 * @notify: (nullable): told on the client thread when the session starts,
 *   fails or ends
 *
 * Returns: (transfer full): a new, empty session. Give it a session id
 * function before the first request.
 */
MediaEdgeClientSession *
media_edge_client_open_session (MediaEdgeClient * client,
    const gchar * log_id, MediaEdgeClientStats * stats,
    MediaEdgeSessionNotify notify, gpointer user_data, GDestroyNotify destroy)
{
  MediaEdgeClientSession *session = g_new0 (MediaEdgeClientSession, 1);

  init_debug ();
  session->refcount = 1;
  session->log_id = g_strdup (log_id);
  session->stats = stats ? media_edge_client_stats_ref (stats) :
      media_edge_client_stats_new ();
  session->request_timeout_ms = MEDIA_EDGE_REQUEST_TIMEOUT_DEFAULT;
  session->retry_delay_ms = MEDIA_EDGE_RETRY_DELAY_DEFAULT;
  session->unreachable_timeout_ms =
      MEDIA_EDGE_UNREACHABLE_TIMEOUT_DEFAULT * 1000;
  session->max_queued = MEDIA_EDGE_MAX_QUEUED_DEFAULT;
  session->max_connections = MEDIA_EDGE_MAX_CONNECTIONS_DEFAULT;
  session->client = client;
  g_mutex_init (&session->lock);
  g_cond_init (&session->idle_cond);
  g_queue_init (&session->incoming);
  g_queue_init (&session->outgoing);
  session->seqs = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  session->journaled = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  session->cancellable = g_cancellable_new ();
  session->notify = notify;
  session->user_data = user_data;
  session->destroy = destroy;

  return session;
}

/**
 * media_edge_client_session_set_session_id_func:
 * @func: reads the session id in the answer to the request that opens the
 *   session; without it, no session starts
 * @destroy: (nullable): frees @user_data with the session
 *
 * Call before the first request is sent.
 */
void
media_edge_client_session_set_session_id_func (MediaEdgeClientSession *
    session, MediaEdgeSessionIdFunc func, gpointer user_data,
    GDestroyNotify destroy)
{
  g_return_if_fail (session != NULL);

  if (session->id_destroy)
    session->id_destroy (session->id_data);
  session->id_func = func;
  session->id_data = user_data;
  session->id_destroy = destroy;
}

/**
 * media_edge_client_session_set_state:
 * @state: (transfer none): what the device keeps: its client state entries
 *   go with each request that carries state, its location hint into each
 *   URL that has room for one, at the moment it is sent
 * @func: keeps in @state what a delivered answer asks to keep
 * @destroy: (nullable): frees @user_data with the session
 *
 * Call before the first request is sent. The client reads @state like a
 * cookie jar: it knows neither the API nor what the entries mean.
 */
void
media_edge_client_session_set_state (MediaEdgeClientSession * session,
    MediaEdgeState * state, MediaEdgeStateFunc func, gpointer user_data,
    GDestroyNotify destroy)
{
  g_return_if_fail (session != NULL && state != NULL);

  if (session->state_destroy)
    session->state_destroy (session->state_data);
  g_clear_pointer (&session->state, media_edge_state_unref);
  session->state = media_edge_state_ref (state);
  session->state_func = func;
  session->state_data = user_data;
  session->state_destroy = destroy;
}

/**
 * media_edge_client_session_configure:
 * @request_timeout_ms: how long a request may take before it is tried again
 * @retry_delay_ms: the first delay before trying again; it doubles at each
 *   attempt, to at most 30 times as long
 * @max_queued: requests kept waiting at most; past it pings are dropped
 *   first, then the oldest requests
 *
 * Call before the first request is sent.
 */
void
media_edge_client_session_configure (MediaEdgeClientSession * session,
    guint request_timeout_ms, guint retry_delay_ms, guint max_queued)
{
  g_return_if_fail (request_timeout_ms > 0 && retry_delay_ms > 0);
  g_return_if_fail (max_queued > 0);

  session->request_timeout_ms = request_timeout_ms;
  session->retry_delay_ms = retry_delay_ms;
  session->max_queued = max_queued;
}

/**
 * media_edge_client_session_set_unreachable_timeout:
 * @timeout_ms: how long a request may go on failing (connection errors,
 *   timeouts, busy answers) before the owner is told, once
 *   (MEDIA_EDGE_SESSION_UNREACHABLE); 0: never
 *
 * Call before the first request is sent.
 */
void
media_edge_client_session_set_unreachable_timeout (MediaEdgeClientSession *
    session, guint timeout_ms)
{
  session->unreachable_timeout_ms = timeout_ms;
}

/**
 * media_edge_client_session_set_transport:
 * @ca_file: (nullable): PEM file of the CAs to trust instead of the
 *   system's
 * @proxy: (nullable): proxy URI to use instead of the system's settings
 *
 * Call before the first request is sent.
 */
void
media_edge_client_session_set_transport (MediaEdgeClientSession * session,
    const gchar * ca_file, const gchar * proxy)
{
  g_free (session->ca_file);
  session->ca_file = g_strdup (ca_file && *ca_file ? ca_file : NULL);
  g_free (session->proxy);
  session->proxy = g_strdup (proxy && *proxy ? proxy : NULL);
}

/**
 * media_edge_client_session_set_max_connections:
 * @max_connections: connections to a host at most, kept open between
 *   requests; sessions with the same transport and limit share them
 *
 * Call before the first request is sent.
 */
void
media_edge_client_session_set_max_connections (MediaEdgeClientSession *
    session, guint max_connections)
{
  g_return_if_fail (session != NULL && max_connections > 0);

  session->max_connections = max_connections;
}

/**
 * media_edge_client_session_set_spool:
 * @spool: (transfer none): where the session keeps its journal of the
 *   requests not yet answered, made with its first request
 * @offline_after_ms: how long the request that opens the session may go
 *   unanswered before the session goes offline: its requests then wait
 *   in the journal only, and the owner takes the journal once the session
 *   is closed (MEDIA_EDGE_SESSION_PARKED); 0: never
 *
 * Call before the first request is sent. Without a spool, or when the
 * journal cannot be written, the session keeps its requests in memory.
 */
void
media_edge_client_session_set_spool (MediaEdgeClientSession * session,
    MediaEdgeSpool * spool, guint offline_after_ms)
{
  g_return_if_fail (session != NULL && spool != NULL);

  g_clear_pointer (&session->spool, media_edge_spool_free);
  session->spool = media_edge_spool_ref (spool);
  session->offline_after_ms = offline_after_ms;
}

/**
 * media_edge_client_session_set_journal:
 * @journal: (transfer full): a journal to go on with (a replay's)
 * @next_seq: the seq of the first request that is not yet in it
 *
 * Call before the first request is sent.
 */
void
media_edge_client_session_set_journal (MediaEdgeClientSession * session,
    MediaEdgeJournal * journal, guint64 next_seq)
{
  g_return_if_fail (session != NULL && journal != NULL);
  g_return_if_fail (session->journal == NULL);

  session->journal = journal;
  session->next_seq = next_seq;
}

/**
 * media_edge_client_session_resume_id:
 * @session_id: the id of a session that started in an earlier run
 * @location_hint: (nullable): the cluster it started in
 *
 * The session goes on with @session_id, in its cluster: no request needs
 * to open it. Call before the first request is sent.
 */
void
media_edge_client_session_resume_id (MediaEdgeClientSession * session,
    const gchar * session_id, const gchar * location_hint)
{
  g_return_if_fail (session != NULL && session_id != NULL);

  g_free (session->session_id);
  session->session_id = g_strdup (session_id);
  g_free (session->pinned_hint);
  session->pinned_hint = g_strdup (location_hint);
  session->hint_pinned = TRUE;
}

/**
 * media_edge_client_session_set_delivered_func:
 * @func: told of each request delivered, on the client thread
 * @destroy: (nullable): frees @user_data with the session
 *
 * Call before the first request is sent.
 */
void
media_edge_client_session_set_delivered_func (MediaEdgeClientSession *
    session, MediaEdgeDeliveredFunc func, gpointer user_data,
    GDestroyNotify destroy)
{
  g_return_if_fail (session != NULL);

  if (session->delivered_destroy)
    session->delivered_destroy (session->delivered_data);
  session->delivered_func = func;
  session->delivered_data = user_data;
  session->delivered_destroy = destroy;
}

/**
 * media_edge_client_session_take_journal:
 *
 * On the client thread, when told MEDIA_EDGE_SESSION_PARKED: the offline
 * session's journal, which holds every request of the session, ended.
 *
 * Returns: (transfer full) (nullable): the journal
 */
MediaEdgeJournal *
media_edge_client_session_take_journal (MediaEdgeClientSession * session)
{
  g_return_val_if_fail (session != NULL, NULL);

  return g_steal_pointer (&session->journal);
}

/**
 * media_edge_client_session_send:
 * @request: (transfer full): the next request of the session
 *
 * Queues @request and returns at once; any thread.
 */
void
media_edge_client_session_send (MediaEdgeClientSession * session,
    MediaEdgeRequest * request)
{
  g_return_if_fail (session != NULL && request != NULL);

  g_mutex_lock (&session->lock);
  if (session->closed) {
    g_hash_table_remove (session->journaled, request);
    g_mutex_unlock (&session->lock);
    GST_WARNING_ID (session->log_id, "%s after the session was closed: "
        "dropped", media_edge_request_get_name (request));
    media_edge_request_free (request);
    g_atomic_int_inc (&session->stats->dropped);
    return;
  }
  g_queue_push_tail (&session->incoming, request);
  session->pending++;
  g_mutex_unlock (&session->lock);
  g_atomic_int_inc (&session->stats->queued);

  session_wake (session);
}

/**
 * media_edge_client_session_send_journaled:
 * @request: (transfer full): a request already in the session's journal
 * @seq: its seq there
 *
 * As media_edge_client_session_send(), for a request that the journal
 * given by media_edge_client_session_set_journal() already holds.
 */
void
media_edge_client_session_send_journaled (MediaEdgeClientSession * session,
    MediaEdgeRequest * request, guint64 seq)
{
  g_return_if_fail (session != NULL && request != NULL);

  g_mutex_lock (&session->lock);
  g_hash_table_insert (session->journaled, request, g_memdup2 (&seq,
          sizeof (seq)));
  g_mutex_unlock (&session->lock);
  media_edge_client_session_send (session, request);
}

/* No more requests: the session finishes sending what it has and then lets
 * go of itself. */
void
media_edge_client_session_close (MediaEdgeClientSession * session)
{
  g_mutex_lock (&session->lock);
  session->closed = TRUE;
  g_mutex_unlock (&session->lock);

  session_wake (session);
}

/**
 * media_edge_client_session_wait_idle:
 * @end_time: monotonic time (g_get_monotonic_time()) to give up at
 *
 * Blocks until every request handed over was answered or dropped.
 *
 * Returns: %TRUE if nothing is left to send
 */
gboolean
media_edge_client_session_wait_idle (MediaEdgeClientSession * session,
    gint64 end_time)
{
  gboolean idle;

  g_mutex_lock (&session->lock);
  while (session->pending > 0)
    if (!g_cond_wait_until (&session->idle_cond, &session->lock, end_time))
      break;
  idle = session->pending == 0;
  g_mutex_unlock (&session->lock);

  return idle;
}

/* ------------------------------------------------------------------ */
/* sending, on the client thread */

static void
drop_request (MediaEdgeClientSession * session, MediaEdgeRequest * request,
    const gchar * why)
{
  g_autofree gchar *detail = NULL;

  if (journal_keeps (session, request)) {
    GST_INFO_ID (session->log_id, "%s kept in the journal for the next run: "
        "%s", media_edge_request_get_name (request), why);
    session_park (session, request);
    return;
  }
  detail = g_strdup_printf ("%s dropped: %s",
      media_edge_request_get_name (request), why);
  GST_WARNING_ID (session->log_id, "%s", detail);
  journal_answered (session, request);
  media_edge_request_free (request);
  session_count_drops (session, 1, detail);
}

static void
deliver_request (MediaEdgeClientSession * session, MediaEdgeRequest * request,
    guint status)
{
  GST_DEBUG_ID (session->log_id, "%s delivered (HTTP %u)",
      media_edge_request_get_name (request), status);
  session->failing_since = 0;
  if (session->delivered_func)
    session->delivered_func (request, session->delivered_data);
  journal_answered (session, request);
  media_edge_request_free (request);
  g_atomic_int_inc (&session->stats->sent);
  g_atomic_int_inc (&session->client->delivered);
  session_settle (session, 1);
}

static void
log_answer (MediaEdgeClientSession * session, const MediaEdgeReply * reply)
{
  g_autofree gchar *text = NULL;

  GST_DEBUG_ID (session->log_id, "answer to %s: HTTP %u (%" G_GSIZE_FORMAT
      " bytes)", reply->name, reply->status,
      reply->body ? g_bytes_get_size (reply->body) : 0);
  /* what the service sent back may name the device (its client state):
   * at TRACE only, as the requests */
  if (gst_debug_category_get_threshold (GST_CAT_DEFAULT) < GST_LEVEL_TRACE)
    return;
  text = media_edge_answer_describe (reply, MAX_LOGGED_ANSWER);
  GST_TRACE_ID (session->log_id, "answer to %s: %s", reply->name, text);
}

/**
 * media_edge_client_backoff_ms:
 * @retry_delay_ms: the first delay
 * @attempt: which try again this waits for: 1 for the first
 *
 * The policy of every retry, and of the session's resumes:
 * @retry_delay_ms × 2^(attempt - 1), at most 30 × @retry_delay_ms, ±30 %
 * so that many players that lost the network together do not come back
 * together.
 *
 * Returns: how long to wait before the next try
 */
guint
media_edge_client_backoff_ms (guint retry_delay_ms, guint attempt)
{
  guint64 delay = retry_delay_ms;
  guint64 ceiling = (guint64) retry_delay_ms * MEDIA_EDGE_MAX_BACKOFF_FACTOR;

  for (guint i = 1; i < attempt && delay < ceiling; i++)
    delay *= 2;
  delay = MIN (delay, ceiling);

  return (guint) (delay * g_random_double_range (0.7, 1.3));
}

/* the wait before the next try: @attempt tries failed so far, and the
 * one that just failed is the attempt + 1st */
static guint
backoff_ms (MediaEdgeClientSession * session)
{
  return media_edge_client_backoff_ms (session->retry_delay_ms,
      session->attempt + 1);
}

static void
session_stop_timer (MediaEdgeClientSession * session)
{
  if (session->timer) {
    g_source_destroy (session->timer);
    g_clear_pointer (&session->timer, g_source_unref);
  }
}

static void
session_start_timer (MediaEdgeClientSession * session, guint delay_ms,
    GSourceFunc func)
{
  session_stop_timer (session);
  session->timer = g_timeout_source_new (delay_ms);
  g_source_set_callback (session->timer, func,
      media_edge_client_session_ref (session),
      (GDestroyNotify) media_edge_client_session_unref);
  g_source_attach (session->timer, session->client->context);
}


static gboolean
on_retry_due (gpointer data)
{
  MediaEdgeClientSession *session = data;

  g_clear_pointer (&session->timer, g_source_unref);
  if (offline_in_ms (session) == 0 && session_go_offline (session)) {
    session_maybe_finish (session);
    return G_SOURCE_REMOVE;
  }
  send_current (session);

  return G_SOURCE_REMOVE;
}

/* Tells the owner, once per session, that the service has been out of
 * reach for the unreachable timeout: the first try of the request now
 * failing failed that long ago. */
static void
note_failing (MediaEdgeClientSession * session, const gchar * why)
{
  gint64 now = g_get_monotonic_time ();

  if (session->failing_since == 0)
    session->failing_since = now;
  if (session->told_unreachable || session->unreachable_timeout_ms == 0
      || now - session->failing_since <
      (gint64) session->unreachable_timeout_ms * G_TIME_SPAN_MILLISECOND)
    return;

  session->told_unreachable = TRUE;
  session_notify (session, MEDIA_EDGE_SESSION_UNREACHABLE, why);
}

/* @retry_after_ms: how long the service asked to wait, or -1 */
static void
schedule_retry (MediaEdgeClientSession * session, gint64 retry_after_ms,
    const gchar * why)
{
  /* Retry-After may lengthen the backoff, never shorten it: "0" or a date
   * past, from a service under strain, must not make a storm */
  gint64 delay = MAX (retry_after_ms, (gint64) backoff_ms (session));
  gint64 offline_in = offline_in_ms (session);

  /* The sender stops: nothing is tried again. A request that timed out
   * just before comes back cancelled like the others; as a retry, its
   * timer would keep the session, the request still current, on a context
   * no one runs any more, until whichever thread lets go of the context
   * last (a GIO worker's) frees them. */
  if (g_cancellable_is_cancelled (session->cancellable)) {
    drop_request (session, g_steal_pointer (&session->current), why);
    return;
  }
  /* no session started in time: offline, or else tried again no later
   * than the moment to go offline */
  if (offline_in == 0 && session_go_offline (session))
    return;
  delay = MAX (1, MIN (delay, offline_in));
  session->attempt++;
  note_failing (session, why);
  g_atomic_int_inc (&session->stats->retried);
  stats_set_last_error (session->stats, why);
  GST_INFO_ID (session->log_id, "%s: %s; trying again in %" G_GINT64_FORMAT
      " ms", media_edge_request_get_name (session->current), why, delay);
  session_start_timer (session, (guint) delay, on_retry_due);
}

/* The current request failed for good: @why is the last error, and the
 * drops that follow from it do not replace it. */
static void
fail_current (MediaEdgeClientSession * session, const gchar * why)
{
  stats_set_last_error (session->stats, why);
  drop_request (session, g_steal_pointer (&session->current), why);
}

/* The service forgot the session: what is queued cannot go to it. */
static void
session_lost (MediaEdgeClientSession * session, const gchar * why)
{
  g_autofree gchar *detail = g_strdup_printf ("session %s lost: %s",
      session->session_id, why);

  /* the owner hears it before anyone waiting for the queue to drain */
  session->failed = TRUE;
  session_notify (session, MEDIA_EDGE_SESSION_LOST, detail);
  fail_current (session, detail);
  session_drop_all (session, detail);
}

static void
session_refused (MediaEdgeClientSession * session, const gchar * why)
{
  if (media_edge_request_opens_session (session->current)) {
    session->failed = TRUE;
    session_notify (session, MEDIA_EDGE_SESSION_FAILED, why);
  }
  fail_current (session, why);
}

/* Delivered: the request that opened the session gives its id. */
static void
session_delivered (MediaEdgeClientSession * session, guint status,
    gchar * session_id)
{
  gboolean opens = media_edge_request_opens_session (session->current);

  session->attempt = 0;
  if (opens) {
    session->session_id = session_id;
    pin_hint (session);
    journal_session_id (session);
    GST_DEBUG_ID (session->log_id, "session %s started", session_id);
    g_atomic_int_inc (&session->stats->sessions_started);
  }
  deliver_request (session, g_steal_pointer (&session->current), status);
  if (opens)
    session_notify (session, MEDIA_EDGE_SESSION_STARTED, NULL);
}

/* How long the current try may take: request-timeout, doubled at each
 * try in a row that timed out, up to a minute (or request-timeout if
 * longer). A service that always answers in 5 s was never heard with a
 * 5 s timeout: every try was cut just before its answer. */
static guint
current_timeout (MediaEdgeClientSession * session)
{
  guint64 timeout = session->request_timeout_ms;
  guint64 ceiling = MAX (timeout, MAX_TIMEOUT_MS);

  for (guint i = 0; i < session->timeouts && timeout < ceiling; i++)
    timeout *= 2;

  return (guint) MIN (timeout, ceiling);
}

/* No answer came: the network, request-timeout, TLS, or the sender
 * stopping. */
static void
session_unanswered (MediaEdgeClientSession * session, const GError * error)
{
  g_autofree gchar *why = session->timed_out ?
      g_strdup_printf ("no answer within %u ms", current_timeout (session)) :
      g_strdup (error->message);

  if (session->timed_out)
    session->timeouts++;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
      && !session->timed_out)
    drop_request (session, g_steal_pointer (&session->current), why);
  /* a certificate we do not trust will not become trusted by waiting */
  else if (g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    session_refused (session, why);
  else
    schedule_retry (session, -1, why);
}

/* The session started: the hint it knows now is its cluster's */
static void
pin_hint (MediaEdgeClientSession * session)
{
  if (session->state == NULL)
    return;
  g_free (session->pinned_hint);
  session->pinned_hint = media_edge_state_dup_hint (session->state,
      g_get_real_time () / G_USEC_PER_SEC);
  session->hint_pinned = TRUE;
}

/* What a delivered answer asks the device to keep */
static void
keep_state (MediaEdgeClientSession * session, const MediaEdgeReply * reply)
{
  MediaEdgeAnswer answer;

  if (session->state == NULL || session->state_func == NULL)
    return;
  media_edge_reply_get_answer (reply, &answer);
  session->state_func (&answer, session->state, session->state_data);
}

/* An answer came: what it means is for media_edge_answer_judge() to say. */
static void
session_answered (MediaEdgeClientSession * session, SoupMessage * msg,
    GBytes * body)
{
  /* the URL without the location hint: a redirect's target is quoted,
   * and the hint is the device's */
  g_autofree gchar *uri = media_edge_request_build_uri (session->current,
      session->session_id);
  MediaEdgeReply reply = {
    .name = media_edge_request_get_name (session->current),
    .uri = uri,
    .opens_session = media_edge_request_opens_session (session->current),
    .status = soup_message_get_status (msg),
    .reason = soup_message_get_reason_phrase (msg),
    .headers = soup_message_get_response_headers (msg),
    .body = body,
  };
  MediaEdgeVerdict verdict;

  log_answer (session, &reply);
  media_edge_answer_judge (&reply, session->id_func, session->id_data,
      &verdict);
  switch (verdict.kind) {
    case MEDIA_EDGE_VERDICT_DELIVERED:
      keep_state (session, &reply);
      session_delivered (session, reply.status,
          g_steal_pointer (&verdict.session_id));
      break;
    case MEDIA_EDGE_VERDICT_RETRY:
      schedule_retry (session, verdict.retry_after_ms, verdict.why);
      break;
    case MEDIA_EDGE_VERDICT_LOST:
      session_lost (session, verdict.why);
      break;
    case MEDIA_EDGE_VERDICT_REFUSED:
      session_refused (session, verdict.why);
      break;
  }
  media_edge_verdict_clear (&verdict);
}

/* The exchange of the request in flight is over, with what was read of
 * the answer's body or why there is no answer; the next one may go. */
static void
exchange_done (MediaEdgeClientSession * session, GBytes * answer,
    GError * error)
{
  g_autoptr (SoupMessage) msg = g_steal_pointer (&session->in_flight);

  session->client->in_flight--;
  slots_release (session);
  session_stop_timer (session);
  g_clear_object (&session->request_cancellable);
  if (error) {
    session_unanswered (session, error);
  } else {
    /* the service answers: its pace is known again */
    session->timeouts = 0;
    session_answered (session, msg, answer);
  }

  if (!g_cancellable_is_cancelled (session->cancellable))
    send_next (session);
  session_maybe_finish (session);
  g_clear_pointer (&answer, g_bytes_unref);
  g_clear_error (&error);
  media_edge_client_session_unref (session);
}

/* An answer's body being read. However long it is, it costs no more
 * memory than @keep bytes, nor more reading than @limit: its first @keep
 * bytes are kept (the answer to sessionStart, or what a log line quotes),
 * the rest is read and thrown away up to @limit, where the connection is
 * closed rather than read to the end. */
typedef struct
{
  MediaEdgeClientSession *session;
  GInputStream *stream;
  GByteArray *kept;
  gsize keep;
  gsize limit;
  gsize size;
  guint8 chunk[8192];
} AnswerReader;

static void read_answer (AnswerReader * reader);

/* Done: at the end of the body, at the limit, or on an error. */
static void
answer_read (AnswerReader * reader, GError * error)
{
  MediaEdgeClientSession *session = reader->session;
  const gchar *name = media_edge_request_get_name (session->current);

  /* before the end of the body, libsoup drops the connection */
  g_input_stream_close (reader->stream, NULL, NULL);
  g_object_unref (reader->stream);
  if (reader->size >= reader->limit)
    GST_DEBUG_ID (session->log_id, "stopped reading the answer to %s after %"
        G_GSIZE_FORMAT " bytes", name, reader->size);
  /* the status says what became of an event, however its answer ends;
   * but a sender that stops drops what it was sending, as it would have
   * before the answer came */
  if (error && !media_edge_request_opens_session (session->current)
      && !g_cancellable_is_cancelled (session->cancellable)) {
    GST_DEBUG_ID (session->log_id, "answer to %s cut short: %s", name,
        error->message);
    g_clear_error (&error);
  }
  exchange_done (session, g_byte_array_free_to_bytes (reader->kept), error);
  g_free (reader);
}

static void
on_answer_read (GObject * source, GAsyncResult * result, gpointer data)
{
  AnswerReader *reader = data;
  GError *error = NULL;
  gssize n = g_input_stream_read_finish (reader->stream, result, &error);

  if (n > 0) {
    if (reader->kept->len < reader->keep)
      g_byte_array_append (reader->kept, reader->chunk,
          MIN ((gsize) n, reader->keep - reader->kept->len));
    reader->size += n;
    if (reader->size < reader->limit) {
      read_answer (reader);
      return;
    }
  }
  answer_read (reader, error);
}

static void
read_answer (AnswerReader * reader)
{
  g_input_stream_read_async (reader->stream, reader->chunk,
      MIN (sizeof (reader->chunk), reader->limit - reader->size),
      G_PRIORITY_DEFAULT, reader->session->request_cancellable,
      on_answer_read, reader);
}

/* The answer's status and headers came: read its body, as much as is
 * needed. */
static void
on_sent (GObject * source, GAsyncResult * result, gpointer data)
{
  MediaEdgeClientSession *session = data;
  GError *error = NULL;
  GInputStream *stream = soup_session_send_finish (SOUP_SESSION (source),
      result, &error);
  AnswerReader *reader;

  if (stream == NULL) {
    exchange_done (session, NULL, error);
    return;
  }
  reader = g_new0 (AnswerReader, 1);
  reader->session = session;
  reader->stream = stream;
  reader->kept = g_byte_array_new ();
  if (media_edge_request_opens_session (session->current)) {
    /* one byte more tells an answer too long to be one */
    reader->limit = MEDIA_EDGE_SESSION_ANSWER_MAX + 1;
    reader->keep = reader->limit;
  } else {
    reader->limit = MEDIA_EDGE_EVENT_ANSWER_MAX;
    reader->keep = MAX_LOGGED_ANSWER;
  }
  read_answer (reader);
}

static gboolean
on_request_timeout (gpointer data)
{
  MediaEdgeClientSession *session = data;

  g_clear_pointer (&session->timer, g_source_unref);
  session->timed_out = TRUE;
  g_cancellable_cancel (session->request_cancellable);

  return G_SOURCE_REMOVE;
}

/* libsoup 3.2 takes an answer without a Content-Length for one whose body
 * ends with the connection, even a 204, which has no body and, as RFC 9110
 * wants it, no Content-Length: it never reuses a connection after one.
 * Events are answered 204: say that the body is empty. */
static void
on_got_headers (SoupMessage * msg, gpointer unused)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  if (soup_message_get_status (msg) == SOUP_STATUS_NO_CONTENT
      && soup_message_headers_get_encoding (headers) == SOUP_ENCODING_EOF)
    soup_message_headers_set_content_length (headers, 0);
}

/* The message that sends @request, with the session id known now; NULL if
 * its URL is none. */
static SoupMessage *
new_message (MediaEdgeClientSession * session, MediaEdgeRequest * request)
{
  const gchar *name = media_edge_request_get_name (request);
  const gchar *method = media_edge_request_get_method (request);
  g_autofree gchar *hint = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autofree gchar *uri = NULL;
  g_autoptr (GBytes) body = NULL;
  SoupMessage *msg;
  gchar *text;
  gsize length;

  if (session->state) {
    gint64 now = g_get_real_time () / G_USEC_PER_SEC;

    hint = session->hint_pinned ? g_strdup (session->pinned_hint) :
        media_edge_state_dup_hint (session->state, now);
    entries = media_edge_state_dup_entries (session->state, now);
  }
  uri = media_edge_request_build_uri_full (request, session->session_id, hint);
  msg = soup_message_new (method, uri);
  if (msg == NULL)
    return NULL;
  /* Redirects are the answer's to judge: libsoup would re-send a POST
   * answered 301 or 302 as a GET without its body. */
  soup_message_add_flags (msg, SOUP_MESSAGE_NO_REDIRECT);
  /* libsoup 3.2 opens a new connection for every POST, unless it is
   * marked idempotent. Safe here: the flag only lets it take an idle
   * connection, it restarts no POST by itself (it does so for methods
   * idempotent by name); an event goes out twice only when a connection
   * drops before its answer and the retry policy sends it again, flag or
   * not, and the service keys each event by its session and order. */
  soup_message_add_flags (msg, SOUP_MESSAGE_IDEMPOTENT);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), NULL);
  text = media_edge_request_build_body_full (request, session->session_id,
      entries, &length);
  /* the URL names the datastream, the body the device: at TRACE only */
  GST_DEBUG_ID (session->log_id, "sending %s (attempt %u)", name,
      session->attempt + 1);
  GST_TRACE_ID (session->log_id, "%s: %s %s %s", name, method, uri, text);
  body = g_bytes_new_take (text, length);
  soup_message_set_request_body_from_bytes (msg, "application/json", body);

  return msg;
}

/* (Re)sends the current request, timed by request-timeout. */
static void
send_current (MediaEdgeClientSession * session)
{
  MediaEdgeClient *client = session->client;
  g_autoptr (GError) error = NULL;
  SoupSession *soup;

  if (g_cancellable_is_cancelled (session->cancellable))
    return;

  soup = client_get_soup (client, session, &error);
  if (soup == NULL) {
    session->failed = TRUE;
    session_refused (session, error->message);
    send_next (session);
    return;
  }

  session->in_flight = new_message (session, session->current);
  if (session->in_flight == NULL) {
    drop_request (session, g_steal_pointer (&session->current), "invalid URI");
    send_next (session);
    return;
  }
  /* made again when its turn comes: the state it carries may change */
  if (!slots_admit (client_get_slots (client, session,
              soup_message_get_uri (session->in_flight)), session)) {
    g_clear_object (&session->in_flight);
    return;
  }

  session->timed_out = FALSE;
  session->request_cancellable = g_cancellable_new ();
  session_start_timer (session, current_timeout (session), on_request_timeout);
  client->in_flight++;
  soup_session_send_async (soup, session->in_flight, G_PRIORITY_DEFAULT,
      session->request_cancellable, on_sent,
      media_edge_client_session_ref (session));
}

static void
send_next (MediaEdgeClientSession * session)
{
  MediaEdgeRequest *request;

  if (session->current)
    return;

  while (session->offline && (request = g_queue_pop_head (&session->outgoing)))
    session_park (session, request);
  while ((request = g_queue_pop_head (&session->outgoing))) {
    if (!media_edge_request_opens_session (request)
        && !(media_edge_request_get_flags (request) &
            MEDIA_EDGE_REQUEST_SESSIONLESS) && session->session_id == NULL) {
      /* only a session whose start failed has events but no id */
      drop_request (session, request, "the session has no id");
      continue;
    }
    if (!media_edge_request_opens_session (request) && session->failed) {
      drop_request (session, request, "the session is lost");
      continue;
    }
    session->current = request;
    session->attempt = 0;
    if (media_edge_request_opens_session (request)
        && session->opening_since == 0)
      session->opening_since = g_get_monotonic_time ();
    send_current (session);
    return;
  }
}
