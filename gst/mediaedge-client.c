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
 * when the one before it has been answered, and every request but
 * sessionStart waits for the session id that sessionStart's answer gives. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define G_LOG_DOMAIN "mediaedge-client"

#include <libsoup/soup.h>

#include "mediaedge-client.h"


#define REQUEST_TIMEOUT_S 5

struct _MediaEdgeClient
{
  /* under client_lock */
  guint users;

  GThread *thread;
  GMainContext *context;
  GMainLoop *loop;

  /* client thread only */
  SoupSession *soup;
  GList *sessions;
  guint in_flight;
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

  /* client thread only */
  GQueue outgoing;
  gchar *session_id;
  gboolean failed;
  MediaEdgeRequest *current;
  SoupMessage *in_flight;
  GCancellable *cancellable;
  gboolean attached;

  MediaEdgeSessionNotify notify;
  gpointer user_data;
  GDestroyNotify destroy;

  gint sent;
  gint dropped;
};

static GMutex client_lock;
static MediaEdgeClient *default_client;

static void send_next (MediaEdgeClientSession * session);

/* ------------------------------------------------------------------ */
/* the client thread */

static gpointer
client_thread_main (gpointer data)
{
  MediaEdgeClient *client = data;

  g_main_context_push_thread_default (client->context);

  client->soup = soup_session_new_with_options ("timeout", REQUEST_TIMEOUT_S,
      "user-agent", "gst-mediaedge/" PACKAGE_VERSION " ", NULL);

  g_main_loop_run (client->loop);

  /* Aborted requests finish through their callbacks: let them run so that
   * each gives back what it holds. */
  soup_session_abort (client->soup);
  while (client->in_flight > 0)
    g_main_context_iteration (client->context, TRUE);
  g_clear_object (&client->soup);

  g_main_context_pop_thread_default (client->context);

  return NULL;
}

static MediaEdgeClient *
client_new (void)
{
  MediaEdgeClient *client = g_new0 (MediaEdgeClient, 1);

  client->users = 1;
  client->context = g_main_context_new ();
  client->loop = g_main_loop_new (client->context, FALSE);
  client->thread = g_thread_new ("mediaedge-client", client_thread_main,
      client);

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

  g_mutex_lock (&client_lock);
  if (default_client)
    default_client->users++;
  else
    default_client = client_new ();
  client = default_client;
  g_mutex_unlock (&client_lock);

  return client;
}

static void session_drop_all (MediaEdgeClientSession * session);
static void session_detach (MediaEdgeClientSession * session);

