package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// maxBodyInMessage bounds how much of a body a violation report quotes, so that one bad response
// with a large body does not bury the rest of the test output.
const maxBodyInMessage = 2 << 10

// Contract is a loaded and validated OpenAPI 3.0 document that responses are checked against.
//
// Tests should send every request through Contract.Transport, so that each response the service
// gives in any test is also a contract test: handlers written by hand next to generated code can
// return statuses, media types or fields the spec does not allow, and nothing else would notice.
//
// A Contract is safe for concurrent use; parallel tests may share one.
type Contract struct {
	path    string
	doc     *openapi3.T
	router  routers.Router
	options *openapi3filter.Options
	checked atomic.Int64
}

// LoadContract loads the OpenAPI document at path, validates it, and prepares it for Check. It fails
// t when the document does not load or is invalid: checking responses against a broken spec would
// report nonsense.
//
// The document's servers (top level and per path) are removed, so that requests to any host, such
// as an httptest server on a random port, match. This means request paths must be the spec's paths:
// a base path given only in servers (e.g. https://host/v1) is not stripped.
//
// External $refs are resolved from local files only, so loading never touches the network.
//
// Format "email" is checked with the validator registered globally with
// openapi3.DefineStringFormatValidator if there is one (the service registers its own), and otherwise
// with kin's openapi3.FormatOfStringForEmail pattern. kin accepts any string for formats nobody
// registered, and testkit does not register formats globally itself, because the registry is
// process-wide and would change what the service under test accepts.
func LoadContract(t testing.TB, path string) *Contract {
	t.Helper()
	c, err := loadContract(path)
	if err != nil {
		t.Fatalf("testkit: %v", err)
		return nil
	}
	return c
}

// textMediaTypes are served as text whose schema is a string (the /docs page and its assets);
// kin-openapi decodes only text/plain as text until told about the others.
var textMediaTypes = []string{"text/html", "text/javascript", "text/css"}

var registerTextDecoders = sync.OnceFunc(func() {
	for _, ct := range textMediaTypes {
		if openapi3filter.RegisteredBodyDecoder(ct) == nil {
			openapi3filter.RegisterBodyDecoder(ct, openapi3filter.PlainBodyDecoder)
		}
	}
})

func loadContract(path string) (*Contract, error) {
	registerTextDecoders()
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = openapi3.ReadFromFile
	doc, err := loader.LoadFromFile(path)
	if err != nil {
		return nil, fmt.Errorf("loading OpenAPI document %s: %w", path, err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("OpenAPI document %s is invalid: %w", path, err)
	}
	if doc.IsOpenAPI31OrLater() {
		// openapi3filter validates 3.1 documents with a different JSON Schema engine whose errors
		// cannot be shortened with DisableSchemaErrorDetails; supporting that is work nobody needs yet.
		return nil, fmt.Errorf("OpenAPI document %s is version %s; testkit checks OpenAPI 3.0 documents only", path, doc.OpenAPI)
	}

	// kin's routers match the scheme, host and base path of servers: with servers in place, a
	// request to http://127.0.0.1:34567/token finds no operation.
	doc.Servers = nil
	for _, item := range doc.Paths.Map() {
		item.Servers = nil
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("building a router for %s: %w", path, err)
	}

	return &Contract{
		path:   path,
		doc:    doc,
		router: router,
		options: &openapi3filter.Options{
			// Statuses are checked by Check itself (see there); this stays on in case that ever changes.
			IncludeResponseStatus: true,
			// Report every schema violation of a body, not only the first one.
			MultiError: true,
			// ValidateResponse does not evaluate security at v0.153.0, and must not: the request was
			// the service's business, tests send unauthenticated requests on purpose, and kin refuses
			// any operation with security when no AuthenticationFunc is set.
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
			SchemaValidationOptions: []openapi3.SchemaValidationOption{
				// Without this every schema error carries the whole schema and value as indented
				// JSON; the message already quotes the body once.
				openapi3.DisableSchemaErrorDetails(),
				openapi3.WithStringFormatValidator("email", globalOr("email",
					openapi3.NewRegexpFormatValidator(openapi3.FormatOfStringForEmail))),
			},
		},
	}, nil
}

// globalOr returns a format validator that uses the validator registered globally under name at the
// time of each check, and fallback while there is none. Looking it up per check (as kin itself does)
// means it does not matter whether the service registers its validator before or after LoadContract.
func globalOr(name string, fallback openapi3.StringFormatValidator) openapi3.StringFormatValidator {
	return openapi3.NewCallbackValidator(func(value string) error {
		if v, ok := openapi3.SchemaStringFormats[name]; ok {
			return v.Validate(value)
		}
		return fallback.Validate(value)
	})
}

// Checked reports how many responses Check has looked at, so that a test can assert the contract
// transport really was in the request path: a check that never runs passes everything.
func (c *Contract) Checked() int {
	return int(c.checked.Load())
}

// Transport returns an http.RoundTripper that sends requests through base (http.DefaultTransport
// when nil) and checks every response with Check, reporting violations with t.Errorf. A 5xx is
// reported too, even where the contract declares it (every operation declares 500): in an
// end-to-end test the server failing is a bug, and a client mistake is never a 5xx. The one
// exception is a 5xx other than 500 that the operation declares explicitly, which is a designed
// answer (503 from a health check whose database is gone). The test goes
// on (a violation in one response should not hide what the rest of the test would find), and the
// response is returned to the caller unchanged, its body still readable.
//
// It reads each response body to the end before returning, so it does not suit streaming responses.
// Errors from base are returned as they are, without a check. t must outlive the transport's use.
//
// With EnvPrism set (`make contract`) and base nil, requests go through that Prism proxy
// (PrismTransport), which checks them and their responses too.
func (c *Contract) Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		if prism := PrismFromEnv(); prism != nil {
			base = PrismTransport(t, prism, nil)
		} else {
			base = http.DefaultTransport
		}
	}
	return &contractTransport{contract: c, t: t, base: base}
}

