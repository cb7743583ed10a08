// Package ses is the `regstack ses setup` wizard (cli.md §9, §13): nine
// steps that configure the [email] table for Amazon SES and check each
// answer against AWS on the way — the credential source authenticates (STS
// GetCallerIdentity), the sender or its domain is verified, the account's
// sandbox state is known (SES v2 GetAccount, else the GetSendQuota
// heuristic), and optionally one live test send goes out — before the
// settings are merged into regstack.toml and regstack.secrets.env.
//
// The engine is plain Go: Inputs are what the UI posts, ValidateStep and
// ValidateAll are the synchronous rules, Check adds the AWS probes through
// the Prober interface (AWS is the SDK implementation; tests use wire
// fakes, see package awstest), and Write merges the result into the files
// through package configfile. API serves it all to the embedded UI; NewApp
// plugs both into the shared wizard scaffold.
package ses
