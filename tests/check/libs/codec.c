/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* The Media Edge codec against Adobe's documented payloads (the
 * implementation examples; the session endpoints' and sessionstart
 * endpoint's answers), field for field. Adobe's dates read YYYY-MM-DD; here
 * they are 2026-11-26. */

#include <gst/check/gstcheck.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>

#include "mediaedge-codec-edge.h"
#include "mediaedge-codec-collection.h"

#define ENDPOINT "https://edge.adobedc.net/ee/va/v1"
#define CONFIG_ID "datastream-1"
#define SID "af8bb22766e458fa0eef98c48ea42c9e351c463318230e851a19946862020333"
#define T(h_m_s_ms) (1795658400000 + (h_m_s_ms))

static MediaEdgeRequest *
encode (const gchar * endpoint, const gchar * config_id,
    const MediaEdgeEvent * event)
{
  g_autoptr (MediaEdgeCodec) codec =
      media_edge_codec_edge_new (endpoint, config_id, "codec-test");

  return media_edge_codec_encode (codec, event);
}

/* Timestamps are compared as instants: Adobe writes 02:00:29Z and
 * 02:00:30.00Z for what the codec writes with milliseconds. */
static void
normalise_timestamp (JsonNode * root)
{
  JsonObject *xdm = json_object_get_object_member
      (json_array_get_object_element (json_object_get_array_member
          (json_node_get_object (root), "events"), 0), "xdm");
  const gchar *text = json_object_get_string_member (xdm, "timestamp");
  g_autoptr (GDateTime) when = g_date_time_new_from_iso8601 (text, NULL);

  fail_unless (when != NULL, "not ISO 8601: %s", text);
  json_object_set_int_member (xdm, "timestamp",
      g_date_time_to_unix (when) * 1000 +
      g_date_time_get_microsecond (when) / 1000);
}

static JsonNode *
parse (const gchar * json)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (json, &error);

  fail_unless (node != NULL, "%s: %s", json, error ? error->message : "");
  return node;
}

static void
assert_encodes_to (MediaEdgeEvent * event, const gchar * expected_xdm,
    const gchar * expected_path)
{
  g_autoptr (MediaEdgeRequest) request = NULL;
  g_autofree gchar *body = NULL;
  g_autofree gchar *expected_text = NULL;
  g_autofree gchar *expected_uri = NULL;
  g_autofree gchar *uri = NULL;
  g_autoptr (JsonNode) actual = NULL;
  g_autoptr (JsonNode) expected = NULL;
  gsize length;

  request = encode (ENDPOINT "/", CONFIG_ID, event);
  expected_uri = g_strdup_printf (ENDPOINT "/%s?configId=" CONFIG_ID,
      expected_path);
  uri = media_edge_request_build_uri (request, SID);
  fail_unless_equals_string (uri, expected_uri);
  fail_unless_equals_string (media_edge_request_get_method (request), "POST");

  body = media_edge_request_build_body (request, SID, &length);
  fail_unless_equals_int (length, strlen (body));
  expected_text = g_strdup_printf ("{\"events\":[{\"xdm\":%s}]}", expected_xdm);

  actual = parse (body);
  expected = parse (expected_text);
  normalise_timestamp (actual);
  normalise_timestamp (expected);
  if (!json_node_equal (actual, expected)) {
    g_autofree gchar *a = json_to_string (actual, TRUE);
    g_autofree gchar *e = json_to_string (expected, TRUE);

    fail ("body differs from Adobe's.\nactual: %s\nexpected: %s", a, e);
  }
  media_edge_event_free (event);
}

static GVariant *
session_details (gint64 length)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", "VA API Sample Player");
  g_variant_dict_insert (&dict, "friendlyName", "s", "ClickMe");
  g_variant_dict_insert (&dict, "length", "x", length);
  g_variant_dict_insert (&dict, "contentType", "s", "VOD");
  g_variant_dict_insert (&dict, "playerName", "s", "sample-html5-api-player");
  g_variant_dict_insert (&dict, "channel", "s", "sample-channel");
  g_variant_dict_insert (&dict, "appVersion", "s", "va-api-0.0.0");

  return g_variant_dict_end (&dict);
}

GST_START_TEST (test_example1_session_start)
{
  MediaEdgeEvent *event =
      media_edge_event_new (MEDIA_EDGE_EVENT_SESSION_START, T (0), 0);

  media_edge_event_set_details (event, session_details (60));
  assert_encodes_to (event, "{"
      " \"eventType\": \"media.sessionStart\","
      "  \"timestamp\": \"2026-11-26T02:00:00.000Z\","
      "  \"mediaCollection\": {"
      "    \"playhead\": 0,"
      "    \"sessionDetails\": {"
      "      \"name\": \"VA API Sample Player\","
      "      \"friendlyName\": \"ClickMe\","
      "      \"length\": 60,"
      "      \"contentType\": \"VOD\","
      "      \"playerName\": \"sample-html5-api-player\","
      "      \"channel\": \"sample-channel\","
      "      \"appVersion\": \"va-api-0.0.0\""
      "    }" "  }" "}", "sessionStart");
}

GST_END_TEST;

/* Example 1's playback events: the payloads differ only by type, time and
 * playhead (bufferStart's payload says playhead 0 where its table says 1;
 * the payload is what is compared here). */
GST_START_TEST (test_example1_events)
{
  const struct
  {
    MediaEdgeEventType type;
    const gchar *name;
    gint64 offset_ms;
    const gchar *timestamp;
    gint playhead;
  } examples[] = {
    {MEDIA_EDGE_EVENT_BUFFER_START, "bufferStart", 1000, "02:00:01.000Z", 0},
    {MEDIA_EDGE_EVENT_PLAY, "play", 4000, "02:00:04.000Z", 1},
    {MEDIA_EDGE_EVENT_PING, "ping", 10000, "02:00:10.000Z", 7},
    {MEDIA_EDGE_EVENT_PAUSE_START, "pauseStart", 15000, "02:00:15.000Z", 12},
    {MEDIA_EDGE_EVENT_PING, "ping", 20000, "02:00:20.000Z", 12},
    {MEDIA_EDGE_EVENT_PLAY, "play", 24000, "02:00:24.000Z", 12},
    {MEDIA_EDGE_EVENT_SESSION_END, "sessionEnd", 29000, "02:00:29Z", 17},
  };

  for (guint i = 0; i < G_N_ELEMENTS (examples); i++) {
    g_autofree gchar *xdm = g_strdup_printf ("{"
        "  \"eventType\": \"media.%s\","
        "  \"timestamp\": \"2026-11-26T%s\","
        "  \"mediaCollection\": {"
        "    \"sessionID\": \"" SID "\","
        "    \"playhead\": %d" "  }" "}", examples[i].name,
        examples[i].timestamp,
        examples[i].playhead);

    assert_encodes_to (media_edge_event_new (examples[i].type,
            T (examples[i].offset_ms), examples[i].playhead), xdm,
        examples[i].name);
  }
}

GST_END_TEST;

/* Media Edge types the playhead as an integer: whole seconds, truncated. */
GST_START_TEST (test_playhead_whole_seconds)
{
  assert_encodes_to (media_edge_event_new (MEDIA_EDGE_EVENT_SESSION_COMPLETE,
          T (54001), 26.93), "{"
      "  \"eventType\": \"media.sessionComplete\","
      "  \"timestamp\": \"2026-11-26T02:00:54.001Z\","
      "  \"mediaCollection\": {"
      "    \"sessionID\": \"" SID "\"," "    \"playhead\": 26" "  }" "}",
      "sessionComplete");
}

GST_END_TEST;

/* Example 2, action 4: details objects go to their XDM member. */
GST_START_TEST (test_example2_chapter_start)
{
  MediaEdgeEvent *event =
      media_edge_event_new (MEDIA_EDGE_EVENT_CHAPTER_START, T (1000), 1);
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "index", "x", (gint64) 1);
  g_variant_dict_insert (&dict, "offset", "x", (gint64) 0);
  g_variant_dict_insert (&dict, "friendlyName", "s", "Chapter one");
  g_variant_dict_insert (&dict, "length", "x", (gint64) 15);
  media_edge_event_set_details (event, g_variant_dict_end (&dict));

  assert_encodes_to (event, "{"
      "  \"eventType\": \"media.chapterStart\","
      "  \"timestamp\": \"2026-11-26T02:00:01.000Z\","
      "  \"mediaCollection\": {"
      "    \"sessionID\": \"" SID "\","
      "    \"playhead\": 1,"
      "    \"chapterDetails\": {"
      "      \"index\": 1,"
      "      \"offset\": 0,"
      "      \"friendlyName\": \"Chapter one\","
      "      \"length\": 15" "    }" "  }" "}", "chapterStart");
}

GST_END_TEST;

/* Example 2, action 8: advertisingDetails and customMetadata, the latter
 * as {name, value} pairs sorted by name. */
GST_START_TEST (test_example2_ad_start_custom_metadata)
{
  MediaEdgeEvent *event =
      media_edge_event_new (MEDIA_EDGE_EVENT_AD_START, T (15002), 15);
  GVariantBuilder metadata;
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", "001");
  g_variant_dict_insert (&dict, "advertiser", "s", "Ad Guys");
  g_variant_dict_insert (&dict, "campaignID", "s", "1");
  g_variant_dict_insert (&dict, "creativeID", "s", "42");
  g_variant_dict_insert (&dict, "creativeURL", "s", "https://example.com");
  g_variant_dict_insert (&dict, "length", "x", (gint64) 16);
  g_variant_dict_insert (&dict, "friendlyName", "s", "Ad 1");
  g_variant_dict_insert (&dict, "placementID", "s", "sample_placement");
  g_variant_dict_insert (&dict, "playerName", "s", "Sample Player");
  g_variant_dict_insert (&dict, "podPosition", "x", (gint64) 1);
  g_variant_dict_insert (&dict, "siteID", "s", "XYZ");
  media_edge_event_set_details (event, g_variant_dict_end (&dict));
  g_variant_builder_init (&metadata, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&metadata, "{ss}", "myCustomData2", "CustomData2");
  g_variant_builder_add (&metadata, "{ss}", "myCustomData1", "CustomData1");
  media_edge_event_set_custom_metadata (event,
      g_variant_builder_end (&metadata));

  assert_encodes_to (event, "{"
      "  \"eventType\": \"media.adStart\","
      "  \"timestamp\": \"2026-11-26T02:00:15.002Z\","
      "  \"mediaCollection\": {"
      "    \"sessionID\": \"" SID "\","
      "    \"playhead\": 15,"
      "    \"advertisingDetails\": {"
      "      \"name\": \"001\","
      "      \"advertiser\": \"Ad Guys\","
      "      \"campaignID\": \"1\","
      "      \"creativeID\": \"42\","
      "      \"creativeURL\": \"https://example.com\","
      "      \"length\": 16,"
      "      \"friendlyName\": \"Ad 1\","
      "      \"placementID\": \"sample_placement\","
      "      \"playerName\": \"Sample Player\","
      "      \"podPosition\": 1,"
      "      \"siteID\": \"XYZ\""
      "    },"
      "    \"customMetadata\": ["
      "      {\"name\": \"myCustomData1\", \"value\": \"CustomData1\"},"
      "      {\"name\": \"myCustomData2\", \"value\": \"CustomData2\"}"
      "    ]" "  }" "}", "adStart");
}

