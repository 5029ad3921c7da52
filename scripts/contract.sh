#!/usr/bin/env bash
# The contract run (`make contract`): tools nobody here wrote check the live server against
# openapi.yaml. Prism (`prism proxy --errors`, pinned in package.json) sits in front of the
# server and checks every request and response; any response that breaks the spec fails the run.
#
# 1. SDK flows: `accountd serve` on a throwaway PostgreSQL database with a real SMTP server
#    (tools/smtpsink), seeded with an organisation, a member and an API client; Prism in front;
#    the TypeScript SDK's script (sdk/typescript/scripts/flows.ts) runs one real flow per vendor
#    through Prism.
# 2. End-to-end suite: the Go end-to-end tests (./app), each test's server behind one Prism
#    (tools/contractswitch routes to it), on PostgreSQL, with mail read from the
#    real in-process SMTP server. Tests that send invalid requests on purpose get the server's
#    own answer (Prism refuses them without forwarding), checked by testkit.Contract.
#
# Against a deployment (QA): ACCOUNTD_BASE_URL=https://accounts.staging.example make contract
# runs step 1 only, against that server, with the seed given in ACCOUNTD_FLOW_* (README, "QA").
#
#   CONTRACT_SKIP_GO=1   step 1 only      CONTRACT_SKIP_SDK=1   step 2 only
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
GO="${GO:-go}"
out=build/contract
mkdir -p "$out"
log() { echo "contract: $*"; }

scripts/npm-tools.sh
prism=node_modules/.bin/prism

pids=()
dropdb=""
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [[ -n "$dropdb" ]]; then
    psql "$ACCOUNTD_TEST_POSTGRES" -qAtc "DROP DATABASE IF EXISTS $dropdb" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_for URL NAME PID: until URL answers at all (any status), for at most 90 s.
wait_for() {
  local url="$1" name="$2" pid="$3" deadline=$((SECONDS + 90))
  until node -e 'fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))' "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "FAILED: $name exited before answering (log: $out/$name.log)" >&2
      tail -n 20 "$out/$name.log" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      log "FAILED: $name did not answer at $url within 90 s (log: $out/$name.log)" >&2
      exit 1
    fi
    sleep 0.5
  done
}

# start_prism UPSTREAM NAME: starts `prism proxy --errors` on a free port; sets prism_url. --cors=false:
# Prism must not add CORS headers of its own, or it answers for the server (app/cors_test.go).
start_prism() {
  local port
  port="$(free_port)"
  "$prism" proxy openapi.yaml "$1" --errors --cors=false --host 127.0.0.1 --port "$port" >"$out/$2.log" 2>&1 &
  pids+=($!)
  prism_url="http://127.0.0.1:$port"
  # A path the spec does not have: Prism answers it itself, so the probe reaches no server.
  wait_for "$prism_url/contract-run-ready" "$2" "$!"
  log "Prism proxy at $prism_url in front of $1 (log: $out/$2.log)"
}

# prism_summary NAME: what Prism saw, from its log.
prism_summary() {
  local clean="$out/$1.clean.log"
  sed 's/\x1b\[[0-9;]*m//g' "$out/$1.log" >"$clean"
  log "Prism ($1): $(grep -ac 'Forwarding' "$clean" || true) exchanges forwarded and checked," \
    "$(grep -ac 'Request terminated with error: .*errors#\(UNPROCESSABLE_ENTITY\|UNAUTHORIZED\|NO_\)' "$clean" || true) requests refused by Prism itself (invalid on purpose, sent to the server directly; the readiness probe is one)," \
    "$(grep -ac 'errors#VIOLATIONS: \|Violation: response' "$clean" || true) responses in breach (the end-to-end suite's TestContractRunCatchesBrokenResponses makes 2 on purpose)"
}

