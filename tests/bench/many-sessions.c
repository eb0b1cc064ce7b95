/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* Benchmark: N tracking sessions in one process (issue 17). Either N
 * pipelines, `videotestsrc is-live=true ! 16x16 at 5/1 ! mediaedgetrack !
 * fakesink sync=true`, or N sessions of the session layer driven directly
 * (START on the system clock, sessionDetails, PLAYING; each wake-up fed a
 * TICK on the sender's thread), for as long as asked, then stopped. It
 * reports to a server of its own, in a child process so that neither its
 * memory nor its CPU is counted: an epoll HTTP/1.1 server that keeps
 * connections alive, answers sessionStart with a session id of its own and
 * any event 204 with Content-Length: 0, and records each request (session,
 * event type, timestamp, playhead, when it came).
 *
 * It prints: resident memory per session, CPU per ping, threads, the TCP
 * connections the sender opened, each ping's lateness against its
 * session's 10 s grid (when the server got it, and in the session layer
 * when the clock woke the session), and the events lost or duplicated. It
 * never fails on a figure: only a broken run (no server, no session)
 * fails.
 *
 *   bench-many-sessions [--mode sessions|pipelines] [--sessions N]
 *     [--seconds S] [--spread S] [--margin MS] [--flush-timeout MS]
 *     [--max-connections N] [--clocks K] [--baseline] [--dump FILE]
 *
 * With GST_PLUGIN_PATH set to the build's gst/ for the pipelines. */

/* accept4 */
#define _GNU_SOURCE

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <gst/gst.h>

#include "gstmediaedgefacts.h"
#include "gstmediaedgesession.h"
#include "gstmediaedgesettings.h"
#include "mediaedge-client.h"

#define PING_INTERVAL_MS 10000

/* ------------------------------------------------------------------ */
/* what the server records: one per request */

typedef enum
{
  KIND_START,
  KIND_PLAY,
  KIND_PING,
  KIND_END,
  KIND_OTHER,
  N_KINDS
} Kind;

static const gchar *kind_names[N_KINDS] = {
  "sessionStart", "play", "ping", "sessionEnd", "other"
};

typedef struct
{
  gint64 received_us;           /* real time */
  gint64 timestamp_ms;          /* xdm.timestamp, or -1 */
  gint64 playhead;
  guint32 sid;                  /* the server's session number, from 1; 0:
                                 * none named */
  gint32 index;                 /* sessionStart: the bench's session its
                                 * name says, or -1 */
  guint32 connection;           /* which connection, from 1 */
  guint8 kind;
} Record;

typedef struct
{
  guint64 records;
  guint accepted;
  guint max_open;
  guint closed_by_peer;
  guint refused;                /* requests it could not read */
  gint64 cpu_us;
} Summary;

/* ------------------------------------------------------------------ */
/* the server, in a child process of its own */

typedef struct
{
  int fd;
  guint32 number;
  GByteArray *in;
  GByteArray *out;
} Connection;

typedef struct
{
  int epoll;
  int listener;
  GArray *records;
  guint32 sessions;
  Summary summary;
  guint open;
} Server;

static gint64
cpu_of (const struct rusage *usage)
{
  return (gint64) usage->ru_utime.tv_sec * G_USEC_PER_SEC +
      usage->ru_utime.tv_usec + (gint64) usage->ru_stime.tv_sec *
      G_USEC_PER_SEC + usage->ru_stime.tv_usec;
}

static gint64
process_cpu_us (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);

  return cpu_of (&usage);
}

static gboolean
write_all (int fd, const void *data, gsize size)
{
  const guint8 *p = data;

  while (size > 0) {
    ssize_t n = write (fd, p, size);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    p += n;
    size -= n;
  }

  return TRUE;
}

static gboolean
read_all (int fd, void *data, gsize size)
{
  guint8 *p = data;

  while (size > 0) {
    ssize_t n = read (fd, p, size);

    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    p += n;
    size -= n;
  }

  return TRUE;
}

/* "2026-11-24T08:40:40.123Z" in ms since the epoch, or -1 */
static gint64
parse_timestamp (const gchar * text)
{
  struct tm tm = { 0 };
  int ms = 0;

  if (text == NULL || sscanf (text, "%d-%d-%dT%d:%d:%d.%dZ", &tm.tm_year,
          &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
          &ms) != 7)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;

  return (gint64) timegm (&tm) * 1000 + ms;
}

/* What follows `"member":` (and the quote of a string) in @body */
static const gchar *
find_member (const gchar * body, const gchar * member)
{
  const gchar *at = strstr (body, member);

  return at ? at + strlen (member) : NULL;
}

static Kind
kind_of (const gchar * path)
{
  const gchar *query = strchr (path, '?');
  gsize end = query ? (gsize) (query - path) : strlen (path);
  const gchar *name = g_strrstr_len (path, end, "/");
  gsize length;

  if (name == NULL)
    return KIND_OTHER;
  name++;
  length = path + end - name;
  for (guint i = 0; i < KIND_OTHER; i++)
    if (strlen (kind_names[i]) == length
        && strncmp (name, kind_names[i], length) == 0)
      return i;

  return KIND_OTHER;
}

/* Records the request and writes its answer in @connection's output. */
static void
answer (Server * server, Connection * connection, const gchar * path,
    const gchar * body)
{
  Record record = {.received_us = g_get_real_time (),.index = -1,
    .connection = connection->number
  };
  g_autofree gchar *body_text = NULL;
  g_autofree gchar *text = NULL;
  const gchar *at;

  record.kind = kind_of (path);
  record.timestamp_ms = parse_timestamp (find_member (body,
          "\"timestamp\":\""));
  at = find_member (body, "\"playhead\":");
  record.playhead = at ? g_ascii_strtoll (at, NULL, 10) : -1;

  if (record.kind == KIND_START) {
    record.sid = ++server->sessions;
    at = find_member (body, "\"sessionDetails\":");
    at = at ? find_member (at, "\"name\":\"") : NULL;
    /* s123 or p123: the bench's session 123 */
    if (at && at[0] != '\0' && g_ascii_isdigit (at[1]))
      record.index = (gint32) g_ascii_strtoll (at + 1, NULL, 10);
    body_text = g_strdup_printf ("{\"requestId\":\"bench\",\"handle\":[{"
        "\"payload\":[{\"sessionId\":\"S%u\"}],\"type\":"
        "\"media-analytics:new-session\",\"eventIndex\":0}]}", record.sid);
    text = g_strdup_printf ("HTTP/1.1 200 OK\r\nContent-Type: "
        "application/json\r\nContent-Length: %" G_GSIZE_FORMAT "\r\n\r\n%s",
        strlen (body_text), body_text);
    g_byte_array_append (connection->out, (const guint8 *) text, strlen (text));
  } else {
    static const gchar no_content[] =
        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n";

    at = find_member (body, "\"sessionID\":\"S");
    record.sid = at ? (guint32) g_ascii_strtoull (at, NULL, 10) : 0;
    g_byte_array_append (connection->out, (const guint8 *) no_content,
        sizeof (no_content) - 1);
  }
  g_array_append_val (server->records, record);
}

