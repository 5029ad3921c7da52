package account

import (
	"context"
	"regexp"
	"testing"

	"github.com/accountd/accountd/models"
)

var uuidForm = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

// orgFixture is an organisation with a client and a member, and a second organisation.
type orgFixture struct {
	org, otherOrg string
	client        Client
	secret        string
	userID        string
}

func makeOrgFixture(t *testing.T, s *Service, email string) orgFixture {
	t.Helper()
	ctx := context.Background()
	org, err := s.CreateOrganization(ctx, "A")
	if err != nil {
		t.Fatal(err)
	}
	other, err := s.CreateOrganization(ctx, "B")
	if err != nil {
		t.Fatal(err)
	}
	creds, err := s.CreateClient(ctx, NewClient{OrganizationID: org.ID, Name: "site", Scopes: []string{"me/r", "me/w", "acct/w"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.AuthenticateClient(ctx, creds.ClientID, creds.ClientSecret)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, CreateUserInput{Email: email, Password: "correct-horse-battery", OrgID: org.ID})
	if err != nil {
		t.Fatal(err)
	}
	return orgFixture{org: org.ID, otherOrg: other.ID, client: c, secret: creds.ClientSecret, userID: u.UserID}
}

func TestClientsAndApplicationTokens(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		f := makeOrgFixture(t, s, "c@example.com")
		var stored models.APIClient
		if err := s.db.Take(&stored, "id = ?", f.client.ID).Error; err != nil {
			t.Fatal(err)
		}
		if string(stored.SecretHash) == f.secret || len(stored.SecretHash) != 32 {
			t.Fatal("the client secret is not stored as an HMAC")
		}
		for _, bad := range []struct{ id, secret string }{{f.client.ID, f.secret + "x"}, {f.client.ID, ""}, {"nope", f.secret}} {
			_, err := s.AuthenticateClient(ctx, bad.id, bad.secret)
			wantCode(t, err, CodeInvalidClient)
		}
		_, err := s.CreateClient(ctx, NewClient{OrganizationID: "000000000000000000000000", Name: "x"})
		wantCode(t, err, CodeNotFound)

		_, err = s.IssueApplicationToken(ctx, f.client, []string{"acct/w", "admin"}, 0)
		wantCode(t, err, CodeInvalidScope)
		tok, err := s.IssueApplicationToken(ctx, f.client, []string{"acct/w"}, 0)
		if err != nil {
			t.Fatal(err)
		}
		p, err := s.AuthenticateApplication(ctx, tok.Token)
		if err != nil {
			t.Fatal(err)
		}
		if p.Client.ID != f.client.ID || p.Client.OrganizationID != f.org || len(p.Scopes) != 1 {
			t.Fatalf("application principal %+v", p)
		}
		// An application token is not a user's access token, and the other way round.
		if _, err := s.AuthenticateSession(ctx, "", tok.Token); err == nil {
			t.Fatal("an application token authenticated as a session")
		}
		clk.Advance(DefaultAccessTTL)
		_, err = s.AuthenticateApplication(ctx, tok.Token)
		wantCode(t, err, CodeInvalidToken)
	})
}

func TestLoginToOrganization(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		f := makeOrgFixture(t, s, "login@example.com")
		login := func(org, email, pw string) error {
			_, err := s.LoginToOrganization(ctx, OrgLogin{OrganizationID: org, Email: email, Password: pw, Client: f.client,
				Session: SessionSpec{Scopes: []string{"me/r"}, Lifetimes: testLifetimes}})
			return err
		}
		if err := login(f.org, "LOGIN@example.com", "correct-horse-battery"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, login(f.org, "login@example.com", "wrong"), CodeInvalidCredentials)
		wantCode(t, login(f.otherOrg, "login@example.com", "correct-horse-battery"), CodeInvalidCredentials)
		wantCode(t, login(f.org, "nobody@example.com", "correct-horse-battery"), CodeInvalidCredentials)
		_, err := s.LoginToOrganization(ctx, OrgLogin{OrganizationID: f.org, Email: "login@example.com",
			Password: "correct-horse-battery", Client: f.client, Session: SessionSpec{Scopes: []string{"admin"}}})
		wantCode(t, err, CodeInvalidScope)

		// Failures so far: one eligible for the freeze (the wrong password), one not (another
		// organisation's username through this client), both in the client's login limit.
		// Parallel wrong guesses: at most 8 more are evaluated (the client's limit of 10), then
		// even the right password is refused until the window ends.
		parallel(20, func() error { return login(f.org, "login@example.com", "wrong") })
		st, err := s.AuthenticationAttempts(ctx, f.org, "login@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if st.FailedAttempts != 9 {
			t.Fatalf("failed attempts %+v, want 9: every eligible evaluated failure, no refusal", st)
		}
		wantKind(t, login(f.org, "login@example.com", "correct-horse-battery"), KindRateLimited, CodeThrottled)
		// The client's report of a grant failure it just had is that failure, not another one.
		if st, err := s.RecordAuthenticationAttempt(ctx, f.client, "login@example.com", false); err != nil || st.FailedAttempts != 9 {
			t.Fatalf("report of a counted grant failure: %+v %v", st, err)
		}
		// A failure reported later is one more, and freezes the address.
		clk.Advance(unreportedGrantFailure.Window)
		if st, err := s.RecordAuthenticationAttempt(ctx, f.client, "login@example.com", false); err != nil || !st.Frozen || st.RetryAfter <= 0 {
			t.Fatalf("report: %+v %v", st, err)
		}
		wantKind(t, login(f.org, "login@example.com", "correct-horse-battery"), KindRateLimited, CodeAccountFrozen)
		clk.Advance(FreezeWindow)
		if err := login(f.org, "login@example.com", "correct-horse-battery"); err != nil {
			t.Fatalf("still frozen after the window: %v", err)
		}
	})
}

