package account

import (
	"context"
	"testing"
	"time"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
	"gorm.io/gorm"
)

// benchServices runs fn on a core over a migrated database of each backend.
func benchServices(b *testing.B, fn func(b *testing.B, s *Service)) {
	for _, be := range testkit.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			ctx := context.Background()
			db, err := models.Open(ctx, be.DSN(b))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { db.Close() })
			if _, err := models.Migrate(ctx, db); err != nil {
				b.Fatal(err)
			}
			s, err := New(db, Config{Secret: []byte("bench-test-secret-4Jd8Qw2Ez6Rt0Yu3Io7Pa5Sx"), MaxCodeAttempts: 1 << 30,
				Hasher: password.NewHasher(password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})})
			if err != nil {
				b.Fatal(err)
			}
			fn(b, s)
		})
	}
}

// Token lookup: what every authenticated request does first (one query: credential and owner).
func BenchmarkAuthenticate(b *testing.B) {
	benchServices(b, func(b *testing.B, s *Service) {
		userID := benchUser(b, s, "token@example.com")
		var sess Session
		err := s.db.Transaction(func(tx *gorm.DB) (err error) {
			sess, err = s.issueCredential(tx, userID, CredentialSpec{Kind: models.CredentialAPIToken})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Authenticate(ctx, sess.Token); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// Code check: a typed code compared with the user's live code, the attempt counted first.
func BenchmarkCheckUserCode(b *testing.B) {
	benchServices(b, func(b *testing.B, s *Service) {
		userID := benchUser(b, s, "code@example.com")
		var code string
		err := s.db.Transaction(func(tx *gorm.DB) (err error) {
			code, _, err = s.newCode(tx, userID, models.PurposeEmailChange, testAddress("new@example.com"), Delivery{Digits: 6})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.checkUserCode(ctx, userID, models.PurposeEmailChange, code); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The database-bound code requests, one at a time: a request's latency here is mostly its
// round trips to PostgreSQL (TestStatementsPerRequest counts them). Budgets are opened wide
// and the reset's floor is off: the statements are measured, not the limits.
func BenchmarkCodeRequests(b *testing.B) {
	benchServices(b, func(b *testing.B, s *Service) {
		s.cfg.ResetFloor, s.cfg.ResendCooldown, s.cfg.SendsPerHour = 0, time.Nanosecond, 1<<30
		userID := benchUser(b, s, "known@example.com")
		ctx := context.Background()
		cases := []struct {
			name string
			run  func() error
		}{
			{"password reset, unknown address", func() error {
				return s.RequestPasswordReset(ctx, "unknown@example.com", Delivery{})
			}},
			{"password reset, known address", func() error {
				return s.RequestPasswordReset(ctx, "known@example.com", Delivery{})
			}},
			{"email change code", func() error {
				_, err := s.StartEmailChange(ctx, EmailChange{UserID: userID, NewEmail: "fresh@example.com",
					Delivery: Delivery{Digits: VerificationCodeDigits}})
				return err
			}},
		}
		for _, c := range cases {
			b.Run(c.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if err := c.run(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	})
}

func benchUser(b *testing.B, s *Service, email string) string {
	b.Helper()
	now := time.Now().UTC()
	u := models.User{ID: models.NewID(), Status: models.StatusActive, CreatedAt: now, UpdatedAt: now}
	e := models.Email{ID: models.NewID(), UserID: u.ID, Address: email, AddressKey: mustKey(email), IsPrimary: true, CreatedAt: now, UpdatedAt: now}
	if err := s.db.Create(&u).Error; err != nil {
		b.Fatal(err)
	}
	if err := s.db.Create(&e).Error; err != nil {
		b.Fatal(err)
	}
	return u.ID
}
