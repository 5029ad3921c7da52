package account

import (
	"context"
	"errors"
	"strings"
	"time"

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

// StartEmailChange mails a code to newEmail; the caller's primary address becomes newEmail when
// the code is confirmed with VerifyEmail. Unlike RequestEmailChange it asks for no password
// (the bearer token is the proof), so it is throttled first: one code per ResendCooldown and
// SendsPerHour per account, kept in the database. Nothing is reserved until verification.
func (s *Service) StartEmailChange(ctx context.Context, p Principal, newEmail string) (EmailChangeTicket, error) {
	return s.startVerification(ctx, p, models.PurposeEmailChange, newEmail)
}

// StartAddEmail mails a code to address, which joins the caller's addresses (not primary) when
// the code is confirmed with VerifyEmail. Same limits as StartEmailChange.
func (s *Service) StartAddEmail(ctx context.Context, p Principal, address string) (EmailChangeTicket, error) {
	return s.startVerification(ctx, p, models.PurposeAddEmail, address)
}

func (s *Service) startVerification(ctx context.Context, p Principal, purpose, address string) (EmailChangeTicket, error) {
	if err := checkEmail(address, FieldEmail); err != nil {
		return EmailChangeTicket{}, err
	}
	var t EmailChangeTicket
	err := s.tx(ctx, func(tx *gorm.DB) error {
		// The limits come before anything that depends on the address, so a throttled caller
		// learns nothing about it; a refused request rolls back and leaves the counters as they were.
		if err := s.verificationLimits(tx, p.UserID, purpose); err != nil {
			return err
		}
		acct, err := loadAccount(tx, p.UserID)
		if err != nil {
			return err
		}
		if err := acct.usable(); err != nil {
			return err
		}
		owner, taken, err := findByEmail(tx, address)
		if err != nil {
			return err
		}
		if taken && owner.user.ID == p.UserID {
			return invalid(CodeEmailUnchanged, FieldEmail)
		}
		if taken {
			return errEmailTaken()
		}
		code, row, err := s.newCode(tx, p.UserID, purpose, address, Delivery{Digits: VerificationCodeDigits})
		if err != nil {
			return err
		}
		if err := s.mailVerificationCode(tx, purpose, address, code, row); err != nil {
			return err
		}
		t = EmailChangeTicket{ID: row.ID, NewEmail: address, CanResendAt: row.ResendAt}
		return s.audit(tx, p.UserID, purpose+"_requested", auditDetail(map[string]string{"email": address}))
	})
	return t, err
}

// verificationLimits counts one mailed code of purpose for a user: at most one per
// ResendCooldown and SendsPerHour per hour, in the database. Call it inside the transaction
// that makes the code, so that parallel requests cannot both pass.
func (s *Service) verificationLimits(tx *gorm.DB, userID, purpose string) error {
	// The cooldown is the one every flow of this purpose shares (resendScope), so Rixl's and
	// other vendors' resends of one account's code keep one clock.
	if err := s.gate(tx, resendScope(purpose), userID, s.cfg.ResendCooldown); err != nil {
		return err
	}
	if ok, wait, err := s.allow(tx, s.keys.limitKey(hourlyScope[purpose], userID), time.Hour, s.cfg.SendsPerHour); err != nil {
		return err
	} else if !ok {
		return throttled(wait)
	}
	return nil
}

// hourlyScope names each purpose's hourly budget of mails, the same keys the other flows of
// that purpose spend (ResendActivation, RequestEmailChange), so one account has one budget.
var hourlyScope = map[string]string{models.PurposeActivation: "activation", models.PurposeEmailChange: "email-change",
	models.PurposeAddEmail: "add-email"}

// mailVerificationCode mails a typed code for purpose to address.
func (s *Service) mailVerificationCode(tx *gorm.DB, purpose, address, code string, row models.OneTimeCode) error {
	kind := map[string]string{models.PurposeActivation: MailActivation, models.PurposeEmailChange: MailEmailChange,
		models.PurposeAddEmail: MailEmailAdd}[purpose]
	return s.enqueueMail(tx, kind, address, mailData{Email: address, Code: code, TTL: row.ExpiresAt.Sub(row.CreatedAt)})
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
	db := s.db.WithContext(ctx)
	var row models.OneTimeCode
	err := db.Where("id = ? AND purpose IN ?", verificationID, verificationPurposes).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return Verified{}, &Error{Kind: KindNotFound, Code: CodeNotFound, Field: FieldVerificationID}
	}
	if err != nil {
		return Verified{}, internal(err)
	}
	if err := s.countAttempt(db, row.ID); err != nil {
		return Verified{}, err
	}
	if !s.keys.codeMatches(row, strings.TrimSpace(code)) {
		return Verified{}, errInvalidCode(FieldCode)
	}
	out := Verified{UserID: row.UserID, Email: row.Email, Kind: VerificationKind(row.Purpose)}
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if err := s.redeemCode(tx, row); err != nil {
			return err
		}
		switch row.Purpose {
		case models.PurposeActivation:
			if err := s.applySignupVerification(tx, row); err != nil || signIn == nil {
				return err
			}
			sess, err := s.startSession(tx, row.UserID, *signIn)
			out.Session = &sess
			return err
		case models.PurposeEmailChange:
			if err := s.claimable(tx, row.Email); err != nil {
				return err
			}
			return s.applyEmailChange(tx, row.UserID, row.Email)
		default:
			return s.applyAddEmail(tx, row)
		}
	})
	return out, err
}