type contractTransport struct {
	contract *Contract
	t        testing.TB
	base     http.RoundTripper
}

func (rt *contractTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	reqBody, out, err := captureRequestBody(req)
	if err != nil {
		return nil, err
	}
	resp, err := rt.base.RoundTrip(out)
	if err != nil {
		return resp, err
	}
	respBody, err := io.ReadAll(resp.Body)
	_ = resp.Body.Close() // fully read; a close error says nothing about the response
	if err != nil {
		return nil, fmt.Errorf("testkit: reading the response body of %s %s for the contract check: %w", req.Method, req.URL.Path, err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(respBody))
	exp, _ := req.Context().Value(expectationKey{}).(expectation)
	if exp.noOperation != "" {
		err = rt.contract.CheckNoOperation(req, reqBody, resp, respBody, exp.noOperation)
	} else {
		err = rt.contract.Check(req, reqBody, resp, respBody)
	}
	if err != nil {
		rt.t.Errorf("%v", err)
	} else if resp.StatusCode >= 500 && !rt.contract.designedServerError(req, resp.StatusCode) {
		rt.t.Errorf("server error: %s %s -> %d: a 5xx fails an end-to-end test (the server failed, or answered a client mistake as its own)\nresponse body: %s",
			req.Method, req.URL.Path, resp.StatusCode, quoteBody(respBody))
	}
	return resp, nil
}

// designedServerError reports whether the operation declares status explicitly and it is not 500.
func (c *Contract) designedServerError(req *http.Request, status int) bool {
	route, _, err := c.router.FindRoute(req)
	if err != nil || status == http.StatusInternalServerError {
		return false
	}
	return route.Operation.Responses.Value(strconv.Itoa(status)) != nil
}

type expectationKey struct{}

// expectation is what a test told the Transport, through the request's context, to expect.
type expectation struct {
	noOperation string // schema name the body must follow, for requests no operation matches
}

func withExpectation(ctx context.Context, change func(*expectation)) context.Context {
	exp, _ := ctx.Value(expectationKey{}).(expectation)
	change(&exp)
	return context.WithValue(ctx, expectationKey{}, exp)
}

// ExpectNoOperation returns a context for requests that, on purpose, match no operation of the
// document (unknown paths, undeclared methods). Transport then checks, with CheckNoOperation,
// that none matches and that the body follows components.schemas[schema], the error body of
// the API the request was aimed at.
func ExpectNoOperation(ctx context.Context, schema string) context.Context {
	return withExpectation(ctx, func(e *expectation) { e.noOperation = schema })
}

// CheckNoOperation verifies a response to a request that no operation matches: none may match
// (else the test is not testing what it thinks), the status must be a 4xx, and the body must be
// JSON that validates against the named component schema.
func (c *Contract) CheckNoOperation(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte, schema string) error {
	c.checked.Add(1)
	report := &CheckError{Method: req.Method, Path: req.URL.Path, Status: resp.StatusCode, RequestBody: reqBody, ResponseBody: respBody}
	if route, _, err := c.router.FindRoute(req); err == nil {
		report.Violations = append(report.Violations, fmt.Sprintf("expected no operation to match, but %s does", route.Operation.OperationID))
		return report
	}
	if resp.StatusCode < 400 || resp.StatusCode > 499 {
		report.Violations = append(report.Violations, fmt.Sprintf("status %d for a request no operation matches, want a 4xx", resp.StatusCode))
	}
	ref := c.doc.Components.Schemas[schema]
	if ref == nil || ref.Value == nil {
		report.Violations = append(report.Violations, fmt.Sprintf("no schema %q in %s", schema, c.path))
		return report
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		report.Violations = append(report.Violations, fmt.Sprintf("Content-Type %q, want application/json", ct))
	}
	var body any
	if err := json.Unmarshal(respBody, &body); err != nil {
		report.Violations = append(report.Violations, "body is not JSON: "+err.Error())
	} else if err := ref.Value.VisitJSON(body, openapi3.MultiErrors()); err != nil {
		report.Violations = append(report.Violations, fmt.Sprintf("body does not follow %s: %v", schema, err))
	}
	if len(report.Violations) > 0 {
		return report
	}
	return nil
}

// captureRequestBody returns a copy of req's body and the request to send in req's place. When
// req.GetBody is set (http.NewRequest sets it for in-memory bodies) req itself is sent and the copy
// comes from GetBody. Otherwise the body can be read only once, so it is buffered and a clone carrying
// the buffer is sent: a RoundTripper must not modify the caller's request.
func captureRequestBody(req *http.Request) ([]byte, *http.Request, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, req, nil
	}
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err == nil {
			var data []byte
			data, err = io.ReadAll(body)
			_ = body.Close()
			if err == nil {
				return data, req, nil
			}
		}
		_ = req.Body.Close() // RoundTrip must close the body, even on error
		return nil, nil, fmt.Errorf("testkit: copying the request body of %s %s for the contract check: %w", req.Method, req.URL.Path, err)
	}
	data, err := io.ReadAll(req.Body)
	_ = req.Body.Close()
	if err != nil {
		return nil, nil, fmt.Errorf("testkit: reading the request body of %s %s for the contract check: %w", req.Method, req.URL.Path, err)
	}
	out := req.Clone(req.Context())
	out.Body = io.NopCloser(bytes.NewReader(data))
	out.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil }
	return data, out, nil
}

