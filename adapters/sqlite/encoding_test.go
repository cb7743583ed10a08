package sqlite_test

import (
	"strings"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// quote() shows a stored value as an SQL literal: text in quotes,
// integers bare. That is the storage class Python's readers depend on.
func TestValuesAreStoredTheWayPythonStoresThem(t *testing.T) {
	path := tempDBPath(t)
	clock := newClock(pyEpoch)
	st := installedStore(t, path, clock)
	ctx := t.Context()

	half := pyEpoch.Add(500 * time.Millisecond)
	u := &regstack.User{Email: "alice@example.com", HashedPassword: ptr("h"), IsActive: true, LastLogin: &half}
	if err := st.Users().Create(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.Blacklist().Revoke(ctx, "jti", pyEpoch); err != nil {
		t.Fatal(err)
	}
	if err := st.LoginAttempts().RecordFailure(ctx, "alice@example.com", pyEpoch.Add(time.Nanosecond), nil); err != nil {
		t.Fatal(err)
	}
	if err := st.MFACodes().Put(ctx, &regstack.MFACode{UserID: u.ID, Kind: regstack.MFAKindLoginMFA, CodeHash: "c", ExpiresAt: pyEpoch.Add(5 * time.Minute), MaxAttempts: 5}); err != nil {
		t.Fatal(err)
	}
	if err := st.OAuthStates().Create(ctx, &regstack.OAuthState{ID: "s", Provider: "google", CodeVerifier: "v", Nonce: "n", RedirectTo: "/", Mode: regstack.OAuthModeSignin, ExpiresAt: pyEpoch.Add(time.Minute)}); err != nil {
		t.Fatal(err)
	}
	if ok, err := st.OAuthStates().Complete(ctx, "s", "jwt", true, pyEpoch.Add(30*time.Second)); err != nil || !ok {
		t.Fatalf("Complete = %v, %v", ok, err)
	}

	tests := []struct {
		name, query, want string
	}{
		{"a time written at a whole second has six zero digits", "SELECT quote(created_at) FROM users", "'2025-01-01 00:00:00.000000'"},
		{"an optional time keeps its fraction", "SELECT quote(last_login) FROM users", "'2025-01-01 00:00:00.500000'"},
		{"an unset optional time is NULL", "SELECT quote(tokens_invalidated_after) FROM users", "NULL"},
		{"true is the integer 1", "SELECT quote(is_active) FROM users", "1"},
		{"false is the integer 0", "SELECT quote(is_superuser) FROM users", "0"},
		{"the id is 32 hex characters", "SELECT length(id) || ' ' || (id = lower(id)) FROM users", "32 1"},
		{"a blacklist exp is text", "SELECT quote(exp) FROM token_blacklist", "'2025-01-01 00:00:00.000000'"},
		{"nanoseconds are cut to microseconds", `SELECT quote("when") FROM login_attempts`, "'2025-01-01 00:00:00.000000'"},
		{"an MFA expiry is text", "SELECT quote(expires_at) FROM mfa_codes", "'2025-01-01 00:05:00.000000'"},
		{"attempts start at the integer 0", "SELECT quote(attempts) FROM mfa_codes", "0"},
		{"an OAuth state's shortened expiry is text", "SELECT quote(expires_at) FROM oauth_states", "'2025-01-01 00:00:30.000000'"},
		{"result_was_new true is the integer 1", "SELECT quote(result_was_new) FROM oauth_states", "1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rawString(t, path, tt.query); got != tt.want {
				t.Errorf("%s = %s, want %s", tt.query, got, tt.want)
			}
		})
	}
}

