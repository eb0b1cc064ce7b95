/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Blocking sockets and one thread per connection, all joined at the end:
 * the simplest server whose every byte on the wire is known. */

#include <string.h>
#include <gio/gio.h>

#include "raw-server.h"

#define SESSION_ANSWER "{\"requestId\":\"raw\",\"handle\":[{\"payload\":" \
  "[{\"sessionId\":\"raw-session\"}],\"type\":\"media-analytics:new-session\"," \
  "\"eventIndex\":0}]}"
#define FLOOD_CHUNK 16384

struct _RawServer
{
  GSocket *listener;
  guint port;
  GCancellable *cancellable;
  GThread *acceptor;

  GMutex lock;
  GCond changed;
  /* under lock */
  GPtrArray *sockets;           /* each connection's, shut down at the end */
  GPtrArray *threads;           /* each connection's, joined at the end */
  guint requests;
  guint flood_status;
  gsize flood_size;             /* the next answer floods when not 0 */
  gboolean flood_done;
  gsize flood_written;
  gboolean flood_cut;
};

typedef struct
{
  RawServer *server;
  GSocket *socket;
} Connection;

/* Reads a request and skips its body: its path, or NULL at the end of the
 * connection. */
static gchar *
read_request (GDataInputStream * lines)
{
  g_autofree gchar *request_line = g_data_input_stream_read_line (lines,
      NULL, NULL, NULL);
  g_auto (GStrv) parts = NULL;
  guint64 length = 0;
  gchar *line;

  if (request_line == NULL)
    return NULL;
  while ((line = g_data_input_stream_read_line (lines, NULL, NULL, NULL))
      && *line != '\0') {
    if (g_ascii_strncasecmp (line, "Content-Length:", 15) == 0)
      length = g_ascii_strtoull (line + 15, NULL, 10);
    g_free (line);
  }
  if (line == NULL)
    return NULL;
  g_free (line);
  while (length > 0) {
    gssize n = g_input_stream_skip (G_INPUT_STREAM (lines), length, NULL,
        NULL);

    if (n <= 0)
      return NULL;
    length -= n;
  }
  parts = g_strsplit (request_line, " ", 3);

  return g_strv_length (parts) == 3 ? g_strdup (parts[1]) : NULL;
}

static gboolean
write_text (GOutputStream * out, const gchar * text, gsize size)
{
  return g_output_stream_write_all (out, text, size, NULL, NULL, NULL);
}

/* Sends @size bytes of body, in chunks, or as many as the client takes
 * before it hangs up; says how far it went. */
static void
flood (RawServer * server, GOutputStream * out, guint status, gsize size)
{
  g_autofree gchar *head = g_strdup_printf ("HTTP/1.1 %u Flood\r\n"
      "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
      status);
  g_autofree gchar *chunk = g_malloc (FLOOD_CHUNK + 2);
  gsize written = 0;
  gboolean ok;

  memset (chunk, ' ', FLOOD_CHUNK);
  memcpy (chunk + FLOOD_CHUNK, "\r\n", 2);
  ok = write_text (out, head, strlen (head));
  while (ok && written < size) {
    ok = write_text (out, "4000\r\n", 6)
        && write_text (out, chunk, FLOOD_CHUNK + 2);
    written += ok ? FLOOD_CHUNK : 0;
  }
  ok = ok && write_text (out, "0\r\n\r\n", 5);

  g_mutex_lock (&server->lock);
  server->flood_done = TRUE;
  server->flood_written = written;
  server->flood_cut = !ok;
  g_cond_broadcast (&server->changed);
  g_mutex_unlock (&server->lock);
}

/* Answers the request for @path: FALSE when the connection is to end. */
static gboolean
answer (RawServer * server, GOutputStream * out, const gchar * path)
{
  g_autofree gchar *text = NULL;
  guint status;
  gsize size;

  g_mutex_lock (&server->lock);
  server->requests++;
  status = server->flood_status;
  size = server->flood_size;
  server->flood_size = 0;
  g_mutex_unlock (&server->lock);

  if (size > 0) {
    flood (server, out, status, size);
    return FALSE;
  }
  if (strstr (path, "/sessionStart"))
    text = g_strdup_printf ("HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json\r\nContent-Length: %"
        G_GSIZE_FORMAT "\r\n\r\n%s", strlen (SESSION_ANSWER), SESSION_ANSWER);
  else
    text = g_strdup ("HTTP/1.1 204 No Content\r\n\r\n");

  return write_text (out, text, strlen (text));
}