static void
close_connection (Server * server, Connection * connection)
{
  epoll_ctl (server->epoll, EPOLL_CTL_DEL, connection->fd, NULL);
  close (connection->fd);
  g_byte_array_unref (connection->in);
  g_byte_array_unref (connection->out);
  g_free (connection);
  server->open--;
}

/* Writes what is waiting; FALSE if the connection broke. */
static gboolean
flush_output (Server * server, Connection * connection)
{
  struct epoll_event event = {.data.ptr = connection };

  while (connection->out->len > 0) {
    ssize_t n = send (connection->fd, connection->out->data,
        connection->out->len, MSG_NOSIGNAL);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      break;
    if (n <= 0)
      return FALSE;
    g_byte_array_remove_range (connection->out, 0, n);
  }
  event.events = EPOLLIN | (connection->out->len > 0 ? EPOLLOUT : 0);
  epoll_ctl (server->epoll, EPOLL_CTL_MOD, connection->fd, &event);

  return TRUE;
}

/* Each complete request in the input, answered; FALSE if one is not HTTP. */
static gboolean
serve_input (Server * server, Connection * connection)
{
  for (;;) {
    GByteArray *in = connection->in;
    const gchar *data = (const gchar *) in->data;
    const gchar *head_end = g_strstr_len (data, in->len, "\r\n\r\n");
    g_autofree gchar *head = NULL;
    g_autofree gchar *body = NULL;
    g_auto (GStrv) lines = NULL;
    g_auto (GStrv) request_line = NULL;
    gsize head_size, length = 0;

    if (head_end == NULL)
      return in->len < 65536;
    head_size = head_end + 4 - data;
    head = g_strndup (data, head_end - data);
    lines = g_strsplit (head, "\r\n", -1);
    for (guint i = 1; lines[i]; i++)
      if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
        length = g_ascii_strtoull (lines[i] + 15, NULL, 10);
    if (in->len < head_size + length)
      return TRUE;
    request_line = g_strsplit (lines[0], " ", 3);
    if (g_strv_length (request_line) != 3)
      return FALSE;
    body = g_strndup (data + head_size, length);
    answer (server, connection, request_line[1], body);
    g_byte_array_remove_range (in, 0, head_size + length);
  }
}

static void
accept_connections (Server * server)
{
  int fd;

  while ((fd = accept4 (server->listener, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
    Connection *connection = g_new0 (Connection, 1);
    struct epoll_event event = {.events = EPOLLIN,.data.ptr = connection };
    int one = 1;

    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof (one));
    connection->fd = fd;
    connection->number = ++server->summary.accepted;
    connection->in = g_byte_array_new ();
    connection->out = g_byte_array_new ();
    epoll_ctl (server->epoll, EPOLL_CTL_ADD, fd, &event);
    server->open++;
    server->summary.max_open = MAX (server->summary.max_open, server->open);
  }
}

static void
serve_connection (Server * server, Connection * connection, guint32 events)
{
  guint8 chunk[16384];
  gboolean alive = TRUE;

  if (events & EPOLLIN) {
    for (;;) {
      ssize_t n = recv (connection->fd, chunk, sizeof (chunk), 0);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && errno == EAGAIN)
        break;
      if (n <= 0) {
        server->summary.closed_by_peer++;
        alive = FALSE;
        break;
      }
      g_byte_array_append (connection->in, chunk, n);
    }
    if (alive && !serve_input (server, connection)) {
      server->summary.refused++;
      alive = FALSE;
    }
  }
  if (alive && connection->out->len > 0)
    alive = flush_output (server, connection);
  if (!alive)
    close_connection (server, connection);
}

/* Serves until @control says stop (or closes), then writes the summary
 * and the records to @results. */
static void
run_server (int control, int results)
{
  struct sockaddr_in address = {.sin_family = AF_INET };
  socklen_t size = sizeof (address);
  struct epoll_event event = {.events = EPOLLIN };
  Server server = { 0 };
  guint16 port;
  int one = 1;

  signal (SIGPIPE, SIG_IGN);
  address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  server.listener = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  setsockopt (server.listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof (one));
  if (server.listener < 0
      || bind (server.listener, (struct sockaddr *) &address, size) < 0
      || listen (server.listener, 4096) < 0
      || getsockname (server.listener, (struct sockaddr *) &address, &size) < 0)
    _exit (1);
  port = ntohs (address.sin_port);
  if (!write_all (results, &port, sizeof (port)))
    _exit (1);

  server.records = g_array_sized_new (FALSE, FALSE, sizeof (Record), 65536);
  server.epoll = epoll_create1 (0);
  event.data.ptr = &server.listener;
  epoll_ctl (server.epoll, EPOLL_CTL_ADD, server.listener, &event);
  event.data.ptr = &control;
  epoll_ctl (server.epoll, EPOLL_CTL_ADD, control, &event);

  for (gboolean stop = FALSE; !stop;) {
    struct epoll_event events[256];
    int n = epoll_wait (server.epoll, events, G_N_ELEMENTS (events), -1);

    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      _exit (1);
    for (int i = 0; i < n; i++) {
      if (events[i].data.ptr == &server.listener)
        accept_connections (&server);
      else if (events[i].data.ptr == &control)
        stop = TRUE;
      else
        serve_connection (&server, events[i].data.ptr, events[i].events);
    }
  }

  server.summary.records = server.records->len;
  server.summary.cpu_us = process_cpu_us ();
  if (!write_all (results, &server.summary, sizeof (Summary))
      || !write_all (results, server.records->data,
          sizeof (Record) * server.records->len))
    _exit (1);
  _exit (0);
}

typedef struct
{
  GPid pid;
  int control;
  int results;
  guint16 port;
} ServerProcess;

/* Forked before any thread exists. */
static gboolean
start_server (ServerProcess * server)
{
  int control[2], results[2];

  if (pipe (control) < 0 || pipe (results) < 0)
    return FALSE;
  server->pid = fork ();
  if (server->pid < 0)
    return FALSE;
  if (server->pid == 0) {
    close (control[1]);
    close (results[0]);
    run_server (control[0], results[1]);
  }
  close (control[0]);
  close (results[1]);
  server->control = control[1];
  server->results = results[0];

  return read_all (server->results, &server->port, sizeof (server->port));
}

/* Stops the server: its summary and records */
static GArray *
stop_server (ServerProcess * server, Summary * summary)
{
  GArray *records;
  int status;

  if (!write_all (server->control, "q", 1)
      || !read_all (server->results, summary, sizeof (Summary)))
    return NULL;
  records = g_array_sized_new (FALSE, FALSE, sizeof (Record), summary->records);
  g_array_set_size (records, summary->records);
  if (!read_all (server->results, records->data,
          sizeof (Record) * summary->records))
    g_clear_pointer (&records, g_array_unref);
  waitpid (server->pid, &status, 0);
  close (server->control);
  close (server->results);

  return records;
}

/* ------------------------------------------------------------------ */
/* the process, seen from /proc */

