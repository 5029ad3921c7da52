package account

import (
	"net/mail"
	"strings"
)

// MaxEmailLength is RFC 5321's limit on a forward path.
const MaxEmailLength = 254

// ValidEmail tells whether s is a plain address (no display name, no comments) with a local
// part and a domain that has a dot, as Django's EmailValidator wants. Handlers register it as
// the OpenAPI "email" format so the spec and the core agree on what an address is.
func ValidEmail(s string) bool {
	if s == "" || len(s) > MaxEmailLength || strings.TrimSpace(s) != s {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 {
		return false
	}
	domain := s[at+1:]
	return strings.Contains(domain, ".") && !strings.HasPrefix(domain, ".") && !strings.HasSuffix(domain, ".") &&
		!strings.ContainsAny(domain, "[]")
}

// checkEmail returns a field error unless address is valid.
func checkEmail(address, field string) error {
	if !ValidEmail(address) {
		return invalid(CodeInvalidEmail, field)
	}
	return nil
}
