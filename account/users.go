package account

import (
	"context"
	"errors"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// account is a user with the primary address, loaded together because nearly every flow needs both.
type account struct {
	user    models.User
	primary models.Email
}

// findByEmail loads the user owning address (any of its addresses, compared by AddressKey).
// ok is false when nobody owns it.
func findByEmail(db *gorm.DB, address string) (acct account, ok bool, err error) {
	var e models.Email
	err = db.Where("address_key = ?", mustKey(address)).Take(&e).Error
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
	err := db.Model(&models.Email{}).Where("address_key = ?", mustKey(address)).Count(&n).Error
	return n > 0, err
}

// RekeyAddresses recomputes every stored AddressKey (migration 00002 could only use SQL's
// lower()). Run at start; it writes only rows whose key differs, so it is cheap once done. A
// row whose new key another user already holds keeps its old key and is reported in the log.
func (s *Service) RekeyAddresses(ctx context.Context) error {
	var rows []models.Email
	if err := s.db.WithContext(ctx).Select("id", "address", "address_key").Find(&rows).Error; err != nil {
		return err
	}
	for _, r := range rows {
		key, ok := addressKey(r.Address)
		if !ok || key == r.AddressKey {
			continue
		}
		err := s.db.WithContext(ctx).Model(&models.Email{}).Where("id = ?", r.ID).Update("address_key", key).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			s.cfg.Logger.Warn("two accounts hold one normalised address; left as it was", "email_id", r.ID)
			continue
		}
		if err != nil {
			return err
		}
	}
	return nil
}
