#!/usr/bin/env bash
# Makes sure the PostgreSQL server that the tests use answers, starting it when it is local.
#
#   ACCOUNTD_TEST_POSTGRES  server URL (default postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable)
#   ENSURE_POSTGRES_WAIT    seconds to wait for the server after starting it (default 30)
#
# Already up: prints one line and exits 0. Down and local (127.0.0.1, localhost, ::1):
#   - a Debian cluster exists (/etc/postgresql): start it with pg_ctlcluster;
#   - PostgreSQL is not installed, we are root and apt-get exists: install Debian's
#     `postgresql`, allow trust auth on local TCP (as on our dev/CI machines), start it;
# then wait for it. Still down (or remote and down): explain and exit 1.
set -euo pipefail

url="${ACCOUNTD_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
wait_s="${ENSURE_POSTGRES_WAIT:-30}"

log() { echo "ensure-postgres: $*"; }
err() { echo "ensure-postgres: $*" >&2; }

# --- host and port of the URL (postgres://user:pw@host:port/db?...) or key=value DSN ---
host="" port=""
if [[ "$url" == *://* ]]; then
  rest="${url#*://}"
  authority="${rest%%/*}"
  authority="${authority%%\?*}"
  hostport="${authority##*@}"
  if [[ "$hostport" == \[* ]]; then # [::1]:5432
    host="${hostport#\[}"
    host="${host%%\]*}"
    [[ "$hostport" == *\]:* ]] && port="${hostport##*\]:}"
  else
    host="${hostport%%:*}"
    [[ "$hostport" == *:* ]] && port="${hostport##*:}"
  fi
  # ?host=/var/run/postgresql or ?port=5433 override the authority, as in libpq.
  query=""
  [[ "$url" == *\?* ]] && query="${url#*\?}"
  if [[ "$query" =~ (^|&)host=([^&]*) ]]; then host="${BASH_REMATCH[2]}"; fi
  if [[ "$query" =~ (^|&)port=([^&]*) ]]; then port="${BASH_REMATCH[2]}"; fi
else
  if [[ "$url" =~ (^|[[:space:]])host=([^[:space:]]*) ]]; then host="${BASH_REMATCH[2]}"; fi
  if [[ "$url" =~ (^|[[:space:]])port=([^[:space:]]*) ]]; then port="${BASH_REMATCH[2]}"; fi
fi
host="${host:-localhost}"
port="${port:-5432}"
if ! [[ "$port" =~ ^[0-9]+$ ]]; then
  err "cannot read a port from ACCOUNTD_TEST_POSTGRES=$url"
  exit 1
fi
where="$host:$port"
[[ "$host" == /* ]] && where="socket $host/.s.PGSQL.$port"

# Prints nothing; returns 0 when the server accepts connections.
probe() {
  local t="${1:-3}"
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$host" -p "$port" -t "$t"
  elif command -v psql >/dev/null 2>&1; then
    PGCONNECT_TIMEOUT="$t" psql "$url" -Atqc 'select 1' >/dev/null 2>&1
  elif [[ "$host" == /* ]]; then
    [[ -S "$host/.s.PGSQL.$port" ]]
  else
    # shellcheck disable=SC2016 # $0/$1 are expanded by the inner bash
    timeout "$t" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" 2>/dev/null
  fi
}

if probe 3; then
  echo "ensure-postgres: PostgreSQL is up at $where"
  exit 0
fi

tried=("probed $where: no answer")
advice() {
  err "PostgreSQL is not reachable at $where (ACCOUNTD_TEST_POSTGRES=$url)."
  err "What this script tried:"
  local t
  for t in "${tried[@]}"; do err "  - $t"; done
  err "To fix, either:"
  if [[ "$local_host" == 1 ]]; then
    err "  - start it (Debian, as root): pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start"
    err "    (not installed: apt-get update && apt-get install -y postgresql, then allow trust auth for"
    err "    127.0.0.1/32 in /etc/postgresql/*/main/pg_hba.conf, or put a password in the URL), or"
  else
    err "  - start the server at $host:$port, or"
  fi
  err "  - point ACCOUNTD_TEST_POSTGRES at a server that is up, e.g."
  err "    ACCOUNTD_TEST_POSTGRES='postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable' make test"
}

local_host=0
case "$host" in
  127.0.0.1 | localhost | ::1 | /*) local_host=1 ;;
  *)
    tried+=("nothing else: $host is not this machine, so it is not started from here")
    advice
    exit 1
    ;;
esac

tmp_list="$(mktemp)"
trap 'rm -f "$tmp_list"' EXIT

is_root() { [[ "$(id -u)" == 0 ]]; }

# Newest PostgreSQL version that has a Debian cluster config, e.g. "15".
cluster_version() {
  newest_version_in /etc/postgresql main
}

# Newest version-named subfolder of $1 (that has $2 in it, when given).
newest_version_in() {
  local d best=""
  for d in "$1"/*/; do
    d="${d%/}"
    d="${d##*/}"
    [[ "$d" =~ ^[0-9]+(\.[0-9]+)?$ ]] || continue
    [[ -z "${2:-}" || -d "$1/$d/$2" ]] || continue
    if [[ -z "$best" ]] || [[ "$(printf '%s\n%s\n' "$best" "$d" | sort -V | tail -n 1)" == "$d" ]]; then
      best="$d"
    fi
  done
  [[ -n "$best" ]] && echo "$best"
}

# Clusters configured on $port as "VERSION NAME STATUS" lines (pg_lsclusters);
# else "VERSION main unknown" for the newest version in /etc/postgresql.
clusters_to_start() {
  local out="" all=""
  if command -v pg_lsclusters >/dev/null 2>&1; then
    all="$(pg_lsclusters -h 2>/dev/null || true)"
    out="$(awk -v p="$port" '$3 == p { print $1, $2, $4 }' <<<"$all")"
  fi
  if [[ -z "$out" && -n "$all" ]]; then
    tried+=("no Debian cluster is configured on port $port (pg_lsclusters: $(awk '{ printf "%s%s/%s on %s", s, $1, $2, $3; s = ", " }' <<<"$all"))")
    return 1
  fi
  if [[ -z "$out" ]]; then
    local v
    v="$(cluster_version || true)"
    [[ -n "$v" ]] && out="$v main unknown"
  fi
  [[ -n "$out" ]] && echo "$out"
}

# Returns 0 when it started (or tried to start) something worth waiting for.
start_clusters() {
  local list ver name status started=0
  # Not in $(...): clusters_to_start adds to tried.
  clusters_to_start >"$tmp_list" || true
  list="$(<"$tmp_list")"
  if [[ -z "$list" ]]; then
    [[ "${tried[*]}" == *"no Debian cluster"* ]] || tried+=("found no cluster in /etc/postgresql to start")
    return 1
  fi
  while read -r ver name status; do
    if [[ "$status" == online* ]]; then
      tried+=("cluster $ver/$name on port $port is already running but does not answer at $where (check listen_addresses in /etc/postgresql/$ver/$name/postgresql.conf and the URL's host)")
      continue
    fi
    log "starting cluster $ver/$name: pg_ctlcluster --skip-systemctl-redirect $ver $name start"
    if pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start; then
      tried+=("started cluster $ver/$name with pg_ctlcluster")
    else
      tried+=("pg_ctlcluster --skip-systemctl-redirect $ver $name start failed (exit $?; log: /var/log/postgresql/postgresql-$ver-$name.log)")
    fi
    started=1
  done <<<"$list"
  ((started))
}

# Trust auth for local TCP connections (and the socket), as on our dev/CI machines.
# Only used right after this script installed PostgreSQL itself.
allow_local_trust() {
  local hba="$1"
  [[ -f "$hba" ]] || return 0
  cp -p "$hba" "$hba.orig-ensure-postgres"
  sed -i -E \
    -e 's/^(local[[:space:]]+all[[:space:]]+(postgres|all)[[:space:]]+)[a-z0-9-]+[[:space:]]*$/\1trust/' \
    -e 's#^(host[[:space:]]+all[[:space:]]+all[[:space:]]+(127\.0\.0\.1/32|::1/128)[[:space:]]+)[a-z0-9-]+[[:space:]]*$#\1trust#' \
    "$hba"
  log "set trust auth for local connections in $hba (original kept as $hba.orig-ensure-postgres)"
}

install_postgres() {
  if ! is_root; then
    tried+=("PostgreSQL is not installed, and installing it needs root (we are $(id -un))")
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    tried+=("PostgreSQL is not installed, and there is no apt-get to install it with")
    return 1
  fi
  log "PostgreSQL is not installed; installing Debian's postgresql (apt-get update && apt-get install -y postgresql)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get update -qq </dev/null; then
    tried+=("apt-get update failed")
    return 1
  fi
  if ! apt-get install -y -qq --no-install-recommends postgresql </dev/null; then
    tried+=("apt-get install -y postgresql failed")
    return 1
  fi
  tried+=("installed Debian's postgresql with apt-get")
  local v
  v="$(cluster_version || true)"
  if [[ -z "$v" ]]; then
    v="$(newest_version_in /usr/lib/postgresql || true)"
    if [[ -n "$v" ]] && command -v pg_createcluster >/dev/null 2>&1; then
      log "creating cluster $v/main on port $port"
      pg_createcluster -p "$port" "$v" main || true
    fi
    v="$(cluster_version || true)"
  fi
  if [[ -z "$v" ]]; then
    tried+=("the install created no cluster under /etc/postgresql")
    return 1
  fi
  allow_local_trust "/etc/postgresql/$v/main/pg_hba.conf"
  # Serve the URL's port (the package creates the cluster on 5432).
  sed -i -E "s/^#?[[:space:]]*port[[:space:]]*=[[:space:]]*[0-9]+/port = $port/" "/etc/postgresql/$v/main/postgresql.conf"
  # The package may have started the cluster already (where services may start);
  # stop it so that start_clusters starts it with the settings above.
  pg_ctlcluster --skip-systemctl-redirect "$v" main stop >/dev/null 2>&1 || true
  return 0
}

if [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null 2>&1 && [[ -n "$(cluster_version || true)" ]]; then
  if ! is_root && [[ "$(id -un)" != postgres ]]; then
    tried+=("a Debian cluster exists, but starting it needs root or the postgres user (we are $(id -un))")
    advice
    exit 1
  fi
  if ! start_clusters; then
    advice
    exit 1
  fi
elif [[ -d /etc/postgresql ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
  tried+=("/etc/postgresql has no cluster (create one as root: pg_createcluster \$(ls /usr/lib/postgresql) main --start)")
  advice
  exit 1
else
  if ! install_postgres || ! start_clusters; then
    advice
    exit 1
  fi
fi

# --- wait for readiness, bounded ---
deadline=$((SECONDS + wait_s))
until probe 2; do
  if ((SECONDS >= deadline)); then
    tried+=("waited ${wait_s}s for it to accept connections")
    advice
    exit 1
  fi
  sleep 1
done
echo "ensure-postgres: PostgreSQL is up at $where (started by this script)"
