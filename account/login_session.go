package account

import (
	"context"

	"gorm.io/gorm"
)

// SessionLogin is a login that opened a session.
type SessionLogin struct {
	SessionTokens
	Email         string // the primary address
	EmailVerified bool
}

// LoginSession checks an address and password exactly as Login does (same limits, same work
// for unknown addresses) and opens a session of spec instead of issuing a single credential.
func (s *Service) LoginSession(ctx context.Context, email, plain, client string, spec SessionSpec) (SessionLogin, error) {
	acct, exists, err := findByEmail(s.db.WithContext(ctx), email)
	if err != nil {
		return SessionLogin{}, internal(err)
	}
	out := SessionLogin{Email: acct.primary.Address, EmailVerified: acct.primary.VerifiedAt != nil}
	err = s.loginWith(ctx, acct, exists, email, plain, client, func(tx *gorm.DB) (err error) {
		out.SessionTokens, err = s.startSession(tx, acct.user.ID, spec)
		return err
	})
	return out, err
}