static gint64
resident_kib (void)
{
  gint64 size = 0, resident = 0;
  FILE *statm = fopen ("/proc/self/statm", "r");

  if (statm == NULL)
    return -1;
  if (fscanf (statm, "%" G_GINT64_FORMAT " %" G_GINT64_FORMAT, &size,
          &resident) != 2)
    resident = -1;
  fclose (statm);

  return resident * (sysconf (_SC_PAGESIZE) / 1024);
}

/* VmHWM: the most that was ever resident */
static gint64
peak_resident_kib (void)
{
  g_autofree gchar *status = NULL;
  const gchar *at;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  at = strstr (status, "VmHWM:");

  return at ? g_ascii_strtoll (at + 6, NULL, 10) : -1;
}

static guint
count_threads (void)
{
  DIR *tasks = opendir ("/proc/self/task");
  struct dirent *entry;
  guint n = 0;

  if (tasks == NULL)
    return 0;
  while ((entry = readdir (tasks)))
    n += entry->d_name[0] != '.';
  closedir (tasks);

  return n;
}

/* Each thread's id and name; the main thread is "main", and the others
 * with the process's own name, which a thread gets when its name does not
 * fit the kernel's 15 bytes, "(unnamed)". */
static GHashTable *
list_threads (void)
{
  GHashTable *threads = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_autofree gchar *own = NULL;
  DIR *tasks = opendir ("/proc/self/task");
  struct dirent *entry;

  if (tasks == NULL)
    return threads;
  if (g_file_get_contents ("/proc/self/comm", &own, NULL, NULL))
    g_strchomp (own);
  while ((entry = readdir (tasks))) {
    g_autofree gchar *path = NULL;
    g_autofree gchar *comm = NULL;
    gint tid;

    if (entry->d_name[0] == '.')
      continue;
    path = g_strdup_printf ("/proc/self/task/%s/comm", entry->d_name);
    if (!g_file_get_contents (path, &comm, NULL, NULL))
      continue;
    g_strchomp (comm);
    tid = atoi (entry->d_name);
    if (tid == getpid ())
      g_hash_table_insert (threads, GINT_TO_POINTER (tid), g_strdup ("main"));
    else if (g_strcmp0 (comm, own) == 0)
      g_hash_table_insert (threads, GINT_TO_POINTER (tid),
          g_strdup ("(unnamed)"));
    else
      g_hash_table_insert (threads, GINT_TO_POINTER (tid),
          g_steal_pointer (&comm));
  }
  closedir (tasks);

  return threads;
}

/* The first thread named @name, or 0 */
static gint
find_thread (const gchar * name)
{
  g_autoptr (GHashTable) threads = list_threads ();
  GHashTableIter iter;
  gpointer tid, comm;

  g_hash_table_iter_init (&iter, threads);
  while (g_hash_table_iter_next (&iter, &tid, &comm))
    if (g_str_equal (comm, name))
      return GPOINTER_TO_INT (tid);

  return 0;
}

/* The CPU time of thread @tid in µs (schedstat: ns on the CPU), -1 if it
 * is gone */
static gint64
thread_cpu_us (gint tid)
{
  gchar path[64];
  FILE *stat;
  guint64 ns = 0;

  if (tid <= 0)
    return -1;
  g_snprintf (path, sizeof (path), "/proc/self/task/%d/schedstat", tid);
  stat = fopen (path, "r");
  if (stat == NULL)
    return -1;
  if (fscanf (stat, "%" G_GUINT64_FORMAT, &ns) != 1)
    ns = 0;
  fclose (stat);

  return ns / 1000;
}

/* One look at the process, every second of the run */
typedef struct
{
  gint64 wall_us;
  gint64 cpu_us;
  gint64 sender_us;
  gint64 clock_us;
  gint64 resident_kib;
  guint threads;
} Sample;

typedef struct
{
  GArray *samples;
  gint64 next_us;
  gint sender;
  gint clock;
  guint max_threads;
  /* the threads by name (digits as #), when there were most */
  GHashTable *census;
  guint census_size;
} Watch;

static void
watch_sample (Watch * watch)
{
  Sample sample = {.wall_us = g_get_real_time (),.cpu_us = process_cpu_us (),
    .resident_kib = resident_kib (),.threads = count_threads ()
  };

  /* the sender's thread; before 4ba4b88 its name did not fit */
  if (watch->sender == 0)
    watch->sender = find_thread ("mediaedge-send");
  if (watch->sender == 0)
    watch->sender = find_thread ("(unnamed)");
  if (watch->clock == 0)
    watch->clock = find_thread ("GstSystemClock");
  sample.sender_us = thread_cpu_us (watch->sender);
  sample.clock_us = thread_cpu_us (watch->clock);
  watch->max_threads = MAX (watch->max_threads, sample.threads);
  g_array_append_val (watch->samples, sample);
}

/* Counts the threads by name, once the run is under way */
static void
watch_census (Watch * watch)
{
  g_autoptr (GHashTable) threads = list_threads ();
  GHashTable *census = g_hash_table_new_full (g_str_hash, g_str_equal,
      g_free, NULL);
  GHashTableIter iter;
  gpointer comm;

  if (g_hash_table_size (threads) < watch->census_size) {
    g_hash_table_unref (census);
    return;
  }
  g_hash_table_iter_init (&iter, threads);
  while (g_hash_table_iter_next (&iter, NULL, &comm)) {
    gchar *name = g_strdup (comm);

    for (gchar * c = name; *c; c++)
      if (g_ascii_isdigit (*c))
        *c = '#';
    g_hash_table_insert (census, name, GUINT_TO_POINTER (GPOINTER_TO_UINT
            (g_hash_table_lookup (census, name)) + 1));
  }
  g_clear_pointer (&watch->census, g_hash_table_unref);
  watch->census = census;
  watch->census_size = g_hash_table_size (threads);
}

static gint
compare_census (gconstpointer a, gconstpointer b, gpointer census)
{
  guint x = GPOINTER_TO_UINT (g_hash_table_lookup (census, *(gchar **) a));
  guint y = GPOINTER_TO_UINT (g_hash_table_lookup (census, *(gchar **) b));

  return x != y ? (x < y) - (x > y) : strcmp (*(gchar **) a, *(gchar **) b);
}

/* "main 1, (unnamed) 1, GstSystemClock 1" */
static gchar *
census_to_string (GHashTable * census)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new ();
  GString *text = g_string_new (NULL);
  GHashTableIter iter;
  gpointer name;

  if (census == NULL)
    return g_string_free (text, FALSE);
  g_hash_table_iter_init (&iter, census);
  while (g_hash_table_iter_next (&iter, &name, NULL))
    g_ptr_array_add (names, name);
  g_ptr_array_sort_with_data (names, compare_census, census);
  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (text, "%s%s %u", i ? ", " : "",
        (gchar *) g_ptr_array_index (names, i),
        GPOINTER_TO_UINT (g_hash_table_lookup (census,
                g_ptr_array_index (names, i))));

  return g_string_free (text, FALSE);
}

/* Sleeps until @until_us (monotonic), looking at the process each second
 * and calling @idle (the pipelines' buses) every 100 ms. */
