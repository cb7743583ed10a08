package smtp

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"sync"
)

// errAborted is what dial returns once the send has been given up.
var errAborted = errors.New("send aborted before the connection was made")

// guardedDial makes the one connection of a send and can cut it from
// another goroutine: abort closes it, so a server that stops answering
// mid-dialogue fails the blocked read at once instead of holding the send.
type guardedDial struct {
	implicitTLS bool
	tls         *tls.Config

	mu      sync.Mutex
	conn    net.Conn // the TCP connection, once made
	aborted bool
}

// dial connects to addr and, for implicit TLS, completes the handshake
// before go-mail reads the greeting. It has go-mail's DialContextFunc
// shape.
func (g *guardedDial) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	raw, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	if g.aborted {
		g.mu.Unlock()
		raw.Close()
		return nil, errAborted
	}
	g.conn = raw
	g.mu.Unlock()
	if !g.implicitTLS {
		return raw, nil
	}
	tc := tls.Client(raw, g.tls)
	if err := tc.HandshakeContext(ctx); err != nil {
		raw.Close()
		return nil, err
	}
	return tc, nil
}

// abort closes the connection, or makes dial refuse to keep one it has
// still to make.
func (g *guardedDial) abort() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.aborted = true
	if g.conn != nil {
		g.conn.Close()
	}
}
