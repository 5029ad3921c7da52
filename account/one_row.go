package account

import "gorm.io/gorm"

// oneRow is the outcome of a conditional UPDATE that decides a race (consume a code, claim a
// session, count an attempt): the database's error, else otherwise when it did not hit exactly
// one row (the condition no longer held, or a parallel request won), else nil.
func oneRow(res *gorm.DB, otherwise error) error {
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected != 1 {
		return otherwise
	}
	return nil
}
