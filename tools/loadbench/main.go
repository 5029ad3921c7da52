// Command loadbench is `make bench`: a load test of every vendor's hot flows against
// `accountd serve` on a throwaway PostgreSQL database with a real SMTP server, side by side
// with this machine's floors measured in the same run (a bare net/http handler, pgbench running
// the minimal email-change transaction, raw argon2id). It prints one row per flow (requests/s,
// p50, p99, errors, server CPU per request, peak RSS, ratio to its floor) and, with -results,
// writes them into bench/results.md between the loadbench markers.
//
// Load only ever goes to 127.0.0.1, and every run is bounded in time (wrk -d, pgbench -T).
//
//	loadbench [-quick] [-flows REGEXP] [-results bench/results.md]
//	loadbench floor-http ADDR   (internal: the HTTP floor, run as its own process)
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

type options struct {
	accountd    string
	lua         string
	adminURL    string
	work        string
	results     string
	flows       *regexp.Regexp
	warmup      time.Duration
	duration    time.Duration
	conns       int
	resetConns  int
	threads     int
	users       int
	verifyUsers int
	quick       bool
	serverEnv   []string
	soak        time.Duration
	soakFlow    *regexp.Regexp
	profile     bool
	noFloors    bool
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("loadbench: ")
	if len(os.Args) == 3 && os.Args[1] == "floor-http" {
		log.Fatal(serveFloorHTTP(os.Args[2]))
	}
	var o options
	var flows string
	flag.StringVar(&o.accountd, "accountd", "bin/accountd", "the accountd binary under test")
	flag.StringVar(&o.lua, "lua", "bench/lua", "folder of the wrk scripts")
	flag.StringVar(&o.adminURL, "postgres", envOr("ACCOUNTD_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
		"PostgreSQL server URL (a superuser: throwaway databases are created and dropped)")
	flag.StringVar(&o.work, "work", "bench/out", "folder for logs, rows files and profiles (not committed)")
	flag.StringVar(&o.results, "results", "", "write the results table into this markdown file (between the loadbench markers)")
	flag.StringVar(&flows, "flows", "", "run only flows whose \"vendor name\" matches this regexp (floors always run)")
	flag.DurationVar(&o.warmup, "warmup", 5*time.Second, "warm-up per flow")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "measured run per flow")
	flag.IntVar(&o.conns, "c", 32, "connections (pgbench clients) per run")
	flag.IntVar(&o.resetConns, "reset-c", 2048, "connections for the reset flows: each answer takes at least 250 ms, so c/0.25 s bounds their rate")
	flag.IntVar(&o.threads, "t", 2, "wrk threads")
	flag.IntVar(&o.users, "users", 128, "accounts per vendor")
	flag.IntVar(&o.verifyUsers, "verify-users", 1024, "Rixl accounts for email/verify (one single-use code each)")
	var soakFlow string
	flag.DurationVar(&o.soak, "soak", 0, "after the flow matching -soak-flow, run it this long sampling the server's RSS (0: no soak)")
	flag.StringVar(&soakFlow, "soak-flow", "Payway request_email_change", "the flow to soak (regexp on \"vendor name\")")
	flag.Func("server-env", "an extra KEY=VALUE for the server's environment (repeatable), e.g. GOMEMLIMIT=off to compare settings", func(kv string) error {
		if !strings.Contains(kv, "=") {
			return fmt.Errorf("%q is not KEY=VALUE", kv)
		}
		o.serverEnv = append(o.serverEnv, kv)
		return nil
	})
	flag.BoolVar(&o.noFloors, "no-floors", false, "skip the floors (comparing builds or settings; ratios are then not computed, and -results is refused)")
	flag.BoolVar(&o.profile, "profile", false, "take the server's CPU and allocation profiles of each measured run into -work (costs a few percent; not for the results table)")
	flag.BoolVar(&o.quick, "quick", false, "smoke run: 1 s warm-up, 2 s per flow, 64 accounts per vendor (CI)")
	flag.Parse()
	if o.quick {
		// 64 accounts: at 32 connections, fewer would put two requests of one account in the
		// same 1 ms cooldown window (429s that full runs, with 128, do not have).
		o.warmup, o.duration, o.users, o.verifyUsers, o.resetConns = time.Second, 2*time.Second, 64, 64, 64
	}
	if o.noFloors && o.results != "" {
		log.Fatal("-no-floors: results.md rows need their floors")
	}
	o.soakFlow = regexp.MustCompile(soakFlow)
	if flows != "" {
		o.flows = regexp.MustCompile(flows)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, &o); err != nil {
		log.Fatal(err)
	}
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func run(ctx context.Context, o *options) error {
	var err error
	if o.work, err = filepath.Abs(o.work); err != nil {
		return err
	}
	if o.accountd, err = filepath.Abs(o.accountd); err != nil {
		return err
	}
	if err := os.MkdirAll(o.work, 0o755); err != nil {
		return err
	}
	rep := &report{started: time.Now().UTC(), loadBefore: loadAvg1(), o: o}
	rep.machine = machineInfo(ctx, o)
	stamp := fmt.Sprintf("%d", time.Now().Unix())

	// Floors first, on an idle machine.
	if !o.noFloors {
		if err := measureFloors(ctx, o, rep, stamp); err != nil {
			return err
		}
	}

	// accountd on its own throwaway database, with a real SMTP server.
	rows, err := benchAccountd(ctx, o, stamp, rep)
	rep.rows = rows
	rep.loadAfter = loadAvg1()
	rep.print(os.Stdout)
	if err != nil {
		return err
	}
	if o.results != "" {
		if err := rep.writeMarkdown(o.results); err != nil {
			return err
		}
	}
	// A flow that could not be measured fails the run (after the table, which says why), so
	// that the smoke run in CI notices a broken flow.
	var failed []string
	for _, r := range rows {
		if r.err != nil {
			failed = append(failed, r.flow.vendor+" "+r.flow.name)
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("not measured: %s", strings.Join(failed, ", "))
	}
	return nil
}

// measureFloors measures the three floors into rep.
func measureFloors(ctx context.Context, o *options, rep *report, stamp string) error {
	log.Print("floor: HTTP (bare net/http handler, 204)")
	hf, err := httpFloor(ctx, o)
	if err != nil {
		return err
	}
	rep.floors = append(rep.floors, hf)
	log.Print("floor: argon2id")
	perSec, perHash := argonFloor(o.duration)
	rep.floors = append(rep.floors, floor{key: floorHash, name: "hashing floor (argon2id m=19 MiB t=2 p=1, one goroutine per core)",
		unit: "hashes/s", rate: perSec, cpuPerOp: perHash})
	log.Print("floor: pgbench")
	pgName := "loadbench_floor_" + stamp
	pgURL, err := createDB(ctx, o, pgName)
	if err != nil {
		return err
	}
	pf, err := pgFloor(ctx, o, pgURL, o.work)
	dropDB(o, pgName)
	if err != nil {
		return err
	}
	pf.key = floorDB
	rep.floors = append(rep.floors, pf)
	return nil
}

// httpFloor measures the bare handler in its own process, as a flow is measured.
func httpFloor(ctx context.Context, o *options) (floor, error) {
	addr, err := freeAddr()
	if err != nil {
		return floor{}, err
	}
	self, err := os.Executable()
	if err != nil {
		return floor{}, err
	}
	s, err := startProcess(ctx, self, []string{"floor-http", addr}, nil, filepath.Join(o.work, "floor-http.log"), addr, "/")
	if err != nil {
		return floor{}, err
	}
	defer s.stop()
	r, err := measure(ctx, o, s, flow{name: "HTTP floor", method: "GET", path: "/", plain: true})
	if err != nil {
		return floor{}, err
	}
	return floor{key: floorHTTP, name: "HTTP floor (net/http handler answering 204)", unit: "rps", rate: r.rps,
		p50: r.p50, p99: r.p99, errors: r.errors, cpuPerOp: r.cpuPerReq}, nil
}

func createDB(ctx context.Context, o *options, name string) (string, error) {
	if err := psql(ctx, o.adminURL, "CREATE DATABASE "+name+";"); err != nil {
		return "", err
	}
	return dbURLFor(o.adminURL, name)
}

func dropDB(o *options, name string) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := psql(ctx, o.adminURL, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE);"); err != nil {
		log.Printf("drop %s: %v", name, err)
	}
}
