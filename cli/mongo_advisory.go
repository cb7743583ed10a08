package cli

import (
	"fmt"
	"strconv"
	"strings"
)

// mongoTrack is a MongoDB release track (major.minor).
type mongoTrack struct{ major, minor int }

func (t mongoTrack) less(o mongoTrack) bool {
	return t.major < o.major || t.major == o.major && t.minor < o.minor
}

// mongoVersion is a parsed server version.
type mongoVersion struct {
	mongoTrack
	patch int
}

// cveBaselines are the first releases of each track patched against
// CVE-2025-14847 ("MongoBleed"), newest track first (cli.md §5.3).
var cveBaselines = []mongoVersion{
	{mongoTrack{8, 2}, 3},
	{mongoTrack{8, 0}, 17},
	{mongoTrack{7, 0}, 28},
	{mongoTrack{6, 0}, 27},
	{mongoTrack{5, 0}, 32},
	{mongoTrack{4, 4}, 30},
}

func (v mongoVersion) String() string {
	return fmt.Sprintf("%d.%d.%d", v.major, v.minor, v.patch)
}

// parseMongoVersion reads three dotted integers, ignoring a "-suffix"
// ("8.0.0-rc1" is 8.0.0).
func parseMongoVersion(s string) (mongoVersion, bool) {
	s, _, _ = strings.Cut(s, "-")
	parts := strings.Split(s, ".")
	if len(parts) != 3 {
		return mongoVersion{}, false
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 0 {
			return mongoVersion{}, false
		}
		n[i] = v
	}
	return mongoVersion{mongoTrack{n[0], n[1]}, n[2]}, true
}

// mongoServerCheck turns what buildInfo said into the `mongo server` line
// (cli.md §5.3). secantus is buildInfo's secantusVersion ("" for a real
// MongoDB); queryErr is a failure to ask. It is advisory: the mark is
// never markFail, since the operator, not regstack, controls the server.
func mongoServerCheck(version, secantus string, queryErr error) checkResult {
	res := func(m mark, format string, args ...any) checkResult {
		return checkResult{name: "mongo server", mark: m, detail: fmt.Sprintf(format, args...)}
	}
	switch {
	case queryErr != nil:
		return res(markWarn, "version check failed: %v", queryErr)
	case secantus != "":
		return res(markPass, "SecantusDB %s (MongoDB 7.0 compatibility)", secantus)
	case version == "":
		return res(markWarn, "buildInfo returned no version; verify against CVE-2025-14847")
	}
	v, ok := parseMongoVersion(version)
	if !ok {
		return res(markPass, "server %s (could not parse version; verify against CVE-2025-14847)", version)
	}
	newest, oldest := cveBaselines[0], cveBaselines[len(cveBaselines)-1]
	switch {
	case newest.mongoTrack.less(v.mongoTrack):
		return res(markPass, "server %s (newer than CVE-2025-14847 advisory tracks)", version)
	case v.mongoTrack.less(oldest.mongoTrack):
		return res(markWarn, "server %s is end-of-life and below every CVE-2025-14847 patched release; upgrade to a supported, patched MongoDB version", version)
	}
	for _, base := range cveBaselines {
		if base.mongoTrack != v.mongoTrack {
			continue
		}
		if v.patch >= base.patch {
			return res(markPass, "server %s (≥ %s, patched)", version, base)
		}
		return res(markWarn, "server %s is vulnerable to CVE-2025-14847 (MongoBleed); upgrade to ≥ %s, or disable zlib compression in mongod.conf", version, base)
	}
	return res(markPass, "server %s on an unrecognised release track; verify against CVE-2025-14847 manually", version)
}
