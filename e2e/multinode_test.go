package e2e_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/regstack/regstack/e2e/internal/serveproc"
)

// multiNodeResetLink matches the password-reset link the console mailer
// logs; the first group is the origin, the second the token.
var multiNodeResetLink = regexp.MustCompile(`(http://[^/\s"]+)/[^?\s"]*reset-password\?token=([A-Za-z0-9_.-]+)`)

// multiNodeTOML is the configuration every node shares: one database, one
// secret (in regstack.secrets.env), console email logging bodies, a low
// lockout threshold, and Argon2 parameters small enough for 100 resets.
const multiNodeTOML = `database_url = %q
login_lockout_threshold = 3
argon2_memory_kib = 8192
argon2_iterations = 1
argon2_parallelism = 1

[email]
backend = "console"
log_bodies = true
`

// TestMultiNode runs three `regstack serve` processes on one database, as
// a horizontally scaled deployment would, and checks that every piece of
// state a request leaves behind — pending registrations, sessions,
// revocations, lockout failures, used reset links — is seen by the other
// nodes.
func TestMultiNode(t *testing.T) {
	bin := buildRegstack(t)

	t.Run("three PostgreSQL nodes started together share accounts, revocations, lockouts and one-time links", func(t *testing.T) {
		t.Parallel()
		runMultiNode(t, bin, freshPostgresDatabase(t))
	})
	t.Run("three Mongo-wire nodes started together share accounts, revocations, lockouts and one-time links", func(t *testing.T) {
		t.Parallel()
		runMultiNode(t, bin, freshMongoDatabase(t))
	})
}

// runMultiNode starts three nodes on the empty database at dbURL at the
// same moment (so they race to install the schema) and walks one account
// across them.
func runMultiNode(t *testing.T, bin, dbURL string) {
	dir := t.TempDir()
	const (
		secret = "multi-node-secret-0123456789-abcdefghijklmnop"
		email  = "ada@example.com"
		pw     = "correct horse 1"
		newPW  = "battery staple 2"
	)
	writeFile(t, filepath.Join(dir, "regstack.toml"), fmt.Sprintf(multiNodeTOML, dbURL), 0o644)
	writeFile(t, filepath.Join(dir, "regstack.secrets.env"), "REGSTACK_JWT_SECRET="+secret+"\n", 0o600)

	nodes := startNodes(t, bin, dir, 3)
	a, b, c := nodes[0], nodes[1], nodes[2]
	api := func(s *serveproc.Server) *apiClient { return &apiClient{t: t, base: s.URL + "/api/auth"} }

	// Register on A, verify on B with the link A mailed, sign in on C.
	api(a).call("POST", "/register", "", map[string]any{"email": email, "password": pw}).want(201)
	verified := api(b).call("POST", "/verify", "", map[string]any{"token": verificationToken(t, a, a.URL)})
	verified.want(200)
	if verified.body["email"] != email || verified.body["is_verified"] != true {
		t.Fatalf("verify on B answered %s, want the verified user %s", verified.raw, email)
	}
	session := api(c).login(email, pw)
	for i, n := range nodes {
		me := api(n).call("GET", "/me", session, nil)
		me.want(200)
		if me.body["email"] != email {
			t.Fatalf("/me on node %d answered %s, want %s", i, me.raw, email)
		}
	}

	// A logout on A revokes the session everywhere.
	api(a).call("POST", "/logout", session, nil).want(200)
	for _, n := range nodes {
		api(n).call("GET", "/me", session, nil).wantDetail(401, "Token has been revoked.")
	}

	// Failures counted on any node add up to one lockout.
	api(a).call("POST", "/login", "", map[string]any{"email": email, "password": "wrong password 1"}).
		wantDetail(401, "Invalid email or password. 2 attempt(s) remaining.")
	api(b).call("POST", "/login", "", map[string]any{"email": email, "password": "wrong password 2"}).
		wantDetail(401, "Invalid email or password. 1 attempt(s) remaining.")
	api(c).call("POST", "/login", "", map[string]any{"email": email, "password": "wrong password 3"}).
		wantDetail(401, "Invalid email or password.")
	for _, n := range nodes {
		// Locked even with the right password.
		api(n).call("POST", "/login", "", map[string]any{"email": email, "password": pw}).
			wantDetailPrefix(429, "Too many failed attempts.")
	}

	// One reset link, 100 concurrent uses over the three nodes: one wins.
	api(a).call("POST", "/forgot-password", "", map[string]any{"email": email}).want(202)
	resetToken := logToken(t, a, multiNodeResetLink)
	statuses := concurrentResets(t, nodes, resetToken, newPW, 100)
	if statuses[200] != 1 || statuses[400] != 99 || len(statuses) != 2 {
		t.Fatalf("100 concurrent resets with one link answered %v, want exactly one 200 and 99 400s", statuses)
	}

	// The winner's password is the one every node knows, and the reset
	// lifted the lockout.
	api(b).call("POST", "/login", "", map[string]any{"email": email, "password": pw}).
		wantDetailPrefix(401, "Invalid email or password.")
	api(c).login(email, newPW)

	for i, n := range nodes {
		log := n.Log()
		for _, s := range []string{secret, pw, newPW, session} {
			if strings.Contains(log, s) {
				t.Fatalf("the log of node %d contains a secret (%.6s…)", i, s)
			}
		}
		if code, err := n.Stop(15 * time.Second); err != nil || code != 0 {
			t.Errorf("node %d after SIGTERM: exit code %d, %v; want 0\n%s", i, code, err, strings.Join(n.Tail(20), "\n"))
		}
	}
}

