/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gst/check/gstcheck.h>
#include <glib/gstdio.h>

#include "support.h"

/* A folder of the test's own, in the temporary folder */
gchar *
make_tmp (void)
{
  g_autoptr (GError) error = NULL;
  gchar *dir = g_dir_make_tmp ("mediaedge-check-XXXXXX", &error);

  fail_unless (dir != NULL, "%s", error ? error->message : "");

  return dir;
}

/* Removes @path, a file or a folder, with all it holds, even where a
 * test took the right to write away */
void
remove_tree (const gchar * path)
{
  GDir *dir;
  const gchar *name;

  g_chmod (path, 0700);
  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL) {
    g_unlink (path);
    return;
  }
  while ((name = g_dir_read_name (dir)) != NULL) {
    g_autofree gchar *child = g_build_filename (path, name, NULL);

    remove_tree (child);
  }
  g_dir_close (dir);
  g_rmdir (path);
}

gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const gchar **) a, *(const gchar **) b);
}

/* The names in @path, sorted, joined by spaces */
gchar *
list_dir (const gchar * path)
{
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GDir *dir = g_dir_open (path, 0, NULL);
  const gchar *name;

  fail_unless (dir != NULL, "no folder %s", path);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_dir_close (dir);
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);

  return g_strjoinv (" ", (gchar **) names->pdata);
}

/* The permission bits of @path */
guint
file_mode (const gchar * path)
{
  struct stat st;

  fail_unless (g_stat (path, &st) == 0, "no %s", path);

  return st.st_mode & 0777;
}

/* Forks a child that waits until @barrier's write end is closed by every
 * process, then runs @func and exits with 0 if it returned TRUE */
GPid
fork_child (const int barrier[2], ChildFunc func, gpointer data)
{
  pid_t pid = fork ();

  fail_unless (pid >= 0);
  if (pid == 0) {
    gchar byte;
    ssize_t n;

    close (barrier[1]);
    do {
      n = read (barrier[0], &byte, 1);
    } while (n < 0 && errno == EINTR);
    _exit (func (data) ? 0 : 1);
  }

  return pid;
}

/* Waits for @pid, which must exit with 0 */
void
wait_child (GPid pid)
{
  int status;

  fail_unless (waitpid (pid, &status, 0) == pid);
  fail_unless (WIFEXITED (status) && WEXITSTATUS (status) == 0,
      "child %d failed: status %d", pid, status);
}

/* Forks @n children running @func with each of @data at once */
void
run_children (guint n, ChildFunc func, gpointer * data)
{
  GPid pids[8];
  int barrier[2];

  g_assert (n <= G_N_ELEMENTS (pids));
  fail_unless (pipe (barrier) == 0);
  for (guint i = 0; i < n; i++)
    pids[i] = fork_child (barrier, func, data[i]);
  close (barrier[0]);
  close (barrier[1]);
  for (guint i = 0; i < n; i++)
    wait_child (pids[i]);
}
