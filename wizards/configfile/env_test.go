package configfile

import (
	"errors"
	"strings"
	"testing"
)

const secretName = "REGSTACK_OAUTH__GOOGLE_CLIENT_SECRET"

func TestMergeEnv(t *testing.T) {
	tests := []struct {
		name, src string
		vars      []EnvVar
		want      string
	}{
		{"a new file gets one line", "", []EnvVar{{secretName, "s3cret"}}, secretName + "=s3cret\n"},
		{
			"comments and other names stay, the line is appended",
			"# keep out of git\nREGSTACK_JWT_SECRET=abc\n\nOTHER='x'\n",
			[]EnvVar{{secretName, "s3cret"}},
			"# keep out of git\nREGSTACK_JWT_SECRET=abc\n\nOTHER='x'\n" + secretName + "=s3cret\n",
		},
		{
			"an existing line is replaced in place",
			"A=1\n" + secretName + "=old\nB=2\n",
			[]EnvVar{{secretName, "new"}},
			"A=1\n" + secretName + "=new\nB=2\n",
		},
		{
			"export, leading spaces and spaces before = are the same name",
			"  export " + secretName + " =old\nB=2\n",
			[]EnvVar{{secretName, "new"}},
			secretName + "=new\nB=2\n",
		},
		{
			"later duplicates go, so the file says one thing",
			secretName + "=one\nB=2\n" + secretName + "=two\n",
			[]EnvVar{{secretName, "new"}},
			secretName + "=new\nB=2\n",
		},
		{
			"a longer name with the same start is another name",
			secretName + "_OLD=x\n",
			[]EnvVar{{secretName, "new"}},
			secretName + "_OLD=x\n" + secretName + "=new\n",
		},
		{
			"CRLF lines stay CRLF and the new one is CRLF",
			"# c\r\nA=1\r\n",
			[]EnvVar{{"B", "2"}},
			"# c\r\nA=1\r\nB=2\r\n",
		},
		{
			"a last line without a line break gets one",
			"A=1",
			[]EnvVar{{"B", "2"}},
			"A=1\nB=2\n",
		},
		{
			"a value the loader would trim or unquote is quoted",
			"",
			[]EnvVar{{"A", " padded "}, {"B", `"quoted"`}, {"C", "'"}, {"D", `in"side`}, {"E", "has # hash"}},
			"A=\" padded \"\nB=\"\"quoted\"\"\nC=\"'\"\nD=in\"side\nE=has # hash\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := MergeEnv([]byte(tt.src), tt.vars)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", out, tt.want)
			}
			again, _ := MergeEnv(out, tt.vars)
			if string(again) != string(out) {
				t.Errorf("a second run changed it: %q", again)
			}
			for _, v := range tt.vars {
				if got, ok := loaderValue(out, v.Name); !ok || got != v.Value {
					t.Errorf("the loader would read %s as %q (%v), want %q", v.Name, got, ok, v.Value)
				}
			}
		})
	}
}

func TestHasLineBreakAgreesWithTheWriter(t *testing.T) {
	values := []string{"", "plain", "tab\tinside", " spaced ", "a\x1fb", "é€"}
	for _, r := range "\n" + lineBreaks {
		values = append(values, "a"+string(r)+"b")
	}
	for _, value := range values {
		_, err := EnvLine(EnvVar{secretName, value})
		if refused := errors.Is(err, ErrLineBreak); HasLineBreak(value) != refused {
			t.Errorf("HasLineBreak(%q) = %v, but the writer refusing it is %v", value, !refused, refused)
		}
	}
}

func TestMergeEnvRefusals(t *testing.T) {
	for _, value := range []string{"a\nb", "a\rb", "a\u2028b", "a\fb"} {
		_, err := MergeEnv(nil, []EnvVar{{secretName, value}})
		if !errors.Is(err, ErrLineBreak) {
			t.Errorf("value %q: error %v, want ErrLineBreak", value, err)
		}
		if !HasLineBreak(value) {
			t.Errorf("HasLineBreak(%q) = false, but the writer refuses it", value)
		}
		if err != nil && strings.Contains(err.Error(), value) {
			t.Errorf("the error shows the secret: %v", err)
		}
	}
	for _, name := range []string{"", "1A", "A-B", "A B", "A=B"} {
		if _, err := MergeEnv(nil, []EnvVar{{name, "x"}}); err == nil {
			t.Errorf("name %q accepted", name)
		}
	}
}

// A file with bare CR line ends is one "\n line" holding every variable;
// replacing that line would drop the others, so the edit is refused.
func TestMergeEnvRefusesALineTheLoaderReadsAsSeveral(t *testing.T) {
	src := "REGSTACK_JWT_SECRET=keep\r" + secretName + "=old\rOTHER=keep\r"
	for name, edit := range map[string]func() ([]byte, error){
		"merge":  func() ([]byte, error) { return MergeEnv([]byte(src), []EnvVar{{secretName, "new"}}) },
		"remove": func() ([]byte, error) { return RemoveEnv([]byte(src), []string{secretName}) },
	} {
		out, err := edit()
		if !errors.Is(err, ErrUnsupported) || out != nil {
			t.Errorf("%s: (%q, %v), want ErrUnsupported and no output", name, out, err)
		}
		if err != nil && strings.Contains(err.Error(), "old") {
			t.Errorf("%s: the error shows the secret: %v", name, err)
		}
	}
	// A line for another name is no reason to refuse.
	if _, err := MergeEnv([]byte(src), []EnvVar{{"UNRELATED", "x"}}); err != nil {
		t.Errorf("adding a new name: %v", err)
	}
}

func TestRemoveEnv(t *testing.T) {
	src := "# c\nA=1\n" + secretName + "=x\nexport " + secretName + "=y\nB=2"
	out, err := RemoveEnv([]byte(src), []string{secretName})
	if err != nil {
		t.Fatal(err)
	}
	if want := "# c\nA=1\nB=2\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
	same, _ := RemoveEnv([]byte("A=1"), []string{secretName})
	if string(same) != "A=1" {
		t.Errorf("removing an absent name changed the file: %q", same)
	}
}

func TestMergeEnvLeavesAnUnchangedFileAlone(t *testing.T) {
	src := []byte("A=1") // no final line break: touching it would add one
	out, err := MergeEnv(src, []EnvVar{{"A", "1"}})
	if err != nil || string(out) != "A=1" {
		t.Errorf("got %q (%v)", out, err)
	}
}

// loaderValue reads name from a secrets file by core/config's rules
// (config.md §1.3, Python's): lines split at every Unicode line boundary
// and stripped, comments and lines without = skipped, split at the first
// =, one pair of matching quotes removed, later lines win.
func loaderValue(src []byte, name string) (string, bool) {
	var value string
	found := false
	lines := strings.FieldsFunc(string(src), func(r rune) bool {
		return strings.ContainsRune("\n\r\v\f\x1c\x1d\x1e\u0085\u2028\u2029", r)
	})
	for _, raw := range lines {
		line := strings.TrimFunc(raw, isLoaderSpace)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		n, v, ok := strings.Cut(line, "=")
		if !ok || strings.TrimFunc(n, isLoaderSpace) != name {
			continue
		}
		v = strings.TrimFunc(v, isLoaderSpace)
		if strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`) || strings.HasPrefix(v, "'") && strings.HasSuffix(v, "'") {
			if len(v) >= 2 {
				v = v[1 : len(v)-1]
			} else {
				v = ""
			}
		}
		value, found = v, true
	}
	return value, found
}
