/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The sender's journal and its replay, against a local edge server: a
 * live session's requests on disk until answered, what a stopped sender
 * leaves, a session gone offline kept whole, a journal that cannot be
 * written given up without losing a request, and what an earlier run left
 * sent by the replay: the tail of a started session with its id, an
 * offline session whole as /downloaded, never one journal twice. Delays
 * are milliseconds; what the client thread does is waited for with
 * deadlines of seconds. */

#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "edge-server.h"
#include "mediaedge-client.h"
#include "mediaedge-codec-edge.h"
#include "mediaedge-replay.h"
#include "mediaedge-spool.h"
#include "support.h"

#define WAIT_US (10 * G_USEC_PER_SEC)
#define OFFLINE_AFTER_MS 300
#define FPID "fpid-replay-test"
/* the time of the event at second 0 of a session, in ms */
#define T0 G_GINT64_CONSTANT (1795658400000)

static EdgeServer *server;
static gchar *endpoint;
static MediaEdgeCodec *codec;
static MediaEdgeClient *client;
static MediaEdgeClientStats *stats;
static gchar *tmp;
static gchar *spool_dir;
static MediaEdgeSpool *spool;

static void
setup (void)
{
  server = edge_server_new_threaded (NULL);
  fail_unless (server != NULL);
  endpoint = edge_server_get_endpoint (server);
  codec = media_edge_codec_edge_new (endpoint, "replay-test", "replay-test");
  client = media_edge_client_get_default ();
  stats = media_edge_client_stats_new ();
  tmp = make_tmp ();
  spool_dir = g_build_filename (tmp, "spool", NULL);
  fail_unless (g_mkdir (spool_dir, 0700) == 0);
  spool = media_edge_spool_open (spool_dir, 0, 0, NULL);
  fail_unless (spool != NULL);
}

static void
teardown (void)
{
  g_clear_pointer (&client, media_edge_client_release);
  g_clear_pointer (&server, edge_server_free);
  g_clear_pointer (&endpoint, g_free);
  g_clear_object (&codec);
  g_clear_pointer (&stats, media_edge_client_stats_unref);
  g_clear_pointer (&spool, media_edge_spool_free);
  remove_tree (tmp);
  g_clear_pointer (&spool_dir, g_free);
  g_clear_pointer (&tmp, g_free);
}

/* ------------------------------------------------------------------ */
/* what a session, or a replay's owner, was told */

#define N_NOTICES (MEDIA_EDGE_SESSION_DOWNLOADED + 1)

typedef struct
{
  GMutex lock;
  /* under lock */
  gint counts[N_NOTICES];
  gint64 first_at[N_NOTICES];   /* monotonic */
  gchar *first_detail[N_NOTICES];
  /* the session told, unowned, and the journal it handed over when
   * parked */
  MediaEdgeClientSession *session;
  MediaEdgeJournal *journal;
} Watch;

static void
watch_clear (Watch * watch)
{
  for (guint i = 0; i < N_NOTICES; i++)
    g_free (watch->first_detail[i]);
  /* left on disk, in a folder the teardown removes */
  g_clear_pointer (&watch->journal, media_edge_journal_close);
  g_mutex_clear (&watch->lock);
}

static Watch *
watch_new (void)
{
  Watch *watch = g_atomic_rc_box_new0 (Watch);

  g_mutex_init (&watch->lock);

  return watch;
}

static Watch *
watch_ref (Watch * watch)
{
  return g_atomic_rc_box_acquire (watch);
}

static void
watch_unref (Watch * watch)
{
  g_atomic_rc_box_release_full (watch, (GDestroyNotify) watch_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Watch, watch_unref);

/* On the client thread */
static void
on_notice (MediaEdgeSessionNotice notice, const gchar * session_id,
    const gchar * detail, gpointer user_data)
{
  Watch *watch = user_data;

  g_mutex_lock (&watch->lock);
  if (watch->counts[notice]++ == 0) {
    watch->first_at[notice] = g_get_monotonic_time ();
    watch->first_detail[notice] = g_strdup (detail ? detail : "");
  }
  if (notice == MEDIA_EDGE_SESSION_PARKED && watch->session)
    watch->journal = media_edge_client_session_take_journal (watch->session);
  g_mutex_unlock (&watch->lock);
}

static gint
watch_count (Watch * watch, MediaEdgeSessionNotice notice)
{
  gint count;

  g_mutex_lock (&watch->lock);
  count = watch->counts[notice];
  g_mutex_unlock (&watch->lock);

  return count;
}

/* Waits until @watch heard @notice @count times, and returns how many
 * times it did. Asserts nothing: safe while files are limited. */
static gint
wait_notice (Watch * watch, MediaEdgeSessionNotice notice, gint count)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  while (watch_count (watch, notice) < count && g_get_monotonic_time () < end)
    g_usleep (5 * 1000);

  return watch_count (watch, notice);
}

/* Waits until @counter reaches @value, and returns it */
static gint
wait_for_count (gint * counter, gint value)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  while (g_atomic_int_get (counter) < value && g_get_monotonic_time () < end)
    g_usleep (5 * 1000);

  return g_atomic_int_get (counter);
}

/* Waits until @counter falls to @value, and returns it */
static gint
wait_for_count_down (gint * counter, gint value)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;

  while (g_atomic_int_get (counter) > value && g_get_monotonic_time () < end)
    g_usleep (5 * 1000);

  return g_atomic_int_get (counter);
}

/* ------------------------------------------------------------------ */
/* sessions */

static gchar *
parse_session_id (const MediaEdgeAnswer * answer, gpointer user_data,
    GError ** error)
{
  return media_edge_codec_parse_session_id (user_data, answer, error);
}

/* A session told through @watch, with the spool if @with_spool */
static MediaEdgeClientSession *
open_session (Watch * watch, gboolean with_spool, guint offline_after_ms)
{
  MediaEdgeClientSession *session = media_edge_client_open_session (client,
      "replay-test", stats, on_notice, watch_ref (watch),
      (GDestroyNotify) watch_unref);

  media_edge_client_session_set_session_id_func (session, parse_session_id,
      g_object_ref (codec), g_object_unref);
  media_edge_client_session_configure (session, 5000, 10, 100);
  if (with_spool)
    media_edge_client_session_set_spool (session, spool, offline_after_ms);
  watch->session = session;

  return session;
}

