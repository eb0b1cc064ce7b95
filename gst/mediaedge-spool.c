/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The spool folder holds one journal per tracking session:
 *
 *   journal-CREATED-RANDOM.jsonl   one JSON object a line, appended to,
 *                                  or replaced whole (compacted)
 *     {"journal":1,"created":1767225600,"offline":false}
 *                                  the header: when, and whether the
 *                                  session never started live
 *     {"request":1,"body":{...}}   request 1 (the caller numbers them), as
 *                                  media_edge_request_serialize() wrote it
 *     {"session":"..."}            the session id, once the service gave it
 *     {"hint":"or2"}               the cluster the session started in,
 *                                  where its events must go
 *     {"answered":1}               request 1 was delivered, or given up
 *     {"offline":true}             the session went offline after the
 *                                  header: its requests wait here only,
 *                                  to go whole as /downloaded
 *     {"downloaded":2}             the first 2 /downloaded requests made
 *                                  of the journal were delivered: a
 *                                  replay, which encodes it the same way,
 *                                  skips them
 *     {"downloaded":3,"all":true}  and those were all: the journal is
 *                                  done
 *     {"end":true}                 the session queued its last request
 *
 * A long live session appends a request line and an answer line per
 * event for as long as it plays: once the journal grew past a threshold
 * (twice what it was after its last compaction, and at least
 * COMPACT_THRESHOLD), its answered requests are trimmed. A new file,
 * JOURNAL.jsonl.tmp (no journal to a lister), made and locked by the
 * journal's holder, gets the header, the session id, the unanswered
 * request lines as they were (readable or not), and the downloaded and
 * end lines; lines not understood are not kept. It is synced and renamed
 * over the journal, which goes on in it. A claimer finds either file at
 * the journal's name, each locked, each whole; one that took the old
 * file's lock once it was let go finds the name no longer names it (see
 * the locks below). An offline journal, which goes whole as /downloaded,
 * is never trimmed. A temporary file found by whoever takes a journal's
 * lock is one its holder left as it died, and is removed.
 *
 * A line goes with one write() of the whole line, newline included, so a
 * power cut leaves at most one partial last line. A reader takes whole
 * lines only and skips those it does not understand; a replayer cuts a
 * partial last line off before appending, or its first line would be
 * glued to it. Appends are not synced: the caller syncs about once a
 * second, which is what a power cut may lose.
 *
 * A journal is held with flock() from its creation, or its claim by a
 * replayer, to its close, and when done it is unlinked under that lock,
 * then closed. Locks are only ever tried (LOCK_NB): one that cannot be
 * taken at once means "in use". Whoever takes a lock checks afterwards
 * that the path still names the file it opened: its holder may have
 * removed it between our open() and our flock(), and a creator may lose
 * its new, empty file to a claimer that took it for an orphan.
 *
 * The bodies carry the datastream id and the session id identifies the
 * device's session: neither is logged but at TRACE. Paths and counts are
 * logged at DEBUG. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "mediaedge-spool.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_spool_debug);
#define GST_CAT_DEFAULT media_edge_spool_debug

#define JOURNAL_PREFIX "journal-"
#define JOURNAL_SUFFIX ".jsonl"
#define JOURNAL_VERSION 1
/* not JOURNAL_SUFFIX: no lister takes a compaction's file for a journal */
#define TEMP_SUFFIX ".tmp"

/* A live journal is compacted once it grew past this, at first: a few
 * hundred events of a session, read back in a few milliseconds */
#define COMPACT_THRESHOLD (256 * 1024)

/* A new journal's name is taken only by a file of the same second and
 * random number, and its lock only by a claimer that found it before we
 * locked it: a few tries are plenty. */
#define CREATE_TRIES 8

/* The header is the first line, and short: no need to read further to
 * know when a journal was made. */
#define HEADER_READ_SIZE 1024

/* No journal is read past this: a longer one is no journal of ours (a
 * sparse file, a device) and is removed rather than read into memory */
#define MAX_JOURNAL_SIZE (G_GUINT64_CONSTANT (256) << 20)

struct _MediaEdgeSpool
{
  /* the caller's, and one per open journal */
  gatomicrefcount refcount;
  gchar *dir;
  guint64 max_bytes;            /* 0: no bound */
  gint64 max_age;               /* seconds; 0: no bound */

  GMutex lock;
  /* under lock: the paths of this process's open journals, in use
   * whatever the files say; when the bounds were last enforced through
   * media_edge_spool_enforce_bounds_now_and_then() */
  GHashTable *held;
  gint64 enforced_at;
};

struct _MediaEdgeJournal
{
  MediaEdgeSpool *spool;
  gchar *path;
  int fd;                       /* flock()ed, O_APPEND */
  off_t length;                 /* of the whole lines in the file */
  /* the header or a line says so: requests go whole, as /downloaded */
  gboolean offline;
  gboolean downloaded_all;      /* the journal went whole */
  /* a partial line could not be cut off: the next line starts with a
   * newline, which leaves the partial one on a line of its own */
  gboolean torn;
  /* the seqs of the requests appended and not answered (gint64) */
  GHashTable *unanswered;
  gboolean ended;
  gboolean dir_synced;
  goffset compact_at;           /* the length past which it is compacted */
  goffset compact_min;          /* the least compact_at may be */
};

/* Where a request line is in the file */
typedef struct
{
  gint64 seq;
  gsize offset;
  gsize length;                 /* newline included */
} RequestLine;

/* What the whole lines of a journal say */
typedef struct
{
  gboolean has_header;
  gint64 created;
  gboolean offline;             /* by the header, or a line since */
  gchar *session_id;
  gchar *location_hint;
  gboolean ended;
  guint downloaded;             /* the most parts a line said */
  gboolean downloaded_all;
  GPtrArray *requests;          /* MediaEdgeRequest, in the file's order */
  GArray *seqs;                 /* the seq of each of requests */
  /* every request line with a seq, its body readable or not (RequestLine):
   * what a compaction keeps of them */
  GArray *request_lines;
  /* 1 + the largest seq of a request line, readable or not: a seq a
   * replayer may not take again, or an answer to the old request would
   * answer its new one too; 0 if there is none */
  guint64 next_seq;
  GHashTable *answered;         /* seqs (gint64) */
  guint entries;                /* lines understood, the header aside */
  guint skipped;                /* lines not understood */
  gsize whole;                  /* bytes up to the end of the last line */
  gsize size;                   /* bytes in all */
} Parsed;

/* The core is used without the plugin too (the tests link it directly):
 * whoever comes first sets the category up. */
static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (media_edge_spool_debug, "mediaedgespool", 0,
        "Media Edge on-disk journals");
    g_once_init_leave (&done, 1);
  }
}

static gboolean
set_errno_error (GError ** error, int saved_errno, const gchar * what,
    const gchar * path)
{
  g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved_errno),
      "Could not %s %s: %s", what, path, g_strerror (saved_errno));

  return FALSE;
}

/* ------------------------------------------------------------------ */
/* seqs */

static GHashTable *
seq_set_new (void)
{
  return g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
}

static void
seq_set_add (GHashTable * set, gint64 seq)
{
  g_hash_table_add (set, g_memdup2 (&seq, sizeof (seq)));
}

