#!/usr/bin/env bash
# Runs examples/ad-break.py (Python, GObject introspection) against the
# local edge server and checks the events the server received, in order.
# usage: ad-break.sh PYTHON EXAMPLE EDGE-SERVER
set -euo pipefail
python=$1 example=$2 edge_server=$3

work=$(mktemp -d)
trap 'kill "$server_pid" 2>/dev/null || true; rm -rf "$work"' EXIT

gst-launch-1.0 -q videotestsrc num-buffers=75 ! \
  video/x-raw,framerate=25/1,width=64,height=48 ! jpegenc ! matroskamux ! \
  filesink location="$work/clip.mkv"

"$edge_server" --port-file "$work/port" > "$work/received" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
endpoint="http://127.0.0.1:$(cat "$work/port")/ee/va/v1"

"$python" "$example" --fake-sinks --endpoint "$endpoint" "$work/clip.mkv"

expected="sessionStart play adBreakStart adStart adComplete adBreakComplete sessionComplete"
for _ in $(seq 50); do
  received=$(awk '$3 == "playhead" { print $2 }' "$work/received" | xargs)
  [ "$received" = "$expected" ] && exit 0
  sleep 0.1
done
echo "expected: $expected"
echo "received: $received"
exit 1
