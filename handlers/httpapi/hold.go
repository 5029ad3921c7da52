package httpapi

import (
	"bytes"
	"net/http"
	"time"

	"github.com/accountd/accountd/account"
)

// HoldAnswers lets the core's answer floors (account.AnswerHold) be waited out here, at the top
// of the request, instead of inside the call: an answer whose call set a floor is buffered and
// written when the floor has passed, after the routing, validation, handler and core frames
// have returned. The wait then keeps only the connection and the buffered answer (load
// benchmark, resets at 2,048 connections: bench/results.md). A request whose calls set no floor
// passes straight through. The access log and the latency metrics, inside the stack, see the
// work without the wait.
func HoldAnswers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := &heldWriter{ResponseWriter: w}
		next.ServeHTTP(hw, r.WithContext(account.WithAnswerHold(r.Context(), &hw.hold)))
		hw.release(r)
	})
}

// heldWriter decides at the answer's first byte: a pending hold buffers the answer, anything
// else writes through.
type heldWriter struct {
	http.ResponseWriter
	hold    account.AnswerHold
	decided bool
	holding bool
	code    int
	body    bytes.Buffer
}

func (w *heldWriter) decide() {
	if !w.decided {
		w.decided, w.holding = true, w.hold.Pending()
	}
}

func (w *heldWriter) WriteHeader(code int) {
	if code >= 100 && code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // informational: not the answer
		return
	}
	w.decide()
	if !w.holding {
		w.ResponseWriter.WriteHeader(code)
	} else if w.code == 0 {
		w.code = code
	}
}

func (w *heldWriter) Write(p []byte) (int, error) {
	w.decide()
	if !w.holding {
		return w.ResponseWriter.Write(p)
	}
	if w.code == 0 {
		w.code = http.StatusOK
	}
	return w.body.Write(p)
}

// Flush sends nothing of a held answer (it leaves whole, at its time).
func (w *heldWriter) Flush() {
	w.decide()
	if f, ok := w.ResponseWriter.(http.Flusher); ok && !w.holding {
		f.Flush()
	}
}

// Unwrap gives http.ResponseController the connection's writer (deadlines, hijacking).
func (w *heldWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// release writes a held answer once its floor has passed; a client that went away meanwhile
// gets nothing.
func (w *heldWriter) release(r *http.Request) {
	if !w.holding || w.code == 0 {
		return
	}
	if wait := time.Until(w.hold.NotBefore()); wait > 0 {
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	w.ResponseWriter.WriteHeader(w.code)
	_, _ = w.ResponseWriter.Write(w.body.Bytes())
}
