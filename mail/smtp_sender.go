package mail

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

// sendTimeout bounds one whole Send (connect, TLS, AUTH, DATA) when the
// caller's context has no earlier deadline, so a stuck server cannot hold an
// outbox worker forever.
const sendTimeout = 30 * time.Second

// dialFunc matches net.Dialer.DialContext; tests swap it to reach their server
// under a different host name.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// smtpSender delivers over SMTP with one connection per Send or SendAll: a batch of outbox
// mail shares one session (a new MAIL transaction per message), a lone message gets its own.
type smtpSender struct {
	cfg  smtpConfig
	from *netmail.Address
	log  *slog.Logger
	tls  *tls.Config
	dial dialFunc
}

func newSMTPSender(cfg smtpConfig, from *netmail.Address, log *slog.Logger, rootCAs *x509.CertPool) *smtpSender {
	return &smtpSender{
		cfg:  cfg,
		from: from,
		log:  log,
		tls: &tls.Config{
			ServerName: cfg.host,
			MinVersion: tls.VersionTLS12,
			RootCAs:    rootCAs,
		},
		dial: (&net.Dialer{}).DialContext,
	}
}

// Send delivers m. It returns nil as soon as the server has accepted the message data, even if
// closing the session afterwards fails: reporting such a message as undelivered would make the
// caller send it twice.
func (s *smtpSender) Send(ctx context.Context, m Message) error {
	return s.SendAll(ctx, []Message{m})[0]
}

// SendAll delivers ms (see SendEach) and returns one error per message (nil: delivered).
func (s *smtpSender) SendAll(ctx context.Context, ms []Message) []error {
	errs := make([]error, len(ms))
	for i := range errs {
		errs[i] = errors.New("mail: not attempted")
	}
	s.SendEach(ctx, ms, func(i int, err error) bool {
		errs[i] = err
		return true
	})
	return errs
}

// SendEach delivers ms over one SMTP session, each message in its own MAIL transaction, and
// reports each to done as soon as the server has answered its data. A message refused by the
// server (or invalid) does not stop the others. When the server cannot be reached, or the
// connection breaks, the message fails with ErrUnavailable and the next one tries a new
// connection once; if that fails too, every remaining message fails with it.
func (s *smtpSender) SendEach(ctx context.Context, ms []Message, done func(i int, err error) bool) {
	if len(ms) == 0 {
		return
	}
	// The whole session is bounded; a batch gets a second more per extra message.
	ctx, cancel := context.WithTimeout(ctx, sendTimeout+time.Duration(len(ms)-1)*time.Second)
	defer cancel()

	var (
		client     *gomail.Client
		conn       *smtp.Client
		connectErr error // the server could not be reached: every later message fails with it
		delivered  int
	)
	hangUp := func() {
		if conn == nil {
			return
		}
		if err := client.CloseWithSMTPClient(conn); err != nil && delivered > 0 {
			s.log.WarnContext(ctx, "mail: delivered, but the SMTP session did not end cleanly",
				"delivered", delivered, "of", len(ms), "server", s.cfg.addr(), "error", err)
		}
		conn = nil
	}
	defer hangUp()
	for i, m := range ms {
		if ctx.Err() != nil {
			return
		}
		msg, err := s.buildMsg(m)
		if err == nil && conn == nil && connectErr == nil {
			if client, conn, connectErr = s.connect(ctx); connectErr != nil {
				connectErr = fmt.Errorf("mail: connect %s: %w", s.cfg.addr(), connectErr)
			}
		}
		switch {
		case err != nil: // invalid: this message alone
		case connectErr != nil:
			err = connectErr
		default:
			if err = s.sendOne(ctx, client, conn, m, msg); err == nil {
				delivered++
			} else if errors.Is(err, ErrUnavailable) {
				conn = nil // broken: the next message dials again (ctx's end closes this one)
			}
		}
		if !done(i, err) {
			return
		}
	}
}

// sendOne sends one message over conn. A failure that is no answer of the server (the
// connection broke) is ErrUnavailable.
func (s *smtpSender) sendOne(ctx context.Context, client *gomail.Client, conn *smtp.Client, m Message, msg *gomail.Msg) error {
	sendErr := client.SendWithSMTPClient(conn, msg)
	if msg.IsDelivered() {
		s.log.DebugContext(ctx, "mail: delivered", "id", m.ID, "to", m.To, "server", s.cfg.addr())
		return nil
	}
	if e := msg.SendError(); e != nil {
		sendErr = e // e.g. the connection check failed before any message
	}
	var se *gomail.SendError
	if errors.As(sendErr, &se) && se.ErrorCode() == 0 {
		sendErr = fmt.Errorf("%w: %w", ErrUnavailable, sendErr)
	}
	return s.fail(ctx, m, "send", sendErr)
}

