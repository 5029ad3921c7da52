package httpapi

import (
	"context"
	"errors"

	"github.com/accountd/accountd/account"
)

// Info is what the server knows about a request besides its body.
type Info struct {
	// Principal is the authenticated caller (nil on an operation without security, or where
	// security is optional and no credential was sent).
	Principal *account.Principal
	// Scheme is the security scheme that authenticated the request.
	Scheme string
	// Extra is what that scheme attached (Auth.Extra): a session id, scopes, a CSRF secret...
	Extra any
	// ClientIP is the client address (behind trusted proxies, from X-Forwarded-For).
	ClientIP string
	// Accept is the request's Accept header, for vendors that answer in a negotiated media type.
	Accept string
}

type infoKey struct{}

// WithInfo returns ctx carrying info (the server does this before the handlers run).
func WithInfo(ctx context.Context, info Info) context.Context {
	return context.WithValue(ctx, infoKey{}, info)
}

// InfoFrom returns the request's Info.
func InfoFrom(ctx context.Context) Info {
	info, _ := ctx.Value(infoKey{}).(Info)
	return info
}

// PrincipalFrom returns the authenticated caller of an operation whose security is required.
func PrincipalFrom(ctx context.Context) (account.Principal, error) {
	if p := InfoFrom(ctx).Principal; p != nil {
		return *p, nil
	}
	return account.Principal{}, errors.New("httpapi: no principal on an authenticated operation")
}
