#!/bin/sh
# Per case: reactive-core against alien-signals (Rust), instructions of one timed unit
# (callgrind, collecting only inside `Instance::unit`) and median wall time of N units.
#
#   cargo build -p benches --release --features peers --bin profile
#   benches/scripts/against-alien.sh [target/release/profile] [units for time] [case regex]
#
# Prints one tab-separated line per case: case, core instructions, alien instructions, ratio
# (core ÷ alien), core ms, alien ms, ratio. Cases alien-signals cannot run print "n/a".
# With CORE_ONLY=1 the alien-signals columns are skipped ("-"): its code does not change with
# reactive-core's, so one measurement of it serves every version of the engine.
set -eu
bin=${1:-${CARGO_TARGET_DIR:-target}/release/profile}
units=${2:-7}
filter=${3:-}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
instructions() { # case library
	valgrind --tool=callgrind --callgrind-out-file="$out/cg" --collect-atstart=no \
		--toggle-collect='*Instance>::unit' "$bin" case "$1" "$2" 1 >/dev/null 2>"$out/log" || {
		echo n/a
		return
	}
	sed -n 's/^summary: //p' "$out/cg"
}
millis() { # case library
	"$bin" time "$1" "$2" "$units" 2>/dev/null | cut -f3 || echo n/a
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.3f", a / b; else print "n/a" }'; }
printf 'case\tcore instr\talien instr\tratio\tcore ms\talien ms\tratio\n'
for case in avoidablePropagation broadPropagation deepPropagation diamond mux \
	repeatedObservers triangle unstable molBench cellx1000 cellx2500 cellx5000 \
	'2-10x5 - lazy80%' '6-10x10 - dyn25% - lazy80%' '4-1000x12 - dyn5%' '25-1000x5' \
	'3-5x500' '6-100x15 - dyn50%' createSignals createComputations0to1 \
	createComputations1to1 createComputations2to1 createComputations4to1 \
	createComputations1000to1 createComputations1to2 createComputations1to4 \
	createComputations1to8 createComputations1to1000 updateSignals1to1 updateSignals2to1 \
	updateSignals4to1 updateSignals1000to1 updateSignals1to2 updateSignals1to4 \
	updateSignals1to1000; do
	printf '%s\n' "$case" | grep -Eq -- "$filter" || continue
	ci=$(instructions "$case" reactive-core)
	ct=$(millis "$case" reactive-core)
	if [ -n "${CORE_ONLY:-}" ]; then
		ai=- at=-
	else
		ai=$(instructions "$case" alien-signals)
		at=$(millis "$case" alien-signals)
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$case" "$ci" "$ai" "$(ratio "$ci" "$ai")" \
		"$ct" "$at" "$(ratio "$ct" "$at")"
done
