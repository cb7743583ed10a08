package http

import (
	"net/http"

	regstack "github.com/regstack/regstack/core"
)

// Field rules of http-api.md §3.
var (
	// currentPassword is any string: a wrong value is a 400, not a 422.
	currentPassword = field{name: "current_password", kind: kindString, required: true, secret: true}
	fullName        = field{name: "full_name", kind: kindNullable, maxLen: 200}
	mfaCode         = field{name: "code", kind: kindString, required: true, minLen: 4, maxLen: 10, secret: true}
)

// emailField is a required address, normalised as §3.2 says.
func emailField(name string) field { return field{name: name, kind: kindEmail, required: true} }

// passwordField is a password being set or presented at login: 8–128 code
// points (§3.1).
func passwordField(name string) field {
	return field{name: name, kind: kindString, required: true, minLen: 8, maxLen: 128, secret: true}
}

// tokenField is a token of any length; its value is never echoed.
func tokenField(name string) field {
	return field{name: name, kind: kindString, required: true, secret: true}
}

// Fixed messages of the core and reset routers.
const (
	msgResent         = "If a pending registration exists, a new email has been sent."
	msgLoggedOut      = "Logged out."
	msgPasswordChange = "Password changed. Existing sessions have been signed out."
	msgEmailChange    = "If the address is available, a confirmation link has been sent. Check your email."
	msgDeleted        = "Account deleted."
)

// coreRoutes is the core router (http-api.md §5), always mounted.
func (a *api) coreRoutes() []route {
	cfg := &a.cfg
	return []route{
		{
			pattern:  "POST /register",
			body:     schema{emailField("email"), passwordField("password"), fullName},
			limitKey: "register_rate_limit", limit: cfg.RegisterRateLimit,
			serve: a.register,
		},
		{
			pattern:  "POST /verify",
			body:     schema{tokenField("token")},
			limitKey: "verify_rate_limit", limit: cfg.VerifyRateLimit,
			serve: a.verify,
		},
		{
			pattern:  "POST /resend-verification",
			body:     schema{emailField("email")},
			limitKey: "resend_verification_rate_limit", limit: cfg.ResendVerificationRateLimit,
			serve: a.resendVerification,
		},
		{
			pattern:  "POST /login",
			body:     schema{emailField("email"), passwordField("password")},
			limitKey: "login_rate_limit", limit: cfg.LoginRateLimit,
			serve: a.login,
		},
		{
			pattern:  "POST /login/mfa-confirm",
			body:     schema{tokenField("mfa_pending_token"), mfaCode},
			limitKey: "login_mfa_confirm_rate_limit", limit: cfg.LoginMFAConfirmRateLimit,
			serve: a.confirmMFA,
		},
		{pattern: "POST /logout", access: userOnly, serve: a.logout},
		{pattern: "GET /me", access: userOnly, serve: a.me},
		{pattern: "PATCH /me", access: userOnly, body: schema{fullName}, serve: a.updateProfile},
		{
			pattern: "POST /change-password", access: userOnly,
			body:     schema{currentPassword, passwordField("new_password")},
			limitKey: "change_password_rate_limit", limit: cfg.ChangePasswordRateLimit,
			serve: a.changePassword,
		},
		{
			pattern: "POST /change-email", access: userOnly,
			body:     schema{emailField("new_email"), currentPassword},
			limitKey: "change_email_rate_limit", limit: cfg.ChangeEmailRateLimit,
			serve: a.changeEmail,
		},
		{
			pattern:  "POST /confirm-email-change",
			body:     schema{tokenField("token")},
			limitKey: "confirm_email_change_rate_limit", limit: cfg.ConfirmEmailChangeRateLimit,
			serve: a.confirmEmailChange,
		},
		{
			pattern: "DELETE /account", access: userOnly,
			body:     schema{currentPassword},
			limitKey: "delete_account_rate_limit", limit: cfg.DeleteAccountRateLimit,
			serve: a.deleteAccount,
		},
	}
}

