/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

#ifndef __MEDIA_EDGE_STATES_H__
#define __MEDIA_EDGE_STATES_H__

#include <glib.h>

G_BEGIN_DECLS

typedef struct _MediaEdgeStates MediaEdgeStates;

MediaEdgeStates *media_edge_states_new (void);

void media_edge_states_free (MediaEdgeStates * states);

void media_edge_states_clear (MediaEdgeStates * states);

GVariant *media_edge_states_update (MediaEdgeStates * states,
    GVariant * update, GError ** error);

GVariant *media_edge_states_describe_active (MediaEdgeStates * states);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MediaEdgeStates, media_edge_states_free);

G_END_DECLS

#endif /* __MEDIA_EDGE_STATES_H__ */
