package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// loginAttemptDoc is a login_attempts document.
type loginAttemptDoc struct {
	Email string    `bson:"email"`
	When  time.Time `bson:"when"`
	IP    *string   `bson:"ip,omitempty"`
}

// loginAttempts implements regstack.LoginAttempts.
type loginAttempts struct{ s *Store }

func (l loginAttempts) RecordFailure(ctx context.Context, email string, when time.Time, ip *string) error {
	if _, err := l.s.attempts.InsertOne(ctx, loginAttemptDoc{Email: email, When: when, IP: ip}); err != nil {
		return fmt.Errorf("mongo: record login failure: %w", err)
	}
	return nil
}

// RecordAndCount inserts the attempt, then counts. Without transactions
// (none on a standalone server, nor on FerretDB, whose findAndModify is
// not atomic either) the two are separate operations, but each insert is
// atomic: the k-th attempt recorded counts at least k documents, as the
// port asks, though under a burst every racer may count them all (then
// each is past the threshold and Login answers 429 to all).
func (l loginAttempts) RecordAndCount(ctx context.Context, email string, when time.Time, ip *string, window time.Duration) (string, int, error) {
	res, err := l.s.attempts.InsertOne(ctx, loginAttemptDoc{Email: email, When: when, IP: ip})
	if err != nil {
		return "", 0, fmt.Errorf("mongo: record and count login failures: %w", err)
	}
	oid, ok := res.InsertedID.(bson.ObjectID)
	if !ok {
		return "", 0, fmt.Errorf("mongo: record and count login failures: inserted id is a %T", res.InsertedID)
	}
	n, err := l.CountRecent(ctx, email, window, when)
	if err != nil {
		// Do not leave an attempt behind that nobody will settle.
		if rerr := l.Withdraw(context.WithoutCancel(ctx), oid.Hex()); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return "", 0, fmt.Errorf("mongo: record and count login failures: %w", err)
	}
	return oid.Hex(), n, nil
}

// Withdraw deletes the attempt id; a missing one is fine.
func (l loginAttempts) Withdraw(ctx context.Context, id string) error {
	oid, err := bson.ObjectIDFromHex(id)
	if err != nil {
		return fmt.Errorf("mongo: withdraw login attempt: malformed id %q", id)
	}
	if _, err := l.s.attempts.DeleteOne(ctx, bson.D{{Key: "_id", Value: oid}}); err != nil {
		return fmt.Errorf("mongo: withdraw login attempt: %w", err)
	}
	return nil
}

func (l loginAttempts) CountRecent(ctx context.Context, email string, window time.Duration, now time.Time) (int, error) {
	n, err := l.s.attempts.CountDocuments(ctx, bson.D{
		{Key: "email", Value: email},
		{Key: "when", Value: bson.D{{Key: "$gte", Value: now.Add(-window)}}},
	})
	if err != nil {
		return 0, fmt.Errorf("mongo: count login failures: %w", err)
	}
	return int(n), nil
}

func (l loginAttempts) Clear(ctx context.Context, email string) error {
	if _, err := l.s.attempts.DeleteMany(ctx, bson.D{{Key: "email", Value: email}}); err != nil {
		return fmt.Errorf("mongo: clear login failures: %w", err)
	}
	return nil
}

func (l loginAttempts) PurgeExpired(ctx context.Context, now time.Time, window time.Duration) (int, error) {
	res, err := l.s.attempts.DeleteMany(ctx, bson.D{{Key: "when", Value: bson.D{{Key: "$lt", Value: now.Add(-window)}}}})
	if err != nil {
		return 0, fmt.Errorf("mongo: purge login failures: %w", err)
	}
	return int(res.DeletedCount), nil
}
