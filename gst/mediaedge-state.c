/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The identity a device keeps between runs, in its state folder:
 *
 *   device.ini               the FPID, one for every datastream
 *     [device]
 *     fpid=5f1c0c1e-...
 *
 *   datastream-HASH.ini      what the Edge Network gave one datastream;
 *                            HASH is the SHA-256 of the datastream id in
 *                            hex: no id names a file outside the folder,
 *                            and no path logged or warned about names the
 *                            datastream
 *     [hint]
 *     value=or2
 *     expires=1767225600
 *
 *     [entry 0]
 *     key=kndctr_1234_AdobeOrg_identity
 *     value=CiYx...
 *     expires=1798761600
 *
 *   FILE.lock                taken with flock() around every
 *                            read-merge-write of FILE
 *
 * The service's keys are values in there, never key file keys or group
 * names: those allow a narrow alphabet only, while GKeyFile escapes any
 * UTF-8 value (newlines, leading blanks, backslashes) and reads it back
 * as it was. Entry groups are numbered in key order, the numbers mean
 * nothing; other groups are ignored. Expiries are UNIX seconds.
 *
 * Lock files are never removed: two writers could then hold locks on two
 * different files. Files are replaced whole (a new inode each time), so a
 * reader needs no lock, and one stat() tells whether another process
 * wrote since we last read.
 *
 * Nothing here may stop the plugin: a folder or file that cannot be
 * written, or a damaged file, leaves the state in memory, and the first
 * such problem is handed out once by media_edge_state_take_problem().
 *
 * The FPID, the values and the hint identify a person: they are never
 * logged. Keys and counts are, at DEBUG. */

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

#include "mediaedge-state.h"

GST_DEBUG_CATEGORY_STATIC (media_edge_state_debug);
#define GST_CAT_DEFAULT media_edge_state_debug

#define DEVICE_FILE "device.ini"
#define DEVICE_GROUP "device"
#define FPID_KEY "fpid"
#define HINT_GROUP "hint"
#define ENTRY_GROUP_PREFIX "entry "
#define KEY_KEY "key"
#define VALUE_KEY "value"
#define EXPIRES_KEY "expires"

/* A state file holds a few cookies: anything larger is not ours, and is
 * not read into memory. */
#define MAX_FILE_SIZE (1024 * 1024)
/* entries kept per datastream: 64 of the largest an answer may hold
 * (mediaedge-codec-edge.c) stay well below MAX_FILE_SIZE */
#define MAX_KEPT_ENTRIES 64

/* Which version of a file we last read or wrote */
typedef struct
{
  gboolean exists;
  dev_t dev;
  ino_t ino;
  off_t size;
  gint64 mtime_sec;
  glong mtime_nsec;
} FileStamp;

/* What a datastream file holds */
typedef struct
{
  /* key → MediaEdgeStateEntry, whose key field is the table's key: only
   * ever g_hash_table_replace() into it, never insert, which would keep
   * the key of the entry it frees */
  GHashTable *entries;
  MediaEdgeStateEntry *hint;    /* key unused; NULL if none */
} Contents;

struct _MediaEdgeState
{
  gatomicrefcount refcount;
  gchar *dir;                   /* NULL: in memory only */
  gchar *datastream;            /* NULL: none, so no datastream file */
  gchar *path;                  /* the datastream file, or NULL */

  GMutex lock;
  /* under lock */
  Contents contents;
  /* What this process changed since its last write: those keys win over
   * the file's at the next write, the rest is taken from the file. */
  GHashTable *changed;
  gboolean hint_changed;
  FileStamp stamp;              /* of the datastream file as last seen */
  gint64 last_now;              /* for writes that are given no time */
  gboolean problem_met;
  gchar *problem;               /* the first problem, until taken */
};

/* One instance per (dir, datastream) and process: a set of instances,
 * hashed on those two, not owning. */
static GMutex instances_lock;
static GHashTable *instances;

/* The FPID of each folder ("" for memory only), once known: it never
 * changes, and it lets the datastreams of a folder that cannot be written
 * agree all the same. Taken after an instance's lock, never before. */
static GMutex fpids_lock;
static GHashTable *fpids;

/* The core is used without the plugin too (the tests link it directly):
 * whoever comes first sets the category up. */
