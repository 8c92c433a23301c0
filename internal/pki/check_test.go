package pki

// A tiny stand-in for testify's assert/require: testify v1.12.1 needs
// go.yaml.in/yaml/v3, whose go.sum entry this module does not carry.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

type checker struct{ fatal bool }

var (
	assert  = checker{}
	require = checker{fatal: true}
)

func (c checker) fail(t testing.TB, msg string, args []any) {
	t.Helper()
	if len(args) > 0 {
		msg += " " + fmt.Sprint(args...)
	}
	if c.fatal {
		t.Fatal(msg)
	}
	t.Error(msg)
}

func (c checker) NoError(t testing.TB, err error, args ...any) {
	t.Helper()
	if err != nil {
		c.fail(t, "unexpected error: "+err.Error(), args)
	}
}

func (c checker) Error(t testing.TB, err error, args ...any) {
	t.Helper()
	if err == nil {
		c.fail(t, "expected an error", args)
	}
}

func (c checker) ErrorContains(t testing.TB, err error, sub string, args ...any) {
	t.Helper()
	if err == nil || !strings.Contains(err.Error(), sub) {
		c.fail(t, fmt.Sprintf("error %v does not contain %q", err, sub), args)
	}
}

func (c checker) ErrorAs(t testing.TB, err error, target any, args ...any) {
	t.Helper()
	if err == nil || !errors.As(err, target) {
		c.fail(t, fmt.Sprintf("error %v is not a %T", err, target), args)
	}
}

func (c checker) Equal(t testing.TB, want, got any, args ...any) {
	t.Helper()
	if !reflect.DeepEqual(want, got) {
		c.fail(t, fmt.Sprintf("got %v, want %v", got, want), args)
	}
}

func (c checker) NotEqual(t testing.TB, a, b any, args ...any) {
	t.Helper()
	if reflect.DeepEqual(a, b) {
		c.fail(t, fmt.Sprintf("both are %v", a), args)
	}
}

func (c checker) True(t testing.TB, v bool, args ...any) {
	t.Helper()
	if !v {
		c.fail(t, "expected true", args)
	}
}

func (c checker) Len(t testing.TB, v any, n int, args ...any) {
	t.Helper()
	if l := reflect.ValueOf(v).Len(); l != n {
		c.fail(t, fmt.Sprintf("length %d, want %d", l, n), args)
	}
}

func (c checker) NotEmpty(t testing.TB, v any, args ...any) {
	t.Helper()
	if reflect.ValueOf(v).Len() == 0 {
		c.fail(t, "expected non-empty", args)
	}
}

func (c checker) Empty(t testing.TB, v any, args ...any) {
	t.Helper()
	if l := reflect.ValueOf(v).Len(); l != 0 {
		c.fail(t, fmt.Sprintf("expected empty, length %d", l), args)
	}
}

func (c checker) NotZero(t testing.TB, v any, args ...any) {
	t.Helper()
	if reflect.ValueOf(v).IsZero() {
		c.fail(t, "expected non-zero", args)
	}
}

func (c checker) NotNil(t testing.TB, v any, args ...any) {
	t.Helper()
	if v == nil || reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil() {
		c.fail(t, "expected non-nil", args)
	}
}

func (c checker) Less(t testing.TB, a, b time.Duration, args ...any) {
	t.Helper()
	if a >= b {
		c.fail(t, fmt.Sprintf("%v is not less than %v", a, b), args)
	}
}

func (c checker) GreaterOrEqual(t testing.TB, a, b time.Duration, args ...any) {
	t.Helper()
	if a < b {
		c.fail(t, fmt.Sprintf("%v is less than %v", a, b), args)
	}
}

func (c checker) Eventually(t testing.TB, cond func() bool, wait, tick time.Duration, args ...any) {
	t.Helper()
	deadline := time.Now().Add(wait)
	for !cond() {
		if time.Now().After(deadline) {
			c.fail(t, "condition never became true", args)
			return
		}
		time.Sleep(tick)
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }

func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}
