package templates

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func newRenderer(t *testing.T, cfg Config) *Renderer {
	t.Helper()
	if cfg.From == "" {
		cfg.From = "accountd <no-reply@accountd.test>"
	}
	r, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

// A text added in one language and not in the other fails here, not in a user's inbox.
func TestLocalesHaveTheSameKeys(t *testing.T) {
	want, err := messageIDs(mustEmbedded("locales/en.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages[1:] {
		got, err := messageIDs(mustEmbedded("locales/" + lang + ".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s.yaml ids differ from en.yaml:\n only in en: %v\n only in %s: %v", lang, minus(want, got), lang, minus(got, want))
		}
	}
	// Every vendor has every kind's subject and body, in English (and so, above, in every language).
	for _, v := range Vendors() {
		for _, k := range Kinds() {
			for _, part := range []string{"subject", "body"} {
				if !contains(want, v+"."+k+"."+part) {
					t.Errorf("no text %s.%s.%s", v, k, part)
				}
			}
		}
	}
}

func minus(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

func TestRenderLanguagesAndFallback(t *testing.T) {
	r := newRenderer(t, Config{})
	cases := []struct {
		locale, wantSubject, wantLang string
	}{
		{"", "Activate your Webshare account", "en"},
		{"en-US", "Activate your Webshare account", "en"},
		{"de", "Aktivieren Sie Ihr Webshare-Konto", "de"},
		{"de-AT", "Aktivieren Sie Ihr Webshare-Konto", "de"},
		{"fr-CH, de-AT;q=0.8, en;q=0.5", "Aktivieren Sie Ihr Webshare-Konto", "de"},
		{"fr", "Activate your Webshare account", "en"},
		{"not a language tag!", "Activate your Webshare account", "en"},
	}
	for _, c := range cases {
		t.Run(c.locale, func(t *testing.T) {
			m, err := r.Render(Data{Kind: "activation", Vendor: "webshare", Locale: c.locale, Email: "a@example.com",
				Link: "https://dashboard.example/activation/TOKEN/confirm/", TTL: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != c.wantSubject {
				t.Errorf("subject %q, want %q", m.Subject, c.wantSubject)
			}
			if !strings.Contains(m.HTML, `<html lang="`+c.wantLang+`">`) {
				t.Errorf("html lang is not %q:\n%s", c.wantLang, m.HTML[:200])
			}
		})
	}
}

// Every kind, vendor and language renders both parts with what the kind must carry, and no
// notice carries a code or link.
func TestRenderEveryKind(t *testing.T) {
	r := newRenderer(t, Config{FromByVendor: map[string]string{"rixl": "Rixl <noreply@rixl.test>"}})
	for _, vendor := range Vendors() {
		for _, lang := range Languages {
			for _, kind := range Kinds() {
				d := Data{Kind: kind, Vendor: vendor, Locale: lang, Email: "old@example.com", NewEmail: "new@example.com", TTL: 90 * time.Minute}
				if isCodeKind(kind) {
					d.Code = "C0DE-4711"
				}
				m, err := r.Render(d)
				if err != nil {
					t.Fatalf("%s/%s/%s: %v", vendor, lang, kind, err)
				}
				name := vendor + "/" + lang + "/" + kind
				if m.Subject == "" || strings.Contains(m.Subject, "\n") {
					t.Errorf("%s: subject %q", name, m.Subject)
				}
				for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
					if !strings.Contains(body, "old@example.com") {
						t.Errorf("%s %s part does not name the address:\n%s", name, part, body)
					}
					if isCodeKind(kind) != strings.Contains(body, "C0DE-4711") {
						t.Errorf("%s %s part: code shown %v, want %v", name, part, !isCodeKind(kind), isCodeKind(kind))
					}
					if isCodeKind(kind) && !strings.Contains(body, map[string]string{"en": "90 minutes", "de": "90 Minuten"}[lang]) {
						t.Errorf("%s %s part does not say how long the code lasts:\n%s", name, part, body)
					}
				}
				if strings.Contains(m.HTML, "<img") || strings.Contains(m.HTML, "src=") || strings.Contains(m.HTML, "<link") {
					t.Errorf("%s: the HTML part loads a resource", name)
				}
				if strings.Contains(m.Text, "<p") {
					t.Errorf("%s: the text part has markup", name)
				}
				wantFrom := "accountd <no-reply@accountd.test>"
				if vendor == "rixl" {
					wantFrom = "Rixl <noreply@rixl.test>"
				}
				if m.From != wantFrom {
					t.Errorf("%s: from %q, want %q", name, m.From, wantFrom)
				}
			}
		}
	}
}

func TestRenderLinkAndEscaping(t *testing.T) {
	r := newRenderer(t, Config{})
	link := "https://www.example.com/confirm?code=a&b=<c>"
	m, err := r.Render(Data{Kind: "email_change", Vendor: "payway", Email: `x"<script>@example.com`, Link: link, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(m.Text, link) || !strings.Contains(m.Text, "1 hour") {
		t.Errorf("text part lacks the link or lifetime:\n%s", m.Text)
	}
	if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "<c>") {
		t.Errorf("HTML part is not escaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, `href="https://www.example.com/confirm?code=a&amp;b=%3cc%3e"`) {
		t.Errorf("HTML part lacks the link:\n%s", m.HTML)
	}
}

func TestOverrides(t *testing.T) {
	write := func(t *testing.T, files map[string]string) string {
		dir := t.TempDir()
		for name, body := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	t.Run("a template and a text replaced", func(t *testing.T) {
		dir := write(t, map[string]string{
			"activation.txt.tmpl": "Hello {{.Email}}, your code: {{.Code}} ({{.TTL}})\n",
			"de.yaml":             "rixl:\n  activation:\n    subject: \"Willkommen bei Rixl\"\n",
		})
		r := newRenderer(t, Config{Dir: dir})
		m, err := r.Render(Data{Kind: "activation", Vendor: "rixl", Locale: "de", Email: "a@example.com", Code: "123456", TTL: 15 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(m.Text, "Hello a@example.com, your code: 123456 (15 Minuten)\n\nIhr Rixl-Team") {
			t.Errorf("text %q", m.Text)
		}
		if m.Subject != "Willkommen bei Rixl" {
			t.Errorf("subject %q", m.Subject)
		}
		// The texts the override did not name stay.
		if m, _ := r.Render(Data{Kind: "password_reset", Vendor: "rixl", Locale: "de", Email: "a@example.com", Code: "1", TTL: time.Hour}); m.Subject != "Setzen Sie Ihr Rixl-Passwort zurück" {
			t.Errorf("other subject %q", m.Subject)
		}
	})
	bad := []struct {
		name, file, body, want string
	}{
		{"does not parse", "activation.html.tmpl", "<p>{{.Email</p>", "activation.html.tmpl"},
		{"unknown field", "password_reset.txt.tmpl", "{{if .Code}}{{.Token}}{{end}}", "uses .Token"},
		{"unknown field in the layout", "layout.html.tmpl", `{{template "body" .}}{{.Recipient}}`, "uses .Recipient"},
		{"unknown text", "email_changed.txt.tmpl", `{{.T "greeting"}}`, `"accountd.email_changed.greeting"`},
		{"unknown file", "activaton.txt.tmpl", "x", "replaces no template"},
		{"unknown message id", "en.yaml", "webshare:\n  activation:\n    subjct: x\n", `unknown message id "webshare.activation.subjct"`},
		{"broken message file", "de.yaml", "webshare: [", "de.yaml"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(Config{From: "a <a@example.com>", Dir: write(t, map[string]string{c.file: c.body})})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("New: %v, want an error containing %q", err, c.want)
			}
		})
	}
	t.Run("missing directory", func(t *testing.T) {
		if _, err := New(Config{From: "a <a@example.com>", Dir: filepath.Join(t.TempDir(), "nope")}); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("bad sender", func(t *testing.T) {
		if _, err := New(Config{From: "a <a@example.com>", FromByVendor: map[string]string{"akana": "not an address"}}); err == nil || !strings.Contains(err.Error(), "akana") {
			t.Fatalf("New: %v", err)
		}
		if _, err := New(Config{From: "a <a@example.com>", FromByVendor: map[string]string{"acme": "a <a@example.com>"}}); err == nil || !strings.Contains(err.Error(), "unknown vendor") {
			t.Fatalf("New: %v", err)
		}
	})
}

// The notice to the old address after an email change carries the undo link and its lifetime
// in days; without a link it is a plain notice. A bare code names the page where it is typed.
func TestRenderUndoLinkAndCodePage(t *testing.T) {
	r := newRenderer(t, Config{})
	undo := "https://accounts.example/undo-email-change/UNDO-TOKEN/"
	cases := []struct {
		name string
		d    Data
		want []string // in both parts
		not  []string
	}{
		{"undo link, en", Data{Kind: "email_changed", Vendor: "webshare", Email: "old@example.com", NewEmail: "new@example.com", Link: undo, TTL: 7 * 24 * time.Hour},
			[]string{undo, "7 days", "undo the change"}, []string{"carries no code or link"}},
		{"undo link, de", Data{Kind: "email_changed", Vendor: "rixl", Locale: "de", Email: "old@example.com", NewEmail: "new@example.com", Link: undo, TTL: 7 * 24 * time.Hour},
			[]string{undo, "7 Tage", "rückgängig"}, nil},
		{"no undo link", Data{Kind: "email_changed", Vendor: "payway", Email: "old@example.com", NewEmail: "new@example.com"},
			[]string{"carries no code or link"}, []string{"undo"}},
		{"code page", Data{Kind: "password_reset", Vendor: "akana", Email: "a@example.com", Code: "C0DE", CodePage: "https://accounts.example/enter-code/password-reset/", TTL: time.Hour},
			[]string{"C0DE", "Enter it on this page:", "https://accounts.example/enter-code/password-reset/"}, nil},
		{"undone notice, de", Data{Kind: "email_change_undone", Vendor: "akana", Locale: "de", Email: "intruder@example.com", NewEmail: "owner@example.com"},
			[]string{"intruder@example.com", "owner@example.com", "rückgängig"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := r.Render(c.d)
			if err != nil {
				t.Fatal(err)
			}
			for part, body := range map[string]string{"text": m.Text, "html": m.HTML} {
				for _, w := range c.want {
					if !strings.Contains(body, w) {
						t.Errorf("%s part lacks %q:\n%s", part, w, body)
					}
				}
				for _, w := range c.not {
					if strings.Contains(body, w) {
						t.Errorf("%s part has %q:\n%s", part, w, body)
					}
				}
			}
		})
	}
}
