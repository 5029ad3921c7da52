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
)

// sendTimeout bounds one whole Send (connect, TLS, AUTH, DATA) when the
// caller's context has no earlier deadline, so a stuck server cannot hold an
// outbox worker forever.
const sendTimeout = 30 * time.Second

// dialFunc matches net.Dialer.DialContext; tests swap it to reach their server
// under a different host name.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// smtpSender delivers over SMTP with one connection per message. Pooling
// connections would save a handshake, but account mail is rare and a fresh
// connection per message keeps failures independent and retries simple.
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

// Send delivers m. It returns nil as soon as the server has accepted the
// message data, even if closing the session afterwards fails: reporting such
// a message as undelivered would make the caller send it twice.
func (s *smtpSender) Send(ctx context.Context, m Message) error {
	msg, err := s.buildMsg(m)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, sendTimeout)
	defer cancel()

	client, err := s.newClient(ctx)
	if err != nil {
		return fmt.Errorf("mail: configure SMTP client: %w", err)
	}
	conn, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return s.fail(ctx, m, "connect", err)
	}
	sendErr := client.SendWithSMTPClient(conn, msg)
	closeErr := client.CloseWithSMTPClient(conn)

	if !msg.IsDelivered() {
		return s.fail(ctx, m, "send", sendErr)
	}
	if err := errors.Join(sendErr, closeErr); err != nil {
		s.log.WarnContext(ctx, "mail: delivered, but the SMTP session did not end cleanly",
			"id", m.ID, "server", s.cfg.addr(), "error", err)
	}
	s.log.DebugContext(ctx, "mail: delivered", "id", m.ID, "to", m.To, "server", s.cfg.addr())
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
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(m.ID + "@" + messageIDDomain)
	msg.SetDate()
	// RFC 3834: tells vacation responders and the like not to answer.
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
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
		// One message per connection: the connection is fresh, so NOOP proves
		// nothing, and RSET after the last message is wasted round trip.
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
