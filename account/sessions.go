package account

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Sessions with rotating refresh tokens, shared by every vendor that logs users in (OAuth-style
// token pairs, login sessions, cookie sessions). A session is a token family: one row in
// sessions, and every access and refresh token minted for it points to that row, so
//   - refreshing consumes the refresh token with a conditional UPDATE (exactly one of several
//     racing refreshes wins) and mints a new pair in the same session;
//   - presenting a refresh token that was already used revokes the whole session: one of the
//     two presenters is not the rightful holder, and we cannot tell which (OAuth 2.0 Security
//     BCP, refresh token rotation);
//   - ending a session, or all sessions of a user (password reset), revokes every credential
//     in them.
// Access tokens are ordinary credentials rows, so Authenticate accepts them as well.

// Session-related reasons.
const (
	CodeInvalidRefreshToken  = "invalid_refresh_token"  // unknown, expired, revoked, or another client's
	CodeRefreshTokenReused   = "refresh_token_reused"   // an already used refresh token: the session is now revoked
	CodeInvalidScope         = "invalid_scope"          // a scope the session (or client) does not hold
	CodeInvalidSessionSecret = "invalid_session_secret" // the per-session secret (e.g. CSRF) does not match
)

// FieldScope names the requested scopes in an Error.
const FieldScope = "scope"

// DefaultAccessTTL is the lifetime of an access token when the vendor names none.
const DefaultAccessTTL = time.Hour

// TokenLifetimes are the lifetimes of the tokens minted at a start or refresh.
type TokenLifetimes struct {
	Access  time.Duration // default DefaultAccessTTL
	Refresh time.Duration // 0: no refresh token is handed out
}

// SessionSpec says what a new session hands out; the vendor decides.
type SessionSpec struct {
	// Audience names the API the session belongs to (each vendor package picks its own). An
	// access or refresh token is accepted only by the API of its session's audience, so a
	// token handed out by one API is never a credential for another.
	Audience string
	// ClientID is the API client the session is opened through ("" for none). A session of a
	// client can be refreshed only by that client.
	ClientID  string
	Scopes    []string
	Lifetimes TokenLifetimes
	// MaxAge bounds the whole session: no token outlives it. 0: refreshing keeps it alive.
	MaxAge time.Duration
	// WithSecret mints a per-session secret (a CSRF secret, say), returned once and kept as a
	// hash; CheckSessionSecret compares it.
	WithSecret bool
}

// RefreshSpec says what a refresh hands out.
type RefreshSpec struct {
	// Audience must be the session's audience (SessionSpec.Audience).
	Audience string
	// ClientID must be the session's client when the session has one.
	ClientID string
	// Scopes narrows the new access token; empty keeps the session's scopes. Asking for a
	// scope the session does not hold is invalid_scope.
	Scopes    []string
	Lifetimes TokenLifetimes
}

// SessionTokens are the secrets handed to the caller at a start or refresh. They exist only
// here and in the caller's response; the database keeps their hashes.
type SessionTokens struct {
	SessionID        string
	UserID           string
	ClientID         string
	Scopes           []string
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string     // "" when no refresh token was asked for
	RefreshExpiresAt *time.Time // nil with no refresh token
	Secret           string     // only at start, and only with SessionSpec.WithSecret
	// Email and EmailVerified are the primary address after a password login (LoginSession),
	// read with the account, so the answer that names the user needs no second read.
	Email         string
	EmailVerified bool
}

// SessionPrincipal is the caller behind a valid access token of a session.
type SessionPrincipal struct {
	Principal
	SessionID string
	ClientID  string // "" when the session has no client
	// Client is the session's API client, read in the same query as the token (nil when the
	// session has none, or when it has been revoked).
	Client    *Client
	ExpiresAt time.Time
	// secretHash is the session's secret (SessionSpec.WithSecret), read with the token, so
	// CheckSecret needs no second read of the session.
	secretHash []byte
}

// StartSession opens a session for a user who has just proved who they are.
func (s *Service) StartSession(ctx context.Context, userID string, spec SessionSpec) (SessionTokens, error) {
	var out SessionTokens
	err := s.tx(ctx, func(tx *gorm.DB) (err error) {
		out, err = s.startSession(tx, userID, spec)
		return err
	})
	return out, err
}

// startSession opens a session inside tx, for flows that log in as part of a larger change.
func (s *Service) startSession(tx *gorm.DB, userID string, spec SessionSpec) (SessionTokens, error) {
	now := s.now()
	sess := models.Session{ID: models.NewID(), UserID: userID, Audience: spec.Audience, Scopes: strings.Join(spec.Scopes, " "), CreatedAt: now}
	if spec.ClientID != "" {
		sess.ClientID = &spec.ClientID
	}
	if spec.MaxAge > 0 {
		exp := now.Add(spec.MaxAge)
		sess.ExpiresAt = &exp
	}
	var secret string
	if spec.WithSecret {
		secret = randomToken(32)
		sess.SecretHash = tokenHash(secret)
	}
	if err := tx.Create(&sess).Error; err != nil {
		return SessionTokens{}, err
	}
	out, err := s.mintSessionTokens(tx, sess, spec.Scopes, spec.Lifetimes, now)
	if err != nil {
		return SessionTokens{}, err
	}
	out.Secret = secret
	return out, s.audit(tx, userID, "session_started", auditDetail(map[string]string{"session_id": sess.ID}))
}

// mintSessionTokens creates an access token (and a refresh token when asked) in sess. No
// token outlives the session.
func (s *Service) mintSessionTokens(tx *gorm.DB, sess models.Session, scopes []string, lt TokenLifetimes, now time.Time) (SessionTokens, error) {
	if lt.Access <= 0 {
		lt.Access = DefaultAccessTTL
	}
	capped := func(d time.Duration) time.Time {
		exp := now.Add(d)
		if sess.ExpiresAt != nil && exp.After(*sess.ExpiresAt) {
			exp = *sess.ExpiresAt
		}
		return exp
	}
	out := SessionTokens{SessionID: sess.ID, UserID: sess.UserID, Scopes: scopes}
	if sess.ClientID != nil {
		out.ClientID = *sess.ClientID
	}
	create := func(kind string, exp time.Time) (string, error) {
		token := randomToken(32)
		c := models.SessionCredential{Credential: models.Credential{ID: models.NewID(), UserID: sess.UserID, Kind: kind,
			TokenHash: tokenHash(token), Scopes: strings.Join(scopes, " "), ExpiresAt: &exp, CreatedAt: now},
			SessionID: &sess.ID}
		return token, tx.Create(&c).Error
	}
	var err error
	out.AccessExpiresAt = capped(lt.Access)
	if out.AccessToken, err = create(models.CredentialAccessToken, out.AccessExpiresAt); err != nil {
		return SessionTokens{}, err
	}
	if lt.Refresh > 0 {
		exp := capped(lt.Refresh)
		out.RefreshExpiresAt = &exp
		if out.RefreshToken, err = create(models.CredentialRefreshToken, exp); err != nil {
			return SessionTokens{}, err
		}
	}
	return out, nil
}

// RefreshSession exchanges a refresh token for a new pair in the same session. The session
// row is locked first (one UPDATE), then the token is consumed with a conditional UPDATE, so
// of several racing refreshes exactly one wins; every other presentation of a used token
// revokes the session and everything in it, the winner's new pair included.
func (s *Service) RefreshSession(ctx context.Context, refreshToken string, spec RefreshSpec) (SessionTokens, error) {
	if refreshToken == "" {
		return SessionTokens{}, errInvalidRefreshToken()
	}
	db := s.db.WithContext(ctx)
	var cred models.SessionCredential
	err := db.Where("token_hash = ? AND kind = ? AND session_id IS NOT NULL",
		tokenHash(refreshToken), models.CredentialRefreshToken).Take(&cred).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return SessionTokens{}, errInvalidRefreshToken()
	}
	if err != nil {
		return SessionTokens{}, internal(err)
	}
	var sess models.Session
	if err := db.Take(&sess, "id = ?", *cred.SessionID).Error; err != nil {
		return SessionTokens{}, internal(err)
	}
	// Another API's or another client's token is refused without consuming or revoking
	// anything: presenting it proves nothing about the session's holder.
	if sess.Audience != spec.Audience || (sess.ClientID != nil && *sess.ClientID != spec.ClientID) {
		return SessionTokens{}, errInvalidRefreshToken()
	}
	if cred.RevokedAt != nil {
		if sess.RevokedAt == nil {
			if err := s.tx(ctx, func(tx *gorm.DB) error {
				return s.revokeSession(tx, sess, s.now(), "refresh_token_reused")
			}); err != nil {
				return SessionTokens{}, err
			}
		}
		return SessionTokens{}, errRefreshTokenReused()
	}
	now := s.now()
	if sess.RevokedAt != nil || (cred.ExpiresAt != nil && !cred.ExpiresAt.After(now)) ||
		(sess.ExpiresAt != nil && !sess.ExpiresAt.After(now)) {
		return SessionTokens{}, errInvalidRefreshToken()
	}
	held := strings.Fields(sess.Scopes)
	scopes := held
	if len(spec.Scopes) > 0 {
		for _, sc := range spec.Scopes {
			if !slices.Contains(held, sc) {
				return SessionTokens{}, invalid(CodeInvalidScope, FieldScope)
			}
		}
		scopes = spec.Scopes
	}
	if acct, err := loadAccount(db, sess.UserID); err != nil {
		return SessionTokens{}, internal(err)
	} else if err := acct.usable(); err != nil {
		return SessionTokens{}, err
	}
	var out SessionTokens
	reused := false
	err = s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		// Lock the family first: refreshes and revocations of one session queue here, always
		// in the same order (session, then its credentials), so they cannot deadlock.
		if err := oneRow(tx.Model(&models.Session{}).Where("id = ? AND revoked_at IS NULL", sess.ID).
			Update("refreshed_at", now), errInvalidRefreshToken()); err != nil {
			return err
		}
		res := tx.Model(&models.Credential{}).Where("id = ? AND revoked_at IS NULL", cred.ID).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			// Used by a racing refresh that committed first: this is reuse. Commit the revocation.
			reused = true
			return s.revokeSession(tx, sess, now, "refresh_token_reused")
		}
		var err error
		if out, err = s.mintSessionTokens(tx, sess, scopes, spec.Lifetimes, now); err != nil {
			return err
		}
		return s.audit(tx, sess.UserID, "session_refreshed", auditDetail(map[string]string{"session_id": sess.ID}))
	})
	if err != nil {
		return SessionTokens{}, err
	}
	if reused {
		return SessionTokens{}, errRefreshTokenReused()
	}
	return out, nil
}

