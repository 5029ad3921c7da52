// Package gen holds code generated from ../openapi.yaml by oapi-codegen (models, server,
// client) and spec, the hand-written package that parses the document the root package embeds.
// Never edit the generated code by hand: change the sources under ../spec/ and run
// `make generate` (or `go generate ./...`), which first bundles them into ../openapi.yaml and
// ends by slicing it per vendor into ../sdk/specs/.
package gen

//go:generate go run ../tools/specbundle -spec ../spec -o ../openapi.yaml
//go:generate go tool oapi-codegen -config models/cfg.yaml ../openapi.yaml
//go:generate go tool oapi-codegen -config server/cfg.yaml ../openapi.yaml
//go:generate go tool oapi-codegen -config client/cfg.yaml ../openapi.yaml
//go:generate go run ../tools/specslice -in ../openapi.yaml -o ../sdk/specs
