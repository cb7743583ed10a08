package cli

import (
	"context"
	"slices"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func TestReapDeletesExpiredRowsAndKeepsLiveOnes(t *testing.T) {
	in := newTestInstall(t, "", "")
	in.migrate(t)
	ctx := context.Background()
	st := in.open(t)
	now := time.Now().UTC()
	past, future := now.Add(-time.Hour), now.Add(time.Hour)

	for i, exp := range []time.Time{past, past, future} {
		p := &regstack.PendingRegistration{Email: string(rune('a'+i)) + "@example.com", HashedPassword: "x",
			TokenHash: string(rune('a'+i)) + "hash", CreatedAt: past, ExpiresAt: exp}
		if err := st.Pending().Upsert(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	for i, exp := range []time.Time{past, future} {
		if err := st.Blacklist().Revoke(ctx, string(rune('j'+i)), exp); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.LoginAttempts().RecordFailure(ctx, "a@example.com", now.Add(-48*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if err := st.MFACodes().Put(ctx, &regstack.MFACode{UserID: "u1", Kind: regstack.MFAKindLoginMFA, CodeHash: "h",
		ExpiresAt: past, MaxAttempts: 5, CreatedAt: past}); err != nil {
		t.Fatal(err)
	}
	if err := st.OAuthStates().Create(ctx, &regstack.OAuthState{ID: "state-1", Provider: "google", CodeVerifier: "v",
		Nonce: "n", RedirectTo: "/", Mode: regstack.OAuthModeSignin, CreatedAt: past, ExpiresAt: past}); err != nil {
		t.Fatal(err)
	}

	res := runRegstack(t, "", "reap", "--config", in.dir)
	if res.code != 0 {
		t.Fatalf("reap exit %d, stderr %q", res.code, res.stderr)
	}
	want := []string{
		"✔ pending_registrations: 2 expired row(s) deleted",
		"✔ token_blacklist: 1 expired row(s) deleted",
		"✔ login_attempts: 1 expired row(s) deleted",
		"✔ mfa_codes: 1 expired row(s) deleted",
		"✔ oauth_states: 1 expired row(s) deleted",
	}
	if got := lines(res.stdout); !slices.Equal(got, want) {
		t.Errorf("stdout =\n%q\nwant\n%q", got, want)
	}
	if n, err := st.Pending().CountUnexpired(ctx, now); err != nil || n != 1 {
		t.Errorf("live pending rows after reap = %d, %v; want 1", n, err)
	}
	if revoked, err := st.Blacklist().IsRevoked(ctx, "k"); err != nil || !revoked {
		t.Errorf("live blacklist entry gone after reap: %v, %v", revoked, err)
	}

	// A second run finds nothing left to delete.
	res = runRegstack(t, "", "reap", "--config", in.dir)
	if res.code != 0 || !slices.Contains(lines(res.stdout), "✔ pending_registrations: 0 expired row(s) deleted") {
		t.Errorf("second reap: exit %d, stdout %q", res.code, res.stdout)
	}
}

func TestReapWithAMissingConfigIsAUsageError(t *testing.T) {
	res := runRegstack(t, "", "reap", "--config", t.TempDir()+"/nope.toml")
	if res.code != 2 {
		t.Errorf("exit = %d, want 2 (stderr %q)", res.code, res.stderr)
	}
}
