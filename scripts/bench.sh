#!/usr/bin/env bash
# Benchmarks: gstmini's Go benchmarks, then the same launch lines through
# gstmini-launch and GStreamer's gst-launch-1.0, as a Markdown report on
# stdout (docs/BENCHMARKS.md keeps one).
#
#   bash scripts/bench.sh                 # everything
#   BENCH_SKIP_GO=1 bash scripts/bench.sh # only the launch comparison
#
# Environment:
#   BENCH_BUFFERS   buffers per launch run (default 1000000)
#   BENCH_REPEAT    runs per launch line; the median wall time and the
#                   highest peak RSS are reported (default 3)
#   BENCH_SKIP_GO=1 skip the Go benchmarks
#   GSTMINI_LAUNCH  path of a gstmini-launch binary; by default the one on
#                   PATH, else one built from ./cmd/gstmini-launch, else the
#                   gstmini column is skipped
#
# gst-launch-1.0 comes from gstreamer1.0-tools; without it its column is
# skipped. Peak RSS needs GNU time (/usr/bin/time, Debian package "time").
set -euo pipefail
cd "$(dirname "$0")/.."

buffers="${BENCH_BUFFERS:-1000000}"
repeat="${BENCH_REPEAT:-3}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

cpu="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
gstver="$(gst-launch-1.0 --version 2>/dev/null | sed -n 's/^GStreamer //p' | head -n 1)"
echo "## Machine"
echo
echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "- nproc: $(nproc), CPU: ${cpu:-unknown}"
echo "- load average at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
echo "- $(go version)"
echo "- GStreamer: ${gstver:-not installed}"
echo

if [ "${BENCH_SKIP_GO:-}" != 1 ]; then
	echo "## Go benchmarks"
	echo
	echo '```'
	go test -run XXX -bench . -benchmem ./gstmini/... 2>&1 | grep -Ev '^(PASS|\?|ok)' | grep -v 'no test files' || true
	echo '```'
	echo
fi

# The launchers.
launch="${GSTMINI_LAUNCH:-}"
if [ -z "$launch" ] && command -v gstmini-launch >/dev/null 2>&1; then
	launch="$(command -v gstmini-launch)"
fi
if [ -z "$launch" ] && [ -d cmd/gstmini-launch ]; then
	if go build -o "$tmp/gstmini-launch" ./cmd/gstmini-launch 2>"$tmp/build.log"; then
		launch="$tmp/gstmini-launch"
	else
		echo "(cmd/gstmini-launch does not build; gstmini column skipped: $(head -n 1 "$tmp/build.log"))"
		echo
	fi
fi
gst=""
command -v gst-launch-1.0 >/dev/null 2>&1 && gst="$(command -v gst-launch-1.0)"
timev=""
[ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1 && timev=/usr/bin/time

# run TOOL DESCRIPTION: prints "wall_seconds peak_rss_kib" for one run.
run() {
	local tool="$1" desc="$2" start end rss
	start="$(date +%s.%N)"
	# shellcheck disable=SC2086 # the description is split into words as a shell would
	if [ -n "$timev" ]; then
		"$timev" -v -o "$tmp/time.txt" "$tool" -q $desc >"$tmp/out.txt" 2>&1 || { echo "fail"; return; }
		rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/time.txt")"
	else
		"$tool" -q $desc >"$tmp/out.txt" 2>&1 || { echo "fail"; return; }
		rss="n/a"
	fi
	end="$(date +%s.%N)"
	echo "$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }') $rss"
}

# measure LABEL TOOL DESCRIPTION: one table row from BENCH_REPEAT runs.
measure() {
	local label="$1" tool="$2" desc="$3" walls=() rss=0 r w k
	for _ in $(seq "$repeat"); do
		r="$(run "$tool" "$desc")"
		if [ "$r" = fail ]; then
			echo "| \`$desc\` | $label | failed: $(tail -n 1 "$tmp/out.txt") | | |"
			return
		fi
		w="${r% *}" k="${r#* }"
		walls+=("$w")
		if [ "$k" != n/a ] && [ "$k" -gt "$rss" ]; then rss="$k"; fi
	done
	w="$(printf '%s\n' "${walls[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')"
	[ -z "$timev" ] && rss="n/a" || rss="$(awk -v k="$rss" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
	echo "| \`$desc\` | $label | $w s | $(awk -v n="$buffers" -v w="$w" 'BEGIN { printf "%.0f", n / w }') | $rss |"
}

echo "## Launch lines ($buffers buffers, median of $repeat runs)"
echo
if [ -z "$launch" ] && [ -z "$gst" ]; then
	echo "Neither gstmini-launch nor gst-launch-1.0 is available: skipped."
	exit 0
fi
[ -z "$launch" ] && echo "gstmini-launch not found (cmd/gstmini-launch absent): gstmini rows skipped." && echo
[ -z "$gst" ] && echo "gst-launch-1.0 not found (gstreamer1.0-tools): GStreamer rows skipped." && echo
echo "| Pipeline | Tool | Wall time | Buffers/s | Peak RSS |"
echo "|---|---|---:|---:|---:|"
for desc in "fakesrc num-buffers=$buffers ! fakesink sync=false" \
	"fakesrc num-buffers=$buffers ! queue ! fakesink sync=false"; do
	[ -n "$launch" ] && measure gstmini-launch "$launch" "$desc"
	[ -n "$gst" ] && measure gst-launch-1.0 "$gst" "$desc"
done
echo
echo "Wall time includes process start-up and the state changes (gst-launch-1.0 -q, gstmini-launch -q)."