// verifyCodeAddress marks verified the address a redeemed code was sent to. The code proves
// control of that address; if it has left the account since, there is nothing to verify.
func (s *Service) verifyCodeAddress(tx *gorm.DB, row models.OneTimeCode) error {
	now := s.now()
	res := tx.Model(&models.Email{}).Where("user_id = ? AND address_key = ?", row.UserID, mustKey(row.Email)).
		Updates(map[string]any{"verified_at": now, "updated_at": now})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return errInvalidCode(FieldCode)
	}
	return nil
}

func (s *Service) applySignupVerification(tx *gorm.DB, row models.OneTimeCode) error {
	if err := s.verifyCodeAddress(tx, row); err != nil {
		return err
	}
	return s.audit(tx, row.UserID, "email_verified", auditDetail(map[string]string{"email": row.Email}))
}

func (s *Service) applyAddEmail(tx *gorm.DB, row models.OneTimeCode) error {
	if err := s.claimable(tx, row.Email); err != nil {
		return err
	}
	now := s.now()
	e := models.Email{ID: models.NewID(), UserID: row.UserID, Address: row.Email, AddressKey: mustKey(row.Email), VerifiedAt: &now,
		VerificationSentAt: &row.CreatedAt, CreatedAt: now, UpdatedAt: now}
	if err := tx.Create(&e).Error; err != nil {
		return err
	}
	acct, err := loadAccount(tx, row.UserID)
	if err != nil {
		return err
	}
	// The account's own address hears of it: an address added by someone else is a takeover's first step.
	if err := s.enqueueMail(tx, MailEmailAdded, acct.primary.Address, mailData{Email: acct.primary.Address, NewEmail: row.Email}); err != nil {
		return err
	}
	return s.audit(tx, row.UserID, "email_added", auditDetail(map[string]string{"email": row.Email}))
}

// claimable refuses an address somebody owns now. It gives the common case a clean answer; the
// unique index on addresses decides the race between two claims committing at once (s.tx turns
// the violation into email_taken).
func (s *Service) claimable(tx *gorm.DB, address string) error {
	if taken, err := emailInUse(tx, address); err != nil {
		return err
	} else if taken {
		return errEmailTaken()
	}
	return nil
}

// ResendVerification mails a new code for the pending verification of address (same id; the
// previous code stops working). It says nothing about the address: the answer is always nil
// for a valid address, requests over the per-address limits or the owner's per-purpose limits
// are dropped silently, and the call takes at least ResetFloor either way.
func (s *Service) ResendVerification(ctx context.Context, address string) error {
	if err := checkEmail(address, FieldEmail); err != nil {
		return err
	}
	defer s.floor(ctx)()
	return s.tx(ctx, func(tx *gorm.DB) error {
		subject := mustKey(address)
		if ok, _, err := s.allow(tx, s.keys.limitKey("resend-minute", subject), s.cfg.ResendCooldown, 1); err != nil || !ok {
			return err
		}
		if ok, _, err := s.allow(tx, s.keys.limitKey("resend-hour", subject), time.Hour, s.cfg.SendsPerHour); err != nil || !ok {
			return err
		}
		var row models.OneTimeCode
		err := tx.Where("lower(email) = lower(?) AND purpose IN ? AND consumed_at IS NULL AND revoked_at IS NULL",
			address, verificationPurposes).Order("created_at DESC").Take(&row).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			_ = randomDigits(VerificationCodeDigits) // the same shape of work as a resend
			return nil
		}
		if err != nil {
			return err
		}
		now := s.now()
		if row.ResendAt.After(now) {
			return nil
		}
		if err := s.verificationLimits(tx, row.UserID, row.Purpose); err != nil {
			if AsError(err).Kind == KindRateLimited {
				return nil
			}
			return err
		}
		code := randomDigits(VerificationCodeDigits)
		row.CodeHash, row.Attempts, row.ExpiresAt, row.ResendAt = s.keys.typedCodeHash(row.Purpose, row.ID, code), 0,
			now.Add(s.cfg.CodeTTL), now.Add(s.cfg.ResendCooldown)
		if err := tx.Model(&models.OneTimeCode{}).Where("id = ?", row.ID).Updates(map[string]any{
			"code_hash": row.CodeHash, "attempts": 0, "expires_at": row.ExpiresAt, "resend_at": row.ResendAt}).Error; err != nil {
			return err
		}
		row.CreatedAt = now // for the lifetime the mail states
		if err := s.mailVerificationCode(tx, row.Purpose, row.Email, code, row); err != nil {
			return err
		}
		return s.audit(tx, row.UserID, "verification_resent", auditDetail(map[string]string{"purpose": row.Purpose}))
	})
}

// floor makes a call take at least ResetFloor (so known and unknown addresses cannot be told
// apart by timing): defer s.floor(ctx)().
func (s *Service) floor(ctx context.Context) func() {
	if s.cfg.ResetFloor <= 0 {
		return func() {}
	}
	t := time.NewTimer(s.cfg.ResetFloor)
	return func() {
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
		}
	}
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
