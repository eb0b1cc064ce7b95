/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __GST_MEDIA_EDGE_SETTINGS_H__
#define __GST_MEDIA_EDGE_SETTINGS_H__

#include <gst/gst.h>

G_BEGIN_DECLS
/* The element's properties, in the order it installs them: each is a
 * field of the settings and a property id of the element. */
    typedef enum
{
  GST_MEDIA_EDGE_SETTING_0,
  GST_MEDIA_EDGE_SETTING_CONFIG_ID,
  GST_MEDIA_EDGE_SETTING_ENDPOINT,
  GST_MEDIA_EDGE_SETTING_API,
  GST_MEDIA_EDGE_SETTING_TRACKING_SERVER,
  GST_MEDIA_EDGE_SETTING_REPORT_SUITE,
  GST_MEDIA_EDGE_SETTING_VISITOR_ID,
  GST_MEDIA_EDGE_SETTING_ORG_ID,
  GST_MEDIA_EDGE_SETTING_CONTENT_ID,
  GST_MEDIA_EDGE_SETTING_CONTENT_NAME,
  GST_MEDIA_EDGE_SETTING_CHANNEL,
  GST_MEDIA_EDGE_SETTING_PLAYER_NAME,
  GST_MEDIA_EDGE_SETTING_APP_VERSION,
  GST_MEDIA_EDGE_SETTING_CONTENT_TYPE,
  GST_MEDIA_EDGE_SETTING_LENGTH,
  GST_MEDIA_EDGE_SETTING_SESSION_DETAILS,
  GST_MEDIA_EDGE_SETTING_CUSTOM_METADATA,
  GST_MEDIA_EDGE_SETTING_PING_INTERVAL,
  GST_MEDIA_EDGE_SETTING_AD_PING_INTERVAL,
  GST_MEDIA_EDGE_SETTING_FLUSH_TIMEOUT,
  GST_MEDIA_EDGE_SETTING_REQUEST_TIMEOUT,
  GST_MEDIA_EDGE_SETTING_RETRY_DELAY,
  GST_MEDIA_EDGE_SETTING_MAX_QUEUED_EVENTS,
  GST_MEDIA_EDGE_SETTING_IDLE_TIMEOUT,
  GST_MEDIA_EDGE_SETTING_UNREACHABLE_TIMEOUT,
  GST_MEDIA_EDGE_SETTING_CA_FILE,
  GST_MEDIA_EDGE_SETTING_PROXY,
  GST_MEDIA_EDGE_SETTING_STATE_DIR,
  GST_MEDIA_EDGE_SETTING_FPID,
  GST_MEDIA_EDGE_SETTING_FPID_AUTHENTICATED_STATE,
  GST_MEDIA_EDGE_SETTING_OFFLINE_AFTER,
  GST_MEDIA_EDGE_SETTING_SPOOL_MAX_BYTES,
  GST_MEDIA_EDGE_SETTING_SPOOL_MAX_AGE,
  GST_MEDIA_EDGE_SETTING_MAX_CONNECTIONS,
  GST_MEDIA_EDGE_N_SETTINGS
} GstMediaEdgeSettingId;

/**
 * GstMediaEdgeApi:
 * @GST_MEDIA_EDGE_API_EDGE: the Media Edge API (Adobe Experience Platform
 *   Edge Network, a datastream)
 * @GST_MEDIA_EDGE_API_COLLECTION: the legacy Media Collection API (Adobe
 *   Analytics, a report suite)
 *
 * Which of Adobe's media tracking APIs the element reports to.
 */
typedef enum
{
  GST_MEDIA_EDGE_API_EDGE,
  GST_MEDIA_EDGE_API_COLLECTION,
} GstMediaEdgeApi;

#define GST_TYPE_MEDIA_EDGE_API (gst_media_edge_api_get_type ())
GType gst_media_edge_api_get_type (void);

/**
 * GstMediaEdgeAuthenticatedState:
 * @GST_MEDIA_EDGE_AUTHENTICATED_STATE_AMBIGUOUS: not known (a device)
 * @GST_MEDIA_EDGE_AUTHENTICATED_STATE_AUTHENTICATED: the viewer is logged in
 * @GST_MEDIA_EDGE_AUTHENTICATED_STATE_LOGGED_OUT: the viewer logged out
 *
 * The authenticatedState of the FPID in sessionStart's identityMap.
 */