// CheckError is what Check returns: every way one response broke the contract, and enough of the
// exchange to debug it from the test log alone.
type CheckError struct {
	Method string
	Path   string
	Status int
	// Operation is the operationId (or "METHOD /template" without one); empty when none matched.
	Operation string
	// Violations are human-readable, one per problem found.
	Violations   []string
	RequestBody  []byte
	ResponseBody []byte
}

func (e *CheckError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "contract violation: %s %s -> %d", e.Method, e.Path, e.Status)
	if e.Operation != "" {
		fmt.Fprintf(&b, " (operation %s)", e.Operation)
	}
	b.WriteString(":")
	for _, v := range e.Violations {
		b.WriteString("\n  - ")
		b.WriteString(v)
	}
	if len(e.RequestBody) > 0 {
		fmt.Fprintf(&b, "\nrequest body: %s", quoteBody(e.RequestBody))
	}
	fmt.Fprintf(&b, "\nresponse body: %s", quoteBody(e.ResponseBody))
	return b.String()
}

// quoteBody returns body for a message: cut to maxBodyInMessage bytes on a character boundary.
func quoteBody(body []byte) string {
	if len(body) == 0 {
		return "(empty)"
	}
	if len(body) <= maxBodyInMessage {
		return string(body)
	}
	cut := maxBodyInMessage
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return fmt.Sprintf("%s... (truncated, %d bytes in all)", body[:cut], len(body))
}

