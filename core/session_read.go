package regstack

import "context"

// SessionReader is an optional capability of a Store, discovered by type
// assertion like database/sql's optional driver interfaces: the two reads
// every authenticated request makes (is the token's jti revoked, and the
// user row) in one round trip. Authenticate uses it when the store has it
// and otherwise asks Blacklist().IsRevoked and Users().GetByID in turn;
// the answers must be the same either way, which core/storetest checks.
//
// The combined read is not one consistent snapshot on every backend (the
// Mongo-wire store runs the two finds side by side), but neither were the
// two separate reads: a logout or a user change that lands between them
// may or may not be seen, exactly as before.
type SessionReader interface {
	// ReadSession reports whether jti is in the blacklist (whatever its
	// exp, as Blacklist.IsRevoked) and returns the user with id userID,
	// nil when there is none or the id is malformed (as UserStore.GetByID).
	ReadSession(ctx context.Context, userID, jti string) (user *User, revoked bool, err error)
}
