package app

import (
	"context"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/mail"
	"github.com/accountd/accountd/mail/templates"
	"github.com/accountd/accountd/metrics"
	"github.com/accountd/accountd/webhook"
)

// Dispatcher moves outbox mail to the mail transport. Claims are leased in the database, so
// any number of dispatchers (goroutines or replicas) can run without sending a mail twice at
// once; a crashed one's lease simply runs out.
//
// Each mail is recorded as delivered the moment the server accepted it (the record retried
// through a database blip), so a crash or a lost database repeats at most the mail in flight,
// with its Message-ID. Fault injection found the opposite when a batch was recorded after its
// whole SMTP session: a PostgreSQL restart sent 200 of 300 mails twice, a kill -9 72.
type Dispatcher struct {
	core        *account.Service
	sender      mail.Sender
	render      *templates.Renderer
	hooks       *webhook.Sender // nil: no webhook endpoints
	logged      bool            // the sender only logs (no SMTP configured)
	log         *slog.Logger
	batch       int
	workers     int
	lease       time.Duration
	maxAttempts int
	probeEvery  time.Duration
	metrics     *metrics.Metrics // delivery outcomes (nil: not counted)

	// outage is set while the mail server cannot be reached; workers then probe it every
	// probeEvery and release the mail held back as soon as it answers.
	outage    atomic.Bool
	probeMu   sync.Mutex
	lastProbe time.Time
}

// defaultMailLease bounds how long a claimed batch is reserved: a dispatcher that dies holds
// its batch this long. A batch is sent within half of it and recorded within five sixths.
const defaultMailLease = 30 * time.Second

func newDispatcher(core *account.Service, sender mail.Sender, render *templates.Renderer, hooks *webhook.Sender, logged bool, log *slog.Logger, lease time.Duration) *Dispatcher {
	if lease <= 0 {
		lease = defaultMailLease
	}
	// Batches of 10: one SMTP session per batch still saves the handshakes (bench/results.md),
	// and a dead dispatcher holds at most 10 mails for the lease.
	d := &Dispatcher{core: core, sender: sender, render: render, hooks: hooks, logged: logged, log: log, batch: 10, workers: 4, lease: lease,
		maxAttempts: 8, probeEvery: time.Second}
	// A new process does not know whether the server is reachable, and an earlier one (killed,
	// restarted) may have left mail held back by an outage: the first probe, or the first
	// delivery, finds out and releases it.
	_, probes := sender.(mail.Prober)
	d.outage.Store(probes)
	return d
}

// DeliverDue sends every mail that is due now and returns how many were delivered. While the
// mail server is unreachable it stops after the first batch that finds it so.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	delivered := 0
	for ctx.Err() == nil {
		claimed := time.Now()
		batch, err := d.core.ClaimMail(ctx, d.batch, d.lease)
		if err != nil || len(batch) == 0 {
			return delivered, err
		}
		n, err := d.deliverBatch(ctx, claimed, batch)
		delivered += n
		if err != nil || d.outage.Load() {
			return delivered, err
		}
	}
	return delivered, nil
}

// deliverBatch sends one claimed batch over one session and records each mail as the server
// answers it. The batch in hand is finished even when ctx ends (shutdown), within the lease:
// no new mail starts after half of it. Mail not attempted is given back.
func (d *Dispatcher) deliverBatch(ctx context.Context, claimed time.Time, batch []account.PendingMail) (int, error) {
	recordBy := claimed.Add(d.lease * 5 / 6)
	attempted := make([]bool, len(batch))
	delivered := 0
	var recordErr error
	// Each mail is rendered in its vendor's voice and language; one that cannot be rendered
	// (a broken override template) fails like a refused mail: backoff, then a dead letter.
	msgs := make([]mail.Message, 0, len(batch))
	idx := make([]int, 0, len(batch)) // msgs[j] is batch[idx[j]]
	for i, m := range batch {
		msg, err := d.message(m)
		if err != nil {
			attempted[i] = true
			d.log.Error("mail not rendered", "id", m.ID, "kind", m.Kind, "err", err)
			d.metrics.Delivery("failed")
			if recordErr = d.record(recordBy, func(c context.Context) error {
				return d.core.MailFailed(c, m, err, d.maxAttempts, backoff(m.Attempts))
			}); recordErr != nil {
				break
			}
			continue
		}
		msgs, idx = append(msgs, msg), append(idx, i)
	}
	sendCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), claimed.Add(d.lease/2))
	defer cancel()
	if recordErr != nil {
		msgs = nil
	}
	d.sender.SendEach(sendCtx, msgs, func(j int, err error) bool {
		i := idx[j]
		attempted[i] = true
		m := batch[i]
		if err == nil {
			if recordErr = d.record(recordBy, func(c context.Context) error { return d.core.MailDelivered(c, d.logged, m.ID) }); recordErr != nil {
				d.log.Error("mail delivered but not recorded: it goes again, with the same Message-ID, when its lease ends",
					"id", m.ID, "kind", m.Kind, "err", recordErr)
				d.metrics.Delivery("unrecorded")
				return false
			}
			d.metrics.Delivery("sent")
			delivered++
			if d.outage.Swap(false) {
				// Finished even at shutdown, like the batch: one statement, and a new process
				// would otherwise wait for its first probe.
				d.resume(context.WithoutCancel(ctx))
			}
			return true
		}
		d.log.Warn("mail not delivered", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "err", err)
		fail, outcome := d.core.MailFailed, "failed"
		if errors.Is(err, mail.ErrUnavailable) {
			d.outage.Store(true)
			fail, outcome = d.core.MailUnreachable, "unreachable"
		}
		d.metrics.Delivery(outcome)
		if recordErr = d.record(recordBy, func(c context.Context) error {
			return fail(c, m, err, d.maxAttempts, backoff(m.Attempts))
		}); recordErr != nil {
			return false // the lease runs out and the mail is tried again: nothing is lost
		}
		return true
	})
	var untried []string
	for i, m := range batch {
		if !attempted[i] {
			untried = append(untried, m.ID)
		}
	}
	if err := d.core.ReleaseMail(context.WithoutCancel(ctx), untried...); err != nil && recordErr == nil {
		recordErr = err // their lease runs out instead
	}
	return delivered, recordErr
}

