/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The element's settings as one value: defaults, property values in and
 * out, one copy per session, and the checks that refuse a bad value with a
 * message naming it. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <gio/gio.h>

#include "gstmediaedgesettings.h"
#include "gstmediaedgefacts.h"
#include "mediaedge-client.h"
#include "mediaedge-tracker.h"
#include "mediaedge-xdm.h"

GType
gst_media_edge_api_get_type (void)
{
  static gsize api_type = 0;
  static const GEnumValue apis[] = {
    {GST_MEDIA_EDGE_API_EDGE, "The Media Edge API (a datastream)", "edge"},
    {GST_MEDIA_EDGE_API_COLLECTION,
        "The legacy Media Collection API (a report suite)", "collection"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&api_type))
    g_once_init_leave (&api_type, g_enum_register_static ("GstMediaEdgeApi",
            apis));

  return api_type;
}

GType
gst_media_edge_authenticated_state_get_type (void)
{
  static gsize state_type = 0;
  static const GEnumValue states[] = {
    {GST_MEDIA_EDGE_AUTHENTICATED_STATE_AMBIGUOUS, "Not known", "ambiguous"},
    {GST_MEDIA_EDGE_AUTHENTICATED_STATE_AUTHENTICATED,
        "The viewer is logged in", "authenticated"},
    {GST_MEDIA_EDGE_AUTHENTICATED_STATE_LOGGED_OUT, "The viewer logged out",
        "logged-out"},
    {0, NULL, NULL}
  };

  if (g_once_init_enter (&state_type))
    g_once_init_leave (&state_type,
        g_enum_register_static ("GstMediaEdgeAuthenticatedState", states));

  return state_type;
}

/* The XDM spelling of @state (identityMap's authenticatedState) */
const gchar *
gst_media_edge_authenticated_state_to_xdm (GstMediaEdgeAuthenticatedState state)
{
  switch (state) {
    case GST_MEDIA_EDGE_AUTHENTICATED_STATE_AUTHENTICATED:
      return "authenticated";
    case GST_MEDIA_EDGE_AUTHENTICATED_STATE_LOGGED_OUT:
      return "loggedOut";
    default:
      return "ambiguous";
  }
}

static void
clear_settings (GstMediaEdgeSettings * settings)
{
  g_free (settings->config_id);
  g_free (settings->endpoint);
  g_free (settings->tracking_server);
  g_free (settings->report_suite);
  g_free (settings->visitor_id);
  g_free (settings->org_id);
  g_free (settings->content_id);
  g_free (settings->content_name);
  g_free (settings->channel);
  g_free (settings->player_name);
  g_free (settings->app_version);
  g_free (settings->content_type);
  g_free (settings->ca_file);
  g_free (settings->proxy);
  g_free (settings->state_dir);
  g_free (settings->fpid);
  g_clear_pointer (&settings->session_details, gst_structure_free);
  g_clear_pointer (&settings->custom_metadata, gst_structure_free);
}

GstMediaEdgeSettings *
gst_media_edge_settings_new (void)
{
  GstMediaEdgeSettings *settings = g_atomic_rc_box_new0 (GstMediaEdgeSettings);

  settings->endpoint = g_strdup (MEDIA_EDGE_DEFAULT_ENDPOINT);
  settings->channel = g_strdup (GST_MEDIA_EDGE_DEFAULT_CHANNEL);
  settings->player_name = g_strdup (GST_MEDIA_EDGE_DEFAULT_PLAYER_NAME);
  settings->length = GST_MEDIA_EDGE_DEFAULT_LENGTH;
  settings->ping_interval = MEDIA_EDGE_PING_INTERVAL_DEFAULT;
  settings->ad_ping_interval = MEDIA_EDGE_AD_PING_INTERVAL_DEFAULT;
  settings->flush_timeout = GST_MEDIA_EDGE_DEFAULT_FLUSH_TIMEOUT;
  settings->request_timeout = MEDIA_EDGE_REQUEST_TIMEOUT_DEFAULT;
  settings->retry_delay = MEDIA_EDGE_RETRY_DELAY_DEFAULT;
  settings->max_queued_events = MEDIA_EDGE_MAX_QUEUED_DEFAULT;
  settings->idle_timeout = MEDIA_EDGE_IDLE_TIMEOUT_DEFAULT;
  settings->unreachable_timeout = MEDIA_EDGE_UNREACHABLE_TIMEOUT_DEFAULT;
  settings->offline_after = GST_MEDIA_EDGE_DEFAULT_OFFLINE_AFTER;
  settings->spool_max_bytes = GST_MEDIA_EDGE_DEFAULT_SPOOL_MAX_BYTES;
  settings->spool_max_age = GST_MEDIA_EDGE_DEFAULT_SPOOL_MAX_AGE;
  settings->max_connections = MEDIA_EDGE_MAX_CONNECTIONS_DEFAULT;

  return settings;
}

