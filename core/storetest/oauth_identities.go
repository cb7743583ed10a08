package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	regstack "github.com/regstack/regstack/core"
)

func sampleIdentity(userID, provider, subject string, linkedAt time.Time) *regstack.OAuthIdentity {
	return &regstack.OAuthIdentity{
		UserID:    userID,
		Provider:  provider,
		SubjectID: subject,
		Email:     ptr("Ada@Example.COM"),
		LinkedAt:  linkedAt,
	}
}

func createIdentity(t *testing.T, e env, i *regstack.OAuthIdentity) *regstack.OAuthIdentity {
	t.Helper()
	must(t, "OAuthIdentities().Create", e.store.OAuthIdentities().Create(e.ctx, i))
	return i
}

func findIdentity(t *testing.T, e env, provider, subject string) *regstack.OAuthIdentity {
	t.Helper()
	i, err := e.store.OAuthIdentities().FindBySubject(e.ctx, provider, subject)
	must(t, "OAuthIdentities().FindBySubject", err)
	return i
}

func (s *suite) testOAuthIdentities(t *testing.T) {
	for _, tt := range []struct {
		name  string
		email *string
	}{
		{"with the provider's email as sent", ptr("Ada@Example.COM")},
		{"without an email", nil},
	} {
		t.Run("Create assigns an id and FindBySubject returns every field, "+tt.name, func(t *testing.T) {
			e := s.env(t)
			i := sampleIdentity("user-1", "google", "1234567890", epoch)
			i.Email = tt.email
			createIdentity(t, e, i)
			if i.ID == "" {
				t.Fatalf("Create left ID empty")
			}
			checkFields(t, "FindBySubject", i, findIdentity(t, e, "google", "1234567890"))
		})
	}

	t.Run("Create gives every identity a different id", func(t *testing.T) {
		e := s.env(t)
		a := createIdentity(t, e, sampleIdentity("user-1", "google", "sub-1", epoch))
		b := createIdentity(t, e, sampleIdentity("user-2", "google", "sub-2", epoch))
		if a.ID == b.ID {
			t.Fatalf("two identities got the same id %q", a.ID)
		}
	})

	t.Run("FindBySubject returns nil for an unknown provider or subject", func(t *testing.T) {
		e := s.env(t)
		createIdentity(t, e, sampleIdentity("user-1", "google", "sub-1", epoch))
		for _, k := range []struct{ provider, subject string }{
			{"google", "sub-2"},
			{"github", "sub-1"},
			{"google", "SUB-1"},
		} {
			if got := findIdentity(t, e, k.provider, k.subject); got != nil {
				t.Errorf("FindBySubject(%q, %q) = %+v, want nil", k.provider, k.subject, got)
			}
		}
	})

	t.Run("Create refuses a second link of one external account or of one provider per user with ErrIdentityLinked", func(t *testing.T) {
		e := s.env(t)
		first := createIdentity(t, e, sampleIdentity("user-1", "google", "sub-1", epoch))
		for _, tt := range []struct {
			name string
			i    *regstack.OAuthIdentity
		}{
			{"same provider and subject, another user", sampleIdentity("user-2", "google", "sub-1", epoch)},
			{"same user and provider, another subject", sampleIdentity("user-1", "google", "sub-2", epoch)},
		} {
			err := e.store.OAuthIdentities().Create(e.ctx, tt.i)
			if !errors.Is(err, regstack.ErrIdentityLinked) {
				t.Errorf("Create(%s): err = %v, want ErrIdentityLinked", tt.name, err)
			}
		}
		checkFields(t, "the first identity", first, findIdentity(t, e, "google", "sub-1"))
		if got := findIdentity(t, e, "google", "sub-2"); got != nil {
			t.Errorf("the refused identity was stored: %+v", got)
		}
		// Neither constraint spans providers.
		createIdentity(t, e, sampleIdentity("user-1", "github", "sub-1", epoch))
		createIdentity(t, e, sampleIdentity("user-2", "github", "sub-2", epoch))
	})

	t.Run("ListForUser returns the user's identities by linked_at ascending", func(t *testing.T) {
		e := s.env(t)
		createIdentity(t, e, sampleIdentity("user-1", "github", "gh-1", epoch.Add(-time.Hour)))
		createIdentity(t, e, sampleIdentity("user-2", "google", "g-2", epoch.Add(-3*time.Hour)))
		createIdentity(t, e, sampleIdentity("user-1", "google", "g-1", epoch.Add(-2*time.Hour)))
		createIdentity(t, e, sampleIdentity("user-1", "apple", "a-1", epoch))
		list, err := e.store.OAuthIdentities().ListForUser(e.ctx, "user-1")
		must(t, "ListForUser", err)
		var got []string
		for _, i := range list {
			got = append(got, i.Provider)
			checkUTC(t, "ListForUser", i)
		}
		if want := []string{"google", "github", "apple"}; !slices.Equal(got, want) {
			t.Errorf("ListForUser providers = %q, want %q", got, want)
		}
		none, err := e.store.OAuthIdentities().ListForUser(e.ctx, "nobody")
		must(t, "ListForUser(unknown)", err)
		if len(none) != 0 {
			t.Errorf("ListForUser(unknown) returned %d identities", len(none))
		}
	})

	t.Run("Delete removes one provider's link and reports whether it did", func(t *testing.T) {
		e := s.env(t)
		createIdentity(t, e, sampleIdentity("user-1", "google", "g-1", epoch))
		keep := createIdentity(t, e, sampleIdentity("user-1", "github", "gh-1", epoch))
		other := createIdentity(t, e, sampleIdentity("user-2", "google", "g-2", epoch))
		removed, err := e.store.OAuthIdentities().Delete(e.ctx, "user-1", "google")
		if err != nil || !removed {
			t.Fatalf("Delete(existing) = %v, %v; want true, nil", removed, err)
		}
		if got := findIdentity(t, e, "google", "g-1"); got != nil {
			t.Errorf("FindBySubject after Delete = %+v, want nil", got)
		}
		removed, err = e.store.OAuthIdentities().Delete(e.ctx, "user-1", "google")
		if err != nil || removed {
			t.Errorf("Delete(already deleted) = %v, %v; want false, nil", removed, err)
		}
		checkFields(t, "the user's other provider", keep, findIdentity(t, e, "github", "gh-1"))
		checkFields(t, "another user's identity", other, findIdentity(t, e, "google", "g-2"))
		// The external account can be linked again.
		createIdentity(t, e, sampleIdentity("user-3", "google", "g-1", epoch))
	})

	t.Run("DeleteByUserID removes every identity of the user and returns the count", func(t *testing.T) {
		e := s.env(t)
		createIdentity(t, e, sampleIdentity("user-1", "google", "g-1", epoch))
		createIdentity(t, e, sampleIdentity("user-1", "github", "gh-1", epoch))
		other := createIdentity(t, e, sampleIdentity("user-2", "google", "g-2", epoch))
		n, err := e.store.OAuthIdentities().DeleteByUserID(e.ctx, "user-1")
		must(t, "DeleteByUserID", err)
		if n != 2 {
			t.Errorf("DeleteByUserID = %d, want 2", n)
		}
		list, err := e.store.OAuthIdentities().ListForUser(e.ctx, "user-1")
		must(t, "ListForUser", err)
		if len(list) != 0 {
			t.Errorf("ListForUser after DeleteByUserID returned %d identities", len(list))
		}
		checkFields(t, "another user's identity", other, findIdentity(t, e, "google", "g-2"))
		n, err = e.store.OAuthIdentities().DeleteByUserID(e.ctx, "user-1")
		if err != nil || n != 0 {
			t.Errorf("DeleteByUserID again = %d, %v; want 0, nil", n, err)
		}
	})

	t.Run("TouchLastUsed sets last_used_at of that identity only", func(t *testing.T) {
		e := s.env(t)
		i := createIdentity(t, e, sampleIdentity("user-1", "google", "g-1", epoch))
		other := createIdentity(t, e, sampleIdentity("user-1", "github", "g-1", epoch))
		used := epoch.Add(time.Hour)
		must(t, "TouchLastUsed", e.store.OAuthIdentities().TouchLastUsed(e.ctx, "google", "g-1", used))
		want := *i
		want.LastUsedAt = &used
		checkFields(t, "the touched identity", &want, findIdentity(t, e, "google", "g-1"))
		checkFields(t, "another identity", other, findIdentity(t, e, "github", "g-1"))
		must(t, "TouchLastUsed(unknown)", e.store.OAuthIdentities().TouchLastUsed(e.ctx, "google", "nobody", used))
	})
}
