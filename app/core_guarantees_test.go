package app_test

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/accountd/accountd/gen/models"
	dbmodels "github.com/accountd/accountd/models"
)

// Codes and tokens exist in the clear only in the mail and the response: the database holds
// HMACs, hashes and sealed mail, and sent mail is wiped.
func TestSecretsAreNotStoredInTheClear(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("clear@example.com", goodPassword)
		code := e.lastLink("clear@example.com", "/activation/") // delivers the mail
		e.clock.Advance(61e9)
		pending := e.startEmailChange(tok, "clear2@example.com")
		db := e.app.DB.DB
		var creds []dbmodels.Credential
		var codes []dbmodels.OneTimeCode
		var mails []dbmodels.OutboxMessage
		var users []dbmodels.User
		for _, q := range []any{&creds, &codes, &mails, &users} {
			if err := db.Find(q).Error; err != nil {
				t.Fatal(err)
			}
		}
		for _, secret := range []string{tok, code, pending} {
			for _, c := range creds {
				if bytes.Contains(c.TokenHash, []byte(secret)) {
					t.Fatal("a token is stored in the clear")
				}
			}
			for _, c := range codes {
				if bytes.Contains(c.CodeHash, []byte(secret)) {
					t.Fatal("a code is stored in the clear")
				}
			}
			for _, m := range mails {
				if bytes.Contains(m.Sealed, []byte(secret)) {
					t.Fatal("a code is readable in the outbox")
				}
			}
		}
		for _, m := range mails {
			if m.Status != dbmodels.OutboxSent || len(m.Sealed) != 0 {
				t.Fatalf("mail %s: status %s, %d sealed bytes left after sending", m.ID, m.Status, len(m.Sealed))
			}
		}
		for _, u := range users {
			if u.PasswordHash == nil || !bytes.HasPrefix([]byte(*u.PasswordHash), []byte("$argon2id$")) {
				t.Fatalf("password hash %v", u.PasswordHash)
			}
		}
	})
}

// Security events land in the audit trail.
func TestAuditTrail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("audit@example.com", goodPassword)
		if s, _, raw := e.completeEmail(tok, e.startEmailChange(tok, "audit2@example.com")); s != http.StatusNoContent {
			t.Fatalf("complete: %d %s", s, raw)
		}
		r, err := e.api.WebshareResetPasswordWithResponse(ctx, resetBody("audit2@example.com"))
		if err != nil || r.StatusCode() != http.StatusNoContent {
			t.Fatalf("reset: %v", err)
		}
		if lo, err := e.api.WebshareLogoutWithResponse(ctx, models.WebshareEmptyRequest{}, token(tok)); err != nil || lo.StatusCode() != http.StatusNoContent {
			t.Fatalf("logout: %v", err)
		}
		var kinds []string
		if err := e.app.DB.Model(&dbmodels.AuditEvent{}).Order("created_at, id").Pluck("kind", &kinds).Error; err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"user_registered", "email_change_requested", "email_change_completed", "password_reset_requested", "token_revoked"} {
			found := false
			for _, k := range kinds {
				found = found || k == want
			}
			if !found {
				t.Errorf("no %s event in %v", want, kinds)
			}
		}
	})
}

// Several dispatchers (goroutines here, replicas in production) never send one mail twice.
func TestDispatchersDoNotSendTwice(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		const users = 6
		for i := range users {
			e.register(string(rune('a'+i))+"-mail@example.com", goodPassword)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := e.app.Dispatcher.DeliverDue(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += n
				mu.Unlock()
			}()
		}
		wg.Wait()
		if total != users || len(e.smtp.All()) != users {
			t.Fatalf("delivered %d, received %d, want %d each", total, len(e.smtp.All()), users)
		}
	})
}

// Authentication is checked before the body, as in Django REST Framework: a request with no
// token and a bad body is a 401, not a 400.
func TestAuthenticationComesBeforeValidation(t *testing.T) {
	e := newEnv(t, t.TempDir()+"/a.db")
	resp, body := e.raw("POST", "/api/v2/changepassword/", "application/json", `{"zz":1}`)
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("got %d %s", resp.StatusCode, body)
	}
}
