package password

import (
	"bufio"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Every expectation below was checked against Django's own validators
// (django.contrib.auth.password_validation, the logic shared by Django 3.2.19+,
// 4.2 and 5.x) run under CPython; see testdata/gen_golden.py.
func TestValidate(t *testing.T) {
	email := map[string]string{"email": "jane.doe@example.com"}
	tests := []struct {
		name  string
		plain string
		attrs map[string]string
		want  []string
	}{
		{"acceptable", "Tr0ub4dor&3x", nil, nil},
		{"acceptable with attrs", "correct horse battery staple", email, nil},
		{"empty", "", nil, []string{MsgTooShort}},
		{"too short", "short", nil, []string{MsgTooShort}},
		{"short and common", "abcdefg", nil, []string{MsgTooShort, MsgTooCommon}},
		{"common", "password123", nil, []string{MsgTooCommon}},
		{"common ignores case and surrounding space", "PASSWORD123 ", nil, []string{MsgTooCommon}},
		{"common strips like Python (U+001C)", "\x1cpassword", nil, []string{MsgTooCommon}},
		{"common strips ideographic space", "\u3000qwerty\u3000", nil, []string{MsgTooCommon}},
		{"numeric and common", "12345678", nil, []string{MsgTooCommon, MsgEntirelyNumeric}},
		{"short, common and numeric", "1234567", nil, []string{MsgTooShort, MsgTooCommon, MsgEntirelyNumeric}},
		{"numeric", "7394018265", nil, []string{MsgEntirelyNumeric}},
		{"numeric superscripts (str.isdigit)", "²³¹⁰⁴⁵⁶⁷", nil, []string{MsgEntirelyNumeric}},
		{"numeric Arabic-Indic digits", "٣٣٣٣٣٣٣٣٣", nil, []string{MsgEntirelyNumeric}},
		{"fractions are not digits", "½½½½½½½½½", nil, nil},
		{"similar to email local part", "janedoe", email, []string{MsgTooSimilar("email"), MsgTooShort}},
		{"similar to whole email", "jane.doe@example", email, []string{MsgTooSimilar("email")}},
		{"similar to email domain", "example.com", email, []string{MsgTooSimilar("email")}},
		{"similar to one email part", "doe", email, []string{MsgTooSimilar("email"), MsgTooShort}},
		// quick_ratio("janedoe123", "jane.doe@example.com") = 14/30 < 0.7.
		{"not similar enough to email", "janedoe123", email, nil},
		{"not similar: case and punctuation", "JaneDoe!", email, nil},
		{"verbose name from key", "janedoe", map[string]string{"email_address": "jane.doe@example.com"},
			[]string{MsgTooSimilar("email address"), MsgTooShort}},
		{"first name, short, common", "jane", map[string]string{"first_name": "Jane"},
			[]string{MsgTooSimilar("first name"), MsgTooShort, MsgTooCommon}},
		{"username is tried before email", "janedoe123",
			map[string]string{"email": "jane.doe@example.com", "username": "janedoe"},
			[]string{MsgTooSimilar("username")}},
		{"only the first similar attribute is reported", "janedoe",
			map[string]string{"email": "jane.doe@example.com", "username": "janedoe", "last_name": "Doe"},
			[]string{MsgTooSimilar("username"), MsgTooShort}},
		{"other keys", "webshare-proxy", map[string]string{"company_name": "Webshare"},
			[]string{MsgTooSimilar("company name")}},
		{"value much shorter than password is skipped", "Xk9#mQ2!vL7$Xk9#mQ2!vL7$Xk9#mQ2!vL7$doe",
			map[string]string{"last_name": "Doe"}, nil},
		{"Python lower of U+0130", "ismail12", map[string]string{"first_name": "İsmail"},
			[]string{MsgTooSimilar("first name")}},
		{"Greek final sigma", "οδυσσεας", map[string]string{"last_name": "ΟΔΥΣΣΕΑΣ"},
			[]string{MsgTooSimilar("last name")}},
		{"empty values are skipped", "abcdefgh", map[string]string{"email": "", "username": ""},
			[]string{MsgTooCommon}},
		// Django quirk: re.split gives empty parts, and quick_ratio("", "") is 1.0.
		{"empty password vs value with empty parts", "", map[string]string{"weird": "@@"},
			[]string{MsgTooSimilar("weird"), MsgTooShort}},
		{"non-empty password vs value with empty parts", "jane", map[string]string{"weird": "@@"},
			[]string{MsgTooShort, MsgTooCommon}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Validate(tt.plain, tt.attrs)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Validate(%q, %v)\n got %q\nwant %q", tt.plain, tt.attrs, got, tt.want)
			}
			if tt.want == nil && got != nil {
				t.Errorf("Validate(%q) = %#v, want nil", tt.plain, got)
			}
		})
	}
}

