package mail

import (
	"errors"
	"strings"
	"testing"
)

func TestMessageValidate(t *testing.T) {
	ok := Message{ID: "0190f5a2-7c1e-7b7e-9a57-3f0c2d9e8a11", To: "ada@example.com", Subject: "Hi", Text: "Hello"}
	tests := []struct {
		name    string
		edit    func(*Message)
		wantErr string // "" means valid
	}{
		{"uuid id", func(*Message) {}, ""},
		{"numeric id", func(m *Message) { m.ID = "42" }, ""},
		{"dotted id", func(m *Message) { m.ID = "outbox.42" }, ""},
		{"id with atext specials", func(m *Message) { m.ID = "a+b=c_d-e" }, ""},
		{"recipient with name", func(m *Message) { m.To = "Ada Lovelace <ada@example.com>" }, ""},
		{"unicode subject", func(m *Message) { m.Subject = "Bestätige deine E-Mail ✉" }, ""},
		{"empty subject and text", func(m *Message) { m.Subject, m.Text = "", "" }, ""},
		{"empty id", func(m *Message) { m.ID = "" }, "empty ID"},
		{"id with space", func(m *Message) { m.ID = "a b" }, "not allowed"},
		{"id with at", func(m *Message) { m.ID = "a@b" }, "not allowed"},
		{"id with bracket", func(m *Message) { m.ID = "a>b" }, "not allowed"},
		{"id with newline", func(m *Message) { m.ID = "a\r\nBcc: x@example.com" }, "not allowed"},
		{"id leading dot", func(m *Message) { m.ID = ".a" }, "misplaced dot"},
		{"id double dot", func(m *Message) { m.ID = "a..b" }, "misplaced dot"},
		{"id too long", func(m *Message) { m.ID = strings.Repeat("a", maxIDLen+1) }, "longer than"},
		{"empty recipient", func(m *Message) { m.To = "" }, "recipient"},
		{"bad recipient", func(m *Message) { m.To = "ada" }, "recipient"},
		{"two recipients", func(m *Message) { m.To = "a@example.com, b@example.com" }, "recipient"},
		{"subject with newline", func(m *Message) { m.Subject = "Hi\r\nBcc: x@example.com" }, "line break"},
		{"text not utf-8", func(m *Message) { m.Text = "caf\xe9" }, "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ok
			tt.edit(&m)
			_, err := m.validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("validate: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalidMessage) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("validate error = %v, want ErrInvalidMessage containing %q", err, tt.wantErr)
			}
		})
	}
}
