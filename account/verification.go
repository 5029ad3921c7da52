package account

import (
	"context"
	"errors"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// VerificationKind says what a verification id verifies.
type VerificationKind string

// Kinds of verification.
const (
	VerifySignup      VerificationKind = models.PurposeActivation  // the address an account was created with
	VerifyEmailChange VerificationKind = models.PurposeEmailChange // a new primary address
	VerifyAddEmail    VerificationKind = models.PurposeAddEmail    // a further address
)

// verificationPurposes are the code purposes a verification id may name.
var verificationPurposes = []string{models.PurposeActivation, models.PurposeEmailChange, models.PurposeAddEmail}

// VerificationCodeDigits is the length of the codes of verification-id flows.
const VerificationCodeDigits = 6

// Verified is the outcome of VerifyEmail.
type Verified struct {
	UserID string
	Email  string
	Kind   VerificationKind
	// Session is the session a sign-up verification opened (VerifyEmail's signIn), else nil.
	Session *SessionTokens
}

// VerifyEmail confirms the code of a verification id, without a logged-in caller (the id was
// handed to the account, the code to the address). The attempt is counted with a conditional
// UPDATE before the code is compared, so parallel guesses cannot pass MaxCodeAttempts; an
// unknown id is not_found, a wrong, expired, used or dead one invalid_code. The address is then
// claimed under the unique index on addresses: when another account took it meanwhile (a
// pending verification reserves nothing), this fails with email_taken and nothing changes.
//
// With signIn, a sign-up verification also opens a session of that spec in the same
// transaction (the code proves control of the address the account was made with).
func (s *Service) VerifyEmail(ctx context.Context, verificationID, code string, signIn *SessionSpec) (Verified, error) {
	code, err := presentedCode(code)
	if err != nil {
		return Verified{}, err
	}
	db := s.db.WithContext(ctx)
	byID := func(q *gorm.DB) *gorm.DB {
		return q.Where("id = ? AND purpose IN ?", verificationID, verificationPurposes)
	}
	missing := errInvalidCode(FieldCode)
	row, err := s.countedCode(db, byID, missing)
	if err == missing {
		// No live code: an id never issued is not_found, a used, expired or burned one invalid.
		var n int64
		if err := byID(db.Model(&models.OneTimeCode{})).Limit(1).Count(&n).Error; err != nil {
			return Verified{}, internal(err)
		}
		if n == 0 {
			return Verified{}, &Error{Kind: KindNotFound, Code: CodeNotFound, Field: FieldVerificationID}
		}
	}
	if err != nil {
		return Verified{}, err
	}
	if !s.keys.typedMatches(row, code) {
		return Verified{}, errInvalidCode(FieldCode)
	}
	out := Verified{UserID: row.UserID, Email: row.Email, Kind: VerificationKind(row.Purpose)}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		acct, owner, err := s.redeemCodeOf(tx, row)
		if err != nil {
			return err
		}
		if row.Purpose == models.PurposeActivation {
			if err := s.applySignupVerification(tx, row); err != nil || signIn == nil {
				return err
			}
			sess, err := s.startSession(tx, row.UserID, *signIn)
			out.Session = &sess
			return err
		}
		// An email change or an added address claims the address: refused when someone has it
		// now (read with the account), and the unique index decides a claim committing at the
		// same time.
		if owner != "" {
			return errEmailTaken()
		}
		if row.Purpose == models.PurposeEmailChange {
			return s.applyEmailChangeTo(tx, acct, codeAddress(row))
		}
		return s.applyAddEmail(tx, acct, row)
	})
	return out, err
}

// verifyCodeAddress marks verified the address a redeemed code was sent to. The code proves
// control of that address; if it has left the account since, there is nothing to verify.
func (s *Service) verifyCodeAddress(tx *gorm.DB, row models.OneTimeCode) error {
	now := s.now()
	return oneRow(tx.Model(&models.Email{}).Where("user_id = ? AND address_key = ?", row.UserID, row.EmailKey).
		Updates(map[string]any{"verified_at": now, "updated_at": now}), errInvalidCode(FieldCode))
}

