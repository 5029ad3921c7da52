package account

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// makeUser inserts a bare user with one address.
func makeUser(t *testing.T, s *Service, email string) string {
	t.Helper()
	now := s.now()
	u := models.User{ID: models.NewID(), Status: models.StatusActive, CreatedAt: now, UpdatedAt: now}
	e := models.Email{ID: models.NewID(), UserID: u.ID, Address: email, AddressKey: mustKey(email), IsPrimary: true, CreatedAt: now, UpdatedAt: now}
	if err := s.db.Create(&u).Error; err != nil {
		t.Fatal(err)
	}
	if err := s.db.Create(&e).Error; err != nil {
		t.Fatal(err)
	}
	return u.ID
}

func makeCode(t *testing.T, s *Service, userID, purpose string, d Delivery) (string, models.OneTimeCode) {
	t.Helper()
	var code string
	var row models.OneTimeCode
	err := s.db.Transaction(func(tx *gorm.DB) (err error) {
		code, row, err = s.newCode(tx, userID, purpose, testAddress("x@example.com"), d)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return code, row
}

// parallel runs fn n times at once and counts the nil results.
func parallel(n int, fn func() error) (ok int) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			if fn() == nil {
				mu.Lock()
				ok++
				mu.Unlock()
			}
		}()
	}
	close(start)
	wg.Wait()
	return ok
}

func TestCodeIsConsumedOnceUnderRace(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "race@example.com")
		_, row := makeCode(t, s, uid, models.PurposePasswordReset, Delivery{})
		wins := parallel(8, func() error {
			return s.tx(context.Background(), func(tx *gorm.DB) error { return s.consumeCode(tx, row.ID) })
		})
		if wins != 1 {
			t.Fatalf("%d consumers won, want exactly 1", wins)
		}
	})
}

func TestCodeAttemptsAreBoundedUnderRace(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		uid := makeUser(t, s, "guess@example.com")
		code, row := makeCode(t, s, uid, models.PurposeEmailChange, Delivery{Digits: 8})
		parallel(12, func() error {
			_, err := s.checkUserCode(context.Background(), uid, models.PurposeEmailChange, "00000000x")
			return err
		})
		var got models.OneTimeCode
		if err := s.db.Take(&got, "id = ?", row.ID).Error; err != nil {
			t.Fatal(err)
		}
		if got.Attempts != s.cfg.MaxCodeAttempts {
			t.Fatalf("attempts = %d, want the cap %d", got.Attempts, s.cfg.MaxCodeAttempts)
		}
		if _, err := s.checkUserCode(context.Background(), uid, models.PurposeEmailChange, code); AsError(err).Code != CodeInvalidCode {
			t.Fatalf("the right code after the cap: %v", err)
		}
	})
}

func TestCodeLifecycle(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "life@example.com")
		first, _ := makeCode(t, s, uid, models.PurposeActivation, Delivery{})
		second, row := makeCode(t, s, uid, models.PurposeActivation, Delivery{})
		tests := []struct {
			name, purpose, code string
			ok                  bool
		}{
			{"newest code", models.PurposeActivation, second, true},
			{"superseded code", models.PurposeActivation, first, false},
			{"other purpose", models.PurposePasswordReset, second, false},
			{"padded with spaces", models.PurposeActivation, " " + second + " ", true},
			{"unknown", models.PurposeActivation, strings.Repeat("A", 43), false},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := s.findCodeByValue(ctx, tc.purpose, tc.code)
				if (err == nil) != tc.ok {
					t.Fatalf("err = %v, want ok=%v", err, tc.ok)
				}
			})
		}
		if !bytes.Equal(row.CodeHash, s.keys.linkHash(models.PurposeActivation, second)) || bytes.Contains(row.CodeHash, []byte(second)) {
			t.Fatal("stored hash is not the HMAC of the code")
		}
		clk.Advance(s.cfg.LinkTTL)
		if _, err := s.findCodeByValue(ctx, models.PurposeActivation, second); err == nil {
			t.Fatal("an expired code was found")
		}
	})
}

func TestRandomDigits(t *testing.T) {
	counts := map[byte]int{}
	for range 2000 {
		d := randomDigits(8)
		if len(d) != 8 || strings.Trim(d, "0123456789") != "" {
			t.Fatalf("bad code %q", d)
		}
		for i := range len(d) {
			counts[d[i]]++
		}
	}
	// 16000 digits, 1600 expected each; a biased generator drifts far beyond ±20%.
	for c := byte('0'); c <= '9'; c++ {
		if counts[c] < 1280 || counts[c] > 1920 {
			t.Fatalf("digit %c drawn %d times of 16000", c, counts[c])
		}
	}
}

