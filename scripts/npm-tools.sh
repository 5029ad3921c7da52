#!/usr/bin/env bash
# Installs the pinned npm tools (package.json/package-lock.json) into node_modules/ with `npm ci`
# when it is missing or older than the lock file; then does nothing. Every script that runs an npm
# tool (lint-spec, sdk-ts, docs-assets, mock, contract) calls this first.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "npm-tools: '$tool' is not on PATH; install Node.js >= 20.19 with npm (Debian: apt-get install nodejs npm)." >&2
    exit 1
  fi
done
# npm ci writes node_modules/.package-lock.json last; use it as the "installed" stamp.
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || package-lock.json -nt "$stamp" || package.json -nt "$stamp" ]]; then
  echo "npm-tools: installing the pinned npm tools (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi
