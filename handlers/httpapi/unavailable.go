package httpapi

import "strconv"

// RetryAfterUnavailable is the Retry-After, in seconds, of a 503 while the database is away:
// PostgreSQL restarts in well under a second (fault injection: 0.35-0.45 s to recover), so a
// client that waits this long usually finds it back.
const RetryAfterUnavailable = 2

// UnavailableHeaders are the headers of every vendor's 503.
func UnavailableHeaders() map[string]string {
	return map[string]string{"Retry-After": strconv.Itoa(RetryAfterUnavailable)}
}
