package account

import (
	"database/sql"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
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
	if s.db.Dialect == models.Postgres {
		return s.spendMailOnce(db, flow, subject)
	}
	return s.spendMailSteps(db, flow, subject)
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

// spendMailOnce is spendMail in one statement (spendMailSQL), on PostgreSQL.
func (s *Service) spendMailOnce(db *gorm.DB, flow, subject string) error {
	now := s.now()
	cooldown, hourly := s.cfg.ResendCooldown, s.mailHourly(flow)
	cooldownScope := "mail-cooldown/" + flow
	var out struct {
		Passed    bool
		Hits      sql.NullInt64
		HourStart sql.NullTime
		LastStamp sql.NullTime
	}
	err := db.Raw(spendMailSQL, map[string]any{
		"gate": s.keys.limitKey(cooldownScope, subject), "hour": s.keys.limitKey(hourly.Scope, subject),
		"now": now, "cooled": now.Add(-cooldown), "open": now.Add(-hourly.Window),
	}).Scan(&out).Error
	if err != nil {
		return err
	}
	if !out.Passed {
		// The stamp read is the statement's snapshot: a parallel request that passed just
		// before may have stamped the row since, so a stamp that reads as old means "now".
		rest := cooldown
		if out.LastStamp.Valid && out.LastStamp.Time.After(now.Add(-cooldown)) {
			rest = out.LastStamp.Time.Add(cooldown).Sub(now)
		}
		return s.limited(cooldownScope, rest)
	}
	if int(out.Hits.Int64) > hourly.Max {
		return s.limited(hourly.Scope, out.HourStart.Time.Add(hourly.Window).Sub(now))
	}
	return nil
}
