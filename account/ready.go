package account

import (
	"context"
	"sync"
	"time"
)

// readyTTL is how long a readiness answer is reused: probes from every load balancer cost at
// most five database round trips per second, whatever their rate, and an outage (or the end
// of one) shows within 200 ms (at a second, a 334 ms PostgreSQL restart never showed).
const readyTTL = 200 * time.Millisecond

// readiness caches the last database ping.
type readiness struct {
	mu   sync.Mutex
	at   time.Time
	err  error
	seen bool
}

// Ready reports whether the database answers, pinging it at most once per readyTTL of the
// wall clock (this is about the database now, not the service's clock). The ping does not
// end with the caller: a probe that gives up does not decide the answer for the others.
func (s *Service) Ready(ctx context.Context) error {
	r := &s.ready
	r.mu.Lock()
	defer r.mu.Unlock()
	now := time.Now()
	if r.seen && !now.Before(r.at) && now.Sub(r.at) < readyTTL {
		return r.err
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	// A statement, not a driver ping: it goes the way requests go (the pool, the connection).
	r.err, r.at, r.seen = s.db.WithContext(pctx).Exec("SELECT 1").Error, now, true
	return r.err
}
