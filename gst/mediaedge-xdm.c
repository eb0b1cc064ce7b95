/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* What the XDM data types accept (the XDM schemas and media-edge.yaml): the
 * fields an application may set on each details object, their types, the
 * ones the Media Edge API requires, and the names allowed for custom
 * metadata and player states. Applications and GStreamer structures give
 * loosely typed values (`season=1` is an int, `index=(string)2` a string);
 * this turns them into what the service validates against. */

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <math.h>
#include <string.h>

#include "mediaedge-xdm.h"

/* Spelled out rather than G_DEFINE_QUARK: gst-indent would put spaces into
 * the dashed name the macro stringifies. */
GQuark
media_edge_xdm_error_quark (void)
{
  return g_quark_from_static_string ("media-edge-xdm-error-quark");
}

typedef enum
{
  FIELD_STRING,
  FIELD_COUNT,                  /* integer >= 0 */
  FIELD_BOOLEAN,
  FIELD_ERROR_SOURCE,           /* "player" or "external" */
} FieldType;

typedef struct
{
  const gchar *name;
  FieldType type;
  gboolean required;
} Field;

/* Only what a player sets: the counters the service computes (timePlayed,
 * isViewed, ...) are not the client's to send. */
static const Field session_fields[] = {
  {"name", FIELD_STRING, TRUE},
  {"playerName", FIELD_STRING, TRUE},
  {"length", FIELD_COUNT, TRUE},
  {"channel", FIELD_STRING, TRUE},
  {"contentType", FIELD_STRING, TRUE},
  {"ID", FIELD_STRING}, {"friendlyName", FIELD_STRING},
  {"appVersion", FIELD_STRING}, {"show", FIELD_STRING},
  {"season", FIELD_STRING}, {"episode", FIELD_STRING},
  {"assetID", FIELD_STRING}, {"genre", FIELD_STRING},
  {"firstAirDate", FIELD_STRING}, {"firstDigitalDate", FIELD_STRING},
  {"rating", FIELD_STRING}, {"originator", FIELD_STRING},
  {"network", FIELD_STRING}, {"showType", FIELD_STRING},
  {"adLoad", FIELD_STRING}, {"mvpd", FIELD_STRING},
  {"authorized", FIELD_STRING}, {"dayPart", FIELD_STRING},
  {"feed", FIELD_STRING}, {"streamFormat", FIELD_STRING},
  {"streamType", FIELD_STRING}, {"artist", FIELD_STRING},
  {"album", FIELD_STRING}, {"label", FIELD_STRING},
  {"author", FIELD_STRING}, {"station", FIELD_STRING},
  {"publisher", FIELD_STRING}, {"cdn", FIELD_STRING},
  {"hasResume", FIELD_BOOLEAN}, {"isDownloaded", FIELD_BOOLEAN},
  {NULL}
};

static const Field chapter_fields[] = {
  {"index", FIELD_COUNT, TRUE},
  {"offset", FIELD_COUNT, TRUE},
  {"length", FIELD_COUNT, TRUE},
  {"friendlyName", FIELD_STRING}, {"ID", FIELD_STRING},
  {NULL}
};

static const Field ad_pod_fields[] = {
  {"index", FIELD_COUNT, TRUE},
  {"offset", FIELD_COUNT, TRUE},
  {"friendlyName", FIELD_STRING}, {"ID", FIELD_STRING},
  {NULL}
};

static const Field ad_fields[] = {
  {"name", FIELD_STRING, TRUE},
  {"length", FIELD_COUNT, TRUE},
  {"playerName", FIELD_STRING, TRUE},
  {"podPosition", FIELD_COUNT, TRUE},
  {"friendlyName", FIELD_STRING}, {"advertiser", FIELD_STRING},
  {"campaignID", FIELD_STRING}, {"creativeID", FIELD_STRING},
  {"creativeURL", FIELD_STRING}, {"placementID", FIELD_STRING},
  {"siteID", FIELD_STRING},
  {NULL}
};

static const Field error_fields[] = {
  {"name", FIELD_STRING, TRUE},
  {"source", FIELD_ERROR_SOURCE, TRUE},
  {NULL}
};