GST_END_TEST;

/* Strings are data, never syntax: quotes in a title, an ampersand in the
 * datastream id. */
GST_START_TEST (test_strings_are_escaped)
{
  MediaEdgeEvent *event =
      media_edge_event_new (MEDIA_EDGE_EVENT_SESSION_START, T (0), 0);
  g_autoptr (MediaEdgeRequest) request = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *body = NULL;
  g_autofree gchar *uri = NULL;
  GVariantDict dict;
  JsonObject *details;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", "say \"hi\"\n\\ & </script>");
  media_edge_event_set_details (event, g_variant_dict_end (&dict));
  request = encode (ENDPOINT, "a&b=c d", event);
  media_edge_event_free (event);

  uri = media_edge_request_build_uri (request, NULL);
  fail_unless_equals_string (uri,
      ENDPOINT "/sessionStart?configId=a%26b%3Dc%20d");
  body = media_edge_request_build_body (request, NULL, NULL);
  root = parse (body);
  details = json_object_get_object_member (json_object_get_object_member
      (json_object_get_object_member (json_array_get_object_element
              (json_object_get_array_member (json_node_get_object (root),
                      "events"), 0), "xdm"), "mediaCollection"),
      "sessionDetails");
  fail_unless_equals_string (json_object_get_string_member (details, "name"),
      "say \"hi\"\n\\ & </script>");
}

GST_END_TEST;

/* The event's path goes after the endpoint's path, configId after the
 * endpoint's own query; the rest of the endpoint stays as it is. */
GST_START_TEST (test_endpoint_with_query)
{
  const gchar *cases[][2] = {
    {"http://h/ee/va/v1?trace=1", "http://h/ee/va/v1/ping?trace=1&configId=c"},
    {"http://h/ee/va/v1/?a=1&b=%2F", "http://h/ee/va/v1/ping?a=1&b=%2F&"
          "configId=c"},
    {"http://h/v1?", "http://h/v1/ping?configId=c"},
    {"https://u@[::1]:8443/a%20b//#top", "https://u@[::1]:8443/a%20b/ping?"
          "configId=c"},
    {"http://h", "http://h/ping?configId=c"},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (MediaEdgeEvent) event =
        media_edge_event_new (MEDIA_EDGE_EVENT_PING, T (0), 0);
    g_autoptr (MediaEdgeRequest) request = encode (cases[i][0], "c", event);
    g_autofree gchar *uri = media_edge_request_build_uri (request, NULL);

    fail_unless_equals_string (uri, cases[i][1]);
  }
}

GST_END_TEST;

GST_START_TEST (test_timestamp_format)
{
  g_autofree gchar *a = media_edge_codec_format_timestamp (T (0));
  g_autofree gchar *b = media_edge_codec_format_timestamp (T (43002));

  fail_unless_equals_string (a, "2026-11-26T02:00:00.000Z");
  fail_unless_equals_string (b, "2026-11-26T02:00:43.002Z");
}

GST_END_TEST;

static gchar *
parse_answer_with_status (guint status, const gchar * text, GError ** error)
{
  g_autoptr (MediaEdgeCodec) codec =
      media_edge_codec_edge_new (ENDPOINT, CONFIG_ID, "codec-test");
  g_autoptr (GBytes) body = g_bytes_new (text, strlen (text));
  MediaEdgeAnswer answer = {.status = status,.body = body };

  return media_edge_codec_parse_session_id (codec, &answer, error);
}

static gchar *
parse_answer (const gchar * text, GError ** error)
{
  return parse_answer_with_status (200, text, error);
}

/* The sessionstart endpoint page's answer: the new-session handle among
 * others. */
GST_START_TEST (test_parse_session_id)
{
  g_autofree gchar *id = parse_answer ("{"
      "  \"requestId\": \"df14bca1-ba0f-4574-ae80-a4e24a960c00\","
      "  \"handle\": [" "    {" "      \"payload\": ["
      "        {\"key\": \"kndctr_cluster\", \"value\": \"irl1\","
      "         \"maxAge\": 1800}" "      ],"
      "      \"type\": \"state:store\"" "    }," "    {"
      "      \"payload\": [" "        {\"sessionId\": \"" SID "\"}"
      "      ]," "      \"type\": \"media-analytics:new-session\","
      "      \"eventIndex\": 0" "    }" "  ]" "}", NULL);

  fail_unless_equals_string (id, SID);
}

GST_END_TEST;

GST_START_TEST (test_parse_bad_answers)
{
  const gchar *answers[] = {
    "",
    "not json",
    "[1, 2]",
    "{\"requestId\": \"x\"}",
    "{\"handle\": {}}",
    "{\"handle\": [{\"type\": \"state:store\", \"payload\": []}]}",
    "{\"handle\": [{\"type\": \"media-analytics:new-session\"}]}",
    "{\"handle\": [{\"type\": \"media-analytics:new-session\","
        " \"payload\": []}]}",
    "{\"handle\": [{\"type\": \"media-analytics:new-session\","
        " \"payload\": [{\"sessionId\": 42}]}]}",
    "{\"handle\": [{\"type\": \"media-analytics:new-session\","
        " \"payload\": [{\"sessionId\": \"\"}]}]}",
    "{\"errors\": [{\"title\": \"Invalid datastream\"}]}",
  };

  for (guint i = 0; i < G_N_ELEMENTS (answers); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *id = parse_answer (answers[i], &error);

    fail_unless (id == NULL, "answer %u gave an id", i);
    fail_unless (error != NULL && error->domain == MEDIA_EDGE_CODEC_ERROR);
  }
}

GST_END_TEST;

/* An answer nested a hundred thousand levels deep is refused before
 * json-glib's recursion would exhaust the sender thread's stack; one a
 * few levels deep, brackets in its strings, still parses. */
GST_START_TEST (test_deep_answer_refused)
{
  g_autofree gchar *deep = g_strnfill (100000, '[');
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) no_error = NULL;
  g_autofree gchar *id = parse_answer (deep, &error);
  g_autofree gchar *shallow = parse_answer ("{\"requestId\": \"[[[[{{\\\"\","
      " \"handle\": [{\"type\": \"media-analytics:new-session\","
      " \"payload\": [{\"sessionId\": \"abc\"}]}]}", &no_error);

  fail_unless (id == NULL);
  fail_unless (g_error_matches (error, MEDIA_EDGE_CODEC_ERROR,
          MEDIA_EDGE_CODEC_ERROR_MALFORMED), "%s", error->message);
  fail_unless_equals_string (shallow, "abc");
}

GST_END_TEST;

/* json-glib cuts strings at a NUL: a session id holding one would be read
 * shorter than the service gave it, so the answer is refused. A backslash
 * escaped before "u0000" is no NUL. */
GST_START_TEST (test_parse_refuses_nul)
{
  const gchar *with_nul[] = { "ab\\u0000cd", "\\u0000abc", "abc\\u0000" };
  g_autofree gchar *escaped = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (with_nul); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *answer = g_strdup_printf ("{\"handle\": [{\"type\": "
        "\"media-analytics:new-session\", \"payload\": [{\"sessionId\": "
        "\"%s\"}]}]}", with_nul[i]);
    g_autofree gchar *id = parse_answer (answer, &error);

    fail_unless (id == NULL, "%s gave %s", with_nul[i], id);
    fail_unless (g_error_matches (error, MEDIA_EDGE_CODEC_ERROR,
            MEDIA_EDGE_CODEC_ERROR_MALFORMED));
    fail_unless (strstr (error->message, "NUL") != NULL, "%s", error->message);
  }

  escaped = parse_answer ("{\"handle\": [{\"type\": "
      "\"media-analytics:new-session\", \"payload\": [{\"sessionId\": "
      "\"ab\\\\u0000cd\"}]}]}", NULL);
  fail_unless_equals_string (escaped, "ab\\u0000cd");
}

GST_END_TEST;

/* 207: the service refused what it was sent; the error quotes what its
 * answer says went wrong, never what it asks the device to keep (its
 * client state, the location hint), at most 512 bytes. */
GST_START_TEST (test_parse_refusal)
{
  g_autofree gchar *long_title = g_strnfill (600, 't');
  g_autofree gchar *answer = g_strdup_printf ("{\"errors\":[{\"title\":"
      "\"sessionDetails.channel is invalid\"}],\"handle\":[{\"type\": "
      "\"state:store\", \"payload\": [{\"key\": \"kndctr_identity\", "
      "\"value\": \"SECRETVALUE\", \"maxAge\": 60}]}, {\"type\": "
      "\"locationHint:result\", \"payload\": [{\"scope\": \"EdgeNetwork\", "
      "\"hint\": \"secrethint\", \"ttlSeconds\": 60}]}]}");
  g_autofree gchar *long_answer = g_strdup_printf ("{\"errors\":[{\"title\":"
      "\"%s\"}]}", long_title);
  g_autoptr (GError) error = NULL;
  g_autoptr (GError) long_error = NULL;
  g_autofree gchar *id = parse_answer_with_status (207, answer, &error);
  g_autofree gchar *long_id = parse_answer_with_status (207, long_answer,
      &long_error);

  fail_unless (id == NULL);
  fail_unless (g_error_matches (error, MEDIA_EDGE_CODEC_ERROR,
          MEDIA_EDGE_CODEC_ERROR_REFUSED));
  fail_unless_equals_string (error->message, "HTTP 207 Multi-Status: "
      "{\"errors\":[{\"title\":\"sessionDetails.channel is invalid\"}]}");
  fail_unless (long_id == NULL);
  fail_unless_equals_int (strlen (long_error->message),
      strlen ("HTTP 207 Multi-Status: ") + 512);
}

GST_END_TEST;

/* sessionStart opens the session and carries no sessionID; a ping may be
 * dropped first; the others are plain and carry the session id. */
