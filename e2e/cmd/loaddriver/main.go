//go:build linux

// Command loaddriver measures a real `regstack serve` under load and
// compares it with baselines taken in the same run.
//
// It starts the server as a child process on 127.0.0.1 with a generated
// configuration (SQLite in a temp dir, no email verification, the Argon2id
// parameters given), registers users, then measures login and /me
// throughput and latency, the server's CPU time per operation (from
// /proc/<pid>/stat) and its peak RSS during a burst of concurrent logins
// (VmHWM). The baselines are one Argon2id hash measured in this process
// and a bare net/http server (this binary in -bare mode) answering /me
// with the same bytes. Each phase also shows how many cores the server,
// the driver and everything else on the machine kept busy: on a shared
// machine the throughput ratios read low, and the CPU figures per
// operation are the ones to trust. The two /me phases take turns, in
// rounds of short windows, so both see the same machine. It reports:
//
//	R1 = login/s ÷ (cores ÷ CPU seconds per hash)   target ≥ 0.88
//	R2 = /me per s ÷ bare /me per s                 target ≥ 0.5
//	R3 = peak RSS ÷ (pool × Argon2 memory + 64 MiB)  target ≤ 1.0
//
// With -scale it measures how throughput and latency hold up instead: on
// each store named (sqlite, postgres, mongodb; the last two on the servers
// of -postgres-url and -mongodb-url, in a database the run creates and
// drops) it makes a database for each count of -seeds (-mongodb-seeds on
// the Mongo-wire store), installs the schema, bulk-inserts the users
// straight into it (multi-row INSERT, COPY, insertMany; one precomputed
// password hash), and runs one server on each, plus -nodes servers on the
// largest (PostgreSQL and MongoDB only, each node with cores ÷ nodes
// hashing workers unless -workers says otherwise), the clients spread
// over them. All blocks run side by side and their login phases, then
// their /me phases, take turns in rounds of short windows. It reports
//
//	p99 at the largest count ÷ p99 at the smallest, login and /me   target ≤ 1.2
//	-nodes servers' throughput ÷ one server's, login and /me        target ≥ 0.9
//
// (one server already keeps every core busy, so more nodes on the same
// machine can only share it: the ideal is 1.0).
//
// Usage:
//
//	loaddriver [-bin bin/regstack] [-smoke] [-json] [-enforce]
//	           [-users N] [-concurrency C] [-duration D] [-peak-logins N]
//	           [-argon2-m KiB] [-argon2-t N] [-argon2-p N] [-workers N]
//	           [-server-env KEY=VALUE]... [-keep]
//	loaddriver -scale sqlite,postgres,mongodb [-postgres-url URL] [-mongodb-url URL]
//	           [-seeds 1000,1000000] [-mongodb-seeds 1000,100000] [-nodes 2]
//	           [-json] [-enforce] [-concurrency C] [-duration D] [-argon2-* …]
//
// Without -bin it builds the regstack command (run it inside the
// repository). -smoke is a short run (well under a minute) for CI. The
// exit status is 1 when the run failed (a child did not start, or any
// request failed), 3 with -enforce when a ratio misses its target.
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// Exit statuses.
const (
	exitFailed = 1
	exitUsage  = 2
	exitMissed = 3
)

const (
	mib = 1 << 20
	// secretLength is the length of the generated jwt_secret, well above
	// the 32 characters regstack requires.
	secretLength = 64
)

// argonParams are Argon2id costs as the configuration spells them.
type argonParams struct {
	M uint32 `json:"memory_kib"`
	T uint32 `json:"iterations"`
	P uint8  `json:"parallelism"`
}

// options are the command-line settings of one run.
type options struct {
	bin         string
	users       int
	concurrency int
	duration    time.Duration
	peakLogins  int
	argon       argonParams
	workers     int
	smoke       bool
	json        bool
	enforce     bool
	keep        bool
	serverEnv   []string
	scale       scaleOptions
}

