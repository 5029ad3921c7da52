package akana

import (
	"context"
	"net/http"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

var _ httpapi.Vendor = (*Akana)(nil)

// Name is Akana's tag in openapi.yaml.
func (a *Akana) Name() string { return "Akana" }

// Schemes: AkanaAuthCookie is the session cookie AtmoAuthToken_{tenant}; AkanaCsrfHeader is
// the header X-Csrf-Token_{tenant}, which must equal the session's CSRF token. The spec spells
// the default tenant; the cookie and header are looked up under the configured tenant's names.
// Operations that require the header require the cookie in the same requirement, and the
// header's scheme authenticates the session itself, so it never depends on the order in which
// the schemes are checked.
func (a *Akana) Schemes() map[string]httpapi.Scheme {
	return map[string]httpapi.Scheme{
		"AkanaAuthCookie": func(ctx context.Context, in httpapi.SchemeInput) (httpapi.Auth, error) {
			token, ok := a.sessionToken(in.Request)
			if !ok {
				return httpapi.Auth{}, httpapi.NoCredential()
			}
			return sessionAuth(a.core.AuthenticateSession(ctx, sessionAudience, token))
		},
		"AkanaCsrfHeader": func(ctx context.Context, in httpapi.SchemeInput) (httpapi.Auth, error) {
			token, ok := a.sessionToken(in.Request)
			if !ok {
				return httpapi.Auth{}, httpapi.NoCredential()
			}
			// A missing header is "", which never matches: 401, like a wrong one.
			return sessionAuth(a.core.AuthenticateSessionWithSecret(ctx, sessionAudience, token, in.Request.Header.Get(a.csrfHeaderName)))
		},
	}
}

func (a *Akana) sessionToken(r *http.Request) (string, bool) {
	c, err := r.Cookie(a.sessionCookieName)
	if err != nil || c.Value == "" {
		return "", false
	}
	return c.Value, true
}

// sessionAuth hands the session to the handlers (Info.Extra). A cookie that is no longer a
// session (expired, renewed, ended, or of a suspended account) counts as no cookie: browsers
// keep sending stale cookies, and where the session is optional (login status, endsession) the
// answer is "logged out"; where it is required the answer is 401 either way.
func sessionAuth(p account.SessionPrincipal, err error) (httpapi.Auth, error) {
	if err != nil {
		if account.AsError(err).Kind == account.KindInternal {
			return httpapi.Auth{}, err
		}
		return httpapi.Auth{}, httpapi.NoCredential()
	}
	return httpapi.Auth{Principal: p.Principal, Extra: p}, nil
}

// sessionOf returns the caller's session on an operation whose security requires one.
func sessionOf(ctx context.Context) (account.SessionPrincipal, error) {
	p, ok := httpapi.InfoFrom(ctx).Extra.(account.SessionPrincipal)
	if !ok {
		return p, errNoSession
	}
	return p, nil
}

// optionalSession returns the caller's session where security is optional (nil: none).
func optionalSession(ctx context.Context) *account.SessionPrincipal {
	if p, ok := httpapi.InfoFrom(ctx).Extra.(account.SessionPrincipal); ok {
		return &p
	}
	return nil
}

// mediaType is the response media type the request's Accept header asks for, or
// httpapi.ErrNotAcceptable (406).
func mediaType(ctx context.Context) (string, error) {
	mt, ok := negotiate(httpapi.InfoFrom(ctx).Accept)
	if !ok {
		return "", httpapi.ErrNotAcceptable
	}
	return mt, nil
}

// fields renames the core's generic fields to each operation's request fields.
var fields = httpapi.FieldTable{
	"akanaLogin":                             {account.FieldEmail: "email", account.FieldPassword: "password"},
	"akanaSendEmailChangeCode":               {account.FieldEmail: "newEmailAddress"},
	"akanaValidateEmailChangeCode":           {account.FieldCode: "changeCode", account.FieldEmail: "newEmailAddress"},
	"akanaSendPasswordResetCode":             {account.FieldEmail: "emailAddress"},
	"akanaValidatePasswordResetCode":         {account.FieldCode: "passwordResetCode", account.FieldEmail: "emailAddress"},
	"akanaAuthenticateWithPasswordResetCode": {account.FieldCode: "passwordResetCode", account.FieldEmail: "emailAddress", account.FieldNewPassword: "newPassword", account.FieldPassword: "newPassword"},
	"akanaChangePassword":                    {account.FieldPassword: "oldPassword", account.FieldNewPassword: "newPassword"},
}

// Fields returns Akana's field table.
func (a *Akana) Fields() httpapi.FieldTable { return fields }

// sessionAudience marks the sessions Akana opens: the core accepts their tokens only here,
// so another vendor's access token in the session cookie is no session.
const sessionAudience = "akana"
