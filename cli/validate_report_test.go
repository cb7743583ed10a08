package cli

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestValidateReport(t *testing.T) {
	results := []probeResult{
		passed("reachability", "http://h/api/auth reachable (login returned 422 as expected)"),
		skipped("oauth", "router not mounted on deployment"),
		failed("phone/start:tail", "log-source 'ssh' exited (code=255) before x was seen. stderr: <empty>"),
	}

	t.Run("human lines carry ✔, ↷ and ✘ and the failure count goes to stderr", func(t *testing.T) {
		var out, errOut bytes.Buffer
		r := &probeReport{out: styler{w: &out}}
		for _, res := range results {
			r.add(res)
		}
		code, err := r.finish(styler{w: &errOut})
		if err != nil || code != 1 {
			t.Fatalf("exit code %d, %v; want 1", code, err)
		}
		want := "✔ reachability: http://h/api/auth reachable (login returned 422 as expected)\n" +
			"↷ oauth: router not mounted on deployment\n" +
			"✘ phone/start:tail: log-source 'ssh' exited (code=255) before x was seen. stderr: <empty>\n"
		if out.String() != want {
			t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
		}
		if errOut.String() != "\n1 check(s) failed.\n" {
			t.Errorf("stderr = %q", errOut.String())
		}
	})

	t.Run("skipped lines are yellow when colouring", func(t *testing.T) {
		var out bytes.Buffer
		(&probeReport{out: styler{w: &out, colour: true}}).add(results[1])
		if out.String() != "\x1b[33m↷ oauth: router not mounted on deployment\x1b[0m\n" {
			t.Errorf("got %q", out.String())
		}
	})

	t.Run("JSON is one pretty array of name, ok, skipped, detail and nothing else", func(t *testing.T) {
		var out, errOut bytes.Buffer
		r := &probeReport{out: styler{w: &out}, json: true}
		for _, res := range results {
			r.add(res)
		}
		code, err := r.finish(styler{w: &errOut})
		if err != nil || code != 1 {
			t.Fatalf("exit code %d, %v; want 1", code, err)
		}
		if errOut.Len() != 0 {
			t.Errorf("stderr = %q, want nothing in JSON mode", errOut.String())
		}
		want := `[
  {
    "name": "reachability",
    "ok": true,
    "skipped": false,
    "detail": "http://h/api/auth reachable (login returned 422 as expected)"
  },
  {
    "name": "oauth",
    "ok": true,
    "skipped": true,
    "detail": "router not mounted on deployment"
  },
  {
    "name": "phone/start:tail",
    "ok": false,
    "skipped": false,
    "detail": "log-source 'ssh' exited (code=255) before x was seen. stderr: <empty>"
  }
]
`
		if out.String() != want {
			t.Errorf("stdout:\n%s\nwant:\n%s", out.String(), want)
		}
		var back []probeResult
		if err := json.Unmarshal(out.Bytes(), &back); err != nil || len(back) != 3 {
			t.Errorf("the report does not parse back: %v", err)
		}
	})

	t.Run("an empty JSON report is an empty array", func(t *testing.T) {
		var out bytes.Buffer
		if _, err := (&probeReport{out: styler{w: &out}, json: true}).finish(styler{w: &bytes.Buffer{}}); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(out.String()) != "[]" {
			t.Errorf("got %q", out.String())
		}
	})

	t.Run("the exit code is capped at 125", func(t *testing.T) {
		r := &probeReport{out: styler{w: &bytes.Buffer{}}}
		for range 130 {
			r.add(failed("x", "y"))
		}
		code, _ := r.finish(styler{w: &bytes.Buffer{}})
		if code != 125 {
			t.Errorf("exit code %d, want 125", code)
		}
	})
}