# --- 1. SDK flows -------------------------------------------------------------------------
if [[ "${CONTRACT_SKIP_SDK:-}" != 1 ]]; then
  log "compiling the TypeScript SDK and its flows (tsc -p sdk/typescript -> build/sdk-ts)"
  node_modules/.bin/tsc -p sdk/typescript
  echo '{"type": "module"}' >build/sdk-ts/package.json

  target="${ACCOUNTD_BASE_URL:-}"
  if [[ -z "$target" ]]; then
    scripts/ensure-postgres.sh
    export ACCOUNTD_TEST_POSTGRES="${ACCOUNTD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
    "$GO" build -o "$out/accountd" ./cmd/accountd
    "$GO" build -o "$out/smtpsink" ./tools/smtpsink
    db="accountd_contract_$(date +%s)_$$"
    psql "$ACCOUNTD_TEST_POSTGRES" -qAtc "CREATE DATABASE $db" >/dev/null
    dropdb="$db"
    base="${ACCOUNTD_TEST_POSTGRES%%\?*}"
    query=""
    [[ "$ACCOUNTD_TEST_POSTGRES" == *\?* ]] && query="?${ACCOUNTD_TEST_POSTGRES#*\?}"
    export ACCOUNTD_DATABASE_URL="${base%/*}/$db$query"
    ACCOUNTD_SECRET="contract-$(head -c 24 /dev/urandom | base64 | tr -d '/+=')"
    export ACCOUNTD_SECRET ACCOUNTD_DEV=true

    smtp_port="$(free_port)"
    "$out/smtpsink" -addr "127.0.0.1:$smtp_port" >"$out/smtpsink.log" 2>&1 &
    pids+=($!)

    # Seed what the flows need: an organisation, a member account and an API client.
    "$out/accountd" migrate >/dev/null
    org="$("$out/accountd" orgs create --name "Contract run" | node -pe 'JSON.parse(require("fs").readFileSync(0)).organization_id')"
    export ACCOUNTD_FLOW_ORG="$org" ACCOUNTD_FLOW_EMAIL="member-$$@example.com" ACCOUNTD_FLOW_PASSWORD="Contract-run-Member-Passphrase-7"
    "$out/accountd" users create --email "$ACCOUNTD_FLOW_EMAIL" --password "$ACCOUNTD_FLOW_PASSWORD" --verified --org "$org" >/dev/null
    client="$("$out/accountd" clients create --org "$org" --name "Contract run" \
      --scopes "/external/me/r /external/me/w /external/account/r /external/account/w")"
    ACCOUNTD_FLOW_CLIENT_ID="$(node -pe 'JSON.parse(process.argv[1]).client_id' "$client")"
    ACCOUNTD_FLOW_CLIENT_SECRET="$(node -pe 'JSON.parse(process.argv[1]).client_secret' "$client")"
    export ACCOUNTD_FLOW_CLIENT_ID ACCOUNTD_FLOW_CLIENT_SECRET

    port="$(free_port)"
    ACCOUNTD_ADDR="127.0.0.1:$port" ACCOUNTD_SMTP_URL="smtp://127.0.0.1:$smtp_port" \
      ACCOUNTD_PUBLIC_URL="http://127.0.0.1:$port" "$out/accountd" serve >"$out/accountd.log" 2>&1 &
    pids+=($!)
    target="http://127.0.0.1:$port"
    wait_for "$target/healthz" accountd "$!"
    log "accountd serve at $target on PostgreSQL database $db, mail to tools/smtpsink (log: $out/accountd.log)"
  fi

  start_prism "$target" prism-sdk
  log "flows: ACCOUNTD_BASE_URL=$prism_url node build/sdk-ts/scripts/flows.js sdk/specs"
  ACCOUNTD_BASE_URL="$prism_url" node build/sdk-ts/scripts/flows.js sdk/specs
  prism_summary prism-sdk
  [[ -f "$out/smtpsink.log" ]] && log "mail sent during the flows: $(grep -c 'mail to' "$out/smtpsink.log" || true)"
fi

# --- 2. Go end-to-end suite through Prism ------------------------------------------------
if [[ -z "${ACCOUNTD_BASE_URL:-}" && "${CONTRACT_SKIP_GO:-}" != 1 ]]; then
  scripts/ensure-postgres.sh
  "$GO" build -o "$out/contractswitch" ./tools/contractswitch
  switch_port="$(free_port)"
  "$out/contractswitch" -addr "127.0.0.1:$switch_port" >"$out/contractswitch.log" 2>&1 &
  pids+=($!)
  start_prism "http://127.0.0.1:$switch_port" prism-e2e
  log "end-to-end suite through Prism: ACCOUNTD_CONTRACT_PRISM=$prism_url go test ./app/"
  # PostgreSQL only: the exchanges do not depend on the database, and both run in test-go.
  ACCOUNTD_CONTRACT_PRISM="$prism_url" ACCOUNTD_TEST_BACKENDS=postgres ACCOUNTD_TEST_REQUIRE_POSTGRES=1 "$GO" test -count=1 -timeout 40m ./app/
  prism_summary prism-e2e
fi
log "ok"