// revokeSession revokes a session and every credential in it, inside tx.
func (s *Service) revokeSession(tx *gorm.DB, sess models.Session, now time.Time, reason string) error {
	if err := tx.Model(&models.Session{}).Where("id = ? AND revoked_at IS NULL", sess.ID).
		Update("revoked_at", now).Error; err != nil {
		return err
	}
	if err := revokeCredentials(tx, now, "session_id = ?", sess.ID); err != nil {
		return err
	}
	return s.audit(tx, sess.UserID, "session_revoked", auditDetail(map[string]string{"session_id": sess.ID, "reason": reason}))
}

// EndSession revokes a session and every credential in it (logout). Ending an ended or unknown
// session is not an error.
func (s *Service) EndSession(ctx context.Context, sessionID string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		var sess models.Session
		err := tx.Take(&sess, "id = ?", sessionID).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return s.revokeSession(tx, sess, s.now(), "ended")
	})
}

// RevokeUserSessions revokes every session of a user and the credentials in them (password
// reset, account compromise).
func (s *Service) RevokeUserSessions(ctx context.Context, userID string) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return s.revokeUserSessions(tx, s.now(), userID) })
}

// revokeUserSessions is RevokeUserSessions inside tx.
func (s *Service) revokeUserSessions(tx *gorm.DB, now time.Time, userID string) error {
	if err := tx.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now).Error; err != nil {
		return err
	}
	return revokeCredentials(tx, now, "user_id = ? AND session_id IS NOT NULL", userID)
}