static MediaEdgeRequest *
encode (MediaEdgeEventType type, gint64 second, GVariant * details)
{
  g_autoptr (MediaEdgeEvent) event =
      media_edge_event_new (type, T0 + second * 1000, second);

  if (type == MEDIA_EDGE_EVENT_SESSION_START && details == NULL)
    details = g_variant_new_parsed ("{'name': <'clip'>, 'playerName': <'p'>, "
        "'length': <int64 60>, 'channel': <'c'>, 'contentType': <'VOD'>}");
  if (details)
    media_edge_event_set_details (event, details);

  return media_edge_codec_encode (codec, event);
}

static void
send (MediaEdgeClientSession * session, MediaEdgeEventType type, gint64 second)
{
  media_edge_client_session_send (session, encode (type, second, NULL));
}

/* Closes @session and waits until each of its requests was answered,
 * dropped or parked */
static void
finish (MediaEdgeClientSession * session)
{
  media_edge_client_session_close (session);
  fail_unless (media_edge_client_session_wait_idle (session,
          g_get_monotonic_time () + WAIT_US));
  media_edge_client_session_unref (session);
}

/* The sender stops, as at the end of a run: what it did not send stays
 * in the journals */
static void
stop_sender (void)
{
  g_clear_pointer (&client, media_edge_client_release);
}

static gchar *
received (void)
{
  return edge_server_describe_records (server, NULL);
}

/* What the server received from record @from on, as received() says it */
static gchar *
received_from (guint from)
{
  g_autoptr (GPtrArray) records = edge_server_dup_records (server);
  GString *text = g_string_new (NULL);

  for (guint i = from; i < records->len; i++) {
    EdgeRecord *record = g_ptr_array_index (records, i);

    g_string_append_printf (text, "%s%s %u", text->len ? ", " : "",
        record->event_type, record->status);
  }

  return g_string_free (text, FALSE);
}

static EdgeRecord *
record_at (GPtrArray * records, guint i)
{
  fail_unless (i < records->len, "no record %u of %u", i, records->len);

  return g_ptr_array_index (records, i);
}

/* The session id the server gave in answer to its first sessionStart */
static gchar *
first_session_id (void)
{
  g_autoptr (GPtrArray) records = edge_server_dup_records (server);
  EdgeRecord *start = record_at (records, 0);

  fail_unless_equals_string (start->event_type, "sessionStart");
  fail_unless (start->session_id != NULL);

  return g_strdup (start->session_id);
}

static void
bring_server_up (guint port)
{
  server = edge_server_new_threaded_on_port (port, NULL);
  fail_unless (server != NULL, "port %u taken meanwhile", port);
}

/* ------------------------------------------------------------------ */
/* journals */

/* The journals in the spool folder, by name, sorted, space-separated */
static gchar *
spool_listing (void)
{
  return list_dir (spool_dir);
}

/* Waits until the spool folder is empty, and returns what is left */
static gchar *
wait_spool_empty (void)
{
  gint64 end = g_get_monotonic_time () + WAIT_US;
  gchar *listing;

  while (*(listing = spool_listing ()) != '\0' && g_get_monotonic_time () < end) {
    g_free (listing);
    g_usleep (5 * 1000);
  }

  return listing;
}

/* The path of the one journal in the spool */
static gchar *
only_journal (void)
{
  g_autofree gchar *listing = spool_listing ();

  fail_unless (*listing != '\0' && strchr (listing, ' ') == NULL,
      "not one journal: '%s'", listing);

  return g_build_filename (spool_dir, listing, NULL);
}

static guint64
file_size (const gchar * path)
{
  struct stat st;

  fail_unless (g_stat (path, &st) == 0, "no %s", path);

  return st.st_size;
}

/* The lines of the journal @path, each said short: "header", "header
 * offline", "request 0 sessionStart", "session", "answered 0", "end",
 * "offline", "downloaded 1", "downloaded 2 all" */
static gchar *
describe_journal (const gchar * path)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autofree gchar *text = NULL;
  g_auto (GStrv) lines = NULL;
  GString *out = g_string_new (NULL);

  fail_unless (g_file_get_contents (path, &text, NULL, NULL), "no %s", path);
  fail_unless (g_str_has_suffix (text, "\n"), "a partial line in %s", path);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++) {
    JsonObject *line;

    fail_unless (json_parser_load_from_data (parser, lines[i], -1, NULL),
        "line %u of %s is not JSON", i, path);
    line = json_node_get_object (json_parser_get_root (parser));
    if (out->len > 0)
      g_string_append (out, ", ");
    if (json_object_has_member (line, "journal"))
      g_string_append (out, json_object_get_boolean_member (line,
              "offline") ? "header offline" : "header");
    else if (json_object_has_member (line, "request"))
      g_string_append_printf (out, "request %" G_GINT64_FORMAT " %s",
          json_object_get_int_member (line, "request"),
          json_object_get_string_member (json_object_get_object_member (line,
                  "body"), "name"));
    else if (json_object_has_member (line, "answered"))
      g_string_append_printf (out, "answered %" G_GINT64_FORMAT,
          json_object_get_int_member (line, "answered"));
    else if (json_object_has_member (line, "downloaded"))
      g_string_append_printf (out, "downloaded %" G_GINT64_FORMAT "%s",
          json_object_get_int_member (line, "downloaded"),
          json_object_has_member (line, "all") ? " all" : "");
    else if (json_object_has_member (line, "session"))
      g_string_append (out, "session");
    else if (json_object_has_member (line, "end"))
      g_string_append (out, "end");
    else if (json_object_has_member (line, "offline"))
      g_string_append (out, "offline");
    else
      g_string_append_printf (out, "? %s", lines[i]);
  }

  return g_string_free (out, FALSE);
}

/* The names of @requests, comma-separated */
static gchar *
describe_requests (GPtrArray * requests)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < requests->len; i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "",
        media_edge_request_get_name (g_ptr_array_index (requests, i)));

  return g_string_free (out, FALSE);
}

/* The seqs of @contents's pending requests, comma-separated */
static gchar *
describe_seqs (MediaEdgeJournalContents * contents)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < contents->pending_seqs->len; i++)
    g_string_append_printf (out, "%s%" G_GUINT64_FORMAT, i ? ", " : "",
        g_array_index (contents->pending_seqs, guint64, i));

  return g_string_free (out, FALSE);
}

static MediaEdgeJournalContents *
read_journal (MediaEdgeJournal * journal)
{
  g_autoptr (GError) error = NULL;
  MediaEdgeJournalContents *contents = media_edge_journal_read (journal,
      &error);

  fail_unless (contents != NULL, "%s", error ? error->message : "");

  return contents;
}

