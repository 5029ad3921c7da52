package akana

import (
	"fmt"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Akana's wording. The status texts are the ones Akana's documentation tables use.
const (
	msgUnauthorized  = "Unauthorized"
	msgBadLogin      = "Unauthorized: the email address or password is not correct."
	msgForbidden     = "Forbidden"
	msgNotFound      = "Not Found"
	msgNoSuchUser    = "Not Found: no user has this UserID."
	msgMethod        = "Method Not Allowed"
	msgNotAcceptable = "Not Acceptable"
	msgMediaType     = "Unsupported Media Type"
	msgTooLarge      = "Request body is too large."
	msgMalformed     = "The request body is not valid JSON."
	msgNoBody        = "The request body is required."
	msgThrottled     = "Too many requests; try again later."
	msgServerError   = "An error occurred processing the call."
	msgUnavailable   = "The service is temporarily unavailable. Please try again later."
)

// coreMessages words the core's reasons; {field} is the request field the reason is about.
var coreMessages = map[string]string{
	account.CodeInvalidEmail:     "{field} is not a valid email address.",
	account.CodeEmailTaken:       "The email address is already in use.",
	account.CodeEmailUnchanged:   "{field} is already the user's email address.",
	account.CodeInvalidCode:      "{field} is invalid, used or expired, or was not sent to this email address.",
	account.CodeWrongPassword:    "{field} is not the current password.",
	account.CodeWeakPassword:     "{field} does not meet the password policy.",
	account.CodeNotPermitted:     "Forbidden: you may not change this user's account.",
	account.CodeAccountDeleted:   "Forbidden: the account has been deleted.",
	account.CodeAccountSuspended: "Forbidden: the account has been suspended.",
}

func coreMessage(e *account.Error, field string) string {
	msg, ok := coreMessages[e.Code]
	if !ok {
		if e.Kind == account.KindForbidden {
			return msgForbidden
		}
		msg = "The request is invalid."
	}
	if field == "" {
		field = "The value"
	}
	msg = strings.ReplaceAll(msg, "{field}", field)
	// The password policy's own rules say what to fix.
	if e.Code == account.CodeWeakPassword {
		for _, r := range e.Reasons {
			msg += " " + password.ParseProblem(r).Message()
		}
	}
	return msg
}

// issuesMessage words validation issues, one sentence each, fields in request order.
func issuesMessage(issues []httpapi.Issue) string {
	var parts []string
	for _, is := range issues {
		field := is.Field
		if field == "" {
			field = "The request body"
		}
		var s string
		switch is.Rule {
		case "required":
			s = field + " is required."
		case "format":
			s = field + " is not valid."
		case "minLength", "maxLength":
			s = fmt.Sprintf("%s has a length out of range.", field)
		case "object":
			s = "The request body must be a JSON object."
		case "type", "nullable":
			s = field + " has the wrong type."
		default:
			s = field + " is not valid."
		}
		parts = append(parts, s)
	}
	if len(parts) == 0 {
		return "The request is invalid."
	}
	return strings.Join(parts, " ")
}
