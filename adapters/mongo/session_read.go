package mongo

import (
	"context"

	regstack "github.com/regstack/regstack/core"
)

var _ regstack.SessionReader = (*Store)(nil)

// ReadSession implements regstack.SessionReader. One command that reads two
// collections would need $lookup or $unionWith, which FerretDB v1 does not
// run, so the blacklist find and the user find go out side by side on two
// pooled connections: the request waits for one round trip instead of two.
func (s *Store) ReadSession(ctx context.Context, userID, jti string) (*regstack.User, bool, error) {
	if _, ok := objectID(userID); !ok {
		// No such user can exist; only the blacklist has an answer.
		revoked, err := s.Blacklist().IsRevoked(ctx, jti)
		return nil, revoked, err
	}
	type answer struct {
		revoked bool
		err     error
	}
	blacklisted := make(chan answer, 1)
	go func() {
		revoked, err := s.Blacklist().IsRevoked(ctx, jti)
		blacklisted <- answer{revoked, err}
	}()
	u, userErr := s.Users().GetByID(ctx, userID)
	b := <-blacklisted
	if b.err != nil {
		return nil, false, b.err
	}
	if userErr != nil {
		return nil, false, userErr
	}
	return u, b.revoked, nil
}
