// Package google is the "Sign in with Google" OAuth provider of regstack
// (domain.md §10.4): it builds the authorization URL (PKCE S256, state,
// nonce), exchanges the code at the token endpoint and verifies the ID
// token against Google's JWKS.
//
// The four endpoints come from the [oauth] configuration keys
// google_issuer, google_authorization_endpoint, google_token_endpoint and
// google_jwks_uri; nothing is discovered at run time, so a server starts
// offline and tests point it at a local OpenID provider (see the oidctest
// subpackage). The JWKS is fetched at the first callback, cached for an
// hour (a key Google drops stops verifying within the hour; while Google
// cannot be reached, the keys held keep working, with a warning), and
// fetched again when a token names an unknown key id: at once for the
// first such token, then at most every 10 s, so made-up key ids cannot
// make regstack hammer Google. A failed fetch is not retried for 10 s
// either.
//
// # Adding another provider
//
// A provider is a module of its own, like this one:
//
//  1. Create adapters/<name> with a type implementing regstack.OAuthProvider:
//     Name returns the lowercase path segment (it is also the value stored
//     in oauth_identities.provider); AuthorizationURL, ExchangeCode and
//     VerifyIDToken do the provider's protocol. Wrap exchange failures in
//     regstack.ErrOAuthTokenExchange and ID-token failures in
//     regstack.ErrOAuthIDToken so the callback reports the right error
//     code.
//  2. Add one field to config.OAuthConfig for its credentials (for example
//     github_client_id / github_client_secret).
//  3. In the composition root (cli/compose.go, or a host's own main), pass
//     the provider in regstack.Options.Providers when that field is set.
//
// The router, state handling, linking policy and MFA gate are shared by
// every provider and need no change.
package google
