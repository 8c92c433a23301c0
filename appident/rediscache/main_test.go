package rediscache

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/consenttrust/appverify/internal/redistest"
)

// TestMain finds a Redis for the package's tests: APPVERIFY_REDIS_ADDR if
// set, else a redis-server started here on a free loopback port, whose
// address it then puts in APPVERIFY_REDIS_ADDR for the examples and the
// helper processes. Without either, every test of the package needs Redis,
// so the package is skipped with a message, or fails under
// APPVERIFY_REQUIRE_REDIS=1.
func TestMain(m *testing.M) {
	if mode := os.Getenv(envHelper); mode != "" {
		os.Exit(helperMain(mode))
	}
	_, _, external, err := redistest.Lookup()
	if err != nil {
		if redistest.Required() {
			fmt.Fprintf(os.Stderr, "FAIL: rediscache tests need Redis (%s=1): %v\n", redistest.EnvRequire, err)
			os.Exit(1)
		}
		fmt.Printf("SKIP: rediscache tests need Redis: %v; or set %s to a running server\n", err, redistest.EnvAddr)
		os.Exit(0)
	}
	var srv *redistest.Server
	if !external {
		if srv, err = redistest.Start(); err != nil {
			fmt.Fprintln(os.Stderr, "FAIL:", err)
			os.Exit(1)
		}
		os.Setenv(redistest.EnvAddr, srv.Addr())
	}
	code := m.Run()
	if srv != nil {
		srv.Close()
	}
	os.Exit(code)
}

// sharedAddr is the package's Redis (see TestMain).
func sharedAddr() string { return os.Getenv(redistest.EnvAddr) }

// newClient returns a client of the Redis at addr, closed when the test ends.
func newClient(t testing.TB, addr string) *redis.Client {
	t.Helper()
	rdb := redis.NewClient(&redis.Options{Addr: addr})
	t.Cleanup(func() { rdb.Close() })
	return rdb
}

// namespace returns a namespace of the test's own, so that tests sharing a
// Redis (an external one too) never see each other's keys.
func namespace(t testing.TB) string {
	var b [4]byte
	rand.Read(b[:])
	return "test-" + strings.ReplaceAll(t.Name(), "/", "-") + "-" + hex.EncodeToString(b[:])
}

// ownServer starts a redis-server for a test that kills, pauses or fills
// it; with only an external Redis (APPVERIFY_REDIS_ADDR and no binary) the
// test is skipped, since that server is not ours to kill.
func ownServer(t testing.TB) *redistest.Server {
	t.Helper()
	srv, err := redistest.Start()
	if err != nil {
		if _, berr := redistest.Binary(); berr != nil && !redistest.Required() {
			t.Skipf("this test kills its own Redis and needs redis-server installed: %v", err)
		}
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}
