package dnsverify

import "fmt"

var statusNames = [...]string{
	StatusError:    "error",
	StatusVerified: "verified",
	StatusNotFound: "not_found",
	StatusMismatch: "mismatch",
}

// String returns the status as in the JSON report: verified, not_found,
// mismatch or error.
func (s Status) String() string {
	if s < 0 || int(s) >= len(statusNames) {
		return fmt.Sprintf("Status(%d)", int(s))
	}
	return statusNames[s]
}

// MarshalText implements encoding.TextMarshaler with the names of String.
func (s Status) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(statusNames) {
		return nil, fmt.Errorf("dnsverify: invalid Status %d", int(s))
	}
	return []byte(statusNames[s]), nil
}

// UnmarshalText implements encoding.TextUnmarshaler with the names of String.
func (s *Status) UnmarshalText(b []byte) error {
	for i, n := range statusNames {
		if n == string(b) {
			*s = Status(i)
			return nil
		}
	}
	return fmt.Errorf("dnsverify: unknown Status %q", b)
}
