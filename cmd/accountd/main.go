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
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/models"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, nil) // serve makes its logger from the configuration
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// exitCode reports err and returns the process's exit status: 0 for success and --help, 2 for
// a command line that cannot be understood (the flag package has said why), 1 for everything
// else: a configuration or start-up error (an unknown database scheme, a database that does
// not answer, a malformed SMTP URL), or a refused operator command.
func exitCode(err error, stderr io.Writer) int {
	var ue usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		if ue.msg != "" {
			fmt.Fprintf(stderr, "accountd: %s\n", ue.msg)
		}
		return 2
	}
	fmt.Fprintf(stderr, "accountd: %v\n", err)
	return 1
}

// usageError is a command line that cannot be understood.
type usageError struct {
	msg string // "" when the flag package already printed the reason
	err error
}

func (u usageError) Error() string {
	if u.msg != "" {
		return u.msg
	}
	return u.err.Error()
}

func (u usageError) Unwrap() error { return u.err }

func usagef(format string, args ...any) error {
	return usageError{msg: fmt.Sprintf(format, args...)}
}

// parseFlags parses args; a bad flag is a usage error (the flag package printed it).
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err: err}
	}
	if fs.NArg() > 0 {
		return usagef("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

func run(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error {
	if len(args) > 0 && (args[0] == "help" || args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		printUsage(out)
		return nil
	}
	if len(args) == 0 || args[0] == "" || args[0][0] == '-' {
		return serve(ctx, args, log) // serve is the default
	}
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && slices.Equal(args[:len(words)], words) {
			return c.run(ctx, args[len(words):], out, log)
		}
	}
	var sub []string // a group named without (or with an unknown) subcommand
	for _, c := range commands {
		if group, name, ok := strings.Cut(c.name, " "); ok && group == args[0] {
			sub = append(sub, name)
		}
	}
	if len(sub) > 0 {
		return usagef("usage: accountd %s %s ... (`accountd --help` lists every command)", args[0], strings.Join(sub, "|"))
	}
	return usagef("unknown command %q; `accountd --help` lists them", args[0])
}

// command is one operator command; its own flags are listed by `accountd <name> --help`.
type command struct {
	name, summary string
	run           func(ctx context.Context, args []string, out io.Writer, log *slog.Logger) error
}

var commands = []command{
	{"serve", "start the server (the default)", func(ctx context.Context, args []string, _ io.Writer, log *slog.Logger) error {
		return serve(ctx, args, log)
	}},
	{"migrate", "apply pending database migrations", offline(migrate)},
	{"version", "print the version of this build", offline(printVersion)},
	{"orgs create", "add an organisation", offline(createOrg)},
	{"users create", "add a user, optionally into an organisation with a role", offline(createUser)},
	{"clients create", "add an API client of an organisation (its secret is shown once)", offline(createClient)},
	{"users list", "list users, newest first, with their primary addresses", offline(usersList)},
	{"users show", "one user: addresses, memberships, live sessions and tokens (--user ID or address)", offline(usersShow)},
	{"users disable", "suspend a user and end every login of it (--user)", offline(usersDisable)},
	{"users delete", "delete a user as its owner would (addresses released, a notice mailed) and end its logins (--user)", offline(usersDelete)},
	{"users add-member", "add a user to an organisation (--user, --org, --role)", offline(usersAddMember)},
	{"orgs list", "list organisations with their member counts", offline(orgsList)},
	{"clients list", "list API clients (--org to narrow), never their secrets", offline(clientsList)},
	{"clients revoke", "revoke an API client and its application tokens (--client ID)", offline(clientsRevoke)},
	{"clients rotate-secret", "give an API client a new secret (shown once); the old one stops working (--client ID)", offline(clientsRotateSecret)},
	{"sessions revoke", "end every session and revoke every token of a user (--user)", offline(sessionsRevoke)},
	{"outbox list", "list outbox mail, newest first (--status dead: the dead letters)", offline(outboxList)},
	{"outbox retry", "send mail again: --id ID[,ID...], or every dead letter with --dead", offline(outboxRetry)},
	{"outbox purge", "delete finished mail: --status dead|sent|logged --older-than 720h", offline(outboxPurge)},
}

func offline(fn func(ctx context.Context, args []string, out io.Writer) error) func(context.Context, []string, io.Writer, *slog.Logger) error {
	return func(ctx context.Context, args []string, out io.Writer, _ *slog.Logger) error {
		return fn(ctx, args, out)
	}
}

// printUsage lists every command.
func printUsage(out io.Writer) {
	fmt.Fprintln(out, "accountd: one account service for the account APIs of several vendors, and its operator commands.")
	fmt.Fprintln(out, "\nUsage: accountd <command> [flags]   (`accountd <command> --help` lists its flags)\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(out, "  %-21s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(out, "\nEvery setting is also an ACCOUNTD_* variable (ACCOUNTD_DATABASE_URL: --database-url); a flag wins.")
	fmt.Fprintln(out, "Operator commands print one JSON object.")
}

// printVersion prints the module version and VCS revision this binary was built from.
func printVersion(_ context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("accountd version", flag.ContinueOnError)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v := map[string]string{"version": "(devel)", "go": runtime.Version()}
	if bi, ok := debug.ReadBuildInfo(); ok {
		v["version"] = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				v["revision"] = s.Value
			case "vcs.time":
				v["time"] = s.Value
			}
		}
	}
	return json.NewEncoder(out).Encode(v)
}

// dbFlags binds the flags every command that opens the database has (its database and secret),
// the rest of the configuration coming from the environment: `accountd <command> --help`
// shows only what the command uses.
func dbFlags(name string) (*flag.FlagSet, *app.Config) {
	cfg := app.FromEnv()
	fs := flag.NewFlagSet("accountd "+name, flag.ContinueOnError)
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres:// URL or SQLite file (ACCOUNTD_DATABASE_URL; default accountd.db)")
	fs.StringVar(&cfg.Secret, "secret", cfg.Secret, "server secret, 32+ bytes (ACCOUNTD_SECRET; prefer the variable: flags show in ps)")
	return fs, &cfg
}

// configFlags binds one flag per ACCOUNTD_* variable (serve), defaulting to the environment.
func configFlags(name string) (*flag.FlagSet, *app.Config) {
	fs, cfg := dbFlags(name)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (ACCOUNTD_ADDR)")
	fs.StringVar(&cfg.SMTPURL, "smtp-url", cfg.SMTPURL, "smtp://[user:pass@]host:port or smtps://... (ACCOUNTD_SMTP_URL; empty logs mail)")
	fs.StringVar(&cfg.MailFrom, "mail-from", cfg.MailFrom, "sender address (ACCOUNTD_MAIL_FROM)")
	fs.StringVar(&cfg.MailTemplates, "mail-templates", cfg.MailTemplates, "directory of mail templates and texts replacing the built-in ones of the same name (ACCOUNTD_MAIL_TEMPLATES)")
	fs.StringVar(&cfg.PublicURL, "public-url", cfg.PublicURL, "base of links in mails (ACCOUNTD_PUBLIC_URL)")
	fs.StringVar(&cfg.RecaptchaSecret, "recaptcha-secret", cfg.RecaptchaSecret, "reCAPTCHA secret (ACCOUNTD_RECAPTCHA_SECRET; empty accepts any non-empty value)")
	fs.StringVar(&cfg.RecaptchaVerifyURL, "recaptcha-verify-url", cfg.RecaptchaVerifyURL, "siteverify URL (ACCOUNTD_RECAPTCHA_VERIFY_URL)")
	fs.StringVar(&cfg.TrustedProxies, "trusted-proxies", cfg.TrustedProxies, "comma-separated CIDRs of load balancers whose X-Forwarded-For is believed (ACCOUNTD_TRUSTED_PROXIES)")
	fs.StringVar(&cfg.CORSOrigins, "cors-origins", cfg.CORSOrigins, "comma-separated browser origins allowed to call the API with credentials, e.g. https://app.example.com (ACCOUNTD_CORS_ORIGINS; default: CORS off)")
	fs.IntVar(&cfg.DBMaxConns, "db-max-conns", cfg.DBMaxConns, "PostgreSQL connections per replica (ACCOUNTD_DB_MAX_CONNS; default 16)")
	fs.IntVar(&cfg.ActiveRequests, "active-requests", cfg.ActiveRequests, "requests worked on at once per replica; the others wait for a slot (ACCOUNTD_ACTIVE_REQUESTS; default 256)")
	fs.DurationVar(&cfg.ShutdownGrace, "shutdown-grace", cfg.ShutdownGrace, "after SIGTERM, how long requests in flight and the mail being sent get to finish (ACCOUNTD_SHUTDOWN_GRACE; default 15s)")
	fs.StringVar(&cfg.MetricsAddr, "metrics-addr", cfg.MetricsAddr, "serve GET /metrics on this address (e.g. 127.0.0.1:9090) instead of the API's (ACCOUNTD_METRICS_ADDR; default: the API listener)")
	fs.StringVar(&cfg.LogFormat, "log-format", cfg.LogFormat, "log format: json (one object per line) or text (ACCOUNTD_LOG_FORMAT; default text)")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "least level logged: debug, info, warn or error (ACCOUNTD_LOG_LEVEL; default info)")
	fs.StringVar(&cfg.DebugAddr, "debug-addr", cfg.DebugAddr, "serve Go profiles (pprof) on this address, e.g. 127.0.0.1:6060; keep it private (ACCOUNTD_DEBUG_ADDR; default off)")
	fs.StringVar(&cfg.Dev, "dev", cfg.Dev, "development mode, true or false: accept any recaptcha and log mail when those are not configured (ACCOUNTD_DEV; default: on only for the embedded SQLite default)")
	fs.DurationVar(&cfg.APITokenIdleTimeout, "api-token-idle-timeout", cfg.APITokenIdleTimeout, "refuse API tokens unused this long, e.g. 2160h (ACCOUNTD_API_TOKEN_IDLE_TIMEOUT; default 0: never)")
	fs.DurationVar(&cfg.APITokenLifetime, "api-token-lifetime", cfg.APITokenLifetime, "refuse API tokens this long after issue (ACCOUNTD_API_TOKEN_LIFETIME; default 0: never)")
	fs.DurationVar(&cfg.CodeCooldown, "code-cooldown", cfg.CodeCooldown, "least time between two mailed codes of one flow and account (ACCOUNTD_CODE_COOLDOWN; default 60s)")
	fs.IntVar(&cfg.CodesPerHour, "codes-per-hour", cfg.CodesPerHour, "mailed codes of one flow per account or address per hour (ACCOUNTD_CODES_PER_HOUR; default 5)")
	fs.StringVar(&cfg.AkanaTenant, "akana-tenant", cfg.AkanaTenant, "Akana tenant (fedmember) id: cookie and header names, userFDNs (ACCOUNTD_AKANA_TENANT)")
	fs.DurationVar(&cfg.AkanaSessionTTL, "akana-session-ttl", cfg.AkanaSessionTTL, "Akana session cookie lifetime, e.g. 30m (ACCOUNTD_AKANA_SESSION_TTL; default 30m)")
	return fs, cfg
}

