/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_XDM_H__
#define __MEDIA_EDGE_XDM_H__

#include <glib.h>

G_BEGIN_DECLS

/* The XDM details objects an application or the pipeline describes. */
typedef enum
{
  MEDIA_EDGE_XDM_SESSION,
  MEDIA_EDGE_XDM_CHAPTER,
  MEDIA_EDGE_XDM_AD_POD,
  MEDIA_EDGE_XDM_AD,
  MEDIA_EDGE_XDM_ERROR,
} MediaEdgeXdmKind;

#define MEDIA_EDGE_XDM_ERROR_DOMAIN (media_edge_xdm_error_quark ())

typedef enum
{
  MEDIA_EDGE_XDM_ERROR_MISSING_FIELD,
  MEDIA_EDGE_XDM_ERROR_BAD_VALUE,
  MEDIA_EDGE_XDM_ERROR_BAD_NAME,
} MediaEdgeXdmError;

GQuark media_edge_xdm_error_quark (void);

const gchar *media_edge_xdm_kind_get_name (MediaEdgeXdmKind kind);

gboolean media_edge_xdm_normalize (MediaEdgeXdmKind kind, GVariant * fields,
    gboolean check_required, GVariant ** details, GVariant ** custom_metadata,
    GError ** error);

gboolean media_edge_xdm_is_metadata_key (const gchar * key);

gboolean media_edge_xdm_is_state_name (const gchar * name);

gchar *media_edge_xdm_value_to_string (GVariant * value);

G_END_DECLS

#endif /* __MEDIA_EDGE_XDM_H__ */
