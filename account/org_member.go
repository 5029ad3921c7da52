package account

import (
	"errors"
	"strings"
	"sync"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// memberRow is a user, its primary address and whether it belongs to an organisation, read
// in one query (orgMember).
type memberRow struct {
	models.User `gorm:"embedded"`
	Primary     models.Email `gorm:"embedded;embeddedPrefix:primary_"`
	Member      bool
	NewOwner    string // the user who has the address asked about ("": nobody, or not asked)
}

// ownerColumn selects, under memberRow.NewOwner, the user who has the address whose key is its
// placeholder's argument: an email change reads it with the account, in the same round trip.
const ownerColumn = "COALESCE((SELECT other.user_id FROM emails AS other WHERE other.address_key = ? LIMIT 1), '') AS new_owner"

// memberColumn selects, under memberRow.Member, whether the user is a member of the
// organisation that is its placeholder's argument.
var memberColumn = memberColumnOf("?") + " AS member"

// memberColumnOf is whether the user is a member of the organisation whose id is orgExpr.
func memberColumnOf(orgExpr string) string {
	return "EXISTS (SELECT 1 FROM memberships WHERE memberships.organization_id = " + orgExpr + " AND memberships.user_id = users.id)"
}

var (
	primaryColumnsOnce sync.Once
	primaryColumns     string
)

// primaryEmailColumns selects every column of emails under memberRow's primary_ prefix, read
// from the model so that a new column needs no change here.
func primaryEmailColumns() string {
	primaryColumnsOnce.Do(func() {
		s, err := schema.Parse(&models.Email{}, &sync.Map{}, schema.NamingStrategy{})
		if err != nil {
			panic(err) // a model that does not parse is a programming error
		}
		cols := make([]string, len(s.DBNames))
		for i, n := range s.DBNames {
			cols[i] = "emails." + n + " AS primary_" + n
		}
		primaryColumns = strings.Join(cols, ", ")
	})
	return primaryColumns
}

// accountQuery selects a user with its primary address under memberRow's columns (plus
// extra columns, with args for their placeholders). join is "JOIN" when an account without a
// primary address (a deleted one) must not be found, "LEFT JOIN" when it reads as zero.
func accountQuery(db *gorm.DB, join, extra string, args ...any) *gorm.DB {
	return db.Table("users").Select(accountColumns()+extra, args...).Joins(join + primaryJoin)
}

// accountColumns are the columns of memberRow's user and primary address.
func accountColumns() string { return "users.*, " + primaryEmailColumns() }

// primaryJoin joins a user's primary address, after JOIN or LEFT JOIN.
const primaryJoin = " emails ON emails.user_id = users.id AND emails.is_primary"

// orgMember loads the usable account userID and checks that it is a member of orgID; an
// unknown, deleted or suspended account is not found (reported under field). One round trip
// (user, primary address, membership), where it took three: every Payway /me request does it.
// An account without a primary address is a deleted one, so the inner join finds nothing.
func orgMember(db *gorm.DB, orgID, userID, field string) (account, error) {
	acct, _, err := orgMemberAndAddress(db, orgID, userID, field, "")
	return acct, err
}

// orgMemberAndAddress is orgMember that also returns, in the same query, the user who has the
// address whose key is addressKey ("": not asked, or nobody): an email-change request needs
// both before it writes anything (load benchmark: one round trip less, bench/results.md).
func orgMemberAndAddress(db *gorm.DB, orgID, userID, field, addressKey string) (acct account, owner string, err error) {
	var row memberRow
	ownerCol := "'' AS new_owner"
	args := []any{orgID}
	if addressKey != "" {
		ownerCol = ownerColumn
		args = append(args, addressKey)
	}
	err = accountQuery(db, "JOIN", ", "+memberColumn+", "+ownerCol, args...).
		Where("users.id = ?", userID).Take(&row).Error
	acct = account{user: row.User, primary: row.Primary}
	if errors.Is(err, gorm.ErrRecordNotFound) || (err == nil && acct.usable() != nil) {
		return acct, "", errAccountNotFound(field)
	}
	if err != nil {
		return acct, "", internal(err)
	}
	if !row.Member {
		return acct, "", conflict(CodeInvalidOrgAccount, "")
	}
	return acct, row.NewOwner, nil
}
