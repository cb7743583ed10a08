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

// identityDoc is an oauth_identities document.
type identityDoc struct {
	ID         bson.ObjectID `bson:"_id"`
	UserID     string        `bson:"user_id"`
	Provider   string        `bson:"provider"`
	SubjectID  string        `bson:"subject_id"`
	Email      *string       `bson:"email,omitempty"`
	LinkedAt   time.Time     `bson:"linked_at"`
	LastUsedAt *time.Time    `bson:"last_used_at,omitempty"`
}

func (d *identityDoc) identity() *regstack.OAuthIdentity {
	return &regstack.OAuthIdentity{
		ID:         d.ID.Hex(),
		UserID:     d.UserID,
		Provider:   d.Provider,
		SubjectID:  d.SubjectID,
		Email:      d.Email,
		LinkedAt:   d.LinkedAt.UTC(),
		LastUsedAt: utcPtr(d.LastUsedAt),
	}
}

// oauthIdentities implements regstack.OAuthIdentities.
type oauthIdentities struct{ s *Store }

func (o oauthIdentities) Create(ctx context.Context, i *regstack.OAuthIdentity) error {
	id := bson.NewObjectID()
	_, err := o.s.identities.InsertOne(ctx, &identityDoc{
		ID:         id,
		UserID:     i.UserID,
		Provider:   i.Provider,
		SubjectID:  i.SubjectID,
		Email:      i.Email,
		LinkedAt:   i.LinkedAt,
		LastUsedAt: i.LastUsedAt,
	})
	if isDuplicateKey(err) {
		return regstack.ErrIdentityLinked
	}
	if err != nil {
		return fmt.Errorf("mongo: insert OAuth identity: %w", err)
	}
	i.ID = id.Hex()
	return nil
}

func (o oauthIdentities) FindBySubject(ctx context.Context, provider, subjectID string) (*regstack.OAuthIdentity, error) {
	var d identityDoc
	err := o.s.identities.FindOne(ctx, bson.D{{Key: "provider", Value: provider}, {Key: "subject_id", Value: subjectID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mongo: find OAuth identity: %w", err)
	}
	return d.identity(), nil
}

func (o oauthIdentities) ListForUser(ctx context.Context, userID string) ([]*regstack.OAuthIdentity, error) {
	cur, err := o.s.identities.Find(ctx, bson.D{{Key: "user_id", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "linked_at", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return nil, fmt.Errorf("mongo: list OAuth identities: %w", err)
	}
	var docs []identityDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: list OAuth identities: %w", err)
	}
	out := make([]*regstack.OAuthIdentity, len(docs))
	for i := range docs {
		out[i] = docs[i].identity()
	}
	return out, nil
}

func (o oauthIdentities) Delete(ctx context.Context, userID, provider string) (bool, error) {
	res, err := o.s.identities.DeleteOne(ctx, bson.D{{Key: "user_id", Value: userID}, {Key: "provider", Value: provider}})
	if err != nil {
		return false, fmt.Errorf("mongo: delete OAuth identity: %w", err)
	}
	return res.DeletedCount == 1, nil
}

func (o oauthIdentities) DeleteByUserID(ctx context.Context, userID string) (int, error) {
	res, err := o.s.identities.DeleteMany(ctx, bson.D{{Key: "user_id", Value: userID}})
	if err != nil {
		return 0, fmt.Errorf("mongo: delete OAuth identities: %w", err)
	}
	return int(res.DeletedCount), nil
}

func (o oauthIdentities) TouchLastUsed(ctx context.Context, provider, subjectID string, when time.Time) error {
	_, err := o.s.identities.UpdateOne(ctx,
		bson.D{{Key: "provider", Value: provider}, {Key: "subject_id", Value: subjectID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "last_used_at", Value: when}}}})
	if err != nil {
		return fmt.Errorf("mongo: touch OAuth identity: %w", err)
	}
	return nil
}
