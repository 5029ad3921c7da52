// Command accountd runs the account service and its operator commands.
//
//	accountd [serve]                      start the server (the default)
//	accountd migrate                      apply pending database migrations
//	accountd orgs create --name N         add an organisation
//	accountd users create --email E --password P [--verified] [--org ID --role member|site_admin|business_admin]
//	accountd clients create --org ID --name N --scopes "S1 S2" [--own-mail]   add an API client (secret shown once)
//
// Every ACCOUNTD_* variable has a flag of the same name (ACCOUNTD_DATABASE_URL: --database-url);
// a flag wins over its variable. Operator commands print one JSON object with the new ids.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/models"
)

func main() {
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, log)
	stop()
	if err != nil {
		var e *account.Error
		if errors.As(err, &e) && e.Kind != account.KindInternal {
			fmt.Fprintf(os.Stderr, "accountd: %s\n", err.Error())
			os.Exit(1)
		}
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(os.Stderr, "accountd: %v\n", err)
		}
		os.Exit(2)
	}
}

func run(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, log)
	case "migrate":
		return migrate(ctx, args, out)
	case "clients":
		if len(args) == 0 || args[0] != "create" {
			return errors.New("usage: accountd clients create --org ID --name N --scopes \"...\" [--own-mail]")
		}
		return createClient(ctx, args[1:], out)
	case "orgs", "users":
		if len(args) == 0 || args[0] != "create" {
			//lint:ignore ST1005 a usage line, printed as it is; its "..." stands for the flags
			return fmt.Errorf("usage: accountd %s create ...", cmd)
		}
		if cmd == "orgs" {
			return createOrg(ctx, args[1:], out)
		}
		return createUser(ctx, args[1:], out)
	}
	return fmt.Errorf("unknown command %q (serve, migrate, orgs create, users create, clients create)", cmd)
}

