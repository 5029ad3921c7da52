package password

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Django's defaults for the validators that Validate reproduces.
const (
	MinLength     = 8   // MinimumLengthValidator(min_length=8)
	MaxSimilarity = 0.7 // UserAttributeSimilarityValidator(max_similarity=0.7)
)

// Django's messages (English), exactly as its validators word them.
const (
	MsgTooShort        = "This password is too short. It must contain at least 8 characters."
	MsgTooCommon       = "This password is too common."
	MsgEntirelyNumeric = "This password is entirely numeric."
)

// MsgTooSimilar returns UserAttributeSimilarityValidator's message for the
// attribute whose verbose name is verboseName, e.g. "email address".
func MsgTooSimilar(verboseName string) string {
	return "The password is too similar to the " + verboseName + "."
}

// Problem codes: the rules a password can break, as the account core reports them
// (account.Error.Reasons) for each vendor to word.
const (
	TooSimilar      = "password_too_similar" // Attribute says to which user attribute
	TooShort        = "password_too_short"
	TooCommon       = "password_too_common"
	EntirelyNumeric = "password_entirely_numeric"
)

// Problem is one rule a password breaks.
type Problem struct {
	Code      string
	Attribute string // TooSimilar: the attribute's key, e.g. "email"
}

// String is the problem as a reason code: "password_too_short", "password_too_similar:email".
func (p Problem) String() string {
	if p.Attribute != "" {
		return p.Code + ":" + p.Attribute
	}
	return p.Code
}

// ParseProblem reads a reason code made by Problem.String.
func ParseProblem(reason string) Problem {
	code, attr, _ := strings.Cut(reason, ":")
	return Problem{Code: code, Attribute: attr}
}

// Message is Django's English message for the problem (what Django-based vendors show).
func (p Problem) Message() string {
	switch p.Code {
	case TooSimilar:
		return MsgTooSimilar(strings.ReplaceAll(p.Attribute, "_", " "))
	case TooShort:
		return MsgTooShort
	case TooCommon:
		return MsgTooCommon
	case EntirelyNumeric:
		return MsgEntirelyNumeric
	}
	return "This password is not allowed."
}

// Check is Validate returning the problems instead of Django's messages, in the same order.
func Check(plain string, userAttrs map[string]string) []Problem {
	pw := []rune(plain)
	var out []Problem
	if name, similar := similarAttribute(pw, userAttrs); similar {
		out = append(out, Problem{Code: TooSimilar, Attribute: name})
	}
	if len(pw) < MinLength {
		out = append(out, Problem{Code: TooShort})
	}
	if isCommon(pw) {
		out = append(out, Problem{Code: TooCommon})
	}
	if pyIsDigit(pw) {
		out = append(out, Problem{Code: EntirelyNumeric})
	}
	return out
}

// Validate checks plain the way Django's validate_password does with the
// validators of Django's default settings (django-admin startproject), and
// returns the message of every validator that rejects it, in Django's order:
//
//  1. UserAttributeSimilarityValidator: "The password is too similar to the {verbose name}."
//  2. MinimumLengthValidator(8):        MsgTooShort
//  3. CommonPasswordValidator:          MsgTooCommon
//  4. NumericPasswordValidator:         MsgEntirelyNumeric
//
// It returns nil when plain is acceptable.
//
// userAttrs plays the part of the Django user: each key is an attribute name
// and its value the attribute's value (e.g. "email": "jane.doe@example.com").
// The verbose name in the similarity message is the key with underscores
// replaced by spaces. Note that Django's stock User model calls its email
// field "email address"; pass the key "email_address" to get that wording.
// Like Django, at most one similarity message is returned: attributes are
// tried in Django's order (username, first_name, last_name, email, then
// email_address), then any other keys in sorted order, and the first similar
// one is reported. Empty values are skipped.
func Validate(plain string, userAttrs map[string]string) []string {
	var msgs []string
	for _, p := range Check(plain, userAttrs) {
		msgs = append(msgs, p.Message())
	}
	return msgs
}