static void
init_debug (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done)) {
    GST_DEBUG_CATEGORY_INIT (media_edge_state_debug, "mediaedgestate", 0,
        "Media Edge per-device state");
    g_once_init_leave (&done, 1);
  }
}

/* Keeps the first problem for media_edge_state_take_problem(); later ones
 * are only logged, lower, since a folder that cannot be written fails
 * every write. @sentence (transfer full) names files and reasons, never a
 * value. */
static void
note_problem (MediaEdgeState * state, gchar * sentence)
{
  if (state->problem_met) {
    GST_DEBUG ("%s", sentence);
    g_free (sentence);
    return;
  }
  GST_WARNING ("%s", sentence);
  state->problem_met = TRUE;
  state->problem = sentence;
}

/* ------------------------------------------------------------------ */
/* entries and contents */

void
media_edge_state_entry_free (MediaEdgeStateEntry * entry)
{
  if (entry == NULL)
    return;

  g_free (entry->key);
  g_free (entry->value);
  g_free (entry);
}

static MediaEdgeStateEntry *
entry_copy (const MediaEdgeStateEntry * entry)
{
  MediaEdgeStateEntry *copy = g_new0 (MediaEdgeStateEntry, 1);

  copy->key = g_strdup (entry->key);
  copy->value = g_strdup (entry->value);
  copy->expires = entry->expires;

  return copy;
}

static gint
entry_compare (gconstpointer a, gconstpointer b)
{
  const MediaEdgeStateEntry *ea = *(const MediaEdgeStateEntry **) a;
  const MediaEdgeStateEntry *eb = *(const MediaEdgeStateEntry **) b;

  return strcmp (ea->key, eb->key);
}

static void
contents_init (Contents * contents)
{
  contents->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
      (GDestroyNotify) media_edge_state_entry_free);
  contents->hint = NULL;
}

static void
contents_clear (Contents * contents)
{
  g_clear_pointer (&contents->entries, g_hash_table_unref);
  g_clear_pointer (&contents->hint, media_edge_state_entry_free);
}

static void
contents_set (Contents * contents, const MediaEdgeStateEntry * entry)
{
  MediaEdgeStateEntry *copy = entry_copy (entry);

  g_hash_table_replace (contents->entries, copy->key, copy);
}

static void
contents_set_hint (Contents * contents, const MediaEdgeStateEntry * hint)
{
  g_clear_pointer (&contents->hint, media_edge_state_entry_free);
  if (hint != NULL)
    contents->hint = entry_copy (hint);
}

/* The entries that expire after @now, copied, sorted by key */
static GPtrArray *
contents_dup_live (const Contents * contents, gint64 now)
{
  GPtrArray *live = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_state_entry_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, contents->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value)) {
    const MediaEdgeStateEntry *entry = value;

    if (entry->expires > now)
      g_ptr_array_add (live, entry_copy (entry));
  }
  g_ptr_array_sort (live, entry_compare);

  return live;
}

static gboolean
entry_expired (gpointer key, gpointer value, gpointer user_data)
{
  const MediaEdgeStateEntry *entry = value;

  return entry->expires <= *(const gint64 *) user_data;
}

static void
contents_drop_expired (Contents * contents, gint64 now)
{
  g_hash_table_foreach_remove (contents->entries, entry_expired, &now);
  if (contents->hint != NULL && contents->hint->expires <= now)
    g_clear_pointer (&contents->hint, media_edge_state_entry_free);
}

/* At most MAX_KEPT_ENTRIES entries, those that live longest: a service
 * that hands out new keys every session must not grow the file past what
 * a reader takes (MAX_FILE_SIZE). */
static void
contents_bound (Contents * contents)
{
  while (g_hash_table_size (contents->entries) > MAX_KEPT_ENTRIES) {
    GHashTableIter iter;
    gpointer key, value;
    const gchar *soonest = NULL;
    gint64 soonest_expiry = G_MAXINT64;

    g_hash_table_iter_init (&iter, contents->entries);
    while (g_hash_table_iter_next (&iter, &key, &value)) {
      const MediaEdgeStateEntry *entry = value;

      if (entry->expires < soonest_expiry
          || (entry->expires == soonest_expiry && g_strcmp0 (key,
                  soonest) < 0)) {
        soonest = key;
        soonest_expiry = entry->expires;
      }
    }
    g_hash_table_remove (contents->entries, soonest);
  }
}

