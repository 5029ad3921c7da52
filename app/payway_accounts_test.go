package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

// request_password_reset answers 204 for members, strangers and members of other
// organisations alike; only the member gets a mail, whose link completes the reset.
func TestPaywayRequestPasswordReset(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		uid := p.member(p.orgA, "jane@example.com")
		p.member(p.orgB, "bob@example.com")
		app := p.appToken(p.a)
		session := p.userToken(p.a, "jane@example.com")
		for _, addr := range []string{"jane@example.com", "nobody@example.com", "bob@example.com"} {
			r, err := p.api.PaywayRequestPasswordResetWithResponse(context.Background(),
				models.PaywayRequestPasswordResetRequest{Email: addr, ReturnUrl: ptr("https://shop.example.com/account?x=1")}, bearer(app))
			if err != nil || r.StatusCode() != http.StatusNoContent || len(r.Body) != 0 {
				t.Fatalf("%s: %v %d %s", addr, err, r.StatusCode(), r.Body)
			}
		}
		if n := len(p.mailsTo("bob@example.com")); n != 0 {
			t.Fatalf("a member of another organisation got %d mails", n)
		}
		code, q := p.codeInLink("jane@example.com", publicURL+"/reset_password?", "confirmation_code")
		if q.Get("id") != uid || q.Get("return_url") != "https://shop.example.com/account?x=1" || !uuidV4.MatchString(code) {
			t.Fatalf("link query %v", q)
		}
		c, err := p.api.PaywayCompletePasswordResetWithResponse(context.Background(),
			models.PaywayCompletePasswordResetRequest{Id: uid, ConfirmationCode: code, NewPassword: "a-new-long-password"}, bearer(app))
		if err != nil || c.JSON200 == nil || c.JSON200.Id != uid {
			t.Fatalf("complete: %v %d %s", err, c.StatusCode(), c.Body)
		}
		// Every earlier token of the account is revoked; the new password works.
		me, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(session.AccessToken))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, me.StatusCode(), me.Body, 401, "unauthorized", "")
		wantOAuth(t, p.grant(models.PaywayAccessTokenRequest{GrantType: "refresh_token", ClientId: &p.a.id, ClientSecret: &p.a.secret, RefreshToken: session.RefreshToken}), 400, "invalid_grant")
		if r := p.grant(passwordForm(p.a, p.orgA, "jane@example.com", "a-new-long-password", "")); r.StatusCode() != 200 {
			t.Fatalf("login with the new password: %d %s", r.StatusCode(), r.Body)
		}
		if mails := p.mailsTo("jane@example.com"); !hasSubject(mails, "Your password was changed") {
			t.Fatal("no notice of the changed password")
		}
	})
}

func TestPaywayCustomRequestPasswordReset(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		uid := p.member(p.orgA, "jane@example.com")
		app := p.appToken(p.a)
		r, err := p.api.PaywayCustomRequestPasswordResetWithResponse(context.Background(), models.PaywayCustomRequestPasswordResetRequest{
			Email: "jane@example.com", ResetPasswordUrl: "https://shop.example.com/reset", ReturnUrl: "https://shop.example.com/"}, bearer(app))
		if err != nil || r.StatusCode() != 200 || strings.TrimSpace(string(r.Body)) != "{}" {
			t.Fatalf("%v %d %s", err, r.StatusCode(), r.Body)
		}
		code, q := p.codeInLink("jane@example.com", "https://shop.example.com/reset?", "confirmation_code")
		if q.Get("id") != uid || q.Get("return_url") != "https://shop.example.com/" || !uuidV4.MatchString(code) {
			t.Fatalf("link query %v", q)
		}
		for _, bad := range []models.PaywayCustomRequestPasswordResetRequest{
			{Email: "jane@example.com", ResetPasswordUrl: "/relative", ReturnUrl: "https://shop.example.com/"},
			{Email: "jane@example.com", ResetPasswordUrl: "https://shop.example.com/reset", ReturnUrl: "ftp://x"},
		} {
			r, err := p.api.PaywayCustomRequestPasswordResetWithResponse(context.Background(), bad, bearer(app))
			if err != nil {
				t.Fatal(err)
			}
			field := "reset_password_url"
			if strings.HasPrefix(bad.ResetPasswordUrl, "https") {
				field = "return_url"
			}
			wantError(t, r.StatusCode(), r.Body, 400, "invalid_parameter", field)
		}
	})
}

