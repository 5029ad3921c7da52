package app

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/mail"
	"github.com/accountd/accountd/mail/templates"
	"github.com/accountd/accountd/webhook"
)

// Dispatcher moves outbox mail to the mail transport. Claims are leased in the database, so
// any number of dispatchers (goroutines or replicas) can run without sending a mail twice at
// once; a crashed one's lease simply runs out.
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
}

func newDispatcher(core *account.Service, sender mail.Sender, render *templates.Renderer, hooks *webhook.Sender, logged bool, log *slog.Logger) *Dispatcher {
	return &Dispatcher{core: core, sender: sender, render: render, hooks: hooks, logged: logged, log: log, batch: 50, workers: 4, lease: 2 * time.Minute, maxAttempts: 8}
}

// DeliverDue sends every mail that is due now and returns how many were delivered. Each
// claimed batch goes out over one SMTP session and is recorded as delivered in one statement.
func (d *Dispatcher) DeliverDue(ctx context.Context) (int, error) {
	delivered := 0
	for {
		batch, err := d.core.ClaimMail(ctx, d.batch, d.lease)
		if err != nil {
			return delivered, err
		}
		if len(batch) == 0 {
			return delivered, nil
		}
		errs := d.sendAll(ctx, batch)
		sent := make([]string, 0, len(batch))
		for i, m := range batch {
			if errs[i] == nil {
				sent = append(sent, m.ID)
				continue
			}
			d.log.Warn("mail not delivered", "id", m.ID, "kind", m.Kind, "attempt", m.Attempts, "err", errs[i])
			if ferr := d.core.MailFailed(ctx, m, errs[i], d.maxAttempts, backoff(m.Attempts)); ferr != nil {
				return delivered, ferr
			}
		}
		// Recorded even when ctx has ended: these mails were delivered, and leaving them leased
		// would send them again when the lease runs out.
		if err := d.core.MailDelivered(context.WithoutCancel(ctx), d.logged, sent...); err != nil {
			return delivered, err
		}
		delivered += len(sent)
	}
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
	t := time.NewTicker(interval)
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
