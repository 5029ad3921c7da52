package app_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

// One account core serves every vendor, but a token handed out by one vendor's API is never a
// credential for another's: each session belongs to the API that opened it (its audience).
func TestSessionTokensStayWithTheirVendor(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "both@a.example")
		paywayToken := p.userToken(p.a, "both@a.example").AccessToken

		// The same user logged in through Akana: a cookie session.
		b := p.env.browser()
		b.login("both@a.example", goodPassword)
		akanaToken := b.cookie(akanaSession)
		// And through Rixl: a bearer session.
		rixlToken := p.env.rixlLogin("both@a.example", goodPassword).AccessToken

		t.Run("akana_session_is_not_a_payway_user_token", func(t *testing.T) {
			r, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(akanaToken))
			if err != nil {
				t.Fatal(err)
			}
			if r.StatusCode() != http.StatusUnauthorized {
				t.Fatalf("Akana session token on Payway /me: %d %s, want 401", r.StatusCode(), r.Body)
			}
			wantError(t, r.StatusCode(), r.Body, http.StatusUnauthorized, "unauthorized", "")
		})
		t.Run("payway_user_token_is_not_an_akana_session", func(t *testing.T) {
			stranger := p.env.browser()
			r, err := stranger.api.AkanaGetLoginStatusWithResponse(context.Background(), func(_ context.Context, req *http.Request) error {
				req.AddCookie(&http.Cookie{Name: akanaSession, Value: paywayToken})
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if r.JSON200 != nil && r.JSON200.LoginState == models.AkanaLoginInfoLoginStateLoggedIn {
				t.Fatalf("a Payway token in Akana's session cookie logged in: %s", r.Body)
			}
		})
		t.Run("no_foreign_token_is_a_rixl_bearer", func(t *testing.T) {
			for name, tok := range map[string]string{"payway": paywayToken, "akana": akanaToken} {
				if status, _ := p.env.rixlStatus(tok); status != http.StatusUnauthorized {
					t.Fatalf("%s token as Rixl bearer: %d, want 401", name, status)
				}
			}
		})
		t.Run("rixl_token_is_neither_payway_nor_akana", func(t *testing.T) {
			r, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(rixlToken))
			if err != nil || r.StatusCode() != http.StatusUnauthorized {
				t.Fatalf("Rixl token on Payway /me: %v %d %s, want 401", err, r.StatusCode(), r.Body)
			}
			stranger := p.env.browser()
			s, err := stranger.api.AkanaGetLoginStatusWithResponse(context.Background(), func(_ context.Context, req *http.Request) error {
				req.AddCookie(&http.Cookie{Name: akanaSession, Value: rixlToken})
				return nil
			})
			if err != nil || (s.JSON200 != nil && s.JSON200.LoginState == models.AkanaLoginInfoLoginStateLoggedIn) {
				t.Fatalf("a Rixl token in Akana's session cookie: %v %s", err, s.Body)
			}
		})
		t.Run("each_token_still_works_where_it_belongs", func(t *testing.T) {
			if status, _ := p.env.rixlStatus(rixlToken); status != http.StatusOK {
				t.Fatalf("Rixl status with its own token: %d", status)
			}
			r, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(paywayToken))
			if err != nil || r.StatusCode() != http.StatusOK {
				t.Fatalf("Payway /me with its own token: %v %d %s", err, r.StatusCode(), r.Body)
			}
			s, err := b.api.AkanaGetLoginStatusWithResponse(context.Background())
			if err != nil || s.JSON200 == nil || s.JSON200.LoginState != models.AkanaLoginInfoLoginStateLoggedIn {
				t.Fatalf("Akana status with its own session: %v %s", err, s.Body)
			}
		})
	})
}
