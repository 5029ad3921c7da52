package rixl

import (
	"net/http"

	"github.com/accountd/accountd/account"
)

// Rixl's message catalogue. `error` is a short message in the words of Rixl's docs
// ("Malformed request or invalid email", "Missing or invalid access token", "Email already in
// use by another account", "Too many verification requests"); `details` says exactly what
// went wrong.

// Success messages.
const (
	msgCodeSent = "Verification code sent"
	msgVerified = "Email verified"
	msgResent   = "If this address awaits verification, a new code has been sent to it."
)

const (
	msgMalformed      = "Malformed request"
	msgMalformedEmail = "Malformed request or invalid email"
	msgInternal       = "Internal server error"
	detailsInternal   = "Try again later."
)

// entry is the catalogue entry of a core reason: its status, Rixl's message and the details.
type entry struct {
	status  int
	error   string
	details string
}

// catalogue maps the core's reasons (account.Code*) to Rixl's statuses and words.
var catalogue = map[string]entry{
	account.CodeInvalidEmail:        {http.StatusBadRequest, msgMalformedEmail, "The address is not a valid email address."},
	account.CodeEmailUnchanged:      {http.StatusBadRequest, "Email already on this account", "The address already belongs to this account."},
	account.CodeWeakPassword:        {http.StatusBadRequest, "Password does not meet the requirements", "The password is too weak."},
	account.CodeInvalidCode:         {http.StatusBadRequest, "Invalid or expired code", "The code is wrong, expired, already used or out of attempts."},
	account.CodeInvalidCredentials:  {http.StatusUnauthorized, "Invalid email or password", "The email address or the password is wrong."},
	account.CodeNoCredentials:       {http.StatusUnauthorized, "Missing or invalid access token", "Send Authorization: Bearer <access_token>."},
	account.CodeInvalidToken:        {http.StatusUnauthorized, "Missing or invalid access token", "The access token is unknown, expired or revoked."},
	account.CodeInvalidRefreshToken: {http.StatusUnauthorized, "Invalid refresh token", "The refresh token is unknown, expired or revoked."},
	account.CodeRefreshTokenReused:  {http.StatusUnauthorized, "Invalid refresh token", "The refresh token was already used; its session is now revoked."},
	account.CodeAccountDeleted:      {http.StatusForbidden, "Account deleted", "This account has been deleted."},
	account.CodeAccountSuspended:    {http.StatusForbidden, "Account suspended", "This account has been suspended."},
	account.CodeEmailTaken:          {http.StatusConflict, "Email already in use by another account", "Another account uses this address."},
	account.CodeNotPermitted:        {http.StatusForbidden, "Forbidden", "user_id names another account; this operation acts on the caller's own account only."},
	account.CodeLastAdmin:           {http.StatusConflict, "Last business admin cannot leave the organization", "Another business admin must be appointed first."},
	account.CodeNotFound:            {http.StatusNotFound, "Not found", "The resource does not exist."},
	account.CodeThrottled:           {http.StatusTooManyRequests, "Too many requests", ""},
}

// throttledMessages word a 429 by operation, where Rixl's docs name the limit.
var throttledMessages = map[string]string{
	"rixlEmailServiceInitiateEmailChange": "Too many verification requests",
	"rixlEmailServiceAddEmail":            "Too many verification requests",
}

// fieldDetails words a reason by the field it is about, where the catalogue's words are too general.
var fieldDetails = map[string]map[string]string{
	account.CodeNotFound: {
		account.FieldVerificationID: "No verification has this id.",
		account.FieldOrganization:   "You are not a member of this organization.",
	},
	// The logout body's token (not the caller's bearer token).
	account.CodeInvalidToken: {account.FieldToken: "The token is unknown, already ended, or not of one of your sessions."},
}

// failure kinds that are not core errors.
var (
	notFound      = entry{http.StatusNotFound, "Not found", "No such endpoint."}
	methodRefused = entry{http.StatusMethodNotAllowed, "Method not allowed", "This endpoint does not take this method."}
	tooLarge      = entry{http.StatusRequestEntityTooLarge, "Request body too large", "The request body is larger than the server accepts."}
	notAcceptable = entry{http.StatusNotAcceptable, "Not acceptable", "The response is only available as application/json."}
)

// issueTexts word validation issues by the schema rule that failed.
var issueTexts = map[string]string{
	"required": "is required",
	"object":   "must be a JSON object",
	"format":   "has the wrong format",
}
