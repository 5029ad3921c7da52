package app_test

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/accountd/accountd/testkit"
	"github.com/getkin/kin-openapi/openapi3"
)

// Rixl's own OpenAPI description, cut to the operations accountd serves, lives beside the
// repository (../shared/research/, with its source and licence): it is the vendor's, not ours,
// and it is not committed here. These tests read it where the checkout puts it.

// envRixlOfficialSpec overrides where Rixl's document is read from.
const envRixlOfficialSpec = "ACCOUNTD_RIXL_OFFICIAL_SPEC"

// rixlOfficialSpec returns the path of Rixl's document: $ACCOUNTD_RIXL_OFFICIAL_SPEC, or
// shared/research/rixl-openapi-official.yaml in the repository's parent folder (CI clones the
// repository with shared/ beside it) or in a folder above that (a worktree nested deeper). When
// it is missing the test fails in CI and is skipped elsewhere.
func rixlOfficialSpec(t testing.TB) string {
	t.Helper()
	if p := os.Getenv(envRixlOfficialSpec); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("%s=%s: %v", envRixlOfficialSpec, p, err)
		}
		return p
	}
	root := repoRoot(t)
	const rel = "shared/research/rixl-openapi-official.yaml"
	for dir := filepath.Dir(root); ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if dir == filepath.Dir(dir) {
			break
		}
	}
	msg := "Rixl's OpenAPI description is missing: expected ../" + rel + " beside the repository " + root +
		" (or set " + envRixlOfficialSpec + ")"
	if ci, _ := strconv.ParseBool(os.Getenv(testkit.EnvCI)); ci {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// repoRoot is the folder with this module's go.mod (tests run in their package's folder).
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if dir == filepath.Dir(dir) {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = filepath.Dir(dir)
	}
}

// Every operation of Rixl's document is in openapi.yaml with Rixl's path, method, success
// status, parameters and operationId (auth.v1.EmailService.Login -> rixlEmailServiceLogin),
// and every schema property and type of it is present and compatible: what a client generated
// from Rixl's document sends, accountd accepts; what accountd answers, that client decodes
// (Rixl's response schemas are closed, so accountd sends no property Rixl lacks). Schemas
// named in Rixl's document have Rixl's name with the `Rixl` prefix. The other way round, every
// Rixl operation of openapi.yaml is one of Rixl's, but for the DELETE leave of Rixl's doc page.
// So a drift of either document fails here.
func TestRixlSpecMatchesRixlDocument(t *testing.T) {
	theirs := loadOpenAPI(t, rixlOfficialSpec(t))
	ours := loadOpenAPI(t, filepath.Join(repoRoot(t), "openapi.yaml"))
	for _, p := range compareWithRixl(theirs, ours) {
		t.Error(p)
	}
}