static GstStructure *
copy_structure (const GstStructure * s)
{
  return s ? gst_structure_copy (s) : NULL;
}

GstMediaEdgeSettings *
gst_media_edge_settings_copy (const GstMediaEdgeSettings * settings)
{
  GstMediaEdgeSettings *copy = g_atomic_rc_box_new0 (GstMediaEdgeSettings);

  *copy = *settings;

  copy->config_id = g_strdup (settings->config_id);
  copy->endpoint = g_strdup (settings->endpoint);
  copy->tracking_server = g_strdup (settings->tracking_server);
  copy->report_suite = g_strdup (settings->report_suite);
  copy->visitor_id = g_strdup (settings->visitor_id);
  copy->org_id = g_strdup (settings->org_id);
  copy->content_id = g_strdup (settings->content_id);
  copy->content_name = g_strdup (settings->content_name);
  copy->channel = g_strdup (settings->channel);
  copy->player_name = g_strdup (settings->player_name);
  copy->app_version = g_strdup (settings->app_version);
  copy->content_type = g_strdup (settings->content_type);
  copy->ca_file = g_strdup (settings->ca_file);
  copy->proxy = g_strdup (settings->proxy);
  copy->state_dir = g_strdup (settings->state_dir);
  copy->fpid = g_strdup (settings->fpid);
  copy->session_details = copy_structure (settings->session_details);
  copy->custom_metadata = copy_structure (settings->custom_metadata);

  return copy;
}

GstMediaEdgeSettings *
gst_media_edge_settings_ref (GstMediaEdgeSettings * settings)
{
  return g_atomic_rc_box_acquire (settings);
}

void
gst_media_edge_settings_unref (GstMediaEdgeSettings * settings)
{
  g_atomic_rc_box_release_full (settings, (GDestroyNotify) clear_settings);
}

/* The string field of @id, or NULL. */
static gchar **
string_field (GstMediaEdgeSettings * settings, GstMediaEdgeSettingId id)
{
  switch (id) {
    case GST_MEDIA_EDGE_SETTING_CONFIG_ID:
      return &settings->config_id;
    case GST_MEDIA_EDGE_SETTING_ENDPOINT:
      return &settings->endpoint;
    case GST_MEDIA_EDGE_SETTING_TRACKING_SERVER:
      return &settings->tracking_server;
    case GST_MEDIA_EDGE_SETTING_REPORT_SUITE:
      return &settings->report_suite;
    case GST_MEDIA_EDGE_SETTING_VISITOR_ID:
      return &settings->visitor_id;
    case GST_MEDIA_EDGE_SETTING_ORG_ID:
      return &settings->org_id;
    case GST_MEDIA_EDGE_SETTING_CONTENT_ID:
      return &settings->content_id;
    case GST_MEDIA_EDGE_SETTING_CONTENT_NAME:
      return &settings->content_name;
    case GST_MEDIA_EDGE_SETTING_CHANNEL:
      return &settings->channel;
    case GST_MEDIA_EDGE_SETTING_PLAYER_NAME:
      return &settings->player_name;
    case GST_MEDIA_EDGE_SETTING_APP_VERSION:
      return &settings->app_version;
    case GST_MEDIA_EDGE_SETTING_CONTENT_TYPE:
      return &settings->content_type;
    case GST_MEDIA_EDGE_SETTING_CA_FILE:
      return &settings->ca_file;
    case GST_MEDIA_EDGE_SETTING_PROXY:
      return &settings->proxy;
    case GST_MEDIA_EDGE_SETTING_STATE_DIR:
      return &settings->state_dir;
    case GST_MEDIA_EDGE_SETTING_FPID:
      return &settings->fpid;
    default:
      return NULL;
  }
}

