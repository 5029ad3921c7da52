package app_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/accountd/accountd/app"
)

// A reset's answer leaves no earlier than ResetFloor after the request, for a known and an
// unknown address alike, with the same status and body. The core records the floor and the
// HTTP server holds the answer (httpapi.HoldAnswers): this is the end-to-end proof that the
// wait moved out of the call and still happens. (A lower bound: timers never fire early.)
func TestResetAnswersWaitTheFloor(t *testing.T) {
	const floor = 300 * time.Millisecond
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn, func(c *app.Config) { c.ResetFloor = floor })
		e.register("floor-known@example.com", "correct horse battery")
		var bodies []string
		for _, addr := range []string{"floor-known@example.com", "floor-unknown@example.com"} {
			start := time.Now()
			r, err := e.api.WebshareResetPassword(context.Background(), resetBody(addr))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(r.Body)
			r.Body.Close()
			if took := time.Since(start); took < floor {
				t.Errorf("%s: answered after %v, under the %v floor", addr, took, floor)
			}
			if r.StatusCode != 204 {
				t.Errorf("%s: status %d, want 204", addr, r.StatusCode)
			}
			bodies = append(bodies, string(body))
		}
		if bodies[0] != bodies[1] {
			t.Errorf("known and unknown addresses answered differently: %q vs %q", bodies[0], bodies[1])
		}
	})
}
