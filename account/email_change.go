package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// EmailChangeTicket identifies a pending email change.
type EmailChangeTicket struct {
	ID          string // the code row's id (Rixl's verification_id)
	NewEmail    string
	CanResendAt time.Time
}

// RequestEmailChange starts changing the caller's primary address: it checks the password and
// that nobody owns the new address, then mails a code to the new address. Nothing changes and
// nothing is reserved until CompleteEmailChange; a new request replaces the previous one.
//
// The throttles come before the question "is the address taken": the password re-check limit,
// then, in one transaction, the resend cooldown and the hourly budget, which a refused (taken)
// address spends just as a free one does. So the answers to a run of requests are the same
// whether the address is registered or not, and parallel requests send one mail.
func (s *Service) RequestEmailChange(ctx context.Context, p Principal, currentPassword, newEmail string, d Delivery) (EmailChangeTicket, error) {
	if err := checkEmail(newEmail, FieldEmail); err != nil {
		return EmailChangeTicket{}, err
	}
	acct, err := loadAccount(s.db.WithContext(ctx), p.UserID)
	if err != nil {
		return EmailChangeTicket{}, internal(err)
	}
	if err := s.verifyPassword(ctx, acct, currentPassword); err != nil {
		return EmailChangeTicket{}, err
	}
	if mustKey(newEmail) == mustKey(acct.primary.Address) {
		return EmailChangeTicket{}, invalid(CodeEmailUnchanged, FieldEmail)
	}
	var t EmailChangeTicket
	var taken bool
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.gate(tx, resendScope(models.PurposeEmailChange), p.UserID, s.cfg.ResendCooldown); err != nil {
			return err
		}
		if ok, wait, err := s.allow(tx, s.keys.limitKey("email-change", p.UserID), time.Hour, s.cfg.SendsPerHour); err != nil {
			return err
		} else if !ok {
			return throttled(wait)
		}
		if taken, err = emailInUse(tx, newEmail); err != nil || taken {
			// Commit the spent throttles; the refusal is returned after.
			return err
		}
		code, row, err := s.newCode(tx, p.UserID, models.PurposeEmailChange, newEmail, d)
		if err != nil {
			return err
		}
		if err := s.enqueueMail(tx, MailEmailChange, newEmail, mailData{Email: newEmail, Code: code,
			Link: linkFor(d, code), TTL: row.ExpiresAt.Sub(row.CreatedAt)}); err != nil {
			return err
		}
		t = EmailChangeTicket{ID: row.ID, NewEmail: newEmail, CanResendAt: row.ResendAt}
		return s.audit(tx, p.UserID, "email_change_requested", auditDetail(map[string]string{"new_email": newEmail}))
	})
	if err == nil && taken {
		return EmailChangeTicket{}, errEmailTaken()
	}
	return t, err
}

// CompleteEmailChange applies the caller's pending change with its code. Only the user who
// asked can complete it (the code is looked up among the caller's own, with bounded attempts).
// The address is claimed by updating the primary row under the unique index, so when another
// account took it meanwhile this fails with email_taken and nothing changes. The old address
// is told.
func (s *Service) CompleteEmailChange(ctx context.Context, p Principal, code string) error {
	row, err := s.checkUserCode(ctx, p.UserID, models.PurposeEmailChange, code)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		return s.applyEmailChange(tx, p.UserID, row.Email)
	})
}