/* The unsigned field of @id, or NULL. */
static guint *
uint_field (GstMediaEdgeSettings * settings, GstMediaEdgeSettingId id)
{
  switch (id) {
    case GST_MEDIA_EDGE_SETTING_PING_INTERVAL:
      return &settings->ping_interval;
    case GST_MEDIA_EDGE_SETTING_AD_PING_INTERVAL:
      return &settings->ad_ping_interval;
    case GST_MEDIA_EDGE_SETTING_FLUSH_TIMEOUT:
      return &settings->flush_timeout;
    case GST_MEDIA_EDGE_SETTING_REQUEST_TIMEOUT:
      return &settings->request_timeout;
    case GST_MEDIA_EDGE_SETTING_RETRY_DELAY:
      return &settings->retry_delay;
    case GST_MEDIA_EDGE_SETTING_MAX_QUEUED_EVENTS:
      return &settings->max_queued_events;
    case GST_MEDIA_EDGE_SETTING_IDLE_TIMEOUT:
      return &settings->idle_timeout;
    case GST_MEDIA_EDGE_SETTING_UNREACHABLE_TIMEOUT:
      return &settings->unreachable_timeout;
    case GST_MEDIA_EDGE_SETTING_OFFLINE_AFTER:
      return &settings->offline_after;
    case GST_MEDIA_EDGE_SETTING_SPOOL_MAX_AGE:
      return &settings->spool_max_age;
    case GST_MEDIA_EDGE_SETTING_MAX_CONNECTIONS:
      return &settings->max_connections;
    default:
      return NULL;
  }
}

/* The structure field of @id, or NULL. */
static GstStructure **
structure_field (GstMediaEdgeSettings * settings, GstMediaEdgeSettingId id)
{
  switch (id) {
    case GST_MEDIA_EDGE_SETTING_SESSION_DETAILS:
      return &settings->session_details;
    case GST_MEDIA_EDGE_SETTING_CUSTOM_METADATA:
      return &settings->custom_metadata;
    default:
      return NULL;
  }
}

/* session-details must be fields XDM can take. */
static gboolean
check_session_details (const GstStructure * s, GError ** error)
{
  g_autoptr (GVariant) fields = NULL;
  g_autoptr (GVariant) details = NULL;
  g_autoptr (GVariant) extra = NULL;

  if (s == NULL)
    return TRUE;
  fields = g_variant_ref_sink (gst_media_edge_structure_to_fields (s));

  return media_edge_xdm_normalize (MEDIA_EDGE_XDM_SESSION, fields, FALSE,
      &details, &extra, error);
}

static gboolean
check_metadata_key (GQuark field, const GValue * value, gpointer user_data)
{
  GError **error = user_data;
  const gchar *key = g_quark_to_string (field);

  if (media_edge_xdm_is_metadata_key (key))
    return TRUE;
  g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
      "custom metadata name '%s' is not of the form [a-zA-Z0-9_.]+", key);

  return FALSE;
}

/* custom-metadata names are what customMetadata takes */
static gboolean
check_custom_metadata (const GstStructure * s, GError ** error)
{
  return s == NULL || gst_structure_foreach (s, check_metadata_key, error);
}

