package oauth

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/regstack/regstack/wizards/configfile"
	"github.com/regstack/regstack/wizards/wizard"
)

// api serves the wizard's /api/state, /api/step/{n}/validate and
// /api/write (cli.md §10.3, §11.4). The wizard scaffold has already checked
// the token, Host, Origin and Content-Type.
type api struct {
	wizard Wizard
	log    *slog.Logger
	// writes are one at a time: two racing Write clicks must not
	// interleave their read-merge-rename cycles, or the config of one
	// could end up beside the secret of the other.
	writeMu sync.Mutex
}

// written is the answer of a successful POST /api/write.
type written struct {
	OK bool `json:"ok"`
	WriteResult
}

func (a *api) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/api/state":
		if !method(w, r, http.MethodGet) {
			return
		}
		wizard.WriteJSON(w, http.StatusOK, a.wizard.State())
	case path == "/api/write":
		if !method(w, r, http.MethodPost) {
			return
		}
		a.write(w, r)
	case strings.HasPrefix(path, "/api/step/") && strings.HasSuffix(path, "/validate"):
		if !method(w, r, http.MethodPost) {
			return
		}
		a.validate(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/api/step/"), "/validate"))
	default:
		wizard.WriteDetail(w, http.StatusNotFound, "Not found.")
	}
}

func method(w http.ResponseWriter, r *http.Request, want string) bool {
	if r.Method != want {
		w.Header().Set("Allow", want)
		wizard.WriteDetail(w, http.StatusMethodNotAllowed, "Method not allowed.")
		return false
	}
	return true
}

func (a *api) validate(w http.ResponseWriter, r *http.Request, step string) {
	n, err := strconv.Atoi(step)
	if err != nil {
		wizard.WriteDetail(w, http.StatusUnprocessableEntity, "The step must be an integer.")
		return
	}
	if n < 0 || n >= NumSteps {
		wizard.WriteDetail(w, http.StatusNotFound, fmt.Sprintf("Unknown wizard step: %d.", n))
		return
	}
	wizard.WriteJSON(w, http.StatusOK, ValidateStep(n, Inputs(wizard.ReadObject(r))))
}

func (a *api) write(w http.ResponseWriter, r *http.Request) {
	in := Inputs(wizard.ReadObject(r))
	if res := ValidateAll(in); !res.OK {
		wizard.WriteJSON(w, http.StatusUnprocessableEntity, res)
		return
	}
	a.writeMu.Lock()
	defer a.writeMu.Unlock()
	res, err := Write(a.wizard.Target, SettingsFrom(in), false)
	if err != nil {
		// A file the editor will not touch is the operator's to fix; say
		// what and where, like the other field errors.
		var invalid *configfile.InvalidTOMLError
		if errors.As(err, &invalid) || errors.Is(err, configfile.ErrUnsupported) {
			wizard.WriteJSON(w, http.StatusUnprocessableEntity, Result{OK: false, Errors: []FieldError{{FormField, err.Error()}}})
			return
		}
		a.log.Error("oauth wizard: write", "err", err)
		wizard.WriteDetail(w, http.StatusInternalServerError, fmt.Sprintf("Could not write the configuration: %v.", err))
		return
	}
	wizard.WriteJSON(w, http.StatusOK, written{OK: true, WriteResult: res})
}
