package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/models"
)

func (e *env) completeActivation(code string) (int, *models.WebshareCompleteActivationValidationError, []byte) {
	e.t.Helper()
	r, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: code})
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode(), r.JSON400, r.Body
}

func (e *env) completeReset(code, pw string) (int, *models.WebshareResetPasswordCompleteValidationError, []byte) {
	e.t.Helper()
	r, err := e.api.WebshareResetPasswordCompleteWithResponse(ctx, models.WebshareResetPasswordCompleteRequest{
		Password: pw, PasswordResetToken: code, Recaptcha: "ok"})
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode(), r.JSON400, r.Body
}

func (e *env) requestReset(email string) string {
	e.t.Helper()
	r, err := e.api.WebshareResetPasswordWithResponse(ctx, resetBody(email))
	if err != nil || r.StatusCode() != http.StatusNoContent {
		e.t.Fatalf("reset %s: %v %d", email, err, r.StatusCode())
	}
	return e.lastLink(email, "/resetpassword/")
}

func (e *env) changePassword(tok, cur, next string) int {
	e.t.Helper()
	r, err := e.api.WebshareChangePasswordWithResponse(ctx, models.WebshareChangePasswordRequest{Password: cur, NewPassword: next}, token(tok))
	if err != nil {
		e.t.Fatal(err)
	}
	return r.StatusCode()
}

// Codes mailed before a password change or reset, or before an email change, must not act after
// it: a reset link would undo the change, an activation link would mint a new token, an
// email-change link would move the account.
func TestWebsharePendingCodesDieWithTheCredentialsTheyPredate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		refused := func(t *testing.T, name string, s int, raw []byte, field, msg string) {
			t.Helper()
			t.Logf("%s:", name)
			fieldErrors(t, s, &raw, raw, field, msg)
		}
		t.Run("change password", func(t *testing.T) {
			tok := e.register("cp@example.com", goodPassword)
			activation := e.lastLink("cp@example.com", "/activation/")
			reset := e.requestReset("cp@example.com")
			emailCode := e.startEmailChange(tok, "cp-new@example.com")
			if s := e.changePassword(tok, goodPassword, "brand-new-secret"); s != http.StatusNoContent {
				t.Fatalf("change: %d", s)
			}
			s, _, raw := e.completeReset(reset, "another-fresh-pw")
			refused(t, "reset link", s, raw, "password_reset_token", "Invalid or expired password reset token.")
			s, _, raw = e.completeActivation(activation)
			refused(t, "activation link", s, raw, "activation_token", "Invalid or expired activation token.")
			s, _, raw = e.completeEmail(tok, emailCode)
			refused(t, "email-change link", s, raw, "confirmation_code", "Invalid confirmation code.")
		})
		t.Run("reset password", func(t *testing.T) {
			tok := e.register("rp@example.com", goodPassword)
			activation := e.lastLink("rp@example.com", "/activation/")
			emailCode := e.startEmailChange(tok, "rp-new@example.com")
			reset := e.requestReset("rp@example.com")
			if s, _, raw := e.completeReset(reset, "a-fresh-password"); s != http.StatusOK {
				t.Fatalf("reset: %d %s", s, raw)
			}
			s, _, raw := e.completeActivation(activation)
			refused(t, "activation link", s, raw, "activation_token", "Invalid or expired activation token.")
			newTok := e.login("rp@example.com", "a-fresh-password")
			s, _, raw = e.completeEmail(newTok, emailCode)
			refused(t, "email-change link", s, raw, "confirmation_code", "Invalid confirmation code.")
		})
		t.Run("completed email change", func(t *testing.T) {
			tok := e.register("ec@example.com", goodPassword)
			activation := e.lastLink("ec@example.com", "/activation/")
			reset := e.requestReset("ec@example.com")
			code := e.startEmailChange(tok, "ec-new@example.com")
			if s, _, raw := e.completeEmail(tok, code); s != http.StatusNoContent {
				t.Fatalf("complete: %d %s", s, raw)
			}
			s, _, raw := e.completeReset(reset, "another-fresh-pw")
			refused(t, "reset link to the old address", s, raw, "password_reset_token", "Invalid or expired password reset token.")
			s, _, raw = e.completeActivation(activation)
			refused(t, "activation link to the old address", s, raw, "activation_token", "Invalid or expired activation token.")
		})
	})
}

// The resend cooldown is decided in the transaction that makes the code: 20 parallel requests
// send one mail.
func TestWebshareCooldownHoldsUnderConcurrency(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		t.Run("change email", func(t *testing.T) {
			tok := e.register("racer@example.com", goodPassword)
			statuses := race(20, func(i int) int {
				s, _, _ := e.changeEmail(tok, goodPassword, "racer-new@example.com")
				return s
			})
			mails := len(e.mailsTo("racer-new@example.com"))
			t.Logf("20 parallel /changeemail/: %v, %d mail(s)", statuses, mails)
			if statuses[http.StatusNoContent] != 1 || statuses[http.StatusTooManyRequests] != 19 || mails != 1 {
				t.Fatalf("want one 204, 19 x 429 and one mail; got %v and %d mails", statuses, mails)
			}
		})
		t.Run("resend activation", func(t *testing.T) {
			tok := e.register("resender@example.com", goodPassword)
			before := len(e.mailsTo("resender@example.com"))
			e.clock.Advance(time.Minute)
			statuses := race(20, func(i int) int {
				r, err := e.api.WebshareResendActivationWithResponse(ctx, models.WebshareEmptyRequest{}, token(tok))
				if err != nil {
					t.Error(err)
					return 0
				}
				return r.StatusCode()
			})
			mails := len(e.mailsTo("resender@example.com")) - before
			t.Logf("20 parallel /activation/resend/: %v, %d mail(s)", statuses, mails)
			if statuses[http.StatusOK] != 1 || statuses[http.StatusTooManyRequests] != 19 || mails != 1 {
				t.Fatalf("want one 200, 19 x 429 and one mail; got %v and %d mails", statuses, mails)
			}
		})
	})
}
