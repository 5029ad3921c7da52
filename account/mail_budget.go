package account

import "gorm.io/gorm"

// spendMail is the one budget of every mailed code: one mail of flow per ResendCooldown for
// subject (a cooldown measured from the last mail) and SendsPerHour per hour. flow is the
// code's purpose and subject the account for every flow of an account, whichever vendor's
// endpoint mails it, so one account has one clock per flow; flows that must not tell whether
// an address is known (a password reset, Rixl's resend by address) use the address's key as
// subject and drop a refused request silently.
//
// The hourly budget counts only mails the cooldown let through. Run inside the transaction
// that makes the code, the cooldown serialises parallel requests on its row, so exactly one
// passes, and a request refused or failing later rolls both counts back; run on its own (db not
// a transaction), each count commits at once.
func (s *Service) spendMail(db *gorm.DB, flow, subject string) error {
	if err := s.gate(db, "mail-cooldown/"+flow, subject, s.cfg.ResendCooldown); err != nil {
		return err
	}
	hourly := s.mailHourly(flow)
	hits, rest, err := s.hit(db, hourly, subject)
	if err != nil {
		return err
	}
	if hits > hourly.Max {
		return throttled(rest)
	}
	return nil
}
