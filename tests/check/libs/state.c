/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The device state keeps what it is given, in memory or in its folder,
 * forgets what expired, is one instance per (folder, datastream), sees
 * what other processes (forked children here) wrote without losing any of
 * it, and goes on in memory, saying so once, when its files fail it. */

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "mediaedge-state.h"
#include "support.h"

#define NOW G_GINT64_CONSTANT (1700000000)

/* Keys and values the key file syntax would trip on */
static const MediaEdgeStateEntry odd_entries[] = {
  {(gchar *) "kndctr_1234_AdobeOrg_identity", (gchar *) "CiYxMjM0NQ==",
      NOW + 100},
  {(gchar *) " lead=[x]#;", (gchar *) "two\nlines\t\\s trailing ", NOW + 200},
  {(gchar *) "ünï ✓\r\n", (gchar *) "", NOW + 300},
};

/* The file of @datastream in @dir: named by the id's SHA-256 */
static gchar *
datastream_file (const gchar * dir, const gchar * datastream)
{
  g_autofree gchar *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
      datastream, -1);
  g_autofree gchar *name = g_strdup_printf ("datastream-%s.ini", hash);

  return g_build_filename (dir, name, NULL);
}

static GKeyFile *
load_key_file (const gchar * path)
{
  g_autoptr (GError) error = NULL;
  GKeyFile *file = g_key_file_new ();

  fail_unless (g_key_file_load_from_file (file, path, G_KEY_FILE_NONE,
          &error), "%s: %s", path, error ? error->message : "");

  return file;
}

static void
store_one (MediaEdgeState * state, const gchar * key, const gchar * value,
    gint64 expires, gint64 now)
{
  MediaEdgeStateEntry entry = { (gchar *) key, (gchar *) value, expires };

  media_edge_state_store (state, &entry, 1, now);
}

/* The live entries as "key=value" lines, in the order given */
static gchar *
describe_entries (MediaEdgeState * state, gint64 now)
{
  g_autoptr (GPtrArray) entries = media_edge_state_dup_entries (state, now);
  GString *text = g_string_new (NULL);

  fail_unless (entries != NULL);
  for (guint i = 0; i < entries->len; i++) {
    const MediaEdgeStateEntry *entry = g_ptr_array_index (entries, i);

    g_string_append_printf (text, "%s=%s;", entry->key, entry->value);
  }

  return g_string_free (text, FALSE);
}

static guint
count_entries (MediaEdgeState * state, gint64 now)
{
  g_autoptr (GPtrArray) entries = media_edge_state_dup_entries (state, now);

  return entries->len;
}

static void
assert_odd_entries (MediaEdgeState * state)
{
  g_autoptr (GPtrArray) entries = media_edge_state_dup_entries (state, NOW);
  /* sorted by key: the blank, then ASCII, then the rest */
  const guint order[] = { 1, 0, 2 };

  fail_unless_equals_int (entries->len, G_N_ELEMENTS (order));
  for (guint i = 0; i < entries->len; i++) {
    const MediaEdgeStateEntry *entry = g_ptr_array_index (entries, i);
    const MediaEdgeStateEntry *expected = &odd_entries[order[i]];

    fail_unless_equals_string (entry->key, expected->key);
    fail_unless_equals_string (entry->value, expected->value);
    fail_unless_equals_int64 (entry->expires, expected->expires);
  }
}

GST_START_TEST (test_default_dir)
{
  g_autofree gchar *dir = media_edge_state_default_dir ();
  g_autofree gchar *expected =
      g_build_filename (g_get_user_state_dir (), "gst-mediaedge", NULL);

  fail_unless_equals_string (dir, expected);
}

GST_END_TEST;

/* With no folder everything works for the process, and no file appears,
 * not even in the folders a relative or default path would lead to. */
