package app_test

import (
	"net/http"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

// Password reset with a mailed code: the same answer for known and unknown addresses; the code
// checks against its address; using it sets the password, ends every session, logs in.
func TestAkanaPasswordReset(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		jane := e.akanaAccount("jane@a.example", "", "")
		anon := e.browser()
		send := func(addr string) int {
			t.Helper()
			r, err := anon.api.AkanaSendPasswordResetCodeWithResponse(ctx, &models.AkanaSendPasswordResetCodeParams{EmailAddress: addr},
				header("Content-Type", "application/x-www-form-urlencoded"))
			if err != nil {
				t.Fatal(err)
			}
			akanaErrorOf(t, r.Body, r.StatusCode())
			return r.StatusCode()
		}
		check := func(addr, code string) int {
			t.Helper()
			r, err := anon.api.AkanaValidatePasswordResetCodeWithResponse(ctx,
				&models.AkanaValidatePasswordResetCodeParams{EmailAddress: addr, PasswordResetCode: code})
			if err != nil {
				t.Fatal(err)
			}
			akanaErrorOf(t, r.Body, r.StatusCode())
			return r.StatusCode()
		}
		use := func(b *akanaUser, addr, code, pw string) (int, *models.AkanaLoginInfo) {
			t.Helper()
			r, err := b.api.AkanaAuthenticateWithPasswordResetCodeWithResponse(ctx, models.AkanaAuthenticateWithPasswordResetCodeRequest{
				EmailAddress: addr, PasswordResetCode: code, NewPassword: pw})
			if err != nil {
				t.Fatal(err)
			}
			akanaErrorOf(t, r.Body, r.StatusCode())
			return r.StatusCode(), r.JSON200
		}

		if got := send("nobody@a.example"); got != http.StatusOK {
			t.Fatalf("unknown address: %d", got)
		}
		if got := send("jane@a.example"); got != http.StatusOK {
			t.Fatalf("known address: %d", got)
		}
		if n := len(e.mailsTo("nobody@a.example")); n != 0 {
			t.Fatalf("%d mails to an unknown address", n)
		}
		code := e.mailedCode("jane@a.example")
		for _, c := range []struct {
			name, addr, code string
		}{{"another address", "other@a.example", code}, {"a wrong code", "jane@a.example", code + "x"}} {
			if got := check(c.addr, c.code); got != http.StatusBadRequest {
				t.Fatalf("%s: %d", c.name, got)
			}
		}
		if got := check("JANE@a.example", code); got != http.StatusOK {
			t.Fatalf("the code: %d", got)
		}
		if got, _ := use(e.browser(), "jane@a.example", code, "123"); got != http.StatusBadRequest {
			t.Fatalf("a weak password: %d", got)
		}
		fresh := e.browser()
		got, info := use(fresh, "jane@a.example", code, "staple-lantern-orbit")
		if got != http.StatusOK || info == nil || info.LoginState != models.AkanaLoginInfoLoginStateLoggedIn || *info.UserFDN != jane.fdn {
			t.Fatalf("reset: %d %+v", got, info)
		}
		if fresh.cookie(akanaSession) == "" || fresh.cookie(akanaCSRFCookie) == "" {
			t.Fatal("the reset did not log in")
		}
		if got, _ := use(e.browser(), "jane@a.example", code, "another-passphrase-9"); got != http.StatusBadRequest {
			t.Fatalf("a used code: %d", got)
		}
		// The session from before the reset is over; the new one works; so does the new password.
		if status, _, raw := jane.sendEmailChangeCode(jane.fdn, "x@a.example"); status != http.StatusUnauthorized {
			t.Fatalf("old session after reset: %d %s", status, raw)
		}
		if status, _, raw := fresh.sendEmailChangeCode(jane.fdn, "x@a.example"); status != http.StatusOK {
			t.Fatalf("new session: %d %s", status, raw)
		}
		e.browser().login("jane@a.example", "staple-lantern-orbit")
	})
}

// PUT /api/users/{UserID}/password: the current password, one's own account only; the other
// sessions end, this one goes on.
func TestAkanaChangePassword(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newAkanaEnv(t, dsn)
		acme := e.org("Acme")
		admin := e.akanaAccount("admin@acme.example", acme, "site_admin")
		jane := e.akanaAccount("jane@acme.example", acme, "member")
		janeElsewhere := e.browser()
		janeElsewhere.login("jane@acme.example", goodPassword)
		change := func(b *akanaUser, fdn, old, next string) (int, string) {
			t.Helper()
			r, err := b.api.AkanaChangePasswordWithResponse(ctx, fdn, models.AkanaChangePasswordRequest{OldPassword: old, NewPassword: next}, b.csrf())
			if err != nil {
				t.Fatal(err)
			}
			akanaErrorOf(t, r.Body, r.StatusCode())
			return r.StatusCode(), string(r.Body)
		}
		for _, c := range []struct {
			name     string
			b        *akanaUser
			fdn, old string
			next     string
			status   int
		}{
			{"a site admin on a member", admin, jane.fdn, goodPassword, "staple-lantern-orbit", http.StatusForbidden},
			{"no such user", jane, "nobody", goodPassword, "staple-lantern-orbit", http.StatusNotFound},
			{"a wrong current password", jane, jane.fdn, "not-the-password", "staple-lantern-orbit", http.StatusBadRequest},
			{"a weak new password", jane, jane.fdn, goodPassword, "123", http.StatusBadRequest},
			{"the user", jane, jane.fdn, goodPassword, "staple-lantern-orbit", http.StatusOK},
		} {
			if got, raw := change(c.b, c.fdn, c.old, c.next); got != c.status {
				t.Fatalf("%s: %d %s, want %d", c.name, got, raw, c.status)
			}
		}
		if status, _, raw := jane.sendEmailChangeCode(jane.fdn, "j2@acme.example"); status != http.StatusOK {
			t.Fatalf("this session after the change: %d %s", status, raw)
		}
		if status, _, raw := janeElsewhere.sendEmailChangeCode(jane.fdn, "j3@acme.example"); status != http.StatusUnauthorized {
			t.Fatalf("the other session after the change: %d %s", status, raw)
		}
		e.browser().login("jane@acme.example", "staple-lantern-orbit")
	})
}
