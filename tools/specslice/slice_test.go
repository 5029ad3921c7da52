package main

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const doc = `openapi: 3.0.3
info: {title: accountd, version: "1"}
tags:
  - {name: Service, description: s}
  - {name: Alpha, description: a}
  - {name: Beta, description: b}
paths:
  /healthz:
    get: {operationId: getHealth, tags: [Service], responses: {'200': {$ref: '#/components/responses/ServiceOK'}}}
  /a:
    get:
      operationId: alphaGet
      tags: [Alpha]
      security: [{AlphaKey: []}]
      responses: {'200': {$ref: '#/components/responses/AlphaOK'}}
  /b:
    post:
      operationId: betaPost
      tags: [Beta]
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/BetaRequest'}}}}
      responses: {'204': {description: ok}, '400': {$ref: '#/components/responses/Shared~1Error'}}
components:
  responses:
    ServiceOK: {description: ok}
    AlphaOK: {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/AlphaThing'}}}}
    Shared/Error: {description: bad, content: {application/json: {schema: {$ref: '#/components/schemas/Oops'}}}}
  schemas:
    AlphaThing: {type: object, properties: {part: {$ref: '#/components/schemas/AlphaPart'}}}
    AlphaPart: {type: string}
    AlphaUnused: {type: string}
    BetaRequest: {type: object, additionalProperties: false}
    Oops: {type: object}
  securitySchemes:
    AlphaKey: {type: apiKey, in: header, name: X-Key}
    BetaKey: {type: apiKey, in: header, name: X-Beta}
`

// keys returns "section/name" for every component of a slice, and its paths.
func keys(t *testing.T, raw []byte) (components, paths []string, title string) {
	t.Helper()
	root, err := parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if c := lookup(root, "components"); c != nil {
		for i := 0; i+1 < len(c.Content); i += 2 {
			for j := 0; j < len(c.Content[i+1].Content); j += 2 {
				components = append(components, c.Content[i].Value+"/"+c.Content[i+1].Content[j].Value)
			}
		}
	}
	p := lookup(root, "paths")
	for i := 0; i < len(p.Content); i += 2 {
		paths = append(paths, p.Content[i].Value)
	}
	return components, paths, lookup(lookup(root, "info"), "title").Value
}

func TestSlice(t *testing.T) {
	all, err := SliceAll([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all["alpha"] == nil || all["beta"] == nil {
		t.Fatalf("want slices alpha and beta (no service), got %d", len(all))
	}
	tests := []struct {
		file, title, paths, components string
	}{
		// Transitive refs (AlphaOK -> AlphaThing -> AlphaPart), security schemes by name, nothing unused.
		{"alpha", "accountd: Alpha", "/a", "responses/AlphaOK schemas/AlphaThing schemas/AlphaPart securitySchemes/AlphaKey"},
		// A JSON-pointer escaped name (~1 is /), and no scheme it does not use.
		{"beta", "accountd: Beta", "/b", "responses/Shared/Error schemas/BetaRequest schemas/Oops"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			comps, paths, title := keys(t, all[tt.file])
			if got := strings.Join(comps, " "); got != tt.components {
				t.Errorf("components: got %q, want %q", got, tt.components)
			}
			if got := strings.Join(paths, " "); got != tt.paths {
				t.Errorf("paths: got %q, want %q", got, tt.paths)
			}
			if title != tt.title {
				t.Errorf("title: got %q, want %q", title, tt.title)
			}
			var tags struct{ Tags []struct{ Name string } }
			if err := yaml.Unmarshal(all[tt.file], &tags); err != nil || len(tags.Tags) != 1 || tags.Tags[0].Name != tt.title[len("accountd: "):] {
				t.Errorf("tags: want only the vendor's, got %+v (%v)", tags.Tags, err)
			}
		})
	}
	again, _ := SliceAll([]byte(doc))
	if string(again["alpha"]) != string(all["alpha"]) {
		t.Error("slicing twice gave different bytes")
	}
}

func TestSliceNoOperations(t *testing.T) {
	if _, err := Slice([]byte(doc), "Gamma"); err == nil {
		t.Fatal("want an error for a tag with no operations")
	}
}
