//go:build linux

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/regstack/regstack/core/password"
	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// Targets of the scale run.
const (
	// targetP99Growth bounds p99 at the largest user count ÷ p99 at the
	// smallest, for login and for /me.
	targetP99Growth = 1.2
	// targetNodeRatio is the least throughput of several nodes on one
	// database ÷ that of one node. On a machine whose cores one node
	// already keeps busy the ideal is 1.0; less means the nodes get in
	// each other's way.
	targetNodeRatio = 0.9
)

// scaleOptions say what a scale run measures.
type scaleOptions struct {
	// backends are the stores to measure, in order: sqlite, postgres,
	// mongodb.
	backends []string
	// postgresURL and mongoURL are servers on which the run makes (and
	// then drops) a database of its own.
	postgresURL, mongoURL string
	// seeds are the user counts measured on SQL backends, ascending; each
	// count gets a database of its own, filled by bulk insert.
	seeds []int
	// mongoSeeds are the user counts on the Mongo-wire backend.
	mongoSeeds []int
	// nodes, when above 1, adds a block with that many servers at the
	// largest user count (not on SQLite).
	nodes int
}

// scaleReport is the outcome of a scale run; -json prints it as is.
type scaleReport struct {
	Cores        int             `json:"cores"`
	Argon2       argonParams     `json:"argon2"`
	Concurrency  int             `json:"concurrency"`
	PhaseSeconds float64         `json:"phase_seconds"`
	Backends     []backendReport `json:"backends"`
	Met          bool            `json:"targets_met"`
}

// backendReport is one backend's blocks and ratios.
type backendReport struct {
	Backend string        `json:"backend"`
	Seeding []seedReport  `json:"seeding"`
	Blocks  []blockReport `json:"blocks"`
	// LoginP99Growth and MeP99Growth are p99 at the largest user count ÷
	// p99 at the smallest, one node each.
	LoginP99Growth float64 `json:"login_p99_growth"`
	MeP99Growth    float64 `json:"me_p99_growth"`
	// Nodes is the node count of the multi-node block (0: none ran);
	// LoginNodeRatio and MeNodeRatio are its throughput ÷ one node's at
	// the same user count.
	Nodes          int     `json:"nodes,omitempty"`
	LoginNodeRatio float64 `json:"login_node_ratio,omitempty"`
	MeNodeRatio    float64 `json:"me_node_ratio,omitempty"`
	Met            bool    `json:"targets_met"`
}

// seedReport is one bulk insert.
type seedReport struct {
	Users     int     `json:"users"`
	Seconds   float64 `json:"seconds"`
	PerSecond float64 `json:"users_per_s"`
}

// blockReport is one measurement: nodes servers on a database of users.
type blockReport struct {
	Users int `json:"users"`
	Nodes int `json:"nodes"`
	// Workers is each node's password_hash_workers (0: the server's
	// default, GOMAXPROCS).
	Workers int   `json:"password_hash_workers"`
	Login   phase `json:"login"`
	Me      phase `json:"me"`
}

// runScale measures every backend of o.scale in turn. It returns what it
// measured even when a backend fails, and always removes the databases
// it made.
func runScale(ctx context.Context, o options) (*scaleReport, error) {
	rep := &scaleReport{Cores: runtime.NumCPU(), Argon2: o.argon, Concurrency: o.concurrency, PhaseSeconds: o.duration.Seconds()}
	// One hash for every seeded user, made with the servers' parameters
	// so a login never rehashes.
	phc, err := password.Hash(loadPassword, password.Params{
		MemoryKiB: o.argon.M, Iterations: o.argon.T, Parallelism: o.argon.P, SaltLength: 16, KeyLength: 32,
	})
	if err != nil {
		return nil, fmt.Errorf("precompute the password hash: %w", err)
	}
	rep.Met = true
	for _, b := range o.scale.backends {
		br, err := runBackend(ctx, o, b, phc)
		if br != nil {
			rep.Backends = append(rep.Backends, *br)
			rep.Met = rep.Met && br.Met
		}
		if err != nil {
			return rep, fmt.Errorf("%s: %w", b, err)
		}
	}
	return rep, nil
}

