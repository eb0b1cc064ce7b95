/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What GStreamer values say, as the GLib values the tracker takes: a
 * GstStructure an application passes becomes an `a{sv}` dictionary, tags
 * fill sessionDetails fields and the bitrate, caps give the frame rate, a
 * TOC gives chapters, the stream's facts and the settings give the
 * sessionDetails. Pure functions: no element, no session. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <string.h>

#include "gstmediaedgefacts.h"
#include "mediaedge-tracker.h"
#include "mediaedge-xdm.h"

/* Adobe's advice for live streams and for content of unknown length */
#define LIVE_LENGTH_S 86400

static GVariant *
value_to_variant (const GValue * value)
{
  g_autofree gchar *text = NULL;

  switch (G_VALUE_TYPE (value)) {
    case G_TYPE_BOOLEAN:
      return g_variant_new_boolean (g_value_get_boolean (value));
    case G_TYPE_INT:
      return g_variant_new_int64 (g_value_get_int (value));
    case G_TYPE_UINT:
      return g_variant_new_int64 (g_value_get_uint (value));
    case G_TYPE_INT64:
      return g_variant_new_int64 (g_value_get_int64 (value));
    case G_TYPE_UINT64:
      return g_variant_new_uint64 (g_value_get_uint64 (value));
    case G_TYPE_DOUBLE:
      return g_variant_new_double (g_value_get_double (value));
    case G_TYPE_FLOAT:
      return g_variant_new_double (g_value_get_float (value));
    case G_TYPE_STRING:
      return g_variant_new_string (g_value_get_string (value) ?
          g_value_get_string (value) : "");
    default:
      break;
  }

  /* fractions, enums, ... as GStreamer writes them */
  text = gst_value_serialize (value);

  return g_variant_new_string (text ? text : "");
}

static gboolean
add_field (GQuark field, const GValue * value, gpointer user_data)
{
  g_variant_dict_insert_value (user_data, g_quark_to_string (field),
      value_to_variant (value));

  return TRUE;
}

/**
 * gst_media_edge_structure_to_fields:
 *
 * Returns: (transfer floating): the fields of @s as an `a{sv}` dictionary,
 * typed as GStreamer typed them
 */
GVariant *
gst_media_edge_structure_to_fields (const GstStructure * s)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  if (s)
    gst_structure_foreach (s, add_field, &dict);

  return g_variant_dict_end (&dict);
}

/**
 * gst_media_edge_structure_to_states:
 *
 * Returns: (transfer floating): the fields of @s, which must all be
 * booleans, as an `a{sb}` dictionary; %NULL with @error set otherwise
 */
GVariant *
gst_media_edge_structure_to_states (const GstStructure * s, GError ** error)
{
  GVariantBuilder states;
  gint n = gst_structure_n_fields (s);

  g_variant_builder_init (&states, G_VARIANT_TYPE ("a{sb}"));
  for (gint i = 0; i < n; i++) {
    const gchar *name = gst_structure_nth_field_name (s, i);
    gboolean active;

    if (!gst_structure_get_boolean (s, name, &active)) {
      g_variant_builder_clear (&states);
      g_set_error (error, MEDIA_EDGE_TRACKER_ERROR,
          MEDIA_EDGE_TRACKER_ERROR_BAD_STATE,
          "player state '%s' must be a boolean", name);
      return NULL;
    }
    g_variant_builder_add (&states, "{sb}", name, active);
  }

  return g_variant_builder_end (&states);
}

/* tags that name an XDM sessionDetails field */
static const struct
{
  const gchar *tag;
  const gchar *field;
} session_tags[] = {
  {GST_TAG_ARTIST, "artist"},
  {GST_TAG_ALBUM, "album"},
  {GST_TAG_GENRE, "genre"},
  {GST_TAG_SHOW_NAME, "show"},
  {GST_TAG_SHOW_SEASON_NUMBER, "season"},
  {GST_TAG_SHOW_EPISODE_NUMBER, "episode"},
  {GST_TAG_PUBLISHER, "publisher"},
  {GST_TAG_COMPOSER, "author"},
};

/* Adds the sessionDetails fields @tags know, as strings. */
void
gst_media_edge_tags_to_session_fields (const GstTagList * tags,
    GVariantDict * fields)
{
  for (guint i = 0; i < G_N_ELEMENTS (session_tags); i++) {
    const GValue *value = gst_tag_list_get_value_index (tags,
        session_tags[i].tag, 0);
    g_autofree gchar *text = NULL;

    if (value == NULL)
      continue;
    text = G_VALUE_HOLDS_STRING (value) ? g_value_dup_string (value) :
        gst_value_serialize (value);
    if (text && *text)
      g_variant_dict_insert (fields, session_tags[i].field, "s", text);
  }
}

