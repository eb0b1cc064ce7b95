/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The spool's journals read back what was appended, are removed once
 * done, are left for a later process otherwise and claimed by exactly
 * one, survive a power cut to their last whole line, stay within their
 * bounds without touching one in use, and fail without harm when the
 * disk does. Other processes are forked children here. */

#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utime.h>

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "mediaedge-spool.h"
#include "support.h"

#define NOW G_GINT64_CONSTANT (1700000000)
#define SESSION_ID "sess-secret-7"

/* Request @n of a session: each with other flags, a body of several
 * lines, and the datastream id in it, which no log may show */
static MediaEdgeRequest *
make_request (guint n)
{
  const MediaEdgeRequestFlags flags[] = { MEDIA_EDGE_REQUEST_OPENS_SESSION,
    MEDIA_EDGE_REQUEST_NONE,
    MEDIA_EDGE_REQUEST_EXPENDABLE | MEDIA_EDGE_REQUEST_CARRIES_STATE,
  };
  g_autofree gchar *name = g_strdup_printf ("req-%u", n);
  g_autofree gchar *url = g_strdup_printf ("https://edge.test/ee/v1/"
      MEDIA_EDGE_REQUEST_SESSION_SLOT "/ping?n=%u", n);
  g_autofree gchar *body =
      g_strdup_printf ("{\"datastream\":\"ds-secret-42\",\n"
      "  \"n\":%u,\n  \"text\":\"two\\nlines \\u00e9\",\"sessionId\":\"\"}", n);

  return media_edge_request_new (name, "POST", url, body,
      n == 1 ? "/sessionId" : NULL, flags[(n - 1) % G_N_ELEMENTS (flags)]);
}

static void
assert_request (const MediaEdgeRequest * request, guint n)
{
  g_autoptr (MediaEdgeRequest) expected = make_request (n);

  fail_unless_equals_string (media_edge_request_get_name (request),
      media_edge_request_get_name (expected));
  fail_unless_equals_string (media_edge_request_get_method (request), "POST");
  fail_unless_equals_string (media_edge_request_get_url_template (request),
      media_edge_request_get_url_template (expected));
  fail_unless_equals_string (media_edge_request_get_body (request),
      media_edge_request_get_body (expected));
  fail_unless_equals_string (media_edge_request_get_session_id_pointer
      (request), media_edge_request_get_session_id_pointer (expected));
  fail_unless_equals_int (media_edge_request_get_flags (request),
      media_edge_request_get_flags (expected));
}

/* @requests are requests @expected, in that order; 0 ends @expected */
static void
assert_requests (GPtrArray * requests, const guint * expected)
{
  guint n = 0;

  while (expected[n] != 0)
    n++;
  fail_unless_equals_int (requests->len, n);
  for (guint i = 0; i < n; i++)
    assert_request (g_ptr_array_index (requests, i), expected[i]);
}

/* Appends request @n under @seq */
static void
append_request_as (MediaEdgeJournal * journal, guint64 seq, guint n)
{
  g_autoptr (MediaEdgeRequest) request = make_request (n);
  g_autoptr (GError) error = NULL;

  fail_unless (media_edge_journal_append_request (journal, seq, request,
          &error), "%s", error ? error->message : "");
}

static void
append_request (MediaEdgeJournal * journal, guint n)
{
  append_request_as (journal, n, n);
}

static void
append_answered (MediaEdgeJournal * journal, guint n)
{
  g_autoptr (GError) error = NULL;

  fail_unless (media_edge_journal_append_answered (journal, n, &error), "%s",
      error ? error->message : "");
}

static void
append_end (MediaEdgeJournal * journal)
{
  g_autoptr (GError) error = NULL;

  fail_unless (media_edge_journal_append_end (journal, &error), "%s",
      error ? error->message : "");
}

static MediaEdgeSpool *
open_spool (const gchar * dir, guint64 max_bytes, gint64 max_age)
{
  g_autoptr (GError) error = NULL;
  MediaEdgeSpool *spool = media_edge_spool_open (dir, max_bytes, max_age,
      &error);

  fail_unless (spool != NULL, "%s", error ? error->message : "");

  return spool;
}

static MediaEdgeJournal *
create_journal (MediaEdgeSpool * spool, gboolean offline, gint64 now)
{
  g_autoptr (GError) error = NULL;
  MediaEdgeJournal *journal = media_edge_spool_create_journal (spool, offline,
      now, &error);

  fail_unless (journal != NULL, "%s", error ? error->message : "");

  return journal;
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

static gchar *
journal_path (MediaEdgeJournal * journal)
{
  g_autoptr (MediaEdgeJournalContents) contents = read_journal (journal);

  return g_strdup (contents->path);
}

static guint64
file_size (const gchar * path)
{
  struct stat st;

  fail_unless (g_stat (path, &st) == 0, "no %s", path);

  return st.st_size;
}

/* The lines of @path, the text after the last newline as a last line */
static GStrv
read_lines (const gchar * path)
{
  g_autofree gchar *text = NULL;

  fail_unless (g_file_get_contents (path, &text, NULL, NULL));

  return g_strsplit (text, "\n", -1);
}

static void
append_to_file (const gchar * path, const gchar * text)
{
  int fd = g_open (path, O_WRONLY | O_APPEND | O_CLOEXEC, 0);

  fail_unless (fd >= 0);
  fail_unless (write (fd, text, strlen (text)) == (gssize) strlen (text));
  g_close (fd, NULL);
}

/* Reads until a line (less than PIPE_BUF, written at once) has come from
 * each of @n writers */
static gchar *
read_reports (int fd, guint n)
{
  GString *text = g_string_new (NULL);
  guint lines = 0;

  while (lines < n) {
    gchar buffer[4096];
    gssize got = read (fd, buffer, sizeof (buffer));

    if (got < 0 && errno == EINTR)
      continue;
    fail_unless (got > 0, "a child said nothing");
    g_string_append_len (text, buffer, got);
    for (gssize i = 0; i < got; i++)
      lines += buffer[i] == '\n';
  }

  return g_string_free (text, FALSE);
}

/* Reads @fd until every writer closed it */
static void
wait_for_eof (int fd)
{
  gchar byte;
  gssize n;

  do {
    n = read (fd, &byte, 1);
  } while (n > 0 || (n < 0 && errno == EINTR));
}

/* The one journal @spool claims */
static MediaEdgeJournal *
claim_only (MediaEdgeSpool * spool)
{
  g_autoptr (GPtrArray) claimed = media_edge_spool_claim_orphans (spool);

  fail_unless_equals_int (claimed->len, 1);

  return g_ptr_array_index (claimed, 0);
}

/* A session's journal, left for a replay: created at @created, with
 * requests 1 to @n appended and none answered */
static gchar *
leave_journal (const gchar * dir, gint64 created, guint n)
{
  g_autoptr (MediaEdgeSpool) spool = open_spool (dir, 0, 0);
  MediaEdgeJournal *journal = create_journal (spool, FALSE, created);
  gchar *path = journal_path (journal);

  for (guint i = 1; i <= n; i++)
    append_request (journal, i);
  fail_if (media_edge_journal_is_done (journal));
  media_edge_journal_close (journal);
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS));

  return path;
}

/* Three requests, two answered, the session id and the end read back as
 * they went, one line each; with the third answered the file goes. */
GST_START_TEST (test_round_trip)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *dir = g_build_filename (tmp, "spool", NULL);
  g_autoptr (MediaEdgeSpool) spool = open_spool (dir, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *name = NULL;
  g_autofree gchar *expected_name = NULL;
  g_auto (GStrv) lines = NULL;
  MediaEdgeJournal *journal;
  const guint pending[] = { 3, 0 };
  const guint all[] = { 1, 2, 3, 0 };

  /* nothing on disk until the first journal */
  fail_if (g_file_test (dir, G_FILE_TEST_EXISTS));
  journal = create_journal (spool, FALSE, NOW);
  for (guint i = 1; i <= 3; i++)
    append_request (journal, i);
  fail_unless (media_edge_journal_append_session_id (journal, SESSION_ID,
          &error));
  append_answered (journal, 1);
  append_answered (journal, 2);
  append_end (journal);
  fail_if (media_edge_journal_is_done (journal));
  fail_unless (media_edge_journal_sync (journal, &error));
  fail_unless (media_edge_journal_sync (journal, &error));

  contents = read_journal (journal);
  assert_requests (contents->pending, pending);
  assert_requests (contents->all, all);
  fail_unless_equals_string (contents->session_id, SESSION_ID);
  fail_unless (contents->ended);
  fail_if (contents->offline);
  fail_unless_equals_int64 (contents->created, NOW);

  fail_unless_equals_int (file_mode (dir), 0700);
  fail_unless_equals_int (file_mode (contents->path), 0600);
  name = g_path_get_basename (contents->path);
  fail_unless (g_str_has_prefix (name, "journal-1700000000-"), "%s", name);
  fail_unless (g_str_has_suffix (name, ".jsonl"), "%s", name);
  fail_unless_equals_int (strlen (name), strlen ("journal-1700000000-") + 8 +
      strlen (".jsonl"));
  expected_name = list_dir (dir);
  fail_unless_equals_string (name, expected_name);

  lines = read_lines (contents->path);
  fail_unless_equals_int (g_strv_length (lines), 9);
  fail_unless_equals_string (lines[0],
      "{\"journal\":1,\"created\":1700000000,\"offline\":false}");
  for (guint i = 1; i <= 3; i++) {
    g_autoptr (MediaEdgeRequest) request = make_request (i);
    g_autofree gchar *body = media_edge_request_serialize (request);
    g_autofree gchar *line = g_strdup_printf ("{\"request\":%u,\"body\":%s}",
        i, body);

    /* the body as an object of the line's */
    fail_unless_equals_string (lines[i], line);
  }
  fail_unless_equals_string (lines[4], "{\"session\":\"" SESSION_ID "\"}");
  fail_unless_equals_string (lines[5], "{\"answered\":1}");
  fail_unless_equals_string (lines[6], "{\"answered\":2}");
  fail_unless_equals_string (lines[7], "{\"end\":true}");
  fail_unless_equals_string (lines[8], "");

  append_answered (journal, 3);
  fail_unless (media_edge_journal_is_done (journal));
  media_edge_journal_close (journal);
  fail_if (g_file_test (contents->path, G_FILE_TEST_EXISTS));
  remove_tree (tmp);
}

