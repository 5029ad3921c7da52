package models

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// pingTimeout bounds the check at start that the database answers: a server behind a
// firewall that drops packets would otherwise hold the start for minutes.
const pingTimeout = 10 * time.Second

// checkURL refuses a database URL whose scheme accountd does not know. Without it a typo
// such as postgress:// became the name of an SQLite file, and the service started on an
// empty database of its own.
func checkURL(databaseURL string) error {
	scheme, _, ok := strings.Cut(databaseURL, "://")
	if !ok || IsPostgresURL(databaseURL) || scheme == "sqlite" {
		return nil
	}
	return fmt.Errorf("ACCOUNTD_DATABASE_URL: unknown scheme %q: want postgres://, postgresql://, sqlite:// or an SQLite file path", scheme)
}

// reachable pings the database within pingTimeout and says clearly when it does not answer.
func (db *DB) reachable(ctx context.Context, databaseURL string) error {
	ctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := db.Ping(ctx); err != nil {
		return fmt.Errorf("database %s does not answer: %w", Describe(databaseURL), redact(err, databaseURL))
	}
	return nil
}

// Describe names a database for logs without its password: postgres://user@host:5432/db, or
// the SQLite file.
func Describe(databaseURL string) string {
	if !IsPostgresURL(databaseURL) {
		path := strings.TrimPrefix(databaseURL, "sqlite://")
		if path == "" {
			path = DefaultSQLitePath
		}
		return "sqlite:" + path
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "postgres (unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}
