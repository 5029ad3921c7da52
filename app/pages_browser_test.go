package app_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/testkit"
	"github.com/chromedp/cdproto/cdp"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// shotsDir is where the pages test keeps its screenshots, a phone-sized and a desktop one of
// every page it sees (build/ is gitignored; CI keeps it as an artifact).
const shotsDir = "../build/pages"

// axePath is axe-core, pinned in package.json (scripts/npm-tools.sh installs it).
const axePath = "../node_modules/axe-core/axe.min.js"

// axeTags are the rules the pages must pass: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const axeTags = `["wcag2a","wcag2aa","wcag21a","wcag21aa","wcag22a","wcag22aa"]`

// pageTab is a Chromium tab on the pages: every page it opens is photographed at two sizes,
// checked with axe-core and watched for what the page itself reports going wrong.
type pageTab struct {
	t        *testing.T
	ctx      context.Context
	axe      string
	problems pageProblems
	pages    int
}

func newPageTab(t *testing.T) *pageTab {
	path := chromium(t)
	axe, err := os.ReadFile(axePath)
	if err != nil {
		if os.Getenv(testkit.EnvCI) != "" {
			t.Fatalf("axe-core is not installed (%v): run scripts/npm-tools.sh", err)
		}
		t.Skipf("axe-core is not installed (%v; scripts/npm-tools.sh installs it); skipping the pages browser test outside CI", err)
	}
	if err := os.MkdirAll(shotsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// Some thirty pages, each photographed twice and checked twice: more than the docs test's
	// 90 seconds on a loaded machine.
	b := &pageTab{t: t, ctx: browserFor(t, path, 5*time.Minute), axe: string(axe)}
	if err := chromedp.Do(b.ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	// Only what the page does wrong: script errors, blocked loads, policy violations. The
	// pages' own 4xx answers are expected and checked by status.
	if err := chromedp.Listen(b.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == "error" && ev.Entry.Source != "network" {
				b.problems.add("browser log (%s): %s %s", ev.Entry.Source, ev.Entry.Text, ev.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			b.problems.add("exception: %s", ev.ExceptionDetails.Text)
		}
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, p := range b.problems.all() {
			t.Errorf("pages in Chromium: %s", p)
		}
		t.Logf("%d pages photographed (phone and desktop) under %s", b.pages, shotsDir)
	})
	return b
}

// open navigates to url, checks the status and headers, and looks at the page.
func (b *pageTab) open(url string, status int, shot string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(url))
	if err != nil {
		b.t.Fatalf("opening %s: %v", shot, err)
	}
	b.arrived(resp.Status, resp.Headers, status, shot)
}

// submit clicks the form's button and looks at the answer.
func (b *pageTab) submit(status int, shot string) {
	b.t.Helper()
	resp, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS("form button[type=submit]")))
	if err != nil {
		b.t.Fatalf("submitting for %s: %v", shot, err)
	}
	b.arrived(resp.Status, resp.Headers, status, shot)
}

func (b *pageTab) arrived(got int64, hdr map[string]any, want int, shot string) {
	b.t.Helper()
	if int(got) != want {
		b.t.Fatalf("%s: status %d, want %d; page says %q", shot, got, want, b.text())
	}
	h := http.Header{}
	for k, v := range hdr {
		h.Set(k, fmt.Sprint(v))
	}
	wantPageHeaders(b.t, h, shot)
	b.look(shot)
}

// fill sets the form's fields, by id.
func (b *pageTab) fill(kv ...string) {
	b.t.Helper()
	for i := 0; i+1 < len(kv); i += 2 {
		if err := chromedp.Do(b.ctx, chromedp.SetValue(chromedp.ID(kv[i]), kv[i+1])); err != nil {
			b.t.Fatalf("filling %s: %v", kv[i], err)
		}
	}
}

func (b *pageTab) title() string {
	b.t.Helper()
	return mustRun(b.t, b.ctx, chromedp.Text(chromedp.CSS("h1")))
}

func (b *pageTab) text() string {
	s, _ := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS("main")))
	return s
}

// wantTitle checks the page's heading, and that the text says each of says.
func (b *pageTab) wantTitle(title string, says ...string) {
	b.t.Helper()
	if got := b.title(); got != title {
		b.t.Fatalf("page title %q, want %q (page: %q)", got, title, b.text())
	}
	text := b.text()
	for _, s := range says {
		if !strings.Contains(text, s) {
			b.t.Errorf("page %q does not say %q: %q", title, s, text)
		}
	}
}