GST_START_TEST (test_request_flags_and_session_slot)
{
  g_autoptr (MediaEdgeEvent) start =
      media_edge_event_new (MEDIA_EDGE_EVENT_SESSION_START, T (0), 0);
  g_autoptr (MediaEdgeEvent) ping =
      media_edge_event_new (MEDIA_EDGE_EVENT_PING, T (10000), 10);
  g_autoptr (MediaEdgeEvent) play =
      media_edge_event_new (MEDIA_EDGE_EVENT_PLAY, T (1000), 1);
  g_autoptr (MediaEdgeRequest) start_request = NULL;
  g_autoptr (MediaEdgeRequest) ping_request = NULL;
  g_autoptr (MediaEdgeRequest) play_request = NULL;

  media_edge_event_set_details (start, session_details (60));
  start_request = encode (ENDPOINT, CONFIG_ID, start);
  ping_request = encode (ENDPOINT, CONFIG_ID, ping);
  play_request = encode (ENDPOINT, CONFIG_ID, play);

  /* every Edge request carries the device's client state */
  fail_unless_equals_int (media_edge_request_get_flags (start_request),
      MEDIA_EDGE_REQUEST_OPENS_SESSION | MEDIA_EDGE_REQUEST_CARRIES_STATE);
  fail_unless_equals_int (media_edge_request_get_flags (ping_request),
      MEDIA_EDGE_REQUEST_EXPENDABLE | MEDIA_EDGE_REQUEST_CARRIES_STATE);
  fail_unless_equals_int (media_edge_request_get_flags (play_request),
      MEDIA_EDGE_REQUEST_CARRIES_STATE);
  fail_unless (media_edge_request_get_session_id_pointer (start_request) ==
      NULL);
  fail_unless_equals_string (media_edge_request_get_session_id_pointer
      (play_request), "/events/0/xdm/mediaCollection/sessionID");
  /* before the id is known, Edge still gets a sessionID member */
  fail_unless (strstr (media_edge_request_get_body (play_request),
          "\"sessionID\":\"\"") != NULL);
}

GST_END_TEST;

/* The Media Collection API codec against seed 002's sample bodies
 * (Timeline 2) and seed 004's events request, field for field. Where the
 * seed's samples abbreviate the API's parameter names (`bitrate` for
 * media.qoe.bitrate, `media.qoe.media.errorSource` for
 * media.qoe.errorSource), the codec sends the API's names. */

#define COLLECTION "https://example.hb-api.omtrdc.net"
#define TS 1795658400000

static const MediaEdgeCollectionAccount account = {
  .tracking_server = "[ _YOUR-TS_ ]",
  .report_suite = "[ _YOUR-RSID_ ]",
  .visitor_id = "[ _YOUR-VISITOR-ID_ ]",
  .org_id = "[YOUR-MCID]",
};

static MediaEdgeRequest *
encode_collection (const gchar * endpoint, MediaEdgeEvent * event)
{
  g_autoptr (MediaEdgeCodec) codec =
      media_edge_codec_collection_new (endpoint, &account, "codec-test");
  MediaEdgeRequest *request = media_edge_codec_encode (codec, event);

  media_edge_event_free (event);

  return request;
}

/* @event goes to @path with the body @expected (the seed's, its
 * `<timestamp>` made TS). */
static void
assert_collection_encodes_to (MediaEdgeEvent * event, const gchar * path,
    const gchar * expected)
{
  g_autoptr (MediaEdgeRequest) request =
      encode_collection (COLLECTION "/", event);
  g_autofree gchar *uri = media_edge_request_build_uri (request, SID);
  g_autofree gchar *body = NULL;
  g_autoptr (JsonNode) actual = NULL;
  g_autoptr (JsonNode) wanted = parse (expected);

  fail_unless_equals_string (uri, path);
  fail_unless_equals_string (media_edge_request_get_method (request), "POST");
  body = media_edge_request_build_body (request, SID, NULL);
  actual = parse (body);
  if (!json_node_equal (actual, wanted)) {
    g_autofree gchar *a = json_to_string (actual, TRUE);

    fail ("body differs from the seed.\nactual: %s\nexpected: %s", a, expected);
  }
}

#define C_SESSIONS COLLECTION "/api/v1/sessions"
#define C_EVENTS C_SESSIONS "/" SID "/events"

static MediaEdgeEvent *
collection_event (MediaEdgeEventType type, gdouble playhead, GVariant * details)
{
  MediaEdgeEvent *event = media_edge_event_new (type, TS, playhead);

  if (details)
    media_edge_event_set_details (event, details);

  return event;
}

GST_START_TEST (test_collection_timeline2_session_start)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", "VA API Sample Player");
  g_variant_dict_insert (&dict, "friendlyName", "s", "ClickMe");
  g_variant_dict_insert (&dict, "length", "d", 60.3333333333333);
  g_variant_dict_insert (&dict, "contentType", "s", "VOD");
  g_variant_dict_insert (&dict, "playerName", "s", "sample-html5-api-player");
  g_variant_dict_insert (&dict, "channel", "s", "sample-channel");
  g_variant_dict_insert (&dict, "appVersion", "s", "va-api-0.0.0");
  assert_collection_encodes_to (collection_event
      (MEDIA_EDGE_EVENT_SESSION_START, 0, g_variant_dict_end (&dict)),
      C_SESSIONS,
      "{\"playerTime\": {\"playhead\": 0, \"ts\": 1795658400000},"
      " \"eventType\": \"sessionStart\", \"params\": {"
      "\"media.playerName\": \"sample-html5-api-player\","
      "\"analytics.trackingServer\": \"[ _YOUR-TS_ ]\","
      "\"analytics.reportSuite\": \"[ _YOUR-RSID_ ]\","
      "\"analytics.visitorId\": \"[ _YOUR-VISITOR-ID_ ]\","
      "\"media.contentType\": \"VOD\", \"media.length\": 60.3333333333333,"
      "\"media.id\": \"VA API Sample Player\","
      "\"visitor.marketingCloudOrgId\": \"[YOUR-MCID]\","
      "\"media.name\": \"ClickMe\", \"media.channel\": \"sample-channel\","
      "\"media.sdkVersion\": \"va-api-0.0.0\"}}");
}

GST_END_TEST;

static GVariant *
collection_pod (const gchar * name, gint64 index, gint64 offset)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "friendlyName", "s", name);
  g_variant_dict_insert (&dict, "index", "x", index);
  g_variant_dict_insert (&dict, "offset", "x", offset);

  return g_variant_dict_end (&dict);
}

GST_START_TEST (test_collection_timeline2_ad_break_start)
{
  assert_collection_encodes_to (collection_event
      (MEDIA_EDGE_EVENT_AD_BREAK_START, 0, collection_pod ("ad_pod1", 0, 0)),
      C_EVENTS,
      "{\"playerTime\": {\"playhead\": 0, \"ts\": 1795658400000},"
      " \"eventType\": \"adBreakStart\", \"params\": {"
      "\"media.ad.podFriendlyName\": \"ad_pod1\", \"media.ad.podIndex\": 0,"
      "\"media.ad.podSecond\": 0}}");
  assert_collection_encodes_to (collection_event
      (MEDIA_EDGE_EVENT_AD_BREAK_START, 33, collection_pod ("ad_pod2", 1, 33)),
      C_EVENTS,
      "{\"playerTime\": {\"playhead\": 33, \"ts\": 1795658400000},"
      " \"eventType\": \"adBreakStart\", \"params\": {"
      "\"media.ad.podFriendlyName\": \"ad_pod2\", \"media.ad.podIndex\": 1,"
      "\"media.ad.podSecond\": 33}}");
}

GST_END_TEST;

/* seed 002's adStart: the ad's parameters, and its break's name */
GST_START_TEST (test_collection_timeline2_ad_start)
{
  GVariantDict dict;
  MediaEdgeEvent *event;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "friendlyName", "s", "Ad 1");
  g_variant_dict_insert (&dict, "name", "s", "002");
  g_variant_dict_insert (&dict, "length", "x", (gint64) 7);
  g_variant_dict_insert (&dict, "podPosition", "x", (gint64) 1);
  g_variant_dict_insert (&dict, "playerName", "s", "Sample Player");
  g_variant_dict_insert (&dict, "advertiser", "s", "Ad Guys");
  g_variant_dict_insert (&dict, "campaignID", "s", "1");
  g_variant_dict_insert (&dict, "creativeID", "s", "42");
  g_variant_dict_insert (&dict, "siteID", "s", "XYZ");
  g_variant_dict_insert (&dict, "creativeURL", "s", "https://xyz-creative.com");
  g_variant_dict_insert (&dict, "placementID", "s", "sample-placement2");
  event = collection_event (MEDIA_EDGE_EVENT_AD_START, 0,
      g_variant_dict_end (&dict));
  event->ad_break = g_variant_ref_sink (collection_pod ("ad_pod1", 0, 0));
  assert_collection_encodes_to (event, C_EVENTS,
      "{\"playerTime\": {\"playhead\": 0, \"ts\": 1795658400000},"
      " \"eventType\": \"adStart\", \"params\": {"
      "\"media.ad.podFriendlyName\": \"ad_pod1\","
      "\"media.ad.name\": \"Ad 1\", \"media.ad.id\": \"002\","
      "\"media.ad.length\": 7, \"media.ad.podPosition\": 1,"
      "\"media.ad.playerName\": \"Sample Player\","
      "\"media.ad.advertiser\": \"Ad Guys\", \"media.ad.campaignId\": \"1\","
      "\"media.ad.creativeId\": \"42\", \"media.ad.siteId\": \"XYZ\","
      "\"media.ad.creativeURL\": \"https://xyz-creative.com\","
      "\"media.ad.placementId\": \"sample-placement2\"}}");
}

GST_END_TEST;

/* A ping has no params; the playhead keeps its fractions */
GST_START_TEST (test_collection_timeline2_bare_events)
{
  assert_collection_encodes_to (collection_event (MEDIA_EDGE_EVENT_PING, 18,
          NULL), C_EVENTS,
      "{\"playerTime\": {\"playhead\": 18, \"ts\": 1795658400000},"
      " \"eventType\": \"ping\"}");
  assert_collection_encodes_to (collection_event (MEDIA_EDGE_EVENT_AD_COMPLETE,
          0, NULL), C_EVENTS,
      "{\"playerTime\": {\"playhead\": 0, \"ts\": 1795658400000},"
      " \"eventType\": \"adComplete\"}");
  assert_collection_encodes_to (collection_event (MEDIA_EDGE_EVENT_SESSION_END,
          33.5, NULL), C_EVENTS,
      "{\"playerTime\": {\"playhead\": 33.5, \"ts\": 1795658400000},"
      " \"eventType\": \"sessionEnd\"}");
}

