package akana

import (
	"context"
	"net/http"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

var (
	_ httpapi.Vendor   = (*Akana)(nil)
	_ httpapi.Preparer = (*Akana)(nil)
)

// Name is Akana's tag in openapi.yaml.
func (a *Akana) Name() string { return "Akana" }

// Schemes: AkanaAuthCookie is the session cookie AtmoAuthToken_{tenant}; AkanaCsrfHeader is
// the header X-Csrf-Token_{tenant}, which must equal the session's CSRF token. The spec spells
// the default tenant; the cookie and header are looked up under the configured tenant's names.
// Operations that require the header require the cookie in the same requirement; both schemes
// resolve the cookie through session, which reads it once per request whichever asks first, so
// neither depends on the order in which the schemes are checked.
func (a *Akana) Schemes() map[string]httpapi.Scheme {
	return map[string]httpapi.Scheme{
		"AkanaAuthCookie": func(ctx context.Context, in httpapi.SchemeInput) (httpapi.Auth, error) {
			return sessionAuth(a.session(ctx, in))
		},
		"AkanaCsrfHeader": func(ctx context.Context, in httpapi.SchemeInput) (httpapi.Auth, error) {
			p, err := a.session(ctx, in)
			if err == nil {
				// A missing header is "", which never matches: 401, like a wrong one.
				err = p.CheckSecret(in.Request.Header.Get(a.csrfHeaderName))
			}
			return sessionAuth(p, err)
		},
	}
}

type sessionKey struct{}

// session resolves the request's session cookie, once per request (in.Shared).
func (a *Akana) session(ctx context.Context, in httpapi.SchemeInput) (account.SessionPrincipal, error) {
	token, ok := a.sessionToken(in.Request)
	if !ok {
		return account.SessionPrincipal{}, httpapi.NoCredential()
	}
	v, err := in.Shared.Once(sessionKey{}, func() (any, error) {
		return a.core.AuthenticateSession(ctx, sessionAudience, token)
	})
	p, _ := v.(account.SessionPrincipal)
	return p, err
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

type mediaTypeKey struct{}

// Prepare negotiates the response media type of every Akana operation, once, before its
// handler: an Accept header that allows none of Akana's types is 406 (after validation and
// authentication, before anything is done).
func (a *Akana) Prepare(ctx context.Context, _ string, _ *http.Request) (context.Context, error) {
	mt, ok := negotiate(httpapi.InfoFrom(ctx).Accept)
	if !ok {
		return ctx, httpapi.ErrNotAcceptable
	}
	return context.WithValue(ctx, mediaTypeKey{}, mt), nil
}

// mediaType is the response media type Prepare negotiated.
func mediaType(ctx context.Context) string {
	if mt, ok := ctx.Value(mediaTypeKey{}).(string); ok {
		return mt
	}
	return mediaJSON
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
