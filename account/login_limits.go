package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/accountd/accountd/models"
	"gorm.io/gorm"
)

// Failed-login limits. Keys are HMACs of the address, whether or not an account has it, so the
// limits tell nothing about which addresses are registered.
var loginLimits = []struct {
	scope    string
	window   time.Duration
	max      int
	byClient bool
}{
	// One client guessing one address is slowed without touching anyone else.
	{"login-fail-client", 15 * time.Minute, 10, true},
	// Many clients guessing one address (a botnet) are stopped too; the owner is locked out only
	// for what is left of the hour, and told when to come back.
	{"login-fail", time.Hour, 50, false},
}

func (s *Service) loginLimitKey(i int, email, client string) string {
	subject := strings.ToLower(email)
	if loginLimits[i].byClient {
		subject += "|" + client
	}
	return s.keys.limitKey(loginLimits[i].scope, subject)
}

// checkLoginLimits refuses a login attempt for an address that has failed too often, before any
// password work is done.
func (s *Service) checkLoginLimits(ctx context.Context, email, client string) error {
	now := s.now()
	for i, l := range loginLimits {
		var rl models.RateLimit
		err := s.db.WithContext(ctx).Take(&rl, "key = ?", s.loginLimitKey(i, email, client)).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			continue
		}
		if err != nil {
			return internal(err)
		}
		start := now.Truncate(l.window)
		if rl.WindowStart.Equal(start) && rl.Hits >= l.max {
			return throttled(start.Add(l.window).Sub(now))
		}
	}
	return nil
}

// loginFailed counts a failed attempt against every limit.
func (s *Service) loginFailed(ctx context.Context, email, client string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		for i, l := range loginLimits {
			if _, _, err := s.allow(tx, s.loginLimitKey(i, email, client), l.window, l.max); err != nil {
				return err
			}
		}
		return nil
	})
}
