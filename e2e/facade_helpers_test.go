package e2e_test

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/regstack/regstack/adapters/sqlite"
	regstack "github.com/regstack/regstack/core"
	"github.com/regstack/regstack/core/config"
	"github.com/regstack/regstack/core/password"
	"github.com/regstack/regstack/core/storetest"
)

// facadeStart is where every facade test's clock starts.
var facadeStart = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

// testSecret is a jwt_secret of the minimum length plus some.
const testSecret = "facade-test-secret-0123456789-abcdefghij"

// facade is one regstack instance on a real SQLite store with a clock,
// mailer and SMS sender the test controls, and every fired event recorded.
type facade struct {
	t      *testing.T
	rs     *regstack.RegStack
	store  regstack.Store
	clock  *storetest.Clock
	mail   *switchMailer
	sms    *switchSMS
	events *eventLog
	logs   *logBuffer
	cfg    config.Config
}

// newFacade builds an instance with small Argon2 parameters (fast under
// -race) after applying the config edits.
func newFacade(t *testing.T, edits ...func(*config.Config)) *facade {
	t.Helper()
	cfg := config.Default()
	cfg.JWTSecret = testSecret
	cfg.BaseURL = "https://app.example.com/"
	cfg.Argon2MemoryKiB = 8192
	cfg.Argon2Iterations = 1
	cfg.Argon2Parallelism = 1
	from := "+15550000000"
	cfg.SMS.FromNumber = &from
	for _, e := range edits {
		e(&cfg)
	}

	ctx := context.Background()
	clock := storetest.NewClock(facadeStart)
	quiet := slog.New(slog.DiscardHandler)
	store, err := regstack.OpenStore(ctx, "sqlite:///"+filepath.Join(t.TempDir(), "t.db"), regstack.StoreOptions{Clock: clock, Logger: quiet})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	f := &facade{
		t:      t,
		store:  store,
		clock:  clock,
		mail:   &switchMailer{inner: regstack.NewConsoleMailer(nil, false)},
		sms:    &switchSMS{inner: regstack.NewNullSMS(nil, false)},
		events: &eventLog{},
		logs:   &logBuffer{},
		cfg:    cfg,
	}
	logger := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	f.rs, err = regstack.New(cfg, regstack.Options{Store: store, Mailer: f.mail, SMS: f.sms, Clock: clock, Logger: logger})
	if err != nil {
		store.Close()
		t.Fatalf("regstack.New: %v", err)
	}
	t.Cleanup(func() {
		if err := f.rs.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if err := f.rs.InstallSchema(ctx); err != nil {
		t.Fatalf("install schema: %v", err)
	}
	for _, name := range allEvents {
		f.rs.On(name, f.events.record)
	}
	return f
}

var allEvents = []string{
	regstack.EventUserRegistered, regstack.EventVerificationRequested, regstack.EventUserVerified,
	regstack.EventUserLoggedIn, regstack.EventUserLoggedOut, regstack.EventMFALoginStarted,
	regstack.EventPasswordResetRequested, regstack.EventPasswordResetCompleted, regstack.EventPasswordChanged,
	regstack.EventEmailChangeRequested, regstack.EventEmailChanged, regstack.EventPhoneSetupStarted,
	regstack.EventMFAEnabled, regstack.EventPhoneSetupDisabled, regstack.EventMFADisabled,
	regstack.EventUserDeleted, regstack.EventOAuthSigninStarted, regstack.EventOAuthSigninCompleted,
	regstack.EventOAuthAccountLinked, regstack.EventOAuthAccountUnlinked,
}

// switchMailer is the console mailer with a switch that makes Send fail,
// like an SMTP server that is down.
type switchMailer struct {
	inner *regstack.ConsoleMailer
	fail  atomic.Bool
}

func (m *switchMailer) Send(ctx context.Context, msg regstack.EmailMessage) error {
	if m.fail.Load() {
		return errors.New("smtp: connection refused")
	}
	return m.inner.Send(ctx, msg)
}

// switchSMS is the null SMS sender with a failure switch.
type switchSMS struct {
	inner *regstack.NullSMS
	fail  atomic.Bool
}

func (s *switchSMS) Send(ctx context.Context, msg regstack.SMSMessage) error {
	if s.fail.Load() {
		return errors.New("sns: throttled")
	}
	return s.inner.Send(ctx, msg)
}

// logBuffer collects what the instance logs, so tests can check that no
// secret reaches a log line.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// eventLog records every event fired, in order.
type eventLog struct {
	mu     sync.Mutex
	events []regstack.Event
}

func (l *eventLog) record(_ context.Context, e regstack.Event) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = append(l.events, e)
	return nil
}

func (l *eventLog) all() []regstack.Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// named returns the recorded events called name.
func (l *eventLog) named(name string) []regstack.Event {
	var out []regstack.Event
	for _, e := range l.all() {
		if e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// names lists the names of the recorded events in order.
func (l *eventLog) names() []string {
	var out []string
	for _, e := range l.all() {
		out = append(out, e.Name)
	}
	return out
}

func (l *eventLog) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.events = nil
}

// mailsTo returns the emails sent so far to addr.
func (f *facade) mailsTo(addr string) []regstack.EmailMessage {
	var out []regstack.EmailMessage
	for _, m := range f.mail.inner.Sent() {
		if m.To == addr {
			out = append(out, m)
		}
	}
	return out
}

var linkRE = regexp.MustCompile(`(?m)^  (\S+)$`)

// lastLink returns the link of the last email sent to addr: the URL on a
// line of its own, indented by two spaces (ui.md §11).
func (f *facade) lastLink(addr string) string {
	f.t.Helper()
	mails := f.mailsTo(addr)
	if len(mails) == 0 {
		f.t.Fatalf("no email sent to %s", addr)
	}
	m := linkRE.FindStringSubmatch(mails[len(mails)-1].Text)
	if m == nil {
		f.t.Fatalf("no link line in email to %s:\n%s", addr, mails[len(mails)-1].Text)
	}
	return m[1]
}

var tokenRE = regexp.MustCompile(`[?&]token=([^&#\s]+)`)

// lastToken returns the token of the last link sent to addr.
func (f *facade) lastToken(addr string) string {
	f.t.Helper()
	link := f.lastLink(addr)
	m := tokenRE.FindStringSubmatch(link)
	if m == nil {
		f.t.Fatalf("no token in link %q", link)
	}
	return m[1]
}

var codeRE = regexp.MustCompile(`sign-in code:\s*(\d{4,10})`)

// lastCode returns the sign-in code of the last SMS sent to phone.
func (f *facade) lastCode(phone string) string {
	f.t.Helper()
	msgs := f.sms.inner.Sent()
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == phone {
			m := codeRE.FindStringSubmatch(msgs[i].Body)
			if m == nil {
				f.t.Fatalf("no code in SMS %q", msgs[i].Body)
			}
			return m[1]
		}
	}
	f.t.Fatalf("no SMS sent to %s", phone)
	return ""
}

// createUser inserts a user straight into the store, active and verified
// unless edit says otherwise; pw "" makes it OAuth-only.
func (f *facade) createUser(email, pw string, edit func(*regstack.User)) *regstack.User {
	f.t.Helper()
	u := &regstack.User{Email: email, IsActive: true, IsVerified: true}
	if pw != "" {
		h := f.hash(pw)
		u.HashedPassword = &h
	}
	if edit != nil {
		edit(u)
	}
	if err := f.store.Users().Create(context.Background(), u); err != nil {
		f.t.Fatalf("create user %s: %v", email, err)
	}
	return u
}

// hash hashes pw with the instance's test parameters.
func (f *facade) hash(pw string) string {
	f.t.Helper()
	p := password.DefaultParams()
	p.MemoryKiB, p.Iterations, p.Parallelism = 8192, 1, 1
	h, err := password.Hash(pw, p)
	if err != nil {
		f.t.Fatalf("hash: %v", err)
	}
	return h
}

// user reads a user by email from the store (nil when absent).
func (f *facade) user(email string) *regstack.User {
	f.t.Helper()
	u, err := f.store.Users().GetByEmail(context.Background(), email)
	if err != nil {
		f.t.Fatalf("get user %s: %v", email, err)
	}
	return u
}

// login signs in and returns the session token, failing the test otherwise.
func (f *facade) login(email, pw string) string {
	f.t.Helper()
	res, err := f.rs.Login(context.Background(), regstack.LoginInput{Email: email, Password: pw})
	if err != nil {
		f.t.Fatalf("login %s: %v", email, err)
	}
	if res.Session.AccessToken == "" {
		f.t.Fatalf("login %s: no session (MFA pending: %v)", email, res.MFAPendingToken != "")
	}
	return res.Session.AccessToken
}

// principal authenticates tok, failing the test otherwise.
func (f *facade) principal(tok string) *regstack.Principal {
	f.t.Helper()
	p, err := f.rs.Authenticate(context.Background(), tok)
	if err != nil {
		f.t.Fatalf("authenticate: %v", err)
	}
	return p
}

// failures counts the lockout failures of email in the current window.
func (f *facade) failures(email string) int {
	f.t.Helper()
	n, err := f.store.LoginAttempts().CountRecent(context.Background(), email,
		time.Duration(f.cfg.LoginLockoutWindowSeconds)*time.Second, f.clock.Now())
	if err != nil {
		f.t.Fatalf("count failures: %v", err)
	}
	return n
}

// wantErr fails t unless err matches want (nil = no error). *regstack.Error
// values match on code and exact message.
func wantErr(t *testing.T, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != nil && !errors.Is(err, want):
		t.Fatalf("error = %v (code %q), want %v (code %q)", err, regstack.ErrorCode(err), want, regstack.ErrorCode(want))
	}
}

// noSecretsInEvents fails t when any recorded event carries one of the
// secrets outside the URL field, whose live token is documented.
func noSecretsInEvents(t *testing.T, events []regstack.Event, secrets ...string) {
	t.Helper()
	for _, e := range events {
		fields := []string{e.Email, e.URLWithoutToken, e.NewEmail, e.PreviousEmail, e.Phone, e.Provider, e.Mode}
		if e.User != nil {
			fields = append(fields, e.User.Email, e.User.ID)
		}
		for _, s := range secrets {
			for _, v := range fields {
				if s != "" && strings.Contains(v, s) {
					t.Errorf("event %s carries a secret in %q", e.Name, v)
				}
			}
		}
	}
}