func (s *Service) applySignupVerification(tx *gorm.DB, row models.OneTimeCode) error {
	if err := s.verifyCodeAddress(tx, row); err != nil {
		return err
	}
	return s.audit(tx, row.UserID, "email_verified", auditDetail(map[string]string{"email": row.Email}))
}

// applyAddEmail adds the address a redeemed code was sent to to acct, its owner, once the
// address is known to be free.
func (s *Service) applyAddEmail(tx *gorm.DB, acct account, row models.OneTimeCode) error {
	now := s.now()
	e := models.Email{ID: models.NewID(), UserID: row.UserID, Address: row.Email, AddressKey: row.EmailKey, VerifiedAt: &now,
		VerificationSentAt: &row.CreatedAt, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&e).Error; err != nil {
		return err
	}
	// The account's own address hears of it: an address added by someone else is a takeover's first step.
	if err := s.enqueueMail(tx, MailEmailAdded, acct.primary.Address, mailData{Email: acct.primary.Address, NewEmail: row.Email}); err != nil {
		return err
	}
	return s.audit(tx, row.UserID, "email_added", auditDetail(map[string]string{"email": row.Email}))
}

// ResendVerification mails a new code for the pending verification of address (same id; the
// previous code stops working). It says nothing about the address: the answer is always nil
// for a valid address, requests over the per-address mail budget or the owner's budget of the
// flow are dropped silently, and the call takes at least ResetFloor either way. The code is
// found by the address's key, as every address is compared.
func (s *Service) ResendVerification(ctx context.Context, address string) error {
	addr, err := parseAddress(address, FieldEmail)
	if err != nil {
		return err
	}
	defer s.floor(ctx)()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.spendMail(tx, "resend", addr.Key); err != nil {
			return silentlyThrottled(err)
		}
		var row models.OneTimeCode
		err := tx.Where("email_key = ? AND purpose IN ? AND consumed_at IS NULL AND revoked_at IS NULL",
			addr.Key, verificationPurposes).Order("created_at DESC").Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			_ = randomDigits(VerificationCodeDigits) // the same shape of work as a resend
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.spendMail(tx, row.Purpose, row.UserID); err != nil {
			return silentlyThrottled(err)
		}
		now := s.now()
		code := randomDigits(VerificationCodeDigits)
		row.CodeHash, row.Attempts, row.ExpiresAt, row.ResendAt = s.keys.typedHash(row.Purpose, row.ID, code), 0,
			now.Add(s.cfg.CodeTTL), now.Add(s.cfg.ResendCooldown)
		if err := tx.Model(&models.OneTimeCode{}).Where("id = ?", row.ID).Updates(map[string]any{
			"code_hash": row.CodeHash, "attempts": 0, "expires_at": row.ExpiresAt, "resend_at": row.ResendAt}).Error; err != nil {
			return err
		}
		row.CreatedAt = now // for the lifetime the mail states
		if err := s.mailCode(tx, row.Purpose, row.Email, code, row, Delivery{}); err != nil {
			return err
		}
		return s.audit(tx, row.UserID, "verification_resent", auditDetail(map[string]string{"purpose": row.Purpose}))
	})
}

// silentlyThrottled drops a refusal of a mail budget (nil) for flows that must not tell
// whether an address is known; other errors pass.
func silentlyThrottled(err error) error {
	var e *Error
	if errors.As(err, &e) && e.Kind == KindRateLimited {
		return nil
	}
	return err
}

// EmailStatus is the caller's primary address and whether it is verified.
type EmailStatus struct {
	Email    string
	HasEmail bool
	Verified bool
}

// GetEmailStatus reports the caller's primary address.
func (s *Service) GetEmailStatus(ctx context.Context, p Principal) (EmailStatus, error) {
	acct, err := loadAccount(s.db.WithContext(ctx), p.UserID)
	if err != nil {
		return EmailStatus{}, internal(err)
	}
	return EmailStatus{Email: acct.primary.Address, HasEmail: acct.primary.Address != "",
		Verified: acct.primary.VerifiedAt != nil}, nil
}