// connect opens an SMTP session (connect, greeting, STARTTLS, AUTH). Its failures are
// ErrUnavailable, except a client that cannot even be configured.
func (s *smtpSender) connect(ctx context.Context) (*gomail.Client, *smtp.Client, error) {
	client, err := s.newClient(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("configure SMTP client: %w", err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil { // the real cause of a "closed network connection"
			err = fmt.Errorf("%w: %w", ctxErr, err)
		}
		return nil, nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	return client, conn, nil
}

// Probe opens and closes a session: nil means mail can be delivered again.
func (s *smtpSender) Probe(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()
	client, conn, err := s.connect(ctx)
	if err != nil {
		return err
	}
	_ = client.CloseWithSMTPClient(conn)
	return nil
}

// fail wraps a delivery error with what was being done and, when the context
// ended, with the context's error, which is the real cause of the
// "use of closed network connection" the SMTP client then reports.
func (s *smtpSender) fail(ctx context.Context, m Message, step string, err error) error {
	if err == nil {
		err = errors.New("message not accepted by server")
	}
	if ctxErr := ctx.Err(); ctxErr != nil {
		err = fmt.Errorf("%w: %w", ctxErr, err)
	}
	return fmt.Errorf("mail: %s %s for message %s: %w", step, s.cfg.addr(), m.ID, err)
}

// buildMsg renders m as a go-mail message.
func (s *smtpSender) buildMsg(m Message) (*gomail.Msg, error) {
	to, err := m.validate()
	if err != nil {
		return nil, err
	}
	// Quoted-printable keeps the body 7-bit clean with lines of at most 76
	// characters, so long links survive relays that rewrap or reject long
	// lines; every client decodes it back to the exact text.
	msg := gomail.NewMsg(
		gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent(),
	)
	from := s.from
	if m.From != "" {
		from, _ = netmail.ParseAddress(m.From) // validated above
	}
	msg.FromMailAddress(from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID + "@" + messageIDDomain)
	msg.SetDate()
	// RFC 3834: tells vacation responders and the like not to answer.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	return msg, nil
}

// newClient configures a go-mail client for one Send. A fresh client per
// message is needed anyway: go-mail's Client mutates its auth state while
// dialling, so sharing one between concurrent Sends would race.
//
// The client dials through s.dial so that the connection is closed when ctx
// ends. go-mail only honours ctx while connecting and relies on per-command
// deadlines afterwards, and it abandons the connection without closing it
// when EHLO, STARTTLS or AUTH fail. Send cancels ctx when it returns, so this
// both aborts a session the caller gave up on and never leaks a connection.
func (s *smtpSender) newClient(ctx context.Context) (*gomail.Client, error) {
	dial := func(dialCtx context.Context, network, _ string) (net.Conn, error) {
		// go-mail formats host:port itself, which breaks IPv6 literals; dial
		// our own address instead.
		conn, err := s.dial(dialCtx, network, s.cfg.addr())
		if err != nil {
			return nil, err
		}
		if s.cfg.implicitTLS {
			tlsConn := tls.Client(conn, s.tls)
			if err := tlsConn.HandshakeContext(dialCtx); err != nil {
				_ = conn.Close()
				return nil, fmt.Errorf("TLS handshake: %w", err)
			}
			conn = tlsConn // must stay a *tls.Conn: that is how AUTH knows it is encrypted
		}
		context.AfterFunc(ctx, func() { _ = conn.Close() })
		return conn, nil
	}

	opts := []gomail.Option{
		gomail.WithPort(s.cfg.port),
		gomail.WithTimeout(sendTimeout),
		gomail.WithTLSConfig(s.tls),
		gomail.WithDialContextFunc(dial),
		// The connection is fresh, so NOOP proves nothing; a finished DATA ends its
		// transaction (RFC 5321 4.1.4), so the next MAIL needs no RSET (go-mail still
		// sends one after a refused message).
		gomail.WithoutNoop(),
		gomail.WithoutRset(),
	}
	if s.cfg.implicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		// Opportunistic: use STARTTLS whenever offered (and fail if the
		// certificate does not verify), but also talk to plain local relays.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if s.cfg.hasAuth {
		// PLAIN or LOGIN, whichever the server offers (other mechanisms as a
		// fallback). go-mail refuses to send these credentials over an
		// unencrypted connection to anything but localhost, so a server that
		// does not offer STARTTLS fails with an error instead of receiving the
		// password in clear text.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.cfg.user),
			gomail.WithPassword(s.cfg.pass),
		)
	}
	return gomail.NewClient(s.cfg.host, opts...)
}
