package httpapi

import (
	"net/http"
	"sync/atomic"
)

// DefaultActiveRequests is how many requests a replica works on at once unless configured
// (ACCOUNTD_ACTIVE_REQUESTS): well above what 16 database connections and one hashing slot
// per core keep busy, with room for requests that wait on the network (reCAPTCHA).
const DefaultActiveRequests = 256

// ActiveLimit lets at most n requests into next at once; the others wait at the top of the
// stack, before routing, validation and the body are touched, holding only their connection.
// Under a burst (the load benchmark's 2,048 reset connections on 2 cores) a request that
// would otherwise wait deep inside, for a database connection or a hashing slot, with its
// decoded body, statements and grown stack, waits here instead: memory follows n, not the
// number of connections. A client that goes away while waiting is dropped unanswered.
type ActiveLimit struct {
	slots   chan struct{}
	waiting atomic.Int64
}

// NewActiveLimit returns a limit of n requests at once (n <= 0: DefaultActiveRequests).
func NewActiveLimit(n int) *ActiveLimit {
	if n <= 0 {
		n = DefaultActiveRequests
	}
	return &ActiveLimit{slots: make(chan struct{}, n)}
}

// Wrap applies the limit to next.
func (l *ActiveLimit) Wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case l.slots <- struct{}{}:
		default:
			l.waiting.Add(1)
			select {
			case l.slots <- struct{}{}:
				l.waiting.Add(-1)
			case <-r.Context().Done():
				l.waiting.Add(-1)
				return
			}
		}
		defer func() { <-l.slots }()
		next.ServeHTTP(w, r)
	})
}

// Slots is the limit; Active the requests inside it; Waiting those waiting for a slot.
func (l *ActiveLimit) Slots() int   { return cap(l.slots) }
func (l *ActiveLimit) Active() int  { return len(l.slots) }
func (l *ActiveLimit) Waiting() int { return int(l.waiting.Load()) }
