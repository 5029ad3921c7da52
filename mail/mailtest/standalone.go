package mailtest

import (
	"net"

	"github.com/emersion/go-smtp"
)

// Serve runs the same SMTP server as Start on ln, outside a test: for a process that needs a
// real mail server beside `accountd serve` (tools/smtpsink, used by `make contract`). errorLog
// receives the server's errors. It returns at once; stop stops the server.
func Serve(ln net.Listener, errorLog smtp.Logger) (s *Server, stop func() error) {
	s = &Server{arrived: make(chan struct{}), mechs: []string{"PLAIN", "LOGIN"}, url: "smtp://" + ln.Addr().String()}
	s.smtp = newSMTPServer(s, nil)
	s.smtp.ErrorLog = errorLog
	go func() { _ = s.smtp.Serve(ln) }()
	return s, func() error { _ = ln.Close(); return s.smtp.Close() }
}
