package configfile

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// tomlSeeds are documents full of what the editor must step around.
var tomlSeeds = []string{
	"",
	"a = 1",
	"# only a comment\n",
	"x = { a = 1, b = [1, 2], c = { d = \"}\" } } # inline\n[email]\nbackend = \"smtp\"\n",
	"arr = [\n  1, # one\n  [2, 3],\n  { a = \"]\" },\n]\n[sms]\nbackend = \"null\"\n",
	"s = \"\"\"\n[oauth]\nenable_oauth = true\n\"\"\"\nt = '''\nx = 1\n'''\n",
	"q = \"\"\"a\"\"\"\"\"\nr = '''b'''''\n",
	"d = 1979-05-27 07:32:00Z # date\ne = 1979-05-27\n[email]\nfrom_address = 'x@y'\n",
	"\"quoted key\" = 1\n'lit'.b = 2\n[ \"email\" ]\nbackend = \"x\"\n",
	"email.backend = \"smtp\"\nemail.smtp_port = 25\n[sms]\nbackend = \"sns\"\n",
	"[email]\n[email.extra]\nx = 1\n[[plugins]]\nname = \"a\"\n[[plugins]]\nname = \"b\"\n",
	"a = 1\r\n[email]\r\nbackend = \"x\" # c\r\n",
	"enable_oauth = false\n\n[oauth]\ngoogle_client_id = \"x\"\n# tail\n\n# next\n[sms]\n",
	"\ufeff# written by an editor that marks UTF-8\n[email]\nbackend = \"smtp\"\n",
}

func FuzzMergeTOML(f *testing.F) {
	seeds := slices.Clone(tomlSeeds)
	files, _ := filepath.Glob(filepath.Join("testdata", "*.toml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		seeds = append(seeds, string(b))
	}
	for i, src := range seeds {
		f.Add(src, uint8(i), "oauth", "enable_oauth", uint8(i), "value", int64(i), i%2 == 0)
		f.Add(src, uint8(2), "", "backend", uint8(0), "ses", int64(0), false)
	}
	f.Fuzz(func(t *testing.T, src string, tableSel uint8, table, key string, kind uint8, str string, num int64, flag bool) {
		var probe map[string]any
		if _, err := toml.Decode(src, &probe); err != nil || !utf8.ValidString(src) {
			_, err := MergeTOML([]byte(src), []Setting{{Key: "k", Value: 1}})
			var ie *InvalidTOMLError
			if !errors.As(err, &ie) {
				t.Fatalf("invalid TOML accepted: %v", err)
			}
			return
		}
		switch tableSel % 4 {
		case 0:
			table = ""
		case 1:
			table = "oauth"
		case 2:
			table = "email"
		}
		if key == "" || !utf8.ValidString(key) || !utf8.ValidString(table) || !utf8.ValidString(str) {
			return
		}
		values := []any{str, flag, num, float64(num) / 8, []string{str, "x"}, nil}
		s := Setting{Table: table, Key: key, Value: values[int(kind)%len(values)]}

		out, err := MergeTOML([]byte(src), []Setting{s})
		if err != nil {
			if clash(probe, table, key) || errors.Is(err, ErrUnsupported) && refusable(probe, table) {
				return
			}
			t.Fatalf("refused %s = %#v: %v", s, s.Value, err)
		}
		checkReadsBack(t, out, s)
		checkOneSplice(t, []byte(src), out, key)
		again, err := MergeTOML(out, []Setting{s})
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("second run differs (%v):\n%q\n%q", err, out, again)
		}

		if table == "" || s.Value == nil {
			return
		}
		out, err = ReplaceTable([]byte(src), table, []Setting{s})
		if err != nil {
			if clash(probe, table, key) || errors.Is(err, ErrUnsupported) && refusable(probe, table) {
				return
			}
			t.Fatalf("ReplaceTable refused %s: %v", s, err)
		}
		checkReadsBack(t, out, s)
		again, err = ReplaceTable(out, table, []Setting{s})
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("ReplaceTable second run differs (%v):\n%q\n%q", err, out, again)
		}
	})
}

// clash: the setting cannot be written because its key or table is
// already something else (a table where a value goes, a value where a
// table goes), or the document spells a name twice in different cases,
// which the case-blind loader would read as one.
func clash(doc map[string]any, table, key string) bool {
	if foldDuplicates(doc) {
		return true
	}
	m := doc
	if table != "" {
		switch v := lookupFold(doc, table).(type) {
		case nil:
			return false
		case map[string]any:
			m = v
		default:
			return true
		}
		if foldDuplicates(m) {
			return true
		}
	}
	switch lookupFold(m, key).(type) {
	case map[string]any, []map[string]any:
		return true
	}
	return false
}

// refusable: the table exists in a form the editor leaves to the
// operator (inline or an array of tables — both decode to something).
func refusable(doc map[string]any, table string) bool {
	return table != "" && lookupFold(doc, table) != nil
}

func foldDuplicates(m map[string]any) bool {
	seen := map[string]bool{}
	for k := range m {
		l := strings.ToLower(k)
		if seen[l] {
			return true
		}
		seen[l] = true
	}
	return false
}