func main() {
	os.Exit(mainCode())
}

func mainCode() int {
	var (
		o              options
		bare           bool
		bareBody       string
		argM, argT     uint
		argP           uint
		fs             = flag.NewFlagSet("loaddriver", flag.ContinueOnError)
		defaultClients = 4 * runtime.NumCPU()
	)
	fs.StringVar(&o.bin, "bin", "", "regstack binary (default: build it into a temp dir)")
	fs.IntVar(&o.users, "users", 100, "users to register")
	fs.IntVar(&o.concurrency, "concurrency", defaultClients, "concurrent clients in the login and /me phases")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of the login and /me phases (each)")
	fs.IntVar(&o.peakLogins, "peak-logins", 200, "concurrent logins of the peak-RSS phase")
	fs.UintVar(&argM, "argon2-m", 19456, "Argon2id memory in KiB")
	fs.UintVar(&argT, "argon2-t", 2, "Argon2id iterations")
	fs.UintVar(&argP, "argon2-p", 1, "Argon2id parallelism")
	fs.IntVar(&o.workers, "workers", 0, "password_hash_workers (0: the server's default, GOMAXPROCS)")
	fs.BoolVar(&o.smoke, "smoke", false, "short run for CI: few users, short phases (under a minute)")
	fs.BoolVar(&o.json, "json", false, "print the report as JSON")
	fs.BoolVar(&o.enforce, "enforce", false, "exit 3 when a ratio misses its target")
	fs.BoolVar(&o.keep, "keep", false, "keep the temp dir (config, database, server log tail)")
	fs.Func("server-env", "`KEY=VALUE` for the server's environment (repeatable), e.g. GODEBUG=gctrace=1 or GOGC=50", func(v string) error {
		if !strings.Contains(v, "=") {
			return errors.New("want KEY=VALUE")
		}
		o.serverEnv = append(o.serverEnv, v)
		return nil
	})
	fs.Func("scale", "`BACKENDS` (comma-separated: sqlite, postgres, mongodb): run the scale measurements on these stores instead of the ratio run", func(v string) error {
		for _, b := range strings.Split(v, ",") {
			switch b = strings.TrimSpace(b); b {
			case backendSQLite, backendPostgres, backendMongo:
				o.scale.backends = append(o.scale.backends, b)
			default:
				return fmt.Errorf("unknown backend %q", b)
			}
		}
		return nil
	})
	fs.StringVar(&o.scale.postgresURL, "postgres-url", "", "PostgreSQL server for -scale postgres (the run creates and drops a database of its own on it)")
	fs.StringVar(&o.scale.mongoURL, "mongodb-url", "", "MongoDB-wire server for -scale mongodb (the run creates and drops a database of its own on it)")
	fs.Func("seeds", "`COUNTS` of users measured on SQL stores, ascending, bulk-inserted (default 1000,1000000)", intList(&o.scale.seeds))
	fs.Func("mongodb-seeds", "`COUNTS` of users measured on the MongoDB-wire store (default 1000,100000)", intList(&o.scale.mongoSeeds))
	fs.IntVar(&o.scale.nodes, "nodes", 2, "with -scale: nodes of the block compared with one node, at the largest user count, on PostgreSQL and MongoDB (1: none)")
	fs.BoolVar(&bare, "bare", false, "internal: serve the bare /me baseline")
	fs.StringVar(&bareBody, "bare-body", "", "internal: the /me body the bare server answers")
	if err := fs.Parse(os.Args[1:]); err != nil {
		return exitUsage
	}
	if bare {
		if err := serveBare(bareBody); err != nil {
			fmt.Fprintln(os.Stderr, "loaddriver -bare:", err)
			return exitFailed
		}
		return 0
	}
	if o.smoke {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if !set["users"] {
			o.users = 16
		}
		if !set["duration"] {
			o.duration = 2 * time.Second
		}
		if !set["concurrency"] {
			o.concurrency = 2 * runtime.NumCPU()
		}
	}
	if argM > 1<<32-1 || argT == 0 || argT > 1<<32-1 || argP == 0 || argP > 255 {
		fmt.Fprintln(os.Stderr, "loaddriver: -argon2-m, -argon2-t and -argon2-p are out of range")
		return exitUsage
	}
	o.argon = argonParams{M: uint32(argM), T: uint32(argT), P: uint8(argP)}
	if len(o.scale.seeds) == 0 {
		o.scale.seeds = []int{1000, 1_000_000}
	}
	if len(o.scale.mongoSeeds) == 0 {
		o.scale.mongoSeeds = []int{1000, 100_000}
	}
	if o.users < 1 || o.concurrency < 1 || o.duration <= 0 || o.peakLogins < 1 || o.workers < 0 {
		fmt.Fprintln(os.Stderr, "loaddriver: -users, -concurrency, -duration and -peak-logins must be positive, -workers not negative")
		return exitUsage
	}

	// Every loop below is bounded by counts and durations; this deadline
	// is the backstop, and a signal ends the run with its children.
	limit := 15 * time.Minute
	switch {
	case o.smoke:
		limit = 60 * time.Second
	case len(o.scale.backends) > 0:
		// Seeding a million users takes minutes on a busy machine.
		limit = 45 * time.Minute
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()

	if len(o.scale.backends) > 0 {
		return scaleMain(ctx, o)
	}
	rep, err := runLoad(ctx, o)
	if rep != nil {
		printReport(rep, o.json)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loaddriver:", err)
		return exitFailed
	}
	if o.enforce && !o.smoke && !rep.Met {
		return exitMissed
	}
	return 0
}

// scaleMain runs the scale measurements and prints their report.
func scaleMain(ctx context.Context, o options) int {
	rep, err := runScale(ctx, o)
	if rep != nil {
		printReport(rep, o.json)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loaddriver:", err)
		return exitFailed
	}
	if o.enforce && !rep.Met {
		return exitMissed
	}
	return 0
}

// intList parses a flag of comma-separated positive counts, ascending.
func intList(dst *[]int) func(string) error {
	return func(v string) error {
		var out []int
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < 1 {
				return fmt.Errorf("%q is not a positive count", f)
			}
			if len(out) > 0 && n <= out[len(out)-1] {
				return errors.New("counts must ascend")
			}
			out = append(out, n)
		}
		*dst = out
		return nil
	}
}

