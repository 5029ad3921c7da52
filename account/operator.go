package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// What the operator commands (`accountd users|orgs|clients|sessions ...`) read and change.
// Nothing here returns a secret or a hash.

// UserRow is a user as listed: the primary address, its state.
type UserRow struct {
	ID        string    `json:"user_id"`
	Email     string    `json:"email"`
	Verified  bool      `json:"verified"`
	Status    string    `json:"status"`
	CreatedAt time.Time `json:"created_at"`
}

// ListUsers returns up to limit users, newest first, with their primary addresses.
func (s *Service) ListUsers(ctx context.Context, limit int) ([]UserRow, error) {
	var rows []struct {
		ID, Status, Address string
		VerifiedAt          *time.Time
		CreatedAt           time.Time
	}
	err := s.db.WithContext(ctx).Table("users").
		Select("users.id, users.status, users.created_at, emails.address, emails.verified_at").
		Joins("LEFT JOIN emails ON emails.user_id = users.id AND emails.is_primary").
		Order("users.created_at DESC, users.id DESC").Limit(limit).Scan(&rows).Error
	out := make([]UserRow, len(rows))
	for i, r := range rows {
		out[i] = UserRow{ID: r.ID, Email: r.Address, Verified: r.VerifiedAt != nil, Status: r.Status, CreatedAt: r.CreatedAt}
	}
	return out, err
}

// UserDetail is one user with its addresses, memberships and live logins.
type UserDetail struct {
	UserRow
	Addresses   []AddressRow    `json:"addresses"`
	Memberships []MembershipRow `json:"memberships"`
	// LiveSessions and LiveCredentials count the sessions and tokens that still work.
	LiveSessions    int64 `json:"live_sessions"`
	LiveCredentials int64 `json:"live_credentials"`
}

// AddressRow is one address of a user.
type AddressRow struct {
	Address  string `json:"address"`
	Primary  bool   `json:"primary"`
	Verified bool   `json:"verified"`
}

// MembershipRow is one organisation of a user.
type MembershipRow struct {
	OrganizationID string `json:"organization_id"`
	Name           string `json:"name"`
	Role           string `json:"role"`
}

// FindUser resolves an operator's reference to a user: its id, or any of its addresses
// (however written). Unknown: KindNotFound.
func (s *Service) FindUser(ctx context.Context, ref string) (string, error) {
	db := s.db.WithContext(ctx)
	if addr, err := parseAddress(ref, ""); err == nil && strings.Contains(ref, "@") {
		var e models.Email
		if err := db.Take(&e, "address_key = ?", addr.Key).Error; err != nil {
			return "", notFoundOr(err)
		}
		return e.UserID, nil
	}
	var u models.User
	if err := db.Take(&u, "id = ?", ref).Error; err != nil {
		return "", notFoundOr(err)
	}
	return u.ID, nil
}

// ShowUser returns the user with id.
func (s *Service) ShowUser(ctx context.Context, id string) (UserDetail, error) {
	db := s.db.WithContext(ctx)
	var u models.User
	if err := db.Take(&u, "id = ?", id).Error; err != nil {
		return UserDetail{}, notFoundOr(err)
	}
	d := UserDetail{UserRow: UserRow{ID: u.ID, Status: u.Status, CreatedAt: u.CreatedAt},
		Addresses: []AddressRow{}, Memberships: []MembershipRow{}}
	var emails []models.Email
	if err := db.Where("user_id = ?", id).Order("is_primary DESC, created_at").Find(&emails).Error; err != nil {
		return d, err
	}
	for _, e := range emails {
		d.Addresses = append(d.Addresses, AddressRow{Address: e.Address, Primary: e.IsPrimary, Verified: e.VerifiedAt != nil})
		if e.IsPrimary {
			d.Email, d.Verified = e.Address, e.VerifiedAt != nil
		}
	}
	if err := db.Table("memberships").Select("memberships.organization_id, organizations.name, memberships.role").
		Joins("JOIN organizations ON organizations.id = memberships.organization_id").
		Where("memberships.user_id = ?", id).Order("organizations.name").Scan(&d.Memberships).Error; err != nil {
		return d, err
	}
	now := s.now()
	if err := db.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", id).Count(&d.LiveSessions).Error; err != nil {
		return d, err
	}
	err := db.Model(&models.Credential{}).Where("user_id = ? AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?)", id, now).
		Count(&d.LiveCredentials).Error
	return d, err
}

// DisableUser suspends the account (it can no longer log in or use a token: the vendors answer
// as for a suspended account) and ends every login of it.
func (s *Service) DisableUser(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.User{}).Where("id = ? AND status = ?", id, models.StatusActive).
			Updates(map[string]any{"status": models.StatusSuspended, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var u models.User
			if err := tx.Take(&u, "id = ?", id).Error; err != nil {
				return notFoundOr(err)
			}
		}
		if _, _, err := s.revokeAllLogins(tx, id); err != nil {
			return err
		}
		return s.audit(tx, id, "user_disabled", `{"by":"operator"}`)
	})
}

// RevokeAllLogins ends every session of the user and revokes every token it holds (API
// tokens included), and returns how many of each.
func (s *Service) RevokeAllLogins(ctx context.Context, id string) (sessions, credentials int64, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var u models.User
		if err := tx.Take(&u, "id = ?", id).Error; err != nil {
			return notFoundOr(err)
		}
		if sessions, credentials, err = s.revokeAllLogins(tx, id); err != nil {
			return err
		}
		return s.audit(tx, id, "token_revoked", `{"reason":"operator"}`)
	})
	return sessions, credentials, err
}

