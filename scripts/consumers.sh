#!/usr/bin/env bash
# `make consumers` (part of `make test`): accountd as the teams that build on its spec use it,
# against ONE live server (scripts/lib/testserver.sh: SQLite, seeded) for every step:
#   1. the TypeScript SDK package: packed, installed into a new project, compiled and run with
#      plain node, required from CommonJS, bundled with Vite (scripts/sdk-consumer.sh);
#   2. other generators: ogen (Go) and @hey-api/openapi-ts clients generated, compiled and run,
#      one flow per vendor (scripts/generators.sh);
#   3. the mock (`make mock`, scripts/mock.mjs) against the server: the same requests, one
#      success and one error per vendor, the same status, body keys and headers a frontend reads
#      (scripts/mock-check.mjs).
# Logs in build/consumers/.
#
#   CONSUMERS_ONLY=sdk,generators,mock   run only these steps
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=build/consumers
mkdir -p "$out"
scripts/npm-tools.sh
source scripts/lib/testserver.sh

step() { [[ -z "${CONSUMERS_ONLY:-}" || ",$CONSUMERS_ONLY," == *",$1,"* ]]; }

start_test_server consumers-accountd
if step sdk; then scripts/sdk-consumer.sh "$server_url"; fi
if step generators; then scripts/generators.sh "$server_url"; fi
if step mock; then
  mock_port="$(free_port)"
  node scripts/mock.mjs --port "$mock_port" >"$out/mock.log" 2>&1 &
  ts_pids+=($!)
  wait_for "http://127.0.0.1:$mock_port/healthz" "$out/mock.log" "$!"
  echo "consumers: mock at http://127.0.0.1:$mock_port (log: $out/mock.log)"
  node scripts/mock-check.mjs "$server_url" "http://127.0.0.1:$mock_port"
fi
echo "consumers: ok"
