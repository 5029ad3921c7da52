package account

import (
	"context"
	"testing"

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
		if _, ok, _ := findByEmail(s.db.DB, "zoë@example.com"); ok {
			t.Fatal("found before the rekey: the test does not test anything")
		}
		if err := s.RekeyAddresses(ctx); err != nil {
			t.Fatal(err)
		}
		acct, ok, err := findByEmail(s.db.DB, "zoë@example.com")
		if err != nil || !ok || acct.user.ID != uid {
			t.Fatalf("after the rekey: %v %v", ok, err)
		}
	})
}
