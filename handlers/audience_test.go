package handlers

import "testing"

func TestPreferredLanguages(t *testing.T) {
	cases := []struct{ header, want string }{
		{"", ""},
		{"de-AT", "de-AT"},
		{"en;q=0.5, de-AT, de;q=0.9", "de-AT,de,en"},
		{"fr-CH, fr;q=0.9, en;q=0.8, de;q=0.7, *;q=0.5", "fr-CH,fr,en,de"},
		{"de;q=0, en", "en"},
		{"a,b,c,d,e,f,g", ""}, // single letters are not language tags
		{"en, de, fr, it, es, nl, sv", "en,de,fr,it,es"},
		{"<script>", ""},
	}
	for _, c := range cases {
		if got := preferredLanguages(c.header); got != c.want {
			t.Errorf("preferredLanguages(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}
