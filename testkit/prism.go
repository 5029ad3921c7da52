package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// EnvPrism names a running Prism proxy (`prism proxy openapi.yaml <switch> --errors`, whose
// upstream is tools/contractswitch) as a base URL, e.g. http://127.0.0.1:4011. When it is set,
// Contract.Transport with a nil base sends every request through it (scripts/contract.sh, `make
// contract`), so that a tool nobody here wrote checks each request and response against
// openapi.yaml, on top of Check.
const EnvPrism = "ACCOUNTD_CONTRACT_PRISM"

// UpstreamHeader tells tools/contractswitch which server (host:port on loopback) a request that
// came through Prism is for: every test starts its own server, and Prism has one upstream.
const UpstreamHeader = "X-Accountd-Upstream"

// prismTimeout bounds one exchange through Prism, so that a request Prism never answers fails
// the test instead of hanging the run.
const prismTimeout = 30 * time.Second

// prismErrors starts the `type` of the problem+json bodies Prism writes itself.
const prismErrors = "https://stoplight.io/prism/errors#"

// prismRefusals are the answers Prism writes itself for a request that breaks the spec, without
// forwarding it. Any other answer of its own is a failure: VIOLATIONS (500, with --errors: it
// forwarded the request and the response broke the spec; sl-violations lists how), or the
// upstream not answering.
var prismRefusals = map[string]bool{
	prismErrors + "UNPROCESSABLE_ENTITY":    true, // body, query, path or header breaks the schema
	prismErrors + "UNAUTHORIZED":            true, // no credential of the operation's schemes
	prismErrors + "NO_PATH_MATCHED_ERROR":   true, // a path the spec does not have
	prismErrors + "NO_METHOD_MATCHED_ERROR": true, // a method the path does not have
	prismErrors + "INVALID_CONTENT_TYPE":    true, // a media type the operation does not take
	prismErrors + "NOT_ACCEPTABLE":          true, // an Accept the operation cannot answer
}

// PrismFromEnv returns the Prism proxy named by EnvPrism, or nil when it is unset.
func PrismFromEnv() *url.URL {
	raw := os.Getenv(EnvPrism)
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		panic(fmt.Sprintf("testkit: %s=%q is not a base URL", EnvPrism, raw))
	}
	return u
}

// PrismTransport sends each request through the Prism proxy at prism, for the server the request
// names (its host goes in UpstreamHeader), and reports with t.Errorf every response Prism finds
// in breach of the spec. A request Prism refuses without forwarding it (it breaks the spec: a
// test sending bad input on purpose, or no credential where one is required) is sent to the
// server directly instead, so that tests of invalid requests still see the server's own answer;
// Check (Contract.Transport) holds that answer to the spec. base sends the requests
// (http.DefaultTransport when nil).
func PrismTransport(t testing.TB, prism *url.URL, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &prismTransport{t: t, prism: prism, base: base}
}

type prismTransport struct {
	t     testing.TB
	prism *url.URL
	base  http.RoundTripper
}

func (p *prismTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, direct, err := captureRequestBody(req)
	if err != nil {
		return nil, err
	}
	if !utf8.Valid(reqBody) || unparseableJSON(req.Header.Get("Content-Type"), reqBody) {
		// Prism never answers a JSON body it cannot parse (the request hangs), and forwards a
		// body that is not UTF-8 with its bytes replaced; such requests break every spec
		// anyway: they test bad input, for the server itself to answer.
		return p.base.RoundTrip(direct)
	}
	ctx, cancel := context.WithTimeout(direct.Context(), prismTimeout)
	defer cancel()
	via := direct.Clone(ctx)
	via.URL.Scheme, via.URL.Host, via.Host = p.prism.Scheme, p.prism.Host, p.prism.Host
	via.Header.Set(UpstreamHeader, req.URL.Host)
	if reqBody != nil {
		via.Body, via.ContentLength = io.NopCloser(bytes.NewReader(reqBody)), int64(len(reqBody))
	}
	if len(reqBody) == 0 && via.Body != nil {
		// An empty body of unknown length goes out chunked, and Prism 5 never answers an empty
		// chunked body: send none.
		via.Body, via.ContentLength = http.NoBody, 0
	}
	resp, err := p.base.RoundTrip(via)
	if err != nil {
		return nil, fmt.Errorf("testkit: %s %s through Prism at %s: %w", req.Method, req.URL.Path, p.prism, err)
	}
	kind, body, err := prismOwnAnswer(resp)
	if err != nil {
		return nil, err
	}
	if kind == "" { // forwarded
		splitSetCookie(resp.Header)
		// With --errors Prism turns only violations of severity error into its 500; others, such
		// as a status the operation does not declare (a warning to Prism), come back in this
		// header on the forwarded response. Every one breaks the spec.
		if v := resp.Header.Get("sl-violations"); v != "" {
			p.t.Errorf("Prism: %s %s -> %d: the exchange breaks openapi.yaml: %s\nrequest body: %s",
				req.Method, req.URL.Path, resp.StatusCode, v, quoteBody(reqBody))
		}
		return resp, nil
	}
	if !prismRefusals[kind] {
		p.t.Errorf("Prism: %s %s -> %d %s: the response breaks openapi.yaml (or the server did not answer): %s\nrequest body: %s\nPrism's answer: %s",
			req.Method, req.URL.Path, resp.StatusCode, strings.TrimPrefix(kind, prismErrors), resp.Header.Get("sl-violations"),
			quoteBody(reqBody), quoteBody(body))
		return resp, nil
	}
	// Prism refused the request itself (it never reached the server): ask the server directly.
	return p.base.RoundTrip(direct)
}

// mergedCookie finds where one cookie ends and the next begins in a Set-Cookie value that
// holds several: a comma, then a cookie name and "=" (a comma inside Expires is followed by a
// day of the month, not by name=).
var mergedCookie = regexp.MustCompile(`,\s*[!#$%&'*+\-.^_` + "`" + `|~0-9A-Za-z]+=`)

// splitSetCookie undoes what Prism 5.16 does to a response that sets several cookies: it joins
// the Set-Cookie headers into one, with commas, which no cookie jar reads as several cookies.
func splitSetCookie(h http.Header) {
	lines := h.Values("Set-Cookie")
	if len(lines) != 1 {
		return
	}
	var cookies []string
	rest := lines[0]
	for {
		loc := mergedCookie.FindStringIndex(rest)
		if loc == nil {
			break
		}
		cookies = append(cookies, rest[:loc[0]])
		rest = strings.TrimLeft(rest[loc[0]+1:], " ")
	}
	h["Set-Cookie"] = append(cookies, rest)
}

// unparseableJSON reports a JSON request body that does not parse.
func unparseableJSON(contentType string, body []byte) bool {
	mt, _, _ := strings.Cut(contentType, ";")
	mt = strings.TrimSpace(strings.ToLower(mt))
	isJSON := mt == "application/json" || strings.HasSuffix(mt, "+json")
	return isJSON && len(body) > 0 && !json.Valid(body)
}

// prismOwnAnswer reads resp's body (it must be read before the exchange's timeout is released),
// leaves it readable, and returns the problem type of an answer Prism wrote itself ("" for a
// forwarded response).
func prismOwnAnswer(resp *http.Response) (string, []byte, error) {
	body, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if err != nil {
		return "", nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	if !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		return "", body, nil
	}
	var problem struct{ Type string }
	if json.Unmarshal(body, &problem) != nil || !strings.HasPrefix(problem.Type, prismErrors) {
		return "", body, nil // a vendor's own problem+json body
	}
	return problem.Type, body, nil
}
