package regstack

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// resolveIdentity runs the linking policy of domain.md §10.3 for a
// verified provider identity. It returns the user to sign in, or the
// callback code of the refusal; err is for store failures only.
func (rs *RegStack) resolveIdentity(ctx context.Context, st *OAuthState, info OAuthUserInfo) (resolved, string, error) {
	idents := rs.store.OAuthIdentities()
	existing, err := idents.FindBySubject(ctx, st.Provider, info.SubjectID)
	if err != nil {
		return resolved{}, "", fmt.Errorf("find identity: %w", err)
	}
	if existing != nil {
		if st.Mode == OAuthModeLink {
			if st.LinkingUserID == nil || existing.UserID != *st.LinkingUserID {
				return resolved{}, OAuthErrIdentityInUse, nil
			}
			return resolved{}, OAuthErrAlreadyLinked, nil
		}
		u, err := rs.store.Users().GetByID(ctx, existing.UserID)
		if err != nil {
			return resolved{}, "", fmt.Errorf("look up identity's user: %w", err)
		}
		if u == nil || !u.IsActive {
			return resolved{}, OAuthErrUserInactive, nil
		}
		rs.touchIdentity(ctx, st.Provider, info.SubjectID)
		return resolved{user: u}, "", nil
	}

	if st.Mode == OAuthModeLink {
		var u *User
		if st.LinkingUserID != nil {
			if u, err = rs.store.Users().GetByID(ctx, *st.LinkingUserID); err != nil {
				return resolved{}, "", fmt.Errorf("look up linking user: %w", err)
			}
		}
		if u == nil || !u.IsActive {
			return resolved{}, OAuthErrUserInactive, nil
		}
		return rs.attachIdentity(ctx, st.Provider, info, u)
	}

	email, emailOK := "", false
	if info.Email != nil {
		if e, err := normalizeEmail(*info.Email); err == nil {
			email, emailOK = e, true
		}
	}
	if emailOK {
		owner, err := rs.store.Users().GetByEmail(ctx, email)
		if err != nil {
			return resolved{}, "", fmt.Errorf("look up user by email: %w", err)
		}
		if owner != nil {
			if !rs.cfg.OAuth.AutoLinkVerifiedEmails || !info.EmailVerified {
				return resolved{}, OAuthErrEmailInUse, nil
			}
			if !owner.IsActive {
				return resolved{}, OAuthErrUserInactive, nil
			}
			return rs.attachIdentity(ctx, st.Provider, info, owner)
		}
	}

	if !rs.cfg.AllowRegistration {
		return resolved{}, OAuthErrRegistrationOff, nil
	}
	if !emailOK {
		// The special-use .invalid domain never passes email validation,
		// so the placeholder is stored as is (domain.md §2.3, §10.3).
		email = st.Provider + "-" + info.SubjectID + "@oauth.invalid"
	}
	now := rs.clock.Now()
	u := &User{
		Email:      email,
		IsActive:   true,
		IsVerified: info.EmailVerified,
		FullName:   clonePtr(info.FullName),
		CreatedAt:  now,
		UpdatedAt:  now,
	}
	if err := rs.store.Users().Create(ctx, u); err != nil {
		if errors.Is(err, ErrUserExists) {
			// Someone registered the address since the lookup above.
			return resolved{}, OAuthErrEmailInUse, nil
		}
		return resolved{}, "", fmt.Errorf("create user: %w", err)
	}
	if err := rs.store.OAuthIdentities().Create(ctx, newIdentity(st.Provider, info, u.ID, now)); err != nil {
		// Roll back the user nobody can sign in to.
		if _, derr := rs.store.Users().Delete(context.WithoutCancel(ctx), u.ID); derr != nil {
			rs.logger.ErrorContext(ctx, "OAuth: could not remove the user of a failed identity insert", "err", derr)
		}
		if errors.Is(err, ErrIdentityLinked) {
			return resolved{}, OAuthErrIdentityInUse, nil
		}
		return resolved{}, "", fmt.Errorf("create identity: %w", err)
	}
	rs.fireUser(ctx, EventUserRegistered, u)
	rs.touchIdentity(ctx, st.Provider, info.SubjectID)
	return resolved{user: u, wasNew: true}, "", nil
}

// attachIdentity links info to u (link mode, or auto-link).
func (rs *RegStack) attachIdentity(ctx context.Context, provider string, info OAuthUserInfo, u *User) (resolved, string, error) {
	if err := rs.store.OAuthIdentities().Create(ctx, newIdentity(provider, info, u.ID, rs.clock.Now())); err != nil {
		if errors.Is(err, ErrIdentityLinked) {
			return resolved{}, OAuthErrIdentityInUse, nil
		}
		return resolved{}, "", fmt.Errorf("create identity: %w", err)
	}
	rs.touchIdentity(ctx, provider, info.SubjectID)
	return resolved{user: u, linked: true}, "", nil
}

func newIdentity(provider string, info OAuthUserInfo, userID string, now time.Time) *OAuthIdentity {
	return &OAuthIdentity{UserID: userID, Provider: provider, SubjectID: info.SubjectID, Email: clonePtr(info.Email), LinkedAt: now}
}

// touchIdentity sets last_used_at; best effort (domain.md §5.6).
func (rs *RegStack) touchIdentity(ctx context.Context, provider, subject string) {
	if err := rs.store.OAuthIdentities().TouchLastUsed(ctx, provider, subject, rs.clock.Now()); err != nil {
		rs.logger.WarnContext(ctx, "OAuth: could not record identity use", "provider", provider, "err", err)
	}
}
