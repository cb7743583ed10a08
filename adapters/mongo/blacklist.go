package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// blacklistDoc is a token_blacklist document.
type blacklistDoc struct {
	JTI string    `bson:"jti"`
	Exp time.Time `bson:"exp"`
}

// blacklist implements regstack.Blacklist.
type blacklist struct{ s *Store }

func (b blacklist) Revoke(ctx context.Context, jti string, exp time.Time) error {
	if _, err := b.Claim(ctx, jti, exp); err != nil {
		return err
	}
	return nil
}

// Claim inserts the jti; the unique jti index lets exactly one of any
// number of concurrent inserts through.
func (b blacklist) Claim(ctx context.Context, jti string, exp time.Time) (bool, error) {
	_, err := b.s.blacklist.InsertOne(ctx, blacklistDoc{JTI: jti, Exp: exp})
	if isDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mongo: insert into token blacklist: %w", err)
	}
	return true, nil
}

func (b blacklist) IsRevoked(ctx context.Context, jti string) (bool, error) {
	err := b.s.blacklist.FindOne(ctx, bson.D{{Key: "jti", Value: jti}}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mongo: look up token blacklist: %w", err)
	}
	return true, nil
}

func (b blacklist) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	res, err := b.s.blacklist.DeleteMany(ctx, bson.D{{Key: "exp", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, fmt.Errorf("mongo: purge token blacklist: %w", err)
	}
	return int(res.DeletedCount), nil
}
