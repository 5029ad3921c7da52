package app_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	dbmodels "github.com/accountd/accountd/models"
)

func (e *env) auditCount(kind, userEmail string) int64 {
	e.t.Helper()
	q := e.app.DB.Model(&dbmodels.AuditEvent{}).Where("kind = ?", kind)
	if userEmail != "" {
		q = q.Where("user_id = (SELECT user_id FROM emails WHERE address = ?)", userEmail)
	}
	var n int64
	if err := q.Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) rows(model any, where string, args ...any) int64 {
	e.t.Helper()
	var n int64
	q := e.app.DB.Model(model)
	if where != "" {
		q = q.Where(where, args...)
	}
	if err := q.Count(&n).Error; err != nil {
		e.t.Fatal(err)
	}
	return n
}

// Authentication failures leave audit events: wrong login passwords, wrong current passwords,
// and a lockout (once per window, not once per refused try).
func TestAuthenticationFailuresAreAudited(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("audited@example.com", goodPassword)
		for range 12 {
			e.loginStatus("audited@example.com", "wrong-password-1")
		}
		if n := e.auditCount("login_failed", "audited@example.com"); n != 10 {
			t.Errorf("login_failed events: %d, want 10", n)
		}
		if n := e.auditCount("login_throttled", ""); n != 1 {
			t.Errorf("login_throttled events: %d, want 1 for the window", n)
		}
		if s := e.changePassword(tok, "wrong-password-2", "brand-new-secret"); s != http.StatusBadRequest {
			t.Fatalf("change with a wrong password: %d", s)
		}
		if n := e.auditCount("password_recheck_failed", "audited@example.com"); n != 1 {
			t.Errorf("password_recheck_failed events: %d, want 1", n)
		}
	})
}

// What unauthenticated callers make the database keep is bounded: rate-limit rows go once
// their window is over, and audit events without a known user after the retention (30 days).
func TestUnauthenticatedRowsAreSwept(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("kept@example.com", goodPassword)
		e.loginStatus("kept@example.com", "wrong-password-1")
		const n = 50
		for i := range n {
			addr := fmt.Sprintf("ghost-%d@example.com", i)
			r, err := e.api.WebshareResetPasswordWithResponse(ctx, resetBody(addr))
			if err != nil || r.StatusCode() != http.StatusNoContent {
				t.Fatalf("reset: %v", err)
			}
			if s := e.loginStatus(addr, "wrong-password-1"); s != http.StatusBadRequest {
				t.Fatalf("login: %d", s)
			}
		}
		anon := e.rows(&dbmodels.AuditEvent{}, "user_id IS NULL")
		limits := e.rows(&dbmodels.RateLimit{}, "")
		t.Logf("after %d unknown-address resets and failed logins: %d anonymous audit rows, %d rate-limit rows", n, anon, limits)
		e.clock.Advance(31 * 24 * time.Hour)
		res, err := e.app.Core.Sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("sweep: %+v", res)
		if left := e.rows(&dbmodels.AuditEvent{}, "user_id IS NULL"); left != 0 {
			t.Errorf("%d anonymous audit rows survive the retention", left)
		}
		if left := e.rows(&dbmodels.RateLimit{}, ""); left != 0 {
			t.Errorf("%d rate-limit rows survive their windows", left)
		}
		if e.auditCount("login_failed", "kept@example.com") != 1 || e.auditCount("user_registered", "kept@example.com") != 1 {
			t.Error("events of a known user were swept")
		}
	})
}
