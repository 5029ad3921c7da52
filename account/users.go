package account

import (
	"context"
	"errors"
	"sync"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// account is a user with the primary address, loaded together because nearly every flow needs both.
type account struct {
	user    models.User
	primary models.Email
}

// findByEmail loads the user owning the address whose key is key (any of its addresses).
// ok is false when nobody owns it.
func findByEmail(db *gorm.DB, key string) (acct account, ok bool, err error) {
	var row memberRow
	read := ownerRead(key, "")
	if ok, err = rawRow(db, &row, read.SQL, read.Vars...); !ok {
		return acct, false, err
	}
	return account{user: row.User, primary: row.Primary}, true, nil
}

// ownerSQL is ownerRead's statement, without and with the membership column: built once,
// as GORM's query builder would otherwise render it again on every request.
var ownerSQL = sync.OnceValue(func() [2]string {
	return [2]string{"SELECT " + ownerSelect("?", "false") + " LIMIT 1", "SELECT " + ownerSelect("?", memberColumnOf("?")) + " LIMIT 1"}
})

// ownerSelect is ownerRead's query between its SELECT and its LIMIT, for the address key keyExpr, with member
// (an SQL boolean) as its membership column. The mail budget's statement reads the owner of
// each of its asks with it (budgetSQL).
func ownerSelect(keyExpr, member string) string {
	return accountColumns() + ", " + member + " AS member FROM users LEFT JOIN" + primaryJoin +
		" JOIN emails AS owned ON owned.user_id = users.id AND owned.address_key = " + keyExpr
}

// ownerRead selects, under memberRow's columns, the user owning the address whose key is key
// (any of its addresses) with its primary address, and when orgID is given whether that user
// is a member of orgID (Member). One round trip (LEFT JOIN: a deleted account keeps no
// primary) where it took three (address, user, primary), four with the membership.
func ownerRead(key, orgID string) *clause.Expr {
	if orgID == "" {
		return &clause.Expr{SQL: ownerSQL()[0], Vars: []any{key}}
	}
	return &clause.Expr{SQL: ownerSQL()[1], Vars: []any{orgID, key}}
}

// loadAccount loads a user and its primary address. A deleted user has no address; primary is
// then the zero value.
func loadAccount(db *gorm.DB, userID string) (account, error) {
	// One round trip (the user LEFT JOIN its primary address) where it took two: most flows
	// start here. A deleted account has no primary address; its columns then read as zero.
	acct, _, err := loadAccountAndAddress(db, userID, "")
	return acct, err
}

// loadAccountAndAddress is loadAccount that also returns, in the same query, the user who has
// the address whose key is addressKey ("": not asked, or nobody), as orgMemberAndAddress.
func loadAccountAndAddress(db *gorm.DB, userID, addressKey string) (account, string, error) {
	var row memberRow
	extra, args := "", []any(nil)
	if addressKey != "" {
		extra, args = ", "+ownerColumn, []any{addressKey}
	}
	err := accountQuery(db, "LEFT JOIN", extra, args...).Where("users.id = ?", userID).Take(&row).Error
	return account{user: row.User, primary: row.Primary}, row.NewOwner, err
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

// addressOwner returns the id of the user who owns the address whose key is key ("" for nobody).
func addressOwner(db *gorm.DB, key string) (string, error) {
	var owners []string
	err := db.Model(&models.Email{}).Where("address_key = ?", key).Limit(1).Pluck("user_id", &owners).Error
	if err != nil || len(owners) == 0 {
		return "", err
	}
	return owners[0], nil
}

// claimable refuses an address somebody owns now (the key of a stored or parsed address). It
// gives the common case a clean answer; the unique index on addresses decides the race between
// two claims committing at once (s.tx turns the violation into email_taken).
func claimable(tx *gorm.DB, key string) error {
	if owner, err := addressOwner(tx, key); err != nil {
		return err
	} else if owner != "" {
		return errEmailTaken()
	}
	return nil
}

// rekeyRun names RekeyAddresses's pass in maintenance_runs. A change to AddressKey's
// normalisation needs a new name, so that the next start recomputes the keys again.
const rekeyRun = "address_keys_v1"

// rekeyBatch is how many addresses RekeyAddresses reads at a time (a variable so that tests
// can make batches small).
var rekeyBatch = 1000

// RekeyAddresses recomputes every stored AddressKey (migration 00002 could only use SQL's
// lower()). Run at start, once: a finished pass is recorded in maintenance_runs and later starts
// skip it (every address written since carries the real key already). It reads the addresses
// in batches, so memory stays bounded however many there are, and writes only rows whose key
// differs. A row whose new key another user already holds keeps its old key and is reported in
// the log; the pass is then not recorded, so the next start reports it again until an operator
// has resolved it. Replicas starting together may both run it: it is idempotent.
func (s *Service) RekeyAddresses(ctx context.Context) error {
	db := s.db.WithContext(ctx)
	var done int64
	if err := db.Model(&models.MaintenanceRun{}).Where("name = ?", rekeyRun).Count(&done).Error; err != nil {
		return err
	}
	if done > 0 {
		return nil
	}
	conflicts := 0
	for after := ""; ; {
		var rows []models.Email
		if err := db.Select("id", "address", "address_key").Where("id > ?", after).Order("id").Limit(rekeyBatch).
			Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			key, ok := addressKey(r.Address)
			if !ok || key == r.AddressKey {
				continue
			}
			err := db.Model(&models.Email{}).Where("id = ?", r.ID).Update("address_key", key).Error
			if errors.Is(err, gorm.ErrDuplicatedKey) {
				s.cfg.Logger.Warn("two accounts hold one normalised address; left as it was", "email_id", r.ID)
				conflicts++
				continue
			}
			if err != nil {
				return err
			}
		}
		if len(rows) < rekeyBatch {
			break
		}
		after = rows[len(rows)-1].ID
	}
	if conflicts > 0 {
		return nil
	}
	return db.Clauses(clause.OnConflict{DoNothing: true}).
		Create(&models.MaintenanceRun{Name: rekeyRun, DoneAt: s.now()}).Error
}
