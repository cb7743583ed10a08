package mongo

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// Server error codes InstallSchema reacts to.
const (
	codeIndexNotFound        = 27
	codeIndexOptionsConflict = 85
	codeCommandNotSupported  = 115
	codeNotImplemented       = 238
)

// index is one index of domain.md §4.4.
type index struct {
	coll   *mongo.Collection
	name   string
	keys   bson.D
	unique bool
	// ttl marks a TTL index; expireAfter is then its expireAfterSeconds.
	ttl         bool
	expireAfter int32
}

func (ix index) model() mongo.IndexModel {
	opts := options.Index().SetName(ix.name)
	if ix.unique {
		opts.SetUnique(true)
	}
	if ix.ttl {
		opts.SetExpireAfterSeconds(ix.expireAfter)
	}
	return mongo.IndexModel{Keys: ix.keys, Options: opts}
}

// indexes lists the store's indexes: domain.md §4.4's, plus a TTL index
// on the OAuth completion markers.
func (s *Store) indexes() []index {
	asc := func(fields ...string) bson.D {
		d := make(bson.D, len(fields))
		for i, f := range fields {
			d[i] = bson.E{Key: f, Value: 1}
		}
		return d
	}
	return []index{
		{coll: s.users, name: "email_unique", keys: asc("email"), unique: true},
		{coll: s.blacklist, name: "jti_unique", keys: asc("jti"), unique: true},
		{coll: s.blacklist, name: "exp_ttl", keys: asc("exp"), ttl: true},
		{coll: s.pending, name: "pending_email_unique", keys: asc("email"), unique: true},
		{coll: s.pending, name: "pending_token_unique", keys: asc("token_hash"), unique: true},
		{coll: s.pending, name: "pending_ttl", keys: asc("expires_at"), ttl: true},
		{coll: s.attempts, name: "email_when", keys: asc("email", "when")},
		{coll: s.attempts, name: "when_ttl", keys: asc("when"), ttl: true, expireAfter: int32(s.window.Seconds())},
		{coll: s.codes, name: "user_kind_unique", keys: asc("user_id", "kind"), unique: true},
		{coll: s.codes, name: "mfa_ttl", keys: asc("expires_at"), ttl: true},
		{coll: s.identities, name: "provider_subject_unique", keys: asc("provider", "subject_id"), unique: true},
		{coll: s.identities, name: "user_provider_unique", keys: asc("user_id", "provider"), unique: true},
		{coll: s.states, name: "oauth_state_ttl", keys: asc("expires_at"), ttl: true},
		{coll: s.completions, name: "oauth_state_completion_ttl", keys: asc("expires_at"), ttl: true},
	}
}

// InstallSchema creates the indexes, idempotently; several processes may
// run it at once. It first drops a legacy unique index on exactly
// {email: 1} of users that is not named email_unique (upstream 0.7.0).
//
// Each index gets a createIndexes command of its own: FerretDB v1 panics
// on a command that lists two or more indexes that already exist, and a
// server without TTL support (answering NotImplemented, or "not
// supported") then costs only that TTL index, with a logged warning:
// every reader applies the expiry tests itself, and PurgeExpired deletes
// what a TTL monitor would have. A when_ttl that exists with another
// expireAfterSeconds (login_lockout_window_seconds changed) is updated
// with collMod.
func (s *Store) InstallSchema(ctx context.Context) error {
	if err := s.dropLegacyEmailIndex(ctx); err != nil {
		return err
	}
	for _, ix := range s.indexes() {
		if ix.ttl {
			if err := s.createTTL(ctx, ix); err != nil {
				return err
			}
			continue
		}
		if _, err := ix.coll.Indexes().CreateOne(ctx, ix.model()); err != nil {
			return fmt.Errorf("mongo: create index %s on %s: %w", ix.name, ix.coll.Name(), err)
		}
	}
	return nil
}

