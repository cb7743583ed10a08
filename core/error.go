package regstack

import (
	"errors"
	"fmt"
)

// Error codes. transport/http maps each to one HTTP status.
const (
	EINVALID      = "invalid"      // 400: the request is well-formed but refused
	EUNAUTHORIZED = "unauthorized" // 401
	EFORBIDDEN    = "forbidden"    // 403
	ENOTFOUND     = "not_found"    // 404
	ECONFLICT     = "conflict"     // 409
	ETOOMANY      = "too_many"     // 429: lockout or rate limit; RetryAfter is set
	EDELIVERY     = "delivery"     // 502: an email or SMS could not be sent
	EBUSY         = "busy"         // 503: the password-hashing pool is saturated; RetryAfter is set
	EINTERNAL     = "internal"     // 500
)

// Error is an application error: Message is shown to the client verbatim as
// the `detail` of the response, so it never carries internals.
type Error struct {
	Code    string
	Message string
	// RetryAfter is the number of seconds to put in a Retry-After header
	// (ETOOMANY, EBUSY); 0 means none.
	RetryAfter int
	// Challenge asks the transport to add `WWW-Authenticate: Bearer`.
	Challenge bool
}

func (e *Error) Error() string { return e.Message }

// Is reports whether target is an *Error with the same code and message, so
// errors.Is(err, ErrCurrentPasswordWrong) works on copies and wrapped values.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code && t.Message == e.Message
}

// Errorf returns an *Error with a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of an application error, or EINTERNAL for any
// other non-nil error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	}
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-visible message of an application error,
// or "Internal Server Error" for any other error (whose text may hold
// internals and must only be logged).
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal Server Error"
}

// Store-level sentinel errors (domain.md §5). Use cases translate them into
// the client-facing errors below.
var (
	// ErrUserExists: the unique email of users was violated.
	ErrUserExists = errors.New("regstack: a user with that email already exists")
	// ErrIdentityLinked: a unique constraint of oauth_identities was violated.
	ErrIdentityLinked = errors.New("regstack: oauth identity already linked")
	// ErrUnknownRevision: the database schema is at a revision this build
	// does not know (written by a newer regstack).
	ErrUnknownRevision = errors.New("regstack: unknown schema revision")
)

