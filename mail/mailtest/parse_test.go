package mailtest

import (
	"encoding/base64"
	"strings"
	"testing"
)

// crlf joins lines with CRLF, as they travel over SMTP.
func crlf(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n" }

// b64 encodes s the way mail libraries do: base64 in lines of 76 characters.
func b64(s string) string {
	enc := base64.StdEncoding.EncodeToString([]byte(s))
	var lines []string
	for len(enc) > 76 {
		lines = append(lines, enc[:76])
		enc = enc[76:]
	}
	return strings.Join(append(lines, enc), "\r\n")
}

func TestParse(t *testing.T) {
	link := "https://accounts.example/reset?token=" + strings.Repeat("Zz9", 80)
	tests := []struct {
		name        string
		raw         string
		wantSubject string
		wantText    string
	}{
		{
			name:        "no MIME headers",
			raw:         crlf("Subject: Hi", "Message-ID: <1@accountd>", "", "Hello", "World", ""),
			wantSubject: "Hi",
			wantText:    "Hello\nWorld",
		},
		{
			name:        "8bit UTF-8",
			raw:         crlf("Subject: Hi", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", "Grüße"),
			wantSubject: "Hi",
			wantText:    "Grüße",
		},
		{
			name: "quoted-printable with soft breaks",
			raw: crlf("Subject: Hi", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: Quoted-Printable", "",
				"https://a.example/?t=3Dabc=", "def", "Gr=C3=BC=C3=9Fe=20", "end"),
			wantSubject: "Hi",
			wantText:    "https://a.example/?t=abcdef\nGrüße \nend",
		},
		{
			name:        "base64",
			raw:         crlf("Subject: Hi", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "", b64("Hallo Zoë,\r\n"+link+"\r\n")),
			wantSubject: "Hi",
			wantText:    "Hallo Zoë,\n" + link,
		},
		{
			name:        "ISO-8859-1 body",
			raw:         crlf("Subject: Hi", "Content-Type: text/plain; charset=ISO-8859-1", "", "caf\xe9"),
			wantSubject: "Hi",
			wantText:    "café",
		},
		{
			name:        "RFC 2047 subject in Q, B and Latin-1",
			raw:         crlf("Subject: =?UTF-8?q?Best=C3=A4tige?= =?UTF-8?B?IOKciQ==?=", " =?ISO-8859-1?Q?_caf=E9?= now", "", "x"),
			wantSubject: "Bestätige ✉ café now",
			wantText:    "x",
		},
		{
			name: "multipart/alternative takes text/plain",
			raw: crlf("Subject: Hi", "MIME-Version: 1.0", `Content-Type: multipart/alternative; boundary="b1"`, "",
				"--b1", "Content-Type: text/html; charset=UTF-8", "", "<p>HTML</p>",
				"--b1", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: quoted-printable", "", "Plain =E2=9C=93",
				"--b1--"),
			wantSubject: "Hi",
			wantText:    "Plain ✓",
		},
		{
			name: "nested multipart skips attachments",
			raw: crlf("Subject: Hi", `Content-Type: multipart/mixed; boundary="outer"`, "",
				"--outer", "Content-Type: text/plain", "Content-Disposition: attachment; filename=a.txt", "", "attached",
				"--outer", `Content-Type: multipart/alternative; boundary="inner"`, "",
				"--inner", "Content-Type: text/plain; charset=UTF-8", "Content-Transfer-Encoding: base64", "", b64("inner plain"),
				"--inner", "Content-Type: text/html", "", "<b>x</b>",
				"--inner--",
				"--outer--"),
			wantSubject: "Hi",
			wantText:    "inner plain",
		},
		{
			name: "HTML only has no text",
			raw: crlf("Subject: Hi", `Content-Type: multipart/alternative; boundary=b`, "",
				"--b", "Content-Type: text/html", "", "<p>x</p>", "--b--"),
			wantSubject: "Hi",
			wantText:    "",
		},
		{
			name:        "trailing line breaks removed, inner blank lines kept",
			raw:         crlf("Subject: Hi", "", "a", "", "b", "", "", ""),
			wantSubject: "Hi",
			wantText:    "a\n\nb",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parse([]byte(tt.raw))
			if err != nil {
				t.Fatalf("parse: %v", err)
			}
			if got.Subject != tt.wantSubject {
				t.Errorf("Subject = %q, want %q", got.Subject, tt.wantSubject)
			}
			if got.Text != tt.wantText {
				t.Errorf("Text = %q, want %q", got.Text, tt.wantText)
			}
			if string(got.Raw) != tt.raw {
				t.Errorf("Raw differs from the input")
			}
		})
	}
}

func TestParseMessageID(t *testing.T) {
	got, err := parse([]byte(crlf("Message-ID:  <42@accountd> ", "", "x")))
	if err != nil {
		t.Fatal(err)
	}
	if got.MessageID != "<42@accountd>" {
		t.Errorf("MessageID = %q, want <42@accountd>", got.MessageID)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		wantErr string
	}{
		{"unknown transfer encoding", crlf("Content-Transfer-Encoding: x-uuencode", "", "x"), "unsupported Content-Transfer-Encoding"},
		{"unknown charset", crlf("Content-Type: text/plain; charset=koi8-r", "", "x"), "unsupported charset"},
		{"invalid UTF-8", crlf("Content-Type: text/plain; charset=utf-8", "", "caf\xe9"), "not valid"},
		{"broken base64", crlf("Content-Transfer-Encoding: base64", "", "!!!!"), "decode base64"},
		{"bad content type", crlf("Content-Type: text/", "", "x"), "content type"},
		{"multipart without boundary", crlf("Content-Type: multipart/alternative", "", "x"), "without boundary"},
		{"unknown subject charset", crlf("Subject: =?KOI8-R?Q?x?=", "", "x"), "subject"},
		{"bad header", "no colon here\r\n\r\nx", "header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse([]byte(tt.raw))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("parse error = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}