static const struct
{
  const gchar *name;
  const Field *fields;
} kinds[] = {
  [MEDIA_EDGE_XDM_SESSION] = {"sessionDetails", session_fields},
  [MEDIA_EDGE_XDM_CHAPTER] = {"chapterDetails", chapter_fields},
  [MEDIA_EDGE_XDM_AD_POD] = {"advertisingPodDetails", ad_pod_fields},
  [MEDIA_EDGE_XDM_AD] = {"advertisingDetails", ad_fields},
  [MEDIA_EDGE_XDM_ERROR] = {"errorDetails", error_fields},
};

const gchar *
media_edge_xdm_kind_get_name (MediaEdgeXdmKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), NULL);

  return kinds[kind].name;
}

static const Field *
find_field (MediaEdgeXdmKind kind, const gchar * name)
{
  for (const Field * field = kinds[kind].fields; field->name; field++)
    if (strcmp (field->name, name) == 0)
      return field;

  return NULL;
}

/**
 * media_edge_xdm_value_to_string:
 *
 * Returns: (transfer full): @value as the text a string field carries:
 * `1` for an integer 1, `true` for a boolean.
 */
gchar *
media_edge_xdm_value_to_string (GVariant * value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_VARIANT)) {
    g_autoptr (GVariant) inner = g_variant_get_variant (value);

    return media_edge_xdm_value_to_string (inner);
  }
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (value, NULL);
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_DOUBLE)) {
    gchar text[G_ASCII_DTOSTR_BUF_SIZE];

    return g_strdup (g_ascii_dtostr (text, sizeof (text),
            g_variant_get_double (value)));
  }

  return g_variant_print (value, FALSE);
}

static gboolean
value_to_count (GVariant * value, gint64 * count)
{
  guint64 parsed;

  switch (g_variant_classify (value)) {
    case G_VARIANT_CLASS_INT32:
      *count = g_variant_get_int32 (value);
      return *count >= 0;
    case G_VARIANT_CLASS_UINT32:
      *count = g_variant_get_uint32 (value);
      return TRUE;
    case G_VARIANT_CLASS_INT64:
      *count = g_variant_get_int64 (value);
      return *count >= 0;
    case G_VARIANT_CLASS_UINT64:
      *count = MIN (g_variant_get_uint64 (value), G_MAXINT64);
      return TRUE;
    case G_VARIANT_CLASS_DOUBLE:{
      gdouble seconds = g_variant_get_double (value);

      /* lengths and offsets in seconds: round to the nearest whole one */
      if (!isfinite (seconds) || seconds < 0 || seconds > G_MAXINT32)
        return FALSE;
      *count = (gint64) (seconds + 0.5);
      return TRUE;
    }
    case G_VARIANT_CLASS_STRING:
      if (!g_ascii_string_to_unsigned (g_variant_get_string (value, NULL), 10,
              0, G_MAXINT64, &parsed, NULL))
        return FALSE;
      *count = parsed;
      return TRUE;
    default:
      return FALSE;
  }
}

static gboolean
value_to_boolean (GVariant * value, gboolean * flag)
{
  const gchar *text;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN)) {
    *flag = g_variant_get_boolean (value);
    return TRUE;
  }
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    return FALSE;
  text = g_variant_get_string (value, NULL);
  if (g_ascii_strcasecmp (text, "true") != 0
      && g_ascii_strcasecmp (text, "false") != 0)
    return FALSE;
  *flag = g_ascii_strcasecmp (text, "true") == 0;

  return TRUE;
}

/* @value typed as @field wants it, or NULL if it cannot be. */
static GVariant *
coerce (const Field * field, GVariant * value)
{
  g_autofree gchar *text = NULL;
  gint64 count;
  gboolean flag;

  switch (field->type) {
    case FIELD_COUNT:
      return value_to_count (value, &count) ? g_variant_new_int64 (count) :
          NULL;
    case FIELD_BOOLEAN:
      return value_to_boolean (value, &flag) ? g_variant_new_boolean (flag) :
          NULL;
    case FIELD_ERROR_SOURCE:
      text = media_edge_xdm_value_to_string (value);
      if (g_strcmp0 (text, "player") != 0 && g_strcmp0 (text, "external") != 0)
        return NULL;
      return g_variant_new_take_string (g_steal_pointer (&text));
    case FIELD_STRING:
    default:
      text = media_edge_xdm_value_to_string (value);
      if (field->required && *text == '\0')
        return NULL;
      return g_variant_new_take_string (g_steal_pointer (&text));
  }
}

