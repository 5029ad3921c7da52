package payway

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/gen/server"
)

// oauthError is an OAuth 2 error of the token endpoint (RFC 6749 §5.2) raised by the handler
// itself; core errors of that endpoint are mapped to OAuth names in render.go.
type oauthError struct {
	code        models.PaywayOAuthErrorError
	description string
}

func (e *oauthError) Error() string { return "payway: oauth " + string(e.code) + ": " + e.description }
func (*oauthError) VendorFailure()  {}

func invalidRequest(description string) error {
	return &oauthError{code: models.PaywayOAuthErrorErrorInvalidRequest, description: description}
}

// grantScopes are the scopes a grant may hand out: a user token never carries an application
// scope and the other way round, whatever the client holds.
var grantScopes = map[string][]string{
	"password":      {ScopeMeRead, ScopeMeWrite},
	"refresh_token": {ScopeMeRead, ScopeMeWrite},
	"none":          {ScopeAccountRead, ScopeAccountWrite},
}

// credentialParams are the token request's secrets. They travel only in the body (RFC 6749
// sections 2.3.1, 4.3.2 and 6): proxies and access logs keep URIs. The generated wrapper binds
// Echo's FormParams, which merge the URL query into the form, so Prepare refuses them there.
var credentialParams = []string{"client_secret", "password", "refresh_token"}

// Prepare runs before every Payway handler: a token request with a credential in its URL
// query is invalid_request, whatever else it holds, and nothing of it is looked at.
func (p *Payway) Prepare(ctx context.Context, operation string, r *http.Request) (context.Context, error) {
	if operation != tokenOperation {
		return ctx, nil
	}
	query := r.URL.Query()
	for _, name := range credentialParams {
		if _, inQuery := query[name]; inQuery {
			return ctx, invalidRequest(name + " must be sent in the request body, not in the URL")
		}
	}
	return ctx, nil
}

// PaywayAccessToken is the token endpoint: the client authenticates in the form, then the
// grant decides what it gets.
func (p *Payway) PaywayAccessToken(ctx context.Context, req server.PaywayAccessTokenRequestObject) (server.PaywayAccessTokenResponseObject, error) {
	f := req.Body
	if f == nil {
		return nil, invalidRequest("The request has no parameters")
	}
	grant := f.GrantType
	if _, ok := grantScopes[grant]; !ok {
		return nil, &oauthError{code: models.PaywayOAuthErrorErrorUnsupportedGrantType, description: "grant_type must be password, none or refresh_token"}
	}
	if val(f.ClientId) == "" || val(f.ClientSecret) == "" {
		return nil, &account.Error{Kind: account.KindUnauthenticated, Code: account.CodeInvalidClient}
	}
	client, err := p.core.AuthenticateClient(ctx, val(f.ClientId), val(f.ClientSecret))
	if err != nil {
		return nil, err
	}
	scopes, err := requestedScopes(grant, f.Scope, client)
	if err != nil {
		return nil, err
	}
	switch grant {
	case "password":
		return p.passwordGrant(ctx, f, client, scopes)
	case "refresh_token":
		if val(f.RefreshToken) == "" {
			return nil, invalidRequest("refresh_token is required")
		}
		// An explicit scope narrows the session's; none keeps it.
		var narrow []string
		if val(f.Scope) != "" {
			narrow = scopes
		}
		tok, err := p.core.RefreshSession(ctx, val(f.RefreshToken), account.RefreshSpec{Audience: sessionAudience, ClientID: client.ID, Scopes: narrow, Lifetimes: lifetimes})
		if err != nil {
			return nil, err
		}
		return tokenResponse(tok.AccessToken, tok.RefreshToken, tok.Scopes), nil
	default: // none: an application token
		tok, err := p.core.IssueApplicationToken(ctx, client, scopes, accessTTL)
		if err != nil {
			return nil, err
		}
		return tokenResponse(tok.Token, "", tok.Scopes), nil
	}
}

// passwordGrant logs a member of the client's organisation in: username is
// {organisation_id}^{email} (split at the first caret: an address may contain one).
func (p *Payway) passwordGrant(ctx context.Context, f *models.PaywayAccessTokenRequest, client account.Client, scopes []string) (server.PaywayAccessTokenResponseObject, error) {
	org, email, ok := strings.Cut(val(f.Username), "^")
	if !ok || org == "" || email == "" || val(f.Password) == "" {
		return nil, invalidRequest("username ({organisation_id}^{email}) and password are required")
	}
	tok, err := p.core.LoginToOrganization(ctx, account.OrgLogin{OrganizationID: org, Email: email, Password: val(f.Password),
		Client: client, Session: account.SessionSpec{Audience: sessionAudience, Scopes: scopes, Lifetimes: lifetimes}})
	if err != nil {
		return nil, err
	}
	return tokenResponse(tok.AccessToken, tok.RefreshToken, tok.Scopes), nil
}

// requestedScopes parses the scope parameter. Empty: every scope of the grant the client
// holds. A scope outside the grant's is invalid_scope; the core refuses one the client lacks.
func requestedScopes(grant string, param *string, client account.Client) ([]string, error) {
	allowed := grantScopes[grant]
	asked := strings.Fields(val(param))
	if len(asked) == 0 {
		for _, s := range allowed {
			if client.HasScopes([]string{s}) {
				asked = append(asked, s)
			}
		}
		return asked, nil
	}
	for _, s := range asked {
		if !slices.Contains(allowed, s) {
			return nil, &account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidScope, Field: account.FieldScope}
		}
	}
	return asked, nil
}

func tokenResponse(access, refresh string, scopes []string) server.PaywayAccessTokenResponseObject {
	body := models.PaywayTokenResponse{AccessToken: access, TokenType: models.PaywayTokenResponseTokenTypeBearer,
		ExpiresIn: int(accessTTL.Seconds()), Scope: strings.Join(scopes, " ")}
	if refresh != "" {
		body.RefreshToken = &refresh
	}
	return server.PaywayAccessToken200JSONResponse{Body: body,
		Headers: server.PaywayAccessToken200ResponseHeaders{CacheControl: "no-store"}}
}

func val(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
