#!/usr/bin/env bash
# Runs examples/launch-lines.sh against the local edge server, with no
# display: a file through playbin, audio only and a live source must each
# make a session, played and completed.
# usage: launch-lines.sh SCRIPT EDGE-SERVER
set -euo pipefail
script=$1 edge_server=$2
. "$(dirname "$0")/lib.sh"

start_server "$edge_server"
timeout 50 "$script" --fake-sinks "$endpoint"
expect_sessions "sessionStart play sessionComplete" \
  "sessionStart play sessionComplete" "sessionStart play sessionComplete"
