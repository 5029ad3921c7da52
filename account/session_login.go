package account

import (
	"context"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// What browser-style sessions need on top of the shared session primitive (sessions.go): a
// password login that opens a session, renewing the session's access token in place, and
// ending the user's other sessions.

// RenewSession replaces the access token p presented with a new one of lifetime lt.Access in
// the same session (the session's secret stays). The presented token stops working; of two
// racing renewals with one token, one wins and the other is unauthenticated.
func (s *Service) RenewSession(ctx context.Context, p SessionPrincipal, lt TokenLifetimes) (SessionTokens, error) {
	lt.Refresh = 0
	var out SessionTokens
	err := s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		// Session first, then its credentials: the lock order RefreshSession uses.
		if err := oneRow(tx.Model(&models.Session{}).Where("id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)",
			p.SessionID, now).Update("refreshed_at", now), errSessionGone()); err != nil {
			return err
		}
		if err := oneRow(tx.Model(&models.Credential{}).Where("id = ? AND revoked_at IS NULL", p.CredentialID).
			Update("revoked_at", now), errSessionGone()); err != nil {
			return err
		}
		var sess models.Session
		if err := tx.Take(&sess, "id = ?", p.SessionID).Error; err != nil {
			return err
		}
		var err error
		if out, err = s.mintSessionTokens(tx, sess, p.Scopes, lt, now); err != nil {
			return err
		}
		return s.audit(tx, p.UserID, "session_renewed", auditDetail(map[string]string{"session_id": p.SessionID}))
	})
	return out, err
}

func errSessionGone() *Error {
	return &Error{Kind: KindUnauthenticated, Code: CodeInvalidToken}
}

// PrimaryEmail returns the user's primary address, for answers that name the logged-in user.
func (s *Service) PrimaryEmail(ctx context.Context, userID string) (string, error) {
	acct, err := loadAccount(s.db.WithContext(ctx), userID)
	if err != nil {
		return "", internal(err)
	}
	return acct.primary.Address, nil
}

// AuthenticateSessionWithSecret resolves an access token as AuthenticateSession does and also
// requires the session's secret (a CSRF token), compared in constant time.
func (s *Service) AuthenticateSessionWithSecret(ctx context.Context, audience, accessToken, secret string) (SessionPrincipal, error) {
	p, err := s.AuthenticateSession(ctx, audience, accessToken)
	if err != nil {
		return p, err
	}
	if err := p.CheckSecret(secret); err != nil {
		return SessionPrincipal{}, err
	}
	return p, nil
}

// CheckSecret compares a presented session secret (a CSRF token) with the one of the session p
// was authenticated with, in constant time, without reading the session again. A session
// without a secret matches nothing.
func (p SessionPrincipal) CheckSecret(secret string) error {
	if secret == "" || len(p.secretHash) == 0 || !equalHashes(p.secretHash, tokenHash(secret)) {
		return &Error{Kind: KindUnauthenticated, Code: CodeInvalidSessionSecret}
	}
	return nil
}
