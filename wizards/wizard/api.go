package wizard

import (
	"encoding/json"
	"io"
	"net/http"
)

// maxBody bounds what ReadObject reads: the wizards' inputs are a few
// short fields.
const maxBody = 1 << 20

// ReadObject reads a request body as a JSON object. A body that is not
// valid JSON, or not an object, reads as an empty object (cli.md §10.3), so
// validators report missing fields instead of the API failing.
func ReadObject(r *http.Request) map[string]any {
	obj := map[string]any{}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody))
	if err != nil {
		return obj
	}
	if err := json.Unmarshal(body, &obj); err != nil || obj == nil {
		return map[string]any{}
	}
	return obj
}

// WriteJSON answers with v as JSON and the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteDetail(w, http.StatusInternalServerError, "Internal error.")
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteDetail answers {"detail": detail}, the error shape of the API.
func WriteDetail(w http.ResponseWriter, status int, detail string) {
	WriteJSON(w, status, map[string]string{"detail": detail})
}
