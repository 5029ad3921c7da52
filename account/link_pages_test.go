package account

import "testing"

func TestMaskEmail(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"jane@example.com", "j***@example.com"},
		{"j@example.com", "j***@example.com"},
		{"élodie@exemple.fr", "é***@exemple.fr"},
		{"not-an-address", "***"},
		{"@example.com", "***"},
	} {
		if got := MaskEmail(c.in); got != c.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
