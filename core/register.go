package regstack

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/regstack/regstack/core/token"
)

// Register is POST /register (http-api.md §5.1). With require_verification
// it stores a pending registration and emails the verification link; a
// failed send answers ErrDelivery and keeps the row, so resend works.
// Without it the user is created at once. Returns ErrRegistrationDisabled,
// ErrEmailRegistered, ErrBusy, ErrDelivery or EINVALID (library callers:
// bad email, password length, full name).
func (rs *RegStack) Register(ctx context.Context, in RegisterInput) (RegisterResult, error) {
	email, err := normalizeEmail(in.Email)
	if err != nil {
		return RegisterResult{}, err
	}
	if err := checkNewPassword(in.Password); err != nil {
		return RegisterResult{}, err
	}
	if err := checkFullName(in.FullName); err != nil {
		return RegisterResult{}, err
	}
	if !rs.cfg.AllowRegistration {
		return RegisterResult{}, ErrRegistrationDisabled
	}
	existing, err := rs.store.Users().GetByEmail(ctx, email)
	if err != nil {
		return RegisterResult{}, fmt.Errorf("register: look up user: %w", err)
	}
	if existing != nil {
		return RegisterResult{}, ErrEmailRegistered
	}
	hash, err := rs.hashPassword(ctx, in.Password)
	if err != nil {
		return RegisterResult{}, err
	}

	if !rs.cfg.RequireVerification {
		now := rs.clock.Now()
		u := &User{
			Email:          email,
			HashedPassword: &hash,
			IsActive:       true,
			IsVerified:     true,
			FullName:       clonePtr(in.FullName),
			CreatedAt:      now,
			UpdatedAt:      now,
		}
		if err := rs.store.Users().Create(ctx, u); err != nil {
			if errors.Is(err, ErrUserExists) {
				return RegisterResult{}, ErrEmailRegistered
			}
			return RegisterResult{}, fmt.Errorf("register: create user: %w", err)
		}
		rs.fireUser(ctx, EventUserRegistered, u)
		return RegisterResult{User: u}, nil
	}

	p := &PendingRegistration{Email: email, HashedPassword: hash, FullName: clonePtr(in.FullName)}
	if err := rs.sendVerification(ctx, p); err != nil {
		return RegisterResult{}, err
	}
	return RegisterResult{PendingEmail: p.Email, PendingExpiresAt: p.ExpiresAt}, nil
}

// sendVerification gives p a fresh token and lifetime, upserts it (the
// previous link of that email stops working), emails the link and fires
// verification_requested. Used by register, resend and admin resend. A
// failed send returns ErrDelivery with the row kept and no event.
func (rs *RegStack) sendVerification(ctx context.Context, p *PendingRegistration) error {
	raw, hash := token.NewVerificationToken()
	now := rs.clock.Now()
	p.TokenHash = hash
	p.CreatedAt = now
	p.ExpiresAt = now.Add(time.Duration(rs.cfg.VerificationTokenTTLSeconds) * time.Second)
	if err := rs.store.Pending().Upsert(ctx, p); err != nil {
		return fmt.Errorf("store pending registration: %w", err)
	}
	link := rs.linkURL(rs.cfg.VerifyURLTemplate, verifyPath, raw)
	if err := rs.sendEmail(ctx, EmailVerification, p.Email, p.FullName, link, rs.cfg.VerificationTokenTTLSeconds); err != nil {
		return err
	}
	rs.hooks.Fire(ctx, Event{
		Name:            EventVerificationRequested,
		Email:           p.Email,
		URL:             link,
		URLWithoutToken: redactToken(link, raw),
	})
	return nil
}
