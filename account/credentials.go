package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Principal is the caller behind a valid credential.
type Principal struct {
	UserID       string
	CredentialID string
	Kind         string
	Scopes       []string
}

// issueCredential creates a credential inside tx and returns the token, which exists only here
// and in the caller's response.
func (s *Service) issueCredential(tx *gorm.DB, userID string, spec CredentialSpec) (Session, error) {
	kind := spec.Kind
	if kind == "" {
		kind = models.CredentialAPIToken
	}
	// API tokens look like the vendors' (40 hex digits, 160 bits); others are 256-bit base64url.
	token := randomToken(32)
	if kind == models.CredentialAPIToken {
		token = randomHex(20)
	}
	now := s.now()
	c := models.Credential{ID: models.NewID(), UserID: userID, Kind: kind, TokenHash: tokenHash(token),
		Scopes: strings.Join(spec.Scopes, " "), CreatedAt: now}
	ttl := spec.TTL
	if ttl == 0 && kind == models.CredentialAPIToken {
		ttl = s.cfg.APITokenLifetime // 0: no absolute expiry, as Webshare's tokens
	}
	if ttl > 0 {
		exp := now.Add(ttl)
		c.ExpiresAt = &exp
	}
	if err := tx.Create(&c).Error; err != nil {
		return Session{}, err
	}
	return Session{UserID: userID, Token: token, ExpiresAt: c.ExpiresAt}, nil
}

// Authenticate resolves a presented token of one of kinds. An unknown, revoked or expired token
// is KindUnauthenticated; a token of a deleted or suspended account is KindForbidden, so the
// caller learns why (a vendor may answer 403 account_deleted).
func (s *Service) Authenticate(ctx context.Context, token string, kinds ...string) (Principal, error) {
	if token == "" {
		return Principal{}, &Error{Kind: KindUnauthenticated, Code: CodeNoCredentials}
	}
	// One query: the credential and its owner's status.
	var c struct {
		ID, UserID, Kind, Scopes, Status string
		ExpiresAt, LastUsedAt            *time.Time
		CreatedAt                        time.Time
	}
	q := s.db.WithContext(ctx).Table("credentials").
		Select("credentials.id, credentials.user_id, credentials.kind, credentials.scopes, credentials.expires_at, "+
			"credentials.last_used_at, credentials.created_at, users.status").
		Joins("JOIN users ON users.id = credentials.user_id").
		Where("credentials.token_hash = ? AND credentials.revoked_at IS NULL", tokenHash(token))
	if len(kinds) > 0 {
		q = q.Where("credentials.kind IN ?", kinds)
	}
	err := q.Take(&c).Error
	now := s.now()
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (c.ExpiresAt != nil && !c.ExpiresAt.After(now) || s.idle(c.Kind, c.LastUsedAt, c.CreatedAt, now))) {
		return Principal{}, &Error{Kind: KindUnauthenticated, Code: CodeInvalidToken}
	}
	if err != nil {
		return Principal{}, internal(err)
	}
	if err := s.touch(ctx, c.ID, c.LastUsedAt, now); err != nil {
		return Principal{}, err
	}
	if err := (account{user: models.User{Status: c.Status}}).usable(); err != nil {
		return Principal{}, err
	}
	var scopes []string
	if c.Scopes != "" {
		scopes = strings.Fields(c.Scopes)
	}
	return Principal{UserID: c.UserID, CredentialID: c.ID, Kind: c.Kind, Scopes: scopes}, nil
}

// idle tells whether an API token has gone unused longer than APITokenIdleTimeout.
// last_used_at may lag by up to LastUsedInterval, so the timeout is that much generous.
func (s *Service) idle(kind string, lastUsed *time.Time, created, now time.Time) bool {
	if kind != models.CredentialAPIToken || s.cfg.APITokenIdleTimeout <= 0 {
		return false
	}
	last := created
	if lastUsed != nil && lastUsed.After(last) {
		last = *lastUsed
	}
	return now.Sub(last) > s.cfg.APITokenIdleTimeout
}

// touch records that a credential was used, at most once per LastUsedInterval: the read above
// skips fresh stamps without a write, and the conditional UPDATE lets one of several parallel
// requests write a stale one.
func (s *Service) touch(ctx context.Context, id string, lastUsed *time.Time, now time.Time) error {
	stale := now.Add(-s.cfg.LastUsedInterval)
	if lastUsed != nil && lastUsed.After(stale) {
		return nil
	}
	err := s.db.WithContext(ctx).Model(&models.Credential{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at <= ?)", id, stale).
		Update("last_used_at", now).Error
	if err != nil {
		return internal(err)
	}
	return nil
}

// Logout revokes the credential the caller used.
func (s *Service) Logout(ctx context.Context, p Principal) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := revokeCredentials(tx, s.now(), "id = ?", p.CredentialID); err != nil {
			return err
		}
		return s.audit(tx, p.UserID, "token_revoked", `{"reason":"logout"}`)
	})
}

// revokeCredentials revokes the live credentials matching the condition.
func revokeCredentials(tx *gorm.DB, now time.Time, cond string, args ...any) error {
	return tx.Model(&models.Credential{}).Where("revoked_at IS NULL").Where(cond, args...).
		Update("revoked_at", now).Error
}
