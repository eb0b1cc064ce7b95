/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the suites of the modules that keep files share: temporary
 * folders, and other processes (forked children) working on them at
 * once. */

#ifndef __MEDIAEDGE_CHECK_SUPPORT_H__
#define __MEDIAEDGE_CHECK_SUPPORT_H__

#include <glib.h>

G_BEGIN_DECLS

typedef gboolean (*ChildFunc) (gpointer data);

gchar *make_tmp (void);

void remove_tree (const gchar * path);

gint compare_names (gconstpointer a, gconstpointer b);

gchar *list_dir (const gchar * path);

guint file_mode (const gchar * path);

GPid fork_child (const int barrier[2], ChildFunc func, gpointer data);

void wait_child (GPid pid);

void run_children (guint n, ChildFunc func, gpointer * data);

G_END_DECLS

#endif /* __MEDIAEDGE_CHECK_SUPPORT_H__ */
