package payway

import (
	"errors"
	"net/http"
	"sort"
	"strconv"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Payway's errors are {"code": "<name>", "field": "<field>", "message": "..."} ("field" only
// when one field is at fault); the token endpoint answers OAuth's {"error",
// "error_description"}. Which check wins is fixed: the token (401, then 403, decided before
// the request is read), then the content type, then JSON syntax, then unknown fields, then
// values (the first invalid field in alphabetical order), then the account's state (404, 409).

const tokenOperation = "paywayAccessToken"

// errorBody is Payway's error body.
type errorBody struct {
	Code    string `json:"code"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// oauthBody is the token endpoint's error body.
type oauthBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// Render turns any failure of a Payway operation, or of a request under Payway's paths, into
// Payway's body.
func (p *Payway) Render(f httpapi.Failure) *httpapi.Reply {
	if f.Operation == tokenOperation {
		return renderOAuth(f)
	}
	switch f.Kind {
	case httpapi.FailMediaType:
		return reply(http.StatusBadRequest, "invalid_content_type_error", "", msgContentType)
	case httpapi.FailParse:
		return reply(http.StatusBadRequest, "json_parser_error", "", msgJSON)
	case httpapi.FailValidation:
		return renderIssues(f.Issues)
	case httpapi.FailTooLarge:
		return reply(http.StatusRequestEntityTooLarge, "payload_too_large", "", msgTooLarge)
	case httpapi.FailNotFound:
		return reply(http.StatusNotFound, "not_found", "", msgRouteUnknown)
	case httpapi.FailMethod:
		return reply(http.StatusMethodNotAllowed, "method_not_allowed", "", msgMethod)
	case httpapi.FailNotAcceptable:
		return reply(http.StatusNotAcceptable, "not_acceptable", "", msgNotAccept)
	case httpapi.FailVendor:
		return renderVendor(f.Err)
	case httpapi.FailCore:
		return renderCore(f.Core, f.Field)
	case httpapi.FailUnavailable:
		r := reply(http.StatusServiceUnavailable, "service_unavailable", "", msgUnavailable)
		r.Headers, r.Cause = httpapi.UnavailableHeaders(), f.Err
		return r
	}
	return serverError(f.Err)
}

// renderIssues picks the one issue Payway reports: an unknown field first, then the first
// invalid field in alphabetical order. A body that is JSON but not an object is a parse error.
func renderIssues(issues []httpapi.Issue) *httpapi.Reply {
	sorted := append([]httpapi.Issue(nil), issues...)
	sort.SliceStable(sorted, func(i, j int) bool {
		ui, uj := sorted[i].Rule == "unsupported", sorted[j].Rule == "unsupported"
		if ui != uj {
			return ui
		}
		return sorted[i].Field < sorted[j].Field
	})
	for _, is := range sorted {
		if is.Rule == "object" {
			return reply(http.StatusBadRequest, "json_parser_error", "", msgJSONObject)
		}
	}
	if len(sorted) == 0 {
		return reply(http.StatusBadRequest, "invalid_parameter", "", "Parameter is invalid")
	}
	is := sorted[0]
	code := "invalid_parameter"
	if is.Rule == "unsupported" {
		code = "unknown_parameter"
	}
	return reply(http.StatusBadRequest, code, is.Field, issueMessage(is))
}

func renderVendor(err error) *httpapi.Reply {
	var ip *invalidParam
	if errors.As(err, &ip) {
		return reply(http.StatusBadRequest, "invalid_parameter", ip.field, issueMessage(httpapi.Issue{Field: ip.field, Rule: ip.rule}))
	}
	var fb *forbidden
	if errors.As(err, &fb) {
		return reply(http.StatusForbidden, "insufficient_scope", "", forbiddenMessage(fb))
	}
	return serverError(err)
}

// renderCore maps a core error reported under the request field field.
func renderCore(e *account.Error, field string) *httpapi.Reply {
	switch e.Kind {
	case account.KindUnauthenticated, account.KindForbidden:
		// Forbidden from the core means a deleted or suspended account: its tokens are dead.
		r := reply(http.StatusUnauthorized, "unauthorized", "", msgUnauthorized)
		r.Headers = map[string]string{"WWW-Authenticate": "Bearer"}
		return r
	case account.KindNotFound:
		return reply(http.StatusNotFound, "not_found", field, notFoundMessage(field))
	case account.KindRateLimited:
		secs := int(e.RetryAfter.Seconds())
		if secs < 1 {
			secs = 1
		}
		r := reply(http.StatusTooManyRequests, "too_many_requests", "", "Too many requests; try again in "+strconv.Itoa(secs)+" seconds")
		r.Headers = map[string]string{"Retry-After": strconv.Itoa(secs)}
		return r
	case account.KindInvalid, account.KindConflict:
		switch e.Code {
		case account.CodeInvalidOrgAccount:
			return reply(http.StatusConflict, "account_not_belonging_to_organisation", "", msgOrgConflict)
		case account.CodeEmailUnchanged:
			return reply(http.StatusConflict, "new_and_current_email_same", "", msgSameEmail)
		case account.CodeEmailTaken:
			return reply(http.StatusConflict, "already_exists", field, field+" already exists")
		case account.CodeInvalidCode:
			return reply(http.StatusConflict, "invalid_confirmation_code", field, field+" does not match")
		}
		if e.Kind == account.KindInvalid {
			return reply(http.StatusBadRequest, "invalid_parameter", field, invalidMessage(e, field))
		}
	}
	return serverError(e)
}

// renderOAuth answers a failure of the token endpoint in OAuth 2 form (RFC 6749 §5.2).
func renderOAuth(f httpapi.Failure) *httpapi.Reply {
	oauth := func(status int, code, description string) *httpapi.Reply {
		return &httpapi.Reply{Status: status, Body: oauthBody{Error: code, Description: description},
			Headers: map[string]string{"Cache-Control": "no-store"}}
	}
	switch f.Kind {
	case httpapi.FailMediaType:
		return oauth(http.StatusBadRequest, "invalid_request", "The body must be application/x-www-form-urlencoded")
	case httpapi.FailParse:
		return oauth(http.StatusBadRequest, "invalid_request", "The body could not be parsed")
	case httpapi.FailValidation:
		is := renderIssues(f.Issues).Body.(errorBody)
		desc := "Invalid parameter " + is.Field
		if is.Code == "unknown_parameter" {
			desc = "Unknown parameter " + is.Field
		}
		return oauth(http.StatusBadRequest, "invalid_request", desc)
	case httpapi.FailTooLarge:
		return oauth(http.StatusRequestEntityTooLarge, "invalid_request", "The request body is too large")
	case httpapi.FailUnavailable:
		// RFC 6749 §4.1.2.1's temporarily_unavailable, which OAuth servers also use here.
		r := oauth(http.StatusServiceUnavailable, "temporarily_unavailable", msgUnavailable)
		r.Headers["Retry-After"] = httpapi.UnavailableHeaders()["Retry-After"]
		r.Cause = f.Err
		return r
	case httpapi.FailVendor:
		var oe *oauthError
		if errors.As(f.Err, &oe) {
			return oauth(http.StatusBadRequest, oe.code, oe.description)
		}
	case httpapi.FailCore:
		if d, ok := oauthDescriptions[f.Core.Code]; ok {
			status := http.StatusBadRequest
			if d.code == "invalid_client" {
				status = http.StatusUnauthorized
			}
			return oauth(status, d.code, d.description)
		}
		if f.Core.Kind == account.KindInvalid {
			return oauth(http.StatusBadRequest, "invalid_request", "Invalid parameter "+f.Field)
		}
	}
	r := oauth(http.StatusInternalServerError, "server_error", msgServerError)
	r.Cause = f.Err
	if r.Cause == nil && f.Core != nil {
		r.Cause = f.Core
	}
	return r
}

func reply(status int, code, field, message string) *httpapi.Reply {
	return &httpapi.Reply{Status: status, Body: errorBody{Code: code, Field: field, Message: message}}
}

func serverError(cause error) *httpapi.Reply {
	r := reply(http.StatusInternalServerError, "internal_server_error", "", msgServerError)
	r.Cause = cause
	return r
}
