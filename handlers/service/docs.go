package service

import (
	"bytes"
	"context"
	_ "embed"
	"io"

	"github.com/accountd/accountd/gen/server"
)

// The reference page, its start-up script, and Swagger UI (swagger-ui-dist, vendored by
// scripts/docs-assets.sh at the version pinned in package.json), all embedded so that /docs
// works offline and loads nothing from another origin.
var (
	//go:embed docs/index.html
	docsPage []byte
	//go:embed docs/docs.js
	docsScript []byte
	//go:embed docs/swagger-ui/swagger-ui-bundle.js
	swaggerUIBundle []byte
	//go:embed docs/swagger-ui/swagger-ui.css
	swaggerUIStyle []byte
)

// DocsCSP is the page's Content-Security-Policy: this server's own scripts, styles, images and
// fonts (plus data: images, which Swagger UI's style sheet uses); no inline script, no eval, no
// framing, no other origin. Swagger UI's "Try it out" calls this server (connect-src 'self').
const DocsCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

func body(b []byte) (io.Reader, int64) { return bytes.NewReader(b), int64(len(b)) }

func (s *Service) GetDocs(context.Context, server.GetDocsRequestObject) (server.GetDocsResponseObject, error) {
	r, n := body(docsPage)
	return server.GetDocs200TexthtmlResponse{Body: r, ContentLength: n,
		Headers: server.GetDocs200ResponseHeaders{ContentSecurityPolicy: DocsCSP}}, nil
}

func (s *Service) GetDocsScript(context.Context, server.GetDocsScriptRequestObject) (server.GetDocsScriptResponseObject, error) {
	r, n := body(docsScript)
	return server.GetDocsScript200TextjavascriptResponse{Body: r, ContentLength: n}, nil
}

func (s *Service) GetDocsSwaggerUIBundle(context.Context, server.GetDocsSwaggerUIBundleRequestObject) (server.GetDocsSwaggerUIBundleResponseObject, error) {
	r, n := body(swaggerUIBundle)
	return server.GetDocsSwaggerUIBundle200TextjavascriptResponse{Body: r, ContentLength: n}, nil
}

func (s *Service) GetDocsSwaggerUIStyle(context.Context, server.GetDocsSwaggerUIStyleRequestObject) (server.GetDocsSwaggerUIStyleResponseObject, error) {
	r, n := body(swaggerUIStyle)
	return server.GetDocsSwaggerUIStyle200TextcssResponse{Body: r, ContentLength: n}, nil
}
