package account

import (
	"context"
	"errors"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Reads and steps of "the current user" (self-service APIs that act on the caller only).

// FieldUserID names a user id given in a request.
const FieldUserID = "user_id"

// RequireSelf is the rule for a user id that a self-service request may carry: empty or the
// caller's own id acts on the caller; any other id is not_permitted, whether or not such an
// account exists (so the answer says nothing about other accounts) and whatever the caller's
// role: these operations never act on another account.
func RequireSelf(p Principal, userID string) error {
	if userID == "" || userID == p.UserID {
		return nil
	}
	return &Error{Kind: KindForbidden, Code: CodeNotPermitted, Field: FieldUserID}
}

// FirstOrganization returns the organisation the user joined first ("" when it is in none):
// the one an API without switching between organisations calls the user's active one.
func (s *Service) FirstOrganization(ctx context.Context, userID string) (string, error) {
	var m models.Membership
	err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("created_at, organization_id").Take(&m).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", nil
	}
	if err != nil {
		return "", internal(err)
	}
	return m.OrganizationID, nil
}

// EndOwnSession ends the session of audience that token (an access or a refresh token)
// belongs to, when that session is one of the caller's and is live. Anything else (an
// unknown, used or revoked token, another API's, another account's) is invalid_token and ends
// nothing: presenting someone else's token proves nothing about their session.
func (s *Service) EndOwnSession(ctx context.Context, p Principal, audience, token string) error {
	if token == "" {
		return errSessionToken()
	}
	var sess models.Session
	err := s.db.WithContext(ctx).Table("sessions").Select("sessions.*").
		Joins("JOIN credentials ON credentials.session_id = sessions.id").
		Where("credentials.token_hash = ? AND credentials.kind IN ? AND credentials.revoked_at IS NULL AND sessions.revoked_at IS NULL AND sessions.audience = ? AND sessions.user_id = ?",
			tokenHash(token), []string{models.CredentialAccessToken, models.CredentialRefreshToken}, audience, p.UserID).
		Take(&sess).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return errSessionToken()
	}
	if err != nil {
		return internal(err)
	}
	if sess.ExpiresAt != nil && !sess.ExpiresAt.After(s.now()) {
		return errSessionToken()
	}
	return s.tx(ctx, func(tx *gorm.DB) error { return s.revokeSession(tx, sess, s.now(), "ended") })
}

// FieldToken names a token given in a request body (not the caller's credential).
const FieldToken = "token"

func errSessionToken() *Error {
	return &Error{Kind: KindUnauthenticated, Code: CodeInvalidToken, Field: FieldToken}
}
