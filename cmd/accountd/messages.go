package main

import (
	"errors"
	"strings"

	"github.com/accountd/accountd/account"
	"github.com/accountd/accountd/account/password"
)

// The operator commands' own wording of the core's errors (the core speaks only in codes).
var operatorMessages = map[string]string{
	account.CodeEmailTaken:    "this email address is already in use",
	account.CodeInvalidEmail:  "not a valid email address",
	account.CodeInvalidRole:   "the role must be member, site_admin or business_admin",
	account.CodeInvalidName:   "the name must have 1 to 200 characters",
	account.CodeNotFound:      "no such organisation, user or client",
	account.CodeAlreadyMember: "the user is already a member of this organisation (its role is unchanged)",
	account.CodeInvalidScope:  "a scope must be one word",
}

// describe words a core error for the operator: "invalid/weak_password (password): This
// password is too short...".
func describe(err error) error {
	var e *account.Error
	if !errors.As(err, &e) || e.Kind == account.KindInternal {
		return err
	}
	msg := operatorMessages[e.Code]
	if e.Code == account.CodeWeakPassword {
		var msgs []string
		for _, r := range e.Reasons {
			msgs = append(msgs, password.ParseProblem(r).Message())
		}
		msg = strings.Join(msgs, " ")
	}
	if msg == "" {
		return err
	}
	return &described{msg: msg, err: e}
}

type described struct {
	msg string
	err *account.Error
}

func (d *described) Error() string { return d.err.Error() + ": " + d.msg }
func (d *described) Unwrap() error { return d.err }
