#!/usr/bin/env bash
# Installs what is missing, builds, and runs the demo: a real pipeline
# reporting to the bundled local edge server, which prints every event.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh --runtime
[ -d build ] || meson setup build -Dwerror=true
ninja -C build
GST_PLUGIN_PATH="$PWD/build/gst${GST_PLUGIN_PATH:+:$GST_PLUGIN_PATH}" \
  exec build/examples/mediaedge-demo "$@"
