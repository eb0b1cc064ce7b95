/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* A request as plain data: filled with the session id when sent, and
 * written to and read back from a JSON string so that it can wait on
 * disk. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>
#include <json-glib/json-glib.h>

#include "mediaedge-request.h"
#include "mediaedge-state.h"

/* bumped when the serialized form changes in a way older readers would
 * misread */
#define SERIALIZED_VERSION 1

struct _MediaEdgeRequest
{
  gchar *name;
  gchar *method;
  gchar *url_template;
  gchar *body;
  gchar *session_id_pointer;
  MediaEdgeRequestFlags flags;
};

static const struct
{
  MediaEdgeRequestFlags flag;
  const gchar *name;
} flag_names[] = {
  {MEDIA_EDGE_REQUEST_OPENS_SESSION, "opens-session"},
  {MEDIA_EDGE_REQUEST_EXPENDABLE, "expendable"},
  {MEDIA_EDGE_REQUEST_CARRIES_STATE, "carries-state"},
  {MEDIA_EDGE_REQUEST_SESSIONLESS, "sessionless"},
};

/* Spelled out rather than G_DEFINE_QUARK: gst-indent would put spaces into
 * the dashed name the macro stringifies. */
GQuark
media_edge_request_error_quark (void)
{
  return g_quark_from_static_string ("media-edge-request-error-quark");
}

/**
 * media_edge_request_new:
 * @name: what the request reports, for logs and counters
 * @method: the HTTP method
 * @url_template: the URL, where #MEDIA_EDGE_REQUEST_SESSION_SLOT stands for
 *   the session id
 * @body: the JSON body
 * @session_id_pointer: (nullable): the RFC 6901 JSON pointer to the string
 *   member of @body that carries the session id, or %NULL if none does
 * @flags: how the client treats the request
 *
 * Returns: (transfer full): the request
 */
MediaEdgeRequest *
media_edge_request_new (const gchar * name, const gchar * method,
    const gchar * url_template, const gchar * body,
    const gchar * session_id_pointer, MediaEdgeRequestFlags flags)
{
  MediaEdgeRequest *request;

  g_return_val_if_fail (name != NULL && method != NULL, NULL);
  g_return_val_if_fail (url_template != NULL && body != NULL, NULL);

  request = g_new0 (MediaEdgeRequest, 1);
  request->name = g_strdup (name);
  request->method = g_strdup (method);
  request->url_template = g_strdup (url_template);
  request->body = g_strdup (body);
  request->session_id_pointer = g_strdup (session_id_pointer);
  request->flags = flags;

  return request;
}

void
media_edge_request_free (MediaEdgeRequest * request)
{
  if (request == NULL)
    return;

  g_free (request->name);
  g_free (request->method);
  g_free (request->url_template);
  g_free (request->body);
  g_free (request->session_id_pointer);
  g_free (request);
}

const gchar *
media_edge_request_get_name (const MediaEdgeRequest * request)
{
  return request->name;
}

const gchar *
media_edge_request_get_method (const MediaEdgeRequest * request)
{
  return request->method;
}

MediaEdgeRequestFlags
media_edge_request_get_flags (const MediaEdgeRequest * request)
{
  return request->flags;
}

const gchar *
media_edge_request_get_url_template (const MediaEdgeRequest * request)
{
  return request->url_template;
}

const gchar *
media_edge_request_get_body (const MediaEdgeRequest * request)
{
  return request->body;
}

const gchar *
media_edge_request_get_session_id_pointer (const MediaEdgeRequest * request)
{
  return request->session_id_pointer;
}

gboolean
media_edge_request_opens_session (const MediaEdgeRequest * request)
{
  return (request->flags & MEDIA_EDGE_REQUEST_OPENS_SESSION) != 0;
}

gboolean
media_edge_request_is_expendable (const MediaEdgeRequest * request)
{
  return (request->flags & MEDIA_EDGE_REQUEST_EXPENDABLE) != 0;
}

/* @text with every @slot in it replaced by @with */
static gchar *
fill_slot (const gchar * text, const gchar * slot, const gchar * with)
{
  g_auto (GStrv) parts = g_strsplit (text, slot, -1);

  return g_strjoinv (with, parts);
}

/**
 * media_edge_request_copy:
 *
 * Returns: (transfer full): a request of its own, the same as @request
 */
MediaEdgeRequest *
media_edge_request_copy (const MediaEdgeRequest * request)
{
  g_return_val_if_fail (request != NULL, NULL);

  return media_edge_request_new (request->name, request->method,
      request->url_template, request->body, request->session_id_pointer,
      request->flags);
}

