#!/usr/bin/env bash
# `make consumers` (part of `make test`): accountd as the teams that build on its spec use it,
# against ONE live server (scripts/lib/testserver.sh: SQLite, seeded) for every step:
#   1. the TypeScript SDK package: packed, installed into a new project, compiled and run with
#      plain node, required from CommonJS, bundled with Vite (scripts/sdk-consumer.sh);
#   2. other generators: ogen (Go) and @hey-api/openapi-ts clients generated, compiled and run,
#      one flow per vendor (scripts/generators.sh).
# Logs in build/consumers/.
#
#   CONSUMERS_ONLY=sdk,generators   run only these steps
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
echo "consumers: ok"
