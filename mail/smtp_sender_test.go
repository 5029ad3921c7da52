package mail

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/accountd/accountd/mail/mailtest"
)

const testFrom = "accountd <no-reply@localhost>"

// newTestSender builds a sender for srv that trusts srv's certificate.
func newTestSender(t *testing.T, smtpURL string, srv *mailtest.Server) *smtpSender {
	t.Helper()
	s, err := newSender(smtpURL, testFrom, discardLogger(), srv.RootCAs())
	if err != nil {
		t.Fatalf("newSender(%q): %v", smtpURL, err)
	}
	return s.(*smtpSender)
}

// next returns the next message srv received; the test's own deadline (go
// test -timeout) bounds the wait, so no timer is needed here.
func next(t *testing.T, srv *mailtest.Server) mailtest.Received {
	t.Helper()
	got, err := srv.Next(t.Context())
	if err != nil {
		t.Fatalf("Next: %v", err)
	}
	return got
}

func TestSMTPRoundTrip(t *testing.T) {
	longURL := "https://accounts.example/activate?token=" + strings.Repeat("Ab0-_", 52)[:260]
	if len(longURL) != 300 {
		t.Fatalf("long URL has %d characters, want 300", len(longURL))
	}
	tests := []struct {
		name   string
		msg    Message
		wantTo string // envelope recipient
	}{
		{
			name:   "ascii",
			msg:    Message{ID: "1", To: "ada@example.com", Subject: "Activate your account", Text: "Hello Ada,\n\nwelcome."},
			wantTo: "ada@example.com",
		},
		{
			name:   "300 character URL",
			msg:    Message{ID: "2", To: "ada@example.com", Subject: "Reset your password", Text: "Reset here:\n" + longURL + "\n\nIgnore this mail if it was not you."},
			wantTo: "ada@example.com",
		},
		{
			name:   "URL alone",
			msg:    Message{ID: "3", To: "ada@example.com", Subject: "Link", Text: longURL},
			wantTo: "ada@example.com",
		},
		{
			name:   "non-ASCII subject and text",
			msg:    Message{ID: "4", To: "Zoë Ünal <zoe@example.com>", Subject: "Bestätige deine E-Mail-Adresse ✉ — 确认", Text: "Grüße, Zoë!\nСпасибо. 🎉"},
			wantTo: "zoe@example.com",
		},
		{
			name:   "long ASCII subject is folded and unfolded",
			msg:    Message{ID: "5", To: "ada@example.com", Subject: strings.Repeat("Your email address was changed ", 4) + "end", Text: "x"},
			wantTo: "ada@example.com",
		},
		{
			name:   "dot lines, trailing blanks and equals signs",
			msg:    Message{ID: "6", To: "ada@example.com", Subject: "a=b ?= =?", Text: ".\n..leading dots\ntrailing blanks   \n=3D stays literal\n\ttab"},
			wantTo: "ada@example.com",
		},
		{
			name:   "uuid id",
			msg:    Message{ID: "0190f5a2-7c1e-7b7e-9a57-3f0c2d9e8a11", To: "ADA@Example.com", Subject: "Case", Text: "kept"},
			wantTo: "ADA@Example.com",
		},
	}

	srv := mailtest.Start(t)
	s := newTestSender(t, srv.URL(), srv)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := s.Send(t.Context(), tt.msg); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := next(t, srv)
			if got.From != "no-reply@localhost" {
				t.Errorf("envelope From = %q, want no-reply@localhost", got.From)
			}
			if !slices.Equal(got.To, []string{tt.wantTo}) {
				t.Errorf("envelope To = %q, want [%q]", got.To, tt.wantTo)
			}
			if got.Subject != tt.msg.Subject {
				t.Errorf("Subject = %q, want %q", got.Subject, tt.msg.Subject)
			}
			if got.Text != tt.msg.Text {
				t.Errorf("Text = %q, want %q", got.Text, tt.msg.Text)
			}
			if want := "<" + tt.msg.ID + "@accountd>"; got.MessageID != want {
				t.Errorf("MessageID = %q, want %q", got.MessageID, want)
			}
			if got.AuthUser != "" || got.TLS {
				t.Errorf("AUTH as %q, TLS %v; want neither for a plain URL", got.AuthUser, got.TLS)
			}
			if h := got.Header.Get("Auto-Submitted"); h != "auto-generated" {
				t.Errorf("Auto-Submitted = %q, want auto-generated", h)
			}
			if to, err := got.Header.AddressList("To"); err != nil || len(to) != 1 || !strings.EqualFold(to[0].Address, tt.wantTo) {
				t.Errorf("To header = %v (%v), want %s", to, err, tt.wantTo)
			}
			if from, err := got.Header.AddressList("From"); err != nil || len(from) != 1 || from[0].String() != `"accountd" <no-reply@localhost>` {
				t.Errorf("From header = %v (%v), want %s", from, err, testFrom)
			}
			// 7-bit, short lines: nothing on the way has a reason to rewrap the body.
			for i, line := range strings.Split(string(got.Raw), "\r\n") {
				if len(line) > 78 {
					t.Errorf("raw line %d has %d characters, want <= 78: %q", i, len(line), line)
				}
				if strings.ContainsFunc(line, func(r rune) bool { return r > 126 }) {
					t.Errorf("raw line %d is not 7-bit: %q", i, line)
				}
			}
		})
	}
}

