# Shared by the example tests: a scratch folder, a clip, the local edge
# server, and what it received, session by session. Source it, then call
# start_server EDGE-SERVER; $endpoint is its URL.

work=$(mktemp -d)
server_pid=
cleanup () {
  [ -z "$server_pid" ] || kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# make_clip FILE SECONDS: video and audio, 25 frames a second
make_clip () {
  gst-launch-1.0 -q matroskamux name=mux ! filesink location="$1" \
    videotestsrc num-buffers=$(($2 * 25)) ! \
    video/x-raw,framerate=25/1,width=64,height=48 ! jpegenc ! mux. \
    audiotestsrc num-buffers=$(($2 * 44100 / 1024)) ! audioconvert ! mux.
}

start_server () {
  "$1" --port-file "$work/port" > "$work/received" &
  server_pid=$!
  for _ in $(seq 50); do [ -s "$work/port" ] && break; sleep 0.1; done
  [ -s "$work/port" ] || { echo "the edge server did not start" >&2; exit 1; }
  endpoint="http://127.0.0.1:$(cat "$work/port")/ee/va/v1"
}

# One line per session, in the order they started: its events, in order
sessions () {
  awk '$3 == "playhead" {
         if (!($6 in seen)) { seen[$6] = 1; order[++n] = $6 }
         events[$6] = events[$6] (events[$6] == "" ? "" : " ") $2
       }
       END { for (i = 1; i <= n; i++) print events[order[i]] }' \
    "$work/received"
}

# expect_sessions LINE...: the server received these sessions, one LINE
# each (its events), waiting up to 5 s for the last requests
expect_sessions () {
  local expected received
  expected=$(printf '%s\n' "$@")
  for _ in $(seq 50); do
    received=$(sessions)
    [ "$received" = "$expected" ] && return 0
    sleep 0.1
  done
  printf 'expected sessions:\n%s\nreceived:\n%s\n' "$expected" "$received"
  echo "server output:"; cat "$work/received"
  exit 1
}
