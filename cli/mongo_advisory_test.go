package cli

import (
	"errors"
	"testing"
)

func TestMongoServerCheck(t *testing.T) {
	tests := []struct {
		name              string
		version, secantus string
		err               error
		wantMark          mark
		wantDetail        string
	}{
		{"a query error is an advisory", "", "", errors.New("connection reset"), markWarn,
			"version check failed: connection reset"},
		{"SecantusDB is recognised before any version check", "7.0.0", "0.4.1", nil, markPass,
			"SecantusDB 0.4.1 (MongoDB 7.0 compatibility)"},
		{"an empty version is an advisory", "", "", nil, markWarn,
			"buildInfo returned no version; verify against CVE-2025-14847"},
		{"the patched baseline itself passes", "7.0.28", "", nil, markPass,
			"server 7.0.28 (≥ 7.0.28, patched)"},
		{"a later patch passes", "8.2.4", "", nil, markPass,
			"server 8.2.4 (≥ 8.2.3, patched)"},
		{"one patch below the baseline is vulnerable", "8.0.16", "", nil, markWarn,
			"server 8.0.16 is vulnerable to CVE-2025-14847 (MongoBleed); upgrade to ≥ 8.0.17, or disable zlib compression in mongod.conf"},
		{"7.0.5 is vulnerable", "7.0.5", "", nil, markWarn,
			"server 7.0.5 is vulnerable to CVE-2025-14847 (MongoBleed); upgrade to ≥ 7.0.28, or disable zlib compression in mongod.conf"},
		{"each known track has its baseline: 6.0", "6.0.26", "", nil, markWarn,
			"server 6.0.26 is vulnerable to CVE-2025-14847 (MongoBleed); upgrade to ≥ 6.0.27, or disable zlib compression in mongod.conf"},
		{"each known track has its baseline: 5.0", "5.0.32", "", nil, markPass,
			"server 5.0.32 (≥ 5.0.32, patched)"},
		{"each known track has its baseline: 4.4", "4.4.29", "", nil, markWarn,
			"server 4.4.29 is vulnerable to CVE-2025-14847 (MongoBleed); upgrade to ≥ 4.4.30, or disable zlib compression in mongod.conf"},
		{"a pre-release suffix is dropped", "8.0.0-rc1", "", nil, markWarn,
			"server 8.0.0-rc1 is vulnerable to CVE-2025-14847 (MongoBleed); upgrade to ≥ 8.0.17, or disable zlib compression in mongod.conf"},
		{"a track newer than 8.2 passes", "8.3.0", "", nil, markPass,
			"server 8.3.0 (newer than CVE-2025-14847 advisory tracks)"},
		{"a newer major passes", "9.0.1", "", nil, markPass,
			"server 9.0.1 (newer than CVE-2025-14847 advisory tracks)"},
		{"a track older than 4.4 is end-of-life", "4.2.25", "", nil, markWarn,
			"server 4.2.25 is end-of-life and below every CVE-2025-14847 patched release; upgrade to a supported, patched MongoDB version"},
		{"a track between known ones is unrecognised", "7.3.1", "", nil, markPass,
			"server 7.3.1 on an unrecognised release track; verify against CVE-2025-14847 manually"},
		{"two numbers do not parse", "7.0", "", nil, markPass,
			"server 7.0 (could not parse version; verify against CVE-2025-14847)"},
		{"words do not parse", "latest", "", nil, markPass,
			"server latest (could not parse version; verify against CVE-2025-14847)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := mongoServerCheck(tt.version, tt.secantus, tt.err)
			want := checkResult{name: "mongo server", mark: tt.wantMark, detail: tt.wantDetail}
			if got != want {
				t.Errorf("got  %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestMongoServerCheckNeverFails(t *testing.T) {
	for _, v := range []string{"", "0.0.0", "1.2.3", "4.4.0", "x.y.z", "99.99.99", "-", "8.2.2-ent"} {
		if got := mongoServerCheck(v, "", nil); got.mark == markFail {
			t.Errorf("version %q gave ✘: %+v", v, got)
		}
	}
}