// runBackend seeds a fresh database of backend for each user count, runs
// one node on each (and, with -nodes, a multi-node block on the largest),
// and measures them all in turns: the login phases by rounds of short
// windows, one block after the other, then the /me phases likewise. Blocks
// measured one after the other would compare a quiet and a busy stretch
// of a shared machine as often as they compare user counts.
func runBackend(ctx context.Context, o options, backend, phc string) (_ *backendReport, err error) {
	dir, cleanup, err := runDir(o, "regstack-scale-")
	if err != nil {
		return nil, err
	}
	defer cleanup()
	serverURL, seeds := "", o.scale.seeds
	switch backend {
	case backendPostgres:
		serverURL = o.scale.postgresURL
	case backendMongo:
		serverURL, seeds = o.scale.mongoURL, o.scale.mongoSeeds
	}
	if backend != backendSQLite && serverURL == "" {
		return nil, fmt.Errorf("no server URL: pass -%s-url", backend)
	}
	bin, err := regstackBinary(ctx, o, dir)
	if err != nil {
		return nil, err
	}
	br := &backendReport{Backend: backend}
	var targets []*target
	defer func() {
		dctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		for _, t := range targets {
			if t.cl != nil { // nil when its set-up failed early
				t.cl.kill()
			}
			if t.db != nil {
				err = errors.Join(err, t.db.Drop(dctx))
			}
		}
	}()

	for _, n := range seeds {
		t := &target{users: n, nodes: 1}
		targets = append(targets, t)
		if err := t.prepare(ctx, o, backend, serverURL, filepath.Join(dir, fmt.Sprintf("users-%d", n)), bin); err != nil {
			return br, err
		}
		progress("%s: seeding %d users by bulk insert", backend, n)
		t0 := time.Now()
		if err := t.db.Seed(ctx, 0, n, phc); err != nil {
			return br, err
		}
		secs := time.Since(t0).Seconds()
		br.Seeding = append(br.Seeding, seedReport{Users: n, Seconds: secs, PerSecond: float64(n) / secs})
	}
	// Several nodes share a PostgreSQL or a MongoDB deployment; an SQLite
	// file is one node's store, so it gets no multi-node block.
	if o.scale.nodes > 1 && len(targets) > 0 && backend != backendSQLite {
		// The multi-node block shares the largest block's database. All
		// its nodes run on this one machine, so unless -workers says
		// otherwise each gets cores ÷ nodes hashing workers, as
		// docs/configuration.md advises for that case: with every node
		// sizing its pool to all the cores, twice as many Argon2 hashes
		// as cores would contend for them.
		last := targets[len(targets)-1]
		multi := o
		if multi.workers == 0 {
			multi.workers = max(1, runtime.NumCPU()/o.scale.nodes)
		}
		cfgDir := filepath.Join(last.cl.dir, "config-multi")
		if err := writeConfig(cfgDir, last.db.URL(), multi); err != nil {
			return br, err
		}
		targets = append(targets, &target{
			users: last.users, nodes: o.scale.nodes, workers: multi.workers,
			cl: &cluster{bin: bin, dir: last.cl.dir, cfgDir: cfgDir, env: o.serverEnv, name: "multi"},
		})
	}
	client := loopbackClient(o.concurrency)
	defer client.CloseIdleConnections()
	for _, t := range targets {
		progress("%s: %d users, %d node(s): starting", backend, t.users, t.nodes)
		if err := t.start(ctx, client); err != nil {
			return br, fmt.Errorf("%d users, %d node(s): %w", t.users, t.nodes, err)
		}
	}

	blocks := make([]blockReport, len(targets))
	measure := func(name string, maxOps int, op func(*target) func(context.Context, int) error, set func(*blockReport, phase)) error {
		cs := make([]contender, len(targets))
		for k, t := range targets {
			blocks[k].Users, blocks[k].Nodes, blocks[k].Workers = t.users, t.nodes, t.workers
			cs[k] = contender{plan{name: name, clients: o.concurrency, maxOps: maxOps, duration: o.duration}, t.meter, op(t)}
		}
		progress("%s: %s for %s on each of %d blocks, in %d rounds", backend, name, o.duration, len(targets), scaleRounds)
		phases, err := alternate(ctx, scaleRounds, cs...)
		for k, p := range phases {
			set(&blocks[k], p)
			if err == nil && (p.Errors+p.Busy > 0 || p.Ops == 0) {
				err = fmt.Errorf("%d users, %d node(s): %w\nlast server log lines:\n%s",
					targets[k].users, targets[k].nodes, phaseError(p, nil), targets[k].cl.tail())
			}
		}
		return err
	}
	err = measure("login", 1_000_000, (*target).loginOp, func(b *blockReport, p phase) { b.Login = p })
	if err == nil {
		err = measure("me", 10_000_000, (*target).meOp, func(b *blockReport, p phase) { b.Me = p })
	}
	br.Blocks = blocks
	if err != nil {
		return br, err
	}
	client.CloseIdleConnections()
	for _, t := range targets {
		if err := t.cl.stop(); err != nil {
			return br, err
		}
	}
	br.ratios()
	return br, nil
}

