package account

import (
	"context"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// RegisterInput is a new local account.
type RegisterInput struct {
	Email                  string
	Password               string
	TOSAccepted            bool
	MarketingEmailAccepted bool
	// Client identifies the caller for the login and registration limits (an IP address).
	Client     string
	Credential CredentialSpec
	// Activation says how the activation code is mailed.
	Activation Delivery
	// LoginExisting: when the address already has an account and the password is that
	// account's, log it in instead of failing with email_taken (RegisterResult.ExistingUser).
	// Wrong passwords then count towards the failed-login limits.
	LoginExisting bool
	// NoCredential: create the account without handing out a credential (the vendor signs the
	// user in once the address is verified).
	NoCredential bool
}

// RegisterResult is the new (or existing) account's first credential.
type RegisterResult struct {
	Session
	// ExistingUser is true when, with LoginExisting, the address already had an account with
	// this password, which is then logged in instead of created.
	ExistingUser bool
	// Activation identifies the activation code mailed to a new account (its id is the
	// verification id of code-based vendors).
	Activation EmailChangeTicket
}

// Register creates an account with an unverified primary address, mails an activation code,
// and returns a credential. Two registrations racing for one address: the unique index lets
// exactly one commit; the other gets email_taken.
//
// Everything that does not depend on whether the address is registered is checked first (the
// terms, the password policy, the per-client limit), so a refusal tells nothing about the
// address; a known address then goes through the login path and its limits.
func (s *Service) Register(ctx context.Context, in RegisterInput) (RegisterResult, error) {
	addr, err := parseAddress(in.Email, FieldEmail)
	if err != nil {
		return RegisterResult{}, err
	}
	if !in.TOSAccepted {
		return RegisterResult{}, invalid(CodeTOSRequired, FieldTOS)
	}
	if err := weakPassword(in.Password, in.Email, FieldPassword); err != nil {
		return RegisterResult{}, err
	}
	if _, err := s.spend(ctx, registerPerClient, in.Client); err != nil {
		return RegisterResult{}, err
	}
	acct, exists, err := findByEmail(s.db.WithContext(ctx), addr.Key)
	if err != nil {
		return RegisterResult{}, internal(err)
	}
	if exists && !in.LoginExisting {
		return RegisterResult{}, errEmailTaken()
	}
	if exists {
		sess, err := s.loginCredential(ctx, loginAttempt{addr: addr, password: in.Password, client: in.Client}, acct, true, in.Credential)
		if err != nil {
			if e := AsError(err); e.Code == CodeInvalidCredentials {
				return RegisterResult{}, errEmailTaken()
			}
			return RegisterResult{}, err
		}
		return RegisterResult{Session: sess, ExistingUser: true}, nil
	}
	hash, err := s.cfg.Hasher.HashContext(ctx, in.Password)
	if err != nil {
		return RegisterResult{}, hashError(err)
	}
	var res RegisterResult
	err = s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		u := models.User{ID: models.NewID(), PasswordHash: &hash, Status: models.StatusActive, TOSAcceptedAt: &now,
			MarketingEmailAccepted: in.MarketingEmailAccepted, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		e := models.Email{ID: models.NewID(), UserID: u.ID, Address: addr.Typed, AddressKey: addr.Key,
			IsPrimary: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&e).Error; err != nil {
			return err
		}
		// The first activation mail spends the account's mail budget of the flow.
		if err := s.spendMail(tx, models.PurposeActivation, u.ID); err != nil {
			return err
		}
		code, err := s.sendActivation(tx, u.ID, e, in.Activation)
		if err != nil {
			return err
		}
		res.Activation = EmailChangeTicket{ID: code.ID, NewEmail: e.Address, CanResendAt: code.ResendAt}
		if in.NoCredential {
			res.Session = Session{UserID: u.ID}
		} else if res.Session, err = s.issueCredential(tx, u.ID, in.Credential); err != nil {
			return err
		}
		return s.audit(tx, u.ID, "user_registered", "")
	})
	return res, err
}

// hashPassword hashes a new password (already checked against policy) before any transaction
// opens: argon2id takes tens of milliseconds and a transaction would hold its locks meanwhile.
func (s *Service) hashPassword(ctx context.Context, plain string) (string, error) {
	hash, err := s.cfg.Hasher.HashContext(ctx, plain)
	if err != nil {
		return "", hashError(err)
	}
	return hash, nil
}

// setPassword stores a hash made by hashPassword.
func (s *Service) setPassword(tx *gorm.DB, userID, hash string) error {
	return tx.Model(&models.User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": s.now()}).Error
}

// verifyPassword checks the password a logged-in user gives to confirm an action. Each check
// is counted against recheckPerUser before hashing (given back on success); failures and
// lockouts are audited.
func (s *Service) verifyPassword(ctx context.Context, acct account, plain string) error {
	userID := acct.user.ID
	if first, err := s.spend(ctx, recheckPerUser, userID); err != nil {
		s.auditThrottled(ctx, first, userID, "password_recheck_throttled", "")
		return err
	}
	ok, err := s.checkPassword(ctx, acct, true, plain)
	if err != nil {
		return err
	}
	if !ok {
		s.auditNow(ctx, userID, "password_recheck_failed", "")
		return errWrongPassword()
	}
	_, err = s.refund(ctx, recheckPerUser, userID)
	return err
}
