package cli

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
)

// probe is one validate run: the options, the HTTP client, the log tail,
// what the deployment mounts, and the throwaway user as the flows change
// it, so cleanup signs in with the current address and password.
type probe struct {
	opts   validateOptions
	http   *probeClient
	tail   *logTail // nil without --log-source
	report *probeReport
	feats  deploymentFeatures

	email, password string
	// spare is a session taken just before SMS 2FA was turned on, for
	// cleanup when the MFA sign-in never completed (a password alone no
	// longer signs in then).
	spare string
}

// deploymentFeatures is what the deployment mounts (the features phase).
type deploymentFeatures struct {
	oauth, sms, admin, reset bool
	accountDeletion          bool
	// providers are the OAuth providers GET /features names; nil when the
	// features were inferred and the list is unknown.
	providers []string
}

// phase is one step of cli.md §6.4; a failure in a hard phase skips the
// rest (every later phase needs a reachable server and a probe user).
type phase struct {
	name string
	hard bool
	run  func(*probe, context.Context)
}

var probePhases = []phase{
	{name: "reachability", hard: true, run: (*probe).reachability},
	{name: "features", run: (*probe).discoverFeatures},
	{name: "register", hard: true, run: (*probe).coreAuth},
	{name: "account", run: (*probe).account},
	{name: "password-reset", run: (*probe).passwordReset},
	{name: "oauth", run: (*probe).oauthStart},
	{name: "sms-2fa", run: (*probe).sms2FA},
}

func newProbe(opts validateOptions, client *probeClient, tail *logTail, report *probeReport) (*probe, error) {
	id := make([]byte, 6)
	if _, err := rand.Read(id); err != nil {
		return nil, err
	}
	p := &probe{
		opts:   opts,
		http:   client,
		tail:   tail,
		report: report,
		email:  "validate-" + hex.EncodeToString(id) + "@" + opts.EmailDomain,
		// Until the features phase says otherwise: the original's defaults.
		feats: deploymentFeatures{reset: true, accountDeletion: true},
	}
	p.password = opts.Password
	if p.password == "" {
		var err error
		if p.password, err = randomSecret(); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// randomSecret is 32 random bytes, base64url without padding (43 chars).
func randomSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// run walks the phases in order while ctx lasts and always ends with
// cleanup (unless --no-cleanup), even after an abort or an interrupt;
// cleanupCtx, which outlives ctx, bounds the cleanup.
func (p *probe) run(ctx, cleanupCtx context.Context) {
	for _, ph := range probePhases {
		if ctx.Err() != nil {
			p.report.add(failed("interrupted", "stopped by a signal; skipping remaining phases"))
			break
		}
		start := len(p.report.results)
		ph.run(p, ctx)
		if ph.hard && p.report.failedSince(start) {
			p.report.add(failed(ph.name+":abort", "hard-prerequisite phase failed; skipping remaining phases"))
			break
		}
	}
	if !p.opts.NoCleanup {
		// An interrupt stops the phases, not the deletion of the user.
		p.cleanup(cleanupCtx)
	}
}

// login signs in with the current credentials, without a session.
func (p *probe) login(ctx context.Context) reply {
	return p.http.anon(ctx, http.MethodPost, "/login", map[string]any{"email": p.email, "password": p.password})
}

// signIn logs in and holds the new session. On failure it returns why.
func (p *probe) signIn(ctx context.Context) (ok bool, why string) {
	r := p.login(ctx)
	if !r.is(http.StatusOK) {
		return false, r.problem()
	}
	if r.field("status") == "mfa_required" {
		return false, "login answered mfa_required: SMS 2FA is on for the probe user"
	}
	tok := r.field("access_token")
	if tok == "" {
		return false, "no access_token in response: " + preview(r.body)
	}
	p.http.token = tok
	return true, ""
}

// ensureSession signs in when no session is held, so a phase whose
// predecessor lost the session still runs; if that fails too, the phase's
// own requests report the 401.
func (p *probe) ensureSession(ctx context.Context) {
	if p.http.token == "" {
		_, _ = p.signIn(ctx) // a failure shows as the phase's first 401
	}
}

// cleanup deletes the probe user (cli.md §6.4, cleanup). It is always
// tried, even after an abort and even when registration never got as far
// as a user: the cleanup row (cli.md line 539: "always, even after an
// abort"; "If no token is held: POST /login … failure → ✘ cleanup")
// leaves no room for a skip, so a run stopped at reachability ends with a
// failed sign-in and counts three failures (line 553: exit code = number
// failed).
func (p *probe) cleanup(ctx context.Context) {
	add := p.report.add
	if !p.feats.accountDeletion {
		add(failed("cleanup", "DELETE /account disabled on deployment; probe user "+p.email+" must be removed manually"))
		return
	}
	if p.http.token == "" && p.spare != "" {
		p.http.token = p.spare
	}
	fresh := false
	if p.http.token == "" {
		if !p.cleanupSignIn(ctx) {
			return
		}
		fresh = true
	}
	body := map[string]any{"current_password": p.password}
	d := p.http.send(ctx, http.MethodDelete, "/account", body)
	if d.is(http.StatusUnauthorized) && !fresh {
		// The held session died unnoticed: sign in once more and retry.
		p.http.token = ""
		if !p.cleanupSignIn(ctx) {
			return
		}
		d = p.http.send(ctx, http.MethodDelete, "/account", body)
	}
	if d.err != nil {
		add(failed("cleanup:error", "cleanup raised: "+d.problem()))
		return
	}
	if d.status != http.StatusOK {
		add(failed("cleanup", d.problem()+"; probe user "+p.email+" may persist"))
		return
	}
	me := p.http.send(ctx, http.MethodGet, "/me", nil)
	if !me.is(http.StatusUnauthorized) {
		add(failed("cleanup:token-invalid", "/me with deleted user's token returned "+me.statusText()+", expected 401"))
		return
	}
	add(passed("cleanup", "probe user "+p.email+" deleted"))
}

// cleanupSignIn gets a session for cleanup, reporting a failure.
func (p *probe) cleanupSignIn(ctx context.Context) bool {
	r := p.login(ctx)
	if r.err != nil {
		p.report.add(failed("cleanup:error", "cleanup raised: "+r.problem()))
		return false
	}
	tok := r.field("access_token")
	if r.status != http.StatusOK || tok == "" {
		p.report.add(failed("cleanup", "cannot re-authenticate probe user "+p.email+
			" for cleanup (login → "+r.statusText()+"); delete manually"))
		return false
	}
	p.http.token = tok
	return true
}

// emailHint adds the preparation steps to a timed-out wait for a link.
func emailHint(err error) string {
	if isTailTimeout(err) {
		return err.Error() + " — confirm `email.backend = \"console\"` AND `email.log_bodies = true` in the deployment's regstack.toml (see `regstack validate --help`, prep steps 1-2)"
	}
	return err.Error()
}

// smsHint adds the SMS preparation step to a timed-out wait for a code.
func smsHint(err error) string {
	if isTailTimeout(err) {
		return err.Error() + " — confirm `sms.backend = \"null\"` AND `sms.log_bodies = true` in the deployment's regstack.toml (see `regstack validate --help`, prep step 3)"
	}
	return err.Error()
}

func isTailTimeout(err error) bool {
	var te tailError
	return errors.As(err, &te) && te.timeout
}
