/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The quality of experience of one session (bitrate, dropped frames,
 * frame rate, time to start): what was measured, what the service was
 * last told, and the qoeDataDetails that bring it up to date. Part of the
 * tracker. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "mediaedge-qoe.h"

#define N_VALUES (MEDIA_EDGE_QOE_TIME_TO_START + 1)

/* qoeDataDetails member names, in field order */
static const gchar *const names[N_VALUES] = {
  "bitrate", "droppedFrames", "framesPerSecond", "timeToStart"
};

struct _MediaEdgeQoe
{
  gint64 value[N_VALUES];
  gint64 reported[N_VALUES];
  /* source of QoS messages → frames it dropped */
  GHashTable *dropped_frames;
};

MediaEdgeQoe *
media_edge_qoe_new (void)
{
  MediaEdgeQoe *qoe = g_new0 (MediaEdgeQoe, 1);

  for (guint i = 0; i < N_VALUES; i++)
    qoe->value[i] = qoe->reported[i] = MEDIA_EDGE_QOE_UNKNOWN;
  qoe->dropped_frames = g_hash_table_new (NULL, NULL);

  return qoe;
}

void
media_edge_qoe_free (MediaEdgeQoe * qoe)
{
  if (qoe == NULL)
    return;

  g_hash_table_unref (qoe->dropped_frames);
  g_free (qoe);
}

/* Returns: the value before */
gint64
media_edge_qoe_set (MediaEdgeQoe * qoe, guint field, gint64 value)
{
  gint64 previous;

  g_return_val_if_fail (field < N_VALUES, MEDIA_EDGE_QOE_UNKNOWN);

  previous = qoe->value[field];
  qoe->value[field] = value;

  return previous;
}

gint64
media_edge_qoe_get (MediaEdgeQoe * qoe, guint field)
{
  g_return_val_if_fail (field < N_VALUES, MEDIA_EDGE_QOE_UNKNOWN);

  return qoe->value[field];
}

/**
 * media_edge_qoe_add_dropped_frames:
 * @source: who measured, e.g. a sink
 *
 * Returns: droppedFrames: what every source says it dropped, added up
 */
gint64
media_edge_qoe_add_dropped_frames (MediaEdgeQoe * qoe, gconstpointer source,
    guint64 dropped)
{
  GHashTableIter iter;
  gpointer count;
  guint64 total = 0;

  g_hash_table_insert (qoe->dropped_frames, (gpointer) source,
      GSIZE_TO_POINTER (dropped));
  g_hash_table_iter_init (&iter, qoe->dropped_frames);
  while (g_hash_table_iter_next (&iter, NULL, &count))
    total += GPOINTER_TO_SIZE (count);

  return (gint64) MIN (total, G_MAXINT64);
}

/* A new session on the wire has been told nothing yet. */
void
media_edge_qoe_forget_reported (MediaEdgeQoe * qoe)
{
  for (guint i = 0; i < N_VALUES; i++)
    qoe->reported[i] = MEDIA_EDGE_QOE_UNKNOWN;
}

/* A new session of the player: it has yet to start, and its sinks count
 * their drops afresh. */
void
media_edge_qoe_start_session (MediaEdgeQoe * qoe)
{
  qoe->value[MEDIA_EDGE_QOE_TIME_TO_START] = MEDIA_EDGE_QOE_UNKNOWN;
  g_hash_table_remove_all (qoe->dropped_frames);
  media_edge_qoe_forget_reported (qoe);
}

static gboolean
changed (MediaEdgeQoe * qoe)
{
  for (guint i = 0; i < N_VALUES; i++)
    if (qoe->value[i] != qoe->reported[i])
      return TRUE;

  return FALSE;
}

/**
 * media_edge_qoe_take_report:
 * @always: report even if nothing changed since the last report
 *
 * Returns: (transfer full) (nullable): qoeDataDetails with every value
 * known, now counted as reported; %NULL when there is nothing to say
 */
GVariant *
media_edge_qoe_take_report (MediaEdgeQoe * qoe, gboolean always)
{
  GVariantDict dict;
  gboolean any = FALSE;

  if (!always && !changed (qoe))
    return NULL;

  g_variant_dict_init (&dict, NULL);
  for (guint i = 0; i < N_VALUES; i++) {
    if (qoe->value[i] == MEDIA_EDGE_QOE_UNKNOWN)
      continue;
    g_variant_dict_insert (&dict, names[i], "x", qoe->value[i]);
    qoe->reported[i] = qoe->value[i];
    any = TRUE;
  }
  if (!any) {
    g_variant_dict_clear (&dict);
    return NULL;
  }

  return g_variant_ref_sink (g_variant_dict_end (&dict));
}