GST_START_TEST (test_memory_only)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *cwd = g_get_current_dir ();
  g_autofree gchar *fpid = NULL;
  g_autofree gchar *hint = NULL;
  g_autofree gchar *listing = NULL;
  g_autofree gchar *fpid_b = NULL;
  g_autofree gchar *entries_b = NULL;
  MediaEdgeState *a, *a_empty, *b;

  fail_unless (chdir (tmp) == 0);
  g_setenv ("HOME", tmp, TRUE);
  g_setenv ("XDG_STATE_HOME", tmp, TRUE);

  a = media_edge_state_get (NULL, "ds-a");
  a_empty = media_edge_state_get ("", "ds-a");
  b = media_edge_state_get (NULL, "ds-b");
  fail_unless (a == a_empty);
  fail_unless (a != b);

  media_edge_state_store (a, odd_entries, G_N_ELEMENTS (odd_entries), NOW);
  assert_odd_entries (a);
  entries_b = describe_entries (b, NOW);
  fail_unless_equals_string (entries_b, "");

  media_edge_state_set_hint (a, "or2", NOW + 1800);
  hint = media_edge_state_dup_hint (a, NOW);
  fail_unless_equals_string (hint, "or2");

  fpid = media_edge_state_dup_fpid (a);
  fail_unless (g_uuid_string_is_valid (fpid));
  fpid_b = media_edge_state_dup_fpid (b);
  fail_unless_equals_string (fpid_b, fpid);

  fail_unless (media_edge_state_take_problem (a) == NULL);
  media_edge_state_unref (a_empty);
  media_edge_state_unref (a);
  media_edge_state_unref (b);

  listing = list_dir (tmp);
  fail_unless_equals_string (listing, "");
  fail_unless (chdir (cwd) == 0);
  remove_tree (tmp);
}

GST_END_TEST;

/* What was stored is there again once every reference went and the files
 * were read anew, and the files are the user's only. */
GST_START_TEST (test_persistence)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *dir = g_build_filename (tmp, "state", NULL);
  g_autofree gchar *ds_path = datastream_file (dir, "ds1");
  g_autofree gchar *ds_name = NULL;
  g_autofree gchar *expected_listing = NULL;
  g_autofree gchar *ds_lock = g_strconcat (ds_path, ".lock", NULL);
  g_autofree gchar *device_path = g_build_filename (dir, "device.ini", NULL);
  g_autofree gchar *device_lock = g_strconcat (device_path, ".lock", NULL);
  g_autofree gchar *fpid = NULL;
  g_autofree gchar *fpid_again = NULL;
  g_autofree gchar *fpid_in_file = NULL;
  g_autofree gchar *hint = NULL;
  g_autofree gchar *listing = NULL;
  g_autoptr (GKeyFile) device = NULL;
  g_autoptr (GKeyFile) datastream = NULL;
  MediaEdgeState *state;

  state = media_edge_state_get (dir, "ds1");
  /* nothing on disk until something is written */
  fail_if (g_file_test (dir, G_FILE_TEST_EXISTS));
  media_edge_state_store (state, odd_entries, G_N_ELEMENTS (odd_entries), NOW);
  media_edge_state_set_hint (state, "or2", NOW + 1800);
  fpid = media_edge_state_dup_fpid (state);
  fail_unless (media_edge_state_take_problem (state) == NULL);
  media_edge_state_unref (state);

  listing = list_dir (dir);
  ds_name = g_path_get_basename (ds_path);
  expected_listing = g_strdup_printf ("%s %s.lock device.ini device.ini.lock",
      ds_name, ds_name);
  fail_unless_equals_string (listing, expected_listing);
  fail_unless_equals_int (file_mode (dir), 0700);
  fail_unless_equals_int (file_mode (ds_path), 0600);
  fail_unless_equals_int (file_mode (ds_lock), 0600);
  fail_unless_equals_int (file_mode (device_path), 0600);
  fail_unless_equals_int (file_mode (device_lock), 0600);

  device = load_key_file (device_path);
  fpid_in_file = g_key_file_get_string (device, "device", "fpid", NULL);
  fail_unless_equals_string (fpid_in_file, fpid);
  /* the service's keys are values, in a group of their own each */
  datastream = load_key_file (ds_path);
  fail_unless (g_key_file_has_group (datastream, "hint"));
  fail_unless (g_key_file_has_group (datastream, "entry 2"));
  fail_if (g_key_file_has_group (datastream, "entry 3"));

  state = media_edge_state_get (dir, "ds1");
  assert_odd_entries (state);
  hint = media_edge_state_dup_hint (state, NOW);
  fail_unless_equals_string (hint, "or2");
  fpid_again = media_edge_state_dup_fpid (state);
  fail_unless_equals_string (fpid_again, fpid);
  fail_unless (media_edge_state_take_problem (state) == NULL);
  media_edge_state_unref (state);

  remove_tree (tmp);
}

GST_END_TEST;

