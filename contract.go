// Package accountd holds the contract as the repository commits it, embedded for the server:
// openapi.yaml (bundled from spec/ by `make generate`) and each vendor's slice of it,
// sdk/specs/*.yaml. go:embed reaches only files in or below a package's folder, so the package
// that embeds them is the one at the root; gen/spec parses and serves them.
package accountd

import "embed"

// OpenAPIYAML is openapi.yaml as committed.
//
//go:embed openapi.yaml
var OpenAPIYAML []byte

// VendorSpecs holds sdk/specs/<vendor>.yaml, the per-vendor slices.
//
//go:embed sdk/specs/*.yaml
var VendorSpecs embed.FS