func (s *Service) revokeAllLogins(tx *gorm.DB, id string) (int64, int64, error) {
	now := s.now()
	sess := tx.Model(&models.Session{}).Where("user_id = ? AND revoked_at IS NULL", id).Update("revoked_at", now)
	if sess.Error != nil {
		return 0, 0, sess.Error
	}
	creds := tx.Model(&models.Credential{}).Where("user_id = ? AND revoked_at IS NULL", id).Update("revoked_at", now)
	return sess.RowsAffected, creds.RowsAffected, creds.Error
}

// OrgRow is an organisation as listed.
type OrgRow struct {
	ID        string    `json:"organization_id"`
	Name      string    `json:"name"`
	Members   int64     `json:"members"`
	CreatedAt time.Time `json:"created_at"`
}

// ListOrganizations returns every organisation with its member count, by name.
func (s *Service) ListOrganizations(ctx context.Context) ([]OrgRow, error) {
	out := []OrgRow{}
	err := s.db.WithContext(ctx).Table("organizations").
		Select("organizations.id, organizations.name, organizations.created_at, count(memberships.user_id) AS members").
		Joins("LEFT JOIN memberships ON memberships.organization_id = organizations.id").
		Group("organizations.id, organizations.name, organizations.created_at").Order("organizations.name, organizations.id").
		Scan(&out).Error
	return out, err
}

// ClientRow is an API client as listed (never its secret).
type ClientRow struct {
	ID             string     `json:"client_id"`
	OrganizationID string     `json:"organization_id"`
	Name           string     `json:"name"`
	Scopes         []string   `json:"scopes"`
	OwnMail        bool       `json:"own_mail"`
	CreatedAt      time.Time  `json:"created_at"`
	RevokedAt      *time.Time `json:"revoked_at,omitempty"`
}

// ListClients returns the API clients of orgID ("" for every organisation).
func (s *Service) ListClients(ctx context.Context, orgID string) ([]ClientRow, error) {
	q := s.db.WithContext(ctx).Order("created_at, id")
	if orgID != "" {
		q = q.Where("organization_id = ?", orgID)
	}
	var rows []models.APIClient
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]ClientRow, len(rows))
	for i, c := range rows {
		out[i] = ClientRow{ID: c.ID, OrganizationID: c.OrganizationID, Name: c.Name, Scopes: strings.Fields(c.Scopes),
			OwnMail: c.SendsOwnMail, CreatedAt: c.CreatedAt, RevokedAt: c.RevokedAt}
	}
	return out, nil
}

// RevokeClient revokes an API client and its application tokens: its secret no longer
// authenticates, and no new user token is issued through it.
func (s *Service) RevokeClient(ctx context.Context, id string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		res := tx.Model(&models.APIClient{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", now)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &Error{Kind: KindNotFound, Code: CodeNotFound}
		}
		return tx.Model(&models.ClientToken{}).Where("client_id = ? AND revoked_at IS NULL", id).Update("revoked_at", now).Error
	})
}

// notFoundOr turns "no row" into KindNotFound.
func notFoundOr(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return &Error{Kind: KindNotFound, Code: CodeNotFound}
	}
	return err
}

// DeleteUser deletes an account for an operator, as its owner would (addresses released,
// codes revoked, the password hash erased, a notice mailed), and ends every login of it.
func (s *Service) DeleteUser(ctx context.Context, id string) error {
	acct, err := loadAccount(s.db.WithContext(ctx), id)
	if err != nil {
		return notFoundOr(err)
	}
	return s.tx(ctx, func(tx *gorm.DB) error {
		if _, _, err := s.revokeAllLogins(tx, id); err != nil {
			return err
		}
		return s.deleteAccount(tx, acct, `{"by":"operator"}`)
	})
}

// AddMember makes a user a member of an organisation with role ("" is member).
func (s *Service) AddMember(ctx context.Context, orgID, userID, role string) (string, error) {
	role, err := memberRole(role)
	if err != nil {
		return "", err
	}
	return role, s.tx(ctx, func(tx *gorm.DB) error {
		if err := addMember(tx, orgID, userID, role, s.now()); err != nil {
			return err
		}
		return s.audit(tx, userID, "membership_added_by_operator", "")
	})
}

// RotateClientSecret gives a live API client a new secret (shown once, stored as an HMAC like
// the first): the old one stops working at once, and the client's application tokens are
// revoked with it.
func (s *Service) RotateClientSecret(ctx context.Context, id string) (string, error) {
	secret := randomToken(32)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&models.APIClient{}).Where("id = ? AND revoked_at IS NULL", id).Update("secret_hash", s.clientSecretHash(secret))
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return &Error{Kind: KindNotFound, Code: CodeNotFound}
		}
		if err := tx.Model(&models.ClientToken{}).Where("client_id = ? AND revoked_at IS NULL", id).Update("revoked_at", s.now()).Error; err != nil {
			return err
		}
		return s.audit(tx, "", "api_client_secret_rotated", auditDetail(map[string]string{"client_id": id}))
	})
	return secret, err
}
