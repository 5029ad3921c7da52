package account

import (
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// cooldown grants key at most once per d, measured from the last grant (not from a clock-aligned
// window, so two grants are never closer than d). Like allow it is one upsert, atomic in
// PostgreSQL and SQLite and shared by every replica: the rate_limits row's window_start holds the
// time of the last grant. until is when the next grant is possible, whether or not this one was.
func (s *Service) cooldown(tx *gorm.DB, key string, d time.Duration) (ok bool, until time.Time, err error) {
	now := s.now()
	expired := now.Add(-d)
	row := models.RateLimit{Key: key, WindowStart: now, Hits: 1}
	err = tx.Clauses(
		clause.OnConflict{
			Columns: []clause.Column{{Name: "key"}},
			DoUpdates: clause.Set{
				// hits is 1 on a grant and counts refusals otherwise; window_start moves only on a grant.
				{Column: clause.Column{Name: "hits"}, Value: gorm.Expr("CASE WHEN rate_limits.window_start <= ? THEN 1 ELSE rate_limits.hits + 1 END", expired)},
				{Column: clause.Column{Name: "window_start"}, Value: gorm.Expr("CASE WHEN rate_limits.window_start <= ? THEN ? ELSE rate_limits.window_start END", expired, now)},
			},
		},
		clause.Returning{Columns: []clause.Column{{Name: "hits"}, {Name: "window_start"}}},
	).Create(&row).Error
	if err != nil {
		return false, time.Time{}, err
	}
	return row.Hits == 1, row.WindowStart.UTC().Add(d), nil
}