GST_END_TEST;

GST_START_TEST (test_collection_timeline2_play_with_qoe)
{
  MediaEdgeEvent *event = collection_event (MEDIA_EDGE_EVENT_PLAY, 0, NULL);
  GVariantDict qoe;

  g_variant_dict_init (&qoe, NULL);
  g_variant_dict_insert (&qoe, "bitrate", "x", (gint64) 10000);
  event->qoe = g_variant_ref_sink (g_variant_dict_end (&qoe));
  assert_collection_encodes_to (event, C_EVENTS,
      "{\"playerTime\": {\"playhead\": 0, \"ts\": 1795658400000},"
      " \"eventType\": \"play\", \"qoeData\": {\"media.qoe.bitrate\": 10000}}");
}

GST_END_TEST;

GST_START_TEST (test_collection_timeline2_error)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", "gst-stream-error-quark:3");
  g_variant_dict_insert (&dict, "source", "s", "player");
  assert_collection_encodes_to (collection_event (MEDIA_EDGE_EVENT_ERROR, 20,
          g_variant_dict_end (&dict)), C_EVENTS,
      "{\"playerTime\": {\"playhead\": 20, \"ts\": 1795658400000},"
      " \"eventType\": \"error\", \"qoeData\": {"
      "\"media.qoe.errorID\": \"gst-stream-error-quark:3\","
      "\"media.qoe.errorSource\": \"player\"}}");
}

GST_END_TEST;

/* customMetadata, a map here, rides with chapterStart (seed 004) */
GST_START_TEST (test_collection_chapter_custom_metadata)
{
  MediaEdgeEvent *event;
  GVariantDict dict;
  GVariantBuilder metadata;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "friendlyName", "s", "Chapter one");
  g_variant_dict_insert (&dict, "index", "x", (gint64) 1);
  g_variant_dict_insert (&dict, "offset", "x", (gint64) 0);
  g_variant_dict_insert (&dict, "length", "x", (gint64) 15);
  event = collection_event (MEDIA_EDGE_EVENT_CHAPTER_START, 0,
      g_variant_dict_end (&dict));
  g_variant_builder_init (&metadata, G_VARIANT_TYPE ("a{ss}"));
  g_variant_builder_add (&metadata, "{ss}", "segmentType", "intro");
  media_edge_event_set_custom_metadata (event,
      g_variant_builder_end (&metadata));
  assert_collection_encodes_to (event, C_EVENTS,
      "{\"playerTime\": {\"playhead\": 0, \"ts\": 1795658400000},"
      " \"eventType\": \"chapterStart\", \"params\": {"
      "\"media.chapter.friendlyName\": \"Chapter one\","
      "\"media.chapter.index\": 1, \"media.chapter.offset\": 0,"
      "\"media.chapter.length\": 15},"
      " \"customMetadata\": {\"segmentType\": \"intro\"}}");
}

GST_END_TEST;

/* The endpoint's own path and query are kept; the session id goes into
 * the path escaped. */
GST_START_TEST (test_collection_endpoint_path_and_query)
{
  g_autoptr (MediaEdgeRequest) request = encode_collection
      ("https://collect.example.com/media/?trace=1",
      collection_event (MEDIA_EDGE_EVENT_PING, 1, NULL));
  g_autofree gchar *uri = media_edge_request_build_uri (request, "a b");

  fail_unless_equals_string (uri,
      "https://collect.example.com/media/api/v1/sessions/a%20b/events"
      "?trace=1");
}

GST_END_TEST;

/* The API's stateStart and stateEnd name one player state each: a
 * statesUpdate is as many requests, starts first. */
GST_START_TEST (test_collection_states_one_request_each)
{
  g_autoptr (MediaEdgeCodec) codec =
      media_edge_codec_collection_new (COLLECTION, &account, "codec-test");
  MediaEdgeEvent *event = collection_event (MEDIA_EDGE_EVENT_STATES_UPDATE,
      7, g_variant_new_parsed ("{'statesStart': <[{'name': <'fullscreen'>}, "
          "{'name': <'mute'>}]>, 'statesEnd': <[{'name': "
          "<'closedCaptioning'>}]>}"));
  g_autoptr (GPtrArray) requests = media_edge_codec_encode_all (codec, event);
  const gchar *expected[][2] = {
    {"stateStart", "fullscreen"}, {"stateStart", "mute"},
    {"stateEnd", "closedCaptioning"},
  };

  fail_unless (media_edge_codec_encode (codec, event) == NULL);
  fail_unless_equals_int (requests->len, G_N_ELEMENTS (expected));
  for (guint i = 0; i < requests->len; i++) {
    MediaEdgeRequest *request = g_ptr_array_index (requests, i);
    g_autofree gchar *uri = media_edge_request_build_uri (request, SID);
    g_autofree gchar *body = media_edge_request_build_body (request, SID,
        NULL);
    g_autofree gchar *wanted = g_strdup_printf ("{\"playerTime\": "
        "{\"playhead\": 7, \"ts\": 1795658400000}, \"eventType\": \"%s\", "
        "\"params\": {\"media.state.name\": \"%s\"}}", expected[i][0],
        expected[i][1]);
    g_autoptr (JsonNode) actual = parse (body);
    g_autoptr (JsonNode) want = parse (wanted);

    fail_unless_equals_string (uri, C_EVENTS);
    fail_unless_equals_string (media_edge_request_get_name (request),
        expected[i][0]);
    fail_unless (json_node_equal (actual, want), "%s", body);
  }
  media_edge_event_free (event);
}

GST_END_TEST;

/* Every other event is one request, through encode_all too. */
GST_START_TEST (test_encode_all_gives_one_request)
{
  g_autoptr (MediaEdgeCodec) edge = media_edge_codec_edge_new (ENDPOINT,
      CONFIG_ID, "codec-test");
  g_autoptr (MediaEdgeCodec) collection =
      media_edge_codec_collection_new (COLLECTION, &account, "codec-test");
  g_autoptr (MediaEdgeEvent) event = collection_event (MEDIA_EDGE_EVENT_PING,
      3, NULL);
  g_autoptr (GPtrArray) from_edge = media_edge_codec_encode_all (edge, event);
  g_autoptr (GPtrArray) from_collection =
      media_edge_codec_encode_all (collection, event);

  fail_unless_equals_int (from_edge->len, 1);
  fail_unless_equals_int (from_collection->len, 1);
}

GST_END_TEST;

static gchar *
collection_session_id_from (guint status, const gchar * location,
    GError ** error)
{
  g_autoptr (MediaEdgeCodec) codec =
      media_edge_codec_collection_new (COLLECTION, &account, "codec-test");
  MediaEdgeAnswer answer = {.status = status,.location = location };

  return media_edge_codec_parse_session_id (codec, &answer, error);
}

GST_START_TEST (test_collection_location_gives_session_id)
{
  const gchar *locations[] = {
    "/api/v1/sessions/" SID,
    "/api/v1/sessions/" SID "/",
    COLLECTION "/api/v1/sessions/" SID,
    "https://other.example.com/prefix/api/v1/sessions/" SID "?x=1",
  };

  for (guint i = 0; i < G_N_ELEMENTS (locations); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *sid =
        collection_session_id_from (201, locations[i], &error);

    fail_unless_equals_string (sid, SID);
    fail_unless (error == NULL);
  }
}

GST_END_TEST;

