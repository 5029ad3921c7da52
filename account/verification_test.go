package account

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

var ctx = context.Background()

func wantKind(t *testing.T, err error, kind Kind, code string) *Error {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) || e.Kind != kind || (code != "" && e.Code != code) {
		t.Fatalf("want %s/%s, got %v", kind, code, err)
	}
	return e
}

func TestStartEmailChangeLimits(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		p := Principal{UserID: makeUser(t, s, "limits@example.com")}
		tk, err := startTypedChange(ctx, s, p, "limits2@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if !tk.CanResendAt.Equal(clk.Now().Add(time.Minute)) || tk.ID == "" {
			t.Fatalf("ticket %+v", tk)
		}
		_, err = startTypedChange(ctx, s, p, "limits3@example.com")
		if e := wantKind(t, err, KindRateLimited, CodeThrottled); e.RetryAfter != time.Minute {
			t.Fatalf("retry after %v", e.RetryAfter)
		}
		// Rounded up to whole seconds: retrying after Retry-After is never too early.
		clk.Advance(1500 * time.Millisecond)
		_, err = startTypedChange(ctx, s, p, "limits3@example.com")
		if e := wantKind(t, err, KindRateLimited, CodeThrottled); e.RetryAfter != 59*time.Second {
			t.Fatalf("1.5 s later: retry after %v", e.RetryAfter)
		}
		clk.Advance(-1500 * time.Millisecond)
		// Other purposes and other accounts have their own limits.
		if _, err := s.StartAddEmail(ctx, p, "limits4@example.com"); err != nil {
			t.Fatal(err)
		}
		if _, err := startTypedChange(ctx, s, Principal{UserID: makeUser(t, s, "other@example.com")}, "other2@example.com"); err != nil {
			t.Fatal(err)
		}
		// SendsPerHour (5) per hour: four more a minute apart, then the cap.
		for i := range 4 {
			clk.Advance(time.Minute)
			if _, err := startTypedChange(ctx, s, p, "limits2@example.com"); err != nil {
				t.Fatalf("send %d: %v", i+2, err)
			}
		}
		clk.Advance(time.Minute)
		_, err = startTypedChange(ctx, s, p, "limits2@example.com")
		if e := wantKind(t, err, KindRateLimited, CodeThrottled); e.RetryAfter <= time.Minute {
			t.Fatalf("hourly cap: retry after %v", e.RetryAfter)
		}
		// Parallel requests: one code.
		clk.Advance(time.Hour)
		q := Principal{UserID: makeUser(t, s, "burst@example.com")}
		if ok := parallel(20, func() error { _, err := startTypedChange(ctx, s, q, "burst2@example.com"); return err }); ok != 1 {
			t.Fatalf("20 parallel starts: %d succeeded", ok)
		}
		var mails int64
		s.db.Model(&models.OutboxMessage{}).Where("recipient = ?", "burst2@example.com").Count(&mails)
		if mails != 1 {
			t.Fatalf("20 parallel starts mailed %d codes", mails)
		}
	})
}

func TestStartEmailChangeRefusals(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		p := Principal{UserID: makeUser(t, s, "me@example.com")}
		makeUser(t, s, "taken@example.com")
		for _, tc := range []struct {
			address string
			kind    Kind
			code    string
		}{
			{"not-an-address", KindInvalid, CodeInvalidEmail},
			{"ME@example.com", KindInvalid, CodeEmailUnchanged},
			{"Taken@Example.com", KindConflict, CodeEmailTaken},
		} {
			clk.Advance(time.Minute)
			_, err := startTypedChange(ctx, s, p, tc.address)
			wantKind(t, err, tc.kind, tc.code)
		}
		// A taken address spends the mail budget as a free one does: the answers to a run of
		// requests do not depend on whether an address is registered.
		_, err := startTypedChange(ctx, s, p, "free@example.com")
		wantKind(t, err, KindRateLimited, CodeThrottled)
		clk.Advance(time.Minute)
		if _, err := startTypedChange(ctx, s, p, "free@example.com"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestVerifyEmailChange(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "old@example.com")
		tk, err := startTypedChange(ctx, s, Principal{UserID: uid}, "new@example.com")
		if err != nil {
			t.Fatal(err)
		}
		code := lastMailedCode(t, s, "new@example.com")
		if primaryOf(t, s, uid) != "old@example.com" {
			t.Fatal("the address changed before verification")
		}
		_, err = s.VerifyEmail(ctx, "nope", code, nil)
		wantKind(t, err, KindNotFound, CodeNotFound)
		got, err := s.VerifyEmail(ctx, tk.ID, code, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got != (Verified{UserID: uid, Email: "new@example.com", Kind: VerifyEmailChange}) {
			t.Fatalf("verified %+v", got)
		}
		if st, err := s.GetEmailStatus(ctx, Principal{UserID: uid}); err != nil || st.Email != "new@example.com" || !st.Verified {
			t.Fatalf("primary %+v %v", st, err)
		}
		var told int64
		s.db.Model(&models.OutboxMessage{}).Where("recipient = ? AND kind = ?", "old@example.com", MailEmailChanged).Count(&told)
		if told != 1 {
			t.Fatal("the old address was not told")
		}
		_, err = s.VerifyEmail(ctx, tk.ID, code, nil)
		wantKind(t, err, KindInvalid, CodeInvalidCode) // used
	})
}