// The comparison finds drift: each change to openapi.yaml below is reported.
func TestRixlSpecComparisonFindsDrift(t *testing.T) {
	theirs := loadOpenAPI(t, rixlOfficialSpec(t))
	schemaOf := func(doc *openapi3.T, name string) *openapi3.Schema { return doc.Components.Schemas[name].Value }
	for _, tc := range []struct {
		name  string
		drift func(ours *openapi3.T)
		want  string
	}{
		{"a property gone", func(o *openapi3.T) { delete(schemaOf(o, "RixlLoginResponse").Properties, "access_token") },
			"POST /auth/v1/login: 200: property access_token missing"},
		{"a property added to an answer", func(o *openapi3.T) {
			schemaOf(o, "RixlGetUserResponse").Properties["nickname"] = openapi3.NewStringSchema().NewRef()
		}, "GET /auth/v1/users/current: 200: property nickname is not in Rixl's document"},
		{"expires_in a number", func(o *openapi3.T) { schemaOf(o, "RixlExpiresIn").Type = &openapi3.Types{"number"} },
			"200.expires_in: type [integer string] (Rixl) and [number] (accountd): number is not accepted by the reader"},
		{"requires_action a boolean", func(o *openapi3.T) { schemaOf(o, "RixlRequiresAction").Type = &openapi3.Types{"boolean"} },
			"boolean is not accepted by the reader"},
		{"a request field the server refuses", func(o *openapi3.T) {
			delete(schemaOf(o, "RixlRegisterRequest").Properties, "subscribe_to_blog")
		}, "POST /auth/v1/register: request: property subscribe_to_blog missing"},
		{"a required field Rixl lacks", func(o *openapi3.T) {
			r := schemaOf(o, "RixlLogoutRequest")
			r.Required = append(r.Required, "session")
		}, "POST /auth/v1/logout: request: requires session"},
		{"another status", func(o *openapi3.T) {
			op := o.Paths.Value("/auth/v1/register").Post
			op.Responses.Set("201", op.Responses.Value("200"))
			op.Responses.Delete("200")
		}, "POST /auth/v1/register: no 200 answer"},
		{"another method", func(o *openapi3.T) {
			it := o.Paths.Value("/auth/v1/memberships/{org_id}/leave")
			it.Post = nil
		}, "openapi.yaml has no POST /auth/v1/memberships/{org_id}/leave"},
		{"an operation Rixl lacks", func(o *openapi3.T) {
			o.Paths.Set("/auth/v1/users/current/avatar", &openapi3.PathItem{Get: &openapi3.Operation{OperationID: "rixlAvatar", Tags: []string{"Rixl"}}})
		}, "GET /auth/v1/users/current/avatar (rixlAvatar) is not in Rixl's document"},
		{"a renamed schema", func(o *openapi3.T) {
			o.Paths.Value("/auth/v1/login").Post.RequestBody.Value.Content.Get("application/json").Schema.Ref = "#/components/schemas/RixlSignIn"
		},
			`POST /auth/v1/login: request: schema "RixlSignIn", want "RixlLoginRequest"`},
		{"an operationId", func(o *openapi3.T) { o.Paths.Value("/auth/v1/token").Post.OperationID = "rixlRefresh" },
			`POST /auth/v1/token: operationId "rixlRefresh", want "rixlTokenServiceRefreshToken"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ours := loadOpenAPI(t, filepath.Join(repoRoot(t), "openapi.yaml"))
			tc.drift(ours)
			problems := compareWithRixl(theirs, ours)
			if !slices.ContainsFunc(problems, func(p string) bool { return strings.Contains(p, tc.want) }) {
				t.Fatalf("want a problem with %q, got %q", tc.want, problems)
			}
		})
	}
}

// compareWithRixl lists every way ours (openapi.yaml) fails Rixl's document theirs.
func compareWithRixl(theirs, ours *openapi3.T) []string {
	// Ours, beyond Rixl's document, and why.
	extra := map[string]string{"DELETE /auth/v1/memberships/{org_id}/leave": "Rixl's doc page says DELETE"}
	c := &specCompare{}
	seen := map[string]bool{}
	for _, path := range theirs.Paths.InMatchingOrder() {
		item := theirs.Paths.Value(path)
		for method, op := range item.Operations() {
			name := method + " " + path
			seen[name] = true
			c.at = name
			ourItem := ours.Paths.Value(path)
			if ourItem == nil || ourItem.GetOperation(method) == nil {
				c.problems = append(c.problems, "openapi.yaml has no "+name)
				continue
			}
			our := ourItem.GetOperation(method)
			if want := rixlOperationID(op.OperationID); our.OperationID != want {
				c.errorf("operationId %q, want %q (Rixl's %s)", our.OperationID, want, op.OperationID)
			}
			if len(our.Tags) != 1 || our.Tags[0] != "Rixl" {
				c.errorf("tags %v, want [Rixl]", our.Tags)
			}
			for _, p := range append(append(openapi3.Parameters{}, item.Parameters...), op.Parameters...) {
				ourParam := findParam(p.Value.Name, p.Value.In, ourItem.Parameters, our.Parameters)
				if ourParam == nil {
					c.errorf("parameter %s in %s missing", p.Value.Name, p.Value.In)
					continue
				}
				if ourParam.Required && !p.Value.Required {
					c.errorf("parameter %s: required here, optional in Rixl's document", p.Value.Name)
				}
				c.schema(toServer, "parameter "+p.Value.Name, p.Value.Schema, ourParam.Schema)
			}
			if rb := op.RequestBody; rb != nil {
				if our.RequestBody == nil {
					c.errorf("no request body")
				} else {
					if our.RequestBody.Value.Required && !rb.Value.Required {
						c.errorf("request body required here, optional in Rixl's document")
					}
					c.schema(toServer, "request", jsonSchema(rb.Value.Content), jsonSchema(our.RequestBody.Value.Content))
				}
			}
			for status, resp := range op.Responses.Map() {
				ourResp := our.Responses.Value(status)
				if ourResp == nil {
					c.errorf("no %s answer", status)
					continue
				}
				c.schema(toClient, status, jsonSchema(resp.Value.Content), jsonSchema(ourResp.Value.Content))
			}
		}
	}
	for _, path := range ours.Paths.InMatchingOrder() {
		for method, op := range ours.Paths.Value(path).Operations() {
			if len(op.Tags) == 1 && op.Tags[0] == "Rixl" && !seen[method+" "+path] && extra[method+" "+path] == "" {
				c.problems = append(c.problems, fmt.Sprintf("%s %s (%s) is not in Rixl's document", method, path, op.OperationID))
			}
		}
	}
	return c.problems
}

// rixlOperationID is the operationId accountd gives Rixl's operation id.
func rixlOperationID(id string) string {
	return "rixl" + strings.ReplaceAll(strings.TrimPrefix(id, "auth.v1."), ".", "")
}

// rixlSchemaName is accountd's name of one of Rixl's schemas.
func rixlSchemaName(name string) string {
	for _, pkg := range []string{"auth.v1.", "google.protobuf."} {
		if strings.HasPrefix(name, pkg) {
			return "Rixl" + strings.TrimPrefix(name, pkg)
		}
	}
	return "Rixl" + name
}

func loadOpenAPI(t *testing.T, path string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// findParam finds a parameter by name and place in the path's and the operation's lists.
func findParam(name, in string, lists ...openapi3.Parameters) *openapi3.Parameter {
	for _, l := range lists {
		for _, p := range l {
			if p.Value != nil && p.Value.Name == name && p.Value.In == in {
				return p.Value
			}
		}
	}
	return nil
}

func jsonSchema(c openapi3.Content) *openapi3.SchemaRef {
	if mt := c.Get("application/json"); mt != nil {
		return mt.Schema
	}
	return nil
}

// direction says who writes a value: a client generated from Rixl's document (toServer:
// accountd must accept all it may send) or accountd (toClient: that client must accept all
// accountd may send).
type direction int

const (
	toServer direction = iota
	toClient
)

// specCompare collects problems; at names the operation being compared.
type specCompare struct {
	at       string
	problems []string
}

func (c *specCompare) errorf(format string, a ...any) {
	c.problems = append(c.problems, c.at+": "+fmt.Sprintf(format, a...))
}

// schema compares Rixl's schema theirs with accountd's ours at where.
func (c *specCompare) schema(dir direction, where string, theirs, ours *openapi3.SchemaRef) {
	if theirs == nil {
		return
	}
	if ours == nil || ours.Value == nil {
		c.errorf("%s: no schema", where)
		return
	}
	if theirs.Ref != "" {
		want := rixlSchemaName(filepath.Base(theirs.Ref))
		if got := filepath.Base(ours.Ref); got != want {
			c.errorf("%s: schema %q, want %q (Rixl's %s)", where, got, want, filepath.Base(theirs.Ref))
		}
	}
	tv, ov := theirs.Value, ours.Value
	tt, ot := types(tv), types(ov)
	// The writer's types must all be the reader's.
	writer, reader := tt, ot
	if dir == toClient {
		writer, reader = ot, tt
	}
	for _, ty := range writer {
		if !slices.Contains(reader, ty) {
			c.errorf("%s: type %v (Rixl) and %v (accountd): %s is not accepted by the reader", where, tt, ot, ty)
		}
	}
	if tv.Format != "" && ov.Format != "" && tv.Format != ov.Format {
		c.errorf("%s: format %q (Rixl), %q (accountd)", where, tv.Format, ov.Format)
	}
	if len(tv.Enum) > 0 {
		if dir == toServer {
			for _, v := range tv.Enum {
				if len(ov.Enum) > 0 && !slices.Contains(ov.Enum, v) {
					c.errorf("%s: Rixl's value %v is refused", where, v)
				}
			}
		} else if len(ov.Enum) == 0 {
			c.errorf("%s: Rixl allows only %v, accountd declares any value", where, tv.Enum)
		} else {
			for _, v := range ov.Enum {
				if !slices.Contains(tv.Enum, v) {
					c.errorf("%s: accountd may send %v, not one of Rixl's %v", where, v, tv.Enum)
				}
			}
		}
	}
	if tv.Items != nil || ov.Items != nil {
		c.schema(dir, where+"[]", tv.Items, ov.Items)
	}
	if !slices.Contains(tt, "object") {
		return
	}
	for name, p := range tv.Properties {
		op, ok := ov.Properties[name]
		if !ok {
			c.errorf("%s: property %s missing", where, name)
			continue
		}
		c.schema(dir, where+"."+name, p, op)
	}
	switch dir {
	case toServer: // accountd may require only what Rixl's clients can send
		for _, name := range ov.Required {
			if _, ok := tv.Properties[name]; !ok {
				c.errorf("%s: requires %s, which Rixl's document does not have", where, name)
			}
		}
	case toClient: // Rixl's response schemas are closed: accountd sends nothing else
		for name := range ov.Properties {
			if _, ok := tv.Properties[name]; !ok {
				c.errorf("%s: property %s is not in Rixl's document", where, name)
			}
		}
		if ap := ov.AdditionalProperties.Has; ap == nil || *ap {
			c.errorf("%s: accountd's answer must be closed (additionalProperties: false), as Rixl's", where)
		}
	}
}

func types(s *openapi3.Schema) []string {
	if s.Type == nil {
		return nil
	}
	return s.Type.Slice()
}
