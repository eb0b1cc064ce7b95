#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs every
# test suite: once as built with the default compiler, once built with
# clang, once under AddressSanitizer and UndefinedBehaviorSanitizer.
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
.ci/gst-indent --check gst/*.c tests/check/*/*.c tests/real/*.c tests/server/*.c \
  tests/fuzz/*.c tests/bench/*.c examples/*.c

echo "== build and test =="
run_suite build

echo "== benchmarks, a quick smoke of each (figures: docs/performance.md) =="
meson test -C build --benchmark --suite bench --print-errorlogs

echo "== devenv and install, as the README says =="
bash tests/install-check.sh build

echo "== build and test with clang =="
# Warnings differ between compilers: the whole tree, tests included, must
# build with clang under -Dwerror=true too. The unit suites run as well:
# building and running them takes about 20 s (of a run of several
# minutes), and what another compiler's optimiser makes of our code is
# worth running, not just compiling.
if command -v clang > /dev/null; then
  CC=clang run_suite build-clang
else
  echo "clang not found: skipped"
fi

echo "== build and test under ASan + UBSan =="
# GLib and GStreamer keep caches for the process's life: only real leaks
# of ours should count (tests/lsan.supp).
# Full stacks on malloc, so that the suppressions can see who allocated.
# detect_stack_use_after_return: a pointer into a dead frame (a weak ref
# registered at a stack address once crashed the real suite) faults here.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0:detect_stack_use_after_return=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=suppressions=$PWD/tests/lsan.supp:print_suppressions=0
# GLib's slice allocator hides what it hands out (GVariants, lists) from
# LeakSanitizer: plain malloc makes a leaked GVariant visible.
export G_SLICE=always-malloc
# The plugin scanner is not built with ASan and cannot load a plugin that
# is: scan in the test process itself.
export GST_REGISTRY_FORK=no
# LeakSanitizer's own tracer crashes (SIGSEGV) scanning the threads that
# glib-networking's GnuTLS backend leaves; the HTTPS tests run in the
# plain build above.
export GST_CHECKS_IGNORE=test_https_untrusted_refused,test_https_with_ca_file
run_suite build-sanitize -Db_sanitize=address,undefined -Db_lundef=false
unset GST_CHECKS_IGNORE G_SLICE

echo "== fuzz the answer path: status, headers, body (libFuzzer, ${FUZZ_SECONDS:-60} s) =="
if command -v clang > /dev/null; then
  if [ ! -d build-fuzz ]; then
    CC=clang meson setup build-fuzz -Dfuzzing=true -Dtests=disabled \
      -Db_sanitize=address,undefined -Db_lundef=false
  fi
  ninja -C build-fuzz
  # libFuzzer adds what it finds to the first corpus folder: a copy
  mkdir -p build-fuzz/corpus
  cp tests/fuzz/corpus/session-start/* tests/fuzz/corpus/answers/* \
    build-fuzz/corpus/
  build-fuzz/tests/fuzz/fuzz-answer-parser -max_total_time="${FUZZ_SECONDS:-60}" \
    -max_len=65536 -print_final_stats=1 build-fuzz/corpus
else
  echo "clang not found: skipped"
fi

echo "All tests passed."
