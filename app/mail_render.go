package app

import (
	"fmt"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/mail"
	"github.com/accountd/accountd/mail/templates"
)

// message renders one outbox mail.
func (d *Dispatcher) message(m account.PendingMail) (mail.Message, error) {
	c := m.Content
	if c.Subject != "" { // queued, already rendered, before rendering moved to delivery
		return mail.Message{ID: m.ID, To: m.Recipient, Subject: c.Subject, Text: c.Text}, nil
	}
	r, err := d.render.Render(templates.Data{Kind: m.Kind, Vendor: c.Vendor, Locale: c.Locale, Email: c.Email,
		NewEmail: c.NewEmail, Code: c.Code, Link: c.Link, CodePage: c.CodePage, TTL: c.TTL})
	if err != nil {
		return mail.Message{}, fmt.Errorf("render: %w", err)
	}
	return mail.Message{ID: m.ID, To: m.Recipient, From: r.From, Subject: r.Subject, Text: r.Text, HTML: r.HTML}, nil
}
