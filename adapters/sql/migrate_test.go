package sqlstore

import (
	"errors"
	"strings"
	"testing"

	regstack "github.com/regstack/regstack/core"
)

func TestRevisionIndexRefusesRevisionsItDoesNotKnow(t *testing.T) {
	_, err := revisionIndex("0004")
	if !errors.Is(err, regstack.ErrUnknownRevision) {
		t.Fatalf("err = %v, want ErrUnknownRevision", err)
	}
	if !strings.Contains(err.Error(), `"0004"`) {
		t.Errorf("error %q does not name the revision", err)
	}
	if i, err := revisionIndex(""); err != nil || i != -1 {
		t.Errorf(`revisionIndex("") = %d, %v; want -1 for an empty database`, i, err)
	}
}
