package rediscache

import "errors"

// errMiss stands for appident.ErrCacheMiss until the appident branch that
// defines it is merged.
var errMiss = errors.New("appident: cache miss")
