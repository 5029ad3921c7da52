package account

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// Payway's authentication attempts and account freeze. Failed logins of an address are counted
// in one counter in the database (loginFreeze, keyed by an HMAC of the address's key): the
// password grant counts each attempt that could have succeeded BEFORE the password is hashed
// and gives a success back (login.go), and integrations that check passwords elsewhere report
// their results (RecordAuthenticationAttempt). At FreezeMax failures in the window the address
// is frozen until the window ends, for every vendor's login: the owner is told when to come
// back, an attacker gets no more guesses.
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

// attemptStatus reads the freeze counter of the address whose key is key, without counting.
func (s *Service) attemptStatus(db *gorm.DB, key string) (AttemptStatus, error) {
	hits, rest, err := s.peek(db, loginFreeze, key)
	if err != nil {
		return AttemptStatus{}, err
	}
	st := AttemptStatus{FailedAttempts: hits, Frozen: hits >= loginFreeze.Max}
	if st.Frozen {
		st.RetryAfter = rest
	}
	return st, nil
}

// AuthenticationAttempts reports the freeze state of the member of orgID with address.
func (s *Service) AuthenticationAttempts(ctx context.Context, orgID, email string) (AttemptStatus, error) {
	db := s.db.WithContext(ctx)
	_, addr, err := orgAccountByEmail(db, orgID, email)
	if err != nil {
		return AttemptStatus{}, err
	}
	st, err := s.attemptStatus(db, addr.Key)
	if err != nil {
		return AttemptStatus{}, internal(err)
	}
	return st, nil
}

// RecordAuthenticationAttempt records a login made elsewhere for the member of the client's
// organisation with address: a failure counts towards the freeze, unless it is the report of
// a password grant failure that already counted. A grant failure is matched with a report by
// the same API client for the same address (by key) within unreportedGrantFailure's window
// after it (2 minutes); each grant failure matches one report. So an integration that makes
// the grant and then reports its outcome, as Payway's login plugins do, counts each failure
// once, and so does one that only reports. It returns the state after the attempt.
func (s *Service) RecordAuthenticationAttempt(ctx context.Context, c Client, email string, successful bool) (AttemptStatus, error) {
	acct, addr, err := orgAccountByEmail(s.db.WithContext(ctx), c.OrganizationID, email)
	if err != nil {
		return AttemptStatus{}, err
	}
	counted := false
	if !successful {
		matched, err := s.refund(ctx, unreportedGrantFailure, c.ID+"|"+addr.Key)
		if err != nil {
			return AttemptStatus{}, err
		}
		counted = !matched
	}
	var st AttemptStatus
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if counted {
			if _, _, err := s.hit(tx, loginFreeze, addr.Key); err != nil {
				return err
			}
		}
		var err error
		if st, err = s.attemptStatus(tx, addr.Key); err != nil {
			return err
		}
		kind := "login_reported_failed"
		if successful {
			kind = "login_reported"
		}
		return s.audit(tx, acct.user.ID, kind, auditDetail(map[string]string{"organization_id": c.OrganizationID}))
	})
	return st, err
}
