/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __RAW_SERVER_H__
#define __RAW_SERVER_H__

#include <glib.h>

G_BEGIN_DECLS

/* An HTTP/1.1 peer written on plain sockets, for what a SoupServer cannot
 * be made to do: keep a connection open after a 204 (libsoup 3.2 closes
 * it), and send an answer longer than anyone should read. It answers
 * sessionStart with a session id (200, with a Content-Length) and any
 * other request 204 No Content without one, as RFC 9110 wants it. */
typedef struct _RawServer RawServer;

RawServer *raw_server_new (GError ** error);

void raw_server_free (RawServer * server);

gchar *raw_server_get_endpoint (RawServer * server);

guint raw_server_count_connections (RawServer * server);

guint raw_server_count_requests (RawServer * server);

void raw_server_flood_next (RawServer * server, guint status, gsize size);

gboolean raw_server_wait_flood (RawServer * server, gint64 timeout_us,
    gsize * written, gboolean * cut);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RawServer, raw_server_free);

G_END_DECLS

#endif /* __RAW_SERVER_H__ */