func TestVerifyEmailAttemptsAndExpiry(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "tries@example.com")
		tk, err := s.StartAddEmail(ctx, Principal{UserID: uid}, "tries2@example.com")
		if err != nil {
			t.Fatal(err)
		}
		code := lastMailedCode(t, s, "tries2@example.com")
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		// 20 parallel wrong guesses: the attempts are counted before comparing, so at most 5
		// are ever compared and the code is dead afterwards, even for the right value.
		parallel(20, func() error { _, err := s.VerifyEmail(ctx, tk.ID, wrong, nil); return err })
		var row models.OneTimeCode
		s.db.Take(&row, "id = ?", tk.ID)
		if row.Attempts != 5 {
			t.Fatalf("attempts %d after 20 parallel guesses", row.Attempts)
		}
		_, err = s.VerifyEmail(ctx, tk.ID, code, nil)
		wantKind(t, err, KindInvalid, CodeInvalidCode)

		clk.Advance(time.Hour)
		tk, err = s.StartAddEmail(ctx, Principal{UserID: uid}, "tries3@example.com")
		if err != nil {
			t.Fatal(err)
		}
		code = lastMailedCode(t, s, "tries3@example.com")
		clk.Advance(15*time.Minute + time.Second)
		_, err = s.VerifyEmail(ctx, tk.ID, code, nil)
		wantKind(t, err, KindInvalid, CodeInvalidCode) // expired
	})
}

func TestVerifyEmailAddsAnAddress(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "main@example.com")
		tk, err := s.StartAddEmail(ctx, Principal{UserID: uid}, "second@example.com")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.VerifyEmail(ctx, tk.ID, lastMailedCode(t, s, "second@example.com"), nil); err != nil {
			t.Fatal(err)
		}
		var emails []models.Email
		s.db.Where("user_id = ?", uid).Order("is_primary DESC").Find(&emails)
		if len(emails) != 2 || emails[0].Address != "main@example.com" || emails[1].Address != "second@example.com" ||
			emails[1].IsPrimary || emails[1].VerifiedAt == nil {
			t.Fatalf("addresses %+v", emails)
		}
	})
}

