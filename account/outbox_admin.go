package account

import (
	"context"
	"net/url"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Operator views and repairs of the outbox (`accountd outbox list|retry|purge`): dead letters
// of both channels, mail and webhook deliveries, are visible and can be sent again.

// OutboxRow is one outbox message as an operator sees it: never its body (mail holds live
// codes), and for a webhook delivery its endpoint without query or credentials.
type OutboxRow struct {
	ID            string     `json:"id"`
	Channel       string     `json:"channel"` // mail or webhook
	Kind          string     `json:"kind"`    // a mail kind, or an event type
	Recipient     string     `json:"recipient"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LastError     string     `json:"last_error,omitempty"`
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
}

// OutboxFilter selects outbox messages; an empty field selects every value.
type OutboxFilter struct {
	Channel string // models.ChannelMail or models.ChannelWebhook
	Status  string
}

func (f OutboxFilter) apply(q *gorm.DB) *gorm.DB {
	if f.Channel != "" {
		q = q.Where("channel = ?", f.Channel)
	}
	if f.Status != "" {
		q = q.Where("status = ?", f.Status)
	}
	return q
}

// ListOutbox returns up to limit messages that f selects, newest first.
func (s *Service) ListOutbox(ctx context.Context, f OutboxFilter, limit int) ([]OutboxRow, error) {
	q := f.apply(s.db.WithContext(ctx).Model(&models.OutboxMessage{})).Order("created_at DESC, id DESC").Limit(limit)
	var rows []models.OutboxMessage
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]OutboxRow, len(rows))
	for i, r := range rows {
		out[i] = OutboxRow{ID: r.ID, Channel: r.Channel, Kind: r.Kind, Recipient: shownRecipient(r), Status: r.Status,
			Attempts: r.Attempts, NextAttemptAt: r.NextAttemptAt, LastError: r.LastError, CreatedAt: r.CreatedAt, SentAt: r.SentAt}
	}
	return out, nil
}

// shownRecipient is a row's recipient for an operator: a webhook endpoint may carry a token in
// its query or user info, which stays out of listings.
func shownRecipient(r models.OutboxMessage) string {
	if r.Channel != models.ChannelWebhook {
		return r.Recipient
	}
	u, err := url.Parse(r.Recipient)
	if err != nil {
		return "(unparsable endpoint)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}

// RetryOutbox makes dead (or waiting) messages due now with a fresh attempt count: the ids
// given, or else every dead letter of channel ("" both). Sent messages cannot be retried (their
// body is wiped). It returns how many messages will go again.
func (s *Service) RetryOutbox(ctx context.Context, channel string, ids ...string) (int64, error) {
	q := s.db.WithContext(ctx).Model(&models.OutboxMessage{})
	if len(ids) > 0 {
		q = q.Where("id IN ? AND status IN ?", ids, []string{models.OutboxDead, models.OutboxPending})
	} else {
		q = OutboxFilter{Channel: channel, Status: models.OutboxDead}.apply(q)
	}
	res := q.Updates(map[string]any{"status": models.OutboxPending, "attempts": 0, "next_attempt_at": s.now(),
		"locked_until": nil, "last_error": ""})
	return res.RowsAffected, res.Error
}

// PurgeOutbox deletes the messages f selects (its status dead, sent or logged; never pending)
// created before before, and returns how many.
func (s *Service) PurgeOutbox(ctx context.Context, f OutboxFilter, before time.Time) (int64, error) {
	if f.Status == "" || f.Status == models.OutboxPending {
		return 0, invalid(CodeInvalidStatus, "status")
	}
	res := f.apply(s.db.WithContext(ctx)).Where("created_at < ?", before).Delete(&models.OutboxMessage{})
	return res.RowsAffected, res.Error
}

// CodeInvalidStatus: an outbox status that the operation does not take.
const CodeInvalidStatus = "invalid_status"
