package http

import (
	"time"

	regstack "github.com/regstack/regstack/core"
)

// userPublic is UserPublic (http-api.md §2.1). Go sends the id under both
// `id` (0.7+ clients, `validate`) and `_id` (0.5/0.6 clients).
type userPublic struct {
	ID                     string  `json:"id"`
	LegacyID               string  `json:"_id"`
	Email                  string  `json:"email"`
	IsActive               bool    `json:"is_active"`
	IsVerified             bool    `json:"is_verified"`
	IsSuperuser            bool    `json:"is_superuser"`
	FullName               *string `json:"full_name"`
	PhoneNumber            *string `json:"phone_number"`
	IsMFAEnabled           bool    `json:"is_mfa_enabled"`
	CreatedAt              string  `json:"created_at"`
	UpdatedAt              string  `json:"updated_at"`
	LastLogin              *string `json:"last_login"`
	TokensInvalidatedAfter *string `json:"tokens_invalidated_after"`
}

func newUserPublic(u *regstack.User) userPublic {
	return userPublic{
		ID:                     u.ID,
		LegacyID:               u.ID,
		Email:                  u.Email,
		IsActive:               u.IsActive,
		IsVerified:             u.IsVerified,
		IsSuperuser:            u.IsSuperuser,
		FullName:               u.FullName,
		PhoneNumber:            u.PhoneNumber,
		IsMFAEnabled:           u.IsMFAEnabled,
		CreatedAt:              isoZ(u.CreatedAt),
		UpdatedAt:              isoZ(u.UpdatedAt),
		LastLogin:              optionalISOZ(u.LastLogin),
		TokensInvalidatedAfter: optionalISOZ(u.TokensInvalidatedAfter),
	}
}

// tokenResponse is TokenResponse (§2.2).
type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
}

func newTokenResponse(s regstack.Session) tokenResponse {
	return tokenResponse{AccessToken: s.AccessToken, TokenType: "bearer", ExpiresIn: s.ExpiresIn}
}

// mfaRequired is the MFA branch of POST /login (§5.4 step 7).
type mfaRequired struct {
	Status          string `json:"status"`
	MFAPendingToken string `json:"mfa_pending_token"`
	ExpiresIn       int    `json:"expires_in"`
	Delivery        string `json:"delivery"`
}

// pendingRegistration is the 201 of POST /register with verification on (§5.1).
type pendingRegistration struct {
	Status    string `json:"status"`
	Email     string `json:"email"`
	ExpiresAt string `json:"expires_at"`
}

// messageResponse is MessageResponse (§2.3).
type messageResponse struct {
	Message string `json:"message"`
}

// Python's isoformat prints microseconds only when they are non-zero, and
// then always six digits.
const (
	isoSeconds = "2006-01-02T15:04:05"
	isoMicros  = "2006-01-02T15:04:05.000000"
)

// isoUTC formats t in UTC as Python's datetime.isoformat, followed by zone.
func isoUTC(t time.Time, zone string) string {
	t = t.UTC().Truncate(time.Microsecond)
	layout := isoMicros
	if t.Nanosecond() == 0 {
		layout = isoSeconds
	}
	// One allocation, for the string: /me writes three of these per request.
	var buf [40]byte
	return string(append(t.AppendFormat(buf[:0], layout), zone...))
}

// isoZ is the UserPublic datetime form: `2025-01-01T00:00:00Z`.
func isoZ(t time.Time) string { return isoUTC(t, "Z") }

// isoOffset is the explicit-offset form: `2025-01-02T00:00:00+00:00`.
func isoOffset(t time.Time) string { return isoUTC(t, "+00:00") }

func optionalISOZ(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := isoZ(*t)
	return &s
}
