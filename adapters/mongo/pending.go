package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	regstack "github.com/regstack/regstack/core"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// replaceRetries bounds how often a race-free replace (Pending.Upsert,
// MFACodes.Put) retries after losing an insert race to another writer of
// the same key; each retry finds the winner's document and replaces it.
const replaceRetries = 10

// pendingDoc is a pending_registrations document. The _id stays the same
// across upserts of one email (the document is replaced in place).
type pendingDoc struct {
	ID             bson.ObjectID `bson:"_id,omitempty"`
	Email          string        `bson:"email"`
	HashedPassword string        `bson:"hashed_password"`
	FullName       *string       `bson:"full_name,omitempty"`
	TokenHash      string        `bson:"token_hash"`
	CreatedAt      time.Time     `bson:"created_at"`
	ExpiresAt      time.Time     `bson:"expires_at"`
}

func (d *pendingDoc) pending() *regstack.PendingRegistration {
	return &regstack.PendingRegistration{
		ID:             d.ID.Hex(),
		Email:          d.Email,
		HashedPassword: d.HashedPassword,
		FullName:       d.FullName,
		TokenHash:      d.TokenHash,
		CreatedAt:      d.CreatedAt.UTC(),
		ExpiresAt:      d.ExpiresAt.UTC(),
	}
}

// pending implements regstack.PendingStore.
type pending struct{ s *Store }

// Upsert leaves reg.ID alone: pending ids are never exposed, and the
// replaced document keeps the _id it had.
func (p pending) Upsert(ctx context.Context, reg *regstack.PendingRegistration) error {
	doc := &pendingDoc{
		Email:          reg.Email,
		HashedPassword: reg.HashedPassword,
		FullName:       reg.FullName,
		TokenHash:      reg.TokenHash,
		CreatedAt:      reg.CreatedAt,
		ExpiresAt:      reg.ExpiresAt,
	}
	filter := bson.D{{Key: "email", Value: reg.Email}}
	// Two upserts that both find no row both insert; the unique email
	// index refuses the second, whose retry then replaces the first's row.
	var err error
	for range replaceRetries {
		_, err = p.s.pending.ReplaceOne(ctx, filter, doc, options.Replace().SetUpsert(true))
		if err == nil {
			return nil
		}
		if !isDuplicateKey(err) {
			break
		}
	}
	return fmt.Errorf("mongo: upsert pending registration: %w", err)
}

func (p pending) FindByTokenHash(ctx context.Context, tokenHash string) (*regstack.PendingRegistration, error) {
	return p.findOne(ctx, bson.D{{Key: "token_hash", Value: tokenHash}})
}

func (p pending) FindByEmail(ctx context.Context, email string) (*regstack.PendingRegistration, error) {
	return p.findOne(ctx, bson.D{{Key: "email", Value: email}})
}

func (p pending) findOne(ctx context.Context, filter bson.D) (*regstack.PendingRegistration, error) {
	d, err := p.findDoc(ctx, filter)
	if d == nil || err != nil {
		return nil, err
	}
	return d.pending(), nil
}

func (p pending) findDoc(ctx context.Context, filter bson.D) (*pendingDoc, error) {
	var d pendingDoc
	err := p.s.pending.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mongo: find pending registration: %w", err)
	}
	return &d, nil
}

// ConsumeByTokenHash reads the row, then deletes it by _id and token hash:
// of any number of concurrent callers only the one whose delete removed
// the document gets it. The token hash in the delete filter keeps a
// replacing Upsert's new row (same _id, new token) alive on MongoDB.
func (p pending) ConsumeByTokenHash(ctx context.Context, tokenHash string) (*regstack.PendingRegistration, error) {
	d, err := p.findDoc(ctx, bson.D{{Key: "token_hash", Value: tokenHash}})
	if d == nil || err != nil {
		return nil, err
	}
	res, err := p.s.pending.DeleteOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "token_hash", Value: tokenHash}})
	if err != nil {
		return nil, fmt.Errorf("mongo: consume pending registration: %w", err)
	}
	if res.DeletedCount != 1 {
		return nil, nil
	}
	return d.pending(), nil
}

func (p pending) DeleteByEmail(ctx context.Context, email string) error {
	if _, err := p.s.pending.DeleteOne(ctx, bson.D{{Key: "email", Value: email}}); err != nil {
		return fmt.Errorf("mongo: delete pending registration: %w", err)
	}
	return nil
}

func (p pending) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	res, err := p.s.pending.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, fmt.Errorf("mongo: purge pending registrations: %w", err)
	}
	return int(res.DeletedCount), nil
}

func (p pending) CountUnexpired(ctx context.Context, now time.Time) (int, error) {
	n, err := p.s.pending.CountDocuments(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now}}}})
	if err != nil {
		return 0, fmt.Errorf("mongo: count pending registrations: %w", err)
	}
	return int(n), nil
}
