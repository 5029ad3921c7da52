package handlers

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
)

// Rixl answers every error with {"code": <HTTP status>, "details": "...", "error": "..."}:
// `error` is a short message (the vendor's page words them), `details` says exactly what went
// wrong. All of Rixl's wording is in this file.

// rixlMessage is the catalogue entry of a core reason: its status and Rixl's message.
type rixlMessage struct {
	status int
	error  string
}

// rixlCatalogue maps the core's reasons (account.Code*) to Rixl's statuses and messages.
var rixlCatalogue = map[string]rixlMessage{
	account.CodeInvalidEmail:        {http.StatusBadRequest, "Malformed request or invalid email"},
	account.CodeEmailUnchanged:      {http.StatusBadRequest, "Email already on this account"},
	account.CodeWeakPassword:        {http.StatusBadRequest, "Password does not meet the requirements"},
	account.CodeInvalidCode:         {http.StatusBadRequest, "Invalid or expired code"},
	account.CodeInvalidCredentials:  {http.StatusUnauthorized, "Invalid email or password"},
	account.CodeNoCredentials:       {http.StatusUnauthorized, "Missing or invalid access token"},
	account.CodeInvalidToken:        {http.StatusUnauthorized, "Missing or invalid access token"},
	account.CodeInvalidRefreshToken: {http.StatusUnauthorized, "Invalid refresh token"},
	account.CodeRefreshTokenReused:  {http.StatusUnauthorized, "Invalid refresh token"},
	account.CodeAccountDeleted:      {http.StatusForbidden, "Account deleted"},
	account.CodeAccountSuspended:    {http.StatusForbidden, "Account suspended"},
	account.CodeEmailTaken:          {http.StatusConflict, "Email already in use by another account"},
	account.CodeLastAdmin:           {http.StatusConflict, "Last business admin cannot leave the organization"},
	account.CodeNotFound:            {http.StatusNotFound, "Not found"},
	account.CodeThrottled:           {http.StatusTooManyRequests, "Too many requests"},
}

// rixlDetails words the details of core reasons whose details do not come from the core.
var rixlDetails = map[string]string{
	account.CodeInvalidEmail:        "The address is not a valid email address.",
	account.CodeEmailUnchanged:      "The address already belongs to this account.",
	account.CodeInvalidCode:         "The code is wrong, expired, already used or out of attempts.",
	account.CodeInvalidCredentials:  "The email address or the password is wrong.",
	account.CodeNoCredentials:       "Send Authorization: Bearer <access_token>.",
	account.CodeInvalidToken:        "The access token is unknown, expired or revoked.",
	account.CodeInvalidRefreshToken: "The refresh token is unknown, expired or revoked.",
	account.CodeRefreshTokenReused:  "The refresh token was already used; its session is now revoked.",
	account.CodeAccountDeleted:      "This account has been deleted.",
	account.CodeAccountSuspended:    "This account has been suspended.",
	account.CodeEmailTaken:          "Another account uses this address.",
	account.CodeLastAdmin:           "Another business admin must be appointed first.",
}

// rixlNotFoundDetails words a not_found by the field it is about.
var rixlNotFoundDetails = map[string]string{
	account.FieldVerificationID: "No verification has this id.",
	account.FieldOrganization:   "You are not a member of this organization.",
}

// fail maps a core error from a handler, renaming the core's generic field names to the
// operation's request fields (pairs: core field, request field).
func (x *Rixl) fail(err error, renames ...string) error {
	f := classify(err)
	if len(renames) > 0 {
		f.renames = map[string]string{}
		for i := 0; i+1 < len(renames); i += 2 {
			f.renames[renames[i]] = renames[i+1]
		}
	}
	if f.kind == failCore {
		return rixlCore(f.core, f.renames, x.core.Now())
	}
	return rixlReply(f)
}

func rixlError(status int, msg, details string) *reply {
	return &reply{status: status, body: models.RixlError{Code: status, Error: msg, Details: details}}
}