// scaleRounds is how many turns each block's login and /me phases take.
const scaleRounds = 5

// target is one block of a scale run: its nodes, their database, and the
// tokens its logins got for its /me phase.
type target struct {
	users, nodes int
	workers      int      // password_hash_workers per node; 0: the server's default
	db           database // nil for a block on another block's database
	cl           *cluster
	apis         []api
	meter        cpuMeter

	mu     sync.Mutex
	tokens []string
}

// prepare makes the block's database in dir and has a first server install
// the schema.
func (t *target) prepare(ctx context.Context, o options, backend, serverURL, dir, bin string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	db, err := openDatabase(ctx, backend, serverURL, dir)
	if err != nil {
		return err
	}
	t.db = db
	cfgDir := filepath.Join(dir, "config")
	if err := writeConfig(cfgDir, db.URL(), o); err != nil {
		return err
	}
	t.cl = &cluster{bin: bin, dir: dir, cfgDir: cfgDir, env: o.serverEnv, name: "single"}
	progress("%s: installing the schema for %d users", backend, t.users)
	if err := t.cl.start(ctx, 1); err != nil {
		return err
	}
	return t.cl.stop()
}

// start runs the block's nodes.
func (t *target) start(ctx context.Context, client *http.Client) error {
	if err := t.cl.start(ctx, t.nodes); err != nil {
		return err
	}
	t.meter = cpuMeter{ticks: clockTicks(ctx)}
	t.apis = nil
	for _, s := range t.cl.nodes {
		t.meter.pids = append(t.meter.pids, s.Pid())
		t.apis = append(t.apis, api{client: client, base: s.URL + "/api/auth"})
	}
	return nil
}

// loginOp logs in users spread over the whole table, round robin over the
// nodes, and keeps the tokens.
func (t *target) loginOp() func(context.Context, int) error {
	return func(ctx context.Context, i int) error {
		tok, err := t.apis[i%len(t.apis)].login(ctx, pickUser(i, t.users))
		if err == nil {
			t.mu.Lock()
			t.tokens = append(t.tokens, tok)
			t.mu.Unlock()
		}
		return err
	}
}

// meOp calls /me with the tokens of the login phase.
func (t *target) meOp() func(context.Context, int) error {
	t.mu.Lock()
	tokens := t.tokens
	t.mu.Unlock()
	return func(ctx context.Context, i int) error {
		if len(tokens) == 0 {
			return errors.New("no token: the login phase got none")
		}
		_, err := t.apis[i%len(t.apis)].me(ctx, tokens[i%len(tokens)])
		return err
	}
}