GST_END_TEST;

/* A journal not done outlives its close, and another spool on the folder
 * claims it, whole, once; finished there, it goes. */
GST_START_TEST (test_orphan)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) writer_spool = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeSpool) claimer_spool = open_spool (tmp, 0, 0);
  g_autoptr (GPtrArray) again = NULL;
  g_autoptr (GPtrArray) by_writer = NULL;
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (MediaEdgeJournalContents) after = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *listing = NULL;
  MediaEdgeJournal *journal;
  const guint pending[] = { 2, 0 };
  const guint all[] = { 1, 2, 0 };
  const guint none[] = { 0 };

  journal = create_journal (writer_spool, TRUE, NOW);
  fail_unless (media_edge_journal_is_offline (journal));
  append_request (journal, 1);
  append_request (journal, 2);
  fail_unless (media_edge_journal_append_session_id (journal, SESSION_ID,
          NULL));
  append_answered (journal, 1);
  path = journal_path (journal);
  media_edge_journal_close (journal);
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS));

  journal = claim_only (claimer_spool);
  fail_unless (media_edge_journal_is_offline (journal));
  contents = read_journal (journal);
  fail_unless_equals_string (contents->path, path);
  fail_unless (contents->offline);
  fail_if (contents->ended);
  fail_unless_equals_string (contents->session_id, SESSION_ID);
  fail_unless_equals_int64 (contents->created, NOW);
  assert_requests (contents->pending, pending);
  assert_requests (contents->all, all);
  fail_if (media_edge_journal_is_done (journal));

  /* held: by this spool, and by this process for the other one */
  again = media_edge_spool_claim_orphans (claimer_spool);
  fail_unless_equals_int (again->len, 0);
  by_writer = media_edge_spool_claim_orphans (writer_spool);
  fail_unless_equals_int (by_writer->len, 0);

  append_answered (journal, 2);
  fail_if (media_edge_journal_is_done (journal));
  append_end (journal);
  fail_unless (media_edge_journal_is_done (journal));
  after = read_journal (journal);
  assert_requests (after->pending, none);
  assert_requests (after->all, all);
  fail_unless (after->ended);
  media_edge_journal_close (journal);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, "");
  remove_tree (tmp);
}

GST_END_TEST;

/* A session that went offline after its journal was made says so in a
 * line of its own, and reads back offline, as one made offline does:
 * here and in the process that claims it. */
GST_START_TEST (test_went_offline)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) writer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeSpool) replayer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeJournalContents) before = NULL;
  g_autoptr (MediaEdgeJournalContents) after = NULL;
  g_autoptr (MediaEdgeJournalContents) claimed = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) lines = NULL;
  MediaEdgeJournal *journal = create_journal (writer, FALSE, NOW);
  const guint one[] = { 1, 0 };

  append_request (journal, 1);
  fail_if (media_edge_journal_is_offline (journal));
  before = read_journal (journal);
  fail_if (before->offline);

  fail_unless (media_edge_journal_append_offline (journal, &error), "%s",
      error ? error->message : "");
  fail_unless (media_edge_journal_is_offline (journal));
  after = read_journal (journal);
  fail_unless (after->offline);
  assert_requests (after->pending, one);
  lines = read_lines (after->path);
  fail_unless_equals_int (g_strv_length (lines), 4);
  /* the header still says what it said */
  fail_unless_equals_string (lines[0],
      "{\"journal\":1,\"created\":1700000000,\"offline\":false}");
  fail_unless_equals_string (lines[2], "{\"offline\":true}");
  media_edge_journal_close (journal);

  journal = claim_only (replayer);
  fail_unless (media_edge_journal_is_offline (journal));
  claimed = read_journal (journal);
  fail_unless (claimed->offline);
  assert_requests (claimed->pending, one);
  media_edge_journal_close (journal);
  remove_tree (tmp);
}

GST_END_TEST;

static void
append_downloaded (MediaEdgeJournal * journal, guint parts, gboolean all)
{
  g_autoptr (GError) error = NULL;

  fail_unless (media_edge_journal_append_downloaded (journal, parts, all,
          &error), "%s", error ? error->message : "");
}

/* An offline journal says how many /downloaded parts went, the most of
 * its lines counting; not all of them, it outlives its close and is
 * claimed; all of them, it is done, and goes (at the close, or at the
 * claim of one a process left as it died). */
GST_START_TEST (test_downloaded)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) writer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeSpool) replayer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeRequest) request = make_request (1);
  g_autofree gchar *serialized = media_edge_request_serialize (request);
  g_autoptr (MediaEdgeJournalContents) one_part = NULL;
  g_autoptr (MediaEdgeJournalContents) claimed = NULL;
  g_autoptr (MediaEdgeJournalContents) last = NULL;
  g_autoptr (MediaEdgeJournalContents) by_hand = NULL;
  g_autoptr (GPtrArray) orphans = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *listing = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *went = g_build_filename (tmp, "journal-1-00000000.jsonl",
      NULL);
  g_autofree gchar *partly = g_build_filename (tmp,
      "journal-2-00000000.jsonl", NULL);
  g_auto (GStrv) lines = NULL;
  MediaEdgeJournal *journal = create_journal (writer, TRUE, NOW);
  const guint all[] = { 1, 2, 3, 0 };
  const guint one[] = { 1, 0 };

  path = journal_path (journal);
  for (guint i = 1; i <= 3; i++)
    append_request (journal, i);
  append_end (journal);
  append_downloaded (journal, 1, FALSE);
  one_part = read_journal (journal);
  fail_unless_equals_int (one_part->downloaded_parts, 1);
  fail_if (media_edge_journal_is_done (journal));
  append_downloaded (journal, 2, FALSE);
  media_edge_journal_close (journal);
  fail_unless (g_file_test (path, G_FILE_TEST_EXISTS));

  journal = claim_only (replayer);
  claimed = read_journal (journal);
  fail_unless_equals_int (claimed->downloaded_parts, 2);
  fail_unless (claimed->offline);
  fail_unless (claimed->ended);
  assert_requests (claimed->pending, all);
  fail_if (media_edge_journal_is_done (journal));
  append_downloaded (journal, 3, TRUE);
  fail_unless (media_edge_journal_is_done (journal));
  last = read_journal (journal);
  fail_unless_equals_int (last->downloaded_parts, 3);
  lines = read_lines (path);
  fail_unless_equals_int (g_strv_length (lines), 9);
  fail_unless_equals_string (lines[5], "{\"downloaded\":1}");
  fail_unless_equals_string (lines[6], "{\"downloaded\":2}");
  fail_unless_equals_string (lines[7], "{\"downloaded\":3,\"all\":true}");
  media_edge_journal_close (journal);
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS));

  /* not ended, yet gone whole; and a part counted twice, the most wins */
  text = g_strdup_printf ("{\"journal\":1,\"created\":1,\"offline\":true}\n"
      "{\"request\":1,\"body\":%s}\n{\"downloaded\":1,\"all\":true}\n",
      serialized);
  fail_unless (g_file_set_contents (went, text, -1, NULL));
  g_free (text);
  text = g_strdup_printf ("{\"journal\":1,\"created\":2,\"offline\":true}\n"
      "{\"request\":1,\"body\":%s}\n{\"downloaded\":2}\n"
      "{\"downloaded\":1}\n{\"downloaded\":1,\"all\":false}\n", serialized);
  fail_unless (g_file_set_contents (partly, text, -1, NULL));
  orphans = media_edge_spool_claim_orphans (replayer);
  fail_unless_equals_int (orphans->len, 1);
  journal = g_ptr_array_index (orphans, 0);
  by_hand = read_journal (journal);
  fail_unless_equals_string (by_hand->path, partly);
  fail_unless_equals_int (by_hand->downloaded_parts, 2);
  assert_requests (by_hand->pending, one);
  fail_if (media_edge_journal_is_done (journal));
  media_edge_journal_close (journal);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, "journal-2-00000000.jsonl");
  remove_tree (tmp);
}

