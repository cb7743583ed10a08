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

// userDoc is a users document (domain.md §4.4). Optional fields are left
// out when nil, and read back as nil when missing or null. Fields the host
// application added are ignored on read and never touched on write.
type userDoc struct {
	ID                     bson.ObjectID `bson:"_id"`
	Email                  string        `bson:"email"`
	HashedPassword         *string       `bson:"hashed_password,omitempty"`
	IsActive               bool          `bson:"is_active"`
	IsVerified             bool          `bson:"is_verified"`
	IsSuperuser            bool          `bson:"is_superuser"`
	FullName               *string       `bson:"full_name,omitempty"`
	PhoneNumber            *string       `bson:"phone_number,omitempty"`
	IsMFAEnabled           bool          `bson:"is_mfa_enabled"`
	CreatedAt              time.Time     `bson:"created_at"`
	UpdatedAt              time.Time     `bson:"updated_at"`
	LastLogin              *time.Time    `bson:"last_login,omitempty"`
	TokensInvalidatedAfter *time.Time    `bson:"tokens_invalidated_after,omitempty"`
}

func (d *userDoc) user() *regstack.User {
	return &regstack.User{
		ID:                     d.ID.Hex(),
		Email:                  d.Email,
		HashedPassword:         d.HashedPassword,
		IsActive:               d.IsActive,
		IsVerified:             d.IsVerified,
		IsSuperuser:            d.IsSuperuser,
		FullName:               d.FullName,
		PhoneNumber:            d.PhoneNumber,
		IsMFAEnabled:           d.IsMFAEnabled,
		CreatedAt:              d.CreatedAt.UTC(),
		UpdatedAt:              d.UpdatedAt.UTC(),
		LastLogin:              utcPtr(d.LastLogin),
		TokensInvalidatedAfter: utcPtr(d.TokensInvalidatedAfter),
	}
}

// users implements regstack.UserStore.
type users struct{ s *Store }

func (u users) Create(ctx context.Context, user *regstack.User) error {
	now := u.s.clock.Now()
	if user.CreatedAt.IsZero() {
		user.CreatedAt = now
	}
	if user.UpdatedAt.IsZero() {
		user.UpdatedAt = now
	}
	id := bson.NewObjectID()
	_, err := u.s.users.InsertOne(ctx, &userDoc{
		ID:                     id,
		Email:                  user.Email,
		HashedPassword:         user.HashedPassword,
		IsActive:               user.IsActive,
		IsVerified:             user.IsVerified,
		IsSuperuser:            user.IsSuperuser,
		FullName:               user.FullName,
		PhoneNumber:            user.PhoneNumber,
		IsMFAEnabled:           user.IsMFAEnabled,
		CreatedAt:              user.CreatedAt,
		UpdatedAt:              user.UpdatedAt,
		LastLogin:              user.LastLogin,
		TokensInvalidatedAfter: user.TokensInvalidatedAfter,
	})
	if isDuplicateKey(err) {
		return regstack.ErrUserExists
	}
	if err != nil {
		return fmt.Errorf("mongo: insert user: %w", err)
	}
	user.ID = id.Hex()
	return nil
}

func (u users) GetByEmail(ctx context.Context, email string) (*regstack.User, error) {
	return u.findOne(ctx, bson.D{{Key: "email", Value: email}})
}

func (u users) GetByID(ctx context.Context, id string) (*regstack.User, error) {
	oid, ok := objectID(id)
	if !ok {
		return nil, nil
	}
	return u.findOne(ctx, bson.D{{Key: "_id", Value: oid}})
}

func (u users) findOne(ctx context.Context, filter bson.D) (*regstack.User, error) {
	var d userDoc
	err := u.s.users.FindOne(ctx, filter).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mongo: find user: %w", err)
	}
	return d.user(), nil
}

func (u users) SetLastLogin(ctx context.Context, id string, when time.Time) error {
	return u.set(ctx, id, bson.D{{Key: "last_login", Value: when}})
}

func (u users) SetTokensInvalidatedAfter(ctx context.Context, id string, when time.Time) error {
	return u.set(ctx, id, bson.D{{Key: "tokens_invalidated_after", Value: when}})
}

func (u users) UpdatePassword(ctx context.Context, id, hash string) error {
	return u.set(ctx, id, bson.D{
		{Key: "hashed_password", Value: hash},
		{Key: "tokens_invalidated_after", Value: u.s.clock.Now()},
	})
}

