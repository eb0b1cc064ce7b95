/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_CLIENT_H__
#define __MEDIA_EDGE_CLIENT_H__

#include <glib.h>
#include "mediaedge-request.h"
#include "mediaedge-answer.h"
#include "mediaedge-state.h"
#include "mediaedge-spool.h"

G_BEGIN_DECLS typedef struct _MediaEdgeClient MediaEdgeClient;
typedef struct _MediaEdgeClientSession MediaEdgeClientSession;

typedef enum
{
  MEDIA_EDGE_SESSION_STARTED,   /* the service answered with a session id */
  MEDIA_EDGE_SESSION_FAILED,    /* sessionStart was refused: no session */
  MEDIA_EDGE_SESSION_LOST,      /* the service no longer knows the session
                                 * (404, 410): start a new one */
  MEDIA_EDGE_SESSION_DROPPED,   /* an event was dropped; @detail says why */
  MEDIA_EDGE_SESSION_ENDED,     /* closed and every request answered */
  MEDIA_EDGE_SESSION_UNREACHABLE,       /* a request went unanswered (the
                                         * network, a busy service) for the
                                         * unreachable timeout; it goes on
                                         * being tried */
  MEDIA_EDGE_SESSION_OFFLINE,   /* no session started within the offline
                                 * delay: the requests wait in the
                                 * journal only, to go whole later */
  MEDIA_EDGE_SESSION_PARKED,    /* an offline session was closed: its
                                 * journal waits to be taken
                                 * (media_edge_client_session_take_journal) */
  MEDIA_EDGE_SESSION_JOURNAL_FAILED,    /* the journal could not be
                                         * written: the session goes on in
                                         * memory only; @detail says why */
  MEDIA_EDGE_SESSION_DOWNLOADED,        /* a session played offline was
                                         * delivered whole (a replay's) */
} MediaEdgeSessionNotice;

/* How each request fared, added up over every session that shares them:
 * read and written from any thread. */
typedef struct
{
  gint ref_count;
  gint sent;
  gint retried;
  gint dropped;
  gint queued;
  gint sessions_started;
  gint spooled;                 /* requests written to a journal */
  gint replayed;                /* requests of an earlier run delivered */
  gint downloaded;              /* offline sessions delivered whole */
  gint spool_dropped;           /* journals removed past the bounds */
  GMutex lock;
  gchar *last_error;            /* under lock: the last failure */
  gchar *last_drop;             /* under lock: why the last drop */
} MediaEdgeClientStats;

#define MEDIA_EDGE_REQUEST_TIMEOUT_DEFAULT 5000
#define MEDIA_EDGE_RETRY_DELAY_DEFAULT 1000
#define MEDIA_EDGE_MAX_QUEUED_DEFAULT 1000
/* connections to a host at most, shared by every session */
#define MEDIA_EDGE_MAX_CONNECTIONS_DEFAULT 4
/* seconds a request may go unanswered before the owner hears of it */
#define MEDIA_EDGE_UNREACHABLE_TIMEOUT_DEFAULT 60
/* the backoff grows to this many times the first delay */
#define MEDIA_EDGE_MAX_BACKOFF_FACTOR 30

/* Called on the client thread, from its loop: never inside the caller's
 * media_edge_client_session_send() or _close(), so that it may take a
 * lock held around those. @session_id may be NULL. @detail says what went
 * wrong for MEDIA_EDGE_SESSION_FAILED, _LOST and _DROPPED. */
typedef void (*MediaEdgeSessionNotify) (MediaEdgeSessionNotice notice,
    const gchar * session_id, const gchar * detail, gpointer user_data);

MediaEdgeClient *media_edge_client_get_default (void);

void media_edge_client_release (MediaEdgeClient * client);

gint64 media_edge_client_flush_deadline (MediaEdgeClient * client,
    guint timeout_ms);

/* Something on the client's context that other threads wake (a session's
 * pings): one source for them all, however many */
typedef struct _MediaEdgeClientWaker MediaEdgeClientWaker;

