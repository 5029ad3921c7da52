package app_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/models"
)

func TestWebshareChangePassword(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("pw@example.com", goodPassword)
		other := e.login("pw@example.com", goodPassword)
		change := func(cur, next string) (int, *models.WebshareChangePasswordValidationError, []byte) {
			r, err := e.api.WebshareChangePasswordWithResponse(ctx, models.WebshareChangePasswordRequest{Password: cur, NewPassword: next}, token(tok))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.JSON400, r.Body
		}
		t.Run("wrong current password", func(t *testing.T) {
			s, b, raw := change("wrong-password-9", "brand-new-secret")
			fieldErrors(t, s, b, raw, "password", "Invalid password.")
		})
		t.Run("weak new password", func(t *testing.T) {
			s, b, raw := change(goodPassword, "short")
			fieldErrors(t, s, b, raw, "new_password", "This password is too short. It must contain at least 8 characters.")
		})
		step(t, "change keeps only the calling token and mails a notice", func(t *testing.T) {
			if s, _, raw := change(goodPassword, "brand-new-secret"); s != http.StatusNoContent {
				t.Fatalf("change: %d %s", s, raw)
			}
			if s, _, raw := e.activation(other); s != http.StatusUnauthorized {
				t.Fatalf("other token survived: %d %s", s, raw)
			}
			if s, _, raw := e.activation(tok); s != http.StatusOK {
				t.Fatalf("calling token revoked: %d %s", s, raw)
			}
			if e.loginStatus("pw@example.com", goodPassword) != http.StatusBadRequest {
				t.Fatal("old password still works")
			}
			e.login("pw@example.com", "brand-new-secret")
			if !hasSubject(e.mailsTo("pw@example.com"), "Your password was changed") {
				t.Fatal("no notice mail")
			}
		})
	})
}

func TestWebshareResetPassword(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		oldTok := e.register("reset@example.com", goodPassword)
		request := func(email string) {
			t.Helper()
			r, err := e.api.WebshareResetPasswordWithResponse(ctx, models.WebshareResetPasswordRequest{Email: email, Recaptcha: "ok"})
			if err != nil || r.StatusCode() != http.StatusNoContent {
				t.Fatalf("reset %s: %v %d %s", email, err, r.StatusCode(), r.Body)
			}
		}
		complete := func(code, pw string) (int, *models.WebshareTokenResponse, *models.WebshareResetPasswordCompleteValidationError, []byte) {
			t.Helper()
			r, err := e.api.WebshareResetPasswordCompleteWithResponse(ctx, models.WebshareResetPasswordCompleteRequest{
				Password: pw, PasswordResetToken: code, Recaptcha: "ok"})
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.JSON200, r.JSON400, r.Body
		}
		t.Run("an unknown address gets the same answer and no mail", func(t *testing.T) {
			request("ghost@example.com")
			if n := len(e.mailsTo("ghost@example.com")); n != 0 {
				t.Fatalf("%d mails to an unknown address", n)
			}
		})
		request("RESET@example.com")
		code := e.lastLink("reset@example.com", "/resetpassword/")
		step(t, "a second request within the minute is dropped silently", func(t *testing.T) {
			before := len(e.mailsTo("reset@example.com"))
			request("reset@example.com")
			if after := len(e.mailsTo("reset@example.com")); after != before {
				t.Fatalf("mails %d -> %d", before, after)
			}
		})
		step(t, "a weak password is refused without using up the token", func(t *testing.T) {
			s, _, b, raw := complete(code, "12345678")
			fieldErrors(t, s, b, raw, "password", "This password is entirely numeric.")
		})
		step(t, "a wrong token is refused", func(t *testing.T) {
			s, _, b, raw := complete(strings.Repeat("A", 43), "a-fresh-password")
			fieldErrors(t, s, b, raw, "password_reset_token", "Invalid or expired password reset token.")
		})
		var newTok string
		step(t, "complete sets the password, revokes every token and returns a new one", func(t *testing.T) {
			s, ok, _, raw := complete(code, "a-fresh-password")
			if s != http.StatusOK || ok == nil {
				t.Fatalf("complete: %d %s", s, raw)
			}
			newTok = ok.Token
			if s, _, raw := e.activation(oldTok); s != http.StatusUnauthorized {
				t.Fatalf("old token: %d %s", s, raw)
			}
			if s, _, raw := e.activation(newTok); s != http.StatusOK {
				t.Fatalf("new token: %d %s", s, raw)
			}
			e.login("reset@example.com", "a-fresh-password")
		})
		step(t, "the token works once", func(t *testing.T) {
			s, _, b, raw := complete(code, "another-fresh-pw")
			fieldErrors(t, s, b, raw, "password_reset_token", "Invalid or expired password reset token.")
		})
		step(t, "an expired token is refused", func(t *testing.T) {
			e.clock.Advance(2 * time.Minute)
			request("reset@example.com")
			late := e.lastLink("reset@example.com", "/resetpassword/")
			e.clock.Advance(61 * time.Minute)
			s, _, b, raw := complete(late, "another-fresh-pw")
			fieldErrors(t, s, b, raw, "password_reset_token", "Invalid or expired password reset token.")
		})
	})
}

func hasSubject(mails []mailReceived, subject string) bool {
	for _, m := range mails {
		if m.Subject == subject {
			return true
		}
	}
	return false
}
