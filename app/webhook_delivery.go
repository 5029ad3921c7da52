package app

import (
	"context"
	"errors"

	"github.com/accountd/accountd/webhook"
)

// DeliverWebhooks posts every webhook delivery that is due now, the dispatcher's second kind
// of delivery: claimed, retried with backoff and dead-lettered like mail, from the same outbox.
// It returns how many were delivered.
func (d *Dispatcher) DeliverWebhooks(ctx context.Context) (int, error) {
	if d.hooks == nil {
		return 0, nil
	}
	delivered := 0
	for ctx.Err() == nil {
		batch, err := d.core.ClaimWebhooks(ctx, d.batch, d.lease)
		if err != nil || len(batch) == 0 {
			return delivered, err
		}
		for _, w := range batch {
			err := d.hooks.Deliver(ctx, w.URL, w.ID, w.Body)
			if err == nil {
				delivered++
				// Recorded even when ctx has ended: it was delivered.
				if err := d.core.WebhookDelivered(context.WithoutCancel(ctx), w.ID); err != nil {
					return delivered, err
				}
				continue
			}
			d.log.Warn("webhook not delivered", "id", w.ID, "type", w.Type, "attempt", w.Attempts, "err", err)
			final := errors.Is(err, webhook.ErrUnknownEndpoint)
			if err := d.core.WebhookFailed(context.WithoutCancel(ctx), w, err, final, d.maxAttempts, backoff(w.Attempts)); err != nil {
				return delivered, err
			}
		}
	}
	return delivered, nil
}
