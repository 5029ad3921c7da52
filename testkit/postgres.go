package testkit

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Environment variables PostgresURL reads. They are exported so tests and scripts refer to one spelling.
const (
	// EnvPostgres names the server throwaway databases are created on, as a postgres:// URL whose
	// user may CREATE DATABASE. Its database part only says where to connect to run CREATE DATABASE.
	EnvPostgres = "ACCOUNTD_TEST_POSTGRES"
	// EnvRequirePostgres, when true (strconv.ParseBool), turns "server unreachable" from a skip into a
	// failure. `make test-go` sets it so a green run means the PostgreSQL half really ran.
	EnvRequirePostgres = "ACCOUNTD_TEST_REQUIRE_POSTGRES"
	// EnvCI is set to true by CI systems (GitHub Actions, GitLab, ...). It implies EnvRequirePostgres,
	// because a CI run that silently skipped every PostgreSQL test would still report success.
	EnvCI = "CI"
	// EnvBackends, a comma-separated list of backend names, narrows Backends (unset: all).
	EnvBackends = "ACCOUNTD_TEST_BACKENDS"
)

// DefaultPostgresURL is the server used when EnvPostgres is unset: the one scripts/ensure-postgres.sh starts.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// testDatabasePrefix starts the name of every database PostgresURL creates, so that databases leaked
// by a killed test run are easy to find and drop by hand.
const testDatabasePrefix = "accountd_test_"

// Time limits for the admin connection. Connecting is given less time than the statements, because a
// server that does not answer within it is treated as absent (a skip, or a failure in CI); CREATE and
// DROP DATABASE on a busy two-core machine can legitimately take several seconds.
const (
	connectTimeout   = 10 * time.Second
	statementTimeout = 60 * time.Second
)

// Backend is one storage backend a storage-touching test runs against.
type Backend struct {
	// Name is the subtest name: "sqlite" or "postgres".
	Name string
	// DSN returns a data source name for a new, empty database, in the form the service's
	// configuration accepts. Call it with the subtest's t: that is the test that owns (and cleans up)
	// the database, and the one that is skipped when PostgreSQL is unavailable.
	DSN func(t testing.TB) string
}

// Backends returns the databases every storage-touching test runs against, so that no test covers
// SQLite only and PostgreSQL differences surface on every change. Use it as
//
//	for _, b := range testkit.Backends(t) {
//		t.Run(b.Name, func(t *testing.T) {
//			dsn := b.DSN(t)
//			...
//		})
//	}
//
// The sqlite DSN is a plain file path in t.TempDir() rather than ":memory:", because the service opens
// several connections to one database and each in-memory connection would see its own empty one.
//
// EnvBackends (e.g. "postgres") keeps only the named backends: the contract run (`make
// contract`) checks the HTTP exchanges, which do not depend on the database, on PostgreSQL only.
func Backends(t testing.TB) []Backend {
	t.Helper()
	all := []Backend{
		{Name: "sqlite", DSN: sqlitePath},
		{Name: "postgres", DSN: PostgresURL},
	}
	only := os.Getenv(EnvBackends)
	if only == "" {
		return all
	}
	var kept []Backend
	for _, b := range all {
		if slices.Contains(strings.Split(only, ","), b.Name) {
			kept = append(kept, b)
		}
	}
	if len(kept) == 0 {
		t.Fatalf("testkit: %s=%q names no backend (sqlite, postgres)", EnvBackends, only)
	}
	return kept
}

// sqlitePath returns the path of a not yet existing SQLite database file in t.TempDir(), which the
// testing package removes after the test.
func sqlitePath(t testing.TB) string {
	t.Helper()
	return filepath.Join(t.TempDir(), "accountd.db")
}

