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

// orgAccountByEmail loads the member account of orgID that has address (not found: the
// caller's organisation may look its own accounts up, so this is no enumeration).
func orgAccountByEmail(db *gorm.DB, orgID, email string) (account, error) {
	if err := checkEmail(email, FieldEmail); err != nil {
		return account{}, err
	}
	acct, ok, err := findByEmail(db, email)
	if err != nil {
		return acct, internal(err)
	}
	if !ok || acct.usable() != nil {
		return acct, errAccountNotFound(FieldEmail)
	}
	return acct, requireMember(db, orgID, acct.user.ID)
}

// EmailChangeCode is a started email change whose code goes back to the caller.
type EmailChangeCode struct {
	CurrentEmail string
	NewEmail     string
	Code         string
}

// EmailChangeOptions say how the code of RequestEmailChangeCode travels.
type EmailChangeOptions struct {
	// Mail sends the code to the new address (in Link when one is given); otherwise the
	// caller delivers the code itself and nothing is mailed.
	Mail bool
	Link string // a URL with "{code}" where the code goes; empty: the mail shows the code
}

// RequestEmailChangeCode starts changing the primary address of a member of orgID without a
// password (the caller holds a token with that right) and returns a UUID code; with
// opts.Mail the new address is also mailed. Nothing changes until CompleteEmailChange. A new
// request replaces the previous code. Mailing is limited (one per cooldown, SendsPerHour per
// hour), decided inside the transaction that writes the code.
func (s *Service) RequestEmailChangeCode(ctx context.Context, orgID, userID, newEmail string, opts EmailChangeOptions) (EmailChangeCode, error) {
	// The address is checked first (values before account state, as Payway orders its checks),
	// then the account and whether the address is free are read in one query.
	if err := checkEmail(newEmail, FieldEmail); err != nil {
		return EmailChangeCode{}, err
	}
	newKey := mustKey(newEmail)
	acct, taken, err := orgMemberAndAddress(s.db.WithContext(ctx), orgID, userID, "", newKey)
	if err != nil {
		return EmailChangeCode{}, err
	}
	if newKey == mustKey(acct.primary.Address) {
		return EmailChangeCode{}, conflict(CodeEmailUnchanged, FieldEmail)
	}
	if taken {
		return EmailChangeCode{}, errEmailTaken()
	}
	out := EmailChangeCode{CurrentEmail: acct.primary.Address, NewEmail: newEmail}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if opts.Mail {
			// Both limits in one statement; a refusal rolls both hits back with the transaction.
			hits, err := s.countEach(tx, window{s.keys.limitKey("email-change-minute", userID), s.cfg.ResendCooldown},
				window{s.keys.limitKey("email-change", userID), time.Hour})
			if err != nil {
				return err
			}
			if hits[0] > 1 {
				return throttled(s.windowRest(s.cfg.ResendCooldown))
			}
			if hits[1] > s.cfg.SendsPerHour {
				return throttled(s.windowRest(time.Hour))
			}
		}
		d := Delivery{UUID: true, Link: opts.Link}
		code, row, err := s.newCode(tx, userID, models.PurposeEmailChange, newEmail, d)
		if err != nil {
			return err
		}
		out.Code = code
		if opts.Mail {
			if err := s.enqueueMail(tx, MailEmailChange, newEmail, mailData{Email: newEmail, Code: code,
				Link: linkFor(d, code), TTL: row.ExpiresAt.Sub(row.CreatedAt)}); err != nil {
				return err
			}
		}
		return s.audit(tx, userID, "email_change_requested", auditDetail(map[string]string{"new_email": newEmail, "organization_id": orgID}))
	})
	if err != nil {
		return EmailChangeCode{}, err
	}
	return out, nil
}

// CompleteEmailChangeInOrg is CompleteEmailChange for a member of orgID.
func (s *Service) CompleteEmailChangeInOrg(ctx context.Context, orgID string, p Principal, code string) error {
	if err := requireMember(s.db.WithContext(ctx), orgID, p.UserID); err != nil {
		return err
	}
	return s.CompleteEmailChange(ctx, p, code)
}

// PasswordResetCode is a reset code handed to the caller instead of mailed.
type PasswordResetCode struct {
	UserID string
	Code   string
}

// CreatePasswordResetCode makes a UUID reset code for the member of orgID with address and
// returns it; nothing is mailed (the caller delivers it). A new code replaces earlier ones.
func (s *Service) CreatePasswordResetCode(ctx context.Context, orgID, email string) (PasswordResetCode, error) {
	acct, err := orgAccountByEmail(s.db.WithContext(ctx), orgID, email)
	if err != nil {
		return PasswordResetCode{}, err
	}
	var out PasswordResetCode
	err = s.tx(ctx, func(tx *gorm.DB) error {
		code, _, err := s.newCode(tx, acct.user.ID, models.PurposePasswordReset, acct.primary.Address, Delivery{UUID: true})
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
	hash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.consumeCode(tx, row.ID); err != nil {
			return err
		}
		now := s.now()
		if err := tx.Model(&models.User{}).Where("id = ?", userID).
			Updates(map[string]any{"password_hash": hash, "updated_at": now}).Error; err != nil {
			return err
		}
		if err := s.revokeUserSessions(tx, now, userID); err != nil {
			return err
		}
		if err := revokeCredentials(tx, now, "user_id = ?", userID); err != nil {
			return err
		}
		if err := revokeCodes(tx, now, userID, models.PurposePasswordReset, models.PurposeEmailChange, models.PurposeActivation); err != nil {
			return err
		}
		if err := s.enqueueMail(tx, MailPasswordChange, acct.primary.Address, mailData{Email: acct.primary.Address}); err != nil {
			return err
		}
		return s.audit(tx, userID, "password_reset", `{"tokens_revoked":true}`)
	})
}
