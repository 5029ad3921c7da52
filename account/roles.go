package account

import (
	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// mayManage decides whether actor may change target's account details (its address). A user
// may change their own. Otherwise the actor must be a site admin of an organisation the target
// belongs to, and the target must hold no admin role anywhere: admins are changed only by
// themselves (or an operator). Everything else is forbidden, including a target that does not
// exist, so the answer tells nothing about users the actor cannot manage.
func mayManage(db *gorm.DB, actorID, targetID string) error {
	if actorID == targetID {
		return nil
	}
	var targetAdmin int64
	if err := db.Model(&models.Membership{}).
		Where("user_id = ? AND role IN ?", targetID, []string{models.RoleSiteAdmin, models.RoleBusinessAdmin}).
		Count(&targetAdmin).Error; err != nil {
		return internal(err)
	}
	if targetAdmin > 0 {
		return errNotPermitted()
	}
	var shared int64
	if err := db.Table("memberships AS actor").
		Joins("JOIN memberships AS target ON target.organization_id = actor.organization_id").
		Where("actor.user_id = ? AND actor.role = ? AND target.user_id = ?", actorID, models.RoleSiteAdmin, targetID).
		Count(&shared).Error; err != nil {
		return internal(err)
	}
	if shared == 0 {
		return errNotPermitted()
	}
	return nil
}

func errNotPermitted() *Error {
	return forbidden(CodeNotPermitted)
}
