package account

import (
	"context"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// DeleteAccount deletes the caller's account after checking its password: addresses are
// released, codes die, the password hash is erased. The user row stays (status deleted) so
// audit events keep their subject and its tokens answer account_deleted.
func (s *Service) DeleteAccount(ctx context.Context, p Principal, plain string) error {
	acct, err := loadAccount(s.db.WithContext(ctx), p.UserID)
	if err != nil {
		return internal(err)
	}
	if err := s.verifyPassword(ctx, acct, plain); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		if err := oneRow(tx.Model(&models.User{}).Where("id = ? AND status <> ?", p.UserID, models.StatusDeleted).
			Updates(map[string]any{"status": models.StatusDeleted, "deleted_at": now, "updated_at": now, "password_hash": nil}),
			forbidden(CodeAccountDeleted)); err != nil {
			return err
		}
		if err := revokeCodes(tx, now, p.UserID); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", p.UserID).Delete(&models.Email{}).Error; err != nil {
			return err
		}
		if acct.primary.Address != "" {
			if err := s.enqueueMail(tx, MailAccountDeleted, acct.primary.Address, mailData{Email: acct.primary.Address}); err != nil {
				return err
			}
		}
		return s.audit(tx, p.UserID, "account_deleted", "")
	})
}
