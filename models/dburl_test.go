package models

import (
	"strings"
	"testing"
)

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want string // "" = accepted
	}{
		{"", ""},
		{"accountd.db", ""},
		{"/var/lib/accountd/accountd.db", ""},
		{"sqlite://accountd.db", ""},
		{"postgres://u@h/db", ""},
		{"postgresql://u@h/db", ""},
		{"postgress://u@h/db", `unknown scheme "postgress"`},
		{"mysql://u@h/db", `unknown scheme "mysql"`},
	} {
		err := checkURL(tc.url)
		if (tc.want == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("checkURL(%q) = %v, want %q", tc.url, err, tc.want)
		}
	}
}

func TestDescribeHidesThePassword(t *testing.T) {
	for url, want := range map[string]string{
		"postgres://app:hunter22@db.internal:5432/accountd?sslmode=require&password=x": "postgres://app@db.internal:5432/accountd",
		"":                    "sqlite:accountd.db",
		"sqlite:///data/a.db": "sqlite:/data/a.db",
	} {
		if got := Describe(url); got != want {
			t.Errorf("Describe(%q) = %q, want %q", url, got, want)
		}
	}
}
