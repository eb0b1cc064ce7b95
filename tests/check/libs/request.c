/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A request read back from its string is the request that was written, its
 * session id slots are filled in, and a damaged string is refused. */

#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>

#include "mediaedge-request.h"

#define URL "https://h.example/v1/sessions/" MEDIA_EDGE_REQUEST_SESSION_SLOT \
    "/events?configId=x%26y"
#define BODY "{\"events\":[{\"xdm\":{\"title\":\"Ünïcødé ✓ \\\"q\\\"\"," \
    "\"grid\":[[1,2],[3,[4,{\"deep\":null}]]],\"mediaCollection\":" \
    "{\"playhead\":3,\"sessionID\":\"\"}}}]}"
#define POINTER "/events/0/xdm/mediaCollection/sessionID"

static MediaEdgeRequest *
new_request (MediaEdgeRequestFlags flags)
{
  return media_edge_request_new ("pïng ✓", "PUT", URL, BODY, POINTER, flags);
}

static MediaEdgeRequest *
round_trip (const MediaEdgeRequest * request)
{
  g_autofree gchar *text = media_edge_request_serialize (request);
  g_autoptr (GError) error = NULL;
  MediaEdgeRequest *copy = media_edge_request_deserialize (text, &error);

  fail_unless (copy != NULL, "%s: %s", text, error ? error->message : "");
  fail_unless (error == NULL);

  return copy;
}

static void
assert_same (const MediaEdgeRequest * a, const MediaEdgeRequest * b)
{
  fail_unless_equals_string (media_edge_request_get_name (a),
      media_edge_request_get_name (b));
  fail_unless_equals_string (media_edge_request_get_method (a),
      media_edge_request_get_method (b));
  fail_unless_equals_string (media_edge_request_get_url_template (a),
      media_edge_request_get_url_template (b));
  fail_unless_equals_string (media_edge_request_get_body (a),
      media_edge_request_get_body (b));
  fail_unless_equals_string (media_edge_request_get_session_id_pointer (a),
      media_edge_request_get_session_id_pointer (b));
  fail_unless_equals_int (media_edge_request_get_flags (a),
      media_edge_request_get_flags (b));
}

/* Every field, with each flag and combinations of them, with and without
 * a pointer. */
GST_START_TEST (test_round_trip)
{
  const MediaEdgeRequestFlags flags[] = {
    MEDIA_EDGE_REQUEST_NONE,
    MEDIA_EDGE_REQUEST_OPENS_SESSION,
    MEDIA_EDGE_REQUEST_EXPENDABLE,
    MEDIA_EDGE_REQUEST_OPENS_SESSION | MEDIA_EDGE_REQUEST_EXPENDABLE,
    MEDIA_EDGE_REQUEST_CARRIES_STATE,
    MEDIA_EDGE_REQUEST_SESSIONLESS,
    MEDIA_EDGE_REQUEST_CARRIES_STATE | MEDIA_EDGE_REQUEST_SESSIONLESS,
  };
  g_autoptr (MediaEdgeRequest) plain =
      media_edge_request_new ("play", "POST", "http://h/play", "[]", NULL,
      MEDIA_EDGE_REQUEST_NONE);
  g_autoptr (MediaEdgeRequest) plain_copy = round_trip (plain);

  for (guint i = 0; i < G_N_ELEMENTS (flags); i++) {
    g_autoptr (MediaEdgeRequest) request = new_request (flags[i]);
    g_autoptr (MediaEdgeRequest) copy = round_trip (request);

    assert_same (request, copy);
    fail_unless_equals_int (media_edge_request_opens_session (copy),
        (flags[i] & MEDIA_EDGE_REQUEST_OPENS_SESSION) != 0);
    fail_unless_equals_int (media_edge_request_is_expendable (copy),
        (flags[i] & MEDIA_EDGE_REQUEST_EXPENDABLE) != 0);
  }
  assert_same (plain, plain_copy);
  fail_unless (media_edge_request_get_session_id_pointer (plain_copy) == NULL);
}

GST_END_TEST;

GST_START_TEST (test_fill_url)
{
  g_autoptr (MediaEdgeRequest) request = new_request (0);
  g_autoptr (MediaEdgeRequest) plain =
      media_edge_request_new ("play", "POST", "http://h/play?configId=%7Bx",
      "{}", NULL, MEDIA_EDGE_REQUEST_NONE);
  g_autofree gchar *filled = media_edge_request_build_uri (request, "a/b c");
  g_autofree gchar *unknown = media_edge_request_build_uri (request, NULL);
  g_autofree gchar *as_is = media_edge_request_build_uri (plain, "s");

  fail_unless_equals_string (filled,
      "https://h.example/v1/sessions/a%2Fb%20c/events?configId=x%26y");
  fail_unless_equals_string (unknown,
      "https://h.example/v1/sessions//events?configId=x%26y");
  fail_unless_equals_string (as_is, "http://h/play?configId=%7Bx");
}

