package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

func TestPaywayPasswordGrant(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		p.member(p.orgB, "bob@example.com")

		t.Run("success", func(t *testing.T) {
			r := p.grant(passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, meW+" "+meR))
			if r.StatusCode() != 200 || r.JSON200 == nil {
				t.Fatalf("%d %s", r.StatusCode(), r.Body)
			}
			b := r.JSON200
			if b.TokenType != "Bearer" || b.ExpiresIn != 3600 || b.AccessToken == "" || b.RefreshToken == nil || b.Scope != meW+" "+meR {
				t.Fatalf("token body %s", r.Body)
			}
			if cc := r.HTTPResponse.Header.Get("Cache-Control"); cc != "no-store" {
				t.Fatalf("Cache-Control %q", cc)
			}
		})
		t.Run("default_scope_is_the_clients_user_scopes", func(t *testing.T) {
			r := p.grant(passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, ""))
			if r.JSON200 == nil || r.JSON200.Scope != meR+" "+meW {
				t.Fatalf("%d %s", r.StatusCode(), r.Body)
			}
		})
		for _, tc := range []struct {
			name     string
			form     models.PaywayAccessTokenRequest
			status   int
			oauthErr string
		}{
			{"wrong_password", passwordForm(p.a, p.orgA, "jane@example.com", "wrong-password", ""), 400, "invalid_grant"},
			{"unknown_address", passwordForm(p.a, p.orgA, "nobody@example.com", goodPassword, ""), 400, "invalid_grant"},
			{"member_of_another_organisation", passwordForm(p.a, p.orgA, "bob@example.com", goodPassword, ""), 400, "invalid_grant"},
			{"organisation_not_the_clients", passwordForm(p.a, p.orgB, "bob@example.com", goodPassword, ""), 400, "invalid_grant"},
			{"application_scope_on_a_user_token", passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, acctW), 400, "invalid_scope"},
			{"unknown_scope", passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, "/admin"), 400, "invalid_scope"},
			{"username_without_caret", func() models.PaywayAccessTokenRequest {
				f := passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, "")
				f.Username = ptr("jane@example.com")
				return f
			}(), 400, "invalid_request"},
			{"wrong_client_secret", func() models.PaywayAccessTokenRequest {
				c := p.a
				c.secret += "x"
				return passwordForm(c, p.orgA, "jane@example.com", goodPassword, "")
			}(), 401, "invalid_client"},
			{"no_client", models.PaywayAccessTokenRequest{GrantType: "none"}, 401, "invalid_client"},
			{"unsupported_grant", models.PaywayAccessTokenRequest{GrantType: "ticket", Ticket: ptr("x"), ClientId: &p.a.id, ClientSecret: &p.a.secret}, 400, "unsupported_grant_type"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := p.grant(tc.form)
				wantOAuth(t, r, tc.status, tc.oauthErr)
				if tc.oauthErr == "invalid_grant" && r.JSON400.ErrorDescription != "Username/password do not match" {
					t.Fatalf("description %q", r.JSON400.ErrorDescription)
				}
			})
		}
	})
}

