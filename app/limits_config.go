package app

import "fmt"

// checkLimits refuses code limits that cannot work (0 keeps the default); set by flag or in
// code, they are not checked by FromEnv.
func (c *Config) checkLimits() error {
	if c.CodeCooldown < 0 {
		return fmt.Errorf("ACCOUNTD_CODE_COOLDOWN must not be negative, got %s", c.CodeCooldown)
	}
	if c.CodesPerHour < 0 {
		return fmt.Errorf("ACCOUNTD_CODES_PER_HOUR must not be negative, got %d", c.CodesPerHour)
	}
	return nil
}