static const gchar *
expected (FieldType type)
{
  switch (type) {
    case FIELD_COUNT:
      return "a whole number >= 0";
    case FIELD_BOOLEAN:
      return "a boolean";
    case FIELD_ERROR_SOURCE:
      return "\"player\" or \"external\"";
    case FIELD_STRING:
    default:
      return "a non-empty string";
  }
}

static gboolean
check_required (MediaEdgeXdmKind kind, GVariantDict * details, GError ** error)
{
  for (const Field * field = kinds[kind].fields; field->name; field++) {
    if (field->required && !g_variant_dict_contains (details, field->name)) {
      g_set_error (error, MEDIA_EDGE_XDM_ERROR_DOMAIN,
          MEDIA_EDGE_XDM_ERROR_MISSING_FIELD, "%s needs the field '%s'",
          kinds[kind].name, field->name);
      return FALSE;
    }
  }

  return TRUE;
}

/**
 * media_edge_xdm_normalize:
 * @kind: which details object @fields describe
 * @fields: an `a{sv}` dictionary of loosely typed values
 * @check_required: whether every field the Media Edge API requires must be
 *   there
 * @details: (out) (transfer full): the XDM fields of @fields, typed
 * @custom_metadata: (out) (optional) (transfer full) (nullable): the other
 *   fields as `a{ss}` custom metadata, or %NULL when there are none; when
 *   not wanted, other fields are an error
 *
 * Returns: %FALSE with @error set if a field has a value its XDM type
 * cannot take, a required field is missing, or a custom metadata key is
 * not of the form `[a-zA-Z0-9_.]+`.
 */
gboolean
media_edge_xdm_normalize (MediaEdgeXdmKind kind, GVariant * fields,
    gboolean check_required_fields, GVariant ** details,
    GVariant ** custom_metadata, GError ** error)
{
  g_auto (GVariantDict) typed = G_VARIANT_DICT_INIT (NULL);
  g_auto (GVariantBuilder) custom =
      G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{ss}"));
  gboolean has_custom = FALSE;
  GVariantIter iter;
  const gchar *name;
  GVariant *value;

  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), FALSE);
  g_return_val_if_fail (g_variant_is_of_type (fields, G_VARIANT_TYPE_VARDICT),
      FALSE);

  g_variant_iter_init (&iter, fields);
  while (g_variant_iter_loop (&iter, "{&sv}", &name, &value)) {
    const Field *field = find_field (kind, name);
    GVariant *coerced;

    if (field == NULL && custom_metadata
        && media_edge_xdm_is_metadata_key (name)) {
      g_autofree gchar *text = media_edge_xdm_value_to_string (value);

      g_variant_builder_add (&custom, "{ss}", name, text);
      has_custom = TRUE;
      continue;
    }
    if (field == NULL) {
      g_set_error (error, MEDIA_EDGE_XDM_ERROR_DOMAIN,
          MEDIA_EDGE_XDM_ERROR_BAD_NAME, custom_metadata ?
          "'%s' is neither a field of %s nor a custom metadata key "
          "([a-zA-Z0-9_.]+)" : "'%s' is not a field of %s", name,
          kinds[kind].name);
      g_variant_unref (value);
      return FALSE;
    }
    coerced = coerce (field, value);
    if (coerced == NULL) {
      g_autofree gchar *shown = g_variant_print (value, FALSE);

      g_set_error (error, MEDIA_EDGE_XDM_ERROR_DOMAIN,
          MEDIA_EDGE_XDM_ERROR_BAD_VALUE, "%s field '%s' must be %s, not %s",
          kinds[kind].name, name, expected (field->type), shown);
      g_variant_unref (value);
      return FALSE;
    }
    g_variant_dict_insert_value (&typed, name, coerced);
  }

  if (check_required_fields && !check_required (kind, &typed, error))
    return FALSE;

  *details = g_variant_ref_sink (g_variant_dict_end (&typed));
  if (custom_metadata)
    *custom_metadata = has_custom ?
        g_variant_ref_sink (g_variant_builder_end (&custom)) : NULL;

  return TRUE;
}

gboolean
media_edge_xdm_is_metadata_key (const gchar * key)
{
  if (key == NULL || *key == '\0')
    return FALSE;
  for (const gchar * c = key; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '_' && *c != '.')
      return FALSE;

  return TRUE;
}

/* ^[a-zA-Z0-9_.]{1,64}$ (media-edge.yaml, statesUpdate) */
gboolean
media_edge_xdm_is_state_name (const gchar * name)
{
  return media_edge_xdm_is_metadata_key (name) && strlen (name) <= 64;
}
