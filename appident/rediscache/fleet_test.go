package rediscache

// The fleet tests: several Checkers, each a separate process (this test
// binary re-executed in a helper mode), share one real redis-server and the
// loopback DNS and TLS servers of an appidenttest world. The parent drives
// them over their stdin and stdout, one JSON line per command and answer,
// and counts what the world's servers saw.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/consenttrust/appverify/appident"
	"github.com/consenttrust/appverify/appident/appidenttest"
	"github.com/consenttrust/appverify/dnsverify"
	"github.com/consenttrust/appverify/tlsinspect"
)

// envHelper, set in a re-executed test binary, selects a helper-process
// mode; envReplica carries the replica's configuration (replicaConfig).
const (
	envHelper  = "APPVERIFY_REDISCACHE_HELPER"
	envReplica = "APPVERIFY_REDISCACHE_REPLICA"
)

// replicaConfig is what a replica process needs to reach the parent's
// world and Redis.
type replicaConfig struct {
	Redis        string            `json:"redis"`
	Namespace    string            `json:"namespace"`
	RedisTimeout time.Duration     `json:"redis_timeout"`
	Backoff      time.Duration     `json:"backoff"`
	DNS          string            `json:"dns"`
	RootPEM      []byte            `json:"root_pem"`
	ConnectTo    map[string]string `json:"connect_to"` // host:443 -> loopback address
	Revocation   string            `json:"revocation"`
	Timeout      time.Duration     `json:"timeout"`
	DNSTimeout   time.Duration     `json:"dns_timeout"`
	TLSTimeout   time.Duration     `json:"tls_timeout"`
}

// command is one line to a replica: assess apps concurrently, or wait
// until Redis answers again.
type command struct {
	Op   string         `json:"op"` // "assess" or "wait-redis"
	Apps []appident.App `json:"apps,omitempty"`
}

// answer is a replica's line back.
type answer struct {
	Results []result       `json:"results,omitempty"`
	Stats   appident.Stats `json:"stats"`
	Redis   Stats          `json:"redis"`
	Err     string         `json:"err,omitempty"`
}

type result struct {
	ClientID string        `json:"client_id"`
	Display  string        `json:"display"` // the Display as JSON
	Pending  bool          `json:"pending"`
	Err      string        `json:"err,omitempty"`
	Elapsed  time.Duration `json:"elapsed"`
}

func helperMain(mode string) int {
	if mode != "replica" {
		fmt.Fprintf(os.Stderr, "unknown helper mode %q\n", mode)
		return 2
	}
	if err := replicaMain(); err != nil {
		fmt.Fprintln(os.Stderr, "replica:", err)
		return 1
	}
	return 0
}

