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
// strictJSONDecoder (kin decodes every +json media type, Akana's vnd.soa ones, with it too). The
// registry is process-wide in kin, like the format validators.
func registerStrictJSON() {
	registerStrictJSONOnce.Do(func() { openapi3filter.RegisterBodyDecoder("application/json", strictJSONDecoder) })
}

// strictJSONDecoder parses the body once: the bytes are checked for UTF-8 (a scan, not a parse),
// then decoded as kin's own JSONBodyDecoder decodes them (encoding/json into any, numbers as
// json.Number, so the validator sees exactly what kin would), and the same decoder then must
// find nothing but whitespace after the value.
func strictJSONDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, parseError(err)
	}
	if !utf8.Valid(data) {
		return nil, parseError(errInvalidUTF8)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var value any
	if err := dec.Decode(&value); err != nil {
		return nil, parseError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, parseError(errTrailingData)
	}
	return value, nil
}

func parseError(cause error) error {
	return &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: cause}
}
