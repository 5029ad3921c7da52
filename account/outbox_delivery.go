package account

import (
	"context"
	"errors"
	"time"

	"github.com/accountd/accountd/models"
)

// The outbox's delivery bookkeeping beyond claim/delivered/failed (outbox.go): giving back
// claimed mail that was never attempted, and holding back and releasing mail while the mail
// server is down.

// ErrMailGone is returned when an outbox message to be recorded no longer exists (an
// operator purged it): there is nothing left to record, so retrying is pointless.
var ErrMailGone = errors.New("outbox: message no longer exists")

// unreachablePrefix starts the last_error of mail that failed only because the mail server
// could not be reached, so that ResumeMail finds it (in every replica) once the server is back.
const unreachablePrefix = "mail server unreachable: "

// MailUnreachable records an attempt that failed because the mail server could not be
// reached: like MailFailed (backoff, dead letter after maxAttempts), but ResumeMail makes the
// message due again as soon as any dispatcher reaches the server.
func (s *Service) MailUnreachable(ctx context.Context, m PendingMail, cause error, maxAttempts int, backoff time.Duration) error {
	return s.MailFailed(ctx, m, unreachable{cause}, maxAttempts, backoff)
}

type unreachable struct{ error }

func (u unreachable) Error() string { return unreachablePrefix + u.error.Error() }
func (u unreachable) Unwrap() error { return u.error }

// ResumeMail makes every message that waits only because the mail server was unreachable due
// now, and returns how many. The dispatcher calls it when the server answers again, so an
// outage costs its own length, not the backoff that grew during it.
func (s *Service) ResumeMail(ctx context.Context) (int64, error) {
	now := s.now()
	res := s.db.WithContext(ctx).Model(&models.OutboxMessage{}).
		Where("status = ? AND next_attempt_at > ? AND (locked_until IS NULL OR locked_until <= ?) AND last_error LIKE ?",
			models.OutboxPending, now, now, unreachablePrefix+"%").
		Update("next_attempt_at", now)
	return res.RowsAffected, res.Error
}

// ReleaseMail gives back claimed messages that were not attempted (the dispatcher stopped
// before them): they are due again at once, and their claim does not count as an attempt.
func (s *Service) ReleaseMail(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Exec(`UPDATE outbox_messages SET locked_until = NULL, attempts = attempts - 1
WHERE id IN ? AND status = ? AND attempts > 0`, ids, models.OutboxPending).Error
}
