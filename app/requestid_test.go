package app_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/accountd/accountd/app"
)

var madeID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// Every answer carries X-Request-ID: the client's when sane, a new one otherwise; the access
// log has one JSON line per request with method, operationId, status, duration, request id and
// client address, and every other line of the request carries the same id.
func TestRequestIDAndAccessLog(t *testing.T) {
	var logs lockedBuffer
	e := newEnv(t, t.TempDir()+"/a.db", func(c *app.Config) {
		l, err := app.NewLogger("json", "debug", &logs)
		if err != nil {
			t.Fatal(err)
		}
		c.Logger = l
	})
	pool := injectFaults(e, nil)
	for _, tc := range []struct {
		name, method, path, given string
		keep                      bool
	}{
		{"sane id kept", "GET", "/readyz", "req-42.a:b/c+d=e@f_g", true},
		{"liveness too", "GET", "/healthz", "probe-1", true},
		{"none given", "GET", "/readyz", "", false},
		{"spaces replaced", "GET", "/readyz", "a b", false},
		{"too long replaced", "GET", "/readyz", strings.Repeat("x", 129), false},
		{"quotes replaced", "GET", "/readyz", `a"b`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var hdr []string
			if tc.given != "" {
				hdr = []string{"X-Request-ID", tc.given}
			}
			resp, _ := e.raw(tc.method, tc.path, "", "", hdr...)
			got := resp.Header.Get("X-Request-ID")
			if tc.keep && got != tc.given || !tc.keep && !madeID.MatchString(got) {
				t.Fatalf("X-Request-ID %q for %q", got, tc.given)
			}
		})
	}
	// An unknown route too (no operation: outside the contract check).
	req, _ := http.NewRequest("GET", e.baseURL+"/api/v2/nope/", nil)
	req.Header.Set("X-Request-ID", "nope-1")
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.Header.Get("X-Request-ID") != "nope-1" {
		t.Fatalf("unknown route: %v %v", err, resp.Header)
	} else {
		resp.Body.Close()
	}
	pool.outage.Store(true)
	resp, _ := e.raw("POST", "/api/v2/login/", "application/json", `{"email":"a@example.com","password":"correct-horse-battery","recaptcha":"x"}`,
		"X-Request-ID", "outage-7")
	pool.outage.Store(false)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("login during the outage: %d", resp.StatusCode)
	}

	var access, other []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs.String()))
	for sc.Scan() {
		var line map[string]any
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		if line["request_id"] != "outage-7" {
			continue
		}
		if line["msg"] == "request" {
			access = append(access, line)
		} else {
			other = append(other, line)
		}
	}
	if len(access) != 1 {
		t.Fatalf("%d access lines for the request, want 1", len(access))
	}
	a := access[0]
	if a["method"] != "POST" || a["operation"] != "webshareLogin" || a["status"] != float64(503) || a["client_ip"] != "127.0.0.1" || a["duration_ms"] == nil {
		t.Errorf("access line %v", a)
	}
	if len(other) == 0 {
		t.Errorf("the outage's warning does not carry the request id:\n%s", logs.String())
	}
}
