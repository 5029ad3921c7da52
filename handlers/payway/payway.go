// Package payway implements the Payway / Tulo external API v1: the operations tagged Payway in
// openapi.yaml (spec/payway.yaml). API clients of an organisation get tokens at the OAuth-style
// token endpoint (token.go): user tokens for the /me operations (me.go) and application tokens
// for the accounts operations (accounts.go). Its security schemes (auth.go) check the kind and
// scopes of a bearer token; errors are {"code","field","message"} (OAuth's {"error",
// "error_description"} at the token endpoint), worded in messages.go and rendered in render.go.
// Handlers call the account core and return its errors as they are.
package payway

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Payway's scopes. User tokens carry /external/me/*, application tokens /external/account/*.
const (
	ScopeMeRead       = "/external/me/r"
	ScopeMeWrite      = "/external/me/w"
	ScopeAccountRead  = "/external/account/r"
	ScopeAccountWrite = "/external/account/w"
)

// Token lifetimes: Payway's access tokens live one hour; refresh tokens (PROPOSED, not in the
// public record) 30 days each, renewed at every refresh.
const (
	accessTTL  = time.Hour
	refreshTTL = 30 * 24 * time.Hour
)

var lifetimes = account.TokenLifetimes{Access: accessTTL, Refresh: refreshTTL}

// Payway implements the Payway operations and is the Payway vendor.
type Payway struct {
	core *account.Service
	// resetLink is where request_password_reset's mail points; {user_id} and {code} are filled in.
	resetLink string
	// emailChangeLink is where the email-change mail points when the client gave no
	// confirmation_url: accountd's own page (handlers/pages).
	emailChangeLink string
}

// New builds the Payway handlers; reset links start with d.PublicURL.
func New(d httpapi.Deps) *Payway {
	return &Payway{core: d.Core, resetLink: d.Links.PaywayPasswordReset, emailChangeLink: d.Links.PaywayEmailChange}
}

// caller is what Payway's schemes attach to a request (httpapi.Auth.Extra).
type caller struct {
	Client account.Client
	// UserID is the account a user token acts for ("" for an application token).
	UserID    string
	SessionID string
}

// callerFrom returns the authenticated caller of an operation whose security is required.
func callerFrom(ctx context.Context) (caller, error) {
	c, ok := httpapi.InfoFrom(ctx).Extra.(caller)
	if !ok {
		return caller{}, errors.New("payway: no caller on an authenticated operation")
	}
	return c, nil
}

// invalidParam is a 400 invalid_parameter found by a handler (a value the spec's formats
// describe but the validator does not check, such as an absolute URL).
type invalidParam struct {
	field, rule string
}

func (e *invalidParam) Error() string { return "payway: invalid " + e.field + ": " + e.rule }
func (*invalidParam) VendorFailure()  {}

// checkURL accepts an absolute http or https URL (format: uri in the spec).
func checkURL(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &invalidParam{field: field, rule: "format"}
	}
	return nil
}

// withQuery appends query parameters to a URL that may already have a query. The values are
// placeholders of the core ({code}, {user_id}) or already escaped.
func withQuery(base, query string) string {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	return base + sep + query
}
