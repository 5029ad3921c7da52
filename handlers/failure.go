package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
)

// failureKind sorts every way a request can fail before or inside a handler. Each vendor turns
// a failure into its own error body, so the sorting happens once, here.
type failureKind int

const (
	failInternal   failureKind = iota
	failValidation             // the request breaks openapi.yaml; issues says where
	failParse                  // the body is not readable JSON
	failMediaType              // the body's Content-Type is not one the operation takes
	failTooLarge
	failNotFound
	failMethod
	failCore // an *account.Error (includes authentication)
)

// issue is one validation problem with one field ("" for the request as a whole).
type issue struct {
	field string
	rule  string // the schema keyword that failed: required, unsupported, type, maxLength, ...
	// schema is the failing schema, for limits and types in messages.
	schema *openapi3.Schema
}

type failure struct {
	kind      failureKind
	issues    []issue
	mediaType string
	detail    string // failParse: a short, safe reason
	core      *account.Error
	// renames maps core field names to the operation's request fields ("" = not a field).
	renames map[string]string
	cause   error
}

var propertyReason = regexp.MustCompile(`^property "([^"]+)" is (missing|unsupported)`)

// classify sorts an error that reached the error handler.
func classify(err error) failure {
	var ce *account.Error
	if errors.As(err, &ce) {
		if ce.Kind == account.KindInternal {
			return failure{kind: failInternal, cause: err}
		}
		return failure{kind: failCore, core: ce}
	}
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		return failure{kind: failInternal, cause: err}
	}
	switch he.Code {
	case http.StatusRequestEntityTooLarge:
		return failure{kind: failTooLarge}
	case http.StatusNotFound:
		return failure{kind: failNotFound}
	case http.StatusMethodNotAllowed:
		return failure{kind: failMethod}
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		if he.Internal == nil {
			// Echo's own binders (should the validated body fail to bind) say only "bad request".
			return failure{kind: failParse, detail: "malformed request body"}
		}
		return classifyValidation(he.Internal)
	}
	if he.Internal != nil {
		return failure{kind: failInternal, cause: he.Internal}
	}
	return failure{kind: failInternal, cause: err}
}

// classifyValidation walks kin-openapi's error tree (MultiError > RequestError > MultiError >
// SchemaError) and collects field issues, or recognises the one non-field failure it holds.
func classifyValidation(err error) failure {
	f := failure{kind: failValidation}
	var walk func(error)
	walk = func(err error) {
		var me openapi3.MultiError
		if errors.As(err, &me) && !isSchemaError(err) {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var re *openapi3filter.RequestError
		if errors.As(err, &re) {
			switch {
			case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
				f.kind = failMediaType
				f.mediaType = re.Input.Request.Header.Get(echo.HeaderContentType)
				return
			case re.RequestBody != nil && errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
				// No body at all: like Django REST Framework, report each required field.
				for _, name := range requiredFields(re.RequestBody) {
					f.issues = append(f.issues, issue{field: name, rule: "required"})
				}
				if len(f.issues) == 0 {
					f.issues = append(f.issues, issue{rule: "required"})
				}
				return
			case re.Reason == "failed to decode request body":
				f.kind, f.detail = failParse, parseDetail(re.Err)
				return
			case re.Parameter != nil:
				f.issues = append(f.issues, issue{field: re.Parameter.Name, rule: "invalid"})
				return
			}
			if re.Err != nil {
				walk(re.Err)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			f.issues = append(f.issues, schemaIssue(se))
			return
		}
		f.issues = append(f.issues, issue{rule: "invalid"})
	}
	walk(err)
	if f.kind == failValidation && len(f.issues) == 0 {
		f.issues = append(f.issues, issue{rule: "invalid"})
	}
	return f
}

func isSchemaError(err error) bool {
	_, ok := err.(*openapi3.SchemaError)
	return ok
}

func schemaIssue(se *openapi3.SchemaError) issue {
	path := se.JSONPointer()
	is := issue{rule: se.SchemaField, schema: se.Schema}
	if m := propertyReason.FindStringSubmatch(se.Reason); m != nil {
		// "required" and "additionalProperties" fail on the object; the field is in the reason.
		path = append(path, m[1])
		is.rule = map[string]string{"missing": "required", "unsupported": "unsupported"}[m[2]]
	}
	if len(path) > 0 {
		is.field = path[0]
	} else if is.rule == "type" || is.rule == "nullable" {
		is.rule = "object" // the body itself is not a JSON object
	}
	return is
}

func requiredFields(rb *openapi3.RequestBody) []string {
	if mt := rb.Content.Get("application/json"); mt != nil && mt.Schema != nil && mt.Schema.Value != nil {
		return mt.Schema.Value.Required
	}
	return nil
}

// parseDetail keeps JSON syntax errors (which name a position, not the input) and hides the rest.
func parseDetail(err error) string {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return syn.Error()
	}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) {
		return "unexpected JSON type"
	}
	return "malformed JSON"
}
