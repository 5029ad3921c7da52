package app_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/accountd/accountd/gen/models"
)

func TestRixlSignupAndLogin(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		id := e.rixlRegister("ann@example.com")

		// The address is taken from now on; a weak password is refused before that is said.
		r, err := e.api.RixlEmailServiceRegisterWithResponse(ctx, models.RixlRegisterRequest{Email: "Ann@example.com", Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		rixlErrorWith(t, r.StatusCode(), r.Body, http.StatusConflict, "already in use")
		r, err = e.api.RixlEmailServiceRegisterWithResponse(ctx, models.RixlRegisterRequest{Email: "ann@example.com", Password: "123"})
		if err != nil {
			t.Fatal(err)
		}
		rixlErrorWith(t, r.StatusCode(), r.Body, http.StatusBadRequest, "password")

		// Before verification: a session, status email_not_verified, requires_action.
		login := e.rixlLogin("ann@example.com", goodPassword)
		if login.Status != models.RixlLoginResponseStatusEmailNotVerified || login.RequiresAction != models.RixlRequiresActionVerifyEmail ||
			login.Email != "ann@example.com" || login.SessionId == "" || login.ExpiresIn != 900 ||
			login.TokenType != models.RixlTokenTypeBearer || login.RefreshToken == "" {
			t.Fatalf("login before verification: %+v", login)
		}
		if s, st := e.rixlStatus(login.AccessToken); s != http.StatusOK || st.Verified || !st.HasEmail || st.Email != "ann@example.com" {
			t.Fatalf("status before verification: %d %+v", s, st)
		}

		// Verification: a wrong code counts, the right one signs in.
		code := e.rixlCode("ann@example.com")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		v := e.rixlVerify(id, wrong)
		rixlErrorWith(t, v.StatusCode(), v.Body, http.StatusBadRequest, "code")
		v = e.rixlVerify(id, code)
		if v.StatusCode() != http.StatusOK || v.JSON200 == nil || !v.JSON200.Verified || v.JSON200.Email != "ann@example.com" ||
			v.JSON200.Tokens == nil || v.JSON200.Tokens.AccessToken == "" || v.JSON200.Tokens.RequiresAction != models.RixlRequiresActionEmpty {
			t.Fatalf("verify: %d %s", v.StatusCode(), v.Body)
		}
		if got := v.HTTPResponse.Header.Get("Cache-Control"); got != "no-store" {
			t.Fatalf("Cache-Control %q", got)
		}
		v = e.rixlVerify(id, code)
		rixlError(t, v.StatusCode(), v.Body, http.StatusBadRequest) // used

		login = e.rixlLogin("ann@example.com", goodPassword)
		if login.Status != models.RixlLoginResponseStatusOk || login.RequiresAction != models.RixlRequiresActionEmpty {
			t.Fatalf("login after verification: %+v", login)
		}
		if s, st := e.rixlStatus(login.AccessToken); s != http.StatusOK || !st.Verified {
			t.Fatalf("status after verification: %d %+v", s, st)
		}

		// Wrong password and unknown address: the same 401.
		for _, c := range []models.RixlLoginRequest{{Email: "ann@example.com", Password: "wrong-password"}, {Email: "nobody@example.com", Password: goodPassword}} {
			l, err := e.api.RixlEmailServiceLoginWithResponse(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			body := rixlError(t, l.StatusCode(), l.Body, http.StatusUnauthorized)
			if body.Error != "Invalid email or password" || l.HTTPResponse.Header.Get("WWW-Authenticate") != "Bearer" {
				t.Fatalf("login %s: %s", c.Email, l.Body)
			}
		}
	})
}

func TestRixlRefreshRotatesAndReuseRevokes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.rixlSignup("rot@example.com")
		first := e.rixlLoginTokens("rot@example.com", goodPassword)
		refresh := func(tok string) (int, *models.RixlTokenResponse, []byte) {
			t.Helper()
			r, err := e.api.RixlTokenServiceRefreshTokenWithResponse(ctx, models.RixlRefreshTokenRequest{RefreshToken: tok})
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.JSON200, r.Body
		}
		s, second, raw := refresh(first.RefreshToken)
		if s != http.StatusOK || second.AccessToken == first.AccessToken || second.RefreshToken == first.RefreshToken || second.ExpiresIn != 900 {
			t.Fatalf("refresh: %d %s", s, raw)
		}
		if s, _ := e.rixlStatus(second.AccessToken); s != http.StatusOK {
			t.Fatalf("the new access token: %d", s)
		}
		// The used refresh token again: refused, and the whole session is revoked.
		s, _, raw = refresh(first.RefreshToken)
		rixlErrorWith(t, s, raw, http.StatusUnauthorized, "already used")
		for _, tok := range []string{first.AccessToken, second.AccessToken} {
			if s, _ := e.rixlStatus(tok); s != http.StatusUnauthorized {
				t.Fatalf("a token of the revoked session answers %d", s)
			}
		}
		s, _, raw = refresh(second.RefreshToken)
		rixlError(t, s, raw, http.StatusUnauthorized)
		s, _, raw = refresh("not-a-token")
		rixlErrorWith(t, s, raw, http.StatusUnauthorized, "Invalid refresh token")

		// Access tokens live 15 minutes.
		fresh := e.rixlLoginTokens("rot@example.com", goodPassword)
		e.clock.Advance(15*time.Minute + time.Second)
		if s, _ := e.rixlStatus(fresh.AccessToken); s != http.StatusUnauthorized {
			t.Fatalf("an expired access token answers %d", s)
		}
		if s, _, raw := refresh(fresh.RefreshToken); s != http.StatusOK {
			t.Fatalf("refresh after the access token expired: %d %s", s, raw)
		}
	})
}

