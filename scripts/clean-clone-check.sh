#!/usr/bin/env bash
# A newcomer's run, by hand (not from npm test): clone the committed main into a temp folder and run the README's
# two commands there, with CHROMIUM_PATH unset and no system Chromium on PATH. Prints the last line and the time.
# Usage: scripts/clean-clone-check.sh [branch]   (KEEP=1 keeps the clone for a look afterwards)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
branch="${1:-main}"
dir="$(mktemp -d "${TMPDIR:-/tmp}/sb-clean-clone.XXXXXX")"
log="$dir/run.log"
cleanup() { [ "${KEEP:-0}" = 1 ] && echo "clone kept in $dir" || rm -rf "$dir"; }
trap cleanup EXIT

git clone --quiet --branch "$branch" "$repo" "$dir/clone"
cd "$dir/clone"
unset CHROMIUM_PATH
# Drop every PATH entry that holds a chromium, so the test can only find the npm-shipped build.
clean_path=""
IFS=: read -ra entries <<< "$PATH"
for entry in "${entries[@]}"; do
  if [ -e "$entry/chromium" ] || [ -e "$entry/chromium-browser" ] || [ -e "$entry/google-chrome" ]; then
    echo "clean-clone-check: leaving $entry off PATH (it holds a Chromium)"
    continue
  fi
  clean_path="${clean_path:+$clean_path:}$entry"
done
export PATH="$clean_path"

start=$(date +%s)
status=0
{ npm install && npm test; } >"$log" 2>&1 </dev/null || status=$?
elapsed=$(( $(date +%s) - start ))
tail -n 3 "$log"
echo "clean-clone-check: exit $status after ${elapsed} s ($(( elapsed / 60 )) min $(( elapsed % 60 )) s); full log: $log"
[ "$status" = 0 ] || KEEP=1
exit "$status"