/**
 * media_edge_request_build_uri_full:
 * @session_id: (nullable): the session id, if known
 * @location_hint: (nullable): the edge cluster the device was told to use
 *
 * Returns: (transfer full): the URL, each session slot replaced by the
 * URI-escaped @session_id (or by nothing while it is not known), each
 * hint slot by a slash and the URI-escaped @location_hint (or by nothing)
 */
gchar *
media_edge_request_build_uri_full (const MediaEdgeRequest * request,
    const gchar * session_id, const gchar * location_hint)
{
  g_autofree gchar *escaped_id = NULL;
  g_autofree gchar *escaped_hint = NULL;
  g_autofree gchar *hinted = NULL;
  g_autofree gchar *with_id = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  escaped_id = g_uri_escape_string (session_id ? session_id : "", NULL, FALSE);
  if (location_hint && *location_hint) {
    escaped_hint = g_uri_escape_string (location_hint, NULL, FALSE);
    hinted = g_strconcat ("/", escaped_hint, NULL);
  }
  with_id = fill_slot (request->url_template, MEDIA_EDGE_REQUEST_SESSION_SLOT,
      escaped_id);

  return fill_slot (with_id, MEDIA_EDGE_REQUEST_HINT_SLOT,
      hinted ? hinted : "");
}

/**
 * media_edge_request_build_uri:
 * @session_id: (nullable): the session id, if known
 *
 * media_edge_request_build_uri_full() without a location hint.
 */
gchar *
media_edge_request_build_uri (const MediaEdgeRequest * request,
    const gchar * session_id)
{
  return media_edge_request_build_uri_full (request, session_id, NULL);
}

/* One reference token of a JSON pointer with ~1 and ~0 undone; NULL if
 * a ~ is followed by anything else. */
static gchar *
unescape_token (const gchar * token)
{
  GString *name = g_string_new (NULL);

  for (const gchar * c = token; *c; c++) {
    if (*c != '~') {
      g_string_append_c (name, *c);
    } else if (c[1] == '0' || c[1] == '1') {
      g_string_append_c (name, *++c == '0' ? '~' : '/');
    } else {
      g_string_free (name, TRUE);
      return NULL;
    }
  }

  return g_string_free (name, FALSE);
}

/* The array element @token names: a decimal index without leading zeros. */
static JsonNode *
array_step (JsonArray * array, const gchar * token)
{
  guint64 index;

  if (!g_ascii_isdigit (token[0]) || (token[0] == '0' && token[1] != '\0'))
    return NULL;
  if (!g_ascii_string_to_unsigned (token, 10, 0, G_MAXUINT, &index, NULL)
      || index >= json_array_get_length (array))
    return NULL;

  return json_array_get_element (array, index);
}

/* The child of @node that @token names, or NULL. */
static JsonNode *
pointer_step (JsonNode * node, const gchar * token)
{
  g_autofree gchar *name = NULL;

  if (JSON_NODE_HOLDS_ARRAY (node))
    return array_step (json_node_get_array (node), token);
  if (!JSON_NODE_HOLDS_OBJECT (node) || !(name = unescape_token (token)))
    return NULL;

  return json_object_get_member (json_node_get_object (node), name);
}

/* The object in @root that holds the member @pointer names, and the name of
 * that member; NULL if @pointer leads nowhere in @root. */
static JsonObject *
pointer_parent (JsonNode * root, const gchar * pointer, gchar ** member)
{
  g_auto (GStrv) tokens = NULL;
  JsonNode *node = root;
  guint n;

  if (pointer[0] != '/')
    return NULL;
  tokens = g_strsplit (pointer + 1, "/", -1);
  n = g_strv_length (tokens);
  for (guint i = 0; i + 1 < n && node; i++)
    node = pointer_step (node, tokens[i]);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  *member = unescape_token (tokens[n - 1]);

  return *member ? json_node_get_object (node) : NULL;
}

/* meta.state.entries: each entry's key and value, as the Edge Network
 * asks its clients to send back what it stored */
static JsonObject *
build_meta (GPtrArray * entries)
{
  JsonObject *meta = json_object_new ();
  JsonObject *state = json_object_new ();
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < entries->len; i++) {
    const MediaEdgeStateEntry *entry = g_ptr_array_index (entries, i);
    JsonObject *object = json_object_new ();

    json_object_set_string_member (object, "key", entry->key);
    json_object_set_string_member (object, "value", entry->value);
    json_array_add_object_element (array, object);
  }
  json_object_set_array_member (state, "entries", array);
  json_object_set_object_member (meta, "state", state);

  return meta;
}

