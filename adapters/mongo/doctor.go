package mongo

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// The read-only reports `regstack doctor` asks a MongoDB store for
// (cli.md §5.2 checks 3 and 4). The CLI finds them by type assertion.

// MissingIndexes names, as "<collection>.<index>", every index that
// InstallSchema always creates but the database lacks, in InstallSchema's
// order; none missing is an empty slice. TTL indexes are left out:
// InstallSchema tolerates a server without TTL support (FerretDB v1), and
// correctness never depends on them. It creates nothing, and a collection
// that does not exist yet simply has no indexes.
func (s *Store) MissingIndexes(ctx context.Context) ([]string, error) {
	present := map[string]map[string]bool{}
	var missing []string
	for _, ix := range s.indexes() {
		if ix.ttl {
			continue
		}
		coll := ix.coll.Name()
		names, ok := present[coll]
		if !ok {
			specs, err := ix.coll.Indexes().ListSpecifications(ctx)
			if err != nil {
				return nil, fmt.Errorf("mongo: list indexes on %s: %w", coll, err)
			}
			names = make(map[string]bool, len(specs))
			for _, spec := range specs {
				names[spec.Name] = true
			}
			present[coll] = names
		}
		if !names[ix.name] {
			missing = append(missing, coll+"."+ix.name)
		}
	}
	return missing, nil
}

// buildInfo is the part of the buildInfo command's answer the doctor
// reads.
type buildInfo struct {
	Version string `bson:"version"`
	// SecantusVersion is set only by SecantusDB.
	SecantusVersion string `bson:"secantusVersion"`
}

func (s *Store) buildInfo(ctx context.Context) (buildInfo, error) {
	var info buildInfo
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return buildInfo{}, fmt.Errorf("mongo: buildInfo: %w", err)
	}
	return info, nil
}

// ServerVersion is the version buildInfo reports: MongoDB's own, or the
// MongoDB version a compatible server (FerretDB, SecantusDB) claims.
func (s *Store) ServerVersion(ctx context.Context) (string, error) {
	info, err := s.buildInfo(ctx)
	return info.Version, err
}

// SecantusVersion is buildInfo's secantusVersion: "" unless the server is
// SecantusDB.
func (s *Store) SecantusVersion(ctx context.Context) (string, error) {
	info, err := s.buildInfo(ctx)
	return info.SecantusVersion, err
}
