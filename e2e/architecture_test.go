package e2e_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// repoPath is the module path prefix of every module in this repository; a
// module in directory d has path repoPath + "/" + d.
const repoPath = "github.com/regstack/regstack"

// coreDeniedStd are the standard-library packages (with their
// subpackages) that core must not import: they are I/O libraries whose
// use belongs in an adapter, the transport or the CLI.
var coreDeniedStd = []string{"database/sql", "net/http", "net/smtp", "os/exec"}

// coreAllowedThirdParty are the only modules outside the standard library
// core may import (with their subpackages).
var coreAllowedThirdParty = []string{
	"golang.org/x/crypto",
	"golang.org/x/text",
	"golang.org/x/net/idna",
	"github.com/lestrrat-go/jwx/v2",
	"github.com/BurntSushi/toml",
	// CPU feature detection only: core/password's Argon2id (a fork of
	// x/crypto/argon2 that reuses its memory) picks the SSE4.1 kernel with
	// it, as x/crypto itself does.
	"golang.org/x/sys/cpu",
}

// violation is one import that breaks a dependency rule.
type violation struct {
	pkg, imp, rule string
}

func (v violation) String() string {
	return fmt.Sprintf("%s imports %s: %s", v.pkg, v.imp, v.rule)
}

// checkImports applies the dependency rules of docs/architecture.md to one
// package of the module in directory mod (relative to the repository root,
// e.g. "core", "adapters/sqlite") and returns every import that breaks
// them. imports are the package's non-test imports.
//
// A module directory with no rule is itself a violation, so a new kind of
// module cannot slip past the test unnoticed.
func checkImports(mod, pkg string, imports []string) []violation {
	var out []violation
	bad := func(imp, rule string) { out = append(out, violation{pkg, imp, rule}) }

	switch {
	case mod == "core":
		for _, imp := range imports {
			switch {
			case isStd(imp):
				if p, ok := underAny(imp, coreDeniedStd); ok {
					bad(imp, "core does no I/O of its own ("+p+" belongs in an adapter or the transport)")
				}
				if under(imp, "testing") && !isTestHelper(pkg) {
					bad(imp, `only core's test-helper packages (named …test, like storetest) may import "testing"`)
				}
			case under(imp, repoPath):
				if repoModule(imp) != "core" {
					bad(imp, "core imports no other module of the repository")
				}
			default:
				if _, ok := underAny(imp, coreAllowedThirdParty); !ok {
					bad(imp, "core imports only the standard library, x/crypto, x/text, x/net/idna, x/sys/cpu, jwx and toml")
				}
			}
		}
	case strings.HasPrefix(mod, "adapters/"):
		for _, imp := range imports {
			if !under(imp, repoPath) {
				continue
			}
			switch dep := repoModule(imp); {
			case dep == "core", dep == mod, dep == "adapters/sql":
			case strings.HasPrefix(dep, "adapters/"):
				bad(imp, "an adapter never imports another adapter (adapters/sql is the one shared exception)")
			default:
				bad(imp, "an adapter imports only core (and adapters/sql), never "+dep)
			}
		}
	case mod == "transport/http", mod == "wizards":
		for _, imp := range imports {
			if !under(imp, repoPath) {
				continue
			}
			if dep := repoModule(imp); dep != "core" && dep != mod {
				bad(imp, mod+" imports only core of this repository, never "+dep)
			}
		}
	case mod == "cli", mod == "e2e":
		// The composition root and the black-box tests know every module.
	default:
		bad("(module "+mod+")", "no dependency rule for this module: add one to checkImports in e2e/architecture_test.go and to docs/architecture.md")
	}
	return out
}

// isStd reports whether an import path is in the standard library: by the
// go command's own convention, its first element has no dot. "C" (cgo) is
// not standard library.
func isStd(imp string) bool {
	first, _, _ := strings.Cut(imp, "/")
	return imp != "C" && !strings.Contains(first, ".")
}

// under reports whether imp is path or one of its subpackages.
func under(imp, path string) bool {
	return imp == path || strings.HasPrefix(imp, path+"/")
}

func underAny(imp string, paths []string) (string, bool) {
	for _, p := range paths {
		if under(imp, p) {
			return p, true
		}
	}
	return "", false
}

// isTestHelper reports whether a package is a test-helper package by the
// standard library's naming (httptest, fstest): its last element ends in
// "test". Such packages exist to be imported by tests, so they import
// "testing" themselves.
func isTestHelper(pkg string) bool {
	return strings.HasSuffix(pkg[strings.LastIndex(pkg, "/")+1:], "test")
}