func TestSMTPAuth(t *testing.T) {
	user, pass := "me@example.com", "p@ss:w/rd %é"
	tests := []struct {
		name  string
		mechs []string
	}{
		{"PLAIN and LOGIN offered", nil},
		{"only PLAIN", []string{"PLAIN"}},
		{"only LOGIN", []string{"LOGIN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.StartWith(t, mailtest.Options{AuthMechanisms: tt.mechs})
			u, _ := url.Parse(srv.URL())
			u.User = url.UserPassword(user, pass) // percent-encodes the reserved characters
			s := newTestSender(t, u.String(), srv)

			if err := s.Send(t.Context(), Message{ID: "1", To: "ada@example.com", Subject: "s", Text: "t"}); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := next(t, srv)
			if got.AuthUser != user || got.AuthPass != pass {
				t.Errorf("AUTH as %q/%q, want %q/%q", got.AuthUser, got.AuthPass, user, pass)
			}
		})
	}
}

func TestSMTPTLS(t *testing.T) {
	tests := []struct {
		name    string
		mode    mailtest.TLSMode
		trusted bool
		wantErr bool
	}{
		{"STARTTLS", mailtest.TLSStartTLS, true, false},
		{"implicit TLS", mailtest.TLSImplicit, true, false},
		{"STARTTLS with untrusted certificate", mailtest.TLSStartTLS, false, true},
		{"implicit TLS with untrusted certificate", mailtest.TLSImplicit, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := mailtest.StartWith(t, mailtest.Options{TLS: tt.mode})
			u, _ := url.Parse(srv.URL())
			u.User = url.UserPassword("user", "secret")
			s := newTestSender(t, u.String(), srv)
			if !tt.trusted {
				s.tls.RootCAs = nil // system roots do not know the test certificate
			}

			err := s.Send(t.Context(), Message{ID: "1", To: "ada@example.com", Subject: "s", Text: "t"})
			if tt.wantErr {
				if err == nil || !strings.Contains(err.Error(), "certificate") {
					t.Errorf("Send error = %v, want a certificate error", err)
				}
				if n := len(srv.All()); n != 0 {
					t.Errorf("server received %d messages, want none", n)
				}
				return
			}
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got := next(t, srv); !got.TLS || got.AuthUser != "user" {
				t.Errorf("TLS = %v, AUTH user %q; want TLS and AUTH", got.TLS, got.AuthUser)
			}
		})
	}
}

