package app_test

import (
	"bytes"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/accountd/accountd/app"
)

// syncBuffer is a log destination the server's goroutines may write at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestPagesLogNoCodes opens and submits pages with the server logging at Info (every access
// log line) and checks that no line holds the code of a link: the path is written with the
// parameter's name in its place, and the query string not at all.
func TestPagesLogNoCodes(t *testing.T) {
	var logs syncBuffer
	e := newAkanaEnv(t, filepath.Join(t.TempDir(), "accountd.db"), func(c *app.Config) {
		l, err := app.NewLogger("text", "info", &logs)
		if err != nil {
			t.Fatal(err)
		}
		c.Logger = l
	})
	e.register("log@example.com", goodPassword)
	act := e.pageLink("log@example.com", "/activation/")
	e.scan(act, 1)
	if s, body := e.postPage(act, url.Values{}); s != http.StatusOK {
		t.Fatalf("activation page: %d %.200s", s, body)
	}
	e.askReset("log@example.com")
	reset := e.pageLink("log@example.com", "/resetpassword/")
	e.scan(reset, 1)
	e.rixlSignup("logrix@example.com")
	e.rixlRequestReset("logrix@example.com")
	rixl := e.pageLink("logrix@example.com", "/auth/reset-password?token=")
	e.scan(rixl, 1)
	// A mistyped link (no trailing slash) matches no route: still no code in the log.
	// (No operation of the spec answers it, so it goes around the contract check.)
	if resp, err := http.Get(strings.TrimSuffix(reset, "/")); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("mistyped link: %v %v", err, resp)
	} else {
		resp.Body.Close()
	}

	out := logs.String()
	for _, link := range []string{act, reset, rixl} {
		u, _ := url.Parse(link)
		code := u.Query().Get("token")
		if code == "" {
			code = strings.Split(strings.TrimPrefix(u.Path, "/"), "/")[1]
		}
		if len(code) < 32 {
			t.Fatalf("no code found in %s", link)
		}
		if strings.Contains(out, code) {
			t.Errorf("the log holds the code of %s", u.Path[:strings.Index(u.Path[1:], "/")+1])
		}
	}
	// The pages' lines are access-log lines like the API's: operation, status, request id.
	for _, want := range []string{`operation=pagesShowActivation path=/activation/:token/confirm/ status=200`,
		`operation=pagesSubmitActivation path=/activation/:token/confirm/ status=200`,
		`operation=pagesShowResetPassword path=/resetpassword/:token/confirm/ status=200`,
		`operation=pagesShowRixlResetPassword path=/auth/reset-password status=200`} {
		line := ""
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, want) {
				line = l
			}
		}
		if line == "" {
			t.Errorf("the access log has no line with %s:\n%s", want, out)
		} else if !strings.Contains(line, "request_id=") {
			t.Errorf("the access log line has no request id: %s", line)
		}
	}
}
