package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// runJSON runs the command and decodes the one JSON object it prints.
func runJSON(t *testing.T, args ...string) map[string]any {
	t.Helper()
	var out bytes.Buffer
	if err := run(context.Background(), args, &out, quiet()); err != nil {
		t.Fatalf("accountd %s: %v", strings.Join(args, " "), err)
	}
	var v map[string]any
	if err := json.Unmarshal(out.Bytes(), &v); err != nil || strings.Count(strings.TrimSpace(out.String()), "\n") != 0 {
		t.Fatalf("accountd %s printed %q, want one JSON object", strings.Join(args, " "), out.String())
	}
	return v
}

func TestOperatorCommands(t *testing.T) {
	db := "--database-url=" + t.TempDir() + "/accountd.db"
	if got := runJSON(t, "migrate", db); len(got["applied"].([]any)) == 0 {
		t.Fatalf("first migrate applied nothing: %v", got)
	}
	if got := runJSON(t, "migrate", db); len(got["applied"].([]any)) != 0 {
		t.Fatalf("second migrate applied %v", got)
	}
	org := runJSON(t, "orgs", "create", db, "--name", "Acme")
	orgID, _ := org["organization_id"].(string)
	if len(orgID) != 24 || org["name"] != "Acme" {
		t.Fatalf("org: %v", org)
	}
	u := runJSON(t, "users", "create", db, "--email", "ops@example.com", "--password", "a-long-passphrase", "--verified", "--org", orgID, "--role", "site_admin")
	if id, _ := u["user_id"].(string); len(id) != 24 || u["organization_id"] != orgID || u["role"] != "site_admin" {
		t.Fatalf("user: %v", u)
	}
	plain := runJSON(t, "users", "create", db, "--email", "plain@example.com", "--password", "a-long-passphrase")
	t.Run("--verified marks the address verified, and only then", func(t *testing.T) {
		for _, c := range []struct {
			user     map[string]any
			verified bool
		}{{u, true}, {plain, false}} {
			if got := addressVerified(t, strings.TrimPrefix(db, "--database-url="), c.user["user_id"].(string)); got != c.verified {
				t.Errorf("user %v: verified %v, want %v", c.user, got, c.verified)
			}
		}
	})
	if id, _ := u["user_id"].(string); u["user_fdn"] != akana.UserFDN(id, akana.DefaultTenant) {
		t.Fatalf("user_fdn: %v", u)
	}

	failures := []struct {
		name string
		args []string
		want string
	}{
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"duplicate address", []string{"users", "create", db, "--email", "OPS@example.com", "--password", "another-passphrase"}, "already in use"},
		{"weak password", []string{"users", "create", db, "--email", "b@example.com", "--password", "short"}, "too short"},
		{"bad role", []string{"users", "create", db, "--email", "c@example.com", "--password", "a-long-passphrase", "--org", orgID, "--role", "king"}, "role"},
		{"unknown org", []string{"users", "create", db, "--email", "d@example.com", "--password", "a-long-passphrase", "--org", "000000000000000000000000"}, "organisation"},
		{"role without org", []string{"users", "create", db, "--email", "e@example.com", "--password", "a-long-passphrase", "--role", "member"}, "--role needs --org"},
		{"empty org name", []string{"orgs", "create", db, "--name", " "}, "name"},
	}
	for _, tc := range failures {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, io.Discard, quiet())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// A PostgreSQL deployment needs a shared secret; the command says so. (Apart from the SQLite
// cases above, so that those run even where PostgreSQL is not available.)
func TestOperatorCommandsNeedASecretOnPostgres(t *testing.T) {
	err := run(context.Background(), []string{"orgs", "create", "--name", "x", "--secret=", "--database-url=" + testkit.PostgresURL(t)}, io.Discard, quiet())
	if err == nil || !strings.Contains(err.Error(), "ACCOUNTD_SECRET is required with PostgreSQL") {
		t.Fatalf("err = %v", err)
	}
}