// Rows Python wrote and rows Go writes sit in one table and are compared
// as text; these boundaries are a microsecond apart.
func TestComparisonsAgainstPythonRows(t *testing.T) {
	path := loadPythonFixture(t)
	st := installedStore(t, path, newClock(pyEpoch))
	ctx := t.Context()
	us := time.Microsecond

	t.Run("users list newest first across Python and Go rows", func(t *testing.T) {
		for _, u := range []*regstack.User{
			{Email: "carol@example.com", CreatedAt: pyEpoch.Add(6 * time.Hour)},
			// Python's bob was created at 12:00:00.500000.
			{Email: "dave@example.com", CreatedAt: pyEpoch.Add(12*time.Hour + 500*time.Millisecond - us)},
			{Email: "erin@example.com", CreatedAt: pyEpoch.Add(12*time.Hour + 500*time.Millisecond + us)},
		} {
			if err := st.Users().Create(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		list, err := st.Users().ListPaged(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range list {
			got = append(got, strings.TrimSuffix(u.Email, "@example.com"))
		}
		if want := "erin bob dave carol alice"; strings.Join(got, " ") != want {
			t.Errorf("order = %v, want %s", got, want)
		}
	})

	// Python's attempt is at 00:05:00.250000.
	attempt := pyEpoch.Add(5*time.Minute + 250*time.Millisecond)
	window := 10 * time.Minute
	counts := []struct {
		name string
		now  time.Time
		want int
	}{
		{"a Python login attempt exactly at the window start counts", attempt.Add(window), 1},
		{"a Python login attempt a microsecond before the window does not", attempt.Add(window + us), 0},
	}
	for _, tt := range counts {
		t.Run(tt.name, func(t *testing.T) {
			n, err := st.LoginAttempts().CountRecent(ctx, "alice@example.com", window, tt.now)
			if err != nil || n != tt.want {
				t.Errorf("CountRecent = %d, %v; want %d", n, err, tt.want)
			}
		})
	}

	// Python's pending row expires at 2025-01-02 00:00:00.000000.
	expiry := pyEpoch.Add(24 * time.Hour)
	t.Run("a Python pending row is unexpired until its expires_at", func(t *testing.T) {
		for _, c := range []struct {
			now  time.Time
			want int
		}{{expiry.Add(-us), 1}, {expiry, 0}} {
			if n, err := st.Pending().CountUnexpired(ctx, c.now); err != nil || n != c.want {
				t.Errorf("CountUnexpired(%v) = %d, %v; want %d", c.now, n, err, c.want)
			}
		}
	})
	t.Run("a Python pending row is purged only after its expires_at", func(t *testing.T) {
		if n, err := st.Pending().PurgeExpired(ctx, expiry); err != nil || n != 0 {
			t.Errorf("PurgeExpired at expires_at = %d, %v; want 0", n, err)
		}
		if n, err := st.Pending().PurgeExpired(ctx, expiry.Add(us)); err != nil || n != 1 {
			t.Errorf("PurgeExpired just after = %d, %v; want 1", n, err)
		}
	})
	t.Run("a Python blacklist entry is purged only after its exp", func(t *testing.T) {
		exp := pyEpoch.Add(2 * time.Hour)
		if n, err := st.Blacklist().PurgeExpired(ctx, exp); err != nil || n != 0 {
			t.Errorf("PurgeExpired at exp = %d, %v; want 0", n, err)
		}
		if n, err := st.Blacklist().PurgeExpired(ctx, exp.Add(us)); err != nil || n != 1 {
			t.Errorf("PurgeExpired just after = %d, %v; want 1", n, err)
		}
	})
	t.Run("a Python MFA code is expired at its expires_at", func(t *testing.T) {
		check, err := st.MFACodes().Verify(ctx, aliceID, regstack.MFAKindLoginMFA, pyCodeHash, pyEpoch.Add(5*time.Minute))
		if err != nil || check.Outcome != regstack.MFAExpired {
			t.Errorf("Verify = %+v, %v; want EXPIRED", check, err)
		}
	})
}

func TestMalformedIDsAreNotFoundAndChangeNothing(t *testing.T) {
	path := loadPythonFixture(t)
	st := installedStore(t, path, newClock(pyEpoch))
	ctx := t.Context()
	ids := []struct{ name, id string }{
		{"empty", ""},
		{"not hex", "not-an-id"},
		{"an existing id in upper case", strings.ToUpper(aliceID)},
		{"an existing id with dashes", "0f8fad5b-d9cb-469f-a165-70867728950e"},
		{"SQL", "' OR '1'='1"},
		{"a NUL byte", aliceID + "\x00"},
		{"very long", strings.Repeat("f", 10000)},
		{"not ASCII", "ü𝄞"},
	}
	for _, tt := range ids {
		t.Run(tt.name, func(t *testing.T) {
			if u, err := st.Users().GetByID(ctx, tt.id); err != nil || u != nil {
				t.Errorf("GetByID = %v, %v; want nil, nil", u, err)
			}
			if err := st.Users().SetActive(ctx, tt.id, false); err != nil {
				t.Errorf("SetActive: %v", err)
			}
			if err := st.Users().UpdatePassword(ctx, tt.id, "x"); err != nil {
				t.Errorf("UpdatePassword: %v", err)
			}
			if ok, err := st.Users().Delete(ctx, tt.id); err != nil || ok {
				t.Errorf("Delete = %v, %v; want false, nil", ok, err)
			}
			if check, err := st.MFACodes().Verify(ctx, tt.id, regstack.MFAKindLoginMFA, pyCodeHash, pyEpoch); err != nil || check.Outcome != regstack.MFAMissing {
				t.Errorf("Verify = %+v, %v; want MISSING", check, err)
			}
			if ids, err := st.OAuthIdentities().ListForUser(ctx, tt.id); err != nil || len(ids) != 0 {
				t.Errorf("ListForUser = %v, %v; want none", ids, err)
			}
			if s, err := st.OAuthStates().Consume(ctx, tt.id); err != nil || s != nil {
				t.Errorf("Consume = %v, %v; want nil, nil", s, err)
			}
		})
	}
	alice, err := st.Users().GetByID(ctx, aliceID)
	if err != nil || alice == nil || !alice.IsActive || deref(alice.HashedPassword) != pyArgon2Hash {
		t.Errorf("Alice after the malformed calls: %+v, %v; want her untouched", alice, err)
	}
	if n, err := st.Users().Count(ctx, regstack.UserFilter{}); err != nil || n != 2 {
		t.Errorf("Count = %d, %v; want 2", n, err)
	}
}
