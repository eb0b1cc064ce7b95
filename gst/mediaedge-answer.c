/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What an answer means for the request it answers, decided from what the
 * client read of it (status, headers, body) and nothing else: no socket,
 * no session, so that the fuzzer can feed it whatever a server could send.
 * The client acts on the verdict. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "mediaedge-answer.h"
#include "mediaedge-codec.h"

/* libsoup 3.2 has no name for it */
#define STATUS_TOO_MANY_REQUESTS 429
/* how much of an answer a verdict quotes */
#define MAX_QUOTED_ANSWER 512

void
media_edge_verdict_clear (MediaEdgeVerdict * verdict)
{
  g_clear_pointer (&verdict->session_id, g_free);
  g_clear_pointer (&verdict->why, g_free);
}

/**
 * media_edge_answer_describe:
 * @limit: how many bytes of the body to quote at most
 *
 * Returns: (transfer full): the status line and the start of the body
 */
gchar *
media_edge_answer_describe (const MediaEdgeReply * reply, gsize limit)
{
  gsize size = 0;
  const gchar *data = reply->body ? g_bytes_get_data (reply->body, &size) :
      NULL;
  g_autofree gchar *reason = reply->reason ?
      media_edge_quote_text (reply->reason, strlen (reply->reason), 128) : NULL;
  g_autofree gchar *quoted = media_edge_codec_quote_answer (data, size,
      limit);

  return g_strdup_printf ("HTTP %u %s: %s", reply->status,
      reason ? reason : "", quoted);
}

static const gchar *
get_header (const MediaEdgeReply * reply, const gchar * name)
{
  return reply->headers ? soup_message_headers_get_one (reply->headers,
      name) : NULL;
}

static gboolean
status_is_transient (guint status)
{
  switch (status) {
    case SOUP_STATUS_REQUEST_TIMEOUT:
    case STATUS_TOO_MANY_REQUESTS:
    case SOUP_STATUS_BAD_GATEWAY:
    case SOUP_STATUS_SERVICE_UNAVAILABLE:
    case SOUP_STATUS_GATEWAY_TIMEOUT:
      return TRUE;
    default:
      return FALSE;
  }
}

/* Retry-After, in milliseconds: delay-seconds or an HTTP date; -1 if the
 * answer has none. */
static gint64
retry_after_ms (const MediaEdgeReply * reply)
{
  const gchar *value = get_header (reply, "Retry-After");
  g_autoptr (GDateTime) when = NULL;
  g_autoptr (GDateTime) now = NULL;
  guint64 seconds;

  if (value == NULL)
    return -1;
  /* any number of seconds: a huge one is the longest wait, not none */
  if (g_ascii_string_to_unsigned (value, 10, 0, G_MAXUINT64, &seconds, NULL))
    return MIN (seconds, MEDIA_EDGE_MAX_RETRY_AFTER_MS / 1000) * 1000;
  /* digits beyond any integer */
  if (*value && value[strspn (value, "0123456789")] == '\0')
    return MEDIA_EDGE_MAX_RETRY_AFTER_MS;
  when = soup_date_time_new_from_http_string (value);
  if (when == NULL)
    return -1;
  now = g_date_time_new_now_utc ();

  return CLAMP (g_date_time_difference (when, now) / 1000, 0,
      MEDIA_EDGE_MAX_RETRY_AFTER_MS);
}

/* how much of a redirect's target is quoted */
#define MAX_QUOTED_TARGET 200

/* @text with every value of @base's query (the datastream id among them)
 * that it holds masked: a service may echo it into a path. */
static gchar *
mask_query_values (GUri * base, gchar * text)
{
  const gchar *query = base ? g_uri_get_query (base) : NULL;
  g_autoptr (GHashTable) params = query ? g_uri_parse_params (query, -1, "&",
      G_URI_PARAMS_NONE, NULL) : NULL;
  GHashTableIter iter;
  const gchar *value;

  if (params == NULL)
    return text;
  g_hash_table_iter_init (&iter, params);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) & value)) {
    g_auto (GStrv) parts = NULL;

    if (value == NULL || *value == '\0')
      continue;
    parts = g_strsplit (text, value, -1);
    g_free (text);
    text = g_strjoinv ("…", parts);
  }

  return text;
}

/* Where a redirect points, fit to be quoted: without the query, the
 * fragment and the user info, which may hold the datastream id or a
 * password, nor the request's query values anywhere; at most
 * MAX_QUOTED_TARGET bytes of it. NULL if @location is no address on the
 * web. */
static gchar *
redirect_target (const MediaEdgeReply * reply, const gchar * location)
{
  g_autoptr (GUri) base = reply->uri ? g_uri_parse (reply->uri,
      SOUP_HTTP_URI_FLAGS, NULL) : NULL;
  g_autoptr (GUri) target = g_uri_parse_relative (base, location,
      SOUP_HTTP_URI_FLAGS, NULL);
  g_autofree gchar *text = NULL;
  g_autofree gchar *quoted = NULL;
  gsize length;

  if (target == NULL || g_uri_get_host (target) == NULL)
    return NULL;

  text = mask_query_values (base, g_uri_to_string_partial (target,
          G_URI_HIDE_USERINFO | G_URI_HIDE_QUERY | G_URI_HIDE_FRAGMENT));
  length = strlen (text);
  if (length <= MAX_QUOTED_TARGET)
    return media_edge_quote_text (text, length, length);
  quoted = media_edge_quote_text (text, length, MAX_QUOTED_TARGET - 3);

  return g_strconcat (quoted, "...", NULL);
}