// repoModule names the module directory of an import path inside the
// repository: "core" for core/token, "adapters/sqlite" for
// adapters/sqlite/internal/x, "transport/http" for transport/http.
func repoModule(imp string) string {
	rel := strings.TrimPrefix(strings.TrimPrefix(imp, repoPath), "/")
	parts := strings.Split(rel, "/")
	switch parts[0] {
	case "adapters", "transport":
		if len(parts) > 1 {
			return parts[0] + "/" + parts[1]
		}
	}
	return parts[0]
}

func TestArchitectureRulesReportForbiddenImports(t *testing.T) {
	tests := []struct {
		name    string
		mod     string
		pkg     string
		imports []string
		wantBad []string // the imports reported, in order
	}{
		{
			name:    "core importing database/sql is reported",
			mod:     "core",
			pkg:     repoPath + "/core",
			imports: []string{"context", "database/sql", "time"},
			wantBad: []string{"database/sql"},
		},
		{
			name:    "core importing a subpackage of net/http is reported",
			mod:     "core",
			pkg:     repoPath + "/core/token",
			imports: []string{"net/http/httptest", "net/url", "os/exec", "net/smtp"},
			wantBad: []string{"net/http/httptest", "os/exec", "net/smtp"},
		},
		{
			name: "core importing its allowed libraries is fine",
			mod:  "core",
			pkg:  repoPath + "/core/password",
			imports: []string{
				"crypto/hmac", "golang.org/x/crypto/argon2", "golang.org/x/text/unicode/norm",
				"golang.org/x/net/idna", "github.com/lestrrat-go/jwx/v2/jwt", "github.com/BurntSushi/toml",
				repoPath + "/core/config", repoPath + "/core",
			},
		},
		{
			name:    "core importing other parts of x/net, a driver or cgo is reported",
			mod:     "core",
			pkg:     repoPath + "/core",
			imports: []string{"golang.org/x/net/html", "github.com/uptrace/bun", "C"},
			wantBad: []string{"golang.org/x/net/html", "github.com/uptrace/bun", "C"},
		},
		{
			name:    "core importing another module of the repository is reported",
			mod:     "core",
			pkg:     repoPath + "/core",
			imports: []string{repoPath + "/adapters/sqlite", repoPath + "/transport/http", repoPath + "/cli"},
			wantBad: []string{repoPath + "/adapters/sqlite", repoPath + "/transport/http", repoPath + "/cli"},
		},
		{
			name:    "core's storetest helper package may import testing",
			mod:     "core",
			pkg:     repoPath + "/core/storetest",
			imports: []string{"testing", "testing/synctest", repoPath + "/core"},
		},
		{
			name:    "a core package that is not a test helper may not import testing",
			mod:     "core",
			pkg:     repoPath + "/core/token",
			imports: []string{"testing"},
			wantBad: []string{"testing"},
		},
		{
			name:    "adapters/sqlite importing adapters/postgres is reported",
			mod:     "adapters/sqlite",
			pkg:     repoPath + "/adapters/sqlite",
			imports: []string{repoPath + "/core", repoPath + "/adapters/sql", repoPath + "/adapters/postgres"},
			wantBad: []string{repoPath + "/adapters/postgres"},
		},
		{
			name:    "adapters/sql importing a dialect adapter is reported",
			mod:     "adapters/sql",
			pkg:     repoPath + "/adapters/sql/migrations",
			imports: []string{repoPath + "/adapters/sqlite"},
			wantBad: []string{repoPath + "/adapters/sqlite"},
		},
		{
			name:    "an adapter importing the transport or the CLI is reported",
			mod:     "adapters/postgres",
			pkg:     repoPath + "/adapters/postgres",
			imports: []string{repoPath + "/transport/http", repoPath + "/cli", "github.com/jackc/pgx/v5"},
			wantBad: []string{repoPath + "/transport/http", repoPath + "/cli"},
		},
		{
			name:    "transport/http importing adapters/sqlite is reported",
			mod:     "transport/http",
			pkg:     repoPath + "/transport/http",
			imports: []string{"net/http", repoPath + "/core", repoPath + "/adapters/sqlite"},
			wantBad: []string{repoPath + "/adapters/sqlite"},
		},
		{
			name:    "wizards importing an adapter is reported",
			mod:     "wizards",
			pkg:     repoPath + "/wizards/ses",
			imports: []string{"github.com/aws/aws-sdk-go-v2/service/sesv2", repoPath + "/core/config", repoPath + "/adapters/ses"},
			wantBad: []string{repoPath + "/adapters/ses"},
		},
		{
			name:    "cli may import every module",
			mod:     "cli",
			pkg:     repoPath + "/cli",
			imports: []string{repoPath + "/core", repoPath + "/adapters/sqlite", repoPath + "/transport/http", "os/exec"},
		},
		{
			name:    "a module with no rule is reported",
			mod:     "tools",
			pkg:     repoPath + "/tools",
			imports: []string{"fmt"},
			wantBad: []string{"(module tools)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range checkImports(tt.mod, tt.pkg, tt.imports) {
				got = append(got, v.imp)
				if v.rule == "" {
					t.Errorf("violation %v names no rule", v)
				}
			}
			if !slices.Equal(got, tt.wantBad) {
				t.Errorf("checkImports(%q, %q) reported %q, want %q", tt.mod, tt.pkg, got, tt.wantBad)
			}
		})
	}
}

