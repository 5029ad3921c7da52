// Package faults holds the fault and scale-out tests (`make faults`, build tag faults): a
// PostgreSQL instance of their own restarted under write load, the SMTP server down for 30 s,
// the server killed with SIGKILL mid-load, three replicas on one database behind a loopback
// round-robin. Each prints its figures (requests, answers by status, acknowledged writes, found
// afterwards, lost, duplicates, recovery time) and fails on any loss or duplicate. They need
// PostgreSQL's server binaries (/usr/lib/postgresql/*/bin) and never touch another server.
package faults