/* Expired entries are not returned, an expiry at or before now deletes a
 * key, in memory and in the file, and the hint expires too. */
GST_START_TEST (test_expiry)
{
  const MediaEdgeStateEntry entries[] = {
    {(gchar *) "live", (gchar *) "1", NOW + 1000},
    {(gchar *) "past", (gchar *) "2", NOW - 1},
    {(gchar *) "now", (gchar *) "3", NOW},
    {(gchar *) "later", (gchar *) "4", NOW + 10},
  };
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *ds_path = datastream_file (tmp, "ds");
  g_autoptr (GKeyFile) file = NULL;
  g_autofree gchar *text = NULL;
  g_autofree gchar *hint = NULL;
  MediaEdgeState *state = media_edge_state_get (tmp, "ds");
  struct
  {
    gint64 now;
    const gchar *expected;
  } checks[] = {
    {NOW, "later=4;live=1;"},
    {NOW + 9, "later=4;live=1;"},
    {NOW + 10, "live=1;"},
    {NOW + 999, "live=1;"},
    {NOW + 1000, ""},
  };

  media_edge_state_store (state, entries, G_N_ELEMENTS (entries), NOW);
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++) {
    g_autofree gchar *live = describe_entries (state, checks[i].now);

    fail_unless_equals_string (live, checks[i].expected);
  }

  /* a maxAge of 0 */
  store_one (state, "live", "1", NOW + 5, NOW + 5);
  text = describe_entries (state, NOW);
  fail_unless_equals_string (text, "later=4;");
  file = load_key_file (ds_path);
  fail_unless (g_key_file_has_group (file, "entry 0"));
  fail_if (g_key_file_has_group (file, "entry 1"));
  g_clear_pointer (&text, g_free);
  text = g_key_file_get_string (file, "entry 0", "key", NULL);
  fail_unless_equals_string (text, "later");

  media_edge_state_set_hint (state, "va6", NOW + 60);
  hint = media_edge_state_dup_hint (state, NOW + 59);
  fail_unless_equals_string (hint, "va6");
  fail_unless (media_edge_state_dup_hint (state, NOW + 60) == NULL);
  g_clear_pointer (&hint, g_free);
  hint = media_edge_state_dup_hint (state, NOW);
  fail_unless_equals_string (hint, "va6");
  media_edge_state_set_hint (state, NULL, 0);
  fail_unless (media_edge_state_dup_hint (state, NOW) == NULL);

  fail_unless (media_edge_state_take_problem (state) == NULL);
  media_edge_state_unref (state);
  remove_tree (tmp);
}

GST_END_TEST;

/* One instance per (folder, datastream); datastreams keep their entries
 * apart and share the device's FPID. */
GST_START_TEST (test_sharing)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *fpid_a = NULL;
  g_autofree gchar *fpid_b = NULL;
  g_autofree gchar *fpid_none = NULL;
  g_autofree gchar *entries_b = NULL;
  g_autofree gchar *hint_b = NULL;
  MediaEdgeState *a = media_edge_state_get (tmp, "a");
  MediaEdgeState *a_again = media_edge_state_get (tmp, "a");
  MediaEdgeState *b = media_edge_state_get (tmp, "b");
  MediaEdgeState *none = media_edge_state_get (tmp, NULL);
  MediaEdgeState *none_again = media_edge_state_get (tmp, NULL);

  fail_unless (a == a_again);
  fail_unless (none == none_again);
  fail_unless (a != b && a != none && b != none);
  fail_unless (media_edge_state_ref (a) == a);
  media_edge_state_unref (a);

  store_one (a, "k", "v", NOW + 10, NOW);
  media_edge_state_set_hint (a, "or2", NOW + 10);
  entries_b = describe_entries (b, NOW);
  fail_unless_equals_string (entries_b, "");
  hint_b = media_edge_state_dup_hint (b, NOW);
  fail_unless (hint_b == NULL);

  fpid_a = media_edge_state_dup_fpid (a);
  fpid_b = media_edge_state_dup_fpid (b);
  fpid_none = media_edge_state_dup_fpid (none);
  fail_unless (g_uuid_string_is_valid (fpid_a));
  fail_unless_equals_string (fpid_b, fpid_a);
  fail_unless_equals_string (fpid_none, fpid_a);

  media_edge_state_unref (a);
  media_edge_state_unref (a_again);
  media_edge_state_unref (b);
  media_edge_state_unref (none);
  media_edge_state_unref (none_again);
  remove_tree (tmp);
}

