//go:build faults

package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/mail/mailtest"
	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
)

// secret is the servers' shared ACCOUNTD_SECRET (every replica must have the same).
const secret = "faults-secret-7f3a9c1e5b2d8f4a6c0e2b4d6f8a1c3e5b7d9f"

const goodPassword = "correct-horse-battery"

// cheapHashing keeps in-process servers' argon2id cheap: the faults are in the database and
// the mail, not in hashing. The child process (kill -9) hashes at production cost.
var cheapHashing = password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}

var binary string // the accountd binary, built once by TestMain

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "accountd-faults-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "accountd")
	if out, err := exec.Command("go", "build", "-o", binary, "../cmd/accountd").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "build accountd: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// replica is one accountd serving in this process.
type replica struct {
	app  *app.App
	url  string
	stop func()
}

// startReplica runs an accountd on dbURL in this process, mail to smtpURL, and stops it when
// the test ends (or on stop).
func startReplica(t *testing.T, dbURL, smtpURL string) *replica {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	params := cheapHashing
	a, err := app.New(ctx, app.Config{DatabaseURL: dbURL, Secret: secret, SMTPURL: smtpURL, Dev: "true",
		PasswordParams: &params, TrustedProxies: "127.0.0.1/32", ResetFloor: -1,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
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
	var once sync.Once
	r := &replica{app: a, url: "http://" + l.Addr().String()}
	r.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			a.Close()
		})
	}
	t.Cleanup(r.stop)
	return r
}

// child is accountd running as a process of its own (the built binary).
type child struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	env  []string
	logs *bytes.Buffer
}

// startChild runs `accountd serve` on a free port and waits until /readyz answers 200.
func startChild(t *testing.T, dbURL, smtpURL string, port int) *child {
	t.Helper()
	c := &child{t: t, url: fmt.Sprintf("http://127.0.0.1:%d", port), env: append(os.Environ(),
		"ACCOUNTD_ADDR="+fmt.Sprintf("127.0.0.1:%d", port), "ACCOUNTD_DATABASE_URL="+dbURL, "ACCOUNTD_SECRET="+secret,
		"ACCOUNTD_SMTP_URL="+smtpURL, "ACCOUNTD_DEV=true", "ACCOUNTD_TRUSTED_PROXIES=127.0.0.1/32")}
	c.start()
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

func (c *child) start() {
	c.t.Helper()
	c.logs = &bytes.Buffer{}
	c.cmd = exec.Command(binary, "serve")
	c.cmd.Env, c.cmd.Stdout, c.cmd.Stderr = c.env, c.logs, c.logs
	if err := c.cmd.Start(); err != nil {
		c.t.Fatal(err)
	}
	waitReady(c.t, c.url)
}

// kill ends the process with SIGKILL: no shutdown, nothing flushed.
func (c *child) kill() {
	c.t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		c.t.Fatal(err)
	}
	_ = c.cmd.Wait()
}

func waitReady(t *testing.T, base string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
	}
	t.Fatalf("%s/readyz never answered 200", base)
}

// smtpSink is a real SMTP server on a fixed loopback address that can go down and come back.
type smtpSink struct {
	t    *testing.T
	addr string
	mu   sync.Mutex
	srv  *mailtest.Standalone
	seen []mailtest.Received // what earlier incarnations received
}

func startSMTP(t *testing.T) *smtpSink {
	t.Helper()
	s := &smtpSink{t: t, addr: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	s.up()
	t.Cleanup(s.down)
	return s
}

func (s *smtpSink) URL() string { return "smtp://" + s.addr }

func (s *smtpSink) up() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil {
		return
	}
	var err error
	for i := 0; i < 50; i++ { // the port may linger a moment after down
		if s.srv, err = mailtest.Listen(s.addr, nil); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("smtp up: %v", err)
}

func (s *smtpSink) down() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv == nil {
		return
	}
	s.seen = append(s.seen, s.srv.All()...)
	_ = s.srv.Close()
	s.srv = nil
}

// all is every message received, by every incarnation.
func (s *smtpSink) all() []mailtest.Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := append([]mailtest.Received(nil), s.seen...)
	if s.srv != nil {
		out = append(out, s.srv.All()...)
	}
	return out
}

// mailFigures counts what arrived for addrs: recipients reached, messages, and messages that
// repeat a Message-ID already received (a resend).
type mailFigures struct{ recipients, missing, received, duplicates int }

func (s *smtpSink) figures(addrs []string) mailFigures {
	want := map[string]bool{}
	for _, a := range addrs {
		want[strings.ToLower(a)] = true
	}
	got := map[string]bool{}
	ids := map[string]int{}
	var f mailFigures
	for _, m := range s.all() {
		for _, to := range m.To {
			if want[strings.ToLower(to)] {
				got[strings.ToLower(to)] = true
			}
		}
		f.received++
		if ids[m.MessageID]++; ids[m.MessageID] > 1 {
			f.duplicates++
		}
	}
	f.recipients = len(got)
	f.missing = len(want) - len(got)
	return f
}

