package account

import (
	"context"
	"fmt"
	"reflect"
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
		// Carrying a read (the password reset's owner lookup) changes nothing about the budget.
		reading := func(db *gorm.DB, flow, subject string) error {
			_, _, err := spendMailReading[memberRow](s, db, flow, subject, ownerRead(mustKey(subject), ""))
			return err
		}
		ways := map[string]func(db *gorm.DB, flow, subject string) error{"steps": s.spendMailSteps, "reading": reading}
		if s.db.Dialect == models.Postgres {
			ways["one statement"] = func(db *gorm.DB, flow, subject string) error {
				_, _, err := spendMailOnce[struct{}](s, db, flow, subject, nil)
				return err
			}
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
				row, found, err := spendMailReading[memberRow](s, db, fmt.Sprintf("flow-%d", i), c.address, ownerRead(mustKey(c.address), c.orgID))
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
