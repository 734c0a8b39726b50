#!/usr/bin/env bash
# Differential fidelity suite: gstmini against the real GStreamer.
#
# Installs what the suite needs if it is missing (libgstreamer1.0-dev,
# pkg-config and a C compiler, from the distribution's registry with
# apt-get), then runs the differential tests and the seed corpora of the
# fuzz targets (build tag gstreference, cgo), under the race detector.
#
# It fails if any test fails, and also if the suite compared no case at all,
# so a broken cgo set-up cannot pass silently. The counts of compared and
# excluded cases are printed.
#
# Environment:
#   GSTREFERENCE_ALLOW_KNOWN=1  count the mismatches listed in
#                               fidelity/diff_test.go (knownMismatches) as
#                               known failures instead of failing
#   GSTREFERENCE_LOG=path       where to keep the full verbose log
#                               (default: a temporary file, removed)
#
# Fuzzing proper is not part of this script (it has no end); for example:
#   CGO_ENABLED=1 GSTREFERENCE_ALLOW_KNOWN=1 go test -tags gstreference \
#     -run '^$' -fuzz '^FuzzDiffDoSeek$' -fuzztime 2m ./fidelity/
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/lib.sh # as_root (the script runs from the repository root)

need=()
if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists gstreamer-1.0; then
	need+=(libgstreamer1.0-dev pkg-config)
fi
if ! command -v "${CC:-gcc}" >/dev/null 2>&1 && ! command -v cc >/dev/null 2>&1; then
	need+=(gcc libc6-dev)
fi
if [ "${#need[@]}" -gt 0 ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "gstreference: missing ${need[*]} and no apt-get to install them" >&2
		exit 1
	fi
	echo "gstreference: installing ${need[*]}"
	as_root apt-get update -qq
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
echo "gstreference: GStreamer $(pkg-config --modversion gstreamer-1.0) (pkg-config), $(go version)"

log="${GSTREFERENCE_LOG:-}"
if [ -z "$log" ]; then
	log="$(mktemp)"
	trap 'rm -f "$log"' EXIT
fi

status=0
CGO_ENABLED=1 go test -race -tags gstreference -count=1 -v -timeout 10m \
	./fidelity/ -run 'Diff|Fuzz' >"$log" 2>&1 || status=$?

# What failed, with the mismatch details, without the thousands of PASS lines.
grep -E '^(--- FAIL|FAIL|ok|panic)|mismatch:|GStreamer: |gstmini: |differences:|KM[0-9]' "$log" | head -n 200 || true

summary="$(grep -A 40 '^FIDELITY-SUMMARY' "$log" | grep -E '^(FIDELITY-SUMMARY|  )' || true)"
if [ -z "$summary" ]; then
	echo "gstreference: FAIL: no FIDELITY-SUMMARY line: the differential suite did not run" >&2
	tail -n 40 "$log" >&2
	exit 1
fi
echo "$summary"
compared="$(sed -n 's/^FIDELITY-SUMMARY.* compared=\([0-9]*\).*/\1/p' <<<"$summary")"
if [ -z "$compared" ] || [ "$compared" -eq 0 ]; then
	echo "gstreference: FAIL: no case was compared" >&2
	exit 1
fi
if [ "$status" -ne 0 ]; then
	echo "gstreference: FAIL (go test exit status $status)" >&2
	exit "$status"
fi
echo "gstreference: ok, $compared cases compared"
