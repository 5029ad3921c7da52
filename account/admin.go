package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateOrganization adds an organisation (operator command).
func (s *Service) CreateOrganization(ctx context.Context, name string) (models.Organization, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 200 {
		return models.Organization{}, invalid(CodeInvalidName, FieldName)
	}
	now := s.now()
	org := models.Organization{ID: models.NewID(), Name: name, CreatedAt: now, UpdatedAt: now}
	return org, s.tx(ctx, func(tx *gorm.DB) error { return tx.Create(&org).Error })
}

// CreateUserInput is an account made by an operator.
type CreateUserInput struct {
	Email    string
	Password string
	Verified bool
	OrgID    string // optional
	Role     string // with OrgID: member, site_admin or business_admin
}

// CreatedUser names what CreateUser made.
type CreatedUser struct {
	UserID  string `json:"user_id"`
	EmailID string `json:"email_id"`
	OrgID   string `json:"organization_id,omitempty"`
	Role    string `json:"role,omitempty"`
}

// CreateUser adds an account without mail (operator command). The password policy applies.
func (s *Service) CreateUser(ctx context.Context, in CreateUserInput) (CreatedUser, error) {
	addr, err := parseAddress(in.Email, FieldEmail)
	if err != nil {
		return CreatedUser{}, err
	}
	if err := weakPassword(in.Password, in.Email, FieldPassword); err != nil {
		return CreatedUser{}, err
	}
	if in.OrgID != "" {
		role, err := memberRole(in.Role)
		if err != nil {
			return CreatedUser{}, err
		}
		in.Role = role
	}
	hash, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return CreatedUser{}, err
	}
	var out CreatedUser
	err = s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		u := models.User{ID: models.NewID(), PasswordHash: &hash, Status: models.StatusActive, CreatedAt: now, UpdatedAt: now}
		if err := tx.Create(&u).Error; err != nil {
			return err
		}
		e := models.Email{ID: models.NewID(), UserID: u.ID, Address: addr.Typed, AddressKey: addr.Key, IsPrimary: true, CreatedAt: now, UpdatedAt: now}
		if in.Verified {
			e.VerifiedAt = &now
		}
		if err := tx.Create(&e).Error; err != nil {
			return err
		}
		out = CreatedUser{UserID: u.ID, EmailID: e.ID}
		if in.OrgID != "" {
			if err := addMember(tx, in.OrgID, u.ID, in.Role, now); err != nil {
				return err
			}
			out.OrgID, out.Role = in.OrgID, in.Role
		}
		return s.audit(tx, u.ID, "user_created_by_operator", "")
	})
	return out, err
}

// memberRole checks a role given by an operator ("" is member).
func memberRole(role string) (string, error) {
	switch role {
	case "":
		return models.RoleMember, nil
	case models.RoleMember, models.RoleSiteAdmin, models.RoleBusinessAdmin:
		return role, nil
	}
	return "", invalid(CodeInvalidRole, FieldRole)
}

// addMember makes userID a member of orgID with role, inside tx.
func addMember(tx *gorm.DB, orgID, userID, role string, now time.Time) error {
	var org models.Organization
	if err := tx.Take(&org, "id = ?", orgID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
		return &Error{Kind: KindNotFound, Code: CodeNotFound, Field: "org"}
	} else if err != nil {
		return err
	}
	// One statement decides, also between two operators at once: a second membership of the
	// same user is a conflict of its own (the unique violation would read as a taken address).
	res := tx.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.Membership{OrganizationID: org.ID, UserID: userID, Role: role, CreatedAt: now})
	if res.Error == nil && res.RowsAffected == 0 {
		return conflict(CodeAlreadyMember, "user")
	}
	return res.Error
}
