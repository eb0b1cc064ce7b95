#!/usr/bin/env bash
# Benchmark: the wall time of replaying Adobe's Example 2 (54 s of
# playback, ads and chapters) through a pipeline on a GstTestClock, as the
# events suite does. Prints the figure, never fails on it.
#   tests/bench/example2-replay.sh CHECK-BINARY [RUNS]
set -euo pipefail
check=${1:?usage: example2-replay.sh CHECK-BINARY [RUNS]}
runs=${2:-5}
best=
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  GST_CHECKS=test_example2_through_pipeline CK_FORK=no "$check" > /dev/null
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
done
echo "Example 2 replay (54 s of playback): best of $runs runs: $best ms (process start included)"
