package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Rate limits and cooldowns live in the rate_limits table (never in process memory), so every
// replica shares them. Keys are HMACs of their subject (limitKey), never raw addresses. Three
// primitives, each one atomic statement in PostgreSQL and SQLite:
//
//   - allow counts one hit in a fixed window and says whether it is within the budget;
//   - (s *Service).spend counts an attempt BEFORE the work it guards (a password check), so
//     that parallel attempts cannot all slip through a limit read before and counted after;
//     refund gives the hit back when the attempt succeeded, so only failures use the budget;
//   - gate is a cooldown: at most one pass per key per interval, decided by a conditional
//     upsert inside the transaction that does the guarded work (a code and its mail).

// Limit is a fixed-window budget: at most Max hits per Window for one key of Scope.
type Limit struct {
	Scope  string
	Window time.Duration
	Max    int
}

// allow counts one hit in the fixed window of key and tells whether it is within max. The
// counter lives in the database (one upsert, atomic in both PostgreSQL and SQLite), so every
// replica shares it. retryAfter is the time left in the window when the hit is refused.
func (s *Service) allow(tx *gorm.DB, key string, window time.Duration, max int) (ok bool, retryAfter time.Duration, err error) {
	hits, retryAfter, err := s.count(tx, key, window)
	if err != nil {
		return false, 0, err
	}
	if hits > max {
		return false, retryAfter, nil
	}
	return true, 0, nil
}

// count adds one hit to key's current window and returns the hits so far, this one included.
func (s *Service) count(tx *gorm.DB, key string, window time.Duration) (hits int, rest time.Duration, err error) {
	now := s.now()
	start := now.Truncate(window)
	row := models.RateLimit{Key: key, WindowStart: start, Hits: 1}
	err = tx.Clauses(
		clause.OnConflict{
			Columns: []clause.Column{{Name: "key"}},
			DoUpdates: clause.Set{
				{Column: clause.Column{Name: "hits"}, Value: gorm.Expr("CASE WHEN rate_limits.window_start = ? THEN rate_limits.hits + 1 ELSE 1 END", start)},
				{Column: clause.Column{Name: "window_start"}, Value: start},
			},
		},
		clause.Returning{Columns: []clause.Column{{Name: "hits"}}},
	).Create(&row).Error
	return row.Hits, start.Add(window).Sub(now), err
}

// spend counts one attempt against l for subject, in its own statement (committed at once, so
// that concurrent attempts see each other), and refuses it with KindRateLimited past l.Max.
// first is true for the first refused attempt of a window (to audit a lockout once).
func (s *Service) spend(ctx context.Context, l Limit, subject string) (first bool, err error) {
	hits, rest, err := s.count(s.db.WithContext(ctx), s.keys.limitKey(l.Scope, subject), l.Window)
	if err != nil {
		return false, internal(err)
	}
	if hits > l.Max {
		return hits == l.Max+1, throttled(rest)
	}
	return false, nil
}

// refund gives back one attempt spent on subject in the current window (after it succeeded).
// It never goes below zero and never touches an older window.
func (s *Service) refund(ctx context.Context, l Limit, subject string) error {
	start := s.now().Truncate(l.Window)
	err := s.db.WithContext(context.WithoutCancel(ctx)).Model(&models.RateLimit{}).
		Where("key = ? AND window_start = ? AND hits > 0", s.keys.limitKey(l.Scope, subject), start).
		Update("hits", gorm.Expr("hits - 1")).Error
	if err != nil {
		return internal(err)
	}
	return nil
}

// gate lets one caller per key pass every interval: it stamps the key with now when the last
// stamp is at least interval old (or absent), in one conditional upsert, and otherwise refuses
// with KindRateLimited and the time left. Called inside the transaction that does the guarded
// work, concurrent callers serialise on the row: exactly one passes.
func (s *Service) gate(tx *gorm.DB, scope, subject string, interval time.Duration) error {
	now := s.now()
	key := s.keys.limitKey(scope, subject)
	row := models.RateLimit{Key: key, WindowStart: now, Hits: 1}
	res := tx.Clauses(clause.OnConflict{
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
	if err := tx.Take(&last, "key = ?", key).Error; err != nil {
		return err
	}
	return throttled(last.WindowStart.Add(interval).Sub(now))
}
