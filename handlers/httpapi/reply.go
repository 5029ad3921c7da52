package httpapi

import (
	"net/http"
	"time"
)

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

// RetryAfterSeconds is the one Retry-After value of a wait, in whole seconds: rounded up, so a
// client that waits as long as it is told is not refused again (Django REST Framework rounds up
// too), and at least 1.
func RetryAfterSeconds(wait time.Duration) int {
	secs := int((wait + time.Second - 1) / time.Second)
	return max(secs, 1)
}
