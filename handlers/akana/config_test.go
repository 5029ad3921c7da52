package akana

import (
	"testing"
	"time"
)

func TestSettingsCheck(t *testing.T) {
	cases := []struct {
		s  Settings
		ok bool
	}{
		{Settings{}, true},
		{Settings{Tenant: "globex-eu", SessionTTL: time.Hour}, true},
		{Settings{Tenant: "a b"}, false},
		{Settings{Tenant: "a_b"}, false}, // "_" separates the tenant in cookie and header names
		{Settings{Tenant: "acme;Path=/"}, false},
		{Settings{Tenant: "x.y"}, false}, // "." separates it in userFDNs
		{Settings{SessionTTL: 30 * time.Second}, false},
		{Settings{SessionTTL: -1}, false}, // an unparsable ACCOUNTD_AKANA_SESSION_TTL
	}
	for _, c := range cases {
		if err := c.s.Check(); (err == nil) != c.ok {
			t.Errorf("%+v: %v, want ok=%v", c.s, err, c.ok)
		}
	}
}
