package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The specification's published test vector (standard-webhooks/spec, "Signature scheme").
const (
	vectorSecret    = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	vectorID        = "msg_p5jXN8AQM9LWM0D4loKWxJek"
	vectorTimestamp = 1614265330
	vectorBody      = `{"test": 2432232314}`
	vectorSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
)

func TestDeliverSignsAsTheSpecificationsTestVector(t *testing.T) {
	var got http.Header
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got, body = r.Header.Clone(), string(b)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	s, err := NewSender([]Endpoint{{URL: srv.URL, Secret: vectorSecret}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.now = func() time.Time { return time.Unix(vectorTimestamp, 0) }
	if err := s.Deliver(context.Background(), srv.URL, vectorID, []byte(vectorBody)); err != nil {
		t.Fatal(err)
	}
	if got.Get("webhook-id") != vectorID || got.Get("webhook-timestamp") != "1614265330" || got.Get("webhook-signature") != vectorSignature {
		t.Errorf("headers %v, want the test vector's id, timestamp and %s", got, vectorSignature)
	}
	if body != vectorBody || got.Get("Content-Type") != "application/json" {
		t.Errorf("body %q, content type %q", body, got.Get("Content-Type"))
	}
	// A receiver using the specification's verification accepts it.
	wh, _ := standardwebhooks.NewWebhook(vectorSecret)
	if err := wh.VerifyIgnoringTimestamp([]byte(body), got); err != nil {
		t.Errorf("verify: %v", err)
	}
	if err := wh.VerifyIgnoringTimestamp([]byte(body+" "), got); err == nil {
		t.Error("a changed body verified")
	}
}

func TestDeliverFailures(t *testing.T) {
	status := http.StatusInternalServerError
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/moved" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		w.WriteHeader(status)
	}))
	defer srv.Close()
	s, err := NewSender([]Endpoint{{URL: srv.URL, Secret: vectorSecret}, {URL: srv.URL + "/moved", Secret: vectorSecret}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Deliver(context.Background(), srv.URL, "1", []byte("{}")); err == nil || !strings.Contains(err.Error(), "500") {
		t.Errorf("500: %v", err)
	}
	if err := s.Deliver(context.Background(), srv.URL+"/moved", "1", []byte("{}")); err == nil || !strings.Contains(err.Error(), "302") {
		t.Errorf("redirect followed or not an error: %v", err)
	}
	if err := s.Deliver(context.Background(), "https://gone.example/hook", "1", []byte("{}")); !errors.Is(err, ErrUnknownEndpoint) {
		t.Errorf("unknown endpoint: %v", err)
	}
	status = http.StatusOK
	if err := s.Deliver(context.Background(), srv.URL, "1", []byte("{}")); err != nil {
		t.Errorf("200: %v", err)
	}
}

func TestParseEndpoints(t *testing.T) {
	file := filepath.Join(t.TempDir(), "hooks")
	if err := os.WriteFile(file, []byte("# crm\nhttps://crm.example/hooks|"+vectorSecret+"|user.created,account.deleted\n\n  http://10.0.0.5:8080/in|"+vectorSecret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := []struct {
		value string
		want  []Endpoint
	}{
		{"", nil},
		{"https://a.example/h|" + vectorSecret, []Endpoint{{URL: "https://a.example/h", Secret: vectorSecret}}},
		{"https://a.example/h|" + vectorSecret + "|*  https://b.example/h|" + vectorSecret + "|password.changed,password.reset,password.changed",
			[]Endpoint{{URL: "https://a.example/h", Secret: vectorSecret}, {URL: "https://b.example/h", Secret: vectorSecret, Types: []string{account.EventPasswordChanged, account.EventPasswordReset}}}},
		{"@" + file, []Endpoint{{URL: "https://crm.example/hooks", Secret: vectorSecret, Types: []string{account.EventUserCreated, account.EventAccountDeleted}}, {URL: "http://10.0.0.5:8080/in", Secret: vectorSecret}}},
	}
	for _, c := range good {
		got, err := ParseEndpoints(c.value)
		if err != nil {
			t.Errorf("%q: %v", c.value, err)
			continue
		}
		if len(got) != len(c.want) {
			t.Errorf("%q: %+v, want %+v", c.value, got, c.want)
			continue
		}
		for i := range got {
			if got[i].URL != c.want[i].URL || got[i].Secret != c.want[i].Secret || strings.Join(got[i].Types, ",") != strings.Join(c.want[i].Types, ",") {
				t.Errorf("%q: endpoint %d %+v, want %+v", c.value, i, got[i], c.want[i])
			}
		}
	}
	bad := []struct{ value, want string }{
		{"https://a.example/h", "want URL|SECRET"},
		{"ftp://a.example/h|" + vectorSecret, "not an absolute http(s) URL"},
		{"https://user:pw@a.example/h|" + vectorSecret, "not an absolute http(s) URL"},
		{"/relative|" + vectorSecret, "not an absolute http(s) URL"},
		{"https://a.example/h|MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "does not start with whsec_"},
		{"https://a.example/h|whsec_c2hvcnQ=", "at least 16 bytes"},
		{"https://a.example/h|whsec_!!!not-base64!!!", "at least 16 bytes"},
		{"https://a.example/h|" + vectorSecret + "|user.deleted", `unknown event type "user.deleted"`},
		{"https://a.example/h|" + vectorSecret + " https://a.example/h|" + vectorSecret, "listed twice"},
		{"@" + filepath.Join(t.TempDir(), "missing"), "no such file"},
	}
	for _, c := range bad {
		_, err := ParseEndpoints(c.value)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error containing %q", c.value, err, c.want)
		}
		if err != nil && strings.Contains(err.Error(), "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") {
			t.Errorf("%q: the error shows the secret: %v", c.value, err)
		}
	}
}
