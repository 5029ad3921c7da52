package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/gen/client"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/akana"
)

const (
	akanaTenant     = akana.DefaultTenant
	akanaSession    = "AtmoAuthToken_" + akanaTenant
	akanaCSRFCookie = "Csrf-Token_" + akanaTenant
	akanaCSRFHeader = "X-Csrf-Token_" + akanaTenant
)

// newAkanaEnv is an env whose public URL is plain http, so that the cookie jar (which, like a
// browser, sends Secure cookies only over https) sends the session to the loopback server.
func newAkanaEnv(t testing.TB, dsn string, opts ...envOption) *env {
	return newEnv(t, dsn, append([]envOption{func(c *app.Config) { c.PublicURL = "http://accountd.test" }}, opts...)...)
}

// akanaUser is a browser: a cookie jar and the generated client, every response checked
// against openapi.yaml.
type akanaUser struct {
	e     *env
	jar   *cookiejar.Jar
	api   *client.ClientWithResponses
	email string
	fdn   string
}

// browser returns a client with an empty cookie jar.
func (e *env) browser() *akanaUser {
	e.t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	hc := &http.Client{Transport: e.contract.Transport(e.t, nil), Jar: jar}
	api, err := client.NewClientWithResponses(e.baseURL, client.WithHTTPClient(hc))
	if err != nil {
		e.t.Fatal(err)
	}
	return &akanaUser{e: e, jar: jar, api: api}
}

// akanaAccount makes a user with the operator command's core call (in org with role when org
// is not "") and returns a browser logged in as that user.
func (e *env) akanaAccount(email, org, role string) *akanaUser {
	e.t.Helper()
	u, err := e.app.Core.CreateUser(ctx, account.CreateUserInput{Email: email, Password: goodPassword, Verified: true, OrgID: org, Role: role})
	if err != nil {
		e.t.Fatal(err)
	}
	b := e.browser()
	b.login(email, goodPassword)
	if b.fdn != akana.UserFDN(u.UserID, akanaTenant) {
		e.t.Fatalf("login userFDN %s, want %s", b.fdn, akana.UserFDN(u.UserID, akanaTenant))
	}
	return b
}

func (e *env) org(name string) string {
	e.t.Helper()
	o, err := e.app.Core.CreateOrganization(ctx, name)
	if err != nil {
		e.t.Fatal(err)
	}
	return o.ID
}

// login logs in and fails the test on anything but 200 with both cookies.
func (b *akanaUser) login(email, pw string) *models.AkanaLoginInfo {
	b.e.t.Helper()
	r, err := b.api.AkanaLoginWithResponse(ctx, models.AkanaLoginRequest{Email: email, Password: pw})
	if err != nil {
		b.e.t.Fatal(err)
	}
	if r.StatusCode() != http.StatusOK || r.JSON200 == nil || r.JSON200.UserFDN == nil {
		b.e.t.Fatalf("login %s: %d %s", email, r.StatusCode(), r.Body)
	}
	if b.cookie(akanaSession) == "" || b.cookie(akanaCSRFCookie) == "" {
		b.e.t.Fatalf("login %s set no session or CSRF cookie: %v", email, r.HTTPResponse.Header.Values("Set-Cookie"))
	}
	b.email, b.fdn = email, *r.JSON200.UserFDN
	return r.JSON200
}

// cookie returns the jar's value of a cookie for the server ("" when there is none).
func (b *akanaUser) cookie(name string) string {
	u, _ := url.Parse(b.e.baseURL)
	for _, c := range b.jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

// csrf copies the CSRF cookie into the CSRF header, as Akana's pages and atmotool do.
func (b *akanaUser) csrf() client.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set(akanaCSRFHeader, b.cookie(akanaCSRFCookie))
		return nil
	}
}

func header(k, v string) client.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set(k, v)
		return nil
	}
}

// sendEmailChangeCode asks to change target's address and returns the status and error body.
func (b *akanaUser) sendEmailChangeCode(targetFDN, newEmail string, editors ...client.RequestEditorFn) (int, *models.AkanaError, string) {
	b.e.t.Helper()
	if editors == nil {
		editors = []client.RequestEditorFn{b.csrf()}
	}
	r, err := b.api.AkanaSendEmailChangeCodeWithFormdataBodyWithResponse(ctx, targetFDN,
		models.AkanaSendEmailChangeCodeFormdataRequestBody{NewEmailAddress: newEmail}, editors...)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return r.StatusCode(), akanaErrorOf(b.e.t, r.Body, r.StatusCode()), string(r.Body)
}

// akanaErrorOf decodes an error body and checks that its code is the status.
func akanaErrorOf(t testing.TB, body []byte, status int) *models.AkanaError {
	t.Helper()
	if status < 400 {
		return nil
	}
	var e models.AkanaError
	if err := json.Unmarshal(body, &e); err != nil || e.Code != status || e.Message == "" {
		t.Fatalf("status %d with body %q: not an Akana error", status, body)
	}
	return &e
}

var akanaCode = regexp.MustCompile(`code is: (\S+)`)

// mailedCode delivers due mail and returns the code in the newest mail to addr.
func (e *env) mailedCode(addr string) string {
	e.t.Helper()
	mails := e.mailsTo(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if m := akanaCode.FindStringSubmatch(mails[i].Text); m != nil {
			return m[1]
		}
	}
	e.t.Fatalf("no mail with a code to %s (%d mails)", addr, len(mails))
	return ""
}

// mailCount delivers due mail and counts what addr received whose text contains needle.
func (e *env) mailCount(addr, needle string) int {
	e.t.Helper()
	n := 0
	for _, m := range e.mailsTo(addr) {
		if strings.Contains(m.Text, needle) {
			n++
		}
	}
	return n
}

func accountInput(email string) account.CreateUserInput {
	return account.CreateUserInput{Email: email, Password: goodPassword, Verified: true}
}

func mustURL(s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		panic(err)
	}
	return u
}

func ptrTo[T any](v T) *T { return &v }
