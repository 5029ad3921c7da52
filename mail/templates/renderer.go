package templates

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	netmail "net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	texttemplate "text/template"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"go.yaml.in/yaml/v3"
	"golang.org/x/text/language"
)

//go:embed files/*.tmpl locales/*.yaml
var embedded embed.FS

// Config says who mail comes from and where an operator's own templates are.
type Config struct {
	// From is the sender of every vendor without one of its own (ACCOUNTD_MAIL_FROM).
	From string
	// FromByVendor is a vendor's own sender (ACCOUNTD_MAIL_FROM_<VENDOR>), by vendor key.
	FromByVendor map[string]string
	// Dir (ACCOUNTD_MAIL_TEMPLATES) holds templates and message files that replace the built-in
	// ones of the same name; "" uses the built-in ones only.
	Dir string
}

// Mail is a rendered mail.
type Mail struct {
	From    string // "Name <address>"
	Subject string
	Text    string
	HTML    string
}

// Renderer renders mail; it is safe for concurrent use.
type Renderer struct {
	bundle *i18n.Bundle
	text   map[string]*texttemplate.Template // by kind, ready to execute "layout"
	html   map[string]*htmltemplate.Template
	from   map[string]string // by vendor key, DefaultVendor included
}

// New loads the built-in templates and texts, applies the overrides in cfg.Dir and checks the
// result by rendering every kind for every vendor and language; any error names the file.
func New(cfg Config) (*Renderer, error) {
	r := &Renderer{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{}, from: map[string]string{}}
	if err := r.senders(cfg); err != nil {
		return nil, err
	}
	files, err := sources(cfg.Dir)
	if err != nil {
		return nil, err
	}
	if r.bundle, err = loadBundle(files); err != nil {
		return nil, err
	}
	if err := r.parse(files); err != nil {
		return nil, err
	}
	if err := r.check(); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Renderer) senders(cfg Config) error {
	for _, v := range Vendors() {
		from := cfg.From
		if own := strings.TrimSpace(cfg.FromByVendor[v]); own != "" {
			from = own
		}
		if _, err := netmail.ParseAddress(from); err != nil {
			return fmt.Errorf("mail templates: sender of %s %q: %v", v, from, err)
		}
		r.from[v] = from
	}
	for v := range cfg.FromByVendor {
		if vendorKey(v) != v {
			return fmt.Errorf("mail templates: sender for unknown vendor %q (known: %s)", v, strings.Join(Vendors(), ", "))
		}
	}
	return nil
}

// source is one template or message file and where it came from (for error messages).
type source struct {
	name, origin string
	body         []byte
}

// sources returns the built-in files by name, with those of dir in their place. A file in dir
// that replaces nothing is an error: it is most likely a misspelt name that would silently not
// apply.
func sources(dir string) (map[string]source, error) {
	out := map[string]source{}
	for _, sub := range []string{"files", "locales"} {
		entries, err := fs.ReadDir(embedded, sub)
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			b, err := fs.ReadFile(embedded, sub+"/"+e.Name())
			if err != nil {
				return nil, err
			}
			out[e.Name()] = source{name: e.Name(), origin: "built-in " + sub + "/" + e.Name(), body: b}
		}
	}
	if dir == "" {
		return out, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("mail templates: ACCOUNTD_MAIL_TEMPLATES: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if _, ok := out[e.Name()]; !ok {
			return nil, fmt.Errorf("mail templates: %s replaces no template or message file (known: %s)",
				filepath.Join(dir, e.Name()), strings.Join(sortedNames(out), ", "))
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("mail templates: %w", err)
		}
		out[e.Name()] = source{name: e.Name(), origin: filepath.Join(dir, e.Name()), body: b}
	}
	return out, nil
}

func sortedNames(m map[string]source) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// loadBundle reads the message files. The built-in English file defines the ids: an override
// may reword them, not add ids that no template would look up.
func loadBundle(files map[string]source) (*i18n.Bundle, error) {
	b := i18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	known, err := messageIDs(mustEmbedded("locales/en.yaml"))
	if err != nil {
		return nil, fmt.Errorf("mail templates: built-in en.yaml: %w", err)
	}
	for _, lang := range Languages {
		src := files[lang+".yaml"]
		ids, err := messageIDs(src.body)
		if err != nil {
			return nil, fmt.Errorf("mail templates: %s: %w", src.origin, err)
		}
		for _, id := range ids {
			if !contains(known, id) {
				return nil, fmt.Errorf("mail templates: %s: unknown message id %q", src.origin, id)
			}
		}
		// The built-in texts first, so an override that rewords a few ids keeps the rest.
		if _, err := b.ParseMessageFileBytes(mustEmbedded("locales/"+lang+".yaml"), lang+".yaml"); err != nil {
			return nil, fmt.Errorf("mail templates: built-in %s.yaml: %w", lang, err)
		}
		if _, err := b.ParseMessageFileBytes(src.body, lang+".yaml"); err != nil {
			return nil, fmt.Errorf("mail templates: %s: %w", src.origin, err)
		}
	}
	return b, nil
}

func mustEmbedded(name string) []byte {
	b, err := fs.ReadFile(embedded, name)
	if err != nil {
		panic(err) // embedded at build time
	}
	return b
}