GST_END_TEST;

static gboolean
store_as_other_process (gpointer data)
{
  g_autoptr (MediaEdgeState) state = media_edge_state_get (data, "ds");

  store_one (state, "theirs", "2", NOW + 10, NOW);
  store_one (state, "shared", "theirs", NOW + 10, NOW);
  media_edge_state_set_hint (state, "va6", NOW + 10);

  return TRUE;
}

/* What another process stored is seen by an instance that was there
 * before, and is not lost when this one writes next. */
GST_START_TEST (test_other_process)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *before = NULL;
  g_autofree gchar *after = NULL;
  g_autofree gchar *merged = NULL;
  g_autofree gchar *hint = NULL;
  MediaEdgeState *state = media_edge_state_get (tmp, "ds");
  gpointer data[] = { tmp };

  store_one (state, "mine", "1", NOW + 10, NOW);
  store_one (state, "shared", "mine", NOW + 10, NOW);
  media_edge_state_set_hint (state, "or2", NOW + 10);
  before = describe_entries (state, NOW);
  fail_unless_equals_string (before, "mine=1;shared=mine;");

  run_children (1, store_as_other_process, data);

  after = describe_entries (state, NOW);
  fail_unless_equals_string (after, "mine=1;shared=theirs;theirs=2;");
  hint = media_edge_state_dup_hint (state, NOW);
  fail_unless_equals_string (hint, "va6");

  store_one (state, "mine", "3", NOW + 10, NOW);
  merged = describe_entries (state, NOW);
  fail_unless_equals_string (merged, "mine=3;shared=theirs;theirs=2;");

  media_edge_state_unref (state);
  remove_tree (tmp);
}

GST_END_TEST;

typedef struct
{
  const gchar *dir;
  const gchar *prefix;
} Writer;

static gboolean
store_thirty (gpointer data)
{
  const Writer *writer = data;
  g_autoptr (MediaEdgeState) state = media_edge_state_get (writer->dir, "ds");

  for (guint i = 0; i < 30; i++) {
    g_autofree gchar *key = g_strdup_printf ("%s-%02u", writer->prefix, i);

    store_one (state, key, writer->prefix, NOW + 10, NOW);
  }

  return count_entries (state, NOW) >= 30;
}

/* Two processes storing different keys at once lose none. */
GST_START_TEST (test_concurrent_processes)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *path = datastream_file (tmp, "ds");
  g_autoptr (GKeyFile) file = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  Writer writers[] = { {tmp, "one"}, {tmp, "two"}
  };
  gpointer data[] = { &writers[0], &writers[1] };
  MediaEdgeState *state;

  run_children (G_N_ELEMENTS (data), store_thirty, data);

  file = load_key_file (path);
  fail_unless (g_key_file_has_group (file, "entry 59"));
  fail_if (g_key_file_has_group (file, "entry 60"));

  state = media_edge_state_get (tmp, "ds");
  entries = media_edge_state_dup_entries (state, NOW);
  fail_unless_equals_int (entries->len, 60);
  for (guint i = 0; i < entries->len; i++) {
    const MediaEdgeStateEntry *entry = g_ptr_array_index (entries, i);
    g_autofree gchar *key = g_strdup_printf ("%s-%02u", i < 30 ? "one" : "two",
        i % 30);

    fail_unless_equals_string (entry->key, key);
    fail_unless_equals_string (entry->value, i < 30 ? "one" : "two");
  }
  media_edge_state_unref (state);
  remove_tree (tmp);
}

GST_END_TEST;

typedef struct
{
  const gchar *dir;
  int fd;
} FpidAsker;

static gboolean
write_fpid_to_pipe (gpointer data)
{
  const FpidAsker *asker = data;
  g_autoptr (MediaEdgeState) state = media_edge_state_get (asker->dir, NULL);
  g_autofree gchar *fpid = media_edge_state_dup_fpid (state);

  /* one write of less than PIPE_BUF: never interleaved with another */
  return strlen (fpid) == 36 && write (asker->fd, fpid, 36) == 36;
}