// A plain-text connection to anything but localhost must not carry the
// password: go-mail refuses PLAIN and LOGIN there, and Send fails instead.
func TestSMTPNoCleartextPasswordToRemoteHost(t *testing.T) {
	srv := mailtest.Start(t)
	srvAddr := strings.TrimPrefix(srv.URL(), "smtp://")
	s := newTestSender(t, "smtp://user:secret@mail.example.test:2525", srv)
	s.dial = func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, srvAddr)
	}

	err := s.Send(t.Context(), Message{ID: "1", To: "ada@example.com", Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "unencrypted") {
		t.Errorf("Send error = %v, want an unencrypted-connection error", err)
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("error %q reveals the password", err)
	}
	if n := len(srv.All()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}

func TestSMTPTemporaryFailureThenRetry(t *testing.T) {
	srv := mailtest.Start(t)
	s := newTestSender(t, srv.URL(), srv)
	m := Message{ID: "row-9", To: "ada@example.com", Subject: "Retry me", Text: "again"}

	srv.FailNext(1)
	err := s.Send(t.Context(), m)
	if err == nil || !strings.Contains(err.Error(), "451") {
		t.Fatalf("first Send error = %v, want the server's 451", err)
	}
	if errors.Is(err, ErrInvalidMessage) {
		t.Errorf("temporary failure reported as ErrInvalidMessage: %v", err)
	}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatalf("retry Send: %v", err)
	}
	all := srv.All()
	if len(all) != 1 || all[0].MessageID != "<row-9@accountd>" || all[0].Text != m.Text {
		t.Errorf("server has %+v, want exactly the retried message", all)
	}
}

func TestSMTPInvalidMessageIsNotSent(t *testing.T) {
	srv := mailtest.Start(t)
	s := newTestSender(t, srv.URL(), srv)
	err := s.Send(t.Context(), Message{ID: "bad id", To: "ada@example.com"})
	if !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send error = %v, want ErrInvalidMessage", err)
	}
	if n := len(srv.All()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
}

func TestSMTPConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there any more

	s, err := NewSender("smtp://"+addr, testFrom, discardLogger())
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(t.Context(), Message{ID: "1", To: "ada@example.com", Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "connect "+addr) {
		t.Errorf("Send error = %v, want a connect error naming %s", err, addr)
	}
}

// A server that accepts the connection but never answers must not hold Send
// past the caller's context.
func TestSMTPCancelledWhileServerHangs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	s, err := NewSender("smtp://"+ln.Addr().String(), testFrom, discardLogger())
	if err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(t.Context())
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		accepted <- c // and never send the 220 greeting
		cancel()
	}()
	err = s.Send(ctx, Message{ID: "1", To: "ada@example.com", Subject: "s", Text: "t"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Send error = %v, want context.Canceled", err)
	}
	select {
	case c := <-accepted:
		c.Close()
	default:
	}
}

// Once the server accepted the data, Send must report success even if the
// session then breaks down; an error would make the caller send a duplicate.
func TestSMTPDeliveredDespiteFailedQuit(t *testing.T) {
	addr := scriptedServer(t, "500 QUIT went wrong")
	var logBuf bytes.Buffer
	s, err := NewSender("smtp://"+addr, testFrom, slog.New(slog.NewJSONHandler(&logBuf, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), Message{ID: "1", To: "ada@example.com", Subject: "s", Text: "t"}); err != nil {
		t.Errorf("Send: %v, want nil because the data was accepted", err)
	}
	recs := logRecords(t, &logBuf)
	if len(recs) != 1 || recs[0]["level"] != "WARN" || !strings.Contains(fmt.Sprint(recs[0]["error"]), "QUIT went wrong") {
		t.Errorf("log = %v, want one warning about the failed QUIT", recs)
	}
}

// scriptedServer accepts one SMTP session, accepts its message, and answers
// QUIT with quitReply. It is for failure modes a real server cannot be asked
// to produce.
func scriptedServer(t *testing.T, quitReply string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	done := make(chan struct{})
	t.Cleanup(func() { <-done })
	go func() {
		defer close(done)
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		r := bufio.NewReader(c)
		reply := func(s string) { _, _ = c.Write([]byte(s + "\r\n")) }
		reply("220 scripted ESMTP")
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			switch cmd := strings.ToUpper(strings.Fields(line + " x")[0]); cmd {
			case "EHLO", "HELO", "MAIL", "RCPT":
				reply("250 OK")
			case "DATA":
				reply("354 go ahead")
				for line != ".\r\n" {
					if line, err = r.ReadString('\n'); err != nil {
						return
					}
				}
				reply("250 queued")
			case "QUIT":
				reply(quitReply)
				return
			default:
				reply("502 not implemented")
			}
		}
	}()
	return ln.Addr().String()
}

