// Package dnstest runs a real DNS server on the loopback interface for tests,
// examples and demonstrations. It does not depend on package testing, so the
// demo program and test kits can use it too.
//
// A [Server] listens on 127.0.0.1 with UDP and TCP on the same, kernel-chosen
// port, and answers from a small in-memory zone that callers change while it
// runs:
//
//	srv, err := dnstest.New()
//	if err != nil { ... }
//	defer srv.Close()
//	srv.SetTXT("example.com", []string{"cerner-client-id=abc"})
//	// ask srv.Addr() over UDP or TCP, or use srv.Resolver()
//
// Behaviour:
//   - a name never set answers NXDOMAIN; a name set without the queried
//     type answers NOERROR with no records (NODATA);
//   - a CNAME is followed inside the zone (at most 8 links) and the chain
//     is returned in the answer section, as a recursive resolver would;
//   - over UDP, an answer larger than the client's buffer (its EDNS0 size,
//     else 512 bytes) is truncated and the TC bit set, so the client must
//     retry over TCP;
//   - the TXT records of a name may come in a new order on every query
//     ([Server.SetShuffle]), as resolvers rotate RRsets;
//   - faults are set per name: an rcode ([Server.SetRcode]), a delay
//     ([Server.SetDelay]), bytes that are not a DNS message
//     ([Server.SetGarbage]), a reply with the wrong ID ([Server.SetWrongID]),
//     foreign records appended to the answer ([Server.SetInjected]);
//     faults that vary from query to query come from a function asked about
//     each one ([Server.SetIntercept]).
//
// All setters are safe for concurrent use, also while queries are served.
// Names are case-insensitive and may be given with or without a trailing dot.
package dnstest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// DefaultTTL is the TTL of records whose name has no TTL set.
const DefaultTTL = 300 * time.Second

// maxChain bounds the CNAME links the server follows inside its zone.
const maxChain = 8

// Server is a DNS server on 127.0.0.1, serving UDP and TCP on one port.
type Server struct {
	addr string
	udp  *dns.Server
	tcp  *dns.Server
	done chan struct{}

	closeOnce sync.Once
	closeErr  error

	mu        sync.Mutex
	zone      map[string]*node
	queries   map[queryKey]int
	byNet     map[string]int
	intercept func(name string, qtype uint16) int
}

type queryKey struct {
	name  string
	qtype uint16
}

type fault int

const (
	faultNone fault = iota
	faultGarbage
	faultWrongID
)

type node struct {
	txt      [][]string
	hasTXT   bool
	a        []netip.Addr
	cname    string
	rcode    int
	hasRcode bool
	delay    time.Duration
	fault    fault
	ttl      time.Duration
	hasTTL   bool
	ad       bool
	injected []dns.RR
	shuffle  *rand.Rand // non-nil: TXT records in a new order on every query
	exists   bool       // the name exists (NODATA rather than NXDOMAIN)
}

// New starts a server on 127.0.0.1 with UDP and TCP on the same free port and
// returns once both listeners are serving.
func New() (*Server, error) {
	var lastErr error
	for range 20 {
		s, err := start()
		if err == nil {
			return s, nil
		}
		lastErr = err
	}
	return nil, fmt.Errorf("dnstest: start: %w", lastErr)
}