static void
watch_wait (Watch * watch, gint64 until_us, void (*idle) (gpointer),
    gpointer data)
{
  for (;;) {
    gint64 now = g_get_monotonic_time ();

    if (now >= watch->next_us) {
      watch_sample (watch);
      watch->next_us = now + G_USEC_PER_SEC;
    }
    if (idle)
      idle (data);
    if (now >= until_us)
      return;
    g_usleep (MIN (until_us - now, 100 * 1000));
  }
}

/* ------------------------------------------------------------------ */
/* the run */

typedef struct
{
  const gchar *mode;
  guint sessions;
  guint seconds;
  gdouble spread;
  guint margin_ms;
  gint flush_timeout_ms;        /* -1: the element's default */
  gint max_connections;         /* -1: the element's default */
  guint clocks;                 /* system clocks the sessions share out */
  gboolean baseline;
  gchar *dump;                  /* where to write each request, or NULL */
} Options;

/* What one session did, seen from the bench */
typedef struct
{
  gint64 start_wall_us;         /* when it was told to start */
  gint64 stop_wall_us;          /* when it was told to stop */
} Span;

typedef struct
{
  Span *spans;
  guint started;
  /* wake-ups of the session layer, each ping's lateness in ns (sessions
   * mode): max_pings per session, -1 where none came */
  gint64 *wake_lateness;
  guint max_pings;
  /* the client's count, all sessions together */
  guint sent;
  guint retried;
  guint dropped;
  /* phases, in ms */
  gdouble start_ms;
  gdouble stop_ms;
  gdouble close_ms;
  gint64 resident_before_kib;
  gint64 resident_owners_kib;
  gint64 resident_after_kib;
  gint64 stop_wall_us;          /* when the stop began */
  gint64 stopped_wall_us;       /* when every session had closed */
  guint threads_after;
} Run;

/* @stats: (transfer full) */
static void
add_stats (Run * run, GstStructure * stats)
{
  guint sent = 0, retried = 0, dropped = 0;

  gst_structure_get_uint (stats, "sent", &sent);
  gst_structure_get_uint (stats, "retried", &retried);
  gst_structure_get_uint (stats, "dropped", &dropped);
  run->sent += sent;
  run->retried += retried;
  run->dropped += dropped;
  gst_structure_free (stats);
}

/* The start times: spread evenly over @spread seconds from @t0 */
static gint64
start_time (const Options * options, gint64 t0, guint i)
{
  return t0 + (gint64) (options->spread * G_USEC_PER_SEC * i /
      options->sessions);
}

/* ---- the session layer, driven directly ---- */

/* An element of no use but to own a session, as mediaedgetrack does */
typedef struct
{
  GstElement parent;
} BenchOwner;

typedef struct
{
  GstElementClass parent_class;
} BenchOwnerClass;

static GType bench_owner_get_type (void);

G_DEFINE_TYPE (BenchOwner, bench_owner, GST_TYPE_ELEMENT);

static void
bench_owner_class_init (BenchOwnerClass * klass)
{
}

static void
bench_owner_init (BenchOwner * self)
{
}

typedef struct
{
  GstMediaEdgeSession *session;
  GstElement *owner;
  GstClock *clock;
  GstClockTime started;         /* the session clock's time at START */
  guint64 ticks;
  gint64 *wake_lateness;        /* max_pings of them */
  guint max_pings;
} Slot;

/* On the sender's thread, as the element's watch does: a TICK, the data
 * having flowed. A wake-up at or after ping k of the grid is that ping's. */
static void
on_wake (gpointer user_data)
{
  Slot *slot = user_data;
  GstClockTime now = gst_clock_get_time (slot->clock);
  GstClockTime elapsed = now - slot->started;
  guint64 k = elapsed / (PING_INTERVAL_MS * GST_MSECOND);
  GstMediaEdgeInput tick = {.type = GST_MEDIA_EDGE_INPUT_TICK,
    .position = (gdouble) elapsed / GST_SECOND,.value = ++slot->ticks
  };

  if (k >= 1 && k <= slot->max_pings && slot->wake_lateness[k - 1] < 0)
    slot->wake_lateness[k - 1] = elapsed - k * PING_INTERVAL_MS * GST_MSECOND;
  gst_media_edge_session_feed (slot->session, &tick, NULL);
}

static void
start_slot (Slot * slot, guint index, GstMediaEdgeSettings * settings)
{
  g_autofree gchar *uri = g_strdup_printf ("bench://sessions/s%u", index);
  GstMediaEdgeStreamFacts facts = {.uri = uri,.duration = -1,.live = TRUE };
  GstMediaEdgeInput start = {.type = GST_MEDIA_EDGE_INPUT_START,
    .clock = slot->clock,.flag = TRUE
  };
  GstMediaEdgeInput describe = {.type = GST_MEDIA_EDGE_INPUT_DESCRIBE,
    .flag = TRUE
  };
  GstMediaEdgeInput playing = {.type = GST_MEDIA_EDGE_INPUT_PLAYING,
    .flag = TRUE
  };

  gst_media_edge_describe_session (&facts, settings, GST_OBJECT (slot->owner),
      &describe.fields, &describe.custom_metadata);
  slot->started = gst_clock_get_time (slot->clock);
  gst_media_edge_session_feed (slot->session, &start, NULL);
  gst_media_edge_session_feed (slot->session, &describe, NULL);
  gst_media_edge_session_feed (slot->session, &playing, NULL);
}

