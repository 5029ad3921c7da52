package handlers

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/models"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

// Keys on the echo.Context. The validator calls authenticate mid-validation, where replacing
// the request would lose the validated body, so the result waits here until attach.
const (
	sessionKey     = "accountd.session"
	principalKey   = "accountd.principal"
	authFailureKey = "accountd.authFailure"
)

type authenticator struct {
	core *account.Service
}

// authenticate is kin-openapi's AuthenticationFunc: it resolves the credential each security
// scheme of openapi.yaml names.
func (a *authenticator) authenticate(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	ec := echomiddleware.GetEchoContext(ctx)
	if ec == nil {
		return fmt.Errorf("no echo context")
	}
	var token string
	var presented bool
	var kinds []string
	switch in.SecuritySchemeName {
	case "WebshareToken":
		token, presented = schemeToken(in.RequestValidationInput.Request.Header.Get("Authorization"), "Token")
		kinds = []string{models.CredentialAPIToken}
	case "RixlBearer":
		token, presented = schemeToken(in.RequestValidationInput.Request.Header.Get("Authorization"), "Bearer")
		if !presented {
			_, err := a.core.Authenticate(ctx, "")
			return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: err}
		}
		sp, err := a.core.AuthenticateSession(ctx, token)
		if err != nil {
			ec.Set(authFailureKey, err)
			return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: err}
		}
		ec.Set(principalKey, sp.Principal)
		ec.Set(sessionKey, sp.SessionID)
		return nil
	default:
		return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
	}
	if !presented {
		_, err := a.core.Authenticate(ctx, "")
		return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: err}
	}
	p, err := a.core.Authenticate(ctx, token, kinds...)
	if err != nil {
		// Remembered so that a bad credential is refused even where authentication is optional.
		ec.Set(authFailureKey, err)
		return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: err}
	}
	ec.Set(principalKey, p)
	return nil
}

// schemeToken splits "Token abc" into "abc". A header for another scheme counts as no
// credential (as in Django REST Framework); a malformed one for this scheme is presented but
// empty, so it is refused as an invalid token.
func schemeToken(header, scheme string) (token string, presented bool) {
	parts := strings.Fields(header)
	if len(parts) == 0 || !strings.EqualFold(parts[0], scheme) {
		return "", false
	}
	if len(parts) != 2 {
		return "\x00malformed", true
	}
	return parts[1], true
}

// attach runs after validation: it refuses a presented but bad credential on operations where
// authentication is optional, and hands the principal and client address to the handlers
// through the request context.
func (a *authenticator) attach(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		p, ok := c.Get(principalKey).(account.Principal)
		if failure, failed := c.Get(authFailureKey).(error); failed && !ok {
			return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: failure}
		}
		info := requestInfo{remoteIP: c.RealIP()}
		info.sessionID, _ = c.Get(sessionKey).(string)
		if ok {
			info.principal = &p
		}
		c.SetRequest(c.Request().WithContext(context.WithValue(c.Request().Context(), requestInfoKey{}, info)))
		return next(c)
	}
}

// principalFrom returns the authenticated caller of an operation whose security is required.
func principalFrom(ctx context.Context) (account.Principal, error) {
	if p := infoFrom(ctx).principal; p != nil {
		return *p, nil
	}
	return account.Principal{}, fmt.Errorf("handlers: no principal on an authenticated operation")
}