// look photographs the page phone-sized and desktop-sized and runs axe-core on it.
func (b *pageTab) look(shot string) {
	b.t.Helper()
	if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](b.axe+"\n;true")); err != nil {
		b.t.Fatalf("injecting axe-core: %v", err)
	}
	for _, size := range []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"phone", 390, 844, true}, {"desktop", 1280, 900, false}} {
		opts := []chromedp.EmulateViewportOption{chromedp.EmulateScale(2)}
		if size.mobile {
			opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
		} else {
			opts = []chromedp.EmulateViewportOption{chromedp.EmulateScale(1)}
		}
		if err := chromedp.Do(b.ctx, chromedp.EmulateViewport(size.width, size.height, opts...)); err != nil {
			b.t.Fatal(err)
		}
		png := mustRun(b.t, b.ctx, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(shotsDir, shot+"-"+size.name+".png"), png, 0o644); err != nil {
			b.t.Fatal(err)
		}
		// Axe at both sizes: the phone layout is a layout of its own (reflow, target sizes).
		b.axeCheck(shot + " (" + size.name + ")")
	}
	b.pages++
}

// axeCheck runs axe-core, injected by look through DevTools (which the page's policy does not
// govern: the page itself runs no script), and fails on any violation of WCAG A or AA.
func (b *pageTab) axeCheck(what string) {
	b.t.Helper()
	violations := mustRun(b.t, b.ctx, chromedp.Evaluate[[]string](`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}, resultTypes: ["violations"]})
  .then(r => r.violations.map(v => v.id + " (" + v.impact + "): " + v.help + " at " + v.nodes.map(n => n.target.join(" ")).join(", ")))`,
		chromedp.EvalAwaitPromise))
	for _, v := range violations {
		b.t.Errorf("axe-core, %s: %s", what, v)
	}
}

