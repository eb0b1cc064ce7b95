/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A device is one visitor: the FPID in sessionStart's identityMap, the
 * Edge Network's client state entries sent back as meta.state.entries,
 * and its location hint in the path, kept in state-dir across sessions
 * and elements, against a local server that hands them out. */

#include <glib/gstdio.h>

#include "fixture.h"

/* What the local service asks the device to keep: two entries, one it
 * takes back at once (maxAge 0), and a hint for the edge cluster */
#define CLIENT_STATE \
  "{\"payload\": [" \
  "{\"key\": \"kndctr_ORG_AdobeOrg_identity\", \"value\": \"CiY0Mzg5\"," \
  " \"maxAge\": 34128000}," \
  "{\"key\": \"kndctr_ORG_AdobeOrg_cluster\", \"value\": \"or2\"," \
  " \"maxAge\": 1800}," \
  "{\"key\": \"kndctr_ORG_AdobeOrg_consent_check\", \"value\": \"1\"," \
  " \"maxAge\": 0}]," \
  " \"type\": \"state:store\"}," \
  "{\"payload\": [" \
  "{\"scope\": \"Target\", \"hint\": \"34\", \"ttlSeconds\": 1800}," \
  "{\"scope\": \"EdgeNetwork\", \"hint\": \"or2\", \"ttlSeconds\": 1800}]," \
  " \"type\": \"locationHint:result\"}"

/* The file of @datastream in the state folder @dir */
static gchar *
datastream_file (const gchar * dir, const gchar * datastream)
{
  g_autofree gchar *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256,
      datastream, -1);
  g_autofree gchar *name = g_strdup_printf ("datastream-%s.ini", hash);

  return g_build_filename (dir, name, NULL);
}

/* One short session: sessionStart, play, sessionEnd, all answered */
static GPtrArray *
play_one_session (Fixture * f, const gchar * state_dir, const gchar * fpid)
{
  guint before = edge_server_count_records (f->server);
  g_autoptr (GPtrArray) all = NULL;
  GPtrArray *records =
      g_ptr_array_new_with_free_func ((GDestroyNotify) edge_record_free);

  make_pipeline (f, "identity");
  g_object_set (f->track, "state-dir", state_dir, "fpid", fpid, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  stop_pipeline (f);
  wait_for_request (f, "sessionEnd");

  all = edge_server_dup_records (f->server);
  fail_unless_equals_int (all->len, before + 3);
  for (guint i = before; i < all->len; i++) {
    g_ptr_array_add (records, g_ptr_array_index (all, i));
    g_ptr_array_index (all, i) = NULL;
  }

  return records;
}

static EdgeRecord *
record_at (GPtrArray * records, guint i)
{
  fail_unless (i < records->len);

  return g_ptr_array_index (records, i);
}

static JsonObject *
body_object (EdgeRecord * record, JsonParser * parser)
{
  fail_unless (json_parser_load_from_data (parser, record->body, -1, NULL));

  return json_node_get_object (json_parser_get_root (parser));
}

/* The FPID of a sessionStart, or NULL */
static gchar *
fpid_of (EdgeRecord * record)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *xdm = json_object_get_object_member (json_array_get_object_element
      (json_object_get_array_member (body_object (record, parser), "events"),
          0), "xdm");
  JsonObject *id;

  if (!json_object_has_member (xdm, "identityMap"))
    return NULL;
  id = json_array_get_object_element (json_object_get_array_member
      (json_object_get_object_member (xdm, "identityMap"), "FPID"), 0);
  fail_unless (json_object_get_boolean_member (id, "primary"));

  return g_strdup (json_object_get_string_member (id, "id"));
}

/* meta.state.entries of a request, as "key=value" words, or "" */
static gchar *
entries_of (EdgeRecord * record)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *body = body_object (record, parser);
  GString *words = g_string_new (NULL);
  JsonArray *entries;

  if (!json_object_has_member (body, "meta"))
    return g_string_free (words, FALSE);
  entries = json_object_get_array_member (json_object_get_object_member
      (json_object_get_object_member (body, "meta"), "state"), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *entry = json_array_get_object_element (entries, i);

    g_string_append_printf (words, "%s%s=%s", i ? " " : "",
        json_object_get_string_member (entry, "key"),
        json_object_get_string_member (entry, "value"));
  }

  return g_string_free (words, FALSE);
}

#define KEPT_ENTRIES "kndctr_ORG_AdobeOrg_cluster=or2 " \
  "kndctr_ORG_AdobeOrg_identity=CiY0Mzg5"

/* The first sessionStart goes out bare; from its answer on, every request
 * carries the entries the service stored (not the one it took back) and
 * goes to its cluster, the next session's sessionStart included, by an
 * element of its own; fpid=auto stays the device's one FPID. */
