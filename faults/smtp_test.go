//go:build faults

package faults

import (
	"testing"
	"time"
)

// The SMTP server down for 30 s while mail is queued: nothing lost, nothing sent twice (by
// Message-ID), everything delivered within 5 s of the server's return (the dispatcher probes
// it and releases the mail held back, instead of waiting out each mail's backoff; on
// f1c3295 the last of 600 mails arrived 68.8 s after the server came back). The retries
// with backoff are visible in the outbox (attempts).
func TestSMTPDownThirtySeconds(t *testing.T) {
	pg := startPostgres(t)
	smtp := startSMTP(t)
	srv := startReplica(t, pg.URL(), smtp.URL())
	smtp.down()
	downAt := time.Now()
	ld := startLoad(t, 4, "smtp", srv.url)
	for ld.ackedCount() < 300 && time.Since(downAt) < 25*time.Second {
		time.Sleep(10 * time.Millisecond)
	}
	ld.finish()
	w := checkWrites(t, pg.URL(), ld.acked)
	ld.report(t, w)
	during := outboxFigures(t, pg.URL())
	time.Sleep(30*time.Second - time.Since(downAt))
	smtp.up()
	drain := smtp.waitMail(t, ld.acked, 90*time.Second)
	m := smtp.figures(ld.acked)
	t.Logf("SMTP down %s; %d mails queued; outbox before the server came back: %s", time.Since(downAt).Round(time.Second)-drain.Round(time.Second), len(ld.acked), during)
	t.Logf("mail: %d of %d recipients reached (missing %d), %d received, %d sent twice (same Message-ID); last delivered %s after the server came back; outbox %s",
		m.recipients, len(ld.acked), m.missing, m.received, m.duplicates, drain.Round(time.Millisecond), outboxFigures(t, pg.URL()))
	if m.missing > 0 || m.duplicates > 0 {
		t.Errorf("mail: %d lost, %d sent twice", m.missing, m.duplicates)
	}
	if drain > 5*time.Second {
		t.Errorf("the queue drained %s after the server came back, want within 5 s", drain.Round(time.Millisecond))
	}
}
