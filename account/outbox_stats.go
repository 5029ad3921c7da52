package account

import (
	"context"

	"github.com/accountd/accountd/models"
)

// OutboxStats counts the outbox's messages: waiting for their first attempt (pending),
// waiting for a retry (retrying: pending after a failed attempt), given up (dead), and done
// (sent, or logged when no SMTP is configured).
type OutboxStats struct {
	Pending  int64 `json:"pending"`
	Retrying int64 `json:"retrying"`
	Dead     int64 `json:"dead"`
	Sent     int64 `json:"sent"`
	Logged   int64 `json:"logged"`
}

// OutboxStats counts the outbox by channel (mail, webhook; both always present) and state, in
// one query.
func (s *Service) OutboxStats(ctx context.Context) (map[string]OutboxStats, error) {
	var rows []struct {
		Channel  string
		Status   string
		Retrying bool
		N        int64
	}
	err := s.db.WithContext(ctx).Raw(`SELECT channel, status, attempts > 0 AND last_error <> '' AS retrying, count(*) AS n
FROM outbox_messages GROUP BY channel, status, attempts > 0 AND last_error <> ''`).Scan(&rows).Error
	out := map[string]OutboxStats{models.ChannelMail: {}, models.ChannelWebhook: {}}
	for _, r := range rows {
		st := out[r.Channel]
		switch {
		case r.Status == models.OutboxPending && r.Retrying:
			st.Retrying += r.N
		case r.Status == models.OutboxPending:
			st.Pending += r.N
		case r.Status == models.OutboxDead:
			st.Dead += r.N
		case r.Status == models.OutboxSent:
			st.Sent += r.N
		case r.Status == models.OutboxLogged:
			st.Logged += r.N
		}
		out[r.Channel] = st
	}
	return out, err
}
