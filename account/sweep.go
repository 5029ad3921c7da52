package account

import (
	"context"
	"time"

	"github.com/accountd/accountd/models"
)

// Retention of rows that have done their job.
const (
	rateLimitRetention = 2 * time.Hour       // longer than the longest window
	codeRetention      = 7 * 24 * time.Hour  // dead codes kept a week for investigations
	mailRetention      = 30 * 24 * time.Hour // delivered or dead mail kept a month
)

// SweepResult counts what Sweep removed.
type SweepResult struct{ RateLimits, Codes, Mail, AnonymousAudit int64 }

// Sweep deletes rows that can no longer matter: finished rate-limit windows, codes long dead
// mail long delivered or dead-lettered, and audit events without a known user older than
// AnonymousAuditRetention (unauthenticated callers can make those at will, so they must not
// pile up). Deletes are idempotent, so every replica may run it. Events of a user are kept.
func (s *Service) Sweep(ctx context.Context) (SweepResult, error) {
	var r SweepResult
	now := s.now()
	db := s.db.WithContext(ctx)
	res := db.Where("window_start < ?", now.Add(-rateLimitRetention)).Delete(&models.RateLimit{})
	if res.Error != nil {
		return r, res.Error
	}
	r.RateLimits = res.RowsAffected
	res = db.Where("expires_at < ?", now.Add(-codeRetention)).Delete(&models.OneTimeCode{})
	if res.Error != nil {
		return r, res.Error
	}
	r.Codes = res.RowsAffected
	res = db.Where("status <> ? AND created_at < ?", models.OutboxPending, now.Add(-mailRetention)).Delete(&models.OutboxMessage{})
	if res.Error != nil {
		return r, res.Error
	}
	r.Mail = res.RowsAffected
	res = db.Where("user_id IS NULL AND created_at < ?", now.Add(-s.cfg.AnonymousAuditRetention)).Delete(&models.AuditEvent{})
	if res.Error != nil {
		return r, res.Error
	}
	r.AnonymousAudit = res.RowsAffected
	return r, nil
}