static gboolean
run_sessions (const Options * options, const gchar * endpoint, Run * run,
    Watch * watch)
{
  g_autoptr (GstMediaEdgeSettings) settings = gst_media_edge_settings_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GstClock) clock = gst_system_clock_obtain ();
  g_autoptr (GPtrArray) clocks = g_ptr_array_new_with_free_func
      (gst_object_unref);
  MediaEdgeClient *client;
  Slot *slots = g_new0 (Slot, options->sessions);
  guint n = options->sessions;
  gint64 t0, t, end;

  g_free (settings->config_id);
  settings->config_id = g_strdup ("bench");
  g_free (settings->endpoint);
  settings->endpoint = g_strdup (endpoint);
  settings->state_dir = g_strdup ("");
  if (options->flush_timeout_ms >= 0)
    settings->flush_timeout = options->flush_timeout_ms;
  if (options->max_connections > 0)
    settings->max_connections = options->max_connections;
  if (!gst_media_edge_settings_check (settings, &error)) {
    g_printerr ("settings: %s\n", error->message);
    return FALSE;
  }

  /* More system clocks than the one, each with a thread and a list of
   * waits of its own: what the sessions would cost if one clock's waits
   * were not a list each wait walks */
  for (guint i = 0; options->clocks > 1 && i < options->clocks; i++)
    g_ptr_array_add (clocks, gst_object_ref_sink (g_object_new
            (GST_TYPE_SYSTEM_CLOCK, NULL)));

  /* the sender's thread runs from here to the end: its start and its
   * stop are counted in neither figure */
  client = media_edge_client_get_default ();
  run->resident_before_kib = resident_kib ();
  for (guint i = 0; i < n; i++) {
    g_autofree gchar *name = g_strdup_printf ("owner%u", i);

    slots[i].owner = g_object_new (bench_owner_get_type (), "name", name, NULL);
    gst_object_ref_sink (slots[i].owner);
    slots[i].clock = clocks->len > 0 ?
        g_ptr_array_index (clocks, i % clocks->len) : clock;
    slots[i].max_pings = run->max_pings;
    slots[i].wake_lateness = run->wake_lateness + (gsize) i *run->max_pings;
  }
  run->resident_owners_kib = resident_kib ();

  for (guint i = 0; i < n; i++) {
    slots[i].session = gst_media_edge_session_new (slots[i].owner);
    gst_media_edge_session_set_wake_func (slots[i].session, on_wake, &slots[i]);
    gst_media_edge_session_open (slots[i].session);
    gst_media_edge_session_prepare (slots[i].session, settings);
  }

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++) {
    t = start_time (options, t0, i);
    if (t > g_get_monotonic_time ())
      watch_wait (watch, t, NULL, NULL);
    run->spans[i].start_wall_us = g_get_real_time ();
    start_slot (&slots[i], i, settings);
    run->started++;
  }
  run->start_ms = (g_get_monotonic_time () - t0) / 1000.0;
  watch_census (watch);

  end = g_get_monotonic_time () + (gint64) options->seconds * G_USEC_PER_SEC;
  watch_wait (watch, end, NULL, NULL);
  watch_census (watch);
  watch_sample (watch);
  run->resident_after_kib = resident_kib ();

  /* the player stops: sessionEnd each, then the closes, each waiting at
   * most its flush-timeout for what it has queued */
  run->stop_wall_us = g_get_real_time ();
  t = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++) {
    GstMediaEdgeInput stop = {.type = GST_MEDIA_EDGE_INPUT_END,
      .position = (gdouble) (gst_clock_get_time (clock) - slots[i].started) /
          GST_SECOND
    };

    run->spans[i].stop_wall_us = g_get_real_time ();
    gst_media_edge_session_feed (slots[i].session, &stop, NULL);
  }
  run->stop_ms = (g_get_monotonic_time () - t) / 1000.0;
  t = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++) {
    gst_media_edge_session_close (slots[i].session, settings->flush_timeout);
    add_stats (run, gst_media_edge_session_get_stats (slots[i].session));
  }
  media_edge_client_release (client);
  run->close_ms = (g_get_monotonic_time () - t) / 1000.0;
  run->stopped_wall_us = g_get_real_time ();
  run->threads_after = count_threads ();

  for (guint i = 0; i < n; i++) {
    gst_media_edge_session_free (slots[i].session);
    gst_object_unref (slots[i].owner);
  }
  g_free (slots);

  return run->started == n;
}

/* ---- pipelines ---- */

typedef struct
{
  GstElement **pipelines;
  GstBus **buses;
  guint n;
  guint errors;
  guint warnings;
} Pipelines;

/* What the pipelines said: a bus no one reads keeps every message. */
static void
drain_buses (gpointer data)
{
  Pipelines *pipelines = data;

  for (guint i = 0; i < pipelines->n; i++) {
    GstMessage *message;

    while ((message = gst_bus_pop (pipelines->buses[i]))) {
      if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR
          || GST_MESSAGE_TYPE (message) == GST_MESSAGE_WARNING) {
        g_autoptr (GError) error = NULL;
        gboolean is_error = GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR;

        if (is_error)
          gst_message_parse_error (message, &error, NULL);
        else
          gst_message_parse_warning (message, &error, NULL);
        if (pipelines->errors + pipelines->warnings < 5)
          g_printerr ("pipeline %u: %s: %s\n", i, is_error ? "error" :
              "warning", error->message);
        if (is_error)
          pipelines->errors++;
        else
          pipelines->warnings++;
      }
      gst_message_unref (message);
    }
  }
}

/* Loads what the pipelines use, so that it is not counted per pipeline */
static void
load_plugins (void)
{
  const gchar *names[] = { "videotestsrc", "capsfilter", "mediaedgetrack",
    "identity", "fakesink"
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++) {
    GstElement *element = gst_element_factory_make (names[i], NULL);

    if (element)
      gst_object_unref (gst_object_ref_sink (element));
  }
}

static gboolean
run_pipelines (const Options * options, const gchar * endpoint, Run * run,
    Watch * watch)
{
  Pipelines pipelines = {.n = options->sessions };
  guint n = options->sessions;
  gint64 t0, t, end;

  pipelines.pipelines = g_new0 (GstElement *, n);
  pipelines.buses = g_new0 (GstBus *, n);
  load_plugins ();
  run->resident_before_kib = resident_kib ();
  for (guint i = 0; i < n; i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *flush = options->flush_timeout_ms >= 0 ?
        g_strdup_printf (" flush-timeout=%d", options->flush_timeout_ms) :
        g_strdup ("");
    g_autofree gchar *connections = options->max_connections > 0 ?
        g_strdup_printf (" max-connections=%d", options->max_connections) :
        g_strdup ("");
    g_autofree gchar *track = options->baseline ? g_strdup ("identity") :
        g_strdup_printf ("mediaedgetrack endpoint=%s config-id=bench "
        "state-dir=\"\" content-id=p%u%s%s", endpoint, i, flush,
        connections);
    g_autofree gchar *line = g_strdup_printf ("videotestsrc is-live=true "
        "pattern=black ! video/x-raw,width=16,height=16,framerate=5/1 ! "
        "%s name=track ! fakesink sync=true", track);

    pipelines.pipelines[i] = gst_parse_launch (line, &error);
    if (pipelines.pipelines[i] == NULL || error) {
      g_printerr ("%s: %s\n", line, error ? error->message : "no pipeline");
      return FALSE;
    }
    pipelines.buses[i] = gst_element_get_bus (pipelines.pipelines[i]);
  }
  run->resident_owners_kib = resident_kib ();

  t0 = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++) {
    t = start_time (options, t0, i);
    if (t > g_get_monotonic_time ())
      watch_wait (watch, t, drain_buses, &pipelines);
    run->spans[i].start_wall_us = g_get_real_time ();
    if (gst_element_set_state (pipelines.pipelines[i],
            GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
      g_printerr ("pipeline %u did not start\n", i);
      continue;
    }
    run->started++;
  }
  run->start_ms = (g_get_monotonic_time () - t0) / 1000.0;
  watch_census (watch);

  end = g_get_monotonic_time () + (gint64) options->seconds * G_USEC_PER_SEC;
  watch_wait (watch, end, drain_buses, &pipelines);
  watch_census (watch);
  watch_sample (watch);
  run->resident_after_kib = resident_kib ();

  /* PLAYING to READY: a pause, then sessionEnd; READY to NULL waits for
   * what is queued, flush-timeout at most */
  run->stop_wall_us = g_get_real_time ();
  t = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++) {
    run->spans[i].stop_wall_us = g_get_real_time ();
    gst_element_set_state (pipelines.pipelines[i], GST_STATE_READY);
  }
  run->stop_ms = (g_get_monotonic_time () - t) / 1000.0;
  t = g_get_monotonic_time ();
  for (guint i = 0; i < n; i++) {
    GstElement *track = gst_bin_get_by_name (GST_BIN (pipelines.pipelines[i]),
        "track");

    gst_element_set_state (pipelines.pipelines[i], GST_STATE_NULL);
    if (!options->baseline) {
      GstStructure *stats = NULL;

      g_object_get (track, "stats", &stats, NULL);
      if (stats)
        add_stats (run, stats);
    }
    gst_object_unref (track);
  }
  run->close_ms = (g_get_monotonic_time () - t) / 1000.0;
  run->stopped_wall_us = g_get_real_time ();
  drain_buses (&pipelines);
  run->threads_after = count_threads ();

  for (guint i = 0; i < n; i++) {
    gst_object_unref (pipelines.buses[i]);
    gst_object_unref (pipelines.pipelines[i]);
  }
  g_free (pipelines.pipelines);
  g_free (pipelines.buses);
  if (pipelines.errors)
    g_printerr ("%u pipelines errors\n", pipelines.errors);

  return run->started == n && pipelines.errors == 0;
}

