package app_test

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/accountd/accountd/testkit"
)

// recordingTB stands in for t where a test expects a failure: it keeps Errorf's messages.
type recordingTB struct {
	testing.TB
	mu     sync.Mutex
	errors []string
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// breakResponses wraps the real server in the two faults a contract run must catch: the
// registration answer loses its required `token`, and the health check answers a status its
// operation does not declare.
func breakResponses(real http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTeapot)
			_, _ = w.Write([]byte(`{"status":"ok"}`))
		case "/api/v2/register/":
			rec := httptest.NewRecorder()
			real.ServeHTTP(rec, r)
			var body map[string]any
			_ = json.Unmarshal(rec.Body.Bytes(), &body)
			delete(body, "token")
			out, _ := json.Marshal(body)
			w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
			w.Header().Set("Content-Length", strconv.Itoa(len(out)))
			w.WriteHeader(rec.Code)
			_, _ = w.Write(out)
		default:
			real.ServeHTTP(w, r)
		}
	})
}

// TestContractRunCatchesBrokenResponses proves that the contract run fails on a response that
// breaks openapi.yaml: the real server behind a test-only wrapper that drops a required field
// and answers an undeclared status, through the same Prism proxy and transport as every
// end-to-end test under `make contract`. The same requests to the unbroken server pass.
func TestContractRunCatchesBrokenResponses(t *testing.T) {
	prism := testkit.PrismFromEnv()
	if prism == nil {
		t.Skip("runs under `make contract`, which sets " + testkit.EnvPrism + " to its Prism proxy")
	}
	e := newEnv(t, filepath.Join(t.TempDir(), "accountd.db"))
	if resp, body := e.raw(http.MethodGet, "/healthz", "", ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz through Prism: %d %s", resp.StatusCode, body)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	broken := &http.Server{Handler: breakResponses(e.app.HTTP)}
	go func() { _ = broken.Serve(l) }()
	t.Cleanup(func() { _ = broken.Close() })
	brokenURL := "http://" + l.Addr().String()

	register := `{"email":"%s@example.com","password":"correct-horse-battery","recaptcha":"x","tos_accepted":true}`
	tests := []struct {
		name, method, path, body string
		want                     string // in Prism's report
	}{
		{"required field dropped", http.MethodPost, "/api/v2/register/", register, "token"},
		{"undeclared status", http.MethodGet, "/healthz", "", "418"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			send := func(base string, n int) []string {
				rec := &recordingTB{TB: t}
				hc := &http.Client{Transport: testkit.PrismTransport(rec, prism, nil)}
				body := tt.body
				if body != "" {
					body = fmt.Sprintf(body, fmt.Sprintf("prism%d-%d", i, n))
				}
				req, err := http.NewRequest(tt.method, base+tt.path, strings.NewReader(body))
				if err != nil {
					t.Fatal(err)
				}
				if body != "" {
					req.Header.Set("Content-Type", "application/json")
				}
				resp, err := hc.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				_ = resp.Body.Close()
				return rec.errors
			}
			if errs := send(e.baseURL, 0); len(errs) != 0 {
				t.Fatalf("the unbroken server failed the contract run: %q", errs)
			}
			errs := send(brokenURL, 1)
			if len(errs) == 0 {
				t.Fatal("Prism let a response that breaks openapi.yaml through: the contract run would pass a broken server")
			}
			if !strings.Contains(errs[0], "Prism") || !strings.Contains(errs[0], tt.want) {
				t.Errorf("want Prism's report to name %q, got %q", tt.want, errs[0])
			}
		})
	}
}