// startNodes starts n servers on the configuration in dir at the same
// moment and returns them once all listen; each is killed when the test
// ends.
func startNodes(t *testing.T, bin, dir string, n int) []*serveproc.Server {
	t.Helper()
	nodes := make([]*serveproc.Server, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			nodes[i], errs[i] = serveproc.Start(t.Context(), serveproc.Options{
				Bin:          bin,
				Dir:          dir,
				LogFile:      filepath.Join(dir, fmt.Sprintf("node-%d.log", i)),
				StartTimeout: 60 * time.Second,
			})
		})
	}
	close(start)
	wg.Wait()
	for _, s := range nodes {
		if s != nil {
			t.Cleanup(s.Kill)
		}
	}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d of %d started together did not come up: %v", i, n, err)
		}
	}
	return nodes
}

// logToken waits for the first line of srv's log re matches, checks the
// link points at srv and returns its token.
func logToken(t *testing.T, srv *serveproc.Server, re *regexp.Regexp) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	line, err := srv.WaitForLine(ctx, re.MatchString)
	if err != nil {
		t.Fatalf("no match of %s in the log: %v\n%s", re, err, srv.Log())
	}
	m := re.FindStringSubmatch(line)
	if m[1] != srv.URL {
		t.Errorf("the link points at %s, want %s", m[1], srv.URL)
	}
	return m[2]
}

// concurrentResets sends n POST /reset-password with tok at once, round
// robin over nodes, and counts the answers by status.
func concurrentResets(t *testing.T, nodes []*serveproc.Server, tok, newPW string, n int) map[int]int {
	t.Helper()
	body, err := json.Marshal(map[string]string{"token": tok, "new_password": newPW})
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 60 * time.Second}
	statuses := make([]int, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			statuses[i], errs[i] = postStatus(t.Context(), client, nodes[i%len(nodes)].URL+"/api/auth/reset-password", body)
		})
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for i, err := range errs {
		if err != nil {
			t.Fatalf("reset request %d: %v", i, err)
		}
		counts[statuses[i]]++
	}
	return counts
}

// postStatus POSTs a JSON body and returns the status code.
func postStatus(ctx context.Context, client *http.Client, target string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	return resp.StatusCode, nil
}

// serviceURL reads a test server's URL from the environment: unset, the
// test fails on CI and is skipped elsewhere.
func serviceURL(t *testing.T, name string) string {
	t.Helper()
	u := os.Getenv(name)
	if u == "" {
		msg := name + " is unset: start the test services with `. scripts/lib.sh; . scripts/deps.sh; . scripts/services.sh; start_services`"
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return u
}

// randomSuffix is 12 random hex digits for a database name of its own.
func randomSuffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// freshPostgresDatabase creates an empty database on the server of
// REGSTACK_TEST_POSTGRES_URL, dropped when the test ends, and returns its
// URL.
func freshPostgresDatabase(t *testing.T) string {
	t.Helper()
	u, err := url.Parse(serviceURL(t, "REGSTACK_TEST_POSTGRES_URL"))
	if err != nil {
		t.Fatalf("REGSTACK_TEST_POSTGRES_URL does not parse: %v", err)
	}
	u.Scheme = "postgres"
	conn, err := pgx.Connect(t.Context(), u.String())
	if err != nil {
		t.Fatalf("connect to REGSTACK_TEST_POSTGRES_URL: %v", err)
	}
	name := "rs_multinode_" + randomSuffix()
	if _, err := conn.Exec(t.Context(), "CREATE DATABASE "+name); err != nil {
		_ = conn.Close(context.Background())
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// freshMongoDatabase names a new database on the server of
// REGSTACK_TEST_MONGO_URL, dropped when the test ends, and returns the
// server URL with that database as its path.
func freshMongoDatabase(t *testing.T) string {
	t.Helper()
	base := serviceURL(t, "REGSTACK_TEST_MONGO_URL")
	client, err := mongo.Connect(options.Client().ApplyURI(base))
	if err != nil {
		t.Fatalf("connect to REGSTACK_TEST_MONGO_URL: %v", err)
	}
	name := "rs_multinode_" + randomSuffix()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		defer func() { _ = client.Disconnect(ctx) }()
		if err := client.Database(name).Drop(ctx); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	// Replace the URL's path (the database) and keep user info, hosts and
	// query; the hosts end at the first "/" or "?" after the user info.
	scheme, rest, _ := strings.Cut(base, "://")
	userinfo := ""
	if at := strings.Index(rest, "@"); at >= 0 {
		userinfo, rest = rest[:at+1], rest[at+1:]
	}
	hosts, query := rest, ""
	if i := strings.IndexAny(rest, "/?"); i >= 0 {
		hosts = rest[:i]
		if _, q, ok := strings.Cut(rest[i:], "?"); ok {
			query = "?" + q
		}
	}
	return scheme + "://" + userinfo + hosts + "/" + name + query
}
