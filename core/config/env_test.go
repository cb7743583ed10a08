package config_test

import "testing"

func TestTestHarnessVariablesAreNotConfiguration(t *testing.T) {
	_, report := load(t, t.TempDir(), map[string]string{"REGSTACK_TEST_MAILPIT_SMTP": "127.0.0.1:1025"}, nil)
	if len(report.Warnings) != 0 || len(report.Sources) != 0 {
		t.Errorf("REGSTACK_TEST_* gave warnings %v / sources %v, want none", report.Warnings, report.Sources)
	}
}
