package testkit_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/accountd/accountd/testkit"
)

const testSpec = "testdata/contract.yaml"

// behaviourHeader tells misbehavingServer which response to give. A request header rather than
// server state, so that parallel subtests can share one server.
const behaviourHeader = "X-Testkit-Behaviour"

// behaviours are the responses misbehavingServer can give, named for what they do to the contract in
// testdata/contract.yaml. The handler ignores the request path: the cases choose paths, so that the
// same response can be right for one operation and wrong for another.
var behaviours = map[string]http.HandlerFunc{
	"token": func(w http.ResponseWriter, r *http.Request) {
		// Echo the request's user, which proves the request body reached the server intact.
		var in struct{ User string }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			writeJSON(w, http.StatusBadRequest, `{"code":"bad_json","message":"`+err.Error()+`"}`)
			return
		}
		writeJSON(w, http.StatusOK, `{"token":"tok-`+in.User+`"}`)
	},
	"token with charset": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = io.WriteString(w, `{"token":"t"}`)
	},
	"no content": func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) },
	"bad request": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusBadRequest, `{"code":"bad_json","message":"unexpected EOF"}`)
	},
	"unauthorized": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="accountd"`)
		w.WriteHeader(http.StatusUnauthorized)
	},
	"teapot": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusTeapot, `{"code":"teapot","message":"short and stout"}`)
	},
	"internal error": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusInternalServerError, `{"code":"internal","message":"boom"}`)
	},
	"not modified": func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNotModified) },
	"token as text": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, `tok`)
	},
	"token missing": func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, `{}`) },
	"token not a string": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":5}`)
	},
	"extra property": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"token":"t","admin":true}`)
	},
	"extra property, token missing": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"admin":true}`)
	},
	"invalid JSON": func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, http.StatusOK, `{"token":`) },
	"body on 204": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNoContent)
		_, _ = io.WriteString(w, `{"token":"t"}`) // net/http refuses (ErrBodyNotAllowed); a recorder keeps it
	},
	"body on 401": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="accountd"`)
		writeJSON(w, http.StatusUnauthorized, `{"code":"unauthorized","message":"no"}`)
	},
	"401 without WWW-Authenticate": func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusUnauthorized)
	},
	"401 with Basic challenge": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", `Basic realm="accountd"`)
		w.WriteHeader(http.StatusUnauthorized)
	},
	"user": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"1","email":"ann@example.com"}`)
	},
	"user created": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusCreated, `{"id":"1","email":"ann@example.com"}`)
	},
	"user with bad email": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"1","email":"ann at example.com"}`)
	},
	"not found": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"code":"not_found","message":"no such user"}`)
	},
	"not found, message missing": func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusNotFound, `{"code":"not_found"}`)
	},
	"moved": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Location", "/users/2")
		w.WriteHeader(http.StatusMovedPermanently)
	},
	"moved without Location": func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusMovedPermanently)
	},
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// misbehavingServer answers every request with the behaviour its behaviourHeader names.
func misbehavingServer(w http.ResponseWriter, r *http.Request) {
	name := r.Header.Get(behaviourHeader)
	h, ok := behaviours[name]
	if !ok {
		http.Error(w, "testkit test: unknown behaviour "+strconv.Quote(name), http.StatusNotImplemented)
		return
	}
	h(w, r)
}

type contractCase struct {
	name      string
	method    string
	path      string
	body      string
	behaviour string
	// want holds one substring per expected violation, in any order; empty for a response that keeps
	// the contract. Requiring the exact count catches checks that fail for an unrelated reason.
	want []string
	// transportWant is what the transport reports for a response that keeps the contract but is
	// a server error, which fails an end-to-end test anyway.
	transportWant []string
	// recorderOnly marks responses net/http cannot carry: its server drops a 204's body and its
	// client ignores one, so only a recorded response (as Check gets them) has it.
	recorderOnly bool
}

