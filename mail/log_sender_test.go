package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"slices"
	"testing"
)

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// logRecords decodes the lines a slog.JSONHandler wrote.
func logRecords(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	dec := json.NewDecoder(buf)
	for dec.More() {
		var rec map[string]any
		if err := dec.Decode(&rec); err != nil {
			t.Fatalf("decode log: %v", err)
		}
		out = append(out, rec)
	}
	return out
}

func TestLogSenderWritesMessage(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewJSONHandler(&buf, nil))
	s, err := NewSender("", "accountd <no-reply@localhost>", log)
	if err != nil {
		t.Fatalf("NewSender: %v", err)
	}
	if _, ok := s.(*LogSender); !ok {
		t.Fatalf("NewSender(\"\") = %T, want *LogSender", s)
	}
	link := "https://accounts.example/activate?token=abc&x=1"
	m := Message{ID: "7", To: "ada@example.com", Subject: "Aktivieren ✓", Text: "Hello Ada,\n\n" + link + "\nBye"}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("Send: %v", err)
	}

	recs := logRecords(t, &buf)
	if len(recs) != 2 {
		t.Fatalf("got %d log records, want a start-up warning and the message: %v", len(recs), recs)
	}
	if recs[0]["level"] != "WARN" {
		t.Errorf("first record %v, want the WARN that mail is only logged", recs[0])
	}
	got := recs[1]
	want := map[string]any{
		"level": "INFO", "id": m.ID, "to": m.To, "subject": m.Subject, "text": m.Text, "link": link,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("log %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestLogSenderRejectsInvalidMessage(t *testing.T) {
	var buf bytes.Buffer
	s := &LogSender{Log: slog.New(slog.NewJSONHandler(&buf, nil))}
	err := s.Send(context.Background(), Message{ID: "1", To: "not an address"})
	if !errors.Is(err, ErrInvalidMessage) {
		t.Errorf("Send error = %v, want ErrInvalidMessage", err)
	}
	if buf.Len() != 0 {
		t.Errorf("invalid message was logged: %s", buf.String())
	}
}

func TestLinks(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"", nil},
		{"no links here", nil},
		{"go to https://a.example/x?y=1 now", []string{"https://a.example/x?y=1"}},
		{"http://a.example\nhttps://b.example\tftp://c.example", []string{"http://a.example", "https://b.example"}},
	}
	for _, tt := range tests {
		if got := links(tt.text); !slices.Equal(got, tt.want) {
			t.Errorf("links(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}
