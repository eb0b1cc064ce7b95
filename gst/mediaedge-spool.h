/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_SPOOL_H__
#define __MEDIA_EDGE_SPOOL_H__

#include <glib.h>
#include "mediaedge-request.h"

G_BEGIN_DECLS

/* The on-disk journal of what a session has not yet had answered, so that
 * nothing played is lost to a crash, a power cut or a long time offline.
 *
 * A spool is a folder (`<state-dir>/spool/`) of journals, one per tracking
 * session, each a file of JSON lines appended to, never rewritten in
 * place: the session's requests as they are queued (serialized with
 * media_edge_request_serialize()), its session id once known, each
 * request's answer (delivered or given up), and its end. A session that
 * is offline (from the start, or since) sends nothing live: its journal
 * goes whole as /downloaded, in parts, each counted when delivered. A
 * journal whose every request was answered and that ended, or that went
 * whole as /downloaded, is removed. A live journal that grew long is
 * compacted: a new file, without the requests answered and their
 * answers, replaces it whole (renamed over it). A journal is held
 * (flock) by the process writing it or replaying it: two processes never
 * touch one journal at once, and a replayer skips journals in use.
 *
 * Bounds: past @max_bytes for the whole spool, or for journals older than
 * @max_age seconds, the oldest whole journals not in use are removed and
 * counted, when the caller calls media_edge_spool_enforce_bounds() (before
 * it makes a journal, say: making one does not). Times are wall-clock
 * seconds (UNIX time), given by the caller.
 *
 * Every function is safe from any thread; one journal is used (written,
 * read, closed) by one thread at a time, the sender's: an append may
 * compact it, and so change the file it reads. Nothing here blocks on
 * another process for long: a lock that cannot be taken at once means
 * "in use". */

typedef struct _MediaEdgeSpool MediaEdgeSpool;
typedef struct _MediaEdgeJournal MediaEdgeJournal;

/* What a journal left by an earlier process holds, for its replay */
typedef struct
{
  gchar *path;
  /* the session never started live, or went offline since: its requests
   * go whole, as /downloaded */
  gboolean offline;
  gchar *session_id;            /* NULL if no sessionStart was answered */
  gchar *location_hint;         /* the cluster it started in, or NULL */
  gboolean ended;               /* the session's last request was queued */
  /* the requests never answered, in order (MediaEdgeRequest) */
  GPtrArray *pending;
  /* the seq of each of pending (guint64): a replayer resends them under
   * these, and appends their answers with them */
  GArray *pending_seqs;
  /* the seq a replayer's first new request takes: 1 + the largest of any
   * request in the journal, 0 if there is none (a compaction may have
   * trimmed larger ones, and their answers with them) */
  guint64 next_seq;
  /* every request the journal holds, answered or not, in order: all of
   * the session's in an offline journal, which is never compacted and
   * goes whole as /downloaded */
  GPtrArray *all;
  gint64 created;               /* UNIX time */
  /* of an offline journal: how many /downloaded requests made of it, from
   * the first, were delivered; a replay makes them again and skips them */
  guint downloaded_parts;
} MediaEdgeJournalContents;

MediaEdgeSpool *media_edge_spool_open (const gchar * dir, guint64 max_bytes,
    gint64 max_age, GError ** error);

MediaEdgeSpool *media_edge_spool_ref (MediaEdgeSpool * spool);

void media_edge_spool_free (MediaEdgeSpool * spool);

const gchar *media_edge_spool_get_dir (MediaEdgeSpool * spool);

guint media_edge_spool_enforce_bounds (MediaEdgeSpool * spool, gint64 now);

/* seconds between two enforcements of the bounds as sessions start */
#define MEDIA_EDGE_SPOOL_ENFORCE_INTERVAL 10

guint media_edge_spool_enforce_bounds_now_and_then (MediaEdgeSpool * spool,
    gint64 now);

MediaEdgeJournal *media_edge_spool_create_journal (MediaEdgeSpool * spool,
    gboolean offline, gint64 now, GError ** error);

GPtrArray *media_edge_spool_list_orphans (MediaEdgeSpool * spool);

MediaEdgeJournal *media_edge_spool_claim (MediaEdgeSpool * spool,
    const gchar * path);

GPtrArray *media_edge_spool_claim_orphans (MediaEdgeSpool * spool);

gboolean media_edge_journal_append_request (MediaEdgeJournal * journal,
    guint64 seq, const MediaEdgeRequest * request, GError ** error);

gboolean media_edge_journal_append_session_id (MediaEdgeJournal * journal,
    const gchar * session_id, GError ** error);

gboolean media_edge_journal_append_hint (MediaEdgeJournal * journal,
    const gchar * hint, GError ** error);

gboolean media_edge_journal_append_answered (MediaEdgeJournal * journal,
    guint64 seq, GError ** error);

/* For tests only: the length past which the journal is compacted (by
 * default 256 KiB), and the least it is set to after a compaction */
void media_edge_journal_set_compact_threshold (MediaEdgeJournal * journal,
    gsize bytes);

gboolean media_edge_journal_append_end (MediaEdgeJournal * journal,
    GError ** error);

gboolean media_edge_journal_append_offline (MediaEdgeJournal * journal,
    GError ** error);

gboolean media_edge_journal_is_offline (MediaEdgeJournal * journal);

gboolean media_edge_journal_append_downloaded (MediaEdgeJournal * journal,
    guint parts, gboolean all, GError ** error);

gboolean media_edge_journal_sync (MediaEdgeJournal * journal, GError ** error);

gboolean media_edge_journal_is_done (MediaEdgeJournal * journal);

void media_edge_journal_close (MediaEdgeJournal * journal);

void media_edge_journal_discard (MediaEdgeJournal * journal);

const gchar *media_edge_journal_get_path (MediaEdgeJournal * journal);

MediaEdgeJournalContents *media_edge_journal_read (MediaEdgeJournal *
    journal, GError ** error);

void media_edge_journal_contents_free (MediaEdgeJournalContents * contents);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeSpool, media_edge_spool_free);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeJournalContents,
    media_edge_journal_contents_free);

G_END_DECLS

#endif /* __MEDIA_EDGE_SPOOL_H__ */
