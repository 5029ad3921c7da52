package payway

import (
	"errors"
	"net/http"
	"sort"
	"strconv"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
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

// Payway's answers to requests that match no operation (no response of the spec declares
// them, so the generator made no enum for them).
const (
	codeMethodNotAllowed = "method_not_allowed"
	codeNotAcceptable    = "not_acceptable"
)

// Render turns any failure of a Payway operation, or of a request under Payway's paths, into
// Payway's body.
func (p *Payway) Render(f httpapi.Failure) *httpapi.Reply {
	if f.Operation == tokenOperation {
		return renderOAuth(f)
	}
	switch f.Kind {
	case httpapi.FailMediaType:
		return reply(http.StatusBadRequest, models.PaywayBadRequestErrorCodeInvalidContentTypeError, "", msgContentType)
	case httpapi.FailParse:
		return reply(http.StatusBadRequest, models.PaywayBadRequestErrorCodeJsonParserError, "", msgJSON)
	case httpapi.FailValidation:
		return renderIssues(f.Issues)
	case httpapi.FailTooLarge:
		return reply(http.StatusRequestEntityTooLarge, models.PaywayPayloadTooLargeErrorCodePayloadTooLarge, "", msgTooLarge)
	case httpapi.FailNotFound:
		return reply(http.StatusNotFound, models.PaywayNotFoundErrorCodeNotFound, "", msgRouteUnknown)
	case httpapi.FailMethod:
		return reply(http.StatusMethodNotAllowed, codeMethodNotAllowed, "", msgMethod)
	case httpapi.FailNotAcceptable:
		return reply(http.StatusNotAcceptable, codeNotAcceptable, "", msgNotAccept)
	case httpapi.FailVendor:
		return renderVendor(f.Err)
	case httpapi.FailCore:
		return renderCore(f.Core, f.Field)
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
			return reply(http.StatusBadRequest, models.PaywayBadRequestErrorCodeJsonParserError, "", msgJSONObject)
		}
	}
	if len(sorted) == 0 {
		return reply(http.StatusBadRequest, models.PaywayBadRequestErrorCodeInvalidParameter, "", "Parameter is invalid")
	}
	is := sorted[0]
	code := models.PaywayBadRequestErrorCodeInvalidParameter
	if is.Rule == "unsupported" {
		code = models.PaywayBadRequestErrorCodeUnknownParameter
	}
	return reply(http.StatusBadRequest, code, is.Field, issueMessage(is))
}

func renderVendor(err error) *httpapi.Reply {
	var ip *invalidParam
	if errors.As(err, &ip) {
		return reply(http.StatusBadRequest, models.PaywayBadRequestErrorCodeInvalidParameter, ip.field, issueMessage(httpapi.Issue{Field: ip.field, Rule: ip.rule}))
	}
	var fb *forbidden
	if errors.As(err, &fb) {
		return reply(http.StatusForbidden, models.PaywayForbiddenErrorCodeInsufficientScope, "", forbiddenMessage(fb))
	}
	return serverError(err)
}

