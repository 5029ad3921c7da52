#!/usr/bin/env bash
# Makes sure wrk (the load generator of `make bench`) is installed: Debian's package when it is
# missing and we are root with apt-get, as scripts/ensure-postgres.sh does for PostgreSQL.
set -euo pipefail
if command -v wrk >/dev/null 2>&1; then
  exit 0
fi
if [[ "$(id -u)" != 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-wrk: wrk is not installed; install it (Debian: apt-get install -y wrk) and rerun" >&2
  exit 1
fi
echo "ensure-wrk: installing Debian's wrk (apt-get install -y wrk)"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends wrk </dev/null >/dev/null 2>&1 ||
  { apt-get update -qq </dev/null && apt-get install -y -qq --no-install-recommends wrk </dev/null; }
command -v wrk >/dev/null