var contractCases = []contractCase{
	// Responses that keep the contract. createToken requires bearer auth and no request sends any:
	// a check that validated request security would fail all of these.
	{name: "200 token", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "token"},
	{name: "200 with charset parameter", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "token with charset"},
	{name: "204 no content", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "no content"},
	{name: "400 error", method: "POST", path: "/token", body: `{"user":`, behaviour: "bad request"},
	{name: "401 with challenge", method: "POST", path: "/token", behaviour: "unauthorized"},
	{name: "200 via 2XX range", method: "GET", path: "/users/1", behaviour: "user"},
	{name: "201 via 2XX range", method: "GET", path: "/users/1", behaviour: "user created"},
	{name: "404 via default", method: "GET", path: "/users/1", behaviour: "not found"},
	{name: "500 via default", method: "GET", path: "/users/1", behaviour: "internal error",
		transportWant: []string{"server error: ", "a 5xx fails an end-to-end test"}},
	{name: "301 with Location", method: "GET", path: "/users/1", behaviour: "moved"},

	// Undeclared statuses.
	{name: "418 undeclared", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "teapot",
		want: []string{"status 418 is not declared (declared: 200, 204, 400, 401)"}},
	{name: "500 undeclared", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "internal error",
		want: []string{"status 500 is not declared"}},
	{name: "304 undeclared, a status kin skips", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "not modified",
		want: []string{"status 304 is not declared"}},

	// Content-Type and body.
	{name: "text/plain where JSON is declared", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "token as text",
		want: []string{`Content-Type has unexpected value: "text/plain"`}},
	{name: "required property missing", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "token missing",
		want: []string{`property "token" is missing`}},
	{name: "property of the wrong type", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "token not a string",
		want: []string{`"/token": value must be a string`}},
	{name: "extra property with additionalProperties false", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "extra property",
		want: []string{`property "admin" is unsupported`}},
	{name: "every schema violation is listed", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "extra property, token missing",
		want: []string{`property "token" is missing`, `property "admin" is unsupported`}},
	{name: "body is not JSON", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "invalid JSON",
		want: []string{"failed to decode response body"}},
	{name: "error schema violated via default", method: "GET", path: "/users/1", behaviour: "not found, message missing",
		want: []string{`property "message" is missing`}},
	{name: "format email violated", method: "GET", path: "/users/1", behaviour: "user with bad email",
		want: []string{`"/email"`}},
	{name: "body on 204", method: "POST", path: "/token", body: `{"user":"ann"}`, behaviour: "body on 204", recorderOnly: true,
		want: []string{"status 204 is declared without content, but the body has 13 bytes"}},
	{name: "body on 401 declared without content", method: "POST", path: "/token", behaviour: "body on 401",
		want: []string{"status 401 is declared without content, but the body has"}},

	// Headers.
	{name: "required header missing", method: "POST", path: "/token", behaviour: "401 without WWW-Authenticate",
		want: []string{`response header "WWW-Authenticate" missing`}},
	{name: "header violates its schema", method: "POST", path: "/token", behaviour: "401 with Basic challenge",
		want: []string{`response header "WWW-Authenticate" doesn't match schema`}},
	{name: "required header missing on 301, a status kin skips", method: "GET", path: "/users/1", behaviour: "moved without Location",
		want: []string{`response header "Location" missing`}},

	// Requests the document has no operation for.
	{name: "unknown path", method: "GET", path: "/nope", behaviour: "user",
		want: []string{"no operation in testdata/contract.yaml matches GET /nope: no matching operation was found"}},
	{name: "undeclared method", method: "GET", path: "/token", behaviour: "token missing",
		want: []string{"matches GET /token: method not allowed"}},
}

func TestContract(t *testing.T) {
	contract := testkit.LoadContract(t, testSpec)
	// The spec's only server is https://accountd.invalid: every case reaching an operation at all
	// shows that LoadContract dropped it, since requests go to example.com and 127.0.0.1.
	srv := httptest.NewServer(http.HandlerFunc(misbehavingServer))
	t.Cleanup(srv.Close)

	for _, tc := range contractCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			// The response as a recorder sees it is also what the transport's caller must get back.
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req.Header.Set(behaviourHeader, tc.behaviour)
			rec := httptest.NewRecorder()
			misbehavingServer(rec, req)
			recorded := rec.Result()
			wantBody := rec.Body.Bytes()

			t.Run("Check", func(t *testing.T) {
				err := contract.Check(req, []byte(tc.body), recorded, wantBody)
				assertViolations(t, tc, err)
			})

			if tc.recorderOnly {
				return
			}
			t.Run("Transport", func(t *testing.T) {
				tb := &recordingTB{}
				client := &http.Client{
					Transport: contract.Transport(tb, srv.Client().Transport),
					// Redirects are responses under test here, not something to follow.
					CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
				}
				req, err := http.NewRequest(tc.method, srv.URL+tc.path, strings.NewReader(tc.body))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set(behaviourHeader, tc.behaviour)
				resp, err := client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				gotBody, err := io.ReadAll(resp.Body)
				_ = resp.Body.Close()
				if err != nil {
					t.Fatalf("reading the body the transport handed back: %v", err)
				}
				if resp.StatusCode != recorded.StatusCode || string(gotBody) != string(wantBody) {
					t.Errorf("caller got %d %q, want %d %q", resp.StatusCode, gotBody, recorded.StatusCode, wantBody)
				}

				kind, messages := tb.outcome()
				if len(tc.want) == 0 && len(tc.transportWant) == 0 {
					if kind != "ok" {
						t.Fatalf("transport reported a violation for a good response: %v", tb)
					}
					return
				}
				if kind != "error" || len(messages) != 1 {
					t.Fatalf("want exactly one Errorf from the transport, got %v", tb)
				}
				msg := messages[0]
				for _, want := range append([]string{
					tc.method + " " + tc.path + " -> " + strconv.Itoa(recorded.StatusCode),
					"response body: ",
				}, append(tc.want, tc.transportWant...)...) {
					if !strings.Contains(msg, want) {
						t.Errorf("transport message lacks %q:\n%s", want, msg)
					}
				}
				if len(wantBody) > 0 && !strings.Contains(msg, string(wantBody)) {
					t.Errorf("transport message does not quote the body %q:\n%s", wantBody, msg)
				}
			})
		})
	}
}

