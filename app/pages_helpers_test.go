package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/pages"
	"github.com/accountd/accountd/mail/mailtest"
)

// pagesPublicURL is the base of the links in the pages tests' mails: plain http, so that the
// Akana cookie jar works (see newAkanaEnv). The tests open each link on the test server: the
// path and query are the link's own.
const pagesPublicURL = "http://accountd.test"

// pageLink delivers due mail and returns the newest link to addr under path, moved onto the
// test server.
func (e *env) pageLink(addr, path string) string {
	e.t.Helper()
	mails := e.mailsTo(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if link, ok := mailtest.FindLink(mails[i].Text, pagesPublicURL+path); ok {
			return e.baseURL + strings.TrimPrefix(link, pagesPublicURL)
		}
	}
	e.t.Fatalf("no mail to %s with a link %s%s...; got %d mails", addr, pagesPublicURL, path, len(mails))
	return ""
}

// wantPageHeaders checks the headers every page carries.
func wantPageHeaders(t *testing.T, h http.Header, what string) {
	t.Helper()
	want := map[string]string{"Content-Security-Policy": pages.CSP, "Referrer-Policy": "no-referrer",
		"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Content-Type": "text/html; charset=utf-8"}
	for k, v := range want {
		if got := h.Get(k); got != v {
			t.Errorf("%s: %s %q, want %q", what, k, got, v)
		}
	}
	if !strings.Contains(pages.CSP, "frame-ancestors 'none'") || strings.Contains(pages.CSP, "script-src") {
		t.Errorf("the pages' policy %q must forbid framing and allow no script", pages.CSP)
	}
}

// paywayMember makes an organisation with a mailing API client and a member, and returns a
// user token of that member.
func (e *env) paywayMember(email string) (*payway, string) {
	e.t.Helper()
	p := &payway{env: e}
	p.orgA = p.org("A")
	p.a = p.client(p.orgA, []string{meR, meW, acctR, acctW}, false)
	p.member(p.orgA, email)
	return p, p.userToken(p.a, email).AccessToken
}

func (p *payway) requestEmailChange(tok, newEmail string) {
	p.t.Helper()
	r, err := p.api.PaywayRequestEmailChangeWithResponse(context.Background(), models.PaywayRequestEmailChangeRequest{NewEmail: newEmail}, bearer(tok))
	if err != nil || r.StatusCode() != http.StatusOK {
		p.t.Fatalf("request_email_change: %v %d %s", err, r.StatusCode(), r.Body)
	}
}

// requestReset asks for a reset of email through the organisation's application token.
func (p *payway) requestReset(email, returnURL string) {
	p.t.Helper()
	r, err := p.api.PaywayRequestPasswordResetWithResponse(context.Background(),
		models.PaywayRequestPasswordResetRequest{Email: email, ReturnUrl: &returnURL}, bearer(p.appToken(p.a)))
	if err != nil || r.StatusCode() != http.StatusNoContent {
		p.t.Fatalf("request_password_reset: %v %d %s", err, r.StatusCode(), r.Body)
	}
}

func (p *payway) grantStatus(email, pw string) int {
	p.t.Helper()
	return p.grant(passwordForm(p.a, p.a.org, email, pw, meR)).StatusCode()
}

func (p *payway) meEmail(tok string) string {
	p.t.Helper()
	r, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(tok))
	if err != nil || r.JSON200 == nil {
		p.t.Fatalf("GET /me: %v %d %s", err, r.StatusCode(), r.Body)
	}
	return r.JSON200.Item.Email
}

func (e *env) rixlRequestReset(email string) {
	e.t.Helper()
	r, err := e.api.RixlEmailServiceSendPasswordResetWithResponse(ctx, models.RixlSendPasswordResetRequest{Email: email})
	if err != nil || r.StatusCode() != http.StatusOK {
		e.t.Fatalf("rixl reset %s: %v %d", email, err, r.StatusCode())
	}
}

func (b *akanaUser) requestReset(email string) {
	b.e.t.Helper()
	r, err := b.api.AkanaSendPasswordResetCodeWithResponse(ctx, &models.AkanaSendPasswordResetCodeParams{EmailAddress: email},
		header("Content-Type", "application/x-www-form-urlencoded"))
	if err != nil || r.StatusCode() != http.StatusOK {
		b.e.t.Fatalf("akana reset %s: %v %d %s", email, err, r.StatusCode(), r.Body)
	}
}

// askReset asks Webshare for a password reset (the link is read with pageLink).
func (e *env) askReset(email string) {
	e.t.Helper()
	r, err := e.api.WebshareResetPasswordWithResponse(ctx, resetBody(email))
	if err != nil || r.StatusCode() != http.StatusNoContent {
		e.t.Fatalf("reset %s: %v %d", email, err, r.StatusCode())
	}
}
