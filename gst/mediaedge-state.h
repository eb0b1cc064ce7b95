/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_STATE_H__
#define __MEDIA_EDGE_STATE_H__

#include <glib.h>

G_BEGIN_DECLS

/* What a device keeps of its identity between runs, in a state folder:
 * the device's first-party id (FPID, one per device), and per datastream
 * the Edge Network's client state entries (`state:store`) and its
 * location hint (`locationHint:result`, scope EdgeNetwork), each with its
 * expiry. With no folder, it is kept for the process only.
 *
 * One instance per (folder, datastream) and process, shared and
 * thread-safe; one without a folder lives as long as the process. Every change is written at once, atomically, mode 0600,
 * merged with what other processes wrote meanwhile under a lock file
 * (last writer wins per key). Times are wall-clock seconds (UNIX time),
 * given by the caller so that tests can drive them. */

typedef struct _MediaEdgeState MediaEdgeState;

/* One client state entry, as the service gave it */
typedef struct
{
  gchar *key;
  gchar *value;
  gint64 expires;               /* UNIX time, seconds */
} MediaEdgeStateEntry;

/* The default folder: g_get_user_state_dir()/gst-mediaedge */
gchar *media_edge_state_default_dir (void);

MediaEdgeState *media_edge_state_get (const gchar * dir,
    const gchar * datastream);

MediaEdgeState *media_edge_state_ref (MediaEdgeState * state);

void media_edge_state_unref (MediaEdgeState * state);

gchar *media_edge_state_dup_fpid (MediaEdgeState * state);

void media_edge_state_store (MediaEdgeState * state,
    const MediaEdgeStateEntry * entries, guint n_entries, gint64 now);

GPtrArray *media_edge_state_dup_entries (MediaEdgeState * state, gint64 now);

void media_edge_state_set_hint (MediaEdgeState * state, const gchar * hint,
    gint64 expires);

gchar *media_edge_state_dup_hint (MediaEdgeState * state, gint64 now);

gchar *media_edge_state_take_problem (MediaEdgeState * state);

void media_edge_state_entry_free (MediaEdgeStateEntry * entry);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeState, media_edge_state_unref);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeStateEntry,
    media_edge_state_entry_free);

G_END_DECLS

#endif /* __MEDIA_EDGE_STATE_H__ */