func (u users) UpdateEmail(ctx context.Context, id, email string) error {
	return u.set(ctx, id, bson.D{
		{Key: "email", Value: email},
		{Key: "tokens_invalidated_after", Value: u.s.clock.Now()},
	})
}

func (u users) SetActive(ctx context.Context, id string, active bool) error {
	return u.set(ctx, id, bson.D{{Key: "is_active", Value: active}})
}

func (u users) SetVerified(ctx context.Context, id string, verified bool) error {
	return u.set(ctx, id, bson.D{{Key: "is_verified", Value: verified}})
}

func (u users) SetSuperuser(ctx context.Context, id string, superuser bool) error {
	return u.set(ctx, id, bson.D{{Key: "is_superuser", Value: superuser}})
}

func (u users) SetFullName(ctx context.Context, id string, name *string) error {
	return u.setOptional(ctx, id, "full_name", name)
}

func (u users) SetPhone(ctx context.Context, id string, phone *string) error {
	return u.setOptional(ctx, id, "phone_number", phone)
}

func (u users) SetMFAEnabled(ctx context.Context, id string, enabled bool) error {
	return u.set(ctx, id, bson.D{{Key: "is_mfa_enabled", Value: enabled}})
}

// setOptional sets a nullable field, or removes it for nil: a missing
// field reads as null, like the ones Create leaves out.
func (u users) setOptional(ctx context.Context, id, field string, v *string) error {
	if v != nil {
		return u.set(ctx, id, bson.D{{Key: field, Value: *v}})
	}
	return u.update(ctx, id, bson.D{
		{Key: "$set", Value: bson.D{{Key: "updated_at", Value: u.s.clock.Now()}}},
		{Key: "$unset", Value: bson.D{{Key: field, Value: ""}}},
	})
}

// set writes fields and updated_at = now with a field-level $set, so the
// host application's own fields survive.
func (u users) set(ctx context.Context, id string, fields bson.D) error {
	fields = append(fields, bson.E{Key: "updated_at", Value: u.s.clock.Now()})
	return u.update(ctx, id, bson.D{{Key: "$set", Value: fields}})
}

// update applies one update document to the user with id; an unknown or
// malformed id changes nothing and is not an error.
func (u users) update(ctx context.Context, id string, update bson.D) error {
	oid, ok := objectID(id)
	if !ok {
		return nil
	}
	_, err := u.s.users.UpdateOne(ctx, bson.D{{Key: "_id", Value: oid}}, update)
	if isDuplicateKey(err) {
		return regstack.ErrUserExists
	}
	if err != nil {
		return fmt.Errorf("mongo: update user: %w", err)
	}
	return nil
}

func (u users) Delete(ctx context.Context, id string) (bool, error) {
	oid, ok := objectID(id)
	if !ok {
		return false, nil
	}
	res, err := u.s.users.DeleteOne(ctx, bson.D{{Key: "_id", Value: oid}})
	if err != nil {
		return false, fmt.Errorf("mongo: delete user: %w", err)
	}
	return res.DeletedCount == 1, nil
}

func (u users) Count(ctx context.Context, f regstack.UserFilter) (int, error) {
	filter := bson.D{}
	for _, c := range []struct {
		field string
		value *bool
	}{
		{"is_active", f.IsActive},
		{"is_verified", f.IsVerified},
		{"is_superuser", f.IsSuperuser},
	} {
		if c.value != nil {
			filter = append(filter, bson.E{Key: c.field, Value: *c.value})
		}
	}
	n, err := u.s.users.CountDocuments(ctx, filter)
	if err != nil {
		return 0, fmt.Errorf("mongo: count users: %w", err)
	}
	return int(n), nil
}

func (u users) ListPaged(ctx context.Context, skip, limit int) ([]*regstack.User, error) {
	if limit <= 0 {
		return []*regstack.User{}, nil
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetSkip(int64(max(skip, 0))).
		SetLimit(int64(limit))
	cur, err := u.s.users.Find(ctx, bson.D{}, opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: list users: %w", err)
	}
	var docs []userDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: list users: %w", err)
	}
	out := make([]*regstack.User, len(docs))
	for i := range docs {
		out[i] = docs[i].user()
	}
	return out, nil
}
