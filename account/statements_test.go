package account

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
	"github.com/jackc/pgx/v5"
)

// statementCounter counts the statements a pool sends to PostgreSQL (BEGIN and COMMIT
// included): each is a round trip.
type statementCounter struct{ n atomic.Int64 }

func (c *statementCounter) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	c.n.Add(1)
	return ctx
}

func (c *statementCounter) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// The round trips of the database-bound hot flows on PostgreSQL, counted at the driver: the
// load benchmark's rates follow them (bench/results.md), so a change that adds one fails here
// and says which flow. The counts are the core's; a vendor's authentication adds its own
// (Payway's token and client: one).
func TestStatementsPerRequest(t *testing.T) {
	if !slices.ContainsFunc(testkit.Backends(t), func(b testkit.Backend) bool { return b.Name == "postgres" }) {
		t.Skip("PostgreSQL is not among the backends under test")
	}
	counter := &statementCounter{}
	s, clk := openTestService(t, testkit.PostgresURL(t), models.Pool{Tracer: counter})
	s.cfg.ResetFloor = 0 // the floor is time, not statements
	ctx := context.Background()
	uid := makeUser(t, s, "counted@example.com")
	org, err := s.CreateOrganization(ctx, "Counted")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.AddMember(ctx, org.ID, uid, ""); err != nil {
		t.Fatal(err)
	}
	var ticket EmailChangeTicket // the typed code the email change below mails, verified after it
	flows := []struct {
		name string
		want int64
		run  func() error
	}{
		{"password reset, unknown address", 2, func() error {
			return s.RequestPasswordReset(ctx, "nobody@example.com", Delivery{})
		}},
		{"password reset, known address", 2, func() error {
			return s.RequestPasswordReset(ctx, "counted@example.com", Delivery{})
		}},
		{"password reset in an organisation, a member", 2, func() error {
			return s.RequestPasswordResetInOrg(ctx, org.ID, "counted@example.com", Delivery{})
		}},
		{"email change code, typed", 3, func() (err error) {
			ticket, err = s.StartEmailChange(ctx, EmailChange{UserID: uid, NewEmail: "fresh@example.com",
				Delivery: Delivery{Digits: VerificationCodeDigits}})
			return err
		}},
		{"email change verified by its typed code", 6, func() error {
			_, err := s.VerifyEmail(ctx, ticket.ID, ticket.Code, nil)
			return err
		}},
		{"email change code, in an organisation", 3, func() error {
			_, err := s.StartEmailChange(ctx, EmailChange{UserID: uid, OrgID: org.ID, NewEmail: "other@example.com"})
			return err
		}},
	}
	for _, f := range flows {
		clk.Advance(s.cfg.ResendCooldown + time.Second) // past every cooldown; the codes stay live
		before := counter.n.Load()
		if err := f.run(); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if got := counter.n.Load() - before; got != f.want {
			t.Errorf("%s: %d statements, want %d", f.name, got, f.want)
		}
	}
}