static gboolean
seq_set_has (GHashTable * set, gint64 seq)
{
  return g_hash_table_contains (set, &seq);
}

/* ------------------------------------------------------------------ */
/* reading */

static void
parsed_init (Parsed * parsed)
{
  memset (parsed, 0, sizeof (*parsed));
  parsed->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_request_free);
  parsed->seqs = g_array_new (FALSE, FALSE, sizeof (gint64));
  parsed->request_lines = g_array_new (FALSE, FALSE, sizeof (RequestLine));
  parsed->answered = seq_set_new ();
}

static void
parsed_clear (Parsed * parsed)
{
  g_clear_pointer (&parsed->session_id, g_free);
  g_clear_pointer (&parsed->location_hint, g_free);
  g_clear_pointer (&parsed->requests, g_ptr_array_unref);
  g_clear_pointer (&parsed->seqs, g_array_unref);
  g_clear_pointer (&parsed->request_lines, g_array_unref);
  g_clear_pointer (&parsed->answered, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Parsed, parsed_clear);

static gboolean
request_is_answered (const Parsed * parsed, guint i)
{
  return seq_set_has (parsed->answered, g_array_index (parsed->seqs, gint64,
          i));
}

/* Every request answered, and the end, or all of it downloaded: nothing
 * left to replay */
static gboolean
parsed_is_done (const Parsed * parsed)
{
  if (parsed->downloaded_all)
    return TRUE;
  if (!parsed->ended)
    return FALSE;
  for (guint i = 0; i < parsed->requests->len; i++)
    if (!request_is_answered (parsed, i))
      return FALSE;

  return TRUE;
}

/* The member @name of @object if it holds a value of @type */
static JsonNode *
get_value (JsonObject * object, const gchar * name, GType type)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != type)
    return NULL;

  return node;
}

/* The non-negative integer member @name of @object, if it has one */
static gboolean
get_count (JsonObject * object, const gchar * name, gint64 * value)
{
  JsonNode *node = get_value (object, name, G_TYPE_INT64);

  if (node == NULL || json_node_get_int (node) < 0)
    return FALSE;
  *value = json_node_get_int (node);

  return TRUE;
}

static gboolean
parse_header (Parsed * parsed, JsonObject * object, gint64 version)
{
  JsonNode *created = get_value (object, "created", G_TYPE_INT64);
  JsonNode *offline = get_value (object, "offline", G_TYPE_BOOLEAN);

  if (version != JOURNAL_VERSION || created == NULL || offline == NULL)
    return FALSE;
  parsed->has_header = TRUE;
  parsed->created = json_node_get_int (created);
  parsed->offline = json_node_get_boolean (offline);

  return TRUE;
}

static gboolean
parse_request (Parsed * parsed, JsonObject * object, gint64 seq)
{
  JsonNode *body = json_object_get_member (object, "body");
  g_autofree gchar *text = NULL;
  g_autoptr (GError) error = NULL;
  MediaEdgeRequest *request;

  if (body == NULL || !JSON_NODE_HOLDS_OBJECT (body))
    return FALSE;
  text = json_to_string (body, FALSE);
  request = media_edge_request_deserialize (text, &error);
  if (request == NULL) {
    /* the reason may quote the body */
    GST_TRACE ("request %" G_GINT64_FORMAT ": %s", seq, error->message);
    return FALSE;
  }
  g_ptr_array_add (parsed->requests, request);
  g_array_append_val (parsed->seqs, seq);

  return TRUE;
}

/* Notes where the request line is, whether its body reads back or not: a
 * later version may read what this one does not, and it takes a seq */
static gboolean
parse_request_line (Parsed * parsed, JsonObject * object, gint64 seq,
    gsize offset, gsize length)
{
  RequestLine line = { seq, offset, length };

  /* the next seq must not overflow */
  if (seq == G_MAXINT64)
    return FALSE;
  g_array_append_val (parsed->request_lines, line);
  parsed->next_seq = MAX (parsed->next_seq, (guint64) seq + 1);

  return parse_request (parsed, object, seq);
}

static gboolean
parse_downloaded (Parsed * parsed, JsonObject * object, gint64 parts)
{
  JsonNode *all = get_value (object, "all", G_TYPE_BOOLEAN);

  if (parts > G_MAXUINT)
    return FALSE;
  /* a replay's line may follow an earlier one's: the most delivered */
  parsed->downloaded = MAX (parsed->downloaded, parts);
  if (all != NULL && json_node_get_boolean (all))
    parsed->downloaded_all = TRUE;

  return TRUE;
}

/* Takes in a line other than the header, @length bytes at @offset in the
 * file, newline included; FALSE if it says nothing this version
 * understands */
static gboolean
parse_entry (Parsed * parsed, JsonObject * object, gsize offset, gsize length)
{
  JsonNode *node;
  gint64 number;

  if (get_count (object, "request", &number))
    return parse_request_line (parsed, object, number, offset, length);
  if (get_count (object, "answered", &number)) {
    seq_set_add (parsed->answered, number);
    return TRUE;
  }
  if (get_count (object, "downloaded", &number))
    return parse_downloaded (parsed, object, number);
  if ((node = get_value (object, "session", G_TYPE_STRING)) != NULL) {
    g_free (parsed->session_id);
    parsed->session_id = g_strdup (json_node_get_string (node));
    return TRUE;
  }
  if ((node = get_value (object, "hint", G_TYPE_STRING)) != NULL) {
    g_free (parsed->location_hint);
    parsed->location_hint = g_strdup (json_node_get_string (node));
    return TRUE;
  }
  if ((node = get_value (object, "end", G_TYPE_BOOLEAN)) != NULL &&
      json_node_get_boolean (node)) {
    parsed->ended = TRUE;
    return TRUE;
  }
  if ((node = get_value (object, "offline", G_TYPE_BOOLEAN)) != NULL &&
      json_node_get_boolean (node)) {
    parsed->offline = TRUE;
    return TRUE;
  }

  return FALSE;
}

/* Takes in one line, at @offset in the file, without its newline; FALSE
 * if it says nothing this version understands */
static gboolean
parse_line (Parsed * parsed, JsonParser * parser, const gchar * line,
    gsize offset, gsize length)
{
  JsonObject *object;
  JsonNode *root;
  gint64 version;

  if (length == 0 || !json_parser_load_from_data (parser, line, length, NULL))
    return FALSE;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return FALSE;
  object = json_node_get_object (root);

  if (get_count (object, "journal", &version))
    return parse_header (parsed, object, version);
  if (!parse_entry (parsed, object, offset, length + 1))
    return FALSE;
  parsed->entries++;

  return TRUE;
}

/* Takes in every whole line of @data; what follows the last newline is a
 * line a power cut interrupted */
static void
parse_lines (Parsed * parsed, const gchar * data, gsize size)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  const gchar *line = data;
  const gchar *newline;

  while ((newline = memchr (line, '\n', data + size - line)) != NULL) {
    if (!parse_line (parsed, parser, line, line - data, newline - line))
      parsed->skipped++;
    line = newline + 1;
  }
  parsed->whole = line - data;
  parsed->size = size;
}

/* Reads @fd from its start through to its end, whatever its offset:
 * NULL with errno set on an error */