func TestRixlLogoutEndsTheSession(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		e.rixlSignup("out@example.com")
		a := e.rixlLoginTokens("out@example.com", goodPassword)
		b := e.rixlLoginTokens("out@example.com", goodPassword)
		r, err := e.api.RixlTokenServiceLogoutWithResponse(ctx, models.RixlLogoutRequest{}, bearer(a.AccessToken))
		if err != nil || r.StatusCode() != http.StatusOK {
			t.Fatalf("logout: %v %d %s", err, r.StatusCode(), r.Body)
		}
		if s, _ := e.rixlStatus(a.AccessToken); s != http.StatusUnauthorized {
			t.Fatalf("the ended session's access token answers %d", s)
		}
		rr, err := e.api.RixlTokenServiceRefreshTokenWithResponse(ctx, models.RixlRefreshTokenRequest{RefreshToken: a.RefreshToken})
		if err != nil {
			t.Fatal(err)
		}
		rixlError(t, rr.StatusCode(), rr.Body, http.StatusUnauthorized)
		if s, _ := e.rixlStatus(b.AccessToken); s != http.StatusOK {
			t.Fatalf("another session answers %d after logout", s)
		}
		// No token, a malformed one, a Webshare-style one: 401 in Rixl's body.
		for _, h := range []string{"", "Bearer", "Bearer a b", "Token " + b.AccessToken, "Bearer " + a.AccessToken} {
			resp, body := e.raw("POST", "/auth/v1/logout", "", "", "Authorization", h)
			rixlError(t, resp.StatusCode, []byte(body), http.StatusUnauthorized)
			if resp.Header.Get("WWW-Authenticate") != "Bearer" {
				t.Fatalf("401 without WWW-Authenticate: Bearer for %q", h)
			}
		}
	})
}

// A suspended account: its tokens and its codes stop working, with 403 in Rixl's body.
func TestRixlSuspendedAccount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.rixlSignup("sus@example.com").AccessToken
		r := e.rixlChange(tok, "sus2@example.com")
		if r.StatusCode() != http.StatusOK {
			t.Fatalf("change: %d %s", r.StatusCode(), r.Body)
		}
		code := e.rixlCode("sus2@example.com")
		if err := e.app.DB.Exec("UPDATE users SET status = 'suspended'").Error; err != nil {
			t.Fatal(err)
		}
		l, err := e.api.RixlEmailServiceLoginWithResponse(ctx, models.RixlLoginRequest{Email: "sus@example.com", Password: goodPassword})
		if err != nil {
			t.Fatal(err)
		}
		rixlErrorWith(t, l.StatusCode(), l.Body, http.StatusForbidden, "suspended")
		s, err := e.api.RixlEmailServiceGetUserEmailStatusWithResponse(ctx, nil, bearer(tok))
		if err != nil {
			t.Fatal(err)
		}
		rixlError(t, s.StatusCode(), s.Body, http.StatusForbidden)
		v := e.rixlVerify(r.JSON200.VerificationId, code)
		rixlError(t, v.StatusCode(), v.Body, http.StatusForbidden)
	})
}
