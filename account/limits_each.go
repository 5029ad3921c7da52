package account

import (
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// window is one key's fixed window, for countEach.
type window struct {
	key    string
	length time.Duration
}

// countEach is count for several keys in ONE statement (a multi-row upsert, atomic in both
// PostgreSQL and SQLite): it adds one hit to each key's current window and returns the hits
// so far, this one included, in the order of ws.
func (s *Service) countEach(db *gorm.DB, ws ...window) ([]int, error) {
	now := s.now()
	rows := make([]models.RateLimit, len(ws))
	for i, w := range ws {
		rows[i] = models.RateLimit{Key: w.key, WindowStart: now.Truncate(w.length), Hits: 1}
	}
	err := db.Clauses(
		clause.OnConflict{
			Columns: []clause.Column{{Name: "key"}},
			DoUpdates: clause.Set{
				{Column: clause.Column{Name: "hits"}, Value: gorm.Expr("CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.hits + 1 ELSE 1 END")},
				{Column: clause.Column{Name: "window_start"}, Value: gorm.Expr("excluded.window_start")},
			},
		},
		clause.Returning{Columns: []clause.Column{{Name: "key"}, {Name: "hits"}}},
	).Create(&rows).Error
	if err != nil {
		return nil, err
	}
	// Match by key: nothing promises RETURNING's order.
	byKey := make(map[string]int, len(rows))
	for _, r := range rows {
		byKey[r.Key] = r.Hits
	}
	hits := make([]int, len(ws))
	for i, w := range ws {
		hits[i] = byKey[w.key]
	}
	return hits, nil
}

// windowRest is the time left in the current fixed window of length (a refusal's Retry-After).
func (s *Service) windowRest(length time.Duration) time.Duration {
	now := s.now()
	return now.Truncate(length).Add(length).Sub(now)
}
