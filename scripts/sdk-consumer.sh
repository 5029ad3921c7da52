#!/usr/bin/env bash
# The SDK as a frontend team gets it: packs the package (scripts/sdk-pack.sh), makes a new
# project in a temporary folder, `npm install`s the tarball there (with typescript, @types/node
# and vite, pinned as in package.json; from the local npm cache when it has them), then
#   1. compiles sdk/typescript/test/consumer/main.ts with that project's tsc and runs it with
#      plain node (no tsx, no loader) against the live server: sign-up and login through each
#      vendor's client;
#   2. require()s every entry point from CommonJS;
#   3. bundles main.ts with Vite (the SDK and openapi-fetch inlined) and runs the bundle too.
#
#   scripts/sdk-consumer.sh BASE_URL     (the seed in ACCOUNTD_FLOW_*, as scripts/consumers.sh sets it)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
base="${1:?usage: scripts/sdk-consumer.sh BASE_URL}"
log() { echo "sdk-consumer: $*"; }

tarball="$PWD/$(scripts/sdk-pack.sh)"
pin() { node -p "require('./package.json').devDependencies['$1']"; }
project="$(mktemp -d /tmp/accountd-sdk-consumer.XXXXXX)"
trap 'rm -rf "$project"' EXIT
cp sdk/typescript/test/consumer/* "$project/"
cat >"$project/package.json" <<JSON
{ "name": "sdk-consumer", "private": true, "type": "module" }
JSON
tools=("typescript@$(pin typescript)" "@types/node@$(pin @types/node)" "vite@$(pin vite)")
log "npm install $(basename "$tarball") ${tools[*]} in a new project ($project)"
(cd "$project" && npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tarball" "${tools[@]}")
if [[ -e "$project/node_modules/@accountd/sdk/src" ]] || ! [[ -e "$project/node_modules/openapi-fetch" ]]; then
  log "FAILED: the installed package ships sources, or did not bring openapi-fetch as a dependency" >&2
  exit 1
fi

export ACCOUNTD_BASE_URL="$base"
log "tsc (strict, the project's own compiler), then node dist/main.js"
(cd "$project" && node_modules/.bin/tsc -p . && node dist/main.js node)
(cd "$project" && node require.cjs)
log "vite build (library mode), then node dist-vite/bundle.js"
(cd "$project" && node_modules/.bin/vite build >/dev/null && node dist-vite/bundle.js vite)
if grep -q 'from "openapi-fetch"\|from"openapi-fetch"' "$project/dist-vite/bundle.js"; then
  log "FAILED: the Vite bundle still imports openapi-fetch (not inlined)" >&2
  exit 1
fi
log "ok: installed from $(basename "$tarball"), ran under node (ESM and CommonJS) and from a Vite bundle"