// A client holding only some scopes cannot get more, on either grant.
func TestPaywayScopesNeverExceedTheClients(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		reader := p.client(p.orgA, []string{meR, acctR}, false)
		wantOAuth(t, p.grant(passwordForm(reader, p.orgA, "jane@example.com", goodPassword, meW)), 400, "invalid_scope")
		wantOAuth(t, p.grant(models.PaywayAccessTokenRequest{GrantType: "none", ClientId: &reader.id, ClientSecret: &reader.secret, Scope: ptr(acctW)}), 400, "invalid_scope")

		user := p.grant(passwordForm(reader, p.orgA, "jane@example.com", goodPassword, ""))
		if user.JSON200 == nil || user.JSON200.Scope != meR {
			t.Fatalf("%d %s", user.StatusCode(), user.Body)
		}
		app := p.grant(models.PaywayAccessTokenRequest{GrantType: "none", ClientId: &reader.id, ClientSecret: &reader.secret})
		if app.JSON200 == nil || app.JSON200.Scope != acctR || app.JSON200.RefreshToken != nil {
			t.Fatalf("%d %s", app.StatusCode(), app.Body)
		}
		// The read-only user token reads /me but cannot change it: 403.
		me, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(user.JSON200.AccessToken))
		if err != nil || me.StatusCode() != 200 {
			t.Fatalf("%v %d %s", err, me.StatusCode(), me.Body)
		}
		ch, err := p.api.PaywayRequestEmailChangeWithResponse(context.Background(), models.PaywayRequestEmailChangeRequest{NewEmail: "x@example.com"}, bearer(user.JSON200.AccessToken))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, ch.StatusCode(), ch.Body, 403, "insufficient_scope", "")
		if !strings.Contains(string(ch.Body), meW) {
			t.Fatalf("the 403 should name the missing scope: %s", ch.Body)
		}
		// The read-only application token reads attempts but cannot create a reset.
		at, err := p.api.PaywayGetAuthenticationAttemptsWithResponse(context.Background(), &models.PaywayGetAuthenticationAttemptsParams{Email: "jane@example.com"}, bearer(app.JSON200.AccessToken))
		if err != nil || at.StatusCode() != 200 {
			t.Fatalf("%v %d %s", err, at.StatusCode(), at.Body)
		}
		cr, err := p.api.PaywayCreatePasswordResetWithResponse(context.Background(), models.PaywayCreatePasswordResetRequest{Email: "jane@example.com"}, bearer(app.JSON200.AccessToken))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, cr.StatusCode(), cr.Body, 403, "insufficient_scope", "")
	})
}

// 401 for no, unknown, expired or revoked tokens; 403 for the wrong kind of token.
func TestPaywayTokenKindsAndStatuses(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		user := p.userToken(p.a, "jane@example.com").AccessToken
		app := p.appToken(p.a)
		me := func(editors ...func(context.Context, *http.Request) error) (int, []byte, string) {
			t.Helper()
			var eds []func(context.Context, *http.Request) error
			eds = append(eds, editors...)
			r, err := p.api.PaywayGetMeWithResponse(context.Background(), toEditors(eds)...)
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode(), r.Body, r.HTTPResponse.Header.Get("WWW-Authenticate")
		}
		st, raw, www := me()
		wantError(t, st, raw, 401, "unauthorized", "")
		if www != "Bearer" {
			t.Fatalf("WWW-Authenticate %q", www)
		}
		st, raw, _ = me(bearer("not-a-token"))
		wantError(t, st, raw, 401, "unauthorized", "")
		// An application token cannot call /me; a user token cannot call the accounts API.
		st, raw, _ = me(bearer(app))
		wantError(t, st, raw, 403, "insufficient_scope", "")
		cr, err := p.api.PaywayCreatePasswordResetWithResponse(context.Background(), models.PaywayCreatePasswordResetRequest{Email: "jane@example.com"}, bearer(user))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, cr.StatusCode(), cr.Body, 403, "insufficient_scope", "")
		// Tokens live one hour.
		p.clock.Advance(3600e9)
		st, raw, _ = me(bearer(user))
		wantError(t, st, raw, 401, "unauthorized", "")
		at, err := p.api.PaywayGetAuthenticationAttemptsWithResponse(context.Background(), &models.PaywayGetAuthenticationAttemptsParams{Email: "jane@example.com"}, bearer(app))
		if err != nil {
			t.Fatal(err)
		}
		wantError(t, at.StatusCode(), at.Body, 401, "unauthorized", "")
	})
}

