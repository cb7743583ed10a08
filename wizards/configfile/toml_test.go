package configfile

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// oauthEdit is what `oauth setup` writes (cli.md §14.3).
func oauthEdit(src []byte) ([]byte, error) {
	out, err := MergeTOML(src, []Setting{{Key: "enable_oauth", Value: true}})
	if err != nil {
		return nil, err
	}
	return ReplaceTable(out, "oauth", []Setting{
		{Table: "oauth", Key: "google_client_id", Value: "12345-abc.apps.googleusercontent.com"},
		{Table: "oauth", Key: "auto_link_verified_emails", Value: false},
		{Table: "oauth", Key: "enforce_mfa_on_oauth_signin", Value: false},
	})
}

// sesEdit is what `ses setup` writes in profile mode (cli.md §14.4).
func sesEdit(src []byte) ([]byte, error) {
	return MergeTOML(src, []Setting{
		{Table: "email", Key: "backend", Value: "ses"},
		{Table: "email", Key: "from_address", Value: "noreply@app.example.com"},
		{Table: "email", Key: "ses_region", Value: "eu-west-1"},
		{Table: "email", Key: "ses_profile", Value: nil},
		{Table: "email", Key: "ses_access_key_id", Value: nil},
		{Table: "email", Key: "ses_profile", Value: "dev"},
	})
}

func TestMergesMatchTheGoldenFiles(t *testing.T) {
	inputs := []string{"init", "handwritten", "crlf", "dotted", "nonewline", "empty"}
	edits := []struct {
		name string
		edit func([]byte) ([]byte, error)
	}{{"oauth", oauthEdit}, {"ses", sesEdit}}
	for _, in := range inputs {
		for _, e := range edits {
			t.Run(in+" takes the "+e.name+" edit", func(t *testing.T) {
				src, err := os.ReadFile(filepath.Join("testdata", in+".toml"))
				if err != nil {
					t.Fatal(err)
				}
				out, err := e.edit(src)
				if err != nil {
					t.Fatalf("edit: %v", err)
				}
				golden := filepath.Join("testdata", in+"."+e.name+".golden")
				if *update {
					if err := os.WriteFile(golden, out, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update once to create it)", err)
				}
				if !bytes.Equal(out, want) {
					t.Errorf("result differs from %s:\n--- got\n%s\n--- want\n%s", golden, out, want)
				}
				var v map[string]any
				if _, err := toml.Decode(string(out), &v); err != nil {
					t.Errorf("result does not parse: %v", err)
				}
				again, err := e.edit(out)
				if err != nil || !bytes.Equal(again, out) {
					t.Errorf("a second run changed the file (err %v):\n%s", err, again)
				}
			})
		}
	}
}

