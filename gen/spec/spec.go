// Package spec is the contract the server runs on: openapi.yaml and its per-vendor slices as
// the repository commits them (embedded by the root package, github.com/accountd/accountd),
// parsed and validated once. It is written by hand; the rest of gen/ is generated.
package spec

import (
	"encoding/json"
	"sync"

	"github.com/accountd/accountd"
	"github.com/getkin/kin-openapi/openapi3"
)

// YAML is openapi.yaml as written.
var YAML = accountd.OpenAPIYAML

var (
	loadOnce sync.Once
	loaded   *openapi3.T
	asJSON   []byte
	loadErr  error
)

func load() {
	loader := openapi3.NewLoader()
	loaded, loadErr = loader.LoadFromData(YAML)
	if loadErr == nil {
		loadErr = loaded.Validate(loader.Context)
	}
	if loadErr == nil {
		asJSON, loadErr = json.Marshal(loaded)
	}
}

// Load parses and validates the document. Callers get a fresh copy they may change (the
// server drops `servers`, which would otherwise bind validation to one host).
func Load() (*openapi3.T, error) {
	loadOnce.Do(load)
	if loadErr != nil {
		return nil, loadErr
	}
	return openapi3.NewLoader().LoadFromData(YAML)
}

// JSON is the document converted to JSON.
func JSON() ([]byte, error) {
	loadOnce.Do(load)
	return asJSON, loadErr
}