/* Limits files to @bytes, as a disk full past that, until unlimit_files().
 * Nothing may assert in between: check writes what passed to a file of
 * its own. */
typedef struct
{
  struct rlimit saved;
  void (*handler) (int);
  gboolean limited;
} FileLimit;

static void
limit_files (FileLimit * limit, rlim_t bytes)
{
  struct rlimit lower;

  limit->limited = FALSE;
  if (getrlimit (RLIMIT_FSIZE, &limit->saved) < 0)
    return;
  lower = limit->saved;
  lower.rlim_cur = bytes;
  /* a write past the limit fails with EFBIG instead of killing us */
  limit->handler = signal (SIGXFSZ, SIG_IGN);
  limit->limited = setrlimit (RLIMIT_FSIZE, &lower) == 0;
}

static void
unlimit_files (FileLimit * limit)
{
  gboolean lifted = setrlimit (RLIMIT_FSIZE, &limit->saved) == 0;

  signal (SIGXFSZ, limit->handler);
  fail_unless (limit->limited && lifted);
}

/* ------------------------------------------------------------------ */
/* the journal of a live session */

/* Each request is in the journal as the client thread takes it, and
 * marked answered once delivered, or refused (a 400 drops the event: the
 * journal is done with it); the session closed and all answered, the
 * journal is removed. */
GST_START_TEST (test_live_session_journal)
{
  g_autoptr (Watch) watch = watch_new ();
  MediaEdgeClientSession *session = open_session (watch, TRUE, 0);
  g_autofree gchar *path = NULL;
  g_autofree gchar *lines = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *left = NULL;

  /* one at a time, so that the lines come in one order */
  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  fail_unless_equals_int (wait_for_count (&stats->sent, 1), 1);
  send (session, MEDIA_EDGE_EVENT_PLAY, 0);
  fail_unless_equals_int (wait_for_count (&stats->sent, 2), 2);
  edge_server_fail_next (server, 1, 400, NULL);
  send (session, MEDIA_EDGE_EVENT_PING, 10);
  fail_unless_equals_int (wait_for_count (&stats->dropped, 1), 1);
  send (session, MEDIA_EDGE_EVENT_PAUSE_START, 12);
  fail_unless_equals_int (wait_for_count (&stats->sent, 3), 3);

  fail_unless_equals_int (g_atomic_int_get (&stats->spooled), 4);
  path = only_journal ();
  lines = describe_journal (path);
  fail_unless_equals_string (lines, "header, request 0 sessionStart, "
      "session, answered 0, request 1 play, answered 1, request 2 ping, "
      "answered 2, request 3 pauseStart, answered 3");

  finish (session);
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_ENDED, 1), 1);
  left = wait_spool_empty ();
  fail_unless_equals_string (left, "");
  text = received ();
  fail_unless_equals_string (text, "sessionStart 200, play 204, ping 400, "
      "pauseStart 204");
  fail_unless_equals_int (g_atomic_int_get (&stats->spooled), 4);
  fail_unless_equals_int (g_atomic_int_get (&stats->sent), 3);
  fail_unless_equals_int (g_atomic_int_get (&stats->dropped), 1);
  fail_unless_equals_int (g_atomic_int_get (&stats->queued), 0);
  fail_unless_equals_int (watch_count (watch,
          MEDIA_EDGE_SESSION_JOURNAL_FAILED), 0);
}

GST_END_TEST;

/* The sender stops while the service refuses connections: each journal is
 * left on disk with exactly what was not sent, nothing of it marked
 * answered, and the session id of the session that had started. */