/* ------------------------------------------------------------------ */
/* what the server got */

typedef struct
{
  guint received[N_KINDS];
  guint starts_named;           /* sessionStarts whose session is known */
  guint sessions_heard;         /* the bench's sessions the server heard of */
  guint starts_lost;
  guint ends_lost;
  guint pings_expected;
  guint pings_received;         /* of those expected */
  guint pings_lost;
  guint pings_in_margin;        /* due within the margin before the stop */
  guint pings_off_grid;
  guint duplicated;
  guint unknown;                /* requests naming no session the server
                                 * started */
  GArray *lateness_us;          /* each ping's, at the server, due
                                 * before the stop began */
  GArray *stop_lateness_us;     /* those due while the sessions stopped */
  GArray *start_delay_us;       /* sessionStart: received - timestamp */
  GArray *end_delay_us;         /* sessionEnd: received - stop */
  guint pings_in_window;
  gint64 window_from_us;
  gint64 window_to_us;
} Tally;

static void
append (GArray * values, gint64 value)
{
  g_array_append_val (values, value);
}

static gint
compare_gint64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

/* The @q quantile (nearest rank) of @values, sorted */
static gint64
quantile (GArray * values, gdouble q)
{
  guint rank;

  if (values->len == 0)
    return 0;
  rank = (guint) (q * values->len);
  rank += rank < q * values->len;

  return g_array_index (values, gint64, CLAMP (rank, 1, values->len) - 1);
}

static void
tally_records (const Options * options, const Run * run, GArray * records,
    Tally * tally)
{
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, NULL);
  guint n = options->sessions;
  guint sids = 0;
  g_autofree gint32 *sid_index = NULL;
  g_autofree gint64 *sid_start = NULL;
  g_autofree guint *starts = g_new0 (guint, n);
  g_autofree guint *ends = g_new0 (guint, n);
  g_autofree gint64 *start_ms = g_new0 (gint64, n);
  /* per session, per ping k (1..max_pings): received */
  g_autofree guint8 *pings = g_new0 (guint8, (gsize) n * run->max_pings);
  gint64 last_setup_us = 0;

  tally->lateness_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  tally->stop_lateness_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  tally->start_delay_us = g_array_new (FALSE, FALSE, sizeof (gint64));
  tally->end_delay_us = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < records->len; i++)
    if (g_array_index (records, Record, i).kind == KIND_START)
      sids++;
  sid_index = g_new (gint32, sids + 1);
  sid_start = g_new0 (gint64, sids + 1);
  for (guint i = 0; i <= sids; i++)
    sid_index[i] = -1;

  for (guint i = 0; i < records->len; i++) {
    const Record *record = &g_array_index (records, Record, i);
    g_autofree gchar *key = NULL;
    gint32 index;

    tally->received[record->kind]++;
    /* the same event twice: a sessionStart by its session and time, any
     * other by its session, type, time and playhead */
    if (record->kind == KIND_START)
      key = g_strdup_printf ("start/%d/%" G_GINT64_FORMAT, record->index,
          record->timestamp_ms);
    else
      key = g_strdup_printf ("%u/%u/%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT,
          record->sid, record->kind, record->timestamp_ms, record->playhead);
    if (!g_hash_table_add (seen, g_steal_pointer (&key)))
      tally->duplicated++;

    if (record->kind == KIND_START) {
      sid_index[record->sid] = record->index;
      sid_start[record->sid] = record->timestamp_ms;
      if (record->index >= 0 && (guint) record->index < n) {
        tally->starts_named++;
        if (starts[record->index]++ == 0)
          start_ms[record->index] = record->timestamp_ms;
      }
      append (tally->start_delay_us,
          record->received_us - record->timestamp_ms * 1000);
    }
    if (record->kind == KIND_START || record->kind == KIND_PLAY)
      last_setup_us = MAX (last_setup_us, record->received_us);
    if (record->kind == KIND_START)
      continue;

    index = record->sid <= sids ? sid_index[record->sid] : -1;
    if (index < 0 || (guint) index >= n) {
      tally->unknown++;
      continue;
    }
    if (record->kind == KIND_END) {
      ends[index]++;
      append (tally->end_delay_us,
          record->received_us - run->spans[index].stop_wall_us);
    } else if (record->kind == KIND_PING) {
      gint64 since = record->timestamp_ms - sid_start[record->sid];
      gint64 k = (since + PING_INTERVAL_MS / 2) / PING_INTERVAL_MS;
      gint64 due_us = (sid_start[record->sid] + k * PING_INTERVAL_MS) * 1000;

      if (since != k * PING_INTERVAL_MS)
        tally->pings_off_grid++;
      append (due_us < run->stop_wall_us ? tally->lateness_us :
          tally->stop_lateness_us, record->received_us - due_us);
      if (k >= 1 && k <= run->max_pings)
        pings[(gsize) index * run->max_pings + k - 1] = 1;
    }
  }

  /* what each session should have sent, by when it was told to stop */
  for (guint i = 0; i < run->started; i++) {
    gint64 until_ms, expected;

    tally->sessions_heard += starts[i] > 0;
    if (starts[i] == 0) {
      tally->starts_lost++;
      continue;
    }
    tally->ends_lost += ends[i] == 0;
    until_ms = run->spans[i].stop_wall_us / 1000;
    expected = (until_ms - options->margin_ms - start_ms[i]) / PING_INTERVAL_MS;
    expected = CLAMP (expected, 0, run->max_pings);
    for (guint k = 1; k <= run->max_pings; k++) {
      gboolean got = pings[(gsize) i * run->max_pings + k - 1];

      if (k <= expected) {
        tally->pings_expected++;
        tally->pings_received += got;
        tally->pings_lost += !got;
      } else {
        tally->pings_in_margin += got;
      }
    }
  }

  /* the steady part of the run: every session set up, none stopped yet */
  tally->window_from_us = last_setup_us;
  tally->window_to_us = run->stop_wall_us;
  for (guint i = 0; i < records->len; i++) {
    const Record *record = &g_array_index (records, Record, i);

    tally->pings_in_window += record->kind == KIND_PING
        && record->received_us > tally->window_from_us
        && record->received_us <= tally->window_to_us;
  }

  g_array_sort (tally->lateness_us, compare_gint64);
  g_array_sort (tally->stop_lateness_us, compare_gint64);
  g_array_sort (tally->start_delay_us, compare_gint64);
  g_array_sort (tally->end_delay_us, compare_gint64);
}

