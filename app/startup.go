package app

import (
	"net"
	"net/url"

	"github.com/accountd/accountd/models"
)

// logStartup writes the one line an operator reads first: what runs, on what, where mail
// goes, and where to find it. It names no password.
func (a *App) logStartup(l net.Listener) {
	mode := "production"
	if dev, _ := a.cfg.devMode(); dev && (a.cfg.SMTPURL == "" || a.cfg.RecaptchaSecret == "") {
		mode = "development"
	}
	base := "http://" + l.Addr().String()
	if host, port, err := net.SplitHostPort(l.Addr().String()); err == nil && net.ParseIP(host).IsUnspecified() {
		base = "http://localhost:" + port
	}
	a.log.Info("accountd serving", "mode", mode, "database", models.Describe(a.cfg.DatabaseURL),
		"mail", mailTarget(a.cfg.SMTPURL), "url", base, "docs", base+"/docs", "public_url", a.cfg.PublicURL)
}

// mailTarget names where mail goes without credentials: smtp://host:port, or the log.
func mailTarget(smtpURL string) string {
	if smtpURL == "" {
		return "the log (no ACCOUNTD_SMTP_URL)"
	}
	u, err := url.Parse(smtpURL)
	if err != nil {
		return "smtp (unparsable URL)"
	}
	return u.Scheme + "://" + u.Host
}
