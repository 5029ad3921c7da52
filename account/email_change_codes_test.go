package account

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
)

var mailedCode = regexp.MustCompile(`code is: (\S+)`)

// lastMailedCode opens the newest outbox mail to addr and returns the code in it.
func lastMailedCode(t *testing.T, s *Service, addr string) string {
	t.Helper()
	var m models.OutboxMessage
	if err := s.db.Where("recipient = ?", addr).Order("created_at DESC, id DESC").Take(&m).Error; err != nil {
		t.Fatalf("no mail to %s: %v", addr, err)
	}
	c, err := s.keys.openMail(m.ID, m.Sealed)
	if err != nil {
		t.Fatal(err)
	}
	got := mailedCode.FindStringSubmatch(c.Text)
	if got == nil {
		t.Fatalf("no code in mail to %s: %q", addr, c.Text)
	}
	return got[1]
}

func primaryOf(t *testing.T, s *Service, userID string) string {
	t.Helper()
	acct, err := loadAccount(s.db.DB, userID)
	if err != nil {
		t.Fatal(err)
	}
	return acct.primary.Address
}

func TestEmailChangeCodes(t *testing.T) {
	ctx := context.Background()
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		admin := makeUser(t, s, "admin@a.example")
		member := makeUser(t, s, "member@a.example")
		other := makeUser(t, s, "other@a.example")
		org(t, s, map[string]string{admin: models.RoleSiteAdmin, member: models.RoleMember, other: models.RoleMember})
		send := func(actor, target, addr string) error {
			clk.Advance(time.Hour) // past the cooldown and the hourly limit
			return sendCode(ctx, s, actor, target, addr)
		}

		t.Run("a site admin sends, the user applies; the old address is told", func(t *testing.T) {
			if err := send(admin, member, "new@a.example"); err != nil {
				t.Fatal(err)
			}
			code := lastMailedCode(t, s, "new@a.example")
			wantCode(t, s.ApplyEmailChangeCode(ctx, Principal{UserID: member}, code, "other-new@a.example"), CodeInvalidCode)
			wantCode(t, s.ApplyEmailChangeCode(ctx, Principal{UserID: other}, code, "new@a.example"), CodeInvalidCode)
			if err := s.ApplyEmailChangeCode(ctx, Principal{UserID: member}, code, "NEW@a.example"); err != nil {
				t.Fatal(err)
			}
			if got := primaryOf(t, s, member); got != "new@a.example" {
				t.Fatalf("primary is %s", got)
			}
			wantCode(t, s.ApplyEmailChangeCode(ctx, Principal{UserID: member}, code, "new@a.example"), CodeInvalidCode)
			var n int64
			s.db.Model(&models.OutboxMessage{}).Where("recipient = ? AND kind IN ?", "member@a.example",
				[]string{MailEmailChangeRequested, MailEmailChanged}).Count(&n)
			if n != 2 {
				t.Fatalf("%d notices to the old address, want 2", n)
			}
		})
		t.Run("an expired code is invalid", func(t *testing.T) {
			if err := send(other, other, "late@a.example"); err != nil {
				t.Fatal(err)
			}
			code := lastMailedCode(t, s, "late@a.example")
			clk.Advance(s.cfg.LinkTTL + time.Second)
			wantCode(t, s.ApplyEmailChangeCode(ctx, Principal{UserID: other}, code, "late@a.example"), CodeInvalidCode)
		})
		t.Run("mismatched addresses burn the code", func(t *testing.T) {
			if err := send(other, other, "burn@a.example"); err != nil {
				t.Fatal(err)
			}
			code := lastMailedCode(t, s, "burn@a.example")
			for range s.cfg.MaxCodeAttempts {
				wantCode(t, s.ApplyEmailChangeCode(ctx, Principal{UserID: other}, code, "wrong@a.example"), CodeInvalidCode)
			}
			wantCode(t, s.ApplyEmailChangeCode(ctx, Principal{UserID: other}, code, "burn@a.example"), CodeInvalidCode)
		})
		t.Run("an address taken after the send is refused at apply", func(t *testing.T) {
			if err := send(other, other, "race@a.example"); err != nil {
				t.Fatal(err)
			}
			code := lastMailedCode(t, s, "race@a.example")
			makeUser(t, s, "race@a.example")
			wantCode(t, s.ApplyEmailChangeCode(ctx, Principal{UserID: other}, code, "race@a.example"), CodeEmailTaken)
			if got := primaryOf(t, s, other); got != "other@a.example" {
				t.Fatalf("primary is %s", got)
			}
		})
		t.Run("taken, unchanged and throttled sends", func(t *testing.T) {
			wantCode(t, send(other, other, "admin@a.example"), CodeEmailTaken)
			wantCode(t, send(other, other, "OTHER@a.example"), CodeEmailUnchanged)
			wantCode(t, send(member, other, "x@a.example"), CodeNotPermitted)
			if err := send(other, other, "one@a.example"); err != nil {
				t.Fatal(err)
			}
			wantCode(t, sendCode(ctx, s, other, other, "two@a.example"), CodeThrottled)
		})
		t.Run("20 parallel sends mail one code", func(t *testing.T) {
			clk.Advance(time.Hour)
			before := countMail(t, s, "para@a.example")
			ok := parallel(20, func() error { return sendCode(ctx, s, member, member, "para@a.example") })
			if ok != 1 || countMail(t, s, "para@a.example")-before != 1 {
				t.Fatalf("%d sends succeeded, want 1", ok)
			}
		})
	})
}

func countMail(t *testing.T, s *Service, addr string) int64 {
	t.Helper()
	var n int64
	if err := s.db.Model(&models.OutboxMessage{}).Where("recipient = ?", addr).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	return n
}

// sendCode starts an email change of target on actor's behalf, as Akana does.
func sendCode(ctx context.Context, s *Service, actor, target, address string) error {
	_, err := s.StartEmailChange(ctx, EmailChange{UserID: target, ActorID: actor, NewEmail: address, NotifyCurrent: true})
	return err
}