func TestSealedMail(t *testing.T) {
	k, err := deriveKeys([]byte("core-test-secret-7Hq2Lx9Vb4Nm8Kp3Rw6Zt1Yc5"))
	if err != nil {
		t.Fatal(err)
	}
	m := MailContent{Subject: "s", Text: "code 12345678"}
	sealed, err := k.sealMail("id1", m)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(sealed, []byte("12345678")) {
		t.Fatal("the code is readable in the sealed mail")
	}
	if got, err := k.openMail("id1", sealed); err != nil || got != m {
		t.Fatalf("open: %v %v", got, err)
	}
	if _, err := k.openMail("id2", sealed); err == nil {
		t.Fatal("a sealed mail opened under another row id")
	}
	other, _ := deriveKeys([]byte("another-secret-another-secret-xx"))
	if _, err := other.openMail("id1", sealed); err == nil {
		t.Fatal("a sealed mail opened under another secret")
	}
	if _, err := deriveKeys([]byte("short")); err == nil {
		t.Fatal("a short secret was accepted")
	}
}

func TestValidEmail(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"jane@example.com", true},
		{"Jane.Doe+tag@Sub.Example.co.uk", true},
		{"jane@localhost", false},
		{"jane@example", false},
		{"Jane <jane@example.com>", false},
		{" jane@example.com", false},
		{"a b@example.com", false},
		{"jane@@example.com", false},
		{"jane@example.com.", false},
		{"jane@[127.0.0.1]", false},
		{"", false},
		{strings.Repeat("a", 65) + "@example.com", false},
		{"a@" + strings.Repeat("b", 250) + ".com", false},
	}
	for _, tc := range tests {
		if got := ValidEmail(tc.in); got != tc.ok {
			t.Errorf("ValidEmail(%q) = %v, want %v", tc.in, got, tc.ok)
		}
	}
}

// RequestPasswordReset takes at least ResetFloor whether or not the address is registered, so
// its timing does not tell. (A lower bound: timers never fire early, so this cannot flake.)
func TestResetTakesTheFloorEitherWay(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		s.cfg.ResetFloor = 30 * time.Millisecond
		makeUser(t, s, "known@example.com")
		for _, email := range []string{"known@example.com", "unknown@example.com"} {
			start := time.Now()
			if err := s.RequestPasswordReset(context.Background(), email, Delivery{}); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took < s.cfg.ResetFloor {
				t.Fatalf("%s: took %v, under the %v floor", email, took, s.cfg.ResetFloor)
			}
		}
	})
}

// With an AnswerHold in the context (the HTTP server's), a floored call does not wait: it
// records when its answer may leave, measured from the call's start, and the holder waits.
// The floor here is an hour: a call that waited itself would not return within the test.
func TestFlooredCallsLeaveTheWaitToTheHold(t *testing.T) {
	calls := []struct {
		name string
		call func(ctx context.Context, s *Service) error
	}{
		{"reset, known address", func(ctx context.Context, s *Service) error {
			return s.RequestPasswordReset(ctx, "known@example.com", Delivery{})
		}},
		{"reset, unknown address", func(ctx context.Context, s *Service) error {
			return s.RequestPasswordReset(ctx, "unknown@example.com", Delivery{})
		}},
		{"resend verification", func(ctx context.Context, s *Service) error {
			return s.ResendVerification(ctx, "known@example.com")
		}},
	}
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		s.cfg.ResetFloor = time.Hour
		makeUser(t, s, "known@example.com")
		for _, c := range calls {
			var h AnswerHold
			start := time.Now()
			if err := c.call(WithAnswerHold(context.Background(), &h), s); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			end := time.Now()
			if nb := h.NotBefore(); nb.Before(start.Add(time.Hour)) || nb.After(end.Add(time.Hour)) {
				t.Errorf("%s: answer may leave at %v, want the call's start + 1h (%v..%v)", c.name, nb, start.Add(time.Hour), end.Add(time.Hour))
			}
			if !h.Pending() {
				t.Errorf("%s: the hold is not pending", c.name)
			}
		}
	})
}

// testAddress is a valid address as parsed.
func testAddress(s string) Address {
	a, err := parseAddress(s, FieldEmail)
	if err != nil {
		panic(err)
	}
	return a
}
