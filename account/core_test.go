package account

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// forEachService runs fn on a core over a migrated database of each backend.
func forEachService(t *testing.T, fn func(t *testing.T, s *Service, clk *testClock)) {
	for _, b := range testkit.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			s, clk := openTestService(t, b.DSN(t))
			fn(t, s, clk)
		})
	}
}

// openTestService opens and migrates the database at dsn and returns a core over it, with
// its clock.
func openTestService(t *testing.T, dsn string, pool ...models.Pool) (*Service, *testClock) {
	t.Helper()
	ctx := context.Background()
	db, err := models.Open(ctx, dsn, pool...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := models.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	clk := &testClock{now: time.Date(2026, 11, 23, 12, 0, 30, 0, time.UTC)}
	s, err := New(db, Config{Secret: []byte("core-test-secret-7Hq2Lx9Vb4Nm8Kp3Rw6Zt1Yc5"), Now: clk.Now,
		Hasher: password.NewHasher(password.Params{MemoryKiB: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32})})
	if err != nil {
		t.Fatal(err)
	}
	return s, clk
}