// progress tells the operator what the run is doing; the report itself
// goes to stdout.
func progress(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "loaddriver: "+format+"\n", args...)
}

// runDir makes the run's temp dir (config, databases, server logs) and
// returns the function that removes it, unless -keep says to keep it.
func runDir(o options, prefix string) (string, func(), error) {
	dir, err := os.MkdirTemp("", prefix)
	if err != nil {
		return "", nil, err
	}
	if o.keep {
		progress("keeping %s", dir)
		return dir, func() {}, nil
	}
	return dir, func() { _ = os.RemoveAll(dir) }, nil
}

// runLoad performs the whole run. It returns the report so far even when
// a phase fails, and always stops the children it started.
func runLoad(ctx context.Context, o options) (*report, error) {
	dir, cleanup, err := runDir(o, "regstack-load-")
	if err != nil {
		return nil, err
	}
	defer cleanup()

	pool := o.workers
	if pool == 0 {
		pool = runtime.NumCPU() // the server's GOMAXPROCS on this machine
	}
	rep := &report{
		Smoke: o.smoke, Cores: runtime.NumCPU(), Argon2: o.argon, PoolSize: pool,
		Users: o.users, Concurrency: o.concurrency, PhaseSeconds: o.duration.Seconds(),
	}

	// The in-process hash baseline comes first, on a quiet machine.
	minCPU := 2 * time.Second
	if o.smoke {
		minCPU = 300 * time.Millisecond
	}
	progress("measuring one Argon2id hash in-process (m=%d KiB t=%d p=%d)", o.argon.M, o.argon.T, o.argon.P)
	if rep.Hash, err = measureArgon2(ctx, o.argon, minCPU); err != nil {
		return nil, fmt.Errorf("argon2 baseline: %w", err)
	}

	bin := o.bin
	if bin == "" {
		progress("building regstack")
		if bin, err = serveproc.Build(ctx, dir); err != nil {
			return nil, err
		}
	}
	cfgDir := filepath.Join(dir, "config")
	if err := writeConfig(cfgDir, "sqlite:///"+filepath.Join(dir, "regstack.db"), o); err != nil {
		return nil, err
	}
	srv, err := serveproc.Start(ctx, serveproc.Options{
		Bin: bin, Dir: dir, Args: []string{"--config", cfgDir}, Env: o.serverEnv,
	})
	if err != nil {
		return nil, err
	}
	defer srv.Kill()
	progress("regstack serve is listening on %s (pid %d)", srv.URL, srv.Pid())

	ticks := clockTicks(ctx)
	serverCPU := cpuMeter{ticks: ticks, pids: []int{srv.Pid()}}
	client := loopbackClient(max(o.concurrency, o.peakLogins))
	defer client.CloseIdleConnections()
	a := api{client: client, base: srv.URL + "/api/auth"}
	tokens := &tokenBox{tokens: make([]string, o.users)}
	fail := func(err error) (*report, error) {
		return rep, fmt.Errorf("%w\nlast server log lines:\n%s", err, indent(srv.Tail(15)))
	}

	progress("registering %d users", o.users)
	rep.Register, err = run(ctx, plan{name: "register", clients: o.concurrency, maxOps: o.users}, serverCPU,
		func(ctx context.Context, i int) error { return a.register(ctx, i) })
	if err != nil || rep.Register.Errors+rep.Register.Busy > 0 || rep.Register.Ops != o.users {
		return fail(phaseError(rep.Register, err))
	}

	progress("logins: %d clients for %s", o.concurrency, o.duration)
	login := func(ctx context.Context, i int) error {
		u := i % o.users
		tok, err := a.login(ctx, u)
		if err == nil {
			tokens.put(u, tok)
		}
		return err
	}
	rep.Login, err = run(ctx, plan{name: "login", clients: o.concurrency, maxOps: 1_000_000, duration: o.duration}, serverCPU, login)
	if err != nil || rep.Login.Errors+rep.Login.Busy > 0 || rep.Login.Ops == 0 {
		return fail(phaseError(rep.Login, err))
	}

	all := tokens.all()
	meBody, err := a.me(ctx, all[0])
	if err != nil {
		return fail(err)
	}
	// The bare server answers the same body; it runs beside regstack
	// serve so that the two /me phases can alternate.
	bodyFile := filepath.Join(dir, "me.json")
	if err := os.WriteFile(bodyFile, meBody, 0o600); err != nil {
		return rep, err
	}
	bare, err := startBare(ctx, bodyFile)
	if err != nil {
		return rep, err
	}
	defer bare.stop()
	me := func(a api) func(ctx context.Context, i int) error {
		return func(ctx context.Context, i int) error {
			_, err := a.me(ctx, all[i%len(all)])
			return err
		}
	}
	progress("/me against regstack and bare net/http in turn: %d clients for %s each, in %d rounds", o.concurrency, o.duration, meRounds)
	mes, err := alternate(ctx, meRounds,
		contender{plan{name: "me", clients: o.concurrency, maxOps: 10_000_000, duration: o.duration}, serverCPU, me(a)},
		contender{plan{name: "bare-me", clients: o.concurrency, maxOps: 10_000_000, duration: o.duration},
			cpuMeter{ticks: ticks, pids: []int{bare.pid()}}, me(api{client: client, base: bare.URL + "/api/auth"})})
	rep.Me, rep.BareMe = mes[0], mes[1]
	if err != nil || rep.Me.Errors+rep.Me.Busy > 0 || rep.Me.Ops == 0 {
		return fail(phaseError(rep.Me, err))
	}
	if rep.BareMe.Errors > 0 || rep.BareMe.Ops == 0 {
		return rep, phaseError(rep.BareMe, nil)
	}
	bare.stop()

	progress("peak RSS: %d concurrent logins", o.peakLogins)
	if err := resetPeakRSS(srv.Pid()); err != nil {
		rep.Notes = append(rep.Notes, "could not reset VmHWM ("+err.Error()+"): peak RSS covers the whole run")
	}
	if rep.IdleRSSBytes, err = procStatusBytes(srv.Pid(), "VmRSS"); err != nil {
		return fail(err)
	}
	rep.Peak, err = run(ctx, plan{name: "peak-logins", clients: o.peakLogins, maxOps: o.peakLogins}, serverCPU, login)
	if err != nil || rep.Peak.Errors > 0 || rep.Peak.Ops+rep.Peak.Busy != o.peakLogins {
		return fail(phaseError(rep.Peak, err))
	}
	if rep.PeakRSSBytes, err = procStatusBytes(srv.Pid(), "VmHWM"); err != nil {
		return fail(err)
	}

	progress("stopping regstack serve (SIGTERM)")
	client.CloseIdleConnections()
	if code, err := srv.Stop(30 * time.Second); err != nil || code != 0 {
		return fail(fmt.Errorf("regstack serve exited with code %d after SIGTERM (%v)", code, err))
	}

	rep.ratios()
	return rep, nil
}

