package appident

import "errors"

// Errors returned by [Checker.Assess] when an app cannot be assessed at all.
// Everything else (a development target, a failed lookup, a refused dial, a
// bad certificate) is evidence in the [Assessment], never an error.
var (
	// ErrNoClientID means the app's client id is empty (or only spaces).
	ErrNoClientID = errors.New("appident: empty client id")
	// ErrNoRedirectURI means the app has no redirect URI.
	ErrNoRedirectURI = errors.New("appident: no redirect URI")
	// ErrUnregisteredRedirectURI means App.RedirectURI is not one of the
	// app's registered redirect URIs (a loopback one may differ in its
	// port only, RFC 8252 §7.3).
	ErrUnregisteredRedirectURI = errors.New("appident: redirect URI not registered")
	// ErrClosed means the Checker was closed.
	ErrClosed = errors.New("appident: checker closed")
)
