package account

import "gorm.io/gorm"

// afterOperatorRevoke tells the user that an operator ended every session of the account, and
// records it (the audit trail's session_revoked, announced as the session.revoked event).
func (s *Service) afterOperatorRevoke(tx *gorm.DB, userID string) error {
	acct, err := loadAccount(tx, userID)
	if err != nil {
		return err
	}
	if err := s.enqueueMail(tx, MailSessionsRevoked, acct.primary.Address, mailData{Email: acct.primary.Address}); err != nil {
		return err
	}
	return s.audit(tx, userID, "session_revoked", `{"reason":"operator","sessions":"all"}`)
}