/* bits per second, or 0. The tags are uint, but a taginject or an
 * application's tag string makes them int: any whole number counts. */
static guint
tag_get_bps (const GstTagList * tags, const gchar * tag)
{
  const GValue *value = gst_tag_list_get_value_index (tags, tag, 0);

  if (value && G_VALUE_HOLDS_UINT (value))
    return g_value_get_uint (value);
  if (value && G_VALUE_HOLDS_INT (value))
    return MAX (g_value_get_int (value), 0);

  return 0;
}

/* The stream's bitrate in kbps, as qoeDataDetails wants it: the measured
 * bitrate, else the nominal one. */
gboolean
gst_media_edge_tags_get_bitrate (const GstTagList * tags, guint * kbps)
{
  guint bps = tag_get_bps (tags, GST_TAG_BITRATE);

  if (bps == 0)
    bps = tag_get_bps (tags, GST_TAG_NOMINAL_BITRATE);
  if (bps == 0)
    return FALSE;
  *kbps = (bps + 500) / 1000;

  return TRUE;
}

/* Whole frames per second from video caps; -1 when they have no fixed
 * frame rate. */
gint
gst_media_edge_caps_get_fps (const GstCaps * caps)
{
  GstStructure *s;
  gint num, den;

  if (caps == NULL || gst_caps_get_size (caps) == 0)
    return -1;
  s = gst_caps_get_structure (caps, 0);
  if (!gst_structure_get_fraction (s, "framerate", &num, &den) || num <= 0
      || den <= 0)
    return -1;

  return (num + den / 2) / den;
}

static void
clear_chapter (gpointer data)
{
  GstMediaEdgeChapter *chapter = data;

  g_clear_pointer (&chapter->title, g_free);
}

static void
add_chapters (GList * entries, GArray * chapters)
{
  for (GList * l = entries; l; l = l->next) {
    GstTocEntry *entry = l->data;
    GstMediaEdgeChapter chapter = { GST_CLOCK_TIME_NONE, GST_CLOCK_TIME_NONE };
    GstTagList *tags = gst_toc_entry_get_tags (entry);
    gint64 start = -1, stop = -1;

    /* a Matroska edition holds the chapters */
    if (gst_toc_entry_get_entry_type (entry) == GST_TOC_ENTRY_TYPE_EDITION) {
      add_chapters (gst_toc_entry_get_sub_entries (entry), chapters);
      continue;
    }
    if (gst_toc_entry_get_entry_type (entry) != GST_TOC_ENTRY_TYPE_CHAPTER
        || !gst_toc_entry_get_start_stop_times (entry, &start, &stop)
        || start < 0)
      continue;
    chapter.start = start;
    chapter.stop = stop >= start ? (GstClockTime) stop : GST_CLOCK_TIME_NONE;
    if (tags)
      gst_tag_list_get_string (tags, GST_TAG_TITLE, &chapter.title);
    g_array_append_val (chapters, chapter);
  }
}

static gint
compare_starts (gconstpointer a, gconstpointer b)
{
  const GstMediaEdgeChapter *chapter_a = a, *chapter_b = b;

  return (chapter_a->start > chapter_b->start) -
      (chapter_a->start < chapter_b->start);
}

/**
 * gst_media_edge_toc_get_chapters:
 * @duration: the stream's duration, or GST_CLOCK_TIME_NONE
 *
 * Returns: (transfer full): the top-level chapters of @toc in the order
 * they play, each ending where it says, else where the next one starts,
 * else at @duration; chapters with no known end are left out
 */
