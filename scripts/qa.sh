#!/usr/bin/env bash
# `make qa`: the Postman collection (sdk/postman/, generated from openapi.yaml by Portman) run
# with Newman (pinned in package.json) against a live server, as a QA team would in Postman:
# one `accountd serve` on a throwaway SQLite database, seeded with the organisation, member and
# API client the collection's environment names (scripts/lib/testserver.sh), then every request
# with its contract tests. Any failed assertion fails the run; Newman's summary is printed.
#
# Against a deployment: QA_BASE_URL=https://accounts.staging.example with the seed in
# ACCOUNTD_FLOW_ORG, _EMAIL, _PASSWORD, _CLIENT_ID, _CLIENT_SECRET (README, "QA").
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
out=build/qa
mkdir -p "$out"
scripts/npm-tools.sh

if [[ -n "${QA_BASE_URL:-}" ]]; then
  server_url="$QA_BASE_URL"
else
  source scripts/lib/testserver.sh
  start_test_server qa-accountd
fi
echo "qa: newman run sdk/postman/accountd.postman_collection.json against $server_url"
node_modules/.bin/newman run sdk/postman/accountd.postman_collection.json \
  -e sdk/postman/accountd.postman_environment.json \
  --env-var "baseUrl=$server_url" --env-var "orgId=$ACCOUNTD_FLOW_ORG" \
  --env-var "memberEmail=$ACCOUNTD_FLOW_EMAIL" --env-var "memberPassword=$ACCOUNTD_FLOW_PASSWORD" \
  --env-var "clientId=$ACCOUNTD_FLOW_CLIENT_ID" --env-var "clientSecret=$ACCOUNTD_FLOW_CLIENT_SECRET" \
  --reporters cli,json --reporter-json-export "$out/newman.json" --color off --disable-unicode --no-insecure-file-read
echo "qa: ok ($(node -pe 'const s=require("./'"$out"'/newman.json").run.stats; `${s.requests.total} requests, ${s.assertions.total} assertions, ${s.assertions.failed} failed`'))"
