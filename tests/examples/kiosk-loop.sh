#!/usr/bin/env bash
# Runs examples/kiosk-loop.c against the local edge server over a playlist
# of two clips, for three items (the first one again, gapless): each item
# must be a session of its own, played and completed.
# usage: kiosk-loop.sh KIOSK-LOOP EDGE-SERVER
set -euo pipefail
kiosk_loop=$1 edge_server=$2
. "$(dirname "$0")/lib.sh"

make_clip "$work/first.mkv" 2
make_clip "$work/second.mkv" 2
start_server "$edge_server"

timeout 30 "$kiosk_loop" --fake-sinks --endpoint "$endpoint" --items 3 \
  "$work/first.mkv" "$work/second.mkv" > "$work/out"
cat "$work/out"
items=$(grep -c "^item: " "$work/out" || true)
[ "$items" = 3 ] || { echo "played $items items, not 3"; exit 1; }
expect_sessions "sessionStart play sessionComplete" \
  "sessionStart play sessionComplete" "sessionStart play sessionComplete"