static gboolean
client_shutdown_cb (gpointer data)
{
  MediaEdgeClient *client = data;

  while (client->sessions) {
    MediaEdgeClientSession *session = client->sessions->data;

    g_cancellable_cancel (session->cancellable);
    session_drop_all (session);
    session_detach (session);
  }
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

  g_main_loop_unref (client->loop);
  g_main_context_unref (client->context);
  g_free (client);
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
  g_queue_clear_full (&session->incoming,
      (GDestroyNotify) media_edge_request_free);
  g_queue_clear_full (&session->outgoing,
      (GDestroyNotify) media_edge_request_free);
  g_free (session->session_id);
  g_object_unref (session->cancellable);
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

/* One request fewer to wait for. */
static void
session_settle (MediaEdgeClientSession * session, guint n)
{
  g_mutex_lock (&session->lock);
  session->pending -= n;
  if (session->pending == 0)
    g_cond_broadcast (&session->idle_cond);
  g_mutex_unlock (&session->lock);
}

static void
session_drop_all (MediaEdgeClientSession * session)
{
  guint n = g_queue_get_length (&session->outgoing);

  g_mutex_lock (&session->lock);
  n += g_queue_get_length (&session->incoming);
  while (!g_queue_is_empty (&session->incoming))
    g_queue_push_tail (&session->outgoing,
        g_queue_pop_head (&session->incoming));
  g_mutex_unlock (&session->lock);

  g_queue_clear_full (&session->outgoing,
      (GDestroyNotify) media_edge_request_free);
  g_queue_init (&session->outgoing);
  if (n > 0) {
    g_atomic_int_add (&session->dropped, n);
    session_settle (session, n);
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
  done = session->closed && session->pending == 0;
  g_mutex_unlock (&session->lock);

  if (done && session->attached) {
    session_notify (session, MEDIA_EDGE_SESSION_ENDED, NULL);
    session_detach (session);
  }
}

static gboolean
session_drain_cb (gpointer data)
{
  MediaEdgeClientSession *session = data;

  g_mutex_lock (&session->lock);
  while (!g_queue_is_empty (&session->incoming))
    g_queue_push_tail (&session->outgoing,
        g_queue_pop_head (&session->incoming));
  g_mutex_unlock (&session->lock);

  if (!g_cancellable_is_cancelled (session->cancellable)) {
    session_attach (session);
    send_next (session);
  }
  session_maybe_finish (session);

  return G_SOURCE_REMOVE;
}

static void
session_wake (MediaEdgeClientSession * session)
{
  g_main_context_invoke_full (session->client->context, G_PRIORITY_DEFAULT,
      session_drain_cb, media_edge_client_session_ref (session),
      (GDestroyNotify) media_edge_client_session_unref);
}

/**
 * media_edge_client_open_session:
 * @notify: (nullable): told on the client thread when the session starts,
 *   fails or ends
 *
 * Returns: (transfer full): a new, empty session
 */
MediaEdgeClientSession *
media_edge_client_open_session (MediaEdgeClient * client,
    MediaEdgeSessionNotify notify, gpointer user_data, GDestroyNotify destroy)
{
  MediaEdgeClientSession *session = g_new0 (MediaEdgeClientSession, 1);

  session->refcount = 1;
  session->client = client;
  g_mutex_init (&session->lock);
  g_cond_init (&session->idle_cond);
  g_queue_init (&session->incoming);
  g_queue_init (&session->outgoing);
  session->cancellable = g_cancellable_new ();
  session->notify = notify;
  session->user_data = user_data;
  session->destroy = destroy;

  return session;
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
    g_mutex_unlock (&session->lock);
    g_message ("%s after the session was closed: dropped",
        media_edge_request_get_name (request));
    media_edge_request_free (request);
    g_atomic_int_inc (&session->dropped);
    return;
  }
  g_queue_push_tail (&session->incoming, request);
  session->pending++;
  g_mutex_unlock (&session->lock);

  session_wake (session);
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

guint
media_edge_client_session_get_sent (MediaEdgeClientSession * session)
{
  return g_atomic_int_get (&session->sent);
}

guint
media_edge_client_session_get_dropped (MediaEdgeClientSession * session)
{
  return g_atomic_int_get (&session->dropped);
}

/* ------------------------------------------------------------------ */
/* sending, on the client thread */

static void
drop_request (MediaEdgeClientSession * session, MediaEdgeRequest * request,
    const gchar * why)
{
  g_message ("%s dropped: %s", media_edge_request_get_name (request), why);
  media_edge_request_free (request);
  g_atomic_int_inc (&session->dropped);
  session_settle (session, 1);
}

static void
take_session_id (MediaEdgeClientSession * session, GBytes * answer)
{
  g_autoptr (GError) error = NULL;

  session->session_id = media_edge_codec_edge_parse_session_id (answer, &error);
  if (session->session_id) {
    g_debug ("session %s started", session->session_id);
    session_notify (session, MEDIA_EDGE_SESSION_STARTED, NULL);
  } else {
    g_message ("no session: %s", error->message);
    session->failed = TRUE;
    session_notify (session, MEDIA_EDGE_SESSION_FAILED, error->message);
  }
}

static gchar *
describe_answer (SoupMessage * msg, GBytes * answer)
{
  gsize size = 0;
  const gchar *data = answer ? g_bytes_get_data (answer, &size) : NULL;

  return g_strdup_printf ("HTTP %u %s: %.*s", soup_message_get_status (msg),
      soup_message_get_reason_phrase (msg), (int) MIN (size, 512),
      data ? data : "");
}

static void
on_answered (GObject * source, GAsyncResult * result, gpointer data)
{
  MediaEdgeClientSession *session = data;
  MediaEdgeClient *client = session->client;
  g_autoptr (SoupMessage) msg = g_steal_pointer (&session->in_flight);
  MediaEdgeRequest *request = g_steal_pointer (&session->current);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) answer = NULL;
  guint status;

  answer = soup_session_send_and_read_finish (SOUP_SESSION (source), result,
      &error);
  client->in_flight--;
  status = soup_message_get_status (msg);

  if (error) {
    drop_request (session, request, error->message);
  } else if (!SOUP_STATUS_IS_SUCCESSFUL (status)) {
    g_autofree gchar *why = describe_answer (msg, answer);

    if (media_edge_request_opens_session (request)) {
      session->failed = TRUE;
      session_notify (session, MEDIA_EDGE_SESSION_FAILED, why);
    }
    drop_request (session, request, why);
  } else {
    if (media_edge_request_opens_session (request))
      take_session_id (session, answer);
    g_debug ("%s delivered (HTTP %u)", media_edge_request_get_name (request),
        status);
    media_edge_request_free (request);
    g_atomic_int_inc (&session->sent);
    session_settle (session, 1);
  }

  if (!g_cancellable_is_cancelled (session->cancellable))
    send_next (session);
  session_maybe_finish (session);
  media_edge_client_session_unref (session);
}

static void
send_next (MediaEdgeClientSession * session)
{
  MediaEdgeClient *client = session->client;
  MediaEdgeRequest *request;

  if (session->current)
    return;

  while ((request = g_queue_pop_head (&session->outgoing))) {
    g_autoptr (GBytes) body = NULL;
    gchar *text;
    gsize length;

    if (!media_edge_request_opens_session (request)
        && session->session_id == NULL) {
      /* only a session whose start failed has events but no id */
      drop_request (session, request, "the session has no id");
      continue;
    }

    session->in_flight = soup_message_new ("POST",
        media_edge_request_get_uri (request));
    if (session->in_flight == NULL) {
      drop_request (session, request, "invalid URI");
      continue;
    }
    session->current = request;

    text = media_edge_request_build_body (request, session->session_id,
        &length);
    body = g_bytes_new_take (text, length);
    soup_message_set_request_body_from_bytes (session->in_flight,
        "application/json", body);

    client->in_flight++;
    g_debug ("sending %s", media_edge_request_get_name (request));
    soup_session_send_and_read_async (client->soup, session->in_flight,
        G_PRIORITY_DEFAULT, session->cancellable, on_answered,
        media_edge_client_session_ref (session));
    return;
  }
}
