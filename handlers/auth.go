package handlers

import (
	"context"
	"fmt"
	"net/http"

	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
	echomiddleware "github.com/oapi-codegen/echo-middleware"
)

// Keys on the echo.Context. The validator calls authenticate mid-validation, where replacing
// the request would lose the validated body, so the result waits here until attach.
const (
	authKey        = "accountd.auth"
	authFailureKey = "accountd.authFailure"
	authSharedKey  = "accountd.authShared"
)

type authenticated struct {
	scheme string
	auth   httpapi.Auth
}

// authenticate is kin-openapi's AuthenticationFunc: it hands each security scheme of
// openapi.yaml to the vendor Scheme registered for it.
func (rt *routes) authenticate(ctx context.Context, in *openapi3filter.AuthenticationInput) error {
	ec := echomiddleware.GetEchoContext(ctx)
	if ec == nil {
		return fmt.Errorf("no echo context")
	}
	scheme := rt.schemes[in.SecuritySchemeName]
	if scheme == nil { // newRoutes checked every scheme of the document
		return fmt.Errorf("unknown security scheme %q", in.SecuritySchemeName)
	}
	shared, _ := ec.Get(authSharedKey).(*httpapi.Shared)
	if shared == nil {
		shared = &httpapi.Shared{}
		ec.Set(authSharedKey, shared)
	}
	auth, err := scheme(ctx, httpapi.SchemeInput{Request: in.RequestValidationInput.Request, Scopes: in.Scopes, Shared: shared})
	if err != nil {
		if !httpapi.IsNoCredential(err) {
			// Remembered so that a bad credential is refused even where authentication is optional.
			ec.Set(authFailureKey, err)
		}
		return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: err}
	}
	ec.Set(authKey, authenticated{scheme: in.SecuritySchemeName, auth: auth})
	return nil
}

// attach runs after validation: it refuses a presented but bad credential on operations where
// authentication is optional, hands the caller and client address to the handlers through
// the request context, and runs the operation's vendor's Prepare step.
func (rt *routes) attach(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		a, ok := c.Get(authKey).(authenticated)
		if failure, failed := c.Get(authFailureKey).(error); failed && !ok {
			return &echo.HTTPError{Code: http.StatusUnauthorized, Internal: failure}
		}
		info := httpapi.Info{ClientIP: c.RealIP(), Accept: c.Request().Header.Get(echo.HeaderAccept)}
		if ok {
			info.Principal, info.Scheme, info.Extra = &a.auth.Principal, a.scheme, a.auth.Extra
		}
		ctx := httpapi.WithInfo(c.Request().Context(), info)
		if op, ok := rt.operation(c); ok {
			if p, ok := op.vendor.(httpapi.Preparer); ok {
				var err error
				if ctx, err = p.Prepare(ctx, op.id, c.Request()); err != nil {
					return err
				}
			}
		}
		c.SetRequest(c.Request().WithContext(ctx))
		return next(c)
	}
}