/**
 * gst_media_edge_settings_set:
 *
 * Sets the field of @id from a property value. A value the service could
 * not take is refused with @error set, and the field keeps its value.
 */
gboolean
gst_media_edge_settings_set (GstMediaEdgeSettings * settings,
    GstMediaEdgeSettingId id, const GValue * value, GError ** error)
{
  gchar **string = string_field (settings, id);
  guint *uint = uint_field (settings, id);
  GstStructure **structure = structure_field (settings, id);

  if (string) {
    const gchar *text = g_value_get_string (value);

    /* every string goes into JSON, GLib messages and structures */
    if (text && !g_utf8_validate (text, -1, NULL)) {
      g_set_error_literal (error, GST_RESOURCE_ERROR,
          GST_RESOURCE_ERROR_SETTINGS, "not valid UTF-8");
      return FALSE;
    }
    g_free (*string);
    *string = g_strdup (text);
  } else if (uint) {
    *uint = g_value_get_uint (value);
  } else if (structure) {
    const GstStructure *s = gst_value_get_structure (value);

    if (id == GST_MEDIA_EDGE_SETTING_SESSION_DETAILS
        && !check_session_details (s, error))
      return FALSE;
    if (id == GST_MEDIA_EDGE_SETTING_CUSTOM_METADATA
        && !check_custom_metadata (s, error))
      return FALSE;
    g_clear_pointer (structure, gst_structure_free);
    *structure = copy_structure (s);
  } else if (id == GST_MEDIA_EDGE_SETTING_LENGTH) {
    settings->length = g_value_get_int (value);
  } else if (id == GST_MEDIA_EDGE_SETTING_API) {
    settings->api = g_value_get_enum (value);
  } else if (id == GST_MEDIA_EDGE_SETTING_FPID_AUTHENTICATED_STATE) {
    settings->fpid_authenticated_state = g_value_get_enum (value);
  } else if (id == GST_MEDIA_EDGE_SETTING_SPOOL_MAX_BYTES) {
    settings->spool_max_bytes = g_value_get_uint64 (value);
  } else {
    g_return_val_if_reached (FALSE);
  }

  return TRUE;
}

void
gst_media_edge_settings_get (const GstMediaEdgeSettings * settings,
    GstMediaEdgeSettingId id, GValue * value)
{
  /* the accessors only find the field */
  GstMediaEdgeSettings *fields = (GstMediaEdgeSettings *) settings;
  gchar **string = string_field (fields, id);
  guint *uint = uint_field (fields, id);
  GstStructure **structure = structure_field (fields, id);

  if (string)
    g_value_set_string (value, *string);
  else if (uint)
    g_value_set_uint (value, *uint);
  else if (structure)
    gst_value_set_structure (value, *structure);
  else if (id == GST_MEDIA_EDGE_SETTING_LENGTH)
    g_value_set_int (value, settings->length);
  else if (id == GST_MEDIA_EDGE_SETTING_API)
    g_value_set_enum (value, settings->api);
  else if (id == GST_MEDIA_EDGE_SETTING_FPID_AUTHENTICATED_STATE)
    g_value_set_enum (value, settings->fpid_authenticated_state);
  else if (id == GST_MEDIA_EDGE_SETTING_SPOOL_MAX_BYTES)
    g_value_set_uint64 (value, settings->spool_max_bytes);
  else
    g_return_if_reached ();
}

/* Set, and more than blanks */
static gboolean
is_set (const gchar * value)
{
  if (value == NULL)
    return FALSE;
  while (g_ascii_isspace (*value))
    value++;

  return *value != '\0';
}

