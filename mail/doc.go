// Package mail delivers the account service's transactional email
// (activation links, password reset links, "your email changed" notices).
//
// The package deliberately knows nothing about templates or outboxes: callers
// render a [Message] and hand it to a [Sender]. A Sender either delivers the
// message or returns an error, and an error always means "not delivered, try
// again later", so a caller that keeps its messages in an outbox can simply
// retry the row. The only exception callers may want to act on is
// [ErrInvalidMessage]: such a message can never be sent as it is, so retrying
// it is pointless.
//
// [NewSender] chooses the transport from a single URL (ACCOUNTD_SMTP_URL) so
// that development needs no mail server at all: with an empty URL, messages
// are written to the log, where a person can copy the links from them.
package mail
