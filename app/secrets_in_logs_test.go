package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// No password, code, token or secret the end-to-end suite makes may reach a log line at any
// level: every env logs at DEBUG into suiteLog (as well as WARN and above into the test's
// own log), every request and answer of the contract-checked clients is scanned for the
// secrets in it, and TestMain greps the whole log for each of them once the suite is over.

var (
	suiteLog     lockedBuffer
	suiteSecrets = secretSet{m: map[string]string{}}
)

func TestMain(m *testing.M) {
	code := m.Run()
	if leaks := suiteSecrets.foundIn(suiteLog.String()); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: %d secrets of the end-to-end suite are in its logs:\n  %s\n", len(leaks), strings.Join(leaks, "\n  "))
		code = 1
	} else if code == 0 && testing.Verbose() {
		fmt.Printf("logs: %d bytes, %d secrets, none in any log line\n", suiteLog.Len(), suiteSecrets.len())
	}
	os.Exit(code)
}

// suiteHandler is what every env logs into: DEBUG and up into suiteLog (without the time,
// whose digits could look like a code), WARN and up into the test's log too.
func suiteHandler(t testing.TB) slog.Handler {
	noTime := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	return fanout{
		slog.NewTextHandler(&suiteLog, &slog.HandlerOptions{Level: slog.LevelDebug, ReplaceAttr: noTime}),
		slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}),
	}
}

type fanout []slog.Handler

func (f fanout) Enabled(ctx context.Context, l slog.Level) bool {
	for _, h := range f {
		if h.Enabled(ctx, l) {
			return true
		}
	}
	return false
}

func (f fanout) Handle(ctx context.Context, r slog.Record) error {
	for _, h := range f {
		if h.Enabled(ctx, r.Level) {
			if err := h.Handle(ctx, r.Clone()); err != nil {
				return err
			}
		}
	}
	return nil
}

func (f fanout) WithAttrs(attrs []slog.Attr) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithAttrs(attrs)
	}
	return out
}

func (f fanout) WithGroup(name string) slog.Handler {
	out := make(fanout, len(f))
	for i, h := range f {
		out[i] = h.WithGroup(name)
	}
	return out
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *lockedBuffer) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Len()
}

// secretSet holds every secret seen, with where it was seen.
type secretSet struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *secretSet) add(value, where string) {
	if len(value) < 6 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.m[value]; !ok {
		s.m[value] = where
	}
}

func (s *secretSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

// foundIn lists the secrets that occur in log as a whole word: not next to a letter, digit,
// '_' or '-'. The log is split into such words once; a secret made only of word characters is
// found by looking its word up, any other (a password with a space) by searching the log.
// (One regexp per secret over the whole log took most of the package's time under -race.)
func (s *secretSet) foundIn(log string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(log, notWord) {
		words[w] = true
	}
	var out []string
	for v, where := range s.m {
		if words[v] || (strings.IndexFunc(v, notWord) >= 0 && containsWord(log, v)) {
			out = append(out, fmt.Sprintf("%q (%s)", v, where))
		}
	}
	sort.Strings(out)
	return out
}

// isWordByte: the characters a secret's neighbours must not be (A-Z a-z 0-9 _ -).
func isWordByte(c byte) bool {
	return c == '_' || c == '-' || ('0' <= c && c <= '9') || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

// notWord: a character that ends a word (any non-ASCII one too, as the old regexp had it).
func notWord(r rune) bool { return r >= utf8.RuneSelf || !isWordByte(byte(r)) }

// containsWord tells whether v occurs in log with no word character right before or after it.
func containsWord(log, v string) bool {
	for from := 0; ; {
		i := strings.Index(log[from:], v)
		if i < 0 {
			return false
		}
		start, end := from+i, from+i+len(v)
		if (start == 0 || !isWordByte(log[start-1])) && (end == len(log) || !isWordByte(log[end])) {
			return true
		}
		from = start + 1
	}
}

// secretKey matches the JSON keys and form fields that hold secrets, in every vendor's
// spelling: password, new_password, newPassword, token, access_token, refresh_token,
// activation_token, client_secret, code, confirmation_code, passwordResetCode, ...
var secretKey = regexp.MustCompile(`(?i)(password|token|secret|code)$`)

// secretCollector is an http.RoundTripper that records the secrets of every request and of
// every successful answer before passing them on.
type secretCollector struct{ next http.RoundTripper }

func (c secretCollector) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		raw, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		// A copy with the body's length: a replaced body of unknown length goes out chunked,
		// which Prism never answers when it is empty (the contract run's requests hung).
		req = req.Clone(req.Context())
		req.Body, req.ContentLength = io.NopCloser(bytes.NewReader(raw)), int64(len(raw))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil }
		if len(raw) == 0 {
			req.Body, req.GetBody = http.NoBody, nil
		}
		collectSecrets(raw, req.Header.Get("Content-Type"), "request to "+req.URL.Path)
	}
	if a := req.Header.Get("Authorization"); a != "" {
		if _, cred, ok := strings.Cut(a, " "); ok {
			suiteSecrets.add(cred, "Authorization header")
		}
	}
	resp, err := c.next.RoundTrip(req)
	if err != nil || resp.StatusCode >= 400 {
		return resp, err // error bodies hold codes of errors, not secrets
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(raw))
	collectSecrets(raw, resp.Header.Get("Content-Type"), "answer of "+req.URL.Path)
	for _, ck := range resp.Cookies() {
		suiteSecrets.add(ck.Value, "cookie "+ck.Name)
	}
	return resp, nil
}

// collectSecrets records the values under secret keys of a JSON or form body.
func collectSecrets(raw []byte, contentType, where string) {
	if strings.HasPrefix(contentType, "application/x-www-form-urlencoded") {
		for _, kv := range strings.Split(string(raw), "&") {
			k, v, _ := strings.Cut(kv, "=")
			if secretKey.MatchString(k) {
				if u, err := url.QueryUnescape(v); err == nil {
					suiteSecrets.add(u, where)
				}
			}
		}
		return
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return
	}
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		case string:
			if secretKey.MatchString(key) {
				suiteSecrets.add(v, where)
			}
		}
	}
	walk("", v)
}

// The leak check finds a secret as a whole word only, whatever characters it has.
func TestSecretsAreFoundAsWholeWords(t *testing.T) {
	log := "msg=sent to=jane@example.com code=483920 token=\"abcDEF-123_x\" note=correct horse battery staple; prefix483920suffix id=xyz-999999\n"
	for _, tc := range []struct {
		secret string
		found  bool
	}{
		{"483920", true},                       // after '='
		{"abcDEF-123_x", true},                 // in quotes
		{"correct horse battery staple", true}, // with spaces: searched
		{"correct horse battery", true},        // a space after it is a boundary
		{"horse battery staple;", true},        // ends in a non-word character
		{"999999", false},                      // after '-': part of a longer word
		{"abcDEF", false},                      // followed by '-'
		{"battery stapler", false},             // not in the log
		{"orrect horse", false},                // starts inside a word
		{"jane@example.com code=48392", false}, // ends inside a word
	} {
		s := &secretSet{m: map[string]string{tc.secret: "test"}}
		if got := len(s.foundIn(log)) == 1; got != tc.found {
			t.Errorf("%q: found %v, want %v", tc.secret, got, tc.found)
		}
	}
}