// A pending verification reserves nothing: whoever verifies first owns the address, and when
// two verify at once exactly one does.
func TestVerifyEmailAddressRace(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		for round := range 3 {
			target := "contested" + string(rune('a'+round)) + "@example.com"
			var ids, codes []string
			for i := range 2 {
				uid := makeUser(t, s, "racer"+string(rune('a'+round))+string(rune('0'+i))+"@example.com")
				start := func(ctx context.Context, p Principal, a string) (EmailChangeTicket, error) {
					return startTypedChange(ctx, s, p, a)
				}
				if i == 1 {
					start = s.StartAddEmail // a change and an addition compete for the same row
				}
				tk, err := start(ctx, Principal{UserID: uid}, target)
				if err != nil {
					t.Fatal(err)
				}
				ids = append(ids, tk.ID)
				codes = append(codes, lastMailedCode(t, s, target))
				clk.Advance(time.Second) // the next mail is the newest
			}
			errs := make(chan error, 2)
			start := make(chan struct{})
			for i := range 2 {
				go func() {
					<-start
					_, err := s.VerifyEmail(ctx, ids[i], codes[i], nil)
					errs <- err
				}()
			}
			close(start)
			ok := 0
			for range 2 {
				if err := <-errs; err == nil {
					ok++
				} else {
					wantKind(t, err, KindConflict, CodeEmailTaken)
				}
			}
			var owners int64
			s.db.Model(&models.Email{}).Where("lower(address) = ?", target).Count(&owners)
			if ok != 1 || owners != 1 {
				t.Fatalf("round %d: %d verifications succeeded, %d owners", round, ok, owners)
			}
		}
		// Sequentially: the second finds the address taken, a conflict.
		a, b := makeUser(t, s, "seqa@example.com"), makeUser(t, s, "seqb@example.com")
		ta, _ := startTypedChange(ctx, s, Principal{UserID: a}, "seq@example.com")
		ca := lastMailedCode(t, s, "seq@example.com")
		clk.Advance(time.Second)
		tb, _ := startTypedChange(ctx, s, Principal{UserID: b}, "seq@example.com")
		cb := lastMailedCode(t, s, "seq@example.com")
		if _, err := s.VerifyEmail(ctx, tb.ID, cb, nil); err != nil {
			t.Fatal(err)
		}
		_, err := s.VerifyEmail(ctx, ta.ID, ca, nil)
		wantKind(t, err, KindConflict, CodeEmailTaken)
		if primaryOf(t, s, a) != "seqa@example.com" {
			t.Fatal("the loser's address changed")
		}
	})
}

func TestResendVerification(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "resend@example.com")
		tk, err := startTypedChange(ctx, s, Principal{UserID: uid}, "resend2@example.com")
		if err != nil {
			t.Fatal(err)
		}
		first := lastMailedCode(t, s, "resend2@example.com")
		count := func() (n int64) {
			s.db.Model(&models.OutboxMessage{}).Where("recipient = ?", "resend2@example.com").Count(&n)
			return n
		}
		// Within the cooldown: nothing sent, no error.
		if err := s.ResendVerification(ctx, "resend2@example.com"); err != nil || count() != 1 {
			t.Fatalf("resend within the cooldown: %v, %d mails", err, count())
		}
		clk.Advance(time.Minute)
		if err := s.ResendVerification(ctx, "Resend2@example.com"); err != nil || count() != 2 {
			t.Fatalf("resend: %v, %d mails", err, count())
		}
		second := lastMailedCode(t, s, "resend2@example.com")
		if first != second {
			if _, err := s.VerifyEmail(ctx, tk.ID, first, nil); err == nil {
				t.Fatal("the superseded code still works")
			}
		}
		if _, err := s.VerifyEmail(ctx, tk.ID, second, nil); err != nil {
			t.Fatalf("the resent code under the same id: %v", err)
		}
		// Unknown and non-pending addresses: the same nil, nothing mailed.
		for _, a := range []string{"nobody@example.com", "resend@example.com"} {
			if err := s.ResendVerification(ctx, a); err != nil {
				t.Fatal(err)
			}
		}
		var n int64
		s.db.Model(&models.OutboxMessage{}).Where("recipient IN ? AND kind <> ?", []string{"nobody@example.com", "resend@example.com"}, MailEmailChanged).Count(&n)
		if n != 0 {
			t.Fatalf("%d mails to addresses with nothing pending", n)
		}
		wantKind(t, s.ResendVerification(ctx, "bad"), KindInvalid, CodeInvalidEmail)
	})
}

func TestConfirmPasswordResetRevokesEverything(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "reset@example.com")
		for _, kind := range []string{models.CredentialAccessToken, models.CredentialRefreshToken, models.CredentialAPIToken} {
			if err := s.db.Transaction(func(tx *gorm.DB) error {
				_, err := s.issueCredential(tx, uid, CredentialSpec{Kind: kind, TTL: time.Hour})
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		code, _ := makeCode(t, s, uid, models.PurposePasswordReset, Delivery{})
		wantKind(t, s.ConfirmPasswordReset(ctx, code, "123"), KindInvalid, CodeWeakPassword)
		if err := s.ConfirmPasswordReset(ctx, code, "another-long-passphrase"); err != nil {
			t.Fatal(err)
		}
		var live int64
		s.db.Model(&models.Credential{}).Where("user_id = ? AND revoked_at IS NULL", uid).Count(&live)
		if live != 0 {
			t.Fatalf("%d credentials live after a reset", live)
		}
		wantKind(t, s.ConfirmPasswordReset(ctx, code, "another-long-passphrase"), KindInvalid, CodeInvalidCode)
	})
}