func TestAnExistingKeyIsReplacedInPlace(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		settings []Setting
		want     string
	}{
		{
			"the trailing comment stays",
			"a = 1 # one\nb = 2\n",
			[]Setting{{Key: "a", Value: 5}},
			"a = 5 # one\nb = 2\n",
		},
		{
			"the key keeps its spelling and spacing",
			"  Base_URL   =   'x'   # site\n",
			[]Setting{{Key: "base_url", Value: "https://y"}},
			"  Base_URL   =   \"https://y\"   # site\n",
		},
		{
			"an equal value written differently is left alone",
			"name = 'same'  # literal\n",
			[]Setting{{Key: "name", Value: "same"}},
			"name = 'same'  # literal\n",
		},
		{
			"a multi-line array is replaced whole",
			"limits = [\n  \"1/s\",  # first\n  \"2/m\",\n] # end\nx = 1\n",
			[]Setting{{Key: "limits", Value: []string{"5/minute"}}},
			"limits = [\"5/minute\"] # end\nx = 1\n",
		},
		{
			"a multi-line string is replaced whole",
			"text = \"\"\"\nline\nkey = 1\n\"\"\"\nafter = true\n",
			[]Setting{{Key: "text", Value: "short"}},
			"text = \"short\"\nafter = true\n",
		},
		{
			"a key in a table, matched ignoring case",
			"[Email]\nBackend = \"smtp\"\n",
			[]Setting{{Table: "email", Key: "backend", Value: "ses"}},
			"[Email]\nBackend = \"ses\"\n",
		},
		{
			"a dotted key at the top level",
			"email.backend = \"smtp\" # dotted\n",
			[]Setting{{Table: "email", Key: "backend", Value: "ses"}},
			"email.backend = \"ses\" # dotted\n",
		},
		{
			"a quoted table name",
			"[\"oauth\"]\nauto_link_verified_emails = true\n",
			[]Setting{{Table: "oauth", Key: "auto_link_verified_emails", Value: false}},
			"[\"oauth\"]\nauto_link_verified_emails = false\n",
		},
		{
			"strings are escaped",
			"a = 1\n",
			[]Setting{{Key: "a", Value: "q\"b\\s\tt\x01é"}},
			"a = \"q\\\"b\\\\s\\tt\\u0001é\"\n",
		},
		{
			"a leading byte order mark is stepped over and kept",
			"\ufeffa = 1 # one\n",
			[]Setting{{Key: "a", Value: 5}},
			"\ufeffa = 5 # one\n",
		},
		{
			"floats and int64 are written as TOML reads them",
			"f = 0\ng = 0\n",
			[]Setting{{Key: "f", Value: 2.0}, {Key: "g", Value: int64(1) << 40}},
			"f = 2.0\ng = 1099511627776\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := MergeTOML([]byte(tt.src), tt.settings)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", out, tt.want)
			}
		})
	}
}

func TestAMissingKeyGoesWhereItBelongs(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		settings []Setting
		want     string
	}{
		{
			"a top-level key goes after the last top-level key, before the blank line",
			"a = 1\n\n# about email\n[email]\nbackend = \"console\"\n",
			[]Setting{{Key: "enable_oauth", Value: true}},
			"a = 1\nenable_oauth = true\n\n# about email\n[email]\nbackend = \"console\"\n",
		},
		{
			"a top-level key in a file of comments and tables goes after the comments",
			"# Hand-written config\n\n[email]\n",
			[]Setting{{Key: "enable_oauth", Value: true}},
			"# Hand-written config\nenable_oauth = true\n\n[email]\n",
		},
		{
			"a top-level key in front of a first header keeps a blank line before it",
			"[email]\nbackend = \"console\"\n",
			[]Setting{{Key: "enable_oauth", Value: true}},
			"enable_oauth = true\n\n[email]\nbackend = \"console\"\n",
		},
		{
			"a key of a table goes after its last key, before other tables",
			"[email]\nbackend = \"smtp\"\n# note\n\n[sms]\nbackend = \"null\"\n",
			[]Setting{{Table: "email", Key: "ses_region", Value: "eu-west-1"}},
			"[email]\nbackend = \"smtp\"\nses_region = \"eu-west-1\"\n# note\n\n[sms]\nbackend = \"null\"\n",
		},
		{
			"a key of a table with no keys goes right under the header",
			"[email]\n# nothing yet\n",
			[]Setting{{Table: "email", Key: "backend", Value: "ses"}},
			"[email]\nbackend = \"ses\"\n# nothing yet\n",
		},
		{
			"a key of a table made of dotted keys is dotted too",
			"email.backend = \"smtp\"\nx = 1\n",
			[]Setting{{Table: "email", Key: "ses_region", Value: "eu-west-1"}},
			"email.backend = \"smtp\"\nemail.ses_region = \"eu-west-1\"\nx = 1\n",
		},
		{
			"a missing table is appended after one blank line",
			"a = 1\n",
			[]Setting{{Table: "email", Key: "backend", Value: "ses"}, {Table: "email", Key: "ses_region", Value: "us-east-1"}},
			"a = 1\n\n[email]\nbackend = \"ses\"\nses_region = \"us-east-1\"\n",
		},
		{
			"an empty file gets just the lines",
			"",
			[]Setting{{Key: "enable_oauth", Value: true}},
			"enable_oauth = true\n",
		},
		{
			"a file without a final line break gets one before the new line",
			"a = 1",
			[]Setting{{Key: "b", Value: 2}},
			"a = 1\nb = 2\n",
		},
		{
			"CRLF files get CRLF lines",
			"a = 1\r\n\r\n[email]\r\nbackend = \"x\"\r\n",
			[]Setting{{Key: "b", Value: 2}, {Table: "email", Key: "c", Value: 3}, {Table: "sms", Key: "backend", Value: "null"}},
			"a = 1\r\nb = 2\r\n\r\n[email]\r\nbackend = \"x\"\r\nc = 3\r\n\r\n[sms]\r\nbackend = \"null\"\r\n",
		},
		{
			"a top-level key in a file opening with a byte order mark goes after the mark",
			"\ufeff[email]\nbackend = \"console\"\n",
			[]Setting{{Key: "enable_oauth", Value: true}, {Table: "email", Key: "backend", Value: "ses"}},
			"\ufeffenable_oauth = true\n\n[email]\nbackend = \"ses\"\n",
		},
		{
			"a file of just a byte order mark keeps it before the new lines",
			"\ufeff",
			[]Setting{{Table: "email", Key: "backend", Value: "ses"}},
			"\ufeff[email]\nbackend = \"ses\"\n",
		},
		{
			"a key that needs quotes is quoted",
			"",
			[]Setting{{Table: "my table", Key: "a.b", Value: 1}},
			"[\"my table\"]\n\"a.b\" = 1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := MergeTOML([]byte(tt.src), tt.settings)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", out, tt.want)
			}
		})
	}
}

