package ses

import (
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/regstack/regstack/wizards/configfile"
	"github.com/regstack/regstack/wizards/wizard"
)

// API serves the wizard's /api/state, /api/step/{n}/validate and
// /api/write (cli.md §10.3, §13.5) behind the scaffold's guard, which has
// already checked the token, Host, Origin and Content-Type and answers
// /api/done itself.
type API struct {
	target configfile.Target
	prober Prober
	log    *slog.Logger
	// existingFrom is [email].from_address as the file said at launch,
	// the sender's prefill.
	existingFrom string
	// writes are one at a time: two racing Write clicks must not
	// interleave their read-merge-rename cycles.
	writeMu sync.Mutex
}

// NewAPI returns the API writing into t, probing AWS through p. Errors
// that are not the operator's (an unwritable directory) are logged on log
// in full and answered with their text.
func NewAPI(t configfile.Target, p Prober, log *slog.Logger) *API {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	_, from := Existing(t)
	return &API{target: t, prober: p, log: log, existingFrom: from}
}

// state is the answer of GET /api/state (cli.md §13.5).
type state struct {
	TargetDir   string `json:"target_dir"`
	ExistingSES bool   `json:"existing_ses"`
	FromAddress string `json:"from_address"`
	ConfigFile  string `json:"config_file"`
	SecretsFile string `json:"secrets_file"`
	NumSteps    int    `json:"num_steps"`
}

// written is the answer of a successful POST /api/write.
type written struct {
	OK bool `json:"ok"`
	Summary
}

// rejected is the 422 answer of POST /api/write.
type rejected struct {
	OK     bool         `json:"ok"`
	Errors []FieldError `json:"errors"`
	JumpTo *int         `json:"jump_to,omitempty"`
}

// ServeHTTP answers the wizard's API requests; anything else under /api
// is 404.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case path == "/api/state":
		if !allow(w, r, http.MethodGet) {
			return
		}
		existing, _ := Existing(a.target)
		wizard.WriteJSON(w, http.StatusOK, state{
			TargetDir:   a.target.Dir,
			ExistingSES: existing,
			FromAddress: a.existingFrom,
			ConfigFile:  filepath.Base(a.target.ConfigPath),
			SecretsFile: filepath.Base(a.target.SecretsPath),
			NumSteps:    NumSteps,
		})
	case path == "/api/write":
		if !allow(w, r, http.MethodPost) {
			return
		}
		a.write(w, r)
	case strings.HasPrefix(path, "/api/step/") && strings.HasSuffix(path, "/validate"):
		raw := strings.TrimSuffix(strings.TrimPrefix(path, "/api/step/"), "/validate")
		if !allow(w, r, http.MethodPost) {
			return
		}
		step, err := strconv.Atoi(raw)
		if err != nil {
			wizard.WriteDetail(w, http.StatusUnprocessableEntity, "Wizard step must be an integer.")
			return
		}
		if step < 0 || step >= NumSteps {
			wizard.WriteDetail(w, http.StatusNotFound, "Unknown wizard step: "+strconv.Itoa(step)+".")
			return
		}
		in := InputsFrom(wizard.ReadObject(r))
		wizard.WriteJSON(w, http.StatusOK, Check(r.Context(), a.prober, step, in))
	default:
		wizard.WriteDetail(w, http.StatusNotFound, "Not found.")
	}
}

func allow(w http.ResponseWriter, r *http.Request, method string) bool {
	if r.Method == method {
		return true
	}
	w.Header().Set("Allow", method)
	wizard.WriteDetail(w, http.StatusMethodNotAllowed, "Method not allowed.")
	return false
}

// write is POST /api/write: the full validation again (the UI is not
// trusted to have run it), then the merge.
func (a *API) write(w http.ResponseWriter, r *http.Request) {
	in := InputsFrom(wizard.ReadObject(r))
	if res := ValidateAll(in); !res.OK() {
		wizard.WriteJSON(w, http.StatusUnprocessableEntity, rejected{Errors: res.Errors, JumpTo: res.JumpTo})
		return
	}
	a.writeMu.Lock()
	defer a.writeMu.Unlock()
	sum, err := Write(a.target, in.Settings(), false)
	var bad *configfile.InvalidTOMLError
	switch {
	case errors.As(err, &bad):
		wizard.WriteJSON(w, http.StatusUnprocessableEntity, rejected{Errors: []FieldError{{Field: FormField, Message: bad.Error()}}})
	case errors.Is(err, configfile.ErrUnsupported):
		// An [email] written in a form the editor will not risk: the
		// operator's to fix, by hand.
		wizard.WriteJSON(w, http.StatusUnprocessableEntity, rejected{Errors: []FieldError{{Field: FormField, Message: "regstack.toml: " + err.Error()}}})
	case err != nil:
		a.log.Error("ses wizard: write failed", "err", err)
		wizard.WriteJSON(w, http.StatusInternalServerError, rejected{Errors: []FieldError{{Field: FormField, Message: err.Error()}}})
	default:
		wizard.WriteJSON(w, http.StatusOK, written{OK: true, Summary: sum})
	}
}