GST_END_TEST;

/* @seqs are @expected, in that order; 0 ends @expected */
static void
assert_seqs (GArray * seqs, const guint64 * expected)
{
  guint n = 0;

  while (expected[n] != 0)
    n++;
  fail_unless_equals_int (seqs->len, n);
  for (guint i = 0; i < n; i++)
    fail_unless_equals_uint64 (g_array_index (seqs, guint64, i), expected[i]);
}

/* Each pending request reads back with its own seq, and a replayer's new
 * requests go on from past the largest seq of any request line, one that
 * does not read back included; with no request, from 0. */
GST_START_TEST (test_seqs)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) writer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeSpool) replayer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeJournalContents) empty = NULL;
  g_autoptr (MediaEdgeJournalContents) some = NULL;
  g_autoptr (MediaEdgeJournalContents) fewer = NULL;
  g_autoptr (MediaEdgeJournalContents) claimed = NULL;
  g_autoptr (MediaEdgeJournalContents) replayed = NULL;
  g_autofree gchar *path = NULL;
  MediaEdgeJournal *journal = create_journal (writer, FALSE, NOW);
  const guint some_requests[] = { 1, 3, 5, 0 };
  const guint64 some_seqs[] = { 10, 30, 50, 0 };
  const guint fewer_requests[] = { 1, 3, 0 };
  const guint64 fewer_seqs[] = { 10, 30, 0 };
  const guint replayed_requests[] = { 3, 6, 0 };
  const guint64 replayed_seqs[] = { 30, 71, 0 };
  const guint64 none[] = { 0 };

  path = journal_path (journal);
  empty = read_journal (journal);
  assert_seqs (empty->pending_seqs, none);
  fail_unless_equals_uint64 (empty->next_seq, 0);

  for (guint n = 1; n <= 5; n++)
    append_request_as (journal, 10 * n, n);
  append_answered (journal, 20);
  append_answered (journal, 40);
  some = read_journal (journal);
  assert_requests (some->pending, some_requests);
  assert_seqs (some->pending_seqs, some_seqs);
  fail_unless_equals_uint64 (some->next_seq, 51);

  /* the largest answered, and one of a later version's */
  append_answered (journal, 50);
  append_to_file (path, "{\"request\":70,\"body\":{\"version\":99}}\n");
  fewer = read_journal (journal);
  assert_requests (fewer->pending, fewer_requests);
  assert_seqs (fewer->pending_seqs, fewer_seqs);
  fail_unless_equals_uint64 (fewer->next_seq, 71);
  media_edge_journal_close (journal);

  journal = claim_only (replayer);
  claimed = read_journal (journal);
  assert_seqs (claimed->pending_seqs, fewer_seqs);
  fail_unless_equals_uint64 (claimed->next_seq, 71);
  append_answered (journal, g_array_index (claimed->pending_seqs, guint64, 0));
  append_request_as (journal, claimed->next_seq, 6);
  replayed = read_journal (journal);
  assert_requests (replayed->pending, replayed_requests);
  assert_seqs (replayed->pending_seqs, replayed_seqs);
  fail_unless_equals_uint64 (replayed->next_seq, 72);
  media_edge_journal_close (journal);
  remove_tree (tmp);
}

GST_END_TEST;

/* A journal discarded goes, whatever it holds, written or claimed, and
 * the spool no longer holds its name; the getters give the paths. */
GST_START_TEST (test_discard)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *dir = g_build_filename (tmp, "spool", NULL);
  g_autoptr (MediaEdgeSpool) spool = open_spool (dir, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *listing = NULL;
  MediaEdgeJournal *journal = create_journal (spool, FALSE, NOW);

  fail_unless_equals_string (media_edge_spool_get_dir (spool), dir);
  contents = read_journal (journal);
  path = g_strdup (media_edge_journal_get_path (journal));
  fail_unless_equals_string (path, contents->path);
  append_request (journal, 1);
  fail_unless (media_edge_journal_append_session_id (journal, SESSION_ID,
          NULL));
  media_edge_journal_discard (journal);
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS));

  /* the same name again, left by hand: the spool takes it as any other */
  fail_unless (g_file_set_contents (path, "{\"journal\":1,\"created\":1,"
          "\"offline\":false}\n{\"session\":\"x\"}\n", -1, NULL));
  claimed = media_edge_spool_claim_orphans (spool);
  fail_unless_equals_int (claimed->len, 1);
  journal = g_ptr_array_index (claimed, 0);
  fail_unless_equals_string (media_edge_journal_get_path (journal), path);
  media_edge_journal_discard (journal);
  listing = list_dir (dir);
  fail_unless_equals_string (listing, "");
  media_edge_journal_discard (NULL);
  remove_tree (tmp);
}

GST_END_TEST;

typedef struct
{
  const gchar *dir;
  int ready;                    /* written to once the journal is held */
  int release[2];               /* closed by the parent: time to go */
} Holder;

/* Holds a journal until released, then exits without closing it: a
 * player that died */
static gboolean
hold_journal (gpointer data)
{
  Holder *holder = data;
  g_autoptr (MediaEdgeSpool) spool = open_spool (holder->dir, 0, 0);
  MediaEdgeJournal *journal = create_journal (spool, FALSE, NOW);
  g_autofree gchar *path = journal_path (journal);
  g_autofree gchar *line = g_strconcat (path, "\n", NULL);

  append_request (journal, 1);
  close (holder->release[1]);
  if (write (holder->ready, line, strlen (line)) != (gssize) strlen (line))
    return FALSE;
  wait_for_eof (holder->release[0]);

  return TRUE;
}

/* A journal another process holds is neither claimed nor removed; once
 * that process died without closing it, it is an orphan. */
GST_START_TEST (test_orphan_of_dead_process)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 1, 1);
  g_autoptr (GPtrArray) while_held = NULL;
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autofree gchar *report = NULL;
  g_autofree gchar *listing = NULL;
  g_autofree gchar *name = NULL;
  int ready[2], barrier[2];
  Holder holder = { tmp, -1, {-1, -1} };
  const guint one[] = { 1, 0 };
  MediaEdgeJournal *journal;
  GPid pid;

  fail_unless (pipe (ready) == 0 && pipe (barrier) == 0);
  fail_unless (pipe (holder.release) == 0);
  holder.ready = ready[1];
  pid = fork_child (barrier, hold_journal, &holder);
  close (barrier[0]);
  close (barrier[1]);
  close (ready[1]);
  report = read_reports (ready[0], 1);
  g_strchomp (report);
  name = g_path_get_basename (report);

  while_held = media_edge_spool_claim_orphans (spool);
  fail_unless_equals_int (while_held->len, 0);
  /* far past both bounds, but in use */
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, NOW + 1000),
      0);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, name);

  close (holder.release[1]);
  wait_child (pid);
  close (ready[0]);
  close (holder.release[0]);

  journal = claim_only (spool);
  contents = read_journal (journal);
  fail_unless_equals_string (contents->path, report);
  assert_requests (contents->pending, one);
  media_edge_journal_close (journal);
  remove_tree (tmp);
}

GST_END_TEST;

/* Journals with nothing to replay are removed by the claim, not handed
 * out: empty, header only, lines not understood, or done (written by
 * hand in the documented format: a process that died closing it). */
GST_START_TEST (test_claim_removes_finished)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeRequest) request = make_request (1);
  g_autofree gchar *serialized = media_edge_request_serialize (request);
  g_autofree gchar *done_text = NULL;
  g_autofree gchar *empty = g_build_filename (tmp, "journal-1-00000000.jsonl",
      NULL);
  g_autofree gchar *garbage = g_build_filename (tmp,
      "journal-2-00000000.jsonl", NULL);
  g_autofree gchar *done = g_build_filename (tmp, "journal-3-00000000.jsonl",
      NULL);
  g_autofree gchar *other = g_build_filename (tmp, "notes.txt", NULL);
  g_autofree gchar *header_only = NULL;
  g_autofree gchar *orphan = NULL;
  g_autofree gchar *orphan_name = NULL;
  g_autofree gchar *expected = NULL;
  g_autofree gchar *listing = NULL;
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  MediaEdgeJournal *journal;
  const guint all[] = { 1, 0 };

  done_text = g_strdup_printf ("{\"journal\":1,\"created\":3,"
      "\"offline\":true}\n{\"request\":1,\"body\":%s}\n{\"answered\":1}\n"
      "{\"end\":true}\n", serialized);
  fail_unless (g_file_set_contents (empty, "", -1, NULL));
  fail_unless (g_file_set_contents (garbage, "garbage\n{\"x\":1}\n", -1, NULL));
  fail_unless (g_file_set_contents (done, done_text, -1, NULL));
  fail_unless (g_file_set_contents (other, "not a journal\n", -1, NULL));
  header_only = leave_journal (tmp, NOW, 0);
  orphan = leave_journal (tmp, NOW, 1);

  journal = claim_only (spool);
  contents = read_journal (journal);
  fail_unless_equals_string (contents->path, orphan);
  assert_requests (contents->pending, all);
  orphan_name = g_path_get_basename (orphan);
  expected = g_strdup_printf ("%s notes.txt", orphan_name);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, expected);

  media_edge_journal_close (journal);
  remove_tree (tmp);
}

