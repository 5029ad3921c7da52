// Package spec embeds a copy of ../../openapi.yaml, made by `make generate`: the server
// validates requests against it and serves it byte for byte.
package spec

import (
	_ "embed"
	"encoding/json"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// YAML is openapi.yaml as written.
//
//go:embed openapi.yaml
var YAML []byte

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