// replicaMain runs one Checker behind rediscache and answers commands from
// stdin until it closes.
func replicaMain() error {
	var cfg replicaConfig
	if err := json.Unmarshal([]byte(os.Getenv(envReplica)), &cfg); err != nil {
		return err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(cfg.RootPEM) {
		return errors.New("no root in root_pem")
	}
	rdb := redis.NewClient(&redis.Options{Addr: cfg.Redis, ContextTimeoutEnabled: true})
	defer rdb.Close()
	cache := New(rdb, WithNamespace(cfg.Namespace), WithTimeout(cfg.RedisTimeout), WithBackoff(cfg.Backoff))
	checker, err := appident.New(appident.Config{
		Resolver:     &dnsverify.Client{Servers: []string{cfg.DNS}, Timeout: cfg.DNSTimeout},
		Dialer:       connectTo{cfg.ConnectTo, cfg.Revocation},
		Roots:        roots,
		AllowPrivate: true, // the world is on loopback
		Timeout:      cfg.Timeout,
		DNSTimeout:   cfg.DNSTimeout,
		TLSTimeout:   cfg.TLSTimeout,
		Cache:        cache,
	})
	if err != nil {
		return err
	}
	defer checker.Close()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(nil, 1<<20)
	out := json.NewEncoder(os.Stdout)
	if err := out.Encode(answer{}); err != nil { // ready
		return err
	}
	for in.Scan() {
		var cmd command
		if err := json.Unmarshal(in.Bytes(), &cmd); err != nil {
			return err
		}
		var ans answer
		switch cmd.Op {
		case "assess":
			ans.Results = assessAll(checker, cmd.Apps)
		case "wait-redis":
			// Recovery is the Cache's own doing: this only waits for it.
			deadline := time.Now().Add(15 * time.Second)
			for {
				_, err := cache.Get(context.Background(), "probe")
				if errors.Is(err, appident.ErrCacheMiss) {
					break
				}
				if time.Now().After(deadline) {
					ans.Err = fmt.Sprintf("redis still failing: %v", err)
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
		default:
			ans.Err = "unknown op " + cmd.Op
		}
		ans.Stats, ans.Redis = checker.Stats(), cache.Stats()
		if err := out.Encode(ans); err != nil {
			return err
		}
	}
	return in.Err()
}

// assessAll assesses apps concurrently, one goroutine each.
func assessAll(checker *appident.Checker, apps []appident.App) []result {
	res := make([]result, len(apps))
	var wg sync.WaitGroup
	for i, app := range apps {
		wg.Go(func() {
			start := time.Now()
			a, err := checker.Assess(context.Background(), app)
			r := result{ClientID: app.ClientID, Elapsed: time.Since(start)}
			if err != nil {
				r.Err = err.Error()
			} else {
				d, _ := json.Marshal(a.Display)
				r.Display, r.Pending = string(d), a.Pending
			}
			res[i] = r
		})
	}
	wg.Wait()
	return res
}

// connectTo dials host:443 at the world's TLS server for host, and the
// world's revocation server as it is, as curl's --connect-to does; it
// refuses everything else.
type connectTo struct {
	hosts      map[string]string
	revocation string
}

func (d connectTo) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	var nd net.Dialer
	if address == d.revocation {
		return nd.DialContext(ctx, network, address)
	}
	if to, ok := d.hosts[address]; ok {
		return nd.DialContext(ctx, network, to)
	}
	return nil, &net.OpError{Op: "dial", Net: network, Err: fmt.Errorf("%s is outside the test world", address)}
}

// fleet is the parent's side: a world, a Redis and replica processes.
type fleet struct {
	t     *testing.T
	w     *appidenttest.World
	cfg   replicaConfig
	sites []*appidenttest.Site
	reps  []*replica
}

type replica struct {
	cmd *exec.Cmd
	in  *json.Encoder
	out *bufio.Scanner
}

func newFleet(t *testing.T, redisAddr string) *fleet {
	t.Helper()
	w := appidenttest.New(t)
	return &fleet{t: t, w: w, cfg: replicaConfig{
		Redis: redisAddr, Namespace: namespace(t),
		// A timeout above DefaultTimeout, so that a loaded test machine
		// does not turn a slow answer into a lookup of its own.
		RedisTimeout: time.Second, Backoff: 200 * time.Millisecond,
		DNS: w.DNSAddr(), RootPEM: w.RootPEM(), ConnectTo: map[string]string{},
		Revocation: w.RevocationAddr(),
		// The default consent-time budget (3s): no assessment may be
		// Pending because Redis failed.
		Timeout: 0, DNSTimeout: 2 * time.Second, TLSTimeout: 5 * time.Second,
	}}
}

// addSites adds n OV sites, named by prefix, before the replicas start
// (their dialer learns the sites' addresses at start).
func (f *fleet) addSites(prefix string, n int) []*appidenttest.Site {
	f.t.Helper()
	var added []*appidenttest.Site
	for i := range n {
		host := fmt.Sprintf("app.%s%d-health.com", prefix, i)
		s, err := f.w.AddSite(appidenttest.SiteOptions{
			Host: host, Type: tlsinspect.OV,
			Organization: fmt.Sprintf("%s %d Health, Inc.", prefix, i), Country: "US", State: "MO", Locality: "Kansas City",
			ClientIDs: []string{"client-" + host},
		})
		if err != nil {
			f.t.Fatal(err)
		}
		f.cfg.ConnectTo[net.JoinHostPort(host, "443")] = s.Addr
		added = append(added, s)
	}
	f.sites = append(f.sites, added...)
	return added
}

// start starts n replica processes and waits until each is ready.
func (f *fleet) start(n int) {
	f.t.Helper()
	cfg, err := json.Marshal(f.cfg)
	if err != nil {
		f.t.Fatal(err)
	}
	for range n {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envHelper+"=replica", envReplica+"="+string(cfg))
		stderr := new(syncBuffer)
		cmd.Stderr = stderr // go-redis logs each failed dial: shown only on failure
		stdin, err := cmd.StdinPipe()
		if err != nil {
			f.t.Fatal(err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			f.t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			f.t.Fatal(err)
		}
		r := &replica{cmd: cmd, in: json.NewEncoder(stdin), out: bufio.NewScanner(stdout)}
		r.out.Buffer(nil, 1<<20)
		f.t.Cleanup(func() {
			stdin.Close()
			r.cmd.Process.Kill()
			r.cmd.Wait()
			if f.t.Failed() {
				f.t.Logf("replica %d's stderr:\n%s", r.cmd.Process.Pid, stderr.String())
			}
		})
		f.reps = append(f.reps, r)
	}
	for i, r := range f.reps {
		if _, err := r.read(); err != nil {
			f.t.Fatalf("replica %d did not start: %v", i, err)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func (r *replica) send(cmd command) error { return r.in.Encode(cmd) }

func (r *replica) read() (answer, error) {
	var a answer
	if !r.out.Scan() {
		if err := r.out.Err(); err != nil {
			return a, err
		}
		return a, errors.New("replica exited")
	}
	if err := json.Unmarshal(r.out.Bytes(), &a); err != nil {
		return a, err
	}
	if a.Err != "" {
		return a, errors.New(a.Err)
	}
	return a, nil
}

// all sends cmd to every replica at once and returns their answers.
func (f *fleet) all(cmd command) []answer {
	f.t.Helper()
	for i, r := range f.reps {
		if err := r.send(cmd); err != nil {
			f.t.Fatalf("replica %d: %v", i, err)
		}
	}
	answers := make([]answer, len(f.reps))
	for i, r := range f.reps {
		a, err := r.read()
		if err != nil {
			f.t.Fatalf("replica %d: %v", i, err)
		}
		answers[i] = a
	}
	return answers
}

func apps(sites []*appidenttest.Site) []appident.App {
	var l []appident.App
	for _, s := range sites {
		l = append(l, s.App("client-"+s.Host, "App of "+s.Host))
	}
	return l
}

// checkAssessed fails the test unless every replica assessed every app
// without error, not pending, described in full, and all replicas show
// the same display for each app. It returns the slowest assessment.
func (f *fleet) checkAssessed(phase string, answers []answer, n int) time.Duration {
	f.t.Helper()
	var slowest time.Duration
	want := map[string]string{}
	for i, a := range answers {
		if len(a.Results) != n {
			f.t.Fatalf("%s: replica %d answered %d results, want %d", phase, i, len(a.Results), n)
		}
		for _, r := range a.Results {
			slowest = max(slowest, r.Elapsed)
			if r.Err != "" || r.Pending {
				f.t.Errorf("%s: replica %d, %s: error %q, pending %v; want an assessment", phase, i, r.ClientID, r.Err, r.Pending)
				continue
			}
			var d struct {
				Organization string   `json:"organization"`
				Labels       []string `json:"labels"`
			}
			json.Unmarshal([]byte(r.Display), &d)
			if d.Organization == "" || slices.Contains(d.Labels, "Unknown App") {
				f.t.Errorf("%s: replica %d, %s: display %s; want it described in full", phase, i, r.ClientID, r.Display)
			}
			if w, ok := want[r.ClientID]; !ok {
				want[r.ClientID] = r.Display
			} else if w != r.Display {
				f.t.Errorf("%s: replica %d, %s: display %s, another replica shows %s", phase, i, r.ClientID, r.Display, w)
			}
		}
	}
	return slowest
}

// checkShared fails the test unless sites were looked up exactly once each
// by the whole fleet: one TXT query and one handshake, counted at the
// servers.
func (f *fleet) checkShared(phase string, sites []*appidenttest.Site, answers []answer) {
	f.t.Helper()
	settle := func(count func() int, want int) int {
		deadline := time.Now().Add(3 * time.Second)
		for count() < want && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		time.Sleep(50 * time.Millisecond) // a handshake more would show by now
		return count()
	}
	queries, handshakes := 0, 0
	for _, s := range sites {
		q := f.w.DNSQueries(s.ETLDPlusOne)
		h := settle(s.Handshakes, 1)
		queries, handshakes = queries+q, handshakes+h
		if q != 1 || h != 1 {
			f.t.Errorf("%s: %s: %d TXT queries and %d handshakes by the fleet, want 1 and 1", phase, s.Host, q, h)
		}
	}
	f.t.Logf("%s: %d sites, %d replicas: %d TXT queries, %d handshakes at the servers", phase, len(sites), len(f.reps), queries, handshakes)
	for i, a := range answers {
		f.t.Logf("%s: replica %d: %+v; its cache %+v", phase, i, a.Stats, a.Redis)
	}
}

const (
	fleetReplicas = 3
	fleetSites    = 4
)

// K cold sites assessed at once by every replica cost K TXT queries and K
// handshakes in all; Redis killed mid-run fails no assessment; restarted,
// it is shared again.
func TestFleetSharesOneLookupPerSite(t *testing.T) {
	srv := ownServer(t)
	f := newFleet(t, srv.Addr())
	cold := f.addSites("cold", fleetSites)
	midrun := f.addSites("midrun", fleetSites)
	down := f.addSites("down", fleetSites)
	again := f.addSites("again", fleetSites)
	f.start(fleetReplicas)

	answers := f.all(command{Op: "assess", Apps: apps(cold)})
	upSlowest := f.checkAssessed("Redis up", answers, fleetSites)
	f.checkShared("Redis up", cold, answers)
	var waits uint64
	for _, a := range answers {
		waits += a.Stats.LeaseWaits
	}
	if waits == 0 {
		t.Errorf("no replica waited on another's lease")
	}

	// Kill Redis while the replicas' lookups are in flight (slow DNS).
	for _, s := range midrun {
		f.w.SetDNSDelay(s.ETLDPlusOne, 300*time.Millisecond)
	}
	for _, r := range f.reps {
		if err := r.send(command{Op: "assess", Apps: apps(midrun)}); err != nil {
			t.Fatal(err)
		}
	}
	time.Sleep(100 * time.Millisecond)
	srv.Kill()
	answers = answers[:0]
	for i, r := range f.reps {
		a, err := r.read()
		if err != nil {
			t.Fatalf("replica %d: %v", i, err)
		}
		answers = append(answers, a)
	}
	midSlowest := f.checkAssessed("Redis killed mid-run", answers, fleetSites)
	t.Logf("Redis killed mid-run: slowest assessment %v (DNS answers delayed 300ms; a replica waiting on a lease stops waiting at its first failed read)", midSlowest)

	// Redis down: every replica looks up for itself, and no assessment
	// is slower than with Redis up by more than the Redis timeout.
	answers = f.all(command{Op: "assess", Apps: apps(down)})
	downSlowest := f.checkAssessed("Redis down", answers, fleetSites)
	var sharedErrors uint64
	for _, a := range answers {
		sharedErrors += a.Stats.SharedCacheErrors
		if a.Redis.Errors+a.Redis.Skipped == 0 {
			t.Errorf("a replica's Cache counted no error with Redis down: %+v", a.Redis)
		}
	}
	if sharedErrors == 0 {
		t.Error("Stats.SharedCacheErrors stayed 0 with Redis down")
	}
	t.Logf("slowest assessment of a cold site: %v with Redis up, %v with Redis down (Redis timeout %v)", upSlowest, downSlowest, f.cfg.RedisTimeout)
	if downSlowest > upSlowest+f.cfg.RedisTimeout+time.Second {
		t.Errorf("with Redis down the slowest assessment took %v, with Redis up %v: more than the %v timeout slower", downSlowest, upSlowest, f.cfg.RedisTimeout)
	}

	// Redis back: the replicas recover by themselves and share again.
	if err := srv.Restart(); err != nil {
		t.Fatal(err)
	}
	f.all(command{Op: "wait-redis"})
	answers = f.all(command{Op: "assess", Apps: apps(again)})
	f.checkAssessed("Redis restarted", answers, fleetSites)
	f.checkShared("Redis restarted", again, answers)
}

// A replica killed while it holds the lease on a site's lookup is taken
// over by another within the lease.
func TestFleetTakesOverADeadLeaseHolder(t *testing.T) {
	srv := ownServer(t)
	f := newFleet(t, srv.Addr())
	f.cfg.Timeout = 10 * time.Second // the taker waits out the lease
	sites := f.addSites("lease", 1)
	site := sites[0]
	f.start(2)
	holder, taker := f.reps[0], f.reps[1]
	leaseTTL := f.cfg.DNSTimeout + time.Second // the Checker's lease on a DNS lookup

	// The holder's TXT query hangs; kill it once it holds the lease.
	f.w.SetDNSDelay(site.ETLDPlusOne, time.Minute)
	if err := holder.send(command{Op: "assess", Apps: apps(sites)}); err != nil {
		t.Fatal(err)
	}
	rdb := newClient(t, srv.Addr())
	keys := New(rdb, WithNamespace(f.cfg.Namespace))
	lkey := keys.LeaseKey("dns:" + site.ETLDPlusOne)
	// The TLS evidence is stored (the site's TLS answers at once): only
	// the DNS lookup is left to take over.
	tkey := keys.DataKey("tls:" + site.Host + ":443")
	deadline := time.Now().Add(10 * time.Second)
	for f.w.DNSQueries(site.ETLDPlusOne) == 0 || rdb.Exists(context.Background(), lkey, tkey).Val() != 2 {
		if time.Now().After(deadline) {
			t.Fatalf("within 10s, the holder did not take the lease %s, query DNS and store %s", lkey, tkey)
		}
		time.Sleep(10 * time.Millisecond)
	}
	holder.cmd.Process.Signal(syscall.SIGKILL)
	holder.cmd.Wait()
	killed := time.Now()
	f.w.SetDNSDelay(site.ETLDPlusOne, 0)

	if err := taker.send(command{Op: "assess", Apps: apps(sites)}); err != nil {
		t.Fatal(err)
	}
	a, err := taker.read()
	if err != nil {
		t.Fatal(err)
	}
	tookOver := time.Since(killed)
	f.reps = f.reps[1:]
	f.checkAssessed("after the holder died", []answer{a}, 1)
	t.Logf("taker: %+v, its cache %+v", a.Stats, a.Redis)
	if a.Stats.LeaseWaits == 0 || a.Stats.DNSLookups != 1 || a.Stats.Handshakes != 0 {
		t.Errorf("taker's Stats %+v: want a lease wait, then its own DNS lookup, and the holder's TLS evidence", a.Stats)
	}
	t.Logf("lease %v; the dead holder's lookup was taken over and done %v after the kill", leaseTTL, tookOver)
	if tookOver > leaseTTL+time.Second {
		t.Errorf("taken over %v after the holder died; the lease is %v", tookOver, leaseTTL)
	}
}
