package app_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/accountd/accountd/gen/models"
)

// RFC 6749 section 2.3.1: client credentials (and section 4.3.2 the resource owner's password)
// go in the request body and MUST NOT be in the request URI, where proxies and access logs keep
// them. The generated wrapper reads Echo's FormParams, which merge the query into the form, so
// the token endpoint once took them from there and answered 200.
func TestPaywayTokenRefusesCredentialsInTheQuery(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		p := newPayway(t, dsn)
		p.member(p.orgA, "jane@example.com")
		session := p.userToken(p.a, "jane@example.com")

		// query sends the token request with form in the body and extra in the URL query.
		query := func(t *testing.T, form models.PaywayAccessTokenRequest, extra url.Values) {
			t.Helper()
			r, err := p.api.PaywayAccessTokenWithFormdataBodyWithResponse(context.Background(), form,
				func(_ context.Context, r *http.Request) error {
					r.URL.RawQuery = extra.Encode()
					return nil
				})
			if err != nil {
				t.Fatal(err)
			}
			wantOAuth(t, r, http.StatusBadRequest, "invalid_request")
		}
		noSecret := passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, "")
		noSecret.ClientSecret, noSecret.Password = nil, nil
		for _, tc := range []struct {
			name  string
			form  models.PaywayAccessTokenRequest
			query url.Values
		}{
			// The request: the secret and the password only in the query.
			{"secret_and_password_only_in_the_query", noSecret,
				url.Values{"client_secret": {p.a.secret}, "password": {goodPassword}}},
			{"client_secret_also_in_the_query", passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, ""),
				url.Values{"client_secret": {p.a.secret}}},
			{"password_also_in_the_query", passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, ""),
				url.Values{"password": {goodPassword}}},
			{"empty_password_in_the_query", passwordForm(p.a, p.orgA, "jane@example.com", goodPassword, ""),
				url.Values{"password": {""}}},
			{"refresh_token_in_the_query",
				models.PaywayAccessTokenRequest{GrantType: "refresh_token", ClientId: &p.a.id, ClientSecret: &p.a.secret},
				url.Values{"refresh_token": {*session.RefreshToken}}},
			{"application_grant_secret_in_the_query",
				models.PaywayAccessTokenRequest{GrantType: "none", ClientId: &p.a.id},
				url.Values{"client_secret": {p.a.secret}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				query(t, tc.form, tc.query)
			})
		}

		// The refused refresh spent nothing: the refresh token still works once, from the body.
		r := p.grant(models.PaywayAccessTokenRequest{GrantType: "refresh_token", ClientId: &p.a.id, ClientSecret: &p.a.secret,
			RefreshToken: session.RefreshToken})
		if r.StatusCode() != http.StatusOK {
			t.Fatalf("refresh from the body after the refused one: %d %s", r.StatusCode(), r.Body)
		}
		// The refused password grants counted no failed login.
		at := p.grant(models.PaywayAccessTokenRequest{GrantType: "none", ClientId: &p.a.id, ClientSecret: &p.a.secret})
		if at.JSON200 == nil {
			t.Fatalf("application grant: %d %s", at.StatusCode(), at.Body)
		}
		attempts, err := p.api.PaywayGetAuthenticationAttemptsWithResponse(context.Background(),
			&models.PaywayGetAuthenticationAttemptsParams{Email: "jane@example.com"}, bearer(at.JSON200.AccessToken))
		if err != nil || attempts.JSON200 == nil {
			t.Fatalf("%v %d %s", err, attempts.StatusCode(), attempts.Body)
		}
		if n := attempts.JSON200.Item.FailedAttempts; n != 0 {
			t.Fatalf("failed attempts %d after refused requests, want 0", n)
		}
	})
}
