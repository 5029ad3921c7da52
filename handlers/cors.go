package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// corsMaxAge is how long a browser may reuse a preflight answer (seconds). Chromium caps it at
// 2 hours; 10 minutes keeps a changed origin list from lingering in browsers for long.
const corsMaxAge = 600

// corsPolicy lets browser apps on the listed origins call the API with credentials (Akana's
// cookie session needs them), as the Fetch standard's CORS protocol asks:
//   - a preflight (OPTIONS with Origin and Access-Control-Request-Method) from a listed origin,
//     for a method that openapi.yaml has at that path, is answered 204 with the methods of the
//     path and the request headers the API reads (read from openapi.yaml: its header
//     parameters and header security schemes, plus Content-Type and Accept);
//   - every other answer to a listed origin carries Access-Control-Allow-Origin (the origin
//     itself, never "*"), Allow-Credentials and Expose-Headers (the response headers
//     openapi.yaml declares that a script cannot read otherwise, e.g. Retry-After);
//   - an origin not on the list, a request without Origin, and a preflight for a method or path
//     the API does not have get no CORS header at all and the server's ordinary answer (405
//     or 404 in the vendor's body for OPTIONS).
//
// Echo's CORS middleware does not fit: it answers every OPTIONS request 204, even from an
// origin not on the list and for paths the API does not have, and it takes wildcard patterns.
// The preflight is the browser's protocol, not an operation of any vendor, so openapi.yaml
// does not declare it (README, "Browser apps: CORS").
type corsPolicy struct {
	origins map[string]bool
	// methods of each path in Echo's syntax (/api/users/:userFDN/...), HEAD with GET.
	methods       map[string][]string
	allowHeaders  string
	exposeHeaders string
}

// newCORS builds the middleware from ACCOUNTD_CORS_ORIGINS' list; with no origins it is off
// (passes every request through). extraHeaders are request headers the API reads under a name
// the spec cannot spell (Akana's CSRF header of the configured tenant).
func newCORS(origins []string, doc *openapi3.T, extraHeaders ...string) (echo.MiddlewareFunc, error) {
	p := &corsPolicy{origins: map[string]bool{}, methods: map[string][]string{}}
	for _, o := range origins {
		canonical, err := corsOrigin(o)
		if err != nil {
			return nil, fmt.Errorf("ACCOUNTD_CORS_ORIGINS: %w", err)
		}
		p.origins[canonical] = true
	}
	if len(p.origins) == 0 {
		return func(next echo.HandlerFunc) echo.HandlerFunc { return next }, nil
	}
	request, response := specHeaders(doc)
	p.allowHeaders = strings.Join(uniqueFold(append(append([]string{"Accept", "Content-Type"}, request...), extraHeaders...)), ", ")
	p.exposeHeaders = strings.Join(uniqueFold(response), ", ")
	for _, path := range doc.Paths.InMatchingOrder() {
		ops := doc.Paths.Value(path).Operations()
		methods := make([]string, 0, len(ops)+1)
		for method := range ops {
			methods = append(methods, method)
		}
		if ops[http.MethodGet] != nil && ops[http.MethodHead] == nil {
			methods = append(methods, http.MethodHead)
		}
		slices.Sort(methods)
		p.methods[echoPath(path)] = methods
	}
	return p.middleware, nil
}

func (p *corsPolicy) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req, h := c.Request(), c.Response().Header()
		origin := req.Header.Get(echo.HeaderOrigin)
		// The answer depends on Origin whenever CORS is on: caches must keep them apart.
		h.Add(echo.HeaderVary, echo.HeaderOrigin)
		if origin == "" || !p.origins[origin] {
			return next(c)
		}
		wanted := req.Header.Get(echo.HeaderAccessControlRequestMethod)
		if req.Method == http.MethodOptions && wanted != "" {
			methods := p.methods[c.Path()]
			if !slices.Contains(methods, wanted) {
				return next(c) // no such operation: the ordinary 404/405, without CORS headers
			}
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestMethod)
			h.Add(echo.HeaderVary, echo.HeaderAccessControlRequestHeaders)
			h.Set(echo.HeaderAccessControlAllowOrigin, origin)
			h.Set(echo.HeaderAccessControlAllowCredentials, "true")
			h.Set(echo.HeaderAccessControlAllowMethods, strings.Join(methods, ", "))
			h.Set(echo.HeaderAccessControlAllowHeaders, p.allowHeaders)
			h.Set(echo.HeaderAccessControlMaxAge, strconv.Itoa(corsMaxAge))
			return c.NoContent(http.StatusNoContent)
		}
		h.Set(echo.HeaderAccessControlAllowOrigin, origin)
		h.Set(echo.HeaderAccessControlAllowCredentials, "true")
		if p.exposeHeaders != "" {
			h.Set(echo.HeaderAccessControlExposeHeaders, p.exposeHeaders)
		}
		return next(c)
	}
}

// corsOrigin checks one configured origin and returns it as browsers send it in Origin
// (lower-case scheme and host, no default port), so the comparison can be exact. A wildcard
// is refused: with credentials allowed it would hand every site the user's session.
func corsOrigin(s string) (string, error) {
	s = strings.TrimSpace(s)
	if strings.Contains(s, "*") {
		return "", fmt.Errorf("%q: wildcards are not allowed (credentials are allowed, so list each origin exactly, e.g. https://app.example.com)", s)
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
		(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(u.Host, ":") {
		return "", fmt.Errorf("%q is not an origin: use scheme://host[:port], e.g. https://app.example.com", s)
	}
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		if _, err := strconv.ParseUint(port, 10, 16); err != nil {
			return "", fmt.Errorf("%q: port %q is not a port number", s, port)
		}
		host += ":" + port
	}
	return strings.ToLower(u.Scheme) + "://" + host, nil
}

// specHeaders returns the request headers openapi.yaml says the API reads (header parameters,
// header API keys, HTTP auth's Authorization) and the response headers it declares that a
// script may only read when they are exposed (not Set-Cookie, which no script reads, nor the
// CORS-safelisted ones).
func specHeaders(doc *openapi3.T) (request, response []string) {
	if doc.Components != nil {
		for _, ref := range doc.Components.SecuritySchemes {
			switch s := ref.Value; {
			case s == nil:
			case s.Type == "apiKey" && s.In == "header":
				request = append(request, s.Name)
			case s.Type == "http" || s.Type == "oauth2" || s.Type == "openIdConnect":
				request = append(request, echo.HeaderAuthorization)
			}
		}
	}
	safelisted := []string{"cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma", "set-cookie"}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for _, op := range item.Operations() {
			for _, param := range append(slices.Clone(item.Parameters), op.Parameters...) {
				if param.Value != nil && param.Value.In == openapi3.ParameterInHeader {
					request = append(request, param.Value.Name)
				}
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for name := range resp.Value.Headers {
					if !slices.Contains(safelisted, strings.ToLower(name)) {
						response = append(response, name)
					}
				}
			}
		}
	}
	return request, response
}

// uniqueFold sorts names and drops case-insensitive repeats (header names are case-insensitive).
func uniqueFold(names []string) []string {
	slices.SortFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return slices.CompactFunc(names, strings.EqualFold)
}
