package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
)

// Operator views and repairs of the outbox (`accountd outbox list|retry|purge`): dead letters
// are visible and can be sent again.

// MailRow is one outbox message as an operator sees it: never its body (it holds live codes).
type MailRow struct {
	ID            string     `json:"id"`
	Kind          string     `json:"kind"`
	Recipient     string     `json:"recipient"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

// ListMail returns up to limit messages with status ("" for every status), newest first.
func (s *Service) ListMail(ctx context.Context, status string, limit int) ([]MailRow, error) {
	q := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).Order("created_at DESC, id DESC").Limit(limit)
	if status != "" {
		q = q.Where("status = ?", status)
	}
	var rows []models.OutboxMessage
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]MailRow, len(rows))
	for i, r := range rows {
		out[i] = MailRow{ID: r.ID, Kind: r.Kind, Recipient: r.Recipient, Status: r.Status, Attempts: r.Attempts,
			NextAttemptAt: r.NextAttemptAt, LastError: r.LastError, CreatedAt: r.CreatedAt, SentAt: r.SentAt}
	}
	return out, nil
}

// RetryMail makes dead (or waiting) messages due now with a fresh attempt count: the ids
// given, or every dead letter when ids is empty. Sent mail cannot be retried (its body is
// wiped). It returns how many messages will go again.
func (s *Service) RetryMail(ctx context.Context, ids ...string) (int64, error) {
	q := s.db.WithContext(ctx).Model(&models.OutboxMessage{})
	if len(ids) > 0 {
		q = q.Where("id IN ? AND status IN ?", ids, []string{models.OutboxDead, models.OutboxPending})
	} else {
		q = q.Where("status = ?", models.OutboxDead)
	}
	res := q.Updates(map[string]any{"status": models.OutboxPending, "attempts": 0, "next_attempt_at": s.now(),
		"locked_until": nil, "last_error": ""})
	return res.RowsAffected, res.Error
}

// PurgeMail deletes the messages with status (dead, sent or logged; never pending) created
// before before, and returns how many.
func (s *Service) PurgeMail(ctx context.Context, status string, before time.Time) (int64, error) {
	if status == models.OutboxPending {
		return 0, invalid(CodeInvalidStatus, "status")
	}
	res := s.db.WithContext(ctx).Where("status = ? AND created_at < ?", status, before).Delete(&models.OutboxMessage{})
	return res.RowsAffected, res.Error
}

// CodeInvalidStatus: an outbox status that the operation does not take.
const CodeInvalidStatus = "invalid_status"