func serve(ctx context.Context, args []string, log *slog.Logger) error {
	fs, cfg := configFlags("serve")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if log == nil {
		var err error
		if log, err = app.NewLogger(cfg.LogFormat, cfg.LogLevel, os.Stderr); err != nil {
			return err
		}
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
	fs, cfg := dbFlags("migrate")
	if err := parseFlags(fs, args); err != nil {
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
	fs, cfg := dbFlags("orgs create")
	name := fs.String("name", "", "organisation name")
	if err := parseFlags(fs, args); err != nil {
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
	fs, cfg := dbFlags("users create")
	fs.StringVar(&cfg.AkanaTenant, "akana-tenant", cfg.AkanaTenant, "Akana tenant of the printed user_fdn (ACCOUNTD_AKANA_TENANT)")
	var in account.CreateUserInput
	fs.StringVar(&in.Email, "email", "", "email address")
	fs.StringVar(&in.Password, "password", "", "password")
	fs.BoolVar(&in.Verified, "verified", false, "mark the address verified")
	fs.StringVar(&in.OrgID, "org", "", "organisation id to join")
	fs.StringVar(&in.Role, "role", "", "role in --org: member, site_admin or business_admin")
	if err := parseFlags(fs, args); err != nil {
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
	fs, cfg := dbFlags("clients create")
	var in account.NewClient
	var scopes string
	fs.StringVar(&in.OrganizationID, "org", "", "organisation id that owns the client")
	fs.StringVar(&in.Name, "name", "", "client name")
	fs.StringVar(&scopes, "scopes", "", "space-separated scopes the client may hold")
	fs.BoolVar(&in.SendsOwnMail, "own-mail", false, "the client mails its users itself: codes are returned, not mailed")
	if err := parseFlags(fs, args); err != nil {
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
