/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __EDGE_SERVER_H__
#define __EDGE_SERVER_H__

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS
/* A local stand-in for the Media Edge API: sessionStart answers a
 * sessionId, events 204, an unknown session 404, a body missing a required
 * field 400. It records what it received, for tests, and can print one line
 * per event as it arrives. */
typedef struct _EdgeServer EdgeServer;

typedef struct
{
  gchar *path;                  /* e.g. "/ee/va/v1/play" */
  gchar *config_id;             /* the configId query parameter */
  gchar *event_type;            /* xdm.eventType without "media." */
  gchar *session_id;            /* mediaCollection.sessionID, or the id
                                 * handed out for a sessionStart */
  gint64 playhead;
  gint64 timestamp_ms;          /* xdm.timestamp, ms since the epoch */
  gchar *body;
  guint status;                 /* what the server answered */
  gchar *location_hint;         /* the edge cluster named in the path
                                 * (/ee/<hint>/va/v1/...), or NULL */
} EdgeRecord;

EdgeServer *edge_server_new (guint port, GError ** error);

EdgeServer *edge_server_new_threaded (GError ** error);

EdgeServer *edge_server_new_threaded_on_port (guint port, GError ** error);

EdgeServer *edge_server_new_threaded_tls (const gchar * cert_file,
    const gchar * key_file, GError ** error);

/* Misbehaving on command, for the reliability tests */
void edge_server_fail_next (EdgeServer * server, guint count, guint status,
    const gchar * retry_after);

void edge_server_stall_next (EdgeServer * server, guint count, guint delay_ms);

void edge_server_redirect_next (EdgeServer * server, guint count,
    guint status, const gchar * location);

void edge_server_set_session_start_answer (EdgeServer * server,
    guint status, const gchar * body, gsize size);

void edge_server_set_client_state (EdgeServer * server, const gchar * handles);

void edge_server_set_session_location (EdgeServer * server,
    const gchar * location);

void edge_server_adopt_session (EdgeServer * server,
    const gchar * session_id);

void edge_server_forget_sessions (EdgeServer * server, guint status);

void edge_server_forget_every_session (EdgeServer * server, guint status);

void edge_server_free (EdgeServer * server);

guint edge_server_take_down (EdgeServer ** server);

guint edge_server_get_port (EdgeServer * server);

gchar *edge_server_get_endpoint (EdgeServer * server);

void edge_server_set_output (EdgeServer * server, FILE * output);

GPtrArray *edge_server_dup_records (EdgeServer * server);

gboolean edge_server_wait_for_records (EdgeServer * server, guint count,
    gint64 timeout_us);

gint edge_server_wait_for_event (EdgeServer * server, guint from,
    const gchar * event_type, gint64 timeout_us);

guint edge_server_count_records (EdgeServer * server);

guint edge_server_count_requests (EdgeServer * server);

gchar *edge_server_describe_records (EdgeServer * server,
    const gchar * session_id);

void edge_record_free (EdgeRecord * record);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EdgeServer, edge_server_free);

G_END_DECLS
#endif /* __EDGE_SERVER_H__ */
