package password

import (
	"unicode"
)

// This file reproduces the few Python 3 str operations that Django's
// validators rely on, so that Validate agrees with Django character for
// character. Python strings are sequences of code points, so everything here
// works on runes (invalid UTF-8 bytes count as U+FFFD, as when decoding JSON).

// pyLower is Python's str.lower(): the full Unicode lowercase mapping
// (U+0130 becomes "i\u0307") and the Final_Sigma rule for U+03A3.
func pyLower(s []rune) []rune {
	out := make([]rune, 0, len(s))
	for i, r := range s {
		switch {
		case r < 0x80: // fast path
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			out = append(out, r)
		case r == 0x130: // LATIN CAPITAL LETTER I WITH DOT ABOVE
			out = append(out, 'i', 0x307)
		case r == 0x3A3: // GREEK CAPITAL LETTER SIGMA
			if finalSigma(s, i) {
				out = append(out, 0x3C2)
			} else {
				out = append(out, 0x3C3)
			}
		default:
			out = append(out, unicode.ToLower(r))
		}
	}
	return out
}

// finalSigma mirrors CPython's handle_capital_sigma: s[i] is in the
// Final_Sigma context when it is preceded by a cased letter (skipping
// case-ignorable characters) and not followed by one.
func finalSigma(s []rune, i int) bool {
	j := i - 1
	for j >= 0 && isCaseIgnorable(s[j]) {
		j--
	}
	if j < 0 || !isCased(s[j]) {
		return false
	}
	k := i + 1
	for k < len(s) && isCaseIgnorable(s[k]) {
		k++
	}
	return k == len(s) || !isCased(s[k])
}

// isCased approximates the Unicode Cased property
// (Lowercase or Uppercase or Lt).
func isCased(r rune) bool {
	return unicode.IsUpper(r) || unicode.IsLower(r) || unicode.IsTitle(r) ||
		unicode.Is(unicode.Other_Lowercase, r) || unicode.Is(unicode.Other_Uppercase, r)
}

// isCaseIgnorable approximates the Unicode Case_Ignorable property:
// Mn, Me, Cf, Lm, Sk, and Word_Break MidLetter, MidNumLet and Single_Quote.
func isCaseIgnorable(r rune) bool {
	switch r {
	case 0x27, 0x2E, 0x3A, 0xB7, 0x387, 0x55F, 0x5F4, 0x2018, 0x2019, 0x2024,
		0x2027, 0xFE13, 0xFE52, 0xFE55, 0xFF07, 0xFF0E, 0xFF1A:
		return true
	}
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Lm, unicode.Sk)
}

// pyIsSpace is Python's str.isspace() for one character (what str.strip()
// removes): Go's unicode.IsSpace plus the separators U+001C..U+001F.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (0x1C <= r && r <= 0x1F)
}

// pyStrip is Python's str.strip() with no arguments.
func pyStrip(s []rune) []rune {
	i, j := 0, len(s)
	for i < j && pyIsSpace(s[i]) {
		i++
	}
	for j > i && pyIsSpace(s[j-1]) {
		j--
	}
	return s[i:j]
}

// pyIsDigit is Python's str.isdigit(): non-empty and every character has
// Numeric_Type Decimal (general category Nd) or Digit (superscripts,
// circled digits and the like, listed in digitTypeDigit).
func pyIsDigit(s []rune) bool {
	if len(s) == 0 {
		return false
	}
	for _, r := range s {
		if !unicode.IsDigit(r) && !unicode.Is(digitTypeDigit, r) {
			return false
		}
	}
	return true
}

// digitTypeDigit holds the characters whose Unicode Numeric_Type is Digit
// (DerivedNumericType.txt); Python's isdigit() accepts them too.
var digitTypeDigit = &unicode.RangeTable{
	R16: []unicode.Range16{
		{Lo: 0x00B2, Hi: 0x00B3, Stride: 1},
		{Lo: 0x00B9, Hi: 0x00B9, Stride: 1},
		{Lo: 0x1369, Hi: 0x1371, Stride: 1},
		{Lo: 0x19DA, Hi: 0x19DA, Stride: 1},
		{Lo: 0x2070, Hi: 0x2070, Stride: 1},
		{Lo: 0x2074, Hi: 0x2079, Stride: 1},
		{Lo: 0x2080, Hi: 0x2089, Stride: 1},
		{Lo: 0x2460, Hi: 0x2468, Stride: 1},
		{Lo: 0x2474, Hi: 0x247C, Stride: 1},
		{Lo: 0x2488, Hi: 0x2490, Stride: 1},
		{Lo: 0x24EA, Hi: 0x24EA, Stride: 1},
		{Lo: 0x24F5, Hi: 0x24FD, Stride: 1},
		{Lo: 0x24FF, Hi: 0x24FF, Stride: 1},
		{Lo: 0x2776, Hi: 0x277E, Stride: 1},
		{Lo: 0x2780, Hi: 0x2788, Stride: 1},
		{Lo: 0x278A, Hi: 0x2792, Stride: 1},
	},
	R32: []unicode.Range32{
		{Lo: 0x10A40, Hi: 0x10A43, Stride: 1},
		{Lo: 0x10E60, Hi: 0x10E68, Stride: 1},
		{Lo: 0x11052, Hi: 0x1105A, Stride: 1},
		{Lo: 0x1F100, Hi: 0x1F10A, Stride: 1},
	},
}

// isWordRune is Python re's \w for str patterns: '_' or any character for
// which str.isalnum() holds (letters and numbers).
func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// splitNonWord is Python's re.split(r"\W+", s): the pieces between runs of
// non-word characters, keeping the empty pieces at either end.
func splitNonWord(s []rune) [][]rune {
	var parts [][]rune
	start := 0
	for i := 0; i < len(s); {
		if isWordRune(s[i]) {
			i++
			continue
		}
		parts = append(parts, s[start:i])
		for i < len(s) && !isWordRune(s[i]) {
			i++
		}
		start = i
	}
	return append(parts, s[start:])
}

// quickRatio is difflib.SequenceMatcher(a=a, b=b).quick_ratio(): twice the
// size of the multiset intersection of a and b over len(a)+len(b), or 1.0
// when both are empty. (quick_ratio ignores SequenceMatcher's junk
// heuristics, so none are needed here.)
func quickRatio(a, b []rune) float64 {
	length := len(a) + len(b)
	if length == 0 {
		return 1.0
	}
	avail := make(map[rune]int, len(b))
	for _, r := range b {
		avail[r]++
	}
	matches := 0
	for _, r := range a {
		if avail[r] > 0 {
			matches++
		}
		avail[r]--
	}
	return 2.0 * float64(matches) / float64(length)
}
