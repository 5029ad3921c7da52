package captcha

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestVerify(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil || r.Form.Get("secret") != "s3cret" {
			http.Error(w, "bad secret", http.StatusBadRequest)
			return
		}
		switch r.Form.Get("response") {
		case "good":
			_, _ = w.Write([]byte(`{"success":true}`))
		case "broken":
			_, _ = w.Write([]byte(`not json`))
		default:
			_, _ = w.Write([]byte(`{"success":false,"error-codes":["invalid-input-response"]}`))
		}
	}))
	defer srv.Close()
	checked := New("s3cret", srv.URL, srv.Client())
	wrongSecret := New("other", srv.URL, srv.Client())
	tests := []struct {
		name     string
		v        Verifier
		token    string
		rejected bool
		failed   bool
	}{
		{"accept any: non-empty", New("", "", nil), "x", false, false},
		{"accept any: empty", New("", "", nil), " ", true, false},
		{"siteverify: good", checked, "good", false, false},
		{"siteverify: bad", checked, "bad", true, false},
		{"siteverify: empty", checked, "", true, false},
		{"siteverify: broken answer", checked, "broken", false, true},
		{"siteverify: refused secret", wrongSecret, "good", false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.v.Verify(context.Background(), tc.token, "127.0.0.1")
			if got := errors.Is(err, ErrRejected); got != tc.rejected {
				t.Fatalf("rejected = %v, want %v (err %v)", got, tc.rejected, err)
			}
			if got := err != nil && !errors.Is(err, ErrRejected); got != tc.failed {
				t.Fatalf("failed = %v, want %v (err %v)", got, tc.failed, err)
			}
		})
	}
}
