package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/accountd/accountd/account/password"
	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/testkit"
)

// Payway's hot flows over real HTTP with production argon2id costs, on each database, as
// BenchmarkWebshare does: the password grant (argon2id verify, freeze counter, a new session
// with an access and a refresh token) and request_email_change (bearer token resolution, scope
// check, a UUID code; through an own-mail client, so the per-account mail cooldown does not
// turn the loop into 429s).
func BenchmarkPayway(b *testing.B) {
	for _, backend := range testkit.Backends(b) {
		b.Run(backend.Name, func(b *testing.B) {
			p := newPayway(b, backend.DSN(b), func(c *app.Config) { c.PasswordParams = &password.DefaultParams })
			// Many accounts, logged in round robin: the freeze counts attempts in flight per
			// account, so 32 parallel logins of ONE account would (rightly) look like a burst.
			const accounts = 64
			for i := range accounts {
				p.member(p.orgA, fmt.Sprintf("bench%d@example.com", i))
			}
			tok := p.userToken(p.aOwnMail, "bench0@example.com").AccessToken
			hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
			do := func(path, ctype, body, auth string) int {
				req, _ := http.NewRequest("POST", p.baseURL+path, strings.NewReader(body))
				req.Header.Set("Content-Type", ctype)
				if auth != "" {
					req.Header.Set("Authorization", "Bearer "+auth)
				}
				resp, err := hc.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			grant := func(i int64) string {
				return url.Values{"grant_type": {"password"}, "client_id": {p.a.id}, "client_secret": {p.a.secret},
					"username": {fmt.Sprintf("%s^bench%d@example.com", p.orgA, i%accounts)}, "password": {goodPassword},
					"scope": {meR + " " + meW}}.Encode()
			}
			var n atomic.Int64
			cases := []struct {
				name   string
				status int
				do     func() int
			}{
				{"password grant (argon2id verify + session)", 200, func() int {
					return do("/api/authorization/access_token", "application/x-www-form-urlencoded", grant(n.Add(1)), "")
				}},
				{"request_email_change (own-mail client)", 200, func() int {
					return do("/external/api/v1/me/request_email_change", "application/json",
						fmt.Sprintf(`{"new_email":"new%d@example.com"}`, n.Add(1)), tok)
				}},
			}
			for _, c := range cases {
				b.Run(c.name, func(b *testing.B) {
					b.ReportAllocs()
					b.SetParallelism(16)
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
