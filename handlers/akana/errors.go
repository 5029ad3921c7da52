package akana

import (
	"net/http"
	"strconv"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Akana documents its errors as a status and a text; the body here is the PROPOSED
// {"code": <status>, "message": "..."} (vendor-apis.md 3.4), in the media type the request's
// Accept header asks for (application/json when it allows none).

// vendorError is a failure Akana's layer decides itself, not the core.
type vendorError struct {
	status  int
	message string
}

func (e *vendorError) Error() string { return e.message }
func (*vendorError) VendorFailure()  {}

var (
	errNoSuchUser = &vendorError{http.StatusNotFound, msgNoSuchUser}
	// errNoBody cannot happen after validation (the bodies are required); it keeps a handler
	// from dereferencing nil.
	errNoBody = &vendorError{http.StatusBadRequest, msgNoBody}
	// errNoSession cannot happen either: the operation's security requires the cookie.
	errNoSession = &vendorError{http.StatusUnauthorized, msgUnauthorized}
)

// Render turns any failure of an Akana operation, or of a request under Akana's paths, into
// Akana's body.
func (a *Akana) Render(f httpapi.Failure) *httpapi.Reply {
	switch f.Kind {
	case httpapi.FailValidation:
		return reply(f, http.StatusBadRequest, issuesMessage(f.Issues))
	case httpapi.FailParse:
		return reply(f, http.StatusBadRequest, msgMalformed)
	case httpapi.FailMediaType:
		return reply(f, http.StatusUnsupportedMediaType, msgMediaType)
	case httpapi.FailTooLarge:
		return reply(f, http.StatusRequestEntityTooLarge, msgTooLarge)
	case httpapi.FailNotFound:
		return reply(f, http.StatusNotFound, msgNotFound)
	case httpapi.FailMethod:
		return reply(f, http.StatusMethodNotAllowed, msgMethod)
	case httpapi.FailNotAcceptable:
		r := reply(f, http.StatusNotAcceptable, msgNotAcceptable)
		r.Headers["Content-Type"] = mediaJSON // nothing the client accepts: plain JSON
		return r
	case httpapi.FailVendor:
		if e, ok := f.Err.(*vendorError); ok {
			return reply(f, e.status, e.message)
		}
	case httpapi.FailCore:
		return renderCore(f)
	}
	r := reply(f, http.StatusInternalServerError, msgServerError)
	r.Cause = f.Err
	return r
}

func renderCore(f httpapi.Failure) *httpapi.Reply {
	e := f.Core
	switch e.Kind {
	case account.KindInvalid:
		if e.Code == account.CodeInvalidCredentials {
			return reply(f, http.StatusUnauthorized, msgBadLogin)
		}
		return reply(f, http.StatusBadRequest, coreMessage(e, f.Field))
	case account.KindConflict:
		return reply(f, http.StatusConflict, coreMessage(e, f.Field))
	case account.KindUnauthenticated:
		return reply(f, http.StatusUnauthorized, msgUnauthorized)
	case account.KindForbidden:
		return reply(f, http.StatusForbidden, coreMessage(e, f.Field))
	case account.KindNotFound:
		return reply(f, http.StatusNotFound, msgNotFound)
	case account.KindRateLimited:
		secs := httpapi.RetryAfterSeconds(e.RetryAfter)
		r := reply(f, http.StatusTooManyRequests, msgThrottled)
		r.Headers["Retry-After"] = strconv.Itoa(secs)
		return r
	}
	r := reply(f, http.StatusInternalServerError, msgServerError)
	r.Cause = e
	return r
}

// reply is Akana's error body with status, in the media type the request asked for.
func reply(f httpapi.Failure, status int, message string) *httpapi.Reply {
	mt, ok := negotiate(f.Accept)
	if !ok {
		mt = mediaJSON
	}
	return &httpapi.Reply{Status: status, Body: models.AkanaError{Code: status, Message: message},
		Headers: map[string]string{"Content-Type": mt}}
}
