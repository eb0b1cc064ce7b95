/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* libFuzzer target: whatever a server answers, to sessionStart or to an
 * event, the client's verdict (media_edge_answer_judge() with the Edge
 * codec reading the session id) is one it can act on: never a crash or a
 * leak, a session id exactly when a session starts, a Retry-After within
 * bounds, and the datastream id of the request's URL quoted only when the
 * answer itself holds it.
 *
 * An input that starts with "HTTP/" is a whole answer: a status line and
 * headers as libsoup parses them (Retry-After, Location...), a blank
 * line, then the body. Any other input is the body of a 200 answer, as in
 * the first corpus (tests/fuzz/corpus/session-start). */

#include <stdint.h>
#include <stddef.h>
#include <string.h>

#include "mediaedge-answer.h"
#include "mediaedge-codec-edge.h"

#define DATASTREAM_ID "fuzz-datastream-id"
#define ENDPOINT "https://edge.example/ee/va/v1"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

static gboolean
holds (const uint8_t * data, size_t size, const gchar * needle)
{
  size_t n = strlen (needle);

  for (size_t i = 0; i + n <= size; i++)
    if (memcmp (data + i, needle, n) == 0)
      return TRUE;

  return FALSE;
}

/* Whether @data holds @needle once JSON's escapes are read: a parse error
 * of json-glib quotes a string as it reads it, "i\d" as "id", so an
 * answer can spell the datastream id without holding its bytes. The
 * warning quotes the service's text then, not the request's. */
static gboolean
holds_unescaped (const uint8_t * data, size_t size, const gchar * needle)
{
  g_autofree guint8 *plain = g_malloc (size + 1);
  size_t n = 0;

  for (size_t i = 0; i < size; i++)
    if (data[i] != '\\')
      plain[n++] = data[i];

  return holds (plain, n, needle);
}

/* The length of the status line and headers, blank line included, or 0
 * when @data is no more than a body. */
static size_t
head_size (const uint8_t * data, size_t size)
{
  if (size < 5 || memcmp (data, "HTTP/", 5) != 0)
    return 0;
  for (size_t i = 0; i + 1 < size; i++) {
    if (data[i] == '\n' && data[i + 1] == '\n')
      return i + 2;
    if (i + 3 < size && memcmp (data + i, "\r\n\r\n", 4) == 0)
      return i + 4;
  }

  return 0;
}

static gchar *
parse_session_id (const MediaEdgeAnswer * answer, gpointer codec,
    GError ** error)
{
  return media_edge_codec_parse_session_id (codec, answer, error);
}

static void
check_verdict (const MediaEdgeReply * reply, const MediaEdgeVerdict * verdict,
    const uint8_t * data, size_t size)
{
  gboolean delivered = verdict->kind == MEDIA_EDGE_VERDICT_DELIVERED;

  g_assert (delivered == (verdict->why == NULL));
  g_assert ((verdict->session_id != NULL) == (delivered
          && reply->opens_session));
  g_assert (verdict->session_id == NULL || *verdict->session_id != '\0');
  g_assert (verdict->kind != MEDIA_EDGE_VERDICT_LOST || !reply->opens_session);
  if (verdict->kind == MEDIA_EDGE_VERDICT_RETRY)
    g_assert (verdict->retry_after_ms >= -1
        && verdict->retry_after_ms <= MEDIA_EDGE_MAX_RETRY_AFTER_MS);
  else
    g_assert (verdict->retry_after_ms == -1);
  if (verdict->why && strstr (verdict->why, DATASTREAM_ID))
    g_assert (holds_unescaped (data, size, DATASTREAM_ID));
}

/* Judges the answer as the answer to @name, which opens the session or
 * not. */
static void
judge (MediaEdgeCodec * codec, const gchar * name, gboolean opens_session,
    guint status, const gchar * reason, SoupMessageHeaders * headers,
    GBytes * body, const uint8_t * data, size_t size)
{
  g_autofree gchar *uri = g_strdup_printf ("%s/%s?configId=%s", ENDPOINT,
      name, DATASTREAM_ID);
  MediaEdgeReply reply = {
    .name = name,
    .uri = uri,
    .opens_session = opens_session,
    .status = status,
    .reason = reason,
    .headers = headers,
    .body = body,
  };
  MediaEdgeVerdict verdict;

  media_edge_answer_judge (&reply, parse_session_id, codec, &verdict);
  check_verdict (&reply, &verdict, data, size);
  media_edge_verdict_clear (&verdict);
}

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static MediaEdgeCodec *codec;
  size_t head = head_size (data, size);
  g_autoptr (SoupMessageHeaders) headers =
      soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr (GBytes) body = g_bytes_new_static (data + head, size - head);
  g_autofree gchar *reason = NULL;
  SoupHTTPVersion version;
  guint status = SOUP_STATUS_OK;

  if (codec == NULL)
    codec = media_edge_codec_edge_new (ENDPOINT, DATASTREAM_ID, "fuzz");
  if (head > 0 && !soup_headers_parse_response ((const char *) data,
          (int) head, headers, &version, &status, &reason))
    return 0;

  judge (codec, "sessionStart", TRUE, status, reason, headers, body, data,
      size);
  judge (codec, "play", FALSE, status, reason, headers, body, data, size);

  return 0;
}
