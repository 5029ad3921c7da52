package app_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/testkit"
)

// Benchmarks drive the real HTTP server over loopback with production argon2id costs, on each
// database. Requests go out in parallel (b.RunParallel), so ns/op is the inverse of throughput
// on this machine. `make bench` runs them; the numbers to compare against are in
// ../shared/research/perf-anchors.md (GoTrue on this kind of machine).
func BenchmarkWebshare(b *testing.B) {
	for _, backend := range testkit.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			e := newEnv(b, backend.DSN(b), func(c *app.Config) { c.PasswordParams = &password.DefaultParams })
			tok := e.register("bench@example.com", goodPassword)
			// Logins are spread over many accounts: every attempt counts against its address's
			// limit before argon2id runs (a success gives it back), so 32 logins of one address
			// in flight would meet the limit, as an attacker's burst does.
			const loginUsers = 64
			for i := 0; i < loginUsers; i++ {
				if _, err := e.app.Core.CreateUser(ctx, account.CreateUserInput{Email: fmt.Sprintf("login%d@example.com", i), Password: goodPassword, Verified: true}); err != nil {
					b.Fatal(err)
				}
			}
			// Keep a connection per in-flight request, as wrk does; Go's default keeps 2 per host.
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			post := func(path, body string, auth bool) int {
				req, _ := http.NewRequest("POST", e.baseURL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if auth {
					req.Header.Set("Authorization", "Token "+tok)
				}
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body) // drained, so the connection is reused
				resp.Body.Close()
				return resp.StatusCode
			}
			var n atomic.Int64
			cases := []struct {
				name   string
				status int
				do     func() int
			}{
				{"login (argon2id verify)", 200, func() int {
					who := int(n.Add(1)) % loginUsers
					return post("/api/v2/login/", fmt.Sprintf(`{"email":"login%d@example.com","password":"%s","recaptcha":"x"}`, who, goodPassword), false)
				}},
				{"reset request, unknown address", 204, func() int {
					return post("/api/v2/resetpassword/", fmt.Sprintf(`{"email":"nx%d@example.com","recaptcha":"x"}`, n.Add(1)), false)
				}},
				{"authenticated read (activation status)", 200, func() int {
					req, _ := http.NewRequest("GET", e.baseURL+"/api/v2/activation/", nil)
					req.Header.Set("Authorization", "Token "+tok)
					resp, err := hc.Do(req)
					if err != nil {
						b.Fatal(err)
					}
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					return resp.StatusCode
				}},
				{"rejected body (validation only)", 400, func() int {
					return post("/api/v2/login/", `{"email":"not-an-email","unknown":1}`, false)
				}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					b.SetParallelism(16) // 32 requests in flight on 2 cores, as in the GoTrue anchors (wrk -c32)
					b.RunParallel(func(pb *testing.PB) {
						for pb.Next() {
							if got := c.do(); got != c.status {
								b.Errorf("status %d, want %d", got, c.status)
								return
							}
						}
					})
				})
			}
		})
	}
}
