package webhook

// Event types: every account event a customer's system can subscribe to.
const (
	UserCreated          = "user.created"
	UserVerified         = "user.verified"
	EmailChangeRequested = "email.change_requested"
	EmailChanged         = "email.changed"
	PasswordChanged      = "password.changed"
	PasswordReset        = "password.reset"
	SessionRevoked       = "session.revoked"
	LoginFailedLimit     = "login.failed_limit"
	AccountDeleted       = "account.deleted"
	allTypes             = "*"
)

// Types lists every event type.
func Types() []string {
	return []string{UserCreated, UserVerified, EmailChangeRequested, EmailChanged, PasswordChanged,
		PasswordReset, SessionRevoked, LoginFailedLimit, AccountDeleted}
}

func knownType(t string) bool {
	for _, k := range Types() {
		if k == t {
			return true
		}
	}
	return false
}
