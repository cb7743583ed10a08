package ses

import "slices"

// knownRegions are the regions the wizard accepts (cli.md §13.4): a tight
// allow-list catches a typo before the SDK turns it into an opaque DNS
// failure at the first call.
var knownRegions = []string{
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
	"af-south-1",
	"ap-south-1", "ap-southeast-1", "ap-southeast-2",
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
	"ca-central-1",
	"eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "eu-south-1",
	"il-central-1",
	"me-south-1",
	"sa-east-1",
}

// KnownRegion reports whether region (already trimmed) is one of the SES
// regions the wizard accepts.
func KnownRegion(region string) bool {
	return slices.Contains(knownRegions, region)
}

// Regions returns the SES regions the wizard accepts, in the order of
// cli.md §13.4.
func Regions() []string {
	return slices.Clone(knownRegions)
}
