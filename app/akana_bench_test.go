package app_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/testkit"
)

// BenchmarkAkana drives Akana's hot flows over loopback with production argon2id costs, as
// BenchmarkWebshare does: the cookie login, and sendEmailChangeCode (form body, session
// cookie, CSRF header: two lookups of the session, the role rule, two limit upserts, the
// code and two outbox mails in one transaction).
func BenchmarkAkana(b *testing.B) {
	for _, backend := range testkit.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			e := newEnv(b, backend.DSN(b), func(c *app.Config) {
				c.PasswordParams = &password.DefaultParams
				// The send limits (one per minute, five per hour per user) are real; the clock
				// moves an hour per send instead, and the sessions outlive that.
				c.AkanaSessionTTL = 100000 * time.Hour
			})
			// One user per in-flight request, so that no two logins or sends for one user race.
			const users = 40
			type session struct{ fdn, cookie, csrf string }
			sessions := make([]session, users)
			for i := range sessions {
				u := e.akanaAccount(fmt.Sprintf("bench%d@example.com", i), "", "")
				sessions[i] = session{u.fdn, u.cookie(akanaSession), u.cookie(akanaCSRFCookie)}
			}
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			do := func(req *http.Request) int {
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			var next, sent atomic.Int64
			cases := []struct {
				name   string
				status int
				worker func() func() int // one per goroutine
			}{
				{"login (argon2id verify, session + CSRF cookies)", 200, func() func() int {
					// Each goroutine logs in as its own user: a login attempt is counted against
					// its address before hashing and given back on success, so 32 parallel
					// logins of one address would meet the per-address limit (429).
					body := fmt.Sprintf(`{"email":"bench%d@example.com","password":"%s"}`, int(next.Add(1))%users, goodPassword)
					return func() int {
						req, _ := http.NewRequest("POST", e.baseURL+"/api/login", strings.NewReader(body))
						req.Header.Set("Content-Type", "application/json")
						return do(req)
					}
				}},
				{"sendEmailChangeCode (the vendor page's request)", 200, func() func() int {
					s := sessions[int(next.Add(1))%users]
					return func() int {
						e.clock.Advance(time.Hour)
						req, _ := http.NewRequest("POST", e.baseURL+"/api/users/"+s.fdn+"/sendEmailChangeCode",
							strings.NewReader(fmt.Sprintf("newEmailAddress=new%d%%40example.com", sent.Add(1))))
						req.Header.Set("Accept", "application/json, text/javascript, */*; q=0.01")
						req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
						req.Header.Set("Cookie", akanaSession+"="+s.cookie)
						req.Header.Set(akanaCSRFHeader, s.csrf)
						return do(req)
					}
				}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					b.SetParallelism(16) // 32 requests in flight on 2 cores, as BenchmarkWebshare
					b.RunParallel(func(pb *testing.PB) {
						do := c.worker()
						for pb.Next() {
							if got := do(); got != c.status {
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
