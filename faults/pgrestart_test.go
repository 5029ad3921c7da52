//go:build faults

package faults

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// readyWatch polls /readyz and remembers whether it said 503, and when it first said 200
// again after the restart.
type readyWatch struct {
	mu       sync.Mutex
	saw503   bool
	back     time.Time // first 200 after a 503
	stop     chan struct{}
	finished chan struct{}
}

func watchReady(base string) *readyWatch {
	w := &readyWatch{stop: make(chan struct{}), finished: make(chan struct{})}
	go func() {
		defer close(w.finished)
		c := &http.Client{Timeout: 3 * time.Second}
		for {
			select {
			case <-w.stop:
				return
			case <-time.After(25 * time.Millisecond):
			}
			resp, err := c.Get(base + "/readyz")
			if err != nil {
				continue
			}
			resp.Body.Close()
			w.mu.Lock()
			if resp.StatusCode == http.StatusServiceUnavailable {
				w.saw503 = true
			} else if resp.StatusCode == http.StatusOK && w.saw503 && w.back.IsZero() {
				w.back = time.Now()
			}
			w.mu.Unlock()
		}
	}()
	return w
}

func (w *readyWatch) end() (saw503 bool, back time.Time) {
	close(w.stop)
	<-w.finished
	return w.saw503, w.back
}

// PostgreSQL restarted (fast, then immediate) under a steady write load: answers during the
// outage are 503 with Retry-After in Webshare's body (checked against openapi.yaml), the pool
// recovers by itself, /readyz goes 503 then 200, every write answered 201 is in the database,
// and the mail of every acknowledged write arrives once (the dispatcher records each mail
// through the outage).
func TestPostgresRestartUnderWriteLoad(t *testing.T) {
	for _, mode := range []string{"fast", "immediate"} {
		t.Run(mode, func(t *testing.T) {
			pg := startPostgres(t)
			smtp := startSMTP(t)
			srv := startReplica(t, pg.URL(), smtp.URL())
			ld := startLoad(t, 4, "pg-"+mode, srv.url)
			time.Sleep(2 * time.Second)
			watch := watchReady(srv.url)
			outage := pg.restart(mode)
			restarted := time.Now()
			// Recovery: the first write acknowledged after the server is back.
			var recovered time.Time
			for recovered.IsZero() && time.Since(restarted) < 30*time.Second {
				time.Sleep(5 * time.Millisecond)
				recovered = ld.firstAckAfter(restarted)
			}
			recovery := recovered.Sub(restarted)
			time.Sleep(2 * time.Second)
			ld.finish()
			saw503, back := watch.end()
			w := checkWrites(t, pg.URL(), ld.acked)
			ld.report(t, w)
			drain := smtp.waitMail(t, ld.acked, 60*time.Second)
			m := smtp.figures(ld.acked)
			readyBack := "never"
			if !back.IsZero() {
				readyBack = back.Sub(restarted).Round(time.Millisecond).String()
			}
			t.Logf("pg_ctl restart -m %s took %s; first acknowledged write %s after it; /readyz 503 seen %v, 200 again %s after it",
				mode, outage.Round(time.Millisecond), recovery.Round(time.Millisecond), saw503, readyBack)
			t.Logf("mail: %d recipients of %d reached (missing %d), %d received, %d resent (same Message-ID), drained %s after the load; outbox %s",
				m.recipients, len(ld.acked), m.missing, m.received, m.duplicates, drain.Round(time.Millisecond), outboxFigures(t, pg.URL()))
			if recovered.IsZero() {
				t.Errorf("no write succeeded within 30 s of the restart: the pool did not recover")
			}
			if !saw503 || back.IsZero() {
				t.Errorf("/readyz did not go 503 and back to 200 (saw 503: %v)", saw503)
			}
			if m.missing > 0 || m.duplicates > 0 {
				t.Errorf("mail: %d acknowledged writes without their mail, %d sent twice", m.missing, m.duplicates)
			}
		})
	}
}