/* Four processes asking a new folder for its FPID at once get one FPID. */
GST_START_TEST (test_fpid_race)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *dir = g_build_filename (tmp, "state", NULL);
  g_autofree gchar *device_path = g_build_filename (dir, "device.ini", NULL);
  g_autofree gchar *in_file = NULL;
  g_autoptr (GKeyFile) device = NULL;
  gchar fpids[4][37] = { {0}
  };
  int out[2];
  FpidAsker asker;
  gpointer data[4];

  fail_unless (pipe (out) == 0);
  asker.dir = dir;
  asker.fd = out[1];
  for (guint i = 0; i < G_N_ELEMENTS (data); i++)
    data[i] = &asker;
  run_children (G_N_ELEMENTS (data), write_fpid_to_pipe, data);
  close (out[1]);
  for (guint i = 0; i < G_N_ELEMENTS (fpids); i++)
    fail_unless_equals_int (read (out[0], fpids[i], 36), 36);
  close (out[0]);

  device = load_key_file (device_path);
  in_file = g_key_file_get_string (device, "device", "fpid", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fpids); i++)
    fail_unless_equals_string (fpids[i], in_file);
  remove_tree (tmp);
}

GST_END_TEST;

/* A damaged file is said once, read as empty, and replaced at the next
 * write; without a word of what it held. */
static void
check_damaged (const gchar * text)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *path = datastream_file (tmp, "ds");
  g_autofree gchar *problem = NULL;
  g_autofree gchar *live = NULL;
  g_autofree gchar *value = NULL;
  g_autoptr (GKeyFile) file = NULL;
  MediaEdgeState *state;

  fail_unless (g_file_set_contents (path, text, -1, NULL));
  state = media_edge_state_get (tmp, "ds");
  problem = media_edge_state_take_problem (state);
  fail_unless (problem != NULL);
  fail_unless (strstr (problem, path) != NULL, "%s", problem);
  fail_if (strstr (problem, "secret") != NULL, "%s", problem);
  fail_unless (media_edge_state_take_problem (state) == NULL);
  fail_unless_equals_int (count_entries (state, NOW), 0);
  fail_unless (media_edge_state_dup_hint (state, NOW) == NULL);

  store_one (state, "k", "v", NOW + 10, NOW);
  live = describe_entries (state, NOW);
  fail_unless_equals_string (live, "k=v;");
  file = load_key_file (path);
  value = g_key_file_get_string (file, "entry 0", "value", NULL);
  fail_unless_equals_string (value, "v");
  fail_unless (media_edge_state_take_problem (state) == NULL);

  media_edge_state_unref (state);
  remove_tree (tmp);
}

GST_START_TEST (test_damaged_file)
{
  const gchar *texts[] = {
    /* no key file */
    "\xff\xfe\x01 secret garbage\n[unclosed secret\n",
    /* a key file whose values do not parse */
    "[entry 0]\nkey=a\nvalue=secret\nexpires=soon\n",
    "[entry 0]\nvalue=secret\nexpires=1\n",
    "[hint]\nvalue=secret\n",
    "[entry 0]\nkey=a\nvalue=secret\xff\nexpires=1\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    check_damaged (texts[i]);
}

GST_END_TEST;

/* A damaged device file is said once, and replaced by a new FPID. */
GST_START_TEST (test_damaged_device_file)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *path = g_build_filename (tmp, "device.ini", NULL);
  g_autofree gchar *problem = NULL;
  g_autofree gchar *fpid = NULL;
  g_autofree gchar *in_file = NULL;
  g_autoptr (GKeyFile) device = NULL;
  MediaEdgeState *state = media_edge_state_get (tmp, NULL);

  fail_unless (g_file_set_contents (path, "[device\nfpid=secret\n", -1, NULL));
  fpid = media_edge_state_dup_fpid (state);
  fail_unless (g_uuid_string_is_valid (fpid));
  problem = media_edge_state_take_problem (state);
  fail_unless (problem != NULL && strstr (problem, path) != NULL);
  fail_if (strstr (problem, "secret") != NULL, "%s", problem);
  fail_unless (media_edge_state_take_problem (state) == NULL);

  device = load_key_file (path);
  in_file = g_key_file_get_string (device, "device", "fpid", NULL);
  fail_unless_equals_string (in_file, fpid);

  media_edge_state_unref (state);
  remove_tree (tmp);
}

GST_END_TEST;

/* A folder that cannot be made: the state works in memory and says so
 * once. Root writes in a read-only folder: it gets a folder under a file,
 * which fails for everyone. */
