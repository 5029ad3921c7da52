package models

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
)

// Dialects.
const (
	Postgres = "postgres"
	SQLite   = "sqlite"
)

// DefaultSQLitePath is where the embedded database lives when no URL is configured.
const DefaultSQLitePath = "accountd.db"

// DB is an open database with its dialect.
type DB struct {
	*gorm.DB
	Dialect string
	// SQLitePath is the file of an SQLite database ("" for PostgreSQL).
	SQLitePath string
}

// DefaultMaxConns is the PostgreSQL pool size when none is configured: enough connections that
// requests waiting for one do not become the limit before PostgreSQL's CPU does (load
// benchmark, bench/results.md), few enough for PostgreSQL's default max_connections of 100
// to serve a few replicas.
const DefaultMaxConns = 16

// Pool sizes the PostgreSQL connection pool (SQLite always uses one connection).
type Pool struct {
	MaxConns int // open connections at most, all kept idle between requests; 0: DefaultMaxConns
	// Tracer sees every statement sent to PostgreSQL, BEGIN and COMMIT included (the tests
	// that count a flow's round trips); nil for none.
	Tracer pgx.QueryTracer
}

// Open opens ACCOUNTD_DATABASE_URL: postgres:// or postgresql:// URLs use PostgreSQL; anything
// else is an SQLite file path (default accountd.db). It checks that the database answers.
func Open(ctx context.Context, databaseURL string, pool ...Pool) (*DB, error) {
	if err := checkURL(databaseURL); err != nil {
		return nil, err
	}
	cfg := &gorm.Config{TranslateError: true, Logger: logger.Discard, NowFunc: func() time.Time { return time.Now().UTC() },
		// A lone Create/Update/Delete is one statement, atomic by itself; GORM's default wraps
		// each in BEGIN ... COMMIT, three round trips for one (our models have no associations
		// or hooks that would write more). Several writes that belong together use Transaction.
		SkipDefaultTransaction: true}
	if IsPostgresURL(databaseURL) {
		var p Pool
		if len(pool) > 0 {
			p = pool[0]
		}
		dialector := postgres.Open(databaseURL)
		if p.Tracer != nil {
			conn, err := pgx.ParseConfig(databaseURL)
			if err != nil {
				return nil, fmt.Errorf("database URL %s: %w", Describe(databaseURL), redact(err, databaseURL))
			}
			conn.Tracer = p.Tracer
			dialector = postgres.New(postgres.Config{Conn: stdlib.OpenDB(*conn)})
		}
		gdb, err := gorm.Open(dialector, cfg)
		if err != nil {
			return nil, fmt.Errorf("database %s does not answer: %w", Describe(databaseURL), redact(err, databaseURL))
		}
		sqlDB, err := gdb.DB()
		if err != nil {
			return nil, err
		}
		maxConns := DefaultMaxConns
		if p.MaxConns > 0 {
			maxConns = p.MaxConns
		}
		sqlDB.SetMaxOpenConns(maxConns)
		sqlDB.SetMaxIdleConns(maxConns)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		db := &DB{DB: gdb, Dialect: Postgres}
		if err := db.reachable(ctx, databaseURL); err != nil {
			_ = db.Close()
			return nil, err
		}
		return db, nil
	}
	path := databaseURL
	if path == "" {
		path = DefaultSQLitePath
	}
	path = strings.TrimPrefix(path, "sqlite://")
	if err := createPrivate(path); err != nil {
		return nil, err
	}
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	gdb, err := gorm.Open(sqlite.Open(dsn), cfg)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	sqlDB, err := gdb.DB()
	if err != nil {
		return nil, err
	}
	// One connection: SQLite allows one writer, and a single connection turns lock contention
	// into queueing instead of SQLITE_BUSY errors.
	sqlDB.SetMaxOpenConns(1)
	db := &DB{DB: gdb, Dialect: SQLite, SQLitePath: path}
	return db, db.Ping(ctx)
}

// createPrivate creates the SQLite file with mode 0600 when it does not exist yet: it holds
// password hashes and sealed mail. SQLite creates the -wal and -shm files with the mode of
// the database file, so they are private too. An existing file is left as it is.
func createPrivate(path string) error {
	if path == ":memory:" || strings.HasPrefix(path, "file:") {
		return nil
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create sqlite %s: %w", path, err)
	}
	return f.Close()
}

// IsPostgresURL tells whether a database URL selects PostgreSQL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.PingContext(ctx)
}

// Close closes the pool.
func (db *DB) Close() error {
	sqlDB, err := db.DB.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// redact keeps a password in a database URL out of error messages.
func redact(err error, rawURL string) error {
	u, perr := url.Parse(rawURL)
	if perr != nil || u.User == nil {
		return err
	}
	if pw, ok := u.User.Password(); ok && pw != "" {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "****"))
	}
	return err
}
