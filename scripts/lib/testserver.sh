# Sourced by the scripts that test accountd from outside (consumers.sh, qa.sh): one
# `accountd serve` on loopback, on a throwaway SQLite database in a temporary folder (mail to
# its log, development mode), seeded with what the vendors without sign-up need: an
# organisation, a verified member and a Payway API client, exported as ACCOUNTD_FLOW_* (the
# names the contract run and the README's QA section use). Processes end on exit.
#
#   source scripts/lib/testserver.sh; start_test_server NAME   # sets server_url, ACCOUNTD_FLOW_*
# needs: GO (default go), out (a folder for logs).

ts_pids=()
ts_dirs=()
ts_cleanup() {
  local pid
  for pid in "${ts_pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${ts_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if ((${#ts_dirs[@]})); then rm -rf "${ts_dirs[@]}"; fi
}
trap ts_cleanup EXIT

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# wait_for URL LOG PID: until URL answers at all (any status), for at most 90 s.
wait_for() {
  local url="$1" logfile="$2" pid="$3" deadline=$((SECONDS + 90))
  until node -e 'fetch(process.argv[1]).then(()=>process.exit(0),()=>process.exit(1))' "$url" 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "FAILED: the process behind $url exited (log: $logfile)" >&2
      tail -n 20 "$logfile" >&2 || true
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "FAILED: $url did not answer within 90 s (log: $logfile)" >&2
      exit 1
    fi
    sleep 0.3
  done
}

# start_test_server NAME [KEY=VALUE...]: builds and starts accountd with the extra environment.
start_test_server() {
  local name="$1" dir port bin client
  shift
  dir="$(mktemp -d "/tmp/accountd-$name.XXXXXX")"
  ts_dirs+=("$dir")
  bin="$dir/accountd"
  "${GO:-go}" build -o "$bin" ./cmd/accountd
  export ACCOUNTD_DATABASE_URL="$dir/accountd.db" ACCOUNTD_DEV=true
  ACCOUNTD_SECRET="test-server-$(head -c 32 /dev/urandom | base64 | tr -d '/+=')"
  export ACCOUNTD_SECRET
  "$bin" migrate >/dev/null
  ACCOUNTD_FLOW_ORG="$("$bin" orgs create --name "QA" | node -pe 'JSON.parse(require("fs").readFileSync(0)).organization_id')"
  ACCOUNTD_FLOW_EMAIL="member@example.com" ACCOUNTD_FLOW_PASSWORD="QA-Member-Passphrase-7"
  "$bin" users create --email "$ACCOUNTD_FLOW_EMAIL" --password "$ACCOUNTD_FLOW_PASSWORD" --verified --org "$ACCOUNTD_FLOW_ORG" >/dev/null
  client="$("$bin" clients create --org "$ACCOUNTD_FLOW_ORG" --name "QA" \
    --scopes "/external/me/r /external/me/w /external/account/r /external/account/w")"
  ACCOUNTD_FLOW_CLIENT_ID="$(node -pe 'JSON.parse(process.argv[1]).client_id' "$client")"
  ACCOUNTD_FLOW_CLIENT_SECRET="$(node -pe 'JSON.parse(process.argv[1]).client_secret' "$client")"
  export ACCOUNTD_FLOW_ORG ACCOUNTD_FLOW_EMAIL ACCOUNTD_FLOW_PASSWORD ACCOUNTD_FLOW_CLIENT_ID ACCOUNTD_FLOW_CLIENT_SECRET
  port="$(free_port)"
  env ACCOUNTD_ADDR="127.0.0.1:$port" ACCOUNTD_PUBLIC_URL="http://127.0.0.1:$port" "$@" "$bin" serve >"$out/$name.log" 2>&1 &
  ts_pids+=($!)
  server_url="http://127.0.0.1:$port"
  wait_for "$server_url/healthz" "$out/$name.log" "$!"
  echo "accountd serve at $server_url (SQLite in $dir; log: $out/$name.log), seeded: organisation $ACCOUNTD_FLOW_ORG, member $ACCOUNTD_FLOW_EMAIL, API client $ACCOUNTD_FLOW_CLIENT_ID"
}