// meRounds is how many turns regstack's and the bare server's /me phases
// take: windows of a fifth of -duration each.
const meRounds = 5

// phaseError explains why a phase counts as failed.
func phaseError(p phase, err error) error {
	if err != nil {
		return fmt.Errorf("%s phase: %w", p.Name, err)
	}
	msg := fmt.Sprintf("%s phase: %d ok, %d errors, %d busy (503)", p.Name, p.Ops, p.Errors, p.Busy)
	if p.FirstError != "" {
		msg += "; first error: " + p.FirstError
	}
	return errors.New(msg)
}

// writeConfig writes regstack.toml and regstack.secrets.env (0600, a
// random 64-character jwt_secret) into cfgDir, for the database at
// databaseURL.
func writeConfig(cfgDir, databaseURL string, o options) error {
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		return err
	}
	dbURL, _ := json.Marshal(databaseURL) // a JSON string is a valid TOML basic string
	toml := fmt.Sprintf(`# Written by loaddriver for one load run.
database_url = %s
require_verification = false
rate_limit_disabled = true
argon2_memory_kib = %d
argon2_iterations = %d
argon2_parallelism = %d
password_hash_workers = %d
# The peak phase queues hundreds of logins behind the pool; let them wait
# rather than get 503.
password_hash_wait_seconds = 300
`, dbURL, o.argon.M, o.argon.T, o.argon.P, o.workers)
	if err := os.WriteFile(filepath.Join(cfgDir, "regstack.toml"), []byte(toml), 0o600); err != nil {
		return err
	}
	secret := make([]byte, secretLength/2)
	if _, err := rand.Read(secret); err != nil {
		return err
	}
	env := "REGSTACK_JWT_SECRET=" + hex.EncodeToString(secret) + "\n"
	return os.WriteFile(filepath.Join(cfgDir, "regstack.secrets.env"), []byte(env), 0o600)
}

func indent(lines []string) string {
	var out string
	for _, l := range lines {
		out += "  " + l + "\n"
	}
	return out
}

// printReport writes a load or scale report to stdout: indented JSON, or
// the text table.
func printReport(rep interface{ writeText(io.Writer) }, asJSON bool) {
	if !asJSON {
		rep.writeText(os.Stdout)
		return
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	_ = enc.Encode(rep)
}
