package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Authentication attempts and the account freeze. Failed logins of an address are counted in
// one fixed-window counter in the database (rate_limits, keyed by an HMAC of the address,
// registered or not): the password grant counts each attempt BEFORE the password is hashed and
// gives a success back, and integrations that check passwords elsewhere report their results
// (RecordAuthenticationAttempt). At FreezeMax failures in the window the address is frozen
// until the window ends: the owner is told when to come back, an attacker gets no more guesses.
const (
	FreezeWindow = 30 * time.Minute
	FreezeMax    = 10
)

// CodeAccountFrozen: too many failed logins of this address; RetryAfter says for how long.
const CodeAccountFrozen = "account_frozen"

// AttemptStatus is the freeze state of an address.
type AttemptStatus struct {
	Frozen         bool
	FailedAttempts int
	RetryAfter     time.Duration // while frozen
}

func (s *Service) freezeKey(email string) string {
	return s.keys.limitKey("auth-fail", mustKey(strings.TrimSpace(email))) // one counter however the address is written
}

// attemptStatus reads the counter of email without counting.
func (s *Service) attemptStatus(db *gorm.DB, email string) (AttemptStatus, error) {
	var rl models.RateLimit
	err := db.Take(&rl, "key = ?", s.freezeKey(email)).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return AttemptStatus{}, nil
	}
	if err != nil {
		return AttemptStatus{}, err
	}
	now := s.now()
	start := now.Truncate(FreezeWindow)
	if !rl.WindowStart.Equal(start) {
		return AttemptStatus{}, nil
	}
	st := AttemptStatus{FailedAttempts: rl.Hits, Frozen: rl.Hits >= FreezeMax}
	if st.Frozen {
		st.RetryAfter = start.Add(FreezeWindow).Sub(now)
	}
	return st, nil
}

// AuthenticationAttempts reports the freeze state of the member of orgID with address.
func (s *Service) AuthenticationAttempts(ctx context.Context, orgID, email string) (AttemptStatus, error) {
	db := s.db.WithContext(ctx)
	if _, err := orgAccountByEmail(db, orgID, email); err != nil {
		return AttemptStatus{}, err
	}
	st, err := s.attemptStatus(db, email)
	if err != nil {
		return AttemptStatus{}, internal(err)
	}
	return st, nil
}

// RecordAuthenticationAttempt records a login made elsewhere for the member of orgID with
// address: a failure counts towards the freeze. It returns the state after the attempt.
func (s *Service) RecordAuthenticationAttempt(ctx context.Context, orgID, email string, successful bool) (AttemptStatus, error) {
	acct, err := orgAccountByEmail(s.db.WithContext(ctx), orgID, email)
	if err != nil {
		return AttemptStatus{}, err
	}
	var st AttemptStatus
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if !successful {
			if _, _, err := s.allow(tx, s.freezeKey(email), FreezeWindow, FreezeMax); err != nil {
				return err
			}
		}
		var err error
		if st, err = s.attemptStatus(tx, email); err != nil {
			return err
		}
		kind := "login_reported_failed"
		if successful {
			kind = "login_reported"
		}
		return s.audit(tx, acct.user.ID, kind, auditDetail(map[string]string{"organization_id": orgID}))
	})
	return st, err
}

// OrgLogin is a password login into an organisation through an API client.
type OrgLogin struct {
	OrganizationID string
	Email          string
	Password       string
	Client         Client
	Session        SessionSpec // ClientID is set from Client
}

// LoginToOrganization checks an address and password of a member of OrganizationID, through
// a client of that organisation, and opens a session. The attempt is counted before any
// password work, so parallel guesses cannot exceed FreezeMax; a success gives its count back.
// A wrong organisation, address or password, or a non-member, all get invalid_credentials
// after the same argon2id work.
func (s *Service) LoginToOrganization(ctx context.Context, in OrgLogin) (SessionTokens, error) {
	if !in.Client.HasScopes(in.Session.Scopes) {
		return SessionTokens{}, invalid(CodeInvalidScope, FieldScope)
	}
	key := s.freezeKey(in.Email)
	var frozen *Error
	if err := s.tx(ctx, func(tx *gorm.DB) error {
		ok, wait, err := s.allow(tx, key, FreezeWindow, FreezeMax)
		if err != nil || ok {
			return err
		}
		// Refused without a password check: not a failed login, so its count goes back (the
		// counter holds failures and attempts in flight only).
		frozen = &Error{Kind: KindRateLimited, Code: CodeAccountFrozen, RetryAfter: wait.Round(time.Second)}
		return s.giveBackAttempt(tx, key)
	}); err != nil {
		return SessionTokens{}, err
	}
	if frozen != nil {
		return SessionTokens{}, frozen
	}
	db := s.db.WithContext(ctx)
	acct, exists, err := findByEmail(db, in.Email)
	if err != nil {
		return SessionTokens{}, internal(err)
	}
	ok := false
	if !exists || acct.user.PasswordHash == nil {
		err = s.cfg.Hasher.VerifyAgainstDummyContext(ctx, in.Password)
	} else {
		ok, err = s.cfg.Hasher.VerifyContext(ctx, in.Password, *acct.user.PasswordHash)
	}
	if err != nil {
		return SessionTokens{}, hashError(err)
	}
	if ok && in.OrganizationID != in.Client.OrganizationID {
		ok = false
	}
	if ok {
		if ok, err = isMember(db, in.OrganizationID, acct.user.ID); err != nil {
			return SessionTokens{}, internal(err)
		}
	}
	if !ok {
		_ = s.tx(ctx, func(tx *gorm.DB) error { return s.audit(tx, "", "login_failed", "") })
		return SessionTokens{}, invalid(CodeInvalidCredentials, "")
	}
	if err := acct.usable(); err != nil {
		return SessionTokens{}, err
	}
	var rehash string
	if s.cfg.Hasher.NeedsRehash(*acct.user.PasswordHash) {
		if rehash, err = s.hashPassword(ctx, in.Password); err != nil {
			return SessionTokens{}, err
		}
	}
	spec := in.Session
	spec.ClientID = in.Client.ID
	var out SessionTokens
	err = s.tx(ctx, func(tx *gorm.DB) error {
		// A success is not a failed attempt: give its count back.
		if err := s.giveBackAttempt(tx, key); err != nil {
			return err
		}
		if rehash != "" {
			if err := tx.Model(&models.User{}).Where("id = ?", acct.user.ID).
				Updates(map[string]any{"password_hash": rehash, "updated_at": s.now()}).Error; err != nil {
				return err
			}
		}
		var err error
		out, err = s.startSession(tx, acct.user.ID, spec)
		return err
	})
	return out, err
}

// giveBackAttempt takes back one attempt counted by allow in the current freeze window.
func (s *Service) giveBackAttempt(tx *gorm.DB, key string) error {
	return tx.Model(&models.RateLimit{}).Where("key = ? AND window_start = ? AND hits > 0", key, s.now().Truncate(FreezeWindow)).
		Update("hits", gorm.Expr("hits - 1")).Error
}
