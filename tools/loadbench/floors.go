package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accountd/accountd/account/password"
	"golang.org/x/crypto/argon2"
)

// serveFloorHTTP is the HTTP floor of perf-anchors.md §e: a bare net/http handler answering 204.
// It runs as its own process (`loadbench floor-http ADDR`) so its CPU is measured alone.
func serveFloorHTTP(addr string) error {
	return http.ListenAndServe(addr, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
}

// argonFloor is the raw argon2id rate at the production parameters: one goroutine per core
// hashing for d, nothing else. A login verifies one hash, so this bounds logins per second.
func argonFloor(d time.Duration) (perSec float64, perHash time.Duration) {
	p := password.DefaultParams
	salt := make([]byte, p.SaltLength)
	var n atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				argon2.IDKey([]byte("correct-horse-battery"), salt, p.Iterations, p.MemoryKiB, p.Parallelism, p.KeyLength)
				n.Add(1)
			}
		}()
	}
	wg.Wait()
	el := time.Since(start)
	perSec = float64(n.Load()) / el.Seconds()
	return perSec, time.Duration(float64(el) * float64(runtime.GOMAXPROCS(0)) / float64(n.Load()))
}

// pgFloorSchema and pgFloorScript are perf-anchors.md §f verbatim: the minimal SQL of an
// email-change request (session lookup, address free, request row, outbox row) as one transaction.
const pgFloorSchema = `
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE TABLE sessions (token_hash bytea PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id),
  expires_at timestamptz NOT NULL);
CREATE TABLE email_change_requests (id bigserial PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id),
  new_email text NOT NULL, code_hash bytea NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL);
CREATE INDEX ecr_user_idx ON email_change_requests (user_id);
CREATE TABLE outbox (id bigserial PRIMARY KEY, kind text NOT NULL, payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(), sent_at timestamptz);
CREATE INDEX outbox_unsent_idx ON outbox (id) WHERE sent_at IS NULL;
INSERT INTO users (id, email) SELECT g, 'user' || g || '@bench.io' FROM generate_series(1, 100000) g;
INSERT INTO sessions (token_hash, user_id, expires_at)
  SELECT sha256(convert_to('tok' || g, 'UTF8')), g, now() + interval '1 day' FROM generate_series(1, 100000) g;
`

const pgFloorScript = `\set n random(1, 100000)
\set r random(1, 1000000000000)
BEGIN;
SELECT u.id, u.email FROM sessions s JOIN users u ON u.id = s.user_id
  WHERE s.token_hash = sha256(convert_to('tok' || :n::text, 'UTF8')) AND s.expires_at > now();
SELECT 1 FROM users WHERE email = 'new' || :client_id::text || '-' || :r::text || '@bench.io';
INSERT INTO email_change_requests (user_id, new_email, code_hash, expires_at)
  VALUES (:n::bigint, 'new' || :client_id::text || '-' || :r::text || '@bench.io',
          sha256(convert_to(:r::text || 'code', 'UTF8')), now() + interval '1 hour');
INSERT INTO outbox (kind, payload)
  VALUES ('email_change', jsonb_build_object('user_id', :n::bigint,
          'to', 'new' || :client_id::text || '-' || :r::text || '@bench.io', 'code', :r::bigint % 1000000));
COMMIT;
`

// pgFloor runs pgbench with the §f transaction (-M prepared, TCP) on its own throwaway
// database: a warm-up, then a measured run whose per-transaction log gives p50/p99.
func pgFloor(ctx context.Context, o *options, dbURL string, work string) (floor, error) {
	if err := psql(ctx, dbURL, pgFloorSchema+"VACUUM ANALYZE;"); err != nil {
		return floor{}, err
	}
	script := filepath.Join(work, "emailchange.sql")
	if err := os.WriteFile(script, []byte(pgFloorScript), 0o644); err != nil {
		return floor{}, err
	}
	run := func(d time.Duration, logPrefix string) (string, error) {
		args := []string{"-n", "-M", "prepared", "-f", script, "-c", fmt.Sprint(o.conns), "-j", "2",
			"-T", fmt.Sprint(int(d.Seconds()))}
		if logPrefix != "" {
			args = append(args, "-l", "--log-prefix", logPrefix)
		}
		args = append(args, dbURL) // the connection string goes where the database name would
		ctx, cancel := context.WithTimeout(ctx, d+60*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "pgbench", args...)
		cmd.Dir = work
		out, err := cmd.CombinedOutput()
		if err != nil {
			return "", fmt.Errorf("pgbench: %v: %s", err, out)
		}
		return string(out), nil
	}
	if _, err := run(o.warmup, ""); err != nil {
		return floor{}, err
	}
	out, err := run(o.duration, filepath.Join(work, "pgfloor"))
	if err != nil {
		return floor{}, err
	}
	f := floor{name: "database floor (pgbench, email-change transaction)", unit: "tps"}
	for _, line := range strings.Split(out, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "tps = "); ok {
			f.rate, _ = strconv.ParseFloat(strings.Fields(v)[0], 64)
		}
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "number of failed transactions: "); ok {
			f.errors, _ = strconv.ParseInt(strings.Fields(v)[0], 10, 64)
		}
	}
	f.p50, f.p99, err = pgLatencies(filepath.Join(work, "pgfloor.*"))
	return f, err
}

// pgLatencies reads pgbench's per-transaction logs ("client txno latency_us script epoch us").
func pgLatencies(glob string) (p50, p99 time.Duration, err error) {
	files, _ := filepath.Glob(glob)
	var lat []int64
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			return 0, 0, err
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if fields := strings.Fields(sc.Text()); len(fields) >= 3 {
				if v, err := strconv.ParseInt(fields[2], 10, 64); err == nil {
					lat = append(lat, v)
				}
			}
		}
		f.Close()
	}
	if len(lat) == 0 {
		return 0, 0, fmt.Errorf("pgbench wrote no transaction log (%s)", glob)
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	at := func(q float64) time.Duration {
		return time.Duration(lat[int(q*float64(len(lat)-1))]) * time.Microsecond
	}
	return at(0.50), at(0.99), nil
}

// psql runs SQL on dbURL, stopping at the first error.
func psql(ctx context.Context, dbURL, sql string) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", dbURL)
	cmd.Stdin = strings.NewReader(sql)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("psql: %v: %s", err, out)
	}
	return nil
}

// psqlValue runs one query and returns its single value.
func psqlValue(ctx context.Context, dbURL, query string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "psql", "-X", "-Atq", "-c", query, dbURL).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("psql: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out)), nil
}
