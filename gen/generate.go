// Package gen holds code generated from ../openapi.yaml by oapi-codegen, a copy of the
// document itself (spec/openapi.yaml) and its per-vendor slices (spec/vendors/, the same files
// as ../sdk/specs/). Never edit it by hand: change the sources under ../spec/ and run
// `make generate` (or `go generate ./...`), which first bundles them into ../openapi.yaml.
package gen

//go:generate go run ../tools/specbundle -spec ../spec -o ../openapi.yaml
//go:generate go tool oapi-codegen -config models/cfg.yaml ../openapi.yaml
//go:generate go tool oapi-codegen -config server/cfg.yaml ../openapi.yaml
//go:generate go tool oapi-codegen -config client/cfg.yaml ../openapi.yaml
//go:generate cp ../openapi.yaml spec/openapi.yaml
//go:generate go run ../tools/specslice -in ../openapi.yaml -o ../sdk/specs -o spec/vendors