GST_END_TEST;

/* A power cut in the middle of the last line, and lines not understood in
 * between: every whole line still reads, and a replayer's lines start on
 * lines of their own. */
GST_START_TEST (test_power_cut)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) writer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeSpool) replayer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (MediaEdgeJournalContents) after = NULL;
  g_autofree gchar *path = NULL;
  g_auto (GStrv) lines = NULL;
  MediaEdgeJournal *journal;
  guint64 whole;
  guint n;
  const guint pending[] = { 2, 0 };
  const guint all[] = { 1, 2, 0 };
  const guint none[] = { 0 };

  journal = create_journal (writer, FALSE, NOW);
  path = journal_path (journal);
  append_request (journal, 1);
  /* what no version of ours writes, and a request of an unknown version */
  append_to_file (path, "not json\n\n[1,2]\n{\"unknown\":1}\n"
      "{\"request\":-1,\"body\":{}}\n\xff\xfe\n"
      "{\"request\":9,\"body\":{\"version\":99}}\n");
  fail_unless (media_edge_journal_append_session_id (journal, SESSION_ID,
          NULL));
  append_request (journal, 2);
  append_answered (journal, 1);
  whole = file_size (path);
  append_request (journal, 3);
  media_edge_journal_close (journal);
  fail_unless (truncate (path, whole + (file_size (path) - whole) / 2) == 0);

  journal = claim_only (replayer);
  contents = read_journal (journal);
  assert_requests (contents->pending, pending);
  assert_requests (contents->all, all);
  fail_unless_equals_string (contents->session_id, SESSION_ID);
  fail_if (contents->ended);
  /* the partial line was cut off */
  fail_unless_equals_int64 (file_size (path), whole);

  append_answered (journal, 2);
  append_end (journal);
  after = read_journal (journal);
  assert_requests (after->pending, none);
  fail_unless (after->ended);
  lines = read_lines (path);
  n = g_strv_length (lines);
  fail_unless_equals_string (lines[n - 3], "{\"answered\":2}");
  fail_unless_equals_string (lines[n - 2], "{\"end\":true}");
  fail_unless_equals_string (lines[n - 1], "");
  fail_unless (media_edge_journal_is_done (journal));
  media_edge_journal_close (journal);
  fail_if (g_file_test (path, G_FILE_TEST_EXISTS));
  remove_tree (tmp);
}

GST_END_TEST;

/* Three journals left at 10, 20 and 30 s, the oldest the smallest */
static void
leave_three (const gchar * dir, gchar * paths[3], guint64 sizes[3])
{
  for (guint i = 0; i < 3; i++) {
    paths[i] = leave_journal (dir, 10 * (i + 1), i + 1);
    sizes[i] = file_size (paths[i]);
  }
  fail_unless (sizes[0] < sizes[1] && sizes[1] < sizes[2]);
}

static void
free_three (gchar * paths[3])
{
  for (guint i = 0; i < 3; i++)
    g_free (paths[i]);
}

static void
assert_exist (gchar * paths[3], gboolean one, gboolean two, gboolean three)
{
  const gboolean expected[] = { one, two, three };

  for (guint i = 0; i < 3; i++)
    fail_unless_equals_int (g_file_test (paths[i], G_FILE_TEST_EXISTS),
        expected[i]);
}

/* Writes, as a process that died would have left it, the journal @name
 * of @dir, made at @created, with request 1 unanswered; returns its path */
static gchar *
write_journal (const gchar * dir, const gchar * name, gint64 created)
{
  g_autoptr (MediaEdgeRequest) request = make_request (1);
  g_autofree gchar *serialized = media_edge_request_serialize (request);
  g_autofree gchar *text = NULL;
  gchar *path = g_build_filename (dir, name, NULL);

  text = g_strdup_printf ("{\"journal\":1,\"created\":%" G_GINT64_FORMAT
      ",\"offline\":false}\n{\"request\":1,\"body\":%s}\n", created,
      serialized);
  fail_unless (g_file_set_contents (path, text, -1, NULL));

  return path;
}

/* The paths of @spool's orphans, by name, joined by spaces */
static gchar *
list_orphans (MediaEdgeSpool * spool)
{
  g_autoptr (GPtrArray) paths = media_edge_spool_list_orphans (spool);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < paths->len; i++)
    g_ptr_array_add (names, g_path_get_basename (g_ptr_array_index (paths, i)));
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (gchar **) names->pdata);
}

/* The orphans are listed oldest first, by the time in their header (or
 * else the file's), then by name, without this process's own journals
 * but with those another holds; they are claimed one by one, and not
 * when in use, by this process or another, gone, or with nothing to
 * replay (and then removed). */
GST_START_TEST (test_list_and_claim)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autofree gchar *late = write_journal (tmp, "journal-1-aaaaaaaa.jsonl", 30);
  g_autofree gchar *early = write_journal (tmp, "journal-2-bbbbbbbb.jsonl",
      10);
  g_autofree gchar *tied = write_journal (tmp, "journal-3-cccccccc.jsonl", 30);
  g_autofree gchar *held = write_journal (tmp, "journal-4-eeeeeeee.jsonl", 40);
  g_autofree gchar *headless = g_build_filename (tmp,
      "journal-0-dddddddd.jsonl", NULL);
  g_autofree gchar *gone = g_build_filename (tmp, "journal-5-ffffffff.jsonl",
      NULL);
  g_autofree gchar *own_path = NULL;
  g_autofree gchar *all = NULL;
  g_autofree gchar *after = NULL;
  struct utimbuf times = { 20, 20 };
  MediaEdgeJournal *own, *journal;
  const guint one[] = { 1, 0 };
  int fd;

  fail_unless (g_file_set_contents (headless, "garbage\n", -1, NULL));
  fail_unless (g_utime (headless, &times) == 0);
  fd = g_open (held, O_RDONLY | O_CLOEXEC, 0);
  fail_unless (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0);
  own = create_journal (spool, FALSE, 5);
  own_path = g_strdup (media_edge_journal_get_path (own));
  append_request (own, 1);

  all = list_orphans (spool);
  fail_unless_equals_string (all, "journal-2-bbbbbbbb.jsonl "
      "journal-0-dddddddd.jsonl journal-1-aaaaaaaa.jsonl "
      "journal-3-cccccccc.jsonl journal-4-eeeeeeee.jsonl");

  fail_unless (media_edge_spool_claim (spool, own_path) == NULL);
  fail_unless (media_edge_spool_claim (spool, held) == NULL);
  fail_unless (media_edge_spool_claim (spool, gone) == NULL);
  fail_unless (media_edge_spool_claim (spool, headless) == NULL);
  fail_if (g_file_test (headless, G_FILE_TEST_EXISTS));
  fail_unless (g_file_test (own_path, G_FILE_TEST_EXISTS));
  fail_unless (g_file_test (held, G_FILE_TEST_EXISTS));

  journal = media_edge_spool_claim (spool, early);
  fail_unless (journal != NULL);
  contents = read_journal (journal);
  fail_unless_equals_string (contents->path, early);
  fail_unless_equals_int64 (contents->created, 10);
  assert_requests (contents->pending, one);
  /* now this process's */
  fail_unless (media_edge_spool_claim (spool, early) == NULL);
  fail_unless (g_file_test (early, G_FILE_TEST_EXISTS));
  after = list_orphans (spool);
  fail_unless_equals_string (after, "journal-1-aaaaaaaa.jsonl "
      "journal-3-cccccccc.jsonl journal-4-eeeeeeee.jsonl");

  media_edge_journal_close (journal);
  media_edge_journal_close (own);
  g_close (fd, NULL);
  fail_unless (g_file_test (late, G_FILE_TEST_EXISTS));
  fail_unless (g_file_test (tied, G_FILE_TEST_EXISTS));
  remove_tree (tmp);
}

GST_END_TEST;

/* Past max_age, journals go by age; the one without a header by its
 * file's time. */