// The refresh token rotates; a spent one revokes its whole chain; parallel refreshes of one
// token: one success.
func TestPaywayRefreshRotation(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		refresh := func(c apiClient, rt string) *models.PaywayTokenResponse {
			t.Helper()
			r := p.grant(models.PaywayAccessTokenRequest{GrantType: "refresh_token", ClientId: &c.id, ClientSecret: &c.secret, RefreshToken: &rt})
			if r.StatusCode() == 200 {
				return r.JSON200
			}
			wantOAuth(t, r, 400, "invalid_grant")
			return nil
		}
		meStatus := func(tok string) int {
			t.Helper()
			r, err := p.api.PaywayGetMeWithResponse(context.Background(), bearer(tok))
			if err != nil {
				t.Fatal(err)
			}
			return r.StatusCode()
		}
		first := p.userToken(p.a, "jane@example.com")
		other := p.userToken(p.a, "jane@example.com") // another login, another chain
		if refresh(p.b, *first.RefreshToken) != nil {
			t.Fatal("another client refreshed the token")
		}
		second := refresh(p.a, *first.RefreshToken)
		if second == nil || second.RefreshToken == nil || *second.RefreshToken == *first.RefreshToken || second.Scope != first.Scope {
			t.Fatal("refresh did not rotate")
		}
		third := refresh(p.a, *second.RefreshToken)
		if third == nil || meStatus(third.AccessToken) != 200 {
			t.Fatal("the rotated token does not work")
		}
		// The first refresh token again: the chain dies, the other login lives.
		if refresh(p.a, *first.RefreshToken) != nil {
			t.Fatal("a spent refresh token refreshed")
		}
		for i, tok := range []string{first.AccessToken, second.AccessToken, third.AccessToken} {
			if st := meStatus(tok); st != 401 {
				t.Fatalf("access token %d of the revoked chain: %d", i, st)
			}
		}
		if refresh(p.a, *third.RefreshToken) != nil {
			t.Fatal("the newest refresh token of a revoked chain refreshed")
		}
		if meStatus(other.AccessToken) != 200 {
			t.Fatal("another login was revoked")
		}
		counts := race(8, func(int) int {
			r, err := p.api.PaywayAccessTokenWithFormdataBodyWithResponse(context.Background(), models.PaywayAccessTokenRequest{
				GrantType: "refresh_token", ClientId: &p.a.id, ClientSecret: &p.a.secret, RefreshToken: other.RefreshToken})
			if err != nil {
				t.Error(err)
				return 0
			}
			return r.StatusCode()
		})
		if counts[200] != 1 || counts[400] != 7 {
			t.Fatalf("parallel refreshes: %v, want one 200", counts)
		}
		if meStatus(other.AccessToken) != 401 {
			t.Fatal("reuse in the race did not revoke the chain")
		}
	})
}

// Failed password grants count towards the freeze that get_authentication_attempts reports.
func TestPaywayFailedGrantsFreezeTheAccount(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		app := p.appToken(p.a)
		attempts := func() models.PaywayAuthenticationAttemptsResponse {
			t.Helper()
			r, err := p.api.PaywayGetAuthenticationAttemptsWithResponse(context.Background(), &models.PaywayGetAuthenticationAttemptsParams{Email: "jane@example.com"}, bearer(app))
			if err != nil || r.JSON200 == nil {
				t.Fatalf("%v %s", err, r.Body)
			}
			return *r.JSON200
		}
		counts := race(15, func(int) int {
			r, err := p.api.PaywayAccessTokenWithFormdataBodyWithResponse(context.Background(), passwordForm(p.a, p.orgA, "jane@example.com", "wrong-password", ""))
			if err != nil {
				t.Error(err)
				return 0
			}
			return r.StatusCode()
		})
		if counts[400] != 15 {
			t.Fatalf("statuses %v", counts)
		}
		if a := attempts(); !a.Item.AccountFrozen || a.Item.FailedAttempts < 10 {
			t.Fatalf("after 15 failures: %+v", a.Item)
		}
		r := p.grant(passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, ""))
		wantOAuth(t, r, 400, "invalid_grant")
		if !strings.Contains(r.JSON400.ErrorDescription, "frozen") {
			t.Fatalf("description %q", r.JSON400.ErrorDescription)
		}
		p.clock.Advance(30 * 60e9)
		if a := attempts(); a.Item.AccountFrozen {
			t.Fatalf("still frozen after the window: %+v", a.Item)
		}
		app = p.appToken(p.a)
		p.userToken(p.a, "jane@example.com")
	})
}

func toEditors(fns []func(context.Context, *http.Request) error) []clientEditor {
	out := make([]clientEditor, len(fns))
	for i, f := range fns {
		out[i] = f
	}
	return out
}
