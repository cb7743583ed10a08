package theme

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"

	coretheme "github.com/regstack/regstack/core/theme"
	"github.com/regstack/regstack/wizards/wizard"
)

// maxBody bounds what the API reads from one request; a whole theme is a
// few kilobytes.
const maxBody = 1 << 20

// badBody is the 400 answer to a save whose scopes are not objects.
const badBody = "Body must be {light: {...}, dark: {...}}."

// api serves the designer's /api/state and /api/save (cli.md §12.3). The
// wizard scaffold has checked the token, Host, Origin and Content-Type.
type api struct {
	designer Designer
	log      *slog.Logger
}

// state is the answer of GET /api/state.
type state struct {
	TargetDir string      `json:"target_dir"`
	Filename  string      `json:"filename"`
	Schema    schema      `json:"schema"`
	Defaults  scopeValues `json:"defaults"`
	Existing  scopeValues `json:"existing"`
}

type schema struct {
	ColorVars  []string `json:"color_vars"`
	FontVars   []string `json:"font_vars"`
	RadiusVars []string `json:"radius_vars"`
	ShadowVars []string `json:"shadow_vars"`
	AllVars    []string `json:"all_vars"`
}

type scopeValues struct {
	Light Values `json:"light"`
	Dark  Values `json:"dark"`
}

// saved is the answer of a successful POST /api/save.
type saved struct {
	OK bool `json:"ok"`
	SaveResult
}

// rejected is the 422 answer of POST /api/save.
type rejected struct {
	OK     bool         `json:"ok"`
	Errors []FieldError `json:"errors"`
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/api/state":
		if r.Method != http.MethodGet {
			wizard.WriteDetail(w, http.StatusMethodNotAllowed, "Method not allowed.")
			return
		}
		a.state(w)
	case "/api/save":
		if r.Method != http.MethodPost {
			wizard.WriteDetail(w, http.StatusMethodNotAllowed, "Method not allowed.")
			return
		}
		a.save(w, r)
	default:
		wizard.WriteDetail(w, http.StatusNotFound, "Not found.")
	}
}

func (a *api) state(w http.ResponseWriter) {
	path, err := a.designer.Path()
	if err != nil {
		a.fail(w, err)
		return
	}
	light, dark := a.designer.Existing()
	wizard.WriteJSON(w, http.StatusOK, state{
		TargetDir: filepath.Dir(path),
		Filename:  filepath.Base(path),
		Schema: schema{
			ColorVars:  names(coretheme.Colour),
			FontVars:   names(coretheme.Font),
			RadiusVars: names(coretheme.Radius),
			ShadowVars: names(coretheme.Shadow),
			AllVars:    allNames(),
		},
		Defaults: scopeValues{Light: Defaults(Light), Dark: Defaults(Dark)},
		Existing: scopeValues{Light: light, Dark: dark},
	})
}

func (a *api) save(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		wizard.WriteDetail(w, http.StatusBadRequest, "Could not read the request body.")
		return
	}
	light, dark, err := decodeSave(body)
	if err != nil {
		wizard.WriteDetail(w, http.StatusBadRequest, badBody)
		return
	}
	errs := append(Validate(Light, light), Validate(Dark, dark)...)
	if len(errs) > 0 {
		wizard.WriteJSON(w, http.StatusUnprocessableEntity, rejected{OK: false, Errors: errs})
		return
	}
	res, err := a.designer.Save(Clean(light), Clean(dark), false)
	if errors.Is(err, ErrUnbalanced) {
		// The operator's file, the operator's fix: say so, not "internal".
		wizard.WriteDetail(w, http.StatusConflict, fmt.Sprintf("Could not save the theme: %v.", err))
		return
	}
	if err != nil {
		a.fail(w, err)
		return
	}
	wizard.WriteJSON(w, http.StatusOK, saved{OK: true, SaveResult: res})
}

// fail answers 500 with the reason: the operator is the only reader, and
// a theme file's path and an errno hold nothing secret.
func (a *api) fail(w http.ResponseWriter, err error) {
	a.log.Error("theme designer", "err", err)
	wizard.WriteDetail(w, http.StatusInternalServerError, fmt.Sprintf("Could not save the theme: %v.", err))
}

// errNotObject says a scope of a save body is neither an object nor null.
var errNotObject = errors.New("not an object")

// decodeSave reads {light: {…}, dark: {…}} keeping each scope's key order,
// which the error list follows. A body that is not a JSON object counts as
// {} (cli.md §10.3); a scope that is missing or null is empty.
func decodeSave(body []byte) (light, dark Assignments, err error) {
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return nil, nil, nil
	}
	if light, err = decodeScope(top["light"]); err != nil {
		return nil, nil, err
	}
	if dark, err = decodeScope(top["dark"]); err != nil {
		return nil, nil, err
	}
	return light, dark, nil
}

func decodeScope(raw json.RawMessage) (Assignments, error) {
	if raw == nil || bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errNotObject
	}
	var out Assignments
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, errNotObject
		}
		name, _ := tok.(string) // object keys are always strings
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, errNotObject
		}
		out.Set(name, v)
	}
	return out, nil
}
