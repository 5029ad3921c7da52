package account

import (
	"context"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
)

var testLifetimes = TokenLifetimes{Access: 15 * time.Minute, Refresh: 24 * time.Hour}

func startTestSession(t *testing.T, s *Service, userID string, spec SessionSpec) SessionTokens {
	t.Helper()
	if spec.Lifetimes == (TokenLifetimes{}) {
		spec.Lifetimes = testLifetimes
	}
	tok, err := s.StartSession(context.Background(), userID, spec)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// wantCode fails unless err is an *Error with code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if e := AsError(err); e.Code != code {
		t.Fatalf("got %v, want code %s", err, code)
	}
}

// accessWorks tells whether an access token still authenticates.
func accessWorks(t *testing.T, s *Service, token string) bool {
	t.Helper()
	_, err := s.AuthenticateSession(context.Background(), "", token)
	if err != nil && AsError(err).Kind != KindUnauthenticated {
		t.Fatalf("authenticate: %v", err)
	}
	return err == nil
}

func TestSessionStartAuthenticateRefresh(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "sess@example.com")
		tok := startTestSession(t, s, uid, SessionSpec{Scopes: []string{"a", "b"}, WithSecret: true})
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.Secret == "" || tok.SessionID == "" {
			t.Fatalf("incomplete tokens: %+v", tok)
		}
		if want := s.now().Add(15 * time.Minute); !tok.AccessExpiresAt.Equal(want) {
			t.Fatalf("access expires %v, want %v", tok.AccessExpiresAt, want)
		}
		p, err := s.AuthenticateSession(ctx, "", tok.AccessToken)
		if err != nil {
			t.Fatal(err)
		}
		if p.UserID != uid || p.SessionID != tok.SessionID || len(p.Scopes) != 2 || p.ClientID != "" {
			t.Fatalf("principal %+v", p)
		}
		// The plain Authenticate accepts session access tokens too (one credentials table).
		if _, err := s.Authenticate(ctx, tok.AccessToken, models.CredentialAccessToken); err != nil {
			t.Fatal(err)
		}
		// A refresh token is not an access token.
		if accessWorks(t, s, tok.RefreshToken) {
			t.Fatal("a refresh token authenticated as an access token")
		}
		if err := s.CheckSessionSecret(ctx, tok.SessionID, tok.Secret); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CheckSessionSecret(ctx, tok.SessionID, tok.Secret+"x"), CodeInvalidSessionSecret)
		wantCode(t, s.CheckSessionSecret(ctx, tok.SessionID, ""), CodeInvalidSessionSecret)

		next, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{Scopes: []string{"a"}, Lifetimes: testLifetimes})
		if err != nil {
			t.Fatal(err)
		}
		if next.SessionID != tok.SessionID || next.RefreshToken == tok.RefreshToken || next.AccessToken == tok.AccessToken {
			t.Fatalf("refresh did not rotate within the session: %+v", next)
		}
		if len(next.Scopes) != 1 || next.Scopes[0] != "a" {
			t.Fatalf("narrowed scopes %v", next.Scopes)
		}
		// Rotation keeps the old access token until it expires; the old refresh token is spent.
		if !accessWorks(t, s, tok.AccessToken) || !accessWorks(t, s, next.AccessToken) {
			t.Fatal("access tokens should work after a refresh")
		}
		_, err = s.RefreshSession(ctx, next.RefreshToken, RefreshSpec{Scopes: []string{"c"}, Lifetimes: testLifetimes})
		wantCode(t, err, CodeInvalidScope)
		clk.Advance(16 * time.Minute)
		if accessWorks(t, s, next.AccessToken) {
			t.Fatal("an expired access token authenticated")
		}
	})
}

