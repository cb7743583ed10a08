// Package theme is the regstack theme designer (cli.md §12): the engine
// that validates the --rs-* custom properties of the account pages for the
// light and the dark scheme, reads and writes regstack-theme.css — managing
// only its :root block and its prefers-color-scheme: dark block, every other
// byte left alone — and the designer's web UI, whose live preview is styled
// by the pages' own core.css.
//
// The property inventory (names, kinds, defaults) comes from core/theme, so
// the designer, the bundled stylesheet and the pages never disagree.
package theme