/* Why a redirect is refused. Following it would be wrong as libsoup does
 * it (a 301 or 302 re-sent as a GET without the body) and unsafe done
 * right (a POST re-sent to another host over plain http hands it the
 * datastream id): the one who set the endpoint is to fix it. */
static gchar *
refuse_redirect (const MediaEdgeReply * reply, const gchar * location)
{
  g_autofree gchar *target = redirect_target (reply, location);

  if (target == NULL)
    return g_strdup_printf ("HTTP %u %s: redirected to a Location that is no "
        "address, which is not followed", reply->status,
        reply->reason ? reply->reason : "");

  return g_strdup_printf ("HTTP %u %s: redirected to %s, which is not "
      "followed: set endpoint to the new address", reply->status,
      reply->reason ? reply->reason : "", target);
}

static void
set_verdict (MediaEdgeVerdict * verdict, MediaEdgeVerdictKind kind, gchar * why)
{
  verdict->kind = kind;
  verdict->why = why;
}

/**
 * media_edge_reply_get_answer:
 * @answer: (out caller-allocates): what a codec reads of @reply, which
 *   keeps owning its parts
 */
void
media_edge_reply_get_answer (const MediaEdgeReply * reply,
    MediaEdgeAnswer * answer)
{
  answer->status = reply->status;
  answer->location = get_header (reply, "Location");
  answer->body = reply->body;
}

/* A successful answer to the request that opened the session names the
 * session, as the owner's function reads it, or there is none. */
static void
judge_session_start (const MediaEdgeReply * reply,
    MediaEdgeSessionIdFunc id_func, gpointer id_data,
    MediaEdgeVerdict * verdict)
{
  g_autoptr (GError) error = NULL;
  MediaEdgeAnswer answer;

  media_edge_reply_get_answer (reply, &answer);

  if (reply->body && g_bytes_get_size (reply->body) >
      MEDIA_EDGE_SESSION_ANSWER_MAX) {
    set_verdict (verdict, MEDIA_EDGE_VERDICT_REFUSED,
        g_strdup_printf ("answer to %s too large (more than %u bytes)",
            reply->name, MEDIA_EDGE_SESSION_ANSWER_MAX));
    return;
  }
  if (id_func)
    verdict->session_id = id_func (&answer, id_data, &error);
  if (verdict->session_id == NULL)
    set_verdict (verdict, MEDIA_EDGE_VERDICT_REFUSED,
        g_strdup (error ? error->message : "no session id in the answer"));
  else
    verdict->kind = MEDIA_EDGE_VERDICT_DELIVERED;
}

/**
 * media_edge_answer_judge:
 * @reply: what came back
 * @id_func: (nullable): reads the session id in the answer to the request
 *   that opens the session
 * @verdict: (out caller-allocates): what becomes of the request; clear it
 *   with media_edge_verdict_clear()
 */
void
media_edge_answer_judge (const MediaEdgeReply * reply,
    MediaEdgeSessionIdFunc id_func, gpointer id_data,
    MediaEdgeVerdict * verdict)
{
  guint status = reply->status;
  const gchar *location = get_header (reply, "Location");

  verdict->kind = MEDIA_EDGE_VERDICT_DELIVERED;
  verdict->retry_after_ms = -1;
  verdict->session_id = NULL;
  verdict->why = NULL;

  if (SOUP_STATUS_IS_REDIRECTION (status) && location) {
    set_verdict (verdict, MEDIA_EDGE_VERDICT_REFUSED,
        refuse_redirect (reply, location));
  } else if (status_is_transient (status)) {
    set_verdict (verdict, MEDIA_EDGE_VERDICT_RETRY,
        media_edge_answer_describe (reply, MAX_QUOTED_ANSWER));
    verdict->retry_after_ms = retry_after_ms (reply);
  } else if (SOUP_STATUS_IS_SUCCESSFUL (status) && reply->opens_session) {
    judge_session_start (reply, id_func, id_data, verdict);
  } else if (SOUP_STATUS_IS_SUCCESSFUL (status)) {
    verdict->kind = MEDIA_EDGE_VERDICT_DELIVERED;
  } else if (!reply->opens_session && (status == SOUP_STATUS_NOT_FOUND
          || status == SOUP_STATUS_GONE)) {
    set_verdict (verdict, MEDIA_EDGE_VERDICT_LOST,
        media_edge_answer_describe (reply, MAX_QUOTED_ANSWER));
  } else {
    set_verdict (verdict, MEDIA_EDGE_VERDICT_REFUSED,
        media_edge_answer_describe (reply, MAX_QUOTED_ANSWER));
  }
}