func start() (*Server, error) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := pc.LocalAddr().String()
	ln, err := net.Listen("tcp4", addr)
	if err != nil { // the port is taken for TCP: try another
		pc.Close()
		return nil, err
	}
	s := &Server{
		addr:    addr,
		done:    make(chan struct{}),
		zone:    make(map[string]*node),
		queries: make(map[queryKey]int),
		byNet:   make(map[string]int),
	}
	udpUp, tcpUp := make(chan struct{}), make(chan struct{})
	s.udp = &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serve),
		NotifyStartedFunc: func() { close(udpUp) }}
	s.tcp = &dns.Server{Listener: ln, Handler: dns.HandlerFunc(s.serve),
		NotifyStartedFunc: func() { close(tcpUp) }, IdleTimeout: func() time.Duration { return time.Second }}
	errs := make(chan error, 2)
	go func() { errs <- s.udp.ActivateAndServe() }()
	go func() { errs <- s.tcp.ActivateAndServe() }()
	timeout := time.NewTimer(5 * time.Second)
	defer timeout.Stop()
	for up := 0; up < 2; {
		select {
		case <-udpUp:
			udpUp = nil
			up++
		case <-tcpUp:
			tcpUp = nil
			up++
		case err := <-errs:
			pc.Close()
			ln.Close()
			return nil, err
		case <-timeout.C:
			pc.Close()
			ln.Close()
			return nil, errors.New("listeners did not start within 5s")
		}
	}
	return s, nil
}

// Addr returns the server's address, host:port, for both UDP and TCP.
func (s *Server) Addr() string { return s.addr }

// Resolver returns a pure-Go *net.Resolver that sends every query to the
// server, over UDP or TCP as it chooses.
func (s *Server) Resolver() *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, s.addr)
		},
	}
}

// Close stops both listeners. Answers being delayed are abandoned.
// Close may be called more than once.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		s.closeErr = errors.Join(shutdown(ctx, s.udp), shutdown(ctx, s.tcp))
	})
	return s.closeErr
}

func shutdown(ctx context.Context, srv *dns.Server) error {
	if srv == nil {
		return nil
	}
	return srv.ShutdownContext(ctx) // started: New returns only servers that are
}

// key returns the canonical form of name: lowercase, fully qualified.
func key(name string) string { return dns.CanonicalName(name) }

// edit runs f on the node for name, creating it, under the lock.
func (s *Server) edit(name string, f func(n *node)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := key(name)
	n := s.zone[k]
	if n == nil {
		n = &node{}
		s.zone[k] = n
	}
	f(n)
}

// SetTXT replaces the TXT records of name; each record is given as its
// character-strings (raw bytes, at most 255 each). With no records, the name
// exists without TXT records (NODATA).
func (s *Server) SetTXT(name string, records ...[]string) {
	cp := make([][]string, len(records))
	for i, r := range records {
		cp[i] = append([]string(nil), r...)
	}
	s.edit(name, func(n *node) { n.txt, n.hasTXT, n.exists = cp, len(cp) > 0, true })
}

// SetA replaces the addresses of name: IPv4 addresses answer A queries,
// IPv6 addresses AAAA queries, IPv4-mapped ones (::ffff:127.0.0.1)
// included, in their 16-byte form.
func (s *Server) SetA(name string, ips ...netip.Addr) {
	cp := append([]netip.Addr(nil), ips...)
	s.edit(name, func(n *node) { n.a, n.exists = cp, true })
}

// SetCNAME makes name an alias of target. Queries for name of any type other
// than CNAME answer with the chain and target's records of that type.
func (s *Server) SetCNAME(name, target string) {
	s.edit(name, func(n *node) { n.cname, n.exists = dns.Fqdn(target), true })
}

// SetRcode makes every query for name answer with rcode and no records
// (dns.RcodeServerFailure, dns.RcodeRefused, dns.RcodeNameError, ...).
func (s *Server) SetRcode(name string, rcode int) {
	s.edit(name, func(n *node) { n.rcode, n.hasRcode = rcode, true })
}

// SetDelay delays every answer for name by d.
func (s *Server) SetDelay(name string, d time.Duration) {
	s.edit(name, func(n *node) { n.delay = d })
}

// SetGarbage makes every query for name answer with bytes that do not parse
// as a DNS message.
func (s *Server) SetGarbage(name string) {
	s.edit(name, func(n *node) { n.fault = faultGarbage })
}

// SetWrongID makes every query for name answer with a well-formed answer
// whose ID differs from the query's.
func (s *Server) SetWrongID(name string) {
	s.edit(name, func(n *node) { n.fault = faultWrongID })
}

