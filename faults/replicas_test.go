//go:build faults

package faults

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/accountd/accountd/mail/mailtest"
)

// roundRobin is a loopback load balancer: each request goes to the next replica. It passes
// the client's X-Forwarded-For on (the replicas trust loopback), as a load balancer would.
func roundRobin(t *testing.T, replicas ...*replica) string {
	t.Helper()
	targets := make([]*url.URL, len(replicas))
	for i, r := range replicas {
		targets[i], _ = url.Parse(r.url)
	}
	var next atomic.Uint64
	proxy := &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(targets[next.Add(1)%uint64(len(targets))])
		pr.Out.Header["X-Forwarded-For"] = pr.In.Header["X-Forwarded-For"]
	}}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: proxy}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return "http://" + l.Addr().String()
}

// post sends a JSON body from client address ip and returns the status and body.
func post(t *testing.T, base, path, ip string, body any) (int, string) {
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", base+path, bytes.NewReader(raw))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Forwarded-For", ip)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, ""
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.String()
}

// parallel runs fn(i) n times at once, all released together, and counts the statuses.
func parallel(n int, fn func(i int) int) map[int]int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := make(chan struct{})
	counts := map[int]int{}
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			s := fn(i)
			mu.Lock()
			counts[s]++
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()
	return counts
}

// Three replicas on one database behind a loopback round-robin: every rule that decides
// between concurrent requests is decided in the database, so it holds across processes.
func TestThreeReplicas(t *testing.T) {
	pg := startPostgres(t)
	smtp := startSMTP(t)
	var replicas []*replica
	for range 3 {
		replicas = append(replicas, startReplica(t, pg.URL(), smtp.URL()))
	}
	lb := roundRobin(t, replicas...)

	t.Run("50 accounts claim one address", func(t *testing.T) {
		counts := parallel(50, func(i int) int {
			s, _ := post(t, lb, "/api/v2/register/", fmt.Sprintf("10.1.0.%d", i),
				map[string]any{"email": "race@example.com", "password": fmt.Sprintf("%s-%d", goodPassword, i), "recaptcha": "x", "tos_accepted": true})
			return s
		})
		w := checkWrites(t, pg.URL(), []string{"race@example.com"})
		t.Logf("answers %v; accounts with the address %d, duplicate rows %d", counts, w.found, w.duplicates)
		if counts[http.StatusCreated] != 1 || w.found != 1 || w.duplicates != 0 {
			t.Errorf("%d winners, %d rows: want exactly one", counts[http.StatusCreated], w.found+w.duplicates)
		}
	})

	t.Run("one code submitted 30 times", func(t *testing.T) {
		if s, body := post(t, lb, "/api/v2/register/", "10.2.0.1",
			map[string]any{"email": "code@example.com", "password": goodPassword, "recaptcha": "x", "tos_accepted": true}); s != http.StatusCreated {
			t.Fatalf("register: %d %s", s, body)
		}
		if d := smtp.waitMail(t, []string{"code@example.com"}, 30*time.Second); smtp.figures([]string{"code@example.com"}).missing > 0 {
			t.Fatalf("no activation mail after %s", d)
		}
		var code string
		for _, m := range smtp.all() {
			if link, ok := mailtest.FindLink(m.Text, "http://localhost:8080/activation/"); ok && strings.EqualFold(m.To[0], "code@example.com") {
				code = strings.TrimSuffix(strings.TrimPrefix(link, "http://localhost:8080/activation/"), "/confirm/")
			}
		}
		if code == "" {
			t.Fatal("no activation link in the mail")
		}
		counts := parallel(30, func(i int) int {
			s, _ := post(t, lb, "/api/v2/activation/complete/", fmt.Sprintf("10.2.1.%d", i), map[string]any{"activation_token": code})
			return s
		})
		ok := 0
		for s, n := range counts {
			if s >= 200 && s < 300 {
				ok += n
			}
		}
		t.Logf("answers %v", counts)
		if ok != 1 {
			t.Errorf("%d successes, want exactly one", ok)
		}
	})

	t.Run("the per-address login limit holds", func(t *testing.T) {
		if s, body := post(t, lb, "/api/v2/register/", "10.3.0.1",
			map[string]any{"email": "limit@example.com", "password": goodPassword, "recaptcha": "x", "tos_accepted": true}); s != http.StatusCreated {
			t.Fatalf("register: %d %s", s, body)
		}
		counts := parallel(60, func(int) int {
			s, _ := post(t, lb, "/api/v2/login/", "10.3.0.2", map[string]any{"email": "limit@example.com", "password": "wrong-password-guess", "recaptcha": "x"})
			return s
		})
		evaluated := 60 - counts[http.StatusTooManyRequests]
		t.Logf("answers %v: %d evaluated, %d refused by the limit (10 failures per address and client)", counts, evaluated, counts[http.StatusTooManyRequests])
		if evaluated > 10 {
			t.Errorf("%d attempts evaluated, the limit is 10", evaluated)
		}
	})

	t.Run("1,000 mails", func(t *testing.T) {
		ld := startLoad(t, 8, "replicas", lb)
		for ld.ackedCount() < 1000 {
			time.Sleep(5 * time.Millisecond)
		}
		ld.finish()
		w := checkWrites(t, pg.URL(), ld.acked)
		ld.report(t, w)
		drain := smtp.waitMail(t, ld.acked, 120*time.Second)
		m := smtp.figures(ld.acked)
		t.Logf("mail: %d of %d recipients reached (missing %d), %d received, %d sent twice (same Message-ID), drained %s after the load; outbox %s",
			m.recipients, len(ld.acked), m.missing, m.received, m.duplicates, drain.Round(time.Millisecond), outboxFigures(t, pg.URL()))
		if m.missing > 0 || m.duplicates > 0 {
			t.Errorf("mail: %d lost, %d sent twice", m.missing, m.duplicates)
		}
	})
}
