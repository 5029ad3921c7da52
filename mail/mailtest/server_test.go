package mailtest

import (
	"context"
	"crypto/tls"
	"errors"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// sendRaw delivers body to srv with an independent SMTP client, so these
// tests do not depend on the mail package.
func sendRaw(t *testing.T, srv *Server, auth sasl.Client, from string, to []string, body string) error {
	t.Helper()
	u, err := url.Parse(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	var c *smtp.Client
	tlsConfig := &tls.Config{RootCAs: srv.RootCAs(), ServerName: u.Hostname()}
	switch u.Scheme {
	case "smtps":
		c, err = smtp.DialTLS(u.Host, tlsConfig)
	case "smtp":
		if srv.RootCAs() != nil { // TLSStartTLS
			c, err = smtp.DialStartTLS(u.Host, tlsConfig)
		} else {
			c, err = smtp.Dial(u.Host)
		}
	}
	if err != nil {
		t.Fatalf("dial %s: %v", srv.URL(), err)
	}
	defer c.Close()
	if auth != nil {
		if err := c.Auth(auth); err != nil {
			return err
		}
	}
	if err := c.SendMail(from, to, strings.NewReader(body)); err != nil {
		return err
	}
	return c.Quit()
}

func mustSend(t *testing.T, srv *Server, to []string, subject string) {
	t.Helper()
	if err := sendRaw(t, srv, nil, "app@example.com", to, crlf("Subject: "+subject, "", "body of "+subject)); err != nil {
		t.Fatalf("send %q: %v", subject, err)
	}
}

func subjects(rs []Received) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.Subject)
	}
	return out
}

