package regstack

import (
	"context"
	"fmt"
)

// OAuthAccounts lists the caller's linked identities, linked_at ascending
// (GET /oauth/providers, http-api.md §9.1).
func (rs *RegStack) OAuthAccounts(ctx context.Context, p *Principal) ([]*OAuthIdentity, error) {
	if p == nil || p.User == nil {
		return nil, ErrAuthRequired
	}
	ids, err := rs.store.OAuthIdentities().ListForUser(ctx, p.User.ID)
	if err != nil {
		return nil, fmt.Errorf("list identities: %w", err)
	}
	return ids, nil
}

// UnlinkOAuth is DELETE /oauth/{provider}/link (http-api.md §9.6). The
// provider need not be registered. Returns ErrProviderNotLinked, or
// ErrLastSignInMethod when the user has no password and this identity is
// their only one; fires oauth_account_unlinked.
func (rs *RegStack) UnlinkOAuth(ctx context.Context, p *Principal, provider string) error {
	if p == nil || p.User == nil {
		return ErrAuthRequired
	}
	ids, err := rs.store.OAuthIdentities().ListForUser(ctx, p.User.ID)
	if err != nil {
		return fmt.Errorf("unlink: list identities: %w", err)
	}
	found := false
	for _, i := range ids {
		if i.Provider == provider {
			found = true
		}
	}
	if !found {
		return ErrProviderNotLinked
	}
	if !p.User.HasPassword() && len(ids) == 1 {
		return ErrLastSignInMethod
	}
	removed, err := rs.store.OAuthIdentities().Delete(ctx, p.User.ID, provider)
	if err != nil {
		return fmt.Errorf("unlink: delete identity: %w", err)
	}
	if !removed {
		return ErrProviderNotLinked
	}
	rs.hooks.Fire(ctx, Event{Name: EventOAuthAccountUnlinked, User: snapshot(p.User), Provider: provider})
	return nil
}
