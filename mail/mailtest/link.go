package mailtest

import "strings"

// FindLink returns the first whitespace-delimited token in text that starts
// with prefix, such as an activation link. Tests use it instead of a URL regexp
// because the mail text is ours: a link is always surrounded by whitespace.
func FindLink(text, prefix string) (string, bool) {
	for _, tok := range strings.Fields(text) {
		if strings.HasPrefix(tok, prefix) {
			return tok, true
		}
	}
	return "", false
}
