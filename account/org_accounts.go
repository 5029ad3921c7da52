package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Flows for APIs whose callers act within one organisation (an API client's): every account
// they touch must be a member of it, and one-time codes may be handed to the caller instead of
// (or as well as) being mailed.

// isMember tells whether a user belongs to an organisation.
func isMember(db *gorm.DB, orgID, userID string) (bool, error) {
	var n int64
	err := db.Model(&models.Membership{}).Where("organization_id = ? AND user_id = ?", orgID, userID).Count(&n).Error
	return n > 0, err
}

// requireMember refuses an account outside the caller's organisation.
func requireMember(db *gorm.DB, orgID, userID string) error {
	ok, err := isMember(db, orgID, userID)
	if err != nil {
		return internal(err)
	}
	if !ok {
		return conflict(CodeInvalidOrgAccount, "")
	}
	return nil
}

func errAccountNotFound(field string) *Error {
	return &Error{Kind: KindNotFound, Code: CodeNotFound, Field: field}
}

// AccountView is what an organisation's caller may read of an account.
type AccountView struct {
	ID            string
	Email         string
	EmailVerified bool
	CreatedAt     time.Time
}

// OrgAccount returns a member account of orgID.
func (s *Service) OrgAccount(ctx context.Context, orgID, userID string) (AccountView, error) {
	acct, err := orgMember(s.db.WithContext(ctx), orgID, userID, "")
	if err != nil {
		return AccountView{}, err
	}
	return AccountView{ID: acct.user.ID, Email: acct.primary.Address, EmailVerified: acct.primary.VerifiedAt != nil,
		CreatedAt: acct.user.CreatedAt}, nil
}

// orgAccountByEmail loads the member account of orgID that has address, and the address as
// parsed (not found: the caller's organisation may look its own accounts up, so this is no
// enumeration).
func orgAccountByEmail(db *gorm.DB, orgID, email string) (account, Address, error) {
	addr, err := parseAddress(email, FieldEmail)
	if err != nil {
		return account{}, addr, err
	}
	acct, ok, err := findByEmail(db, addr.Key)
	if err != nil {
		return acct, addr, internal(err)
	}
	if !ok || acct.usable() != nil {
		return acct, addr, errAccountNotFound(FieldEmail)
	}
	return acct, addr, requireMember(db, orgID, acct.user.ID)
}

// PasswordResetCode is a reset code handed to the caller instead of mailed.
type PasswordResetCode struct {
	UserID string
	Code   string
}

// CreatePasswordResetCode makes a UUID reset code for the member of orgID with address and
// returns it; nothing is mailed (the caller delivers it). A new code replaces earlier ones.
func (s *Service) CreatePasswordResetCode(ctx context.Context, orgID, email string) (PasswordResetCode, error) {
	acct, _, err := orgAccountByEmail(s.db.WithContext(ctx), orgID, email)
	if err != nil {
		return PasswordResetCode{}, err
	}
	var out PasswordResetCode
	err = s.tx(ctx, func(tx *gorm.DB) error {
		code, _, err := s.newCode(tx, acct.user.ID, models.PurposePasswordReset, stored(acct.primary), Delivery{UUID: true})
		if err != nil {
			return err
		}
		out = PasswordResetCode{UserID: acct.user.ID, Code: code}
		return s.audit(tx, acct.user.ID, "password_reset_code_created", auditDetail(map[string]string{"organization_id": orgID}))
	})
	return out, err
}

// ResetOptions carry the vendor's password rule for CompletePasswordResetByID.
type ResetOptions struct {
	// Validate returns the rules a new password breaks (nil: none); nil Validate accepts any.
	Validate func(password, email string) []string
}

// CompletePasswordResetByID sets a new password for the member userID of orgID with a reset
// code of that account. The attempt is counted before the code is compared (bounded tries);
// the password is hashed before the transaction; every credential and session of the account
// is revoked, and its address is told.
func (s *Service) CompletePasswordResetByID(ctx context.Context, orgID, userID, code, next string, opts ResetOptions) error {
	acct, err := orgMember(s.db.WithContext(ctx), orgID, userID, "id")
	if err != nil {
		return err
	}
	if opts.Validate != nil {
		if msgs := opts.Validate(next, acct.primary.Address); len(msgs) > 0 {
			return invalid(CodeWeakPassword, FieldNewPassword, msgs...)
		}
	}
	row, err := s.checkUserCode(ctx, userID, models.PurposePasswordReset, code)
	if err != nil {
		return err
	}
	return s.completeReset(ctx, row, &acct, next, reset{})
}
