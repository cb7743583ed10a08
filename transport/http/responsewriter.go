package http

import "net/http"

// recordingWriter remembers the status and the number of body bytes written
// through it, for AccessLog and Recover. Unwrap lets http.ResponseController
// reach the underlying writer's Flush, Hijack and deadlines.
type recordingWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *recordingWriter) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *recordingWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.bytes += int64(n)
	return n, err
}

// Unwrap returns the wrapped writer (see http.ResponseController).
func (w *recordingWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recording returns w as a recordingWriter, wrapping it only once.
func recording(w http.ResponseWriter) *recordingWriter {
	if rw, ok := w.(*recordingWriter); ok {
		return rw
	}
	return &recordingWriter{ResponseWriter: w}
}