GST_START_TEST (test_bounds_age)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 20);
  g_autoptr (MediaEdgeSpool) unbounded = open_spool (tmp, 0, 0);
  g_autofree gchar *headless = g_build_filename (tmp,
      "journal-99-00000000.jsonl", NULL);
  struct utimbuf times = { 12, 12 };
  gchar *paths[3];
  guint64 sizes[3];

  leave_three (tmp, paths, sizes);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (unbounded, 1000), 0);
  assert_exist (paths, TRUE, TRUE, TRUE);
  /* 25, 15 and 5 s old */
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, 35), 1);
  assert_exist (paths, FALSE, TRUE, TRUE);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, 35), 0);

  fail_unless (g_file_set_contents (headless, "garbage\n", -1, NULL));
  fail_unless (g_utime (headless, &times) == 0);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, 35), 1);
  fail_if (g_file_test (headless, G_FILE_TEST_EXISTS));
  assert_exist (paths, FALSE, TRUE, TRUE);

  free_three (paths);
  remove_tree (tmp);
}

GST_END_TEST;

/* Past max_bytes, the oldest go until the rest fit. */
GST_START_TEST (test_bounds_bytes)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) exactly = NULL;
  g_autoptr (MediaEdgeSpool) smaller = NULL;
  gchar *paths[3];
  guint64 sizes[3];

  leave_three (tmp, paths, sizes);
  exactly = open_spool (tmp, sizes[1] + sizes[2], 0);
  smaller = open_spool (tmp, sizes[2] + 1, 0);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (exactly, 40), 1);
  assert_exist (paths, FALSE, TRUE, TRUE);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (exactly, 40), 0);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (smaller, 40), 1);
  assert_exist (paths, FALSE, FALSE, TRUE);

  free_three (paths);
  remove_tree (tmp);
  /* two at once */
  g_free (tmp);
  tmp = make_tmp ();
  leave_three (tmp, paths, sizes);
  g_clear_pointer (&smaller, media_edge_spool_free);
  smaller = open_spool (tmp, sizes[2] + 1, 0);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (smaller, 40), 2);
  assert_exist (paths, FALSE, FALSE, TRUE);

  free_three (paths);
  remove_tree (tmp);
}

GST_END_TEST;

/* Journals in use go past any bound: this process's own, and those
 * another holds (here another open file, locked as another process's
 * would be). They count in the total all the same. */
GST_START_TEST (test_bounds_spare_used)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 1, 5);
  g_autofree gchar *own_path = NULL;
  g_autofree gchar *listing = NULL;
  g_autofree gchar *expected = NULL;
  g_autofree gchar *held_name = NULL;
  g_autofree gchar *own_name = NULL;
  MediaEdgeJournal *own;
  gchar *paths[3];
  guint64 sizes[3];
  int fd;

  leave_three (tmp, paths, sizes);
  fd = g_open (paths[0], O_RDONLY | O_CLOEXEC, 0);
  fail_unless (fd >= 0 && flock (fd, LOCK_EX | LOCK_NB) == 0);

  /* the journal's creation leaves the bounds to the caller */
  own = create_journal (spool, FALSE, 100);
  assert_exist (paths, TRUE, TRUE, TRUE);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, 100), 2);
  own_path = journal_path (own);
  assert_exist (paths, TRUE, FALSE, FALSE);
  held_name = g_path_get_basename (paths[0]);
  own_name = g_path_get_basename (own_path);
  listing = list_dir (tmp);
  expected = g_strdup_printf ("%s %s", held_name, own_name);
  fail_unless_equals_string (listing, expected);

  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, 1000), 0);
  g_close (fd, NULL);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, 1000), 1);
  assert_exist (paths, FALSE, FALSE, FALSE);
  fail_unless (g_file_test (own_path, G_FILE_TEST_EXISTS));
  append_request (own, 1);
  media_edge_journal_close (own);
  fail_unless (g_file_test (own_path, G_FILE_TEST_EXISTS));
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, 1000), 1);
  fail_if (g_file_test (own_path, G_FILE_TEST_EXISTS));

  free_three (paths);
  remove_tree (tmp);
}

GST_END_TEST;

/* A spool folder that cannot be made: no journal, an error that says
 * why, and nothing else fails. No folder at all is refused. */
GST_START_TEST (test_unusable_folder)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *file = g_build_filename (tmp, "file", NULL);
  g_autofree gchar *dir = g_build_filename (file, "spool", NULL);
  g_autoptr (MediaEdgeSpool) spool = NULL;
  g_autoptr (GPtrArray) claimed = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) none_error = NULL;
  g_autoptr (GError) empty_error = NULL;

  fail_unless (media_edge_spool_open (NULL, 0, 0, &none_error) == NULL);
  fail_unless (g_error_matches (none_error, G_FILE_ERROR, G_FILE_ERROR_INVAL));
  fail_unless (media_edge_spool_open ("", 0, 0, &empty_error) == NULL);
  fail_unless (g_error_matches (empty_error, G_FILE_ERROR, G_FILE_ERROR_INVAL));

  fail_unless (g_file_set_contents (file, "a file", -1, NULL));
  spool = open_spool (dir, 1, 1);
  fail_unless (media_edge_spool_create_journal (spool, FALSE, NOW,
          &error) == NULL);
  fail_unless (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR),
      "%s", error ? error->message : "no error");
  fail_unless (strstr (error->message, dir) != NULL, "%s", error->message);
  claimed = media_edge_spool_claim_orphans (spool);
  fail_unless_equals_int (claimed->len, 0);
  fail_unless_equals_int (media_edge_spool_enforce_bounds (spool, NOW), 0);
  remove_tree (tmp);
}

GST_END_TEST;

/* Limits files to @bytes, as on a disk full past that, until
 * unlimit_files(). Nothing may assert in between: check writes what
 * passed to a file of its own. */
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

/* A disk that fills: an append fails and leaves no partial line, so the
 * journal goes on once there is room again; a journal whose header does
 * not fit is not made, and leaves no file. */
GST_START_TEST (test_disk_full)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeRequest) request = make_request (2);
  g_autoptr (GError) partial_error = NULL;
  g_autoptr (GError) no_room_error = NULL;
  g_autoptr (GError) answered_error = NULL;
  g_autoptr (GError) create_error = NULL;
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *listing = NULL;
  g_autofree gchar *name = NULL;
  MediaEdgeJournal *journal, *no_journal;
  FileLimit limit;
  gboolean partial_ok, no_room_ok, answered_ok;
  guint64 size;
  const guint all[] = { 1, 2, 0 };

  journal = create_journal (spool, FALSE, NOW);
  path = journal_path (journal);
  append_request (journal, 1);
  size = file_size (path);

  limit_files (&limit, size + 5);
  partial_ok = media_edge_journal_append_request (journal, 2, request,
      &partial_error);
  answered_ok = media_edge_journal_append_answered (journal, 1,
      &answered_error);
  unlimit_files (&limit);
  limit_files (&limit, size);
  no_room_ok = media_edge_journal_append_request (journal, 2, request,
      &no_room_error);
  unlimit_files (&limit);
  limit_files (&limit, 10);
  no_journal = media_edge_spool_create_journal (spool, FALSE, NOW,
      &create_error);
  unlimit_files (&limit);

  fail_if (partial_ok);
  fail_unless (g_error_matches (partial_error, G_FILE_ERROR,
          G_FILE_ERROR_NOSPC), "%s", partial_error->message);
  fail_if (answered_ok);
  fail_unless (answered_error != NULL);
  fail_if (no_room_ok);
  fail_unless (no_room_error != NULL);
  fail_unless (strstr (no_room_error->message, path) != NULL, "%s",
      no_room_error->message);
  fail_unless_equals_int64 (file_size (path), size);
  fail_unless (no_journal == NULL);
  fail_unless (create_error != NULL);
  name = g_path_get_basename (path);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, name);

  /* room again */
  append_request (journal, 2);
  contents = read_journal (journal);
  assert_requests (contents->pending, all);
  assert_requests (contents->all, all);
  fail_unless (media_edge_journal_sync (journal, NULL));
  media_edge_journal_close (journal);
  remove_tree (tmp);
}

GST_END_TEST;

