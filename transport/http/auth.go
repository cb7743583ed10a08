package http

import (
	"context"
	"log/slog"
	"net/http"
	"strings"

	regstack "github.com/regstack/regstack/core"
)

type principalKey struct{}

// RequireUser protects next with regstack's bearer authentication
// (http-api.md §4): the Authorization header must carry a live session
// token of an active user. Failures are answered with the JSON 401 of the
// contract (with WWW-Authenticate: Bearer where it applies); on success the
// caller is in the context for UserFrom and PrincipalFrom.
func RequireUser(rs *regstack.RegStack) func(http.Handler) http.Handler {
	return requireAuth(rs, false)
}

// RequireAdmin is RequireUser plus is_superuser: other users get 403
// {"detail": "Administrator privileges required."}.
func RequireAdmin(rs *regstack.RegStack) func(http.Handler) http.Handler {
	return requireAuth(rs, true)
}

func requireAuth(rs *regstack.RegStack, admin bool) func(http.Handler) http.Handler {
	logger := loggerOf(rs)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p, err := authenticate(r.Context(), rs, r, admin)
			if err != nil {
				w.Header().Set("Cache-Control", "no-store")
				writeError(w, r, logger, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(withPrincipal(r.Context(), p)))
		})
	}
}

// authenticate runs the checks of http-api.md §4 in order, then the admin
// check when asked.
func authenticate(ctx context.Context, rs *regstack.RegStack, r *http.Request, admin bool) (*regstack.Principal, error) {
	tok, ok := bearerToken(r)
	if !ok {
		return nil, regstack.ErrAuthRequired
	}
	p, err := rs.Authenticate(ctx, tok)
	if err != nil {
		return nil, err
	}
	if admin && !p.User.IsSuperuser {
		return nil, regstack.ErrAdminRequired
	}
	return p, nil
}

// bearerToken extracts the credentials of `Authorization: Bearer <token>`;
// the scheme is case-insensitive (§4 check 1).
func bearerToken(r *http.Request) (string, bool) {
	scheme, cred, _ := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	cred = strings.TrimSpace(cred)
	if !strings.EqualFold(scheme, "bearer") || cred == "" {
		return "", false
	}
	return cred, true
}

func withPrincipal(ctx context.Context, p *regstack.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the authenticated caller RequireUser or
// RequireAdmin stored in ctx: the user and its session token's claims.
func PrincipalFrom(ctx context.Context) (*regstack.Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*regstack.Principal)
	return p, ok && p != nil
}

// UserFrom returns the authenticated user RequireUser or RequireAdmin
// stored in ctx.
func UserFrom(ctx context.Context) (*regstack.User, bool) {
	p, ok := PrincipalFrom(ctx)
	if !ok || p.User == nil {
		return nil, false
	}
	return p.User, true
}

// loggerOf returns rs's logger, or slog.Default() if it has none (New
// always sets one), so logging never dereferences nil.
func loggerOf(rs *regstack.RegStack) *slog.Logger {
	if l := rs.Logger(); l != nil {
		return l
	}
	return slog.Default()
}
