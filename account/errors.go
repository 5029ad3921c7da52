package account

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/accountd/accountd/account/password"
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
	CodeWeakPassword       = "weak_password"       // Reasons lists the policy rules that failed (password.Problem codes)
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
	CodeInvalidName        = "invalid_name"
	CodeInvalidCaptcha     = "invalid_captcha" // raised by vendor handlers that check a captcha
	CodeNotPermitted       = "not_permitted"   // the caller may not act on this user (role rules)
	CodeAlreadyMember      = "already_member"  // the user is a member of the organisation already
	CodeLastAdmin          = "last_admin"      // the last business_admin of an organisation cannot leave it
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

// Error is the core's error. Kind, Code, Field and Reasons are safe to show to the caller (each
// vendor words them); the cause is not.
type Error struct {
	Kind  Kind
	Code  string
	Field string
	// Reasons are machine-readable details of Code, e.g. the password rules that failed.
	Reasons    []string
	RetryAfter time.Duration
	cause      error
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s", e.Kind, e.Code)
	if e.Field != "" {
		fmt.Fprintf(&b, " (%s)", e.Field)
	}
	if len(e.Reasons) > 0 {
		b.WriteString(": " + strings.Join(e.Reasons, ", "))
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

func invalid(code, field string, reasons ...string) *Error {
	return &Error{Kind: KindInvalid, Code: code, Field: field, Reasons: reasons}
}

func conflict(code, field string) *Error {
	return &Error{Kind: KindConflict, Code: code, Field: field}
}

func forbidden(code string) *Error {
	return &Error{Kind: KindForbidden, Code: code}
}

func throttled(retryAfter time.Duration) *Error {
	if retryAfter < time.Second {
		retryAfter = time.Second
	}
	// Up to the whole second: a retry after Retry-After seconds is never refused for being early.
	if rest := retryAfter % time.Second; rest > 0 {
		retryAfter += time.Second - rest
	}
	return &Error{Kind: KindRateLimited, Code: CodeThrottled, RetryAfter: retryAfter}
}

func errInvalidCode(field string) *Error {
	return invalid(CodeInvalidCode, field)
}

func errEmailTaken() *Error {
	return conflict(CodeEmailTaken, FieldEmail)
}

func errWrongPassword() *Error {
	return invalid(CodeWrongPassword, FieldPassword)
}

// hashError wraps a failure of the password hasher: the caller's context ending while it waited
// for a hashing slot (the handler sees context.Canceled through Unwrap), or a corrupt stored hash.
func hashError(err error) *Error { return internal(err) }

func internal(err error) *Error {
	return &Error{Kind: KindInternal, Code: "internal", cause: err}
}

// weakPassword checks a new password against the policy; the failed rules become Reasons.
func weakPassword(plain, email, field string) error {
	problems := password.Check(plain, map[string]string{"email": email})
	if len(problems) == 0 {
		return nil
	}
	reasons := make([]string, len(problems))
	for i, p := range problems {
		reasons[i] = p.String()
	}
	return invalid(CodeWeakPassword, field, reasons...)
}
