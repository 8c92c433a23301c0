package etld

import (
	"errors"
	"testing"
)

// reasonOf returns the Reason of an *Error, or "" for any other error.
func reasonOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// TestSentinels: each sentinel matches its reason's errors and no other's.
func TestSentinels(t *testing.T) {
	for reason := range reasonText {
		err := &Error{Host: "h", Reason: reason}
		for r, s := range reasonSentinel {
			if got := errors.Is(err, s); got != (r == reason) {
				t.Errorf("errors.Is(reason %s, sentinel of %s) = %v", reason, r, got)
			}
		}
	}
	if _, err := ETLDPlusOne("co.uk"); !errors.Is(err, ErrPublicSuffix) {
		t.Errorf("ETLDPlusOne(co.uk): %v, want ErrPublicSuffix", err)
	}
	if _, err := ETLDPlusOne("127.0.0.1"); !errors.Is(err, ErrIPLiteral) {
		t.Errorf("ETLDPlusOne(127.0.0.1): %v, want ErrIPLiteral", err)
	}
	if _, err := Parse("com.example.app:/cb"); !errors.Is(err, ErrPrivateScheme) {
		t.Errorf("Parse(com.example.app:/cb): %v, want ErrPrivateScheme", err)
	}
}
