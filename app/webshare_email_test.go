package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/models"
)

func (e *env) changeEmail(tok, pw, newEmail string) (int, *models.WebshareChangeEmailValidationError, []byte) {
	e.t.Helper()
	r, err := e.api.WebshareChangeEmailWithResponse(ctx, models.WebshareChangeEmailRequest{Password: pw, NewEmail: newEmail}, token(tok))
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode(), r.JSON400, r.Body
}

// startEmailChange requests a change that must succeed and returns the code from the mail.
func (e *env) startEmailChange(tok, newEmail string) string {
	e.t.Helper()
	if s, _, raw := e.changeEmail(tok, goodPassword, newEmail); s != http.StatusNoContent {
		e.t.Fatalf("change email to %s: %d %s", newEmail, s, raw)
	}
	return e.lastLink(newEmail, "/changeemail/")
}

func (e *env) completeEmail(tok, code string) (int, *models.WebshareChangeEmailCompleteValidationError, []byte) {
	e.t.Helper()
	r, err := e.api.WebshareChangeEmailCompleteWithResponse(ctx, models.WebshareChangeEmailCompleteRequest{ConfirmationCode: code}, token(tok))
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode(), r.JSON400, r.Body
}

func TestWebshareChangeEmail(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("old@example.com", goodPassword)
		otherTok := e.register("taken@example.com", goodPassword)

		refusals := []struct {
			name, pw, email, field, msg string
		}{
			{"wrong password", "wrong-password-1", "new@example.com", "password", "Invalid password."},
			{"address of another account", goodPassword, "TAKEN@example.com", "new_email", "This email address is already in use."},
			{"own address", goodPassword, "Old@Example.com", "new_email", "This is already your email address."},
			{"invalid address", goodPassword, "new@@example.com", "new_email", "Enter a valid email address."},
		}
		for _, tc := range refusals {
			t.Run(tc.name, func(t *testing.T) {
				s, b, raw := e.changeEmail(tok, tc.pw, tc.email)
				fieldErrors(t, s, b, raw, tc.field, tc.msg)
			})
		}
		// A refused address spent the cooldown like a free one would (so the answers do not tell
		// them apart).
		e.clock.Advance(time.Minute)
		code := e.startEmailChange(tok, "new@example.com")

		step(t, "a second request within the cooldown is throttled", func(t *testing.T) {
			r, err := e.api.WebshareChangeEmailWithResponse(ctx, models.WebshareChangeEmailRequest{Password: goodPassword, NewEmail: "newer@example.com"}, token(tok))
			if err != nil {
				t.Fatal(err)
			}
			detailError(t, r.StatusCode(), http.StatusTooManyRequests, r.JSON429, r.Body, "")
		})
		step(t, "nothing changes before completion", func(t *testing.T) {
			e.login("old@example.com", goodPassword)
			if e.loginStatus("new@example.com", goodPassword) != http.StatusBadRequest {
				t.Fatal("the new address works before completion")
			}
		})
		step(t, "another user cannot complete it", func(t *testing.T) {
			s, b, raw := e.completeEmail(otherTok, code)
			fieldErrors(t, s, b, raw, "confirmation_code", "Invalid confirmation code.")
		})
		step(t, "complete applies the change and tells the old address", func(t *testing.T) {
			if s, _, raw := e.completeEmail(tok, code); s != http.StatusNoContent {
				t.Fatalf("complete: %d %s", s, raw)
			}
			e.login("new@example.com", goodPassword)
			if e.loginStatus("old@example.com", goodPassword) != http.StatusBadRequest {
				t.Fatal("the old address still logs in")
			}
			if !hasSubject(e.mailsTo("old@example.com"), "Your email address was changed") {
				t.Fatal("the old address was not told")
			}
			if _, st, raw := e.activation(tok); st == nil || !st.EmailIsVerified {
				t.Fatalf("the confirmed address is not verified: %s", raw)
			}
		})
		step(t, "the code works once", func(t *testing.T) {
			s, b, raw := e.completeEmail(tok, code)
			fieldErrors(t, s, b, raw, "confirmation_code", "Invalid confirmation code.")
		})
		step(t, "the released old address can be registered again", func(t *testing.T) {
			e.register("old@example.com", "yet-another-pass")
		})
	})
}

func TestWebshareChangeEmailAttemptsAreBounded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("guess@example.com", goodPassword)
		code := e.startEmailChange(tok, "target@example.com")
		for i := range 5 {
			s, b, raw := e.completeEmail(tok, "wrong-guess-"+string(rune('a'+i)))
			fieldErrors(t, s, b, raw, "confirmation_code", "Invalid confirmation code.")
		}
		s, b, raw := e.completeEmail(tok, code)
		fieldErrors(t, s, b, raw, "confirmation_code", "Invalid confirmation code.")
	})
}

func TestWebshareChangeEmailExpires(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("slow@example.com", goodPassword)
		code := e.startEmailChange(tok, "later@example.com")
		e.clock.Advance(61 * time.Minute)
		s, b, raw := e.completeEmail(tok, code)
		fieldErrors(t, s, b, raw, "confirmation_code", "Invalid confirmation code.")
	})
}

// Two accounts both asked for the same new address (a pending request reserves nothing);
// when they complete at once, exactly one gets it and the other gets Webshare's error.
func TestWebshareConcurrentEmailClaim(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		const n = 3
		toks, codes := make([]string, n), make([]string, n)
		for i := range n {
			addr := string(rune('a'+i)) + "-claimer@example.com"
			toks[i] = e.register(addr, goodPassword)
			codes[i] = e.startEmailChange(toks[i], "Prize@example.com")
		}
		statuses := race(n, func(i int) int {
			r, err := e.api.WebshareChangeEmailCompleteWithResponse(ctx, models.WebshareChangeEmailCompleteRequest{ConfirmationCode: codes[i]}, token(toks[i]))
			if err != nil {
				t.Error(err)
				return 0
			}
			if r.StatusCode() == http.StatusBadRequest {
				fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, "non_field_errors", "This email address is already in use.")
			}
			return r.StatusCode()
		})
		if statuses[http.StatusNoContent] != 1 || statuses[http.StatusBadRequest] != n-1 {
			t.Fatalf("want one 204 and %d 400s, got %v", n-1, statuses)
		}
		e.login("prize@example.com", goodPassword)
	})
}

func TestWebshareDeleteAccount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("gone@example.com", goodPassword)
		del := func(pw string) (int, *models.WebshareDeleteAccountValidationError, []byte) {
			r, err := e.api.WebshareDeleteAccountWithResponse(ctx, models.WebshareDeleteAccountRequest{Password: pw, Recaptcha: "ok"}, token(tok))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.JSON400, r.Body
		}
		t.Run("wrong password", func(t *testing.T) {
			s, b, raw := del("wrong-password-1")
			fieldErrors(t, s, b, raw, "password", "Invalid password.")
		})
		step(t, "deleted: every call with its tokens answers account_deleted", func(t *testing.T) {
			if s, _, raw := del(goodPassword); s != http.StatusNoContent {
				t.Fatalf("delete: %d %s", s, raw)
			}
			r, err := e.api.WebshareGetActivationWithResponse(ctx, token(tok))
			if err != nil {
				t.Fatal(err)
			}
			detailError(t, r.StatusCode(), http.StatusForbidden, r.JSON403, r.Body, "account_deleted")
			if e.loginStatus("gone@example.com", goodPassword) != http.StatusBadRequest {
				t.Fatal("a deleted account logs in")
			}
		})
		step(t, "the address is free again", func(t *testing.T) {
			e.register("gone@example.com", goodPassword)
		})
	})
}