func checkReadsBack(t *testing.T, out []byte, s Setting) {
	t.Helper()
	var doc map[string]any
	if _, err := toml.Decode(string(out), &doc); err != nil {
		t.Fatalf("output does not parse: %v\n%q", err, out)
	}
	m := doc
	if s.Table != "" {
		m, _ = lookupFold(doc, s.Table).(map[string]any)
	}
	var got any
	if m != nil {
		got = lookupFold(m, s.Key)
	}
	if !sameValue(got, s.Value) {
		t.Fatalf("%s reads back as %#v, want %#v\n%q", s, got, s.Value, out)
	}
}

// checkOneSplice: out is src with one insertion, or with one statement
// that sets a key of the setting's name deleted or given a new value (its
// value bytes replaced). Every other byte is the input's.
func checkOneSplice(t *testing.T, src, out []byte, key string) {
	t.Helper()
	p := 0
	for p < len(src) && p < len(out) && src[p] == out[p] {
		p++
	}
	s := 0
	for s < len(src) && s < len(out) && src[len(src)-1-s] == out[len(out)-1-s] {
		s++
	}
	if len(out) >= len(src) && p+s >= len(src) {
		return // src split in two with something between
	}
	d, err := parseDocument(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range d.stmts {
		if st.kind != stmtKeyValue || !strings.EqualFold(st.path[len(st.path)-1], key) {
			continue
		}
		deleted := append(append([]byte(nil), src[:st.start]...), src[st.end:]...)
		if bytes.Equal(out, deleted) {
			return
		}
		head, tail := src[:st.valStart], src[st.valEnd:]
		if len(out) >= len(head)+len(tail) && bytes.HasPrefix(out, head) && bytes.HasSuffix(out, tail) {
			return
		}
	}
	t.Fatalf("the input changed outside the setting's statement:\n%q\n%q", src, out)
}

func FuzzMergeEnv(f *testing.F) {
	seeds := []string{
		"",
		"A=1",
		"# c\nREGSTACK_JWT_SECRET=abc\n\nexport B=\"q\"\r\n  C = 'x'\n",
		"REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET=one\nX=1\nREGSTACK_OAUTH__GOOGLE_CLIENT_SECRET=two",
		"weird line without equals\n=novalue\n#A=commented\n",
	}
	for i, s := range seeds {
		f.Add(s, secretName, "s3cret", i%2 == 0)
		f.Add(s, "A", " spaced ", false)
	}
	f.Fuzz(func(t *testing.T, src, name, value string, remove bool) {
		var (
			out []byte
			err error
		)
		if remove {
			out, err = RemoveEnv([]byte(src), []string{name})
		} else {
			out, err = MergeEnv([]byte(src), []EnvVar{{name, value}})
		}
		if checkEnvName(name) != nil {
			if err == nil {
				t.Fatalf("name %q accepted", name)
			}
			return
		}
		if !remove && strings.ContainsAny(value, "\n"+lineBreaks) {
			if !errors.Is(err, ErrLineBreak) {
				t.Fatalf("value with a line break: %v", err)
			}
			return
		}
		if errors.Is(err, ErrUnsupported) {
			// Refused only when a line setting the name holds other
			// lines for the loader, which an edit would take along.
			shared := false
			for _, l := range strings.Split(src, "\n") {
				l = strings.TrimSuffix(l, "\r")
				shared = shared || slices.Contains(envLineNames(l), name) && len(loaderLines(l)) > 1
			}
			if !shared {
				t.Fatalf("refused without a shared line: %v\n%q", err, src)
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		got, found := loaderValue(out, name)
		switch {
		case remove && found:
			t.Fatalf("%s still set after removal:\n%q", name, out)
		case !remove && (!found || got != value):
			t.Fatalf("%s reads back as %q (%v), want %q:\n%q", name, got, found, value, out)
		}
		if len(out) > 0 && !bytes.Equal(out, []byte(src)) && !bytes.HasSuffix(out, []byte("\n")) {
			t.Fatalf("a changed file does not end with a line break: %q", out)
		}
		// Every line that does not set the name survives, in order.
		var kept []string
		for _, l := range strings.SplitAfter(src, "\n") {
			if l != "" && !slices.Contains(envLineNames(strings.TrimRight(l, "\r\n")), name) {
				// The last line may gain the file's line break: compare
				// without it.
				kept = append(kept, strings.TrimRight(l, "\r\n"))
			}
		}
		outLines := strings.Split(string(out), "\n")
		i := 0
		for _, l := range outLines {
			if i < len(kept) && strings.TrimRight(l, "\r") == kept[i] {
				i++
			}
		}
		if i < len(kept) {
			t.Fatalf("line %q lost:\n%q\n%q", kept[i], src, out)
		}
		var again []byte
		if remove {
			again, _ = RemoveEnv(out, []string{name})
		} else {
			again, _ = MergeEnv(out, []EnvVar{{name, value}})
		}
		if !bytes.Equal(again, out) {
			t.Fatalf("second run differs:\n%q\n%q", out, again)
		}
	})
}
