package mail

import (
	"strings"
	"testing"
)

func TestNewSenderParsesURL(t *testing.T) {
	tests := []struct {
		url  string
		want smtpConfig
	}{
		{"smtp://mail.example.com", smtpConfig{host: "mail.example.com", port: 25}},
		{"smtp://mail.example.com:587", smtpConfig{host: "mail.example.com", port: 587}},
		{"SMTP://Mail.Example.com:2525/", smtpConfig{host: "Mail.Example.com", port: 2525}},
		{"smtps://mail.example.com", smtpConfig{host: "mail.example.com", port: 465, implicitTLS: true}},
		{"smtps://mail.example.com:4650", smtpConfig{host: "mail.example.com", port: 4650, implicitTLS: true}},
		{"smtp://[::1]:2525", smtpConfig{host: "::1", port: 2525}},
		{"smtp://127.0.0.1", smtpConfig{host: "127.0.0.1", port: 25}},
		{" smtp://127.0.0.1:2525\n", smtpConfig{host: "127.0.0.1", port: 2525}},
		{
			"smtp://user:pass@mail.example.com:587",
			smtpConfig{host: "mail.example.com", port: 587, user: "user", pass: "pass", hasAuth: true},
		},
		{
			// Reserved characters in user and password arrive percent-encoded.
			"smtps://me%40example.com:p%40ss%3Aw%2Frd%20@mail.example.com",
			smtpConfig{host: "mail.example.com", port: 465, implicitTLS: true, user: "me@example.com", pass: "p@ss:w/rd ", hasAuth: true},
		},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := NewSender(tt.url, "no-reply@localhost", discardLogger())
			if err != nil {
				t.Fatalf("NewSender: %v", err)
			}
			if got := s.(*smtpSender).cfg; got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestNewSenderRejectsBadURL(t *testing.T) {
	const secret = "s3cr3t" // must never show up in an error
	tests := []struct {
		url     string
		wantErr string
	}{
		{"http://mail.example.com", `unsupported scheme "http"`},
		{"mailto:no-reply@example.com", `unsupported scheme "mailto"`},
		{"mail.example.com:25", "unsupported scheme"},
		{"mail.example.com", "missing scheme"},
		{"//mail.example.com", "missing scheme"},
		{"smtp:mail.example.com:25", "want smtp://host:port"},
		{"smtp://", "missing host"},
		{"smtp://:25", "missing host"},
		{"smtp://mail.example.com:", "empty port"},
		{"smtp://mail.example.com:0", "out of range"},
		{"smtp://mail.example.com:65536", "out of range"},
		{"smtp://mail.example.com:abc", "malformed SMTP URL"},
		{"smtp://mail.example.com/relay", `unexpected path "/relay"`},
		{"smtp://mail.example.com?tls=none", "query parameters are not supported"},
		{"smtp://mail.example.com?", "query parameters are not supported"},
		{"smtp://mail.example.com#x", "unexpected fragment"},
		{"smtp://:" + secret + "@mail.example.com", "without a user name"},
		{"smtp://user@mail.example.com", `user "user" has no password`},
		{"smtp://user:@mail.example.com", `user "user" has no password`},
		{"smtp://user:" + secret + "@mail.example.com:bad", "malformed SMTP URL"},
		{"smtp://user:" + secret + "@mail.example.com/x", `unexpected path "/x"`},
		{"ftp://user:" + secret + "@mail.example.com", `unsupported scheme "ftp"`},
		{"smtp://user:" + secret + "@mail example.com", "malformed SMTP URL"},
		{"smtp://user:" + secret + "@mail.exa\x7fmple.com", "malformed SMTP URL"},
		{"smtp://user:" + secret + "%zz@mail.example.com", "malformed SMTP URL"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := NewSender(tt.url, "accountd <no-reply@localhost>", discardLogger())
			if err == nil {
				t.Fatalf("NewSender(%q) = %T, want error", tt.url, s)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q reveals the password", err)
			}
		})
	}
}

func TestNewSenderRejectsBadFrom(t *testing.T) {
	tests := []struct {
		from    string
		wantErr string
	}{
		{"", "from address is empty"},
		{"   ", "from address is empty"},
		{"accountd", "invalid from address"},
		{"accountd <no-reply>", "invalid from address"},
		{"a@example.com, b@example.com", "invalid from address"},
		{"accountd <no-reply@localhost>\r\nBcc: x@example.com", "invalid from address"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			for _, url := range []string{"", "smtp://localhost:25"} {
				_, err := NewSender(url, tt.from, discardLogger())
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("NewSender(%q, %q) error = %v, want it to contain %q", url, tt.from, err, tt.wantErr)
				}
			}
		})
	}
}

func TestNewSenderPicksTransport(t *testing.T) {
	tests := []struct {
		url     string
		wantLog bool
	}{
		{"", true},
		{"  ", true},
		{"smtp://localhost", false},
		{"smtps://user:pass@localhost:465", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			s, err := NewSender(tt.url, "no-reply@localhost", discardLogger())
			if err != nil {
				t.Fatalf("NewSender: %v", err)
			}
			_, isLog := s.(*LogSender)
			_, isSMTP := s.(*smtpSender)
			if isLog != tt.wantLog || isSMTP == tt.wantLog {
				t.Errorf("NewSender(%q) = %T, want LogSender: %v", tt.url, s, tt.wantLog)
			}
		})
	}
}
