package account

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/accountd/accountd/models"
)

// TestLoneEventsAreStoredWhenAnswered: events that are all their request writes (a reset for
// an unknown address, a failed login) share INSERTs when they arrive in parallel; each is
// stored by the time its call returns, once, with its own kind and user, and one the database
// refuses (its user is gone) fails alone.
func TestLoneEventsAreStoredWhenAnswered(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, _ *testClock) {
		ctx := context.Background()
		s.cfg.ResetFloor = -1
		u, err := s.CreateUser(ctx, CreateUserInput{Email: "failing@example.com", Password: "correct-horse-battery"})
		if err != nil {
			t.Fatal(err)
		}
		user := u.UserID
		const resets, failures = 40, 12
		var wg sync.WaitGroup
		for i := range resets {
			wg.Go(func() {
				if err := s.RequestPasswordReset(ctx, fmt.Sprintf("nobody%d@example.com", i), Delivery{}); err != nil {
					t.Errorf("reset %d: %v", i, err)
				}
			})
		}
		for range failures {
			wg.Go(func() { s.auditNow(ctx, user, "login_failed", `{"client":"192.0.2.1"}`) })
		}
		wg.Go(func() {
			if err := s.auditAlone(ctx, "no-such-user", "login_failed", ""); err == nil {
				t.Error("an event of a user that does not exist was stored")
			}
		})
		wg.Wait()
		count := func(kind string, user *string) int64 {
			q := s.db.Model(&models.AuditEvent{}).Where("kind = ?", kind)
			if user == nil {
				q = q.Where("user_id IS NULL")
			} else {
				q = q.Where("user_id = ? AND detail = ?", *user, `{"client":"192.0.2.1"}`)
			}
			var n int64
			if err := q.Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("password_reset_unknown_email", nil); n != resets {
			t.Errorf("unknown-address reset events: %d, want %d", n, resets)
		}
		if n := count("login_failed", &user); n != failures {
			t.Errorf("failed-login events: %d, want %d", n, failures)
		}
	})
}