/* Fills what is left of the file system of @path */
static void
fill_disk (const gchar * path)
{
  gchar block[4096] = { 0 };
  int fd = g_open (path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

  fail_unless (fd >= 0);
  while (write (fd, block, sizeof (block)) > 0);
  fail_unless_equals_int (errno, ENOSPC);
  g_close (fd, NULL);
}

/* On a full disk, appends fail with ENOSPC and leave whole lines only,
 * and no journal can be made; with room again, appends go on. */
static void
use_full_disk (const gchar * dir)
{
  g_autoptr (MediaEdgeSpool) spool = open_spool (dir, 0, 0);
  g_autoptr (MediaEdgeRequest) request = make_request (2);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) create_error = NULL;
  g_autofree gchar *filler = g_build_filename (dir, "filler", NULL);
  g_autofree gchar *path = NULL;
  g_autofree gchar *text = NULL;
  MediaEdgeJournal *journal = create_journal (spool, FALSE, NOW);
  guint appended = 0;

  path = journal_path (journal);
  fill_disk (filler);
  /* what is left of the journal's own page fills first */
  while (appended < 1000 && media_edge_journal_append_request (journal,
          appended + 1, request, &error))
    appended++;
  fail_unless (appended < 1000);
  fail_unless (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC),
      "%s", error->message);
  fail_unless (g_file_get_contents (path, &text, NULL, NULL));
  fail_unless (g_str_has_suffix (text, "\n"));
  contents = read_journal (journal);
  fail_unless_equals_int (contents->all->len, appended);
  fail_unless (media_edge_spool_create_journal (spool, FALSE, NOW,
          &create_error) == NULL);
  fail_unless (g_error_matches (create_error, G_FILE_ERROR,
          G_FILE_ERROR_NOSPC), "%s", create_error->message);

  fail_unless (g_unlink (filler) == 0);
  append_request (journal, appended + 1);
  fail_unless (media_edge_journal_sync (journal, NULL));
  media_edge_journal_close (journal);
}

typedef struct
{
  const gchar *dir;
  int out;
} FullDisk;

/* Mounts a small tmpfs on the folder, in a mount namespace of its own so
 * that the mount goes with the child whatever happens, and fills it; says
 * 'r' if it ran, 's' if no tmpfs could be mounted */
static gboolean
run_on_full_tmpfs (gpointer data)
{
  const FullDisk *disk = data;

  if (unshare (CLONE_NEWNS) < 0 ||
      mount (NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
      mount ("tmpfs", disk->dir, "tmpfs", 0, "size=16k,mode=0700") < 0)
    return write (disk->out, "s", 1) == 1;
  use_full_disk (disk->dir);

  return write (disk->out, "r", 1) == 1;
}

/* The same with a file system that is really full: a tmpfs, where we may
 * mount one (root, allowed a mount namespace); skipped otherwise. */
GST_START_TEST (test_full_tmpfs)
{
  g_autofree gchar *tmp = make_tmp ();
  FullDisk disk = { tmp, -1 };
  gchar said = 0;
  int out[2], barrier[2];
  GPid pid;

  if (geteuid () != 0) {
    g_print ("test_full_tmpfs skipped: not root\n");
    remove_tree (tmp);
    return;
  }
  fail_unless (pipe (out) == 0 && pipe (barrier) == 0);
  disk.out = out[1];
  pid = fork_child (barrier, run_on_full_tmpfs, &disk);
  close (barrier[0]);
  close (barrier[1]);
  close (out[1]);
  wait_child (pid);
  fail_unless_equals_int (read (out[0], &said, 1), 1);
  close (out[0]);
  fail_unless (said == 'r' || said == 's', "%c", said);
  if (said == 's')
    g_print ("test_full_tmpfs skipped: no tmpfs could be mounted\n");
  remove_tree (tmp);
}

GST_END_TEST;

typedef struct
{
  const gchar *dir;
  int out;
  int release[2];
} Claimer;

/* Claims orphans, says which in one line, and holds them until released */
static gboolean
claim_and_report (gpointer data)
{
  Claimer *claimer = data;
  g_autoptr (MediaEdgeSpool) spool = open_spool (claimer->dir, 0, 0);
  g_autoptr (GPtrArray) claimed = media_edge_spool_claim_orphans (spool);
  GString *line = g_string_new (NULL);
  gboolean ok;

  close (claimer->release[1]);
  for (guint i = 0; i < claimed->len; i++) {
    g_autofree gchar *path = journal_path (g_ptr_array_index (claimed, i));
    g_autofree gchar *name = g_path_get_basename (path);

    g_string_append_printf (line, "%s ", name);
  }
  g_string_append_c (line, '\n');
  ok = write (claimer->out, line->str, line->len) == (gssize) line->len;
  g_string_free (line, TRUE);
  wait_for_eof (claimer->release[0]);

  return ok;
}

/* Two processes claiming at once: each journal goes to exactly one. */
GST_START_TEST (test_claim_race)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *reports = NULL;
  g_autofree gchar *expected = NULL;
  g_autofree gchar *got = NULL;
  g_autofree gchar *listing = NULL;
  g_auto (GStrv) names = NULL;
  g_autoptr (GPtrArray) sorted = g_ptr_array_new ();
  int out[2], barrier[2];
  Claimer claimer = { tmp, -1, {-1, -1} };
  GPid pids[2];

  for (guint i = 0; i < 8; i++)
    g_free (leave_journal (tmp, NOW + i, 1));
  expected = list_dir (tmp);

  fail_unless (pipe (out) == 0 && pipe (barrier) == 0);
  fail_unless (pipe (claimer.release) == 0);
  claimer.out = out[1];
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    pids[i] = fork_child (barrier, claim_and_report, &claimer);
  close (barrier[0]);
  close (barrier[1]);
  close (out[1]);
  reports = read_reports (out[0], G_N_ELEMENTS (pids));
  close (claimer.release[1]);
  for (guint i = 0; i < G_N_ELEMENTS (pids); i++)
    wait_child (pids[i]);
  close (out[0]);
  close (claimer.release[0]);

  names = g_strsplit_set (reports, " \n", -1);
  for (guint i = 0; names[i] != NULL; i++)
    if (names[i][0] != '\0')
      g_ptr_array_add (sorted, names[i]);
  g_ptr_array_sort (sorted, compare_names);
  g_ptr_array_add (sorted, NULL);
  got = g_strjoinv (" ", (gchar **) sorted->pdata);
  fail_unless_equals_string (got, expected);
  /* held, not done: still there */
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, expected);
  remove_tree (tmp);
}

GST_END_TEST;

#define SMALL_THRESHOLD 4096

static guint64
file_inode (const gchar * path)
{
  struct stat st;

  fail_unless (g_stat (path, &st) == 0, "no %s", path);

  return st.st_ino;
}

/* Whether the write end of @fd was closed by every process */
static gboolean
closed (int fd)
{
  struct pollfd poller = { fd, POLLIN, 0 };

  return poll (&poller, 1, 0) == 1;
}

typedef struct
{
  const gchar *dir;
  const gchar *path;
  int out;
  int release[2];               /* closed by the parent: a last try, and go */
} Prober;

/* Tries to claim the journal until released, once more after that, and
 * says in one line how many tries, how many claimed it, and how many
 * found no file at its name */
static gboolean
probe_journal (gpointer data)
{
  Prober *prober = data;
  g_autoptr (MediaEdgeSpool) spool = open_spool (prober->dir, 0, 0);
  g_autofree gchar *line = NULL;
  guint tries = 0, claims = 0, missing = 0;
  gboolean last;

  close (prober->release[1]);
  do {
    MediaEdgeJournal *journal;

    last = closed (prober->release[0]);
    journal = media_edge_spool_claim (spool, prober->path);
    tries++;
    if (journal != NULL) {
      claims++;
      media_edge_journal_close (journal);
    }
    missing += !g_file_test (prober->path, G_FILE_TEST_EXISTS);
  } while (!last);
  line = g_strdup_printf ("%u %u %u\n", tries, claims, missing);

  return write (prober->out, line, strlen (line)) == (gssize) strlen (line);
}

/* A live session of 200 events, all answered but three: its journal
 * stays short, and reads back the three, as they went, with the session
 * id. Another process trying to claim it the while, and once it was
 * compacted, never finds it free, nor finds no file at its name; nothing
 * is left of the compactions but the journal; a claim after its close
 * finds the same three, and goes on with them. */