// assertViolations checks that err lists exactly the violations tc wants, and that its message names
// the request and status so that a failing end-to-end test is debuggable from its log alone.
func assertViolations(t *testing.T, tc contractCase, err error) {
	t.Helper()
	if len(tc.want) == 0 {
		if err != nil {
			t.Fatalf("Check reported a violation for a good response: %v", err)
		}
		return
	}
	var ce *testkit.CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("Check = %v (%T), want a *testkit.CheckError", err, err)
	}
	if len(ce.Violations) != len(tc.want) {
		t.Fatalf("Check found %d violations, want %d (%q):\n%v", len(ce.Violations), len(tc.want), tc.want, err)
	}
	// Each wanted substring must match a violation of its own; kin's order is not part of the contract.
	unmatched := slices.Clone(ce.Violations)
	for _, want := range tc.want {
		i := slices.IndexFunc(unmatched, func(v string) bool { return strings.Contains(v, want) })
		if i < 0 {
			t.Errorf("no violation (left: %q) contains %q", unmatched, want)
			continue
		}
		unmatched = slices.Delete(unmatched, i, i+1)
	}
	if ce.Method != tc.method || ce.Path != tc.path {
		t.Errorf("CheckError names %s %s, want %s %s", ce.Method, ce.Path, tc.method, tc.path)
	}
	if msg := err.Error(); !strings.Contains(msg, tc.method+" "+tc.path+" -> "+strconv.Itoa(ce.Status)) {
		t.Errorf("message does not name method, path and status:\n%s", msg)
	}
}

// Requests aimed on purpose at no operation are checked against the named error schema.
func TestTransportChecksRequestsThatMatchNoOperation(t *testing.T) {
	contract := testkit.LoadContract(t, testSpec)
	srv := httptest.NewServer(http.HandlerFunc(misbehavingServer))
	t.Cleanup(srv.Close)
	for _, tc := range []struct {
		name, path, behaviour, want string
	}{
		{"unknown path, error body", "/nope", "not found", ""},
		{"unknown path, body not the error schema", "/nope", "not found, message missing", `body does not follow Error`},
		{"a path that matches an operation", "/users/1", "not found", "expected no operation to match, but getUser does"},
		{"unknown path answered 200", "/nope", "user", "want a 4xx"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := &recordingTB{}
			client := &http.Client{Transport: contract.Transport(tb, srv.Client().Transport)}
			req, err := http.NewRequestWithContext(testkit.ExpectNoOperation(context.Background(), "Error"), "GET", srv.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(behaviourHeader, tc.behaviour)
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			kind, msgs := tb.outcome()
			if tc.want == "" {
				if kind != "ok" {
					t.Fatalf("unexpected report: %v", tb)
				}
				return
			}
			if kind != "error" || !strings.Contains(strings.Join(msgs, "\n"), tc.want) {
				t.Fatalf("want an error containing %q, got %v", tc.want, tb)
			}
		})
	}
}

func TestTransportRequestBodies(t *testing.T) {
	contract := testkit.LoadContract(t, testSpec)
	srv := httptest.NewServer(http.HandlerFunc(misbehavingServer))
	t.Cleanup(srv.Close)

	tests := []struct {
		name string
		// body becomes the request body; a reader type http.NewRequest does not know leaves GetBody
		// nil, so the transport has to buffer the body itself.
		body io.Reader
	}{
		{name: "GetBody set by http.NewRequest", body: strings.NewReader(`{"user":"ann"}`)},
		{name: "one-shot body without GetBody", body: io.MultiReader(strings.NewReader(`{"user":`), strings.NewReader(`"ann"}`))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := &recordingTB{}
			client := &http.Client{Transport: contract.Transport(tb, nil)} // nil: http.DefaultTransport
			before := contract.Checked()

			req, err := http.NewRequest(http.MethodPost, srv.URL+"/token", tc.body)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set(behaviourHeader, "token")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var got struct{ Token string }
			if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
				t.Fatalf("decoding the response the caller got back: %v", err)
			}
			if got.Token != "tok-ann" {
				t.Errorf("token = %q, want %q: the request body did not reach the server intact", got.Token, "tok-ann")
			}
			if kind, _ := tb.outcome(); kind != "ok" {
				t.Errorf("unexpected report: %v", tb)
			}
			if n := contract.Checked() - before; n != 1 {
				t.Errorf("Checked() grew by %d, want 1", n)
			}
		})
	}
}

