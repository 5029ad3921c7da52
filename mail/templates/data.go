package templates

import (
	"time"
)

// Data is one mail as the core queued it.
type Data struct {
	Kind   string // a mail kind (Kinds)
	Vendor string // the vendor whose API caused the mail ("webshare", ...); "" or unknown: accountd's own voice
	Locale string // the language preference of the request that caused it (an Accept-Language value); "": English

	Email    string // the address the mail is about (for notices: the account's address before a change)
	NewEmail string // the new or added address, for notices about a change
	Code     string // the one-time code, for kinds that carry one
	Link     string // the link with the code in it, when the vendor mails links instead of bare codes;
	// for email_changed to the old address, the link that undoes the change
	CodePage string        // for a bare code, the page where it can be typed (Akana's hosted pages)
	TTL      time.Duration // how long the code or link works
}

// Kinds that carry a code or a link (and say how long it lasts).
var codeKinds = []string{"activation", "email_change", "email_add", "password_reset"}

// Kinds that tell the user about a change; none carries a code (email_changed to the old
// address may carry the link that undoes the change, and then says how long it works).
var noticeKinds = []string{"email_changed", "email_change_requested", "email_added", "password_changed", "account_deleted", "sessions_revoked",
	"email_change_undone"}

// Kinds lists every mail kind, the names of the template files.
func Kinds() []string { return append(append([]string{}, codeKinds...), noticeKinds...) }

// Vendors lists the vendor voices; DefaultVendor is used for mail no vendor's request caused
// (operator commands) and for unknown vendors.
func Vendors() []string { return []string{"webshare", "payway", "akana", "rixl", DefaultVendor} }

// DefaultVendor is accountd's own voice.
const DefaultVendor = "accountd"

// Languages are the languages every text exists in; the first is the fallback.
var Languages = []string{"en", "de"}

func isCodeKind(kind string) bool {
	for _, k := range codeKinds {
		if k == kind {
			return true
		}
	}
	return false
}

func vendorKey(v string) string {
	for _, known := range Vendors() {
		if known == v {
			return v
		}
	}
	return DefaultVendor
}
