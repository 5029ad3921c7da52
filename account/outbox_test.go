package account

import (
	"context"
	"testing"

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
