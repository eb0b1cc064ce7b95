/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* libFuzzer target: whatever a server answers to sessionStart, the parser
 * returns a session id or an error, never crashes, never leaks. */

#include <stdint.h>
#include <stddef.h>

#include "mediaedge-codec-edge.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  g_autoptr (GBytes) answer = g_bytes_new_static (data, size);
  g_autoptr (GError) error = NULL;
  g_autofree gchar *session_id = NULL;

  session_id = media_edge_codec_edge_parse_session_id (answer, &error);
  g_assert ((session_id == NULL) != (error == NULL));

  return 0;
}