GST_START_TEST (test_unwritable_folder)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *parent = g_build_filename (tmp, "parent", NULL);
  g_autofree gchar *dir = g_build_filename (parent, "state", NULL);
  g_autofree gchar *problem = NULL;
  g_autofree gchar *live = NULL;
  g_autofree gchar *hint = NULL;
  g_autofree gchar *fpid = NULL;
  g_autofree gchar *fpid_again = NULL;
  g_autofree gchar *fpid_other = NULL;
  MediaEdgeState *state, *other;

  if (geteuid () == 0)
    fail_unless (g_file_set_contents (parent, "a file", -1, NULL));
  else
    fail_unless (g_mkdir (parent, 0500) == 0);

  state = media_edge_state_get (dir, "ds");
  other = media_edge_state_get (dir, "other");
  store_one (state, "k", "v", NOW + 10, NOW);
  problem = media_edge_state_take_problem (state);
  fail_unless (problem != NULL);
  fail_unless (strstr (problem, dir) != NULL, "%s", problem);

  store_one (state, "k2", "v2", NOW + 10, NOW);
  media_edge_state_set_hint (state, "or2", NOW + 10);
  fpid = media_edge_state_dup_fpid (state);
  fpid_again = media_edge_state_dup_fpid (state);
  fpid_other = media_edge_state_dup_fpid (other);
  fail_unless (media_edge_state_take_problem (state) == NULL);

  live = describe_entries (state, NOW);
  fail_unless_equals_string (live, "k=v;k2=v2;");
  hint = media_edge_state_dup_hint (state, NOW);
  fail_unless_equals_string (hint, "or2");
  fail_unless (g_uuid_string_is_valid (fpid));
  fail_unless_equals_string (fpid_again, fpid);
  fail_unless_equals_string (fpid_other, fpid);
  fail_if (g_file_test (dir, G_FILE_TEST_EXISTS));

  media_edge_state_unref (state);
  media_edge_state_unref (other);
  remove_tree (tmp);
}

GST_END_TEST;

/* Every id maps to its SHA-256, inside the folder: no path names the
 * datastream, and none leads out. */
GST_START_TEST (test_datastream_names)
{
  g_autofree gchar *long_id = g_strnfill (200, 'a');
  g_autofree gchar *just_plain = g_strnfill (64, 'b');
  g_autofree gchar *too_long = g_strnfill (65, 'b');
  const gchar *hashed[] = { "../x", "a b", long_id, too_long, "", "Ab_9-z",
    just_plain
  };
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *dir = g_build_filename (tmp, "state", NULL);
  g_autoptr (GPtrArray) expected = g_ptr_array_new_with_free_func (g_free);
  g_autofree gchar *listing = NULL;
  g_autofree gchar *expected_listing = NULL;
  g_autofree gchar *tmp_listing = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (hashed); i++) {
    g_autofree gchar *hash =
        g_compute_checksum_for_string (G_CHECKSUM_SHA256, hashed[i], -1);
    g_autoptr (MediaEdgeState) state = media_edge_state_get (dir, hashed[i]);

    store_one (state, "k", hashed[i], NOW + 10, NOW);
    g_ptr_array_add (expected, g_strdup_printf ("datastream-%s.ini", hash));
    g_ptr_array_add (expected, g_strdup_printf ("datastream-%s.ini.lock",
            hash));
  }
  g_ptr_array_sort (expected, compare_names);
  g_ptr_array_add (expected, NULL);
  expected_listing = g_strjoinv (" ", (gchar **) expected->pdata);

  listing = list_dir (dir);
  fail_unless_equals_string (listing, expected_listing);
  tmp_listing = list_dir (tmp);
  fail_unless_equals_string (tmp_listing, "state");

  /* and each reads back its own */
  for (guint i = 0; i < G_N_ELEMENTS (hashed); i++) {
    g_autoptr (MediaEdgeState) state = media_edge_state_get (dir, hashed[i]);
    g_autoptr (GPtrArray) entries = media_edge_state_dup_entries (state, NOW);

    fail_unless_equals_int (entries->len, 1);
    fail_unless_equals_string (((MediaEdgeStateEntry *)
            g_ptr_array_index (entries, 0))->value, hashed[i]);
  }
  remove_tree (tmp);
}

GST_END_TEST;

