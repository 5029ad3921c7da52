package testkit_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/accountd/accountd/testkit"
)

var testDatabaseName = regexp.MustCompile(`^accountd_test_[0-9a-f]{32}$`)

func TestPostgresURL(t *testing.T) {
	tests := []struct {
		name string
		// leaveOpen keeps a connection to the database open past cleanup, as a test that forgets to
		// close its pool does; the drop must end it (WITH (FORCE)) rather than fail.
		leaveOpen bool
	}{
		{name: "connections closed"},
		{name: "connection left open", leaveOpen: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()

			var name string
			var leaked *pgx.Conn
			// A subtest, so that PostgresURL's cleanup (the drop) has run when it returns.
			t.Run("use", func(t *testing.T) {
				dsn := testkit.PostgresURL(t)
				conn, err := pgx.Connect(ctx, dsn)
				if err != nil {
					t.Fatalf("connecting to the URL PostgresURL returned (%s): %v", dsn, err)
				}
				if err := conn.QueryRow(ctx, "SELECT current_database()").Scan(&name); err != nil {
					t.Fatal(err)
				}
				if !testDatabaseName.MatchString(name) {
					t.Errorf("database name %q does not match %v", name, testDatabaseName)
				}
				if u, err := url.Parse(dsn); err != nil || u.Path != "/"+name {
					t.Errorf("URL %s does not name database %s (parse error %v)", dsn, name, err)
				}
				// A fresh database accepts DDL and DML: the service's migrations will run here.
				if _, err := conn.Exec(ctx, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)"); err != nil {
					t.Fatal(err)
				}
				if tc.leaveOpen {
					leaked = conn
				} else if err := conn.Close(ctx); err != nil {
					t.Fatal(err)
				}
			})
			if leaked != nil {
				_ = leaked.Close(ctx) // already terminated by the drop
			}
			if name == "" {
				t.Skip("PostgreSQL unavailable; see the skipped subtest")
			}

			admin, err := pgx.Connect(ctx, testkit.PostgresAdminURL())
			if err != nil {
				t.Fatal(err)
			}
			defer admin.Close(ctx)
			var n int
			if err := admin.QueryRow(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 0 {
				t.Errorf("database %s still exists after the test's cleanup", name)
			}
		})
	}
}

func TestPostgresURLUniqueNames(t *testing.T) {
	a, b := testkit.PostgresURL(t), testkit.PostgresURL(t)
	if a == b {
		t.Fatalf("two calls returned the same database: %s", a)
	}
}

func TestPostgresURLUnavailable(t *testing.T) {
	// Port 1 on loopback refuses connections at once. The password shows the message redacts it.
	const unreachable = "postgres://postgres:hunter2@127.0.0.1:1/postgres?sslmode=disable"
	tests := []struct {
		name     string
		env      map[string]string
		wantKind string
		want     []string
	}{
		{
			name:     "skips by default",
			env:      map[string]string{testkit.EnvPostgres: unreachable},
			wantKind: "skip",
			want:     []string{"127.0.0.1:1", "unreachable", "run scripts/ensure-postgres.sh or set ACCOUNTD_TEST_POSTGRES"},
		},
		{
			name:     "skips when explicitly not required",
			env:      map[string]string{testkit.EnvPostgres: unreachable, testkit.EnvRequirePostgres: "0", testkit.EnvCI: "false"},
			wantKind: "skip",
		},
		{
			name:     "fails when required",
			env:      map[string]string{testkit.EnvPostgres: unreachable, testkit.EnvRequirePostgres: "1"},
			wantKind: "fatal",
			want:     []string{"127.0.0.1:1", "run scripts/ensure-postgres.sh or set ACCOUNTD_TEST_POSTGRES"},
		},
		{
			name:     "fails on CI",
			env:      map[string]string{testkit.EnvPostgres: unreachable, testkit.EnvCI: "true"},
			wantKind: "fatal",
		},
		{
			name:     "malformed URL fails even when not required",
			env:      map[string]string{testkit.EnvPostgres: "mysql://root@127.0.0.1/x"},
			wantKind: "fatal",
			want:     []string{"is not a postgres://"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// Start from a clean slate: CI itself sets CI=true and make sets the others.
			for _, name := range []string{testkit.EnvPostgres, testkit.EnvRequirePostgres, testkit.EnvCI} {
				t.Setenv(name, tc.env[name])
			}
			tb := &recordingTB{}
			var got string
			tb.run(func(tb testing.TB) { got = testkit.PostgresURL(tb) })

			kind, messages := tb.outcome()
			if kind != tc.wantKind {
				t.Fatalf("outcome %v, want %s", tb, tc.wantKind)
			}
			if got != "" {
				t.Errorf("returned %q after a %s", got, kind)
			}
			for _, want := range tc.want {
				if !strings.Contains(messages[0], want) {
					t.Errorf("message lacks %q: %s", want, messages[0])
				}
			}
			if strings.Contains(messages[0], "hunter2") {
				t.Errorf("message reveals the password: %s", messages[0])
			}
		})
	}
}

func TestBackends(t *testing.T) {
	backends := testkit.Backends(t)
	var names []string
	for _, b := range backends {
		names = append(names, b.Name)
	}
	if got, want := strings.Join(names, ","), "sqlite,postgres"; got != want {
		t.Fatalf("backends %s, want %s", got, want)
	}

	t.Run("sqlite", func(t *testing.T) {
		a, b := backends[0].DSN(t), backends[0].DSN(t)
		if a == b {
			t.Errorf("two sqlite DSNs are the same file %s", a)
		}
		for _, dsn := range []string{a, b} {
			if !filepath.IsAbs(dsn) || strings.Contains(dsn, ":memory:") || strings.Contains(dsn, "?") {
				t.Errorf("sqlite DSN %q is not a plain absolute file path", dsn)
			}
			if _, err := os.Stat(dsn); !os.IsNotExist(err) {
				t.Errorf("sqlite DSN %s should name a file that does not exist yet (stat: %v)", dsn, err)
			}
			if info, err := os.Stat(filepath.Dir(dsn)); err != nil || !info.IsDir() {
				t.Errorf("directory of %s is not usable: %v", dsn, err)
			}
		}
	})
	t.Run("postgres", func(t *testing.T) {
		dsn := backends[1].DSN(t)
		if u, err := url.Parse(dsn); err != nil || !testDatabaseName.MatchString(strings.TrimPrefix(u.Path, "/")) {
			t.Errorf("postgres DSN %s does not name a throwaway database (parse error %v)", dsn, err)
		}
	})
}
