package mongo

import (
	"context"
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
