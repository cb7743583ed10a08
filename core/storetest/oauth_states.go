package storetest

import (
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

// stateTTL is oauth.state_ttl_seconds of these tests.
const stateTTL = 10 * time.Minute

func sampleState(id string, expiresAt time.Time) *regstack.OAuthState {
	return &regstack.OAuthState{
		ID:           id,
		Provider:     "google",
		CodeVerifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXkdBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
		Nonce:        "n-0S6_WzA2Mj-nonce22c",
		RedirectTo:   "/account?tab=security",
		Mode:         regstack.OAuthModeSignin,
		CreatedAt:    epoch,
		ExpiresAt:    expiresAt,
	}
}

func createState(t *testing.T, e env, st *regstack.OAuthState) *regstack.OAuthState {
	t.Helper()
	must(t, "OAuthStates().Create", e.store.OAuthStates().Create(e.ctx, st))
	return st
}

func findState(t *testing.T, e env, id string) *regstack.OAuthState {
	t.Helper()
	st, err := e.store.OAuthStates().Find(e.ctx, id)
	must(t, "OAuthStates().Find", err)
	return st
}

func (s *suite) testOAuthStates(t *testing.T) {
	for _, tt := range []struct {
		name          string
		mode          string
		linkingUserID *string
	}{
		{"a sign-in state without a linking user", regstack.OAuthModeSignin, nil},
		{"a link state with its linking user", regstack.OAuthModeLink, ptr("0123456789abcdef0123456789abcdef")},
	} {
		t.Run("Create stores and Find returns every field of "+tt.name, func(t *testing.T) {
			e := s.env(t)
			st := sampleState("state-1", epoch.Add(stateTTL))
			st.Mode, st.LinkingUserID = tt.mode, tt.linkingUserID
			createState(t, e, st)
			checkFields(t, "Find", st, findState(t, e, "state-1"))
		})
	}

	t.Run("Create refuses a duplicate id and keeps the first row", func(t *testing.T) {
		e := s.env(t)
		first := createState(t, e, sampleState("state-1", epoch.Add(stateTTL)))
		dup := sampleState("state-1", epoch.Add(2*stateTTL))
		dup.Provider = "github"
		if err := e.store.OAuthStates().Create(e.ctx, dup); err == nil {
			t.Fatalf("Create with a duplicate id: err = nil, want an error")
		}
		checkFields(t, "Find", first, findState(t, e, "state-1"))
	})

	t.Run("Find ignores expiry and returns nil for an unknown id", func(t *testing.T) {
		e := s.env(t)
		st := createState(t, e, sampleState("state-1", epoch.Add(-time.Hour)))
		checkFields(t, "Find(expired)", st, findState(t, e, "state-1"))
		if got := findState(t, e, "no-such-state"); got != nil {
			t.Errorf("Find(unknown) = %+v, want nil", got)
		}
	})

	for _, wasNew := range []bool{true, false} {
		name := "an existing account"
		if wasNew {
			name = "a new account"
		}
		t.Run("Complete applies once, setting the result, result_was_new and expires_at, for "+name, func(t *testing.T) {
			e := s.env(t)
			st := createState(t, e, sampleState("state-1", epoch.Add(stateTTL)))
			completedExp := epoch.Add(time.Minute)
			applied, err := e.store.OAuthStates().Complete(e.ctx, "state-1", "session-jwt", wasNew, completedExp)
			must(t, "Complete", err)
			if !applied {
				t.Fatalf("first Complete = false, want true")
			}
			want := *st
			want.ResultToken, want.ResultWasNew, want.ExpiresAt = ptr("session-jwt"), wasNew, completedExp
			checkFields(t, "Find after Complete", &want, findState(t, e, "state-1"))

			applied, err = e.store.OAuthStates().Complete(e.ctx, "state-1", "second-jwt", !wasNew, epoch.Add(time.Hour))
			must(t, "second Complete", err)
			if applied {
				t.Errorf("second Complete = true, want false")
			}
			checkFields(t, "Find after the second Complete", &want, findState(t, e, "state-1"))
		})
	}

	t.Run("Complete of an unknown id reports false", func(t *testing.T) {
		e := s.env(t)
		applied, err := e.store.OAuthStates().Complete(e.ctx, "no-such-state", "jwt", false, epoch.Add(time.Minute))
		if err != nil || applied {
			t.Errorf("Complete(unknown) = %v, %v; want false, nil", applied, err)
		}
	})

	t.Run("Consume returns the row once, completed or not, and deletes it", func(t *testing.T) {
		e := s.env(t)
		created := createState(t, e, sampleState("created", epoch.Add(stateTTL)))
		completed := createState(t, e, sampleState("completed", epoch.Add(stateTTL)))
		linking := sampleState("expired-link", epoch.Add(-time.Hour))
		linking.Mode, linking.LinkingUserID = regstack.OAuthModeLink, ptr("0123456789abcdef0123456789abcdef")
		createState(t, e, linking)
		applied, err := e.store.OAuthStates().Complete(e.ctx, "completed", "jwt", true, epoch.Add(time.Minute))
		must(t, "Complete", err)
		if !applied {
			t.Fatalf("Complete = false, want true")
		}
		completed.ResultToken, completed.ResultWasNew, completed.ExpiresAt = ptr("jwt"), true, epoch.Add(time.Minute)
		for _, want := range []*regstack.OAuthState{created, completed, linking} {
			got, err := e.store.OAuthStates().Consume(e.ctx, want.ID)
			must(t, "Consume", err)
			checkFields(t, "Consume("+want.ID+")", want, got)
			again, err := e.store.OAuthStates().Consume(e.ctx, want.ID)
			if err != nil || again != nil {
				t.Errorf("second Consume(%q) = %+v, %v; want nil, nil", want.ID, again, err)
			}
			if left := findState(t, e, want.ID); left != nil {
				t.Errorf("Find(%q) after Consume = %+v, want nil", want.ID, left)
			}
		}
	})

	for _, b := range boundaryNow() {
		t.Run("PurgeExpired deletes states with expires_at before now but not at now, "+b.name, func(t *testing.T) {
			e := s.env(t)
			e.clock.Set(b.now)
			tick := s.opts.TimePrecision
			rows := map[string]time.Time{
				"long-ago": b.now.Add(-24 * time.Hour),
				"before":   b.now.Add(-tick),
				"at":       b.now,
				"after":    b.now.Add(tick),
			}
			for id, exp := range rows {
				createState(t, e, sampleState(id, exp))
			}
			n, err := e.store.OAuthStates().PurgeExpired(e.ctx, b.now)
			must(t, "PurgeExpired", err)
			if n != 2 {
				t.Errorf("PurgeExpired = %d, want 2", n)
			}
			for id, exp := range rows {
				got := findState(t, e, id)
				if kept := !exp.Before(b.now); kept != (got != nil) {
					t.Errorf("state with expires_at - now = %v: present = %v, want %v", exp.Sub(b.now), got != nil, kept)
				}
			}
		})
	}
}