static gchar *
read_fd (int fd, gsize max, gsize * size)
{
  g_autoptr (GByteArray) bytes = g_byte_array_new ();
  guint8 buffer[16384];
  gssize n;

  do {
    n = pread (fd, buffer, MIN (sizeof (buffer), max - bytes->len), bytes->len);
    if (n > 0)
      g_byte_array_append (bytes, buffer, n);
  } while ((n > 0 && bytes->len < max) || (n < 0 && errno == EINTR));
  if (n < 0)
    return NULL;
  *size = bytes->len;
  /* NUL-terminated, for whoever reads it as a string */
  g_byte_array_append (bytes, (const guint8 *) "", 1);

  return (gchar *) g_byte_array_free (g_steal_pointer (&bytes), FALSE);
}

/* Fills @parsed from the journal @fd, read through the descriptor its
 * lock is on, and gives what it read in @data if not %NULL. With no
 * header, its time is the file's. */
static gboolean
parse_fd (Parsed * parsed, int fd, const gchar * path, gchar ** data_out,
    GError ** error)
{
  g_autofree gchar *data = NULL;
  struct stat st;
  gsize size;

  data = read_fd (fd, MAX_JOURNAL_SIZE, &size);
  if (data == NULL || fstat (fd, &st) < 0)
    return set_errno_error (error, errno, "read the journal", path);
  parse_lines (parsed, data, size);
  if (!parsed->has_header)
    parsed->created = st.st_mtime;
  GST_DEBUG ("%s: %u requests, %u answers, %u lines skipped, %" G_GSIZE_FORMAT
      " bytes past the last whole line", path, parsed->requests->len,
      g_hash_table_size (parsed->answered), parsed->skipped, parsed->size -
      parsed->whole);

  if (data_out != NULL)
    *data_out = g_steal_pointer (&data);

  return TRUE;
}

/* Opens the journal @path, a regular file of the folder's: not through a
 * link (to /dev/zero, a FIFO that would block the sender for ever), nor
 * anything but a file. -1 with errno set otherwise. */
static int
open_journal_file (const gchar * path, int flags)
{
  int fd = g_open (path, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0);
  struct stat st;

  if (fd < 0)
    return -1;
  if (fstat (fd, &st) == 0 && S_ISREG (st.st_mode))
    return fd;
  g_close (fd, NULL);
  errno = EINVAL;

  return -1;
}

/* When the journal @path was made: its header's time, or the file's */
static gboolean
read_created (const gchar * path, gint64 * created, guint64 * size,
    gboolean * has_header)
{
  g_auto (Parsed) parsed = { 0, };
  g_autofree gchar *data = NULL;
  const gchar *newline;
  struct stat st;
  gsize length;
  int fd = open_journal_file (path, O_RDONLY);

  if (fd < 0)
    return FALSE;
  data = read_fd (fd, HEADER_READ_SIZE, &length);
  if (data == NULL || fstat (fd, &st) < 0) {
    g_close (fd, NULL);
    return FALSE;
  }
  g_close (fd, NULL);

  parsed_init (&parsed);
  newline = memchr (data, '\n', length);
  if (newline != NULL)
    parse_lines (&parsed, data, newline + 1 - data);
  *created = parsed.has_header ? parsed.created : st.st_mtime;
  *size = st.st_size;
  *has_header = parsed.has_header;

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* locks */

/* Takes the lock of @fd, opened from @path, without waiting, and checks
 * that @path still names that file. FALSE with errno set otherwise:
 * EWOULDBLOCK if someone holds it, ENOENT if it went away. */
static gboolean
lock_opened (int fd, const gchar * path)
{
  struct stat opened, named;

  if (flock (fd, LOCK_EX | LOCK_NB) < 0 || fstat (fd, &opened) < 0 ||
      stat (path, &named) < 0)
    return FALSE;
  if (opened.st_dev != named.st_dev || opened.st_ino != named.st_ino) {
    errno = ENOENT;
    return FALSE;
  }

  return TRUE;
}

static gboolean
too_large (int fd)
{
  struct stat st;

  return fstat (fd, &st) == 0 && (guint64) st.st_size > MAX_JOURNAL_SIZE;
}

/* Opens the journal @path for appending and locks it, or returns -1 with
 * errno set */
static int
open_locked (const gchar * path)
{
  int fd = open_journal_file (path, O_RDWR | O_APPEND);
  int saved;

  if (fd < 0 || lock_opened (fd, path))
    return fd;
  saved = errno;
  g_close (fd, NULL);
  errno = saved;

  return -1;
}

/* Removes the file of @fd, locked, then lets the lock go: nobody takes
 * a file on its way out for a journal to replay. */
static void
remove_locked (const gchar * path, int fd)
{
  if (g_unlink (path) < 0)
    GST_WARNING ("Could not remove the journal %s: %s", path,
        g_strerror (errno));
  g_close (fd, NULL);
}

/* The name of the file a compaction of the journal @path writes */
static gchar *
temp_path (const gchar * path)
{
  return g_strconcat (path, TEMP_SUFFIX, NULL);
}

/* Removes the file a holder of the journal @path left as it died
 * compacting it: we hold the journal now, and only its holder compacts */
static void
remove_stale_temp (const gchar * path)
{
  g_autofree gchar *temp = temp_path (path);

  if (g_unlink (temp) == 0)
    GST_DEBUG ("%s: left by a compaction that did not end, removed", temp);
  else if (errno != ENOENT)
    GST_WARNING ("Could not remove %s: %s", temp, g_strerror (errno));
}

/* ------------------------------------------------------------------ */
/* the spool */

static MediaEdgeSpool *
spool_ref (MediaEdgeSpool * spool)
{
  g_atomic_ref_count_inc (&spool->refcount);

  return spool;
}

static void
spool_unref (MediaEdgeSpool * spool)
{
  if (!g_atomic_ref_count_dec (&spool->refcount))
    return;

  g_hash_table_unref (spool->held);
  g_mutex_clear (&spool->lock);
  g_free (spool->dir);
  g_free (spool);
}

static gboolean
spool_holds (MediaEdgeSpool * spool, const gchar * path)
{
  gboolean held;

  g_mutex_lock (&spool->lock);
  held = g_hash_table_contains (spool->held, path);
  g_mutex_unlock (&spool->lock);

  return held;
}

static gint
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

/* The paths of the journals in the folder, sorted; none if there is no
 * folder */
static GPtrArray *
list_journals (MediaEdgeSpool * spool)
{
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  GDir *dir = g_dir_open (spool->dir, 0, &error);
  const gchar *name;

  if (dir == NULL) {
    /* a folder that cannot be made fails the journal's creation, which
     * says so */
    GST_DEBUG ("%s", error->message);
    return paths;
  }
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, JOURNAL_PREFIX) &&
        g_str_has_suffix (name, JOURNAL_SUFFIX))
      g_ptr_array_add (paths, g_build_filename (spool->dir, name, NULL));
  g_dir_close (dir);
  g_ptr_array_sort (paths, compare_paths);

  return paths;
}

/* ------------------------------------------------------------------ */
/* journals */

