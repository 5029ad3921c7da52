package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Undoing an email change from the old address. Whoever changed the address (the owner, or
// someone holding a stolen session) cannot stop the notice to the old address; its link lets
// the owner take the account back: the old address becomes the primary one again, every
// session, token and pending code ends, and a password reset goes to the restored address.

// UndoEmailChangeTTL is how long the undo link in the notice works.
const UndoEmailChangeTTL = 7 * 24 * time.Hour

// notifyEmailChanged tells the old address that the change to newEmail happened, with a link
// that undoes it (when the service knows where the undo page is: Config.UndoEmailChangeLink).
// The link's code is not replaced by later changes: after two changes in a row, the first
// address can still take the account back.
func (s *Service) notifyEmailChanged(tx *gorm.DB, userID string, old Address, newEmail string) error {
	oldEmail := old.Typed
	d := mailData{Email: oldEmail, NewEmail: newEmail}
	if pattern := s.cfg.UndoEmailChangeLink; pattern != "" {
		now := s.now()
		code := randomToken(32)
		row := models.OneTimeCode{ID: models.NewID(), UserID: userID, Purpose: models.PurposeUndoEmailChange, Email: oldEmail,
			EmailKey: old.Key, MaxAttempts: s.cfg.MaxCodeAttempts, ExpiresAt: now.Add(UndoEmailChangeTTL), ResendAt: now, CreatedAt: now}
		row.CodeHash = s.keys.linkHash(row.Purpose, code)
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		d.Link, d.TTL = linkFor(Delivery{Link: pattern}, code), UndoEmailChangeTTL
	}
	return s.enqueueMail(tx, MailEmailChanged, oldEmail, d)
}

// UndoEmailChange restores the address an undo link was mailed to as the account's primary
// address (verified: the link proves it is read), ends every session and credential of the
// account, revokes every pending code (except the undo links of earlier changes, so an
// intruder who changed the address twice cannot undo only his own change to shut the owner
// out), mails a password reset (reset: how the vendor's reset link looks) to the restored
// address and tells the address it replaces. Audited. When another account took the old
// address meanwhile, nothing changes (email_taken).
func (s *Service) UndoEmailChange(ctx context.Context, code string, reset Delivery) error {
	row, _, err := s.linkAccount(ctx, LinkUndoEmailChange, code)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		acct, err := loadAccount(tx, row.UserID)
		if err != nil {
			return err
		}
		now := s.now()
		replaced := acct.primary.Address
		restored := codeAddress(row)
		if acct.primary.AddressKey != restored.Key {
			if err := claimable(tx, restored.Key); err != nil {
				return err
			}
			if err := tx.Model(&models.Email{}).Where("id = ?", acct.primary.ID).Updates(map[string]any{
				"address": restored.Typed, "address_key": restored.Key, "verified_at": now, "updated_at": now}).Error; err != nil {
				return err
			}
		}
		if err := revokeCredentials(tx, now, "user_id = ?", row.UserID); err != nil {
			return err
		}
		if err := s.revokeUserSessions(tx, now, row.UserID); err != nil {
			return err
		}
		if err := tx.Model(&models.OneTimeCode{}).
			Where("user_id = ? AND consumed_at IS NULL AND revoked_at IS NULL", row.UserID).
			Where("purpose <> ? OR created_at > ?", models.PurposeUndoEmailChange, row.CreatedAt).
			Update("revoked_at", now).Error; err != nil {
			return err
		}
		resetCode, resetRow, err := s.newCode(tx, row.UserID, models.PurposePasswordReset, restored, reset)
		if err != nil {
			return err
		}
		if err := s.mailCode(tx, models.PurposePasswordReset, row.Email, resetCode, resetRow, reset); err != nil {
			return err
		}
		if acct.primary.AddressKey != restored.Key {
			if err := s.enqueueMail(tx, MailEmailChangeUndone, replaced, mailData{Email: replaced, NewEmail: row.Email}); err != nil {
				return err
			}
		}
		return s.audit(tx, row.UserID, "email_change_undone",
			auditDetail(map[string]string{"restored_email": row.Email, "replaced_email": replaced}))
	})
}
