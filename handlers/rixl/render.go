package rixl

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Render turns any failure of a Rixl operation, or of a request under Rixl's paths, into
// Rixl's body {"code": <HTTP status>, "details": "...", "error": "..."}.
func (x *Rixl) Render(f httpapi.Failure) *httpapi.Reply {
	return render(f, x.core.Now())
}

// render is Render with the clock (the core's) that dates a 429's retry time.
func render(f httpapi.Failure, now time.Time) *httpapi.Reply {
	switch f.Kind {
	case httpapi.FailValidation:
		msg := msgMalformed
		for _, is := range f.Issues {
			if is.Rule == "format" && is.Schema != nil && is.Schema.Format == "email" {
				msg = msgMalformedEmail
			}
		}
		return reply(entry{http.StatusBadRequest, msg, issues(f.Issues)})
	case httpapi.FailParse:
		return reply(entry{http.StatusBadRequest, msgMalformed, "The body is not valid JSON: " + f.Detail + "."})
	case httpapi.FailMediaType:
		return reply(entry{http.StatusUnsupportedMediaType, "Unsupported media type", fmt.Sprintf("Send application/json, not %q.", f.MediaType)})
	case httpapi.FailTooLarge:
		return reply(tooLarge)
	case httpapi.FailNotFound:
		return reply(notFound)
	case httpapi.FailMethod:
		return reply(methodRefused)
	case httpapi.FailNotAcceptable:
		return reply(notAcceptable)
	case httpapi.FailCore:
		if r := renderCore(f.Core, f.Field, f.Operation, now); r != nil {
			return r
		}
		f.Err = f.Core
	}
	r := reply(entry{http.StatusInternalServerError, msgInternal, detailsInternal})
	r.Cause = f.Err
	return r
}

// renderCore words a core error reported under the request field field ("" = not a field);
// nil for a reason the catalogue does not know (a 500: the server must not guess).
func renderCore(e *account.Error, field, operation string, now time.Time) *httpapi.Reply {
	m, ok := catalogue[e.Code]
	if !ok {
		return nil
	}
	switch e.Code {
	case account.CodeThrottled:
		if msg, ok := throttledMessages[operation]; ok {
			m.error = msg
		}
		return throttled(m, e.RetryAfter, now)
	case account.CodeWeakPassword:
		if len(e.Reasons) > 0 {
			texts := make([]string, 0, len(e.Reasons))
			for _, r := range e.Reasons {
				texts = append(texts, password.ParseProblem(r).Message())
			}
			m.details = strings.Join(texts, " ")
		}
	}
	if d, ok := fieldDetails[e.Code][e.Field]; ok {
		m.details = d
	}
	if field != "" && m.status == http.StatusBadRequest {
		m.details = field + ": " + m.details
	}
	r := reply(m)
	if m.status == http.StatusUnauthorized {
		r.Headers = map[string]string{"WWW-Authenticate": "Bearer"}
	}
	return r
}

// throttled is a 429: Retry-After in whole seconds, and details with the RFC 3339 time to retry.
func throttled(m entry, wait time.Duration, now time.Time) *httpapi.Reply {
	secs := httpapi.RetryAfterSeconds(wait)
	// The instant itself, rounded up as can_resend_at is: the two agree to the second.
	m.details = "retry after " + wholeSecondUp(now.Add(wait)).Format(time.RFC3339)
	r := reply(m)
	r.Headers = map[string]string{"Retry-After": strconv.Itoa(secs)}
	return r
}

func reply(m entry) *httpapi.Reply {
	return &httpapi.Reply{Status: m.status, Body: models.RixlError{Code: m.status, Error: m.error, Details: m.details}}
}

// issues words validation issues as "field: problem; field: problem", sorted.
func issues(list []httpapi.Issue) string {
	parts := make([]string, 0, len(list))
	for _, is := range list {
		field := is.Field
		if field == "" {
			field = "body"
		}
		parts = append(parts, field+": "+issueText(is))
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

func issueText(is httpapi.Issue) string {
	s := is.Schema
	switch {
	case is.Rule == "format" && s != nil && s.Format == "email":
		return "must be a valid email address"
	case (is.Rule == "type" || is.Rule == "nullable") && s != nil && s.Type != nil && len(*s.Type) > 0:
		return "must be of type " + (*s.Type)[0]
	case is.Rule == "minLength" && s != nil && s.MinLength <= 1:
		return "must not be empty"
	case is.Rule == "minLength" && s != nil:
		return fmt.Sprintf("must have at least %d characters", s.MinLength)
	case is.Rule == "maxLength" && s != nil && s.MaxLength != nil:
		return fmt.Sprintf("must have at most %d characters", *s.MaxLength)
	}
	if t, ok := issueTexts[is.Rule]; ok {
		return t
	}
	return "is invalid"
}
