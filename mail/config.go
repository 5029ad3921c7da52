package mail

import (
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"net/url"
	"strconv"
	"strings"
)

// Default ports per scheme: 25 is the SMTP port that needs no configuration
// on a local relay; 465 is the implicit-TLS submission port (RFC 8314).
const (
	defaultSMTPPort  = 25
	defaultSMTPSPort = 465
)

// smtpConfig is the parsed form of an ACCOUNTD_SMTP_URL.
type smtpConfig struct {
	host        string // without brackets for IPv6 literals
	port        int
	implicitTLS bool // smtps: TLS from the first byte instead of STARTTLS
	user        string
	pass        string // never part of an error message or log line
	hasAuth     bool
}

// addr is host:port for dialling.
func (c smtpConfig) addr() string {
	return net.JoinHostPort(c.host, strconv.Itoa(c.port))
}

// NewSender picks the transport from ACCOUNTD_SMTP_URL-style config:
//
//	""                             -> LogSender: the whole message goes to log at
//	                                  Info level and Send returns nil (development).
//	smtp://[user:pass@]host[:port]  -> SMTP, STARTTLS when the server offers it,
//	                                  AUTH (PLAIN/LOGIN preferred) only when user
//	                                  info is given; port defaults to 25.
//	smtps://[user:pass@]host[:port] -> SMTP over implicit TLS; port defaults to 465.
//
// User and password are percent-decoded, so reserved characters in a password
// must be percent-encoded in the URL. With user info on smtp://, a server that
// offers no STARTTLS gets no password: unless it is localhost, Send fails
// instead of authenticating in clear text. Any other scheme, a malformed URL or an
// invalid from address is an error; errors never contain the password.
//
// from is the From header and envelope sender, e.g. "accountd <no-reply@localhost>".
// It is validated here rather than on every Send so that a misconfiguration
// stops the service at start-up instead of failing every message. A nil log
// means slog.Default().
func NewSender(smtpURL, from string, log *slog.Logger) (Sender, error) {
	return newSender(smtpURL, from, log, nil)
}

// newSender is NewSender with the set of trusted root certificates; tests
// use it to trust their throw-away server certificate. nil means the system
// roots, which is the only sensible choice in production.
func newSender(smtpURL, from string, log *slog.Logger, rootCAs *x509.CertPool) (Sender, error) {
	if log == nil {
		log = slog.Default()
	}
	fromAddr, err := parseFrom(from)
	if err != nil {
		return nil, err
	}
	// Surrounding blanks come from env files and secrets with a trailing
	// newline; they are never meaningful.
	smtpURL = strings.TrimSpace(smtpURL)
	if smtpURL == "" {
		log.Warn("mail: no SMTP URL configured; email is written to the log instead of being sent")
		return &LogSender{Log: log}, nil
	}
	cfg, err := parseSMTPURL(smtpURL)
	if err != nil {
		return nil, err
	}
	return newSMTPSender(cfg, fromAddr, log, rootCAs), nil
}

// parseFrom validates the configured sender address.
func parseFrom(from string) (*netmail.Address, error) {
	if strings.TrimSpace(from) == "" {
		return nil, errors.New("mail: from address is empty")
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil {
		return nil, fmt.Errorf("mail: invalid from address %q: %v", from, err)
	}
	return addr, nil
}

// parseSMTPURL turns an smtp:// or smtps:// URL into a config. It is strict
// on purpose: an option we do not understand (a path, a query) is more likely
// a typo than something safe to ignore.
func parseSMTPURL(raw string) (smtpConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error repeats the whole URL, password included; keep only the reason.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return smtpConfig{}, fmt.Errorf("mail: malformed SMTP URL: %v", err)
	}
	// From here on the URL parsed, so Redacted() can safely name it.
	bad := func(format string, args ...any) (smtpConfig, error) {
		return smtpConfig{}, fmt.Errorf("mail: SMTP URL %q: %s", u.Redacted(), fmt.Sprintf(format, args...))
	}

	var cfg smtpConfig
	switch u.Scheme {
	case "smtp":
		cfg.port = defaultSMTPPort
	case "smtps":
		cfg.port, cfg.implicitTLS = defaultSMTPSPort, true
	case "":
		return bad("missing scheme, want smtp:// or smtps://")
	default:
		return bad("unsupported scheme %q, want smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" {
		return bad("want %s://host:port", u.Scheme)
	}
	if cfg.host = u.Hostname(); cfg.host == "" {
		return bad("missing host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return bad("port %q out of range 1-65535", p)
		}
		cfg.port = n
	} else if strings.HasSuffix(u.Host, ":") {
		return bad("empty port")
	}
	if u.Path != "" && u.Path != "/" {
		return bad("unexpected path %q", u.Path)
	}
	if u.RawQuery != "" || u.ForceQuery {
		return bad("query parameters are not supported")
	}
	if u.Fragment != "" {
		return bad("unexpected fragment")
	}
	if u.User != nil {
		pass, hasPass := u.User.Password()
		cfg.user, cfg.pass, cfg.hasAuth = u.User.Username(), pass, true
		if cfg.user == "" {
			return bad("user info without a user name")
		}
		if !hasPass || pass == "" {
			return bad("user %q has no password, want user:password@", cfg.user)
		}
	}
	return cfg, nil
}
