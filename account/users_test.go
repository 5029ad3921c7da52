package account

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/models"
)

// Rows stored before migration 00002 carry lower(address) as their key, which is wrong for
// non-ASCII addresses on SQLite and for NFD forms everywhere; RekeyAddresses fixes them at
// start, so the unique index and lookups use the real key from then on.
func TestRekeyAddresses(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		uid := makeUser(t, s, "ZOE\u0308@Example.com")
		if err := s.db.Model(&models.Email{}).Where("user_id = ?", uid).Update("address_key", "old-lower-key").Error; err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := findByEmail(s.db.DB, mustKey("zoë@example.com")); ok {
			t.Fatal("found before the rekey: the test does not test anything")
		}
		if err := s.RekeyAddresses(ctx); err != nil {
			t.Fatal(err)
		}
		acct, ok, err := findByEmail(s.db.DB, mustKey("zoë@example.com"))
		if err != nil || !ok || acct.user.ID != uid {
			t.Fatalf("after the rekey: %v %v", ok, err)
		}
	})
}

// The pass runs once: it reads the addresses in batches, records that it finished, and a
// later start skips it (reading every address at every start took minutes at scale). A
// conflict it cannot resolve leaves it unrecorded, so the next start reports it again.
func TestRekeyAddressesRunsOnceInBatches(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		defer func(n int) { rekeyBatch = n }(rekeyBatch)
		rekeyBatch = 2 // five addresses: three batches, the last one short
		var ids []string
		for _, a := range []string{"A\u0308a@example.com", "B\u0308b@example.com", "C\u0308c@example.com", "D\u0308d@example.com", "E\u0308e@example.com"} {
			ids = append(ids, makeUser(t, s, a))
		}
		breakKeys := func(prefix string) {
			t.Helper()
			for i, uid := range ids {
				if err := s.db.Model(&models.Email{}).Where("user_id = ?", uid).
					Update("address_key", fmt.Sprintf("%s-%d", prefix, i)).Error; err != nil {
					t.Fatal(err)
				}
			}
		}
		rekeyed := func() (n int) {
			t.Helper()
			var rows []models.Email
			if err := s.db.Where("user_id IN ?", ids).Find(&rows).Error; err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if key, _ := addressKey(r.Address); key == r.AddressKey {
					n++
				}
			}
			return n
		}
		recorded := func() bool {
			t.Helper()
			var n int64
			if err := s.db.Model(&models.MaintenanceRun{}).Where("name = ?", rekeyRun).Count(&n).Error; err != nil {
				t.Fatal(err)
			}
			return n == 1
		}

		// A conflict (two accounts, one normalised address) leaves the pass unrecorded.
		// (The second is stored as before migration 00002: its key from SQL's lower().)
		makeUser(t, s, "zo\u00eb@example.com")
		nfd := makeUser(t, s, "placeholder@example.com")
		if err := s.db.Model(&models.Email{}).Where("user_id = ?", nfd).
			Updates(map[string]any{"address": "zoe\u0308@example.com", "address_key": "old-nfd"}).Error; err != nil {
			t.Fatal(err)
		}
		breakKeys("old")
		if err := s.RekeyAddresses(ctx); err != nil {
			t.Fatal(err)
		}
		if n := rekeyed(); n != len(ids) {
			t.Fatalf("%d of %d addresses rekeyed across batches", n, len(ids))
		}
		if recorded() {
			t.Fatal("a pass that left a conflict was recorded as finished")
		}

		// Once the conflict is resolved, the pass is recorded, and a recorded pass is not run again.
		if err := s.db.Where("user_id = ?", nfd).Delete(&models.Email{}).Error; err != nil {
			t.Fatal(err)
		}
		if err := s.RekeyAddresses(ctx); err != nil {
			t.Fatal(err)
		}
		if !recorded() {
			t.Fatal("finished pass not recorded")
		}
		breakKeys("later")
		if err := s.RekeyAddresses(ctx); err != nil {
			t.Fatal(err)
		}
		if n := rekeyed(); n != 0 {
			t.Fatalf("a recorded pass ran again: %d addresses rekeyed", n)
		}
	})
}

// Logging in an existing user from register is a vendor's choice (LoginExisting); without it an
// address that has an account is email_taken, whatever the password. A weak password comes back
// as reason codes for the vendor to word, never as text.
func TestRegisterOptions(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, _ *testClock) {
		ctx := context.Background()
		in := RegisterInput{Email: "opt@example.com", Password: "correct-horse-battery", TOSAccepted: true, Client: "192.0.2.1"}
		if _, err := s.Register(ctx, in); err != nil {
			t.Fatal(err)
		}
		var e *Error
		if _, err := s.Register(ctx, in); !errors.As(err, &e) || e.Code != CodeEmailTaken || e.Field != FieldEmail {
			t.Fatalf("again without LoginExisting: %v", err)
		}
		in.LoginExisting = true
		res, err := s.Register(ctx, in)
		if err != nil || !res.ExistingUser || res.Token == "" {
			t.Fatalf("again with LoginExisting: %+v %v", res, err)
		}
		in.Password = "wrong-horse-battery"
		if _, err := s.Register(ctx, in); !errors.As(err, &e) || e.Code != CodeEmailTaken {
			t.Fatalf("wrong password with LoginExisting: %v", err)
		}
		_, err = s.Register(ctx, RegisterInput{Email: "weak@example.com", Password: "123", TOSAccepted: true})
		if !errors.As(err, &e) || e.Code != CodeWeakPassword || e.Field != FieldPassword ||
			len(e.Reasons) != 3 || e.Reasons[0] != password.TooShort || e.Reasons[1] != password.TooCommon || e.Reasons[2] != password.EntirelyNumeric {
			t.Fatalf("weak password: %#v", err)
		}
	})
}