// djangoAttributeOrder is UserAttributeSimilarityValidator's
// DEFAULT_USER_ATTRIBUTES, plus "email_address" right after "email".
var djangoAttributeOrder = []string{"username", "first_name", "last_name", "email", "email_address"}

// attributeOrder returns the keys of attrs in the order they are checked.
func attributeOrder(attrs map[string]string) []string {
	keys := make([]string, 0, len(attrs))
	for _, k := range djangoAttributeOrder {
		if _, ok := attrs[k]; ok {
			keys = append(keys, k)
		}
	}
	var rest []string
	for k := range attrs {
		if !slices.Contains(djangoAttributeOrder, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// similarAttribute ports UserAttributeSimilarityValidator.validate (Django
// 4.2/5.x): it returns the first attribute that password is too similar to.
//
//	password = password.lower()
//	for each attribute value (skipping empty ones):
//	    value_lower = value.lower()
//	    for value_part in re.split(r"\W+", value_lower) + [value_lower]:
//	        if exceeds_maximum_length_ratio(password, max_similarity, value_part):
//	            continue
//	        if SequenceMatcher(a=password, b=value_part).quick_ratio() >= max_similarity:
//	            raise ValidationError(...)
//
// Django compares with quick_ratio() alone (not ratio()).
func similarAttribute(password []rune, attrs map[string]string) (string, bool) {
	if len(attrs) == 0 {
		return "", false
	}
	pw := pyLower(password)
	for _, name := range attributeOrder(attrs) {
		value := attrs[name]
		if value == "" {
			continue
		}
		valueLower := pyLower([]rune(value))
		parts := append(splitNonWord(valueLower), valueLower)
		for _, part := range parts {
			if exceedsMaximumLengthRatio(pw, MaxSimilarity, part) {
				continue
			}
			if quickRatio(pw, part) >= MaxSimilarity {
				return name, true
			}
		}
	}
	return "", false
}

// exceedsMaximumLengthRatio is Django's exceeds_maximum_length_ratio: skip a
// value so much shorter than the password that it cannot be similar enough.
func exceedsMaximumLengthRatio(password []rune, maxSimilarity float64, value []rune) bool {
	pwdLen := len(password)
	lengthBoundSimilarity := maxSimilarity / 2 * float64(pwdLen)
	valueLen := len(value)
	return pwdLen >= 10*valueLen && float64(valueLen) < lengthBoundSimilarity
}

// commonPasswordsGz is Django's django/contrib/auth/common-passwords.txt.gz
// (see NOTICE): 19,727 lowercased, deduplicated passwords, one per line.
//
//go:embed common-passwords.txt.gz
var commonPasswordsGz []byte

var (
	commonOnce sync.Once
	commonList []string // sorted; the strings share one backing buffer
)

// loadCommon decompresses the embedded list once. It keeps a sorted slice of
// substrings of the decompressed text (about 0.5 MB in all) rather than a map.
func loadCommon() []string {
	commonOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
		if err != nil {
			panic("password: embedded common password list: " + err.Error())
		}
		raw, err := io.ReadAll(zr)
		if err != nil {
			panic("password: embedded common password list: " + err.Error())
		}
		lines := strings.Split(string(raw), "\n")
		list := lines[:0]
		for _, l := range lines {
			// Django: {x.strip() for x in f}. The file has no blank lines;
			// the one empty string strings.Split yields after a trailing
			// newline must not become a "common password".
			if p := strings.TrimFunc(l, pyIsSpace); p != "" {
				list = append(list, p)
			}
		}
		sort.Strings(list)
		commonList = slices.Compact(list)
	})
	return commonList
}

// isCommon is CommonPasswordValidator: password.lower().strip() in the list.
func isCommon(password []rune) bool {
	list := loadCommon()
	key := string(pyStrip(pyLower(password)))
	_, found := slices.BinarySearch(list, key)
	return found
}