GST_START_TEST (test_client_state_and_hint_kept)
{
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-state-XXXXXX", NULL);
  g_autoptr (GPtrArray) earlier = NULL;
  g_autoptr (GPtrArray) later = NULL;
  g_autofree gchar *fpid = NULL;
  g_autofree gchar *fpid_again = NULL;
  g_autofree gchar *bare = NULL;
  Fixture *f = fixture_new ();

  edge_server_set_client_state (f->server, CLIENT_STATE);
  earlier = play_one_session (f, dir, "auto");
  later = play_one_session (f, dir, "auto");

  fail_unless (record_at (earlier, 0)->location_hint == NULL);
  bare = entries_of (record_at (earlier, 0));
  fail_unless_equals_string (bare, "");
  for (guint i = 1; i < earlier->len; i++) {
    g_autofree gchar *entries = entries_of (record_at (earlier, i));

    fail_unless_equals_string (record_at (earlier, i)->location_hint, "or2");
    fail_unless_equals_string (entries, KEPT_ENTRIES);
  }
  for (guint i = 0; i < later->len; i++) {
    g_autofree gchar *entries = entries_of (record_at (later, i));

    fail_unless_equals_string (record_at (later, i)->location_hint, "or2");
    fail_unless_equals_string (entries, KEPT_ENTRIES);
    fail_unless_equals_int (record_at (later, i)->status, i == 0 ? 200 : 204);
  }
  fpid = fpid_of (record_at (earlier, 0));
  fpid_again = fpid_of (record_at (later, 0));
  fail_unless (g_uuid_string_is_valid (fpid), "%s", fpid);
  fail_unless_equals_string (fpid_again, fpid);
  fixture_teardown (f);
  remove_tree (dir);
}

GST_END_TEST;

/* fpid names the device's id as given, with the viewer's authenticated
 * state; unset, sessionStart has no identityMap. */
GST_START_TEST (test_fpid_as_given)
{
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-state-XXXXXX", NULL);
  g_autoptr (GPtrArray) given = NULL;
  g_autoptr (GPtrArray) none = NULL;
  g_autofree gchar *fpid = NULL;
  Fixture *f = fixture_new ();

  make_pipeline (f, "identity");
  gst_util_set_object_arg (G_OBJECT (f->track), "fpid-authenticated-state",
      "authenticated");
  g_object_set (f->track, "state-dir", dir, "fpid", "viewer-42", NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  stop_pipeline (f);
  wait_for_request (f, "sessionEnd");
  given = edge_server_dup_records (f->server);
  fpid = fpid_of (record_at (given, 0));
  fail_unless_equals_string (fpid, "viewer-42");
  fail_unless (strstr (record_at (given, 0)->body,
          "\"authenticatedState\":\"authenticated\"") != NULL);

  none = play_one_session (f, dir, NULL);
  fail_unless (fpid_of (record_at (none, 0)) == NULL);
  fixture_teardown (f);
  remove_tree (dir);
}

GST_END_TEST;

/* state-dir="": the hint and entries live for the process, nothing is
 * written, not even in the default folder. */
GST_START_TEST (test_empty_state_dir_writes_nothing)
{
  g_autofree gchar *default_dir = g_build_filename (g_get_user_state_dir (),
      "gst-mediaedge", NULL);
  g_autofree gchar *file = datastream_file (default_dir, "identity");
  g_autoptr (GPtrArray) earlier = NULL;
  g_autoptr (GPtrArray) later = NULL;
  g_autofree gchar *fpid = NULL;
  g_autofree gchar *fpid_again = NULL;
  Fixture *f = fixture_new ();

  g_unlink (file);
  edge_server_set_client_state (f->server, CLIENT_STATE);
  earlier = play_one_session (f, "", "auto");
  later = play_one_session (f, "", "auto");

  fail_unless_equals_string (record_at (earlier, 1)->location_hint, "or2");
  fail_unless_equals_string (record_at (later, 0)->location_hint, "or2");
  fpid = fpid_of (record_at (earlier, 0));
  fpid_again = fpid_of (record_at (later, 0));
  fail_unless_equals_string (fpid_again, fpid);
  fail_if (g_file_test (file, G_FILE_TEST_EXISTS));
  fixture_teardown (f);
}

GST_END_TEST;

/* A state folder that cannot be written: one warning that says so, and
 * tracking goes on, with the state kept for the process. */
GST_START_TEST (test_unwritable_state_dir)
{
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-state-XXXXXX", NULL);
  g_autofree gchar *blocker = g_build_filename (dir, "a-file", NULL);
  g_autofree gchar *under_file = g_build_filename (blocker, "state", NULL);
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) warning = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree gchar *debug = NULL;
  guint identity_warnings = 0, journal_warnings = 0;
  Fixture *f = fixture_new ();

  fail_unless (g_file_set_contents (blocker, "not a folder", -1, NULL));
  edge_server_set_client_state (f->server, CLIENT_STATE);
  make_pipeline (f, "unwritable");
  bus = gst_element_get_bus (f->pipeline);
  g_object_set (f->track, "state-dir", under_file, "fpid", "auto", NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  play_to_ping (f, 10);
  wait_for_request (f, "ping");
  /* before the stop, which flushes the bus: the identity state, and the
   * journal of unsent events in the same folder, each said once, though
   * every answer since could not be kept either */
  while ((warning = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING))) {
    gst_message_parse_warning (warning, &error, &debug);
    if (strstr (error->message, "identity state")) {
      fail_unless (strstr (debug, "a-file") != NULL, "%s", debug);
      identity_warnings++;
    } else {
      fail_unless (strstr (error->message, "unsent events") != NULL, "%s",
          error->message);
      journal_warnings++;
    }
    g_clear_error (&error);
    g_clear_pointer (&debug, g_free);
    gst_clear_message (&warning);
  }
  fail_unless_equals_int (identity_warnings, 1);
  fail_unless_equals_int (journal_warnings, 1);
  stop_pipeline (f);

  records = edge_server_dup_records (f->server);
  fail_unless_equals_string (record_at (records, 2)->location_hint, "or2");
  fixture_teardown (f);
  remove_tree (dir);
}

