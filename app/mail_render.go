package app

import (
	"context"
	"fmt"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/mail"
	"github.com/accountd/accountd/mail/templates"
)

// sendAll renders a claimed batch (in each mail's vendor voice and language) and sends what
// rendered over one session; it returns one error per mail, as Sender.SendAll does.
func (d *Dispatcher) sendAll(ctx context.Context, batch []account.PendingMail) []error {
	errs := make([]error, len(batch))
	msgs := make([]mail.Message, 0, len(batch))
	idx := make([]int, 0, len(batch)) // msgs[j] is batch[idx[j]]
	for i, m := range batch {
		msg, err := d.message(m)
		if err != nil {
			errs[i] = err
			continue
		}
		msgs, idx = append(msgs, msg), append(idx, i)
	}
	for j, err := range d.sender.SendAll(ctx, msgs) {
		errs[idx[j]] = err
	}
	return errs
}

// message renders one outbox mail.
func (d *Dispatcher) message(m account.PendingMail) (mail.Message, error) {
	c := m.Content
	if c.Subject != "" { // queued, already rendered, before rendering moved to delivery
		return mail.Message{ID: m.ID, To: m.Recipient, Subject: c.Subject, Text: c.Text}, nil
	}
	r, err := d.render.Render(templates.Data{Kind: m.Kind, Vendor: c.Vendor, Locale: c.Locale, Email: c.Email,
		NewEmail: c.NewEmail, Code: c.Code, Link: c.Link, TTL: c.TTL})
	if err != nil {
		return mail.Message{}, fmt.Errorf("render: %w", err)
	}
	return mail.Message{ID: m.ID, To: m.Recipient, From: r.From, Subject: r.Subject, Text: r.Text, HTML: r.HTML}, nil
}
