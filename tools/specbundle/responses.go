package main

import "go.yaml.in/yaml/v3"

// httpMethods are the keys of a path item that are operations.
var httpMethods = map[string]bool{"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true}

// forEachOperation calls fn with every operation of doc and its first tag.
func forEachOperation(doc *yaml.Node, fn func(op *yaml.Node, tag string)) {
	paths := lookup(doc, "paths")
	if paths == nil {
		return
	}
	for i := 0; i+1 < len(paths.Content); i += 2 {
		item := paths.Content[i+1]
		for j := 0; j+1 < len(item.Content); j += 2 {
			if !httpMethods[item.Content[j].Value] {
				continue
			}
			op, tag := item.Content[j+1], ""
			if tags := lookup(op, "tags"); tags != nil && len(tags.Content) > 0 {
				tag = tags.Content[0].Value
			}
			fn(op, tag)
		}
	}
}

// declareUnavailable adds `'503': {$ref: '#/components/responses/<Tag>Unavailable'}` to every
// operation whose tag has such a response and that declares no 503 itself: every vendor
// answers 503 (in its own error body) while the database cannot be reached, so the spec says
// so once per vendor instead of once per operation.
func declareUnavailable(doc *yaml.Node) {
	var defined *yaml.Node
	if comps := lookup(doc, "components"); comps != nil {
		defined = lookup(comps, "responses")
	}
	if defined == nil {
		return
	}
	forEachOperation(doc, func(op *yaml.Node, tag string) {
		name := tag + "Unavailable"
		if tag == "" || lookup(defined, name) == nil {
			return
		}
		responses := child(op, "responses", yaml.MappingNode)
		if lookup(responses, "503") != nil {
			return
		}
		ref := &yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: "$ref"},
			{Kind: yaml.ScalarNode, Value: "#/components/responses/" + name, Style: yaml.SingleQuotedStyle},
		}}
		responses.Content = append(responses.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "503", Style: yaml.SingleQuotedStyle}, ref)
	})
}

// requestIDHeader is the header component every response carries: the server answers every
// request with X-Request-ID (taken from the request when sane, made otherwise).
const requestIDHeader = "RequestID"

// declareRequestID adds `X-Request-ID: {$ref: '#/components/headers/RequestID'}` to the headers
// of every response (inline in an operation, or a response component; a $ref to a response is
// covered by its component), when base.yaml defines that header.
func declareRequestID(doc *yaml.Node) {
	comps := lookup(doc, "components")
	if comps == nil {
		return
	}
	if headers := lookup(comps, "headers"); headers == nil || lookup(headers, requestIDHeader) == nil {
		return
	}
	add := func(resp *yaml.Node) {
		if resp.Kind != yaml.MappingNode || lookup(resp, "$ref") != nil {
			return
		}
		headers := child(resp, "headers", yaml.MappingNode)
		if lookup(headers, "X-Request-ID") != nil {
			return
		}
		headers.Content = append(headers.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "X-Request-ID"},
			&yaml.Node{Kind: yaml.MappingNode, Style: yaml.FlowStyle, Content: []*yaml.Node{
				{Kind: yaml.ScalarNode, Value: "$ref"},
				{Kind: yaml.ScalarNode, Value: "#/components/headers/" + requestIDHeader, Style: yaml.SingleQuotedStyle},
			}})
	}
	if responses := lookup(comps, "responses"); responses != nil {
		for i := 1; i < len(responses.Content); i += 2 {
			add(responses.Content[i])
		}
	}
	forEachOperation(doc, func(op *yaml.Node, _ string) {
		if responses := lookup(op, "responses"); responses != nil {
			for i := 1; i < len(responses.Content); i += 2 {
				add(responses.Content[i])
			}
		}
	})
}
