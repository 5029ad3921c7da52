package httpapi

import (
	"github.com/accountd/accountd/account"
	"github.com/getkin/kin-openapi/openapi3"
)

// Kind sorts every way a request can fail before or inside a handler. The server sorts an
// error once; each vendor's Render turns the Failure into its own body.
type Kind int

// Kinds of failure.
const (
	FailInternal      Kind = iota // Err is the cause: log it, answer 500
	FailValidation                // the request breaks openapi.yaml; Issues says where
	FailParse                     // the body is not readable; Detail is a short, safe reason
	FailMediaType                 // the body's Content-Type (MediaType) is not one the operation takes
	FailTooLarge                  // the body is over the server's limit
	FailNotFound                  // no operation has this path
	FailMethod                    // the path exists, the method does not
	FailNotAcceptable             // no response media type the client accepts (ErrNotAcceptable)
	FailCore                      // an *account.Error (Core), authentication failures included
	FailVendor                    // the vendor's own error type (Err), from its handlers or schemes
)

// Failure is an error sorted for rendering.
type Failure struct {
	Kind Kind
	// Operation is the operationId of the matched operation ("" for 404 and 405).
	Operation string
	Issues    []Issue
	MediaType string
	Detail    string
	Core      *account.Error
	// Field is Core.Field renamed through the vendor's FieldTable for Operation.
	Field string
	// Err is the vendor's error (FailVendor) or the cause (FailInternal, never sent).
	Err error
	// Accept is the request's Accept header, for vendors that answer errors in a negotiated
	// media type.
	Accept string
}

// Issue is one validation problem with one field ("" for the request as a whole).
type Issue struct {
	Field string
	// Rule is the schema keyword that failed: required, unsupported (an unknown field where
	// the schema says additionalProperties: false), type, object (the body is not an object),
	// nullable, minLength, maxLength, format, enum, pattern, minimum, maximum, invalid, ...
	Rule string
	// Schema is the failing schema, for limits and types in messages (may be nil).
	Schema *openapi3.Schema
}

// VendorError is implemented by a vendor's own failure types, for failures the core does not
// know (an OAuth error of a token endpoint, a missing CSRF header). A vendor's handlers and
// schemes return them; only that vendor's Render sees them (Kind FailVendor).
type VendorError interface {
	error
	VendorFailure()
}

// ErrNotAcceptable is returned by a handler or a Prepare step when there is no representation
// the client's Accept header allows; it becomes FailNotAcceptable.
var ErrNotAcceptable = notAcceptable{}

type notAcceptable struct{}

func (notAcceptable) Error() string { return "no acceptable media type" }
