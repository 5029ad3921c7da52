package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Strict JSON bodies: kin's decoder (like encoding/json) turns invalid UTF-8 inside a string into
// U+FFFD, so different byte strings (a Latin-1 password and its neighbours) would read as one,
// and it stops after the first JSON value, ignoring whatever follows. RFC 8259 requires UTF-8
// and one value; both are parse errors here, answered like any malformed JSON.
var (
	errInvalidUTF8  = errors.New("the body is not valid UTF-8")
	errTrailingData = errors.New("data after the JSON value")
)

var registerStrictJSONOnce sync.Once

// registerStrictJSON makes kin-openapi decode application/json request bodies with
// strictJSONDecoder. The registry is process-wide in kin, like the format validators.
func registerStrictJSON() {
	registerStrictJSONOnce.Do(func() { openapi3filter.RegisterBodyDecoder("application/json", strictJSONDecoder) })
}

func strictJSONDecoder(body io.Reader, h http.Header, schema *openapi3.SchemaRef, enc openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	if !utf8.Valid(data) {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: errInvalidUTF8}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: errTrailingData}
	}
	// kin's own decoder for the value itself (numbers as json.Number, duplicate keys refused).
	return openapi3filter.JSONBodyDecoder(bytes.NewReader(first), h, schema, enc)
}
