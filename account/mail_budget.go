package account

import (
	"database/sql"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// spendMail is the one budget of every mailed code: one mail of flow per ResendCooldown for
// subject (a cooldown measured from the last mail) and SendsPerHour per hour. flow is the
// code's purpose and subject the account for every flow of an account, whichever vendor's
// endpoint mails it, so one account has one clock per flow; flows that must not tell whether
// an address is known (a password reset, Rixl's resend by address) use the address's key as
// subject and drop a refused request silently.
//
// The hourly budget counts only mails the cooldown let through. Run inside the transaction
// that makes the code, the cooldown serialises parallel requests on its row, so exactly one
// passes, and a request refused or failing later rolls both counts back; run on its own (db not
// a transaction), the counts commit at once.
//
// On PostgreSQL both counts are one statement (spendMailSQL; the load benchmark's mailed flows
// each lost a round trip), on SQLite two (gate, then hit: in process, a statement costs no
// round trip). Both are the same rule: TestSpendMailIsOneRule runs them side by side.
func (s *Service) spendMail(db *gorm.DB, flow, subject string) error {
	_, _, err := spendMailReading[struct{}](s, db, flow, subject, nil)
	return err
}

// spendMailReading is spendMail that also reads one row the request needs whatever the budget
// says: read is a query of at most one row (ownerRead; nil: nothing to read), scanned into a
// T. On PostgreSQL the read is part of the budget's statement, so both cost one round trip
// (the password reset's owner lookup, bench/results.md); on SQLite it runs after the budget,
// when the budget passes. found says whether the read found its row; when the budget refuses,
// row is not to be trusted.
func spendMailReading[T any](s *Service, db *gorm.DB, flow, subject string, read *clause.Expr) (row T, found bool, err error) {
	if s.db.Dialect == models.Postgres {
		return spendMailOnce[T](s, db, flow, subject, read)
	}
	if err := s.spendMailSteps(db, flow, subject); err != nil || read == nil {
		return row, false, err
	}
	found, err = rawRow(db, &row, read.SQL, read.Vars...)
	return row, found, err
}

// spendMailSteps is spendMail in two statements: the cooldown (gate), then the hourly count.
func (s *Service) spendMailSteps(db *gorm.DB, flow, subject string) error {
	if err := s.gate(db, "mail-cooldown/"+flow, subject, s.cfg.ResendCooldown); err != nil {
		return err
	}
	hourly := s.mailHourly(flow)
	hits, rest, err := s.hit(db, hourly, subject)
	if err != nil {
		return err
	}
	if hits > hourly.Max {
		return s.limited(hourly.Scope, rest)
	}
	return nil
}

// spendMailSQL is gate and hit of spendMail in one statement: the cooldown row is stamped when
// its last stamp is old enough (gate), the hourly row is counted only when the cooldown passed
// (hour reads gate's RETURNING, so it runs after it), and the cooldown's stamp as it was before
// the statement comes back for the refusal's Retry-After.
const spendMailSQL = `WITH gate AS (
  INSERT INTO rate_limits (key, window_start, hits) VALUES (@gate, @now, 1)
  ON CONFLICT (key) DO UPDATE SET window_start = @now, hits = 1 WHERE rate_limits.window_start <= @cooled
  RETURNING 1
), hour AS (
  INSERT INTO rate_limits (key, window_start, hits) SELECT @hour, @now, 1 WHERE EXISTS (SELECT 1 FROM gate)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN rate_limits.window_start > @open THEN rate_limits.hits + 1 ELSE 1 END,
    window_start = CASE WHEN rate_limits.window_start > @open THEN rate_limits.window_start ELSE @now END
  RETURNING hits, window_start
)
SELECT EXISTS (SELECT 1 FROM gate) AS passed, (SELECT hits FROM hour) AS hits,
  (SELECT window_start FROM hour) AS hour_start,
  (SELECT window_start FROM rate_limits WHERE key = @gate) AS last_stamp`

// spendMailReadingSQL is spendMailSQL with a read's row beside its columns: read_found and the
// read's columns, or NULLs when it finds nothing. The read sees the statement's snapshot, as
// a statement of its own sent after the budget would (the budget writes no row it reads).
const spendMailReadingSQL = spendMailSQL + `, got.*
FROM (SELECT 1) AS one LEFT JOIN (SELECT true AS read_found, r.* FROM (@read) AS r) AS got ON true`

// budgetAnswer is what spendMailSQL returns.
type budgetAnswer struct {
	Passed    bool
	Hits      sql.NullInt64
	HourStart sql.NullTime
	LastStamp sql.NullTime
	ReadFound sql.NullBool
}

// budgetAndRow is spendMailReadingSQL's row: one struct for every column, so GORM's scanner
// finds each column's field at once (two scans of one row, each skipping the other's
// columns, cost a third of the request's allocations in name lookups).
type budgetAndRow[T any] struct {
	Budget budgetAnswer `gorm:"embedded"`
	Row    T            `gorm:"embedded"`
}

// spendMailOnce is spendMailReading in one statement (spendMailSQL, or spendMailReadingSQL
// with a read), on PostgreSQL.
func spendMailOnce[T any](s *Service, db *gorm.DB, flow, subject string, read *clause.Expr) (row T, found bool, err error) {
	now := s.now()
	cooldown, hourly := s.cfg.ResendCooldown, s.mailHourly(flow)
	cooldownScope := "mail-cooldown/" + flow
	args := map[string]any{
		"gate": s.keys.limitKey(cooldownScope, subject), "hour": s.keys.limitKey(hourly.Scope, subject),
		"now": now, "cooled": now.Add(-cooldown), "open": now.Add(-hourly.Window),
	}
	query := spendMailSQL
	if read != nil {
		query, args["read"] = spendMailReadingSQL, *read
	}
	var out budgetAndRow[T]
	if _, err := rawRow(db, &out, query, args); err != nil {
		return row, false, err
	}
	if b := out.Budget; !b.Passed {
		// The stamp read is the statement's snapshot: a parallel request that passed just
		// before may have stamped the row since, so a stamp that reads as old means "now".
		rest := cooldown
		if b.LastStamp.Valid && b.LastStamp.Time.After(now.Add(-cooldown)) {
			rest = b.LastStamp.Time.Add(cooldown).Sub(now)
		}
		return row, false, s.limited(cooldownScope, rest)
	}
	if b := out.Budget; int(b.Hits.Int64) > hourly.Max {
		return row, false, s.limited(hourly.Scope, b.HourStart.Time.Add(hourly.Window).Sub(now))
	}
	return out.Row, out.Budget.ReadFound.Bool, nil
}