/* Takes @path, and @fd, open on it and locked */
static MediaEdgeJournal *
journal_new (MediaEdgeSpool * spool, gchar * path, int fd)
{
  MediaEdgeJournal *journal = g_new0 (MediaEdgeJournal, 1);

  journal->spool = spool_ref (spool);
  journal->path = path;
  journal->fd = fd;
  journal->unanswered = seq_set_new ();
  journal->compact_min = journal->compact_at = COMPACT_THRESHOLD;

  g_mutex_lock (&spool->lock);
  g_hash_table_add (spool->held, g_strdup (path));
  g_mutex_unlock (&spool->lock);

  return journal;
}

static void
journal_free (MediaEdgeJournal * journal)
{
  MediaEdgeSpool *spool = journal->spool;

  g_close (journal->fd, NULL);
  g_mutex_lock (&spool->lock);
  g_hash_table_remove (spool->held, journal->path);
  g_mutex_unlock (&spool->lock);

  g_hash_table_unref (journal->unanswered);
  g_free (journal->path);
  g_free (journal);
  spool_unref (spool);
}

/* Appends @line, newline included, with one write(). A write that fails
 * part way is cut off again, so that the next line starts on a line of
 * its own. */
static gboolean
append_line (MediaEdgeJournal * journal, const gchar * line, gsize size,
    GError ** error)
{
  gssize written;
  int saved;

  do {
    written = write (journal->fd, line, size);
  } while (written < 0 && errno == EINTR);
  if (written == (gssize) size) {
    journal->length += size;
    journal->torn = FALSE;
    return TRUE;
  }

  saved = errno;
  if (written > 0 && ftruncate (journal->fd, journal->length) < 0) {
    GST_WARNING ("Could not cut a partial line off %s: %s", journal->path,
        g_strerror (errno));
    journal->length += written;
    journal->torn = TRUE;
  }
  if (written >= 0) {
    /* a write cut short gives no reason: a full disk is the usual one */
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_NOSPC,
        "Could not append to the journal %s: only %" G_GSSIZE_FORMAT " of %"
        G_GSIZE_FORMAT " bytes were written", journal->path, written, size);
    return FALSE;
  }

  return set_errno_error (error, saved, "append to the journal", journal->path);
}

/* A builder that began an object with the member @name, for its value */
static JsonBuilder *
begin_line (const gchar * name)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, name);

  return builder;
}

/* Ends the object @builder holds: its text, without a newline */
static gchar *
line_text (JsonBuilder * builder)
{
  g_autoptr (JsonNode) root = NULL;

  json_builder_end_object (builder);
  root = json_builder_get_root (builder);

  /* not pretty: a newline in a string is escaped, so one line it is */
  return json_to_string (root, FALSE);
}

/* Ends the object @builder holds and appends it as a line */
static gboolean
end_line (MediaEdgeJournal * journal, JsonBuilder * builder, GError ** error)
{
  g_autofree gchar *text = line_text (builder);
  g_autofree gchar *line = g_strconcat (journal->torn ? "\n" : "", text,
      "\n", NULL);

  return append_line (journal, line, strlen (line), error);
}

/* The lines that say something of the whole journal, which a compaction
 * writes again: each a builder to end */

static JsonBuilder *
header_line (gboolean offline, gint64 created)
{
  JsonBuilder *builder = begin_line ("journal");

  json_builder_add_int_value (builder, JOURNAL_VERSION);
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, created);
  json_builder_set_member_name (builder, "offline");
  json_builder_add_boolean_value (builder, offline);

  return builder;
}

/* {"@name":"@value"}: the session id, its cluster */
static JsonBuilder *
string_line (const gchar * name, const gchar * value)
{
  JsonBuilder *builder = begin_line (name);

  json_builder_add_string_value (builder, value);

  return builder;
}

static JsonBuilder *
downloaded_line (guint parts, gboolean all)
{
  JsonBuilder *builder = begin_line ("downloaded");

  json_builder_add_int_value (builder, parts);
  if (all) {
    json_builder_set_member_name (builder, "all");
    json_builder_add_boolean_value (builder, TRUE);
  }

  return builder;
}

static JsonBuilder *
end_of_session_line (void)
{
  JsonBuilder *builder = begin_line ("end");

  json_builder_add_boolean_value (builder, TRUE);

  return builder;
}

static gboolean
append_header (MediaEdgeJournal * journal, gboolean offline, gint64 created,
    GError ** error)
{
  g_autoptr (JsonBuilder) builder = header_line (offline, created);

  return end_line (journal, builder, error);
}

/* A new, empty, locked journal file in the folder */
static MediaEdgeJournal *
open_new_journal (MediaEdgeSpool * spool, gint64 now, GError ** error)
{
  for (guint i = 0; i < CREATE_TRIES; i++) {
    g_autofree gchar *name = g_strdup_printf (JOURNAL_PREFIX "%"
        G_GINT64_FORMAT "-%08x" JOURNAL_SUFFIX, now, g_random_int ());
    g_autofree gchar *path = g_build_filename (spool->dir, name, NULL);
    int fd = g_open (path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
        0600);

    if (fd < 0 && errno != EEXIST) {
      set_errno_error (error, errno, "create the journal", path);
      return NULL;
    }
    if (fd < 0)
      continue;
    /* until we hold it, a claimer may take it for an empty orphan and
     * remove it */
    if (lock_opened (fd, path))
      return journal_new (spool, g_steal_pointer (&path), fd);
    GST_DEBUG ("%s: lost to another process, trying another name", path);
    g_close (fd, NULL);
  }
  g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
      "Could not create a journal in %s: each name tried was taken, or "
      "lost to another process", spool->dir);

  return NULL;
}

/* The journal @path for its replay, locked; NULL if another holds it, or
 * if there is nothing to replay in it, and then it is removed */
static MediaEdgeJournal *
claim (MediaEdgeSpool * spool, const gchar * path)
{
  g_auto (Parsed) parsed = { 0, };
  g_autoptr (GError) error = NULL;
  MediaEdgeJournal *journal;
  int fd = open_locked (path);

  if (fd < 0) {
    GST_DEBUG ("%s: skipped: %s", path, errno == EWOULDBLOCK ? "in use" :
        g_strerror (errno));
    return NULL;
  }
  remove_stale_temp (path);
  if (too_large (fd)) {
    GST_WARNING ("%s: larger than any journal (%" G_GUINT64_FORMAT
        " bytes at most), removed", path, MAX_JOURNAL_SIZE);
    remove_locked (path, fd);
    return NULL;
  }
  parsed_init (&parsed);
  if (!parse_fd (&parsed, fd, path, NULL, &error)) {
    GST_WARNING ("%s", error->message);
    g_close (fd, NULL);
    return NULL;
  }
  if (parsed.entries == 0 || parsed_is_done (&parsed)) {
    GST_DEBUG ("%s: nothing to replay, removed", path);
    remove_locked (path, fd);
    return NULL;
  }

  journal = journal_new (spool, g_strdup (path), fd);
  journal->length = parsed.whole;
  journal->ended = parsed.ended;
  journal->offline = parsed.offline;
  journal->dir_synced = TRUE;
  for (guint i = 0; i < parsed.requests->len; i++)
    if (!request_is_answered (&parsed, i))
      seq_set_add (journal->unanswered, g_array_index (parsed.seqs, gint64, i));
  /* our lines go after the whole ones */
  if (parsed.whole < parsed.size && ftruncate (fd, parsed.whole) < 0) {
    GST_WARNING ("Could not cut a partial line off %s: %s", path,
        g_strerror (errno));
    journal->torn = TRUE;
  }

  return journal;
}