/* @root with @session_id at the request's pointer; FALSE if it leads
 * nowhere */
static gboolean
set_session_id (const MediaEdgeRequest * request, JsonNode * root,
    const gchar * session_id)
{
  g_autofree gchar *member = NULL;
  JsonObject *parent = pointer_parent (root, request->session_id_pointer,
      &member);

  if (parent == NULL)
    return FALSE;
  json_object_set_string_member (parent, member, session_id);

  return TRUE;
}

/**
 * media_edge_request_build_body_full:
 * @session_id: (nullable): the session id, if known
 * @state_entries: (nullable) (element-type MediaEdgeStateEntry): the
 *   device's live client state entries
 * @length: (out) (optional): the length of the body
 *
 * Returns: (transfer full): the body, with @session_id as the string at the
 * request's session id pointer, and for a request that carries state,
 * @state_entries as `meta.state.entries`; as it was made when there is
 * neither to add
 */
gchar *
media_edge_request_build_body_full (const MediaEdgeRequest * request,
    const gchar * session_id, GPtrArray * state_entries, gsize * length)
{
  gboolean with_id = session_id && request->session_id_pointer;
  gboolean with_state = state_entries && state_entries->len > 0
      && (request->flags & MEDIA_EDGE_REQUEST_CARRIES_STATE);
  g_autoptr (JsonNode) root = NULL;
  gboolean changed = FALSE;
  gchar *body;

  g_return_val_if_fail (request != NULL, NULL);

  if (with_id || with_state)
    root = json_from_string (request->body, NULL);
  if (root && with_id)
    changed |= set_session_id (request, root, session_id);
  if (root && with_state && JSON_NODE_HOLDS_OBJECT (root)) {
    json_object_set_object_member (json_node_get_object (root), "meta",
        build_meta (state_entries));
    changed = TRUE;
  }
  body = changed ? json_to_string (root, FALSE) : g_strdup (request->body);
  if (length)
    *length = strlen (body);

  return body;
}

/**
 * media_edge_request_build_body:
 * @session_id: (nullable): the session id, if known
 * @length: (out) (optional): the length of the body
 *
 * media_edge_request_build_body_full() without client state.
 */
gchar *
media_edge_request_build_body (const MediaEdgeRequest * request,
    const gchar * session_id, gsize * length)
{
  return media_edge_request_build_body_full (request, session_id, NULL, length);
}

