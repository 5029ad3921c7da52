package account

import (
	"context"
	"sync"
	"time"
)

// readyTTL is how long a readiness answer is reused: probes from every load balancer cost at
// most one database round trip per second, whatever their rate.
const readyTTL = time.Second

// readiness caches the last database ping.
type readiness struct {
	mu   sync.Mutex
	at   time.Time
	err  error
	seen bool
}

// Ready reports whether the database answers, pinging it at most once per readyTTL (of the
// service clock). The ping does not end with the caller: a probe that gives up does not decide
// the answer for the others.
func (s *Service) Ready(ctx context.Context) error {
	r := &s.ready
	r.mu.Lock()
	defer r.mu.Unlock()
	now := s.now()
	if r.seen && !now.Before(r.at) && now.Sub(r.at) < readyTTL {
		return r.err
	}
	pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	r.err, r.at, r.seen = s.db.Ping(pctx), now, true
	return r.err
}
