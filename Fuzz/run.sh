#!/usr/bin/env bash
# Builds the libFuzzer targets (release, with coverage and AddressSanitizer) and runs one of them.
#
#   Fuzz/run.sh [fuzz-vm|fuzz-asm|fuzz-compile] [SECONDS] [extra libFuzzer flags...]
#
# New inputs go to Fuzz/.work/corpus-TARGET (not committed); the seeds in Fuzz/corpus/TARGET are read
# only. Crashes are written to Fuzz/.work/crashes/. See Docs/fuzzing.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
target="${1:-fuzz-vm}"
seconds="${2:-60}"
shift $(( $# > 2 ? 2 : $# ))
sanitizers="${FUZZ_SANITIZERS:-fuzzer,address}"
# The Swift runtime's backtracer fights AddressSanitizer over a crashing process; libFuzzer reports.
export SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}"

swift build -c release --package-path "$here" --product "$target" \
    -Xswiftc -sanitize="$sanitizers" -Xswiftc -parse-as-library -Xswiftc -g
bin="$(swift build -c release --package-path "$here" --show-bin-path)/$target"

work="$here/.work"
mkdir -p "$work/corpus-$target" "$work/crashes"
exec "$bin" "$work/corpus-$target" "$here/corpus/$target" \
    -max_total_time="$seconds" -max_len="${FUZZ_MAX_LEN:-8192}" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/crashes/$target-" -print_final_stats=1 "$@"
