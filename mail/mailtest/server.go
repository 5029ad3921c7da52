package mailtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// TLSMode selects how a Server offers TLS.
type TLSMode int

const (
	// TLSNone is plain SMTP without STARTTLS, as a local relay in development
	// would be. Production code reaches it with its default TLS settings,
	// which is why Start uses it.
	TLSNone TLSMode = iota
	// TLSStartTLS offers STARTTLS with a self-signed certificate; clients must
	// trust [Server.RootCAs].
	TLSStartTLS
	// TLSImplicit speaks TLS from the first byte (smtps); clients must trust
	// [Server.RootCAs].
	TLSImplicit
)

// Options configure StartWith. The zero value is what Start uses.
type Options struct {
	TLS TLSMode
	// AuthMechanisms are the SASL mechanisms advertised; nil means PLAIN and
	// LOGIN. Only PLAIN and LOGIN are implemented. Any credentials are accepted.
	AuthMechanisms []string
	// BeforeAccept, when set, is called with each message before the server answers its DATA
	// (and stores it); a test blocks in it to hold a sender mid-delivery.
	BeforeAccept func(Received)
}

// Server is a running SMTP server. Its methods are safe for concurrent use.
type Server struct {
	url     string
	rootCAs *x509.CertPool
	mechs   []string
	smtp    *smtp.Server

	mu       sync.Mutex
	msgs     []Received
	next     int           // index of the first message Next has not returned
	arrived  chan struct{} // closed and replaced whenever a message is stored
	failNext int
	before   func(Received) // Options.BeforeAccept
}

// Start starts a plain SMTP server (no TLS) on 127.0.0.1 and closes it when
// the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWith is Start with options, for tests of TLS and AUTH negotiation.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{arrived: make(chan struct{}), mechs: []string{"PLAIN", "LOGIN"}, before: opts.BeforeAccept}
	if opts.AuthMechanisms != nil {
		for _, m := range opts.AuthMechanisms {
			if m != "PLAIN" && m != "LOGIN" {
				t.Fatalf("mailtest: unsupported AUTH mechanism %q", m)
			}
		}
		s.mechs = opts.AuthMechanisms
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	logs := &testLogger{t: t}
	s.smtp = newSMTPServer(s, logs)
	scheme := "smtp"
	if opts.TLS != TLSNone {
		cert, pool, err := selfSignedCert()
		if err != nil {
			ln.Close()
			t.Fatalf("mailtest: %v", err)
		}
		s.rootCAs = pool
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if opts.TLS == TLSImplicit {
			ln, scheme = tls.NewListener(ln, cfg), "smtps"
		} else {
			s.smtp.TLSConfig = cfg // go-smtp advertises STARTTLS when this is set
		}
	}
	s.url = scheme + "://" + ln.Addr().String()

	served := make(chan struct{})
	go func() {
		defer close(served)
		_ = s.smtp.Serve(ln) // returns once Close closes the listener
	}()
	t.Cleanup(func() {
		logs.stop()
		_ = s.smtp.Close() // closes the connections
		// Serve registers the listener only once it runs, so Close may have
		// missed it; closing it here as well guarantees Serve returns.
		_ = ln.Close()
		<-served
	})
	return s
}

func newSMTPServer(s *Server, logs smtp.Logger) *smtp.Server {
	srv := smtp.NewServer(backend{s})
	srv.Domain = "mailtest.localhost"
	srv.AllowInsecureAuth = true // AUTH without TLS, like a local relay
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	// Generous, but a client that hangs mid-session cannot hang the test run.
	srv.ReadTimeout = time.Minute
	srv.WriteTimeout = time.Minute
	srv.ErrorLog = logs
	return srv
}

// URL is the address in ACCOUNTD_SMTP_URL form: "smtp://127.0.0.1:PORT", or
// "smtps://..." for TLSImplicit.
func (s *Server) URL() string { return s.url }

// RootCAs holds the certificate the server presents; nil for TLSNone.
func (s *Server) RootCAs() *x509.CertPool { return s.rootCAs }

// Next returns the oldest message that Next has not returned yet, waiting
// until one arrives or ctx ends. Messages that arrived before the call count,
// so a test can trigger a send and then call Next without racing it.
func (s *Server) Next(ctx context.Context) (Received, error) {
	for {
		s.mu.Lock()
		if s.next < len(s.msgs) {
			r := s.msgs[s.next].clone()
			s.next++
			s.mu.Unlock()
			return r, nil
		}
		arrived := s.arrived
		s.mu.Unlock()

		select {
		case <-arrived:
		case <-ctx.Done():
			return Received{}, ctx.Err()
		}
	}
}

// All returns every message received so far, oldest first, regardless of Next.
func (s *Server) All() []Received {
	return s.filter(func(Received) bool { return true })
}

// For returns the messages whose envelope recipients include addr, compared
// case-insensitively, oldest first.
func (s *Server) For(addr string) []Received {
	return s.filter(func(r Received) bool {
		return slices.ContainsFunc(r.To, func(to string) bool { return strings.EqualFold(to, addr) })
	})
}

func (s *Server) filter(keep func(Received) bool) []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Received
	for _, r := range s.msgs {
		if keep(r) {
			out = append(out, r.clone())
		}
	}
	return out
}

// FailNext makes the next n DATA commands answer "451 temporary failure"
// after reading the message, so tests can exercise retry paths. The failed
// messages are not stored.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext = n
}

// errFailNext is the reply FailNext arranges.
var errFailNext = &smtp.SMTPError{
	Code:         451,
	EnhancedCode: smtp.EnhancedCode{4, 3, 0},
	Message:      "mailtest: temporary failure requested by FailNext",
}

// deliver stores r, or returns errFailNext if a failure is pending.
func (s *Server) deliver(r Received) error {
	if s.before != nil {
		s.before(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failNext > 0 {
		s.failNext--
		return errFailNext
	}
	s.msgs = append(s.msgs, r)
	close(s.arrived)
	s.arrived = make(chan struct{})
	return nil
}

// clone copies r so callers cannot change what the server stored.
func (r Received) clone() Received {
	r.To = slices.Clone(r.To)
	r.Raw = slices.Clone(r.Raw)
	h := make(mail.Header, len(r.Header))
	for k, v := range r.Header {
		h[k] = slices.Clone(v)
	}
	r.Header = h
	return r
}

// testLogger sends go-smtp's internal error log to the test log, and drops it
// once the test is over, when t.Logf would panic.
type testLogger struct {
	t       testing.TB
	mu      sync.Mutex
	stopped bool
}

func (l *testLogger) Printf(format string, v ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.stopped {
		l.t.Logf("mailtest: smtp server: "+format, v...)
	}
}

func (l *testLogger) Println(v ...any) {
	l.Printf("%s", strings.TrimSuffix(fmt.Sprintln(v...), "\n"))
}

func (l *testLogger) stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.stopped = true
}
