package account

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// watchedHasher is the real hasher, checking that no transaction of s is open while it hashes
// and counting the hashes it starts.
type watchedHasher struct {
	t      *testing.T
	s      *Service
	inner  *password.Hasher
	hashes atomic.Int32
}

func (w *watchedHasher) check(ctx context.Context, op string) {
	if ctx.Err() == nil {
		w.hashes.Add(1)
	}
	if n := w.s.openTx.Load(); n != 0 {
		w.t.Errorf("%s ran with %d transaction(s) open: argon2id would hold their locks", op, n)
	}
}

func (w *watchedHasher) HashContext(ctx context.Context, plain string) (string, error) {
	w.check(ctx, "Hash")
	return w.inner.HashContext(ctx, plain)
}

func (w *watchedHasher) VerifyContext(ctx context.Context, plain, encoded string) (bool, error) {
	w.check(ctx, "Verify")
	return w.inner.VerifyContext(ctx, plain, encoded)
}

func (w *watchedHasher) VerifyAgainstDummyContext(ctx context.Context, plain string) error {
	w.check(ctx, "VerifyAgainstDummy")
	return w.inner.VerifyAgainstDummyContext(ctx, plain)
}

func (w *watchedHasher) NeedsRehash(encoded string) bool { return w.inner.NeedsRehash(encoded) }

func watch(t *testing.T, s *Service) *watchedHasher {
	w := &watchedHasher{t: t, s: s, inner: password.NewHasher(password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})}
	s.cfg.Hasher = w
	return w
}

// Every flow that hashes a password does it before its transaction opens.
func TestPasswordsAreHashedOutsideTransactions(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		ctx := context.Background()
		w := watch(t, s)
		const pw = "correct-horse-battery"
		reg, err := s.Register(ctx, RegisterInput{Email: "tx@example.com", Password: pw, TOSAccepted: true, Client: "c"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Login(ctx, "tx@example.com", pw, "c", CredentialSpec{}); err != nil {
			t.Fatal(err)
		}
		p, err := s.Authenticate(ctx, reg.Token)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.ChangePassword(ctx, p, pw, "staple-lantern-orbit"); err != nil {
			t.Fatal(err)
		}
		if err := s.RequestPasswordReset(ctx, "tx@example.com", Delivery{}); err != nil {
			t.Fatal(err)
		}
		// The mailed reset code is stored only as an HMAC; make a fresh one the test knows.
		var known string
		if err := s.tx(ctx, func(tx *gorm.DB) error {
			var err error
			known, _, err = s.newCode(tx, p.UserID, models.PurposePasswordReset, testAddress("tx@example.com"), Delivery{})
			return err
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CompletePasswordReset(ctx, known, "orbit-lantern-staple", CredentialSpec{}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateUser(ctx, CreateUserInput{Email: "op@example.com", Password: pw}); err != nil {
			t.Fatal(err)
		}
		if w.hashes.Load() < 6 {
			t.Fatalf("only %d hashes watched", w.hashes.Load())
		}
	})
}

// A caller that has gone does not get (or wait for) a password hash, and the error says why.
func TestCancelledCallersDoNotHash(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, clk *testClock) {
		w := watch(t, s)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := s.Login(ctx, "gone@example.com", "whatever-password", "c", CredentialSpec{})
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
		if n := w.hashes.Load(); n != 0 {
			t.Fatalf("%d hashes for a cancelled caller", n)
		}
	})
}