// TestArchitecture checks the live tree: every package of every module in
// go.work against the dependency rules.
func TestArchitecture(t *testing.T) {
	root := workspaceRoot(t)
	mods := workspaceModules(t, root)
	if !slices.Contains(mods, "core") {
		t.Fatalf("go.work lists %q, which does not include core", mods)
	}
	for _, mod := range mods {
		t.Run(mod, func(t *testing.T) {
			dir := filepath.Join(root, filepath.FromSlash(mod))
			if want, got := repoPath+"/"+mod, modulePath(t, dir); got != want {
				t.Errorf("module in %s is %s, want %s (rules classify modules by directory)", mod, got, want)
			}
			pkgs := listPackages(t, dir)
			if len(pkgs) == 0 {
				t.Fatalf("go list found no packages in %s", mod)
			}
			for _, p := range pkgs {
				for _, v := range checkImports(mod, p.ImportPath, p.Imports) {
					t.Error(v)
				}
			}
		})
	}
}

// goCmd runs the go command in dir and returns its standard output.
func goCmd(t *testing.T, dir string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go %s in %s: %v\n%s", strings.Join(args, " "), dir, err, stderr.Bytes())
	}
	return out
}

// workspaceRoot is the directory of the go.work this test runs under.
func workspaceRoot(t *testing.T) string {
	t.Helper()
	gowork := strings.TrimSpace(string(goCmd(t, ".", "env", "GOWORK")))
	if gowork == "" || gowork == "off" {
		t.Fatal("the architecture test needs the repository's go.work (GOWORK is off)")
	}
	return filepath.Dir(gowork)
}

// workspaceModules lists go.work's module directories relative to root,
// slash-separated, so a new adapter is checked as soon as it is used.
func workspaceModules(t *testing.T, root string) []string {
	t.Helper()
	var work struct{ Use []struct{ DiskPath string } }
	if err := json.Unmarshal(goCmd(t, root, "work", "edit", "-json"), &work); err != nil {
		t.Fatalf("parsing go work edit -json: %v", err)
	}
	var mods []string
	for _, u := range work.Use {
		mods = append(mods, strings.TrimSuffix(strings.TrimPrefix(filepath.ToSlash(u.DiskPath), "./"), "/"))
	}
	return mods
}

func modulePath(t *testing.T, dir string) string {
	t.Helper()
	var mod struct{ Module struct{ Path string } }
	if err := json.Unmarshal(goCmd(t, dir, "mod", "edit", "-json"), &mod); err != nil {
		t.Fatalf("parsing go mod edit -json in %s: %v", dir, err)
	}
	return mod.Module.Path
}

// listedPackage is the part of `go list -json` output the rules read.
type listedPackage struct {
	ImportPath string
	Imports    []string // non-test imports only
}

// listPackages lists the packages of the module in dir. -e keeps a package
// that does not compile in the list (with the imports it declares), so the
// rules hold while others are mid-edit.
func listPackages(t *testing.T, dir string) []listedPackage {
	t.Helper()
	out := goCmd(t, dir, "list", "-e", "-json=ImportPath,Imports", "./...")
	var pkgs []listedPackage
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listedPackage
		err := dec.Decode(&p)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("parsing go list output in %s: %v", dir, err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}
