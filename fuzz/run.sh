#!/usr/bin/env bash
# Fuzzes one target for a number of executions, going on after a crash, timeout or OOM.
#
#   fuzz/run.sh TARGET [RUNS]        (TARGET: pipeline, use_two_files or reader; RUNS: 1000000)
#
# Fills fuzz/corpus/TARGET from fuzz/seeds (the corpus itself is not tracked), builds the
# target with `cargo +nightly fuzz` (no sanitizer: imp has no unsafe code; debug assertions
# and overflow checks on), then runs libFuzzer until RUNS executions have been made in all.
# A run that stops on a finding leaves it in fuzz/artifacts/TARGET/ and is started again
# with the executions that are left. Logs go to fuzz/logs/TARGET-N.log.
#
# Environment: CARGO_TARGET_DIR (default /work/target-fuzz); FUZZ_BIN, a target binary
# already built, to run instead of building; FUZZ_SECONDS, a cap on each run's time;
# FUZZ_MAX_LEN, the largest input (default 4096); FUZZ_SEGMENT, the number of the first
# log (default 0), to go on with a campaign without overwriting its logs.
set -euo pipefail

target=${1:?usage: fuzz/run.sh TARGET [RUNS]}
runs=${2:-1000000}
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target-fuzz}
build_flags=(--sanitizer none --debug-assertions --no-trace-compares)

mkdir -p "corpus/$target" "artifacts/$target" logs
cp -n seeds/files/* "corpus/$target/"
if [ "$target" = use_two_files ]; then
    cp -n seeds/use_two_files/* "corpus/$target/"
fi

if [ -z "${FUZZ_BIN:-}" ]; then
    cargo +nightly fuzz build "${build_flags[@]}" "$target"
    FUZZ_BIN=$CARGO_TARGET_DIR/x86_64-unknown-linux-gnu/release/$target
fi

flags=(
    "-max_len=${FUZZ_MAX_LEN:-4096}" -dict=imp.dict -timeout=10 -rss_limit_mb=2048
    -report_slow_units=1 -print_final_stats=1
    "-artifact_prefix=artifacts/$target/"
)
if [ -n "${FUZZ_SECONDS:-}" ]; then
    flags+=("-max_total_time=$FUZZ_SECONDS")
fi

done_runs=0
segment=${FUZZ_SEGMENT:-0}
first=$segment
while [ "$done_runs" -lt "$runs" ] && [ "$segment" -lt $((first + 50)) ]; do
    log=logs/$target-$segment.log
    set +e
    "$FUZZ_BIN" "${flags[@]}" "-runs=$((runs - done_runs))" "corpus/$target" >"$log" 2>&1
    rc=$?
    set -e
    # The executions of this run: the final stats, or the last status line.
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    if [ -z "$n" ]; then
        n=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
    fi
    n=${n:-0}
    done_runs=$((done_runs + n))
    echo "run $segment: exit $rc, $n executions ($done_runs in all); log $log"
    grep -E '^(#[0-9]+ +DONE|stat::)|Slowest unit|SUMMARY|^==[0-9]+== ERROR|^thread .* panicked' "$log" || true
    if [ "$rc" -eq 0 ]; then
        break
    fi
    segment=$((segment + 1))
done
echo "$target: $done_runs executions in $((segment - first + 1)) runs"
