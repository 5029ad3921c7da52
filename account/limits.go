package account

import (
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// allow counts one hit in the fixed window of key and tells whether it is within max. The
// counter lives in the database (one upsert, atomic in both PostgreSQL and SQLite), so every
// replica shares it. retryAfter is the time left in the window when the hit is refused.
func (s *Service) allow(tx *gorm.DB, key string, window time.Duration, max int) (ok bool, retryAfter time.Duration, err error) {
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
	if err != nil {
		return false, 0, err
	}
	if row.Hits > max {
		return false, start.Add(window).Sub(now), nil
	}
	return true, 0, nil
}