GST_START_TEST (test_compaction)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) writer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeSpool) replayer = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (MediaEdgeJournalContents) claimed = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *name = NULL;
  g_autofree gchar *listing = NULL;
  g_autofree gchar *report = NULL;
  MediaEdgeJournal *journal = create_journal (writer, FALSE, NOW);
  Prober prober = { tmp, NULL, -1, {-1, -1}
  };
  guint tries = 0, claims = 0, missing = 0;
  guint64 inode;
  int out[2], barrier[2];
  GPid pid;
  const guint kept[] = { 7, 50, 199, 0 };
  const guint64 kept_seqs[] = { 7, 50, 199, 0 };

  path = g_strdup (media_edge_journal_get_path (journal));
  inode = file_inode (path);
  media_edge_journal_set_compact_threshold (journal, SMALL_THRESHOLD);
  fail_unless (media_edge_journal_append_session_id (journal, SESSION_ID,
          NULL));
  fail_unless (media_edge_journal_append_hint (journal, "or2", NULL));

  prober.path = path;
  fail_unless (pipe (out) == 0 && pipe (barrier) == 0);
  fail_unless (pipe (prober.release) == 0);
  prober.out = out[1];
  pid = fork_child (barrier, probe_journal, &prober);
  close (barrier[0]);
  close (barrier[1]);
  close (out[1]);
  for (guint n = 1; n <= 200; n++) {
    append_request (journal, n);
    if (n != 7 && n != 50 && n != 199)
      append_answered (journal, n);
  }
  close (prober.release[1]);
  report = read_reports (out[0], 1);
  wait_child (pid);
  close (out[0]);
  close (prober.release[0]);
  fail_unless_equals_int (sscanf (report, "%u %u %u", &tries, &claims,
          &missing), 3);
  fail_unless (tries > 0);
  fail_unless_equals_int (claims, 0);
  fail_unless_equals_int (missing, 0);

  /* uncompacted, 200 requests of some 300 bytes each */
  fail_unless (file_size (path) <= SMALL_THRESHOLD, "%" G_GUINT64_FORMAT,
      file_size (path));
  fail_unless (file_inode (path) != inode);
  fail_unless_equals_int (file_mode (path), 0600);
  contents = read_journal (journal);
  assert_requests (contents->pending, kept);
  /* the answered since the last compaction aside, none but those */
  fail_unless (contents->all->len < 20, "%u", contents->all->len);
  assert_seqs (contents->pending_seqs, kept_seqs);
  /* the cluster the session started in survives the compaction */
  fail_unless_equals_string (contents->location_hint, "or2");
  fail_unless_equals_string (contents->session_id, SESSION_ID);
  fail_unless_equals_int64 (contents->created, NOW);
  fail_if (contents->offline);
  fail_if (contents->ended);
  name = g_path_get_basename (path);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, name);
  media_edge_journal_close (journal);

  journal = claim_only (replayer);
  claimed = read_journal (journal);
  fail_unless_equals_string (claimed->path, path);
  assert_requests (claimed->pending, kept);
  assert_seqs (claimed->pending_seqs, kept_seqs);
  fail_unless_equals_string (claimed->location_hint, "or2");
  fail_unless_equals_string (claimed->session_id, SESSION_ID);
  /* past every seq kept, whether 200 was trimmed yet or not */
  fail_unless (claimed->next_seq >= 200);
  for (guint i = 0; kept_seqs[i] != 0; i++)
    append_answered (journal, kept_seqs[i]);
  append_end (journal);
  fail_unless (media_edge_journal_is_done (journal));
  media_edge_journal_close (journal);
  g_free (listing);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, "");
  remove_tree (tmp);
}

GST_END_TEST;

/* Appends @n events, @first to @first + @n - 1, each answered */
static void
append_answered_events (MediaEdgeJournal * journal, guint first, guint n)
{
  for (guint i = first; i < first + n; i++) {
    append_request (journal, i);
    append_answered (journal, i);
  }
}

/* A session that went offline goes whole as /downloaded: its journal is
 * never trimmed, however long. */
GST_START_TEST (test_no_compaction_offline)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  MediaEdgeJournal *journal = create_journal (spool, FALSE, NOW);
  const gchar *path = media_edge_journal_get_path (journal);
  guint64 inode = file_inode (path);

  media_edge_journal_set_compact_threshold (journal, SMALL_THRESHOLD / 2);
  fail_unless (media_edge_journal_append_offline (journal, NULL));
  append_answered_events (journal, 1, 30);
  fail_unless (file_size (path) > 3 * SMALL_THRESHOLD / 2);
  fail_unless (file_inode (path) == inode);
  contents = read_journal (journal);
  fail_unless_equals_int (contents->all->len, 30);
  media_edge_journal_close (journal);
  remove_tree (tmp);
}

GST_END_TEST;

/* A compaction that cannot be made (its file's name taken, here by a
 * folder) is no error: every append goes on, nothing is lost, and once
 * it can be made it is. A compaction's file a process left as it died is
 * removed by whoever claims the journal. */
GST_START_TEST (test_compaction_fails)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autoptr (MediaEdgeJournalContents) claimed = NULL;
  g_autofree gchar *path = NULL;
  g_autofree gchar *temp = NULL;
  g_autofree gchar *name = NULL;
  g_autofree gchar *listing = NULL;
  MediaEdgeJournal *journal = create_journal (spool, FALSE, NOW);
  guint64 inode, longest;
  guint n = 20;
  const guint three[] = { 3, 0 };

  path = g_strdup (media_edge_journal_get_path (journal));
  temp = g_strconcat (path, ".tmp", NULL);
  inode = file_inode (path);
  media_edge_journal_set_compact_threshold (journal, SMALL_THRESHOLD);
  fail_unless (g_mkdir (temp, 0700) == 0);
  append_request (journal, 3);
  append_answered_events (journal, 4, n);
  longest = file_size (path);
  fail_unless (longest > SMALL_THRESHOLD);
  fail_unless (file_inode (path) == inode);
  contents = read_journal (journal);
  assert_requests (contents->pending, three);
  fail_unless_equals_int (contents->all->len, n + 1);

  /* it tries again once the journal doubled */
  fail_unless (g_rmdir (temp) == 0);
  while (file_size (path) >= longest && n < 200)
    append_answered_events (journal, 4 + n++, 1);
  fail_unless (file_size (path) < longest);
  fail_unless (file_inode (path) != inode);
  name = g_path_get_basename (path);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, name);
  media_edge_journal_close (journal);

  fail_unless (g_file_set_contents (temp, "half written\n", -1, NULL));
  journal = claim_only (spool);
  fail_if (g_file_test (temp, G_FILE_TEST_EXISTS));
  claimed = read_journal (journal);
  assert_requests (claimed->pending, three);
  media_edge_journal_close (journal);
  remove_tree (tmp);
}

GST_END_TEST;

/* Passes each line our category logs on, as "LEVEL message" and a
 * newline, to the descriptor @user_data points to */
static void
pass_spool_log (GstDebugCategory * category, GstDebugLevel level,
    const gchar * file, const gchar * function, gint line, GObject * object,
    GstDebugMessage * message, gpointer user_data)
{
  g_autofree gchar *text = NULL;
  gssize length;

  if (!g_str_equal (gst_debug_category_get_name (category), "mediaedgespool"))
    return;
  text = g_strdup_printf ("%d %s\n", level, gst_debug_message_get (message));
  length = strlen (text);
  if (write (*(const int *) user_data, text, length) != length)
    g_printerr ("could not pass a log line on\n");
}

/* A session written, left, claimed and finished, a request that does
 * not read back among its lines */
static void
write_and_replay (const gchar * dir)
{
  g_autoptr (MediaEdgeSpool) writer = open_spool (dir, 0, 0);
  g_autoptr (MediaEdgeSpool) replayer = open_spool (dir, 0, 0);
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  g_autofree gchar *path = NULL;
  MediaEdgeJournal *journal = create_journal (writer, FALSE, NOW);

  path = journal_path (journal);
  append_request (journal, 1);
  append_request (journal, 2);
  append_to_file (path, "{\"request\":3,\"body\":{\"version\":1,"
      "\"name\":\"ds-secret-42\"}}\n");
  fail_unless (media_edge_journal_append_session_id (journal, SESSION_ID,
          NULL));
  append_answered (journal, 1);
  media_edge_journal_close (journal);

  journal = claim_only (replayer);
  contents = read_journal (journal);
  append_answered (journal, 2);
  append_end (journal);
  media_edge_journal_close (journal);
}

/* The bodies carry the datastream id, and the session id is the
 * device's: neither is logged above TRACE. Paths and counts are, at
 * DEBUG. */
typedef struct
{
  const gchar *dir;
  int out;
} Logger;

/* Logs everything, and passes it on to the parent: GStreamer keeps the
 * log functions it was given, which only this child's exit lets go */
static gboolean
log_write_and_replay (gpointer data)
{
  Logger *logger = data;

  gst_debug_set_active (TRUE);
  gst_debug_set_threshold_for_name ("mediaedgespool", GST_LEVEL_TRACE);
  gst_debug_remove_log_function (gst_debug_log_default);
  gst_debug_add_log_function (pass_spool_log, &logger->out, NULL);
  write_and_replay (logger->dir);

  return TRUE;
}

static gchar *
read_to_end (int fd)
{
  GString *text = g_string_new (NULL);
  gchar buffer[4096];
  gssize got;

  while ((got = read (fd, buffer, sizeof (buffer))) != 0) {
    fail_unless (got > 0 || errno == EINTR);
    if (got > 0)
      g_string_append_len (text, buffer, got);
  }

  return g_string_free (text, FALSE);
}

/* The bodies carry the datastream id, and the session id is the
 * device's: neither is logged above TRACE. Paths and counts are, at
 * DEBUG. */
