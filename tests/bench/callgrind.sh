#!/usr/bin/env bash
# Benchmark: instructions per buffer (callgrind) of mediaedgetrack beside a
# direct link, valve and identity. Each element runs twice, with N and 2N
# buffers; the difference over N leaves out what start and stop cost.
# Prints figures, never fails on them. Needs valgrind.
#   tests/bench/callgrind.sh BUILD [N]
set -euo pipefail
build=${1:?usage: callgrind.sh BUILD [N]}
n=${2:-20000}
command -v valgrind > /dev/null || { echo "valgrind not found: skipped"; exit 0; }
scratch=$(mktemp -d)
trap 'kill "$server_pid" 2> /dev/null || true; rm -rf "$scratch"' EXIT
export GST_PLUGIN_PATH="$PWD/$build/gst" GST_REGISTRY="$scratch/registry.bin"

port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$build/tests/server/mediaedge-edge-server" --port "$port" > /dev/null &
server_pid=$!
track="mediaedgetrack config-id=bench endpoint=http://127.0.0.1:$port/ee/va/v1 state-dir=\"\""

instructions () {
  local buffers=$1 element=$2 out="$scratch/callgrind.out"
  # shellcheck disable=SC2086
  valgrind --tool=callgrind --callgrind-out-file="$out" -q \
    gst-launch-1.0 -q fakesrc num-buffers="$buffers" sizetype=empty \
    ${element:+! $element} ! fakesink > /dev/null 2>&1
  awk '/^summary:/ { print $2 }' "$out"
}

gst-inspect-1.0 mediaedgetrack > /dev/null   # the registry, outside the counts
printf '%-16s %14s\n' element instructions/buffer
for name in direct valve identity mediaedgetrack; do
  case $name in
    direct) element= ;;
    mediaedgetrack) element=$track ;;
    *) element=$name ;;
  esac
  one=$(instructions "$n" "$element")
  two=$(instructions $((2 * n)) "$element")
  printf '%-16s %14d\n' "$name" $(( (two - one) / n ))
done