// renderCore maps a core error reported under the request field field.
func renderCore(e *account.Error, field string) *httpapi.Reply {
	switch e.Kind {
	case account.KindUnauthenticated, account.KindForbidden:
		// Forbidden from the core means a deleted or suspended account: its tokens are dead.
		r := reply(http.StatusUnauthorized, models.PaywayUnauthorizedErrorCodeUnauthorized, "", msgUnauthorized)
		r.Headers = map[string]string{"WWW-Authenticate": "Bearer"}
		return r
	case account.KindNotFound:
		return reply(http.StatusNotFound, models.PaywayNotFoundErrorCodeNotFound, field, notFoundMessage(field))
	case account.KindRateLimited:
		secs := httpapi.RetryAfterSeconds(e.RetryAfter)
		r := reply(http.StatusTooManyRequests, models.PaywayTooManyRequestsErrorCodeTooManyRequests, "", "Too many requests; try again in "+strconv.Itoa(secs)+" seconds")
		r.Headers = map[string]string{"Retry-After": strconv.Itoa(secs)}
		return r
	case account.KindInvalid, account.KindConflict:
		switch e.Code {
		case account.CodeInvalidOrgAccount:
			return reply(http.StatusConflict, models.PaywayOrganisationConflictErrorCodeAccountNotBelongingToOrganisation, "", msgOrgConflict)
		case account.CodeEmailUnchanged:
			return reply(http.StatusConflict, models.PaywayRequestEmailChangeConflictErrorCodeNewAndCurrentEmailSame, "", msgSameEmail)
		case account.CodeEmailTaken:
			return reply(http.StatusConflict, models.PaywayRequestEmailChangeConflictErrorCodeAlreadyExists, field, field+" already exists")
		case account.CodeInvalidCode:
			return reply(http.StatusConflict, models.PaywayVerifyEmailChangeConflictErrorCodeInvalidConfirmationCode, field, field+" does not match")
		}
		if e.Kind == account.KindInvalid {
			return reply(http.StatusBadRequest, models.PaywayBadRequestErrorCodeInvalidParameter, field, invalidMessage(e, field))
		}
	}
	return serverError(e)
}

// renderOAuth answers a failure of the token endpoint in OAuth 2 form (RFC 6749 §5.2).
func renderOAuth(f httpapi.Failure) *httpapi.Reply {
	oauth := func(status int, code models.PaywayOAuthErrorError, description string) *httpapi.Reply {
		return &httpapi.Reply{Status: status, Body: models.PaywayOAuthError{Error: code, ErrorDescription: description},
			Headers: map[string]string{"Cache-Control": "no-store"}}
	}
	switch f.Kind {
	case httpapi.FailMediaType:
		return oauth(http.StatusBadRequest, models.PaywayOAuthErrorErrorInvalidRequest, "The body must be application/x-www-form-urlencoded")
	case httpapi.FailParse:
		return oauth(http.StatusBadRequest, models.PaywayOAuthErrorErrorInvalidRequest, "The body could not be parsed")
	case httpapi.FailValidation:
		is := renderIssues(f.Issues).Body.(errorBody)
		desc := "Invalid parameter " + is.Field
		if is.Code == string(models.PaywayBadRequestErrorCodeUnknownParameter) {
			desc = "Unknown parameter " + is.Field
		}
		return oauth(http.StatusBadRequest, models.PaywayOAuthErrorErrorInvalidRequest, desc)
	case httpapi.FailTooLarge:
		return oauth(http.StatusRequestEntityTooLarge, models.PaywayOAuthErrorErrorInvalidRequest, "The request body is too large")
	case httpapi.FailVendor:
		var oe *oauthError
		if errors.As(f.Err, &oe) {
			return oauth(http.StatusBadRequest, oe.code, oe.description)
		}
	case httpapi.FailCore:
		if d, ok := oauthDescriptions[f.Core.Code]; ok {
			status := http.StatusBadRequest
			if d.code == models.PaywayOAuthErrorErrorInvalidClient {
				status = http.StatusUnauthorized
			}
			return oauth(status, d.code, d.description)
		}
		if f.Core.Kind == account.KindInvalid {
			return oauth(http.StatusBadRequest, models.PaywayOAuthErrorErrorInvalidRequest, "Invalid parameter "+f.Field)
		}
	}
	r := oauth(http.StatusInternalServerError, models.PaywayOAuthErrorErrorServerError, msgServerError)
	r.Cause = f.Err
	if r.Cause == nil && f.Core != nil {
		r.Cause = f.Core
	}
	return r
}

// reply is Payway's error body; code is one of the generated enums of the spec's error schemas.
func reply[C ~string](status int, code C, field, message string) *httpapi.Reply {
	return &httpapi.Reply{Status: status, Body: errorBody{Code: string(code), Field: field, Message: message}}
}

func serverError(cause error) *httpapi.Reply {
	r := reply(http.StatusInternalServerError, models.PaywayServerErrorErrorCodeInternalServerError, "", msgServerError)
	r.Cause = cause
	return r
}