func TestLeaveOrganization(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		org, err := s.CreateOrganization(ctx, "Acme")
		if err != nil {
			t.Fatal(err)
		}
		join := func(email, role string) Principal {
			uid := makeUser(t, s, email)
			if err := s.db.Create(&models.Membership{OrganizationID: org.ID, UserID: uid, Role: role, CreatedAt: s.now()}).Error; err != nil {
				t.Fatal(err)
			}
			return Principal{UserID: uid}
		}
		admin1, admin2 := join("a1@example.com", models.RoleBusinessAdmin), join("a2@example.com", models.RoleBusinessAdmin)
		member := join("m@example.com", models.RoleMember)
		outsider := Principal{UserID: makeUser(t, s, "out@example.com")}

		wantKind(t, s.LeaveOrganization(ctx, outsider, org.ID), KindNotFound, CodeNotFound)
		wantKind(t, s.LeaveOrganization(ctx, member, "no-such-org"), KindNotFound, CodeNotFound)
		if err := s.LeaveOrganization(ctx, member, org.ID); err != nil {
			t.Fatal(err)
		}
		wantKind(t, s.LeaveOrganization(ctx, member, org.ID), KindNotFound, CodeNotFound)
		// Two admins leave at once: one may, the last one may not.
		errs := make(chan error, 2)
		for _, p := range []Principal{admin1, admin2} {
			go func() { errs <- s.LeaveOrganization(ctx, p, org.ID) }()
		}
		var left, refused int
		for range 2 {
			if err := <-errs; err == nil {
				left++
			} else if e := AsError(err); e.Kind == KindConflict && e.Code == CodeLastAdmin {
				refused++
			} else {
				t.Fatal(err)
			}
		}
		var admins int64
		s.db.Model(&models.Membership{}).Where("organization_id = ? AND role = ?", org.ID, models.RoleBusinessAdmin).Count(&admins)
		if left != 1 || refused != 1 || admins != 1 {
			t.Fatalf("left %d, refused %d, admins now %d", left, refused, admins)
		}
	})
}

// Verification codes are uniform: a chi-square test over 600,000 digits. A per-digit
// "byte % 10" generator (digits 0-5 about 4% likelier) scores in the hundreds; the bound is
// the 0.1% critical value for 9 degrees of freedom, so a fair generator fails 1 run in 1000.
func TestVerificationCodesAreUniform(t *testing.T) {
	const codes = 100000
	var counts [10]float64
	for range codes {
		c := randomDigits(VerificationCodeDigits)
		if len(c) != VerificationCodeDigits || strings.Trim(c, "0123456789") != "" {
			t.Fatalf("bad code %q", c)
		}
		for i := range len(c) {
			counts[c[i]-'0']++
		}
	}
	expected := float64(codes*VerificationCodeDigits) / 10
	chi2 := 0.0
	for _, n := range counts {
		chi2 += (n - expected) * (n - expected) / expected
	}
	if chi2 > 27.88 {
		t.Fatalf("chi-square %.1f over digit counts %v", chi2, counts)
	}
}