/* Carries into @to what @from holds for @keys, and the hint if
 * @with_hint: set where @from has it, removed where it has not. */
static void
contents_apply (Contents * to, const Contents * from, GHashTable * keys,
    gboolean with_hint)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, keys);
  while (g_hash_table_iter_next (&iter, &key, NULL)) {
    const MediaEdgeStateEntry *entry = g_hash_table_lookup (from->entries, key);

    if (entry != NULL)
      contents_set (to, entry);
    else
      g_hash_table_remove (to->entries, key);
  }
  if (with_hint)
    contents_set_hint (to, from->hint);
}

/* ------------------------------------------------------------------ */
/* the key file layout */

/* An entry from its group, or NULL if the group is damaged. The hint has
 * no key. */
static MediaEdgeStateEntry *
entry_from_group (GKeyFile * file, const gchar * group, gboolean with_key)
{
  g_autoptr (MediaEdgeStateEntry) entry = g_new0 (MediaEdgeStateEntry, 1);
  g_autoptr (GError) error = NULL;

  if (with_key) {
    entry->key = g_key_file_get_string (file, group, KEY_KEY, NULL);
    if (entry->key == NULL || entry->key[0] == '\0')
      return NULL;
  }
  entry->value = g_key_file_get_string (file, group, VALUE_KEY, NULL);
  entry->expires = g_key_file_get_int64 (file, group, EXPIRES_KEY, &error);
  if (entry->value == NULL || error != NULL)
    return NULL;

  return g_steal_pointer (&entry);
}

static void
entry_to_group (GKeyFile * file, const gchar * group,
    const MediaEdgeStateEntry * entry, gboolean with_key)
{
  if (with_key)
    g_key_file_set_string (file, group, KEY_KEY, entry->key);
  g_key_file_set_string (file, group, VALUE_KEY, entry->value);
  g_key_file_set_int64 (file, group, EXPIRES_KEY, entry->expires);
}

/* Fills empty @contents from @file, FALSE if any group it knows is
 * damaged */
static gboolean
contents_from_key_file (Contents * contents, GKeyFile * file)
{
  g_auto (GStrv) groups = g_key_file_get_groups (file, NULL);

  for (guint i = 0; groups[i] != NULL; i++) {
    MediaEdgeStateEntry *entry;

    if (strcmp (groups[i], HINT_GROUP) == 0) {
      entry = entry_from_group (file, groups[i], FALSE);
      if (entry == NULL)
        return FALSE;
      g_clear_pointer (&contents->hint, media_edge_state_entry_free);
      contents->hint = entry;
    } else if (g_str_has_prefix (groups[i], ENTRY_GROUP_PREFIX)) {
      entry = entry_from_group (file, groups[i], TRUE);
      if (entry == NULL)
        return FALSE;
      g_hash_table_replace (contents->entries, entry->key, entry);
    }
  }

  return TRUE;
}

static gchar *
contents_to_data (const Contents * contents, gsize * length)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autoptr (GPtrArray) entries = contents_dup_live (contents, G_MININT64);

  if (contents->hint != NULL)
    entry_to_group (file, HINT_GROUP, contents->hint, FALSE);
  for (guint i = 0; i < entries->len; i++) {
    g_autofree gchar *group = g_strdup_printf (ENTRY_GROUP_PREFIX "%u", i);

    entry_to_group (file, group, g_ptr_array_index (entries, i), TRUE);
  }

  return g_key_file_to_data (file, length, NULL);
}

/* GKeyFile reads back only UTF-8: anything else would make the file look
 * damaged to the next reader. */
static gboolean
entry_is_storable (const MediaEdgeStateEntry * entry)
{
  return entry->key != NULL && entry->key[0] != '\0' &&
      g_utf8_validate (entry->key, -1, NULL) &&
      entry->value != NULL && g_utf8_validate (entry->value, -1, NULL);
}

/* ------------------------------------------------------------------ */
/* files */