GST_START_TEST (test_stopped_sender_leaves_journals)
{
  g_autoptr (Watch) started_watch = watch_new ();
  g_autoptr (Watch) unstarted_watch = watch_new ();
  g_autoptr (MediaEdgeSpool) reader = NULL;
  g_autoptr (GPtrArray) orphans = NULL;
  g_autofree gchar *session_id = NULL;
  MediaEdgeClientSession *started, *unstarted;
  guint found = 0;

  started = open_session (started_watch, TRUE, 0);
  send (started, MEDIA_EDGE_EVENT_SESSION_START, 0);
  fail_unless_equals_int (wait_for_count (&stats->sent, 1), 1);
  session_id = first_session_id ();
  edge_server_take_down (&server);
  send (started, MEDIA_EDGE_EVENT_PLAY, 5);
  send (started, MEDIA_EDGE_EVENT_PING, 10);
  unstarted = open_session (unstarted_watch, TRUE, 0);
  send (unstarted, MEDIA_EDGE_EVENT_SESSION_START, 0);
  send (unstarted, MEDIA_EDGE_EVENT_PLAY, 1);
  fail_unless_equals_int (wait_for_count (&stats->spooled, 5), 5);
  fail_unless (wait_for_count (&stats->retried, 2) >= 2);

  stop_sender ();
  media_edge_client_session_unref (started);
  media_edge_client_session_unref (unstarted);

  /* another process's view */
  reader = media_edge_spool_open (spool_dir, 0, 0, NULL);
  orphans = media_edge_spool_list_orphans (reader);
  fail_unless_equals_int (orphans->len, 2);
  for (guint i = 0; i < orphans->len; i++) {
    const gchar *path = g_ptr_array_index (orphans, i);
    g_autofree gchar *lines = describe_journal (path);
    MediaEdgeJournal *journal = media_edge_spool_claim (reader, path);
    g_autoptr (MediaEdgeJournalContents) contents = NULL;
    g_autofree gchar *pending = NULL;
    g_autofree gchar *seqs = NULL;

    fail_unless (journal != NULL, "%s not claimed", path);
    contents = read_journal (journal);
    pending = describe_requests (contents->pending);
    seqs = describe_seqs (contents);
    fail_if (contents->offline);
    fail_if (contents->ended);
    if (contents->session_id) {
      found |= 1;
      fail_unless_equals_string (contents->session_id, session_id);
      fail_unless_equals_string (lines, "header, request 0 sessionStart, "
          "session, answered 0, request 1 play, request 2 ping");
      fail_unless_equals_string (pending, "play, ping");
      fail_unless_equals_string (seqs, "1, 2");
      fail_unless_equals_int (contents->next_seq, 3);
    } else {
      found |= 2;
      fail_unless_equals_string (lines, "header, request 0 sessionStart, "
          "request 1 play");
      fail_unless_equals_string (pending, "sessionStart, play");
      fail_unless_equals_string (seqs, "0, 1");
      fail_unless_equals_int (contents->next_seq, 2);
    }
    /* still not done: left as it was */
    media_edge_journal_close (journal);
  }
  fail_unless_equals_int (found, 3);
  fail_unless (g_file_test (g_ptr_array_index (orphans, 0),
          G_FILE_TEST_EXISTS));
  fail_unless_equals_int (watch_count (started_watch,
          MEDIA_EDGE_SESSION_ENDED), 0);
  fail_unless_equals_int (watch_count (unstarted_watch,
          MEDIA_EDGE_SESSION_OFFLINE), 0);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* offline */

/* A session whose sessionStart went unanswered for offline-after (the
 * service refuses connections) goes offline, once: it sends nothing more,
 * even once the service is back, and holds nothing in memory; closed, it
 * is parked, and its journal, taken by the owner, holds every request of
 * the session in order. Its journal is returned. */
static MediaEdgeJournal *
park_offline_session (Watch * watch, guint * port)
{
  MediaEdgeClientSession *session;
  gint64 start;
  MediaEdgeJournal *journal;

  *port = edge_server_take_down (&server);
  session = open_session (watch, TRUE, OFFLINE_AFTER_MS);
  start = g_get_monotonic_time ();
  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  send (session, MEDIA_EDGE_EVENT_PLAY, 1);
  send (session, MEDIA_EDGE_EVENT_PING, 10);
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_OFFLINE, 1),
      1);
  /* not before offline-after, however loaded the machine */
  fail_unless (watch->first_at[MEDIA_EDGE_SESSION_OFFLINE] - start >=
      OFFLINE_AFTER_MS * G_TIME_SPAN_MILLISECOND, "offline after %"
      G_GINT64_FORMAT " us", watch->first_at[MEDIA_EDGE_SESSION_OFFLINE] -
      start);
  fail_unless (g_atomic_int_get (&stats->retried) >= 1);

  /* the service is back: the session stays offline */
  bring_server_up (*port);
  send (session, MEDIA_EDGE_EVENT_PAUSE_START, 12);
  send (session, MEDIA_EDGE_EVENT_PLAY, 14);
  fail_unless_equals_int (wait_for_count (&stats->spooled, 5), 5);
  fail_unless_equals_int (wait_for_count_down (&stats->queued, 0), 0);
  /* until its journal is taken, the session is not idle */
  fail_if (media_edge_client_session_wait_idle (session,
          g_get_monotonic_time () + 50 * G_TIME_SPAN_MILLISECOND));
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_PARKED), 0);

  finish (session);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_PARKED), 1);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_OFFLINE), 1);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_ENDED), 0);
  fail_unless_equals_int (edge_server_count_requests (server), 0);
  fail_unless_equals_int (g_atomic_int_get (&stats->sent), 0);
  fail_unless_equals_int (g_atomic_int_get (&stats->dropped), 0);
  fail_unless_equals_int (g_atomic_int_get (&stats->queued), 0);

  g_mutex_lock (&watch->lock);
  journal = g_steal_pointer (&watch->journal);
  g_mutex_unlock (&watch->lock);
  fail_unless (journal != NULL);

  return journal;
}

GST_START_TEST (test_offline_session_parked)
{
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autofree gchar *all = NULL;
  g_autofree gchar *pending = NULL;
  g_autofree gchar *lines = NULL;
  MediaEdgeJournal *journal;
  guint port;

  journal = park_offline_session (watch, &port);
  fail_unless (media_edge_journal_is_offline (journal));
  fail_if (media_edge_journal_is_done (journal));
  contents = read_journal (journal);
  fail_unless (contents->offline);
  fail_unless (contents->ended);
  fail_unless (contents->session_id == NULL);
  fail_unless_equals_int (contents->downloaded_parts, 0);
  all = describe_requests (contents->all);
  fail_unless_equals_string (all, "sessionStart, play, ping, pauseStart, "
      "play");
  pending = describe_requests (contents->pending);
  fail_unless_equals_string (pending, all);
  lines = describe_journal (contents->path);
  fail_unless (g_str_has_prefix (lines, "header, request 0 sessionStart, "),
      "%s", lines);
  fail_unless (g_str_has_suffix (lines, "request 4 play, end"), "%s", lines);
  fail_unless (strstr (lines, ", offline, ") != NULL, "%s", lines);
  /* closed, an offline journal is left for a replay */
  media_edge_journal_close (journal);
  fail_unless (g_file_test (contents->path, G_FILE_TEST_EXISTS));
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* journals that cannot be written */

/* The journal cannot grow (a full disk): the owner hears it once, the
 * journal is removed, and the session goes on in memory, delivering
 * everything. */
GST_START_TEST (test_journal_failure_live)
{
  g_autoptr (Watch) watch = watch_new ();
  MediaEdgeClientSession *session = open_session (watch, TRUE, 0);
  g_autofree gchar *path = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *left = NULL;
  FileLimit limit;
  gint failed;

  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  fail_unless_equals_int (wait_for_count (&stats->sent, 1), 1);
  path = only_journal ();

  limit_files (&limit, file_size (path));
  send (session, MEDIA_EDGE_EVENT_PLAY, 0);
  failed = wait_notice (watch, MEDIA_EDGE_SESSION_JOURNAL_FAILED, 1);
  unlimit_files (&limit);
  fail_unless_equals_int (failed, 1);

  send (session, MEDIA_EDGE_EVENT_PING, 10);
  send (session, MEDIA_EDGE_EVENT_SESSION_END, 11);
  finish (session);
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_ENDED, 1), 1);

  text = received ();
  fail_unless_equals_string (text, "sessionStart 200, play 204, ping 204, "
      "sessionEnd 204");
  fail_unless_equals_int (watch_count (watch,
          MEDIA_EDGE_SESSION_JOURNAL_FAILED), 1);
  fail_unless (strstr (watch->first_detail[MEDIA_EDGE_SESSION_JOURNAL_FAILED],
          path) != NULL, "%s",
      watch->first_detail[MEDIA_EDGE_SESSION_JOURNAL_FAILED]);
  left = spool_listing ();
  fail_unless_equals_string (left, "");
  fail_unless_equals_int (g_atomic_int_get (&stats->spooled), 1);
  fail_unless_equals_int (g_atomic_int_get (&stats->sent), 4);
  fail_unless_equals_int (g_atomic_int_get (&stats->dropped), 0);
}

GST_END_TEST;

/* Offline, the journal cannot grow: what the session had only there comes
 * back to memory, and is sent live, sessionStart first, once the service
 * is up. */