GST_START_TEST (test_collection_bad_locations_refused)
{
  const gchar *locations[] = {
    NULL, "", "/", "garbage", "/api/v1/sessions", "/api/v1/sessions/",
    "/api/v1/other/" SID, "/api/v1/sessions/a%00b", "/api/v1/sessions/a%2Fb",
    "/api/v1/sessions/<script>", "http://[::1/api/v1/sessions/x",
  };

  for (guint i = 0; i < G_N_ELEMENTS (locations); i++) {
    g_autoptr (GError) error = NULL;
    g_autofree gchar *sid =
        collection_session_id_from (201, locations[i], &error);

    fail_unless (sid == NULL, "%s gave %s", locations[i], sid);
    fail_unless (error != NULL && error->domain == MEDIA_EDGE_CODEC_ERROR,
        "%s", locations[i]);
  }
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* the device's identity: FPID, location hint, client state */

static MediaEdgeRequest *
encode_with_identity (const gchar * endpoint, MediaEdgeEventType type,
    const MediaEdgeIdentity * identity)
{
  g_autoptr (MediaEdgeCodec) codec = media_edge_codec_edge_new_full (endpoint,
      CONFIG_ID, identity, "codec-test");
  MediaEdgeEvent *event = media_edge_event_new (type, T (0), 0);
  MediaEdgeRequest *request;

  if (type == MEDIA_EDGE_EVENT_SESSION_START)
    media_edge_event_set_details (event, session_details (60));
  request = media_edge_codec_encode (codec, event);
  media_edge_event_free (event);

  return request;
}

/* The xdm object of @request's body, built with @entries */
static JsonNode *
body_of (MediaEdgeRequest * request, GPtrArray * entries)
{
  g_autofree gchar *body = media_edge_request_build_body_full (request, SID,
      entries, NULL);

  return parse (body);
}

static JsonObject *
xdm_of (JsonNode * root)
{
  return json_object_get_object_member (json_array_get_object_element
      (json_object_get_array_member (json_node_get_object (root), "events"),
          0), "xdm");
}

/* sessionStart names the device's FPID, primary, as media-edge.yaml
 * shows; later events do not, and without an FPID there is none. */
GST_START_TEST (test_identity_map_on_session_start)
{
  const MediaEdgeIdentity identity = { "device-7", "authenticated" };
  g_autoptr (MediaEdgeRequest) start = encode_with_identity (ENDPOINT,
      MEDIA_EDGE_EVENT_SESSION_START, &identity);
  g_autoptr (MediaEdgeRequest) play = encode_with_identity (ENDPOINT,
      MEDIA_EDGE_EVENT_PLAY, &identity);
  g_autoptr (MediaEdgeRequest) anonymous = encode_with_identity (ENDPOINT,
      MEDIA_EDGE_EVENT_SESSION_START, NULL);
  g_autoptr (JsonNode) start_body = body_of (start, NULL);
  g_autoptr (JsonNode) play_body = body_of (play, NULL);
  g_autoptr (JsonNode) anonymous_body = body_of (anonymous, NULL);
  g_autoptr (JsonNode) expected = parse ("{\"FPID\": [{\"id\": \"device-7\", "
      "\"authenticatedState\": \"authenticated\", \"primary\": true}]}");

  fail_unless (json_node_equal (json_object_get_member (xdm_of (start_body),
              "identityMap"), expected));
  fail_if (json_object_has_member (xdm_of (play_body), "identityMap"));
  fail_if (json_object_has_member (xdm_of (anonymous_body), "identityMap"));
}

GST_END_TEST;

/* The location hint goes after the endpoint's `ee` segment, where Adobe's
 * edge names its clusters; an endpoint without one (a local service, a
 * hint already given) has no room for it. */
GST_START_TEST (test_location_hint_in_url)
{
  const struct
  {
    const gchar *endpoint;
    const gchar *hinted;
  } cases[] = {
    {ENDPOINT, "https://edge.adobedc.net/ee/or2/va/v1/sessionStart"
          "?configId=" CONFIG_ID},
    {"https://edge.adobedc.net/ee/va/v1/?trace=1",
        "https://edge.adobedc.net/ee/or2/va/v1/sessionStart"
          "?trace=1&configId=" CONFIG_ID},
    {"http://127.0.0.1:8080/custom/va/v1", "http://127.0.0.1:8080/custom/va/"
          "v1/sessionStart?configId=" CONFIG_ID},
    {"https://edge.adobedc.net/ee/irl1/va/v1",
        "https://edge.adobedc.net/ee/irl1/va/v1/sessionStart?configId="
          CONFIG_ID},
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++) {
    g_autoptr (MediaEdgeRequest) request =
        encode_with_identity (cases[i].endpoint,
        MEDIA_EDGE_EVENT_SESSION_START, NULL);
    g_autofree gchar *hinted = media_edge_request_build_uri_full (request,
        NULL, "or2");
    g_autofree gchar *plain = media_edge_request_build_uri (request, NULL);
    g_autofree gchar *expected_plain = NULL;

    fail_unless_equals_string (hinted, cases[i].hinted);
    /* without a hint, as before */
    expected_plain = g_strdup (cases[i].hinted);
    if (i < 2) {
      g_autofree gchar *undone = g_strdup (cases[i].hinted);
      gchar *at = strstr (undone, "/or2");

      memmove (at, at + 4, strlen (at + 4) + 1);
      g_free (expected_plain);
      expected_plain = g_steal_pointer (&undone);
    }
    fail_unless_equals_string (plain, expected_plain);
  }
}

GST_END_TEST;

static GPtrArray *
two_entries (void)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_state_entry_free);
  const gchar *pairs[][2] = {
    {"kndctr_ORG_AdobeOrg_cluster", "or2"},
    {"kndctr_ORG_AdobeOrg_identity", "CiY0Mzg5\"quoted\""},
  };

  for (guint i = 0; i < G_N_ELEMENTS (pairs); i++) {
    MediaEdgeStateEntry *entry = g_new0 (MediaEdgeStateEntry, 1);

    entry->key = g_strdup (pairs[i][0]);
    entry->value = g_strdup (pairs[i][1]);
    entry->expires = G_MAXINT64;
    g_ptr_array_add (entries, entry);
  }

  return entries;
}

/* The device's client state entries go back as meta.state.entries, key
 * and value, with the session id in its place; a Collection request
 * carries none. */
GST_START_TEST (test_state_entries_in_body)
{
  g_autoptr (GPtrArray) entries = two_entries ();
  g_autoptr (MediaEdgeRequest) play = encode_with_identity (ENDPOINT,
      MEDIA_EDGE_EVENT_PLAY, NULL);
  g_autoptr (JsonNode) root = body_of (play, entries);
  g_autoptr (JsonNode) expected = parse ("{\"state\": {\"entries\": ["
      "{\"key\": \"kndctr_ORG_AdobeOrg_cluster\", \"value\": \"or2\"},"
      "{\"key\": \"kndctr_ORG_AdobeOrg_identity\", "
      "\"value\": \"CiY0Mzg5\\\"quoted\\\"\"}]}}");
  g_autoptr (JsonNode) empty = NULL;
  g_autoptr (GPtrArray) none = g_ptr_array_new ();
  g_autoptr (MediaEdgeRequest) collection = encode_collection (COLLECTION "/",
      media_edge_event_new (MEDIA_EDGE_EVENT_PLAY, TS, 0));
  g_autofree gchar *collection_body = NULL;

  fail_unless (json_node_equal (json_object_get_member (json_node_get_object
              (root), "meta"), expected));
  fail_unless_equals_string (json_object_get_string_member
      (json_object_get_object_member (xdm_of (root), "mediaCollection"),
          "sessionID"), SID);
  empty = body_of (play, none);
  fail_if (json_object_has_member (json_node_get_object (empty), "meta"));
  collection_body = media_edge_request_build_body_full (collection, SID,
      entries, NULL);
  fail_unless (strstr (collection_body, "kndctr") == NULL);
}

GST_END_TEST;

/* What the Edge codec keeps of @answer, read into a state of its own:
 * its entries as "key=value@expires" words, and the hint */
static gchar *
kept_of (const gchar * answer, gchar ** hint)
{
  static guint n = 0;
  g_autofree gchar *datastream = g_strdup_printf ("codec-test-%u", n++);
  g_autoptr (MediaEdgeState) state = media_edge_state_get (NULL, datastream);
  g_autoptr (MediaEdgeCodec) codec =
      media_edge_codec_edge_new (ENDPOINT, CONFIG_ID, "codec-test");
  g_autoptr (GBytes) body = g_bytes_new (answer, strlen (answer));
  MediaEdgeAnswer reply = {.status = 200,.body = body };
  g_autoptr (GPtrArray) entries = NULL;
  GString *words = g_string_new (NULL);

  media_edge_codec_read_state (codec, &reply, state, 1000);
  entries = media_edge_state_dup_entries (state, 1000);
  for (guint i = 0; i < entries->len; i++) {
    MediaEdgeStateEntry *entry = g_ptr_array_index (entries, i);

    g_string_append_printf (words, "%s%s=%s@%" G_GINT64_FORMAT, i ? " " : "",
        entry->key, entry->value, entry->expires);
  }
  *hint = media_edge_state_dup_hint (state, 1000);

  return g_string_free (words, FALSE);
}

#define HANDLES(...) "{\"handle\": [" __VA_ARGS__ "]}"
#define STORE(...) "{\"type\": \"state:store\", \"payload\": [" __VA_ARGS__ "]}"
#define HINTS(...) "{\"type\": \"locationHint:result\", \"payload\": [" \
  __VA_ARGS__ "]}"

/* The sessionStart answer of media-edge.yaml: its entries kept until
 * maxAge, the EdgeNetwork hint (not Target's, not AAM's) until its ttl. */
GST_START_TEST (test_read_state_from_answer)
{
  g_autofree gchar *hint = NULL;
  g_autofree gchar *kept = kept_of (HANDLES ("{\"type\": "
          "\"media-analytics:new-session\", \"payload\": [{\"sessionId\": "
          "\"" SID "\"}]},"
          HINTS ("{\"scope\": \"Target\", \"hint\": \"34\", "
              "\"ttlSeconds\": 1800},"
              "{\"scope\": \"EdgeNetwork\", \"hint\": \"va6\", "
              "\"ttlSeconds\": 1800}") "," STORE ("{\"key\": "
              "\"kndctr_EA0C_AdobeOrg_cluster\", \"value\": \"va6\", "
              "\"maxAge\": 1800}, {\"key\": \"kndctr_EA0C_AdobeOrg_identity\","
              " \"value\": \"CiY0Mzg5NTEy\", \"maxAge\": 34128000}")), &hint);

  fail_unless_equals_string (kept, "kndctr_EA0C_AdobeOrg_cluster=va6@2800 "
      "kndctr_EA0C_AdobeOrg_identity=CiY0Mzg5NTEy@31623400");
  fail_unless_equals_string (hint, "va6");
}

GST_END_TEST;

/* What a hostile answer asks the device to keep is not kept: a hint that
 * would change the URL's path, values of the wrong type, a key too long,
 * a negative age; and no answer that is not JSON breaks anything. */
GST_START_TEST (test_read_state_refuses_hostile)
{
  const gchar *nothing_kept[] = {
    HANDLES (HINTS ("{\"scope\": \"EdgeNetwork\", \"hint\": \"../x\", "
            "\"ttlSeconds\": 60}")),
    HANDLES (HINTS ("{\"scope\": \"EdgeNetwork\", \"hint\": \"or2/va\", "
            "\"ttlSeconds\": 60}")),
    HANDLES (HINTS ("{\"scope\": \"EdgeNetwork\", \"hint\": 7, "
            "\"ttlSeconds\": 60}")),
    HANDLES (HINTS ("{\"scope\": \"EdgeNetwork\", \"hint\": \"or2\"}")),
    HANDLES (STORE ("{\"key\": 1, \"value\": \"v\", \"maxAge\": 60}")),
    HANDLES (STORE ("{\"key\": \"k\", \"value\": [], \"maxAge\": 60}")),
    HANDLES (STORE ("{\"key\": \"k\", \"value\": \"v\"}")),
    HANDLES (STORE ("{\"key\": \"\", \"value\": \"v\", \"maxAge\": 60}")),
    HANDLES (STORE ("{\"key\": \"k\", \"value\": \"v\", \"maxAge\": -5}")),
    HANDLES ("{\"type\": \"state:store\", \"payload\": {}}"),
    HANDLES ("7, null, \"state:store\""),
    "{\"handle\": {}}", "[]", "not json", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (nothing_kept); i++) {
    g_autofree gchar *hint = NULL;
    g_autofree gchar *kept = kept_of (nothing_kept[i], &hint);

    fail_unless_equals_string (kept, "");
    fail_unless (hint == NULL, "%s kept %s", nothing_kept[i], hint);
  }
}

GST_END_TEST;

/* At most 32 entries of an answer are kept, each key at most 256 bytes */
GST_START_TEST (test_read_state_bounded)
{
  GString *answer = g_string_new ("{\"handle\": [{\"type\": "
      "\"state:store\", \"payload\": [");
  g_autofree gchar *long_key = g_strnfill (257, 'k');
  g_autofree gchar *hint = NULL;
  g_autofree gchar *kept = NULL;
  g_autofree gchar *text = NULL;
  g_auto (GStrv) words = NULL;

  g_string_append_printf (answer, "{\"key\": \"%s\", \"value\": \"v\", "
      "\"maxAge\": 60}", long_key);
  for (guint i = 0; i < 40; i++)
    g_string_append_printf (answer, ", {\"key\": \"k%02u\", \"value\": "
        "\"v\", \"maxAge\": 60}", i);
  g_string_append (answer, "]}]}");
  text = g_string_free (answer, FALSE);
  kept = kept_of (text, &hint);
  words = g_strsplit (kept, " ", -1);
  fail_unless_equals_int (g_strv_length (words), 32);
  fail_unless_equals_string (words[0], "k00=v@1060");
  fail_unless (strstr (kept, long_key) == NULL);
}