/* ------------------------------------------------------------------ */
/* compaction */

/* Syncs the folder of @path: a file synced is still lost to a power cut
 * if its name is not */
static gboolean
sync_folder (const gchar * path, GError ** error)
{
  g_autofree gchar *dir = g_path_get_dirname (path);
  int fd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);

  if (fd < 0 || (fsync (fd) < 0 && errno != EINVAL)) {
    set_errno_error (error, errno, "sync the folder", dir);
    if (fd >= 0)
      g_close (fd, NULL);
    return FALSE;
  }
  g_close (fd, NULL);

  return TRUE;
}

/* Ends @builder's line, adds it to @text, and lets @builder go */
static void
add_line (GString * text, JsonBuilder * builder)
{
  g_autofree gchar *line = line_text (builder);

  g_string_append (text, line);
  g_string_append_c (text, '\n');
  g_object_unref (builder);
}

/* What a replay of the journal @parsed, read from @data, still needs,
 * line by line: the unanswered requests' lines as they were */
static GString *
compacted_text (const Parsed * parsed, const gchar * data)
{
  GString *text = g_string_new (NULL);

  add_line (text, header_line (parsed->offline, parsed->created));
  if (parsed->session_id != NULL)
    add_line (text, string_line ("session", parsed->session_id));
  if (parsed->location_hint != NULL)
    add_line (text, string_line ("hint", parsed->location_hint));
  for (guint i = 0; i < parsed->request_lines->len; i++) {
    const RequestLine *line = &g_array_index (parsed->request_lines,
        RequestLine, i);

    if (!seq_set_has (parsed->answered, line->seq))
      g_string_append_len (text, data + line->offset, line->length);
  }
  if (parsed->downloaded > 0 || parsed->downloaded_all)
    add_line (text, downloaded_line (parsed->downloaded,
            parsed->downloaded_all));
  if (parsed->ended)
    add_line (text, end_of_session_line ());

  return text;
}

/* Writes all of @data, or returns FALSE with errno set */
static gboolean
write_all (int fd, const gchar * data, gsize size)
{
  while (size > 0) {
    gssize written = write (fd, data, size);

    if (written < 0 && errno == EINTR)
      continue;
    if (written <= 0) {
      /* a write that takes nothing gives no reason: a full disk it is */
      if (written == 0)
        errno = ENOSPC;
      return FALSE;
    }
    data += written;
    size -= written;
  }

  return TRUE;
}

/* A new file at @path, made only if there is none, and locked: once it
 * is renamed over the journal, whoever opens the journal's name finds it
 * in use. -1 with errno set if not. */
static int
create_locked (const gchar * path)
{
  int fd = g_open (path, O_RDWR | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC,
      0600);
  int saved;

  if (fd < 0 || flock (fd, LOCK_EX | LOCK_NB) == 0)
    return fd;
  saved = errno;
  g_unlink (path);
  g_close (fd, NULL);
  errno = saved;

  return -1;
}

/* Writes @text to the new file @fd, @temp, syncs it and renames it over
 * the journal; removes it and returns FALSE with @error set if not */
static gboolean
replace_file (MediaEdgeJournal * journal, int fd, const gchar * temp,
    const GString * text, GError ** error)
{
  if (write_all (fd, text->str, text->len) && fsync (fd) == 0 &&
      rename (temp, journal->path) == 0)
    return TRUE;
  set_errno_error (error, errno, "write the compacted journal", temp);
  g_unlink (temp);

  return FALSE;
}

/* Rewrites the journal with what a replay still needs; FALSE with @error
 * set if it goes on as it was */
static gboolean
compact (MediaEdgeJournal * journal, GError ** error)
{
  g_auto (Parsed) parsed = { 0, };
  g_autofree gchar *data = NULL;
  g_autofree gchar *temp = temp_path (journal->path);
  g_autoptr (GString) text = NULL;
  g_autoptr (GError) folder_error = NULL;
  int fd;

  parsed_init (&parsed);
  if (!parse_fd (&parsed, journal->fd, journal->path, &data, error))
    return FALSE;
  text = compacted_text (&parsed, data);
  fd = create_locked (temp);
  if (fd < 0)
    return set_errno_error (error, errno, "create", temp);
  if (!replace_file (journal, fd, temp, text, error)) {
    g_close (fd, NULL);
    return FALSE;
  }

  /* the old file has no name left: its lock may go */
  g_close (journal->fd, NULL);
  journal->fd = fd;
  journal->length = text->len;
  journal->torn = FALSE;
  /* until the folder is synced, a power cut may bring the old file back:
   * longer, but as good */
  journal->dir_synced = sync_folder (journal->path, &folder_error);
  if (!journal->dir_synced)
    GST_WARNING ("%s", folder_error->message);

  return TRUE;
}

/* Compacts a live journal that grew past its threshold. A compaction
 * that fails is no error: the journal goes on as it was, and tries again
 * when it doubled. */
static void
maybe_compact (MediaEdgeJournal * journal)
{
  g_autoptr (GError) error = NULL;
  goffset before = journal->length;

  /* an offline journal goes whole; a done one goes at its close */
  if (journal->offline || journal->length <= journal->compact_at ||
      media_edge_journal_is_done (journal))
    return;
  if (compact (journal, &error))
    GST_DEBUG ("%s: compacted from %" G_GOFFSET_FORMAT " to %"
        G_GOFFSET_FORMAT " bytes", journal->path, before,
        (goffset) journal->length);
  else
    GST_WARNING ("Could not compact a journal, which goes on as it was: %s",
        error->message);
  /* a compaction reads and writes the whole file: with the journal twice
   * as long between two, that costs the same per line however long */
  journal->compact_at = MAX (journal->compact_min, 2 * journal->length);
}

/* ------------------------------------------------------------------ */
/* bounds */

typedef struct
{
  gchar *path;
  gint64 created;
  guint64 size;
  gboolean held;                /* by this process */
  /* a journal of ours, as far as its header and size say: only those
   * count in the bounds (a stranger, dated by its file's time, would look
   * newest and push the real journals out) */
  gboolean ours;
} Survey;

static void
survey_clear (Survey * survey)
{
  g_free (survey->path);
}

static gint
compare_age (gconstpointer a, gconstpointer b)
{
  const Survey *sa = a;
  const Survey *sb = b;

  if (sa->created != sb->created)
    return sa->created < sb->created ? -1 : 1;

  return strcmp (sa->path, sb->path);
}

/* Every journal in the folder, oldest first, and their @total size */
static GArray *
survey_journals (MediaEdgeSpool * spool, guint64 * total)
{
  g_autoptr (GPtrArray) paths = list_journals (spool);
  GArray *journals = g_array_new (FALSE, TRUE, sizeof (Survey));

  g_array_set_clear_func (journals, (GDestroyNotify) survey_clear);
  *total = 0;
  for (guint i = 0; i < paths->len; i++) {
    Survey survey = { 0 };

    /* gone meanwhile, or not for us to read: not ours to count either */
    if (!read_created (g_ptr_array_index (paths, i), &survey.created,
            &survey.size, &survey.ours))
      continue;
    survey.ours = survey.ours && survey.size <= MAX_JOURNAL_SIZE;
    survey.path = g_strdup (g_ptr_array_index (paths, i));
    survey.held = spool_holds (spool, survey.path);
    if (survey.ours)
      *total += survey.size;
    g_array_append_val (journals, survey);
  }
  g_array_sort (journals, compare_age);

  return journals;
}