GST_START_TEST (test_journal_failure_offline)
{
  g_autoptr (Watch) watch = watch_new ();
  MediaEdgeClientSession *session;
  g_autofree gchar *path = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *left = NULL;
  FileLimit limit;
  guint port;
  gint failed;

  port = edge_server_take_down (&server);
  session = open_session (watch, TRUE, OFFLINE_AFTER_MS);
  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  send (session, MEDIA_EDGE_EVENT_PLAY, 1);
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_OFFLINE, 1),
      1);
  fail_unless_equals_int (wait_for_count_down (&stats->queued, 0), 0);
  path = only_journal ();

  limit_files (&limit, file_size (path));
  send (session, MEDIA_EDGE_EVENT_PING, 10);
  failed = wait_notice (watch, MEDIA_EDGE_SESSION_JOURNAL_FAILED, 1);
  unlimit_files (&limit);
  fail_unless_equals_int (failed, 1);

  bring_server_up (port);
  finish (session);
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_ENDED, 1), 1);

  text = received ();
  fail_unless_equals_string (text, "sessionStart 200, play 204, ping 204");
  fail_unless_equals_int (watch_count (watch,
          MEDIA_EDGE_SESSION_JOURNAL_FAILED), 1);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_OFFLINE), 1);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_PARKED), 0);
  fail_unless (watch->journal == NULL);
  left = spool_listing ();
  fail_unless_equals_string (left, "");
  fail_unless_equals_int (g_atomic_int_get (&stats->sent), 3);
  fail_unless_equals_int (g_atomic_int_get (&stats->dropped), 0);
  fail_unless_equals_int (g_atomic_int_get (&stats->queued), 0);
}

GST_END_TEST;

/* The spool's folder is moved away before the session goes offline: its
 * journal, not synced yet (that is once a second), cannot be synced to
 * its name as the session goes offline, so the session cannot keep its
 * requests there alone. It goes on in memory, and sends them live,
 * sessionStart first, once the service is up. */
GST_START_TEST (test_journal_failure_going_offline)
{
  g_autoptr (Watch) watch = watch_new ();
  g_autofree gchar *moved = g_build_filename (tmp, "moved", NULL);
  g_autofree gchar *text = NULL;
  MediaEdgeClientSession *session;
  guint port;

  port = edge_server_take_down (&server);
  session = open_session (watch, TRUE, OFFLINE_AFTER_MS);
  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  send (session, MEDIA_EDGE_EVENT_PLAY, 1);
  fail_unless_equals_int (wait_for_count (&stats->spooled, 2), 2);
  fail_unless (g_rename (spool_dir, moved) == 0);
  fail_unless_equals_int (wait_notice (watch,
          MEDIA_EDGE_SESSION_JOURNAL_FAILED, 1), 1);

  bring_server_up (port);
  finish (session);
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_ENDED, 1), 1);
  text = received ();
  fail_unless_equals_string (text, "sessionStart 200, play 204");
  fail_unless_equals_int (watch_count (watch,
          MEDIA_EDGE_SESSION_JOURNAL_FAILED), 1);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_OFFLINE), 0);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_PARKED), 0);
  fail_unless_equals_int (g_atomic_int_get (&stats->sent), 2);
  fail_unless_equals_int (g_atomic_int_get (&stats->dropped), 0);
  fail_unless_equals_int (g_atomic_int_get (&stats->queued), 0);
}

GST_END_TEST;

/* The journal cannot grow when a request is answered: the owner hears it
 * once, the journal is removed, and the session goes on in memory. */
GST_START_TEST (test_journal_failure_on_answer)
{
  g_autoptr (Watch) watch = watch_new ();
  MediaEdgeClientSession *session = open_session (watch, TRUE, 0);
  g_autofree gchar *path = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *left = NULL;
  g_autofree gchar *session_id = NULL;
  FileLimit limit;
  gint failed;

  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  fail_unless_equals_int (wait_for_count (&stats->sent, 1), 1);
  session_id = first_session_id ();
  path = only_journal ();
  /* play is in the journal, and waits for an answer */
  edge_server_fail_next (server, G_MAXUINT, 503, NULL);
  send (session, MEDIA_EDGE_EVENT_PLAY, 0);
  fail_unless_equals_int (wait_for_count (&stats->spooled, 2), 2);
  fail_unless (wait_for_count (&stats->retried, 1) >= 1);

  limit_files (&limit, file_size (path));
  edge_server_fail_next (server, 0, 0, NULL);
  failed = wait_notice (watch, MEDIA_EDGE_SESSION_JOURNAL_FAILED, 1);
  unlimit_files (&limit);
  fail_unless_equals_int (failed, 1);

  send (session, MEDIA_EDGE_EVENT_PING, 10);
  finish (session);
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_ENDED, 1), 1);
  text = edge_server_describe_records (server, session_id);
  fail_unless (g_str_has_suffix (text, "play 503, play 204, ping 204"), "%s",
      text);
  fail_unless_equals_int (watch_count (watch,
          MEDIA_EDGE_SESSION_JOURNAL_FAILED), 1);
  fail_unless (strstr (watch->first_detail[MEDIA_EDGE_SESSION_JOURNAL_FAILED],
          path) != NULL, "%s",
      watch->first_detail[MEDIA_EDGE_SESSION_JOURNAL_FAILED]);
  left = spool_listing ();
  fail_unless_equals_string (left, "");
  fail_unless_equals_int (g_atomic_int_get (&stats->sent), 3);
  fail_unless_equals_int (g_atomic_int_get (&stats->dropped), 0);
}

GST_END_TEST;

static gchar *leave_started_orphan (void);

/* A session going on with an earlier run's journal, as the replay's do,
 * when that journal cannot grow: it goes on in memory, and sends each of
 * the requests handed with their seqs once, as the first, though the
 * journal is gone (nor, under a sanitizer, leaks their seqs). */
