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
#   BENCH_REPEAT    runs per launch line and tool, gstmini-launch and
#                   gst-launch-1.0 alternating; the median wall time and the
#                   highest peak RSS are reported (default 5)
#   BENCH_PLOT      where to write the SVG plot of ns per buffer against
#                   chain length and queue count (default docs/benchmarks.svg;
#                   "" for none)
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
repeat="${BENCH_REPEAT:-5}"
plot="${BENCH_PLOT-docs/benchmarks.svg}"
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

# median of the numbers on stdin.
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

# chain ELEMENT K: " ! ELEMENT" K times.
chain() { local out="" i; for ((i = 0; i < $2; i++)); do out="$out ! $1"; done; echo "$out"; }

# tee_branches B: B branches of a tee named t, a queue and a fakesink each.
tee_branches() { local out="" i; for ((i = 0; i < $1; i++)); do out="$out t. ! queue ! fakesink sync=false"; done; echo "$out"; }

# row SERIES N LABEL DESCRIPTION: runs both launchers alternately
# BENCH_REPEAT times on DESCRIPTION, prints a table row named LABEL and
# appends "series n tool ns_per_buffer" lines to the plot data.
row() {
	local series="$1" n="$2" label="$3" desc="$4" i r tool
	local -A walls rss
	walls[gstmini]="" walls[gst]="" rss[gstmini]=0 rss[gst]=0
	for ((i = 0; i < repeat; i++)); do
		for tool in gstmini gst; do
			local bin="$launch"
			[ "$tool" = gst ] && bin="$gst"
			[ -z "$bin" ] && continue
			r="$(run "$bin" "$desc")"
			if [ "$r" = fail ]; then
				echo "| $label | $tool failed: $(tail -n 1 "$tmp/out.txt") | | | | |"
				return
			fi
			walls[$tool]="${walls[$tool]} ${r% *}"
			local k="${r#* }"
			if [ "$k" != n/a ] && [ "$k" -gt "${rss[$tool]}" ]; then rss[$tool]="$k"; fi
		done
	done
	local wm wg nsm nsg ratio="" mm mg
	wm="$(printf '%s\n' ${walls[gstmini]} | median)"
	wg="$(printf '%s\n' ${walls[gst]} | median)"
	nsm="$( [ -n "$wm" ] && awk -v w="$wm" -v b="$buffers" 'BEGIN { printf "%.0f", w * 1e9 / b }')"
	nsg="$( [ -n "$wg" ] && awk -v w="$wg" -v b="$buffers" 'BEGIN { printf "%.0f", w * 1e9 / b }')"
	[ -n "$wm" ] && [ -n "$wg" ] && ratio="$(awk -v a="$wm" -v b="$wg" 'BEGIN { printf "%.2f×", a / b }')"
	mm="$( [ -z "$timev" ] && echo n/a || awk -v k="${rss[gstmini]}" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
	mg="$( [ -z "$timev" ] && echo n/a || awk -v k="${rss[gst]}" 'BEGIN { printf "%.1f MiB", k / 1024 }')"
	echo "| $label | ${wm:--} s | ${wg:--} s | $ratio | ${nsm:--} / ${nsg:--} | $mm / $mg |"
	[ -n "$nsm" ] && echo "$series $n gstmini-launch $nsm" >>"$tmp/plot.tsv"
	[ -n "$nsg" ] && echo "$series $n gst-launch-1.0 $nsg" >>"$tmp/plot.tsv"
	return 0
}

echo "## Launch lines (N = $buffers buffers, median of $repeat runs, the two launchers alternating)"
echo
if [ -z "$launch" ] && [ -z "$gst" ]; then
	echo "Neither gstmini-launch nor gst-launch-1.0 is available: skipped."
	exit 0
fi
[ -z "$launch" ] && echo "gstmini-launch not found (cmd/gstmini-launch absent): gstmini columns empty." && echo
[ -z "$gst" ] && echo "gst-launch-1.0 not found (gstreamer1.0-tools): GStreamer columns empty." && echo
echo "| Pipeline | gstmini-launch | gst-launch-1.0 | ratio | ns/buffer (gstmini / gst) | peak RSS (gstmini / gst) |"
echo "|---|---:|---:|---:|---:|---:|"
src="fakesrc num-buffers=$buffers"
sink="fakesink sync=false"
: >"$tmp/plot.tsv"
row direct 0 '`fakesrc ! fakesink`' "$src ! $sink"
for k in 1 4 16; do row queues "$k" "\`fakesrc ! queue ! fakesink\` with $k queue(s) in a row" "$src$(chain queue "$k") ! $sink"; done
for k in 1 10 100; do row identity "$k" "\`fakesrc ! identity ! fakesink\` with $k identity element(s)" "$src$(chain identity "$k") ! $sink"; done
for b in 2 8; do row tee "$b" "\`fakesrc ! tee\` with $b branches \`queue ! fakesink\`" "$src ! tee name=t$(tee_branches "$b")"; done
echo
echo "Every fakesrc has num-buffers=N, every fakesink sync=false; the launch lines are the same"
echo "strings for both tools. Wall time includes process start-up and the state changes"
echo "(gst-launch-1.0 -q, gstmini-launch -q); ns/buffer is wall time over N."
if [ -n "$plot" ] && [ -s "$tmp/plot.tsv" ]; then
	go run ./scripts/benchplot -o "$plot" -buffers "$buffers" <"$tmp/plot.tsv"
	echo
	echo "Plot: $plot"
fi
