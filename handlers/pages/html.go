package pages

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/accountd/accountd/handlers/httpapi"
)

// style is the pages' only style sheet, inline and allowed by its hash: no file to fetch, and
// no other inline style (or script) runs. Colours keep a contrast of at least 4.5:1 (WCAG AA);
// focus is always visible; the layout is one column that fits a phone.
const style = `:root{color-scheme:light}
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#111827;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:32rem;margin:2rem auto;padding:1.5rem;background:#fff;border:1px solid #d1d5db;border-radius:.5rem}
@media (max-width:36rem){main{margin:0;border:0;border-radius:0;min-height:100vh}}
h1{font-size:1.5rem;line-height:1.25;margin:0 0 1rem}
p{margin:0 0 1rem}
.field{margin:0 0 1rem}
label{display:block;font-weight:600;margin:0 0 .25rem}
input{display:block;width:100%;padding:.625rem .75rem;font:inherit;color:inherit;background:#fff;border:1px solid #4b5563;border-radius:.375rem}
input[aria-invalid=true]{border-color:#b91c1c}
.hint{font-size:.875rem;color:#374151;margin:.25rem 0 0}
button{display:inline-block;min-height:2.75rem;padding:.625rem 1.25rem;font:inherit;font-weight:600;color:#fff;background:#1d4ed8;border:0;border-radius:.375rem;cursor:pointer}
button:hover{background:#1e40af}
:focus-visible{outline:3px solid #b45309;outline-offset:2px}
.error{border:1px solid #b91c1c;background:#fef2f2;color:#7f1d1d;border-radius:.375rem;padding:.75rem 1rem;margin:0 0 1rem}
.error p,.error ul{margin:0}
.error ul{padding-left:1.25rem}
.done{border-left:4px solid #15803d;padding-left:.75rem}
a{color:#1d4ed8}
footer{margin-top:1.5rem;font-size:.875rem;color:#374151}`

// CSP is the pages' Content-Security-Policy: nothing loads, nothing runs, nothing frames the
// page; the inline style is allowed by hash and forms post only to this server.
var CSP = func() string {
	sum := sha256.Sum256([]byte(style))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; img-src 'none'; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
}()

// headers are sent with every page.
func headers() map[string]string {
	return map[string]string{"Content-Security-Policy": CSP, "Referrer-Policy": "no-referrer",
		"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
}

// view is one page: a title, what it says, perhaps an error, a form and links.
type view struct {
	Title string
	// Done marks a result page (the lines are the outcome).
	Done  bool
	Lines []string
	// Error is what to correct; Problems are its details (the password rules that failed).
	Error    string
	Problems []string
	Form     *form
	Links    []link
}

type form struct {
	Token  string
	Fields []field
	Button string
}

type field struct {
	Name, Label, Type, Autocomplete, Hint string
	Value                                 string
	Invalid                               bool
}

type link struct{ URL, Text string }

var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex, nofollow">
<title>{{.Title}}</title>
<style>{{.Style}}</style>
</head>
<body>
<main>
<h1>{{.Title}}</h1>
{{- if .Error}}
<div class="error" role="alert" id="form-error">
<p>{{.Error}}</p>
{{- if .Problems}}
<ul>{{range .Problems}}<li>{{.}}</li>{{end}}</ul>
{{- end}}
</div>
{{- end}}
{{- range .Lines}}
<p{{if $.Done}} class="done"{{end}}>{{.}}</p>
{{- end}}
{{- with .Form}}
<form method="post" novalidate>
<input type="hidden" name="csrf_token" value="{{.Token}}">
{{- range .Fields}}
<div class="field">
<label for="{{.Name}}">{{.Label}}</label>
<input id="{{.Name}}" name="{{.Name}}" type="{{.Type}}" autocomplete="{{.Autocomplete}}" required{{if .Value}} value="{{.Value}}"{{end}}{{if .Invalid}} aria-invalid="true" aria-describedby="form-error"{{else if .Hint}} aria-describedby="{{.Name}}-hint"{{end}}>
{{- if .Hint}}
<p class="hint" id="{{.Name}}-hint">{{.Hint}}</p>
{{- end}}
</div>
{{- end}}
<button type="submit">{{.Button}}</button>
</form>
{{- end}}
{{- range .Links}}
<p><a href="{{.URL}}">{{.Text}}</a></p>
{{- end}}
{{- if .Form}}
<footer>You got this page from a link in a mail. If you did not expect that mail, you can close this page: nothing changes.</footer>
{{- end}}
</main>
</body>
</html>
`))

// html renders the page.
func (v view) html() []byte {
	var b bytes.Buffer
	data := struct {
		view
		Style template.CSS
	}{v, template.CSS(style)}
	if err := pageTemplate.Execute(&b, data); err != nil {
		// The template and its data are this package's own; failing here is a programming error.
		panic("pages: rendering " + v.Title + ": " + err.Error())
	}
	return b.Bytes()
}

// page is a rendered answer: its status, the form cookie to set (if any) and the HTML. It is
// the response of every Pages operation (the generated Visit methods are in visit.go).
type page struct {
	status     int
	cookie     *http.Cookie
	body       []byte
	retryAfter time.Duration // a 429's wait, sent as Retry-After
}

func (p page) write(w http.ResponseWriter) error {
	for k, v := range headers() {
		w.Header().Set(k, v)
	}
	if p.cookie != nil {
		http.SetCookie(w, p.cookie)
	}
	if p.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(httpapi.RetryAfterSeconds(p.retryAfter)))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(p.status)
	_, err := w.Write(p.body)
	return err
}
