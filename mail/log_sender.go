package mail

import (
	"context"
	"log/slog"
	"strings"
)

// LogSender is the development transport: instead of sending, it writes the
// whole message to Log at Info level so a person can follow activation and
// reset links without running a mail server.
//
// Because the log then holds live tokens, NewSender only picks LogSender when
// no SMTP URL is configured, and says so with a warning.
type LogSender struct {
	Log *slog.Logger // nil means slog.Default()
}

// Send logs m and returns nil. It validates m exactly like the SMTP
// transport does, so a message that production would reject fails in
// development too. Besides the full text, every http(s) URL in it
// is logged as its own "link" attribute: handlers print multi-line text with
// escaped line breaks, which makes a link at the end of a line hard to copy.
func (s *LogSender) Send(ctx context.Context, m Message) error {
	if _, err := m.validate(); err != nil {
		return err
	}
	log := s.Log
	if log == nil {
		log = slog.Default()
	}
	attrs := []any{
		slog.String("id", m.ID),
		slog.String("to", m.To),
		slog.String("subject", m.Subject),
		slog.String("text", m.Text),
		slog.Bool("html", m.HTML != ""),
	}
	if m.From != "" {
		attrs = append(attrs, slog.String("from", m.From))
	}
	for _, link := range links(m.Text) {
		attrs = append(attrs, slog.String("link", link))
	}
	log.InfoContext(ctx, "mail: not sent, logged instead (no SMTP URL configured)", attrs...)
	return nil
}

// SendEach logs each of ms (see Send).
func (s *LogSender) SendEach(ctx context.Context, ms []Message, done func(i int, err error) bool) {
	for i, m := range ms {
		if ctx.Err() != nil || !done(i, s.Send(ctx, m)) {
			return
		}
	}
}

// links returns the whitespace-delimited http:// and https:// tokens of text.
func links(text string) []string {
	var out []string
	for _, f := range strings.Fields(text) {
		if strings.HasPrefix(f, "https://") || strings.HasPrefix(f, "http://") {
			out = append(out, f)
		}
	}
	return out
}
