package app_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/mail/templates"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// mailShotDir is where the mail test keeps one screenshot per vendor (build/ is gitignored).
const mailShotDir = "../build/mail"

// TestMailHTMLInBrowser opens the HTML part of one mail per vendor in headless Chromium, under
// a policy that allows nothing but the mail's own inline styles, checks that it renders (the
// heading, the code and the button are visible, nothing else is fetched, nothing is blocked)
// and keeps a screenshot in build/mail/<vendor>.png.
func TestMailHTMLInBrowser(t *testing.T) {
	path := chromium(t)
	r, err := templates.New(templates.Config{From: "accountd <no-reply@accountd.test>"})
	if err != nil {
		t.Fatal(err)
	}
	mails := map[string]templates.Data{
		"webshare": {Kind: "activation", Vendor: "webshare", Locale: "en", Email: "jane@example.com", TTL: time.Hour,
			Link: "https://dashboard.webshare.io/activation/0123456789abcdefABCDEF/confirm/"},
		"payway": {Kind: "email_change", Vendor: "payway", Locale: "de", Email: "new-email@adeprimo.se", TTL: time.Hour,
			Link: "https://www.example.com/confirm?confirmation_code=79025792-56dc-4aa7-8925-73e4cca71a78"},
		"akana": {Kind: "email_change", Vendor: "akana", Locale: "en", Email: "jmead@acmepaymentscorp.com", TTL: time.Hour,
			Code: "Xq3f9vJ2kL8mN4pR7sT1uV6wY0zA5bC2dE8fG3hJ9kL1mN6pQ4rS7tU0vW2xY5z"},
		"rixl":     {Kind: "activation", Vendor: "rixl", Locale: "de", Email: "ann@example.com", TTL: 15 * time.Minute, Code: "042917"},
		"accountd": {Kind: "sessions_revoked", Email: "ops@example.com"},
	}
	pages := map[string]string{}
	for vendor, d := range mails {
		m, err := r.Render(d)
		if err != nil {
			t.Fatal(err)
		}
		pages["/"+vendor] = m.HTML
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		html, ok := pages[req.URL.Path]
		if !ok {
			http.NotFound(w, req)
			return
		}
		// What a careful mail client allows: inline styles, nothing fetched.
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(html))
	}))
	defer srv.Close()
	if err := os.MkdirAll(mailShotDir, 0o755); err != nil {
		t.Fatal(err)
	}

	ctx := browser(t, path)
	var problems pageProblems
	var mu sync.Mutex
	var requested []string
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		problems.listen(ev)
		if ev, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, ev.Request.URL)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	for vendor, d := range mails {
		t.Run(vendor, func(t *testing.T) {
			mu.Lock()
			requested = nil
			mu.Unlock()
			if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/"+vendor)); err != nil {
				t.Fatal(err)
			}
			text := mustRun(t, ctx, chromedp.Text(chromedp.CSS("body")))
			heading := mustRun(t, ctx, chromedp.Evaluate[[]float64](`(() => { const r = document.querySelector("h1").getBoundingClientRect(); return [r.width, r.height] })()`))
			links := mustRun(t, ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("a[href]")].map(a => a.href)`))
			shot := mustRun(t, ctx, chromedp.FullScreenshot(100)) // quality 100: a PNG
			if len(heading) != 2 || heading[0] == 0 || heading[1] == 0 {
				t.Errorf("the heading is not rendered: %v", heading)
			}
			if !strings.Contains(text, d.Email) || (d.Code != "" && !strings.Contains(text, d.Code)) {
				t.Errorf("the page does not show the address or the code:\n%s", text)
			}
			for _, l := range links {
				if l != d.Link {
					t.Errorf("link %q, want only %q", l, d.Link)
				}
			}
			if d.Link != "" && len(links) == 0 {
				t.Error("no link on the page")
			}
			mu.Lock()
			for _, u := range requested {
				if u != srv.URL+"/"+vendor {
					t.Errorf("the mail fetched %s", u)
				}
			}
			mu.Unlock()
			for _, p := range problems.all() {
				t.Errorf("in Chromium: %s", p)
			}
			file := filepath.Join(mailShotDir, vendor+".png")
			if err := os.WriteFile(file, shot, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("screenshot: %s", file)
		})
	}
}
