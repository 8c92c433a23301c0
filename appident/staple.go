package appident

import (
	"time"

	"github.com/consenttrust/appverify/tlsinspect"
)

// setMaxStapleAge makes in count a stapled OCSP response only when the CA
// produced it within d. (tlsinspect.Inspector.MaxStapleAge, once merged.)
func setMaxStapleAge(in *tlsinspect.Inspector, d time.Duration) {}

// revocationAt is when the revocation status that decided rep was produced,
// or zero when unknown. (tlsinspect.Report.RevocationAt, once merged.)
func revocationAt(rep *tlsinspect.Report) time.Time { return time.Time{} }
