package account

import (
	"context"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

func TestCommittedMailWakesTheDispatcher(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		woken := func() bool {
			select {
			case <-s.MailQueued():
				return true
			default:
				return false
			}
		}
		if err := s.tx(ctx, func(tx *gorm.DB) error { return s.audit(tx, "", "noop", "") }); err != nil {
			t.Fatal(err)
		}
		if woken() {
			t.Fatal("a transaction without mail woke the dispatcher")
		}
		err := s.tx(ctx, func(tx *gorm.DB) error {
			if err := s.enqueueMail(tx, MailActivation, "a@example.com", mailData{Email: "a@example.com"}); err != nil {
				return err
			}
			return errInvalidCode(FieldCode) // rolled back
		})
		if e := AsError(err); e.Code != CodeInvalidCode {
			t.Fatalf("the transaction should have failed with the error it returned, got %v", err)
		}
		if woken() {
			t.Fatal("a rolled-back transaction woke the dispatcher")
		}
		if err := s.tx(ctx, func(tx *gorm.DB) error {
			return s.enqueueMail(tx, MailActivation, "a@example.com", mailData{Email: "a@example.com"})
		}); err != nil {
			t.Fatal(err)
		}
		if !woken() {
			t.Fatal("committed mail did not wake the dispatcher")
		}
	})
}

func TestSweepRemovesOnlyFinishedRows(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "sweep@example.com")
		makeCode(t, s, uid, models.PurposeActivation, Delivery{})
		if err := s.db.Transaction(func(tx *gorm.DB) error {
			if _, _, err := s.hit(tx, Limit{Scope: "k", Window: time.Minute, Max: 5}, "subject"); err != nil {
				return err
			}
			return s.enqueueMail(tx, MailActivation, "sweep@example.com", mailData{Email: "sweep@example.com"})
		}); err != nil {
			t.Fatal(err)
		}
		if r, err := s.Sweep(ctx); err != nil || r != (SweepResult{}) {
			t.Fatalf("fresh rows swept: %+v %v", r, err)
		}
		clk.Advance(31 * 24 * time.Hour)
		if r, err := s.Sweep(ctx); err != nil || r != (SweepResult{RateLimits: 1, Codes: 1}) {
			t.Fatalf("sweep: %+v %v (pending mail must stay)", r, err)
		}
		mails, err := s.ClaimMail(ctx, 10, time.Minute)
		if err != nil || len(mails) != 1 {
			t.Fatalf("claim: %v %v", mails, err)
		}
		if err := s.MailDelivered(ctx, false, mails[0].ID); err != nil {
			t.Fatal(err)
		}
		if r, err := s.Sweep(ctx); err != nil || r.Mail != 1 {
			t.Fatalf("delivered old mail not swept: %+v %v", r, err)
		}
	})
}