GST_START_TEST (test_journal_failure_resumed)
{
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autofree gchar *session_id = leave_started_orphan ();
  g_autofree gchar *path = only_journal ();
  g_autofree gchar *text = NULL;
  g_autofree gchar *left = NULL;
  guint from = edge_server_count_records (server);
  MediaEdgeClientSession *session;
  MediaEdgeJournal *journal;
  FileLimit limit;
  gint failed;

  journal = media_edge_spool_claim (spool, path);
  fail_unless (journal != NULL);
  contents = read_journal (journal);
  fail_unless_equals_int (contents->pending->len, 2);
  session = open_session (watch, FALSE, 0);
  media_edge_client_session_resume_id (session, session_id, NULL);
  media_edge_client_session_set_journal (session, journal, contents->next_seq);

  limit_files (&limit, file_size (path));
  media_edge_client_session_send_journaled (session,
      media_edge_request_copy (g_ptr_array_index (contents->pending, 0)),
      g_array_index (contents->pending_seqs, guint64, 0));
  failed = wait_notice (watch, MEDIA_EDGE_SESSION_JOURNAL_FAILED, 1);
  unlimit_files (&limit);
  fail_unless_equals_int (failed, 1);

  media_edge_client_session_send_journaled (session,
      media_edge_request_copy (g_ptr_array_index (contents->pending, 1)),
      g_array_index (contents->pending_seqs, guint64, 1));
  finish (session);

  text = received_from (from);
  fail_unless_equals_string (text, "play 204, ping 204");
  fail_unless_equals_int (watch_count (watch,
          MEDIA_EDGE_SESSION_JOURNAL_FAILED), 1);
  left = spool_listing ();
  fail_unless_equals_string (left, "");
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* the replay */

static MediaEdgeReplay *
get_replay (const gchar * dir)
{
  g_autoptr (GError) error = NULL;
  MediaEdgeReplay *replay = media_edge_replay_get (client, dir, 0, 0, &error);

  fail_unless (replay != NULL, "%s", error ? error->message : "");

  return replay;
}

static MediaEdgeReplayOwner *
new_owner (Watch * watch, MediaEdgeClientStats * owner_stats)
{
  MediaEdgeReplayConfig config = {
    .request_timeout_ms = 5000,
    .retry_delay_ms = 20,
    .unreachable_timeout_ms = 0,
    .fpid = FPID,
  };

  return media_edge_replay_owner_new ("replay-test", &config, owner_stats,
      on_notice, watch_ref (watch), (GDestroyNotify) watch_unref);
}

/* A session started live whose events the service refused (503) until
 * the sender stopped: its journal is left with the session id, and play
 * at 5 s and ping at 10 s unsent. A new sender runs. Returns the session
 * id. */
static gchar *
leave_started_orphan (void)
{
  g_autoptr (Watch) watch = watch_new ();
  MediaEdgeClientSession *session = open_session (watch, TRUE, 0);
  gchar *session_id;

  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  fail_unless_equals_int (wait_for_count (&stats->sent, 1), 1);
  session_id = first_session_id ();
  edge_server_fail_next (server, G_MAXUINT, 503, NULL);
  send (session, MEDIA_EDGE_EVENT_PLAY, 5);
  send (session, MEDIA_EDGE_EVENT_PING, 10);
  fail_unless_equals_int (wait_for_count (&stats->spooled, 3), 3);
  fail_unless (wait_for_count (&stats->retried, 1) >= 1);
  stop_sender ();
  media_edge_client_session_unref (session);
  edge_server_fail_next (server, 0, 0, NULL);
  client = media_edge_client_get_default ();

  return session_id;
}

/* An earlier run's session, started, with events unsent: the replay
 * sends them with its session id, then the sessionEnd it never had, 1 ms
 * after the last event at its playhead; no sessionStart. They count as
 * replayed, and the journal is removed. */
GST_START_TEST (test_replay_orphan_tail)
{
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeClientStats) owner_stats = media_edge_client_stats_new ();
  g_autoptr (MediaEdgeReplayOwner) owner = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *session_id = leave_started_orphan ();
  g_autofree gchar *text = NULL;
  g_autofree gchar *left = NULL;
  MediaEdgeReplay *replay;
  EdgeRecord *play, *ping, *end;
  guint from = edge_server_count_records (server);

  replay = get_replay (spool_dir);
  owner = new_owner (watch, owner_stats);
  media_edge_replay_claim_orphans (replay, owner);
  fail_unless (edge_server_wait_for_records (server, from + 3, WAIT_US));
  left = wait_spool_empty ();
  fail_unless_equals_string (left, "");
  media_edge_replay_release (replay);

  text = received_from (from);
  fail_unless_equals_string (text, "play 204, ping 204, sessionEnd 204");
  records = edge_server_dup_records (server);
  play = record_at (records, from);
  ping = record_at (records, from + 1);
  end = record_at (records, from + 2);
  fail_unless_equals_string (play->session_id, session_id);
  fail_unless_equals_int64 (play->playhead, 5);
  fail_unless_equals_int64 (play->timestamp_ms, T0 + 5000);
  fail_unless_equals_string (ping->session_id, session_id);
  fail_unless_equals_string (end->session_id, session_id);
  fail_unless_equals_int64 (end->timestamp_ms, T0 + 10000 + 1);
  fail_unless_equals_int64 (end->playhead, 10);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->replayed), 3);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sent), 3);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->dropped), 0);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sessions_started), 0);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->downloaded), 0);
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_DOWNLOADED),
      0);
}

GST_END_TEST;

/* The service no longer knows the earlier run's session (404): the tail
 * is dropped, no new session is started for it, and the journal is
 * removed. */
GST_START_TEST (test_replay_orphan_lost)
{
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeClientStats) owner_stats = media_edge_client_stats_new ();
  g_autoptr (MediaEdgeReplayOwner) owner = NULL;
  g_autofree gchar *session_id = leave_started_orphan ();
  g_autofree gchar *text = NULL;
  g_autofree gchar *left = NULL;
  MediaEdgeReplay *replay;
  guint from = edge_server_count_records (server);

  edge_server_forget_sessions (server, 404);
  replay = get_replay (spool_dir);
  owner = new_owner (watch, owner_stats);
  media_edge_replay_claim_orphans (replay, owner);
  left = wait_spool_empty ();
  fail_unless_equals_string (left, "");
  fail_unless_equals_int (wait_for_count (&owner_stats->dropped, 3), 3);
  media_edge_replay_release (replay);

  text = received_from (from);
  fail_unless_equals_string (text, "play 404");
  /* the old session's, not a new one's */
  g_free (text);
  text = edge_server_describe_records (server, session_id);
  fail_unless (strstr (text, "play 404") != NULL, "%s", text);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->replayed), 0);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sent), 0);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sessions_started), 0);
}

GST_END_TEST;