// SetTTL sets the TTL of name's records (whole seconds). The default is DefaultTTL.
func (s *Server) SetTTL(name string, ttl time.Duration) {
	s.edit(name, func(n *node) { n.ttl, n.hasTTL = ttl, true })
}

// SetAuthenticated sets the AD (authenticated data) bit on answers for name.
func (s *Server) SetAuthenticated(name string, ad bool) {
	s.edit(name, func(n *node) { n.ad = ad })
}

// SetInjected appends rrs, as given, to the answer section of every answer
// for name: records of other names or types a client must ignore.
func (s *Server) SetInjected(name string, rrs ...dns.RR) {
	cp := make([]dns.RR, len(rrs))
	for i, rr := range rrs {
		cp[i] = dns.Copy(rr)
	}
	s.edit(name, func(n *node) { n.injected = cp })
}

// SetIntercept sets f (nil: none) to be asked about every query with one
// question, after it is counted: a non-zero rcode it returns is answered
// instead of the zone's answer, with no records (after the name's delay, if
// any). The name is given canonical: lowercase with a trailing dot. f is
// called without the server's lock held, from the goroutines serving
// queries, so it may run concurrently with itself; it must not call the
// server. Test kits use it for faults that vary from query to query.
func (s *Server) SetIntercept(f func(name string, qtype uint16) (rcode int)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.intercept = f
}

// SetShuffle makes the TXT records of name come in a new order on every
// query, as resolvers rotate RRsets; the orders are determined by seed.
func (s *Server) SetShuffle(name string, seed uint64) {
	s.edit(name, func(n *node) { n.shuffle = rand.New(rand.NewPCG(seed, seed)) })
}

// Remove deletes name, its records and its faults: it answers NXDOMAIN again.
func (s *Server) Remove(name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.zone, key(name))
}

// Queries returns how many queries for name and qtype (dns.TypeTXT, ...) the
// server has received, over both transports.
func (s *Server) Queries(name string, qtype uint16) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queries[queryKey{key(name), qtype}]
}

// TransportQueries returns how many queries arrived over network, "udp" or "tcp".
func (s *Server) TransportQueries(network string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byNet[network]
}

// Reset forgets every query counted so far.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.queries)
	clear(s.byNet)
}

// plan is what to send for one query, computed under the lock.
type plan struct {
	delay     time.Duration
	fault     fault
	msg       *dns.Msg
	intercept func(name string, qtype uint16) int // nil unless the query has one question
}

func (s *Server) serve(w dns.ResponseWriter, req *dns.Msg) {
	network := "udp"
	if _, ok := w.LocalAddr().(*net.TCPAddr); ok {
		network = "tcp"
	}
	p := s.answer(req, network)
	if p.intercept != nil {
		q := req.Question[0]
		if rc := p.intercept(key(q.Name), q.Qtype); rc != 0 {
			m := new(dns.Msg)
			m.SetRcode(req, rc)
			p.msg, p.fault = m, faultNone
		}
	}
	if p.delay > 0 {
		t := time.NewTimer(p.delay)
		select {
		case <-t.C:
		case <-s.done:
			t.Stop()
			return
		}
	}
	switch p.fault {
	case faultGarbage:
		_, _ = w.Write([]byte{0xde, 0xad, 0xbe, 0xef, 0xff, 0xff, 0xff})
		return
	case faultWrongID:
		p.msg.Id = req.Id + 1
	}
	if network == "udp" {
		size := dns.MinMsgSize
		if opt := req.IsEdns0(); opt != nil && int(opt.UDPSize()) > size {
			size = int(opt.UDPSize())
		}
		p.msg.Truncate(size)
	}
	_ = w.WriteMsg(p.msg)
}