// addressVerified reads whether the primary address of user is verified, from the database itself.
func addressVerified(t *testing.T, path, userID string) bool {
	t.Helper()
	db, err := models.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var e models.Email
	if err := db.Where("user_id = ? AND is_primary = ?", userID, true).Take(&e).Error; err != nil {
		t.Fatalf("address of %s: %v", userID, err)
	}
	return e.VerifiedAt != nil
}

// listening is a slog handler that reports the address from the "accountd serving" record,
// so the test knows the server is up without polling; it keeps the record's attributes.
type listening struct {
	addr  chan string
	attrs chan map[string]string
}

func (h listening) Enabled(context.Context, slog.Level) bool { return true }
func (h listening) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h listening) WithGroup(string) slog.Handler            { return h }
func (h listening) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "accountd serving" {
		attrs := map[string]string{}
		r.Attrs(func(a slog.Attr) bool {
			attrs[a.Key] = a.Value.String()
			return true
		})
		if h.attrs != nil {
			h.attrs <- attrs
		}
		h.addr <- strings.TrimPrefix(attrs["url"], "http://")
	}
	return nil
}

// serve answers until its context ends, then returns cleanly.
func TestServeShutsDownGracefully(t *testing.T) {
	up := listening{addr: make(chan string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--database-url", t.TempDir() + "/a.db", "--dev=true"}, io.Discard, slog.New(up))
	}()
	var addr string
	select {
	case addr = <-up.addr:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	}
	hc := &http.Client{Transport: testkit.LoadContract(t, "../../openapi.yaml").Transport(t, nil)}
	resp, err := hc.Get("http://" + addr + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve returned %v after shutdown", err)
	}
}

func TestClientsCreate(t *testing.T) {
	db := "--database-url=" + t.TempDir() + "/accountd.db"
	orgID, _ := runJSON(t, "orgs", "create", db, "--name", "Acme")["organization_id"].(string)
	c := runJSON(t, "clients", "create", db, "--org", orgID, "--name", "site", "--scopes", "/external/me/r /external/me/w", "--own-mail")
	id, _ := c["client_id"].(string)
	secret, _ := c["client_secret"].(string)
	if len(id) != 24 || len(secret) < 40 || c["own_mail"] != true || c["organization_id"] != orgID {
		t.Fatalf("client: %v", c)
	}
	if sc, _ := c["scopes"].([]any); len(sc) != 2 || sc[0] != "/external/me/r" {
		t.Fatalf("scopes: %v", c["scopes"])
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no org", []string{"clients", "create", db, "--name", "x"}, "--org is required"},
		{"unknown org", []string{"clients", "create", db, "--org", "000000000000000000000000", "--name", "x"}, "organisation"},
		{"no name", []string{"clients", "create", db, "--org", orgID}, "name"},
		{"no subcommand", []string{"clients"}, "usage"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, io.Discard, quiet())
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// Configuration that cannot work stops the start with a clear error and exit status 1,
// whatever the mode: before, postgress:// silently became the name of an SQLite file.
func TestStartupErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		args []string
		want string
		code int
	}{
		{"unknown database scheme", []string{"serve", "--database-url", "postgress://postgres@127.0.0.1/accountd"}, `unknown scheme "postgress"`, 1},
		{"unknown scheme, operator command", []string{"orgs", "create", "--name", "x", "--database-url", "mysql://db/accountd"}, `unknown scheme "mysql"`, 1},
		{"unreachable database", []string{"serve", "--database-url", "postgres://postgres:hunter22@127.0.0.1:1/accountd?sslmode=disable", "--secret", "s3cr3t-0123456789abcdef-ABCDEFGHIJKLMNOP-xyz"}, "postgres://postgres@127.0.0.1:1/accountd does not answer", 1},
		{"malformed SMTP URL", []string{"serve", "--database-url", dir + "/a.db", "--smtp-url", "smtp://mail.example.com:99999"}, "SMTP URL", 1},
		{"unknown flag", []string{"serve", "--no-such-flag"}, "not defined", 2},
		{"unknown command", []string{"frobnicate"}, "unknown command", 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), tc.args, io.Discard, quiet())
			var stderr bytes.Buffer
			code := exitCode(err, &stderr)
			if code != tc.code || err == nil || !strings.Contains(stderr.String()+err.Error(), tc.want) {
				t.Fatalf("exit %d, stderr %q, err %v; want %d and %q", code, stderr.String(), err, tc.code, tc.want)
			}
			if strings.Contains(stderr.String(), "hunter22") {
				t.Fatalf("the password is in the error: %s", stderr.String())
			}
		})
	}
}

