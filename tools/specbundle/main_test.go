package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const base = `openapi: 3.0.3
info: {title: t, version: "1"}
tags:
  - name: Service
    description: the base's own tag
  - name: Webshare
  - name: Rixl
paths:
  /healthz:
    get: {operationId: getHealth, tags: [Service], responses: {'200': {description: ok}}}
components:
  schemas:
    Health: {type: object}
`

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBundle(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"base.yaml": base,
		"webshare.yaml": "tags:\n  - name: Webshare\npaths:\n  /w:\n    get: {operationId: w, tags: [Webshare]}\ncomponents:\n  schemas:\n    WebshareX: {type: string}\n  headers:\n    H: {schema: {type: string}}\n",
		"rixl.yaml":     "tags:\n  - name: Rixl\npaths:\n  /r:\n    get: {operationId: r, tags: [Rixl]}\n",
	})
	out, err := bundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	// base first, then the files in the order of base.yaml's tags list (not by file name).
	for _, order := range [][2]string{{"/healthz:", "/w:"}, {"/w:", "/r:"}, {"- name: Service", "- name: Webshare"}, {"- name: Webshare", "- name: Rixl"}, {"Health:", "WebshareX:"}} {
		if i, j := strings.Index(s, order[0]), strings.Index(s, order[1]); i < 0 || j < 0 || i > j {
			t.Errorf("%q should come before %q in\n%s", order[0], order[1], s)
		}
	}
	if !strings.Contains(s, "  headers:\n    H:") {
		t.Errorf("a components section missing from base is created:\n%s", s)
	}
	if !strings.Contains(s, "  - name: Service\n    description: the base's own tag\n  - name: Webshare\n  - name: Rixl\n") {
		t.Errorf("the placeholders should be replaced in place by the files' tags:\n%s", s)
	}
	again, _ := bundle(dir)
	if string(again) != s {
		t.Error("two runs differ")
	}
}

// A new partial document is bundled once base.yaml lists its tag: no list in the bundler.
func TestBundleTakesEveryFile(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"base.yaml":     strings.Replace(base, "  - name: Rixl\n", "  - name: Rixl\n  - name: Pages\n", 1),
		"webshare.yaml": "tags:\n  - name: Webshare\npaths:\n  /w:\n    get: {operationId: w, tags: [Webshare]}\n",
		"rixl.yaml":     "tags:\n  - name: Rixl\npaths:\n  /r:\n    get: {operationId: r, tags: [Rixl]}\n",
		"pages.yaml":    "tags:\n  - name: Pages\n    description: hosted pages\npaths:\n  /p:\n    get: {operationId: p, tags: [Pages]}\n",
		"notes.txt":     "not a spec",
	})
	out, err := bundle(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if i, j := strings.Index(s, "/r:"), strings.Index(s, "/p:"); i < 0 || j < i || !strings.Contains(s, "  - name: Pages\n    description: hosted pages\n") {
		t.Errorf("pages.yaml should follow rixl.yaml, its tag in place:\n%s", s)
	}
}

func TestBundleRefuses(t *testing.T) {
	for name, vendor := range map[string]string{
		"path defined twice":       "tags:\n  - name: Webshare\npaths:\n  /healthz:\n    get: {operationId: x}\n",
		"schema defined twice":     "tags:\n  - name: Webshare\ncomponents:\n  schemas:\n    Health: {type: string}\n",
		"tag defined twice":        "tags:\n  - name: Service\n",
		"two tags":                 "tags:\n  - name: Webshare\n  - name: Payway\n",
		"other top-level key":      "tags:\n  - name: Webshare\ninfo: {title: x}\n",
		"other section":            "tags:\n  - name: Webshare\ncomponents:\n  links: {}\n",
		"no tags":                  "paths:\n  /w:\n    get: {operationId: w}\n",
		"tag without a name":       "tags:\n  - description: x\n",
		"tag defined by two files": "tags:\n  - name: Rixl\n",
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, map[string]string{"base.yaml": base, "webshare.yaml": vendor, "rixl.yaml": "tags:\n  - name: Rixl\n"})
			if _, err := bundle(dir); err == nil || !strings.Contains(err.Error(), "webshare.yaml") {
				t.Fatalf("got %v, want an error naming webshare.yaml", err)
			}
		})
	}
}

// The messages say what to do.
func TestBundleExplains(t *testing.T) {
	for name, tc := range map[string]struct {
		files map[string]string
		want  string
	}{
		"a file whose tag base.yaml does not list": {map[string]string{"base.yaml": base, "webshare.yaml": "tags:\n  - name: Webshare\n",
			"rixl.yaml": "tags:\n  - name: Rixl\n", "pages.yaml": "tags:\n  - name: Pages\n"},
			`pages.yaml: its tag "Pages" is not in base.yaml's tags list; add ` + "`- name: Pages`" + ` there`},
		"a placeholder no file fills": {map[string]string{"base.yaml": base, "webshare.yaml": "tags:\n  - name: Webshare\n"},
			`base.yaml lists tag "Rixl", but no file under`},
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tc.files)
			if _, err := bundle(dir); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want an error containing %s", err, tc.want)
			}
		})
	}
}