func TestPaywayCreateAndCompletePasswordReset(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		uid := p.member(p.orgA, "jane@example.com")
		bob := p.member(p.orgB, "bob@example.com")
		app := p.appToken(p.a)
		create := func(email string) (int, []byte, *models.PaywayPasswordResetCode) {
			t.Helper()
			r, err := p.api.PaywayCreatePasswordResetWithResponse(context.Background(), models.PaywayCreatePasswordResetRequest{Email: email}, bearer(app))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body, r.JSON200
		}
		complete := func(id, code, pw string) (int, []byte) {
			t.Helper()
			r, err := p.api.PaywayCompletePasswordResetWithResponse(context.Background(),
				models.PaywayCompletePasswordResetRequest{Id: id, ConfirmationCode: code, NewPassword: pw}, bearer(app))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
		st, raw, _ := create("nobody@example.com")
		wantError(t, st, raw, 404, "not_found", "contact_email")
		st, raw, _ = create("bob@example.com")
		wantError(t, st, raw, 409, "account_not_belonging_to_organisation", "")
		st, raw, rc := create("jane@example.com")
		if st != 200 || rc == nil || rc.Item.AccountId != uid || !uuidV4.MatchString(rc.Item.ConfirmationCode) {
			t.Fatalf("%d %s", st, raw)
		}
		if n := len(p.mailsTo("jane@example.com")); n != 0 {
			t.Fatalf("create_password_reset mailed %d times", n)
		}
		st, raw = complete("0123456789abcdef01234567", rc.Item.ConfirmationCode, "a-new-long-password")
		wantError(t, st, raw, 404, "not_found", "id")
		st, raw = complete(bob, rc.Item.ConfirmationCode, "a-new-long-password")
		wantError(t, st, raw, 409, "account_not_belonging_to_organisation", "")
		st, raw = complete(uid, "00000000-0000-4000-8000-000000000000", "a-new-long-password")
		wantError(t, st, raw, 409, "invalid_confirmation_code", "confirmation_code")
		// Parallel completes of one code: one succeeds.
		counts := race(8, func(int) int {
			st, _ := complete(uid, rc.Item.ConfirmationCode, "a-new-long-password")
			return st
		})
		if counts[200] != 1 || counts[409] != 7 {
			t.Fatalf("parallel completes: %v", counts)
		}
	})
}

// Five wrong codes burn the reset code (the attempt is counted before comparing).
func TestPaywayResetCodeAttemptsAreBounded(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		uid := p.member(p.orgA, "jane@example.com")
		app := p.appToken(p.a)
		r, err := p.api.PaywayCreatePasswordResetWithResponse(context.Background(), models.PaywayCreatePasswordResetRequest{Email: "jane@example.com"}, bearer(app))
		if err != nil || r.JSON200 == nil {
			t.Fatalf("%v %s", err, r.Body)
		}
		counts := race(5, func(int) int {
			c, err := p.api.PaywayCompletePasswordResetWithResponse(context.Background(), models.PaywayCompletePasswordResetRequest{
				Id: uid, ConfirmationCode: "00000000-0000-4000-8000-000000000000", NewPassword: "a-new-long-password"}, bearer(app))
			if err != nil {
				t.Error(err)
				return 0
			}
			return c.StatusCode()
		})
		if counts[409] != 5 {
			t.Fatalf("wrong codes: %v", counts)
		}
		c, err := p.api.PaywayCompletePasswordResetWithResponse(context.Background(), models.PaywayCompletePasswordResetRequest{
			Id: uid, ConfirmationCode: r.JSON200.Item.ConfirmationCode, NewPassword: "a-new-long-password"}, bearer(app))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, c.StatusCode(), c.Body, 409, "invalid_confirmation_code", "confirmation_code")
	})
}

func TestPaywayAuthenticationAttempts(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		p.member(p.orgB, "bob@example.com")
		app := p.appToken(p.a)
		report := func(email string, ok bool) (int, []byte, *models.PaywayAuthenticationAttemptsResponse) {
			t.Helper()
			r, err := p.api.PaywayCreateAuthenticationAttemptWithResponse(context.Background(), models.PaywayCreateAuthenticationAttemptRequest{
				Email: email, LoginSuccessful: ok, UserAgent: ptr("Mozilla/5.0"), Persist: ptr(false)}, bearer(app))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body, r.JSON200
		}
		for i := 1; i <= 10; i++ {
			st, raw, got := report("jane@example.com", false)
			if st != 200 || got.Item.FailedAttempts != i || got.Item.AccountFrozen != (i == 10) {
				t.Fatalf("report %d: %d %s", i, st, raw)
			}
		}
		if st, raw, got := report("jane@example.com", true); st != 200 || !got.Item.AccountFrozen {
			t.Fatalf("a reported success lifted the freeze: %d %s", st, raw)
		}
		// The freeze holds for the password grant too.
		wantOAuth(t, p.grant(passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, "")), 400, "invalid_grant")
		st, raw, _ := report("nobody@example.com", false)
		wantError(t, st, raw, 404, "not_found", "email")
		st, raw, _ = report("bob@example.com", false)
		wantError(t, st, raw, 409, "account_not_belonging_to_organisation", "")
		g, err := p.api.PaywayGetAuthenticationAttemptsWithResponse(context.Background(), &models.PaywayGetAuthenticationAttemptsParams{Email: "bob@example.com"}, bearer(app))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, g.StatusCode(), g.Body, 409, "account_not_belonging_to_organisation", "")
	})
}