// regstackBinary is -bin, or the command built into dir.
func regstackBinary(ctx context.Context, o options, dir string) (string, error) {
	if o.bin != "" {
		return o.bin, nil
	}
	progress("building regstack")
	return serveproc.Build(ctx, dir)
}

// ratios compares the first and the last one-node blocks, and the
// multi-node block with the one-node block at its user count.
func (br *backendReport) ratios() {
	var one []blockReport
	var multi *blockReport
	for i, b := range br.Blocks {
		if b.Nodes == 1 {
			one = append(one, b)
		} else {
			multi = &br.Blocks[i]
		}
	}
	br.Met = true
	if len(one) >= 2 {
		first, last := one[0], one[len(one)-1]
		br.LoginP99Growth = safeDiv(last.Login.P99Ms, first.Login.P99Ms)
		br.MeP99Growth = safeDiv(last.Me.P99Ms, first.Me.P99Ms)
		br.Met = br.LoginP99Growth <= targetP99Growth && br.MeP99Growth <= targetP99Growth
	}
	if multi != nil && len(one) > 0 {
		base := one[len(one)-1]
		br.Nodes = multi.Nodes
		br.LoginNodeRatio = safeDiv(multi.Login.PerSecond, base.Login.PerSecond)
		br.MeNodeRatio = safeDiv(multi.Me.PerSecond, base.Me.PerSecond)
		br.Met = br.Met && br.LoginNodeRatio >= targetNodeRatio && br.MeNodeRatio >= targetNodeRatio
	}
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// cluster is the set of `regstack serve` nodes of one block, all with one
// configuration (and so one database).
type cluster struct {
	bin, dir, cfgDir string
	name             string // in the log file names
	env              []string
	nodes            []*serveproc.Server
	started          int // nodes started so far, for log file names
}

// start runs n nodes at once and waits until each listens.
func (c *cluster) start(ctx context.Context, n int) error {
	c.nodes = make([]*serveproc.Server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for k := range n {
		c.started++
		logFile := filepath.Join(c.dir, fmt.Sprintf("serve-%s-%02d.log", c.name, c.started))
		wg.Go(func() {
			c.nodes[k], errs[k] = serveproc.Start(ctx, serveproc.Options{
				Bin: c.bin, Dir: c.dir, Args: []string{"--config", c.cfgDir}, Env: c.env, LogFile: logFile,
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		c.kill()
		return err
	}
	return nil
}

// stop ends every node with SIGTERM and fails unless each exits cleanly.
func (c *cluster) stop() error {
	var errs []error
	for _, s := range c.nodes {
		if s == nil {
			continue
		}
		if code, err := s.Stop(30 * time.Second); err != nil || code != 0 {
			errs = append(errs, fmt.Errorf("regstack serve exited with code %d after SIGTERM (%v)", code, err))
		}
	}
	c.nodes = nil
	return errors.Join(errs...)
}

// kill ends every node at once; for failures.
func (c *cluster) kill() {
	for _, s := range c.nodes {
		if s != nil {
			s.Kill()
		}
	}
	c.nodes = nil
}

// tail is the end of every node's log, for an error message.
func (c *cluster) tail() string {
	var out string
	for k, s := range c.nodes {
		if s != nil {
			out += fmt.Sprintf("node %d:\n%s", k+1, indent(s.Tail(10)))
		}
	}
	return out
}

// pickUser spreads operation i over users 0..users-1 (a fixed mixing of
// i, so runs are repeatable): every part of the table is read, not only
// its first rows.
func pickUser(i, users int) int {
	x := uint64(i) + 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	x ^= x >> 31
	return int(x % uint64(users))
}

func (r *scaleReport) writeText(w io.Writer) {
	fmt.Fprintf(w, "regstack scale report: argon2id m=%d KiB t=%d p=%d, %d cores, %d clients, %.0f s phases\n",
		r.Argon2.M, r.Argon2.T, r.Argon2.P, r.Cores, r.Concurrency, r.PhaseSeconds)
	fmt.Fprintln(w, "  (srv CPU is the regstack nodes' CPU per operation; \"oth\" cores include the database server's own processes)")
	fmt.Fprintf(w, "  %-8s %8s %5s %8s %17s %9s %8s %15s %8s %20s %20s\n",
		"backend", "users", "nodes", "login/s", "login p50/p99 ms", "srv ms/op", "me/s", "me p50/p99 ms", "srv ms/op",
		"login cores srv/drv/oth", "me cores srv/drv/oth")
	for _, b := range r.Backends {
		for _, k := range b.Blocks {
			fmt.Fprintf(w, "  %-8s %8d %5d %8.1f %8.1f/%-8.1f %9.2f %8.1f %7.2f/%-7.2f %8.3f %12.2f/%.2f/%.2f %12.2f/%.2f/%.2f\n",
				b.Backend, k.Users, k.Nodes, k.Login.PerSecond, k.Login.P50Ms, k.Login.P99Ms, k.Login.ServerCPUMsPerOp,
				k.Me.PerSecond, k.Me.P50Ms, k.Me.P99Ms, k.Me.ServerCPUMsPerOp,
				k.Login.ServerCores, k.Login.DriverCores, k.Login.OtherCores,
				k.Me.ServerCores, k.Me.DriverCores, k.Me.OtherCores)
		}
	}
	for _, b := range r.Backends {
		for _, s := range b.Seeding {
			fmt.Fprintf(w, "  seeding %-8s %8d users by bulk insert in %6.1f s (%.0f users/s)\n", b.Backend, s.Users, s.Seconds, s.PerSecond)
		}
	}
	verdict := func(ok bool) string {
		if ok {
			return "ok"
		}
		return "MISSED"
	}
	for _, b := range r.Backends {
		if b.LoginP99Growth > 0 {
			first, last := b.Blocks[0].Users, 0
			for _, k := range b.Blocks {
				if k.Nodes == 1 {
					last = k.Users
				}
			}
			fmt.Fprintf(w, "  %-8s p99 at %d users / at %d users: login %5.2f %s, me %5.2f %s  (target <= %.1f)\n",
				b.Backend, last, first, b.LoginP99Growth, verdict(b.LoginP99Growth <= targetP99Growth),
				b.MeP99Growth, verdict(b.MeP99Growth <= targetP99Growth), targetP99Growth)
		}
		if b.Nodes > 0 {
			workers := "the default"
			for _, k := range b.Blocks {
				if k.Nodes == b.Nodes && k.Workers > 0 {
					workers = strconv.Itoa(k.Workers)
				}
			}
			fmt.Fprintf(w, "  %-8s %d nodes / 1 node throughput: login %5.2f %s, me %5.2f %s  (target >= %.1f; one node already uses every core; password_hash_workers per node: %s)\n",
				b.Backend, b.Nodes, b.LoginNodeRatio, verdict(b.LoginNodeRatio >= targetNodeRatio),
				b.MeNodeRatio, verdict(b.MeNodeRatio >= targetNodeRatio), targetNodeRatio, workers)
		}
	}
	for _, b := range r.Backends {
		for _, k := range b.Blocks {
			// Only on SQLite is everything but the nodes and the driver
			// foreign load; elsewhere the database server is in "oth".
			if b.Backend == backendSQLite && (k.Login.OtherCores > 0.25 || k.Me.OtherCores > 0.25) {
				fmt.Fprintln(w, "  warning: other processes kept the machine busy during the SQLite blocks (oth cores): figures read low and noisy")
				return
			}
		}
	}
}
