//go:build !desktop

package wizard

import "context"

// windowAvailable: a binary built without the desktop tag has no webview.
func windowAvailable() error { return ErrNoWindow }

func runWindow(context.Context, App, string, <-chan struct{}) error { return ErrNoWindow }
