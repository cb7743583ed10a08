package theme

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSaveCreatesTheDirectoryAndTheFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "static", "css")
	d := Designer{Dir: dir}
	res, err := d.Save(exampleLight, exampleDark, false)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, DefaultFilename)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != golden(t, "new.golden.css") {
		t.Errorf("file =\n%s", b)
	}
	want := SaveResult{TargetPath: path, LightCount: 2, DarkCount: 1, BytesWritten: len(b)}
	if res != want {
		t.Errorf("result = %+v, want %+v", res, want)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o644 {
		t.Errorf("mode = %v, want 0644", info.Mode().Perm())
	}
}

func TestSaveDryRunTouchesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "missing")
	res, err := Designer{Dir: dir, Filename: "brand.css"}.Save(exampleLight, nil, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("a dry run created %s (stat error %v)", dir, err)
	}
	if want := len(NewFile("brand.css", exampleLight, nil)); res.BytesWritten != want || res.LightCount != 2 || res.DarkCount != 0 {
		t.Errorf("result = %+v, want %d bytes, 2 light, 0 dark", res, want)
	}
}

func TestSaveKeepsForeignRulesAndTheFileMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFilename)
	orig := golden(t, "hand-edited.css")
	if err := os.WriteFile(path, []byte(orig), 0o640); err != nil {
		t.Fatal(err)
	}
	d := Designer{Dir: dir}
	light, dark := d.Existing()
	if light["--rs-accent"] != "#123456" || dark["--rs-accent"] != "#abcdef" {
		t.Fatalf("Existing = %v / %v, want the hand-written values", light, dark)
	}
	if _, err := d.Save(Values{"--rs-accent": "#0d9488", "--rs-radius": "10px", "--rs-fg": "#000000"}, exampleDark, false); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	if string(first) != golden(t, "hand-edited.golden.css") {
		t.Errorf("file =\n%s", first)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want the file's own 0640", info.Mode().Perm())
	}

	// Re-running the designer reloads the saved values; saving them again
	// changes nothing.
	light, dark = d.Existing()
	if _, err := d.Save(light, dark, false); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(path)
	if string(second) != string(first) {
		t.Errorf("saving the reloaded values changed the file:\n%s", second)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries, want only the theme file (no temporary files left)", len(entries))
	}
}

func TestSaveRefusesAnUnbalancedFileAndLeavesIt(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, DefaultFilename)
	if err := os.WriteFile(path, []byte("this is not css {"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := Designer{Dir: dir}
	if light, dark := d.Existing(); len(light)+len(dark) != 0 {
		t.Errorf("Existing = %v / %v, want empty scopes", light, dark)
	}
	if _, err := d.Save(exampleLight, nil, false); err == nil {
		t.Fatal("Save succeeded on an unbalanced file")
	}
	if b, _ := os.ReadFile(path); string(b) != "this is not css {" {
		t.Errorf("the file changed to %q", b)
	}
}

func TestExistingOfAMissingFileIsEmpty(t *testing.T) {
	light, dark := Designer{Dir: t.TempDir()}.Existing()
	if len(light) != 0 || len(dark) != 0 {
		t.Errorf("Existing = %v / %v, want empty scopes", light, dark)
	}
}
