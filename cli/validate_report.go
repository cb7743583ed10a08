package cli

import (
	"encoding/json"
	"fmt"
)

// maxExitCode caps validate's exit code, the number of failed checks, below
// the codes shells reserve (126 and up) (cli.md §1.5).
const maxExitCode = 125

// probeResult is one line of validate's report (cli.md §6.5). A skipped
// result is ok: only failures count.
type probeResult struct {
	Name    string `json:"name"`
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped"`
	Detail  string `json:"detail"`
}

func passed(name, detail string) probeResult {
	return probeResult{Name: name, OK: true, Detail: detail}
}

func failed(name, detail string) probeResult {
	return probeResult{Name: name, Detail: detail}
}

func skipped(name, detail string) probeResult {
	return probeResult{Name: name, OK: true, Skipped: true, Detail: detail}
}

// failure reports whether r counts toward the exit code.
func (r probeResult) failure() bool { return !r.OK && !r.Skipped }

// probeReport collects results. In human mode it prints each line as it
// comes, so an operator watching a 30-second log wait sees how far the
// probe got; in JSON mode it prints the whole array at the end.
type probeReport struct {
	out     styler
	json    bool
	results []probeResult
}

func (r *probeReport) add(res probeResult) {
	r.results = append(r.results, res)
	if r.json {
		return
	}
	switch {
	case res.Skipped:
		r.out.line(yellow, "↷ "+res.Name+": "+res.Detail)
	case res.OK:
		r.out.check(markPass, res.Name, res.Detail)
	default:
		r.out.check(markFail, res.Name, res.Detail)
	}
}

// failures is the number of failed checks.
func (r *probeReport) failures() int {
	n := 0
	for _, res := range r.results {
		if res.failure() {
			n++
		}
	}
	return n
}

// failedSince reports whether any result from index i on failed.
func (r *probeReport) failedSince(i int) bool {
	for _, res := range r.results[i:] {
		if res.failure() {
			return true
		}
	}
	return false
}

// finish prints the JSON array (JSON mode) or the failure count (human
// mode, on errOut) and returns the exit code.
func (r *probeReport) finish(errOut styler) (int, error) {
	n := r.failures()
	if r.json {
		results := r.results
		if results == nil {
			results = []probeResult{}
		}
		enc := json.NewEncoder(r.out.w)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false) // details quote "<empty>" and URLs as they are
		if err := enc.Encode(results); err != nil {
			return 0, fmt.Errorf("validate: write report: %w", err)
		}
	} else if n > 0 {
		errOut.line(red, fmt.Sprintf("\n%d check(s) failed.", n))
	}
	return min(n, maxExitCode), nil
}
