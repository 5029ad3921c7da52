package payway

import (
	"fmt"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Payway's message catalogue. Where Payway's docs print a message ("Parameter must match
// format (...)", "contact_email could not be found") it is used as printed; the rest follows
// the same style. Messages never carry internals or the caller's values.

const (
	msgServerError  = "Something unexpected happened server side"
	msgContentType  = "The request's Content-Type header isn't set to application/json"
	msgJSON         = "The request body could not be parsed as valid json"
	msgJSONObject   = "The request body must be a json object"
	msgUnauthorized = "The access token is missing, invalid or expired"
	msgTooLarge     = "The request body is too large"
	msgNotFound     = "The account could not be found"
	msgRouteUnknown = "The resource could not be found"
	msgMethod       = "The method is not allowed for this resource"
	msgNotAccept    = "The Accept header allows no response this resource has"
	msgOrgConflict  = "The account is not connected to your organisation"
	msgSameEmail    = "The new e-mail is the same as the current"
)

// notFoundMessage is Payway's "<field> could not be found".
func notFoundMessage(field string) string {
	if field == "" {
		return msgNotFound
	}
	return field + " could not be found"
}

// issueMessage words a validation issue of one field.
func issueMessage(is httpapi.Issue) string {
	s := is.Schema
	switch is.Rule {
	case "required":
		return "Parameter is required"
	case "unsupported":
		return "Parameter is not recognized"
	case "maxLength":
		if s != nil && s.MaxLength != nil {
			return fmt.Sprintf("Parameter must be at most %d characters", *s.MaxLength)
		}
	case "minLength":
		if s != nil {
			return fmt.Sprintf("Parameter must be at least %d characters", s.MinLength)
		}
	case "pattern":
		if s != nil && s.Pattern != "" {
			return fmt.Sprintf("Parameter must match format (/%s/)", s.Pattern)
		}
	case "format":
		if s != nil && s.Format == "email" {
			return "Parameter must be a valid e-mail address"
		}
		return "Parameter must be a valid URL"
	case "type", "nullable":
		if s != nil && s.Type != nil && len(s.Type.Slice()) > 0 {
			return "Parameter must be a " + s.Type.Slice()[0]
		}
	}
	return "Parameter is invalid"
}

// invalidMessage words a core KindInvalid error.
func invalidMessage(e *account.Error, field string) string {
	switch e.Code {
	case account.CodeInvalidEmail:
		return "Parameter must be a valid e-mail address"
	case account.CodeWeakPassword:
		if len(e.Reasons) > 0 {
			return "Parameter is invalid: " + strings.Join(e.Reasons, ", ")
		}
	}
	return "Parameter is invalid"
}

// forbiddenMessage words a 403.
func forbiddenMessage(f *forbidden) string {
	if f.wrongKind != "" {
		return "This operation needs " + article(f.wrongKind) + " token"
	}
	return "The access token does not grant " + f.scope
}

func article(kind string) string {
	if kind == "application" {
		return "an application"
	}
	return "a " + kind
}

// oauthDescriptions word the core's errors at the token endpoint.
var oauthDescriptions = map[string]struct {
	code        models.PaywayOAuthErrorError
	description string
}{
	account.CodeInvalidCredentials:  {models.PaywayOAuthErrorErrorInvalidGrant, "Username/password do not match"},
	account.CodeAccountFrozen:       {models.PaywayOAuthErrorErrorInvalidGrant, "The account is frozen after too many failed logins; try again later"},
	account.CodeThrottled:           {models.PaywayOAuthErrorErrorInvalidGrant, "Too many failed logins; try again later"},
	account.CodeAccountDeleted:      {models.PaywayOAuthErrorErrorInvalidGrant, "Username/password do not match"},
	account.CodeAccountSuspended:    {models.PaywayOAuthErrorErrorInvalidGrant, "The account is suspended"},
	account.CodeInvalidRefreshToken: {models.PaywayOAuthErrorErrorInvalidGrant, "The refresh token is invalid or expired"},
	account.CodeRefreshTokenReused:  {models.PaywayOAuthErrorErrorInvalidGrant, "The refresh token was already used; every token of its login is revoked"},
	account.CodeInvalidScope:        {models.PaywayOAuthErrorErrorInvalidScope, "The requested scope is invalid or exceeds what the client holds"},
	account.CodeInvalidClient:       {models.PaywayOAuthErrorErrorInvalidClient, "Client authentication failed"},
}