GST_END_TEST;

/* A corrupt state file: one warning, and it is replaced by a good one
 * with what the service handed out. */
GST_START_TEST (test_corrupt_state_file_replaced)
{
  g_autofree gchar *dir = g_dir_make_tmp ("mediaedge-state-XXXXXX", NULL);
  g_autofree gchar *file = datastream_file (dir, "corrupt");
  g_autofree gchar *contents = NULL;
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (GstBus) bus = NULL;
  g_autoptr (GstMessage) warning = NULL;
  Fixture *f = fixture_new ();

  fail_unless (g_file_set_contents (file, "\x01[[[garbage\n=\xff\xfe", -1,
          NULL));
  edge_server_set_client_state (f->server, CLIENT_STATE);
  make_pipeline (f, "corrupt");
  bus = gst_element_get_bus (f->pipeline);
  g_object_set (f->track, "state-dir", dir, NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  warning = gst_bus_pop_filtered (bus, GST_MESSAGE_WARNING);
  fail_unless (warning != NULL);
  stop_pipeline (f);

  records = edge_server_dup_records (f->server);
  fail_unless (record_at (records, 0)->location_hint == NULL);
  fail_unless (g_file_get_contents (file, &contents, NULL, NULL));
  fail_unless (g_key_file_load_from_data (keys, contents, -1,
          G_KEY_FILE_NONE, NULL), "%s", contents);
  fail_unless (strstr (contents, "garbage") == NULL);
  fixture_teardown (f);
  remove_tree (dir);
}

GST_END_TEST;

/* api=collection with an FPID and no visitor-id: the FPID is the
 * visitor. */
GST_START_TEST (test_collection_visitor_from_fpid)
{
  g_autoptr (GPtrArray) records = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  JsonObject *params;
  Fixture *f = fixture_new ();

  make_pipeline (f, "unused");
  use_collection_api (f);
  g_object_set (f->track, "visitor-id", NULL, "fpid", "device-9",
      "state-dir", "", NULL);
  set_state (f, GST_STATE_PLAYING);
  start_stream (f, NULL);
  wait_for_request (f, "play");
  stop_pipeline (f);

  records = edge_server_dup_records (f->server);
  params = json_object_get_object_member (body_object (record_at (records, 0),
          parser), "params");
  fail_unless_equals_string (json_object_get_string_member (params,
          "analytics.visitorId"), "device-9");
  fixture_teardown (f);
}

GST_END_TEST;

static Suite *
mediaedgetrack_identity_suite (void)
{
  Suite *s = suite_create ("mediaedgetrack-identity");
  TCase *tc = tcase_create ("general");

  suite_add_tcase (s, tc);
  tcase_add_test (tc, test_client_state_and_hint_kept);
  tcase_add_test (tc, test_fpid_as_given);
  tcase_add_test (tc, test_empty_state_dir_writes_nothing);
  tcase_add_test (tc, test_unwritable_state_dir);
  tcase_add_test (tc, test_corrupt_state_file_replaced);
  tcase_add_test (tc, test_collection_visitor_from_fpid);

  return s;
}

GST_CHECK_MAIN (mediaedgetrack_identity);