/* Removes the journal @path unless someone uses it */
static gboolean
remove_unused (const gchar * path)
{
  int fd = open_locked (path);

  if (fd < 0) {
    GST_DEBUG ("%s: past the bounds, but %s", path, errno == EWOULDBLOCK ?
        "in use" : g_strerror (errno));
    return FALSE;
  }
  remove_stale_temp (path);
  remove_locked (path, fd);

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* API */

/**
 * media_edge_spool_open:
 * @dir: the spool folder, made (mode 0700) when the first journal is
 * @max_bytes: what all the journals may take together, in bytes; 0 for
 *   no bound
 * @max_age: how old a journal may get, in seconds; 0 for no bound
 *
 * Returns: (transfer full): the spool, or %NULL with @error set if @dir
 *   is %NULL or empty
 */
MediaEdgeSpool *
media_edge_spool_open (const gchar * dir, guint64 max_bytes, gint64 max_age,
    GError ** error)
{
  MediaEdgeSpool *spool;

  g_return_val_if_fail (max_age >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  init_debug ();
  if (dir == NULL || dir[0] == '\0') {
    g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
        "A spool needs a folder");
    return NULL;
  }

  spool = g_new0 (MediaEdgeSpool, 1);
  g_atomic_ref_count_init (&spool->refcount);
  spool->dir = g_strdup (dir);
  spool->max_bytes = max_bytes;
  spool->max_age = max_age;
  g_mutex_init (&spool->lock);
  spool->held = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  GST_DEBUG ("spool %s: at most %" G_GUINT64_FORMAT " bytes, %"
      G_GINT64_FORMAT " s (0: no bound)", dir, max_bytes, max_age);

  return spool;
}

/**
 * media_edge_spool_ref:
 *
 * Returns: (transfer full): @spool, for one more user
 */
MediaEdgeSpool *
media_edge_spool_ref (MediaEdgeSpool * spool)
{
  g_return_val_if_fail (spool != NULL, NULL);

  return spool_ref (spool);
}

/**
 * media_edge_spool_free:
 *
 * Lets the spool go. Journals still open keep what they need of it until
 * they are closed.
 */
void
media_edge_spool_free (MediaEdgeSpool * spool)
{
  if (spool != NULL)
    spool_unref (spool);
}

/**
 * media_edge_spool_get_dir:
 *
 * Returns: (transfer none): the spool's folder
 */
const gchar *
media_edge_spool_get_dir (MediaEdgeSpool * spool)
{
  g_return_val_if_fail (spool != NULL, NULL);

  return spool->dir;
}

/**
 * media_edge_spool_enforce_bounds:
 * @now: the time, UNIX seconds
 *
 * Removes whole journals, oldest first (by the time in their header, or
 * else the file's), while all of them together take more than the spool's
 * max_bytes, and those older than its max_age. Journals in use, by this
 * process or another, are never removed, but they count in the total.
 *
 * Returns: how many journals were removed
 */
guint
media_edge_spool_enforce_bounds (MediaEdgeSpool * spool, gint64 now)
{
  g_autoptr (GArray) journals = NULL;
  guint64 total;
  guint removed = 0;

  g_return_val_if_fail (spool != NULL, 0);

  if (spool->max_bytes == 0 && spool->max_age == 0)
    return 0;
  journals = survey_journals (spool, &total);
  for (guint i = 0; i < journals->len; i++) {
    const Survey *survey = &g_array_index (journals, Survey, i);
    gboolean too_old = spool->max_age > 0 &&
        now - survey->created > spool->max_age;
    gboolean too_large = spool->max_bytes > 0 && total > spool->max_bytes;

    /* the rest are younger, and the total only went down */
    if (!too_old && !too_large)
      break;
    /* an empty file is one being made, not yet locked (or one a crash
     * left, which the next claim removes): nothing to bound in it */
    /* a stranger goes when too old by its file's time, never to make
     * room: its size does not count */
    if ((!survey->ours && !too_old) || survey->held || survey->size == 0
        || !remove_unused (survey->path))
      continue;
    GST_INFO ("%s: removed, %s", survey->path, too_old ? "too old" :
        "the spool is full");
    if (survey->ours)
      total -= survey->size;
    removed++;
  }
  if (removed > 0)
    GST_WARNING ("Removed %u journals past the bounds of the spool %s: what "
        "they had not sent is lost", removed, spool->dir);

  return removed;
}

/**
 * media_edge_spool_enforce_bounds_now_and_then:
 *
 * As media_edge_spool_enforce_bounds(), at most once per
 * %MEDIA_EDGE_SPOOL_ENFORCE_INTERVAL seconds: enforcing reads the header
 * of every journal of the folder, which each session start of thousands
 * cannot afford.
 *
 * Returns: how many journals were removed
 */
guint
media_edge_spool_enforce_bounds_now_and_then (MediaEdgeSpool * spool,
    gint64 now)
{
  gboolean due;

  g_return_val_if_fail (spool != NULL, 0);

  g_mutex_lock (&spool->lock);
  due = spool->enforced_at == 0 || now < spool->enforced_at ||
      now - spool->enforced_at >= MEDIA_EDGE_SPOOL_ENFORCE_INTERVAL;
  if (due)
    spool->enforced_at = now;
  g_mutex_unlock (&spool->lock);

  return due ? media_edge_spool_enforce_bounds (spool, now) : 0;
}

/**
 * media_edge_spool_create_journal:
 * @offline: whether the session never started live
 * @now: the time, UNIX seconds
 *
 * Makes a journal (mode 0600) and holds it until it is closed. Its header
 * is written, not synced. The bounds are not enforced here: the caller
 * calls media_edge_spool_enforce_bounds() first, which counts what it
 * removed.
 *
 * Returns: (transfer full): the journal, or %NULL with @error set if it
 *   could not be made or written: the caller goes on in memory
 */
MediaEdgeJournal *
media_edge_spool_create_journal (MediaEdgeSpool * spool, gboolean offline,
    gint64 now, GError ** error)
{
  MediaEdgeJournal *journal;

  g_return_val_if_fail (spool != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_mkdir_with_parents (spool->dir, 0700) < 0) {
    set_errno_error (error, errno, "create the spool folder", spool->dir);
    return NULL;
  }
  journal = open_new_journal (spool, now, error);
  if (journal == NULL)
    return NULL;
  if (!append_header (journal, offline, now, error)) {
    /* unlinked before the lock goes with the descriptor */
    g_unlink (journal->path);
    journal_free (journal);
    return NULL;
  }
  journal->offline = offline;
  GST_DEBUG ("%s: created%s", journal->path, offline ? ", offline" : "");

  return journal;
}

/**
 * media_edge_spool_list_orphans:
 *
 * Lists the journals of the folder this process does not hold, oldest
 * first (as the bounds go), for a replayer to claim one at a time with
 * media_edge_spool_claim(): holding them all at once would take a
 * descriptor each. No lock is taken: another process may hold some.
 *
 * Returns: (transfer container) (element-type utf8): their paths
 */
GPtrArray *
media_edge_spool_list_orphans (MediaEdgeSpool * spool)
{
  g_autoptr (GArray) journals = NULL;
  GPtrArray *paths;
  guint64 total;

  g_return_val_if_fail (spool != NULL, NULL);

  journals = survey_journals (spool, &total);
  paths = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < journals->len; i++) {
    Survey *survey = &g_array_index (journals, Survey, i);

    if (!survey->held)
      g_ptr_array_add (paths, g_steal_pointer (&survey->path));
  }

  return paths;
}

