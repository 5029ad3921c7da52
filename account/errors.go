// Package account is the account core shared by every vendor API: users, email addresses,
// organisations, credentials, one-time codes, outbox mail, audit events and rate limits.
// It knows nothing of HTTP or vendors: handlers translate requests into these calls and
// translate *Error values into their vendor's error bodies.
package account

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Kind says what sort of failure an Error is; vendors map kinds to status codes.
type Kind string

// Kinds of failure.
const (
	KindInvalid         Kind = "invalid"         // the input is wrong; Field names it
	KindConflict        Kind = "conflict"        // the input clashes with existing state (address taken)
	KindUnauthenticated Kind = "unauthenticated" // no valid credential
	KindForbidden       Kind = "forbidden"       // the account may not do this
	KindNotFound        Kind = "not_found"
	KindRateLimited     Kind = "rate_limited" // RetryAfter says when to come back
	KindInternal        Kind = "internal"
)

// Machine-readable reasons. Vendors choose their wording per reason.
const (
	CodeInvalidCredentials = "invalid_credentials" // login: wrong address or password (never says which)
	CodeWrongPassword      = "wrong_password"      // the current password given to confirm an action is wrong
	CodeWeakPassword       = "weak_password"       // Messages lists the policy rules that failed
	CodeInvalidEmail       = "invalid_email"
	CodeEmailTaken         = "email_taken"
	CodeEmailUnchanged     = "email_unchanged"
	CodeInvalidCode        = "invalid_code" // unknown, expired, used, superseded or out of attempts
	CodeTOSRequired        = "tos_required"
	CodeAlreadyVerified    = "already_verified"
	CodeInvalidToken       = "invalid_token"
	CodeNoCredentials      = "no_credentials"
	CodeAccountDeleted     = "account_deleted"
	CodeAccountSuspended   = "account_suspended"
	CodeThrottled          = "throttled"
	CodeNotFound           = "not_found"
	CodeInvalidRole        = "invalid_role"
	CodeLastAdmin          = "last_admin" // the last business_admin of an organisation cannot leave it
)

// Generic field names used in Error.Field; vendors rename them to their request fields.
const (
	FieldEmail          = "email"
	FieldPassword       = "password"
	FieldNewPassword    = "new_password"
	FieldCode           = "code"
	FieldTOS            = "tos_accepted"
	FieldRole           = "role"
	FieldName           = "name"
	FieldVerificationID = "verification_id"
	FieldOrganization   = "org_id"
)

// Error is the core's error. Messages are safe to show to the caller; the cause is not.
type Error struct {
	Kind       Kind
	Code       string
	Field      string
	Messages   []string
	RetryAfter time.Duration
	cause      error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s", e.Kind, e.Code)
	if e.Field != "" {
		fmt.Fprintf(&b, " (%s)", e.Field)
	}
	if len(e.Messages) > 0 {
		b.WriteString(": " + strings.Join(e.Messages, " "))
	}
	if e.cause != nil {
		b.WriteString(": " + e.cause.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.cause }

// AsError returns the *Error inside err, or an internal error wrapping err.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: KindInternal, Code: "internal", cause: err}
}

func invalid(code, field string, messages ...string) *Error {
	return &Error{Kind: KindInvalid, Code: code, Field: field, Messages: messages}
}

func conflict(code, field string, messages ...string) *Error {
	return &Error{Kind: KindConflict, Code: code, Field: field, Messages: messages}
}

func forbidden(code string, messages ...string) *Error {
	return &Error{Kind: KindForbidden, Code: code, Messages: messages}
}

func throttled(retryAfter time.Duration) *Error {
	if retryAfter < time.Second {
		retryAfter = time.Second
	}
	return &Error{Kind: KindRateLimited, Code: CodeThrottled, RetryAfter: retryAfter.Round(time.Second),
		Messages: []string{"Too many requests."}}
}

func errInvalidCode(field string) *Error {
	return invalid(CodeInvalidCode, field, "The code is invalid or has expired.")
}

func errEmailTaken() *Error {
	return conflict(CodeEmailTaken, FieldEmail, "This email address is already in use.")
}

func errWrongPassword() *Error {
	return invalid(CodeWrongPassword, FieldPassword, "Invalid password.")
}

func internal(err error) *Error {
	return &Error{Kind: KindInternal, Code: "internal", cause: err}
}
