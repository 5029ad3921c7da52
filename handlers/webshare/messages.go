package webshare

import (
	"fmt"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Webshare's message catalogue: Django REST Framework's and Webshare's exact English texts.

const (
	msgServerError   = "A server error occurred."
	msgUnavailable   = "Service temporarily unavailable, try again later."
	msgNotFound      = "Not found."
	msgMethod        = "Method not allowed."
	msgTooLarge      = "Request body is too large."
	msgNotAcceptable = "Could not satisfy the request Accept header."
	msgInvalid       = "Invalid request."
	msgForbidden     = "You do not have permission to perform this action."
)

// coreMessages words the core's codes.
var coreMessages = map[string]string{
	account.CodeInvalidCredentials: "Unable to log in with provided credentials.",
	account.CodeWrongPassword:      "Invalid password.",
	account.CodeInvalidEmail:       "Enter a valid email address.",
	account.CodeEmailTaken:         "This email address is already in use.",
	account.CodeEmailUnchanged:     "This is already your email address.",
	account.CodeTOSRequired:        "You must accept the terms of service.",
	account.CodeAlreadyVerified:    "This email address is already verified.",
	account.CodeInvalidCaptcha:     "Invalid recaptcha. Please try again.",
	account.CodeNoCredentials:      "Authentication credentials were not provided.",
	account.CodeInvalidToken:       "Invalid token.",
	account.CodeAccountDeleted:     "This account has been deleted.",
	account.CodeAccountSuspended:   "This account has been suspended.",
	account.CodeNotFound:           msgNotFound,
}

// invalidCodeMessages words an unusable one-time code by the field it came in.
var invalidCodeMessages = map[string]string{
	"confirmation_code":    "Invalid confirmation code.",
	"password_reset_token": "Invalid or expired password reset token.",
	"activation_token":     "Invalid or expired activation token.",
}

// coreMessage words a core error for the request field it is reported under.
func coreMessage(e *account.Error, field string) []string {
	switch e.Code {
	case account.CodeInvalidCode:
		if m, ok := invalidCodeMessages[field]; ok {
			return []string{m}
		}
		return []string{"Invalid code."}
	case account.CodeWeakPassword:
		// Django's password validators, one message per failed rule.
		msgs := make([]string, 0, len(e.Reasons))
		for _, r := range e.Reasons {
			msgs = append(msgs, password.ParseProblem(r).Message())
		}
		if len(msgs) > 0 {
			return msgs
		}
	}
	if m, ok := coreMessages[e.Code]; ok {
		return []string{m}
	}
	return []string{msgInvalid}
}

func throttledMessage(seconds int) string {
	return fmt.Sprintf("Request was throttled. Expected available in %d seconds.", seconds)
}

func mediaTypeMessage(mediaType string) string {
	return fmt.Sprintf("Unsupported media type %q in request.", mediaType)
}

// issueMessage words a validation issue as Django REST Framework's serializers do.
func issueMessage(is httpapi.Issue) string {
	switch is.Rule {
	case "required":
		return "This field is required."
	case "unsupported":
		return "This field is not allowed."
	case "nullable":
		return "This field may not be null."
	case "object":
		return "Invalid data. Expected a dictionary."
	case "minLength":
		if is.Schema == nil || is.Schema.MinLength <= 1 {
			return "This field may not be blank."
		}
		return fmt.Sprintf("Ensure this field has at least %d characters.", is.Schema.MinLength)
	case "maxLength":
		if is.Schema != nil && is.Schema.MaxLength != nil {
			return fmt.Sprintf("Ensure this field has no more than %d characters.", *is.Schema.MaxLength)
		}
	case "format":
		if is.Schema != nil && is.Schema.Format == "email" {
			return "Enter a valid email address."
		}
		return "Invalid format."
	case "enum":
		return "This is not a valid choice."
	case "type":
		if is.Schema != nil && is.Schema.Type != nil {
			switch {
			case is.Schema.Type.Is("boolean"):
				return "Must be a valid boolean."
			case is.Schema.Type.Is("string"):
				return "Not a valid string."
			case is.Schema.Type.Is("integer"):
				return "A valid integer is required."
			}
		}
	}
	return "Invalid value."
}