/* The mediaEventType of each event of the /downloaded body @body */
static gchar *
downloaded_types (const gchar * body)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  GString *out = g_string_new (NULL);
  JsonObject *xdm;
  JsonArray *events;

  fail_unless (json_parser_load_from_data (parser, body, -1, NULL));
  xdm = json_object_get_object_member (json_array_get_object_element
      (json_object_get_array_member (json_node_get_object
              (json_parser_get_root (parser)), "events"), 0), "xdm");
  events = json_object_get_array_member (xdm, "mediaDownloadedEvents");
  for (guint i = 0; i < json_array_get_length (events); i++)
    g_string_append_printf (out, "%s%s", i ? ", " : "",
        json_object_get_string_member (json_array_get_object_element (events,
                i), "mediaEventType"));

  return g_string_free (out, FALSE);
}

/* An offline session's journal, handed to the replay: while the service
 * refuses connections, waiting for it gives up at the deadline; once up,
 * the session goes whole as one /downloaded request, with no
 * sessionStart, the owner hears it was delivered, and the journal is
 * removed. */
GST_START_TEST (test_replay_offline_journal)
{
  g_autoptr (Watch) session_watch = watch_new ();
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeClientStats) owner_stats = media_edge_client_stats_new ();
  g_autoptr (MediaEdgeReplayOwner) owner = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *types = NULL;
  g_autofree gchar *left = NULL;
  MediaEdgeJournal *journal;
  MediaEdgeReplay *replay;
  EdgeRecord *downloaded;
  guint port;

  journal = park_offline_session (session_watch, &port);
  edge_server_take_down (&server);
  replay = get_replay (spool_dir);
  owner = new_owner (watch, owner_stats);
  media_edge_replay_queue (replay, journal, owner);
  fail_if (media_edge_replay_wait_idle (replay, owner,
          g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND));
  fail_unless (wait_for_count (&owner_stats->retried, 1) >= 1);

  bring_server_up (port);
  fail_unless (media_edge_replay_wait_idle (replay, owner,
          g_get_monotonic_time () + WAIT_US));
  /* told before it is idle, and the journal removed before */
  fail_unless_equals_int (watch_count (watch, MEDIA_EDGE_SESSION_DOWNLOADED),
      1);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->downloaded), 1);
  left = spool_listing ();
  fail_unless_equals_string (left, "");
  media_edge_replay_release (replay);

  text = received ();
  fail_unless_equals_string (text, "downloaded 204");
  records = edge_server_dup_records (server);
  downloaded = record_at (records, 0);
  types = downloaded_types (downloaded->body);
  fail_unless_equals_string (types, "media.sessionStart, media.play, "
      "media.ping, media.pauseStart, media.play");
  fail_unless (strstr (downloaded->body, FPID) != NULL);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sent), 1);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->replayed), 0);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sessions_started), 0);
}

GST_END_TEST;

/* An earlier run's session that never started (the sender stopped while
 * the service refused connections) is left to the next run, which sends
 * it whole as /downloaded once the service answers. */
GST_START_TEST (test_replay_unstarted_orphan)
{
  g_autoptr (Watch) session_watch = watch_new ();
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeClientStats) owner_stats = media_edge_client_stats_new ();
  g_autoptr (MediaEdgeReplayOwner) owner = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *types = NULL;
  g_autofree gchar *left = NULL;
  MediaEdgeClientSession *session;
  MediaEdgeReplay *replay;
  guint port;

  port = edge_server_take_down (&server);
  session = open_session (session_watch, TRUE, 0);
  send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
  send (session, MEDIA_EDGE_EVENT_PLAY, 1);
  send (session, MEDIA_EDGE_EVENT_PING, 10);
  fail_unless_equals_int (wait_for_count (&stats->spooled, 3), 3);
  fail_unless (wait_for_count (&stats->retried, 1) >= 1);
  stop_sender ();
  media_edge_client_session_unref (session);

  bring_server_up (port);
  client = media_edge_client_get_default ();
  replay = get_replay (spool_dir);
  owner = new_owner (watch, owner_stats);
  media_edge_replay_claim_orphans (replay, owner);
  left = wait_spool_empty ();
  fail_unless_equals_string (left, "");
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_DOWNLOADED,
          1), 1);
  media_edge_replay_release (replay);

  text = received ();
  fail_unless_equals_string (text, "downloaded 204");
  records = edge_server_dup_records (server);
  types = downloaded_types (record_at (records, 0)->body);
  fail_unless_equals_string (types, "media.sessionStart, media.play, "
      "media.ping");
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->downloaded), 1);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sent), 1);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sessions_started), 0);
}

GST_END_TEST;

/* A journal as a session played offline leaves it, made here by hand:
 * its requests are @requests, and the first @parts_done /downloaded parts
 * were delivered */
static void
leave_offline_orphan (GPtrArray * requests, guint parts_done)
{
  g_autoptr (GError) error = NULL;
  MediaEdgeJournal *journal = media_edge_spool_create_journal (spool, TRUE,
      g_get_real_time () / G_USEC_PER_SEC, &error);

  fail_unless (journal != NULL, "%s", error ? error->message : "");
  for (guint i = 0; i < requests->len; i++)
    fail_unless (media_edge_journal_append_request (journal, i,
            g_ptr_array_index (requests, i), NULL));
  fail_unless (media_edge_journal_append_end (journal, NULL));
  if (parts_done > 0)
    fail_unless (media_edge_journal_append_downloaded (journal, parts_done,
            FALSE, NULL));
  media_edge_journal_close (journal);
}

/* An offline session too long for one /downloaded request goes in two
 * parts; an earlier run delivered the first, noted in its journal: the
 * replay sends the second only. */
