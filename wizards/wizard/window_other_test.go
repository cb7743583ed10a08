//go:build !desktop

package wizard_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/regstack/regstack/wizards/wizard"
)

func TestABuildWithoutTheDesktopTagHasNoWindow(t *testing.T) {
	var out bytes.Buffer
	err := wizard.Launch(t.Context(), wizard.App{}, wizard.LaunchOptions{Mode: wizard.Window, Out: &out})
	if !errors.Is(err, wizard.ErrNoWindow) {
		t.Fatalf("error %v, want ErrNoWindow", err)
	}
	for _, flag := range []string{"--headless", "--browser"} {
		if !strings.Contains(err.Error(), flag) {
			t.Errorf("%q does not name %s", err, flag)
		}
	}
	if out.Len() != 0 {
		t.Errorf("printed %q: nothing should be served without a window", out.String())
	}
}
