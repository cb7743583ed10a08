package http

import "net/http"

// msgPhoneDisabled is the answer of DELETE /phone.
const msgPhoneDisabled = "SMS 2FA disabled."

// phoneNumber is 4–20 characters (else 422); the E.164 rule is the use
// case's 400 (http-api.md §3.3).
var phoneNumber = field{name: "phone_number", kind: kindString, required: true, minLen: 4, maxLen: 20}

// phoneSetupStarted is the 202 of POST /phone/start (§7.1).
type phoneSetupStarted struct {
	Status       string `json:"status"`
	PendingToken string `json:"pending_token"`
	ExpiresIn    int    `json:"expires_in"`
}

// phoneRoutes is the phone / SMS 2FA router (http-api.md §7), mounted iff
// enable_sms_2fa. The authenticated routes check the caller before the
// body, so `validate`'s unauthenticated probe gets 401 (§11.2).
func (a *api) phoneRoutes() []route {
	cfg := &a.cfg
	return []route{
		{
			pattern: "POST /phone/start", access: userOnly,
			body:     schema{phoneNumber, currentPassword},
			limitKey: "phone_start_rate_limit", limit: cfg.PhoneStartRateLimit,
			serve: a.startPhoneSetup,
		},
		{
			pattern:  "POST /phone/confirm",
			body:     schema{tokenField("pending_token"), mfaCode},
			limitKey: "phone_confirm_rate_limit", limit: cfg.PhoneConfirmRateLimit,
			serve: a.confirmPhoneSetup,
		},
		{
			pattern: "DELETE /phone", access: userOnly,
			body:     schema{currentPassword},
			limitKey: "phone_disable_rate_limit", limit: cfg.PhoneDisableRateLimit,
			serve: a.disablePhone,
		},
	}
}

func (a *api) startPhoneSetup(w http.ResponseWriter, r *http.Request, c *call) error {
	s, err := a.rs.StartPhoneSetup(r.Context(), c.principal, c.body.str("phone_number"), c.body.str("current_password"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, phoneSetupStarted{Status: "code_sent", PendingToken: s.PendingToken, ExpiresIn: s.ExpiresIn})
	return nil
}

func (a *api) confirmPhoneSetup(w http.ResponseWriter, r *http.Request, c *call) error {
	u, err := a.rs.ConfirmPhoneSetup(r.Context(), c.body.str("pending_token"), c.body.str("code"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserPublic(u))
	return nil
}

func (a *api) disablePhone(w http.ResponseWriter, r *http.Request, c *call) error {
	if _, err := a.rs.DisablePhone(r.Context(), c.principal, c.body.str("current_password")); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResponse{msgPhoneDisabled})
	return nil
}
