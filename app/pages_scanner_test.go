package app_test

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

// scan GETs link n times, as a mail scanner does, and checks every answer is the page (200).
func (e *env) scan(link string, n int) {
	e.t.Helper()
	path := strings.TrimPrefix(link, e.baseURL)
	for i := 0; i < n; i++ {
		resp, body := e.raw(http.MethodGet, path, "", "")
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "<form method=\"post\"") {
			e.t.Fatalf("GET %d of %s: %d %.200s", i+1, path, resp.StatusCode, body)
		}
	}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// postPage submits a page's form as the browser does: GET (the cookie), then POST the token
// with fields. It returns the POST's status and body, or the GET's when the page has no form.
func (e *env) postPage(link string, fields url.Values) (int, string) {
	e.t.Helper()
	resp, body := e.postPageAnswer(link, fields)
	return resp.StatusCode, body
}

// postPageAnswer is postPage with the whole answer (its headers).
func (e *env) postPageAnswer(link string, fields url.Values) (*http.Response, string) {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Transport: e.contract.Transport(e.t, nil), Jar: jar}
	resp, err := hc.Get(link)
	if err != nil {
		e.t.Fatal(err)
	}
	var b strings.Builder
	_, _ = readAllInto(&b, resp)
	m := csrfField.FindStringSubmatch(b.String())
	if m == nil {
		return resp, b.String() // no form (a dead link's page): its answer
	}
	fields.Set("csrf_token", m[1])
	resp, err = hc.PostForm(link, fields)
	if err != nil {
		e.t.Fatal(err)
	}
	b.Reset()
	_, _ = readAllInto(&b, resp)
	return resp, b.String()
}

// TestPagesScannersConsumeNothing opens every link accountd mails 20 times with plain GETs,
// as link scanners do, and then uses each: every one still works, and nothing changed before.
func TestPagesScannersConsumeNothing(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		const scans = 20

		step(t, "Webshare activation, reset and change email", func(t *testing.T) {
			tok := e.register("scan@example.com", goodPassword)
			act := e.pageLink("scan@example.com", "/activation/")
			e.scan(act, scans)
			if _, st, _ := e.activation(tok); st.EmailIsVerified {
				t.Fatal("scanning verified the address")
			}
			code := strings.TrimSuffix(strings.TrimPrefix(act, e.baseURL+"/activation/"), "/confirm/")
			if s, _, raw := e.completeActivation(code); s != http.StatusOK {
				t.Fatalf("the scanned activation link no longer works: %d %s", s, raw)
			}

			e.askReset("scan@example.com")
			reset := e.pageLink("scan@example.com", "/resetpassword/")
			e.scan(reset, scans)
			code = strings.TrimSuffix(strings.TrimPrefix(reset, e.baseURL+"/resetpassword/"), "/confirm/")
			if s, _, raw := e.completeReset(code, "staple-lantern-orbit"); s != http.StatusOK {
				t.Fatalf("the scanned reset link no longer works: %d %s", s, raw)
			}

			tok = e.login("scan@example.com", "staple-lantern-orbit")
			if s, _, raw := e.changeEmail(tok, "staple-lantern-orbit", "scan.new@example.com"); s != http.StatusNoContent {
				t.Fatalf("change email: %d %s", s, raw)
			}
			change := e.pageLink("scan.new@example.com", "/changeemail/")
			e.scan(change, scans)
			if e.loginStatus("scan@example.com", "staple-lantern-orbit") != http.StatusOK {
				t.Fatal("scanning changed the address")
			}
			code = strings.TrimSuffix(strings.TrimPrefix(change, e.baseURL+"/changeemail/"), "/confirm/")
			if s, _, raw := e.completeEmail(tok, code); s != http.StatusNoContent {
				t.Fatalf("the scanned change-email link no longer works: %d %s", s, raw)
			}

			undo := e.pageLink("scan@example.com", "/undo-email-change/")
			e.scan(undo, scans)
			if s, _, _ := e.activation(tok); s != http.StatusOK {
				t.Fatal("scanning the undo link ended a session")
			}
			if s, body := e.postPage(undo, url.Values{}); s != http.StatusOK || !strings.Contains(body, "The change is undone") {
				t.Fatalf("the scanned undo link no longer works: %d %.300s", s, body)
			}
		})

		step(t, "Payway email change", func(t *testing.T) {
			p, tok := e.paywayMember("scanpay@example.com")
			p.requestEmailChange(tok, "scanpay.new@example.com")
			link := e.pageLink("scanpay.new@example.com", "/email_change/confirm?confirmation_code=")
			e.scan(link, scans)
			if got := p.meEmail(tok); got != "scanpay@example.com" {
				t.Fatalf("scanning changed the address to %s", got)
			}
			u, _ := url.Parse(link)
			r, err := p.api.PaywayVerifyEmailChangeWithResponse(ctx, models.PaywayVerifyEmailChangeRequest{ConfirmationCode: u.Query().Get("confirmation_code")}, bearer(tok))
			if err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("the scanned link no longer works: %v %d %s", err, r.StatusCode(), r.Body)
			}
		})

		step(t, "Payway reset", func(t *testing.T) {
			p, _ := e.paywayMember("scanpayreset@example.com")
			p.requestReset("scanpayreset@example.com", "https://shop.example.com/")
			link := e.pageLink("scanpayreset@example.com", "/reset_password?id=")
			e.scan(link, scans)
			u, _ := url.Parse(link)
			q := u.Query()
			r, err := p.api.PaywayCompletePasswordResetWithResponse(ctx, models.PaywayCompletePasswordResetRequest{
				Id: q.Get("id"), ConfirmationCode: q.Get("confirmation_code"), NewPassword: "staple-lantern-orbit"}, bearer(p.appToken(p.a)))
			if err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("the scanned link no longer works: %v %d %s", err, r.StatusCode(), r.Body)
			}
		})

		step(t, "Rixl reset", func(t *testing.T) {
			e.rixlSignup("scanrix@example.com")
			e.rixlRequestReset("scanrix@example.com")
			link := e.pageLink("scanrix@example.com", "/auth/reset-password?token=")
			e.scan(link, scans)
			u, _ := url.Parse(link)
			r, err := e.api.RixlEmailServiceResetPasswordWithResponse(ctx, models.RixlResetPasswordRequest{Token: u.Query().Get("token"), NewPassword: "staple-lantern-orbit"})
			if err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("the scanned link no longer works: %v %d %s", err, r.StatusCode(), r.Body)
			}
		})

		step(t, "Akana's code pages carry no code", func(t *testing.T) {
			u := e.akanaAccount("scanak@example.com", "", "")
			if s, _, raw := u.sendEmailChangeCode(u.fdn, "scanak.new@example.com"); s != http.StatusOK {
				t.Fatalf("sendEmailChangeCode: %d %s", s, raw)
			}
			e.scan(e.pageLink("scanak.new@example.com", "/enter-code/email-change/"), scans)
			e.browser().requestReset("scanak@example.com")
			e.scan(e.pageLink("scanak@example.com", "/enter-code/password-reset/"), scans)
		})
	})
}

func readAllInto(b *strings.Builder, resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(b, resp.Body)
}