GST_END_TEST;

/* An endpoint's own braces are not slots: they go out escaped, and the
 * session id only where the codec put its slot. */
GST_START_TEST (test_endpoint_braces_are_no_slots)
{
  g_autoptr (MediaEdgeRequest) request = encode_with_identity
      ("https://edge.example.com/{sessionId}/ee/va/v1", MEDIA_EDGE_EVENT_PLAY,
      NULL);
  g_autofree gchar *uri = media_edge_request_build_uri_full (request, SID,
      "or2");

  fail_unless_equals_string (uri, "https://edge.example.com/%7BsessionId%7D"
      "/ee/or2/va/v1/play?configId=" CONFIG_ID);
}

GST_END_TEST;

/* Of a flood of location hints the first is kept, and only it is set
 * (each set was a write to disk: 5,000 of them held the sender thread
 * for seconds). */
GST_START_TEST (test_read_state_first_hint_only)
{
  GString *answer = g_string_new ("{\"handle\": [{\"type\": "
      "\"locationHint:result\", \"payload\": [");
  g_autofree gchar *hint = NULL;
  g_autofree gchar *kept = NULL;
  g_autofree gchar *text = NULL;

  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (answer, "%s{\"scope\": \"EdgeNetwork\", "
        "\"hint\": \"h%u\", \"ttlSeconds\": 60}", i ? ", " : "", i);
  g_string_append (answer, "]}]}");
  text = g_string_free (answer, FALSE);
  kept = kept_of (text, &hint);
  fail_unless_equals_string (hint, "h0");
}

GST_END_TEST;

/* @body for @path validates against media-edge.yaml (tests/spec) */
static void
assert_valid_body (const gchar * path, const gchar * body)
{
  g_autoptr (GError) error = NULL;
  g_autofree gchar *records = NULL;
  g_autofree gchar *output = NULL;
  g_autofree gchar *line =
      g_strdup_printf ("{\"path\": \"%s\", \"body\": %s}\n",
      path, body);
  gint fd = g_file_open_tmp ("codec-XXXXXX.jsonl", &records, &error);
  gint status = -1;
  gchar *argv[] = { (gchar *) PYTHON, (gchar *) VALIDATOR, (gchar *) SPEC,
    NULL, NULL
  };

  fail_unless (fd >= 0, "%s", error ? error->message : "");
  g_close (fd, NULL);
  fail_unless (g_file_set_contents (records, line, -1, NULL));
  argv[3] = records;
  fail_unless (g_spawn_sync (NULL, argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
          NULL, NULL, &output, NULL, &status, NULL));
  g_unlink (records);
  fail_unless (g_spawn_check_wait_status (status, NULL), "%s", output);
}

/* A session's live requests, as an offline session keeps them */
static GPtrArray *
offline_session (MediaEdgeCodec * codec)
{
  const MediaEdgeEventType types[] = { MEDIA_EDGE_EVENT_SESSION_START,
    MEDIA_EDGE_EVENT_PLAY, MEDIA_EDGE_EVENT_PING,
    MEDIA_EDGE_EVENT_SESSION_COMPLETE
  };
  const gint64 at_ms[] = { 0, 1, 10000, 12001 };
  GPtrArray *requests = g_ptr_array_new_with_free_func ((GDestroyNotify)
      media_edge_request_free);

  for (guint i = 0; i < G_N_ELEMENTS (types); i++) {
    MediaEdgeEvent *event = media_edge_event_new (types[i], T (at_ms[i]),
        at_ms[i] / 1000);

    if (i == 0)
      media_edge_event_set_details (event, session_details (12));
    g_ptr_array_add (requests, media_edge_codec_encode (codec, event));
    media_edge_event_free (event);
  }

  return requests;
}

/* The live requests of a session played offline on a device named
 * @identity (nullable), made by a codec of @endpoint and @config_id that
 * is gone once they are made, as a replay in a later process finds them */
static GPtrArray *
journal_of (const gchar * endpoint, const gchar * config_id,
    const MediaEdgeIdentity * identity)
{
  g_autoptr (MediaEdgeCodec) codec = media_edge_codec_edge_new_full (endpoint,
      config_id, identity, "codec-test");

  return offline_session (codec);
}

/* @requests to /downloaded with @fallback, in one request */
static MediaEdgeRequest *
downloaded_of (GPtrArray * requests, const MediaEdgeIdentity * fallback)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) downloaded =
      media_edge_codec_edge_encode_downloaded (requests, fallback, 0, &error);

  g_assert_no_error (error);
  fail_unless_equals_int (downloaded->len, 1);

  return g_ptr_array_steal_index (downloaded, 0);
}

/* The identityMap of the /downloaded request @request */
static JsonNode *
identity_map_of (const MediaEdgeRequest * request)
{
  g_autofree gchar *body = media_edge_request_build_body (request, NULL,
      NULL);
  g_autoptr (JsonNode) root = parse (body);

  assert_valid_body ("/ee/va/v1/downloaded", body);

  return json_node_copy (json_object_get_member (xdm_of (root), "identityMap"));
}

/* A session played offline goes whole to /downloaded, no codec needed:
 * every event with its own type, time and mediaCollection, naming no
 * session, the device named by its FPID; valid against media-edge.yaml;
 * a request that needs no session, and says so once read back from disk. */
GST_START_TEST (test_downloaded_session)
{
  const MediaEdgeIdentity identity = { "device-7", NULL };
  g_autoptr (GPtrArray) requests = journal_of (ENDPOINT, CONFIG_ID, &identity);
  g_autoptr (MediaEdgeRequest) request = downloaded_of (requests, NULL);
  g_autoptr (MediaEdgeRequest) read_back = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *uri = NULL;
  g_autofree gchar *body = NULL;
  g_autofree gchar *text = NULL;
  const gchar *types[] = { "media.sessionStart", "media.play", "media.ping",
    "media.sessionComplete"
  };
  const gchar *times[] = { "2026-11-26T02:00:00.000Z",
    "2026-11-26T02:00:00.001Z", "2026-11-26T02:00:10.000Z",
    "2026-11-26T02:00:12.001Z"
  };
  JsonObject *xdm;
  JsonArray *events;

  uri = media_edge_request_build_uri (request, NULL);
  fail_unless_equals_string (uri, ENDPOINT "/downloaded?configId=" CONFIG_ID);
  body = media_edge_request_build_body (request, NULL, NULL);
  assert_valid_body ("/ee/va/v1/downloaded", body);
  root = parse (body);
  xdm = xdm_of (root);
  fail_unless_equals_string (json_object_get_string_member (xdm,
          "eventType"), "media.downloaded");
  fail_unless (strstr (body, "\"FPID\":[{\"id\":\"device-7\","
          "\"authenticatedState\":\"ambiguous\",\"primary\":true}]") != NULL,
      "%s", body);
  fail_unless (strstr (body, "sessionID") == NULL);
  events = json_object_get_array_member (xdm, "mediaDownloadedEvents");
  fail_unless_equals_int (json_array_get_length (events), 4);
  for (guint i = 0; i < 4; i++) {
    JsonObject *event = json_array_get_object_element (events, i);

    fail_unless_equals_string (json_object_get_string_member (event,
            "mediaEventType"), types[i]);
    fail_unless_equals_string (json_object_get_string_member (event,
            "mediaEventTimestamp"), times[i]);
  }
  fail_unless_equals_int (json_object_get_int_member
      (json_object_get_object_member (json_array_get_object_element (events,
                  2), "mediaCollection"), "playhead"), 10);

  fail_unless_equals_int (media_edge_request_get_flags (request),
      MEDIA_EDGE_REQUEST_CARRIES_STATE | MEDIA_EDGE_REQUEST_SESSIONLESS);
  fail_unless (media_edge_request_get_session_id_pointer (request) == NULL);
  text = media_edge_request_serialize (request);
  read_back = media_edge_request_deserialize (text, &error);
  g_assert_no_error (error);
  fail_unless_equals_int (media_edge_request_get_flags (read_back),
      MEDIA_EDGE_REQUEST_CARRIES_STATE | MEDIA_EDGE_REQUEST_SESSIONLESS);
}

GST_END_TEST;

/* /downloaded goes where the session's requests went, whatever the
 * element is set to now: their endpoint, with its own query and the
 * location hint slot, and their datastream; the first one's, should a
 * later one have gone elsewhere. */
GST_START_TEST (test_downloaded_where_the_session_went)
{
  const MediaEdgeIdentity identity = { "device-7", NULL };
  g_autoptr (GPtrArray) requests =
      journal_of ("http://127.0.0.1:1234/ee/va/v1?trace=1", "config-A",
      &identity);
  g_autoptr (GPtrArray) elsewhere = journal_of (ENDPOINT, "config-B", NULL);
  g_autoptr (MediaEdgeRequest) request = NULL;
  g_autofree gchar *hinted = NULL;

  g_ptr_array_add (requests, media_edge_request_copy (g_ptr_array_index
          (elsewhere, 1)));
  request = downloaded_of (requests, NULL);
  hinted = media_edge_request_build_uri_full (request, NULL, "or2");

  fail_unless_equals_string (media_edge_request_get_url_template (request),
      "http://127.0.0.1:1234/ee" MEDIA_EDGE_REQUEST_HINT_SLOT
      "/va/v1/downloaded?trace=1&configId=config-A");
  fail_unless_equals_string (hinted,
      "http://127.0.0.1:1234/ee/or2/va/v1/downloaded?trace=1&configId=config-A");
}

GST_END_TEST;

/* The device is the one the session's sessionStart named, as it named
 * it; the fallback only names a device the session did not; with
 * neither, or an empty FPID, there is no /downloaded. */