static void
stamp_from_stat (FileStamp * stamp, const struct stat *st)
{
  stamp->exists = TRUE;
  stamp->dev = st->st_dev;
  stamp->ino = st->st_ino;
  stamp->size = st->st_size;
  stamp->mtime_sec = st->st_mtim.tv_sec;
  stamp->mtime_nsec = st->st_mtim.tv_nsec;
}

static gboolean
stamp_equal (const FileStamp * a, const FileStamp * b)
{
  if (!a->exists || !b->exists)
    return a->exists == b->exists;

  return a->dev == b->dev && a->ino == b->ino && a->size == b->size &&
      a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec;
}

/* FALSE if @path cannot be looked at, which is no reason to drop what we
 * have */
static gboolean
stamp_file (const gchar * path, FileStamp * stamp)
{
  struct stat st;

  memset (stamp, 0, sizeof (*stamp));
  if (stat (path, &st) == 0) {
    stamp_from_stat (stamp, &st);
    return TRUE;
  }

  return errno == ENOENT;
}

/* Reads all of @fd, at most MAX_FILE_SIZE bytes, FALSE on an error or a
 * larger file */
static gboolean
read_all (int fd, GByteArray * data)
{
  guint8 buffer[4096];
  gssize n;

  do {
    n = read (fd, buffer, sizeof (buffer));
    if (n > 0)
      g_byte_array_append (data, buffer, n);
  } while ((n > 0 && data->len <= MAX_FILE_SIZE) || (n < 0 && errno == EINTR));

  return n == 0;
}

/* Reads @path with the stamp of what was read, which an open file keeps
 * even if another process replaces the file meanwhile. TRUE with NULL
 * data if there is no such file or it is too large to be ours (a damaged
 * file, to be replaced); FALSE if it could not be read. */
static gboolean
read_file (MediaEdgeState * state, const gchar * path, GBytes ** data,
    FileStamp * stamp)
{
  g_autoptr (GByteArray) bytes = NULL;
  struct stat st;
  int fd;

  *data = NULL;
  memset (stamp, 0, sizeof (*stamp));
  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 && errno == ENOENT)
    return TRUE;
  if (fd < 0 || fstat (fd, &st) < 0) {
    note_problem (state,
        g_strdup_printf ("Could not read the state file %s: %s", path,
            g_strerror (errno)));
    if (fd >= 0)
      g_close (fd, NULL);
    return FALSE;
  }
  stamp_from_stat (stamp, &st);
  bytes = g_byte_array_sized_new (MIN (st.st_size, MAX_FILE_SIZE));
  if (!read_all (fd, bytes)) {
    if (bytes->len > MAX_FILE_SIZE)
      note_problem (state,
          g_strdup_printf ("The state file %s is larger than a state file "
              "can be: it is ignored, and will be replaced at the next write",
              path));
    else
      note_problem (state,
          g_strdup_printf ("Could not read the state file %s: %s", path,
              g_strerror (errno)));
    g_close (fd, NULL);
    return bytes->len > MAX_FILE_SIZE;
  }
  g_close (fd, NULL);
  *data = g_byte_array_free_to_bytes (g_steal_pointer (&bytes));

  return TRUE;
}

/* A key file from @data, or NULL if it is none, a damaged file */
static GKeyFile *
parse_key_file (GBytes * data)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  gsize length;
  const gchar *text = g_bytes_get_data (data, &length);

  if (length > 0 && !g_key_file_load_from_data (file, text, length,
          G_KEY_FILE_NONE, NULL))
    return NULL;

  return g_steal_pointer (&file);
}

static void
note_damaged (MediaEdgeState * state, const gchar * path)
{
  /* the parser's message would quote the file: name it only */
  note_problem (state,
      g_strdup_printf ("The state file %s is damaged: what it holds is "
          "ignored, and it will be replaced at the next write", path));
}

/* Reads a datastream file into empty @contents; FALSE if it could not be
 * read. A missing or damaged file reads as empty. */
static gboolean
read_contents (MediaEdgeState * state, Contents * contents, FileStamp * stamp)
{
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GKeyFile) file = NULL;

  if (!read_file (state, state->path, &data, stamp))
    return FALSE;
  if (data == NULL)
    return TRUE;
  file = parse_key_file (data);
  if (file == NULL || !contents_from_key_file (contents, file)) {
    note_damaged (state, state->path);
    g_hash_table_remove_all (contents->entries);
    g_clear_pointer (&contents->hint, media_edge_state_entry_free);
  }

  return TRUE;
}

