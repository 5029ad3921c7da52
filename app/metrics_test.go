package app_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/accountd/accountd/app"
)

// After a few flows GET /metrics shows every family of the issue, and no token or code.
func TestMetrics(t *testing.T) {
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		tok := e.register("metrics@example.com", goodPassword)
		code := e.lastLink("metrics@example.com", "/activation/")
		e.raw("POST", "/api/v2/activation/complete/", "application/json", `{"activation_token":"not-a-code"}`)
		e.raw("POST", "/api/v2/activation/complete/", "application/json", `{"activation_token":"`+code+`"}`)
		// One client's failed logins for one address: the eleventh is refused by its limit.
		for range 11 {
			e.raw("POST", "/api/v2/login/", "application/json", `{"email":"metrics@example.com","password":"wrong-password-x","recaptcha":"x"}`)
		}
		resp, body := e.raw("GET", "/metrics", "", "")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
			t.Fatalf("/metrics: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		for _, want := range []string{
			`accountd_http_requests_total{operation="webshareRegister",status="201",vendor="Webshare"} 1`,
			`accountd_http_request_duration_seconds_bucket{operation="webshareLogin"`,
			`accountd_events_total{kind="user_registered"} 1`,
			`accountd_events_total{kind="email_verified"} 1`, // a code verified
			`accountd_events_total{kind="login_failed"}`,
			`accountd_refusals_total{code="invalid_credentials",operation="webshareLogin"} 10`,
			`accountd_refusals_total{code="invalid_code",operation="webshareCompleteActivation"} 1`, // a code failed
			`accountd_refusals_total{code="throttled",operation="webshareLogin"} 1`,
			`accountd_limits_hit_total{scope="login-fail-client"} 1`,
			`accountd_mail_queued_total{kind="activation"} 1`, // a code sent
			`accountd_mail_deliveries_total{outcome="sent"} 1`,
			`accountd_outbox_messages{channel="mail",state="sent"} 1`,
			`accountd_outbox_messages{channel="mail",state="dead"} 0`,
			`accountd_outbox_messages{channel="mail",state="retrying"} 0`,
			`accountd_outbox_messages{channel="webhook",state="pending"} 0`,
			`go_sql_open_connections{db_name="accountd"}`,
			`accountd_argon2_slots_in_use 0`,
			`accountd_argon2_waiting 0`,
			`accountd_http_request_slots 256`,
			`accountd_http_requests_active 1`, // this scrape
			`accountd_http_requests_waiting 0`,
			`go_goroutines`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("/metrics lacks %s", want)
			}
		}
		for _, secret := range []string{tok, code, goodPassword, "metrics@example.com"} {
			if strings.Contains(body, secret) {
				t.Errorf("/metrics shows %q", secret)
			}
		}
	})
}

// With ACCOUNTD_METRICS_ADDR the metrics are on that listener only.
func TestMetricsOnTheirOwnAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	e := newEnv(t, t.TempDir()+"/a.db", func(c *app.Config) { c.MetricsAddr = addr })
	if resp, _ := e.raw("GET", "/metrics", "", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the API: %d, want 404", resp.StatusCode)
	}
	resp, err := http.Get("http://" + addr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(b), "accountd_http_requests_total") {
		t.Fatalf("/metrics on %s: %d %.200s", addr, resp.StatusCode, b)
	}
}
