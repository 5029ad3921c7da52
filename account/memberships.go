package account

import (
	"context"
	"errors"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// LeaveOrganization removes the caller's own membership of orgID. A caller who is not a member
// gets not_found; the last business_admin of an organisation cannot leave it (last_admin).
//
// The count of admins and the delete happen in one transaction that first writes the
// organisation's row: PostgreSQL then holds that row's lock until commit and SQLite holds the
// database's write lock, so two admins leaving at once are decided one after the other and the
// second sees the first one gone.
func (s *Service) LeaveOrganization(ctx context.Context, p Principal, orgID string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		now := s.now()
		if err := tx.Model(&models.Organization{}).Where("id = ?", orgID).Update("updated_at", now).Error; err != nil {
			return err
		}
		var m models.Membership
		err := tx.Where("organization_id = ? AND user_id = ?", orgID, p.UserID).Take(&m).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return &Error{Kind: KindNotFound, Code: CodeNotFound, Field: FieldOrganization}
		}
		if err != nil {
			return err
		}
		if m.Role == models.RoleBusinessAdmin {
			var admins int64
			if err := tx.Model(&models.Membership{}).Where("organization_id = ? AND role = ?", orgID, models.RoleBusinessAdmin).
				Count(&admins).Error; err != nil {
				return err
			}
			if admins <= 1 {
				return conflict(CodeLastAdmin, FieldOrganization)
			}
		}
		if err := tx.Where("organization_id = ? AND user_id = ?", orgID, p.UserID).Delete(&models.Membership{}).Error; err != nil {
			return err
		}
		return s.audit(tx, p.UserID, "organization_left", auditDetail(map[string]string{"organization_id": orgID}))
	})
}