// AuthenticateSession resolves an access token of a session of audience in one query. An
// unknown, revoked or expired token, or one of another audience's session, is
// KindUnauthenticated; a token of a deleted or suspended account is KindForbidden.
func (s *Service) AuthenticateSession(ctx context.Context, audience, accessToken string) (SessionPrincipal, error) {
	if accessToken == "" {
		return SessionPrincipal{}, &Error{Kind: KindUnauthenticated, Code: CodeNoCredentials}
	}
	var row struct {
		ID, UserID, Scopes, SessionID, Status string
		ClientID                              *string
		ExpiresAt                             *time.Time
		// The client, when the session has a live one: one round trip for a bearer request.
		LiveClientID, ClientOrg, ClientName, ClientScopes *string
		ClientOwnMail                                     *bool
		SecretHash                                        []byte
	}
	err := s.db.WithContext(ctx).Table("credentials").
		Select("credentials.id, credentials.user_id, credentials.scopes, credentials.expires_at, credentials.session_id, sessions.client_id, users.status, "+
			"api_clients.id AS live_client_id, api_clients.organization_id AS client_org, api_clients.name AS client_name, "+
			"api_clients.scopes AS client_scopes, api_clients.sends_own_mail AS client_own_mail, sessions.secret_hash").
		Joins("JOIN sessions ON sessions.id = credentials.session_id").
		Joins("JOIN users ON users.id = credentials.user_id").
		Joins("LEFT JOIN api_clients ON api_clients.id = sessions.client_id AND api_clients.revoked_at IS NULL").
		Where("credentials.token_hash = ? AND credentials.kind = ? AND credentials.revoked_at IS NULL AND sessions.revoked_at IS NULL AND sessions.audience = ?",
			tokenHash(accessToken), models.CredentialAccessToken, audience).
		Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && (row.ExpiresAt == nil || !row.ExpiresAt.After(s.now()))) {
		return SessionPrincipal{}, &Error{Kind: KindUnauthenticated, Code: CodeInvalidToken}
	}
	if err != nil {
		return SessionPrincipal{}, internal(err)
	}
	if err := (account{user: models.User{Status: row.Status}}).usable(); err != nil {
		return SessionPrincipal{}, err
	}
	p := SessionPrincipal{Principal: Principal{UserID: row.UserID, CredentialID: row.ID, Kind: models.CredentialAccessToken,
		Scopes: strings.Fields(row.Scopes)}, SessionID: row.SessionID, ExpiresAt: *row.ExpiresAt, secretHash: row.SecretHash}
	if row.ClientID != nil {
		p.ClientID = *row.ClientID
	}
	if row.LiveClientID != nil {
		p.Client = &Client{ID: *row.LiveClientID, OrganizationID: deref(row.ClientOrg), Name: deref(row.ClientName),
			Scopes: strings.Fields(deref(row.ClientScopes)), SendsOwnMail: row.ClientOwnMail != nil && *row.ClientOwnMail}
	}
	return p, nil
}

// CheckSessionSecret compares a presented per-session secret (SessionSpec.WithSecret) with the
// stored hash in constant time.
func (s *Service) CheckSessionSecret(ctx context.Context, sessionID, secret string) error {
	var sess models.Session
	err := s.db.WithContext(ctx).Take(&sess, "id = ? AND revoked_at IS NULL", sessionID).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return internal(err)
	}
	if err != nil || secret == "" || len(sess.SecretHash) == 0 || !equalHashes(sess.SecretHash, tokenHash(secret)) {
		return forbidden(CodeInvalidSessionSecret)
	}
	return nil
}

func errInvalidRefreshToken() *Error {
	return invalid(CodeInvalidRefreshToken, "")
}

func errRefreshTokenReused() *Error {
	return invalid(CodeRefreshTokenReused, "")
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
