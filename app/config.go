// Package app wires accountd together: configuration, database, migrations, the account core,
// the HTTP server and the outbox dispatcher. cmd/accountd and the end-to-end tests both use it,
// so the tests run exactly what production runs.
package app

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/models"
)

// Config is accountd's configuration; every field has an ACCOUNTD_* variable and a flag.
type Config struct {
	Addr               string        // ACCOUNTD_ADDR, default :8080
	DatabaseURL        string        // ACCOUNTD_DATABASE_URL: postgres://... or an SQLite path (default accountd.db)
	Secret             string        // ACCOUNTD_SECRET: keys code HMACs and sealed mail; required with PostgreSQL
	SMTPURL            string        // ACCOUNTD_SMTP_URL: smtp://[user:pass@]host:port; empty logs mail instead
	MailFrom           string        // ACCOUNTD_MAIL_FROM
	PublicURL          string        // ACCOUNTD_PUBLIC_URL: base of links in mails
	RecaptchaSecret    string        // ACCOUNTD_RECAPTCHA_SECRET: empty accepts any non-empty recaptcha
	RecaptchaVerifyURL string        // ACCOUNTD_RECAPTCHA_VERIFY_URL: siteverify endpoint
	TrustedProxies     string        // ACCOUNTD_TRUSTED_PROXIES: comma-separated CIDRs whose X-Forwarded-For is believed
	CodeCooldown       time.Duration // ACCOUNTD_CODE_COOLDOWN: least time between two mailed codes of one flow and account (default 60s)
	CodesPerHour       int           // ACCOUNTD_CODES_PER_HOUR: mailed codes of one flow per account or address per hour (default 5)

	envErr error // a malformed ACCOUNTD_* variable, reported by New

	Logger *slog.Logger

	// For tests and tuning; zero values take production defaults.
	Now            func() time.Time
	MailInterval   time.Duration // how often the dispatcher looks for due mail (default 1 s; negative: no background dispatcher)
	ResetFloor     time.Duration // see account.Config.ResetFloor
	PasswordParams *password.Params
}

// Defaults for settings left empty.
const (
	DefaultAddr      = ":8080"
	DefaultMailFrom  = "accountd <no-reply@localhost.localdomain>"
	DefaultPublicURL = "http://localhost:8080"
)

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.MailFrom == "" {
		c.MailFrom = DefaultMailFrom
	}
	if c.PublicURL == "" {
		c.PublicURL = DefaultPublicURL
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
}

// FromEnv reads the ACCOUNTD_* variables.
func FromEnv() Config {
	cfg := Config{
		Addr:               envOr("ACCOUNTD_ADDR", DefaultAddr),
		DatabaseURL:        os.Getenv("ACCOUNTD_DATABASE_URL"),
		Secret:             os.Getenv("ACCOUNTD_SECRET"),
		SMTPURL:            os.Getenv("ACCOUNTD_SMTP_URL"),
		MailFrom:           envOr("ACCOUNTD_MAIL_FROM", DefaultMailFrom),
		PublicURL:          envOr("ACCOUNTD_PUBLIC_URL", DefaultPublicURL),
		RecaptchaSecret:    os.Getenv("ACCOUNTD_RECAPTCHA_SECRET"),
		RecaptchaVerifyURL: os.Getenv("ACCOUNTD_RECAPTCHA_VERIFY_URL"),
		TrustedProxies:     os.Getenv("ACCOUNTD_TRUSTED_PROXIES"),
	}
	cfg.readLimits()
	return cfg
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// ErrSecretRequired explains why a PostgreSQL deployment will not start without a secret.
var ErrSecretRequired = errors.New("ACCOUNTD_SECRET is required with PostgreSQL: every replica must share it " +
	"(it keys the one-time code hashes and the sealed outbox mail), so it cannot be generated per process; " +
	"set it to at least 32 random bytes, e.g. ACCOUNTD_SECRET=$(head -c 48 /dev/urandom | base64)")

// resolveSecret returns the server secret: ACCOUNTD_SECRET when set; with SQLite and no secret,
// one generated once and kept beside the database file (accountd.db -> accountd.secret, mode 0600).
func resolveSecret(cfg Config, db *models.DB) ([]byte, error) {
	if cfg.Secret != "" {
		if len(cfg.Secret) < account.MinSecretLength {
			return nil, fmt.Errorf("ACCOUNTD_SECRET must be at least %d bytes long", account.MinSecretLength)
		}
		return []byte(cfg.Secret), nil
	}
	if db.Dialect == models.Postgres {
		return nil, ErrSecretRequired
	}
	path := strings.TrimSuffix(db.SQLitePath, filepath.Ext(db.SQLitePath)) + ".secret"
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if len(s) < account.MinSecretLength {
			return nil, fmt.Errorf("%s holds a secret shorter than %d bytes", path, account.MinSecretLength)
		}
		return []byte(s), nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	raw := make([]byte, 48)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	s := base64.RawURLEncoding.EncodeToString(raw)
	// O_EXCL: if two processes race to create it, the loser reads the winner's.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return resolveSecret(cfg, db)
	}
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return []byte(s), f.Close()
}