GArray *
gst_media_edge_toc_get_chapters (const GstToc * toc, GstClockTime duration)
{
  GArray *chapters = g_array_new (FALSE, TRUE, sizeof (GstMediaEdgeChapter));
  guint kept = 0;

  g_array_set_clear_func (chapters, clear_chapter);
  add_chapters (gst_toc_get_entries (toc), chapters);
  g_array_sort (chapters, compare_starts);

  for (guint i = 0; i < chapters->len; i++) {
    GstMediaEdgeChapter *chapter = &g_array_index (chapters,
        GstMediaEdgeChapter, i);

    if (!GST_CLOCK_TIME_IS_VALID (chapter->stop))
      chapter->stop = i + 1 < chapters->len ? g_array_index (chapters,
          GstMediaEdgeChapter, i + 1).start : duration;
    if (!GST_CLOCK_TIME_IS_VALID (chapter->stop)) {
      clear_chapter (chapter);
      continue;
    }
    if (kept != i)
      g_array_index (chapters, GstMediaEdgeChapter, kept) = *chapter;
    kept++;
  }
  /* moved entries own their titles now: shrink without clearing them */
  g_array_set_clear_func (chapters, NULL);
  g_array_set_size (chapters, kept);
  g_array_set_clear_func (chapters, clear_chapter);

  return chapters;
}

/**
 * gst_media_edge_chapter_to_fields:
 * @index: the chapter's position in the TOC, from 1
 *
 * Returns: (transfer floating): chapterDetails fields for @chapter
 */
GVariant *
gst_media_edge_chapter_to_fields (const GstMediaEdgeChapter * chapter,
    guint index)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "index", "x", (gint64) index);
  g_variant_dict_insert (&dict, "offset", "d",
      (gdouble) chapter->start / GST_SECOND);
  g_variant_dict_insert (&dict, "length", "d",
      (gdouble) (chapter->stop - chapter->start) / GST_SECOND);
  if (chapter->title)
    g_variant_dict_insert (&dict, "friendlyName", "s", chapter->title);

  return g_variant_dict_end (&dict);
}

/* errorDetails.name for a GStreamer error: `<domain>:<code>` */
gchar *
gst_media_edge_error_name (const GError * error)
{
  return g_strdup_printf ("%s:%d", g_quark_to_string (error->domain),
      error->code);
}

/* ------------------------------------------------------------------ */
/* sessionDetails: the stream's facts and tags, then the session-details
 * structure, then the named properties */

/* An empty string is no value. */
static void
dict_set_string (GVariantDict * dict, const gchar * key, const gchar * value)
{
  if (value && *value)
    g_variant_dict_insert (dict, key, "s", value);
}

static void
dict_merge (GVariantDict * dict, GVariant * fields)
{
  g_autoptr (GVariant) owned = g_variant_ref_sink (fields);
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  g_variant_iter_init (&iter, owned);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value)) {
    g_variant_dict_insert_value (dict, key, value);
    g_variant_unref (value);
  }
}

static gchar *
uri_basename (const gchar * uri)
{
  g_autoptr (GUri) parsed = uri ? g_uri_parse (uri, G_URI_FLAGS_NONE,
      NULL) : NULL;
  g_autofree gchar *path = NULL;
  gchar *base;

  if (parsed == NULL)
    return NULL;
  path = g_uri_unescape_string (g_uri_get_path (parsed), NULL);
  if (path == NULL || *path == '\0')
    return NULL;
  base = g_path_get_basename (path);
  if (strcmp (base, "/") == 0 || strcmp (base, ".") == 0)
    g_clear_pointer (&base, g_free);

  return base;
}

/* title and other tags, URI, duration, liveness */
static void
add_stream_facts (const GstMediaEdgeStreamFacts * stream, GVariantDict * dict)
{
  g_autofree gchar *basename = uri_basename (stream->uri);
  g_autofree gchar *title = NULL;
  gint64 duration = stream->duration;

  if (stream->tags) {
    gst_tag_list_get_string (stream->tags, GST_TAG_TITLE, &title);
    gst_media_edge_tags_to_session_fields (stream->tags, dict);
  }
  dict_set_string (dict, "name", title ? title : basename ? basename :
      "unknown");
  dict_set_string (dict, "friendlyName", title);
  /* whole seconds, and a short item lasts one at least */
  g_variant_dict_insert (dict, "length", "x", (!stream->live && duration > 0)
      ? MAX ((duration + GST_SECOND / 2) / GST_SECOND, 1) :
      (gint64) LIVE_LENGTH_S);
  dict_set_string (dict, "contentType", stream->live ? "Live" : "VOD");
}

static void
add_named_properties (const GstMediaEdgeSettings * settings,
    GVariantDict * dict)
{
  dict_set_string (dict, "name", settings->content_id);
  dict_set_string (dict, "friendlyName", settings->content_name);
  dict_set_string (dict, "channel", settings->channel);
  dict_set_string (dict, "playerName", settings->player_name);
  dict_set_string (dict, "appVersion", settings->app_version);
  dict_set_string (dict, "contentType", settings->content_type);
  if (settings->length >= 0)
    g_variant_dict_insert (dict, "length", "x", (gint64) settings->length);
}

