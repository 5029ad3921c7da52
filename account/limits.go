package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Every limit of the account core is in this table (the mail budgets take their numbers from
// Config: ResendCooldown and SendsPerHour). A limit is kept in the database (rate_limits), never
// in process memory, so every replica shares it, and its key names the subject, never the vendor:
// one account has one clock per budget whichever vendor's endpoint it is reached through. Keys
// are HMACs of their subject (keys.limitKey), never raw addresses.
//
// A window opens at a key's first hit and lasts Window (it is not aligned to the clock, so no
// two hits a second apart fall into two windows at an edge); the next hit after it ends opens
// the next one.
var (
	// One client guessing one address is stopped after 10 failures in 15 minutes, without
	// touching anyone else (OWASP Authentication Cheat Sheet: lockout per account and source).
	loginPerClient = Limit{Scope: "login-fail-client", Window: 15 * time.Minute, Max: 10}
	// Many clients guessing one address (a botnet) are stopped too, at NIST SP 800-63B's
	// ceiling of 100 failures. It is counted only for attempts a client's own limit let
	// through, so one client adds at most 10 per 15 minutes: locking the owner out takes ten
	// or more clients, and lasts at most the rest of the hour.
	loginPerAddress = Limit{Scope: "login-fail", Window: time.Hour, Max: 100}
	// Payway's account freeze (FreezeMax failures in FreezeWindow): failed password grants that
	// could have succeeded and failures integrations report. A frozen address logs in through
	// no vendor until the window ends.
	loginFreeze = Limit{Scope: "auth-fail", Window: FreezeWindow, Max: FreezeMax}
	// A grant failure not yet reported by its client (create_authentication_attempt): that
	// client's report of a failure of the same address within Window is the same attempt.
	unreportedGrantFailure = Limit{Scope: "grant-fail-unreported", Window: 2 * time.Minute}
	// A logged-in caller confirming an action with its password (change password or address,
	// delete the account) is one guess at it: a stolen token must not allow online guessing.
	recheckPerUser = Limit{Scope: "password-recheck", Window: 15 * time.Minute, Max: 10}
	// New accounts per client.
	registerPerClient = Limit{Scope: "register-client", Window: time.Hour, Max: 30}
)

// mailHourly is the hourly budget of mailed codes of one flow (mail_budget.go).
func (s *Service) mailHourly(flow string) Limit {
	return Limit{Scope: "mail-hour/" + flow, Window: time.Hour, Max: s.cfg.SendsPerHour}
}

// Limit is a budget: at most Max hits per Window for one key of Scope.
type Limit struct {
	Scope  string
	Window time.Duration
	Max    int
}

// The primitives below are each one atomic statement in PostgreSQL and SQLite:
//   - hit counts one hit in the key's window and returns the hits so far;
//   - spend is hit committed at once, BEFORE the work it guards (a password check), so that
//     parallel attempts cannot all slip through a limit read before and counted after; refund
//     gives the hit back when the attempt succeeded, so only failures use the budget;
//   - gate is a cooldown: at most one pass per key per interval since the last pass, decided
//     by a conditional upsert (inside the transaction that does the guarded work, parallel
//     callers serialise on the row: exactly one passes);
//   - peek reads a window without counting.

// hit adds one hit to subject's window of l (opening a new window when there is none or it
// has ended) and returns the hits so far, this one included, and the time the window has left.
func (s *Service) hit(db *gorm.DB, l Limit, subject string) (hits int, rest time.Duration, err error) {
	now := s.now()
	open := now.Add(-l.Window) // a window that started after this is still open
	row := models.RateLimit{Key: s.keys.limitKey(l.Scope, subject), WindowStart: now, Hits: 1}
	err = db.Clauses(
		clause.OnConflict{
			Columns: []clause.Column{{Name: "key"}},
			// Both expressions read the row as it was (SQL evaluates SET from the old values).
			DoUpdates: clause.Set{
				{Column: clause.Column{Name: "hits"}, Value: gorm.Expr("CASE WHEN rate_limits.window_start > ? THEN rate_limits.hits + 1 ELSE 1 END", open)},
				{Column: clause.Column{Name: "window_start"}, Value: gorm.Expr("CASE WHEN rate_limits.window_start > ? THEN rate_limits.window_start ELSE ? END", open, now)},
			},
		},
		clause.Returning{Columns: []clause.Column{{Name: "hits"}, {Name: "window_start"}}},
	).Create(&row).Error
	return row.Hits, row.WindowStart.Add(l.Window).Sub(now), err
}

// spend counts one attempt against l for subject, in its own statement (committed at once, so
// that concurrent attempts see each other), and refuses it with KindRateLimited past l.Max.
// first is true for the first refused attempt of a window (to audit a lockout once).
func (s *Service) spend(ctx context.Context, l Limit, subject string) (first bool, err error) {
	hits, rest, err := s.hit(s.db.WithContext(ctx), l, subject)
	if err != nil {
		return false, internal(err)
	}
	if hits > l.Max {
		return hits == l.Max+1, throttled(rest)
	}
	return false, nil
}

// refund gives back one hit of subject's open window of l (after the attempt succeeded, or to
// match a report with its attempt). It never goes below zero and never touches an ended window;
// taken says whether there was a hit to give back. It runs even when the caller has gone.
func (s *Service) refund(ctx context.Context, l Limit, subject string) (taken bool, err error) {
	res := s.db.WithContext(context.WithoutCancel(ctx)).Model(&models.RateLimit{}).
		Where("key = ? AND window_start > ? AND hits > 0", s.keys.limitKey(l.Scope, subject), s.now().Add(-l.Window)).
		Update("hits", gorm.Expr("hits - 1"))
	if res.Error != nil {
		return false, internal(res.Error)
	}
	return res.RowsAffected == 1, nil
}

// peek returns subject's hits of l in its open window (0 when none is open) and the time the
// window has left, without counting.
func (s *Service) peek(db *gorm.DB, l Limit, subject string) (hits int, rest time.Duration, err error) {
	var rows []models.RateLimit
	now := s.now()
	err = db.Where("key = ? AND window_start > ?", s.keys.limitKey(l.Scope, subject), now.Add(-l.Window)).
		Limit(1).Find(&rows).Error
	if err != nil || len(rows) == 0 {
		return 0, 0, err
	}
	return rows[0].Hits, rows[0].WindowStart.Add(l.Window).Sub(now), nil
}

// gate lets one caller per key pass every interval: it stamps the key with now when the last
// stamp is at least interval old (or absent), in one conditional upsert, and otherwise refuses
// with KindRateLimited and the time left.
func (s *Service) gate(db *gorm.DB, scope, subject string, interval time.Duration) error {
	now := s.now()
	key := s.keys.limitKey(scope, subject)
	row := models.RateLimit{Key: key, WindowStart: now, Hits: 1}
	res := db.Clauses(clause.OnConflict{
		Columns: []clause.Column{{Name: "key"}},
		DoUpdates: clause.Set{
			{Column: clause.Column{Name: "window_start"}, Value: now},
			{Column: clause.Column{Name: "hits"}, Value: 1},
		},
		Where: clause.Where{Exprs: []clause.Expression{clause.Expr{SQL: "rate_limits.window_start <= ?", Vars: []any{now.Add(-interval)}}}},
	}).Create(&row)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 1 {
		return nil
	}
	var last models.RateLimit
	if err := db.Take(&last, "key = ?", key).Error; err != nil {
		return err
	}
	return throttled(last.WindowStart.Add(interval).Sub(now))
}