func TestANilValueDeletesTheKey(t *testing.T) {
	src := "[email]\nbackend = \"ses\"\nses_profile = \"dev\"   # old\nses_region = \"eu-west-1\"\n"
	out, err := MergeTOML([]byte(src), []Setting{{Table: "email", Key: "ses_profile"}, {Table: "email", Key: "absent"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := "[email]\nbackend = \"ses\"\nses_region = \"eu-west-1\"\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestReplaceTable(t *testing.T) {
	fresh := []Setting{{Table: "oauth", Key: "google_client_id", Value: "new"}}
	tests := []struct {
		name, src, want string
	}{
		{
			"keys and comments of the old table go; the blank line and the next table's comment stay",
			"[oauth]\ngoogle_client_id = \"old\"\n# inside\nstate_ttl_seconds = 600 # stale\n# trailing\n\n# Next\n[sms]\n",
			"[oauth]\ngoogle_client_id = \"new\"\n\n# Next\n[sms]\n",
		},
		{
			"a comment touching the next header is left to it",
			"[oauth]\ngoogle_client_id = \"old\"\n# SMS below\n[sms]\n",
			"[oauth]\ngoogle_client_id = \"new\"\n# SMS below\n[sms]\n",
		},
		{
			"a table at the end of the file is replaced to the end",
			"a = 1\n\n[oauth]\ngoogle_client_id = \"old\"\n# last words",
			"a = 1\n\n[oauth]\ngoogle_client_id = \"new\"\n",
		},
		{
			"an absent table is appended",
			"a = 1\n",
			"a = 1\n\n[oauth]\ngoogle_client_id = \"new\"\n",
		},
		{
			"a table of dotted keys is removed and appended as a section",
			"oauth.google_client_id = \"old\"\na = 1\n",
			"a = 1\n\n[oauth]\ngoogle_client_id = \"new\"\n",
		},
		{
			"sub-tables stay",
			"[oauth]\ngoogle_client_id = \"old\"\n[oauth.extra]\nx = 1\n",
			"[oauth]\ngoogle_client_id = \"new\"\n[oauth.extra]\nx = 1\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := ReplaceTable([]byte(tt.src), "oauth", fresh)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want {
				t.Errorf("got\n%q\nwant\n%q", out, tt.want)
			}
			again, err := ReplaceTable(out, "oauth", fresh)
			if err != nil || !bytes.Equal(again, out) {
				t.Errorf("not idempotent: %q (%v)", again, err)
			}
		})
	}
}

func TestEditsTheEditorRefuses(t *testing.T) {
	tests := []struct {
		name, src string
		setting   Setting
		want      string
	}{
		{"an inline table", "email = { backend = \"smtp\" }\n", Setting{Table: "email", Key: "backend", Value: "ses"}, "inline table"},
		{"an array of tables", "[[email]]\nbackend = \"smtp\"\n", Setting{Table: "email", Key: "backend", Value: "ses"}, "array of tables"},
		{"a table that is a value", "email = \"smtp\"\n", Setting{Table: "email", Key: "backend", Value: "ses"}, "not a table"},
		{"a key that is a table", "[email]\nextra.x = 1\n", Setting{Table: "email", Key: "extra", Value: "ses"}, "does not read back"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := MergeTOML([]byte(tt.src), []Setting{tt.setting})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	t.Run("invalid TOML names the line and hides quoted text", func(t *testing.T) {
		_, err := MergeTOML([]byte("a = 1\njwt_secret = \"abc\ndef\"\n"), []Setting{{Key: "b", Value: 1}})
		var ie *InvalidTOMLError
		if !errors.As(err, &ie) || ie.Line != 2 {
			t.Fatalf("error %v, want an InvalidTOMLError on line 2", err)
		}
		if strings.Contains(err.Error(), "abc") {
			t.Errorf("the error shows the file's text: %v", err)
		}
	})
	t.Run("a value of an unknown type", func(t *testing.T) {
		if _, err := MergeTOML(nil, []Setting{{Key: "a", Value: struct{}{}}}); err == nil {
			t.Fatal("no error")
		}
	})
}

func TestLookupAndHasTable(t *testing.T) {
	src := []byte("base_url = \"https://x\"\n[Email]\nfrom_address = \"a@b.example\"\n")
	if v, ok, err := Lookup(src, "", "base_url"); err != nil || !ok || v != "https://x" {
		t.Errorf("base_url: %v %v %v", v, ok, err)
	}
	if v, ok, err := Lookup(src, "email", "from_address"); err != nil || !ok || v != "a@b.example" {
		t.Errorf("email.from_address: %v %v %v", v, ok, err)
	}
	if _, ok, _ := Lookup(src, "oauth", "google_client_id"); ok {
		t.Error("oauth.google_client_id found in a file without it")
	}
	if ok, _ := HasTable(src, "email"); !ok {
		t.Error("HasTable(email) false")
	}
	if ok, _ := HasTable(src, "oauth"); ok {
		t.Error("HasTable(oauth) true")
	}
	if _, err := HasTable([]byte("[x"), "x"); err == nil {
		t.Error("HasTable accepted invalid TOML")
	}
}

// The parser quotes the text it stumbled on, which may be a secret; the
// refusal says where, not what.
func TestARefusalNeverShowsTheTextItStumbledOn(t *testing.T) {
	const secret = "hunter2-unquoted-secret"
	_, err := MergeTOML([]byte("app_name = \"x\"\njwt_secret = "+secret+"\n"), []Setting{{Table: "oauth", Key: "google_client_id", Value: "id"}})
	var invalid *InvalidTOMLError
	if !errors.As(err, &invalid) || invalid.Line != 2 {
		t.Fatalf("err = %v; want an InvalidTOMLError on line 2", err)
	}
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("the error shows the secret: %v", err)
	}
}
