package handlers

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
)

// Webshare is a Django REST Framework service: field errors are {"field": ["message"]} with
// status 400, everything else is {"detail": "...", "code": "..."}. All of Webshare's error
// mapping is in this file.

const webshareNonField = "non_field_errors"

// webshareFail maps a core error from a handler, renaming the core's generic field names to
// the operation's request fields (pairs: core field, request field; "" = not a field).
func webshareFail(err error, renames ...string) error {
	f := classify(err)
	if len(renames) > 0 {
		f.renames = map[string]string{}
		for i := 0; i+1 < len(renames); i += 2 {
			f.renames[renames[i]] = renames[i+1]
		}
	}
	return webshareReply(f)
}

func webshareReply(f failure) *reply {
	detail := func(status int, msg string) *reply {
		return &reply{status: status, body: models.WebshareError{Detail: msg}}
	}
	switch f.kind {
	case failValidation:
		return webshareFieldErrors(webshareIssues(f.issues))
	case failParse:
		return &reply{status: http.StatusBadRequest, body: models.WebshareValidationError{Detail: ptr("JSON parse error - " + f.detail)}}
	case failMediaType:
		return detail(http.StatusUnsupportedMediaType, fmt.Sprintf("Unsupported media type %q in request.", f.mediaType))
	case failTooLarge:
		return detail(http.StatusRequestEntityTooLarge, "Request body is too large.")
	case failNotFound:
		return detail(http.StatusNotFound, "Not found.")
	case failMethod:
		return detail(http.StatusMethodNotAllowed, "Method not allowed.")
	case failCore:
		return webshareCore(f.core, f.renames)
	}
	return &reply{status: http.StatusInternalServerError, body: models.WebshareError{Detail: "A server error occurred."}, cause: f.cause}
}

func webshareCore(e *account.Error, renames map[string]string) *reply {
	msg := "Invalid request."
	if len(e.Messages) > 0 {
		msg = e.Messages[0]
	}
	switch e.Kind {
	case account.KindInvalid, account.KindConflict:
		field := e.Field
		if to, ok := renames[field]; ok {
			field = to
		}
		if field == "" {
			field = webshareNonField
		}
		msgs := e.Messages
		if e.Code == account.CodeInvalidCode {
			msgs = []string{webshareInvalidCodeMessage(field)}
		}
		return webshareFieldErrors(map[string][]string{field: msgs})
	case account.KindUnauthenticated:
		return &reply{status: http.StatusUnauthorized, body: models.WebshareError{Detail: msg},
			headers: map[string]string{"WWW-Authenticate": "Token"}}
	case account.KindForbidden:
		return &reply{status: http.StatusForbidden, body: models.WebshareError{Detail: msg, Code: ptr(e.Code)}}
	case account.KindNotFound:
		return &reply{status: http.StatusNotFound, body: models.WebshareError{Detail: "Not found."}}
	case account.KindRateLimited:
		secs := int(e.RetryAfter.Seconds())
		if secs < 1 {
			secs = 1
		}
		return &reply{status: http.StatusTooManyRequests,
			body:    models.WebshareError{Detail: fmt.Sprintf("Request was throttled. Expected available in %d seconds.", secs)},
			headers: map[string]string{"Retry-After": strconv.Itoa(secs)}}
	}
	return &reply{status: http.StatusInternalServerError, body: models.WebshareError{Detail: "A server error occurred."}, cause: e}
}

func webshareInvalidCodeMessage(field string) string {
	switch field {
	case "confirmation_code":
		return "Invalid confirmation code."
	case "password_reset_token":
		return "Invalid or expired password reset token."
	case "activation_token":
		return "Invalid or expired activation token."
	}
	return "Invalid code."
}

func webshareFieldErrors(fields map[string][]string) *reply {
	body := models.WebshareValidationError{AdditionalProperties: map[string][]string{}}
	for k, v := range fields {
		if k == webshareNonField {
			v := v
			body.NonFieldErrors = &v
			continue
		}
		body.AdditionalProperties[k] = v
	}
	return &reply{status: http.StatusBadRequest, body: body}
}

// webshareIssues words validation issues as Django REST Framework's serializers do.
func webshareIssues(issues []issue) map[string][]string {
	out := map[string][]string{}
	for _, is := range issues {
		field := is.field
		if field == "" {
			field = webshareNonField
		}
		out[field] = append(out[field], webshareIssueMessage(is))
	}
	return out
}

func webshareIssueMessage(is issue) string {
	switch is.rule {
	case "required":
		return "This field is required."
	case "unsupported":
		return "This field is not allowed."
	case "nullable":
		return "This field may not be null."
	case "object":
		return "Invalid data. Expected a dictionary."
	case "minLength":
		if is.schema != nil && is.schema.MinLength <= 1 {
			return "This field may not be blank."
		}
		return fmt.Sprintf("Ensure this field has at least %d characters.", is.schema.MinLength)
	case "maxLength":
		if is.schema != nil && is.schema.MaxLength != nil {
			return fmt.Sprintf("Ensure this field has no more than %d characters.", *is.schema.MaxLength)
		}
	case "format":
		if is.schema != nil && is.schema.Format == "email" {
			return "Enter a valid email address."
		}
		return "Invalid format."
	case "enum":
		return "This is not a valid choice."
	case "type":
		if is.schema != nil && is.schema.Type != nil {
			switch {
			case is.schema.Type.Is("boolean"):
				return "Must be a valid boolean."
			case is.schema.Type.Is("string"):
				return "Not a valid string."
			case is.schema.Type.Is("integer"):
				return "A valid integer is required."
			}
		}
	}
	return "Invalid value."
}

func ptr[T any](v T) *T { return &v }
