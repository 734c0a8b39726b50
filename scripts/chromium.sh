#!/usr/bin/env bash
# Installs Debian's chromium for the playground's browser test
# (cmd/playground/browser_test.go) when no Chromium is on PATH. It never
# fails the build: when chromium cannot be installed it says so, and the
# browser test skips itself with a message saying why.
set -uo pipefail

for c in chromium chromium-browser google-chrome google-chrome-stable; do
	if command -v "$c" >/dev/null 2>&1; then
		echo "chromium: using $(command -v "$c") ($("$c" --version 2>/dev/null | head -1))"
		exit 0
	fi
done

. "$(dirname "$0")/lib.sh" # as_root

start=$(date +%s)
if as_root apt-get update -qq && DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
	echo "chromium: installed $(chromium --version 2>/dev/null | head -1) in $(( $(date +%s) - start )) s"
else
	echo "NOTICE: chromium could not be installed (apt-get failed or no root): the playground's browser test will be SKIPPED"
fi
exit 0