typedef enum
{
  GST_MEDIA_EDGE_AUTHENTICATED_STATE_AMBIGUOUS,
  GST_MEDIA_EDGE_AUTHENTICATED_STATE_AUTHENTICATED,
  GST_MEDIA_EDGE_AUTHENTICATED_STATE_LOGGED_OUT,
} GstMediaEdgeAuthenticatedState;

#define GST_TYPE_MEDIA_EDGE_AUTHENTICATED_STATE \
  (gst_media_edge_authenticated_state_get_type ())
GType gst_media_edge_authenticated_state_get_type (void);

/* fpid=auto: the device's own FPID, made once and kept in state-dir */
#define GST_MEDIA_EDGE_FPID_AUTO "auto"

#define GST_MEDIA_EDGE_DEFAULT_CHANNEL "GStreamer"
#define GST_MEDIA_EDGE_DEFAULT_PLAYER_NAME "GStreamer"
#define GST_MEDIA_EDGE_DEFAULT_LENGTH -1
#define GST_MEDIA_EDGE_DEFAULT_FLUSH_TIMEOUT 2000
/* seconds without a session started before a session goes offline */
#define GST_MEDIA_EDGE_DEFAULT_OFFLINE_AFTER 60
#define GST_MEDIA_EDGE_DEFAULT_SPOOL_MAX_BYTES (G_GUINT64_CONSTANT (64) << 20)
/* seconds: 14 days */
#define GST_MEDIA_EDGE_DEFAULT_SPOOL_MAX_AGE (14 * 24 * 3600)

/**
 * GstMediaEdgeSettings:
 *
 * What the properties say. The element keeps one it edits under its object
 * lock; a session gets a copy taken at READY→PAUSED and checked once,
 * which nobody changes afterwards, so that it is read without a lock.
 * An empty string counts as unset.
 */
typedef struct
{
  gchar *config_id;
  gchar *endpoint;
  GstMediaEdgeApi api;
  gchar *tracking_server;
  gchar *report_suite;
  gchar *visitor_id;
  gchar *org_id;
  gchar *content_id;
  gchar *content_name;
  gchar *channel;
  gchar *player_name;
  gchar *app_version;
  gchar *content_type;
  gint length;
  GstStructure *session_details;
  GstStructure *custom_metadata;
  guint ping_interval;
  guint ad_ping_interval;
  guint flush_timeout;
  guint request_timeout;
  guint retry_delay;
  guint max_queued_events;
  guint idle_timeout;
  guint unreachable_timeout;
  gchar *ca_file;
  gchar *proxy;
  gchar *state_dir;
  gchar *fpid;
  GstMediaEdgeAuthenticatedState fpid_authenticated_state;
  guint offline_after;
  guint64 spool_max_bytes;
  guint spool_max_age;
  guint max_connections;
} GstMediaEdgeSettings;

GstMediaEdgeSettings *gst_media_edge_settings_new (void);

GstMediaEdgeSettings *gst_media_edge_settings_copy (const GstMediaEdgeSettings
    * settings);

GstMediaEdgeSettings *gst_media_edge_settings_ref (GstMediaEdgeSettings *
    settings);

void gst_media_edge_settings_unref (GstMediaEdgeSettings * settings);

gboolean gst_media_edge_settings_set (GstMediaEdgeSettings * settings,
    GstMediaEdgeSettingId id, const GValue * value, GError ** error);

void gst_media_edge_settings_get (const GstMediaEdgeSettings * settings,
    GstMediaEdgeSettingId id, GValue * value);

gboolean gst_media_edge_settings_check (const GstMediaEdgeSettings * settings,
    GError ** error);

const gchar *gst_media_edge_authenticated_state_to_xdm
    (GstMediaEdgeAuthenticatedState state);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GstMediaEdgeSettings,
    gst_media_edge_settings_unref);

G_END_DECLS
#endif /* __GST_MEDIA_EDGE_SETTINGS_H__ */