// record writes an outcome, retrying with backoff through a database blip until by (the
// lease must not run out first: another dispatcher would send the mail again). It runs
// without the caller's context: a delivery must be recorded even during shutdown.
func (d *Dispatcher) record(by time.Time, write func(context.Context) error) error {
	wait := 10 * time.Millisecond
	for {
		ctx, cancel := context.WithDeadline(context.Background(), by)
		err := write(ctx)
		cancel()
		if err == nil || errors.Is(err, account.ErrMailGone) || time.Now().Add(wait).After(by) {
			if errors.Is(err, account.ErrMailGone) {
				return nil // purged meanwhile: nothing to record
			}
			return err
		}
		time.Sleep(wait)
		wait = min(2*wait, time.Second)
	}
}

// probe checks, at most every probeEvery, whether an unreachable mail server is back, and
// if so releases the mail held back by the outage. It reports whether mail was released.
func (d *Dispatcher) probe(ctx context.Context) bool {
	p, ok := d.sender.(mail.Prober)
	if !ok || !d.outage.Load() {
		return false
	}
	d.probeMu.Lock()
	if time.Since(d.lastProbe) < d.probeEvery {
		d.probeMu.Unlock()
		return false
	}
	d.lastProbe = time.Now()
	d.probeMu.Unlock()
	if err := p.Probe(ctx); err != nil {
		return false
	}
	if !d.outage.Swap(false) {
		return false // another worker saw it first
	}
	return d.resume(ctx)
}

// resume makes the mail held back by an outage due now.
func (d *Dispatcher) resume(ctx context.Context) bool {
	n, err := d.core.ResumeMail(ctx)
	if err != nil {
		d.log.Error("outbox: releasing mail held back by the mail server's outage", "err", err)
		d.outage.Store(true) // try again at the next probe
		return false
	}
	d.log.Info("mail server reachable again", "released", n)
	return n > 0
}

// sweepEvery is how often Run also clears rows that have done their job (account.Sweep).
const sweepEvery = 10 * time.Minute

// Run delivers due mail as soon as a transaction queues some, and every interval for retries
// and other replicas' mail, until ctx ends; it sweeps now and then. Several workers deliver at
// once (each claims its own batches), so that delivery keeps pace with the requests that
// queue mail: one worker, a few SMTP round trips per mail, fell behind under load and left
// mail minutes late (load benchmark, bench/results.md).
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	var wg sync.WaitGroup
	for i := range d.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d.work(ctx, interval, i == 0)
		}()
	}
	wg.Wait()
}

// work is one worker's loop; the sweeper also clears rows that have done their job.
func (d *Dispatcher) work(ctx context.Context, interval time.Duration, sweeper bool) {
	t := time.NewTicker(min(interval, d.probeEvery))
	defer t.Stop()
	var lastSweep time.Time
	for {
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("outbox dispatch", "err", err)
		}
		if _, err := d.DeliverWebhooks(ctx); err != nil && ctx.Err() == nil {
			d.log.Error("outbox webhook dispatch", "err", err)
		}
		if sweeper && time.Since(lastSweep) >= sweepEvery {
			lastSweep = time.Now()
			if r, err := d.core.Sweep(ctx); err != nil && ctx.Err() == nil {
				d.log.Error("sweep", "err", err)
			} else if r != (account.SweepResult{}) {
				d.log.Info("swept", "rate_limits", r.RateLimits, "codes", r.Codes, "mail", r.Mail)
			}
		}
		if d.probe(ctx) {
			continue // released mail: deliver it now
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-d.core.MailQueued(): // wake-ups coalesce: one worker takes each, and drains
		}
	}
}

// backoff doubles from 30 s up to an hour, with ±20% jitter so failed mail does not retry in step.
func backoff(attempt int) time.Duration {
	d := 30 * time.Second << min(attempt-1, 7)
	d = min(d, time.Hour)
	return time.Duration(float64(d) * (0.8 + 0.4*rand.Float64()))
}