/* Replaces @path whole, so that a reader sees the old file or the new one,
 * never a part */
static gboolean
write_file (MediaEdgeState * state, const gchar * path, const gchar * data,
    gsize length)
{
  g_autoptr (GError) error = NULL;

  if (!g_file_set_contents_full (path, data, length,
          G_FILE_SET_CONTENTS_CONSISTENT, 0600, &error)) {
    note_problem (state,
        g_strdup_printf ("Could not write the state file %s: %s", path,
            error->message));
    return FALSE;
  }

  return TRUE;
}

/* A stopped or stuck player holding the lock must not stop the others:
 * they wait this long at most, then keep their state in memory. */
#define LOCK_WAIT_MS 1000

/* flock() @fd, waiting LOCK_WAIT_MS at most; errno says why not */
static gboolean
wait_for_lock (int fd)
{
  for (guint waited = 0; waited <= LOCK_WAIT_MS; waited += 10) {
    if (flock (fd, LOCK_EX | LOCK_NB) == 0)
      return TRUE;
    if (errno != EWOULDBLOCK && errno != EINTR)
      return FALSE;
    g_usleep (10 * 1000);
  }
  errno = EWOULDBLOCK;

  return FALSE;
}

/* Creates the folder if need be and takes @path's lock file, or returns
 * -1. Closing what it returns lets the lock go. */
static int
lock_file (MediaEdgeState * state, const gchar * path)
{
  g_autofree gchar *lock_path = g_strconcat (path, ".lock", NULL);
  int fd;

  if (g_mkdir_with_parents (state->dir, 0700) < 0) {
    note_problem (state,
        g_strdup_printf ("Could not create the state folder %s: %s", state->dir,
            g_strerror (errno)));
    return -1;
  }
  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    note_problem (state, g_strdup_printf ("Could not open the lock file %s: %s",
            lock_path, g_strerror (errno)));
    return -1;
  }
  if (!wait_for_lock (fd)) {
    note_problem (state, g_strdup_printf ("Could not lock %s within %u ms: "
            "%s", lock_path, LOCK_WAIT_MS, errno == EWOULDBLOCK ?
            "another process holds it" : g_strerror (errno)));
    g_close (fd, NULL);
    return -1;
  }

  return fd;
}

/* ------------------------------------------------------------------ */
/* the datastream file */

/* Merges what this process changed into the file under its lock, and
 * adopts the result, so that what other processes wrote meanwhile is kept
 * and seen. On any failure the changes stay in memory, to be written with
 * the next ones. */
static void
state_write (MediaEdgeState * state, gint64 now)
{
  Contents merged;
  g_autofree gchar *data = NULL;
  gsize length;
  int lock_fd;

  if (state->path == NULL)
    return;
  lock_fd = lock_file (state, state->path);
  if (lock_fd < 0)
    return;

  contents_init (&merged);
  if (!read_contents (state, &merged, &state->stamp)) {
    contents_clear (&merged);
    g_close (lock_fd, NULL);
    return;
  }
  contents_apply (&merged, &state->contents, state->changed,
      state->hint_changed);
  contents_drop_expired (&merged, now);
  contents_bound (&merged);
  data = contents_to_data (&merged, &length);
  if (write_file (state, state->path, data, length)) {
    GST_DEBUG ("%s: wrote %u changed keys, %u entries in all", state->path,
        g_hash_table_size (state->changed), g_hash_table_size (merged.entries));
    g_hash_table_remove_all (state->changed);
    state->hint_changed = FALSE;
    stamp_file (state->path, &state->stamp);
  }
  contents_clear (&state->contents);
  state->contents = merged;
  g_close (lock_fd, NULL);
}

/* Reads the file again if another process replaced it since we last did,
 * keeping what this process has not managed to write yet. */
