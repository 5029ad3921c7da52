package handlers

import (
	"context"
	"strings"
	"testing"

	"github.com/accountd/accountd/gen/spec"
	"github.com/accountd/accountd/handlers/akana"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// The vendor of a request that matches no operation comes from the spec's paths: the vendor
// whose operations share the longest run of leading segments with it. The paths are those the
// four vendors will serve.
func TestVendorForPath(t *testing.T) {
	var paths []vendorPath
	for vendor, ps := range map[string][]string{
		"Webshare": {"/api/v2/register/", "/api/v2/login/", "/api/v2/activation/complete/"},
		"Payway":   {"/api/authorization/access_token", "/external/api/v1/me/request_email_change", "/external/api/v1/accounts/request_password_reset"},
		"Akana":    {"/api/login", "/api/login/renewToken", "/api/users/{UserID}/sendEmailChangeCode", "/api/users/validateEmailChangeCode"},
		"Rixl":     {"/auth/v1/login", "/auth/v1/users/current/emails/change"},
		"Service":  {"/healthz", "/openapi.yaml"},
	} {
		for _, p := range ps {
			paths = append(paths, vendorPath{segments: segments(p), vendor: vendor})
		}
	}
	for _, tc := range []struct{ path, want string }{
		{"/api/v2/nope/", "Webshare"},
		{"/api/v2/login", "Webshare"},
		{"/api/v2/", "Webshare"},
		{"/api/authorization/other", "Payway"},
		{"/external/api/v1/nope", "Payway"},
		{"/external/nope", "Payway"},
		{"/api/login/nope", "Akana"},
		{"/api/users/abc/unknown", "Akana"}, // {UserID} matches any segment
		{"/api/users", "Akana"},
		{"/auth/v1/nope", "Rixl"},
		{"/healthz/more", "Service"},
		{"/api", ""},      // Webshare, Payway and Akana all live under /api/: no one vendor
		{"/api/nope", ""}, // likewise
		{"/nowhere", ""},  // no vendor shares a segment
		{"/", ""},
		{"//api//v2//x", "Webshare"}, // empty segments do not count
	} {
		if got := vendorForPath(paths, tc.path); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.path, got, tc.want)
		}
	}
}

type fakeVendor struct {
	name    string
	schemes []string
}

func (v fakeVendor) Name() string { return v.name }
func (v fakeVendor) Schemes() map[string]httpapi.Scheme {
	m := map[string]httpapi.Scheme{}
	for _, s := range v.schemes {
		m[s] = func(context.Context, httpapi.SchemeInput) (httpapi.Auth, error) { return httpapi.Auth{}, nil }
	}
	return m
}
func (v fakeVendor) Fields() httpapi.FieldTable            { return nil }
func (v fakeVendor) Render(httpapi.Failure) *httpapi.Reply { return &httpapi.Reply{} }

// The server refuses to start when the spec and the composed vendors disagree.
func TestNewRoutesRefuses(t *testing.T) {
	doc := func(tags, schemes string) *openapi3.T {
		src := `
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /a:
    get:
      operationId: getA
      tags: ` + tags + `
      responses: {'200': {description: ok}}
components:
  securitySchemes: ` + schemes + `
`
		d, err := openapi3.NewLoader().LoadFromData([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	scheme := `{Tok: {type: apiKey, in: header, name: Authorization}}`
	svc := fakeVendor{name: "Service"}
	for _, tc := range []struct {
		name    string
		doc     *openapi3.T
		vendors []httpapi.Vendor
		want    string
	}{
		{"no tag", doc("[]", "{}"), []httpapi.Vendor{svc}, "0 tags"},
		{"two tags", doc("[Service, Webshare]", "{}"), []httpapi.Vendor{svc}, "2 tags"},
		{"unknown vendor", doc("[Payway]", "{}"), []httpapi.Vendor{svc}, `tag "Payway" names no composed vendor`},
		{"scheme nobody authenticates", doc("[Service]", scheme), []httpapi.Vendor{svc}, `no vendor authenticates security scheme "Tok"`},
		{"scheme registered twice", doc("[Service]", scheme),
			[]httpapi.Vendor{svc, fakeVendor{"A", []string{"Tok"}}, fakeVendor{"B", []string{"Tok"}}}, "registered by two vendors"},
		{"scheme not in the spec", doc("[Service]", "{}"),
			[]httpapi.Vendor{svc, fakeVendor{"A", []string{"Other"}}}, `"Other", which openapi.yaml does not define`},
		{"vendor twice", doc("[Service]", "{}"), []httpapi.Vendor{svc, svc}, "composed twice"},
		{"no fallback", doc("[A]", "{}"), []httpapi.Vendor{fakeVendor{name: "A"}}, `"Service"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := newRoutes(tc.doc, tc.vendors)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
	if _, err := newRoutes(doc("[Service]", scheme), []httpapi.Vendor{svc, fakeVendor{"A", []string{"Tok"}}}); err != nil {
		t.Fatalf("a consistent spec is refused: %v", err)
	}
}

// The real spec and the real composition agree, and every operation has its vendor.
func TestComposedVendorsMatchTheSpec(t *testing.T) {
	doc, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	_, vendors := compose(httpapi.Deps{}, akana.Settings{})
	rt, err := newRoutes(doc, vendors)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, path := range doc.Paths.InMatchingOrder() {
		for method, op := range doc.Paths.Value(path).Operations() {
			got, ok := rt.byRoute[method+" "+echoPath(path)]
			if !ok || got.id != op.OperationID || got.vendor.Name() != op.Tags[0] {
				t.Errorf("%s %s: %+v", method, path, got)
			}
			n++
		}
	}
	if n == 0 || len(rt.byRoute) != n {
		t.Fatalf("%d operations, %d routes", n, len(rt.byRoute))
	}
}
