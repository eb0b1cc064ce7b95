#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every
# test suite: once as built, once under AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh

run_suite () {
  local dir=$1; shift
  if [ ! -d "$dir" ]; then
    meson setup "$dir" -Dwerror=true "$@"
  fi
  ninja -C "$dir"
  meson test -C "$dir" --print-errorlogs --num-processes 2
}

echo "== house style (gst-indent) =="
.ci/gst-indent --check gst/*.c tests/check/*/*.c tests/server/*.c examples/*.c

echo "== build and test =="
run_suite build

echo "== build and test under ASan + UBSan =="
# GLib and GStreamer keep caches for the process's life: only real leaks
# of ours should count (tests/lsan.supp).
# Full stacks on malloc, so that the suppressions can see who allocated.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
# The plugin scanner is not built with ASan and cannot load a plugin that
# is: scan in the test process itself.
export GST_REGISTRY_FORK=no
run_suite build-sanitize -Db_sanitize=address,undefined -Db_lundef=false

echo "All tests passed."
