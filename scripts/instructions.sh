#!/usr/bin/env bash
# Instructions per operation of Go benchmarks, counted by valgrind's
# callgrind: unlike ns/op they do not depend on what else the machine is
# doing, so a change to the per-buffer path can be measured on a loaded
# machine. Each benchmark runs N and 2N times; the difference over N is
# the cost of one operation, without the set-up.
#
#   bash scripts/instructions.sh                         # ./gstmini's benchmarks, N=100000
#   bash scripts/instructions.sh ./gstmini 'PadPush$'    # one package, a benchmark pattern
#   BENCH_N=200000 bash scripts/instructions.sh
#   bash scripts/instructions.sh --launch 'fakesrc num-buffers=N ! queue ! fakesink sync=false'
#
# With --launch it counts the instructions per buffer of gstmini-launch
# playing the line, state changes, bus and every streaming goroutine
# included: under GOMAXPROCS=1 the goroutines take turns on one thread,
# which callgrind follows. N is replaced by BENCH_N and by twice that; the
# line is split at spaces (no quoted values).
#
# Needs valgrind (Debian package valgrind). The test binaries are built
# with CGO_ENABLED=0 and run with GOMAXPROCS=1 and asynchronous preemption
# off (callgrind does not survive Go's preemption signals). Benchmarks whose
# work runs on other goroutines (a pipeline's streaming threads, as in
# ./gstmini/elements) stop early under valgrind here: they are reported as
# having no count; measure them with ns/op and the launch comparison.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "instructions: needs valgrind (apt-get install valgrind)" >&2; exit 1; }
n="${BENCH_N:-100000}"
pkgs="${1:-./gstmini}"
pattern="${2:-.}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

ir() { # binary benchmark count → total instructions
	rm -f "$tmp/cg.out"
	GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
		"$1" -test.run '^$' -test.bench "^$2\$" -test.benchtime "$3x" >"$tmp/out.txt" 2>"$tmp/vg.err" || true
	local total
	total="$(awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out" 2>/dev/null)"
	if [ -z "$total" ] || ! grep -q "^Benchmark" "$tmp/out.txt"; then
		echo "instructions: no count for $2: $(tail -n 3 "$tmp/vg.err" "$tmp/out.txt")" >&2
		return 1
	fi
	echo "$total"
}

if [ "$pkgs" = "--launch" ]; then
	[ "$pattern" != "." ] || { echo "instructions: --launch needs a launch line with N for the buffer count" >&2; exit 1; }
	bin="$tmp/gstmini-launch"
	CGO_ENABLED=0 go build -o "$bin" ./cmd/gstmini-launch
	launch_ir() { # buffer count → total instructions
		rm -f "$tmp/cg.out"
		# shellcheck disable=SC2046 # split at spaces into words: no quoting inside the line
		GODEBUG=asyncpreemptoff=1 GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" \
			"$bin" -q $(sed "s/\bN\b/$1/g" <<<"$pattern") >/dev/null 2>"$tmp/vg.err" ||
			{ echo "instructions: gstmini-launch failed: $(tail -n 3 "$tmp/vg.err")" >&2; exit 1; }
		awk '/^(summary|totals):/ { print $2; exit }' "$tmp/cg.out"
	}
	one="$(launch_ir "$n")"
	two="$(launch_ir "$((2 * n))")"
	echo "$pattern: $(( (two - one) / n )) instructions a buffer"
	exit 0
fi

echo "| Benchmark | instructions/op |"
echo "|---|---:|"
for pkg in $pkgs; do
	bin="$tmp/$(basename "$pkg").test"
	CGO_ENABLED=0 go test -c -o "$bin" "$pkg"
	for bench in $("$bin" -test.list "^Benchmark" | grep -E "$pattern"); do
		one="$(ir "$bin" "$bench" "$n")" && two="$(ir "$bin" "$bench" "$((2 * n))")" || continue
		echo "| $pkg $bench | $(( (two - one) / n )) |"
	done
done
