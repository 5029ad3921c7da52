package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/accountd/accountd/account"
)

// Scheme authenticates one security scheme of openapi.yaml: it finds the scheme's credential
// in the request and resolves it. It returns
//   - the caller (and whatever the vendor's handlers need besides: Auth.Extra);
//   - NoCredential() when the request carries no credential of this scheme (an operation
//     whose security is optional then goes on unauthenticated);
//   - any other error (an *account.Error such as invalid_token or account_deleted, or a
//     VendorError such as a missing CSRF header or a missing scope), which refuses the request
//     even where security is optional, and is rendered by the vendor.
type Scheme func(ctx context.Context, in SchemeInput) (Auth, error)

// SchemeInput is the request being authenticated.
type SchemeInput struct {
	Request *http.Request
	// Scopes are the scopes the operation's security requirement lists for this scheme.
	Scopes []string
	// Shared lives as long as the request: schemes of one requirement that resolve the same
	// credential (Akana's session cookie and its CSRF header) read it once through it.
	Shared *Shared
}

// Shared keeps what the schemes of one request resolved. The validator checks a request's
// schemes one after another, never at once.
type Shared struct {
	results map[any]sharedResult
}

type sharedResult struct {
	value any
	err   error
}

// Once returns what load returned for key, calling load only the first time in this request.
// Errors are kept too: a credential that failed once fails again without a second look.
// A nil Shared keeps nothing.
func (s *Shared) Once(key any, load func() (any, error)) (any, error) {
	if s == nil {
		return load()
	}
	if r, ok := s.results[key]; ok {
		return r.value, r.err
	}
	v, err := load()
	if s.results == nil {
		s.results = map[any]sharedResult{}
	}
	s.results[key] = sharedResult{v, err}
	return v, err
}

// Auth is an authenticated caller.
type Auth struct {
	Principal account.Principal
	Extra     any
}

// NoCredential is the error of a Scheme that found no credential in the request.
func NoCredential() error {
	return &account.Error{Kind: account.KindUnauthenticated, Code: account.CodeNoCredentials}
}

// IsNoCredential reports whether err says that no credential was sent.
func IsNoCredential(err error) bool {
	var e *account.Error
	return errors.As(err, &e) && e.Code == account.CodeNoCredentials
}

// HeaderToken finds "<scheme> <token>" in a request header (Authorization: Token abc). A
// header for another scheme counts as no credential (as in Django REST Framework); a
// malformed one for this scheme is presented but unusable, so it is refused as invalid.
func HeaderToken(r *http.Request, header, scheme string) (token string, presented bool) {
	parts := strings.Fields(r.Header.Get(header))
	if len(parts) == 0 || !strings.EqualFold(parts[0], scheme) {
		return "", false
	}
	if len(parts) != 2 {
		return "\x00malformed", true
	}
	return parts[1], true
}

// TokenScheme authenticates a token that find takes from the request, with the core,
// accepting only credentials of the given kinds.
func TokenScheme(core *account.Service, find func(*http.Request) (token string, presented bool), kinds ...account.CredentialKind) Scheme {
	return func(ctx context.Context, in SchemeInput) (Auth, error) {
		token, presented := find(in.Request)
		if !presented {
			return Auth{}, NoCredential()
		}
		p, err := core.Authenticate(ctx, token, kinds...)
		if err != nil {
			return Auth{}, err
		}
		return Auth{Principal: p}, nil
	}
}