/* Returns: (transfer full) */
static GVariant *
session_fields (const GstMediaEdgeStreamFacts * stream,
    const GstMediaEdgeSettings * settings, gboolean with_structure)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  add_stream_facts (stream, &dict);
  if (with_structure && settings->session_details)
    dict_merge (&dict, gst_media_edge_structure_to_fields
        (settings->session_details));
  add_named_properties (settings, &dict);

  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

/* Fields of the custom-metadata property with a key the service refuses
 * are left out. */
static void
add_custom_metadata_property (const GstMediaEdgeSettings * settings,
    GstObject * log_object, GHashTable * metadata)
{
  g_autoptr (GVariant) fields = NULL;
  GVariantIter iter;
  const gchar *key;
  GVariant *value;

  if (settings->custom_metadata == NULL)
    return;

  fields = g_variant_ref_sink (gst_media_edge_structure_to_fields
      (settings->custom_metadata));
  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_loop (&iter, "{&sv}", &key, &value)) {
    if (!media_edge_xdm_is_metadata_key (key)) {
      GST_WARNING_OBJECT (log_object, "custom-metadata: key '%s' is not of "
          "the form [a-zA-Z0-9_.]+, left out", key);
      continue;
    }
    g_hash_table_insert (metadata, g_strdup (key),
        media_edge_xdm_value_to_string (value));
  }
}

static void
add_extra_fields (GHashTable * metadata, GVariant * extra)
{
  GVariantIter iter;
  gchar *key, *value;

  if (extra == NULL)
    return;
  g_variant_iter_init (&iter, extra);
  while (g_variant_iter_next (&iter, "{ss}", &key, &value))
    g_hash_table_insert (metadata, key, value);
}

static GVariant *
metadata_to_variant (GHashTable * metadata)
{
  GVariantBuilder builder;
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (metadata) == 0)
    return NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("a{ss}"));
  g_hash_table_iter_init (&iter, metadata);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_variant_builder_add (&builder, "{ss}", key, value);

  return g_variant_builder_end (&builder);
}

/**
 * gst_media_edge_describe_session:
 * @log_object: whose warnings these are
 * @details: (out) (transfer full): sessionDetails, typed as XDM wants them
 * @custom_metadata: (out) (transfer full) (nullable): the fields of
 *   session-details that XDM does not know, then custom-metadata
 */
void
gst_media_edge_describe_session (const GstMediaEdgeStreamFacts * stream,
    const GstMediaEdgeSettings * settings, GstObject * log_object,
    GVariant ** details, GVariant ** custom_metadata)
{
  g_autoptr (GHashTable) metadata = g_hash_table_new_full (g_str_hash,
      g_str_equal, g_free, g_free);
  g_autoptr (GVariant) extra = NULL;
  g_autoptr (GVariant) fields = session_fields (stream, settings, TRUE);
  g_autoptr (GVariant) facts_only = NULL;
  g_autoptr (GError) error = NULL;

  /* session-details was checked when it was set, so this fails only on a
   * bug; the pipeline's facts alone still make a session */
  if (!media_edge_xdm_normalize (MEDIA_EDGE_XDM_SESSION, fields, FALSE,
          details, &extra, &error)) {
    GST_WARNING_OBJECT (log_object, "session-details left out: %s",
        error->message);
    g_clear_error (&error);
    facts_only = session_fields (stream, settings, FALSE);
    if (!media_edge_xdm_normalize (MEDIA_EDGE_XDM_SESSION, facts_only, FALSE,
            details, &extra, &error))
      *details = g_variant_ref_sink (g_variant_new_parsed ("@a{sv} {}"));
  }

  add_extra_fields (metadata, extra);
  add_custom_metadata_property (settings, log_object, metadata);
  *custom_metadata = metadata_to_variant (metadata);
}

/**
 * gst_media_edge_ad_fields:
 *
 * Returns: (transfer floating): advertisingDetails fields of @details,
 * with playerName, which XDM requires, @player_name unless given
 */
GVariant *
gst_media_edge_ad_fields (const GstStructure * details,
    const gchar * player_name)
{
  GVariantDict fields;

  g_variant_dict_init (&fields, NULL);
  dict_set_string (&fields, "playerName", player_name);
  if (details)
    dict_merge (&fields, gst_media_edge_structure_to_fields (details));

  return g_variant_dict_end (&fields);
}