// Check verifies one response against the contract and returns a *CheckError listing the violations,
// or nil. It is the check Transport runs, exposed for responses a test obtained another way
// (httptest.ResponseRecorder, a raw connection for malformed requests). resp supplies the status and
// headers; resp.Body is not read, respBody is the body. reqBody may be nil.
//
// A response violates the contract when:
//   - no operation in the document matches the request's method and path;
//   - its status is declared neither explicitly, nor by a 1XX-5XX range, nor by default;
//   - the matched response declares content and the Content-Type is not one of its media types;
//   - the body does not validate against that media type's schema;
//   - a header declared required is missing, or a declared header does not validate;
//   - the matched response declares no content and the body is not empty.
//
// The request itself is not validated: tests send invalid requests on purpose, and the service's
// own validator is what answers them.
func (c *Contract) Check(req *http.Request, reqBody []byte, resp *http.Response, respBody []byte) error {
	c.checked.Add(1)
	report := &CheckError{
		Method:       req.Method,
		Path:         req.URL.Path,
		Status:       resp.StatusCode,
		RequestBody:  reqBody,
		ResponseBody: respBody,
	}

	route, pathParams, err := c.router.FindRoute(req)
	if err != nil {
		report.Violations = append(report.Violations, fmt.Sprintf("no operation in %s matches %s %s: %v", c.path, req.Method, req.URL.Path, err))
		return report
	}
	report.Operation = route.Operation.OperationID
	if report.Operation == "" {
		report.Operation = route.Method + " " + route.Path
	}

	// kin's ValidateResponse resolves the status too, but it also accepts some statuses without
	// looking (see validateWithKin), so the declared-status rule is enforced here, for every status.
	responses := route.Operation.Responses
	responseRef := responses.Status(resp.StatusCode)
	if responseRef == nil {
		responseRef = responses.Default()
	}
	if responseRef == nil || responseRef.Value == nil {
		report.Violations = append(report.Violations, fmt.Sprintf("status %d is not declared (declared: %s)",
			resp.StatusCode, strings.Join(responses.Keys(), ", ")))
		return report
	}

	// kin skips content checks for responses without content; a body there means a handler wrote
	// something the spec (and so every generated client) does not expect.
	if len(responseRef.Value.Content) == 0 && len(respBody) > 0 {
		report.Violations = append(report.Violations, fmt.Sprintf("status %d is declared without content, but the body has %d bytes", resp.StatusCode, len(respBody)))
	}

	if err := c.validateWithKin(req, reqBody, route, pathParams, resp, respBody, responseRef); err != nil {
		report.Violations = append(report.Violations, violations(err)...)
	}
	if len(report.Violations) > 0 {
		return report
	}
	return nil
}

// statusesKinSkips are the statuses for which openapi3filter.ValidateResponse (v0.153.0) returns
// nil before looking at the response, declared or not.
var statusesKinSkips = []int{http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently}

// validateWithKin runs openapi3filter.ValidateResponse (headers, Content-Type, body schema) against
// the response object Check resolved.
//
// ValidateResponse accepts every response to a HEAD request and every 301, 304, 307 and 308 response
// without checking anything, not even required headers such as a redirect's Location. To have those
// checked too, kin is given an operation whose only response is the resolved one, under "default",
// and for those statuses a status it does not skip; for HEAD, whose responses have no body, the
// request is presented as GET with body validation off.
func (c *Contract) validateWithKin(req *http.Request, reqBody []byte, route *routers.Route, pathParams map[string]string,
	resp *http.Response, respBody []byte, responseRef *openapi3.ResponseRef,
) error {
	only := openapi3.NewResponses()
	only.Set("default", responseRef)
	kinRoute := *route
	kinRoute.Operation = &openapi3.Operation{OperationID: route.Operation.OperationID, Responses: only}

	// A shallow copy with a fresh body: kin gets a request it may read, and the caller's is untouched.
	kinReq := req.WithContext(req.Context())
	kinReq.Body = io.NopCloser(bytes.NewReader(reqBody))
	options := c.options
	if req.Method == http.MethodHead {
		kinReq.Method = http.MethodGet
		withoutBody := *c.options
		withoutBody.ExcludeResponseBody = true
		options = &withoutBody
	}

	status := resp.StatusCode
	if slices.Contains(statusesKinSkips, status) {
		status = http.StatusOK
	}

	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    kinReq,
			PathParams: pathParams,
			Route:      &kinRoute,
			Options:    options,
		},
		Status:  status,
		Header:  resp.Header,
		Options: options,
	}
	input.SetBodyBytes(respBody)
	// The check is about a response already received; a request context cancelled since (a test's
	// deadline, a client timeout) must not abort it.
	return openapi3filter.ValidateResponse(context.WithoutCancel(req.Context()), input)
}

// violations turns an error from ValidateResponse into one line per problem: with MultiError, kin
// returns one ResponseError whose Err joins every schema error of the body with " | ".
func violations(err error) []string {
	var respErr *openapi3filter.ResponseError
	if !errors.As(err, &respErr) {
		return []string{err.Error()}
	}
	multi, ok := respErr.Err.(openapi3.MultiError)
	if !ok || len(multi) == 0 {
		return []string{respErr.Error()}
	}
	out := make([]string, 0, len(multi))
	for _, e := range multi {
		out = append(out, respErr.Reason+": "+e.Error())
	}
	return out
}