/* Whether @url has a host and one of @schemes. */
static gboolean
is_url_of (const gchar * url, const gchar * const *schemes)
{
  g_autoptr (GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  if (uri == NULL || !is_set (g_uri_get_host (uri)))
    return FALSE;
  for (guint i = 0; schemes[i]; i++)
    if (g_ascii_strcasecmp (g_uri_get_scheme (uri), schemes[i]) == 0)
      return TRUE;

  return FALSE;
}

static const gchar *const http_schemes[] = { "http", "https", NULL };

/* the proxies GIO's GSimpleProxyResolver knows */
static const gchar *const proxy_schemes[] = { "http", "https", "socks",
  "socks4", "socks4a", "socks5", NULL
};

/* ca-file must be a PEM file of certificates, proxy a proxy's URI. */
static gboolean
check_transport (const GstMediaEdgeSettings * settings, GError ** error)
{
  g_autoptr (GTlsDatabase) database = NULL;
  g_autoptr (GError) why = NULL;

  if (is_set (settings->ca_file)
      && !(database = g_tls_file_database_new (settings->ca_file, &why))) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "The ca-file property does not name a PEM file of certificates: "
        "'%s' (%s).", settings->ca_file, why->message);
    return FALSE;
  }
  if (is_set (settings->proxy)
      && !is_url_of (settings->proxy, proxy_schemes)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "The proxy property is not the URI of a proxy (http://, "
        "https://, socks5://... and a host): '%s'.", settings->proxy);
    return FALSE;
  }

  return TRUE;
}

/**
 * gst_media_edge_settings_check:
 *
 * Whether a session can report with @settings; if not, @error (in
 * GST_RESOURCE_ERROR) names the property to fix.
 */
/* Whether @url is on the Media Edge API's host (whatever its path) */
static gboolean
is_edge_host (const gchar * url)
{
  g_autoptr (GUri) edge = g_uri_parse (MEDIA_EDGE_DEFAULT_ENDPOINT,
      G_URI_FLAGS_NONE, NULL);
  g_autoptr (GUri) uri = url ? g_uri_parse (url, G_URI_FLAGS_NONE, NULL) : NULL;

  const gchar *host = uri ? g_uri_get_host (uri) : NULL;

  return host == NULL || g_ascii_strcasecmp (host, g_uri_get_host (edge)) == 0;
}

/* The Media Collection API's sessions say whom they are for; its host is
 * the customer's own, never the Edge endpoint. */
static gboolean
check_collection_account (const GstMediaEdgeSettings * settings,
    GError ** error)
{
  const struct
  {
    const gchar *value;
    const gchar *property;
    const gchar *param;
  } mandatory[] = {
    {settings->tracking_server, "tracking-server", "analytics.trackingServer"},
    {settings->report_suite, "report-suite", "analytics.reportSuite"},
    /* the device's FPID stands for the visitor when there is one */
    {is_set (settings->fpid) ? settings->fpid : settings->visitor_id,
        "visitor-id", "analytics.visitorId"},
    {settings->org_id, "org-id", "visitor.marketingCloudOrgId"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (mandatory); i++) {
    if (!is_set (mandatory[i].value)) {
      g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
          "api=collection needs the %s property (%s).",
          mandatory[i].property, mandatory[i].param);
      return FALSE;
    }
  }
  if (is_edge_host (settings->endpoint)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "api=collection needs the endpoint property: your Media Collection "
        "host, e.g. https://example.hb-api.omtrdc.net.");
    return FALSE;
  }

  return TRUE;
}

gboolean
gst_media_edge_settings_check (const GstMediaEdgeSettings * settings,
    GError ** error)
{
  if (settings->api == GST_MEDIA_EDGE_API_COLLECTION) {
    if (!check_collection_account (settings, error))
      return FALSE;
  } else if (!is_set (settings->config_id)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "No datastream id: set the config-id property.");
    return FALSE;
  }
  if (!is_url_of (settings->endpoint, http_schemes)) {
    g_set_error (error, GST_RESOURCE_ERROR, GST_RESOURCE_ERROR_SETTINGS,
        "The endpoint property is not an http(s) URL: '%s'.",
        GST_STR_NULL (settings->endpoint));
    return FALSE;
  }

  return check_transport (settings, error);
}
