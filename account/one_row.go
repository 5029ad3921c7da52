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

// rawRow runs a statement of at most one row and scans that row into dest; found says whether
// there was one. It is db.Raw(sql, vars...).Scan(dest) without what GORM's Scan does besides:
// it renders the statement with its values inlined for the logger, on every call, though
// ours discards it (the password reset's budget statement: a fifth of its allocations).
func rawRow(db *gorm.DB, dest any, sql string, vars ...any) (found bool, err error) {
	rows, err := db.Raw(sql, vars...).Rows()
	if err != nil {
		return false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return false, rows.Err()
	}
	if err := db.ScanRows(rows, dest); err != nil {
		return false, err
	}
	return true, rows.Close()
}
