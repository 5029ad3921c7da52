package account

import (
	"context"
	"errors"
	"strings"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
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
		if in.Role == "" {
			in.Role = models.RoleMember
		}
		switch in.Role {
		case models.RoleMember, models.RoleSiteAdmin, models.RoleBusinessAdmin:
		default:
			return CreatedUser{}, invalid(CodeInvalidRole, FieldRole)
		}
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
			var org models.Organization
			if err := tx.Take(&org, "id = ?", in.OrgID).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				return &Error{Kind: KindNotFound, Code: CodeNotFound, Field: "org"}
			} else if err != nil {
				return err
			}
			if err := tx.Create(&models.Membership{OrganizationID: org.ID, UserID: u.ID, Role: in.Role, CreatedAt: now}).Error; err != nil {
				return err
			}
			out.OrgID, out.Role = org.ID, in.Role
		}
		return s.audit(tx, u.ID, "user_created_by_operator", "")
	})
	return out, err
}