static void
state_refresh (MediaEdgeState * state)
{
  FileStamp stamp;
  Contents fresh;

  if (state->path == NULL || !stamp_file (state->path, &stamp) ||
      stamp_equal (&stamp, &state->stamp))
    return;

  contents_init (&fresh);
  if (!read_contents (state, &fresh, &state->stamp)) {
    contents_clear (&fresh);
    return;
  }
  contents_apply (&fresh, &state->contents, state->changed,
      state->hint_changed);
  contents_clear (&state->contents);
  state->contents = fresh;
  GST_DEBUG ("%s changed on disk: read %u entries", state->path,
      g_hash_table_size (fresh.entries));
}

/* ------------------------------------------------------------------ */
/* the device file */

/* The FPID @path holds, or NULL if there is none yet, or it is damaged */
static gchar *
read_fpid (MediaEdgeState * state, const gchar * path, gboolean * readable)
{
  g_autoptr (GBytes) data = NULL;
  g_autoptr (GKeyFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *fpid = NULL;
  FileStamp stamp;

  *readable = read_file (state, path, &data, &stamp);
  if (!*readable || data == NULL)
    return NULL;
  file = parse_key_file (data);
  if (file != NULL) {
    fpid = g_key_file_get_string (file, DEVICE_GROUP, FPID_KEY, &error);
    if (g_error_matches (error, G_KEY_FILE_ERROR,
            G_KEY_FILE_ERROR_GROUP_NOT_FOUND) ||
        g_error_matches (error, G_KEY_FILE_ERROR,
            G_KEY_FILE_ERROR_KEY_NOT_FOUND))
      return NULL;
  }
  if (fpid == NULL || fpid[0] == '\0') {
    note_damaged (state, path);
    return NULL;
  }

  return g_steal_pointer (&fpid);
}

static void
write_fpid (MediaEdgeState * state, const gchar * path, const gchar * fpid)
{
  g_autoptr (GKeyFile) file = g_key_file_new ();
  g_autofree gchar *data = NULL;
  gsize length;

  g_key_file_set_string (file, DEVICE_GROUP, FPID_KEY, fpid);
  data = g_key_file_to_data (file, &length, NULL);
  if (write_file (state, path, data, length))
    GST_DEBUG ("%s: made the device's FPID", path);
}

/* The FPID of the folder's device file, made and written if it has none.
 * Whatever fails, there is one, for this process at least. */
static gchar *
device_fpid (MediaEdgeState * state)
{
  g_autofree gchar *path = g_build_filename (state->dir, DEVICE_FILE, NULL);
  gchar *fpid;
  int lock_fd;

  gboolean readable;

  /* without a lock first: a folder that is only read keeps its FPID; a
   * file that cannot be read is not replaced */
  fpid = read_fpid (state, path, &readable);
  if (fpid != NULL)
    return fpid;
  if (!readable)
    return g_uuid_string_random ();

  lock_fd = lock_file (state, path);
  if (lock_fd < 0)
    return g_uuid_string_random ();
  /* another process may have made it since we looked */
  fpid = read_fpid (state, path, &readable);
  if (fpid == NULL) {
    fpid = g_uuid_string_random ();
    if (readable)
      write_fpid (state, path, fpid);
  }
  g_close (lock_fd, NULL);

  return fpid;
}

/* ------------------------------------------------------------------ */
/* instances */

static guint
state_hash (gconstpointer key)
{
  const MediaEdgeState *state = key;
  guint hash = state->dir != NULL ? g_str_hash (state->dir) : 0;

  if (state->datastream != NULL)
    hash = hash * 31 + g_str_hash (state->datastream);

  return hash;
}

static gboolean
state_equal (gconstpointer a, gconstpointer b)
{
  const MediaEdgeState *sa = a;
  const MediaEdgeState *sb = b;

  return g_strcmp0 (sa->dir, sb->dir) == 0 &&
      g_strcmp0 (sa->datastream, sb->datastream) == 0;
}

/* The file a datastream's state goes to, in @dir */
static gchar *
datastream_path (const gchar * dir, const gchar * datastream)
{
  g_autofree gchar *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
      datastream, -1);
  g_autofree gchar *name = g_strdup_printf ("datastream-%s.ini", hash);

  return g_build_filename (dir, name, NULL);
}