// waitMail waits until every address in addrs has mail, and returns how long that took.
func (s *smtpSink) waitMail(t *testing.T, addrs []string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < limit {
		if s.figures(addrs).missing == 0 {
			return time.Since(start)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// load is a steady stream of Webshare registrations (a write and a mail each), spread
// round-robin over targets, each from its own client address (X-Forwarded-For, trusted from
// loopback) so that no per-client limit ends it. Every answer is checked against openapi.yaml.
type load struct {
	t       *testing.T
	targets []string
	prefix  string
	client  *http.Client
	n       atomic.Int64
	stop    chan struct{}
	wg      sync.WaitGroup

	mu        sync.Mutex
	sent      int
	status    map[int]int
	transport int      // no answer (connection refused or cut: the server was gone)
	acked     []string // addresses answered 201
	ackedAt   []time.Time
	bad       []string // answers that are neither 201 nor 503 with Retry-After
}

func startLoad(t *testing.T, workers int, prefix string, targets ...string) *load {
	contract := testkit.LoadContract(t, "../openapi.yaml")
	l := &load{t: t, targets: targets, prefix: prefix, stop: make(chan struct{}), status: map[int]int{},
		client: &http.Client{Timeout: 20 * time.Second, Transport: contract.Transport(t, &http.Transport{MaxIdleConnsPerHost: workers})}}
	for range workers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for {
				select {
				case <-l.stop:
					return
				default:
				}
				l.one()
			}
		}()
	}
	return l
}

// one sends one registration.
func (l *load) one() {
	n := l.n.Add(1)
	addr := fmt.Sprintf("%s-%d@example.com", l.prefix, n)
	body, _ := json.Marshal(map[string]any{"email": addr, "password": goodPassword, "recaptcha": "x", "tos_accepted": true})
	req, _ := http.NewRequest("POST", l.targets[int(n)%len(l.targets)]+"/api/v2/register/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", n>>16&255, n>>8&255, n&255))
	resp, err := l.client.Do(req)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	if err != nil {
		l.transport++
		time.Sleep(10 * time.Millisecond) // the server is gone: do not spin
		return
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	l.status[resp.StatusCode]++
	switch {
	case resp.StatusCode == http.StatusCreated:
		l.acked, l.ackedAt = append(l.acked, addr), append(l.ackedAt, time.Now())
	case resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "":
	default:
		l.bad = append(l.bad, fmt.Sprintf("%d %s", resp.StatusCode, raw))
	}
}

// firstAckAfter is when the first write sent after t was acknowledged (zero: none yet).
func (l *load) firstAckAfter(t time.Time) time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, at := range l.ackedAt {
		if at.After(t) {
			return at
		}
	}
	return time.Time{}
}

// finish stops the load and waits for the requests in flight.
func (l *load) finish() {
	close(l.stop)
	l.wg.Wait()
}

// ackedCount is how many writes have been acknowledged so far.
func (l *load) ackedCount() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.acked)
}

// writeFigures checks every acknowledged registration against the database.
type writeFigures struct{ acked, found, lost, duplicates int }

func checkWrites(t *testing.T, dbURL string, acked []string) writeFigures {
	t.Helper()
	db, err := models.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []struct {
		Address string
		N       int
	}
	if err := db.Raw("SELECT address, count(*) AS n FROM emails GROUP BY address").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	f := writeFigures{acked: len(acked)}
	for _, r := range rows {
		counts[strings.ToLower(r.Address)] = r.N
		if r.N > 1 {
			f.duplicates += r.N - 1
		}
	}
	for _, a := range acked {
		if counts[strings.ToLower(a)] > 0 {
			f.found++
		} else {
			f.lost++
		}
	}
	return f
}

// report prints the load's figures.
func (l *load) report(t *testing.T, w writeFigures) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	codes := make([]int, 0, len(l.status))
	for c := range l.status {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var by []string
	for _, c := range codes {
		by = append(by, fmt.Sprintf("%d: %d", c, l.status[c]))
	}
	t.Logf("requests sent %d; answers %s; no answer %d; acknowledged writes %d, found afterwards %d, lost %d, duplicate rows %d",
		l.sent, strings.Join(by, ", "), l.transport, w.acked, w.found, w.lost, w.duplicates)
	if w.lost > 0 || w.duplicates > 0 {
		t.Errorf("LOST %d acknowledged writes, %d duplicate rows", w.lost, w.duplicates)
	}
	if len(l.bad) > 0 {
		t.Errorf("%d answers neither 201 nor 503 with Retry-After, e.g. %s", len(l.bad), l.bad[0])
	}
}

// outboxFigures summarises the outbox: rows by status, and retries (attempts beyond the first).
func outboxFigures(t *testing.T, dbURL string) string {
	t.Helper()
	db, err := models.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []struct {
		Status  string
		N       int
		Retries int
	}
	if err := db.Raw("SELECT status, count(*) AS n, coalesce(sum(greatest(attempts - 1, 0)), 0) AS retries FROM outbox_messages GROUP BY status ORDER BY status").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var parts []string
	for _, r := range rows {
		parts = append(parts, fmt.Sprintf("%s %d (retries %d)", r.Status, r.N, r.Retries))
	}
	return strings.Join(parts, ", ")
}
