package account

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// enqueueMail writes a mail to the outbox inside tx: the mail exists if and only if the change
// it announces commits.
func (s *Service) enqueueMail(tx *gorm.DB, kind, to string, d mailData) error {
	content, err := renderMail(kind, d)
	if err != nil {
		return err
	}
	id := models.NewID()
	sealed, err := s.keys.sealMail(id, content)
	if err != nil {
		return err
	}
	now := s.now()
	if err := tx.Create(&models.OutboxMessage{ID: id, Kind: kind, Recipient: to, Sealed: sealed,
		Status: models.OutboxPending, NextAttemptAt: now, CreatedAt: now}).Error; err != nil {
		return err
	}
	if flag, ok := tx.Statement.Context.Value(mailFlagKey{}).(*mailFlag); ok {
		flag.wrote = true
	}
	return nil
}

// PendingMail is an outbox message claimed for delivery.
type PendingMail struct {
	ID        string
	Kind      string
	Recipient string
	Attempts  int // including this one
	Content   MailContent
}

// ClaimMail leases up to limit due messages for lease. The claim is a conditional UPDATE per
// row (and FOR UPDATE SKIP LOCKED on PostgreSQL), so several workers, in one process or many
// replicas, never deliver the same message at once.
func (s *Service) ClaimMail(ctx context.Context, limit int, lease time.Duration) ([]PendingMail, error) {
	now := s.now()
	var claimed []models.OutboxMessage
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []models.OutboxMessage
		q := tx.Where("status = ? AND next_attempt_at <= ? AND (locked_until IS NULL OR locked_until <= ?)",
			models.OutboxPending, now, now).Order("next_attempt_at").Limit(limit)
		if s.db.Dialect == models.Postgres {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			res := tx.Model(&models.OutboxMessage{}).
				Where("id = ? AND status = ? AND (locked_until IS NULL OR locked_until <= ?)", r.ID, models.OutboxPending, now).
				Updates(map[string]any{"locked_until": now.Add(lease), "attempts": gorm.Expr("attempts + 1")})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 { // otherwise another worker won this one
				claimed = append(claimed, r)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]PendingMail, 0, len(claimed))
	for _, r := range claimed {
		content, err := s.keys.openMail(r.ID, r.Sealed)
		if err != nil {
			// A row sealed under another secret can never be sent: dead-letter it now.
			_ = s.finishMail(ctx, r.ID, models.OutboxDead, fmt.Sprintf("cannot open sealed mail: %v", err), false)
			continue
		}
		out = append(out, PendingMail{ID: r.ID, Kind: r.Kind, Recipient: r.Recipient, Attempts: r.Attempts + 1, Content: content})
	}
	return out, nil
}

// MailDelivered records a successful delivery. Sent mail loses its sealed body (it carried live
// codes); logged mail (no SMTP configured) keeps it.
func (s *Service) MailDelivered(ctx context.Context, id string, logged bool) error {
	if logged {
		return s.finishMail(ctx, id, models.OutboxLogged, "", false)
	}
	return s.finishMail(ctx, id, models.OutboxSent, "", true)
}

// MailFailed records a failed attempt: the message is retried after backoff, or dead-lettered
// once attempts reach maxAttempts.
func (s *Service) MailFailed(ctx context.Context, m PendingMail, cause error, maxAttempts int, backoff time.Duration) error {
	if m.Attempts >= maxAttempts {
		return s.finishMail(ctx, m.ID, models.OutboxDead, cause.Error(), false)
	}
	return s.db.WithContext(ctx).Model(&models.OutboxMessage{}).Where("id = ?", m.ID).
		Updates(map[string]any{"next_attempt_at": s.now().Add(backoff), "locked_until": nil, "last_error": truncate(cause.Error(), 500)}).Error
}

func (s *Service) finishMail(ctx context.Context, id, status, lastError string, wipe bool) error {
	upd := map[string]any{"status": status, "locked_until": nil, "last_error": truncate(lastError, 500)}
	if status != models.OutboxDead {
		upd["sent_at"] = s.now()
	}
	if wipe {
		upd["sealed"] = []byte{}
	}
	res := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).Where("id = ?", id).Updates(upd)
	if res.Error == nil && res.RowsAffected != 1 {
		return errors.New("outbox message vanished")
	}
	return res.Error
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