// configFlags binds one flag per ACCOUNTD_* variable, defaulting to the environment.
func configFlags(name string) (*flag.FlagSet, *app.Config) {
	cfg := app.FromEnv()
	fs := flag.NewFlagSet("accountd "+name, flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (ACCOUNTD_ADDR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres:// URL or SQLite file (ACCOUNTD_DATABASE_URL; default accountd.db)")
	fs.StringVar(&cfg.Secret, "secret", cfg.Secret, "server secret, 32+ bytes (ACCOUNTD_SECRET; prefer the variable: flags show in ps)")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", cfg.SMTPURL, "smtp://[user:pass@]host:port or smtps://... (ACCOUNTD_SMTP_URL; empty logs mail)")
	fs.StringVar(&cfg.MailFrom, "mail-from", cfg.MailFrom, "sender address (ACCOUNTD_MAIL_FROM)")
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "base of links in mails (ACCOUNTD_PUBLIC_URL)")
	fs.StringVar(&cfg.RecaptchaSecret, "recaptcha-secret", cfg.RecaptchaSecret, "reCAPTCHA secret (ACCOUNTD_RECAPTCHA_SECRET; empty accepts any non-empty value)")
	fs.StringVar(&cfg.RecaptchaVerifyURL, "recaptcha-verify-url", cfg.RecaptchaVerifyURL, "siteverify URL (ACCOUNTD_RECAPTCHA_VERIFY_URL)")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", cfg.TrustedProxies, "comma-separated CIDRs of load balancers whose X-Forwarded-For is believed (ACCOUNTD_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.CORSOrigins, "cors-origins", cfg.CORSOrigins, "comma-separated browser origins allowed to call the API with credentials, e.g. https://app.example.com (ACCOUNTD_CORS_ORIGINS; default: CORS off)")
	fs.IntVar(&cfg.DBMaxConns, "db-max-conns", cfg.DBMaxConns, "PostgreSQL connections per replica (ACCOUNTD_DB_MAX_CONNS; default 16)")
	fs.StringVar(&cfg.DebugAddr, "debug-addr", cfg.DebugAddr, "serve Go profiles (pprof) on this address, e.g. 127.0.0.1:6060; keep it private (ACCOUNTD_DEBUG_ADDR; default off)")
	fs.StringVar(&cfg.Dev, "dev", cfg.Dev, "development mode, true or false: accept any recaptcha and log mail when those are not configured (ACCOUNTD_DEV; default: on only for the embedded SQLite default)")
	fs.DurationVar(&cfg.APITokenIdleTimeout, "api-token-idle-timeout", cfg.APITokenIdleTimeout, "refuse API tokens unused this long, e.g. 2160h (ACCOUNTD_API_TOKEN_IDLE_TIMEOUT; default 0: never)")
	fs.DurationVar(&cfg.APITokenLifetime, "api-token-lifetime", cfg.APITokenLifetime, "refuse API tokens this long after issue (ACCOUNTD_API_TOKEN_LIFETIME; default 0: never)")
	fs.DurationVar(&cfg.CodeCooldown, "code-cooldown", cfg.CodeCooldown, "least time between two mailed codes of one flow and account (ACCOUNTD_CODE_COOLDOWN; default 60s)")
	fs.IntVar(&cfg.CodesPerHour, "codes-per-hour", cfg.CodesPerHour, "mailed codes of one flow per account or address per hour (ACCOUNTD_CODES_PER_HOUR; default 5)")
	fs.StringVar(&cfg.AkanaTenant, "akana-tenant", cfg.AkanaTenant, "Akana tenant (fedmember) id: cookie and header names, userFDNs (ACCOUNTD_AKANA_TENANT)")
	fs.DurationVar(&cfg.AkanaSessionTTL, "akana-session-ttl", cfg.AkanaSessionTTL, "Akana session cookie lifetime, e.g. 30m (ACCOUNTD_AKANA_SESSION_TTL; default 30m)")
	return fs, &cfg
}

func serve(ctx context.Context, args []string, log *slog.Logger) error {
	fs, cfg := configFlags("serve")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Logger = log
	app.LimitMemory()
	a, err := app.New(ctx, *cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	app.ReleaseStartupMemory()
	return a.ListenAndServe(ctx)
}

func migrate(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := configFlags("migrate")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := models.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	applied, err := models.Migrate(ctx, db)
	if err != nil {
		return err
	}
	if applied == nil {
		applied = []int64{}
	}
	return json.NewEncoder(out).Encode(map[string]any{"applied": applied})
}

func createOrg(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := configFlags("orgs create")
	name := fs.String("name", "", "organisation name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		org, err := core.CreateOrganization(ctx, *name)
		if err != nil {
			return describe(err)
		}
		return json.NewEncoder(out).Encode(map[string]string{"organization_id": org.ID, "name": org.Name})
	})
}

func createUser(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := configFlags("users create")
	var in account.CreateUserInput
	fs.StringVar(&in.Email, "email", "", "email address")
	fs.StringVar(&in.Password, "password", "", "password")
	fs.BoolVar(&in.Verified, "verified", false, "mark the address verified")
	fs.StringVar(&in.OrgID, "org", "", "organisation id to join")
	fs.StringVar(&in.Role, "role", "", "role in --org: member, site_admin or business_admin")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if in.Role != "" && in.OrgID == "" {
		return errors.New("--role needs --org")
	}
	return withCore(ctx, cfg, func(core *account.Service) error {
		u, err := core.CreateUser(ctx, in)
		if err != nil {
			return describe(err)
		}
		// Akana names users by userFDN; operators need it for Akana's /api/users/{UserID}/... calls.
		return json.NewEncoder(out).Encode(struct {
			account.CreatedUser
			UserFDN string `json:"user_fdn"`
		}{u, akana.UserFDN(u.UserID, cfg.AkanaTenant)})
	})
}

func createClient(ctx context.Context, args []string, out io.Writer) error {
	fs, cfg := configFlags("clients create")
	var in account.NewClient
	var scopes string
	fs.StringVar(&in.OrganizationID, "org", "", "organisation id that owns the client")
	fs.StringVar(&in.Name, "name", "", "client name")
	fs.StringVar(&scopes, "scopes", "", "space-separated scopes the client may hold")
	fs.BoolVar(&in.SendsOwnMail, "own-mail", false, "the client mails its users itself: codes are returned, not mailed")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if in.OrganizationID == "" {
		return errors.New("--org is required")
	}
	in.Scopes = strings.Fields(scopes)
	return withCore(ctx, cfg, func(core *account.Service) error {
		c, err := core.CreateClient(ctx, in)
		if err != nil {
			return describe(err)
		}
		return json.NewEncoder(out).Encode(c)
	})
}

// withCore runs fn on a migrated core. The service's own logging is silenced: stdout and
// stderr belong to the command's output.
func withCore(ctx context.Context, cfg *app.Config, fn func(*account.Service) error) error {
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.Offline = true // no requests served, no mail sent: development mode does not matter
	a, err := app.New(ctx, *cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a.Core)
}
