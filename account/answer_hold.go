package account

import (
	"context"
	"time"
)

// An answer held by its caller. Some calls must not answer before a floor (ResetFloor: a reset
// for a known address and one for an unknown address leave at the same time). Waiting inside
// the call keeps everything the request's work still references alive for the wait: at 2,048
// connections, the load benchmark's resets held a deep stack, the request's GORM statements and
// decoded body per connection for 250 ms, most of the server's memory. A caller that can hold
// the answer itself once the work is done (the HTTP server: the answer is buffered and written
// at NotBefore) passes a context from WithAnswerHold; the floor then records when the answer may
// leave instead of sleeping. Either way the rule is the core's: the floor's length, which calls
// have one, and that it is measured from the call's start.

// AnswerHold is when an answer may leave, as set by the calls made with its context. It belongs
// to one request: the calls and the holder run on the request's goroutine.
type AnswerHold struct {
	notBefore time.Time
}

type answerHoldKey struct{}

// WithAnswerHold returns ctx carrying h: calls made with it record their floor in h instead of
// waiting it out, and the caller must not let their answer leave before h.NotBefore().
func WithAnswerHold(ctx context.Context, h *AnswerHold) context.Context {
	return context.WithValue(ctx, answerHoldKey{}, h)
}

// NotBefore is the earliest time the answer may leave (zero: no floor).
func (h *AnswerHold) NotBefore() time.Time { return h.notBefore }

// Pending tells whether the answer must still wait.
func (h *AnswerHold) Pending() bool { return !h.notBefore.IsZero() && time.Now().Before(h.notBefore) }

// floor makes a call take at least ResetFloor (so known and unknown addresses cannot be told
// apart by timing): defer s.floor(ctx)(). With an AnswerHold in ctx, the caller waits instead.
func (s *Service) floor(ctx context.Context) func() {
	if s.cfg.ResetFloor <= 0 {
		return func() {}
	}
	if h, ok := ctx.Value(answerHoldKey{}).(*AnswerHold); ok && h != nil {
		if until := time.Now().Add(s.cfg.ResetFloor); until.After(h.notBefore) {
			h.notBefore = until
		}
		return func() {}
	}
	t := time.NewTimer(s.cfg.ResetFloor)
	return func() {
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
}
