package mail

import (
	"context"
	"errors"
	"fmt"
	netmail "net/mail"
	"strings"
	"unicode/utf8"
)

// Message is one plain-text email ready to send.
type Message struct {
	// ID is the stable id of the outbox row. It becomes the Message-ID header
	// "<ID@accountd>", so a retry of the same row is recognisable downstream
	// (receivers and tests can de-duplicate on it).
	ID string
	// To is the single recipient, "addr@example.com" or "Name <addr@example.com>".
	To string
	// Subject may contain any Unicode text except line breaks.
	Subject string
	// Text is the plain-text body. It may contain long URLs that must survive
	// transfer intact, which is why SMTP delivery encodes it as
	// quoted-printable instead of relying on servers to pass long lines.
	Text string
}

// Sender delivers messages; an error means "not delivered, try again later".
type Sender interface {
	Send(ctx context.Context, m Message) error
	// SendAll delivers ms in order and returns one error per message (nil: delivered). An SMTP
	// sender sends them over one connection: under load, a handshake per mail costs more than
	// the mail (bench/results.md).
	SendAll(ctx context.Context, ms []Message) []error
}

// ErrInvalidMessage marks errors about a Message that no retry can fix (bad
// recipient address, unusable ID, ...). Send still returns such errors like any
// other, but callers can test for them with errors.Is and stop retrying.
var ErrInvalidMessage = errors.New("invalid message")

// messageIDDomain is the right-hand side of every Message-ID we generate. It
// is fixed, not the host name, so the header of a retried row is identical no
// matter which instance of the service sends it.
const messageIDDomain = "accountd"

// maxIDLen keeps the Message-ID header comfortably inside one header line.
const maxIDLen = 200

// validate checks m and returns the parsed recipient. Everything checked here
// is a programming or data error, so failures wrap ErrInvalidMessage.
func (m Message) validate() (*netmail.Address, error) {
	if err := validateID(m.ID); err != nil {
		return nil, err
	}
	to, err := netmail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("%w: recipient %q: %v", ErrInvalidMessage, m.To, err)
	}
	if strings.ContainsAny(m.Subject, "\r\n") {
		return nil, fmt.Errorf("%w: subject contains a line break", ErrInvalidMessage)
	}
	if !utf8.ValidString(m.Subject) || !utf8.ValidString(m.Text) {
		return nil, fmt.Errorf("%w: subject or text is not valid UTF-8", ErrInvalidMessage)
	}
	return to, nil
}

// validateID accepts ids that can be used verbatim as the left part of a
// Message-ID (RFC 5322 dot-atom-text). Outbox ids are UUIDs or numbers, so
// this only rejects ids that would need quoting or could break the header.
func validateID(id string) error {
	switch {
	case id == "":
		return fmt.Errorf("%w: empty ID", ErrInvalidMessage)
	case len(id) > maxIDLen:
		return fmt.Errorf("%w: ID longer than %d bytes", ErrInvalidMessage, maxIDLen)
	case id[0] == '.' || id[len(id)-1] == '.' || strings.Contains(id, ".."):
		return fmt.Errorf("%w: ID %q has a misplaced dot", ErrInvalidMessage, id)
	}
	for i := 0; i < len(id); i++ {
		if !isAtext(id[i]) && id[i] != '.' {
			return fmt.Errorf("%w: ID %q contains %q, which is not allowed in a Message-ID", ErrInvalidMessage, id, id[i])
		}
	}
	return nil
}

// isAtext reports whether c is an RFC 5322 atext character.
func isAtext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}
