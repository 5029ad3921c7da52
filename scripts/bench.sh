#!/usr/bin/env bash
# `make bench`: the load benchmark (tools/loadbench) on this machine. Makes sure PostgreSQL and
# wrk are there, builds accountd and the benchmark, and runs every vendor's hot flows next to
# the machine's floors, writing the table into bench/results.md. Extra arguments go to
# loadbench (e.g. -quick for a smoke run, -flows 'Payway' for some flows).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/ensure-postgres.sh
scripts/ensure-wrk.sh
go build -o bin/accountd ./cmd/accountd
go build -o bin/loadbench ./tools/loadbench
exec bin/loadbench "$@"
