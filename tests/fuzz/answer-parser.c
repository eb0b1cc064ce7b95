/* gst-mediaedge
 * Copyright (C) 2026 gst-mediaedge contributors
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Library General Public
 * License as published by the Free Software Foundation; either
 * version 2.1 of the License, or (at your option) any later version.
 */

/* libFuzzer target: whatever a server answers to sessionStart, the Edge
 * codec returns a session id or an error, never crashes, never leaks. */

#include <stdint.h>
#include <stddef.h>

#include "mediaedge-codec-edge.h"

int LLVMFuzzerTestOneInput (const uint8_t * data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t * data, size_t size)
{
  static MediaEdgeCodec *codec;
  g_autoptr (GBytes) body = g_bytes_new_static (data, size);
  MediaEdgeAnswer answer = {.status = 200,.body = body };
  g_autoptr (GError) error = NULL;
  g_autofree gchar *session_id = NULL;

  if (codec == NULL)
    codec = media_edge_codec_edge_new ("https://edge.example/ee/va/v1",
        "fuzz", "fuzz");
  session_id = media_edge_codec_parse_session_id (codec, &answer, &error);
  g_assert ((session_id == NULL) != (error == NULL));

  return 0;
}
