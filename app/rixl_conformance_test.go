package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/mail/mailtest"
	"go.yaml.in/yaml/v3"
)

// A client generated from Rixl's own OpenAPI description, as a Rixl user would generate it,
// drives every Rixl flow against a live server on both databases: register, verify (first
// tokens), login, refresh (rotation and reuse), change email + verify, add email + verify,
// email status, resend, password reset + confirm, current user, userinfo, leave (POST and
// DELETE), logout. The client is generated here, with the project's oapi-codegen, into a
// temporary module that is built once per test run (testdata/rixlconformance is the program
// that uses it). Every answer must decode, strictly, into the generated types, and every
// exchange goes through accountd's own contract check against openapi.yaml.
func TestRixlConformance(t *testing.T) {
	driver := buildRixlDriver(t)
	forEachBackend(t, func(t *testing.T, dsn string) {
		e := newEnv(t, dsn)
		org, err := e.app.Core.CreateOrganization(ctx, "Conformance")
		if err != nil {
			t.Fatal(err)
		}
		members := []string{"member1@example.com", "member2@example.com"}
		for _, m := range members {
			if _, err := e.app.Core.CreateUser(ctx, account.CreateUserInput{Email: m, Password: goodPassword, Verified: true,
				OrgID: org.ID, Role: "member"}); err != nil {
				t.Fatal(err)
			}
		}
		helper := httptest.NewServer(rixlDriverHelper(e))
		t.Cleanup(helper.Close)
		// The driver talks to the server through the contract check.
		target, err := url.Parse(e.baseURL)
		if err != nil {
			t.Fatal(err)
		}
		proxy := httputil.NewSingleHostReverseProxy(target)
		proxy.Transport = e.http.Transport
		checked := httptest.NewServer(proxy)
		t.Cleanup(checked.Close)

		run, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(run, driver)
		cmd.Env = append(os.Environ(), "RIXL_BASE="+checked.URL, "RIXL_HELPER="+helper.URL, "RIXL_ORG="+org.ID,
			"RIXL_MEMBERS="+strings.Join(members, ","), "RIXL_PASSWORD="+goodPassword)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("the client generated from Rixl's document: %v\n%s", err, out)
		}
		t.Logf("%s", out)
		m := regexp.MustCompile(`ok, (\d+) steps: (.*)`).FindSubmatch(out)
		if m == nil {
			t.Fatalf("the driver did not report its steps: %s", out)
		}
		done := map[string]bool{}
		for _, s := range strings.Split(strings.TrimSpace(string(m[2])), ", ") {
			done[s] = true
		}
		for _, flow := range rixlFlows {
			if !done[flow] {
				t.Errorf("the flow %q did not run", flow)
			}
		}
		if n, _ := strconv.Atoi(string(m[1])); e.contract.Checked() < n {
			t.Fatalf("%d steps, %d answers through the contract check: every step's answer must be checked", n, e.contract.Checked())
		}
	})
}

// rixlFlows are the driver's steps that the issue names: each must have run.
var rixlFlows = []string{"register", "verify (first tokens)", "login", "refresh (rotation)", "refresh (reuse of a spent token) 401",
	"change email", "verify the email change", "add email", "verify the added email", "email status", "resend",
	"verify the resent code", "password reset", "password reset confirm", "current user", "userinfo", "leave (POST)",
	"leave (DELETE)", "logout", "the logged-out refresh token 401"}

