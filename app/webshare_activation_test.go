package app_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/models"
)

func TestWebshareActivation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("act@example.com", goodPassword)
		first := e.lastLink("act@example.com", "/activation/")

		status, st, body := e.activation(tok)
		if status != http.StatusOK || st.EmailIsVerified || st.LastTimeEmailVerificationEmailSent == nil {
			t.Fatalf("status before: %d %s", status, body)
		}

		step(t, "resend is limited per account", func(t *testing.T) {
			r, err := e.api.WebshareResendActivationWithResponse(ctx, models.WebshareEmptyRequest{}, token(tok))
			if err != nil {
				t.Fatal(err)
			}
			detailError(t, r.StatusCode(), http.StatusTooManyRequests, r.JSON429, r.Body, "")
			if secs, err := strconv.Atoi(r.HTTPResponse.Header.Get("Retry-After")); err != nil || secs < 1 || secs > 60 {
				t.Fatalf("Retry-After %q", r.HTTPResponse.Header.Get("Retry-After"))
			}
		})
		e.clock.Advance(61 * time.Second)
		var second string
		step(t, "resend after the cooldown mails a new link and kills the old one", func(t *testing.T) {
			r, err := e.api.WebshareResendActivationWithResponse(ctx, models.WebshareEmptyRequest{}, token(tok))
			if err != nil || r.StatusCode() != http.StatusOK || r.JSON200 == nil {
				t.Fatalf("resend: %v %d %s", err, r.StatusCode(), r.Body)
			}
			if !r.JSON200.LastTimeEmailVerificationEmailSent.After(*st.LastTimeEmailVerificationEmailSent) {
				t.Fatalf("last sent did not move: %s", r.Body)
			}
			second = e.lastLink("act@example.com", "/activation/")
			if second == first {
				t.Fatal("resend mailed the same code")
			}
			c, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: first})
			if err != nil {
				t.Fatal(err)
			}
			fieldErrors(t, c.StatusCode(), c.JSON400, c.Body, "activation_token", "Invalid or expired activation token.")
		})
		step(t, "a bad token sent where authentication is optional is refused", func(t *testing.T) {
			c, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: second}, token("not-a-token"))
			if err != nil {
				t.Fatal(err)
			}
			detailError(t, c.StatusCode(), http.StatusUnauthorized, c.JSON401, c.Body, "")
		})
		step(t, "complete verifies, returns a new token and keeps the old ones", func(t *testing.T) {
			c, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: second})
			if err != nil || c.StatusCode() != http.StatusOK || c.JSON200 == nil || c.JSON200.Token == tok {
				t.Fatalf("complete: %v %d %s", err, c.StatusCode(), c.Body)
			}
			for _, tk := range []string{tok, c.JSON200.Token} {
				if status, st, body := e.activation(tk); status != http.StatusOK || !st.EmailIsVerified {
					t.Fatalf("after: %d %s", status, body)
				}
			}
		})
		step(t, "a used token is refused", func(t *testing.T) {
			c, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: second})
			if err != nil {
				t.Fatal(err)
			}
			fieldErrors(t, c.StatusCode(), c.JSON400, c.Body, "activation_token", "Invalid or expired activation token.")
		})
		step(t, "resend on a verified address is refused", func(t *testing.T) {
			e.clock.Advance(61 * time.Second)
			r, err := e.api.WebshareResendActivationWithResponse(ctx, models.WebshareEmptyRequest{}, token(tok))
			if err != nil {
				t.Fatal(err)
			}
			fieldErrors(t, r.StatusCode(), r.JSON400, r.Body, "non_field_errors", "This email address is already verified.")
		})
	})
}

func TestWebshareActivationExpires(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.register("late@example.com", goodPassword)
		code := e.lastLink("late@example.com", "/activation/")
		e.clock.Advance(61 * time.Minute)
		c, err := e.api.WebshareCompleteActivationWithResponse(ctx, models.WebshareCompleteActivationRequest{ActivationToken: code})
		if err != nil {
			t.Fatal(err)
		}
		fieldErrors(t, c.StatusCode(), c.JSON400, c.Body, "activation_token", "Invalid or expired activation token.")
	})
}
