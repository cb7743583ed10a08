package regstack

import "errors"

// Errors an OAuthProvider wraps so the callback can name the failed step
// (http-api.md §9.4 rows 6 and 7). Any other provider error is reported as
// oauth_failed.
var (
	// ErrOAuthTokenExchange: the code exchange failed (non-200, or no
	// access_token / id_token). The wrapping text must not quote the
	// provider's response body.
	ErrOAuthTokenExchange = errors.New("regstack: oauth token exchange failed")
	// ErrOAuthIDToken: the ID token failed verification.
	ErrOAuthIDToken = errors.New("regstack: oauth id token rejected")
)

// Callback failure codes: the `error=` value of the redirect to
// <ui_prefix>/login (http-api.md §9.4).
const (
	OAuthErrFailed              = "oauth_failed"
	OAuthErrMissingCodeOrState  = "missing_code_or_state"
	OAuthErrUnknownProvider     = "unknown_provider"
	OAuthErrBadState            = "bad_state"
	OAuthErrStateExpired        = "state_expired"
	OAuthErrTokenExchangeFailed = "token_exchange_failed"
	OAuthErrIDTokenFailed       = "id_token_failed"
	OAuthErrIdentityInUse       = "identity_in_use"
	OAuthErrAlreadyLinked       = "already_linked"
	OAuthErrUserInactive        = "user_inactive"
	OAuthErrEmailInUse          = "email_in_use"
	OAuthErrRegistrationOff     = "registration_disabled"
)

// Client-facing errors of the OAuth router (http-api.md §9).
var (
	ErrRedirectNotSameOrigin = &Error{Code: EINVALID, Message: "redirect_to must be same-origin."}
	ErrOAuthStateNotFound    = &Error{Code: ENOTFOUND, Message: "OAuth state not found or already consumed."}
	ErrOAuthStateExpired     = &Error{Code: EINVALID, Message: "OAuth state has expired."}
	ErrProviderNotLinked     = &Error{Code: ENOTFOUND, Message: "That provider is not linked to your account."}
	ErrLastSignInMethod      = &Error{Code: EINVALID, Message: "Cannot unlink your only sign-in method. Set a password (use forgot-password) or link another provider first."}
)

// ErrOAuthProviderNotConfigured is the 404 of a start for an unregistered
// provider (http-api.md §9.2).
func ErrOAuthProviderNotConfigured(provider string) *Error {
	return Errorf(ENOTFOUND, "OAuth provider '%s' is not configured.", provider)
}