// rixlDriverHelper answers the driver's questions about what only the test sees: the mail
// (the newest 6-digit code, the newest reset token) and the server's clock.
func rixlDriverHelper(e *env) http.Handler {
	newest := func(w http.ResponseWriter, r *http.Request, find func(text string) (string, bool)) {
		if _, err := e.app.Dispatcher.DeliverDue(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		mails := e.smtp.For(r.URL.Query().Get("to"))
		for i := len(mails) - 1; i >= 0; i-- {
			if v, ok := find(mails[i].Text); ok {
				fmt.Fprint(w, v)
				return
			}
		}
		http.Error(w, "no such mail", http.StatusNotFound)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /code", func(w http.ResponseWriter, r *http.Request) {
		newest(w, r, func(text string) (string, bool) {
			m := sixDigits.FindStringSubmatch(text)
			if m == nil {
				return "", false
			}
			return m[1], true
		})
	})
	mux.HandleFunc("GET /reset", func(w http.ResponseWriter, r *http.Request) {
		prefix := publicURL + "/auth/reset-password?token="
		newest(w, r, func(text string) (string, bool) {
			link, ok := mailtest.FindLink(text, prefix)
			return strings.TrimPrefix(link, prefix), ok
		})
	})
	mux.HandleFunc("POST /advance", func(w http.ResponseWriter, r *http.Request) {
		d, err := time.ParseDuration(r.URL.Query().Get("by"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		e.clock.Advance(d)
	})
	return mux
}

// buildRixlDriver generates the Go client (models and client) from Rixl's document with the
// project's oapi-codegen (`go tool`, the version go.mod pins) and builds testdata/rixlconformance
// with it, as a module of its own in a temporary folder; it returns the program's path.
func buildRixlDriver(t *testing.T) string {
	t.Helper()
	spec := rixlOfficialSpec(t)
	root := repoRoot(t)
	work := t.TempDir()
	src, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	// The document as it is, except that each OpenAPI 3.1 type list becomes the equivalent
	// oneOf: oapi-codegen v2.8.2 refuses `type: [integer, string]` ("unhandled Schema type").
	doc, err := typeListsAsOneOf(src)
	if err != nil {
		t.Fatalf("%s: %v", spec, err)
	}
	gen := filepath.Join(work, "rixl")
	writeFile(t, filepath.Join(work, "rixl-openapi.yaml"), doc)
	writeFile(t, filepath.Join(work, "oapi-codegen.yaml"), []byte("package: rixl\ngenerate: {models: true, client: true}\noutput: "+
		strconv.Quote(filepath.Join(gen, "rixl.gen.go"))+"\n"))
	if err := os.MkdirAll(gen, 0o755); err != nil {
		t.Fatal(err)
	}
	goCmd(t, root, "tool", "oapi-codegen", "-config", filepath.Join(work, "oapi-codegen.yaml"), filepath.Join(work, "rixl-openapi.yaml"))

	// The module: this module's requirements (so the build list, and go.sum, are this
	// module's: nothing new is downloaded), under another name and without the tools.
	mod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod = regexp.MustCompile(`(?m)^module .*$`).ReplaceAll(mod, []byte("module rixlconformance"))
	mod = regexp.MustCompile(`(?ms)^tool \(.*?^\)\n?|^tool .*\n`).ReplaceAll(mod, nil)
	writeFile(t, filepath.Join(work, "go.mod"), mod)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(work, "go.sum"), sum)
	main, err := os.ReadFile(filepath.Join(root, "app", "testdata", "rixlconformance", "main.go"))
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(work, "main.go"), main)
	bin := filepath.Join(work, "rixlconformance")
	goCmd(t, work, "build", "-o", bin, ".")
	return bin
}

// goCmd runs the go command in dir, in module mode with this module's cache, no workspace.
func goCmd(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// typeListsAsOneOf rewrites every schema `type: [a, b, ...]` as `oneOf: [{type: a}, {type: b}, ...]`
// (the same set of values, for JSON types that do not overlap), moving a sibling `format` into
// the branches it applies to (int32/int64 to integer, float/double to number, others to string).
func typeListsAsOneOf(src []byte) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		return nil, err
	}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.MappingNode {
			rewriteTypeList(n)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(&root)
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	return out.Bytes(), enc.Close()
}

func rewriteTypeList(m *yaml.Node) {
	typeAt, formatAt := -1, -1
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch m.Content[i].Value {
		case "type":
			if m.Content[i+1].Kind == yaml.SequenceNode {
				typeAt = i
			}
		case "format":
			formatAt = i
		}
	}
	if typeAt < 0 {
		return
	}
	format := ""
	if formatAt >= 0 {
		format = m.Content[formatAt+1].Value
	}
	formatOf := map[string]string{"int32": "integer", "int64": "integer", "float": "number", "double": "number"}
	oneOf := &yaml.Node{Kind: yaml.SequenceNode}
	for _, ty := range m.Content[typeAt+1].Content {
		branch := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{scalar("type"), scalar(ty.Value)}}
		if format != "" && (formatOf[format] == ty.Value || formatOf[format] == "" && ty.Value == "string") {
			branch.Content = append(branch.Content, scalar("format"), scalar(format))
		}
		oneOf.Content = append(oneOf.Content, branch)
	}
	var content []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch i {
		case typeAt:
			content = append(content, scalar("oneOf"), oneOf)
		case formatAt:
		default:
			content = append(content, m.Content[i], m.Content[i+1])
		}
	}
	m.Content = content
}

func scalar(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: v} }

// The rewrite keeps everything else and turns the type list of expires_in into a oneOf.
func TestTypeListsAsOneOf(t *testing.T) {
	out, err := typeListsAsOneOf([]byte("a:\n  type:\n  - integer\n  - string\n  title: expires_in\n  format: int64\nb:\n  type: string\n  format: byte\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "a:\n  oneOf:\n    - type: integer\n      format: int64\n    - type: string\n  title: expires_in\nb:\n  type: string\n  format: byte\n"
	if string(out) != want {
		t.Fatalf("got\n%s\nwant\n%s", out, want)
	}
}
