package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	regstack "github.com/regstack/regstack/core"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
)

// stateDoc is an oauth_states document; its _id is the state id string.
// A missing result_was_new (documents of Python before 0.8.3) reads as
// false.
type stateDoc struct {
	ID            string    `bson:"_id"`
	Provider      string    `bson:"provider"`
	CodeVerifier  string    `bson:"code_verifier"`
	Nonce         string    `bson:"nonce"`
	RedirectTo    string    `bson:"redirect_to"`
	Mode          string    `bson:"mode"`
	LinkingUserID *string   `bson:"linking_user_id,omitempty"`
	CreatedAt     time.Time `bson:"created_at"`
	ExpiresAt     time.Time `bson:"expires_at"`
	ResultToken   *string   `bson:"result_token,omitempty"`
	ResultWasNew  bool      `bson:"result_was_new"`
}

func (d *stateDoc) state() *regstack.OAuthState {
	return &regstack.OAuthState{
		ID:            d.ID,
		Provider:      d.Provider,
		CodeVerifier:  d.CodeVerifier,
		Nonce:         d.Nonce,
		RedirectTo:    d.RedirectTo,
		Mode:          d.Mode,
		LinkingUserID: d.LinkingUserID,
		CreatedAt:     d.CreatedAt.UTC(),
		ExpiresAt:     d.ExpiresAt.UTC(),
		ResultToken:   d.ResultToken,
		ResultWasNew:  d.ResultWasNew,
	}
}

// completionDoc marks a state as completed: its _id is the state id, so
// the collection's _id index admits one completion per state. expires_at
// lets the TTL monitor and PurgeExpired remove it with its state.
type completionDoc struct {
	ID        string    `bson:"_id"`
	ExpiresAt time.Time `bson:"expires_at"`
}

// oauthStates implements regstack.OAuthStates.
type oauthStates struct{ s *Store }

func (o oauthStates) Create(ctx context.Context, st *regstack.OAuthState) error {
	_, err := o.s.states.InsertOne(ctx, &stateDoc{
		ID:            st.ID,
		Provider:      st.Provider,
		CodeVerifier:  st.CodeVerifier,
		Nonce:         st.Nonce,
		RedirectTo:    st.RedirectTo,
		Mode:          st.Mode,
		LinkingUserID: st.LinkingUserID,
		CreatedAt:     st.CreatedAt,
		ExpiresAt:     st.ExpiresAt,
		ResultToken:   st.ResultToken,
		ResultWasNew:  st.ResultWasNew,
	})
	if err != nil {
		return fmt.Errorf("mongo: insert OAuth state: %w", err)
	}
	return nil
}

func (o oauthStates) Find(ctx context.Context, id string) (*regstack.OAuthState, error) {
	d, err := o.findDoc(ctx, id)
	if d == nil || err != nil {
		return nil, err
	}
	return d.state(), nil
}

func (o oauthStates) findDoc(ctx context.Context, id string) (*stateDoc, error) {
	var d stateDoc
	err := o.s.states.FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("mongo: find OAuth state: %w", err)
	}
	return &d, nil
}

// Complete lets exactly one caller set the result. The compare-and-set
// "result_token is still null" is an insert into the completions
// collection keyed by the state id: the _id index refuses every insert but
// the first, also on servers whose conditional updates are not atomic.
// Only the winner then writes the state document.
func (o oauthStates) Complete(ctx context.Context, id, token string, wasNew bool, expiresAt time.Time) (bool, error) {
	d, err := o.findDoc(ctx, id)
	if d == nil || err != nil || d.ResultToken != nil {
		return false, err
	}
	_, err = o.s.completions.InsertOne(ctx, completionDoc{ID: id, ExpiresAt: expiresAt})
	if isDuplicateKey(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("mongo: complete OAuth state: %w", err)
	}
	res, err := o.s.states.UpdateOne(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "result_token", Value: nil}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "result_token", Value: token},
			{Key: "result_was_new", Value: wasNew},
			{Key: "expires_at", Value: expiresAt},
		}}})
	if err != nil {
		return false, fmt.Errorf("mongo: complete OAuth state: %w", err)
	}
	return res.MatchedCount == 1, nil
}

// Consume reads the state, then deletes it by id: only the caller whose
// delete removed the document gets it.
func (o oauthStates) Consume(ctx context.Context, id string) (*regstack.OAuthState, error) {
	d, err := o.findDoc(ctx, id)
	if d == nil || err != nil {
		return nil, err
	}
	res, err := o.s.states.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}})
	if err != nil {
		return nil, fmt.Errorf("mongo: consume OAuth state: %w", err)
	}
	if res.DeletedCount != 1 {
		return nil, nil
	}
	// The marker has done its job; the TTL index and PurgeExpired would
	// remove it later anyway.
	if _, err := o.s.completions.DeleteOne(ctx, bson.D{{Key: "_id", Value: id}}); err != nil {
		o.s.logger.WarnContext(ctx, "mongo: could not delete an OAuth state's completion marker", "error", err)
	}
	return d.state(), nil
}

func (o oauthStates) PurgeExpired(ctx context.Context, now time.Time) (int, error) {
	expired := bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: now}}}}
	res, err := o.s.states.DeleteMany(ctx, expired)
	if err != nil {
		return 0, fmt.Errorf("mongo: purge OAuth states: %w", err)
	}
	if _, err := o.s.completions.DeleteMany(ctx, expired); err != nil {
		return 0, fmt.Errorf("mongo: purge OAuth state completions: %w", err)
	}
	return int(res.DeletedCount), nil
}
