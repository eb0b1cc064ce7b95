/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_REPLAY_H__
#define __MEDIA_EDGE_REPLAY_H__

#include <glib.h>
#include "mediaedge-client.h"
#include "mediaedge-spool.h"
#include "mediaedge-state.h"

G_BEGIN_DECLS

/* The sender of what waits in a spool's journals: a session played
 * offline, which goes whole as /downloaded, and what an earlier run left
 * unsent (a crash, a power cut, a stop with requests still queued), whose
 * tail goes live with its stored session id, then a sessionEnd if it had
 * none. One journal at a time, on the client thread, so that a week
 * offline costs the memory of one session, not of all. One replay per
 * spool folder per process; the journals are locked, so that two
 * processes never send one twice. */
typedef struct _MediaEdgeReplay MediaEdgeReplay;

/* Who a journal is sent for: how (transport, timeouts), where what became
 * of it is counted, who hears of a session delivered whole, and the
 * device's identity for a session that named none. */
typedef struct _MediaEdgeReplayOwner MediaEdgeReplayOwner;

typedef struct
{
  guint request_timeout_ms;
  guint retry_delay_ms;
  guint unreachable_timeout_ms;
  const gchar *ca_file;
  const gchar *proxy;
  guint max_connections;
  /* the device's FPID when the session's sessionStart named none */
  const gchar *fpid;
  const gchar *authenticated_state;
  /* the device's state for the location hint and client state; nullable */
  MediaEdgeState *state;
} MediaEdgeReplayConfig;

/* A /downloaded request's largest body: a longer session goes in parts */
#define MEDIA_EDGE_REPLAY_MAX_BODY (1024 * 1024)

MediaEdgeReplayOwner *media_edge_replay_owner_new (const gchar * log_id,
    const MediaEdgeReplayConfig * config, MediaEdgeClientStats * stats,
    MediaEdgeSessionNotify notify, gpointer user_data,
    GDestroyNotify destroy);

MediaEdgeReplayOwner *media_edge_replay_owner_ref (MediaEdgeReplayOwner *
    owner);

void media_edge_replay_owner_unref (MediaEdgeReplayOwner * owner);

MediaEdgeReplay *media_edge_replay_get (MediaEdgeClient * client,
    const gchar * dir, guint64 max_bytes, gint64 max_age, GError ** error);

void media_edge_replay_release (MediaEdgeReplay * replay);

MediaEdgeSpool *media_edge_replay_get_spool (MediaEdgeReplay * replay);

void media_edge_replay_claim_orphans (MediaEdgeReplay * replay,
    MediaEdgeReplayOwner * owner);

void media_edge_replay_queue (MediaEdgeReplay * replay,
    MediaEdgeJournal * journal, MediaEdgeReplayOwner * owner);

gboolean media_edge_replay_wait_idle (MediaEdgeReplay * replay,
    MediaEdgeReplayOwner * owner, gint64 end_time);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeReplayOwner,
    media_edge_replay_owner_unref);

G_END_DECLS
#endif /* __MEDIA_EDGE_REPLAY_H__ */