static gpointer
serve (gpointer data)
{
  Connection *connection = data;
  g_autoptr (GSocketConnection) stream =
      g_socket_connection_factory_create_connection (connection->socket);
  g_autoptr (GDataInputStream) lines =
      g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM
          (stream)));
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (stream));

  g_data_input_stream_set_newline_type (lines,
      G_DATA_STREAM_NEWLINE_TYPE_CR_LF);
  for (;;) {
    g_autofree gchar *path = read_request (lines);

    if (path == NULL || !answer (connection->server, out, path))
      break;
  }
  g_io_stream_close (G_IO_STREAM (stream), NULL, NULL);
  g_free (connection);

  return NULL;
}

static gpointer
accept_connections (gpointer data)
{
  RawServer *server = data;
  GSocket *socket;

  while ((socket = g_socket_accept (server->listener, server->cancellable,
              NULL))) {
    Connection *connection = g_new0 (Connection, 1);

    connection->server = server;
    connection->socket = socket;
    g_mutex_lock (&server->lock);
    g_ptr_array_add (server->sockets, socket);
    g_ptr_array_add (server->threads, g_thread_new ("raw-server", serve,
            connection));
    g_mutex_unlock (&server->lock);
  }

  return NULL;
}

static gboolean
listen_local (RawServer * server, GError ** error)
{
  g_autoptr (GInetAddress) loopback =
      g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;

  server->listener = g_socket_new (G_SOCKET_FAMILY_IPV4,
      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, error);
  if (server->listener == NULL
      || !g_socket_bind (server->listener, address, TRUE, error)
      || !g_socket_listen (server->listener, error))
    return FALSE;
  bound = g_socket_get_local_address (server->listener, error);
  if (bound == NULL)
    return FALSE;
  server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));

  return TRUE;
}

/**
 * raw_server_new:
 *
 * A server on 127.0.0.1, on a free port, from threads of its own.
 */
RawServer *
raw_server_new (GError ** error)
{
  RawServer *server = g_new0 (RawServer, 1);

  g_mutex_init (&server->lock);
  g_cond_init (&server->changed);
  server->sockets = g_ptr_array_new_with_free_func (g_object_unref);
  server->threads = g_ptr_array_new ();
  server->cancellable = g_cancellable_new ();
  if (!listen_local (server, error)) {
    raw_server_free (server);
    return NULL;
  }
  server->acceptor = g_thread_new ("raw-server-accept", accept_connections,
      server);

  return server;
}

/* Stops accepting, ends every connection and joins its thread. */
void
raw_server_free (RawServer * server)
{
  if (server == NULL)
    return;

  g_cancellable_cancel (server->cancellable);
  if (server->acceptor)
    g_thread_join (server->acceptor);
  g_mutex_lock (&server->lock);
  for (guint i = 0; i < server->sockets->len; i++)
    g_socket_shutdown (g_ptr_array_index (server->sockets, i), TRUE, TRUE,
        NULL);
  g_mutex_unlock (&server->lock);
  for (guint i = 0; i < server->threads->len; i++)
    g_thread_join (g_ptr_array_index (server->threads, i));

  g_clear_object (&server->listener);
  g_object_unref (server->cancellable);
  g_ptr_array_unref (server->sockets);
  g_ptr_array_unref (server->threads);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->changed);
  g_free (server);
}

gchar *
raw_server_get_endpoint (RawServer * server)
{
  return g_strdup_printf ("http://127.0.0.1:%u/ee/va/v1", server->port);
}

/* The connections accepted so far */
guint
raw_server_count_connections (RawServer * server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->threads->len;
  g_mutex_unlock (&server->lock);

  return n;
}

guint
raw_server_count_requests (RawServer * server)
{
  guint n;

  g_mutex_lock (&server->lock);
  n = server->requests;
  g_mutex_unlock (&server->lock);

  return n;
}

/**
 * raw_server_flood_next:
 * @status: the status of the answer
 * @size: the length of its body
 *
 * The next request is answered @status with a body of @size bytes
 * (spaces, chunked), after which the connection ends.
 */
void
raw_server_flood_next (RawServer * server, guint status, gsize size)
{
  g_mutex_lock (&server->lock);
  server->flood_status = status;
  server->flood_size = size;
  server->flood_done = FALSE;
  g_mutex_unlock (&server->lock);
}

/**
 * raw_server_wait_flood:
 * @written: (out): how many bytes of body were written
 * @cut: (out): whether the client hung up before the end
 *
 * Waits (real time) until the answer raw_server_flood_next() asked for
 * ended.
 *
 * Returns: %FALSE if it did not end within @timeout_us
 */
gboolean
raw_server_wait_flood (RawServer * server, gint64 timeout_us,
    gsize * written, gboolean * cut)
{
  gint64 end_time = g_get_monotonic_time () + timeout_us;
  gboolean done;

  g_mutex_lock (&server->lock);
  while (!server->flood_done)
    if (!g_cond_wait_until (&server->changed, &server->lock, end_time))
      break;
  done = server->flood_done;
  *written = server->flood_written;
  *cut = server->flood_cut;
  g_mutex_unlock (&server->lock);

  return done;
}
