package dnsverify

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"
)

// Defaults of the Client's fields.
const (
	DefaultTimeout        = 2 * time.Second
	DefaultAttempts       = 2
	DefaultUDPSize        = 1232
	DefaultMaxRecords     = 256
	DefaultMaxCNAMEs      = 8
	DefaultMaxAnswerBytes = dns.MaxMsgSize
	DefaultResolvConf     = "/etc/resolv.conf"
)

// Client is the default Resolver, built on github.com/miekg/dns. It is a
// stub resolver: it asks recursive resolvers and checks what they say. Its
// zero value asks the servers of /etc/resolv.conf; it is safe for
// concurrent use and holds no state between lookups.
//
// A lookup sends one query for the TXT records at the name, over UDP with
// EDNS0 (a UDPSize buffer, the DO bit set), and retries over TCP when the
// answer is truncated. Each try is bounded by Timeout; a failed try
// (timeout, network error, SERVFAIL, REFUSED, another error rcode, a
// malformed answer) moves on to the next server, Attempts times round the
// list. NXDOMAIN and NODATA end the lookup: they are answers. The caller's
// context bounds the whole lookup.
//
// An answer is accepted only if it is a response to the query: same ID, one
// question with the same name (case-insensitive), type TXT and class IN. A
// CNAME chain in the answer section is followed (at most MaxCNAMEs links),
// and only the TXT records at its end are returned; records of other names
// are ignored.
type Client struct {
	// Servers are the DNS servers to ask, host:port; a server given without a
	// port uses 53. If empty, the nameserver lines of ResolvConf are used,
	// read at each lookup; if it lists none, 127.0.0.1:53 and [::1]:53.
	Servers []string
	// Timeout bounds each try (one server, UDP and the TCP retry). If zero,
	// DefaultTimeout (2 seconds).
	Timeout time.Duration
	// Attempts is how many times the server list is tried. If zero,
	// DefaultAttempts (2).
	Attempts int
	// UDPSize is the EDNS0 UDP payload size advertised. If zero,
	// DefaultUDPSize (1232 bytes, the DNS Flag Day 2020 value).
	UDPSize uint16
	// MaxRecords is the most TXT records an answer may hold; more make the
	// answer malformed. If zero, DefaultMaxRecords (256).
	MaxRecords int
	// MaxCNAMEs is the most CNAME links followed; a longer chain makes the
	// answer malformed. If zero, DefaultMaxCNAMEs (8).
	MaxCNAMEs int
	// MaxAnswerBytes is the largest answer read, in bytes; a larger one is
	// malformed. If zero, DefaultMaxAnswerBytes (65535, the protocol maximum).
	MaxAnswerBytes int
	// ResolvConf is the resolver configuration file read when Servers is
	// empty. If empty, DefaultResolvConf (/etc/resolv.conf).
	ResolvConf string
}

var (
	_ Resolver       = (*Client)(nil)
	_ RecordResolver = (*Client)(nil)
)

// LookupTXT implements Resolver: each string is one TXT record, its
// character-strings joined. Errors are as for LookupTXTRecords.
func (c *Client) LookupTXT(ctx context.Context, name string) ([]string, error) {
	a, err := c.LookupTXTRecords(ctx, name)
	if err != nil {
		return nil, err
	}
	return a.Joined(), nil
}

// LookupTXTRecords implements RecordResolver. The records' strings are the
// raw bytes of the character-strings. The error is a *LookupError (matching
// ErrNotFound for NXDOMAIN and NODATA, ErrServFail, ErrRefused, ErrRcode,
// ErrTimeout, ErrNetwork, ErrMalformed or ErrCanceled), or ErrInvalidName
// wrapped when name is not a domain name. When every try failed, the error is
// the last try's.
func (c *Client) LookupTXTRecords(ctx context.Context, name string) (*Answer, error) {
	fqdn, err := checkName(name)
	if err != nil {
		return nil, err
	}
	servers := c.servers()
	q := new(dns.Msg)
	q.SetQuestion(fqdn, dns.TypeTXT)
	q.AuthenticatedData = true
	q.SetEdns0(c.udpSize(), true)
	wire, err := q.Pack()
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrInvalidName, name, err)
	}
	attempts := c.Attempts
	if attempts <= 0 {
		attempts = DefaultAttempts
	}
	var last error
	for range attempts {
		for _, srv := range servers {
			if err := ctx.Err(); err != nil {
				return nil, contextError(name, srv, err)
			}
			binary.BigEndian.PutUint16(wire, dns.Id()) // a fresh ID for every try
			a, err := c.try(ctx, wire, fqdn, srv)
			if err == nil {
				return a, nil
			}
			var le *LookupError
			if errors.As(err, &le) {
				le.Name, le.Server = name, srv
				switch le.Kind {
				case KindNXDomain, KindNoData, KindCanceled:
					return nil, err
				}
			}
			last = err
		}
	}
	return nil, last
}