GST_START_TEST (test_downloaded_identity)
{
  const MediaEdgeIdentity played = { "device-7", "authenticated" };
  const MediaEdgeIdentity now = { "device-9", NULL };
  const MediaEdgeIdentity empty = { "", "authenticated" };
  g_autoptr (GPtrArray) named = journal_of (ENDPOINT, CONFIG_ID, &played);
  g_autoptr (GPtrArray) anonymous = journal_of (ENDPOINT, CONFIG_ID, NULL);
  g_autoptr (MediaEdgeRequest) from_session = downloaded_of (named, &now);
  g_autoptr (MediaEdgeRequest) from_fallback = downloaded_of (anonymous, &now);
  g_autoptr (JsonNode) session_map = identity_map_of (from_session);
  g_autoptr (JsonNode) fallback_map = identity_map_of (from_fallback);
  g_autoptr (JsonNode) expected_session = parse ("{\"FPID\": [{\"id\": "
      "\"device-7\", \"authenticatedState\": \"authenticated\", "
      "\"primary\": true}]}");
  g_autoptr (JsonNode) expected_fallback = parse ("{\"FPID\": [{\"id\": "
      "\"device-9\", \"authenticatedState\": \"ambiguous\", "
      "\"primary\": true}]}");
  const MediaEdgeIdentity *refused[] = { NULL, &empty };

  fail_unless (json_node_equal (session_map, expected_session));
  fail_unless (json_node_equal (fallback_map, expected_fallback));
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++) {
    g_autoptr (GError) error = NULL;
    g_autoptr (GPtrArray) none =
        media_edge_codec_edge_encode_downloaded (anonymous, refused[i], 0,
        &error);

    fail_unless (none == NULL);
    fail_unless (g_error_matches (error, MEDIA_EDGE_CODEC_ERROR,
            MEDIA_EDGE_CODEC_ERROR_MALFORMED));
    fail_unless (strstr (error->message, "FPID") != NULL, "%s", error->message);
  }
}

GST_END_TEST;

/* A journal may hold what is no Media Edge event: a Collection request, a
 * body that is no JSON or of another shape, an event sent elsewhere than
 * its own path, a /downloaded request. Each is skipped, and the URL is
 * the first event's; only when nothing is left is there an error. */
GST_START_TEST (test_downloaded_skips_foreign)
{
  const MediaEdgeIdentity identity = { "device-7", NULL };
  g_autoptr (MediaEdgeCodec) collection =
      media_edge_codec_collection_new (COLLECTION, &account, "codec-test");
  g_autoptr (MediaEdgeEvent) ping = media_edge_event_new
      (MEDIA_EDGE_EVENT_PING, T (5000), 5);
  const gchar *ping_body = "{\"events\":[{\"xdm\":{\"eventType\":"
      "\"media.ping\",\"timestamp\":\"2026-11-26T02:00:05.000Z\","
      "\"mediaCollection\":{\"playhead\":5}}}]}";
  g_autoptr (GPtrArray) played = journal_of (ENDPOINT, CONFIG_ID, &identity);
  MediaEdgeRequest *foreign[] = {
    media_edge_codec_encode (collection, ping),
    downloaded_of (played, NULL),
    media_edge_request_new ("x", "POST", ENDPOINT "/ping?configId=z",
        "not json", NULL, 0),
    media_edge_request_new ("x", "POST", ENDPOINT "/ping?configId=z",
        "{\"events\":[{\"xdm\":{\"eventType\":7,\"mediaCollection\":{}}}]}",
        NULL, 0),
    media_edge_request_new ("x", "POST", ENDPOINT "/ping?configId=z",
        "{\"events\":[{\"xdm\":{\"eventType\":\"media.ping\","
        "\"mediaCollection\":[]}}]}", NULL, 0),
    media_edge_request_new ("x", "POST", ENDPOINT "/play?configId=z",
        ping_body, NULL, 0),
    media_edge_request_new ("x", "POST", ENDPOINT "/ping", ping_body, NULL, 0),
    media_edge_request_new ("x", "POST", "ping?configId=z", ping_body, NULL,
        0),
    media_edge_request_new ("x", "POST", "http://ping?configId=z", ping_body,
        NULL, 0),
  };
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func
      ((GDestroyNotify) media_edge_request_free);
  g_autoptr (GPtrArray) session = journal_of (ENDPOINT, CONFIG_ID, &identity);
  g_autoptr (MediaEdgeRequest) request = NULL;
  g_autofree gchar *body = NULL;
  g_autoptr (JsonNode) root = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (foreign); i++) {
    g_autoptr (GPtrArray) alone = g_ptr_array_new ();
    g_autoptr (GPtrArray) none = NULL;
    g_autoptr (GError) error = NULL;

    g_ptr_array_add (alone, foreign[i]);
    none = media_edge_codec_edge_encode_downloaded (alone, &identity, 0,
        &error);
    fail_unless (none == NULL, "foreign request %u was taken", i);
    fail_unless (g_error_matches (error, MEDIA_EDGE_CODEC_ERROR,
            MEDIA_EDGE_CODEC_ERROR_MALFORMED));
    g_ptr_array_add (requests, foreign[i]);
  }
  for (guint i = 0; i < session->len; i++)
    g_ptr_array_add (requests, media_edge_request_copy (g_ptr_array_index
            (session, i)));
  request = downloaded_of (requests, NULL);
  fail_unless_equals_string (media_edge_request_get_url_template (request),
      "https://edge.adobedc.net/ee" MEDIA_EDGE_REQUEST_HINT_SLOT
      "/va/v1/downloaded?configId=" CONFIG_ID);
  body = media_edge_request_build_body (request, NULL, NULL);
  assert_valid_body ("/ee/va/v1/downloaded", body);
  root = parse (body);
  fail_unless_equals_int (json_array_get_length (json_object_get_array_member
          (xdm_of (root), "mediaDownloadedEvents")), 4);
}

GST_END_TEST;

/* Split only when one request would pass the size limit, each part a
 * valid request of its own. */
GST_START_TEST (test_downloaded_split)
{
  const MediaEdgeIdentity identity = { "device-7", NULL };
  g_autoptr (GPtrArray) requests = journal_of (ENDPOINT, CONFIG_ID, &identity);
  g_autoptr (GPtrArray) parts = NULL;
  guint events = 0;

  parts = media_edge_codec_edge_encode_downloaded (requests, NULL, 900, NULL);
  fail_unless (parts->len > 1);
  for (guint i = 0; i < parts->len; i++) {
    g_autofree gchar *body = media_edge_request_build_body
        (g_ptr_array_index (parts, i), NULL, NULL);
    g_autoptr (JsonNode) root = parse (body);

    fail_unless (strlen (body) <= 900, "%" G_GSIZE_FORMAT, strlen (body));
    assert_valid_body ("/ee/va/v1/downloaded", body);
    events += json_array_get_length (json_object_get_array_member (xdm_of
            (root), "mediaDownloadedEvents"));
  }
  fail_unless_equals_int (events, 4);
}

GST_END_TEST;

/* ------------------------------------------------------------------ */
/* a session closed after the fact */

#define LOCAL "http://127.0.0.1:1234/ee/va/v1?trace=1"
#define LOCAL_SLOTTED "http://127.0.0.1:1234/ee" MEDIA_EDGE_REQUEST_HINT_SLOT \
  "/va/v1"
#define C_MEDIA COLLECTION "/media"

/* The request a Media Edge codec of LOCAL and config-A, gone once it is
 * made, makes for @type at @timestamp_ms and @playhead */
static MediaEdgeRequest *
edge_request (MediaEdgeEventType type, gint64 timestamp_ms, gdouble playhead)
{
  const MediaEdgeIdentity identity = { "device-7", NULL };
  g_autoptr (MediaEdgeCodec) codec = media_edge_codec_edge_new_full (LOCAL,
      "config-A", &identity, "codec-test");
  g_autoptr (MediaEdgeEvent) event = media_edge_event_new (type,
      timestamp_ms, playhead);

  if (type == MEDIA_EDGE_EVENT_SESSION_START)
    media_edge_event_set_details (event, session_details (60));

  return media_edge_codec_encode (codec, event);
}

/* The same for a Media Collection API codec of @endpoint */
static MediaEdgeRequest *
collection_request (const gchar * endpoint, MediaEdgeEventType type,
    gint64 timestamp_ms, gdouble playhead)
{
  MediaEdgeEvent *event = media_edge_event_new (type, timestamp_ms, playhead);

  if (type == MEDIA_EDGE_EVENT_SESSION_START)
    media_edge_event_set_details (event, session_details (60));

  return encode_collection (endpoint, event);
}

/* @actual is @expected, field for field, body to the letter */
static void
assert_same_request (const MediaEdgeRequest * actual,
    const MediaEdgeRequest * expected)
{
  fail_unless (actual != NULL);
  fail_unless_equals_string (media_edge_request_get_name (actual),
      media_edge_request_get_name (expected));
  fail_unless_equals_string (media_edge_request_get_method (actual),
      media_edge_request_get_method (expected));
  fail_unless_equals_string (media_edge_request_get_url_template (actual),
      media_edge_request_get_url_template (expected));
  fail_unless_equals_string (media_edge_request_get_body (actual),
      media_edge_request_get_body (expected));
  fail_unless_equals_string (media_edge_request_get_session_id_pointer
      (actual), media_edge_request_get_session_id_pointer (expected));
  fail_unless_equals_int (media_edge_request_get_flags (actual),
      media_edge_request_get_flags (expected));
}

/* After a ping at 02:00:09.999, the sessionEnd at 02:00:10.000 and the
 * ping's playhead, to where the ping went, its session id where the
 * codec puts it: the request the codec makes for that sessionEnd. */
GST_START_TEST (test_end_after_edge_ping)
{
  g_autoptr (MediaEdgeRequest) ping = edge_request (MEDIA_EDGE_EVENT_PING,
      T (9999), 37);
  g_autoptr (MediaEdgeRequest) end = media_edge_codec_encode_end_after (ping);
  g_autoptr (MediaEdgeRequest) live =
      edge_request (MEDIA_EDGE_EVENT_SESSION_END, T (10000), 37);
  g_autofree gchar *body = NULL;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *xdm, *media;

  fail_unless (end != NULL);
  fail_unless_equals_string (media_edge_request_get_url_template (end),
      LOCAL_SLOTTED "/sessionEnd?trace=1&configId=config-A");
  body = media_edge_request_build_body (end, "sid", NULL);
  assert_valid_body ("/ee/va/v1/sessionEnd", body);
  root = parse (body);
  xdm = xdm_of (root);
  media = json_object_get_object_member (xdm, "mediaCollection");
  fail_unless_equals_string (json_object_get_string_member (xdm,
          "eventType"), "media.sessionEnd");
  fail_unless_equals_string (json_object_get_string_member (xdm,
          "timestamp"), "2026-11-26T02:00:10.000Z");
  fail_unless_equals_int (json_object_get_int_member (media, "playhead"), 37);
  fail_unless_equals_string (json_object_get_string_member (media,
          "sessionID"), "sid");
  assert_same_request (end, live);
}

