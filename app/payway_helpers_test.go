package app_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/client"
	"github.com/accountd/accountd/gen/models"
)

// Payway's scopes, as the integrations send them.
const (
	meR   = "/external/me/r"
	meW   = "/external/me/w"
	acctR = "/external/account/r"
	acctW = "/external/account/w"
)

// apiClient is an API client of an organisation, as `accountd clients create` makes it.
type apiClient struct {
	id, secret, org string
}

// payway is a running accountd with two organisations, A and B, each with a mailing API
// client holding every Payway scope, and org A with a second client that sends its own mail.
type payway struct {
	*env
	orgA, orgB     string
	a, b, aOwnMail apiClient
}

func newPayway(t testing.TB, dsn string, opts ...envOption) *payway {
	t.Helper()
	e := newEnv(t, dsn, opts...)
	p := &payway{env: e}
	p.orgA, p.orgB = p.org("A"), p.org("B")
	all := []string{meR, meW, acctR, acctW}
	p.a = p.client(p.orgA, all, false)
	p.b = p.client(p.orgB, all, false)
	p.aOwnMail = p.client(p.orgA, all, true)
	return p
}

func (p *payway) org(name string) string {
	p.t.Helper()
	o, err := p.app.Core.CreateOrganization(context.Background(), name)
	if err != nil {
		p.t.Fatal(err)
	}
	return o.ID
}

func (p *payway) client(org string, scopes []string, ownMail bool) apiClient {
	p.t.Helper()
	c, err := p.app.Core.CreateClient(context.Background(), account.NewClient{OrganizationID: org, Name: "site", Scopes: scopes, SendsOwnMail: ownMail})
	if err != nil {
		p.t.Fatal(err)
	}
	return apiClient{id: c.ClientID, secret: c.ClientSecret, org: org}
}

// member makes an account of org (verified address) and returns its id.
func (p *payway) member(org, email string) string {
	p.t.Helper()
	u, err := p.app.Core.CreateUser(context.Background(), account.CreateUserInput{Email: email, Password: goodPassword, Verified: true, OrgID: org})
	if err != nil {
		p.t.Fatal(err)
	}
	return u.UserID
}

// grant posts a form to the token endpoint through the generated client.
func (p *payway) grant(form models.PaywayAccessTokenRequest) *client.PaywayAccessTokenResponse {
	p.t.Helper()
	r, err := p.api.PaywayAccessTokenWithFormdataBodyWithResponse(context.Background(), form)
	if err != nil {
		p.t.Fatal(err)
	}
	return r
}

func ptr[T any](v T) *T { return &v }

// passwordForm is the password grant as Payway's login plugin sends it.
func passwordForm(c apiClient, org, email, pw, scope string) models.PaywayAccessTokenRequest {
	f := models.PaywayAccessTokenRequest{GrantType: "password", ClientId: &c.id, ClientSecret: &c.secret,
		Username: ptr(org + "^" + email), Password: &pw}
	if scope != "" {
		f.Scope = &scope
	}
	return f
}

// userToken logs email in through c and returns the 200 body.
func (p *payway) userToken(c apiClient, email string) models.PaywayTokenResponse {
	p.t.Helper()
	r := p.grant(passwordForm(c, c.org, email, goodPassword, meR+" "+meW))
	if r.StatusCode() != http.StatusOK || r.JSON200 == nil || r.JSON200.RefreshToken == nil {
		p.t.Fatalf("password grant for %s: %d %s", email, r.StatusCode(), r.Body)
	}
	return *r.JSON200
}

// appToken returns an application token of c with the client's application scopes.
func (p *payway) appToken(c apiClient) string {
	p.t.Helper()
	r := p.grant(models.PaywayAccessTokenRequest{GrantType: "none", ClientId: &c.id, ClientSecret: &c.secret})
	if r.StatusCode() != http.StatusOK || r.JSON200 == nil {
		p.t.Fatalf("application grant: %d %s", r.StatusCode(), r.Body)
	}
	return r.JSON200.AccessToken
}

// bearer authenticates a generated-client call with a Payway token.
func bearer(tok string) client.RequestEditorFn {
	return func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+tok)
		return nil
	}
}

// paywayError is Payway's {"code","field","message"} as the tests read it from any status.
type paywayError struct {
	Code, Field, Message string
}

// wantError asserts a status and Payway error code (and field, when want.Field is set).
func wantError(t *testing.T, status int, raw []byte, wantStatus int, wantCode, wantField string) {
	t.Helper()
	var e paywayError
	if status != wantStatus || jsonUnmarshal(raw, &e) != nil || e.Code != wantCode || e.Field != wantField || e.Message == "" {
		t.Fatalf("got %d %s\nwant %d code=%s field=%q", status, raw, wantStatus, wantCode, wantField)
	}
}

// wantOAuth asserts an OAuth error of the token endpoint.
func wantOAuth(t *testing.T, r *client.PaywayAccessTokenResponse, wantStatus int, wantError string) {
	t.Helper()
	var e models.PaywayOAuthError
	if r.StatusCode() != wantStatus || jsonUnmarshal(r.Body, &e) != nil || string(e.Error) != wantError || e.ErrorDescription == "" {
		t.Fatalf("got %d %s\nwant %d error=%s", r.StatusCode(), r.Body, wantStatus, wantError)
	}
	if cc := r.HTTPResponse.Header.Get("Cache-Control"); cc != "no-store" {
		t.Fatalf("Cache-Control %q, want no-store", cc)
	}
}

// codeInLink finds the newest mail to addr with a link starting with prefix and returns the
// link's query parameter param.
func (p *payway) codeInLink(addr, prefix, param string) (string, url.Values) {
	p.t.Helper()
	mails := p.mailsTo(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		for _, tok := range strings.Fields(mails[i].Text) {
			if strings.HasPrefix(tok, prefix) {
				u, err := url.Parse(tok)
				if err != nil {
					p.t.Fatalf("link %q: %v", tok, err)
				}
				return u.Query().Get(param), u.Query()
			}
		}
	}
	p.t.Fatalf("no mail to %s with a link %s...; got %d mails", addr, prefix, len(mails))
	return "", nil
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

type clientEditor = client.RequestEditorFn
