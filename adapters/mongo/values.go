package mongo

import (
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// objectID converts an id from the API to the ObjectId it names. An id
// that is not 24 hex characters names no document (domain.md §2.1), so
// callers treat !ok as "not found" or as a no-op, never as an error.
func objectID(id string) (bson.ObjectID, bool) {
	if len(id) != 24 {
		return bson.ObjectID{}, false
	}
	oid, err := bson.ObjectIDFromHex(id)
	return oid, err == nil
}

// utcPtr returns *t in UTC, or nil.
func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// isDuplicateKey reports whether err is a unique index violation: a
// duplicate-key error (code 11000) from MongoDB, or the InternalError that
// FerretDB v1 on SQLite returns when an update breaks a unique index.
func isDuplicateKey(err error) bool {
	if err == nil {
		return false
	}
	return mongo.IsDuplicateKeyError(err) || strings.Contains(err.Error(), "UNIQUE constraint failed")
}
