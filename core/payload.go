package regstack

import "context"

// snapshot copies u, pointers included, so a hook handler can neither see
// later writes nor change the caller's user (domain.md §11.1).
func snapshot(u *User) *User {
	if u == nil {
		return nil
	}
	c := *u
	c.HashedPassword = clonePtr(u.HashedPassword)
	c.FullName = clonePtr(u.FullName)
	c.PhoneNumber = clonePtr(u.PhoneNumber)
	c.LastLogin = clonePtr(u.LastLogin)
	c.TokensInvalidatedAfter = clonePtr(u.TokensInvalidatedAfter)
	return &c
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// fireUser fires an event whose only payload is the user (domain.md §11.2).
func (rs *RegStack) fireUser(ctx context.Context, name string, u *User) {
	rs.hooks.Fire(ctx, Event{Name: name, User: snapshot(u)})
}
