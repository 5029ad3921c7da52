package account

import "testing"

func TestAddressKey(t *testing.T) {
	for _, tc := range []struct {
		in, key string
		ok      bool
	}{
		{"Jane.Doe@Example.COM", "jane.doe@example.com", true},
		{"JANÉ@example.com", "jané@example.com", true},
		{"jane\u0301@example.com", "jané@example.com", true}, // NFD
		{"STRASSE@example.com", "strasse@example.com", true},
		{"Straße@example.com", "strasse@example.com", true}, // full case folding
		{"a@exämple.com", "a@xn--exmple-cua.com", true},
		{"a@XN--EXMPLE-CUA.COM", "a@xn--exmple-cua.com", true},
		{"a\u200b@example.com", "", false}, // zero-width space (Cf)
		{"a\u202e@example.com", "", false}, // right-to-left override
		{"a\u200e@example.com", "", false}, // left-to-right mark
		{"ｊａｎｅ@example.com", "", false},    // fullwidth local part
		{"jane@ｅｘａｍｐｌｅ.com", "", false},    // fullwidth domain
		{"ﬁle@example.com", "", false},     // ligature
		{"a\x00b@example.com", "", false},  // control
		{"a@-bad-.example", "", false},     // IDNA refuses the label
		{"a@example.com\ufffd", "", false}, // replacement character (from invalid UTF-8)
		{"\ue000@example.com", "", false},  // private use
	} {
		key, ok := AddressKey(tc.in)
		if ok != tc.ok || key != tc.key {
			t.Errorf("AddressKey(%q) = %q, %v; want %q, %v", tc.in, key, ok, tc.key, tc.ok)
		}
		if !tc.ok && ValidEmail(tc.in) {
			t.Errorf("ValidEmail(%q) = true, want false", tc.in)
		}
	}
}
