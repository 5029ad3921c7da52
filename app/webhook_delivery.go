package app

import (
	"context"
	"errors"
	"time"

	"github.com/accountd/accountd/webhook"
)

// DeliverWebhooks posts every webhook delivery that is due now, the dispatcher's second kind
// of delivery: claimed, recorded one by one as the endpoint answers (the record retried through
// a database blip, within the lease), retried with backoff and dead-lettered like mail, from the
// same outbox. It returns how many were delivered.
func (d *Dispatcher) DeliverWebhooks(ctx context.Context) (int, error) {
	if d.hooks == nil {
		return 0, nil
	}
	delivered := 0
	for ctx.Err() == nil {
		claimed := time.Now()
		batch, err := d.core.ClaimWebhooks(ctx, d.batch, d.lease)
		if err != nil || len(batch) == 0 {
			return delivered, err
		}
		recordBy := claimed.Add(d.lease * 5 / 6)
		for i, w := range batch {
			// The batch in hand is finished at shutdown, but nothing new starts after half the
			// lease: what is left is given back, due at once, for the next dispatcher.
			if time.Now().After(claimed.Add(d.lease / 2)) {
				ids := make([]string, 0, len(batch)-i)
				for _, r := range batch[i:] {
					ids = append(ids, r.ID)
				}
				if err := d.core.ReleaseMail(context.WithoutCancel(ctx), ids...); err != nil {
					return delivered, err
				}
				break
			}
			sendCtx, cancel := context.WithDeadline(context.WithoutCancel(ctx), claimed.Add(d.lease/2))
			err := d.hooks.Deliver(sendCtx, w.URL, w.ID, w.Body)
			cancel()
			if err == nil {
				if err := d.record(recordBy, func(c context.Context) error { return d.core.WebhookDelivered(c, w.ID) }); err != nil {
					d.log.Error("webhook delivered but not recorded: it goes again, with the same webhook-id, when its lease ends",
						"id", w.ID, "type", w.Type, "err", err)
					d.metrics.WebhookDelivery("unrecorded")
					return delivered, err
				}
				d.metrics.WebhookDelivery("sent")
				delivered++
				continue
			}
			d.log.Warn("webhook not delivered", "id", w.ID, "type", w.Type, "attempt", w.Attempts, "err", err)
			d.metrics.WebhookDelivery("failed")
			final := errors.Is(err, webhook.ErrUnknownEndpoint)
			if err := d.record(recordBy, func(c context.Context) error {
				return d.core.WebhookFailed(c, w, err, final, d.maxAttempts, backoff(w.Attempts))
			}); err != nil {
				return delivered, err // the lease runs out and it is tried again: nothing is lost
			}
		}
	}
	return delivered, nil
}
