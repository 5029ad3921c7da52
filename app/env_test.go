package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/client"
	"github.com/accountd/accountd/mail/mailtest"
	"github.com/accountd/accountd/testkit"
)

// publicURL is the base of links in the mails the tests read back.
const publicURL = "https://dashboard.example.test"

// testSecret is a fixed ACCOUNTD_SECRET for the tests.
const testSecret = "test-secret-0123456789abcdef0123456789abcdef"

// cheapHashing keeps argon2id's shape but not its cost, so suites with hundreds of hashes stay fast.
var cheapHashing = password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// clock is a settable clock: tests expire codes and cooldowns by moving it, never by sleeping.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// env is one running accountd: a real HTTP server on loopback, a real SMTP server, a database
// of the backend under test, and a generated client whose every response is checked against
// openapi.yaml.
type env struct {
	t        testing.TB
	app      *app.App
	smtp     *mailtest.Server
	clock    *clock
	contract *testkit.Contract
	http     *http.Client // contract-checked, for hand-made requests
	api      *client.ClientWithResponses
	baseURL  string
}

type envOption func(*app.Config)

// forEachBackend runs fn once on SQLite and once on PostgreSQL.
func forEachBackend(t *testing.T, fn func(t *testing.T, dsn string)) {
	for _, b := range testkit.Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.DSN(t)) })
	}
}

func newEnv(t testing.TB, dsn string, opts ...envOption) *env {
	t.Helper()
	smtp := mailtest.Start(t)
	clk := &clock{now: time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)}
	params := cheapHashing
	cfg := app.Config{
		DatabaseURL: dsn, Secret: testSecret, SMTPURL: smtp.URL(), MailFrom: "accountd <no-reply@accountd.test>",
		PublicURL: publicURL, Now: clk.Now, MailInterval: -1, ResetFloor: -1, PasswordParams: &params, Dev: "true",
		Logger: slog.New(suiteHandler(t)),
	}
	for _, o := range opts {
		o(&cfg)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, cfg)
	if err != nil {
		cancel()
		t.Fatalf("app.New: %v", err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	contract := testkit.LoadContract(t, "../openapi.yaml")
	hc := &http.Client{Transport: secretCollector{contract.Transport(t, nil)}}
	base := "http://" + l.Addr().String()
	api, err := client.NewClientWithResponses(base, client.WithHTTPClient(hc))
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, app: a, smtp: smtp, clock: clk, contract: contract, http: hc, api: api, baseURL: base}
	t.Cleanup(func() {
		if contract.Checked() == 0 {
			t.Errorf("no response went through the contract check")
		}
	})
	return e
}

// token authenticates a generated-client call with a Webshare API token.
func token(tok string) client.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Token "+tok)
		return nil
	}
}

// deliver runs the outbox dispatcher once, synchronously: every mail due now reaches the SMTP
// server before it returns, so tests read mail without waiting.
func (e *env) deliver() int {
	e.t.Helper()
	n, err := e.app.Dispatcher.DeliverDue(context.Background())
	if err != nil {
		e.t.Fatalf("deliver: %v", err)
	}
	return n
}

// mailsTo delivers due mail and returns everything received for addr so far.
func (e *env) mailsTo(addr string) []mailtest.Received {
	e.t.Helper()
	e.deliver()
	return e.smtp.For(addr)
}

// lastLink delivers due mail and returns the code in the newest link to addr that starts with
// publicURL+path; the link must have the dashboard shape {PUBLIC_URL}{path}{code}/confirm/.
func (e *env) lastLink(addr, path string) string {
	e.t.Helper()
	mails := e.mailsTo(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if link, ok := mailtest.FindLink(mails[i].Text, publicURL+path); ok {
			code := strings.TrimPrefix(link, publicURL+path)
			if !strings.HasSuffix(code, "/confirm/") {
				e.t.Fatalf("link %q does not end in /confirm/", link)
			}
			return strings.TrimSuffix(code, "/confirm/")
		}
	}
	e.t.Fatalf("no mail to %s with a link %s%s...; got %d mails", addr, publicURL, path, len(mails))
	return ""
}

// raw sends a hand-made request through the contract-checked client.
func (e *env) raw(method, path, contentType, body string, headers ...string) (*http.Response, string) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.baseURL+path, strings.NewReader(body))
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := e.http.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

type mailReceived = mailtest.Received