func TestSessionRefreshRules(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "rules@example.com")
		org, err := s.CreateOrganization(ctx, "Org")
		if err != nil {
			t.Fatal(err)
		}
		clientA, clientB := makeTestClient(t, s, org.ID), makeTestClient(t, s, org.ID)
		t.Run("unknown_and_empty_tokens", func(t *testing.T) {
			_, err := s.RefreshSession(ctx, "", RefreshSpec{})
			wantCode(t, err, CodeInvalidRefreshToken)
			_, err = s.RefreshSession(ctx, "nope", RefreshSpec{})
			wantCode(t, err, CodeInvalidRefreshToken)
		})
		t.Run("an_access_token_does_not_refresh", func(t *testing.T) {
			tok := startTestSession(t, s, uid, SessionSpec{})
			_, err := s.RefreshSession(ctx, tok.AccessToken, RefreshSpec{})
			wantCode(t, err, CodeInvalidRefreshToken)
		})
		t.Run("another_client_cannot_refresh_and_revokes_nothing", func(t *testing.T) {
			tok := startTestSession(t, s, uid, SessionSpec{ClientID: clientA})
			_, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{ClientID: clientB})
			wantCode(t, err, CodeInvalidRefreshToken)
			_, err = s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{})
			wantCode(t, err, CodeInvalidRefreshToken)
			if _, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{ClientID: clientA}); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("another_audience_neither_authenticates_nor_refreshes_and_revokes_nothing", func(t *testing.T) {
			tok := startTestSession(t, s, uid, SessionSpec{Audience: "api-a"})
			for _, aud := range []string{"api-b", ""} {
				if _, err := s.AuthenticateSession(ctx, aud, tok.AccessToken); AsError(err).Code != CodeInvalidToken {
					t.Fatalf("audience %q: access token of api-a gave %v, want invalid_token", aud, err)
				}
				if _, err := s.AuthenticateSessionWithSecret(ctx, aud, tok.AccessToken, ""); AsError(err).Code != CodeInvalidToken {
					t.Fatalf("audience %q with secret: access token of api-a gave %v, want invalid_token", aud, err)
				}
				_, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{Audience: aud})
				wantCode(t, err, CodeInvalidRefreshToken)
			}
			if _, err := s.AuthenticateSession(ctx, "api-a", tok.AccessToken); err != nil {
				t.Fatalf("own audience: %v", err)
			}
			if _, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{Audience: "api-a"}); err != nil {
				t.Fatalf("own audience refresh after foreign tries: %v", err)
			}
		})
		t.Run("expired_refresh_token", func(t *testing.T) {
			tok := startTestSession(t, s, uid, SessionSpec{})
			clk.Advance(24*time.Hour + time.Second)
			_, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{})
			wantCode(t, err, CodeInvalidRefreshToken)
		})
		t.Run("max_age_caps_every_token", func(t *testing.T) {
			tok := startTestSession(t, s, uid, SessionSpec{MaxAge: 10 * time.Minute})
			if want := s.now().Add(10 * time.Minute); !tok.AccessExpiresAt.Equal(want) || !tok.RefreshExpiresAt.Equal(want) {
				t.Fatalf("expiries %v %v, want %v", tok.AccessExpiresAt, tok.RefreshExpiresAt, want)
			}
			clk.Advance(10 * time.Minute)
			_, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{})
			wantCode(t, err, CodeInvalidRefreshToken)
		})
		t.Run("no_refresh_token_unless_asked", func(t *testing.T) {
			tok := startTestSession(t, s, uid, SessionSpec{Lifetimes: TokenLifetimes{Access: time.Minute}})
			if tok.RefreshToken != "" || tok.RefreshExpiresAt != nil {
				t.Fatalf("unasked refresh token: %+v", tok)
			}
		})
	})
}

func TestSessionRefreshReuseRevokesTheFamily(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "reuse@example.com")
		other := startTestSession(t, s, uid, SessionSpec{})
		first := startTestSession(t, s, uid, SessionSpec{})
		second, err := s.RefreshSession(ctx, first.RefreshToken, RefreshSpec{Lifetimes: testLifetimes})
		if err != nil {
			t.Fatal(err)
		}
		third, err := s.RefreshSession(ctx, second.RefreshToken, RefreshSpec{Lifetimes: testLifetimes})
		if err != nil {
			t.Fatal(err)
		}
		// The first refresh token, presented again: the whole chain dies.
		_, err = s.RefreshSession(ctx, first.RefreshToken, RefreshSpec{Lifetimes: testLifetimes})
		wantCode(t, err, CodeRefreshTokenReused)
		for i, a := range []string{first.AccessToken, second.AccessToken, third.AccessToken} {
			if accessWorks(t, s, a) {
				t.Fatalf("access token %d of the revoked chain still works", i)
			}
		}
		_, err = s.RefreshSession(ctx, third.RefreshToken, RefreshSpec{Lifetimes: testLifetimes})
		if err == nil {
			t.Fatal("the newest refresh token of a revoked chain still refreshes")
		}
		// Other sessions of the same user are untouched.
		if !accessWorks(t, s, other.AccessToken) {
			t.Fatal("reuse in one session revoked another")
		}
	})
}