/* The member @name, a string or null. */
static void
add_string (JsonBuilder * builder, const gchar * name, const gchar * value)
{
  json_builder_set_member_name (builder, name);
  if (value)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/**
 * media_edge_request_serialize:
 *
 * Returns: (transfer full): @request as a JSON object that
 * media_edge_request_deserialize() reads back
 */
gchar *
media_edge_request_serialize (const MediaEdgeRequest * request)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (request != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_int_value (builder, SERIALIZED_VERSION);
  add_string (builder, "name", request->name);
  add_string (builder, "method", request->method);
  add_string (builder, "url", request->url_template);
  add_string (builder, "body", request->body);
  add_string (builder, "sessionIdPointer", request->session_id_pointer);
  json_builder_set_member_name (builder, "flags");
  json_builder_begin_array (builder);
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (request->flags & flag_names[i].flag)
      json_builder_add_string_value (builder, flag_names[i].name);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

static gboolean
malformed (GError ** error, const gchar * why)
{
  g_set_error_literal (error, MEDIA_EDGE_REQUEST_ERROR,
      MEDIA_EDGE_REQUEST_ERROR_MALFORMED, why);

  return FALSE;
}

/* The string member @name of @fields; %NULL too if @nullable. */
static gboolean
read_string (JsonObject * fields, const gchar * name, gboolean nullable,
    const gchar ** value, GError ** error)
{
  JsonNode *node = json_object_get_member (fields, name);

  *value = NULL;
  if (node && nullable && JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (node && JSON_NODE_HOLDS_VALUE (node)
      && json_node_get_value_type (node) == G_TYPE_STRING) {
    *value = json_node_get_string (node);
    return TRUE;
  }

  g_set_error (error, MEDIA_EDGE_REQUEST_ERROR,
      MEDIA_EDGE_REQUEST_ERROR_MALFORMED, "request has no string \"%s\"", name);

  return FALSE;
}

static MediaEdgeRequestFlags
flag_from_name (const gchar * name)
{
  for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
    if (g_strcmp0 (name, flag_names[i].name) == 0)
      return flag_names[i].flag;

  return MEDIA_EDGE_REQUEST_NONE;
}

static gboolean
read_flags (JsonObject * fields, MediaEdgeRequestFlags * flags, GError ** error)
{
  JsonNode *node = json_object_get_member (fields, "flags");
  JsonArray *names;

  *flags = MEDIA_EDGE_REQUEST_NONE;
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return malformed (error, "request has no \"flags\" array");
  names = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (names); i++) {
    JsonNode *item = json_array_get_element (names, i);
    const gchar *name = JSON_NODE_HOLDS_VALUE (item) ?
        json_node_get_string (item) : NULL;
    MediaEdgeRequestFlags flag = flag_from_name (name);

    if (flag == MEDIA_EDGE_REQUEST_NONE)
      return malformed (error, "request has an unknown flag");
    *flags |= flag;
  }

  return TRUE;
}

/* The body is JSON, and the pointer, if any, names a member of one of its
 * objects. */
static gboolean
check_body (const gchar * body, const gchar * pointer, GError ** error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autofree gchar *member = NULL;

  root = json_from_string (body, NULL);
  if (root == NULL)
    return malformed (error, "request body is not JSON");
  if (pointer && !pointer_parent (root, pointer, &member))
    return malformed (error, "request's session id pointer leads nowhere in "
        "its body");

  return TRUE;
}

/* The fields of a serialized request this version knows how to read. */
static JsonObject *
read_object (JsonNode * root, GError ** error)
{
  JsonObject *fields;
  JsonNode *version;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root)) {
    malformed (error, "a serialized request is a JSON object");
    return NULL;
  }
  fields = json_node_get_object (root);
  version = json_object_get_member (fields, "version");
  if (version == NULL || json_node_get_value_type (version) != G_TYPE_INT64
      || json_node_get_int (version) != SERIALIZED_VERSION) {
    malformed (error, "request of an unknown version");
    return NULL;
  }

  return fields;
}

/**
 * media_edge_request_deserialize:
 * @text: what media_edge_request_serialize() wrote
 *
 * Returns: (transfer full): the request, or %NULL with @error set
 */
MediaEdgeRequest *
media_edge_request_deserialize (const gchar * text, GError ** error)
{
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (GError) parse_error = NULL;
  const gchar *name, *method, *url, *body, *pointer;
  MediaEdgeRequestFlags flags;
  JsonObject *fields;

  g_return_val_if_fail (text != NULL, NULL);

  root = json_from_string (text, &parse_error);
  if (parse_error) {
    g_set_error (error, MEDIA_EDGE_REQUEST_ERROR,
        MEDIA_EDGE_REQUEST_ERROR_MALFORMED,
        "serialized request is not JSON: %s", parse_error->message);
    return NULL;
  }
  if (!(fields = read_object (root, error))
      || !read_string (fields, "name", FALSE, &name, error)
      || !read_string (fields, "method", FALSE, &method, error)
      || !read_string (fields, "url", FALSE, &url, error)
      || !read_string (fields, "body", FALSE, &body, error)
      || !read_string (fields, "sessionIdPointer", TRUE, &pointer, error)
      || !read_flags (fields, &flags, error)
      || !check_body (body, pointer, error))
    return NULL;

  return media_edge_request_new (name, method, url, body, pointer, flags);
}

/**
 * media_edge_quote_text:
 * @data: (nullable): what the network sent: any bytes
 * @size: how many
 * @limit: how many bytes to quote at most
 *
 * Every warning, error and statistic quotes what the service sent through
 * here: GLib's messages and GStreamer's structures take UTF-8 only, and a
 * cut inside a character, or a service that sends anything else, must
 * not cost the message.
 *
 * Returns: (transfer full): valid UTF-8, at most @limit bytes of @data
 *   before its invalid sequences are replaced
 */
gchar *
media_edge_quote_text (const gchar * data, gsize size, gsize limit)
{
  gsize n = MIN (size, limit);

  if (data == NULL)
    return g_strdup ("");
  /* a cut inside a character: back to its first byte */
  if (n < size)
    while (n > 0 && ((guchar) data[n] & 0xc0) == 0x80)
      n--;

  return g_utf8_make_valid (data, n);
}
