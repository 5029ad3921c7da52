package handlers

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/accountd/accountd/metrics"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"
)

// fallbackVendor answers requests that fall under no vendor's paths (the service's own
// {"detail"} body).
const fallbackVendor = "Service"

// operation is one operation of openapi.yaml and the vendor that answers it.
type operation struct {
	id     string
	vendor httpapi.Vendor
}

// routes is what the server reads from openapi.yaml at start: the vendor of every operation
// (its one tag) and of every path prefix, and the security schemes each vendor authenticates.
type routes struct {
	byRoute  map[string]operation // "POST /api/v2/register/", in Echo's path syntax (:param)
	vendors  map[string]httpapi.Vendor
	paths    []vendorPath
	fallback httpapi.Vendor
	schemes  map[string]httpapi.Scheme
	metrics  *metrics.Metrics // requests and refusals are counted here (nil: not)
}

// vendorPath is one operation's path, split into segments, and its vendor's name.
type vendorPath struct {
	segments []string
	vendor   string
}

// newRoutes checks that every operation has exactly one tag naming a composed vendor and that
// every security scheme is authenticated by exactly one vendor, and refuses otherwise, so a
// spec and a server that disagree never start.
func newRoutes(doc *openapi3.T, vendors []httpapi.Vendor) (*routes, error) {
	byName := map[string]httpapi.Vendor{}
	rt := &routes{byRoute: map[string]operation{}, vendors: byName, schemes: map[string]httpapi.Scheme{}}
	for _, v := range vendors {
		if _, dup := byName[v.Name()]; dup {
			return nil, fmt.Errorf("vendor %q is composed twice", v.Name())
		}
		byName[v.Name()] = v
		for name, scheme := range v.Schemes() {
			if _, dup := rt.schemes[name]; dup {
				return nil, fmt.Errorf("security scheme %q is registered by two vendors", name)
			}
			if doc.Components == nil || doc.Components.SecuritySchemes[name] == nil {
				return nil, fmt.Errorf("vendor %s registers security scheme %q, which openapi.yaml does not define", v.Name(), name)
			}
			rt.schemes[name] = scheme
		}
	}
	if doc.Components != nil {
		for name := range doc.Components.SecuritySchemes {
			if rt.schemes[name] == nil {
				return nil, fmt.Errorf("no vendor authenticates security scheme %q of openapi.yaml", name)
			}
		}
	}
	if rt.fallback = byName[fallbackVendor]; rt.fallback == nil {
		return nil, fmt.Errorf("vendor %q (requests outside every vendor's paths) is not composed", fallbackVendor)
	}
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			if len(op.Tags) != 1 {
				return nil, fmt.Errorf("%s %s (%s): %d tags; an operation has exactly one, its vendor", method, path, op.OperationID, len(op.Tags))
			}
			v := byName[op.Tags[0]]
			if v == nil {
				return nil, fmt.Errorf("%s %s (%s): tag %q names no composed vendor", method, path, op.OperationID, op.Tags[0])
			}
			rt.byRoute[method+" "+echoPath(path)] = operation{id: op.OperationID, vendor: v}
			rt.paths = append(rt.paths, vendorPath{segments: segments(path), vendor: v.Name()})
		}
	}
	// Deterministic order, so ties are judged alike on every start.
	sort.Slice(rt.paths, func(i, j int) bool {
		return strings.Join(rt.paths[i].segments, "/") < strings.Join(rt.paths[j].segments, "/")
	})
	return rt, nil
}

// operation returns the operation a routed request matched (ok false for 404 and 405).
func (rt *routes) operation(c echo.Context) (operation, bool) {
	method := c.Request().Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	op, ok := rt.byRoute[method+" "+c.Path()]
	return op, ok
}

// vendorOf returns the vendor that answers the request: the matched operation's, or else the
// one whose paths the request path falls under.
func (rt *routes) vendorOf(c echo.Context) (httpapi.Vendor, string) {
	if op, ok := rt.operation(c); ok {
		return op.vendor, op.id
	}
	if v := rt.vendors[vendorForPath(rt.paths, c.Request().URL.Path)]; v != nil {
		return v, ""
	}
	return rt.fallback, ""
}

// vendorForPath returns the vendor whose operations share the longest run of leading path
// segments with path ({param} segments match any segment): /api/v2/nope/ falls under the
// vendor of /api/v2/login/. It returns "" when no operation shares a segment, or when vendors
// tie for the longest run (/api/nope, with one vendor under /api/v2/ and another at /api/login).
func vendorForPath(paths []vendorPath, path string) string {
	req := segments(path)
	best, vendor, tie := 0, "", false
	for _, p := range paths {
		n := sharedPrefix(p.segments, req)
		switch {
		case n > best:
			best, vendor, tie = n, p.vendor, false
		case n == best && n > 0 && p.vendor != vendor:
			tie = true
		}
	}
	if tie {
		return ""
	}
	return vendor
}

func sharedPrefix(template, path []string) int {
	n := 0
	for n < len(template) && n < len(path) {
		t := template[n]
		if t != path[n] && !(strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}")) {
			break
		}
		n++
	}
	return n
}

// segments splits a path into its non-empty segments.
func segments(path string) []string {
	return slices.DeleteFunc(strings.Split(path, "/"), func(s string) bool { return s == "" })
}

// echoPath turns an OpenAPI path template into Echo's syntax: /users/{id} -> /users/:id.
func echoPath(path string) string {
	parts := strings.Split(path, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			parts[i] = ":" + p[1:len(p)-1]
		}
	}
	return strings.Join(parts, "/")
}
