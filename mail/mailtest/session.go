package mailtest

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// backend creates one session per SMTP connection.
type backend struct{ srv *Server }

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{srv: b.srv, conn: c}, nil
}

// session collects one SMTP transaction at a time. go-smtp calls a session's
// methods from its connection's goroutine only, so it needs no locking.
type session struct {
	srv  *Server
	conn *smtp.Conn

	authUser, authPass string // survive Reset: AUTH holds for the whole connection

	from string
	to   []string
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string { return s.srv.mechs }

// Auth accepts any credentials for the advertised mechanisms and remembers
// them, so tests can check what the client sent.
func (s *session) Auth(mech string) (sasl.Server, error) {
	if !slices.Contains(s.srv.mechs, mech) {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	accept := func(user, pass string) {
		s.authUser, s.authPass = user, pass
	}
	switch mech {
	case "PLAIN":
		return sasl.NewPlainServer(func(_, user, pass string) error {
			accept(user, pass)
			return nil
		}), nil
	case "LOGIN":
		return &loginServer{accept: accept}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

// Data reads the whole message before answering, so that even a FailNext
// failure happens where a real server's would: after the client sent the data.
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := parse(raw)
	if err != nil {
		// A permanent error names the problem in the sending test's output.
		return &smtp.SMTPError{
			Code:         554,
			EnhancedCode: smtp.EnhancedCode{5, 6, 0},
			Message:      fmt.Sprintf("mailtest: cannot parse message: %v", err),
		}
	}
	msg.From, msg.To = s.from, slices.Clone(s.to)
	msg.AuthUser, msg.AuthPass = s.authUser, s.authPass
	_, msg.TLS = s.conn.TLSConnectionState()
	return s.srv.deliver(msg)
}

func (s *session) Reset() {
	s.from, s.to = "", nil
}

func (s *session) Logout() error { return nil }

// loginServer is the server side of the LOGIN mechanism (draft-murchison-
// sasl-login), which go-sasl only implements for clients. It asks for the user
// name and then the password; a user name sent as initial response skips the
// first question.
type loginServer struct {
	accept func(user, pass string)
	step   int
	user   string
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	switch l.step {
	case 0:
		l.step++
		if response == nil {
			return []byte("Username:"), false, nil
		}
		fallthrough
	case 1:
		l.step = 2
		l.user = string(response)
		return []byte("Password:"), false, nil
	case 2:
		l.step++
		l.accept(l.user, string(response))
		return nil, true, nil
	}
	return nil, false, errors.New("mailtest: unexpected LOGIN response")
}