// TestValidateDjangoGolden replays 400 cases whose expected messages were
// produced by Django itself (testdata/gen_golden.py).
func TestValidateDjangoGolden(t *testing.T) {
	f, err := os.Open("testdata/django_golden.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		var c struct {
			Password string            `json:"password"`
			Attrs    map[string]string `json:"attrs"`
			Want     []string          `json:"want"`
		}
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		if got := Validate(c.Password, c.Attrs); !slices.Equal(got, c.Want) {
			t.Errorf("line %d: Validate(%q, %q)\n got %q\nwant %q", n, c.Password, c.Attrs, got, c.Want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 400 {
		t.Fatalf("only %d golden cases", n)
	}
}

func TestMessages(t *testing.T) {
	if got, want := MsgTooSimilar("email address"), "The password is too similar to the email address."; got != want {
		t.Errorf("MsgTooSimilar = %q, want %q", got, want)
	}
	if MsgTooShort != "This password is too short. It must contain at least 8 characters." ||
		MsgTooCommon != "This password is too common." ||
		MsgEntirelyNumeric != "This password is entirely numeric." {
		t.Error("message constants differ from Django's wording")
	}
}

func TestCommonList(t *testing.T) {
	list := loadCommon()
	if len(list) != 19727 {
		t.Errorf("common list has %d entries, want 19727", len(list))
	}
	if !slices.IsSorted(list) {
		t.Error("common list not sorted")
	}
	for _, p := range list {
		if p == "" || p != strings.ToLower(p) || p != strings.TrimSpace(p) {
			t.Fatalf("bad entry %q", p)
		}
	}
	for _, p := range []string{"password", "password123", "12345678", "qwerty", "iloveyou"} {
		if !isCommon([]rune(p)) {
			t.Errorf("%q should be common", p)
		}
	}
	for _, p := range []string{"", " ", "Tr0ub4dor&3x", "correct horse battery staple"} {
		if isCommon([]rune(p)) {
			t.Errorf("%q should not be common", p)
		}
	}
}

func TestValidateConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				if got := Validate("password123", nil); !slices.Equal(got, []string{MsgTooCommon}) {
					t.Errorf("got %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}

// Python reference values: CPython 3.11 str.lower / str.isdigit / re.split /
// difflib.SequenceMatcher.quick_ratio.
func TestPythonStringSemantics(t *testing.T) {
	lower := map[string]string{
		"ABC":       "abc",
		"İ":         "i\u0307",
		"ΟΔΥΣΣΕΑΣ":  "οδυσσεας",
		"ΑΣ":        "ας",
		"Σ":         "σ",
		"ΑΣ.":       "ας.",
		"ΑΣ\u0301Α": "ασ\u0301α",
		"Α'Σ":       "α'ς",
		"ΑΣ1":       "ας1",
		"ǅΣ":        "ǆς",
		"ᾼΣ":        "ᾳς",
	}
	for in, want := range lower {
		if got := string(pyLower([]rune(in))); got != want {
			t.Errorf("pyLower(%q) = %q, want %q", in, got, want)
		}
	}

	digit := map[string]bool{"": false, "0123": true, "²³": true, "①": true, "٣": true, "½": false, "12a": false, "１２": true}
	for in, want := range digit {
		if got := pyIsDigit([]rune(in)); got != want {
			t.Errorf("pyIsDigit(%q) = %v, want %v", in, got, want)
		}
	}

	split := map[string][]string{
		"jane.doe@example.com": {"jane", "doe", "example", "com"},
		"@jane..doe@":          {"", "jane", "doe", ""},
		"@@":                   {"", ""},
		"snake_case-name":      {"snake_case", "name"},
		"i\u0307smail":         {"i", "smail"},
		"":                     {""},
	}
	for in, want := range split {
		var got []string
		for _, p := range splitNonWord([]rune(in)) {
			got = append(got, string(p))
		}
		if !slices.Equal(got, want) {
			t.Errorf("splitNonWord(%q) = %q, want %q", in, got, want)
		}
	}

	ratios := []struct {
		a, b string
		want float64
	}{
		{"", "", 1.0},
		{"abc", "", 0.0},
		{"janedoe123", "jane.doe@example.com", 14.0 / 30},
		{"janedoe", "jane", 8.0 / 11},
		{"aab", "abb", 4.0 / 6},
		{"A", "AAAAAAAAAA", 2.0 / 11},
	}
	for _, r := range ratios {
		if got := quickRatio([]rune(r.a), []rune(r.b)); got != r.want {
			t.Errorf("quickRatio(%q, %q) = %v, want %v", r.a, r.b, got, r.want)
		}
	}

	for _, r := range " \t\n\v\f\r\x1c\x1d\x1e\x1f\u0085\u00a0\u1680\u2000\u200a\u2028\u2029\u202f\u205f\u3000" {
		if !pyIsSpace(r) {
			t.Errorf("pyIsSpace(%U) = false", r)
		}
	}
	for _, r := range "a\u200b\u180e\ufeff" {
		if pyIsSpace(r) {
			t.Errorf("pyIsSpace(%U) = true", r)
		}
	}
}

func BenchmarkValidate(b *testing.B) {
	attrs := map[string]string{"email": "jane.doe@example.com", "username": "janedoe"}
	loadCommon()
	b.ReportAllocs()
	for b.Loop() {
		Validate("a reasonably long passphrase 42", attrs)
	}
}
