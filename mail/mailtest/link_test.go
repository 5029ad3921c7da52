package mailtest

import "testing"

func TestFindLink(t *testing.T) {
	const prefix = "https://accounts.example/activate?"
	tests := []struct {
		name   string
		text   string
		want   string
		wantOK bool
	}{
		{"alone", prefix + "t=1", prefix + "t=1", true},
		{"on its own line", "Hi,\n\n" + prefix + "t=1\n\nBye", prefix + "t=1", true},
		{"between words", "click " + prefix + "t=1 now", prefix + "t=1", true},
		{"tab and CRLF delimited", "x\t" + prefix + "t=1\r\ny", prefix + "t=1", true},
		{"first of two", prefix + "t=1 " + prefix + "t=2", prefix + "t=1", true},
		{"prefix inside a token does not count", "<" + prefix + "t=1>", "", false},
		{"other link only", "https://accounts.example/reset?t=1", "", false},
		{"empty text", "", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := FindLink(tt.text, prefix)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("FindLink = %q, %v; want %q, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
