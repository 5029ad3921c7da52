package httpapi

import "net/http"

// Reply is a finished error response in one vendor's format. Only a Vendor's Render makes
// one; handlers return errors (core errors or the vendor's own VendorError types) instead.
type Reply struct {
	Status int
	// Body is sent as JSON; nil sends no body.
	Body any
	// HTML, when set, is sent as text/html instead of Body (the Pages vendor: a person reads it).
	HTML    []byte
	Headers map[string]string
	// Cause is logged for 5xx, never sent.
	Cause error
}

func (r *Reply) Error() string {
	if r.Cause != nil {
		return http.StatusText(r.Status) + ": " + r.Cause.Error()
	}
	return http.StatusText(r.Status)
}
