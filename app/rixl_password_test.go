package app_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/gen/models"
	"github.com/accountd/accountd/mail/mailtest"
)

// rixlResetToken delivers due mail and returns the token of the newest Rixl reset link to addr.
func (e *env) rixlResetToken(addr string) string {
	e.t.Helper()
	prefix := publicURL + "/auth/reset-password?token="
	mails := e.mailsTo(addr)
	for i := len(mails) - 1; i >= 0; i-- {
		if link, ok := mailtest.FindLink(mails[i].Text, prefix); ok {
			return strings.TrimPrefix(link, prefix)
		}
	}
	e.t.Fatalf("no reset link to %s in %d mails", addr, len(mails))
	return ""
}

func TestRixlPasswordReset(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		first := e.rixlSignup("reset@example.com")
		second := e.rixlLoginTokens("reset@example.com", goodPassword)

		reset := func(addr string) *http.Response {
			r, err := e.api.RixlEmailServiceSendPasswordResetWithResponse(ctx, models.RixlSendPasswordResetRequest{Email: addr})
			if err != nil {
				t.Fatal(err)
			}
			return r.HTTPResponse
		}
		for _, addr := range []string{"reset@example.com", "nobody@example.com"} {
			if r := reset(addr); r.StatusCode != http.StatusOK {
				t.Fatalf("reset %s: %d", addr, r.StatusCode)
			}
		}
		if n := len(e.mailsTo("nobody@example.com")); n != 0 {
			t.Fatalf("%d mails to an unknown address", n)
		}
		tok := e.rixlResetToken("reset@example.com")

		confirm := func(token, pw string) (int, []byte) {
			r, err := e.api.RixlEmailServiceResetPasswordWithResponse(ctx, models.RixlResetPasswordRequest{Token: token, NewPassword: pw})
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
		s, raw := confirm(tok, "123")
		rixlErrorWith(t, s, raw, http.StatusBadRequest, "new_password")
		s, raw = confirm("not-a-token", "another-long-passphrase")
		rixlErrorWith(t, s, raw, http.StatusBadRequest, "token")
		if s, raw = confirm(tok, "another-long-passphrase"); s != http.StatusOK {
			t.Fatalf("confirm: %d %s", s, raw)
		}
		s, raw = confirm(tok, "yet-another-passphrase")
		rixlError(t, s, raw, http.StatusBadRequest) // used

		// Every session and token of the account is gone.
		for _, tk := range []models.RixlTokenResponse{first, second} {
			if s, _ := e.rixlStatus(tk.AccessToken); s != http.StatusUnauthorized {
				t.Fatalf("an access token answers %d after the reset", s)
			}
			r, err := e.api.RixlTokenServiceRefreshTokenWithResponse(ctx, models.RixlRefreshTokenRequest{RefreshToken: tk.RefreshToken})
			if err != nil {
				t.Fatal(err)
			}
			rixlError(t, r.StatusCode(), r.Body, http.StatusUnauthorized)
		}
		l, err := e.api.RixlEmailServiceLoginWithResponse(ctx, models.RixlLoginRequest{Email: "reset@example.com", Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		rixlError(t, l.StatusCode(), l.Body, http.StatusUnauthorized)
		e.rixlLogin("reset@example.com", "another-long-passphrase")
	})
}

func TestRixlLeaveOrganization(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		org, err := e.app.Core.CreateOrganization(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		member := func(email, role string) string {
			if _, err := e.app.Core.CreateUser(ctx, account.CreateUserInput{Email: email, Password: goodPassword,
				Verified: true, OrgID: org.ID, Role: role}); err != nil {
				t.Fatal(err)
			}
			return e.rixlLogin(email, goodPassword).AccessToken
		}
		admin, admin2, plain := member("boss@example.com", "business_admin"), member("boss2@example.com", "business_admin"),
			member("staff@example.com", "member")
		outsider := e.rixlSignup("outsider@example.com").AccessToken
		leave := func(tok, orgID string) (int, []byte) {
			r, err := e.api.RixlMembershipServiceLeaveOrganizationWithResponse(ctx, orgID, nil, bearer(tok))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body
		}
		s, raw := leave(outsider, org.ID)
		rixlErrorWith(t, s, raw, http.StatusNotFound, "not a member")
		s, raw = leave(plain, "no-such-org")
		rixlError(t, s, raw, http.StatusNotFound)
		if s, raw = leave(plain, org.ID); s != http.StatusOK {
			t.Fatalf("a member leaves: %d %s", s, raw)
		}
		s, raw = leave(plain, org.ID)
		rixlError(t, s, raw, http.StatusNotFound)

		// Both admins at once: one leaves, the last stays.
		tokens := []string{admin, admin2}
		got := race(2, func(i int) int { s, _ := leave(tokens[i], org.ID); return s })
		if got[http.StatusOK] != 1 || got[http.StatusConflict] != 1 {
			t.Fatalf("two admins leaving: %v", got)
		}
		for _, tk := range tokens {
			if s, raw := leave(tk, org.ID); s != http.StatusNotFound {
				rixlErrorWith(t, s, raw, http.StatusConflict, "Last business admin")
			}
		}
		s, raw = leave("", org.ID)
		rixlError(t, s, raw, http.StatusUnauthorized)
	})
}