// TestPagesInBrowser reads each mail of each vendor from the SMTP server, opens its link in
// headless Chromium, checks that opening it changed nothing, confirms on the page, and checks
// through the API that the account changed; then the same for the undo link of an email
// change. Every page is photographed and checked with axe-core.
func TestPagesInBrowser(t *testing.T) {
	b := newPageTab(t)
	e := newAkanaEnv(t, filepath.Join(t.TempDir(), "accountd.db"))

	step(t, "axe-core reports a violation where there is one", func(t *testing.T) {
		if err := chromedp.Do(b.ctx, chromedp.Navigate(`data:text/html,<!doctype html><title>x</title><input id="nolabel">`)); err != nil {
			t.Fatal(err)
		}
		mustRun(t, b.ctx, chromedp.Evaluate[bool](b.axe+"\n;true"))
		n := mustRun(t, b.ctx, chromedp.Evaluate[int](`axe.run(document, {runOnly: {type: "tag", values: `+axeTags+`}}).then(r => r.violations.length)`,
			chromedp.EvalAwaitPromise))
		if n == 0 {
			t.Fatal("axe-core found nothing wrong with an unlabelled input in a page without lang: the check cannot fail")
		}
	})

	step(t, "Webshare activation", func(t *testing.T) {
		tok := e.register("ann@example.com", goodPassword)
		b.open(e.pageLink("ann@example.com", "/activation/"), 200, "webshare-activation")
		b.wantTitle("Confirm your email address", "a***@example.com")
		if _, st, body := e.activation(tok); st == nil || st.EmailIsVerified {
			t.Fatalf("opening the link verified the address: %s", body)
		}
		b.submit(200, "webshare-activation-done")
		b.wantTitle("Your address is confirmed")
		if _, st, body := e.activation(tok); st == nil || !st.EmailIsVerified {
			t.Fatalf("the page did not verify the address: %s", body)
		}
		b.open(e.pageLink("ann@example.com", "/activation/"), 404, "link-used")
		b.wantTitle("This link no longer works", "Nothing was changed")
	})

	step(t, "Webshare reset password", func(t *testing.T) {
		tok := e.login("ann@example.com", goodPassword)
		e.askReset("ann@example.com")
		b.open(e.pageLink("ann@example.com", "/resetpassword/"), 200, "webshare-reset")
		b.wantTitle("Choose a new password", "a***@example.com")
		b.fill("new_password", "staple-lantern-orbit", "new_password_again", "staple-lantern-orbiT")
		b.submit(400, "webshare-reset-mismatch")
		b.wantTitle("Choose a new password", "The two password fields didn’t match.")
		b.fill("new_password", "password", "new_password_again", "password")
		b.submit(400, "webshare-reset-weak")
		b.wantTitle("Choose a new password", "This password is too common.")
		if e.loginStatus("ann@example.com", goodPassword) != http.StatusOK {
			t.Fatal("a refused form changed the password")
		}
		b.fill("new_password", "staple-lantern-orbit", "new_password_again", "staple-lantern-orbit")
		b.submit(200, "webshare-reset-done")
		b.wantTitle("Your password is changed")
		if e.loginStatus("ann@example.com", "staple-lantern-orbit") != http.StatusOK || e.loginStatus("ann@example.com", goodPassword) == http.StatusOK {
			t.Fatal("the page did not set the new password")
		}
		if s, _, _ := e.activation(tok); s != http.StatusUnauthorized {
			t.Fatalf("a token from before the reset still works: %d", s)
		}
	})

	var webshareTok string
	step(t, "Webshare change email, then undo it from the old address", func(t *testing.T) {
		tok := e.login("ann@example.com", "staple-lantern-orbit")
		if s, _, raw := e.changeEmail(tok, "staple-lantern-orbit", "ann.new@example.com"); s != http.StatusNoContent {
			t.Fatalf("change email: %d %s", s, raw)
		}
		b.open(e.pageLink("ann.new@example.com", "/changeemail/"), 200, "webshare-changeemail")
		b.wantTitle("Confirm your new email address", "a***@example.com", "a***@example.com")
		if e.loginStatus("ann@example.com", "staple-lantern-orbit") != http.StatusOK {
			t.Fatal("opening the link changed the address")
		}
		b.fill("password", "not-the-password")
		b.submit(400, "webshare-changeemail-wrong-password")
		b.wantTitle("Confirm your new email address", "That password is not correct.")
		b.fill("password", "staple-lantern-orbit")
		b.submit(200, "webshare-changeemail-done")
		b.wantTitle("Your address is changed")
		if e.loginStatus("ann.new@example.com", "staple-lantern-orbit") != http.StatusOK || e.loginStatus("ann@example.com", "staple-lantern-orbit") == http.StatusOK {
			t.Fatal("the page did not change the address")
		}
		webshareTok = e.login("ann.new@example.com", "staple-lantern-orbit")

		undo := e.pageLink("ann@example.com", "/undo-email-change/")
		b.open(undo, 200, "undo-email-change")
		b.wantTitle("Undo the change of your email address", "a***@example.com")
		if s, _, _ := e.activation(webshareTok); s != http.StatusOK {
			t.Fatalf("opening the undo link ended a session: %d", s)
		}
		b.submit(200, "undo-email-change-done")
		b.wantTitle("The change is undone")
		if e.loginStatus("ann@example.com", "staple-lantern-orbit") != http.StatusOK || e.loginStatus("ann.new@example.com", "staple-lantern-orbit") == http.StatusOK {
			t.Fatal("the undo did not restore the old address")
		}
		if s, _, _ := e.activation(webshareTok); s != http.StatusUnauthorized {
			t.Fatalf("a token from before the undo still works: %d", s)
		}
		// A reset went to the restored address, the replaced one was told.
		b.open(e.pageLink("ann@example.com", "/resetpassword/"), 200, "undo-reset")
		if e.mailCount("ann.new@example.com", "was undone from a link mailed to ann@example.com") != 1 {
			t.Fatal("the replaced address got no notice of the undo")
		}
		b.open(undo, 404, "undo-used")
		if n := e.auditCount("email_change_undone", "ann@example.com"); n != 1 {
			t.Fatalf("%d audit events email_change_undone, want 1", n)
		}
	})

	step(t, "Payway email change without confirmation_url", func(t *testing.T) {
		p, tok := e.paywayMember("pay@example.com")
		p.requestEmailChange(tok, "pay.new@example.com")
		b.open(e.pageLink("pay.new@example.com", "/email_change/confirm?confirmation_code="), 200, "payway-email-change")
		b.wantTitle("Confirm your new email address", "p***@example.com")
		if got := p.meEmail(tok); got != "pay@example.com" {
			t.Fatalf("opening the link changed the address to %s", got)
		}
		b.fill("password", goodPassword)
		b.submit(200, "payway-email-change-done")
		if got := p.meEmail(tok); got != "pay.new@example.com" {
			t.Fatalf("after the page, /me says %s", got)
		}
	})

	step(t, "Payway reset password", func(t *testing.T) {
		p, _ := e.paywayMember("payreset@example.com")
		p.requestReset("payreset@example.com", "https://shop.example.com/account")
		b.open(e.pageLink("payreset@example.com", "/reset_password?id="), 200, "payway-reset")
		b.wantTitle("Choose a new password", "p***@example.com")
		b.fill("new_password", "short", "new_password_again", "short")
		b.submit(400, "payway-reset-short")
		b.wantTitle("Choose a new password", "at least 6 characters")
		b.fill("new_password", "lantern", "new_password_again", "lantern")
		b.submit(200, "payway-reset-done")
		b.wantTitle("Your password is changed", "Continue to shop.example.com")
		if p.grantStatus("payreset@example.com", "lantern") != http.StatusOK || p.grantStatus("payreset@example.com", goodPassword) == http.StatusOK {
			t.Fatal("the page did not set Payway's new password")
		}
	})

	step(t, "Rixl reset password", func(t *testing.T) {
		e.rixlSignup("rix@example.com")
		e.rixlRequestReset("rix@example.com")
		b.open(e.pageLink("rix@example.com", "/auth/reset-password?token="), 200, "rixl-reset")
		b.wantTitle("Choose a new password", "r***@example.com")
		e.rixlLogin("rix@example.com", goodPassword) // opening it changed nothing
		b.fill("new_password", "staple-lantern-orbit", "new_password_again", "staple-lantern-orbit")
		b.submit(200, "rixl-reset-done")
		e.rixlLogin("rix@example.com", "staple-lantern-orbit")
	})

	step(t, "Akana email change code", func(t *testing.T) {
		u := e.akanaAccount("ak@example.com", "", "")
		if s, _, raw := u.sendEmailChangeCode(u.fdn, "ak.new@example.com"); s != http.StatusOK {
			t.Fatalf("sendEmailChangeCode: %d %s", s, raw)
		}
		code := e.mailedCode("ak.new@example.com")
		b.open(e.pageLink("ak.new@example.com", "/enter-code/email-change/"), 200, "akana-email-change")
		b.wantTitle("Confirm your new email address")
		b.fill("code", code+"x", "password", goodPassword)
		b.submit(400, "akana-email-change-bad-code")
		b.wantTitle("Confirm your new email address", "That code does not work")
		b.fill("code", code, "password", goodPassword)
		b.submit(200, "akana-email-change-done")
		e.browser().login("ak.new@example.com", goodPassword)
	})

	step(t, "Akana password reset code", func(t *testing.T) {
		anon := e.browser()
		anon.requestReset("ak.new@example.com")
		code := e.mailedCode("ak.new@example.com")
		b.open(e.pageLink("ak.new@example.com", "/enter-code/password-reset/"), 200, "akana-reset")
		b.wantTitle("Choose a new password")
		b.fill("email", "ak.new@example.com", "code", code, "new_password", "staple-lantern-orbit", "new_password_again", "staple-lantern-orbit")
		b.submit(200, "akana-reset-done")
		e.browser().login("ak.new@example.com", "staple-lantern-orbit")
	})

	step(t, "a form posted without the page's cookie is refused", func(t *testing.T) {
		tok := e.register("csrf@example.com", goodPassword)
		link := e.pageLink("csrf@example.com", "/activation/")
		b.open(link, 200, "csrf-before")
		if err := chromedp.Do(b.ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		b.submit(http.StatusForbidden, "csrf-refused")
		b.wantTitle("Confirm your email address", "This form expired")
		if _, st, _ := e.activation(tok); st == nil || st.EmailIsVerified {
			t.Fatal("a form without its cookie acted")
		}
		b.submit(200, "csrf-retry-done") // the refusal set a fresh cookie and token
	})
}