func (s *Server) answer(req *dns.Msg, network string) plan {
	m := new(dns.Msg)
	m.SetReply(req)
	m.Authoritative = true
	m.RecursionAvailable = true
	m.Compress = true
	if opt := req.IsEdns0(); opt != nil {
		m.SetEdns0(dns.DefaultMsgSize, opt.Do())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.byNet[network]++
	if len(req.Question) != 1 {
		m.Rcode = dns.RcodeFormatError
		return plan{msg: m}
	}
	q := req.Question[0]
	k := key(q.Name)
	s.queries[queryKey{k, q.Qtype}]++
	first := s.zone[k]
	if first == nil {
		m.Rcode = dns.RcodeNameError
		return plan{msg: m, intercept: s.intercept}
	}
	p := plan{delay: first.delay, fault: first.fault, msg: m, intercept: s.intercept}
	if first.hasRcode {
		m.Rcode = first.rcode
		return p
	}
	m.AuthenticatedData = first.ad
	owner, n := q.Name, first
	for hops := 0; ; hops++ {
		if n == nil { // the chain ends at a name that does not exist
			m.Rcode = dns.RcodeNameError
			break
		}
		ttl := uint32(DefaultTTL / time.Second)
		if n.hasTTL {
			ttl = uint32(n.ttl / time.Second)
		}
		hdr := func(t uint16) dns.RR_Header {
			return dns.RR_Header{Name: owner, Rrtype: t, Class: dns.ClassINET, Ttl: ttl}
		}
		if n.cname != "" && q.Qtype != dns.TypeCNAME {
			if hops >= maxChain {
				m.Rcode = dns.RcodeServerFailure
				break
			}
			m.Answer = append(m.Answer, &dns.CNAME{Hdr: hdr(dns.TypeCNAME), Target: n.cname})
			owner, n = n.cname, s.zone[key(n.cname)]
			continue
		}
		switch q.Qtype {
		case dns.TypeTXT:
			start := len(m.Answer)
			for _, r := range n.txt {
				m.Answer = append(m.Answer, &dns.TXT{Hdr: hdr(dns.TypeTXT), Txt: escapeAll(r)})
			}
			if n.shuffle != nil {
				txt := m.Answer[start:]
				n.shuffle.Shuffle(len(txt), func(i, j int) { txt[i], txt[j] = txt[j], txt[i] })
			}
		case dns.TypeA, dns.TypeAAAA:
			for _, ip := range n.a {
				if ip.Is4() && q.Qtype == dns.TypeA {
					m.Answer = append(m.Answer, &dns.A{Hdr: hdr(dns.TypeA), A: ip.AsSlice()})
				} else if ip.Is6() && q.Qtype == dns.TypeAAAA {
					// IPv4-mapped addresses too, in their 16-byte form.
					a16 := ip.As16()
					m.Answer = append(m.Answer, &dns.AAAA{Hdr: hdr(dns.TypeAAAA), AAAA: a16[:]})
				}
			}
		case dns.TypeCNAME:
			if n.cname != "" {
				m.Answer = append(m.Answer, &dns.CNAME{Hdr: hdr(dns.TypeCNAME), Target: n.cname})
			}
		}
		break
	}
	for _, rr := range first.injected {
		m.Answer = append(m.Answer, dns.Copy(rr))
	}
	return p
}

// escapeAll returns raw character-strings in the escaped form miekg/dns
// packs: backslash and double quote escaped, other unprintable bytes as \DDD.
func escapeAll(raw []string) []string {
	out := make([]string, len(raw))
	for i, r := range raw {
		out[i] = Escape(r)
	}
	return out
}

// Escape returns the raw character-string s in the presentation form that
// the Txt field of a *dns.TXT holds: '\' and '"' escaped with a backslash,
// bytes outside printable ASCII as \DDD. Use it to build records for
// [Server.SetInjected].
func Escape(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '"':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < ' ' || c > '~':
			b.WriteByte('\\')
			d := strconv.Itoa(int(c))
			b.WriteString(strings.Repeat("0", 3-len(d)) + d)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
