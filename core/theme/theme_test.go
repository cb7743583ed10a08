package theme_test

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/regstack/regstack/core/theme"
)

// declaration matches one custom-property declaration: name and value.
var declaration = regexp.MustCompile(`(--rs-[a-z-]+)\s*:\s*([^;]+);`)

// readCSS reads a bundled stylesheet with its comments removed.
func readCSS(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(theme.Stylesheets(), "css/"+name)
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	return regexp.MustCompile(`(?s)/\*.*?\*/`).ReplaceAllString(string(b), "")
}

// block returns the text between the braces of the first block opened by
// header, and the rest of css after it.
func block(t *testing.T, css, header string) (inside, rest string) {
	t.Helper()
	i := strings.Index(css, header)
	if i < 0 {
		t.Fatalf("no %q block", header)
	}
	open := i + strings.Index(css[i:], "{")
	depth := 0
	for j := open; j < len(css); j++ {
		switch css[j] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return css[open+1 : j], css[j+1:]
			}
		}
	}
	t.Fatalf("unbalanced %q block", header)
	return "", ""
}

// pair is a declaration in file order.
type pair struct{ name, value string }

func declarations(css string) []pair {
	var out []pair
	for _, m := range declaration.FindAllStringSubmatch(css, -1) {
		out = append(out, pair{m[1], strings.TrimSpace(m[2])})
	}
	return out
}

func TestThemeCSSDeclaresTheInventory(t *testing.T) {
	css := readCSS(t, "theme.css")
	media, _ := block(t, css, "@media (prefers-color-scheme: dark)")
	darkRoot, _ := block(t, media, ":root")
	lightRoot, afterLight := block(t, css, ":root")
	if !strings.Contains(afterLight, "@media (prefers-color-scheme: dark)") {
		t.Fatal("the light :root block does not come before the dark scheme")
	}

	var wantLight, wantDark []pair
	for _, p := range theme.Properties() {
		wantLight = append(wantLight, pair{p.Name, p.Light})
		if p.Dark != "" {
			wantDark = append(wantDark, pair{p.Name, p.Dark})
		}
	}

	t.Run("the light :root block declares every property with its default, in canonical order", func(t *testing.T) {
		if got := declarations(lightRoot); !slices.Equal(got, wantLight) {
			t.Errorf("light declarations\n got %q\nwant %q", got, wantLight)
		}
	})
	t.Run("the dark scheme re-declares exactly the properties with a dark default", func(t *testing.T) {
		if got := declarations(darkRoot); !slices.Equal(got, wantDark) {
			t.Errorf("dark declarations\n got %q\nwant %q", got, wantDark)
		}
	})
	t.Run("nothing outside the two blocks declares a property", func(t *testing.T) {
		rest := strings.Replace(css, lightRoot, "", 1)
		rest = strings.Replace(rest, darkRoot, "", 1)
		if got := declarations(rest); len(got) != 0 {
			t.Errorf("stray declarations: %q", got)
		}
	})
}

func TestCoreCSSReadsOnlyTheInventory(t *testing.T) {
	css := readCSS(t, "core.css")
	used := map[string]bool{}
	for _, m := range regexp.MustCompile(`var\((--rs-[a-z-]+)\)`).FindAllStringSubmatch(css, -1) {
		used[m[1]] = true
	}

	t.Run("every property core.css reads is in the inventory", func(t *testing.T) {
		for name := range used {
			if _, ok := theme.Lookup(name); !ok {
				t.Errorf("core.css reads %s, which the inventory lacks", name)
			}
		}
	})
	t.Run("every property of the inventory is read by core.css", func(t *testing.T) {
		for _, p := range theme.Properties() {
			if !used[p.Name] {
				t.Errorf("core.css never reads %s", p.Name)
			}
		}
	})
	t.Run("core.css has no literal colour, so a theme controls them all", func(t *testing.T) {
		literal := regexp.MustCompile(`#[0-9a-fA-F]{3,8}\b|\b(rgba?|hsla?)\(`)
		if m := literal.FindString(css); m != "" {
			t.Errorf("core.css contains the literal colour %q", m)
		}
	})
	t.Run("core.css declares no property itself", func(t *testing.T) {
		if got := declarations(css); len(got) != 0 {
			t.Errorf("core.css declares %q; defaults belong in theme.css", got)
		}
	})
	t.Run("core.css styles the page card", func(t *testing.T) {
		if !strings.Contains(css, ".rs-card") {
			t.Error("core.css has no .rs-card rule")
		}
	})
}

func TestPropertiesIsACopy(t *testing.T) {
	a := theme.Properties()
	a[0].Light = "changed"
	if theme.Properties()[0].Light == "changed" {
		t.Error("changing the returned slice changed the inventory")
	}
}
