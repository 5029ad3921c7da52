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
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/mail/templates"
	"github.com/accountd/accountd/models"
)

// Config is accountd's configuration; every field has an ACCOUNTD_* variable and a flag.
type Config struct {
	Addr        string // ACCOUNTD_ADDR, default :8080
	DatabaseURL string // ACCOUNTD_DATABASE_URL: postgres://... or an SQLite path (default accountd.db)
	Secret      string // ACCOUNTD_SECRET: keys code HMACs and sealed mail; required with PostgreSQL
	SMTPURL     string // ACCOUNTD_SMTP_URL: smtp://[user:pass@]host:port; empty logs mail instead
	MailFrom    string // ACCOUNTD_MAIL_FROM
	// MailFromByVendor is a vendor's own sender (ACCOUNTD_MAIL_FROM_WEBSHARE, _PAYWAY, _AKANA,
	// _RIXL), by vendor key; a vendor without one sends as MailFrom.
	MailFromByVendor map[string]string
	// MailTemplates (ACCOUNTD_MAIL_TEMPLATES) is a directory of mail templates and message files
	// that replace the built-in ones of the same name (mail/templates); checked at start.
	MailTemplates string
	// WebhookURL (ACCOUNTD_WEBHOOK_URL) lists the endpoints that receive account events, each
	// URL|SECRET[|TYPES], or @file (webhook.ParseEndpoints); empty: no events are queued.
	WebhookURL         string
	PublicURL          string        // ACCOUNTD_PUBLIC_URL: base of links in mails
	RecaptchaSecret    string        // ACCOUNTD_RECAPTCHA_SECRET: empty accepts any non-empty recaptcha
	RecaptchaVerifyURL string        // ACCOUNTD_RECAPTCHA_VERIFY_URL: siteverify endpoint
	TrustedProxies     string        // ACCOUNTD_TRUSTED_PROXIES: comma-separated CIDRs whose X-Forwarded-For is believed
	DBMaxConns         int           // ACCOUNTD_DB_MAX_CONNS: PostgreSQL connections per replica (default models.DefaultMaxConns)
	ActiveRequests     int           // ACCOUNTD_ACTIVE_REQUESTS: requests worked on at once per replica (default httpapi.DefaultActiveRequests)
	DebugAddr          string        // ACCOUNTD_DEBUG_ADDR: Go profiles (pprof) on this address of its own; empty: off
	ShutdownGrace      time.Duration // ACCOUNTD_SHUTDOWN_GRACE: how long requests in flight get after SIGTERM (default 15 s)
	MetricsAddr        string        // ACCOUNTD_METRICS_ADDR: serve GET /metrics on this address instead of the API's
	LogFormat          string        // ACCOUNTD_LOG_FORMAT: json or text (default); read by cmd/accountd (NewLogger)
	LogLevel           string        // ACCOUNTD_LOG_LEVEL: debug, info (default), warn or error
	CORSOrigins        string        // ACCOUNTD_CORS_ORIGINS: comma-separated browser origins allowed to call the API (with credentials); empty: CORS off
	// Dev (ACCOUNTD_DEV: true/false) allows what only development may do: accept any recaptcha
	// (no ACCOUNTD_RECAPTCHA_SECRET) and write mail to the log (no ACCOUNTD_SMTP_URL). Empty: on
	// only for the embedded SQLite default (no ACCOUNTD_DATABASE_URL). Off, the server refuses
	// to start without both.
	Dev string
	// API token lifetimes (ACCOUNTD_API_TOKEN_IDLE_TIMEOUT, ACCOUNTD_API_TOKEN_LIFETIME, Go
	// durations such as 2160h); 0 keeps tokens until revoked, as Webshare does.
	APITokenIdleTimeout time.Duration
	APITokenLifetime    time.Duration
	// Offline marks a run that serves no requests and sends no mail (operator commands), so the
	// development-mode check does not apply.
	Offline bool
	// Limits of mailed codes, per account and flow (ACCOUNTD_CODE_COOLDOWN, ACCOUNTD_CODES_PER_HOUR):
	// the least time between two codes (default 60s, Rixl's can_resend_at) and how many per hour
	// (default 5; also per address for resends and resets).
	CodeCooldown time.Duration
	CodesPerHour int

	// envErr keeps a malformed variable from FromEnv until New reports it.
	envErr error

	// Akana's settings (handlers/akana).
	AkanaTenant     string        // ACCOUNTD_AKANA_TENANT: Akana's fedmember id (cookie and header names, userFDNs)
	AkanaSessionTTL time.Duration // ACCOUNTD_AKANA_SESSION_TTL: Akana session cookie lifetime (default 30m)

	Logger *slog.Logger

	// For tests and tuning; zero values take production defaults.
	Now            func() time.Time
	MailInterval   time.Duration // how often the dispatcher looks for due mail (default 1 s; negative: no background dispatcher)
	MailLease      time.Duration // how long a claimed outbox batch is reserved for one dispatcher (default 30 s)
	ResetFloor     time.Duration // see account.Config.ResetFloor
	PasswordParams *password.Params
}

