package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Activation is the verification state of the primary address.
type Activation struct {
	Verified   bool
	LastSentAt *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// ActivationStatus reports whether the caller's primary address is verified.
func (s *Service) ActivationStatus(ctx context.Context, p Principal) (Activation, error) {
	acct, err := loadAccount(s.db.WithContext(ctx), p.UserID)
	if err != nil {
		return Activation{}, internal(err)
	}
	return activationOf(acct), nil
}

func activationOf(acct account) Activation {
	updated := acct.user.UpdatedAt
	if acct.primary.UpdatedAt.After(updated) {
		updated = acct.primary.UpdatedAt
	}
	return Activation{Verified: acct.primary.VerifiedAt != nil, LastSentAt: acct.primary.VerificationSentAt,
		CreatedAt: acct.user.CreatedAt, UpdatedAt: updated}
}

// ResendActivation mails a fresh activation code (the previous one stops working). It is
// limited per account by a cooldown and an hourly budget, both kept in the database.
func (s *Service) ResendActivation(ctx context.Context, p Principal, d Delivery) (Activation, error) {
	db := s.db.WithContext(ctx)
	acct, err := loadAccount(db, p.UserID)
	if err != nil {
		return Activation{}, internal(err)
	}
	if acct.primary.VerifiedAt != nil {
		return Activation{}, invalid(CodeAlreadyVerified, "")
	}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.spendMail(tx, models.PurposeActivation, p.UserID); err != nil {
			return err
		}
		_, err := s.sendActivation(tx, p.UserID, acct.primary, d)
		return err
	})
	if err != nil {
		return Activation{}, err
	}
	acct, err = loadAccount(db, p.UserID)
	if err != nil {
		return Activation{}, internal(err)
	}
	return activationOf(acct), nil
}

// sendActivation makes an activation code for address e and mails it, inside tx.
func (s *Service) sendActivation(tx *gorm.DB, userID string, e models.Email, d Delivery) (models.OneTimeCode, error) {
	code, row, err := s.newCode(tx, userID, models.PurposeActivation, stored(e), d)
	if err != nil {
		return row, err
	}
	if err := tx.Model(&models.Email{}).Where("id = ?", e.ID).
		Updates(map[string]any{"verification_sent_at": row.CreatedAt, "updated_at": row.CreatedAt}).Error; err != nil {
		return row, err
	}
	return row, s.mailCode(tx, models.PurposeActivation, e.Address, code, row, d)
}

// CompleteActivation verifies the address an activation code was mailed to and returns a new
// credential for its owner; other credentials keep working.
func (s *Service) CompleteActivation(ctx context.Context, code string, spec CredentialSpec) (Session, error) {
	row, err := s.findCodeByValue(ctx, models.PurposeActivation, code)
	if err != nil {
		return Session{}, err
	}
	var sess Session
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.redeemCode(tx, row); err != nil {
			return err
		}
		if err := s.verifyCodeAddress(tx, row); err != nil {
			return err
		}
		if sess, err = s.issueCredential(tx, row.UserID, spec); err != nil {
			return err
		}
		return s.audit(tx, row.UserID, "email_verified", auditDetail(map[string]string{"email": row.Email}))
	})
	return sess, err
}
