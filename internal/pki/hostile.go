package pki

import (
	"crypto/rand"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"time"
)

// HostileKind selects how a hostile server misbehaves.
type HostileKind int

// Hostile server behaviours.
const (
	// HostileSilent accepts connections and never sends a byte.
	HostileSilent HostileKind = iota
	// HostileCloseAfterHello reads the first TLS record (the ClientHello)
	// and closes the connection.
	HostileCloseAfterHello
	// HostileGarbage answers with bytes that are not TLS, then waits.
	HostileGarbage
	// HostileHugeChain completes a real TLS handshake up to sending a
	// certificate chain of about 4 MiB (junk certificates after a valid
	// leaf). Go clients reject it (certificate message too large).
	HostileHugeChain
)

// String returns the kind's name.
func (k HostileKind) String() string {
	switch k {
	case HostileSilent:
		return "silent"
	case HostileCloseAfterHello:
		return "close-after-hello"
	case HostileGarbage:
		return "garbage"
	case HostileHugeChain:
		return "huge-chain"
	}
	return "HostileKind(" + strconv.Itoa(int(k)) + ")"
}

// HugeChainBytes is the approximate size of the HostileHugeChain chain.
const HugeChainBytes = 64 * 64 << 10

// HostileServer is a loopback server that misbehaves at the TLS layer.
type HostileServer struct {
	loop *loopServer
}

var (
	hugeOnce sync.Once
	hugeCert tls.Certificate
	hugeErr  error
)

// hugeChainCert returns a certificate whose chain is a valid self-signed
// leaf for localhost/127.0.0.1 followed by 64 junk blobs of 64 KiB.
func hugeChainCert() (tls.Certificate, error) {
	hugeOnce.Do(func() {
		leaf, err := (*CA)(nil).Issue(LeafOptions{
			DNSNames:    []string{"localhost"},
			IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
			SelfSigned:  true,
		})
		if err != nil {
			hugeErr = err
			return
		}
		hugeCert = leaf.TLSCertificate()
		for i := 0; i < 64; i++ {
			junk := make([]byte, 64<<10)
			if _, err := rand.Read(junk); err != nil {
				hugeErr = fmt.Errorf("pki: junk certificate: %w", err)
				return
			}
			hugeCert.Certificate = append(hugeCert.Certificate, junk)
		}
	})
	return hugeCert, hugeErr
}

// StartHostile starts a hostile server of the given kind on 127.0.0.1:0.
// Every connection ends on Close (or after 30s).
func StartHostile(kind HostileKind) (*HostileServer, error) {
	var handle func(c net.Conn, closing <-chan struct{})
	switch kind {
	case HostileSilent:
		handle = func(c net.Conn, _ <-chan struct{}) {
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			_, _ = io.Copy(io.Discard, c) // ends when the client or Close closes c
		}
	case HostileCloseAfterHello:
		handle = func(c net.Conn, _ <-chan struct{}) {
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			var hdr [5]byte
			if _, err := io.ReadFull(c, hdr[:]); err != nil {
				return
			}
			n := int(hdr[3])<<8 | int(hdr[4])
			_, _ = io.CopyN(io.Discard, c, int64(n))
		}
	case HostileGarbage:
		handle = func(c net.Conn, _ <-chan struct{}) {
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			_, _ = c.Write([]byte("SSH-2.0-hostile\r\n\x00\xff\xfe garbage, not TLS \x17\x03\x03\xff\xff"))
			_, _ = io.Copy(io.Discard, c)
		}
	case HostileHugeChain:
		cert, err := hugeChainCert()
		if err != nil {
			return nil, err
		}
		cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
		handle = func(c net.Conn, _ <-chan struct{}) {
			_ = c.SetDeadline(time.Now().Add(30 * time.Second))
			_ = tls.Server(c, cfg).Handshake()
		}
	default:
		return nil, fmt.Errorf("pki: unknown hostile kind %d", int(kind))
	}
	loop, err := startLoop(handle)
	if err != nil {
		return nil, err
	}
	return &HostileServer{loop: loop}, nil
}

// Addr returns the listening address, "127.0.0.1:port".
func (h *HostileServer) Addr() string { return h.loop.addr() }

// Accepted returns the number of connections accepted so far.
func (h *HostileServer) Accepted() int { return int(h.loop.accepted.Load()) }

// Close stops the server, closes its connections and waits for its goroutines.
func (h *HostileServer) Close() {
	if h != nil {
		h.loop.close()
	}
}