// The start-up line says the mode, the database (without password), where mail goes, the URL
// and /docs.
func TestStartupLine(t *testing.T) {
	up := listening{addr: make(chan string, 1), attrs: make(chan map[string]string, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--database-url", t.TempDir() + "/a.db", "--dev=true",
			"--smtp-url", "smtp://mailer:hunter22@127.0.0.1:2525"}, io.Discard, slog.New(up))
	}()
	var attrs map[string]string
	select {
	case attrs = <-up.attrs:
	case err := <-done:
		t.Fatalf("serve ended early: %v", err)
	}
	cancel()
	<-done
	url := "http://" + <-up.addr
	if attrs["mode"] != "development" || !strings.HasPrefix(attrs["database"], "sqlite:") || attrs["mail"] != "smtp://127.0.0.1:2525" ||
		attrs["url"] != url || attrs["docs"] != url+"/docs" {
		t.Fatalf("start-up line %v", attrs)
	}
	for _, v := range attrs {
		if strings.Contains(v, "hunter22") {
			t.Fatalf("the start-up line shows the SMTP password: %v", attrs)
		}
	}
}

// An operator command checks the mail settings of its environment as serve does.
func TestStartupErrorsOfOperatorCommands(t *testing.T) {
	t.Setenv("ACCOUNTD_SMTP_URL", "smtp//nohost")
	err := run(context.Background(), []string{"orgs", "create", "--name", "x", "--database-url", t.TempDir() + "/b.db"}, io.Discard, quiet())
	var stderr bytes.Buffer
	if code := exitCode(err, &stderr); code != 1 || !strings.Contains(stderr.String(), "SMTP") {
		t.Fatalf("exit %d, %q", code, stderr.String())
	}
}

// --help lists every command; a command's --help lists only its own flags; version prints
// one JSON object.
func TestHelpAndVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, &out, quiet()); err != nil {
		t.Fatal(err)
	}
	for _, c := range commands {
		if !strings.Contains(out.String(), "  "+c.name+" ") {
			t.Errorf("--help does not list %q:\n%s", c.name, out.String())
		}
	}
	if v := runJSON(t, "version"); v["version"] == "" || v["go"] == "" {
		t.Errorf("version: %v", v)
	}
	for _, tc := range []struct {
		cmd         []string
		has, hasNot []string
	}{
		{[]string{"outbox", "retry"}, []string{"-id", "-dead", "-database-url"}, []string{"-addr", "-smtp-url", "-name"}},
		{[]string{"orgs", "create"}, []string{"-name", "-database-url"}, []string{"-addr", "-recaptcha-secret", "-status"}},
		{[]string{"serve"}, []string{"-addr", "-smtp-url", "-log-format", "-shutdown-grace"}, []string{"-status", "-name"}},
	} {
		help := helpOf(t, tc.cmd)
		for _, f := range tc.has {
			if !strings.Contains(help, "  "+f+" ") && !strings.Contains(help, "  "+f+"\n") {
				t.Errorf("%v --help lacks %s:\n%s", tc.cmd, f, help)
			}
		}
		for _, f := range tc.hasNot {
			if strings.Contains(help, "  "+f+" ") || strings.Contains(help, "  "+f+"\n") {
				t.Errorf("%v --help shows %s, not its flag", tc.cmd, f)
			}
		}
	}
}

// helpOf runs `accountd <cmd> --help` and returns what the flag package printed (to stderr).
func helpOf(t *testing.T, cmd []string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stderr
	os.Stderr = w
	runErr := run(context.Background(), append(cmd, "--help"), io.Discard, quiet())
	os.Stderr = saved
	w.Close()
	b, _ := io.ReadAll(r)
	if code := exitCode(runErr, io.Discard); code != 0 {
		t.Fatalf("%v --help: exit %d (%v)", cmd, code, runErr)
	}
	return string(b)
}