// checkName returns name fully qualified, or an error if it is not a
// domain name.
func checkName(name string) (string, error) {
	if name == "" || name == "." {
		return "", fmt.Errorf("%w %q", ErrInvalidName, name)
	}
	if _, ok := dns.IsDomainName(name); !ok {
		return "", fmt.Errorf("%w %q", ErrInvalidName, name)
	}
	return dns.Fqdn(name), nil
}

func (c *Client) udpSize() uint16 {
	if c.UDPSize == 0 {
		return DefaultUDPSize
	}
	if c.UDPSize < dns.MinMsgSize {
		return dns.MinMsgSize
	}
	return c.UDPSize
}

func (c *Client) limits() limits {
	l := limits{records: c.MaxRecords, cnames: c.MaxCNAMEs}
	if l.records <= 0 {
		l.records = DefaultMaxRecords
	}
	if l.cnames <= 0 {
		l.cnames = DefaultMaxCNAMEs
	}
	return l
}

func (c *Client) maxAnswer() int {
	if c.MaxAnswerBytes <= 0 || c.MaxAnswerBytes > dns.MaxMsgSize {
		return dns.MaxMsgSize
	}
	return c.MaxAnswerBytes
}

// servers returns the servers to ask, host:port.
func (c *Client) servers() []string {
	if len(c.Servers) > 0 {
		out, copied := c.Servers, false
		for i, s := range c.Servers {
			if _, _, err := net.SplitHostPort(s); err != nil {
				if !copied {
					out, copied = append([]string(nil), c.Servers...), true
				}
				out[i] = net.JoinHostPort(strings.Trim(s, "[]"), "53")
			}
		}
		return out
	}
	path := c.ResolvConf
	if path == "" {
		path = DefaultResolvConf
	}
	if cfg, err := dns.ClientConfigFromFile(path); err == nil && len(cfg.Servers) > 0 {
		out := make([]string, len(cfg.Servers))
		for i, s := range cfg.Servers {
			out[i] = net.JoinHostPort(s, cfg.Port)
		}
		return out
	}
	return []string{"127.0.0.1:53", "[::1]:53"}
}

// bufPool holds read buffers of the largest DNS message.
var bufPool = sync.Pool{New: func() any { b := make([]byte, dns.MaxMsgSize); return &b }}

// aLongTimeAgo is a deadline in the past, to unblock a read at once.
var aLongTimeAgo = time.Unix(1, 0)

// try asks one server: over UDP, then over TCP if the answer is truncated.
func (c *Client) try(ctx context.Context, query []byte, fqdn, server string) (*Answer, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	q := question{name: fqdn, id: binary.BigEndian.Uint16(query)}
	lim := c.limits()
	for _, network := range [...]string{"udp", "tcp"} {
		n, err := c.roundTrip(ctx, tctx, network, server, query, *bp)
		if err != nil {
			return nil, err
		}
		a, err := parseAnswer((*bp)[:n], q, network == "tcp", lim)
		if err == errTruncated {
			continue
		}
		if err != nil {
			return nil, err
		}
		a.Server = server
		return a, nil
	}
	return nil, &LookupError{Kind: KindMalformed, Err: errors.New("truncated answer over TCP")}
}

