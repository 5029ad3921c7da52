package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/handlers/httpapi"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/labstack/echo/v4"
)

var propertyReason = regexp.MustCompile(`^property "([^"]+)" is (missing|unsupported)`)

// classify sorts an error that reached the error path (from validation, authentication, a
// handler, the body limit, the router or a recovered panic). Vendor and core errors are found
// anywhere in the chain, e.g. inside the validator's authentication error.
func classify(err error) httpapi.Failure {
	var ve httpapi.VendorError
	if errors.As(err, &ve) {
		return httpapi.Failure{Kind: httpapi.FailVendor, Err: ve}
	}
	var ce *account.Error
	if errors.As(err, &ce) {
		if ce.Kind == account.KindInternal {
			return httpapi.Failure{Kind: httpapi.FailInternal, Err: err}
		}
		return httpapi.Failure{Kind: httpapi.FailCore, Core: ce, Field: ce.Field}
	}
	if errors.Is(err, httpapi.ErrNotAcceptable) {
		return httpapi.Failure{Kind: httpapi.FailNotAcceptable}
	}
	var he *echo.HTTPError
	if !errors.As(err, &he) {
		return httpapi.Failure{Kind: httpapi.FailInternal, Err: err}
	}
	switch he.Code {
	case http.StatusRequestEntityTooLarge:
		return httpapi.Failure{Kind: httpapi.FailTooLarge}
	case http.StatusNotFound:
		return httpapi.Failure{Kind: httpapi.FailNotFound}
	case http.StatusMethodNotAllowed:
		return httpapi.Failure{Kind: httpapi.FailMethod}
	case http.StatusNotAcceptable:
		return httpapi.Failure{Kind: httpapi.FailNotAcceptable}
	case http.StatusBadRequest, http.StatusUnsupportedMediaType:
		if he.Internal == nil {
			// Echo's own binders (should the validated body fail to bind) say only "bad request".
			return httpapi.Failure{Kind: httpapi.FailParse, Detail: "malformed request body"}
		}
		return classifyValidation(he.Internal)
	}
	if he.Internal != nil {
		return httpapi.Failure{Kind: httpapi.FailInternal, Err: he.Internal}
	}
	return httpapi.Failure{Kind: httpapi.FailInternal, Err: err}
}

// classifyValidation walks kin-openapi's error tree (MultiError > RequestError > MultiError >
// SchemaError) and collects field issues, or recognises the one non-field failure it holds.
func classifyValidation(err error) httpapi.Failure {
	f := httpapi.Failure{Kind: httpapi.FailValidation}
	var walk func(error)
	walk = func(err error) {
		// Only a MultiError itself is a list: errors.As would also unwrap a RequestError that
		// holds one, and lose the parameter it is about.
		if me, ok := err.(openapi3.MultiError); ok {
			for _, e := range me {
				walk(e)
			}
			return
		}
		var re *openapi3filter.RequestError
		if errors.As(err, &re) {
			switch {
			case strings.HasPrefix(re.Reason, "header Content-Type has unexpected value"):
				f.Kind = httpapi.FailMediaType
				f.MediaType = re.Input.Request.Header.Get(echo.HeaderContentType)
				return
			case re.RequestBody != nil && errors.Is(re.Err, openapi3filter.ErrInvalidRequired):
				// No body at all: like Django REST Framework, report each required field.
				for _, name := range requiredFields(re.RequestBody) {
					f.Issues = append(f.Issues, httpapi.Issue{Field: name, Rule: "required"})
				}
				if len(f.Issues) == 0 {
					f.Issues = append(f.Issues, httpapi.Issue{Rule: "required"})
				}
				return
			case re.Reason == "failed to decode request body":
				f.Kind, f.Detail = httpapi.FailParse, parseDetail(re.Err)
				return
			case re.Parameter != nil:
				// The parameter's schema errors (format, maxLength...) name no field: name it.
				before := len(f.Issues)
				if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
					f.Issues = append(f.Issues, httpapi.Issue{Rule: "required"})
				} else if re.Err != nil {
					walk(re.Err)
				}
				if len(f.Issues) == before {
					f.Issues = append(f.Issues, httpapi.Issue{Rule: "invalid"})
				}
				for i := before; i < len(f.Issues); i++ {
					if f.Issues[i].Field == "" {
						f.Issues[i].Field = re.Parameter.Name
					}
				}
				return
			}
			if re.Err != nil {
				walk(re.Err)
			}
			return
		}
		var se *openapi3.SchemaError
		if errors.As(err, &se) {
			f.Issues = append(f.Issues, schemaIssue(se))
			return
		}
		f.Issues = append(f.Issues, httpapi.Issue{Rule: "invalid"})
	}
	walk(err)
	if f.Kind == httpapi.FailValidation && len(f.Issues) == 0 {
		f.Issues = append(f.Issues, httpapi.Issue{Rule: "invalid"})
	}
	return f
}

func schemaIssue(se *openapi3.SchemaError) httpapi.Issue {
	path := se.JSONPointer()
	is := httpapi.Issue{Rule: se.SchemaField, Schema: se.Schema}
	if m := propertyReason.FindStringSubmatch(se.Reason); m != nil {
		// "required" and "additionalProperties" fail on the object; the field is in the reason.
		path = append(path, m[1])
		is.Rule = map[string]string{"missing": "required", "unsupported": "unsupported"}[m[2]]
	}
	if len(path) > 0 {
		is.Field = path[0]
	} else if is.Rule == "type" || is.Rule == "nullable" {
		is.Rule = "object" // the body itself is not a JSON object
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
