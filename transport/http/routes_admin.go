package http

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	regstack "github.com/regstack/regstack/core"
)

// adminStats is the body of GET /admin/stats (http-api.md §8.1).
type adminStats struct {
	TotalUsers           int `json:"total_users"`
	ActiveUsers          int `json:"active_users"`
	VerifiedUsers        int `json:"verified_users"`
	Superusers           int `json:"superusers"`
	PendingRegistrations int `json:"pending_registrations"`
}

// userList is the body of GET /admin/users (§8.2).
type userList struct {
	Items []userPublic `json:"items"`
	Total int          `json:"total"`
	Skip  int          `json:"skip"`
	Limit int          `json:"limit"`
}

// adminUserPatch is the body of PATCH /admin/users/{user_id} (§8.4): every
// field optional, null meaning "no change". is_verified is the Go addition
// of the §8.6 note.
var adminUserPatch = schema{
	{name: "is_active", kind: kindBool},
	{name: "is_superuser", kind: kindBool},
	{name: "is_verified", kind: kindBool},
	fullName,
}

// adminRoutes is the admin router (http-api.md §8), mounted iff
// enable_admin_router. Every route needs a superuser: the 401 variants of
// §4 first, then 403.
func (a *api) adminRoutes() []route {
	return []route{
		{pattern: "GET /admin/stats", access: adminOnly, serve: a.adminStats},
		{pattern: "GET /admin/users", access: adminOnly, serve: a.adminListUsers},
		{pattern: "GET /admin/users/{user_id}", access: adminOnly, serve: a.adminGetUser},
		{pattern: "PATCH /admin/users/{user_id}", access: adminOnly, body: adminUserPatch, serve: a.adminUpdateUser},
		{pattern: "DELETE /admin/users/{user_id}", access: adminOnly, serve: a.adminDeleteUser},
		{pattern: "POST /admin/users/{user_id}/resend-verification", access: adminOnly, serve: a.adminResendVerification},
		{pattern: "POST /admin/pending/{email}/promote", access: adminOnly, serve: a.adminPromotePending},
	}
}

func (a *api) adminStats(w http.ResponseWriter, r *http.Request, _ *call) error {
	s, err := a.rs.Stats(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, adminStats{
		TotalUsers:           s.TotalUsers,
		ActiveUsers:          s.ActiveUsers,
		VerifiedUsers:        s.VerifiedUsers,
		Superusers:           s.Superusers,
		PendingRegistrations: s.PendingRegistrations,
	})
	return nil
}

func (a *api) adminListUsers(w http.ResponseWriter, r *http.Request, _ *call) error {
	q := r.URL.Query()
	var errs validationErrors
	skip := queryInt(q, "skip", 0, 0, -1, &errs)
	limit := queryInt(q, "limit", regstack.DefaultUserPageSize, 1, regstack.MaxUserPageSize, &errs)
	if errs != nil {
		return errs
	}
	page, err := a.rs.ListUsers(r.Context(), skip, limit)
	if err != nil {
		return err
	}
	items := make([]userPublic, len(page.Users))
	for i, u := range page.Users {
		items[i] = newUserPublic(u)
	}
	writeJSON(w, http.StatusOK, userList{Items: items, Total: page.Total, Skip: page.Skip, Limit: page.Limit})
	return nil
}

// queryInt reads an integer query parameter in [minimum, maximum]
// (maximum < 0: unbounded), or def when it is absent. A repeated parameter
// counts with its last value, as in FastAPI. Problems are appended to errs
// in pydantic's shape.
func queryInt(q url.Values, name string, def, minimum, maximum int, errs *validationErrors) int {
	vals, ok := q[name]
	if !ok || len(vals) == 0 {
		return def
	}
	raw := vals[len(vals)-1]
	loc := []any{"query", name}
	n, err := strconv.Atoi(strings.TrimSpace(raw))
	switch {
	case err != nil:
		*errs = append(*errs, validationError{Type: "int_parsing", Loc: loc, Input: raw,
			Msg: "Input should be a valid integer, unable to parse string as an integer"})
	case n < minimum:
		*errs = append(*errs, validationError{Type: "greater_than_equal", Loc: loc, Input: raw,
			Msg: fmt.Sprintf("Input should be greater than or equal to %d", minimum), Ctx: map[string]any{"ge": minimum}})
	case maximum >= 0 && n > maximum:
		*errs = append(*errs, validationError{Type: "less_than_equal", Loc: loc, Input: raw,
			Msg: fmt.Sprintf("Input should be less than or equal to %d", maximum), Ctx: map[string]any{"le": maximum}})
	}
	return n
}

func (a *api) adminGetUser(w http.ResponseWriter, r *http.Request, _ *call) error {
	u, err := a.rs.GetUser(r.Context(), r.PathValue("user_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserPublic(u))
	return nil
}

// adminUpdateUser treats an absent or null field as "no change", full_name
// included (an admin cannot clear a name, §8.4).
func (a *api) adminUpdateUser(w http.ResponseWriter, r *http.Request, c *call) error {
	_, name := c.body.nullable("full_name")
	u, err := a.rs.UpdateUser(r.Context(), r.PathValue("user_id"), regstack.UserUpdate{
		IsActive:    c.body.optBool("is_active"),
		IsSuperuser: c.body.optBool("is_superuser"),
		IsVerified:  c.body.optBool("is_verified"),
		FullName:    name,
	})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newUserPublic(u))
	return nil
}

func (a *api) adminDeleteUser(w http.ResponseWriter, r *http.Request, _ *call) error {
	u, err := a.rs.DeleteUser(r.Context(), r.PathValue("user_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, messageResponse{"User " + u.Email + " deleted."})
	return nil
}

func (a *api) adminResendVerification(w http.ResponseWriter, r *http.Request, _ *call) error {
	u, err := a.rs.ResendVerificationFor(r.Context(), r.PathValue("user_id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, messageResponse{"Verification email sent to " + u.Email + "."})
	return nil
}

func (a *api) adminPromotePending(w http.ResponseWriter, r *http.Request, _ *call) error {
	u, err := a.rs.PromotePending(r.Context(), r.PathValue("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newUserPublic(u))
	return nil
}
