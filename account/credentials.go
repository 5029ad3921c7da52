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
	if spec.TTL > 0 {
		exp := now.Add(spec.TTL)
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
		ExpiresAt                        *time.Time
	}
	q := s.db.WithContext(ctx).Table("credentials").
		Select("credentials.id, credentials.user_id, credentials.kind, credentials.scopes, credentials.expires_at, users.status").
		Joins("JOIN users ON users.id = credentials.user_id").
		Where("credentials.token_hash = ? AND credentials.revoked_at IS NULL", tokenHash(token))
	if len(kinds) > 0 {
		q = q.Where("credentials.kind IN ?", kinds)
	}
	err := q.Take(&c).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && c.ExpiresAt != nil && !c.ExpiresAt.After(s.now())) {
		return Principal{}, &Error{Kind: KindUnauthenticated, Code: CodeInvalidToken}
	}
	if err != nil {
		return Principal{}, internal(err)
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