MediaEdgeClientWaker *media_edge_client_waker_new (MediaEdgeClient * client,
    GSourceFunc func, gpointer user_data, GDestroyNotify destroy);

void media_edge_client_waker_wake (MediaEdgeClientWaker * waker);

void media_edge_client_waker_destroy (MediaEdgeClientWaker * waker);

void media_edge_client_note_flush_gave_up (MediaEdgeClient * client);

GMainContext *media_edge_client_get_context (MediaEdgeClient * client);

guint media_edge_client_backoff_ms (guint retry_delay_ms, guint attempt);

MediaEdgeClientStats *media_edge_client_stats_new (void);

MediaEdgeClientStats *media_edge_client_stats_ref (MediaEdgeClientStats *
    stats);

void media_edge_client_stats_unref (MediaEdgeClientStats * stats);

gchar *media_edge_client_stats_dup_last_error (MediaEdgeClientStats * stats);

gchar *media_edge_client_stats_dup_last_drop (MediaEdgeClientStats * stats);

MediaEdgeClientSession *media_edge_client_open_session (MediaEdgeClient *
    client, const gchar * log_id, MediaEdgeClientStats * stats,
    MediaEdgeSessionNotify notify, gpointer user_data, GDestroyNotify destroy);

void media_edge_client_session_set_session_id_func (MediaEdgeClientSession *
    session, MediaEdgeSessionIdFunc func, gpointer user_data,
    GDestroyNotify destroy);

/* Called on the client thread with each delivered answer, to keep in
 * @state what it asks the device to keep. */
typedef void (*MediaEdgeStateFunc) (const MediaEdgeAnswer * answer,
    MediaEdgeState * state, gpointer user_data);

void media_edge_client_session_set_state (MediaEdgeClientSession * session,
    MediaEdgeState * state, MediaEdgeStateFunc func, gpointer user_data,
    GDestroyNotify destroy);

void media_edge_client_session_configure (MediaEdgeClientSession * session,
    guint request_timeout_ms, guint retry_delay_ms, guint max_queued);

void media_edge_client_session_set_unreachable_timeout (MediaEdgeClientSession
    * session, guint timeout_ms);

void media_edge_client_session_set_transport (MediaEdgeClientSession *
    session, const gchar * ca_file, const gchar * proxy);

void media_edge_client_session_set_max_connections (MediaEdgeClientSession
    * session, guint max_connections);

void media_edge_client_session_set_spool (MediaEdgeClientSession * session,
    MediaEdgeSpool * spool, guint offline_after_ms);

void media_edge_client_session_set_journal (MediaEdgeClientSession * session,
    MediaEdgeJournal * journal, guint64 next_seq);

void media_edge_client_session_resume_id (MediaEdgeClientSession * session,
    const gchar * session_id, const gchar * location_hint);

/* Called on the client thread with each request delivered. */
typedef void (*MediaEdgeDeliveredFunc) (const MediaEdgeRequest * request,
    gpointer user_data);

void media_edge_client_session_set_delivered_func (MediaEdgeClientSession *
    session, MediaEdgeDeliveredFunc func, gpointer user_data,
    GDestroyNotify destroy);

void media_edge_client_session_send (MediaEdgeClientSession * session,
    MediaEdgeRequest * request);

void media_edge_client_session_send_journaled (MediaEdgeClientSession *
    session, MediaEdgeRequest * request, guint64 seq);

MediaEdgeJournal *media_edge_client_session_take_journal (MediaEdgeClientSession
    * session);

void media_edge_client_session_close (MediaEdgeClientSession * session);

gboolean media_edge_client_session_wait_idle (MediaEdgeClientSession *
    session, gint64 end_time);

MediaEdgeClientSession *media_edge_client_session_ref (MediaEdgeClientSession
    * session);

void media_edge_client_session_unref (MediaEdgeClientSession * session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeClientSession,
    media_edge_client_session_unref);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeClientStats,
    media_edge_client_stats_unref);

G_END_DECLS
#endif /* __MEDIA_EDGE_CLIENT_H__ */