// Defaults for settings left empty.
const (
	DefaultAddr     = ":8080"
	DefaultMailFrom = "accountd <no-reply@localhost.localdomain>"
)

func (c *Config) setDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.MailFrom == "" {
		c.MailFrom = DefaultMailFrom
	}
	if c.PublicURL == "" {
		c.PublicURL = ownURL(c.Addr)
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	c.Logger = slog.New(withRequestID(c.Logger.Handler()))
	if c.AkanaTenant == "" {
		c.AkanaTenant = akana.DefaultTenant
	}
}

// FromEnv reads the ACCOUNTD_* variables.
func FromEnv() Config {
	var env envReader
	cfg := Config{
		Addr:                envOr("ACCOUNTD_ADDR", DefaultAddr),
		DatabaseURL:         os.Getenv("ACCOUNTD_DATABASE_URL"),
		Secret:              os.Getenv("ACCOUNTD_SECRET"),
		SMTPURL:             os.Getenv("ACCOUNTD_SMTP_URL"),
		MailFrom:            envOr("ACCOUNTD_MAIL_FROM", DefaultMailFrom),
		MailFromByVendor:    vendorSenders(),
		MailTemplates:       os.Getenv("ACCOUNTD_MAIL_TEMPLATES"),
		WebhookURL:          os.Getenv("ACCOUNTD_WEBHOOK_URL"),
		PublicURL:           os.Getenv("ACCOUNTD_PUBLIC_URL"), // unset: this server's own pages (ownURL)
		RecaptchaSecret:     os.Getenv("ACCOUNTD_RECAPTCHA_SECRET"),
		RecaptchaVerifyURL:  os.Getenv("ACCOUNTD_RECAPTCHA_VERIFY_URL"),
		TrustedProxies:      os.Getenv("ACCOUNTD_TRUSTED_PROXIES"),
		DebugAddr:           os.Getenv("ACCOUNTD_DEBUG_ADDR"),
		MetricsAddr:         os.Getenv("ACCOUNTD_METRICS_ADDR"),
		ShutdownGrace:       env.duration("ACCOUNTD_SHUTDOWN_GRACE"),
		LogFormat:           os.Getenv("ACCOUNTD_LOG_FORMAT"),
		LogLevel:            os.Getenv("ACCOUNTD_LOG_LEVEL"),
		CORSOrigins:         os.Getenv("ACCOUNTD_CORS_ORIGINS"),
		DBMaxConns:          env.count("ACCOUNTD_DB_MAX_CONNS"),
		ActiveRequests:      env.count("ACCOUNTD_ACTIVE_REQUESTS"),
		Dev:                 os.Getenv("ACCOUNTD_DEV"),
		APITokenIdleTimeout: env.duration("ACCOUNTD_API_TOKEN_IDLE_TIMEOUT"),
		APITokenLifetime:    env.duration("ACCOUNTD_API_TOKEN_LIFETIME"),
		CodeCooldown:        env.duration("ACCOUNTD_CODE_COOLDOWN"),
		CodesPerHour:        env.count("ACCOUNTD_CODES_PER_HOUR"),
		AkanaTenant:         envOr("ACCOUNTD_AKANA_TENANT", akana.DefaultTenant),
		AkanaSessionTTL:     env.duration("ACCOUNTD_AKANA_SESSION_TTL"),
	}
	cfg.envErr = env.err
	return cfg
}