GST_START_TEST (test_privacy)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *log = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean path_logged = FALSE, id_traced = FALSE;
  Logger logger = { tmp, -1 };
  int out[2], barrier[2];
  GPid pid;

  fail_unless (pipe (out) == 0 && pipe (barrier) == 0);
  logger.out = out[1];
  pid = fork_child (barrier, log_write_and_replay, &logger);
  close (barrier[0]);
  close (barrier[1]);
  close (out[1]);
  log = read_to_end (out[0]);
  close (out[0]);
  wait_child (pid);

  lines = g_strsplit (log, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    gboolean at_trace = atoi (lines[i]) == GST_LEVEL_TRACE;

    fail_if (!at_trace && strstr (lines[i], "secret") != NULL, "%s", lines[i]);
    path_logged |= atoi (lines[i]) == GST_LEVEL_DEBUG &&
        strstr (lines[i], tmp) != NULL;
    id_traced |= at_trace && strstr (lines[i], SESSION_ID) != NULL;
  }
  fail_unless (path_logged, "%s", log);
  fail_unless (id_traced, "%s", log);
  remove_tree (tmp);
}

GST_END_TEST;

typedef struct
{
  MediaEdgeSpool *spool;
  gint *failures;
  gint *stop;
} Worker;

/* Sessions, one after the other, each done and so removed; a failure
 * counted for each append that fails, and each journal that went from
 * under us */
static gpointer
run_sessions (gpointer data)
{
  const Worker *worker = data;
  g_autoptr (MediaEdgeRequest) request = make_request (1);

  for (guint i = 0; i < 100; i++) {
    MediaEdgeJournal *journal = media_edge_spool_create_journal
        (worker->spool, FALSE, NOW, NULL);
    g_autoptr (MediaEdgeJournalContents) contents = NULL;

    if (journal == NULL) {
      g_atomic_int_inc (worker->failures);
      continue;
    }
    contents = media_edge_journal_read (journal, NULL);
    if (!media_edge_journal_append_request (journal, 1, request, NULL) ||
        !media_edge_journal_append_answered (journal, 1, NULL) ||
        !media_edge_journal_append_end (journal, NULL) ||
        !g_file_test (contents->path, G_FILE_TEST_EXISTS))
      g_atomic_int_inc (worker->failures);
    media_edge_journal_close (journal);
  }

  return NULL;
}

/* Claims and removes whatever it may, until told to stop: nothing, since
 * every journal is in use; a failure counted for each it got */
static gpointer
sweep (gpointer data)
{
  const Worker *worker = data;

  while (!g_atomic_int_get (worker->stop)) {
    g_autoptr (GPtrArray) claimed =
        media_edge_spool_claim_orphans (worker->spool);

    for (guint i = 0; i < claimed->len; i++) {
      g_atomic_int_inc (worker->failures);
      media_edge_journal_close (g_ptr_array_index (claimed, i));
    }
    if (media_edge_spool_enforce_bounds (worker->spool, NOW + 1000) > 0)
      g_atomic_int_inc (worker->failures);
  }

  return NULL;
}

/* Threads writing sessions on one spool while others claim and bound,
 * on that spool and on another of the same folder, with bounds nothing
 * fits: no journal in use is claimed or removed, and none is left. */
GST_START_TEST (test_threads)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 1, 1);
  g_autoptr (MediaEdgeSpool) other = open_spool (tmp, 1, 1);
  g_autofree gchar *listing = NULL;
  gint failures = 0, stop = 0;
  Worker writer = { spool, &failures, &stop };
  Worker sweepers[] = { {spool, &failures, &stop}, {other, &failures, &stop}
  };
  GThread *writers[3], *sweeping[G_N_ELEMENTS (sweepers)];

  for (guint i = 0; i < G_N_ELEMENTS (sweeping); i++)
    sweeping[i] = g_thread_new ("sweep", sweep, &sweepers[i]);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    writers[i] = g_thread_new ("sessions", run_sessions, &writer);
  for (guint i = 0; i < G_N_ELEMENTS (writers); i++)
    g_thread_join (writers[i]);
  g_atomic_int_set (&stop, 1);
  for (guint i = 0; i < G_N_ELEMENTS (sweeping); i++)
    g_thread_join (sweeping[i]);

  fail_unless_equals_int (failures, 0);
  listing = list_dir (tmp);
  fail_unless_equals_string (listing, "");
  remove_tree (tmp);
}

GST_END_TEST;

/* A journal whose name went (its folder removed while playing) says so
 * at its next sync: what it would keep, no replay would find. */
GST_START_TEST (test_removed_journal_noticed)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 0);
  g_autoptr (GError) error = NULL;
  MediaEdgeJournal *journal = create_journal (spool, FALSE, NOW);

  append_request (journal, 1);
  fail_unless (media_edge_journal_sync (journal, NULL));
  remove_tree (tmp);
  append_request (journal, 2);
  fail_if (media_edge_journal_sync (journal, &error));
  fail_unless (g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT),
      "%s", error ? error->message : "");
  media_edge_journal_discard (journal);
}

GST_END_TEST;

/* What is no journal of ours, under a journal's name: a link to
 * /dev/zero (read whole, it would fill the memory), a FIFO (opened, it
 * would block the sender for ever), a sparse file larger than any
 * journal. None is listed or read; the too large one is removed. A
 * request numbered G_MAXINT64, whose next number would overflow, is no
 * request. */
GST_START_TEST (test_hostile_files)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *zero = g_build_filename (tmp, "journal-1-zero.jsonl",
      NULL);
  g_autofree gchar *fifo = g_build_filename (tmp, "journal-2-fifo.jsonl",
      NULL);
  g_autofree gchar *sparse = g_build_filename (tmp, "journal-3-big.jsonl",
      NULL);
  g_autofree gchar *good = leave_journal (tmp, NOW, 2);
  g_autoptr (MediaEdgeSpool) spool = open_spool (tmp, 0, 0);
  g_autoptr (GPtrArray) listed = NULL;
  g_autoptr (MediaEdgeJournalContents) contents = NULL;
  MediaEdgeJournal *journal;
  int fd;

  fail_unless (symlink ("/dev/zero", zero) == 0);
  fail_unless (mkfifo (fifo, 0600) == 0);
  fd = g_open (sparse, O_WRONLY | O_CREAT, 0600);
  fail_unless (fd >= 0);
  fail_unless (ftruncate (fd, (off_t) 300 << 20) == 0);
  g_close (fd, NULL);

  /* a stranger counts in no bound: the real journal, older than the
   * file's time says of it, stays */
  {
    g_autoptr (MediaEdgeSpool) bounded = open_spool (tmp, 64 * 1024, 0);

    fail_unless_equals_int (media_edge_spool_enforce_bounds (bounded,
            NOW + 10), 0);
    fail_unless (g_file_test (good, G_FILE_TEST_EXISTS));
  }
  listed = media_edge_spool_list_orphans (spool);
  fail_unless_equals_int (listed->len, 2);
  fail_unless (media_edge_spool_claim (spool, zero) == NULL);
  fail_unless (media_edge_spool_claim (spool, fifo) == NULL);
  fail_unless (g_file_test (zero, G_FILE_TEST_IS_SYMLINK));
  fail_unless (media_edge_spool_claim (spool, sparse) == NULL);
  fail_if (g_file_test (sparse, G_FILE_TEST_EXISTS));

  /* the good one, with a request whose number cannot be followed */
  journal = media_edge_spool_claim (spool, good);
  fail_unless (journal != NULL);
  append_request_as (journal, G_MAXINT64, 3);
  contents = read_journal (journal);
  fail_unless_equals_int (contents->pending->len, 2);
  fail_unless_equals_uint64 (contents->next_seq, 3);
  media_edge_journal_close (journal);
  g_unlink (zero);
  g_unlink (fifo);
  remove_tree (tmp);
}

GST_END_TEST;

static Suite *
spool_suite (void)
{
  Suite *s = suite_create ("mediaedge-spool");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_orphan);
  tcase_add_test (tc, test_went_offline);
  tcase_add_test (tc, test_hostile_files);
  tcase_add_test (tc, test_removed_journal_noticed);
  tcase_add_test (tc, test_downloaded);
  tcase_add_test (tc, test_seqs);
  tcase_add_test (tc, test_discard);
  tcase_add_test (tc, test_orphan_of_dead_process);
  tcase_add_test (tc, test_claim_removes_finished);
  tcase_add_test (tc, test_power_cut);
  tcase_add_test (tc, test_list_and_claim);
  tcase_add_test (tc, test_bounds_age);
  tcase_add_test (tc, test_bounds_bytes);
  tcase_add_test (tc, test_bounds_spare_used);
  tcase_add_test (tc, test_unusable_folder);
  tcase_add_test (tc, test_disk_full);
  tcase_add_test (tc, test_full_tmpfs);
  tcase_add_test (tc, test_claim_race);
  tcase_add_test (tc, test_compaction);
  tcase_add_test (tc, test_no_compaction_offline);
  tcase_add_test (tc, test_compaction_fails);
  tcase_add_test (tc, test_privacy);
  tcase_add_test (tc, test_threads);

  return s;
}

GST_CHECK_MAIN (spool);
