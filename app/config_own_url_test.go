package app

import "testing"

// Unset ACCOUNTD_PUBLIC_URL, the mailed links point at this server's own pages.
func TestOwnURL(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{":8080", "http://localhost:8080"},
		{":9090", "http://localhost:9090"},
		{"0.0.0.0:8081", "http://localhost:8081"},
		{"127.0.0.1:8082", "http://127.0.0.1:8082"},
		{"[::]:8083", "http://localhost:8083"},
		{"[::1]:8084", "http://[::1]:8084"},
	} {
		if got := ownURL(c.addr); got != c.want {
			t.Errorf("ownURL(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
	cfg := Config{Addr: ":9090"}
	cfg.setDefaults()
	if cfg.PublicURL != "http://localhost:9090" {
		t.Errorf("an unset public URL defaults to %q", cfg.PublicURL)
	}
}
