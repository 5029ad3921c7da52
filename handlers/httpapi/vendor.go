// Package httpapi is what every vendor package under handlers/ shares: the Vendor interface a
// vendor implements, the failures its renderer turns into error bodies, the reply it renders,
// what the server knows about a request (principal, client address, what its security scheme
// attached), and helpers for finding credentials. It knows no vendor: handlers (the
// composition) imports the vendor packages, which import this one.
package httpapi

import (
	"context"
	"github.com/prometheus/client_golang/prometheus"
	"log/slog"
	"net/http"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/captcha"
)

// Vendor is one vendor API: the operations of openapi.yaml tagged with its Name. The server
// reads the tags at start, authenticates each operation with the Schemes of its vendor, and
// renders every failure of the operation (validation, authentication, body limit, handler
// errors, panics) and of every request under the vendor's paths (404, 405) with Render.
type Vendor interface {
	// Name is the vendor's tag in openapi.yaml (an operation's one tag names its vendor).
	Name() string
	// Schemes authenticates the security schemes of openapi.yaml this vendor owns, by scheme
	// name (components.securitySchemes). Each scheme belongs to exactly one vendor.
	Schemes() map[string]Scheme
	// Fields renames the core's field names (account.Field*) to each operation's request
	// fields, by operationId; "" makes the error a non-field one. Unlisted fields keep their name.
	Fields() FieldTable
	// Render turns a failure into the vendor's error response. It must always return a reply.
	Render(Failure) *Reply
}

// Preparer is implemented by a vendor whose operations share a step that runs after validation
// and authentication, before the handler: a decision every handler would otherwise repeat
// (Akana's response media type, 406) or a check of the request beyond its validated body
// (Payway's token endpoint refuses credentials in the URL query). An error is rendered like a
// handler's; the returned context is the handler's.
type Preparer interface {
	Prepare(ctx context.Context, operation string, r *http.Request) (context.Context, error)
}

// FieldTable maps operationId -> core field -> request field ("" = not a field of the request).
type FieldTable map[string]map[string]string

// Rename returns the request field of operation op for the core's field.
func (t FieldTable) Rename(op, field string) string {
	if to, ok := t[op][field]; ok {
		return to
	}
	return field
}

// Deps is what the composition hands every vendor's constructor.
type Deps struct {
	Core    *account.Service
	Captcha captcha.Verifier
	// PublicURL is the base of links in mails (ACCOUNTD_PUBLIC_URL), without a trailing slash.
	PublicURL string
	// Links are the links of the mails, built from PublicURL (links.go).
	Links  Links
	Logger *slog.Logger
	// Metrics is what GET /metrics answers (nil: not on this listener, 404).
	Metrics prometheus.Gatherer
}