/**
 * media_edge_spool_claim:
 * @path: a journal of the spool's, as media_edge_spool_list_orphans()
 *   gives
 *
 * Takes the journal @path for replay, if nobody uses it. One with nothing
 * to replay (empty, header only, or every request answered and ended, or
 * gone whole as /downloaded) is removed instead.
 *
 * Returns: (transfer full) (nullable): the journal, held by this process
 *   until media_edge_journal_close(); %NULL if it is in use, by another
 *   process or this one, gone, or had nothing to replay
 */
MediaEdgeJournal *
media_edge_spool_claim (MediaEdgeSpool * spool, const gchar * path)
{
  g_return_val_if_fail (spool != NULL && path != NULL, NULL);

  if (spool_holds (spool, path)) {
    GST_DEBUG ("%s: skipped: in use by this process", path);
    return NULL;
  }

  return claim (spool, path);
}

/**
 * media_edge_spool_claim_orphans:
 *
 * Takes for replay every journal of the folder that nobody uses, oldest
 * first: those an earlier process left. Those with nothing to replay are
 * removed instead (see media_edge_spool_claim()).
 *
 * Returns: (transfer container) (element-type MediaEdgeJournal): the
 *   journals, held by this process; each is the caller's to close with
 *   media_edge_journal_close(), the array does not close them
 */
GPtrArray *
media_edge_spool_claim_orphans (MediaEdgeSpool * spool)
{
  g_autoptr (GPtrArray) paths = NULL;
  GPtrArray *claimed;

  g_return_val_if_fail (spool != NULL, NULL);

  paths = media_edge_spool_list_orphans (spool);
  claimed = g_ptr_array_new ();
  for (guint i = 0; i < paths->len; i++) {
    MediaEdgeJournal *journal = media_edge_spool_claim (spool,
        g_ptr_array_index (paths, i));

    if (journal != NULL)
      g_ptr_array_add (claimed, journal);
  }
  GST_DEBUG ("spool %s: claimed %u of %u journals", spool->dir, claimed->len,
      paths->len);

  return claimed;
}

/**
 * media_edge_journal_append_request:
 * @seq: the request's number, unique in the journal
 *
 * Returns: %FALSE with @error set if it could not be written
 */
gboolean
media_edge_journal_append_request (MediaEdgeJournal * journal, guint64 seq,
    const MediaEdgeRequest * request, GError ** error)
{
  g_autoptr (JsonBuilder) builder = NULL;
  g_autofree gchar *text = NULL;
  JsonNode *body;

  g_return_val_if_fail (journal != NULL && request != NULL, FALSE);
  g_return_val_if_fail (seq <= G_MAXINT64, FALSE);

  /* an object of its own in the line, not a string: the file stays
   * readable, and nothing is escaped twice */
  text = media_edge_request_serialize (request);
  body = json_from_string (text, error);
  if (body == NULL)
    return FALSE;
  builder = begin_line ("request");
  json_builder_add_int_value (builder, seq);
  json_builder_set_member_name (builder, "body");
  json_builder_add_value (builder, body);
  if (!end_line (journal, builder, error))
    return FALSE;
  seq_set_add (journal->unanswered, seq);
  GST_LOG ("%s: request %" G_GUINT64_FORMAT " (%s)", journal->path, seq,
      media_edge_request_get_name (request));

  return TRUE;
}

/**
 * media_edge_journal_append_session_id:
 *
 * Returns: %FALSE with @error set if it could not be written
 */
static gboolean
append_string (MediaEdgeJournal * journal, const gchar * name,
    const gchar * value, GError ** error)
{
  g_autoptr (JsonBuilder) builder = NULL;

  g_return_val_if_fail (journal != NULL && value != NULL, FALSE);
  g_return_val_if_fail (g_utf8_validate (value, -1, NULL), FALSE);

  builder = string_line (name, value);
  if (!end_line (journal, builder, error))
    return FALSE;
  GST_TRACE ("%s: %s %s", journal->path, name, value);

  return TRUE;
}

gboolean
media_edge_journal_append_session_id (MediaEdgeJournal * journal,
    const gchar * session_id, GError ** error)
{
  return append_string (journal, "session", session_id, error);
}

/**
 * media_edge_journal_append_hint:
 * @hint: the location hint (edge cluster) the session started in
 *
 * Returns: %FALSE with @error set if it could not be written
 */
gboolean
media_edge_journal_append_hint (MediaEdgeJournal * journal,
    const gchar * hint, GError ** error)
{
  return append_string (journal, "hint", hint, error);
}

/**
 * media_edge_journal_append_answered:
 * @seq: the number of a request appended before, delivered or given up
 *
 * Returns: %FALSE with @error set if it could not be written
 */
gboolean
media_edge_journal_append_answered (MediaEdgeJournal * journal, guint64 seq,
    GError ** error)
{
  g_autoptr (JsonBuilder) builder = NULL;
  gint64 key = seq;

  g_return_val_if_fail (journal != NULL, FALSE);
  g_return_val_if_fail (seq <= G_MAXINT64, FALSE);

  builder = begin_line ("answered");
  json_builder_add_int_value (builder, seq);
  if (!end_line (journal, builder, error))
    return FALSE;
  g_hash_table_remove (journal->unanswered, &key);
  GST_LOG ("%s: request %" G_GUINT64_FORMAT " answered", journal->path, seq);
  maybe_compact (journal);

  return TRUE;
}

/**
 * media_edge_journal_set_compact_threshold:
 * @bytes: the length past which the journal is compacted, and the least
 *   that length is set to after a compaction
 *
 * For tests: compactions without writing megabytes.
 */
void
media_edge_journal_set_compact_threshold (MediaEdgeJournal * journal,
    gsize bytes)
{
  g_return_if_fail (journal != NULL && bytes > 0 && bytes <= G_MAXINT64);

  journal->compact_min = journal->compact_at = bytes;
}

/**
 * media_edge_journal_append_end:
 *
 * Says that the session queued its last request.
 *
 * Returns: %FALSE with @error set if it could not be written
 */
gboolean
media_edge_journal_append_end (MediaEdgeJournal * journal, GError ** error)
{
  g_autoptr (JsonBuilder) builder = NULL;

  g_return_val_if_fail (journal != NULL, FALSE);

  builder = end_of_session_line ();
  if (!end_line (journal, builder, error))
    return FALSE;
  journal->ended = TRUE;
  GST_LOG ("%s: ended, %u requests unanswered", journal->path,
      g_hash_table_size (journal->unanswered));

  return TRUE;
}

/**
 * media_edge_journal_append_offline:
 *
 * Says that the session went offline after the journal was made: its
 * requests wait in the journal only, to go whole as /downloaded later, as
 * those of a journal made offline do.
 *
 * Returns: %FALSE with @error set if it could not be written
 */
