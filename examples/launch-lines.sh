#!/usr/bin/env bash
# gst-launch-1.0 lines that report to the Media Edge API, run one after the
# other: a file through playbin, audio only, and a live source. Each makes
# one session at ENDPOINT.
#
#   launch-lines.sh [--fake-sinks] ENDPOINT [FILE]
#
# ENDPOINT: the local edge server, e.g. http://127.0.0.1:8080/ee/va/v1
#   (build/tests/server/mediaedge-edge-server --port 8080 prints what it
#   receives), or Adobe's https://edge.adobedc.net/ee/va/v1 with CONFIG_ID
#   set to your datastream id.
# FILE: the media file to play; without it, a 3 s clip is made first.
# --fake-sinks: render nothing, for machines with no display or sound.
# The plugin must be found: GST_PLUGIN_PATH=build/gst, or meson devenv.
set -euo pipefail

video_sink=autovideosink
audio_sink=autoaudiosink
if [ "${1:-}" = --fake-sinks ]; then
  video_sink="fakesink sync=true"
  audio_sink="fakesink sync=true"
  shift
fi
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
  exit 2
fi
endpoint=$1
file=${2:-}
config_id=${CONFIG_ID:-launch-lines-example}

# Shows each line, then runs it
run () {
  printf '\n$'
  printf ' %q' "$@"
  printf '\n'
  "$@"
}

if [ -z "$file" ]; then
  scratch=$(mktemp -d)
  trap 'rm -rf "$scratch"' EXIT
  file=$scratch/clip.mkv
  gst-launch-1.0 -q matroskamux name=mux ! filesink location="$file" \
    videotestsrc num-buffers=75 ! \
    video/x-raw,framerate=25/1,width=320,height=240 ! jpegenc ! mux. \
    audiotestsrc num-buffers=130 ! audioconvert ! mux.
fi
case $file in
  *://*) uri=$file ;;
  /*) uri=file://$file ;;
  *) uri=file://$PWD/$file ;;
esac

track="mediaedgetrack config-id=$config_id endpoint=$endpoint"

# A file through playbin: the tracker as audio and video filter, so that
# audio-only content is tracked too (the two make one session). Content id:
# the title tag, else the file's name.
run gst-launch-1.0 playbin uri="$uri" \
  audio-filter="$track" video-filter="$track" \
  audio-sink="$audio_sink" video-sink="$video_sink"

# Audio only, with the content's name and series metadata
# shellcheck disable=SC2086  # the sink is a description of its own
run gst-launch-1.0 audiotestsrc num-buffers=130 ! audio/x-raw,rate=44100 ! \
  mediaedgetrack config-id="$config_id" endpoint="$endpoint" \
  content-id=tone content-name="A tone" \
  session-details="details,show=Tones,season=1,episode=2" ! \
  audioconvert ! $audio_sink

# A live source: reported as contentType Live, each playhead the second of
# the day (UTC); 3 s, then EOS completes the session
# shellcheck disable=SC2086
run gst-launch-1.0 videotestsrc is-live=true num-buffers=75 ! \
  video/x-raw,framerate=25/1,width=320,height=240 ! \
  mediaedgetrack config-id="$config_id" endpoint="$endpoint" \
  content-id=live-camera ! videoconvert ! $video_sink
