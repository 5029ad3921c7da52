package account

import (
	"context"
	"errors"
	"testing"

	"github.com/accountd/accountd/account/password"
)

// Logging in an existing user from register is a vendor's choice (LoginExisting); without it an
// address that has an account is email_taken, whatever the password. A weak password comes back
// as reason codes for the vendor to word, never as text.
func TestRegisterOptions(t *testing.T) {
	forEachService(t, func(t *testing.T, s *Service, _ *testClock) {
		ctx := context.Background()
		in := RegisterInput{Email: "opt@example.com", Password: "correct-horse-battery", TOSAccepted: true, Client: "192.0.2.1"}
		if _, err := s.Register(ctx, in); err != nil {
			t.Fatal(err)
		}
		var e *Error
		if _, err := s.Register(ctx, in); !errors.As(err, &e) || e.Code != CodeEmailTaken || e.Field != FieldEmail {
			t.Fatalf("again without LoginExisting: %v", err)
		}
		in.LoginExisting = true
		res, err := s.Register(ctx, in)
		if err != nil || !res.ExistingUser || res.Token == "" {
			t.Fatalf("again with LoginExisting: %+v %v", res, err)
		}
		in.Password = "wrong-horse-battery"
		if _, err := s.Register(ctx, in); !errors.As(err, &e) || e.Code != CodeEmailTaken {
			t.Fatalf("wrong password with LoginExisting: %v", err)
		}
		_, err = s.Register(ctx, RegisterInput{Email: "weak@example.com", Password: "123", TOSAccepted: true})
		if !errors.As(err, &e) || e.Code != CodeWeakPassword || e.Field != FieldPassword ||
			len(e.Reasons) != 3 || e.Reasons[0] != password.TooShort || e.Reasons[1] != password.TooCommon || e.Reasons[2] != password.EntirelyNumeric {
			t.Fatalf("weak password: %#v", err)
		}
	})
}
