package account

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// spendMail's one statement (PostgreSQL) and its two (SQLite, and PostgreSQL's fallback) are
// one rule: the same sequence of requests gets the same answers, Retry-After included, from
// each, on each backend that can run it, inside a transaction (a refusal rolls both counts back)
// and on its own (each count commits at once).
func TestSpendMailIsOneRule(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		s.cfg.ResendCooldown, s.cfg.SendsPerHour = time.Minute, 3
		ways := map[string]func(db *gorm.DB, flow, subject string) error{"steps": s.spendMailSteps}
		if s.db.Dialect == models.Postgres {
			ways["one statement"] = s.spendMailOnce
		}
		// Each step: advance the clock, then spend; the answer wanted ("" passes, else Retry-After).
		steps := []struct {
			advance time.Duration
			want    string
		}{
			{0, ""}, {0, "1m0s"}, {15 * time.Second, "45s"}, {45 * time.Second, ""}, {59 * time.Second, "1s"},
			{time.Second, ""}, {time.Minute, "57m0s"}, {time.Minute, "56m0s"}, {56 * time.Minute, ""},
		}
		for name, spend := range ways {
			for _, inTx := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s, in a transaction %v", name, inTx), func(t *testing.T) {
					subject := fmt.Sprintf("%s-%v@example.com", name, inTx)
					for i, st := range steps {
						clk.Advance(st.advance)
						var err error
						if inTx {
							err = s.tx(context.Background(), func(tx *gorm.DB) error { return spend(tx, "flow", subject) })
						} else {
							err = spend(s.db.WithContext(context.Background()), "flow", subject)
						}
						got := ""
						if err != nil {
							e := AsError(err)
							if e.Kind != KindRateLimited {
								t.Fatalf("step %d: %v", i, err)
							}
							got = e.RetryAfter.String()
						}
						if got != st.want {
							t.Fatalf("step %d: got %q, want %q", i, got, st.want)
						}
					}
				})
			}
		}
	})
}
