package regstack

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// maxFullNameLen is the full_name limit in code points (http-api.md §3.3).
const maxFullNameLen = 200

// checkFullName enforces http-api.md §3.3 for library callers; over HTTP
// the transport answers 422 first.
func checkFullName(name *string) error {
	if name != nil && utf8.RuneCountInString(*name) > maxFullNameLen {
		return Errorf(EINVALID, "Full name must be at most %d characters.", maxFullNameLen)
	}
	return nil
}

// UpdateProfile is PATCH /me (http-api.md §5.8). FullNameSet false leaves
// the name alone; FullName nil clears it. Returns the stored user after the
// write (fresh updated_at). Fires no event.
func (rs *RegStack) UpdateProfile(ctx context.Context, p *Principal, up ProfileUpdate) (*User, error) {
	if p == nil || p.User == nil {
		return nil, ErrAuthRequired
	}
	if up.FullNameSet {
		if err := checkFullName(up.FullName); err != nil {
			return nil, err
		}
		if err := rs.store.Users().SetFullName(ctx, p.User.ID, up.FullName); err != nil {
			return nil, fmt.Errorf("update profile: %w", err)
		}
	}
	return rs.reloadUser(ctx, p.User.ID)
}
