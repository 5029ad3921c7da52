// Package pages serves the operations tagged Pages in openapi.yaml (spec/pages.yaml): a small
// server-rendered page at the path of every link accountd mails, so that each flow works from
// a real inbox with nothing else deployed. GET shows what the link will do and one button and
// changes nothing (mail scanners open links); only the POST of the page's own form acts, with
// a token bound to the page, the link and a nonce in a SameSite=Strict cookie (form.go). The
// rules are the core's, the same as the API's; this package only words them for a person.
package pages

import (
	"context"
	"errors"
	"net/http"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
)

// Pages implements the Pages operations and is the Pages vendor.
type Pages struct {
	core *account.Service
	// reset is the link of the password reset an undo mails (the hosted reset page).
	reset account.Delivery
}

// New builds the pages.
func New(d httpapi.Deps) *Pages {
	return &Pages{core: d.Core, reset: account.Delivery{Link: d.Links.PasswordReset}}
}

var _ httpapi.Vendor = (*Pages)(nil)

// Name is the tag of the pages.
func (p *Pages) Name() string { return "Pages" }

// Schemes: the pages are public; the link, the form's token and the password are the proof.
func (p *Pages) Schemes() map[string]httpapi.Scheme { return nil }

// Fields: the pages word field errors themselves.
func (p *Pages) Fields() httpapi.FieldTable { return nil }

// Render answers a failure the pages did not handle themselves (a request the spec refuses,
// a body too large, a server failure) with a page, never JSON: a person reads it.
func (p *Pages) Render(f httpapi.Failure) *httpapi.Reply {
	v := view{Title: "Something went wrong", Lines: []string{"Nothing was changed. Please try again in a moment."}}
	status := http.StatusInternalServerError
	switch f.Kind {
	case httpapi.FailNotFound:
		status, v = http.StatusNotFound, view{Title: "Page not found", Lines: []string{"There is no page at this address. Check the link in your mail."}}
	case httpapi.FailMethod:
		status, v = http.StatusMethodNotAllowed, view{Title: "Not allowed", Lines: []string{"Open this page from the link in your mail."}}
	case httpapi.FailTooLarge:
		status, v = http.StatusRequestEntityTooLarge, view{Title: "Request too large", Lines: []string{"The form was larger than the server accepts. Nothing was changed."}}
	case httpapi.FailMediaType:
		status, v = http.StatusUnsupportedMediaType, view{Title: "Unsupported form", Lines: []string{"Send the form from the page itself. Nothing was changed."}}
	case httpapi.FailUnavailable:
		// The database cannot be reached (restarting, failing over): as the API, 503 and when to retry.
		r := &httpapi.Reply{Status: http.StatusServiceUnavailable, Headers: headers(), Cause: f.Err,
			HTML: view{Title: "Please try again in a moment", Lines: []string{
				"The service is briefly unavailable. Nothing was changed: open the link again in a minute."}}.html()}
		for k, v := range httpapi.UnavailableHeaders() {
			r.Headers[k] = v
		}
		return r
	case httpapi.FailValidation, httpapi.FailParse:
		status, v = http.StatusBadRequest, view{Title: "This link is incomplete", Lines: []string{
			"Part of the link seems to be missing. Open it again from your mail, or copy the whole link into the address bar."}}
	}
	return &httpapi.Reply{Status: status, HTML: v.html(), Headers: headers(), Cause: f.Err}
}

// outcome sorts a core error into what the page says: handled reports whether it is one the
// page words (everything but a server failure, which goes to Render).
func outcome(err error) (e *account.Error, handled bool) {
	var ce *account.Error
	if !errors.As(err, &ce) || ce.Kind == account.KindInternal {
		return nil, false
	}
	return ce, true
}

// Request is what the server hands the pages from the HTTP request (see Attach).
type request struct {
	nonce  string // the form cookie's nonce ("" when none came)
	path   string // the page's path (the cookie's Path)
	secure bool   // HTTPS: the cookie is Secure
}

type requestKey struct{}

func requestFrom(ctx context.Context) request {
	r, _ := ctx.Value(requestKey{}).(request)
	return r
}
