package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/spec"
	"github.com/accountd/accountd/handlers/service"
	"github.com/accountd/accountd/testkit"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// screenshotPath is where the docs test keeps its screenshot (build/ is gitignored; CI keeps it
// as an artifact of the run).
const screenshotPath = "../build/docs.png"

// chromium finds Debian's Chromium (scripts/ensure-chromium.sh installs it; ACCOUNTD_CHROMIUM
// names another). Without one the test skips, except in CI, where it must run.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{os.Getenv("ACCOUNTD_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv(testkit.EnvCI) != "" {
		t.Fatal("Chromium is not installed, and CI must run the /docs browser test: run scripts/ensure-chromium.sh (apt-get install chromium)")
	}
	t.Skip("Chromium is not installed (scripts/ensure-chromium.sh installs it); skipping the /docs browser test outside CI")
	return ""
}

// browser starts a headless Chromium that talks to nothing but the server under test; the
// whole session may take 90 seconds.
func browser(t *testing.T, path string) context.Context { return browserFor(t, path, 90*time.Second) }

// browserFor is browser with a session that may take up to limit.
func browserFor(t *testing.T, path string, limit time.Duration) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1280, 900),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelBrowser := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelBrowser(); cancelAlloc() })
	return ctx
}

// pageProblems collects what the page itself reports going wrong: script exceptions, console
// errors (a Content-Security-Policy violation is one), and requests that failed or got >= 400.
type pageProblems struct {
	mu   sync.Mutex
	list []string
}

func (p *pageProblems) add(format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.list = append(p.list, fmt.Sprintf(format, args...))
}

func (p *pageProblems) all() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.list...)
}

func (p *pageProblems) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		desc := d.Text
		if d.Exception != nil {
			desc += " " + d.Exception.Description
		}
		p.add("exception: %s", desc)
	case *cdplog.EventEntryAdded: // Content-Security-Policy violations are logged here
		if ev.Entry.Level == "error" {
			p.add("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == "error" || ev.Type == "assert" {
			p.add("console.%s with %d arguments", ev.Type, len(ev.Args))
		}
	case *network.EventResponseReceived:
		if ev.Response.Status >= 400 {
			p.add("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
		}
	case *network.EventLoadingFailed:
		p.add("request failed: %s (blocked: %s)", ev.ErrorText, ev.BlockedReason)
	}
}

// TestDocsPageInBrowser opens /docs in headless Chromium and checks that Swagger UI renders
// every operation of openapi.yaml (its operationId and summary) under its vendor's tag, under
// the page's strict Content-Security-Policy with nothing blocked, and keeps a screenshot.
func TestDocsPageInBrowser(t *testing.T) {
	path := chromium(t)
	e := newEnv(t, filepath.Join(t.TempDir(), "accountd.db"))

	// The page's policy, as the contract declares it (the contract transport checks the header).
	resp, _ := e.raw(http.MethodGet, "/docs", "", "")
	if got := resp.Header.Get("Content-Security-Policy"); got != service.DocsCSP {
		t.Fatalf("GET /docs: Content-Security-Policy %q, want %q", got, service.DocsCSP)
	}

	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	type op struct{ tag, id, summary string }
	var ops []op
	tags := map[string]bool{}
	for _, p := range doc.Paths.InMatchingOrder() {
		for _, o := range doc.Paths.Value(p).Operations() {
			ops = append(ops, op{o.Tags[0], o.OperationID, o.Summary})
			tags[o.Tags[0]] = true
		}
	}

	ctx := browser(t, path)
	var problems pageProblems
	if err := chromedp.Do(ctx); err != nil { // open the tab, so that the listener sees the page load
		t.Fatalf("starting Chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, problems.listen); err != nil {
		t.Fatal(err)
	}
	// Swagger UI fetches openapi.json and renders; wait until every operation is on the page.
	err = chromedp.Do(ctx, chromedp.Navigate(e.baseURL+"/docs"))
	if err == nil {
		_, err = chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`document.querySelectorAll(".opblock").length >= %d`, len(ops)),
			chromedp.WithPollingInterval(100*time.Millisecond), chromedp.WithPollingTimeout(45*time.Second)))
	}
	if err != nil {
		t.Fatalf("rendering /docs: %v (page problems: %q)", err, problems.all())
	}
	rendered := mustRun(t, ctx, chromedp.Evaluate[int](`document.querySelectorAll(".opblock").length`))
	text := mustRun(t, ctx, chromedp.Text(chromedp.CSS("#swagger-ui")))
	sections := mustRun(t, ctx, chromedp.Evaluate[[]string](
		`[...document.querySelectorAll(".opblock-tag-section .opblock-tag")].map(n => n.getAttribute("data-tag"))`))
	shot := mustRun(t, ctx, chromedp.FullScreenshot(100))
	if rendered != len(ops) {
		t.Errorf("the page shows %d operations, openapi.yaml has %d", rendered, len(ops))
	}
	for _, o := range ops {
		if !strings.Contains(text, o.id) || !strings.Contains(text, o.summary) {
			t.Errorf("operation %s (%q, tag %s) is not listed on /docs", o.id, o.summary, o.tag)
		}
	}
	shown := map[string]bool{}
	for _, tag := range sections {
		shown[tag] = true
	}
	for tag := range tags {
		if !shown[tag] {
			t.Errorf("no section for vendor tag %s on /docs (sections: %v)", tag, shown)
		}
	}
	// The webhooks are on the page too: the description names every event type, the payload and the signature.
	for _, want := range []string{"AccountEvent", "x-webhooks", "webhook-signature", "login.failed_limit", "account.deleted"} {
		if !strings.Contains(text, want) {
			t.Errorf("/docs does not show %q (the webhook events)", want)
		}
	}
	for _, p := range problems.all() {
		t.Errorf("/docs in Chromium: %s", p)
	}

	if err := os.MkdirAll(filepath.Dir(screenshotPath), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(screenshotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot of /docs (%d operations, %d tags): %s", rendered, len(tags), screenshotPath)
}

func mustRun[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
