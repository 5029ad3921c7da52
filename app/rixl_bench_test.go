package app_test

import (
	"fmt"
	"io"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/app"
	dbmodels "github.com/accountd/accountd/models"
	"github.com/accountd/accountd/testkit"
)

// BenchmarkRixl drives Rixl's hot flows over real HTTP on each database, as BenchmarkWebshare
// does: login (argon2id at production cost, a new session each time), emails/change to fresh
// addresses (limits, uniqueness, code, outbox) and email/verify with the right code.
//
// The clock ticks 1 ms per reading and the cooldown is 1 µs, so that one account may start a
// change per request; each parallel worker uses its own account, as real users would.
func BenchmarkRixl(b *testing.B) {
	for _, backend := range testkit.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			var ticks atomic.Int64
			base := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
			e := newEnv(b, backend.DSN(b), func(c *app.Config) {
				c.PasswordParams = &password.DefaultParams
				c.Now = func() time.Time { return base.Add(time.Duration(ticks.Add(1)) * time.Millisecond) }
				c.CodeCooldown, c.CodesPerHour = time.Microsecond, 1<<30
			})
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			do := func(method, path, body, tok string) int {
				req, _ := http.NewRequest(method, e.baseURL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if tok != "" {
					req.Header.Set("Authorization", "Bearer "+tok)
				}
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			parallel := func(b *testing.B, want int, op func(worker int) int) {
				b.ReportAllocs()
				b.SetParallelism(16) // 32 requests in flight on 2 cores, as in BenchmarkWebshare
				var workers atomic.Int64
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					w := int(workers.Add(1)) - 1
					for pb.Next() {
						if got := op(w); got != want {
							b.Errorf("status %d, want %d", got, want)
							return
						}
					}
				})
			}

			// One account per parallel worker: the core counts a login attempt per address before
			// hashing, so 32 parallel logins of one address would meet the per-address limit, and
			// one change per account per cooldown is allowed. Made by the operator path, since
			// registrations are limited per client.
			tokens := make([]string, 16*runtime.GOMAXPROCS(0))
			for i := range tokens {
				email := fmt.Sprintf("worker%d@example.com", i)
				if _, err := e.app.Core.CreateUser(ctx, account.CreateUserInput{Email: email, Password: goodPassword, Verified: true}); err != nil {
					b.Fatal(err)
				}
				tokens[i] = e.rixlLogin(email, goodPassword).AccessToken
			}
			b.Run("login (argon2id verify, new session)", func(b *testing.B) {
				parallel(b, 200, func(w int) int {
					return do("POST", "/auth/v1/login",
						fmt.Sprintf(`{"email":"worker%d@example.com","password":"%s"}`, w%len(tokens), goodPassword), "")
				})
			})
			var fresh atomic.Int64
			b.Run("emails/change, fresh address", func(b *testing.B) {
				parallel(b, 200, func(w int) int {
					return do("PUT", "/auth/v1/users/current/emails/change",
						fmt.Sprintf(`{"new_email":"fresh%d@example.com"}`, fresh.Add(1)), tokens[w%len(tokens)])
				})
			})

			b.Run("email/verify, right code", func(b *testing.B) {
				ids, codes := pendingVerifications(b, e, b.N)
				var next atomic.Int64
				parallel(b, 200, func(int) int {
					i := next.Add(1) - 1
					return do("POST", "/auth/v1/email/verify", fmt.Sprintf(`{"verification_id":"%s","code":"%s"}`, ids[i], codes[i]), "")
				})
			})
		})
	}
}

// pendingVerifications makes n accounts (rows written directly: no hashing) each with an
// address-to-add pending, and returns the verification ids and the codes read from the mail.
func pendingVerifications(b *testing.B, e *env, n int) (ids, codes []string) {
	b.Helper()
	prefix := fmt.Sprintf("v%d-", time.Now().UnixNano())
	now := e.clock.Now()
	for i := range n {
		u := dbmodels.User{ID: dbmodels.NewID(), Status: dbmodels.StatusActive, CreatedAt: now, UpdatedAt: now}
		addr := fmt.Sprintf("%sowner%d@example.com", prefix, i)
		key, _ := account.AddressKey(addr)
		em := dbmodels.Email{ID: dbmodels.NewID(), UserID: u.ID, Address: addr, AddressKey: key,
			IsPrimary: true, VerifiedAt: &now, CreatedAt: now, UpdatedAt: now}
		if err := e.app.DB.Create(&u).Error; err != nil {
			b.Fatal(err)
		}
		if err := e.app.DB.Create(&em).Error; err != nil {
			b.Fatal(err)
		}
		t, err := e.app.Core.StartAddEmail(ctx, account.Principal{UserID: u.ID}, fmt.Sprintf("%sadded%d@example.com", prefix, i))
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, t.ID)
	}
	for e.deliver() > 0 {
	}
	byAddr := map[string]string{}
	for _, m := range e.smtp.All() {
		if c := sixDigits.FindStringSubmatch(m.Text); c != nil && len(m.To) == 1 {
			byAddr[m.To[0]] = c[1]
		}
	}
	for i := range n {
		code, ok := byAddr[fmt.Sprintf("%sadded%d@example.com", prefix, i)]
		if !ok {
			b.Fatalf("no code mailed for verification %d", i)
		}
		codes = append(codes, code)
	}
	return ids, codes
}
