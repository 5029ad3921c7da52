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
	// Client identifies the caller for the failed-login limits (an IP address).
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
func (s *Service) Register(ctx context.Context, in RegisterInput) (RegisterResult, error) {
	if err := checkEmail(in.Email, FieldEmail); err != nil {
		return RegisterResult{}, err
	}
	if !in.TOSAccepted {
		return RegisterResult{}, invalid(CodeTOSRequired, FieldTOS)
	}
	acct, exists, err := findByEmail(s.db.WithContext(ctx), in.Email)
	if err != nil {
		return RegisterResult{}, internal(err)
	}
	if in.NoCredential && !in.LoginExisting {
		// The password is checked first, so a taken address is told only to a request that
		// would otherwise have created an account.
		if err := weakPassword(in.Password, in.Email, FieldPassword); err != nil {
			return RegisterResult{}, err
		}
	}
	if exists && !in.LoginExisting {
		return RegisterResult{}, errEmailTaken()
	}
	if exists {
		sess, err := s.login(ctx, acct, true, in.Email, in.Password, in.Client, in.Credential)
		if err != nil {
			if e := AsError(err); e.Code == CodeInvalidCredentials {
				return RegisterResult{}, errEmailTaken()
			}
			return RegisterResult{}, err
		}
		return RegisterResult{Session: sess, ExistingUser: true}, nil
	}
	if err := weakPassword(in.Password, in.Email, FieldPassword); err != nil {
		return RegisterResult{}, err
	}
	hash, err := s.cfg.Hasher.Hash(in.Password)
	if err != nil {
		return RegisterResult{}, internal(err)
	}
	var res RegisterResult
	err = s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		u := models.User{ID: models.NewID(), PasswordHash: &hash, Status: models.StatusActive, TOSAcceptedAt: &now,
			MarketingEmailAccepted: in.MarketingEmailAccepted, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		e := models.Email{ID: models.NewID(), UserID: u.ID, Address: in.Email, IsPrimary: true, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&e).Error; err != nil {
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

// Login checks an address and password and returns a new credential. A wrong address and a
// wrong password give the same error after the same argon2id work; failures count towards the
// failed-login limits of the address (see loginLimits). client identifies the caller (an IP).
func (s *Service) Login(ctx context.Context, email, plain, client string, spec CredentialSpec) (Session, error) {
	acct, exists, err := findByEmail(s.db.WithContext(ctx), email)
	if err != nil {
		return Session{}, internal(err)
	}
	return s.login(ctx, acct, exists, email, plain, client, spec)
}

func (s *Service) login(ctx context.Context, acct account, exists bool, email, plain, client string, spec CredentialSpec) (Session, error) {
	var sess Session
	err := s.loginWith(ctx, acct, exists, email, plain, client, func(tx *gorm.DB) (err error) {
		sess, err = s.issueCredential(tx, acct.user.ID, spec)
		return err
	})
	return sess, err
}

// loginWith checks a login and, in the login's transaction, calls mint to hand out the
// vendor's credential (a token, a session).
func (s *Service) loginWith(ctx context.Context, acct account, exists bool, email, plain, client string, mint func(tx *gorm.DB) error) error {
	if err := s.checkLoginLimits(ctx, email, client); err != nil {
		return err
	}
	var ok bool
	var err error
	if !exists || acct.user.PasswordHash == nil {
		s.cfg.Hasher.VerifyAgainstDummy(plain)
	} else if ok, err = s.cfg.Hasher.Verify(plain, *acct.user.PasswordHash); err != nil {
		return internal(err)
	}
	if !ok {
		if err := s.loginFailed(ctx, email, client); err != nil {
			return err
		}
		return invalid(CodeInvalidCredentials, "")
	}
	if err := acct.usable(); err != nil {
		return err
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if s.cfg.Hasher.NeedsRehash(*acct.user.PasswordHash) {
			if err := s.setPassword(tx, acct.user.ID, plain); err != nil {
				return err
			}
		}
		if err := mint(tx); err != nil {
			return err
		}
		return s.audit(tx, acct.user.ID, "login", "")
	})
}

// setPassword stores a new hash for a password the caller has already checked against policy.
func (s *Service) setPassword(tx *gorm.DB, userID, plain string) error {
	hash, err := s.cfg.Hasher.Hash(plain)
	if err != nil {
		return err
	}
	return tx.Model(&models.User{}).Where("id = ?", userID).
		Updates(map[string]any{"password_hash": hash, "updated_at": s.now()}).Error
}

// verifyPassword checks the password a logged-in user gives to confirm an action.
func (s *Service) verifyPassword(acct account, plain string) error {
	if acct.user.PasswordHash == nil {
		s.cfg.Hasher.VerifyAgainstDummy(plain)
		return errWrongPassword()
	}
	ok, err := s.cfg.Hasher.Verify(plain, *acct.user.PasswordHash)
	if err != nil {
		return internal(err)
	}
	if !ok {
		return errWrongPassword()
	}
	return nil
}