GST_END_TEST;

/* After sessionStart: a sessionEnd 1 ms later at its playhead, which
 * names no device; a sessionStart's mediaCollection without a playhead
 * ends at 0. */
GST_START_TEST (test_end_after_edge_session_start)
{
  g_autoptr (MediaEdgeRequest) start =
      edge_request (MEDIA_EDGE_EVENT_SESSION_START, T (0), 0);
  g_autoptr (MediaEdgeRequest) end = media_edge_codec_encode_end_after (start);
  g_autoptr (MediaEdgeRequest) live =
      edge_request (MEDIA_EDGE_EVENT_SESSION_END, T (1), 0);
  g_autoptr (MediaEdgeRequest) bare = media_edge_request_new ("sessionStart",
      "POST", LOCAL_SLOTTED "/sessionStart?trace=1&configId=config-A",
      "{\"events\":[{\"xdm\":{\"eventType\":\"media.sessionStart\","
      "\"timestamp\":\"2026-11-26T02:00:59.999Z\",\"mediaCollection\":"
      "{\"sessionDetails\":{\"name\":\"x\"}}}}]}", NULL,
      MEDIA_EDGE_REQUEST_OPENS_SESSION);
  g_autoptr (MediaEdgeRequest) bare_end =
      media_edge_codec_encode_end_after (bare);
  g_autoptr (MediaEdgeRequest) bare_live =
      edge_request (MEDIA_EDGE_EVENT_SESSION_END, T (60000), 0);
  g_autofree gchar *body = NULL;

  assert_same_request (end, live);
  body = media_edge_request_build_body (end, "sid", NULL);
  assert_valid_body ("/ee/va/v1/sessionEnd", body);
  fail_unless (strstr (body, "identityMap") == NULL);
  assert_same_request (bare_end, bare_live);
}

GST_END_TEST;

/* The Media Collection API's sessionEnd: after an event, to the same
 * session's events, 1 ms later, the playhead kept with its fractions;
 * after sessionStart, to the events of the session it opened. The
 * request the codec makes for that sessionEnd. */
GST_START_TEST (test_end_after_collection)
{
  g_autoptr (MediaEdgeRequest) ping = collection_request (C_MEDIA "?trace=1",
      MEDIA_EDGE_EVENT_PING, TS + 5000, 33.5);
  g_autoptr (MediaEdgeRequest) end = media_edge_codec_encode_end_after (ping);
  g_autoptr (MediaEdgeRequest) live = collection_request (C_MEDIA "?trace=1",
      MEDIA_EDGE_EVENT_SESSION_END, TS + 5001, 33.5);
  g_autoptr (MediaEdgeRequest) start = collection_request (C_MEDIA,
      MEDIA_EDGE_EVENT_SESSION_START, TS, 0);
  g_autoptr (MediaEdgeRequest) start_end =
      media_edge_codec_encode_end_after (start);
  g_autoptr (MediaEdgeRequest) start_live = collection_request (C_MEDIA,
      MEDIA_EDGE_EVENT_SESSION_END, TS + 1, 0);
  g_autofree gchar *uri = NULL;
  g_autofree gchar *start_uri = NULL;
  g_autoptr (JsonNode) body = NULL;
  g_autoptr (JsonNode) expected = parse ("{\"playerTime\": {\"playhead\": "
      "33.5, \"ts\": 1795658405001}, \"eventType\": \"sessionEnd\"}");

  assert_same_request (end, live);
  uri = media_edge_request_build_uri (end, SID);
  fail_unless_equals_string (uri, C_MEDIA "/api/v1/sessions/" SID
      "/events?trace=1");
  body = parse (media_edge_request_get_body (end));
  fail_unless (json_node_equal (body, expected), "%s",
      media_edge_request_get_body (end));
  assert_same_request (start_end, start_live);
  start_uri = media_edge_request_build_uri (start_end, SID);
  fail_unless_equals_string (start_uri, C_MEDIA "/api/v1/sessions/" SID
      "/events");
}

GST_END_TEST;

/* What is no codec's event has no sessionEnd after it; each API's codec
 * takes only its own requests. */
GST_START_TEST (test_end_after_garbage)
{
  const MediaEdgeIdentity identity = { "device-7", NULL };
  g_autoptr (GPtrArray) played = journal_of (ENDPOINT, CONFIG_ID, &identity);
  const gchar *events = C_MEDIA "/api/v1/sessions/"
      MEDIA_EDGE_REQUEST_SESSION_SLOT "/events";
  const gchar *edge_ping = LOCAL_SLOTTED "/ping?configId=c";
  MediaEdgeRequest *garbage[] = {
    media_edge_request_new ("x", "POST", edge_ping, "not json", NULL, 0),
    media_edge_request_new ("x", "POST", edge_ping, "{}", NULL, 0),
    media_edge_request_new ("x", "POST", edge_ping, "{\"events\":[{\"xdm\":"
        "{\"eventType\":\"media.ping\",\"mediaCollection\":{}}}]}", NULL, 0),
    media_edge_request_new ("x", "POST", edge_ping, "{\"events\":[{\"xdm\":"
        "{\"eventType\":\"media.ping\",\"timestamp\":\"yesterday\","
        "\"mediaCollection\":{}}}]}", NULL, 0),
    media_edge_request_new ("x", "POST", LOCAL_SLOTTED "/ping",
        "{\"events\":[{\"xdm\":{\"eventType\":\"media.ping\",\"timestamp\":"
        "\"2026-11-26T02:00:59.999Z\",\"mediaCollection\":{}}}]}", NULL, 0),
    downloaded_of (played, NULL),
    media_edge_request_new ("x", "POST", events, "[]", NULL, 0),
    media_edge_request_new ("x", "POST", events, "{\"playerTime\":"
        "{\"playhead\":1},\"eventType\":\"ping\"}", NULL, 0),
    media_edge_request_new ("x", "POST", events, "{\"playerTime\":"
        "{\"playhead\":1,\"ts\":\"1\"},\"eventType\":\"ping\"}", NULL, 0),
    media_edge_request_new ("x", "POST", events, "{\"playerTime\":"
        "{\"playhead\":\"1\",\"ts\":1},\"eventType\":\"ping\"}", NULL, 0),
    media_edge_request_new ("x", "POST", C_MEDIA "/other", "{\"playerTime\":"
        "{\"playhead\":1,\"ts\":1},\"eventType\":\"ping\"}", NULL, 0),
    media_edge_request_new ("x", "POST", "/api/v1/sessions", "{\"playerTime\":"
        "{\"playhead\":1,\"ts\":1},\"eventType\":\"sessionStart\"}", NULL, 0),
  };
  g_autoptr (MediaEdgeRequest) edge = edge_request (MEDIA_EDGE_EVENT_PING,
      T (0), 0);
  g_autoptr (MediaEdgeRequest) collection = collection_request (COLLECTION,
      MEDIA_EDGE_EVENT_PING, TS, 0);

  for (guint i = 0; i < G_N_ELEMENTS (garbage); i++) {
    g_autoptr (MediaEdgeRequest) end =
        media_edge_codec_encode_end_after (garbage[i]);

    fail_unless (end == NULL, "request %u has a sessionEnd: %s", i,
        media_edge_request_get_body (end));
    media_edge_request_free (garbage[i]);
  }
  fail_unless (media_edge_codec_edge_encode_end_after (collection) == NULL);
  fail_unless (media_edge_codec_collection_encode_end_after (edge) == NULL);
}

GST_END_TEST;

static Suite *
codec_suite (void)
{
  Suite *s = suite_create ("mediaedge-codec");
  TCase *tc = tcase_create ("edge");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_example1_session_start);
  tcase_add_test (tc, test_example1_events);
  tcase_add_test (tc, test_playhead_whole_seconds);
  tcase_add_test (tc, test_example2_chapter_start);
  tcase_add_test (tc, test_example2_ad_start_custom_metadata);
  tcase_add_test (tc, test_strings_are_escaped);
  tcase_add_test (tc, test_endpoint_with_query);
  tcase_add_test (tc, test_timestamp_format);
  tcase_add_test (tc, test_parse_session_id);
  tcase_add_test (tc, test_parse_refuses_nul);
  tcase_add_test (tc, test_parse_bad_answers);
  tcase_add_test (tc, test_deep_answer_refused);
  tcase_add_test (tc, test_parse_refusal);
  tcase_add_test (tc, test_request_flags_and_session_slot);

  tc = tcase_create ("collection");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_collection_timeline2_session_start);
  tcase_add_test (tc, test_collection_timeline2_ad_break_start);
  tcase_add_test (tc, test_collection_timeline2_ad_start);
  tcase_add_test (tc, test_collection_timeline2_bare_events);
  tcase_add_test (tc, test_collection_timeline2_play_with_qoe);
  tcase_add_test (tc, test_collection_timeline2_error);
  tcase_add_test (tc, test_collection_chapter_custom_metadata);
  tcase_add_test (tc, test_collection_endpoint_path_and_query);
  tcase_add_test (tc, test_collection_states_one_request_each);
  tcase_add_test (tc, test_encode_all_gives_one_request);
  tcase_add_test (tc, test_collection_location_gives_session_id);
  tcase_add_test (tc, test_collection_bad_locations_refused);

  tc = tcase_create ("identity");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_identity_map_on_session_start);
  tcase_add_test (tc, test_location_hint_in_url);
  tcase_add_test (tc, test_state_entries_in_body);
  tcase_add_test (tc, test_read_state_from_answer);
  tcase_add_test (tc, test_read_state_refuses_hostile);
  tcase_add_test (tc, test_read_state_bounded);
  tcase_add_test (tc, test_read_state_first_hint_only);
  tcase_add_test (tc, test_endpoint_braces_are_no_slots);

  tc = tcase_create ("downloaded");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_downloaded_session);
  tcase_add_test (tc, test_downloaded_where_the_session_went);
  tcase_add_test (tc, test_downloaded_identity);
  tcase_add_test (tc, test_downloaded_skips_foreign);
  tcase_add_test (tc, test_downloaded_split);

  tc = tcase_create ("end-after");
  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_end_after_edge_ping);
  tcase_add_test (tc, test_end_after_edge_session_start);
  tcase_add_test (tc, test_end_after_collection);
  tcase_add_test (tc, test_end_after_garbage);

  return s;
}

GST_CHECK_MAIN (codec);
