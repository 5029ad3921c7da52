package app

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

// readLimits reads the code limits (ACCOUNTD_CODE_COOLDOWN, ACCOUNTD_CODES_PER_HOUR); a
// malformed value is kept as an error that New reports, so a typo never silently means "default".
func (c *Config) readLimits() {
	if v := os.Getenv("ACCOUNTD_CODE_COOLDOWN"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			c.envErr = fmt.Errorf("ACCOUNTD_CODE_COOLDOWN: %w", err)
		}
		c.CodeCooldown = d
	}
	if v := os.Getenv("ACCOUNTD_CODES_PER_HOUR"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			c.envErr = fmt.Errorf("ACCOUNTD_CODES_PER_HOUR: %w", err)
		}
		c.CodesPerHour = n
	}
}

// checkLimits refuses code limits that cannot work (0 keeps the default).
func (c *Config) checkLimits() error {
	if c.envErr != nil {
		return c.envErr
	}
	if c.CodeCooldown < 0 {
		return fmt.Errorf("ACCOUNTD_CODE_COOLDOWN must not be negative, got %s", c.CodeCooldown)
	}
	if c.CodesPerHour < 0 {
		return fmt.Errorf("ACCOUNTD_CODES_PER_HOUR must not be negative, got %d", c.CodesPerHour)
	}
	return nil
}
