//go:build faults

package faults

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// pgInstance is a PostgreSQL server of the test's own (initdb in a temp dir, a free loopback
// port), so that it can be restarted and stopped at will without touching any other server.
type pgInstance struct {
	t    testing.TB
	bin  string
	data string
	port int
	cred *syscall.Credential // PostgreSQL refuses to run as root: run it as the postgres user
}

// startPostgres initialises and starts an instance; it is stopped when the test ends.
func startPostgres(t testing.TB) *pgInstance {
	t.Helper()
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			bins = []string{p}
		} else {
			t.Fatal("no initdb: install PostgreSQL's server (Debian: postgresql)")
		}
	}
	sort.Strings(bins)
	pg := &pgInstance{t: t, bin: filepath.Dir(bins[len(bins)-1]), port: freePort(t)}
	dir, err := os.MkdirTemp("", "accountd-faults-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root and there is no postgres user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		pg.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	pg.data = filepath.Join(dir, "data")
	pg.run("initdb", "-D", pg.data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c max_connections=200", pg.port, dir)
	pg.run("pg_ctl", "-D", pg.data, "-l", filepath.Join(dir, "log"), "-o", opts, "-w", "-t", "60", "start")
	t.Cleanup(func() { _ = pg.cmd("pg_ctl", "-D", pg.data, "-m", "immediate", "-w", "stop").Run() })
	return pg
}

// URL is the instance's postgres database.
func (pg *pgInstance) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", pg.port)
}

// restart restarts the server with the shutdown mode (fast: clients are disconnected and it
// shuts down cleanly; immediate: no clean shutdown, crash recovery at start) and returns how
// long it was gone.
func (pg *pgInstance) restart(mode string) time.Duration {
	start := time.Now()
	pg.run("pg_ctl", "-D", pg.data, "-l", filepath.Join(filepath.Dir(pg.data), "log"), "-m", mode, "-w", "-t", "60", "restart")
	return time.Since(start)
}

func (pg *pgInstance) cmd(name string, args ...string) *exec.Cmd {
	c := exec.Command(filepath.Join(pg.bin, name), args...)
	if pg.cred != nil {
		c.SysProcAttr = &syscall.SysProcAttr{Credential: pg.cred}
	}
	c.Dir = os.TempDir()
	return c
}

func (pg *pgInstance) run(name string, args ...string) {
	pg.t.Helper()
	if out, err := pg.cmd(name, args...).CombinedOutput(); err != nil {
		pg.t.Fatalf("%s: %v\n%s", name, err, out)
	}
}

// freePort asks the kernel for a free loopback port.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
