package appident

import (
	"errors"
	"fmt"
)

// Errors returned by [Checker.Assess] when an app cannot be assessed at all.
// Everything else (a development target, a failed lookup, a refused dial, a
// bad certificate) is evidence in the [Assessment], never an error.
var (
	// ErrNoClientID means the app's client id is empty (or only spaces).
	ErrNoClientID = errors.New("appident: empty client id")
	// ErrNoRedirectURI means the app has no redirect URI.
	ErrNoRedirectURI = errors.New("appident: no redirect URI")
)

// RedirectURIError reports a primary redirect URI that cannot be parsed.
// It wraps the error of package etld: use errors.As to reach it.
type RedirectURIError struct {
	URI string
	Err error
}

func (e *RedirectURIError) Error() string {
	return fmt.Sprintf("appident: redirect URI %q: %v", e.URI, e.Err)
}

func (e *RedirectURIError) Unwrap() error { return e.Err }

// cachedError stands for an error whose evidence came back from a Cache that
// serialised it: its message and its class survive, its type does not.
type cachedError struct {
	msg       string
	refused   bool
	temporary bool
}

func (e *cachedError) Error() string { return e.msg }

func (e *cachedError) Is(target error) bool { return e.refused && target == ErrRefused }

// Temporary reports whether the failure was transient (a timeout, a network error).
func (e *cachedError) Temporary() bool { return e.temporary }

// Timeout is here so that errors from a shared cache keep net.Error's shape.
func (e *cachedError) Timeout() bool { return false }
