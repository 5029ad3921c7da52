package account

import (
	"net/mail"
	"strings"
	"unicode"

	"github.com/accountd/accountd/models"
	"golang.org/x/net/idna"
	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// MaxEmailLength is RFC 5321's limit on a forward path.
const MaxEmailLength = 254

// ValidEmail tells whether s is a plain address (no display name, no comments) with a local
// part and a domain that has a dot, as Django's EmailValidator wants, and that has one
// normalised key (AddressKey): no control, format (zero-width, bidi) or private-use
// characters, no compatibility forms (fullwidth letters, ligatures) and a domain IDNA accepts.
// Handlers register it as the OpenAPI "email" format so the spec and the core agree on what an
// address is.
func ValidEmail(s string) bool {
	_, err := parseAddress(s, "")
	return err == nil
}

// Address is an address parsed once per request: Typed as the caller wrote it (for mail and
// display), Key its normalised form (AddressKey), under which it is compared, looked up and
// rate limited.
type Address struct {
	Typed, Key string
}

// parseAddress checks s (ValidEmail) and computes its key, once; a refusal is invalid_email
// reported under field.
func parseAddress(s, field string) (Address, error) {
	if !validShape(s) {
		return Address{}, invalid(CodeInvalidEmail, field)
	}
	key, ok := addressKey(s)
	if !ok {
		return Address{}, invalid(CodeInvalidEmail, field)
	}
	return Address{Typed: s, Key: key}, nil
}

// validShape is ValidEmail without the characters' check (addressKey does that).
func validShape(s string) bool {
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
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") ||
		strings.ContainsAny(domain, "[]") {
		return false
	}
	return true
}

// AddressKey is the one form under which an address is stored unique, looked up and rate
// limited: the local part in NFC and case-folded (so "JANÉ", "jané" and its decomposed form
// are one), "@", the domain as a lower-case IDNA A-label ("exämple.com" and
// "xn--exmple-cua.com" are one). The address itself is kept as the user typed it, for mail and
// display. ok is false for addresses ValidEmail refuses for their characters.
func AddressKey(address string) (key string, ok bool) { return addressKey(address) }

var fold = cases.Fold()

// idnaProfile is UTS #46 lookup processing: it maps the domain (lower case, width) and refuses
// what registries refuse (bidi rule, invalid labels).
var idnaProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.VerifyDNSLength(true), idna.Transitional(false))

func addressKey(address string) (string, bool) {
	at := strings.LastIndexByte(address, '@')
	if at <= 0 || at == len(address)-1 {
		return "", false
	}
	local, domain := address[:at], address[at+1:]
	for _, r := range address {
		// Cc controls, Cf format characters (zero-width spaces and joiners, bidi overrides and
		// isolates), Co private use, Cs surrogates: none belongs in an address, and each can make
		// two addresses look alike.
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs) || unicode.Is(unicode.Bidi_Control, r) ||
			r == unicode.ReplacementChar {
			return "", false
		}
	}
	// Compatibility characters (fullwidth "ｊａｎｅ", ligatures) only serve to look like another
	// address: refuse them rather than guess, in the domain too (IDNA would map them).
	if norm.NFKC.String(address) != norm.NFC.String(address) {
		return "", false
	}
	nfc := norm.NFC.String(local)
	ascii, err := idnaProfile.ToASCII(domain)
	if err != nil || ascii == "" {
		return "", false
	}
	return norm.NFC.String(fold.String(nfc)) + "@" + strings.ToLower(ascii), true
}

// stored is a stored address with its stored key.
func stored(e models.Email) Address { return Address{Typed: e.Address, Key: e.AddressKey} }

// codeAddress is the address a code was sent to, with its key.
func codeAddress(row models.OneTimeCode) Address { return Address{Typed: row.Email, Key: row.EmailKey} }

// mustKey is AddressKey for an address already checked with checkEmail (or read from the
// database, where only checked addresses go).
func mustKey(address string) string {
	key, ok := addressKey(address)
	if !ok {
		// Stored before 00002 or never checked: fall back to a key no valid address has.
		return "\x00" + strings.ToLower(address)
	}
	return key
}