static void
tally_clear (Tally * tally)
{
  g_clear_pointer (&tally->lateness_us, g_array_unref);
  g_clear_pointer (&tally->stop_lateness_us, g_array_unref);
  g_clear_pointer (&tally->start_delay_us, g_array_unref);
  g_clear_pointer (&tally->end_delay_us, g_array_unref);
}

/* Each request, one line each, for a closer look */
static gboolean
dump_records (GArray * records, const gchar * path)
{
  FILE *file = fopen (path, "w");

  if (file == NULL)
    return FALSE;
  fprintf (file, "received_us,type,sid,index,timestamp_ms,playhead,"
      "connection\n");
  for (guint i = 0; i < records->len; i++) {
    const Record *record = &g_array_index (records, Record, i);

    fprintf (file, "%" G_GINT64_FORMAT ",%s,%u,%d,%" G_GINT64_FORMAT ",%"
        G_GINT64_FORMAT ",%u\n", record->received_us,
        kind_names[record->kind], record->sid, record->index,
        record->timestamp_ms, record->playhead, record->connection);
  }

  return fclose (file) == 0;
}

/* ------------------------------------------------------------------ */
/* the table */

static void
print_spread (const gchar * what, GArray * sorted_us)
{
  guint over = 0;

  for (guint i = 0; i < sorted_us->len; i++)
    over += g_array_index (sorted_us, gint64, i) > 100 * 1000;
  g_print ("%-34s p50 %.1f ms, p99 %.1f ms, max %.1f ms (%u of %u over "
      "100 ms)\n", what, quantile (sorted_us, 0.5) / 1000.0,
      quantile (sorted_us, 0.99) / 1000.0,
      quantile (sorted_us, 1.0) / 1000.0, over, sorted_us->len);
}

/* The first and last samples within [@from_us, @to_us] of real time */
static gboolean
window_samples (Watch * watch, gint64 from_us, gint64 to_us,
    const Sample ** first, const Sample ** last)
{
  *first = *last = NULL;
  for (guint i = 0; i < watch->samples->len; i++) {
    const Sample *sample = &g_array_index (watch->samples, Sample, i);

    if (sample->wall_us < from_us || sample->wall_us > to_us)
      continue;
    if (*first == NULL)
      *first = sample;
    *last = sample;
  }

  return *first && *last != *first;
}

static void
print_table (const Options * options, const Run * run, Watch * watch,
    const Summary * summary, Tally * tally, gint64 cpu_us)
{
  guint n = options->sessions;
  guint requests = 0;
  gint64 per_session = 0;
  const Sample *first, *last;
  g_autoptr (GArray) wakes = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree gchar *census = census_to_string (watch->census);

  for (guint i = 0; i < N_KINDS; i++)
    requests += tally->received[i];
  if (n > 0)
    per_session = (run->resident_after_kib - run->resident_owners_kib) *
        1024 / n;

  g_print ("\n%s: %u %s, %u s each at least, started over %.1f s\n",
      options->baseline ? "baseline (identity, no tracker)" :
      options->mode, n, g_str_equal (options->mode, "pipelines") ?
      "pipelines" : "sessions", options->seconds, options->spread);
  g_print ("%-34s %u of %u (server: %u sessionStarts for %u of them)\n",
      "sessions started", run->started, n, tally->starts_named,
      tally->sessions_heard);
  g_print ("%-34s %.1f MiB before, %.1f MiB with the %s, %.1f MiB "
      "running (peak %.1f MiB)\n", "resident",
      run->resident_before_kib / 1024.0, run->resident_owners_kib / 1024.0,
      g_str_equal (options->mode, "pipelines") ? "pipelines built" :
      "owner elements", run->resident_after_kib / 1024.0,
      peak_resident_kib () / 1024.0);
  if (g_str_equal (options->mode, "pipelines"))
    g_print ("%-34s %.2f KiB, of which %.2f KiB built, before it ran\n",
        "resident per pipeline", (run->resident_after_kib -
            run->resident_before_kib) / (gdouble) n,
        (run->resident_owners_kib - run->resident_before_kib) / (gdouble) n);
  else
    g_print ("%-34s %.2f KiB (its owner element apart: %.2f KiB)\n",
        "resident per session", per_session / 1024.0,
        (run->resident_owners_kib - run->resident_before_kib) / (gdouble) n);
  g_print ("%-34s %u at most (%u after the stop): %s\n", "threads",
      watch->max_threads, run->threads_after, census);
  if (options->baseline) {
    g_print ("%-34s %.2f s over the run\n", "process CPU", cpu_us / 1e6);
    return;
  }
  g_print ("%-34s %u accepted, %u open at once at most, %.1f requests "
      "each; %u closed by the client\n", "TCP connections",
      summary->accepted, summary->max_open, summary->accepted ?
      (gdouble) requests / summary->accepted : 0.0, summary->closed_by_peer);
  g_print ("%-34s %u: sessionStart %u, play %u, ping %u, sessionEnd %u, "
      "other %u\n", "requests", requests, tally->received[KIND_START],
      tally->received[KIND_PLAY], tally->received[KIND_PING],
      tally->received[KIND_END], tally->received[KIND_OTHER]);
  g_print ("%-34s %u expected, %u received, %u lost; %u more within %u ms "
      "of the stop; %u off the grid\n", "pings", tally->pings_expected,
      tally->pings_received, tally->pings_lost, tally->pings_in_margin,
      options->margin_ms, tally->pings_off_grid);
  g_print ("%-34s sessionStart %u, sessionEnd %u, pings %u; duplicated %u; "
      "naming no session %u\n", "events lost", tally->starts_lost,
      tally->ends_lost, tally->pings_lost, tally->duplicated, tally->unknown);
  g_print ("%-34s sent %u, retried %u, dropped %u\n", "the client counted",
      run->sent, run->retried, run->dropped);
  print_spread ("ping lateness, at the server", tally->lateness_us);
  if (tally->stop_lateness_us->len > 0)
    print_spread ("  due while stopping", tally->stop_lateness_us);
  if (run->wake_lateness && !g_str_equal (options->mode, "pipelines")) {
    for (gsize i = 0; i < (gsize) n * run->max_pings; i++) {
      const Span *span = &run->spans[i / run->max_pings];
      gint64 due_us = span->start_wall_us + (gint64) (i % run->max_pings + 1)
          * PING_INTERVAL_MS * 1000;

      if (run->wake_lateness[i] >= 0 && due_us < run->stop_wall_us)
        append (wakes, run->wake_lateness[i] / 1000);
    }
    g_array_sort (wakes, compare_gint64);
    print_spread ("ping lateness, at the wake-up", wakes);
  }
  print_spread ("sessionStart, timestamp to server", tally->start_delay_us);
  print_spread ("sessionEnd, stop to server", tally->end_delay_us);
  g_print ("%-34s %.2f s over the run: %.1f us per request\n", "process CPU",
      cpu_us / 1e6, requests ? (gdouble) cpu_us / requests : 0.0);
  if (window_samples (watch, tally->window_from_us, tally->window_to_us,
          &first, &last) && tally->pings_in_window > 0) {
    gdouble seconds = (last->wall_us - first->wall_us) / 1e6;
    /* the pings of the samples' window, at the rate of the whole window */
    gdouble pings = tally->pings_in_window * seconds /
        ((tally->window_to_us - tally->window_from_us) / 1e6);

    g_autofree gchar *clock = options->clocks > 1 ?
        g_strdup_printf (" (%u clock threads: in the process's figure only)",
        options->clocks) : g_strdup_printf (", clock thread %.1f us",
        (last->clock_us - first->clock_us) / pings);

    g_print ("%-34s %.1f s, %.0f pings, %.1f%% of a core; per ping: process "
        "%.1f us, sender thread %.1f us%s\n", "CPU, pings only (steady)",
        seconds, pings, 100.0 * (last->cpu_us - first->cpu_us) /
        (seconds * 1e6), (last->cpu_us - first->cpu_us) / pings,
        (last->sender_us - first->sender_us) / pings, clock);
  } else {
    g_print ("%-34s no window without a start or a stop\n",
        "CPU, pings only (steady)");
  }
  g_print ("%-34s starts %.0f ms; stop: told %.0f ms, closed %.0f ms\n",
      "phases", run->start_ms, run->stop_ms, run->close_ms);
  g_print ("%-34s %.2f s (in its own process)\n", "server CPU",
      summary->cpu_us / 1e6);
}

