package account

import (
	"context"
	"testing"
	"time"
)

func TestBrowserSessions(t *testing.T) {
	ctx := context.Background()
	const pw, pw2 = "correct-horse-battery", "staple-lantern-orbit"
	spec := SessionSpec{Lifetimes: TokenLifetimes{Access: 30 * time.Minute}, WithSecret: true}
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		if _, err := s.CreateUser(ctx, CreateUserInput{Email: "jane@a.example", Password: pw}); err != nil {
			t.Fatal(err)
		}
		login := func() (SessionTokens, SessionPrincipal) {
			t.Helper()
			tok, err := s.LoginSession(ctx, "jane@a.example", pw, "1.2.3.4", spec)
			if err != nil {
				t.Fatal(err)
			}
			p, err := s.AuthenticateSession(ctx, "", tok.AccessToken)
			if err != nil {
				t.Fatal(err)
			}
			return tok, p
		}
		live := func(tok string) bool {
			_, err := s.AuthenticateSession(ctx, "", tok)
			return err == nil
		}

		t.Run("wrong password opens nothing", func(t *testing.T) {
			_, err := s.LoginSession(ctx, "jane@a.example", "nope-nope-nope", "1.2.3.4", spec)
			wantCode(t, err, CodeInvalidCredentials)
			_, err = s.LoginSession(ctx, "nobody@a.example", pw, "1.2.3.4", spec)
			wantCode(t, err, CodeInvalidCredentials)
		})
		t.Run("renew replaces the token in the same session; the old one is dead", func(t *testing.T) {
			tok, p := login()
			clk.Advance(20 * time.Minute)
			renewed, err := s.RenewSession(ctx, p, spec.Lifetimes)
			if err != nil {
				t.Fatal(err)
			}
			if renewed.SessionID != tok.SessionID || live(tok.AccessToken) || !live(renewed.AccessToken) {
				t.Fatal("renew did not rotate the token within the session")
			}
			if err := s.CheckSessionSecret(ctx, tok.SessionID, tok.Secret); err != nil {
				t.Fatalf("the secret changed: %v", err)
			}
			_, err = s.RenewSession(ctx, p, spec.Lifetimes)
			wantCode(t, err, CodeInvalidToken)
			clk.Advance(31 * time.Minute)
			if live(renewed.AccessToken) {
				t.Fatal("the renewed token outlived its lifetime")
			}
		})
		t.Run("racing renewals: one wins", func(t *testing.T) {
			_, p := login()
			if ok := parallel(10, func() error { _, err := s.RenewSession(ctx, p, spec.Lifetimes); return err }); ok != 1 {
				t.Fatalf("%d renewals won", ok)
			}
		})
		t.Run("ended sessions are dead", func(t *testing.T) {
			tok, p := login()
			if err := s.EndSession(ctx, p.SessionID); err != nil {
				t.Fatal(err)
			}
			if live(tok.AccessToken) {
				t.Fatal("ended session still works")
			}
		})
		t.Run("change own password ends the other sessions only", func(t *testing.T) {
			other, _ := login()
			mine, p := login()
			wantCode(t, s.ChangeOwnPassword(ctx, p, "someone-else", pw, pw2), CodeNotPermitted)
			if err := s.ChangeOwnPassword(ctx, p, p.UserID, pw, pw2); err != nil {
				t.Fatal(err)
			}
			if live(other.AccessToken) || !live(mine.AccessToken) {
				t.Fatal("want the other session ended and this one kept")
			}
			if err := s.ChangeOwnPassword(ctx, p, p.UserID, pw2, pw); err != nil {
				t.Fatal(err)
			}
		})
		t.Run("reset with code ends every session and opens one", func(t *testing.T) {
			before, _ := login()
			clk.Advance(time.Hour)
			if err := s.RequestPasswordReset(ctx, "jane@a.example", Delivery{}); err != nil {
				t.Fatal(err)
			}
			code := lastMailedCode(t, s, "jane@a.example")
			wantCode(t, s.CheckPasswordResetCode(ctx, "other@a.example", code), CodeInvalidCode)
			if err := s.CheckPasswordResetCode(ctx, "JANE@a.example", code); err != nil {
				t.Fatal(err)
			}
			_, err := s.ResetPasswordWithCode(ctx, "jane@a.example", code, "123", spec)
			wantCode(t, err, CodeWeakPassword)
			after, err := s.ResetPasswordWithCode(ctx, "jane@a.example", code, pw2, spec)
			if err != nil {
				t.Fatal(err)
			}
			if live(before.AccessToken) || !live(after.AccessToken) || after.Secret == "" {
				t.Fatal("want the old session ended and a new one with a secret")
			}
			_, err = s.ResetPasswordWithCode(ctx, "jane@a.example", code, pw, spec)
			wantCode(t, err, CodeInvalidCode)
			if _, err := s.LoginSession(ctx, "jane@a.example", pw2, "1.2.3.4", spec); err != nil {
				t.Fatalf("new password: %v", err)
			}
		})
	})
}
