package http

import "net/http"

// Fixed messages of the password-reset router.
const (
	msgResetSent = "If the address matches an active account, a reset link has been sent. Check your email."
	msgResetDone = "Password has been reset. Please sign in."
)

// resetRoutes is the password-reset router (http-api.md §6), mounted iff
// enable_password_reset.
func (a *api) resetRoutes() []route {
	return []route{
		{
			pattern:  "POST /forgot-password",
			body:     schema{emailField("email")},
			limitKey: "forgot_password_rate_limit", limit: a.cfg.ForgotPasswordRateLimit,
			serve: a.forgotPassword,
		},
		{
			pattern:  "POST /reset-password",
			body:     schema{tokenField("token"), passwordField("new_password")},
			limitKey: "reset_password_rate_limit", limit: a.cfg.ResetPasswordRateLimit,
			serve: a.resetPassword,
		},
	}
}

// forgotPassword always answers 202 (anti-enumeration, §10.1).
func (a *api) forgotPassword(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.rs.ForgotPassword(r.Context(), c.body.str("email")); err != nil {
		logOnly(r.Context(), a.logger, r, err)
	}
	writeJSON(w, http.StatusAccepted, messageResponse{msgResetSent})
	return nil
}

func (a *api) resetPassword(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := a.rs.ResetPassword(r.Context(), c.body.str("token"), c.body.str("new_password")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResponse{msgResetDone})
	return nil
}
