/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_ANSWER_H__
#define __MEDIA_EDGE_ANSWER_H__

#include <libsoup/soup.h>
#include "mediaedge-request.h"

G_BEGIN_DECLS
/* Called on the client thread with the answer to the request that opened
 * the session: the session id, or NULL with @error set to say why there is
 * none. */
typedef gchar *(*MediaEdgeSessionIdFunc) (const MediaEdgeAnswer * answer,
    gpointer user_data, GError ** error);

/* An answer to sessionStart is small: anything longer is not one. */
#define MEDIA_EDGE_SESSION_ANSWER_MAX (1024 * 1024)
/* The answer to any other request is read this far at most, and thrown
 * away: past it the connection is closed rather than read to its end. */
#define MEDIA_EDGE_EVENT_ANSWER_MAX (64 * 1024)
/* Retry-After beyond this is not believed */
#define MEDIA_EDGE_MAX_RETRY_AFTER_MS (10 * 60 * 1000)

typedef enum
{
  MEDIA_EDGE_VERDICT_DELIVERED,
  MEDIA_EDGE_VERDICT_RETRY,     /* a busy service: again, later */
  MEDIA_EDGE_VERDICT_REFUSED,   /* the service will never take it */
  MEDIA_EDGE_VERDICT_LOST,      /* the service forgot the session */
} MediaEdgeVerdictKind;

/**
 * MediaEdgeReply:
 * @name: the name of the request answered, e.g. "sessionStart"
 * @uri: where the request went; a relative Location is read against it
 * @opens_session: whether the request opens the session
 * @status: the HTTP status
 * @reason: (nullable): the reason phrase
 * @headers: (nullable): the response headers
 * @body: (nullable): the body, as far as it was read
 *
 * What came back for a request, as the client read it.
 */
typedef struct
{
  const gchar *name;
  const gchar *uri;
  gboolean opens_session;
  guint status;
  const gchar *reason;
  SoupMessageHeaders *headers;
  GBytes *body;
} MediaEdgeReply;

/**
 * MediaEdgeVerdict:
 * @kind: what becomes of the request
 * @retry_after_ms: for %MEDIA_EDGE_VERDICT_RETRY, how long the service
 *   asked to wait (Retry-After), or -1
 * @session_id: for a request that opens the session and was delivered,
 *   the session's id
 * @why: unless delivered, what went wrong, fit for a warning: it quotes
 *   the answer, never the request's URL
 */
typedef struct
{
  MediaEdgeVerdictKind kind;
  gint64 retry_after_ms;
  gchar *session_id;
  gchar *why;
} MediaEdgeVerdict;

void media_edge_reply_get_answer (const MediaEdgeReply * reply,
    MediaEdgeAnswer * answer);

void media_edge_answer_judge (const MediaEdgeReply * reply,
    MediaEdgeSessionIdFunc id_func, gpointer id_data,
    MediaEdgeVerdict * verdict);

void media_edge_verdict_clear (MediaEdgeVerdict * verdict);

gchar *media_edge_answer_describe (const MediaEdgeReply * reply, gsize limit);

G_END_DECLS
#endif /* __MEDIA_EDGE_ANSWER_H__ */
