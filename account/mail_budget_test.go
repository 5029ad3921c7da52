package account

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
	"gorm.io/gorm"
)

// spendMail's one statement (PostgreSQL) and its two (SQLite, and PostgreSQL's fallback) are
// one rule: the same sequence of requests gets the same answers, Retry-After included, from
// each, on each backend that can run it, inside a transaction (a refusal rolls both counts back)
// and on its own (each count commits at once).
func TestSpendMailIsOneRule(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		s.cfg.ResendCooldown, s.cfg.SendsPerHour = time.Minute, 3
		// Shared with parallel requests and carrying a read (the password reset's owner
		// lookup), the budget is the same; it commits at once, so it has no transaction.
		shared := func(db *gorm.DB, flow, subject string) error {
			_, _, err := s.spendMailNow(db.Statement.Context, flow, subject, mustKey(subject), "")
			return err
		}
		ways := map[string]func(db *gorm.DB, flow, subject string) error{"steps": s.spendMailSteps, "shared": shared}
		if s.db.Dialect == models.Postgres {
			ways["one statement"] = s.spendMail
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
				if inTx && name == "shared" {
					continue
				}
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
						if got := retryAfter(t, err); got != st.want {
							t.Fatalf("step %d: got %q, want %q", i, got, st.want)
						}
					}
				})
			}
		}
	})
}

// What the budget's read finds is the account as loaded by its id, on each backend: the owner of any of its addresses with its primary address, nobody for an
// unknown address, and the membership when an organisation is asked about.
func TestSpendMailReadsTheOwner(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "Owner@Example.com")
		org, err := s.CreateOrganization(ctx, "Readers")
		if err != nil {
			t.Fatal(err)
		}
		other, err := s.CreateOrganization(ctx, "Others")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddMember(ctx, org.ID, uid, ""); err != nil {
			t.Fatal(err)
		}
		cases := []struct {
			name, address, orgID string
			found, member        bool
		}{
			{"known", "owner@example.com", "", true, false},
			{"known, a member", "OWNER@example.com", org.ID, true, true},
			{"known, not a member", "owner@example.com", other.ID, true, false},
			{"unknown", "nobody@example.com", "", false, false},
			{"unknown, in an organisation", "nobody@example.com", org.ID, false, false},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				clk.Advance(time.Hour) // a budget of its own: the read is what is tested
				db := s.db.WithContext(ctx)
				row, found, err := s.spendMailNow(ctx, fmt.Sprintf("flow-%d", i), c.address, mustKey(c.address), c.orgID)
				if err != nil {
					t.Fatal(err)
				}
				if found != c.found || row.Member != c.member {
					t.Fatalf("found %v, member %v; want %v, %v", found, row.Member, c.found, c.member)
				}
				if !c.found {
					return
				}
				want, err := loadAccount(db, uid) // the account by its id: another query
				if err != nil {
					t.Fatal(err)
				}
				if row.User.ID != uid || !reflect.DeepEqual(row.User, want.user) || !reflect.DeepEqual(row.Primary, want.primary) {
					t.Fatalf("read %+v / %+v, want %+v / %+v", row.User, row.Primary, want.user, want.primary)
				}
			})
		}
	})
}

// One shared budget statement holds each subject once: a subject asked for again in the same
// batch is answered by the next statement, as a request arriving just after the first, so of
// parallel requests for one subject exactly one passes and the others learn when to retry.
func TestSharedBudgetStatementsKeepTheRule(t *testing.T) {
	for _, b := range testkit.Backends(t) {
		if b.Name != "postgres" {
			continue // SQLite runs each spend alone (spendMailSteps)
		}
		t.Run(b.Name, func(t *testing.T) {
			s, _ := openTestService(t, b.DSN(t))
			s.cfg.ResendCooldown, s.cfg.SendsPerHour = time.Minute, 3
			batch := func(subjects ...string) []*budgetAsk {
				asks := make([]*budgetAsk, len(subjects))
				for i, sub := range subjects {
					asks[i] = &budgetAsk{Gate: s.keys.limitKey(mailCooldownScope("flow"), sub),
						Hour: s.keys.limitKey(s.mailHourly("flow").Scope, sub), flow: "flow"}
				}
				return asks
			}
			asks := batch("a", "b", "a", "c", "a", "b")
			if err := s.spendBudgets(s.db.WithContext(context.Background()), asks); err != nil {
				t.Fatal(err)
			}
			want := []string{"", "", "1m0s", "", "1m0s", "1m0s"}
			for i, a := range asks {
				if got := retryAfter(t, a.verdict); got != want[i] || !a.written {
					t.Errorf("ask %d: %q (written %v), want %q", i, got, a.written, want[i])
				}
			}

			// Through the combiner, from parallel callers: one pass per subject.
			const callers, subjects = 60, 6
			passed := make([]int, subjects)
			var mu sync.Mutex
			var wg sync.WaitGroup
			for i := range callers {
				wg.Go(func() {
					_, _, err := s.spendMailNow(context.Background(), "parallel", fmt.Sprint(i%subjects), "", "")
					if got := retryAfter(t, err); got == "" {
						mu.Lock()
						passed[i%subjects]++
						mu.Unlock()
					}
				})
			}
			wg.Wait()
			if !slices.Equal(passed, []int{1, 1, 1, 1, 1, 1}) {
				t.Fatalf("passes per subject %v, want one each", passed)
			}
		})
	}
}

// retryAfter is a budget's verdict as TestSpendMailIsOneRule writes it: "" when it passed.
func retryAfter(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	e := AsError(err)
	if e.Kind != KindRateLimited {
		t.Fatalf("not a refusal: %v", err)
	}
	return e.RetryAfter.String()
}
