package webshare

import (
	"net/http"
	"strconv"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Webshare is a Django REST Framework service: field errors are {"field": ["message"]} with
// status 400 (errors about the request as a whole under "non_field_errors"), an unreadable body
// is {"detail": "JSON parse error - ..."} with 400, everything else {"detail": "...", "code": "..."}.

const nonField = "non_field_errors"

// Render turns any failure of a Webshare operation, or of a request under Webshare's paths,
// into Webshare's body.
func (w *Webshare) Render(f httpapi.Failure) *httpapi.Reply {
	switch f.Kind {
	case httpapi.FailValidation:
		out := map[string][]string{}
		for _, is := range f.Issues {
			field := is.Field
			if field == "" {
				field = nonField
			}
			out[field] = append(out[field], issueMessage(is))
		}
		return fieldErrors(out)
	case httpapi.FailParse:
		return &httpapi.Reply{Status: http.StatusBadRequest, Body: map[string]string{"detail": "JSON parse error - " + f.Detail}}
	case httpapi.FailMediaType:
		return detail(http.StatusUnsupportedMediaType, mediaTypeMessage(f.MediaType), "")
	case httpapi.FailTooLarge:
		return detail(http.StatusRequestEntityTooLarge, msgTooLarge, "")
	case httpapi.FailNotFound:
		return detail(http.StatusNotFound, msgNotFound, "")
	case httpapi.FailMethod:
		return detail(http.StatusMethodNotAllowed, msgMethod, "")
	case httpapi.FailNotAcceptable:
		return detail(http.StatusNotAcceptable, msgNotAcceptable, "")
	case httpapi.FailCore:
		return renderCore(f.Core, f.Field)
	}
	return &httpapi.Reply{Status: http.StatusInternalServerError, Body: models.WebshareError{Detail: msgServerError}, Cause: f.Err}
}

// renderCore maps a core error reported under the request field field ("" = non-field).
func renderCore(e *account.Error, field string) *httpapi.Reply {
	msgs := coreMessage(e, field)
	switch e.Kind {
	case account.KindInvalid, account.KindConflict:
		if field == "" {
			field = nonField
		}
		return fieldErrors(map[string][]string{field: msgs})
	case account.KindUnauthenticated:
		r := detail(http.StatusUnauthorized, msgs[0], "")
		r.Headers = map[string]string{"WWW-Authenticate": "Token"}
		return r
	case account.KindForbidden:
		msg := msgs[0]
		if msg == msgInvalid {
			msg = msgForbidden
		}
		return detail(http.StatusForbidden, msg, e.Code)
	case account.KindNotFound:
		return detail(http.StatusNotFound, msgNotFound, "")
	case account.KindRateLimited:
		secs := httpapi.RetryAfterSeconds(e.RetryAfter)
		r := detail(http.StatusTooManyRequests, throttledMessage(secs), "")
		r.Headers = map[string]string{"Retry-After": strconv.Itoa(secs)}
		return r
	}
	return &httpapi.Reply{Status: http.StatusInternalServerError, Body: models.WebshareError{Detail: msgServerError}, Cause: e}
}

// detail is Django REST Framework's {"detail": "...", "code": "..."} body.
func detail(status int, msg, code string) *httpapi.Reply {
	body := models.WebshareError{Detail: msg}
	if code != "" {
		body.Code = &code
	}
	return &httpapi.Reply{Status: status, Body: body}
}

// fieldErrors is a 400 with Django REST Framework's field map.
func fieldErrors(fields map[string][]string) *httpapi.Reply {
	return &httpapi.Reply{Status: http.StatusBadRequest, Body: fields}
}
