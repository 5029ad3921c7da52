package payway

import (
	"encoding/json"
	"testing"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
)

// Error rendering on the request path: a failure worded in Payway's body and encoded.
func BenchmarkRender(b *testing.B) {
	p := New(httpapi.Deps{})
	for _, c := range []struct {
		name string
		f    httpapi.Failure
	}{
		{"validation (unknown parameter)", httpapi.Failure{Kind: httpapi.FailValidation, Operation: "paywayRequestEmailChange",
			Issues: []httpapi.Issue{{Field: "extra", Rule: "unsupported", Schema: &openapi3.Schema{}}}}},
		{"core error (email taken)", httpapi.Failure{Kind: httpapi.FailCore, Operation: "paywayRequestEmailChange",
			Core: &account.Error{Kind: account.KindConflict, Code: account.CodeEmailTaken, Field: account.FieldEmail}, Field: "new_email"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r := p.Render(c.f)
				if _, err := json.Marshal(r.Body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