// messageIDs lists the ids of a message file.
func messageIDs(b []byte) ([]string, error) {
	msgs, err := i18n.ParseMessageFileBytes(b, "x.yaml", map[string]i18n.UnmarshalFunc{"yaml": yaml.Unmarshal})
	if err != nil {
		return nil, err
	}
	ids := make([]string, 0, len(msgs.Messages))
	for _, m := range msgs.Messages {
		ids = append(ids, m.ID)
	}
	sort.Strings(ids)
	return ids, nil
}

func contains(list []string, s string) bool {
	i := sort.SearchStrings(list, s)
	return i < len(list) && list[i] == s
}

// parse builds, per kind, the text and the HTML template: the layout with the kind's body.
func (r *Renderer) parse(files map[string]source) error {
	textLayout, err := texttemplate.New("layout").Option("missingkey=error").Parse(string(files["layout.txt.tmpl"].body))
	if err != nil {
		return fmt.Errorf("mail templates: %s: %w", files["layout.txt.tmpl"].origin, err)
	}
	htmlLayout, err := htmltemplate.New("layout").Option("missingkey=error").Parse(string(files["layout.html.tmpl"].body))
	if err != nil {
		return fmt.Errorf("mail templates: %s: %w", files["layout.html.tmpl"].origin, err)
	}
	for _, t := range textLayout.Templates() {
		if err := checkFields(files["layout.txt.tmpl"].origin, t.Tree); err != nil {
			return err
		}
	}
	for _, t := range htmlLayout.Templates() {
		if err := checkFields(files["layout.html.tmpl"].origin, t.Tree); err != nil {
			return err
		}
	}
	for _, kind := range Kinds() {
		src := files[kind+".txt.tmpl"]
		t, err := texttemplate.Must(textLayout.Clone()).New("body").Parse(string(src.body))
		if err != nil {
			return fmt.Errorf("mail templates: %s: %w", src.origin, err)
		}
		if err := checkFields(src.origin, t.Lookup("body").Tree); err != nil {
			return err
		}
		r.text[kind] = t.Lookup("layout")

		src = files[kind+".html.tmpl"]
		h, err := htmltemplate.Must(htmlLayout.Clone()).New("body").Parse(string(src.body))
		if err != nil {
			return fmt.Errorf("mail templates: %s: %w", src.origin, err)
		}
		if err := checkFields(src.origin, h.Lookup("body").Tree); err != nil {
			return err
		}
		r.html[kind] = h.Lookup("layout")
	}
	return nil
}

// check renders every kind for every vendor and language, with a link, with a bare code and
// with a bare code and its page, so that a text a template asks for and does not exist stops the start, not a mail.
func (r *Renderer) check() error {
	var errs []error
	for _, vendor := range Vendors() {
		for _, lang := range Languages {
			for _, kind := range Kinds() {
				d := Data{Kind: kind, Vendor: vendor, Locale: lang, Email: "old@example.com", NewEmail: "new@example.com",
					Code: "123456", TTL: 15 * 60e9}
				if _, err := r.Render(d); err != nil {
					errs = append(errs, err)
				}
				d.CodePage = "https://example.com/enter-code/"
				if _, err := r.Render(d); err != nil {
					errs = append(errs, err)
				}
				d.Link, d.CodePage = "https://example.com/confirm/123456", ""
				if _, err := r.Render(d); err != nil {
					errs = append(errs, err)
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Render renders one mail.
func (r *Renderer) Render(d Data) (Mail, error) {
	text, html := r.text[d.Kind], r.html[d.Kind]
	if text == nil || html == nil {
		return Mail{}, fmt.Errorf("mail templates: unknown mail kind %q", d.Kind)
	}
	vendor := vendorKey(d.Vendor)
	loc := i18n.NewLocalizer(r.bundle, d.Locale, Languages[0])
	v := view{Email: d.Email, NewEmail: d.NewEmail, Code: d.Code, Link: d.Link, CodePage: d.CodePage, kind: d.Kind, vendor: vendor, loc: loc}
	fail := func(err error) (Mail, error) {
		return Mail{}, fmt.Errorf("mail templates: %s for %s in %q: %w", d.Kind, vendor, d.Locale, err)
	}
	var err error
	if v.Vendor, err = v.V("name"); err != nil {
		return fail(err)
	}
	subject, tag, err := loc.LocalizeWithTag(&i18n.LocalizeConfig{MessageID: vendor + "." + d.Kind + ".subject", TemplateData: v})
	if err != nil {
		return fail(err)
	}
	v.Lang = tag.String()
	if isCodeKind(d.Kind) || d.TTL > 0 {
		if v.TTL, err = lifetime(loc, d.TTL); err != nil {
			return fail(err)
		}
	}
	var tb, hb bytes.Buffer
	if err := text.Execute(&tb, v); err != nil {
		return fail(err)
	}
	if err := html.Execute(&hb, v); err != nil {
		return fail(err)
	}
	return Mail{From: r.from[vendor], Subject: subject, Text: tidy(tb.String()), HTML: strings.TrimSpace(hb.String()) + "\n"}, nil
}

// tidy trims the text part and collapses runs of blank lines that template actions leave.
func tidy(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	out := make([]string, 0, len(lines))
	for i, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && i > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n"
}