GST_START_TEST (test_replay_skips_downloaded_parts)
{
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeClientStats) owner_stats = media_edge_client_stats_new ();
  g_autoptr (MediaEdgeReplayOwner) owner = NULL;
  g_autoptr (GPtrArray) requests =
      g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_request_free);
  g_autoptr (GPtrArray) parts = NULL;
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *big = g_strnfill (MEDIA_EDGE_REPLAY_MAX_BODY * 2 / 3, 'x');
  g_autofree gchar *text = NULL;
  g_autofree gchar *types = NULL;
  g_autofree gchar *left = NULL;
  MediaEdgeIdentity identity = { FPID, NULL };
  MediaEdgeReplay *replay;

  g_ptr_array_add (requests, encode (MEDIA_EDGE_EVENT_SESSION_START, 0,
          g_variant_new_parsed ("{'name': <%s>, 'playerName': <'p'>, "
              "'length': <int64 60>, 'channel': <'c'>, "
              "'contentType': <'VOD'>}", big)));
  g_ptr_array_add (requests, encode (MEDIA_EDGE_EVENT_PLAY, 0, NULL));
  g_ptr_array_add (requests, encode (MEDIA_EDGE_EVENT_ERROR, 3,
          g_variant_new_parsed ("{'name': <%s>, 'source': <'player'>}", big)));
  g_ptr_array_add (requests, encode (MEDIA_EDGE_EVENT_PING, 10, NULL));
  /* the parts the replay makes, as the codec makes them */
  parts = media_edge_codec_edge_encode_downloaded (requests, &identity,
      MEDIA_EDGE_REPLAY_MAX_BODY, NULL);
  fail_unless (parts != NULL);
  fail_unless_equals_int (parts->len, 2);
  leave_offline_orphan (requests, 1);

  replay = get_replay (spool_dir);
  owner = new_owner (watch, owner_stats);
  media_edge_replay_claim_orphans (replay, owner);
  left = wait_spool_empty ();
  fail_unless_equals_string (left, "");
  fail_unless_equals_int (wait_notice (watch, MEDIA_EDGE_SESSION_DOWNLOADED,
          1), 1);
  media_edge_replay_release (replay);

  text = received ();
  fail_unless_equals_string (text, "downloaded 204");
  records = edge_server_dup_records (server);
  types = downloaded_types (record_at (records, 0)->body);
  fail_unless_equals_string (types, "media.error, media.ping");
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->downloaded), 1);
  fail_unless_equals_int (g_atomic_int_get (&owner_stats->sent), 1);
}

GST_END_TEST;

/* Journals of an earlier run's sessions, made here by hand: each started
 * (the server gave it its id), its play at @i s unsent, not ended. Returns
 * the session ids. */
static GPtrArray *
leave_started_orphans (guint n)
{
  g_autoptr (Watch) watch = watch_new ();
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) records = NULL;

  for (guint i = 0; i < n; i++) {
    MediaEdgeClientSession *session = open_session (watch, FALSE, 0);

    send (session, MEDIA_EDGE_EVENT_SESSION_START, 0);
    finish (session);
  }
  records = edge_server_dup_records (server);
  fail_unless_equals_int (records->len, n);
  for (guint i = 0; i < n; i++) {
    g_autoptr (MediaEdgeRequest) start =
        encode (MEDIA_EDGE_EVENT_SESSION_START, 0, NULL);
    g_autoptr (MediaEdgeRequest) play = encode (MEDIA_EDGE_EVENT_PLAY, i, NULL);
    MediaEdgeJournal *journal = media_edge_spool_create_journal (spool, FALSE,
        g_get_real_time () / G_USEC_PER_SEC, NULL);
    const gchar *id = record_at (records, i)->session_id;

    fail_unless (journal != NULL);
    fail_unless (media_edge_journal_append_request (journal, 0, start, NULL));
    fail_unless (media_edge_journal_append_session_id (journal, id, NULL));
    fail_unless (media_edge_journal_append_answered (journal, 0, NULL));
    fail_unless (media_edge_journal_append_request (journal, 1, play, NULL));
    media_edge_journal_close (journal);
    g_ptr_array_add (ids, g_strdup (id));
  }

  return ids;
}

/* Two replays of one folder, as two processes would have (two spools,
 * each taking the journals' locks): each journal is sent by one of them,
 * once. */
GST_START_TEST (test_two_replays_never_send_twice)
{
  const guint n = 6;
  g_autoptr (Watch) watch = watch_new ();
  g_autoptr (MediaEdgeClientStats) stats_a = media_edge_client_stats_new ();
  g_autoptr (MediaEdgeClientStats) stats_b = media_edge_client_stats_new ();
  g_autoptr (MediaEdgeReplayOwner) owner_a = NULL;
  g_autoptr (MediaEdgeReplayOwner) owner_b = NULL;
  g_autoptr (GPtrArray) ids = leave_started_orphans (n);
  g_autoptr (GPtrArray) records = NULL;
  g_autofree gchar *alias = g_build_filename (tmp, "alias", NULL);
  g_autofree gchar *left = NULL;
  MediaEdgeReplay *replay_a, *replay_b;

  /* the registry keeps one replay per folder name: another name */
  fail_unless (symlink (spool_dir, alias) == 0);
  replay_a = get_replay (spool_dir);
  replay_b = get_replay (alias);
  fail_unless (replay_a != replay_b);
  owner_a = new_owner (watch, stats_a);
  owner_b = new_owner (watch, stats_b);
  media_edge_replay_claim_orphans (replay_a, owner_a);
  media_edge_replay_claim_orphans (replay_b, owner_b);
  fail_unless (edge_server_wait_for_records (server, 3 * n, WAIT_US));
  left = wait_spool_empty ();
  fail_unless_equals_string (left, "");
  media_edge_replay_release (replay_a);
  media_edge_replay_release (replay_b);

  /* give a second copy the time to come */
  g_usleep (100 * 1000);
  records = edge_server_dup_records (server);
  fail_unless_equals_int (records->len, 3 * n);
  for (guint i = 0; i < n; i++) {
    const gchar *id = g_ptr_array_index (ids, i);
    g_autofree gchar *text = edge_server_describe_records (server, id);

    fail_unless_equals_string (text, "sessionStart 200, play 204, "
        "sessionEnd 204");
  }
  fail_unless_equals_int (g_atomic_int_get (&stats_a->replayed) +
      g_atomic_int_get (&stats_b->replayed), 2 * n);
}

GST_END_TEST;

static Suite *
replay_suite (void)
{
  Suite *s = suite_create ("mediaedge-replay");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_checked_fixture (tc, setup, teardown);
  tcase_add_test (tc, test_live_session_journal);
  tcase_add_test (tc, test_stopped_sender_leaves_journals);
  tcase_add_test (tc, test_offline_session_parked);
  tcase_add_test (tc, test_journal_failure_live);
  tcase_add_test (tc, test_journal_failure_offline);
  tcase_add_test (tc, test_journal_failure_going_offline);
  tcase_add_test (tc, test_journal_failure_on_answer);
  tcase_add_test (tc, test_journal_failure_resumed);
  tcase_add_test (tc, test_replay_orphan_tail);
  tcase_add_test (tc, test_replay_orphan_lost);
  tcase_add_test (tc, test_replay_offline_journal);
  tcase_add_test (tc, test_replay_unstarted_orphan);
  tcase_add_test (tc, test_replay_skips_downloaded_parts);
  tcase_add_test (tc, test_two_replays_never_send_twice);

  return s;
}

GST_CHECK_MAIN (replay);
