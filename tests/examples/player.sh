#!/usr/bin/env bash
# Runs examples/player.c against the local edge server: once with stdin no
# terminal, to the end of a clip; once in a pseudo-terminal (script(1)),
# where a space pauses and another resumes. Checks the events the server
# received and that the player printed the session id it got.
# usage: player.sh PLAYER EDGE-SERVER
set -euo pipefail
player=$1 edge_server=$2
. "$(dirname "$0")/lib.sh"

make_clip "$work/clip.mkv" 3
start_server "$edge_server"

# stdin not a terminal: no keys, played to the end
timeout 30 "$player" --fake-sinks --endpoint "$endpoint" "$work/clip.mkv" \
  < /dev/null > "$work/out"
cat "$work/out"
expect_sessions "sessionStart play sessionComplete"
first=$(awk '$2 == "sessionStart" { print $6; exit }' "$work/received")
grep -q "^session $first[0-9a-f]* started$" "$work/out" \
  || { echo "the player did not print session $first… started"; exit 1; }

# In a terminal: space at 1 s pauses, space at 2 s resumes
(sleep 1; printf ' '; sleep 1; printf ' ') | \
  timeout 30 script -qefc "$(printf '%q ' "$player" --fake-sinks \
    --endpoint "$endpoint" "$work/clip.mkv")" /dev/null > "$work/out-tty" \
  || true
cat "$work/out-tty"
grep -q "^paused" "$work/out-tty" || { echo "space did not pause"; exit 1; }
expect_sessions "sessionStart play sessionComplete" \
  "sessionStart play pauseStart play sessionComplete"