gboolean
media_edge_journal_append_offline (MediaEdgeJournal * journal, GError ** error)
{
  g_autoptr (JsonBuilder) builder = NULL;

  g_return_val_if_fail (journal != NULL, FALSE);

  builder = begin_line ("offline");
  json_builder_add_boolean_value (builder, TRUE);
  if (!end_line (journal, builder, error))
    return FALSE;
  journal->offline = TRUE;
  GST_DEBUG ("%s: offline", journal->path);

  return TRUE;
}

/**
 * media_edge_journal_is_offline:
 *
 * Returns: whether the journal was made offline, or went offline since
 */
gboolean
media_edge_journal_is_offline (MediaEdgeJournal * journal)
{
  g_return_val_if_fail (journal != NULL, FALSE);

  return journal->offline;
}

/**
 * media_edge_journal_append_downloaded:
 * @parts: how many /downloaded requests made of the journal, from the
 *   first, were delivered (or given up)
 * @all: whether those were all of them: the journal is then done
 *
 * For a journal whose requests go whole as /downloaded (an offline
 * session's, or one that never started), in as many parts as the codec
 * makes of them: a replay encodes the journal again, the same way, and
 * skips the first @parts.
 *
 * Returns: %FALSE with @error set if it could not be written
 */
gboolean
media_edge_journal_append_downloaded (MediaEdgeJournal * journal,
    guint parts, gboolean all, GError ** error)
{
  g_autoptr (JsonBuilder) builder = NULL;

  g_return_val_if_fail (journal != NULL, FALSE);

  builder = downloaded_line (parts, all);
  if (!end_line (journal, builder, error))
    return FALSE;
  journal->downloaded_all |= all;
  GST_DEBUG ("%s: %u parts downloaded%s", journal->path, parts,
      all ? ", all of them" : "");

  return TRUE;
}

/**
 * media_edge_journal_sync:
 *
 * Puts what was appended on the disk, and the first time, the journal's
 * name in its folder.
 *
 * Returns: %FALSE with @error set if the disk said no
 */
gboolean
media_edge_journal_sync (MediaEdgeJournal * journal, GError ** error)
{
  struct stat st;

  g_return_val_if_fail (journal != NULL, FALSE);

  if (fsync (journal->fd) < 0)
    return set_errno_error (error, errno, "sync the journal", journal->path);
  /* the folder taken away (a state folder removed while playing): what
   * is written goes nowhere a replay would find it */
  if (fstat (journal->fd, &st) == 0 && st.st_nlink == 0)
    return set_errno_error (error, ENOENT, "keep the journal", journal->path);
  if (journal->dir_synced)
    return TRUE;

  /* a file synced is still lost to a power cut if its name is not */
  journal->dir_synced = sync_folder (journal->path, error);

  return journal->dir_synced;
}

/**
 * media_edge_journal_is_done:
 *
 * Returns: whether every request appended was answered, and the end was
 *   appended; or the journal went whole as /downloaded
 */
gboolean
media_edge_journal_is_done (MediaEdgeJournal * journal)
{
  g_return_val_if_fail (journal != NULL, FALSE);

  if (journal->downloaded_all)
    return TRUE;

  return journal->ended && g_hash_table_size (journal->unanswered) == 0;
}

/**
 * media_edge_journal_close:
 *
 * Removes the journal if it is done, else leaves it for a later process
 * to replay; lets its lock go, and frees it.
 */
void
media_edge_journal_close (MediaEdgeJournal * journal)
{
  if (journal == NULL)
    return;

  if (media_edge_journal_is_done (journal)) {
    GST_DEBUG ("%s: done, removed", journal->path);
    /* unlinked under the lock: nobody takes it on its way out */
    if (g_unlink (journal->path) < 0)
      GST_WARNING ("Could not remove the journal %s: %s", journal->path,
          g_strerror (errno));
  } else {
    GST_DEBUG ("%s: left for a replay, %u requests unanswered%s",
        journal->path, g_hash_table_size (journal->unanswered),
        journal->ended ? "" : ", not ended");
  }
  journal_free (journal);
}

/**
 * media_edge_journal_discard:
 *
 * Removes the journal, whatever it holds, lets its lock go and frees it:
 * for a session that goes on in memory only once a write failed. A
 * journal that stopped being written must not be replayed: it would
 * resend what was delivered after.
 */
void
media_edge_journal_discard (MediaEdgeJournal * journal)
{
  if (journal == NULL)
    return;

  GST_DEBUG ("%s: discarded, %u requests unanswered", journal->path,
      g_hash_table_size (journal->unanswered));
  /* unlinked under the lock: nobody claims it on its way out */
  if (g_unlink (journal->path) < 0)
    GST_WARNING ("Could not remove the journal %s: %s", journal->path,
        g_strerror (errno));
  journal_free (journal);
}

/**
 * media_edge_journal_get_path:
 *
 * Returns: (transfer none): the journal's file
 */
const gchar *
media_edge_journal_get_path (MediaEdgeJournal * journal)
{
  g_return_val_if_fail (journal != NULL, NULL);

  return journal->path;
}

/**
 * media_edge_journal_read:
 *
 * Reads the journal's whole lines; those it does not understand, and a
 * request that does not read back, are skipped.
 *
 * Returns: (transfer full): what the journal holds, or %NULL with @error
 *   set if it could not be read
 */
MediaEdgeJournalContents *
media_edge_journal_read (MediaEdgeJournal * journal, GError ** error)
{
  g_auto (Parsed) parsed = { 0, };
  MediaEdgeJournalContents *contents;

  g_return_val_if_fail (journal != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  parsed_init (&parsed);
  if (!parse_fd (&parsed, journal->fd, journal->path, NULL, error))
    return NULL;

  contents = g_new0 (MediaEdgeJournalContents, 1);
  contents->path = g_strdup (journal->path);
  contents->offline = parsed.offline;
  contents->session_id = g_steal_pointer (&parsed.session_id);
  contents->location_hint = g_steal_pointer (&parsed.location_hint);
  contents->ended = parsed.ended;
  contents->created = parsed.created;
  contents->downloaded_parts = parsed.downloaded;
  contents->next_seq = parsed.next_seq;
  contents->pending = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_request_free);
  contents->pending_seqs = g_array_new (FALSE, FALSE, sizeof (guint64));
  for (guint i = 0; i < parsed.requests->len; i++) {
    guint64 seq = g_array_index (parsed.seqs, gint64, i);

    if (request_is_answered (&parsed, i))
      continue;
    g_ptr_array_add (contents->pending,
        media_edge_request_copy (g_ptr_array_index (parsed.requests, i)));
    g_array_append_val (contents->pending_seqs, seq);
  }
  contents->all = g_steal_pointer (&parsed.requests);

  return contents;
}

void
media_edge_journal_contents_free (MediaEdgeJournalContents * contents)
{
  if (contents == NULL)
    return;

  g_free (contents->path);
  g_free (contents->session_id);
  g_free (contents->location_hint);
  g_clear_pointer (&contents->pending, g_ptr_array_unref);
  g_clear_pointer (&contents->pending_seqs, g_array_unref);
  g_clear_pointer (&contents->all, g_ptr_array_unref);
  g_free (contents);
}