func TestSessionConcurrentRefreshOneWins(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "race-refresh@example.com")
		tok := startTestSession(t, s, uid, SessionSpec{})
		results := make(chan SessionTokens, 16)
		wins := parallel(16, func() error {
			next, err := s.RefreshSession(ctx, tok.RefreshToken, RefreshSpec{Lifetimes: testLifetimes})
			if err != nil {
				if e := AsError(err); e.Kind == KindInternal {
					t.Errorf("internal error: %v", err)
				}
				return err
			}
			results <- next
			return nil
		})
		if wins != 1 {
			t.Fatalf("%d of 16 parallel refreshes of one token succeeded, want 1", wins)
		}
		// The others were reuse: the winner's new pair is revoked with the rest of the family.
		winner := <-results
		if accessWorks(t, s, winner.AccessToken) || accessWorks(t, s, tok.AccessToken) {
			t.Fatal("an access token of the raced family still works")
		}
		if _, err := s.RefreshSession(ctx, winner.RefreshToken, RefreshSpec{}); err == nil {
			t.Fatal("the winner's refresh token still refreshes after reuse")
		}
	})
}

func TestSessionEndAndRevokeAll(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "end@example.com")
		bystander := makeUser(t, s, "bystander@example.com")
		a := startTestSession(t, s, uid, SessionSpec{})
		b := startTestSession(t, s, uid, SessionSpec{})
		c := startTestSession(t, s, bystander, SessionSpec{})
		if err := s.EndSession(ctx, a.SessionID); err != nil {
			t.Fatal(err)
		}
		if accessWorks(t, s, a.AccessToken) || !accessWorks(t, s, b.AccessToken) {
			t.Fatal("ending one session must revoke exactly that session")
		}
		if _, err := s.RefreshSession(ctx, a.RefreshToken, RefreshSpec{}); err == nil {
			t.Fatal("an ended session refreshed")
		}
		if err := s.EndSession(ctx, a.SessionID); err != nil {
			t.Fatalf("ending twice: %v", err)
		}
		if err := s.RevokeUserSessions(ctx, uid); err != nil {
			t.Fatal(err)
		}
		if accessWorks(t, s, b.AccessToken) {
			t.Fatal("revoke-all left a session alive")
		}
		if _, err := s.RefreshSession(ctx, b.RefreshToken, RefreshSpec{}); err == nil {
			t.Fatal("revoke-all left a refresh token alive")
		}
		if !accessWorks(t, s, c.AccessToken) {
			t.Fatal("revoke-all touched another user")
		}
		// A deleted account's token is refused as forbidden, not as unknown.
		if err := s.db.Model(&models.User{}).Where("id = ?", bystander).Update("status", models.StatusDeleted).Error; err != nil {
			t.Fatal(err)
		}
		_, err := s.AuthenticateSession(ctx, "", c.AccessToken)
		wantCode(t, err, CodeAccountDeleted)
		_, err = s.RefreshSession(ctx, c.RefreshToken, RefreshSpec{})
		wantCode(t, err, CodeAccountDeleted)
	})
}

// makeTestClient inserts a bare API client of org and returns its id.
func makeTestClient(t *testing.T, s *Service, orgID string) string {
	t.Helper()
	c := models.APIClient{ID: models.NewID(), OrganizationID: orgID, Name: "test", SecretHash: []byte{0}, CreatedAt: s.now()}
	if err := s.db.Create(&c).Error; err != nil {
		t.Fatal(err)
	}
	return c.ID
}
