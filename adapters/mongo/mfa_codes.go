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

// verifyRounds bounds how often Verify starts over because the code
// changed between its read and its conditional write. A round is lost only
// to another caller's progress (a guess counted, the code consumed,
// locked or replaced), so a handful is plenty.
const verifyRounds = 10

// mfaCodeDoc is an mfa_codes document. MFACode.ID is an integer in the SQL
// schema; on MongoDB the _id is an ObjectId and MFACode.ID stays 0.
type mfaCodeDoc struct {
	ID          bson.ObjectID `bson:"_id,omitempty"`
	UserID      string        `bson:"user_id"`
	Kind        string        `bson:"kind"`
	CodeHash    string        `bson:"code_hash"`
	ExpiresAt   time.Time     `bson:"expires_at"`
	Attempts    int           `bson:"attempts"`
	MaxAttempts int           `bson:"max_attempts"`
	CreatedAt   time.Time     `bson:"created_at"`
}

func (d *mfaCodeDoc) code() *regstack.MFACode {
	return &regstack.MFACode{
		UserID:      d.UserID,
		Kind:        d.Kind,
		CodeHash:    d.CodeHash,
		ExpiresAt:   d.ExpiresAt.UTC(),
		Attempts:    d.Attempts,
		MaxAttempts: d.MaxAttempts,
		CreatedAt:   d.CreatedAt.UTC(),
	}
}

// mfaCodes implements regstack.MFACodes.
type mfaCodes struct{ s *Store }

func userKind(userID, kind string) bson.D {
	return bson.D{{Key: "user_id", Value: userID}, {Key: "kind", Value: kind}}
}

func (m mfaCodes) Put(ctx context.Context, c *regstack.MFACode) error {
	doc := &mfaCodeDoc{
		UserID:      c.UserID,
		Kind:        c.Kind,
		CodeHash:    c.CodeHash,
		ExpiresAt:   c.ExpiresAt,
		MaxAttempts: c.MaxAttempts,
		CreatedAt:   c.CreatedAt,
	}
	// As in Pending.Upsert: the loser of an insert race retries and
	// replaces the winner's document.
	var err error
	for range replaceRetries {
		_, err = m.s.codes.ReplaceOne(ctx, userKind(c.UserID, c.Kind), doc, options.Replace().SetUpsert(true))
		if err == nil {
			c.Attempts = 0
			return nil
		}
		if !isDuplicateKey(err) {
			break
		}
	}
	return fmt.Errorf("mongo: put MFA code: %w", err)
}

func (m mfaCodes) Find(ctx context.Context, userID, kind string) (*regstack.MFACode, error) {
	d, err := m.findDoc(ctx, userID, kind)
	if d == nil || err != nil {
		return nil, err
	}
	return d.code(), nil
}

func (m mfaCodes) findDoc(ctx context.Context, userID, kind string) (*mfaCodeDoc, error) {
	var d mfaCodeDoc
	err := m.s.codes.FindOne(ctx, userKind(userID, kind)).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mongo: find MFA code: %w", err)
	}
	return &d, nil
}

// Verify runs domain.md §9.4 without a transaction (§9.5). It reads the
// code, decides, and then writes only on the condition that the document
// is still the one it read and still live:
//
//   - the right code is consumed by a deleteOne filtered on _id, code hash,
//     max_attempts, attempts < max_attempts and expires_at > now; exactly
//     one caller sees DeletedCount 1 and gets OK;
//   - a wrong guess is counted by an $inc with the same guards, which
//     MongoDB applies atomically, so no more than max_attempts are ever
//     counted. (FerretDB v1 runs findAndModify as a read and a write, so
//     there concurrent wrong guesses can be counted as one.)
//
// A failed condition means someone else changed the code first; Verify
// then starts over from the read.
func (m mfaCodes) Verify(ctx context.Context, userID, kind, codeHash string, now time.Time) (regstack.MFACheck, error) {
	for range verifyRounds {
		d, err := m.findDoc(ctx, userID, kind)
		if err != nil {
			return regstack.MFACheck{}, err
		}
		switch {
		case d == nil:
			return regstack.MFACheck{Outcome: regstack.MFAMissing}, nil
		case d.Attempts >= d.MaxAttempts:
			return m.deleteObserved(ctx, d, regstack.MFALocked)
		case !d.ExpiresAt.After(now):
			return m.deleteObserved(ctx, d, regstack.MFAExpired)
		}
		live := bson.D{
			{Key: "_id", Value: d.ID},
			{Key: "code_hash", Value: d.CodeHash},
			{Key: "max_attempts", Value: d.MaxAttempts},
			{Key: "attempts", Value: bson.D{{Key: "$lt", Value: d.MaxAttempts}}},
			{Key: "expires_at", Value: bson.D{{Key: "$gt", Value: now}}},
		}
		if codeHash == d.CodeHash {
			res, err := m.s.codes.DeleteOne(ctx, live)
			if err != nil {
				return regstack.MFACheck{}, fmt.Errorf("mongo: consume MFA code: %w", err)
			}
			if res.DeletedCount == 1 {
				return regstack.MFACheck{Outcome: regstack.MFAOK}, nil
			}
			continue
		}
		var after mfaCodeDoc
		err = m.s.codes.FindOneAndUpdate(ctx, live,
			bson.D{{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}}}},
			options.FindOneAndUpdate().SetReturnDocument(options.After),
		).Decode(&after)
		if errors.Is(err, mongo.ErrNoDocuments) {
			continue
		}
		if err != nil {
			return regstack.MFACheck{}, fmt.Errorf("mongo: count wrong MFA guess: %w", err)
		}
		remaining := after.MaxAttempts - after.Attempts
		if remaining <= 0 {
			return m.deleteObserved(ctx, &after, regstack.MFALocked)
		}
		return regstack.MFACheck{Outcome: regstack.MFAWrong, Remaining: remaining}, nil
	}
	return regstack.MFACheck{}, errors.New("mongo: verify MFA code: the code kept changing under concurrent updates")
}

// deleteObserved deletes a code found LOCKED or EXPIRED (whoever observes
// that state deletes it, §9.5) and reports outcome. The code hash in the
// filter spares a replacement that Put wrote in the meantime.
func (m mfaCodes) deleteObserved(ctx context.Context, d *mfaCodeDoc, outcome regstack.MFAOutcome) (regstack.MFACheck, error) {
	_, err := m.s.codes.DeleteOne(ctx, bson.D{{Key: "_id", Value: d.ID}, {Key: "code_hash", Value: d.CodeHash}})
	if err != nil {
		return regstack.MFACheck{}, fmt.Errorf("mongo: delete MFA code: %w", err)
	}
	return regstack.MFACheck{Outcome: outcome}, nil
}

func (m mfaCodes) Delete(ctx context.Context, userID, kind string) error {
	filter := bson.D{{Key: "user_id", Value: userID}}
	if kind != "" {
		filter = userKind(userID, kind)
	}
	if _, err := m.s.codes.DeleteMany(ctx, filter); err != nil {
		return fmt.Errorf("mongo: delete MFA codes: %w", err)
	}
	return nil
}

func (m mfaCodes) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	res, err := m.s.codes.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}})
	if err != nil {
		return 0, fmt.Errorf("mongo: purge MFA codes: %w", err)
	}
	return int(res.DeletedCount), nil
}