int
main (int argc, char **argv)
{
  Options options = {.mode = "sessions",.sessions = 100,.seconds = 12,
    .spread = 0,.margin_ms = 1000,.flush_timeout_ms = -1,
    .max_connections = -1,.clocks = 1
  };
  gchar *mode = NULL;
  GOptionEntry entries[] = {
    {"mode", 'm', 0, G_OPTION_ARG_STRING, &mode,
          "sessions (the session layer, driven directly) or pipelines",
        "MODE"},
    {"sessions", 'n', 0, G_OPTION_ARG_INT, &options.sessions,
        "Sessions (or pipelines) at once", "N"},
    {"seconds", 's', 0, G_OPTION_ARG_INT, &options.seconds,
        "How long each plays at least (35: three pings)", "S"},
    {"spread", 0, 0, G_OPTION_ARG_DOUBLE, &options.spread,
        "Starts spread over this many seconds (0: all at once)", "S"},
    {"margin", 0, 0, G_OPTION_ARG_INT, &options.margin_ms,
        "A ping due this close to the stop is not expected", "MS"},
    {"flush-timeout", 0, 0, G_OPTION_ARG_INT, &options.flush_timeout_ms,
        "Each session's flush-timeout (-1: the element's default)", "MS"},
    {"max-connections", 0, 0, G_OPTION_ARG_INT, &options.max_connections,
          "Connections to the server at most (-1: the element's default)",
        "N"},
    {"clocks", 0, 0, G_OPTION_ARG_INT, &options.clocks,
        "Sessions mode: system clocks the sessions share out (1: the one "
          "every pipeline uses)", "K"},
    {"dump", 0, 0, G_OPTION_ARG_FILENAME, &options.dump,
        "Writes each request the server got to FILE (CSV)", "FILE"},
    {"baseline", 0, 0, G_OPTION_ARG_NONE, &options.baseline,
        "Pipelines with identity instead of mediaedgetrack", NULL},
    {NULL}
  };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) records = NULL;
  g_autofree gchar *endpoint = NULL;
  ServerProcess server = { 0 };
  Summary summary = { 0 };
  Tally tally = { 0 };
  Run run = { 0 };
  Watch watch = { 0 };
  gint64 cpu_us;
  gboolean ok;

  /* before any thread */
  if (!start_server (&server)) {
    g_printerr ("no local server\n");
    return EXIT_FAILURE;
  }
  context = g_option_context_new (NULL);
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error)) {
    g_printerr ("%s\n", error->message);
    return EXIT_FAILURE;
  }
  if (mode)
    options.mode = mode;
  if (!g_str_equal (options.mode, "sessions")
      && !g_str_equal (options.mode, "pipelines")) {
    g_printerr ("--mode is sessions or pipelines\n");
    return EXIT_FAILURE;
  }
  options.baseline &= g_str_equal (options.mode, "pipelines");
  if (options.sessions == 0) {
    g_printerr ("--sessions must be 1 at least\n");
    return EXIT_FAILURE;
  }
  endpoint = g_strdup_printf ("http://127.0.0.1:%u/ee/va/v1", server.port);

  run.spans = g_new0 (Span, options.sessions);
  /* every ping the run can hold, and one more */
  run.max_pings = (options.spread + options.seconds + 60) * 1000 /
      PING_INTERVAL_MS + 1;
  if (g_str_equal (options.mode, "sessions")) {
    gsize size = (gsize) options.sessions * run.max_pings;

    run.wake_lateness = g_new (gint64, size);
    for (gsize i = 0; i < size; i++)
      run.wake_lateness[i] = -1;
  }
  watch.samples = g_array_new (FALSE, FALSE, sizeof (Sample));
  watch.next_us = g_get_monotonic_time ();

  /* the offset puts the requests of --dump (real time) beside perf's
   * samples (perf record -k CLOCK_MONOTONIC) */
  g_print ("pid %d, %s, %u, endpoint %s, real time - monotonic time %"
      G_GINT64_FORMAT " us\n", getpid (), options.mode, options.sessions,
      endpoint, g_get_real_time () - g_get_monotonic_time ());
  cpu_us = process_cpu_us ();
  if (g_str_equal (options.mode, "pipelines"))
    ok = run_pipelines (&options, endpoint, &run, &watch);
  else
    ok = run_sessions (&options, endpoint, &run, &watch);
  cpu_us = process_cpu_us () - cpu_us;

  records = stop_server (&server, &summary);
  if (run.started == 0) {
    g_printerr ("no session started\n");
    return EXIT_FAILURE;
  }
  if (records == NULL) {
    g_printerr ("the server did not say what it got\n");
    return EXIT_FAILURE;
  }
  if (options.dump && !dump_records (records, options.dump))
    g_printerr ("could not write %s\n", options.dump);
  tally_records (&options, &run, records, &tally);
  print_table (&options, &run, &watch, &summary, &tally, cpu_us);

  tally_clear (&tally);
  g_array_unref (watch.samples);
  g_clear_pointer (&watch.census, g_hash_table_unref);
  g_free (run.wake_lateness);
  g_free (run.spans);
  g_free (mode);
  g_free (options.dump);

  return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
