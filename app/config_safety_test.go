package app_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/accountd/accountd/app"
	"github.com/accountd/accountd/testkit"
)

func tryNew(t *testing.T, cfg app.Config) error {
	t.Helper()
	cfg.MailInterval = -1
	a, err := app.New(context.Background(), cfg)
	if err == nil {
		a.Close()
	}
	return err
}

// Accepting any recaptcha and writing mail to the log are development mode, on by default only
// for the embedded SQLite default; anywhere else the server refuses to start and says why.
func TestDevelopmentModeIsExplicit(t *testing.T) {
	t.Run("postgres without recaptcha or SMTP is refused", func(t *testing.T) {
		err := tryNew(t, app.Config{DatabaseURL: testkit.PostgresURL(t), Secret: testSecret})
		if err == nil || !strings.Contains(err.Error(), "refusing to start outside development mode") ||
			!strings.Contains(err.Error(), "ACCOUNTD_RECAPTCHA_SECRET") || !strings.Contains(err.Error(), "ACCOUNTD_SMTP_URL") {
			t.Fatalf("err = %v", err)
		}
	})
	for _, tc := range []struct {
		name    string
		cfg     func(dir string) app.Config
		refused bool
	}{
		{"a configured SQLite file without SMTP", func(dir string) app.Config {
			return app.Config{DatabaseURL: dir + "/x.db", RecaptchaSecret: "s"}
		}, true},
		{"a configured SQLite file without recaptcha", func(dir string) app.Config {
			return app.Config{DatabaseURL: dir + "/x.db", SMTPURL: "smtp://127.0.0.1:1"}
		}, true},
		{"development mode switched off on the default", func(dir string) app.Config { return app.Config{Dev: "false"} }, true},
		{"development mode asked for", func(dir string) app.Config { return app.Config{DatabaseURL: dir + "/x.db", Dev: "true"} }, false},
		{"the embedded SQLite default", func(dir string) app.Config { return app.Config{} }, false},
		{"both configured, no development mode needed", func(dir string) app.Config {
			return app.Config{DatabaseURL: dir + "/x.db", Dev: "false", RecaptchaSecret: "s", SMTPURL: "smtp://127.0.0.1:1"}
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			t.Chdir(dir) // the default database is accountd.db in the working directory
			err := tryNew(t, tc.cfg(dir))
			if tc.refused != (err != nil) {
				t.Fatalf("err = %v, want refused %v", err, tc.refused)
			}
			if tc.refused && !strings.Contains(err.Error(), "development mode") {
				t.Fatalf("the refusal does not say why: %v", err)
			}
		})
	}
}

// The SQLite files hold password hashes and sealed mail: created private. A secret file others
// can read is refused, and so is a secret with little entropy.
func TestFilesAtRest(t *testing.T) {
	t.Run("database files are 0600", func(t *testing.T) {
		dir := t.TempDir()
		e := newEnv(t, dir+"/accountd.db")
		e.register("files@example.com", goodPassword) // writes, so the WAL exists
		for _, name := range []string{"accountd.db", "accountd.db-wal", "accountd.db-shm"} {
			info, err := os.Stat(filepath.Join(dir, name))
			if err != nil {
				t.Fatal(err)
			}
			if perm := info.Mode().Perm(); perm != 0o600 {
				t.Errorf("%s: mode %04o, want 0600", name, perm)
			}
		}
	})
	t.Run("a secret file others can read is refused", func(t *testing.T) {
		for _, mode := range []os.FileMode{0o644, 0o660, 0o666, 0o604} {
			dir := t.TempDir()
			path := dir + "/accountd.secret"
			if err := os.WriteFile(path, []byte("Zk3v9QwPq7LmN2xR8tYb5Hc1Dj6Fg4Ks0Ae"), mode); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(path, mode); err != nil { // past the umask
				t.Fatal(err)
			}
			err := tryNew(t, app.Config{DatabaseURL: dir + "/accountd.db", Dev: "true"})
			if err == nil || !strings.Contains(err.Error(), "chmod 600") {
				t.Errorf("mode %04o: err = %v", mode, err)
			}
		}
	})
	for _, tc := range []struct{ name, secret string }{
		{"32 x a", strings.Repeat("a", 32)},
		{"a short pattern", strings.Repeat("ab", 24)},
		{"a repeated word", strings.Repeat("password", 5)},
	} {
		t.Run("low-entropy secret refused: "+tc.name, func(t *testing.T) {
			dir := t.TempDir()
			err := tryNew(t, app.Config{DatabaseURL: dir + "/a.db", Dev: "true", Secret: tc.secret})
			if err == nil || !strings.Contains(err.Error(), "low-entropy") {
				t.Errorf("ACCOUNTD_SECRET: err = %v", err)
			}
			if err := os.WriteFile(dir+"/b.secret", []byte(tc.secret), 0o600); err != nil {
				t.Fatal(err)
			}
			err = tryNew(t, app.Config{DatabaseURL: dir + "/b.db", Dev: "true"})
			if err == nil || !strings.Contains(err.Error(), "low-entropy") {
				t.Errorf("secret file: err = %v", err)
			}
		})
	}
}