func rixlReply(f failure) *reply {
	switch f.kind {
	case failValidation:
		msg := "Malformed request"
		for _, is := range f.issues {
			if is.rule == "format" && strings.Contains(is.field, "email") {
				msg = "Malformed request or invalid email"
			}
		}
		return rixlError(http.StatusBadRequest, msg, rixlIssues(f.issues))
	case failParse:
		return rixlError(http.StatusBadRequest, "Malformed request", "The body is not valid JSON: "+f.detail+".")
	case failMediaType:
		return rixlError(http.StatusUnsupportedMediaType, "Unsupported media type",
			fmt.Sprintf("Send application/json, not %q.", f.mediaType))
	case failTooLarge:
		return rixlError(http.StatusRequestEntityTooLarge, "Request body too large", "The request body is larger than the server accepts.")
	case failNotFound:
		return rixlError(http.StatusNotFound, "Not found", "No such endpoint.")
	case failMethod:
		return rixlError(http.StatusMethodNotAllowed, "Method not allowed", "This endpoint does not take this method.")
	case failCore:
		return rixlCore(f.core, f.renames, time.Now())
	}
	return &reply{status: http.StatusInternalServerError, cause: f.cause,
		body: models.RixlError{Code: http.StatusInternalServerError, Error: "Internal server error", Details: "Try again later."}}
}

func rixlCore(e *account.Error, renames map[string]string, now time.Time) *reply {
	m, ok := rixlCatalogue[e.Code]
	if !ok {
		return &reply{status: http.StatusInternalServerError, cause: e,
			body: models.RixlError{Code: http.StatusInternalServerError, Error: "Internal server error", Details: "Try again later."}}
	}
	details := rixlDetails[e.Code]
	switch e.Code {
	case account.CodeWeakPassword:
		details = strings.Join(e.Messages, " ")
	case account.CodeNotFound:
		details = rixlNotFoundDetails[e.Field]
	case account.CodeThrottled:
		return rixlThrottled(e.RetryAfter, now)
	}
	if field := e.Field; field != "" && m.status == http.StatusBadRequest {
		if to, ok := renames[field]; ok {
			field = to
		}
		details = field + ": " + details
	}
	r := rixlError(m.status, m.error, details)
	if m.status == http.StatusUnauthorized {
		r.headers = map[string]string{"WWW-Authenticate": "Bearer"}
	}
	return r
}

// rixlThrottled is a 429: Retry-After in seconds, and details with the RFC 3339 time to retry.
func rixlThrottled(wait time.Duration, now time.Time) *reply {
	secs := int(wait.Round(time.Second).Seconds())
	if secs < 1 {
		secs = 1
	}
	r := rixlError(http.StatusTooManyRequests, "Too many requests",
		"retry after "+now.UTC().Add(time.Duration(secs)*time.Second).Format(time.RFC3339))
	r.headers = map[string]string{"Retry-After": strconv.Itoa(secs)}
	return r
}

// rixlIssues words validation issues as "field: problem; field: problem", sorted by field.
func rixlIssues(issues []issue) string {
	parts := make([]string, 0, len(issues))
	for _, is := range issues {
		field := is.field
		if field == "" {
			field = "body"
		}
		parts = append(parts, field+": "+rixlIssueText(is))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

func rixlIssueText(is issue) string {
	switch is.rule {
	case "required":
		return "is required"
	case "object":
		return "must be a JSON object"
	case "type", "nullable":
		if is.schema != nil && is.schema.Type != nil && len(*is.schema.Type) > 0 {
			return "must be of type " + (*is.schema.Type)[0]
		}
		return "has the wrong type"
	case "format":
		if is.schema != nil && is.schema.Format == "email" {
			return "must be a valid email address"
		}
		return "has the wrong format"
	case "minLength":
		if is.schema != nil && is.schema.MinLength <= 1 {
			return "must not be empty"
		}
		if is.schema != nil {
			return fmt.Sprintf("must have at least %d characters", is.schema.MinLength)
		}
	case "maxLength":
		if is.schema != nil && is.schema.MaxLength != nil {
			return fmt.Sprintf("must have at most %d characters", *is.schema.MaxLength)
		}
	}
	return "is invalid"
}