GST_END_TEST;

static JsonNode *
parse (const gchar * text)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);

  fail_unless (node != NULL, "%s: %s", text, error ? error->message : "");

  return node;
}

/* The session id lands where the pointer says, nothing else changes; with
 * no session id the body is as it was made. */
GST_START_TEST (test_fill_body)
{
  g_autoptr (MediaEdgeRequest) request = new_request (0);
  g_autofree gchar *unknown = media_edge_request_build_body (request, NULL,
      NULL);
  g_autofree gchar *filled = NULL;
  g_autoptr (JsonNode) actual = NULL;
  g_autoptr (JsonNode) expected = NULL;
  gsize length;

  fail_unless_equals_string (unknown, BODY);
  filled = media_edge_request_build_body (request, "s\"1 ✓", &length);
  fail_unless_equals_int (length, strlen (filled));
  actual = parse (filled);
  expected =
      parse ("{\"events\":[{\"xdm\":{\"title\":\"Ünïcødé ✓ \\\"q\\\"\","
      "\"grid\":[[1,2],[3,[4,{\"deep\":null}]]],\"mediaCollection\":"
      "{\"playhead\":3,\"sessionID\":\"s\\\"1 ✓\"}}}]}");
  fail_unless (json_node_equal (actual, expected), "%s", filled);
}

GST_END_TEST;

/* RFC 6901: ~1 is a slash and ~0 a tilde in a member name; a member the
 * pointer names that is not there yet is added. */
GST_START_TEST (test_pointer_escapes)
{
  g_autoptr (MediaEdgeRequest) request = media_edge_request_new ("x",
      "POST", "http://h/x", "{\"a/b\":[{\"m~n\":{}}]}", "/a~1b/0/m~0n/id",
      MEDIA_EDGE_REQUEST_NONE);
  g_autofree gchar *body = media_edge_request_build_body (request, "7", NULL);

  fail_unless_equals_string (body, "{\"a/b\":[{\"m~n\":{\"id\":\"7\"}}]}");
}

GST_END_TEST;

GST_START_TEST (test_refuse_malformed)
{
  const gchar *texts[] = {
    "",
    "not json",
    "[\"a request\"]",
    /* a field missing, of the wrong type, or a version we do not know */
    "{\"version\":1,\"method\":\"POST\",\"url\":\"http://h\",\"body\":\"{}\","
        "\"sessionIdPointer\":null,\"flags\":[]}",
    "{\"version\":1,\"name\":7,\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{}\",\"sessionIdPointer\":null,\"flags\":[]}",
    "{\"version\":1,\"name\":\"x\",\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{}\",\"flags\":[]}",
    "{\"version\":2,\"name\":\"x\",\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{}\",\"sessionIdPointer\":null,\"flags\":[]}",
    "{\"version\":\"1\",\"name\":\"x\",\"method\":\"POST\",\"url\":\"h\","
        "\"body\":\"{}\",\"sessionIdPointer\":null,\"flags\":[]}",
    /* flags that are not a list of known names */
    "{\"version\":1,\"name\":\"x\",\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{}\",\"sessionIdPointer\":null,\"flags\":3}",
    "{\"version\":1,\"name\":\"x\",\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{}\",\"sessionIdPointer\":null,\"flags\":[\"urgent\"]}",
    /* a body that is no JSON, a pointer that leads nowhere */
    "{\"version\":1,\"name\":\"x\",\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{\\\"a\\\":\",\"sessionIdPointer\":null,\"flags\":[]}",
    "{\"version\":1,\"name\":\"x\",\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{\\\"a\\\":[]}\",\"sessionIdPointer\":\"/a/01/id\","
        "\"flags\":[]}",
    "{\"version\":1,\"name\":\"x\",\"method\":\"POST\",\"url\":\"http://h\","
        "\"body\":\"{}\",\"sessionIdPointer\":\"id\",\"flags\":[]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (MediaEdgeRequest) request =
        media_edge_request_deserialize (texts[i], &error);

    fail_unless (request == NULL, "text %u was read", i);
    fail_unless (g_error_matches (error, MEDIA_EDGE_REQUEST_ERROR,
            MEDIA_EDGE_REQUEST_ERROR_MALFORMED), "text %u", i);
  }
}

GST_END_TEST;

static Suite *
request_suite (void)
{
  Suite *s = suite_create ("mediaedge-request");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_round_trip);
  tcase_add_test (tc, test_fill_url);
  tcase_add_test (tc, test_fill_body);
  tcase_add_test (tc, test_pointer_escapes);
  tcase_add_test (tc, test_refuse_malformed);

  return s;
}

GST_CHECK_MAIN (request);
