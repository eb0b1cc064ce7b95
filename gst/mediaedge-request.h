/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_REQUEST_H__
#define __MEDIA_EDGE_REQUEST_H__

#include <glib.h>

G_BEGIN_DECLS
/**
 * MediaEdgeRequestFlags:
 * @MEDIA_EDGE_REQUEST_OPENS_SESSION: its answer names the session (the
 *   session id comes from it); never dropped to bound a queue
 * @MEDIA_EDGE_REQUEST_EXPENDABLE: the first to go when a queue is full
 *   (a ping: the next one says the same)
 * @MEDIA_EDGE_REQUEST_CARRIES_STATE: the device's client state entries go
 *   with it, as `meta.state.entries` in the body (the Edge Network's)
 * @MEDIA_EDGE_REQUEST_SESSIONLESS: needs no session: it goes even though no
 *   session was started (a /downloaded request)
 */
    typedef enum
{
  MEDIA_EDGE_REQUEST_NONE = 0,
  MEDIA_EDGE_REQUEST_OPENS_SESSION = 1 << 0,
  MEDIA_EDGE_REQUEST_EXPENDABLE = 1 << 1,
  MEDIA_EDGE_REQUEST_CARRIES_STATE = 1 << 2,
  MEDIA_EDGE_REQUEST_SESSIONLESS = 1 << 3,
} MediaEdgeRequestFlags;

#define MEDIA_EDGE_REQUEST_ERROR (media_edge_request_error_quark ())
GQuark media_edge_request_error_quark (void);

typedef enum
{
  MEDIA_EDGE_REQUEST_ERROR_MALFORMED,
} MediaEdgeRequestError;

/* In a URL template, replaced by the URI-escaped session id. */
#define MEDIA_EDGE_REQUEST_SESSION_SLOT "{sessionId}"

/* In a URL template, replaced by a slash and the URI-escaped location
 * hint when the device has one, by nothing otherwise. */
#define MEDIA_EDGE_REQUEST_HINT_SLOT "{locationHint}"

/**
 * MediaEdgeRequest:
 *
 * One HTTP request as a codec made it, known to nobody else: a name for
 * logs and counters, the method, a URL template and a JSON body, each with
 * a slot for the session id, which only the answer to the session's first
 * request gives. Plain data: it can be written to a string and read back,
 * so that it can wait on disk.
 */
typedef struct _MediaEdgeRequest MediaEdgeRequest;

/**
 * MediaEdgeAnswer:
 * @status: the HTTP status
 * @location: (nullable): the Location header
 * @body: (nullable): the body
 *
 * What the service answered, as much of it as a codec needs to find a
 * session id.
 */
typedef struct
{
  guint status;
  const gchar *location;
  GBytes *body;
} MediaEdgeAnswer;

MediaEdgeRequest *media_edge_request_new (const gchar * name,
    const gchar * method, const gchar * url_template, const gchar * body,
    const gchar * session_id_pointer, MediaEdgeRequestFlags flags);

const gchar *media_edge_request_get_name (const MediaEdgeRequest * request);

const gchar *media_edge_request_get_method (const MediaEdgeRequest * request);

MediaEdgeRequestFlags media_edge_request_get_flags (const MediaEdgeRequest *
    request);

const gchar *media_edge_request_get_url_template (const MediaEdgeRequest *
    request);

const gchar *media_edge_request_get_body (const MediaEdgeRequest * request);

const gchar *media_edge_request_get_session_id_pointer (const MediaEdgeRequest
    * request);

gboolean media_edge_request_opens_session (const MediaEdgeRequest * request);

gboolean media_edge_request_is_expendable (const MediaEdgeRequest * request);

gchar *media_edge_request_build_uri (const MediaEdgeRequest * request,
    const gchar * session_id);

gchar *media_edge_request_build_body (const MediaEdgeRequest * request,
    const gchar * session_id, gsize * length);

gchar *media_edge_request_build_uri_full (const MediaEdgeRequest * request,
    const gchar * session_id, const gchar * location_hint);

gchar *media_edge_request_build_body_full (const MediaEdgeRequest * request,
    const gchar * session_id, GPtrArray * state_entries, gsize * length);

gchar *media_edge_request_serialize (const MediaEdgeRequest * request);

MediaEdgeRequest *media_edge_request_deserialize (const gchar * text,
    GError ** error);

MediaEdgeRequest *media_edge_request_copy (const MediaEdgeRequest * request);

void media_edge_request_free (MediaEdgeRequest * request);

gchar *media_edge_quote_text (const gchar * data, gsize size, gsize limit);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeRequest, media_edge_request_free);

G_END_DECLS
#endif /* __MEDIA_EDGE_REQUEST_H__ */
