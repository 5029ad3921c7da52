package payway

import (
	"context"
	"net/http"
	"slices"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Payway's two security schemes read the same header, `Authorization: Bearer <token>`. A
// token that is unknown, expired or revoked is 401; a valid token of the other kind (an
// application token on /me) or one without the operation's scope is 403 insufficient_scope.

// forbidden is a 403 insufficient_scope: the token is valid but may not call the operation.
type forbidden struct {
	scope     string // the scope the token lacks ("" for the wrong kind of token)
	wrongKind string // "user" or "application": the kind of token the operation needs
}

func (e *forbidden) Error() string { return "payway: insufficient scope " + e.scope + e.wrongKind }
func (*forbidden) VendorFailure()  {}

func bearer(r *http.Request) (string, bool) { return httpapi.HeaderToken(r, "Authorization", "Bearer") }

// userScheme accepts a user token (an access token of a session opened through an API client)
// holding the operation's scopes.
func (p *Payway) userScheme(ctx context.Context, in httpapi.SchemeInput) (httpapi.Auth, error) {
	token, presented := bearer(in.Request)
	if !presented {
		return httpapi.Auth{}, httpapi.NoCredential()
	}
	sp, err := p.core.AuthenticateSession(ctx, sessionAudience, token)
	if err != nil {
		if account.AsError(err).Kind == account.KindUnauthenticated {
			if _, aerr := p.core.AuthenticateApplication(ctx, token); aerr == nil {
				return httpapi.Auth{}, &forbidden{wrongKind: "user"}
			}
		}
		return httpapi.Auth{}, err
	}
	if sp.ClientID == "" {
		// A session of another API (no client): not a Payway token.
		return httpapi.Auth{}, &account.Error{Kind: account.KindUnauthenticated, Code: account.CodeInvalidToken}
	}
	client, err := p.core.ClientByID(ctx, sp.ClientID)
	if err != nil {
		return httpapi.Auth{}, err
	}
	if missing := missingScope(sp.Scopes, in.Scopes); missing != "" {
		return httpapi.Auth{}, &forbidden{scope: missing}
	}
	return httpapi.Auth{Principal: sp.Principal, Extra: caller{Client: client, UserID: sp.UserID, SessionID: sp.SessionID}}, nil
}

// applicationScheme accepts an application token holding the operation's scopes.
func (p *Payway) applicationScheme(ctx context.Context, in httpapi.SchemeInput) (httpapi.Auth, error) {
	token, presented := bearer(in.Request)
	if !presented {
		return httpapi.Auth{}, httpapi.NoCredential()
	}
	ap, err := p.core.AuthenticateApplication(ctx, token)
	if err != nil {
		if account.AsError(err).Kind == account.KindUnauthenticated {
			if _, serr := p.core.AuthenticateSession(ctx, sessionAudience, token); serr == nil {
				return httpapi.Auth{}, &forbidden{wrongKind: "application"}
			}
		}
		return httpapi.Auth{}, err
	}
	if missing := missingScope(ap.Scopes, in.Scopes); missing != "" {
		return httpapi.Auth{}, &forbidden{scope: missing}
	}
	return httpapi.Auth{Extra: caller{Client: ap.Client}}, nil
}

// missingScope returns the first of want that held lacks ("" when none).
func missingScope(held, want []string) string {
	for _, s := range want {
		if !slices.Contains(held, s) {
			return s
		}
	}
	return ""
}

// sessionAudience marks the sessions Payway opens: the core accepts their tokens only here,
// so a token of another vendor's session is never a Payway user token (and the reverse).
const sessionAudience = "payway"