static MediaEdgeState *
state_new (const gchar * dir, const gchar * datastream)
{
  MediaEdgeState *state = g_new0 (MediaEdgeState, 1);

  g_atomic_ref_count_init (&state->refcount);
  state->dir = g_strdup (dir);
  state->datastream = g_strdup (datastream);
  if (dir != NULL && datastream != NULL)
    state->path = datastream_path (dir, datastream);
  g_mutex_init (&state->lock);
  contents_init (&state->contents);
  state->changed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
      NULL);

  if (state->path != NULL && read_contents (state, &state->contents,
          &state->stamp))
    GST_DEBUG ("%s: read %u entries", state->path,
        g_hash_table_size (state->contents.entries));

  return state;
}

static void
state_free (MediaEdgeState * state)
{
  contents_clear (&state->contents);
  g_hash_table_unref (state->changed);
  g_mutex_clear (&state->lock);
  g_free (state->problem);
  g_free (state->path);
  g_free (state->datastream);
  g_free (state->dir);
  g_free (state);
}

/* ------------------------------------------------------------------ */
/* API */

gchar *
media_edge_state_default_dir (void)
{
  return g_build_filename (g_get_user_state_dir (), "gst-mediaedge", NULL);
}

/**
 * media_edge_state_get:
 * @dir: (nullable): the state folder; %NULL or "" to keep the state in
 *   memory only
 * @datastream: (nullable): the datastream id, or %NULL for none: then
 *   there is only the device's FPID
 *
 * Two folders spelled differently share the files, not the instance.
 *
 * Returns: (transfer full): the process's one instance for @dir and
 *   @datastream, holding what the files hold
 */
MediaEdgeState *
media_edge_state_get (const gchar * dir, const gchar * datastream)
{
  MediaEdgeState probe = { 0 };
  MediaEdgeState *state;

  init_debug ();
  if (dir != NULL && dir[0] == '\0')
    dir = NULL;
  probe.dir = (gchar *) dir;
  probe.datastream = (gchar *) datastream;

  g_mutex_lock (&instances_lock);
  if (instances == NULL)
    instances = g_hash_table_new (state_hash, state_equal);
  state = g_hash_table_lookup (instances, &probe);
  if (state != NULL) {
    g_atomic_ref_count_inc (&state->refcount);
  } else {
    state = state_new (dir, datastream);
    g_hash_table_add (instances, state);
    /* kept nowhere else, a state without a folder is kept by the process
     * (the table holds a reference): the next element finds it */
    if (dir == NULL)
      g_atomic_ref_count_inc (&state->refcount);
  }
  g_mutex_unlock (&instances_lock);

  return state;
}

MediaEdgeState *
media_edge_state_ref (MediaEdgeState * state)
{
  g_return_val_if_fail (state != NULL, NULL);

  g_atomic_ref_count_inc (&state->refcount);

  return state;
}

void
media_edge_state_unref (MediaEdgeState * state)
{
  g_return_if_fail (state != NULL);

  /* under the table's lock, so that no get finds it on its way out */
  g_mutex_lock (&instances_lock);
  if (!g_atomic_ref_count_dec (&state->refcount)) {
    g_mutex_unlock (&instances_lock);
    return;
  }
  g_hash_table_remove (instances, state);
  if (g_hash_table_size (instances) == 0)
    g_clear_pointer (&instances, g_hash_table_unref);
  g_mutex_unlock (&instances_lock);

  state_free (state);
}

/**
 * media_edge_state_dup_fpid:
 *
 * Returns: (transfer full): the device's FPID, made and written on first
 *   use; the same for every datastream and process using the folder
 */
gchar *
media_edge_state_dup_fpid (MediaEdgeState * state)
{
  const gchar *folder;
  gchar *fpid;

  g_return_val_if_fail (state != NULL, NULL);

  g_mutex_lock (&state->lock);
  folder = state->dir != NULL ? state->dir : "";
  g_mutex_lock (&fpids_lock);
  if (fpids == NULL)
    fpids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fpid = g_strdup (g_hash_table_lookup (fpids, folder));
  if (fpid == NULL) {
    fpid = state->dir != NULL ? device_fpid (state) : g_uuid_string_random ();
    g_hash_table_insert (fpids, g_strdup (folder), g_strdup (fpid));
  }
  g_mutex_unlock (&fpids_lock);
  g_mutex_unlock (&state->lock);

  return fpid;
}