typedef struct
{
  MediaEdgeState *state;
  guint n;
} Worker;

static gpointer
store_from_thread (gpointer data)
{
  const Worker *worker = data;

  for (guint i = 0; i < 15; i++) {
    g_autofree gchar *key = g_strdup_printf ("t%u-%02u", worker->n, i);
    g_autoptr (GPtrArray) entries = NULL;

    store_one (worker->state, key, "v", NOW + 10, NOW);
    entries = media_edge_state_dup_entries (worker->state, NOW);
    g_free (media_edge_state_dup_hint (worker->state, NOW));
  }

  return NULL;
}

/* Threads sharing one instance lose nothing. */
GST_START_TEST (test_threads)
{
  g_autofree gchar *tmp = make_tmp ();
  MediaEdgeState *state = media_edge_state_get (tmp, "ds");
  Worker workers[4];
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++) {
    workers[i].state = state;
    workers[i].n = i;
    threads[i] = g_thread_new ("state", store_from_thread, &workers[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  fail_unless_equals_int (count_entries (state, NOW), 60);

  media_edge_state_unref (state);
  state = media_edge_state_get (tmp, "ds");
  fail_unless_equals_int (count_entries (state, NOW), 60);
  media_edge_state_unref (state);
  remove_tree (tmp);
}

GST_END_TEST;

/* A service handing out new keys every session cannot grow the file past
 * what a reader takes: 64 entries are kept, those that live longest. */
GST_START_TEST (test_entries_bounded)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autoptr (MediaEdgeState) state = media_edge_state_get (tmp, "ds");
  g_autoptr (MediaEdgeState) again = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  for (guint i = 0; i < 70; i++) {
    g_autofree gchar *key = g_strdup_printf ("k%02u", i);

    /* k00 ... k05 expire first */
    store_one (state, key, "v", NOW + 100 + i, NOW);
  }
  g_clear_pointer (&state, media_edge_state_unref);
  again = media_edge_state_get (tmp, "ds");
  entries = media_edge_state_dup_entries (again, NOW);
  fail_unless_equals_int (entries->len, 64);
  fail_unless_equals_string (((MediaEdgeStateEntry *)
          g_ptr_array_index (entries, 0))->key, "k06");
  remove_tree (tmp);
}

GST_END_TEST;

/* A player stuck holding the lock does not stop another: after a second
 * it keeps its state in memory, and says so once. */
GST_START_TEST (test_lock_wait_is_bounded)
{
  g_autofree gchar *tmp = make_tmp ();
  g_autofree gchar *path = datastream_file (tmp, "ds");
  g_autofree gchar *lock_path = g_strconcat (path, ".lock", NULL);
  g_autoptr (MediaEdgeState) state = media_edge_state_get (tmp, "ds");
  g_autofree gchar *problem = NULL;
  gint64 start;
  int fd;

  fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  fail_unless (fd >= 0);
  /* another open file description: as another process's */
  fail_unless (flock (fd, LOCK_EX) == 0);
  start = g_get_monotonic_time ();
  store_one (state, "k", "v", NOW + 10, NOW);
  fail_unless (g_get_monotonic_time () - start < 5 * G_USEC_PER_SEC);
  fail_unless_equals_int (count_entries (state, NOW), 1);
  problem = media_edge_state_take_problem (state);
  fail_unless (problem != NULL && strstr (problem, "lock") != NULL);
  g_close (fd, NULL);
  remove_tree (tmp);
}

GST_END_TEST;

static Suite *
state_suite (void)
{
  Suite *s = suite_create ("mediaedge-state");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_default_dir);
  tcase_add_test (tc, test_memory_only);
  tcase_add_test (tc, test_persistence);
  tcase_add_test (tc, test_expiry);
  tcase_add_test (tc, test_sharing);
  tcase_add_test (tc, test_other_process);
  tcase_add_test (tc, test_concurrent_processes);
  tcase_add_test (tc, test_fpid_race);
  tcase_add_test (tc, test_damaged_file);
  tcase_add_test (tc, test_damaged_device_file);
  tcase_add_test (tc, test_unwritable_folder);
  tcase_add_test (tc, test_datastream_names);
  tcase_add_test (tc, test_threads);
  tcase_add_test (tc, test_entries_bounded);
  tcase_add_test (tc, test_lock_wait_is_bounded);

  return s;
}

GST_CHECK_MAIN (state);