func TestLoginFreezeCountsBeforeHashing(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		f := makeOrgFixture(t, s, "burst@example.com")
		evaluated := 40 - parallelFailures(40, func() error {
			_, err := s.LoginToOrganization(ctx, OrgLogin{OrganizationID: f.org, Email: "burst@example.com", Password: "wrong",
				Client: f.client, Session: SessionSpec{Scopes: []string{"me/r"}}})
			if AsError(err).Kind == KindRateLimited { // refused before the password is hashed
				return err
			}
			return nil
		})
		if evaluated != FreezeMax {
			t.Fatalf("%d of 40 parallel wrong passwords were evaluated, want %d", evaluated, FreezeMax)
		}
	})
}

// parallelFailures runs fn n times at once and counts the non-nil results.
func parallelFailures(n int, fn func() error) int { return n - parallel(n, fn) }

func TestAuthenticationAttempts(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		f := makeOrgFixture(t, s, "att@example.com")
		outsider, err := s.CreateUser(ctx, CreateUserInput{Email: "out@example.com", Password: "correct-horse-battery", OrgID: f.otherOrg})
		if err != nil {
			t.Fatal(err)
		}
		_ = outsider
		_, err = s.AuthenticationAttempts(ctx, f.org, "out@example.com")
		wantCode(t, err, CodeInvalidOrgAccount)
		_, err = s.AuthenticationAttempts(ctx, f.org, "ghost@example.com")
		wantCode(t, err, CodeNotFound)
		for i := 1; i <= FreezeMax; i++ {
			st, err := s.RecordAuthenticationAttempt(ctx, f.client, "att@example.com", false)
			if err != nil {
				t.Fatal(err)
			}
			if st.FailedAttempts != i || st.Frozen != (i == FreezeMax) {
				t.Fatalf("after %d failures: %+v", i, st)
			}
		}
		st, err := s.RecordAuthenticationAttempt(ctx, f.client, "att@example.com", true)
		if err != nil || !st.Frozen {
			t.Fatalf("a reported success must not unfreeze: %+v %v", st, err)
		}
	})
}

func TestOrgEmailChangeAndReset(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		f := makeOrgFixture(t, s, "old@example.com")
		p := Principal{UserID: f.userID}
		_, err := s.StartEmailChange(ctx, EmailChange{OrgID: f.otherOrg, UserID: f.userID, NewEmail: "new@example.com", Delivery: Delivery{UUID: true}, NoMail: true})
		wantCode(t, err, CodeInvalidOrgAccount)
		_, err = s.StartEmailChange(ctx, EmailChange{OrgID: f.org, UserID: f.userID, NewEmail: "OLD@example.com", Delivery: Delivery{UUID: true}, NoMail: true})
		wantCode(t, err, CodeEmailUnchanged)
		ch, err := s.StartEmailChange(ctx, EmailChange{OrgID: f.org, UserID: f.userID, NewEmail: "new@example.com", Delivery: Delivery{UUID: true}, NoMail: true})
		if err != nil {
			t.Fatal(err)
		}
		if !uuidForm.MatchString(ch.Code) || ch.CurrentEmail != "old@example.com" {
			t.Fatalf("email change %+v", ch)
		}
		wantCode(t, s.CompleteEmailChangeInOrg(ctx, f.org, p, "00000000-0000-4000-8000-000000000000"), CodeInvalidCode)
		if err := s.CompleteEmailChangeInOrg(ctx, f.org, p, ch.Code); err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CompleteEmailChangeInOrg(ctx, f.org, p, ch.Code), CodeInvalidCode)

		_, err = s.CreatePasswordResetCode(ctx, f.org, "old@example.com")
		wantCode(t, err, CodeNotFound)
		rc, err := s.CreatePasswordResetCode(ctx, f.org, "new@example.com")
		if err != nil || rc.UserID != f.userID || !uuidForm.MatchString(rc.Code) {
			t.Fatalf("reset code %+v %v", rc, err)
		}
		sess, err := s.LoginToOrganization(ctx, OrgLogin{OrganizationID: f.org, Email: "new@example.com",
			Password: "correct-horse-battery", Client: f.client, Session: SessionSpec{Lifetimes: testLifetimes}})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.CompletePasswordResetByID(ctx, f.otherOrg, f.userID, rc.Code, "another-long-one", ResetOptions{}), CodeInvalidOrgAccount)
		wantCode(t, s.CompletePasswordResetByID(ctx, f.org, f.userID, "00000000-0000-4000-8000-000000000000", "another-long-one", ResetOptions{}), CodeInvalidCode)
		wins := parallel(8, func() error {
			return s.CompletePasswordResetByID(ctx, f.org, f.userID, rc.Code, "another-long-one", ResetOptions{})
		})
		if wins != 1 {
			t.Fatalf("%d parallel completes of one code succeeded", wins)
		}
		if accessWorks(t, s, sess.AccessToken) {
			t.Fatal("the reset left an access token alive")
		}
		if _, err := s.RefreshSession(ctx, sess.RefreshToken, RefreshSpec{ClientID: f.client.ID}); err == nil {
			t.Fatal("the reset left a refresh token alive")
		}
	})
}
