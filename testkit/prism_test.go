package testkit_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/accountd/accountd/testkit"
)

// fakePrism answers like Prism would for each case; the real one runs under `make contract`
// (app.TestContractRunCatchesBrokenResponses).
func fakePrism(t *testing.T, answer func(w http.ResponseWriter, r *http.Request)) *url.URL {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(answer))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

func problem(kind string, status int) func(w http.ResponseWriter, r *http.Request) {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		_, _ = fmt.Fprintf(w, `{"type":"%s%s","status":%d}`, "https://stoplight.io/prism/errors#", kind, status)
	}
}

func TestPrismTransport(t *testing.T) {
	forwarded := func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(testkit.UpstreamHeader) == "" {
			t.Errorf("request reached Prism without %s", testkit.UpstreamHeader)
		}
		_, _ = io.WriteString(w, `{"ok":true}`)
	}
	tests := []struct {
		name       string
		body       string
		prism      func(w http.ResponseWriter, r *http.Request)
		wantErr    string // in the reported failure; "" = none
		wantDirect bool   // the server itself answered
	}{
		{"forwarded and valid", `{"a":1}`, forwarded, "", false},
		{"forwarded with a warning (undeclared status)", `{"a":1}`, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("sl-violations", `[{"severity":"Warning","message":"Unable to match the returned status code"}]`)
			w.WriteHeader(http.StatusTeapot)
		}, "Unable to match the returned status code", false},
		{"response broke the spec", `{"a":1}`, problem("VIOLATIONS", 500), "VIOLATIONS", false},
		{"upstream did not answer", `{"a":1}`, problem("UNKNOWN", 500), "UNKNOWN", false},
		{"request refused as invalid", `{"a":1}`, problem("UNPROCESSABLE_ENTITY", 422), "", true},
		{"request without credentials", `{"a":1}`, problem("UNAUTHORIZED", 401), "", true},
		{"a vendor's own problem+json", `{"a":1}`, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			_, _ = io.WriteString(w, `{"type":"https://vendor.example/errors/x"}`)
		}, "", false},
		{"malformed JSON never reaches Prism", `{"a":`, func(w http.ResponseWriter, r *http.Request) {
			t.Error("malformed JSON was sent to Prism, which hangs on it")
		}, "", true},
		{"bytes that are not UTF-8 never reach Prism", "{\"a\":\"\xe9\"}", func(w http.ResponseWriter, r *http.Request) {
			t.Error("a non-UTF-8 body was sent to Prism, which rewrites it")
		}, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var direct atomic.Int32
			server := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				direct.Add(1)
				_, _ = io.WriteString(w, `{"from":"server"}`)
			}))
			defer server.Close()
			tb := &recordingTB{}
			hc := &http.Client{Transport: testkit.PrismTransport(tb, fakePrism(t, tt.prism), nil)}
			resp, err := hc.Post(server.URL+"/x", "application/json", strings.NewReader(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			if got := direct.Load() == 1; got != tt.wantDirect {
				t.Errorf("sent to the server directly: %v, want %v (body %s)", got, tt.wantDirect, body)
			}
			switch {
			case tt.wantErr == "" && len(tb.errors) > 0:
				t.Errorf("want no failure, got %q", tb.errors)
			case tt.wantErr != "" && (len(tb.errors) != 1 || !strings.Contains(tb.errors[0], tt.wantErr)):
				t.Errorf("want one failure naming %q, got %q", tt.wantErr, tb.errors)
			}
		})
	}
}

// Prism joins several Set-Cookie headers into one; the transport splits them again.
func TestPrismTransportSplitsMergedCookies(t *testing.T) {
	merged := "A_t=1; Path=/; Expires=Wed, 21 Oct 2015 07:28:00 GMT; HttpOnly; SameSite=Lax,Csrf-Token_t=2; Path=/; SameSite=Lax"
	prism := fakePrism(t, func(w http.ResponseWriter, r *http.Request) { w.Header().Set("Set-Cookie", merged) })
	hc := &http.Client{Transport: testkit.PrismTransport(&recordingTB{}, prism, nil)}
	resp, err := hc.Get("http://127.0.0.1:1/x")
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	got := resp.Cookies()
	if len(got) != 2 || got[0].Name != "A_t" || got[1].Name != "Csrf-Token_t" || got[1].Value != "2" {
		t.Fatalf("want cookies A_t and Csrf-Token_t=2, got %v", got)
	}
}