func TestServerStoresEnvelopeAndQueue(t *testing.T) {
	srv := Start(t)
	if !strings.HasPrefix(srv.URL(), "smtp://127.0.0.1:") {
		t.Errorf("URL = %q, want smtp://127.0.0.1:PORT", srv.URL())
	}
	mustSend(t, srv, []string{"Ada@Example.com"}, "one")
	mustSend(t, srv, []string{"bob@example.com", "ada@example.com"}, "two")
	mustSend(t, srv, []string{"bob@example.com"}, "three")

	// Next hands out each message once, oldest first, including those that
	// arrived before it was called.
	for _, want := range []string{"one", "two"} {
		got, err := srv.Next(t.Context())
		if err != nil || got.Subject != want {
			t.Fatalf("Next = %q, %v; want %q", got.Subject, err, want)
		}
		if got.From != "app@example.com" || got.Text != "body of "+want {
			t.Errorf("Next = %+v, want From app@example.com and the body", got)
		}
	}
	if got, want := subjects(srv.All()), []string{"one", "two", "three"}; !slices.Equal(got, want) {
		t.Errorf("All = %q, want %q", got, want)
	}

	tests := []struct {
		addr string
		want []string
	}{
		{"ada@example.com", []string{"one", "two"}},
		{"ADA@EXAMPLE.COM", []string{"one", "two"}},
		{"bob@example.com", []string{"two", "three"}},
		{"nobody@example.com", nil},
		{"example.com", nil},
	}
	for _, tt := range tests {
		if got := subjects(srv.For(tt.addr)); !slices.Equal(got, tt.want) {
			t.Errorf("For(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}

func TestServerNextWaitsForMail(t *testing.T) {
	srv := Start(t)
	type result struct {
		r   Received
		err error
	}
	got := make(chan result, 1)
	go func() {
		r, err := srv.Next(context.Background())
		got <- result{r, err}
	}()
	mustSend(t, srv, []string{"ada@example.com"}, "late")
	if res := <-got; res.err != nil || res.r.Subject != "late" {
		t.Errorf("Next = %q, %v; want late", res.r.Subject, res.err)
	}
}

func TestServerNextStopsWithContext(t *testing.T) {
	srv := Start(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := srv.Next(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Next error = %v, want context.Canceled", err)
	}
}

func TestServerReturnsCopies(t *testing.T) {
	srv := Start(t)
	mustSend(t, srv, []string{"ada@example.com"}, "x")
	r := srv.All()[0]
	r.To[0] = "changed"
	r.Header["Subject"][0] = "changed"
	if again := srv.All()[0]; again.To[0] != "ada@example.com" || again.Header.Get("Subject") != "x" {
		t.Errorf("changing a result changed the server's copy: %+v", again)
	}
}

func TestServerFailNext(t *testing.T) {
	srv := Start(t)
	srv.FailNext(2)
	for i := range 2 {
		err := sendRaw(t, srv, nil, "app@example.com", []string{"ada@example.com"}, crlf("Subject: x", "", "x"))
		var smtpErr *smtp.SMTPError
		if !errors.As(err, &smtpErr) || smtpErr.Code != 451 {
			t.Fatalf("send %d error = %v, want 451", i, err)
		}
	}
	mustSend(t, srv, []string{"ada@example.com"}, "third")
	if got := subjects(srv.All()); !slices.Equal(got, []string{"third"}) {
		t.Errorf("All = %q, want only the third message", got)
	}
}

func TestServerRejectsUnparsableMessage(t *testing.T) {
	srv := Start(t)
	err := sendRaw(t, srv, nil, "app@example.com", []string{"ada@example.com"},
		crlf("Content-Transfer-Encoding: x-uuencode", "", "x"))
	var smtpErr *smtp.SMTPError
	if !errors.As(err, &smtpErr) || smtpErr.Code != 554 || !strings.Contains(smtpErr.Message, "Content-Transfer-Encoding") {
		t.Errorf("send error = %v, want 554 naming the problem", err)
	}
	if n := len(srv.All()); n != 0 {
		t.Errorf("stored %d messages, want none", n)
	}
}

func TestServerAuth(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		client  sasl.Client
		wantErr bool
	}{
		{"PLAIN", Options{}, sasl.NewPlainClient("", "ada", "pw:1"), false},
		{"LOGIN with initial response", Options{}, sasl.NewLoginClient("ada", "pw:1"), false},
		{"LOGIN only", Options{AuthMechanisms: []string{"LOGIN"}}, sasl.NewLoginClient("ada", "pw:1"), false},
		{"PLAIN not offered", Options{AuthMechanisms: []string{"LOGIN"}}, sasl.NewPlainClient("", "ada", "pw:1"), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := StartWith(t, tt.opts)
			err := sendRaw(t, srv, tt.client, "app@example.com", []string{"ada@example.com"}, crlf("Subject: x", "", "x"))
			if tt.wantErr {
				if err == nil {
					t.Fatal("AUTH with an unadvertised mechanism succeeded")
				}
				return
			}
			if err != nil {
				t.Fatalf("send: %v", err)
			}
			got, _ := srv.Next(t.Context())
			if got.AuthUser != "ada" || got.AuthPass != "pw:1" {
				t.Errorf("AUTH recorded as %q/%q, want ada/pw:1", got.AuthUser, got.AuthPass)
			}
		})
	}
}

func TestServerTLS(t *testing.T) {
	tests := []struct {
		name       string
		mode       TLSMode
		wantScheme string
		wantTLS    bool
	}{
		{"none", TLSNone, "smtp://", false},
		{"STARTTLS", TLSStartTLS, "smtp://", true},
		{"implicit", TLSImplicit, "smtps://", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := StartWith(t, Options{TLS: tt.mode})
			if !strings.HasPrefix(srv.URL(), tt.wantScheme) {
				t.Errorf("URL = %q, want scheme %s", srv.URL(), tt.wantScheme)
			}
			if (srv.RootCAs() != nil) != tt.wantTLS {
				t.Errorf("RootCAs = %v, want one only with TLS", srv.RootCAs())
			}
			mustSend(t, srv, []string{"ada@example.com"}, "x")
			if got, _ := srv.Next(t.Context()); got.TLS != tt.wantTLS {
				t.Errorf("Received.TLS = %v, want %v", got.TLS, tt.wantTLS)
			}
		})
	}
}
