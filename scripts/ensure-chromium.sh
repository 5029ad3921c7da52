#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed, for the /docs browser test (app/docs_browser_test.go).
#
# Installed already (chromium or chromium-browser on PATH, or $ACCOUNTD_CHROMIUM): prints one line.
# Missing, root and apt-get exists: installs Debian's `chromium` (apt-get update first).
# Missing otherwise: explains; exits 1 in CI (CI=true), where the test must run, else 0 (the test
# then skips, as it does on a laptop without Chromium).
set -euo pipefail

log() { echo "ensure-chromium: $*"; }

found() {
  local c
  for c in "${ACCOUNTD_CHROMIUM:-}" chromium chromium-browser; do
    [[ -n "$c" ]] && command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
  done
  return 1
}

if bin="$(found)"; then
  log "$("$bin" --version 2>/dev/null | head -n 1) at $bin"
  exit 0
fi

in_ci=0
[[ "${CI:-}" == true || "${CI:-}" == 1 ]] && in_ci=1

if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  log "Chromium is not installed; installing Debian's chromium (apt-get update && apt-get install -y chromium)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq </dev/null
  apt-get install -y -qq --no-install-recommends chromium </dev/null
  if bin="$(found)"; then
    log "installed $("$bin" --version 2>/dev/null | head -n 1) at $bin"
    exit 0
  fi
  log "apt-get install chromium finished, but no chromium is on PATH" >&2
  exit 1
fi

log "Chromium is not installed and this script cannot install it (needs root and apt-get)." >&2
log "Install it (Debian: apt-get install chromium) or set ACCOUNTD_CHROMIUM to its path." >&2
if ((in_ci)); then
  exit 1
fi
log "not in CI: the /docs browser test will skip" >&2
exit 0