// createTTL creates one TTL index, reacting to the server's refusal as
// InstallSchema describes.
func (s *Store) createTTL(ctx context.Context, ix index) error {
	_, err := ix.coll.Indexes().CreateOne(ctx, ix.model())
	switch ttlFailure(err) {
	case ttlCreated:
		return nil
	case ttlUnsupported:
		s.logger.WarnContext(ctx, "mongo: the server does not support TTL indexes; expired documents stay until PurgeExpired deletes them",
			"collection", ix.coll.Name(), "index", ix.name, "error", err)
		return nil
	case ttlConflict:
		err := s.db.RunCommand(ctx, bson.D{
			{Key: "collMod", Value: ix.coll.Name()},
			{Key: "index", Value: bson.D{
				{Key: "name", Value: ix.name},
				{Key: "expireAfterSeconds", Value: ix.expireAfter},
			}},
		}).Err()
		if err != nil {
			return fmt.Errorf("mongo: update expireAfterSeconds of index %s on %s: %w", ix.name, ix.coll.Name(), err)
		}
		s.logger.InfoContext(ctx, "mongo: updated a TTL index", "collection", ix.coll.Name(), "index", ix.name, "expire_after_seconds", ix.expireAfter)
		return nil
	default:
		return fmt.Errorf("mongo: create index %s on %s: %w", ix.name, ix.coll.Name(), err)
	}
}

// ttlOutcome is what a createIndexes error for a TTL index means.
type ttlOutcome int

const (
	ttlFailed      ttlOutcome = iota // a real error
	ttlCreated                       // no error: the index exists now
	ttlUnsupported                   // the server has no TTL indexes
	ttlConflict                      // the index exists with other options
)

// ttlFailure classifies the error of creating a TTL index.
func ttlFailure(err error) ttlOutcome {
	if err == nil {
		return ttlCreated
	}
	var se mongo.ServerError
	if errors.As(err, &se) {
		switch {
		case se.HasErrorCode(codeNotImplemented), se.HasErrorCode(codeCommandNotSupported):
			return ttlUnsupported
		case se.HasErrorCode(codeIndexOptionsConflict):
			return ttlConflict
		}
	}
	msg := strings.ToLower(err.Error())
	if strings.Contains(msg, "not supported") || strings.Contains(msg, "not implemented") {
		return ttlUnsupported
	}
	return ttlFailed
}

// dropLegacyEmailIndex drops unique indexes of users on exactly
// {email: 1} that are not email_unique (an older regstack created one
// under the default name email_1): it would make creating email_unique
// fail. Another process dropping it first is fine.
func (s *Store) dropLegacyEmailIndex(ctx context.Context) error {
	specs, err := s.users.Indexes().ListSpecifications(ctx)
	if err != nil {
		return fmt.Errorf("mongo: list indexes on %s: %w", s.users.Name(), err)
	}
	for _, spec := range specs {
		if spec.Name == "email_unique" || spec.Unique == nil || !*spec.Unique || !isAscendingEmail(spec.KeysDocument) {
			continue
		}
		err := s.users.Indexes().DropOne(ctx, spec.Name)
		var se mongo.ServerError
		if err != nil && !(errors.As(err, &se) && se.HasErrorCode(codeIndexNotFound)) {
			return fmt.Errorf("mongo: drop legacy index %s on %s: %w", spec.Name, s.users.Name(), err)
		}
		s.logger.InfoContext(ctx, "mongo: dropped a legacy unique email index", "collection", s.users.Name(), "index", spec.Name)
	}
	return nil
}

// isAscendingEmail reports whether an index key document is exactly
// {email: 1}, whatever numeric type holds the 1.
func isAscendingEmail(keys bson.Raw) bool {
	elems, err := keys.Elements()
	if err != nil || len(elems) != 1 || elems[0].Key() != "email" {
		return false
	}
	f, ok := elems[0].Value().AsFloat64OK()
	return ok && f == 1
}