// PostgresURL creates a fresh database named accountd_test_<32 hex digits> on the server given by
// $ACCOUNTD_TEST_POSTGRES (default DefaultPostgresURL), returns a URL for it, and drops it in t.Cleanup.
//
// Every test gets its own database so tests can run in parallel and never see each other's rows, and
// the name comes from crypto/rand so that concurrent test binaries (go test runs packages in parallel)
// cannot collide. The drop uses WITH (FORCE), which ends connections the test forgot to close instead
// of failing the drop and leaking the database.
//
// When the server cannot be reached, the test is skipped, so `go test ./...` works on a machine with
// no PostgreSQL; if $ACCOUNTD_TEST_REQUIRE_POSTGRES or $CI is true it fails instead, so a CI run cannot
// turn green by skipping. Any other problem (a malformed URL, CREATE DATABASE refused) always fails.
//
// It holds at most one connection to the server at a time, and only while creating or dropping.
func PostgresURL(t testing.TB) string {
	t.Helper()
	adminURL := PostgresAdminURL()
	u, err := url.Parse(adminURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") || u.Host == "" {
		t.Fatalf("testkit: $%s=%q is not a postgres://user@host:port/database URL (parse error: %v)", EnvPostgres, adminURL, err)
	}

	name := testDatabasePrefix + randomHex(16)
	connectCtx, cancelConnect := context.WithTimeout(context.Background(), connectTimeout)
	defer cancelConnect()
	conn, err := pgx.Connect(connectCtx, adminURL)
	if err != nil {
		postgresUnavailable(t, u, err)
		return "" // only reached with a TB whose Skip/Fatal do not stop the goroutine
	}
	ctx, cancel := context.WithTimeout(context.Background(), statementTimeout)
	defer cancel()
	// A failed close of the admin connection changes nothing for the test: the server ends the session.
	defer func() { _ = conn.Close(ctx) }()

	// No TEMPLATE or ENCODING clause: the database gets the server defaults, like the one an operator
	// creates for production, so tests see the same collation and encoding behaviour.
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("testkit: CREATE DATABASE %s on %s: %v", name, u.Redacted(), err)
		return ""
	}
	t.Cleanup(func() { dropDatabase(t, adminURL, u, name) })

	dbURL := *u
	dbURL.Path, dbURL.RawPath = "/"+name, ""
	return dbURL.String()
}

// dropDatabase drops the database PostgresURL created. It reports failure with Errorf, not Fatalf:
// the test body is over, and a leaked database is worth a red run but not hiding other failures.
func dropDatabase(t testing.TB, adminURL string, u *url.URL, name string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), statementTimeout)
	defer cancel()
	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		t.Errorf("testkit: cannot connect to %s to drop database %s (drop it by hand): %v", u.Redacted(), name, err)
		return
	}
	defer func() { _ = conn.Close(ctx) }()
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
		t.Errorf("testkit: DROP DATABASE %s on %s: %v", name, u.Redacted(), err)
	}
}

// PostgresAdminURL returns the server URL PostgresURL creates databases on: $ACCOUNTD_TEST_POSTGRES,
// or DefaultPostgresURL when that is unset. Tests that inspect the server itself (pg_database, roles)
// connect to this URL.
func PostgresAdminURL() string {
	if v := os.Getenv(EnvPostgres); v != "" {
		return v
	}
	return DefaultPostgresURL
}

// postgresUnavailable skips t, or fails it when PostgreSQL is required, with a message that says
// which server was tried and how to get one.
func postgresUnavailable(t testing.TB, u *url.URL, err error) {
	t.Helper()
	// The hint comes before the error, which pgx spreads over several lines (one per address tried).
	const format = "testkit: PostgreSQL at %s is unreachable; run scripts/ensure-postgres.sh or set %s%s: %v"
	if postgresRequired() {
		t.Fatalf(format, u.Redacted(), EnvPostgres,
			" (failing, not skipping, because $"+EnvRequirePostgres+" or $"+EnvCI+" is true)", err)
		return
	}
	t.Skipf(format, u.Redacted(), EnvPostgres, "", err)
}

// postgresRequired reports whether a missing server must fail the test rather than skip it.
func postgresRequired() bool {
	for _, name := range []string{EnvRequirePostgres, EnvCI} {
		if v, err := strconv.ParseBool(os.Getenv(name)); err == nil && v {
			return true
		}
	}
	return false
}

// randomHex returns n random bytes from crypto/rand as 2n hex digits.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // documented never to return an error; it crashes the program instead
	return hex.EncodeToString(b)
}