// A batch shares one SMTP session: a message the server refuses, or one that is invalid, fails
// alone, and the messages after it are still delivered.
func TestSMTPSendAllFailsMessagesAlone(t *testing.T) {
	srv := mailtest.Start(t)
	s := newTestSender(t, srv.URL(), srv)
	ms := []Message{
		{ID: "b-1", To: "ada@example.com", Subject: "refused", Text: "1"},
		{ID: "bad id", To: "bob@example.com", Subject: "invalid", Text: "x"},
		{ID: "b-3", To: "cy@example.com", Subject: "three", Text: "3"},
		{ID: "b-4", To: "di@example.com", Subject: "four", Text: "4"},
	}
	srv.FailNext(1) // the first DATA of the session (b-1's) is refused
	errs := s.SendAll(t.Context(), ms)
	if len(errs) != len(ms) {
		t.Fatalf("%d errors for %d messages", len(errs), len(ms))
	}
	if errs[0] == nil || !strings.Contains(errs[0].Error(), "451") || !strings.Contains(errs[0].Error(), "b-1") {
		t.Errorf("refused message: %v, want the server's 451 for b-1", errs[0])
	}
	if !errors.Is(errs[1], ErrInvalidMessage) {
		t.Errorf("invalid message: %v, want ErrInvalidMessage", errs[1])
	}
	if errs[2] != nil || errs[3] != nil {
		t.Fatalf("messages after the refused one not delivered: %v", errs)
	}
	var got []string
	for _, r := range srv.All() {
		got = append(got, r.MessageID)
	}
	if strings.Join(got, " ") != "<b-3@accountd> <b-4@accountd>" {
		t.Errorf("server has %v, want b-3 and b-4", got)
	}
}

// A message with HTML goes out as multipart/alternative with both parts intact, from the
// message's own sender when it names one (a vendor's), and the configured one otherwise.
func TestSMTPAlternativeAndOwnSender(t *testing.T) {
	srv := mailtest.Start(t)
	s := newTestSender(t, srv.URL(), srv)
	html := `<p style="margin:0">Grüße, <a href="https://example.com/a?b=1&amp;c=2">` + strings.Repeat("x", 120) + `</a></p>`
	tests := []struct {
		name, from, wantEnvelope, wantHeader string
	}{
		{"own sender", "Rixl <noreply@rixl.example>", "noreply@rixl.example", `"Rixl" <noreply@rixl.example>`},
		{"configured sender", "", "no-reply@localhost", `"accountd" <no-reply@localhost>`},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Message{ID: fmt.Sprint(100 + i), To: "ada@example.com", Subject: "Hallo", Text: "Grüße\nhttps://example.com/a?b=1&c=2", HTML: html, From: tt.from}
			if err := s.Send(t.Context(), m); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got := next(t, srv)
			if got.Text != m.Text || got.HTML != html {
				t.Errorf("parts = %q / %q, want %q / %q", got.Text, got.HTML, m.Text, html)
			}
			if !strings.HasPrefix(got.Header.Get("Content-Type"), "multipart/alternative") {
				t.Errorf("Content-Type = %q", got.Header.Get("Content-Type"))
			}
			if from, err := got.Header.AddressList("From"); got.From != tt.wantEnvelope || err != nil || len(from) != 1 || from[0].String() != tt.wantHeader {
				t.Errorf("envelope %q, From header %v (%v); want %s, %s", got.From, from, err, tt.wantEnvelope, tt.wantHeader)
			}
		})
	}
	if err := s.Send(t.Context(), Message{ID: "9", To: "ada@example.com", Subject: "x", Text: "x", From: "not an address"}); !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("bad From: %v, want ErrInvalidMessage", err)
	}
}
