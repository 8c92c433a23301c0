// Package rediscache stores a fleet's appident evidence in Redis.
package rediscache