// Client-facing errors with the exact `detail` texts of spec/http-api.md.
var (
	// §4 authentication
	ErrAuthRequired       = &Error{Code: EUNAUTHORIZED, Message: "Authentication required.", Challenge: true}
	ErrInvalidToken       = &Error{Code: EUNAUTHORIZED, Message: "Invalid or expired token.", Challenge: true}
	ErrTokenRevoked       = &Error{Code: EUNAUTHORIZED, Message: "Token has been revoked."}
	ErrUserInactive       = &Error{Code: EUNAUTHORIZED, Message: "User no longer active."}
	ErrSessionInvalidated = &Error{Code: EUNAUTHORIZED, Message: "Session was invalidated; please sign in again."}
	ErrAdminRequired      = &Error{Code: EFORBIDDEN, Message: "Administrator privileges required."}

	// §5.1 register
	ErrRegistrationDisabled = &Error{Code: EFORBIDDEN, Message: "Registration is disabled."}
	ErrEmailRegistered      = &Error{Code: ECONFLICT, Message: "An account with that email already exists."}

	// §5.2 verify
	ErrVerificationInvalid = &Error{Code: EINVALID, Message: "Verification link is invalid or has expired. Request a new one."}
	ErrAlreadyRegistered   = &Error{Code: EINVALID, Message: "This email is already registered. Please sign in."}

	// §5.4 login
	ErrAccountDisabled  = &Error{Code: EFORBIDDEN, Message: "Account is disabled."}
	ErrEmailNotVerified = &Error{Code: EFORBIDDEN, Message: "Email address has not been verified."}

	// §5.5 MFA confirm
	ErrMFASessionInvalid    = &Error{Code: EINVALID, Message: "Sign-in session is invalid or has expired. Start over from sign-in."}
	ErrLoginCodeMissing     = &Error{Code: EINVALID, Message: "No pending sign-in code — start the login flow again."}
	ErrLoginCodeLocked      = &Error{Code: EINVALID, Message: "Too many wrong attempts — start the login flow again."}
	ErrLoginCodeExpired     = &Error{Code: EINVALID, Message: "Sign-in code has expired. Try logging in again."}
	ErrTokenAccountInactive = &Error{Code: EINVALID, Message: "Token does not match an active account."}

	// §5.9–5.12 account changes
	ErrNoPasswordSet        = &Error{Code: EINVALID, Message: "No password set on this account. Use forgot-password to set one before changing account details."}
	ErrCurrentPasswordWrong = &Error{Code: EINVALID, Message: "Current password is incorrect."}
	ErrPasswordUnchanged    = &Error{Code: EINVALID, Message: "New password must differ from the current password."}
	ErrEmailUnchanged       = &Error{Code: EINVALID, Message: "New email is the same as the current email."}
	ErrEmailChangeInvalid   = &Error{Code: EINVALID, Message: "Email-change link is invalid or has expired. Request a new one."}
	ErrEmailInUse           = &Error{Code: ECONFLICT, Message: "That email address is already in use."}
	ErrDeletionDisabled     = &Error{Code: ENOTFOUND, Message: "Account deletion is disabled for this application."}

	// §6 password reset
	ErrResetInvalid         = &Error{Code: EINVALID, Message: "Reset link is invalid or has expired. Request a new one."}
	ErrResetAccountInactive = &Error{Code: EINVALID, Message: "Reset link does not match an active account."}
	ErrResetDisabled        = &Error{Code: ENOTFOUND, Message: "Password reset is disabled for this application."}

	// §7 phone
	ErrPhoneFormat         = &Error{Code: EINVALID, Message: "Phone number must be in E.164 format (e.g. +14155552671)."}
	ErrPhoneSessionInvalid = &Error{Code: EINVALID, Message: "Phone-setup session is invalid or has expired. Start setup again."}
	ErrPhoneCodeMissing    = &Error{Code: EINVALID, Message: "No pending verification code — request a new one."}
	ErrPhoneCodeLocked     = &Error{Code: EINVALID, Message: "Too many wrong attempts — request a new code."}
	ErrPhoneCodeExpired    = &Error{Code: EINVALID, Message: "Verification code has expired. Request a new one."}

	// §8 admin
	ErrUserNotFound        = &Error{Code: ENOTFOUND, Message: "User not found."}
	ErrUserAlreadyVerified = &Error{Code: EINVALID, Message: "User is already verified."}
	ErrUserOAuthOnly       = &Error{Code: EINVALID, Message: "User has no password (OAuth-only). Verify them directly via the user record instead of resending verification email."}
	ErrLastAdmin           = &Error{Code: ECONFLICT, Message: "Cannot remove the last administrator."}

	// §10.6 transport failures and the hashing pool
	ErrDelivery = &Error{Code: EDELIVERY, Message: "Could not deliver the message. Try again later."}
	ErrBusy     = &Error{Code: EBUSY, Message: "The server is busy. Try again shortly.", RetryAfter: 1}
)

// ErrWrongCode is the WRONG(n) outcome of an MFA code check (http-api.md §5.5).
func ErrWrongCode(remaining int) *Error {
	return Errorf(EINVALID, "Wrong code; %d attempts remaining.", remaining)
}

// ErrLocked is the 429 of the login lockout (http-api.md §10.2).
func ErrLocked(retryAfter int) *Error {
	return &Error{Code: ETOOMANY, Message: fmt.Sprintf("Too many failed attempts. Try again in %d seconds.", retryAfter), RetryAfter: retryAfter}
}

// ErrInvalidCredentials is the 401 of a failed login; remaining < 1 omits the count.
func ErrInvalidCredentials(remaining int) *Error {
	if remaining >= 1 {
		return Errorf(EUNAUTHORIZED, "Invalid email or password. %d attempt(s) remaining.", remaining)
	}
	return &Error{Code: EUNAUTHORIZED, Message: "Invalid email or password."}
}

// ErrNoPendingRegistration is the 404 of admin promote-pending (http-api.md §8.7).
func ErrNoPendingRegistration(email string) *Error {
	return Errorf(ENOTFOUND, "No pending registration for %s.", email)
}

// ErrPromoteUserExists is the 409 of admin promote-pending.
func ErrPromoteUserExists(email string) *Error {
	return Errorf(ECONFLICT, "A user with email %s already exists.", email)
}
