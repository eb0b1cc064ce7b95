#!/usr/bin/env bash
# Benchmark: the wall time of replaying Adobe's Example 2 (54 s of
# playback, ads and chapters) through a pipeline on a GstTestClock, as the
# events suite does: from the pipeline's creation to its stop, every
# request answered by the local server over HTTP; and the whole test
# process, GStreamer's start and the bodies' validation (Python) included.
# Prints the figures, never fails on them.
#   tests/bench/example2-replay.sh CHECK-BINARY [RUNS]
set -euo pipefail
check=${1:?usage: example2-replay.sh CHECK-BINARY [RUNS]}
runs=${2:-5}
best=
best_replay=
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  out=$(MEDIAEDGE_BENCH_REPLAY=1 GST_CHECKS=test_example2_through_pipeline \
    CK_FORK=no "$check")
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  replay=$(sed -n 's/^replay: \([0-9.]*\) ms$/\1/p' <<< "$out")
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  if [ -z "$best_replay" ] || \
      awk -v a="$replay" -v b="$best_replay" 'BEGIN { exit !(a < b) }'; then
    best_replay=$replay
  fi
done
echo "Example 2 replay (54 s of playback): best of $runs runs: $best_replay ms" \
  "(the whole test process: $best ms)"
