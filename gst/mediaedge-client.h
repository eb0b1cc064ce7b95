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
#include "mediaedge-codec-edge.h"

G_BEGIN_DECLS

typedef struct _MediaEdgeClient MediaEdgeClient;
typedef struct _MediaEdgeClientSession MediaEdgeClientSession;

typedef enum
{
  MEDIA_EDGE_SESSION_STARTED,   /* the service answered with a session id */
  MEDIA_EDGE_SESSION_FAILED,    /* sessionStart got no session id */
  MEDIA_EDGE_SESSION_ENDED,     /* closed and every request answered */
} MediaEdgeSessionNotice;

/* Called on the client thread. @session_id may be NULL. @detail says what
 * went wrong for MEDIA_EDGE_SESSION_FAILED. */
typedef void (*MediaEdgeSessionNotify) (MediaEdgeSessionNotice notice,
    const gchar * session_id, const gchar * detail, gpointer user_data);

MediaEdgeClient *media_edge_client_get_default (void);

void media_edge_client_release (MediaEdgeClient * client);

GMainContext *media_edge_client_get_context (MediaEdgeClient * client);

MediaEdgeClientSession *media_edge_client_open_session (MediaEdgeClient *
    client, MediaEdgeSessionNotify notify, gpointer user_data,
    GDestroyNotify destroy);

void media_edge_client_session_send (MediaEdgeClientSession * session,
    MediaEdgeRequest * request);

void media_edge_client_session_close (MediaEdgeClientSession * session);

gboolean media_edge_client_session_wait_idle (MediaEdgeClientSession *
    session, gint64 end_time);

guint media_edge_client_session_get_sent (MediaEdgeClientSession * session);

guint media_edge_client_session_get_dropped (MediaEdgeClientSession *
    session);

MediaEdgeClientSession *media_edge_client_session_ref (MediaEdgeClientSession
    * session);

void media_edge_client_session_unref (MediaEdgeClientSession * session);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeClientSession,
    media_edge_client_session_unref);

G_END_DECLS

#endif /* __MEDIA_EDGE_CLIENT_H__ */