/**
 * media_edge_state_store:
 * @entries: (array length=n_entries): what the service sent
 * @now: the time, UNIX seconds
 *
 * Sets each entry, or removes its key if it expires at @now or before (a
 * maxAge of 0), and writes the result at once. Entries without a key, or
 * that are not UTF-8, are skipped.
 */
void
media_edge_state_store (MediaEdgeState * state,
    const MediaEdgeStateEntry * entries, guint n_entries, gint64 now)
{
  guint stored = 0;

  g_return_if_fail (state != NULL);
  g_return_if_fail (entries != NULL || n_entries == 0);

  g_mutex_lock (&state->lock);
  state->last_now = now;
  for (guint i = 0; i < n_entries; i++) {
    if (!entry_is_storable (&entries[i])) {
      GST_WARNING ("skipping a state entry with no key or not in UTF-8");
      continue;
    }
    if (entries[i].expires > now)
      contents_set (&state->contents, &entries[i]);
    else
      g_hash_table_remove (state->contents.entries, entries[i].key);
    if (state->path != NULL)
      g_hash_table_add (state->changed, g_strdup (entries[i].key));
    GST_DEBUG ("%s %s", entries[i].expires > now ? "set" : "removed",
        entries[i].key);
    stored++;
  }
  if (stored > 0)
    state_write (state, now);
  g_mutex_unlock (&state->lock);
}

/**
 * media_edge_state_dup_entries:
 * @now: the time, UNIX seconds
 *
 * Returns: (transfer container) (element-type MediaEdgeStateEntry): the
 *   entries that expire after @now, sorted by key, including those another
 *   process stored
 */
GPtrArray *
media_edge_state_dup_entries (MediaEdgeState * state, gint64 now)
{
  GPtrArray *live;

  g_return_val_if_fail (state != NULL, NULL);

  g_mutex_lock (&state->lock);
  state->last_now = now;
  state_refresh (state);
  live = contents_dup_live (&state->contents, now);
  g_mutex_unlock (&state->lock);

  return live;
}

/**
 * media_edge_state_set_hint:
 * @hint: (nullable): the location hint, or %NULL to forget it
 * @expires: when it expires, UNIX seconds
 */
void
media_edge_state_set_hint (MediaEdgeState * state, const gchar * hint,
    gint64 expires)
{
  MediaEdgeStateEntry entry = { NULL, (gchar *) hint, expires };

  g_return_if_fail (state != NULL);
  g_return_if_fail (hint == NULL || g_utf8_validate (hint, -1, NULL));

  g_mutex_lock (&state->lock);
  contents_set_hint (&state->contents, hint != NULL ? &entry : NULL);
  state->hint_changed = state->path != NULL;
  GST_DEBUG ("location hint %s", hint != NULL ? "set" : "forgotten");
  /* no time given: what expired by the last one we were told is dropped */
  state_write (state, state->last_now);
  g_mutex_unlock (&state->lock);
}

/**
 * media_edge_state_dup_hint:
 * @now: the time, UNIX seconds
 *
 * Returns: (transfer full) (nullable): the location hint, or %NULL if
 *   there is none or it expired
 */
gchar *
media_edge_state_dup_hint (MediaEdgeState * state, gint64 now)
{
  gchar *hint = NULL;

  g_return_val_if_fail (state != NULL, NULL);

  g_mutex_lock (&state->lock);
  state->last_now = now;
  state_refresh (state);
  if (state->contents.hint != NULL && state->contents.hint->expires > now)
    hint = g_strdup (state->contents.hint->value);
  g_mutex_unlock (&state->lock);

  return hint;
}

/**
 * media_edge_state_take_problem:
 *
 * Returns: (transfer full) (nullable): a sentence for the first problem
 *   the state met (a file that could not be written, or was damaged) the
 *   first time it is asked for; %NULL otherwise
 */
gchar *
media_edge_state_take_problem (MediaEdgeState * state)
{
  gchar *problem;

  g_return_val_if_fail (state != NULL, NULL);

  g_mutex_lock (&state->lock);
  problem = g_steal_pointer (&state->problem);
  g_mutex_unlock (&state->lock);

  return problem;
}
