package account

import (
	"errors"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// account is a user with the primary address, loaded together because nearly every flow needs both.
type account struct {
	user    models.User
	primary models.Email
}

// findByEmail loads the user owning address (any of its addresses, case-insensitively).
// ok is false when nobody owns it.
func findByEmail(db *gorm.DB, address string) (acct account, ok bool, err error) {
	var e models.Email
	err = db.Where("lower(address) = lower(?)", address).Take(&e).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return acct, false, nil
	}
	if err != nil {
		return acct, false, err
	}
	acct, err = loadAccount(db, e.UserID)
	return acct, err == nil, err
}

// loadAccount loads a user and its primary address. A deleted user has no address; primary is
// then the zero value.
func loadAccount(db *gorm.DB, userID string) (account, error) {
	var acct account
	if err := db.Take(&acct.user, "id = ?", userID).Error; err != nil {
		return acct, err
	}
	err := db.Where("user_id = ? AND is_primary = ?", userID, true).Take(&acct.primary).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		err = nil
	}
	return acct, err
}

// usable refuses accounts that may not act.
func (a account) usable() error {
	switch a.user.Status {
	case models.StatusDeleted:
		return forbidden(CodeAccountDeleted)
	case models.StatusSuspended:
		return forbidden(CodeAccountSuspended)
	}
	return nil
}

// emailInUse tells whether any account owns address.
func emailInUse(db *gorm.DB, address string) (bool, error) {
	var n int64
	err := db.Model(&models.Email{}).Where("lower(address) = lower(?)", address).Count(&n).Error
	return n > 0, err
}
