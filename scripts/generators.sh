#!/usr/bin/env bash
# The spec in the mainstream generators (`make consumers` runs this against its live server):
# each generates a client from openapi.yaml into build/generators/, which is compiled and runs
# one flow per vendor (sign-up and login where the vendor has them, else the seeded member).
#   ogen 1.24.0 (Go, the strictest; pinned in sdk/generators/ogen/go.mod, a module of its own)
#   @hey-api/openapi-ts (TypeScript, its fetch client; pinned in package.json)
#   openapi-typescript + openapi-fetch: the SDK itself (scripts/sdk-consumer.sh, the contract run)
# A generator that fails, warns of a skipped operation, or makes code that does not compile or
# run fails the step.
#
#   scripts/generators.sh BASE_URL     (the seed in ACCOUNTD_FLOW_*)
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export ACCOUNTD_BASE_URL="${1:?usage: scripts/generators.sh BASE_URL}"
GO="${GO:-go}"
out=build/generators
log() { echo "generators: $*"; }
rm -rf "$out"
mkdir -p "$out"

# --- ogen (Go) ------------------------------------------------------------------------------
cp -r sdk/generators/ogen "$out/ogen"
log "ogen: go tool ogen openapi.yaml -> $out/ogen/client"
(cd "$out/ogen" && "$GO" tool ogen --target client --package client --clean ../../../openapi.yaml) >"$out/ogen.log" 2>&1 || {
  log "FAILED: ogen could not generate a client (log: $out/ogen.log)" >&2
  tail -n 20 "$out/ogen.log" >&2
  exit 1
}
if grep -Ei 'skipping|not implemented|unsupported' "$out/ogen.log" >&2; then
  log "FAILED: ogen skipped part of the spec (above; log: $out/ogen.log)" >&2
  exit 1
fi
(cd "$out/ogen" && "$GO" build -o ogenflows . && ./ogenflows)

# --- @hey-api/openapi-ts (TypeScript) -------------------------------------------------------
cp -r sdk/generators/heyapi "$out/heyapi"
log "hey-api: openapi-ts -c @hey-api/client-fetch openapi.yaml -> $out/heyapi/client"
node_modules/.bin/openapi-ts -i openapi.yaml -o "$out/heyapi/client" -c @hey-api/client-fetch >"$out/heyapi.log" 2>&1 || {
  log "FAILED: @hey-api/openapi-ts could not generate a client (log: $out/heyapi.log)" >&2
  tail -n 20 "$out/heyapi.log" >&2
  exit 1
}
node_modules/.bin/tsc -p "$out/heyapi"
node "$out/heyapi/dist/flows.js"
log "ok: ogen and @hey-api/openapi-ts clients generated, compiled and ran a flow per vendor"
