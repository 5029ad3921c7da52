package account

import (
	"context"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
)

// countEach counts every key in its own window in one statement, as count does one by one.
func TestCountEachCountsEveryKeyInItsWindow(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		hit := func() []int {
			t.Helper()
			hits, err := s.countEach(s.db.DB, window{"short", time.Minute}, window{"long", time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			return hits
		}
		for i, want := range [][]int{{1, 1}, {2, 2}, {3, 3}} {
			if got := hit(); got[0] != want[0] || got[1] != want[1] {
				t.Fatalf("hit %d: %v, want %v", i+1, got, want)
			}
		}
		clk.Advance(time.Minute) // a new minute; the hour goes on
		if got := hit(); got[0] != 1 || got[1] != 4 {
			t.Fatalf("after a minute: %v, want [1 4]", got)
		}
	})
}

// Reset requests dropped by the cooldown do not use the hourly budget: it counts mails.
func TestResetCooldownDoesNotSpendTheHourlyBudget(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		s.cfg.ResendCooldown, s.cfg.SendsPerHour, s.cfg.ResetFloor = time.Minute, 2, -1
		makeUser(t, s, "hourly@example.com")
		mails := func() int64 {
			t.Helper()
			var n int64
			if err := s.db.Model(&models.OutboxMessage{}).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n
		}
		reset := func() {
			t.Helper()
			if err := s.RequestPasswordReset(context.Background(), "hourly@example.com", Delivery{}); err != nil {
				t.Fatal(err)
			}
		}
		for range 3 { // one mail; two dropped by the cooldown
			reset()
		}
		clk.Advance(time.Minute)
		reset() // the second mail of the hour
		if got := mails(); got != 2 {
			t.Fatalf("%d mails, want 2 (the cooldown's drops must not count towards the hour)", got)
		}
		clk.Advance(time.Minute)
		reset() // over the hourly budget of 2
		if got := mails(); got != 2 {
			t.Fatalf("%d mails, want 2 (hourly budget)", got)
		}
	})
}