// roundTripFunc adapts a function to http.RoundTripper.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestTransportPassesBaseErrorsThrough(t *testing.T) {
	contract := testkit.LoadContract(t, testSpec)
	errDown := errors.New("connection refused")
	tb := &recordingTB{}
	client := &http.Client{Transport: contract.Transport(tb, roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, errDown
	}))}

	_, err := client.Post("http://127.0.0.1:1/token", "application/json", strings.NewReader(`{"user":"ann"}`))
	if !errors.Is(err, errDown) {
		t.Errorf("Post error = %v, want it to wrap %v", err, errDown)
	}
	if kind, _ := tb.outcome(); kind != "ok" {
		t.Errorf("a transport error is the caller's to handle, not a contract violation: %v", tb)
	}
	if n := contract.Checked(); n != 0 {
		t.Errorf("Checked() = %d, want 0: there was no response to check", n)
	}
}

func TestCheckTruncatesLongBodies(t *testing.T) {
	contract := testkit.LoadContract(t, testSpec)
	body := `{"token":"t","padding":"` + strings.Repeat("é", 3000) + `"}` // 2-byte runes: the cut must not split one

	req := httptest.NewRequest(http.MethodPost, "/token", nil)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}}
	err := contract.Check(req, nil, resp, []byte(body))
	if err == nil {
		t.Fatal("Check accepted an undeclared property")
	}
	msg := err.Error()
	if !strings.Contains(msg, "truncated, "+strconv.Itoa(len(body))+" bytes in all") {
		t.Errorf("message does not say the body was truncated:\n%.300s", msg)
	}
	if len(msg) > 3<<10 {
		t.Errorf("message is %d bytes long, want the body cut to about 2 KB", len(msg))
	}
	if !strings.HasPrefix(msg, "contract violation: POST /token -> 200") {
		t.Errorf("message starts %.80q", msg)
	}
	if strings.ContainsRune(msg, '\uFFFD') {
		t.Error("truncation split a UTF-8 sequence")
	}
}

func TestCheckEmailFormatPrefersGlobalValidator(t *testing.T) {
	// Not parallel: it changes kin's process-wide format registry, as the service does at startup.
	contract := testkit.LoadContract(t, testSpec)
	req := httptest.NewRequest(http.MethodGet, "/users/1", nil)
	resp := &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}}}
	body := []byte(`{"id":"1","email":"ann@example.com"}`)

	if err := contract.Check(req, nil, resp, body); err != nil {
		t.Fatalf("with kin's fallback pattern: %v", err)
	}

	previous, had := openapi3.SchemaStringFormats["email"]
	t.Cleanup(func() {
		if had {
			openapi3.SchemaStringFormats["email"] = previous
		} else {
			delete(openapi3.SchemaStringFormats, "email")
		}
	})
	openapi3.DefineStringFormatValidator("email", openapi3.NewCallbackValidator(func(v string) error {
		if !strings.HasSuffix(v, "@accountd.test") {
			return errors.New("not an accountd.test address")
		}
		return nil
	}))
	err := contract.Check(req, nil, resp, body)
	if err == nil || !strings.Contains(err.Error(), "not an accountd.test address") {
		t.Fatalf("Check = %v, want the globally registered email validator to reject the address", err)
	}
}

func TestLoadContractFailures(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}
	tests := []struct {
		name string
		path string
		want string
	}{
		{name: "missing file", path: filepath.Join(dir, "absent.yaml"), want: "loading OpenAPI document"},
		{name: "not YAML", path: write("garbage.yaml", "openapi: [3.0.3\n"), want: "loading OpenAPI document"},
		{
			name: "invalid document",
			path: write("invalid.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses: {}\n"),
			want: "is invalid",
		},
		{
			name: "OpenAPI 3.1",
			path: write("v31.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"),
			want: "OpenAPI 3.0 documents only",
		},
		{
			name: "remote reference",
			path: write("remote.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    $ref: 'http://127.0.0.1:1/paths.yaml'\n"),
			want: "loading OpenAPI document",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tb := &recordingTB{}
			tb.run(func(tb testing.TB) { testkit.LoadContract(tb, tc.path) })
			kind, messages := tb.outcome()
			if kind != "fatal" || !strings.Contains(messages[0], tc.want) {
				t.Errorf("LoadContract(%s): got %v, want a fatal containing %q", tc.name, tb, tc.want)
			}
		})
	}
}