// roundTrip sends query to server over network and reads the answer into
// buf, returning its length.
func (c *Client) roundTrip(ctx, tctx context.Context, network, server string, query, buf []byte) (int, error) {
	var d net.Dialer
	conn, err := d.DialContext(tctx, network, server)
	if err != nil {
		return 0, ioError(ctx, tctx, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(tctx, func() { _ = conn.SetDeadline(aLongTimeAgo) })
	defer stop()
	if dl, ok := tctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	max := c.maxAnswer()
	if network == "udp" {
		if _, err := conn.Write(query); err != nil {
			return 0, ioError(ctx, tctx, err)
		}
		n, err := conn.Read(buf[:max])
		if err != nil {
			return 0, ioError(ctx, tctx, err)
		}
		return n, nil
	}
	msg := make([]byte, 2+len(query))
	binary.BigEndian.PutUint16(msg, uint16(len(query)))
	copy(msg[2:], query)
	if _, err := conn.Write(msg); err != nil {
		return 0, ioError(ctx, tctx, err)
	}
	var l [2]byte
	if _, err := io.ReadFull(conn, l[:]); err != nil {
		return 0, ioError(ctx, tctx, err)
	}
	n := int(binary.BigEndian.Uint16(l[:]))
	if n > max {
		return 0, &LookupError{Kind: KindMalformed, Err: fmt.Errorf("answer of %d bytes exceeds the limit of %d", n, max)}
	}
	if _, err := io.ReadFull(conn, buf[:n]); err != nil {
		return 0, ioError(ctx, tctx, err)
	}
	return n, nil
}

// ioError classifies an error of the network: the caller's context first,
// then the try's deadline, then the network.
func ioError(ctx, tctx context.Context, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return contextError("", "", cerr)
	}
	var ne net.Error
	if tctx.Err() != nil || (errors.As(err, &ne) && ne.Timeout()) {
		return &LookupError{Kind: KindTimeout, Err: err}
	}
	return &LookupError{Kind: KindNetwork, Err: err}
}

func contextError(name, server string, err error) error {
	k := KindCanceled
	if errors.Is(err, context.DeadlineExceeded) {
		k = KindTimeout
	}
	return &LookupError{Name: name, Server: server, Kind: k, Err: err}
}

// question is what an answer must match.
type question struct {
	name string // fully qualified
	id   uint16
}

type limits struct {
	records int
	cnames  int
}

// errTruncated reports a UDP answer with the TC bit: retry over TCP.
var errTruncated = errors.New("dnsverify: truncated")

// parseAnswer checks that wire is a response to q and extracts the TXT
// records at q.name, following CNAMEs. It returns a *LookupError (without
// Name and Server) for error rcodes, NXDOMAIN, NODATA and malformed answers,
// and errTruncated for a truncated answer when !tcp.
func parseAnswer(wire []byte, q question, tcp bool, lim limits) (*Answer, error) {
	malformed := func(format string, args ...any) error {
		return &LookupError{Kind: KindMalformed, Err: fmt.Errorf(format, args...)}
	}
	if len(wire) < 12 {
		return nil, malformed("answer of %d bytes is shorter than a header", len(wire))
	}
	if id := binary.BigEndian.Uint16(wire); id != q.id {
		return nil, malformed("answer ID %d does not match query ID %d", id, q.id)
	}
	m := new(dns.Msg)
	if err := m.Unpack(wire); err != nil {
		return nil, malformed("%v", err)
	}
	if !m.Response || m.Opcode != dns.OpcodeQuery {
		return nil, malformed("not a response to a query")
	}
	// Error responses may omit the question (RFC 1035 does not require it);
	// answers and NXDOMAIN must carry ours.
	if len(m.Question) != 0 || m.Rcode == dns.RcodeSuccess || m.Rcode == dns.RcodeNameError {
		if len(m.Question) != 1 {
			return nil, malformed("answer has %d questions", len(m.Question))
		}
		qq := m.Question[0]
		if qq.Qtype != dns.TypeTXT || qq.Qclass != dns.ClassINET || !strings.EqualFold(qq.Name, q.name) {
			return nil, malformed("answer is for %s, not %s IN TXT", qq.String(), q.name)
		}
	}
	if m.Truncated {
		if !tcp {
			return nil, errTruncated
		}
		return nil, malformed("truncated answer over TCP")
	}
	switch m.Rcode {
	case dns.RcodeSuccess, dns.RcodeNameError:
	case dns.RcodeServerFailure:
		return nil, &LookupError{Kind: KindServFail, Rcode: m.Rcode}
	case dns.RcodeRefused:
		return nil, &LookupError{Kind: KindRefused, Rcode: m.Rcode}
	default:
		return nil, &LookupError{Kind: KindRcode, Rcode: m.Rcode}
	}

	owner := q.name
	ttl := uint32(1<<31 - 1)
	var records [][]string
	for links := 0; ; links++ {
		var target string
		for _, rr := range m.Answer {
			h := rr.Header()
			if h.Class != dns.ClassINET || !strings.EqualFold(h.Name, owner) {
				continue // another name's records
			}
			switch rr := rr.(type) {
			case *dns.TXT:
				if len(records) >= lim.records {
					return nil, malformed("more than %d TXT records", lim.records)
				}
				records = append(records, unescapeAll(rr.Txt))
				ttl = min(ttl, h.Ttl)
			case *dns.CNAME:
				if target == "" {
					target = rr.Target
					ttl = min(ttl, h.Ttl)
				}
			}
		}
		if len(records) > 0 || target == "" {
			break
		}
		if links >= lim.cnames {
			return nil, malformed("CNAME chain longer than %d", lim.cnames)
		}
		owner = target
	}
	if m.Rcode == dns.RcodeNameError {
		return nil, &LookupError{Kind: KindNXDomain, Rcode: m.Rcode}
	}
	if len(records) == 0 {
		return nil, &LookupError{Kind: KindNoData, Rcode: m.Rcode}
	}
	return &Answer{
		Name:          strings.TrimSuffix(owner, "."),
		Records:       records,
		TTL:           time.Duration(ttl) * time.Second,
		Rcode:         m.Rcode,
		Authenticated: m.AuthenticatedData,
	}, nil
}

// unescapeAll returns the raw bytes of character-strings that miekg/dns
// presents escaped ("\"", "\\", "\DDD").
func unescapeAll(txt []string) []string {
	for i, s := range txt {
		txt[i] = unescape(s)
	}
	return txt
}

func unescape(s string) string {
	if strings.IndexByte(s, '\\') < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' || i+1 >= len(s) {
			b = append(b, c)
			continue
		}
		if i+3 < len(s) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) {
			v := int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if v <= 255 {
				b = append(b, byte(v))
				i += 3
				continue
			}
		}
		b = append(b, s[i+1])
		i++
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