// envReader reads typed variables and keeps the first malformed one. The error travels in the
// Config (not a package variable), so one bad environment does not fail every later New.
type envReader struct{ err error }

func (r *envReader) duration(key string) time.Duration {
	v := os.Getenv(key)
	if v == "" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if (err != nil || d < 0) && r.err == nil {
		r.err = fmt.Errorf("%s: %q is not a duration such as 720h", key, v)
	}
	return d
}

func (r *envReader) count(key string) int {
	v := os.Getenv(key)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if (err != nil || n < 0) && r.err == nil {
		r.err = fmt.Errorf("%s: %q is not a count such as 5", key, v)
	}
	return n
}

// devMode resolves Dev: explicit true/false, or on only for the embedded SQLite default.
func (c *Config) devMode() (bool, error) {
	switch strings.ToLower(c.Dev) {
	case "":
		return c.DatabaseURL == "", nil
	case "1", "true", "yes", "on":
		return true, nil
	case "0", "false", "no", "off":
		return false, nil
	}
	return false, fmt.Errorf("ACCOUNTD_DEV: %q is not true or false", c.Dev)
}

// checkProductionSafe refuses to serve, outside development mode, with settings that are only
// safe on a developer's machine.
func (c *Config) checkProductionSafe(log *slog.Logger) error {
	if c.Offline || (c.RecaptchaSecret != "" && c.SMTPURL != "") {
		return nil
	}
	dev, err := c.devMode()
	if err != nil {
		return err
	}
	var unsafe []string
	if c.RecaptchaSecret == "" {
		unsafe = append(unsafe, "no ACCOUNTD_RECAPTCHA_SECRET: any non-empty recaptcha would be accepted")
	}
	if c.SMTPURL == "" {
		unsafe = append(unsafe, "no ACCOUNTD_SMTP_URL: mail, with its live links, would be written to the log")
	}
	if !dev {
		return fmt.Errorf("refusing to start outside development mode: %s; set them, or ACCOUNTD_DEV=true "+
			"on a development machine (development mode is on by default only for the embedded SQLite default)",
			strings.Join(unsafe, "; "))
	}
	for _, u := range unsafe {
		log.Warn("development mode: " + u)
	}
	return nil
}

// vendorSenders reads ACCOUNTD_MAIL_FROM_<VENDOR> for every vendor voice of the mail templates.
func vendorSenders() map[string]string {
	out := map[string]string{}
	for _, v := range templates.Vendors() {
		if from := os.Getenv("ACCOUNTD_MAIL_FROM_" + strings.ToUpper(v)); from != "" {
			out[v] = from
		}
	}
	return out
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
		if err := account.CheckSecret([]byte(cfg.Secret)); err != nil {
			return nil, fmt.Errorf("ACCOUNTD_SECRET: %w", err)
		}
		return []byte(cfg.Secret), nil
	}
	if db.Dialect == models.Postgres {
		return nil, ErrSecretRequired
	}
	path := strings.TrimSuffix(db.SQLitePath, filepath.Ext(db.SQLitePath)) + ".secret"
	if info, err := os.Stat(path); err == nil {
		// A secret others can read (or replace) keys nothing: refuse it rather than use it.
		if perm := info.Mode().Perm(); perm&0o077 != 0 {
			return nil, fmt.Errorf("%s is accessible to other users (mode %04o): run chmod 600 %s", path, perm, path)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		s := strings.TrimSpace(string(b))
		if err := account.CheckSecret([]byte(s)); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
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

// ownURL is the base of links when ACCOUNTD_PUBLIC_URL is unset: this server itself, on the
// port it listens on (":8080" -> http://localhost:8080), so that mailed links open its own
// pages (handlers/pages).
func ownURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