func (a *api) register(w http.ResponseWriter, r *http.Request, c *call) error {
	_, name := c.body.nullable("full_name")
	res, err := a.rs.Register(r.Context(), regstack.RegisterInput{
		Email:    c.body.str("email"),
		Password: c.body.str("password"),
		FullName: name,
	})
	if err != nil {
		return err
	}
	if res.User != nil {
		writeJSON(w, http.StatusCreated, newUserPublic(res.User))
		return nil
	}
	writeJSON(w, http.StatusCreated, pendingRegistration{
		Status:    "pending_verification",
		Email:     res.PendingEmail,
		ExpiresAt: isoOffset(res.PendingExpiresAt),
	})
	return nil
}

func (a *api) verify(w http.ResponseWriter, r *http.Request, c *call) error {
	u, err := a.rs.Verify(r.Context(), c.body.str("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserPublic(u))
	return nil
}

// resendVerification always answers 202 (anti-enumeration, §10.1).
func (a *api) resendVerification(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.rs.ResendVerification(r.Context(), c.body.str("email")); err != nil {
		logOnly(r.Context(), a.logger, r, err)
	}
	writeJSON(w, http.StatusAccepted, messageResponse{msgResent})
	return nil
}

func (a *api) login(w http.ResponseWriter, r *http.Request, c *call) error {
	res, err := a.rs.Login(r.Context(), regstack.LoginInput{
		Email:    c.body.str("email"),
		Password: c.body.str("password"),
		IP:       clientIP(r, a.cfg.BehindProxy),
	})
	if err != nil {
		return err
	}
	if res.MFAPendingToken != "" {
		writeJSON(w, http.StatusOK, mfaRequired{
			Status:          "mfa_required",
			MFAPendingToken: res.MFAPendingToken,
			ExpiresIn:       res.MFAExpiresIn,
			Delivery:        "sms",
		})
		return nil
	}
	writeJSON(w, http.StatusOK, newTokenResponse(res.Session))
	return nil
}

func (a *api) confirmMFA(w http.ResponseWriter, r *http.Request, c *call) error {
	s, err := a.rs.ConfirmMFA(r.Context(), c.body.str("mfa_pending_token"), c.body.str("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newTokenResponse(s))
	return nil
}

func (a *api) logout(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.rs.Logout(r.Context(), c.principal); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResponse{msgLoggedOut})
	return nil
}

func (a *api) me(w http.ResponseWriter, _ *http.Request, c *call) error {
	writeJSON(w, http.StatusOK, newUserPublic(c.principal.User))
	return nil
}

// updateProfile treats an absent full_name as "no change" and null as
// "clear" (§5.8 Go note).
func (a *api) updateProfile(w http.ResponseWriter, r *http.Request, c *call) error {
	set, name := c.body.nullable("full_name")
	u, err := a.rs.UpdateProfile(r.Context(), c.principal, regstack.ProfileUpdate{FullNameSet: set, FullName: name})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserPublic(u))
	return nil
}

func (a *api) changePassword(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.rs.ChangePassword(r.Context(), c.principal, c.body.str("current_password"), c.body.str("new_password")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResponse{msgPasswordChange})
	return nil
}

// changeEmail answers 202 whether or not the address is taken; a failed
// delivery is only logged, so it reveals nothing either (§10.6).
func (a *api) changeEmail(w http.ResponseWriter, r *http.Request, c *call) error {
	err := a.rs.ChangeEmail(r.Context(), c.principal, c.body.str("new_email"), c.body.str("current_password"))
	if err != nil && regstack.ErrorCode(err) != regstack.EDELIVERY {
		return err
	}
	if err != nil {
		logOnly(r.Context(), a.logger, r, err)
	}
	writeJSON(w, http.StatusAccepted, messageResponse{msgEmailChange})
	return nil
}

func (a *api) confirmEmailChange(w http.ResponseWriter, r *http.Request, c *call) error {
	u, err := a.rs.ConfirmEmailChange(r.Context(), c.body.str("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserPublic(u))
	return nil
}

// deleteAccount answers 404 for enable_account_deletion=false only after
// authentication and body validation (§5.12); the use case checks the flag
// too, for library callers.
func (a *api) deleteAccount(w http.ResponseWriter, r *http.Request, c *call) error {
	if !a.cfg.EnableAccountDeletion {
		return regstack.ErrDeletionDisabled
	}
	if err := a.rs.DeleteAccount(r.Context(), c.principal, c.body.str("current_password")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResponse{msgDeleted})
	return nil
}
