package webshare

import (
	"encoding/json"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// Error rendering on the request path: a failure worded in Webshare's body and encoded, as the
// error path does for every refused request (tools/loadbench measures whole requests).
func BenchmarkRender(b *testing.B) {
	w := New(httpapi.Deps{})
	for _, c := range []struct {
		name string
		f    httpapi.Failure
	}{
		{"validation, two fields", httpapi.Failure{Kind: httpapi.FailValidation, Issues: []httpapi.Issue{
			{Field: "email", Rule: "format", Schema: &openapi3.Schema{Format: "email"}}, {Field: "password", Rule: "required"}}}},
		{"core error (invalid credentials)", httpapi.Failure{Kind: httpapi.FailCore,
			Core: &account.Error{Kind: account.KindInvalid, Code: account.CodeInvalidCredentials}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := w.Render(c.f)
				if _, err := json.Marshal(r.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
