#!/usr/bin/python3
# gst-mediaedge
# Copyright (C) 2026 gst-mediaedge contributors
#
# This library is free software; you can redistribute it and/or
# modify it under the terms of the GNU Library General Public
# License as published by the Free Software Foundation; either
# version 2.1 of the License, or (at your option) any later version.

"""Plays a file with playbin and mediaedgetrack, and drives a mid-roll ad
break stitched into the stream through the element's action signals.

    ad-break.py --endpoint http://127.0.0.1:8080/ee/va/v1 FILE-OR-URI

The ad break starts at --break-at seconds of stream time and its one ad
lasts --ad-length seconds; the content playhead Adobe sees stands still
meanwhile. Everything else (sessionStart, play, pings, sessionComplete) the
element reports by itself.
"""

import argparse
import sys

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def structure(text):
    """A GstStructure from its string form, e.g. "pod, index=1"."""
    value = Gst.Structure.from_string(text)[0]
    if value is None:
        raise ValueError(f"not a structure: {text}")
    return value


class AdBreakPlayer:
    def __init__(self, args):
        self.args = args
        self.loop = GLib.MainLoop()
        self.in_break = False
        self.break_done = False

        self.pipeline = Gst.ElementFactory.make("playbin", None)
        self.track = Gst.ElementFactory.make("mediaedgetrack", None)
        if self.pipeline is None or self.track is None:
            sys.exit("playbin or mediaedgetrack is missing (GST_PLUGIN_PATH?)")
        self.track.set_property("config-id", args.config_id)
        if args.endpoint:
            self.track.set_property("endpoint", args.endpoint)
        self.track.set_property("player-name", "ad-break.py")
        uri = args.media if Gst.uri_is_valid(args.media) else \
            Gst.filename_to_uri(args.media)
        self.pipeline.set_property("uri", uri)
        self.pipeline.set_property("video-filter", self.track)
        if args.fake_sinks:
            for sink in ("video-sink", "audio-sink"):
                fake = Gst.ElementFactory.make("fakesink", None)
                fake.set_property("sync", True)
                self.pipeline.set_property(sink, fake)

        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message", self.on_message)

    def emit(self, signal, *args):
        accepted = self.track.emit(signal, *args)
        print(f"{signal}: {'accepted' if accepted else 'refused'}",
              flush=True)
        return accepted

    def on_tick(self):
        ok, position = self.pipeline.query_position(Gst.Format.TIME)
        if not ok:
            return GLib.SOURCE_CONTINUE
        seconds = position / Gst.SECOND
        if not self.in_break and not self.break_done \
                and seconds >= self.args.break_at:
            self.in_break = True
            self.emit("ad-break-start", structure(
                f"pod, index=1, offset={int(self.args.break_at)}, "
                "friendlyName=(string)\"Mid-roll\""))
            self.emit("ad-start", structure(
                f"ad, name=(string)ad-1, length={int(self.args.ad_length)}, "
                "podPosition=1, advertiser=(string)\"Ad Guys\", "
                "campaign=(string)spring"))
        elif self.in_break \
                and seconds >= self.args.break_at + self.args.ad_length:
            self.in_break = False
            self.break_done = True
            self.emit("ad-complete")
            self.emit("ad-break-complete")
        return GLib.SOURCE_CONTINUE

    def on_message(self, bus, message):
        if message.type == Gst.MessageType.EOS:
            self.loop.quit()
        elif message.type == Gst.MessageType.ERROR:
            error, _ = message.parse_error()
            print(f"error: {error.message}", file=sys.stderr)
            self.loop.quit()

    def run(self):
        GLib.timeout_add(100, self.on_tick)
        self.pipeline.set_state(Gst.State.PLAYING)
        try:
            self.loop.run()
        finally:
            self.pipeline.set_state(Gst.State.NULL)
        return 0 if self.break_done else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("media", help="file name or URI to play")
    parser.add_argument("--endpoint",
                        help="Media Edge API base URL (default: the "
                        "element's, Adobe's Edge Network)")
    parser.add_argument("--config-id", default="ad-break-example",
                        help="datastream id")
    parser.add_argument("--break-at", type=float, default=1.0,
                        help="stream time of the ad break, in seconds")
    parser.add_argument("--ad-length", type=float, default=1.0,
                        help="length of the ad, in seconds")
    parser.add_argument("--fake-sinks", action="store_true",
                        help="render nothing (for machines with no display)")
    args = parser.parse_args()

    Gst.init(None)
    return AdBreakPlayer(args).run()


if __name__ == "__main__":
    sys.exit(main())