func TestSignupVerificationAndSessionLogin(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		spec := SessionSpec{Lifetimes: TokenLifetimes{Access: 15 * time.Minute, Refresh: 24 * time.Hour}}
		reg, err := s.Register(ctx, RegisterInput{Email: "signup@example.com", Password: "correct-horse-battery",
			TOSAccepted: true, NoCredential: true, Activation: Delivery{Digits: VerificationCodeDigits}})
		if err != nil {
			t.Fatal(err)
		}
		if reg.Token != "" || reg.Activation.ID == "" {
			t.Fatalf("register %+v", reg)
		}
		_, err = s.Register(ctx, RegisterInput{Email: "Signup@example.com", Password: "correct-horse-battery",
			TOSAccepted: true, NoCredential: true})
		wantKind(t, err, KindConflict, CodeEmailTaken)

		login, err := s.LoginSession(ctx, "signup@example.com", "correct-horse-battery", "127.0.0.1", spec)
		if err != nil || login.RefreshToken == "" {
			t.Fatalf("login before verification: %+v %v", login, err)
		}
		if st, err := s.GetEmailStatus(ctx, Principal{UserID: login.UserID}); err != nil || st.Verified || st.Email != "signup@example.com" {
			t.Fatalf("status before verification: %+v %v", st, err)
		}
		_, err = s.LoginSession(ctx, "signup@example.com", "wrong-password", "127.0.0.1", spec)
		wantKind(t, err, KindInvalid, CodeInvalidCredentials)

		v, err := s.VerifyEmail(ctx, reg.Activation.ID, lastMailedCode(t, s, "signup@example.com"), &spec)
		if err != nil || v.Kind != VerifySignup || v.Session == nil || v.Session.AccessToken == "" {
			t.Fatalf("verify: %+v %v", v, err)
		}
		if _, err := s.AuthenticateSession(ctx, "", v.Session.AccessToken); err != nil {
			t.Fatal(err)
		}
		login, err = s.LoginSession(ctx, "signup@example.com", "correct-horse-battery", "127.0.0.1", spec)
		if err != nil {
			t.Fatalf("login after verification: %v", err)
		}
		if st, err := s.GetEmailStatus(ctx, Principal{UserID: login.UserID}); err != nil || !st.Verified {
			t.Fatalf("status after verification: %+v %v", st, err)
		}
		// A password reset ends every session.
		code, _ := makeCode(t, s, v.UserID, models.PurposePasswordReset, Delivery{})
		if err := s.ConfirmPasswordReset(ctx, code, "another-long-passphrase"); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{login.AccessToken, v.Session.AccessToken} {
			_, err := s.AuthenticateSession(ctx, "", tok)
			wantKind(t, err, KindUnauthenticated, CodeInvalidToken)
		}
		_, err = s.RefreshSession(ctx, login.RefreshToken, RefreshSpec{})
		if err == nil {
			t.Fatal("a refresh token survived the reset")
		}
	})
}

// A typed code has a million values: it must not be findable by value (where nothing counts
// attempts: Webshare's activation complete looks link tokens up that way), and two rows with
// the same code must not collide in the unique index on code_hash.
func TestTypedCodesAreBoundToTheirRow(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "typed@example.com")
		code, row := makeCode(t, s, uid, models.PurposeActivation, Delivery{Digits: VerificationCodeDigits})
		if _, err := s.findCodeByValue(ctx, models.PurposeActivation, code); err == nil {
			t.Fatal("a 6-digit code was found by its value alone")
		}
		if equalHashes(row.CodeHash, s.keys.linkHash(models.PurposeActivation, code)) {
			t.Fatal("a typed code's stored hash does not depend on its row: equal codes collide")
		}
		// Nor in the form its hash once covered, the row's id, NUL, the digits.
		if _, err := s.findCodeByValue(ctx, models.PurposeActivation, row.ID+"\x00"+code); err == nil {
			t.Fatal("a 6-digit code was found by its id and value")
		}
		// A user's code check takes link tokens only: a typed code is confirmed by its id.
		if _, err := s.checkUserCode(ctx, uid, models.PurposeActivation, code); err == nil {
			t.Fatal("checkUserCode accepted a typed code")
		}
		if !s.keys.typedMatches(row, code) {
			t.Fatal("the row's own check refuses its code")
		}
		// Link tokens are still found by value.
		link, _ := makeCode(t, s, uid, models.PurposePasswordReset, Delivery{})
		if _, err := s.findCodeByValue(ctx, models.PurposePasswordReset, link); err != nil {
			t.Fatalf("a link token: %v", err)
		}
	})
}

// startTypedChange starts an email change with a typed code confirmed by its verification id,
// as Rixl does.
func startTypedChange(ctx context.Context, s *Service, p Principal, address string) (EmailChangeTicket, error) {
	return s.StartEmailChange(ctx, EmailChange{UserID: p.UserID, NewEmail: address, Delivery: Delivery{Digits: VerificationCodeDigits}})
}
